"""Importing cases from a CSV file: validated in full first, then written in one transaction.

Columns: `ref`, `territory`, then one column per event id of the spec (`application-filed`,
`oqtf-notified`…) and, optionally, the facts (`appeal-info`, `channel`, `oqtf-decided`,
`departure-period`, `custody`, `oqtf-ground`, `legal-aid-outcome`, `judgment-appeal-info`,
`residence`) and who follows the case (`assignee`). Each may be headed by its French name instead
(`Référence`, `Département`, `Date de dépôt`…: `ACCEPTED`, the aliases declared with each input
in deadlines/inputs.py), matched ignoring case, accents and spaces. A header row is required; `,`
or `;` separates cells (Excel in French writes `;`); a repeatable event takes several dates
separated by `|`. Dates are ISO or DD/MM/YYYY, exactly as on the command line.

What Excel writes is accepted as it is: UTF-8 with or without a BOM ("CSV UTF-8"), else
Windows-1252 ("CSV (séparateur : point-virgule)"), empty trailing columns, a department written
`1`. Only a regular file or standard input is read, up to `MAX_MB` megabytes.

With `update`, a row whose reference exists changes that case as `case set` would (a date given
replaces the event's date, a request's dates are added, a fact given replaces it; an empty cell
keeps what is stored), each change logged, in the same all-or-nothing transaction.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import os
import re
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, BinaryIO

from deadlines.errors import DeadlinesError, InputError, ParamValue
from deadlines.inputs import EVENT_INPUTS, FACT_INPUTS, INPUTS, Entered, Kind

if TYPE_CHECKING:
    from caseload.database import Database
    from caseload.store import CaseRecord
    from deadlines.case import Case

EVENT_COLUMNS = tuple(spec.id for spec in EVENT_INPUTS)
# The facts a row may give besides its territory (a column per fact of the catalogue).
FACT_COLUMNS = tuple(spec.id for spec in FACT_INPUTS if spec.id != "territory")
KNOWN = ("ref", "territory", *EVENT_COLUMNS, *FACT_COLUMNS, "assignee")
REF_ALIASES = ("Référence", "Ref", "Dossier")
# Who follows the case (issue 17): not an input of the engine, so not in the catalogue.
ASSIGNEE_ALIASES = ("Suivi par", "Référent")
# Every column with the French headers accepted for it, in the order of KNOWN.
ACCEPTED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ref", REF_ALIASES),
    *sorted(
        ((spec.id, spec.csv_aliases) for spec in INPUTS), key=lambda pair: KNOWN.index(pair[0])
    ),
    ("assignee", ASSIGNEE_ALIASES),
)
TRUE = {"1", "yes", "oui", "true", "vrai", "y", "o"}
FALSE = {"0", "no", "non", "false", "faux", "n"}
MAX_REPORTED = 20
MAX_MB = 10
MAX_BYTES = MAX_MB * 1024 * 1024
STDIN = "-"
UTF8, CP1252 = "UTF-8", "Windows-1252"
# A UTF-8 sequence of two to four bytes: in a file that is not all UTF-8, the sign that part of
# it is (reading the whole as Windows-1252 would garble those characters).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (zip), .xls (OLE2)


def _fold(name: str) -> str:
    """A header as compared: no accents, no case, single spaces, a plain apostrophe."""
    text = unicodedata.normalize("NFKD", name.replace("\u2019", "'").replace("\u2018", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


_COLUMNS: dict[str, str] = {
    _fold(name): column for column, names in ACCEPTED for name in (column, *names)
}
_SHOWN: dict[str, str] = {
    _fold(name): name for column, names in ACCEPTED for name in (column, *names)
}


def column_id(name: str) -> str | None:
    """The column a header names (a spec id or one of its French names), or None."""
    return _COLUMNS.get(_fold(name))


def accepted_names() -> str:
    """Every accepted header, for the unknown-column error: `ref (Référence, Ref, Dossier), …`."""
    return ", ".join(f"{column} ({', '.join(names)})" for column, names in ACCEPTED)


def _escaped(text: str) -> str:
    """A cell or header as shown in an error: control characters (a NUL) escaped."""
    return "".join(repr(c)[1:-1] if unicodedata.category(c) == "Cc" else c for c in text)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    key: str
    params: tuple[tuple[str, ParamValue], ...]


class CsvErrors(InputError):
    """Every problem of the file, each with its line and column. Nothing was written."""

    def __init__(self, errors: list[RowError], total: int) -> None:
        super().__init__("import.errors", field="import", count=total)
        self.errors = errors


def _row_error(at: int, column: str | None, key: str, /, **params: ParamValue) -> RowError:
    shown = {k: _escaped(v) if isinstance(v, str) else v for k, v in params.items()}
    return RowError(at, None if column is None else _escaped(column), key, tuple(shown.items()))


def _boolean(text: str, column: str) -> bool | None:
    value = text.strip().lower()
    if not value:
        return None
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise InputError("import.boolean", field=column, value=text)


# --- reading the file ------------------------------------------------------------------------


def _read_stream(stream: BinaryIO, name: str) -> bytes:
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        key = "import.too-big-stdin" if name == STDIN else "import.too-big"
        raise InputError(key, field="import", value=name, limit=MAX_MB)
    return data


def read_bytes(name: str, stdin: BinaryIO | None) -> bytes:
    """The file's bytes: standard input for `-`, else a regular file (a FIFO or a device could
    block or never end), at most MAX_BYTES."""
    if name == STDIN:
        if stdin is None:
            raise InputError("import.not-regular", field="import", value=name)
        try:
            return _read_stream(stdin, name)
        except OSError as error:
            reason = error.strerror or str(error)
            raise InputError("import.read", field="import", value=name, reason=reason) from None
    try:
        # Non-blocking: opening a FIFO for reading would otherwise wait for a writer.
        descriptor = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputError("import.not-found", field="import", value=name) from None
    except PermissionError:
        raise InputError("import.denied", field="import", value=name) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError("import.read", field="import", value=name, reason=reason) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("import.not-regular", field="import", value=name)
        if info.st_size > MAX_BYTES:
            raise InputError("import.too-big", field="import", value=name, limit=MAX_MB)
        with open(descriptor, "rb", closefd=False) as file:
            return _read_stream(file, name)
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError("import.read", field="import", value=name, reason=reason) from None
    finally:
        os.close(descriptor)


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The text and the encoding it was read in: UTF-8 (with or without a BOM), else
    Windows-1252, the encoding of Excel's « CSV (séparateur : point-virgule) » in French.

    Taking Windows-1252 only when the bytes are not UTF-8 is safe: French text in Windows-1252
    (an accented letter followed by an ASCII one) is not valid UTF-8, and valid UTF-8 is never
    read otherwise. A file with UTF-8 sequences *and* invalid bytes (two files pasted together)
    is refused rather than half garbled, and so is a byte Windows-1252 does not define."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("import.utf16", field="import", value=name)
    if data.startswith(_WORKBOOKS):
        raise InputError("import.workbook", field="import", value=name)
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    try:
        return body.decode("utf-8"), UTF8
    except UnicodeDecodeError as error:
        first_bad = error.start
    if bom or _UTF8_SEQUENCE.search(body):  # UTF-8 in part: reading it otherwise would garble
        line = _line_of(body, first_bad)
        raise InputError("import.encoding", field="import", value=name, line=line)
    try:
        return body.decode("cp1252"), CP1252
    except UnicodeDecodeError as error:
        line = _line_of(body, error.start)
        raise InputError("import.encoding", field="import", value=name, line=line) from None


@dataclass(frozen=True)
class Table:
    """The file as read: its encoding, its header (the column each cell heads, as written) and
    its non-blank rows (line number, cells)."""

    encoding: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


def read_table(name: str, stdin: BinaryIO | None = None) -> Table:
    """The CSV `name` (`-`: standard input) as a Table; InputError if it cannot be read as CSV."""
    text, encoding = decode(read_bytes(name, stdin), name)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        rows = list(reader)
    except csv.Error:  # an unclosed quote, or text after a closing one (csv's English words)
        raise InputError("import.malformed", field="import", line=reader.line_num) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError("import.no-header", field="import")
    header = [cell.strip() for cell in rows[0]]
    while not header[-1]:  # Excel's empty trailing columns
        header.pop()
    body = [
        (line, cells)
        for line, cells in enumerate(rows[1:], start=2)
        if any(cell.strip() for cell in cells)  # not a blank line (nor a row of empty cells)
    ]
    return Table(encoding, header, body)


# --- checking every row ----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A row checked: a new case, or (update) the values to apply to an existing one."""

    line: int
    ref: str
    case: Case | None  # a new case
    entered: Entered | None = None  # an existing case's update
    assignee: str | None = None  # who follows it; None: nobody (new), unchanged (update)
    seen: CaseRecord | None = None  # an existing case as checked: written only if unchanged


