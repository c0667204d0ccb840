"""Real-browser tests: Debian's Chromium, headless, driven by Playwright's Python API."""

import os
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


@pytest.fixture(scope="module")
def pages_data(live_app) -> dict:
    return _pages_data(live_app)


def _pages_data(app) -> dict:
    """What the page tour needs beyond the demo: an invitation, a door link, arrivals, a
    second check-in list and the demo meeting's minutes finalised."""
    from datetime import date

    import sqlalchemy as sa

    from coordination.auth.models import User
    from coordination.door import access
    from coordination.door import services as door
    from coordination.door.services import DoorActor
    from coordination.events.models import Event
    from coordination.minutes import services as minutes
    from coordination.registration.models import Invitation, Registration

    with app.app_context():
        meeting = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_SLUG))
        follow_up = db.session.scalar(sa.select(Event).where(Event.slug == FOLLOW_UP_SLUG))
        organiser = db.session.scalar(sa.select(User).where(User.email == ORGANISER.email))
        people = db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == meeting.id)
            .order_by(Registration.id)
            .limit(5)
        ).all()
        meeting.quorum_rule = "registered"  # the dashboard shows "N hadir, kuorum M"
        main = door.default_list(meeting)
        for person in people:
            if door.present_on(main, person) is None:
                door.admit(meeting, main, person, DoorActor("Pintu Utara"))
        if len(door.lists_of(meeting)) < 2:
            door.add_list(meeting, "Sesi siang", None, None)
        invitation = Invitation(
            event_id=follow_up.id,
            full_name="Bapak Sutrisno Wibowo",
            organisation="KUD Sumber Rejeki Desa Tegalsiwalan",
            position="Ketua Pengawas",
            phone="+6281234560001",
        )
        db.session.add(invitation)
        link, _pin = access.create_link(follow_up, "Pintu Selatan")
        record = minutes.minutes_of(meeting)
        if not record.is_final:
            record.chair_name = "Joko Rohani Sanjaya"
            record.taker_name = "Siti Rahayu"
            record.signed_place = "Probolinggo"
            record.signed_on = date(2018, 11, 23)
            minutes.finalise(record, organiser, record.version)
        db.session.commit()
        return {
            "person": people[0].id,
            "personal": people[0].link_token,
            "invitation": invitation.token,
            "door_link": link.token,
        }


