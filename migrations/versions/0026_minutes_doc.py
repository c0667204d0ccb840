"""NIP lines under the notulis and pimpinan rapat; uploads for the laporan kegiatan.

Existing minutes get empty NIPs (nothing printed); no event has uploads yet.

Revision ID: 0026_minutes_doc
Revises: 0025_hybrid
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_minutes_doc"
down_revision = "0025_hybrid"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("minutes") as batch:
        batch.add_column(sa.Column("chair_nip", sa.String(30), nullable=False, server_default=""))
        batch.add_column(sa.Column("taker_nip", sa.String(30), nullable=False, server_default=""))
    op.create_table(
        "report_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("mime", sa.String(40), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind in ('scan', 'photo')", name=op.f("ck_report_files_kind")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_report_files_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_report_files_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_files")),
    )
    with op.batch_alter_table("report_files") as batch:
        batch.create_index(batch.f("ix_report_files_event_id"), ["event_id"], unique=False)


def downgrade():
    op.drop_table("report_files")
    with op.batch_alter_table("minutes") as batch:
        batch.drop_column("taker_nip")
        batch.drop_column("chair_nip")
