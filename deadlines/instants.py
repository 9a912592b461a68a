"""Hour-based periods (spec §2.7): hour to hour, never franc, never extended (CE 10 févr. 2006
Oprea n° 273484).

Across a daylight-saving change two readings exist: *elapsed* (exactly n hours of real time) and
*wall-clock* (the same local time n/24 days later; a local time that does not exist moves forward
to the first valid minute, an ambiguous one takes the earlier instant). The safe reading is the
earlier instant. Times are local to the case's territory (its IANA zone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from deadlines.explain import Step, StepKind
from deadlines.periods import Method

OPREA = "CE 10 févr. 2006 Oprea n° 273484"


class HourReading(StrEnum):
    ELAPSED = "elapsed"
    WALL_CLOCK = "wall-clock"


def hour_reading(method: Method) -> HourReading | None:
    """How a reading of this method counts hours; None for a day or month reading."""
    if method is Method.HOURS_ELAPSED:
        return HourReading.ELAPSED
    return HourReading.WALL_CLOCK if method is Method.HOURS_WALL_CLOCK else None


@lru_cache(maxsize=1 << 15)
def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """24:00 local on `day`, i.e. 00:00 on the next day (spec §2.6), in UTC: when a day
    deadline is over."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), zone).astimezone(UTC)


@dataclass(frozen=True)
class CountedInstant:
    """The exact end of an hour period (aware) and the steps that counted it."""

    due: datetime
    steps: tuple[Step, ...]


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def localize(naive: datetime, zone: ZoneInfo) -> tuple[datetime, str | None]:
    """A local wall time as an instant: (instant, "nonexistent" | "ambiguous" | None)."""
    if not _exists(naive, zone):
        # Spring gap: the first valid minute after it.
        moved = naive
        while not _exists(moved, zone):
            moved += timedelta(minutes=1)
        return moved.replace(tzinfo=zone, fold=0), "nonexistent"
    earlier = naive.replace(tzinfo=zone, fold=0)
    later = naive.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() != later.utcoffset():
        return earlier, "ambiguous"  # autumn: the earlier of the two instants
    return earlier, None


def count_hours(
    start: datetime, hours: int, reading: HourReading, zone: ZoneInfo
) -> CountedInstant:
    """`start` (aware) + `hours`, in the zone of the case, with the steps that led there."""
    if start.tzinfo is None:
        raise ValueError("an hour-based period needs an aware start instant")
    start = start.astimezone(zone)
    steps = [Step(StepKind.START, start, start, "step.start-instant", (("at", start),))]
    if reading is HourReading.ELAPSED:
        due = (start.astimezone(UTC) + timedelta(hours=hours)).astimezone(zone)
        steps.append(
            Step(
                StepKind.ADD_HOURS,
                start,
                due,
                "step.add-hours",
                (("hours", hours), ("at", due)),
                OPREA,
            )
        )
    else:
        naive = start.replace(tzinfo=None) + timedelta(hours=hours)
        due, oddity = localize(naive, zone)
        steps.append(
            Step(
                StepKind.ADD_HOURS,
                start,
                due,
                "step.add-hours-wall-clock",
                (("hours", hours), ("at", due)),
                OPREA,
            )
        )
        if oddity is not None:
            steps.append(Step(StepKind.DST, due, due, f"step.dst-{oddity}", (("at", due),)))
    steps.append(Step(StepKind.END_INSTANT, due, due, "step.end-instant", (("at", due),), OPREA))
    return CountedInstant(due, tuple(steps))
