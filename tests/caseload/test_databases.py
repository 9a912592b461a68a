"""The test helpers that read the database directly (tests/caseload/helpers.py), on both
backends: the "nothing was written" checks of the other tests are only as good as `dump` and
`store_exists`."""

from __future__ import annotations

from pathlib import Path

from tests.caseload.helpers import create_store, dump, execute, ok, rows, store_exists


def test_nothing_is_made_until_a_command_creates_the_store(db: Path) -> None:
    assert not store_exists(db)
    create_store(db)
    assert store_exists(db)
    assert rows(db, "SELECT count(*) FROM cases") == [(0,)]


def test_the_dump_changes_with_any_row_of_any_table_and_with_the_schema(db: Path) -> None:
    ok(db, "case", "add", "D-1", "--filed", "15/01/2025", "--as-of", "2025-02-05")
    ok(db, "agenda", "--as-of", "2025-02-05")  # the memo tables too
    before = dump(db)
    assert before == dump(db)  # the same order every time
    assert any("D-1" in line for line in before)
    for change in (
        "UPDATE cases SET territory = '974' WHERE ref = 'D-1'",
        "UPDATE events SET day = '2025-01-16'",
        "DELETE FROM computed_deadlines",
        "INSERT INTO done (case_id, rule, trigger_kind, trigger_rank, on_day) "
        "SELECT id, 'certificate', 'application-filed', 0, '2025-02-01' FROM cases",
        "CREATE INDEX by_hand ON events (day)",
    ):
        assert execute(db, change) or change.startswith("CREATE")
        after = dump(db)
        assert after != before, change
        before = after


def test_placeholders_and_percent_signs_read_the_same_on_both(db: Path) -> None:
    ok(db, "case", "add", "P%1", "--territory", "974")
    assert rows(db, "SELECT ref FROM cases WHERE ref LIKE ? AND territory = ?", ("P%", "974")) == [
        ("P%1",)
    ]
    assert rows(db, "SELECT count(*) FROM cases WHERE ref LIKE 'P%'") == [(1,)]
