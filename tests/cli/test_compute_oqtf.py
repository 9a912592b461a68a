"""`deadlines compute` with an OQTF: options, instants in the table and in JSON, bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.cli.test_compute import _run, run


def test_48_hours_in_the_table_show_the_time_and_the_zone() -> None:
    result = run(
        "--oqtf-notified",
        "30/03/2024 10:00",
        "--no-departure-period",
        "--as-of",
        "2024-03-31 09:00",
        "--explain",
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "lundi 1er avril 2024 à 10 h 00 (heure de Paris)" in out  # safe: wall clock
    assert "lundi 1er avril 2024 à 11 h 00 (heure de Paris)" in out  # elapsed reading
    assert "25 h 00" in out  # time left from the reference instant
    assert "OQTF notifiée : 30/03/2024 10:00" in out
    assert "OQTF notifiée le samedi 30 mars 2024, donc prise avant le" in out
    assert "[CE 10 févr. 2006 Oprea n° 273484]" in out


def test_48_hours_in_json_carry_the_offset() -> None:
    result = run(
        "--oqtf-notified",
        "2024-10-25T18:00",
        "--oqtf-decided",
        "2024-10-20",
        "--no-departure-period",
        "--custody",
        "retention",
        "--as-of",
        "2024-10-26T12:00",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    (appeal,) = [d for d in doc["deadlines"] if d["rule"] == "oqtf-appeal"]
    assert appeal["due"] == "2024-10-27T17:00:00+01:00"  # autumn DST: 48 elapsed hours
    assert appeal["latest"] == "2024-10-27T18:00:00+01:00"  # same wall-clock time
    assert appeal["due_day"] == "2024-10-27"
    assert appeal["status"] == "DISPUTED"
    assert appeal["minutes_left"] == 30 * 60  # 12:00 CEST → 17:00 CET is 30 hours
    assert appeal["trigger"]["time"] == "18:00"
    assert doc["now"] == "2024-10-26T12:00:00+02:00"
    assert doc["case"]["facts"]["custody"] == "retention"
    assert {r["id"]: r["due"] for r in appeal["readings"]} == {
        "new-48-hours/elapsed": "2024-10-27T17:00:00+01:00",
        "new-48-hours/wall-clock": "2024-10-27T18:00:00+01:00",
    }
    # The trace of an instant is made of instants.
    assert appeal["steps"][1]["before"] == "2024-10-25T18:00:00+02:00"


def test_unknown_decision_date_warns_in_english() -> None:
    result = run(
        "--oqtf-notified",
        "19/07/2024",
        "--departure-period",
        "--as-of",
        "2024-07-20",
        "--lang",
        "en",
    )
    assert result.exit_code == 0, result.output
    assert "Give --oqtf-decided" in result.stdout
    assert "Sunday 18 August 2024" in result.stdout  # old 30 days, not franc: the safe date
    assert "Tuesday 20 August 2024" in result.stdout  # new 1 month, franc: the latest


def test_refusal_with_the_oqtf_shows_only_the_oqtf_appeal() -> None:
    result = run(
        "--refusal-notified",
        "12/11/2025",
        "--oqtf-notified",
        "12/11/2025 09:15",
        "--oqtf-decided",
        "10/11/2025",
        "--no-departure-period",
        "--as-of",
        "2025-11-13",
        "--format",
        "json",
    )
    doc = json.loads(result.stdout)
    assert [d["rule"] for d in doc["deadlines"]] == ["oqtf-appeal"]
    assert doc["deadlines"][0]["due"] == "2025-12-12"  # 1 month, échéance (safe)
    assert doc["deadlines"][0]["latest"] == "2025-12-15"  # franc Sat 13 → Mon 15
    assert any("dans le délai de l'OQTF" in n for n in doc["notes"])


def test_check_exits_1_once_the_48_hours_are_over() -> None:
    args = ["--oqtf-notified", "14/11/2025 17:30", "--no-departure-period", "--custody"]
    args += ["retention", "--oqtf-decided", "01/11/2025", "--check", "--as-of"]
    assert run(*args, "16/11/2025 17:29").exit_code == 0
    assert run(*args, "16/11/2025 17:31").exit_code == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--filed", "15/01/2025", "--custody", "retention"], "--custody décrit une OQTF"),
        (["--filed", "15/01/2025", "--oqtf-decided", "01/01/2025"], "--oqtf-decided décrit"),
        (["--oqtf-notified", "04/03/2025"], "--departure-period/--no-departure-period"),
        (
            ["--oqtf-notified", "04/03/2025", "--departure-period", "--oqtf-decided", "05/03/2025"],
            "--oqtf-decided : la décision (mercredi 5 mars 2025) ne peut pas être postérieure",
        ),
        (["--oqtf-notified", "04/03/2025 25:00", "--departure-period"], "de 00:00 à 23:59"),
        (["--oqtf-notified", "04/03/2025 1030", "--departure-period"], "--oqtf-notified"),
        (["--oqtf-notified", "30/03/2025 02:30", "--departure-period"], "n'existe pas"),
        (["--oqtf-notified", "04/03/2025", "--departure-period", "--custody", "x"], "house-arrest"),
        (["--oqtf-notified", "04/03/2025", "--departure-period", "--oqtf-ground", "9"], "3 (refus"),
        (["--refusal-notified", "04/03/2025 10:00"], "--refusal-notified"),
    ],
)
def test_bad_oqtf_input_is_one_line_and_exit_2(args: list[str], expected: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0], lines[0]


def test_real_subprocess_with_an_oqtf() -> None:
    done = _run(
        [
            Path(sys.executable).with_name("deadlines"),
            "compute",
            "--oqtf-notified",
            "2025-11-14T17:30",
            "--no-departure-period",
            "--custody",
            "retention",
            "--oqtf-decided",
            "2025-11-01",
            "--as-of",
            "2025-11-15",
            "--format",
            "json",
        ]
    )
    assert done.returncode == 0, done.stderr
    (appeal,) = json.loads(done.stdout)["deadlines"]
    assert appeal["due"] == "2025-11-16T17:30:00+01:00"  # a Sunday: never extended
