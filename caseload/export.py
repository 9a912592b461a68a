"""One calendar for many cases that stays in step with the tool across exports.

Each planned event is compared with the state saved at the previous export: an unchanged event
keeps its SEQUENCE, one whose dates or words moved gets SEQUENCE + 1, and one that no longer
applies (a date corrected, an action done, a case archived or removed) is written once with
STATUS:CANCELLED so calendar apps remove it. The state is saved only after the file is written.

How it stays fast and small for a caseload (10,000 cases, ~145,000 events, ~110 MB of .ics):

* the deadlines come from the caseload's memo (`caseload.memo.listings`), not from the engine;
* the file is streamed case by case: a case's events are planned, compared, written and
  forgotten, so memory holds the cases' briefs and the compact state, never every event;
* a brief is planned, packed and drawn once for all the cases that have it (the memo gives one
  object to the briefs alike, half of a caseload's): `calendars.plan.Planner` sketches its
  events without the case's reference, `Encoder.pack_sketched` and `calendars.fast.Writer.case`
  keep what they made of the sketches, and each case adds only its reference;
* the saved state is one row per case (`exported`, schema V4): for each event still exported,
  what a cancellation must write again (summary, description, dates, transparency, and what
  else decides whether it changed: kind, rule, categories, alarms) as small numbers that refer
  to strings kept once for the whole caseload (`exported_text`: a description line, a summary
  with the case reference taken out, a rule's shape); then each event's SEQUENCE, and the UIDs
  already written as cancelled. A case whose events encode to the same bytes as its saved row is
  unchanged as a whole: nothing of it is decoded, nothing is written back;
* an event unchanged is recognised by comparing those numbers, not by hashing its JSON;
* on Linux with two CPUs, a forked helper does the last cases of a large export meanwhile (see
  "two processes" below), and the file and the state are those one process makes.

Rows of the previous layout (schema V2, one row per event with its JSON; kept by the V4
migration as `exported_v2`) are read the old way, compared by their old fingerprint, and replaced
by the new row of their case at its next export, so an upgrade changes no SEQUENCE.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from calendars.plan import (
    ExportOptions,
    PlannedEvent,
    Planner,
    Reminders,
    Sketch,
    Sketched,
    uid_tail,
)
from caseload.store import transaction

if TYPE_CHECKING:
    from calendars.fast import Writer
    from caseload.memo import Fetched, Listing, Reference, Wanted

COUNTS = ("new", "moved", "unchanged", "cancelled")


# --- the legacy form (schema V2: one row per event, its JSON and the JSON's hash) ---------------


def _iso(value: date) -> str:
    if isinstance(value, datetime):
        return value.isoformat() + f"[{value.tzinfo}]"
    return value.isoformat()


def _when_code(when: date, id_of: Callable[[str], int]) -> int:
    """How a record holds a start or end (`Encoder._when` reads it back): a day as its ordinal,
    an instant as minus the number of its ISO text. The loops test for a plain date first."""
    return -id_of(_iso(when)) if isinstance(when, datetime) else when.toordinal()


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

# The packed records of one deadline's events (Encoder._sketch_records): the description lines
# of the first and of the last, then the records with the first one's lines written out, and
# with SAME instead.
_Packed = tuple[tuple[int, ...], tuple[int, ...], bytes, bytes]
_KEPT_PACKED = 200_000  # deadlines an Encoder remembers (then it starts again)

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

    def __init__(self, connection: sqlite3.Connection) -> None:
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
    """Planned events as records (`Record`), and back."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        self._shapes: dict[tuple[object, ...], int] = {}
        self._description = ""
        self._lines: tuple[int, ...] = ()
        # id(sketches): (sketches, their records, or None when they must be packed as events)
        self._packed: dict[int, tuple[Sketched, _Packed | None]] = {}
        self._summaries: dict[tuple[str, str], int] = {}  # (label, rest): the summary's number

    def uid_id(self, uid: str, tail: str) -> int:
        if uid.endswith(tail) and not uid.startswith(RAW):
            return self.texts.id(uid[: -len(tail)])
        return self.texts.id(RAW + uid)

    def records(self, events: Iterable[PlannedEvent], ref_tag: str, tail: str) -> list[Record]:
        return unpack(self.pack(events, ref_tag, tail))

    def pack(self, events: Iterable[PlannedEvent], ref_tag: str, tail: str) -> bytes:
        """`pack` of the records of a case's events (`ref_tag`: its "[REF]", `tail`: its UIDs'
        end), made in one loop without the records themselves."""
        ids = self.texts.ids
        id_of = self.texts.id  # numbers start at 1: `ids.get(text) or id_of(text)`
        shapes = self._shapes
        cut = -len(tail)
        numbers: list[int] = []
        add = numbers.extend
        previous: tuple[int, ...] | None = None
        for event in events:
            uid = event.uid
            text = uid[:cut] if uid.endswith(tail) and uid[:1] != RAW else RAW + uid
            uid_id = ids.get(text) or id_of(text)
            text = event.summary
            text = RAW + text if REF in text or text[:1] == RAW else text.replace(ref_tag, REF)
            summary_id = ids.get(text) or id_of(text)
            start, end = event.start, event.end
            start_code = start.toordinal() if start.__class__ is date else _when_code(start, id_of)
            end_code = end.toordinal() if end.__class__ is date else _when_code(end, id_of)
            key = (event.kind, event.rule, event.categories, event.alarms)
            shape = shapes.get(key)
            if shape is None:
                alarms = [a.total_seconds() for a in event.alarms]
                text = json.dumps([*key[:3], alarms], ensure_ascii=False)
                shape = shapes[key] = id_of(text)
            description = event.description
            if description is not self._description and description != self._description:
                self._description = description
                self._lines = tuple(
                    ids.get(line) or id_of(line) for line in description.split("\n")
                )
            flags = TRANSPARENT if event.transparent else 0
            lines = self._lines
            if lines == previous:
                add((uid_id, summary_id, start_code, end_code, flags, shape, SAME))
            else:
                add((uid_id, summary_id, start_code, end_code, flags, shape, len(lines)))
                add(lines)
                previous = lines
        return array("i", numbers).tobytes()

    def pack_sketched(self, ref: str, sketched: Iterable[Sketched]) -> bytes | None:
        """`pack` of the events of case `ref` given as the sketches of its deadlines
        (calendars.plan.Planner), from each deadline's records made once (`_sketch_records`);
        None when its reference holds REF (then `pack` the events themselves)."""
        if REF in ref:
            return None
        known = self._packed
        chunks: list[bytes] = []
        previous: tuple[int, ...] | None = None
        for group in sketched:
            found = known.get(id(group))
            if found is None or found[0] is not group:
                if len(known) >= _KEPT_PACKED:
                    known.clear()
                found = known[id(group)] = (group, self._sketch_records(group))
            records = found[1]
            if records is None:
                return None
            first, last, full, same = records
            chunks.append(same if first == previous else full)
            previous = last
        return b"".join(chunks)

    def _sketch_records(self, group: Sketched) -> _Packed | None:
        """The packed records of one deadline's events, whatever their case: with its first
        record's description lines written out, and as SAME (the lines of the record before
        it, in the case, are the same); None when its words hold "[" or REF, which make the
        summary's form in the state (`pack`) depend on the case's reference.

        The strings are looked up in `pack`'s order, so that the new ones get the numbers
        `pack` would give them: the first case with this deadline numbers them."""
        ids = self.texts.ids
        id_of = self.texts.id
        summaries = self._summaries
        numbers: list[int] = []
        first: tuple[int, ...] = ()
        lines: tuple[int, ...] = ()
        current: tuple[int, ...] = ()
        description = None
        for sketch in group:  # numbered summaries are plain (`_plain`)
            if sketch.uid[:1] == RAW or (
                (sketch.label, sketch.rest) not in summaries
                and not _plain(sketch.label, sketch.rest)
            ):
                return None
        for index, sketch in enumerate(group):
            # `pack` on the case's event: its UID without the case's tail, and its summary
            # with the case's "[REF]" as REF (a summary's only "[").
            uid_id = ids.get(sketch.uid) or id_of(sketch.uid)
            words = (sketch.label, sketch.rest)
            summary_id = summaries.get(words)
            if summary_id is None:
                text = sketch.label + REF + " " + sketch.rest
                summary_id = summaries[words] = ids.get(text) or id_of(text)
            start, end = sketch.start, sketch.end
            start_code = start.toordinal() if start.__class__ is date else _when_code(start, id_of)
            end_code = end.toordinal() if end.__class__ is date else _when_code(end, id_of)
            key = (sketch.kind, sketch.rule, sketch.categories, sketch.alarms)
            shape = self._shapes.get(key)
            if shape is None:
                alarms = [a.total_seconds() for a in sketch.alarms]
                text = json.dumps([*key[:3], alarms], ensure_ascii=False)
                shape = self._shapes[key] = id_of(text)
            flags = TRANSPARENT if sketch.transparent else 0
            numbers += (uid_id, summary_id, start_code, end_code, flags, shape)
            if sketch.description is not description:
                description = sketch.description
                current = tuple([ids.get(line) or id_of(line) for line in description.split("\n")])
            if index == 0:
                first = current
                numbers.append(SAME)  # for now: the first record's lines depend on the case
            elif current == lines:
                numbers.append(SAME)
            else:
                numbers.append(len(current))
                numbers += current
            lines = current
        same = array("i", numbers).tobytes()
        cut = _HEAD * 4 + 4  # octets of the first record's head and count of lines
        full = same[: _HEAD * 4] + array("i", [len(first), *first]).tobytes() + same[cut:]
        return first, lines, full, same

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


