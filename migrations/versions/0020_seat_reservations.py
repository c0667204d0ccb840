"""Kursi undangan: seats an event keeps for invitees until a release date; and who moved up
from the waiting list with no e-mail, for the organiser to phone.

Revision ID: 0020_seat_reservations
Revises: 0019_sort_names
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_seat_reservations"
down_revision = "0019_sort_names"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(
            sa.Column("reserved_seats", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("reservations_release_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reservations_released_at", sa.DateTime(), nullable=True))
        batch_op.create_check_constraint(
            "reserved_seats_range", "reserved_seats >= 0 AND reserved_seats <= capacity"
        )
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("call_needed_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_column("call_needed_at")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_constraint("reserved_seats_range", type_="check")
        batch_op.drop_column("reservations_released_at")
        batch_op.drop_column("reservations_release_at")
        batch_op.drop_column("reserved_seats")
