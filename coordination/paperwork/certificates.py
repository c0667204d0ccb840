"""Certificates of attendance (sertifikat) for the people who came."""

from dataclasses import astuple, dataclass

import sqlalchemy as sa
from flask_babel import get_locale

from coordination.badges.services import logo_data_uri
from coordination.documents.cache import Document, document_key, estimated
from coordination.documents.pdf import Progress, StaticOnlyFetcher, render_pdf_parts, tapered
from coordination.door.models import came
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db
from coordination.names import name_key
from coordination.registration.models import Registration
from coordination.registration.representation import attendee

# Pages per part when many certificates render in parts: shared out, with progress.
PAGES_PER_PART = 20


@dataclass
class Holder:
    name: str
    organisation: str
    role: str
    on_behalf_of: str = ""  # the registrant, when a representative came in their place


def holders(event: Event, registration_id: int | None = None) -> list[Holder]:
    """Who came (who_came), by the name of whoever was in the hall: the representative who
    came in one's place, or who registered on an invitee's behalf, gets it in their own name,
    on behalf of the one they represent."""
    checkin = came(event.id)
    query = sa.select(
        Registration.full_name,
        Registration.organisation,
        Registration.role,
        Registration.represents_name,
        checkin.representative_name,
    ).join(checkin, checkin.registration_id == Registration.id)
    if registration_id is not None:
        query = query.where(Registration.id == registration_id)
    people = []
    for name, organisation, role, represents, stand_in in db.session.execute(query):
        who = attendee(name, represents, stand_in)
        people.append(Holder(who.name, organisation, role, on_behalf_of=who.on_behalf_of))
    return sorted(people, key=lambda holder: name_key(holder.name))


def save_signer(event: Event, name: str, title: str) -> None:
    event.signer_name = " ".join(name.split())[:120]
    event.signer_title = " ".join(title.split())[:120]
    db.session.flush()


def certificates_document(
    event: Event, registration_id: int | None = None, fetcher: StaticOnlyFetcher | None = None
) -> Document:
    """One A4 landscape page per person present; raises DomainError("nobody_present")."""
    people = holders(event, registration_id)
    if not people:
        raise DomainError("nobody_present")
    logo = logo_data_uri(event)
    key = document_key(
        "certificates-v2",
        str(get_locale()),
        [event.title, event.organising_body, event.venue_name, event.starts_at, event.ends_at],
        [event.timezone, event.signer_name, event.signer_title, logo],
        [astuple(person) for person in people],
    )

    def render(progress: Progress | None) -> bytes:
        parts = [{"people": chunk} for chunk in tapered(people, PAGES_PER_PART)]
        return render_pdf_parts(
            "paperwork/certificate.html",
            "certificate.css",
            parts,
            fetcher=fetcher,
            progress=progress,
            event=event,
            logo=logo,
        )

    return estimated(key, "certificates", len(people), render)


def certificates_pdf(
    event: Event, registration_id: int | None = None, fetcher: StaticOnlyFetcher | None = None
) -> bytes:
    """The certificates as PDF bytes, rendered now (or found in the cache)."""
    return certificates_document(event, registration_id, fetcher).content()
