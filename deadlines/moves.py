"""Wave 2: the events after the first decision that move a deadline the engine has counted.

rules.md "Wave 2 rules: what happens after the first decision" (research: CA Q2, Q8, Q10; AP
Q4, Q5). Pure: an evaluation and the case's events in, the moved evaluation out.

- A deadline keeps its identity (rule, trigger): only its readings change; `moved_by` lists the
  events that moved it and every moved reading's steps say why, from when and under which text.
- An event moves a deadline when it comes *within* it: on or before its safe date. After the
  safe date but on or before the latest, the readings still running at the event are counted
  again and kept beside the others (DISPUTED, with a warning). After the latest date an event
  changes nothing, and a warning says it came too late. An event before the trigger belongs to
  another deadline and is not looked at.
- The new period is counted exactly like the original one (same period, reading, calendar),
  from the new start. Legal aid asked with no decision yet leaves the readings *pending*.
- Effects apply in date order, each to the deadline as the previous one left it (the délais de
  distance, which set the period's length, were applied when the rule was counted).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deadlines.case import Event, Facts, event_instant
from deadlines.errors import ParamValue
from deadlines.explain import Step, StepKind
from deadlines.holidays import HolidayCalendar
from deadlines.instants import end_of_day, hour_reading
from deadlines.periods import EXTENDING, Method, Period, count_in
from deadlines.results import (
    Evaluation,
    Message,
    Note,
    PendingReading,
    ReadingResult,
    counted_in_days,
    counted_in_hours,
)
from deadlines.rules.model import EventKind, LegalAidOutcome, Rule, Status, Variant, weakest

Track = ReadingResult | PendingReading
Events = Mapping[EventKind, list[Event]]

# The events that can move a deadline: a case with none of them is never looked at here.
MOVING_EVENTS = frozenset(
    {
        EventKind.LEGAL_AID_REQUESTED,
        EventKind.RECOURS_RECEIVED,
        EventKind.MOTIVES_REQUESTED,
        EventKind.ITEMS_REQUESTED,
        EventKind.HOUSE_ARREST_NOTIFIED,
        EventKind.RETENTION_NOTIFIED,
    }
)

# Décret 2020-1717 art. 43 (CE 10 Jun 2020 n° 422471): legal aid asked within the deadline
# interrupts the court deadlines of first instance and appeal…
LEGAL_AID_RULES = frozenset(
    {
        "appeal-refusal",
        "appeal-implicit-refusal",
        "administrative-appeal",
        "appeal-judgment",
        "oqtf-appeal",
    }
)
# …but of the OQTF rows only the 1 month (new) and the 30 days (old): never 15 days, 7 days or
# 48 hours (CE avis 12 Jul 2017 n° 410186; CAA Marseille 21MA01661; CA Q8.2).
LEGAL_AID_ROWS = frozenset({"", "new-1-month", "old-30-days"})
LEGAL_AID_BASIS = "décret n° 2020-1717 art. 43"
LEGAL_AID_CONTEST_DAYS = 15  # art. 69 al. 1: 15 days to contest the BAJ decision
# The rules an event can move: those above, and the birth of the implicit refusal (L.114-5).
MOVABLE_RULES = LEGAL_AID_RULES | {"implicit-refusal"}
# CRPA L.411-2, CJA R.421-2: a recours gracieux or hiérarchique interrupts the 2 months.
RECOURS_RULES = frozenset({"appeal-refusal", "appeal-implicit-refusal"})
RECOURS_BASIS = "CRPA L.411-2"
MOTIVES_BASIS = "CRPA L.232-4"
MOTIVES_CAP = Period(years=1)  # CE avis 2 Oct 2025 n° 504677
ITEMS_BASIS = "CRPA L.114-5"
CUSTODY_BASIS = "CESEDA R.921-1"
# R.921-1: house arrest interrupts the 1-month deadline (new 7 days); rétention the 1-month or
# 7-day deadline (new 48 hours). Rows of the oqtf-appeal table.
HOUSE_ARREST_ROWS = frozenset({"new-1-month"})
RETENTION_ROWS = frozenset({"new-1-month", "new-7-days"})


@dataclass(frozen=True)
class Place:
    """What counting again needs of the case's territory."""

    zone: ZoneInfo
    plain: HolidayCalendar
    disputed: HolidayCalendar | None  # with the disputed days, where the territory has any
    extension_citation: str

    def calendar(self, with_disputed: bool) -> HolidayCalendar:
        return self.disputed if with_disputed and self.disputed is not None else self.plain


