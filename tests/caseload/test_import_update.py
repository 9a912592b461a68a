"""`deadlines import --update`: existing references are updated in the same all-or-nothing
transaction, each change logged as `case set` logs it, and a summary says what changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.caseload.helpers import as_json, deadlines, dump, ok, rows

AS_OF = ("--as-of", "2025-03-05")

UPDATE = (
    "ref;territory;application-filed;ofii-request;appeal-info\n"
    "U-1;57;12/01/2025;;\n"  # territory and filing date corrected
    "U-2;93;;01/02/2025|20/02/2025;non\n"  # a new OFII request; the filing date kept
    "U-3;75;10/01/2025;;\n"  # as stored: unchanged
    "N-1;75;15/01/2025;;\n"  # a new case
)


def _store(db: Path) -> None:
    ok(db, "case", "add", "U-1", "--filed", "10/01/2025", *AS_OF)
    ok(
        db,
        "case",
        "add",
        "U-2",
        "--filed",
        "12/01/2025",
        "--ofii-request",
        "01/02/2025",
        "--territory",
        "93",
    )
    ok(db, "case", "add", "U-3", "--filed", "10/01/2025", *AS_OF)


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "update.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _events(db: Path, ref: str) -> list[tuple[str, str]]:
    case = as_json(db, "case", "show", ref, *AS_OF)["case"]
    return [(e["event"], e["at"]) for e in case["events"]]


def _changes(db: Path) -> list[tuple[str, str, str | None, str | None]]:
    return rows(
        db,
        "SELECT ref, what, old, new FROM changes WHERE what NOT IN ('case:add') ORDER BY id",
    )


def test_without_update_an_existing_reference_is_an_error_that_names_the_option(
    db: Path, tmp_path: Path
) -> None:
    _store(db)
    before = dump(db)
    result = deadlines(db, "import", _file(tmp_path, UPDATE))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert [line.split(" : ")[0] for line in lines[:3]] == [
        "ligne 2, colonne « ref »",
        "ligne 3, colonne « ref »",
        "ligne 4, colonne « ref »",
    ]
    assert all("--update" in line for line in lines[:3])
    assert dump(db) == before


def test_update_changes_existing_cases_adds_new_ones_and_says_what_changed(
    db: Path, tmp_path: Path
) -> None:
    _store(db)
    ok(db, "case", "done", "U-1", "certificate", "--on", "01/02/2025", *AS_OF)
    result = ok(db, "import", "--update", _file(tmp_path, UPDATE))
    assert "1 dossier(s) ajouté(s), 2 mis à jour, 1 inchangé(s)" in result.stderr
    shown = result.stdout.splitlines()
    one = next(line for line in shown if "U-1" in line)
    assert "territory" in one and "75 → 57" in one
    assert "application-filed" in one and "2025-01-10 → 2025-01-12" in one
    two = next(line for line in shown if "U-2" in line)
    assert "ofii-request" in two and "appeal-info" in two
    assert "application-filed" not in two
    assert not any("U-3" in line for line in shown)

    assert rows(db, "SELECT ref, territory FROM cases ORDER BY ref") == [
        ("N-1", "75"),
        ("U-1", "57"),
        ("U-2", "93"),
        ("U-3", "75"),
    ]
    assert _events(db, "U-2") == [
        ("application-filed", "2025-01-12"),
        ("ofii-request", "2025-02-01"),  # given again: not doubled
        ("ofii-request", "2025-02-20"),
    ]
    assert as_json(db, "case", "show", "U-2", *AS_OF)["case"]["facts"]["appeal-info"] is False
    assert rows(db, "SELECT count(*) FROM done") == [(1,)]  # what was done stays done
    assert rows(db, "SELECT DISTINCT source FROM events WHERE day = '2025-02-20'") == [("import",)]


def test_update_logs_each_change_as_case_set_does(
    db: Path, new_db: Callable[[], Path], tmp_path: Path
) -> None:
    _store(db)
    ok(db, "import", "--update", _file(tmp_path, UPDATE))
    by_hand = new_db()
    _store(by_hand)
    ok(by_hand, "case", "set", "U-1", "--territory", "57", "--filed", "12/01/2025", "--yes")
    ok(by_hand, "case", "set", "U-2", "--ofii-request", "20/02/2025", "--no-appeal-info", "--yes")
    assert _changes(db) == _changes(by_hand)
    assert rows(db, "SELECT ref FROM changes WHERE what = 'case:add' ORDER BY id")[-1] == ("N-1",)


def test_the_same_file_again_changes_nothing(db: Path, tmp_path: Path) -> None:
    _store(db)
    path = _file(tmp_path, UPDATE)
    ok(db, "import", "--update", path)
    before = dump(db)
    result = ok(db, "import", "--update", path, "--lang", "en")
    assert "0 case(s) added, 0 updated, 4 unchanged" in result.stderr
    assert result.stdout == ""
    assert dump(db) == before


def test_one_bad_row_and_no_case_is_updated(db: Path, tmp_path: Path) -> None:
    _store(db)
    before = dump(db)
    bad = UPDATE + "U-9;75;31/02/2025;;\n"
    result = deadlines(db, "import", "--update", _file(tmp_path, bad))
    assert result.exit_code == 2
    assert "ligne 6, colonne « application-filed »" in result.stderr
    assert result.stdout == ""
    assert dump(db) == before


def test_an_oqtf_fact_updates_a_case_that_has_its_oqtf(db: Path, tmp_path: Path) -> None:
    ok(
        db,
        "case",
        "add",
        "O-1",
        "--oqtf-notified",
        "2025-03-04 10:30",
        "--no-departure-period",
        "--oqtf-decided",
        "01/03/2025",
        *AS_OF,
    )
    ok(db, "case", "add", "O-2", "--filed", "10/01/2025", *AS_OF)
    path = _file(tmp_path, "ref;territory;custody\nO-1;75;retention\n")
    ok(db, "import", "--update", path)
    assert as_json(db, "case", "show", "O-1", *AS_OF)["case"]["facts"]["custody"] == "retention"
    before = dump(db)
    no_oqtf = deadlines(
        db, "import", "--update", _file(tmp_path, "ref;territory;custody\nO-2;75;retention\n")
    )
    assert no_oqtf.exit_code == 2
    assert "ligne 2, colonne « custody »" in no_oqtf.stderr
    assert dump(db) == before


def test_an_empty_territory_is_an_error_in_update_mode_too(db: Path, tmp_path: Path) -> None:
    _store(db)
    before = dump(db)
    result = deadlines(db, "import", "--update", _file(tmp_path, "ref;territory\nU-1;\n"))
    assert result.exit_code == 2
    assert "ligne 2, colonne « territory »" in result.stderr
    assert dump(db) == before
