"""Each delivery attempt is on record before the message leaves: when it began, and how many
attempts a crash cut off (the recipient may have had those).

Messages tried before get the time of their last attempt as well as we know it (the time
they were sent, else written), so a failed one waits its pause before the sweep retries it.

Revision ID: 0016_mail_attempts
Revises: 0015_door_link_creator
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_mail_attempts"
down_revision = "0015_door_link_creator"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("interrupted", sa.Integer(), server_default="0", nullable=False)
        )
    op.execute(
        "UPDATE outbox_messages SET claimed_at = COALESCE(sent_at, created_at) WHERE attempts > 0"
    )


def downgrade():
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_column("interrupted")
        batch_op.drop_column("claimed_at")