@dataclass
class _Moving:
    """A deadline while the events are applied to it."""

    tracks: list[Track]
    moved_by: list[Event]
    warnings: list[Note]
    notes: list[Note]
    status: Status
    basis: list[str]


def move(evaluation: Evaluation, events: Events, facts: Facts, place: Place) -> Evaluation:
    """The evaluation once the case's wave-2 events have moved it (itself when none did)."""
    rule = evaluation.rule
    state = _Moving(
        list(evaluation.readings), [], [], [], evaluation.status, list(evaluation.basis)
    )
    trigger = evaluation.trigger
    if rule.id == "implicit-refusal":
        _items(state, events, place)
    elif trigger.kind is EventKind.IMPLICIT_REFUSAL_BORN:
        _after_suspended_birth(state, evaluation, events, place)
    for at, _, apply in sorted(_effects(rule, trigger, events, facts, place), key=_by_date):
        if at >= trigger.at:
            apply(state)
    if (
        not state.moved_by
        and not state.warnings
        and not state.notes
        and (state.tracks == list(evaluation.readings))
    ):
        return evaluation
    counted = tuple(t for t in state.tracks if isinstance(t, ReadingResult))
    pending = tuple(t for t in state.tracks if isinstance(t, PendingReading))
    suspended_by = _first(events, EventKind.LEGAL_AID_REQUESTED) if pending else None
    return replace(
        evaluation,
        readings=counted,
        pending=pending,
        basis=tuple(dict.fromkeys(state.basis)),
        status=state.status,
        notes=tuple(dict.fromkeys((*evaluation.notes, *state.notes))),
        warnings=tuple(dict.fromkeys((*evaluation.warnings, *state.warnings))),
        moved_by=tuple(dict.fromkeys(state.moved_by)),
        suspended_by=suspended_by,
    )


_Effect = tuple[date, int, Callable[[_Moving], None]]


def _by_date(effect: _Effect) -> tuple[date, int]:
    return effect[0], effect[1]


def _effects(
    rule: Rule, trigger: Event, events: Events, facts: Facts, place: Place
) -> list[_Effect]:
    """The events that may move this deadline, each with what it does; the second item orders
    effects of one day as rules.md does (recours, legal aid, custody switch, motives)."""
    effects: list[_Effect] = []
    if rule.id in RECOURS_RULES:
        for recours in _recours_effects(events, place):
            effects.append(recours)
    elif rule.id == "oqtf-appeal" and EventKind.RECOURS_RECEIVED in events:
        received = events[EventKind.RECOURS_RECEIVED][0]
        if received.at >= trigger.at:
            effects.append((received.at, 0, _warn(Message("warning.recours-no-effect-oqtf"))))
    aid = _first(events, EventKind.LEGAL_AID_REQUESTED)
    if aid is not None and rule.id in LEGAL_AID_RULES:
        effects.append((aid.at, 1, lambda s: _legal_aid(s, aid, events, facts, place)))
    if rule.id == "oqtf-appeal":
        for kind, rows, order in (
            (EventKind.HOUSE_ARREST_NOTIFIED, HOUSE_ARREST_ROWS, 2),
            (EventKind.RETENTION_NOTIFIED, RETENTION_ROWS, 3),
        ):
            placed = _first(events, kind)
            if placed is not None:
                effects.append((placed.at, order, _custody_effect(rule, placed, rows, place)))
    motives = _first(events, EventKind.MOTIVES_REQUESTED)
    if motives is not None and rule.id == "appeal-implicit-refusal":
        effects.append((motives.at, 4, lambda s: _motives(s, motives, events, place)))
    return effects


def _warn(message: Message) -> Callable[[_Moving], None]:
    def add(state: _Moving) -> None:
        state.warnings.append(message)

    return add


