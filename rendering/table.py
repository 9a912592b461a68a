"""The human view of a computation: a rich table, then warnings, notes and (optionally) steps.

rich is imported here only, so commands that print JSON never load it.

The table takes the widest layout the terminal holds (rendering/grid.py chooses the widths, rich
draws them): every column; then the arguable date under the safe one and the law under the
title; then, when even that does not fit, one block per deadline. Every cell is wrapped here,
between the units `protect` keeps whole, so rich never has to cut a date. The warnings are listed
once each, under the table, and marked « *1 » on the rows they concern; the explanation, the
notes and the warnings wrap to the terminal with a hanging indent.
"""

from __future__ import annotations

from datetime import UTC, time
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text as RichText

from deadlines import LAW_AS_OF
from deadlines.case import Event
from deadlines.dates import format_long
from deadlines.engine import Computation, Deadline, State
from deadlines.explain import Step
from deadlines.messages import moved_by, name, render_note, render_step, short_day
from deadlines.report import minutes_left, unknown_facts
from deadlines.results import Evaluation, PendingReading, ReadingResult
from deadlines.rules.model import Who
from deadlines.text import Text
from rendering.grid import Column, boxed_overhead, centred, fit
from rendering.words import (
    NBSP,
    Footnotes,
    hang,
    mark,
    protect,
    suspended,
    terminal_width,
    time_left,
    unknown_flags,
    when,
    wrap,
)

HEADERS = {
    "fr": (
        "#",
        "À faire / événement",
        "Date prudente",
        "Date soutenable",
        "Reste",
        "État",
        "Texte (fiabilité)",
    ),
    "en": ("#", "To do / event", "Safe date", "Arguable date", "Left", "State", "Law (certainty)"),
}
LABELS = {
    "fr": {
        "title": "Échéances — territoire {territory} ({zone}) — au {as_of}",
        "start": "point de départ : {event}, {day}",
        "readings": "Interprétations possibles :",
        "from": "compté depuis : {event}",
        "disputed_holidays": "jours fériés contestés comptés comme fériés",
        "if": "si {row}",
        "is_safe": "← date prudente",
        "is_latest": "← date soutenable",
        "steps_safe": "Calcul de la date prudente :",
        "steps_latest": "Calcul de la date soutenable :",
        "pending": "en attente",
        "steps_pending": "Calcul jusqu'à la suspension :",
        "steps_pending_of": "Calcul jusqu'à la suspension ({readings}) :",
        "safe": "date prudente : {day}",
        "arguable": "date soutenable : {day}",
        "left": "reste : {left} — {state}",
        "law": "texte : {law}",
        "rule": "règle : {rule}",
        "done": "Pour marquer une échéance faite : « deadlines case done {ref} RÈGLE », par "
        "exemple « deadlines case done {ref} {example} ».",
        "warnings": "Avertissements",
        "notes": "Remarques",
        "none": "Aucune échéance.",
        "disclaimer": "Dates calculées d'après le droit enregistré au {law} (spec du projet). Le "
        "droit change : faites confirmer par un juriste toute échéance qui compte. Respectez "
        "la date prudente ; la date soutenable n'est qu'un argument de repli.",
    },
    "en": {
        "title": "Deadlines — territory {territory} ({zone}) — as of {as_of}",
        "start": "counted from: {event}, {day}",
        "readings": "Possible readings:",
        "from": "counted from: {event}",
        "disputed_holidays": "disputed holidays counted as holidays",
        "if": "if {row}",
        "is_safe": "← safe date",
        "is_latest": "← arguable date",
        "steps_safe": "How the safe date is counted:",
        "steps_latest": "How the arguable date is counted:",
        "pending": "waiting",
        "steps_pending": "How it is counted until the suspension:",
        "steps_pending_of": "How it is counted until the suspension ({readings}):",
        "safe": "safe date: {day}",
        "arguable": "arguable date: {day}",
        "left": "left: {left} — {state}",
        "law": "law: {law}",
        "rule": "rule: {rule}",
        "done": "To mark a deadline done: 'deadlines case done {ref} RULE', for example "
        "'deadlines case done {ref} {example}'.",
        "warnings": "Warnings",
        "notes": "Notes",
        "none": "No deadline.",
        "disclaimer": "Dates computed from the law as recorded on {law} (the project's spec). "
        "The law changes: have a lawyer confirm any deadline that matters. Meet the safe date; "
        "the arguable date is only a fallback argument.",
    },
}


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


