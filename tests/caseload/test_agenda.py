"""`deadlines agenda`: the window, the order, --check, JSON rows, archived cases, local days."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.caseload.helpers import as_json, create_store, deadlines, ok

CERTIFICATE = "Envoyer le certificat médical à l'OFII"


@pytest.fixture
def caseload(db: Path) -> Path:
    """Certificate deadlines (one month after filing) spread around 10/02/2025."""
    for ref, filed in (
        ("LATE", "02/01/2025"),  # due Sunday 02/02: overdue on 10/02
        ("LATER", "08/01/2025"),  # due 08/02: overdue
        ("SOON", "20/01/2025"),  # due 20/02: in 10 days
        ("TODAY", "10/01/2025"),  # due 10/02: today
        ("FAR", "05/02/2025"),  # due 05/03: in 23 days
        ("GONE", "03/01/2025"),  # overdue, but archived below
        ("DONE", "04/01/2025"),  # overdue, but done below
    ):
        ok(db, "case", "add", ref, "--filed", filed, "--as-of", "2025-02-10")
    ok(db, "case", "archive", "GONE")
    ok(db, "case", "done", "DONE", "certificate", "--on", "2025-02-01")
    return db


def _rows(db: Path, *args: str) -> list[dict[str, Any]]:
    doc = as_json(db, "agenda", *args)
    rows: list[dict[str, Any]] = doc["rows"]
    assert doc["overdue"] == sum(r["state"] == "overdue" for r in rows)
    return rows


def _brief(rows: list[dict[str, Any]]) -> list[tuple[str, str, str, int]]:
    return [(r["ref"], r["due"], r["state"], r["days_left"]) for r in rows]


def test_overdue_first_then_by_date_within_the_window(caseload: Path) -> None:
    rows = _rows(caseload, "--as-of", "2025-02-10")  # default window: 14 days
    assert _brief(rows) == [
        ("LATE", "2025-02-02", "overdue", -8),
        ("LATER", "2025-02-08", "overdue", -2),
        ("TODAY", "2025-02-10", "due-today", 0),
        ("SOON", "2025-02-20", "upcoming", 10),
    ]
    assert {r["rule"] for r in rows} == {"certificate"}
    assert all(r["title"] == CERTIFICATE for r in rows)


def test_days_sets_the_window(caseload: Path) -> None:
    refs = [r["ref"] for r in _rows(caseload, "--as-of", "2025-02-10", "--days", "23")]
    assert refs == ["LATE", "LATER", "TODAY", "SOON", "FAR"]
    refs = [r["ref"] for r in _rows(caseload, "--as-of", "2025-02-10", "--days", "0")]
    assert refs == ["LATE", "LATER", "TODAY"]  # overdue ones whatever the window
    too_big = deadlines(caseload, "agenda", "--days", "99999")
    assert too_big.exit_code == 2


def test_the_table_lists_the_case_the_action_the_safe_date_and_days_left(caseload: Path) -> None:
    table = ok(caseload, "agenda", "--as-of", "2025-02-10").stdout
    assert "Agenda : échéances des 14 prochains jours et retards" in table
    lines = [line for line in table.splitlines() if CERTIFICATE in line]
    assert [line.split("│")[1].strip() for line in lines] == ["LATE", "LATER", "TODAY", "SOON"]
    assert "dimanche 2 février 2025" in lines[0] and "-8" in lines[0] and "DÉPASSÉ" in lines[0]
    assert "jeudi 20 février 2025" in lines[3] and "+10" in lines[3]
    english = ok(caseload, "agenda", "--as-of", "2025-02-10", "--lang", "en").stdout
    assert "Send the medical certificate to the OFII" in english
    months_later = ok(caseload, "agenda", "--as-of", "2025-06-01", "--days", "0").stdout
    assert "LATE" in months_later  # overdue until marked done


def test_archived_and_done_deadlines_are_not_listed(caseload: Path) -> None:
    refs = {r["ref"] for r in _rows(caseload, "--as-of", "2025-02-10", "--days", "60")}
    assert "GONE" not in refs
    assert "DONE" not in refs


def test_check_exits_1_only_when_something_is_overdue(caseload: Path) -> None:
    result = deadlines(caseload, "agenda", "--check", "--as-of", "2025-02-10")
    assert result.exit_code == 1
    assert "LATE" in result.stdout  # the agenda is still printed
    assert deadlines(caseload, "agenda", "--check", "--as-of", "2025-02-02").exit_code == 0
    for ref in ("LATE", "LATER"):
        ok(caseload, "case", "done", ref, "certificate")
    assert deadlines(caseload, "agenda", "--check", "--as-of", "2025-02-10").exit_code == 0
    ok(caseload, "case", "archive", "TODAY")
    assert deadlines(caseload, "agenda", "--check", "--as-of", "2025-02-21").exit_code == 1
    ok(caseload, "case", "archive", "SOON")
    assert deadlines(caseload, "agenda", "--check", "--as-of", "2025-02-21").exit_code == 0


def test_an_empty_caseload_has_an_empty_agenda(db: Path) -> None:
    create_store(db)  # a store without cases (`case add` or `import` create one)
    assert "Rien à faire." in ok(db, "agenda", "--check").stdout
    assert as_json(db, "agenda")["rows"] == []


def test_each_case_is_judged_by_its_own_local_day(db: Path) -> None:
    """--as-of with a time is one instant (Paris time): at 22:00 in Paris it is already 01:00
    the next day in Réunion (UTC+4), so the Réunion deadline of that day is overdue there while
    the Paris one is still due today."""
    for ref, territory in (("PARIS", "75"), ("REUNION", "974")):
        ok(db, "case", "add", ref, "--filed", "20/01/2025", "--territory", territory)

    def states(as_of: str) -> dict[str, tuple[str, int]]:
        return {r["ref"]: (r["state"], r["days_left"]) for r in _rows(db, "--as-of", as_of)}

    assert states("2025-02-20 20:00") == {  # 23:00 in Réunion
        "PARIS": ("due-today", 0),
        "REUNION": ("due-today", 0),
    }
    assert states("2025-02-20 22:00") == {  # 01:00 on the 21st in Réunion
        "REUNION": ("overdue", -1),
        "PARIS": ("due-today", 0),
    }
    assert [r["ref"] for r in _rows(db, "--as-of", "2025-02-20 22:00")] == ["REUNION", "PARIS"]
    assert states("2025-02-20") == {  # a date alone is that day everywhere
        "PARIS": ("due-today", 0),
        "REUNION": ("due-today", 0),
    }
    assert deadlines(db, "agenda", "--check", "--as-of", "2025-02-20 20:00").exit_code == 0
    assert deadlines(db, "agenda", "--check", "--as-of", "2025-02-20 22:00").exit_code == 1


def test_an_hour_deadline_in_reunion_counts_minutes_from_the_same_instant(db: Path) -> None:
    ok(
        db,
        "case",
        "add",
        "H-974",
        "--territory",
        "974",
        "--oqtf-notified",
        "2025-03-04 10:30",
        "--oqtf-decided",
        "2025-03-01",
        "--no-departure-period",
        "--custody",
        "retention",
    )
    (row,) = _rows(db, "--as-of", "2025-03-05 09:00")  # 12:00 in Réunion
    assert row["ref"] == "H-974"
    assert row["rule"] == "oqtf-appeal"
    assert row["due"] == "2025-03-06T10:30:00+04:00"  # 48 hours, Réunion time
    assert row["minutes_left"] == 22 * 60 + 30
    (late,) = _rows(db, "--as-of", "2025-03-06 08:00")  # 11:00 in Réunion: 30 minutes late
    assert late["state"] == "overdue"
    assert late["minutes_left"] == -30
