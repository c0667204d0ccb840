"""Letterheads and signers per organising body; certificate numbers; the invitation letter.

Every existing event keeps its kop: events of one organiser with the same organising body,
logo and letterhead address (typed for the minutes) share one new letterhead (its city is where
the first one's minutes were signed); the event's
certificate signer (signer_name, signer_title) becomes a signer of that letterhead, chosen by
the event. Registrations gain the optional NIP, L/P and asal of government meetings.

Revision ID: 0029_letterheads
Revises: 0028_scale_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_letterheads"
down_revision = "0028_scale_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "letterheads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("line1", sa.String(200), nullable=False),
        sa.Column("line2", sa.String(200), server_default="", nullable=False),
        sa.Column("line3", sa.String(200), server_default="", nullable=False),
        sa.Column("line4", sa.String(200), server_default="", nullable=False),
        sa.Column("address", sa.String(300), server_default="", nullable=False),
        sa.Column("telephone", sa.String(80), server_default="", nullable=False),
        sa.Column("website", sa.String(120), server_default="", nullable=False),
        sa.Column("email", sa.String(254), server_default="", nullable=False),
        sa.Column("city", sa.String(80), server_default="", nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_mime", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name="fk_letterheads_owner_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_letterheads"),
    )
    op.create_index("ix_letterheads_owner_id", "letterheads", ["owner_id"])
    op.create_table(
        "signers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letterhead_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("title", sa.String(160), server_default="", nullable=False),
        sa.Column("nip", sa.String(32), server_default="", nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.Column("signature_mime", sa.String(32), nullable=True),
        sa.Column("stamp", sa.LargeBinary(), nullable=True),
        sa.Column("stamp_mime", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(
            ["letterhead_id"],
            ["letterheads.id"],
            name="fk_signers_letterhead_id_letterheads",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_signers"),
    )
    op.create_index("ix_signers_letterhead_id", "signers", ["letterhead_id"])
    op.create_table(
        "certificate_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(160), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name="fk_certificate_numbers_event_id_events",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name="fk_certificate_numbers_registration_id_registrations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_certificate_numbers"),
        sa.UniqueConstraint(
            "event_id", "registration_id", name="uq_certificate_numbers_event_id_registration_id"
        ),
        sa.UniqueConstraint("event_id", "seq", name="uq_certificate_numbers_event_id_seq"),
    )
    op.create_index("ix_certificate_numbers_event_id", "certificate_numbers", ["event_id"])
    op.create_table(
        "invitation_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(120), server_default="", nullable=False),
        sa.Column("nature", sa.String(60), server_default="", nullable=False),
        sa.Column("attachment", sa.String(60), server_default="", nullable=False),
        sa.Column("subject", sa.String(200), server_default="", nullable=False),
        sa.Column("opening", sa.Text(), server_default="", nullable=False),
        sa.Column("closing", sa.Text(), server_default="", nullable=False),
        sa.Column("letter_date", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name="fk_invitation_letters_event_id_events",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_invitation_letters"),
        sa.UniqueConstraint("event_id", name="uq_invitation_letters_event_id"),
    )
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("letterhead_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("signer_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("certificate_format", sa.String(120), server_default="", nullable=False)
        )
        batch.add_column(
            sa.Column(
                "certificate_signature", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch.add_column(
            sa.Column("certificate_stamp", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.create_foreign_key(
            "fk_events_letterhead_id_letterheads",
            "letterheads",
            ["letterhead_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_foreign_key(
            "fk_events_signer_id_signers", "signers", ["signer_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_events_letterhead_id", ["letterhead_id"])
    # Plain ADD COLUMN, not a batch: SQLite's batch copies the table, and the copy would lose
    # 0028's index on lower(organisation), which reflection cannot read back.
    op.add_column(
        "registrations", sa.Column("nip", sa.String(32), server_default="", nullable=False)
    )
    op.add_column(
        "registrations", sa.Column("gender", sa.String(1), server_default="", nullable=False)
    )
    op.add_column(
        "registrations", sa.Column("origin", sa.String(8), server_default="", nullable=False)
    )

    _move_kops_into_letterheads()

    with op.batch_alter_table("events") as batch:
        batch.drop_column("signer_title")
        batch.drop_column("signer_name")


def _move_kops_into_letterheads():
    connection = op.get_bind()
    events = connection.execute(
        sa.text(
            "SELECT e.id, e.created_by_id, e.organising_body, e.logo, e.logo_mime,"
            " e.signer_name, e.signer_title, e.created_at, m.letterhead_address, m.signed_place"
            " FROM events e LEFT JOIN minutes m ON m.event_id = e.id ORDER BY e.id"
        )
    ).all()
    letterheads: dict[tuple, int] = {}
    signers: dict[tuple, int] = {}
    for event in events:
        address = event.letterhead_address or ""
        city = event.signed_place or ""
        key = (event.created_by_id, event.organising_body, event.logo, event.logo_mime, address)
        if key not in letterheads:
            letterheads[key] = connection.execute(
                sa.text(
                    "INSERT INTO letterheads (owner_id, line1, line2, line3, line4, address,"
                    " telephone, website, email, city, logo, logo_mime, created_at)"
                    " VALUES (:owner, :line1, '', '', '', :address, '', '', '', :city, :logo,"
                    " :mime, :created) RETURNING id"
                ),
                {
                    "owner": event.created_by_id,
                    "line1": event.organising_body,
                    "address": address,
                    "city": city,
                    "logo": event.logo,
                    "mime": event.logo_mime,
                    "created": event.created_at,
                },
            ).scalar_one()
        letterhead = letterheads[key]
        signer = None
        if (event.signer_name or "").strip() or (event.signer_title or "").strip():
            who = (letterhead, event.signer_name or "", event.signer_title or "")
            if who not in signers:
                signers[who] = connection.execute(
                    sa.text(
                        "INSERT INTO signers (letterhead_id, name, title, nip)"
                        " VALUES (:letterhead, :name, :title, '') RETURNING id"
                    ),
                    {"letterhead": letterhead, "name": who[1], "title": who[2]},
                ).scalar_one()
            signer = signers[who]
        connection.execute(
            sa.text(
                "UPDATE events SET letterhead_id = :letterhead, signer_id = :signer WHERE id = :id"
            ),
            {"letterhead": letterhead, "signer": signer, "id": event.id},
        )


def downgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(
            sa.Column("signer_name", sa.String(120), server_default="", nullable=False)
        )
        batch.add_column(
            sa.Column("signer_title", sa.String(120), server_default="", nullable=False)
        )
    connection = op.get_bind()
    connection.execute(
        sa.text(
            "UPDATE events SET"
            " signer_name = (SELECT name FROM signers WHERE signers.id = events.signer_id),"
            " signer_title = (SELECT title FROM signers WHERE signers.id = events.signer_id)"
            " WHERE signer_id IS NOT NULL"
        )
    )
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("origin")
        batch.drop_column("gender")
        batch.drop_column("nip")
    # SQLite's batch copied the table without the expression index (see upgrade).
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_registrations_event_id_organisation"
        " ON registrations (event_id, lower(organisation), sort_name, id)"
    )
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ix_events_letterhead_id")
        batch.drop_constraint("fk_events_signer_id_signers", type_="foreignkey")
        batch.drop_constraint("fk_events_letterhead_id_letterheads", type_="foreignkey")
        batch.drop_column("certificate_stamp")
        batch.drop_column("certificate_signature")
        batch.drop_column("certificate_format")
        batch.drop_column("signer_id")
        batch.drop_column("letterhead_id")
    op.drop_table("invitation_letters")
    op.drop_index("ix_certificate_numbers_event_id", table_name="certificate_numbers")
    op.drop_table("certificate_numbers")
    op.drop_index("ix_signers_letterhead_id", table_name="signers")
    op.drop_table("signers")
    op.drop_index("ix_letterheads_owner_id", table_name="letterheads")
    op.drop_table("letterheads")
