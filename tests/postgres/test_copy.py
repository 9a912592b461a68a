"""`deadlines db copy SOURCE CIBLE` and `deadlines backup` of a PostgreSQL store (issue 17).

A caseload with everything a store can hold (wave-2 events, a time of day, done marks, an
archived case, a removed one, assignees, the change log, an export state, a CalDAV sync state, a
legacy V2 export row) is copied SQLite -> PostgreSQL -> SQLite on the real test server; every
copied table is read back row for row with plain sqlite3 and psycopg, and the lists the commands
print are compared. Then what must be refused is refused with nothing written, a failed check
leaves nothing behind, and a source written to during the copy is read again.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from typer.testing import CliRunner, Result

import caseload.copy as copying
from caseload import schema_pg, store
from caseload.copy import COPIED, MEMO
from caseload.db import connect
from caseload.schema import MIGRATIONS
from cli import app
from deadlines.case import make_case
from deadlines.rules.model import EventKind
from tests.databases import PostgresDatabases

AS_OF = ("--as-of", "2025-06-02")
runner = CliRunner()


@pytest.fixture(autouse=True)
def _private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No command can reach the user's own store; the change log names one caseworker."""
    monkeypatch.setenv("DEADLINES_DB", str(tmp_path / "env-default" / "cases.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("DEADLINES_USER", "amina")
    monkeypatch.setenv("COLUMNS", "300")


def run(*words: str | Path) -> Result:
    return runner.invoke(app, [str(w) for w in words], catch_exceptions=False)


def ok(*words: str | Path) -> Result:
    result = run(*words)
    assert result.exit_code == 0, (words, result.stdout, result.stderr)
    return result


def refused(status: int, *words: str | Path) -> str:
    """The command fails with `status`, prints nothing on stdout and one line on stderr."""
    result = run(*words)
    assert result.exit_code == status, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("erreur : "), result.stderr
    return lines[0]


def as_json(*words: str | Path) -> Any:
    return json.loads(ok(*words, "--format", "json").stdout)


# --- reading both engines directly ---------------------------------------------------------------


def is_url(db: Path | str) -> bool:
    return str(db).startswith("postgresql://")


def table_rows(db: Path | str, table: str, order: str) -> list[tuple[Any, ...]]:
    """Every row of `table`, its columns in the order the SQLite schema has them."""
    columns = ", ".join(f'"{name}"' for name in _sqlite_columns(table))
    query = f"SELECT {columns} FROM {table} ORDER BY {order}"
    if is_url(db):
        with psycopg.connect(str(db), autocommit=True) as connection:
            return [tuple(row) for row in connection.execute(query)]
    connection = sqlite3.connect(db)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


_COLUMNS: dict[str, list[str]] = {}


def _sqlite_columns(table: str) -> list[str]:
    if not _COLUMNS:
        connection = sqlite3.connect(":memory:")
        try:
            for script in MIGRATIONS:
                connection.executescript(script)
            for name, _ in COPIED:
                _COLUMNS[name] = [r[1] for r in connection.execute(f"PRAGMA table_info({name})")]
        finally:
            connection.close()
    return _COLUMNS[table]


def every_row(db: Path | str) -> dict[str, list[tuple[Any, ...]]]:
    """The content of every copied table (the memo, derived, is left out)."""
    return {name: table_rows(db, name, order) for name, order in COPIED}


def counts(db: Path | str) -> dict[str, int]:
    """The rows of every table of the caseload, the memo included."""
    return {table: _count(db, table) for table in [*(name for name, _ in COPIED), *MEMO]}


def _count(db: Path | str, table: str) -> int:
    query = f"SELECT count(*) FROM {table}"
    if is_url(db):
        with psycopg.connect(str(db), autocommit=True) as connection:
            row = connection.execute(query).fetchone()
            assert row is not None
            return int(row[0])
    connection = sqlite3.connect(db)
    try:
        return int(connection.execute(query).fetchone()[0])
    finally:
        connection.close()


def pg_dump(url: str) -> list[str]:
    """Every table of the database's schema and every row in it, sorted; the sequences' values."""
    lines: list[str] = []
    with psycopg.connect(url, autocommit=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
            )
        ]
        for table in tables:
            lines.append(f"TABLE {table}")
            found = connection.execute(f'SELECT * FROM "{table}"').fetchall()
            lines.extend(sorted(f"{table} {tuple(row)!r}" for row in found))
        for (name,) in connection.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() ORDER BY 1"
        ).fetchall():
            value = connection.execute(f'SELECT last_value, is_called FROM "{name}"').fetchone()
            lines.append(f"SEQUENCE {name} {value!r}")
    return lines


