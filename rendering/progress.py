"""A progress bar on stderr for long caseload work, on a terminal only.

rich is imported only when a bar is drawn: piped output and scripts never pay for it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

PROGRESS_FROM = 300  # items: above this, work on a terminal shows a progress bar

# A count of items done out of a total, reported as the work goes.
Report = Callable[[int, int], None]


def computing(lang: str) -> str:
    """The bar's label while cases are computed for the memo (caseload/memo.py)."""
    if lang == "fr":
        return "Calcul des échéances (outil mis à jour ou dossiers modifiés)"
    return "Computing deadlines (tool upgraded or cases changed)"


@contextmanager
def progress_bar(label: str) -> Iterator[Report | None]:
    """A `Report` drawing a transient bar once a total above PROGRESS_FROM is reported, or None
    when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    drawn: list[tuple[Progress, TaskID]] = []

    def report(done: int, total: int) -> None:
        if total <= PROGRESS_FROM:
            return
        if not drawn:
            from rich.console import Console
            from rich.progress import Progress

            bar = Progress(transient=True, console=Console(stderr=True))
            bar.start()
            drawn.append((bar, bar.add_task(label, total=total)))
        bar, task = drawn[0]
        bar.update(task, completed=done)

    try:
        yield report
    finally:
        for bar, _ in drawn:
            bar.stop()