def _first(events: Events, kind: EventKind) -> Event | None:
    found = events.get(kind)
    return found[0] if found else None


# --- the one way an event moves a deadline ----------------------------------------------------


def _apply(
    state: _Moving,
    event: Event,
    affected: Callable[[Track], bool],
    moved: Callable[[tuple[Track, ...]], tuple[Track, ...]],
    place: Place,
) -> bool:
    """Move the readings `affected` by `event` as rules.md says (within, disputed, too late);
    True when it moved something."""
    hit = tuple(t for t in state.tracks if affected(t))
    if not hit:
        return False
    running = tuple(t for t in hit if _running(t, event, place))
    if not running:
        state.warnings.append(_too_late(event))
        return False
    state.moved_by.append(event)
    if all(_running(t, event, place) for t in state.tracks):
        # Within the deadline: every reading is counted again from the new start.
        state.tracks = [t for t in state.tracks if not affected(t)] + list(moved(hit))
        return True
    # After the safe date, on or before the latest: both the deadline as it was and the
    # deadline moved are readings (rules.md "Within the deadline").
    taken = {t.id for t in state.tracks}
    for track in moved(running):
        new_id = track.id if track.id not in taken else f"{track.id}+moved"
        state.tracks.append(replace(track, id=new_id))
    state.status = weakest(state.status, Status.DISPUTED)
    state.warnings.append(
        Message("warning.moved-after-safe", (("event", event.kind.value), ("day", event.at)))
    )
    return True


def _running(track: Track, event: Event, place: Place) -> bool:
    """The reading had not ended when the event happened (a waiting reading always runs)."""
    if isinstance(track, PendingReading):
        return True
    if track.at is not None and event.time is not None:
        return event_instant(event, place.zone)[0] <= track.at
    return event.at <= track.due


def _too_late(event: Event) -> Message:
    return Message("warning.event-too-late", (("event", event.kind.value), ("day", event.at)))


# --- counting a reading again from a new start -------------------------------------------------


def _prefix(track: Track) -> tuple[Step, ...]:
    """The steps that say how earlier events moved the reading (they lead to its new start)."""
    prefix: list[Step] = []
    for step in track.steps:
        if step.kind not in (StepKind.INTERRUPTED, StepKind.RESTART):
            break
        prefix.append(step)
    return tuple(prefix)


def _origin(track: Track) -> date:
    """Where the reading's current count starts: the trigger (its instant for an hour reading),
    or the last new start an event gave it."""
    prefix = _prefix(track)
    if prefix:
        return prefix[-1].after
    return track.steps[0].before if track.steps else track.start.at


def _moved_steps(
    track: Track,
    event: Event,
    restart: date,
    why: str,
    params: tuple[tuple[str, ParamValue], ...],
    citation: str,
    place: Place,
) -> tuple[Step, ...]:
    """The steps from the reading's current start to its new one: interrupted by `event`, then
    the new period runs from `restart`."""
    interrupted = _interrupted(track, event, citation, place)
    restarted = Step(
        StepKind.RESTART, interrupted.after, restart, why, (("day", restart), *params), citation
    )
    return (*_prefix(track), interrupted, restarted)


def _interrupted(track: Track, event: Event, citation: str, place: Place) -> Step:
    """The step from the reading's current start to the event that interrupted it, on its day
    (its instant, for an hour reading)."""
    at: date = event_instant(event, place.zone)[0] if track.period.hours else event.at
    return Step(
        StepKind.INTERRUPTED,
        _origin(track),
        at,
        f"step.interrupted-{event.kind.value}",
        (("day", event.at),),
        citation,
    )


def _recount(track: Track, start: date, place: Place) -> ReadingResult:
    """The reading counted again, as it was counted, from the day `start`."""
    assert not track.period.hours, "an hour reading is never counted again from a day"
    return counted_in_days(
        track.id,
        track.reading,
        track.start,
        start,
        track.period,
        place.calendar(track.with_disputed_holidays),
        place.zone,
        place.extension_citation,
        track.basis,
        row=track.row,
    )


