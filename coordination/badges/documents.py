"""Badge PDFs, rendered through the one PDF service."""

from coordination.documents.pdf import StaticOnlyFetcher, render_pdf
from coordination.events.models import Event
from coordination.registration.models import Registration

from .services import LAYOUTS, badge_of, logo_data_uri, sheets


def badges_pdf(
    event: Event,
    registrations: list[Registration],
    layout: str = "a6",
    fetcher: StaticOnlyFetcher | None = None,
) -> bytes:
    if layout not in LAYOUTS:
        layout = "a6"
    return render_pdf(
        "badges/sheet.html",
        "badges.css",
        fetcher=fetcher,
        event=event,
        layout=layout,
        sheets=sheets([badge_of(r) for r in registrations], layout),
        logo=logo_data_uri(event),
    )
