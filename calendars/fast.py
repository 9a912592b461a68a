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

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta

from calendars.ics import ALARM_HOUR, PRODID, _exact
from calendars.plan import PlannedEvent, Sketch, Sketched, uid_tail, zones_used
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
_TRANSP_END = {transparent: line + _END for transparent, line in _TRANSP.items()}


# What one sketched event (calendars.plan.Sketch) writes whatever its case (Writer._draw):
# BEGIN:VEVENT, "SUMMARY:" and its label; the octets of that line before the case's "[REF] ";
# the ends of that line after it (`_Ends`: its escaped summary after "[REF] ", folded); DTSTART,
# DTEND, DTSTAMP and "UID:" with its UID but for the case's tail; the octets of that line; what
# follows its SEQUENCE: CATEGORIES, DESCRIPTION, TRANSP (and END:VEVENT if no alarm);
# BEGIN:VALARM, ACTION, "DESCRIPTION:" and its label; the octets of that line before "[REF] ";
# its ends; each alarm's TRIGGER and END:VALARM.
_Drawing = tuple[
    bytes,
    int,
    "_Ends",
    tuple[bytes, ...],
    int,
    tuple[bytes, ...],
    bytes,
    int,
    "_Ends",
    tuple[bytes, ...],
]


# A summary's words drawn: BEGIN:VEVENT, "SUMMARY:" and its label; the octets of that line
# before the case's "[REF] "; its ends after it; BEGIN:VALARM, ACTION, "DESCRIPTION:" and the
# label; the octets of that line before "[REF] "; its ends.
_Words = tuple[bytes, int, "_Ends", bytes, int, "_Ends"]


