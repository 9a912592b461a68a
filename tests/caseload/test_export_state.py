"""`deadlines export` on a generated caseload, against the export as it was before schema V4.

The oracle below is the algorithm of caseload/export.py before the compact state: each case
computed by the engine (`compute`, not the memo), planned with `plan`, each event's JSON hashed
and compared with a state kept per UID, the file written whole by `calendars.ics.to_ics` (itself
checked against icalendar, tests/calendars/test_ics.py).
The command must give the same bytes, the same counts and the same SEQUENCE numbers, export
after export (new, unchanged, moved, cancelled once, a case archived or removed, a territory
changed, a subset of cases), and after an upgrade from a V2 state. The big file is also checked
by the structural checker, icalendar (built by it, and parsed and written back), vobject and khal.
Not timed: bench/ measures the speed.
"""

from __future__ import annotations

import re
import sqlite3
from array import array
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from bench.generate import generate
from calendars.ics import to_ics
from calendars.plan import ExportOptions, PlannedEvent, Reminders, plan, stamp_from_day
from caseload import schema, store
from caseload.export import (
    _HEAD,
    RAW,
    REF,
    SAME,
    CalendarKey,
    Encoder,
    Export,
    Row,
    Texts,
    _iso,
    _renumbered,
    fingerprint,
    pack,
    to_json,
    unpack,
)
from caseload.schema import V4
from deadlines.engine import compute
from deadlines.errors import CoverageError
from deadlines.rules.model import EventKind
from tests.calendars import icalendar_oracle
from tests.calendars.ics_checks import read_with_vobject, structural_problems
from tests.calendars.khal_harness import import_and_list
from tests.caseload.helpers import UNDO_V6, connected, copy_cases, ok, rows
from tests.databases import PostgresDatabases

AS_OF = date(2026, 1, 15)
CASES = 300
COUNTS = re.compile(
    r"(\d+) dossiers, (\d+) événements ; nouveaux (\d+), modifiés (\d+), inchangés (\d+), "
    r"annulés (\d+)"
)


@dataclass
class Before:
    """caseload/export.py's `prepare` and `save_state` before schema V4, as an oracle."""

    # uid -> ref, fingerprint, sequence, cancelled, event: the main calendar's (every active
    # case), and since schema V5 (issue 14) that of the exports of named cases, kept apart.
    state: dict[str, tuple[str, str, int, bool, PlannedEvent]] = field(default_factory=dict)
    partial: dict[str, tuple[str, str, int, bool, PlannedEvent]] = field(default_factory=dict)

    def export(self, db: Path, refs: list[str] | None = None) -> tuple[bytes, tuple[int, ...]]:
        with connected(db) as connection:
            records = store.load(connection, refs)
        planned: list[tuple[str, PlannedEvent]] = []
        zones: set[str] = set()
        for record in records:
            if not record.case.events:
                continue
            try:
                computation = compute(record.case, AS_OF, None, record.done)
            except CoverageError:
                continue
            zones.add(record.case.where.time_zone)
            options = ExportOptions(record.ref, "fr", Reminders(), True)
            planned.extend((record.ref, e) for e in plan(computation, options))
        kept = self.state if refs is None else self.partial
        saved = {u: s for u, s in kept.items() if refs is None or s[0] in refs}
        counts = {"new": 0, "moved": 0, "unchanged": 0, "cancelled": 0}
        sequences: dict[str, int] = {}
        after = dict(kept)
        current = set()
        for ref, event in planned:
            current.add(event.uid)
            print_ = fingerprint(to_json(event))
            before = saved.get(event.uid)
            if before is None:
                sequence, what = 0, "new"
            elif before[1] == print_ and not before[3]:
                sequence, what = before[2], "unchanged"
            else:
                sequence, what = before[2] + 1, "moved"
            counts[what] += 1
            sequences[event.uid] = sequence
            after[event.uid] = (ref, print_, sequence, False, event)
        cancelled = []
        for uid, (ref, print_, sequence, was_cancelled, event) in sorted(saved.items()):
            if uid in current or was_cancelled:
                continue
            cancelled.append(event)
            sequences[uid] = sequence + 1
            counts["cancelled"] += 1
            after[uid] = (ref, print_, sequence + 1, True, event)
            if isinstance(event.start, datetime):
                zones.add(str(event.start.tzinfo))
        if refs is None:
            self.state = after
        else:
            self.partial = after
        data = to_ics(
            [e for _, e in planned],
            "Échéances",
            stamp_from_day(AS_OF, None),
            sorted(zones),
            sequences,
            cancelled,
        )
        return data, (len(records), len(planned), *counts.values())


