"""Shared helpers of the caseload tests: the CLI in-process, database dumps, subprocess env.

Every command gets an explicit `--db` under pytest's tmp_path, and conftest.py points
DEADLINES_DB and XDG_DATA_HOME into tmp_path too, so no test can reach the user's own database.

Every `agenda` and `export` run through `deadlines()` also goes through the console script's
fast path (cli_fast.py, without typer), on the same database and clock: it must give the same
exit status, stdout and stderr bytes as Typer, and an export the same file and database bytes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

import cli_fast
from cli import app
from tests.cli.test_compute import one_clock

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("deadlines")  # the installed console script
runner = CliRunner()
WIDE = {"COLUMNS": "300"}  # a wide terminal so that no table cell wraps


def deadlines(db: Path, *args: str | Path, input: str | None = None) -> Result:
    """`deadlines ARGS --db DB` in-process, through Typer; an agenda or an export also through
    the fast path when it takes the command line (see fast), which must answer the same."""
    words = [*(str(a) for a in args), "--db", str(db)]
    parse = FAST_PARSE.get(words[0])
    kwargs = None if parse is None else parse(words[1:])
    if kwargs is None:
        return runner.invoke(app, words, input=input, env=WIDE, catch_exceptions=False)
    # An export's file: the one Typer wrote (or not) and the fast path's must be the same bytes.
    written = kwargs.get("output")
    output = Path(written) if isinstance(written, str) and written else None
    # Both on the database (and file) as it was (agenda and export write the memo, export its
    # state) and on one clock; the database must be left the same, byte for byte, by an export.
    with one_clock():
        before = _files(db), _output(output)
        result = runner.invoke(app, words, input=input, env=WIDE, catch_exceptions=False)
        after = _files(db), _output(output)
        _restore(db, before[0])
        _restore_output(output, before[1])
        typer_answer = (result.exit_code, result.stdout_bytes, result.stderr_bytes)
        assert fast(words[0], words[1:]) == typer_answer, words
        fast_after = _files(db), _output(output)
        if words[0] == "export":
            assert fast_after == after, words
        _restore(db, after[0])
        _restore_output(output, after[1])
    return result


FAST_PARSE = {"agenda": cli_fast.parse_agenda, "export": cli_fast.parse_export}
FAST_RUN = {"agenda": cli_fast.run_agenda, "export": cli_fast.run_export}


def fast(command: str, words: list[str], env: dict[str, str] = WIDE) -> tuple[object, bytes, bytes]:
    """`deadlines COMMAND WORDS` through the fast path, in-process: (exit status, out, err)."""
    kwargs = FAST_PARSE[command](words)
    assert kwargs is not None, f"the fast path leaves {command} {words} to Typer"
    with runner.isolation(env=env) as (out, err, _):
        try:
            FAST_RUN[command](kwargs)
        except SystemExit as exit:
            status = exit.code
        sys.stdout.flush()
        sys.stderr.flush()
        return status, out.getvalue(), err.getvalue()


def fast_agenda(words: list[str], env: dict[str, str] = WIDE) -> tuple[object, bytes, bytes]:
    """`deadlines agenda WORDS` through the fast path, in-process: (exit status, out, err)."""
    return fast("agenda", words, env)


def _output(path: Path | None) -> tuple[bytes | None, list[str]] | None:
    """An export's file (None if absent) and the names in its folder (no temporary left)."""
    if path is None:
        return None
    folder = path.parent
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    return (path.read_bytes() if path.exists() else None), names


def _restore_output(path: Path | None, state: tuple[bytes | None, list[str]] | None) -> None:
    """Put back an export's file as `_output` read it."""
    if path is None or state is None:
        return
    content = state[0]
    if content is not None:
        path.write_bytes(content)
    elif path.exists():
        path.unlink()


DB_FILES = ("", "-wal", "-shm", "-journal")  # a SQLite database and its companion files


def _files(db: Path) -> tuple[bool, dict[str, bytes]]:
    """Whether the database's folder exists, and the bytes of the files of the database."""
    files = {}
    for suffix in DB_FILES:
        path = Path(f"{db}{suffix}")
        if path.exists():
            files[suffix] = path.read_bytes()
    return db.parent.exists(), files


def _restore(db: Path, state: tuple[bool, dict[str, bytes]]) -> None:
    """Put back the files `_files` read (the commands have closed the database)."""
    folder_existed, files = state
    for suffix in DB_FILES:
        path = Path(f"{db}{suffix}")
        if suffix in files:
            path.write_bytes(files[suffix])
        elif path.exists():
            path.unlink()
    if not folder_existed and db.parent.exists() and not any(db.parent.iterdir()):
        db.parent.rmdir()


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
