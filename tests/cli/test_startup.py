"""Start-up (issue 6): `inspect` is loaded only when something reads from it.

`dataclasses` imports `inspect` (and ast, dis, tokenize, linecache with it) only to write a
docstring for a dataclass that has none. `cli.main` puts a stand-in in its place that imports the
real module on first use; these tests check that the stand-in is never used by the domain, and
that Typer, which does use `inspect`, still gets the real module.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("deadlines")


def _run(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    return subprocess.run(argv, check=False, capture_output=True, text=True, env=env, timeout=60)


def _dataclasses_of(path: Path) -> list[ast.ClassDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any("dataclass" in ast.unparse(d) for d in node.decorator_list)
    ]


def test_every_domain_dataclass_has_a_docstring() -> None:
    """Without one, `dataclasses` calls inspect.signature to write it (~8 ms at every start)."""
    classes = [
        (path.relative_to(ROOT).as_posix(), node.name)
        for path in sorted((ROOT / "deadlines").rglob("*.py"))
        for node in _dataclasses_of(path)
    ]
    assert len(classes) > 25  # the scan sees the domain's dataclasses
    missing = [
        (path, name)
        for path, name in classes
        for node in _dataclasses_of(ROOT / path)
        if node.name == name and ast.get_docstring(node) is None
    ]
    assert missing == []


def test_the_stand_in_is_the_real_module_after_first_use() -> None:
    code = """
import sys, types
import cli
cli.load_inspect_on_first_use()
import dataclasses
from deadlines.engine import compute
assert "ast" not in sys.modules and "dis" not in sys.modules, "inspect was loaded"
stand_in = sys.modules["inspect"]
assert type(stand_in) is not types.ModuleType

@dataclasses.dataclass(frozen=True)
class NoDoc:  # dataclasses asks inspect.signature for its docstring
    a: int

assert NoDoc.__doc__ == "NoDoc(a: int)", NoDoc.__doc__
import inspect
assert type(inspect) is types.ModuleType and "ast" in sys.modules
assert sys.modules["inspect"] is inspect and inspect.signature(len) is not None
assert type(stand_in) is types.ModuleType and stand_in.signature is inspect.signature
from inspect import getsource, isclass
assert isclass(NoDoc) and "def compute" in getsource(compute)
print("ok")
"""
    proc = _run(sys.executable, "-c", code)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "ok\n", "")


def test_a_command_left_to_typer_runs_with_the_stand_in(tmp_path: Path) -> None:
    """Typer and click read `inspect` when they build a command: the real one loads then."""
    db = tmp_path / "cases.db"
    added = _run(SCRIPT, "case", "add", "A-1", "--filed", "15/01/2025", "--db", db)
    assert added.returncode == 0, added.stderr
    listed = _run(SCRIPT, "case", "list", "--db", db, "--as-of", "2025-02-01", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert '"A-1"' in listed.stdout
    helped = _run(SCRIPT, "case", "add", "--help")
    assert helped.returncode == 0 and "--filed" in helped.stdout, helped.stderr
