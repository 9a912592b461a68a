"""The house's rules that import-linter cannot state: no module of the product imports a private
name (`_name`) of another; the layer contracts themselves run in `make lint` (lint-imports)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("deadlines", "caseload", "calendars", "rendering")


def _product_files() -> list[Path]:
    top = [ROOT / "cli.py", ROOT / "cli_options.py"]
    return [*top, *(p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py")))]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _ours(module: str) -> bool:
    return module in {"cli", "cli_options"} or module.split(".", maxsplit=1)[0] in PACKAGES


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
    for path in _product_files()[2:]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n.split(".")[0] in {"cli", "cli_options"} for n in names), path