def outputs(db: Path | str) -> list[Any]:
    """What the lists print about the caseload, as JSON (one fixed moment)."""
    return [
        as_json("agenda", "--days", "3660", *AS_OF, "--db", db),
        as_json("case", "list", "--all", *AS_OF, "--db", db),
        as_json("case", "history", "A-1", "--db", db),
    ]


# --- the caseload ------------------------------------------------------------------------------


def fill(db: Path, scratch: Path) -> None:
    """A caseload holding every kind of row, written by the commands (and, for the sync state
    and a V2 export row, as a sync and an upgraded old store leave them)."""
    ok("case", "add", "A-1", "--filed", "15/01/2025", "--certificate-available", "20/01/2025",
       "--assignee", "amina", *AS_OF, "--db", db)  # fmt: skip
    ok("case", "add", "A-2", "--refusal-notified", "03/03/2025", "--legal-aid-requested",
       "17/03/2025", "--territory", "974", *AS_OF, "--db", db)  # fmt: skip
    ok("case", "add", "A-3", "--refusal-notified", "03/03/2025", "--legal-aid-requested",
       "17/03/2025", "--legal-aid-decided", "06/05/2025", "--legal-aid-outcome", "refused",
       "--residence", "overseas", *AS_OF, "--db", db)  # fmt: skip
    ok("case", "add", "A-4", "--oqtf-notified", "2025-05-20 10:30", "--oqtf-decided",
       "19/05/2025", "--custody", "house-arrest", "--no-departure-period", "--territory",
       "2A", *AS_OF, "--db", db)  # fmt: skip
    ok("case", "add", "GONE", "--filed", "01/02/2025", *AS_OF, "--db", db)
    ok("case", "add", "A-5", "--filed", "10/02/2025", *AS_OF, "--db", db)
    ok("case", "add", "EMPTY", "--db", db)
    ok("case", "set", "A-1", "--ofii-request", "16/02/2025", "--ofii-request", "20/03/2025",
       "--yes", *AS_OF, "--db", db)  # fmt: skip
    ok("case", "done", "A-1", "certificate", "--on", "2025-01-25", *AS_OF, "--db", db)
    ok("case", "assign", "A-3", "louis", "--db", db)
    ok("case", "archive", "A-5", "--db", db)
    ok("case", "remove", "GONE", "--yes", "--db", db)  # a tombstone, and a gap in the ids
    ok("export", "-o", scratch / "team.ics", *AS_OF, "--db", db)
    ok("export", "A-1", "-o", scratch / "one.ics", *AS_OF, "--db", db)
    connection = sqlite3.connect(db)
    try:
        connection.execute(
            "INSERT INTO synced_calendars (url) VALUES ('https://dav.example.org/team/')"
        )
        connection.execute(
            "INSERT INTO synced VALUES (1, 'uid-1@deadlines', 'A-1', '/team/uid-1.ics', "
            "'\"etag-1\"', 'hash', 2, '[A-1] Certificat')"
        )
        connection.execute(
            "INSERT INTO exported_v2 VALUES ('uid-old@deadlines', 'A-1', 'certificate', "
            "'2025-01-20', '2025-01-21', 'f', 1, 0, 'BEGIN:VEVENT')"
        )
        connection.commit()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def full_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The caseload of `fill`, made once; each test copies the file."""
    folder = tmp_path_factory.mktemp("full")
    db = folder / "cases.db"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DEADLINES_DB", str(folder / "env-default" / "cases.db"))
        env.setenv("XDG_DATA_HOME", str(folder / "xdg"))
        env.setenv("DEADLINES_USER", "amina")
        fill(db, folder)
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return db


@pytest.fixture
def source(full_source: Path, tmp_path: Path) -> Path:
    db = tmp_path / "source" / "cases.db"
    db.parent.mkdir(mode=0o700)
    db.write_bytes(full_source.read_bytes())
    db.chmod(0o600)
    return db


@pytest.fixture
def another_database(postgres_databases: PostgresDatabases) -> Iterator[Callable[[], str]]:
    made: list[str] = []

    def make() -> str:
        made.append(postgres_databases.create())
        return made[-1]

    yield make
    for url in made:
        postgres_databases.drop(url)


# --- round trips ------------------------------------------------------------------------------


def test_every_table_of_the_caseload_is_copied_or_is_the_memo(
    postgres_database: str, tmp_path: Path
) -> None:
    copied = {name for name, _ in COPIED}
    assert not copied & set(MEMO)
    made = connect(tmp_path / "new.db")
    try:
        sqlite_tables = {
            row[0] for row in made.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    finally:
        made.close()
    assert sqlite_tables == copied | set(MEMO)
    connect(postgres_database).close()
    with psycopg.connect(postgres_database, autocommit=True) as connection:
        pg_tables = {
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        }
    assert pg_tables == copied | set(MEMO) | {schema_pg.VERSION_TABLE}


def test_sqlite_to_postgresql_and_back_keeps_every_row_and_every_list(
    source: Path, postgres_database: str, tmp_path: Path
) -> None:
    before = every_row(source)
    assert all(before.values()), {name: len(rows) for name, rows in before.items()}
    listed = outputs(source)

    said = ok("db", "copy", source, postgres_database).stderr
    assert said.startswith("Copie vérifiée : 6 dossiers, ")
    assert "sont identiques" in said
    assert every_row(postgres_database) == before
    assert outputs(postgres_database) == listed

    back = tmp_path / "back" / "cases.db"
    ok("db", "copy", postgres_database, back)
    assert every_row(back) == before
    assert outputs(back) == listed
    # A new private file, in a new private folder, and nothing left beside it.
    assert stat.S_IMODE(back.stat().st_mode) == 0o600
    assert stat.S_IMODE(back.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in back.parent.iterdir()) == ["cases.db"]


def test_the_json_summary_counts_the_rows_of_every_table(
    source: Path, postgres_database: str
) -> None:
    summary = as_json("db", "copy", source, postgres_database)
    assert summary["schema"] == 1
    assert summary["target"] == postgres_database
    assert summary["rows"] == {name: len(rows) for name, rows in every_row(source).items()}
    assert summary["deadlines"] > 0


def test_a_generated_caseload_of_200_cases_round_trips(
    postgres_database: str, tmp_path: Path
) -> None:
    from bench.generate import generate

    generated = tmp_path / "generated.db"
    generate(200, generated)
    before = every_row(generated)
    agenda = as_json("agenda", "--days", "3660", *AS_OF, "--db", generated)
    ok("db", "copy", generated, postgres_database)
    assert every_row(postgres_database) == before
    back = tmp_path / "back.db"
    summary = as_json("db", "copy", postgres_database, back)
    assert summary["rows"]["cases"] == 200 and summary["deadlines"] > 200
    assert every_row(back) == before
    assert as_json("agenda", "--days", "3660", *AS_OF, "--db", back) == agenda


def test_the_postgresql_copy_goes_on_with_new_ids_and_an_append_only_log(
    source: Path, postgres_database: str, tmp_path: Path
) -> None:
    ok("db", "copy", source, postgres_database)
    top = {name: max(row[0] for row in table_rows(source, name, "id")) for name in
           ("cases", "events", "changes", "exported_calendars", "synced_calendars")}  # fmt: skip

    ok("case", "add", "NEW", "--filed", "01/04/2025", *AS_OF, "--db", postgres_database)
    ok("export", "-o", tmp_path / "third.ics", *AS_OF, "--db", postgres_database)
    new_case = table_rows(postgres_database, "cases", "id")[-1]
    assert new_case[:2] == (top["cases"] + 1, "NEW")
    new_event = table_rows(postgres_database, "events", "id")[-1]
    assert new_event[:2] == (top["events"] + 1, top["cases"] + 1)
    assert table_rows(postgres_database, "changes", "id")[-1][0] == top["changes"] + 1
    calendars = table_rows(postgres_database, "exported_calendars", "id")
    assert calendars[-1][0] == top["exported_calendars"] + 1
    with psycopg.connect(postgres_database, autocommit=True) as connection:
        connection.execute("INSERT INTO synced_calendars (url) VALUES ('https://x.example/')")
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only"):
            connection.execute("UPDATE changes SET os_user = 'mallory'")
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only"):
            connection.execute("DELETE FROM changes WHERE ref = 'A-1'")
    assert table_rows(postgres_database, "synced_calendars", "id")[-1][0] == (
        top["synced_calendars"] + 1
    )
    # The copied log is a case's history as the store keeps it: `case remove` erases it.
    ok("case", "remove", "A-1", "--yes", "--db", postgres_database)
    history = [row for row in table_rows(postgres_database, "changes", "id") if row[3] == "A-1"]
    assert [row[4] for row in history] == ["case:remove"]

    back = tmp_path / "back.db"
    ok("db", "copy", postgres_database, back)
    connection = sqlite3.connect(back)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("UPDATE changes SET os_user = 'mallory'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM changes")
    finally:
        connection.close()


def test_a_copy_keeps_each_case_revision_so_memos_and_versions_hold(
    source: Path, postgres_database: str
) -> None:
    """Inserting a case's events raises its revision (schema triggers): put back as it was."""
    revisions = table_rows(source, "cases", "id")
    assert any(row[_sqlite_columns("cases").index("revision")] > 1 for row in revisions)
    ok("db", "copy", source, postgres_database)
    assert table_rows(postgres_database, "cases", "id") == revisions
    # The version a command read before the copy still matches: no false "changed meanwhile".
    ok("case", "set", "A-1", "--ofii-request", "22/04/2025", "--yes", *AS_OF,
       "--db", postgres_database)  # fmt: skip


