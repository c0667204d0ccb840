"""The offline door: an event's rule for codes a door's copy does not know, offline marks on
the check-in log, and the scans sent after the fact that the organiser reviews.

Revision ID: 0023_door_offline
Revises: 0022_representation_direction
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_door_offline"
down_revision = "0022_representation_direction"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(
            sa.Column(
                "offline_unknown_rule", sa.String(length=8), server_default="admit", nullable=False
            )
        )
    with op.batch_alter_table("checkin_log") as batch_op:
        batch_op.add_column(
            sa.Column("offline", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "checkin_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=True),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.String(length=120), nullable=False),
        sa.Column("scanned_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("door_name", sa.String(length=120), nullable=False),
        sa.Column("door_link_id", sa.Integer(), nullable=True),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_checkin_reviews_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["checkin_lists.id"],
            name=op.f("fk_checkin_reviews_list_id_checkin_lists"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_checkin_reviews_registration_id_registrations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["door_link_id"],
            ["door_links.id"],
            name=op.f("fk_checkin_reviews_door_link_id_door_links"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_reviews")),
        sa.UniqueConstraint("event_id", "nonce", name=op.f("uq_checkin_reviews_event_id_nonce")),
    )
    with op.batch_alter_table("checkin_reviews") as batch_op:
        batch_op.create_index(batch_op.f("ix_checkin_reviews_event_id"), ["event_id"])


def downgrade():
    with op.batch_alter_table("checkin_reviews") as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkin_reviews_event_id"))
    op.drop_table("checkin_reviews")
    with op.batch_alter_table("checkin_log") as batch_op:
        batch_op.drop_column("offline")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("offline_unknown_rule")
