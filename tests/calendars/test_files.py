"""calendars.files: an export is written whole or not at all, readable by its owner only, and a
long stream is synced to the disk as it goes without losing a write-back error."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from calendars import files


def _chunks(count: int, size: int = 1 << 20) -> Iterator[bytes]:
    for index in range(count):
        yield bytes([65 + index % 26]) * size


def test_a_long_stream_is_written_whole_and_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "SYNC_EVERY", 3 << 20)
    synced: list[int] = []
    monkeypatch.setattr(files, "_sync_data", synced.append)
    target = tmp_path / "big.ics"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    assert files.write_private_atomically(target, _chunks(10)) == 10 << 20
    assert target.read_bytes() == b"".join(_chunks(10))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert synced  # synced while it was written, not only at the end
    assert [p.name for p in tmp_path.iterdir()] == ["big.ics"]


def test_a_failed_sync_while_streaming_fails_the_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Linux reports a write-back error to one fsync only: the one in the thread must not
    swallow it, or the final fsync would succeed on a file the disk did not keep."""
    monkeypatch.setattr(files, "SYNC_EVERY", 1 << 20)

    def failing(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(files, "_sync_data", failing)
    target = tmp_path / "big.ics"
    target.write_bytes(b"old")
    with pytest.raises(OSError, match="Input/output error"):
        files.write_private_atomically(target, _chunks(4))
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["big.ics"]


def test_a_stream_that_fails_leaves_the_old_file(tmp_path: Path) -> None:
    def broken() -> Iterator[bytes]:
        yield b"BEGIN:VCALENDAR\r\n"
        raise RuntimeError("planning failed")

    target = tmp_path / "x.ics"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        files.write_private_atomically(target, broken())
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.ics"]
