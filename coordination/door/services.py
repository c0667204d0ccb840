"""Check-in rules: one service decides every scan, from any door, online or offline.

A person is on a list at most once by construction: the insert is conditional on the
unique (list, registration) pair, so of eight doors scanning one badge at the same moment
exactly one wins and seven hear `already_checked_in`. A client nonce makes a retried or
re-uploaded scan answer the same as the first time instead of counting twice.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects import postgresql, sqlite

from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import UTCDateTime, db, utcnow
from coordination.ids import id_from
from coordination.registration import services as registration
from coordination.registration.models import Registration, RegistrationStatus

from . import access
from .models import (
    Checkin,
    CheckinList,
    CheckinLogEntry,
    CheckinReview,
    CheckinSource,
    RetiredCode,
    ReviewKind,
    who_came,
)

# Scanners and people type codes in odd ways: lower case, spaces, dashes.
NOT_CODE = re.compile(r"[^0-9A-Z]")
MAX_CODE_LENGTH = 64
# An offline phone's clock is trusted for a day back, never for the future.
OFFLINE_HORIZON = timedelta(hours=24)


@dataclass(frozen=True)
class DoorActor:
    """Who let someone in: a staff account or a named door link."""

    name: str
    user_id: int | None = None
    door_link_id: int | None = None
    # Set for a door link that was revoked or ran out: only scans made before then count.
    valid_until: datetime | None = None


def normalise_code(raw: str) -> str:
    return NOT_CODE.sub("", (raw or "")[:MAX_CODE_LENGTH].upper())


def lists_of(event: Event) -> list[CheckinList]:
    """The lists a door may check people into (the online list is the participants' own)."""
    default_list(event)
    return list(
        db.session.scalars(
            sa.select(CheckinList)
            .where(CheckinList.event_id == event.id, CheckinList.is_online.is_(False))
            .order_by(CheckinList.is_default.desc(), CheckinList.opens_at, CheckinList.id)
        )
    )


def default_list(event: Event) -> CheckinList:
    """Every event has one list for the whole event; made on first need."""
    found = db.session.scalar(
        sa.select(CheckinList).where(
            CheckinList.event_id == event.id, CheckinList.is_default.is_(True)
        )
    )
    if found is None:
        # Two doors opening at once both try; the partial unique index lets one win.
        insert = _dialect_insert()(CheckinList).values(event_id=event.id, name="", is_default=True)
        db.session.execute(insert.on_conflict_do_nothing())
        found = db.session.scalar(
            sa.select(CheckinList).where(
                CheckinList.event_id == event.id, CheckinList.is_default.is_(True)
            )
        )
    return found


def online_list(event: Event) -> CheckinList:
    """The list of those who pressed "Hadir daring" (events.online); made on first need."""
    query = sa.select(CheckinList).where(
        CheckinList.event_id == event.id, CheckinList.is_online.is_(True)
    )
    found = db.session.scalar(query)
    if found is None:
        insert = _dialect_insert()(CheckinList).values(
            event_id=event.id, name="Daring", is_default=False, is_online=True
        )
        db.session.execute(insert.on_conflict_do_nothing())
        found = db.session.scalar(query)
    return found


def list_of(event: Event, list_id: int | None) -> CheckinList:
    if not list_id:
        return default_list(event)
    found = db.session.get(CheckinList, list_id)
    if found is None or found.event_id != event.id or found.is_online:
        raise DomainError("unknown_list")
    return found


def chosen_list(event: Event, raw_id) -> CheckinList:
    """The list a door or a page asked for by id; the event's main list for anything else."""
    try:
        return list_of(event, id_from(raw_id))
    except DomainError:
        return default_list(event)


def add_list(
    event: Event, name: str, opens_at: datetime | None, closes_at: datetime | None
) -> CheckinList:
    name = " ".join(name.split())
    if not name:
        raise DomainError("name_required")
    if opens_at and closes_at and closes_at <= opens_at:
        raise DomainError("window_reversed")
    added = CheckinList(event_id=event.id, name=name, opens_at=opens_at, closes_at=closes_at)
    db.session.add(added)
    db.session.flush()
    return added


def remove_list(event: Event, checkin_list: CheckinList) -> None:
    if checkin_list.is_default:
        raise DomainError("default_list")
    if db.session.scalar(sa.select(sa.exists().where(Checkin.list_id == checkin_list.id))):
        raise DomainError("list_in_use")
    db.session.delete(checkin_list)
    db.session.flush()


def moment(at_ms: int | float | None, now: datetime | None = None) -> datetime:
    """The time a scan happened: the door's clock (milliseconds since 1970), within reason."""
    now = now or utcnow()
    if at_ms is None:
        return now
    try:
        when = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=float(at_ms))
    except (OverflowError, ValueError, TypeError):
        return now
    return min(max(when, now - OFFLINE_HORIZON), now)


