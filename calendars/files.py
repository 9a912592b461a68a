"""Writing an export: atomically, readable by its owner only (case data is health data)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_private_atomically(path: Path, data: bytes | Iterable[bytes]) -> int:
    """Write `data` (bytes, or chunks streamed one by one) to `path` through a temporary file in
    the same folder, then rename; the number of bytes written.

    A crash leaves either the old file or the new one, never half of one. The file is created
    with mode 0600 (mkstemp's default), whatever the umask; an existing file is replaced, not
    opened, so its old permissions do not carry over.
    """
    folder = path.parent if str(path.parent) else Path()
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        written = 0
        with os.fdopen(fd, "wb") as handle:
            for chunk in (data,) if isinstance(data, bytes) else data:
                handle.write(chunk)
                written += len(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return written
