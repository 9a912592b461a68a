"""The memo of briefs (caseload/memo.py): always what the engine says, never stale.

Every golden case is stored, listed cold (computed by the engine, memo written) and warm (read
from the memo), and both must equal `compute(...)` seen as a list. Then every way a memo can go
stale — an event written through the store or by hand in SQL, a fact changed, the engine changed
— must lead to a new computation.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from caseload import memo, store
from caseload.agenda import may_show
from caseload.memo import brief_from_row, brief_row, listings
from deadlines.case import Case, Facts, make_case
from deadlines.engine import DeadlineKey, Listed, briefs, compute
from deadlines.errors import CoverageError
from deadlines.rules import rule_by_id
from deadlines.rules.model import EventKind
from tests.caseload.helpers import connected
from tests.golden.loader import RuleCase
from tests.golden.test_golden import RULE_CASES, _facts

AS_OF = date(2026, 1, 15)


def _fixed(time_zone: str) -> tuple[date, datetime | None]:
    return AS_OF, None


def _at_noon(time_zone: str) -> tuple[date, datetime | None]:
    now = datetime(2026, 1, 15, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))
    local = now.astimezone(ZoneInfo(time_zone))
    return local.date(), local


def _golden_cases() -> list[tuple[str, Case]]:
    """Every golden example given as a whole case (not as a lone trigger), once each."""
    cases: dict[str, Case] = {}
    for number, example in enumerate(RULE_CASES):
        if example.trigger is not None:
            continue
        pairs = [(EventKind(k), day) for k, days in example.events.items() for day in days]
        case = make_case(pairs, _facts(example))
        if case not in cases.values():
            cases[f"G-{number:03d}-{_slug(example)}"] = case
    return sorted(cases.items())


def _slug(example: RuleCase) -> str:
    return example.rule[:20]


GOLDEN = _golden_cases()


# The store as the commands open it (caseload.database.Database, on either backend).
Connection = Any


@pytest.fixture
def connection(db: Path) -> Iterator[Connection]:
    with connected(db) as opened:
        yield opened


def _expected(case: Case, reference: memo.Reference) -> tuple[Listed, ...]:
    as_of, now = reference(case.where.time_zone)
    return tuple(d.listed for d in compute(case, as_of, now).deadlines)


def _memo_rows(connection: Connection) -> int:
    return int(connection.execute("SELECT count(*) FROM computed").fetchone()[0])


def test_there_are_golden_cases_to_check() -> None:
    assert len(GOLDEN) >= 40


@pytest.mark.parametrize("reference", [_fixed, _at_noon], ids=["day", "instant"])
def test_every_golden_case_listed_cold_and_warm_is_what_the_engine_computes(
    connection: Connection, reference: memo.Reference
) -> None:
    for ref, case in GOLDEN:
        store.add(connection, ref, case)
    cold = {listing.ref: listing for listing in listings(connection, reference)}
    assert _memo_rows(connection) == len(GOLDEN)
    warm = {listing.ref: listing for listing in listings(connection, reference)}
    for ref, case in GOLDEN:
        expected = _expected(case, reference)
        assert cold[ref].deadlines == expected, ref
        assert warm[ref].deadlines == expected, ref
        assert warm[ref].error is None and warm[ref].has_events


def test_a_brief_row_reads_back_equal_for_every_golden_case() -> None:
    for ref, case in GOLDEN:
        zone = ZoneInfo(case.where.time_zone)
        for position, brief in enumerate(briefs(case)):
            row = brief_row(1, position, brief)
            rule = rule_by_id(str(row[2]))
            assert rule is not None
            assert brief_from_row(row[2:], rule, zone) == brief, (ref, brief.rule.id)


def test_the_warm_path_does_not_run_the_engine(
    connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    for ref, case in GOLDEN[:5]:
        store.add(connection, ref, case)
    listings(connection, _fixed)

    def no_engine(case: Case) -> object:
        raise AssertionError("the engine ran on a fresh memo")

    monkeypatch.setattr(memo, "briefs", no_engine)
    assert len(listings(connection, _fixed)) == 5


def _case(*events: tuple[EventKind, date], where: str = "75") -> Case:
    return make_case(list(events), Facts(territory=where))


FILED = (EventKind.APPLICATION_FILED, date(2025, 10, 6))


def _due_days(connection: Connection) -> dict[str, date]:
    (listing,) = listings(connection, _fixed)
    return {d.rule.id: d.due for d in listing.deadlines}


def test_an_event_changed_through_the_store_is_computed_again(
    connection: Connection,
) -> None:
    store.add(connection, "A", _case(FILED))
    before = _due_days(connection)
    record = store.get(connection, "A")
    store.update(
        connection, record.ref, lambda _: _case((EventKind.APPLICATION_FILED, date(2025, 11, 6)))
    )
    after = _due_days(connection)
    assert after["implicit-refusal"] != before["implicit-refusal"]
    assert after == {
        d.rule.id: d.due for d in compute(store.get(connection, "A").case, AS_OF).deadlines
    }


def _engine_runs(monkeypatch: pytest.MonkeyPatch) -> list[Case]:
    """From now on, every case the memo has the engine compute, in order."""
    ran: list[Case] = []

    def counting(case: Case) -> object:
        ran.append(case)
        return briefs(case)

    monkeypatch.setattr(memo, "briefs", counting)
    return ran


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE events SET day = '2025-11-06'",
        "INSERT INTO events (case_id, kind, day, time, source) "
        "SELECT id, 'refusal-notified', '2025-12-01', NULL, 'sql' FROM cases",
        "DELETE FROM events WHERE kind = 'ofii-request'",
        "UPDATE cases SET territory = '974'",
        "UPDATE cases SET appeal_info = 0",
    ],
    ids=["event-updated", "event-inserted", "event-deleted", "territory", "fact"],
)
def test_any_write_to_a_case_even_by_hand_in_sql_makes_its_memo_stale(
    connection: Connection, sql: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add(connection, "A", _case(FILED, (EventKind.OFII_REQUEST, date(2025, 11, 3))))
    listings(connection, _fixed)
    ran = _engine_runs(monkeypatch)
    connection.execute(sql)
    (listing,) = listings(connection, _fixed)
    current = store.get(connection, "A").case
    assert ran == [current]  # computed again, from the case as it now is
    assert listing.deadlines == _expected(current, _fixed)
    listings(connection, _fixed)
    assert len(ran) == 1  # and remembered


def test_another_engine_computes_every_case_again(
    connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add(connection, "A", _case(FILED))
    listings(connection, _fixed)
    ran = _engine_runs(monkeypatch)
    listings(connection, _fixed)
    assert ran == []
    monkeypatch.setattr(memo, "engine_fingerprint", lambda: "another engine")
    listings(connection, _fixed)
    assert len(ran) == 1
    engines = connection.execute("SELECT engine FROM computed").fetchall()
    assert engines == [("another engine",)]


def test_the_fingerprint_changes_when_a_file_of_the_engine_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import deadlines

    copy = tmp_path / "deadlines"
    shutil.copytree(Path(deadlines.__file__).parent, copy)
    monkeypatch.setattr(deadlines, "__file__", str(copy / "__init__.py"))
    memo.engine_fingerprint.cache_clear()
    try:
        before = memo.engine_fingerprint()
        memo.engine_fingerprint.cache_clear()
        with (copy / "rules" / "catalogue.py").open("a") as handle:
            handle.write("\n# a corrected rule\n")
        assert memo.engine_fingerprint() != before
    finally:
        memo.engine_fingerprint.cache_clear()


def test_done_marks_apply_on_the_memo_path(connection: Connection) -> None:
    store.add(connection, "A", _case(FILED))
    record = store.get(connection, "A")
    key = DeadlineKey("certificate", "certificate-available", 0)
    listings(connection, _fixed)
    store.mark_done(connection, record, key, AS_OF)
    (listing,) = listings(connection, _fixed)
    states = {d.key: d.state.value for d in listing.deadlines}
    assert states[key] == "done"
    as_of, now = _fixed("Europe/Paris")
    expected = compute(record.case, as_of, now, frozenset({key})).deadlines
    assert listing.deadlines == tuple(d.listed for d in expected)


def test_a_case_out_of_the_holiday_data_is_remembered_as_an_error(
    connection: Connection,
) -> None:
    # Filed in November 2050: the implicit refusal falls in 2051, past the holiday data.
    case = _case((EventKind.APPLICATION_FILED, date(2050, 11, 6)))
    with pytest.raises(CoverageError) as raised:
        compute(case, AS_OF)
    store.add(connection, "FAR", case)
    store.add(connection, "EMPTY", Case((), Facts()))
    for _ in range(2):  # cold, then from the memo
        found = {listing.ref: listing for listing in listings(connection, _fixed)}
        assert found["FAR"].error == raised.value.key
        assert found["FAR"].deadlines == ()
        assert found["EMPTY"].has_events is False
        assert found["EMPTY"].error is None


@pytest.mark.sqlite_only  # a file its owner may only read, opened read-only by SQLite
def test_a_read_only_database_is_listed_without_writing_a_memo(db: Path) -> None:
    with connected(db) as connection:
        store.add(connection, "A", _case(FILED))
    os.chmod(db, stat.S_IRUSR)
    try:
        from caseload.database import SqliteDatabase

        raw = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
        uri = SqliteDatabase(raw, str(db), "db")
        try:
            (listing,) = listings(uri, _fixed)
            assert listing.deadlines == _expected(_case(FILED), _fixed)
            assert uri.execute("SELECT count(*) FROM computed").fetchone() == (0,)
        finally:
            uri.close()
    finally:
        os.chmod(db, stat.S_IRUSR | stat.S_IWUSR)


def test_the_agenda_filter_reads_only_what_it_may_show(connection: Connection) -> None:
    """The same briefs whether the filter runs in SQL (memo read) or in memory (cases the
    engine has just computed)."""
    for ref, case in GOLDEN:
        store.add(connection, ref, case)
    latest = date(2026, 2, 15)
    wanted = may_show(latest)
    assert wanted.rules is not None
    for _ in ("cold: computed now", "warm: read from the memo"):
        filtered = {
            listing.ref: listing.deadlines
            for listing in listings(connection, _fixed, wanted=wanted)
        }
        for ref, case in GOLDEN:
            expected = tuple(
                d
                for d in _expected(case, _fixed)
                if d.rule.id in wanted.rules
                and (d.due is None or d.due <= latest)
                and not d.brief.done_by_event
            )
            assert filtered[ref] == expected, ref


def test_case_list_names_a_case_it_cannot_compute_instead_of_failing(db: Path) -> None:
    from tests.caseload.helpers import as_json, ok

    with connected(db) as connection:
        store.add(connection, "FAR", _case((EventKind.APPLICATION_FILED, date(2050, 11, 6))))
        store.add(connection, "NEAR", _case(FILED))
    for _ in range(2):  # cold, then from the memo
        cases = {c["ref"]: c for c in as_json(db, "case", "list", "--as-of", "15/01/2026")["cases"]}
        assert cases["FAR"]["error"] == "coverage.year"
        assert cases["FAR"]["next"] is None
        assert cases["NEAR"]["error"] is None
        assert cases["NEAR"]["next"]["rule"] == "certificate"
        table = ok(db, "case", "list", "--as-of", "15/01/2026").stdout
        assert "non calculé" in table and "deadlines case show FAR" in table


def test_listings_report_the_cases_they_compute(connection: Connection) -> None:
    for ref, case in GOLDEN[:250]:
        store.add(connection, ref, case)
    heard: list[tuple[int, int]] = []
    listings(connection, _fixed, progress=lambda done, total: heard.append((done, total)))
    total = min(250, len(GOLDEN))
    assert heard[0] == (0, total) and heard[-1] == (total, total)
    assert [done for done, _ in heard] == sorted(done for done, _ in heard)
    heard.clear()
    listings(connection, _fixed, progress=lambda done, total: heard.append((done, total)))
    assert heard == []  # nothing to compute: nothing to report


def test_the_progress_bar_is_drawn_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rendering.progress import PROGRESS_FROM, progress_bar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    with progress_bar("x") as report:
        assert report is None  # pytest's stderr is not a terminal
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with progress_bar("Calcul") as report:
        assert report is not None
        report(0, PROGRESS_FROM)  # a short job: no bar
        assert terminal.getvalue() == ""
        report(10, PROGRESS_FROM + 1)
        report(PROGRESS_FROM + 1, PROGRESS_FROM + 1)
    assert "Calcul" in terminal.getvalue()
