"""The caseload seen on its own today: every case's deadlines as the lists need them, from a memo.

Computing a case costs about a millisecond (every reading, every step of its explanation); a
caseload of 10,000 cases would cost seconds at each `agenda`. What a list needs of a deadline (its
brief: dates, basis, status, warnings) does not depend on the day it is looked at, so the brief
of each case is kept in the `computed` table and only its state is worked out on each read.

The memo is not the truth (shared/notes/architecture.md): each row says what it was computed
from — the case's revision, which triggers in the database raise on any change to its events or
facts (caseload/schema.py V3), and the fingerprint of the engine itself (every file of the
`deadlines` package, the time-zone rules it reads, the Python version). Any difference, a
corrected date or a corrected rule, and the case is computed again by the engine, then the row is
replaced. A row is only a faster way to get what `briefs(case)` returns, which
tests/caseload/test_memo.py checks on every golden case.
"""

from __future__ import annotations

import hashlib
import json
import sys
import zoneinfo
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from caseload.database import Cursor, Database
from caseload.store import FACT_COLUMNS, case_from_rows, facts_from_row
from deadlines.case import Event
from deadlines.clock import Reference
from deadlines.engine import (
    Brief,
    DeadlineKey,
    Listed,
    briefs,
    listed,
)
from deadlines.errors import CoverageError, ParamValue
from deadlines.results import Message, Note
from deadlines.rules import rule_by_id
from deadlines.rules.model import EventKind, Rule, Status
from deadlines.territories import all_territory_codes, territory
from deadlines.text import Text

# Bump when the layout of a stored brief changes (the fingerprint then differs for every row).
MEMO_FORMAT = 1


@dataclass(frozen=True)
class Wanted:
    """Which briefs a list reads (filtered in SQL, before anything is decoded): the agenda reads
    only the deadlines it may show."""

    rules: frozenset[str] | None = None  # None: every rule
    until: date | None = None  # a last day at most this one, or none (suspended)
    pending: bool = False  # only those whose fulfilling event is not in the case


@dataclass(frozen=True)
class Listing:
    """One case and its deadlines as seen on its own today (its territory's clock)."""

    id: int
    ref: str
    territory: str
    time_zone: str
    status: str
    updated: str
    has_events: bool
    as_of: date
    now: datetime | None
    deadlines: tuple[Listed, ...]
    error: str | None = None  # the message key when the case cannot be computed (coverage)
    assignee: str | None = None  # who follows the case (schema V7); None: nobody


# --- the engine's fingerprint ----------------------------------------------------------------


def _zone_file(key: str) -> bytes:
    """The TZif data zoneinfo reads for `key`: the first TZPATH hit, else the tzdata package."""
    for folder in zoneinfo.TZPATH:
        candidate = Path(folder) / key
        if candidate.is_file():
            return candidate.read_bytes()
    from importlib.resources import files

    package, _, name = f"tzdata.zoneinfo.{key}".replace("/", ".").rpartition(".")
    return files(package).joinpath(name).read_bytes()


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """What the engine computes with: its own files, the zone rules, the Python version."""
    import deadlines

    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"memo {MEMO_FORMAT} python {sys.version_info[:2]}".encode())
    root = Path(deadlines.__file__).parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    for zone in sorted({territory(code).time_zone for code in all_territory_codes()}):
        digest.update(zone.encode())
        digest.update(_zone_file(zone))
    return digest.hexdigest()


# --- a brief as JSON ---------------------------------------------------------------------------


def _stamp(at: datetime) -> int:
    return int(at.timestamp())


def _param_to_json(value: ParamValue) -> Any:
    if isinstance(value, Text):
        return {"t": [value.fr, value.en]}
    if isinstance(value, datetime):
        return {"i": _stamp(value), "z": str(value.tzinfo)}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, bool):
        raise TypeError("a message parameter is never a boolean")
    return value


