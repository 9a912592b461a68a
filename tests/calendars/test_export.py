"""Calendar export (issue 4): the .ics files of `deadlines compute --ics`, checked end to end.

1. Structure of every file of a varied set of cases (raw bytes), and identical bytes from real
   processes whatever PYTHONHASHSEED; SOURCE_DATE_EPOCH sets DTSTAMP.
2. Two independent readers (icalendar, vobject) find the engine's dates and instants: all-day
   events on the safe date, timed events ending at the exact instant, reminders and alarms at
   the right distance (real hours across a daylight-saving change), informational events
   transparent, done deadlines absent.
3. khal, a real client, imports the files and lists each event on the right day and time.
4. UIDs survive a corrected date; they hold no date and not the raw reference.
5. Text (accents, quotes, `,;\\`, emoji, newlines) round-trips through both readers.
6. Privacy: only the properties the export means to write, and no words but the reference's,
   the rules' and the tool's.
7. The CLI: private atomic files, `--ics -`, bad options, `--remind`, `--no-info`, `--check`.
8. Golden files for samples/admin-phase.args and samples/oqtf-retention.args, byte for byte.

Regenerate the golden files deliberately with
`UPDATE_GOLDEN=1 .venv/bin/pytest tests/calendars/test_export.py -k golden`: that run rewrites
them and FAILS; read the new files line by line against the law, then run again without it.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
import stat
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.ics import to_ics
from calendars.plan import (
    ExportOptions,
    PlannedEvent,
    Reminders,
    parse_ref,
    plan,
    stamp_for,
    uid,
)
from deadlines.case import Facts, make_case
from deadlines.engine import Computation, Deadline, State, compute
from deadlines.messages import name as zone_name
from deadlines.rules.model import Channel, Custody, EventKind, Kind, Who
from tests.calendars.ics_checks import read_with_vobject, structural_problems
from tests.calendars.khal_harness import import_and_list
from tests.cli.test_compute import ROOT, _run, run

E = EventKind
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
GOLDEN = Path(__file__).parent / "golden"
SAMPLE_NAMES = ("admin-phase", "oqtf-retention")
CONSOLE_SCRIPT = Path(sys.executable).with_name("deadlines")


# --- the cases -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """A case as the CLI would compute it: events (naive local datetimes for an OQTF time),
    facts, and the as-of day with, when given, a local time of day."""

    name: str
    events: tuple[tuple[EventKind, date], ...]
    facts: Facts = field(default_factory=Facts)
    as_of: date = date(2025, 1, 1)
    at: time | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(make_case(self.events, self.facts).where.time_zone)

    def computation(self) -> Computation:
        now = datetime.combine(self.as_of, self.at, self.zone) if self.at else None
        return compute(make_case(self.events, self.facts), self.as_of, now)

    def shifted(self, by: timedelta) -> Sample:
        """Every date of the case moved by `by` (a corrected case, same events)."""
        facts = self.facts
        if facts.oqtf_decided is not None:
            facts = replace(facts, oqtf_decided=facts.oqtf_decided + by)
        return replace(self, events=tuple((kind, at + by) for kind, at in self.events))


def _oqtf(
    name: str,
    notified: datetime,
    custody: Custody,
    *,
    decided: date | None = None,
    departure: bool = False,
    territory: str = "75",
    before: tuple[tuple[EventKind, date], ...] = (),
) -> Sample:
    """An OQTF case, computed at noon on the day of notification."""
    facts = Facts(
        territory=territory,
        oqtf_decided=decided if decided is not None else notified.date() - DAY,
        departure_period=departure,
        custody=custody,
    )
    return Sample(name, (*before, (E.OQTF_NOTIFIED, notified)), facts, notified.date(), time(12))


SAMPLES: tuple[Sample, ...] = (
    # Administrative phase, Paris: disputed certificate start, two OFII requests, the collège,
    # the renewal window.
    Sample(
        "admin-75",
        (
            (E.APPLICATION_FILED, date(2025, 1, 15)),
            (E.CERTIFICATE_AVAILABLE, date(2025, 1, 20)),
            (E.OFII_REQUEST, date(2025, 2, 3)),
            (E.OFII_REQUEST, date(2025, 3, 10)),
            (E.COLLEGE_REQUEST, date(2025, 4, 1)),
            (E.PERMIT_EXPIRES, date(2025, 9, 30)),
        ),
        as_of=date(2025, 4, 2),
    ),
    # Certificate received (certificate done, OFII opinion due), an express refusal after the
    # implicit one was born (a warning), renewal at the counter.
    Sample(
        "refusal-renewal-75",
        (
            (E.APPLICATION_FILED, date(2025, 1, 15)),
            (E.CERTIFICATE_RECEIVED, date(2025, 2, 1)),
            (E.REFUSAL_NOTIFIED, date(2025, 6, 10)),
            (E.PERMIT_EXPIRES, date(2025, 12, 31)),
        ),
        Facts(channel=Channel.COUNTER),
        as_of=date(2025, 6, 12),
    ),
    Sample(
        "no-appeal-info-75",
        ((E.APPLICATION_FILED, date(2024, 9, 2)), (E.REFUSAL_NOTIFIED, date(2024, 12, 20))),
        Facts(appeal_info=False),
        as_of=date(2025, 1, 6),
    ),
    Sample("asylum-75", ((E.ASYLUM_REGISTERED, date(2025, 5, 5)),), as_of=date(2025, 5, 6)),
    # Alsace-Moselle: 26 December (settled) and Good Friday (disputed) move the later readings.
    Sample(
        "alsace-57",
        (
            (E.APPLICATION_FILED, date(2025, 11, 24)),
            (E.CERTIFICATE_AVAILABLE, date(2025, 11, 26)),
            (E.OFII_REQUEST, date(2025, 12, 11)),
            (E.OFII_REQUEST, date(2026, 3, 19)),
            (E.PERMIT_EXPIRES, date(2026, 9, 15)),
        ),
        Facts(territory="57"),
        as_of=date(2026, 3, 20),
    ),
    # An OQTF in each custody.
    _oqtf("oqtf-free", datetime(2025, 6, 3, 9, 15), Custody.NONE, departure=True),
    _oqtf("oqtf-house-arrest", datetime(2025, 9, 5, 16), Custody.HOUSE_ARREST),
    _oqtf("oqtf-detention", datetime(2025, 9, 5, 16), Custody.DETENTION),
    # Taken before 15 July 2024: the old 48 hours, across the 2024 spring change.
    _oqtf("oqtf-old-48h", datetime(2024, 3, 30, 10), Custody.NONE),
    # Decision date unknown: both regimes are readings, with a warning.
    Sample(
        "oqtf-unknown-regime",
        ((E.OQTF_NOTIFIED, datetime(2024, 7, 20, 9)),),
        Facts(departure_period=True),
        as_of=date(2024, 7, 20),
    ),
    # 48-hour rétention on the 2025 daylight-saving days (30 March, 26 October), Paris.
    _oqtf("retention-spring", datetime(2025, 3, 28, 10), Custody.RETENTION),
    _oqtf("retention-spring-gap", datetime(2025, 3, 28, 2, 30), Custody.RETENTION),
    _oqtf("retention-autumn", datetime(2025, 10, 24, 10), Custody.RETENTION),
    # 48 real hours end at 02:30 CET, the second pass of 02:30 that night.
    _oqtf("retention-autumn-fold", datetime(2025, 10, 24, 3, 30), Custody.RETENTION),
    # Overseas.
    _oqtf(
        "guadeloupe-971",
        datetime(2025, 7, 19, 18),
        Custody.RETENTION,
        territory="971",
        before=((E.APPLICATION_FILED, date(2025, 4, 10)), (E.OFII_REQUEST, date(2025, 5, 12))),
    ),
    _oqtf(
        "reunion-974",
        datetime(2025, 12, 22, 8, 45),
        Custody.HOUSE_ARREST,
        territory="974",
        before=((E.APPLICATION_FILED, date(2025, 8, 20)),),
    ),
    # Miquelon has daylight saving: 9 March and 2 November 2025.
    _oqtf("miquelon-975-spring", datetime(2025, 3, 7, 10), Custody.RETENTION, territory="975"),
    _oqtf(
        "miquelon-975-autumn-fold",
        datetime(2025, 10, 31, 2, 30),
        Custody.RETENTION,
        territory="975",
    ),
    _oqtf(
        "mayotte-976",
        datetime(2026, 4, 20, 11),
        Custody.RETENTION,
        territory="976",
        before=((E.OFII_REQUEST, date(2026, 4, 12)),),
    ),
)
BY_NAME = {sample.name: sample for sample in SAMPLES}
PARIS_FOR_KHAL = (
    "admin-75",
    "refusal-renewal-75",
    "alsace-57",
    "oqtf-free",
    "retention-spring",
    "retention-spring-gap",
    "retention-autumn",
    "retention-autumn-fold",
)
OVERSEAS_FOR_KHAL = (
    "guadeloupe-971",
    "reunion-974",
    "miquelon-975-spring",
    "miquelon-975-autumn-fold",
    "mayotte-976",
)


@cache
def computation_of(name: str) -> Computation:
    return BY_NAME[name].computation()


def options_for(name: str, **changes: Any) -> ExportOptions:
    return replace(ExportOptions(ref=name), **changes)


def ics_of(computation: Computation, options: ExportOptions) -> bytes:
    """What `compute --ics` writes for this computation (the same calls as cli_compute.py)."""
    name = ("Échéances " if options.lang == "fr" else "Deadlines ") + options.ref
    return to_ics(
        plan(computation, options),
        name,
        stamp_for(computation, None),
        zones=(computation.case.where.time_zone,),
    )


@cache
def sample_ics(name: str) -> bytes:
    return ics_of(computation_of(name), options_for(name))


def combined_ics(names: Iterable[str]) -> bytes:
    """Several cases in one calendar, each under its own reference."""
    events: list[PlannedEvent] = []
    zones: set[str] = set()
    for name in names:
        events += plan(computation_of(name), options_for(name))
        zones.add(computation_of(name).case.where.time_zone)
    return to_ics(events, "tests", datetime(2025, 1, 1, tzinfo=UTC), zones=sorted(zones))


# --- what the engine says each event must be ----------------------------------------------


def must_act(deadline: Deadline) -> bool:
    return deadline.rule.who is Who.APPLICANT and deadline.rule.kind is Kind.DEADLINE


@dataclass(frozen=True)
class Expected:
    """An event as the engine's dates make it: dates for all-day events, UTC instants otherwise;
    `alarms` as the instants they ring (naive local for all-day events, UTC otherwise)."""

    start: date
    end: date
    transparent: bool
    alarms: frozenset[date] = frozenset()
    categories: bool = False


def engine_view(computation: Computation, options: ExportOptions) -> dict[str, Expected]:
    """Every event the export must hold, from the engine's deadlines alone (not from plan())."""
    view: dict[str, Expected] = {}
    reminders = options.reminders
    for deadline in computation.deadlines:
        if deadline.state is State.DONE:
            continue
        acts = must_act(deadline)
        if not acts and not options.include_info:
            continue
        due, at = deadline.due, deadline.due_at
        if at is None:
            rings = frozenset(datetime.combine(due - n * DAY, time(9)) for n in reminders.days)
            view[uid(options.ref, deadline)] = Expected(
                due, due + DAY, not acts, rings if acts else frozenset(), acts
            )
            if acts:
                for n in reminders.days:
                    view[uid(options.ref, deadline, f"remind-{n}d")] = Expected(
                        due - n * DAY, due - n * DAY + DAY, transparent=True
                    )
        else:
            end = at.astimezone(UTC)
            rings = frozenset(end - n * HOUR for n in reminders.hours)
            view[uid(options.ref, deadline)] = Expected(
                end - HOUR, end, not acts, rings if acts else frozenset(), acts
            )
            if acts:
                for n in reminders.hours:
                    view[uid(options.ref, deadline, f"remind-{n}h")] = Expected(
                        end - n * HOUR, end - n * HOUR + timedelta(minutes=30), transparent=True
                    )
    return view


