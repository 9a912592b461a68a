"""The SQLite store: where it lives, its permissions and pragmas, migrations, refusals, the log."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

import pytest

from caseload import schema, store
from caseload.db import BUSY_TIMEOUT_MS, connect, default_path
from cli import app
from deadlines.engine import DeadlineKey
from deadlines.errors import InputError
from deadlines.rules.model import EventKind
from tests.caseload.helpers import (
    as_json,
    assert_one_line_error,
    connected,
    deadlines,
    dump,
    is_postgres,
    ok,
    rows,
    runner,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- creation, permissions, pragmas ---------------------------------------------------------


def test_new_database_is_private_in_wal_with_foreign_keys_at_the_latest_version(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new-folder" / "cases.db"
    old_umask = os.umask(0o022)  # a usual umask: the modes must not depend on it
    try:
        connection = connect(path)
    finally:
        os.umask(old_umask)
    try:
        assert _mode(path.parent) == 0o700
        assert _mode(path) == 0o600
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                assert _mode(side) == 0o600, suffix
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert connection.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
        assert connection.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST == 9
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        assert {"cases", "events", "done", "changes", "exported"} <= tables
    finally:
        connection.close()


@pytest.mark.sqlite_only  # the file's and its folder's modes
def test_the_cli_creates_the_database_private_too(db: Path) -> None:
    ok(db, "case", "add", "P-1")
    assert _mode(db.parent) == 0o700
    assert _mode(db) == 0o600


def test_default_path_honours_deadlines_db_then_xdg_data_home_then_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEADLINES_DB", str(tmp_path / "explicit.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "explicit.db"
    monkeypatch.delenv("DEADLINES_DB")
    assert default_path() == tmp_path / "xdg" / "deadlines" / "cases.db"
    monkeypatch.setenv("XDG_DATA_HOME", "")  # empty means unset (XDG base directory spec)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "home" / ".local" / "share" / "deadlines" / "cases.db"


def test_without_db_option_the_cli_uses_deadlines_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "from-env" / "cases.db"
    monkeypatch.setenv("DEADLINES_DB", str(target))
    result = runner.invoke(app, ["case", "add", "ENV-1"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert rows(target, "SELECT ref FROM cases") == [("ENV-1",)]
    monkeypatch.delenv("DEADLINES_DB")
    result = runner.invoke(app, ["case", "add", "XDG-1"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    xdg = Path(os.environ["XDG_DATA_HOME"]) / "deadlines" / "cases.db"
    assert rows(xdg, "SELECT ref FROM cases") == [("XDG-1",)]
    assert _mode(xdg.parent) == 0o700


# --- migrations -------------------------------------------------------------------------------


def _make_v1(path: Path) -> None:
    """A database as version 1 of the tool left it: only schema.V1, user_version 1, one case."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = sqlite3.connect(path)
    raw.executescript(schema.V1)
    stamp = "2025-01-16T09:00:00+00:00"
    raw.execute(
        "INSERT INTO cases (ref, territory, custody, oqtf_ground, status, created, updated) "
        "VALUES ('OLD-1', '974', 'none', '3', 'active', ?, ?)",
        (stamp, stamp),
    )
    raw.executemany(
        "INSERT INTO events (case_id, kind, day, time, source) VALUES (1, ?, ?, ?, 'cli')",
        [
            ("application-filed", "2025-01-15", None),
            ("ofii-request", "2025-02-01", None),
            ("ofii-request", "2025-02-10", None),
        ],
    )
    raw.execute(
        "INSERT INTO done VALUES (1, 'ofii-request-reply', 'ofii-request', 0, '2025-02-10')"
    )
    raw.execute(
        "INSERT INTO changes (at, os_user, ref, what, old, new) "
        "VALUES (?, 'caseworker', 'OLD-1', 'case:add', NULL, 'territory=974')",
        (stamp,),
    )
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()


@pytest.mark.sqlite_only  # a SQLite file of schema V1 (PostgreSQL stores start at the baseline)
def test_a_version_1_database_is_migrated_on_open_with_its_data_intact(db: Path) -> None:
    _make_v1(db)
    connection = connect(db)
    try:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST == 9
        record = store.get(connection, "OLD-1")
    finally:
        connection.close()
    assert record.case.facts.territory == "974"
    assert record.status == "active"
    assert record.created == "2025-01-16T09:00:00+00:00"
    assert [(e.kind, e.at.isoformat()) for e in record.case.events] == [
        (EventKind.APPLICATION_FILED, "2025-01-15"),
        (EventKind.OFII_REQUEST, "2025-02-01"),
        (EventKind.OFII_REQUEST, "2025-02-10"),
    ]
    assert record.done == frozenset({DeadlineKey("ofii-request-reply", "ofii-request", 0)})
    assert rows(db, "SELECT what, os_user FROM changes") == [("case:add", "caseworker")]
    # The migrated database works end to end: the done action shows, and the v2 table is used.
    doc = as_json(db, "case", "show", "OLD-1", "--as-of", "2025-02-05")
    states = {(d["rule"], d["trigger"]["at"]): d["state"] for d in doc["deadlines"]}
    assert states[("ofii-request-reply", "2025-02-01")] == "done"
    assert states[("ofii-request-reply", "2025-02-10")] == "upcoming"
    ok(db, "export", "-o", db.parent / "old.ics", "--as-of", "2025-02-05")
    assert rows(db, "SELECT count(*) FROM exported WHERE ref = 'OLD-1'")[0][0] > 0
    # Opening again is a no-op.
    before = dump(db)
    connect(db).close()
    assert dump(db) == before


