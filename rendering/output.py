"""A computation shown to a person (a rich table) or a script (JSON), on standard output.

rich is imported only for a table, never for JSON.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from deadlines.engine import Computation


def json_text(data: object) -> str:
    """JSON as every command prints it: UTF-8 words kept, two-space indent."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def show_computation(
    computation: Computation,
    lang: str,
    output_format: str,
    explain: bool,
    out: TextIO | None = None,
    case_ref: str | None = None,
) -> None:
    """`case_ref`: the case shown by `case show` (each row then gives the rule id that
    `deadlines case done REF RULE` expects)."""
    out = out or sys.stdout
    if output_format == "json":
        from deadlines.report import computation_to_dict

        out.write(json_text(computation_to_dict(computation, lang)) + "\n")
    else:
        from rendering.table import render_table

        render_table(computation, lang, explain, out, case_ref)
