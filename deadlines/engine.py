"""Applies the rule catalogue to a case: derived events, readings, safe and latest dates, state.

One code path computes every deadline: `compute`, and later the caseload's `show`, `agenda` and
`export`, all call `compute`. Renderers never compute dates.

A deadline ends either at 24:00 local time on its last day (day and month periods) or at an exact
instant (hour periods, spec §2.7). Readings of one rule can mix both (an OQTF whose regime is
unknown: 48 hours or 1 month), so they are compared by the instant they end (`end`, aware).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import cache, lru_cache
from operator import itemgetter
from zoneinfo import ZoneInfo

from deadlines.case import Case, Event, Facts, event_instant
from deadlines.errors import CoverageError
from deadlines.explain import Step, StepKind
from deadlines.holidays import HolidayCalendar, has_disputed_days
from deadlines.instants import HourReading, hour_reading
from deadlines.moves import MOVABLE_RULES, MOVING_EVENTS, Place, move
from deadlines.periods import EXTENDING, Period, shared_calendar
from deadlines.results import (
    Evaluation,
    Message,
    Note,
    ReadingResult,
    counted_in_days,
    counted_in_hours,
)
from deadlines.rules import all_rules
from deadlines.rules.model import (
    Channel,
    Condition,
    Custody,
    Distance,
    EventKind,
    Kind,
    OqtfGround,
    Reading,
    Regime,
    Residence,
    Rule,
    StartPolicy,
    Status,
    Text,
    Variant,
    weakest,
)
from deadlines.territories import Territory, same_calendar, territory


class State(StrEnum):
    UPCOMING = "upcoming"
    DUE_TODAY = "due-today"
    OVERDUE = "overdue"
    DONE = "done"
    NOT_YET_OPEN = "not-yet-open"
    OPEN = "open"
    # Interrupted and waiting for the event that restarts it (legal aid asked, no decision
    # notified yet: rules.md wave 2, "Waiting"): no date, never overdue.
    SUSPENDED = "suspended"


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
    return DeadlineKey(rule.id, _KIND_VALUES[kind], trigger.rank)


_KIND_VALUES = {kind: kind.value for kind in EventKind}


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
    # The dates are None when the deadline is suspended (`suspended_by`).
    due: date | None  # the safe reading's last day (local)
    due_at: datetime | None  # its exact end, for an hour period (aware, in the case's zone)
    latest: date | None
    latest_at: datetime | None
    end: datetime | None  # when the safe reading is over, in UTC
    latest_end: datetime | None  # when the latest reading is over, in UTC
    basis: tuple[str, ...]
    status: Status
    warnings: tuple[Note, ...]
    done_by_event: bool  # the event that fulfils the rule (rule.done_by) is in the case
    # Wave 2: the events that moved the deadline from where its trigger put it, in the order
    # they applied; and the legal-aid request that interrupted it, while no decision restarts it.
    moved_by: tuple[Event, ...] = ()
    suspended_by: Event | None = None


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
    def due(self) -> date | None:
        return self.brief.due

    @property
    def due_at(self) -> datetime | None:
        return self.brief.due_at

    @property
    def latest(self) -> date | None:
        return self.brief.latest

    @property
    def latest_at(self) -> datetime | None:
        return self.brief.latest_at

    @property
    def end(self) -> datetime | None:
        return self.brief.end

    @property
    def latest_end(self) -> datetime | None:
        return self.brief.latest_end

    @property
    def moved_by(self) -> tuple[Event, ...]:
        return self.brief.moved_by

    @property
    def suspended_by(self) -> Event | None:
        return self.brief.suspended_by

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
    days_left: int | None  # None when suspended


@dataclass(frozen=True)
class Deadline(_Dated):
    """A deadline in full: its evaluation (every reading, with its steps) and its brief."""

    evaluation: Evaluation
    brief: Brief
    state: State
    days_left: int | None  # None when suspended

    @property
    def listed(self) -> Listed:
        return Listed(self.brief, self.state, self.days_left)


@dataclass(frozen=True)
class Computation:
    """Every deadline of a case at a date (and instant), with the notes that apply to the case."""

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
    return _regime_choice(facts.oqtf_decided, notified)


def _regime_choice(decided: date | None, notified: date) -> RegimeChoice:
    if decided is not None:
        regime = Regime.NEW if decided >= REGIME_SWITCH else Regime.OLD
        return RegimeChoice((regime,), "decided", decided)
    if notified < REGIME_SWITCH:
        # Notified before the switch, so necessarily taken before it (rules.md).
        return RegimeChoice((Regime.OLD,), "notified", notified)
    return RegimeChoice((Regime.NEW, Regime.OLD), "unknown", notified)


# The facts an evaluation can read, in Facts' order after the territory: those a rule's variants
# do not test are replaced by their defaults in the evaluation memo's key (see `_Plan`).
# The last one is not a fact but what the case says of a judgment: it is on an OQTF.
_FactsKey = tuple[
    bool, Channel | None, date | None, bool | None, Custody, OqtfGround, Residence, bool, bool
]
_DEFAULT_FACTS = Facts()


def _facts_key(facts: Facts, on_oqtf: bool = False) -> _FactsKey:
    """Every fact an evaluation can read."""
    return (
        facts.appeal_info,
        facts.channel,
        facts.oqtf_decided,
        facts.departure_period,
        facts.custody,
        facts.ground,
        facts.residence,
        facts.judgment_appeal_info,
        on_oqtf,
    )


_DEFAULT_KEY = _facts_key(_DEFAULT_FACTS)


# The engine's own records (`_ReadingPlan` to `_CaseView`) are frozen but compared by identity
# (eq=False): each is made once per rule, territory, evaluation or case and never compared, and
# the generated __eq__ and __hash__ would cost every start about 0.1 ms a class (issue 6).
@dataclass(frozen=True, eq=False)
class _ReadingPlan:
    """One reading of one variant, with what every evaluation of it would otherwise rebuild."""

    reading: Reading
    id: str  # the variant's prefix (a row of a regime table) and the reading's own id
    basis: tuple[str, ...]  # the variant's basis, then the reading's
    hours: HourReading | None  # how an hour period is read; None for a day period (spec §2.7)
    extending: bool  # CPC 642 applies: a calendar with disputed days gives a reading of its own


@dataclass(frozen=True, eq=False)
class _VariantPlan:
    """A variant of a rule with the plans of its readings, worked out once per rule."""

    variant: Variant
    index: int  # in the rule's variants
    readings: tuple[_ReadingPlan, ...]
    regime_row: bool  # a row of the regime table: its readings start with the regime step


@dataclass(frozen=True, eq=False)
class _Selection:
    """The variants that apply to an evaluation, and what follows from them alone."""

    variants: tuple[_VariantPlan, ...]
    basis: tuple[str, ...]  # the variants' basis, in order, each citation once
    # The weakest status of the variants counted in days (None: there are none); a variant
    # counted in hours has its own only when daylight saving does not split its readings.
    day_status: Status | None
    notes: tuple[Note, ...]  # the variants' notes, then the rule's, each once


def _day_statuses(variants: tuple[_VariantPlan, ...]) -> tuple[Status, ...]:
    return tuple(v.variant.status for v in variants if not v.variant.period.hours)


def _selection(rule: Rule, variants: tuple[_VariantPlan, ...]) -> _Selection:
    variant_notes = tuple(n for v in variants for n in v.variant.notes)
    return _Selection(
        variants,
        tuple(dict.fromkeys(b for v in variants for b in v.variant.basis)),
        weakest(*day_statuses) if (day_statuses := _day_statuses(variants)) else None,
        tuple(dict.fromkeys((*variant_notes, *rule.notes))),
    )


@lru_cache(maxsize=1024)
def _catalogue_selection(rule_id: str, indices: tuple[int, ...]) -> _Selection:
    plan = _plans_by_id()[rule_id]
    return _selection(plan.rule, tuple(plan.variants[i] for i in indices))


@dataclass(frozen=True, eq=False)
class _Plan:
    """What the engine derives from a rule alone, worked out once per catalogue rule instead of
    once per evaluation: which facts its variants test, its readings' ids and bases.

    An evaluation reads a fact only when a variant tests it (`_matching`), so the facts no
    variant tests cannot change it: the evaluation memo is keyed without them.
    """

    rule: Rule
    index: int  # position in the catalogue (the order of deadlines ending together); -1: none
    variants: tuple[_VariantPlan, ...]
    every: _Selection  # all the variants
    by_appeal_info: bool
    by_channel: bool
    by_regime: bool  # counted by the OQTF regime table (`has_regimes`)
    by_departure_period: bool
    by_custody: bool
    by_ground: bool
    by_residence: bool  # a variant takes the délais de distance (Variant.distance)
    by_judgment: bool  # a variant tests what the case says of a judgment (appeal-judgment)
    unconditional: bool  # no variant tests any fact: every variant applies

    def facts_key(self, facts: Facts, on_oqtf: bool = False) -> _FactsKey:
        if self.unconditional:
            return _DEFAULT_KEY
        default = _DEFAULT_FACTS
        return (
            facts.appeal_info if self.by_appeal_info else default.appeal_info,
            facts.channel if self.by_channel else default.channel,
            facts.oqtf_decided if self.by_regime else default.oqtf_decided,
            facts.departure_period if self.by_departure_period else default.departure_period,
            facts.custody if self.by_custody else default.custody,
            facts.ground if self.by_ground else default.ground,
            facts.residence if self.by_residence else default.residence,
            facts.judgment_appeal_info if self.by_judgment else default.judgment_appeal_info,
            on_oqtf if self.by_judgment else False,
        )


def _plan(rule: Rule, index: int = -1) -> _Plan:
    variants = tuple(
        _VariantPlan(
            variant,
            position,
            tuple(
                _ReadingPlan(
                    reading,
                    (f"{variant.id}/" if variant.id else "") + reading.id,
                    variant.basis + reading.basis,
                    hour_reading(reading.method),
                    reading.method in EXTENDING,
                )
                for reading in variant.readings
            ),
            variant.label is not None,
        )
        for position, variant in enumerate(rule.variants)
    )
    conditions = [v.when for v in rule.variants]
    return _Plan(
        rule,
        index,
        variants,
        _selection(rule, variants),
        any(c.appeal_info is not None for c in conditions),
        any(c.channel is not None for c in conditions),
        any(c.regime is not None for c in conditions),
        any(c.departure_period is not None for c in conditions),
        any(c.custody is not None for c in conditions),
        any(c.ground is not None for c in conditions),
        any(v.distance is not Distance.NONE for v in rule.variants),
        any(c.on_oqtf is not None or c.judgment_appeal_info is not None for c in conditions),
        all(
            c == Condition() and v.distance is Distance.NONE
            for c, v in zip(conditions, rule.variants, strict=True)
        ),
    )


@cache
def _catalogue_plans() -> tuple[_Plan, ...]:
    return tuple(_plan(rule, index) for index, rule in enumerate(all_rules()))


@cache
def _plans_by_id() -> dict[str, _Plan]:
    return {plan.rule.id: plan for plan in _catalogue_plans()}


@dataclass(frozen=True, eq=False)
class _Place:
    """What counting needs of a territory, built once per territory instead of per evaluation:
    its zone and its calendars (the one shared by territories with the same holidays, spec §5).
    """

    zone: ZoneInfo
    plain: tuple[HolidayCalendar]  # the calendar of statutory holidays (`shared_calendar`)
    # The calendars of a reading that extends (CPC 642): with the disputed days too, as a
    # reading of its own, where the territory has any (spec §3).
    extending: tuple[HolidayCalendar, ...]


@lru_cache(maxsize=256)
def _place(where: Territory) -> _Place:
    base = shared_calendar(HolidayCalendar(where))
    extending: tuple[HolidayCalendar, ...] = (base,)
    if has_disputed_days(where):
        extending = (base, shared_calendar(HolidayCalendar(where, with_disputed=True)))
    return _Place(ZoneInfo(where.time_zone), (base,), extending)


def _matching(
    plan: _Plan, facts: _FactsKey, trigger: Event
) -> tuple[_Selection, RegimeChoice | None, tuple[Note, ...]]:
    """The variants that apply; when a deciding fact is unknown, all possible ones (spec §3)."""
    appeal_info, channel, decided, departure_period, custody, ground, _, judgment_info, on_oqtf = (
        facts
    )
    warnings: list[Note] = []
    if channel is None and plan.by_channel:
        if trigger.at - timedelta(days=120) >= ANEF_CERTAIN_FROM:
            channel = Channel.ANEF  # rules.md default
        else:
            warnings.append(Message("warning.channel-unknown", (("since", ANEF_CERTAIN_FROM),)))
    choice = None
    if plan.by_regime:
        choice = _regime_choice(decided, trigger.at)
        if choice.reason == "unknown":
            warnings.append(Message("warning.oqtf-decided-unknown", (("since", REGIME_SWITCH),)))
    if plan.unconditional:
        return plan.every, choice, tuple(warnings)
    matching = tuple(
        p.index
        for p in plan.variants
        if ((w := p.variant.when).appeal_info is None or w.appeal_info == appeal_info)
        and (w.channel is None or channel is None or w.channel == channel)
        and (w.regime is None or choice is None or w.regime in choice.regimes)
        and (w.departure_period is None or w.departure_period == departure_period)
        and (w.custody is None or custody in w.custody)
        and (w.ground is None or ground in w.ground)
        and (w.on_oqtf is None or w.on_oqtf == on_oqtf)
        and (w.judgment_appeal_info is None or w.judgment_appeal_info == judgment_info)
    )
    if plan.index < 0:  # not a catalogue rule (tests): nothing to share it with
        selection = _selection(plan.rule, tuple(plan.variants[i] for i in matching))
    else:
        selection = _catalogue_selection(plan.rule.id, matching)
    return selection, choice, tuple(warnings)


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


@lru_cache(maxsize=256)
def _move_place(where: Territory, rule: Rule) -> Place:
    place = _place(where)
    disputed = place.extending[1] if len(place.extending) > 1 else None
    return Place(place.zone, place.plain[0], disputed, rule.extension_citation)


def evaluate(rule: Rule, starts: tuple[Event, ...], facts: Facts, where: Territory) -> Evaluation:
    """Every reading of `rule` from `starts` (one, or several when the start is disputed).

    Pure: memoised on the rule id, the starts, the facts the rule's variants test and the
    territory's calendar, so a caseload that repeats the same triggers pays for each once.
    """
    plan = _plans_by_id().get(rule.id)
    if plan is not None and plan.rule is rule:
        return _outcome(plan, starts, facts, where).raw
    try:  # a rule of no catalogue (tests): no memo to share it with
        return _evaluate(_plan(rule), starts, _facts_key(facts), _place(where))
    except CoverageError as error:
        error.params["territory"] = where.code  # see `_outcome`
        raise


@dataclass(frozen=True, eq=False)
class _Outcome:
    """An evaluation and what each brief of it reads, memoised together (none of it depends on
    the rest of the case)."""

    raw: Evaluation  # as `evaluate` returns it
    evaluation: Evaluation  # with the status the deadline shows (`_status`)
    safe: ReadingResult | None  # None when no reading applies (no variant fits the facts)
    latest: ReadingResult | None
    key: DeadlineKey
    # The brief of a case that adds no warning, by whether its fulfilling event is given: a
    # memo, not a value (equality, hashing and repr ignore it).
    plain_briefs: dict[bool, Brief] = field(
        default_factory=dict, init=False, compare=False, hash=False, repr=False
    )

    def brief(self, warnings: tuple[Note, ...], done_by_event: bool) -> Brief:
        """The deadline's brief, given what the rest of the case says of it."""
        if warnings is not self.evaluation.warnings:
            return self._brief(warnings, done_by_event)
        # The case adds no warning (most do not): the brief is the same for every case that
        # shares this evaluation and whose fulfilling event is (or is not) given.
        plain = self.plain_briefs
        brief = plain.get(done_by_event)
        if brief is None:
            brief = plain[done_by_event] = self._brief(warnings, done_by_event)
        return brief

    def _brief(self, warnings: tuple[Note, ...], done_by_event: bool) -> Brief:
        evaluation, safe, latest = self.evaluation, self.safe, self.latest
        if safe is None or latest is None:  # suspended: every reading waits (wave 2)
            return Brief(
                evaluation.rule,
                evaluation.trigger,
                self.key,
                None,
                None,
                None,
                None,
                None,
                None,
                evaluation.basis,
                evaluation.status,
                warnings,
                done_by_event,
                evaluation.moved_by,
                evaluation.suspended_by,
            )
        return Brief(
            evaluation.rule,
            evaluation.trigger,
            self.key,
            safe.due,
            safe.at,
            latest.due,
            latest.at,
            safe.end,
            latest.end,
            evaluation.basis,
            evaluation.status,
            warnings,
            done_by_event,
            evaluation.moved_by,
            evaluation.suspended_by,
        )


