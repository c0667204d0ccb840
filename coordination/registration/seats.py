"""Seats: how many are taken and left, the seats kept for invitees, and who gets a free one.

Every rule about seats lives here; pages, documents and the API ask this module.

- Confirmed registrations take seats (confirmed_count).
- Kursi undangan: an organiser keeps `reserved_seats` for invitees. Until the release date,
  the seats still held are those not yet taken by invitees, at most one per invitation not yet
  answered (held_for_invitees). Invitees may take any free seat, held ones first; the public
  sees only the seats left after the held ones (seats_left).
- Any seat that frees up (a cancellation, a higher capacity, a declined or withdrawn
  invitation, a reservation released) goes to the first in line through fill_free_seats,
  which also tells them: by e-mail, or, without one, by a notice to the organiser to phone.

Capacity holds by construction: every change that can take or free a seat first bumps the
event's seats_version (lock). On PostgreSQL that UPDATE locks the event row; on SQLite it is
the transaction's first statement, so the write lock is taken before anything is counted.

A new registration, the burst path when the link goes out, first tries one conditional INSERT
(insert_if_free): the row goes in only if nobody has this mobile or e-mail and a seat or the
waiting list is free, with its status decided by the count in the same statement. Statements
are built once at import: building one costs more than SQLite running it.
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import UTCDateTime, db, utcnow

from . import notify
from .models import Invitation, InvitationStatus, Registration, RegistrationStatus

_events = Event.__table__
_registrations = Registration.__table__
_invitations = Invitation.__table__
CONFIRMED = RegistrationStatus.CONFIRMED.value
WAITING = RegistrationStatus.WAITING.value

_BUMP_SEATS = (
    sa.update(_events)
    .where(_events.c.id == sa.bindparam("event_id"))
    .values(seats_version=_events.c.seats_version + 1)
)


def _confirmed_of(event_id) -> sa.ScalarSelect:
    return (
        sa.select(sa.func.count())
        .where(_registrations.c.event_id == event_id, _registrations.c.status == CONFIRMED)
        .scalar_subquery()
    )


_taken = _confirmed_of(sa.bindparam("event_id"))
# Seats held for invitees, as the statement counts them (see held_for_invitees).
_invitees_seated = (
    sa.select(sa.func.count())
    .select_from(
        _invitations.join(_registrations, _registrations.c.id == _invitations.c.registration_id)
    )
    .where(
        _invitations.c.event_id == sa.bindparam("event_id"), _registrations.c.status == CONFIRMED
    )
    .scalar_subquery()
)
_unanswered = (
    sa.select(sa.func.count())
    .where(
        _invitations.c.event_id == sa.bindparam("event_id"),
        _invitations.c.status == InvitationStatus.INVITED.value,
    )
    .scalar_subquery()
)
_still_reserved = sa.bindparam("reserved", type_=sa.Integer) - _invitees_seated
_held = sa.case(
    (_still_reserved <= 0, 0),
    (_unanswered < _still_reserved, _unanswered),
    else_=_still_reserved,
)
_capacity = sa.bindparam("capacity", type_=sa.Integer)

# Under the seat lock, in one round trip: the seats taken (first row, id NULL), then the
# registrations with this mobile or e-mail. A missing one is bound as NULL, equal to nothing.
SEATS_AND_SAME_PERSON = sa.union_all(
    sa.select(sa.null().label("id"), _taken.label("taken")),
    sa.select(_registrations.c.id, sa.literal(0)).where(
        _registrations.c.event_id == sa.bindparam("event_id"),
        sa.or_(
            _registrations.c.phone == sa.bindparam("phone"),
            _registrations.c.email == sa.bindparam("email"),
        ),
    ),
)


def _param(column: sa.Column) -> sa.BindParameter:
    # Typed, not CAST: SQLite would read CAST(... AS DATETIME) as a number.
    return sa.bindparam(column.key, type_=column.type)


_NEW_COLUMNS = [c for c in _registrations.c if c.key not in ("id", "status")]


def column_value(registration: Registration, column: sa.Column):
    """The attribute, or the column's plain default where it is unset (a column a form
    does not ask for): the statement below names every column, so the default is not added."""
    value = getattr(registration, column.key)
    default = column.default
    if value is None and not column.nullable and default is not None and default.is_scalar:
        return default.arg
    return value


def _insert_if_free(free: sa.ColumnElement[bool]) -> sa.Insert:
    """INSERT the new row, confirmed while `free`, else waiting if the list is on, else not."""
    return (
        sa.insert(_registrations)
        .from_select(
            [*_NEW_COLUMNS, _registrations.c.status],
            sa.select(
                *[_param(c) for c in _NEW_COLUMNS],
                sa.case((free, CONFIRMED), else_=WAITING),
            ).where(
                ~sa.exists().where(
                    _registrations.c.event_id == sa.bindparam("event_id"),
                    sa.or_(
                        _registrations.c.phone == sa.bindparam("phone"),
                        _registrations.c.email == sa.bindparam("email"),
                    ),
                ),
                sa.or_(sa.bindparam("waitlist", type_=sa.Boolean), free),
            ),
        )
        .returning(_registrations.c.id, _registrations.c.status)
    )


# Any free seat (an invitee, or an event keeping none); a free seat left after the held ones.
_INSERT_IF_ANY_SEAT = _insert_if_free(_taken < _capacity)
_INSERT_IF_PUBLIC_SEAT = _insert_if_free(_taken + _held < _capacity)


def lock(event: Event, connection: sa.Connection | None = None) -> None:
    """Take the event's seat lock for the rest of the transaction."""
    (connection or db.session).execute(_BUMP_SEATS, {"event_id": event.id})


