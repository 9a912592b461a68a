"""Databases for the tests that run on both backends (issue 17): a fresh, EMPTY PostgreSQL
database per test on the session's one server, as a SQLite test gets a path where no file is yet.

An empty database is what `--db postgresql://…` meets the first time: `case add` and `import`
create the schema there, every other command says `db.missing`, as SQLite does for a path where
no file exists. The databases are created by the superuser, owned by the tool's role, copied from
template0 with STRATEGY FILE_COPY (no WAL of the copied files: the fastest way on the test
server, whose fsync is off) and dropped WITH (FORCE) after the test, which also ends any session
a test left behind (a client killed with SIGKILL, a connection a failed test did not close).

A template database (`template_from`) is a prepared caseload copied for each test that needs one
(CREATE DATABASE … TEMPLATE), the way a SQLite test copies a prepared file.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

    from tests.postgres_server import PostgresServer

APP_ROLE = "deadlines"  # tests/postgres_server.py: the tool's role, owner of the databases
URL_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(db: object) -> bool:
    """True when `db` (what `--db` takes: a path or a URL) names a PostgreSQL database."""
    return str(db).startswith(URL_SCHEMES)


def database_name(url: str) -> str:
    """The database a URL names (its path, without the query string)."""
    return url.split("?", 1)[0].rsplit("/", 1)[1]


class PostgresDatabases:
    """Creates and drops the test databases on one server, through one superuser connection."""

    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        self._admin: psycopg.Connection[tuple[object, ...]] | None = None
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._templates: dict[str, str] = {}
        self.prefix = f"t{os.getpid()}_"

    def url(self, name: str) -> str:
        """The tool's role on database `name`; no password (libpq reads PGPASSFILE)."""
        return f"postgresql://{APP_ROLE}@{self.server.host}:{self.server.port}/{name}"

    def _execute(self, sql: str) -> None:
        import psycopg

        with self._lock:
            if self._admin is None or self._admin.closed:
                self._admin = psycopg.connect(
                    self.server.admin_url,
                    passfile=str(self.server.passfile),
                    autocommit=True,
                    connect_timeout=10,
                )
            self._admin.execute(sql)

    def _name(self) -> str:
        return f"{self.prefix}{next(self._numbers)}"

    def create(self, template: str = "template0") -> str:
        """A new database, owned by the tool's role, copied from `template` (template0: empty,
        not even what a site may have added to template1); its URL."""
        name = self._name()
        self._execute(
            f'CREATE DATABASE "{name}" OWNER {APP_ROLE} TEMPLATE "{template}" STRATEGY FILE_COPY'
        )
        return self.url(name)

    def drop(self, url: str) -> None:
        """Drop the database, ending first every session still connected to it."""
        self._execute(f'DROP DATABASE IF EXISTS "{database_name(url)}" WITH (FORCE)')

    def template_from(self, key: str, fill: Callable[[str], None]) -> str:
        """The name of a template database made once per session for `key`: a new database
        `fill(url)` writes into; then copied by `create(template=…)` for each test. Nothing may
        stay connected to it (fill closes its connections), or the copy fails."""
        with self._lock:
            known = self._templates.get(key)
        if known is not None:
            return known
        url = self.create()
        try:
            fill(url)
            # Connections closed by the client may still be ending on the server side.
            self._execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{database_name(url)}' AND pid <> pg_backend_pid()"
            )
        except BaseException:
            self.drop(url)
            raise
        name = database_name(url)
        with self._lock:
            self._templates[key] = name
        return name

    def close(self) -> None:
        for name in list(self._templates.values()):
            self.drop(self.url(name))
        self._templates.clear()
        if self._admin is not None:
            self._admin.close()
            self._admin = None
