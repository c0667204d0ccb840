"""Attendance-list PDFs, through the one PDF service."""

from dataclasses import astuple

from flask_babel import get_locale

from coordination.badges.services import logo_data_uri
from coordination.documents.cache import cached_document, document_key
from coordination.documents.pdf import StaticOnlyFetcher, render_pdf
from coordination.events.models import Event

from .attendance_list import LINES_PER_PAGE, attendance_lines, pages


def attendance_pdf(
    event: Event,
    kind: str = "sheet",
    sort: str = "name",
    full_phone: bool = False,
    fetcher: StaticOnlyFetcher | None = None,
) -> bytes:
    """(a) the sign sheet for the door, or (b) the record of who came, when and where."""
    kind = kind if kind in LINES_PER_PAGE else "sheet"
    lines = attendance_lines(event, kind, sort, full_phone)
    per_page = LINES_PER_PAGE[kind]
    cut = pages(lines, per_page)
    if kind == "sheet" and len(cut[-1]) < per_page:
        # Room for walk-ins to sign at the bottom of the last page.
        cut[-1] = cut[-1] + [None] * (per_page - len(cut[-1]))
    logo = logo_data_uri(event)
    key = document_key(
        "attendance-v1",
        kind,
        str(get_locale()),
        [event.title, event.organising_body, event.venue_name, event.venue_address],
        [event.starts_at, event.ends_at, event.timezone, logo],
        [astuple(line) for line in lines],
    )
    return cached_document(
        key,
        lambda: render_pdf(
            "paperwork/attendance.html",
            "attendance.css",
            fetcher=fetcher,
            event=event,
            kind=kind,
            pages=cut,
            total=len(lines),
            logo=logo,
        ),
    )
