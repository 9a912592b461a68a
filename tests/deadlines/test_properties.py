"""Hypothesis properties of counting (spec §2), readings (§3) and whole computations (§4).

Profiles: "dev" (default) and "ci" (five times the examples), chosen by the HYPOTHESIS_PROFILE
environment variable; each test's `max_examples` is scaled by the loaded profile.

Monotonicity (a later trigger never gives an earlier date) holds with equality allowed, because
several rules legitimately map two triggers to the same date:
- the end-of-month clamp (CPC art. 641 al. 2): 29, 30 and 31 January + 1 month all give
  28 February in a common year;
- the extension (CPC art. 642 al. 2): a Friday and the Saturday after it, both + 15 days, can end
  on the same Monday;
- the doctrine formula of the délai franc (spec §2.4: months counted from the day after the
  trigger, « jurisconsulte » doctrine) clamps too: triggers 29 and 30 January count one month
  from 30 and 31 January, both 28 February in a common year — equal, never reversed.
It is asserted for every reading (same reading id) and for the safe date. It is NOT asserted for
the latest date: when the channel is unknown, a renewal window whose expiry is less than 120 days
after 31 July 2024 shows the ANEF and the counter readings, and a later expiry only the ANEF one
(rules.md: channel defaults to `anef`; service-public F17164; open-points Q3), so the latest
date jumps back by two months at that boundary (CESEDA R.431-5 1°). The test
`test_latest_can_move_back_when_the_counter_reading_stops_applying` pins that down.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from deadlines.case import Case, Event, Facts, event_instant, make_case
from deadlines.engine import Computation, Deadline, State, compute, evaluate
from deadlines.errors import CoverageError, InputError
from deadlines.explain import Step, StepKind, is_consistent_chain
from deadlines.holidays import HolidayCalendar, has_disputed_days
from deadlines.instants import localize
from deadlines.periods import EXTENDING, HOURLY, Method, Period, count
from deadlines.results import Evaluation
from deadlines.rules import all_rules
from deadlines.rules.model import (
    Channel,
    Custody,
    EventKind,
    Kind,
    OqtfGround,
    Rule,
    StartPolicy,
)
from deadlines.territories import Territory, all_territory_codes, territory

DEV_EXAMPLES = 100
CI_EXAMPLES = 500


def _register_profiles() -> None:
    """Register "dev" and "ci" unless they are registered already (e.g. by a conftest).

    Hypothesis itself ships a "ci" profile (derandomize, no database, no deadline) with the
    default 100 examples, so "ci" always exists: when it gives no more examples than "dev", it is
    kept as the parent and given CI_EXAMPLES.
    """
    try:
        settings.get_profile("dev")
    except InvalidArgument:
        settings.register_profile("dev", max_examples=DEV_EXAMPLES, deadline=None)
    try:
        ci = settings.get_profile("ci")
    except InvalidArgument:
        settings.register_profile(
            "ci", max_examples=CI_EXAMPLES, deadline=None, derandomize=True, database=None
        )
    else:
        if ci.max_examples <= DEV_EXAMPLES:
            settings.register_profile("ci", parent=ci, max_examples=CI_EXAMPLES, deadline=None)


_register_profiles()
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def _examples(dev: int) -> int:
    """`dev` examples under the dev profile, scaled by the loaded profile's max_examples."""
    loaded = settings.default
    assert loaded is not None
    return max(10, dev * loaded.max_examples // DEV_EXAMPLES)


# --- strategies ---------------------------------------------------------------------------------

CODES = st.sampled_from(all_territory_codes())
FIRST_TRIGGER, LAST_TRIGGER = date(2001, 1, 1), date(2049, 12, 31)


@st.composite
def _month_ends(draw: st.DrawFn) -> date:
    """The last five days of a month, where the clamp and the two franc formulas differ."""
    first_of_month = date(draw(st.integers(2001, 2049)), draw(st.integers(1, 12)), 1)
    last = first_of_month + relativedelta(months=1, days=-1)
    return last - timedelta(days=draw(st.integers(0, 4)))


TRIGGERS = st.dates(min_value=FIRST_TRIGGER, max_value=LAST_TRIGGER) | _month_ends()
GAPS = st.integers(1, 3) | st.integers(1, 400)  # small gaps find month-end and weekend edges
PERIODS = st.one_of(
    st.builds(Period, days=st.integers(1, 60)),
    st.builds(Period, years=st.integers(0, 1), months=st.integers(1, 12)),
    st.builds(Period, years=st.integers(0, 1), months=st.integers(1, 12), days=st.integers(1, 60)),
)
# Hour periods are counted by deadlines.instants (properties below); day-counted takes days only.
METHODS = st.sampled_from([m for m in Method if m not in HOURLY and m is not Method.DAY_COUNTED])
CHANNELS = st.sampled_from([None, Channel.ANEF, Channel.COUNTER])
# A time of notification, or none (then 00:00 local). DST edges are likely: 00:00–03:59.
TIMES = (
    st.none()
    | st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 59]))
    | (st.builds(time, st.integers(0, 3), st.integers(0, 59)))
)


