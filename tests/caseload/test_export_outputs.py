"""`deadlines export`: what has been exported is remembered per calendar (issue 14, item 2).

A calendar is an output (a file's resolved path, or the name given with --calendar) and a scope
(every active case, the main calendar; or named cases, kept apart). Each gets its own SEQUENCEs
and its own CANCELLED events: an export to another file, to standard output or of a few cases
never uses up what the main calendar still has to receive. `-o -` is standard output (with
--calendar NAME), never a file named `-`; `--dry-run` shows what would change, per case, and
writes and records nothing. The state kept before schema V5 is adopted by the first export of
every active case. khal, a real client, checks the main calendar's round trip.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from caseload import schema
from caseload.db import connect
from tests.calendars.khal_harness import _run, import_and_list, write_config
from tests.caseload.helpers import UNDO_V6, assert_one_line_error, deadlines, ok, rows
from tests.caseload.test_export_sync import AS_OF, COUNTS, Export, _of, _parse, add_three_cases
from tests.caseload.test_export_sync import export as export_to


def export(db: Path, target: Path, *refs: str) -> Export:
    """`export [REFS] -o TARGET`: the calendar is the file."""
    return export_to(db, target, *refs, calendar=None)


def counts_of(stderr: str) -> dict[str, int]:
    match = COUNTS.search(stderr)
    assert match is not None, stderr
    names = ("new", "moved", "unchanged", "cancelled")
    return dict(zip(names, map(int, match.groups()), strict=True))


def to_stdout(db: Path, name: str, *args: str) -> Export:
    """`export -o - --calendar NAME`: the calendar on standard output, the counts on stderr."""
    result = ok(db, "export", *args, "-o", "-", "--calendar", name, *AS_OF)
    data = result.stdout_bytes
    return Export(data, counts_of(result.stderr), _parse(data))


def state(db: Path) -> list[tuple[object, ...]]:
    """Every saved row, with the output and scope of its calendar."""
    return rows(
        db,
        "SELECT c.output, c.scope, e.ref, e.events, e.sequences, e.cancelled, e.zones "
        "FROM exported e JOIN exported_calendars c ON c.id = e.calendar "
        "ORDER BY c.output, c.scope, e.ref",
    )


def main_state(db: Path, main: Path) -> list[tuple[object, ...]]:
    return [r for r in state(db) if r[:2] == (f"file:{main.resolve()}", "all")]


@pytest.fixture
def caseload(db: Path) -> Path:
    return add_three_cases(db)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory is tmp_path (where a file named `-` would appear)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- -o - is standard output -------------------------------------------------------------------


def test_dash_is_standard_output_never_a_file(caseload: Path, in_tmp: Path) -> None:
    before = sorted(p.name for p in in_tmp.iterdir())
    first = to_stdout(caseload, "main")
    assert first.data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert first.data.endswith(b"END:VCALENDAR\r\n")
    assert first.counts["new"] == len(first.events) > 0
    assert sorted(p.name for p in in_tmp.iterdir()) == before  # no file named "-"
    again = to_stdout(caseload, "main")
    assert again.data == first.data
    assert again.counts["unchanged"] == len(first.events)


def test_dash_needs_a_calendar_name(caseload: Path, in_tmp: Path) -> None:
    before = sorted(p.name for p in in_tmp.iterdir())
    result = deadlines(caseload, "export", "-o", "-", *AS_OF)
    assert_one_line_error(result, "--calendar", "-o -")
    assert sorted(p.name for p in in_tmp.iterdir()) == before
    assert rows(caseload, "SELECT count(*) FROM exported") == [(0,)]


@pytest.mark.parametrize("name", ["", "   ", "x" * 41, "a\nb"])
def test_a_bad_calendar_name_is_refused(caseload: Path, in_tmp: Path, name: str) -> None:
    result = deadlines(caseload, "export", "-o", "-", "--calendar", name, *AS_OF)
    assert_one_line_error(result, "--calendar")
    assert rows(caseload, "SELECT count(*) FROM exported") == [(0,)]


# --- one state per output ----------------------------------------------------------------------


def test_each_output_gets_its_own_cancellations(caseload: Path, tmp_path: Path) -> None:
    """The issue's path: an archive, then an export elsewhere (another file, standard output);
    the main calendar's next export still cancels the archived case's events."""
    main = tmp_path / "main.ics"
    first = export(caseload, main)
    ok(caseload, "case", "archive", "B2")
    elsewhere = export(caseload, tmp_path / "other.ics")
    assert elsewhere.cancelled == {}  # a new calendar: B2 was never in it
    assert elsewhere.counts["new"] == len(elsewhere.events)
    piped = to_stdout(caseload, "piped")
    assert piped.cancelled == {} and piped.counts["new"] == len(piped.events)
    second = export(caseload, main)
    b2 = set(_of(first.events, "B2"))
    assert b2 and set(second.cancelled) == b2
    assert all(second.events[u].sequence == 1 for u in b2)
    assert second.counts["unchanged"] == len(second.current)
    # Every other calendar gets them too when it next sees B2 gone: none did.
    assert export(caseload, tmp_path / "other.ics").cancelled == {}
    assert export(caseload, main).cancelled == {}  # cancelled once


def test_a_calendar_name_keeps_one_state_whatever_the_file(caseload: Path, tmp_path: Path) -> None:
    named = ("--calendar", "bureau")
    first = ok(caseload, "export", "-o", tmp_path / "monday.ics", *named, *AS_OF)
    ok(caseload, "case", "archive", "B2")
    second = ok(caseload, "export", "-o", tmp_path / "tuesday.ics", *named, *AS_OF)
    assert counts_of(first.stderr)["new"] > 0
    cancelled = counts_of(second.stderr)["cancelled"]
    assert cancelled == len(_of(_parse((tmp_path / "monday.ics").read_bytes()), "B2")) > 0
    # The same calendar on standard output: nothing more to cancel.
    assert to_stdout(caseload, "bureau").counts["cancelled"] == 0


def test_the_same_file_by_another_path_is_the_same_calendar(
    caseload: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export(caseload, tmp_path / "main.ics")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    result = ok(caseload, "export", "-o", "sub/../main.ics", *AS_OF)
    counts = counts_of(result.stderr)
    assert counts["new"] == 0 and counts["unchanged"] > 0


# --- a partial export ---------------------------------------------------------------------------


def test_a_partial_export_never_changes_the_main_calendars_state(
    caseload: Path, tmp_path: Path
) -> None:
    """`export A1 -o colleague.ics` after `case done`: the colleague's file gets the
    cancellation, and so does the main calendar's next export."""
    main = tmp_path / "main.ics"
    first = export(caseload, main)
    saved = main_state(caseload, main)
    ok(caseload, "case", "done", "A1", "certificate", "--on", "2025-03-01")
    colleague = export(caseload, tmp_path / "colleague.ics", "A1")
    assert colleague.cancelled == {}  # its first export: nothing of A1 was in it
    assert main_state(caseload, main) == saved
    # The same file as the main calendar, other options: still apart from the main calendar.
    ok(caseload, "export", "A1", "-o", main, "--remind", "none", "--lang", "en", *AS_OF)
    assert main_state(caseload, main) == saved
    second = export(caseload, main)
    done = {u for u in _of(first.events, "A1") if u.startswith("certificate.")}
    assert done and set(second.cancelled) == done
    assert second.counts["moved"] == 0 and second.counts["new"] == 0


