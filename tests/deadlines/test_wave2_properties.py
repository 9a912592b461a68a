"""Properties of the wave-2 moves (rules.md "Wave 2 rules"; issue 16, "How it is checked")."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from deadlines.case import Event, Facts, make_case
from deadlines.engine import Deadline, compute
from deadlines.explain import StepKind
from deadlines.results import ReadingResult
from deadlines.rules.model import EventKind, LegalAidOutcome, Residence

PARIS = ZoneInfo("Europe/Paris")
AS_OF = date(2026, 6, 1)

days = st.dates(min_value=date(2024, 8, 1), max_value=date(2025, 12, 31))
offsets = st.integers(min_value=0, max_value=80)
outcomes = st.sampled_from(list(LegalAidOutcome))
residences = st.sampled_from(list(Residence))


@st.composite
def moved_cases(draw: st.DrawFn) -> tuple[list[tuple[EventKind, date]], Facts]:
    """A refusal, an OQTF or a judgment, and some of the events that may move its deadline."""
    first = draw(days)
    decision = draw(st.sampled_from(["oqtf", "refusal", "judgment"]))
    pairs: list[tuple[EventKind, date]] = []
    oqtf: dict[str, object] = {}
    residence = Residence.LOCAL
    if decision == "oqtf":
        pairs.append((EventKind.OQTF_NOTIFIED, first))
        oqtf = {"departure_period": draw(st.booleans()), "oqtf_decided": first}
        placement = draw(st.sampled_from([None, "house-arrest", "retention"]))
        if placement is not None:
            at = datetime.combine(
                first + timedelta(days=draw(offsets)), time(draw(st.integers(8, 20)), 0)
            )
            kind = (
                EventKind.HOUSE_ARREST_NOTIFIED
                if placement == "house-arrest"
                else EventKind.RETENTION_NOTIFIED
            )
            pairs.append((kind, at))
    else:
        residence = draw(residences)
        if decision == "refusal":
            pairs.append((EventKind.REFUSAL_NOTIFIED, first))
            if draw(st.booleans()):
                pairs.append((EventKind.RECOURS_RECEIVED, first + timedelta(days=draw(offsets))))
        else:
            pairs.append((EventKind.REFUSAL_NOTIFIED, first - timedelta(days=200)))
            pairs.append((EventKind.JUDGMENT_NOTIFIED, first))
    outcome = LegalAidOutcome.GRANTED
    if draw(st.booleans()):
        asked = first + timedelta(days=draw(offsets))
        pairs.append((EventKind.LEGAL_AID_REQUESTED, asked))
        if draw(st.booleans()):
            outcome = draw(outcomes)
            decided = asked + timedelta(days=draw(offsets))
            pairs.append((EventKind.LEGAL_AID_DECIDED, decided))
            if outcome is LegalAidOutcome.GRANTED and draw(st.booleans()):
                pairs.append((EventKind.LAWYER_DESIGNATED, decided + timedelta(draw(offsets))))
    facts = Facts(legal_aid_outcome=outcome, residence=residence, **oqtf)  # type: ignore[arg-type]
    return pairs, facts


def _moment(event: Event) -> datetime:
    """The earliest instant of the event (its day at 00:00 when it has no time)."""
    return datetime.combine(event.at, event.time or time(0, 0), PARIS).astimezone(UTC)


def _deadlines(pairs: list[tuple[EventKind, date]], facts: Facts) -> list[Deadline]:
    return list(compute(make_case(pairs, facts), AS_OF).deadlines)


@settings(max_examples=300, deadline=None)
@given(moved_cases())
def test_a_moved_deadline_never_ends_before_what_moved_it(
    case: tuple[list[tuple[EventKind, date]], Facts],
) -> None:
    pairs, facts = case
    checked: list[ReadingResult] = []
    for deadline in _deadlines(pairs, facts):
        if deadline.end is None:
            assert deadline.state.value in ("suspended", "done")
            assert deadline.due is None and deadline.latest is None
            assert deadline.suspended_by is not None
            continue
        assert deadline.latest_end is not None and deadline.end <= deadline.latest_end
        assert deadline.due is not None and deadline.latest is not None
        assert deadline.due <= deadline.latest
        for event in deadline.moved_by:
            # R.921-1 may make a deadline earlier than before, never earlier than the switch.
            moved = [
                r for r in deadline.evaluation.readings if (event.kind, event.at) in _movers(r)
            ]
            checked.extend(moved)
            for reading in moved:
                assert reading.end >= _moment(event), (reading.id, event)


def _movers(reading: ReadingResult) -> list[tuple[EventKind, object]]:
    """The events a reading's steps say interrupted it (an unmoved reading has none)."""
    return [
        (EventKind(step.message.removeprefix("step.interrupted-")), dict(step.params)["day"])
        for step in reading.steps
        if step.kind is StepKind.INTERRUPTED
    ]