def _plain(label: str, rest: str) -> bool:
    """Whether a summary `label` + "[REF] " + `rest` is `label` + REF + " " + `rest` in the state
    (`Encoder.pack`) whatever REF (without REF): "[" and REF nowhere else, no RAW first."""
    return not ("[" in label or "[" in rest or REF in label or REF in rest or label[:1] == RAW)


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
    return array("i", numbers).tobytes()


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


def _renumber(blob: bytes, numbers: dict[int, int]) -> bytes:
    """`blob` with its strings' numbers changed by `numbers` (a concurrent export, or the
    export's helper, numbered the same strings first), record by record in its packed form.
    `numbers` is one to one and onto numbers not otherwise in use (each string has one number),
    so records alike stay alike and SAME stays where it was (`pack`)."""
    values = _ints(blob)
    get = numbers.get
    index, size = 0, len(values)
    while index < size:
        uid, summary, start, end, flags, shape, count = values[index : index + _HEAD + 1]
        values[index : index + _HEAD] = (
            get(uid, uid),
            get(summary, summary),
            start if start >= 0 else -get(-start, -start),
            end if end >= 0 else -get(-end, -end),
            flags,
            get(shape, shape),
        )
        index += _HEAD + 1
        if count > 0:
            values[index : index + count] = [get(n, n) for n in values[index : index + count]]
            index += count
    return _blob(values)


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