def _start(evaluation: Evaluation) -> Event:
    """The event the safe reading counts from; for a suspended deadline (no reading counted),
    its first waiting reading's."""
    if evaluation.readings:
        return evaluation.safe.start
    return evaluation.pending[0].start if evaluation.pending else evaluation.trigger


def _started(deadline: Deadline, lang: str) -> str:
    """« (dépôt de la demande : 05/10/2026) »: the start of the safe reading. With a disputed
    start (certificate) it is the earlier event, which is what the safe date is counted from."""
    start = _start(deadline.evaluation)
    sep = " : " if lang == "fr" else ": "
    return f"({name(f'event.{start.kind.value}', lang)}{sep}{short_day(start)})"


class _Row:
    """The words of one deadline, in every layout."""

    def __init__(
        self,
        number: int,
        deadline: Deadline,
        computation: Computation,
        lang: str,
        notes: Footnotes,
        rule_ids: bool,
    ) -> None:
        labels = LABELS[lang]
        evaluation = deadline.evaluation
        self.style = _row_style(deadline)
        marks = "".join(
            f" {mark(notes.add(render_note(w, lang), str(number)))}" for w in deadline.warnings
        )
        self.number = str(number)
        self.title = deadline.rule.title.get(lang) + marks
        self.started = protect(_started(deadline, lang))
        self.rule = labels["rule"].format(rule=deadline.rule.id) if rule_ids else ""
        self.flags = unknown_flags(unknown_facts(deadline.warnings), lang)
        due, latest = deadline.due, deadline.latest
        if due is None:  # suspended: what restarts it instead of a date
            self.safe = protect(suspended(deadline.suspended_by, lang))
        else:
            self.safe = protect(when(due, deadline.due_at, lang))
        self.arguable = (
            protect(when(latest, deadline.latest_at, lang))
            if latest is not None and deadline.latest_end != deadline.end
            else ""
        )
        self.moved = protect(moved_by(deadline.moved_by, deadline.suspended_by, lang))
        now = computation.now.astimezone(UTC) if computation.now is not None else None
        self.left = protect(time_left(deadline.days_left, minutes_left(deadline.listed, now), lang))
        self.state = _state_label(deadline, lang)
        self.basis = protect(evaluation.basis[0])
        self.certainty = f"({name(f'status.{evaluation.status.value}', lang)})"
        self.law = f"{self.basis} {self.certainty}"

    def what(self, *more: str) -> str:
        return "\n".join(line for line in (self.title, self.started, self.rule, *more) if line)

    def cells(self, layout: str, lang: str) -> tuple[str, ...]:
        safe = "\n".join(line for line in (self.flags, self.safe, self.moved) if line)
        if layout == "full":
            return (
                self.number,
                self.what(),
                safe,
                self.arguable or "—",
                self.left,
                self.state,
                f"{self.basis}\n{self.certainty}",
            )
        arguable = LABELS[lang]["arguable"].format(day=self.arguable) if self.arguable else ""
        return (
            self.number,
            self.what(self.law),
            "\n".join(line for line in (safe, arguable) if line),
            self.left,
            self.state,
        )

    def block(self, lang: str) -> list[tuple[str, str]]:
        """(prefix, text) lines of the deadline as a block."""
        labels = LABELS[lang]
        lines = [(f"{self.number}. ", self.title)]
        for text in (self.started, self.rule, self.flags):
            if text:
                lines.append(("   ", text))
        lines.append(("   ", labels["safe"].format(day=self.safe)))
        if self.arguable:
            lines.append(("   ", labels["arguable"].format(day=self.arguable)))
        if self.moved:
            lines.append(("   ", self.moved))
        lines.append(("   ", labels["left"].format(left=self.left, state=self.state)))
        lines.append(("   ", labels["law"].format(law=self.law)))
        return lines


def _columns(lang: str, layout: str) -> list[Column]:
    number, what, safe, arguable, left, state, law = HEADERS[lang]
    if layout == "full":
        return [
            Column(number, right=True),
            Column(what, floor=22),
            Column(safe),
            Column(arguable),
            Column(left, right=True),
            Column(state),
            Column(law, floor=14),
        ]
    return [
        Column(number, right=True),
        Column(what, floor=22),
        Column(safe),
        Column(left, right=True),
        Column(state),
    ]


