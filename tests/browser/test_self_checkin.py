"""Self check-in in a real Chromium: the hall QR on the projector, a phone checking in from it
and its owner signing with a finger (pointer events), then the signature in the record PDF."""

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from coordination.demo.services import FOLLOW_UP_SLUG
from coordination.door import services as door
from coordination.door.models import Checkin, CheckinList, CheckinSource
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.paperwork.documents import attendance_pdf
from coordination.registration.services import ParticipantData, register
from coordination.selfcheckin import services
from coordination.selfcheckin.models import Signature

from ..test_self_checkin import images_in_row
from .conftest import DESKTOP, PHONE, SCREENSHOTS, expect, log_in

SLUG = FOLLOW_UP_SLUG  # the demo's upcoming meeting: nobody has checked in yet


def open_hall(app) -> tuple[int, int, str, str]:
    """Self check-in and signatures on: (list id, person id, their name, personal link)."""
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        main = door.default_list(event)
        services.set_self_checkin(main, True, walk_in=False)
        services.set_signature_required(event, True)
        try:
            person = register(
                event,
                ParticipantData("Hj. Siti Aminah", "KSP Sejahtera", "Bendahara", "0812 7777 0101"),
                by_organiser=True,
            )
        except DomainError as error:  # opened by an earlier test of this module
            person = error.details["registration"]
        db.session.commit()
        return main.id, person.id, person.full_name, person.link_token


def draw_signature(page) -> None:
    """A name written with the pointer: strokes across the pad, pressed and released."""
    box = page.locator("#signature-pad").bounding_box()
    left, top, width, height = box["x"], box["y"], box["width"], box["height"]
    for stroke in range(3):
        page.mouse.move(left + width * (0.1 + 0.25 * stroke), top + height * 0.7)
        page.mouse.down()
        for step in range(1, 16):
            x = left + width * (0.1 + 0.25 * stroke + 0.015 * step)
            y = top + height * (0.7 - 0.4 * ((step % 5) / 5))
            page.mouse.move(x, y, steps=2)
        page.mouse.up()


def test_a_phone_checks_in_from_the_hall_qr_and_its_signature_prints_in_the_record(
    page_for, live_server
):
    app = live_server.app
    list_id, person_id, name, link_token = open_hall(app)

    projector = page_for(DESKTOP)
    log_in(projector)
    projector.goto(f"/events/{SLUG}/hall-qr?list={list_id}")
    expect(projector.locator(".hall-title")).to_have_text("Pindai untuk hadir")
    expect(projector.locator("#hall-code svg")).to_be_visible()
    projector.screenshot(path=str(SCREENSHOTS / "hall-qr-desktop.png"))

    phone = page_for(PHONE)
    phone.goto(f"/r/{link_token}")  # the participant's personal link, opened on this phone
    token = services.hall_token(app.secret_key, list_id, services.window_at(utcnow()))
    phone.goto(f"/hadir/{list_id}/{token}")  # what the camera opens from the hall QR
    phone.click(f"#self-person-{person_id}")
    expect(phone.locator("#self-verdict")).to_have_class("verdict verdict-ok self-verdict")
    expect(phone.locator(".verdict-title")).to_contain_text(name)
    draw_signature(phone)
    phone.locator("#signature-form").scroll_into_view_if_needed()
    phone.screenshot(path=str(SCREENSHOTS / "self-checkin-sign-phone.png"))
    phone.click("#signature-save")
    expect(phone.locator("#self-verdict")).to_contain_text("tanda tangan Anda tersimpan")

    with app.app_context():
        checkin = db.session.scalar(sa.select(Checkin).where(Checkin.registration_id == person_id))
        assert checkin.source == CheckinSource.SELF
        signature = db.session.scalar(
            sa.select(Signature).where(Signature.registration_id == person_id)
        )
        assert signature.points >= 6 and len(signature.path) < 2000
    with app.test_request_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        content = attendance_pdf(event, kind="record")
    assert images_in_row(content, name) == 1


def test_the_hall_qr_changes_every_30_seconds_by_itself_also_when_the_network_drops(
    page_for, live_server
):
    app = live_server.app
    list_id, *_ = open_hall(app)
    projector = page_for(DESKTOP)
    projector.clock.install()
    log_in(projector)
    projector.goto(f"/events/{SLUG}/hall-qr?list={list_id}")
    code = projector.locator("#hall-code")
    expect(code.locator("svg")).to_be_visible()
    hall = projector.locator("#hall-qr")
    expect(hall).to_have_attribute("data-held", str(services.WINDOWS_AHEAD))
    first = code.inner_html()
    window = int(hall.get_attribute("data-window"))
    # The network drops: the page keeps changing the code from the set it holds.
    projector.route("**/hall-qr.json*", lambda route: route.abort())
    projector.clock.run_for(30_000)
    expect(hall).to_have_attribute("data-window", str(window + 1))
    second = code.inner_html()
    assert second != first
    projector.clock.run_for(30_000)
    expect(hall).to_have_attribute("data-window", str(window + 2))
    assert code.inner_html() not in (first, second)