def _outcome(
    plan: _Plan, starts: tuple[Event, ...], facts: Facts, where: Territory, on_oqtf: bool = False
) -> _Outcome:
    """The rule's evaluation in `where`, memoised when the facts name `where` (as `territory`
    spells it)."""
    try:
        if where.code != facts.territory:
            key = _facts_key(facts, on_oqtf)
            return _outcome_of(_evaluate(plan, starts, key, _place(where)), plan)
        # Keyed by a territory with the same calendar: an evaluation names no territory.
        calendar = same_calendar(where.code)
        return _outcome_cached(plan.rule.id, starts, plan.facts_key(facts, on_oqtf), calendar)
    except CoverageError as error:
        # Counted in the calendar of a stand-in territory with the same holidays (the count
        # memo's key): the error names the territory asked about.
        error.params["territory"] = where.code
        raise


@lru_cache(maxsize=1 << 15)
def _outcome_cached(
    rule_id: str, starts: tuple[Event, ...], facts: _FactsKey, calendar: str
) -> _Outcome:
    plan = _plans_by_id()[rule_id]
    return _outcome_of(_evaluate(plan, starts, facts, _place(territory(calendar))), plan)


def _outcome_of(raw: Evaluation, plan: _Plan) -> _Outcome:
    status = _status(plan, raw)
    evaluation = raw if status is raw.status else replace(raw, status=status)
    key = _key(plan.rule, raw.trigger)
    if not raw.readings:
        return _Outcome(raw, evaluation, None, None, key)
    # `Evaluation.safe` and `latest_reading` in one pass: the first of the earliest and the
    # first of the latest ends.
    safe = latest = raw.readings[0]
    for reading in raw.readings:
        if reading.end < safe.end:
            safe = reading
        elif reading.end > latest.end:
            latest = reading
    return _Outcome(raw, evaluation, safe, latest, key)


