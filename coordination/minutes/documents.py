"""The minutes PDF: the notulen in the official layout, the daftar hadir as its last pages.

Minutes and list are one document: "Halaman X dari Y" runs through the whole file. The list
cuts its own pages in advance, so it says how many it takes before anything is laid out; the
minutes are laid out with as many blank pages after them (so their "dari Y" counts the list
too), the blanks are dropped, and the list numbers its pages on from the minutes' last.
"""

from dataclasses import astuple
from io import BytesIO

from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from pypdf import PdfWriter
from weasyprint import HTML

from coordination.documents import estimate
from coordination.documents.cache import Document, document_key, estimated
from coordination.documents.engine import is_warm
from coordination.documents.pdf import STATIC_BASE, StaticOnlyFetcher, font_config, stylesheet
from coordination.events.models import Event
from coordination.letterheads.services import kop_of
from coordination.paperwork.documents import attendance_document

from .models import Minutes
from .services import minutes_to_show, text_length
from .summary import attendance_summary


def css_string(text: str) -> str:
    """A CSS string literal: the page label goes into an @page rule, not into HTML."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,-:/()" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'


def page_label_css() -> str:
    """ "Halaman 2 dari 5" in the user's language, whatever order that language puts it in."""
    text = _("Page %(page)s of %(pages)s", page="\0page\0", pages="\0pages\0")
    parts = []
    for piece in text.split("\0"):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def minutes_pdf(event: Event, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """The draft as it stands now; final minutes as they were when finalised."""
    return minutes_document(event, fetcher).content()


def minutes_document(event: Event, fetcher: StaticOnlyFetcher | None = None) -> Document:
    """The minutes PDF before anyone renders it: its key, its cost, its rendering."""
    minutes = minutes_to_show(event)
    if minutes.is_final and minutes.final_pdf is not None:
        signed = minutes.final_pdf
        return Document(
            key=f"minutes-final:{minutes.id}:{minutes.version}",
            seconds=0.0,
            render=lambda progress: signed,
        )
    return _draft_document(event, minutes, fetcher)


def freeze(event: Event, minutes: Minutes) -> None:
    """Keep the finalised document and its attendance: later check-ins change neither."""
    summary = attendance_summary(event)
    minutes.final_summary = summary.to_json()
    minutes.final_pdf = _draft_document(event, minutes, None, summary).content()


def _draft_document(event, minutes, fetcher, summary=None) -> Document:
    summary = summary or attendance_summary(event)
    attachment = attendance_document(event, kind="record", sort="name", fetcher=fetcher)
    kop = kop_of(event)
    key = document_key(
        "minutes-v3",
        str(get_locale()),
        minutes.id,
        minutes.version,
        str(minutes.status),
        [event.title, event.organising_body, event.venue_name, event.venue_address],
        [event.starts_at, event.ends_at, event.timezone, kop],
        [
            (item.id, item.title, [(s.name, s.office) for s in item.speakers])
            for item in event.agenda
        ],
        astuple(summary.quorum) if summary.quorum else None,
        (summary.invited, summary.registered, summary.present, summary.represented),
        summary.present_online,
        attachment.key,  # the attendance list's own key: every line that shaped it
    )

    def render(progress=None) -> bytes:
        body = {}

        def numbering(list_pages: int) -> tuple[int, int]:
            """The minutes laid out before the list's pages: its first number and the total."""
            body["pdf"], pages = render_body(
                fetcher,
                list_pages,
                event=event,
                minutes=minutes,
                summary=summary,
                kop=kop,
                page_label=page_label_css(),
                draft_label=css_string(_("DRAFT — NOT FINAL")),
            )
            return pages + 1, pages + list_pages

        # Rendered for this file (numbered on from the minutes), kept only as part of it.
        listed = attendance_document(
            event,
            kind="record",
            sort="name",
            fetcher=fetcher,
            heading=_("Attachment: attendance list"),
            numbering=numbering,
        ).render(progress)
        return append_pdf(body["pdf"], listed, title=_("Minutes · %(title)s", title=event.title))

    # The minutes themselves (estimate.COSTS), and the attached list as estimated on its own
    # (numbered for this file: never the cached list), its engine's cold start counted once.
    document = estimated(key, "minutes", text_length(minutes), render)
    document.seconds += attachment.seconds - (0.0 if is_warm() else estimate.COLD_START_SECONDS)
    return document


def render_body(fetcher: StaticOnlyFetcher | None, after: int, **context) -> tuple[bytes, int]:
    """The minutes' own pages, numbered as the first pages of a file with `after` pages more;
    and how many pages they are."""
    html = render_template("minutes/minutes.html", filler_pages=after, **context)
    document = HTML(
        string=html, base_url=STATIC_BASE, url_fetcher=fetcher or StaticOnlyFetcher()
    ).render(stylesheets=[stylesheet("minutes.css")], font_config=font_config())
    pages = len(document.pages) - after
    return document.copy(document.pages[:pages]).write_pdf(), pages


def append_pdf(first: bytes, second: bytes, title: str) -> bytes:
    writer = PdfWriter()
    writer.append(BytesIO(first))
    writer.append(BytesIO(second))
    writer.add_metadata({"/Title": title})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
