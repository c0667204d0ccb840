"""Outbox messages are queued with their transaction and delivered by a task: their status,
attempts, time sent and last error. Messages from before were sent on the spot, so they
read as sent.

Revision ID: 0011_mail_queue
Revises: 0010_purge
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_mail_queue"
down_revision = "0010_purge"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=8), server_default="sent", nullable=False)
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("error", sa.String(length=500), server_default="", nullable=False)
        )
    op.execute("UPDATE outbox_messages SET attempts = 1, sent_at = created_at")


def downgrade():
    with op.batch_alter_table("outbox_messages") as batch_op:
        for column in ("error", "sent_at", "attempts", "status"):
            batch_op.drop_column(column)
