"""Wave 2 events and facts in the caseload: `case add`, `case set` (refusals leave the store as
it was), `case unset`, the V5 -> V6 migration, and `import` with French column names."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from caseload import schema, store
from caseload.db import connect
from deadlines.case import Case
from deadlines.entered import build_case
from deadlines.errors import InputError
from deadlines.rules.model import EventKind, LegalAidOutcome, Residence
from tests.caseload.helpers import (
    assert_one_line_error,
    connected,
    deadlines,
    dump,
    execute,
    ok,
    rows,
    store_exists,
)

AS_OF = ("--as-of", "2025-07-01")


def _case(db: Path, ref: str) -> Case:
    with connected(db) as connection:
        return store.get(connection, ref).case


def _events(db: Path, ref: str) -> list[tuple[str, str, str | None]]:
    return rows(
        db,
        "SELECT e.kind, e.day, e.time FROM events e JOIN cases c ON c.id = e.case_id "
        "WHERE c.ref = ? ORDER BY e.kind, e.day",
        (ref,),
    )


def _facts(db: Path, ref: str) -> tuple[object, ...]:
    (row,) = rows(
        db,
        "SELECT legal_aid_outcome, residence, judgment_appeal_info FROM cases WHERE ref = ?",
        (ref,),
    )
    return tuple(row)


@pytest.fixture
def case_db(db: Path) -> Path:
    """W-1: a refusal notified 03/03/2025, legal aid asked 10/03, one recours received 12/03."""
    ok(
        db,
        "case",
        "add",
        "W-1",
        "--refusal-notified",
        "03/03/2025",
        "--legal-aid-requested",
        "10/03/2025",
        "--recours-received",
        "12/03/2025",
        *AS_OF,
    )
    return db


# --- case add / set ----------------------------------------------------------------------------


def test_case_add_stores_every_new_event_and_fact(db: Path) -> None:
    ok(
        db,
        "case",
        "add",
        "W-2",
        "--oqtf-notified",
        "03/03/2025 10:00",
        "--departure-period",
        "--legal-aid-requested",
        "2025-03-10",
        "--legal-aid-decided",
        "01/04/2025",
        "--legal-aid-outcome",
        "refused",
        "--lawyer-designated",
        "02/04/2025",
        "--recours-received",
        "12/03/2025",
        "--recours-received",
        "11/03/2025",
        "--recours-rejected",
        "15/04/2025",
        "--house-arrest-notified",
        "18/03/2025 10h30",
        "--retention-notified",
        "2025-03-20T14:00",
        "--judgment-notified",
        "02/06/2025",
        "--no-judgment-appeal-info",
        "--residence",
        "abroad",
        *AS_OF,
    )
    assert _events(db, "W-2") == [
        ("house-arrest-notified", "2025-03-18", "10:30"),
        ("judgment-notified", "2025-06-02", None),
        ("lawyer-designated", "2025-04-02", None),
        ("legal-aid-decided", "2025-04-01", None),
        ("legal-aid-requested", "2025-03-10", None),
        ("oqtf-notified", "2025-03-03", "10:00"),
        ("recours-received", "2025-03-11", None),
        ("recours-received", "2025-03-12", None),
        ("recours-rejected", "2025-04-15", None),
        ("retention-notified", "2025-03-20", "14:00"),
    ]
    assert _facts(db, "W-2") == ("refused", "abroad", 0)
    facts = _case(db, "W-2").facts
    assert facts.legal_aid_outcome is LegalAidOutcome.REFUSED
    assert facts.residence is Residence.ABROAD
    assert facts.judgment_appeal_info is False


def test_a_case_added_without_the_new_facts_has_their_defaults(case_db: Path) -> None:
    assert _facts(case_db, "W-1") == ("granted", "local", 1)


def test_case_set_adds_a_recours_to_the_others_and_logs_each_change(case_db: Path) -> None:
    ok(case_db, "case", "set", "W-1", "--recours-received", "20/03/2025", "--yes", *AS_OF)
    ok(
        case_db,
        "case",
        "set",
        "W-1",
        "--recours-rejected",
        "2025-04-15",
        "--legal-aid-decided",
        "01/04/2025",
        "--legal-aid-outcome",
        "lapsed",
        "--residence",
        "overseas",
        "--yes",
        *AS_OF,
    )
    case = _case(case_db, "W-1")
    assert [e.at.isoformat() for e in case.all(EventKind.RECOURS_RECEIVED)] == [
        "2025-03-12",
        "2025-03-20",
    ]
    assert case.facts.legal_aid_outcome is LegalAidOutcome.LAPSED
    assert _facts(case_db, "W-1") == ("lapsed", "overseas", 1)
    changes = rows(
        case_db, "SELECT what, old, new FROM changes WHERE what != 'case:add' ORDER BY id"
    )
    assert ("event:recours-received", "2025-03-12", "2025-03-12, 2025-03-20") in changes
    assert ("fact:legal_aid_outcome", "granted", "lapsed") in changes
    assert ("fact:residence", "local", "overseas") in changes


def test_a_change_of_a_new_fact_makes_the_memo_stale(case_db: Path) -> None:
    """The V6 trigger raises the revision when a wave 2 fact changes, whoever writes it."""
    (before,) = rows(case_db, "SELECT revision FROM cases WHERE ref = 'W-1'")
    for column, value in (
        ("residence", "abroad"),
        ("legal_aid_outcome", "refused"),
        ("judgment_appeal_info", 0),
    ):
        execute(case_db, f"UPDATE cases SET {column} = ? WHERE ref = 'W-1'", (value,))
    (after,) = rows(case_db, "SELECT revision FROM cases WHERE ref = 'W-1'")
    assert after[0] == before[0] + 3


SET_REFUSED = {
    "decided-before-request": (
        ["--legal-aid-decided", "09/03/2025"],
        "--legal-aid-decided : dimanche 9 mars 2025 est antérieur à la demande d'aide",
    ),
    "lawyer-before-request": (
        ["--lawyer-designated", "01/03/2025"],
        "--lawyer-designated : samedi 1er mars 2025 est antérieur",
    ),
    "outcome-without-decision": (
        ["--legal-aid-outcome", "refused"],
        "--legal-aid-outcome décrit la décision du bureau d'aide juridictionnelle",
    ),
    "rejection-before-recours": (
        ["--recours-rejected", "11/03/2025"],
        "--recours-rejected : mardi 11 mars 2025 est antérieur à la réception du recours",
    ),
    "more-rejections-than-recours": (
        ["--recours-rejected", "15/03/2025", "--recours-rejected", "18/03/2025"],
        "--recours-rejected : 2 rejets pour 1 recours reçu(s)",
    ),
    "motives-without-request": (
        ["--motives-communicated", "01/04/2025"],
        "--motives-communicated : le dossier n'a pas de demande des motifs",
    ),
    "items-without-request": (
        ["--items-provided", "01/04/2025"],
        "--items-provided : le dossier n'a pas de demande de pièces",
    ),
    "house-arrest-without-oqtf": (
        ["--house-arrest-notified", "18/03/2025 10:00"],
        "--house-arrest-notified : une assignation à résidence ou une rétention",
    ),
    "retention-without-oqtf": (
        ["--retention-notified", "18/03/2025"],
        "--retention-notified : une assignation à résidence ou une rétention",
    ),
    "judgment-before-refusal": (
        ["--judgment-notified", "02/03/2025"],
        "--judgment-notified : dimanche 2 mars 2025 est antérieur à la notification du refus",
    ),
    "judgment-appeal-info-without-judgment": (
        ["--no-judgment-appeal-info"],
        "--judgment-appeal-info/--no-judgment-appeal-info décrit la notification du jugement",
    ),
    "bad-outcome": (["--legal-aid-outcome", "oui"], "--legal-aid-outcome : « oui »"),
    "bad-residence": (["--residence", "guadeloupe"], "--residence : « guadeloupe »"),
    "bad-date": (["--recours-received", "32/03/2025"], "--recours-received"),
    "decision-ahead": (
        ["--legal-aid-decided", "02/07/2025"],
        "--legal-aid-decided : notifié le mercredi 2 juillet 2025",
    ),
}


@pytest.mark.parametrize(("args", "fragment"), SET_REFUSED.values(), ids=SET_REFUSED.keys())
def test_case_set_refuses_what_cannot_be_true_and_leaves_the_store_as_it_was(
    case_db: Path, args: list[str], fragment: str
) -> None:
    before = dump(case_db)
    result = deadlines(case_db, "case", "set", "W-1", *args, "--yes", *AS_OF)
    assert_one_line_error(result, fragment)
    assert dump(case_db) == before


def test_case_add_refuses_too_and_creates_nothing(db: Path) -> None:
    result = deadlines(db, "case", "add", "W-9", "--legal-aid-decided", "01/04/2025", *AS_OF)
    assert_one_line_error(result, "--legal-aid-decided : le dossier n'a pas de demande")
    assert not store_exists(db)


# --- case unset --------------------------------------------------------------------------------


def test_case_unset_removes_a_new_event(case_db: Path) -> None:
    ok(case_db, "case", "unset", "W-1", "legal-aid-requested", "--yes", *AS_OF)
    assert ("legal-aid-requested", "2025-03-10", None) not in _events(case_db, "W-1")
    assert rows(case_db, "SELECT what, old, new FROM changes ORDER BY id DESC LIMIT 1") == [
        ("event:legal-aid-requested", "2025-03-10", None)
    ]


def test_case_unset_one_recours_of_two_by_its_date(case_db: Path) -> None:
    ok(case_db, "case", "set", "W-1", "--recours-received", "20/03/2025", "--yes", *AS_OF)
    ok(case_db, "case", "unset", "W-1", "recours-received", "--date", "12/03/2025", "--yes")
    assert [e for e in _events(case_db, "W-1") if e[0] == "recours-received"] == [
        ("recours-received", "2025-03-20", None)
    ]


def test_case_unset_of_a_decision_takes_its_outcome_with_it(case_db: Path) -> None:
    ok(
        case_db,
        "case",
        "set",
        "W-1",
        "--legal-aid-decided",
        "01/04/2025",
        "--legal-aid-outcome",
        "refused",
        "--yes",
        *AS_OF,
    )
    ok(case_db, "case", "unset", "W-1", "legal-aid-decided", "--yes", *AS_OF)
    assert _facts(case_db, "W-1") == ("granted", "local", 1)


def test_case_unset_of_a_request_its_decision_answers_is_refused(case_db: Path) -> None:
    ok(case_db, "case", "set", "W-1", "--legal-aid-decided", "01/04/2025", "--yes", *AS_OF)
    before = dump(case_db)
    result = deadlines(case_db, "case", "unset", "W-1", "legal-aid-requested", "--yes", *AS_OF)
    assert_one_line_error(
        result, "--legal-aid-decided : le dossier n'a pas de demande d'aide juridictionnelle"
    )
    assert dump(case_db) == before


def test_case_unset_accepts_every_new_event_name(case_db: Path) -> None:
    result = deadlines(case_db, "case", "unset", "W-1", "legal-aid-outcome", "--yes")
    line = assert_one_line_error(result, "« legal-aid-outcome » n'est pas un événement")
    for event in ("legal-aid-requested", "recours-rejected", "retention-notified"):
        assert event in line


def test_a_fact_of_an_event_goes_with_it_when_the_event_is_removed() -> None:
    case = build_case(
        {
            "legal-aid-requested": "10/03/2025",
            "legal-aid-decided": "01/04/2025",
            "legal-aid-outcome": "refused",
            "refusal-notified": "03/03/2025",
            "judgment-notified": "02/06/2025",
            "judgment-appeal-info": False,
            "residence": "abroad",
        }
    )
    without_decision = store.without_event(case, EventKind.LEGAL_AID_DECIDED, None)
    assert without_decision.facts.legal_aid_outcome is LegalAidOutcome.GRANTED
    without_judgment = store.without_event(case, EventKind.JUDGMENT_NOTIFIED, None)
    assert without_judgment.facts.judgment_appeal_info is True
    assert without_judgment.facts.residence is Residence.ABROAD  # not a fact of an event
    # The request cannot go while its decision stays.
    with pytest.raises(InputError) as caught:
        store.without_event(case, EventKind.LEGAL_AID_REQUESTED, None)
    assert caught.value.key == "legal-aid.without-request"


# --- migration V5 -> V6 ------------------------------------------------------------------------


def _make_v5(path: Path) -> None:
    """A store as version 5 of the tool left it: two cases, events, a done mark, a log line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = sqlite3.connect(path)
    for script in schema.MIGRATIONS[:5]:
        raw.executescript(script)
    stamp = "2025-03-01T09:00:00+00:00"
    raw.executemany(
        "INSERT INTO cases (ref, territory, appeal_info, custody, oqtf_ground, departure_period, "
        "status, created, updated) VALUES (?, ?, ?, ?, '3', ?, ?, ?, ?)",
        [
            ("OLD-1", "971", 0, "none", None, "active", stamp, stamp),
            ("OLD-2", "75", 1, "retention", 0, "archived", stamp, stamp),
        ],
    )
    raw.executemany(
        "INSERT INTO events (case_id, kind, day, time, source) VALUES (?, ?, ?, ?, 'cli')",
        [
            (1, "application-filed", "2025-01-15", None),
            (1, "ofii-request", "2025-02-01", None),
            (1, "refusal-notified", "2025-05-02", None),
            (2, "oqtf-notified", "2025-03-03", "10:00"),
        ],
    )
    raw.execute(
        "INSERT INTO done VALUES (1, 'ofii-request-reply', 'ofii-request', 0, '2025-02-10')"
    )
    raw.execute(
        "INSERT INTO changes (at, os_user, ref, what, old, new) "
        "VALUES (?, 'caseworker', 'OLD-1', 'case:add', NULL, 'territory=971')",
        (stamp,),
    )
    raw.execute("PRAGMA user_version = 5")
    raw.commit()
    raw.close()


