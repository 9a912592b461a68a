"""The command line's declarations: the options several commands share, and the options of a
case's events and facts, built from the one catalogue `deadlines.inputs.INPUTS` (`case_inputs`).

No `from __future__ import annotations` (see cli.py).
"""

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from deadlines.inputs import INPUTS, Input, Kind

LANGS = ("fr", "en")
FORMATS = ("table", "json")


def _option_of_input(spec: Input) -> str:
    if spec.kind is Kind.YES_NO:
        return f"{spec.flag}/--no-{spec.id}"
    return spec.flag


# The option the user typed for each event or fact named in a domain error.
OPTION_OF_FIELD = {
    **{spec.id: _option_of_input(spec) for spec in INPUTS},
    "as-of": "--as-of",
    "lang": "--lang",
    "format": "--format",
    "ics": "--ics",
    "ref": "--ref",
    "remind": "--remind",
    "info": "--no-info",
    "db": "--db",
    "epoch": "SOURCE_DATE_EPOCH",
    "event": "EVENT",
    "rule": "RULE",
    "trigger-date": "--trigger-date",
    "date": "--date",
    "on": "--on",
    "yes": "--yes",
    "output": "--output",
    "import": "import",
    "backup": "backup",
}

# --- options shared by several commands ----------------------------------------------------

AsOf = Annotated[
    str | None,
    typer.Option(
        metavar="DATE[ HH:MM]",
        help="Date (et heure) de référence (défaut : maintenant, heure du territoire).",
    ),
]
Lang = Annotated[str, typer.Option(metavar="fr|en", help="Langue de sortie.")]
Format = Annotated[str, typer.Option("--format", metavar="table|json", help="Tableau ou JSON.")]
Explain = Annotated[bool, typer.Option(help="Détail numéroté de chaque calcul.")]
Check = Annotated[
    bool, typer.Option(help="Code de sortie 1 si une échéance à votre charge est dépassée.")
]
Db = Annotated[
    str | None,
    typer.Option(
        metavar="CHEMIN",
        help="Base de dossiers (défaut : $DEADLINES_DB, sinon ~/.local/share/deadlines/cases.db).",
    ),
]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Ne pas demander de confirmation.")]
Remind = Annotated[
    str | None,
    typer.Option(
        metavar="7,2|24h,4h|none",
        help="Rappels avant chaque échéance : jours (défaut 7,2), heures pour un délai en heures "
        "(défaut 24h,4h), ou none.",
    ),
]
Info = Annotated[
    bool | None,
    typer.Option(
        "--info/--no-info",
        help="Inclure dans l'agenda les dates pour information (refus implicite, avis de "
        "l'OFII) ; défaut : oui.",
        show_default=False,
    ),
]
Ref = Annotated[str, typer.Argument(metavar="REF", help="Référence du dossier (pseudonyme).")]


def _typer_option(spec: Input) -> object:
    """The Typer annotation of one catalogue input (help in French, as every --help)."""
    if spec.kind is Kind.YES_NO:
        option = typer.Option(_option_of_input(spec), help=spec.help.fr, show_default=False)
        return Annotated[bool | None, option]
    option = typer.Option(spec.flag, metavar=spec.metavar, help=spec.help.fr)
    if spec.kind is Kind.DATES:
        return Annotated[list[str] | None, option]
    return Annotated[str | None, option]


Command = TypeVar("Command", bound=Callable[..., None])


def case_inputs(command: Command) -> Command:
    """`command`, whose parameter `entered` receives what the user typed for every input of the
    catalogue (by id), as a Typer command taking one option per input in its place."""
    signature = inspect.signature(command, eval_str=True)
    names = {spec.id: spec.id.replace("-", "_") for spec in INPUTS}
    parameters: list[inspect.Parameter] = []
    for parameter in signature.parameters.values():
        if parameter.name != "entered":
            parameters.append(parameter)
            continue
        parameters += [
            inspect.Parameter(
                names[spec.id],
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=None,
                annotation=_typer_option(spec),
            )
            for spec in INPUTS
        ]

    @functools.wraps(command)
    def with_options(*args: Any, **values: Any) -> None:
        entered = {spec.id: values.pop(names[spec.id]) for spec in INPUTS}
        command(*args, entered=entered, **values)

    with_options.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    with_options.__annotations__ = {p.name: p.annotation for p in parameters}
    return with_options  # type: ignore[return-value]