def test_a_partial_export_has_a_state_of_its_own(caseload: Path, tmp_path: Path) -> None:
    colleague = tmp_path / "colleague.ics"
    first = export(caseload, colleague, "A1")
    ok(caseload, "case", "done", "A1", "certificate", "--on", "2025-03-01")
    second = export(caseload, colleague, "A1")
    done = {u for u in first.events if u.startswith("certificate.")}
    assert done and set(second.cancelled) == done
    # Another selection to the same file: A1 keeps its state there, B2 is new.
    third = export(caseload, colleague, "A1", "B2")
    assert third.counts["new"] == len(_of(third.events, "B2"))
    assert third.counts["unchanged"] == len(_of(third.current, "A1"))
    assert third.cancelled == {}


# --- --dry-run ----------------------------------------------------------------------------------


def test_dry_run_shows_the_changes_per_case_and_records_nothing(
    caseload: Path, tmp_path: Path
) -> None:
    main = tmp_path / "main.ics"
    shown = ok(caseload, "export", "--dry-run", "-o", main, *AS_OF)
    assert not main.exists()
    assert rows(caseload, "SELECT count(*) FROM exported") == [(0,)]
    assert rows(caseload, "SELECT count(*) FROM exported_calendars") == [(0,)]
    lines = shown.stdout.splitlines()
    assert "rien n'est écrit ni enregistré" in lines[0]
    table = {line.split()[0]: line.split()[1:] for line in lines[2:-1]}
    first = export(caseload, main)
    assert {ref: int(cells[0]) for ref, cells in table.items()} == {
        ref: len(_of(first.events, ref)) for ref in ("A1", "B2", "C3")
    }
    assert f"nouveaux {len(first.events)}," in lines[-1]

    saved = state(caseload)
    data = main.read_bytes()
    ok(caseload, "case", "archive", "B2")
    ok(caseload, "case", "set", "A1", "--ofii-request", "03/02/2025", "--yes", *AS_OF)
    shown = ok(caseload, "export", "--dry-run", "-o", main, *AS_OF)
    assert main.read_bytes() == data and state(caseload) == saved
    lines = shown.stdout.splitlines()
    assert lines[1].split() == ["dossier", "nouveaux", "modifiés", "inchangés", "annulés"]
    table = {line.split()[0]: [int(n) for n in line.split()[1:]] for line in lines[2:-1]}
    assert set(table) == {"A1", "B2"}  # C3 is unchanged: not listed
    assert table["B2"] == [0, 0, 0, len(_of(first.events, "B2"))]
    assert table["A1"] == [3, 0, len(_of(first.events, "A1")), 0]  # the new request's reply
    assert "1 dossier(s) sans changement" in lines[-1]
    english = ok(caseload, "export", "--dry-run", "-o", main, "--lang", "en", *AS_OF)
    assert english.stdout.startswith("Dry run for ")
    assert english.stdout.splitlines()[1].split() == [
        "case",
        "new",
        "changed",
        "unchanged",
        "cancelled",
    ]
    assert main.read_bytes() == data and state(caseload) == saved
    # What the dry run showed is what the export then does.
    second = export(caseload, main)
    assert set(second.cancelled) == set(_of(first.events, "B2"))
    assert second.counts["new"] == 3 and second.counts["moved"] == 0


