"""A copy of every message sent, so organisers can see what went out for their event."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from coordination.extensions import UTCDateTime, db, utcnow


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    recipient: so.Mapped[str] = so.mapped_column(sa.String(254))
    subject: so.Mapped[str] = so.mapped_column(sa.String(300))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    transport: so.Mapped[str] = so.mapped_column(sa.String(8))  # smtp or file
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
