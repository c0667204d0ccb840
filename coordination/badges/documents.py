"""Badge PDFs, rendered through the one PDF service; big sets in parts, on every core."""

from flask_babel import get_locale

from coordination.documents.cache import Document, document_key, estimated
from coordination.documents.pdf import Progress, StaticOnlyFetcher, render_pdf_parts, tapered
from coordination.events.models import Event
from coordination.extensions import db
from coordination.registration import services as registration
from coordination.registration.models import Registration, RegistrationStatus

from .services import LAYOUTS, Badge, badge_of, head_of, logo_data_uri, sheets

# Sheets per part (on average) when a set renders in parts: shared out, with progress.
SHEETS_PER_PART = 25


STAMPS = ["heads", "ribbons"]


def _stamp_for(sheet: list[Badge], per_sheet: int) -> str | None:
    if len(sheet) < per_sheet:
        return None
    return "ribbons" if all(badge.role == "participant" for badge in sheet) else "heads"


def badges_document(
    event: Event,
    registrations: list[Registration],
    layout: str = "a6",
    fetcher: StaticOnlyFetcher | None = None,
) -> Document:
    """Badges of these people on sheets of `layout`, known by what is printed on them."""
    if layout not in LAYOUTS:
        layout = "a6"
    logo = logo_data_uri(event)
    printed = [
        (r.full_name, r.organisation, r.position, r.role, r.checkin_code) for r in registrations
    ]
    key = document_key(
        "badges-v2", layout, str(get_locale()), [event.title, event.badge_colour, logo], printed
    )

    def render(progress: Progress | None) -> bytes:
        per_sheet = LAYOUTS[layout]
        head = head_of(event.title, layout, bool(logo))
        cut = sheets([badge_of(r, layout, head) for r in registrations], layout)
        # What full sheets share (heads, cut lines; the ribbon where all are participants) is
        # one stamp drawn under them; a partly filled last sheet prints it all itself.
        stamped_as = [_stamp_for(sheet, per_sheet) for sheet in cut]
        parts = [
            {"sheets": [sheet for sheet, _ in chunk], "stamped_as": [how for _, how in chunk]}
            for chunk in tapered(list(zip(cut, stamped_as, strict=True)), SHEETS_PER_PART)
        ]
        return render_pdf_parts(
            "badges/sheet.html",
            "badges.css",
            parts,
            fetcher=fetcher,
            progress=progress,
            stamps=[{"stamp": name} for name in STAMPS] if any(stamped_as) else [],
            stamp_of=[STAMPS.index(name) if name else None for name in stamped_as],
            event=event,
            layout=layout,
            head=head,
            logo=logo,
            per_sheet=per_sheet,
        )

    return estimated(key, "badges", len(registrations), render)


def badges_pdf(
    event: Event,
    registrations: list[Registration],
    layout: str = "a6",
    fetcher: StaticOnlyFetcher | None = None,
) -> bytes:
    """The badges as PDF bytes, rendered now (or found in the cache)."""
    return badges_document(event, registrations, layout, fetcher).content()


def selected_badges_document(
    event: Event,
    layout: str = "a6",
    text: str = "",
    invited: str = "",
    present: str = "",
    sort: str = "name",
) -> Document:
    """Badges of the confirmed participants the list's filters select (all by default)."""
    query = registration.participant_query(
        event,
        text=text,
        status=RegistrationStatus.CONFIRMED,
        invited=invited,
        present=present,
        sort=sort,
    )
    return badges_document(event, list(db.session.scalars(query)), layout)
