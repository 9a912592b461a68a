"""A whole caseload copied from one store to another, SQLite ⇄ PostgreSQL, and checked (issue 17).

`deadlines db copy SOURCE CIBLE` moves a caseload to PostgreSQL when a team starts sharing it,
and back; `deadlines backup` of a PostgreSQL store is the same copy into a SQLite file. What is
copied: every table the caseload's data lives in (COPIED), row for row, ids kept, in one write
transaction on the target — all or nothing. Not copied: the memo (MEMO), which is derived from
the cases and computed again on the target by the check.

The check: every case's deadlines, as the lists compute them (caseload.memo.listings, archived
cases too, with their done marks), seen from one same moment on the source and on the target,
must be equal. A SQLite target is written into a temporary file beside it, renamed into place
only once the check passed; a PostgreSQL target is committed, checked, and the copied rows are
taken out again (one transaction) when the check fails.

The target must hold no caseload: a path where no file is, or a PostgreSQL database that is
empty (its tables are made) or holds an empty caseload. Nothing is ever merged into cases
already there.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from time import monotonic
from typing import Any

from caseload.database import Database
from caseload.db import connect, is_url
from caseload.memo import Listing, listings
from deadlines.clock import Reference, pinned_reference
from deadlines.errors import DeadlinesError, InputError

# The tables copied, parents before children (foreign keys), each with the order its rows are
# read and written in (ids ascending: the change log stays in its order).
COPIED: tuple[tuple[str, str], ...] = (
    ("cases", "id"),
    ("events", "id"),
    ("done", "case_id, rule, trigger_kind, trigger_rank"),
    ("changes", "id"),  # the append-only log, `db_role` included
    ("exported_text", "id"),
    ("exported_calendars", "id"),
    ("exported", "calendar, ref"),
    ("exported_v2", "uid"),
    ("synced_calendars", "id"),
    ("synced", "calendar, uid"),
)
# The memo: derived from the cases (caseload.memo), computed again on the target by the check.
MEMO = ("computed", "computed_deadlines")
# The tables whose ids PostgreSQL draws from an identity sequence: set past the copied ids.
IDENTITY = ("cases", "events", "changes", "exported_calendars", "synced_calendars")

# A source written to during the copy is read again, this many times in all, before giving up.
ATTEMPTS = 3

Table = tuple[list[str], list[Sequence[Any]]]  # a table as read: its column names, its rows


@dataclass(frozen=True)
class Copied:
    """What a copy did: the rows of each table, and the deadlines found equal on both sides."""

    source: str
    target: str
    rows: dict[str, int]
    deadlines: int
    seconds: float

    @property
    def cases(self) -> int:
        return self.rows["cases"]

    @property
    def events(self) -> int:
        return self.rows["events"]

    @property
    def changes(self) -> int:
        return self.rows["changes"]


def copy(
    source_location: str | Path,
    target_location: str | Path,
    source_field: str = "SOURCE",
    target_field: str = "CIBLE",
) -> Copied:
    """Copy the caseload at `source_location` (a SQLite path or a PostgreSQL URL) to
    `target_location`, which must hold no caseload; checked (see the module)."""
    started = monotonic()
    if _same(source_location, target_location):
        raise InputError("copy.same", field=target_field, value=_named(target_location))
    if not is_url(target_location) and Path(target_location).exists():
        raise InputError("copy.target-exists", field=target_field, value=str(target_location))
    with _opened(source_location, create=False, field=source_field) as source:
        return copy_from(source, target_location, target_field, started=started)


def copy_from(
    source: Database,
    target_location: str | Path,
    field: str,
    replace: bool = False,
    started: float | None = None,
) -> Copied:
    """Copy the open caseload `source` to `target_location`; `replace`: a SQLite file there is
    replaced (`backup --force`), else refused."""
    started = monotonic() if started is None else started
    if is_url(target_location):
        return _into_postgres(source, str(target_location), field, started)
    return _into_file(source, Path(target_location), field, replace, started)


def backup_to_file(source: Database, target: Path, force: bool) -> Copied:
    """`deadlines backup FILE` of a PostgreSQL store: the caseload copied into a new SQLite file
    (0600), checked, never over an existing file without `force`; `db copy FILE URL` restores
    it."""
    if target.exists() and not force:
        raise InputError("backup.exists", field="backup", value=str(target))
    if not target.parent.is_dir():  # as the SQLite backup: no folder made
        reason = os.strerror(errno.ENOENT)
        raise InputError("backup.write", field="backup", value=str(target), reason=reason)
    return copy_from(source, target, "backup", replace=force)


# --- opening and naming the stores ------------------------------------------------------------


def _named(location: str | Path) -> str:
    """A store as messages name it: a URL without any password in it."""
    if is_url(location):
        from caseload.postgres import shown

        return shown(str(location))
    return str(location)


def _same(source: str | Path, target: str | Path) -> bool:
    """The two arguments name one store: the same file, or the same URL."""
    if is_url(source) or is_url(target):
        return str(source) == str(target)
    first, second = Path(source), Path(target)
    if first.exists() and second.exists():
        return os.path.samefile(first, second)
    return first.resolve() == second.resolve()


@contextmanager
def _opened(location: str | Path, create: bool, field: str) -> Iterator[Database]:
    """The store at `location`, closed at the end; a fault of the store met inside (a server
    gone, a read-only file) is an InputError naming `field`, as caseload.db.opened does."""
    database = connect(location, create, field)
    try:
        with database.said():
            yield database
    finally:
        database.close()


# --- the copy itself ----------------------------------------------------------------------------


def _into_file(source: Database, path: Path, field: str, replace: bool, started: float) -> Copied:
    """Into a new SQLite file: made aside (0600, in a folder made 0700), filled, checked, and
    only then put in place; on any failure nothing is left at `path` but what was there."""
    if path.exists() and not replace:
        raise InputError("copy.target-exists", field=field, value=str(path))
    if path.is_dir():
        raise InputError("copy.write", field=field, value=str(path), reason="directory")
    aside = path.with_name(f".{path.name}.{os.getpid()}.copy")
    _remove(aside)
    try:
        with _opened(aside, create=True, field=field) as target:
            rows, deadlines = _copy_checked(source, target)
            # One self-contained file: the write-ahead log folded in and removed.
            target.execute("PRAGMA journal_mode = DELETE")
        os.chmod(aside, 0o600)
        if replace:
            os.replace(aside, path)
        else:
            try:
                os.link(aside, path)  # never over a file that appeared meanwhile
            except FileExistsError:
                raise InputError("copy.target-exists", field=field, value=str(path)) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError("copy.write", field=field, value=str(path), reason=reason) from None
    finally:
        _remove(aside)
    return Copied(source.location, str(path), rows, deadlines, _since(started))


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def _into_postgres(source: Database, url: str, field: str, started: float) -> Copied:
    """Into a PostgreSQL database: its tables made if it is empty, the copy committed, then
    checked; a failed check takes the copied rows out again (`_erase`)."""
    with _opened(url, create=True, field=field) as target:
        _refuse_filled(target)  # early: before the source is read
        rows, deadlines = _copy_checked(source, target, _erase)
    return Copied(source.location, target.location, rows, deadlines, _since(started))


def _since(started: float) -> float:
    return round(monotonic() - started, 3)


def _copy_checked(
    source: Database,
    target: Database,
    undo: Callable[[Database, dict[str, Table]], None] | None = None,
) -> tuple[dict[str, int], int]:
    """Copy every table of `source` into `target` (committed), then compare every case's
    deadlines on both; the rows copied per table and the number of deadlines compared. A
    difference is a DeadlinesError (exit status 1), after `undo(target, tables)` took the
    copied rows out again (PostgreSQL: they were committed)."""
    reference = pinned_reference(datetime.now(UTC))  # one moment for both sides
    expected, tables = _read_source(source, reference)
    _write(target, tables)
    try:
        with target.said():
            found = listings(target, reference, include_archived=True)
        if (differing := _first_difference(expected, found)) is not None:
            raise DeadlinesError(
                "copy.mismatch", field=target.field, value=target.location, ref=differing
            )
    except BaseException as error:
        if undo is None:
            raise
        try:
            undo(target, tables)
        except Exception as failed:
            if not isinstance(error, DeadlinesError) or error.key != "copy.mismatch":
                raise error from None  # the first error is the one to say
            reason = target.failure(failed) or ("", str(failed))
            raise DeadlinesError(
                "copy.mismatch-kept",
                field=target.field,
                value=target.location,
                ref=str(error.params["ref"]),
                reason=reason[1],
            ) from None
        raise
    return {name: len(content[1]) for name, content in tables.items()}, sum(
        len(listing.deadlines) for listing in found
    )


def _read_source(source: Database, reference: Reference) -> tuple[list[Listing], dict[str, Table]]:
    """Every case's deadlines as the source computes them, and every copied table, read in one
    snapshot; the two agree: the source's change log (which every write of the tool adds a
    line to) is the same before the deadlines were computed and in the snapshot. A team
    writing all the while makes the copy try again, then give up (copy.source-busy)."""
    with source.said():
        for _ in range(ATTEMPTS):
            before = _marker(source)
            expected = listings(source, reference, include_archived=True)
            with source.snapshot():  # one moment of the source, whoever writes meanwhile
                tables = {name: _rows(source, name, order) for name, order in COPIED}
                after = _marker(source)
            if before == after:
                return expected, tables
    raise InputError("copy.source-busy", field=source.field, value=source.location)


def _marker(database: Database) -> tuple[Any, ...]:
    """What changes with any write of a case: the last line of the change log, the number of
    cases and the sum of their revisions (raised by triggers on any event or fact)."""
    return tuple(
        database.execute(
            "SELECT (SELECT max(id) FROM changes), (SELECT count(*) FROM cases), "
            "(SELECT sum(revision) FROM cases)"
        ).fetchone()
    )


def _quoted(names: Sequence[str]) -> str:
    # "end" (exported_v2) is a reserved word in PostgreSQL; every name is quoted alike.
    return ", ".join(f'"{name}"' for name in names)


def _rows(database: Database, table: str, order: str) -> Table:
    columns = database.columns(table)
    rows = database.execute(f"SELECT {_quoted(columns)} FROM {table} ORDER BY {order}").fetchall()
    return columns, rows


def _refuse_filled(target: Database) -> None:
    """A target holding any row of a caseload is refused, before anything is written."""
    with target.said():
        counts = {
            table: int(target.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in (*(name for name, _ in COPIED), *MEMO)
        }
    if any(counts.values()):
        raise InputError(
            "copy.target-not-empty",
            field=target.field,
            value=target.location,
            cases=counts["cases"],
        )


def _write(target: Database, tables: dict[str, Table]) -> None:
    """Every row into `target`, in one write transaction, ids kept; then what the schema's
    triggers changed on the way put back (each case's revision, raised by each event inserted),
    and on PostgreSQL each identity sequence set past the copied ids."""
    with target.said(), target.write():
        _refuse_filled(target)  # again, holding the writer lock: nobody wrote meanwhile
        for name, _ in COPIED:
            columns, rows = tables[name]
            wanted = set(target.columns(name))
            if set(columns) != wanted:  # both at the latest schema version: a bug
                raise RuntimeError(f"{name}: columns {columns} in the source, {wanted} here")
            if rows:
                target.executemany(
                    f"INSERT INTO {name} ({_quoted(columns)}) "
                    f"VALUES ({', '.join('?' * len(columns))})",
                    rows,
                )
        columns, cases = tables["cases"]
        ids, revisions = columns.index("id"), columns.index("revision")
        was = {row[ids]: row[revisions] for row in cases}
        moved = [
            (was[case_id], case_id)
            for case_id, revision in target.execute("SELECT id, revision FROM cases")
            if revision != was[case_id]
        ]
        target.executemany("UPDATE cases SET revision = ? WHERE id = ?", moved)
        target.ids_follow(IDENTITY)


def _erase(target: Database, tables: dict[str, Table]) -> None:
    """Take the copied rows out of `target` again (a failed check on PostgreSQL), in one
    transaction: the rows with the copied ids (their events, done marks, memo and export and
    sync states go with them), and the copied cases' change log, which only this way may be
    deleted (the append-only trigger: Database.delete_change_log). DELETE, not TRUNCATE: a
    caseworker's role may delete rows, and a row someone added since the copy stays."""
    with target.said(), target.write():
        columns, changes = tables["changes"]
        for ref in sorted({row[columns.index("ref")] for row in changes}):
            target.delete_change_log(ref)
        for table in ("cases", "exported_text", "exported_calendars", "synced_calendars"):
            columns, rows = tables[table]
            if rows:
                top = max(row[columns.index("id")] for row in rows)
                target.execute(f"DELETE FROM {table} WHERE id <= ?", (top,))
        target.execute("DELETE FROM exported_v2")  # only ever read and emptied by an export


# --- the check ------------------------------------------------------------------------------------


def _first_difference(expected: list[Listing], found: list[Listing]) -> str | None:
    """The reference of the first case (in reference order) whose listing differs, or that is
    on one side only; None when every case is the same."""
    theirs = {listing.ref: listing for listing in found}
    ours = {listing.ref: listing for listing in expected}
    for ref in sorted(theirs.keys() | ours.keys()):
        if ours.get(ref) != theirs.get(ref):
            return ref
    return None
