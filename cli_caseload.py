"""The caseload commands: `case …`, `agenda`, `export`, `import`, `backup` (thin Typer layer).

The store is `caseload/`; dates always come from the engine. sqlite3, rich and icalendar are
imported inside the commands that use them.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import cli_options as o

if TYPE_CHECKING:
    import sqlite3

    from caseload.memo import Reference
    from caseload.store import CaseRecord
    from deadlines.case import Case
    from deadlines.engine import Computation, DeadlineKey

case_app = typer.Typer(
    help="Les dossiers suivis, gardés dans une base SQLite locale (lisible par vous seul). "
    "La référence d'un dossier est un pseudonyme ou un numéro, jamais un nom.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

Ref = Annotated[str, typer.Argument(metavar="REF", help="Référence du dossier (pseudonyme).")]


def _run(lang: str, work: object) -> None:
    """Run `work()` and turn a DeadlinesError into one line and its exit status."""
    from cli import LANGS, fail
    from deadlines.errors import DeadlinesError

    user_lang = lang if lang in LANGS else "fr"
    # A caseload command lives for a second and allocates up to millions of objects (a deadline
    # per row) that stay alive until it ends: the cyclic garbage collector would scan them again
    # and again (a third of `agenda`'s time on 10,000 cases) and find nothing to free.
    gc.disable()
    try:
        assert callable(work)
        work()
    except DeadlinesError as error:
        from caseload.csv_import import CsvErrors

        if isinstance(error, CsvErrors):
            _print_csv_errors(error, user_lang)
        fail(error, user_lang)
    finally:
        _close_all()


# Connections opened by the running command, closed when it ends: a sqlite3.Connection sits in a
# reference cycle (its statement cache), so dropping it does not close it before a GC pass.
_opened: list[sqlite3.Connection] = []


def _open(db: str | None) -> sqlite3.Connection:
    from caseload.db import connect, default_path

    connection = connect(Path(db) if db else default_path())
    _opened.append(connection)
    return connection


def _close_all() -> None:
    while _opened:
        _opened.pop().close()


def _reference(as_of: str | None) -> Reference:
    """Each case's reference day and instant, in its own territory's time zone (cli_agenda)."""
    from cli_agenda import caseload_reference

    return caseload_reference(as_of)


def _computation(record: CaseRecord, as_of: str | None) -> Computation:
    return _compute_case(record.case, record.done, as_of)


def _compute_case(case: Case, done: frozenset[DeadlineKey], as_of: str | None) -> Computation:
    from cli import case_reference
    from deadlines.engine import compute

    reference, now = case_reference(as_of, case.where)
    return compute(case, reference, now, done)


def _say(fr: str, en: str, lang: str, err: bool = True) -> None:
    typer.echo(fr if lang == "fr" else en, err=err)


def _confirm(question_fr: str, question_en: str, lang: str, yes: bool) -> None:
    if yes:
        return
    from deadlines.errors import DeadlinesError

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


# --- case add / set / unset ---------------------------------------------------------------


@case_app.command("add")
def case_add(
    ref: Ref,
    filed: o.Filed = None,
    certificate_available: o.CertificateAvailable = None,
    asylum_registered: o.AsylumRegistered = None,
    ofii_request: o.OfiiRequest = None,
    college_request: o.CollegeRequest = None,
    certificate_received: o.CertificateReceived = None,
    refusal_notified: o.RefusalNotified = None,
    oqtf_notified: o.OqtfNotified = None,
    oqtf_decided: o.OqtfDecided = None,
    departure_period: o.DeparturePeriod = None,
    custody: o.Custody = None,
    oqtf_ground: o.OqtfGround = None,
    appeal_info: o.AppealInfo = None,
    permit_expires: o.PermitExpires = None,
    channel: o.Channel = None,
    territory: o.Territory = None,
    as_of: o.AsOf = None,
    lang: o.Lang = "fr",
    db: o.Db = None,
) -> None:
    """Ajoute un dossier (mêmes options d'événements que compute) et affiche ses échéances."""

    def work() -> None:
        from calendars.plan import parse_ref
        from caseload import store
        from cli import show_computation
        from deadlines.inputs import build_case
        from deadlines.rules.model import EventKind

        checked = parse_ref(ref)
        events = o.raw_events(
            filed,
            certificate_available,
            asylum_registered,
            ofii_request,
            college_request,
            certificate_received,
            refusal_notified,
            oqtf_notified,
            permit_expires,
        )
        case = build_case(
            {EventKind(k): v for k, v in events.items()},
            territory_code=territory,
            appeal_info=appeal_info is not False,
            channel=channel,
            oqtf_decided=oqtf_decided,
            departure_period=departure_period,
            custody=custody,
            oqtf_ground=oqtf_ground,
            require_event=False,
        )
        # Computed before saving: a bad --as-of is an error with nothing written.
        computation = _compute_case(case, frozenset(), as_of) if case.events else None
        connection = _open(db)
        store.add(connection, checked, case)
        _say(f"Dossier « {checked} » ajouté.", f"Case '{checked}' added.", lang)
        if computation is not None:
            show_computation(computation, lang, "table", False)

    _run(lang, work)


def _print_moves(old: Computation, new: Computation, lang: str) -> int:
    """The deadlines that move, appear or disappear; their number."""
    from deadlines.dates import format_instant, format_long
    from deadlines.engine import Deadline

    def when(deadline: Deadline) -> str:
        at = deadline.due_at
        return format_long(deadline.due, lang) if at is None else format_instant(at, lang)

    before = {d.key: d for d in old.deadlines}
    after = {d.key: d for d in new.deadlines}
    lines = []
    sep = " : " if lang == "fr" else ": "
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a is None and b is not None:
            lines.append(f"  + {b.rule.title.get(lang)}{sep}{when(b)}")
        elif b is None and a is not None:
            lines.append(f"  - {a.rule.title.get(lang)}{sep}{when(a)}")
        elif a is not None and b is not None and a.end != b.end:
            lines.append(f"  ~ {a.rule.title.get(lang)}{sep}{when(a)} → {when(b)}")
    if lines:
        _say("Échéances qui changent :", "Deadlines that change:", lang, err=False)
        for line in lines:
            typer.echo(line)
    else:
        _say("Aucune échéance ne change.", "No deadline changes.", lang, err=False)
    return len(lines)


def _save_case_change(
    record: CaseRecord, new_case: Case, as_of: str | None, lang: str, yes: bool, db: str | None
) -> None:
    from caseload import store
    from deadlines.engine import compute

    if new_case == record.case:
        _say("Rien à changer.", "Nothing to change.", lang)
        return
    old_computation = _computation(record, as_of)
    new_computation = compute(new_case, old_computation.as_of, old_computation.now, record.done)
    _print_moves(old_computation, new_computation, lang)
    _confirm("Enregistrer ?", "Save?", lang, yes)
    connection = _open(db)
    changes = store.save_changes(connection, store.get(connection, record.ref), new_case)
    _say(
        f"Dossier « {record.ref} » enregistré ({len(changes)} changement(s)).",
        f"Case '{record.ref}' saved ({len(changes)} change(s)).",
        lang,
    )


@case_app.command("set")
def case_set(
    ref: Ref,
    filed: o.Filed = None,
    certificate_available: o.CertificateAvailable = None,
    asylum_registered: o.AsylumRegistered = None,
    ofii_request: o.OfiiRequest = None,
    college_request: o.CollegeRequest = None,
    certificate_received: o.CertificateReceived = None,
    refusal_notified: o.RefusalNotified = None,
    oqtf_notified: o.OqtfNotified = None,
    oqtf_decided: o.OqtfDecided = None,
    departure_period: o.DeparturePeriod = None,
    custody: o.Custody = None,
    oqtf_ground: o.OqtfGround = None,
    appeal_info: o.AppealInfo = None,
    permit_expires: o.PermitExpires = None,
    channel: o.Channel = None,
    territory: o.Territory = None,
    as_of: o.AsOf = None,
    yes: o.Yes = False,
    lang: o.Lang = "fr",
    db: o.Db = None,
) -> None:
    """Ajoute ou corrige des dates et des faits ; montre les échéances qui bougent, puis demande.

    Une date donnée remplace celle du même événement ; une demande OFII ou du collège s'ajoute
    aux précédentes.
    """

    def work() -> None:
        from caseload import store
        from caseload.store import with_events
        from deadlines.inputs import merge_facts, parse_events
        from deadlines.rules.model import EventKind

        record = store.get(_open(db), ref)
        events = o.raw_events(
            filed,
            certificate_available,
            asylum_registered,
            ofii_request,
            college_request,
            certificate_received,
            refusal_notified,
            oqtf_notified,
            permit_expires,
        )
        parsed = parse_events({EventKind(k): v for k, v in events.items()})
        facts = merge_facts(
            record.case.facts,
            territory,
            appeal_info,
            channel,
            oqtf_decided,
            departure_period,
            custody,
            oqtf_ground,
        )
        new_case = with_events(record.case, facts, parsed)
        _save_case_change(record, new_case, as_of, lang, yes, db)

    _run(lang, work)


@case_app.command("unset")
def case_unset(
    ref: Ref,
    event: Annotated[
        str, typer.Argument(metavar="EVENT", help="Événement à retirer (ex. ofii-request).")
    ],
    on: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="Seulement celui de cette date.")
    ] = None,
    as_of: o.AsOf = None,
    yes: o.Yes = False,
    lang: o.Lang = "fr",
    db: o.Db = None,
) -> None:
    """Retire un événement saisi par erreur (avec --date, une seule demande répétée)."""

    def work() -> None:
        from caseload import store
        from caseload.store import without_event
        from deadlines.dates import parse_date
        from deadlines.errors import InputError
        from deadlines.inputs import ENTERED_EVENTS
        from deadlines.rules.model import EventKind

        names = [k.value for k in ENTERED_EVENTS]
        if event not in names:
            raise InputError("event.unknown", field="event", value=event, choices=", ".join(names))
        record = store.get(_open(db), ref)
        day = parse_date(on, "date") if on else None
        new_case = without_event(record.case, EventKind(event), day)
        _save_case_change(record, new_case, as_of, lang, yes, db)

    _run(lang, work)


