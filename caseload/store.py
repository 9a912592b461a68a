"""Cases, events, done actions and the change log in SQLite. Every write is one transaction.

A case is stored as what the caseworker entered (events and facts), never as computed dates: the
engine recomputes the deadlines on every read, so a corrected rule reaches every case.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time

from caseload.database import Database
from deadlines.case import Case, Event, Facts, make_case
from deadlines.engine import DeadlineKey
from deadlines.errors import InputError
from deadlines.rules.model import (
    Channel,
    Custody,
    EventKind,
    LegalAidOutcome,
    OqtfGround,
    Residence,
)

# A case's version: its revision (raised by triggers on any change to its events or facts,
# whoever writes them: schema V3) and the id of the last line of the change log about it (every
# write of the tool logs, so done marks, status and assignee count too; V7 has no trigger for
# them). Two reads of one case give the same version only if nothing was written in between.
Version = tuple[int, int]


@dataclass(frozen=True)
class CaseRecord:
    id: int
    ref: str
    case: Case
    status: str  # "active" or "archived"
    created: str
    updated: str
    done: frozenset[DeadlineKey] = frozenset()
    assignee: str | None = None  # the caseworker who follows it (schema V7); None: nobody
    # What the case was when read (`version`), for a write to check that nobody changed it
    # since; None when read for a list (never written back from there).
    version: Version | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def os_user() -> str:
    """Who is writing, for the change log: $DEADLINES_USER, else the login name from the
    environment, else the numeric uid; never a lookup that could ask a directory server."""
    for variable in ("DEADLINES_USER", "LOGNAME", "USER", "USERNAME"):
        if name := os.environ.get(variable):
            return name
    return f"uid:{os.getuid()}"


def _log(connection: Database, ref: str, what: str, old: str | None, new: str | None) -> None:
    connection.execute(
        "INSERT INTO changes (at, os_user, ref, what, old, new) VALUES (?, ?, ?, ?, ?, ?)",
        (_now(), os_user(), ref, what, old, new),
    )


# --- rows <-> domain -------------------------------------------------------------------------

FACT_COLUMNS = (
    "territory",
    "appeal_info",
    "channel",
    "oqtf_decided",
    "departure_period",
    "custody",
    "oqtf_ground",
    # Schema V6 (wave 2).
    "legal_aid_outcome",
    "residence",
    "judgment_appeal_info",
)


def _fact_values(facts: Facts) -> tuple[object, ...]:
    return (
        facts.territory,
        int(facts.appeal_info),
        facts.channel.value if facts.channel else None,
        facts.oqtf_decided.isoformat() if facts.oqtf_decided else None,
        None if facts.departure_period is None else int(facts.departure_period),
        facts.custody.value,
        facts.ground.value,
        facts.legal_aid_outcome.value,
        facts.residence.value,
        int(facts.judgment_appeal_info),
    )


def facts_from_row(row: tuple[object, ...]) -> Facts:
    (
        territory,
        appeal_info,
        channel,
        decided,
        departure,
        custody,
        ground,
        outcome,
        residence,
        judgment_appeal_info,
    ) = row
    return Facts(
        territory=str(territory),
        appeal_info=bool(appeal_info),
        channel=Channel(str(channel)) if channel else None,
        oqtf_decided=date.fromisoformat(str(decided)) if decided else None,
        departure_period=None if departure is None else bool(departure),
        custody=Custody(str(custody)),
        ground=OqtfGround(str(ground)),
        legal_aid_outcome=LegalAidOutcome(str(outcome)),
        residence=Residence(str(residence)),
        judgment_appeal_info=bool(judgment_appeal_info),
    )


def event_value(event: Event) -> str:
    """An event as stored and logged: ISO date, with ` HH:MM` when it has a time."""
    return event.at.isoformat() + (f"T{event.time:%H:%M}" if event.time else "")


def _event_pair(kind: str, day: str, at: str | None) -> tuple[EventKind, date]:
    parsed = date.fromisoformat(day)
    if at:
        return EventKind(kind), datetime.combine(parsed, time.fromisoformat(at))
    return EventKind(kind), parsed


def case_from_rows(facts: Facts, rows: Iterable[tuple[str, str, str | None]]) -> Case:
    return make_case([_event_pair(kind, day, at) for kind, day, at in rows], facts)


# --- reading ---------------------------------------------------------------------------------


def _select(where: str = "", params: tuple[object, ...] = ()) -> tuple[str, tuple[object, ...]]:
    columns = ", ".join(FACT_COLUMNS)
    return (
        f"SELECT id, ref, status, created, updated, assignee, {columns} FROM cases {where} "
        "ORDER BY ref",
        params,
    )


def load(
    connection: Database,
    refs: Iterable[str] | None = None,
    include_archived: bool = False,
) -> list[CaseRecord]:
    """Cases with their events and done actions, in three queries whatever their number."""
    conditions, params = [], []
    if not include_archived:
        conditions.append("status = 'active'")
    wanted = list(refs) if refs is not None else None
    if wanted is not None:
        if not wanted:
            return []
        conditions.append(f"ref IN ({', '.join('?' * len(wanted))})")
        params.extend(wanted)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    sql, values = _select(where, tuple(params))
    cases = connection.execute(sql, values).fetchall()
    if not cases:
        return []
    ids = {row[0] for row in cases}
    # The same condition as the cases, as a subquery: one query per table whatever the number
    # of cases, and only their rows (a single `case show` does not read the whole caseload).
    subquery = f"SELECT id FROM cases {where}"
    events: dict[int, list[tuple[str, str, str | None]]] = {}
    for case_id, kind, day, at in connection.execute(
        f"SELECT case_id, kind, day, time FROM events WHERE case_id IN ({subquery}) "
        "ORDER BY case_id, id",
        tuple(params),
    ):
        if case_id in ids:
            events.setdefault(case_id, []).append((kind, day, at))
    done: dict[int, set[DeadlineKey]] = {}
    for case_id, rule, kind, rank in connection.execute(
        f"SELECT case_id, rule, trigger_kind, trigger_rank FROM done WHERE case_id IN ({subquery})",
        tuple(params),
    ):
        if case_id in ids:
            done.setdefault(case_id, set()).add(DeadlineKey(rule, kind, rank))
    records = []
    for row in cases:
        case_id, ref, status, created, updated, assignee = row[:6]
        records.append(
            CaseRecord(
                case_id,
                ref,
                case_from_rows(facts_from_row(row[6:]), events.get(case_id, [])),
                status,
                created,
                updated,
                frozenset(done.get(case_id, set())),
                assignee,
            )
        )
    return records


def get(connection: Database, ref: str) -> CaseRecord:
    """The case `ref` with its version, for a command that may write it back."""
    if not ref.isprintable():  # bytes that are not UTF-8, control characters: never a reference
        raise InputError("case.unknown", field="ref", value=ref)
    # The version is read first: a write that comes between the two reads then makes the
    # record newer than its version, and the write back is refused (never the reverse, which
    # would let a stale write through).
    seen = version(connection, ref)
    records = load(connection, [ref], include_archived=True)
    if not records or seen is None:
        raise InputError("case.unknown", field="ref", value=ref)
    return replace(records[0], version=seen)


def version(connection: Database, ref: str) -> Version | None:
    """The case's version now (see `Version`), None when there is no such case."""
    row = connection.execute(
        "SELECT revision, (SELECT MAX(id) FROM changes WHERE changes.ref = cases.ref) "
        "FROM cases WHERE ref = ?",
        (ref,),
    ).fetchone()
    return None if row is None else (int(row[0]), int(row[1] or 0))