def _export(db: Path, target: Path, *refs: str) -> tuple[bytes, tuple[int, ...]]:
    """`export [REFS] -o TARGET` as the calendar "main": one calendar written to a new file
    each time (the state is kept per calendar, issue 14)."""
    named = ("--calendar", "main")
    result = ok(db, "export", *refs, "-o", target, *named, "--as-of", AS_OF.isoformat())
    match = COUNTS.search(result.stderr)
    assert match is not None, result.stderr
    return target.read_bytes(), tuple(int(n) for n in match.groups())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "cases.db"
    # The stores upgraded here come from tools older than wave 2: no wave-2 event in them.
    generate(CASES, path, wave2=False)
    return path


@pytest.fixture
def caseload(
    generated: Path, backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Path | str:
    """The generated caseload, a copy of its own for the test: the file (SQLite), or a new
    database copied from a template database that holds the same cases (PostgreSQL; made once
    a session)."""
    if backend == "sqlite":
        copy = tmp_path / "data" / "cases.db"
        copy.parent.mkdir()
        copy.write_bytes(generated.read_bytes())
        return copy
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    template = databases.template_from(
        f"export-state:{CASES}", lambda url: copy_cases(generated, url)
    )
    url = databases.create(template=template)
    request.addfinalizer(lambda: databases.drop(url))
    return url


def _records(db: Path) -> list[store.CaseRecord]:
    with connected(db) as connection:
        return store.load(connection)


def _timed(record: store.CaseRecord) -> bool:
    return any(e.time is not None for e in record.case.events)


def _change_some_cases(db: Path) -> None:
    """A little of everything: requests withdrawn, a deadline done, a filing date moved, a case
    archived, one removed, and a case with a timed notification moved to another zone."""
    records = _records(db)
    with_requests = [r for r in records if r.case.first(EventKind.OFII_REQUEST) is not None]
    for record in with_requests[:3]:
        ok(db, "case", "unset", record.ref, "ofii-request", "--yes")
    certificate = [r for r in records if r.case.first(EventKind.APPLICATION_FILED) is not None]
    ok(db, "case", "done", certificate[-1].ref, "certificate", "--on", "2025-01-01")
    filed = certificate[0].case.first(EventKind.APPLICATION_FILED)
    assert filed is not None
    earlier = (filed.at - timedelta(days=1)).isoformat()
    ok(db, "case", "set", certificate[0].ref, "--filed", earlier, "--yes")
    ok(db, "case", "archive", records[5].ref)
    ok(db, "case", "remove", records[6].ref, "--yes")
    timed = [r for r in records[10:] if _timed(r) and r.case.where.time_zone == "Europe/Paris"]
    assert len(timed) > 2, "the generator gives timed OQTF notifications"
    ok(db, "case", "set", timed[0].ref, "--territory", "974", "--yes")
    ok(db, "case", "remove", timed[1].ref, "--yes")


def test_the_caseload_export_gives_the_same_files_as_before(caseload: Path, tmp_path: Path) -> None:
    oracle = Before()
    first, counts = _export(caseload, tmp_path / "first.ics")
    expected, expected_counts = oracle.export(caseload)
    assert counts == expected_counts
    assert counts[2] == counts[1] > 3000  # every event new
    assert first == expected
    again, counts = _export(caseload, tmp_path / "again.ics")
    expected, expected_counts = oracle.export(caseload)
    assert (again, counts) == (expected, expected_counts)
    assert again == first and counts[4] == counts[1]  # every event unchanged

    _change_some_cases(caseload)
    changed, counts = _export(caseload, tmp_path / "changed.ics")
    expected, expected_counts = oracle.export(caseload)
    assert counts == expected_counts
    assert counts[3] > 0 and counts[5] > 0, counts  # some moved, some cancelled
    assert changed == expected
    # Every file passes the checks of the calendar export, the big one included.
    assert structural_problems(changed) == []
    assert icalendar_oracle.reserialized(changed) == changed
    read_with_vobject(changed)
    parsed = Calendar.from_ical(changed).walk("VEVENT")
    assert len(parsed) == counts[1] + counts[5]
    assert sum(str(e.get("STATUS", "")) == "CANCELLED" for e in parsed) == counts[5]

    then, counts = _export(caseload, tmp_path / "then.ics")
    assert (then, counts) == oracle.export(caseload)
    assert counts[5] == 0  # cancelled once
    some = [r.ref for r in _records(caseload)[20:23]]
    subset, counts = _export(caseload, tmp_path / "subset.ics", *some)
    assert (subset, counts) == oracle.export(caseload, some)
    assert counts[0] == 3


def test_the_first_export_is_icalendars_own_file(caseload: Path, tmp_path: Path) -> None:
    """The whole file, not only one case at a time (tests/calendars/test_ics.py), is what
    icalendar writes for the same events; and khal reads every event of it."""
    data, _ = _export(caseload, tmp_path / "first.ics")
    events: list[PlannedEvent] = []
    zones = set()
    for record in _records(caseload):
        try:
            computation = compute(record.case, AS_OF, None, record.done)
        except CoverageError:
            continue
        zones.add(record.case.where.time_zone)
        events.extend(plan(computation, ExportOptions(record.ref, "fr", Reminders(), True)))
    stamp = stamp_from_day(AS_OF, None)
    assert data == icalendar_oracle.to_ics(events, "Échéances", stamp, sorted(zones))
    sample = _sample(data)
    (tmp_path / "sample.ics").write_bytes(sample)
    listed = import_and_list(
        tmp_path / "sample.ics", tmp_path / "khal", date(2023, 1, 1), date(2030, 12, 31)
    )
    expected = set()
    for vevent in Calendar.from_ical(sample).walk("VEVENT"):
        start = vevent.decoded("DTSTART")
        if isinstance(start, datetime):
            when = start.astimezone(ZoneInfo("Europe/Paris")).strftime("%Y-%m-%d %H:%M")
        else:
            when = start.isoformat()
        expected.add((when, str(vevent["SUMMARY"])))
    # khal lists an event that crosses midnight under each of its days: compare sets.
    assert {(row.start, row.title) for row in listed} == expected
    assert len(expected) == sample.count(b"BEGIN:VEVENT") > 150


def _sample(data: bytes, every: int = 25) -> bytes:
    """The file's VTIMEZONEs with every timed event and one event in `every` (khal imports
    about a hundred events a second: the whole file would take a minute)."""
    head, *events = data.split(b"BEGIN:VEVENT\r\n")
    events[-1] = events[-1].removesuffix(b"END:VCALENDAR\r\n")
    kept = [e for i, e in enumerate(events) if i % every == 0 or b";TZID=" in e]
    return head + b"".join(b"BEGIN:VEVENT\r\n" + e for e in kept) + b"END:VCALENDAR\r\n"


def _downgrade_to_v3(db: Path, oracle: Before) -> None:
    """The database as the tool before schema V4 left it after its export: the V2 table,
    holding what the oracle saved, at user_version 3."""
    raw = sqlite3.connect(db)
    raw.executescript(UNDO_V6)
    raw.executescript(
        """
        DROP TABLE exported;
        DROP TABLE exported_calendars;
        DROP TABLE exported_text;
        ALTER TABLE exported_v2 RENAME TO exported;
        PRAGMA user_version = 3;
        """
    )
    raw.executemany(
        "INSERT INTO exported (uid, ref, rule, start, end, fingerprint, sequence, cancelled, "
        "event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (uid, ref, e.rule, _iso(e.start), _iso(e.end), p, sequence, int(c), to_json(e))
            for uid, (ref, p, sequence, c, e) in oracle.state.items()
        ],
    )
    raw.commit()
    raw.close()