@st.composite
def _oqtf_facts(draw: st.DrawFn, notified: date) -> dict[str, object]:
    """The OQTF facts of rules.md; the decision is taken on or before the notification."""
    decided = draw(st.none() | st.integers(0, 90).map(lambda d: notified - timedelta(days=d)))
    return {
        "departure_period": draw(st.booleans()),
        "custody": draw(st.sampled_from(list(Custody))),
        "ground": draw(st.sampled_from(list(OqtfGround))),
        "oqtf_decided": decided,
    }


RULES = st.sampled_from(all_rules())

# Any counted date stays this far inside the verified years when the échéance does: the longest
# run of non-working days plus the franc day is under a week.
MARGIN = timedelta(days=15)
# The longest chain of the catalogue: 4 months to the implicit refusal, then one year franc.
LONGEST_CHAIN = relativedelta(years=1, months=4, days=1)


def _covered(day: date, where: Territory) -> bool:
    return where.first_year <= day.year <= where.last_year


def _echeance_covered(trigger: date, period: Period, method: Method, where: Territory) -> bool:
    """The trigger and the raw échéance (± a margin) are in the verified years (spec §5)."""
    shift = relativedelta(years=period.years, months=period.months, days=period.days)
    raw = trigger - shift if method is Method.BACKWARD else trigger + shift
    return all(_covered(d, where) for d in (trigger, raw - MARGIN, raw + MARGIN))


def _calendar(code: str, with_disputed: bool) -> HolidayCalendar:
    return HolidayCalendar(territory(code), with_disputed=with_disputed)


# --- counting primitive -----------------------------------------------------------------------


@settings(max_examples=_examples(300))
@given(TRIGGERS, GAPS, PERIODS, METHODS, CODES, st.booleans())
def test_count_never_goes_back_when_the_trigger_moves_later(
    first: date, gap: int, period: Period, method: Method, code: str, disputed: bool
) -> None:
    where = territory(code)
    later = first + timedelta(days=gap)
    assume(_echeance_covered(first, period, method, where))
    assume(_echeance_covered(later, period, method, where))
    calendar = _calendar(code, disputed)
    before = count(first, period, method, calendar).due
    after = count(later, period, method, calendar).due
    assert before <= after
    # Backward semantics: a window edge lies before its expiry; every other method after it.
    if method is Method.BACKWARD:
        assert before < first and after < later
    else:
        assert before > first and after > later


@settings(max_examples=_examples(300))
@given(TRIGGERS, PERIODS, METHODS, CODES, st.booleans())
def test_every_counting_trace_is_a_consistent_cited_chain(
    start: date, period: Period, method: Method, code: str, disputed: bool
) -> None:
    where = territory(code)
    assume(_echeance_covered(start, period, method, where))
    calendar = _calendar(code, disputed)
    counted = count(start, period, method, calendar)
    _check_trace(counted.steps, start, counted.due, calendar, method)