# Every page an organiser, a participant or the door sees, once per viewport and language.
# (screenshot name or None, path; {…} is filled from _pages_data)
PUBLIC_PAGES = [
    ("login", "/login"),
    ("public-event", f"/e/{FOLLOW_UP_SLUG}"),
    ("personal", "/r/{personal}"),
    ("personal-edit", "/r/{personal}/edit"),
    ("invitation", "/i/{invitation}"),
    ("door-pin", "/d/{door_link}"),
]
ORGANISER_PAGES = [
    ("events", "/"),
    ("event", f"/events/{DEMO_SLUG}"),
    ("event-form", "/events/new"),
    ("event-edit", f"/events/{DEMO_SLUG}/edit"),
    ("agenda-form", f"/events/{DEMO_SLUG}/agenda/new"),
    ("participants", f"/events/{DEMO_SLUG}/participants"),
    ("participant-form", f"/events/{DEMO_SLUG}/participants/new"),
    ("participant-edit", f"/events/{DEMO_SLUG}/participants/{{person}}"),
    ("invitations", f"/events/{FOLLOW_UP_SLUG}/invitations"),
    ("questions", f"/events/{DEMO_SLUG}/questions"),
    ("outbox", f"/events/{DEMO_SLUG}/outbox"),
    ("poster", f"/events/{FOLLOW_UP_SLUG}/poster"),
    ("badge-style", f"/events/{DEMO_SLUG}/badge-style"),
    ("door-access", f"/events/{FOLLOW_UP_SLUG}/door-access"),
    ("checkin-lists", f"/events/{DEMO_SLUG}/checkin-lists"),
    ("attendance", f"/events/{DEMO_SLUG}/attendance"),
    ("attendance-projector", f"/events/{DEMO_SLUG}/attendance?projector=1"),
    ("attendance-log", f"/events/{DEMO_SLUG}/attendance/log"),
    ("attendance-paper", f"/events/{DEMO_SLUG}/attendance/paper"),
    ("export", f"/events/{DEMO_SLUG}/export"),
    ("minutes", f"/events/{FOLLOW_UP_SLUG}/minutes"),
    ("minutes-final", f"/events/{DEMO_SLUG}/minutes"),
    ("laporan", f"/events/{DEMO_SLUG}/laporan"),
    ("door", f"/events/{DEMO_SLUG}/door?camera=0&q=koperasi"),
    ("walk-in", f"/events/{DEMO_SLUG}/door/walk-in"),
]


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_page_fits_a_phone_and_passes_axe_in_both_languages(page_for, pages_data, language):
    """At 393 px nothing pans sideways, and axe finds nothing, on phone and desktop."""
    data = pages_data
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for viewport_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = page_for(viewport)
        page.goto("/login")
        page.click(f"button[name=language][value={language}]")
        for group, pages in (("public", PUBLIC_PAGES), ("organiser", ORGANISER_PAGES)):
            if group == "organiser":
                log_in(page)
                if language == "en":
                    page.click("button[name=language][value=en]")
            for name, path in pages:
                url = path.format(**data)
                page.goto(url)
                expect(page.locator("h1")).to_be_visible()
                assert "/login" not in page.url or url == "/login", url
                expect(page.locator("html")).to_have_attribute("lang", language)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > viewport["width"]:
                    problems.append(f"{url}: {width} px wide on a {viewport['width']} px screen")
                for violation in Axe().run(page).response["violations"]:
                    problems.append(f"{url} {viewport_name}: {violation['id']} {violation['help']}")
                for_readme = bool(os.environ.get("SCREENSHOTS_DIR"))
                if language == "id" or not for_readme:
                    # README's pictures: Indonesian, one screen each. The suite's own: both
                    # languages, and a phone's whole page, as it is read by scrolling.
                    suffix = "" if language == "id" else "-en"
                    page.screenshot(
                        path=str(SCREENSHOTS / f"{name}-{viewport_name}{suffix}.png"),
                        full_page=viewport_name == "phone" and not for_readme,
                    )
        page.context.close()
    assert not problems, "\n".join(problems)


def test_forms_say_what_is_wrong_next_to_the_right_field_on_a_phone(page_for, pages_data):
    """The mistakes a first-time user makes, each screenshotted where it is shown."""
    page = page_for(PHONE)
    page.goto(f"/e/{FOLLOW_UP_SLUG}")
    page.fill("#full_name", "Ahmad Hidayat")
    page.click("#register button[type=submit]")
    error = page.locator("#phone-error")
    expect(error).to_contain_text("Isi nomor HP atau alamat e-mail")
    # The contact error stays inside the mobile-and-e-mail box, above the e-mail's own label.
    expect(page.locator("fieldset.contact-pair #phone-error")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "registration-errors-phone.png"))

    page.goto(f"/e/{FOLLOW_UP_SLUG}")
    page.fill("#full_name", "Ahmad Hidayat")
    page.fill("#phone", "0812 7777 8888")
    page.click("#register button[type=submit]")
    expect(page.locator(".status")).to_be_visible()
    page.goto(f"/e/{FOLLOW_UP_SLUG}")  # the personal link is lost: register again
    page.fill("#full_name", "Ahmad Hidayat")
    page.fill("#phone", "0812 7777 8888")
    page.click("#register button[type=submit]")
    expect(page.locator(".contact")).to_contain_text("Sekretariat Dekopinda")
    page.screenshot(path=str(SCREENSHOTS / "lost-link-phone.png"))

    log_in(page)
    page.click("button[name=language][value=id]")  # the tour may have left the account in English
    page.goto(f"/events/{FOLLOW_UP_SLUG}/invitations")
    page.set_input_files(
        "#file",
        files=[
            {
                "name": "undangan.csv",
                "mimeType": "text/csv",
                "buffer": b"nama;instansi;jabatan;hp;email\n;KUD Paiton;;0812-12;budi@paiton\n",
            }
        ],
    )
    page.click("main form button[type=submit]")
    errors = page.locator(".row-errors")
    expect(errors).to_contain_text("Baris 2: nomor HP tidak valid: “0812-12”")
    expect(errors).to_contain_text("Baris 2: e-mail tidak valid: “budi@paiton”")
    errors.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "invitation-errors-phone.png"))


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
