"""Control and bidi-override characters are taken out of names stored before the forms
refused them.

A NUL or an ESC in a name broke the XLSX exports and wrote raw bytes to the log; a
right-to-left override (U+202E) made a name read differently on the door screen and in the
PDFs. The forms, the API and the invitee lists now refuse them; this removes them from the
people already registered or invited. Downgrading leaves the names clean: the characters
were never meant to be there.

Revision ID: 0018_hidden_characters
Revises: 0017_logo_size
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0018_hidden_characters"
down_revision = "0017_logo_size"
branch_labels = None
depends_on = None

# As coordination/text.py: C0 and C1 controls, DEL, bidi embeddings, overrides and isolates.
HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
COLUMNS = {
    "registrations": ("full_name", "organisation", "position", "represents_name"),
    "invitations": ("full_name", "organisation", "position"),
    "checkins": ("representative_name",),
}


def _clean(value: str | None) -> str | None:
    if value is None or not HIDDEN.search(value):
        return value  # anything else in the name stays exactly as it was
    return " ".join(HIDDEN.sub(" ", value).split())


def upgrade():
    connection = op.get_bind()
    for name, columns in COLUMNS.items():
        table = sa.table(
            name, sa.column("id", sa.Integer), *(sa.column(c, sa.String) for c in columns)
        )
        for row in connection.execute(sa.select(table)).all():
            cleaned = {c: _clean(getattr(row, c)) for c in columns}
            changed = {c: v for c, v in cleaned.items() if v != getattr(row, c)}
            if changed:
                connection.execute(table.update().where(table.c.id == row.id).values(**changed))


def downgrade():
    pass  # nothing to put back: the characters were never meant to be there
