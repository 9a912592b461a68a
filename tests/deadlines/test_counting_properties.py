"""Hypothesis properties of counting and of whole computations (spec §2–§4)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from deadlines.case import Facts, make_case
from deadlines.engine import State, compute
from deadlines.errors import InputError
from deadlines.explain import StepKind, is_consistent_chain
from deadlines.holidays import HolidayCalendar
from deadlines.periods import EXTENDING, HOURLY, Method, Period, count
from deadlines.rules.model import Channel, EventKind, Kind
from deadlines.territories import all_territory_codes, territory

CODES = st.sampled_from(all_territory_codes())
# Triggers whose dates, 400 days and 2 years and 2 months later (forward) or 2 years and 2 months
# earlier (BACKWARD), stay inside every territory's verified years (2012-2050 for Saint-Barthélemy
# and Saint-Martin): from 2012-01-01, a backward count left them (Hypothesis found it).
DAYS = st.dates(min_value=date(2015, 1, 1), max_value=date(2045, 12, 31))
PERIODS = st.builds(
    Period,
    years=st.integers(0, 1),
    months=st.integers(0, 12),
    days=st.integers(0, 60),
).filter(lambda p: p.total_months or p.days)
# Day and month methods (hour periods are counted by deadlines.instants, tested apart; the
# day-counted method takes days only).
DAY_METHODS = [m for m in Method if m not in HOURLY and m is not Method.DAY_COUNTED]
FORWARD = st.sampled_from([m for m in DAY_METHODS if m is not Method.BACKWARD])


@settings(max_examples=300, deadline=None)
@given(DAYS, st.integers(1, 400), PERIODS, FORWARD, CODES, st.booleans())
def test_a_later_trigger_never_gives_an_earlier_date(
    first: date, gap: int, period: Period, method: Method, code: str, disputed: bool
) -> None:
    calendar = HolidayCalendar(territory(code), with_disputed=disputed)
    later = first + timedelta(days=gap)
    assert count(first, period, method, calendar).due <= count(later, period, method, calendar).due


@settings(max_examples=300, deadline=None)
@given(DAYS, PERIODS, st.sampled_from(sorted(EXTENDING)), CODES, st.booleans())
def test_an_extended_date_is_a_working_day_of_its_calendar(
    start: date, period: Period, method: Method, code: str, disputed: bool
) -> None:
    calendar = HolidayCalendar(territory(code), with_disputed=disputed)
    counted = count(start, period, method, calendar)
    assert counted.due.weekday() < 5
    assert calendar.holiday(counted.due) is None


@settings(max_examples=300, deadline=None)
@given(DAYS, PERIODS, st.sampled_from(DAY_METHODS), CODES)
def test_every_trace_is_a_consistent_chain(
    start: date, period: Period, method: Method, code: str
) -> None:
    counted = count(start, period, method, HolidayCalendar(territory(code)))
    assert is_consistent_chain(counted.steps, start, counted.due)
    assert counted.steps[-1].kind is StepKind.END_OF_DAY
    for step in counted.steps:
        if step.kind is StepKind.SKIP_DAY:
            assert step.after - step.before == timedelta(days=1)
        if step.kind in {
            StepKind.ADD_MONTHS,
            StepKind.CLAMP,
            StepKind.ADD_DAYS,
            StepKind.FRANC_DAY,
            StepKind.SKIP_DAY,
            StepKind.SUBTRACT_DAYS,
        }:
            assert step.citation


CASES = st.fixed_dictionaries(
    {
        "filed": DAYS,
        "available_after": st.none() | st.integers(0, 40),
        "received_after": st.none() | st.integers(0, 90),
        "refusal_after": st.none() | st.integers(0, 300),
        "requests": st.lists(DAYS, max_size=3),
        "expires": st.none() | DAYS,
        "asylum": st.none() | DAYS,
    }
)


@settings(max_examples=200, deadline=None)
@given(CASES, CODES, st.booleans(), st.sampled_from([None, Channel.ANEF, Channel.COUNTER]), DAYS)
def test_whole_computations_are_consistent(
    raw: dict,
    code: str,
    appeal_info: bool,
    channel: Channel | None,
    as_of: date,  # type: ignore[type-arg]
) -> None:
    filed = raw["filed"]
    events = [(EventKind.APPLICATION_FILED, filed)]
    for key, kind in (
        ("available_after", EventKind.CERTIFICATE_AVAILABLE),
        ("received_after", EventKind.CERTIFICATE_RECEIVED),
        ("refusal_after", EventKind.REFUSAL_NOTIFIED),
    ):
        if raw[key] is not None:
            events.append((kind, filed + timedelta(days=raw[key])))
    events += [(EventKind.OFII_REQUEST, d) for d in raw["requests"]]
    if raw["expires"] is not None:
        events.append((EventKind.PERMIT_EXPIRES, raw["expires"]))
    if raw["asylum"] is not None:
        events.append((EventKind.ASYLUM_REGISTERED, raw["asylum"]))
    try:
        case = make_case(events, Facts(territory=code, appeal_info=appeal_info, channel=channel))
        result = compute(case, as_of)
    except InputError:
        assume(False)
        return
    for deadline in result.deadlines:
        readings = deadline.evaluation.readings
        assert deadline.due <= deadline.latest
        assert deadline.due == min(r.due for r in readings)
        assert deadline.latest == max(r.due for r in readings)
        assert len({r.id for r in readings}) == len(readings)
        assert deadline.days_left == (deadline.due - as_of).days
        for reading in readings:
            assert is_consistent_chain(reading.steps, reading.start.at, reading.due)
        if deadline.state is State.DONE:
            continue
        if deadline.rule.kind is Kind.WINDOW_OPENS:
            assert (deadline.state is State.OPEN) == (as_of >= deadline.due)
        else:
            assert (deadline.state is State.OVERDUE) == (deadline.days_left < 0)
            assert (deadline.state is State.DUE_TODAY) == (deadline.days_left == 0)


@settings(max_examples=500, deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)), st.integers(-48, 48))
def test_month_shift_equals_dateutil_relativedelta(start: date, months: int) -> None:
    """periods._shift_months is plain arithmetic; relativedelta is the reference (CPC 641)."""
    from dateutil.relativedelta import relativedelta

    from deadlines.periods import _shift_months

    assert _shift_months(start, months) == start + relativedelta(months=months)
