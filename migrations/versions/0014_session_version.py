"""Accounts carry a session version: logging out or a new password ends every session.

Sessions and remember-me cookies made before this hold no version: they stop working, and
everyone logs in once more (a remember-me cookie of a year ago is exactly what this ends).

Revision ID: 0014_session_version
Revises: 0013_door_link_expiry
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_session_version"
down_revision = "0013_door_link_expiry"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("session_version")
