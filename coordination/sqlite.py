"""SQLite as the embedded default: foreign keys, WAL, and one writer at a time without sleeping.

SQLite lets one connection write at a time. When another connection holds the lock, SQLite's
busy handler sleeps and polls (1, 2, 5, 10 ... 100 ms), which turns a door's 3 ms scan into
a 100 ms one under load, and leaves the processor idle while it sleeps. Writers therefore
queue instead: on a lock within the process, then on an advisory file lock (flock) beside the
database that gunicorn's other worker processes share. The kernel wakes the next writer the
moment the last one commits. Both are taken at a transaction's first write and released at
its commit or rollback, or as soon as the statement ends in autocommit. SQLite's own lock and
busy timeout still guard anything else that opens the file (a backup, the sqlite3 shell).
"""

import fcntl
import os
import sqlite3
import threading

import sqlalchemy as sa

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
WAIT_SECONDS = 5.0  # as long as SQLite's busy_timeout below
_HOLDS_LOCK = "rakor_holds_write_lock"


class WriterQueue:
    """One writer at a time across the threads and processes that share a database file."""

    def __init__(self, database: str | None):
        self._thread_lock = threading.Lock()
        in_memory = not database or database == ":memory:" or database.startswith("file::memory")
        self._path = None if in_memory else os.path.abspath(database) + ".writer-lock"
        self._fd: int | None = None
        self._pid: int | None = None
        self._owner: int | None = None  # the thread that holds the lock

    def _file(self) -> int | None:
        if self._path is None:
            return None
        # A descriptor opened before gunicorn forked would be shared with the other workers,
        # and a shared descriptor's flock excludes nobody: each process opens its own.
        if self._pid != os.getpid():
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def acquire(self) -> None:
        if self._owner == threading.get_ident():
            # Waiting would wait for ourselves: two connections writing in one thread.
            raise RuntimeError("this thread already writes on another SQLite connection")
        if not self._thread_lock.acquire(timeout=WAIT_SECONDS):
            raise sqlite3.OperationalError("database is locked")
        self._owner = threading.get_ident()
        try:
            fd = self._file()
            if fd is not None:
                # Only one thread per process gets here at a time, so the wait is for the
                # other processes' writers: short transactions, released even if one dies.
                fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            self._owner = None
            self._thread_lock.release()
            raise

    def release(self) -> None:
        self._owner = None
        try:
            if self._fd is not None and self._pid == os.getpid():
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


def install(engine: sa.Engine) -> None:
    writers = WriterQueue(engine.url.database)

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
        writers.acquire()
        conn.info[_HOLDS_LOCK] = True

    def _release(info: dict) -> None:
        if info.pop(_HOLDS_LOCK, False):
            writers.release()

    @sa.event.listens_for(engine, "after_cursor_execute")
    def _release_after_autocommit(conn, cursor, _statement, _parameters, _context, _many):
        # In autocommit a write commits as it runs: no commit event will follow.
        if conn.info.get(_HOLDS_LOCK) and not cursor.connection.in_transaction:
            _release(conn.info)

    @sa.event.listens_for(engine, "handle_error")
    def _release_after_failed_autocommit(context):
        dbapi_connection = (
            context.connection.connection.dbapi_connection if context.connection else None
        )
        if dbapi_connection is not None and not dbapi_connection.in_transaction:
            _release(context.connection.info)

    def _finish_then_release(conn, finish: str) -> None:
        # SQLAlchemy tells of a commit or rollback before it happens; released then, the
        # next writer would find SQLite's own lock still held and sleep in its busy handler.
        # So it happens here first; SQLAlchemy's own call that follows finds nothing to do.
        if not conn.info.get(_HOLDS_LOCK):
            return
        try:
            getattr(conn.connection.dbapi_connection, finish)()
        except sqlite3.Error:
            return  # SQLAlchemy's own call raises it, and the rollback after it releases
        _release(conn.info)

    sa.event.listen(engine, "commit", lambda conn: _finish_then_release(conn, "commit"))
    sa.event.listen(engine, "rollback", lambda conn: _finish_then_release(conn, "rollback"))
    # A connection handed back to the pool unfinished is rolled back there.
    sa.event.listen(engine.pool, "reset", lambda _dbapi, record, _state: _release(record.info))
    sa.event.listen(engine.pool, "close", lambda _dbapi, record: _release(record.info))