def test_dry_run_on_standard_output_prints_only_the_report(caseload: Path, in_tmp: Path) -> None:
    shown = ok(caseload, "export", "--dry-run", "-o", "-", "--calendar", "x", *AS_OF)
    assert "BEGIN:VCALENDAR" not in shown.stdout
    assert "agenda « x »" in shown.stdout.splitlines()[0]
    assert rows(caseload, "SELECT count(*) FROM exported") == [(0,)]


# --- the upgrade from schema V4 -----------------------------------------------------------------


def _downgrade_to_v4(db: Path) -> None:
    """The store as version 4 of the tool left it: one state for the whole caseload (the rows
    of the calendar exported so far), `exported` keyed by case, user_version 4."""
    raw = sqlite3.connect(db)
    raw.executescript(UNDO_V6)
    raw.executescript(
        """
        CREATE TABLE exported_v4 (
            ref TEXT PRIMARY KEY,
            events BLOB NOT NULL,
            sequences BLOB NOT NULL,
            cancelled BLOB NOT NULL,
            zones TEXT NOT NULL
        );
        INSERT INTO exported_v4 SELECT ref, events, sequences, cancelled, zones FROM exported;
        DROP TABLE exported;
        DROP TABLE exported_calendars;
        ALTER TABLE exported_v4 RENAME TO exported;
        PRAGMA user_version = 4;
        """
    )
    raw.commit()
    raw.close()


