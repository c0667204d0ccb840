"""flask backup: a consistent SQLite copy while the app runs; pg_dump advice on PostgreSQL."""

import os
import sqlite3
import threading

import pytest
import sqlalchemy as sa

from coordination import create_app
from coordination.config import TestConfig
from coordination.extensions import db
from coordination.registration.models import Registration

from . import factories

on_sqlite = pytest.mark.skipif(
    "postgresql" in (os.environ.get("TEST_DATABASE_URL") or ""),
    reason="the SQLite backup needs the SQLite test database",
)


@pytest.fixture
def meeting(make, organiser):
    slug = make(factories.make_event, organiser["id"])
    people = make(factories.make_participants, slug, 3)
    return slug, people


def database_file(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


@on_sqlite
def test_backup_restores_to_the_same_rows(runner, meeting, tmp_path):
    _slug, people = meeting
    target = tmp_path / "backups" / "rakor-2030-03-15.sqlite3"

    result = runner.invoke(args=["backup", str(target)])

    assert result.exit_code == 0, result.output
    assert f"Backed up the database to {target} (" in result.output
    assert target.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    assert any(
        line.split() == ["registrations", "3", "rows"] for line in result.output.splitlines()
    )
    assert any(line.split() == ["users", "1", "rows"] for line in result.output.splitlines())
    # One self-contained file: no write-ahead log is needed to read it.
    assert sqlite3.connect(target).execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    restored = create_app(TestConfig(f"sqlite:///{target}"))
    with restored.app_context():
        names = db.session.scalars(sa.select(Registration.full_name).order_by(Registration.id))
        assert list(names) == [person["name"] for person in people]
        db.engine.dispose()


@on_sqlite
def test_backup_refuses_to_overwrite_unless_forced(runner, meeting, tmp_path):
    target = tmp_path / "rakor.sqlite3"
    target.write_text("yesterday's backup")

    refused = runner.invoke(args=["backup", str(target)])

    assert refused.exit_code != 0
    assert "exists already" in refused.output and "--force" in refused.output
    assert target.read_text() == "yesterday's backup"
    forced = runner.invoke(args=["backup", "--force", str(target)])
    assert forced.exit_code == 0, forced.output
    assert sqlite3.connect(target).execute("SELECT count(*) FROM registrations").fetchone() == (3,)


@on_sqlite
def test_backup_refuses_to_write_over_the_live_database(runner, app, meeting):
    result = runner.invoke(args=["backup", "--force", database_file(app)])
    assert result.exit_code != 0 and "is the database itself" in result.output


@on_sqlite
def test_backup_takes_no_uncommitted_write_and_does_not_wait_for_it(runner, app, meeting, tmp_path):
    """A registration being written while the backup runs is either in or out, never half."""
    writer = sqlite3.connect(database_file(app), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE registrations SET full_name = 'half-written'")
    writer.execute("DELETE FROM answers")
    target = tmp_path / "during-write.sqlite3"
    outcome = {}
    thread = threading.Thread(
        target=lambda: outcome.setdefault("r", runner.invoke(args=["backup", str(target)]))
    )
    thread.start()
    thread.join(timeout=10)
    writer.execute("COMMIT")
    writer.close()

    assert not thread.is_alive(), "the backup waited for the writer"
    assert outcome["r"].exit_code == 0, outcome["r"].output
    copy = sqlite3.connect(target)
    half = "SELECT count(*) FROM registrations WHERE full_name = 'half-written'"
    assert copy.execute(half).fetchone() == (0,)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    names = {n for (n,) in copy.execute("SELECT full_name FROM registrations")}
    assert names == {person["name"] for person in meeting[1]}


def test_backup_on_postgresql_prints_the_pg_dump_command_without_the_password(tmp_path):
    config = TestConfig("postgresql://rakor:rahasia@db.example:5433/rakor")
    app = create_app(config)  # no connection is made: the command only reads the URL

    result = app.test_cli_runner().invoke(args=["backup", "/var/backups/rakor.dump"])

    assert result.exit_code != 0
    assert "PostgreSQL" in result.output
    assert (
        "pg_dump --format=custom --no-owner --file=/var/backups/rakor.dump "
        "postgresql://rakor@db.example:5433/rakor" in result.output
    )
    assert "rahasia" not in result.output
    assert not (tmp_path / "rakor.dump").exists()
