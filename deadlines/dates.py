"""Strict parsing of the dates users type, and long-form formatting in French and English.

Accepted: ISO `2025-03-04` and French `04/03/2025` (day first). Nothing looser: no two-digit
years, no single digits, never dateutil.parser (which reads `2025-04-03` as 4 March with
dayfirst=True; shared/notes/dependencies.md §6).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from deadlines.errors import InputError

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_FRENCH = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}")


def parse_date(text: str, field: str) -> date:
    """Parse a user date; InputError naming `field` and the accepted forms otherwise."""
    raw = text.strip()
    if m := _ISO.fullmatch(raw):
        year, month, day = (int(g) for g in m.groups())
    elif m := _FRENCH.fullmatch(raw):
        day, month, year = (int(g) for g in m.groups())
    elif _TWO_DIGIT_YEAR.fullmatch(raw):
        raise InputError("date.two-digit-year", field=field, value=raw)
    else:
        raise InputError("date.format", field=field, value=raw)
    if not 1 <= month <= 12:
        raise InputError("date.month", field=field, value=raw, month=month)
    last = days_in_month(year, month)
    if not 1 <= day <= last:
        raise InputError("date.day", field=field, value=raw, day=day, month=month, year=year)
    return date(year, month, day)


def days_in_month(year: int, month: int) -> int:
    """Not calendar.monthrange: the calendar module (and locale with it) costs ~3 ms at every
    start-up of the tool."""
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


# A time after the date: "T10:30" (ISO) or " 10:30", " 10h30", " 10 h 30", " 10h" (French use).
_WITH_TIME = re.compile(r"(\S+?)(?:T|\s+)(\d{1,2})\s*(?::|h)\s*(\d{2})?")


def parse_date_time(text: str, field: str) -> tuple[date, time | None]:
    """A date with an optional local time of day; InputError naming `field` otherwise."""
    raw = text.strip()
    if (m := _WITH_TIME.fullmatch(raw)) is None:
        if any(c in raw for c in ":hT ") and not _TWO_DIGIT_YEAR.fullmatch(raw):
            raise InputError("time.format", field=field, value=raw)
        return parse_date(raw, field), None
    day_text, hour_text, minute_text = m.groups()
    if ":" in raw and minute_text is None:
        raise InputError("time.format", field=field, value=raw)
    day = parse_date(day_text, field)
    hour, minute = int(hour_text), int(minute_text or 0)
    if hour > 23 or minute > 59:
        raise InputError("time.range", field=field, value=raw)
    return day, time(hour, minute)


_WEEKDAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def weekday_name(day: date, lang: str) -> str:
    return _WEEKDAYS[lang][day.weekday()]


def format_long(day: date, lang: str) -> str:
    """« lundi 3 mars 2025 », « samedi 1er mars 2025 »; "Monday 3 March 2025"."""
    number = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{weekday_name(day, lang)} {number} {_MONTHS[lang][day.month - 1]} {day.year}"


def format_instant(at: datetime, lang: str) -> str:
    """« lundi 1er avril 2024 à 10 h 00 »; "Monday 1 April 2024 at 10:00" (zone said apart)."""
    if lang == "fr":
        return f"{format_long(at, lang)} à {at.hour} h {at.minute:02d}"
    return f"{format_long(at, lang)} at {at.hour:02d}:{at.minute:02d}"
