"""The moment a case is seen from: now in its territory, or the `--as-of` the user typed.

Each case is seen on its own territory's clock (22:00 in Paris is already the next day in
Réunion); a date outside the verified holiday years is an error, never a guess (spec §5).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from deadlines.dates import parse_date_time
from deadlines.errors import InputError
from deadlines.holidays import check_covered
from deadlines.instants import localize
from deadlines.territories import Territory

PIVOT_ZONE = "Europe/Paris"  # the clock a caseload's --as-of time is read on, across territories

# A time zone -> that zone's reference day and, when known, instant (one moment for a caseload).
Reference = Callable[[str], tuple[date, datetime | None]]


def reference_time(as_of: str | None, time_zone: str) -> tuple[date, datetime | None]:
    """The reference day and, when known, instant: now in the territory, or `--as-of`."""
    zone = ZoneInfo(time_zone)
    if as_of is None:
        # "Now" is the time in the case's territory, not on the caseworker's machine.
        now = datetime.now(zone)
        return now.date(), now
    reference, at = parse_date_time(as_of, field="as-of")
    if at is None:
        return reference, None
    return reference, localize(datetime.combine(reference, at), zone)[0]


def case_reference(as_of: str | None, where: Territory) -> tuple[date, datetime | None]:
    """`reference_time` for a case, refused when outside its territory's verified years."""
    reference, now = reference_time(as_of, where.time_zone)
    try:
        check_covered(reference, where)
    except InputError as error:
        error.field = "as-of"
        raise
    return reference, now


def caseload_reference(as_of: str | None) -> Reference:
    """Each case's reference day and instant, in its own territory's time zone.

    One moment for every case: now, or `--as-of DATE HH:MM` read as Paris time (22:00 in Paris
    is already the next day in Réunion). `--as-of DATE` alone is that day in every territory.
    """
    if as_of is None:
        return lambda time_zone: reference_time(None, time_zone)
    day, instant = reference_time(as_of, PIVOT_ZONE)
    if instant is None:
        return lambda time_zone: (day, None)
    return pinned_reference(instant)


def pinned_reference(instant: datetime) -> Reference:
    """One instant (aware), seen in each case's time zone: its local day and time there."""

    def pinned(time_zone: str) -> tuple[date, datetime | None]:
        local = instant.astimezone(ZoneInfo(time_zone))
        return local.date(), local

    return pinned
