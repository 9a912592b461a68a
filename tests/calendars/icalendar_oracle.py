"""icalendar 7 as the byte-for-byte oracle of the project's writer (calendars/ics.py).

The project writes RFC 5545 itself (calendars/ics.py says why); icalendar, a test dependency
only, checks it two ways:

* `to_ics` builds the same calendar from the same planned events with icalendar's objects (the
  code the product used before it wrote the bytes itself): both must give identical bytes;
* `reserialized` parses a file with icalendar and writes it back: every file the tool writes
  must come back unchanged, but for one deliberate difference: an hour deadline's alarm is
  written in exact hours (`-PT24H`, RFC 5545 §3.3.6), which icalendar writes back as a nominal
  day (`-P1D`, an hour off across a daylight-saving change).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from icalendar import Alarm, Calendar, Event, Timezone, vText
from icalendar.prop import vDuration

from calendars.ics import ALARM_HOUR, PRODID
from calendars.plan import PlannedEvent
from calendars.vtimezone import vtimezone_lines


def to_ics(
    events: Iterable[PlannedEvent],
    calendar_name: str,
    stamp: datetime,
    zones: Iterable[str] = (),
    sequences: dict[str, int] | None = None,
    cancelled: Iterable[PlannedEvent] = (),
) -> bytes:
    """`calendars.ics.to_ics`, built with icalendar (the product's writer until issue 13)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # TEXT values (RFC 7986 §5.1): icalendar 7.3 does not know these two on a VCALENDAR and
    # would write them unescaped, so a reference with "," or ";" would be misread.
    calendar.add("name", vText(calendar_name))
    calendar.add("x-wr-calname", vText(calendar_name))
    events = list(events)
    cancelled = list(cancelled)
    used = set(zones) | {
        str(e.start.tzinfo) for e in (*events, *cancelled) if isinstance(e.start, datetime)
    }
    for zone in sorted(used):
        calendar.add_component(Timezone.from_ical("\r\n".join(vtimezone_lines(zone)) + "\r\n"))
    sequences = sequences or {}
    for planned, status in [(e, None) for e in events] + [(e, "CANCELLED") for e in cancelled]:
        event = Event()
        event.add("uid", planned.uid)
        event.add("dtstamp", stamp)
        event.add("sequence", sequences.get(planned.uid, 0))
        event.add("summary", planned.summary)
        event.add("description", planned.description)
        if isinstance(planned.start, datetime):
            assert isinstance(planned.end, datetime)
            event.add("dtstart", _exact(planned.start))
            event.add("dtend", _exact(planned.end))
        else:
            event.add("dtstart", date(planned.start.year, planned.start.month, planned.start.day))
            event.add("dtend", date(planned.end.year, planned.end.month, planned.end.day))
        event.add("transp", "TRANSPARENT" if planned.transparent else "OPAQUE")
        if status is not None:
            event.add("status", status)
        if planned.categories:
            event.add("categories", list(planned.categories))
        for before in planned.alarms if status is None else ():
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", planned.summary)
            if isinstance(planned.start, datetime):
                alarm.add("trigger", _exact_hours_before(before), encode=False)
            else:
                alarm.add("trigger", -(before - ALARM_HOUR))
            event.add_component(alarm)
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def _exact_hours_before(before: timedelta) -> Any:
    class ExactHours(vDuration):  # type: ignore[misc]
        def to_ical(self) -> bytes:
            minutes = int(before.total_seconds() // 60)
            text = f"-PT{minutes // 60}H" + (f"{minutes % 60}M" if minutes % 60 else "")
            return text.encode("ascii")

    trigger = ExactHours(-before)
    trigger.params["RELATED"] = "END"
    return trigger


def _exact(at: datetime) -> datetime:
    """UTC for a local time of the autumn change's repeated hour (as calendars/ics.py does)."""
    if at.replace(fold=0).utcoffset() != at.replace(fold=1).utcoffset():
        return at.astimezone(UTC)
    return at


_EXACT_HOURS = re.compile(rb"^TRIGGER;RELATED=END:-PT(\d+)H(?:(\d+)M)?\r$", re.MULTILINE)


def reserialized(data: bytes) -> bytes:
    """`data` parsed by icalendar and written back, with the alarms of hour deadlines given
    back their exact hours (what icalendar writes as `-P1D` is `-PT24H` here)."""
    written: bytes = Calendar.from_ical(data).to_ical()
    for match in _EXACT_HOURS.finditer(data):
        hours, minutes = int(match[1]), int(match[2] or 0)
        nominal = vDuration(-timedelta(hours=hours, minutes=minutes)).to_ical()
        written = written.replace(b"TRIGGER;RELATED=END:" + nominal + b"\r\n", match[0] + b"\n", 1)
    return written
