"""A consistent copy of the SQLite database while the app keeps running.

SQLite's online backup API copies the pages of one read transaction: with WAL, writers go on
while it runs and none of their uncommitted work ends up in the copy. PostgreSQL has pg_dump
for this; `pg_dump_command` says how to call it for the configured database.
"""

import os
import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa


class BackupError(Exception):
    """Refused, with a code: target_exists, same_file, not_sqlite."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    rows: dict[str, int]


def pg_dump_command(url: sa.URL, target: str) -> str:
    """The pg_dump line for this database; the password stays out (PGPASSWORD or ~/.pgpass)."""
    plain = sa.URL.create(
        "postgresql", url.username, None, url.host, url.port, url.database, url.query
    )
    dsn = plain.render_as_string(hide_password=False)
    return f"pg_dump --format=custom --no-owner --file={shlex.quote(target)} {shlex.quote(dsn)}"


def sqlite_backup(engine: sa.Engine, target: Path, overwrite: bool = False) -> BackupResult:
    """Copy the live database to `target` in one read transaction; count its rows."""
    if engine.dialect.name != "sqlite":
        raise BackupError("not_sqlite")
    source_file = engine.url.database
    live = source_file and source_file != ":memory:"
    if live and target.exists() and target.resolve() == Path(source_file).resolve():
        raise BackupError("same_file")
    if target.exists() and not overwrite:
        raise BackupError("target_exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)  # a backup holds mobiles and e-mails: only its owner reads it
    raw = engine.raw_connection()
    try:
        copy = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(copy)  # all pages in one step: one snapshot
            # A single self-contained file: no -wal beside it when it is opened.
            copy.execute("PRAGMA journal_mode=DELETE")
            rows = _row_counts(copy)
        finally:
            copy.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        raw.close()
    if overwrite:
        os.replace(partial, target)
    else:
        try:
            os.link(partial, target)  # fails rather than overwrite a file made meanwhile
        except FileExistsError as error:
            raise BackupError("target_exists") from error
        except OSError:  # a file system without hard links
            if target.exists():
                raise BackupError("target_exists") from None
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return BackupResult(path=target, size=target.stat().st_size, rows=rows)


def _row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    return {
        name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names
    }


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
