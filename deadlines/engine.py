"""Applies the rule catalogue to a case: derived events, readings, safe and latest dates, state.

One code path computes every deadline: `compute`, and later the caseload's `show`, `agenda` and
`export`, all call `compute`. Renderers never compute dates.

A deadline ends either at 24:00 local time on its last day (day and month periods) or at an exact
instant (hour periods, spec §2.7). Readings of one rule can mix both (an OQTF whose regime is
unknown: 48 hours or 1 month), so they are compared by the instant they end (`end`, aware).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from deadlines.case import Case, Event, Facts, event_instant
from deadlines.errors import ParamValue
from deadlines.explain import Step, StepKind
from deadlines.holidays import HolidayCalendar, has_disputed_days
from deadlines.instants import HourReading, count_hours
from deadlines.periods import EXTENDING, HOURLY, Method, count
from deadlines.rules import all_rules, rule_by_id
from deadlines.rules.model import (
    Channel,
    EventKind,
    Kind,
    OqtfGround,
    Reading,
    Regime,
    Rule,
    StartPolicy,
    Status,
    Text,
    Variant,
)
from deadlines.territories import Territory, same_calendar


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
    due: date  # the last day (local); for an hour period, the local day of `at`
    at: datetime | None  # the exact end of an hour period (aware, in the case's zone)
    # When the period is over, in UTC: `at`, or 00:00 local the day after `due`. Always UTC,
    # because Python compares and subtracts datetimes of one zone by their wall time, ignoring
    # the offset (wrong across a DST change).
    end: datetime
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
    warnings: tuple[Note, ...] = ()

    @property
    def safe(self) -> ReadingResult:
        return min(self.readings, key=lambda r: r.end)  # min() keeps the first minimal one

    @property
    def latest_reading(self) -> ReadingResult:
        # The first listed wins a tie: max() keeps the first maximal element.
        return max(self.readings, key=lambda r: r.end)

    @property
    def due(self) -> date:
        return self.safe.due

    @property
    def latest(self) -> date:
        return self.latest_reading.due

    @property
    def due_at(self) -> datetime | None:
        return self.safe.at

    @property
    def latest_at(self) -> datetime | None:
        return self.latest_reading.at


@dataclass(frozen=True, order=True)
class DeadlineKey:
    """What identifies a deadline across corrections of its dates: rule, trigger kind, rank."""

    rule: str
    trigger: str
    rank: int = 0


def deadline_key(evaluation: Evaluation) -> DeadlineKey:
    """Stable when a date is corrected or a disputed start is added: a rule whose start is
    disputed (the certificate: filing or availability) is keyed by its first trigger kind,
    whichever of its starts the case has."""
    return _key(evaluation.rule, evaluation.trigger)


def _key(rule: Rule, trigger: Event) -> DeadlineKey:
    kind = rule.triggers[0] if rule.start is StartPolicy.DISPUTED_START else trigger.kind
    return DeadlineKey(rule.id, kind.value, trigger.rank)


@dataclass(frozen=True)
class Brief:
    """A deadline as a list of many deadlines needs it, whatever the as-of day: its dates, basis,
    status and warnings, without its readings and steps.

    What `agenda`, `export` and `case list` read; the caseload keeps it as a memo keyed by the
    case's events and the engine's own fingerprint (caseload/memo.py), never as the truth.
    """

    rule: Rule
    trigger: Event
    key: DeadlineKey
    due: date  # the safe reading's last day (local)
    due_at: datetime | None  # its exact end, for an hour period (aware, in the case's zone)
    latest: date
    latest_at: datetime | None
    end: datetime  # when the safe reading is over, in UTC
    latest_end: datetime  # when the latest reading is over, in UTC
    basis: tuple[str, ...]
    status: Status
    warnings: tuple[Note, ...]
    done_by_event: bool  # the event that fulfils the rule (rule.done_by) is in the case


class _Dated:
    """The brief's fields, read through `self.brief` (Deadline and Listed share them)."""

    brief: Brief

    @property
    def rule(self) -> Rule:
        return self.brief.rule

    @property
    def trigger(self) -> Event:
        return self.brief.trigger

    @property
    def key(self) -> DeadlineKey:
        return self.brief.key

    @property
    def due(self) -> date:
        return self.brief.due

    @property
    def due_at(self) -> datetime | None:
        return self.brief.due_at

    @property
    def latest(self) -> date:
        return self.brief.latest

    @property
    def latest_at(self) -> datetime | None:
        return self.brief.latest_at

    @property
    def end(self) -> datetime:
        return self.brief.end

    @property
    def latest_end(self) -> datetime:
        return self.brief.latest_end

    @property
    def basis(self) -> tuple[str, ...]:
        return self.brief.basis

    @property
    def status(self) -> Status:
        return self.brief.status

    @property
    def warnings(self) -> tuple[Note, ...]:
        return self.brief.warnings


