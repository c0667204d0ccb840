"""The laporan kegiatan: one PDF in the order a treasurer files it (SPJ).

1. a cover with the contents, the invitation letter (one sample) and the list of invitees;
2. the daftar hadir: the signed paper sheet as scanned, or else the electronic record;
3. the notulen, as the minutes page makes them (final ones exactly as signed);
4. photos of the meeting, two to a page;
5. the list of certificates issued.
The parts are the app's own documents, each from the cache when it is there, joined by qpdf;
"Halaman X dari Y" then runs through the whole file (documents/numbering.py).
"""

from base64 import b64encode
from dataclasses import astuple
from io import BytesIO

import pikepdf
import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _

from coordination.documents import estimate
from coordination.documents.cache import Document, document_key
from coordination.documents.engine import is_warm
from coordination.documents.numbering import renumbered
from coordination.documents.pdf import (
    Progress,
    StaticOnlyFetcher,
    render_pdf,
    render_pdf_parts,
)
from coordination.events.models import Event
from coordination.extensions import db
from coordination.letterheads.letters import has_letter, letters_document
from coordination.letterheads.services import kop_of
from coordination.minutes.documents import minutes_document
from coordination.paperwork.certificates import holders
from coordination.paperwork.documents import attendance_document
from coordination.registration.models import Invitation, InvitationStatus

from .models import ReportFileKind
from .services import contents, listing

# Cold, on the 2-core machine `make bench` runs on: a page of our own, a photo, a list line.
SECONDS_FRONT = 0.4
SECONDS_PER_PHOTO = 0.05
SECONDS_PER_LINE = 0.003
# Numbering the joined file (documents/numbering.py): finding the parts' own labels and
# typesetting a new one, per page (CPU: 6.5 s for the 278 pages of a 1,000-person laporan on
# the loaded 2-core machine); a list page holds about 40 lines, the minutes about 3 pages.
SECONDS_PER_PAGE_NUMBERED = 0.023
LINES_PER_PAGE = 40
MINUTES_PAGES = 3
# The lists of invitees and of certificates render in parts of this many rows, on both cores
# and each part in its own memory; a part ends with its last page (about 40 rows a page).
ROWS_PER_PART = 200


def invitation_letter_sample(event: Event, fetcher: StaticOnlyFetcher | None = None):
    """One sample invitation letter of this event (the surat undangan, to "Bapak/Ibu ...."), as
    a Document, to file first; None while the event has neither invitees nor a letter's
    wording: the laporan then files the list of invitees alone."""
    if not has_letter(event):
        return None
    return letters_document(event, fetcher=fetcher, sample=True)


def invitees(event: Event) -> list[tuple[str, str, str, str]]:
    """(name, organisation, position, answer) of everyone invited: no mobile, no e-mail."""
    rows = db.session.execute(
        sa.select(
            Invitation.full_name, Invitation.organisation, Invitation.position, Invitation.status
        )
        .where(Invitation.event_id == event.id)
        .order_by(Invitation.sort_name, Invitation.id)
    )
    return [
        (name, organisation, position, str(InvitationStatus(status).label))
        for name, organisation, position, status in rows
    ]


def page_label(page: int, pages: int) -> str:
    return _("Page %(page)d of %(pages)d", page=page, pages=pages)


def _data_uri(mime: str, content: bytes) -> str:
    return f"data:{mime};base64," + b64encode(content).decode()


def join_pdfs(parts: list[bytes], title: str) -> bytes:
    joined = pikepdf.new()
    opened = [pikepdf.open(BytesIO(part)) for part in parts]
    try:
        for part in opened:
            joined.pages.extend(part.pages)
        joined.docinfo["/Title"] = title
        out = BytesIO()
        joined.save(out)
    finally:
        for part in opened:
            part.close()
    return out.getvalue()


