"""The command line: one Typer app, every command a thin function (parse -> call -> show -> exit).

The work lives below: `deadlines/` computes, `caseload/` keeps the cases and plans the lists and
the export, `calendars/` writes iCalendar, `rendering/` draws tables and JSON. Nothing below
imports this module. What the commands share while they run (errors as one line, the store,
sentences in the user's language) is in cli_shared.py, which never imports this module. The
options a user can enter about a case come from one catalogue, `deadlines.inputs.INPUTS` (see
`case_inputs`). sqlite3, rich and the calendar writer are imported inside the commands that need
them: a JSON `compute` loads none of them.

No `from __future__ import annotations` here: Typer reads every command's annotations at each
start, and as strings each would be compiled and evaluated twice (256 evals); the few names
known to mypy only are quoted.
"""

import gc
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli_options import (
    EXIT_CANCELLED,
    FORMATS,
    AcceptUnlikely,
    AsOf,
    Assignee,
    Check,
    Command,
    Db,
    Explain,
    Format,
    Group,
    Info,
    Lang,
    Mine,
    Ref,
    Remind,
    Yes,
    case_inputs,
)
from cli_shared import (
    choice,
    creating,
    open_store,
    reported,
    say,
    say_unlikely,
    whose_cases,
    write_file,
)
from deadlines import LAW_AS_OF
from deadlines.errors import DeadlinesError, InputError
from deadlines.inputs import EVENT_INPUTS, Entered

if TYPE_CHECKING:
    from caseload.database import Database
    from caseload.store import CaseRecord
    from deadlines.case import Case
    from deadlines.engine import Computation

HELP = f"""Échéances du titre de séjour pour soins (CESEDA L.425-9).

Calcule chaque délai de la procédure à partir des dates clés d'un dossier, avec ses
lectures (date prudente, date soutenable), sa base légale et le détail du calcul.

Les dates sont calculées d'après le droit enregistré au {LAW_AS_OF}. Le droit change :
faites confirmer par un juriste toute échéance qui compte.

Dates : JJ/MM/AAAA (04/03/2025 = 4 mars 2025) ou AAAA-MM-JJ (2025-03-04) ; avec
l'heure pour une notification d'OQTF : "04/03/2025 10:30" ou 2025-03-04T10:30 (heure locale
du territoire).
Codes de sortie : 0 normal, 1 échéance dépassée (avec --check), 2 saisie invalide,
3 annulé par vous, 4 dossier modifié entre-temps par quelqu'un d'autre, 5 (sync) un
événement modifié dans l'agenda a été gardé, 6 (sync) serveur injoignable.
En anglais : --lang en ou DEADLINES_LANG=en.
"""

app = typer.Typer(
    cls=Group,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=HELP,
    add_completion=True,
    no_args_is_help=True,
    # No rich help (~190 ms) and never a traceback with local variables: case data is
    # health data.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
)
case_app = typer.Typer(
    cls=Group,
    help="Les dossiers suivis, gardés dans une base SQLite locale (lisible par vous seul). "
    "La référence d'un dossier est un pseudonyme ou un numéro, jamais un nom.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def main() -> None:
    """The console script."""
    # A command is one short run whose objects (a deadline per row of a caseload) live until it
    # ends: the cyclic collector would scan them again and again and free nothing. Measured:
    # it halves a 5,000-case agenda computed without its memo (2.4 s -> 1.2 s, issue 13).
    gc.disable()
    app()


def _days(text: str) -> int:
    """A window in days: ASCII digits only (int() would take « ٣ » for 3), 0 to 3660."""
    if not (text.isascii() and text.isdigit()) or int(text) > 3660:
        raise InputError("days.format", field="days", value=text)
    return int(text)


# --- compute -------------------------------------------------------------------------------


def _show_version(asked: bool) -> None:
    # Eager: `deadlines --version` alone is answered before click asks for a command.
    if asked:
        from deadlines import __version__

        typer.echo(f"deadlines {__version__} (droit au {LAW_AS_OF})")
        raise typer.Exit(0)


@app.callback()
def deadlines_app(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", help="Affiche la version.", is_eager=True, callback=_show_version
        ),
    ] = False,
) -> None:
    """Échéances du titre de séjour pour soins (CESEDA L.425-9)."""


@app.command(cls=Command)
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


app.add_typer(case_app, name="case")

# --- case add / set / unset ----------------------------------------------------------------


