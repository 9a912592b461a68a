"""The console script's fast paths: `deadlines --help`, `compute …`, `agenda …`, `export …`
without typer.

Importing typer and building its click commands costs ~80 ms at every start (issue 6), more
than the work of these command lines (`agenda` on a small caseload). They answer from
cli_fast_data.py, which is generated from the Typer app (`python -m cli_generate`; a test
regenerates it and asserts no drift):

* `deadlines --help` prints, and `deadlines` alone writes on stderr with exit status 2, the help
  click renders, when it would render it for 80 columns or more (click's width then stays 78);
* `deadlines compute`, `deadlines agenda` and `deadlines export` whose every word is one of the
  command's long options in an unambiguous form (`--opt VALUE`, `--opt=VALUE`, `--flag`,
  `--no-flag`; each option once, except the repeatable ones; an integer as plain digits within
  its range), export's `-o VALUE`, or one of export's REFs (a word not starting with `-`, or
  `-`, that is no option's value) call cli.run_compute, cli_agenda.run_agenda or
  cli_export.run_export with the keyword arguments Typer would pass, inside the same exit
  handling as Typer's main.

Anything else (another command, `--help` after the command, an unknown or repeated option, a
short one but export's `-o VALUE`, a missing value or one starting with `-`, an integer Typer
would refuse or read otherwise, a positional word of compute or agenda, `--`) returns, and
cli.main hands the command line to Typer, which gives its usual answer or error.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing's: see cli.py
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import NoReturn

PROG = "deadlines"
# click's shell completion for the program `deadlines`: when asked, Typer answers.
COMPLETE_VAR = "_DEADLINES_COMPLETE"


def run_fast(argv: list[str]) -> None:
    """Serve `argv` (without the program name) and exit, or return to let Typer do it."""
    if os.environ.get(COMPLETE_VAR):
        return
    if argv in ([], ["--help"]):
        _help(asked=bool(argv))
    elif argv[:1] == ["compute"]:
        kwargs = parse_compute(argv[1:])
        if kwargs is not None:
            run_compute(kwargs)
    elif argv[:1] == ["agenda"]:
        kwargs = parse_agenda(argv[1:])
        if kwargs is not None:
            run_agenda(kwargs)
    elif argv[:1] == ["export"]:
        kwargs = parse_export(argv[1:])
        if kwargs is not None:
            run_export(kwargs)


# --- the help ----------------------------------------------------------------------------------


def program_name() -> str:
    """click's `_detect_program_name()`, for the console script (not for `python -m`)."""
    main = sys.modules.get("__main__")
    if getattr(main, "__package__", None) not in {None, ""}:
        return ""  # python -m …: click names it "python -m …", never `deadlines`
    return os.path.basename(sys.argv[0])


