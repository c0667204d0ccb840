"""Registration rules: who gets a seat, who waits, and who moves up.

Capacity holds by construction: every change that can take or free a seat first bumps the
event's seats_version. On PostgreSQL that UPDATE locks the event row; on SQLite it is the
transaction's first statement, so the write lock is taken before anything is counted. Either
way the count-then-insert below runs for one registration of that event at a time.

A new registration, the burst path when the link goes out, first tries one conditional
INSERT: the row goes in only if nobody has this mobile or e-mail and a seat or the waiting
list is free, with its status decided by the count in the same statement. On SQLite that
statement takes the write lock before it counts; PostgreSQL locks the event row first as
above. Anything else (a duplicate, someone coming back, a full event) takes the general
path. Statements are built once at import: building and keying one, or the unit of work's
flush, costs more than SQLite running it, and everything between the first write and the
commit holds every other registrant up."""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import phonenumbers
import sqlalchemy as sa
import sqlalchemy.orm as so
from werkzeug.exceptions import NotFound

from coordination.auth.services import normalise_email
from coordination.errors import DomainError
from coordination.events.models import AgendaItem, Event
from coordination.extensions import db, utcnow

from .models import (
    BadgeRole,
    Invitation,
    Registration,
    RegistrationStatus,
    new_checkin_code,
    new_link_token,
)
from .questions import clean_answers, questions_of, save_answers

_events = Event.__table__
_registrations = Registration.__table__
_BUMP_SEATS = (
    sa.update(_events)
    .where(_events.c.id == sa.bindparam("event_id"))
    .values(seats_version=_events.c.seats_version + 1)
)
_COUNT = sa.select(sa.func.count(_registrations.c.id)).where(
    _registrations.c.event_id == sa.bindparam("event_id"),
    _registrations.c.status == sa.bindparam("status"),
)
# Under the seat lock, in one round trip: the seats taken (first row, id NULL), then the
# registrations with this mobile or e-mail. A missing one is bound as NULL, equal to nothing.
_SEATS_AND_SAME_PERSON = sa.union_all(
    sa.select(sa.null().label("id"), sa.func.count().label("taken")).where(
        _registrations.c.event_id == sa.bindparam("event_id"),
        _registrations.c.status == RegistrationStatus.CONFIRMED.value,
    ),
    sa.select(_registrations.c.id, sa.literal(0)).where(
        _registrations.c.event_id == sa.bindparam("event_id"),
        sa.or_(
            _registrations.c.phone == sa.bindparam("phone"),
            _registrations.c.email == sa.bindparam("email"),
        ),
    ),
)
_INSERT = _registrations.insert()


def _param(column: sa.Column) -> sa.BindParameter:
    # Typed, not CAST: SQLite would read CAST(... AS DATETIME) as a number.
    return sa.bindparam(column.key, type_=column.type)


_taken = (
    sa.select(sa.func.count())
    .where(
        _registrations.c.event_id == sa.bindparam("event_id"),
        _registrations.c.status == RegistrationStatus.CONFIRMED.value,
    )
    .scalar_subquery()
)
_capacity = sa.bindparam("capacity", type_=sa.Integer)
_NEW_COLUMNS = [c for c in _registrations.c if c.key not in ("id", "status")]
_INSERT_IF_FREE = (
    sa.insert(_registrations)
    .from_select(
        [*_NEW_COLUMNS, _registrations.c.status],
        sa.select(
            *[_param(c) for c in _NEW_COLUMNS],
            sa.case(
                (_taken < _capacity, RegistrationStatus.CONFIRMED.value),
                else_=RegistrationStatus.WAITING.value,
            ),
        ).where(
            ~sa.exists().where(
                _registrations.c.event_id == sa.bindparam("event_id"),
                sa.or_(
                    _registrations.c.phone == sa.bindparam("phone"),
                    _registrations.c.email == sa.bindparam("email"),
                ),
            ),
            sa.or_(sa.bindparam("waitlist", type_=sa.Boolean), _taken < _capacity),
        ),
    )
    .returning(_registrations.c.id, _registrations.c.status)
)
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
    closes = event.registration_closes_at or event.starts_at
    return "closed" if now >= closes else "open"


def _lock_seats(event: Event) -> None:
    db.session.execute(_BUMP_SEATS, {"event_id": event.id})


def _count(event: Event, status: str) -> int:
    return db.session.scalar(_COUNT, {"event_id": event.id, "status": status})


def participant_problems(data: ParticipantData, contact_required: bool = True) -> list[str]:
    """Every rule the details break, so that a form marks them all in one go."""
    problems = [] if data.full_name.split() else ["name_required"]
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
        _SEATS_AND_SAME_PERSON,
        {"event_id": event.id, "phone": data.phone or None, "email": data.email or None},
    ).all()
    taken = next(row.taken for row in rows if row.id is None)
    ids = sorted(row.id for row in rows if row.id is not None)
    return taken, [db.session.get(Registration, id_) for id_ in ids]


def _insert(connection: sa.Connection, registration: Registration) -> None:
    """INSERT the new row directly, then let the session hold it as if it had loaded it."""
    values = {column.key: getattr(registration, column.key) for column in _registrations.c}
    del values["id"]
    registration.id = connection.execute(_INSERT, values).inserted_primary_key[0]
    so.make_transient_to_detached(registration)
    db.session.add(registration)