# --- case show / list ---------------------------------------------------------------------


@case_app.command("show")
def case_show(
    ref: Ref,
    explain: o.Explain = False,
    output_format: o.Format = "table",
    as_of: o.AsOf = None,
    lang: o.Lang = "fr",
    db: o.Db = None,
) -> None:
    """Les échéances d'un dossier, recalculées à partir de ses dates."""

    def work() -> None:
        from caseload import store
        from cli import FORMATS, _choice, show_computation

        _choice(output_format, FORMATS, "format")
        record = store.get(_open(db), ref)
        if output_format == "table":
            status = (
                ""
                if record.status == "active"
                else (" (archivé)" if lang == "fr" else " (archived)")
            )
            _say(f"Dossier « {ref} »{status}", f"Case '{ref}'{status}", lang, err=False)
        if not record.case.events:
            _say("Aucune date saisie.", "No date entered.", lang, err=False)
            return
        show_computation(_computation(record, as_of), lang, output_format, explain)

    _run(lang, work)


@case_app.command("list")
def case_list(
    include_archived: Annotated[
        bool, typer.Option("--all", help="Avec les dossiers archivés.")
    ] = False,
    output_format: o.Format = "table",
    as_of: o.AsOf = None,
    lang: o.Lang = "fr",
    db: o.Db = None,
) -> None:
    """Les dossiers, avec leur prochaine échéance et leurs retards."""

    def work() -> None:
        from caseload.agenda import is_open
        from caseload.memo import listings
        from cli import FORMATS, _choice
        from deadlines.engine import State

        _choice(output_format, FORMATS, "format")
        rows = []
        from cli_progress import computing, progress_bar

        with progress_bar(computing(lang)) as progress:
            found = listings(
                _open(db), _reference(as_of), include_archived=include_archived, progress=progress
            )
        for listing in found:
            deadlines = [d for d in listing.deadlines if is_open(d)]
            following = deadlines[0] if deadlines else None
            rows.append(
                {
                    "ref": listing.ref,
                    "territory": listing.territory,
                    "status": listing.status,
                    "open": len(deadlines),
                    "overdue": sum(d.state is State.OVERDUE for d in deadlines),
                    "next": None
                    if following is None
                    else {
                        "rule": following.rule.id,
                        "title": following.rule.title.get(lang),
                        "due": following.due.isoformat(),
                        "days_left": following.days_left,
                    },
                    "updated": listing.updated,
                    # The message key when its deadlines cannot be computed (a date past the
                    # holiday data): `case show REF` says why in full.
                    "error": listing.error,
                }
            )
        if output_format == "json":
            import json

            typer.echo(json.dumps({"schema": 2, "cases": rows}, ensure_ascii=False, indent=2))
            return
        from rendering.caseload import render_case_list

        render_case_list(rows, lang, sys.stdout)

    _run(lang, work)


