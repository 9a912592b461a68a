"""The caseload's lists with wave-2 deadlines: a suspended deadline (legal aid asked, no decision)
is listed apart after the dated ones, never overdue (agenda --check), counted apart in `case
list`; a moved one says what moved it; the memo keeps both, and is computed again when the
engine or a wave-2 fact changes.

The unit tests build a suspended brief from a real computed one (dataclasses.replace); the
end-to-end ones run the command line on a store."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from caseload import memo, store
from caseload.agenda import AGENDA_SCHEMA, agenda, agenda_to_dict
from caseload.cases import CASE_LIST_SCHEMA, case_rows
from caseload.memo import Listing, brief_from_row, brief_row, listings
from deadlines.case import Event, make_case
from deadlines.engine import Brief, briefs, listed
from deadlines.rules.model import EventKind
from deadlines.text import Text
from rendering.caseload import render_agenda, render_case_list
from tests.caseload.helpers import as_json, connected, deadlines, ok, rows

PARIS = "Europe/Paris"
REQUESTED = Event(EventKind.LEGAL_AID_REQUESTED, date(2025, 3, 17))
DECIDED = Event(EventKind.LEGAL_AID_DECIDED, date(2025, 5, 6))
APPEAL = "Saisir le tribunal administratif contre le refus de titre"
SUSPENDED_FR = (
    "suspendu (aide juridictionnelle demandée le 17/03/2025 ; un nouveau délai courra de la "
    "décision du BAJ : saisissez-la dès sa notification)"
)
SUSPENDED_EN = (
    "suspended (legal aid requested on 17/03/2025; a new period will run from the legal-aid "
    "decision: enter it as soon as it is notified)"
)


def _refusal_briefs(day: date = date(2025, 3, 3)) -> tuple[Brief, ...]:
    """appeal-refusal and administrative-appeal of a refusal notified on `day`."""
    return briefs(make_case([(EventKind.REFUSAL_NOTIFIED, day)]))


def _suspended_briefs() -> tuple[Brief, ...]:
    """The refusal's two deadlines as the engine gives them once legal aid was asked on 17 Mar
    2025 and no decision notified yet."""
    case = make_case(
        [(EventKind.REFUSAL_NOTIFIED, date(2025, 3, 3)), (REQUESTED.kind, REQUESTED.at)]
    )
    found = briefs(case)
    assert all(b.due is None and b.suspended_by == REQUESTED for b in found)
    return found


def _listing(ref: str, kept: tuple[Brief, ...], as_of: date) -> Listing:
    return Listing(1, ref, "75", PARIS, "active", "", True, as_of, None, listed(kept, PARIS, as_of))


def _suspended_listing(as_of: date = date(2025, 9, 1)) -> Listing:
    """Both deadlines of the refusal suspended, months after they would have ended."""
    return _listing("S-1", _suspended_briefs(), as_of)


def _text(render: Any, *args: Any) -> str:
    out = io.StringIO()
    render(*args, out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")


# --- the agenda (unit) -------------------------------------------------------------------------


def test_a_suspended_deadline_is_listed_apart_and_never_overdue() -> None:
    overdue = _listing("D-1", _refusal_briefs(date(2025, 1, 6)), date(2025, 9, 1))
    result = agenda([overdue, _suspended_listing()], days=14)
    assert [(r.ref, r.deadline.state.value) for r in result.rows] == [
        ("D-1", "overdue"),
        ("D-1", "overdue"),
    ]
    assert [(r.ref, r.deadline.state.value) for r in result.suspended] == [
        ("S-1", "suspended"),
        ("S-1", "suspended"),
    ]
    assert all(r.ref == "D-1" for r in result.overdue)
    alone = agenda([_suspended_listing()], days=0)
    assert alone.rows == () and alone.overdue == () and len(alone.suspended) == 2


def test_suspended_deadlines_longest_waiting_first() -> None:
    later = Event(EventKind.LEGAL_AID_REQUESTED, date(2025, 3, 20))
    kept = tuple(replace(b, suspended_by=later) for b in _suspended_briefs())
    a = _listing("A", kept, date(2025, 9, 1))
    result = agenda([a, _suspended_listing()], days=14)
    assert [r.ref for r in result.suspended] == ["S-1", "S-1", "A", "A"]


def test_the_agenda_json_marks_them_suspended_after_the_dated_rows() -> None:
    upcoming = _listing("U-1", _refusal_briefs(date(2025, 8, 25)), date(2025, 9, 1))
    doc = agenda_to_dict(agenda([_suspended_listing(), upcoming], days=60), "fr")
    assert doc["schema"] == AGENDA_SCHEMA == 4
    assert doc["overdue"] == 0 and doc["suspended"] == 2
    states = [(r["ref"], r["state"], r["due"]) for r in doc["rows"]]
    assert states == [
        ("U-1", "upcoming", "2025-10-27"),
        ("U-1", "upcoming", "2025-10-27"),
        ("S-1", "suspended", None),
        ("S-1", "suspended", None),
    ]
    last = doc["rows"][-1]
    assert last["suspended_by"] == {"event": "legal-aid-requested", "at": "2025-03-17"}
    assert last["days_left"] is None and last["minutes_left"] is None


@pytest.mark.parametrize(
    ("lang", "title", "text", "state"),
    [("fr", "Suspendus", SUSPENDED_FR, "suspendu"), ("en", "Suspended", SUSPENDED_EN, "suspended")],
)
def test_the_agenda_table_has_a_suspended_section_after_the_dated_one(
    lang: str, title: str, text: str, state: str
) -> None:
    upcoming = _listing("U-1", _refusal_briefs(date(2025, 8, 25)), date(2025, 9, 1))
    table = _text(render_agenda, agenda([_suspended_listing(), upcoming], days=60), lang)
    lines = table.splitlines()
    heading = next(n for n, line in enumerate(lines) if line.strip() == title)
    dated = [n for n, line in enumerate(lines) if "U-1" in line]
    waiting = [n for n, line in enumerate(lines) if text in line]
    assert dated and max(dated) < heading < min(waiting)
    assert all("S-1" in lines[n] and state in lines[n] and "—" in lines[n] for n in waiting)
    assert "DÉPASSÉ" not in table and "OVERDUE" not in table


def test_only_suspended_deadlines_nothing_due_then_the_section() -> None:
    table = _text(render_agenda, agenda([_suspended_listing()], days=14), "fr")
    assert table.startswith("Rien à faire. Agenda : échéances des 14 prochains jours")
    assert "Suspendus" in table and SUSPENDED_FR in table


def test_the_warnings_are_listed_once_under_both_sections() -> None:
    warning = (Text("Un avertissement partagé.", "A shared warning."),)
    upcoming = _listing(
        "U-1",
        tuple(replace(b, warnings=warning) for b in _refusal_briefs(date(2025, 8, 25))),
        date(2025, 9, 1),
    )
    warned = _listing(
        "S-1",
        tuple(replace(b, warnings=warning) for b in _suspended_briefs()),
        date(2025, 9, 1),
    )
    table = _text(render_agenda, agenda([warned, upcoming], days=60), "fr")
    assert table.count("Avertissements") == 1
    assert table.count("Un avertissement partagé.") == 1
    assert "*1 (U-1, S-1) Un avertissement partagé." in table
    assert table.index("Suspendus") < table.index("Avertissements")


def test_a_moved_deadline_says_what_moved_it_in_the_agenda() -> None:
    moved = tuple(replace(b, moved_by=(REQUESTED, DECIDED)) for b in _refusal_briefs())
    table = _text(render_agenda, agenda([_listing("M-1", moved, date(2025, 4, 1))], 60), "fr")
    assert (
        "déplacé par : demande d'aide juridictionnelle (17/03/2025) ; décision du BAJ "
        "(06/05/2025)" in table
    )
    english = _text(render_agenda, agenda([_listing("M-1", moved, date(2025, 4, 1))], 60), "en")
    assert "moved by: legal-aid request (17/03/2025); legal-aid decision (06/05/2025)" in english


# --- case list (unit) --------------------------------------------------------------------------


def test_case_list_counts_suspended_deadlines_apart() -> None:
    mixed = _listing(
        "X-1",
        (_suspended_briefs()[0], *_refusal_briefs(date(2025, 8, 25))[1:]),
        date(2025, 9, 1),
    )
    found = case_rows([_suspended_listing(), mixed], "fr")
    assert CASE_LIST_SCHEMA == 5
    first, second = found
    assert (first["open"], first["overdue"], first["suspended"], first["next"]) == (0, 0, 2, None)
    assert (second["open"], second["suspended"]) == (1, 1)
    following = second["next"]
    assert isinstance(following, dict) and following["state"] == "upcoming"
    table = _text(render_case_list, found, "fr")
    assert "2 échéances suspendues" in table and "1 échéance suspendue" in table
    english = _text(render_case_list, found, "en")
    assert "2 deadlines suspended" in english and "1 deadline suspended" in english


# --- the memo ----------------------------------------------------------------------------------


def _round_trip(brief: Brief) -> Brief:
    row = brief_row(7, 0, brief)
    return brief_from_row(row[2:], brief.rule, ZoneInfo(PARIS))


def test_a_suspended_brief_is_stored_without_dates_and_read_back_equal() -> None:
    for suspended in _suspended_briefs():
        row = brief_row(7, 0, suspended)
        columns = dict(zip(memo.BRIEF_COLUMNS, row[2:], strict=True))
        assert columns["due"] is columns["latest"] is columns["end_at"] is None
        assert columns["due_at"] is None and columns["latest_at"] is None
        assert json.loads(columns["suspended_by"])[0] == "legal-aid-requested"
        assert _round_trip(suspended) == suspended


def test_a_moved_brief_keeps_its_events_in_order() -> None:
    timed = Event(EventKind.HOUSE_ARREST_NOTIFIED, date(2025, 3, 18), time=time(10, 0))
    for brief in _refusal_briefs():
        moved = replace(brief, moved_by=(REQUESTED, DECIDED, timed))
        assert _round_trip(moved) == moved
        assert _round_trip(brief) == brief
        # Neither moved nor suspended: the warnings' list as before (or NULL), no object.
        plain = brief_row(7, 0, brief)[-1]
        assert plain is None or isinstance(json.loads(str(plain)), list)


def test_the_memo_format_is_in_the_engine_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    memo.engine_fingerprint.cache_clear()
    try:
        before = memo.engine_fingerprint()
        memo.engine_fingerprint.cache_clear()
        monkeypatch.setattr(memo, "MEMO_FORMAT", memo.MEMO_FORMAT + 1)
        assert memo.engine_fingerprint() != before
    finally:
        memo.engine_fingerprint.cache_clear()


def test_the_fingerprint_covers_the_moves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """deadlines/moves.py decides wave-2 dates: changing it drops every memo."""
    import shutil

    import deadlines

    copy = tmp_path / "deadlines"
    shutil.copytree(Path(deadlines.__file__).parent, copy)
    assert (copy / "moves.py").is_file()
    monkeypatch.setattr(deadlines, "__file__", str(copy / "__init__.py"))
    memo.engine_fingerprint.cache_clear()
    try:
        before = memo.engine_fingerprint()
        memo.engine_fingerprint.cache_clear()
        with (copy / "moves.py").open("a") as handle:
            handle.write("\n# a corrected move\n")
        assert memo.engine_fingerprint() != before
    finally:
        memo.engine_fingerprint.cache_clear()


@pytest.fixture
def connection(db: Path) -> Iterator[Any]:
    with connected(db) as connection:
        yield connection


def _fixed(time_zone: str) -> tuple[date, datetime | None]:
    return date(2025, 9, 1), None


def test_suspended_and_moved_briefs_listed_cold_and_warm_are_what_the_engine_computes(
    connection: Any,
) -> None:
    refusal = (EventKind.REFUSAL_NOTIFIED, date(2025, 3, 3))
    asked = (EventKind.LEGAL_AID_REQUESTED, date(2025, 3, 17))
    decided = (EventKind.LEGAL_AID_DECIDED, date(2025, 5, 6))
    cases = {"S": make_case([refusal, asked]), "M": make_case([refusal, asked, decided])}
    for ref, case in cases.items():
        store.add(connection, ref, case)
    for _ in ("cold", "warm"):
        found = {f.ref: f.deadlines for f in listings(connection, _fixed)}
        for ref, case in cases.items():
            assert found[ref] == listed(briefs(case), PARIS, date(2025, 9, 1)), ref
    assert {d.state.value for d in found["S"]} == {"suspended"}
    assert all(d.moved_by for d in found["M"]) and all(d.due for d in found["M"])
    stored = connection.execute("SELECT due FROM computed_deadlines").fetchall()
    assert (None,) in stored


# --- end to end --------------------------------------------------------------------------------

LATER = ("--as-of", "01/09/2025")


@pytest.fixture
def waiting(db: Path) -> Path:
    """S-1: a refusal notified Mon 3 Mar 2025, legal aid asked Mon 17 Mar, no decision."""
    ok(db, "case", "add", "S-1", "--refusal-notified", "03/03/2025", "--as-of", "10/03/2025")
    ok(db, "case", "set", "S-1", "--legal-aid-requested", "17/03/2025", "--yes", *LATER)
    return db


def test_agenda_check_never_fails_on_a_suspended_deadline(waiting: Path) -> None:
    # Months after the 2-month deadline would have ended (Mon 5 May 2025).
    result = deadlines(waiting, "agenda", "--check", *LATER)
    assert result.exit_code == 0, result.stdout
    assert "Rien à faire." in result.stdout
    assert "Suspendus" in result.stdout and SUSPENDED_FR in result.stdout
    doc = as_json(waiting, "agenda", *LATER)
    assert doc["schema"] == 4 and doc["overdue"] == 0 and doc["suspended"] == 2
    assert {(r["ref"], r["state"], r["due"]) for r in doc["rows"]} == {("S-1", "suspended", None)}
    # An overdue deadline of another case still fails the check, and comes first.
    ok(waiting, "case", "add", "D-1", "--filed", "02/01/2025", "--as-of", "10/01/2025")
    assert deadlines(waiting, "agenda", "--check", *LATER).exit_code == 1
    doc = as_json(waiting, "agenda", *LATER)
    states = [(r["ref"], r["state"]) for r in doc["rows"]]
    assert states[-2:] == [("S-1", "suspended")] * 2
    assert {state for _, state in states[:-2]} == {"overdue"}
    english = ok(waiting, "agenda", *LATER, "--lang", "en").stdout
    assert "Suspended" in english and SUSPENDED_EN in english


def test_case_list_and_case_show_say_suspended(waiting: Path) -> None:
    doc = as_json(waiting, "case", "list", *LATER)
    assert doc["schema"] == 5
    (case,) = doc["cases"]
    assert (case["open"], case["overdue"], case["suspended"], case["next"]) == (0, 0, 2, None)
    table = ok(waiting, "case", "list", *LATER).stdout
    assert "2 échéances suspendues" in table
    shown = as_json(waiting, "case", "show", "S-1", *LATER)
    assert shown["schema"] == 3
    assert {d["state"] for d in shown["deadlines"]} == {"suspended"}
    assert all(d["due"] is None for d in shown["deadlines"])
    text = ok(waiting, "case", "show", "S-1", *LATER).stdout
    assert SUSPENDED_FR in text and "DÉPASSÉ" not in text
    # The memo holds them without dates.
    assert rows(waiting, "SELECT DISTINCT due FROM computed_deadlines") == [(None,)]


def test_the_decision_gives_the_deadline_its_date_back_and_says_what_moved_it(
    waiting: Path,
) -> None:
    moved = ok(waiting, "case", "set", "S-1", "--legal-aid-decided", "06/05/2025", "--yes", *LATER)
    assert SUSPENDED_FR in moved.stdout  # the deadlines that change: suspended → a date
    doc = as_json(waiting, "agenda", "--days", "400", "--as-of", "12/05/2025")
    assert doc["suspended"] == 0
    appeal = next(r for r in doc["rows"] if r["rule"] == "appeal-refusal")
    assert appeal["state"] == "upcoming" and appeal["due"] is not None
    assert appeal["moved_by"][0]["event"] == "legal-aid-requested"
    assert appeal["suspended_by"] is None
    table = ok(waiting, "agenda", "--days", "400", "--as-of", "12/05/2025").stdout
    assert "déplacé par : demande d'aide juridictionnelle (17/03/2025)" in table
    assert "Suspendus" not in table


def test_a_wave_2_fact_changed_makes_the_memo_stale(db: Path) -> None:
    """rules.md: a refusal notified Mon 2 Jun 2025 to a resident of Martinique before a
    metropolitan court: 3 months, last day Wed 3 Sep 2025."""
    ok(db, "case", "add", "R-1", "--refusal-notified", "02/06/2025", "--as-of", "03/06/2025")
    before = as_json(db, "case", "list", "--as-of", "03/06/2025")["cases"][0]["next"]
    assert before["due"] == "2025-08-04"
    ok(db, "case", "set", "R-1", "--residence", "overseas", "--yes", "--as-of", "03/06/2025")
    after = as_json(db, "case", "list", "--as-of", "03/06/2025")["cases"][0]["next"]
    assert after["due"] == "2025-09-03"
