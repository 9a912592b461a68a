"""The work of `deadlines agenda`, without its framework (issue 6).

This module imports neither typer nor click: the Typer command (cli_caseload.agenda) and the
console script's fast path (cli_fast.py) both call `run_agenda`, which returns the exit status.
The store, the memo, rich and json are imported inside it.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing's: see cli.py
if TYPE_CHECKING:
    from caseload.memo import Reference

PIVOT_ZONE = "Europe/Paris"  # the clock an --as-of time is read on, across territories


def run_agenda(
    *,
    days: int,
    output_format: str,
    check: bool,
    as_of: str | None,
    lang: str,
    db: str | None,
) -> int:
    """`deadlines agenda`, given the values of its options as Typer passes them; exit status.

    0, or 1 with --check when a deadline is overdue; a DeadlinesError is one line on stderr and
    its exit status (2), as for every caseload command.
    """
    import gc

    from cli import LANGS, report_error
    from deadlines.errors import DeadlinesError

    user_lang = lang if lang in LANGS else "fr"
    # As cli_caseload._run: the command allocates up to millions of objects that live until it
    # ends; the cyclic garbage collector would scan them again and again and free nothing.
    gc.disable()
    try:
        return _agenda(days, output_format, check, as_of, lang, db)
    except DeadlinesError as error:
        return report_error(error, user_lang)


def _agenda(
    days: int, output_format: str, check: bool, as_of: str | None, lang: str, db: str | None
) -> int:
    from datetime import timedelta
    from pathlib import Path

    from caseload.agenda import agenda, may_show
    from caseload.db import connect, default_path
    from caseload.memo import listings
    from cli import FORMATS, _choice, echo
    from cli_progress import computing, progress_bar

    _choice(output_format, FORMATS, "format")
    reference = caseload_reference(as_of)  # a bad --as-of fails before the database is opened
    # No territory's today is more than one day ahead of Paris (Wallis-et-Futuna: 11 h).
    latest_day = reference(PIVOT_ZONE)[0] + timedelta(days=days + 1)
    connection = connect(Path(db) if db else default_path())
    try:
        with progress_bar(computing(lang)) as progress:
            found = listings(connection, reference, wanted=may_show(latest_day), progress=progress)
        result = agenda(found, days)
        if output_format == "json":
            import json

            from caseload.agenda import agenda_to_dict

            echo(json.dumps(agenda_to_dict(result, lang), ensure_ascii=False, indent=2))
        else:
            from rendering.caseload import render_agenda

            render_agenda(result, lang, sys.stdout)
    finally:
        # A sqlite3.Connection sits in a reference cycle (its statement cache): dropping it does
        # not close it while the garbage collector is off.
        connection.close()
    return 1 if check and result.overdue else 0


def caseload_reference(as_of: str | None) -> Reference:
    """Each case's reference day and instant, in its own territory's time zone.

    One moment for every case: now, or `--as-of DATE HH:MM` read as Paris time (22:00 in Paris
    is already the next day in Réunion). `--as-of DATE` alone is that day in every territory.
    Every caseload command uses it (cli_caseload._reference); it lives here, without typer, for
    the agenda's fast path.
    """
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from cli import reference_time  # looked up at each call: the tests pin the clock there

    if as_of is None:

        def now(time_zone: str) -> tuple[date, datetime | None]:
            return reference_time(None, time_zone)

        return now
    day, instant = reference_time(as_of, PIVOT_ZONE)
    if instant is None:
        return lambda time_zone: (day, None)

    def pinned(time_zone: str) -> tuple[date, datetime | None]:
        local = instant.astimezone(ZoneInfo(time_zone))
        return local.date(), local

    return pinned