# --- case done / archive / remove ---------------------------------------------------------


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
    as_of: o.AsOf = None,
    lang: o.Lang = "fr",
    db: o.Db = None,
) -> None:
    """Marque une échéance comme faite : elle n'apparaît plus dans l'agenda ni l'agenda exporté."""

    def work() -> None:
        from caseload import store
        from cli import reference_time
        from deadlines.dates import parse_date
        from deadlines.errors import InputError
        from deadlines.rules import all_rules

        ids = [r.id for r in all_rules()]
        if rule not in ids:
            raise InputError("rule.unknown", field="rule", value=rule, choices=", ".join(ids))
        connection = _open(db)
        record = store.get(connection, ref)
        computation = _computation(record, as_of)
        matching = [d for d in computation.deadlines if d.rule.id == rule]
        if trigger_date is not None:
            day = parse_date(trigger_date, "trigger-date")
            matching = [d for d in matching if d.trigger.at == day]
        if not matching:
            present = sorted({d.rule.id for d in computation.deadlines})
            detail = f" ({trigger_date})" if trigger_date else ""
            raise InputError(
                "rule.not-in-case",
                field="rule",
                value=rule,
                detail=detail,
                choices=", ".join(present) or "—",
            )
        if len(matching) > 1:
            days = ", ".join(d.trigger.at.isoformat() for d in matching)
            raise InputError("rule.ambiguous", field="trigger-date", value=rule, choices=days)
        when = parse_date(on, "on") if on else reference_time(as_of, record.case.where.time_zone)[0]
        store.mark_done(connection, record, matching[0].key, when)
        _say(
            f"« {matching[0].rule.title.get('fr')} » marqué fait le {when:%d/%m/%Y}.",
            f"'{matching[0].rule.title.get('en')}' marked done on {when.isoformat()}.",
            lang,
        )

    _run(lang, work)


