"""Letterheads, signers, the daftar hadir's closing, certificate numbers and the surat undangan,
checked from the PDFs themselves: every word of hostile-length texts is printed on the page."""

import io
import re
from datetime import UTC, datetime, timedelta

import pypdfium2
import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image

from coordination.auth.models import User
from coordination.door import services as door
from coordination.door.services import DoorActor
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db
from coordination.letterheads import letters, services
from coordination.letterheads.numbers import check_format, format_number
from coordination.paperwork.certificates import certificates_pdf, save_settings
from coordination.paperwork.documents import attendance_pdf
from coordination.registration.models import Invitation, Registration

from . import factories, pdf_check
from .test_paperwork import page_words, pdf_text

SLUG = "rakor-kop"
NOVEMBER_2018 = datetime(2018, 11, 23, 6, 0, tzinfo=UTC)  # 13.00 WIB
VENUE = (
    "Aula Bale Hinggil Kantor Bupati Probolinggo Jalan Panglima Sudirman Nomor 134 "
    "Kelurahan Patokan Kecamatan Kraksaan Kabupaten Probolinggo Jawa Timur 67282"
)
KOP = [
    "PEMERINTAH KABUPATEN PROBOLINGGO PROVINSI JAWA TIMUR REPUBLIK INDONESIA",
    "DINAS KOPERASI USAHA MIKRO PERDAGANGAN DAN PERINDUSTRIAN KABUPATEN PROBOLINGGO",
    "BIDANG KELEMBAGAAN DAN PENGAWASAN KOPERASI SERTA PEMBERDAYAAN USAHA MIKRO",
    "DEWAN KOPERASI INDONESIA DAERAH KABUPATEN PROBOLINGGO",
]
ADDRESS = (
    "Jalan Panglima Sudirman Nomor 134 Kelurahan Patokan Kecamatan Kraksaan Kabupaten "
    "Probolinggo Provinsi Jawa Timur Kode Pos 67282 (Kompleks Perkantoran Pemerintah Kabupaten)"
)
LONG_NAME = (
    "Prof. Dr. Ir. Raden Mas Hadiningrat Wicaksono Suryanegara Kusumawardhana, S.E., M.Si., Ph.D."
)
LONG_TITLE = (
    "Kepala Bidang Kelembagaan dan Pengawasan Koperasi Dinas Koperasi Usaha Mikro "
    "Perdagangan dan Perindustrian Kabupaten Probolinggo"
)
# A participant's jabatan as long as the column takes (120).
LONG_POSITION = (
    "Kepala Bidang Kelembagaan dan Pengawasan Koperasi, Dinas Koperasi Usaha Mikro, "
    "Perdagangan dan Perindustrian Probolinggo"
)
NIP = "19650101 199003 1 005"
WORLD_NAMES = ["陳大文", "محمد عبد الله", "Siti Rahayu 🌺"]


@pytest.fixture
def event_slug(make, organiser):
    return make(
        factories.make_event,
        organiser["id"],
        slug=SLUG,
        capacity=500,
        venue_name=VENUE[:150],
        starts_at=NOVEMBER_2018,
        ends_at=NOVEMBER_2018 + timedelta(hours=3),
    )


def the_event() -> Event:
    return db.session.scalar(sa.select(Event).where(Event.slug == SLUG))


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 40, 160)).save(out, "PNG")
    return out.getvalue()


def set_kop(organiser: dict, images: bool = False) -> None:
    """The hostile kop and signer, chosen for the event (inside an app context)."""
    event = the_event()
    owner = db.session.get(User, organiser["id"])
    letterhead = services.save_letterhead(
        None,
        services.LetterheadData(
            lines=KOP,
            address=ADDRESS,
            telephone="(0335) 841234, 841235",
            website="dinkop.probolinggokab.go.id",
            email="dinkop@probolinggokab.go.id",
            city="Kraksaan",
            logo=_png(300, 300),
            logo_mime="image/png",
        ),
        owner,
    )
    signer = services.save_signer(
        letterhead,
        None,
        services.SignerData(
            name=LONG_NAME,
            title=LONG_TITLE,
            nip=NIP,
            signature=_png(900, 300) if images else None,
            signature_mime="image/png",
            stamp=_png(400, 400) if images else None,
            stamp_mime="image/png",
        ),
    )
    services.choose(event, letterhead, signer)
    db.session.commit()