@dataclass(frozen=True)
class Listed(_Dated):
    """A brief seen on a given day: what a list shows (state, days left)."""

    brief: Brief
    state: State
    days_left: int


@dataclass(frozen=True)
class Deadline(_Dated):
    """A deadline in full: its evaluation (every reading, with its steps) and its brief."""

    evaluation: Evaluation
    brief: Brief
    state: State
    days_left: int

    @property
    def listed(self) -> Listed:
        return Listed(self.brief, self.state, self.days_left)


@dataclass(frozen=True)
class Computation:
    case: Case
    as_of: date
    deadlines: tuple[Deadline, ...]
    notes: tuple[Note, ...]
    now: datetime | None = None  # the exact reference instant, when known (aware)


# L.425-9 is on the ANEF list by 31 July 2024 at the latest (service-public F17164); before that
# the date is unknown (open-points Q3). A renewal window opening earlier needs the channel.
ANEF_CERTAIN_FROM = date(2024, 7, 31)
# Loi 2024-42 art. 86 IV; décret 2024-799 art. 9: the new OQTF litigation applies to decisions
# taken from 15 July 2024 (CA §0.2).
REGIME_SWITCH = date(2024, 7, 15)
REGIME_CITATION = "loi n° 2024-42 art. 86 IV ; décret n° 2024-799 art. 9"
# The decrees published on 7 and 10 June 2026 changed "délais de recours contre certaines
# décisions d'éloignement"; their text has not been read (CA §0.3; open-points Q1).
JUNE_2026_DECREES = date(2026, 6, 7)
# The 2021 recodification (ordonnance 2020-1733) in force on 1 May 2021: the old-regime articles
# cited here did not exist under these numbers before (L.512-1 ff.).
RECODIFICATION = date(2021, 5, 1)


@dataclass(frozen=True)
class RegimeChoice:
    """Which OQTF regimes are possible, and why (the first step of every OQTF reading)."""

    regimes: tuple[Regime, ...]
    # "decided" (date given), "notified" (notified before the switch, so taken before it),
    # "unknown" (every regime is a reading)
    reason: str
    day: date  # the date that decided it


def regime_choice(facts: Facts, notified: date) -> RegimeChoice:
    if facts.oqtf_decided is not None:
        regime = Regime.NEW if facts.oqtf_decided >= REGIME_SWITCH else Regime.OLD
        return RegimeChoice((regime,), "decided", facts.oqtf_decided)
    if notified < REGIME_SWITCH:
        # Notified before the switch, so necessarily taken before it (rules.md).
        return RegimeChoice((Regime.OLD,), "notified", notified)
    return RegimeChoice((Regime.NEW, Regime.OLD), "unknown", notified)


def _variants(
    rule: Rule, facts: Facts, trigger: Event
) -> tuple[tuple[Variant, ...], RegimeChoice | None, tuple[Note, ...]]:
    """The variants that apply; when a deciding fact is unknown, all possible ones (spec §3)."""
    channel = facts.channel
    warnings: list[Note] = []
    if channel is None and any(v.when.channel is not None for v in rule.variants):
        if trigger.at - timedelta(days=120) >= ANEF_CERTAIN_FROM:
            channel = Channel.ANEF  # rules.md default
        else:
            warnings.append(Message("warning.channel-unknown", (("since", ANEF_CERTAIN_FROM),)))
    choice = None
    if any(v.when.regime is not None for v in rule.variants):
        choice = regime_choice(facts, trigger.at)
        if choice.reason == "unknown":
            warnings.append(Message("warning.oqtf-decided-unknown", (("since", REGIME_SWITCH),)))
    matching = tuple(
        v
        for v in rule.variants
        if (v.when.appeal_info is None or v.when.appeal_info == facts.appeal_info)
        and (v.when.channel is None or channel is None or v.when.channel == channel)
        and (v.when.regime is None or choice is None or v.when.regime in choice.regimes)
        and (v.when.departure_period is None or v.when.departure_period == facts.departure_period)
        and (v.when.custody is None or facts.custody in v.when.custody)
        and (v.when.ground is None or facts.ground in v.when.ground)
    )
    return matching, choice, tuple(warnings)


