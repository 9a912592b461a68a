"""What is due across the caseload: open deadlines of active cases in a window (pure)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from caseload.store import CaseRecord
from deadlines.engine import Listed, State, compute
from deadlines.errors import CoverageError
from deadlines.rules.model import Kind, Who


@dataclass(frozen=True)
class AgendaRow:
    ref: str
    deadline: Listed
    now: datetime | None = None  # the case's reference instant, for an hour deadline's minutes


# The reference day and instant for a time zone: each case is seen from its own territory's
# clock, so a Réunion case turns over to the next day three hours (two in summer) before a Paris
# one.
Reference = Callable[[str], tuple[date, datetime | None]]


@dataclass(frozen=True)
class Agenda:
    days: int
    rows: tuple[AgendaRow, ...]
    skipped: tuple[tuple[str, str], ...]  # (ref, message key) of cases that could not be computed

    @property
    def overdue(self) -> tuple[AgendaRow, ...]:
        return tuple(r for r in self.rows if r.deadline.state is State.OVERDUE)


def is_open(deadline: Listed) -> bool:
    """A deadline the person must still meet (not done, not information, not a window)."""
    rule = deadline.rule
    return (
        rule.who is Who.APPLICANT
        and rule.kind is Kind.DEADLINE
        and deadline.state in {State.OVERDUE, State.DUE_TODAY, State.UPCOMING}
    )


def agenda(records: Iterable[CaseRecord], reference: Reference, days: int) -> Agenda:
    """Overdue first, then by date: every open deadline due within `days` of each case's today."""
    rows: list[AgendaRow] = []
    skipped: list[tuple[str, str]] = []
    for record in records:
        if not record.case.events:
            continue
        as_of, now = reference(record.case.where.time_zone)
        until = as_of + timedelta(days=days)
        try:
            computation = compute(record.case, as_of, now, record.done)
        except CoverageError as error:
            skipped.append((record.ref, error.key))
            continue
        for deadline in computation.deadlines:
            if is_open(deadline.listed) and deadline.due <= until:
                rows.append(AgendaRow(record.ref, deadline.listed, now))
    rows.sort(
        key=lambda r: (
            r.deadline.state is not State.OVERDUE,
            r.deadline.end,
            r.ref,
            r.deadline.rule.id,
        )
    )
    return Agenda(days, tuple(rows), tuple(skipped))


def agenda_to_dict(result: Agenda, lang: str) -> dict[str, object]:
    """The agenda as JSON: one row per deadline, with the case reference (the summary form:
    `case show REF --format json` has the readings and steps)."""
    from deadlines.report import deadline_summary

    return {
        "schema": 2,
        "days": result.days,
        "overdue": len(result.overdue),
        "rows": [
            {"ref": row.ref, **deadline_summary(row.deadline, lang, row.now)} for row in result.rows
        ],
        "skipped": [{"ref": ref, "error": key} for ref, key in result.skipped],
    }
