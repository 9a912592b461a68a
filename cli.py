"""The command line: the Typer app and its `case` and `db` groups, `main()`, and every command
registered on them, in the order of `deadlines --help`.

Each command is a thin function (parse -> call the work below -> show -> exit status), kept by
subject in a module of its own: cli_compute.py (compute), cli_case.py (the `case` group),
cli_caseload.py (agenda, import, backup, db copy), cli_calendars.py (export, sync). They share
cli_shared.py (errors as one line, the store, sentences in the user's language) and
cli_options.py (the options, the framework's words). Imports go one way: this module -> the
command modules -> cli_shared -> cli_options; no command module imports this one.

The work lives below: `deadlines/` computes, `caseload/` keeps the cases and plans the lists and
the export, `calendars/` writes iCalendar, `rendering/` draws tables and JSON. Nothing below
imports the command line. The options a user can enter about a case come from one catalogue,
`deadlines.inputs.INPUTS` (see `cli_options.case_inputs`). sqlite3, rich and the calendar writer
are imported inside the commands that need them: a JSON `compute` loads none of them.

No `from __future__ import annotations` here nor in any module that defines commands: Typer
reads every command's annotations at each start, and as strings each would be compiled and
evaluated twice (256 evals); the few names known to mypy only are quoted.
"""

import gc
from typing import Annotated

import typer

from cli_calendars import export, sync
from cli_case import (
    case_add,
    case_archive,
    case_assign,
    case_done,
    case_history,
    case_list,
    case_remove,
    case_set,
    case_show,
    case_unset,
)
from cli_caseload import agenda, backup, db_copy, import_columns, import_csv
from cli_compute import compute
from cli_options import Command, Group
from deadlines import LAW_AS_OF

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
    help="Les dossiers suivis, gardés dans une base locale (SQLite, lisible par vous seul) ou "
    "partagée par une équipe (PostgreSQL). La référence d'un dossier est un pseudonyme ou un "
    "numéro, jamais un nom.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

db_app = typer.Typer(
    cls=Group,
    help="La base de dossiers elle-même : la copier de SQLite vers PostgreSQL, et retour.",
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


# --- the commands, in the order of `deadlines --help` --------------------------------------

app.command(cls=Command)(compute)
app.command(cls=Command)(agenda)
app.command(cls=Command)(export)
app.command(cls=Command)(sync)
app.command("import", cls=Command, epilog=import_columns())(import_csv)
app.command(cls=Command)(backup)

app.add_typer(case_app, name="case")
case_app.command("add", cls=Command)(case_add)
case_app.command("set", cls=Command)(case_set)
case_app.command("unset", cls=Command)(case_unset)
case_app.command("show", cls=Command)(case_show)
case_app.command("list", cls=Command)(case_list)
case_app.command("done", cls=Command)(case_done)
case_app.command("archive", cls=Command)(case_archive)
case_app.command("assign", cls=Command)(case_assign)
case_app.command("history", cls=Command)(case_history)
case_app.command("remove", cls=Command)(case_remove)

# db copy: a caseload moved between SQLite and PostgreSQL (issue 17)
app.add_typer(db_app, name="db")
db_app.command("copy", cls=Command)(db_copy)


if __name__ == "__main__":
    main()
