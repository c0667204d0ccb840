"""Who came in, through which door, on which list."""

import enum
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
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
    ONLINE = "online", _l("online")  # "Hadir daring" on the personal page (events.online)
    SELF = "self", _l("self check-in")  # the participant's own phone, from the hall QR


# Self and online check-ins keep a placeholder in door_name ("Mandiri", "Daring"): it is
# never shown, these two functions say where a check-in came from instead.
_NOT_A_DOOR = ("self", "online")


def checkin_place(source: str | None, door_name: str | None) -> str:
    """Where a check-in came from, in the viewer's language, as a column or a list shows it:
    the source's label for a self or online check-in, the door's name for a door's."""
    if source in _NOT_A_DOOR:
        label = str(CheckinSource(source).label)
        return label[:1].upper() + label[1:]  # where a door's name would stand: "Daring"
    return door_name or ""


def checked_in_text(source: str | None, door_name: str | None, time: str, already=False) -> str:
    """The sentence saying when and where someone checked in, in the viewer's language:
    "at Pintu Utara" for a door, never "at Mandiri" for a self or online check-in."""
    if source == CheckinSource.SELF:
        if already:
            return _("Already checked in at %(time)s by self check-in", time=time)
        return _("Checked in at %(time)s by self check-in", time=time)
    if source == CheckinSource.ONLINE:
        if already:
            return _("Already checked in online at %(time)s", time=time)
        return _("Checked in online at %(time)s", time=time)
    if already:
        return _("Already checked in at %(time)s at %(door)s", time=time, door=door_name or "")
    return _("Checked in at %(time)s at %(door)s", time=time, door=door_name or "")


class QuorumRule(enum.StrEnum):
    NONE = "none"
    INVITED_ORGANISATIONS = "invited_organisations"  # half plus one of invited organisations
    INVITED_PEOPLE = "invited_people"  # half plus one of invited people
    REGISTERED = "registered"  # half plus one of confirmed registrations


class OfflineUnknownRule(enum.StrEnum):
    """What a door without network does with a code its copy of the list does not know."""

    ADMIT = "admit"  # let the person in; the server checks the scan later
    HOLD = "hold"  # keep the person at the door until the server has checked it

    @property
    def label(self):
        return {
            OfflineUnknownRule.ADMIT: _l("Let in, check when the network is back"),
            OfflineUnknownRule.HOLD: _l("Hold at the door until the network is back"),
        }[self]


class ReviewKind(enum.StrEnum):
    """Why a scan sent from a door after the fact did not become a check-in."""

    DUPLICATE = "duplicate"  # the person was already in: kept, never a second check-in
    UNKNOWN_CODE = "unknown_code"
    WRONG_EVENT = "wrong_event"
    CANCELLED = "cancelled"
    WAITLISTED = "waitlisted"
    REVOKED_CODE = "revoked_code"
    LIST_CLOSED = "list_closed"
    WALK_IN_REFUSED = "walk_in_refused"  # a walk-in typed offline that could not be registered

    @property
    def label(self):
        return {
            ReviewKind.DUPLICATE: _l("Second check-in of someone already in (not counted)"),
            ReviewKind.UNKNOWN_CODE: _l("Unknown code"),
            ReviewKind.WRONG_EVENT: _l("Badge of another event"),
            ReviewKind.CANCELLED: _l("Registration cancelled"),
            ReviewKind.WAITLISTED: _l("On the waiting list"),
            ReviewKind.REVOKED_CODE: _l("Replaced badge"),
            ReviewKind.LIST_CLOSED: _l("List closed at that time"),
            ReviewKind.WALK_IN_REFUSED: _l("Walk-in not checked in"),
        }[self]


