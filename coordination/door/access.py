"""Door access: staff accounts with a door role, or a named door link opened with a PIN.

A door link is for a volunteer without an account: "Pintu Utara", a six-digit PIN shown
once to the organiser, valid until the event ends (as it is now, not when the link was made),
revocable, and locked after ten wrong
PINs so guessing is pointless.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db, utcnow

from .models import GRACE_AFTER_EVENT, MAX_FAILED_PINS, DoorLink, OfflineUnknownRule, link_usable

PIN_LENGTH = 6
# How early the door may reasonably open: registration desks open well before the start.
DOOR_OPENS_BEFORE = timedelta(hours=12)


def door_window(event) -> tuple[datetime, datetime]:
    """When people come to this event's door. Outside it, a door page is more likely the
    wrong event (last month's, or a copy) than an early arrival."""
    return event.starts_at - DOOR_OPENS_BEFORE, event.ends_at + GRACE_AFTER_EVENT


def door_is_due(event, now=None) -> bool:
    opens, closes = door_window(event)
    return opens <= (now or utcnow()) <= closes


def create_link(event: Event, name: str, created_by_id: int | None = None) -> tuple[DoorLink, str]:
    """A new door link and its PIN; the PIN is never stored in clear and never shown again."""
    name = " ".join(name.split())
    if not name:
        raise DomainError("name_required")
    if utcnow() >= event.ends_at + GRACE_AFTER_EVENT:
        raise DomainError("event_over")
    pin = "".join(secrets.choice("0123456789") for _ in range(PIN_LENGTH))
    link = DoorLink(
        event_id=event.id,
        name=name[:60],
        pin_hash=generate_password_hash(pin, method="scrypt"),
        created_by_id=created_by_id,
    )
    db.session.add(link)
    db.session.flush()
    return link, pin


def set_offline_rule(event: Event, rule: str) -> None:
    """What doors without network do with a code their copy does not know."""
    if rule not in set(OfflineUnknownRule):
        raise DomainError("unknown_rule")
    event.offline_unknown_rule = rule
    db.session.flush()


def links_of(event: Event) -> list[DoorLink]:
    return list(
        db.session.scalars(
            sa.select(DoorLink).where(DoorLink.event_id == event.id).order_by(DoorLink.id)
        )
    )


def link_of(event: Event, link_id: int) -> DoorLink:
    link = db.session.get(DoorLink, link_id)
    if link is None or link.event_id != event.id:
        raise DomainError("unknown_link")
    return link


def revoke(link: DoorLink) -> None:
    link.revoked_at = link.revoked_at or utcnow()
    db.session.flush()


@dataclass(frozen=True)
class EventAtDoor:
    """What a scan needs of its event; loading the whole Event would cost more than the scan."""

    id: int
    slug: str
    timezone: str


_events = Event.__table__
_links = DoorLink.__table__
# Built once: SQLAlchemy then compiles it once, and every scan runs it (or a wider form of
# it, services.phone_scan).
PHONE_AT_DOOR = (
    sa.select(
        _events.c.id,
        _events.c.slug,
        _events.c.timezone,
        _links.c.name,
        _links.c.revoked_at,
        _links.c.failed_attempts,
        _events.c.ends_at.label("event_ends_at"),
    )
    .join_from(_events, _links, _links.c.event_id == _events.c.id)
    .where(_events.c.slug == sa.bindparam("slug"), _links.c.id == sa.bindparam("link_id"))
)


def phone_at_door(
    slug: str, link_id: int, allow_ended: bool = False, connection: sa.Connection | None = None
):
    """(EventAtDoor, link name, valid_until) for a door phone's link on this event, or None."""
    found = (connection or db.session).execute(PHONE_AT_DOOR, {"slug": slug, "link_id": link_id})
    row = found.first()
    return None if row is None else door_of(row, allow_ended)


def door_of(row, allow_ended: bool = False):
    """(EventAtDoor, link name, valid_until) from a PHONE_AT_DOOR row; None if it is shut.

    valid_until is None for a usable link; for a revoked or expired one (when allow_ended)
    it is when the link ended, so that only scans made before then count.
    """
    event = EventAtDoor(row.id, row.slug, row.timezone)
    if link_usable(row):
        return event, row.name, None
    if allow_ended and row.failed_attempts < MAX_FAILED_PINS:
        expires_at = row.event_ends_at + GRACE_AFTER_EVENT
        return event, row.name, min(filter(None, (row.revoked_at, expires_at)))
    return None


def link_by_token(token: str) -> DoorLink | None:
    return db.session.scalar(sa.select(DoorLink).where(DoorLink.token == token))


def unlock(link: DoorLink, pin: str) -> None:
    """Check the PIN; a wrong one counts towards the lock. Raises DomainError.

    The count is one UPDATE in the database, never read-add-write here: guesses sent at the
    same moment each count, and the right PIN opens nothing once the count reached the lock.
    """
    if not link.usable():
        raise DomainError("link_locked" if link.locked else "link_ended")
    if not check_password_hash(link.pin_hash, (pin or "").strip()):
        failed = db.session.execute(
            sa.update(DoorLink)
            .where(DoorLink.id == link.id)
            .values(failed_attempts=DoorLink.failed_attempts + 1)
            .returning(DoorLink.failed_attempts),
            execution_options={"synchronize_session": False},
        ).scalar_one()
        set_committed_value(link, "failed_attempts", failed)
        raise DomainError("link_locked" if link.locked else "wrong_pin")
    # Reset only while still unlocked: a lock reached meanwhile by other guesses holds.
    reset = db.session.execute(
        sa.update(DoorLink)
        .where(DoorLink.id == link.id, DoorLink.failed_attempts < MAX_FAILED_PINS)
        .values(failed_attempts=0),
        execution_options={"synchronize_session": False},
    )
    if reset.rowcount != 1:
        set_committed_value(link, "failed_attempts", MAX_FAILED_PINS)
        raise DomainError("link_locked")
    set_committed_value(link, "failed_attempts", 0)