_registrations = Registration.__table__
_retired = RetiredCode.__table__
_lists = CheckinList.__table__
# The door's reads are Core statements built once: SQLAlchemy compiles each once, and a
# scan, on the hot path of a queue at the door, reads rows instead of loading objects.
_PERSON = sa.select(
    _registrations.c.id,
    _registrations.c.event_id,
    _registrations.c.status,
    _registrations.c.full_name,
    _registrations.c.organisation,
    _registrations.c.role,
)
_PERSON_BY_CODE = _PERSON.where(_registrations.c.checkin_code == sa.bindparam("code"))
_PERSON_BY_RETIRED_CODE = _PERSON.join_from(
    _registrations, _retired, _retired.c.registration_id == _registrations.c.id
).where(_retired.c.code == sa.bindparam("code"))
_LIST = sa.select(
    _lists.c.id,
    _lists.c.event_id,
    _lists.c.name,
    _lists.c.is_default,
    _lists.c.is_online,
    _lists.c.opens_at,
    _lists.c.closes_at,
)
_LIST_BY_ID = _LIST.where(
    _lists.c.id == sa.bindparam("list_id"), _lists.c.event_id == sa.bindparam("event_id")
)
_DEFAULT_LIST = _LIST.where(
    _lists.c.event_id == sa.bindparam("event_id"), _lists.c.is_default.is_(True)
)


class ListAtDoor(NamedTuple):
    id: int
    event_id: int
    name: str
    is_default: bool
    is_online: bool
    opens_at: datetime | None
    closes_at: datetime | None


class PersonAtDoor(NamedTuple):
    id: int
    event_id: int
    status: str
    full_name: str
    organisation: str
    role: str


class PhoneScan(NamedTuple):
    """What a door phone's scan needs: its event, who is at the door, the list, the person."""

    event: access.EventAtDoor
    actor: DoorActor
    checkin_list: ListAtDoor | None  # the list asked for, if it is this event's
    person: PersonAtDoor | None  # whoever holds the code, of any event


# What a scan reads beside its caller: the list and whoever holds the code (see _scanned).
_LIST_AND_PERSON_COLUMNS = (
    *(column.label(f"list_{column.name}") for column in _LIST.selected_columns),
    *(column.label(f"person_{column.name}") for column in _PERSON.selected_columns),
)
_PHONE_SCAN = (
    access.PHONE_AT_DOOR.add_columns(*_LIST_AND_PERSON_COLUMNS)
    .outerjoin_from(
        Event.__table__,
        _lists,
        sa.and_(
            _lists.c.id == sa.bindparam("list_id"),
            _lists.c.event_id == Event.__table__.c.id,
        ),
    )
    .outerjoin_from(
        Event.__table__,
        _registrations,
        _registrations.c.checkin_code == sa.bindparam("code"),
    )
)


def phone_scan(
    slug: str, link_id: int, raw_list_id, raw_code: str, connection, allow_ended: bool = False
) -> PhoneScan | None:
    """A door phone's scan read in one round trip; None if its link does not open this door.

    On PostgreSQL each statement is a round trip, and on either database each costs more
    Python than the query: a scan reads its link, event, list and person together.
    allow_ended: as for permissions.at_door (a revoked link still uploads the scans made before).
    """
    try:
        list_id = int(raw_list_id or 0)
    except (ValueError, TypeError):
        list_id = 0
    params = {
        "slug": slug,
        "link_id": link_id,
        "list_id": list_id,
        "code": normalise_code(raw_code),
    }
    row = connection.execute(_PHONE_SCAN, params).first()
    door = None if row is None else access.door_of(row, allow_ended)
    if door is None:
        return None
    event, name, valid_until = door
    checkin_list, person = _scanned(row)
    return PhoneScan(
        event,
        DoorActor(name=name, door_link_id=link_id, valid_until=valid_until),
        checkin_list,
        person,
    )


