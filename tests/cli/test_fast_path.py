"""The console script's fast paths (cli_fast.py) against the Typer app they stand in for.

The data they use is generated from the Typer app and must not drift from it; they must pass
`compute` the arguments Typer passes, leave every other form to Typer, and print what Typer
prints. Every invocation of tests/cli/test_compute*.py also runs through the fast path (`run`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import cli_fast
import cli_generate
from tests.cli.test_compute import ROOT, _console_script

SCRIPT = Path(sys.executable).with_name("deadlines")
SIX_EVENTS = [
    *("--filed", "05/10/2025", "--certificate-available", "07/10/2025"),
    *("--ofii-request", "16/11/2025", "--certificate-received", "20/11/2025"),
    *("--oqtf-notified", "2026-03-10T10:30", "--oqtf-decided", "09/03/2026"),
    *("--departure-period", "--permit-expires", "31/03/2026", "--territory", "57"),
    *("--as-of", "23/03/2026"),
]


def test_generated_data_is_that_of_the_typer_app() -> None:
    """cli_fast_data.py is what `python -m cli_generate` writes from the Typer app today."""
    text = cli_generate.TARGET.read_text(encoding="utf-8")
    assert cli_generate.render() == text, "stale: run `.venv/bin/python -m cli_generate`"


@pytest.mark.parametrize(
    "words",
    [
        [],
        ["--filed", "15/01/2025"],
        ["--filed=15/01/2025"],
        ["--filed="],
        ["--filed", "a=b"],
        ["--filed=a=b"],
        ["--ref", ""],
        ["--ics", "-", "--ref", "dossier 12", "--remind", "none", "--no-info"],
        ["--ofii-request", "a", "--ofii-request=b", "--college-request", "c"],
        ["--oqtf-notified", "04/03/2025 10:30", "--no-departure-period", "--custody", "retention"],
        ["--oqtf-ground", "4", "--oqtf-decided", "01/03/2025", "--departure-period"],
        ["--no-appeal-info", "--explain", "--no-check", "--info", "--channel", "anef"],
        ["--appeal-info", "--no-explain", "--check", "--permit-expires", "31/03/2026"],
        ["--format", "json", "--lang", "en", "--as-of", "2025-02-01 10:30", "--territory", "2A"],
        ["--asylum-registered", "x", "--refusal-notified", "y", "--certificate-received", "z"],
        SIX_EVENTS,
    ],
)
def test_fast_path_passes_what_typer_passes(words: list[str]) -> None:
    assert cli_fast.parse_compute(words) == cli_generate.typer_kwargs(words)


LEFT_TO_TYPER = [
    ["--help"],
    ["-h"],
    ["--filed"],  # no value
    ["--filed", "--as-of", "2025-02-01"],  # click would take "--as-of" as the date
    ["--filed", "-1"],
    ["--as-of", "2025-02-01", "--as-of", "2025-02-02"],  # click keeps the last
    ["--explain", "--no-explain"],
    ["--explain=1"],
    ["15/01/2025"],  # a positional word
    ["--", "--filed", "15/01/2025"],
    ["--bogus"],
    ["--file", "15/01/2025"],  # click has no abbreviations
    ["--FILED", "15/01/2025"],
    ["-y"],
    ["--version"],
]


@pytest.mark.parametrize("words", LEFT_TO_TYPER)
def test_other_forms_are_left_to_typer(words: list[str]) -> None:
    assert cli_fast.parse_compute(words) is None
    cli_fast.run_fast(["compute", *words])  # returns: cli.main then runs Typer


@pytest.mark.parametrize(
    "argv",
    [["--version"], ["--help", "compute"], ["agenda", "--help"], ["case", "list"], ["computes"]],
)
def test_other_command_lines_are_left_to_typer(argv: list[str]) -> None:
    """(`agenda` has a fast path too: tests/caseload/test_agenda_fast.py.)"""
    cli_fast.run_fast(argv)  # returns


def _both(argv: list[str], env: dict[str, str | None]) -> list[tuple[int, str, str]]:
    """`deadlines ARGV` by the console script, then by Typer alone: (status, stdout, stderr)."""
    base = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    full = {**base, "PYTHONPATH": str(ROOT), **{k: v for k, v in env.items() if v is not None}}
    typer_only = "import sys; sys.argv[0] = 'deadlines'; import cli; cli.typer_main()"
    runs = []
    for command in ([str(SCRIPT), *argv], [sys.executable, "-c", typer_only, *argv]):
        done = subprocess.run(
            command, capture_output=True, text=True, env=full, timeout=60, check=False
        )
        runs.append((done.returncode, done.stdout, done.stderr))
    return runs


@pytest.mark.parametrize("columns", [None, "80", "200", "79", "60"])
@pytest.mark.parametrize("argv", [["--help"], []])
def test_help_is_typer_s_help(argv: list[str], columns: str | None) -> None:
    """Same text, stream and status at any width (below 80 columns Typer answers itself)."""
    fast, typer_only = _both(argv, {"COLUMNS": columns})
    assert fast == typer_only
    assert "Usage: deadlines [OPTIONS] COMMAND [ARGS]..." in fast[1 if argv else 2]


@pytest.mark.parametrize(
    "argv",
    [
        ["compute", *SIX_EVENTS],
        ["compute", *SIX_EVENTS, "--format", "json", "--lang", "en"],
        ["compute", *SIX_EVENTS, "--explain", "--ics", "-"],
        ["compute", "--filed", "31/02/2025"],
        ["compute", "--filed", "15/01/2025", "--format", "xml"],
        ["compute", "--ofii-request", "06/12/2024", "--as-of", "2025-02-01", "--check"],
        ["compute"],
        ["compute", "--filed"],
        ["compute", "--filed", "15/01/2025", "--bogus"],
        ["compute", "--as-of", "2025-02-01", "--as-of", "2025-02-02", "--filed", "15/01/2025"],
        ["compute", "--help"],
    ],
)
def test_console_script_answers_as_typer_does(argv: list[str]) -> None:
    fast, typer_only = _both(argv, {"COLUMNS": "120"})
    assert fast == typer_only


def test_fast_paths_are_taken() -> None:
    """The forms above do not load typer (the test of imports in test_compute.py says which)."""
    for argv in (["--help"], ["compute", *SIX_EVENTS, "--format", "json"]):
        proc, modules = _console_script(argv)
        assert proc.returncode == 0, proc.stderr
        assert "cli_fast_data" in modules
        assert not any(m == "typer" or m.startswith("typer.") for m in modules), argv
    proc, modules = _console_script(["compute", "--filed"])  # left to Typer
    assert proc.returncode == 2
    assert "typer" in modules


@pytest.mark.parametrize(
    "argv",
    [["compute", *SIX_EVENTS, "--format", "json"], ["compute", *SIX_EVENTS], ["--help"]],
)
def test_closed_stdout_is_handled_as_typer_does(argv: list[str]) -> None:
    """Output to a pipe closed by its reader: Typer's answer (exit 1, nothing on stderr).

    JSON and help go through the handler of Typer's main copied in cli_fast; rich has its own.
    """
    results = []
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"}
    typer_only = "import sys; sys.argv[0] = 'deadlines'; import cli; cli.typer_main()"
    for command in ([str(SCRIPT), *argv], [sys.executable, "-c", typer_only, *argv]):
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
        )
        assert child.stdout is not None
        child.stdout.close()  # before the child writes anything: its first write fails
        _, err = child.communicate(timeout=60)
        results.append((child.returncode, err))
    assert results[0] == results[1]
    assert results[0][0] == 1
