"""A caseload in a PostgreSQL database, shared by a team (issue 17).

Opened when the store is given as a `postgresql://` URL. The database itself is made by its
administrator; the tool makes its schema (caseload.schema_pg) in an empty one, and only when
the command creates a store (`case add`, `import`, `db copy`), as on SQLite where nothing
exists at the path. The password never comes from the URL: libpq reads it from PGPASSFILE
(~/.pgpass), PGPASSWORD or a service file, so that it is in no shell history and no `ps`.

Writers take one advisory lock for the length of their transaction: PostgreSQL then does what
SQLite's BEGIN IMMEDIATE does, so every read-modify-write of the caseload (a case's version,
the export's string table, an import) sees no other writer come between. A writer killed in
the middle loses its connection, and the server rolls its transaction back and frees the lock.
A team of volunteers writes a few times a minute; the lock is held for milliseconds.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
import psycopg.errors
from psycopg.pq import TransactionStatus

from caseload import schema_pg
from caseload.database import Cursor, Database
from caseload.schema import LATEST
from deadlines.errors import InputError

CONNECT_TIMEOUT_S = 10
LOCK_TIMEOUT = "10s"  # as SQLite's busy timeout (caseload.db.BUSY_TIMEOUT_MS)
# The pg_advisory_xact_lock key of writers: b"deadline" read as an integer; any constant would
# do, as long as another application's locks in the same database do not use it.
WRITER_LOCK = 0x646561646C696E65


@functools.lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """The caseload's SQL with psycopg's placeholders: `?` becomes `%s`, and a `%` of the SQL
    itself is doubled (no `?` is ever inside a literal: tests/postgres/test_schema.py)."""
    return sql.replace("%", "%%").replace("?", "%s")


# The hosts a connection to which never leaves the machine: no TLS is asked for them.
LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})


def tls_options(options: Mapping[str, object], env: Mapping[str, str]) -> dict[str, str]:
    """What to add to the connection so that a caseload (health data) never crosses a network
    unencrypted, nor to a server that is not the one named: libpq's default (`prefer`) would
    fall back to plain text and never checks the certificate. A server on this machine (a
    local host or a Unix socket) needs nothing; an address that says how to connect (sslmode,
    a service file) is followed as it is. Otherwise: TLS with the certificate verified against
    the system's authorities (sslrootcert=system), unless the URL or PGSSLROOTCERT names the
    authority of a private one."""
    if {"sslmode", "service"} & options.keys() or {"PGSSLMODE", "PGSERVICE"} & env.keys():
        return {}
    hosts = str(options.get("host") or env.get("PGHOST") or "").split(",")
    if all(host in LOCAL_HOSTS or host.startswith("/") for host in hosts):
        return {}
    extra = {"sslmode": "verify-full"}
    if "sslrootcert" not in options and "PGSSLROOTCERT" not in env:
        extra["sslrootcert"] = "system"
    return extra


def shown(url: str) -> str:
    """The URL as messages show it: any password in it replaced by ***."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        if ":" in user:
            netloc = f"{user.split(':', 1)[0]}:***@{host}"
    query = [(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, safe="*")))


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, connection: psycopg.Connection[Any], location: str, field: str) -> None:
        super().__init__(location, field)
        self.raw = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self.raw.execute(_placeholders(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.raw.cursor() as cursor:
            cursor.executemany(_placeholders(sql), rows)

    def close(self) -> None:
        self.raw.close()

    @property
    def in_transaction(self) -> bool:
        status = self.raw.info.transaction_status
        return status in (TransactionStatus.INTRANS, TransactionStatus.INERROR)

    def _begin_write(self) -> None:
        self.execute("BEGIN")
        self.execute("SELECT pg_advisory_xact_lock(?)", (WRITER_LOCK,))

    def _begin_snapshot(self) -> None:
        # READ COMMITTED takes a new snapshot at each statement: a case's revision and its
        # events could then disagree.
        self.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def failure(self, error: BaseException) -> tuple[str, str] | None:
        reason = " ".join(str(error).split())
        if isinstance(
            error,
            psycopg.errors.LockNotAvailable
            | psycopg.errors.QueryCanceled
            | psycopg.errors.SerializationFailure
            | psycopg.errors.DeadlockDetected,
        ):
            return "db.busy", reason
        if isinstance(
            error, psycopg.errors.InsufficientPrivilege | psycopg.errors.ReadOnlySqlTransaction
        ):
            return "db.readonly", reason
        if isinstance(
            error, psycopg.OperationalError | psycopg.InterfaceError | psycopg.InternalError
        ):
            if self.raw.broken:  # the server went away, was restarted, the network dropped
                return "db.lost", reason
            # The server could not do it: out of disk, its own data damaged (the SQLite
            # recovery db.damaged names does not apply: that is the server's administrator's).
            return "db.open", reason
        return None  # a constraint or a statement the code got wrong: a bug, shown as one

    def columns(self, table: str) -> list[str]:
        query = (
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position"
        )
        return [str(row[0]) for row in self.execute(query, (table,))]

    def ids_follow(self, tables: Iterable[str]) -> None:
        # An identity column draws from its sequence, which rows inserted with their ids did
        # not move: the next `case add` would collide with a copied case.
        for table in tables:
            self.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table}"
            )

    def delete_change_log(self, ref: str) -> None:
        # The append-only trigger lets this transaction, and only it, delete this case's lines
        # (caseload.schema_pg: changes_append_only); `true`: the setting ends with it.
        self.execute("SELECT set_config('deadlines.removing', ?, true)", (ref,))
        self.execute("DELETE FROM changes WHERE ref = ?", (ref,))


