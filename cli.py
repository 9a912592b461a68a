"""The command line: one Typer app, every command a thin function (parse -> call -> show -> exit).

The work lives below: `deadlines/` computes, `caseload/` keeps the cases and plans the lists and
the export, `calendars/` writes iCalendar, `rendering/` draws tables and JSON. Nothing below
imports this module. The options a user can enter about a case come from one catalogue,
`deadlines.inputs.INPUTS` (see `case_inputs`). sqlite3, rich and the calendar writer are
imported inside the commands that need them: a JSON `compute` loads none of them.

No `from __future__ import annotations` here: Typer reads every command's annotations at each
start, and as strings each would be compiled and evaluated twice (256 evals); the few names
known to mypy only are quoted.
"""

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli_options import (
    FORMATS,
    LANGS,
    OPTION_OF_FIELD,
    AsOf,
    Check,
    Db,
    Explain,
    Format,
    Info,
    Lang,
    Ref,
    Remind,
    Yes,
    case_inputs,
)
from deadlines import LAW_AS_OF
from deadlines.errors import DeadlinesError, InputError
from deadlines.inputs import EVENT_INPUTS, Entered

if TYPE_CHECKING:
    import sqlite3

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
Codes de sortie : 0 normal, 1 échéance dépassée (avec --check), 2 saisie invalide.
"""

app = typer.Typer(
    help=HELP,
    add_completion=False,
    no_args_is_help=True,
    # No rich help (~190 ms) and never a traceback with local variables: case data is
    # health data.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
)
case_app = typer.Typer(
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


# --- errors --------------------------------------------------------------------------------


def report_error(error: DeadlinesError, lang: str) -> int:
    """One clear line on stderr in the user's language (after the rows of a CSV's errors);
    the error's exit status."""
    from caseload.csv_import import CsvErrors
    from deadlines.messages import render

    if isinstance(error, CsvErrors):
        for row in error.errors:
            params = {**dict(row.params), "option": row.column or ""}
            where = f"ligne {row.line}" if lang == "fr" else f"line {row.line}"
            if row.column:
                where += (
                    f", colonne « {row.column} »" if lang == "fr" else f", column '{row.column}'"
                )
            typer.echo(f"{where} : {render(row.key, params, lang)}", err=True)
    # A value typed by the user is echoed on one line: a control character (the newline of
    # `--ref $'a\nb'`) is shown escaped, never written out.
    params = {
        key: _one_line(value) if isinstance(value, str) else value
        for key, value in error.params.items()
    }
    params["option"] = OPTION_OF_FIELD.get(error.field or "", error.field or "deadlines")
    prefix = "erreur : " if lang == "fr" else "error: "
    typer.echo(prefix + render(error.key, params, lang), err=True)
    return error.exit_code


def _one_line(text: str) -> str:
    import unicodedata

    return "".join(repr(c)[1:-1] if unicodedata.category(c) == "Cc" else c for c in text)


@contextmanager
def reported(lang: str) -> Iterator[None]:
    """A DeadlinesError raised inside is one line on stderr and the command's exit status."""
    try:
        yield
    except DeadlinesError as error:
        raise typer.Exit(report_error(error, lang if lang in LANGS else "fr")) from None


def _choice(value: str, choices: tuple[str, ...], field: str) -> str:
    if value not in choices:
        raise InputError("option.choice", field=field, value=value, choices=", ".join(choices))
    return value


def _say(fr: str, en: str, lang: str, err: bool = True) -> None:
    typer.echo(fr if lang == "fr" else en, err=err)


def _write_file(path: Path, data: bytes | Iterator[bytes], field: str) -> int:
    """Write a calendar atomically, readable by its owner only; a failure is one line, exit 2."""
    from calendars.files import write_private_atomically

    try:
        return write_private_atomically(path, data)
    except OSError as error:
        raise InputError(
            "ics.write", field=field, value=str(path), reason=error.strerror or str(error)
        ) from None


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
            "--version", help="Affiche la version.", is_eager=True, callback=_show_version
        ),
    ] = False,
) -> None:
    """Échéances du titre de séjour pour soins (CESEDA L.425-9)."""


