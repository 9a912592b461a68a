"""`deadlines compute` through Typer's CliRunner, and once through a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

import deadlines.clock
from cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
WIDE = {"COLUMNS": "300"}  # wide enough that no cell wraps, so sentences can be searched whole


@contextmanager
def one_clock() -> Iterator[None]:
    """The same "now" for every run inside (runs without --as-of read the clock)."""
    original = deadlines.clock.reference_time
    seen: dict[tuple[str | None, str], object] = {}

    def same(as_of: str | None, time_zone: str):  # type: ignore[no-untyped-def]
        if (as_of, time_zone) not in seen:
            seen[as_of, time_zone] = original(as_of, time_zone)
        return seen[as_of, time_zone]

    deadlines.clock.reference_time = same  # type: ignore[assignment]
    try:
        yield
    finally:
        deadlines.clock.reference_time = original


def run(*args: str):  # type: ignore[no-untyped-def]
    """`deadlines compute ARGS` through Typer, in-process."""
    return runner.invoke(app, ["compute", *args], catch_exceptions=False, env=WIDE)


def test_table_lists_every_deadline_in_french_by_default() -> None:
    result = run("--filed", "15/01/2025", "--as-of", "2025-02-01")
    assert result.exit_code == 0
    assert "Envoyer le certificat médical à l'OFII" in result.stdout
    assert "samedi 15 février 2025" in result.stdout  # safe date, weekday spelled out
    assert "lundi 17 février 2025" in result.stdout  # arguable date
    assert "jeudi 15 mai 2025" in result.stdout  # implicit refusal born
    assert "faites confirmer par un juriste" in result.stdout


def test_english_output() -> None:
    result = run("--filed", "2025-01-15", "--as-of", "2025-02-01", "--lang", "en")
    assert result.exit_code == 0
    assert "Send the medical certificate to the OFII" in result.stdout
    assert "Saturday 15 February 2025" in result.stdout


def test_explain_prints_numbered_steps_with_citations() -> None:
    result = run("--ofii-request", "06/12/2024", "--as-of", "2025-02-01", "--explain")
    assert result.exit_code == 0
    assert "1. Point de départ : vendredi 6 décembre 2024" in result.stdout
    assert "samedi 21 décembre 2024 n'est pas un jour ouvrable : report au lendemain" in (
        result.stdout
    )
    assert "[CPC art. 641 al. 1]" in result.stdout


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_has_the_spec_fields() -> None:
    doc = _json("--filed", "15/01/2025", "--as-of", "2025-02-01")
    assert doc["schema"] == 3
    assert doc["case"]["territory"] == "75"
    assert doc["case"]["time_zone"] == "Europe/Paris"
    certificate = next(d for d in doc["deadlines"] if d["rule"] == "certificate")
    for field in (
        "rule",
        "title",
        "who",
        "trigger",
        "due",
        "latest",
        "readings",
        "basis",
        "status",
        "state",
        "days_left",
        "steps",
        "warnings",
    ):
        assert field in certificate
    assert certificate["trigger"] == {
        "event": "application-filed",
        "at": "2025-01-15",
        "time": None,
        "rank": 0,
    }
    assert certificate["due"] == "2025-02-15"
    assert certificate["latest"] == "2025-02-17"
    assert certificate["status"] == "DISPUTED"
    assert certificate["state"] == "upcoming"
    assert certificate["days_left"] == 14
    assert {r["id"] for r in certificate["readings"]} == {"strict", "extended"}
    assert certificate["steps"][0]["kind"] == "start"
    assert certificate["steps"][-1]["after"] == "2025-02-15"


def test_json_deadlines_are_sorted_by_due_date() -> None:
    doc = _json("--filed", "15/01/2025", "--permit-expires", "30/06/2025", "--as-of", "2025-02-01")
    dues = [d["due"] for d in doc["deadlines"]]
    assert dues == sorted(dues)


def test_disputed_start_reports_certificate_available_as_trigger() -> None:
    doc = _json(
        "--filed", "05/10/2026", "--certificate-available", "07/10/2026", "--as-of", "2026-10-10"
    )
    certificate = next(d for d in doc["deadlines"] if d["rule"] == "certificate")
    assert certificate["trigger"]["event"] == "certificate-available"
    assert certificate["due"] == "2026-11-05"  # from the filing: the safe start
    assert certificate["latest"] == "2026-11-09"  # Sat 7 Nov → Mon 9 Nov


def test_repeatable_requests_give_one_deadline_each() -> None:
    doc = _json(
        "--ofii-request", "03/03/2025", "--ofii-request", "06/12/2024", "--as-of", "2025-01-01"
    )
    replies = [d for d in doc["deadlines"] if d["rule"] == "ofii-request-reply"]
    assert [(d["trigger"]["rank"], d["due"]) for d in replies] == [
        (0, "2024-12-21"),
        (1, "2025-03-18"),
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--filed", "31/02/2025"], "--filed : « 31/02/2025 » n'existe pas"),
        (["--filed", "15/01/25"], "l'année doit avoir quatre chiffres"),
        (["--filed", "04/13/2025"], "il n'y a pas de mois 13"),
        (["--filed", "2025/01/15"], "Formes acceptées : JJ/MM/AAAA"),
        (["--filed", "15/01/2025", "--territory", "99"], "--territory : « 99 »"),
        (["--filed", "15/01/2025", "--territory", "20"], "2A (Corse-du-Sud)"),
        (["--filed", "15/01/1999"], "hors des années"),
        (["--filed", "15/01/2025", "--as-of", "2051-01-01"], "--as-of"),
        (
            ["--filed", "15/01/2025", "--certificate-available", "10/01/2025"],
            "--certificate-available",
        ),
        (["--filed", "15/01/2025", "--refusal-notified", "10/01/2025"], "--refusal-notified"),
        (["--filed", "15/01/2025", "--channel", "web"], "--channel : « web »"),
        (["--filed", "15/01/2025", "--format", "xml"], "--format"),
        (["--filed", "15/01/2025", "--lang", "de"], "--lang"),
        ([], "Aucune date donnée"),
        (["--permit-expires", "15/03/2011", "--territory", "977"], "2012–2050"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(args: list[str], expected: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""  # nothing written on stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("erreur : ")
    assert expected in lines[0]
    assert "Traceback" not in result.output


def test_bad_input_in_english() -> None:
    result = run("--filed", "31/02/2025", "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --filed: '31/02/2025' does not exist")


def test_check_exits_1_only_when_an_applicant_deadline_is_overdue() -> None:
    overdue = run("--ofii-request", "06/12/2024", "--as-of", "2025-02-01", "--check")
    assert overdue.exit_code == 1
    assert "DÉPASSÉ" in overdue.stdout
    fine = run("--ofii-request", "06/12/2024", "--as-of", "2024-12-10", "--check")
    assert fine.exit_code == 0
    # Without --check, overdue deadlines do not change the exit status.
    assert run("--ofii-request", "06/12/2024", "--as-of", "2025-02-01").exit_code == 0


def test_check_ignores_passed_administration_dates() -> None:
    # The implicit refusal is born (administration) but the appeal is still open.
    result = run(
        "--filed",
        "15/01/2025",
        "--certificate-received",
        "01/02/2025",
        "--as-of",
        "2025-06-01",
        "--check",
    )
    assert result.exit_code == 0
    assert "passée" in result.stdout


def test_default_as_of_is_today_in_the_territory() -> None:
    doc = _json("--filed", "15/01/2025")
    assert doc["as_of"]  # an ISO date, from the territory's clock
    assert len(doc["as_of"]) == 10


def test_help_lists_every_option_and_the_disclaimer() -> None:
    result = runner.invoke(app, ["compute", "--help"])
    assert result.exit_code == 0
    for option in (
        "--filed",
        "--certificate-available",
        "--asylum-registered",
        "--ofii-request",
        "--college-request",
        "--certificate-received",
        "--refusal-notified",
        "--appeal-info",
        "--permit-expires",
        "--channel",
        "--territory",
        "--as-of",
        "--lang",
        "--format",
        "--explain",
        "--check",
    ):
        assert option in result.stdout
    top = runner.invoke(app, ["--help"])
    assert "faites confirmer par un juriste" in top.stdout


def _run(argv: list[str | Path]) -> subprocess.CompletedProcess[str]:
    """Run a real process with the repo on the path, as a user's shell would."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(argv, check=False, capture_output=True, text=True, env=env, timeout=60)


