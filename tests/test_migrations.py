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
    from datetime import UTC, timedelta
    from types import SimpleNamespace

    from coordination.door import services as door
    from coordination.door.models import Checkin, CheckinLogEntry
    from coordination.events.services import EventData, create_event
    from coordination.registration.models import Registration

    db.drop_all()
    upgrade(revision="0011_mail_queue")
    # The account as 0011 knew it: today's model has columns that revision has not.
    db.session.execute(
        sa.text(
            "INSERT INTO users (id, email, name, role, password_hash, is_active_account,"
            " created_at) VALUES (1, 'panitia@example.org', 'Panitia', 'organiser', '-',"
            " :true, :now)"
        ),
        {"true": True, "now": datetime(2026, 11, 1)},
    )
    organiser = SimpleNamespace(id=1)
    start = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    event = create_event(
        EventData(
            title="Rakor",
            slug="rakor",
            organising_body="Dekopinda",
            venue_name="Aula",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            capacity=50,
        ),
        organiser,
    )
    ani, budi = (
        Registration(event_id=event.id, full_name=n, phone=p)
        for n, p in (("Ani", "+6281200000001"), ("Budi", "+6281200000002"))
    )
    db.session.add_all([ani, budi])
    checkin_list = door.default_list(event)
    db.session.flush()
    at = [start + timedelta(minutes=m) for m in (1, 2, 3)]

    def logged(person, action, when, came_in):
        return CheckinLogEntry(
            event_id=event.id,
            list_id=checkin_list.id,
            registration_id=person.id,
            action=action,
            at=when,
            checked_in_at=came_in,
            actor="Pintu Utara",
            source="scan",
        )

    # As 0011's code wrote them: Ani came in and stayed; Budi's check-in was undone.
    db.session.add_all(
        [
            Checkin(
                list_id=checkin_list.id,
                registration_id=ani.id,
                checked_in_at=at[0],
                recorded_at=at[0],
                door_name="Pintu Utara",
                source="scan",
            ),
            logged(ani, "check_in", at[0], at[0]),
            logged(budi, "check_in", at[1], at[1]),
            logged(budi, "undo", at[2], at[1]),
        ]
    )
    db.session.commit()

    upgrade()
    lines = [(entry.action, person.full_name) for entry, person in door.log_of(event)]
    assert lines == [("undo", "Budi"), ("check_in", "Budi"), ("check_in", "Ani")]
    downgrade(revision="0011_mail_queue")
    check_ins = sa.select(sa.func.count()).where(CheckinLogEntry.action == "check_in")
    assert db.session.scalar(check_ins) == 2
    db.session.rollback()
    downgrade(revision="base")
    _drop_version_table()