def _regime_step(choice: RegimeChoice, variant: Variant, at: date) -> Step:
    assert variant.label is not None
    return Step(
        StepKind.REGIME,
        at,
        at,
        f"step.regime-{choice.reason}",
        (("day", choice.day), ("since", REGIME_SWITCH), ("row", variant.label)),
        REGIME_CITATION,
    )


@lru_cache(maxsize=1 << 15)
def _end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """24:00 local on `day`, i.e. 00:00 on the next day (spec §2.6), in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), zone).astimezone(UTC)


def evaluate(rule: Rule, starts: tuple[Event, ...], facts: Facts, where: Territory) -> Evaluation:
    """Every reading of `rule` from `starts` (one, or several when the start is disputed).

    Pure: memoised on the rule id, the starts and the facts (which name the territory), so a
    caseload that repeats the same triggers pays for each count once.
    """
    if where.code == facts.territory and rule_by_id(rule.id) is rule:
        # Keyed by a territory with the same calendar: an evaluation names no territory.
        return _evaluate_cached(
            rule.id, starts, replace(facts, territory=same_calendar(where.code))
        )
    return _evaluate(rule, starts, facts, where)


@lru_cache(maxsize=1 << 15)
def _evaluate_cached(rule_id: str, starts: tuple[Event, ...], facts: Facts) -> Evaluation:
    from deadlines.territories import territory

    rule = rule_by_id(rule_id)
    assert rule is not None
    return _evaluate(rule, starts, facts, territory(facts.territory))


def _evaluate(rule: Rule, starts: tuple[Event, ...], facts: Facts, where: Territory) -> Evaluation:
    variants, choice, warnings = _variants(rule, facts, starts[0])
    zone = ZoneInfo(where.time_zone)
    base = HolidayCalendar(where)
    disputed = HolidayCalendar(where, with_disputed=True)
    results: list[ReadingResult] = []
    extra_warnings: list[Note] = []
    hour_statuses: list[Status] = []
    for variant in variants:
        prefix = f"{variant.id}/" if variant.id else ""
        first_of_variant = len(results)
        for start in starts:
            for reading in variant.readings:
                suffix = f"@{start.kind.value}" if len(starts) > 1 else ""
                if reading.method in HOURLY:
                    instant, oddity = event_instant(start, zone)
                    if oddity is not None:
                        extra_warnings.append(_instant_warning(oddity, start, instant))
                    counted = count_hours(
                        instant,
                        variant.period.hours,
                        HourReading.ELAPSED
                        if reading.method is Method.HOURS_ELAPSED
                        else HourReading.WALL_CLOCK,
                        zone,
                    )
                    steps = counted.steps
                    if choice is not None and variant.label is not None:
                        steps = (_regime_step(choice, variant, instant), *steps)
                    results.append(
                        ReadingResult(
                            prefix + reading.id + suffix,
                            reading,
                            start,
                            counted.due.date(),
                            counted.due,
                            counted.due.astimezone(UTC),
                            False,
                            variant.basis + reading.basis,
                            steps,
                        )
                    )
                    continue
                calendars = [base]
                if reading.method in EXTENDING and has_disputed_days(where):
                    calendars.append(disputed)
                for calendar in calendars:
                    counted_day = count(
                        start.at, variant.period, reading.method, calendar, rule.extension_citation
                    )
                    steps = counted_day.steps
                    if choice is not None and variant.label is not None:
                        steps = (_regime_step(choice, variant, start.at), *steps)
                    reading_id = prefix + reading.id + suffix
                    if calendar.with_disputed:
                        reading_id += "+disputed-holidays"
                    results.append(
                        ReadingResult(
                            reading_id,
                            reading,
                            start,
                            counted_day.due,
                            None,
                            _end_of_day(counted_day.due, zone),
                            calendar.with_disputed,
                            variant.basis + reading.basis,
                            steps,
                        )
                    )
        if variant.period.hours:
            ends = {r.end for r in results[first_of_variant:]}
            # A daylight-saving change inside the period splits the readings: no authority
            # decides between them (CA Q2.2, "DST: DISPUTED").
            hour_statuses.append(Status.DISPUTED if len(ends) > 1 else variant.status)
    basis = tuple(dict.fromkeys(b for v in variants for b in v.basis))
    # The weakest status of the variants in play (an unknown fact makes the whole deadline as
    # uncertain as its least settled possibility).
    statuses = [v.status for v in variants if not v.period.hours] + hour_statuses
    status = max(statuses, key=STATUS_ORDER.index, default=rule.status)
    variant_notes = tuple(n for v in variants for n in v.notes)
    return Evaluation(
        rule,
        starts[0],
        tuple(results),
        basis,
        status,
        tuple(dict.fromkeys((*variant_notes, *rule.notes))),
        tuple(dict.fromkeys((*warnings, *extra_warnings))),
    )


STATUS_ORDER = [Status.SETTLED, Status.PREVAILING, Status.DISPUTED, Status.OPEN]


def _instant_warning(oddity: str, start: Event, instant: datetime) -> Message:
    if oddity == "time-missing":
        # rules.md: count from 00:00 local, the earliest possible, and say so.
        return Message("warning.oqtf-time-missing", (("day", start.at), ("at", instant)))
    return Message("warning.time-ambiguous", (("at", instant),))


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


def state_of(
    brief: Brief, as_of: date, now: datetime | None, done: frozenset[DeadlineKey]
) -> State:
    """Where a deadline stands on `as_of` (and at `now`, an aware instant, when known)."""
    if brief.done_by_event:
        return State.DONE
    if done and brief.key in done:
        return State.DONE  # marked done by the caseworker (caseload `case done`)
    due = brief.due
    if brief.rule.kind is Kind.WINDOW_OPENS:
        return State.NOT_YET_OPEN if as_of < due else State.OPEN
    if now is not None and brief.due_at is not None and now.astimezone(UTC) > brief.end:
        return State.OVERDUE  # an hour deadline is over at its exact instant, not at midnight
    if due < as_of:
        return State.OVERDUE
    return State.DUE_TODAY if due == as_of else State.UPCOMING


def reference_in(time_zone: str, as_of: date, now: datetime | None) -> tuple[date, datetime | None]:
    """The reference day and instant on the case's own clock: `now` decides the day."""
    if now is None:
        return as_of, None
    now = now.astimezone(ZoneInfo(time_zone))
    return now.date(), now