@case_app.command("archive")
def case_archive(ref: Ref, lang: o.Lang = "fr", db: o.Db = None) -> None:
    """Archive un dossier : il sort de l'agenda ; le prochain export annule ses échéances."""

    def work() -> None:
        from caseload import store

        connection = _open(db)
        store.set_status(connection, store.get(connection, ref), "archived")
        _say(f"Dossier « {ref} » archivé.", f"Case '{ref}' archived.", lang)

    _run(lang, work)


@case_app.command("remove")
def case_remove(ref: Ref, yes: o.Yes = False, lang: o.Lang = "fr", db: o.Db = None) -> None:
    """Supprime un dossier et ses dates (le journal garde seulement qu'il a existé)."""

    def work() -> None:
        from caseload import store

        connection = _open(db)
        record = store.get(connection, ref)
        _confirm(
            f"Supprimer définitivement le dossier « {ref} » ?",
            f"Delete case '{ref}' for good?",
            lang,
            yes,
        )
        store.remove(connection, record)
        _say(f"Dossier « {ref} » supprimé.", f"Case '{ref}' deleted.", lang)

    _run(lang, work)


# --- agenda, export, import, backup -------------------------------------------------------


def agenda(
    days: Annotated[int, typer.Option(min=0, max=3660, help="Fenêtre en jours (défaut 14).")] = 14,
    output_format: o.Format = "table",
    check: o.Check = False,
    as_of: o.AsOf = None,
    lang: o.Lang = "fr",
    db: o.Db = None,
) -> None:
    """Ce qui est dû dans tous les dossiers actifs : retards d'abord, puis par date.

    Chaque dossier est vu à l'heure de son territoire ; --as-of avec une heure désigne cet
    instant à l'heure de Paris (22 h à Paris, c'est déjà le lendemain à La Réunion).
    """
    import cli_agenda

    # The work is in cli_agenda.py, which the console script's fast path (cli_fast.py) calls
    # without typer; looked up on the module at each call: cli_generate records these arguments.
    status = cli_agenda.run_agenda(
        days=days, output_format=output_format, check=check, as_of=as_of, lang=lang, db=db
    )
    if status:
        raise typer.Exit(status)


