"""What an organiser uploads for the laporan kegiatan: the signed daftar hadir, scanned, and
photos of the meeting. Stored in the database, already checked and downscaled."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from coordination.extensions import UTCDateTime, db, utcnow


class ReportFileKind(enum.StrEnum):
    SCAN = "scan"  # the signed paper daftar hadir: one PDF, or one picture per page
    PHOTO = "photo"


class ReportFile(db.Model):
    __tablename__ = "report_files"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(8))
    position: so.Mapped[int] = so.mapped_column(default=0)
    mime: so.Mapped[str] = so.mapped_column(sa.String(40))
    content: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary, deferred=True)
    size: so.Mapped[int] = so.mapped_column(default=0)  # bytes stored
    width: so.Mapped[int] = so.mapped_column(default=0)  # pixels, for a picture
    height: so.Mapped[int] = so.mapped_column(default=0)
    pages: so.Mapped[int] = so.mapped_column(default=1)
    original_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    uploaded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    __table_args__ = (sa.CheckConstraint("kind in ('scan', 'photo')", name="kind"),)
