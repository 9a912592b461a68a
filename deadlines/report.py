"""The JSON document of a computation (README "JSON output"): plain data, no I/O.

Keys are stable English identifiers; sentences (titles, labels, steps, warnings) are in the
chosen language. Bump SCHEMA_VERSION on any incompatible change.
"""

from __future__ import annotations

from typing import Any

from deadlines import LAW_AS_OF, __version__
from deadlines.engine import Computation, Deadline, ReadingResult
from deadlines.explain import Step
from deadlines.messages import render_note, render_step

SCHEMA_VERSION = 1


def step_to_dict(step: Step, lang: str) -> dict[str, Any]:
    return {
        "kind": step.kind.value,
        "before": step.before.isoformat(),
        "after": step.after.isoformat(),
        "text": render_step(step, lang),
        "citation": step.citation,
    }


def reading_to_dict(result: ReadingResult, lang: str) -> dict[str, Any]:
    return {
        "id": result.id,
        "label": result.reading.label.get(lang),
        "start": {"event": result.start.kind.value, "at": result.start.at.isoformat()},
        "due": result.due.isoformat(),
        "disputed_holidays": result.with_disputed_holidays,
        "basis": list(result.basis),
        "steps": [step_to_dict(s, lang) for s in result.steps],
    }


def deadline_to_dict(deadline: Deadline, lang: str) -> dict[str, Any]:
    evaluation = deadline.evaluation
    rule = deadline.rule
    return {
        "rule": rule.id,
        "title": rule.title.get(lang),
        "who": rule.who.value,
        "kind": rule.kind.value,
        "trigger": {
            "event": deadline.trigger.kind.value,
            "at": deadline.trigger.at.isoformat(),
            "rank": deadline.trigger.rank,
        },
        "due": deadline.due.isoformat(),
        "latest": deadline.latest.isoformat(),
        "readings": [reading_to_dict(r, lang) for r in evaluation.readings],
        "basis": list(evaluation.basis),
        "status": evaluation.status.value,
        "state": deadline.state.value,
        "days_left": deadline.days_left,
        "steps": [step_to_dict(s, lang) for s in evaluation.safe.steps],
        "warnings": [render_note(w, lang) for w in deadline.warnings],
        "notes": [render_note(n, lang) for n in evaluation.notes],
        "research": rule.research,
    }


def computation_to_dict(computation: Computation, lang: str) -> dict[str, Any]:
    case = computation.case
    facts = case.facts
    return {
        "schema": SCHEMA_VERSION,
        "tool": {"name": "deadlines", "version": __version__, "law_as_of": LAW_AS_OF},
        "as_of": computation.as_of.isoformat(),
        "lang": lang,
        "case": {
            "territory": case.where.code,
            "time_zone": case.where.time_zone,
            "events": [
                {"event": e.kind.value, "at": e.at.isoformat(), "rank": e.rank} for e in case.events
            ],
            "facts": {
                "appeal-info": facts.appeal_info,
                "channel": facts.channel.value if facts.channel is not None else None,
            },
        },
        "deadlines": [deadline_to_dict(d, lang) for d in computation.deadlines],
        "notes": [render_note(n, lang) for n in computation.notes],
    }
