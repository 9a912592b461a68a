"""The `case` group: one case of the caseload added, changed, shown, marked done, archived,
assigned, its history, removed; and `case list`. Registered on the `case` group by cli.py.

sqlite3 and rich are imported inside the commands. No `from __future__ import annotations`
(see cli.py).
"""

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cli_options import (
    EXIT_CANCELLED,
    FORMATS,
    AcceptUnlikely,
    AsOf,
    Assignee,
    Db,
    Explain,
    Format,
    Lang,
    Mine,
    Ref,
    Yes,
    case_inputs,
)
from cli_shared import choice, creating, open_store, reported, say, say_unlikely, whose_cases
from deadlines.errors import DeadlinesError, InputError
from deadlines.inputs import EVENT_INPUTS, Entered

if TYPE_CHECKING:
    from collections.abc import Callable

    from caseload.database import Database
    from caseload.store import CaseRecord
    from deadlines.case import Case
    from deadlines.engine import Computation

# --- case add / set / unset ----------------------------------------------------------------


def _compute_case(
    case: "Case", as_of: str | None, record: "CaseRecord | None" = None
) -> "Computation":
    from deadlines.clock import case_reference
    from deadlines.engine import compute as compute_deadlines

    done = record.done if record is not None else frozenset()
    return compute_deadlines(case, *case_reference(as_of, case.where), done)


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


def case_archive(ref: Ref, lang: Lang = "fr", db: Db = None) -> None:
    """Archive un dossier : il sort de l'agenda ; le prochain export annule ses échéances."""
    from caseload import store

    with reported(lang), open_store(db, lang, writes=True) as connection:
        store.set_status(connection, store.get(connection, ref), "archived")
        say(f"Dossier « {ref} » archivé.", f"Case '{ref}' archived.", lang)


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
