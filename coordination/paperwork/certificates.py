"""Certificates of attendance (sertifikat) for the people who came."""

from dataclasses import astuple, dataclass

import sqlalchemy as sa
from flask_babel import get_locale

from coordination.documents.cache import Document, document_key, estimated
from coordination.documents.pdf import Progress, StaticOnlyFetcher, render_pdf_parts, tapered
from coordination.door.models import came
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db
from coordination.letterheads import numbers as numbering
from coordination.letterheads.services import kop_of, place_and_date, signer_of
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
    registration_id: int = 0
    number: str = ""  # the certificate's number, once issued (letterheads.numbers)


def holders(event: Event, registration_id: int | None = None) -> list[Holder]:
    """Who came (who_came), by the name of whoever was in the hall: the representative who
    came in one's place, or who registered on an invitee's behalf, gets it in their own name,
    on behalf of the one they represent."""
    checkin = came(event.id)
    query = sa.select(
        Registration.id,
        Registration.full_name,
        Registration.organisation,
        Registration.role,
        Registration.represents_name,
        checkin.representative_name,
    ).join(checkin, checkin.registration_id == Registration.id)
    if registration_id is not None:
        query = query.where(Registration.id == registration_id)
    people = []
    numbers = numbering.issued(event)
    for row_id, name, organisation, role, represents, stand_in in db.session.execute(query):
        who = attendee(name, represents, stand_in)
        people.append(
            Holder(
                who.name,
                organisation,
                role,
                on_behalf_of=who.on_behalf_of,
                registration_id=row_id,
                number=numbers.get(row_id, ""),
            )
        )
    return sorted(people, key=lambda holder: name_key(holder.name))


def save_settings(event: Event, number_format: str, signature: bool, stamp: bool) -> int:
    """The certificates' number format and whether they carry the signer's scanned signature
    and stamp; numbers are issued at once to everyone present. Returns how many."""
    event.certificate_format = numbering.check_format(number_format)
    event.certificate_signature = bool(signature)
    event.certificate_stamp = bool(stamp)
    return issue_numbers(event)


def issue_numbers(event: Event) -> int:
    """Numbers for everyone present who has none yet, in the order of the names."""
    return numbering.issue(event, [holder.registration_id for holder in holders(event)])


def certificates_document(
    event: Event, registration_id: int | None = None, fetcher: StaticOnlyFetcher | None = None
) -> Document:
    """One A4 landscape page per person present; raises DomainError("nobody_present")."""
    people = holders(event, registration_id)
    if not people:
        raise DomainError("nobody_present")
    kop = kop_of(event)
    signer = signer_of(event)
    key = document_key(
        "certificates-v3",
        str(get_locale()),
        [event.title, event.venue_name, event.starts_at, event.ends_at, event.timezone],
        [kop, signer, event.certificate_signature, event.certificate_stamp],
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
            kop=kop,
            signer=signer,
            place_date=place_and_date(event, kop),
            with_signature=event.certificate_signature,
            with_stamp=event.certificate_stamp,
        )

    return estimated(key, "certificates", len(people), render)


def certificates_pdf(
    event: Event, registration_id: int | None = None, fetcher: StaticOnlyFetcher | None = None
) -> bytes:
    """The certificates as PDF bytes, rendered now (or found in the cache)."""
    return certificates_document(event, registration_id, fetcher).content()