def _read_state(connection: sqlite3.Connection, refs: set[str] | None) -> dict[str, Saved]:
    state: dict[str, Saved] = {}
    for ref, events, sequences, cancelled, zones in connection.execute(
        "SELECT ref, events, sequences, cancelled, zones FROM exported"
    ):
        if refs is None or ref in refs:
            state[ref] = Saved(events, sequences, cancelled, frozenset(zones.split()))
    for uid, ref, start, print_, sequence, cancelled in connection.execute(
        "SELECT uid, ref, start, fingerprint, sequence, cancelled FROM exported_v2"
    ):
        if refs is None or ref in refs:
            saved = state.setdefault(ref, Saved())
            saved.legacy[uid] = (print_, sequence, bool(cancelled))
            if not cancelled and "[" in start:
                saved.zones |= {start[:-1].split("[")[1]}
    return state


def _stored_event(connection: sqlite3.Connection, uid: str) -> PlannedEvent:
    row = connection.execute("SELECT event FROM exported_v2 WHERE uid = ?", (uid,)).fetchone()
    return from_json(str(row[0]))


# --- an export ---------------------------------------------------------------------------------

Cancellation = tuple[str, PlannedEvent, int]  # uid, the event as last written, its SEQUENCE


@dataclass
class _Case:
    """What one case gives the file: its events (the sketches of its deadlines, `count` events
    in all) and their SEQUENCE, its cancellations, and its new row (None: the saved one
    stays)."""

    sketched: list[Sketched]
    count: int
    sequences: list[int]
    cancelled: list[Cancellation]
    row: Row | None


