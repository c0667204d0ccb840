"""The door: check-in lists, door links, check-ins with their audit log, retired badge
codes, an event's quorum rule and who signs its certificates.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "checkin_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("opens_at", sa.DateTime(), nullable=True),
        sa.Column("closes_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_checkin_lists_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_lists")),
    )
    with op.batch_alter_table("checkin_lists") as batch_op:
        batch_op.create_index(batch_op.f("ix_checkin_lists_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            "uq_checkin_lists_default",
            ["event_id"],
            unique=True,
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        )

    op.create_table(
        "door_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_door_links_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_door_links")),
        sa.UniqueConstraint("token", name=op.f("uq_door_links_token")),
    )
    with op.batch_alter_table("door_links") as batch_op:
        batch_op.create_index(batch_op.f("ix_door_links_event_id"), ["event_id"], unique=False)

    op.create_table(
        "checkin_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=True),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("representative_name", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_checkin_log_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["checkin_lists.id"],
            name=op.f("fk_checkin_log_list_id_checkin_lists"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_checkin_log_registration_id_registrations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_log")),
    )
    with op.batch_alter_table("checkin_log") as batch_op:
        batch_op.create_index(batch_op.f("ix_checkin_log_event_id"), ["event_id"], unique=False)

    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.Column("door_link_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("door_name", sa.String(length=120), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=True),
        sa.Column("representative_name", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "source in ('scan', 'manual', 'walk_in', 'paper')", name=op.f("ck_checkins_source")
        ),
        sa.ForeignKeyConstraint(
            ["door_link_id"],
            ["door_links.id"],
            name=op.f("fk_checkins_door_link_id_door_links"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["checkin_lists.id"],
            name=op.f("fk_checkins_list_id_checkin_lists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_checkins_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_checkins_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint(
            "list_id", "registration_id", name=op.f("uq_checkins_list_id_registration_id")
        ),
        sa.UniqueConstraint("list_id", "nonce", name=op.f("uq_checkins_list_id_nonce")),
    )
    with op.batch_alter_table("checkins") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checkins_checked_in_at"), ["checked_in_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_checkins_registration_id"), ["registration_id"], unique=False
        )

    op.create_table(
        "retired_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_retired_codes_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retired_codes")),
        sa.UniqueConstraint("code", name=op.f("uq_retired_codes_code")),
    )
    with op.batch_alter_table("retired_codes") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retired_codes_registration_id"), ["registration_id"], unique=False
        )

    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(
            sa.Column("quorum_rule", sa.String(length=24), server_default="none", nullable=False)
        )
        batch_op.add_column(
            sa.Column("signer_name", sa.String(length=120), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("signer_title", sa.String(length=120), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("signer_title")
        batch_op.drop_column("signer_name")
        batch_op.drop_column("quorum_rule")

    with op.batch_alter_table("retired_codes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_retired_codes_registration_id"))

    op.drop_table("retired_codes")
    with op.batch_alter_table("checkins") as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkins_registration_id"))
        batch_op.drop_index(batch_op.f("ix_checkins_checked_in_at"))

    op.drop_table("checkins")
    with op.batch_alter_table("checkin_log") as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkin_log_event_id"))

    op.drop_table("checkin_log")
    with op.batch_alter_table("door_links") as batch_op:
        batch_op.drop_index(batch_op.f("ix_door_links_event_id"))

    op.drop_table("door_links")
    with op.batch_alter_table("checkin_lists") as batch_op:
        batch_op.drop_index(
            "uq_checkin_lists_default",
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        )
        batch_op.drop_index(batch_op.f("ix_checkin_lists_event_id"))

    op.drop_table("checkin_lists")
