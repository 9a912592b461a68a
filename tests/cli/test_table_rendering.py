"""The compute table renders byte for byte as with rich's default console (markup and emoji on).

rendering/table.py turns rich's console markup and :emoji: codes off (start-up time, issue 6):
that is only right while no text it shows contains either. Every golden case is rendered both
ways, in both languages, with and without the steps, in a pipe and in a colour terminal.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime

import pytest
from rich.console import Console

import rendering.table
from deadlines.case import make_case
from deadlines.engine import Computation, compute
from deadlines.entered import build_case
from deadlines.errors import DeadlinesError
from deadlines.rules.model import EventKind
from tests.golden.loader import RuleCase, load
from tests.golden.test_golden import _facts


def _computation(case: RuleCase) -> Computation | None:
    events = case.events if case.trigger is None else {case.trigger[0]: [case.trigger[1]]}
    pairs = [(EventKind(kind), day) for kind, days in events.items() for day in days]
    due = case.expect_due.date() if isinstance(case.expect_due, datetime) else case.expect_due
    try:  # the day the deadline is due: every state occurs across the cases
        return compute(make_case(pairs, _facts(case)), as_of=due)
    except DeadlinesError:  # e.g. years before the verified calendars
        return None


def _corpus(per_rule: int = 3) -> list[tuple[str, Computation]]:
    """Up to `per_rule` golden cases of each rule that compute (rendering costs ~15 ms)."""
    chosen: list[tuple[str, Computation]] = []
    count: dict[str, int] = {}
    for case in load()[0]:
        if count.get(case.rule, 0) < per_rule and (found := _computation(case)) is not None:
            chosen.append((case.id, found))
            count[case.rule] = count.get(case.rule, 0) + 1
    return chosen


def _from_the_cli() -> list[tuple[str, Computation]]:
    """Cases of tests/cli with warnings and notes, which the golden cases hardly have."""
    six = {
        "application-filed": ["05/10/2025"],
        "certificate-available": ["07/10/2025"],
        "ofii-request": ["16/11/2025"],
        "certificate-received": ["20/11/2025"],
        "oqtf-notified": ["2026-03-10T10:30"],
        "permit-expires": ["31/03/2026"],
    }
    cases = [
        ("six-events", six, {"territory": "57", "oqtf-decided": "09/03/2026"}, 2026, 3, 23),
        ("oqtf-undated", {"oqtf-notified": ["19/07/2024"]}, {}, 2024, 7, 20),
        ("refusal-with-oqtf", {"refusal-notified": ["12/11/2025"]}, {}, 2025, 11, 13),
    ]
    cases[2][1]["oqtf-notified"] = ["12/11/2025 09:15"]
    found = []
    for name, events, facts, *as_of in cases:
        case = build_case({**events, "departure-period": name != "refusal-with-oqtf", **facts})
        found.append((name, compute(case, date(*as_of))))
    # Nothing to show (a case whose deadlines all belong to other commands, say).
    found.append(("no-deadline", replace(found[0][1], deadlines=())))
    return found


CORPUS = _corpus() + _from_the_cli()


class RichDefaults(Console):
    """The console as rendering/table.py made it before: rich's defaults for markup and emoji."""

    def __init__(self, **options: object) -> None:
        options.pop("markup", None)
        options.pop("emoji", None)
        super().__init__(**options)  # type: ignore[arg-type]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _render(computation: Computation, lang: str, explain: bool, tty: bool) -> str:
    out = Terminal() if tty else io.StringIO()
    rendering.table.render_table(computation, lang, explain, out)
    return out.getvalue()


def test_the_corpus_covers_the_catalogue() -> None:
    from deadlines.rules import all_rules

    shown = {d.rule.id for _, computation in CORPUS for d in computation.deadlines}
    assert len(CORPUS) > 30
    assert shown == {rule.id for rule in all_rules()}
    assert any(d.warnings for _, computation in CORPUS for d in computation.deadlines)
    assert any(computation.notes for _, computation in CORPUS)


@pytest.mark.parametrize(("name", "computation"), CORPUS, ids=[name for name, _ in CORPUS])
def test_table_is_unchanged_without_markup_and_emoji(
    name: str, computation: Computation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    # (language, steps, terminal, COLUMNS): a pipe gets 120 columns, a terminal its own width.
    for lang, explain, tty, columns in (("fr", False, False, None), ("en", True, True, "72")):
        if columns is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", columns)
        ours = _render(computation, lang, explain, tty)
        with monkeypatch.context() as patch:
            patch.setattr(rendering.table, "Console", RichDefaults)
            assert _render(computation, lang, explain, tty) == ours, (name, lang)
        if tty:
            assert "\x1b[" in ours  # the terminal case does show styles