def listed(
    briefs: tuple[Brief, ...],
    time_zone: str,
    as_of: date,
    now: datetime | None = None,
    done: frozenset[DeadlineKey] = frozenset(),
) -> tuple[Listed, ...]:
    """The briefs of one case (in their order) seen on `as_of`: what `compute` would say of
    each, without the readings."""
    if not briefs:
        return ()
    as_of, now = reference_in(time_zone, as_of, now)
    return tuple(Listed(b, state_of(b, as_of, now, done), (b.due - as_of).days) for b in briefs)


def express_refusal(case: Case) -> Event | None:
    """The first express refusal of the titre: notified alone, or with an OQTF based on
    L.611-1 3° (which is itself taken on a refusal of titre)."""
    candidates = [e for e in (case.first(EventKind.REFUSAL_NOTIFIED),) if e is not None]
    oqtf = case.first(EventKind.OQTF_NOTIFIED)
    if oqtf is not None and case.facts.ground is OqtfGround.REFUSAL:
        candidates.append(oqtf)
    return min(candidates, key=lambda e: e.at, default=None)


def _context_warnings(evaluation: Evaluation, case: Case) -> tuple[Note, ...]:
    """Warnings that depend on other events of the case."""
    rule = evaluation.rule
    warnings: list[Note] = list(evaluation.warnings)
    done = case.first(rule.done_by) if rule.done_by is not None else None
    if done is not None and done.at > evaluation.due:
        warnings.append(
            Message("warning.done-after-safe", (("day", done.at), ("due", evaluation.due)))
        )
    refusal = express_refusal(case)
    if (
        refusal is not None
        and evaluation.trigger.kind is EventKind.IMPLICIT_REFUSAL_BORN
        and refusal.at > evaluation.trigger.at
    ):
        # CJA R.421-2 al. 1: an express refusal within the appeal period makes it run again;
        # notified with an OQTF, it follows the OQTF's deadline (CA Q3).
        oqtf = case.first(EventKind.OQTF_NOTIFIED)
        with_oqtf = oqtf is not None and oqtf.at == refusal.at
        key = "warning.oqtf-after-implicit" if with_oqtf else "warning.express-after-implicit"
        warnings.append(Message(key, (("day", refusal.at),)))
    if evaluation.trigger.kind is EventKind.OQTF_NOTIFIED:
        warnings.extend(_oqtf_warnings(evaluation, case))
    return tuple(warnings)


def has_regimes(rule: Rule) -> bool:
    """The rule is counted by the OQTF regime table (rules.md "oqtf-appeal by regime")."""
    return any(v.when.regime is not None for v in rule.variants)