def _evaluate(
    plan: _Plan, starts: tuple[Event, ...], facts: _FactsKey, place: _Place
) -> Evaluation:
    rule = plan.rule
    selection, choice, warnings = _matching(plan, facts, starts[0])
    zone = place.zone
    several = len(starts) > 1
    results: list[ReadingResult] = []
    extra_warnings: list[Note] = []
    hour_statuses: list[Status] = []
    distance_notes: list[Note] = []
    residence = facts[6]
    for variant_plan in selection.variants:
        variant = variant_plan.variant
        period = variant.period
        # The regime table's row chosen for the case: its step leads each reading's trace.
        row_choice = choice if variant_plan.regime_row else None
        first_of_variant = len(results)
        lengths = _lengths(variant, residence)
        if len(lengths) > 1 or lengths[0][0] is not period:
            distance_notes.append(_distance_note(variant, residence))
        for start in starts:
            suffix = f"@{start.kind.value}" if several else ""
            for reading in variant_plan.readings:
                if reading.hours is not None:
                    instant, oddity = event_instant(start, zone)
                    if oddity is not None:
                        extra_warnings.append(_instant_warning(oddity, start, instant))
                    lead = (
                        () if row_choice is None else (_regime_step(row_choice, variant, instant),)
                    )
                    results.append(
                        counted_in_hours(
                            reading.id + suffix,
                            reading.reading,
                            start,
                            instant,
                            period,
                            reading.hours,
                            zone,
                            reading.basis,
                            lead,
                            variant.id,
                        )
                    )
                    continue
                lead = () if row_choice is None else (_regime_step(row_choice, variant, start.at),)
                for calendar in place.extending if reading.extending else place.plain:
                    for counted_period, distance_suffix in lengths:
                        reading_id = reading.id + suffix + distance_suffix
                        if calendar.with_disputed:
                            reading_id += "+disputed-holidays"
                        results.append(
                            counted_in_days(
                                reading_id,
                                reading.reading,
                                start,
                                start.at,
                                counted_period,
                                calendar,
                                zone,
                                rule.extension_citation,
                                reading.basis,
                                lead,
                                variant.id,
                            )
                        )
        if period.hours:
            ends = {r.end for r in results[first_of_variant:]}
            # A daylight-saving change inside the period splits the readings: no authority
            # decides between them (CA Q2.2, "DST: DISPUTED").
            hour_statuses.append(Status.DISPUTED if len(ends) > 1 else variant.status)
    # The weakest status of the variants in play (an unknown fact makes the whole deadline as
    # uncertain as its least settled possibility).
    day_status = selection.day_status
    if hour_statuses:
        statuses = [*hour_statuses] if day_status is None else [day_status, *hour_statuses]
        status = weakest(*statuses)
    else:
        status = rule.status if day_status is None else day_status
    basis, notes, status = _with_distance(selection, distance_notes, status)
    return Evaluation(
        rule,
        starts[0],
        tuple(results),
        basis,
        status,
        notes,
        tuple(dict.fromkeys((*warnings, *extra_warnings))) if extra_warnings else warnings,
    )


