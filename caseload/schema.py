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

# Version 3: a memo of each case's deadline briefs for the lists (caseload/memo.py): `computed`
# says what a case's memo was computed from (and the error key when it could not be), and
# `computed_deadlines` holds one brief per row (caseload/memo.py BRIEF_COLUMNS: days as
# ordinals, instants as POSIX seconds); the lists filter on its rule, last day and fulfilling
# event before reading anything. Never the truth: a memo
# holds for the case's `revision` it was computed from and the engine's fingerprint, and the
# triggers below raise the revision on any change to the case's events or facts, whatever writes
# it, so a stale memo is recognised and computed again.
V3 = """
ALTER TABLE cases ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
CREATE TABLE computed (
    case_id INTEGER PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    engine TEXT NOT NULL,
    error TEXT
);
CREATE TABLE computed_deadlines (
    case_id INTEGER NOT NULL REFERENCES computed (case_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    rule TEXT NOT NULL,
    due INTEGER NOT NULL,
    done_by_event INTEGER NOT NULL,
    trigger_kind TEXT NOT NULL,
    trigger_day INTEGER NOT NULL,
    trigger_rank INTEGER NOT NULL,
    trigger_derived INTEGER NOT NULL,
    trigger_time TEXT,
    key_trigger TEXT NOT NULL,
    key_rank INTEGER NOT NULL,
    due_at INTEGER,
    latest INTEGER NOT NULL,
    latest_at INTEGER,
    end_at INTEGER NOT NULL,
    latest_end_at INTEGER NOT NULL,
    basis TEXT NOT NULL,
    status TEXT NOT NULL,
    warnings TEXT,
    PRIMARY KEY (case_id, position)
) WITHOUT ROWID;
CREATE TRIGGER revision_event_insert AFTER INSERT ON events
BEGIN UPDATE cases SET revision = revision + 1 WHERE id = NEW.case_id; END;
CREATE TRIGGER revision_event_update AFTER UPDATE ON events
BEGIN UPDATE cases SET revision = revision + 1 WHERE id IN (OLD.case_id, NEW.case_id); END;
CREATE TRIGGER revision_event_delete AFTER DELETE ON events
BEGIN UPDATE cases SET revision = revision + 1 WHERE id = OLD.case_id; END;
CREATE TRIGGER revision_facts AFTER UPDATE OF
    territory, appeal_info, channel, oqtf_decided, departure_period, custody, oqtf_ground
    ON cases
BEGIN UPDATE cases SET revision = revision + 1 WHERE id = NEW.id; END;
"""

# Version 4: the export state in a compact form, one row per case (caseload/export.py): for each
# event still exported, numbers referring to strings stored once (`exported_text`), its
# SEQUENCE, and the UIDs already written as cancelled. The V2 rows are kept as `exported_v2`,
# read as before and replaced by the new row of their case at its next export (no SEQUENCE
# changes because of the upgrade).
V4 = """
ALTER TABLE exported RENAME TO exported_v2;
CREATE TABLE exported (
    ref TEXT PRIMARY KEY,
    events BLOB NOT NULL,
    sequences BLOB NOT NULL,
    cancelled BLOB NOT NULL,
    zones TEXT NOT NULL
);
CREATE TABLE exported_text (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
);
"""

# Version 5: the export state per calendar (issue 14). `exported_calendars` names each one: its
# `output` ("file:" and the file's resolved path, or "name:" and the --calendar name) and its
# `scope` ("all": the export of every active case, the main calendar; "some": exports of named
# cases to that output, kept apart so that they never change the main calendar's state). The
# `exported` rows are keyed by calendar and case. The state kept before V5 (one for the whole
# caseload: the V4 rows and any V2 rows left in `exported_v2`) becomes calendar 1, with no
# output yet: the first export of every active case after the upgrade adopts it
# (caseload/export.py, LEGACY), so that calendar keeps its SEQUENCEs and cancellations.
V5 = """
CREATE TABLE exported_calendars (
    id INTEGER PRIMARY KEY,
    output TEXT,
    scope TEXT NOT NULL CHECK (scope IN ('all', 'some')),
    UNIQUE (output, scope)
);
INSERT INTO exported_calendars (id, output, scope)
    SELECT 1, NULL, 'all'
    WHERE EXISTS (SELECT 1 FROM exported) OR EXISTS (SELECT 1 FROM exported_v2);
ALTER TABLE exported RENAME TO exported_v4;
CREATE TABLE exported (
    calendar INTEGER NOT NULL REFERENCES exported_calendars (id) ON DELETE CASCADE,
    ref TEXT NOT NULL,
    events BLOB NOT NULL,
    sequences BLOB NOT NULL,
    cancelled BLOB NOT NULL,
    zones TEXT NOT NULL,
    PRIMARY KEY (calendar, ref)
);
INSERT INTO exported (calendar, ref, events, sequences, cancelled, zones)
    SELECT 1, ref, events, sequences, cancelled, zones FROM exported_v4;
DROP TABLE exported_v4;
"""

