"""Rich views of the caseload: the case list and the agenda."""

from __future__ import annotations

import os
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

from caseload.agenda import Agenda
from deadlines.dates import format_instant, format_long
from deadlines.engine import Computation, Deadline, State
from deadlines.messages import name
from rendering.words import when

if TYPE_CHECKING:
    from rich.console import Console


def _console(out: TextIO) -> Console:
    # rich is imported here: a long agenda is plain lines and does not need it (~50 ms).
    from rich.console import Console

    width = None if out.isatty() or "COLUMNS" in os.environ else 120
    return Console(file=out, highlight=False, soft_wrap=False, width=width)


def render_case_list(rows: list[dict[str, Any]], lang: str, out: TextIO) -> None:
    from rich.table import Table

    console = _console(out)
    if not rows:
        console.print("Aucun dossier." if lang == "fr" else "No case.")
        return
    fr = lang == "fr"
    table = Table(title="Dossiers" if fr else "Cases")
    for header in (
        ("Référence", "Territoire", "État", "À faire", "Retards", "Prochaine échéance")
        if fr
        else ("Reference", "Territory", "Status", "Open", "Overdue", "Next deadline")
    ):
        table.add_column(header)
    for row in rows:
        following = row["next"]
        table.add_row(
            row["ref"],
            row["territory"],
            ("actif" if row["status"] == "active" else "archivé") if fr else row["status"],
            str(row["open"]),
            str(row["overdue"]),
            (("non calculé : " if fr else "not computed: ") + row["error"])
            if row.get("error")
            else "—"
            if following is None
            else f"{format_long(date.fromisoformat(following['due']), lang)} — "
            f"{following['title']}",
            style="bold red" if row["overdue"] or row.get("error") else "",
        )
    console.print(table)


# rich lays out a table cell by cell: thousands of rows take tens of seconds. Beyond this, the
# agenda is printed as aligned plain lines (same columns, no colours).
PLAIN_FROM = 500


def _plain_agenda(result: Agenda, lang: str, title: str, out: TextIO) -> None:
    # Thousands of rows share a few hundred days, states and titles: each is worded once. The
    # zone is part of a day's key: equal instants of two zones read differently.
    days: dict[tuple[object, ...], str] = {}
    states: dict[State, str] = {}
    titles: dict[str, str] = {}
    rows = []
    for row in result.rows:
        deadline = row.deadline
        due, at, state, rule = deadline.due, deadline.due_at, deadline.state, deadline.rule
        day_key = (due, at, at and at.tzinfo)
        if day_key not in days:
            days[day_key] = when(due, at, lang)
        if state not in states:
            states[state] = name(f"state.{state.value}", lang)
        if rule.id not in titles:
            titles[rule.id] = rule.title.get(lang)
        rows.append(
            (
                row.ref,
                f"{deadline.days_left:+d}",
                states[state],
                days[day_key],
                titles[rule.id],
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    out.write(title + "\n")
    for ref, left, state_text, day_text, what in rows:
        out.write(
            f"{ref:<{widths[0]}}  {left:>{widths[1]}}  {state_text:<{widths[2]}}  "
            f"{day_text:<{widths[3]}}  {what}\n"
        )


def render_agenda(result: Agenda, lang: str, out: TextIO) -> None:
    fr = lang == "fr"
    title = (
        f"Agenda : échéances des {result.days} prochains jours et retards"
        if fr
        else f"Agenda: deadlines in the next {result.days} days, and overdue ones"
    )
    skipped = [
        f"[{ref}] " + ("non calculé : " if fr else "not computed: ") + key
        for ref, key in result.skipped
    ]
    if len(result.rows) > PLAIN_FROM:
        _plain_agenda(result, lang, title, out)
        out.writelines(f"{line}\n" for line in skipped)
        return
    from rich.table import Table

    console = _console(out)
    if not result.rows:
        console.print(("Rien à faire. " if fr else "Nothing due. ") + title)
    else:
        table = Table(title=title)
        for header in (
            ("Dossier", "À faire", "Date prudente", "Jours", "État")
            if fr
            else ("Case", "To do", "Safe date", "Days", "State")
        ):
            table.add_column(header, justify="right" if header in {"Jours", "Days"} else "left")
        for row in result.rows:
            deadline = row.deadline
            overdue = deadline.state is State.OVERDUE
            table.add_row(
                row.ref,
                deadline.rule.title.get(lang),
                when(deadline.due, deadline.due_at, lang),
                f"{deadline.days_left:+d}",
                name(f"state.{deadline.state.value}", lang),
                style="bold red" if overdue else "bold yellow" if deadline.days_left == 0 else "",
            )
        console.print(table)
    for line in skipped:
        console.print(line, markup=False)


def render_moves(old: Computation, new: Computation, lang: str, out: TextIO) -> int:
    """`case set` / `case unset`: the deadlines that move, appear or disappear; their number."""

    def at(deadline: Deadline) -> str:
        due_at = deadline.due_at
        return format_long(deadline.due, lang) if due_at is None else format_instant(due_at, lang)

    before = {d.key: d for d in old.deadlines}
    after = {d.key: d for d in new.deadlines}
    lines = []
    sep = " : " if lang == "fr" else ": "
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a is None and b is not None:
            lines.append(f"  + {b.rule.title.get(lang)}{sep}{at(b)}")
        elif b is None and a is not None:
            lines.append(f"  - {a.rule.title.get(lang)}{sep}{at(a)}")
        elif a is not None and b is not None and a.end != b.end:
            lines.append(f"  ~ {a.rule.title.get(lang)}{sep}{at(a)} → {at(b)}")
    if lines:
        out.write("Échéances qui changent :\n" if lang == "fr" else "Deadlines that change:\n")
        out.write("".join(f"{line}\n" for line in lines))
    else:
        out.write("Aucune échéance ne change.\n" if lang == "fr" else "No deadline changes.\n")
    return len(lines)