@pytest.mark.sqlite_only  # a SQLite file taken back to schema V3 (the V2 export state)
def test_an_upgrade_from_the_v2_state_keeps_every_sequence(caseload: Path, tmp_path: Path) -> None:
    oracle = Before()
    oracle.export(caseload)
    # Some history: raised sequences, an event already cancelled, one that is no longer planned,
    # and one no longer planned that was written as cancelled already.
    uids = sorted(oracle.state)
    for uid in uids[:40]:
        ref, print_, _, cancelled, event = oracle.state[uid]
        oracle.state[uid] = (ref, print_, 3, cancelled, event)
    ref, print_, sequence, _, event = oracle.state[uids[50]]
    oracle.state[uids[50]] = (ref, print_, sequence, True, event)
    ghost = next(e for u, (_, _, _, _, e) in oracle.state.items() if u == uids[60])
    ghost_uid = ghost.uid.replace(".", ".gone.", 1)
    oracle.state[ghost_uid] = (ref, "0" * 64, 7, False, _with_uid(ghost, ghost_uid))
    old_uid = ghost.uid.replace(".", ".cancelled.", 1)
    oracle.state[old_uid] = (ref, "0" * 64, 5, True, _with_uid(ghost, old_uid))
    _downgrade_to_v3(caseload, oracle)

    upgraded, counts = _export(caseload, tmp_path / "upgraded.ics")
    assert rows(caseload, "PRAGMA user_version") == [(schema.LATEST,)]
    # The V2 state is the calendar adopted by this first export of every active case.
    assert rows(caseload, "SELECT id, output, scope FROM exported_calendars") == [
        (1, "name:main", "all")
    ]
    assert (upgraded, counts) == oracle.export(caseload)
    assert counts[3:] == (1, counts[1] - 1, 1)  # the one cancelled is back, the ghost goes
    assert b"SEQUENCE:3\r\n" in upgraded and b"SEQUENCE:8\r\n" in upgraded
    written = {str(e["UID"]) for e in Calendar.from_ical(upgraded).walk("VEVENT")}
    assert ghost_uid in written and old_uid not in written  # cancelled once, in an earlier file
    assert rows(caseload, "SELECT count(*) FROM exported_v2") == [(0,)]
    again, counts = _export(caseload, tmp_path / "again.ics")
    assert (again, counts) == oracle.export(caseload)
    assert counts[4] == counts[1]