def check_unchanged(connection: Database, record: CaseRecord) -> None:
    """Inside a write transaction: CaseChanged (exit 4) when another writer changed or removed
    the case since `record` was read. A record read without a version is not checked."""
    if record.version is not None and version(connection, record.ref) != record.version:
        raise changed_meanwhile(connection, record.ref)


def exists(connection: Database, ref: str) -> bool:
    return connection.execute("SELECT 1 FROM cases WHERE ref = ?", (ref,)).fetchone() is not None


# --- writing ---------------------------------------------------------------------------------


def insert(
    connection: Database,
    ref: str,
    case: Case,
    source: str,
    assignee: str | None = None,
) -> None:
    """Add a case (inside the caller's transaction), followed by `assignee` if given."""
    if exists(connection, ref):
        raise InputError("case.exists", field="ref", value=ref)
    stamp = _now()
    # RETURNING rather than lastrowid: the SQL PostgreSQL reads too (SQLite >= 3.35).
    ((case_id,),) = connection.execute(
        f"INSERT INTO cases (ref, {', '.join(FACT_COLUMNS)}, status, created, updated, assignee) "
        f"VALUES (?, {', '.join('?' * len(FACT_COLUMNS))}, 'active', ?, ?, ?) RETURNING id",
        (ref, *_fact_values(case.facts), stamp, stamp, assignee),
    ).fetchall()  # all: the statement is then finished before the transaction commits
    _insert_events(connection, case_id, case, source)
    _log(connection, ref, "case:add", None, _summary(case))
    if assignee is not None:  # its own line, as `case assign` logs it: the history says who
        _log(connection, ref, "assignee", None, assignee)


def _insert_events(connection: Database, case_id: int | None, case: Case, source: str) -> None:
    connection.executemany(
        "INSERT INTO events (case_id, kind, day, time, source) VALUES (?, ?, ?, ?, ?)",
        [
            (case_id, e.kind.value, e.at.isoformat(), f"{e.time:%H:%M}" if e.time else None, source)
            for e in case.events
        ],
    )