class _Ends(dict[int, bytes]):
    """The ends of the lines whose value ends with a case's "[REF] " then `rest`, at the same
    place: by the length of the case's prefix (`_end`)."""

    def __init__(self, rest: bytes) -> None:
        super().__init__()
        self.rest = rest  # the escaped summary after "[REF] "


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
        # id(sketches): (sketches, their drawings, or None when they cannot be drawn)
        self._drawn: dict[int, tuple[Sketched, tuple[_Drawing, ...] | None]] = {}
        self._ends_of: dict[tuple[bytes, int], _Ends] = {}  # by the rest and where it is
        # What drawings are made of: few labels, UIDs but for their tail, titles, alarms.
        self._summaries: dict[tuple[str, str], _Words | tuple[()]] = {}  # by label and rest
        self._uids: dict[str, tuple[bytes, int] | tuple[()]] = {}
        self._alarms: dict[tuple[tuple[timedelta, ...], bool], tuple[bytes, ...]] = {}

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

    def case(self, ref: str, sketched: Sequence[Sketched], sequences: Sequence[int]) -> bytes:
        """The VEVENTs of case `ref` given as the sketches of its deadlines
        (calendars.plan.Planner), with their SEQUENCE: the bytes `events` writes for
        `Planner.events(ref, sketched)`, made from each deadline's drawing (`_draw`) and the
        case's reference, which only the summaries, the UIDs and the alarms' texts hold."""
        drawings: list[tuple[_Drawing, ...]] = []
        known = self._drawn
        for group in sketched:
            found = known.get(id(group))
            if found is None or found[0] is not group:
                if len(known) >= _KEPT:
                    known.clear()
                found = known[id(group)] = (group, self._draw(group))
            if found[1] is None:
                return self.events(_events(ref, sketched), sequences)
            drawings.append(found[1])
        # escape(label + prefix + rest) is escape(label) + escape(prefix) + escape(rest): what
        # escape replaces across two pieces is "\\N" or CR LF, and the label and the prefix
        # end with a space.
        prefix = escape(f"[{ref}] ").encode()
        length = len(prefix)
        tail_bytes = uid_tail(ref).encode()  # nothing to escape: hexadecimal digits, ".", "@"
        tails: dict[int, bytes] = {}  # the end of a UID line after so many octets
        lines = self._sequences
        numbers = iter([lines.get(n) or self._sequence(n) for n in sequences])
        parts: list[bytes] = []
        text: tuple[bytes, ...]
        for drawing in drawings:
            for (
                summary,
                at,
                ends,
                middle,
                uid_at,
                after,
                alarm,
                alarm_at,
                alarm_ends,
                triggers,
            ) in drawing:
                end = ends.get(length)
                if end is not None:
                    parts += (summary, prefix, end)
                else:
                    parts += (summary, *_end(ends, at, length, prefix))
                parts += middle
                tail = tails.get(uid_at)
                if tail is None:
                    tail = tails[uid_at] = _uid_end(uid_at, tail_bytes)
                parts += (tail, next(numbers))
                parts += after
                if triggers:
                    end = alarm_ends.get(length)
                    if end is not None:
                        text = (alarm, prefix, end)
                    else:
                        text = (alarm, *_end(alarm_ends, alarm_at, length, prefix))
                    for trigger in triggers:
                        parts += text
                        parts.append(trigger)
                    parts.append(_END)
        return b"".join(parts)

    def _sequence(self, number: int) -> bytes:
        line = self._sequences[number] = content_line(f"SEQUENCE:{number}")
        return line

    def _draw(self, group: Sketched) -> tuple[_Drawing, ...] | None:
        """What the events of one deadline write whatever their case (`_Drawing`); None if a
        line could be folded before the case's part of it (`_folded_from`; never with the
        planner's words). Made of the lines that repeat across deadlines (a summary's words, a
        day, a UID)."""
        drawings = []
        summaries, uids = self._summaries, self._uids
        starts, ends, descriptions = self._starts, self._ends, self._descriptions
        for sketch in group:
            words = summaries.get((sketch.label, sketch.rest))
            if words is None:
                words = summaries[(sketch.label, sketch.rest)] = self._words(sketch)
            uid = uids.get(sketch.uid)
            if uid is None:
                uid = uids[sketch.uid] = _uid(sketch.uid)
            if not words or not uid:
                return None
            start, end = sketch.start, sketch.end
            start_line = starts.get(start) if start.__class__ is date else None
            if start_line is None:
                start_line = self._day("DTSTART", start, starts)
            end_line = ends.get(end) if end.__class__ is date else None
            if end_line is None:
                end_line = self._day("DTEND", end, ends)
            description = descriptions.get(sketch.description)
            if description is None:
                description = self._description_of(sketch.description)
            if sketch.alarms:
                triggers = self._triggers_of(sketch.alarms, isinstance(start, datetime))
                transp = _TRANSP[sketch.transparent]
            else:
                triggers = ()
                transp = _TRANSP_END[sketch.transparent]
            if sketch.categories:
                category = self._category_line(sketch.categories)
                after: tuple[bytes, ...] = (category, description, transp)
            else:
                after = (description, transp)
            summary, summary_at, summary_ends, alarm, alarm_at, alarm_ends = words
            middle = (start_line, end_line, self._dtstamp, uid[0])
            drawings.append(
                (
                    summary,
                    summary_at,
                    summary_ends,
                    middle,
                    uid[1],
                    after,
                    alarm,
                    alarm_at,
                    alarm_ends,
                    triggers,
                )
            )
        return tuple(drawings)

    def _words(self, sketch: Sketch) -> _Words | tuple[()]:
        """A summary's lines but for the case's "[REF] " (`_label`, `_Ends`); () if they
        cannot be drawn."""
        label = _label(sketch.label)
        if not label:
            return ()
        summary, summary_at, alarm, alarm_at = label
        rest = escape(sketch.rest).encode()
        return (
            summary,
            summary_at,
            self._ends_after(rest, summary_at),
            alarm,
            alarm_at,
            self._ends_after(rest, alarm_at),
        )

    def _ends_after(self, rest: bytes, at: int) -> _Ends:
        ends = self._ends_of.get((rest, at))
        if ends is None:
            ends = self._ends_of[(rest, at)] = _Ends(rest)
        return ends

    def _triggers_of(self, alarms: tuple[timedelta, ...], timed: bool) -> tuple[bytes, ...]:
        """Each alarm's TRIGGER line and END:VALARM."""
        found = self._alarms.get((alarms, timed))
        if found is None:
            found = tuple(self._trigger(before, timed) + _ALARM_END for before in alarms)
            self._alarms[(alarms, timed)] = found
        return found

    def _description_of(self, description: str) -> bytes:
        kept = self._descriptions.get(description)
        if kept is None:
            if len(self._descriptions) >= _KEPT:
                self._descriptions.clear()
            kept = content_line(f"DESCRIPTION:{escape(description)}")
            self._descriptions[description] = kept
        return kept

    def _category_line(self, categories: tuple[str, ...]) -> bytes:
        line = self._categories.get(categories)
        if line is None:
            text = "CATEGORIES:" + ",".join(escape(c) for c in categories)
            line = self._categories[categories] = content_line(text)
        return line