@dataclass
class Outcome:
    """What the import did: new cases, each updated case with its logged changes, unchanged."""

    encoding: str
    added: int = 0
    updated: list[tuple[str, list[tuple[str, str | None, str | None]]]] = field(
        default_factory=list
    )
    unchanged: int = 0


def _columns(header: list[str]) -> tuple[list[str | None], list[RowError]]:
    """The column id of each header cell, and the header's problems."""
    ids: list[str | None] = []
    errors: list[RowError] = []
    first: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        column = column_id(name)
        ids.append(column)
        if not name:
            errors.append(_row_error(1, None, "import.empty-header", number=number))
        elif column is None:
            near = difflib.get_close_matches(_fold(name), _COLUMNS, n=1, cutoff=0.7)
            choices = accepted_names()
            if near:
                key, shown = "import.unknown-column-near", _SHOWN[near[0]]
                errors.append(_row_error(1, name, key, value=name, near=shown, choices=choices))
            else:
                key = "import.unknown-column"
                errors.append(_row_error(1, name, key, value=name, choices=choices))
        elif column in first:
            other = header[first[column] - 1]
            errors.append(
                _row_error(
                    1,
                    name,
                    "import.repeated-column",
                    value=name,
                    first=other,
                    number=first[column],
                )
            )
        else:
            first[column] = number
    return ids, errors


