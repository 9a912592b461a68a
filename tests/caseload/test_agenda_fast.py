"""`deadlines agenda` without typer (issue 6): the fast path of the console script (cli_fast.py).

It must pass cli_agenda.run_agenda the arguments Typer passes, leave every other form to Typer,
and answer as Typer does; every agenda of the caseload tests also runs through it (helpers.py
`deadlines`). Its data is generated from the Typer app (tests/cli/test_fast_path.py: no drift).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import cli_fast
import cli_generate
from tests.caseload.helpers import SCRIPT, ok, subprocess_env
from tests.cli.test_compute import ORACLES, _among, _console_script

# What the console script's agenda must never import (the store, sqlite3 and the memo are its
# work; typing comes with them).
NOT_FOR_AGENDA = ("typer", "click", "icalendar", "calendars", *ORACLES)


@pytest.mark.parametrize(
    "words",
    [
        [],
        ["--days", "30"],
        ["--days=30"],
        ["--days", "0"],
        ["--days=3660"],
        ["--days", "007"],
        ["--format", "json", "--check"],
        ["--no-check", "--format=table"],
        ["--as-of", "2025-02-20 22:00", "--lang", "en", "--db", "cases.db"],
        ["--as-of=a=b", "--db="],
        ["--db", "-"],
        ["--lang", "de", "--format", "xml"],
        ["--days", "30", "--format", "json", "--check", "--as-of", "2026-01-15", "--db", "x"],
    ],
)
def test_fast_path_passes_what_typer_passes(words: list[str]) -> None:
    assert cli_fast.parse_agenda(words) == cli_generate.typer_kwargs(words, "agenda")


LEFT_TO_TYPER = [
    ["--help"],
    ["-h"],
    ["--days"],  # no value
    ["--days", "-1"],
    ["--days=-1"],
    ["--days", "3661"],  # beyond the range: click's own message
    ["--days", "99999"],
    ["--days", "+3"],  # click reads these as 3; Typer does it
    ["--days", " 3"],
    ["--days", "3_0"],
    ["--days", "٣"],
    ["--days", "3.0"],
    ["--days", "x"],
    ["--days="],
    ["--days", "1", "--days", "2"],  # click keeps the last
    ["--check", "--no-check"],
    ["--check=1"],
    ["--db", "--as-of", "2025-02-01"],  # click would take "--as-of" as the path
    ["--format"],
    ["next"],  # a positional word
    ["--", "--check"],
    ["--bogus"],
    ["--day", "3"],  # click has no abbreviations
    ["--DAYS", "3"],
    ["--all"],  # an option of `case list`, not of agenda
    ["-y"],
    ["--version"],
]


@pytest.mark.parametrize("words", LEFT_TO_TYPER)
def test_other_forms_are_left_to_typer(words: list[str]) -> None:
    assert cli_fast.parse_agenda(words) is None
    cli_fast.run_fast(["agenda", *words])  # returns: cli.main then runs Typer


@pytest.fixture
def small(db: Path) -> Path:
    """A few cases around 10/02/2025: overdue, due today, upcoming, one in Réunion."""
    for ref, filed, territory in (
        ("LATE", "02/01/2025", "75"),
        ("TODAY", "10/01/2025", "75"),
        ("SOON", "20/01/2025", "974"),
    ):
        ok(db, "case", "add", ref, "--filed", filed, "--territory", territory)
    return db


def _both(argv: list[str], env: dict[str, str]) -> list[tuple[int, str, str]]:
    """`deadlines ARGV` by the console script, then by Typer alone: (status, stdout, stderr)."""
    typer_only = "import sys; sys.argv[0] = 'deadlines'; import cli; cli.typer_main()"
    runs = []
    for command in ([str(SCRIPT), *argv], [sys.executable, "-c", typer_only, *argv]):
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=60, check=False
        )
        runs.append((done.returncode, done.stdout, done.stderr))
    return runs


@pytest.mark.parametrize(
    "words",
    [
        ["--as-of", "2025-02-10"],
        ["--as-of", "2025-02-10", "--format", "json", "--lang", "en", "--days", "30"],
        ["--as-of", "2025-02-10", "--check"],
        ["--as-of=2025-02-20 22:00", "--check", "--format=json"],
        ["--as-of", "2025-02-10", "--format", "xml"],
        ["--as-of", "31/02/2025"],
        ["--as-of", "2051-01-01"],
        ["--days", "99999"],
        ["--days", "+3", "--as-of", "2025-02-10"],
        ["--as-of", "2025-02-10", "--help"],
    ],
)
def test_console_script_answers_as_typer_does(
    small: Path, tmp_path: Path, words: list[str]
) -> None:
    fast, typer_only = _both(["agenda", *words, "--db", str(small)], subprocess_env(tmp_path))
    assert fast == typer_only


def test_a_database_that_is_not_sqlite_is_one_line_and_exit_2(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"x")
    fast, typer_only = _both(["agenda", "--db", str(notes)], subprocess_env(tmp_path))
    assert fast == typer_only
    assert fast[0] == 2
    assert fast[1] == ""
    assert fast[2].startswith("erreur : --db : ")
    assert fast[2].count("\n") == 1
    assert notes.read_bytes() == b"x"


@pytest.mark.parametrize("output_format", ["json", "table"])
def test_the_agenda_imports_neither_typer_nor_click(small: Path, output_format: str) -> None:
    argv = ["agenda", "--days", "30", "--as-of", "2025-02-10", "--format", output_format]
    proc, modules = _console_script([*argv, "--db", str(small)])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "SOON" in proc.stdout
    assert "cli_agenda" in modules  # the checks below can see an import
    assert "caseload.memo" in modules
    if output_format == "json":
        assert [row["ref"] for row in json.loads(proc.stdout)["rows"]] == ["LATE", "TODAY", "SOON"]
        assert _among(modules, (*NOT_FOR_AGENDA, "rich")) == []
    else:
        assert "rich.table" in modules
        assert _among(modules, NOT_FOR_AGENDA) == []
    # Left to Typer: the help of the command.
    proc, modules = _console_script(["agenda", "--help"])
    assert proc.returncode == 0
    assert "typer" in modules


def test_check_exit_status_through_the_console_script(small: Path, tmp_path: Path) -> None:
    env = subprocess_env(tmp_path)
    argv = [str(SCRIPT), "agenda", "--check", "--db", str(small)]
    late = subprocess.run(
        [*argv, "--as-of", "2025-02-10"], env=env, capture_output=True, check=False
    )
    assert late.returncode == 1
    assert b"LATE" in late.stdout
    early = subprocess.run(
        [*argv, "--as-of", "2025-01-20"], env=env, capture_output=True, check=False
    )
    assert early.returncode == 0


@pytest.mark.parametrize("output_format", ["json", "table"])
def test_closed_stdout_is_handled_as_typer_does(
    small: Path, tmp_path: Path, output_format: str
) -> None:
    """Output to a pipe closed by its reader: Typer's answer (exit 1, nothing on stderr)."""
    argv = ["agenda", "--as-of", "2025-02-10", "--format", output_format, "--db", str(small)]
    typer_only = "import sys; sys.argv[0] = 'deadlines'; import cli; cli.typer_main()"
    results = []
    for command in ([str(SCRIPT), *argv], [sys.executable, "-c", typer_only, *argv]):
        child = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=subprocess_env(tmp_path),
            text=True,
        )
        assert child.stdout is not None
        child.stdout.close()  # before the child writes anything: its first write fails
        _, err = child.communicate(timeout=60)
        results.append((child.returncode, err))
    assert results[0] == results[1]
    assert results[0][0] == 1
