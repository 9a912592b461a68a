"""The caseload lists for people: `agenda` and `case list`, and the moves of `case set`.

Both lists are drawn by rendering/grid.py, never by rich (thousands of rows print in
milliseconds), in the widest layout the terminal holds: every column; then fewer, wider columns;
then one block per row. An hour deadline shows its time and, within three days, the hours and
minutes left; a row whose deadline carries a warning is marked « *1 » and the warnings are listed
once under the table; a fact the engine lacked (the OQTF regime) is said before the date.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from caseload.agenda import Agenda, AgendaRow
from deadlines.dates import format_instant, format_long
from deadlines.engine import Computation, Deadline, State
from deadlines.messages import moved_by, name, render_note
from deadlines.report import minutes_left, unknown_facts
from deadlines.territories import territory
from rendering.grid import Column, boxed, boxed_overhead, centred, fit
from rendering.words import (
    Footnotes,
    hang,
    mark,
    protect,
    suspended,
    terminal_width,
    time_left,
    unknown_flags,
    when,
)

# A list row: its words (a tuple whose first items are the cells of the widest layout), and its
# style. A layout is its columns and how a row's words become its cells (None: the first ones).
Row = tuple[tuple[str, ...], str]
Layout = tuple[Sequence[Column], Callable[[tuple[str, ...]], Sequence[str]] | None]


def _colour(out: TextIO) -> bool:
    return out.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _print_list(
    out: TextIO,
    sections: Sequence[tuple[str, Sequence[Row]]],
    layouts: Sequence[Layout],
    block: Callable[[tuple[str, ...]], Sequence[str]],
    notes: Footnotes,
    lang: str,
) -> None:
    """Each section (title, rows) in the first layout that fits it, else one block per row,
    a blank line between sections; then the warnings of them all."""
    width = terminal_width(out)
    colour = _colour(out)
    lines: list[str] = []
    for title, rows in sections:
        if lines:
            lines.append("")
        lines.extend(_section(title, rows, layouts, block, width, colour))
    if notes.numbers:
        lines.append("Avertissements" if lang == "fr" else "Warnings")
        lines.extend(notes.lines(width, lang, with_concerns=True))
    out.write("".join(f"{line}\n" for line in lines))


def _section(
    title: str,
    rows: Sequence[Row],
    layouts: Sequence[Layout],
    block: Callable[[tuple[str, ...]], Sequence[str]],
    width: int,
    colour: bool,
) -> list[str]:
    """The lines of one titled table: the first layout that fits, else one block per row."""
    lines: list[str] = []
    for columns, cells_of in layouts:
        cells = [
            words[: len(columns)] if cells_of is None else cells_of(words) for words, _ in rows
        ]
        widths = fit(columns, cells, width)
        if widths is not None:
            table_width = sum(widths) + boxed_overhead(len(widths))
            lines.extend(centred(title, table_width))
            styled = zip(cells, (style for _, style in rows), strict=True)
            lines.extend(boxed(columns, styled, widths, colour))
            return lines
    lines.extend(centred(title, width))
    for words, style in rows:
        start, end = ("\x1b[1;31m", "\x1b[0m") if colour and style == "bold red" else ("", "")
        first, *rest = block(words)
        head = hang("", first, width)
        lines.append(start + head[0] + end)
        lines.extend(head[1:])
        lines.extend(line for text in rest for line in hang("   ", text, width))
    return lines


def _marks(warnings: Sequence[str], concern: str, notes: Footnotes) -> str:
    return "".join(f" {mark(notes.add(text, concern))}" for text in warnings)


def _flagged(facts: list[str], day: str, lang: str) -> str:
    """The safe date, after what the engine did not know (« régime inconnu : … »)."""
    return f"{unknown_flags(facts, lang)}\n{day}" if facts else day


# Why a case could not be computed, in a few words (the memo keeps the message key only);
# `deadlines case show REF` says it in full.
_WHY_NOT = {
    "coverage.year": {
        "fr": "une date est hors des années au calendrier vérifié",
        "en": "a date is outside the years with verified holidays",
    },
}


def _not_computed(ref: str, key: str, lang: str) -> str:
    why = _WHY_NOT.get(key, {}).get(lang)
    if lang == "fr":
        return (
            f"non calculé{f' ({why})' if why else ''} : « deadlines case show {ref} » dit pourquoi"
        )
    return f"not computed{f' ({why})' if why else ''}: 'deadlines case show {ref}' says why"


# --- case list ---------------------------------------------------------------------------------


@lru_cache(maxsize=128)
def _zone(code: str) -> ZoneInfo:
    return ZoneInfo(territory(code).time_zone)


def _due_text(row: dict[str, Any], following: dict[str, Any], lang: str) -> str:
    due = following["due"]
    if "T" not in due:
        return protect(format_long(date.fromisoformat(due), lang))
    at = datetime.fromisoformat(due).astimezone(_zone(row["territory"]))
    return protect(when(at.date(), at, lang))


def _case_list_columns(fr: bool, archived: bool, team: bool) -> tuple[list[Column], list[Column]]:
    """The columns of `case list`: every one, and the compact few. The status is a column only
    when an archived case is listed (--all), and who follows each case only when a listed case
    is followed by someone (a caseworker alone never sees it)."""
    headers = (
        ("Référence", "Territoire", "À faire", "Retards", "Prochaine échéance", "Reste", "État")
        if fr
        else ("Reference", "Territory", "Open", "Overdue", "Next deadline", "Left", "Status")
    )
    full = [
        Column(headers[0]),
        *([Column("Suivi par" if fr else "Assignee")] if team else []),
        Column(headers[1]),
        Column(headers[2], right=True),
        Column(headers[3], right=True),
        Column(headers[4], floor=30),
        Column(headers[5], right=True),
        *([Column(headers[6])] if archived else []),
    ]
    compact = [
        Column(headers[0]),
        Column(f"{headers[2]} / {headers[3].lower()}", right=True),
        Column(headers[4], floor=24),
        Column(headers[5], right=True),
    ]
    return full, compact


def render_case_list(rows: list[dict[str, Any]], lang: str, out: TextIO) -> None:
    if not rows:
        out.write("Aucun dossier.\n" if lang == "fr" else "No case.\n")
        return
    fr = lang == "fr"
    team = any(row.get("assignee") for row in rows)
    follows = "Suivi par" if fr else "Assignee"
    archived = any(row["status"] != "active" for row in rows)
    full, compact = _case_list_columns(fr, archived, team)
    notes = Footnotes()
    dates: dict[str, str] = {}
    lefts: dict[tuple[int | None, int | None], str] = {}
    listed: list[Row] = []
    for row in rows:
        ref = row["ref"]
        status = ("actif" if row["status"] == "active" else "archivé") if fr else row["status"]
        following = row["next"]
        left = ""
        if row.get("error"):
            upcoming = block = _not_computed(ref, row["error"], lang)
        elif following is None:
            upcoming = block = _waiting(row["suspended"], lang) or "—"
        else:
            due = following["due"]
            if due not in dates:
                dates[due] = _due_text(row, following, lang)
            day = _flagged(following["unknown_facts"], dates[due], lang)
            what = following["title"] + _marks(following["warnings"], ref, notes)
            left_key = (following["days_left"], following["minutes_left"])
            if left_key not in lefts:
                lefts[left_key] = protect(time_left(*left_key, lang))
            left = lefts[left_key]
            upcoming = f"{day} — {what}"
            block = f"{day}, {left}\n{what}"
            waiting = _waiting(row["suspended"], lang)
            if waiting:
                upcoming = f"{upcoming}\n{waiting}"
                block = f"{block}\n{waiting}"
        where = row["territory"] if row["status"] == "active" else f"{row['territory']}, {status}"
        words = (
            ref,
            row["territory"],
            str(row["open"]),
            str(row["overdue"]),
            upcoming,
            left,
            status,
            where,
            block,
            row.get("assignee") or "—",
        )
        listed.append((words, "bold red" if row["overdue"] or row.get("error") else ""))

    def full_cells(words: tuple[str, ...]) -> tuple[str, ...]:
        return (words[0], words[9], *words[1 : len(full) - 1])

    def compact_cells(words: tuple[str, ...]) -> tuple[str, ...]:
        ref, _, open_, overdue, upcoming, left, _, where, _, assignee = words
        follower = f"\n{assignee}" if team else ""
        return (f"{ref}\n({where}){follower}", f"{open_} / {overdue}", upcoming, left)

    def block_lines(words: tuple[str, ...]) -> tuple[str, ...]:
        ref, _, open_, overdue, _, _, _, where, block, assignee = words
        follower = f" — {follows.lower()} {assignee}" if team else ""
        summary = (
            f"{ref} ({where}){follower} — {open_} à faire, {overdue} en retard"
            if fr
            else f"{ref} ({where}){follower} — {open_} open, {overdue} overdue"
        )
        return (summary, block)

    layouts: list[Layout] = [(full, full_cells if team else None), (compact, compact_cells)]
    sections = [("Dossiers" if fr else "Cases", listed)]
    _print_list(out, sections, layouts, block_lines, notes, lang)


def _waiting(count: int, lang: str) -> str:
    """« 2 échéances suspendues »: a case's deadlines waiting for the event that restarts them
    (legal aid asked), which have no date to be its next one ("" when none)."""
    if not count:
        return ""
    if lang == "fr":
        return f"{count} échéance suspendue" if count == 1 else f"{count} échéances suspendues"
    return f"{count} deadline suspended" if count == 1 else f"{count} deadlines suspended"


# --- agenda ------------------------------------------------------------------------------------


def _agenda_layouts(lang: str, team: bool) -> list[Layout]:
    """`team`: a listed case is followed by someone, whose name is shown with it."""
    headers = (
        ("Dossier", "À faire", "Date prudente", "Reste", "État")
        if lang == "fr"
        else ("Case", "To do", "Safe date", "Left", "State")
    )
    full = [
        Column(headers[0]),
        *([Column("Suivi par" if lang == "fr" else "Assignee")] if team else []),
        Column(headers[1], floor=24),
        Column(headers[2]),
        Column(headers[3], right=True),
        Column(headers[4]),
    ]
    compact = [
        Column(headers[0]),
        Column(f"{headers[2]} — {headers[1].lower()}", floor=24),
        Column(f"{headers[3]}\n{headers[4]}", right=True),
    ]

    def full_cells(words: tuple[str, ...]) -> tuple[str, ...]:
        ref, what, day, left, state, assignee = words
        return (ref, assignee, what, day, left, state)

    def compact_cells(words: tuple[str, ...]) -> tuple[str, ...]:
        ref, what, day, left, state, assignee = words
        case = f"{ref}\n{assignee}" if team else ref
        return (case, f"{day}\n{what}", f"{left}\n{state}")

    return [(full, full_cells if team else None), (compact, compact_cells)]


def _agenda_block(words: tuple[str, ...]) -> tuple[str, ...]:
    ref, what, day, left, state, assignee = words
    # Only a row whose case is followed names its follower (no « — » for a caseworker alone).
    follower = f" ({assignee})" if assignee != "—" else ""
    return (f"{ref}{follower} — {state}, {left}", day, what)


def _agenda_rows(agenda_rows: Sequence[AgendaRow], lang: str, notes: Footnotes) -> list[Row]:
    """(case, to do, safe date, left, state) of each row, and its style. A suspended deadline's
    date says what restarts it, and a moved one's says, under it, what moved it."""
    # Thousands of rows share a few hundred days, states, titles and warnings: each is worded
    # once. The zone is part of a day's key: equal instants of two zones read differently.
    days: dict[tuple[object, ...], str] = {}
    states: dict[State, str] = {}
    titles: dict[str, str] = {}
    warnings: dict[object, str] = {}
    lefts: dict[tuple[int | None, int | None], str] = {}
    styles = {State.OVERDUE: "bold red", State.DUE_TODAY: "bold yellow"}
    rows: list[Row] = []
    for row in agenda_rows:
        deadline = row.deadline
        due, at, state, rule = deadline.due, deadline.due_at, deadline.state, deadline.rule
        noted = deadline.warnings
        day_key = (due, at, at and at.tzinfo) if due is not None else (deadline.suspended_by,)
        day = days.get(day_key)
        if day is None:
            if due is None:
                day = days[day_key] = protect(suspended(deadline.suspended_by, lang))
            else:
                day = days[day_key] = protect(when(due, at, lang))
        moved = (
            moved_by(deadline.moved_by, deadline.suspended_by, lang) if deadline.moved_by else ""
        )
        if moved:
            day = f"{day}\n{protect(moved)}"
        if state not in states:
            states[state] = name(f"state.{state.value}", lang)
        if rule.id not in titles:
            titles[rule.id] = rule.title.get(lang)
        what = titles[rule.id]
        if noted:
            day = _flagged(unknown_facts(noted), day, lang)
            texts = []
            for warning in noted:
                if warning not in warnings:
                    warnings[warning] = render_note(warning, lang)
                texts.append(warnings[warning])
            what += _marks(texts, row.ref, notes)
        left_key = (deadline.days_left, minutes_left(deadline, row.now))
        left = lefts.get(left_key)
        if left is None:
            left = lefts[left_key] = protect(time_left(*left_key, lang))
        words = (row.ref, what, day, left, states[state], row.assignee or "—")
        rows.append((words, styles.get(state, "")))
    return rows