# CJA R.421-7: + 1 month for a person living overseas (before a metropolitan court, or outside
# the collectivity of an overseas court), + 2 months abroad; R.811-5 adds them to appeals.
_DISTANCE_MONTHS = {Residence.LOCAL: 0, Residence.OVERSEAS: 1, Residence.ABROAD: 2}
_DISTANCE_BASIS = {Distance.ADDED: "CJA R.421-7", Distance.READING: "CJA R.811-5"}


def _with_distance(
    selection: _Selection, distance_notes: list[Note], status: Status
) -> tuple[tuple[str, ...], tuple[Note, ...], Status]:
    """The basis, notes and status of an evaluation, with the délais de distance when they
    changed a period (a disputed one makes the deadline DISPUTED)."""
    if not distance_notes:
        return selection.basis, selection.notes, status
    variants = [p.variant for p in selection.variants if p.variant.distance is not Distance.NONE]
    basis = tuple(
        dict.fromkeys((*selection.basis, *(_DISTANCE_BASIS[v.distance] for v in variants)))
    )
    notes = tuple(dict.fromkeys((*distance_notes, *selection.notes)))
    if any(v.distance is Distance.READING for v in variants):
        status = weakest(status, Status.DISPUTED)
    return basis, notes, status


def _lengths(variant: Variant, residence: Residence) -> tuple[tuple[Period, str], ...]:
    """The periods a variant is counted with, and the suffix of their reading ids: the délais
    de distance make one longer period, or (disputed) a second reading."""
    extra = _DISTANCE_MONTHS[residence]
    if not extra or variant.distance is Distance.NONE:
        return ((variant.period, ""),)
    longer = replace(variant.period, months=variant.period.months + extra)
    if variant.distance is Distance.ADDED:
        return ((longer, ""),)
    return ((variant.period, ""), (longer, "+distance"))


