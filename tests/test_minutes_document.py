"""The minutes as one document with their attached list: page labels through the whole file,
"Lampiran", the agenda, NIP lines, link addresses, table alignment, and a signature block that
never stands alone on a page."""

import re

import pypdfium2
import pytest
import sqlalchemy as sa

from coordination.extensions import db
from coordination.minutes.documents import minutes_pdf
from coordination.minutes.models import Minutes

from . import pdf_check
from .test_minutes import (  # noqa: F401  (fixtures)
    FILLED,
    SLUG,
    editor_form,
    event_of,
    event_slug,
    pdf_pages,
    people,
    save,
)

BODY_PAGE = re.compile(r"NOTULEN RAPAT|Notulis")


def attached(page: str) -> bool:
    return "DAFTAR HADIR" in page


@pytest.mark.usefixtures("people")
def test_page_labels_run_through_the_minutes_and_the_attached_list(app, as_user, organiser):
    client = as_user(organiser)
    save(client)
    content = client.get(f"/events/{SLUG}/minutes.pdf").data
    pages = pdf_pages(content)
    total = len(pages)
    assert total >= 3 and attached(pages[-1]) and not attached(pages[0])
    for number, page in enumerate(pages, start=1):
        assert f"Halaman {number} dari {total}" in page
        assert page.count("Halaman ") == 1  # no second, restarted label
    boxes = pdf_check.read(content)
    for page, laid_out in zip(pages, boxes, strict=True):
        if attached(page):
            # Headed once, above the letterhead.
            assert page.count("Lampiran: Daftar Hadir") == 1
            label = laid_out.find("Lampiran: Daftar Hadir")
            assert label[0][1] < laid_out.find("DEKOPINDA")[0][1]
            assert min(top for _, top, _, _ in label) >= 5  # not in the strip printers skip
        else:
            assert "Lampiran: Daftar Hadir" not in page


@pytest.mark.usefixtures("people")
def test_the_header_lists_the_agenda_and_the_signatures_carry_nip(app, as_user, organiser):
    client = as_user(organiser)
    response = save(client, chair_nip="19650817 199003 1 002", taker_nip=" 19800101  200501 2 003 ")
    assert response.status_code == 302
    pages = pdf_pages(client.get(f"/events/{SLUG}/minutes.pdf").data)
    first, text = pages[0], "\n".join(pages)
    # The agenda in the header, in order with its times, before the body begins.
    header = first[: first.index("I. Pembukaan")]
    assert re.search(
        r"Acara\s*:\s*1\. Sinkronisasi program pemberdayaan koperasi \(10\.00\)\s*"
        r"2\. Kelembagaan dan Rapat Anggota Tahunan \(11\.00\)\s*Pimpinan rapat",
        header,
    ), header
    # Each NIP under its own signer's name, spaces as typed but not doubled.
    block = text[text.rindex("Notulis") :]
    assert re.search(
        r"Siti Rahayu\s+Joko Rohani Sanjaya\s+"
        r"NIP 19800101 200501 2 003\s+NIP 19650817 199003 1 002",
        block,
    ), block
    # Editable in the editor, and refused when it is not a number.
    assert editor_form(client)["chair_nip"] == "19650817 199003 1 002"
    refused = save(client, chair_nip="<script>")
    assert refused.status_code == 422 and "Hanya angka" in refused.text


@pytest.mark.usefixtures("people")
def test_an_empty_nip_leaves_a_line_to_fill_in_by_hand(app, as_user, organiser):
    client = as_user(organiser)
    save(client)
    pages = pdf_pages(client.get(f"/events/{SLUG}/minutes.pdf").data)
    minutes = "\n".join(page for page in pages if not attached(page))
    assert minutes.count("NIP ....") == 2  # the notulis and the pimpinan rapat


def char_boxes(content: bytes, needle: str) -> list[tuple[float, float]]:
    """(left, right) in points of each place `needle` is printed, on any page."""
    found = []
    for page in pypdfium2.PdfDocument(content):
        textpage = page.get_textpage()
        searcher = textpage.search(needle, match_case=True, match_whole_word=True)
        while (hit := searcher.get_next()) is not None:
            start, count = hit
            left = textpage.get_charbox(start)[0]
            right = textpage.get_charbox(start + count - 1)[2]
            found.append((left, right))
    return found


@pytest.mark.usefixtures("people")
def test_links_print_their_address_and_table_alignment_reaches_the_pdf(app, as_user, organiser):
    table = (
        "| Koperasi | Anggota | Status |\n"
        "|:---|---:|:---:|\n"
        "| KUD Sumber Makmur | 7 | aktif |\n"
        "| KSP Sejahtera Bersama | 12345 | tidak aktif |\n"
    )
    client = as_user(organiser)
    save(
        client,
        opening="Bahan rapat: [laman Dinas](https://diskop.probolinggokab.go.id/rakor-2030).",
        **{"sections-0-discussion": table},
    )
    content = client.get(f"/events/{SLUG}/minutes.pdf").data
    text = "\n".join(pdf_pages(content))
    assert "laman Dinas (https://diskop.probolinggokab.go.id/rakor-2030)" in text
    (long,) = char_boxes(content, "12345")
    short = next(box for box in char_boxes(content, "7") if box[0] > long[0])  # in its column
    assert abs(short[1] - long[1]) < 1 and short[0] > long[0] + 5  # right-aligned
    (tidak,) = char_boxes(content, "tidak aktif")
    aktif = next(box for box in char_boxes(content, "aktif") if box[0] > tidak[0])
    assert abs((aktif[0] + aktif[1]) / 2 - (tidak[0] + tidak[1]) / 2) < 1  # centred


@pytest.mark.usefixtures("people")
def test_the_signature_block_never_stands_alone_on_the_last_page(app, as_user, organiser):
    """Whatever the length of the closing, the page with the signatures has text above them."""
    client = as_user(organiser)
    save(client)
    lonely = []
    with app.test_request_context():
        for lines in range(9, 39, 3):  # the block reaches the foot of page 1 and over
            closing = "\n\n".join(
                f"Penutupan bagian {n}: ucapan terima kasih kepada peserta." for n in range(lines)
            )
            db.session.execute(
                sa.update(Minutes).values(closing=closing, version=Minutes.version + 1)
            )
            pages = [p for p in pdf_pages(minutes_pdf(event_of())) if not attached(p)]
            signed = next(p for p in pages if "Pimpinan Rapat" in p and "NIP" in p)
            above = signed[: signed.index("Probolinggo, 15 Maret 2030")]
            if not re.search(r"Penutupan bagian|Rapat ditutup|Rapat berikutnya|V\. Penutup", above):
                lonely.append(lines)
        db.session.rollback()
    assert lonely == []
