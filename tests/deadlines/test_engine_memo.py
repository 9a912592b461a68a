"""The engine's memos and per-case precomputation never change a result.

The engine memoises each evaluation on the rule, its starts, the facts the rule's variants test
and the calendar of a stand-in territory with the same holidays (deadlines/engine.py), counts and
their steps by calendar (deadlines/periods.py), and works out what every rule reads of a case once
per case. Each test compares a computation made after others — the same case, other cases with
other facts, other territories — with the same computation made with every memo empty.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deadlines import engine, instants, periods
from deadlines.case import Case, Event, Facts, make_case
from deadlines.engine import briefs, compute, evaluate
from deadlines.errors import CoverageError
from deadlines.rules import rule_by_id
from deadlines.rules.model import Channel, Custody, EventKind, OqtfGround
from deadlines.territories import same_calendar, territory
from tests.deadlines.test_properties import _cases, _compute, _examples

AS_OF = date(2026, 1, 15)
# Every kind of event, and each fact some variant tests (appeal info, channel, the OQTF facts).
EVENTS = [
    (EventKind.APPLICATION_FILED, date(2025, 10, 5)),
    (EventKind.CERTIFICATE_AVAILABLE, date(2025, 10, 7)),
    (EventKind.OFII_REQUEST, date(2025, 11, 16)),
    (EventKind.CERTIFICATE_RECEIVED, date(2025, 11, 20)),
    (EventKind.REFUSAL_NOTIFIED, date(2026, 3, 2)),
    (EventKind.OQTF_NOTIFIED, datetime(2026, 3, 10, 10, 30)),
    (EventKind.PERMIT_EXPIRES, date(2026, 3, 31)),
]
OQTF = Facts(departure_period=True, oqtf_decided=date(2026, 3, 9))
OTHER_FACTS = [
    OQTF,
    replace(OQTF, appeal_info=False),
    replace(OQTF, channel=Channel.COUNTER),
    replace(OQTF, channel=Channel.ANEF),
    replace(OQTF, oqtf_decided=None),
    replace(OQTF, oqtf_decided=date(2024, 7, 1)),
    replace(OQTF, departure_period=False),
    replace(OQTF, departure_period=False, custody=Custody.RETENTION),
    replace(OQTF, custody=Custody.HOUSE_ARREST, ground=OqtfGround.ASYLUM),
    replace(OQTF, ground=OqtfGround.OTHER),
]
# 75 and 33 share a calendar (01 stands in for both); 57 (Alsace-Moselle) and 971 (Guadeloupe)
# have disputed days, 972 other holidays, 974 another time zone.
CODES = ["75", "33", "01", "57", "67", "971", "972", "974"]


def _forget() -> None:
    """Empty every memo of the engine and of counting, as in a fresh process."""
    engine._outcome_cached.cache_clear()
    engine._catalogue_selection.cache_clear()
    engine._place.cache_clear()
    engine._move_place.cache_clear()
    instants.end_of_day.cache_clear()
    periods.count_in.cache_clear()
    periods.shared_calendar.cache_clear()
    for step in (
        periods._start_step,
        periods._day_after_step,
        periods._months_step,
        periods._days_step,
        periods._franc_day_step,
        periods._birth_step,
        periods._working_day_step,
        periods._end_of_day_step,
    ):
        step.cache_clear()


def _fresh(case: Case) -> str:
    _forget()
    return repr(compute(case, AS_OF))


def _case(code: str, facts: Facts = OQTF) -> Case:
    return make_case(EVENTS, replace(facts, territory=code))


def test_a_case_computed_twice_in_a_row_gives_the_same_result() -> None:
    case = _case("57")
    fresh = _fresh(case)
    assert repr(compute(case, AS_OF)) == fresh
    assert repr(compute(case, AS_OF)) == fresh
    assert briefs(case) == tuple(d.brief for d in compute(case, AS_OF).deadlines)


def _after(case: Case, others: list[Case]) -> None:
    """`case` computed after `others` (the memos empty before them) equals `case` alone."""
    fresh = _fresh(case)
    _forget()
    for other in others:
        compute(other, AS_OF)
    assert repr(compute(case, AS_OF)) == fresh


@pytest.mark.parametrize("facts", OTHER_FACTS)
def test_a_case_after_the_same_events_with_other_facts(facts: Facts) -> None:
    _after(_case("75", facts), [_case("75", other) for other in OTHER_FACTS])


@pytest.mark.parametrize("code", CODES)
def test_a_case_after_the_same_case_in_other_territories(code: str) -> None:
    _after(_case(code), [_case(other) for other in CODES])


def test_a_case_after_others_with_other_events() -> None:
    """Cases sharing some evaluations but not the events around them: a certificate received
    after the safe date, an express refusal after the implicit one, another OQTF."""
    filed = [(EventKind.APPLICATION_FILED, date(2025, 1, 15))]
    cases = [
        make_case(filed),
        make_case([*filed, (EventKind.CERTIFICATE_RECEIVED, date(2025, 6, 2))]),
        make_case([*filed, (EventKind.REFUSAL_NOTIFIED, date(2025, 6, 2))]),
        make_case(
            [
                *filed,
                (EventKind.REFUSAL_NOTIFIED, date(2025, 6, 2)),
                (EventKind.OQTF_NOTIFIED, date(2025, 6, 2)),
            ],
            Facts(departure_period=True),
        ),
        make_case(
            [*filed, (EventKind.OQTF_NOTIFIED, date(2025, 6, 2))],
            Facts(departure_period=True, appeal_info=False),
        ),
    ]
    for case in cases:
        _after(case, cases)


def test_territories_with_one_calendar_share_their_evaluations_and_no_others() -> None:
    assert same_calendar("75") == same_calendar("33")
    assert same_calendar("57") == same_calendar("67") != same_calendar("75")

    def readings(code: str) -> list[tuple[str, ...]]:
        return [
            tuple(r.id for r in d.evaluation.readings)
            for d in compute(_case(code), AS_OF).deadlines
        ]

    paris = readings("75")
    assert readings("33") == paris
    alsace = readings("57")
    assert alsace != paris  # the disputed Good Friday: readings of their own in Alsace-Moselle
    assert any("+disputed-holidays" in i for r in alsace for i in r)
    assert not any("+disputed-holidays" in i for r in readings("75") for i in r)
    assert readings("67") == alsace


def test_an_evaluation_equals_one_made_without_the_memo() -> None:
    """`evaluate` with a copy of a catalogue rule is never memoised: it must agree."""
    rule = rule_by_id("certificate")
    assert rule is not None
    starts = (
        Event(EventKind.CERTIFICATE_AVAILABLE, date(2025, 10, 7)),
        Event(EventKind.APPLICATION_FILED, date(2025, 10, 5)),
    )
    for code in CODES:
        facts = replace(Facts(), territory=code)
        where = territory(code)
        assert repr(evaluate(rule, starts, facts, where)) == repr(
            evaluate(replace(rule), starts, facts, where)
        )


@pytest.mark.parametrize("code", ["33", "01", "57", "971"])
def test_a_coverage_error_names_the_territory_of_the_case(code: str) -> None:
    """Counts are memoised in a stand-in territory's calendar; the error names the case's own
    (33, never 01), whatever was computed before."""
    events = [(EventKind.APPLICATION_FILED, date(2050, 11, 15))]  # born in 2051
    for before in ("01", "33", code):
        with pytest.raises(CoverageError):
            briefs(make_case(events, Facts(territory=before)))
        with pytest.raises(CoverageError) as raised:
            briefs(make_case(events, Facts(territory=code)))
        assert raised.value.params["territory"] == code


@settings(max_examples=_examples(40))
@given(st.lists(_cases(), min_size=2, max_size=4))
def test_cases_computed_one_after_another_equal_each_computed_alone(
    drawn: list[tuple[Case, date]],
) -> None:
    alone = []
    for case, as_of in drawn:
        _forget()
        alone.append(repr(_compute(case, as_of)))
    _forget()
    for _ in range(2):  # then in turn, twice, each after all the others
        for (case, as_of), expected in zip(drawn, alone, strict=True):
            assert repr(_compute(case, as_of)) == expected
