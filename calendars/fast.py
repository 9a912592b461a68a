"""A direct RFC 5545 writer for large exports: the same bytes as `calendars.ics.to_ics`.

icalendar builds an object per property and spends ~1.2 ms per event, 45 % of it folding lines
(shared/notes/dependencies.md §4): a caseload of 10,000 cases (~110,000 events) would take two
minutes and gigabytes. This module writes the text itself, streaming, in exactly icalendar 7's
layout (property order, escaping, folding), and tests/calendars/test_fast.py checks that the two
writers give identical bytes on every shape of event the planner makes. icalendar is not
imported here.
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


def escape(text: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11), in icalendar's order of replacements."""
    return (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character or a backslash escape."""
    if len(line) < 75 and line.isascii():
        return line  # the common case: nothing to count
    pieces: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = 1 if char < "\x80" else len(char.encode("utf-8"))
        if current and count + size >= 75:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                pieces.append("".join(current))
                current = [carried]
                count = len(carried.encode("utf-8"))
            else:
                pieces.append("".join(current))
                current = []
                count = 0
        current.append(char)
        count += size
    if current:
        pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _when(name: str, value: date) -> str:
    if isinstance(value, datetime):
        exact = _exact(value)
        if exact.tzinfo is UTC:
            return f"{name}:{exact.strftime('%Y%m%dT%H%M%S')}Z"
        return f"{name};TZID={exact.tzinfo}:{exact.strftime('%Y%m%dT%H%M%S')}"
    return f"{name};VALUE=DATE:{value.strftime('%Y%m%d')}"


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


def _event_lines(
    planned: PlannedEvent, stamp: str, sequence: int, cancelled: bool
) -> Iterator[str]:
    props = {
        "SUMMARY": f"SUMMARY:{escape(planned.summary)}",
        "DTSTART": _when("DTSTART", planned.start),
        "DTEND": _when("DTEND", planned.end),
        "DTSTAMP": f"DTSTAMP:{stamp}",
        "UID": f"UID:{escape(planned.uid)}",
        "SEQUENCE": f"SEQUENCE:{sequence}",
        "DESCRIPTION": f"DESCRIPTION:{escape(planned.description)}",
        "TRANSP": f"TRANSP:{'TRANSPARENT' if planned.transparent else 'OPAQUE'}",
    }
    if cancelled:
        props["STATUS"] = "STATUS:CANCELLED"
    if planned.categories:
        props["CATEGORIES"] = "CATEGORIES:" + ",".join(escape(c) for c in planned.categories)
    yield "BEGIN:VEVENT"
    for name in _EVENT_ORDER:
        yield props.pop(name)
    for name in sorted(props):
        yield props[name]
    for before in () if cancelled else planned.alarms:
        yield "BEGIN:VALARM"
        yield "ACTION:DISPLAY"
        yield f"DESCRIPTION:{escape(planned.summary)}"
        if isinstance(planned.start, datetime):
            yield f"TRIGGER;RELATED=END:{_exact_hours(before)}"
        else:
            yield f"TRIGGER:{_duration(-(before - ALARM_HOUR))}"
        yield "END:VALARM"
    yield "END:VEVENT"


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
    stamp_text = _stamp(stamp)
    used_zones = zones_used(events, cancelled, zones)
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{escape(PRODID)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape(calendar_name)}",
        f"X-WR-CALNAME:{escape(calendar_name)}",
    ]
    for zone in used_zones:
        head.extend(_vtimezone(zone))
    yield ("\r\n".join(fold(line) for line in head) + "\r\n").encode("utf-8")
    for planned, is_cancelled in [(e, False) for e in events] + [(e, True) for e in cancelled]:
        lines = _event_lines(planned, stamp_text, sequences.get(planned.uid, 0), is_cancelled)
        yield ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
    yield b"END:VCALENDAR\r\n"


def to_ics_fast(
    events: Iterable[PlannedEvent],
    calendar_name: str,
    stamp: datetime,
    zones: Iterable[str] = (),
    sequences: dict[str, int] | None = None,
    cancelled: Iterable[PlannedEvent] = (),
) -> bytes:
    return b"".join(iter_ics(events, calendar_name, stamp, zones, sequences, cancelled))