# --- what each reader finds ----------------------------------------------------------------


@dataclass(frozen=True)
class ReadEvent:
    summary: str
    description: str
    start: date  # a date, or an aware datetime converted to UTC
    end: date
    transp: str
    categories: tuple[str, ...]
    alarms: tuple[tuple[str, timedelta, str, str], ...]  # ACTION, TRIGGER, RELATED, DESCRIPTION
    status: str | None

    def alarm_instants(self) -> frozenset[date]:
        rings: set[date] = set()
        for _action, trigger, related, _text in self.alarms:
            if isinstance(self.start, datetime):
                rings.add((self.end if related == "END" else self.start) + trigger)
            else:
                assert related == "START"
                rings.add(datetime.combine(self.start, time(0)) + trigger)
        return frozenset(rings)


def _utc(value: date) -> date:
    if isinstance(value, datetime):
        assert value.tzinfo is not None, f"floating time {value}"
        return value.astimezone(UTC)
    return value


def read_by_icalendar(data: bytes) -> tuple[Any, dict[str, ReadEvent]]:
    calendar = icalendar.Calendar.from_ical(data)
    events: dict[str, ReadEvent] = {}
    for event in calendar.walk("VEVENT"):
        categories = event.get("CATEGORIES")
        alarms = tuple(
            (
                str(alarm["ACTION"]),
                alarm["TRIGGER"].dt,
                alarm["TRIGGER"].params.get("RELATED", "START"),
                str(alarm["DESCRIPTION"]),
            )
            for alarm in event.walk("VALARM")
        )
        key = str(event["UID"])
        assert key not in events, f"UID {key} twice"
        events[key] = ReadEvent(
            str(event["SUMMARY"]),
            str(event["DESCRIPTION"]),
            _utc(event["DTSTART"].dt),
            _utc(event["DTEND"].dt),
            str(event["TRANSP"]),
            tuple(str(c) for c in categories.cats) if categories is not None else (),
            alarms,
            str(event["STATUS"]) if "STATUS" in event else None,
        )
    return calendar, events


