"""`deadlines case …` through Typer's CliRunner, on a database under tmp_path.

The story of one case: added, shown, corrected (with and without confirmation), an event
removed, deadlines marked done, listed, archived, removed; and every kind of bad input, which
must exit 2 with one line on stderr and leave the database as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.caseload.helpers import (
    as_json,
    assert_one_line_error,
    deadlines,
    dump,
    ok,
    rows,
)

AS_OF = ("--as-of", "2025-02-05")
CERTIFICATE = "Envoyer le certificat médical à l'OFII"
OFII_REPLY = "Répondre à la demande du médecin de l'OFII (informations, examens)"


@pytest.fixture
def case_db(db: Path) -> Path:
    """One case, P-014: filed on 15/01/2025, two OFII requests (01/02 and 10/02)."""
    result = ok(
        db,
        "case",
        "add",
        "P-014",
        "--filed",
        "15/01/2025",
        "--ofii-request",
        "01/02/2025",
        "--ofii-request",
        "2025-02-10",
        *AS_OF,
    )
    assert "Dossier « P-014 » ajouté." in result.stderr
    assert CERTIFICATE in result.stdout  # add shows the case's deadlines
    assert "samedi 15 février 2025" in result.stdout
    return db


def _events(db: Path, ref: str) -> list[tuple[str, str]]:
    doc = as_json(db, "case", "show", ref, *AS_OF)
    return [(e["event"], e["at"]) for e in doc["case"]["events"]]


def _deadlines(db: Path, ref: str) -> dict[tuple[str, str], dict[str, object]]:
    doc = as_json(db, "case", "show", ref, *AS_OF)
    return {(d["rule"], d["trigger"]["at"]): d for d in doc["deadlines"]}


# --- add / show ---------------------------------------------------------------------------------


def test_show_as_a_table_and_as_json(case_db: Path) -> None:
    table = ok(case_db, "case", "show", "P-014", *AS_OF).stdout
    assert table.startswith("Dossier « P-014 »")
    assert CERTIFICATE in table and OFII_REPLY in table
    assert "samedi 15 février 2025" in table
    explained = ok(case_db, "case", "show", "P-014", "--explain", *AS_OF).stdout
    assert "1. Point de départ" in explained
    doc = as_json(case_db, "case", "show", "P-014", *AS_OF)
    assert doc["schema"] == 3
    assert doc["as_of"] == "2025-02-05"
    assert doc["case"]["territory"] == "75"
    assert _events(case_db, "P-014") == [
        ("application-filed", "2025-01-15"),
        ("ofii-request", "2025-02-01"),
        ("ofii-request", "2025-02-10"),
    ]
    due = {key: d["due"] for key, d in _deadlines(case_db, "P-014").items()}
    assert due[("certificate", "2025-01-15")] == "2025-02-15"
    assert due[("ofii-request-reply", "2025-02-01")] == "2025-02-16"
    assert due[("ofii-request-reply", "2025-02-10")] == "2025-02-25"


def test_a_case_can_be_added_without_dates(db: Path) -> None:
    result = ok(db, "case", "add", "P-2", "--territory", "974")
    assert result.stdout == ""
    shown = ok(db, "case", "show", "P-2").stdout
    assert "Aucune date saisie." in shown


# --- set: moves shown, then a question ----------------------------------------------------------

MOVES = (
    "Échéances qui changent :",
    f"  ~ {CERTIFICATE} : samedi 15 février 2025 → jeudi 20 février 2025",
    "  ~ Naissance du refus implicite (silence de la préfecture) : jeudi 15 mai 2025 → mardi 20 "
    "mai 2025",
    "  ~ Saisir le tribunal administratif contre le refus implicite : mercredi 16 juillet 2025 → "
    "lundi 21 juillet 2025",
)


def test_set_shows_the_moves_and_saves_nothing_when_the_answer_is_no(case_db: Path) -> None:
    before = dump(case_db)
    for answer in ("n\n", "\n", None):  # "n", the default (Enter), end of input
        result = deadlines(
            case_db, "case", "set", "P-014", "--filed", "20/01/2025", *AS_OF, input=answer
        )
        assert result.exit_code == 3, result.stderr  # cancelled by the user (README)
        for line in MOVES:
            assert line in result.stdout.splitlines(), line
        assert OFII_REPLY not in result.stdout  # what does not move is not listed
        assert "Enregistrer ? [o/N]" in result.stderr
        assert "annulé à votre demande : rien n'a été enregistré." in result.stderr
        assert dump(case_db) == before


def test_set_saves_when_the_answer_is_yes(case_db: Path) -> None:
    result = ok(case_db, "case", "set", "P-014", "--filed", "20/01/2025", *AS_OF, input="y\n")
    assert MOVES[1] in result.stdout
    assert "Dossier « P-014 » enregistré (1 changement(s))." in result.stderr
    assert _events(case_db, "P-014")[0] == ("application-filed", "2025-01-20")
    assert _deadlines(case_db, "P-014")[("certificate", "2025-01-20")]["due"] == "2025-02-20"


def test_set_with_yes_does_not_ask_and_a_new_request_adds_to_the_others(case_db: Path) -> None:
    result = ok(case_db, "case", "set", "P-014", "--ofii-request", "12/02/2025", "--yes", *AS_OF)
    assert "Enregistrer ?" not in result.stderr
    assert f"  + {OFII_REPLY} : jeudi 27 février 2025" in result.stdout
    assert [at for kind, at in _events(case_db, "P-014") if kind == "ofii-request"] == [
        "2025-02-01",
        "2025-02-10",
        "2025-02-12",
    ]
    same = ok(case_db, "case", "set", "P-014", "--filed", "15/01/2025", "--yes", *AS_OF)
    assert "Rien à changer." in same.stderr


# --- unset --------------------------------------------------------------------------------------


def test_unset_one_of_two_ofii_requests_with_date(case_db: Path) -> None:
    result = ok(
        case_db, "case", "unset", "P-014", "ofii-request", "--date", "10/02/2025", "--yes", *AS_OF
    )
    assert f"  - {OFII_REPLY} : mardi 25 février 2025" in result.stdout
    assert _events(case_db, "P-014") == [
        ("application-filed", "2025-01-15"),
        ("ofii-request", "2025-02-01"),
    ]
    ok(case_db, "case", "unset", "P-014", "ofii-request", "--yes", *AS_OF)
    assert _events(case_db, "P-014") == [("application-filed", "2025-01-15")]


# --- done ---------------------------------------------------------------------------------------


def _agenda(db: Path, *args: str) -> list[tuple[str, str, str]]:
    doc = as_json(db, "agenda", "--days", "30", *AS_OF, *args)
    return [(r["ref"], r["rule"], r["due"]) for r in doc["rows"]]


def test_done_takes_the_deadline_out_of_the_agenda(case_db: Path) -> None:
    assert ("P-014", "certificate", "2025-02-15") in _agenda(case_db)
    result = ok(case_db, "case", "done", "P-014", "certificate", "--on", "2025-02-06")
    assert "« Envoyer le certificat médical à l'OFII » marqué fait le 06/02/2025." in (
        result.stderr
    )
    assert _agenda(case_db) == [
        ("P-014", "ofii-request-reply", "2025-02-16"),
        ("P-014", "ofii-request-reply", "2025-02-25"),
    ]
    assert _deadlines(case_db, "P-014")[("certificate", "2025-01-15")]["state"] == "done"


def test_done_with_a_repeated_rule_needs_the_trigger_date(case_db: Path) -> None:
    before = dump(case_db)
    result = deadlines(case_db, "case", "done", "P-014", "ofii-request-reply")
    assert_one_line_error(result, "--trigger-date", "2025-02-01, 2025-02-10")
    assert dump(case_db) == before
    wrong = deadlines(
        case_db, "case", "done", "P-014", "ofii-request-reply", "--trigger-date", "11/02/2025"
    )
    assert_one_line_error(wrong, "ofii-request-reply", "11/02/2025")
    assert dump(case_db) == before
    ok(
        case_db,
        "case",
        "done",
        "P-014",
        "ofii-request-reply",
        "--trigger-date",
        "10/02/2025",
        "--on",
        "2025-02-20",
    )
    assert _agenda(case_db) == [
        ("P-014", "certificate", "2025-02-15"),
        ("P-014", "ofii-request-reply", "2025-02-16"),
    ]
    assert rows(case_db, "SELECT rule, trigger_kind, trigger_rank, on_day FROM done") == [
        ("ofii-request-reply", "ofii-request", 1, "2025-02-20")
    ]


# --- list / archive / remove --------------------------------------------------------------------


def test_list_archive_and_list_all(case_db: Path) -> None:
    ok(case_db, "case", "add", "P-015", "--filed", "03/02/2025", "--territory", "974", *AS_OF)
    table = ok(case_db, "case", "list", *AS_OF).stdout
    assert "P-014" in table and "P-015" in table and "974" in table
    doc = as_json(case_db, "case", "list", *AS_OF)
    assert doc["schema"] == 5  # case list: `assignee` (issue 17; README "JSON output")
    first = doc["cases"][0]
    assert first["ref"] == "P-014"
    assert first["status"] == "active"
    assert first["open"] == 5
    assert first["overdue"] == 0
    assert first["next"]["rule"] == "certificate"
    assert first["next"]["due"] == "2025-02-15"
    assert first["next"]["days_left"] == 10

    result = ok(case_db, "case", "archive", "P-014")
    assert "Dossier « P-014 » archivé." in result.stderr
    assert [c["ref"] for c in as_json(case_db, "case", "list", *AS_OF)["cases"]] == ["P-015"]
    every = as_json(case_db, "case", "list", "--all", *AS_OF)["cases"]
    assert [(c["ref"], c["status"]) for c in every] == [
        ("P-014", "archived"),
        ("P-015", "active"),
    ]
    assert "archivé" in ok(case_db, "case", "list", "--all", *AS_OF).stdout
    assert {ref for ref, _, _ in _agenda(case_db)} == {"P-015"}
    # An archived case can still be shown.
    assert ok(case_db, "case", "show", "P-014", *AS_OF).stdout.startswith(
        "Dossier « P-014 » (archivé)"
    )


def test_remove_asks_then_deletes(case_db: Path) -> None:
    before = dump(case_db)
    for answer in ("n\n", None):
        refused = deadlines(case_db, "case", "remove", "P-014", input=answer)
        assert refused.exit_code == 3
        assert "Supprimer définitivement le dossier « P-014 » ?" in refused.stderr
        assert dump(case_db) == before
    result = ok(case_db, "case", "remove", "P-014", input="y\n")
    assert "Dossier « P-014 » supprimé." in result.stderr
    assert rows(case_db, "SELECT count(*) FROM cases") == [(0,)]
    ok(case_db, "case", "add", "P-016")
    ok(case_db, "case", "remove", "P-016", "--yes")
    assert rows(case_db, "SELECT count(*) FROM cases") == [(0,)]


def test_english_messages(case_db: Path) -> None:
    result = ok(case_db, "case", "archive", "P-014", "--lang", "en")
    assert "Case 'P-014' archived." in result.stderr
    unknown = deadlines(case_db, "case", "show", "NOPE", "--lang", "en")
    assert unknown.exit_code == 2
    assert unknown.stderr.strip() == (
        "error: No case 'NOPE'. 'deadlines case list --all' shows them all."
    )


# --- bad input: exit 2, one line, database untouched ------------------------------------------

BAD = {
    "unknown-ref-show": (["case", "show", "NOPE"], "Aucun dossier « NOPE »"),
    "unknown-ref-set": (["case", "set", "NOPE", "--filed", "20/01/2025", "--yes"], "NOPE"),
    "unknown-ref-unset": (["case", "unset", "NOPE", "application-filed", "--yes"], "NOPE"),
    "unknown-ref-done": (["case", "done", "NOPE", "certificate"], "Aucun dossier « NOPE »"),
    "unknown-ref-archive": (["case", "archive", "NOPE"], "Aucun dossier « NOPE »"),
    "unknown-ref-remove": (["case", "remove", "NOPE", "--yes"], "Aucun dossier « NOPE »"),
    "unknown-ref-export": (["export", "NOPE", "-o", "{tmp}/x.ics"], "Aucun dossier « NOPE »"),
    "unknown-rule": (["case", "done", "P-014", "certificat"], "« certificat » n'est pas une règle"),
    "rule-not-in-case": (["case", "done", "P-014", "oqtf-appeal"], "pas d'échéance « oqtf-appeal"),
    "unknown-event": (
        ["case", "unset", "P-014", "ofii-requests", "--yes"],
        "« ofii-requests » n'est pas un événement",
    ),
    "event-not-in-case": (
        ["case", "unset", "P-014", "college-request", "--yes"],
        "pas d'événement « college-request »",
    ),
    "event-not-on-date": (
        ["case", "unset", "P-014", "ofii-request", "--date", "02/02/2025", "--yes"],
        "pas d'événement « ofii-request »",
    ),
    "bad-date": (["case", "set", "P-014", "--filed", "31/02/2025", "--yes"], "--filed"),
    "date-outside-years": (["case", "set", "P-014", "--filed", "1999-01-15", "--yes"], "2000–2050"),
    "chronology": (
        ["case", "set", "P-014", "--certificate-received", "2025-01-10", "--yes"],
        "--certificate-received",
    ),
    "oqtf-without-departure-fact": (
        ["case", "set", "P-014", "--oqtf-notified", "2025-03-04 10:30", "--yes"],
        "--departure-period",
    ),
    "existing-ref": (["case", "add", "P-014"], "existe déjà"),
    "bad-ref": (["case", "add", "   "], "--ref"),
    "bad-as-of-on-add": (
        ["case", "add", "NEW", "--filed", "15/01/2025", "--as-of", "1999-01-01"],
        "--as-of",
    ),
    "bad-as-of-on-set": (
        ["case", "set", "P-014", "--filed", "20/01/2025", "--yes", "--as-of", "32/01/2025"],
        "--as-of",
    ),
    "bad-format": (["case", "list", "--format", "xml"], "--format"),
    "bad-on": (["case", "done", "P-014", "certificate", "--on", "demain"], "--on"),
    "bad-territory": (["case", "set", "P-014", "--territory", "20", "--yes"], "--territory"),
    "export-without-output": (["export"], "-o agenda.ics"),
}


@pytest.mark.parametrize(("argv", "fragment"), BAD.values(), ids=BAD.keys())
def test_bad_input_exits_2_with_one_line_and_leaves_the_database_as_it_was(
    case_db: Path, tmp_path: Path, argv: list[str], fragment: str
) -> None:
    before = dump(case_db)
    result = deadlines(case_db, *(a.replace("{tmp}", str(tmp_path)) for a in argv))
    assert_one_line_error(result, fragment)
    assert dump(case_db) == before
    assert not (tmp_path / "x.ics").exists()


def test_a_deadline_done_stays_done_when_its_disputed_second_start_is_added(
    case_db: Path,
) -> None:
    """The certificate runs from the filing or from the certificate's availability (disputed):
    marked done with the filing date alone, it is still done once the other date is entered."""
    ok(case_db, "case", "done", "P-014", "certificate", "--on", "2025-02-06")
    ok(case_db, "case", "set", "P-014", "--certificate-available", "17/01/2025", "--yes", *AS_OF)
    states = {rule: d["state"] for (rule, _), d in _deadlines(case_db, "P-014").items()}
    assert states["certificate"] == "done"
    assert ("P-014", "certificate") not in {(ref, rule) for ref, rule, _ in _agenda(case_db)}
