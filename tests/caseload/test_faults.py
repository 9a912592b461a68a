"""Nothing lost under faults (issue 15): damaged, empty, read-only stores; backups that would
overwrite; every command gives one line, exit status 2, and the store's bytes are unchanged."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.caseload.helpers import deadlines, generate_into, is_postgres, ok, store_exists

AS_OF = ("--as-of", "2025-02-05")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


@pytest.fixture
def store(db: Path) -> Path:
    """A caseload of a few cases; a SQLite one checkpointed into its main file (no -wal left)."""
    for number in range(12):
        ok(db, "case", "add", f"P-{number:02}", "--filed", "15/01/2025", *AS_OF)
    ok(db, "agenda", *AS_OF)
    if not is_postgres(db):
        connection = sqlite3.connect(db)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.close()
    return db


def _overwrite_pages(path: Path) -> None:
    """A few pages overwritten from their start in the middle of the file (not the file's
    header): their b-tree headers too, so the damage is real wherever the tables' rows sit (a
    few bytes in a page's free space would damage nothing)."""
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(page * 2, len(data) - page, page * 3):
        data[start : start + 800] = b"\xa5" * 800
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garbage_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[0:100] = b"\x00garbage" * 12 + b"\x00" * 4
    path.write_bytes(bytes(data))


def _newer_schema(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 99")
    connection.close()


def _empty(path: Path) -> None:
    path.write_bytes(b"")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "zero-byte": _empty,
    "truncated": _truncate,
    "overwritten-pages": _overwrite_pages,
    "garbage-header": _garbage_header,
    "newer-schema": _newer_schema,
}

COMMANDS = [
    ("case", "list", *AS_OF),
    ("agenda", "--check", *AS_OF),
    ("case", "show", "P-03", *AS_OF),
    ("case", "add", "NEW-1", "--filed", "15/01/2025", *AS_OF),
    ("case", "set", "P-03", "--ofii-request", "01/02/2025", "--yes", *AS_OF),
    ("case", "done", "P-03", "certificate", "--on", "2025-02-01", *AS_OF),
    ("case", "archive", "P-03"),
    ("case", "remove", "P-03", "--yes"),
    ("export", "-o", "OUT", *AS_OF),
]