@pytest.mark.sqlite_only  # the upgrade of a SQLite file of schema V1
def test_a_failing_migration_leaves_the_database_at_its_old_version(db: Path) -> None:
    """Each migration runs in one transaction: half a schema is never left behind."""
    _make_v1(db)
    raw = sqlite3.connect(db)
    raw.execute("CREATE TABLE exported (clash INTEGER)")  # V2 will fail on it
    raw.commit()
    raw.close()
    before = dump(db)
    result = deadlines(db, "case", "list")
    assert_one_line_error(result, str(db))
    assert dump(db) == before
    assert rows(db, "PRAGMA user_version") == [(1,)]


@pytest.mark.sqlite_only  # the file's bytes and PRAGMA user_version, in both journal modes
@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_database_from_a_newer_version_is_refused_and_left_byte_identical(
    db: Path, journal: str
) -> None:
    connect(db).close()
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA journal_mode = {journal}")
    raw.execute("INSERT INTO cases (ref, territory, created, updated) VALUES ('N', '75', 'x', 'x')")
    raw.execute("PRAGMA user_version = 99")
    raw.commit()
    raw.close()
    before = db.read_bytes()
    with pytest.raises(InputError) as caught:
        connect(db)
    assert caught.value.key == "db.newer"
    assert caught.value.exit_code == 2
    for command in (["case", "list"], ["case", "add", "X"], ["agenda"], ["import", db]):
        result = deadlines(db, *command)
        assert_one_line_error(result, "version plus récente", "schéma 99", "connaît 9")
    assert db.read_bytes() == before
    assert rows(db, "PRAGMA user_version") == [(99,)]


