"""Wording and wrapping shared by the renderers, without rich (the caseload lists never load it).

A date or a time is never cut or split across lines (issue 14, item 8): `protect` joins the words
of every date, time, zone and duration the tool prints with non-breaking spaces, `wrap` breaks
lines only at ordinary spaces, and the non-breaking spaces become ordinary ones in the lines it
returns (so that what is printed can be searched and copied as usual).
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from typing import TextIO

from deadlines.case import Event
from deadlines.dates import format_instant, format_long
from deadlines.messages import name, short_day
from deadlines.rules.model import EventKind

NBSP = "\u00a0"

_WEEKDAYS = (
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
)
_MONTHS = (
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    r"janv\.|févr\.|avr\.|juill\.|sept\.|oct\.|nov\.|déc\.|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
)
# What must stay on one line: a long date (with its weekday), a time of day, a zone or a UTC
# offset, hours left, a short date with its time, the numbers of a citation or a duration, and a
# French double punctuation mark with the word before it.
_UNITS = re.compile(
    "|".join(
        (
            rf"(?:(?:{_WEEKDAYS}) )?(?:1er|\d{{1,2}}) (?:{_MONTHS}) \d{{4}}",
            r"(?:à )?\d{1,3} h \d{2}",
            r"at \d{2}:\d{2}",
            r"[+-]\d+ [jd]\b",
            r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}",
            r"\((?:heure de |UTC)[^()]*\)",
            r"\([^()]{1,40} time\)",
            r"\b(?:n°|art\.|al\.) \d+",
            r"\b\d+ (?:jours?|mois|heures?|days?|months?|hours?)\b",
            # French typography: no line starts with « : », « ; » or « » », none ends with « «.
            r" [:;!?»]",
            r"« ",
        )
    )
)


def protect(text: str) -> str:
    """`text` with the spaces inside each date, time or duration made non-breaking."""
    return _UNITS.sub(lambda match: match.group(0).replace(" ", NBSP), text)


def wrap(text: str, width: int) -> list[str]:
    """The lines of `text` (already `protect`ed; "\\n" starts a line) at most `width` long,
    broken only at ordinary spaces. A word longer than `width` gets a line of its own, whole:
    a date is never cut, even when it does not fit."""
    if len(text) <= width and "\n" not in text:
        return [text.replace(NBSP, " ")]  # most cells of a list
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            if not word:
                continue
            if not line:
                line = word
            elif len(line) + 1 + len(word) <= width:
                line = f"{line} {word}"
            else:
                lines.append(line.replace(NBSP, " "))
                line = word
        lines.append(line.replace(NBSP, " "))
    return lines


def hang(prefix: str, text: str, width: int) -> list[str]:
    """`prefix` then `text` wrapped to `width`, every further line indented under the text."""
    indent = len(prefix)
    lines = wrap(protect(text), max(width - indent, 20))
    return [prefix + lines[0], *(" " * indent + line for line in lines[1:])]


def terminal_width(out: TextIO) -> int:
    """The width to print for, as rich finds it: COLUMNS, else the terminal's own; a file or a
    pipe gets 120 columns."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if not out.isatty():
        return 120
    try:
        return os.get_terminal_size(out.fileno()).columns
    except (AttributeError, OSError, ValueError):
        import shutil

        return shutil.get_terminal_size().columns


def when(day: date, at: datetime | None, lang: str) -> str:
    """« lundi 3 mars 2025 », or « lundi 1er avril 2024 à 10 h 00 (heure de Paris) »."""
    if at is None:
        return format_long(day, lang)
    return f"{format_instant(at, lang)} ({name(f'zone.{at.tzinfo}', lang)})"


# What a suspended deadline shows instead of its date (rules.md wave 2, "Waiting"): the event
# that interrupted it and what will restart it. Not "+ 15 days": that holds for an admission or
# a rejection, but a provisional admission or a lapse restarts it from the notification itself
# (décret 2020-1717 art. 43), so a caseworker counting from the cell would be late; the
# warning under the table gives the whole rule, and the tool counts it once the decision is in.
_SUSPENDED = {
    "fr": "suspendu (aide juridictionnelle demandée le {day} ; un nouveau délai courra de la "
    "décision du BAJ : saisissez-la dès sa notification)",
    "en": "suspended (legal aid requested on {day}; a new period will run from the legal-aid "
    "decision: enter it as soon as it is notified)",
}


def suspended(event: Event | None, lang: str) -> str:
    """« suspendu (aide juridictionnelle demandée le 17/03/2025 ; un nouveau délai courra de la
    décision du BAJ : saisissez-la dès sa notification) »: the date cell of a suspended
    deadline."""
    if event is None:
        return name("state.suspended", lang)
    if event.kind is EventKind.LEGAL_AID_REQUESTED:
        return _SUSPENDED[lang].format(day=short_day(event))
    # No other event suspends a deadline (rules.md wave 2): named plainly if one ever does.
    what = name(f"event.{event.kind.value}", lang)
    return f"{name('state.suspended', lang)} ({what} {short_day(event)})"


# Within this many minutes of an hour deadline's end, either side, the time left is in hours.
HOURS_SHOWN = 3 * 24 * 60


def time_left(days_left: int | None, minutes_left: int | None, lang: str) -> str:
    """« +8 j »; for an hour deadline within three days, « +45 h 30 » or « -0 h 30 » (overdue);
    « — » for a suspended deadline (no date, nothing left to count)."""
    if days_left is None:
        return "—"
    if minutes_left is not None and -HOURS_SHOWN < minutes_left < HOURS_SHOWN:
        sign = "-" if minutes_left < 0 else "+"
        minutes = abs(minutes_left)
        return f"{sign}{minutes // 60} h {minutes % 60:02d}"
    return f"{days_left:+d} {'j' if lang == 'fr' else 'd'}"


def unknown_flags(facts: list[str], lang: str) -> str:
    """« régime inconnu : indiquez --oqtf-decided », one line per fact the engine lacked; each
    half stays whole when it wraps."""
    lines = []
    for fact in facts:
        head, _, tail = name(f"unknown.{fact}", lang).partition(": ")
        lines.append(f"{head.replace(' ', NBSP)}: {tail.replace(' ', NBSP)}")
    return "\n".join(lines)


def mark(number: int) -> str:
    """The footnote mark of a row with a warning: the warning's number under the table."""
    return f"*{number}"


class Footnotes:
    """Distinct warnings, numbered in order of first appearance, with who they concern."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.concerns: dict[str, list[str]] = {}

    def add(self, text: str, concern: str) -> int:
        number = self.numbers.setdefault(text, len(self.numbers) + 1)
        concerned = self.concerns.setdefault(text, [])
        if not concerned or concerned[-1] != concern:
            concerned.append(concern)
        return number

    def lines(self, width: int, lang: str, with_concerns: bool, most: int = 6) -> list[str]:
        lines = []
        for text, number in self.numbers.items():
            concerned = list(dict.fromkeys(self.concerns[text]))
            shown = ", ".join(concerned[:most])
            if len(concerned) > most:
                more = len(concerned) - most
                shown += f" et {more} autres" if lang == "fr" else f" and {more} more"
            prefix = f"  {mark(number)} "
            body = f"({shown}) {text}" if with_concerns else text
            lines.extend(hang(prefix, body, width))
        return lines