def _distance_note(variant: Variant, residence: Residence) -> Message:
    months = _DISTANCE_MONTHS[residence]
    key = "note.distance-added" if variant.distance is Distance.ADDED else "note.distance-disputed"
    return Message(key, (("months", months), ("residence", residence.value)))


# Where a suspended deadline (no end yet) sorts: after every dated one.
_SUSPENDED_LAST = datetime.max.replace(tzinfo=UTC)


def _instant_warning(oddity: str, start: Event, instant: datetime) -> Message:
    if oddity == "time-missing":
        # rules.md: count from 00:00 local, the earliest possible, and say so.
        return Message("warning.oqtf-time-missing", (("day", start.at), ("at", instant)))
    return Message("warning.time-ambiguous", (("at", instant),))


def _trigger_groups(
    rule: Rule, events: dict[EventKind, list[Event]]
) -> Iterator[tuple[Event, ...]]:
    """The starts of each deadline of `rule`, from the case's events by kind (in their order;
    the lists grow as derived events are born, and are read as they grow)."""
    if rule.start is StartPolicy.DISPUTED_START:
        given = [events[kind][0] for kind in rule.triggers if kind in events]
        if given:
            yield tuple(given)
        return
    for kind in rule.triggers:
        for event in events.get(kind, ()):
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
    if due is None or brief.end is None:
        return State.SUSPENDED
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
    return tuple(Listed(b, state_of(b, as_of, now, done), days_left(b, as_of)) for b in briefs)


