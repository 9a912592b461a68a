"""The explanation trace: a chain of typed steps, rendered to text only at the edge.

A trace is consistent when its first step starts at the trigger, each step's `before` is the
previous step's `after`, and the last `after` is the deadline (tests/deadlines/test_properties.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import pairwise

from deadlines.errors import ParamValue


class StepKind(StrEnum):
    REGIME = "regime"  # which regime and which row of its table the facts select
    START = "start"  # the trigger (or the day after it, doctrine formula)
    ADD_MONTHS = "add-months"
    CLAMP = "clamp"  # end-of-month: no same day number (CPC 641)
    ADD_DAYS = "add-days"
    SUBTRACT_MONTHS = "subtract-months"
    SUBTRACT_DAYS = "subtract-days"
    DAY_AFTER = "day-after"  # doctrine formula: count from the day after the trigger
    FRANC_DAY = "franc-day"  # délai franc: the last day is the day after the échéance
    SKIP_DAY = "skip-day"  # extension over one Saturday, Sunday or holiday (CPC 642)
    WORKING_DAY = "working-day"  # check made, nothing to move
    NO_EXTENSION = "no-extension"  # the day is not worked, but this reading does not extend
    BIRTH = "birth"  # an implicit decision is born at the end of the day, even on a Sunday
    END_OF_DAY = "end-of-day"
    ADD_HOURS = "add-hours"  # hour to hour (a datetime chain; datetime is a date)
    DST = "dst"  # a wall-clock time that does not exist or exists twice
    END_INSTANT = "end-instant"  # the period ends at this exact instant, never extended
    # Wave 2: an event moved the deadline (rules.md "What happens after the first decision").
    INTERRUPTED = "interrupted"  # from the running start to the event that interrupted it
    RESTART = "restart"  # from that event to the day (or instant) the new period runs from
    CAPPED = "capped"  # a moved date held back by a limit (CRPA L.232-4: one year at most)


@dataclass(frozen=True)
class Step:
    """One step of a count: its kind, the day before and after it, its message and citation."""

    kind: StepKind
    before: date
    after: date
    message: str  # key in deadlines.messages
    params: tuple[tuple[str, ParamValue], ...] = field(default=())
    citation: str | None = None

    def param_dict(self) -> dict[str, ParamValue]:
        return dict(self.params)


def is_consistent_chain(steps: tuple[Step, ...], trigger: date, due: date) -> bool:
    if not steps or steps[0].before != trigger or steps[-1].after != due:
        return False
    return all(prev.after == nxt.before for prev, nxt in pairwise(steps))
