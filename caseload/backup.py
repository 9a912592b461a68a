"""A consistent copy of the database through SQLite's online backup API, checked."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from caseload.database import SqliteDatabase
from deadlines.errors import InputError


def backup(database: SqliteDatabase, target: Path, force: bool = False) -> int:
    """Copy the whole database to `target` (mode 0600); the number of pages copied.

    Never over the store itself, nor over an existing file unless `force`. The copy is made into
    a temporary file next to the target, checked (PRAGMA integrity_check) and only then renamed:
    the target is either what it was or a complete copy that SQLite finds intact.
    """
    store, connection = Path(database.location), database.raw
    if target.exists():
        if store.exists() and os.path.samefile(store, target):
            raise InputError("backup.same-file", field="backup", value=str(target))
        if not force:
            raise InputError("backup.exists", field="backup", value=str(target))
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        destination = sqlite3.connect(temporary)
        try:
            connection.backup(destination)
            pages = destination.execute("PRAGMA page_count").fetchone()[0]
            destination.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in destination.execute("PRAGMA integrity_check")]
        finally:
            destination.close()
        if problems != ["ok"]:
            temporary.unlink(missing_ok=True)
            raise InputError(
                "backup.damaged", field="backup", value=str(target), reason=problems[0]
            )
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InputError(
            "backup.write", field="backup", value=str(target), reason=error.strerror or str(error)
        ) from None
    return int(pages)
