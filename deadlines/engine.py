"""Applies the rule catalogue to a case: derived events, readings, safe and latest dates, state.

One code path computes every deadline: `compute`, and later the caseload's `show`, `agenda` and
`export`, all call `compute`. Renderers never compute dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from deadlines.case import Case, Event, Facts
from deadlines.errors import ParamValue
from deadlines.explain import Step
from deadlines.holidays import HolidayCalendar, has_disputed_days
from deadlines.periods import EXTENDING, count
from deadlines.rules import all_rules
from deadlines.rules.model import (
    Channel,
    EventKind,
    Kind,
    Reading,
    Rule,
    StartPolicy,
    Status,
    Text,
    Variant,
)
from deadlines.territories import Territory


class State(StrEnum):
    UPCOMING = "upcoming"
    DUE_TODAY = "due-today"
    OVERDUE = "overdue"
    DONE = "done"
    NOT_YET_OPEN = "not-yet-open"
    OPEN = "open"


@dataclass(frozen=True)
class Message:
    """A sentence made by the engine, rendered in the output language by deadlines.messages."""

    key: str
    params: tuple[tuple[str, ParamValue], ...] = ()


Note = Text | Message


@dataclass(frozen=True)
class ReadingResult:
    id: str
    reading: Reading
    start: Event
    due: date
    with_disputed_holidays: bool
    basis: tuple[str, ...]
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Evaluation:
    """A rule applied to one trigger, independent of the as-of date."""

    rule: Rule
    trigger: Event
    readings: tuple[ReadingResult, ...]
    basis: tuple[str, ...]
    status: Status
    notes: tuple[Note, ...]

    @property
    def safe(self) -> ReadingResult:
        return min(self.readings, key=lambda r: r.due)  # min() keeps the first minimal one

    @property
    def latest_reading(self) -> ReadingResult:
        # The first listed wins a tie: max() keeps the first maximal element.
        return max(self.readings, key=lambda r: r.due)

    @property
    def due(self) -> date:
        return self.safe.due

    @property
    def latest(self) -> date:
        return self.latest_reading.due


@dataclass(frozen=True)
class Deadline:
    evaluation: Evaluation
    state: State
    days_left: int
    warnings: tuple[Note, ...]

    @property
    def rule(self) -> Rule:
        return self.evaluation.rule

    @property
    def trigger(self) -> Event:
        return self.evaluation.trigger

    @property
    def due(self) -> date:
        return self.evaluation.due

    @property
    def latest(self) -> date:
        return self.evaluation.latest


@dataclass(frozen=True)
class Computation:
    case: Case
    as_of: date
    deadlines: tuple[Deadline, ...]
    notes: tuple[Note, ...]


# L.425-9 is on the ANEF list by 31 July 2024 at the latest (service-public F17164); before that
# the date is unknown (open-points Q3). A renewal window opening earlier needs the channel.
ANEF_CERTAIN_FROM = date(2024, 7, 31)


def _variants(
    rule: Rule, facts: Facts, trigger: Event
) -> tuple[tuple[Variant, ...], tuple[Note, ...]]:
    """The variants that apply; when a deciding fact is unknown, all possible ones (spec §3)."""
    channel = facts.channel
    notes: list[Note] = []
    if channel is None and any(v.when.channel is not None for v in rule.variants):
        if trigger.at - timedelta(days=120) >= ANEF_CERTAIN_FROM:
            channel = Channel.ANEF  # rules.md default
        else:
            notes.append(Message("warning.channel-unknown", (("since", ANEF_CERTAIN_FROM),)))
    matching = tuple(
        v
        for v in rule.variants
        if (v.when.appeal_info is None or v.when.appeal_info == facts.appeal_info)
        and (v.when.channel is None or channel is None or v.when.channel == channel)
    )
    return matching, tuple(notes)


def evaluate(rule: Rule, starts: tuple[Event, ...], facts: Facts, where: Territory) -> Evaluation:
    """Every reading of `rule` from `starts` (one, or several when the start is disputed)."""
    variants, notes = _variants(rule, facts, starts[0])
    base = HolidayCalendar(where)
    disputed = HolidayCalendar(where, with_disputed=True)
    results: list[ReadingResult] = []
    for variant in variants:
        for start in starts:
            for reading in variant.readings:
                calendars = [base]
                if reading.method in EXTENDING and has_disputed_days(where):
                    calendars.append(disputed)
                for calendar in calendars:
                    counted = count(
                        start.at, variant.period, reading.method, calendar, rule.extension_citation
                    )
                    reading_id = reading.id
                    if len(starts) > 1:
                        reading_id += f"@{start.kind.value}"
                    if calendar.with_disputed:
                        reading_id += "+disputed-holidays"
                    results.append(
                        ReadingResult(
                            reading_id,
                            reading,
                            start,
                            counted.due,
                            calendar.with_disputed,
                            variant.basis + reading.basis,
                            counted.steps,
                        )
                    )
    basis = tuple(dict.fromkeys(b for v in variants for b in v.basis))
    # The weakest status of the variants in play (an unknown fact makes the whole deadline as
    # uncertain as its least settled possibility).
    order = [Status.SETTLED, Status.PREVAILING, Status.DISPUTED, Status.OPEN]
    status = max((v.status for v in variants), key=order.index, default=rule.status)
    variant_notes = tuple(n for v in variants for n in v.notes)
    return Evaluation(
        rule, starts[0], tuple(results), basis, status, (*notes, *variant_notes, *rule.notes)
    )


def _trigger_groups(rule: Rule, events: list[Event]) -> Iterator[tuple[Event, ...]]:
    if rule.start is StartPolicy.DISPUTED_START:
        given = [
            next(e for e in events if e.kind == kind)
            for kind in rule.triggers
            if any(e.kind == kind for e in events)
        ]
        if given:
            yield tuple(given)
        return
    for kind in rule.triggers:
        for event in events:
            if event.kind == kind:
                yield (event,)


def _state(rule: Rule, due: date, as_of: date, case: Case) -> State:
    if rule.done_by is not None and case.first(rule.done_by) is not None:
        return State.DONE
    if rule.kind is Kind.WINDOW_OPENS:
        return State.NOT_YET_OPEN if as_of < due else State.OPEN
    if due < as_of:
        return State.OVERDUE
    return State.DUE_TODAY if due == as_of else State.UPCOMING


def _context_warnings(evaluation: Evaluation, case: Case) -> tuple[Note, ...]:
    """Warnings that depend on other events of the case."""
    rule = evaluation.rule
    warnings: list[Note] = []
    done = case.first(rule.done_by) if rule.done_by is not None else None
    if done is not None and done.at > evaluation.due:
        warnings.append(
            Message("warning.done-after-safe", (("day", done.at), ("due", evaluation.due)))
        )
    refusal = case.first(EventKind.REFUSAL_NOTIFIED)
    if (
        refusal is not None
        and evaluation.trigger.kind is EventKind.IMPLICIT_REFUSAL_BORN
        and refusal.at > evaluation.trigger.at
    ):
        # CJA R.421-2 al. 1: an express refusal within the appeal period makes it run again.
        warnings.append(Message("warning.express-after-implicit", (("day", refusal.at),)))
    return tuple(warnings)


def compute(case: Case, as_of: date) -> Computation:
    """Every deadline of the case, sorted by safe date, with the notes the engine made."""
    where = case.where
    events = list(case.events)
    deadlines: list[Deadline] = []
    notes: list[Note] = []
    for rule in all_rules():
        replaced = rule.replaced_by is not None and case.first(rule.replaced_by) is not None
        for starts in _trigger_groups(rule, events):
            trigger = starts[0]
            if replaced:
                notes.append(Message("note.replaced", (("rule", rule.id),)))
                break
            if trigger.at < rule.valid_from or (
                rule.valid_until is not None and trigger.at > rule.valid_until
            ):
                notes.append(
                    Message(
                        "note.not-in-force",
                        (("rule", rule.id), ("day", trigger.at), ("since", rule.valid_from)),
                    )
                )
                continue
            evaluation = evaluate(rule, starts, case.facts, where)
            if rule.produces is not None:
                refusal = case.first(EventKind.REFUSAL_NOTIFIED)
                if refusal is not None and refusal.at <= evaluation.due:
                    # An express refusal notified before the silence ran out: no implicit
                    # decision is born (CJA R.421-2 al. 1; rules.md).
                    notes.append(
                        Message(
                            "note.no-implicit-refusal",
                            (("refusal", refusal.at), ("born", evaluation.due)),
                        )
                    )
                    continue
                events.append(Event(rule.produces, evaluation.due, derived=True))
            deadlines.append(
                Deadline(
                    evaluation,
                    _state(rule, evaluation.due, as_of, case),
                    (evaluation.due - as_of).days,
                    _context_warnings(evaluation, case),
                )
            )
    order = {rule.id: index for index, rule in enumerate(all_rules())}
    deadlines.sort(key=lambda d: (d.due, order[d.rule.id], d.trigger.at, d.trigger.rank))
    return Computation(case, as_of, tuple(deadlines), tuple(notes))
