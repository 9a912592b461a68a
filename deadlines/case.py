"""A case: its events and facts, validated on construction (rules.md "Events" and "Facts")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from deadlines.errors import InputError
from deadlines.holidays import check_covered
from deadlines.rules.model import DERIVED_EVENTS, REPEATABLE_EVENTS, Channel, EventKind
from deadlines.territories import DEFAULT_TERRITORY, Territory, territory


@dataclass(frozen=True)
class Event:
    kind: EventKind
    at: date
    rank: int = 0  # occurrence number for repeatable events (OFII requests), 0-based
    derived: bool = False


@dataclass(frozen=True)
class Facts:
    territory: str = DEFAULT_TERRITORY
    appeal_info: bool = True
    channel: Channel | None = None  # None: not given (the engine decides, spec §3)


# Chronology the procedure imposes: (later, earlier) — the later event cannot precede the earlier.
_ORDER: tuple[tuple[EventKind, EventKind], ...] = (
    (EventKind.CERTIFICATE_AVAILABLE, EventKind.APPLICATION_FILED),
    (EventKind.CERTIFICATE_RECEIVED, EventKind.APPLICATION_FILED),
    (EventKind.CERTIFICATE_RECEIVED, EventKind.CERTIFICATE_AVAILABLE),
    (EventKind.REFUSAL_NOTIFIED, EventKind.APPLICATION_FILED),
)


@dataclass(frozen=True)
class Case:
    events: tuple[Event, ...]
    facts: Facts = field(default_factory=Facts)

    def __post_init__(self) -> None:
        where = self.where  # validates the territory code
        counts: dict[EventKind, int] = {}
        for event in self.events:
            if event.kind in DERIVED_EVENTS and not event.derived:
                raise InputError("event.derived", field=event.kind.value)
            counts[event.kind] = counts.get(event.kind, 0) + 1
            if counts[event.kind] > 1 and event.kind not in REPEATABLE_EVENTS:
                raise InputError("event.repeated", field=event.kind.value)
            try:
                check_covered(event.at, where)
            except InputError as error:
                error.field = event.kind.value
                raise
        for later, earlier in _ORDER:
            late, early = self.first(later), self.first(earlier)
            if late is not None and early is not None and late.at < early.at:
                raise InputError(
                    "event.order",
                    field=later.value,
                    day=late.at,
                    other=earlier.value,
                    other_day=early.at,
                )

    @property
    def where(self) -> Territory:
        return territory(self.facts.territory)

    def first(self, kind: EventKind) -> Event | None:
        return next((e for e in self.events if e.kind == kind), None)

    def all(self, kind: EventKind) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind == kind)


def make_case(events: Iterable[tuple[EventKind, date]], facts: Facts | None = None) -> Case:
    """Build a case from (kind, date) pairs, numbering repeated events in date order."""
    ranked: list[Event] = []
    by_kind: dict[EventKind, list[date]] = {}
    for kind, day in events:
        by_kind.setdefault(kind, []).append(day)
    for kind, days in by_kind.items():
        ordered = sorted(days) if kind in REPEATABLE_EVENTS else days
        ranked.extend(Event(kind, day, rank) for rank, day in enumerate(ordered))
    return Case(tuple(ranked), facts or Facts())