def _with_uid(event: PlannedEvent, uid: str) -> PlannedEvent:
    from dataclasses import replace

    return replace(event, uid=uid)


def test_the_saved_state_is_compact(caseload: Path, tmp_path: Path) -> None:
    """Per case, a few hundred bytes of numbers (the V2 state held ~12 KB of JSON a case)."""
    _export(caseload, tmp_path / "first.ics")
    size = sum(
        len(events) + len(sequences) + len(cancelled) + len(zones)
        for events, sequences, cancelled, zones in rows(
            caseload, "SELECT events, sequences, cancelled, zones FROM exported"
        )
    )
    strings = sum(
        len(text.encode()) for (text,) in rows(caseload, "SELECT text FROM exported_text")
    )
    assert (size + strings) / CASES < 1500


def test_two_exports_at_once_keep_their_strings_apart(caseload: Path, tmp_path: Path) -> None:
    """Both number the strings new to them from the same last one: the second to save
    renumbers its own, and the state still reads as the right words (cancellations)."""
    from calendars.files import write_private_atomically
    from deadlines.clock import caseload_reference as _reference

    refs = [r.ref for r in _records(caseload)]
    with connected(caseload) as connection:
        reference = _reference(AS_OF.isoformat())
        # The calendar of `_export`'s exports of named cases.
        calendar = CalendarKey("name:main", "some")
        one = Export.start(
            connection, reference, refs[:50], "fr", Reminders(), True, calendar=calendar
        )
        two = Export.start(
            connection, reference, refs[50:100], "fr", Reminders(), True, calendar=calendar
        )
        stamp = stamp_from_day(AS_OF, None)
        write_private_atomically(tmp_path / "one.ics", one.chunks("Échéances", stamp))
        write_private_atomically(tmp_path / "two.ics", two.chunks("Échéances", stamp))
        assert one.texts.new and two.texts.new
        assert one.texts.top == two.texts.top
        one.save()
        two.save()
    oracle = Before()
    assert oracle.export(caseload, refs[:50])[0] == (tmp_path / "one.ics").read_bytes()
    assert oracle.export(caseload, refs[50:100])[0] == (tmp_path / "two.ics").read_bytes()
    for ref in refs[:100:7]:
        ok(caseload, "case", "archive", ref)
    after = _export(caseload, tmp_path / "after.ics", *refs[:100])
    assert after == oracle.export(caseload, refs[:100])
    assert after[1][5] > 0  # cancellations of both halves, written from the saved state
    (count,) = rows(caseload, "SELECT count(*) FROM exported_text")[0]
    (distinct,) = rows(caseload, "SELECT count(DISTINCT text) FROM exported_text")[0]
    assert count == distinct


