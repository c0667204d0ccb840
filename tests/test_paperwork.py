"""Daftar hadir PDFs and exports: what an auditor reads, and what must never leak or run."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import timedelta

import pypdfium2
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from coordination.door import services as door
from coordination.door.services import DoorActor
from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.paperwork.attendance_list import LINES_PER_PAGE, mask_phone
from coordination.paperwork.documents import attendance_pdf
from coordination.paperwork.exports import safe_cell
from coordination.registration.models import Registration

from . import factories

SLUG = "rakor-kertas"


@pytest.fixture
def event_slug(make, organiser):
    return make(factories.make_event, organiser["id"], slug=SLUG, capacity=200)


def pdf_text(content: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(content)
    return [page.get_textpage().get_text_range() for page in document]


@dataclass
class Word:
    text: str
    left: float  # points from the page's left and bottom edges, as PDF has them
    bottom: float
    right: float
    top: float

    @property
    def middle(self) -> float:
        return (self.bottom + self.top) / 2


def page_words(page) -> list[Word]:
    """The words of a PDF page where they are printed."""
    textpage = page.get_textpage()
    words, text, box = [], "", None
    for index in range(textpage.count_chars() + 1):
        char = textpage.get_text_range(index, 1) if index < textpage.count_chars() else " "
        if not char.strip():
            if text:
                words.append(Word(text, *box))
            text, box = "", None
            continue
        left, bottom, right, top = textpage.get_charbox(index)
        if box is not None:
            left, bottom = min(box[0], left), min(box[1], bottom)
            right, top = max(box[2], right), max(box[3], top)
        text, box = text + char, (left, bottom, right, top)
    return words


def check_in_in_order(app, people: list[dict], door_name: str = "Pintu Utara") -> None:
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        main = door.default_list(event)
        for n, person in enumerate(people):
            registration = db.session.get(Registration, person["id"])
            at = utcnow() - timedelta(minutes=len(people) - n)
            door.admit(event, main, registration, DoorActor(door_name), at=at)
        db.session.commit()


def test_mobile_numbers_are_masked_to_their_last_four_digits():
    assert mask_phone("+6281234567890") == "••••-••••-7890"
    assert mask_phone(None) == ""


def test_sign_sheet_lists_everyone_with_page_numbers_and_masked_mobiles(
    app, make, as_user, organiser, event_slug
):
    people = make(factories.make_participants, event_slug, LINES_PER_PAGE["sheet"] + 3)
    client = as_user(organiser)
    response = client.get(f"/events/{SLUG}/attendance-list.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = pdf_text(response.data)
    assert len(pages) == 2
    text = "\n".join(pages)
    assert all(person["name"] in text for person in people)
    assert "DAFTAR HADIR" in pages[0] and "DAFTAR HADIR" in pages[1]  # letterhead on each page
    assert "Tanda Tangan" in pages[1] and "Halaman 2 dari 2" in pages[1]
    assert "Dekopinda Kabupaten Probolinggo".upper() in pages[1]
    with app.app_context():
        phone = db.session.get(Registration, people[0]["id"]).phone
    assert phone[-4:] in text and phone[3:7] not in text.replace(phone[-4:], "")
    assert "@example.org" not in text
    full = "\n".join(pdf_text(client.get(f"/events/{SLUG}/attendance-list.pdf?phone=full").data))
    assert phone[3:6] in full  # the organiser asked for full numbers


def test_every_sign_sheet_row_is_numbered_in_its_own_signature_cell(app, make, event_slug):
    per_page = LINES_PER_PAGE["sheet"]
    people = make(factories.make_participants, event_slug, 2 * per_page + 5)  # walk-ins last
    with app.test_request_context():
        long = "Kepala Bidang Kelembagaan Koperasi, Dinas Koperasi dan Usaha Mikro Kabupaten"
        db.session.get(Registration, people[20]["id"]).position = long  # a taller row
        db.session.commit()
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        document = pypdfium2.PdfDocument(attendance_pdf(event))
    assert len(document) >= 3
    seen = []
    for index, page in enumerate(document):
        words = page_words(page)
        heads = {word.text: word for word in words if word.text in ("Nama", "Tanda")}
        numbers = {  # the "No." column: left of "Nama"
            int(word.text): word
            for word in words
            if word.text.isdigit() and word.right < heads["Nama"].left
        }
        signs = {int(word.text[:-1]): word for word in words if re.fullmatch(r"\d+\.", word.text)}
        assert sorted(signs) == sorted(numbers), f"page {index + 1}"  # none missing or strayed
        rows = sorted(numbers)
        pitch = numbers[rows[0]].middle - numbers[rows[1]].middle
        for row in rows:
            assert signs[row].top < heads["Tanda"].bottom  # under the column heads
            assert abs(signs[row].middle - numbers[row].middle) < pitch / 4, f"row {row}"
        seen += rows
    assert seen == list(range(1, len(seen) + 1)) and len(seen) > len(people)


def test_a_long_position_on_the_record_shows_whole_inside_its_row(app, make, event_slug):
    people = make(factories.make_participants, event_slug, 4)
    positions = {
        people[1]["id"]: "Kepala Bidang Kelembagaan Koperasi",
        people[2]["id"]: "Kepala Bidang Kelembagaan Koperasi, Dinas Koperasi dan Usaha Mikro "
        "Kabupaten Probolinggo",
    }
    with app.app_context():
        for person_id, position in positions.items():
            db.session.get(Registration, person_id).position = position
        db.session.commit()
    check_in_in_order(app, people)
    with app.test_request_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        document = pypdfium2.PdfDocument(attendance_pdf(event, kind="record", sort="arrival"))
    assert len(document) == 1
    page, scale = document[0], 3
    image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    height = page.get_height()

    def px(y: float) -> int:
        return round((height - y) * scale)

    words = page_words(page)
    heads = {word.text: word for word in words if word.text in ("Nama", "Jabatan", "Nomor")}
    numbers = [w for w in words if w.text.isdigit() and w.right < heads["Nama"].left]
    # The row rules, where the rules are alone: just inside the table's left edge.
    y = px(numbers[0].middle)
    edge = next(x for x in range(image.width) if image.getpixel((x, y)) < 128)
    dark = [y for y in range(image.height) if image.getpixel((edge + 3, y)) < 128]
    rules = [y for y in dark if y - 1 not in dark]
    for row, person in enumerate(people, start=1):
        number = next(w for w in numbers if w.text == str(row))
        top = max(rule for rule in rules if rule < px(number.middle))
        bottom = min(rule for rule in rules if rule > px(number.middle))
        shown = [  # in reading order, as the PDF has them
            w
            for w in words
            if heads["Jabatan"].left - 2 < w.left < heads["Nomor"].left - 2
            and top < px(w.top) < px(w.bottom) < bottom
        ]
        assert " ".join(w.text for w in shown) == positions.get(person["id"], "Ketua")
        for word in shown:  # printed, not only in the text layer: ink on most of its height
            box = image.crop(
                (round(word.left * scale), px(word.top), round(word.right * scale), px(word.bottom))
            )
            inked = [
                any(box.getpixel((x, y)) < 128 for x in range(box.width)) for y in range(box.height)
            ]
            assert sum(inked) > len(inked) / 2, word.text


def test_record_lists_who_came_when_at_which_door_and_for_whom(
    app, make, as_user, organiser, event_slug
):
    people = make(factories.make_participants, event_slug, 3)
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        main = door.default_list(event)
        door.check_in_code(event, main, people[2]["code"], DoorActor("Pintu Utara"))
        door.admit(
            event,
            main,
            db.session.get(Registration, people[0]["id"]),
            DoorActor("Pintu Selatan"),
            representative_name="Budi Santoso",
            at=utcnow() - timedelta(minutes=30),
        )
        db.session.commit()
    client = as_user(organiser)
    text = "\n".join(
        pdf_text(client.get(f"/events/{SLUG}/attendance-list.pdf?kind=record&sort=arrival").data)
    )
    assert people[1]["name"] not in text  # did not come
    # Budi Santoso came in people[0]'s place: the record names him, on their behalf.
    assert text.index("Budi Santoso") < text.index(people[2]["name"])  # by arrival
    assert "Pintu Utara" in text and "Pintu Selatan" in text and people[0]["name"] in text
    assert "Jumlah hadir: 2 orang" in text


def test_hostile_names_print_as_text_and_fetch_nothing(app, make, event_slug):
    from coordination.documents.pdf import StaticOnlyFetcher

    hostile = [
        '<img src="file:///etc/passwd">',
        "<style>*{display:none}</style>Siti",
        '=HYPERLINK("http://evil.example")',
        "W" * 120,  # the longest word a name may be
        "مرحبا بالعالم 🎉",
    ]
    with app.test_request_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        for n, name in enumerate(hostile):
            db.session.add(
                Registration(event_id=event.id, full_name=name, phone=f"+6281299990{n:03d}")
            )
        db.session.commit()
        fetcher = StaticOnlyFetcher()
        text = "\n".join(pdf_text(attendance_pdf(event, fetcher=fetcher)))
    assert fetcher.refused == []
    flat = text.replace("\r", "").replace("\n", "")
    assert 'img src="file:///etc/passwd"' in flat
    assert "<style>" in flat and "W" * 40 in flat


def test_export_has_the_chosen_columns_with_indonesian_headers_and_no_formulas(
    app, make, as_user, organiser, event_slug
):
    make(factories.make_participants, event_slug, 2)
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        db.session.add(
            Registration(
                event_id=event.id, full_name="=1+2", organisation="@SUM(A1)", phone="+6281288887777"
            )
        )
        db.session.commit()
    client = as_user(organiser)
    response = client.get(
        f"/events/{SLUG}/export.csv",
        query_string={"columns": ["name", "phone", "nonsense", "name"]},
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Nama", "Nomor HP"] and len(rows) == 4
    assert ["\u200b=1+2", "0812-8888-7777"] in rows
    xlsx = client.get(f"/events/{SLUG}/export.xlsx", query_string={"columns": ["organisation"]})
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == "Instansi / koperasi" and "@SUM(A1)" in values  # text, no stray '
    assert safe_cell("-5") == "\u200b-5" and safe_cell("Siti") == "Siti"


def test_the_spreadsheet_holds_arrival_times_it_can_sort(app, make, as_user, organiser, event_slug):
    """In XLSX an arrival is a time in the event's zone, not text; CSV keeps the text."""
    from datetime import UTC, datetime

    people = make(factories.make_participants, event_slug, 2)
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        arrived = datetime(2030, 3, 15, 2, 5, tzinfo=UTC)  # 09.05 WIB
        door.admit(
            event,
            door.default_list(event),
            db.session.get(Registration, people[0]["id"]),
            DoorActor("Pintu Utara"),
            at=arrived,
        )
        db.session.commit()
    client = as_user(organiser)
    columns = {"columns": ["name", "checked_in_at"]}
    xlsx = client.get(f"/events/{SLUG}/export.xlsx", query_string=columns)
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0] == ("Nama", "Datang (WIB)")
    times = {name: at for name, at in table[1:]}
    assert times[people[0]["name"]] == datetime(2030, 3, 15, 9, 5)
    assert times[people[1]["name"]] is None
    text = client.get(f"/events/{SLUG}/export.csv", query_string=columns).data.decode("utf-8-sig")
    assert "15 Mar 2030, 09.05 WIB" in text


