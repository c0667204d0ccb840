"""Door links remember who made them: removing that organiser from the team revokes them.

Links made before this have no maker on record and stay as they are; the organiser revokes
them by hand if needed.

Revision ID: 0015_door_link_creator
Revises: 0014_session_version
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_door_link_creator"
down_revision = "0014_session_version"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("door_links") as batch_op:
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_door_links_created_by_id_users"),
            "users",
            ["created_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("door_links") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_door_links_created_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("created_by_id")