def terminal_columns() -> int:
    """`shutil.get_terminal_size().columns` (what click's help formatter reads), without
    importing shutil (~10 ms)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80
    return size.columns or 80


def _help(asked: bool) -> None:
    from cli_fast_data import HELP_MIN_COLUMNS

    if program_name() != PROG or terminal_columns() < HELP_MIN_COLUMNS:
        return
    from cli import echo
    from cli_fast_data import TOP_HELP

    def show() -> int:
        echo(TOP_HELP)
        return 0

    if asked:  # click echoes the help on stdout (within Typer's main) and exits 0
        _as_typer_main(show)
    # No arguments at all: NoArgsIsHelpError, which Typer's main shows on stderr, exit 2.
    echo(TOP_HELP, err=True)
    raise SystemExit(2)


# --- the options of a command ------------------------------------------------------------------


def parse_options(
    words: list[str],
    options: dict[str, tuple[str, str, bool | None]],
    defaults: dict[str, object],
    ranges: dict[str, tuple[int, int]],
    positional: str | None = None,
) -> dict[str, object] | None:
    """The keyword arguments Typer would pass for `words`, or None: let Typer parse.

    `options`, `defaults`, `ranges` and `positional` are a command's tables in cli_fast_data.py.
    With a `positional` parameter, a word that is not an option's value and does not start with
    `-` (or is `-` itself) is one of its values, in order, as click assigns it (its parser reads
    any other word starting with `-` as an option).
    """
    kwargs = dict(defaults)
    given: set[str] = set()
    repeated: dict[str, list[str]] = {}
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if positional is not None and (word == "-" or not word.startswith("-")):
            repeated.setdefault(positional, []).append(word)
            kwargs[positional] = repeated[positional]
            continue
        name, equals, inline = word.partition("=")
        option = options.get(name)
        if option is None:
            return None
        parameter, kind, flag_value = option
        if equals and not name.startswith("--"):
            return None  # click reads `-o=x` as the value "=x": Typer does it
        value: object
        if kind == "flag":
            if equals:
                return None  # click: "Option '--explain' does not take a value."
            value = flag_value
        elif equals:
            value = inline
        elif index < len(words) and (words[index] == "-" or not words[index].startswith("-")):
            value = words[index]
            index += 1
        else:
            return None  # missing value, or one click would read but that looks like an option
        if kind == "multiple":
            repeated.setdefault(parameter, []).append(str(value))
            kwargs[parameter] = repeated[parameter]
            continue
        if kind == "int":
            value = _in_range(str(value), ranges[parameter])
            if value is None:
                return None  # click's message for a bad or out-of-range number: Typer gives it
        if parameter in given:
            return None  # click keeps the last; Typer decides
        given.add(parameter)
        kwargs[parameter] = value
    return kwargs


def _in_range(text: str, bounds: tuple[int, int]) -> int | None:
    """`text` as click reads it into an IntRange, when it is plain ASCII digits within bounds."""
    if not (text.isascii() and text.isdigit()):
        return None  # "+3", " 3", "3_0", "٣": click reads some of these; Typer answers them
    number = int(text)
    low, high = bounds
    return number if low <= number <= high else None


# --- compute -----------------------------------------------------------------------------------


def parse_compute(words: list[str]) -> dict[str, object] | None:
    """The keyword arguments Typer would give `compute` for `words`, or None: let Typer parse."""
    from cli_fast_data import COMPUTE_DEFAULTS, COMPUTE_OPTIONS, COMPUTE_RANGES

    return parse_options(words, COMPUTE_OPTIONS, COMPUTE_DEFAULTS, COMPUTE_RANGES)


def run_compute(kwargs: dict[str, object]) -> NoReturn:
    """cli.run_compute(**kwargs), with the exit handling of Typer's main."""
    import cli

    _as_typer_main(lambda: cli.run_compute(**kwargs))  # type: ignore[arg-type]


# --- agenda ------------------------------------------------------------------------------------


def parse_agenda(words: list[str]) -> dict[str, object] | None:
    """The keyword arguments Typer would give `agenda` for `words`, or None: let Typer parse."""
    from cli_fast_data import AGENDA_DEFAULTS, AGENDA_OPTIONS, AGENDA_RANGES

    return parse_options(words, AGENDA_OPTIONS, AGENDA_DEFAULTS, AGENDA_RANGES)


def run_agenda(kwargs: dict[str, object]) -> NoReturn:
    """cli_agenda.run_agenda(**kwargs), with the exit handling of Typer's main."""
    import cli_agenda

    _as_typer_main(lambda: cli_agenda.run_agenda(**kwargs))  # type: ignore[arg-type]


# --- export ------------------------------------------------------------------------------------


def parse_export(words: list[str]) -> dict[str, object] | None:
    """The keyword arguments Typer would give `export` for `words`, or None: let Typer parse."""
    from cli_fast_data import EXPORT_DEFAULTS, EXPORT_OPTIONS, EXPORT_POSITIONAL, EXPORT_RANGES

    return parse_options(words, EXPORT_OPTIONS, EXPORT_DEFAULTS, EXPORT_RANGES, EXPORT_POSITIONAL)


def run_export(kwargs: dict[str, object]) -> NoReturn:
    """cli_export.run_export(**kwargs), with the exit handling of Typer's main."""
    import cli_export

    _as_typer_main(lambda: cli_export.run_export(**kwargs))  # type: ignore[arg-type]


def _as_typer_main(work: Callable[[], int]) -> NoReturn:
    """Run `work` as Typer's main (typer/core.py `_main`) runs a command; exit with its status."""
    try:
        status = work()
    except EOFError:
        from gettext import gettext as _

        import typer

        typer.echo(file=sys.stderr)
        typer.echo(_("Aborted!"), file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as error:
        import errno

        if error.errno != errno.EPIPE:
            raise
        from typer._click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)
        sys.stderr = PacifyFlushWrapper(sys.stderr)
        sys.exit(1)
    sys.exit(status)