def connect(url: str, create: bool, field: str) -> PostgresDatabase:
    """The caseload in the database at `url`, its schema made (`create`) or brought to the
    latest version. Refused, untouched: a URL carrying a password, a database holding other
    tables than a caseload's, one written by a newer version of the tool."""
    location = shown(url)
    try:
        options = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as error:
        raise InputError(
            "db.url", field=field, value=location, reason=" ".join(str(error).split())
        ) from None
    if "password" in options:
        raise InputError("db.url-password", field=field, value=location)
    try:
        raw = psycopg.connect(
            psycopg.conninfo.make_conninfo(url, **tls_options(options, os.environ)),
            autocommit=True,  # transactions are begun explicitly (Database.write, snapshot)
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="deadlines",
        )
    except psycopg.Error as error:
        reason = " ".join(str(error).split())
        raise InputError("db.open", field=field, value=location, reason=reason) from None
    database = PostgresDatabase(raw, location, field)
    try:
        with database.said():
            database.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
            if (version := _version(database, create)) < LATEST:
                try:
                    _migrate(database, create)
                except psycopg.errors.InsufficientPrivilege:
                    # A caseworker's role may use the tables, not make or change them: the
                    # owner's role runs the first command after an update (README "Working
                    # as a team").
                    raise InputError(
                        "db.schema-denied",
                        field=field,
                        value=location,
                        version=version,
                        latest=LATEST,
                    ) from None
                database.created = version == 0
    except BaseException:
        database.close()
        raise
    return database


def _version(database: PostgresDatabase, create: bool) -> int:
    """The schema version (0: an empty database), or InputError when the tool must not go on."""
    # One statement, so one snapshot: another command creating the tables at this moment is
    # seen either whole or not at all (never its tables without its version table).
    (ours, tables) = database.execute(
        "SELECT count(*) FILTER (WHERE tablename = ?), count(*) FROM pg_catalog.pg_tables "
        "WHERE schemaname = current_schema()",
        (schema_pg.VERSION_TABLE,),
    ).fetchone()
    if not ours:
        if tables:  # someone else's tables: never write a caseload among them
            raise InputError("db.not-caseload", field=database.field, value=database.location)
        if not create:
            raise InputError("db.pg-missing", field=database.field, value=database.location)
        return 0
    (version,) = database.execute(f"SELECT max(version) FROM {schema_pg.VERSION_TABLE}").fetchone()
    if version is None or version > LATEST:
        raise InputError(
            "db.newer",
            field=database.field,
            value=database.location,
            version=version if version is not None else "?",
            latest=LATEST,
        )
    return int(version)


def _migrate(database: PostgresDatabase, create: bool) -> None:
    """Make the schema, or bring it to LATEST, one version per transaction (DDL is
    transactional in PostgreSQL). Two commands starting on a new database at once: the
    writer lock makes the second wait, and it then finds the work done."""
    while True:
        with database.write():
            version = _version(database, create)
            if version >= LATEST:
                return
            database.raw.execute(schema_pg.script_to(version))  # several statements, no `?`
            if version:
                database.execute(
                    f"UPDATE {schema_pg.VERSION_TABLE} SET version = ?", (version + 1,)
                )
