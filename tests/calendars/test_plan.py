"""The planner (calendars/plan.py) says what it said before issue 13 simplified it.

`_plan_before` below is the planner as it was first written (before a caseload's speed-ups, then
their removal), kept as the oracle, and Hypothesis draws cases of every shape (test_ics's
strategy). One change since, issue 14: the title of a timed deadline of another zone than the
calendar's names its zone (« avant 10 h 30 (heure de La Réunion) »).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

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
from deadlines.case import Facts, make_case
from deadlines.engine import Computation, Listed, compute
from deadlines.messages import name
from deadlines.rules.model import Custody, EventKind, Kind, Who
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
            if str(due_at.tzinfo) != options.calendar_zone:
                summary += f" ({name(f'zone.{due_at.tzinfo}', options.lang)})"
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


# --- the zone of a timed deadline (issue 14) ---------------------------------------------------


def _oqtf_48h(territory: str, notified: datetime) -> Computation:
    facts = Facts(
        territory=territory,
        oqtf_decided=notified.date() - timedelta(days=1),
        departure_period=False,
        custody=Custody.RETENTION,
    )
    case = make_case(((EventKind.OQTF_NOTIFIED, notified),), facts)
    return compute(case, notified.date())


def _titles(computation: Computation, **options: Any) -> list[str]:
    return [
        e.summary
        for e in plan(computation, ExportOptions(ref="R-1", **options))
        if e.kind == "deadline" and isinstance(e.start, datetime)
    ]


def test_a_timed_deadline_of_another_zone_names_it_in_its_title() -> None:
    """The calendar app shows a timed event at the reader's hour (Paris): « avant 10 h 30 »
    alone would read as Paris time for a Réunion case."""
    reunion = _oqtf_48h("974", datetime(2025, 12, 22, 10, 30))
    (title,) = _titles(reunion)
    assert title.endswith(" — avant 10 h 30 (heure de La Réunion)"), title
    (title,) = _titles(reunion, lang="en")
    assert title.endswith(" — before 10:30 (Réunion time)"), title
    # Read in Réunion, the calendar's own zone: no zone named.
    (title,) = _titles(reunion, calendar_zone="Indian/Reunion")
    assert title.endswith(" — avant 10 h 30"), title
    # Its reminders repeat the title.
    reminders = [
        e.summary
        for e in plan(reunion, ExportOptions(ref="R-1"))
        if e.kind == "reminder" and isinstance(e.start, datetime)
    ]
    assert reminders and all(r.endswith("(heure de La Réunion)") for r in reminders)
    paris = _oqtf_48h("75", datetime(2025, 12, 22, 10, 30))
    (title,) = _titles(paris)
    assert title.endswith(" — avant 10 h 30"), title
