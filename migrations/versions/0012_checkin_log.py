"""A check-in row is now its own line in the door's log: a scan writes one row, not two.

The log table keeps what no check-in row holds any more: undos, and the check-ins they took
back. Lines for check-ins still standing are dropped here, as log_of reads them from the
check-ins themselves; downgrading writes them back.

Revision ID: 0012_checkin_log
Revises: 0011_mail_queue
"""

from alembic import op

revision = "0012_checkin_log"
down_revision = "0011_mail_queue"
branch_labels = None
depends_on = None

STANDING = """
    SELECT 1 FROM checkins c
    WHERE c.list_id = checkin_log.list_id
      AND c.registration_id = checkin_log.registration_id
      AND c.checked_in_at = checkin_log.checked_in_at
"""


def upgrade():
    op.execute(f"DELETE FROM checkin_log WHERE action = 'check_in' AND EXISTS ({STANDING})")


def downgrade():
    op.execute(
        """
        INSERT INTO checkin_log (event_id, list_id, registration_id, action, at, checked_in_at,
                                 actor, source, representative_name)
        SELECT l.event_id, c.list_id, c.registration_id, 'check_in', c.recorded_at,
               c.checked_in_at, c.door_name, c.source, c.representative_name
        FROM checkins c JOIN checkin_lists l ON l.id = c.list_id
        """
    )
