"""Who came in, through which door, on which list."""

import enum
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from coordination.enums import LabelledEnum
from coordination.events.models import Event
from coordination.extensions import UTCDateTime, db, utcnow
from coordination.registration.models import Registration, RegistrationStatus


class CheckinSource(LabelledEnum):
    SCAN = "scan", _l("scan")  # camera or hardware scanner
    MANUAL = "manual", _l("by name")  # found by name at the door
    WALK_IN = "walk_in", _l("walk-in")  # registered on the spot
    PAPER = "paper", _l("paper sheet")  # marked from a signed paper sign sheet


class QuorumRule(enum.StrEnum):
    NONE = "none"
    INVITED_ORGANISATIONS = "invited_organisations"  # half plus one of invited organisations
    INVITED_PEOPLE = "invited_people"  # half plus one of invited people
    REGISTERED = "registered"  # half plus one of confirmed registrations


class CheckinList(db.Model):
    """A list the door checks people into: the whole event, or one session or day."""

    __tablename__ = "checkin_lists"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    is_default: so.Mapped[bool] = so.mapped_column(default=False)
    opens_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    closes_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    __table_args__ = (
        # One default list per event.
        sa.Index(
            "uq_checkin_lists_default",
            "event_id",
            unique=True,
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        ),
    )


# A door link locks after this many wrong PINs in a row, so guessing a six-digit PIN is pointless.
MAX_FAILED_PINS = 10
# A door stays open a little after the programme ends, for late sign-outs and stragglers.
GRACE_AFTER_EVENT = timedelta(hours=2)


def new_door_token() -> str:
    return secrets.token_urlsafe(24)


class DoorLink(db.Model):
    """A named door device for a volunteer without an account: a link plus a short PIN."""

    __tablename__ = "door_links"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(60))
    token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True, default=new_door_token)
    pin_hash: so.Mapped[str] = so.mapped_column(sa.String(200))
    failed_attempts: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Who made it: taking them off the event's team revokes it (events.services.remove_member).
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # Read with the link: its validity follows the event's end as it is now, not as it was
    # when the link was made (an end moved earlier shuts the door earlier).
    event_ends_at: so.Mapped[datetime] = so.column_property(
        sa.select(Event.ends_at).where(Event.id == event_id).scalar_subquery()
    )

    @property
    def expires_at(self) -> datetime:
        return self.event_ends_at + GRACE_AFTER_EVENT

    def usable(self, now: datetime | None = None) -> bool:
        return link_usable(self, now)

    @property
    def locked(self) -> bool:
        """Locked by too many wrong PINs: only a new link opens this door again."""
        return self.failed_attempts >= MAX_FAILED_PINS


def link_usable(link, now: datetime | None = None) -> bool:
    """For a DoorLink or a row with its revoked_at, failed_attempts and event_ends_at."""
    now = now or utcnow()
    return (
        link.revoked_at is None
        and now < link.event_ends_at + GRACE_AFTER_EVENT
        and link.failed_attempts < MAX_FAILED_PINS
    )


class Checkin(db.Model):
    """One person present on one list; the unique pair makes a second check-in impossible."""

    __tablename__ = "checkins"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    list_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("checkin_lists.id", ondelete="CASCADE")
    )
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    # When the person came in: for an offline scan, the time on the door's phone.
    checked_in_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    recorded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    source: so.Mapped[str] = so.mapped_column(sa.String(16), default=CheckinSource.SCAN)
    offline: so.Mapped[bool] = so.mapped_column(default=False)
    door_link_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("door_links.id", ondelete="SET NULL")
    )
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # Kept as text so the record still says who let someone in after a link is deleted.
    door_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    # Chosen by the door phone for each scan, so a scan sent twice is recognised.
    nonce: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    representative_name: so.Mapped[str | None] = so.mapped_column(sa.String(120))

    registration: so.Mapped[Registration] = so.relationship()

    __table_args__ = (
        sa.UniqueConstraint("list_id", "registration_id"),
        sa.UniqueConstraint("list_id", "nonce"),
        sa.CheckConstraint("source in ('scan', 'manual', 'walk_in', 'paper')", name="source"),
    )


def who_came(event_id) -> sa.Select:
    """Who came: each confirmed registration of the event checked in on its main list, with
    that check-in. The one definition every page, document, count and API answer uses
    (session lists have their own check-ins and do not count here)."""
    return (
        sa.select(Checkin)
        .join(CheckinList, CheckinList.id == Checkin.list_id)
        .join(Registration, Registration.id == Checkin.registration_id)
        .where(
            CheckinList.event_id == event_id,
            CheckinList.is_default.is_(True),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )


def came_count(event_id: int) -> int:
    """How many came (who_came)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(who_came(event_id).subquery()))


def came(event_id) -> type[Checkin]:
    """who_came as an entity to join: outerjoin(came, came.registration_id == Registration.id)."""
    return so.aliased(Checkin, who_came(event_id).subquery("came"))


class CheckinLogEntry(db.Model):
    """The door's audit log: every check-in and every undo, never edited."""

    __tablename__ = "checkin_log"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    list_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("checkin_lists.id", ondelete="SET NULL")
    )
    registration_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL")
    )
    action: so.Mapped[str] = so.mapped_column(sa.String(16))  # check_in, undo
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    checked_in_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    actor: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    source: so.Mapped[str] = so.mapped_column(sa.String(16), default="")
    representative_name: so.Mapped[str | None] = so.mapped_column(sa.String(120))


class RetiredCode(db.Model):
    """A badge code replaced by a re-issue: scanning it says so instead of "unknown"."""

    __tablename__ = "retired_codes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    retired_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
