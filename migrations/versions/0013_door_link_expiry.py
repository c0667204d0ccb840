"""A door link is valid until its event's current end (plus the grace), not a copy of it.

Each link kept the event's end from the day it was made, so moving the end earlier left old
links open. The copy goes: the end is read from the event. Downgrading writes it back from
the events' ends as they are now.

Revision ID: 0013_door_link_expiry
Revises: 0012_checkin_log
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_door_link_expiry"
down_revision = "0012_checkin_log"
branch_labels = None
depends_on = None

GRACE = {  # coordination.door.models.GRACE_AFTER_EVENT, in each database's words
    "sqlite": "datetime(events.ends_at, '+2 hours')",
    "postgresql": "events.ends_at + interval '2 hours'",
}


def upgrade():
    with op.batch_alter_table("door_links") as batch_op:
        batch_op.drop_column("expires_at")


def downgrade():
    with op.batch_alter_table("door_links") as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
    ends = GRACE[op.get_bind().dialect.name]
    op.execute(
        "UPDATE door_links SET expires_at = "
        f"(SELECT {ends} FROM events WHERE events.id = door_links.event_id)"
    )
    with op.batch_alter_table("door_links") as batch_op:
        batch_op.alter_column("expires_at", existing_type=sa.DateTime(), nullable=False)