# Start-up (issue 13): Typer is the one path, but a command imports only what it uses.
ORACLES = ("holidays", "jours_feries_france", "vobject", "khal", "icalendar")  # tests only
NOT_FOR_HELP = ("rich", "dateutil", "deadlines.engine", "sqlite3", "caseload", "calendars")
NOT_FOR_HELP += ORACLES
NOT_FOR_JSON = ("rich", "sqlite3", "caseload", "calendars", *ORACLES)
NOT_FOR_TABLE = ("sqlite3", "caseload", "calendars", *ORACLES)


def _among(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The names (packages or modules) of which `modules` holds one."""
    return [n for n in names if n in modules or any(m.startswith(n + ".") for m in modules)]


def _in_process(argv: list[str]) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """`import cli; cli.main()` for `deadlines ARGV` in a fresh interpreter; what it imported."""
    code = (
        f"import sys\nsys.argv = ['deadlines', *{argv!r}]\nimport cli\n"
        "try:\n    cli.main()\nexcept SystemExit as e:\n    status = e.code\n"
        "sys.stderr.write('\\nMODULES=' + ','.join(sorted(sys.modules)))\n"
        "sys.exit(status)\n"
    )
    proc = _run([sys.executable, "-c", code])
    err, _, modules = proc.stderr.rpartition("\nMODULES=")
    proc.stderr = err
    return proc, set(modules.split(","))


def _console_script(argv: list[str]) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """The installed console script under `python -X importtime`; what it imported."""
    script = Path(sys.executable).with_name("deadlines")
    proc = _run([sys.executable, "-X", "importtime", str(script), *argv])
    lines = proc.stderr.splitlines()
    modules = {line.rsplit("|", 1)[1].strip() for line in lines if line.startswith("import time:")}
    proc.stderr = "".join(f"{line}\n" for line in lines if not line.startswith("import time:"))
    return proc, modules


def test_real_subprocess_json_and_no_heavy_imports() -> None:
    """The console script runs, and JSON output imports neither rich, the store nor the
    calendar writer."""
    argv = ["compute", "--filed", "15/01/2025", "--as-of", "2025-02-01", "--format", "json"]
    for launch in (_in_process, _console_script):
        proc, modules = launch(argv)
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""
        doc = json.loads(proc.stdout)
        assert doc["deadlines"][0]["rule"] == "certificate"
        assert "deadlines.engine" in modules  # the check below can see an import
        assert _among(modules, NOT_FOR_JSON) == [], launch


def test_table_imports_rich_but_not_the_store() -> None:
    proc, modules = _console_script(["compute", "--filed", "15/01/2025", "--as-of", "2025-02-01"])
    assert proc.returncode == 0, proc.stderr
    assert "Envoyer le certificat" in proc.stdout
    assert "rich.table" in modules
    assert _among(modules, NOT_FOR_TABLE) == []


def test_console_script_exit_codes() -> None:
    script = Path(sys.executable).with_name("deadlines")
    ok = _run([script, "compute", "--filed", "15/01/2025", "--as-of", "2025-02-01"])
    assert ok.returncode == 0
    assert "Envoyer le certificat" in ok.stdout
    bad = _run([script, "compute", "--filed", "31/02/2025"])
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert bad.stderr.count("\n") == 1


def test_help_does_not_import_the_engine_or_rich() -> None:
    """`deadlines --help` (and `deadlines` alone) import neither the engine nor rich."""
    for launch in (_in_process, _console_script):
        for argv, status in (["--help"], 0), ([], 2):
            proc, modules = launch(argv)
            assert proc.returncode == status, proc.stderr
            assert "Utilisation : deadlines [OPTIONS] COMMAND" in proc.stdout + proc.stderr
            assert "typer" in modules  # the check below can see an import
            assert _among(modules, NOT_FOR_HELP) == [], (launch, argv)


def test_version_alone_answers_without_a_command() -> None:
    from deadlines import LAW_AS_OF, __version__

    for argv in (["--version"], ["--version", "compute"]):
        result = runner.invoke(app, argv, catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == f"deadlines {__version__} (droit au {LAW_AS_OF})\n"
    proc = _run([Path(sys.executable).with_name("deadlines"), "--version"])
    assert (proc.returncode, proc.stdout.startswith("deadlines ")) == (0, True), proc.stderr