class CheckinList(db.Model):
    """A list the door checks people into: the whole event, or one session or day."""

    __tablename__ = "checkin_lists"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    is_default: so.Mapped[bool] = so.mapped_column(default=False)
    # The event's online list: who pressed "Hadir daring"; counts with the main list.
    is_online: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    opens_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    closes_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # "Check-in mandiri": participants check themselves in from the hall QR (selfcheckin).
    self_checkin: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # ...and someone not registered may register there and then, if a seat is free.
    self_walk_in: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    __table_args__ = (
        # One default list per event.
        sa.Index(
            "uq_checkin_lists_default",
            "event_id",
            unique=True,
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        ),
        # One online list per event.
        sa.Index(
            "uq_checkin_lists_online",
            "event_id",
            unique=True,
            sqlite_where=sa.text("is_online"),
            postgresql_where=sa.text("is_online"),
        ),
    )

    @property
    def whole_event(self) -> bool:
        """A check-in here is the person's attendance of the event (see who_came)."""
        return bool(self.is_default or self.is_online)


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
    # On the event's main or online list: someone is there once, in the hall or online,
    # whichever came first (the partial unique index below; see who_came).
    whole_event: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    registration: so.Mapped[Registration] = so.relationship()

    @property
    def place(self) -> str:
        """Where this check-in came from, in the viewer's language (checkin_place)."""
        return checkin_place(self.source, self.door_name)

    def text(self, time: str, already: bool = False) -> str:
        """When and where, as a sentence (checked_in_text)."""
        return checked_in_text(self.source, self.door_name, time, already)

    __table_args__ = (
        sa.UniqueConstraint("list_id", "registration_id"),
        sa.UniqueConstraint("list_id", "nonce"),
        sa.CheckConstraint(
            "source in ('scan', 'manual', 'walk_in', 'paper', 'online', 'self')", name="source"
        ),
        sa.Index(
            "uq_checkins_whole_event",
            "registration_id",
            unique=True,
            sqlite_where=sa.text("whole_event"),
            postgresql_where=sa.text("whole_event"),
        ),
    )


def who_came(event_id) -> sa.Select:
    """Who came: each confirmed registration of the event checked in on its main list or
    online (at most one of them: Checkin.whole_event), with that check-in. The one definition
    every page, document, count and API answer uses (session lists have their own check-ins
    and do not count here)."""
    return (
        sa.select(Checkin)
        .join(CheckinList, CheckinList.id == Checkin.list_id)
        .join(Registration, Registration.id == Checkin.registration_id)
        .where(
            CheckinList.event_id == event_id,
            Checkin.whole_event.is_(True),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )


def present_on_list(checkin_list) -> sa.ColumnElement[bool]:
    """The check-ins that make someone present on this list: on the main list, those of the
    online list too (one per person, see who_came); on any other list, its own."""
    if not (checkin_list.is_default or getattr(checkin_list, "is_online", False)):
        return Checkin.list_id == checkin_list.id
    return Checkin.list_id.in_(
        sa.select(CheckinList.id).where(
            CheckinList.event_id == checkin_list.event_id,
            sa.or_(CheckinList.is_default.is_(True), CheckinList.is_online.is_(True)),
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
    # Made on a door phone without network (checked_in_at) and sent later (at).
    offline: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())


class CheckinReview(db.Model):
    """A scan a door made offline that the server did not count: for the organiser to review.

    A refused code (unknown, cancelled, another event...) or a second door admitting someone
    already in. Never a check-in; the nonce makes a re-sent scan land here once.
    """

    __tablename__ = "checkin_reviews"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    list_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("checkin_lists.id", ondelete="SET NULL")
    )
    # Only a person of this event; nothing is kept of another event's participant.
    registration_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL")
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(24))
    # The walk-in's name, or nothing: a scanned code is a secret and is not kept.
    detail: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    scanned_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    received_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    door_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    door_link_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("door_links.id", ondelete="SET NULL")
    )
    nonce: so.Mapped[str] = so.mapped_column(sa.String(64))

    registration: so.Mapped[Registration | None] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("event_id", "nonce"),)


class RetiredCode(db.Model):
    """A badge code replaced by a re-issue: scanning it says so instead of "unknown"."""

    __tablename__ = "retired_codes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    retired_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
