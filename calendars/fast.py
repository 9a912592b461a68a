"""A direct RFC 5545 writer for large exports: the same bytes as `calendars.ics.to_ics`.

icalendar builds an object per property and spends ~1.2 ms per event, 45 % of it folding lines
(shared/notes/dependencies.md §4): a caseload of 10,000 cases (~145,000 events) would take
minutes and gigabytes. This module writes the bytes itself, event by event, in exactly
icalendar 7's layout (property order, escaping, folding), and tests/calendars/test_fast.py checks
that the two writers give identical bytes on every shape of event the planner makes. icalendar
is not imported here.

What keeps it fast (a few microseconds an event): lines are folded on their UTF-8 bytes by
slicing, not character by character; the lines that do not change within an export (DTSTAMP,
TRANSP, a day's DTSTART, an alarm's TRIGGER) are made once; and a deadline's folded DESCRIPTION
is reused by the reminders that follow it (the planner gives them the same string).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta

from calendars.ics import ALARM_HOUR, PRODID, _exact
from calendars.plan import PlannedEvent, zones_used
from calendars.vtimezone import vtimezone_lines

# icalendar's canonical orders (Component.canonical_order, vRecur.canonical_order); other
# properties follow alphabetically.
_EVENT_ORDER = ("SUMMARY", "DTSTART", "DTEND", "DTSTAMP", "UID", "SEQUENCE")
_RRULE_ORDER = ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH")

CRLF = b"\r\n"
_FOLD = b"\r\n "
_WIDTH = 74  # octets of a physical line before its CRLF (continuations: a space, then 74)
_CARRIED = (0x5C, 0x5E)  # "\" and "^" are never left at the end of a folded line (icalendar)


def escape(text: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11): icalendar's replacements, in its order, each done only
    when its character is there."""
    if "\\" in text:
        text = text.replace(r"\N", "\n").replace("\\", "\\\\")
    if ";" in text:
        text = text.replace(";", r"\;")
    if "," in text:
        text = text.replace(",", r"\,")
    if "\r" in text:
        text = text.replace("\r\n", r"\n").replace("\r", r"\n")
    if "\n" in text:
        text = text.replace("\n", r"\n")
    return text


def fold_bytes(line: bytes) -> bytes:
    """`fold` on the UTF-8 form of a line: the same cuts, found by slicing.

    A piece is the longest run of whole characters of at most 74 octets, and a piece of several
    characters never ends with a backslash or a caret (icalendar carries it to the next line).
    """
    size = len(line)
    if size <= _WIDTH:
        return line
    pieces: list[bytes] = []
    start = 0
    while True:
        cut = start + _WIDTH
        while line[cut] & 0xC0 == 0x80:  # a UTF-8 continuation octet: back to its character
            cut -= 1
        if line[cut - 1] in _CARRIED:
            cut -= 1
        if not pieces and size - cut <= _WIDTH:
            return line[:cut] + _FOLD + line[cut:]  # the common long line: two pieces
        pieces.append(line[start:cut])
        start = cut
        if size - start <= _WIDTH:
            pieces.append(line[start:])
            return _FOLD.join(pieces)


def fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character or a backslash escape."""
    if len(line) <= _WIDTH and line.isascii():
        return line  # the common case: nothing to count
    return fold_bytes(line.encode("utf-8")).decode("utf-8")


def content_line(text: str) -> bytes:
    """One content line as written: UTF-8, folded, ending with CRLF."""
    data = text.encode("utf-8")
    if len(data) <= _WIDTH:
        return data + CRLF
    return fold_bytes(data) + CRLF


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(at: datetime) -> str:
    return f"{at.year:04d}{at.month:02d}{at.day:02d}T{at.hour:02d}{at.minute:02d}{at.second:02d}"


def _when(name: str, value: date) -> str:
    if isinstance(value, datetime):
        exact = _exact(value)
        if exact.tzinfo is UTC:
            return f"{name}:{_local(exact)}Z"
        return f"{name};TZID={exact.tzinfo}:{_local(exact)}"
    return f"{name};VALUE=DATE:{value.year:04d}{value.month:02d}{value.day:02d}"


def _duration(value: timedelta) -> str:
    """icalendar's vDuration text (a negative duration: `-P6DT15H`)."""
    sign = ""
    if value.days < 0:
        sign, value = "-", -value
    time_part = ""
    if value.seconds:
        hours, rest = divmod(value.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        time_part = "T"
        if hours:
            time_part += f"{hours}H"
        if minutes or (hours and seconds):
            time_part += f"{minutes}M"
        if seconds:
            time_part += f"{seconds}S"
    if value.days == 0 and time_part:
        return f"{sign}P{time_part}"
    return f"{sign}P{value.days}D{time_part}"


def _exact_hours(before: timedelta) -> str:
    minutes = int(before.total_seconds() // 60)
    return f"-PT{minutes // 60}H" + (f"{minutes % 60}M" if minutes % 60 else "")


def _vtimezone(zone: str) -> list[str]:
    """Our shipped VTIMEZONE in icalendar's order: inside DAYLIGHT and STANDARD, properties
    alphabetically, and RRULE parts in vRecur's canonical order."""
    lines: list[str] = []
    block: list[str] | None = None
    for line in vtimezone_lines(zone):
        if line in {"BEGIN:DAYLIGHT", "BEGIN:STANDARD"}:
            lines.append(line)
            block = []
        elif line in {"END:DAYLIGHT", "END:STANDARD"}:
            assert block is not None
            lines.extend(sorted(block, key=lambda text: text.split(":", 1)[0]))
            lines.append(line)
            block = None
        elif block is not None:
            block.append(_rrule(line) if line.startswith("RRULE:") else line)
        else:
            lines.append(line)
    return lines


def _rrule(line: str) -> str:
    parts = dict(part.split("=", 1) for part in line.removeprefix("RRULE:").split(";"))
    ordered = sorted(
        parts, key=lambda k: (_RRULE_ORDER.index(k) if k in _RRULE_ORDER else len(_RRULE_ORDER), k)
    )
    return "RRULE:" + ";".join(f"{k}={parts[k]}" for k in ordered)


def header(calendar_name: str, zones: Iterable[str]) -> bytes:
    """BEGIN:VCALENDAR, its properties and a VTIMEZONE for each zone (in the order given)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{escape(PRODID)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape(calendar_name)}",
        f"X-WR-CALNAME:{escape(calendar_name)}",
    ]
    for zone in zones:
        lines.extend(_vtimezone(zone))
    return b"".join(content_line(line) for line in lines)


FOOTER = b"END:VCALENDAR\r\n"
_KEPT = 50_000  # descriptions kept by a Writer (then it starts again: a few MB at most)
_BEGIN = b"BEGIN:VEVENT\r\n"
_END = b"END:VEVENT\r\n"
_CANCELLED = b"STATUS:CANCELLED\r\n"
_TRANSP = {True: b"TRANSP:TRANSPARENT\r\n", False: b"TRANSP:OPAQUE\r\n"}
_ALARM = b"BEGIN:VALARM\r\nACTION:DISPLAY\r\n"
_ALARM_END = b"END:VALARM\r\n"


class Writer:
    """The VEVENTs of one calendar, one at a time, as bytes (`stamp`: every event's DTSTAMP).

    Keeps what repeats: the lines of each day, alarm triggers, categories, sequence numbers, and
    the last description (a deadline's reminders follow it and share its text).
    """

    def __init__(self, stamp: datetime) -> None:
        self._dtstamp = content_line(f"DTSTAMP:{_stamp(stamp)}")
        self._starts: dict[date, bytes] = {}
        self._ends: dict[date, bytes] = {}
        self._triggers: dict[tuple[timedelta, bool], bytes] = {}
        self._categories: dict[tuple[str, ...], bytes] = {}
        self._sequences: dict[int, bytes] = {}
        self._description = ""
        self._description_line = content_line("DESCRIPTION:")
        # Descriptions repeat across cases (a rule, a day, its basis): about 23,000 different
        # ones for 58,000 deadlines in the 10,000-case benchmark.
        self._descriptions: dict[str, bytes] = {}

    def _day(self, name: str, value: date, cache: dict[date, bytes]) -> bytes:
        if isinstance(value, datetime):
            return content_line(_when(name, value))  # rare (hour deadlines): not worth a cache
        line = cache[value] = content_line(_when(name, value))
        return line

    def _trigger(self, before: timedelta, timed: bool) -> bytes:
        key = (before, timed)
        line = self._triggers.get(key)
        if line is None:
            if timed:
                text = f"TRIGGER;RELATED=END:{_exact_hours(before)}"
            else:
                text = f"TRIGGER:{_duration(-(before - ALARM_HOUR))}"
            line = self._triggers[key] = content_line(text)
        return line

    def event(self, planned: PlannedEvent, sequence: int = 0, cancelled: bool = False) -> bytes:
        """One VEVENT, its alarms included (none when cancelled), as bytes."""
        return self.events((planned,), (sequence,), cancelled)

    def events(
        self, events: Iterable[PlannedEvent], sequences: Iterable[int], cancelled: bool = False
    ) -> bytes:
        """VEVENTs one after the other (a case's), as bytes: `event` for each, in one loop."""
        parts: list[bytes] = []
        add = parts.append
        starts, ends, sequence_lines = self._starts, self._ends, self._sequences
        dtstamp = self._dtstamp
        for planned, sequence in zip(events, sequences, strict=True):
            summary = escape(planned.summary)
            line = f"SUMMARY:{summary}".encode()
            add(_BEGIN)
            add(fold_bytes(line) if len(line) > _WIDTH else line)
            add(CRLF)
            start, end = planned.start, planned.end
            # An aware datetime equals the same instant in any zone, which is written
            # differently: the caches hold days only.
            day = starts.get(start) if start.__class__ is date else None
            add(day if day is not None else self._day("DTSTART", start, starts))
            day = ends.get(end) if end.__class__ is date else None
            add(day if day is not None else self._day("DTEND", end, ends))
            add(dtstamp)
            line = f"UID:{escape(planned.uid)}".encode()
            add(fold_bytes(line) if len(line) > _WIDTH else line)
            add(CRLF)
            number = sequence_lines.get(sequence)
            if number is None:
                number = sequence_lines[sequence] = content_line(f"SEQUENCE:{sequence}")
            add(number)
            if planned.categories:
                add(self._category_line(planned.categories))
            description = planned.description
            if description is not self._description:
                self._description = description
                kept = self._descriptions.get(description)
                if kept is None:
                    if len(self._descriptions) >= _KEPT:
                        self._descriptions.clear()
                    kept = content_line(f"DESCRIPTION:{escape(description)}")
                    self._descriptions[description] = kept
                self._description_line = kept
            add(self._description_line)
            if cancelled:
                add(_CANCELLED)
            add(_TRANSP[planned.transparent])
            if planned.alarms and not cancelled:
                alarm_line = content_line(f"DESCRIPTION:{summary}")
                timed = isinstance(start, datetime)
                for before in planned.alarms:
                    parts += (_ALARM, alarm_line, self._trigger(before, timed), _ALARM_END)
            add(_END)
        return b"".join(parts)

    def _category_line(self, categories: tuple[str, ...]) -> bytes:
        line = self._categories.get(categories)
        if line is None:
            text = "CATEGORIES:" + ",".join(escape(c) for c in categories)
            line = self._categories[categories] = content_line(text)
        return line


def iter_ics(
    events: Iterable[PlannedEvent],
    calendar_name: str,
    stamp: datetime,
    zones: Iterable[str] = (),
    sequences: dict[str, int] | None = None,
    cancelled: Iterable[PlannedEvent] = (),
) -> Iterator[bytes]:
    """The calendar as chunks of bytes (one per event), for streaming to a file."""
    events = list(events)
    cancelled = list(cancelled)
    sequences = sequences or {}
    yield header(calendar_name, zones_used(events, cancelled, zones))
    writer = Writer(stamp)
    for planned in events:
        yield writer.event(planned, sequences.get(planned.uid, 0))
    for planned in cancelled:
        yield writer.event(planned, sequences.get(planned.uid, 0), cancelled=True)
    yield FOOTER


def to_ics_fast(
    events: Iterable[PlannedEvent],
    calendar_name: str,
    stamp: datetime,
    zones: Iterable[str] = (),
    sequences: dict[str, int] | None = None,
    cancelled: Iterable[PlannedEvent] = (),
) -> bytes:
    return b"".join(iter_ics(events, calendar_name, stamp, zones, sequences, cancelled))