def _restarted(
    track: Track,
    event: Event,
    restart: date,
    why: str,
    params: tuple[tuple[str, ParamValue], ...],
    citation: str,
    place: Place,
) -> ReadingResult:
    steps = _moved_steps(track, event, restart, why, params, citation, place)
    counted = _recount(track, restart, place)
    return replace(
        counted,
        basis=tuple(dict.fromkeys((*track.basis, citation))),
        steps=(*steps, *counted.steps),
    )


def _pending(track: Track, event: Event, citation: str, place: Place) -> PendingReading:
    return PendingReading(
        track.id,
        track.reading,
        track.start,
        tuple(dict.fromkeys((*track.basis, citation))),
        (*_prefix(track), _interrupted(track, event, citation, place)),
        track.period,
        track.row,
        track.with_disputed_holidays,
    )


# --- legal aid (décret 2020-1717 art. 43; CA Q8) -----------------------------------------------


def _legal_aid(state: _Moving, asked: Event, events: Events, facts: Facts, place: Place) -> None:
    if any(t.period.years for t in state.tracks):
        _legal_aid_czabaj(state, asked, events, facts, place)
        return

    def affected(track: Track) -> bool:
        return track.row in LEGAL_AID_ROWS

    if not any(affected(t) for t in state.tracks):
        # 15 days, 7 days, 48 hours: never interrupted; ask the court for a lawyer instead.
        if any(_running(t, asked, place) for t in state.tracks):
            state.warnings.append(Message("warning.legal-aid-no-effect", (("day", asked.at),)))
        return
    restart = legal_aid_restart(events, facts)
    if restart is None:
        moved = _apply(
            state,
            asked,
            affected,
            lambda hit: tuple(_pending(t, asked, LEGAL_AID_BASIS, place) for t in hit),
            place,
        )
        if moved:
            state.warnings.append(Message("warning.legal-aid-suspended", (("day", asked.at),)))
        return
    day, why, params = restart
    moved = _apply(
        state,
        asked,
        affected,
        lambda hit: tuple(
            _restarted(t, asked, day, why, params, LEGAL_AID_BASIS, place) for t in hit
        ),
        place,
    )
    lawyer = _first(events, EventKind.LAWYER_DESIGNATED)
    if moved and facts.legal_aid_outcome is LegalAidOutcome.GRANTED and lawyer is None:
        state.warnings.append(Message("warning.legal-aid-lawyer-unknown", (("day", day),)))
    if any(not affected(t) for t in state.tracks) and moved:
        state.warnings.append(Message("warning.legal-aid-no-effect", (("day", asked.at),)))


def _legal_aid_czabaj(
    state: _Moving, asked: Event, events: Events, facts: Facts, place: Place
) -> None:
    """Czabaj's reasonable year (no voies et délais) is not a délai de recours that art. 43
    names, and no decision says legal aid interrupts it (rules.md is silent; CA Q4 finds only
    a recours administratif doing so, CE avis 12 Jul 2023): the year as it was stays the safe
    date, the year counted again after the BAJ decision is only a reading (DISPUTED)."""
    running = [
        t for t in state.tracks if isinstance(t, ReadingResult) and _running(t, asked, place)
    ]
    if not running:
        state.warnings.append(_too_late(asked))
        return
    state.warnings.append(Message("warning.legal-aid-czabaj", (("day", asked.at),)))
    restart = legal_aid_restart(events, facts)
    if restart is None:
        return
    day, why, params = restart
    state.moved_by.append(asked)
    for track in running:
        moved = _restarted(track, asked, day, why, params, LEGAL_AID_BASIS, place)
        state.tracks.append(replace(moved, id=f"{track.id}+legal-aid"))
    state.status = weakest(state.status, Status.DISPUTED)


