"""One open caseload, whatever holds it: a SQLite file or a PostgreSQL database (issue 17).

The modules of caseload/ write one SQL for both engines (`?` placeholders; ON CONFLICT,
RETURNING and the rest of what both read) and go through a `Database` for the few things the
two engines do differently: how a write transaction takes the one-writer lock, how a read sees
one snapshot, which errors mean "busy", "read-only" or "damaged", and how a removed case's
change log is really erased. `SqliteDatabase` is here; `caseload.postgres` holds the other, and
is imported only when the store is a PostgreSQL URL (psycopg costs ~130 ms to import).

Why not SQLAlchemy Core + Alembic: importing it costs ~0.2 s on every command, twice the whole
`agenda` of 300 cases, and the things that differ (locking, snapshots, triggers, erasure,
backups) would still be written per engine. docs/postgres-port.md §3 has the measurements.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from time import monotonic
from typing import Any, Protocol

from deadlines.errors import InputError


class Cursor(Protocol):
    """What the caseload reads back from a statement (sqlite3 and psycopg cursors both)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Database(ABC):
    """An open caseload. `location` names it in messages (a path, or a URL without password);
    `field` says where it came from (--db, $DEADLINES_DB or the default path); `created`:
    the store was made by this connection (a new file, or the tables in an empty database)."""

    dialect: str  # "sqlite" or "postgresql"

    def __init__(self, location: str, field: str) -> None:
        self.location = location
        self.field = field
        self.created = False  # made by this connection (a new file, a new schema)

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...

    @abstractmethod
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    @property
    @abstractmethod
    def in_transaction(self) -> bool: ...

    @abstractmethod
    def _begin_write(self) -> None:
        """Begin a transaction holding the one-writer lock (waiting for it up to 10 s)."""

    @abstractmethod
    def _begin_snapshot(self) -> None:
        """Begin a read-only transaction in which every statement sees the same data."""

    @abstractmethod
    def failure(self, error: BaseException) -> tuple[str, str] | None:
        """A store error as (message key, reason): db.busy, db.readonly, db.open, db.damaged;
        None when `error` is not one (a bug, such as a constraint the code should have
        checked, is raised as it is)."""

    @abstractmethod
    def columns(self, table: str) -> list[str]:
        """The names of `table`'s columns, in their order."""

    @abstractmethod
    def ids_follow(self, tables: Iterable[str]) -> None:
        """Inside a write, after rows were inserted with their ids (`db copy`): the next row
        added to each of `tables` gets an id above them."""

    @abstractmethod
    def delete_change_log(self, ref: str) -> None:
        """Inside `erasing`: delete the change log of `ref`, append-only otherwise (schema)."""

    @contextmanager
    def said(self) -> Iterator[None]:
        """A fault of the store met inside (a server gone, a read-only file, a damaged page) as
        one InputError naming the store; anything else is raised as it is (a constraint the
        code should have checked is a bug, not the user's store)."""
        try:
            yield
        except Exception as error:
            if (failed := self.failure(error)) is None:
                raise
            key, reason = failed
            if key == "db.busy":  # a lock met outside a write transaction's wait
                key = "db.open"
            raise InputError(key, field=self.field, value=self.location, reason=reason) from None

    @contextmanager
    def write(self) -> Iterator[None]:
        """One write transaction, all or nothing: COMMIT, or ROLLBACK on any error.

        It takes the one-writer lock first (another writer waits for it, up to 10 s, then
        db.busy), so a read-modify-write inside sees no other writer's change come between."""
        started = monotonic()
        try:
            self._begin_write()
        except Exception as error:
            if self.in_transaction:
                self.execute("ROLLBACK")
            if (failed := self.failure(error)) is None or failed[0] != "db.busy":
                raise
            waited = round(monotonic() - started)
            raise InputError("db.busy", field="db", seconds=waited) from None
        try:
            yield
        except BaseException:
            if self.in_transaction:  # SQLite may have rolled back already (I/O error, full)
                self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read of several statements that must agree (a case's revision and its events)."""
        self._begin_snapshot()
        try:
            yield
        finally:
            if self.in_transaction:
                self.execute("COMMIT")

    @contextmanager
    def erasing(self) -> Iterator[None]:
        """The write transaction of `case remove`: health data must really go, so the engine
        is asked to overwrite what it would otherwise keep of the deleted rows, where it can."""
        with self.write():
            yield


class SqliteDatabase(Database):
    """A caseload in a SQLite file (caseload.db.connect opens it)."""

    dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection, location: str, field: str) -> None:
        super().__init__(location, field)
        self.raw = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self.raw.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.raw.executemany(sql, rows)

    def close(self) -> None:
        self.raw.close()

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    def _begin_write(self) -> None:
        # IMMEDIATE: the write lock now, not at the first write (busy timeout, caseload.db).
        self.execute("BEGIN IMMEDIATE")

    def _begin_snapshot(self) -> None:
        self.execute("BEGIN")  # a read transaction sees one snapshot of a WAL database

    def failure(self, error: BaseException) -> tuple[str, str] | None:
        if isinstance(error, sqlite3.IntegrityError) or not isinstance(
            error, sqlite3.DatabaseError
        ):
            return None
        if isinstance(error, sqlite3.OperationalError):
            code = getattr(error, "sqlite_errorcode", 0) & 0xFF
            if code == sqlite3.SQLITE_BUSY:
                return "db.busy", str(error)
            if "readonly" in str(error):
                return "db.readonly", str(error)
            return "db.open", str(error)  # I/O error, disk full…: what SQLite said
        return "db.damaged", str(error)

    def columns(self, table: str) -> list[str]:
        query = "SELECT name FROM pragma_table_info(?) ORDER BY cid"
        return [str(row[0]) for row in self.execute(query, (table,))]

    def ids_follow(self, tables: Iterable[str]) -> None:
        pass  # a rowid is one more than the largest already: nothing to set

    def delete_change_log(self, ref: str) -> None:
        # The one trigger that forbids deleting from the log is lifted inside this transaction
        # and put back as it was (schema.V1).
        (guard,) = self.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
            "AND name = 'changes_append_only_delete'"
        ).fetchone()
        self.execute("DROP TRIGGER changes_append_only_delete")
        self.execute("DELETE FROM changes WHERE ref = ?", (ref,))
        self.execute(guard)

    @contextmanager
    def erasing(self) -> Iterator[None]:
        # Deleted pages are overwritten with zeros, and the write-ahead log, which still holds
        # the old pages, is checkpointed and truncated once the deletion is committed.
        self.execute("PRAGMA secure_delete = ON")
        with self.write():
            yield
        self.execute("PRAGMA wal_checkpoint(TRUNCATE)")
