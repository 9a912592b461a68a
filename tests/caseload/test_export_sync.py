"""`deadlines export`: one calendar for the caseload that stays in step with the tool.

Unchanged events keep UID and SEQUENCE; an event whose date moved gets SEQUENCE + 1; one that
no longer applies (a date corrected or removed, an action done, a case archived) is written once
with STATUS:CANCELLED; the exported state is saved only once the file is written. Every file is
checked by the structural checker, parsed and written back unchanged by icalendar, and parsed
by vobject; the last test feeds two successive exports to khal, a real calendar client.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.calendars.icalendar_oracle import reserialized
from tests.calendars.ics_checks import read_with_vobject, structural_problems
from tests.calendars.khal_harness import _run, import_and_list, write_config
from tests.caseload.helpers import assert_one_line_error, deadlines, ok, rows

AS_OF = ("--as-of", "2025-03-05")
PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Vevent:
    uid: str
    sequence: int
    status: str
    start: date
    end: date
    summary: str
    description: str
    alarms: int

    @property
    def content(self) -> tuple[object, ...]:
        return (self.start, self.end, self.summary, self.description)


@dataclass(frozen=True)
class Export:
    data: bytes
    counts: dict[str, int]
    events: dict[str, Vevent]  # by UID, every VEVENT of the file

    @property
    def current(self) -> dict[str, Vevent]:
        return {uid: e for uid, e in self.events.items() if e.status != "CANCELLED"}

    @property
    def cancelled(self) -> dict[str, Vevent]:
        return {uid: e for uid, e in self.events.items() if e.status == "CANCELLED"}


COUNTS = re.compile(r"nouveaux (\d+), modifiés (\d+), inchangés (\d+), annulés (\d+)")


def _parse(data: bytes) -> dict[str, Vevent]:
    from icalendar import Calendar

    assert structural_problems(data) == []
    assert reserialized(data) == data  # icalendar parses it and writes back the same bytes
    read_with_vobject(data)  # an independent parser reads it too
    events: dict[str, Vevent] = {}
    for vevent in Calendar.from_ical(data).walk("VEVENT"):
        uid = str(vevent["UID"])
        assert uid not in events, f"UID twice in one file: {uid}"
        events[uid] = Vevent(
            uid=uid,
            sequence=int(vevent["SEQUENCE"]),
            status=str(vevent.get("STATUS", "")),
            start=vevent.decoded("DTSTART"),
            end=vevent.decoded("DTEND"),
            summary=str(vevent["SUMMARY"]),
            description=str(vevent["DESCRIPTION"]),
            alarms=len(vevent.walk("VALARM")),
        )
    return events


def export(db: Path, target: Path, *refs: str, calendar: str | None = "main") -> Export:
    """`export [REFS] -o TARGET`, as the calendar `calendar` (None: the file's own state). The
    tests here write each export to a file of its own, all of one calendar (issue 14: the
    state is kept per calendar)."""
    named = ("--calendar", calendar) if calendar is not None else ()
    result = ok(db, "export", *refs, "-o", target, *named, *AS_OF)
    match = COUNTS.search(result.stderr)
    assert match is not None, result.stderr
    counts = dict(
        zip(("new", "moved", "unchanged", "cancelled"), map(int, match.groups()), strict=True)
    )
    data = target.read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    return Export(data, counts, _parse(data))


def _of(events: dict[str, Vevent], ref: str) -> dict[str, Vevent]:
    return {uid: e for uid, e in events.items() if e.summary.split("] ")[0].endswith(f"[{ref}")}


def add_three_cases(db: Path) -> Path:
    """Three cases: two in an administrative phase (Paris, Réunion), one OQTF in rétention."""
    ok(db, "case", "add", "A1", "--filed", "15/01/2025", "--ofii-request", "01/02/2025", *AS_OF)
    ok(db, "case", "add", "B2", "--filed", "20/01/2025", "--territory", "974", *AS_OF)
    ok(
        db,
        "case",
        "add",
        "C3",
        "--oqtf-notified",
        "2025-03-04 10:30",
        "--oqtf-decided",
        "2025-03-01",
        "--no-departure-period",
        "--custody",
        "retention",
        *AS_OF,
    )
    return db


@pytest.fixture
def caseload(db: Path) -> Path:
    return add_three_cases(db)


@pytest.fixture
def first(caseload: Path, tmp_path: Path) -> Export:
    return export(caseload, tmp_path / "first.ics")


def test_first_export_every_event_is_new_with_sequence_0(first: Export) -> None:
    events = first.events
    assert first.counts == {"new": len(events), "moved": 0, "unchanged": 0, "cancelled": 0}
    assert {e.sequence for e in events.values()} == {0}
    assert first.cancelled == {}
    for ref in ("A1", "B2", "C3"):
        assert _of(events, ref), ref
    assert len(_of(events, "A1")) + len(_of(events, "B2")) + len(_of(events, "C3")) == len(events)
    # The OQTF appeal of C3 is an hour deadline: a timed event in Paris time, with its zone.
    timed = [e for e in _of(events, "C3").values() if isinstance(e.start, datetime)]
    assert timed
    assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/Paris" in first.data


def test_an_unchanged_re_export_is_byte_identical(
    caseload: Path, first: Export, tmp_path: Path
) -> None:
    again = export(caseload, tmp_path / "again.ics")
    assert again.data == first.data
    assert again.counts == {"new": 0, "moved": 0, "unchanged": len(first.events), "cancelled": 0}


def test_a_corrected_date_keeps_uids_and_raises_sequence_of_what_moved(
    caseload: Path, first: Export, tmp_path: Path
) -> None:
    ok(caseload, "case", "set", "A1", "--filed", "16/01/2025", "--yes", *AS_OF)
    second = export(caseload, tmp_path / "second.ics")
    assert set(second.events) == set(first.events)  # same UIDs, nothing cancelled
    assert second.cancelled == {}
    moved = {uid for uid, e in second.events.items() if e.content != first.events[uid].content}
    assert moved <= set(_of(first.events, "A1"))
    for uid, event in second.events.items():
        assert event.sequence == (1 if uid in moved else 0), uid
    (certificate,) = (u for u in moved if u.startswith("certificate.") and "remind" not in u)
    assert (first.events[certificate].start, second.events[certificate].start) == (
        date(2025, 2, 15),
        date(2025, 2, 16),
    )
    for uid, event in _of(second.events, "A1").items():
        if event.start != first.events[uid].start:
            assert uid in moved
    # The OFII reply does not depend on the filing date: untouched.
    assert not any(u.startswith("ofii-request-reply.") for u in moved)
    assert second.counts == {
        "new": 0,
        "moved": len(moved),
        "unchanged": len(first.events) - len(moved),
        "cancelled": 0,
    }
    third = export(caseload, tmp_path / "third.ics")  # nothing new: SEQUENCE stays 1
    assert third.data == second.data
    assert third.counts["unchanged"] == len(first.events)


def test_a_withdrawn_deadline_is_cancelled_once(
    caseload: Path, first: Export, tmp_path: Path
) -> None:
    """The OFII request was entered by mistake: its reply deadline and reminders go."""
    ok(caseload, "case", "unset", "A1", "ofii-request", "--yes", *AS_OF)
    second = export(caseload, tmp_path / "second.ics")
    withdrawn = {u for u in first.events if u.startswith("ofii-request-reply.ofii-request.0.")}
    assert len(withdrawn) == 3  # the deadline and its two reminders
    assert set(second.cancelled) == withdrawn
    for uid in withdrawn:
        event = second.events[uid]
        assert event.sequence == first.events[uid].sequence + 1
        assert event.content == first.events[uid].content  # the same event, cancelled
        assert event.alarms == 0  # no reminder rings for a cancelled event
    assert set(second.current) == set(first.events) - withdrawn
    assert second.counts["cancelled"] == 3
    third = export(caseload, tmp_path / "third.ics")
    assert not set(third.events) & withdrawn  # written once, then gone
    assert third.counts["cancelled"] == 0


def test_a_cancelled_deadline_that_comes_back_is_moved_past_its_cancellation(
    caseload: Path, first: Export, tmp_path: Path
) -> None:
    """The OFII request withdrawn by mistake is entered again: its events keep their UIDs and
    come back with a SEQUENCE above the cancellation's, so calendar apps show them again."""
    ok(caseload, "case", "unset", "A1", "ofii-request", "--yes", *AS_OF)
    export(caseload, tmp_path / "second.ics")
    ok(caseload, "case", "set", "A1", "--ofii-request", "01/02/2025", "--yes", *AS_OF)
    third = export(caseload, tmp_path / "third.ics")
    back = {u for u in first.events if u.startswith("ofii-request-reply.ofii-request.0.")}
    assert len(back) == 3 and third.cancelled == {}
    assert set(third.events) == set(first.events)
    for uid in back:
        assert third.events[uid].sequence == 2  # 0, cancelled at 1, back at 2
        assert third.events[uid].content == first.events[uid].content
    assert third.counts == {
        "new": 0,
        "moved": 3,
        "unchanged": len(first.events) - 3,
        "cancelled": 0,
    }
    fourth = export(caseload, tmp_path / "fourth.ics")
    assert fourth.data == third.data


def test_a_deadline_marked_done_is_cancelled_once(
    caseload: Path, first: Export, tmp_path: Path
) -> None:
    ok(caseload, "case", "done", "A1", "certificate", "--on", "2025-02-10")
    second = export(caseload, tmp_path / "second.ics")
    done = {u for u in _of(first.events, "A1") if u.startswith("certificate.")}
    assert len(done) == 3
    assert set(second.cancelled) == done
    assert all(second.events[u].sequence == 1 for u in done)
    assert "STATUS:CANCELLED" in second.data.decode()
    third = export(caseload, tmp_path / "third.ics")
    assert not set(third.events) & done
    assert "CANCELLED" not in third.data.decode()


def test_an_archived_case_has_its_events_cancelled_once(
    caseload: Path, first: Export, tmp_path: Path
) -> None:
    ok(caseload, "case", "archive", "B2")
    second = export(caseload, tmp_path / "second.ics")
    b2 = set(_of(first.events, "B2"))
    assert set(second.cancelled) == b2
    assert all(second.events[u].sequence == 1 for u in b2)
    assert set(second.current) == set(first.events) - b2
    assert {e.sequence for e in second.current.values()} == {0}
    third = export(caseload, tmp_path / "third.ics")
    assert set(third.events) == set(first.events) - b2
    # A removed case too.
    ok(caseload, "case", "remove", "C3", "--yes")
    fourth = export(caseload, tmp_path / "fourth.ics")
    assert set(fourth.cancelled) == set(_of(first.events, "C3"))


def test_exporting_some_cases_leaves_the_others_alone(
    caseload: Path, first: Export, tmp_path: Path
) -> None:
    only = export(caseload, tmp_path / "a1.ics", "A1")
    assert set(only.events) == set(_of(first.events, "A1"))
    assert only.cancelled == {}
    several = export(caseload, tmp_path / "a1b2.ics", "A1", "B2")
    assert set(several.events) == set(_of(first.events, "A1")) | set(_of(first.events, "B2"))


def _state(db: Path) -> list[list[tuple[object, ...]]]:
    """Everything the export state holds: one row per case, and the strings they refer to."""
    return [
        rows(db, "SELECT * FROM exported ORDER BY ref"),
        rows(db, "SELECT * FROM exported_text ORDER BY id"),
        rows(db, "SELECT * FROM exported_v2 ORDER BY uid"),
    ]


def test_the_state_is_not_saved_when_the_file_cannot_be_written(
    caseload: Path, first: Export, tmp_path: Path
) -> None:
    ok(caseload, "case", "set", "A1", "--ofii-request", "12/02/2025", "--yes", *AS_OF)
    saved = _state(caseload)
    failed = deadlines(caseload, "export", "-o", tmp_path / "missing" / "x.ics", *AS_OF)
    assert_one_line_error(failed, "--output", "Rien n'a été écrit")
    assert _state(caseload) == saved
    second = export(caseload, tmp_path / "second.ics")
    added = set(second.events) - set(first.events)
    assert len(added) == 3  # the reply to the new request and its two reminders
    assert all(u.startswith("ofii-request-reply.ofii-request.1.") for u in added)
    assert second.counts["new"] == 3  # still new: the failed export saved nothing
    assert all(second.events[u].sequence == 0 for u in added)


def test_a_first_export_that_fails_leaves_every_event_new(db: Path, tmp_path: Path) -> None:
    ok(db, "case", "add", "A1", "--filed", "15/01/2025", *AS_OF)
    failed = deadlines(db, "export", "-o", tmp_path / "missing" / "x.ics", *AS_OF)
    assert failed.exit_code == 2
    assert rows(db, "SELECT count(*) FROM exported") == [(0,)]
    good = export(db, tmp_path / "good.ics")
    assert good.counts["new"] == len(good.events) > 0


def _khal_start(event: Vevent) -> str:
    """DTSTART as khal lists it (Europe/Paris local time; a date for all-day events)."""
    if isinstance(event.start, datetime):
        return event.start.astimezone(PARIS).strftime("%Y-%m-%d %H:%M")
    return event.start.isoformat()


def test_khal_shows_exactly_the_current_deadlines_after_importing_both_exports(
    caseload: Path, first: Export, tmp_path: Path
) -> None:
    """khal 0.14 is given the first export, then the export made after corrections (a date
    moved, a request withdrawn, a deadline done, a case archived), into the same calendar.

    What khal does: ``import --batch`` replaces an event whose UID it already holds (it does
    not look at SEQUENCE), so a moved deadline is shown once, at its new date. A
    STATUS:CANCELLED event is not deleted: khal keeps it, lists it among the others, and marks
    it only through its ``{cancelled}`` field ("CANCELLED "). So the plain listing is the
    current deadlines plus the cancelled ones, each once; and the listing without the events
    khal marks cancelled is exactly the current deadlines.
    """
    khal_dir = tmp_path / "khal"
    window = (date(2025, 1, 1), date(2026, 12, 31))
    listed_first = import_and_list(tmp_path / "first.ics", khal_dir, *window)
    assert sorted((r.start, r.title) for r in listed_first) == sorted(
        (_khal_start(e), e.summary) for e in first.events.values()
    )

    ok(caseload, "case", "set", "A1", "--filed", "16/01/2025", "--yes", *AS_OF)
    ok(caseload, "case", "unset", "A1", "ofii-request", "--yes", *AS_OF)
    ok(caseload, "case", "done", "C3", "oqtf-appeal", "--on", "2025-03-05")
    ok(caseload, "case", "archive", "B2")
    second = export(caseload, tmp_path / "second.ics")
    assert second.current and second.cancelled
    assert set(second.events) == set(first.events)  # every old UID is either kept or cancelled

    listed = import_and_list(tmp_path / "second.ics", khal_dir, *window)
    assert sorted((r.start, r.title) for r in listed) == sorted(
        (_khal_start(e), e.summary) for e in second.events.values()
    )
    assert len(listed) == len(set(first.events) | set(second.events))  # nothing twice

    config = str(write_config(khal_dir))
    flagged = _run(
        [
            "-c",
            config,
            "list",
            "--format",
            "{cancelled}|{start}|{title}",
            "--day-format",
            "",
            window[0].isoformat(),
            window[1].isoformat(),
        ],
        khal_dir,
    ).stdout.splitlines()
    shown = sorted(tuple(line.split("|")[1:]) for line in flagged if line.startswith("|"))
    hidden = sorted(tuple(line.split("|")[1:]) for line in flagged if line.startswith("CANCELLED"))
    assert len(shown) + len(hidden) == len(flagged)
    assert shown == sorted((_khal_start(e), e.summary) for e in second.current.values())
    assert hidden == sorted((_khal_start(e), e.summary) for e in second.cancelled.values())
