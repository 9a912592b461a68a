"""Opening the caseload: where it lives, its permissions, pragmas and migrations.

A store is a SQLite file (the default, for a caseworker alone) or, given as a `postgresql://`
URL, a PostgreSQL database a team shares (caseload.postgres).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from caseload.database import Database, SqliteDatabase
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


def store_path(db: str | None) -> Path:
    """The store a command works on: --db, else $DEADLINES_DB, else the default path."""
    return Path(db) if db else default_path()


def is_url(location: str | Path) -> bool:
    """A PostgreSQL store: `postgresql://…` or `postgres://…` (libpq's two spellings)."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def store_location(db: str | None) -> str | Path:
    """What a command opens: a PostgreSQL URL as given, else the SQLite file's path."""
    location = db or os.environ.get(ENV_VAR)
    if location and is_url(location):
        return location
    return store_path(db)


def store_exists(db: str | None) -> bool:
    """Whether a caseload is there already: a SQLite file, or the tables in a PostgreSQL
    database (which the tool makes in an empty one). `import` checks a file against no store
    at all, so that a file with errors creates none."""
    location = store_location(db)
    if isinstance(location, Path):
        return location.exists()
    try:
        connect(location, create=False, field=_field(db)).close()
    except InputError as error:
        if error.key == "db.pg-missing":
            return False
        raise
    return True


def _field(db: str | None) -> str:
    """Where the store's path came from, for the error that names it."""
    if db:
        return "db"
    return "db-env" if os.environ.get(ENV_VAR) else "db-default"


def _create_private(path: Path) -> None:
    """A new SQLite store at `path`, readable by its owner only, in a folder only its owner can
    enter; nothing if another process created one first.

    It is made aside and linked into place whole, so that `path` never names an empty file: an
    empty file where a store is expected is refused (`connect`), never taken as a new store.
    """
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
    aside = path.with_name(f".{path.name}.{os.getpid()}.new")
    os.close(os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        connection = sqlite3.connect(aside)
        try:
            connection.execute("PRAGMA journal_mode = WAL")  # writes the header: one page
        finally:
            connection.close()
        os.chmod(aside, 0o600)
        # FileExistsError: another process created it meanwhile, and that one is the store.
        with suppress(FileExistsError):
            os.link(aside, path)
    finally:
        aside.unlink(missing_ok=True)


def connect(location: str | Path, create: bool = True, field: str = "db") -> Database:
    """The caseload at `location`, a SQLite path or a PostgreSQL URL (caseload.postgres)."""
    if is_url(location):
        from caseload.postgres import connect as connect_postgres

        return connect_postgres(str(location), create, field)
    path = Path(location)
    new = not path.exists()
    database = SqliteDatabase(_connect_sqlite(path, create, field), str(path), field)
    database.created = new
    return database


def _connect_sqlite(path: Path, create: bool, field: str) -> sqlite3.Connection:
    """A connection with foreign keys, WAL and a busy timeout, at the latest schema version.

    `create` makes a store where nothing exists (the commands: only `case add` and `import`, see
    `opened`); without it a missing store is refused. An empty file, a file that is not SQLite or
    one written by a newer version of the tool is always refused, untouched (InputError, exit 2).
    """
    if not path.exists():
        if not create:
            raise InputError("db.missing", field=field, value=str(path))
        try:
            _create_private(path)
        except OSError as error:
            raise InputError("db.open", field=field, value=str(path), reason=str(error)) from None
    elif path.is_dir():
        raise InputError("db.open", field=field, value=str(path), reason="directory")
    # Never open the file ourselves to read its header: closing any descriptor of a database
    # file drops every POSIX lock this process holds on it, including an open SQLite
    # connection's (sqlite.org/howtocorrupt.html §2.2), and another process could then
    # checkpoint and delete the WAL under it ("disk I/O error"). SQLite itself refuses a
    # foreign header (SQLITE_NOTADB); only a file too small to hold one page gets past it.
    size = path.stat().st_size
    if size == 0:
        raise InputError("db.empty", field=field, value=str(path))
    if size < MIN_PAGE_SIZE:
        raise InputError("db.not-sqlite", field=field, value=str(path))
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > LATEST:
            raise InputError(
                "db.newer", field=field, value=str(path), version=version, latest=LATEST
            )
        # Before anything is written (WAL mode, a migration, the command's own writes): a
        # damaged store is said, never written into (~20 ms at 5,000 cases).
        problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise InputError("db.damaged", field=field, value=str(path), reason=problems[0])
        _journal_wal(connection)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA synchronous = NORMAL")
        migrate(connection)
    except sqlite3.DatabaseError as error:
        connection.close()
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF
        if code == sqlite3.SQLITE_NOTADB:
            raise InputError("db.not-sqlite", field=field, value=str(path)) from error
        if code == sqlite3.SQLITE_CORRUPT:
            raise InputError(
                "db.damaged", field=field, value=str(path), reason=str(error)
            ) from None
        # Locked past the busy timeout, I/O error, read-only file…: say what SQLite said.
        raise InputError("db.open", field=field, value=str(path), reason=str(error)) from error
    except BaseException:
        connection.close()
        raise
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.chmod(side, 0o600)
    return connection


@contextmanager
def opened(
    db: str | None,
    create: bool = False,
    writes: bool = False,
    notify: Callable[[str, str], None] | None = None,
) -> Iterator[Database]:
    """The caseload at `db` (None: $DEADLINES_DB, else default_path()), closed when the command
    is done with it; `create`: made if nothing exists there (only `case add` and `import`
    create a store; on PostgreSQL, the schema in an empty database).

    A command that `writes` checks first that it can (a read-only file or medium); `connect` has
    checked that the store is intact. A damaged page, a lost server or a missing right met
    later, by any command, is one line naming the way out, never a traceback. A SQLite store
    that others could read (made by hand, or by an older tool) is made readable by its owner
    only, and `notify(key, path)` says so.

    Closed explicitly: a sqlite3.Connection sits in a reference cycle (its statement cache), so
    dropping it does not close it while the cyclic garbage collector is off (cli.main).
    """
    location, field = store_location(db), _field(db)
    writable = not isinstance(location, Path) or not location.exists()
    if writes and not writable and not os.access(location, os.W_OK):
        raise InputError("db.readonly", field=field, value=str(location))
    database = connect(location, create, field)
    if isinstance(location, Path):
        _tighten(location, notify)
    try:
        with database.said():
            yield database
    finally:
        database.close()


def _tighten(path: Path, notify: Callable[[str, str], None] | None) -> None:
    if path.stat().st_mode & 0o077 and os.access(path, os.W_OK):
        # A caseload (connect checked it is one) is health data: its owner's only, as a new
        # store is made.
        os.chmod(path, 0o600)
        if notify is not None:
            notify("db.tightened", str(path))


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