def _oqtf_warnings(evaluation: Evaluation, case: Case) -> list[Note]:
    notified = evaluation.trigger.at
    facts = case.facts
    warnings: list[Note] = []
    if has_regimes(evaluation.rule):
        if notified >= JUNE_2026_DECREES:
            warnings.append(Message("warning.june-2026", (("since", JUNE_2026_DECREES),)))
            if facts.ground is OqtfGround.ASYLUM:
                warnings.append(Message("warning.june-2026-asylum"))
        elif (
            facts.ground is OqtfGround.ASYLUM
            and Regime.NEW in regime_choice(facts, notified).regimes
        ):
            # CA §12.3: the post-2024 treatment of a 4°-based OQTF was not verified.
            warnings.append(Message("warning.asylum-ground-new-regime"))
        if not facts.appeal_info:
            warnings.append(Message("warning.oqtf-no-appeal-info"))
        decided = facts.oqtf_decided or notified
        if decided < RECODIFICATION:
            warnings.append(Message("warning.oqtf-before-2021", (("since", RECODIFICATION),)))
    return warnings


def _status(evaluation: Evaluation) -> Status:
    """An OQTF appeal notified once the June 2026 decrees were published is OPEN (CA §0.3)."""
    if has_regimes(evaluation.rule) and evaluation.trigger.at >= JUNE_2026_DECREES:
        return Status.OPEN
    return evaluation.status


def compute(
    case: Case,
    as_of: date,
    now: datetime | None = None,
    done: frozenset[DeadlineKey] = frozenset(),
) -> Computation:
    """Every deadline of the case, sorted by when it ends, with the notes the engine made.

    `now` (aware) is the exact reference instant when known: it decides whether an hour
    deadline that ends today is already over. `done` lists the deadlines the caseworker marked
    as done (they stay computed, in state `done`).
    """
    as_of, now = reference_in(case.where.time_zone, as_of, now)
    evaluated, notes = _evaluated(case)
    deadlines = tuple(
        Deadline(evaluation, brief, state_of(brief, as_of, now, done), (brief.due - as_of).days)
        for evaluation, brief in evaluated
    )
    return Computation(case, as_of, deadlines, notes, now)


def briefs(case: Case) -> tuple[Brief, ...]:
    """The case's deadlines as briefs, in `compute`'s order: the part that does not depend on
    the as-of day (what the caseload memoises)."""
    return tuple(brief for _, brief in _evaluated(case)[0])


def _evaluated(case: Case) -> tuple[list[tuple[Evaluation, Brief]], tuple[Note, ...]]:
    where = case.where
    events = list(case.events)
    evaluated: list[tuple[Evaluation, Brief]] = []
    notes: list[Note] = []
    for rule in all_rules():
        replaced = rule.replaced_by is not None and case.first(rule.replaced_by) is not None
        absorbing = case.first(rule.absorbed_by) if rule.absorbed_by is not None else None
        for starts in _trigger_groups(rule, events):
            trigger = starts[0]
            if replaced:
                why = rule.replaced_why or Text("", "")
                notes.append(Message("note.replaced", (("rule", rule.id), ("why", why))))
                break
            if absorbing is not None and absorbing.at == trigger.at:
                notes.append(
                    Message("note.notified-with-oqtf", (("rule", rule.id), ("day", trigger.at)))
                )
                continue
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
            if not evaluation.readings:
                continue  # no variant applies to these facts (e.g. no departure period)
            status = _status(evaluation)
            if status is not evaluation.status:
                evaluation = replace(evaluation, status=status)
            if rule.produces is not None:
                refusal = express_refusal(case)
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
            evaluated.append((evaluation, _brief(evaluation, case)))
    order = _rule_order()
    evaluated.sort(
        key=lambda pair: (
            pair[1].end,
            order[pair[1].rule.id],
            pair[1].trigger.at,
            pair[1].trigger.rank,
        )
    )
    return evaluated, tuple(dict.fromkeys(notes))


@lru_cache(maxsize=1)
def _rule_order() -> dict[str, int]:
    return {rule.id: index for index, rule in enumerate(all_rules())}


def _brief(evaluation: Evaluation, case: Case) -> Brief:
    rule = evaluation.rule
    safe = evaluation.safe
    latest = evaluation.latest_reading
    return Brief(
        rule,
        evaluation.trigger,
        deadline_key(evaluation),
        safe.due,
        safe.at,
        latest.due,
        latest.at,
        safe.end,
        latest.end,
        evaluation.basis,
        evaluation.status,
        _context_warnings(evaluation, case),
        rule.done_by is not None and case.first(rule.done_by) is not None,
    )