def _param_from_json(value: Any) -> ParamValue:
    if isinstance(value, dict):
        if "t" in value:
            return Text(*value["t"])
        if "i" in value:
            return datetime.fromtimestamp(value["i"], ZoneInfo(value["z"]))
        return date.fromisoformat(value["d"])
    assert isinstance(value, str | int)
    return value


def _note_to_json(note: Note) -> Any:
    if isinstance(note, Text):
        return {"t": [note.fr, note.en]}
    return {"k": note.key, "p": [[name, _param_to_json(v)] for name, v in note.params]}


def _note_from_json(data: Any) -> Note:
    if "t" in data:
        return Text(*data["t"])
    return Message(data["k"], tuple((name, _param_from_json(v)) for name, v in data["p"]))


_STATUS = {status.value: status for status in Status}
_EVENT_KIND = {kind.value: kind for kind in EventKind}


# The columns of `computed_deadlines` after (case_id, position), in `brief_row`'s order: days are
# ordinals, instants POSIX seconds, the basis one line per citation, the warnings JSON (or NULL).
# A suspended brief (wave 2) has no dates: NULL. The events that moved a brief and the one that
# suspends it are JSON, each event [kind, day ordinal, rank, derived, time or null] (or NULL).
BRIEF_COLUMNS = (
    "rule",
    "due",
    "done_by_event",
    "trigger_kind",
    "trigger_day",
    "trigger_rank",
    "trigger_derived",
    "trigger_time",
    "key_trigger",
    "key_rank",
    "due_at",
    "latest",
    "latest_at",
    "end_at",
    "latest_end_at",
    "basis",
    "status",
    "warnings",
    "moved_by",
    "suspended_by",
)


def _event_to_json(event: Event) -> list[object]:
    clock = None if event.time is None else event.time.isoformat()
    return [event.kind.value, event.at.toordinal(), event.rank, int(event.derived), clock]


def _ordinal(day: date | None) -> int | None:
    return None if day is None else day.toordinal()


def _stamp_of(instant: datetime | None) -> int | None:
    return None if instant is None else _stamp(instant)


def brief_row(case_id: int, position: int, brief: Brief) -> tuple[object, ...]:
    """A brief as a `computed_deadlines` row (BRIEF_COLUMNS)."""
    trigger = brief.trigger
    warnings = [_note_to_json(w) for w in brief.warnings]
    moved_by = [_event_to_json(e) for e in brief.moved_by]
    suspended_by = brief.suspended_by
    return (
        case_id,
        position,
        brief.rule.id,
        _ordinal(brief.due),
        int(brief.done_by_event),
        trigger.kind.value,
        trigger.at.toordinal(),
        trigger.rank,
        int(trigger.derived),
        None if trigger.time is None else trigger.time.isoformat(),
        brief.key.trigger,
        brief.key.rank,
        _stamp_of(brief.due_at),
        _ordinal(brief.latest),
        _stamp_of(brief.latest_at),
        _stamp_of(brief.end),
        _stamp_of(brief.latest_end),
        "\n".join(brief.basis),
        brief.status.value,
        json.dumps(warnings, ensure_ascii=False) if warnings else None,
        json.dumps(moved_by) if moved_by else None,
        None if suspended_by is None else json.dumps(_event_to_json(suspended_by)),
    )


def brief_from_row(row: tuple[Any, ...], rule: Rule, zone: ZoneInfo) -> Brief:
    """The brief of a `computed_deadlines` row (BRIEF_COLUMNS), whose rule is `rule`."""
    (
        _,
        due,
        done_by_event,
        kind,
        at,
        rank,
        derived,
        clock,
        key_trigger,
        key_rank,
        due_at,
        latest,
        latest_at,
        end,
        latest_end,
        basis,
        status,
        warnings,
        moved_by,
        suspended_by,
    ) = row
    return Brief(
        rule,
        _trigger(kind, at, rank, derived, clock),
        _key(rule.id, key_trigger, key_rank),
        None if due is None else date.fromordinal(due),
        None if due_at is None else _instant(due_at, zone),
        None if latest is None else date.fromordinal(latest),
        None if latest_at is None else _instant(latest_at, zone),
        None if end is None else _instant(end, UTC),
        None if latest_end is None else _instant(latest_end, UTC),
        _basis(basis),
        _STATUS[status],
        _notes(warnings) if warnings else (),
        bool(done_by_event),
        _moved_events(moved_by) if moved_by else (),
        None if suspended_by is None else _trigger(*json.loads(suspended_by)),
    )


