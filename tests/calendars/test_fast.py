"""The bulk writer (calendars.fast) gives exactly icalendar's bytes (calendars.ics.to_ics)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from calendars.fast import fold, iter_ics, to_ics_fast
from calendars.ics import to_ics
from calendars.plan import ExportOptions, Reminders, plan, stamp_from_day
from calendars.vtimezone import ZONES
from deadlines.case import Facts, make_case
from deadlines.engine import compute
from deadlines.errors import InputError
from deadlines.rules.model import Custody, EventKind, OqtfGround
from deadlines.territories import all_territory_codes
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
def test_the_fast_writer_gives_icalendars_bytes(
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
    expected = to_ics(events, name, stamp, zones, sequences, cancelled)
    fast = to_ics_fast(events, name, stamp, zones, sequences, cancelled)
    assert fast == expected
    assert structural_problems(fast) == []
    assert b"".join(iter_ics(events, name, stamp, zones, sequences, cancelled)) == fast


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_fold_matches_icalendar(line: str) -> None:
    from icalendar.parser import _foldline

    line = line.replace("\n", " ").replace("\r", " ")
    assert fold(line) == _foldline(line)