@pytest.mark.parametrize(
    "content",
    [
        b"ref,territory,application-filed\nP-1,75,15/01/2025\n",  # a CSV given as --db
        b"x",  # shorter than any SQLite page: SQLite itself would take it for an empty database
        bytes(range(256)) * 16,  # 4 KiB of binary
    ],
    ids=["csv-text", "one-byte", "binary"],
)
def test_a_file_that_is_not_sqlite_is_refused_and_left_byte_identical(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        connect(path)
    assert caught.value.key == "db.not-sqlite"
    result = deadlines(path, "case", "add", "P-1", "--filed", "15/01/2025")
    assert_one_line_error(result, "n'est pas une base de dossiers", "pas été modifiée")
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # no -wal, no -shm


def test_a_directory_is_refused(tmp_path: Path) -> None:
    result = deadlines(tmp_path, "case", "list")
    assert_one_line_error(result, "impossible d'ouvrir")


# --- the change log ---------------------------------------------------------------------------


def test_the_change_log_records_every_change_with_old_and_new_values_and_the_os_user(
    db: Path,
) -> None:
    ok(db, "case", "add", "P-1", "--filed", "15/01/2025", "--as-of", "2025-02-05")
    ok(db, "case", "set", "P-1", "--filed", "20/01/2025", "--channel", "anef", "--yes")
    ok(db, "case", "done", "P-1", "certificate", "--on", "2025-02-06")
    ok(db, "case", "archive", "P-1")
    log = rows(db, "SELECT ref, what, old, new, os_user, at FROM changes ORDER BY id")
    assert [row[:4] for row in log] == [
        ("P-1", "case:add", None, "territory=75; application-filed=2025-01-15"),
        ("P-1", "event:application-filed", "2025-01-15", "2025-01-20"),
        ("P-1", "fact:channel", None, "anef"),
        # The certificate is keyed by its first possible start whichever the case has
        # (engine.deadline_key), so that adding the disputed second start keeps it done.
        ("P-1", "done:certificate/certificate-available/0", None, "2025-02-06"),
        ("P-1", "status", "active", "archived"),
    ]
    assert {row[4] for row in log} == {store.os_user()}
    for row in log:
        assert datetime.fromisoformat(row[5]).tzinfo is not None
    # Removing the case removes its data (foreign keys, ON DELETE CASCADE) and its dates from
    # the log: a tombstone says only that it existed and when it was removed (issue 15, item 5).
    ok(db, "case", "remove", "P-1", "--yes")
    assert rows(db, "SELECT ref, what, old, new FROM changes") == [
        ("P-1", "case:remove", None, None)
    ]
    assert rows(db, "SELECT count(*) FROM cases") == [(0,)]
    assert rows(db, "SELECT count(*) FROM events") == [(0,)]
    assert rows(db, "SELECT count(*) FROM done") == [(0,)]


def _refused_by_the_database(db: Path) -> type[Exception]:
    """What a statement the schema forbids raises: the trigger's RAISE(ABORT) on SQLite, the
    trigger function's RAISE EXCEPTION on PostgreSQL."""
    if is_postgres(db):
        import psycopg

        return psycopg.Error
    return sqlite3.IntegrityError


def test_the_change_log_is_append_only(db: Path) -> None:
    ok(db, "case", "add", "P-1", "--filed", "15/01/2025", "--as-of", "2025-02-05")
    refused = _refused_by_the_database(db)
    with connected(db) as connection:
        with pytest.raises(refused, match="append-only"):
            connection.execute("UPDATE changes SET new = 'forged'")
        with pytest.raises(refused, match="append-only"):
            connection.execute("DELETE FROM changes")
        assert connection.execute("SELECT count(*) FROM changes").fetchone()[0] == 1


def test_a_store_transaction_is_all_or_nothing(db: Path) -> None:
    """An error in the middle of a write (here: a duplicate reference) leaves nothing."""
    from deadlines.entered import build_case

    case = build_case({EventKind.APPLICATION_FILED: ["15/01/2025"]}, require_event=False)
    with connected(db) as connection:
        store.add(connection, "P-1", case)
        before = dump(db)
        with pytest.raises(InputError), connection.write():
            store.insert(connection, "P-2", case, "test")
            store.insert(connection, "P-1", case, "test")  # exists: the whole block rolls back
        assert dump(db) == before
        assert not connection.in_transaction


# --- backup -----------------------------------------------------------------------------------


def _assert_same_content(copy: Path, db: Path) -> None:
    """The SQLite file `copy` holds what the store `db` holds: the same dump (SQLite); the same
    rows in every table of the copy, column by column (a PostgreSQL store, copied to SQLite)."""
    if not is_postgres(db):
        assert dump(copy) == dump(db)
        return
    tables = rows(
        copy, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
    )
    assert {"cases", "events", "done", "changes"} <= {name for (name,) in tables}
    for (table,) in tables:
        columns = ", ".join(f'"{c[1]}"' for c in rows(copy, f"PRAGMA table_info({table})"))
        query = f"SELECT {columns} FROM {table}"
        assert sorted(rows(copy, query), key=repr) == sorted(rows(db, query), key=repr), table


def test_backup_is_a_consistent_private_copy(db: Path, tmp_path: Path) -> None:
    ok(db, "case", "add", "P-1", "--filed", "15/01/2025", "--as-of", "2025-02-05")
    ok(db, "case", "add", "P-2", "--territory", "974")
    copy = tmp_path / "backup.db"
    result = ok(db, "backup", copy)
    assert "Copie écrite" in result.stderr
    assert _mode(copy) == 0o600
    assert rows(copy, "PRAGMA integrity_check") == [("ok",)]
    assert rows(copy, "PRAGMA journal_mode") == [("delete",)]  # a single self-contained file
    _assert_same_content(copy, db)
    # The copy is a working caseload.
    assert [c["ref"] for c in as_json(copy, "case", "list", "--as-of", "2025-02-05")["cases"]] == [
        "P-1",
        "P-2",
    ]
    missing = deadlines(db, "backup", tmp_path / "no-such-folder" / "b.db")
    assert_one_line_error(missing, "impossible d'écrire")


@pytest.mark.sqlite_only  # the bytes of the file and its WAL (secure_delete, checkpoint)
def test_a_removed_case_leaves_no_date_in_the_file(db: Path) -> None:
    ok(
        db,
        "case",
        "add",
        "GONE-1",
        "--filed",
        "15/01/2025",
        "--permit-expires",
        "17/03/2031",
        "--as-of",
        "2025-02-05",
    )
    ok(
        db,
        "case",
        "set",
        "GONE-1",
        "--permit-expires",
        "18/03/2031",
        "--yes",
        "--as-of",
        "2025-02-05",
    )
    ok(db, "agenda", "--as-of", "2025-02-05")  # writes the case's memo too
    ok(db, "case", "remove", "GONE-1", "--yes")
    stored = b"".join(
        Path(f"{db}{suffix}").read_bytes()
        for suffix in ("", "-wal")
        if Path(f"{db}{suffix}").exists()
    )
    for trace in (b"2031-03-17", b"2031-03-18", b"2025-01-15"):
        assert trace not in stored