CITED = frozenset(
    {
        StepKind.ADD_MONTHS,
        StepKind.CLAMP,
        StepKind.ADD_DAYS,
        StepKind.FRANC_DAY,
        StepKind.SKIP_DAY,
        # Beyond the brief's list, these carry a citation in periods.py too:
        StepKind.SUBTRACT_MONTHS,
        StepKind.SUBTRACT_DAYS,
        StepKind.DAY_AFTER,
        StepKind.BIRTH,
        StepKind.END_OF_DAY,
    }
)


def _check_trace(
    steps: tuple[Step, ...], start: date, due: date, calendar: HolidayCalendar, method: Method
) -> None:
    assert is_consistent_chain(steps, start, due)
    assert steps[0].kind is StepKind.START
    assert steps[-1].kind is StepKind.END_OF_DAY
    assert steps[-1].before == steps[-1].after == due
    for step in steps:
        assert isinstance(step.kind, StepKind)
        assert step.message.startswith("step.")
        if step.kind in CITED:
            assert step.citation, step
        if step.kind is StepKind.SKIP_DAY:
            assert step.after - step.before == timedelta(days=1)
            assert not calendar.is_working_day(step.before)
            assert method in EXTENDING
        if step.kind is StepKind.WORKING_DAY:
            assert calendar.is_working_day(step.after)
            assert method in EXTENDING
        if step.kind is StepKind.NO_EXTENSION:
            assert not calendar.is_working_day(step.after)
            assert method in {Method.STRICT, Method.BACKWARD, Method.DAY_COUNTED}
        if step.kind in {StepKind.DAY_AFTER, StepKind.FRANC_DAY}:
            assert step.after - step.before == timedelta(days=1)
    assert (StepKind.BIRTH in {s.kind for s in steps}) == (method is Method.BIRTH)


@settings(max_examples=_examples(300))
@given(TRIGGERS, PERIODS, st.sampled_from(sorted(EXTENDING)), CODES, st.booleans())
def test_an_extended_date_is_a_working_day_of_its_calendar(
    start: date, period: Period, method: Method, code: str, disputed: bool
) -> None:
    where = territory(code)
    assume(_echeance_covered(start, period, method, where))
    calendar = _calendar(code, disputed)
    due = count(start, period, method, calendar).due
    assert due.weekday() < 5
    assert calendar.holiday(due) is None
    # The calendar with the disputed days can only move the date later.
    if disputed:
        assert due >= count(start, period, method, _calendar(code, False)).due


# --- every rule of the catalogue ----------------------------------------------------------------


@dataclass(frozen=True)
class Starts:
    earlier: tuple[Event, ...]
    later: tuple[Event, ...]


@st.composite
def _starts(draw: st.DrawFn, rule: Rule) -> Starts:
    """One trigger moved later; for a disputed start, every start moved later or kept."""
    first = draw(TRIGGERS)
    gap = draw(GAPS)
    kinds = rule.triggers if rule.start is StartPolicy.DISPUTED_START else rule.triggers[:1]
    if len(kinds) == 1:
        at = draw(TIMES) if kinds[0] is EventKind.OQTF_NOTIFIED else None
        return Starts(
            (Event(kinds[0], first, time=at),),
            (Event(kinds[0], first + timedelta(days=gap), time=at),),
        )
    # certificate: (certificate-available, application-filed), available >= filed.
    assert kinds == (EventKind.CERTIFICATE_AVAILABLE, EventKind.APPLICATION_FILED)
    wait = draw(st.integers(0, 60))
    later_wait = max(0, wait - gap) + draw(st.integers(0, 30))
    second = first + timedelta(days=gap)
    return Starts(
        (Event(kinds[0], first + timedelta(days=wait)), Event(kinds[1], first)),
        (Event(kinds[0], second + timedelta(days=later_wait)), Event(kinds[1], second)),
    )


def _evaluation_covered(starts: tuple[Event, ...], rule: Rule, where: Territory) -> bool:
    return all(
        _echeance_covered(s.at, v.period, r.method, where)
        for s in starts
        for v in rule.variants
        for r in v.readings
    )