@pytest.mark.sqlite_only  # a SQLite file taken back to schema V4
def test_an_upgrade_from_v4_keeps_the_state_for_the_first_full_export(
    caseload: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.ics"
    first = export(caseload, old)
    ok(caseload, "case", "set", "A1", "--filed", "16/01/2025", "--yes", *AS_OF)
    raised = export(caseload, old)  # some SEQUENCEs above 0 in the state
    assert raised.counts["moved"] > 0
    v4 = rows(caseload, "SELECT ref, events, sequences, cancelled, zones FROM exported ORDER BY 1")
    _downgrade_to_v4(caseload)
    ok(caseload, "case", "archive", "B2")

    connect(caseload).close()  # the migration
    assert rows(caseload, "PRAGMA user_version") == [(schema.LATEST,)]
    assert rows(caseload, "SELECT id, output, scope FROM exported_calendars") == [(1, None, "all")]
    after = "SELECT ref, events, sequences, cancelled, zones FROM exported ORDER BY 1"
    assert rows(caseload, after) == v4
    # Neither a partial export nor a dry run adopts the old state...
    partial = export(caseload, tmp_path / "one.ics", "A1")
    assert partial.counts["new"] == len(partial.events)
    ok(caseload, "export", "--dry-run", "-o", tmp_path / "x.ics", *AS_OF)
    assert rows(caseload, "SELECT output FROM exported_calendars WHERE id = 1") == [(None,)]
    # ...the first export of every active case does, whatever its file: it continues it.
    adopted = export(caseload, tmp_path / "new-name.ics")
    assert set(adopted.cancelled) == set(_of(first.events, "B2"))
    assert adopted.counts["new"] == adopted.counts["moved"] == 0
    assert {u: e.sequence for u, e in adopted.current.items()} == {
        u: e.sequence for u, e in raised.events.items() if u in adopted.current
    }
    output = f"file:{(tmp_path / 'new-name.ics').resolve()}"
    assert rows(caseload, "SELECT output FROM exported_calendars WHERE id = 1") == [(output,)]
    # Adopted once: the old file's path is now a calendar of its own.
    again = export(caseload, old)
    assert again.counts["new"] == len(again.events) and again.cancelled == {}


@pytest.mark.sqlite_only  # a SQLite file taken back to schema V4
def test_an_upgraded_store_without_export_state_has_no_calendar(db: Path) -> None:
    ok(db, "case", "add", "A1", "--filed", "15/01/2025", *AS_OF)
    _downgrade_to_v4(db)
    connect(db).close()
    assert rows(db, "SELECT count(*) FROM exported_calendars") == [(0,)]


# --- khal: the main calendar's round trip --------------------------------------------------------

WINDOW = (date(2025, 1, 1), date(2026, 12, 31))


def _khal_flagged(khal_dir: Path) -> tuple[list[str], list[str]]:
    """The titles khal shows, and those it marks cancelled."""
    config = str(write_config(khal_dir))
    listed = _run(
        [
            "-c",
            config,
            "list",
            "--format",
            "{cancelled}|{title}",
            "--day-format",
            "",
            WINDOW[0].isoformat(),
            WINDOW[1].isoformat(),
        ],
        khal_dir,
    ).stdout.splitlines()
    shown = sorted(line.split("|", 1)[1] for line in listed if line.startswith("|"))
    hidden = sorted(line.split("|", 1)[1] for line in listed if line.startswith("CANCELLED"))
    return shown, hidden


def test_khal_the_main_calendar_gets_the_cancellations_after_other_exports(
    caseload: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into one khal calendar: the main export, then — after an archive, an action done, a
    partial export to a colleague's file and an export on standard output — the main export
    again. khal then shows exactly the current deadlines and marks the others cancelled."""
    monkeypatch.chdir(tmp_path)
    main = tmp_path / "main.ics"
    khal_dir = tmp_path / "khal"
    first = export(caseload, main)
    import_and_list(main, khal_dir, *WINDOW)
    ok(caseload, "case", "archive", "B2")
    ok(caseload, "case", "done", "A1", "certificate", "--on", "2025-03-01")
    saved = main_state(caseload, main)
    export(caseload, tmp_path / "colleague.ics", "A1")
    to_stdout(caseload, "piped")
    assert main_state(caseload, main) == saved
    second = export(caseload, main)
    gone = set(_of(first.events, "B2")) | {
        u for u in _of(first.events, "A1") if u.startswith("certificate.")
    }
    assert set(second.cancelled) == gone
    import_and_list(main, khal_dir, *WINDOW)
    shown, hidden = _khal_flagged(khal_dir)
    assert shown == sorted(e.summary for e in second.current.values())
    assert hidden == sorted(e.summary for e in second.cancelled.values())
    assert len(shown) + len(hidden) == len(first.events)  # nothing twice, nothing lost
