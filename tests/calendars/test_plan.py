"""The planner (calendars/plan.py) says what it said before issue 13 simplified it.

`_plan_before` below is the planner as it was first written (before a caseload's speed-ups, then
their removal), kept as the oracle, and Hypothesis draws cases of every shape (test_ics's
strategy).
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings

from calendars.plan import (
    LABELS,
    REMINDER_LENGTH,
    TIMED_LENGTH,
    ExportOptions,
    PlannedEvent,
    _clock,
    _description,
    _is_exported,
    earlier,
    plan,
    plan_listed,
    uid,
)
from deadlines.engine import Computation, Listed
from deadlines.rules.model import Kind, Who
from tests.calendars.test_ics import _case_and_options


def _plan_before(deadlines: tuple[Listed, ...], options: ExportOptions) -> tuple[PlannedEvent, ...]:
    """calendars.plan.plan_listed as it was before its speed-up."""
    events: list[PlannedEvent] = []
    labels = LABELS[options.lang]
    for deadline in deadlines:
        if not _is_exported(deadline, options):
            continue
        rule = deadline.rule
        title = f"[{options.ref}] {rule.title.get(options.lang)}"
        description = _description(deadline, options.lang)
        must_act = rule.who is Who.APPLICANT and rule.kind is Kind.DEADLINE
        due_at = deadline.due_at
        if due_at is not None:
            summary = f"{title} — {labels['before'].format(time=_clock(due_at, options.lang))}"
            start: date = earlier(due_at, TIMED_LENGTH)
            end: date = due_at
            alarms = tuple(timedelta(hours=h) for h in options.reminders.hours)
        else:
            summary = title
            start, end = deadline.due, deadline.due + timedelta(days=1)
            alarms = tuple(timedelta(days=d) for d in options.reminders.days)
        events.append(
            PlannedEvent(
                uid=uid(options.ref, deadline),
                summary=summary,
                description=description,
                start=start,
                end=end,
                transparent=not must_act,
                alarms=alarms if must_act else (),
                kind="deadline" if must_act else "info",
                rule=rule.id,
                categories=(labels["category"],) if must_act else (),
            )
        )
        if not must_act:
            continue
        sep = " : " if options.lang == "fr" else ": "
        # Reminders as events of their own: Google Calendar ignores VALARM in imported files
        # (shared/notes/anchors.md §4.2).
        if due_at is not None:
            for hours in options.reminders.hours:
                at = earlier(due_at, timedelta(hours=hours))
                events.append(
                    PlannedEvent(
                        uid=uid(options.ref, deadline, f"remind-{hours}h"),
                        summary=f"{labels['reminder_hours'].format(n=hours)}{sep}{summary}",
                        description=description,
                        start=at,
                        end=earlier(at, -REMINDER_LENGTH),
                        transparent=True,
                        alarms=(),
                        kind="reminder",
                        rule=rule.id,
                    )
                )
        else:
            for days in options.reminders.days:
                day = deadline.due - timedelta(days=days)
                events.append(
                    PlannedEvent(
                        uid=uid(options.ref, deadline, f"remind-{days}d"),
                        summary=f"{labels['reminder_days'].format(n=days)}{sep}{summary}",
                        description=description,
                        start=day,
                        end=day + timedelta(days=1),
                        transparent=True,
                        alarms=(),
                        kind="reminder",
                        rule=rule.id,
                    )
                )
    return tuple(events)


@settings(max_examples=150, deadline=None)
@given(_case_and_options())
def test_the_planner_says_what_it_said(drawn: tuple[object, ExportOptions]) -> None:
    computation, options = drawn
    assert isinstance(computation, Computation)
    listed = tuple(d.listed for d in computation.deadlines)
    assert plan_listed(listed, options) == _plan_before(listed, options)
    assert plan(computation, options) == _plan_before(listed, options)
