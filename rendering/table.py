"""The human view of a computation: a rich table, then warnings, notes and (optionally) steps.

rich is imported here only, so commands that print JSON never load it.
"""

from __future__ import annotations

import os
from datetime import UTC, timedelta
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text as RichText

from deadlines import LAW_AS_OF
from deadlines.dates import format_long
from deadlines.engine import Computation, Deadline, State
from deadlines.messages import name, render_note, render_step
from deadlines.rules.model import Who
from rendering.words import when

THREE_DAYS = timedelta(days=3)

HEADERS = {
    "fr": (
        "#",
        "À faire / événement",
        "Date prudente",
        "Soutenable",
        "Jours",
        "État",
        "Base (sûreté)",
    ),
    "en": ("#", "To do / event", "Safe date", "Arguable", "Days", "State", "Basis (certainty)"),
}
LABELS = {
    "fr": {
        "title": "Échéances — territoire {territory} ({zone}) — au {as_of}",
        "trigger": "déclencheur : {event}, {day}",
        "readings": "Lectures :",
        "steps_safe": "Calcul de la date prudente ({reading}) :",
        "steps_latest": "Calcul de la date soutenable ({reading}) :",
        "warnings": "Avertissements",
        "notes": "Remarques",
        "none": "Aucune échéance.",
        "disclaimer": "Dates calculées d'après le droit enregistré au {law} (spec du projet). Le "
        "droit change : faites confirmer par un juriste toute échéance qui compte. Respectez "
        "la date prudente ; la date soutenable n'est qu'un argument de repli.",
    },
    "en": {
        "title": "Deadlines — territory {territory} ({zone}) — as of {as_of}",
        "trigger": "trigger: {event}, {day}",
        "readings": "Readings:",
        "steps_safe": "How the safe date is counted ({reading}):",
        "steps_latest": "How the arguable date is counted ({reading}):",
        "warnings": "Warnings",
        "notes": "Notes",
        "none": "No deadline.",
        "disclaimer": "Dates computed from the law as recorded on {law} (the project's spec). "
        "The law changes: have a lawyer confirm any deadline that matters. Meet the safe date; "
        "the arguable date is only a fallback argument.",
    },
}