def _compute_case(
    case: "Case", as_of: str | None, record: "CaseRecord | None" = None
) -> "Computation":
    from deadlines.clock import case_reference
    from deadlines.engine import compute as compute_deadlines

    done = record.done if record is not None else frozenset()
    return compute_deadlines(case, *case_reference(as_of, case.where), done)


@case_app.command("add", cls=Command)
@case_inputs
def case_add(
    ref: Ref,
    entered: Entered,
    as_of: AsOf = None,
    accept_unlikely: AcceptUnlikely = False,
    assignee: Annotated[
        str | None,
        typer.Option(metavar="NOM", help="Qui suit le dossier (son DEADLINES_USER)."),
    ] = None,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Ajoute un dossier (mêmes options d'événements que compute) et affiche ses échéances."""
    from calendars.plan import parse_ref
    from caseload import store
    from caseload.team import parse_assignee
    from deadlines.clock import case_reference
    from deadlines.engine import compute as compute_deadlines
    from deadlines.entered import build_case, parse_events
    from deadlines.plausible import check_events, check_ref
    from rendering.output import show_computation

    with reported(lang):
        checked = parse_ref(ref)
        follower = None if assignee is None else parse_assignee(assignee)
        case = build_case(entered, require_event=False)
        day, now = case_reference(as_of, case.where)
        unlikely = check_ref(checked) + check_events(parse_events(entered), day, now)
        say_unlikely(unlikely, accept_unlikely, lang)
        # Computed before saving: a bad --as-of is an error with nothing written.
        computation = compute_deadlines(case, day, now) if case.events else None
        with creating(db, lang) as connection:
            store.add(connection, checked, case, assignee=follower)
        say(f"Dossier « {checked} » ajouté.", f"Case '{checked}' added.", lang)
        if computation is not None:
            show_computation(computation, lang, "table", False)


YES = {"o", "oui", "y", "yes"}
NO = {"n", "non", "no", ""}


def _confirm(question_fr: str, question_en: str, lang: str, yes: bool) -> None:
    """Ask on the terminal (o/oui/y/yes or n/non/no; Enter: no); declining, or no answer at
    all (a script without --yes), cancels the command with nothing saved (exit status 3)."""
    if yes:
        return
    prompt = f"{question_fr} [o/N] " if lang == "fr" else f"{question_en} [y/N] "
    while True:
        sys.stderr.write(prompt)
        sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:  # end of input
            sys.stderr.write("\n")
            answer = False
            break
        word = line.strip().lower()
        if word in YES or word in NO:
            answer = word in YES
            break
    if not answer:
        error = DeadlinesError("confirm.aborted", field=None)
        error.exit_code = EXIT_CANCELLED
        raise error


def _save_case_change(
    connection: "Database",
    record: "CaseRecord",
    change: "Callable[[Case], Case]",
    as_of: str | None,
    lang: str,
    yes: bool,
) -> None:
    """Show the deadlines that move, ask, then apply the change to the case as it is then.

    The change is applied again, inside one write transaction, to the case as stored at that
    moment (caseload.store.update): what another caseworker saved meanwhile is kept. Asked and
    answered on a case that changed meanwhile, nothing is saved (exit status 4)."""
    from caseload import store
    from deadlines.engine import compute as compute_deadlines
    from rendering.caseload import render_moves

    new_case = change(record.case)
    if new_case == record.case:
        say("Rien à changer.", "Nothing to change.", lang)
        return
    before = _compute_case(record.case, as_of, record)
    after = compute_deadlines(new_case, before.as_of, before.now, record.done)
    render_moves(before, after, lang, sys.stdout)
    _confirm("Enregistrer ?", "Save?", lang, yes)
    _, _, changes = store.update(connection, record.ref, change, None if yes else record)
    say(
        f"Dossier « {record.ref} » enregistré ({len(changes)} changement(s)).",
        f"Case '{record.ref}' saved ({len(changes)} change(s)).",
        lang,
    )


@case_app.command("set", cls=Command)
@case_inputs
def case_set(
    ref: Ref,
    entered: Entered,
    as_of: AsOf = None,
    yes: Yes = False,
    accept_unlikely: AcceptUnlikely = False,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Ajoute ou corrige des dates et des faits ; montre les échéances qui bougent, puis demande.

    Une date donnée remplace celle du même événement ; une demande OFII ou du collège s'ajoute
    aux précédentes.
    """
    from caseload import store
    from deadlines.clock import case_reference
    from deadlines.entered import merge_facts, parse_events
    from deadlines.plausible import check_events

    with reported(lang), open_store(db, lang, writes=True) as connection:
        record = store.get(connection, ref)
        events = parse_events(entered)
        merge_facts(record.case.facts, entered)  # every fact checked before anything is shown
        day, now = case_reference(as_of, record.case.where)
        say_unlikely(check_events(events, day, now), accept_unlikely, lang)

        def change(case: "Case") -> "Case":
            """The change asked for: the dates and facts given, over the case as it is."""
            return store.with_events(case, merge_facts(case.facts, entered), events)

        _save_case_change(connection, record, change, as_of, lang, yes)


@case_app.command("unset", cls=Command)
def case_unset(
    ref: Ref,
    event: Annotated[
        str, typer.Argument(metavar="EVENT", help="Événement à retirer (ex. ofii-request).")
    ],
    on: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="Seulement celui de cette date.")
    ] = None,
    as_of: AsOf = None,
    yes: Yes = False,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Retire un événement saisi par erreur (avec --date, une seule demande répétée)."""
    from caseload import store
    from deadlines.dates import parse_date
    from deadlines.rules.model import EventKind

    with reported(lang):
        names = [spec.id for spec in EVENT_INPUTS]
        if event not in names:
            raise InputError("event.unknown", field="event", value=event, choices=", ".join(names))
        with open_store(db, lang, writes=True) as connection:
            record = store.get(connection, ref)
            day = parse_date(on, "date") if on else None
            kind = EventKind(event)
            _save_case_change(
                connection,
                record,
                lambda case: store.without_event(case, kind, day),
                as_of,
                lang,
                yes,
            )


# --- case show / list ----------------------------------------------------------------------


@case_app.command("show", cls=Command)
def case_show(
    ref: Ref,
    explain: Explain = False,
    output_format: Format = "table",
    as_of: AsOf = None,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Les échéances d'un dossier, recalculées à partir de ses dates."""
    from caseload import store
    from rendering.output import show_computation

    with reported(lang):
        choice(output_format, FORMATS, "format")
        with open_store(db, lang) as connection:
            record = store.get(connection, ref)
        if output_format == "table":
            archived = " (archivé)" if lang == "fr" else " (archived)"
            status = "" if record.status == "active" else archived
            say(f"Dossier « {ref} »{status}", f"Case '{ref}'{status}", lang, err=False)
            if record.assignee is not None:
                say(
                    f"Suivi par : {record.assignee}",
                    f"Assignee: {record.assignee}",
                    lang,
                    err=False,
                )
        if not record.case.events:
            say("Aucune date saisie.", "No date entered.", lang, err=False)
            return
        computation = _compute_case(record.case, as_of, record)
        show_computation(computation, lang, output_format, explain, case_ref=ref)


@case_app.command("list", cls=Command)
def case_list(
    include_archived: Annotated[
        bool, typer.Option("--all", help="Avec les dossiers archivés.")
    ] = False,
    mine: Mine = False,
    assignee: Assignee = None,
    output_format: Format = "table",
    as_of: AsOf = None,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Les dossiers, avec leur prochaine échéance et leurs retards."""
    from caseload.cases import case_list_to_dict, load_case_rows
    from deadlines.clock import caseload_reference
    from rendering.progress import computing, progress_bar

    with reported(lang):
        choice(output_format, FORMATS, "format")
        follower = whose_cases(mine, assignee)
        reference = caseload_reference(as_of)
        with (
            open_store(db, lang) as connection,
            progress_bar(computing(lang)) as progress,
        ):
            rows = load_case_rows(
                connection, reference, include_archived, lang, progress, assignee=follower
            )
        if output_format == "json":
            from rendering.output import json_text

            typer.echo(json_text(case_list_to_dict(rows, follower)))
            return
        from rendering.caseload import render_case_list

        render_case_list(rows, lang, sys.stdout)


# --- case done / archive / remove ----------------------------------------------------------


@case_app.command("done", cls=Command)
def case_done(
    ref: Ref,
    rule: Annotated[str, typer.Argument(metavar="RULE", help="Règle faite (ex. certificate).")],
    trigger_date: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Date de l'événement déclencheur (demandes répétées)."),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="Date où c'est fait (défaut : aujourd'hui)."),
    ] = None,
    as_of: AsOf = None,
    yes: Yes = False,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Marque une échéance comme faite : elle n'apparaît plus dans l'agenda ni l'agenda exporté.

    Une date à venir est refusée ; une échéance déjà marquée faite n'est remplacée qu'après
    confirmation (--yes pour les scripts).
    """
    from caseload import store
    from caseload.cases import deadline_to_mark, known_rule
    from deadlines.dates import parse_date
    from deadlines.plausible import check_done_day

    with reported(lang):
        known_rule(rule)  # refused before the store is opened
        with open_store(db, lang, writes=True) as connection:
            record = store.get(connection, ref)
            computation = _compute_case(record.case, as_of, record)
            deadline = deadline_to_mark(computation, rule, trigger_date)
            today = computation.as_of  # the case's today, on its territory's clock
            when = parse_date(on, "on") if on else today
            check_done_day(when, today)
            before = store.done_on(connection, record, deadline.key)
            if before is not None:
                _confirm(
                    f"Déjà marquée faite le {before:%d/%m/%Y} : remplacer par le {when:%d/%m/%Y} ?",
                    f"Already marked done on {before.isoformat()}: replace with "
                    f"{when.isoformat()}?",
                    lang,
                    yes,
                )
            store.mark_done(connection, record, deadline.key, when)
        say(
            f"« {deadline.rule.title.get('fr')} » marqué fait le {when:%d/%m/%Y}.",
            f"'{deadline.rule.title.get('en')}' marked done on {when.isoformat()}.",
            lang,
        )


@case_app.command("archive", cls=Command)
def case_archive(ref: Ref, lang: Lang = "fr", db: Db = None) -> None:
    """Archive un dossier : il sort de l'agenda ; le prochain export annule ses échéances."""
    from caseload import store

    with reported(lang), open_store(db, lang, writes=True) as connection:
        store.set_status(connection, store.get(connection, ref), "archived")
        say(f"Dossier « {ref} » archivé.", f"Case '{ref}' archived.", lang)


@case_app.command("assign", cls=Command)
def case_assign(
    ref: Ref,
    name: Annotated[
        str | None,
        typer.Argument(metavar="[NOM]", help="Qui suit désormais le dossier (son DEADLINES_USER)."),
    ] = None,
    nobody: Annotated[
        bool, typer.Option("--nobody", help="Ne confier le dossier à personne.")
    ] = False,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Confie un dossier à un membre de l'équipe (ou à personne avec --nobody) ; journalisé."""
    from caseload import store
    from caseload.team import parse_assignee

    with reported(lang):
        if (name is None) == (not nobody):  # both, or neither
            raise InputError("assignee.name-or-nobody", field="assignee")
        follower = None if name is None else parse_assignee(name)
        with open_store(db, lang, writes=True) as connection:
            changed = store.assign(connection, store.get(connection, ref), follower)
        if not changed:
            say("Rien à changer.", "Nothing to change.", lang)
        elif follower is None:
            say(f"Dossier « {ref} » confié à personne.", f"Case '{ref}' assigned to nobody.", lang)
        else:
            say(
                f"Dossier « {ref} » confié à {follower}.",
                f"Case '{ref}' assigned to {follower}.",
                lang,
            )


@case_app.command("history", cls=Command)
def case_history(
    ref: Ref, output_format: Format = "table", lang: Lang = "fr", db: Db = None
) -> None:
    """Qui a fait quoi dans un dossier : chaque changement, du plus ancien au plus récent."""
    from caseload.team import history

    with reported(lang):
        choice(output_format, FORMATS, "format")
        with open_store(db, lang) as connection:
            changes = history(connection, ref)
        if output_format == "json":
            from rendering.history import history_to_dict
            from rendering.output import json_text

            typer.echo(json_text(history_to_dict(ref, changes, lang)))
            return
        from rendering.history import render_history

        render_history(ref, changes, lang, sys.stdout)


@case_app.command("remove", cls=Command)
def case_remove(ref: Ref, yes: Yes = False, lang: Lang = "fr", db: Db = None) -> None:
    """Supprime un dossier et ses dates (le journal garde seulement qu'il a existé)."""
    from caseload import store

    with reported(lang), open_store(db, lang, writes=True) as connection:
        record = store.get(connection, ref)
        _confirm(
            f"Supprimer définitivement le dossier « {ref} » ?",
            f"Delete case '{ref}' for good?",
            lang,
            yes,
        )
        store.remove(connection, record)
        say(f"Dossier « {ref} » supprimé.", f"Case '{ref}' deleted.", lang)


# --- agenda, export, import, backup --------------------------------------------------------


@app.command(cls=Command)
def agenda(
    days: Annotated[
        str, typer.Option(metavar="JOURS", help="Fenêtre en jours, 0 à 3660 (défaut 14).")
    ] = "14",
    mine: Mine = False,
    assignee: Assignee = None,
    output_format: Format = "table",
    check: Check = False,
    as_of: AsOf = None,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Ce qui est dû dans tous les dossiers actifs : retards d'abord, puis par date.

    Chaque dossier est vu à l'heure de son territoire ; --as-of avec une heure désigne cet
    instant à l'heure de Paris (22 h à Paris, c'est déjà le lendemain à La Réunion).
    """
    from caseload.agenda import load_agenda
    from deadlines.clock import caseload_reference
    from rendering.progress import computing, progress_bar

    with reported(lang):
        choice(output_format, FORMATS, "format")
        window = _days(days)
        follower = whose_cases(mine, assignee)
        reference = caseload_reference(as_of)  # a bad --as-of fails before the store is opened
        with (
            open_store(db, lang) as connection,
            progress_bar(computing(lang)) as progress,
        ):
            result = load_agenda(connection, reference, window, progress, assignee=follower)
        if output_format == "json":
            from caseload.agenda import agenda_to_dict
            from rendering.output import json_text

            typer.echo(json_text(agenda_to_dict(result, lang, follower)))
        else:
            from rendering.caseload import render_agenda

            render_agenda(result, lang, sys.stdout)
        if check and result.overdue:
            raise typer.Exit(1)


@app.command(cls=Command)
def export(
    refs: Annotated[
        list[str] | None,
        typer.Argument(metavar="[REF]...", help="Dossiers (défaut : tous les actifs)."),
    ] = None,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="FICHIER.ics",
            help="Fichier agenda à écrire ; « - » pour la sortie standard (avec --calendar).",
        ),
    ] = "",
    calendar: Annotated[
        str | None,
        typer.Option(
            metavar="NOM",
            help="Nom de l'agenda dont l'état d'export est retenu (obligatoire avec -o -) ; "
            "défaut : le chemin du fichier.",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Montre ce qui changerait, dossier par dossier, sans rien écrire ni enregistrer.",
        ),
    ] = False,
    remind: Remind = None,
    info: Info = None,
    as_of: AsOf = None,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Un seul agenda .ics pour les dossiers choisis, qui reste en phase avec l'outil.

    Une échéance inchangée garde son UID et sa SEQUENCE ; une date qui bouge augmente la
    SEQUENCE ; une échéance qui ne s'applique plus est écrite une fois comme annulée. Ce qui a
    été exporté est retenu par agenda (le fichier, ou --calendar NOM) : chacun reçoit ses
    propres annulations, et un export de quelques dossiers ne change pas l'état de l'agenda
    de tous les dossiers.
    """
    import os

    from calendars.plan import parse_reminders, stamp_from_day
    from caseload import store
    from caseload.export import STDOUT, Export, calendar_of
    from deadlines.clock import PIVOT_ZONE, caseload_reference
    from rendering.progress import computing, progress_bar

    with reported(lang):
        if not output:
            raise InputError("export.output", field="output")
        chosen = calendar_of(output, calendar, refs or None)
        reminders = parse_reminders(remind)
        reference = caseload_reference(as_of)
        where = _export_target(output, calendar, lang)
        with open_store(db, lang, writes=True) as connection:
            for ref in refs or ():
                store.get(connection, ref)  # an unknown reference is an error, not an empty file
            with progress_bar(computing(lang)) as progress:
                job = Export.start(
                    connection,
                    reference,
                    refs or None,
                    lang,
                    reminders,
                    info is not False,
                    progress,
                    calendar=chosen,
                )
            stamp = stamp_from_day(reference(PIVOT_ZONE)[0], os.environ.get("SOURCE_DATE_EPOCH"))
            name = "Échéances" if lang == "fr" else "Deadlines"
            # Planned, compared and written a case at a time; the counts fill in meanwhile.
            with progress_bar("export") as report:
                step = None if report is None else lambda n: report(n, job.planned)
                chunks = job.chunks(name, stamp, step)
                if dry_run:
                    size = sum(map(len, chunks))  # compared and made, never written
                elif output == STDOUT:
                    size = _write_stdout(chunks)
                else:
                    size = write_file(Path(output), chunks, "output")
            if not dry_run:
                job.save()  # only once the file is written
        c = job.counts
        totals_fr = (
            f"{job.cases} dossiers, {job.events} événements ; nouveaux {c['new']}, modifiés "
            f"{c['moved']}, inchangés {c['unchanged']}, annulés {c['cancelled']}"
        )
        totals_en = (
            f"{job.cases} cases, {job.events} events; new {c['new']}, changed {c['moved']}, "
            f"unchanged {c['unchanged']}, cancelled {c['cancelled']}"
        )
        if dry_run:
            from rendering.caseload import render_dry_run

            totals = totals_fr if lang == "fr" else totals_en
            render_dry_run(job.changes, where, totals, lang, sys.stdout)
            return
        say(
            f"Agenda écrit : {where} ({totals_fr} ; {size} octets)",
            f"Calendar written: {where} ({totals_en}; {size} bytes)",
            lang,
        )


def _export_target(output: str, calendar: str | None, lang: str) -> str:
    """Where an export goes, as its messages name it."""
    fr = lang == "fr"
    where = ("sortie standard" if fr else "standard output") if output == "-" else output
    if calendar is not None:
        where += f" (agenda « {calendar.strip()} »)" if fr else f" (calendar '{calendar.strip()}')"
    return where


def _write_stdout(chunks: Iterator[bytes]) -> int:
    """The calendar on standard output (`export -o -`); a failure is one line, exit 2, and
    the state is not saved."""
    out = sys.stdout.buffer
    written = 0
    try:
        for chunk in chunks:
            out.write(chunk)
            written += len(chunk)
        out.flush()
    except OSError as error:
        raise InputError(
            "ics.write", field="output", value="-", reason=error.strerror or str(error)
        ) from None
    return written


@app.command(cls=Command)
def sync(
    url: Annotated[
        str, typer.Argument(metavar="URL", help="Adresse de l'agenda CalDAV (la collection).")
    ],
    user: Annotated[
        str | None, typer.Option(metavar="NOM", help="Identifiant sur le serveur CalDAV.")
    ] = None,
    password_file: Annotated[
        str | None,
        typer.Option(
            "--password-file",
            metavar="FICHIER",
            help="Fichier dont la première ligne est le mot de passe (sinon "
            "$DEADLINES_CALDAV_PASSWORD ; jamais sur la ligne de commande).",
        ),
    ] = None,
    mine: Mine = False,
    assignee: Assignee = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Liste ce qui serait créé, modifié, supprimé ; n'envoie rien."
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Remplace aussi les événements modifiés dans l'agenda par quelqu'un."
        ),
    ] = False,
    timeout: Annotated[
        str, typer.Option(metavar="SECONDES", help="Attente maximale de chaque réponse.")
    ] = "30",
    remind: Remind = None,
    info: Info = None,
    as_of: AsOf = None,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Tient un agenda CalDAV (Nextcloud, Radicale…) égal aux dossiers actifs.

    Une ressource par échéance et par rappel : les nouvelles sont créées, celles qui changent
    remplacées (SEQUENCE + 1), celles qui ne s'appliquent plus (faites, archivées) supprimées ;
    rien n'est envoyé pour le reste. Un événement modifié dans l'agenda n'est pas écrasé : il
    est signalé (code de sortie 5) ; --force le remplace. Seuls la référence du dossier et
    l'échéance sont envoyées.
    """
    import os
    from time import monotonic

    from calendars.dav import Calendar, calendar_url, is_loopback, password
    from calendars.plan import ExportOptions, parse_reminders, stamp_from_day
    from caseload import sync as syncing
    from deadlines.clock import PIVOT_ZONE, caseload_reference
    from rendering import sync as shown
    from rendering.progress import computing, progress_bar

    with reported(lang):
        whose = whose_cases(mine, assignee)
        target = calendar_url(url)
        secret = password(user, password_file, dict(os.environ))
        seconds = _timeout(timeout)
        options = ExportOptions("", lang, parse_reminders(remind), info is not False)
        reference = caseload_reference(as_of)
        if secret is not None and not target.startswith("https:") and not is_loopback(target):
            say(
                "attention : http:// sans TLS : le mot de passe et les échéances passent en "
                "clair sur le réseau.",
                "warning: http:// without TLS: the password and the deadlines cross the network "
                "in clear.",
                lang,
            )
        with (
            open_store(db, lang, writes=not dry_run) as connection,
            Calendar(target, user, secret, seconds) as calendar,
        ):
            refs = None if whose is None else syncing.assigned(connection, whose)
            # The URL is checked to be a calendar before the first sync sends anything to it;
            # --force reads the server's ETags (what was edited there) before comparing.
            if not dry_run and not syncing.is_known(connection, target):
                calendar.check_calendar()
            server = calendar.etags() if force else None
            with progress_bar(computing(lang)) as progress:
                todo = syncing.plan(
                    connection, target, calendar.href, reference, refs, options, progress, server
                )
            for ref in todo.skipped:
                typer.echo(shown.skipped_line(ref, lang), err=True)
            if dry_run:
                shown.render_sync_dry_run(todo, lang, sys.stdout)
                return
            stamp = stamp_from_day(reference(PIVOT_ZONE)[0], os.environ.get("SOURCE_DATE_EPOCH"))
            started = monotonic()
            with progress_bar("CalDAV") as report:
                outcome = syncing.run(connection, todo, calendar, stamp, report=report)
            for step in outcome.conflicts:
                typer.echo(shown.conflict_line(step, lang), err=True)
            typer.echo(
                shown.done_line(todo, outcome, calendar.requests, monotonic() - started, lang),
                err=True,
            )
        if outcome.conflicts:
            raise typer.Exit(syncing.EXIT_CONFLICTS)


def _timeout(text: str) -> float:
    """--timeout: seconds, 1 to 600 (ASCII digits and one decimal point)."""
    try:
        value = float(text) if text.replace(".", "", 1).isascii() else -1.0
    except ValueError:
        value = -1.0
    if not 1 <= value <= 600:
        raise InputError("sync.timeout-format", field="--timeout", value=text)
    return value


def _import_columns() -> str:
    """The accepted column headers, for `import --help` (from the catalogue: no import of the
    caseload at start-up; tests/caseload/test_import_excel.py checks it against the import's)."""
    from deadlines.inputs import INPUTS

    inputs = sorted(INPUTS, key=lambda i: (i.id != "territory", not i.is_event))
    columns = [
        ("ref", ("Référence", "Ref", "Dossier")),
        *((i.id, i.csv_aliases) for i in inputs),
        ("assignee", ("Suivi par", "Référent")),  # who follows the case (issue 17)
    ]
    width = max(len(column) for column, _ in columns)
    lines = [f"  {column:<{width}}  {', '.join(aliases)}" for column, aliases in columns]
    # \b: click keeps the block as it is (no rewrapping, which would cut an id at its hyphen).
    return "\b\nColonnes, ou leur nom français (majuscules, accents et espaces ignorés) :\n" + (
        "\n".join(lines)
    )


@app.command("import", cls=Command, epilog=_import_columns())
def import_csv(
    path: Annotated[
        str,
        typer.Argument(
            metavar="FICHIER.csv",
            help="Le fichier CSV, ou « - » pour lire l'entrée standard.",
            show_default=False,
        ),
    ],
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Met à jour les dossiers déjà présents (une cellule vide garde la valeur "
            "enregistrée) ; sans cette option, une référence existante est une erreur.",
        ),
    ] = False,
    accept_unlikely: AcceptUnlikely = False,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Importe des dossiers d'un CSV : tout est vérifié d'abord ; toutes les lignes ou aucune.

    Séparateur « , » ou « ; » ; une ligne d'en-tête ; ref et territory obligatoires dans chaque
    ligne (un département vide est une erreur, 1 vaut 01) ; plusieurs dates d'une demande
    séparées par « | ». Le fichier est lu en UTF-8 ou, s'il ne l'est pas, en Windows-1252 (les
    deux formats CSV d'Excel). Un fichier ordinaire de 10 Mo au plus.
    """
    from caseload.csv_import import read_table, report_lines, validate, write
    from caseload.db import store_exists
    from rendering.progress import progress_bar

    stdin = getattr(sys.stdin, "buffer", None) if path == "-" else None
    with reported(lang):
        table = None
        if not store_exists(db):  # a file with errors creates no store
            table = read_table(path, stdin)
            validate(None, table, update, accept_unlikely)
        with creating(db, lang) as connection:  # a damaged store is said first
            table = table or read_table(path, stdin)
            rows = validate(connection, table, update, accept_unlikely)
            with progress_bar("import") as report:
                step = None if report is None else lambda n: report(n, len(rows))
                outcome = write(connection, rows, table.encoding, step)
    changes, summary = report_lines(outcome, update, lang)
    for line in changes:
        typer.echo(line)
    typer.echo(summary, err=True)


@app.command(cls=Command)
def backup(
    target: Annotated[Path, typer.Argument(metavar="FICHIER", help="Copie à écrire.")],
    force: Annotated[
        bool, typer.Option("--force", help="Remplacer FICHIER s'il existe.", show_default=False)
    ] = False,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Copie cohérente de la base dans un fichier SQLite, vérifiée, lisible par vous seul.

    Base SQLite : l'API de sauvegarde de SQLite, puis integrity_check. Base PostgreSQL : les
    dossiers copiés dans un nouveau fichier SQLite et vérifiés comme par « deadlines db copy »
    (« deadlines db copy FICHIER postgresql://… » la restaure dans une base vide). Jamais sur la
    base elle-même, ni sur un fichier existant sans --force.
    """
    from caseload.database import SqliteDatabase

    with reported(lang), open_store(db, lang) as connection:
        if isinstance(connection, SqliteDatabase):
            from caseload.backup import backup as copy

            pages = copy(connection, target, force)
            say(
                f"Copie écrite : {target} ({pages} pages).",
                f"Backup written: {target} ({pages} pages).",
                lang,
            )
            return
        from caseload.copy import backup_to_file

        copied = backup_to_file(connection, target, force)
        say(
            f"Copie écrite : {target} ({copied.cases} dossiers, {copied.events} événements, "
            f"{copied.changes} lignes d'historique ; échéances vérifiées).",
            f"Backup written: {target} ({copied.cases} cases, {copied.events} events, "
            f"{copied.changes} change-log lines; deadlines checked).",
            lang,
        )


# --- db copy: a caseload moved between SQLite and PostgreSQL (issue 17) ---------------------

db_app = typer.Typer(
    cls=Group,
    help="La base de dossiers elle-même : la copier de SQLite vers PostgreSQL, et retour.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
app.add_typer(db_app, name="db")

COPY_SCHEMA = 1  # the JSON of `db copy --format json`


@db_app.command("copy", cls=Command)
def db_copy(
    source: Annotated[
        str,
        typer.Argument(
            metavar="SOURCE",
            help="La base à copier : un fichier SQLite, ou postgresql://utilisateur@serveur/base.",
            show_default=False,
        ),
    ],
    target: Annotated[
        str,
        typer.Argument(
            metavar="CIBLE",
            help="Où la copier : un fichier qui n'existe pas encore, ou une base PostgreSQL vide.",
            show_default=False,
        ),
    ],
    output_format: Format = "table",
    lang: Lang = "fr",
) -> None:
    """Copie toute une base de dossiers (SQLite ⇄ PostgreSQL) et vérifie la copie.

    Tout est copié en une transaction, tout ou rien, les numéros gardés : dossiers, dates,
    actions faites, journal des changements, état des exports et des synchronisations. Puis
    les échéances de chaque dossier, archivés compris, sont calculées des deux côtés au même
    instant et comparées. Une CIBLE qui contient déjà des données est refusée. Code de sortie
    1 si la vérification échoue (une anomalie de l'outil : la copie est retirée, la source
    n'a pas changé), 2 si une des bases ne peut pas servir.
    """
    from caseload.copy import copy

    with reported(lang):
        choice(output_format, FORMATS, "format")
        copied = copy(source, target)
    if output_format == "json":
        from rendering.output import json_text

        typer.echo(
            json_text(
                {
                    "schema": COPY_SCHEMA,
                    "source": copied.source,
                    "target": copied.target,
                    "rows": copied.rows,
                    "deadlines": copied.deadlines,
                    "seconds": copied.seconds,
                }
            )
        )
        return
    say(
        f"Copie vérifiée : {copied.cases} dossiers, {copied.events} événements, "
        f"{copied.changes} lignes d'historique copiés dans {copied.target} ; les "
        f"{copied.deadlines} échéances des {copied.cases} dossiers sont identiques "
        f"({copied.seconds:.1f} s).",
        f"Copy checked: {copied.cases} cases, {copied.events} events, {copied.changes} "
        f"change-log lines copied to {copied.target}; the {copied.deadlines} deadlines of "
        f"the {copied.cases} cases are the same ({copied.seconds:.1f} s).",
        lang,
    )


if __name__ == "__main__":
    main()
