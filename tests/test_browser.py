"""Real-browser tests: Debian's Chromium, headless, driven by Playwright's Python API."""

import os
import shutil
import threading
from pathlib import Path
from typing import NamedTuple

import pytest
from werkzeug.serving import make_server

from coordination import create_app
from coordination.config import ROOT, TestConfig
from coordination.demo.services import ADMIN, DEMO_SLUG, FOLLOW_UP_SLUG, ORGANISER
from coordination.extensions import db


class LiveServer(NamedTuple):
    url: str
    app: object


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(ROOT, "docs", "screenshots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run must install chromium")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

expect.set_options(timeout=15_000)  # shared, noisy machines: wait longer than the default 5 s


@pytest.fixture(scope="module")
def live_app(live_server):
    return live_server.app


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The app on a free loopback port, holding the demo data."""
    url = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.sqlite3'}"
    )
    config = TestConfig(url)
    config.WTF_CSRF_ENABLED = True
    config.OUTBOX_DIR = str(tmp_path_factory.mktemp("outbox"))
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        from coordination.demo.services import load_demo

        load_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    server.shutdown()
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser, live_server):
    contexts = []

    def open_page(viewport=PHONE):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, account=ORGANISER):
    page.goto("/login")
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    page.click("form button[type=submit] >> nth=-1")
    expect(page.locator("h1")).to_be_visible()


def create_event(page, title: str) -> None:
    page.click("a[href='/events/new']")
    page.fill("#title", title)
    page.fill("#organising_body", "Dekopinda Kabupaten Probolinggo")
    page.fill("#venue_name", "Aula Bale Hinggil")
    page.select_option("#timezone", "Asia/Makassar")
    page.fill("#starts_at", "2030-03-15T13:00")
    page.fill("#ends_at", "2030-03-15T16:00")
    page.fill("#capacity", "60")
    page.click("main form button[type=submit]")


def test_organiser_creates_an_event_in_indonesian_and_sees_it_listed(page_for):
    page = page_for(PHONE)
    log_in(page)
    expect(page.locator("html")).to_have_attribute("lang", "id")
    create_event(page, "Rakor Koperasi Nelayan")
    expect(page.locator(".flash-success")).to_contain_text("Acara dibuat")
    page.goto("/")
    card = page.locator(".event-list article", has_text="Rakor Koperasi Nelayan")
    expect(card).to_contain_text("Jumat, 15 Maret 2030, 13.00 WITA")


def test_organiser_switches_to_english_and_it_is_remembered(page_for):
    page = page_for(DESKTOP)
    log_in(page, ADMIN)  # the choice is saved on the account: keep it off the organiser's
    page.click("button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    create_event(page, "Coordination Meeting of Fishers")
    expect(page.locator(".flash-success")).to_contain_text("Event created")
    page.goto("/")
    expect(page.locator("h1")).to_have_text("My events")
    card = page.locator(".event-list article", has_text="Coordination Meeting of Fishers")
    expect(card).to_contain_text("Friday, 15 March 2030, 13:00 WITA")


def test_invalid_event_keeps_what_was_typed_in_the_browser(page_for):
    page = page_for(PHONE)
    log_in(page)
    page.click("a[href='/events/new']")
    page.fill("#title", "Rakor Tanpa Tempat")
    page.fill("#starts_at", "2030-03-15T13:00")
    page.fill("#ends_at", "2030-03-15T12:00")
    page.fill("#capacity", "10")
    page.click("main form button[type=submit]")
    expect(page.locator("#ends_at-error")).to_be_visible()
    expect(page.locator("#title")).to_have_value("Rakor Tanpa Tempat")


PAGES = [
    ("public-event", f"/e/{FOLLOW_UP_SLUG}", False),
    ("personal", "PERSONAL", False),
    ("login", "/login", False),
    ("events", "/", True),
    ("event", f"/events/{DEMO_SLUG}", True),
    ("event-form", "/events/new", True),
    ("agenda-form", f"/events/{DEMO_SLUG}/agenda/new", True),
    ("participants", f"/events/{DEMO_SLUG}/participants", True),
    ("outbox", f"/events/{DEMO_SLUG}/outbox", True),
]


@pytest.mark.parametrize("viewport_name,viewport", [("phone", PHONE), ("desktop", DESKTOP)])
def test_pages_pass_axe_without_serious_violations_and_are_screenshotted(
    page_for, live_app, viewport_name, viewport
):
    import sqlalchemy as sa

    from coordination.registration.models import Registration

    with live_app.app_context():
        token = db.session.scalar(sa.select(Registration.link_token).limit(1))
    page = page_for(viewport)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    logged_in = False
    for name, path, needs_login in PAGES:
        if needs_login and not logged_in:
            log_in(page)
            logged_in = True
        page.goto(f"/r/{token}" if path == "PERSONAL" else path)
        expect(page.locator("h1")).to_be_visible()
        assert "/login" not in page.url or path == "/login", path
        results = Axe().run(page)
        for violation in results.response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                problems.append(f"{path}: {violation['id']} {violation['help']}")
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{viewport_name}.png"), full_page=False)
    assert problems == []


def test_no_request_leaves_the_app(page_for, live_server):
    page = page_for(DESKTOP)
    outside = []
    page.on(
        "request", lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url)
    )
    log_in(page)
    page.goto(f"/events/{DEMO_SLUG}")
    assert outside == []


@pytest.fixture(scope="module", autouse=True)
def _copy_of_chromium_version():
    """Name the browser in the test log, so a CI run shows what it drove."""
    print(f"chromium: {shutil.which(CHROMIUM) or CHROMIUM}")
    yield


def test_participant_registers_on_a_phone_cancels_and_the_waiting_person_moves_up(
    page_for, live_app
):
    from datetime import timedelta

    import sqlalchemy as sa

    from coordination.auth.models import User
    from coordination.events.models import Event
    from coordination.events.services import create_event
    from coordination.extensions import utcnow
    from coordination.registration import services
    from coordination.registration.models import Registration
    from tests.factories import event_data

    now = utcnow()
    with live_app.app_context():
        organiser = db.session.scalar(sa.select(User).where(User.email == ORGANISER.email))
        event = create_event(
            event_data(
                slug="rakor-satu-kursi",
                capacity=1,
                starts_at=now + timedelta(days=5),
                ends_at=now + timedelta(days=5, hours=2),
            ),
            organiser,
        )
        db.session.commit()
        event_id = event.id

    page = page_for(PHONE)
    page.goto("/e/rakor-satu-kursi")
    page.fill("#full_name", "Ahmad Hidayat")
    page.fill("#organisation", "KUD Paiton")
    page.fill("#phone", "0812 7777 8888")
    page.click("#register button[type=submit]")
    expect(page.locator(".status")).to_contain_text("Kursi Anda sudah dikonfirmasi")
    qr = page.locator(".qr img")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0
    personal_link = page.url.split("?")[0]
    page.screenshot(path=str(SCREENSHOTS / "registered-phone.png"))

    with live_app.app_context():
        event = db.session.get(Event, event_id)
        waiting = services.register(
            event, services.ParticipantData(full_name="Budi Menunggu", phone="0812 9999 0000")
        )
        db.session.commit()
        waiting_link = waiting.link_token

    page.goto(personal_link)
    page.click("form[action$='/cancel'] button")
    expect(page.locator(".status")).to_contain_text("dibatalkan")
    page.goto(f"/r/{waiting_link}")
    expect(page.locator(".status")).to_contain_text("Kursi Anda sudah dikonfirmasi")
    with live_app.app_context():
        statuses = dict(
            db.session.execute(
                sa.select(Registration.full_name, Registration.status).where(
                    Registration.event_id == event_id
                )
            ).all()
        )
    assert statuses == {"Ahmad Hidayat": "cancelled", "Budi Menunggu": "confirmed"}
