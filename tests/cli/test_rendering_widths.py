"""Issue 14, item 8: narrow terminals never cut or split a date or a time.

Every output is rendered at 60, 80 and 120 columns, in French and English: `compute` (with its
explanation) into rich's recorded console, `agenda` and `case list` through the CLI with COLUMNS.
Each is compared with the same output 400 columns wide: every date, time, zone and hours-left
the wide output prints must be printed whole, as many times, in the narrow one (a date split
over two lines or cut by « … » is counted as missing). No line is wider than the terminal, and
the explanation and the warnings wrap with a hanging indent.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console
from typer.testing import CliRunner

import rendering.table
from cli import app
from deadlines.engine import Computation, compute
from deadlines.entered import build_case

WIDTHS = (60, 80, 120)
LANGS = ("fr", "en")
runner = CliRunner()

_WEEKDAYS = (
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
)
_MONTHS = (
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    r"janv\.|févr\.|avr\.|juill\.|sept\.|oct\.|nov\.|déc\.|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
)
# The forms of a date or a time the tool prints.
DATE_FORMS = re.compile(
    "|".join(
        (
            # lundi 5 octobre 2026, 15 juillet 2024, 10 févr. 2006
            rf"(?:(?:{_WEEKDAYS}) )?(?:1er|\d{{1,2}}) (?:{_MONTHS}) \d{{4}}",
            r"à \d{1,2} h \d{2}",  # à 10 h 30
            r"at \d{2}:\d{2}",  # at 10:30
            r"[+-]?\d+ h \d{2}",  # hours left, 24 h 00
            r"\d{2}/\d{2}/\d{4}(?: \d{2}:\d{2})?",  # 05/10/2026 10:30
            r"\d{4}-\d{2}-\d{2}",  # 2026-11-23
            r"\((?:heure de [^()]+|[^()]+ time|UTC[+-]\d{2}:\d{2})\)",  # the zone or offset
        )
    )
)


def dates_in(text: str) -> Counter[str]:
    """Every date form of each line (a form split over two lines is two fragments, not it)."""
    return Counter(m.group(0) for line in text.splitlines() for m in DATE_FORMS.finditer(line))


def check(wide: str, narrow: str, width: int) -> None:
    assert "…" not in narrow, narrow
    too_long = [line for line in narrow.splitlines() if len(line.rstrip()) > width]
    assert not too_long, (width, too_long)
    expected, found = dates_in(wide), dates_in(narrow)
    missing = expected - found
    assert not missing, (width, missing, narrow)
    assert expected, "the wide output prints dates"


# --- compute, into rich's recorded console -----------------------------------------------------


def _computations() -> Iterator[tuple[str, Computation]]:
    demo = build_case(
        {
            "application-filed": ["05/10/2026"],
            "certificate-available": ["07/10/2026"],
            "ofii-request": ["16/11/2026"],
            "permit-expires": ["31/03/2027"],
            "territory": "57",
        }
    )
    yield "demo", compute(demo, date(2026, 11, 23))
    oqtf = build_case(
        {
            "oqtf-notified": ["2026-03-27T10:30"],
            "custody": "house-arrest",
            "departure-period": False,
            "territory": "974",
        }
    )
    now = datetime(2026, 3, 27, 12, 0, tzinfo=ZoneInfo("Indian/Reunion"))
    yield "oqtf-unknown-regime", compute(oqtf, now.date(), now=now)
    early = build_case({"permit-expires": ["31/03/2024"]})
    yield "channel-unknown", compute(early, date(2023, 11, 1))


COMPUTATIONS = list(_computations())


def _recorded(
    computation: Computation, lang: str, width: int, monkeypatch: pytest.MonkeyPatch
) -> str:
    console = Console(record=True, width=width, file=io.StringIO(), force_terminal=True)
    with monkeypatch.context() as patch:
        patch.setattr(rendering.table, "Console", lambda *args, **kwargs: console)
        rendering.table.render_table(computation, lang, True, io.StringIO())
    return console.export_text()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("name", "computation"), COMPUTATIONS, ids=[n for n, _ in COMPUTATIONS])
def test_compute_never_cuts_a_date(
    name: str, computation: Computation, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    wide = _recorded(computation, lang, 400, monkeypatch)
    for width in WIDTHS:
        narrow = _recorded(computation, lang, width, monkeypatch)
        check(wide, narrow, width)


@pytest.mark.parametrize("lang", LANGS)
def test_the_explanation_wraps_with_a_hanging_indent(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _recorded(COMPUTATIONS[0][1], lang, 80, monkeypatch)
    lines = text.splitlines()
    numbered = [i for i, line in enumerate(lines) if re.match(r" {6}\d+\. ", line)]
    assert numbered
    # A step too long for one line goes on under its own text, not under its number.
    continued = [
        lines[i + 1]
        for i in numbered
        if i + 1 < len(lines) and lines[i + 1].strip() and not re.match(r" *\d+\. ", lines[i + 1])
    ]
    assert continued
    for line in continued:
        if re.match(r" {6}\S", line):
            continue  # a note or heading after a one-line step
        assert line.startswith(" " * 9), line


# --- agenda and case list, through the CLI ----------------------------------------------------


@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("widths") / "cases.db"
    cases = {
        "A-1": ["--filed", "05/10/2026", "--ofii-request", "16/11/2026", "--territory", "57"],
        "B-2": [
            "--oqtf-notified",
            "22/11/2026 10:30",
            "--oqtf-decided",
            "21/11/2026",
            "--custody",
            "retention",
            "--no-departure-period",
        ],
        "C-3": ["--permit-expires", "31/01/2027", "--territory", "974"],
        "D-444-LONG-REFERENCE": [
            "--oqtf-notified",
            "20/11/2026 09:00",
            "--custody",
            "house-arrest",
            "--no-departure-period",
            "--territory",
            "975",
        ],
    }
    for ref, args in cases.items():
        result = runner.invoke(
            app, ["case", "add", ref, *args, "--as-of", "22/11/2026 12:00", "--db", str(db)]
        )
        assert result.exit_code == 0, result.stderr
    return db


def _cli(db: Path, width: int, *args: str) -> str:
    result = runner.invoke(app, [*args, "--db", str(db)], env={"COLUMNS": str(width)})
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", [["agenda", "--days", "90"], ["case", "list"]], ids=str)
def test_the_lists_never_cut_a_date(caseload: Path, command: list[str], lang: str) -> None:
    args = [*command, "--as-of", "23/11/2026 09:00", "--lang", lang]
    wide = _cli(caseload, 400, *args)
    for width in WIDTHS:
        check(wide, _cli(caseload, width, *args), width)
