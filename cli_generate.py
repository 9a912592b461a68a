"""Writes cli_fast_data.py, the data of the fast paths (cli_fast.py), from the Typer app.

    .venv/bin/python -m cli_generate           # rewrite cli_fast_data.py
    .venv/bin/python -m cli_generate --check   # exit 1 if it differs from the Typer app

Everything is read from the Typer app as it runs: the top-level help as click prints it, and for
each option of `compute` the keyword argument and value Typer passes (found by invoking the
command with a recorder in place of cli.run_compute). Options using a feature the fast path does
not reproduce (environment variables, callbacks, prompts, other types…) stop the generation.
tests/cli/test_fast_path.py regenerates the file and asserts it is unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from typer.main import get_command
from typer.testing import CliRunner

import cli
import cli_app

TARGET = Path(__file__).resolve().with_name("cli_fast_data.py")
HELP_COLUMNS = 80  # click renders help min(columns, 80) - 2 wide: the same for any width ≥ 80
SAMPLE = "01/02/2025"  # a value given to each option to see where Typer puts it


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


def typer_kwargs(words: list[str]) -> dict[str, Any]:
    """The keyword arguments the Typer command `compute` passes to cli.run_compute."""
    seen: list[dict[str, Any]] = []

    def record(**kwargs: Any) -> int:
        seen.append(kwargs)
        return 0

    saved = cli.run_compute
    cli.run_compute = record
    try:
        result = CliRunner().invoke(cli_app.compute_app, ["compute", *words], prog_name="deadlines")
    finally:
        cli.run_compute = saved
    if result.exit_code != 0 or len(seen) != 1:
        raise GenerationError(f"compute {words}: exit {result.exit_code}\n{result.output}")
    return seen[0]


def compute_command() -> Any:
    """The click command of `compute` (typer's vendored click), as cli.typer_main runs it."""

    def compute_of(app: object) -> Any:
        return get_command(app).commands["compute"]  # type: ignore[arg-type, attr-defined]

    def described(command: Any) -> list[tuple[object, ...]]:
        return [
            (p.name, p.opts, p.secondary_opts, p.is_flag, p.multiple, p.default, p.type.name)
            for p in command.params
        ]

    command = compute_of(cli_app.compute_app)
    for typer_app in (cli_app.compute_app, cli_app.app):
        settings = {**(typer_app.info.context_settings or {}), **command.context_settings}
        if settings.get("auto_envvar_prefix") or settings.get("default_map"):
            raise GenerationError("options read from the environment or a default map")
    if described(compute_of(cli_app.app)) != described(command):
        raise GenerationError("compute differs between cli_app.app and cli_app.compute_app")
    return command


def _check_supported(param: Any) -> None:
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
        "a type other than STRING or BOOL": param.type.name not in ("str", "boolean"),
    }
    found = [what for what, present in unsupported.items() if present]
    if found:
        raise GenerationError(f"{param.name}: the fast path does not reproduce {found}")


def compute_options() -> tuple[dict[str, tuple[str, str, bool | None]], dict[str, Any]]:
    """Long option → (parameter, "value" | "multiple" | "flag", the flag's value); defaults."""
    defaults = typer_kwargs([])
    options: dict[str, tuple[str, str, bool | None]] = {}
    for option in compute_command().params:
        _check_supported(option)
        name = option.name
        assert name is not None and name in defaults, name
        for opt in [*option.opts, *option.secondary_opts]:
            if not opt.startswith("--"):
                continue  # short forms go to Typer
            if option.is_flag:
                value = typer_kwargs([opt])[name]
                if not isinstance(value, bool) or "=" in opt:
                    raise GenerationError(f"{opt}: a flag that does not set a bool")
                options[opt] = (name, "flag", value)
                continue
            kind = "multiple" if option.multiple else "value"
            expected: object = [SAMPLE, SAMPLE[::-1]] if option.multiple else SAMPLE
            forms = [[opt, SAMPLE], [f"{opt}={SAMPLE}"]]
            if option.multiple:
                forms = [[opt, SAMPLE, opt, SAMPLE[::-1]], [f"{opt}={SAMPLE}", opt, SAMPLE[::-1]]]
            for words in forms:
                got = typer_kwargs(words)
                if got != {**defaults, name: expected}:
                    raise GenerationError(f"{words}: Typer passes {got}")
            options[opt] = (name, kind, None)
    return options, defaults


def render() -> str:
    """The text of cli_fast_data.py."""
    options, defaults = compute_options()
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
        "",
        "# Each long option of `compute`: (parameter of cli.run_compute, kind, value of a flag).",
        "COMPUTE_OPTIONS: dict[str, tuple[str, str, bool | None]] = {",
        *(f"    {opt!r}: {entry!r}," for opt, entry in options.items()),
        "}",
        "",
        "# What Typer passes for an option not given.",
        "COMPUTE_DEFAULTS: dict[str, object] = {",
        *(f"    {name!r}: {value!r}," for name, value in defaults.items()),
        "}",
        "",
    ]
    return "\n".join(lines)


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
