"""Badges: a role ribbon per registration; an event's badge colour and logo.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(
            sa.Column("badge_colour", sa.String(length=7), server_default="#0f5e4f", nullable=False)
        )
        batch_op.add_column(sa.Column("logo", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("logo_mime", sa.String(length=32), nullable=True))

    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=16), server_default="participant", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_column("role")

    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("logo_mime")
        batch_op.drop_column("logo")
        batch_op.drop_column("badge_colour")
