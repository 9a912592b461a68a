"""`deadlines compute`: a case typed on the command line, its deadlines shown (table or JSON)
and, with --ics, written to a calendar. Registered on the app by cli.py.

A JSON `compute` loads neither rich, sqlite3, the caseload nor the calendar writer: they are
imported inside the functions that need them. No `from __future__ import annotations` (see
cli.py).
"""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli_options import (
    FORMATS,
    AcceptUnlikely,
    AsOf,
    Check,
    Explain,
    Format,
    Info,
    Lang,
    Remind,
    case_inputs,
)
from cli_shared import choice, reported, say, say_unlikely, write_file
from deadlines.errors import InputError
from deadlines.inputs import Entered

if TYPE_CHECKING:
    from deadlines.engine import Computation


@case_inputs
def compute(
    entered: Entered,
    as_of: AsOf = None,
    lang: Lang = "fr",
    output_format: Format = "table",
    explain: Explain = False,
    check: Check = False,
    ics: Annotated[
        str | None,
        typer.Option(
            metavar="FICHIER",
            help="Écrit les échéances dans un agenda .ics (Google, Outlook, Thunderbird, Apple, "
            "Nextcloud) ; « - » pour la sortie standard.",
        ),
    ] = None,
    ref: Annotated[
        str | None,
        typer.Option(
            metavar="REF",
            help="Référence du dossier écrite dans l'agenda, obligatoire avec --ics (un "
            "pseudonyme ou un numéro, jamais un nom) : elle fait les UID du dossier.",
        ),
    ] = None,
    remind: Remind = None,
    info: Info = None,
    accept_unlikely: AcceptUnlikely = False,
) -> None:
    """Calcule toutes les échéances d'un dossier à partir de ses dates clés.

    Chaque date saisie (options ci-dessous) donne les échéances qu'elle déclenche, avec la
    date prudente à respecter, leur base légale et, avec --explain, le détail du calcul.
    """
    from deadlines.clock import case_reference
    from deadlines.engine import compute as compute_deadlines
    from deadlines.entered import build_case, parse_events
    from deadlines.plausible import check_events, check_ref
    from rendering.output import show_computation

    with reported(lang):
        choice(output_format, FORMATS, "format")
        if ics == "":
            raise InputError("ics.empty", field="ics")
        if ics == "-" and output_format == "json":
            # Standard output can hold the calendar or the JSON, not both.
            raise InputError("ics.stdout-and-json", field="format")
        export = _export_options(ics, ref, remind, info, lang)
        case = build_case(entered)
        day, now = case_reference(as_of, case.where)
        unlikely = check_events(parse_events(entered), day, now)
        say_unlikely(unlikely + check_ref(ref or ""), accept_unlikely, lang)
        computation = compute_deadlines(case, day, now)
        if ics is not None and export is not None:
            _write_case_calendar(computation, export, ics, lang)
        if ics != "-":  # with --ics -, standard output holds the calendar and only it
            show_computation(computation, lang, output_format, explain)
        if check and _has_overdue(computation):
            raise typer.Exit(1)


def _export_options(
    ics: str | None, ref: str | None, remind: str | None, info: bool | None, lang: str
) -> Any:
    """The calendar options (calendars.plan.ExportOptions), checked before anything is
    computed or written; None without --ics."""
    if ics is None:
        for field, value in (("ref", ref), ("remind", remind), ("info", info)):
            if value is not None:
                raise InputError("ics.option-without-ics", field=field)
        return None
    if ref is None:
        # No default reference: two cases written under one would share their UIDs, and
        # importing the second calendar would replace the first case's events (issue 14).
        raise InputError("ics.ref-required", field="ref")
    from calendars.plan import ExportOptions, parse_ref, parse_reminders

    return ExportOptions(
        ref=parse_ref(ref),
        lang=lang,
        reminders=parse_reminders(remind),
        include_info=info is not False,
    )


def _write_case_calendar(computation: "Computation", export: Any, target: str, lang: str) -> None:
    """Plan the case's calendar and write it to `target` ("-": standard output)."""
    import os

    from calendars.ics import to_ics
    from calendars.plan import plan, stamp_for

    events = plan(computation, export)
    name = ("Échéances " if lang == "fr" else "Deadlines ") + export.ref
    data = to_ics(
        events,
        name,
        stamp_for(computation, os.environ.get("SOURCE_DATE_EPOCH")),
        zones=(computation.case.where.time_zone,),
    )
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(target)
    write_file(path, data, "ics")
    say(
        f"Agenda écrit : {path} ({len(events)} événements, {len(data)} octets)",
        f"Calendar written: {path} ({len(events)} events, {len(data)} bytes)",
        lang,
    )


def _has_overdue(computation: "Computation") -> bool:
    """A deadline the person must meet is past (the `--check` exit status 1)."""
    from deadlines.engine import State

    return any(d.state is State.OVERDUE and d.rule.must_act for d in computation.deadlines)
