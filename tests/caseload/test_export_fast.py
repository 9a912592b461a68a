"""`deadlines export` without typer (issue 6): the fast path of the console script (cli_fast.py).

It must pass cli_export.run_export the arguments Typer passes (REFs included, wherever they stand
among the options), leave every other form to Typer, and answer as Typer does; every export of
the caseload tests also runs through it (helpers.py `deadlines`: same status, output, file and
database bytes). Its data is generated from the Typer app (tests/cli/test_fast_path.py: no
drift).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cli_fast
import cli_generate
from tests.caseload.helpers import SCRIPT, ok, subprocess_env
from tests.cli.test_compute import ORACLES, _among, _console_script

# What the console script's export must never import (rich: no progress bar off a terminal).
NOT_FOR_EXPORT = ("typer", "click", "rich", "icalendar", *ORACLES)


@pytest.mark.parametrize(
    "words",
    [
        [],
        ["-o", "x.ics"],
        ["--output", "x.ics"],
        ["--output=x.ics"],
        ["--output="],
        ["-o", "-"],
        ["-o", ""],
        ["-o", "a=b"],
        ["A"],
        ["A", "B", "-o", "x.ics"],
        ["-o", "x.ics", "A", "B"],
        ["A", "-o", "x.ics", "B", "--lang", "en", "C"],
        ["-", "", "A=B", "x-"],  # "-", the empty word, "A=B" are REFs
        ["A", "A"],  # a REF twice: Typer passes both
        ["--remind", "none", "--no-info", "-o", "x.ics"],
        ["--remind=7,2", "--info", "--as-of", "2025-02-20 22:00", "--db", "cases.db"],
        ["--as-of=a=b", "--db=", "--lang", "de", "--output", "y.ics", "ref 12"],
        ["--db", "-", "A"],
        ["export", "compute", "-o", "x"],  # REFs named as commands
    ],
)
def test_fast_path_passes_what_typer_passes(words: list[str]) -> None:
    assert cli_fast.parse_export(words) == cli_generate.typer_kwargs(words, "export")


LEFT_TO_TYPER = [
    ["--help"],
    ["-h"],
    ["A", "--help"],
    ["-o"],  # no value
    ["--output"],
    ["-o=x.ics"],  # click: the file "=x.ics"
    ["-ox.ics"],  # click: the file "x.ics"
    ["-o", "a", "--output", "b"],  # click keeps the last
    ["-o", "a", "-o", "b"],
    ["--info", "--no-info"],
    ["--info=1"],
    ["-o", "--lang"],  # click would take "--lang" as the file
    ["--db", "--as-of", "2025-02-01"],
    ["--remind"],
    ["--", "A"],
    ["A", "--", "-B"],
    ["-B"],  # a REF starting with "-": click reads an option
    ["-1"],
    ["--bogus"],
    ["--out", "x"],  # click has no abbreviations
    ["--OUTPUT", "x"],
    ["-O", "x"],
    ["--all"],  # an option of `case list`, not of export
    ["-y"],
    ["--version"],
    ["--days", "3"],  # an option of agenda
]


@pytest.mark.parametrize("words", LEFT_TO_TYPER)
def test_other_forms_are_left_to_typer(words: list[str]) -> None:
    assert cli_fast.parse_export(words) is None
    cli_fast.run_fast(["export", *words])  # returns: cli.main then runs Typer


def test_compute_and_agenda_take_no_positional_word() -> None:
    assert cli_fast.parse_agenda(["next"]) is None
    assert cli_fast.parse_agenda(["-"]) is None
    assert cli_fast.parse_compute([""]) is None
    assert cli_fast.parse_agenda(["-o", "x"]) is None


@pytest.fixture
def small(db: Path) -> Path:
    """A few cases around 10/02/2025, one in Réunion."""
    for ref, filed, territory in (
        ("LATE", "02/01/2025", "75"),
        ("TODAY", "10/01/2025", "75"),
        ("SOON", "20/01/2025", "974"),
    ):
        ok(db, "case", "add", ref, "--filed", filed, "--territory", territory)
    return db


def _both(
    argv: list[str], env: dict[str, str], db: Path, output: Path | None
) -> list[tuple[int, str, str, bytes | None, bytes]]:
    """`deadlines ARGV` by the console script, then by Typer alone, each on the database as it
    was: (status, stdout, stderr, the file written or None, the database's bytes after)."""
    typer_only = "import sys; sys.argv[0] = 'deadlines'; import cli; cli.typer_main()"
    original = db.read_bytes()
    runs = []
    for command in ([str(SCRIPT), *argv], [sys.executable, "-c", typer_only, *argv]):
        db.write_bytes(original)
        if output is not None and output.exists():
            output.unlink()
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=60, check=False
        )
        written = output.read_bytes() if output is not None and output.exists() else None
        runs.append((done.returncode, done.stdout, done.stderr, written, db.read_bytes()))
    return runs


@pytest.mark.parametrize(
    "words",
    [
        ["-o", "{out}", "--as-of", "2025-02-10"],
        ["LATE", "SOON", "--output={out}", "--as-of", "2025-02-10", "--lang", "en"],
        ["--output", "{out}", "SOON", "--remind", "none", "--no-info", "--as-of=2025-02-20 22:00"],
        ["-o", "{out}", "--remind", "soon", "--as-of", "2025-02-10"],  # a bad --remind
        ["NOPE", "-o", "{out}", "--as-of", "2025-02-10"],  # an unknown REF
        ["--as-of", "2025-02-10"],  # no file
        ["-o", "{out}", "--as-of", "31/02/2025"],
        ["-o", "{missing}", "--as-of", "2025-02-10"],  # a folder that does not exist
        ["-o", "{out}", "--as-of", "2025-02-10", "--help"],
        ["-o={out}", "--as-of", "2025-02-10"],  # left to Typer: the file "={out}"
    ],
)
def test_console_script_answers_as_typer_does(
    small: Path, tmp_path: Path, words: list[str]
) -> None:
    out = tmp_path / "agenda.ics"
    argv = [
        w.replace("{out}", str(out)).replace("{missing}", str(tmp_path / "no" / "x.ics"))
        for w in words
    ]
    runs = _both(["export", *argv, "--db", str(small)], subprocess_env(tmp_path), small, out)
    assert runs[0] == runs[1]


def test_a_database_that_is_not_sqlite_is_one_line_and_exit_2(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"x")
    out = tmp_path / "x.ics"
    argv = ["export", "-o", str(out), "--db", str(notes)]
    fast, typer_only = _both(argv, subprocess_env(tmp_path), notes, out)
    assert fast == typer_only
    assert fast[:2] == (2, "")
    assert fast[2].startswith("erreur : --db : ")
    assert fast[2].count("\n") == 1
    assert fast[3] is None
    assert notes.read_bytes() == b"x"


def test_the_export_imports_neither_typer_nor_click(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "agenda.ics"
    argv = ["export", "LATE", "SOON", "-o", str(out), "--as-of", "2025-02-10"]
    proc, modules = _console_script([*argv, "--db", str(small)])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.startswith("Agenda écrit : "), proc.stderr
    assert b"[SOON]" in out.read_bytes()
    assert "cli_export" in modules  # the checks below can see an import
    assert "caseload.export" in modules
    assert _among(modules, NOT_FOR_EXPORT) == []
    # Left to Typer: the help of the command.
    proc, modules = _console_script(["export", "--help"])
    assert proc.returncode == 0
    assert "typer" in modules
