"""The door when the hall Wi-Fi drops, in a persistent Chromium profile on a phone viewport:
from the first visit, through reloads and a browser restart, to the queue reaching the server."""

import contextlib
import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coordination.auth.models import User
from coordination.demo.services import DEMO_SLUG
from coordination.door import access
from coordination.door.models import Checkin, CheckinReview
from coordination.events.models import Event
from coordination.events.services import EventData, create_event
from coordination.extensions import db, utcnow
from coordination.registration.models import Registration
from coordination.registration.services import ParticipantData, register

from .conftest import CHROMIUM, PHONE, expect, go_offline, require_chromium
from .test_door import checkins_of

SLUG = "rakor-luring"
DOOR = f"/events/{SLUG}/door"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def hall(live_app):
    """An event under way (door links last as long as their event), with its participants:
    [(id, code, name)]."""
    with live_app.app_context():
        demo = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_SLUG))
        now = utcnow()
        event = create_event(
            EventData(
                title="Rakor Luring",
                slug=SLUG,
                organising_body=demo.organising_body,
                venue_name=demo.venue_name,
                starts_at=now - timedelta(hours=1),
                ends_at=now + timedelta(hours=3),
                capacity=50,
            ),
            db.session.get(User, demo.created_by_id),
        )
        people = [
            register(
                event,
                ParticipantData(f"Peserta Luring {n}", phone=f"0813 5555 1{n:03d}"),
                by_organiser=True,
            )
            for n in range(8)
        ]
        db.session.commit()
        return [(p.id, p.checkin_code, p.full_name) for p in people]


@pytest.fixture(scope="module")
def playwright():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture
def phone(playwright, live_server, tmp_path):
    """Opens a phone: a Chromium with its own profile on disk, kept between launches."""
    opened = []

    def launch(profile: str = "phone", offline: bool = False):
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / profile),
            executable_path=CHROMIUM,
            headless=True,
            viewport=PHONE,
            base_url=live_server.url,
            offline=offline,
            args=ARGS,
        )
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield launch
    for context in opened:
        with contextlib.suppress(Exception):  # some the test closed itself
            context.close()


def door_link(app, name: str) -> tuple[str, str]:
    """A door link and its PIN (made here: the demo event is already under way)."""
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        link, pin = access.create_link(event, name)
        db.session.commit()
        return link.token, pin


def open_door(context, app, name: str):
    """What a volunteer does: the door link, the PIN, and the door page, once, online."""
    page = context.pages[0] if context.pages else context.new_page()
    token, pin = door_link(app, name)
    page.goto(f"/d/{token}")
    page.fill("#pin", pin)
    page.locator("#pin").press("Enter")
    expect(page.locator("#door")).to_be_attached()
    page.goto(f"{DOOR}?camera=0")
    door = page.locator("#door")
    expect(door).to_have_attribute("data-snapshot", "ready")
    expect(door).to_have_attribute("data-offline-ready", "1")
    # The kept copy makes the page ready at once; wait for this visit's own fetch too, so a
    # test that registers someone afterwards knows the copy cannot have them.
    expect(door).to_have_attribute("data-copy-fetches", re.compile(r"^[1-9]"))
    return page


def type_code(page, code: str) -> None:
    page.locator("#code").fill(code)
    page.locator("#code").press("Enter")


def test_from_the_first_visit_the_door_reopens_offline_and_remembers_whom_it_let_in(
    phone, live_app, hall
):
    (person_id, code, name) = hall[0]
    context = phone()
    page = open_door(context, live_app, "Pintu Utara")
    door, verdict = page.locator("#door"), page.locator("#door-verdict")
    go_offline(context)
    page.reload()  # the very first reload is already offline: no second online visit
    expect(page.locator("#code")).to_be_visible()
    expect(door).to_have_attribute("data-snapshot", "ready")
    expect(page.locator("#door-copy")).to_have_text(re.compile(r"^salinan: \d+ orang, \d\d\.\d\d$"))
    type_code(page, code)
    expect(verdict).to_contain_text(f"Selamat datang, {name}")
    expect(door).to_have_attribute("data-queued", "1")
    at = page.locator("#door-recent li.pending").first.text_content()[:5]

    page.reload()  # Android dropped the tab; still no network
    expect(page.locator("#door-recent li.pending")).to_contain_text(name)
    type_code(page, code)
    expect(verdict).to_have_attribute("data-code", "already_checked_in")
    expect(verdict).to_have_class("verdict verdict-warn")
    expect(verdict).to_contain_text(f"Sudah check-in pukul {at} (luring)")
    expect(door).to_have_attribute("data-queued", "1")  # queued once

    context.close()  # the browser closed, or the phone restarted, in a hall without Wi-Fi
    context = phone(offline=True)
    # A new page: the one Chromium opens with a persistent profile can start before the
    # offline emulation applies, and its first sync would then reach the server.
    page = context.new_page()
    page.goto(f"{DOOR}?camera=0")
    door = page.locator("#door")
    expect(door).to_have_attribute("data-queued", "1")
    type_code(page, code)
    expect(page.locator("#door-verdict")).to_have_attribute("data-code", "already_checked_in")
    assert checkins_of(live_app, [person_id]) == []
    context.set_offline(False)
    expect(door).to_have_attribute("data-queued", "0", timeout=20_000)
    (checkin,) = checkins_of(live_app, [person_id])
    assert checkin.offline and checkin.door_name == "Pintu Utara"
    expect(page.locator("#door-recent li").first).to_contain_text(name)  # no reload needed