def _summary(case: Case) -> str:
    events = "; ".join(f"{e.kind.value}={event_value(e)}" for e in case.events)
    return f"territory={case.facts.territory}; {events}"


def add(
    connection: Database,
    ref: str,
    case: Case,
    source: str = "cli",
    assignee: str | None = None,
) -> None:
    with connection.write():
        insert(connection, ref, case, source, assignee)


def update(
    connection: Database,
    ref: str,
    change: Callable[[Case], Case],
    shown: CaseRecord | None = None,
    source: str = "cli",
) -> tuple[CaseRecord, Case, list[tuple[str, str | None, str | None]]]:
    """Apply `change` to the case as it is now, in one write transaction: no other writer can
    come between the read and the write, so nothing another one saved is lost, and the change
    log says exactly what the data became. `shown`: the case as read when the user was shown
    its moves and approved them (or as an import checked it); if another writer changed it
    since, nothing is saved (CaseChanged).
    The record as read, the case written, and the differences logged."""
    with connection.write():
        return update_within(connection, ref, change, shown, source)


def update_within(
    connection: Database,
    ref: str,
    change: Callable[[Case], Case],
    shown: CaseRecord | None = None,
    source: str = "cli",
) -> tuple[CaseRecord, Case, list[tuple[str, str | None, str | None]]]:
    """`update` inside the caller's write transaction (an import's rows: all or none)."""
    if shown is not None:
        check_unchanged(connection, shown)
    record = get(connection, ref)
    new = change(record.case)
    differences = _differences(record.case, new)
    if differences:
        connection.execute(
            f"UPDATE cases SET {', '.join(f'{c} = ?' for c in FACT_COLUMNS)}, updated = ? "
            "WHERE id = ?",
            (*_fact_values(new.facts), _now(), record.id),
        )
        connection.execute("DELETE FROM events WHERE case_id = ?", (record.id,))
        _insert_events(connection, record.id, new, source)
        for what, before, after in differences:
            _log(connection, record.ref, what, before, after)
    return record, new, differences


class CaseChanged(InputError):
    """Another writer changed the case after the user was shown its moves. Exit status 4."""

    exit_code = 4


def changed_meanwhile(connection: Database, ref: str) -> CaseChanged:
    """The error that names who changed the case last, and when (from the change log, in
    local time: the log keeps UTC)."""
    row = connection.execute(
        "SELECT os_user, at FROM changes WHERE ref = ? ORDER BY id DESC LIMIT 1", (ref,)
    ).fetchone()
    who, at = row if row is not None else ("?", "?")
    return CaseChanged("case.changed-meanwhile", field="ref", value=ref, who=who, at=local(at))


def local(stamp: str) -> str:
    """A change log time (UTC, ISO) as the caseworker reads it: local time, to the second."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:  # never written by the tool; shown as it is rather than failing
        return stamp
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _differences(old: Case, new: Case) -> list[tuple[str, str | None, str | None]]:
    differences: list[tuple[str, str | None, str | None]] = []
    old_values = _event_values(old)
    new_values = _event_values(new)
    for kind in sorted(set(old_values) | set(new_values)):
        before, after = old_values.get(kind), new_values.get(kind)
        if before != after:
            differences.append((f"event:{kind}", before, after))
    for column, before_value, after_value in zip(
        FACT_COLUMNS, _fact_values(old.facts), _fact_values(new.facts), strict=True
    ):
        if before_value != after_value:
            differences.append((f"fact:{column}", _text(before_value), _text(after_value)))
    return differences


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _event_values(case: Case) -> dict[str, str]:
    values: dict[str, list[str]] = {}
    for event in case.events:
        values.setdefault(event.kind.value, []).append(event_value(event))
    return {kind: ", ".join(sorted(v)) for kind, v in values.items()}


def done_on(connection: Database, record: CaseRecord, key: DeadlineKey) -> date | None:
    """The day the deadline `key` of the case was marked done, if it was."""
    row = connection.execute(
        "SELECT on_day FROM done WHERE case_id = ? AND rule = ? AND trigger_kind = ? "
        "AND trigger_rank = ?",
        (record.id, key.rule, key.trigger, key.rank),
    ).fetchone()
    return None if row is None else date.fromisoformat(row[0])


def mark_done(connection: Database, record: CaseRecord, key: DeadlineKey, on: date) -> None:
    """Mark `key` done on `on` (replacing an earlier mark: the change log keeps both days).
    CaseChanged when another writer changed the case since `record` was read: the deadline
    named was found in the case as it was then."""
    with connection.write():
        check_unchanged(connection, record)
        before = done_on(connection, record, key)
        connection.execute(
            "INSERT INTO done (case_id, rule, trigger_kind, trigger_rank, on_day) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id, rule, trigger_kind, trigger_rank) "
            "DO UPDATE SET on_day = excluded.on_day",
            (record.id, key.rule, key.trigger, key.rank, on.isoformat()),
        )
        connection.execute("UPDATE cases SET updated = ? WHERE id = ?", (_now(), record.id))
        _log(
            connection,
            record.ref,
            f"done:{key.rule}/{key.trigger}/{key.rank}",
            None if before is None else before.isoformat(),
            on.isoformat(),
        )


def set_status(connection: Database, record: CaseRecord, status: str) -> None:
    with connection.write():
        check_unchanged(connection, record)
        connection.execute(
            "UPDATE cases SET status = ?, updated = ? WHERE id = ?", (status, _now(), record.id)
        )
        _log(connection, record.ref, "status", record.status, status)


def assign(connection: Database, record: CaseRecord, assignee: str | None) -> bool:
    """Give the case to `assignee` (None: to nobody); False when it already was (nothing
    written, nothing logged). CaseChanged when another writer changed it since it was read:
    a hand-over decided on what the case was then is not applied to what it is now."""
    with connection.write():
        check_unchanged(connection, record)
        return assign_within(connection, record, assignee)


def assign_within(connection: Database, record: CaseRecord, assignee: str | None) -> bool:
    """`assign` inside the caller's write transaction, on `record` as read inside it (an
    import's rows: all or none)."""
    if record.assignee == assignee:
        return False
    connection.execute(
        "UPDATE cases SET assignee = ?, updated = ? WHERE id = ?", (assignee, _now(), record.id)
    )
    _log(connection, record.ref, "assignee", record.assignee, assignee)
    return True