# --- refused, nothing written -------------------------------------------------------------------


def test_a_postgresql_target_holding_a_caseload_is_refused_untouched(
    source: Path, postgres_database: str
) -> None:
    ok("case", "add", "THEIRS", "--filed", "01/04/2025", *AS_OF, "--db", postgres_database)
    before = pg_dump(postgres_database)
    line = refused(2, "db", "copy", source, postgres_database)
    assert line.startswith(
        f"erreur : CIBLE : « {postgres_database} » contient déjà des dossiers (1)"
    )
    assert "Rien n'a été écrit." in line
    assert pg_dump(postgres_database) == before


def test_a_postgresql_target_with_only_a_change_log_line_is_refused(
    source: Path, postgres_database: str
) -> None:
    ok("case", "add", "THEIRS", "--db", postgres_database)
    ok("case", "remove", "THEIRS", "--yes", "--db", postgres_database)  # a tombstone stays
    before = pg_dump(postgres_database)
    assert "(0)" in refused(2, "db", "copy", source, postgres_database)
    assert pg_dump(postgres_database) == before


def test_a_database_holding_other_tables_is_refused_untouched(
    source: Path, postgres_database: str
) -> None:
    with psycopg.connect(postgres_database, autocommit=True) as connection:
        connection.execute("CREATE TABLE invoices (id integer)")
    before = pg_dump(postgres_database)
    assert "d'autres tables" in refused(2, "db", "copy", source, postgres_database)
    assert pg_dump(postgres_database) == before


