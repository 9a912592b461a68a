"""Counting primitives (spec §2). Each returns the date it reaches and the steps that led there.

Conventions, with their sources:
- months: same day number n months later, else the last day of that month (CPC art. 641 al. 2);
  months and days: months first, then days (CPC art. 641 al. 3); always from the original date
  (relativedelta on the trigger, never month by month);
- days: the trigger day does not count (CPC art. 641 al. 1), so E = T + n;
- délai franc: the last day is the day after the échéance (CE 5 oct. 2018 n° 409579); the
  doctrine formula counts the months from the day after the trigger (spec §2.4);
- extension: a last day on a Saturday, Sunday or holiday moves to the next working day
  (CPC art. 642 al. 2), only in readings that say so;
- birth of an implicit decision: no franc day, no extension (CE 5 juin 2009 n° 312682).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from deadlines.errors import CoverageError
from deadlines.explain import Step, StepKind
from deadlines.holidays import HolidayCalendar, check_covered


class Method(StrEnum):
    """How a period is counted in one reading."""

    BIRTH = "birth"  # implicit decision: échéance, born even on a Sunday
    STRICT = "strict"  # échéance, no franc day, no extension
    EXTENDED = "extended"  # échéance, then CPC 642 extension
    FRANC = "franc"  # CE formula: échéance + 1 day, then CPC 642
    FRANC_DOCTRINE = "franc-doctrine"  # (T + 1 day) + n months, then CPC 642
    BACKWARD = "backward"  # a window edge before an expiry: E − n, no extension
    DAY_COUNTED = "day-counted"  # the trigger day is day 1: E = T + n − 1, no extension
    HOURS_ELAPSED = "hours-elapsed"  # T + n hours of real time (deadlines.instants)
    HOURS_WALL_CLOCK = "hours-wall-clock"  # same local time n/24 days later (deadlines.instants)


EXTENDING = frozenset({Method.EXTENDED, Method.FRANC, Method.FRANC_DOCTRINE})
HOURLY = frozenset({Method.HOURS_ELAPSED, Method.HOURS_WALL_CLOCK})


@dataclass(frozen=True)
class Period:
    """A length of time as the law states it: years, months, days, or hours (never mixed)."""

    years: int = 0
    months: int = 0
    days: int = 0
    hours: int = 0  # hour-based periods are never mixed with days or months

    def __post_init__(self) -> None:
        # A zero period is allowed: a window edge on the expiry day itself (R.431-5 1°, counter).
        if min(self.years, self.months, self.days, self.hours) < 0:
            raise ValueError(f"a period cannot be negative: {self!r}")
        if self.hours and (self.years or self.months or self.days):
            raise ValueError(f"hours cannot be mixed with days or months: {self!r}")

    @property
    def total_months(self) -> int:
        return 12 * self.years + self.months


@dataclass(frozen=True)
class Counted:
    """The last day of a period and the steps that counted it."""

    due: date
    steps: tuple[Step, ...]


# Citations of each counting step (spec §2).
CPC_641_MONTHS = "CPC art. 641 al. 2"
CPC_641_DAYS = "CPC art. 641 al. 1"
CPC_641_MIXED = "CPC art. 641 al. 3"
CPC_642_END = "CPC art. 642 al. 1"
CPC_642_EXTENSION = "CPC art. 642 al. 2"
FRANC_CE = "CE 5 oct. 2018 n° 409579; CE avis 30 juill. 2021 Hoseini n° 452878"
FRANC_DOCTRINE = "doctrine (jurisconsulte, Icard): mois comptés du lendemain"
BIRTH_CE = "CE 5 juin 2009 n° 312682"
DAY_COUNTED_CASS = "Cass. civ. 1re, avis 7 janv. 2025 n° 24-70.008 (par analogie)"


def _shift_months(start: date, months: int) -> date:
    """Same day number `months` later (or earlier), else the month's last day (CPC art. 641).

    Plain arithmetic rather than dateutil's relativedelta: same result (tested against it in
    tests/deadlines/test_counting_properties.py), without its import and per-call cost.
    """
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = _days_in_month(year, month + 1)
    return date(year, month + 1, min(start.day, last))


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def count(
    trigger: date,
    period: Period,
    method: Method,
    calendar: HolidayCalendar,
    extension_citation: str = CPC_642_EXTENSION,
) -> Counted:
    """Count `period` from `trigger` with `method`, in `calendar` (spec §2.1–2.6, §2.8).

    Pure, and its result is immutable, so it is memoised: a caseload repeats the same counts
    (same day, same period, same calendar) many times. Territories with the same calendar share
    the cache; a coverage error still names the territory asked about.
    """
    try:
        return count_in(trigger, period, method, shared_calendar(calendar), extension_citation)
    except CoverageError as error:
        error.params["territory"] = calendar.territory.code
        raise


@lru_cache(maxsize=256)
def shared_calendar(calendar: HolidayCalendar) -> HolidayCalendar:
    """The calendar of the first territory with the same holidays (`same_calendar`): what the
    count memo is keyed by."""
    from deadlines.territories import same_calendar, territory

    return HolidayCalendar(
        territory(same_calendar(calendar.territory.code)), calendar.with_disputed
    )


@lru_cache(maxsize=1 << 16)
def count_in(
    trigger: date,
    period: Period,
    method: Method,
    calendar: HolidayCalendar,
    extension_citation: str,
) -> Counted:
    """`count` in a calendar that `shared_calendar` returned (the memo is keyed by it). A
    coverage error names that calendar's territory: the caller names the one asked about."""
    if method in HOURLY or period.hours:
        raise ValueError("hour-based periods are counted by deadlines.instants.count_hours")
    if method is Method.DAY_COUNTED and (period.total_months or not period.days):
        raise ValueError("day-counted periods are in days only")
    check_covered(trigger, calendar.territory)
    steps: list[Step] = [_start_step(trigger)]
    current = trigger
    backward = method is Method.BACKWARD

    if method is Method.FRANC_DOCTRINE:
        step = _day_after_step(current)
        steps.append(step)
        current = step.after

    months = period.total_months
    if months:
        step = _months_step(current, months, backward)
        steps.append(step)
        current = step.after

    if period.days:
        step = _days_step(current, period.days, method is Method.DAY_COUNTED, backward, months != 0)
        steps.append(step)
        current = step.after

    if method is Method.FRANC:
        step = _franc_day_step(current)
        steps.append(step)
        current = step.after

    check_covered(current, calendar.territory)
    if method in EXTENDING:
        while not calendar.is_working_day(current):
            following = current + timedelta(days=1)
            check_covered(following, calendar.territory)
            steps.append(_skip_step(current, following, calendar, extension_citation))
            current = following
        steps.append(_working_day_step(current))
    elif method is Method.BIRTH:
        steps.append(_birth_step(current))
    elif not calendar.is_working_day(current):
        steps.append(
            Step(
                StepKind.NO_EXTENSION,
                current,
                current,
                "step.no-extension",
                (("day", current), *_why_not_working(current, calendar)),
            )
        )

    steps.append(_end_of_day_step(current, calendar.territory.time_zone))
    return Counted(current, tuple(steps))


