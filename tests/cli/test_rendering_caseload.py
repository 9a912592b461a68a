"""Issue 14, items 4 to 6 in the caseload lists (`agenda`, `case list`): an hour deadline keeps its
hour and its hours left, warnings are marked and listed once, an unknown OQTF regime is said on
the row itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cli import app

runner = CliRunner()
WIDE = {"COLUMNS": "300"}

# A 48-hour appeal (rétention, new regime) notified on Friday 4 December 2026 at 17:30: due on
# Sunday 6 December 2026 at 17:30, Paris time. Notified after 7 June 2026: OPEN, with the warning
# on the June 2026 decrees.
RETENTION = [
    "--oqtf-notified",
    "04/12/2026 17:30",
    "--oqtf-decided",
    "03/12/2026",
    "--no-departure-period",
    "--custody",
    "retention",
]
DUE = "2026-12-06T17:30:00+01:00"
BEFORE = ["--as-of", "06/12/2026 17:00"]  # 30 minutes left
AFTER = ["--as-of", "06/12/2026 18:00"]  # 30 minutes overdue
DECREES = "décrets publiés au JO des 7 et 10 juin 2026"


def _run(db: Path, *args: str) -> Result:
    result = runner.invoke(app, [*args, "--db", str(db)], env=WIDE, catch_exceptions=False)
    assert result.exit_code in (0, 1), (args, result.stdout, result.stderr)
    return result


def _json(db: Path, *args: str) -> Any:
    return json.loads(_run(db, *args, "--format", "json").stdout)


@pytest.fixture
def hours(tmp_path: Path) -> Path:
    db = tmp_path / "cases.db"
    _run(db, "case", "add", "H-1", *RETENTION, "--as-of", "04/12/2026 18:00")
    _run(db, "case", "add", "H-2", *RETENTION, "--as-of", "04/12/2026 18:00")
    return db


def _row(text: str, ref: str) -> str:
    (line,) = [line for line in text.splitlines() if f" {ref} " in line]
    return line


# --- 4. hours and minutes left, one shape for `due` -------------------------------------------


def test_the_agenda_counts_an_hour_deadline_in_hours_and_minutes(hours: Path) -> None:
    before = _row(_run(hours, "agenda", *BEFORE).stdout, "H-1")
    assert "+0 h 30" in before, before
    assert "à 17 h 30" in before
    after = _row(_run(hours, "agenda", *AFTER).stdout, "H-1")
    assert "-0 h 30" in after, after
    assert "DÉPASSÉ" in after
    english = _row(_run(hours, "agenda", *AFTER, "--lang", "en").stdout, "H-1")
    assert "-0 h 30" in english and "OVERDUE" in english


def test_case_list_shows_the_hour_and_the_hours_left(hours: Path) -> None:
    row = _row(_run(hours, "case", "list", *BEFORE).stdout, "H-1")
    assert "dimanche 6 décembre 2026 à 17 h 30" in row, row
    assert "+0 h 30" in row


def test_case_list_json_gives_due_the_agenda_s_shape(hours: Path) -> None:
    agenda = {r["ref"]: r for r in _json(hours, "agenda", *BEFORE)["rows"]}
    cases = {c["ref"]: c for c in _json(hours, "case", "list", *BEFORE)["cases"]}
    following = cases["H-1"]["next"]
    assert agenda["H-1"]["due"] == DUE
    assert following["due"] == DUE
    assert following["due_day"] == "2026-12-06"
    assert following["minutes_left"] == 30


def test_a_day_deadline_stays_a_date_in_case_list_json(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    _run(db, "case", "add", "D-1", "--filed", "05/10/2026", "--as-of", "23/11/2026")
    (case,) = _json(db, "case", "list", "--as-of", "23/11/2026")["cases"]
    assert case["next"]["due"] == case["next"]["due_day"]
    assert case["next"]["minutes_left"] is None


# --- 5. warnings marked on the row and listed once under the table -----------------------------


def test_the_agenda_marks_rows_with_a_warning_and_lists_each_warning_once(hours: Path) -> None:
    text = _run(hours, "agenda", *BEFORE).stdout
    assert text.count(DECREES) == 1, text
    table, warnings = text.split("Avertissements")
    assert "*1" in _row(table, "H-1") and "*1" in _row(table, "H-2")
    (line,) = [line for line in warnings.splitlines() if DECREES in line]
    assert line.lstrip().startswith("*1"), line
    assert "H-1" in line and "H-2" in line  # the rows it concerns


def test_case_list_marks_the_next_deadline_s_warning(hours: Path) -> None:
    text = _run(hours, "case", "list", *BEFORE).stdout
    assert text.count(DECREES) == 1
    assert "*1" in _row(text, "H-1")


# --- 6. an unknown OQTF regime, said on the row -----------------------------------------------


def test_an_unknown_regime_is_said_before_the_date_in_the_lists(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    _run(
        db,
        "case",
        "add",
        "U-1",
        "--oqtf-notified",
        "27/03/2026 10:30",
        "--custody",
        "house-arrest",
        "--no-departure-period",
        "--as-of",
        "27/03/2026 12:00",
    )
    for words in (["agenda"], ["case", "list"]):
        text = _run(db, *words, "--as-of", "27/03/2026 12:00").stdout
        row = text[text.index(" U-1 ") :]  # the row's cells may take several lines
        flag = row.find("régime inconnu : indiquez --oqtf-decided")
        assert 0 <= flag < row.find("dimanche 29 mars 2026"), (words, row)
    english = _row(_run(db, "agenda", "--as-of", "27/03/2026 12:00", "--lang", "en").stdout, "U-1")
    assert "regime unknown: give --oqtf-decided" in english
    doc = _json(db, "agenda", "--as-of", "27/03/2026 12:00")
    assert doc["rows"][0]["unknown_facts"] == ["oqtf-decided"]


# --- what the commands pass on (the renderer's side is tested above and in test_rendering_compute)


def test_case_list_json_says_its_schema(hours: Path) -> None:
    from caseload.cases import CASE_LIST_SCHEMA

    assert CASE_LIST_SCHEMA == 5
    assert _json(hours, "case", "list", *BEFORE)["schema"] == CASE_LIST_SCHEMA


def test_case_show_gives_each_rule_id(hours: Path) -> None:
    shown = _run(hours, "case", "show", "H-1", *BEFORE).stdout
    assert "règle : oqtf-appeal" in shown
    assert "deadlines case done H-1 oqtf-appeal" in shown