def test_an_empty_caseload_is_a_target_like_an_empty_database(
    source: Path, postgres_database: str
) -> None:
    connect(postgres_database).close()  # the tables, no row
    ok("db", "copy", source, postgres_database)
    assert every_row(postgres_database) == every_row(source)


@pytest.mark.parametrize("content", [b"", b"not a caseload"], ids=["empty", "other"])
def test_an_existing_file_is_never_a_target(
    source: Path, postgres_database: str, tmp_path: Path, content: bytes
) -> None:
    target = tmp_path / "there.db"
    target.write_bytes(content)
    line = refused(2, "db", "copy", source, target)
    assert line.startswith(f"erreur : CIBLE : « {target} » existe déjà.")
    assert target.read_bytes() == content
    ok("db", "copy", source, postgres_database)
    refused(2, "db", "copy", postgres_database, target)
    assert target.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source", "there.db"]


def test_a_copy_onto_its_own_source_is_refused(source: Path, postgres_database: str) -> None:
    before = source.read_bytes()
    assert "est la source elle-même" in refused(2, "db", "copy", source, source)
    assert source.read_bytes() == before
    ok("db", "copy", source, postgres_database)
    dumped = pg_dump(postgres_database)
    assert "est la source elle-même" in refused(
        2, "db", "copy", postgres_database, postgres_database
    )
    assert pg_dump(postgres_database) == dumped


