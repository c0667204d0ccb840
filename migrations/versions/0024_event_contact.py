"""Events carry a contact for participants: whom to call when a personal link is lost.

Existing events get an empty contact; pages then name the organising body, as before.

Revision ID: 0024_event_contact
Revises: 0023_door_offline
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_event_contact"
down_revision = "0023_door_offline"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("contact", sa.String(200), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("events") as batch:
        batch.drop_column("contact")