def _territory(text: str) -> str:
    """The territory cell: required (an empty one is not Paris); a department Excel wrote
    without its leading zero (`1`) is `01`."""
    code = text.strip()
    if not code:
        raise InputError("import.territory-empty", field="territory")
    return f"0{code}" if len(code) == 1 and code in "123456789" else code


def _entered(cells: dict[str, str]) -> dict[str, str | list[str] | bool | None]:
    entered: dict[str, str | list[str] | bool | None] = {
        column: [d for d in cells.get(column, "").split("|") if d.strip()]
        for column in EVENT_COLUMNS
    }
    for spec in FACT_INPUTS:
        cell = cells.get(spec.id, "")
        if spec.kind is Kind.YES_NO:
            entered[spec.id] = _boolean(cell, spec.id)
        else:
            entered[spec.id] = cell.strip() or None
    entered["territory"] = _territory(cells.get("territory", ""))
    return entered


def updated_case(case: Case, entered: Entered) -> Case:
    """`case` with a row's values, as `case set` changes it: a date replaces the event's date, a
    request's dates not already there are added, a fact given replaces it; empty: kept."""
    from caseload.store import with_events
    from deadlines.entered import ENTERED_EVENTS, check_facts_of_events, merge_facts, parse_events
    from deadlines.rules.model import REPEATABLE_EVENTS

    # A fact that describes an event (the OQTF's custody, the legal-aid outcome…) needs that
    # event in the row or in the case.
    kinds = {e.kind for e in case.events} | {k for k in ENTERED_EVENTS if entered.get(k.value)}
    check_facts_of_events(entered, kinds)
    there = {(e.kind, e.at) for e in case.events if e.kind in REPEATABLE_EVENTS}
    events = [pair for pair in parse_events(entered) if pair not in there]
    return with_events(case, merge_facts(case.facts, entered), events)


