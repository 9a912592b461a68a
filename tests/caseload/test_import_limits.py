"""`deadlines import` reads only a regular file or standard input, up to a stated size; a
repeated column is refused; a NUL byte is shown escaped (issue 15, item 11)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.caseload.helpers import deadlines, dump, ok, store_exists, subprocess_env

SCRIPT = Path(sys.executable).with_name("deadlines")
LIMIT_MB = 10


def _run(
    db: Path, tmp_path: Path, *args: str, stdin: object = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    """The real console script, with a timeout: a command that hangs fails the test."""
    return subprocess.run(
        [str(SCRIPT), *args, "--db", str(db)],
        env=subprocess_env(tmp_path),
        stdin=stdin,  # type: ignore[arg-type]
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def _one_line(proc: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def test_a_fifo_is_refused_without_waiting_for_a_writer(db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "cases.csv"
    os.mkfifo(fifo)
    _one_line(_run(db, tmp_path, "import", str(fifo)), "fichier ordinaire", str(fifo))
    assert not store_exists(db)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused(db: Path, tmp_path: Path, device: str) -> None:
    _one_line(_run(db, tmp_path, "import", device, "--lang", "en"), "not a regular file", device)
    assert not store_exists(db)


def test_a_folder_is_refused(db: Path, tmp_path: Path) -> None:
    _one_line(_run(db, tmp_path, "import", str(tmp_path)), "fichier ordinaire")
    assert not store_exists(db)


def test_a_file_over_the_limit_is_refused_with_the_limit(db: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as file:
        file.write(b"ref,territory\n")
        file.truncate(LIMIT_MB * 1024 * 1024 + 1)
    _one_line(_run(db, tmp_path, "import", str(big)), f"{LIMIT_MB} Mo")
    assert not store_exists(db)


def test_standard_input_without_end_is_cut_at_the_limit(db: Path, tmp_path: Path) -> None:
    with open("/dev/zero", "rb") as zero:
        proc = _run(db, tmp_path, "import", "-", stdin=zero)
    _one_line(proc, f"{LIMIT_MB} Mo", "entrée standard")
    assert not store_exists(db)


def test_a_missing_file_is_one_line_in_the_users_language(db: Path, tmp_path: Path) -> None:
    result = deadlines(db, "import", tmp_path / "nowhere.csv", "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: import: '{tmp_path / 'nowhere.csv'}': no such file."
    ]


REPEATED = {
    "same-id": "ref,ref,territory\nA-1,A-2,75\n",
    "id-and-alias": "ref;Référence;territory\nA-1;A-2;75\n",
    "two-aliases": "Référence;territory;Date de dépôt;Dépôt\nA-1;75;15/01/2025;16/01/2025\n",
}


@pytest.mark.parametrize("content", REPEATED.values(), ids=REPEATED.keys())
def test_a_repeated_column_is_refused(db: Path, tmp_path: Path, content: str) -> None:
    ok(db, "case", "add", "P-1")
    before = dump(db)
    path = tmp_path / "in.csv"
    path.write_text(content, encoding="utf-8")
    result = deadlines(db, "import", path)
    assert result.exit_code == 2
    first = result.stderr.strip().splitlines()[0]
    assert first.startswith("ligne 1, colonne "), first
    assert "même" in first and "colonne n° " in first
    assert dump(db) == before


def test_a_nul_byte_in_a_cell_is_shown_escaped(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"ref,territory,application-filed\nA\x00B,75,\nC-1,75,15/01\x00/2025\n")
    result = deadlines(db, "import", path)
    assert result.exit_code == 2
    assert "\x00" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("ligne 2, colonne « ref »") and "A\\x00B" in lines[0]
    assert lines[1].startswith("ligne 3, colonne « application-filed »")
    assert "15/01\\x00/2025" in lines[1]


def test_a_nul_byte_in_a_header_is_shown_escaped(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"ref,territory,col\x00our\nA-1,75,x\n")
    result = deadlines(db, "import", path)
    assert result.exit_code == 2
    assert "\x00" not in result.stderr
    assert "col\\x00our" in result.stderr
