"""Shared helpers of the caseload tests: the CLI in-process, database dumps, subprocess env.

Every command gets an explicit `--db` under pytest's tmp_path, and conftest.py points
DEADLINES_DB and XDG_DATA_HOME into tmp_path too, so no test can reach the user's own database.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from caseload import schema
from cli import app

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("deadlines")  # the installed console script
runner = CliRunner()
WIDE = {"COLUMNS": "300"}  # a wide terminal so that no table cell wraps


def deadlines(db: Path, *args: str | Path, input: str | None = None) -> Result:
    """`deadlines ARGS --db DB` in-process, through Typer."""
    words = [*(str(a) for a in args), "--db", str(db)]
    return runner.invoke(app, words, input=input, env=WIDE, catch_exceptions=False)


def ok(db: Path, *args: str | Path, input: str | None = None) -> Result:
    result = deadlines(db, *args, input=input)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result


def as_json(db: Path, *args: str | Path) -> Any:
    return json.loads(ok(db, *args, "--format", "json").stdout)


def dump(db: Path) -> list[str]:
    """The whole content of the database as SQL (schema, rows, change log)."""
    connection = sqlite3.connect(db)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def rows(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


# What schema V6 added (caseload/schema.py), taken out again: a store made by this version, turned
# into one an older version left (the tests of the V2 -> V3 and V4 -> V5 upgrades). V8 (the
# CalDAV sync state) and V7 (assignees) go first.
UNDO_V6 = """
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


def case_count(db: Path) -> int:
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