# A caseload's thousands of rows repeat a few hundred days, triggers, citations and warnings:
# each is decoded once (and is one shared, immutable object). Halves a 5,000-case agenda's
# decoding; the caches hold a few MB at most.
@lru_cache(maxsize=1 << 16)
def _trigger(kind: str, at: int, rank: int, derived: int, clock: str | None) -> Event:
    moment = None if clock is None else time.fromisoformat(clock)
    return Event(_EVENT_KIND[kind], date.fromordinal(at), rank, bool(derived), moment)


@lru_cache(maxsize=1 << 16)
def _key(rule: str, trigger: str, rank: int) -> DeadlineKey:
    return DeadlineKey(rule, trigger, rank)


@lru_cache(maxsize=1 << 16)
def _instant(stamp: int, zone: tzinfo) -> datetime:
    return datetime.fromtimestamp(stamp, zone)


@lru_cache(maxsize=1 << 12)
def _basis(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n")) if text else ()


@lru_cache(maxsize=1 << 12)
def _notes(text: str) -> tuple[Note, ...]:
    return tuple(_note_from_json(w) for w in json.loads(text))


@lru_cache(maxsize=1 << 12)
def _moved_events(text: str) -> tuple[Event, ...]:
    return tuple(_trigger(*e) for e in json.loads(text))


# --- reading the caseload ----------------------------------------------------------------------


@dataclass
class _Rows:
    cases: list[tuple[Any, ...]]  # id, ref, status, updated, revision, FACT_COLUMNS, assignee
    done: dict[int, set[DeadlineKey]]
    memo: dict[int, tuple[int, str, str | None]]  # case id: revision, engine, error


def _read(connection: Database, where: str, params: list[Any]) -> _Rows:
    """The selected cases, their done actions and memo headers: three queries in all."""
    subquery = f"SELECT id FROM cases {where}"
    columns = ", ".join(FACT_COLUMNS)
    rows = _Rows(
        connection.execute(
            f"SELECT id, ref, status, updated, revision, {columns}, assignee FROM cases {where} "
            "ORDER BY ref",
            params,
        ).fetchall(),
        {},
        {},
    )
    if not rows.cases:
        return rows
    for case_id, rule, kind, rank in connection.execute(
        f"SELECT case_id, rule, trigger_kind, trigger_rank FROM done WHERE case_id IN ({subquery})",
        params,
    ):
        rows.done.setdefault(case_id, set()).add(DeadlineKey(rule, kind, rank))
    for case_id, revision, engine, error in connection.execute(
        f"SELECT case_id, revision, engine, error FROM computed WHERE case_id IN ({subquery})",
        params,
    ):
        rows.memo[case_id] = (revision, engine, error)
    return rows


def _events(
    connection: Database, where: str, params: list[Any]
) -> dict[int, list[tuple[str, str, str | None]]]:
    events: dict[int, list[tuple[str, str, str | None]]] = {}
    for case_id, kind, day, at in connection.execute(
        f"SELECT case_id, kind, day, time FROM events WHERE case_id IN "
        f"(SELECT id FROM cases {where}) ORDER BY case_id, id",
        params,
    ):
        events.setdefault(case_id, []).append((kind, day, at))
    return events


def _brief_rows(connection: Database, where: str, params: list[Any], wanted: Wanted) -> Cursor:
    """The wanted memo rows of the selected cases (case id, then BRIEF_COLUMNS), by case, in
    their order: a cursor (a list of them all would hold ~30 MB for 10,000 cases)."""
    conditions = [f"case_id IN (SELECT id FROM cases {where})"]
    values = list(params)
    if wanted.rules is not None:
        conditions.append(f"rule IN ({', '.join('?' * len(wanted.rules))})")
        values.extend(sorted(wanted.rules))
    if wanted.until is not None:
        conditions.append("(due IS NULL OR due <= ?)")  # a suspended brief too
        values.append(wanted.until.toordinal())
    if wanted.pending:
        conditions.append("done_by_event = 0")
    return connection.execute(
        f"SELECT case_id, {', '.join(BRIEF_COLUMNS)} FROM computed_deadlines "
        f"WHERE {' AND '.join(conditions)} ORDER BY case_id, position",
        values,
    )


def _decode_briefs(
    rows: Iterable[tuple[Any, ...]], zones: dict[int, ZoneInfo], skip: Container[int]
) -> dict[int, list[Brief]]:
    """Memo rows (`_brief_rows`) as briefs, by case (not those of the cases in `skip`: just
    computed, they are already in memory)."""
    found: dict[int, list[Brief]] = {}
    for case_id, *content in rows:
        if case_id in skip:
            continue
        rule = rule_by_id(content[0])
        if rule is None:  # cannot happen while the engine's fingerprint holds
            raise LookupError(content[0])
        found.setdefault(case_id, []).append(brief_from_row(tuple(content), rule, zones[case_id]))
    return found


def _is_wanted(brief: Brief, wanted: Wanted) -> bool:
    return (
        (wanted.rules is None or brief.rule.id in wanted.rules)
        and (wanted.until is None or brief.due is None or brief.due <= wanted.until)
        and not (wanted.pending and brief.done_by_event)
    )


def _selection(
    refs: Iterable[str] | None, include_archived: bool, assignee: str | None = None
) -> tuple[str, list[Any]]:
    conditions: list[str] = []
    params: list[Any] = []
    if not include_archived:
        conditions.append("status = 'active'")
    if assignee is not None:  # one caseworker's cases (`--mine`, `--assignee`): indexed (V7)
        conditions.append("assignee = ?")
        params.append(assignee)
    if refs is not None:
        selected = list(refs)
        conditions.append(f"ref IN ({', '.join('?' * len(selected))})" if selected else "FALSE")
        params.extend(selected)
    return (f"WHERE {' AND '.join(conditions)}" if conditions else ""), params


def listings(
    connection: Database,
    reference: Reference,
    refs: Iterable[str] | None = None,
    include_archived: bool = False,
    wanted: Wanted = Wanted(),
    progress: Callable[[int, int], None] | None = None,
    assignee: str | None = None,
) -> list[Listing]:
    """Every selected case, in reference order, with its wanted deadlines as of its today
    (`assignee`: only the cases that caseworker follows).

    Cases whose memo is missing or stale are computed by the engine, and their memos are
    written back in one transaction (skipped if the database cannot be written to).
    `progress(done, total)` hears how many of those have been computed (the first list after
    an upgrade computes every case: seconds for thousands).
    """
    where, params = _selection(refs, include_archived, assignee)
    engine = engine_fingerprint()
    with connection.snapshot():  # a case's revision and its events agree
        rows = _read(connection, where, params)
        stale = {
            row[0]: row
            for row in rows.cases
            if rows.memo.get(row[0], (0, ""))[:2] != (row[4], engine)
        }
        events = _events(connection, where, params) if stale else {}
    # case id: (revision, briefs, memo error: a message key, NO_EVENTS or None)
    fresh: dict[int, tuple[int, tuple[Brief, ...], str | None]] = {}
    for done, (case_id, row) in enumerate(stale.items()):
        if progress is not None and done % 100 == 0:
            progress(done, len(stale))
        case_events = events.get(case_id, [])
        if not case_events:
            fresh[case_id] = (row[4], (), NO_EVENTS)
            continue
        computed = _compute(tuple(row[5:-1]), case_events)
        if isinstance(computed, CoverageError):
            fresh[case_id] = (row[4], (), computed.key)
        else:
            fresh[case_id] = (row[4], computed, None)
    if progress is not None and stale:
        progress(len(stale), len(stale))
    if fresh:
        _remember(connection, fresh, engine)
    zones = _zones(rows)
    stored = _decode_briefs(_brief_rows(connection, where, params, wanted), zones, fresh)
    return _listings(rows, zones, stored, fresh, reference, wanted)


def _zones(rows: _Rows) -> dict[int, ZoneInfo]:
    """Each case's time zone."""
    zone_of_code: dict[str, ZoneInfo] = {}
    for code in {str(row[5]) for row in rows.cases}:
        zone_of_code[code] = ZoneInfo(territory(code).time_zone)
    return {row[0]: zone_of_code[str(row[5])] for row in rows.cases}


def _listings(
    rows: _Rows,
    zones: dict[int, ZoneInfo],
    stored: dict[int, list[Brief]],
    fresh: dict[int, tuple[int, tuple[Brief, ...], str | None]],
    reference: Reference,
    wanted: Wanted,
) -> list[Listing]:
    references = {zone: reference(str(zone)) for zone in set(zones.values())}
    result = []
    for row in rows.cases:
        case_id, ref, status, updated, _ = row[:5]
        zone = zones[case_id]
        time_zone = str(zone)
        as_of, now = references[zone]
        if case_id in fresh:
            _, all_briefs, error = fresh[case_id]
            kept = tuple(b for b in all_briefs if _is_wanted(b, wanted))
        else:
            kept = tuple(stored.get(case_id, ()))
            error = rows.memo[case_id][2]
        has_events = error != NO_EVENTS
        error = None if error == NO_EVENTS else error
        result.append(
            Listing(
                case_id,
                ref,
                str(row[5]),
                time_zone,
                status,
                updated,
                has_events,
                as_of,
                now,
                listed(kept, time_zone, as_of, now, frozenset(rows.done.get(case_id, ()))),
                error,
                row[-1],
            )
        )
    return result


# The `error` of the memo of a case without events (nothing to compute).
NO_EVENTS = "-"


def _compute(
    facts_row: tuple[object, ...], event_rows: list[tuple[str, str, str | None]]
) -> tuple[Brief, ...] | CoverageError:
    case = case_from_rows(facts_from_row(facts_row), event_rows)
    try:
        return briefs(case)
    except CoverageError as error:
        return error


def _remember(
    connection: Database,
    memos: dict[int, tuple[int, tuple[Brief, ...], str | None]],
    engine: str,
) -> None:
    """Write the new memos; a read-only or busy database only means no memo this time."""
    ids = [(case_id,) for case_id in memos]
    try:
        with connection.write():
            connection.executemany("DELETE FROM computed_deadlines WHERE case_id = ?", ids)
            connection.executemany("DELETE FROM computed WHERE case_id = ?", ids)
            connection.executemany(
                "INSERT INTO computed (case_id, revision, engine, error) VALUES (?, ?, ?, ?)",
                [
                    (case_id, revision, engine, error)
                    for case_id, (revision, _, error) in memos.items()
                ],
            )
            connection.executemany(
                f"INSERT INTO computed_deadlines (case_id, position, {', '.join(BRIEF_COLUMNS)}) "
                f"VALUES ({', '.join('?' * (len(BRIEF_COLUMNS) + 2))})",
                [
                    brief_row(case_id, position, brief)
                    for case_id, (_, computed, _) in memos.items()
                    for position, brief in enumerate(computed)
                ],
            )
    except Exception as error:
        failed = connection.failure(error)
        if failed is None or failed[0] == "db.damaged":
            raise