def test_the_csv_splits_where_excel_of_the_users_language_splits(
    app, make, as_user, organiser, event_slug
):
    """Indonesian Excel reads `;`, English Excel `,`; the export page offers either."""
    make(factories.make_participants, event_slug, 2)
    client = as_user(organiser)
    columns = {"columns": ["name", "organisation"]}
    page = client.get(f"/events/{SLUG}/export").get_data(as_text=True)
    assert '<option value="semicolon" selected>' in page and "Titik koma (;)" in page
    assert "<h2" not in page.split("</title>")[0]  # the title is the page's name only
    indonesian = client.get(f"/events/{SLUG}/export.csv", query_string=columns).data
    assert indonesian.startswith(b'\xef\xbb\xbf"Nama";"Instansi / koperasi"\r\n')
    comma = client.get(
        f"/events/{SLUG}/export.csv", query_string={**columns, "separator": "comma"}
    ).data
    assert comma.startswith(b'\xef\xbb\xbf"Nama","Instansi / koperasi"\r\n')
    client.post("/language", data={"language": "en", "next": "/"})
    english = client.get(f"/events/{SLUG}/export.csv", query_string=columns).data
    assert english.startswith(b'\xef\xbb\xbf"Name","Organisation"\r\n')
    page = client.get(f"/events/{SLUG}/export").get_data(as_text=True)
    assert '<option value="comma" selected>' in page
    semicolon = client.get(
        f"/events/{SLUG}/export.csv", query_string={**columns, "separator": "semicolon"}
    ).data
    assert semicolon.startswith(b'\xef\xbb\xbf"Name";"Organisation"\r\n')


