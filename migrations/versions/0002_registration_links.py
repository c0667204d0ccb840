"""Registration links, check-in codes and the waiting list.

Existing registrations get a fresh personal-link token and check-in code each, and their
status_changed_at from created_at, before the columns become NOT NULL and unique.

Revision ID: 0002
Revises: 0001
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # as in coordination.registration.models


def _code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(27))


def upgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(
            sa.Column("waitlist_enabled", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("seats_version", sa.Integer(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("link_token", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("checkin_code", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("status_changed_at", sa.DateTime(), nullable=True))

    registrations = sa.table(
        "registrations",
        sa.column("id", sa.Integer),
        sa.column("link_token", sa.String),
        sa.column("checkin_code", sa.String),
        sa.column("created_at", sa.DateTime),
        sa.column("status_changed_at", sa.DateTime),
    )
    connection = op.get_bind()
    for (row_id,) in connection.execute(sa.select(registrations.c.id)).all():
        connection.execute(
            registrations.update()
            .where(registrations.c.id == row_id)
            .values(
                link_token=secrets.token_urlsafe(32),
                checkin_code=_code(),
                status_changed_at=registrations.c.created_at,
            )
        )

    with op.batch_alter_table("registrations") as batch_op:
        batch_op.alter_column("link_token", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("checkin_code", existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column("status_changed_at", existing_type=sa.DateTime(), nullable=False)
        batch_op.create_index("ix_registrations_event_id_status", ["event_id", "status"])
        batch_op.create_unique_constraint("uq_registrations_checkin_code", ["checkin_code"])
        batch_op.create_unique_constraint("uq_registrations_event_id_email", ["event_id", "email"])
        batch_op.create_unique_constraint("uq_registrations_event_id_phone", ["event_id", "phone"])
        batch_op.create_unique_constraint("uq_registrations_link_token", ["link_token"])


def downgrade():
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_constraint("uq_registrations_link_token", type_="unique")
        batch_op.drop_constraint("uq_registrations_event_id_phone", type_="unique")
        batch_op.drop_constraint("uq_registrations_event_id_email", type_="unique")
        batch_op.drop_constraint("uq_registrations_checkin_code", type_="unique")
        batch_op.drop_index("ix_registrations_event_id_status")
        batch_op.drop_column("status_changed_at")
        batch_op.drop_column("checkin_code")
        batch_op.drop_column("link_token")

    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("seats_version")
        batch_op.drop_column("waitlist_enabled")