# The steps of a count are memoised one by one: the readings of one rule count the same period
# from the same day with other methods (the months step of a franc, an extended and a strict
# reading is one step), and a Step is frozen, so sharing one changes nothing in a trace.


@lru_cache(maxsize=1 << 12)
def _start_step(trigger: date) -> Step:
    return Step(StepKind.START, trigger, trigger, "step.start", (("day", trigger),))


@lru_cache(maxsize=1 << 12)
def _day_after_step(trigger: date) -> Step:
    following = trigger + timedelta(days=1)
    return Step(StepKind.DAY_AFTER, trigger, following, "step.day-after", (), FRANC_DOCTRINE)


@lru_cache(maxsize=1 << 14)
def _months_step(current: date, months: int, backward: bool) -> Step:
    """Same day number `months` later (or earlier), else the month's last day (CPC 641)."""
    target = _shift_months(current, -months if backward else months)
    if target.day != current.day:
        # No same day number in the target month: the last day of that month (CPC 641).
        return Step(
            StepKind.CLAMP,
            current,
            target,
            "step.clamp",
            (("months", months), ("wanted", current.day), ("day", target)),
            CPC_641_MONTHS,
        )
    return Step(
        StepKind.SUBTRACT_MONTHS if backward else StepKind.ADD_MONTHS,
        current,
        target,
        "step.subtract-months" if backward else "step.add-months",
        (("months", months), ("day", target)),
        CPC_641_MONTHS,
    )