class Export:
    """Plan, compare and write the calendar of the selected cases, then save the state.

    `start` reads the cases (the memo) and the saved state; `chunks` streams the file, a case
    at a time, counting as it goes; `save` records the state, once the file is written.
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        found: list[Listing],
        selected: set[str] | None,
        options: ExportOptions,
        saved: tuple[dict[str, Saved], Texts] | None = None,
        helper: _Helper | None = None,
        elsewhere: set[str] | None = None,
    ) -> None:
        """`saved`: the state and its strings, read already; `helper`: the process doing the
        cases after those `found` (`_in_two`); in the helper, `elsewhere`: the zones of the
        cases planned before its own."""
        self.connection = connection
        self.cases = len(found)
        self.options = options
        if saved is None:
            connection.execute("BEGIN")  # the rows and the strings they refer to, as one snapshot
            try:
                saved = _read_state(connection, selected), Texts(connection)
            finally:
                connection.execute("COMMIT")
        self.state, self.texts = saved
        self.helper = helper
        self.encoder = Encoder(self.texts)
        self.planner = Planner(options.lang, options.reminders, options.include_info)
        self.counts = dict.fromkeys(COUNTS, 0)
        self.events = 0  # events written, cancellations not counted
        self.rows: list[Row] = []
        self.skipped = [(f.ref, f.error) for f in found if f.has_events and f.error is not None]
        # The cases planned: computed, with events (as `prepare` did with the engine).
        self._planned = [f for f in found if f.has_events and f.error is None]
        self._early: dict[str, _Case] = {}
        self._elsewhere = elsewhere or set()
        if helper is not None:
            self.cases += helper.cases
            self.skipped += helper.skipped
        self.zones = self._zones()

    @classmethod
    def start(
        cls,
        connection: sqlite3.Connection,
        reference: Reference,
        refs: Iterable[str] | None,
        lang: str,
        reminders: Reminders,
        include_info: bool,
        progress: Callable[[int, int], None] | None = None,
        stamp: datetime | None = None,
    ) -> Export:
        """The export of `refs` (None: every active case); `progress` as for memo.listings;
        `stamp`: the DTSTAMP `chunks` will be given, for a helper (`_in_two`) to write with."""
        from caseload.memo import Wanted, listings
        from deadlines.rules import all_rules

        selected = set(refs) if refs is not None else None
        # A deadline fulfilled by an event of its case is done: never exported (plan_listed would
        # leave it out); without information events, only the deadlines the person must meet.
        wanted = Wanted(
            rules=None if include_info else frozenset(r.id for r in all_rules() if r.must_act),
            pending=True,
        )
        options = ExportOptions("", lang, reminders, include_info)
        if selected is None and stamp is not None:
            export = _in_two(connection, reference, wanted, options, stamp)
            if export is not None:
                return export
        found = listings(
            connection,
            reference,
            sorted(selected) if selected is not None else None,
            wanted=wanted,
            progress=progress,
        )
        return cls(connection, found, selected, options)

    def close(self) -> None:
        """Stop the helper if the file was not written (`chunks` stops it otherwise)."""
        if self.helper is not None:
            self.helper.close()

    @property
    def planned(self) -> int:
        """The cases planned (computed, with events)."""
        return len(self._planned) + (self.helper.planned if self.helper is not None else 0)

    def _zones(self) -> list[str]:
        """Every zone the file needs a VTIMEZONE for, known before its first event: the zone of
        every case planned (`calendars.plan.zones_used` adds them all), and that of every timed
        event cancelled. A saved timed event outside the first belongs to a case no longer
        planned (all its events are cancelled) or to one whose territory changed: that case is
        planned now, to know which of its events are cancelled."""
        zones = {f.time_zone for f in self._planned} | self._elsewhere
        if self.helper is not None:
            zones |= self.helper.zones
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
        """The file, a case at a time (header, events, cancellations sorted by UID, footer).

        With a helper, its cases' events follow, and its results are taken over: the same file
        and state as one process makes."""
        from calendars.fast import FOOTER, Writer, header

        yield header(calendar_name, self.zones)
        writer = Writer(stamp)
        cancelled: list[Cancellation] = []
        state = self.state
        yield from self._cases(self._planned, writer, cancelled, progress)
        helper = self.helper
        if helper is not None:
            try:
                # The helper wrote with the stamp `start` was given: another (the day changed
                # meanwhile) and its work is not used.
                done = helper.join() if helper.stamp == stamp else None
                if done is None:  # the helper failed: its cases are done here
                    later = helper.listings()
                    yield from self._cases(later, writer, cancelled, progress, len(self._planned))
                else:
                    yield from helper.chunks()
                    self._take_over(done, cancelled)
                    for ref in helper.refs:
                        state.pop(ref, None)
            finally:
                helper.close()
        rows = self.rows
        for ref in sorted(state):  # saved, not planned now: cancelled
            case = self._gone(ref, state[ref])
            cancelled.extend(case.cancelled)
            if case.row is not None:
                rows.append(case.row)
        state.clear()
        cancelled.sort(key=lambda item: item[0])
        self.counts["cancelled"] = len(cancelled)
        for _, event, sequence in cancelled:
            yield writer.event(event, sequence, True)
        if progress is not None:
            progress(self.planned)
        yield FOOTER

    def _cases(
        self,
        listings: list[Listing],
        writer: Writer,
        cancelled: list[Cancellation],
        progress: Callable[[int], None] | None,
        done: int = 0,
    ) -> Iterator[bytes]:
        """The events of the cases `listings` (planned), in order; their cancellations and rows
        kept."""
        rows = self.rows
        state = self.state
        for number, listing in enumerate(listings, start=done + 1):
            if progress is not None and number % 100 == 0:
                progress(number)
            case = self._early.pop(listing.ref, None)
            if case is None:
                case = self._case(listing, state.pop(listing.ref, None))
            if case.cancelled:
                cancelled.extend(case.cancelled)
            if case.row is not None:
                rows.append(case.row)
            self.events += case.count
            if case.count:
                yield writer.case(listing.ref, case.sketched, case.sequences)

    def _in_helper(self, stamp: datetime, out: int) -> _Done:
        """What the helper does (`_Helper.start`): its cases written to `out`, and what they
        changed of the export's results."""
        from calendars.fast import Writer

        cancelled: list[Cancellation] = []
        pending: list[bytes] = []
        size = 0
        for chunk in self._cases(self._planned, Writer(stamp), cancelled, None):
            pending.append(chunk)
            size += len(chunk)
            if size >= _HELPER_WRITES:
                _write_all(out, b"".join(pending))
                pending.clear()
                size = 0
        _write_all(out, b"".join(pending))
        texts = self.texts
        return _Done(self.rows, cancelled, self.counts, self.events, texts.new, texts.top + 1)

    def _take_over(self, done: _Done, cancelled: list[Cancellation]) -> None:
        """The helper's results as if its cases had been done here after the others: the new
        strings it numbered, numbered after those of this process (`Texts.id`, in its order),
        and its rows renumbered accordingly."""
        numbers: dict[int, int] = {}
        texts = self.texts
        for number, text in enumerate(done.texts, start=done.first):
            final = texts.ids.get(text) or texts.id(text)
            if final != number:
                numbers[number] = final
        rows = done.rows if not numbers else [_renumbered(row, numbers) for row in done.rows]
        self.rows.extend(rows)
        cancelled.extend(done.cancelled)
        for what, count in done.counts.items():
            self.counts[what] += count
        self.events += done.events

    def _case(self, listing: Listing, saved: Saved | None) -> _Case:
        ref = listing.ref
        sketched = self.planner.sketches(listing.deadlines)
        count = sum(map(len, sketched))
        counts = self.counts
        packed = self.encoder.pack_sketched(ref, sketched)
        events: tuple[PlannedEvent, ...] | None = None
        tag, tail = f"[{ref}]", uid_tail(ref)
        if packed is None:
            events = self.planner.events(ref, sketched)
            packed = self.encoder.pack(events, tag, tail)
        if saved is not None and saved.events == packed and not saved.legacy:
            counts["unchanged"] += count  # the case as saved: nothing to compare
            return _Case(sketched, count, _ints(saved.sequences), [], None)
        zones = " ".join(sorted(_zones_of(s for group in sketched for s in group)))
        if saved is None:
            counts["new"] += count
            sequences = [0] * count
            row = Row(ref, packed, sequences, [], zones, False)
            return _Case(sketched, count, sequences, [], row)
        if events is None:
            events = self.planner.events(ref, sketched)
        before, gone = _decode(saved)
        legacy = dict(saved.legacy)
        sequences = []
        for planned, current in zip(events, unpack(packed), strict=True):
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
            counts[what] += 1
            sequences.append(sequence)
        cancelled = self._cancel(before, gone, legacy, tag, tail)
        row = Row(ref, packed, sequences, _pairs(gone), zones, bool(saved.legacy))
        return _Case(sketched, count, sequences, cancelled, row)

    def _gone(self, ref: str, saved: Saved) -> _Case:
        """A case saved but not planned now (archived, removed, not computable, without events):
        every event it still had is cancelled."""
        before, gone = _decode(saved)
        cancelled = self._cancel(before, gone, dict(saved.legacy), f"[{ref}]", uid_tail(ref))
        if not cancelled and not saved.legacy:
            return _Case([], 0, [], [], None)  # all cancelled already: nothing changes
        row = Row(ref, b"", [], _pairs(gone), "", bool(saved.legacy))
        return _Case([], 0, [], cancelled, row)

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
        """Record what was written (call only once the file is): the rows of the cases that
        changed, the strings new to them, and the V2 rows they replace; all or nothing."""
        if not self.rows:
            return
        connection = self.connection
        with transaction(connection):
            numbers = self._store_texts()
            rows = self.rows
            if numbers:
                rows = [_renumbered(row, numbers) for row in rows]
            connection.executemany(
                "INSERT OR REPLACE INTO exported (ref, events, sequences, cancelled, zones) "
                "VALUES (?, ?, ?, ?, ?)",
                [(r.ref, r.events, _blob(r.sequences), _blob(r.cancelled), r.zones) for r in rows],
            )
            replaced = [(row.ref,) for row in rows if row.legacy]
            if replaced:
                connection.executemany("DELETE FROM exported_v2 WHERE ref = ?", replaced)

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
            "INSERT OR IGNORE INTO exported_text (id, text) VALUES (?, ?)", added
        )
        return numbers


