"""The shipped VTIMEZONEs (calendars/vtimezone.py) against zoneinfo, read by three consumers.

For each zone a small calendar is built with icalendar 7, with our VTIMEZONE in place of the
RDATE-form one icalendar would add, holding events at 09:00 and 12:00 local on 15 January, the
spring change day, 14 July and the autumn change day (Paris's days for zones without daylight
saving) of years spread over 2000–2050, and around Miquelon's 2007 rule change. Each calendar is
read back by icalendar, vobject and khal, and every event must land on the UTC instant zoneinfo
gives.

Each calendar is built twice:

* ``iana``: the TZID is the IANA name, as the export will write it. icalendar and khal then use
  their own zone database and ignore the VTIMEZONE; vobject still reads the file's VTIMEZONE.
* ``private``: the same definitions under a TZID no library knows ("Deadlines-Test-…"), so every
  consumer has to build the zone from our text. This is what tests the text itself.

Library behaviour met here (see also shared/notes/dependencies.md §5):

* vobject 0.9.9 keeps the first VTIMEZONE it reads for a TZID for the whole process and ignores
  the definitions of later files; ``read_with_vobject`` empties its registry before each read.
* icalendar 7.3 caches custom (unknown-TZID) zones by TZID for the whole process as well; each
  deliberately wrong definition here gets a TZID of its own.
* khal 0.14.1 forces icalendar onto pytz. With an IANA TZID khal uses pytz's own tables, which
  end in 2037: summer events from 2038 on are placed one hour late. With a private TZID,
  icalendar under pytz expands RRULEs without UNTIL only to 2038-12-31: the same error from
  2039 on (pinned below as a known defect).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.tz import tzical

from calendars.vtimezone import FIRST_YEAR, LAST_YEAR, ZONES, vtimezone_lines
from deadlines.territories import all_territory_codes, territory
from tests.calendars.ics_checks import read_with_vobject, structural_problems
from tests.calendars.khal_harness import KhalRow, import_and_list

PARIS = "Europe/Paris"
MIQUELON = "America/Miquelon"
DST_ZONES = (PARIS, MIQUELON)
# Spread over the supported years; 2037/2038 bracket the end of 32-bit and pytz tables.
SAMPLE_YEARS = (FIRST_YEAR, 2012, 2025, 2037, 2038, LAST_YEAR)
# Miquelon: the last years of the 1987–2006 rules and the first of the 2007 ones.
MIQUELON_YEARS = (2005, 2006, 2007, 2008)
HOURS = (9, 12)
EVENT_LENGTH = timedelta(minutes=30)
STAMP = datetime(2025, 1, 1, tzinfo=UTC)
PRODID = "-//deadlines//calendar tests//FR"


def private_tzid(zone: str, kind: str = "Test") -> str:
    return f"Deadlines-{kind}-{zone.replace('/', '-')}"


def vtimezone_text(zone: str, tzid: str | None = None) -> str:
    lines = vtimezone_lines(zone)
    if tzid is not None:
        lines = tuple(f"TZID:{tzid}" if line.startswith("TZID:") else line for line in lines)
    return "\r\n".join(lines) + "\r\n"


# --- what zoneinfo says ---------------------------------------------------------------------


def change_days(zone: str, year: int) -> tuple[date, date]:
    """The days of the spring and autumn changes in ``zone`` (Paris's for zones without any)."""
    tz = ZoneInfo(zone)
    days: list[date] = []
    day = date(year, 1, 1)
    previous = datetime(year, 1, 1, 12, tzinfo=tz).utcoffset()
    while day.year == year:
        offset = datetime.combine(day, datetime.min.time(), tz).replace(hour=12).utcoffset()
        if offset != previous:
            days.append(day)
        previous = offset
        day += timedelta(days=1)
    if not days:
        return change_days(PARIS, year)
    spring, autumn = days
    return spring, autumn


def sample_years(zone: str) -> tuple[int, ...]:
    return tuple(sorted({*SAMPLE_YEARS, *(MIQUELON_YEARS if zone == MIQUELON else ())}))


def sample_times(zone: str, years: Iterable[int]) -> list[datetime]:
    """Naive local times: 09:00 and 12:00 on 15 Jan, spring change, 14 Jul, autumn change."""
    times: list[datetime] = []
    for year in years:
        spring, autumn = change_days(zone, year)
        for day in (date(year, 1, 15), spring, date(year, 7, 14), autumn):
            times += [datetime(day.year, day.month, day.day, hour) for hour in HOURS]
    return times


@dataclass(frozen=True)
class Sample:
    uid: str
    zone: str
    local: datetime  # naive, wall time in zone

    @property
    def title(self) -> str:
        return f"{self.zone} {self.local:%Y-%m-%d %H:%M}"

    @property
    def utc(self) -> datetime:
        """The instant according to zoneinfo: the reference every reader must match."""
        return self.local.replace(tzinfo=ZoneInfo(self.zone)).astimezone(UTC)


# --- building calendars with icalendar 7 -----------------------------------------------------


def use_our_vtimezones(cal: icalendar.Calendar, texts: dict[str, str]) -> None:
    """Drop any VTIMEZONE with one of these TZIDs and put ours first (TZID → VTIMEZONE text)."""
    cal.subcomponents = [
        component
        for component in cal.subcomponents
        if not (isinstance(component, icalendar.Timezone) and component.tz_name in texts)
    ]
    ours = [icalendar.Timezone.from_ical(text) for text in texts.values()]
    cal.subcomponents[:0] = ours


def build_calendar(
    samples_by_zone: dict[str, list[datetime]],
    *,
    tzid_of: Callable[[str], str] | None = None,
    text_of: Callable[[str, str], str] = vtimezone_text,
    alarm: bool = False,
) -> tuple[bytes, list[Sample]]:
    """An .ics with one 30-minute event per sample time, and each zone's VTIMEZONE.

    With ``tzid_of`` None the events are given zoneinfo datetimes, icalendar writes the IANA
    TZID, and ``add_missing_timezones()`` adds its RDATE-form VTIMEZONEs, which are then
    replaced by ours, as the export will do. Otherwise each zone is written under
    ``tzid_of(zone)``.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    samples: list[Sample] = []
    for zone, times in samples_by_zone.items():
        for local in times:
            sample = Sample(f"{zone}-{local:%Y%m%dT%H%M}@deadlines.test", zone, local)
            samples.append(sample)
            event = icalendar.Event()
            event.add("uid", sample.uid)
            event.add("dtstamp", STAMP)
            event.add("summary", sample.title)
            for name, value in (("dtstart", local), ("dtend", local + EVENT_LENGTH)):
                if tzid_of is None:
                    event.add(name, value.replace(tzinfo=ZoneInfo(zone)))
                else:
                    event.add(name, value, parameters={"TZID": tzid_of(zone)})
            if alarm:
                reminder = icalendar.Alarm()
                reminder.add("action", "DISPLAY")
                reminder.add("trigger", timedelta(days=-1))
                reminder.add("description", f"Échéance demain : {sample.title}")
                event.add_component(reminder)
            cal.add_component(event)
    if tzid_of is None:
        cal.add_missing_timezones()
        use_our_vtimezones(cal, {zone: text_of(zone, zone) for zone in samples_by_zone})
    else:
        use_our_vtimezones(
            cal, {tzid_of(zone): text_of(zone, tzid_of(zone)) for zone in samples_by_zone}
        )
    return cal.to_ical(), samples


VARIANTS: dict[str, Callable[[str], str] | None] = {"iana": None, "private": private_tzid}


@cache
def zone_calendar(zone: str, variant: str) -> tuple[bytes, tuple[Sample, ...]]:
    data, samples = build_calendar(
        {zone: sample_times(zone, sample_years(zone))}, tzid_of=VARIANTS[variant]
    )
    return data, tuple(samples)


# --- reading back -------------------------------------------------------------------------


def icalendar_instants(data: bytes) -> dict[str, datetime]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(event["UID"]): event.DTSTART.astimezone(UTC) for event in cal.events}


def vobject_instants(data: bytes) -> dict[str, datetime]:
    cal = read_with_vobject(data)
    return {
        str(event.uid.value): event.dtstart.value.astimezone(UTC)
        for event in cal.contents.get("vevent", [])
    }


READERS: dict[str, Callable[[bytes], dict[str, datetime]]] = {
    "icalendar": icalendar_instants,
    "vobject": vobject_instants,
}


def mismatches(samples: Iterable[Sample], got: dict[str, datetime]) -> list[str]:
    wrong: list[str] = []
    for sample in samples:
        instant = got.get(sample.uid)
        if instant != sample.utc:
            wrong.append(f"{sample.title}: read {instant}, zoneinfo {sample.utc}")
    return wrong


# --- the definitions themselves -------------------------------------------------------------


def test_every_territory_zone_has_a_definition() -> None:
    used = {territory(code).time_zone for code in all_territory_codes()}
    assert used <= set(ZONES)
    assert len(set(ZONES)) == len(ZONES) == 9


@pytest.mark.parametrize("zone", ZONES)
def test_definition_is_fixed_rrule_form(zone: str) -> None:
    lines = vtimezone_lines(zone)
    assert lines[0] == "BEGIN:VTIMEZONE"
    assert lines[-1] == "END:VTIMEZONE"
    assert f"TZID:{zone}" in lines
    assert all(line.isascii() and 0 < len(line) <= 75 for line in lines)
    assert not any(line.startswith("RDATE") for line in lines)
    assert not any("\r" in line or "\n" in line for line in lines)
    components = [line for line in lines if line in {"BEGIN:STANDARD", "BEGIN:DAYLIGHT"}]
    if zone in DST_ZONES:
        assert sum(line.startswith("RRULE:FREQ=YEARLY;") for line in lines) == len(components)
    else:
        assert components == ["BEGIN:STANDARD"]
        assert not any(line.startswith("RRULE") for line in lines)
    assert vtimezone_lines(zone) is lines  # a constant, not rebuilt per call


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(KeyError, match="Europe/Paris"):
        vtimezone_lines("Europe/Berlin")


def test_module_does_not_import_icalendar() -> None:
    code = "import sys, calendars.vtimezone; sys.exit('icalendar' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def _transitions(zone: str) -> list[datetime]:
    """zoneinfo's offset changes from FIRST_YEAR to LAST_YEAR, to the hour (UTC)."""
    tz = ZoneInfo(zone)
    found: list[datetime] = []
    day = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    while day.year <= LAST_YEAR:
        following = day + timedelta(days=1)
        if day.astimezone(tz).utcoffset() != following.astimezone(tz).utcoffset():
            hour = day
            while hour.astimezone(tz).utcoffset() == day.astimezone(tz).utcoffset():
                hour += timedelta(hours=1)
            found.append(hour)
        day = following
    return found


@pytest.mark.parametrize("zone", ZONES)
def test_offsets_match_zoneinfo_at_every_change(zone: str) -> None:
    """Our text through dateutil's tzical (what vobject and icalendar use for a VTIMEZONE).

    UTC → local: twice a month at noon over 2000–2050 and every hour (and the second before
    it) from 2 hours before to 2 hours after each change. Local → UTC: every hour of each change
    day that exists; an ambiguous hour is its first occurrence (RFC 5545 §3.3.5, fold=0).
    """
    ours = tzical(io.StringIO(vtimezone_text(zone))).get()
    reference = ZoneInfo(zone)
    changes = _transitions(zone)
    assert len(changes) == (2 * (LAST_YEAR - FIRST_YEAR + 1) if zone in DST_ZONES else 0)
    instants = [
        datetime(year, month, day, 12, tzinfo=UTC)
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
        for month in range(1, 13)
        for day in (1, 15)
    ]
    for change in changes:
        for hours in range(-2, 3):
            instants += [
                change + timedelta(hours=hours),
                change + timedelta(hours=hours, seconds=-1),
            ]
    wrong = [
        f"{instant}: ours {instant.astimezone(ours)}, zoneinfo {instant.astimezone(reference)}"
        for instant in instants
        if instant.astimezone(ours).utcoffset() != instant.astimezone(reference).utcoffset()
        or instant.astimezone(ours).replace(tzinfo=None)
        != instant.astimezone(reference).replace(tzinfo=None)
    ]
    for change in changes:
        local_day = change.astimezone(reference).replace(hour=0, tzinfo=None)
        for hour in range(24):
            wall = local_day + timedelta(hours=hour)
            if (
                wall.replace(tzinfo=reference)
                .astimezone(UTC)
                .astimezone(reference)
                .replace(tzinfo=None)
                != wall
            ):
                continue  # does not exist (spring gap)
            expected = wall.replace(tzinfo=reference).astimezone(UTC)
            if wall.replace(tzinfo=ours).astimezone(UTC) != expected:
                wrong.append(f"local {wall}: ours {wall.replace(tzinfo=ours).astimezone(UTC)}")
    assert wrong == []


# --- consumers ------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("zone", ZONES)
def test_sample_calendar_is_well_formed(zone: str, variant: str) -> None:
    data, _ = zone_calendar(zone, variant)
    assert structural_problems(data) == []
    assert b"RDATE" not in data
    assert data.count(b"BEGIN:VTIMEZONE") == 1


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("zone", ZONES)
def test_readers_agree_with_zoneinfo(zone: str, variant: str, reader: str) -> None:
    data, samples = zone_calendar(zone, variant)
    got = READERS[reader](data)
    assert len(got) == len(samples)
    assert mismatches(samples, got) == []


@pytest.mark.parametrize("variant", VARIANTS)
def test_icalendar_uses_our_text_only_for_private_tzids(variant: str) -> None:
    """Guards the meaning of the two variants: icalendar reads our VTIMEZONE only if private."""
    data, _ = zone_calendar(PARIS, variant)
    event = icalendar.Calendar.from_ical(data).events[0]
    tz: tzinfo | None = event.DTSTART.tzinfo
    assert isinstance(tz, ZoneInfo) == (variant == "iana")


def _broken_paris(_zone: str, tzid: str) -> str:
    """Paris with summer time from the last Sunday of April: four weeks late in 2025."""
    return vtimezone_text(PARIS, tzid).replace("BYMONTH=3;", "BYMONTH=4;")


@pytest.mark.parametrize(
    ("reader", "variant"), [("icalendar", "private"), ("vobject", "private"), ("vobject", "iana")]
)
def test_readers_see_a_wrong_definition(reader: str, variant: str) -> None:
    """The checks above do read our text: a wrong VTIMEZONE is caught on each path."""
    tzid_of = None if variant == "iana" else (lambda zone: private_tzid(zone, "Broken"))
    data, samples = build_calendar(
        {PARIS: sample_times(PARIS, [2025])}, tzid_of=tzid_of, text_of=_broken_paris
    )
    wrong = mismatches(samples, READERS[reader](data))
    # 30 March 2025 (the change day), 09:00 and 12:00, read in winter time.
    assert [line.split(":")[0] for line in wrong] == [
        "Europe/Paris 2025-03-30 09",
        "Europe/Paris 2025-03-30 12",
    ]


def test_vobject_misreads_icalendars_rdate_vtimezone() -> None:
    """Why the project ships its own VTIMEZONEs (dependencies.md §5), reproduced.

    icalendar's ``add_missing_timezones()`` writes ``RDATE:`` lists; vobject 0.9.9 keeps only
    their first value and reads summer 2025 in winter time. If this starts failing, vobject was
    fixed: update the note, the fixed texts are still right.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", "rdate@deadlines.test")
    event.add("dtstamp", STAMP)
    event.add("dtstart", datetime(2025, 7, 14, 9, tzinfo=ZoneInfo(PARIS)))
    cal.add_component(event)
    cal.add_missing_timezones()
    data = cal.to_ical()
    assert re.search(rb"\r\nRDATE:[0-9T]+,", data)
    read = vobject_instants(data)["rdate@deadlines.test"]
    assert read == datetime(2025, 7, 14, 8, tzinfo=UTC)  # zoneinfo: 07:00 UTC


# --- khal -----------------------------------------------------------------------------------

KHAL_YEARS = {PARIS: (2006, 2025, 2037, 2039), MIQUELON: (2006, 2007, 2025)}
KHAL_OTHER_YEARS = (2025,)
# khal 0.14.1 (icalendar under pytz) stops following a private TZID's rules at the end of 2038
# (with an IANA TZID, pytz's own tables stop one year earlier; the IANA run below stays in 2025).
KHAL_LAST_GOOD_YEAR = 2038


def _khal_instants(
    rows: list[KhalRow], local_timezone: str
) -> dict[str, tuple[datetime, datetime]]:
    tz = ZoneInfo(local_timezone)
    by_title: dict[str, tuple[datetime, datetime]] = {}
    for row in rows:
        assert row.calendar == "deadlines"
        start, end = (
            datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=tz).astimezone(UTC)
            for text in (row.start, row.end)
        )
        assert row.title not in by_title, f"listed twice: {row.title}"
        by_title[row.title] = (start, end)
    return by_title


def _check_khal(samples: list[Sample], rows: list[KhalRow], local_timezone: str) -> list[str]:
    listed = _khal_instants(rows, local_timezone)
    assert sorted(listed) == sorted(sample.title for sample in samples)
    wrong: list[str] = []
    for sample in samples:
        start, end = listed[sample.title]
        expected = sample.utc
        if sample.local.year > KHAL_LAST_GOOD_YEAR and ZoneInfo(sample.zone).dst(sample.local):
            expected += timedelta(hours=1)  # the known khal/pytz defect, pinned
        if (start, end) != (expected, expected + EVENT_LENGTH):
            wrong.append(f"{sample.title}: khal {start}–{end}, expected {expected}")
    return wrong


def test_khal_reads_our_definitions(tmp_path: Path) -> None:
    """Private TZIDs, so khal builds every zone from our text; listed in UTC.

    Includes Paris 2039 to pin khal's end-of-2038 limit: summer events there come one hour late.
    """
    samples_by_zone = {
        zone: sample_times(zone, KHAL_YEARS.get(zone, KHAL_OTHER_YEARS)) for zone in ZONES
    }
    data, samples = build_calendar(samples_by_zone, tzid_of=private_tzid, alarm=True)
    assert structural_problems(data) == []
    ics = tmp_path / "private.ics"
    ics.write_bytes(data)
    rows = import_and_list(ics, tmp_path, date(2006, 1, 1), date(2040, 1, 1), local_timezone="UTC")
    assert _check_khal(samples, rows, "UTC") == []


def test_khal_shows_paris_wall_times(tmp_path: Path) -> None:
    """IANA TZIDs, as the export writes them, listed as a caseworker in Paris sees them."""
    samples_by_zone = {zone: sample_times(zone, [2025]) for zone in ZONES}
    data, samples = build_calendar(samples_by_zone)
    ics = tmp_path / "iana.ics"
    ics.write_bytes(data)
    rows = import_and_list(ics, tmp_path, date(2025, 1, 1), date(2026, 1, 1))
    assert _check_khal(samples, rows, PARIS) == []
    paris_rows = {row.title: row.start for row in rows if row.title.startswith(PARIS)}
    assert paris_rows[f"{PARIS} 2025-03-30 09:00"] == "2025-03-30 09:00"
    assert paris_rows[f"{PARIS} 2025-10-26 12:00"] == "2025-10-26 12:00"


# --- the structural checker -----------------------------------------------------------------


@cache
def good_file() -> bytes:
    """Timed events in two zones with alarms, an all-day event, and long accented text."""
    data, _ = build_calendar(
        {PARIS: sample_times(PARIS, [2025])[:2], "Indian/Reunion": [datetime(2025, 7, 14, 9)]},
        alarm=True,
    )
    cal = icalendar.Calendar.from_ical(data)
    allday = icalendar.Event()
    allday.add("uid", "allday@deadlines.test")
    allday.add("dtstamp", STAMP)
    allday.add("dtstart", date(2025, 3, 3))
    allday.add("dtend", date(2025, 3, 4))
    allday.add("summary", "[2025-014] Envoyer le certificat médical à l'OFII")
    allday.add(
        "description",
        "Délai à vérifier ; « date sûre » : lundi 3 mars 2025, échéance, préfecture, "
        "référé-liberté, élément, ééééééééééééééééééééééééééééééééééééééééééééééééé.\nFin.",
    )
    cal.add_component(allday)
    data: bytes = cal.to_ical()
    return data


def test_checker_accepts_a_good_file() -> None:
    data = good_file()
    assert b"\r\n " in data  # long lines were folded
    assert structural_problems(data) == []


def _drop(data: bytes, prefix: bytes, after: bytes = b"") -> bytes:
    """Remove the first content line starting with ``prefix`` (and its folds) after ``after``."""
    start = data.index(b"\r\n" + prefix, data.index(after) - 2 if after else 0) + 2
    end = data.index(b"\r\n", start) + 2
    while data[end : end + 1] == b" ":
        end = data.index(b"\r\n", end) + 2
    return data[:start] + data[end:]


def _replace_first(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(old, new, 1)


FOLD_IN_UTF8 = b"SUMMARY:" + b"a" * 66 + b"\xc3\r\n \xa9t\xc3\xa9\r\n"
BROKEN: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "bare LF": (lambda d: d.replace(b"\r\n", b"\n"), "bare LF"),
    "one bare LF": (_replace_first(b"\r\nEND:VEVENT", b"\nEND:VEVENT"), "bare LF"),
    "bare CR": (_replace_first(b"SUMMARY:", b"SUMMARY:a\rb"), "bare CR"),
    "no final CRLF": (lambda d: d[:-2], "last line is not terminated by CRLF"),
    "long line": (
        _replace_first(b"SUMMARY:", b"SUMMARY:" + b"x" * 70 + b"\r\n X-Y:"),
        "over the limit of 75",
    ),
    "fold inside UTF-8": (
        _replace_first(b"BEGIN:VEVENT\r\n", b"BEGIN:VEVENT\r\n" + FOLD_IN_UTF8),
        "fold splits a UTF-8 multi-byte character",
    ),
    "invalid UTF-8": (_replace_first(b"SUMMARY:", b"SUMMARY:\xff"), "invalid UTF-8"),
    "END missing": (lambda d: _drop(d, b"END:VEVENT"), "does not close BEGIN:VEVENT"),
    "END without BEGIN": (
        _replace_first(b"END:VEVENT", b"END:VALARM\r\nEND:VEVENT"),
        "END:VALARM does not close BEGIN:VEVENT",
    ),
    "VCALENDAR never closed": (lambda d: _drop(d, b"END:VCALENDAR"), "never closed"),
    "outside VCALENDAR": (lambda d: b"X-STRAY:1\r\n" + d, "outside any component"),
    "no VERSION": (lambda d: _drop(d, b"VERSION:"), "VCALENDAR has no VERSION"),
    "VERSION 1.0": (_replace_first(b"VERSION:2.0", b"VERSION:1.0"), "VERSION is not 2.0"),
    "no PRODID": (lambda d: _drop(d, b"PRODID:"), "VCALENDAR has no PRODID"),
    "VEVENT without UID": (lambda d: _drop(d, b"UID:"), "VEVENT has no UID"),
    "VEVENT without DTSTAMP": (lambda d: _drop(d, b"DTSTAMP:"), "VEVENT has no DTSTAMP"),
    "VEVENT without DTSTART": (lambda d: _drop(d, b"DTSTART;"), "VEVENT has no DTSTART"),
    "VALARM without ACTION": (
        lambda d: _drop(d, b"ACTION:", b"BEGIN:VALARM"),
        "VALARM has no ACTION",
    ),
    "VALARM without TRIGGER": (
        lambda d: _drop(d, b"TRIGGER:", b"BEGIN:VALARM"),
        "VALARM has no TRIGGER",
    ),
    "VALARM without DESCRIPTION": (
        lambda d: _drop(d, b"DESCRIPTION:", b"BEGIN:VALARM"),
        "VALARM has no DESCRIPTION",
    ),
    "TZID without VTIMEZONE": (
        _replace_first(b"TZID:Indian/Reunion", b"TZID:Indian/Mayotte"),
        "TZID=Indian/Reunion has no VTIMEZONE",
    ),
    "misspelt TZID": (
        _replace_first(b"DTSTART;TZID=Europe/Paris", b"DTSTART;TZID=Europe/Pari"),
        "TZID=Europe/Pari has no VTIMEZONE",
    ),
    "VTIMEZONE twice": (
        lambda d: d.replace(b"BEGIN:VEVENT", vtimezone_text(PARIS).encode() + b"BEGIN:VEVENT", 1),
        "second VTIMEZONE for TZID Europe/Paris",
    ),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_checker_finds_each_kind_of_problem(kind: str) -> None:
    breaker, expected = BROKEN[kind]
    data = breaker(good_file())
    assert data != good_file()
    problems = structural_problems(data)
    assert any(expected in problem for problem in problems), problems


def test_checker_reports_line_numbers() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        b"BEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert structural_problems(data) == [
        "line 4: VEVENT has no DTSTAMP",
        "line 4: VEVENT has no DTSTART",
    ]
    assert structural_problems(b"") == ["empty file"]
