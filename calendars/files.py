"""Writing an export: atomically, readable by its owner only (case data is health data)."""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import threading

# A long stream (the caseload's export: ~110 MB for 10,000 cases) is sent to the disk as it is
# written, by a thread that waits on the disk while the caller goes on making the next chunks:
# the final fsync then has little left to wait for (~0.3 s saved on 110 MB).
SYNC_EVERY = 16 << 20
_sync_data = getattr(os, "fdatasync", os.fsync)  # macOS has no fdatasync


class _Syncer:
    """fdatasync in a thread, one at a time; its error is raised by `wait`, never lost (Linux
    reports a write-back error to one fsync of a file description only)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.thread: threading.Thread | None = None
        self.error: OSError | None = None

    def start(self) -> None:
        import threading

        if self.thread is not None and self.thread.is_alive():
            return
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            _sync_data(self.fd)
        except OSError as error:
            self.error = error

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()
        if self.error is not None:
            raise self.error


def _remove_stale_temporaries(folder: Path, name: str) -> None:
    """The temporaries of `name` that a killed export left behind (partial calendars: health
    data, and megabytes each). One whose lock can be taken has no writer any more; one being
    written by another export holds its lock and is left alone."""
    for stale in folder.glob(f".{name}.*.tmp"):
        try:
            fd = os.open(stale, os.O_RDONLY)
        except OSError:
            continue  # gone meanwhile, or not ours to read
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # still being written
        else:
            stale.unlink(missing_ok=True)
        finally:
            os.close(fd)


def write_private_atomically(path: Path, data: bytes | Iterable[bytes]) -> int:
    """Write `data` (bytes, or chunks streamed one by one) to `path` through a temporary file in
    the same folder, then rename; the number of bytes written.

    A crash leaves either the old file or the new one, never half of one, and the temporary it
    leaves is removed by the next write of the same file. The file is created with mode 0600
    (mkstemp's default), whatever the umask; an existing file is replaced, not opened, so its
    old permissions do not carry over.
    """
    folder = path.parent if str(path.parent) else Path()
    _remove_stale_temporaries(folder, path.name)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # Held until the descriptor closes (at the rename, or when the process dies): the mark
        # of a temporary still being written.
        fcntl.flock(fd, fcntl.LOCK_EX)
        written = 0
        with os.fdopen(fd, "wb") as handle:
            syncer = _Syncer(handle.fileno())
            try:
                unsynced = 0
                for chunk in (data,) if isinstance(data, bytes) else data:
                    handle.write(chunk)
                    written += len(chunk)
                    unsynced += len(chunk)
                    if unsynced >= SYNC_EVERY:
                        handle.flush()
                        syncer.start()
                        unsynced = 0
                handle.flush()
            finally:
                syncer.wait()  # before the descriptor is closed, whatever happened
            os.fsync(handle.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)  # still locked: no cleaner can take it meanwhile
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return written
