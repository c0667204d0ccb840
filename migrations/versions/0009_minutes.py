"""Minutes (notulen): one per event, with sections per agenda item, decisions, action items
and the log of finalising and reopening.

Revision ID: 0009_minutes
Revises: 0008_api_tokens
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_minutes"
down_revision = "0008_api_tokens"
branch_labels = None
depends_on = None


def _child(name: str, *columns: sa.Column) -> None:
    """A table hanging off the minutes, removed with them."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minutes_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["minutes_id"],
            ["minutes.id"],
            name=op.f(f"fk_{name}_minutes_id_minutes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    with op.batch_alter_table(name) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_minutes_id"), ["minutes_id"], unique=False)


def upgrade():
    op.create_table(
        "minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("letterhead_address", sa.String(length=300), nullable=False),
        sa.Column("opened_by", sa.String(length=120), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("opening", sa.Text(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closing", sa.Text(), nullable=False),
        sa.Column("next_meeting", sa.String(length=300), nullable=False),
        sa.Column("chair_name", sa.String(length=120), nullable=False),
        sa.Column("chair_position", sa.String(length=120), nullable=False),
        sa.Column("taker_name", sa.String(length=120), nullable=False),
        sa.Column("taker_position", sa.String(length=120), nullable=False),
        sa.Column("signed_place", sa.String(length=80), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("finalised_at", sa.DateTime(), nullable=True),
        sa.Column("finalised_by_id", sa.Integer(), nullable=True),
        sa.Column("final_pdf", sa.LargeBinary(), nullable=True),
        sa.Column("final_summary", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status in ('draft', 'final')", name=op.f("ck_minutes_status")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_minutes_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["finalised_by_id"],
            ["users.id"],
            name=op.f("fk_minutes_finalised_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_minutes_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes")),
        sa.UniqueConstraint("event_id", name=op.f("uq_minutes_event_id")),
    )
    _child(
        "minutes_sections",
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("discussion", sa.Text(), nullable=False),
        sa.Column("conclusions", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_minutes_sections_agenda_item_id_agenda_items"),
            ondelete="SET NULL",
        ),
    )
    with op.batch_alter_table("minutes_sections") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_minutes_sections_agenda_item_id"), ["agenda_item_id"], unique=False
        )
    _child(
        "minutes_decisions",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("votes_for", sa.Integer(), nullable=True),
        sa.Column("votes_against", sa.Integer(), nullable=True),
        sa.Column("abstentions", sa.Integer(), nullable=True),
    )
    _child(
        "minutes_actions",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=500), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
    )
    _child(
        "minutes_log",
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=120), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_minutes_log_user_id_users"),
            ondelete="SET NULL",
        ),
    )


def downgrade():
    for name in ("minutes_log", "minutes_actions", "minutes_decisions", "minutes_sections"):
        op.drop_table(name)
    op.drop_table("minutes")
