"""Registration rules: who registers, with which details, and how organisers find them.

Seats (who gets one, who waits, who moves up) are decided in seats.py alone; this module asks
it. Anything that is not the common case (a duplicate, someone coming back, a full event)
takes the general path under the event's seat lock."""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import phonenumbers
import sqlalchemy as sa
import sqlalchemy.orm as so
from werkzeug.exceptions import NotFound

from coordination.auth.services import normalise_email
from coordination.door.models import Checkin, who_came
from coordination.errors import DomainError
from coordination.events.models import AgendaItem, Event
from coordination.extensions import db, utcnow
from coordination.text import has_hidden_characters

from . import seats
from .models import (
    BadgeRole,
    Gender,
    Invitation,
    Origin,
    Registration,
    RegistrationStatus,
    new_checkin_code,
    new_link_token,
)
from .models import waiting_position as waiting_position  # the line's order, read here too
from .questions import clean_answers, questions_of, save_answers

_registrations = Registration.__table__
_INSERT = _registrations.insert()
# The badge logo is a blob the public pages never show.
_EVENT_BY_SLUG = (
    sa.select(Event).where(Event.slug == sa.bindparam("slug")).options(so.defer(Event.logo))
)

MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


@dataclass
class ParticipantData:
    full_name: str
    organisation: str = ""
    position: str = ""
    phone: str = ""
    email: str = ""


