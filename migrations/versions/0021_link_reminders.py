"""A registration remembers when its link was last sent again, to remind at most hourly.

Revision ID: 0021_link_reminders
Revises: 0020_seat_reservations
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_link_reminders"
down_revision = "0020_seat_reservations"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("link_resent_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_column("link_resent_at")