def test_a_foreign_mobile_or_a_dash_position_shows_no_escape_in_the_csv(
    app, make, as_user, organiser, event_slug
):
    """'+44 …' and '-Anggota' would be formulas: they are guarded by a zero-width space,
    which a spreadsheet draws as nothing, and Rakor's own import takes off again."""
    from coordination.registration.invitations import read_table

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        db.session.add(
            Registration(
                event_id=event.id,
                full_name="Budi",
                position="-Anggota",
                phone="+442079460958",
                organisation="KUD Makmur",
            )
        )
        db.session.commit()
    client = as_user(organiser)
    columns = {"columns": ["name", "organisation", "position", "phone"], "separator": "comma"}
    text = client.get(f"/events/{SLUG}/export.csv", query_string=columns).data.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row == ["Budi", "KUD Makmur", "\u200b-Anggota", "\u200b+44 20 7946 0958"]
    assert "'" not in text
    # Read back as an invitee list (headers as the import knows them): the values as typed.
    back = "Nama,Instansi,Jabatan,No HP\n" + text.split("\n", 1)[1]
    table = read_table("peserta.csv", back.encode())
    assert table[0]["position"] == "-Anggota" and table[0]["mobile"] == "+44 20 7946 0958"


def test_the_xlsx_has_widths_a_frozen_header_and_a_filter(
    app, make, as_user, organiser, event_slug
):
    make(factories.make_participants, event_slug, 3)
    client = as_user(organiser)
    columns = {"columns": ["name", "phone", "checked_in_at"]}
    xlsx = client.get(f"/events/{SLUG}/export.xlsx", query_string=columns)
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert xlsx.headers["Cache-Control"] == "no-store"  # names and contacts stay off disk
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C4"
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert widths[0] >= 30 and all(width >= 15 for width in widths)