@settings(max_examples=_examples(300))
@given(st.data(), RULES, CODES, st.booleans(), CHANNELS)
def test_every_rule_is_monotone_per_reading_and_for_the_safe_date(
    data: st.DataObject, rule: Rule, code: str, appeal_info: bool, channel: Channel | None
) -> None:
    where = territory(code)
    starts = data.draw(_starts(rule))
    assume(_evaluation_covered(starts.earlier + starts.later, rule, where))
    oqtf = data.draw(_oqtf_facts(starts.earlier[0].at))
    zone = ZoneInfo(where.time_zone)
    for start in starts.earlier + starts.later:
        assume(start.time is None or _exists(start.at, start.time, zone))
    facts = Facts(
        territory=code,
        appeal_info=appeal_info,
        channel=channel,
        **oqtf,  # type: ignore[arg-type]
    )
    before = evaluate(rule, starts.earlier, facts, where)
    after = evaluate(rule, starts.later, facts, where)
    assume(before.readings)  # e.g. no departure period: no voluntary-departure deadline
    assert before.safe.end <= after.safe.end
    assert before.due <= after.due
    end_before = {r.id: r.end for r in before.readings}
    for result in after.readings:
        if result.id in end_before:
            assert end_before[result.id] <= result.end, result.id
    # And each counting method of each variant, on its own, in both calendars.
    for variant in rule.variants:
        for reading in variant.readings:
            if reading.method in HOURLY:
                continue  # counted by deadlines.instants: see the hour properties below
            for disputed in (False, True):
                calendar = _calendar(code, disputed)
                for early, late in zip(starts.earlier, starts.later, strict=True):
                    a = count(early.at, variant.period, reading.method, calendar).due
                    b = count(late.at, variant.period, reading.method, calendar).due
                    assert a <= b, (rule.id, reading.id, early.at, late.at, disputed)


def _exists(day: date, at: time, zone: ZoneInfo) -> bool:
    return localize(datetime.combine(day, at), zone)[1] != "nonexistent"


def test_latest_can_move_back_when_the_counter_reading_stops_applying() -> None:
    """The documented exception to monotonicity of `latest` (module docstring)."""
    rule = next(r for r in all_rules() if r.id == "renewal-closes")
    where = territory("75")
    facts = Facts(channel=None)
    unsure = evaluate(rule, (Event(EventKind.PERMIT_EXPIRES, date(2024, 11, 27)),), facts, where)
    anef = evaluate(rule, (Event(EventKind.PERMIT_EXPIRES, date(2024, 11, 28)),), facts, where)
    assert {r.id for r in unsure.readings} == {"anef", "counter"}
    assert {r.id for r in anef.readings} == {"anef"}
    assert unsure.due <= anef.due  # the safe date stays monotone
    assert unsure.latest == date(2024, 11, 27) > anef.latest == date(2024, 9, 29)


# --- whole cases ---------------------------------------------------------------------------------


@st.composite
def _cases(draw: st.DrawFn) -> tuple[Case, date]:
    """A consistent case (the chronology of case._ORDER holds by construction) and an as-of."""
    code = draw(CODES)
    where = territory(code)
    base = draw(TRIGGERS)
    assume(_covered(base, where))

    def later(low: int, high: int) -> date:
        return base + timedelta(days=draw(st.integers(low, high)))

    events: list[tuple[EventKind, date]] = []
    filed = draw(st.booleans())
    if filed:
        events.append((EventKind.APPLICATION_FILED, base))
    available = later(0, 40) if draw(st.booleans()) else None
    if available is not None:
        events.append((EventKind.CERTIFICATE_AVAILABLE, available))
    if draw(st.booleans()):
        # on or after both the filing (base) and the availability
        received = max(base, available or base) + timedelta(days=draw(st.integers(0, 90)))
        events.append((EventKind.CERTIFICATE_RECEIVED, received))
    if draw(st.booleans()):
        events.append((EventKind.REFUSAL_NOTIFIED, later(0, 300)))
    for kind in (EventKind.OFII_REQUEST, EventKind.COLLEGE_REQUEST):
        for offset in draw(st.lists(st.integers(0, 200), max_size=2)):
            events.append((kind, base + timedelta(days=offset)))
    if draw(st.booleans()):
        events.append((EventKind.PERMIT_EXPIRES, later(-200, 400)))
    if draw(st.booleans()):
        events.append((EventKind.ASYLUM_REGISTERED, later(-200, 200)))
    oqtf: dict[str, object] = {}
    if draw(st.booleans()):
        notified = later(0, 400)
        at = draw(TIMES)
        assume(at is None or _exists(notified, at, ZoneInfo(where.time_zone)))
        events.append((EventKind.OQTF_NOTIFIED, datetime.combine(notified, at) if at else notified))
        oqtf = draw(_oqtf_facts(notified))
        decided = oqtf["oqtf_decided"]
        assume(decided is None or (isinstance(decided, date) and _covered(decided, where)))
    if not events:
        events.append((EventKind.APPLICATION_FILED, base))
    assume(all(_covered(day, where) for _, day in events))
    facts = Facts(
        territory=code,
        appeal_info=draw(st.booleans()),
        channel=draw(CHANNELS),
        **oqtf,  # type: ignore[arg-type]
    )
    case = make_case(events, facts)  # consistent by construction: no InputError expected
    as_of = later(-30, 700)
    return case, as_of


