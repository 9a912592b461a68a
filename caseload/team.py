"""Working as a team: who follows a case (its assignee) and who did what to it (its history).

A caseworker is named as `DEADLINES_USER` names them (caseload.store.os_user): free text, no
directory of people. The history is the change log (`changes`) of one case, which every write of
the store appends to (caseload/store.py `_log`) and nothing can rewrite (schema triggers).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from caseload.database import Database
from deadlines.errors import InputError

# Longer is no one's name: a pasted paragraph. A name is written into every list and the log.
MAX_NAME = 80


def parse_assignee(text: str) -> str:
    """A caseworker's name as typed, trimmed; one line naming the problem when it cannot be one
    (empty, a control character, too long). Compared exactly afterwards: `--mine` finds the
    cases whose assignee is spelt as DEADLINES_USER."""
    name = unicodedata.normalize("NFC", text.strip())
    if not name:
        raise InputError("assignee.empty", field="assignee")
    if not name.isprintable():  # a newline would break every list it is shown in
        raise InputError("assignee.invalid", field="assignee", value=text)
    if len(name) > MAX_NAME:
        raise InputError("assignee.too-long", field="assignee", value=name[:20], limit=MAX_NAME)
    return name


@dataclass(frozen=True)
class Change:
    """One line of a case's change log."""

    at: datetime  # when, aware (the log keeps UTC)
    who: str
    what: str  # "case:add", "event:KIND", "fact:COLUMN", "done:RULE/TRIGGER/RANK", "status",
    # "assignee", "case:remove" (the tombstone of an earlier case under the same reference)
    old: str | None
    new: str | None
    role: str | None = None  # the PostgreSQL role the command connected as (None on SQLite)


def history(connection: Database, ref: str) -> list[Change]:
    """Every logged change of the case `ref`, oldest first (InputError if there is no such
    case: a removed case's history was erased with it, on purpose)."""
    from caseload.store import exists

    if not ref.isprintable() or not exists(connection, ref):
        raise InputError("case.unknown", field="ref", value=ref)
    rows = connection.execute(
        "SELECT at, os_user, what, old, new, db_role FROM changes WHERE ref = ? ORDER BY id", (ref,)
    ).fetchall()
    return [Change(datetime.fromisoformat(at), *rest) for at, *rest in rows]
