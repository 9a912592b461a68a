"""What the engine produces for one rule applied to one trigger: its readings, counted or
waiting, and the notes and warnings it made (plain values; deadlines/engine.py makes them,
deadlines/moves.py moves them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from deadlines.case import Event
from deadlines.errors import ParamValue
from deadlines.explain import Step
from deadlines.holidays import HolidayCalendar
from deadlines.instants import HourReading, count_hours, end_of_day
from deadlines.periods import Period, count_in
from deadlines.rules.model import Reading, Rule, Status, Text


@dataclass(frozen=True)
class Message:
    """A sentence made by the engine, rendered in the output language by deadlines.messages."""

    key: str
    params: tuple[tuple[str, ParamValue], ...] = ()


Note = Text | Message


@dataclass(frozen=True)
class ReadingResult:
    """One reading of a deadline, counted: its last day, exact end, steps and citation."""

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
    # How it was counted, so that an event can count it again from a new start (wave 2): the
    # period, and the row of the regime table it belongs to ("" for a rule without one).
    period: Period
    row: str = ""


def counted_in_days(
    reading_id: str,
    reading: Reading,
    start: Event,
    day: date,
    period: Period,
    calendar: HolidayCalendar,
    zone: ZoneInfo,
    citation: str,
    basis: tuple[str, ...],
    lead: tuple[Step, ...] = (),
    row: str = "",
) -> ReadingResult:
    """A reading of days, months or years counted from `day` in `calendar` (the one counting
    of the engine's first readings and of every reading an event moves): it ends at 00:00
    local the day after its last day. `lead`: the steps before the counting's own (the regime
    row chosen, an interruption and its restart); `citation`: the text of the weekend and
    holiday extension."""
    counted = count_in(day, period, reading.method, calendar, citation)
    return ReadingResult(
        reading_id,
        reading,
        start,
        counted.due,
        None,
        end_of_day(counted.due, zone),
        calendar.with_disputed,
        basis,
        (*lead, *counted.steps),
        period,
        row,
    )


def counted_in_hours(
    reading_id: str,
    reading: Reading,
    start: Event,
    instant: datetime,
    period: Period,
    how: HourReading,
    zone: ZoneInfo,
    basis: tuple[str, ...],
    lead: tuple[Step, ...] = (),
    row: str = "",
) -> ReadingResult:
    """A reading of hours counted from `instant` (aware), exact to the minute across a
    daylight-saving change: it ends at the instant itself."""
    assert period.hours, "a period of days is counted by counted_in_days"
    counted = count_hours(instant, period.hours, how, zone)
    return ReadingResult(
        reading_id,
        reading,
        start,
        counted.due.date(),
        counted.due,
        counted.due.astimezone(UTC),
        False,
        basis,
        (*lead, *counted.steps),
        period,
        row,
    )


@dataclass(frozen=True)
class PendingReading:
    """A reading interrupted and waiting for the event that restarts it (legal aid asked, no
    decision yet): its steps end at the interruption."""

    id: str
    reading: Reading
    start: Event
    basis: tuple[str, ...]
    steps: tuple[Step, ...]
    period: Period
    row: str = ""
    with_disputed_holidays: bool = False


@dataclass(frozen=True)
class Evaluation:
    """A rule applied to one trigger, independent of the as-of date.

    After wave-2 events moved it (deadlines/moves.py), `readings` are counted from where the
    events left the deadline, `moved_by` lists those events and `pending` the readings still
    waiting; a suspended deadline has no reading left, only pending ones.
    """

    rule: Rule
    trigger: Event
    readings: tuple[ReadingResult, ...]
    basis: tuple[str, ...]
    status: Status
    notes: tuple[Note, ...]
    warnings: tuple[Note, ...] = ()
    pending: tuple[PendingReading, ...] = ()
    moved_by: tuple[Event, ...] = ()
    suspended_by: Event | None = None

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
