"""Hybrid meetings and WhatsApp: an event's mode, meeting link and materials; an online
check-in list whose check-ins count with the main list's, at most one per person; and when an
invitation was last sent by WhatsApp.

Existing events are in-person meetings with no link; existing check-ins on a main list are
marked as the person's attendance of the event (whole_event), as who_came counted them.

Revision ID: 0025_hybrid
Revises: 0024_event_contact
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_hybrid"
down_revision = "0024_event_contact"
branch_labels = None
depends_on = None

OLD_SOURCES = "source in ('scan', 'manual', 'walk_in', 'paper')"
NEW_SOURCES = "source in ('scan', 'manual', 'walk_in', 'paper', 'online')"


def upgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(
            sa.Column("meeting_mode", sa.String(8), nullable=False, server_default="offline")
        )
        batch.add_column(sa.Column("online_url", sa.String(500), nullable=False, server_default=""))
        batch.add_column(sa.Column("materials", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(
            sa.Column("online_opens_minutes", sa.Integer(), nullable=False, server_default="30")
        )
        batch.add_column(
            sa.Column(
                "quorum_counts_online", sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )
        batch.create_check_constraint(
            "meeting_mode", "meeting_mode in ('offline', 'online', 'hybrid')"
        )
    with op.batch_alter_table("checkin_lists") as batch:
        batch.add_column(
            sa.Column("is_online", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_index(
            "uq_checkin_lists_online",
            ["event_id"],
            unique=True,
            sqlite_where=sa.text("is_online"),
            postgresql_where=sa.text("is_online"),
        )
    with op.batch_alter_table("checkins") as batch:
        batch.add_column(
            sa.Column("whole_event", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.drop_constraint("source", type_="check")
        batch.create_check_constraint("source", NEW_SOURCES)
    op.execute(
        sa.text(
            "UPDATE checkins SET whole_event = :yes WHERE list_id IN"
            " (SELECT id FROM checkin_lists WHERE is_default = :yes)"
        ).bindparams(yes=True)
    )
    with op.batch_alter_table("checkins") as batch:
        batch.create_index(
            "uq_checkins_whole_event",
            ["registration_id"],
            unique=True,
            sqlite_where=sa.text("whole_event"),
            postgresql_where=sa.text("whole_event"),
        )
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("whatsapp_sent_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("whatsapp_sent_at")
    # Online check-ins have no place in the older schema: they go, and the main list's stay.
    op.execute(sa.text("DELETE FROM checkins WHERE source = 'online'"))
    with op.batch_alter_table("checkins") as batch:
        batch.drop_index(
            "uq_checkins_whole_event",
            sqlite_where=sa.text("whole_event"),
            postgresql_where=sa.text("whole_event"),
        )
        batch.drop_constraint("source", type_="check")
        batch.create_check_constraint("source", OLD_SOURCES)
        batch.drop_column("whole_event")
    op.execute(sa.text("DELETE FROM checkin_lists WHERE is_online = :yes").bindparams(yes=True))
    with op.batch_alter_table("checkin_lists") as batch:
        batch.drop_index(
            "uq_checkin_lists_online",
            sqlite_where=sa.text("is_online"),
            postgresql_where=sa.text("is_online"),
        )
        batch.drop_column("is_online")
    with op.batch_alter_table("events") as batch:
        batch.drop_constraint("meeting_mode", type_="check")
        for column in (
            "quorum_counts_online",
            "online_opens_minutes",
            "materials",
            "online_url",
            "meeting_mode",
        ):
            batch.drop_column(column)