def _print_lines(console: Console, lines: list[str], style: str = "") -> None:
    for line in lines:
        console.print(RichText(line, style=style), soft_wrap=True)


def render_table(
    computation: Computation,
    lang: str,
    explain: bool,
    out: TextIO,
    case_ref: str | None = None,
) -> None:
    """The deadlines of `computation`; `case_ref` (case show) adds the rule id of each deadline,
    which `deadlines case done REF RULE` expects."""
    # A terminal gets its own width; a file or a pipe gets 120 columns rather than rich's 80,
    # unless COLUMNS says otherwise.
    width = None if out.isatty() else terminal_width(out)
    # No console markup and no :emoji: codes: every text is given as rich Text, and rich then
    # neither parses it nor loads its table of 3,600 emoji (~4 ms at start-up).
    console = Console(
        file=out, highlight=False, soft_wrap=False, width=width, markup=False, emoji=False
    )
    width = console.width
    labels = LABELS[lang]
    where = computation.case.where
    title = protect(
        labels["title"].format(
            territory=where.code,
            zone=name(f"zone.{where.time_zone}", lang),
            as_of=format_long(computation.as_of, lang),
        )
    )
    notes = Footnotes()
    rows = [
        _Row(number, deadline, computation, lang, notes, case_ref is not None)
        for number, deadline in enumerate(computation.deadlines, start=1)
    ]
    if not rows:
        console.print(RichText(labels["none"]))
    else:
        _print_rows(console, rows, title, lang, width)
    if notes.numbers:
        console.print(RichText(labels["warnings"], style="bold"))
        _print_lines(console, notes.lines(width, lang, with_concerns=False))
    if computation.notes:
        console.print(RichText(labels["notes"], style="bold"))
        for note in dict.fromkeys(render_note(n, lang) for n in computation.notes):
            _print_lines(console, hang("  - ", note, width))
    if case_ref is not None and computation.deadlines:
        example = next(
            (d for d in computation.deadlines if d.rule.must_act), computation.deadlines[0]
        )
        # A command is never split across lines: it is copied as a whole.
        done = (
            labels["done"]
            .format(ref=case_ref.replace(" ", NBSP), example=example.rule.id)
            .replace("deadlines case done ", f"deadlines{NBSP}case{NBSP}done{NBSP}")
        )
        done = done.replace(f"{NBSP}{case_ref} ", f"{NBSP}{case_ref}{NBSP}")
        _print_lines(console, hang("", done, width))
    if explain:
        for number, deadline in enumerate(computation.deadlines, start=1):
            console.print()
            _print_lines(console, explanation_lines(number, deadline, lang, width))
    console.print()
    disclaimer = labels["disclaimer"].format(law=LAW_AS_OF)
    _print_lines(console, hang("", disclaimer, width), style="italic")


def _print_rows(console: Console, rows: list[_Row], title: str, lang: str, width: int) -> None:
    for layout in ("full", "compact"):
        columns = _columns(lang, layout)
        cells = [row.cells(layout, lang) for row in rows]
        widths = fit(columns, cells, width)
        if widths is None:
            continue
        table_width = sum(widths) + boxed_overhead(len(widths))
        table = Table(
            title=RichText("\n".join(centred(title, table_width))),
            show_lines=False,
            expand=False,
        )
        for column, w in zip(columns, widths, strict=True):
            table.add_column(
                RichText("\n".join(wrap(column.header, w))),
                justify="right" if column.right else "left",
                width=w,
                no_wrap=True,
            )
        for row, texts in zip(rows, cells, strict=True):
            table.add_row(
                *(RichText("\n".join(wrap(t, w))) for t, w in zip(texts, widths, strict=True)),
                style=row.style,
            )
        console.print(table)
        return
    _print_lines(console, centred(title, width))
    for row in rows:
        for index, (prefix, text) in enumerate(row.block(lang)):
            _print_lines(console, hang(prefix, text, width), row.style if index == 0 else "")