@contextmanager
def scan_connection() -> Iterator[sa.Connection]:
    """A connection of its own, in autocommit, for a door's scans.

    A scan writes one row in one statement, committed as it runs. On SQLite, where the doors'
    writes queue one after another, each holds the queue for that statement alone, not for
    the rest of its request (the answer's wording, the JSON, the request log).
    """
    with db.engine.connect() as connection:
        yield connection.execution_options(isolation_level="AUTOCOMMIT")


def list_at_door(event, raw_id, connection: sa.Connection | None = None) -> CheckinList:
    """The list a door asked for by id, else the event's main list: a row, read per scan."""
    read = (connection or db.session).execute
    list_id = id_from(raw_id)
    if list_id:
        row = read(_LIST_BY_ID, {"list_id": list_id, "event_id": event.id}).first()
        if row is not None:
            return row
    row = read(_DEFAULT_LIST, {"event_id": event.id}).first()
    if row is None:
        # The event's first scan makes its main list, on the scan's own connection.
        insert = _dialect_insert()(CheckinList).values(event_id=event.id, name="", is_default=True)
        read(insert.on_conflict_do_nothing())
        row = read(_DEFAULT_LIST, {"event_id": event.id}).first()
    return row


def _scanned(row) -> tuple[ListAtDoor | None, PersonAtDoor | None]:
    """The list and the person of a row read with _LIST_AND_PERSON_COLUMNS, if found."""
    found = row._mapping
    checkin_list = person = None
    if found["list_id"] is not None:
        checkin_list = ListAtDoor(*(found[f"list_{field}"] for field in ListAtDoor._fields))
    if found["person_id"] is not None:
        person = PersonAtDoor(*(found[f"person_{field}"] for field in PersonAtDoor._fields))
    return checkin_list, person


def _list_and_person(list_on) -> sa.Select:
    """The list (joined on `list_on`) and whoever holds the code, for one event."""
    return (
        sa.select(*_LIST_AND_PERSON_COLUMNS)
        .select_from(Event.__table__)
        .outerjoin(_lists, sa.and_(_lists.c.event_id == Event.__table__.c.id, list_on))
        .outerjoin(_registrations, _registrations.c.checkin_code == sa.bindparam("code"))
        .where(Event.__table__.c.id == sa.bindparam("event_id"))
    )


_ASKED_LIST_AND_PERSON = _list_and_person(_lists.c.id == sa.bindparam("list_id"))
_MAIN_LIST_AND_PERSON = _list_and_person(_lists.c.is_default.is_(True))


def list_and_person(
    event, list_id: int | None, raw_code: str, connection: sa.Connection
) -> tuple[ListAtDoor, PersonAtDoor]:
    """The list asked for (else the main list) and person_for_code, in one round trip,
    refusing as list_of and person_for_code do (the list first): an API scan reads its
    list and person together, as a phone's scan does."""
    params = {"event_id": event.id, "list_id": list_id, "code": normalise_code(raw_code)}
    statement = _ASKED_LIST_AND_PERSON if list_id else _MAIN_LIST_AND_PERSON
    row = connection.execute(statement, params).first()  # none if the event just went
    checkin_list, person = _scanned(row) if row is not None else (None, None)
    if list_id and (checkin_list is None or checkin_list.is_online):  # as list_of
        raise DomainError("unknown_list")
    if checkin_list is None:
        checkin_list = list_at_door(event, None, connection)  # the event's first scan
    return checkin_list, person_for_code(event, raw_code, connection, found=person)