def _compute(case: Case, as_of: date) -> Computation:
    """compute(), skipping cases whose deadlines run past the verified years (spec §5)."""
    try:
        return compute(case, as_of)
    except CoverageError:
        where = case.where
        # Only legitimate when some event is close enough to an edge of the verified years.
        assert any(
            not _covered(e.at + LONGEST_CHAIN, where)
            or not _covered(e.at - relativedelta(days=121), where)
            for e in case.events
        ), case
        assume(False)
        raise  # unreachable: assume(False) stops the example


def _check_readings(deadline: Deadline, where: Territory) -> None:
    evaluation: Evaluation = deadline.evaluation
    readings = evaluation.readings
    assert readings
    assert deadline.due <= deadline.latest
    assert deadline.end == min(r.end for r in readings) == evaluation.safe.end
    assert evaluation.latest_reading.end == max(r.end for r in readings)
    assert deadline.due == min(r.due for r in readings) == evaluation.safe.due
    assert deadline.latest == max(r.due for r in readings) == evaluation.latest_reading.due
    assert deadline.end <= evaluation.latest_reading.end
    for reading in readings:
        assert reading.end.utcoffset() == timedelta(0)  # compared in UTC, never by wall time
    ids = [r.id for r in readings]
    assert len(set(ids)) == len(ids), ids
    by_id = {r.id: r for r in readings}
    for reading in readings:
        method = reading.reading.method
        calendar = HolidayCalendar(where, with_disputed=reading.with_disputed_holidays)
        steps = reading.steps
        if steps[0].kind is StepKind.REGIME:
            # The choice of regime comes first and does not move the date (CA §0.2).
            assert steps[0].before == steps[0].after == steps[1].before
            steps = steps[1:]
        if method in HOURLY:
            _check_hour_reading(reading.start, reading.at, steps, where, method)
            continue
        _check_trace(steps, reading.start.at, reading.due, calendar, method)
        if reading.with_disputed_holidays:
            assert method in EXTENDING and has_disputed_days(where)
            assert reading.id.endswith("+disputed-holidays")
            base = by_id[reading.id.removesuffix("+disputed-holidays")]
            assert not base.with_disputed_holidays
            assert base.due <= reading.due
        if method in EXTENDING:
            assert reading.due.weekday() < 5, reading.id
            assert calendar.holiday(reading.due) is None, reading.id
            if has_disputed_days(where) and not reading.with_disputed_holidays:
                assert f"{reading.id}+disputed-holidays" in by_id
        if evaluation.rule.start is StartPolicy.DISPUTED_START:
            assert reading.start.kind in evaluation.rule.triggers
        else:
            assert reading.start == deadline.trigger


