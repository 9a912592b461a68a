"""What is due across the caseload: open deadlines of active cases in a window."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from caseload.database import Database
from caseload.memo import Listing, Wanted, listings
from deadlines.clock import PIVOT_ZONE, Reference
from deadlines.engine import Listed, State
from deadlines.rules import all_rules


@dataclass(frozen=True)
class AgendaRow:
    ref: str
    deadline: Listed
    now: datetime | None = None  # the case's reference instant, for an hour deadline's minutes
    assignee: str | None = None  # who follows the case; None: nobody


@dataclass(frozen=True)
class Agenda:
    days: int
    rows: tuple[AgendaRow, ...]
    skipped: tuple[tuple[str, str], ...]  # (ref, message key) of cases that could not be computed
    # The deadlines waiting for the event that restarts them (legal aid asked, no decision yet):
    # without a date they are in no window and never overdue; listed after the dated ones.
    suspended: tuple[AgendaRow, ...] = ()

    @property
    def overdue(self) -> tuple[AgendaRow, ...]:
        return tuple(r for r in self.rows if r.deadline.state is State.OVERDUE)


# The states of a deadline still to be met.
OPEN_STATES = frozenset({State.OVERDUE, State.DUE_TODAY, State.UPCOMING})


def is_open(deadline: Listed) -> bool:
    """A deadline the person must still meet (not done, not information, not a window)."""
    return deadline.rule.must_act and deadline.state in OPEN_STATES


def is_suspended(deadline: Listed) -> bool:
    """A deadline the person must meet, waiting for the event that restarts it (no date)."""
    return deadline.rule.must_act and deadline.state is State.SUSPENDED


def agenda(listings: Iterable[Listing], days: int) -> Agenda:
    """Overdue first, then by date: every open deadline due within `days` of each case's today;
    then the suspended ones, longest waiting first."""
    rows: list[AgendaRow] = []
    waiting: list[AgendaRow] = []
    skipped: list[tuple[str, str]] = []
    for listing in listings:
        if not listing.has_events:
            continue
        if listing.error is not None:
            skipped.append((listing.ref, listing.error))
            continue
        until = listing.as_of + timedelta(days=days)
        for deadline in listing.deadlines:
            due = deadline.due
            if due is None:
                if is_suspended(deadline):
                    waiting.append(AgendaRow(listing.ref, deadline, listing.now, listing.assignee))
            elif is_open(deadline) and due <= until:
                rows.append(AgendaRow(listing.ref, deadline, listing.now, listing.assignee))
    rows.sort(
        key=lambda r: (
            r.deadline.state is not State.OVERDUE,
            r.deadline.end,
            r.ref,
            r.deadline.rule.id,
        )
    )
    waiting.sort(key=lambda r: (_since(r.deadline), r.ref, r.deadline.rule.id))
    return Agenda(days, tuple(rows), tuple(skipped), tuple(waiting))


def _since(deadline: Listed) -> date:
    """The day a suspended deadline was interrupted (the legal-aid request)."""
    event = deadline.suspended_by
    return date.min if event is None else event.at


def load_agenda(
    connection: Database,
    reference: Reference,
    days: int,
    progress: Callable[[int, int], None] | None = None,
    assignee: str | None = None,
) -> Agenda:
    """`deadlines agenda`: the open deadlines of every active case due within `days` (of the
    cases `assignee` follows, when given; else of the whole team)."""
    # No territory's today is more than one day ahead of Paris (Wallis-et-Futuna: 11 h).
    latest_day = reference(PIVOT_ZONE)[0] + timedelta(days=days + 1)
    wanted = may_show(latest_day)
    found = listings(connection, reference, wanted=wanted, progress=progress, assignee=assignee)
    return agenda(found, days)


def may_show(latest_day: date) -> Wanted:
    """Which memo briefs the agenda may show, read before anything is decoded: deadlines the
    applicant must meet, not fulfilled by an event of the case, whose last day is at most
    `latest_day` (the latest today of any case, plus the window), or that have none (suspended:
    `Wanted.until` keeps them). `agenda` then applies each case's own today and the done
    marks."""
    return Wanted(
        rules=frozenset(r.id for r in all_rules() if r.must_act),
        until=latest_day,
        pending=True,
    )


# 3: rows are `deadline_summary`'s schema 3 (`moved_by`, `suspended_by`); the suspended
# deadlines follow the dated ones, state `suspended`, `due` null, counted in `suspended` (never
# in `overdue`).
# 4: teams (issue 17). Each row has `assignee` (who follows the case, null: nobody) after `ref`;
# `assignee` at the top is the caseworker whose cases are listed (`--mine`, `--assignee`), null
# for the whole team.
AGENDA_SCHEMA = 4


def agenda_to_dict(result: Agenda, lang: str, assignee: str | None = None) -> dict[str, object]:
    """The agenda as JSON: one row per deadline, with the case reference (the summary form:
    `case show REF --format json` has the readings and steps)."""
    from deadlines.report import deadline_summary

    return {
        "schema": AGENDA_SCHEMA,
        "assignee": assignee,
        "days": result.days,
        "overdue": len(result.overdue),
        "suspended": len(result.suspended),
        "rows": [
            {
                "ref": row.ref,
                "assignee": row.assignee,
                **deadline_summary(row.deadline, lang, row.now),
            }
            for row in (*result.rows, *result.suspended)
        ],
        "skipped": [{"ref": ref, "error": key} for ref, key in result.skipped],
    }