def person_for_code(
    event: Event, raw_code: str, connection: sa.Connection | None = None, found=None
):
    """The person a badge code belongs to (a row); DomainError with the reason to refuse.

    found: the person already read with the code (see phone_scan), if any.
    """
    code = normalise_code(raw_code)
    if not code:
        raise DomainError("unknown_code")
    read = (connection or db.session).execute
    person = found or read(_PERSON_BY_CODE, {"code": code}).first()
    if person is None:
        retired_for = read(_PERSON_BY_RETIRED_CODE, {"code": code}).first()
        if retired_for is None:
            raise DomainError("unknown_code")
        if retired_for.event_id != event.id:
            raise DomainError("wrong_event")
        raise DomainError("revoked_code", registration=retired_for)
    if person.event_id != event.id:
        # Nothing about a person of another event is told to this door.
        raise DomainError("wrong_event")
    return person


def check_in_code(
    event: Event,
    checkin_list: CheckinList,
    raw_code: str,
    actor: DoorActor,
    *,
    nonce: str | None = None,
    at: datetime | None = None,
    offline: bool = False,
    connection: sa.Connection | None = None,
) -> Checkin:
    """A scanned or typed badge code. Raises DomainError with the reason it is refused."""
    return admit(
        event,
        checkin_list,
        person_for_code(event, raw_code, connection),
        actor,
        source=CheckinSource.SCAN,
        nonce=nonce,
        at=at,
        offline=offline,
        connection=connection,
    )


def _same_name(one: str, other: str) -> bool:
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def admit(
    event: Event,
    checkin_list: CheckinList,
    person: Registration,
    actor: DoorActor,
    *,
    source: str = CheckinSource.MANUAL,
    nonce: str | None = None,
    at: datetime | None = None,
    offline: bool = False,
    representative_name: str | None = None,
    connection: sa.Connection | None = None,
) -> Checkin:
    """Put a person of this event on the list, once.

    The check-in row is itself the log's record of it (see log_of): one statement writes it,
    so a scan on its own autocommit connection (scan_connection) commits at once.
    """
    if person.event_id != event.id or checkin_list.event_id != event.id:
        raise DomainError("wrong_event")
    if bool(checkin_list.is_online) != (source == CheckinSource.ONLINE):
        # The online list is the participant's own "Hadir daring", never a door's.
        raise DomainError("unknown_list")
    if person.status == RegistrationStatus.CANCELLED:
        raise DomainError("cancelled", registration=person)
    if person.status == RegistrationStatus.WAITING:
        raise DomainError("waitlisted", registration=person)
    when = at or utcnow()
    if (checkin_list.opens_at and when < checkin_list.opens_at) or (
        checkin_list.closes_at and when >= checkin_list.closes_at
    ):
        raise DomainError("list_closed", registration=person, checkin_list=checkin_list)
    representative_name = " ".join((representative_name or "").split())[:120] or None
    on_behalf_of = getattr(person, "represents_name", None)
    if representative_name and on_behalf_of and _same_name(representative_name, on_behalf_of):
        # A representative checked in "represented by" the invitee they came for: that is
        # the invitee's name, already on the registration, not someone in their place.
        representative_name = None
    values = dict(
        list_id=checkin_list.id,
        registration_id=person.id,
        checked_in_at=when,
        recorded_at=utcnow(),
        source=str(source),
        offline=offline,
        door_link_id=actor.door_link_id,
        user_id=actor.user_id,
        door_name=actor.name[:120],
        nonce=nonce or None,
        representative_name=representative_name,
        whole_event=bool(checkin_list.is_default or checkin_list.is_online),
    )
    new_id = (connection or db.session).execute(_INSERT_UNLESS_PRESENT, values).scalar()
    if new_id is None:
        # Either this very scan again (a retry: same nonce), or the person is already in.
        replayed = _by_nonce(checkin_list, nonce) if nonce else None
        if replayed is not None and replayed.registration_id == person.id:
            return replayed
        if replayed is not None:
            # Another person's scan on this list had the same nonce: a faulty phone, not
            # a retry. Decide this scan on its own.
            return admit(
                event,
                checkin_list,
                person,
                actor,
                source=source,
                at=at,
                offline=offline,
                representative_name=representative_name,
            )
        existing = present_on(checkin_list, person)
        if offline and existing is not None and existing.list_id == checkin_list.id:
            return _second_offline_admission(event, person, existing, values, connection)
        raise DomainError("already_checked_in", registration=person, checkin=existing)
    # The door needs the answer, not a reload: a detached copy of what was written.
    return Checkin(id=new_id, **values)