@pytest.mark.sqlite_only  # a SQLite file of schema V5 (PostgreSQL stores start at the baseline)
def test_a_version_5_store_is_migrated_to_6_and_keeps_its_cases(db: Path) -> None:
    _make_v5(db)
    with connected(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST == 9
        old1 = store.get(connection, "OLD-1")
        old2 = store.get(connection, "OLD-2")
    assert old1.case.facts.territory == "971"
    assert old1.case.facts.appeal_info is False
    assert [(e.kind.value, e.at.isoformat()) for e in old1.case.events] == [
        ("application-filed", "2025-01-15"),
        ("ofii-request", "2025-02-01"),
        ("refusal-notified", "2025-05-02"),
    ]
    assert len(old1.done) == 1
    assert old2.status == "archived"
    assert old2.case.facts.departure_period is False
    # The new facts take the spec's defaults: the cases mean what they meant.
    for record in (old1, old2):
        assert record.case.facts.legal_aid_outcome is LegalAidOutcome.GRANTED
        assert record.case.facts.residence is Residence.LOCAL
        assert record.case.facts.judgment_appeal_info is True
    assert rows(db, "SELECT what, os_user FROM changes") == [("case:add", "caseworker")]
    # The migrated store takes the new events and facts at once.
    ok(
        db,
        "case",
        "set",
        "OLD-1",
        "--recours-received",
        "10/05/2025",
        "--residence",
        "overseas",
        "--yes",
        *AS_OF,
    )
    assert _facts(db, "OLD-1") == ("granted", "overseas", 1)
    assert ("recours-received", "2025-05-10", None) in _events(db, "OLD-1")
    ok(db, "case", "list", "--all", *AS_OF)
    # Opening again is a no-op.
    before = dump(db)
    connect(db).close()
    assert dump(db) == before


# --- import --------------------------------------------------------------------------------


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "wave2.csv"
    path.write_bytes(text.encode(encoding))
    return path


HEADER = (
    "Référence;Département;Refus notifié;Demande AJ;Décision BAJ;Issue AJ;Avocat désigné;"
    "Recours gracieux;Rejet recours;Jugement notifié;Délai d'appel indiqué;Résidence"
)


def test_import_reads_the_new_columns_under_their_french_names(db: Path, tmp_path: Path) -> None:
    body = (
        f"{HEADER}\n"
        "I-1;971;03/03/2025;10/03/2025;01/04/2025;refused;02/04/2025;"
        "12/03/2025|2025-03-20;15/04/2025;02/06/2025;non;overseas\n"
        "I-2;75;03/03/2025;;;;;;;;;\n"
    )
    ok(db, "import", _csv(tmp_path, body, "cp1252"))
    assert _events(db, "I-1") == [
        ("judgment-notified", "2025-06-02", None),
        ("lawyer-designated", "2025-04-02", None),
        ("legal-aid-decided", "2025-04-01", None),
        ("legal-aid-requested", "2025-03-10", None),
        ("recours-received", "2025-03-12", None),
        ("recours-received", "2025-03-20", None),
        ("recours-rejected", "2025-04-15", None),
        ("refusal-notified", "2025-03-03", None),
    ]
    assert _facts(db, "I-1") == ("refused", "overseas", 0)
    assert _facts(db, "I-2") == ("granted", "local", 1)


def test_import_with_the_spec_ids_and_the_placements_times(db: Path, tmp_path: Path) -> None:
    body = (
        "ref,territory,oqtf-notified,departure-period,house-arrest-notified,retention-notified,"
        "motives-requested,motives-communicated,items-requested,items-provided\n"
        "I-3,75,03/03/2025 10:00,oui,18/03/2025 10h30,2025-03-20T14:00,"
        "05/03/2025,20/03/2025,10/01/2025,25/01/2025\n"
    )
    ok(db, "import", _csv(tmp_path, body))
    events = _events(db, "I-3")
    assert ("house-arrest-notified", "2025-03-18", "10:30") in events
    assert ("retention-notified", "2025-03-20", "14:00") in events
    assert ("items-provided", "2025-01-25", None) in events


def test_import_refuses_what_cannot_be_true_with_its_line_and_column(
    db: Path, tmp_path: Path
) -> None:
    body = (
        f"{HEADER}\n"
        "I-1;75;03/03/2025;;;refused;;;;;;\n"  # an outcome without a decision
        "I-2;75;03/03/2025;;;;;12/03/2025;11/03/2025;;;\n"  # rejected before received
        "I-3;75;03/03/2025;;;;;;;;;ailleurs\n"  # not a residence
        "I-4;75;03/03/2025;;;;;;;;non;\n"  # no judgment
    )
    result = deadlines(db, "import", _csv(tmp_path, body))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("ligne 2, colonne « Issue AJ » : Issue AJ décrit la décision")
    assert lines[1].startswith("ligne 3, colonne « Rejet recours » : Rejet recours : mardi 11")
    assert lines[2].startswith("ligne 4, colonne « Résidence » : Résidence : « ailleurs »")
    assert lines[3].startswith("ligne 5, colonne « Délai d'appel indiqué » : ")
    assert lines[-1] == "erreur : import : 4 erreur(s) ; rien n'a été importé."
    assert not store_exists(db)


def test_import_update_adds_a_recours_and_needs_the_decision_for_an_outcome(
    case_db: Path, tmp_path: Path
) -> None:
    header = "ref;territory;recours-received;legal-aid-decided;legal-aid-outcome\n"
    before = dump(case_db)
    refused = deadlines(
        case_db,
        "import",
        "--update",
        _csv(tmp_path, header + "W-1;75;20/03/2025;;provisional\n"),
    )
    assert refused.exit_code == 2
    assert "ligne 2, colonne « legal-aid-outcome »" in refused.stderr
    assert dump(case_db) == before
    ok(
        case_db,
        "import",
        "--update",
        _csv(tmp_path, header + "W-1;75;20/03/2025|12/03/2025;01/04/2025;provisional\n"),
    )
    case = _case(case_db, "W-1")
    assert [e.at.isoformat() for e in case.all(EventKind.RECOURS_RECEIVED)] == [
        "2025-03-12",
        "2025-03-20",
    ]
    assert case.facts.legal_aid_outcome is LegalAidOutcome.PROVISIONAL
    # The same file again changes nothing (a recours already there is not added twice).
    again = ok(
        case_db,
        "import",
        "--update",
        _csv(tmp_path, header + "W-1;75;20/03/2025|12/03/2025;01/04/2025;provisional\n"),
    )
    assert "1 inchangé(s)" in again.stderr