def test_the_door_phone_is_handed_over_to_sign_after_a_green_scan(page_for, live_server):
    app = live_server.app
    open_hall(app)
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        person = register(
            event,
            ParticipantData("Bapak Joko Susilo", "KUD Sido Makmur", "Ketua", "0812 7777 0202"),
            by_organiser=True,
        )
        db.session.commit()
        code, person_id = person.checkin_code, person.id
    phone = page_for(PHONE)
    log_in(phone)
    phone.goto(f"/events/{SLUG}/door?camera=0")
    phone.fill("#code", code)
    phone.press("#code", "Enter")
    expect(phone.locator("#door-verdict")).to_have_attribute("data-code", "checked_in")
    phone.click(".door-sign-link")
    draw_signature(phone)
    phone.click("#signature-save")
    expect(phone.locator("#door-verdict")).to_be_attached()
    with app.app_context():
        signature = db.session.scalar(
            sa.select(Signature).where(Signature.registration_id == person_id)
        )
        assert signature is not None and signature.source == CheckinSource.SCAN


def test_the_door_phone_offers_the_pad_on_an_amber_scan_to_someone_who_has_not_signed(
    page_for, live_server
):
    """In before the organiser asked for signatures: scanned again, they can still sign."""
    app = live_server.app
    open_hall(app)
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        person = register(
            event,
            ParticipantData("Ibu Ratna Dewi", "KSU Mekar Jaya", "Sekretaris", "0812 7777 0303"),
            by_organiser=True,
        )
        door.check_in_code(
            event, door.default_list(event), person.checkin_code, door.DoorActor("Pintu Utara")
        )
        db.session.commit()
        code, person_id = person.checkin_code, person.id
    phone = page_for(PHONE)
    log_in(phone)
    phone.goto(f"/events/{SLUG}/door?camera=0")
    phone.fill("#code", code)
    phone.press("#code", "Enter")
    verdict = phone.locator("#door-verdict")
    expect(verdict).to_have_attribute("data-code", "already_checked_in")
    phone.click(".door-sign-link")
    draw_signature(phone)
    phone.click("#signature-save")
    expect(phone.locator("#door-verdict")).to_be_attached()
    with app.app_context():
        assert db.session.scalar(
            sa.select(Signature.id).where(Signature.registration_id == person_id)
        )
    phone.fill("#code", code)
    phone.press("#code", "Enter")
    expect(verdict).to_have_attribute("data-code", "already_checked_in")
    expect(verdict.locator(".door-sign-link")).to_have_count(0)


@pytest.mark.parametrize("language", ["id", "en"])
def test_self_checkin_pages_fit_a_phone_and_pass_axe(page_for, live_server, language):
    app = live_server.app
    list_id, _person_id, _name, link_token = open_hall(app)
    with app.app_context():
        self_list = db.session.get(CheckinList, list_id)
        services.set_self_checkin(self_list, True, walk_in=True)
        db.session.commit()
    problems = []

    def check(page, viewport):
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", language)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > viewport["width"]:
            problems.append(f"{page.url}: {width} px wide on a {viewport['width']} px screen")
        for violation in Axe().run(page).response["violations"]:
            problems.append(f"{page.url}: {violation['id']} {violation['help']}")

    phone = page_for(PHONE)
    phone.goto("/login")
    phone.click(f"button[name=language][value={language}]")
    token = services.hall_token(app.secret_key, list_id, services.window_at(utcnow()) - 5)
    phone.goto(f"/hadir/{list_id}/{token}")  # expired
    check(phone, PHONE)
    phone.goto(f"/r/{link_token}")
    token = services.hall_token(app.secret_key, list_id, services.window_at(utcnow()))
    phone.goto(f"/hadir/{list_id}/{token}")
    phone.click(".self-spot summary")
    check(phone, PHONE)
    phone.fill("#phone", "0812 0000 9999")
    phone.fill("#confirmation", "ZZZZ")
    phone.click("#self-phone-form button[type=submit]")
    expect(phone.locator("#self-error")).to_be_visible()
    check(phone, PHONE)
    for viewport in (PHONE, DESKTOP):
        organiser = page_for(viewport)
        organiser.goto("/login")
        organiser.click(f"button[name=language][value={language}]")
        log_in(organiser)
        for path in (f"/events/{SLUG}/hall-qr?list={list_id}", f"/events/{SLUG}/checkin-lists"):
            organiser.goto(path)
            check(organiser, viewport)
    assert not problems, "\n".join(problems)