@app.command()
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
            help="Référence du dossier écrite dans l'agenda (un pseudonyme, jamais un nom ; "
            "défaut : dossier).",
        ),
    ] = None,
    remind: Remind = None,
    info: Info = None,
) -> None:
    """Calcule toutes les échéances d'un dossier à partir de ses dates clés.

    --filed : dépôt de la demande (ANEF ou guichet). --certificate-available : certificat
    médical mis à disposition dans l'espace ANEF. --asylum-registered : enregistrement de la
    demande d'asile. --certificate-received : certificat reçu par l'OFII (accusé de
    réception). --refusal-notified : refus de titre notifié seul (un refus notifié le même
    jour que l'OQTF suit le délai de l'OQTF). --permit-expires : expiration du titre ou de
    l'APS.
    """
    from deadlines.clock import case_reference
    from deadlines.engine import compute as compute_deadlines
    from deadlines.entered import build_case
    from rendering.output import show_computation

    with reported(lang):
        _choice(lang, LANGS, "lang")
        _choice(output_format, FORMATS, "format")
        export = _export_options(ics, ref, remind, info, lang)
        case = build_case(entered)
        computation = compute_deadlines(case, *case_reference(as_of, case.where))
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
    from calendars.plan import DEFAULT_REF, ExportOptions, parse_ref, parse_reminders

    return ExportOptions(
        ref=parse_ref(ref) if ref is not None else DEFAULT_REF,
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
    _write_file(path, data, "ics")
    _say(
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


@case_app.command("add")
@case_inputs
def case_add(
    ref: Ref, entered: Entered, as_of: AsOf = None, lang: Lang = "fr", db: Db = None
) -> None:
    """Ajoute un dossier (mêmes options d'événements que compute) et affiche ses échéances."""
    from calendars.plan import parse_ref
    from caseload import store
    from caseload.db import opened
    from deadlines.entered import build_case
    from rendering.output import show_computation

    with reported(lang):
        checked = parse_ref(ref)
        case = build_case(entered, require_event=False)
        # Computed before saving: a bad --as-of is an error with nothing written.
        computation = _compute_case(case, as_of) if case.events else None
        with opened(db) as connection:
            store.add(connection, checked, case)
        _say(f"Dossier « {checked} » ajouté.", f"Case '{checked}' added.", lang)
        if computation is not None:
            show_computation(computation, lang, "table", False)


def _confirm(question_fr: str, question_en: str, lang: str, yes: bool) -> None:
    if yes:
        return
    try:
        answer = typer.confirm(
            question_fr if lang == "fr" else question_en, default=False, err=True
        )
    except typer.Abort:  # end of input (a script without --yes) or Ctrl-C
        typer.echo("", err=True)
        answer = False
    if not answer:
        error = DeadlinesError("confirm.aborted", field=None)
        error.exit_code = 1
        raise error


def _save_case_change(
    connection: "sqlite3.Connection",
    record: "CaseRecord",
    new_case: "Case",
    as_of: str | None,
    lang: str,
    yes: bool,
) -> None:
    """Show the deadlines that move, ask, save."""
    from caseload import store
    from deadlines.engine import compute as compute_deadlines
    from rendering.caseload import render_moves

    if new_case == record.case:
        _say("Rien à changer.", "Nothing to change.", lang)
        return
    before = _compute_case(record.case, as_of, record)
    after = compute_deadlines(new_case, before.as_of, before.now, record.done)
    render_moves(before, after, lang, sys.stdout)
    _confirm("Enregistrer ?", "Save?", lang, yes)
    changes = store.save_changes(connection, store.get(connection, record.ref), new_case)
    _say(
        f"Dossier « {record.ref} » enregistré ({len(changes)} changement(s)).",
        f"Case '{record.ref}' saved ({len(changes)} change(s)).",
        lang,
    )


@case_app.command("set")
@case_inputs
def case_set(
    ref: Ref,
    entered: Entered,
    as_of: AsOf = None,
    yes: Yes = False,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Ajoute ou corrige des dates et des faits ; montre les échéances qui bougent, puis demande.

    Une date donnée remplace celle du même événement ; une demande OFII ou du collège s'ajoute
    aux précédentes.
    """
    from caseload import store
    from caseload.db import opened
    from deadlines.entered import merge_facts, parse_events

    with reported(lang), opened(db) as connection:
        record = store.get(connection, ref)
        events = parse_events(entered)
        facts = merge_facts(record.case.facts, entered)
        new_case = store.with_events(record.case, facts, events)
        _save_case_change(connection, record, new_case, as_of, lang, yes)


@case_app.command("unset")
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
    from caseload.db import opened
    from deadlines.dates import parse_date
    from deadlines.rules.model import EventKind

    with reported(lang):
        names = [spec.id for spec in EVENT_INPUTS]
        if event not in names:
            raise InputError("event.unknown", field="event", value=event, choices=", ".join(names))
        with opened(db) as connection:
            record = store.get(connection, ref)
            day = parse_date(on, "date") if on else None
            new_case = store.without_event(record.case, EventKind(event), day)
            _save_case_change(connection, record, new_case, as_of, lang, yes)


# --- case show / list ----------------------------------------------------------------------


@case_app.command("show")
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
    from caseload.db import opened
    from rendering.output import show_computation

    with reported(lang):
        _choice(output_format, FORMATS, "format")
        with opened(db) as connection:
            record = store.get(connection, ref)
        if output_format == "table":
            archived = " (archivé)" if lang == "fr" else " (archived)"
            status = "" if record.status == "active" else archived
            _say(f"Dossier « {ref} »{status}", f"Case '{ref}'{status}", lang, err=False)
        if not record.case.events:
            _say("Aucune date saisie.", "No date entered.", lang, err=False)
            return
        show_computation(_compute_case(record.case, as_of, record), lang, output_format, explain)


@case_app.command("list")
def case_list(
    include_archived: Annotated[
        bool, typer.Option("--all", help="Avec les dossiers archivés.")
    ] = False,
    output_format: Format = "table",
    as_of: AsOf = None,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Les dossiers, avec leur prochaine échéance et leurs retards."""
    from caseload.cases import load_case_rows
    from caseload.db import opened
    from deadlines.clock import caseload_reference
    from rendering.progress import computing, progress_bar

    with reported(lang):
        _choice(output_format, FORMATS, "format")
        reference = caseload_reference(as_of)
        with opened(db) as connection, progress_bar(computing(lang)) as progress:
            rows = load_case_rows(connection, reference, include_archived, lang, progress)
        if output_format == "json":
            from rendering.output import json_text

            typer.echo(json_text({"schema": 2, "cases": rows}))
            return
        from rendering.caseload import render_case_list

        render_case_list(rows, lang, sys.stdout)


# --- case done / archive / remove ----------------------------------------------------------


@case_app.command("done")
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
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Marque une échéance comme faite : elle n'apparaît plus dans l'agenda ni l'agenda exporté."""
    from caseload import store
    from caseload.cases import deadline_to_mark, known_rule
    from caseload.db import opened
    from deadlines.clock import reference_time
    from deadlines.dates import parse_date

    with reported(lang):
        known_rule(rule)  # refused before the store is opened
        with opened(db) as connection:
            record = store.get(connection, ref)
            deadline = deadline_to_mark(
                _compute_case(record.case, as_of, record), rule, trigger_date
            )
            when = (
                parse_date(on, "on")
                if on
                else reference_time(as_of, record.case.where.time_zone)[0]
            )
            store.mark_done(connection, record, deadline.key, when)
        _say(
            f"« {deadline.rule.title.get('fr')} » marqué fait le {when:%d/%m/%Y}.",
            f"'{deadline.rule.title.get('en')}' marked done on {when.isoformat()}.",
            lang,
        )


@case_app.command("archive")
def case_archive(ref: Ref, lang: Lang = "fr", db: Db = None) -> None:
    """Archive un dossier : il sort de l'agenda ; le prochain export annule ses échéances."""
    from caseload import store
    from caseload.db import opened

    with reported(lang), opened(db) as connection:
        store.set_status(connection, store.get(connection, ref), "archived")
        _say(f"Dossier « {ref} » archivé.", f"Case '{ref}' archived.", lang)


@case_app.command("remove")
def case_remove(ref: Ref, yes: Yes = False, lang: Lang = "fr", db: Db = None) -> None:
    """Supprime un dossier et ses dates (le journal garde seulement qu'il a existé)."""
    from caseload import store
    from caseload.db import opened

    with reported(lang), opened(db) as connection:
        record = store.get(connection, ref)
        _confirm(
            f"Supprimer définitivement le dossier « {ref} » ?",
            f"Delete case '{ref}' for good?",
            lang,
            yes,
        )
        store.remove(connection, record)
        _say(f"Dossier « {ref} » supprimé.", f"Case '{ref}' deleted.", lang)


# --- agenda, export, import, backup --------------------------------------------------------


@app.command()
def agenda(
    days: Annotated[int, typer.Option(min=0, max=3660, help="Fenêtre en jours (défaut 14).")] = 14,
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
    from caseload.db import opened
    from deadlines.clock import caseload_reference
    from rendering.progress import computing, progress_bar

    with reported(lang):
        _choice(output_format, FORMATS, "format")
        reference = caseload_reference(as_of)  # a bad --as-of fails before the store is opened
        with opened(db) as connection, progress_bar(computing(lang)) as progress:
            result = load_agenda(connection, reference, days, progress)
        if output_format == "json":
            from caseload.agenda import agenda_to_dict
            from rendering.output import json_text

            typer.echo(json_text(agenda_to_dict(result, lang)))
        else:
            from rendering.caseload import render_agenda

            render_agenda(result, lang, sys.stdout)
        if check and result.overdue:
            raise typer.Exit(1)


@app.command()
def export(
    refs: Annotated[
        list[str] | None,
        typer.Argument(metavar="[REF]...", help="Dossiers (défaut : tous les actifs)."),
    ] = None,
    output: Annotated[
        str, typer.Option("--output", "-o", metavar="FICHIER.ics", help="Fichier agenda à écrire.")
    ] = "",
    remind: Remind = None,
    info: Info = None,
    as_of: AsOf = None,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Un seul agenda .ics pour les dossiers choisis, qui reste en phase avec l'outil.

    Une échéance inchangée garde son UID et sa SEQUENCE ; une date qui bouge augmente la
    SEQUENCE ; une échéance qui ne s'applique plus est écrite une fois comme annulée.
    """
    import os

    from calendars.plan import parse_reminders, stamp_from_day
    from caseload import store
    from caseload.db import opened
    from caseload.export import Export
    from deadlines.clock import PIVOT_ZONE, caseload_reference
    from rendering.progress import computing, progress_bar

    with reported(lang):
        if not output:
            raise InputError("export.output", field="output")
        reminders = parse_reminders(remind)
        reference = caseload_reference(as_of)
        with opened(db) as connection:
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
                )
            stamp = stamp_from_day(reference(PIVOT_ZONE)[0], os.environ.get("SOURCE_DATE_EPOCH"))
            name = "Échéances" if lang == "fr" else "Deadlines"
            target = Path(output)
            # Planned, compared and written a case at a time; the counts fill in meanwhile.
            with progress_bar("export") as report:
                step = None if report is None else lambda n: report(n, job.planned)
                size = _write_file(target, job.chunks(name, stamp, step), "output")
            job.save()  # only once the file is written
        c = job.counts
        _say(
            f"Agenda écrit : {target} ({job.cases} dossiers, {job.events} événements ;"
            f" nouveaux {c['new']}, modifiés {c['moved']}, inchangés {c['unchanged']},"
            f" annulés {c['cancelled']} ; {size} octets)",
            f"Calendar written: {target} ({job.cases} cases, {job.events} events; "
            f"new {c['new']}, changed {c['moved']}, unchanged {c['unchanged']}, "
            f"cancelled {c['cancelled']}; {size} bytes)",
            lang,
        )


@app.command("import")
def import_csv(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="FICHIER.csv", help="ref, territory, puis un événement par colonne."
        ),
    ],
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Importe des dossiers d'un CSV : tout est vérifié d'abord ; toutes les lignes ou aucune."""
    from caseload.csv_import import validate, write
    from caseload.db import opened
    from rendering.progress import progress_bar

    with reported(lang), opened(db) as connection:
        cases = validate(connection, path)
        with progress_bar("import") as report:
            write(connection, cases, None if report is None else lambda n: report(n, len(cases)))
        _say(f"{len(cases)} dossier(s) importé(s).", f"{len(cases)} case(s) imported.", lang)


@app.command()
def backup(
    target: Annotated[Path, typer.Argument(metavar="FICHIER", help="Copie à écrire.")],
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Copie cohérente de la base (API de sauvegarde de SQLite), lisible par vous seul."""
    from caseload.backup import backup as copy
    from caseload.db import opened

    with reported(lang), opened(db) as connection:
        pages = copy(connection, target)
        _say(
            f"Copie écrite : {target} ({pages} pages).",
            f"Backup written: {target} ({pages} pages).",
            lang,
        )


if __name__ == "__main__":
    main()