def assert_every_word_printed(content: bytes, texts: list[str]) -> None:
    """Every word of `texts` is printed whole, 5 mm inside the page, with real glyphs."""
    pdf_check.assert_printed(content, texts, margins=5)


def test_a_four_line_kop_a_long_address_and_a_150_character_venue_print_whole(
    app, make, organiser, event_slug
):
    people = make(factories.make_participants, event_slug, 20)
    with app.test_request_context():
        set_kop(organiser)
        registration = db.session.get(Registration, people[0]["id"])
        registration.full_name, registration.position = LONG_NAME, LONG_POSITION
        db.session.commit()
        event = the_event()
        sheet = attendance_pdf(event)
        door.admit(event, door.default_list(event), registration, DoorActor("Pintu Utara"))
        db.session.commit()
        record = attendance_pdf(event, kind="record")
        certificate = certificates_pdf(event)
    kop = [*KOP, ADDRESS, "(0335) 841234, 841235", "dinkop@probolinggokab.go.id"]
    for content in (sheet, record):
        assert_every_word_printed(
            content, [*kop, VENUE[:150], LONG_NAME, LONG_TITLE, LONG_POSITION, NIP]
        )
    assert_every_word_printed(certificate, [*kop, LONG_NAME, NIP])
    # The kop is on every page of the list, above the column heads.
    for page in pdf_text(sheet):
        assert "67282" in page and page.index(KOP[0].split()[0]) < page.index("Tanda Tangan")


def test_the_attendance_list_ends_with_the_total_and_mengetahui_with_nip(
    app, make, organiser, event_slug
):
    make(factories.make_participants, event_slug, 7)
    with app.test_request_context():
        set_kop(organiser)
        pages = pdf_text(attendance_pdf(the_event()))
    last = pages[-1]
    assert "Jumlah terdaftar: 7 orang" in last
    assert "Kraksaan, 23 November 2018" in last
    assert "Mengetahui," in last and f"NIP {NIP}" in last
    assert last.index("Jumlah terdaftar") < last.index("Mengetahui,") < last.index("NIP")
    assert all("Mengetahui" not in page for page in pages[:-1])


@pytest.mark.parametrize("blank", [0, 12, 40])
def test_the_sign_sheet_has_the_blank_numbered_rows_the_organiser_asks_for(
    app, make, as_user, organiser, event_slug, blank
):
    make(factories.make_participants, event_slug, 10)
    response = as_user(organiser).get(f"/events/{SLUG}/attendance-list.pdf?blank={blank}")
    document = pypdfium2.PdfDocument(response.data)
    numbers = []
    for page in document:
        words = page_words(page)
        nama = next(word for word in words if word.text == "Nama")
        numbers += [int(w.text) for w in words if w.text.isdigit() and w.right < nama.left]
    assert numbers == list(range(1, 10 + blank + 1))  # every row numbered, walk-ins last
    if blank == 40:
        assert len(document) == 4  # extra pages for them, each with its heads
    assert "Mengetahui" in pdf_text(response.data)[-1]


def test_the_default_sign_sheet_has_at_least_five_rows_for_walk_ins_even_when_a_page_is_full(
    app, make, as_user, organiser, event_slug
):
    make(factories.make_participants, event_slug, 16)  # exactly one page of names
    text = "\n".join(pdf_text(as_user(organiser).get(f"/events/{SLUG}/attendance-list.pdf").data))
    assert "21." in text and "22." not in text


def test_government_columns_nip_gender_and_origin_are_printed_when_chosen(
    app, make, as_user, organiser, event_slug
):
    [person] = make(factories.make_participants, event_slug, 1)
    with app.app_context():
        registration = db.session.get(Registration, person["id"])
        registration.nip, registration.gender, registration.origin = NIP, "P", "luar"
        db.session.commit()
    client = as_user(organiser)
    url = f"/events/{SLUG}/attendance-list.pdf"
    plain = pdf_text(client.get(url).data)[0]
    assert NIP not in plain and "Luar kota" not in plain
    chosen = pdf_text(client.get(f"{url}?extra=nip&extra=gender&extra=origin").data)[0]
    chosen = " ".join(chosen.split())  # a narrow column wraps
    assert "NIP" in chosen and "L/P" in chosen and "Asal" in chosen
    assert NIP in chosen
    assert "Luar kota" in chosen


