"""The command line's declarations: the options several commands share, and the options of a
case's events and facts, built from the one catalogue `deadlines.inputs.INPUTS` (`case_inputs`).

No `from __future__ import annotations` (see cli.py).
"""

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

import typer
import typer.core

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
    "days": "--days",
    "lang": "--lang",
    "format": "--format",
    "ics": "--ics",
    "ref": "--ref",
    "remind": "--remind",
    "info": "--no-info",
    "db": "--db",
    "db-env": "DEADLINES_DB",
    "db-default": "--db",
    "epoch": "SOURCE_DATE_EPOCH",
    "event": "EVENT",
    "rule": "RULE",
    "trigger-date": "--trigger-date",
    "date": "--date",
    "on": "--on",
    "yes": "--yes",
    "output": "--output",
    "calendar": "--calendar",
    "import": "import",
    "backup": "backup",
    "assignee": "--assignee",
}

# --- options shared by several commands ----------------------------------------------------

AsOf = Annotated[
    str | None,
    typer.Option(
        metavar="DATE[ HH:MM]",
        help="Date (et heure) de référence (défaut : maintenant, heure du territoire).",
    ),
]
Lang = Annotated[
    str,
    typer.Option(
        metavar="fr|en",
        envvar="DEADLINES_LANG",
        show_envvar=False,
        help="Langue de sortie (défaut : fr, ou $DEADLINES_LANG).",
        show_default=False,
    ),
]
Format = Annotated[str, typer.Option("--format", metavar="table|json", help="Tableau ou JSON.")]
Explain = Annotated[bool, typer.Option(help="Détail numéroté de chaque calcul.")]
Check = Annotated[
    bool, typer.Option(help="Code de sortie 1 si une échéance à votre charge est dépassée.")
]
Db = Annotated[
    str | None,
    typer.Option(
        metavar="BASE",
        help="Base de dossiers : un fichier SQLite, ou postgresql://utilisateur@serveur/base pour "
        "une base d'équipe (défaut : $DEADLINES_DB, sinon ~/.local/share/deadlines/cases.db).",
    ),
]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Ne pas demander de confirmation.")]
AcceptUnlikely = Annotated[
    bool,
    typer.Option(
        "--accept-unlikely",
        help="Les valeurs peu vraisemblables sont exactes : une date dans le futur, une "
        "référence qui ressemble à un nom (sans cette option : un avertissement, ou un refus "
        "pour un nom).",
        show_default=False,
    ),
]
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
# The scope of the lists (issue 17): one caseworker's cases, or the whole team's by default.
Mine = Annotated[
    bool,
    typer.Option(
        "--mine", help="Seulement les dossiers que vous suivez (DEADLINES_USER, sinon LOGNAME)."
    ),
]
Assignee = Annotated[
    str | None,
    typer.Option(
        "--assignee",
        metavar="NOM",
        help="Seulement les dossiers que suit NOM (défaut : toute l'équipe).",
    ),
]


def _typer_option(spec: Input) -> object:
    """The Typer annotation of one catalogue input (help in French, as every --help)."""
    if spec.kind is Kind.YES_NO:
        option = typer.Option(_option_of_input(spec), help=spec.help.fr, show_default=False)
        return Annotated[bool | None, option]
    option = typer.Option(spec.flag, metavar=spec.metavar, help=spec.help.fr)
    if spec.kind is Kind.DATES:
        return Annotated[list[str] | None, option]
    return Annotated[str | None, option]


Function = TypeVar("Function", bound=Callable[..., None])


def case_inputs(command: Function) -> Function:
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


# --- the framework's own words, in the user's language ---------------------------------------
# Typer (and the click it ships) writes its usage errors, help headings and prompts in English.
# The app's commands are built with the classes below: the help's headings and brackets, the
# usage errors (one line, like every error of the tool, after the usage) and the exit statuses
# come out in French, or in English with --lang en or DEADLINES_LANG=en.

LANG_VAR = "DEADLINES_LANG"
EXIT_CANCELLED = 3  # the user declined a confirmation (README "Exit statuses")

_HELP_WORDS = {
    "fr": {
        "usage": "Utilisation : ",
        "Options": "Options",
        "Commands": "Commandes",
        "Arguments": "Arguments",
        "help": "Affiche cette aide et quitte.",
        "required": "obligatoire",
        "default": "défaut : ",
        # Typer's shell-completion options (README "Shell completion").
        "Install completion for the current shell.": "Installe la complétion pour le shell "
        "utilisé (bash, zsh, fish).",
        "Show completion for the current shell, to copy it or customize the installation.": (
            "Affiche le script de complétion du shell utilisé, à copier ou adapter."
        ),
    },
    "en": {
        "usage": "Usage: ",
        "Options": "Options",
        "Commands": "Commands",
        "Arguments": "Arguments",
        "help": "Show this message and exit.",
        "required": "required",
        "default": "default: ",
    },
}


def framework_lang(args: list[str]) -> str:
    """The language of the framework's messages, read before the options are: the last
    `--lang X` of the command line, else $DEADLINES_LANG, else French."""
    import os

    chosen = os.environ.get(LANG_VAR, "fr")
    for index, word in enumerate(args):
        if word == "--lang" and index + 1 < len(args):
            chosen = args[index + 1]
        elif word.startswith("--lang="):
            chosen = word.removeprefix("--lang=")
    return chosen if chosen in LANGS else "fr"


