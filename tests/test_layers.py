"""The house's rules that import-linter cannot state: no module of the product imports a private
name (`_name`) of another, and the command line's own modules import one another one way; the
layer contracts themselves run in `make lint` (lint-imports)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("deadlines", "caseload", "calendars", "rendering")
# The command line: the flat modules the package installs beside its packages (cli.py, cli_*.py).
COMMAND_LINE: tuple[str, ...] = tuple(
    tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "py-modules"
    ]
)


def _package_files() -> list[Path]:
    return [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]


def _product_files() -> list[Path]:
    return [*(ROOT / f"{name}.py" for name in COMMAND_LINE), *_package_files()]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _ours(module: str) -> bool:
    return module in COMMAND_LINE or module.split(".", maxsplit=1)[0] in PACKAGES


def _imported(path: Path) -> set[str]:
    """The top-level names of every module `path` imports, at its top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_module_imports_a_private_name_of_another() -> None:
    found = []
    for path in _product_files():
        here = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and _ours(node.module):
                for alias in node.names:
                    private = alias.name.startswith("_") and not alias.name.endswith("__")
                    if private and node.module != here:
                        found.append(f"{here}: from {node.module} import {alias.name}")
    assert found == []


def test_nothing_below_the_command_line_imports_it() -> None:
    """Also checked by import-linter; here too, since a lazy import inside a function is where
    the old import circle hid."""
    for path in _package_files():
        assert not _imported(path) & set(COMMAND_LINE), path


def test_every_module_of_the_command_line_is_installed() -> None:
    """A cli_*.py missing from py-modules works from the checkout and fails once installed."""
    assert sorted(path.stem for path in ROOT.glob("cli*.py")) == sorted(COMMAND_LINE)


def test_the_command_line_imports_one_way() -> None:
    """cli.py -> the command modules -> cli_shared -> cli_options (cli.py's docstring): no
    command module imports cli.py or another command module, so no import circle."""
    tier = {name: 1 for name in COMMAND_LINE} | {"cli": 0, "cli_shared": 2, "cli_options": 3}
    found = [
        f"{name} imports {other}"
        for name in COMMAND_LINE
        for other in sorted(_imported(ROOT / f"{name}.py") & set(COMMAND_LINE))
        if tier[other] <= tier[name]
    ]
    assert found == []