def test_certificate_numbers_follow_the_format_and_never_change(
    app, make, as_user, organiser, event_slug
):
    people = make(factories.make_participants, event_slug, 3)
    assert format_number("{seq:03}/SERT/DEKOPINDA/{roman_month}/{year}", 1, _november()) == (
        "001/SERT/DEKOPINDA/XI/2018"
    )
    for wrong in ("{seq:03", "{name}", "{seq!r}", "{year:>40}", "x" * 121):
        with pytest.raises(DomainError):
            check_format(wrong)
    with app.app_context():
        event = the_event()
        for person in people[:2]:
            door.check_in_code(event, door.default_list(event), person["code"], DoorActor("P"))
        db.session.commit()
    client = as_user(organiser)
    client.post(
        f"/events/{SLUG}/certificates/settings",
        data={"number_format": "{seq:03}/SERT/DEKOPINDA/{roman_month}/{year}"},
    )
    first = pdf_text(client.get(f"/events/{SLUG}/certificates.pdf").data)
    numbers = sorted(re.search(r"\d{3}/SERT/DEKOPINDA/XI/2018", page).group() for page in first)
    assert numbers == ["001/SERT/DEKOPINDA/XI/2018", "002/SERT/DEKOPINDA/XI/2018"]
    assert all("Nomor:" in page and "23 November 2018" in page for page in first)
    with app.app_context():  # a late arrival, and a changed format: issued numbers stay
        event = the_event()
        door.check_in_code(event, door.default_list(event), people[2]["code"], DoorActor("P"))
        db.session.commit()
    client.post(f"/events/{SLUG}/certificates/settings", data={"number_format": "{seq}/SRT/{year}"})
    again = "\n".join(
        pdf_text(client.post(f"/events/{SLUG}/certificates/issue", follow_redirects=True).data)
    )
    assert "001/SERT/DEKOPINDA/XI/2018" in again and "002/SERT/DEKOPINDA/XI/2018" in again
    assert "3/SRT/2018" in again


def _november() -> Event:
    return Event(starts_at=NOVEMBER_2018, timezone="Asia/Jakarta")


def test_certificates_carry_the_scanned_signature_and_stamp_only_when_asked(
    app, make, organiser, event_slug
):
    [person] = make(factories.make_participants, event_slug, 1)

    def images(content: bytes) -> int:
        page = pypdfium2.PdfDocument(content)[0]
        return sum(1 for obj in page.get_objects() if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE)

    with app.test_request_context():
        set_kop(organiser, images=True)
        event = the_event()
        door.check_in_code(event, door.default_list(event), person["code"], DoorActor("P"))
        db.session.commit()
        plain = images(certificates_pdf(event))  # the logo
        save_settings(event, "", signature=True, stamp=True)
        db.session.commit()
        signed = images(certificates_pdf(event))
    assert signed == plain + 2


def test_signature_images_are_bounded_before_decoding_and_downscaled(
    app, make, organiser, event_slug
):
    with app.test_request_context():
        set_kop(organiser)
        letterhead = the_event().letterhead
        with pytest.raises(DomainError) as refused:
            services.save_signer(
                letterhead,
                None,
                services.SignerData(name="A", signature=_bomb(), signature_mime="image/png"),
            )
        assert refused.value.code == "image_too_many_pixels"
        with pytest.raises(DomainError):
            services.save_signer(
                letterhead,
                None,
                services.SignerData(name="A", signature=b"x" * 600_000, signature_mime="image/png"),
            )
        signer = services.save_signer(
            letterhead,
            None,
            services.SignerData(name="B", signature=_png(2400, 800), signature_mime="image/png"),
        )
        assert max(Image.open(io.BytesIO(signer.signature)).size) <= 480


def _bomb() -> bytes:
    """A small PNG whose header claims 20,000 x 20,000 pixels."""
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG", optimize=True)
    return out.getvalue()


