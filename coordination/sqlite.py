"""SQLite as the embedded default: foreign keys, WAL, and one writer at a time without sleeping.

SQLite lets one connection write at a time. When another thread's connection holds the lock,
SQLite's busy handler sleeps and polls (1, 2, 5, 10 ... 100 ms), which turns a door's 3 ms
scan into a 100 ms one under load. Within one process, writers therefore queue on a lock
instead: taken at a transaction's first write, released at its commit or rollback. SQLite's
own lock and busy timeout still guard against other processes.
"""

import sqlite3
import threading

import sqlalchemy as sa

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
WAIT_SECONDS = 5.0  # as long as SQLite's busy_timeout below
_HOLDS_LOCK = "rakor_holds_write_lock"


def install(engine: sa.Engine) -> None:
    write_lock = threading.Lock()

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL survives any crash of the app; only a power cut may lose
        # the last commits. FULL would fsync on every registration.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _queue_writers(conn, _cursor, statement, _parameters, _context, _executemany):
        if conn.info.get(_HOLDS_LOCK) or not statement.lstrip()[:7].upper().startswith(WRITES):
            return
        if not write_lock.acquire(timeout=WAIT_SECONDS):
            raise sqlite3.OperationalError("database is locked")
        conn.info[_HOLDS_LOCK] = True

    def _release(info: dict) -> None:
        if info.pop(_HOLDS_LOCK, False):
            write_lock.release()

    sa.event.listen(engine, "commit", lambda conn: _release(conn.info))
    sa.event.listen(engine, "rollback", lambda conn: _release(conn.info))
    # A connection handed back to the pool unfinished is rolled back there.
    sa.event.listen(engine.pool, "reset", lambda _dbapi, record, _state: _release(record.info))
    sa.event.listen(engine.pool, "close", lambda _dbapi, record: _release(record.info))
