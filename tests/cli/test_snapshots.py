"""Every byte a user sees, pinned: representative command lines run through the real console
script, their stdout, stderr, exit status and the files they write compared with snapshots.

Recorded before the house was simplified (issue 13) so that no refactoring can change an output
unnoticed. When an output changes on purpose, rerun with UPDATE_SNAPSHOTS=1 and read the diff.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).parent / "snapshots"
DEADLINES = Path(sys.executable).parent / "deadlines"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: DTSTAMP of every calendar written here

DEMO = (
    "--filed 05/10/2026 --certificate-available 07/10/2026 --ofii-request 16/11/2026 "
    "--permit-expires 31/03/2027 --territory 57 --as-of 23/11/2026"
)
OQTF_OLD = (
    "--oqtf-notified 2024-03-04T10:30 --oqtf-decided 01/03/2024 --custody house-arrest "
    "--no-departure-period --as-of 2024-03-05T09:00"
)
OQTF_NEW = (
    "--oqtf-notified 2026-03-27T10:30 --oqtf-decided 26/03/2026 --custody retention "
    "--no-departure-period --refusal-notified 27/03/2026 --as-of 2026-03-27T12:00"
)
OQTF_FREE = (
    "--oqtf-notified 2026-02-02 --departure-period --oqtf-decided 28/01/2026 "
    "--as-of 2026-02-10 --territory 974"
)
ADMIN = (
    "--filed 24/11/2025 --certificate-available 26/11/2025 --ofii-request 11/12/2025 "
    "--ofii-request 19/03/2026 --permit-expires 15/09/2026 --territory 57 --as-of 20/03/2026"
)

# name -> the words after `deadlines`, one command line each.
SINGLE: dict[str, str] = {
    "help": "--help",
    "no-args": "",
    "version": "--version",
    "compute-help": "compute --help",
    "case-help": "case --help",
    "case-add-help": "case add --help",
    "agenda-help": "agenda --help",
    "export-help": "export --help",
    "demo-fr": f"compute {DEMO}",
    "demo-en": f"compute {DEMO} --lang en",
    "demo-json": f"compute {DEMO} --format json",
    "demo-json-en": f"compute {DEMO} --format json --lang en",
    "demo-explain-fr": f"compute {DEMO} --explain",
    "demo-explain-en": f"compute {DEMO} --explain --lang en",
    "demo-check": f"compute {DEMO} --check --as-of 01/03/2027",
    "admin-fr": f"compute {ADMIN}",
    "admin-json": f"compute {ADMIN} --format json",
    "oqtf-old-fr": f"compute {OQTF_OLD} --explain",
    "oqtf-old-json": f"compute {OQTF_OLD} --format json",
    "oqtf-new-fr": f"compute {OQTF_NEW} --explain",
    "oqtf-new-en-json": f"compute {OQTF_NEW} --format json --lang en",
    "oqtf-free-fr": f"compute {OQTF_FREE}",
    "oqtf-unknown-regime": "compute --oqtf-notified 2026-03-27T10:30 --custody house-arrest "
    "--no-departure-period --as-of 2026-03-27T12:00",
    "refusal-no-info-en": "compute --refusal-notified 2025-03-03 --no-appeal-info --explain "
    "--lang en --as-of 2025-03-10",
    "ics-stdout": f"compute {DEMO} --ics - --ref P-1",
    "ics-stdout-en-noinfo": f"compute {OQTF_NEW} --ics - --ref R-2 --lang en --no-info "
    "--remind 24h,2h",
    "err-bad-date": "compute --filed 31/02/2025",
    "err-bad-date-en": "compute --filed 2025/03/04 --lang en",
    "err-no-event": "compute --territory 75",
    "err-unknown-option": "compute --fild 01/01/2025",
    "err-missing-value": "compute --filed",
    "err-bad-lang": "compute --filed 01/01/2025 --lang de",
    "err-bad-format": "compute --filed 01/01/2025 --format xml",
    "err-territory": "compute --filed 01/01/2025 --territory 99",
    "err-outside-years": "compute --filed 01/01/2060",
    "err-ref-without-ics": "compute --filed 01/01/2025 --ref X",
    "err-custody-without-oqtf": "compute --filed 01/01/2025 --custody retention",
    "err-unknown-command": "frobnicate",
    "err-unknown-command-en": "frobnicate --lang en",
    "err-missing-argument": "case show",
    "err-ics-stdout-json": f"compute {DEMO} --ics - --ref P-1 --format json",
    "help-short-en": "compute -h --lang en",
    "version-short": "-V",
}

# A caseload session: one store, commands in order (name, words after `deadlines`).
SESSION: list[tuple[str, str]] = [
    ("list-empty", "case list --as-of 23/11/2026"),
    ("add-a", f"case add A-1 {DEMO}"),
    (
        "add-b",
        f"case add B-2 {OQTF_NEW.replace('--as-of 2026-03-27T12:00', '')} --as-of 2026-03-27T12:00",
    ),
    ("add-c", "case add C-3 --territory 974 --as-of 23/11/2026"),
    ("add-dup", "case add A-1 --filed 01/10/2026 --as-of 23/11/2026"),
    (
        "set-c",
        "case set C-3 --filed 02/11/2026 --permit-expires 15/01/2027 --yes --as-of 23/11/2026",
    ),
    ("set-a", "case set A-1 --college-request 20/11/2026 --yes --as-of 23/11/2026"),
    ("set-a-same", "case set A-1 --territory 57 --yes --as-of 23/11/2026"),
    ("set-a-no", "case set A-1 --filed 06/10/2026 --as-of 23/11/2026"),
    ("unset-a", "case unset A-1 college-request --yes --as-of 23/11/2026"),
    ("show-a", "case show A-1 --as-of 23/11/2026"),
    ("show-a-json", "case show A-1 --format json --as-of 23/11/2026 --lang en"),
    ("show-a-explain", "case show A-1 --explain --as-of 23/11/2026"),
    ("done-a", "case done A-1 certificate --on 20/11/2026 --as-of 23/11/2026"),
    ("done-bad", "case done A-1 nosuchrule --as-of 23/11/2026"),
    ("list", "case list --as-of 23/11/2026"),
    ("list-json", "case list --format json --as-of 23/11/2026"),
    ("agenda", "agenda --days 60 --as-of 23/11/2026"),
    ("agenda-en-json", "agenda --days 60 --as-of 23/11/2026 --format json --lang en"),
    ("agenda-check", "agenda --check --as-of 01/04/2027"),
    ("export", "export -o out.ics --as-of 23/11/2026"),
    ("export-again", "export -o out.ics --as-of 23/11/2026"),
    ("archive-c", "case archive C-3"),
    ("export-after-archive", "export -o out.ics --as-of 24/11/2026"),
    ("export-one", "export A-1 -o one.ics --remind none --no-info --lang en --as-of 24/11/2026"),
    ("list-all", "case list --all --as-of 24/11/2026"),
    ("import", "import cases.csv"),
    ("import-bad", "import bad.csv"),
    ("agenda-after-import", "agenda --days 400 --as-of 23/11/2026"),
    ("remove-b", "case remove B-2 --yes"),
    ("show-gone", "case show B-2"),
    ("backup", "backup copy.db"),
]

CSV = (
    "ref;territory;application-filed;ofii-request;custody\n"
    "I-1;93;01/10/2026;02/11/2026|10/11/2026;\n"
    "I-2;971;2026-09-15;;\n"
)
BAD_CSV = "ref,territory,application-filed\nX-1,75,31/02/2026\nX-2,,2026-01-01\nA-1,75,01/01/2026\n"


def _run(words: str, cwd: Path, db: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(cwd),
        "LANG": "C.UTF-8",
        "COLUMNS": "100",
        "SOURCE_DATE_EPOCH": EPOCH,
        "TZ": "UTC",
        "USER": "snapshot",
        "LOGNAME": "snapshot",
        "XDG_DATA_HOME": str(cwd / "xdg"),
    }
    if db is not None:
        env["DEADLINES_DB"] = str(db)
    import shlex

    return subprocess.run(
        [str(DEADLINES), *shlex.split(words)],
        cwd=cwd,
        env=env,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def _shown(words: str, result: subprocess.CompletedProcess[bytes], cwd: Path) -> str:
    # The clock time a case was last changed and the test's own folder are the only outputs
    # that depend on when and where it runs.
    return re.sub(
        r'"updated": "[0-9T:+-]+"',
        '"updated": "(now)"',
        f"$ deadlines {words}\n--- exit {result.returncode}\n--- stdout\n"
        + result.stdout.decode("utf-8", "backslashreplace")
        + "--- stderr\n"
        + result.stderr.decode("utf-8", "backslashreplace"),
    ).replace(str(cwd), "$TMP")


def _store_dump(db: Path, cwd: Path) -> str:
    """The store's schema and its lasting content (no clock times, no memo)."""
    connection = sqlite3.connect(db)
    try:
        lines = [f"user_version {connection.execute('PRAGMA user_version').fetchone()[0]}"]
        lines += [
            row[0]
            for row in connection.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
            )
        ]
        queries = {
            "cases": "SELECT ref, territory, appeal_info, channel, oqtf_decided, "
            "departure_period, custody, oqtf_ground, status FROM cases ORDER BY ref",
            "events": "SELECT c.ref, e.kind, e.day, e.time, e.source FROM events e "
            "JOIN cases c ON c.id = e.case_id ORDER BY c.ref, e.kind, e.day",
            "done": "SELECT c.ref, d.rule, d.trigger_kind, d.trigger_rank, d.on_day FROM done d "
            "JOIN cases c ON c.id = d.case_id ORDER BY 1, 2",
            "changes": "SELECT os_user, ref, what, old, new FROM changes ORDER BY id",
            "exported_calendars": "SELECT id, output, scope FROM exported_calendars ORDER BY id",
            "exported": "SELECT calendar, ref, hex(events), hex(sequences), hex(cancelled), "
            "zones FROM exported ORDER BY calendar, ref",
            "exported_text": "SELECT id, text FROM exported_text ORDER BY id",
        }
        for table, query in queries.items():
            lines.append(f"--- {table}")
            lines += [repr(tuple(row)) for row in connection.execute(query)]
        return ("\n".join(lines) + "\n").replace(str(cwd), "$TMP")
    finally:
        connection.close()


def _check(name: str, text: str) -> None:
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return
    assert path.exists(), f"no snapshot {path.name}: run with UPDATE_SNAPSHOTS=1"
    assert text == path.read_bytes().decode("utf-8"), f"output of {name} changed"


@pytest.mark.parametrize("name", sorted(SINGLE))
def test_single_command(name: str, tmp_path: Path) -> None:
    words = SINGLE[name]
    _check(f"single-{name}", _shown(words, _run(words, tmp_path), tmp_path))


def test_caseload_session(tmp_path: Path) -> None:
    db = tmp_path / "store" / "cases.db"
    (tmp_path / "cases.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "bad.csv").write_text(BAD_CSV, encoding="utf-8")
    shown = []
    for step, words in SESSION:
        result = _run(words, tmp_path, db)
        shown.append(f"=== {step}\n" + _shown(words, result, tmp_path))
        for written in ("out.ics", "one.ics"):
            path = tmp_path / written
            if path.exists() and f"-o {written}" in words:
                shown.append(f"--- file {written}\n" + path.read_bytes().decode("utf-8"))
    shown.append("=== store\n" + _store_dump(db, tmp_path))
    _check("caseload-session", "\n".join(shown))