@settings(max_examples=300, deadline=None)
@given(moved_cases())
def test_a_moved_deadline_keeps_its_rule_and_trigger(
    case: tuple[list[tuple[EventKind, date]], Facts],
) -> None:
    pairs, facts = case
    first = [p for p in pairs if p[0] in _DECISIONS]
    before = {d.key: d for d in _deadlines(first, _plain(facts))}
    after = {d.key: d for d in _deadlines(pairs, facts)}
    for key, deadline in before.items():
        if key.rule in {"administrative-appeal"}:
            continue
        if facts.residence is not Residence.LOCAL:
            continue  # distance changes the dates, not the keys: checked below
        assert key in after, key
        assert after[key].trigger == deadline.trigger
        assert after[key].rule is deadline.rule


_DECISIONS = {EventKind.OQTF_NOTIFIED, EventKind.REFUSAL_NOTIFIED, EventKind.JUDGMENT_NOTIFIED}


def _plain(facts: Facts) -> Facts:
    return Facts(
        departure_period=facts.departure_period,
        oqtf_decided=facts.oqtf_decided,
        residence=facts.residence,
    )


@settings(max_examples=200, deadline=None)
@given(days, st.integers(min_value=1, max_value=400), outcomes)
def test_legal_aid_after_the_latest_date_changes_nothing(
    notified: date, late_by: int, outcome: LegalAidOutcome
) -> None:
    plain = _deadlines([(EventKind.REFUSAL_NOTIFIED, notified)], Facts())
    appeal = next(d for d in plain if d.rule.id == "appeal-refusal")
    assert appeal.latest is not None
    asked = appeal.latest + timedelta(days=late_by)
    pairs = [
        (EventKind.REFUSAL_NOTIFIED, notified),
        (EventKind.LEGAL_AID_REQUESTED, asked),
        (EventKind.LEGAL_AID_DECIDED, asked + timedelta(days=10)),
    ]
    late = next(
        d
        for d in _deadlines(pairs, Facts(legal_aid_outcome=outcome))
        if d.rule.id == "appeal-refusal"
    )
    assert (late.due, late.latest, late.moved_by) == (appeal.due, appeal.latest, ())
    assert any(getattr(w, "key", "") == "warning.event-too-late" for w in late.warnings)


@settings(max_examples=200, deadline=None)
@given(days, offsets)
def test_an_event_before_the_trigger_is_not_looked_at(notified: date, early_by: int) -> None:
    pairs = [
        (EventKind.REFUSAL_NOTIFIED, notified),
        (EventKind.LEGAL_AID_REQUESTED, notified - timedelta(days=early_by + 1)),
    ]
    plain = _deadlines(pairs[:1], Facts())
    with_aid = _deadlines(pairs, Facts())
    assert [(d.key, d.due, d.latest) for d in plain] == [(d.key, d.due, d.latest) for d in with_aid]
    assert all(not d.moved_by for d in with_aid)