def legal_aid_restart(
    events: Events, facts: Facts
) -> tuple[date, str, tuple[tuple[str, ParamValue], ...]] | None:
    """From when the new period runs after the BAJ decision (art. 43), with the step that says
    why; None while no decision was notified."""
    decided = _first(events, EventKind.LEGAL_AID_DECIDED)
    if decided is None:
        return None
    outcome = facts.legal_aid_outcome
    if outcome in (LegalAidOutcome.PROVISIONAL, LegalAidOutcome.LAPSED):
        # Art. 43 1° and 2°: from the notification of the decision itself.
        return decided.at, f"step.restart-legal-aid-{outcome.value}", (("decided", decided.at),)
    contest_ends = decided.at + timedelta(days=LEGAL_AID_CONTEST_DAYS)
    lawyer = _first(events, EventKind.LAWYER_DESIGNATED)
    if outcome is LegalAidOutcome.GRANTED and lawyer is not None and lawyer.at > contest_ends:
        # Art. 43 4°: the designation of the lawyer, when it is later.
        return (
            lawyer.at,
            "step.restart-legal-aid-lawyer",
            (("decided", decided.at), ("lawyer", lawyer.at)),
        )
    # Art. 43 3°: once the decision can no longer be contested (15 days, art. 69).
    return (
        contest_ends,
        f"step.restart-legal-aid-{outcome.value}",
        (("decided", decided.at),),
    )


# --- recours gracieux or hiérarchique (CRPA L.411-2, L.411-7; CJA R.421-2; AP Q5) -------------


def recours_rejection(received: Event, place: Place) -> date:
    """When silence on a recours becomes a rejection: 2 months after its receipt, never moved
    (CRPA L.411-7, L.231-4 2°, L.114-3), counted as the rule `recours-rejection` counts it (the
    engine evaluates that rule after the appeals it moves, so its births are not yet there)."""
    from deadlines.rules.catalogue import RECOURS_REJECTION

    (silence,) = RECOURS_REJECTION.variants
    (birth,) = silence.readings
    return count_in(received.at, silence.period, birth.method, place.plain, "").due


def _recours_effects(events: Events, place: Place) -> list[_Effect]:
    received = events.get(EventKind.RECOURS_RECEIVED, [])
    if not received:
        return []
    express = events.get(EventKind.RECOURS_REJECTED, [])

    def interrupt(state: _Moving) -> None:
        first = received[0]
        # The rejection of each recours: the express one if notified before silence would
        # have rejected it, else the implicit one (the i-th rejection answers the i-th recours).
        rejections = []
        for index, recours in enumerate(received):
            born = recours_rejection(recours, place)
            answer = express[index].at if index < len(express) else None
            rejections.append(
                (answer if answer is not None and answer <= born else born, answer, born)
            )
        first_rejection = rejections[0][0]
        counted = [0]
        for index in range(1, len(received)):
            recours = received[index]
            in_time = all(_running(t, recours, place) for t in state.tracks)
            if recours.at <= first_rejection and in_time:
                counted.append(index)  # gracieux and hiérarchique: both rejections needed
            else:
                state.warnings.append(Message("warning.recours-second", (("day", recours.at),)))
        index = max(counted, key=lambda i: rejections[i][0])
        restart, answer, born = rejections[index]
        if answer is not None and answer <= born:
            why, params = "step.restart-recours-express", (("received", received[index].at),)
        else:
            why, params = "step.restart-recours-implicit", (("received", received[index].at),)
        moved = _apply(
            state,
            first,
            lambda _: True,
            lambda hit: tuple(
                _restarted(t, first, restart, why, params, RECOURS_BASIS, place) for t in hit
            ),
            place,
        )
        if len(counted) > 1 and moved:
            state.moved_by.extend(received[i] for i in counted[1:])
        state.basis.extend(("CRPA L.411-2", "CRPA L.411-7", "CJA R.421-2"))
        if not moved:
            return
        # CJA R.421-2 al. 2: an express rejection notified after the implicit one, while the
        # new deadline runs, makes it run again from its notification.
        if answer is not None and answer > born:
            rejected = express[index]
            _apply(
                state,
                rejected,
                lambda _: True,
                lambda hit: tuple(
                    _restarted(
                        t,
                        rejected,
                        rejected.at,
                        "step.restart-recours-express-late",
                        (("born", born),),
                        "CJA R.421-2",
                        place,
                    )
                    for t in hit
                ),
                place,
            )

    return [(received[0].at, 0, interrupt)]


# --- custody switch (CESEDA R.921-1; CA Q2) ----------------------------------------------------


