"""SQLite writers queue on a file lock shared by every process that serves the database."""

import os
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from coordination.door import services as door
from coordination.extensions import db
from coordination.sqlite import WriterQueue

TRY_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    print("busy")
else:
    print("free")
"""


def _other_process_finds(lock_path: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", TRY_LOCK, lock_path], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_a_writer_in_one_process_makes_the_others_wait(tmp_path):
    queue = WriterQueue(str(tmp_path / "rakor.sqlite3"))
    queue.acquire()
    lock_path = str(tmp_path / "rakor.sqlite3.writer-lock")
    try:
        assert _other_process_finds(lock_path) == "busy"
    finally:
        queue.release()
    assert _other_process_finds(lock_path) == "free"


def test_an_in_memory_database_needs_no_lock_file(tmp_path):
    queue = WriterQueue(":memory:")
    queue.acquire()
    queue.release()
    assert os.listdir(tmp_path) == []


@pytest.fixture
def sqlite_only(ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the writers' queue is SQLite's; PostgreSQL locks rows itself")
    with db.engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE scratch (code TEXT)"))
    return ctx


def test_a_thread_writing_on_two_connections_is_told_at_once(sqlite_only):
    """Waiting would mean waiting for itself until the timeout: it fails instead, at once."""
    with db.engine.connect() as first, db.engine.connect() as second:
        first.execute(sa.text("INSERT INTO scratch (code) VALUES ('A')"))
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="already writes"):
            second.execute(sa.text("INSERT INTO scratch (code) VALUES ('B')"))
        assert time.monotonic() - started < 1
        first.rollback()


def test_a_write_in_autocommit_leaves_the_queue_when_it_ends(sqlite_only):
    """A door scan's insert commits as it runs; the request's own writes may follow."""
    with door.scan_connection() as connection:
        connection.execute(sa.text("INSERT INTO scratch (code) VALUES ('A')"))
    db.session.execute(sa.text("INSERT INTO scratch (code) VALUES ('B')"))
    db.session.commit()
    codes = db.session.scalars(sa.text("SELECT code FROM scratch ORDER BY code")).all()
    assert codes == ["A", "B"]