def read_by_vobject(data: bytes) -> tuple[Any, dict[str, ReadEvent]]:
    calendar = read_with_vobject(data)
    events: dict[str, ReadEvent] = {}
    for event in calendar.contents.get("vevent", []):
        contents = event.contents
        alarms = tuple(
            (
                alarm.action.value,
                alarm.trigger.value,
                alarm.trigger.params.get("RELATED", ["START"])[0],
                alarm.description.value,
            )
            for alarm in contents.get("valarm", [])
        )
        key = event.uid.value
        assert key not in events, f"UID {key} twice"
        events[key] = ReadEvent(
            event.summary.value,
            event.description.value,
            _utc(event.dtstart.value),
            _utc(event.dtend.value),
            event.transp.value,
            tuple(contents["categories"][0].value) if "categories" in contents else (),
            alarms,
            event.status.value if "status" in contents else None,
        )
    return calendar, events


READERS = {"icalendar": read_by_icalendar, "vobject": read_by_vobject}


def assert_matches_engine(
    events: dict[str, ReadEvent], computation: Computation, options: ExportOptions
) -> None:
    view = engine_view(computation, options)
    assert set(events) == set(view)
    for key, expected in view.items():
        got = events[key]
        where = f"{key}: {got.summary}"
        assert type(got.start) is type(expected.start), where  # all-day stays all-day
        assert (got.start, got.end) == (expected.start, expected.end), where
        assert got.transp == ("TRANSPARENT" if expected.transparent else "OPAQUE"), where
        assert got.alarm_instants() == expected.alarms, where
        assert all(a[0] == "DISPLAY" and a[3] == got.summary for a in got.alarms), where
        assert bool(got.categories) is expected.categories, where
        assert got.status is None, where


# --- 1. structure -----------------------------------------------------------------------------


def assert_well_formed(data: bytes) -> None:
    """The issue's structural list, on the raw bytes and through icalendar's component tree."""
    assert structural_problems(data) == []
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\r" not in data.replace(b"\r\n", b"") and b"\n" not in data.replace(b"\r\n", b"")
    physical = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in physical) <= 75
    for line in physical:
        line.decode("utf-8")  # a fold inside a character leaves both halves undecodable
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"])
    defined = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    events = calendar.walk("VEVENT")
    assert events
    for event in events:
        assert {"UID", "DTSTAMP", "DTSTART"} <= set(event)
        for alarm in event.walk("VALARM"):
            assert {"ACTION", "TRIGGER", "DESCRIPTION"} <= set(alarm)
        for name in ("DTSTART", "DTEND"):
            tzid = event[name].params.get("TZID")
            assert tzid is None or tzid in defined


@pytest.mark.parametrize("name", [s.name for s in SAMPLES])
def test_every_file_is_well_formed(name: str) -> None:
    assert_well_formed(sample_ics(name))


def test_well_formed_with_several_zones_and_english() -> None:
    assert_well_formed(combined_ics(OVERSEAS_FOR_KHAL + PARIS_FOR_KHAL))
    assert_well_formed(ics_of(computation_of("admin-75"), options_for("admin-75", lang="en")))