def test_a_code_the_copy_does_not_know_is_kept_and_decided_by_the_server(phone, live_app, hall):
    context = phone()
    page = open_door(context, live_app, "Pintu Barat")
    go_offline(context)  # before the registration: no refresh of the copy can bring it
    with live_app.app_context():  # registered after the phone's copy was made
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        late = Registration(event_id=event.id, full_name="Sri Terlambat", phone="+6281399990001")
        db.session.add(late)
        db.session.commit()
        late_id, late_code = late.id, late.checkin_code
    verdict = page.locator("#door-verdict")
    for code in (late_code, "BUKANKODESIAPAPUN"):
        type_code(page, code)
        expect(verdict).to_have_class("verdict verdict-pending")
        expect(verdict).to_contain_text("Belum bisa diperiksa, dicatat")
        expect(verdict).to_contain_text("Persilakan masuk")
        verdict.click()
    expect(page.locator("#door")).to_have_attribute("data-queued", "2")
    context.set_offline(False)
    expect(page.locator("#door")).to_have_attribute("data-queued", "0", timeout=20_000)
    (checkin,) = checkins_of(live_app, [late_id])
    assert checkin.offline
    refused = page.locator("#door-refused li")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("Kode tidak dikenal")
    with live_app.app_context():
        kinds = db.session.scalars(
            sa.select(CheckinReview.kind).where(CheckinReview.door_name == "Pintu Barat")
        ).all()
    assert kinds == ["unknown_code"]


def test_a_server_that_does_not_answer_gets_a_phone_verdict_and_the_scan_arrives_once(
    phone, live_app, hall
):
    (person_id, code, name) = hall[1]
    context = phone()
    page = open_door(context, live_app, "Pintu Timur")
    held = []
    for path in ("**/door/scan", "**/door/sync"):  # the server says nothing
        page.route(path, lambda route: held.append(route))
    started = time.monotonic()
    type_code(page, code)
    verdict = page.locator("#door-verdict")
    expect(verdict).to_contain_text(f"Selamat datang, {name}", timeout=5_000)
    assert time.monotonic() - started < 2.5  # the test's own overhead included
    assert int(page.locator("#door").get_attribute("data-last-latency-ms")) < 1500
    expect(page.locator("#door-network")).to_contain_text("Server tidak menjawab")
    expect(page.locator("#door")).to_have_attribute("data-queued", "1")
    for path in ("**/door/scan", "**/door/sync"):
        page.unroute(path)
    for route in held:  # the held requests reach the server after all
        with contextlib.suppress(Exception):  # one the page gave up on
            route.continue_()
    expect(page.locator("#door")).to_have_attribute("data-queued", "0", timeout=20_000)
    (checkin,) = checkins_of(live_app, [person_id])
    assert checkin.offline


def test_two_doors_admitting_one_person_offline_give_one_check_in_and_one_duplicate(
    phone, live_app, hall
):
    (person_id, code, _name) = hall[2]
    first = phone("first")
    second = phone("second")
    north = open_door(first, live_app, "Pintu Utara 2")
    south = open_door(second, live_app, "Pintu Selatan 2")
    go_offline(first)
    go_offline(second)
    type_code(north, code)
    expect(north.locator("#door-verdict")).to_have_attribute("data-code", "checked_in")
    time.sleep(1.1)
    type_code(south, code)
    expect(south.locator("#door-verdict")).to_have_attribute("data-code", "checked_in")
    second.set_offline(False)  # the later door is back first
    expect(south.locator("#door")).to_have_attribute("data-queued", "0", timeout=20_000)
    first.set_offline(False)
    expect(north.locator("#door")).to_have_attribute("data-queued", "0", timeout=20_000)
    (checkin,) = checkins_of(live_app, [person_id])
    assert checkin.door_name == "Pintu Utara 2"
    with live_app.app_context():
        duplicates = db.session.execute(
            sa.select(CheckinReview.kind, CheckinReview.door_name).where(
                CheckinReview.registration_id == person_id
            )
        ).all()
    assert duplicates == [("duplicate", "Pintu Selatan 2")]