def export(
    refs: Annotated[
        list[str] | None,
        typer.Argument(metavar="[REF]...", help="Dossiers (défaut : tous les actifs)."),
    ] = None,
    output: Annotated[
        str, typer.Option("--output", "-o", metavar="FICHIER.ics", help="Fichier agenda à écrire.")
    ] = "",
    remind: o.Remind = None,
    info: o.Info = None,
    as_of: o.AsOf = None,
    lang: o.Lang = "fr",
    db: o.Db = None,
) -> None:
    """Un seul agenda .ics pour les dossiers choisis, qui reste en phase avec l'outil.

    Une échéance inchangée garde son UID et sa SEQUENCE ; une date qui bouge augmente la
    SEQUENCE ; une échéance qui ne s'applique plus est écrite une fois comme annulée.
    """
    import cli_export

    # The work is in cli_export.py, which the console script's fast path (cli_fast.py) calls
    # without typer; looked up on the module at each call: cli_generate records these arguments.
    status = cli_export.run_export(
        refs=refs, output=output, remind=remind, info=info, as_of=as_of, lang=lang, db=db
    )
    if status:
        raise typer.Exit(status)


def import_csv(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="FICHIER.csv", help="ref, territory, puis un événement par colonne."
        ),
    ],
    lang: o.Lang = "fr",
    db: o.Db = None,
) -> None:
    """Importe des dossiers d'un CSV : tout est vérifié d'abord ; toutes les lignes ou aucune."""

    def work() -> None:
        from caseload.csv_import import validate, write

        connection = _open(db)
        cases = validate(connection, path)
        from cli_progress import progress_bar

        with progress_bar("import") as report:
            write(connection, cases, None if report is None else lambda n: report(n, len(cases)))
        _say(f"{len(cases)} dossier(s) importé(s).", f"{len(cases)} case(s) imported.", lang)

    _run(lang, work)


def backup(
    target: Annotated[Path, typer.Argument(metavar="FICHIER", help="Copie à écrire.")],
    lang: o.Lang = "fr",
    db: o.Db = None,
) -> None:
    """Copie cohérente de la base (API de sauvegarde de SQLite), lisible par vous seul."""

    def work() -> None:
        from caseload.backup import backup as copy

        pages = copy(_open(db), target)
        _say(
            f"Copie écrite : {target} ({pages} pages).",
            f"Backup written: {target} ({pages} pages).",
            lang,
        )

    _run(lang, work)


def _print_csv_errors(error: object, lang: str) -> None:
    from caseload.csv_import import CsvErrors
    from deadlines.messages import render

    assert isinstance(error, CsvErrors)
    for row in error.errors:
        params = dict(row.params)
        column = row.column or ""
        params["option"] = column
        where = f"ligne {row.line}" if lang == "fr" else f"line {row.line}"
        if column:
            where += f", colonne « {column} »" if lang == "fr" else f", column '{column}'"
        typer.echo(f"{where} : {render(row.key, params, lang)}", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(case_app, name="case")
    app.command("agenda")(agenda)
    app.command("export")(export)
    app.command("import")(import_csv)
    app.command("backup")(backup)
