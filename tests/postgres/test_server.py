"""The PostgreSQL test server itself: it starts from the wheel, logs in through PGPASSFILE only,
behaves as a shared server (one client sees another's committed rows), and leaves nothing
behind. The caseload's own PostgreSQL tests build on the `postgres_url` fixture."""

from __future__ import annotations

import os
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.postgres_server import (
    PostgresServer,
    PostgresStartError,
    process_is_gone,
    running_postgres,
)


@pytest.fixture
def table(postgres_url: str) -> Iterator[str]:
    """A fresh table, dropped afterwards (the server lives for the whole session)."""
    name = "t_server_test"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {name}")
        conn.execute(f"CREATE TABLE {name} (id integer PRIMARY KEY, ref text NOT NULL)")
    yield name
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {name}")


@pytest.fixture
def world_traversable_folder() -> Iterator[Path]:
    """A parent folder the server's account may walk through (pytest's tmp_path is 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="deadlines-pg-test-"))
    folder.chmod(0o711)
    yield folder
    folder.rmdir()  # fails the test if running_postgres() left anything in it


def test_the_url_carries_no_password_and_the_passfile_is_private(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    assert urlsplit(postgres_url).password is None
    assert os.environ["PGPASSFILE"] == str(postgres_server.passfile)
    assert stat.S_IMODE(postgres_server.passfile.stat().st_mode) == 0o600


def test_psycopg_logs_in_with_the_password_from_the_passfile(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        row = conn.execute("SELECT current_user, current_setting('is_superuser'), system_user")
        # system_user is "method:identity": the server checked a scram-sha-256 password.
        assert row.fetchone() == ("deadlines", "off", "scram-sha-256:deadlines")
        assert conn.pgconn.used_password
        assert conn.info.host == "127.0.0.1"


def test_without_the_passfile_the_server_refuses(postgres_url: str, tmp_path: Path) -> None:
    """Password authentication for real: no `trust` line lets a client in without it."""
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(postgres_url, passfile=str(tmp_path / "none"), connect_timeout=5)


def test_the_server_does_not_run_as_root(postgres_server: PostgresServer) -> None:
    status = Path(f"/proc/{postgres_server.pid}/status").read_text(encoding="ascii")
    uids = next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1:]
    assert "0" not in uids
    assert uids[0] == str(os.geteuid()) or os.geteuid() == 0


def test_two_connections_see_each_others_committed_rows(postgres_url: str, table: str) -> None:
    with psycopg.connect(postgres_url) as first, psycopg.connect(postgres_url) as second:
        first.execute(f"INSERT INTO {table} VALUES (1, 'A-1')")
        # Not committed yet: the other session does not see it (READ COMMITTED).
        assert second.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
        second.rollback()
        first.commit()
        assert second.execute(f"SELECT ref FROM {table}").fetchall() == [("A-1",)]
        second.execute(f"INSERT INTO {table} VALUES (2, 'B-2')")
        second.commit()
        rows = first.execute(f"SELECT id, ref FROM {table} ORDER BY id").fetchall()
        assert rows == [(1, "A-1"), (2, "B-2")]


def test_the_server_and_its_files_are_gone_after_the_block(world_traversable_folder: Path) -> None:
    with running_postgres(parent=world_traversable_folder) as server:
        with psycopg.connect(server.url, passfile=str(server.passfile)) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        pid, port, root = server.pid, server.port, server.root
        assert root.is_dir()
    assert process_is_gone(pid)
    assert not root.exists()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_a_server_that_cannot_start_says_why_and_leaves_nothing(
    world_traversable_folder: Path,
) -> None:
    with (
        pytest.raises(PostgresStartError, match=r"pg_ctl start failed(?s:.*)shared_buffers"),
        running_postgres(settings={"shared_buffers": "plenty"}, parent=world_traversable_folder),
    ):
        pytest.fail("the server started with an invalid setting")
