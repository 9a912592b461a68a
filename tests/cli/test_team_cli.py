"""Working as a team on the command line (issue 17): `case assign`, `case add --assignee`, the
`assignee` column of `import`, `agenda` and `case list` with `--mine` / `--assignee`, `case
history`, and the refusal (exit 4) of a write on a case another caseworker changed meanwhile."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from caseload import csv_import, store
from caseload.db import connect
from cli import app
from tests.caseload.helpers import SCRIPT, WIDE, dump, rows, subprocess_env

AS_OF = ("--as-of", "2025-02-05")
runner = CliRunner()


@pytest.fixture(autouse=True)
def _private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No command can reach the user's own store; alice runs every command unless told."""
    monkeypatch.setenv("DEADLINES_DB", str(tmp_path / "env-default" / "cases.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("DEADLINES_USER", "alice")
    yield


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "cases.db"


def run(db: Path, *args: str | Path, who: str = "alice", input: str | None = None) -> Result:
    words = [*(str(a) for a in args), "--db", str(db)]
    env = {**WIDE, "DEADLINES_USER": who}
    return runner.invoke(app, words, input=input, env=env, catch_exceptions=False)


def ok(db: Path, *args: str | Path, who: str = "alice") -> Result:
    result = run(db, *args, who=who)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result


def as_json(db: Path, *args: str, who: str = "alice") -> Any:
    return json.loads(ok(db, *args, "--format", "json", who=who).stdout)


def one_line_error(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def team(db: Path) -> Path:
    """Three cases: one alice follows, one bob follows, one nobody follows."""
    ok(db, "case", "add", "A-1", "--filed", "20/01/2025", "--assignee", "alice", *AS_OF)
    ok(db, "case", "add", "B-1", "--filed", "21/01/2025", *AS_OF, who="bob")
    ok(db, "case", "assign", "B-1", "bob", who="bob")
    ok(db, "case", "add", "N-1", "--filed", "22/01/2025", *AS_OF)
    return db


# --- case assign, case add --assignee ------------------------------------------------------------


def test_assign_and_give_back_in_french_and_english(team: Path) -> None:
    assert ok(team, "case", "assign", "N-1", "carol").stderr == "Dossier « N-1 » confié à carol.\n"
    english = ok(team, "case", "assign", "N-1", "--nobody", "--lang", "en").stderr
    assert english == "Case 'N-1' assigned to nobody.\n"
    assert ok(team, "case", "assign", "N-1", "--nobody").stderr == "Rien à changer.\n"
    assert rows(team, "SELECT assignee FROM cases WHERE ref = 'N-1'") == [(None,)]


def test_case_show_says_who_follows_the_case(team: Path) -> None:
    assert ok(team, "case", "show", "A-1", *AS_OF).stdout.splitlines()[:2] == [
        "Dossier « A-1 »",
        "Suivi par : alice",
    ]
    english = ok(team, "case", "show", "B-1", *AS_OF, "--lang", "en").stdout
    assert english.splitlines()[1] == "Assignee: bob"
    assert "Suivi par" not in ok(team, "case", "show", "N-1", *AS_OF).stdout


@pytest.mark.parametrize(
    ("words", "fragment"),
    [
        (["case", "assign", "Z-9", "bob"], "Aucun dossier « Z-9 »"),
        (["case", "assign", "A-1", ""], "nom vide"),
        (["case", "assign", "A-1", "   "], "nom vide"),
        (["case", "assign", "A-1", "bo\nb"], "caractère de contrôle"),
        (["case", "assign", "A-1", "x" * 81], "80 caractères au plus"),
        (["case", "assign", "A-1"], "NOM) ou --nobody"),
        (["case", "assign", "A-1", "bob", "--nobody"], "NOM) ou --nobody"),
        (["case", "add", "C-1", "--filed", "20/01/2025", "--assignee", ""], "nom vide"),
        (["case", "history", "Z-9"], "Aucun dossier « Z-9 »"),
        (["agenda", "--assignee", ""], "nom vide"),
        (["agenda", "--mine", "--assignee", "bob"], "--mine vaut --assignee alice"),
        (["case", "list", "--assignee", " "], "nom vide"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    team: Path, words: list[str], fragment: str
) -> None:
    before = dump(team)
    line = one_line_error(run(team, *words))
    assert line.startswith("erreur : ") and fragment in line, line
    assert dump(team) == before


def test_bad_input_in_english(team: Path) -> None:
    line = one_line_error(run(team, "case", "assign", "A-1", "", "--lang", "en"))
    assert line.startswith("error: empty name: say who follows the case")
    line = one_line_error(run(team, "case", "assign", "Z-9", "bob", "--lang", "en"))
    assert line == "error: No case 'Z-9'. 'deadlines case list --all' shows them all."


def test_an_empty_assignee_on_case_add_creates_no_store(db: Path) -> None:
    one_line_error(run(db, "case", "add", "C-1", "--filed", "20/01/2025", "--assignee", " "))
    assert not db.exists()


# --- agenda and case list: --mine, --assignee, the whole team ----------------------------------


def _refs(doc: dict[str, Any], key: str) -> set[str]:
    return {row["ref"] for row in doc[key]}


def test_agenda_mine_is_the_cases_of_deadlines_user(team: Path) -> None:
    window = ("--days", "60", *AS_OF)
    assert _refs(as_json(team, "agenda", *window), "rows") == {"A-1", "B-1", "N-1"}
    mine = as_json(team, "agenda", "--mine", *window)
    assert _refs(mine, "rows") == {"A-1"}
    assert mine["schema"] == 4 and mine["assignee"] == "alice"
    assert {row["assignee"] for row in mine["rows"]} == {"alice"}
    assert _refs(as_json(team, "agenda", "--mine", *window, who="bob"), "rows") == {"B-1"}
    bobs = as_json(team, "agenda", "--assignee", "bob", *window)
    assert _refs(bobs, "rows") == {"B-1"} and bobs["assignee"] == "bob"
    everyone = as_json(team, "agenda", *window)
    assert everyone["assignee"] is None
    assert {(r["ref"], r["assignee"]) for r in everyone["rows"]} == {
        ("A-1", "alice"),
        ("B-1", "bob"),
        ("N-1", None),
    }
    assert _refs(as_json(team, "agenda", "--mine", *window, who="dave"), "rows") == set()


def test_agenda_table_names_who_follows_each_case(team: Path) -> None:
    table = ok(team, "agenda", "--days", "60", *AS_OF).stdout
    assert "Suivi par" in table
    line = next(line for line in table.splitlines() if "│ B-1" in line)
    assert "│ bob " in line
    english = ok(team, "agenda", "--days", "60", "--mine", *AS_OF, "--lang", "en").stdout
    assert "Assignee" in english and "B-1" not in english and "A-1" in english


def test_case_list_mine_assignee_and_json(team: Path) -> None:
    doc = as_json(team, "case", "list", *AS_OF)
    assert doc["schema"] == 5 and doc["assignee"] is None
    assert [(c["ref"], c["assignee"]) for c in doc["cases"]] == [
        ("A-1", "alice"),
        ("B-1", "bob"),
        ("N-1", None),
    ]
    assert _refs(as_json(team, "case", "list", "--mine", *AS_OF), "cases") == {"A-1"}
    assert _refs(as_json(team, "case", "list", "--assignee", "bob", *AS_OF), "cases") == {"B-1"}
    table = ok(team, "case", "list", *AS_OF).stdout
    assert "Suivi par" in table
    assert "│ alice " in next(line for line in table.splitlines() if "│ A-1" in line)


def test_a_caseworker_alone_sees_no_assignee_column(db: Path) -> None:
    ok(db, "case", "add", "A-1", "--filed", "20/01/2025", *AS_OF)
    assert "Suivi par" not in ok(db, "agenda", "--days", "60", *AS_OF).stdout
    assert "Suivi par" not in ok(db, "case", "list", *AS_OF).stdout


# --- case history ------------------------------------------------------------------------------


def test_history_lists_exactly_the_commands_run(db: Path) -> None:
    ok(db, "case", "add", "H-1", "--filed", "15/01/2025", "--assignee", "alice", *AS_OF)
    ok(db, "case", "set", "H-1", "--ofii-request", "01/02/2025", "--yes", *AS_OF, who="bob")
    ok(db, "case", "unset", "H-1", "ofii-request", "--yes", *AS_OF)
    ok(db, "case", "done", "H-1", "certificate", "--on", "03/02/2025", *AS_OF, who="bob")
    ok(db, "case", "assign", "H-1", "bob", who="bob")
    ok(db, "case", "archive", "H-1")
    doc = as_json(db, "case", "history", "H-1")
    assert doc["schema"] == 2 and doc["ref"] == "H-1"
    assert {c["db_role"] for c in doc["changes"]} == {None}  # a SQLite file has no roles
    assert [(c["who"], c["what"], c["old"], c["new"]) for c in doc["changes"]] == [
        ("alice", "case:add", None, "territory=75; application-filed=2025-01-15"),
        ("alice", "assignee", None, "alice"),
        ("bob", "event:ofii-request", None, "2025-02-01"),
        ("alice", "event:ofii-request", "2025-02-01", None),
        ("bob", "done:certificate/certificate-available/0", None, "2025-02-03"),
        ("bob", "assignee", "alice", "bob"),
        ("alice", "status", "active", "archived"),
    ]
    assert [c["field"] for c in doc["changes"]][2:5] == ["ofii-request"] * 2 + ["certificate"]
    assert all(c["at"][10] == "T" and c["at"][-6] in "+-" for c in doc["changes"])
    table = ok(db, "case", "history", "H-1").stdout
    said = [line.split("│")[2:4] for line in table.splitlines() if line.startswith("│")]
    assert [(who.strip(), what.strip()) for who, what in said] == [
        ("alice", "dossier ajouté : territoire 75 ; dépôt de la demande 15/01/2025"),
        ("alice", "suivi par : personne → alice"),
        ("bob", "date : demande du médecin de l'OFII : — → 01/02/2025"),
        ("alice", "date : demande du médecin de l'OFII : 01/02/2025 → —"),
        ("bob", "marquée faite : Envoyer le certificat médical à l'OFII : — → 03/02/2025"),
        ("bob", "suivi par : alice → bob"),
        ("alice", "statut : actif → archivé"),
    ]
    english = as_json(db, "case", "history", "H-1", "--lang", "en")
    assert [c["text"] for c in english["changes"]] == [
        "case added: territory 75; application filed 2025-01-15",
        "assignee: nobody → alice",
        "date: OFII doctor's request: — → 2025-02-01",
        "date: OFII doctor's request: 2025-02-01 → —",
        "marked done: Send the medical certificate to the OFII: — → 2025-02-03",
        "assignee: alice → bob",
        "status: active → archived",
    ]


def test_history_of_an_import_and_an_update(db: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text("Référence;Département;Date de dépôt;Suivi par\nI-1;75;15/01/2025;alice\n")
    ok(db, "import", first)
    again = tmp_path / "again.csv"
    again.write_text("ref,territory,application-filed,Référent\nI-1,93,,bob\n")
    result = ok(db, "import", "--update", again, who="bob")
    assert result.stdout == (
        "Dossier « I-1 » mis à jour : territory 75 → 93 ; assignee alice → bob\n"
    )
    doc = as_json(db, "case", "history", "I-1")
    assert [(c["who"], c["what"], c["old"], c["new"]) for c in doc["changes"]] == [
        ("alice", "case:add", None, "territory=75; application-filed=2025-01-15"),
        ("alice", "assignee", None, "alice"),
        ("bob", "fact:territory", "75", "93"),
        ("bob", "assignee", "alice", "bob"),
    ]
    # An empty cell keeps who follows the case, as every other cell keeps its value.
    keep = tmp_path / "keep.csv"
    keep.write_text("ref,territory,assignee\nI-1,93,\n")
    ok(db, "import", "--update", keep)
    assert rows(db, "SELECT assignee FROM cases") == [("bob",)]


def test_an_import_with_a_bad_assignee_writes_nothing(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text('ref,territory,assignee\nI-1,75,"a\tb"\n')
    result = run(db, "import", bad)
    assert result.exit_code == 2
    assert "ligne 2, colonne « assignee »" in result.stderr
    assert not db.exists()


# --- no lost update through the command line -----------------------------------------------------


def _bob_writes_after_the_read(monkeypatch: pytest.MonkeyPatch, db: Path) -> None:
    """The next `store.get` of the command returns the case as read, then bob assigns it to
    himself before the command writes: the two writers interleaved at the worst moment."""
    real_get = store.get
    fired = []

    def get_then_bob_writes(connection: Any, ref: str) -> store.CaseRecord:
        record = real_get(connection, ref)
        if not fired:
            fired.append(ref)
            monkeypatch.setenv("DEADLINES_USER", "bob")
            other = connect(db)
            try:
                store.assign(other, real_get(other, ref), "bob")
            finally:
                other.close()
                monkeypatch.setenv("DEADLINES_USER", "alice")
        return record

    monkeypatch.setattr(store, "get", get_then_bob_writes)


@pytest.mark.parametrize(
    "words",
    [
        ["case", "assign", "N-1", "carol"],
        ["case", "archive", "N-1"],
        ["case", "done", "N-1", "certificate", *AS_OF],
        ["case", "set", "N-1", "--territory", "93", *AS_OF],
    ],
    ids=["assign", "archive", "done", "set"],
)
def test_a_write_on_a_case_bob_changed_since_it_was_read_is_refused(
    team: Path, monkeypatch: pytest.MonkeyPatch, words: list[str]
) -> None:
    _bob_writes_after_the_read(monkeypatch, team)
    result = run(team, *words, input="o\n")  # `case set` asks, and alice answers yes
    after_bob = rows(team, "SELECT os_user, what, new FROM changes ORDER BY id DESC LIMIT 1")
    assert after_bob == [("bob", "assignee", "bob")]  # bob's write is the last one: alice's none
    assert result.exit_code == 4, (result.stdout, result.stderr)
    # The last line (after the question `case set` asks, which the runner does not end):
    line = result.stderr.strip().splitlines()[-1].split("[o/N] ")[-1]
    assert line.startswith("erreur : Le dossier « N-1 » a été modifié entre-temps (bob, 20")
    assert rows(team, "SELECT assignee, status, territory FROM cases WHERE ref = 'N-1'") == [
        ("bob", "active", "75")
    ]


def test_an_import_update_on_a_case_changed_since_it_was_checked_writes_nothing(
    team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_validate = csv_import.validate

    def validate_then_bob_writes(connection: Any, *args: Any) -> list[csv_import.Row]:
        checked = real_validate(connection, *args)
        if connection is not None:
            other = connect(team)
            try:
                monkeypatch.setenv("DEADLINES_USER", "bob")
                store.assign(other, store.get(other, "B-1"), "dave")
            finally:
                other.close()
                monkeypatch.setenv("DEADLINES_USER", "alice")
        return checked

    monkeypatch.setattr(csv_import, "validate", validate_then_bob_writes)
    update = tmp_path / "update.csv"
    update.write_text("ref,territory,permit-expires\nA-1,75,31/12/2026\nB-1,93,\nZ-1,75,\n")
    result = run(team, "import", "--update", update, "--lang", "en")
    assert result.exit_code == 4, result.stderr
    assert result.stderr.startswith("error: Case 'B-1' was changed meanwhile (bob, ")
    assert rows(team, "SELECT ref, territory, assignee FROM cases ORDER BY ref") == [
        ("A-1", "75", "alice"),
        ("B-1", "75", "dave"),
        ("N-1", "75", None),
    ]  # not A-1's date, not Z-1: the import is one transaction
    assert rows(team, "SELECT count(*) FROM events WHERE kind = 'permit-expires'") == [(0,)]


# --- a real process ------------------------------------------------------------------------------


def test_a_real_process_sees_its_own_cases_and_the_history(team: Path, tmp_path: Path) -> None:
    env = {**subprocess_env(tmp_path), "DEADLINES_USER": "bob", "TZ": "UTC"}
    words = ["agenda", "--mine", "--days", "60", *AS_OF, "--format", "json"]
    mine = subprocess.run(
        [str(SCRIPT), *words, "--db", str(team)],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert mine.returncode == 0, mine.stderr
    assert {row["ref"] for row in json.loads(mine.stdout)["rows"]} == {"B-1"}
    shown = subprocess.run(
        [str(SCRIPT), "case", "history", "B-1", "--lang", "en", "--db", str(team)],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "History of case 'B-1'"
    assert "│ bob " in lines[-2] and "assignee: nobody → bob" in lines[-2]
    stamp = rows(team, "SELECT at FROM changes WHERE ref = 'B-1' ORDER BY id DESC LIMIT 1")[0][0]
    assert stamp[:10] + " " + stamp[11:19] in lines[-2]  # TZ=UTC: local time is the log's
