"""Certificates of attendance (sertifikat) for the people who came."""

from dataclasses import astuple, dataclass

import sqlalchemy as sa
from flask_babel import get_locale

from coordination.badges.services import logo_data_uri
from coordination.documents.cache import cached_document, document_key
from coordination.documents.pdf import StaticOnlyFetcher, render_pdf
from coordination.door.models import Checkin, CheckinList
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db
from coordination.registration.models import Registration, RegistrationStatus


@dataclass
class Holder:
    name: str
    organisation: str
    role: str


def holders(event: Event, registration_id: int | None = None) -> list[Holder]:
    """Confirmed participants checked in on the event's main list, by name."""
    query = (
        sa.select(Registration.full_name, Registration.organisation, Registration.role)
        .join(Checkin, Checkin.registration_id == Registration.id)
        .join(CheckinList, CheckinList.id == Checkin.list_id)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            CheckinList.is_default.is_(True),
        )
        .order_by(sa.func.lower(Registration.full_name), Registration.id)
    )
    if registration_id is not None:
        query = query.where(Registration.id == registration_id)
    return [Holder(*row) for row in db.session.execute(query)]


def save_signer(event: Event, name: str, title: str) -> None:
    event.signer_name = " ".join(name.split())[:120]
    event.signer_title = " ".join(title.split())[:120]
    db.session.flush()


def certificates_pdf(
    event: Event, registration_id: int | None = None, fetcher: StaticOnlyFetcher | None = None
) -> bytes:
    """One A4 landscape page per person present; raises DomainError("nobody_present")."""
    people = holders(event, registration_id)
    if not people:
        raise DomainError("nobody_present")
    logo = logo_data_uri(event)
    key = document_key(
        "certificates-v1",
        str(get_locale()),
        [event.title, event.organising_body, event.venue_name, event.starts_at, event.ends_at],
        [event.timezone, event.signer_name, event.signer_title, logo],
        [astuple(person) for person in people],
    )
    return cached_document(
        key,
        lambda: render_pdf(
            "paperwork/certificate.html",
            "certificate.css",
            fetcher=fetcher,
            event=event,
            people=people,
            logo=logo,
        ),
    )