@lru_cache(maxsize=1 << 14)
def _days_step(current: date, days: int, counted: bool, backward: bool, mixed: bool) -> Step:
    """The step that adds (or subtracts) `days` to `current`: `counted` when the trigger day is
    day 1 (DAY_COUNTED), `mixed` after a months step (CPC 641 al. 3)."""
    if counted:
        # The trigger day is the first day of the period (Cass. civ. 1re, avis 7 janv. 2025
        # n° 24-70.008, for the 4-day rétention period; applied by analogy: CA Q5.2).
        target = current + timedelta(days=days - 1)
        return Step(
            StepKind.ADD_DAYS,
            current,
            target,
            "step.add-days-counted",
            (("days", days), ("day", target)),
            DAY_COUNTED_CASS,
        )
    target = current + timedelta(days=-days if backward else days)
    return Step(
        StepKind.SUBTRACT_DAYS if backward else StepKind.ADD_DAYS,
        current,
        target,
        "step.subtract-days" if backward else "step.add-days",
        (("days", days), ("day", target)),
        CPC_641_MIXED if mixed else CPC_641_DAYS,
    )


@lru_cache(maxsize=1 << 12)
def _franc_day_step(current: date) -> Step:
    following = current + timedelta(days=1)
    return Step(
        StepKind.FRANC_DAY,
        current,
        following,
        "step.franc-day",
        (("day", following),),
        FRANC_CE,
    )


@lru_cache(maxsize=1 << 12)
def _birth_step(day: date) -> Step:
    return Step(StepKind.BIRTH, day, day, "step.birth", (("day", day),), BIRTH_CE)


@lru_cache(maxsize=1 << 12)
def _working_day_step(day: date) -> Step:
    return Step(StepKind.WORKING_DAY, day, day, "step.working-day", (("day", day),))


@lru_cache(maxsize=1 << 12)
def _end_of_day_step(day: date, time_zone: str) -> Step:
    return Step(
        StepKind.END_OF_DAY,
        day,
        day,
        "step.end-of-day",
        (("day", day), ("zone", time_zone)),
        CPC_642_END,
    )


def _why_not_working(day: date, calendar: HolidayCalendar) -> tuple[tuple[str, str], ...]:
    holiday = calendar.holiday(day)
    if holiday is not None:
        return (("holiday", holiday.key),)
    return (("holiday", "saturday" if day.weekday() == 5 else "sunday"),)


def _skip_step(day: date, following: date, calendar: HolidayCalendar, citation: str) -> Step:
    holiday = calendar.holiday(day)
    if holiday is not None:
        key = "step.skip-disputed-holiday" if holiday.disputed else "step.skip-holiday"
        return Step(
            StepKind.SKIP_DAY,
            day,
            following,
            key,
            (("day", day), ("holiday", holiday.key), ("basis", holiday.basis)),
            citation,
        )
    return Step(StepKind.SKIP_DAY, day, following, "step.skip-weekend", (("day", day),), citation)
