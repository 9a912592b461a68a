"""One calendar for many cases that stays in step with the tool across exports.

Each planned event is compared with the state saved at the previous export: an unchanged event
keeps its SEQUENCE, one whose dates or words moved gets SEQUENCE + 1, and one that no longer
applies (a date corrected, an action done, a case archived or removed) is written once with
STATUS:CANCELLED so calendar apps remove it. The state is saved only after the file is written.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from calendars.plan import ExportOptions, PlannedEvent, Reminders, plan
from caseload.store import CaseRecord, transaction
from deadlines.engine import compute
from deadlines.errors import CoverageError


@dataclass(frozen=True)
class Saved:
    uid: str
    ref: str
    rule: str
    start: str
    end: str
    fingerprint: str
    sequence: int
    cancelled: bool
    event: str  # the PlannedEvent as JSON, to write its cancellation later


@dataclass(frozen=True)
class Prepared:
    events: tuple[PlannedEvent, ...]
    cancelled: tuple[PlannedEvent, ...]
    sequences: dict[str, int]
    zones: tuple[str, ...]
    to_save: tuple[Saved, ...]
    counts: dict[str, int]  # new, moved, unchanged, cancelled
    skipped: tuple[tuple[str, str], ...]


def _iso(value: date) -> str:
    if isinstance(value, datetime):
        return value.isoformat() + f"[{value.tzinfo}]"
    return value.isoformat()


def _from_iso(text: str) -> date:
    if "[" in text:
        stamp, zone = text[:-1].split("[")
        return datetime.fromisoformat(stamp).astimezone(ZoneInfo(zone))
    return date.fromisoformat(text)


def to_json(event: PlannedEvent) -> str:
    return json.dumps(
        {
            "uid": event.uid,
            "summary": event.summary,
            "description": event.description,
            "start": _iso(event.start),
            "end": _iso(event.end),
            "transparent": event.transparent,
            "alarms": [a.total_seconds() for a in event.alarms],
            "kind": event.kind,
            "rule": event.rule,
            "categories": list(event.categories),
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def from_json(text: str) -> PlannedEvent:
    data = json.loads(text)
    return PlannedEvent(
        uid=data["uid"],
        summary=data["summary"],
        description=data["description"],
        start=_from_iso(data["start"]),
        end=_from_iso(data["end"]),
        transparent=data["transparent"],
        alarms=tuple(timedelta(seconds=s) for s in data["alarms"]),
        kind=data["kind"],
        rule=data["rule"],
        categories=tuple(data["categories"]),
    )


def fingerprint(event_json: str) -> str:
    """What decides whether an exported event changed: the hash of its JSON form."""
    return hashlib.sha256(event_json.encode("utf-8")).hexdigest()


def _saved(connection: sqlite3.Connection, refs: set[str] | None) -> dict[str, Saved]:
    """The last exported state, without the stored events (read only for cancellations)."""
    rows = connection.execute(
        "SELECT uid, ref, rule, start, end, fingerprint, sequence, cancelled FROM exported"
    )
    saved = {}
    for uid, ref, rule, start, end, print_, sequence, cancelled in rows:
        if refs is None or ref in refs:
            saved[uid] = Saved(uid, ref, rule, start, end, print_, sequence, bool(cancelled), "")
    return saved


def _stored_event(connection: sqlite3.Connection, uid: str) -> str:
    row = connection.execute("SELECT event FROM exported WHERE uid = ?", (uid,)).fetchone()
    return str(row[0])


def prepare(
    connection: sqlite3.Connection,
    records: Iterable[CaseRecord],
    reference: Callable[[str], tuple[date, datetime | None]],
    lang: str,
    reminders: Reminders,
    include_info: bool,
    selected_refs: set[str] | None,
    progress: Callable[[int], None] | None = None,
) -> Prepared:
    """Plan every event and compare it with the last export (`selected_refs` None: all cases)."""
    planned: list[tuple[str, PlannedEvent]] = []
    zones: set[str] = set()
    skipped: list[tuple[str, str]] = []
    for number, record in enumerate(records, start=1):
        if progress is not None and number % 50 == 0:
            progress(number)
        if not record.case.events:
            continue
        as_of, _ = reference(record.case.where.time_zone)
        try:
            computation = compute(record.case, as_of, None, record.done)
        except CoverageError as error:
            skipped.append((record.ref, error.key))
            continue
        zones.add(record.case.where.time_zone)
        options = ExportOptions(record.ref, lang, reminders, include_info)
        planned.extend((record.ref, event) for event in plan(computation, options))
    saved = _saved(connection, selected_refs)
    sequences: dict[str, int] = {}
    to_save: list[Saved] = []
    counts = {"new": 0, "moved": 0, "unchanged": 0, "cancelled": 0}
    current: set[str] = set()
    for ref, event in planned:
        current.add(event.uid)
        text = to_json(event)
        print_ = fingerprint(text)
        before = saved.get(event.uid)
        if before is None:
            sequence, what = 0, "new"
        elif before.fingerprint == print_ and not before.cancelled:
            sequence, what = before.sequence, "unchanged"
        else:
            sequence, what = before.sequence + 1, "moved"
        counts[what] += 1
        sequences[event.uid] = sequence
        if what == "unchanged":
            continue  # its saved state is already right: nothing to write
        to_save.append(
            Saved(
                event.uid,
                ref,
                event.rule,
                _iso(event.start),
                _iso(event.end),
                print_,
                sequence,
                False,
                text,
            )
        )
    cancelled: list[PlannedEvent] = []
    for uid, before in sorted(saved.items()):
        if uid in current or before.cancelled:
            continue
        stored = _stored_event(connection, uid)
        event = from_json(stored)
        cancelled.append(event)
        sequences[uid] = before.sequence + 1
        counts["cancelled"] += 1
        to_save.append(
            Saved(
                uid,
                before.ref,
                before.rule,
                before.start,
                before.end,
                before.fingerprint,
                before.sequence + 1,
                True,
                stored,
            )
        )
        zones.update(str(e.tzinfo) for e in (event.start,) if isinstance(e, datetime))
    return Prepared(
        tuple(e for _, e in planned),
        tuple(cancelled),
        sequences,
        tuple(sorted(zones)),
        tuple(to_save),
        counts,
        tuple(skipped),
    )


def save_state(connection: sqlite3.Connection, prepared: Prepared) -> None:
    """Record what was exported (call only once the file is written)."""
    with transaction(connection):
        connection.executemany(
            "INSERT OR REPLACE INTO exported "
            "(uid, ref, rule, start, end, fingerprint, sequence, cancelled, event) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    s.uid,
                    s.ref,
                    s.rule,
                    s.start,
                    s.end,
                    s.fingerprint,
                    s.sequence,
                    int(s.cancelled),
                    s.event,
                )
                for s in prepared.to_save
            ],
        )