def test_the_surat_undangan_has_one_letter_per_invitee_with_their_qr(
    app, make, as_user, organiser, event_slug
):
    with app.test_request_context():
        set_kop(organiser)
        event = the_event()
        for name in ("Ir. Bambang Sutejo", LONG_NAME, *WORLD_NAMES):
            db.session.add(
                Invitation(
                    event_id=event.id,
                    full_name=name,
                    organisation="KUD Makmur",
                    position=LONG_POSITION,
                )
            )
        db.session.commit()
        tokens = dict(db.session.execute(sa.select(Invitation.full_name, Invitation.token)).all())
    client = as_user(organiser)
    client.post(
        f"/events/{SLUG}/letter",
        data={
            "number": "005/123/DEKOPINDA/XI/2018",
            "nature": "Penting",
            "attachment": "-",
            "subject": "Undangan Rapat Koordinasi",
            "opening": "Dengan hormat, bersama ini kami mengundang Bapak/Ibu pada:",
            "letter_date": "2018-11-16",
        },
    )
    response = client.get(f"/events/{SLUG}/letters.pdf")
    assert response.mimetype == "application/pdf"
    pages = pdf_text(response.data)
    assert len(pages) == 2 + len(WORLD_NAMES)
    for page in pages:
        for expected in (
            "Nomor",
            "005/123/DEKOPINDA/XI/2018",
            "Sifat",
            "Penting",
            "Lampiran",
            "Perihal",
            "Undangan Rapat Koordinasi",
            "Kepada Yth.",
            "Kraksaan, 16 November 2018",
            "Jumat, 23 November 2018",
            "13.00",
            "Tempat",
            "Acara",
            f"NIP {NIP}",
        ):
            assert expected in page, expected
    assert "Ir. Bambang Sutejo" in pages[0]  # sorted by name, titles left out
    pdf_check.assert_printed(
        response.data, [*KOP, ADDRESS, VENUE[:150], LONG_NAME, LONG_TITLE, *WORLD_NAMES], margins=5
    )
    # The QR code on each letter holds that invitee's own link.
    document = pypdfium2.PdfDocument(response.data)
    found = []
    for page in document:
        bitmap = page.render(scale=3).to_pil()
        found += [result.text for result in zxingcpp.read_barcodes(bitmap)]
    assert sorted(found) == sorted(f"http://localhost/i/{token}" for token in tokens.values())


def test_one_letter_at_a_time_and_a_sample_for_the_laporan(
    app, make, as_user, organiser, event_slug
):
    with app.test_request_context():
        event = the_event()
        invited = Invitation(event_id=event.id, full_name="Ir. Bambang Sutejo", organisation="KUD")
        db.session.add(invited)
        db.session.commit()
        sample = pdf_text(letters.render_sample_letter(event))
        invitation_id = invited.id
    assert len(sample) == 1 and "Kepada Yth." in sample[0] and "Bambang" not in sample[0]
    one = pdf_text(as_user(organiser).get(f"/events/{SLUG}/letters/{invitation_id}.pdf").data)
    assert len(one) == 1 and "Ir. Bambang Sutejo" in one[0]


def test_the_kop_page_saves_a_letterhead_and_a_signer_for_the_event(
    app, make, as_user, organiser, event_slug
):
    client = as_user(organiser)
    client.post(
        f"/events/{SLUG}/letterhead",
        data={"line1": KOP[0], "line2": KOP[1], "address": ADDRESS, "city": "Kraksaan"},
    )
    client.post(
        f"/events/{SLUG}/letterhead/signers",
        data={"name": "Drs. H. Sutrisno, M.Si.", "title": "Kepala Dinas", "nip": NIP},
    )
    page = client.get(f"/events/{SLUG}/letterhead").text
    assert KOP[1] in page and "Drs. H. Sutrisno, M.Si." in page
    with app.app_context():
        event = the_event()
        assert event.letterhead.line2 == KOP[1] and event.signer.nip == NIP
    # Another organiser's event cannot choose this letterhead.
    stranger = make(factories.make_user, "organiser")
    other = make(factories.make_event, stranger["id"], slug="lain")
    client.post("/logout")
    with app.app_context():
        letterhead_id = the_event().letterhead_id
    as_user(stranger).post(
        f"/events/{other}/letterhead/choose", data={"letterhead_id": letterhead_id}
    )
    with app.app_context():
        assert db.session.scalar(sa.select(Event).where(Event.slug == other)).letterhead_id is None