def _time_left(deadline: Deadline, computation: Computation) -> str:
    """Days left; for an hour deadline within three days, hours and minutes left."""
    now, due_at = computation.now, deadline.due_at
    if now is None or due_at is None:
        return f"{deadline.days_left:+d}"
    # In UTC: datetimes of one zone subtract by wall time, wrong across a DST change.
    left = deadline.end - now.astimezone(UTC)
    if timedelta(0) <= left < THREE_DAYS:
        minutes = int(left.total_seconds() // 60)
        return f"{minutes // 60} h {minutes % 60:02d}"
    return f"{deadline.days_left:+d}"


def _state_label(deadline: Deadline, lang: str) -> str:
    if deadline.state is State.OVERDUE and deadline.rule.who is not Who.APPLICANT:
        return name("state.passed", lang)  # an administration date is not "overdue" for the user
    return name(f"state.{deadline.state.value}", lang)


def _row_style(deadline: Deadline) -> str:
    if deadline.state is State.OVERDUE and deadline.rule.who is Who.APPLICANT:
        return "bold red"
    if deadline.state is State.DUE_TODAY:
        return "bold yellow"
    if deadline.state is State.DONE or deadline.rule.who is not Who.APPLICANT:
        return "dim"
    return ""


def render_table(computation: Computation, lang: str, explain: bool, out: TextIO) -> None:
    # A terminal gets its own width; a file or a pipe gets 120 columns rather than rich's 80,
    # unless COLUMNS says otherwise.
    width = None if out.isatty() or "COLUMNS" in os.environ else 120
    # No console markup and no :emoji: codes: no text shown here contains either (the tests
    # render every golden case both ways), and rich then neither parses each cell nor loads its
    # table of 3,600 emoji (~4 ms at start-up).
    console = Console(
        file=out, highlight=False, soft_wrap=False, width=width, markup=False, emoji=False
    )
    labels = LABELS[lang]
    where = computation.case.where
    title = labels["title"].format(
        territory=where.code,
        zone=name(f"zone.{where.time_zone}", lang),
        as_of=format_long(computation.as_of, lang),
    )
    table = Table(title=title, show_lines=False, expand=False)
    for index, header in enumerate(HEADERS[lang]):
        table.add_column(header, justify="right" if index in {0, 4} else "left")
    references: list[tuple[int, list[str]]] = []
    for number, deadline in enumerate(computation.deadlines, start=1):
        safe_end, latest_end = deadline.end, deadline.evaluation.latest_reading.end
        arguable = (
            when(deadline.latest, deadline.latest_at, lang) if latest_end != safe_end else "—"
        )
        # The start of the safe reading: with a disputed start (certificate) it is the earlier
        # event, which is what the safe date is counted from.
        trigger = deadline.evaluation.safe.start
        started = f"{trigger.at:%d/%m/%Y}" + (f" {trigger.time:%H:%M}" if trigger.time else "")
        what = (
            f"{deadline.rule.title.get(lang)}\n"
            f"({name(f'event.{trigger.kind.value}', lang)} : {started})"
            if lang == "fr"
            else f"{deadline.rule.title.get(lang)}\n"
            f"({name(f'event.{trigger.kind.value}', lang)}: {started})"
        )
        table.add_row(
            str(number),
            what,
            when(deadline.due, deadline.due_at, lang),
            arguable,
            _time_left(deadline, computation),
            _state_label(deadline, lang),
            f"{deadline.evaluation.basis[0]}\n"
            f"({name(f'status.{deadline.evaluation.status.value}', lang)})",
            style=_row_style(deadline),
        )
        if deadline.warnings:
            references.append((number, [render_note(w, lang) for w in deadline.warnings]))
    if computation.deadlines:
        console.print(table)
    else:
        console.print(labels["none"])
    if references:
        console.print(RichText(labels["warnings"], style="bold"))
        for number, lines in references:
            for line in lines:
                console.print(f"  [{number}] {line}", markup=False)
    if computation.notes:
        console.print(RichText(labels["notes"], style="bold"))
        for note in dict.fromkeys(render_note(n, lang) for n in computation.notes):
            console.print(f"  - {note}", markup=False)
    if explain:
        for number, deadline in enumerate(computation.deadlines, start=1):
            # Plain text: rich would re-wrap the numbered steps without their indentation.
            out.write("\n" + render_explanation(number, deadline, lang) + "\n")
    console.print()
    console.print(RichText(labels["disclaimer"].format(law=LAW_AS_OF), style="italic"))


def render_explanation(number: int, deadline: Deadline, lang: str) -> str:
    """The numbered steps under one deadline, as plain text."""
    labels = LABELS[lang]
    evaluation = deadline.evaluation
    lines = [
        f"[{number}] {deadline.rule.title.get(lang)} ({deadline.rule.id}) — "
        + labels["trigger"].format(
            event=name(f"event.{deadline.trigger.kind.value}", lang),
            day=format_long(deadline.trigger.at, lang)
            + (f" {deadline.trigger.time:%H:%M}" if deadline.trigger.time else ""),
        ),
        "    " + labels["readings"],
    ]
    for reading in evaluation.readings:
        lines.append(
            f"      - {when(reading.due, reading.at, lang)}{' : ' if lang == 'fr' else ': '}"
            f"{reading.reading.label.get(lang)}"
            f" [{reading.id}]"
        )
    shown = [(labels["steps_safe"], evaluation.safe)]
    if evaluation.latest_reading.end != evaluation.safe.end:
        shown.append((labels["steps_latest"], evaluation.latest_reading))
    for heading, reading in shown:
        lines.append("    " + heading.format(reading=reading.id))
        for index, step in enumerate(reading.steps, start=1):
            citation = f" [{step.citation}]" if step.citation else ""
            lines.append(f"      {index}. {render_step(step, lang)}{citation}")
    for note in evaluation.notes:
        lines.append(f"    * {render_note(note, lang)}")
    return "\n".join(lines)