def test_folding_meets_multibyte_characters() -> None:
    """The files do fold right next to accented characters, so the check above means something:
    a line shorter than 75 octets whose continuation starts with a multi-byte character."""
    data = b"".join(sample_ics(s.name) for s in SAMPLES)
    physical = data.split(b"\r\n")
    assert any(
        len(line) < 75 and nxt[:1] == b" " and nxt[1] >= 0xC2
        for line, nxt in itertools.pairwise(physical)
    )


def _cli_stdout(args: list[str], out: Path, **env: str) -> bytes:
    """`deadlines compute ARGS --ics -` in a real process, its standard output byte for byte.

    `_run` decodes text (CRLF would read as LF), so the shell sends the output to `out`.
    """
    settings_ = [f"{key}={value}" for key, value in env.items()]
    proc = _run(
        [
            "env",
            "-u",
            "SOURCE_DATE_EPOCH",
            *settings_,
            f"OUT={out}",
            "sh",
            "-c",
            'exec "$0" "$@" > "$OUT"',
            str(CONSOLE_SCRIPT),
            "compute",
            *args,
            "--ics",
            "-",
        ]
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return out.read_bytes()


def sample_args(name: str) -> list[str]:
    """A samples/*.args file, split on whitespace like `$(cat FILE)` in the Makefile."""
    return (ROOT / "samples" / f"{name}.args").read_text(encoding="utf-8").split()


def test_same_bytes_whatever_the_hash_seed_and_source_date_epoch(tmp_path: Path) -> None:
    seeds = ("0", "1", "4242")
    jobs = [(name, seed, "") for name in SAMPLE_NAMES for seed in seeds]
    jobs.append(("oqtf-retention", "77", "1700000000"))

    def one(job: tuple[str, str, str]) -> bytes:
        name, seed, epoch = job
        env = {"PYTHONHASHSEED": seed} | ({"SOURCE_DATE_EPOCH": epoch} if epoch else {})
        return _cli_stdout(sample_args(name), tmp_path / f"{name}-{seed}.ics", **env)

    with ThreadPoolExecutor(max_workers=4) as pool:
        outputs = dict(zip(jobs, pool.map(one, jobs), strict=True))
    for name in SAMPLE_NAMES:
        produced = {outputs[(name, seed, "")] for seed in seeds}
        assert len(produced) == 1, f"{name}: the bytes depend on PYTHONHASHSEED"
        assert produced == {(GOLDEN / f"{name}.ics").read_bytes()}
    unset = outputs[("oqtf-retention", "0", "")]
    stamped = outputs[("oqtf-retention", "77", "1700000000")]
    stamps = re.compile(rb"^DTSTAMP:(\S+)\r$", re.MULTILINE)
    assert set(stamps.findall(unset)) == {b"20260327T000000Z"}  # the --as-of day, 00:00 UTC
    assert set(stamps.findall(stamped)) == {b"20231114T221320Z"}  # 1700000000
    assert stamps.sub(b"", stamped) == stamps.sub(b"", unset)  # nothing else changes


# --- 2. independent readers -------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("include_info", [True, False], ids=["info", "no-info"])
@pytest.mark.parametrize("name", [s.name for s in SAMPLES])
def test_readers_find_the_engine_dates(name: str, include_info: bool, reader: str) -> None:
    options = options_for(name, include_info=include_info)
    computation = computation_of(name)
    _calendar, events = READERS[reader](ics_of(computation, options))
    assert_matches_engine(events, computation, options)


@pytest.mark.parametrize("reader", READERS)
def test_several_zones_in_one_file(reader: str) -> None:
    _calendar, events = READERS[reader](combined_ics(OVERSEAS_FOR_KHAL + PARIS_FOR_KHAL))
    for name in OVERSEAS_FOR_KHAL + PARIS_FOR_KHAL:
        options = options_for(name)
        view = engine_view(computation_of(name), options)
        assert_matches_engine({k: events[k] for k in view}, computation_of(name), options)
    assert len(events) == sum(
        len(engine_view(computation_of(n), options_for(n)))
        for n in OVERSEAS_FOR_KHAL + PARIS_FOR_KHAL
    )


def _appeal(name: str) -> Deadline:
    (deadline,) = [d for d in computation_of(name).deadlines if d.rule.id == "oqtf-appeal"]
    return deadline


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("name", "due", "reminded"),
    [
        # Notified Fri 28 March 10:00 CET: the safe reading is the same wall time, 47 real hours;
        # 24 real hours before 10:00 CEST on Sunday is 09:00 CET on Saturday.
        ("retention-spring", datetime(2025, 3, 30, 10), datetime(2025, 3, 29, 9)),
        # 02:30 on 30 March does not exist: the wall-clock reading moves to 03:00 CEST.
        ("retention-spring-gap", datetime(2025, 3, 30, 3), datetime(2025, 3, 29, 2)),
        # Notified Fri 24 October 10:00 CEST: 48 real hours end at 09:00 CET on Sunday.
        ("retention-autumn", datetime(2025, 10, 26, 9), datetime(2025, 10, 25, 10)),
        # 48 real hours from 03:30 CEST: 02:30 CET, the second 02:30 of that night.
        (
            "retention-autumn-fold",
            datetime(2025, 10, 26, 2, 30, fold=1),
            datetime(2025, 10, 25, 3, 30),
        ),
        # Miquelon, second Sunday of March: 10:00 -02 on Sunday, 09:00 -03 the day before.
        ("miquelon-975-spring", datetime(2025, 3, 9, 10), datetime(2025, 3, 8, 9)),
        # Miquelon, first Sunday of November: 01:30 -03, the second 01:30 of that night.
        (
            "miquelon-975-autumn-fold",
            datetime(2025, 11, 2, 1, 30, fold=1),
            datetime(2025, 11, 1, 2, 30),
        ),
    ],
)
def test_hour_deadlines_across_daylight_saving(
    name: str, due: datetime, reminded: datetime, reader: str
) -> None:
    """Worked by hand: the exact end, and the 24 h reminder 24 REAL hours before it."""
    zone = BY_NAME[name].zone
    deadline = _appeal(name)
    assert deadline.due_at is not None
    assert deadline.due_at.astimezone(UTC) == due.replace(tzinfo=zone).astimezone(UTC)
    _calendar, events = READERS[reader](sample_ics(name))
    main = events[uid(name, deadline)]
    reminder = events[uid(name, deadline, "remind-24h")]
    assert main.end == due.replace(tzinfo=zone).astimezone(UTC)
    assert main.end - main.start == HOUR
    assert main.end - reminder.start == timedelta(hours=24)
    assert reminder.start == reminded.replace(tzinfo=zone).astimezone(UTC)
    assert main.end - timedelta(hours=24) in main.alarm_instants()