def test_an_xlsx_text_after_a_time_is_text_in_the_general_format(
    app, make, as_user, organiser, event_slug
):
    people = make(factories.make_participants, event_slug, 1)
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        person = db.session.get(Registration, people[0]["id"])
        person.represents_name = "=HYPERLINK(1)"
        door.admit(event, door.default_list(event), person, DoorActor("Pintu Utara"))
        db.session.commit()
    client = as_user(organiser)
    columns = {"columns": ["checked_in_at", "door", "on_behalf_of", "email"]}
    xlsx = client.get(f"/events/{SLUG}/export.xlsx", query_string=columns)
    arrived, door_name, behalf, email = next(
        load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(min_row=2)
    )
    assert arrived.is_date and arrived.number_format == "dd/mm/yyyy hh:mm"
    assert (door_name.value, door_name.data_type, door_name.number_format) == (
        "Pintu Utara",
        "s",
        "General",
    )
    assert (behalf.value, behalf.data_type) == ("=HYPERLINK(1)", "s")
    assert email.value is None or email.data_type == "s"


def test_paperwork_is_for_the_events_organisers_only(make, as_user, event_slug):
    staff = make(factories.make_user, "organiser")
    client = as_user(staff)
    for path in ("attendance-list.pdf", "export", "export.csv", "export.xlsx"):
        assert client.get(f"/events/{SLUG}/{path}").status_code == 404