def _custody_effect(
    rule: Rule, placed: Event, rows: frozenset[str], place: Place
) -> Callable[[_Moving], None]:
    new_row = "new-7-days" if placed.kind is EventKind.HOUSE_ARREST_NOTIFIED else "new-48-hours"
    variant = next(v for v in rule.variants if v.id == new_row)

    def switch(state: _Moving) -> None:
        if any(t.row.startswith("old-") for t in state.tracks):
            # The old regime's switch (L.614-8) is not computed: the 48 hours there run from
            # the notification of the placement, which the tool is not told how it was made.
            state.notes.append(Message("note.custody-switch-old-regime"))
        moved = _apply(
            state,
            placed,
            lambda t: t.row in rows,
            lambda hit: _new_row(hit, placed, variant, place),
            place,
        )
        if moved:
            now_rows = {t.row for t in state.tracks}
            # Every reading is now of the new row: the deadline is as settled as that row.
            state.status = (
                variant.status
                if now_rows == {variant.id}
                else weakest(state.status, variant.status)
            )
            state.basis.extend((CUSTODY_BASIS, *variant.basis))
            if variant.period.hours and placed.time is None:
                instant = event_instant(placed, place.zone)[0]
                state.warnings.append(
                    Message("warning.placement-time-missing", (("day", placed.at), ("at", instant)))
                )

    return switch


def _new_row(
    hit: tuple[Track, ...], placed: Event, variant: Variant, place: Place
) -> tuple[Track, ...]:
    """The readings of the row R.921-1 switches to (7 days or 48 hours), from the placement,
    each led by the steps of the reading it replaces (the earliest, for the trace)."""
    earliest = min(hit, key=lambda t: (isinstance(t, PendingReading), getattr(t, "end", None) or 0))
    hourly = bool(variant.period.hours)
    instant = event_instant(placed, place.zone)[0]
    restart: date = instant if hourly else placed.at
    prefix = _prefix(earliest)
    origin = _origin(earliest)
    if hourly:
        # The new reading ends at an instant: its trace runs from the OQTF's instant, each
        # earlier move at the start of its day.
        prefix, origin = _as_instants(prefix, event_instant(earliest.start, place.zone)[0], place)
    lead = (
        *prefix,
        Step(
            StepKind.INTERRUPTED,
            origin,
            restart,
            f"step.interrupted-{placed.kind.value}",
            (("day", placed.at),),
            CUSTODY_BASIS,
        ),
        Step(
            StepKind.RESTART,
            restart,
            restart,
            f"step.restart-{variant.id}",
            (("day", placed.at),),
            CUSTODY_BASIS,
        ),
    )
    results: list[Track] = []
    for reading in variant.readings:
        basis = (*variant.basis, *reading.basis, CUSTODY_BASIS)
        reading_id = f"{variant.id}/{reading.id}"
        if hourly:
            how = hour_reading(reading.method)
            assert how is not None  # the row's period is in hours
            results.append(
                counted_in_hours(
                    reading_id,
                    reading,
                    earliest.start,
                    instant,
                    variant.period,
                    how,
                    place.zone,
                    basis,
                    lead,
                    variant.id,
                )
            )
            continue
        calendars = [place.plain]
        if reading.method in EXTENDING and place.disputed:
            calendars.append(place.disputed)
        results.extend(
            counted_in_days(
                reading_id + ("+disputed-holidays" if calendar.with_disputed else ""),
                reading,
                earliest.start,
                placed.at,
                variant.period,
                calendar,
                place.zone,
                place.extension_citation,
                basis,
                lead,
                variant.id,
            )
            for calendar in calendars
        )
    return tuple(results)


def _as_instants(
    steps: tuple[Step, ...], start: datetime, place: Place
) -> tuple[tuple[Step, ...], datetime]:
    """The steps as a chain of instants from `start` (a day becomes its 00:00 local), and
    where that chain ends."""
    chained: list[Step] = []
    before = start
    for step in steps:
        after = step.after
        if not isinstance(after, datetime):
            after = datetime.combine(after, time(0, 0), place.zone)
        chained.append(replace(step, before=before, after=after))
        before = after
    return tuple(chained), before