def validate(
    connection: Database | None,
    table: Table,
    update: bool = False,
    accept_unlikely: bool = False,
) -> list[Row]:
    """Every row checked against the store (None: there is none yet); CsvErrors listing every
    problem, with its line and column, when any row is wrong. A reference that reads like a
    person's name is one, unless `accept_unlikely` (deadlines.plausible)."""
    from calendars.plan import parse_ref
    from caseload.store import exists, get
    from caseload.team import parse_assignee
    from deadlines.entered import build_case
    from deadlines.plausible import looks_like_a_name

    ids, errors = _columns(table.header)
    for required in ("ref", "territory"):
        if required not in ids:
            errors.append(_row_error(1, required, "import.missing-column", value=required))
    if any(error.key == "import.missing-column" for error in errors):
        raise CsvErrors(errors, len(errors))  # the rows cannot be read without ref and territory
    # The other header errors are reported with the rows' own errors, so one run lists them all.
    width = len(ids)
    shown = {column: name for column, name in zip(ids, table.header, strict=True) if column}
    checked: list[Row] = []
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        extra = [(n, c) for n, c in enumerate(cells[width:], start=width + 1) if c.strip()]
        if extra:
            number, cell = extra[0]
            errors.append(_row_error(line, None, "import.extra-cell", value=cell, number=number))
            continue
        if len(cells) < width:
            errors.append(_row_error(line, None, "import.width", count=len(cells)))
            continue
        by_column = {
            column: cell for column, cell in zip(ids, cells[:width], strict=True) if column
        }
        ref = by_column["ref"].strip()
        try:
            parse_ref(ref)
            if looks_like_a_name(ref) and not accept_unlikely:
                raise InputError("ref.looks-like-a-name", field="ref", value=ref)
            if ref in seen:
                raise InputError("import.duplicate", field="ref", value=ref, line=seen[ref])
            seen[ref] = line
            entered = _entered(by_column)
            # An empty cell: nobody for a new case, kept for an update (as every other cell).
            cell = by_column.get("assignee", "").strip()
            follower = parse_assignee(cell) if cell else None
            if connection is None or not exists(connection, ref):
                new = build_case(entered, require_event=False)
                checked.append(Row(line, ref, new, assignee=follower))
            elif not update:
                raise InputError("import.exists", field="ref", value=ref)
            else:
                record = get(connection, ref)
                updated_case(record.case, entered)  # every value checked now
                checked.append(Row(line, ref, None, entered, follower, record))
        except DeadlinesError as error:
            column = shown.get(error.field or "", error.field)
            errors.append(_row_error(line, column, error.key, **error.params))
    if errors:
        raise CsvErrors(errors[:MAX_REPORTED], len(errors))
    return checked


# --- writing ---------------------------------------------------------------------------------


def write(
    connection: Database,
    rows: list[Row],
    encoding: str,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """All rows in one transaction: after a crash, either every case is there or none. A case
    another writer changed since it was checked (`Row.seen`) stops the import with nothing
    written (CaseChanged, exit 4): its rows were checked against the case as it was."""
    from caseload.store import assign_within, insert, update_within

    outcome = Outcome(encoding)
    with connection.write():
        for number, row in enumerate(rows, start=1):
            if row.case is not None:
                insert(connection, row.ref, row.case, "import", row.assignee)
                outcome.added += 1
            else:
                change = partial(updated_case, entered=row.entered or {})
                record, _, changes = update_within(
                    connection, row.ref, change, shown=row.seen, source="import"
                )
                if row.assignee is not None and assign_within(connection, record, row.assignee):
                    changes = [*changes, ("assignee", record.assignee, row.assignee)]
                if changes:
                    outcome.updated.append((row.ref, changes))
                else:
                    outcome.unchanged += 1
            if progress is not None:
                progress(number)
    return outcome


# --- what the import says --------------------------------------------------------------------


_YES_NO_COLUMNS = frozenset(spec.id for spec in FACT_INPUTS if spec.kind is Kind.YES_NO)


def _value(column: str, value: str | None, lang: str) -> str:
    if value is None:
        return "—"
    if column in _YES_NO_COLUMNS and value in {"0", "1"}:
        return {"0": {"fr": "non", "en": "no"}, "1": {"fr": "oui", "en": "yes"}}[value][lang]
    return value


def report_lines(outcome: Outcome, update: bool, lang: str) -> tuple[list[str], str]:
    """One line per updated case with its changes (old → new), and the summary line."""
    from deadlines.messages import render

    lines = []
    for ref, changes in outcome.updated:
        parts = []
        for what, old, new in changes:
            column = what.split(":", 1)[-1].replace("_", "-")  # "assignee" has no prefix
            parts.append(f"{column} {_value(column, old, lang)} → {_value(column, new, lang)}")
        joined = (" ; " if lang == "fr" else "; ").join(parts)
        lines.append(render("import.updated", {"value": ref, "changes": joined}, lang))
    if update:
        params: dict[str, ParamValue] = {
            "added": outcome.added,
            "updated": len(outcome.updated),
            "unchanged": outcome.unchanged,
            "encoding": outcome.encoding,
        }
        return lines, render("import.done-update", params, lang)
    done: dict[str, ParamValue] = {"count": outcome.added, "encoding": outcome.encoding}
    return lines, render("import.done", done, lang)