def test_done_deadline_is_not_exported() -> None:
    computation = computation_of("refusal-renewal-75")
    (certificate,) = [d for d in computation.deadlines if d.rule.id == "certificate"]
    assert certificate.state is State.DONE  # --certificate-received
    data = sample_ics("refusal-renewal-75")
    for reader in READERS.values():
        _calendar, events = reader(data)
        assert uid("refusal-renewal-75", certificate) not in events
        assert not [key for key in events if key.startswith("certificate.")]  # nor reminders
    # The OFII opinion it triggers is there, as an informational event.
    (opinion,) = [e for k, e in events.items() if k.startswith("ofii-opinion.")]
    assert opinion.transp == "TRANSPARENT" and not opinion.alarms


# --- 3. khal -----------------------------------------------------------------------------------


def _khal_expected(names: Iterable[str], zone: ZoneInfo) -> Counter[tuple[str, str, str]]:
    """(title, start, end) as khal lists them: all-day end inclusive, times in `zone`."""

    def shown(value: date, inclusive_end: bool = False) -> str:
        if isinstance(value, datetime):
            return f"{value.astimezone(zone):%Y-%m-%d %H:%M}"
        return (value - DAY if inclusive_end else value).isoformat()

    rows: Counter[tuple[str, str, str]] = Counter()
    for name in names:
        view = engine_view(computation_of(name), options_for(name))
        for planned in plan(computation_of(name), options_for(name)):
            expected = view[planned.uid]
            rows[(planned.summary, shown(expected.start), shown(expected.end, True))] += 1
    return rows


@pytest.mark.parametrize(
    ("names", "zone"),
    [(PARIS_FOR_KHAL, "Europe/Paris"), (OVERSEAS_FOR_KHAL, "America/Miquelon")],
    ids=["paris", "overseas"],
)
def test_khal_lists_every_event_on_its_day_and_time(
    names: tuple[str, ...], zone: str, tmp_path: Path
) -> None:
    path = tmp_path / "export.ics"
    path.write_bytes(combined_ics(names))
    expected = _khal_expected(names, ZoneInfo(zone))
    days = sorted(date.fromisoformat(day[:10]) for _title, *ends in expected for day in ends)
    rows = import_and_list(path, tmp_path, days[0], days[-1] + DAY, local_timezone=zone)
    listed = Counter((row.title, row.start, row.end) for row in rows)
    assert listed == expected


# --- 4. UIDs ----------------------------------------------------------------------------------


def _uids(data: bytes) -> list[str]:
    return [str(event["UID"]) for event in icalendar.Calendar.from_ical(data).walk("VEVENT")]


def _date_forms(day: date) -> set[str]:
    return {f"{day:%Y%m%d}", f"{day:%Y-%m-%d}", f"{day:%d/%m/%Y}", f"{day:%d%m%Y}"}


@pytest.mark.parametrize("name", [s.name for s in SAMPLES])
def test_uids_survive_corrected_dates_and_hold_no_date_nor_reference(name: str) -> None:
    ref = "2025-014"
    options = options_for(name, ref=ref)
    sample = BY_NAME[name]
    first = ics_of(computation_of(name), options)
    corrected = ics_of(sample.shifted(3 * DAY).computation(), options)
    assert first != corrected  # the dates did change...
    assert sorted(_uids(corrected)) == sorted(_uids(first))  # ...and every UID is kept
    days = {at if not isinstance(at, datetime) else at.date() for _kind, at in sample.events}
    days |= {d.due for d in computation_of(name).deadlines}
    for key in _uids(first):
        assert ref not in key
        assert not any(form in key for day in days for form in _date_forms(day)), key
    assert len(set(_uids(first))) == len(_uids(first))
    other = ics_of(computation_of(name), options_for(name, ref="2025-015"))
    assert not set(_uids(other)) & set(_uids(first))


def test_uids_survive_corrections_through_the_cli() -> None:
    admin = sample_args("admin-phase")
    moved = " ".join(admin)
    for old, new in (
        ("--filed 24/11/2025", "--filed 27/11/2025"),
        ("--certificate-available 26/11/2025", "--certificate-available 28/11/2025"),
        ("--ofii-request 11/12/2025", "--ofii-request 09/12/2025"),
    ):
        assert old in moved
        moved = moved.replace(old, new)
    oqtf = sample_args("oqtf-retention")
    # Notified earlier the same morning (a notification after --as-of is refused).
    corrected = [a.replace("2026-03-27T10:30", "2026-03-27T08:45") for a in oqtf]
    assert corrected != oqtf
    for before, after in ((admin, moved.split()), (oqtf, corrected)):
        first, second = run(*before, "--ics", "-"), run(*after, "--ics", "-")
        assert first.exit_code == second.exit_code == 0
        assert first.stdout_bytes != second.stdout_bytes
        assert sorted(_uids(first.stdout_bytes)) == sorted(_uids(second.stdout_bytes))


