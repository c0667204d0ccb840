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


def test_the_door_log_reads_the_same_once_check_ins_are_their_own_log_lines(ctx):
    """0012: a check-in standing loses its duplicate log line; one undone keeps both lines."""
    from datetime import timedelta

    from coordination.door import services as door
    from coordination.door.models import CheckinLogEntry
    from coordination.events.models import Event

    db.drop_all()
    upgrade(revision="0011_mail_queue")
    start = datetime(2026, 11, 23, 6, 0)
    at = [start + timedelta(minutes=m) for m in (1, 2, 3)]
    # As 0011's code wrote them, in 0011's tables: Ani came in and stayed; Budi's check-in
    # was undone.
    with db.engine.begin() as connection:
        run = connection.execute
        run(
            sa.text(
                "INSERT INTO events (id, slug, title, organising_body, description, venue_name,"
                " venue_address, timezone, starts_at, ends_at, capacity, created_at, updated_at)"
                " VALUES (1, 'rakor', 'Rakor', 'Dekopinda', '', 'Aula', '', 'Asia/Jakarta',"
                " :start, :end, 50, :start, :start)"
            ),
            {"start": start, "end": start + timedelta(hours=3)},
        )
        for id_, name in ((1, "Ani"), (2, "Budi")):
            run(
                sa.text(
                    "INSERT INTO registrations (id, event_id, full_name, organisation, position,"
                    " phone, status, link_token, checkin_code, created_at, status_changed_at)"
                    " VALUES (:id, 1, :name, '', '', :phone, 'confirmed', :token, :code,"
                    " :start, :start)"
                ),
                {
                    "id": id_,
                    "name": name,
                    "phone": f"+628120000000{id_}",
                    "token": f"token{id_}",
                    "code": f"CODE{id_}",
                    "start": start,
                },
            )
        run(
            sa.text(
                "INSERT INTO checkin_lists (id, event_id, name, is_default) VALUES (1, 1, '', true)"
            )
        )
        run(
            sa.text(
                "INSERT INTO checkins (list_id, registration_id, checked_in_at, recorded_at,"
                " door_name, source, offline) VALUES (1, 1, :at, :at, 'Pintu Utara', 'scan', false)"
            ),
            {"at": at[0]},
        )
        for person, action, when, came_in in (
            (1, "check_in", at[0], at[0]),
            (2, "check_in", at[1], at[1]),
            (2, "undo", at[2], at[1]),
        ):
            run(
                sa.text(
                    "INSERT INTO checkin_log (event_id, list_id, registration_id, action, at,"
                    " checked_in_at, actor, source) VALUES (1, 1, :person, :action, :when,"
                    " :came_in, 'Pintu Utara', 'scan')"
                ),
                {"person": person, "action": action, "when": when, "came_in": came_in},
            )

    upgrade()
    event = db.session.get(Event, 1)
    lines = [(entry.action, person.full_name) for entry, person in door.log_of(event)]
    db.session.rollback()  # the downgrade alters these tables: no reads left open on them
    assert lines == [("undo", "Budi"), ("check_in", "Budi"), ("check_in", "Ani")]
    downgrade(revision="0011_mail_queue")
    check_ins = sa.select(sa.func.count()).where(CheckinLogEntry.action == "check_in")
    assert db.session.scalar(check_ins) == 2
    db.session.rollback()
    downgrade(revision="base")
    _drop_version_table()
