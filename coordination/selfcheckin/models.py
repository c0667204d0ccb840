"""A participant's digital signature (tanda tangan digital), drawn at check-in."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from coordination.extensions import UTCDateTime, db, utcnow

# The pad's drawing area: strokes are stored in these units, whatever the screen's size.
PAD_WIDTH = 400
PAD_HEIGHT = 160
# Hard caps, checked before the strokes are parsed and again on what is kept.
MAX_BODY_CHARS = 32_000  # the strokes as sent (JSON)
MAX_STROKES = 60
MAX_POINTS = 2_000  # points sent, all strokes together
MAX_PATH_CHARS = 8_000  # the simplified SVG path kept


class Signature(db.Model):
    """One signature per registration (a second one replaces it): a simplified SVG path."""

    __tablename__ = "signatures"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    # "M12 40l3 2 4 1…" in PAD_WIDTH × PAD_HEIGHT units, integers only: made by the server
    # from the strokes it was sent, never taken as typed.
    path: so.Mapped[str] = so.mapped_column(sa.String(MAX_PATH_CHARS))
    points: so.Mapped[int] = so.mapped_column(default=0)
    source: so.Mapped[str] = so.mapped_column(sa.String(16))  # a CheckinSource: self or scan
    signed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