def days_left(brief: Brief, as_of: date) -> int | None:
    """Whole days from `as_of` to the safe date (negative when past); None when suspended."""
    return None if brief.due is None else (brief.due - as_of).days


def express_refusal(case: Case) -> Event | None:
    """The first express refusal of the titre: notified alone, or with an OQTF based on
    L.611-1 3° (which is itself taken on a refusal of titre)."""
    return _express_refusal(
        case.first(EventKind.REFUSAL_NOTIFIED), case.first(EventKind.OQTF_NOTIFIED), case.facts
    )


def _express_refusal(refusal: Event | None, oqtf: Event | None, facts: Facts) -> Event | None:
    candidates = [e for e in (refusal,) if e is not None]
    if oqtf is not None and facts.ground is OqtfGround.REFUSAL:
        candidates.append(oqtf)
    return min(candidates, key=lambda e: e.at, default=None)


@dataclass(frozen=True, eq=False)
class _CaseView:
    """What every rule reads of the case, worked out once per case rather than once per rule:
    the first entered event of each kind (derived events are not in it, as in `Case.first`),
    the express refusal and the facts."""

    first: dict[EventKind, Event]
    refusal: Event | None
    facts: Facts


def _case_view(case: Case) -> _CaseView:
    first: dict[EventKind, Event] = {}
    for event in case.events:
        first.setdefault(event.kind, event)
    refusal = _express_refusal(
        first.get(EventKind.REFUSAL_NOTIFIED), first.get(EventKind.OQTF_NOTIFIED), case.facts
    )
    return _CaseView(first, refusal, case.facts)


