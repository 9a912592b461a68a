"""One calendar for many cases that stays in step with the tool across exports.

Each planned event is compared with the state saved at the previous export: an unchanged event
keeps its SEQUENCE, one whose dates or words moved gets SEQUENCE + 1, and one that no longer
applies (a date corrected, an action done, a case archived or removed) is written once with
STATUS:CANCELLED so calendar apps remove it. The state is saved only after the file is written.

The work, case by case: the deadlines come from the caseload's memo (`caseload.memo.listings`),
`calendars.plan.plan_listed` makes the case's events, they are compared with its saved row and
written (`calendars.ics.vevent`), then forgotten: memory holds the cases' deadlines and the
compact state, never every event of the file.

The state is kept per calendar (schema V5, `exported_calendars`): per output (a file's resolved
path, or the name given with --calendar) and scope (every active case: the main calendar; or
named cases: kept apart, so that a partial export never changes the main calendar's state). Each
calendar gets its own SEQUENCEs and its own cancellations. The state kept before V5, one for the
whole caseload, is calendar LEGACY, adopted by the first export of every active case.

The saved state is one row per calendar and case (`exported`): for each event still exported, what
a cancellation must write again (summary, description, dates, transparency, and what else decides
whether it changed: kind, rule, categories, alarms) as small numbers that refer to strings kept
once for the whole caseload (`exported_text`: a description line, a summary with the case
reference taken out, a rule's shape); then each event's SEQUENCE, and the UIDs already written as
cancelled. A case whose events encode to the same bytes as its saved row is unchanged as a whole.

Rows of the previous layout (schema V2, one row per event with its JSON; kept by the V4
migration as `exported_v2`) are read the old way, compared by their old fingerprint, and replaced
by the new row of their case at its next export, so an upgrade changes no SEQUENCE.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from calendars.plan import ExportOptions, PlannedEvent, Reminders, plan_listed, uid_tail
from caseload.database import Database
from deadlines.errors import InputError

if TYPE_CHECKING:
    from caseload.memo import Listing
    from deadlines.clock import Reference

COUNTS = ("new", "moved", "unchanged", "cancelled")
LEGACY = 1  # the calendar holding the state kept before schema V5, until an export adopts it
MAX_CALENDAR = 40
STDOUT = "-"


# --- which calendar ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarKey:
    """The calendar an export compares with and records: a row of `exported_calendars`."""

    output: str  # "file:" and a resolved path, or "name:" and a --calendar name
    scope: str  # "all": every active case (the main calendar); "some": the cases named


def calendar_of(output: str, name: str | None, refs: Iterable[str] | None) -> CalendarKey:
    """The calendar of `export [REFS] -o OUTPUT [--calendar NAME]`: NAME when given, else the
    file's resolved path; standard output ("-") has no path, so it needs a NAME."""
    if name is not None:
        checked = name.strip()
        if not checked or len(checked) > MAX_CALENDAR or not checked.isprintable():
            raise InputError(
                "export.calendar-format", field="calendar", value=name, max=MAX_CALENDAR
            )
        key = "name:" + checked
    elif output == STDOUT:
        raise InputError("export.stdout-calendar", field="calendar")
    else:
        key = "file:" + str(Path(output).resolve())
    return CalendarKey(key, "all" if refs is None else "some")


def _find_calendar(connection: Database, calendar: CalendarKey) -> tuple[int | None, bool]:
    """The calendar's number (None: never exported yet), and whether this export adopts the
    state kept before schema V5 (the first export of every active case after the upgrade)."""
    found = connection.execute(
        "SELECT id FROM exported_calendars WHERE output = ? AND scope = ?",
        (calendar.output, calendar.scope),
    ).fetchone()
    if found is not None:
        return int(found[0]), False
    if calendar.scope == "all":
        legacy = connection.execute(
            "SELECT id FROM exported_calendars WHERE id = ? AND output IS NULL", (LEGACY,)
        ).fetchone()
        if legacy is not None:
            return LEGACY, True
    return None, False


# --- the legacy form (schema V2: one row per event, its JSON and the JSON's hash) ---------------


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
    """What decided whether an event changed in the V2 state: the hash of its JSON form."""
    return hashlib.sha256(event_json.encode("utf-8")).hexdigest()


# --- the strings of the state ------------------------------------------------------------------

RAW = "\x00"  # a stored UID or summary kept whole (not relative to its case)
REF = "\x01"  # where the case's "[REF]" stands in a stored summary
SAME = -1  # a record's count of description lines: the same lines as the record before it
TRANSPARENT = 1  # a record's flags: the event is transparent