def test_an_offline_walk_in_is_registered_when_the_network_is_back(phone, live_app, hall):
    context = phone()
    page = open_door(context, live_app, "Pintu Tengah")
    go_offline(context)
    page.goto(f"{DOOR}/walk-in")  # the walk-in link, opened with no network
    form = page.locator("#door-walk-in-offline")
    expect(form).to_be_visible()
    page.fill("#walk-in-name", "Wayan Datang")
    page.fill("#walk-in-organisation", "KSP Sejahtera")
    page.fill("#walk-in-phone", "0813-5555-0101")
    form.get_by_role("button", name="Daftarkan dan check-in").click()
    expect(page.locator("#door-verdict")).to_contain_text("Wayan Datang")
    expect(page.locator("#door")).to_have_attribute("data-queued", "1")
    context.set_offline(False)
    expect(page.locator("#door")).to_have_attribute("data-queued", "0", timeout=20_000)
    with live_app.app_context():
        person = db.session.scalar(
            sa.select(Registration).where(Registration.full_name == "Wayan Datang")
        )
        checkin = db.session.scalar(sa.select(Checkin).where(Checkin.registration_id == person.id))
        assert (person.organisation, person.phone) == ("KSP Sejahtera", "+6281355550101")
        assert checkin.source == "walk_in" and checkin.offline


def test_someone_this_phone_let_in_online_is_amber_when_the_network_then_drops(
    phone, live_app, hall
):
    """The phone's copy, made before, has not heard of that check-in: the phone's own
    record must say it all the same (a new-user trial saw a green 'Selamat datang')."""
    (_person_id, code, name) = hall[7]
    context = phone(profile="online-then-offline")
    page = open_door(context, live_app, "Pintu Timur")
    verdict = page.locator("#door-verdict")
    type_code(page, code)
    expect(verdict).to_have_attribute("data-code", "checked_in")
    go_offline(context)
    page.reload()
    expect(page.locator("#door")).to_have_attribute("data-snapshot", "ready")
    type_code(page, code)
    expect(verdict).to_have_attribute("data-code", "already_checked_in")
    expect(verdict).to_have_class("verdict verdict-warn")
    expect(verdict).to_contain_text("Pintu Timur")
    expect(page.locator("#door")).to_have_attribute("data-queued", "0")
    # The reopened page has no names from the server, but the door still sees who just came.
    expect(page.locator("#door-recent li").first).to_contain_text(name)
    expect(page.locator("#door-not-due")).to_be_hidden()


def test_the_wrong_day_warning_stays_when_the_door_reopens_offline(phone, live_app, hall):
    """A door page kept from yesterday's rakor, opened offline today, must still say so."""
    with live_app.app_context():
        demo = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_SLUG))
        later = utcnow() + timedelta(days=3)
        event = create_event(
            EventData(
                title="Rakor Bulan Depan",
                slug="rakor-nanti",
                organising_body=demo.organising_body,
                venue_name=demo.venue_name,
                starts_at=later,
                ends_at=later + timedelta(hours=3),
                capacity=50,
            ),
            db.session.get(User, demo.created_by_id),
        )
        link, pin = access.create_link(event, "Pintu Barat")
        db.session.commit()
        token = link.token
    context = phone(profile="wrong-day")
    page = context.new_page()
    page.goto(f"/d/{token}")
    page.fill("#pin", pin)
    page.locator("#pin").press("Enter")
    page.goto("/events/rakor-nanti/door?camera=0")
    expect(page.locator("#door")).to_have_attribute("data-offline-ready", "1")
    expect(page.locator("#door-not-due")).to_be_visible()
    go_offline(context)
    page.reload()
    expect(page.locator("#door")).to_have_attribute("data-snapshot", "ready")
    expect(page.locator("#door-not-due")).to_be_visible()


def test_offline_the_door_says_a_self_checkin_was_one_not_a_door_called_mandiri(
    phone, live_app, hall
):
    from coordination.door import services as door
    from coordination.selfcheckin import services as selfcheckin

    (person_id, code, name) = hall[6]
    with live_app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        main = door.default_list(event)
        selfcheckin.set_self_checkin(main, True, walk_in=False)
        selfcheckin.check_in_self(event, main, db.session.get(Registration, person_id))
        selfcheckin.set_self_checkin(main, False, walk_in=False)
        db.session.commit()
    context = phone()
    page = open_door(context, live_app, "Pintu Timur")
    go_offline(context)
    type_code(page, code)
    verdict = page.locator("#door-verdict")
    expect(verdict).to_have_attribute("data-code", "already_checked_in")
    expect(verdict).to_contain_text("secara mandiri")
    expect(verdict).not_to_contain_text("di Mandiri")
    context.close()
