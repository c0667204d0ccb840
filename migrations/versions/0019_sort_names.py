"""Names sort without their honorifics and titles: a sort key beside every name.

"Hj. Siti Aminah" sorts under S, "Dr. Nur'aini, M.Si." under N. The key of every existing
registration and invitation is filled in here.

Revision ID: 0019_sort_names
Revises: 0018_hidden_characters
"""

import sqlalchemy as sa
from alembic import op

from coordination.names import name_key

revision = "0019_sort_names"
down_revision = "0018_hidden_characters"
branch_labels = None
depends_on = None

TABLES = ("registrations", "invitations")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("sort_name", sa.String(length=120), nullable=False, server_default="")
            )
    connection = op.get_bind()
    for table in TABLES:
        rows = connection.execute(sa.text(f"SELECT id, full_name FROM {table}")).all()
        if rows:
            connection.execute(
                sa.text(f"UPDATE {table} SET sort_name = :key WHERE id = :id"),
                [{"id": row.id, "key": name_key(row.full_name)} for row in rows],
            )


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("sort_name")
