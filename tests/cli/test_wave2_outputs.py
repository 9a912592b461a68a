"""What `compute` (and `case show`, which shares its renderers) prints of a wave-2 deadline: a
suspended one (no date: what restarts it instead, never overdue) and a moved one (the events that
moved it), in the JSON (schema 3) and the table, in French and English, with --explain.

The unit tests build a suspended deadline from a real computed one (dataclasses.replace), so
they hold whatever the engine's moves; the end-to-end ones run the command line on the cases of
rules.md's worked examples."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cli import app
from deadlines.case import Event, Facts, make_case
from deadlines.engine import Computation, Deadline, State, compute
from deadlines.messages import NAMES
from deadlines.report import SCHEMA_VERSION, computation_to_dict, deadline_to_dict
from deadlines.rules.model import EventKind, LegalAidOutcome, Residence
from rendering.table import render_explanation, render_table

runner = CliRunner()
WIDE = {"COLUMNS": "400"}  # no cell wraps: sentences can be searched whole

REQUESTED = Event(EventKind.LEGAL_AID_REQUESTED, date(2025, 3, 17))
DECIDED = Event(EventKind.LEGAL_AID_DECIDED, date(2025, 5, 6))
SUSPENDED_FR = (
    "suspendu (aide juridictionnelle demandée le 17/03/2025 ; un nouveau délai courra de la "
    "décision du BAJ : saisissez-la dès sa notification)"
)
SUSPENDED_EN = (
    "suspended (legal aid requested on 17/03/2025; a new period will run from the legal-aid "
    "decision: enter it as soon as it is notified)"
)
MOVED_FR = (
    "déplacé par : demande d'aide juridictionnelle (17/03/2025) ; décision du BAJ (06/05/2025)"
)
MOVED_EN = "moved by: legal-aid request (17/03/2025); legal-aid decision (06/05/2025)"

# rules.md's worked example: a 1-month OQTF notified Mon 3 Mar 2025, legal aid asked Mon 17 Mar.
OQTF = ("--oqtf-notified", "03/03/2025", "--departure-period", "--oqtf-decided", "01/03/2025")
ASKED = ("--legal-aid-requested", "17/03/2025")
# Admission notified Tue 6 May, the lawyer the same day: safe Sat 21 Jun, arguable Mon 23 Jun.
ADMITTED = ("--legal-aid-decided", "06/05/2025", "--lawyer-designated", "06/05/2025")


def _refusal(as_of: date = date(2025, 3, 20)) -> Computation:
    """A refusal notified Mon 3 Mar 2025: appeal-refusal and administrative-appeal."""
    return compute(make_case([(EventKind.REFUSAL_NOTIFIED, date(2025, 3, 3))]), as_of)


def suspend(deadline: Deadline) -> Deadline:
    """`deadline` as the engine gives it once legal aid was asked on 17 Mar 2025 and no
    decision notified yet: no reading counted, each one waiting, no date, state suspended."""
    trigger = deadline.trigger
    case = make_case([(trigger.kind, trigger.at), (EventKind.LEGAL_AID_REQUESTED, REQUESTED.at)])
    (found,) = [d for d in compute(case, REQUESTED.at).deadlines if d.key == deadline.key]
    assert found.state is State.SUSPENDED
    return found


def moved(deadline: Deadline) -> Deadline:
    """`deadline` with the two events that moved it (its dates as they are)."""
    events = (REQUESTED, DECIDED)
    return replace(
        deadline,
        evaluation=replace(deadline.evaluation, moved_by=events),
        brief=replace(deadline.brief, moved_by=events),
    )


def _with(computation: Computation, rule: str, change: Any) -> Computation:
    deadlines = tuple(change(d) if d.rule.id == rule else d for d in computation.deadlines)
    return replace(computation, deadlines=deadlines)


def _table(
    computation: Computation, lang: str, monkeypatch: pytest.MonkeyPatch, explain: bool = False
) -> str:
    monkeypatch.setenv("COLUMNS", "400")
    out = io.StringIO()
    render_table(computation, lang, explain, out)
    return out.getvalue()


def run(*args: str) -> Result:
    return runner.invoke(app, ["compute", *args], catch_exceptions=False, env=WIDE)


def as_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def _deadline(doc: dict[str, Any], rule: str) -> dict[str, Any]:
    (found,) = [d for d in doc["deadlines"] if d["rule"] == rule]
    return found


# --- JSON --------------------------------------------------------------------------------------


def test_the_schema_is_3() -> None:
    assert SCHEMA_VERSION == 3
    assert computation_to_dict(_refusal(), "fr")["schema"] == 3


def test_a_suspended_deadline_has_null_dates_and_says_what_suspends_it() -> None:
    computation = _with(_refusal(), "appeal-refusal", suspend)
    doc = computation_to_dict(computation, "fr")
    found = _deadline(doc, "appeal-refusal")
    for key in ("due", "due_day", "latest", "days_left", "minutes_left"):
        assert found[key] is None, key
    assert found["state"] == "suspended"
    assert found["suspended_by"] == {"event": "legal-aid-requested", "at": "2025-03-17"}
    assert found["moved_by"] == [
        {"event": "legal-aid-requested", "at": "2025-03-17", "time": None, "rank": 0}
    ]
    # Every reading is waiting: listed with its keys, `due` null, `pending` true.
    assert found["readings"]
    for reading in found["readings"]:
        assert reading["pending"] is True
        assert reading["due"] is None
        assert set(reading) == {
            "id", "label", "start", "due", "pending", "disputed_holidays", "basis", "steps"
        }  # fmt: skip
    # The steps: the first waiting reading's, up to the interruption.
    assert [s["kind"] for s in found["steps"]] == ["interrupted"]
    assert "17 mars 2025" in found["steps"][0]["text"]
    # The other deadline untouched.
    other = _deadline(doc, "administrative-appeal")
    assert other["due"] == "2025-05-05" and other["suspended_by"] is None
    assert other["moved_by"] == []


def test_readings_list_the_counted_ones_then_the_waiting_ones() -> None:
    """A deadline split by an event between its safe and latest dates can have both."""
    (deadline,) = [d for d in _refusal().deadlines if d.rule.id == "appeal-refusal"]
    counted = deadline.evaluation.readings
    waiting = suspend(deadline).evaluation.pending[:1]
    both = replace(deadline, evaluation=replace(deadline.evaluation, pending=waiting))
    found = deadline_to_dict(both, "en")
    assert [r["pending"] for r in found["readings"]] == [False] * len(counted) + [True]
    assert found["readings"][-1]["due"] is None
    assert found["due"] == "2025-05-05"  # the counted safe reading's
    assert found["steps"][0]["kind"] == "start"  # the safe reading's steps


def test_a_moved_deadline_lists_its_events_in_order() -> None:
    doc = computation_to_dict(_with(_refusal(), "appeal-refusal", moved), "en")
    events = [e["event"] for e in _deadline(doc, "appeal-refusal")["moved_by"]]
    assert events == ["legal-aid-requested", "legal-aid-decided"]


def test_the_case_facts_include_the_wave_2_facts() -> None:
    facts = Facts(
        legal_aid_outcome=LegalAidOutcome.REFUSED,
        residence=Residence.OVERSEAS,
        judgment_appeal_info=False,
    )
    events = [
        (EventKind.REFUSAL_NOTIFIED, date(2025, 3, 3)),
        (EventKind.LEGAL_AID_REQUESTED, date(2025, 3, 17)),
        (EventKind.LEGAL_AID_DECIDED, date(2025, 5, 6)),
        (EventKind.JUDGMENT_NOTIFIED, date(2025, 11, 3)),
    ]
    doc = computation_to_dict(compute(make_case(events, facts), date(2025, 3, 20)), "fr")
    assert doc["case"]["facts"]["legal-aid-outcome"] == "refused"
    assert doc["case"]["facts"]["residence"] == "overseas"
    assert doc["case"]["facts"]["judgment-appeal-info"] is False
    defaults = computation_to_dict(_refusal(), "fr")["case"]["facts"]
    assert defaults["legal-aid-outcome"] == "granted"
    assert defaults["residence"] == "local"
    assert defaults["judgment-appeal-info"] is True


# --- the table ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "state"), [("fr", SUSPENDED_FR, "suspendu"), ("en", SUSPENDED_EN, "suspended")]
)
def test_a_suspended_deadline_shows_what_restarts_it_instead_of_a_date(
    lang: str, text: str, state: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = _table(_with(_refusal(), "appeal-refusal", suspend), lang, monkeypatch)
    (row,) = [line for line in table.splitlines() if text in line]
    cells = [cell.strip() for cell in row.split("│")]
    assert state in cells
    assert "—" in cells  # no arguable date, no time left
    assert not any(cell.startswith(("+", "-")) and cell[1:2].isdigit() for cell in cells)
    # The moved line does not repeat the request the date cell names.
    assert "déplacé par" not in table and "moved by" not in table


def test_a_suspended_deadline_as_a_block_on_a_narrow_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    out = io.StringIO()
    render_table(_with(_refusal(), "appeal-refusal", suspend), "fr", False, out)
    words = " ".join(out.getvalue().split())
    assert "date prudente : suspendu (aide juridictionnelle demandée le 17/03/2025" in words
    assert "reste : — — suspendu" in words


@pytest.mark.parametrize(("lang", "text"), [("fr", MOVED_FR), ("en", MOVED_EN)])
def test_a_moved_deadline_says_under_its_date_what_moved_it(
    lang: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _table(_with(_refusal(), "appeal-refusal", moved), lang, monkeypatch).splitlines()
    (at,) = [n for n, line in enumerate(lines) if text in line]
    date_text = "lundi 5 mai 2025" if lang == "fr" else "Monday 5 May 2025"
    above = lines[at - 1]
    # In the date column, under the date of its own row.
    assert above.index(date_text) == lines[at].index(text)


def test_the_explanation_of_a_suspended_deadline_shows_its_waiting_readings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    computation = _with(_refusal(), "appeal-refusal", suspend)
    (deadline,) = [d for d in computation.deadlines if d.rule.id == "appeal-refusal"]
    text = render_explanation(2, deadline, "fr")
    assert "point de départ : refus notifié, lundi 3 mars 2025" in text
    waiting = [line for line in text.splitlines() if line.strip().startswith("- en attente : ")]
    assert len(waiting) == len(deadline.evaluation.pending)
    assert "Calcul jusqu'à la suspension :" in text
    assert "Interrompu par la demande d'aide juridictionnelle" in text
    assert "Calcul de la date prudente" not in text
    english = render_explanation(2, deadline, "en")
    assert "How it is counted until the suspension:" in english
    # And the whole --explain table renders.
    assert "Calcul jusqu'à la suspension" in _table(computation, "fr", monkeypatch, explain=True)


def test_waiting_readings_counted_apart_are_each_named() -> None:
    (deadline,) = [d for d in _refusal().deadlines if d.rule.id == "appeal-refusal"]
    suspended = suspend(deadline)
    first = suspended.evaluation.pending[0]
    other = replace(first, steps=(*first.steps, *first.steps))
    evaluation = replace(suspended.evaluation, pending=(first, other))
    text = render_explanation(1, replace(suspended, evaluation=evaluation), "en")
    label = first.reading.label.get("en")
    assert text.count(f"How it is counted until the suspension ({label}):") == 2


def test_every_event_has_a_name_in_both_languages() -> None:
    for kind in EventKind:
        names = NAMES[f"event.{kind.value}"]
        assert names["fr"] and names["en"], kind
    assert NAMES["event.legal-aid-requested"]["fr"] == "demande d'aide juridictionnelle"
    assert NAMES["event.legal-aid-decided"]["fr"] == "décision du BAJ"
    assert NAMES["event.recours-rejection-born"]["fr"] == "rejet implicite du recours"
    assert NAMES["state.suspended"] == {"fr": "suspendu", "en": "suspended"}


# --- end to end: the command line on rules.md's worked example --------------------------------


def test_compute_shows_a_suspended_oqtf_appeal_and_check_does_not_fail_on_it() -> None:
    # Long after the 1-month deadline would have ended (Thu 3 Apr 2025), still no decision.
    later = ("--as-of", "01/09/2025")
    doc = as_json(*OQTF, *ASKED, *later)
    appeal = _deadline(doc, "oqtf-appeal")
    assert appeal["state"] == "suspended"
    assert appeal["due"] is None and appeal["days_left"] is None
    assert appeal["suspended_by"] == {"event": "legal-aid-requested", "at": "2025-03-17"}
    assert appeal["readings"] and all(r["pending"] for r in appeal["readings"])
    assert appeal["steps"][-1]["kind"] == "interrupted"
    table = run(*OQTF, *ASKED, *later)
    assert SUSPENDED_FR in table.stdout
    # --check: the voluntary departure (1 Apr) is overdue, the suspended appeal is not.
    assert run(*OQTF, *ASKED, *later, "--check").exit_code == 1
    assert appeal["state"] != "overdue"
    only_appeal = ("--refusal-notified", "03/03/2025", *ASKED, *later)
    checked = run(*only_appeal, "--check")
    assert checked.exit_code == 0, checked.stdout
    assert SUSPENDED_FR in checked.stdout
    english = run(*only_appeal, "--lang", "en")
    assert SUSPENDED_EN in english.stdout


def test_compute_shows_the_moved_oqtf_appeal_and_what_moved_it() -> None:
    doc = as_json(*OQTF, *ASKED, *ADMITTED, "--as-of", "20/05/2025")
    appeal = _deadline(doc, "oqtf-appeal")
    assert (appeal["due"], appeal["latest"]) == ("2025-06-21", "2025-06-23")
    assert appeal["state"] == "upcoming" and appeal["suspended_by"] is None
    assert appeal["moved_by"][0]["event"] == "legal-aid-requested"
    assert not any(r["pending"] for r in appeal["readings"])
    table = run(*OQTF, *ASKED, *ADMITTED, "--as-of", "20/05/2025").stdout
    assert "samedi 21 juin 2025" in table
    assert "déplacé par : demande d'aide juridictionnelle (17/03/2025)" in table
    english = run(*OQTF, *ASKED, *ADMITTED, "--as-of", "20/05/2025", "--lang", "en").stdout
    assert "moved by: legal-aid request (17/03/2025)" in english


def test_explain_shows_the_interruption_of_a_suspended_deadline() -> None:
    text = run(*OQTF, *ASKED, "--as-of", "20/03/2025", "--explain").stdout
    assert "Calcul jusqu'à la suspension" in text
    assert "en attente : " in text