@pytest.mark.parametrize("change", ["remove", "territory"])
def test_a_timed_event_of_a_zone_no_case_uses_any_more(
    db: Path, tmp_path: Path, change: str
) -> None:
    """The VTIMEZONEs are written before the first event: a cancelled hour deadline whose zone
    no other case uses still gets its VTIMEZONE; a case moved to another zone gets only the
    new one (its events move, they are not cancelled)."""
    as_of = ("--as-of", AS_OF.isoformat())
    ok(db, "case", "add", "B2", "--filed", "20/11/2025", "--territory", "974", *as_of)
    ok(
        db,
        "case",
        "add",
        "C3",
        "--oqtf-notified",
        "2026-01-14 10:30",
        "--oqtf-decided",
        "2026-01-10",
        "--no-departure-period",
        "--custody",
        "retention",
        *as_of,
    )
    oracle = Before()
    assert _export(db, tmp_path / "first.ics") == oracle.export(db)
    if change == "remove":
        ok(db, "case", "remove", "C3", "--yes")
    else:
        ok(db, "case", "set", "C3", "--territory", "974", "--yes", *as_of)
    data, counts = _export(db, tmp_path / "second.ics")
    assert (data, counts) == oracle.export(db)
    assert structural_problems(data) == []
    paris = b"BEGIN:VTIMEZONE\r\nTZID:Europe/Paris" in data
    assert paris == (change == "remove")
    assert (counts[5] > 0) == (change == "remove")


def test_records_pack_and_unpack() -> None:
    records = [
        (1, 2, 739000, 739001, 0, 5, 10, 11, 12),
        (3, 4, 738990, 738991, 1, 6, 10, 11, 12),  # the same description: SAME
        (7, 8, -20, -21, 1, 6, 13),
        (9, 8, -20, -21, 1, 6),  # no description line at all
        (9, 8, -20, -21, 1, 6),
    ]
    blob = pack(records)
    assert unpack(blob) == records
    assert len(blob) == 4 * (5 * 7 + 3 + 1) and SAME < 0
    assert unpack(b"") == []
    assert RAW != REF


def _texts(*stored: str) -> Texts:
    """The strings of a state holding `stored` (numbered from 1)."""
    connection = sqlite3.connect(":memory:")
    connection.executescript(V4[V4.index("CREATE TABLE exported_text") :])
    connection.executemany("INSERT INTO exported_text (text) VALUES (?)", [(t,) for t in stored])
    return Texts(connection)


