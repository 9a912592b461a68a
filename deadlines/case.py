"""A case: its events and facts, validated on construction (rules.md "Events" and "Facts")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from deadlines.errors import InputError
from deadlines.holidays import check_covered
from deadlines.rules.model import (
    DERIVED_EVENTS,
    REPEATABLE_EVENTS,
    TIMED_EVENTS,
    Channel,
    Custody,
    EventKind,
    LegalAidOutcome,
    OqtfGround,
    Residence,
)
from deadlines.territories import DEFAULT_TERRITORY, Territory, territory


@dataclass(frozen=True)
class Event:
    """One dated event of a case: its kind, its day, and for a timed event its local time."""

    kind: EventKind
    at: date
    rank: int = 0  # occurrence number for repeatable events (OFII requests), 0-based
    derived: bool = False
    time: time | None = None  # local wall time, for events where it matters (TIMED_EVENTS)


@dataclass(frozen=True)
class Facts:
    """What a case states besides its events: territory, channel, and the facts of an OQTF."""

    territory: str = DEFAULT_TERRITORY
    appeal_info: bool = True
    channel: Channel | None = None  # None: not given (the engine decides, spec §3)
    # The OQTF facts of rules.md; they are only meaningful with an `oqtf-notified` event.
    oqtf_decided: date | None = None  # None: unknown (every possible regime is a reading)
    departure_period: bool | None = None  # required with `oqtf-notified`
    custody: Custody = Custody.NONE
    ground: OqtfGround = OqtfGround.REFUSAL
    # Wave 2 facts (rules.md "New facts").
    legal_aid_outcome: LegalAidOutcome = LegalAidOutcome.GRANTED
    residence: Residence = Residence.LOCAL
    judgment_appeal_info: bool = True


# Chronology the procedure imposes: (later, earlier) — the later event cannot precede the earlier
# (by day; by time of day too when both give one). Repeated events: their first occurrences.
_ORDER: tuple[tuple[EventKind, EventKind], ...] = (
    (EventKind.CERTIFICATE_AVAILABLE, EventKind.APPLICATION_FILED),
    (EventKind.CERTIFICATE_RECEIVED, EventKind.APPLICATION_FILED),
    (EventKind.CERTIFICATE_RECEIVED, EventKind.CERTIFICATE_AVAILABLE),
    (EventKind.REFUSAL_NOTIFIED, EventKind.APPLICATION_FILED),
    (EventKind.LEGAL_AID_DECIDED, EventKind.LEGAL_AID_REQUESTED),
    (EventKind.LAWYER_DESIGNATED, EventKind.LEGAL_AID_REQUESTED),
    (EventKind.MOTIVES_COMMUNICATED, EventKind.MOTIVES_REQUESTED),
    (EventKind.ITEMS_PROVIDED, EventKind.ITEMS_REQUESTED),
    (EventKind.HOUSE_ARREST_NOTIFIED, EventKind.OQTF_NOTIFIED),
    (EventKind.RETENTION_NOTIFIED, EventKind.OQTF_NOTIFIED),
)

# Events that answer or follow another one, which the case must then have (wave 2): (later,
# earlier, the message key saying what is missing).
_NEEDS: tuple[tuple[EventKind, EventKind, str], ...] = (
    (EventKind.LEGAL_AID_DECIDED, EventKind.LEGAL_AID_REQUESTED, "legal-aid.without-request"),
    (EventKind.LAWYER_DESIGNATED, EventKind.LEGAL_AID_REQUESTED, "legal-aid.without-request"),
    (EventKind.RECOURS_REJECTED, EventKind.RECOURS_RECEIVED, "recours.rejected-without-recours"),
    (EventKind.MOTIVES_COMMUNICATED, EventKind.MOTIVES_REQUESTED, "motives.without-request"),
    (EventKind.ITEMS_PROVIDED, EventKind.ITEMS_REQUESTED, "items.without-request"),
    (EventKind.HOUSE_ARREST_NOTIFIED, EventKind.OQTF_NOTIFIED, "oqtf.placement-without-oqtf"),
    (EventKind.RETENTION_NOTIFIED, EventKind.OQTF_NOTIFIED, "oqtf.placement-without-oqtf"),
)
# A judgment rules on a decision: it cannot be notified before the first of them.
_JUDGED = (EventKind.REFUSAL_NOTIFIED, EventKind.OQTF_NOTIFIED)


@dataclass(frozen=True)
class Case:
    """A case as the engine reads it: its events, in order, and its facts; checked on creation."""

    events: tuple[Event, ...]
    facts: Facts = field(default_factory=Facts)

    def __post_init__(self) -> None:
        where = self.where  # validates the territory code
        first: dict[EventKind, Event] = {}  # `self.first` of each kind, found in one pass
        for event in self.events:
            if event.kind in DERIVED_EVENTS and not event.derived:
                raise InputError("event.derived", field=event.kind.value)
            if event.kind not in first:
                first[event.kind] = event
            elif event.kind not in REPEATABLE_EVENTS:
                raise InputError("event.repeated", field=event.kind.value)
            if event.time is not None:
                if event.kind not in TIMED_EVENTS:
                    raise InputError("time.not-allowed", field=event.kind.value)
                if not _exists(datetime.combine(event.at, event.time), ZoneInfo(where.time_zone)):
                    raise InputError(
                        "time.nonexistent",
                        field=event.kind.value,
                        day=event.at,
                        time=f"{event.time:%H:%M}",
                        zone=where.time_zone,
                    )
            try:
                check_covered(event.at, where)
            except InputError as error:
                error.field = event.kind.value
                raise
        for later, earlier, key in _NEEDS:
            if later in first and earlier not in first:
                raise InputError(key, field=later.value)
        for later, earlier in _ORDER:
            late, early = first.get(later), first.get(earlier)
            if late is not None and early is not None:
                _check_not_before(late, early)
        if EventKind.RECOURS_REJECTED in first:
            self._check_rejections()
        judgment = first.get(EventKind.JUDGMENT_NOTIFIED)
        judged = [first[kind] for kind in _JUDGED if kind in first]
        if judgment is not None and judged:
            _check_not_before(judgment, min(judged, key=lambda e: e.at))
        self._check_oqtf_facts(first.get(EventKind.OQTF_NOTIFIED), where)
        self._check_facts_of_events(first)

    def _check_rejections(self) -> None:
        """Each express rejection answers a recours received before it: no more rejections
        than recours, and the k-th rejection (in date order) not before the k-th recours."""
        received = sorted(self.all(EventKind.RECOURS_RECEIVED), key=lambda e: e.at)
        rejected = sorted(self.all(EventKind.RECOURS_REJECTED), key=lambda e: e.at)
        if len(rejected) > len(received):
            raise InputError(
                "recours.more-rejections",
                field=EventKind.RECOURS_REJECTED.value,
                rejections=len(rejected),
                recours=len(received),
            )
        for rejection, recours in zip(rejected, received, strict=False):
            _check_not_before(rejection, recours)

    def _check_facts_of_events(self, first: dict[EventKind, Event]) -> None:
        """A fact that describes an event, away from its default, needs that event."""
        facts = self.facts
        if (
            facts.legal_aid_outcome is not LegalAidOutcome.GRANTED
            and EventKind.LEGAL_AID_DECIDED not in first
        ):
            raise InputError("legal-aid.outcome-without-decision", field="legal-aid-outcome")
        if not facts.judgment_appeal_info and EventKind.JUDGMENT_NOTIFIED not in first:
            raise InputError("judgment.fact-without-judgment", field="judgment-appeal-info")

    def _check_oqtf_facts(self, oqtf: Event | None, where: Territory) -> None:
        facts = self.facts
        if oqtf is None:
            # The OQTF facts describe an OQTF: without one they are a mistake, not a default.
            if facts.oqtf_decided is not None:
                raise InputError("oqtf.fact-without-oqtf", field="oqtf-decided")
            if facts.departure_period is not None:
                raise InputError("oqtf.fact-without-oqtf", field="departure-period")
            if facts.custody is not Custody.NONE:
                raise InputError("oqtf.fact-without-oqtf", field="custody")
            if facts.ground is not OqtfGround.REFUSAL:
                raise InputError("oqtf.fact-without-oqtf", field="oqtf-ground")
            return
        if facts.departure_period is None:
            raise InputError("oqtf.departure-period-missing", field="departure-period")
        if facts.oqtf_decided is not None:
            try:
                check_covered(facts.oqtf_decided, where)
            except InputError as error:
                error.field = "oqtf-decided"
                raise
            if facts.oqtf_decided > oqtf.at:
                raise InputError(
                    "oqtf.decided-after-notified",
                    field="oqtf-decided",
                    day=facts.oqtf_decided,
                    other_day=oqtf.at,
                )

    @property
    def where(self) -> Territory:
        return territory(self.facts.territory)

    def first(self, kind: EventKind) -> Event | None:
        return next((e for e in self.events if e.kind == kind), None)

    def all(self, kind: EventKind) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind == kind)


def event_instant(event: Event, zone: ZoneInfo) -> tuple[datetime, str | None]:
    """The instant of a timed event in the case's zone: (instant, oddity).

    Without a time, 00:00 local (the earliest possible: rules.md, 48-hour deadlines), oddity
    "time-missing". An ambiguous local time (autumn) takes the earlier instant, oddity
    "ambiguous". A local time that does not exist (spring) was refused when the case was built.
    """
    from deadlines.instants import localize

    if event.time is None:
        instant, _ = localize(datetime.combine(event.at, time(0, 0)), zone)
        return instant, "time-missing"
    instant, oddity = localize(datetime.combine(event.at, event.time), zone)
    return instant, oddity


def _check_not_before(late: Event, early: Event) -> None:
    """`late` cannot precede `early`: by day, or on the same day by time when both give one."""
    if late.at < early.at:
        raise InputError(
            "event.order",
            field=late.kind.value,
            day=late.at,
            other=early.kind.value,
            other_day=early.at,
        )
    if (
        late.at == early.at
        and late.time is not None
        and early.time is not None
        and late.time < early.time
    ):
        raise InputError(
            "event.order-time",
            field=late.kind.value,
            day=late.at,
            time=f"{late.time:%H:%M}",
            other=early.kind.value,
            other_time=f"{early.time:%H:%M}",
        )


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    from deadlines.instants import localize

    return localize(naive, zone)[1] != "nonexistent"


def make_case(events: Iterable[tuple[EventKind, date]], facts: Facts | None = None) -> Case:
    """Build a case from (kind, day) pairs, numbering repeated events in date order.

    A `datetime` day (naive, local to the territory) gives the event its time of day.
    """
    ranked: list[Event] = []
    by_kind: dict[EventKind, list[date]] = {}
    for kind, day in events:
        by_kind.setdefault(kind, []).append(day)
    for kind, days in by_kind.items():
        ordered = sorted(days) if kind in REPEATABLE_EVENTS else days
        for rank, day in enumerate(ordered):
            if isinstance(day, datetime):
                ranked.append(Event(kind, day.date(), rank, time=day.time()))
            else:
                ranked.append(Event(kind, day, rank))
    return Case(tuple(ranked), facts or Facts())
