"""RFC 5545 serialisation of planned events with icalendar 7 (imported here only: ~200 ms).

Why icalendar and not ics-py: ics-py 0.7 writes all-day events a day early from zone-aware dates
(its open bug #173), drops time zones, does not fold lines, omits DTSTAMP and orders its output
randomly (shared/notes/dependencies.md §4).

Time zones: every TZID used gets the project's fixed RRULE-form VTIMEZONE (calendars.vtimezone),
never icalendar's RDATE form, which vobject misreads by one hour in summer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from calendars.plan import PlannedEvent, zones_used
from calendars.vtimezone import vtimezone_lines
from deadlines import __version__

PRODID = f"-//deadlines//deadlines {__version__}//FR"
ALARM_HOUR = timedelta(hours=9)  # all-day reminders ring at 09:00, not at midnight


def to_ics(
    events: Iterable[PlannedEvent],
    calendar_name: str,
    stamp: datetime,
    zones: Iterable[str] = (),
    sequences: dict[str, int] | None = None,
    cancelled: Iterable[PlannedEvent] = (),
) -> bytes:
    """The whole VCALENDAR as bytes (CRLF, folded at 75 octets, UTF-8).

    `sequences` gives each UID its SEQUENCE (default 0); `cancelled` events are written with
    STATUS:CANCELLED so that calendar apps remove them (used by the caseload's export).
    """
    from icalendar import Alarm, Calendar, Event, Timezone, vText

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
    used_zones = zones_used(events, cancelled, zones)
    for zone in used_zones:
        calendar.add_component(Timezone.from_ical("\r\n".join(vtimezone_lines(zone)) + "\r\n"))
    sequences = sequences or {}
    for planned, status in [(e, None) for e in events] + [(e, "CANCELLED") for e in cancelled]:
        event = Event()
        event.add("uid", planned.uid)
        event.add("dtstamp", stamp)
        event.add("sequence", sequences.get(planned.uid, 0))
        event.add("summary", planned.summary)
        event.add("description", planned.description)
        _add_when(event, planned)
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
                # Before the exact instant the hour deadline ends, in exact hours: "-P1D" would
                # be a nominal day, an hour off across a daylight-saving change (RFC 5545
                # §3.3.6).
                alarm.add("trigger", _exact_hours_before(before), encode=False)
            else:
                # N days before the day, at 09:00 (from its start, 00:00 local).
                alarm.add("trigger", -(before - ALARM_HOUR))
            event.add_component(alarm)
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def _exact_hours_before(before: timedelta) -> object:
    from icalendar.prop import vDuration

    class ExactHours(vDuration):
        def to_ical(self) -> bytes:
            minutes = int(before.total_seconds() // 60)
            text = f"-PT{minutes // 60}H" + (f"{minutes % 60}M" if minutes % 60 else "")
            return text.encode("ascii")

    trigger = ExactHours(-before)
    trigger.params["RELATED"] = "END"
    return trigger


def _add_when(event: object, planned: PlannedEvent) -> None:
    from icalendar import Event

    assert isinstance(event, Event)
    if isinstance(planned.start, datetime):
        assert isinstance(planned.end, datetime)
        event.add("dtstart", _exact(planned.start))
        event.add("dtend", _exact(planned.end))
    else:
        # All-day: VALUE=DATE, exclusive DTEND the next day (RFC 5545 §3.6.1).
        event.add("dtstart", date(planned.start.year, planned.start.month, planned.start.day))
        event.add("dtend", date(planned.end.year, planned.end.month, planned.end.day))


def _exact(at: datetime) -> datetime:
    """`at` in UTC when its local time is ambiguous, else as it is (with the zone's TZID).

    On the autumn change the local times of one hour (02:00–03:00 in Paris) happen twice. RFC
    5545 §3.3.5 reads such a TZID time as its first occurrence, and khal (through pytz) as its
    second: an instant of that hour written with its TZID is an hour off in one reader or the
    other (48 hours from 03:30 CEST on the Friday end at 02:30 CET, the second 02:30). UTC
    names it exactly for every reader; every other instant keeps its TZID.
    """
    if at.replace(fold=0).utcoffset() != at.replace(fold=1).utcoffset():
        return at.astimezone(UTC)
    return at