_NO_IMPLICIT = {
    EventKind.IMPLICIT_REFUSAL_BORN: "note.no-implicit-refusal",
    EventKind.RECOURS_REJECTION_BORN: "note.no-recours-rejection",
}


def _done_by_event(rule: Rule, trigger: Event, view: _CaseView) -> bool:
    """The case holds the event that fulfils the rule, or one that proves it was fulfilled
    after this trigger (a judgment after the decision appealed)."""
    if rule.done_by is not None and rule.done_by in view.first:
        return True
    closing = view.first.get(rule.closed_by) if rule.closed_by is not None else None
    return closing is not None and closing.at >= trigger.at


def _express_answer(
    rule: Rule, trigger: Event, events: dict[EventKind, list[Event]], view: _CaseView
) -> Event | None:
    """The express decision that answers what silence would otherwise decide: the refusal of
    the titre, or the rejection of this recours (the i-th rejection answers the i-th recours)."""
    if rule.produces is EventKind.IMPLICIT_REFUSAL_BORN:
        return view.refusal
    rejections = events.get(EventKind.RECOURS_REJECTED, [])
    return rejections[trigger.rank] if trigger.rank < len(rejections) else None


def _context_warnings(
    evaluation: Evaluation, due: date | None, view: _CaseView
) -> tuple[Note, ...]:
    """Warnings that depend on other events of the case (`due`: the safe reading's last day),
    after the evaluation's own: the very tuple `evaluation.warnings` when the case adds none."""
    rule = evaluation.rule
    trigger = evaluation.trigger
    added: list[Note] = []
    done = view.first.get(rule.done_by) if rule.done_by is not None else None
    if done is not None and due is not None and done.at > due:
        added.append(Message("warning.done-after-safe", (("day", done.at), ("due", due))))
    refusal = view.refusal
    if (
        refusal is not None
        and trigger.kind is EventKind.IMPLICIT_REFUSAL_BORN
        and refusal.at > trigger.at
    ):
        # CJA R.421-2 al. 1: an express refusal within the appeal period makes it run again;
        # notified with an OQTF, it follows the OQTF's deadline (CA Q3).
        oqtf = view.first.get(EventKind.OQTF_NOTIFIED)
        with_oqtf = oqtf is not None and oqtf.at == refusal.at
        key = "warning.oqtf-after-implicit" if with_oqtf else "warning.express-after-implicit"
        added.append(Message(key, (("day", refusal.at),)))
    if trigger.kind is EventKind.OQTF_NOTIFIED:
        added.extend(_oqtf_warnings(evaluation, view.facts))
        if view.facts.residence is not Residence.LOCAL and has_regimes(rule):
            # CJA R.421-7 extends only the délai of R.421-1, not the special OQTF deadlines
            # (CA Q10.2, PREVAILING).
            added.append(Message("warning.no-distance-oqtf"))
    return (*evaluation.warnings, *added) if added else evaluation.warnings


