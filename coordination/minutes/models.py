"""The minutes (notulen) of one event: what was said, decided and who does what next."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from coordination.extensions import UTCDateTime, db, utcnow


class MinutesStatus(enum.StrEnum):
    DRAFT = "draft"
    FINAL = "final"


class Minutes(db.Model):
    __tablename__ = "minutes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), unique=True
    )
    status: so.Mapped[str] = so.mapped_column(sa.String(8), default=MinutesStatus.DRAFT)
    # Bumped by every save: two organisers editing at once cannot overwrite each other unseen.
    version: so.Mapped[int] = so.mapped_column(default=1)
    letterhead_address: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    opened_by: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    opened_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    opening: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    closing: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    next_meeting: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    chair_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    chair_position: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    # NIP (a civil servant's number) under the signature, when the signer has one.
    chair_nip: so.Mapped[str] = so.mapped_column(sa.String(30), default="")
    taker_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    taker_position: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    taker_nip: so.Mapped[str] = so.mapped_column(sa.String(30), default="")
    signed_place: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    signed_on: so.Mapped[date | None]
    finalised_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    finalised_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # The document as finalised: what was signed stays the same, whatever happens after.
    final_pdf: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary, deferred=True)
    # Attendance as it stood when finalised (JSON of AttendanceSummary), for the final page.
    final_summary: so.Mapped[str | None] = so.mapped_column(sa.Text)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    sections: so.Mapped[list["MinutesSection"]] = so.relationship(
        order_by="(MinutesSection.position, MinutesSection.id)", cascade="all, delete-orphan"
    )
    decisions: so.Mapped[list["Decision"]] = so.relationship(
        order_by="(Decision.position, Decision.id)", cascade="all, delete-orphan"
    )
    actions: so.Mapped[list["ActionItem"]] = so.relationship(
        order_by="(ActionItem.position, ActionItem.id)", cascade="all, delete-orphan"
    )
    finalised_by: so.Mapped["User | None"] = so.relationship(  # noqa: F821
        foreign_keys=[finalised_by_id]
    )

    __table_args__ = (sa.CheckConstraint("status in ('draft', 'final')", name="status"),)

    @property
    def is_final(self) -> bool:
        return self.status == MinutesStatus.FINAL


class MinutesSection(db.Model):
    """Notes on one agenda item. The title is kept, so removing the item loses no minutes."""

    __tablename__ = "minutes_sections"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    minutes_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    discussion: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    conclusions: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    agenda_item: so.Mapped["AgendaItem | None"] = so.relationship()  # noqa: F821


class Decision(db.Model):
    """A decision, with the count of a vote when there was one; never who voted how."""

    __tablename__ = "minutes_decisions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    minutes_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    votes_for: so.Mapped[int | None]
    votes_against: so.Mapped[int | None]
    abstentions: so.Mapped[int | None]

    @property
    def was_voted(self) -> bool:
        return any(n is not None for n in (self.votes_for, self.votes_against, self.abstentions))


class ActionItem(db.Model):
    __tablename__ = "minutes_actions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    minutes_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    what: so.Mapped[str] = so.mapped_column(sa.String(500))
    who: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    due_on: so.Mapped[date | None]


class MinutesLogEntry(db.Model):
    """Finalised, reopened (with the reason): the trail an auditor asks for."""

    __tablename__ = "minutes_log"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    minutes_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    action: so.Mapped[str] = so.mapped_column(sa.String(16))
    reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    user_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
