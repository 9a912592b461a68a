"""Issue 14, items 3, 7 and 10: a mistyped store is not an empty caseload; what cannot be true
is refused and what is unlikely is said; the framework speaks the user's language."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from cli_options import EXIT_CANCELLED

SCRIPT = Path(sys.executable).with_name("deadlines")
runner = CliRunner()
WIDE = {"COLUMNS": "300"}
AS_OF = ["--as-of", "23/11/2026"]
NOON = ["--as-of", "23/11/2026 12:00"]


def run(*args: str, input: str | None = None, **env: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input, env={**WIDE, **env})


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "cases.db"


def _add(db: Path, ref: str = "P-1", *more: str) -> None:
    result = run("case", "add", ref, "--filed", "05/10/2026", *more, *AS_OF, "--db", str(db))
    assert result.exit_code == 0, result.stderr


# --- 3. a store that does not exist, or is empty ---------------------------------------------


@pytest.mark.parametrize(
    "words",
    [
        ["agenda", "--check"],
        ["case", "list"],
        ["case", "show", "P-1"],
        ["case", "set", "P-1", "--ofii-request", "16/11/2026", "--yes"],
        ["case", "done", "P-1", "certificate"],
        ["case", "archive", "P-1"],
        ["export", "-o", "out.ics"],
        ["backup", "copy.db"],
    ],
)
def test_a_missing_store_is_refused_and_nothing_is_created(
    words: list[str], tmp_path: Path
) -> None:
    typo = tmp_path / "nowhere" / "typo.db"
    result = run(*words, "--db", str(typo))
    assert result.exit_code == 2
    assert "aucune base de dossiers" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not typo.parent.exists()


def test_the_store_from_the_environment_is_named_by_its_variable(tmp_path: Path) -> None:
    result = run("agenda", "--check", DEADLINES_DB=str(tmp_path / "typo.db"))
    assert result.exit_code == 2
    assert result.stderr.startswith("erreur : DEADLINES_DB : aucune base de dossiers")


def test_case_add_and_import_create_the_store_and_say_so(db: Path, tmp_path: Path) -> None:
    added = run("case", "add", "P-1", "--filed", "05/10/2026", *AS_OF, "--db", str(db))
    assert added.exit_code == 0
    assert f"Base de dossiers créée : {db}" in added.stderr
    again = run("case", "add", "P-2", "--filed", "05/10/2026", *AS_OF, "--db", str(db))
    assert "créée" not in again.stderr
    assert oct(db.stat().st_mode & 0o777) == "0o600"
    csv = tmp_path / "cases.csv"
    csv.write_text("ref,territory,application-filed\nI-1,75,01/10/2026\n", encoding="utf-8")
    other = tmp_path / "other" / "cases.db"
    imported = run("import", str(csv), "--db", str(other))
    assert imported.exit_code == 0, imported.stderr
    assert "Base de dossiers créée" in imported.stderr


def test_an_empty_file_is_not_taken_as_an_empty_caseload(tmp_path: Path) -> None:
    empty = tmp_path / "cases.db"
    empty.write_bytes(b"")
    for words in (["agenda", "--check"], ["case", "add", "P-1", "--filed", "05/10/2026"]):
        result = run(*words, "--db", str(empty))
        assert result.exit_code == 2, words
        assert "fichier vide" in result.stderr
        assert empty.read_bytes() == b""


def test_agenda_check_never_exits_0_on_a_store_it_could_not_read(tmp_path: Path) -> None:
    garbage = tmp_path / "cases.db"
    garbage.write_bytes(b"not a database at all" * 100)
    assert run("agenda", "--check", "--db", str(garbage)).exit_code == 2


# --- 7. what cannot be true, what is unlikely --------------------------------------------------


def test_a_notification_after_the_reference_date_is_refused(db: Path) -> None:
    for words in (
        ["compute", "--refusal-notified", "01/12/2026", *AS_OF],
        ["compute", "--oqtf-notified", "23/11/2026 18:00", "--no-departure-period", *NOON],
        ["case", "add", "P-1", "--refusal-notified", "01/12/2026", *AS_OF, "--db", str(db)],
    ):
        result = run(*words)
        assert result.exit_code == 2, words
        assert "ne peut pas être dans le futur" in result.stderr
    assert not db.exists()
    assert run("compute", "--refusal-notified", "23/11/2026", *AS_OF).exit_code == 0


def test_a_date_ahead_is_said_and_the_option_silences_it() -> None:
    warned = run("compute", "--filed", "05/10/2027", *AS_OF)
    assert warned.exit_code == 0
    assert "attention : --filed : le mardi 5 octobre 2027 est dans le futur" in warned.stderr
    quiet = run("compute", "--filed", "05/10/2027", *AS_OF, "--accept-unlikely")
    assert quiet.stderr == ""
    assert run("compute", "--permit-expires", "31/03/2027", *AS_OF).stderr == ""


@pytest.mark.parametrize("ref", ["Mme Diallo", "Jean Dupont", "M. Martin", "dr Kone"])
def test_a_reference_that_reads_like_a_name_is_refused(ref: str, db: Path) -> None:
    result = run("case", "add", ref, "--filed", "05/10/2026", *AS_OF, "--db", str(db))
    assert result.exit_code == 2
    assert "ressemble au nom d'une personne" in result.stderr
    ics = run("compute", "--filed", "05/10/2026", *AS_OF, "--ics", "-", "--ref", ref)
    assert ics.exit_code == 2
    assert ics.stdout == ""
    accepted = run(
        "case", "add", ref, "--filed", "05/10/2026", *AS_OF, "--accept-unlikely", "--db", str(db)
    )
    assert accepted.exit_code == 0


@pytest.mark.parametrize("ref", ["P-014", "dossier 12", "2025-014", "Lion bleu 3", "ABC"])
def test_pseudonyms_and_numbers_pass(ref: str, db: Path) -> None:
    _add(db, ref)


def test_a_deadline_is_not_done_on_a_day_to_come(db: Path) -> None:
    _add(db)
    result = run("case", "done", "P-1", "certificate", "--on", "24/11/2026", *AS_OF)
    assert result.exit_code == 2
    future = run(
        "case", "done", "P-1", "certificate", "--on", "01/01/2099", *AS_OF, "--db", str(db)
    )
    assert future.exit_code == 2
    assert "pas encore arrivé" in future.stderr


def test_marking_done_twice_asks_before_replacing_and_the_log_keeps_both(db: Path) -> None:
    _add(db)
    done = ["case", "done", "P-1", "certificate", *AS_OF, "--db", str(db)]
    assert run(*done, "--on", "20/11/2026").exit_code == 0
    declined = run(*done, "--on", "21/11/2026", input="non\n")
    assert declined.exit_code == EXIT_CANCELLED
    assert "Déjà marquée faite le 20/11/2026" in declined.stderr
    assert run(*done, "--on", "21/11/2026", input="oui\n").exit_code == 0
    connection = sqlite3.connect(db)
    try:
        log = connection.execute(
            "SELECT old, new FROM changes WHERE what LIKE 'done:%' ORDER BY id"
        ).fetchall()
    finally:
        connection.close()
    assert log == [(None, "2026-11-20"), ("2026-11-20", "2026-11-21")]


# --- 10. French all the way down -------------------------------------------------------------


def test_usage_errors_are_in_the_users_language() -> None:
    french = run("compute", "--fild", "01/01/2025")
    assert french.exit_code == 2
    assert "Utilisation : root compute [OPTIONS]" in french.stderr  # CliRunner's name
    assert "erreur : option inconnue : --fild (options possibles : --filed)" in french.stderr
    english = run("compute", "--fild", "01/01/2025", "--lang", "en")
    assert "error: No such option: --fild (possible: --filed)" in english.stderr
    by_env = run("compute", "--fild", "01/01/2025", DEADLINES_LANG="en")
    assert "Usage: root compute" in by_env.stderr
    missing = run("case", "show")
    assert "erreur : argument manquant : REF" in missing.stderr
    unknown = run("frobnicate")
    assert "erreur : commande inconnue : « frobnicate »" in unknown.stderr


def test_deadlines_lang_sets_the_output_language() -> None:
    result = run("compute", "--filed", "05/10/2026", *AS_OF, DEADLINES_LANG="en")
    assert "Send the medical certificate" in result.stdout
    bad = run("compute", "--filed", "05/10/2026", *AS_OF, DEADLINES_LANG="de")
    assert bad.exit_code == 2


@pytest.mark.parametrize(
    "words", [["case", "list"], ["agenda"], ["case", "archive", "P-1"], ["backup", "x.db"]]
)
def test_lang_is_checked_by_every_command_before_anything(words: list[str], db: Path) -> None:
    _add(db)
    result = run(*words, "--lang", "de", "--db", str(db))
    assert result.exit_code == 2
    assert "« de » n'est pas accepté" in result.stderr
    added = run("case", "add", "L-1", "--filed", "05/10/2026", "--lang", "de", "--db", str(db))
    assert added.exit_code == 2
    assert "L-1" not in run("case", "list", "--db", str(db), *AS_OF).stdout


def test_help_boilerplate_and_short_options() -> None:
    helped = run("compute", "-h")
    assert helped.exit_code == 0
    assert "Utilisation : root compute" in helped.stdout
    assert "Affiche cette aide et quitte." in helped.stdout
    assert "Show this message" not in helped.stdout
    assert "[défaut : table]" in helped.stdout
    assert "[default" not in helped.stdout
    english = run("case", "add", "--help", "--lang", "en")
    assert "[required]" in english.stdout or "Show this message and exit." in english.stdout
    version = run("-V")
    assert version.exit_code == 0
    assert version.stdout.startswith("deadlines ")


@pytest.mark.parametrize(("answer", "status"), [("o\n", 0), ("oui\n", 0), ("y\n", 0)])
def test_confirmation_accepts_french_and_english_yes(answer: str, status: int, db: Path) -> None:
    _add(db)
    result = run(
        "case", "set", "P-1", "--ofii-request", "16/11/2026", *AS_OF, "--db", str(db), input=answer
    )
    assert result.exit_code == status, result.stderr
    assert "[o/N]" in result.stderr


@pytest.mark.parametrize("answer", ["n\n", "non\n", "\n", ""])
def test_declining_cancels_with_its_own_exit_status(answer: str, db: Path) -> None:
    _add(db)
    result = run(
        "case", "set", "P-1", "--ofii-request", "16/11/2026", *AS_OF, "--db", str(db), input=answer
    )
    assert result.exit_code == EXIT_CANCELLED == 3
    assert "rien n'a été enregistré" in result.stderr


def test_ics_on_standard_output_with_json_is_an_error() -> None:
    result = run(
        "compute", "--filed", "05/10/2026", *AS_OF, "--ics", "-", "--ref", "P-1", "--format", "json"
    )
    assert result.exit_code == 2
    assert result.stdout == ""


def test_shell_completion_through_the_console_script() -> None:
    env = {
        **os.environ,
        "_DEADLINES_COMPLETE": "complete_bash",
        "COMP_WORDS": "deadlines ca",
        "COMP_CWORD": "1",
    }
    proc = subprocess.run([SCRIPT], env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert "case" in proc.stdout.split()