def test_upgrading_moves_each_events_kop_and_signer_into_letterheads_without_loss(ctx):
    """0030: organising body, logo, the minutes' letterhead address and the certificate signer
    of existing events become letterheads and signers the events choose; downgrading brings
    the signer back."""
    from flask_migrate import downgrade, upgrade

    db.drop_all()
    upgrade(revision="0027_self_checkin")
    when = datetime(2018, 11, 23, 6, 0)
    logo = _png(40, 40)
    with db.engine.begin() as connection:
        run = connection.execute
        run(
            sa.text(
                "INSERT INTO users (id, email, name, role, password_hash, is_active_account,"
                " created_at, locale, session_version)"
                " VALUES (1, 'p@example.org', 'P', 'organiser', 'x', TRUE, :when, 'id', 0)"
            ),
            {"when": when},
        )
        for id_, body, signer in (
            (1, "Dekopinda", "Drs. H. Sutrisno"),
            (2, "Dekopinda", ""),
            (3, "Dinkop", ""),
        ):
            run(
                sa.text(
                    "INSERT INTO events (id, slug, title, organising_body, description, venue_name,"
                    " venue_address, timezone, starts_at, ends_at, capacity, created_at,"
                    " updated_at, logo, logo_mime, signer_name, signer_title, created_by_id)"
                    " VALUES (:id, :slug, 'Rakor', :body, '', 'Aula', '', 'Asia/Jakarta', :when,"
                    " :later, 50, :when, :when, :logo, 'image/png', :signer, 'Ketua', 1)"
                ),
                {
                    "id": id_,
                    "slug": f"rakor-{id_}",
                    "body": body,
                    "when": when,
                    "later": when + timedelta(hours=3),
                    "logo": logo,
                    "signer": signer,
                },
            )
        run(
            sa.text(
                "INSERT INTO minutes (event_id, status, version, letterhead_address, opened_by,"
                " opening, closing, next_meeting, chair_name, chair_position, taker_name,"
                " taker_position, signed_place, updated_at) VALUES (1, 'draft', 1,"
                " 'Jl. Panglima Sudirman 1', '', '', '', '', '', '', '', '', 'Kraksaan', :when)"
            ),
            {"when": when},
        )
    upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT e.id, l.line1, l.address, l.city, l.logo, l.owner_id, s.name, s.title"
                " FROM events e JOIN letterheads l ON l.id = e.letterhead_id"
                " LEFT JOIN signers s ON s.id = e.signer_id ORDER BY e.id"
            )
        ).all()
    assert [(r.id, r.line1, r.address, r.city) for r in rows] == [
        (1, "Dekopinda", "Jl. Panglima Sudirman 1", "Kraksaan"),
        (2, "Dekopinda", "", ""),  # no address typed: a kop of its own, as it printed
        (3, "Dinkop", "", ""),
    ]
    assert all(r.logo == logo and r.owner_id == 1 for r in rows)
    assert (rows[0].name, rows[0].title) == ("Drs. H. Sutrisno", "Ketua")
    assert (rows[1].name, rows[1].title) == ("", "Ketua")  # a title alone is kept too
    downgrade(revision="0027_self_checkin")
    with db.engine.connect() as connection:
        signers = connection.execute(
            sa.text("SELECT signer_name, signer_title FROM events ORDER BY id")
        ).all()
    assert [tuple(s) for s in signers] == [
        ("Drs. H. Sutrisno", "Ketua"),
        ("", "Ketua"),
        ("", "Ketua"),
    ]
    downgrade(revision="base")
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def test_the_organiser_types_nip_gender_and_origin_on_the_participant_form(
    app, make, as_user, organiser, event_slug
):
    client = as_user(organiser)
    client.post(
        f"/events/{SLUG}/participants/new",
        data={
            "full_name": "Ir. Siti Aminah",
            "role": "participant",
            "nip": NIP,
            "gender": "P",
            "origin": "dalam",
        },
    )
    with app.app_context():
        person = db.session.scalar(
            sa.select(Registration).where(Registration.full_name == "Ir. Siti Aminah")
        )
        assert (person.nip, person.gender, person.origin) == (NIP, "P", "dalam")
        person_id = person.id
    page = client.get(f"/events/{SLUG}/participants/{person_id}").text
    assert NIP in page and "Dalam kota" in page
    text = " ".join(
        pdf_text(client.get(f"/events/{SLUG}/attendance-list.pdf?extra=nip&extra=origin").data)[
            0
        ].split()
    )
    assert NIP in text and "Dalam kota" in text


def test_a_duplicated_event_prints_the_same_kop_and_signer(
    app, make, as_user, organiser, event_slug
):
    with app.test_request_context():
        set_kop(organiser)
    as_user(organiser).post(f"/events/{SLUG}/duplicate")
    with app.app_context():
        original, copy = db.session.scalars(sa.select(Event).order_by(Event.id)).all()
        assert (copy.letterhead_id, copy.signer_id) == (original.letterhead_id, original.signer_id)