# --- Counting ------------------------------------------------------------------------------


def confirmed_count(event: Event) -> int:
    """Seats taken: confirmed registrations."""
    return db.session.scalar(sa.select(_confirmed_of(event.id)))


def confirmed_column() -> sa.ScalarSelect:
    """confirmed_count as a column of a query over events (one query for a list of events)."""
    return _confirmed_of(Event.id).correlate(_events)


def reservation_active(event: Event, now: datetime | None = None) -> bool:
    """Seats are kept for invitees: some are reserved and the release date has not come."""
    if not event.reserved_seats:
        return False
    release = event.reservations_release_at
    return release is None or (now or utcnow()) < release


def held_for_invitees(event: Event, now: datetime | None = None) -> int:
    """Reserved seats not yet taken by invitees, at most one per unanswered invitation."""
    if not reservation_active(event, now):
        return 0
    return db.session.scalar(
        sa.select(_held), {"event_id": event.id, "reserved": event.reserved_seats}
    )


def seats_left(event: Event, *, invitee: bool = False, now: datetime | None = None) -> int:
    """Free seats for the public, or (invitee=True) for an invitee, who may take held ones."""
    free = event.capacity - confirmed_count(event)
    if not invitee:
        free -= held_for_invitees(event, now)
    return max(free, 0)


def is_invitee(registration: Registration) -> bool:
    return db.session.scalar(
        sa.select(sa.exists().where(Invitation.registration_id == registration.id))
    )


# --- Taking a seat ---------------------------------------------------------------------------


def insert_if_free(
    connection: sa.Connection,
    event: Event,
    registration: Registration,
    invitee: bool = False,
    waitlist: bool = True,
) -> bool:
    """The common case of a new registration in one statement; False, and nothing written,
    when it is not (a duplicate, someone coming back, a full event without waiting list)."""
    if connection.dialect.name != "sqlite":
        lock(event, connection)
    values = {column.key: column_value(registration, column) for column in _NEW_COLUMNS}
    values.update(capacity=event.capacity, waitlist=event.waitlist_enabled and waitlist)
    statement = _INSERT_IF_ANY_SEAT
    if not invitee and reservation_active(event):
        statement = _INSERT_IF_PUBLIC_SEAT
        values["reserved"] = event.reserved_seats
    row = connection.execute(statement, values).first()
    if row is None:
        return False
    registration.id, registration.status = row.id, row.status
    so.make_transient_to_detached(registration)
    db.session.add(registration)
    return True


