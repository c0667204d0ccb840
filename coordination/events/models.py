"""Events, who runs them, and their agenda."""

from datetime import datetime
from urllib.parse import urlencode

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from coordination.enums import LabelledEnum
from coordination.extensions import UTCDateTime, db, utcnow
from coordination.letterheads.models import Letterhead, Signer


class EventRole(LabelledEnum):
    ORGANISER = "organiser", _l("Organiser")
    DOOR = "door", _l("Door staff")


class MeetingMode(LabelledEnum):
    """Where people attend: in the hall, online, or both (rapat hybrid)."""

    OFFLINE = "offline", _l("In person (luring)")
    ONLINE = "online", _l("Online (daring)")
    HYBRID = "hybrid", _l("Hybrid: in person and online")


class Event(db.Model):
    __tablename__ = "events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    organising_body: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    venue_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    venue_address: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    # Whom participants call, e.g. "Sekretariat Dekopinda, 0335 123456": shown on public pages.
    contact: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    timezone: so.Mapped[str] = so.mapped_column(sa.String(40), default="Asia/Jakarta")
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    capacity: so.Mapped[int]
    waitlist_enabled: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    # Kursi undangan: seats kept for invitees until reservations_release_at (see
    # coordination.registration.seats); reservations_released_at records that the seats
    # still unclaimed then went to the waiting list.
    reserved_seats: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    reservations_release_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    reservations_released_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Bumped by every registration change: the row lock that keeps capacity exact.
    seats_version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    registration_opens_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    registration_closes_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    archived_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    badge_colour: so.Mapped[str] = so.mapped_column(
        sa.String(7), default="#0f5e4f", server_default="#0f5e4f"
    )
    # A small image printed on badges; kept in the database so every app server has it.
    logo: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary)
    logo_mime: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    # When the meeting may decide: see coordination.door.models.QuorumRule.
    quorum_rule: so.Mapped[str] = so.mapped_column(
        sa.String(24), default="none", server_default="none"
    )
    # A code a door's offline copy does not know: see coordination.door.models.OfflineUnknownRule.
    offline_unknown_rule: so.Mapped[str] = so.mapped_column(
        sa.String(8), default="admit", server_default="admit"
    )
    # Ask each participant for a digital signature at check-in (coordination.selfcheckin).
    signature_required: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # The kop of every document, and who signs them (the daftar hadir's "Mengetahui", the
    # certificates, the invitation letter): see coordination.letterheads.
    letterhead_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("letterheads.id", ondelete="SET NULL"), index=True
    )
    signer_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("signers.id", ondelete="SET NULL")
    )
    # Certificates: their number, e.g. "{seq:03}/SERT/DEKOPINDA/{roman_month}/{year}", and
    # whether they carry the signer's scanned signature and stamp.
    certificate_format: so.Mapped[str] = so.mapped_column(
        sa.String(120), default="", server_default=""
    )
    certificate_signature: so.Mapped[bool] = so.mapped_column(
        default=False, server_default=sa.false()
    )
    certificate_stamp: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # Hybrid meetings (coordination.events.online): where people attend, the meeting link
    # (Zoom, Meet, YouTube) and the materials (paparan: [{"title": ..., "url": ...}]), shown to
    # confirmed participants from online_opens_minutes before the start until the end.
    meeting_mode: so.Mapped[str] = so.mapped_column(
        sa.String(8), default=MeetingMode.OFFLINE, server_default="offline"
    )
    online_url: so.Mapped[str] = so.mapped_column(sa.String(500), default="", server_default="")
    materials: so.Mapped[list] = so.mapped_column(sa.JSON, default=list, server_default="[]")
    online_opens_minutes: so.Mapped[int] = so.mapped_column(default=30, server_default="30")
    # Whether online participants count towards the quorum (the organiser's rule).
    quorum_counts_online: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    # When `flask purge-personal-data` removed the participants' mobiles and e-mails.
    personal_data_purged_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def map_url(self) -> str:
        """A map search for the venue: opens the phone's map app, or the map site."""
        place = ", ".join(part for part in (self.venue_name, self.venue_address) if part)
        return "https://www.google.com/maps/search/?" + urlencode({"api": 1, "query": place})

    letterhead: so.Mapped[Letterhead | None] = so.relationship()
    signer: so.Mapped[Signer | None] = so.relationship()

    agenda: so.Mapped[list["AgendaItem"]] = so.relationship(
        back_populates="event",
        order_by="(AgendaItem.starts_at, AgendaItem.id)",
        cascade="all, delete-orphan",
    )
    members: so.Mapped[list["EventMember"]] = so.relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("meeting_mode in ('offline', 'online', 'hybrid')", name="meeting_mode"),
        sa.CheckConstraint(
            "reserved_seats >= 0 AND reserved_seats <= capacity", name="reserved_seats_range"
        ),
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class EventMember(db.Model):
    """A user's role at one event: organiser, or door staff."""

    __tablename__ = "event_members"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: so.Mapped[str] = so.mapped_column(sa.String(16))
    added_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    event: so.Mapped[Event] = so.relationship(back_populates="members")
    user: so.Mapped["User"] = so.relationship()  # noqa: F821

    __table_args__ = (
        sa.UniqueConstraint("event_id", "user_id"),
        sa.CheckConstraint("role in ('organiser', 'door')", name="role"),
    )


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    ends_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    event: so.Mapped[Event] = so.relationship(back_populates="agenda")
    speakers: so.Mapped[list["Speaker"]] = so.relationship(
        back_populates="agenda_item",
        order_by="Speaker.position",
        cascade="all, delete-orphan",
    )


class Speaker(db.Model):
    """A narasumber of one agenda item, with the office they speak for."""

    __tablename__ = "speakers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    agenda_item_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    office: so.Mapped[str] = so.mapped_column(sa.String(200), default="")

    agenda_item: so.Mapped[AgendaItem] = so.relationship(back_populates="speakers")
