"""Indexes for events of ten thousand: the participant list's orders, and invitations.

The participant list is read a page at a time in name, organisation or arrival order; each
order now has an index that starts with the event, so a page is read from it instead of
sorting the whole event. "Came from an invitation" looks invitations up by registration,
and the invitation list pages in name order. Only indexes: no row changes.

Revision ID: 0028_scale_indexes
Revises: 0027_self_checkin
"""

import sqlalchemy as sa
from alembic import op

revision = "0028_scale_indexes"
down_revision = "0027_self_checkin"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_registrations_event_id_sort_name", "registrations", ["event_id", "sort_name", "id"]
    )
    op.create_index(
        "ix_registrations_event_id_created_at", "registrations", ["event_id", "created_at", "id"]
    )
    op.create_index(
        "ix_registrations_event_id_organisation",
        "registrations",
        ["event_id", sa.text("lower(organisation)"), "sort_name", "id"],
    )
    op.create_index("ix_invitations_registration_id", "invitations", ["registration_id"])
    op.create_index(
        "ix_invitations_event_id_sort_name", "invitations", ["event_id", "sort_name", "id"]
    )


def downgrade():
    op.drop_index("ix_invitations_event_id_sort_name", "invitations")
    op.drop_index("ix_invitations_registration_id", "invitations")
    op.drop_index("ix_registrations_event_id_organisation", "registrations")
    op.drop_index("ix_registrations_event_id_created_at", "registrations")
    op.drop_index("ix_registrations_event_id_sort_name", "registrations")