def remove(connection: Database, record: CaseRecord) -> None:
    """Delete the case, its events, done marks and memo, and every line of the change log about
    it but a tombstone (its reference and when it was removed): health data must really go.

    `erasing` asks the engine to overwrite what it keeps of deleted rows, where it can
    (caseload.database); the change log is append-only but for this one transaction."""
    with connection.erasing():
        check_unchanged(connection, record)  # asked on a case that changed meanwhile: kept
        connection.delete_change_log(record.ref)
        connection.execute("DELETE FROM cases WHERE id = ?", (record.id,))
        _log(connection, record.ref, "case:remove", None, None)


def _entered(event: Event) -> tuple[EventKind, date]:
    """An event as `make_case` takes it back: its day, or its local date and time."""
    if event.time is None:
        return event.kind, event.at
    return event.kind, datetime.combine(event.at, event.time)


def with_events(case: Case, facts: Facts, events: Iterable[tuple[EventKind, date]]) -> Case:
    """`case` with `facts` and the given events replacing (or, for repeatable ones, added to)
    the events of the same kind."""
    from deadlines.rules.model import REPEATABLE_EVENTS

    given = list(events)
    replaced = {kind for kind, _ in given if kind not in REPEATABLE_EVENTS}
    pairs: list[tuple[EventKind, date]] = []
    for event in case.events:
        if event.derived or event.kind in replaced:
            continue
        pairs.append(_entered(event))
    pairs.extend(given)
    # In the order of the procedure, as a case entered afresh: the same dates give an equal Case.
    order = {kind: number for number, kind in enumerate(EventKind)}
    pairs.sort(key=lambda pair: order[pair[0]])
    return make_case(pairs, facts)


def without_event(case: Case, kind: EventKind, day: date | None) -> Case:
    """`case` without the events of `kind` (or only the one on `day`)."""
    kept = [
        e
        for e in case.events
        if not (e.kind is kind and (day is None or e.at == day)) and not e.derived
    ]
    if len(kept) == len(case.events):
        raise InputError("event.not-in-case", field="event", value=kind.value)
    pairs = [_entered(e) for e in kept]
    facts = case.facts
    if not any(e.kind is kind for e in kept):
        facts = _without_facts_of(kind, facts)
    return make_case(pairs, facts)


def _without_facts_of(kind: EventKind, facts: Facts) -> Facts:
    """The facts that describe an event go with it (the OQTF's, the legal-aid decision's, the
    judgment's): back to their "not given" values once it is removed."""
    if kind is EventKind.OQTF_NOTIFIED:
        return replace(
            facts,
            oqtf_decided=None,
            departure_period=None,
            custody=Custody.NONE,
            ground=OqtfGround.REFUSAL,
        )
    if kind is EventKind.LEGAL_AID_DECIDED:
        return replace(facts, legal_aid_outcome=LegalAidOutcome.GRANTED)
    if kind is EventKind.JUDGMENT_NOTIFIED:
        return replace(facts, judgment_appeal_info=True)
    return facts
