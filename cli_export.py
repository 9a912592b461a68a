"""The work of `deadlines export`, without its framework (issue 6).

This module imports neither typer nor click: the Typer command (cli_caseload.export) and the
console script's fast path (cli_fast.py) both call `run_export`, which returns the exit status.
The store, the export, rich (a progress bar on a terminal only) are imported inside it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: see cli.py
if TYPE_CHECKING:
    import sqlite3


def run_export(
    *,
    refs: list[str] | None,
    output: str,
    remind: str | None,
    info: bool | None,
    as_of: str | None,
    lang: str,
    db: str | None,
) -> int:
    """`deadlines export`, given the values of its options as Typer passes them; exit status.

    0, or a DeadlinesError as one line on stderr and its exit status (2), as for every caseload
    command (cli_caseload._run).
    """
    import gc

    from cli import LANGS, report_error
    from deadlines.errors import DeadlinesError

    user_lang = lang if lang in LANGS else "fr"
    # As cli_caseload._run: the command allocates up to millions of objects that live until it
    # ends; the cyclic garbage collector would scan them again and again and free nothing.
    gc.disable()
    opened: list[sqlite3.Connection] = []
    try:
        _export(refs, output, remind, info, as_of, lang, db, opened)
    except DeadlinesError as error:
        return report_error(error, user_lang)
    finally:
        # A sqlite3.Connection sits in a reference cycle (its statement cache): dropping it does
        # not close it while the garbage collector is off.
        while opened:
            opened.pop().close()
    return 0


def _export(
    refs: list[str] | None,
    output: str,
    remind: str | None,
    info: bool | None,
    as_of: str | None,
    lang: str,
    db: str | None,
    opened: list[sqlite3.Connection],
) -> None:
    import os
    from pathlib import Path

    from calendars.plan import parse_reminders, stamp_from_day
    from caseload import store
    from caseload.db import connect, default_path
    from caseload.export import Export
    from cli import echo, write_calendar_file
    from cli_agenda import caseload_reference
    from cli_progress import computing, progress_bar
    from deadlines.errors import InputError

    if not output:
        raise InputError("export.output", field="output")
    reminders = parse_reminders(remind)
    reference = caseload_reference(as_of)
    connection = connect(Path(db) if db else default_path())
    opened.append(connection)
    if refs:
        for ref in refs:
            store.get(connection, ref)  # an unknown reference is an error, not an empty file
    # The cases' deadlines from the memo, and the state of the last export; a helper process
    # may write some cases meanwhile, with the DTSTAMP of every event (a wrong SOURCE_DATE_EPOCH
    # is said below, as it always was: then no helper).
    try:
        early = stamp_from_day(reference("Europe/Paris")[0], os.environ.get("SOURCE_DATE_EPOCH"))
    except InputError:
        early = None
    with progress_bar(computing(lang)) as progress:
        export = Export.start(
            connection, reference, refs or None, lang, reminders, info is not False, progress, early
        )
    try:
        stamp = stamp_from_day(reference("Europe/Paris")[0], os.environ.get("SOURCE_DATE_EPOCH"))
        name = "Échéances" if lang == "fr" else "Deadlines"
        target = Path(output)
        # Planned, compared and written a case at a time, in icalendar's exact bytes
        # (calendars/fast.py, tests/calendars/test_fast.py); the counts fill in meanwhile. The
        # bar is drawn on a terminal only (rich would show nothing elsewhere; ~60 ms to import).
        with progress_bar("export") as report:
            step = None if report is None else lambda n: report(n, export.planned)
            size = write_calendar_file(target, export.chunks(name, stamp, step), "output")
    finally:
        export.close()  # the helper, if the file was not written
    export.save()  # only once the file is written
    c = export.counts
    if lang == "fr":
        said = (
            f"Agenda écrit : {target} ({export.cases} dossiers, {export.events} événements ;"
            f" nouveaux {c['new']}, modifiés {c['moved']}, inchangés {c['unchanged']},"
            f" annulés {c['cancelled']} ; {size} octets)"
        )
    else:
        said = (
            f"Calendar written: {target} ({export.cases} cases, {export.events} events; "
            f"new {c['new']}, changed {c['moved']}, unchanged {c['unchanged']}, "
            f"cancelled {c['cancelled']}; {size} bytes)"
        )
    echo(said, err=True)