_lang = ["fr"]  # the running command's language, set by Group.main before anything is shown


_HelpFormatter: Any = typer.Context.formatter_class  # click's, which Typer ships


class _Formatter(_HelpFormatter):  # type: ignore[misc]  # click's class, reached through Typer
    """click's help formatter, with its headings and bracketed notes in the user's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=_HELP_WORDS[_lang[0]]["usage"])

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HELP_WORDS[_lang[0]].get(heading, heading))

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        words = _HELP_WORDS[_lang[0]]
        translated = [
            (
                term,
                words.get(text, text)
                .replace("[required]", f"[{words['required']}]")
                .replace("[default: ", f"[{words['default']}"),
            )
            for term, text in rows
        ]
        super().write_dl(translated, col_max, col_spacing)


class _Context(typer.Context):
    formatter_class = _Formatter


class _Words:
    """What the app's commands and groups share: the help option's own line in the user's
    language (and, set on each, the context above)."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _HELP_WORDS[_lang[0]]["help"]
        return option


class Command(_Words, typer.core.TyperCommand):
    """A command of the app (`@app.command(cls=Command)`)."""

    context_class = _Context


class Group(_Words, typer.core.TyperGroup):
    """The app and its `case` group: runs a command line, and shows a usage error in the
    user's language, with the tool's exit statuses."""

    context_class = _Context

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        import sys

        words = list(sys.argv[1:] if args is None else args)
        _lang[0] = framework_lang(words)
        if sys.stdout is None:  # started with standard output closed (>&-)
            sys.exit(_output_failed(OSError(9, "closed"), _lang[0]))
        try:
            status = super().main(
                words, prog_name, complete_var, False, windows_expand_args, **extra
            )
            sys.stdout.flush()  # a full disk or device says so here, not at exit
        except typer.TyperException as error:  # click's usage errors
            sys.exit(_show_usage_error(error, _lang[0]))
        except typer.Abort:  # end of input or Ctrl-C at a prompt
            typer.echo("", err=True)
            sys.exit(130)
        except OSError as error:  # standard output full or gone (files are the commands')
            sys.exit(_output_failed(error, _lang[0]))
        sys.exit(status if isinstance(status, int) else 0)


def _output_failed(error: OSError, lang: str) -> int:
    """Standard output could not be written (`> /dev/full`, closed): one line, exit status 2.
    What the command would have recorded after its output (an export's state) was not."""
    import os
    import sys

    from deadlines.messages import render

    if error.errno == 32:  # EPIPE: the reader left (`| head`); nothing to say to it
        status = 0
    else:
        reason = error.strerror or str(error)
        prefix = "erreur : " if lang == "fr" else "error: "
        typer.echo(prefix + render("output.write", {"reason": reason}, lang), err=True)
        status = 2
    # Python flushes standard output once more at exit: it must find nothing left to fail on.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (kept open until the process ends)
    return status


def _show_usage_error(error: Any, lang: str) -> int:
    """One clear line (after the usage and how to get help), like every error of the tool."""
    ctx = getattr(error, "ctx", None)
    kind = type(error).__name__
    if kind == "NoArgsIsHelpError":  # `deadlines` alone: the help, on stderr
        typer.echo(error.format_message(), err=True)
        return 2
    if ctx is not None:
        help_name = ctx.help_option_names[-1]
        hint = (
            f"Essayez « {ctx.command_path} {help_name} » pour l'aide."
            if lang == "fr"
            else f"Try '{ctx.command_path} {help_name}' for help."
        )
        typer.echo(f"{ctx.get_usage()}\n{hint}\n", err=True)
    prefix = "erreur : " if lang == "fr" else "error: "
    typer.echo(prefix + _usage_message(error, kind, lang), err=True)
    return int(getattr(error, "exit_code", 2))


def _usage_message(error: Any, kind: str, lang: str) -> str:
    fr = lang == "fr"
    message = str(getattr(error, "message", error))
    formatted = str(error.format_message())
    if kind == "NoSuchOption":
        said = f"option inconnue : {error.option_name}" if fr else message
        if error.possibilities:
            possible = ", ".join(sorted(error.possibilities))
            said += f" (options possibles : {possible})" if fr else f" (possible: {possible})"
        return said
    if kind == "BadOptionUsage":
        if "does not take a value" in message:
            return f"l'option {error.option_name} ne prend pas de valeur" if fr else message
        return f"l'option {error.option_name} attend une valeur" if fr else message
    if kind == "MissingParameter":
        param = error.param
        name = (
            param.make_metavar(error.ctx)
            if param.param_type_name == "argument"
            else (param.opts[0])
        )
        if fr:
            missing = (
                "argument manquant" if param.param_type_name == "argument" else ("option manquante")
            )
            return f"{missing} : {name}"
        return formatted
    if not fr:
        return formatted
    if message.startswith("No such command"):
        name = message.split("'")[1] if "'" in message else message
        return f"commande inconnue : « {name} » (commandes : {_commands(error.ctx)})"
    if message == "Missing command.":
        return f"commande manquante (commandes : {_commands(error.ctx)})"
    if message.startswith("Got unexpected extra argument"):
        extra = message.removeprefix("Got unexpected extra argument(s) (").removesuffix(")")
        return f"argument en trop : {extra}"
    return formatted


def _commands(ctx: Any) -> str:
    return ", ".join(ctx.command.list_commands(ctx)) if ctx is not None else ""
