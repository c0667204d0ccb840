"""API tokens: a secret for one event and one role, stored only as its hash."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from coordination.enums import LabelledEnum
from coordination.extensions import UTCDateTime, db, utcnow


class TokenRole(LabelledEnum):
    ORGANISER = "organiser", _l("Organiser: everything, including phone numbers and documents")
    DOOR = "door", _l("Door: check people in, and read what the door page shows")


class ApiToken(db.Model):
    """A bearer token scoped to one event and a role; the clear text is shown once."""

    __tablename__ = "api_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(60))
    role: so.Mapped[str] = so.mapped_column(sa.String(16))
    # SHA-256 of the whole token: a 256-bit random secret needs no slow hash.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    # The first characters, so an organiser can tell tokens apart without the secret.
    prefix: so.Mapped[str] = so.mapped_column(sa.String(16))
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    __table_args__ = (sa.CheckConstraint("role in ('organiser', 'door')", name="role"),)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