# --- 5. text ----------------------------------------------------------------------------------

AWKWARD_REF = 'Réf. l\'été "A"; n°1, x\\y 🙂'


TEXT_ESCAPES = {"\\": "\\", ";": ";", ",": ",", "n": "\n", "N": "\n"}


def assert_text_round_trips(data: bytes, events: tuple[PlannedEvent, ...], name: str) -> None:
    ical_calendar, by_icalendar = read_by_icalendar(data)
    vobject_calendar, by_vobject = read_by_vobject(data)
    # icalendar 7.3 hands these two back raw (it does not know them on a VCALENDAR): decode the
    # TEXT escapes of RFC 5545 §3.3.11 here.
    for key in ("NAME", "X-WR-CALNAME"):
        raw = str(ical_calendar[key])
        assert re.sub(r"\\([\\;,nN])", lambda m: TEXT_ESCAPES[m.group(1)], raw) == name
        assert vobject_calendar.contents[key.lower()][0].value == name
    for planned in events:
        for read in (by_icalendar[planned.uid], by_vobject[planned.uid]):
            assert read.summary == planned.summary
            assert read.description == planned.description
            assert all(alarm[3] == planned.summary for alarm in read.alarms)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", ["oqtf-unknown-regime", "refusal-renewal-75", "alsace-57"])
def test_text_round_trips(name: str, lang: str) -> None:
    options = options_for(name, ref=AWKWARD_REF, lang=lang)
    events = plan(computation_of(name), options)
    assert any("\n" in e.description for e in events)  # multi-line descriptions
    data = ics_of(computation_of(name), options)
    unfolded = data.replace(b"\r\n ", b"")
    assert AWKWARD_REF.encode() not in unfolded  # written escaped...
    assert '[Réf. l\'été "A"\\; n°1\\, x\\\\y 🙂]'.encode() in unfolded
    calendar_name = ("Échéances " if lang == "fr" else "Deadlines ") + AWKWARD_REF
    assert_text_round_trips(data, events, calendar_name)  # ...and read back exactly


def test_text_round_trips_through_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    args = ["--oqtf-notified", "20/07/2024 09:00", "--departure-period", "--as-of", "2024-07-20"]
    result = run(*args, "--ics", "-", "--ref", AWKWARD_REF)
    assert result.exit_code == 0, result.stderr
    events = plan(computation_of("oqtf-unknown-regime"), ExportOptions(ref=AWKWARD_REF))
    assert any("\nAttention : " in e.description for e in events)  # the regime warning
    assert result.stdout_bytes == ics_of(
        computation_of("oqtf-unknown-regime"), ExportOptions(ref=AWKWARD_REF)
    )
    assert_text_round_trips(result.stdout_bytes, events, "Échéances " + AWKWARD_REF)


# Every character str.isprintable() accepts (space is the only Z* one), and the awkward ones.
REF_TEXT = st.text(
    st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"))
    | st.sampled_from(" ,;\\\"'é:🙂"),
    min_size=1,
    max_size=40,
).filter(lambda text: text.strip() != "")


@settings(max_examples=60, deadline=None)
@given(REF_TEXT)
def test_any_accepted_reference_round_trips(text: str) -> None:
    ref = parse_ref(text)
    options = ExportOptions(ref=ref, reminders=Reminders(days=(2,), hours=(4,)))
    computation = computation_of("retention-spring")
    events = plan(computation, options)
    data = ics_of(computation, options)
    assert structural_problems(data) == []
    assert_text_round_trips(data, events, "Échéances " + ref)


# --- 6. privacy --------------------------------------------------------------------------------

