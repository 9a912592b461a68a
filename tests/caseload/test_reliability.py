"""What the store must survive: a SIGKILL in the middle of a big import, two writers at once.

Both tests run the real thing in separate processes: the installed `deadlines` console script for
the import, and two Python processes running the `case add` command for the concurrent writers.
Both run on SQLite and on PostgreSQL (the `db` fixture): on PostgreSQL the killed client's
session is rolled back by the server, and the writers meet at the advisory lock.
"""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from caseload import store
from caseload.db import connect
from deadlines.rules.model import EventKind
from tests.caseload.helpers import (
    ROOT,
    SCRIPT,
    connected,
    create_store,
    is_postgres,
    rows,
    subprocess_env,
)

ROWS = 5000
EVENTS_PER_ROW = 9
ATTEMPTS = 4
# The transaction writes about 5 MB of pages; it starts spilling them into the WAL once SQLite's
# 2 MiB page cache is full, long before the commit. Killed with 1 MiB of frames in the WAL, the
# process dies with hundreds of uncommitted pages written that recovery must ignore. On
# PostgreSQL the uncommitted rows grow the tables' files as they are inserted: killed once they
# hold 1 MiB, the server must roll all of it back.
KILL_AT_BYTES = 1 << 20


def _big_csv(path: Path) -> Path:
    """5,000 cases of nine events each: enough changed pages to overflow SQLite's page cache
    (2 MiB), so that the transaction spills uncommitted pages into the WAL before it commits."""
    lines = [
        "ref,territory,application-filed,certificate-available,ofii-request,college-request,"
        "certificate-received,permit-expires"
    ]
    territories = ("75", "93", "974", "971", "2A")
    for n in range(ROWS):
        day = 1 + n % 28
        lines.append(
            f"PATIENT-{n:05d},{territories[n % len(territories)]},{day:02d}/01/2025,"
            f"{day:02d}/02/2025,03/03/2025|10/03/2025|17/03/2025,01/04/2025|08/04/2025,"
            "05/05/2025,31/12/2025"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _assert_intact(db: Path | str) -> None:
    """SQLite: integrity_check and foreign_key_check pass (plain sqlite3: recovery of the WAL
    happens here). Both: no event, done mark or memo row without its case."""
    if not is_postgres(db):
        connection = sqlite3.connect(db)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            connection.close()
    for table in ("events", "done", "computed"):
        orphans = f"SELECT count(*) FROM {table} WHERE case_id NOT IN (SELECT id FROM cases)"
        assert rows(db, orphans) == [(0,)], table


def _check(db: Path | str) -> int:
    """The store is intact and the cases are all there or none; their number."""
    _assert_intact(db)
    (counts,) = rows(
        db,
        "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM events), "
        "(SELECT count(*) FROM changes)",
    )
    cases, events, logged = counts
    everything = (ROWS, ROWS * EVENTS_PER_ROW, ROWS)
    assert (cases, events, logged) in {(0, 0, 0), everything}, (cases, events, logged)
    return int(cases)


@contextmanager
def _written_bytes(db: Path | str) -> Iterator[Callable[[], int]]:
    """How much a writer has written so far, committed or not: the size of the WAL (SQLite), or
    of the files of the tables an import fills (PostgreSQL, asked on a connection of our own)."""
    if not is_postgres(db):
        wal = Path(db).with_name(Path(db).name + "-wal")

        def wal_size() -> int:
            try:
                return wal.stat().st_size
            except FileNotFoundError:
                return 0

        yield wal_size
        return
    import psycopg

    with psycopg.connect(str(db), autocommit=True) as watcher:

        def table_sizes() -> int:
            (size,) = watcher.execute(
                "SELECT pg_relation_size('cases') + pg_relation_size('events') "
                "+ pg_relation_size('changes')"
            ).fetchone() or (0,)
            return int(size)

        yield table_sizes


def test_sigkill_in_the_middle_of_a_5000_row_import_leaves_all_rows_or_none(
    new_db: Callable[[], Path | str], tmp_path: Path
) -> None:
    """The import runs in its own process; the test watches what it writes (the WAL file, or
    the tables' files on PostgreSQL) and sends SIGKILL as soon as 1 MiB of uncommitted data is
    written (the transaction writes it while inserting). After the kill: the store is intact,
    and holds no case at all (the commit never happened). If the process wins the race and
    commits first, the database must hold every case; the test then tries again, and fails if
    it never caught the import mid-way. Finally the same import, re-run on the crashed
    database, completes."""
    csv_path = _big_csv(tmp_path / "big.csv")
    env = subprocess_env(tmp_path)
    caught = 0
    for _ in range(ATTEMPTS):
        db = new_db()
        create_store(db)  # created and migrated (SQLite: the WAL is empty and removed on close)
        with _written_bytes(db) as written:
            process = subprocess.Popen(
                [str(SCRIPT), "import", str(csv_path), "--db", str(db)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            size = 0
            deadline = time.monotonic() + 60
            while process.poll() is None and time.monotonic() < deadline:
                size = written()
                if size >= KILL_AT_BYTES:
                    process.send_signal(signal.SIGKILL)
                    break
                time.sleep(0.0005)
            _, stderr = process.communicate(timeout=60)
        if not is_postgres(db):
            assert not Path(f"{db}-wal").exists() or size > 0
        cases = _check(db)
        if process.returncode == -signal.SIGKILL:
            assert b"Traceback" not in stderr
            if cases == 0:
                assert size >= KILL_AT_BYTES  # killed with uncommitted data written
                caught += 1
                # The crashed database is still a working caseload: the import can be re-run.
                again = subprocess.run(
                    [str(SCRIPT), "import", str(csv_path), "--db", str(db)],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=120,
                    check=False,
                )
                assert again.returncode == 0, again.stderr
                assert f"{ROWS} dossier(s) importé(s)." in again.stderr
                assert _check(db) == ROWS
                break
        else:
            assert process.returncode == 0, stderr.decode()
            assert cases == ROWS
    assert caught >= 1, "the import always committed before the kill: never caught mid-way"


WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    import typer.main

    from cli import app

    db, tag, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    command = typer.main.get_command(app)  # built once: each add is a full command run
    while not go.exists():  # both writers start together, after their imports
        time.sleep(0.001)
    for n in range(count):
        try:
            code = command.main(
                ["case", "add", f"{tag}-{n:03d}", "--territory", "974", "--db", db],
                prog_name="deadlines",
                standalone_mode=False,
            )
        except SystemExit as exit:
            code = exit.code
        if code:
            sys.exit(f"{tag}-{n:03d}: exit {code}")
    """
)


def test_two_processes_adding_cases_at_the_same_time_lose_nothing(db: Path, tmp_path: Path) -> None:
    """Two writers, 200 `case add` each, into a database that does not exist yet or is empty
    (so they also race to create and migrate it): both exit 0, no 'database is locked', 400
    cases."""
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    go = tmp_path / "go"
    env = subprocess_env(tmp_path)
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), str(db), tag, "200", str(go)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("A", "B")
    ]
    time.sleep(0.3)  # let both import the CLI before the start
    go.touch()
    errors = [w.communicate(timeout=120)[1] for w in writers]
    for writer, stderr in zip(writers, errors, strict=True):
        assert writer.returncode == 0, stderr
        assert "locked" not in stderr
        assert stderr.count("ajouté") == 200
    _assert_intact(db)
    refs = [r[0] for r in rows(db, "SELECT ref FROM cases ORDER BY ref")]
    assert refs == sorted(f"{tag}-{n:03d}" for tag in ("A", "B") for n in range(200))
    assert rows(db, "SELECT count(*) FROM changes WHERE what = 'case:add'") == [(400,)]
    # The two really ran together: their adds interleave in the change log.
    order = [r[0][0] for r in rows(db, "SELECT ref FROM changes ORDER BY id")]
    switches = sum(1 for a, b in itertools.pairwise(order) if a != b)
    assert switches > 10, switches


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only")
def test_a_writer_waits_for_another_writers_transaction_instead_of_failing(
    db: Path, tmp_path: Path
) -> None:
    """The busy timeout (SQLite) or lock timeout (PostgreSQL): while one connection holds the
    writer's lock for a while (a write transaction, as a command takes it), another process's
    `case add` waits and succeeds."""
    with connected(db) as holder, holder.write():
        started = time.monotonic()
        process = subprocess.Popen(
            [str(SCRIPT), "case", "add", "WAITER", "--db", str(db)],
            env=subprocess_env(tmp_path),
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.0)
        assert process.poll() is None  # waiting on the lock, not failed
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert time.monotonic() - started >= 1.0
    assert rows(db, "SELECT ref FROM cases") == [("WAITER",)]


ADD_ONE = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from caseload import store
    from caseload.db import connect
    from deadlines.entered import build_case
    from deadlines.rules.model import EventKind

    connection = connect(Path(sys.argv[1]))
    case = build_case({EventKind.APPLICATION_FILED: ["15/01/2025"]}, require_event=False)
    store.add(connection, sys.argv[2], case)
    connection.close()
    """
)


@pytest.mark.sqlite_only  # POSIX locks of the file and its WAL (sqlite.org/howtocorrupt.html)
def test_a_second_connection_in_the_same_process_keeps_the_first_ones_locks(
    db: Path, tmp_path: Path
) -> None:
    """Opening the database again in a process that already has it open (`case set` does) must
    not release the first connection's POSIX locks: closing any descriptor of the file would,
    and another process closing its own connection would then believe it is the last one and
    delete the WAL under the first ('disk I/O error', the failure two concurrent writers hit
    when connect() read the header with open()). sqlite.org/howtocorrupt.html §2.2."""
    from deadlines.entered import build_case

    case = build_case({EventKind.APPLICATION_FILED: ["15/01/2025"]}, require_event=False)
    first = connect(db)
    try:
        store.add(first, "FIRST-1", case)
        connect(db).close()  # a second connection, opened and closed by the same process
        other = subprocess.run(
            [sys.executable, "-c", ADD_ONE, str(db), "OTHER-1"],
            env=subprocess_env(tmp_path),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert other.returncode == 0, other.stderr
        assert db.with_name(db.name + "-wal").exists()  # not the last connection: WAL kept
        store.add(first, "FIRST-2", case)
        assert [r.ref for r in store.load(first)] == ["FIRST-1", "FIRST-2", "OTHER-1"]
    finally:
        first.close()
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