def test_an_address_with_a_password_is_refused_and_never_shown(
    source: Path, postgres_database: str
) -> None:
    with_password = postgres_database.replace("deadlines@", "deadlines:s3cret@")
    line = refused(2, "db", "copy", source, with_password)
    assert line.startswith("erreur : CIBLE : l'adresse") and "s3cret" not in line
    line = refused(2, "db", "copy", with_password, with_password)
    assert "est la source elle-même" in line and "s3cret" not in line
    assert counts(source)["cases"] == 6


def test_a_missing_source_is_said_and_nothing_is_made(
    postgres_database: str, tmp_path: Path
) -> None:
    line = refused(2, "db", "copy", tmp_path / "nowhere.db", tmp_path / "copy.db")
    assert line.startswith("erreur : SOURCE : aucune base de dossiers")
    assert "tables" in refused(2, "db", "copy", postgres_database, tmp_path / "copy.db")
    assert list(tmp_path.iterdir()) == []


# --- a failed check, a source written to meanwhile ------------------------------------------------


def _moving_a_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy writes one event a day later than the source has it: a bug the check catches."""
    write = copying._write

    def wrong(target: Any, tables: dict[str, copying.Table]) -> None:
        names, cases = tables["cases"]
        case_id = next(row[0] for row in cases if row[names.index("ref")] == "A-1")
        columns, rows = tables["events"]
        at = next(i for i, row in enumerate(rows) if row[columns.index("case_id")] == case_id)
        moved = list(rows[at])
        day = columns.index("day")
        moved[day] = (date.fromisoformat(moved[day]) + timedelta(days=1)).isoformat()
        rows = [*rows[:at], tuple(moved), *rows[at + 1 :]]
        write(target, {**tables, "events": (columns, rows)})

    monkeypatch.setattr(copying, "_write", wrong)


def test_a_failed_check_on_postgresql_takes_the_copy_out_again(
    source: Path, postgres_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _moving_a_date(monkeypatch)
    line = refused(1, "db", "copy", source, postgres_database)
    assert "les échéances du dossier « A-1 » ne sont pas les mêmes" in line
    assert set(counts(postgres_database).values()) == {0}
    monkeypatch.undo()
    ok("db", "copy", source, postgres_database)  # an empty caseload again: a valid target
    assert every_row(postgres_database) == every_row(source)


def test_a_failed_check_takes_out_only_what_was_copied(
    source: Path, postgres_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case a caseworker added to the new database between the copy and its check stays."""
    _moving_a_date(monkeypatch)
    listings = copying.listings

    def meanwhile(database: Any, *args: Any, **kwargs: Any) -> Any:
        if database.location == postgres_database:
            ok("case", "add", "NEW", "--filed", "01/04/2025", *AS_OF, "--db", postgres_database)
        return listings(database, *args, **kwargs)

    monkeypatch.setattr(copying, "listings", meanwhile)
    assert "« A-1 »" in refused(1, "db", "copy", source, postgres_database)
    assert [row[1] for row in table_rows(postgres_database, "cases", "id")] == ["NEW"]
    assert [row[3:5] for row in table_rows(postgres_database, "changes", "id")] == [
        ("NEW", "case:add")
    ]
    assert len(table_rows(postgres_database, "events", "id")) == 1
    counted = counts(postgres_database)
    assert {t for t, n in counted.items() if n} == {"cases", "events", "changes", *MEMO}