# --- two processes -----------------------------------------------------------------------------
# Decoding the memo, planning, comparing and writing the cases is the export's work, a case after
# another and all in Python: on two CPUs, a forked helper does the last cases meanwhile. The first
# process reads the helper's part from the database before the fork (memo.fetch: a forked process
# must not use a connection), with the state; then each decodes and does its own part, in its own
# memory (forked later, the helper would copy each page of the first one's that it touches, at
# ~10 µs a page on a virtual machine). The helper writes its events into memory (a memfd: case
# data never goes to a temporary file), then its results (rows, cancellations, counts, the
# strings it numbered), and exits; the first process writes those events after its own and takes
# the results over (Export._take_over): the file and the state are those one process makes. If
# the helper fails, its cases are done by the first process.

_SPLIT_FROM = 2_000  # active cases, below which one process does them all
_HELPER_SHARE = 0.52  # of the cases, to the helper: the first process also writes the file
_HELPER_WRITES = 1 << 20  # octets the helper writes at a time
# How long the first process waits for the helper once its own part is done: twice the time its
# part took, and at least this many seconds. A helper still running then is stopped and its
# cases are done here: a stuck helper must never hang an export.
_HELPER_WAIT = 30.0


def _in_two(
    connection: sqlite3.Connection,
    reference: Reference,
    wanted: Wanted,
    options: ExportOptions,
    stamp: datetime,
) -> Export | None:
    """The export of every active case with a helper doing the last ones, if it is worth it and
    possible: Linux (fork, memfd), two CPUs, every memo fresh (none to compute and write), no V2
    state (its events are read from the database when cancelled), and no case of the helper's
    to plan before the others (`Export._zones`)."""
    from caseload import memo

    if not hasattr(os, "memfd_create") or len(os.sched_getaffinity(0)) < 2:
        return None
    (count,) = connection.execute("SELECT count(*) FROM cases WHERE status = 'active'").fetchone()
    if count < _SPLIT_FROM:
        return None
    (middle,) = connection.execute(
        "SELECT ref FROM cases WHERE status = 'active' ORDER BY ref LIMIT 1 OFFSET ?",
        (count - int(count * _HELPER_SHARE),),
    ).fetchone()
    # The helper's part read in one snapshot with the state and its strings; the briefs of the
    # first part are read after the fork, meanwhile (as `listings` reads them, after the cases).
    connection.execute("BEGIN")
    try:
        first = memo.fetch(connection, (None, middle), wanted, briefs=False)
        second = memo.fetch(connection, (middle, None), wanted) if first is not None else None
        if first is None or second is None:
            return None
        saved = _read_state(connection, None), Texts(connection)
    finally:
        connection.execute("COMMIT")
    state = saved[0]
    if any(s.legacy for s in state.values()):
        return None
    before, after = _Part(first), _Part(second)
    zones = before.zones | after.zones
    if any(not state[ref].zones <= zones for ref in after.refs if ref in state):
        return None

    def listings() -> list[Listing]:
        return memo.decoded(second, reference, wanted)

    helper = _Helper.start(after, listings, stamp)
    if helper is None:
        return None
    if helper.pid == 0:  # the helper: never returns
        status = 1
        try:
            export = Export(connection, listings(), None, options, saved, elsewhere=before.zones)
            done = export._in_helper(stamp, helper.out)
            import pickle  # here: only a helper's results need it (~4 ms to import)

            results = pickle.dumps(done, pickle.HIGHEST_PROTOCOL)
            _write_all(helper.out, results + len(results).to_bytes(8, "little"))
            status = 0
        finally:
            os._exit(status)  # nothing else: no buffer flushed, no database closed
    memo.fetch_briefs(connection, first, wanted)
    return Export(connection, memo.decoded(first, reference, wanted), None, options, saved, helper)


