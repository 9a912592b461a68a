"""What the engine produces for one rule applied to one trigger: its readings, counted or
waiting, and the notes and warnings it made (plain values; deadlines/engine.py makes them,
deadlines/moves.py moves them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from deadlines.case import Event
from deadlines.errors import ParamValue
from deadlines.explain import Step
from deadlines.periods import Period
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