def test_a_failed_check_whose_copy_cannot_be_taken_out_says_so(
    source: Path, postgres_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _moving_a_date(monkeypatch)

    def refused_erase(target: Any, tables: Any) -> None:
        raise psycopg.errors.InsufficientPrivilege("permission denied for table cases")

    monkeypatch.setattr(copying, "_erase", refused_erase)
    line = refused(1, "db", "copy", source, postgres_database)
    assert "« A-1 »" in line
    assert (
        "n'a pas pu être retirée (permission denied for table cases) : ne vous en servez pas"
        in line
    )


def test_a_failed_check_into_a_file_leaves_no_file(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _moving_a_date(monkeypatch)
    target = tmp_path / "copies" / "cases.db"
    assert "« A-1 »" in refused(1, "db", "copy", source, target)
    assert list(target.parent.iterdir()) == []


def _writing_during_the_copy(
    monkeypatch: pytest.MonkeyPatch, source: Path, times: int
) -> list[str]:
    """Another caseworker adds a case to `source` right after the copy computed its deadlines,
    the first `times` times."""
    listings = copying.listings
    added: list[str] = []

    def meanwhile(database: Any, *args: Any, **kwargs: Any) -> Any:
        found = listings(database, *args, **kwargs)
        if database.location == str(source) and len(added) < times:
            added.append(f"LATE-{len(added)}")
            other = connect(source)
            try:
                case = make_case([(EventKind.APPLICATION_FILED, date(2025, 4, 1))])
                store.add(other, added[-1], case)
            finally:
                other.close()
        return found

    monkeypatch.setattr(copying, "listings", meanwhile)
    return added


def test_a_source_written_to_during_the_copy_is_read_again(
    source: Path, postgres_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    added = _writing_during_the_copy(monkeypatch, source, times=2)
    ok("db", "copy", source, postgres_database)
    assert added == ["LATE-0", "LATE-1"]
    assert every_row(postgres_database) == every_row(source)


def test_a_source_written_to_all_the_time_is_not_copied(
    source: Path, postgres_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _writing_during_the_copy(monkeypatch, source, times=copying.ATTEMPTS)
    line = refused(2, "db", "copy", source, postgres_database)
    assert "a été modifiée pendant la copie" in line
    assert set(counts(postgres_database).values()) == {0}
    target = tmp_path / "copies" / "cases.db"
    _writing_during_the_copy(monkeypatch, source, times=copying.ATTEMPTS)
    refused(2, "db", "copy", source, target)
    assert list(target.parent.iterdir()) == []


# --- backup of a PostgreSQL store ----------------------------------------------------------------


def test_backup_of_a_postgresql_store_is_a_checked_sqlite_file_that_restores(
    source: Path,
    postgres_database: str,
    another_database: Callable[[], str],
    tmp_path: Path,
) -> None:
    ok("db", "copy", source, postgres_database)
    rows = every_row(postgres_database)
    listed = outputs(postgres_database)
    saved = tmp_path / "backups" / "cases-2025-06-02.db"
    assert "impossible d'écrire" in refused(2, "backup", saved, "--db", postgres_database)
    assert not saved.parent.exists()  # as a SQLite backup, no folder is made
    saved.parent.mkdir()

    said = ok("backup", saved, "--db", postgres_database).stderr
    assert said.startswith(f"Copie écrite : {saved} (6 dossiers, ")
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert sorted(p.name for p in saved.parent.iterdir()) == [saved.name]
    connection = sqlite3.connect(saved)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        connection.close()
    assert every_row(saved) == rows
    assert outputs(saved) == listed

    first = saved.read_bytes()
    line = refused(2, "backup", saved, "--db", postgres_database)
    assert "existe déjà" in line and "--force" in line
    assert saved.read_bytes() == first
    ok("case", "add", "AFTER", "--db", postgres_database)
    ok("backup", saved, "--force", "--db", postgres_database)
    assert "AFTER" in {row[1] for row in table_rows(saved, "cases", "id")}

    restored = another_database()
    ok("db", "copy", saved, restored)
    assert every_row(restored) == every_row(postgres_database)


def test_backup_of_a_sqlite_store_is_still_sqlite_s_own(source: Path, tmp_path: Path) -> None:
    said = ok("backup", tmp_path / "b.db", "--db", source).stderr
    assert said.endswith("pages).\n")
    assert every_row(tmp_path / "b.db") == every_row(source)


def test_the_copy_is_in_english_too(source: Path, postgres_database: str) -> None:
    said = ok("db", "copy", source, postgres_database, "--lang", "en").stderr
    assert said.startswith("Copy checked: 6 cases, ")
    assert "the same" in said
    assert os.environ["DEADLINES_USER"] == "amina"