ALLOWED: dict[str, set[str]] = {
    "VCALENDAR": {"PRODID", "VERSION", "CALSCALE", "METHOD", "NAME", "X-WR-CALNAME"},
    "VEVENT": {
        "UID",
        "DTSTAMP",
        "SEQUENCE",
        "SUMMARY",
        "DESCRIPTION",
        "DTSTART",
        "DTEND",
        "TRANSP",
        "CATEGORIES",
        "STATUS",
    },
    "VALARM": {"ACTION", "TRIGGER", "DESCRIPTION"},
    "VTIMEZONE": {"TZID"},
    "STANDARD": {"DTSTART", "RRULE", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME"},
    "DAYLIGHT": {"DTSTART", "RRULE", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME"},
}
DESCRIPTION_LINES = {
    "fr": ("Date prudente : ", "Date soutenable ", "Base légale : ", "Attention : ", "Date calc"),
    "en": ("Safe date: ", "Arguable date ", "Legal basis: ", "Warning: ", "Date computed "),
}


def _walk(component: Any) -> Iterator[Any]:
    yield component
    for sub in component.subcomponents:
        yield from _walk(sub)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", [s.name for s in SAMPLES])
def test_only_the_reference_and_the_rules_words(name: str, lang: str) -> None:
    ref = "Z-9"
    options = options_for(name, ref=ref, lang=lang)
    computation = computation_of(name)
    data = ics_of(computation, options)
    calendar, events = read_by_icalendar(data)
    for component in _walk(calendar):
        assert set(component) <= ALLOWED[component.name], component.name
    titles = {re.escape(d.rule.title.get(lang)) for d in computation.deadlines}
    reminder = (
        r"(Rappel J-\d+|Rappel \d+ h avant) : "
        if lang == "fr"
        else r"(Reminder D-\d+|Reminder: \d+ h before): "
    )
    # A timed deadline of another zone than the calendar's (Paris) names its zone (issue 14).
    zone = computation.case.where.time_zone
    there = "" if zone == "Europe/Paris" else rf" \({re.escape(zone_name(f'zone.{zone}', lang))}\)"
    clock = rf"( — (avant \d+ h \d\d|before \d\d:\d\d){there})?"
    summary = re.compile(rf"({reminder})?\[{re.escape(ref)}\] ({'|'.join(titles)}){clock}")
    for event in events.values():
        assert summary.fullmatch(event.summary), event.summary
        for line in event.description.split("\n"):
            assert line.startswith(DESCRIPTION_LINES[lang]), line
        assert set(event.categories) <= {"Échéance", "Deadline"}
    assert str(calendar["X-WR-CALNAME"]).endswith(" " + ref)


# --- 7. CLI behaviour --------------------------------------------------------------------------

CASE_ARGS = ["--filed", "2025-01-15", "--ofii-request", "2025-03-10", "--as-of", "2025-04-02"]
REF = ["--ref", "P-1"]  # required with --ics
BOTH_KINDS = [
    *CASE_ARGS,
    "--oqtf-notified",
    "2025-04-01T10:00",
    "--oqtf-decided",
    "2025-03-31",
    "--custody",
    "retention",
    "--no-departure-period",
]


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask, so that a 0600 file shows the export chose it."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("open_umask")
def test_ics_file_is_private_atomic_and_replaces_an_open_file(tmp_path: Path) -> None:
    target = tmp_path / "case.ics"
    expected = run(*CASE_ARGS, *REF, "--ics", "-").stdout_bytes
    written = run(*CASE_ARGS, *REF, "--ics", str(target))
    assert written.exit_code == 0, written.stderr
    assert "Envoyer le certificat" in written.stdout  # the table is still printed
    assert written.stderr == (
        f"Agenda écrit : {target} ({written_events(expected)} événements, {len(expected)} octets)\n"
    )
    assert target.read_bytes() == expected
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    target.write_bytes(b"old")
    target.chmod(0o644)
    again = run(*CASE_ARGS, *REF, "--ics", str(target), "--lang", "en")
    assert again.exit_code == 0, again.stderr
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["case.ics"]  # no temporary file left behind


def written_events(data: bytes) -> int:
    return data.count(b"BEGIN:VEVENT")


def _one_error_line(result: Any, option: str) -> None:
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("erreur : ") and option in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.usefixtures("open_umask")
def test_failed_writes_leave_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "missing" / "case.ics"
    result = run(*CASE_ARGS, *REF, "--ics", str(missing))
    _one_error_line(result, "--ics")
    assert os.listdir(tmp_path) == []
    folder = tmp_path / "folder"
    folder.mkdir()
    result = run(*CASE_ARGS, *REF, "--ics", str(folder))  # the rename onto a directory fails
    _one_error_line(result, "--ics")
    assert os.listdir(tmp_path) == ["folder"]
    assert os.listdir(folder) == []


def test_dash_writes_only_the_calendar_on_stdout() -> None:
    # (`--ics -` with `--format json` is an error: both would be standard output.)
    for extra in ([], ["--explain"]):
        result = run(*CASE_ARGS, *REF, *extra, "--ics", "-")
        assert result.exit_code == 0
        assert result.stderr == ""
        data = result.stdout_bytes
        assert data.startswith(b"BEGIN:VCALENDAR\r\n")
        assert data.endswith(b"END:VCALENDAR\r\n")
        assert data.count(b"BEGIN:VCALENDAR") == 1
        assert structural_problems(data) == []


def test_check_keeps_its_exit_status_with_the_calendar_on_stdout() -> None:
    overdue = ["--ofii-request", "06/12/2024", "--as-of", "2025-02-01", "--check"]
    result = run(*overdue, *REF, "--ics", "-")
    assert result.exit_code == 1
    assert result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")
    assert result.stdout_bytes.endswith(b"END:VCALENDAR\r\n")
    calm = run(*overdue[:-3], "--as-of", "2024-12-10", "--check", *REF, "--ics", "-")
    assert calm.exit_code == 0


@pytest.mark.parametrize(
    ("extra", "option"),
    [
        (["--remind", "x"], "--remind"),
        (["--remind", ""], "--remind"),
        (["--remind", "7,,2"], "--remind"),
        (["--remind", "-2"], "--remind"),
        (["--remind", "366"], "--remind"),
        (["--remind", "721h"], "--remind"),
        (["--remind", "0h"], "--remind"),
        (["--remind", "²"], "--remind"),
        (["--remind", "7\n2"], "--remind"),
        (["--ref", ""], "--ref"),
        (["--ref", "   "], "--ref"),
        (["--ref", "x" * 41], "--ref"),
        (["--ref", "a\nb"], "--ref"),
        (["--ref", "tab\there"], "--ref"),
    ],
)
def test_bad_export_options_exit_2_and_write_nothing(
    extra: list[str], option: str, tmp_path: Path
) -> None:
    target = tmp_path / "case.ics"
    _one_error_line(run(*CASE_ARGS, "--ics", str(target), *REF, *extra), option)
    assert os.listdir(tmp_path) == []


# Issue 14: the two cases, both written under the old default reference « dossier ».
TWO_CASES = (
    ["--filed", "01/10/2026", "--as-of", "2026-10-20"],
    ["--filed", "15/10/2026", "--as-of", "2026-10-20"],
)


@pytest.mark.parametrize("target", ["file", "-"])
def test_ics_without_a_reference_is_refused_and_writes_nothing(target: str, tmp_path: Path) -> None:
    """No default reference: two cases would share their UIDs, and importing the second
    calendar would silently replace the first case's events."""
    where = str(tmp_path / "a.ics") if target == "file" else "-"
    result = run(*TWO_CASES[0], "--ics", where)
    _one_error_line(result, "--ref")
    assert "--ics" in result.stderr and "Rien n'a été écrit" in result.stderr
    assert os.listdir(tmp_path) == []


def test_khal_two_cases_stay_two(tmp_path: Path) -> None:
    """Both calendars imported into one khal calendar: every event of each case is there."""
    khal_dir = tmp_path / "khal"
    window = (date(2026, 1, 1), date(2028, 12, 31))
    alone = []
    for number, args in enumerate(TWO_CASES):
        target = tmp_path / f"case-{number}.ics"
        result = run(*args, "--ref", f"2026-00{number}", "--ics", str(target))
        assert result.exit_code == 0, result.stderr
        alone.append(written_events(target.read_bytes()))
        listed = import_and_list(target, khal_dir, *window)
    assert alone[0] == alone[1] > 5
    assert len(listed) == sum(alone)  # none replaced
    assert {re.findall(r"\[(2026-00\d)\]", row.title)[0] for row in listed} == {
        "2026-000",
        "2026-001",
    }


@pytest.mark.parametrize(
    ("extra", "option"),
    [
        (["--ref", "2025-014"], "--ref"),
        (["--remind", "7"], "--remind"),
        (["--no-info"], "--no-info"),
        (["--info"], "--no-info"),
    ],
)
def test_export_options_need_ics(extra: list[str], option: str) -> None:
    _one_error_line(run(*CASE_ARGS, *extra), option)


def _reminders_of(data: bytes) -> tuple[set[str], set[timedelta], int]:
    """The reminder events (by UID suffix), the VALARM triggers, the number of deadlines."""
    calendar = icalendar.Calendar.from_ical(data)
    suffixes: set[str] = set()
    triggers: set[timedelta] = set()
    deadlines = 0
    for event in calendar.walk("VEVENT"):
        found = re.search(r"\.remind-(\d+[dh])\.", str(event["UID"]))
        if found:
            suffixes.add(found.group(1))
            assert str(event["TRANSP"]) == "TRANSPARENT"
        elif str(event["TRANSP"]) == "OPAQUE":
            deadlines += 1
        triggers |= {alarm["TRIGGER"].dt for alarm in event.walk("VALARM")}
    return suffixes, triggers, deadlines


@pytest.mark.parametrize(
    ("remind", "suffixes", "triggers"),
    [
        (None, {"7d", "2d", "24h", "4h"}, {(-7, 9), (-2, 9), (0, -24), (0, -4)}),
        ("none", set(), set()),
        ("3", {"3d", "24h", "4h"}, {(-3, 9), (0, -24), (0, -4)}),
        ("12h", {"7d", "2d", "12h"}, {(-7, 9), (-2, 9), (0, -12)}),
        ("10,1,6h", {"10d", "1d", "6h"}, {(-10, 9), (-1, 9), (0, -6)}),
    ],
)
def test_remind_option(
    remind: str | None, suffixes: set[str], triggers: set[tuple[int, int]]
) -> None:
    extra = ["--remind", remind] if remind is not None else []
    result = run(*BOTH_KINDS, *REF, "--ics", "-", *extra)
    assert result.exit_code == 0, result.stderr
    got_suffixes, got_triggers, deadlines = _reminders_of(result.stdout_bytes)
    assert got_suffixes == suffixes
    # Days before an all-day deadline ring at 09:00; hours before a timed one are exact hours.
    assert got_triggers == {timedelta(days=d, hours=h) for d, h in triggers}
    # Certificate, OFII reply, the OQTF (an express decision: no implicit refusal to appeal).
    assert deadlines == 3
    if remind == "none":
        assert b"BEGIN:VALARM" not in result.stdout_bytes


def test_no_info_leaves_out_the_informational_dates() -> None:
    full = run(*CASE_ARGS, *REF, "--ics", "-").stdout_bytes
    lean = run(*CASE_ARGS, *REF, "--ics", "-", "--no-info").stdout_bytes
    assert b"UID:implicit-refusal." in full and b"UID:implicit-refusal." not in lean
    assert _reminders_of(full) == _reminders_of(lean)  # every deadline and reminder stays
    assert full.count(b"BEGIN:VEVENT") == lean.count(b"BEGIN:VEVENT") + 1
    assert run(*CASE_ARGS, *REF, "--ics", "-", "--info").stdout_bytes == full


def test_cli_writes_what_the_library_builds() -> None:
    """The in-process files above are the CLI's: same calls, same bytes."""
    result = run(*CASE_ARGS, "--ics", "-", "--ref", "admin-75")
    sample = Sample(
        "admin-75",
        ((E.APPLICATION_FILED, date(2025, 1, 15)), (E.OFII_REQUEST, date(2025, 3, 10))),
        as_of=date(2025, 4, 2),
    )
    assert result.stdout_bytes == ics_of(sample.computation(), ExportOptions(ref="admin-75"))


# --- 8. golden files ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_golden_calendar(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = run(*sample_args(name), "--ics", "-")
    assert result.exit_code == 0, result.stderr
    produced = result.stdout_bytes
    golden = GOLDEN / f"{name}.ics"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_bytes(produced)
        pytest.fail(f"{golden} rewritten: check it by hand, then run again without UPDATE_GOLDEN")
    expected = golden.read_bytes()
    if produced != expected:
        diff = difflib.unified_diff(
            expected.decode("utf-8").split("\r\n"),
            produced.decode("utf-8").split("\r\n"),
            fromfile=str(golden.relative_to(ROOT)),
            tofile=f"deadlines compute $(cat samples/{name}.args) --ics -",
            lineterm="",
        )
        pytest.fail("the calendar differs from the golden file:\n" + "\n".join(diff))
    assert_well_formed(produced)