class _Part:
    """What the memo's headers say of some cases: those planned, their zones, and those that
    cannot be computed."""

    def __init__(self, fetched: Fetched) -> None:
        from caseload.memo import NO_EVENTS
        from deadlines.territories import territory

        rows = fetched.rows
        self.cases = len(rows.cases)
        self.refs: list[str] = []
        self.zones: set[str] = set()
        self.skipped: list[tuple[str, str]] = []
        for row in rows.cases:
            error = rows.memo[row[0]][2]
            if error is None:
                self.refs.append(row[1])
                self.zones.add(territory(str(row[5])).time_zone)
            elif error != NO_EVENTS:
                self.skipped.append((row[1], error))


@dataclass
class _Done:
    """What the helper did: the rows, cancellations, counts and events of its cases, and the
    strings it numbered (from `first` on)."""

    rows: list[Row]
    cancelled: list[Cancellation]
    counts: dict[str, int]
    events: int
    texts: list[str]
    first: int


class _Helper:
    """The forked process doing the last cases of an export (`Export._in_helper`), as the first
    process sees it."""

    def __init__(
        self,
        pid: int,
        out: int,
        part: _Part,
        listings: Callable[[], list[Listing]],
        stamp: datetime,
    ) -> None:
        self.pid: int | None = pid  # 0 in the helper itself
        self.stamp = stamp  # its events' DTSTAMP
        self.out = out  # its events, then its pickled results (`_Done`), then their size
        self.events_size = 0
        self.cases = part.cases
        self.planned = len(part.refs)
        self.refs = part.refs
        self.zones = part.zones
        self.skipped = part.skipped
        self.listings = listings  # its cases, to do them here if it fails
        self.forked_at = time.monotonic()

    @classmethod
    def start(
        cls, part: _Part, listings: Callable[[], list[Listing]], stamp: datetime
    ) -> _Helper | None:
        """Fork; None if it cannot (then no helper)."""
        try:
            out = os.memfd_create("deadlines-export", os.MFD_CLOEXEC)
        except OSError:
            return None
        try:
            pid = os.fork()
        except OSError:
            os.close(out)
            return None
        return cls(pid, out, part, listings, stamp)

    def join(self) -> _Done | None:
        """Its results once it is done; None if it failed or is still running when the wait is
        over (`_HELPER_WAIT`; it is then stopped), and its events are left out."""
        assert self.pid
        now = time.monotonic()
        give_up = now + max(_HELPER_WAIT, 2 * (now - self.forked_at))
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > give_up:
                self.close()
                return None
            time.sleep(0.002)
        self.pid = None
        end = os.lseek(self.out, 0, os.SEEK_END)
        if status != 0 or end < 8:
            return None
        size = int.from_bytes(_read_all(self.out, end - 8, 8), "little")
        self.events_size = end - 8 - size
        import pickle

        done = pickle.loads(_read_all(self.out, self.events_size, size))
        assert isinstance(done, _Done)
        return done

    def chunks(self) -> Iterator[bytes]:
        """Its events, as it wrote them."""
        for offset in range(0, self.events_size, _HELPER_WRITES):
            yield _read_all(self.out, offset, min(_HELPER_WRITES, self.events_size - offset))

    def close(self) -> None:
        """Stop it if it still runs (the export was given up), and free its memory."""
        if self.pid:
            import signal

            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
        if self.out >= 0:
            os.close(self.out)
            self.out = -1


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_all(fd: int, offset: int, size: int) -> bytes:
    parts = []
    while size > 0:
        part = os.pread(fd, size, offset)
        if not part:
            raise OSError("the export's helper wrote less than it said")
        parts.append(part)
        offset += len(part)
        size -= len(part)
    return b"".join(parts)


def _decode(saved: Saved) -> tuple[dict[int, tuple[Record, int]], dict[int, int]]:
    """A saved row as {uid: (record, SEQUENCE)} and {uid cancelled: SEQUENCE}."""
    records = unpack(saved.events)
    before = {r[0]: (r, s) for r, s in zip(records, _ints(saved.sequences), strict=True)}
    pairs = _ints(saved.cancelled)
    return before, dict(zip(pairs[::2], pairs[1::2], strict=True))


def _renumbered(row: Row, numbers: dict[int, int]) -> Row:
    pairs = row.cancelled
    cancelled = [numbers.get(n, n) if i % 2 == 0 else n for i, n in enumerate(pairs)]
    return Row(
        row.ref,
        _renumber(row.events, numbers),
        row.sequences,
        cancelled,
        row.zones,
        row.legacy,
    )


def _zones_of(events: Iterable[PlannedEvent | Sketch]) -> set[str]:
    """The zones of the timed events."""
    return {str(e.start.tzinfo) for e in events if isinstance(e.start, datetime)}


def _pairs(gone: dict[int, int]) -> list[int]:
    return [n for pair in sorted(gone.items()) for n in pair]