def laporan_document(event: Event, fetcher: StaticOnlyFetcher | None = None) -> Document:
    """The laporan before anyone renders it: its key, its cost, its rendering."""
    letter = invitation_letter_sample(event, fetcher)
    invited = invitees(event)
    scan = listing(event, ReportFileKind.SCAN)
    listed = None if scan else attendance_document(event, "record", "name", fetcher=fetcher)
    minutes = minutes_document(event, fetcher)
    photo_ids = [file_id for file_id, _mime in listing(event, ReportFileKind.PHOTO)]
    issued = holders(event)
    kop = kop_of(event)
    key = document_key(
        "laporan-v3",
        str(get_locale()),
        [event.title, event.organising_body, event.venue_name, event.venue_address],
        [event.starts_at, event.ends_at, event.timezone, kop],
        letter.key if letter else None,
        invited,
        scan,
        listed.key if listed else None,
        minutes.key,
        photo_ids,
        [astuple(holder) for holder in issued],
    )

    def render(progress: Progress | None = None) -> bytes:
        steps, done = 5, 0

        def step() -> None:
            nonlocal done
            done += 1
            if progress:
                progress(done, steps)

        common = {"event": event, "letterhead": kop}
        scan_files = contents(event, ReportFileKind.SCAN)
        photos = [
            _data_uri(mime, content) for _id, mime, content in contents(event, ReportFileKind.PHOTO)
        ]
        parts = [
            render_pdf(
                "reports/laporan.html",
                "laporan.css",
                fetcher=fetcher,
                part="cover",
                has_letter=letter is not None,
                scanned=bool(scan_files),
                photo_count=len(photos),
                issued=issued,
                **common,
            )
        ]
        if letter is not None:
            parts.append(letter.content())
        parts.append(_list_pdf("invitees", invited, fetcher, common))
        step()
        if scan_files and scan_files[0][1] == "application/pdf":
            parts.append(scan_files[0][2])
        elif scan_files:
            pictures = [_data_uri(mime, content) for _id, mime, content in scan_files]
            parts.append(
                render_pdf(
                    "reports/laporan.html",
                    "laporan.css",
                    fetcher=fetcher,
                    part="scan",
                    pictures=pictures,
                    **common,
                )
            )
        else:
            parts.append(listed.content())
        step()
        parts.append(minutes.content())
        step()
        if photos:
            parts.append(
                render_pdf(
                    "reports/laporan.html",
                    "laporan.css",
                    fetcher=fetcher,
                    part="photos",
                    photos=photos,
                    **common,
                )
            )
        parts.append(_list_pdf("issued", issued, fetcher, common))
        step()
        title = _("Activity report · %(title)s", title=event.title)
        pdf = renumbered(join_pdfs(parts, title), page_label, title)
        step()
        return pdf

    seconds = SECONDS_FRONT + SECONDS_PER_LINE * (len(invited) + len(issued))
    seconds += SECONDS_PER_PHOTO * (len(photo_ids) + len(scan))
    # The parts' estimates (estimate.COSTS) each count the engine's cold start: one process
    # pays it once, for the whole laporan.
    cold = 0.0 if is_warm() else estimate.COLD_START_SECONDS
    for part in (letter, listed, minutes):
        if part is not None and part.cached() is None:
            seconds += part.seconds - (cold if part.kind else 0.0)
    seconds += cold
    # The record is filed twice: as the daftar hadir and as the notulen's lampiran.
    record_pages = listed.units if listed else 0
    pages = 2 + (len(invited) + len(issued)) // LINES_PER_PAGE + len(scan) + len(photo_ids) // 2
    pages += 2 * record_pages + MINUTES_PAGES
    seconds += SECONDS_PER_PAGE_NUMBERED * pages
    return Document(key, seconds, render)


def _list_pdf(part: str, rows: list, fetcher: StaticOnlyFetcher | None, common: dict) -> bytes:
    """A long list as a table, in parts of ROWS_PER_PART rows rendered on every core."""
    chunks = [rows[start : start + ROWS_PER_PART] for start in range(0, len(rows), ROWS_PER_PART)]
    parts = [{"rows": chunk, "first": n * ROWS_PER_PART} for n, chunk in enumerate(chunks or [[]])]
    return render_pdf_parts(
        "reports/laporan.html",
        "laporan.css",
        parts,
        fetcher=fetcher,
        part=part,
        total=len(rows),
        **common,
    )


def laporan_pdf(event: Event, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    return laporan_document(event, fetcher).content()
