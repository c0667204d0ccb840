"""Events remember when their participants' mobiles and e-mails were purged.

Revision ID: 0010_purge
Revises: 0009_minutes
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_purge"
down_revision = "0009_minutes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(sa.Column("personal_data_purged_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("personal_data_purged_at")
