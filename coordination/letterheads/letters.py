"""The surat undangan: the official invitation letter, one per invitee, in one PDF.

Nomor, Sifat, Lampiran, Perihal, "Kepada Yth." the invitee, the body with hari/tanggal, waktu,
tempat and acara, the signer with NIP, and a QR code of the invitee's personal link. The
organiser types the wording once (InvitationLetter); everything else comes from the event.
`render_sample_letter(event)` gives one letter for the laporan kegiatan.
"""

from dataclasses import astuple, dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import get_locale

from coordination.badges.qr import qr_data_uri
from coordination.documents.cache import Document, document_key
from coordination.documents.pdf import Progress, StaticOnlyFetcher, render_pdf_parts, tapered
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db
from coordination.i18n import format_event_time, local_time
from coordination.registration.models import Invitation

from .models import InvitationLetter
from .services import kop_of, signer_of

# Letters per part when many render in parts: shared out, with progress.
LETTERS_PER_PART = 25
# A letter takes about this long, cold, rendered on two cores (make bench: 100 letters took
# 9.4 s of CPU, 10.3 s on a busy machine): too high only sends a quick file to the background.
SECONDS_PER_LETTER = 0.08
MAX_PARAGRAPH = 2000
# Where the QR code leads, with "{token}" for the invitation's own: the view knows the host.
TOKEN = "{token}"


@dataclass
class Addressee:
    name: str
    position: str
    organisation: str
    link: str = ""  # the personal link the QR code holds
    qr: str = ""  # data: URI


def letter_of(event: Event) -> InvitationLetter:
    """The event's letter wording; a fresh (unsaved) one until the organiser saves it."""
    found = db.session.scalar(
        sa.select(InvitationLetter).where(InvitationLetter.event_id == event.id)
    )
    return found or InvitationLetter(
        event_id=event.id, number="", nature="", attachment="", subject="", opening="", closing=""
    )


@dataclass
class LetterData:
    number: str = ""
    nature: str = ""
    attachment: str = ""
    subject: str = ""
    opening: str = ""
    closing: str = ""
    letter_date: date | None = None


def _line(text: str | None, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


def _paragraphs(text: str | None) -> str:
    """Paragraphs kept (a blank line between), spaces within them tidied, bounded."""
    text = (text or "")[: MAX_PARAGRAPH * 2].replace("\r\n", "\n")
    kept = [" ".join(part.split()) for part in text.split("\n\n")]
    return "\n\n".join(part for part in kept if part)[:MAX_PARAGRAPH]


def save_letter(event: Event, data: LetterData) -> InvitationLetter:
    letter = letter_of(event)
    letter.number = _line(data.number, 120)
    letter.nature = _line(data.nature, 60)
    letter.attachment = _line(data.attachment, 60)
    letter.subject = _line(data.subject, 200)
    letter.opening = _paragraphs(data.opening)
    letter.closing = _paragraphs(data.closing)
    letter.letter_date = data.letter_date
    db.session.add(letter)
    db.session.flush()
    return letter


def addressees(
    event: Event, link_pattern: str, invitation_id: int | None = None
) -> list[Addressee]:
    """The invitees (or one), sorted by name, each with the QR of their personal link."""
    query = sa.select(
        Invitation.full_name, Invitation.position, Invitation.organisation, Invitation.token
    ).where(Invitation.event_id == event.id)
    if invitation_id is not None:
        query = query.where(Invitation.id == invitation_id)
    people = []
    for name, position, organisation, token in db.session.execute(
        query.order_by(Invitation.sort_name, Invitation.id)
    ):
        link = link_pattern.replace(TOKEN, token) if link_pattern else ""
        people.append(Addressee(name, position, organisation, link))
    return people


def with_qr(people: list[Addressee]) -> list[Addressee]:
    """The QR images of their links: made only when the letters render, not for the key."""
    for person in people:
        if person.link and not person.qr:
            person.qr = qr_data_uri(person.link)
    return people


def _when(event: Event) -> dict[str, str]:
    tz = event.timezone
    same_day = local_time(event.starts_at, tz).date() == local_time(event.ends_at, tz).date()
    return {
        "day": format_event_time(event.starts_at, tz, "date"),
        "time": f"{format_event_time(event.starts_at, tz, 'clock')} – "
        + format_event_time(event.ends_at, tz, "time" if same_day else "long"),
        "place": ", ".join(part for part in (event.venue_name, event.venue_address) if part),
    }


def letters_document(
    event: Event,
    link_pattern: str = "",
    invitation_id: int | None = None,
    fetcher: StaticOnlyFetcher | None = None,
    sample: bool = False,
) -> Document:
    """One letter per invitee (or the one asked for); raises DomainError("nobody_invited").
    A sample is one letter to "Bapak/Ibu ..." for the laporan kegiatan."""
    if sample:
        people = [Addressee("Bapak/Ibu ....................", "", "")]
    else:
        people = addressees(event, link_pattern, invitation_id)
    if not people:
        raise DomainError("nobody_invited")
    letter = letter_of(event)
    kop = kop_of(event)
    signer = signer_of(event)
    agenda = [item.title for item in event.agenda] or [event.title]
    when = _when(event)
    dated = _letter_day(letter.letter_date) if letter.letter_date else "...................."
    place_date = f"{kop.city or '..................'}, {dated}"
    wording = (letter.number, letter.nature, letter.attachment, letter.subject)
    key = document_key(
        "letters-v1",
        str(get_locale()),
        [event.title, kop, signer, wording, letter.opening, letter.closing, place_date],
        [when, agenda, event.certificate_signature, event.certificate_stamp],
        [astuple(person) for person in people],
    )

    def render(progress: Progress | None) -> bytes:
        parts = [{"people": with_qr(chunk)} for chunk in tapered(people, LETTERS_PER_PART)]
        return render_pdf_parts(
            "letterheads/letter.html",
            "letter.css",
            parts,
            fetcher=fetcher,
            progress=progress,
            event=event,
            letter=letter,
            kop=kop,
            signer=signer,
            agenda=agenda,
            when=when,
            place_date=place_date,
            with_signature=event.certificate_signature,
            with_stamp=event.certificate_stamp,
        )

    return Document(key, SECONDS_PER_LETTER * len(people), render)


def _letter_day(day: date) -> str:
    """A letter's date, "1 November 2018", in the language of the document."""
    from flask_babel import format_date

    return format_date(day, "d MMMM y")


def has_letter(event: Event) -> bool:
    """Whether the event has a letter to show: invitees, or the wording typed."""
    invited = sa.select(Invitation.id).where(Invitation.event_id == event.id).limit(1)
    typed = sa.select(InvitationLetter.id).where(InvitationLetter.event_id == event.id)
    return bool(db.session.scalar(invited) or db.session.scalar(typed))


def render_sample_letter(event: Event) -> bytes:
    """One letter as PDF bytes, to "Bapak/Ibu ....": the sample a laporan kegiatan files."""
    return letters_document(event, sample=True).content()


def letters_pdf(event: Event, link_pattern: str = "", invitation_id: int | None = None) -> bytes:
    """The letters as PDF bytes, rendered now (or found in the cache)."""
    return letters_document(event, link_pattern, invitation_id).content()
