"""Check-in rules: one service decides every scan, from any door, online or offline.

A person is on a list at most once by construction: the insert is conditional on the
unique (list, registration) pair, so of eight doors scanning one badge at the same moment
exactly one wins and seven hear `already_checked_in`. A client nonce makes a retried or
re-uploaded scan answer the same as the first time instead of counting twice.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.registration.models import Registration, RegistrationStatus

from .models import Checkin, CheckinList, CheckinLogEntry, CheckinSource, RetiredCode

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
    default_list(event)
    return list(
        db.session.scalars(
            sa.select(CheckinList)
            .where(CheckinList.event_id == event.id)
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


def list_of(event: Event, list_id: int | None) -> CheckinList:
    if not list_id:
        return default_list(event)
    found = db.session.get(CheckinList, list_id)
    if found is None or found.event_id != event.id:
        raise DomainError("unknown_list")
    return found


def chosen_list(event: Event, raw_id) -> CheckinList:
    """The list a door or a page asked for by id; the event's main list for anything else."""
    try:
        return list_of(event, int(raw_id or 0))
    except (DomainError, ValueError, TypeError):
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


def check_in_code(
    event: Event,
    checkin_list: CheckinList,
    raw_code: str,
    actor: DoorActor,
    *,
    nonce: str | None = None,
    at: datetime | None = None,
    offline: bool = False,
) -> Checkin:
    """A scanned or typed badge code. Raises DomainError with the reason it is refused."""
    code = normalise_code(raw_code)
    person = (
        db.session.scalar(sa.select(Registration).where(Registration.checkin_code == code))
        if code
        else None
    )
    if person is None:
        retired_for = (
            db.session.scalar(
                sa.select(Registration)
                .join(RetiredCode, RetiredCode.registration_id == Registration.id)
                .where(RetiredCode.code == code)
            )
            if code
            else None
        )
        if retired_for is None:
            raise DomainError("unknown_code")
        if retired_for.event_id != event.id:
            raise DomainError("wrong_event")
        raise DomainError("revoked_code", registration=retired_for)
    if person.event_id != event.id:
        # Nothing about a person of another event is told to this door.
        raise DomainError("wrong_event")
    return admit(
        event,
        checkin_list,
        person,
        actor,
        source=CheckinSource.SCAN,
        nonce=nonce,
        at=at,
        offline=offline,
    )


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
) -> Checkin:
    """Put a person of this event on the list, once."""
    if person.event_id != event.id or checkin_list.event_id != event.id:
        raise DomainError("wrong_event")
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
    )
    new_id = db.session.execute(_insert_unless_present(), values).scalar()
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
        raise DomainError("already_checked_in", registration=person, checkin=existing)
    db.session.execute(
        CheckinLogEntry.__table__.insert(),
        dict(
            event_id=event.id,
            list_id=checkin_list.id,
            registration_id=person.id,
            action="check_in",
            at=values["recorded_at"],
            checked_in_at=when,
            actor=actor.name[:120],
            source=str(source),
            representative_name=representative_name,
        ),
    )
    # The door needs the answer, not a reload: a detached copy of what was written.
    return Checkin(id=new_id, registration=person, **values)


_CHECKIN_INSERTS: dict[str, sa.Insert] = {}


def _insert_unless_present() -> sa.Insert:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id, on PostgreSQL and SQLite alike.

    Built once per dialect and given its values at execution, so SQLAlchemy compiles it once.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect not in _CHECKIN_INSERTS:
        _CHECKIN_INSERTS[dialect] = (
            _dialect_insert()(Checkin.__table__)
            .on_conflict_do_nothing()
            .returning(Checkin.__table__.c.id)
        )
    return _CHECKIN_INSERTS[dialect]


def _dialect_insert():
    dialect = db.session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _by_nonce(checkin_list: CheckinList, nonce: str) -> Checkin | None:
    return db.session.scalar(
        sa.select(Checkin).where(Checkin.list_id == checkin_list.id, Checkin.nonce == nonce)
    )


def present_on(checkin_list: CheckinList, person: Registration) -> Checkin | None:
    return db.session.scalar(
        sa.select(Checkin).where(
            Checkin.list_id == checkin_list.id, Checkin.registration_id == person.id
        )
    )


def undo(event: Event, checkin: Checkin, actor: DoorActor) -> None:
    """A mistaken check-in is taken back; the log keeps both."""
    checkin = db.session.get(Checkin, checkin.id)
    checkin_list = db.session.get(CheckinList, checkin.list_id)
    if checkin_list is None or checkin_list.event_id != event.id:
        raise DomainError("wrong_event")
    db.session.add(
        CheckinLogEntry(
            event_id=event.id,
            list_id=checkin.list_id,
            registration_id=checkin.registration_id,
            action="undo",
            checked_in_at=checkin.checked_in_at,
            actor=actor.name[:120],
            source=checkin.source,
            representative_name=checkin.representative_name,
        )
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
    rows = db.session.execute(
        sa.select(CheckinLogEntry, Registration)
        .outerjoin(Registration, Registration.id == CheckinLogEntry.registration_id)
        .where(CheckinLogEntry.event_id == event.id)
        .order_by(CheckinLogEntry.at.desc(), CheckinLogEntry.id.desc())
        .limit(limit)
    )
    return list(rows.tuples())
