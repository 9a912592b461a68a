"""The JSON document of a computation (README "JSON output"): plain data, no I/O.

Keys are stable English identifiers; sentences (titles, labels, steps, warnings) are in the
chosen language. Bump SCHEMA_VERSION on any incompatible change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from deadlines import LAW_AS_OF, __version__
from deadlines.case import Event
from deadlines.engine import Computation, Deadline, Listed
from deadlines.explain import Step
from deadlines.messages import render_note, render_step
from deadlines.results import Message, Note, PendingReading, ReadingResult

# Not `from typing import Any`: typing costs ~3.5 ms at every start-up; mypy reads any
# TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# 2: `due`, `latest` and a reading's `due` are an instant with its UTC offset for hour-based
# deadlines (spec §2.7); `due_day`, events' `time`, the OQTF facts and `now` were added.
# 3: wave 2 (rules.md "What happens after the first decision"). A deadline can be `suspended`
# (state), its `due`, `due_day`, `latest`, `days_left` and `minutes_left` then null; every
# deadline says the events that moved it (`moved_by`) and the one that suspends it
# (`suspended_by`); `readings` lists the readings counted, then those waiting (`pending`: true,
# `due` null), and a suspended deadline's `steps` are its first waiting reading's; the case's
# facts add `legal-aid-outcome`, `residence` and `judgment-appeal-info`.
SCHEMA_VERSION = 3


def when(day: date | None, at: datetime | None) -> str | None:
    """A deadline's end as JSON: the date, or the exact instant with its offset (spec §2.7);
    None when it has none (suspended)."""
    if at is not None:
        return at.isoformat(timespec="seconds")
    return None if day is None else day.isoformat()


def minutes_left(deadline: Listed, now: datetime | None) -> int | None:
    """Whole minutes to an hour deadline's exact end, when the reference instant is known."""
    if deadline.due_at is None or deadline.end is None or now is None:
        return None
    # In UTC: datetimes of one zone subtract by wall time, wrong across a DST change.
    return int((deadline.end - now.astimezone(UTC)).total_seconds() // 60)


# The warnings that say a fact deciding the deadline is missing, so that every possibility was
# computed and the safe date is the earliest (spec §3 "unknown regime"): the fact's spec id.
UNKNOWN_FACTS = {
    "warning.oqtf-decided-unknown": "oqtf-decided",
    "warning.channel-unknown": "channel",
}


def unknown_facts(warnings: tuple[Note, ...]) -> list[str]:
    """The facts a deadline was computed without (every possibility is a reading)."""
    return [
        UNKNOWN_FACTS[w.key] for w in warnings if isinstance(w, Message) and w.key in UNKNOWN_FACTS
    ]


def _iso(value: date) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def step_to_dict(step: Step, lang: str) -> dict[str, Any]:
    return {
        "kind": step.kind.value,
        "before": _iso(step.before),
        "after": _iso(step.after),
        "text": render_step(step, lang),
        "citation": step.citation,
    }


def reading_to_dict(result: ReadingResult | PendingReading, lang: str) -> dict[str, Any]:
    """A reading counted (`due`: its end), or waiting for the event that restarts it (`pending`,
    `due` null, its steps ending at the interruption)."""
    if isinstance(result, ReadingResult):
        due, pending = when(result.due, result.at), False
    else:
        due, pending = None, True
    return {
        "id": result.id,
        "label": result.reading.label.get(lang),
        "start": {"event": result.start.kind.value, "at": result.start.at.isoformat()},
        "due": due,
        "pending": pending,
        "disputed_holidays": result.with_disputed_holidays,
        "basis": list(result.basis),
        "steps": [step_to_dict(s, lang) for s in result.steps],
    }


def _event(event: Event) -> dict[str, Any]:
    return {
        "event": event.kind.value,
        "at": event.at.isoformat(),
        "time": f"{event.time:%H:%M}" if event.time is not None else None,
        "rank": event.rank,
    }


def deadline_summary(deadline: Listed, lang: str, now: datetime | None = None) -> dict[str, Any]:
    """A deadline without its readings and steps: what a list of many deadlines needs (the
    agenda). `deadline_to_dict` adds the rest (`case show REF --format json`, `compute`)."""
    suspended_by = deadline.suspended_by
    return {
        "rule": deadline.rule.id,
        "title": deadline.rule.title.get(lang),
        "trigger": _event(deadline.trigger),
        "due": when(deadline.due, deadline.due_at),
        "due_day": None if deadline.due is None else deadline.due.isoformat(),
        "latest": when(deadline.latest, deadline.latest_at),
        "basis": list(deadline.basis),
        "status": deadline.status.value,
        "state": deadline.state.value,
        "days_left": deadline.days_left,
        "minutes_left": minutes_left(deadline, now),
        "warnings": [render_note(w, lang) for w in deadline.warnings],
        "unknown_facts": unknown_facts(deadline.warnings),
        "moved_by": [_event(e) for e in deadline.moved_by],
        "suspended_by": None
        if suspended_by is None
        else {"event": suspended_by.kind.value, "at": suspended_by.at.isoformat()},
    }


def deadline_to_dict(deadline: Deadline, lang: str, now: datetime | None = None) -> dict[str, Any]:
    evaluation = deadline.evaluation
    rule = deadline.rule
    summary = deadline_summary(deadline.listed, lang, now)
    return {
        **summary,
        "who": rule.who.value,
        "kind": rule.kind.value,
        "readings": [
            *(reading_to_dict(r, lang) for r in evaluation.readings),
            *(reading_to_dict(r, lang) for r in evaluation.pending),
        ],
        "steps": [step_to_dict(s, lang) for s in shown_steps(deadline)],
        "notes": [render_note(n, lang) for n in evaluation.notes],
        "research": rule.research,
    }


def shown_steps(deadline: Deadline) -> tuple[Step, ...]:
    """The steps a deadline is explained by: its safe reading's, or when it is suspended (no
    reading counted) its first waiting reading's."""
    evaluation = deadline.evaluation
    if evaluation.readings:
        return evaluation.safe.steps
    return evaluation.pending[0].steps if evaluation.pending else ()


def computation_to_dict(computation: Computation, lang: str) -> dict[str, Any]:
    case = computation.case
    facts = case.facts
    return {
        "schema": SCHEMA_VERSION,
        "tool": {"name": "deadlines", "version": __version__, "law_as_of": LAW_AS_OF},
        "as_of": computation.as_of.isoformat(),
        "now": computation.now.isoformat(timespec="seconds") if computation.now else None,
        "lang": lang,
        "case": {
            "territory": case.where.code,
            "time_zone": case.where.time_zone,
            "events": [_event(e) for e in case.events],
            "facts": {
                "appeal-info": facts.appeal_info,
                "channel": facts.channel.value if facts.channel is not None else None,
                "oqtf-decided": facts.oqtf_decided.isoformat() if facts.oqtf_decided else None,
                "departure-period": facts.departure_period,
                "custody": facts.custody.value,
                "oqtf-ground": facts.ground.value,
                "legal-aid-outcome": facts.legal_aid_outcome.value,
                "residence": facts.residence.value,
                "judgment-appeal-info": facts.judgment_appeal_info,
            },
        },
        "deadlines": [deadline_to_dict(d, lang, computation.now) for d in computation.deadlines],
        "notes": [render_note(n, lang) for n in computation.notes],
    }