def _events(ref: str, sketched: Iterable[Sketched]) -> list[PlannedEvent]:
    prefix, tail = f"[{ref}] ", uid_tail(ref)
    return [sketch.event(prefix, tail) for group in sketched for sketch in group]


def _label(label: str) -> tuple[bytes, int, bytes, int] | tuple[()]:
    """A summary's beginning and an alarm's text's, up to the case's reference, and the octets
    of their line before it; () if it is too long or does not end with a space (see
    `Writer.case`, `_folded_from`)."""
    text = escape(label).encode()
    if len(text) + len(b"DESCRIPTION:") > _WIDTH or text[-1:] not in (b"", b" "):
        return ()
    summary = b"SUMMARY:" + text
    alarm = b"DESCRIPTION:" + text
    return _BEGIN + summary, len(summary), _ALARM + alarm, len(alarm)


def _uid(uid: str) -> tuple[bytes, int] | tuple[()]:
    """A UID's line up to the case's tail, and its length; () if the tail could be folded
    with what comes before it (`_folded_from`)."""
    line = f"UID:{escape(uid)}".encode()
    if len(line) > _WIDTH or line[-1] in _CARRIED:
        return ()
    return line, len(line)


def _end(ends: _Ends, at: int, length: int, prefix: bytes) -> tuple[bytes, bytes]:
    """What follows the `at` octets of a summary's line (or an alarm's text's) before the case's
    "[REF] " (`prefix`, `length` octets): the prefix, then the rest of the line folded
    (`_folded_from`), which `ends` keeps for every case with a prefix as long when the first
    fold, if any, is past the prefix; else the prefix and the rest folded together."""
    place = at + length
    if place <= _WIDTH:
        end = ends[length] = _folded_from(place, ends.rest)
        return prefix, end
    return b"", _folded_from(at, prefix + ends.rest)


def _uid_end(at: int, tail: bytes) -> bytes:
    """`_folded_from(at, tail)` for a UID's tail (`uid_tail`: 35 octets of ASCII, neither "\\"
    nor "^"), by slicing: at most one fold, at octet 74 of the line."""
    cut = _WIDTH - at
    if cut >= len(tail):
        return tail + CRLF
    return tail[:cut] + _FOLD + tail[cut:] + CRLF


def _folded_from(at: int, rest: bytes) -> bytes:
    """The end of `content_line` of a line of `at` octets then `rest`, from octet `at` on
    (`at` <= 74). Folding looks at the octet of a cut and the one before it, never before
    `at` - 1, and a line's first `at` octets end a character that is neither "\\" nor "^"
    (here, ":" or a space): any such octets fold alike."""
    return fold_bytes(b":" * at + rest)[at:] + CRLF


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
