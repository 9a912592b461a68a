"""The PostgreSQL test server (issue 17), for the tests under tests/postgres.

The session fixture `postgres_server` itself is in tests/conftest.py, shared with the caseload
tests, which run on both backends (tests/caseload/conftest.py).
"""

from __future__ import annotations

import pytest

from tests.postgres_server import PostgresServer


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """`postgresql://deadlines@127.0.0.1:PORT/deadlines`: no password, libpq finds it."""
    return postgres_server.url
