"""Importing cases from a CSV file: validated in full first, then written in one transaction.

Columns: `ref`, `territory`, then one column per event id of the spec (`application-filed`,
`oqtf-notified`…) and, optionally, the facts (`appeal-info`, `channel`, `oqtf-decided`,
`departure-period`, `custody`, `oqtf-ground`). A header row is required; `,` or `;` separates
cells (Excel in French writes `;`); a repeatable event takes several dates separated by `|`.
Dates are ISO or DD/MM/YYYY, exactly as on the command line.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from caseload.store import exists, insert, transaction
from deadlines.case import Case
from deadlines.entered import ENTERED_EVENTS, build_case
from deadlines.errors import DeadlinesError, InputError, ParamValue
from deadlines.inputs import FACT_INPUTS, Kind

EVENT_COLUMNS = tuple(kind.value for kind in ENTERED_EVENTS)
# The facts a row may give besides its territory (a column per fact of the catalogue).
FACT_COLUMNS = tuple(spec.id for spec in FACT_INPUTS if spec.id != "territory")
KNOWN = ("ref", "territory", *EVENT_COLUMNS, *FACT_COLUMNS)
TRUE = {"1", "yes", "oui", "true", "vrai", "y", "o"}
FALSE = {"0", "no", "non", "false", "faux", "n"}
MAX_REPORTED = 20


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


def _boolean(text: str, column: str) -> bool | None:
    value = text.strip().lower()
    if not value:
        return None
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise InputError("import.boolean", field=column, value=text)


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(
            "import.read", field="import", value=str(path), reason=str(error)
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise InputError(
            "import.malformed", field="import", line=reader.line_num, reason=str(error)
        ) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError("import.no-header", field="import")
    header = [cell.strip().lower() for cell in rows[0]]
    records = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        if len(cells) != len(header):
            records.append({"__line__": str(line), "__width__": str(len(cells))})
            continue
        records.append({"__line__": str(line), **dict(zip(header, cells, strict=True))})
    return header, records


def validate(connection: sqlite3.Connection, path: Path) -> list[tuple[str, Case]]:
    """Every row as (ref, case); CsvErrors listing every problem when any row is wrong."""
    header, rows = read_rows(path)
    errors: list[RowError] = []
    for column in header:
        if column not in KNOWN:
            errors.append(RowError(1, column, "import.unknown-column", (("value", column),)))
    for required in ("ref", "territory"):
        if required not in header:
            errors.append(RowError(1, required, "import.missing-column", (("value", required),)))
    if any(error.key == "import.missing-column" for error in errors):
        raise CsvErrors(errors, len(errors))  # the rows cannot be read without ref and territory
    # An unknown column is reported with the rows' own errors, so one run lists them all.
    cases: list[tuple[str, Case]] = []
    seen: dict[str, int] = {}
    for row in rows:
        line = int(row["__line__"])
        if "__width__" in row:
            errors.append(RowError(line, None, "import.width", (("count", int(row["__width__"])),)))
            continue
        ref = row["ref"].strip()
        try:
            from calendars.plan import parse_ref

            parse_ref(ref)
            if ref in seen:
                raise InputError("import.duplicate", field="ref", value=ref, line=seen[ref])
            if exists(connection, ref):
                raise InputError("case.exists", field="ref", value=ref)
            seen[ref] = line
            entered: dict[str, str | list[str] | bool | None] = {
                kind.value: [d for d in row.get(kind.value, "").split("|") if d.strip()]
                for kind in ENTERED_EVENTS
            }
            for spec in FACT_INPUTS:
                cell = row.get(spec.id, "")
                if spec.kind is Kind.YES_NO:
                    entered[spec.id] = _boolean(cell, spec.id)
                else:
                    entered[spec.id] = cell.strip() or None
            case = build_case(entered, require_event=False)
        except DeadlinesError as error:
            errors.append(RowError(line, error.field, error.key, tuple(error.params.items())))
            continue
        cases.append((ref, case))
    if errors:
        raise CsvErrors(errors[:MAX_REPORTED], len(errors))
    return cases


def write(
    connection: sqlite3.Connection,
    cases: list[tuple[str, Case]],
    progress: Callable[[int], None] | None = None,
) -> None:
    """All rows in one transaction: after a crash, either every case is there or none."""
    with transaction(connection):
        for number, (ref, case) in enumerate(cases, start=1):
            insert(connection, ref, case, source="import")
            if progress is not None:
                progress(number)