# Version 6: the wave 2 facts (rules.md "New facts"), with their defaults, so every case stored
# before keeps its meaning: the legal-aid outcome (`granted`), where the person lives for the
# délais de distance (`local`), and whether the judgment's notification stated the appeal
# deadline (yes). The wave 2 events need no column (`events.kind` takes any event). The trigger
# that raises a case's revision when its facts change (V3) is made again with the new columns, so
# a memo computed before such a change is recognised as stale.
V6 = """
ALTER TABLE cases ADD COLUMN legal_aid_outcome TEXT NOT NULL DEFAULT 'granted';
ALTER TABLE cases ADD COLUMN residence TEXT NOT NULL DEFAULT 'local';
ALTER TABLE cases ADD COLUMN judgment_appeal_info INTEGER NOT NULL DEFAULT 1;
DROP TRIGGER revision_facts;
CREATE TRIGGER revision_facts AFTER UPDATE OF
    territory, appeal_info, channel, oqtf_decided, departure_period, custody, oqtf_ground,
    legal_aid_outcome, residence, judgment_appeal_info
    ON cases
BEGIN UPDATE cases SET revision = revision + 1 WHERE id = NEW.id; END;
-- Wave 2: a suspended deadline has no dates, and the events that moved a deadline are kept
-- beside it. The memo is never the truth: made again empty, it is recomputed when read.
DELETE FROM computed;
DROP TABLE computed_deadlines;
CREATE TABLE computed_deadlines (
    case_id INTEGER NOT NULL REFERENCES computed (case_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    rule TEXT NOT NULL,
    due INTEGER,
    done_by_event INTEGER NOT NULL,
    trigger_kind TEXT NOT NULL,
    trigger_day INTEGER NOT NULL,
    trigger_rank INTEGER NOT NULL,
    trigger_derived INTEGER NOT NULL,
    trigger_time TEXT,
    key_trigger TEXT NOT NULL,
    key_rank INTEGER NOT NULL,
    due_at INTEGER,
    latest INTEGER,
    latest_at INTEGER,
    end_at INTEGER,
    latest_end_at INTEGER,
    basis TEXT NOT NULL,
    status TEXT NOT NULL,
    warnings TEXT,
    moved_by TEXT,
    suspended_by TEXT,
    PRIMARY KEY (case_id, position)
) WITHOUT ROWID;
"""

# Version 7: teams (issue 17). A case's assignee: the caseworker who follows it (free text, as
# DEADLINES_USER names people); NULL: nobody in particular.
V7 = """
ALTER TABLE cases ADD COLUMN assignee TEXT;
CREATE INDEX cases_by_assignee ON cases (assignee);
"""

# Version 8: CalDAV sync state (issue 17, caseload/sync.py). `synced_calendars`: one row per
# calendar collection URL (no credentials in it). `synced`: one row per resource the server
# accepted (answered 2xx): its UID and case, its path and the ETag the server gave, the hash of
# the event as sent (`sent`: what decides whether it changed), its SEQUENCE and title (the
# line that names it when it was edited on the server). A row is written only after the server
# accepted the resource, and deleted once the server deleted it.
V8 = """
CREATE TABLE synced_calendars (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE
);
CREATE TABLE synced (
    calendar INTEGER NOT NULL REFERENCES synced_calendars (id) ON DELETE CASCADE,
    uid TEXT NOT NULL,
    ref TEXT NOT NULL,
    href TEXT NOT NULL,
    etag TEXT NOT NULL,
    sent TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    summary TEXT NOT NULL,
    PRIMARY KEY (calendar, uid)
) WITHOUT ROWID;
"""

# Version 9: who changed a case, as the database knows them (issue 17). On PostgreSQL the role
# the command connected as is recorded by the server itself (caseload.schema_pg: DEFAULT
# current_user), beside the caseworker the command names (DEADLINES_USER, which anyone can
# set); a SQLite file has no roles, so it stays NULL there.
V9 = """
ALTER TABLE changes ADD COLUMN db_role TEXT;
"""

MIGRATIONS: tuple[str, ...] = (V1, V2, V3, V4, V5, V6, V7, V8, V9)
LATEST = len(MIGRATIONS)
