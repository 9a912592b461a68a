"""Opening the caseload database: where it lives, its permissions, pragmas and migrations."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from caseload.schema import LATEST, MIGRATIONS
from deadlines.errors import InputError

ENV_VAR = "DEADLINES_DB"
BUSY_TIMEOUT_MS = 10_000  # two terminals at once: wait for the other's write, do not fail
MIN_PAGE_SIZE = 512  # a non-empty SQLite database is at least one page


def default_path() -> Path:
    """$DEADLINES_DB, else $XDG_DATA_HOME/deadlines/cases.db (~/.local/share/deadlines/cases.db)."""
    if env := os.environ.get(ENV_VAR):
        return Path(env)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "deadlines" / "cases.db"


def _create_private(path: Path) -> None:
    """An empty file readable by its owner only, in a folder only its owner can enter."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def connect(path: Path, create: bool = True) -> sqlite3.Connection:
    """A connection with foreign keys, WAL and a busy timeout, at the latest schema version.

    A file that is not SQLite, or was written by a newer version of the tool, is refused
    untouched (InputError, exit 2).
    """
    if not path.exists():
        if not create:
            raise InputError("db.missing", field="db", value=str(path))
        try:
            _create_private(path)
        except FileExistsError:
            pass  # another process created it meanwhile
        except OSError as error:
            raise InputError("db.open", field="db", value=str(path), reason=str(error)) from None
    elif path.is_dir():
        raise InputError("db.open", field="db", value=str(path), reason="directory")
    # Never open the file ourselves to read its header: closing any descriptor of a database
    # file drops every POSIX lock this process holds on it, including an open SQLite
    # connection's (sqlite.org/howtocorrupt.html §2.2), and another process could then
    # checkpoint and delete the WAL under it ("disk I/O error"). SQLite itself refuses a
    # foreign header (SQLITE_NOTADB); only a file too small to hold one page gets past it.
    size = path.stat().st_size
    if 0 < size < MIN_PAGE_SIZE:
        raise InputError("db.not-sqlite", field="db", value=str(path))
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > LATEST:
            raise InputError(
                "db.newer", field="db", value=str(path), version=version, latest=LATEST
            )
        _journal_wal(connection)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA synchronous = NORMAL")
        migrate(connection)
    except sqlite3.DatabaseError as error:
        connection.close()
        if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:
            raise InputError("db.not-sqlite", field="db", value=str(path)) from error
        # Locked past the busy timeout, I/O error, read-only file…: say what SQLite said.
        raise InputError("db.open", field="db", value=str(path), reason=str(error)) from error
    except BaseException:
        connection.close()
        raise
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.chmod(side, 0o600)
    return connection


@contextmanager
def opened(db: str | None) -> Iterator[sqlite3.Connection]:
    """The caseload at `db` (None: default_path()), closed when the command is done with it.

    Closed explicitly: a sqlite3.Connection sits in a reference cycle (its statement cache), so
    dropping it does not close it while the cyclic garbage collector is off (cli.main).
    """
    connection = connect(Path(db) if db else default_path())
    try:
        yield connection
    finally:
        connection.close()


def _journal_wal(connection: sqlite3.Connection) -> None:
    """Switch to WAL. On a new file, two processes may both try at once: SQLite then answers
    "database is locked" to one of them at once, without the busy wait (waiting could deadlock),
    so wait and retry here, for as long as the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            busy = getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def migrate(connection: sqlite3.Connection) -> None:
    """Run every migration above the database's version, each in its own transaction."""
    while True:
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version >= LATEST:
                connection.execute("COMMIT")
                return
            for statement in _statements(MIGRATIONS[version]):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {version + 1}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:  # SQLite may have rolled back already (I/O error)
                connection.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit on its own)."""
    statements: list[str] = []
    buffer = ""
    for line in script.strip().splitlines():
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return statements
