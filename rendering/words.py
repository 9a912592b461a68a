"""Wording shared by the renderers that needs no rich: a long agenda is printed without it."""

from __future__ import annotations

from datetime import date, datetime

from deadlines.dates import format_instant, format_long
from deadlines.messages import name


def when(day: date, at: datetime | None, lang: str) -> str:
    """« lundi 3 mars 2025 », or « lundi 1er avril 2024 à 10 h 00 (heure de Paris) »."""
    if at is None:
        return format_long(day, lang)
    return f"{format_instant(at, lang)} ({name(f'zone.{at.tzinfo}', lang)})"
