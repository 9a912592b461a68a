"""Writes cli_fast_data.py, the data of the fast paths (cli_fast.py), from the Typer app.

    .venv/bin/python -m cli_generate           # rewrite cli_fast_data.py
    .venv/bin/python -m cli_generate --check   # exit 1 if it differs from the Typer app

Everything is read from the Typer app as it runs: the top-level help as click prints it, and for
each option of `compute`, `agenda` and `export` the keyword argument and value Typer passes
(found by invoking the command with a recorder in place of cli.run_compute,
cli_agenda.run_agenda or cli_export.run_export), the bounds of an integer option (checked by
invoking it at and beyond them), and the parameter of a command's positional words (export's
REFs: checked on words among and around its options). Options using a feature the fast path does
not reproduce (environment variables, callbacks, prompts, other types…) stop the generation.
tests/cli/test_fast_path.py regenerates the file and asserts it is unchanged.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.main import get_command
from typer.testing import CliRunner, Result

import cli
import cli_agenda
import cli_app
import cli_export

TARGET = Path(__file__).resolve().with_name("cli_fast_data.py")
HELP_COLUMNS = 80  # click renders help min(columns, 80) - 2 wide: the same for any width ≥ 80
SAMPLE = "01/02/2025"  # a value given to each option to see where Typer puts it


@dataclass(frozen=True)
class Command:
    """A command with a fast path: its Typer command calls `module.function(**kwargs)`."""

    name: str
    module: Any
    function: str
    app: Any  # the Typer app cli.typer_main runs it in

    @property
    def prefix(self) -> str:
        return self.name.upper()


COMMANDS = {
    "compute": Command("compute", cli, "run_compute", cli_app.compute_app),
    "agenda": Command("agenda", cli_agenda, "run_agenda", cli_app.app),
    "export": Command("export", cli_export, "run_export", cli_app.app),
}


class GenerationError(Exception):
    """The Typer app uses something the fast path does not reproduce."""


def top_help() -> str:
    """`deadlines --help` as Typer prints it for a terminal of 80 columns or more.

    Run in a fresh interpreter: click's CliRunner forces a width of 80 where a terminal gets 78.
    """
    import os
    import subprocess

    code = "import sys; sys.argv = ['deadlines', '--help']; import cli; cli.typer_main()"
    env = {k: v for k, v in os.environ.items() if k != "_DEADLINES_COMPLETE"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=TARGET.parent,
        env={**env, "COLUMNS": str(HELP_COLUMNS)},
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if done.returncode != 0 or done.stderr or not done.stdout.endswith("\n"):
        raise GenerationError(f"deadlines --help: exit {done.returncode}\n{done.stderr}")
    return done.stdout[:-1]  # click's echo adds the last newline


def invoke(words: list[str], command: str = "compute") -> tuple[Result, list[dict[str, Any]]]:
    """Run the Typer command with a recorder in place of its work: the result, what it got."""
    spec = COMMANDS[command]
    seen: list[dict[str, Any]] = []

    def record(**kwargs: Any) -> int:
        seen.append(kwargs)
        return 0

    saved = getattr(spec.module, spec.function)
    setattr(spec.module, spec.function, record)
    try:
        result = CliRunner().invoke(spec.app, [command, *words], prog_name="deadlines")
    finally:
        setattr(spec.module, spec.function, saved)
    return result, seen


def typer_kwargs(words: list[str], command: str = "compute") -> dict[str, Any]:
    """The keyword arguments the Typer command passes to its work (cli.run_compute…)."""
    result, seen = invoke(words, command)
    if result.exit_code != 0 or len(seen) != 1:
        raise GenerationError(f"{command} {words}: exit {result.exit_code}\n{result.output}")
    return seen[0]


def click_command(command: str) -> Any:
    """The click command (typer's vendored click), as cli.typer_main runs it."""
    spec = COMMANDS[command]

    def command_of(app: object) -> Any:
        return get_command(app).commands[command]  # type: ignore[arg-type, attr-defined]

    def described(click_command: Any) -> list[tuple[object, ...]]:
        return [
            (
                p.name,
                p.opts,
                p.secondary_opts,
                getattr(p, "is_flag", None),
                p.multiple,
                p.nargs,
                p.default,
                p.type.name,
            )
            for p in click_command.params
        ]

    found = command_of(spec.app)
    for typer_app in {id(app): app for app in (spec.app, cli_app.app)}.values():
        settings = {**(typer_app.info.context_settings or {}), **found.context_settings}
        if settings.get("auto_envvar_prefix") or settings.get("default_map"):
            raise GenerationError("options read from the environment or a default map")
    if described(command_of(cli_app.app)) != described(found):
        raise GenerationError(f"{command} differs between cli_app.app and the app it runs in")
    return found


def _check_supported(param: Any) -> None:
    if param.param_type_name == "argument":
        _check_argument(param)
        return
    unsupported = {
        "not an option": param.param_type_name != "option",
        "an environment variable": param.envvar is not None,
        "a callback": param.callback is not None,
        "a prompt": param.prompt is not None,
        "required": param.required,
        "eager": param.is_eager,
        "hidden value": not param.expose_value,
        "a count": param.count,
        "several values per use": param.nargs != 1,
        "an optional value": getattr(param, "_flag_needs_value", False),
        "deprecated": bool(getattr(param, "deprecated", False)),
        "a type other than STRING, BOOL or a closed IntRange": param.type.name
        not in ("str", "boolean", "int range")
        or (param.type.name == "int range" and not _closed_range(param.type)),
        "several integers": param.type.name == "int range" and param.multiple,
    }
    found = [what for what, present in unsupported.items() if present]
    if found:
        raise GenerationError(f"{param.name}: the fast path does not reproduce {found}")


def _check_argument(param: Any) -> None:
    """Positional words: only an optional string argument taking any number of them."""
    unsupported = {
        "an environment variable": param.envvar is not None,
        "a callback": param.callback is not None,
        "required": param.required,
        "eager": param.is_eager,
        "hidden value": not param.expose_value,
        "not any number of words": param.nargs != -1,
        "a type other than STRING": param.type.name != "str",
        "deprecated": bool(getattr(param, "deprecated", False)),
    }
    found = [what for what, present in unsupported.items() if present]
    if found:
        raise GenerationError(f"argument {param.name}: the fast path does not reproduce {found}")


def _closed_range(kind: Any) -> bool:
    """An IntRange with both bounds, both included, that refuses (not clamps) what is beyond."""
    return (
        isinstance(kind.min, int)
        and isinstance(kind.max, int)
        and not (kind.min_open or kind.max_open or kind.clamp)
    )


Options = dict[str, tuple[str, str, bool | None]]


def command_options(
    command: str,
) -> tuple[Options, dict[str, Any], dict[str, tuple[int, int]], str | None]:
    """Option → (parameter, "value" | "multiple" | "flag" | "int", the flag's value); defaults;
    parameter → (lowest, highest) of an integer option; the parameter of the positional words.

    Long options in every form; a short option (`-o`) only when it takes one string value, and
    then only as `-o VALUE` (click reads `-o=x` as "=x" and `-ox` as "x": Typer does those).
    """
    defaults = typer_kwargs([], command)
    options: Options = {}
    ranges: dict[str, tuple[int, int]] = {}
    positional = None
    found = click_command(command)
    for option in found.params:
        _check_supported(option)
        name = option.name
        assert name is not None and name in defaults, name
        if option.param_type_name == "argument":
            positional = _positional(command, found, name, defaults)
            continue
        for opt in [*option.opts, *option.secondary_opts]:
            if not opt.startswith("--"):
                if option.is_flag or option.multiple or option.type.name != "str":
                    continue  # other short forms go to Typer
                if len(opt) != 2 or typer_kwargs([opt, SAMPLE], command) != {
                    **defaults,
                    name: SAMPLE,
                }:
                    raise GenerationError(f"{opt}: not a short option taking a value")
                options[opt] = (name, "value", None)
                continue
            if option.is_flag:
                value = typer_kwargs([opt], command)[name]
                if not isinstance(value, bool) or "=" in opt:
                    raise GenerationError(f"{opt}: a flag that does not set a bool")
                options[opt] = (name, "flag", value)
                continue
            if option.type.name == "int range":
                ranges[name] = _int_bounds(command, opt, name, option.type, defaults)
                options[opt] = (name, "int", None)
                continue
            kind = "multiple" if option.multiple else "value"
            expected: object = [SAMPLE, SAMPLE[::-1]] if option.multiple else SAMPLE
            forms = [[opt, SAMPLE], [f"{opt}={SAMPLE}"]]
            if option.multiple:
                forms = [[opt, SAMPLE, opt, SAMPLE[::-1]], [f"{opt}={SAMPLE}", opt, SAMPLE[::-1]]]
            for words in forms:
                got = typer_kwargs(words, command)
                if got != {**defaults, name: expected}:
                    raise GenerationError(f"{words}: Typer passes {got}")
            options[opt] = (name, kind, None)
    return options, defaults, ranges, positional


def _positional(command: str, found: Any, name: str, defaults: dict[str, Any]) -> str:
    """The parameter of a command's positional words: Typer passes them as a list, in order,
    wherever they stand among the options; "-" and "" are words too."""
    if not found.allow_interspersed_args or found.ignore_unknown_options or found.allow_extra_args:
        raise GenerationError(f"{command}: positional words not parsed as click's default")
    if defaults[name] is not None:
        raise GenerationError(f"{command}: Typer passes {defaults[name]!r} for no {name}")
    others = [p for p in found.params if p.param_type_name == "option" and not p.is_flag]
    for words, expected in (
        ([SAMPLE], [SAMPLE]),
        ([SAMPLE, "-", "", SAMPLE[::-1]], [SAMPLE, "-", "", SAMPLE[::-1]]),
        *(
            ([SAMPLE, option.opts[0], "x", SAMPLE[::-1]], [SAMPLE, SAMPLE[::-1]])
            for option in others
        ),
    ):
        got = typer_kwargs(words, command)
        if got[name] != expected or type(got[name]) is not list:
            raise GenerationError(f"{words}: Typer passes {got}")
    return str(name)


def _int_bounds(
    command: str, opt: str, name: str, kind: Any, defaults: dict[str, Any]
) -> tuple[int, int]:
    """The bounds of an IntRange option, as Typer applies them: each bound and a number between
    them (written with a leading zero) pass as that int; one beyond either bound is refused."""
    low, high = int(kind.min), int(kind.max)
    for number, words in (
        (low, [opt, str(low)]),
        (high, [f"{opt}={high}"]),
        ((low + high) // 2, [opt, f"0{(low + high) // 2}"]),
    ):
        got = typer_kwargs(words, command)
        if got != {**defaults, name: number} or type(got[name]) is not int:
            raise GenerationError(f"{words}: Typer passes {got}")
    for words in ([f"{opt}={low - 1}"], [opt, str(high + 1)]):
        result, seen = invoke(words, command)
        if result.exit_code != 2 or seen:
            raise GenerationError(f"{words}: Typer does not refuse it (exit {result.exit_code})")
    return low, high


def render() -> str:
    """The text of cli_fast_data.py."""
    lines = [
        '"""Generated by `python -m cli_generate` from the Typer app (cli_app.py): do not edit.',
        "",
        "Read by cli_fast.py. tests/cli/test_fast_path.py regenerates it and asserts no drift.",
        '"""',
        "",
        "# fmt: off",
        "",
        "# `deadlines --help` as click renders it for this many terminal columns or more.",
        f"HELP_MIN_COLUMNS = {HELP_COLUMNS}",
        "TOP_HELP = '\\n'.join([",
        *(f"    {line!r}," for line in top_help().split("\n")),
        "])",
    ]
    for command, spec in COMMANDS.items():
        options, defaults, ranges, positional = command_options(command)
        function = f"{spec.module.__name__}.{spec.function}"
        lines += [
            "",
            f"# Each option of `{command}`: (parameter of {function}, kind, value of a flag).",
            f"{spec.prefix}_OPTIONS: dict[str, tuple[str, str, bool | None]] = {{",
            *(f"    {opt!r}: {entry!r}," for opt, entry in options.items()),
            "}",
            "",
            "# What Typer passes for an option not given.",
            f"{spec.prefix}_DEFAULTS: dict[str, object] = {{",
            *(f"    {name!r}: {value!r}," for name, value in defaults.items()),
            "}",
            "",
            "# The values an integer option accepts: (lowest, highest), both included.",
            f"{spec.prefix}_RANGES: dict[str, tuple[int, int]] = {{",
            *(f"    {name!r}: {bounds!r}," for name, bounds in ranges.items()),
            "}",
            "",
            "# The parameter given the positional words, as a list (None: the command has none).",
            f"{spec.prefix}_POSITIONAL: str | None = {positional!r}",
        ]
    return "\n".join([*lines, ""])


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if args == ["--check"]:
        if TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET.name} is stale: run `python -m cli_generate`", file=sys.stderr)
            return 1
        return 0
    if args:
        print(__doc__, file=sys.stderr)
        return 2
    TARGET.write_text(text, encoding="utf-8")
    print(f"written: {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
