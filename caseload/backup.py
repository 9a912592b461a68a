"""A consistent copy of the database through SQLite's online backup API."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from deadlines.errors import InputError


def backup(connection: sqlite3.Connection, target: Path) -> int:
    """Copy the whole database to `target` (mode 0600); the number of pages copied.

    The copy is made into a temporary file next to the target and renamed, so the target is
    either the old file or a complete copy.
    """
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        destination = sqlite3.connect(temporary)
        try:
            connection.backup(destination)
            pages = destination.execute("PRAGMA page_count").fetchone()[0]
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InputError(
            "backup.write", field="backup", value=str(target), reason=error.strerror or str(error)
        ) from None
    return int(pages)
