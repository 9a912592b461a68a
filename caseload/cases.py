"""The work of the case commands that is neither storing nor showing: which deadline `case done`
means, and the rows of `case list`."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from caseload.agenda import OPEN_STATES
from caseload.database import Database
from caseload.memo import Listing, Wanted, listings
from deadlines.clock import Reference
from deadlines.dates import parse_date
from deadlines.engine import Computation, Deadline, State
from deadlines.errors import InputError
from deadlines.report import deadline_summary
from deadlines.rules import all_rules


def known_rule(rule: str) -> None:
    """A rule id of the catalogue, or one line listing them."""
    ids = [r.id for r in all_rules()]
    if rule not in ids:
        raise InputError("rule.unknown", field="rule", value=rule, choices=", ".join(ids))


def deadline_to_mark(computation: Computation, rule: str, trigger_date: str | None) -> Deadline:
    """The one deadline of the case that `case done REF RULE [--trigger-date D]` names."""
    known_rule(rule)
    matching = [d for d in computation.deadlines if d.rule.id == rule]
    if trigger_date is not None:
        day = parse_date(trigger_date, "trigger-date")
        matching = [d for d in matching if d.trigger.at == day]
    if not matching:
        present = sorted({d.rule.id for d in computation.deadlines})
        raise InputError(
            "rule.not-in-case",
            field="rule",
            value=rule,
            detail=f" ({trigger_date})" if trigger_date else "",
            choices=", ".join(present) or "—",
        )
    if len(matching) > 1:
        days = ", ".join(d.trigger.at.isoformat() for d in matching)
        raise InputError("rule.ambiguous", field="trigger-date", value=rule, choices=days)
    return matching[0]


# 3: a case's `next` is the agenda's row of its next deadline (`deadline_summary`), so its `due`
# is an hour deadline's exact instant with its UTC offset, as in every other document (was the
# day only); `due_day`, `minutes_left`, `warnings`, `unknown_facts` and the rest were added.
# 4: wave 2. `suspended` counts the deadlines waiting for the event that restarts them (never in
# `open` or `overdue`; `next` is never one of them); `next` has `moved_by` and `suspended_by`
# (the agenda's schema 3).
# 5: teams (issue 17). Each case has `assignee` (who follows it, null: nobody); `assignee` at
# the top is the caseworker whose cases are listed (`--mine`, `--assignee`), null for all.
CASE_LIST_SCHEMA = 5


def case_list_to_dict(
    rows: list[dict[str, object]], assignee: str | None = None
) -> dict[str, object]:
    """`case list --format json`."""
    return {"schema": CASE_LIST_SCHEMA, "assignee": assignee, "cases": rows}


def load_case_rows(
    connection: Database,
    reference: Reference,
    include_archived: bool,
    lang: str,
    progress: Callable[[int, int], None] | None = None,
    assignee: str | None = None,
) -> list[dict[str, object]]:
    """`case list`: the rows of every case (active only unless `include_archived`; only those
    `assignee` follows, when given)."""
    # Only the deadlines a row counts are read from the memo (is_open: the person's own, not
    # fulfilled by an event of the case), filtered in SQL before anything is decoded.
    wanted = Wanted(rules=frozenset(r.id for r in all_rules() if r.must_act), pending=True)
    found = listings(
        connection,
        reference,
        include_archived=include_archived,
        wanted=wanted,
        progress=progress,
        assignee=assignee,
    )
    return case_rows(found, lang)


def case_rows(found: Iterable[Listing], lang: str) -> list[dict[str, object]]:
    """`case list`: each case with its open and overdue deadlines and the next one (`found`
    holds only the deadlines the person must meet, as `load_case_rows` reads them)."""
    rows: list[dict[str, object]] = []
    for listing in found:
        # The memo gave only the deadlines the person must meet (`wanted`): is_open is their
        # state, checked here without asking each rule again (thousands of deadlines).
        deadlines = [d for d in listing.deadlines if d.state in OPEN_STATES]
        following = deadlines[0] if deadlines else None
        rows.append(
            {
                "ref": listing.ref,
                "territory": listing.territory,
                "assignee": listing.assignee,
                "status": listing.status,
                "open": len(deadlines),
                "overdue": sum(d.state is State.OVERDUE for d in deadlines),
                "suspended": sum(d.state is State.SUSPENDED for d in listing.deadlines),
                # The agenda's row: `due` is a date, or an hour deadline's exact instant.
                "next": None
                if following is None
                else deadline_summary(following, lang, listing.now),
                "updated": listing.updated,
                # The message key when its deadlines cannot be computed (a date past the
                # holiday data): `case show REF` says why in full.
                "error": listing.error,
            }
        )
    return rows
