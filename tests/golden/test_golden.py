"""Every worked example of ../shared/spec/research that belongs to a rule of the catalogue."""

from __future__ import annotations

from datetime import date

import pytest

from deadlines.case import Event, Facts, make_case
from deadlines.engine import Evaluation, compute, evaluate
from deadlines.explain import is_consistent_chain
from deadlines.holidays import HolidayCalendar
from deadlines.periods import Method, Period, count
from deadlines.rules import rule_by_id
from deadlines.rules.model import Channel, EventKind
from deadlines.territories import territory
from tests.golden.loader import CountingCase, RuleCase, load

RULE_CASES, COUNTING_CASES = load()


def _facts(case: RuleCase) -> Facts:
    channel = case.facts.get("channel")
    return Facts(
        territory=case.territory,
        appeal_info=case.facts.get("appeal-info", True),
        channel=Channel(channel) if channel else None,
    )


def _evaluation(case: RuleCase) -> Evaluation:
    rule = rule_by_id(case.rule)
    assert rule is not None, f"unknown rule {case.rule}"
    facts = _facts(case)
    if case.trigger is not None:
        kind, at = case.trigger
        return evaluate(
            rule, (Event(EventKind(kind), at, derived=True),), facts, territory(facts.territory)
        )
    pairs = [(EventKind(kind), day) for kind, days in case.events.items() for day in days]
    result = compute(make_case(pairs, facts), as_of=date(2026, 1, 1))
    matching = [d for d in result.deadlines if d.rule.id == case.rule]
    assert matching, f"{case.rule} not computed; notes: {result.notes}"
    matching.sort(key=lambda d: (d.trigger.at, d.trigger.rank))
    return matching[case.trigger_index].evaluation


@pytest.mark.parametrize("case", RULE_CASES, ids=[c.id for c in RULE_CASES])
def test_rule_case(case: RuleCase) -> None:
    evaluation = _evaluation(case)
    readings = {r.id: r.due for r in evaluation.readings}
    assert evaluation.due == case.expect_due, readings
    assert evaluation.latest == case.expect_latest, readings
    for reading_id, expected in case.expect_readings.items():
        assert readings.get(reading_id) == expected, (reading_id, readings)
    for result in evaluation.readings:
        assert is_consistent_chain(result.steps, result.start.at, result.due)


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
    ["CE 5 juin 2009", "CE 13 mai 2015", "Icard", "Ouvre-boîte", "Vagneux", "CE 15 déc. 2023"],
)
def test_public_sources_are_covered(source: str) -> None:
    cases = [
        c for c in RULE_CASES + COUNTING_CASES if c.public and source.lower() in c.source.lower()
    ]
    assert cases, f"no public golden case from {source}"
