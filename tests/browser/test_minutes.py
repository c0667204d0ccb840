"""The organiser writes the demo meeting's minutes in Chromium and gets the signed PDF."""

import pypdfium2
import sqlalchemy as sa

from coordination.demo.services import DEMO_SLUG
from coordination.door import services as door
from coordination.door.services import DoorActor
from coordination.events.models import Event
from coordination.extensions import db
from coordination.registration.models import Registration

from .conftest import DESKTOP, SCREENSHOTS, expect, log_in


def check_in_three(app) -> list[str]:
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_SLUG))
        main = door.default_list(event)
        people = db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.status == "confirmed")
            .order_by(Registration.id)
            .limit(3)
        ).all()
        for person in people:
            if door.present_on(main, person) is None:
                door.admit(event, main, person, DoorActor("Pintu Utara"))
        db.session.commit()
        return [person.full_name for person in people]


def test_organiser_writes_finalises_and_downloads_the_minutes(page_for, live_app):
    present = check_in_three(live_app)
    page = page_for(DESKTOP)
    log_in(page)
    page.goto(f"/events/{DEMO_SLUG}")
    page.get_by_role("link", name="Notulen").click()
    expect(page.locator("h1")).to_contain_text("Notulen")

    page.fill("#opened_by", "Joko Rohani Sanjaya")
    page.fill("#opening", "Rapat dibuka dengan **doa bersama**.")
    page.fill(
        "#sections-0-discussion", "Koperasi perlu menyiapkan diri untuk revolusi industri 4.0."
    )
    page.fill("#decisions-0-text", "Pendataan ulang koperasi aktif se-Kabupaten Probolinggo.")
    page.fill("#decisions-0-votes_for", "3")  # no more votes than people present
    page.get_by_role("button", name="Tambah tindak lanjut").click()  # saves, then one more row
    expect(page.locator(".flash-success")).to_contain_text("Notulen disimpan")
    expect(page.locator("#opening")).to_have_value("Rapat dibuka dengan **doa bersama**.")
    page.fill("#actions-0-what", "Menyusun data koperasi aktif")
    page.fill("#actions-0-who", "Bidang Kelembagaan")
    page.fill("#actions-1-what", "Undangan rapat lanjutan")
    page.fill("#taker_name", "Siti Rahayu")
    page.fill("#chair_name", "Joko Rohani Sanjaya")
    page.fill("#chair_position", "Ketua Dekopinda Kabupaten Probolinggo")
    page.fill("#signed_place", "Probolinggo")
    decisions = page.locator(
        "textarea[id^=decisions-][id$=-text], input[id^=decisions-][id$=-text]"
    )
    rows = decisions.count()
    page.press("#signed_place", "Enter")  # Enter saves, as "Simpan draf" does; it adds no row
    expect(page.locator(".flash-success")).to_contain_text("Notulen disimpan")
    assert decisions.count() == rows

    page.get_by_role("button", name="Finalkan notulen").click()
    # One tap only asks, and says what finalising freezes; the lock comes on the yes.
    expect(page.locator("h1")).to_have_text("Finalkan notulen?")
    expect(page.locator("main")).to_contain_text("Siti Rahayu sebagai notulis")
    page.screenshot(path=str(SCREENSHOTS / "minutes-finalise-question-desktop.png"))
    page.click("#confirm-yes")
    expect(page.locator("h1")).to_contain_text("final")
    expect(page.locator(".minutes-preview")).to_contain_text("Undangan rapat lanjutan")

    link = page.locator("a", has_text="Unduh notulen (PDF)")
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pages = [p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(response.body())]
    assert "NOTULEN RAPAT" in pages[0] and "DRAF" not in "".join(pages)
    assert "Pendataan ulang koperasi aktif" in "".join(pages)
    attached = [p for p in pages if "DAFTAR HADIR" in p]
    assert attached and pages[-1] in attached  # the attendance list is the last pages
    assert all(name in "".join(attached) for name in present)
