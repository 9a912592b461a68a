"""The project's iCalendar writer (calendars/ics.py) gives exactly icalendar's bytes.

icalendar is the oracle (tests/calendars/icalendar_oracle.py): it builds the same calendar from
the same planned events, and it parses what the writer wrote and writes it back, unchanged.
A calendar is its header, one `vevent` per event, and its footer; the writer's pieces (escaping,
folding) are icalendar's too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from calendars.ics import FOOTER, escape, fold, header, iter_ics, to_ics, vevent, zones_used
from calendars.plan import ExportOptions, PlannedEvent, Reminders, plan, stamp_from_day
from calendars.vtimezone import ZONES
from deadlines.case import Facts, make_case
from deadlines.engine import compute
from deadlines.errors import InputError
from deadlines.rules.model import Custody, EventKind, OqtfGround
from deadlines.territories import all_territory_codes
from tests.calendars import icalendar_oracle
from tests.calendars.ics_checks import structural_problems

K = EventKind
DAYS = st.dates(min_value=date(2012, 1, 1), max_value=date(2046, 12, 31))
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(list(";,\\\"'é🙂^")),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s.isprintable())


@st.composite
def _case_and_options(draw: st.DrawFn) -> tuple[object, ExportOptions]:
    code = draw(st.sampled_from(all_territory_codes()))
    base = draw(DAYS)
    events: list[tuple[EventKind, date]] = [(K.APPLICATION_FILED, base)]
    if draw(st.booleans()):
        events.append((K.CERTIFICATE_AVAILABLE, base + timedelta(days=draw(st.integers(0, 30)))))
    for offset in draw(st.lists(st.integers(1, 200), max_size=2)):
        events.append((K.OFII_REQUEST, base + timedelta(days=offset)))
    if draw(st.booleans()):
        events.append((K.PERMIT_EXPIRES, base + timedelta(days=draw(st.integers(-100, 400)))))
    facts = Facts(territory=code, appeal_info=draw(st.booleans()))
    if draw(st.booleans()):
        notified = base + timedelta(days=draw(st.integers(30, 400)))
        at = draw(st.none() | st.builds(time, st.integers(0, 23), st.integers(0, 59)))
        events.append((K.OQTF_NOTIFIED, datetime.combine(notified, at) if at else notified))
        facts = Facts(
            territory=code,
            appeal_info=facts.appeal_info,
            departure_period=draw(st.booleans()),
            custody=draw(st.sampled_from(list(Custody))),
            ground=draw(st.sampled_from(list(OqtfGround))),
            oqtf_decided=draw(st.none() | st.just(notified - timedelta(days=3))),
        )
    try:
        case = make_case(events, facts)
        computation = compute(case, base + timedelta(days=draw(st.integers(0, 500))))
    except InputError:  # a spring-gap time, or dates past the verified years
        assume(False)
        raise
    reminders = draw(
        st.sampled_from([Reminders(), Reminders((), ()), Reminders((10, 3, 1), (48, 6, 1))])
    )
    options = ExportOptions(
        ref=draw(TEXT),
        lang=draw(st.sampled_from(["fr", "en"])),
        reminders=reminders,
        include_info=draw(st.booleans()),
    )
    return computation, options


@settings(max_examples=150, deadline=None)
@given(_case_and_options(), st.data())
def test_the_writer_gives_icalendars_bytes(
    drawn: tuple[object, ExportOptions], data: st.DataObject
) -> None:
    computation, options = drawn
    events = plan(computation, options)  # type: ignore[arg-type]
    assume(events)
    cancelled = data.draw(st.lists(st.sampled_from(events), max_size=3, unique_by=lambda e: e.uid))
    sequences = {e.uid: data.draw(st.integers(0, 40)) for e in events[:3]}
    zones = data.draw(st.lists(st.sampled_from(sorted(ZONES)), max_size=2))
    stamp = stamp_from_day(date(2026, 11, 23), None)
    name = data.draw(TEXT)
    written = to_ics(events, name, stamp, zones, sequences, cancelled)
    assert written == icalendar_oracle.to_ics(events, name, stamp, zones, sequences, cancelled)
    assert icalendar_oracle.reserialized(written) == written
    assert structural_problems(written) == []
    assert b"".join(iter_ics(events, name, stamp, zones, sequences, cancelled)) == written
    # One event at a time: the unit a CalDAV sync would send.
    one_by_one = [vevent(e, stamp, sequences.get(e.uid, 0)) for e in events]
    one_by_one += [vevent(e, stamp, sequences.get(e.uid, 0), cancelled=True) for e in cancelled]
    used = zones_used([*events, *cancelled], zones)
    assert written == header(name, used) + b"".join(one_by_one) + FOOTER
    assert all(one.count(b"BEGIN:VEVENT") == one.count(b"UID:") == 1 for one in one_by_one)


def test_the_golden_files_come_back_from_icalendar_unchanged() -> None:
    for path in sorted((Path(__file__).parent / "golden").glob("*.ics")):
        data = path.read_bytes()
        assert icalendar_oracle.reserialized(data) == data, path.name


@given(
    st.text(st.characters(blacklist_categories=("Cs",)) | st.sampled_from("\\^é🙂"), max_size=300)
)
def test_fold_matches_icalendar(line: str) -> None:
    from icalendar.parser import _foldline

    line = line.replace("\n", " ").replace("\r", " ")
    assert fold(line) == _foldline(line)


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_escape_matches_icalendar(text: str) -> None:
    from icalendar import vText

    assert escape(text) == vText(text).to_ical().decode("utf-8")


def test_the_writer_never_takes_one_instant_for_another() -> None:
    """Aware datetimes of the same instant in two zones are equal to Python: the writer's
    caches must not give one the other's line."""
    paris = datetime(2026, 1, 15, 10, tzinfo=ZoneInfo("Europe/Paris"))
    utc = paris.astimezone(UTC)
    assert paris == utc
    stamp = datetime(2026, 1, 1, tzinfo=UTC)

    def event(at: datetime) -> bytes:
        planned = PlannedEvent("u", "s", "d", at, at + timedelta(hours=1), True, (), "info", "r")
        return vevent(planned, stamp)

    assert b"DTSTART;TZID=Europe/Paris:20260115T100000\r\n" in event(paris)
    assert b"DTSTART:20260115T090000Z\r\n" in event(utc)
    assert b"DTSTART;TZID=Europe/Paris:20260115T100000\r\n" in event(paris)
    day = date(2026, 1, 15)
    planned = PlannedEvent("u", "s", "d", day, day, True, (), "info", "r")
    assert b"DTSTART;VALUE=DATE:20260115\r\n" in vevent(planned, stamp)


def test_the_product_does_not_import_icalendar() -> None:
    import subprocess
    import sys

    code = "import sys, calendars.ics, caseload.export; sys.exit('icalendar' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