@pytest.mark.sqlite_only  # a damaged, truncated, emptied or foreign file
@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("words", COMMANDS, ids=lambda words: " ".join(words[:2]))
def test_a_damaged_store_is_one_line_exit_2_and_left_as_it_was(
    damage: str, words: tuple[str, ...], store: Path, tmp_path: Path
) -> None:
    DAMAGE[damage](store)
    before = _digest(store)
    out = tmp_path / "out.ics"
    result = deadlines(store, *(str(out) if w == "OUT" else w for w in words))
    if damage == "overwritten-pages" and result.exit_code == 0:
        # A read that never touches the damaged pages may succeed; it must not write.
        assert words[0] in {"case", "agenda"} and words[1] in {"list", "--check", "show"}
    else:
        assert result.exit_code == 2, (result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr
    assert _digest(store) == before
    assert not out.exists()


@pytest.mark.sqlite_only  # overwritten pages of the file
def test_the_way_out_of_a_damaged_store_is_named(store: Path) -> None:
    _overwrite_pages(store)
    result = deadlines(store, "case", "add", "NEW-1", "--filed", "15/01/2025", *AS_OF)
    assert result.exit_code == 2
    assert "endommagée" in result.stderr
    assert ".recover" in result.stderr and "deadlines backup" in result.stderr


@pytest.mark.sqlite_only  # overwritten pages of the file
def test_import_never_writes_into_a_damaged_store(store: Path, tmp_path: Path) -> None:
    _overwrite_pages(store)
    before = _digest(store)
    csv = tmp_path / "cases.csv"
    csv.write_text("ref,territory,application-filed\nI-1,75,01/10/2024\n", encoding="utf-8")
    result = deadlines(store, "import", str(csv))
    assert result.exit_code == 2
    assert _digest(store) == before


@pytest.mark.sqlite_only  # a file os.access says is read-only
def test_a_read_only_store_is_refused_by_writers_even_as_root(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check is os.access(W_OK), which a 0444 file (for a user) or a read-only medium (even
    for root, as CI runs) answers False: simulated here by that answer, since root writes
    through file modes."""
    real_access = os.access

    def no_write(path: object, mode: int, **kwargs: object) -> bool:
        if mode == os.W_OK and Path(str(path)) == store:
            return False
        return real_access(path, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", no_write)
    before = _digest(store)
    out = tmp_path / "out.ics"
    result = deadlines(store, "export", "-o", str(out), *AS_OF)
    assert result.exit_code == 2
    assert "lecture seule" in result.stderr
    assert not out.exists()
    assert _digest(store) == before
    assert ok(store, "case", "list", *AS_OF).exit_code == 0  # reading is fine


def test_backup_refuses_an_existing_file_and_the_store_itself(store: Path, tmp_path: Path) -> None:
    existing = tmp_path / "notes.txt"
    existing.write_text("my notes", encoding="utf-8")
    refused = deadlines(store, "backup", str(existing))
    assert refused.exit_code == 2
    assert "existe déjà" in refused.stderr
    assert existing.read_text(encoding="utf-8") == "my notes"
    if not is_postgres(store):  # a backup is a SQLite file: only a SQLite store can be it
        itself = deadlines(store, "backup", str(store), "--force")
        assert itself.exit_code == 2
        assert "la base elle-même" in itself.stderr
    forced = deadlines(store, "backup", str(existing), "--force")
    assert forced.exit_code == 0
    assert sqlite3.connect(existing).execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.sqlite_only  # overwritten pages of the file
def test_backup_of_a_damaged_store_writes_no_copy(store: Path, tmp_path: Path) -> None:
    _overwrite_pages(store)
    target = tmp_path / "copy.db"
    result = deadlines(store, "backup", str(target))
    assert result.exit_code == 2
    assert not target.exists()
    assert not list(tmp_path.glob(".copy.db*"))


def test_a_copy_of_a_store_backs_up_and_restores(store: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    ok(store, "backup", str(target))
    restored = tmp_path / "restored.db"
    shutil.copy(target, restored)
    assert "P-03" in ok(restored, "case", "list", *AS_OF).stdout


@pytest.mark.parametrize(
    "words",
    [
        ("case", "show", "\udcff"),
        ("case", "done", "\udcff", "certificate"),
        ("case", "set", "\udcff", "--ofii-request", "01/02/2025", "--yes"),
        ("case", "remove", "\udcff", "--yes"),
        ("case", "archive", "\udcff"),
        ("export", "\udcff", "-o", "OUT"),
        ("case", "add", "a\udcffb", "--filed", "15/01/2025"),
    ],
)
def test_a_reference_that_is_not_utf8_is_one_clean_error(
    words: tuple[str, ...], store: Path, tmp_path: Path
) -> None:
    """`case show $'\\xff'`: the byte reaches Python as a lone surrogate (surrogateescape)."""
    out = tmp_path / "out.ics"
    dated = () if words[1] in {"remove", "archive"} else AS_OF
    result = deadlines(store, *(str(out) if w == "OUT" else w for w in words), *dated)
    assert result.exit_code == 2
    assert "\\xff" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("days", ["٣", "3.0", "-1", "3661", " 3", "trois"])
def test_agenda_days_are_ascii_digits_within_range(days: str, store: Path) -> None:
    result = deadlines(store, "agenda", "--days", days, *AS_OF)
    assert result.exit_code == 2
    assert "--days" in result.stderr


@pytest.mark.sqlite_only  # the file's mode
def test_a_store_others_could_read_is_tightened_and_said(store: Path) -> None:
    os.chmod(store, 0o644)
    result = ok(store, "case", "list", *AS_OF)
    assert "par vous seul (0600)" in result.stderr
    assert store.stat().st_mode & 0o777 == 0o600


def test_an_empty_ics_path_is_refused() -> None:
    from typer.testing import CliRunner

    from cli import app

    result = CliRunner().invoke(app, ["compute", "--filed", "15/01/2025", "--ics", ""])
    assert result.exit_code == 2
    assert "indiquez le fichier .ics" in result.stderr


def test_the_change_log_names_the_user_from_the_environment(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from caseload import store as store_module

    monkeypatch.setenv("DEADLINES_USER", "benevole-3")
    assert store_module.os_user() == "benevole-3"
    monkeypatch.delenv("DEADLINES_USER")
    monkeypatch.setenv("LOGNAME", "amina")
    assert store_module.os_user() == "amina"


def test_a_killed_export_leaves_no_temporary_after_the_next_one(tmp_path: Path, db: Path) -> None:
    """kill -9 while the calendar is being written, then export again: the partial temporary
    the killed one left is gone (issue 15, item 7)."""
    import signal
    import subprocess
    import time

    from tests.caseload.helpers import SCRIPT, subprocess_env

    generate_into(db, 1000, tmp_path, seed=7)
    out = tmp_path / "cal" / "out.ics"
    out.parent.mkdir()
    words = [str(SCRIPT), "export", "-o", str(out), "--calendar", "main", *AS_OF, "--db", str(db)]
    killed = False
    for _ in range(10):
        process = subprocess.Popen(words, env=subprocess_env(tmp_path))
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            if list(out.parent.glob(".out.ics.*.tmp")):
                process.send_signal(signal.SIGKILL)
                killed = True
                break
            time.sleep(0.002)
        process.wait(timeout=30)
        if killed:
            break
    assert killed, "the export always finished before it could be killed"
    assert list(out.parent.glob(".out.ics.*.tmp"))  # what the killed export left
    ok(db, "export", "-o", str(out), "--calendar", "main", *AS_OF)
    assert list(out.parent.glob(".out.ics.*.tmp")) == []
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_temporary_still_being_written_is_left_alone(tmp_path: Path) -> None:
    import fcntl

    from calendars.files import write_private_atomically

    target = tmp_path / "out.ics"
    busy = tmp_path / ".out.ics.busy.tmp"
    busy.write_bytes(b"partial")
    with busy.open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # another export, writing
        write_private_atomically(target, b"calendar")
    assert busy.exists()
    assert target.read_bytes() == b"calendar"


def test_an_export_to_a_full_standard_output_records_nothing(store: Path, tmp_path: Path) -> None:
    """`export -o - >/dev/full`: one line, exit 2, and the next export still finds every event
    new (nothing was recorded as sent); `compute` on a full or closed output: one line."""
    import subprocess

    from tests.caseload.helpers import SCRIPT, subprocess_env

    env = subprocess_env(tmp_path)
    words = [str(SCRIPT), "export", "-o", "-", "--calendar", "main", *AS_OF, "--db", str(store)]
    with open("/dev/full", "wb") as full:
        failed = subprocess.run(
            words, check=False, env=env, stdout=full, stderr=subprocess.PIPE, text=True
        )
    assert failed.returncode == 2
    assert failed.stderr.count("\n") == 1 and "Traceback" not in failed.stderr
    again = ok(store, "export", "-o", str(tmp_path / "x.ics"), "--calendar", "main", *AS_OF)
    assert "modifiés 0" in again.stderr and "inchangés 0" in again.stderr
    compute = [str(SCRIPT), "compute", "--filed", "15/01/2025", *AS_OF]
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            compute, check=False, env=env, stdout=full, stderr=subprocess.PIPE, text=True
        )
    assert (result.returncode, result.stderr.count("\n")) == (2, 1), result.stderr
    closed = subprocess.run(
        compute,
        check=False,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        pass_fds=(),
        close_fds=True,
        preexec_fn=lambda: os.close(1),
    )
    assert (closed.returncode, closed.stderr.count("\n")) == (2, 1), closed.stderr


def test_import_refuses_a_reference_that_reads_like_a_name(db: Path, tmp_path: Path) -> None:
    csv = tmp_path / "cases.csv"
    csv.write_text("ref,territory,application-filed\nMme Diallo,75,01/10/2024\n", encoding="utf-8")
    refused = deadlines(db, "import", str(csv))
    assert refused.exit_code == 2
    assert "ressemble au nom d'une personne" in refused.stderr
    assert not store_exists(db)
    assert ok(db, "import", str(csv), "--accept-unlikely").exit_code == 0