def test_a_list_downloaded_again_is_not_rendered_again_until_something_changes(
    app, make, as_user, organiser, event_slug, monkeypatch
):
    from coordination.paperwork import documents

    people = make(factories.make_participants, event_slug, 3)
    renders = []
    real = documents.render_pdf_parts
    monkeypatch.setattr(
        documents, "render_pdf_parts", lambda *a, **k: renders.append(1) or real(*a, **k)
    )
    client = as_user(organiser)
    url = f"/events/{SLUG}/attendance-list.pdf?kind=record"
    first = client.get(url).data
    assert client.get(url).data == first and len(renders) == 1
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        door.check_in_code(event, door.default_list(event), people[1]["code"], DoorActor("Pintu"))
        db.session.commit()
    assert people[1]["name"] in "\n".join(pdf_text(client.get(url).data))
    assert len(renders) == 2
    with app.app_context():
        db.session.get(Registration, people[1]["id"]).full_name = "Nama Diperbaiki"
        db.session.commit()
    assert "Nama Diperbaiki" in "\n".join(pdf_text(client.get(url).data))
    assert client.get(f"{url}&sort=arrival").status_code == 200 and len(renders) == 3


def test_certificates_go_to_those_present_with_the_saved_signer(
    app, make, as_user, organiser, event_slug
):
    people = make(factories.make_participants, event_slug, 3)
    client = as_user(organiser)
    nobody = client.get(f"/events/{SLUG}/certificates.pdf", follow_redirects=True)
    assert "Belum ada yang check-in" in nobody.text
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        for person in people[:2]:
            door.check_in_code(event, door.default_list(event), person["code"], DoorActor("P"))
        db.session.commit()
    client.post(f"/events/{SLUG}/letterhead", data={"line1": "Dekopinda Kabupaten Probolinggo"})
    client.post(
        f"/events/{SLUG}/letterhead/signers",
        data={"name": "Drs. H. Sutrisno", "title": "Ketua Dekopinda"},
    )
    pages = pdf_text(client.get(f"/events/{SLUG}/certificates.pdf").data)
    assert len(pages) == 2
    assert people[0]["name"] in pages[0] + pages[1] and people[1]["name"] in pages[0] + pages[1]
    # The title is letter-spaced, so text extraction reads "S E R T I F I K A T".
    assert all("SERTIFIKAT" in page.replace(" ", "") for page in pages)
    assert all("Drs. H. Sutrisno" in page for page in pages)
    assert people[2]["name"] not in "".join(pages)
    one = pdf_text(client.get(f"/events/{SLUG}/certificates/{people[0]['id']}.pdf").data)
    assert len(one) == 1 and people[0]["name"] in one[0]
    absent = client.get(f"/events/{SLUG}/certificates/{people[2]['id']}.pdf", follow_redirects=True)
    assert "Belum ada yang check-in" in absent.text
    stranger = make(factories.make_user, "organiser")
    client.post("/logout")
    assert as_user(stranger).get(f"/events/{SLUG}/certificates.pdf").status_code == 404


def test_the_letterhead_carries_the_organisers_address_and_the_venue_is_where(
    app, make, as_user, organiser, event_slug
):
    """One kop surat for all the event's paperwork: the address typed for the minutes, not
    the venue, which the list gives as the meeting's place."""
    from coordination.minutes.services import minutes_of

    make(factories.make_participants, event_slug, 3)
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        minutes_of(event).letterhead_address = "Jl. Panglima Sudirman No. 5, Kraksaan"
        db.session.commit()
    client = as_user(organiser)
    [page] = pdf_text(client.get(f"/events/{SLUG}/attendance-list.pdf").data)
    assert "Jl. Panglima Sudirman No. 5, Kraksaan" in page
    kop, _, below = page.partition("DAFTAR HADIR")
    assert "Aula Bale Hinggil" not in kop and "Aula Bale Hinggil" in below


def test_the_certificate_names_the_representative_who_came(
    app, make, as_user, organiser, event_slug
):
    """Whoever was in the hall gets the certificate: for a representative, in their own name,
    on behalf of the registrant, who was not there."""
    [lina] = make(factories.make_participants, event_slug, 1)
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        registration = db.session.get(Registration, lina["id"])
        door.admit(
            event,
            door.default_list(event),
            registration,
            DoorActor("Pintu Utara"),
            representative_name="Sri Wahyuni",
        )
        db.session.commit()
    client = as_user(organiser)
    [page] = pdf_text(client.get(f"/events/{SLUG}/certificates.pdf").data)
    assert "Sri Wahyuni" in page and f"atas nama {lina['name']}" in page
    # She is named only as the one represented, not as the one awarded.
    assert page.count(lina["name"]) == page.count(f"atas nama {lina['name']}") == 1
