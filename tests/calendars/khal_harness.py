"""Run khal, a real calendar client, on an .ics file: ``import --batch`` then ``list``.

The set-up is the one measured in shared/notes/dependencies.md §5: a throw-away configuration
with one vdir calendar, its own sqlite cache and the XDG directories pointed into the temporary
directory, so that nothing of the user's own khal set-up is read or written.

khal is a dev dependency (pyproject ``[dev]``) and is run from the current venv, next to
``sys.executable``. If it is missing this module raises: the tests that use it fail, they are
never skipped, because CI installs the dev dependencies and a silent skip would hide a broken
export check.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

CALENDAR_NAME = "deadlines"
# khal's --format fields; "|" never occurs in the titles the tests write.
LIST_FORMAT = "{calendar}|{start}|{end}|{title}"
TIMEOUT_S = 60


class KhalError(AssertionError):
    """khal is missing, failed, or printed something unexpected."""


@dataclass(frozen=True)
class KhalRow:
    """One line of ``khal list``, as khal prints it in its local time zone.

    Timed events read ``YYYY-MM-DD HH:MM``; all-day events ``YYYY-MM-DD`` with an inclusive end.
    """

    calendar: str
    start: str
    end: str
    title: str


def khal_executable() -> Path:
    """khal of the venv running the tests; KhalError (a failure, not a skip) when missing."""
    exe = Path(sys.executable).parent / ("khal.exe" if os.name == "nt" else "khal")
    if not exe.is_file():
        raise KhalError(
            f"khal not found at {exe}: install the dev dependencies "
            "(pip install -e '.[dev]'); the calendar tests need a real client"
        )
    return exe


def write_config(tmp_dir: Path, local_timezone: str = "Europe/Paris") -> Path:
    """A khal configuration with one empty vdir calendar under ``tmp_dir``; returns its path."""
    root = tmp_dir / "khal"
    vdir = root / "cal" / CALENDAR_NAME
    vdir.mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    config = root / "config"
    config.write_text(
        f"""\
[calendars]
[[{CALENDAR_NAME}]]
path = {vdir}
type = calendar
[locale]
local_timezone = {local_timezone}
default_timezone = {local_timezone}
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
timeformat = %H:%M
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
[sqlite]
path = {root / "data" / "khal.db"}
""",
        encoding="utf-8",
    )
    return config


def _run(args: list[str], tmp_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("XDG_", "KHAL"))}
    env |= {
        "HOME": str(tmp_dir),
        "XDG_CONFIG_HOME": str(tmp_dir / "xdg-config"),
        "XDG_DATA_HOME": str(tmp_dir / "xdg-data"),
        "XDG_CACHE_HOME": str(tmp_dir / "xdg-cache"),
        "LC_ALL": "C.UTF-8",
        "LANG": "C.UTF-8",
        "TZ": "UTC",
    }
    result = subprocess.run(
        [str(khal_executable()), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        raise KhalError(
            f"khal {args[2]} exited with {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def import_and_list(
    ics_path: Path,
    tmp_dir: Path,
    start: date,
    end: date,
    *,
    local_timezone: str = "Europe/Paris",
) -> list[KhalRow]:
    """Import ``ics_path`` into a fresh khal calendar, then list its events from start to end.

    Times in the rows are in ``local_timezone``. Raises KhalError if khal fails, warns or
    errs on stderr, or did not store one file per event of the import.
    """
    config = str(write_config(tmp_dir, local_timezone))
    imported = _run(
        ["-c", config, "import", "--batch", "-a", CALENDAR_NAME, str(ics_path)], tmp_dir
    )
    if imported.stderr.strip():
        raise KhalError(f"khal import complained:\n{imported.stderr}")
    listed = _run(
        [
            "-c",
            config,
            "list",
            "--format",
            LIST_FORMAT,
            "--day-format",
            "",
            start.isoformat(),
            end.isoformat(),
        ],
        tmp_dir,
    )
    if listed.stderr.strip():
        raise KhalError(f"khal list complained:\n{listed.stderr}")
    rows: list[KhalRow] = []
    for line in listed.stdout.splitlines():
        if not line.strip():
            continue
        fields = line.split("|")
        if len(fields) != 4:
            raise KhalError(f"unexpected khal list line: {line!r}")
        rows.append(KhalRow(*fields))
    return rows