def _second_offline_admission(
    event: Event, person, existing: Checkin, values: dict, connection
) -> Checkin:
    """Two doors let the same person in while offline: one check-in, at the earlier time.

    The later admission is kept for the organiser to see, never counted. If this scan is the
    earlier one, the check-in takes its time and door, and the other becomes the kept one.
    """
    run = (connection or db.session).execute
    if values["checked_in_at"] < existing.checked_in_at:
        moved = run(
            sa.update(Checkin.__table__)
            .where(
                Checkin.__table__.c.id == existing.id,
                Checkin.__table__.c.checked_in_at > values["checked_in_at"],
            )
            .values(**{k: v for k, v in values.items() if k not in ("list_id", "registration_id")})
        )
        if moved.rowcount:
            keep_for_review(
                event,
                ReviewKind.DUPLICATE,
                list_id=existing.list_id,
                registration_id=person.id,
                scanned_at=existing.checked_in_at,
                received_at=existing.recorded_at,
                door_name=existing.door_name,
                door_link_id=existing.door_link_id,
                nonce=existing.nonce or f"checkin-{existing.id}",
                connection=connection,
            )
            return Checkin(id=existing.id, **values)
    keep_for_review(
        event,
        ReviewKind.DUPLICATE,
        list_id=existing.list_id,
        registration_id=person.id,
        scanned_at=values["checked_in_at"],
        door_name=values["door_name"],
        door_link_id=values["door_link_id"],
        nonce=values["nonce"] or f"scan-{values['recorded_at'].timestamp():.6f}",
        connection=connection,
    )
    raise DomainError("already_checked_in", registration=person, checkin=existing)


# Refusals of a scan made offline that the organiser should see (the door saw them late).
REVIEWED_REFUSALS = {
    "unknown_code": ReviewKind.UNKNOWN_CODE,
    "wrong_event": ReviewKind.WRONG_EVENT,
    "cancelled": ReviewKind.CANCELLED,
    "waitlisted": ReviewKind.WAITLISTED,
    "revoked_code": ReviewKind.REVOKED_CODE,
    "list_closed": ReviewKind.LIST_CLOSED,
}


def keep_for_review(
    event,
    kind: ReviewKind,
    *,
    scanned_at: datetime,
    nonce: str,
    door_name: str = "",
    door_link_id: int | None = None,
    list_id: int | None = None,
    registration_id: int | None = None,
    received_at: datetime | None = None,
    detail: str = "",
    connection: sa.Connection | None = None,
) -> None:
    """A scan sent after the fact that is not a check-in; the same nonce is kept once."""
    insert = _dialect_insert()(CheckinReview).values(
        event_id=event.id,
        list_id=list_id,
        registration_id=registration_id,
        kind=str(kind),
        detail=(detail or "")[:120],
        scanned_at=scanned_at,
        received_at=received_at or utcnow(),
        door_name=(door_name or "")[:120],
        door_link_id=door_link_id,
        nonce=nonce[:64],
    )
    (connection or db.session).execute(insert.on_conflict_do_nothing())


def refused_offline(
    event, checkin_list, error: DomainError, actor: DoorActor, nonce: str, at: datetime, conn=None
) -> None:
    """An offline scan the server refuses: listed for the organiser, not dropped."""
    kind = REVIEWED_REFUSALS.get(error.code)
    if kind is None or not nonce:
        return
    person = error.details.get("registration")
    keep_for_review(
        event,
        kind,
        list_id=checkin_list.id,
        # Someone of another event stays unnamed here, as at the door.
        registration_id=person.id if person is not None and kind != "wrong_event" else None,
        scanned_at=at,
        door_name=actor.name,
        door_link_id=actor.door_link_id,
        nonce=nonce,
        connection=conn,
    )