def _insert_if_free(connection: sa.Connection, event: Event, registration: Registration) -> bool:
    """The common case in one statement; False, and nothing written, when it is not."""
    if connection.dialect.name != "sqlite":
        connection.execute(_BUMP_SEATS, {"event_id": event.id})  # _lock_seats
    values = {column.key: getattr(registration, column.key) for column in _NEW_COLUMNS}
    values.update(capacity=event.capacity, waitlist=event.waitlist_enabled)
    row = connection.execute(_INSERT_IF_FREE, values).first()
    if row is None:
        return False
    registration.id, registration.status = row.id, row.status
    so.make_transient_to_detached(registration)
    db.session.add(registration)
    return True


def _status_for_new_seat(event: Event, taken: int | None = None) -> str:
    if taken is None:
        taken = _count(event, RegistrationStatus.CONFIRMED)
    if taken < event.capacity:
        return RegistrationStatus.CONFIRMED
    if event.waitlist_enabled:
        return RegistrationStatus.WAITING
    raise DomainError("event_full")


def register(
    event: Event,
    data: ParticipantData,
    *,
    answers: dict[int, object] | None = None,
    by_organiser: bool = False,
    represents_name: str | None = None,
    questions: list | None = None,
    contact_required: bool = True,
) -> Registration:
    """Give the person a seat, or a place on the waiting list, or refuse.

    Raises DomainError("already_registered", registration=...) when the mobile or e-mail is
    already registered for this event; the caller decides what to reveal.
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
    if _insert_if_free(connection, event, new):
        save_answers(new, cleaned_answers)
        return new
    connection.execute(_BUMP_SEATS, {"event_id": event.id})  # _lock_seats
    taken, same = _seats_and_same_person(connection, event, data)
    if any(r.is_active for r in same) or len(same) > 1:
        first = next((r for r in same if r.is_active), same[0])
        raise DomainError("already_registered", registration=first)
    status = _status_for_new_seat(event, taken)
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


def waiting_position(registration: Registration) -> int | None:
    """1 for the first in line; None when not waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITING,
            sa.tuple_(Registration.status_changed_at, Registration.id)
            < sa.tuple_(registration.status_changed_at, registration.id),
        )
    )
    return ahead + 1


def promote_waiting(event: Event) -> list[Registration]:
    """Fill free seats from the front of the waiting list; return who moved up."""
    free = event.capacity - _count(event, RegistrationStatus.CONFIRMED)
    if free <= 0:
        return []
    promoted = list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.WAITING,
            )
            .order_by(Registration.status_changed_at, Registration.id)
            .limit(free)
        )
    )
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.status_changed_at = utcnow()
    db.session.flush()
    return promoted


def fill_free_seats(event: Event) -> list[Registration]:
    """After the capacity is raised, the waiting list moves up in its order, as it does
    when someone cancels, before any newcomer can take the new seats."""
    _lock_seats(event)
    return promote_waiting(event)


def cancel(registration: Registration) -> list[Registration]:
    """Cancel and hand the seat to the first waiting person; return who was promoted."""
    event = db.session.get(Event, registration.event_id)
    _lock_seats(event)
    db.session.refresh(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        return []
    registration.status = RegistrationStatus.CANCELLED
    registration.status_changed_at = utcnow()
    db.session.flush()
    return promote_waiting(event)


def restore(registration: Registration) -> Registration:
    """Undo a cancellation: a seat if one is free, else the waiting list (or refuse)."""
    event = db.session.get(Event, registration.event_id)
    _lock_seats(event)
    db.session.refresh(registration)
    if registration.status != RegistrationStatus.CANCELLED:
        return registration
    registration.status = _status_for_new_seat(event)
    registration.status_changed_at = utcnow()
    db.session.flush()
    return registration


def confirm_from_waiting_list(registration: Registration) -> Registration:
    """An organiser moves someone off the waiting list, if a seat is free."""
    event = db.session.get(Event, registration.event_id)
    _lock_seats(event)
    db.session.refresh(registration)
    if registration.status != RegistrationStatus.WAITING:
        return registration
    if _count(event, RegistrationStatus.CONFIRMED) >= event.capacity:
        raise DomainError("event_full")
    registration.status = RegistrationStatus.CONFIRMED
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


def seats_taken(event: Event) -> int:
    return _count(event, RegistrationStatus.CONFIRMED)


SORT_ORDERS = {
    "name": (sa.func.lower(Registration.full_name),),
    "organisation": (
        sa.func.lower(Registration.organisation),
        sa.func.lower(Registration.full_name),
    ),
    "newest": (Registration.created_at.desc(),),
    "oldest": (Registration.created_at,),
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
        # Present means checked in on the event's main list (sessions have their own lists).
        from coordination.door.models import Checkin, CheckinList

        came = (
            sa.exists()
            .where(Checkin.registration_id == Registration.id)
            .where(Checkin.list_id == CheckinList.id, CheckinList.is_default.is_(True))
        )
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
    return query.order_by(*SORT_ORDERS.get(sort, SORT_ORDERS["name"]), Registration.id)


def _whole_phone(text: str) -> str | None:
    """The mobile number this text is, whole (E.164); None if it is not one."""
    try:
        return normalise_phone(text)
    except DomainError:
        return None


def search(event: Event, page: int = 1, per_page: int = 50, **filters):
    """One page of the participant list."""
    query = participant_query(event, **filters)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def participant_of(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound()
    return registration


def set_role(registration: Registration, role: str) -> None:
    """The ribbon printed on the badge: participant, speaker, committee or invited guest."""
    if role not in set(BadgeRole):
        raise DomainError("invalid_role")
    registration.role = role
