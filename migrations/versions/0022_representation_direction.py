"""Representation written the wrong way round is put right.

A registration made on an invitee's behalf says whom it represents (represents_name:
"mewakili"). A check-in's representative_name says who came in the registrant's place
("diwakili oleh"). When the door checked in such a representative and typed the invitee's
name as "represented by", the check-in said the representative was represented by the
invitee: backwards. Those check-ins (and their lines in the door's log) lose that name, as
the representative came in person, on the invitee's behalf, as the registration says.

The downgrade leaves the corrected rows as they are: older code reads them the same way.

Revision ID: 0022_representation_direction
Revises: 0021_link_reminders
"""

from alembic import op

revision = "0022_representation_direction"
down_revision = "0021_link_reminders"
branch_labels = None
depends_on = None

BACKWARDS = """
    representative_name IS NOT NULL AND EXISTS (
        SELECT 1 FROM registrations r
        WHERE r.id = {table}.registration_id
          AND r.represents_name IS NOT NULL
          AND lower(trim(r.represents_name)) = lower(trim({table}.representative_name))
    )
"""


def upgrade():
    for table in ("checkins", "checkin_log"):
        op.execute(
            f"UPDATE {table} SET representative_name = NULL WHERE " + BACKWARDS.format(table=table)
        )


def downgrade():
    pass  # the corrected rows stay corrected