def walk_in_offline(
    event: Event,
    checkin_list,
    data: registration.ParticipantData,
    actor: DoorActor,
    nonce: str,
    at: datetime,
) -> tuple[Registration, Checkin]:
    """A walk-in typed on a door phone without network: registered and let in at its time.

    Sent again (same nonce), it answers as the first time. Someone whose mobile is already
    registered is that registration, let in. Raises DomainError if they cannot be registered.
    """
    replayed = _by_nonce(checkin_list, nonce) if nonce else None
    if replayed is not None:
        return replayed.registration, replayed
    try:
        person = registration.register(event, data, by_organiser=True)
    except DomainError as error:
        if error.code != "already_registered":
            raise
        person = error.details["registration"]
    if person.status != RegistrationStatus.CONFIRMED:
        raise DomainError("event_full", registration=person)
    checkin = admit(
        event,
        checkin_list,
        person,
        actor,
        source=CheckinSource.WALK_IN,
        nonce=nonce,
        at=at,
        offline=True,
    )
    return person, checkin


def reviews_of(event: Event, limit: int = 200) -> list[CheckinReview]:
    """Scans sent after the fact that did not count, newest first, with their person."""
    return list(
        db.session.scalars(
            sa.select(CheckinReview)
            .where(CheckinReview.event_id == event.id)
            .options(so.selectinload(CheckinReview.registration))
            .order_by(CheckinReview.scanned_at.desc(), CheckinReview.id.desc())
            .limit(limit)
        )
    )


def count_reviews(event: Event) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(CheckinReview.id)).where(CheckinReview.event_id == event.id)
    )


_CHECKIN_COLUMNS = (
    "list_id, registration_id, checked_in_at, recorded_at, source, offline, door_link_id, "
    "user_id, door_name, nonce, representative_name, whole_event"
)
# The same words on PostgreSQL and SQLite (3.35+). Written as text because SQLAlchemy does
# not cache the compiled form of its on_conflict_do_nothing() insert, and compiling it on
# every scan cost more than the rest of the scan's SQL together.
_INSERT_UNLESS_PRESENT = (
    sa.text(
        f"INSERT INTO checkins ({_CHECKIN_COLUMNS}) "
        f"VALUES ({', '.join(':' + c for c in _CHECKIN_COLUMNS.split(', '))}) "
        "ON CONFLICT DO NOTHING RETURNING id"
    )
    .bindparams(
        sa.bindparam("checked_in_at", type_=UTCDateTime),
        sa.bindparam("recorded_at", type_=UTCDateTime),
        sa.bindparam("offline", type_=sa.Boolean),
        sa.bindparam("whole_event", type_=sa.Boolean),
    )
    .columns(id=sa.Integer)
)


def _dialect_insert():
    dialect = db.session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _by_nonce(checkin_list: CheckinList, nonce: str) -> Checkin | None:
    return db.session.scalar(
        sa.select(Checkin).where(Checkin.list_id == checkin_list.id, Checkin.nonce == nonce)
    )


def checkins_on(checkin_list: CheckinList, registration_ids: list[int]) -> dict[int, Checkin]:
    """Who of these people is checked in on this list: one query for a page of them."""
    if not registration_ids:
        return {}
    return {
        checkin.registration_id: checkin
        for checkin in db.session.scalars(
            sa.select(Checkin).where(
                Checkin.list_id == checkin_list.id,
                Checkin.registration_id.in_(registration_ids),
            )
        )
    }


def latest_checkins(checkin_list: CheckinList, count: int) -> list[Checkin]:
    """The newest check-ins on this list, with the people they let in (one query)."""
    return list(
        db.session.scalars(
            sa.select(Checkin)
            .where(Checkin.list_id == checkin_list.id)
            .order_by(Checkin.recorded_at.desc(), Checkin.id.desc())
            .limit(count)
            .options(so.joinedload(Checkin.registration))
        )
    )


def present_on(checkin_list: CheckinList, person: Registration) -> Checkin | None:
    """The person's check-in on this list; on the main or online list, the one of either
    (someone is at the event once, in the hall or online)."""
    if checkin_list.is_default or checkin_list.is_online:
        on_list = Checkin.whole_event.is_(True)
    else:
        on_list = Checkin.list_id == checkin_list.id
    return db.session.scalar(
        sa.select(Checkin).where(on_list, Checkin.registration_id == person.id)
    )


def walked_in_at(actor: DoorActor, registration_id: int) -> bool:
    """Whether this door (its link, or its account) registered the person as a walk-in."""
    at_this_door = (
        Checkin.door_link_id == actor.door_link_id
        if actor.door_link_id is not None
        else Checkin.user_id == actor.user_id
    )
    if actor.door_link_id is None and actor.user_id is None:
        return False
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    Checkin.registration_id == registration_id,
                    Checkin.source == CheckinSource.WALK_IN,
                    at_this_door,
                )
            )
        )
    )


