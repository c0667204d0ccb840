"""Logos stored before uploads were bounded are brought to the size a badge prints.

A logo of many megapixels cost seconds and gigabytes in every PDF showing it. Uploads are
now refused past 16 million pixels and kept at most 480 pixels across; this does the same
to the logos already stored. One that cannot be decoded within the limit stays as it is:
the PDFs leave it out (Pillow refuses it from its header) and the organiser can upload it
again. Downgrading keeps the smaller logos: the larger ones are not kept anywhere.

Revision ID: 0017_logo_size
Revises: 0016_mail_attempts
"""

from io import BytesIO

import sqlalchemy as sa
from alembic import op

revision = "0017_logo_size"
down_revision = "0016_mail_attempts"
branch_labels = None
depends_on = None

LOGO_SIDE = 480
MAX_DECODED_PIXELS = 64_000_000  # what this migration is prepared to decode, once

events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("logo", sa.LargeBinary),
    sa.column("logo_mime", sa.String),
)


def _fitted(logo: bytes) -> tuple[bytes, str] | None:
    """The logo at most LOGO_SIDE across, or None to leave it as it is."""
    from PIL import Image

    try:
        with Image.open(BytesIO(logo)) as image:
            kind = image.format
            width, height = image.size
            if kind not in ("PNG", "JPEG") or max(width, height) <= LOGO_SIDE:
                return None
            if width * height > MAX_DECODED_PIXELS:
                return None
            image.draft("RGB", (LOGO_SIDE, LOGO_SIDE))
            image.thumbnail((LOGO_SIDE, LOGO_SIDE))
            out = BytesIO()
            if kind == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=90)
                return out.getvalue(), "image/jpeg"
            image.save(out, "PNG", optimize=True)
            return out.getvalue(), "image/png"
    except (OSError, ValueError, SyntaxError, MemoryError, Image.DecompressionBombError):
        return None


def upgrade():
    from PIL import Image

    connection = op.get_bind()
    ids = (
        connection.execute(
            sa.select(events.c.id).where(
                events.c.logo.is_not(None), events.c.logo_mime != "image/svg+xml"
            )
        )
        .scalars()
        .all()
    )
    limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, MAX_DECODED_PIXELS
    try:
        for event_id in ids:  # one logo in memory at a time
            logo = connection.execute(
                sa.select(events.c.logo).where(events.c.id == event_id)
            ).scalar_one()
            fitted = _fitted(logo)
            if fitted is not None:
                connection.execute(
                    events.update()
                    .where(events.c.id == event_id)
                    .values(logo=fitted[0], logo_mime=fitted[1])
                )
    finally:
        Image.MAX_IMAGE_PIXELS = limit


def downgrade():
    pass  # the smaller logos serve every version; the larger ones are gone