@lru_cache(maxsize=4096)  # the form checks a number, then the service stores it: parsed once
def normalise_phone(raw: str) -> str:
    """An Indonesian (or international) mobile number in E.164, e.g. +6281234567890."""
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException as error:
        raise DomainError("invalid_phone") from error
    # number_type is UNKNOWN for an invalid number: one check, not is_valid_number as well.
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise DomainError("invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def registration_state(event: Event, now: datetime | None = None) -> str:
    """open, not_yet_open or closed: when the public may register."""
    now = now or utcnow()
    if event.is_archived:
        return "closed"
    if event.registration_opens_at and now < event.registration_opens_at:
        return "not_yet_open"
    # Without a closing time, registration runs until the event ends: someone who scans the
    # poster at the door after the opening can still sign up.
    closes = event.registration_closes_at or event.ends_at
    return "closed" if now >= closes else "open"


def participant_problems(data: ParticipantData, contact_required: bool = True) -> list[str]:
    """Every rule the details break, so that a form marks them all in one go."""
    problems = [] if data.full_name.split() else ["name_required"]
    typed = (data.full_name, data.organisation, data.position, data.phone, data.email)
    if any(has_hidden_characters(value) for value in typed):
        problems.append("invalid_characters")
    for code, raw, normalise in (
        ("invalid_phone", data.phone, normalise_phone),
        ("invalid_email", data.email, normalise_email),
    ):
        try:
            if raw.strip():
                normalise(raw)
        except DomainError:
            problems.append(code)
    if contact_required and not data.phone.strip() and not data.email.strip():
        problems.append("contact_required")
    return problems


def _clean(data: ParticipantData, contact_required: bool = True) -> ParticipantData:
    """Tidied details. Whoever registers themselves gives a mobile or an e-mail (their link
    and the duplicate check depend on it); an organiser may add an official with neither."""
    if problems := participant_problems(data, contact_required):
        raise DomainError(problems[0])
    name = " ".join(data.full_name.split())
    phone = normalise_phone(data.phone) if data.phone.strip() else None
    email = normalise_email(data.email) if data.email.strip() else None
    return ParticipantData(
        full_name=name,
        organisation=" ".join(data.organisation.split()),
        position=" ".join(data.position.split()),
        phone=phone or "",
        email=email or "",
    )


def _same_person(
    event: Event, data: ParticipantData, except_id: int | None = None
) -> list[Registration]:
    matches = []  # nobody else has "no mobile and no e-mail"
    if data.phone:
        matches.append(Registration.phone == data.phone)
    if data.email:
        matches.append(Registration.email == data.email)
    if not matches:
        return []
    query = sa.select(Registration).where(Registration.event_id == event.id, sa.or_(*matches))
    if except_id is not None:
        query = query.where(Registration.id != except_id)
    return list(db.session.scalars(query.order_by(Registration.id)))


def _seats_and_same_person(
    connection: sa.Connection, event: Event, data: ParticipantData
) -> tuple[int, list[Registration]]:
    """Seats taken, and the registrations of this person: one cheap query when, as usual,
    nobody matches."""
    rows = connection.execute(
        seats.SEATS_AND_SAME_PERSON,
        {"event_id": event.id, "phone": data.phone or None, "email": data.email or None},
    ).all()
    taken = next(row.taken for row in rows if row.id is None)
    ids = sorted(row.id for row in rows if row.id is not None)
    return taken, [db.session.get(Registration, id_) for id_ in ids]


def _insert(connection: sa.Connection, registration: Registration) -> None:
    """INSERT the new row directly, then let the session hold it as if it had loaded it."""
    values = {column.key: seats.column_value(registration, column) for column in _registrations.c}
    del values["id"]
    registration.id = connection.execute(_INSERT, values).inserted_primary_key[0]
    so.make_transient_to_detached(registration)
    db.session.add(registration)


def register(
    event: Event,
    data: ParticipantData,
    *,
    answers: dict[int, object] | None = None,
    by_organiser: bool = False,
    represents_name: str | None = None,
    questions: list | None = None,
    contact_required: bool = True,
    invitee: bool = False,
    waitlist: bool = True,
) -> Registration:
    """Give the person a seat, or a place on the waiting list, or refuse.

    An invitee may take a seat kept for invitees; waitlist=False refuses rather than waits
    (someone at the door). Raises DomainError("already_registered", registration=...) when
    the mobile or e-mail is already registered for this event; the caller decides what to
    reveal.
    """
    if not by_organiser:
        state = registration_state(event)
        if state != "open":
            raise DomainError(f"registration_{state}")
    data = _clean(data, contact_required)
    if questions is None:
        questions = questions_of(event)
    cleaned_answers = clean_answers(questions, answers or {}, require=not by_organiser)
    now = utcnow()
    new = Registration(
        event_id=event.id,
        link_token=new_link_token(),
        checkin_code=new_checkin_code(),
        created_at=now,
        status_changed_at=now,
        represents_name=represents_name,
        role=BadgeRole.PARTICIPANT.value,
    )
    _apply(new, data)
    # The session's connection, in its transaction: the ORM has nothing to add to these.
    connection = db.session.connection()
    if seats.release_due(event):
        seats.fill_free_seats(event)  # the reserved seats' release date has just passed
    if seats.insert_if_free(connection, event, new, invitee, waitlist):
        save_answers(new, cleaned_answers)
        return new
    seats.lock(event, connection)
    taken, same = _seats_and_same_person(connection, event, data)
    if any(r.is_active for r in same) or len(same) > 1:
        first = next((r for r in same if r.is_active), same[0])
        raise DomainError("already_registered", registration=first)
    status = seats.status_for_new_seat(event, invitee=invitee, taken=taken)
    if status != RegistrationStatus.CONFIRMED and not waitlist:
        raise DomainError("event_full")
    if same:
        _release_contact(same[0])
    new.status = status
    _insert(connection, new)
    save_answers(new, cleaned_answers)
    return new


def _release_contact(cancelled: Registration) -> None:
    """A cancelled registration gives up its mobile and e-mail to a new one.

    Whoever holds that mobile now may not be who cancelled: they get a registration, link
    and badge of their own, and the cancelled one stays on record (its answers, any
    check-in) without contact details to reach anyone by.
    """
    cancelled.phone = None
    cancelled.email = None
    db.session.flush()


def _apply(registration: Registration, data: ParticipantData) -> None:
    registration.full_name = data.full_name
    registration.organisation = data.organisation
    registration.position = data.position
    registration.phone = data.phone or None
    registration.email = data.email or None


def update_details(
    registration: Registration, data: ParticipantData, contact_required: bool = True
) -> Registration:
    """Correct a registration; the new mobile or e-mail must not belong to someone else."""
    event = db.session.get(Event, registration.event_id)
    data = _clean(data, contact_required)
    if _same_person(event, data, except_id=registration.id):
        raise DomainError("contact_taken")
    _apply(registration, data)
    db.session.flush()
    return registration


def correct_own_details(registration: Registration, data: ParticipantData) -> bool:
    """A participant corrects their own details through their personal link.

    A mobile or e-mail that another registration of the event holds stays as it was, and
    the participant is answered exactly as when it is free: their form must not tell
    whether someone else's contact is registered. True when the mobile or e-mail was
    asked to change (whether or not it could), so the page can say what may have stayed.
    """
    event = db.session.get(Event, registration.event_id)
    data = _clean(data)
    asked = False
    for field in ("phone", "email"):
        current = getattr(registration, field) or ""
        wanted = getattr(data, field)
        if wanted == current:
            continue
        asked = True
        if wanted and _same_person(
            event, ParticipantData("", **{field: wanted}), except_id=registration.id
        ):
            setattr(data, field, current)
    _apply(registration, data)
    db.session.flush()
    return asked


def cancel(registration: Registration) -> list[Registration]:
    """Cancel; the freed seat goes to the first in line (seats.fill_free_seats), who is told.
    Returns who moved up."""
    event = db.session.get(Event, registration.event_id)
    seats.lock(event)
    db.session.refresh(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        return []
    registration.status = RegistrationStatus.CANCELLED
    registration.status_changed_at = utcnow()
    db.session.flush()
    return seats.fill_free_seats(event)


def restore(registration: Registration) -> Registration:
    """Undo a cancellation: a seat if one is free, else the waiting list (or refuse)."""
    event = db.session.get(Event, registration.event_id)
    seats.lock(event)
    db.session.refresh(registration)
    if registration.status != RegistrationStatus.CANCELLED:
        return registration
    registration.status = seats.status_for_new_seat(event, invitee=seats.is_invitee(registration))
    registration.status_changed_at = utcnow()
    db.session.flush()
    return registration


def by_link_token(token: str) -> Registration:
    query = sa.select(Registration).where(Registration.link_token == token)
    registration = db.session.scalar(query)
    if registration is None:
        raise NotFound()
    return registration


def public_event(slug: str) -> Event:
    """An event the public may see: it exists and is not archived."""
    event = db.session.scalar(_EVENT_BY_SLUG, {"slug": slug})
    if event is None or event.is_archived:
        raise NotFound()
    return event


def load_agenda(event: Event) -> None:
    """The event's agenda and its speakers in a few queries, for a page that lists both."""
    db.session.scalars(
        sa.select(Event)
        .where(Event.id == event.id)
        .options(
            so.defer(Event.logo), so.selectinload(Event.agenda).selectinload(AgendaItem.speakers)
        )
    ).one()


def public_event_by_id(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or event.is_archived:
        raise NotFound()
    return event


# Each order ends with the id, so that a page is stable; each is an index's order
# (Registration.__table_args__), read a page at a time instead of sorting the whole event.
SORT_ORDERS = {
    "name": (Registration.sort_name, Registration.id),
    "organisation": (
        sa.func.lower(Registration.organisation),
        Registration.sort_name,
        Registration.id,
    ),
    "newest": (Registration.created_at.desc(), Registration.id.desc()),
    "oldest": (Registration.created_at, Registration.id),
}


def participant_query(
    event: Event,
    text: str = "",
    status: str = "",
    sort: str = "name",
    invited: str = "",
    present: str = "",
    whole_phone_only: bool = False,
) -> sa.Select:
    """The organiser's participant list as a query: filtered and sorted.

    whole_phone_only: for door roles, who may find a person by their whole mobile number but
    never by a part of one (else a digit at a time spells out anyone's number)."""
    query = sa.select(Registration).where(Registration.event_id == event.id)
    if present in ("yes", "no"):
        came = Registration.id.in_(who_came(event.id).with_only_columns(Checkin.registration_id))
        query = query.where(came if present == "yes" else ~came)
    if status in set(RegistrationStatus):
        query = query.where(Registration.status == status)
    if invited in ("yes", "no"):
        from_invitation = sa.exists().where(Invitation.registration_id == Registration.id)
        query = query.where(from_invitation if invited == "yes" else ~from_invitation)
    text = text.strip()
    if text:
        like = f"%{text.lower()}%"
        digits = "".join(ch for ch in text if ch.isdigit())
        conditions = [
            sa.func.lower(Registration.full_name).like(like),
            sa.func.lower(Registration.organisation).like(like),
        ]
        if whole_phone_only:
            if whole := _whole_phone(text):
                conditions.append(Registration.phone == whole)
        elif len(digits) >= 3:
            # 0812... and +62812... both find +62812...
            conditions.append(Registration.phone.like(f"%{digits.lstrip('0')}%"))
        query = query.where(sa.or_(*conditions))
    return query.order_by(*SORT_ORDERS.get(sort, SORT_ORDERS["name"]))


def _whole_phone(text: str) -> str | None:
    """The mobile number this text is, whole (E.164); None if it is not one."""
    try:
        return normalise_phone(text)
    except DomainError:
        return None


# Far past any list's last page (50 a page), and small enough for any database's OFFSET.
MAX_PAGE = 1_000_000


def search(event: Event, page: int = 1, per_page: int = 50, **filters):
    """One page of the participant list; a page past the last is empty (the view sends
    its reader to the last one), however far past."""
    page = min(max(page, 1), MAX_PAGE)
    query = participant_query(event, **filters)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def participant_of(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound()
    return registration


def set_government_details(registration: Registration, nip: str, gender: str, origin: str) -> None:
    """NIP, L/P and asal, for the optional columns of a government meeting's daftar hadir."""
    registration.nip = " ".join((nip or "").split())[:32]
    registration.gender = gender if gender in set(Gender) else ""
    registration.origin = origin if origin in set(Origin) else ""


def set_role(registration: Registration, role: str) -> None:
    """The ribbon printed on the badge: participant, speaker, committee or invited guest."""
    if role not in set(BadgeRole):
        raise DomainError("invalid_role")
    registration.role = role
