"""Shared helpers of the caseload tests: the CLI in-process, database reads and dumps on both
backends, subprocess env.

Every command gets an explicit `--db`: a path under pytest's tmp_path, or the URL of a
PostgreSQL database of the test's own (conftest.py); conftest.py points DEADLINES_DB and
XDG_DATA_HOME into tmp_path too, so no test can reach the user's own database. `db` is either,
and every helper here takes either: `rows`, `dump`, `execute` and `store_exists` read or write
the database directly (plain sqlite3, or psycopg with the same `?` placeholders), `connected`
opens it as the commands do (caseload.db.opened).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from typer.testing import CliRunner, Result

from caseload import schema
from cli import app
from tests.databases import is_postgres

if TYPE_CHECKING:
    import psycopg

    from caseload.database import Database

__all__ = ["is_postgres"]

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("deadlines")  # the installed console script
runner = CliRunner()
WIDE = {"COLUMNS": "300"}  # a wide terminal so that no table cell wraps


def deadlines(db: Path | str, *args: str | Path, input: str | None = None) -> Result:
    """`deadlines ARGS --db DB` in-process, through Typer."""
    words = [*(str(a) for a in args), "--db", str(db)]
    return runner.invoke(app, words, input=input, env=WIDE, catch_exceptions=False)


def ok(db: Path | str, *args: str | Path, input: str | None = None) -> Result:
    result = deadlines(db, *args, input=input)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result


def as_json(db: Path | str, *args: str | Path) -> Any:
    return json.loads(ok(db, *args, "--format", "json").stdout)


# --- the database itself, on either backend ---------------------------------------------------


@contextmanager
def connected(db: Path | str, create: bool = True, writes: bool = True) -> Iterator[Database]:
    """The caseload open as a command opens it (caseload.db.opened): made where nothing is yet
    when `create`; closed at the end of the block."""
    from caseload.db import opened

    with opened(str(db), create=create, writes=writes) as connection:
        yield connection


def create_store(db: Path | str) -> None:
    """An empty caseload at `db`, made and migrated, as `case add` would before adding."""
    with connected(db):
        pass


def copy_cases(source: Path | str, target: Path | str) -> None:
    """Every case of the caseload `source` added to a new caseload at `target` through the
    store, in the same order (so with the same ids): a caseload bench/generate.py wrote in a
    SQLite file, made again in a PostgreSQL database. Only what the generator writes is
    copied: active cases, without done marks or assignees (checked)."""
    from bench.generate import SOURCE
    from caseload import store

    with connected(source, create=False, writes=False) as old:
        records = store.load(old, include_archived=True)
    with connected(target) as new, new.write():
        for record in records:
            assert record.status == "active" and not record.done and record.assignee is None
            store.insert(new, record.ref, record.case, SOURCE)


def generate_into(
    db: Path | str, n: int, scratch: Path, seed: int | None = None, wave2: bool = True
) -> None:
    """bench/generate.py's caseload of `n` cases at `db`: written there directly (SQLite), or
    generated into a file under `scratch` and copied case by case (PostgreSQL)."""
    from bench.generate import DEFAULT_SEED, generate

    seed = DEFAULT_SEED if seed is None else seed
    if not is_postgres(db):
        generate(n, Path(db), seed=seed, wave2=wave2)
        return
    generated = scratch / f"generated-{n}-{seed}-{int(wave2)}" / "cases.db"
    generate(n, generated, seed=seed, wave2=wave2)
    copy_cases(generated, db)


def _postgres(db: Path | str) -> psycopg.Connection[tuple[Any, ...]]:
    """A plain psycopg connection to the test database, autocommit (each statement committed)."""
    import psycopg

    return psycopg.connect(str(db), autocommit=True, connect_timeout=10)


def _psycopg_sql(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (and a `%` of the SQL itself doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def rows(db: Path | str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    """Every row `sql` selects, as tuples; `?` placeholders on both backends."""
    if is_postgres(db):
        with _postgres(db) as connection:
            return [tuple(row) for row in connection.execute(_psycopg_sql(sql), params)]
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def execute(db: Path | str, sql: str, params: tuple[object, ...] = ()) -> int:
    """A write by hand, outside the tool (as someone with an SQL shell), committed; the number
    of rows it changed."""
    if is_postgres(db):
        with _postgres(db) as connection:
            return connection.execute(_psycopg_sql(sql), params).rowcount
    connection = sqlite3.connect(db)
    try:
        count = connection.execute(sql, params).rowcount
        connection.commit()
        return count
    finally:
        connection.close()


# The schemas of a PostgreSQL database that are the server's own, never the tool's.
_SYSTEM_SCHEMAS = (
    "n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'"
)


def store_exists(db: Path | str) -> bool:
    """Whether anything was made at `db`: a file (SQLite), or any table, sequence, view,
    function or schema of its own in the database (PostgreSQL; a new one has only an empty
    `public` schema)."""
    if not is_postgres(db):
        return Path(db).exists()
    with _postgres(db) as connection:
        found = connection.execute(
            "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE {_SYSTEM_SCHEMAS}) + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n "
            f"ON n.oid = p.pronamespace WHERE {_SYSTEM_SCHEMAS}) + (SELECT count(*) FROM "
            f"pg_namespace n WHERE {_SYSTEM_SCHEMAS} AND n.nspname <> 'public')"
        ).fetchone()
    assert found is not None
    return bool(found[0])


def dump(db: Path | str) -> list[str]:
    """The whole content of the database as text (schema, rows, change log): equal before and
    after a command means that command wrote nothing.

    SQLite: its own SQL dump. PostgreSQL: every table of every schema of the tool's (columns,
    types, defaults; then every row, in a fixed order), every index, trigger and function.
    Sequences are left out: their values are not transactional (a rolled back insert still
    uses its number up), and no row depends on the unused ones."""
    if is_postgres(db):
        return _postgres_dump(db)
    connection = sqlite3.connect(db)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def _postgres_dump(db: Path | str) -> list[str]:
    from psycopg import sql

    lines: list[str] = []
    with _postgres(db) as connection:
        tables = connection.execute(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n "
            f"ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND {_SYSTEM_SCHEMAS} "
            "ORDER BY 1, 2"
        ).fetchall()
        for namespace, table in tables:
            columns = connection.execute(
                "SELECT column_name, data_type, is_nullable, column_default, is_identity, "
                "collation_name FROM information_schema.columns "
                "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
                (namespace, table),
            ).fetchall()
            lines.append(f"TABLE {namespace}.{table} {columns!r}")
            query = sql.SQL("SELECT * FROM {}.{}").format(
                sql.Identifier(namespace), sql.Identifier(table)
            )
            # Sorted here, not by ORDER BY: every row in a fixed order whatever the column
            # types (a type without an ordering would fail in SQL).
            lines.extend(
                sorted(
                    f"ROW {namespace}.{table} {tuple(row)!r}" for row in connection.execute(query)
                )
            )
        own = f"SELECT n.nspname FROM pg_namespace n WHERE {_SYSTEM_SCHEMAS}"
        for (index,) in connection.execute(
            f"SELECT indexdef FROM pg_indexes WHERE schemaname IN ({own}) ORDER BY 1"
        ):
            lines.append(f"INDEX {index}")
        for (trigger,) in connection.execute(
            "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c "
            f"ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND c.relnamespace::regnamespace::text "
            f"IN ({own}) ORDER BY 1"
        ):
            lines.append(f"TRIGGER {trigger}")
        for (function,) in connection.execute(
            "SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n "
            f"ON n.oid = p.pronamespace WHERE {_SYSTEM_SCHEMAS} ORDER BY 1"
        ):
            lines.append(f"FUNCTION {function}")
    return lines


# What schema V6 added (caseload/schema.py), taken out again: a store made by this version, turned
# into one an older version left (the tests of the V2 -> V3 and V4 -> V5 upgrades). V9 (the
# database role in the change log), V8 (the CalDAV sync state) and V7 (assignees) go first.
UNDO_V6 = """
ALTER TABLE changes DROP COLUMN db_role;
DROP TABLE synced;
DROP TABLE synced_calendars;
DROP INDEX cases_by_assignee;
ALTER TABLE cases DROP COLUMN assignee;
DROP TRIGGER revision_facts;
ALTER TABLE cases DROP COLUMN legal_aid_outcome;
ALTER TABLE cases DROP COLUMN residence;
ALTER TABLE cases DROP COLUMN judgment_appeal_info;
CREATE TRIGGER revision_facts AFTER UPDATE OF
    territory, appeal_info, channel, oqtf_decided, departure_period, custody, oqtf_ground
    ON cases
BEGIN UPDATE cases SET revision = revision + 1 WHERE id = NEW.id; END;
DELETE FROM computed;
DROP TABLE computed_deadlines;
"""


def _v3_statement(table: str) -> str:
    """The CREATE TABLE of `table` as schema V3 wrote it (read from the migration itself)."""
    start = schema.V3.index(f"CREATE TABLE {table} (")
    return schema.V3[start : schema.V3.index(") WITHOUT ROWID;", start)] + ") WITHOUT ROWID;\n"


# The memo table as V3 made it, before V6 made its dates nullable.
UNDO_V6 += _v3_statement("computed_deadlines")


def case_count(db: Path | str) -> int:
    return int(rows(db, "SELECT count(*) FROM cases")[0][0])


def assert_one_line_error(result: Result, *fragments: str) -> str:
    """Exit 2, nothing on stdout, one line on stderr holding every fragment; that line."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("erreur : "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def subprocess_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a real `deadlines` process: the repo on the path, and the default
    database locations inside tmp_path (the tests pass --db anyway)."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DEADLINES_DB": str(tmp_path / "env-default" / "cases.db"),
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "COLUMNS": "300",
    }