def render_agenda(result: Agenda, lang: str, out: TextIO) -> None:
    fr = lang == "fr"
    title = (
        f"Agenda : échéances des {result.days} prochains jours et retards"
        if fr
        else f"Agenda: deadlines in the next {result.days} days, and overdue ones"
    )
    skipped = [f"[{ref}] {_not_computed(ref, key, lang)}" for ref, key in result.skipped]
    notes = Footnotes()
    sections: list[tuple[str, Sequence[Row]]] = []
    if not result.rows:
        out.write(("Rien à faire. " if fr else "Nothing due. ") + title + "\n")
    else:
        sections.append((title, _agenda_rows(result.rows, lang, notes)))
    if result.suspended:
        # After the dated ones, apart: no date, so in no window, and never overdue.
        waiting = _agenda_rows(result.suspended, lang, notes)
        sections.append(("Suspendus" if fr else "Suspended", waiting))
    if sections:
        team = any(row.assignee for row in (*result.rows, *result.suspended))
        _print_list(out, sections, _agenda_layouts(lang, team), _agenda_block, notes, lang)
    out.writelines(f"{line}\n" for line in skipped)


# --- case set / unset --------------------------------------------------------------------------


def render_moves(old: Computation, new: Computation, lang: str, out: TextIO) -> int:
    """`case set` / `case unset`: the deadlines that move, appear or disappear; their number."""

    def at(deadline: Deadline) -> str:
        due, due_at = deadline.due, deadline.due_at
        if due is None:
            return suspended(deadline.suspended_by, lang)
        return format_long(due, lang) if due_at is None else format_instant(due_at, lang)

    before = {d.key: d for d in old.deadlines}
    after = {d.key: d for d in new.deadlines}
    lines = []
    sep = " : " if lang == "fr" else ": "
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a is None and b is not None:
            lines.append(("  + ", f"{b.rule.title.get(lang)}{sep}{at(b)}"))
        elif b is None and a is not None:
            lines.append(("  - ", f"{a.rule.title.get(lang)}{sep}{at(a)}"))
        elif a is not None and b is not None and a.end != b.end:
            lines.append(("  ~ ", f"{a.rule.title.get(lang)}{sep}{at(a)} → {at(b)}"))
    if lines:
        width = terminal_width(out)
        out.write("Échéances qui changent :\n" if lang == "fr" else "Deadlines that change:\n")
        out.write("".join(f"{line}\n" for p, text in lines for line in hang(p, text, width)))
    else:
        out.write("Aucune échéance ne change.\n" if lang == "fr" else "No deadline changes.\n")
    return len(lines)