def status_for_new_seat(event: Event, *, invitee: bool = False, taken: int | None = None) -> str:
    """Under the lock: confirmed while a seat is free for this person, else waiting (or
    DomainError("event_full") when the event keeps no waiting list)."""
    free = event.capacity - (confirmed_count(event) if taken is None else taken)
    if not invitee:
        free -= held_for_invitees(event)
    if free > 0:
        return RegistrationStatus.CONFIRMED
    if event.waitlist_enabled:
        return RegistrationStatus.WAITING
    raise DomainError("event_full")


def take_seat(registration: Registration) -> Registration:
    """An organiser moves someone off the waiting list now, if a seat is free for them; they
    are told as anyone who moves up is."""
    event = db.session.get(Event, registration.event_id)
    lock(event)
    db.session.refresh(registration)
    if registration.status != RegistrationStatus.WAITING:
        return registration
    if seats_left(event, invitee=is_invitee(registration)) <= 0:
        raise DomainError("event_full")
    _confirm(registration)
    db.session.flush()
    tell_promoted(registration)
    return registration


def _confirm(registration: Registration) -> None:
    registration.status = RegistrationStatus.CONFIRMED
    registration.status_changed_at = utcnow()


# --- Seats that free up ----------------------------------------------------------------------


def release_due(event: Event, now: datetime | None = None) -> bool:
    """The release date has come and the seats still held have not gone to the line yet."""
    now = now or utcnow()
    return bool(
        event.reserved_seats
        and event.reservations_release_at is not None
        and event.reservations_release_at <= now
        and event.reservations_released_at is None
    )


def fill_free_seats(event: Event, now: datetime | None = None) -> list[Registration]:
    """Give every seat that is free to the first in line, and tell each of them.

    The one way a freed seat is handed on, whatever freed it. The waiting list moves up in its
    order; an invitee in the line may also take a seat still held for invitees. Whoever moves
    up is e-mailed, or, with no e-mail, listed for the organiser to phone (calls_due).
    """
    now = now or utcnow()
    lock(event)
    if release_due(event, now):
        event.reservations_released_at = now
    taken = confirmed_count(event)
    held = held_for_invitees(event, now)
    if event.capacity - taken <= 0:
        return []
    line = db.session.execute(
        sa.select(Registration, Invitation.id)
        .outerjoin(Invitation, Invitation.registration_id == Registration.id)
        .where(Registration.event_id == event.id, Registration.status == WAITING)
        .order_by(Registration.status_changed_at, Registration.id)
    ).all()
    promoted = []
    for person, invitation_id in line:
        free = event.capacity - taken - (0 if invitation_id else held)
        if event.capacity - taken <= 0:
            break
        if free <= 0:
            continue  # only held seats are left: kept for an invitee further back
        _confirm(person)
        taken += 1
        promoted.append(person)
        if invitation_id and held:
            db.session.flush()
            held = held_for_invitees(event, now)
    db.session.flush()
    for person in promoted:
        tell_promoted(person, now)
    return promoted


def tell_promoted(person: Registration, now: datetime | None = None) -> None:
    """E-mail someone who moved up; without an e-mail, put them on the organiser's call list."""
    if person.email:
        notify.promoted(person)
    else:
        person.call_needed_at = now or utcnow()


def calls_due(event: Event) -> list[Registration]:
    """Who moved up with no e-mail to tell them: the organiser phones them."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.call_needed_at.is_not(None),
                Registration.status == CONFIRMED,
            )
            .order_by(Registration.call_needed_at, Registration.id)
        )
    )


def mark_called(registration: Registration) -> None:
    registration.call_needed_at = None
    db.session.flush()


def release_reservations(now: datetime | None = None) -> int:
    """Events whose reserved seats' release date has come: their seats go to the line."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Event).where(
            Event.reserved_seats > 0,
            Event.reservations_release_at <= sa.bindparam("now", now, type_=UTCDateTime),
            Event.reservations_released_at.is_(None),
        )
    ).all()
    for event in due:
        fill_free_seats(event, now)
    return len(due)
