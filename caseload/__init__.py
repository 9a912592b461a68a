"""The caseload: cases kept in SQLite, recomputed on every read (deadlines are never stored)."""
