"""Self check-in from the hall QR and digital signatures: a list's switches for self check-in
and registration on the spot, the event's wish for signatures, the "self" check-in source,
and one signature per registration.

Existing lists keep self check-in off, existing events ask for no signature; every existing
check-in keeps its source.

Revision ID: 0027_self_checkin
Revises: 0026_minutes_doc
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_self_checkin"
down_revision = "0026_minutes_doc"
branch_labels = None
depends_on = None

OLD_SOURCES = "source in ('scan', 'manual', 'walk_in', 'paper', 'online')"
NEW_SOURCES = "source in ('scan', 'manual', 'walk_in', 'paper', 'online', 'self')"


def upgrade():
    with op.batch_alter_table("checkin_lists") as batch:
        batch.add_column(
            sa.Column("self_checkin", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("self_walk_in", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("events") as batch:
        batch.add_column(
            sa.Column("signature_required", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("checkins") as batch:
        batch.drop_constraint(op.f("ck_checkins_source"), type_="check")
        batch.create_check_constraint(op.f("ck_checkins_source"), NEW_SOURCES)
    op.create_table(
        "signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=8000), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_signatures_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatures")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_signatures_registration_id")),
    )


def downgrade():
    op.drop_table("signatures")
    # Self check-ins stay as check-ins: they read as made by name at the door.
    op.execute("UPDATE checkins SET source = 'manual' WHERE source = 'self'")
    op.execute("UPDATE checkin_log SET source = 'manual' WHERE source = 'self'")
    with op.batch_alter_table("checkins") as batch:
        batch.drop_constraint(op.f("ck_checkins_source"), type_="check")
        batch.create_check_constraint(op.f("ck_checkins_source"), OLD_SOURCES)
    with op.batch_alter_table("events") as batch:
        batch.drop_column("signature_required")
    with op.batch_alter_table("checkin_lists") as batch:
        batch.drop_column("self_checkin")
        batch.drop_column("self_walk_in")
