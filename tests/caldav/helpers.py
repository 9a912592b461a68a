"""Running `deadlines sync` in-process, and reading a calendar back from its server with the
`caldav` library, each resource checked by icalendar and vobject."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

from typer.testing import Result

from tests.caldav.servers import PASSWORD, Server
from tests.calendars.ics_checks import read_with_vobject
from tests.caseload.helpers import deadlines, rows

AS_OF = ("--as-of", "2025-03-05")


def sync(db: Path | str, server: Server, url: str, *args: str, status: int = 0) -> Result:
    """`deadlines sync URL [--user] ARGS --db DB`, its exit status checked."""
    user = ("--user", server.user) if server.user is not None else ()
    result = deadlines(db, "sync", url, *user, *args)
    assert result.exit_code == status, (result.exit_code, result.stdout, result.stderr)
    return result


@dataclass(frozen=True)
class Resource:
    name: str  # the last segment of its path
    uid: str
    sequence: int
    summary: str
    description: str
    start: date
    zones: tuple[str, ...]  # the TZIDs of its VTIMEZONEs
    data: bytes


def read_back(server: Server, url: str) -> dict[str, Resource]:
    """Every resource of the calendar at `url`, by UID, read with the caldav library; each must
    hold one VEVENT, be read by icalendar and vobject, and define every TZID it uses."""
    import caldav
    from icalendar import Calendar

    client = caldav.DAVClient(
        url=server.base + "/",
        username=server.user,
        password=PASSWORD if server.user is not None else None,
    )
    found: dict[str, Resource] = {}
    for item in client.calendar(url=url).events():
        data = item.data.encode("utf-8") if isinstance(item.data, str) else item.data
        parsed = Calendar.from_ical(data)
        (event,) = parsed.walk("VEVENT")  # one event per resource (CalDAV: one UID)
        zones = tuple(str(z["TZID"]) for z in parsed.walk("VTIMEZONE"))
        used = {
            str(event[name].params["TZID"])
            for name in ("DTSTART", "DTEND")
            if "TZID" in event[name].params
        }
        assert used <= set(zones), (used, zones)
        read_with_vobject(data)
        uid = str(event["UID"])
        assert uid not in found
        found[uid] = Resource(
            name=unquote(urlsplit(str(item.url)).path.rstrip("/").rsplit("/", 1)[1]),
            uid=uid,
            sequence=int(event.get("SEQUENCE", 0)),
            summary=str(event["SUMMARY"]),
            description=str(event["DESCRIPTION"]),
            start=event.decoded("DTSTART"),
            zones=zones,
            data=data,
        )
    return found


def state(db: Path | str, url: str) -> dict[str, tuple[str, str, int]]:
    """The sync state of `url`: uid -> (ref, etag, sequence), in a SQLite or PostgreSQL store."""
    return {
        uid: (ref, etag, sequence)
        for uid, ref, etag, sequence in rows(
            db,
            "SELECT s.uid, s.ref, s.etag, s.sequence FROM synced s "
            "JOIN synced_calendars c ON c.id = s.calendar WHERE c.url = ?",
            (url,),
        )
    }


def of_case(resources: dict[str, Resource], ref: str) -> set[str]:
    return {uid for uid, r in resources.items() if f"[{ref}]" in r.summary}