# --- motives of an implicit refusal (CRPA L.232-4; CE avis 2 Oct 2025 n° 504677; AP Q4) -------


def _motives(state: _Moving, asked: Event, events: Events, place: Place) -> None:
    given = _first(events, EventKind.MOTIVES_COMMUNICATED)
    if given is None:
        if any(_running(t, asked, place) for t in state.tracks):
            state.warnings.append(Message("warning.motives-pending", (("day", asked.at),)))
        else:
            state.warnings.append(_too_late(asked))
        return
    cap = count_in(asked.at, MOTIVES_CAP, Method.STRICT, place.plain, "").due

    def extended(track: Track) -> ReadingResult:
        result = _restarted(
            track,
            asked,
            given.at,
            "step.restart-motives",
            (("given", given.at),),
            MOTIVES_BASIS,
            place,
        )
        if result.due <= cap:
            return result
        capped = Step(
            StepKind.CAPPED,
            result.due,
            cap,
            "step.capped-motives",
            (("asked", asked.at), ("cap", cap)),
            "CE avis 2 oct. 2025 n° 504677",
        )
        return replace(
            result,
            due=cap,
            end=end_of_day(cap, place.zone),
            steps=(*result.steps, capped),
        )

    _apply(state, asked, lambda _: True, lambda hit: tuple(extended(t) for t in hit), place)
    state.basis.append(MOTIVES_BASIS)


# --- incomplete file (CRPA L.114-5; AP Q4) -----------------------------------------------------


def items_suspension(events: Events) -> tuple[Event, Event] | None:
    """The written request for missing documents and their arrival, when both are given."""
    asked = _first(events, EventKind.ITEMS_REQUESTED)
    given = _first(events, EventKind.ITEMS_PROVIDED)
    return (asked, given) if asked is not None and given is not None else None


def _items(state: _Moving, events: Events, place: Place) -> None:
    """The implicit refusal, born later by the days the file waited for its documents: a
    reading of its own (DISPUTED: whether the request suspended anything, and how to count)."""
    asked = _first(events, EventKind.ITEMS_REQUESTED)
    if asked is None:
        return
    births = [t for t in state.tracks if isinstance(t, ReadingResult)]
    if not births or asked.at > max(t.due for t in births):
        state.warnings.append(_too_late(asked))
        return
    suspension = items_suspension(events)
    if suspension is None:
        state.warnings.append(Message("warning.items-pending", (("day", asked.at),)))
        return
    _, given = suspension
    days = (given.at - asked.at).days
    for birth in births:
        later = birth.due + timedelta(days=days)
        step = Step(
            StepKind.ADD_DAYS,
            birth.due,
            later,
            "step.items-suspension",
            (("asked", asked.at), ("given", given.at), ("days", days)),
            ITEMS_BASIS,
        )
        state.tracks.append(
            replace(
                birth,
                id="suspended",
                due=later,
                end=end_of_day(later, place.zone),
                steps=(*birth.steps, step),
                basis=(*birth.basis, ITEMS_BASIS),
            )
        )
    state.moved_by.append(asked)
    state.status = weakest(state.status, Status.DISPUTED)
    state.basis.append(ITEMS_BASIS)


def _after_suspended_birth(
    state: _Moving, evaluation: Evaluation, events: Events, place: Place
) -> None:
    """An appeal of the implicit refusal counted also from the later birth (L.114-5): a
    disputed start (rules.md, "incomplete file")."""
    suspension = items_suspension(events)
    if suspension is None:
        return
    asked, given = suspension
    born = evaluation.trigger
    if asked.at > born.at:
        return
    later = Event(
        EventKind.IMPLICIT_REFUSAL_BORN,
        born.at + timedelta(days=(given.at - asked.at).days),
        derived=True,
    )
    for track in list(state.tracks):
        if isinstance(track, ReadingResult):
            again = _recount(track, later.at, place)
            state.tracks.append(replace(again, id=f"{track.id}@suspended-birth", start=later))
    state.moved_by.append(asked)
    state.status = weakest(state.status, Status.DISPUTED)
    state.basis.append(ITEMS_BASIS)
