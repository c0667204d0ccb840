"""Who registered for an event. The registration issue builds the flows on this."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from coordination.extensions import UTCDateTime, db, utcnow


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class Registration(db.Model):
    __tablename__ = "registrations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    full_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    organisation: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    position: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=RegistrationStatus.CONFIRMED)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("status in ('confirmed', 'waiting', 'cancelled')", name="status"),
    )