def _reading_line(
    reading: ReadingResult | PendingReading,
    deadline: Deadline,
    lang: str,
    starts: bool,
    rows: bool,
) -> str:
    """« jeudi 5 novembre 2026 : stricte : échéance, sans report ; compté depuis : dépôt de la
    demande ← date prudente »: a reading in words (its id is in the JSON); a reading waiting for
    the event that restarts it says « en attente » instead of a date."""
    labels = LABELS[lang]
    evaluation = deadline.evaluation
    parts = [reading.reading.label.get(lang)]
    if starts:
        parts.append(labels["from"].format(event=name(f"event.{reading.start.kind.value}", lang)))
    if rows and reading.steps and reading.steps[0].message.startswith("step.regime"):
        row = reading.steps[0].param_dict().get("row")
        if isinstance(row, Text):
            parts.append(labels["if"].format(row=row.get(lang)))
    if reading.with_disputed_holidays:
        parts.append(labels["disputed_holidays"])
    if isinstance(reading, ReadingResult):
        text = when(reading.due, reading.at, lang)
    else:
        text = labels["pending"]
    text += " : " if lang == "fr" else ": "
    text += " ; ".join(parts) if lang == "fr" else "; ".join(parts)
    if not isinstance(reading, ReadingResult):
        return text
    if reading is evaluation.safe:
        text += " " + labels["is_safe"]
    elif reading is evaluation.latest_reading and reading.end != evaluation.safe.end:
        text += " " + labels["is_latest"]
    return text


def _clock(at: time, lang: str) -> str:
    """« à 10 h 30 », " at 10:30": a time of day as the instants are written."""
    return f" à {at.hour} h {at.minute:02d}" if lang == "fr" else f" at {at:%H:%M}"


def explanation_lines(number: int, deadline: Deadline, lang: str, width: int) -> list[str]:
    """The readings and numbered steps under one deadline, wrapped to `width` with a hanging
    indent. The heading names the start of the safe reading, as the row does. The readings
    waiting for the event that restarts them (legal aid asked) come after those counted, and
    their steps, up to the interruption, after the safe and arguable dates' (each distinct
    sequence once)."""
    labels = LABELS[lang]
    evaluation = deadline.evaluation
    start = _start(evaluation)
    heading = f"{deadline.rule.title.get(lang)} — " + labels["start"].format(
        event=name(f"event.{start.kind.value}", lang),
        day=format_long(start.at, lang) + (_clock(start.time, lang) if start.time else ""),
    )
    lines = hang(f"[{number}] ", heading, width)
    lines.append("    " + labels["readings"])
    every: tuple[ReadingResult | PendingReading, ...] = (*evaluation.readings, *evaluation.pending)
    starts = len({r.start.kind for r in every}) > 1
    rows = len({r.id.split("/")[0] for r in every if "/" in r.id}) > 1
    for reading in every:
        lines.extend(hang("      - ", _reading_line(reading, deadline, lang, starts, rows), width))
    shown: list[tuple[str, tuple[Step, ...]]] = []
    if evaluation.readings:
        shown.append((labels["steps_safe"], evaluation.safe.steps))
        if evaluation.latest_reading.end != evaluation.safe.end:
            shown.append((labels["steps_latest"], evaluation.latest_reading.steps))
    waiting: list[tuple[list[str], tuple[Step, ...]]] = []  # labels sharing the same steps
    for pending in evaluation.pending:
        label = pending.reading.label.get(lang)
        same = next((group for group in waiting if group[1] == pending.steps), None)
        if same is None:
            waiting.append(([label], pending.steps))
        elif label not in same[0]:
            same[0].append(label)
    sep = " ; " if lang == "fr" else "; "
    for labels_of, steps in waiting:
        if len(waiting) == 1:  # every waiting reading counted alike: no need to name them
            shown.append((labels["steps_pending"], steps))
        else:
            readings = sep.join(labels_of)
            shown.append((labels["steps_pending_of"].format(readings=readings), steps))
    for heading_text, steps in shown:
        lines.extend(hang("    ", heading_text, width))
        for index, step in enumerate(steps, start=1):
            citation = f" [{step.citation}]" if step.citation else ""
            lines.extend(hang(f"      {index}. ", f"{render_step(step, lang)}{citation}", width))
    for note in evaluation.notes:
        lines.extend(hang("    * ", render_note(note, lang), width))
    return lines


def render_explanation(number: int, deadline: Deadline, lang: str, width: int = 10_000) -> str:
    """The numbered steps under one deadline, as plain text (unwrapped by default)."""
    return "\n".join(explanation_lines(number, deadline, lang, width))
