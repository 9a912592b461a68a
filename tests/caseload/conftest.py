"""Keep every caseload test away from the user's own database, and run it on both backends.

`db` is what `--db` takes: a SQLite path where no file exists yet, or the URL of a fresh, EMPTY
PostgreSQL database (issue 17). Every test that uses it runs twice, `[sqlite]` and
`[postgresql]`; a test whose subject is the SQLite file itself (its permissions, WAL, bytes,
damage, the upgrades of old SQLite schemas) is marked `@pytest.mark.sqlite_only` and runs once,
on SQLite. Nothing is skipped: the PostgreSQL variant of such a test is never generated.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.databases import PostgresDatabases

BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each test that uses `db` (or `new_db`, or a fixture built on them) gets one variant per
    backend, named by its id (`-k sqlite`, `-k postgresql`); sqlite_only ones, SQLite only."""
    if "backend" not in metafunc.fixturenames:
        return
    only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
    metafunc.parametrize("backend", ["sqlite"] if only_sqlite else list(BACKENDS))


@pytest.fixture(autouse=True)
def _private_default_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """DEADLINES_DB and XDG_DATA_HOME point into tmp_path, so even a command run without
    --db by mistake could not touch ~/.local/share/deadlines/cases.db."""
    monkeypatch.setenv("DEADLINES_DB", str(tmp_path / "env-default" / "cases.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    yield


@pytest.fixture
def new_db(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], Path | str]]:
    """Makes another database of the test's backend, as empty as `db`: a path in a folder that
    does not exist yet (SQLite), or the URL of a new empty database (PostgreSQL), dropped after
    the test. The server starts only for a PostgreSQL variant, and before the test runs: its
    PGPASSFILE is then in os.environ for every `deadlines` process the test starts."""
    databases: PostgresDatabases | None = None
    if backend == "postgresql":
        databases = request.getfixturevalue("postgres_databases")
    made: list[str] = []
    numbers = itertools.count()

    def make() -> Path | str:
        number = next(numbers)
        if databases is None:
            return tmp_path / ("data" if number == 0 else f"data-{number}") / "cases.db"
        made.append(databases.create())
        return made[-1]

    try:
        yield make
    finally:
        for url in made:
            assert databases is not None
            databases.drop(url)


@pytest.fixture
def db(new_db: Callable[[], Path | str]) -> Path | str:
    """A database path in a folder that does not exist yet, or an empty PostgreSQL database."""
    return new_db()
