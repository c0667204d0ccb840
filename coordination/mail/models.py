"""Every message, queued in the same transaction as what caused it, then delivered by a task.

The row is the outbox: organisers see what went out for their event and whether it was
delivered; a worker that fails leaves the message queued or failed, never silently lost.
Each attempt is on record before the message leaves (status "sending", `claimed_at`); an
attempt cut off by a crash is counted in `interrupted`, as the recipient may have it already.
"""

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
    # Rows from before the queue were sent on the spot: "sent" is their server default.
    status: so.Mapped[str] = so.mapped_column(sa.String(8), default="queued", server_default="sent")
    attempts: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    error: so.Mapped[str] = so.mapped_column(sa.String(500), default="", server_default="")
    # When the latest attempt began: a "sending" row whose attempt is older than the lease
    # was cut off by a crash; a failed one is tried again after a pause.
    claimed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    interrupted: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
