"""The commands on the caseload as a whole: `agenda` (what is due across the active cases),
`import` (cases from a CSV), `backup`, and `db copy` (a caseload moved between SQLite and
PostgreSQL). Registered on the app and its `db` group by cli.py.

The store and rich are imported inside the commands. No `from __future__ import annotations`
(see cli.py).
"""

import sys
from pathlib import Path
from typing import Annotated

import typer

from cli_options import FORMATS, AcceptUnlikely, AsOf, Assignee, Check, Db, Format, Lang, Mine
from cli_shared import choice, creating, open_store, reported, say, whose_cases
from deadlines.errors import InputError

# --- agenda, import, backup ----------------------------------------------------------------


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


def _days(text: str) -> int:
    """A window in days: ASCII digits only (int() would take « ٣ » for 3), 0 to 3660."""
    if not (text.isascii() and text.isdigit()) or int(text) > 3660:
        raise InputError("days.format", field="days", value=text)
    return int(text)


def import_columns() -> str:
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

COPY_SCHEMA = 1  # the JSON of `db copy --format json`


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