# A record: the numbers of its UID (without the case's tail), summary, start and end (a day's
# ordinal, or minus the number of an instant's text), flags, shape (kind, rule, categories,
# alarms), then of each line of its description.
Record = tuple[int, ...]
_HEAD = 6  # numbers before the description's lines


class Texts:
    """The `exported_text` table in memory: each string once, by number.

    Strings new in this export are numbered after the last one stored when the export began;
    `Export.save` checks, in the transaction that saves, that no other export added strings
    meanwhile, and renumbers them if one did.
    """

    def __init__(self, connection: Database) -> None:
        self.ids: dict[str, int] = dict(connection.execute("SELECT text, id FROM exported_text"))
        self.top = max(self.ids.values(), default=0)
        self.new: list[str] = []
        self._texts: dict[int, str] | None = None

    def id(self, text: str) -> int:
        found = self.ids.get(text)
        if found is None:
            self.new.append(text)
            found = self.ids[text] = self.top + len(self.new)
            if self._texts is not None:
                self._texts[found] = text
        return found

    def text(self, number: int) -> str:
        if self._texts is None:
            self._texts = {number: text for text, number in self.ids.items()}
        return self._texts[number]


class Encoder:
    """Planned events as records (`Record`), and back. A case's records are relative to its
    "[REF]" (`ref_tag`) and to the end of its UIDs (`tail`, `calendars.plan.uid_tail`)."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        self._shapes: dict[tuple[object, ...], int] = {}

    def uid_id(self, uid: str, tail: str) -> int:
        if uid.endswith(tail) and not uid.startswith(RAW):
            return self.texts.id(uid[: -len(tail)])
        return self.texts.id(RAW + uid)

    def record(self, event: PlannedEvent, ref_tag: str, tail: str) -> Record:
        """The numbers of an event, its strings numbered in this order: UID, summary, start and
        end (an instant's text), shape, description lines."""
        id_of = self.texts.id
        uid = self.uid_id(event.uid, tail)
        summary = event.summary
        if REF in summary or summary.startswith(RAW):
            summary = RAW + summary
        else:
            summary = summary.replace(ref_tag, REF)
        summary_id = id_of(summary)
        start, end = self._when_code(event.start), self._when_code(event.end)
        key = (event.kind, event.rule, event.categories, event.alarms)
        shape = self._shapes.get(key)
        if shape is None:
            alarms = [a.total_seconds() for a in event.alarms]
            text = json.dumps(
                [event.kind, event.rule, event.categories, alarms], ensure_ascii=False
            )
            shape = self._shapes[key] = id_of(text)
        flags = TRANSPARENT if event.transparent else 0
        lines = [id_of(line) for line in event.description.split("\n")]
        return (uid, summary_id, start, end, flags, shape, *lines)

    def _when_code(self, when: date) -> int:
        """A day as its ordinal, an instant as minus the number of its ISO text (`_when`)."""
        return -self.texts.id(_iso(when)) if isinstance(when, datetime) else when.toordinal()

    def uid(self, uid_id: int, tail: str) -> str:
        text = self.texts.text(uid_id)
        return text[1:] if text.startswith(RAW) else text + tail

    def event(self, record: Record, ref_tag: str, tail: str) -> PlannedEvent:
        """The event a record was made from (what a cancellation writes again)."""
        text = self.texts.text
        uid_id, summary_id, start_code, end_code, flags, shape = record[:_HEAD]
        summary = text(summary_id)
        summary = summary[1:] if summary.startswith(RAW) else summary.replace(REF, ref_tag)
        kind, rule, categories, alarms = json.loads(text(shape))
        return PlannedEvent(
            uid=self.uid(uid_id, tail),
            summary=summary,
            description="\n".join(text(line) for line in record[_HEAD:]),
            start=self._when(start_code),
            end=self._when(end_code),
            transparent=bool(flags & TRANSPARENT),
            alarms=tuple(timedelta(seconds=s) for s in alarms),
            kind=kind,
            rule=rule,
            categories=tuple(categories),
        )

    def _when(self, code: int) -> date:
        return _from_iso(self.texts.text(-code)) if code < 0 else date.fromordinal(code)


def pack(records: Iterable[Record]) -> bytes:
    """Records as an `events` blob: each record's head, its count of description lines (SAME:
    those of the record before) and the lines; 32-bit integers in the machine's order."""
    numbers: list[int] = []
    previous: tuple[int, ...] | None = None
    for record in records:
        lines = record[_HEAD:]
        numbers.extend(record[:_HEAD])
        if lines == previous:
            numbers.append(SAME)
        else:
            numbers.append(len(lines))
            numbers.extend(lines)
            previous = lines
    return _blob(numbers)


def unpack(blob: bytes) -> list[Record]:
    numbers = _ints(blob)
    records: list[Record] = []
    lines: list[int] = []
    at = 0
    while at < len(numbers):
        head = numbers[at : at + _HEAD]
        count = numbers[at + _HEAD]
        at += _HEAD + 1
        if count != SAME:
            lines = numbers[at : at + count]
            at += count
        records.append(tuple(head + lines))
    return records


def _ints(blob: bytes) -> list[int]:
    numbers = array("i")
    numbers.frombytes(blob)
    return numbers.tolist()


def _blob(numbers: list[int]) -> bytes:
    return array("i", numbers).tobytes()


# --- the saved state of one case ---------------------------------------------------------------


@dataclass
class Saved:
    """A case's row of `exported` as read, and its V2 rows if it still has some."""

    events: bytes = b""  # packed records of the events exported and not cancelled
    sequences: bytes = b""  # the SEQUENCE of each of those records
    cancelled: bytes = b""  # (uid, SEQUENCE) of each UID already written as cancelled
    zones: frozenset[str] = frozenset()  # the zones of its timed events not cancelled
    # V2 rows: uid -> (fingerprint, sequence, cancelled)
    legacy: dict[str, tuple[str, int, bool]] = field(default_factory=dict)


@dataclass
class Row:
    """A case's new row of `exported`, saved once the file is written."""

    ref: str
    events: bytes
    sequences: list[int]
    cancelled: list[int]  # uid, SEQUENCE, uid, SEQUENCE…
    zones: str
    legacy: bool  # it replaces V2 rows (deleted when it is saved)


def _read_state(
    connection: Database, calendar: int | None, refs: set[str] | None
) -> dict[str, Saved]:
    """The saved rows of `calendar` (of the cases `refs`; None: all), with the V2 rows when it
    is LEGACY (they were never anyone else's)."""
    state: dict[str, Saved] = {}
    if calendar is None:
        return state
    for ref, events, sequences, cancelled, zones in connection.execute(
        "SELECT ref, events, sequences, cancelled, zones FROM exported WHERE calendar = ?",
        (calendar,),
    ):
        if refs is None or ref in refs:
            state[ref] = Saved(events, sequences, cancelled, frozenset(zones.split()))
    if calendar != LEGACY:
        return state
    for uid, ref, start, print_, sequence, cancelled in connection.execute(
        "SELECT uid, ref, start, fingerprint, sequence, cancelled FROM exported_v2"
    ):
        if refs is None or ref in refs:
            saved = state.setdefault(ref, Saved())
            saved.legacy[uid] = (print_, sequence, bool(cancelled))
            if not cancelled and "[" in start:
                saved.zones |= {start[:-1].split("[")[1]}
    return state


def _stored_event(connection: Database, uid: str) -> PlannedEvent:
    row = connection.execute("SELECT event FROM exported_v2 WHERE uid = ?", (uid,)).fetchone()
    return from_json(str(row[0]))


def _decode(saved: Saved) -> tuple[dict[int, tuple[Record, int]], dict[int, int]]:
    """A saved row as {uid: (record, SEQUENCE)} and {uid cancelled: SEQUENCE}."""
    records = unpack(saved.events)
    before = {r[0]: (r, s) for r, s in zip(records, _ints(saved.sequences), strict=True)}
    pairs = _ints(saved.cancelled)
    return before, dict(zip(pairs[::2], pairs[1::2], strict=True))


def _renumbered(row: Row, numbers: dict[int, int]) -> Row:
    """`row` with its strings' numbers changed by `numbers` (another export numbered strings
    first). `numbers` is one to one and onto numbers not otherwise in use, so records alike
    stay alike: packed again, SAME stays where it was."""

    def new(n: int) -> int:
        return numbers.get(n, n)

    def instant(code: int) -> int:  # a day's ordinal, or minus the number of an instant's text
        return code if code >= 0 else -new(-code)

    records = [
        (new(uid), new(summary), instant(start), instant(end), flags, new(shape), *map(new, lines))
        for uid, summary, start, end, flags, shape, *lines in unpack(row.events)
    ]
    cancelled = [new(n) if i % 2 == 0 else n for i, n in enumerate(row.cancelled)]
    return Row(row.ref, pack(records), row.sequences, cancelled, row.zones, row.legacy)


def _zones_of(events: Iterable[PlannedEvent]) -> set[str]:
    """The zones of the timed events."""
    return {str(e.start.tzinfo) for e in events if isinstance(e.start, datetime)}


def _pairs(gone: dict[int, int]) -> list[int]:
    return [n for pair in sorted(gone.items()) for n in pair]


# --- an export ---------------------------------------------------------------------------------


def calendar_listings(
    connection: Database,
    reference: Reference,
    refs: set[str] | None,
    include_info: bool,
    progress: Callable[[int, int], None] | None = None,
) -> list[Listing]:
    """The active cases `refs` (None: all) with the deadlines a calendar shows: the file export
    and the CalDAV sync (caseload/sync.py) read the same ones."""
    from caseload.memo import Wanted, listings
    from deadlines.rules import all_rules

    # A deadline fulfilled by an event of its case is done: never exported (plan_listed would
    # leave it out); without information events, only the deadlines the person must meet.
    wanted = Wanted(
        rules=None if include_info else frozenset(r.id for r in all_rules() if r.must_act),
        pending=True,
    )
    return listings(
        connection,
        reference,
        sorted(refs) if refs is not None else None,
        wanted=wanted,
        progress=progress,
    )


Cancellation = tuple[str, PlannedEvent, int]  # uid, the event as last written, its SEQUENCE


@dataclass
class _Case:
    """What one case gives the file: its events and their SEQUENCE, its cancellations, its new
    row (None: the saved one stays), and how many of its events are new, moved, unchanged."""

    events: tuple[PlannedEvent, ...]
    sequences: list[int]
    cancelled: list[Cancellation]
    row: Row | None
    tally: tuple[int, int, int] = (0, 0, 0)


Change = tuple[str, int, int, int, int]  # a case: ref, new, moved, unchanged, cancelled


class Export:
    """Plan, compare and write the calendar of the selected cases, then save the state.

    `start` reads the cases (the memo) and the saved state; `chunks` streams the file, a case
    at a time, counting as it goes; `save` records the state, once the file is written.
    """

    def __init__(
        self,
        connection: Database,
        found: list[Listing],
        selected: set[str] | None,
        options: ExportOptions,
        calendar: CalendarKey,
    ) -> None:
        self.connection = connection
        self.cases = len(found)
        self.options = options
        self.calendar = calendar
        with connection.snapshot():  # the rows and the strings they refer to
            self.calendar_id, self.adopting = _find_calendar(connection, calendar)
            self.state = _read_state(connection, self.calendar_id, selected)
            self.texts = Texts(connection)
        self.encoder = Encoder(self.texts)
        self.counts = dict.fromkeys(COUNTS, 0)
        self.events = 0  # events written, cancellations not counted
        self.rows: list[Row] = []
        self.changes: list[Change] = []  # per case, in the file's order (--dry-run shows them)
        self.skipped = [(f.ref, f.error) for f in found if f.has_events and f.error is not None]
        # The cases planned: computed, with events.
        self._planned = [f for f in found if f.has_events and f.error is None]
        self._early: dict[str, _Case] = {}
        self.zones = self._zones()

    @classmethod
    def start(
        cls,
        connection: Database,
        reference: Reference,
        refs: Iterable[str] | None,
        lang: str,
        reminders: Reminders,
        include_info: bool,
        progress: Callable[[int, int], None] | None = None,
        *,
        calendar: CalendarKey,
    ) -> Export:
        """The export of `refs` (None: every active case) to `calendar`, whose saved state it
        compares with; `progress` as for memo.listings."""
        selected = set(refs) if refs is not None else None
        found = calendar_listings(connection, reference, selected, include_info, progress)
        options = ExportOptions("", lang, reminders, include_info)
        return cls(connection, found, selected, options, calendar)

    @property
    def planned(self) -> int:
        """The cases planned (computed, with events)."""
        return len(self._planned)

    def _zones(self) -> list[str]:
        """Every zone the file needs a VTIMEZONE for, known before its first event: the zone of
        every case planned, and that of every timed event cancelled. A saved timed event outside
        the first belongs to a case no longer planned (all its events are cancelled) or to one
        whose territory changed: that case is compared now, to know which of its events are
        cancelled."""
        zones = {f.time_zone for f in self._planned}
        planned = {f.ref: f for f in self._planned}
        extra: set[str] = set()
        for ref, saved in self.state.items():
            if saved.zones <= zones:
                continue
            listing = planned.get(ref)
            if listing is None:
                extra |= saved.zones
                continue
            self._early[ref] = case = self._case(listing, saved)
            extra |= _zones_of(e for _, e, _ in case.cancelled)
        for ref in self._early:
            del self.state[ref]
        return sorted(zones | extra)

    def chunks(
        self, calendar_name: str, stamp: datetime, progress: Callable[[int], None] | None = None
    ) -> Iterator[bytes]:
        """The file, a case at a time: header, each planned case's events, the cancellations
        sorted by UID, footer. `progress(n)` hears how many cases are done, every hundred."""
        from calendars.ics import FOOTER, header, vevent

        yield header(calendar_name, self.zones)
        cancelled: list[Cancellation] = []
        rows, state, changes = self.rows, self.state, self.changes
        for number, listing in enumerate(self._planned, start=1):
            if progress is not None and number % 100 == 0:
                progress(number)
            case = self._early.pop(listing.ref, None)
            if case is None:
                case = self._case(listing, state.pop(listing.ref, None))
            cancelled.extend(case.cancelled)
            if case.row is not None:
                rows.append(case.row)
            changes.append((listing.ref, *case.tally, len(case.cancelled)))
            self.events += len(case.events)
            yield b"".join(map(vevent, case.events, [stamp] * len(case.events), case.sequences))
        for ref in sorted(state):  # saved, not planned now: cancelled
            case = self._gone(ref, state[ref])
            cancelled.extend(case.cancelled)
            if case.row is not None:
                rows.append(case.row)
            if case.cancelled:
                changes.append((ref, 0, 0, 0, len(case.cancelled)))
        state.clear()
        cancelled.sort(key=lambda item: item[0])
        self.counts["cancelled"] = len(cancelled)
        for _, event, sequence in cancelled:
            yield vevent(event, stamp, sequence, cancelled=True)
        if progress is not None:
            progress(self.planned)
        yield FOOTER

    def _case(self, listing: Listing, saved: Saved | None) -> _Case:
        """Plan a case and compare its events with its saved row."""
        ref = listing.ref
        events = plan_listed(listing.deadlines, replace(self.options, ref=ref))
        tag, tail = f"[{ref}]", uid_tail(ref)
        records = [self.encoder.record(event, tag, tail) for event in events]
        packed = pack(records)
        counts = self.counts
        if saved is not None and saved.events == packed and not saved.legacy:
            counts["unchanged"] += len(events)  # the case as saved: nothing to compare
            return _Case(events, _ints(saved.sequences), [], None, (0, 0, len(events)))
        zones = " ".join(sorted(_zones_of(events)))
        if saved is None:
            counts["new"] += len(events)
            sequences = [0] * len(events)
            row = Row(ref, packed, sequences, [], zones, False)
            return _Case(events, sequences, [], row, (len(events), 0, 0))
        before, gone = _decode(saved)
        legacy = dict(saved.legacy)
        sequences = []
        tally = dict.fromkeys(("new", "moved", "unchanged"), 0)
        for planned, current in zip(events, records, strict=True):
            uid_id = current[0]
            if uid_id in before:
                old, sequence = before.pop(uid_id)
                what = "unchanged" if old == current else "moved"
            elif uid_id in gone:
                sequence, what = gone.pop(uid_id), "moved"
            elif planned.uid in legacy:
                print_, sequence, was_cancelled = legacy.pop(planned.uid)
                same = not was_cancelled and print_ == fingerprint(to_json(planned))
                what = "unchanged" if same else "moved"
            else:
                sequence, what = -1, "new"
            if what != "unchanged":
                sequence += 1
            tally[what] += 1
            sequences.append(sequence)
        for what, number in tally.items():
            counts[what] += number
        cancelled = self._cancel(before, gone, legacy, tag, tail)
        row = Row(ref, packed, sequences, _pairs(gone), zones, bool(saved.legacy))
        return _Case(
            events, sequences, cancelled, row, (tally["new"], tally["moved"], tally["unchanged"])
        )

    def _gone(self, ref: str, saved: Saved) -> _Case:
        """A case saved but not planned now (archived, removed, not computable, without events):
        every event it still had is cancelled."""
        before, gone = _decode(saved)
        cancelled = self._cancel(before, gone, dict(saved.legacy), f"[{ref}]", uid_tail(ref))
        if not cancelled and not saved.legacy:
            return _Case((), [], [], None)  # all cancelled already: nothing changes
        return _Case((), [], cancelled, Row(ref, b"", [], _pairs(gone), "", bool(saved.legacy)))

    def _cancel(
        self,
        before: dict[int, tuple[Record, int]],
        gone: dict[int, int],
        legacy: dict[str, tuple[str, int, bool]],
        tag: str,
        tail: str,
    ) -> list[Cancellation]:
        """Cancel the saved events left in `before` and `legacy`; `gone` records them."""
        cancelled = []
        for uid_id, (record, sequence) in before.items():
            planned = self.encoder.event(record, tag, tail)
            cancelled.append((planned.uid, planned, sequence + 1))
            gone[uid_id] = sequence + 1
        for uid, (_, sequence, was_cancelled) in legacy.items():
            uid_id = self.encoder.uid_id(uid, tail)
            if was_cancelled:
                gone[uid_id] = sequence
                continue
            cancelled.append((uid, _stored_event(self.connection, uid), sequence + 1))
            gone[uid_id] = sequence + 1
        return cancelled

    def save(self) -> None:
        """Record what was written (call only once the file is; never for a dry run): the
        calendar's rows of the cases that changed, the strings new to them, and the V2 rows
        they replace; the adoption of the state kept before V5; all or nothing."""
        if not self.rows and not self.adopting:
            return
        connection = self.connection
        with connection.write():
            calendar = self._calendar_row()
            numbers = self._store_texts()
            rows = self.rows
            if numbers:
                rows = [_renumbered(row, numbers) for row in rows]
            connection.executemany(
                # ON CONFLICT rather than INSERT OR REPLACE: the SQL PostgreSQL reads too
                # (docs/postgres-port.md, step 1).
                "INSERT INTO exported (calendar, ref, events, sequences, cancelled, zones) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (calendar, ref) DO UPDATE SET "
                "events = excluded.events, sequences = excluded.sequences, "
                "cancelled = excluded.cancelled, zones = excluded.zones",
                [
                    (calendar, r.ref, r.events, _blob(r.sequences), _blob(r.cancelled), r.zones)
                    for r in rows
                ],
            )
            replaced = [(row.ref,) for row in rows if row.legacy]
            if replaced:
                connection.executemany("DELETE FROM exported_v2 WHERE ref = ?", replaced)

    def _calendar_row(self) -> int:
        """The calendar's number, its row made (or the state kept before V5 adopted) if this is
        its first export."""
        connection, calendar = self.connection, self.calendar
        if self.adopting:
            # Not if another calendar row already has this output and scope (UNIQUE).
            adopted = connection.execute(
                "UPDATE exported_calendars SET output = ? "
                "WHERE id = ? AND output IS NULL AND NOT EXISTS (SELECT 1 FROM "
                "exported_calendars AS other WHERE other.output = ? "
                "AND other.scope = exported_calendars.scope)",
                (calendar.output, LEGACY, calendar.output),
            )
            if adopted.rowcount == 1:
                return LEGACY
        elif self.calendar_id is not None:
            return self.calendar_id
        connection.execute(
            "INSERT INTO exported_calendars (output, scope) VALUES (?, ?) "
            "ON CONFLICT (output, scope) DO NOTHING",
            (calendar.output, calendar.scope),
        )
        (number,) = connection.execute(
            "SELECT id FROM exported_calendars WHERE output = ? AND scope = ?",
            (calendar.output, calendar.scope),
        ).fetchone()
        return int(number)

    def _store_texts(self) -> dict[int, int]:
        """Insert the new strings; {number given: number stored} when another export added
        strings since this one began (none otherwise)."""
        texts = self.texts
        if not texts.new:
            return {}
        connection = self.connection
        (top,) = connection.execute("SELECT coalesce(max(id), 0) FROM exported_text").fetchone()
        numbers: dict[int, int] = {}
        if top != texts.top:
            stored = dict(connection.execute("SELECT text, id FROM exported_text"))
            for index, text in enumerate(texts.new, start=texts.top + 1):
                final = stored.get(text)
                if final is None:
                    top += 1
                    final = stored[text] = top
                numbers[index] = final
        added = [
            (numbers.get(index, index), text)
            for index, text in enumerate(texts.new, start=texts.top + 1)
        ]
        connection.executemany(
            "INSERT INTO exported_text (id, text) VALUES (?, ?) ON CONFLICT DO NOTHING", added
        )
        return numbers
