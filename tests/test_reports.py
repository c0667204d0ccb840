"""Laporan kegiatan: one PDF in the order a treasurer files it, with the organiser's uploads
(the signed sheet scanned, photos), bounded before anything is decoded or stored."""

import re
from io import BytesIO

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
import sqlalchemy as sa
from PIL import Image

from coordination.extensions import db
from coordination.registration.models import Invitation
from coordination.reports.documents import laporan_pdf
from coordination.reports.models import ReportFile

from . import pdf_check
from .test_minutes import (  # noqa: F401  (fixtures)
    SLUG,
    event_of,
    event_slug,
    pdf_pages,
    people,
    save,
)

PAGE = f"/events/{SLUG}/laporan"


def jpeg(width: int, height: int, colour=(30, 120, 90)) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG", quality=90)
    return out.getvalue()


def png(width: int, height: int) -> bytes:
    out = BytesIO()
    Image.new("L", (width, height), 200).save(out, "PNG")
    return out.getvalue()


def pdf_of(pages: int) -> bytes:
    document = pikepdf.new()
    for _page in range(pages):
        document.add_blank_page(page_size=(595, 842))
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def upload(client, what: str, *files: tuple[str, bytes]):
    data = {what: [(BytesIO(content), name) for name, content in files]}
    return client.post(f"{PAGE}/{what}", data=data, content_type="multipart/form-data")


def stored(app) -> list[tuple[str, int, int]]:
    with app.app_context():
        return [
            (f.kind, f.width, f.height)
            for f in db.session.scalars(sa.select(ReportFile).order_by(ReportFile.id))
        ]


def image_sizes(content: bytes) -> list[tuple[int, int]]:
    """The pixel size of every picture placed in the PDF."""
    sizes = []
    for page in pypdfium2.PdfDocument(content):
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            sizes.append(tuple(obj.get_px_size()))
    return sizes


@pytest.fixture
def invited(app, request):
    request.getfixturevalue("event_slug")
    with app.app_context():
        event = event_of()
        db.session.add_all(
            [
                Invitation(
                    event_id=event.id,
                    full_name="Drs. Bambang Sutrisno",
                    organisation="Dinas Koperasi",
                    position="Kepala Dinas",
                    phone="+6281299990001",
                    email="bambang@example.org",
                ),
                Invitation(
                    event_id=event.id, full_name="Hj. Lilik Suharti", organisation="KUD Tani"
                ),
            ]
        )
        db.session.commit()