def arrivals_of(event: Event, registration_ids: list[int]) -> dict[int, Checkin]:
    """When each of these people came in (who_came): one query for a page."""
    if not registration_ids:
        return {}
    return {
        checkin.registration_id: checkin
        for checkin in db.session.scalars(
            who_came(event.id).where(Checkin.registration_id.in_(registration_ids))
        )
    }


def undo(event: Event, checkin: Checkin, actor: DoorActor) -> None:
    """A mistaken check-in is taken back; the log keeps both.

    Until now the check-in row was its own record in the log; it goes, so its line is
    written to the log first, then the undo.
    """
    checkin = db.session.get(Checkin, checkin.id)
    checkin_list = db.session.get(CheckinList, checkin.list_id)
    if checkin_list is None or checkin_list.event_id != event.id:
        raise DomainError("wrong_event")
    undone = _log_line(event, checkin)
    db.session.add_all(
        [
            undone,
            CheckinLogEntry(
                event_id=event.id,
                list_id=checkin.list_id,
                registration_id=checkin.registration_id,
                action="undo",
                checked_in_at=checkin.checked_in_at,
                actor=actor.name[:120],
                source=checkin.source,
                representative_name=checkin.representative_name,
                offline=checkin.offline,
            ),
        ]
    )
    db.session.delete(checkin)
    db.session.flush()


def checkin_of(event: Event, checkin_id: int) -> Checkin:
    checkin = db.session.get(Checkin, checkin_id)
    if checkin is None or db.session.get(CheckinList, checkin.list_id).event_id != event.id:
        raise DomainError("unknown_checkin")
    return checkin


def mark_present_from_paper(
    event: Event,
    checkin_list: CheckinList,
    registration_ids: list[int],
    actor: DoorActor,
    at: datetime | None = None,
) -> tuple[int, int]:
    """People who signed the paper sheet: (newly marked, already present)."""
    marked = already = 0
    people = db.session.scalars(
        sa.select(Registration).where(
            Registration.event_id == event.id, Registration.id.in_(registration_ids)
        )
    )
    for person in people:
        try:
            admit(event, checkin_list, person, actor, source=CheckinSource.PAPER, at=at)
            marked += 1
        except DomainError as error:
            if error.code != "already_checked_in":
                raise
            already += 1
    return marked, already


def log_of(event: Event, limit: int = 200) -> list[tuple[CheckinLogEntry, Registration | None]]:
    """The door's log, newest first: the check-ins standing, and the log of those undone."""
    standing = db.session.execute(
        sa.select(Checkin, Registration)
        .join(CheckinList, CheckinList.id == Checkin.list_id)
        .join(Registration, Registration.id == Checkin.registration_id)
        .where(CheckinList.event_id == event.id)
        .order_by(Checkin.recorded_at.desc(), Checkin.id.desc())
        .limit(limit)
    )
    logged = db.session.execute(
        sa.select(CheckinLogEntry, Registration)
        .outerjoin(Registration, Registration.id == CheckinLogEntry.registration_id)
        .where(CheckinLogEntry.event_id == event.id)
        .order_by(CheckinLogEntry.at.desc(), CheckinLogEntry.id.desc())
        .limit(limit)
    )
    lines = [(_log_line(event, checkin), person) for checkin, person in standing]
    lines += list(logged.tuples())
    # Undo lines sort after the check-in they take back, which was recorded earlier.
    lines.sort(key=lambda line: (line[0].at, line[0].action == "undo"), reverse=True)
    return lines[:limit]


def _log_line(event: Event, checkin: Checkin) -> CheckinLogEntry:
    """A check-in as a line of the log (not added to the session unless the caller does)."""
    return CheckinLogEntry(
        event_id=event.id,
        list_id=checkin.list_id,
        registration_id=checkin.registration_id,
        action="check_in",
        at=checkin.recorded_at,
        checked_in_at=checkin.checked_in_at,
        actor=checkin.door_name,
        source=checkin.source,
        representative_name=checkin.representative_name,
        offline=checkin.offline,
    )