def test_an_event_is_numbers_for_strings_kept_once() -> None:
    """A record holds the UID without the case's tail, the summary with REF for the case's
    "[REF]", days as ordinals and instants as texts, the shape, each description line; what
    could be mistaken for those forms is kept whole (RAW). Read back, it is the event."""
    from calendars.plan import uid_tail

    tail = uid_tail("A")
    day = date(2026, 1, 15)
    at = datetime(2026, 1, 15, 10, 30, tzinfo=ZoneInfo("Europe/Paris"))
    encoder = Encoder(_texts("line"))
    plain = PlannedEvent(
        "r.k.0" + tail, "[A] t", "d\nline", day, day + timedelta(1), True, (), "info", "r"
    )
    record = encoder.record(plain, "[A]", tail)
    assert encoder.texts.new == ["r.k.0", f"{REF} t", '["info", "r", [], []]', "d"]
    assert record == (2, 3, day.toordinal(), day.toordinal() + 1, 1, 4, 5, 1)
    alarms = (timedelta(hours=4),)
    timed = PlannedEvent(
        "other", f"[A] t {REF}", "d", at, at, False, alarms, "deadline", "r", ("c",)
    )
    record = encoder.record(timed, "[A]", tail)
    assert encoder.texts.new[4:] == [
        f"{RAW}other",
        f"{RAW}[A] t {REF}",
        _iso(at),
        '["deadline", "r", ["c"], [14400.0]]',
    ]
    assert record[2] == record[3] == -8 and record[_HEAD:] == (5,)
    for event in (plain, timed):
        assert encoder.event(encoder.record(event, "[A]", tail), "[A]", tail) == event
    assert encoder.event(encoder.record(plain, "[A]", tail), "[B]", uid_tail("B")) == PlannedEvent(
        "r.k.0" + uid_tail("B"), "[B] t", "d\nline", day, day + timedelta(1), True, (), "info", "r"
    )


NUMBER = st.integers(1, 40)
RECORD = st.tuples(
    NUMBER,
    NUMBER,
    st.sampled_from([739000, 739001, -3, -40]),
    st.sampled_from([739001, -4, -40]),
    st.integers(0, 1),
    NUMBER,
    st.lists(NUMBER, min_size=1, max_size=4).map(tuple),
)
# What a second export to save is given (Export._store_texts): one new number a string (ids
# are unique), none already in use.
RENUMBERING = st.lists(NUMBER, unique=True).flatmap(
    lambda old: st.lists(
        st.integers(41, 80), min_size=len(old), max_size=len(old), unique=True
    ).map(lambda new: dict(zip(old, new, strict=True)))
)


@given(
    st.lists(RECORD, max_size=8).map(lambda rs: [(*r[:6], *r[6]) for r in rs]),
    RENUMBERING,
    st.booleans(),
)
def test_renumbering_a_saved_row_changes_only_its_numbers(
    records: list[tuple[int, ...]], numbers: dict[int, int], repeat: bool
) -> None:
    if repeat and records:  # a record with the lines of the one before it: SAME
        records.append((*records[-1][:_HEAD], *records[-1][_HEAD:]))
    row = Row("A", pack(records), [0] * len(records), [3, 1, 41, 2], "", False)
    renumbered = _renumbered(row, numbers)

    def new(n: int) -> int:
        return numbers.get(n, n)

    def instant(code: int) -> int:
        return code if code > 0 else -new(-code)

    assert unpack(renumbered.events) == [
        (new(u), new(s), instant(start), instant(end), flags, new(shape), *map(new, lines))
        for u, s, start, end, flags, shape, *lines in records
    ]
    same = [i for i, n in enumerate(unpack_numbers(row.events)) if n == SAME]
    assert [i for i, n in enumerate(unpack_numbers(renumbered.events)) if n == SAME] == same
    assert renumbered.cancelled == [new(3), 1, new(41), 2]


def unpack_numbers(blob: bytes) -> list[int]:
    numbers = array("i")
    numbers.frombytes(blob)
    return numbers.tolist()
