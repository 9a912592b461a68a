"""Every worked example of ../shared/spec/research that belongs to a rule of the catalogue."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from deadlines.case import Event, Facts, event_instant, make_case
from deadlines.engine import Deadline, compute, evaluate
from deadlines.explain import is_consistent_chain
from deadlines.holidays import HolidayCalendar
from deadlines.periods import Method, Period, count
from deadlines.results import Evaluation, Message, ReadingResult
from deadlines.rules import rule_by_id
from deadlines.rules.model import (
    Channel,
    Custody,
    EventKind,
    LegalAidOutcome,
    OqtfGround,
    Residence,
)
from deadlines.territories import territory
from tests.golden.loader import SUSPENDED, CountingCase, RuleCase, load

RULE_CASES, COUNTING_CASES = load()


def _facts(case: RuleCase) -> Facts:
    channel = case.facts.get("channel")
    decided = case.facts.get("oqtf-decided")
    return Facts(
        territory=case.territory,
        appeal_info=case.facts.get("appeal-info", True),
        channel=Channel(channel) if channel else None,
        oqtf_decided=date.fromisoformat(decided) if decided else None,
        departure_period=case.facts.get("departure-period"),
        custody=Custody(case.facts.get("custody", "none")),
        ground=OqtfGround(case.facts.get("oqtf-ground", "3")),
        legal_aid_outcome=LegalAidOutcome(case.facts.get("legal-aid-outcome", "granted")),
        residence=Residence(case.facts.get("residence", "local")),
        judgment_appeal_info=case.facts.get("judgment-appeal-info", True),
    )


def _event(kind: str, at: date) -> Event:
    if isinstance(at, datetime):
        return Event(EventKind(kind), at.date(), derived=True, time=at.time())
    return Event(EventKind(kind), at, derived=True)


def _evaluation(
    case: RuleCase,
) -> tuple[Evaluation, tuple[Message | object, ...], Deadline | None]:
    """The rule's evaluation for the case, the warnings shown with it, and the deadline (None
    for a case given by its trigger alone: it is evaluated outside a whole case)."""
    rule = rule_by_id(case.rule)
    assert rule is not None, f"unknown rule {case.rule}"
    facts = _facts(case)
    if case.trigger is not None:
        kind, at = case.trigger
        evaluation = evaluate(rule, (_event(kind, at),), facts, territory(facts.territory))
        return evaluation, evaluation.warnings, None
    pairs = [(EventKind(kind), day) for kind, days in case.events.items() for day in days]
    result = compute(make_case(pairs, facts), as_of=date(2026, 1, 1))
    matching = [d for d in result.deadlines if d.rule.id == case.rule]
    assert matching, f"{case.rule} not computed; notes: {result.notes}"
    matching.sort(key=lambda d: (d.trigger.at, d.trigger.rank))
    deadline = matching[case.trigger_index]
    return deadline.evaluation, deadline.warnings, deadline


def _is_in_order(expected: tuple[str, ...], actual: tuple[str, ...]) -> bool:
    """`expected` appears in `actual` in this order (other events may come between)."""
    remaining = iter(actual)
    return all(kind in remaining for kind in expected)


def _ends(result: ReadingResult) -> date:
    """What a golden case states: the last day, or the exact instant of an hour deadline."""
    return result.at if result.at is not None else result.due


def _same(actual: date, expected: date) -> bool:
    # An instant must match to the minute and carry the expected UTC offset.
    if isinstance(expected, datetime):
        return (
            isinstance(actual, datetime)
            and actual == expected
            and actual.utcoffset() == expected.utcoffset()
        )
    return not isinstance(actual, datetime) and actual == expected


@pytest.mark.parametrize("case", RULE_CASES, ids=[c.id for c in RULE_CASES])
def test_rule_case(case: RuleCase) -> None:
    evaluation, warnings, deadline = _evaluation(case)
    readings = {r.id: _ends(r) for r in evaluation.readings}
    if case.expect_state is not None:
        assert deadline is not None, "expect_state needs a whole case (events), not a trigger"
        assert deadline.state.value == case.expect_state, (deadline.state, readings)
    if case.expect_state == SUSPENDED:
        # Waiting for the event that restarts it (rules.md wave 2, "Waiting"): no date at all.
        assert deadline is not None
        assert deadline.due is None and deadline.latest is None, (deadline.due, deadline.latest)
        assert deadline.due_at is None and deadline.latest_at is None
    else:
        assert case.expect_due is not None and case.expect_latest is not None
        assert _same(_ends(evaluation.safe), case.expect_due), readings
        assert _same(_ends(evaluation.latest_reading), case.expect_latest), readings
    for reading_id, expected in case.expect_readings.items():
        assert reading_id in readings, (reading_id, readings)
        assert _same(readings[reading_id], expected), (reading_id, readings)
    keys = {w.key for w in warnings if isinstance(w, Message)}
    for key in case.expect_warnings:
        assert key in keys, (key, keys)
    if case.expect_moved_by is not None:
        moved = deadline.moved_by if deadline is not None else evaluation.moved_by
        kinds = tuple(event.kind.value for event in moved)
        if case.expect_moved_by:
            assert _is_in_order(case.expect_moved_by, kinds), (case.expect_moved_by, kinds)
        else:
            assert kinds == (), kinds  # an empty list: nothing moved the deadline
    if case.expect_status is not None:
        status = deadline.status if deadline is not None else evaluation.status
        assert status.value == case.expect_status, (status, readings)
    zone = ZoneInfo(territory(case.territory).time_zone)
    for result in evaluation.readings:
        # The trace starts at the trigger (its instant for an hour period) and ends at the result.
        # A reading moved by a wave-2 event keeps its start: its steps begin with the move
        # (from the original trigger to the new start), so the same chain check applies.
        start = event_instant(result.start, zone)[0] if result.at is not None else result.start.at
        assert is_consistent_chain(result.steps, start, _ends(result))


@pytest.mark.parametrize("case", COUNTING_CASES, ids=[c.id for c in COUNTING_CASES])
def test_counting_case(case: CountingCase) -> None:
    period = Period(years=case.years, months=case.months, days=case.days)
    calendar = HolidayCalendar(territory(case.territory))
    counted = count(case.trigger, period, Method(case.method), calendar)
    assert counted.due == case.expect
    assert is_consistent_chain(counted.steps, case.trigger, counted.due)


def test_enough_golden_cases() -> None:
    assert len(RULE_CASES) >= 50
    assert len({c.id for c in RULE_CASES + COUNTING_CASES}) == len(RULE_CASES) + len(COUNTING_CASES)


@pytest.mark.parametrize(
    "source",
    [
        "CE 5 juin 2009",
        "CE 13 mai 2015",
        "Icard",
        "Ouvre-boîte",
        "Vagneux",
        "CE 15 déc. 2023",
        "Oprea",
        "21TL04825",
        "24LY03013",
        "24TL02643",
    ],
)
def test_public_sources_are_covered(source: str) -> None:
    cases = [
        c for c in RULE_CASES + COUNTING_CASES if c.public and source.lower() in c.source.lower()
    ]
    assert cases, f"no public golden case from {source}"