def _check_hour_reading(
    start: Event, at: datetime | None, steps: tuple[Step, ...], where: Territory, method: Method
) -> None:
    """Spec §2.7: exactly 48 elapsed hours, or the same wall-clock time two days later."""
    zone = ZoneInfo(where.time_zone)
    instant, _ = event_instant(start, zone)
    assert at is not None
    assert is_consistent_chain(steps, instant, at)
    assert steps[-1].kind is StepKind.END_INSTANT
    elapsed = at.astimezone(ZoneInfo("UTC")) - instant.astimezone(ZoneInfo("UTC"))
    wall = datetime.combine(
        instant.date() + timedelta(days=2), instant.timetz().replace(tzinfo=None)
    )
    wall_instant, _ = localize(wall, zone)
    if method is Method.HOURS_ELAPSED:
        assert elapsed == timedelta(hours=48), (instant, at)
    else:
        assert at == wall_instant, (instant, at)
        assert at.replace(tzinfo=None) >= wall  # a missing local time only moves forward


def _check_state(deadline: Deadline, case: Case, as_of: date) -> None:
    assert deadline.days_left == (deadline.due - as_of).days
    rule = deadline.rule
    done = rule.done_by is not None and case.first(rule.done_by) is not None
    assert (deadline.state is State.DONE) == done
    if done:
        return
    if rule.kind is Kind.WINDOW_OPENS:
        assert deadline.state in {State.NOT_YET_OPEN, State.OPEN}
        assert (deadline.state is State.OPEN) == (deadline.days_left <= 0)
    else:
        assert deadline.state in {State.OVERDUE, State.DUE_TODAY, State.UPCOMING}
        assert (deadline.state is State.OVERDUE) == (deadline.days_left < 0)
        assert (deadline.state is State.DUE_TODAY) == (deadline.days_left == 0)
        assert (deadline.state is State.UPCOMING) == (deadline.days_left > 0)


@settings(max_examples=_examples(200))
@given(_cases(), st.data())
def test_whole_computations_are_consistent(drawn: tuple[Case, date], data: st.DataObject) -> None:
    case, as_of = drawn
    result = _compute(case, as_of)
    assert result.as_of == as_of
    dues = [d.due for d in result.deadlines]
    assert dues == sorted(dues)
    for deadline in result.deadlines:
        _check_readings(deadline, case.where)
        _check_state(deadline, case, as_of)
    if not result.deadlines:
        return
    # As of one deadline's own due date (the due-today / window-opens edge): the dates do not
    # depend on the as-of date, only the states and days left do.
    edge = data.draw(st.sampled_from(result.deadlines)).due
    again = compute(case, edge)
    assert [(d.rule.id, d.evaluation) for d in again.deadlines] == [
        (d.rule.id, d.evaluation) for d in result.deadlines
    ]
    for deadline in again.deadlines:
        _check_state(deadline, case, edge)


def _shifted(case: Case, days: int) -> Case:
    try:
        return Case(
            tuple(
                Event(e.kind, e.at + timedelta(days=days), e.rank, time=e.time) for e in case.events
            ),
            case.facts,
        )
    except InputError:
        assume(False)  # the moved time of notification falls in a spring DST gap
        raise


@settings(max_examples=_examples(150))
@given(_cases(), GAPS)
def test_moving_the_whole_case_later_never_moves_a_deadline_earlier(
    drawn: tuple[Case, date], gap: int
) -> None:
    case, as_of = drawn
    assume(all(_covered(e.at + timedelta(days=gap), case.where) for e in case.events))
    moved = _shifted(case, gap)
    before = _compute(case, as_of)
    after = _compute(moved, as_of)

    def key(d: Deadline) -> tuple[str, str, int]:
        return (d.rule.id, d.trigger.kind.value, d.trigger.rank)

    earlier = {key(d): d for d in before.deadlines}
    for deadline in after.deadlines:
        old = earlier.get(key(deadline))
        if old is None:
            continue  # a rule not yet in force, or an implicit refusal the refusal prevents
        assert old.due <= deadline.due, key(deadline)
        old_readings = {r.id: r.due for r in old.evaluation.readings}
        for reading in deadline.evaluation.readings:
            if reading.id in old_readings:
                assert old_readings[reading.id] <= reading.due, (key(deadline), reading.id)
