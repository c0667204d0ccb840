"""Door access: staff accounts with a door role, or a named door link opened with a PIN.

A door link is for a volunteer without an account: "Pintu Utara", a six-digit PIN shown
once to the organiser, valid until the event ends, revocable, and locked after ten wrong
PINs so guessing is pointless.
"""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db, utcnow

from .models import DoorLink

PIN_LENGTH = 6
MAX_FAILED_PINS = 10
# A door stays open a little after the programme ends, for late sign-outs and stragglers.
GRACE_AFTER_EVENT = timedelta(hours=2)


def create_link(event: Event, name: str) -> tuple[DoorLink, str]:
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
        expires_at=event.ends_at + GRACE_AFTER_EVENT,
    )
    db.session.add(link)
    db.session.flush()
    return link, pin


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


def link_by_token(token: str) -> DoorLink | None:
    return db.session.scalar(sa.select(DoorLink).where(DoorLink.token == token))


def unlock(link: DoorLink, pin: str) -> None:
    """Check the PIN; a wrong one counts towards the lock. Raises DomainError."""
    if not link.usable():
        raise DomainError("link_ended")
    if not check_password_hash(link.pin_hash, (pin or "").strip()):
        link.failed_attempts += 1
        db.session.flush()
        raise DomainError("link_ended" if not link.usable() else "wrong_pin")
    link.failed_attempts = 0
    db.session.flush()
