"""Real-browser tests: Debian's Chromium, headless, driven by Playwright's Python API."""

import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

from coordination.demo.services import ADMIN, DEMO_SLUG, FOLLOW_UP_SLUG, ORGANISER
from coordination.extensions import db

from .conftest import CHROMIUM, DESKTOP, PHONE, SCREENSHOTS, expect, log_in


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
    ("door", f"/events/{DEMO_SLUG}/door?camera=0&q=koperasi", True),
    ("attendance", f"/events/{DEMO_SLUG}/attendance", True),
    ("door-access", f"/events/{DEMO_SLUG}/door-access", True),
    ("minutes", f"/events/{DEMO_SLUG}/minutes", True),
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
    # Visible is not loaded: wait for the bitmap itself (fails if the image is broken).
    page.wait_for_function("() => document.querySelector('.qr img').naturalWidth > 0")
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
    # One tap only asks; the seat goes on the second.
    expect(page.locator("h1")).to_contain_text("Batalkan pendaftaran Anda")
    page.click("#confirm-yes")
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
