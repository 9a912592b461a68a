"""The database schema, versioned with PRAGMA user_version and migrated forward only.

Each migration is one script run in one transaction; a database newer than the tool is refused
(its data may mean something this version does not know).
"""

from __future__ import annotations

# Version 1: cases, their events, the actions marked done, the change log.
V1 = """
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    territory TEXT NOT NULL,
    appeal_info INTEGER NOT NULL DEFAULT 1,
    channel TEXT,
    oqtf_decided TEXT,
    departure_period INTEGER,
    custody TEXT NOT NULL DEFAULT 'none',
    oqtf_ground TEXT NOT NULL DEFAULT '3',
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    day TEXT NOT NULL,
    time TEXT,
    source TEXT NOT NULL
);
CREATE INDEX events_by_case ON events (case_id);
CREATE TABLE done (
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    trigger_kind TEXT NOT NULL,
    trigger_rank INTEGER NOT NULL,
    on_day TEXT NOT NULL,
    PRIMARY KEY (case_id, rule, trigger_kind, trigger_rank)
);
CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    os_user TEXT NOT NULL,
    ref TEXT NOT NULL,
    what TEXT NOT NULL,
    old TEXT,
    new TEXT
);
CREATE TRIGGER changes_append_only_update BEFORE UPDATE ON changes
BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
CREATE TRIGGER changes_append_only_delete BEFORE DELETE ON changes
BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
"""

# Version 2: the last exported state of each calendar event, so that an export can keep UIDs,
# raise SEQUENCE when a date moves and cancel what no longer applies.
V2 = """
CREATE TABLE exported (
    uid TEXT PRIMARY KEY,
    ref TEXT NOT NULL,
    rule TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    sequence INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0,
    event TEXT NOT NULL
);
CREATE INDEX exported_by_ref ON exported (ref);
"""

MIGRATIONS: tuple[str, ...] = (V1, V2)
LATEST = len(MIGRATIONS)