def has_regimes(rule: Rule) -> bool:
    """The rule is counted by the OQTF regime table (rules.md "oqtf-appeal by regime")."""
    return any(v.when.regime is not None for v in rule.variants)


def _oqtf_warnings(evaluation: Evaluation, facts: Facts) -> list[Note]:
    notified = evaluation.trigger.at
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


def _status(plan: _Plan, evaluation: Evaluation) -> Status:
    """An OQTF appeal notified once the June 2026 decrees were published is OPEN (CA §0.3)."""
    if plan.by_regime and evaluation.trigger.at >= JUNE_2026_DECREES:
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
        Deadline(evaluation, brief, state_of(brief, as_of, now, done), days_left(brief, as_of))
        for evaluation, brief in evaluated
    )
    return Computation(case, as_of, deadlines, notes, now)


def briefs(case: Case) -> tuple[Brief, ...]:
    """The case's deadlines as briefs, in `compute`'s order: the part that does not depend on
    the as-of day (what the caseload memoises)."""
    return tuple(brief for _, brief in _evaluated(case)[0])


def _evaluated(case: Case) -> tuple[list[tuple[Evaluation, Brief]], tuple[Note, ...]]:
    where = case.where
    view = _case_view(case)
    facts = case.facts
    # The events by kind, in the case's order; derived events join them as they are born.
    events: dict[EventKind, list[Event]] = {}
    for event in case.events:
        events.setdefault(event.kind, []).append(event)
    evaluated: list[tuple[tuple[datetime, int, date, int], Evaluation, Brief]] = []
    notes: list[Note] = []
    on_oqtf = EventKind.OQTF_NOTIFIED in view.first  # a judgment is on an OQTF (appeal-judgment)
    moving = not MOVING_EVENTS.isdisjoint(view.first)  # wave 2: an event may move a deadline
    for plan in _catalogue_plans():
        rule = plan.rule
        for kind in rule.triggers:
            if kind in events:
                break
        else:
            continue  # none of its triggers is in the case
        replaced = rule.replaced_by is not None and rule.replaced_by in view.first
        absorbing = view.first.get(rule.absorbed_by) if rule.absorbed_by is not None else None
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
            outcome = _outcome(plan, starts, facts, where, on_oqtf)
            if moving and rule.id in MOVABLE_RULES:
                moved = move(outcome.raw, events, facts, _move_place(where, rule))
                if moved is not outcome.raw:
                    outcome = _outcome_of(moved, plan)
            safe = outcome.safe
            if safe is None and not outcome.evaluation.pending:
                continue  # no variant applies to these facts (e.g. no departure period)
            if rule.produces is not None and safe is not None:
                answer = _express_answer(rule, trigger, events, view)
                if answer is not None and answer.at <= safe.due:
                    # An express decision notified before the silence ran out: no implicit
                    # one is born (CJA R.421-2 al. 1; CRPA L.411-7; rules.md).
                    notes.append(
                        Message(
                            _NO_IMPLICIT[rule.produces],
                            (("refusal", answer.at), ("born", safe.due)),
                        )
                    )
                    continue
                events.setdefault(rule.produces, []).append(
                    Event(rule.produces, safe.due, derived=True, rank=trigger.rank)
                )
            evaluation = outcome.evaluation
            brief = outcome.brief(
                _context_warnings(evaluation, None if safe is None else safe.due, view),
                _done_by_event(rule, evaluation.trigger, view),
            )
            # Sorted by when it ends, then in catalogue order, then by trigger.
            end = brief.end or _SUSPENDED_LAST
            order = (end, plan.index, evaluation.trigger.at, evaluation.trigger.rank)
            evaluated.append((order, evaluation, brief))
    evaluated.sort(key=itemgetter(0))
    return [(evaluation, brief) for _, evaluation, brief in evaluated], tuple(dict.fromkeys(notes))