def render_dry_run(
    changes: list[tuple[str, int, int, int, int]], where: str, totals: str, lang: str, out: TextIO
) -> None:
    """`export --dry-run`: each case the export would change (new, changed, unchanged,
    cancelled events), then the totals."""
    changed = [c for c in changes if c[1] or c[2] or c[4]]
    fr = lang == "fr"
    heads = (
        ("dossier", "nouveaux", "modifiés", "inchangés", "annulés")
        if fr
        else ("case", "new", "changed", "unchanged", "cancelled")
    )
    out.write(
        f"Export à blanc vers {where} : rien n'est écrit ni enregistré.\n"
        if fr
        else f"Dry run for {where}: nothing is written or recorded.\n"
    )
    if changed:
        width = max(len(heads[0]), *(len(c[0]) for c in changed))
        numbers = [len(h) for h in heads[1:]]
        out.write(heads[0].ljust(width) + "".join(f"  {h}" for h in heads[1:]) + "\n")
        for ref, *counts in changed:
            cells = "".join(f"  {n:>{w}}" for n, w in zip(counts, numbers, strict=True))
            out.write(ref.ljust(width) + cells + "\n")
    unchanged = len(changes) - len(changed)
    out.write(
        f"Total : {totals} ; {unchanged} dossier(s) sans changement.\n"
        if fr
        else f"Total: {totals}; {unchanged} case(s) unchanged.\n"
    )