@pytest.mark.usefixtures("people", "invited")
def test_the_laporan_files_every_part_in_the_treasurers_order(app, as_user, organiser):
    # In a process whose PDF engine is cold even this laporan is estimated (and takes) over
    # two seconds; the background path has its own test below.
    app.config["DOCUMENT_BACKGROUND_SECONDS"] = 10
    client = as_user(organiser)
    save(client)
    assert "Laporan kegiatan" in client.get(f"/events/{SLUG}").text  # linked from the event
    assert upload(client, "photos", ("rapat.jpg", jpeg(800, 600))).status_code == 302
    response = client.get(f"{PAGE}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = pdf_pages(response.data)
    text = "\n".join(pages)
    order = [
        "LAPORAN KEGIATAN",
        "Daftar undangan",
        "Drs. Bambang Sutrisno",
        "DAFTAR HADIR (rekap kedatangan)",
        "NOTULEN RAPAT",
        "Dokumentasi foto kegiatan",
        "Foto 1",
        "Daftar sertifikat yang diterbitkan",
    ]
    # Each part after the one before it, past the cover and its table of contents.
    assert order[0] in pages[0] and "Daftar isi" in pages[0]
    rest, place = "\n".join(pages[1:]), 0
    for part in order[1:]:
        place = rest.index(part, place)
    # Invitees by name and answer, never by mobile or e-mail.
    assert "Hj. Lilik Suharti" in text and "Belum menjawab" in text
    assert "bambang@example.org" not in text and "99990001" not in text
    # The certificates issued: one line per person present (four came in).
    issued = text[text.index("Daftar sertifikat yang diterbitkan", text.index("Foto 1")) :]
    assert "4 sertifikat" in issued
    # The notulen as the minutes page makes them, its own numbering and attachment included.
    assert "Lampiran: Daftar Hadir" in text


@pytest.mark.usefixtures("people")
def test_a_scanned_sign_sheet_replaces_the_record_and_photos_are_downscaled(
    app, as_user, organiser
):
    client = as_user(organiser)
    save(client)
    sent = upload(client, "scan", ("hal1.jpg", jpeg(2480, 3508)), ("hal2.png", png(1240, 1754)))
    assert sent.status_code == 302
    assert (
        upload(
            client, "photos", ("a.jpg", jpeg(4000, 3000)), ("b.jpg", jpeg(3000, 4000))
        ).status_code
        == 302
    )
    assert stored(app) == [
        ("scan", 1414, 2000),
        ("scan", 1240, 1754),
        ("photo", 1600, 1200),
        ("photo", 1200, 1600),
    ]
    content = client.get(f"{PAGE}.pdf").data
    text = "\n".join(pdf_pages(content))
    assert "rekap kedatangan" not in text.split("NOTULEN RAPAT")[0].split("Daftar isi")[1]
    sizes = image_sizes(content)
    assert (1600, 1200) in sizes and (1200, 1600) in sizes and (1414, 2000) in sizes
    assert max(max(size) for size in sizes) <= 2000  # nothing printed at its sent size
    # A PDF scan replaces the pictures, and is filed page for page.
    before = len(pypdfium2.PdfDocument(content))
    assert upload(client, "scan", ("daftar-hadir.pdf", pdf_of(3))).status_code == 302
    assert [kind for kind, *_size in stored(app)].count("scan") == 1
    after = len(pypdfium2.PdfDocument(client.get(f"{PAGE}.pdf").data))
    assert after == before - 2 + 3


@pytest.mark.usefixtures("people")
def test_oversized_uploads_are_refused_with_a_clear_message_and_nothing_is_kept(
    app, as_user, organiser
):
    client = as_user(organiser)
    good = ("baik.jpg", jpeg(800, 600))
    # Too many pixels (from the header: the PNG itself is small), next to a good photo.
    refused = upload(client, "photos", good, ("besar.png", png(5000, 4000)))
    assert refused.status_code == 422
    assert "“besar.png” lebih dari 16 juta piksel" in refused.text
    assert stored(app) == []
    # Not a picture at all.
    refused = upload(client, "photos", good, ("catatan.txt", b"bukan gambar"))
    assert refused.status_code == 422 and "“catatan.txt” bukan gambar JPEG atau PNG" in refused.text
    assert stored(app) == []
    # More pages than a sign sheet has.
    refused = upload(client, "scan", ("tebal.pdf", pdf_of(31)))
    assert refused.status_code == 422 and "lebih dari 30 halaman" in refused.text
    # Thirteen photos: none of the upload is kept.
    assert upload(client, "photos", *[good] * 10).status_code == 302
    refused = upload(client, "photos", *[good] * 3)
    assert refused.status_code == 422
    assert "paling banyak 12 foto: 10 sudah tersimpan, 3 dikirim" in refused.text
    assert len(stored(app)) == 10
    # More than a request may carry: refused before it is read, and the page says so.
    too_big = upload(client, "photos", ("raksasa.jpg", b"\xff" * (9 * 1024 * 1024)))
    assert too_big.status_code == 413 and "8 MB" in too_big.text
    assert len(stored(app)) == 10


@pytest.mark.usefixtures("people")
def test_an_organiser_removes_an_upload_of_their_own_event_only(app, as_user, organiser):
    client = as_user(organiser)
    upload(client, "photos", ("a.jpg", jpeg(800, 600)), ("b.jpg", jpeg(600, 800)))
    with app.app_context():
        first = db.session.scalar(sa.select(ReportFile.id).order_by(ReportFile.id))
    page = client.get(PAGE).text
    assert "a.jpg" in page and "b.jpg" in page
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert (
        client.post(f"{PAGE}/remove", data={"file_id": first, "csrf_token": csrf}).status_code
        == 302
    )
    assert [size for *_kind, size in stored(app)] == [800]
    assert (
        client.post(f"{PAGE}/remove", data={"file_id": "x", "csrf_token": csrf}).status_code == 400
    )


@pytest.mark.usefixtures("people")
def test_a_big_laporan_renders_in_the_background_with_its_progress_page(app, as_user, organiser):
    from coordination.documents import jobs

    app.config["DOCUMENT_BACKGROUND_SECONDS"] = 0
    client = as_user(organiser)
    save(client)
    waiting = client.get(f"{PAGE}.pdf")
    assert waiting.status_code == 302 and "/documents/" in waiting.location
    assert "Laporan kegiatan" in client.get(waiting.location).text
    jobs.wait_for_jobs()
    download = client.get(waiting.location.split("?")[0] + "/download")
    pages = pdf_pages(download.data)
    assert "LAPORAN KEGIATAN" in pages[0] and any("NOTULEN RAPAT" in page for page in pages)


@pytest.mark.usefixtures("people")
def test_the_sample_invitation_letter_is_filed_right_after_the_cover_once_it_exists(
    app, as_user, organiser, monkeypatch
):
    """The hook for the surat undangan (branch kop): a Document it returns is filed first."""
    from coordination.documents.cache import Document
    from coordination.documents.engine import html_to_pdf
    from coordination.reports import documents

    letter = html_to_pdf("<p>SURAT UNDANGAN Nomor 005/UND/2030</p>", "laporan.css")
    monkeypatch.setattr(
        documents,
        "invitation_letter_sample",
        lambda event, fetcher=None: Document("letter-1", 0.1, lambda progress: letter),
    )
    client = as_user(organiser)
    pages = pdf_pages(client.get(f"{PAGE}.pdf").data)
    assert "Surat undangan (satu contoh) dan daftar undangan" in pages[0]
    assert "SURAT UNDANGAN Nomor 005/UND/2030" in pages[1]
    assert "Daftar undangan" in pages[2]


@pytest.mark.usefixtures("people", "invited")
def test_the_page_numbers_run_through_the_whole_laporan(app, as_user, organiser):
    """Its parts (the record, the notulen with their attached list) number their own pages;
    in the laporan every page carries one label, its place in the whole file."""
    client = as_user(organiser)
    save(client)
    upload(client, "photos", ("rapat.jpg", jpeg(800, 600)))
    with app.test_request_context():
        pdf = laporan_pdf(event_of())
    pages = pdf_check.read(pdf)
    total = len(pages)
    assert total >= 6
    for page in pages:
        assert re.findall(r"Halaman \d+ dari \d+", page.text) == [
            f"Halaman {page.number} dari {total}"
        ]
    pdf_check.assert_printed(
        pdf, {n: [f"Halaman {n} dari {total}"] for n in range(1, total + 1)}, margins=0
    )


@pytest.mark.usefixtures("people", "invited")
def test_a_cold_engine_is_counted_once_in_the_laporans_estimate(app, monkeypatch):
    """The record and the notulen each estimate the engine's cold start; the laporan renders
    them in one process, which pays it once (else a small laporan went to the background)."""
    from coordination.documents import estimate
    from coordination.minutes import documents as minutes_documents
    from coordination.reports import documents as report_documents

    def estimate_with(warm: bool) -> float:
        for module in (estimate, minutes_documents, report_documents):
            monkeypatch.setattr(module, "is_warm", lambda: warm)
        with app.test_request_context():
            return report_documents.laporan_document(event_of()).seconds

    cold, warm = estimate_with(False), estimate_with(True)
    assert cold - warm == pytest.approx(estimate.COLD_START_SECONDS)
