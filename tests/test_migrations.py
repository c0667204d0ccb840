from datetime import datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from coordination.extensions import db


def _drop_version_table():
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def test_migrations_build_the_schema_of_the_models_and_undo_cleanly(ctx):
    db.drop_all()
    upgrade()
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []
    downgrade(revision="base")
    tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    _drop_version_table()


def test_upgrading_yesterdays_database_keeps_every_row(ctx):
    """A database at 0001 with an event, agenda and participants upgrades without loss."""
    db.drop_all()
    upgrade(revision="0001")
    when = datetime(2018, 11, 23, 6, 0)
    with db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO events (id, slug, title, organising_body, description, venue_name,"
                " venue_address, timezone, starts_at, ends_at, capacity, created_at, updated_at)"
                " VALUES (1, 'rakor', 'Rakor', 'Dekopinda', '', 'Aula', '', 'Asia/Jakarta',"
                " :when, :later, 50, :when, :when)"
            ),
            {"when": when, "later": when.replace(hour=9)},
        )
        connection.execute(
            sa.text(
                "INSERT INTO agenda_items (event_id, starts_at, title, description)"
                " VALUES (1, :when, 'Pembukaan', '')"
            ),
            {"when": when},
        )
        for n in range(3):
            connection.execute(
                sa.text(
                    "INSERT INTO registrations (event_id, full_name, organisation, position,"
                    " phone, status, created_at) VALUES (1, :name, 'KUD', 'Ketua', :phone,"
                    " 'confirmed', :when)"
                ),
                {"name": f"Peserta {n}", "phone": f"+62812000000{n}", "when": when},
            )
    upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT full_name, link_token, checkin_code FROM registrations")
        ).all()
        agenda = connection.execute(sa.text("SELECT count(*) FROM agenda_items")).scalar()
    assert [r.full_name for r in rows] == ["Peserta 0", "Peserta 1", "Peserta 2"]
    assert len({r.link_token for r in rows}) == 3
    assert all(len(r.checkin_code) == 27 for r in rows)
    assert agenda == 1
    downgrade(revision="base")
    _drop_version_table()
