"""The catalogue of inputs (deadlines/inputs.py) is the one place an event or fact is declared:
the domain, the command line, the CSV import and the README all follow it."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from caseload.csv_import import KNOWN
from cli import app
from deadlines.case import Facts
from deadlines.entered import ENTERED_EVENTS, FACT_PARSERS, build_case, merge_facts
from deadlines.inputs import EVENT_INPUTS, FACT_INPUTS, INPUTS, Input, Kind
from deadlines.rules.model import DERIVED_EVENTS, Channel, Custody, EventKind, OqtfGround

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_event_of_the_domain_is_entered_through_the_catalogue() -> None:
    entered = {k for k in EventKind if k not in DERIVED_EVENTS}
    assert {EventKind(spec.id) for spec in EVENT_INPUTS} == entered
    # In the order of the procedure (the engine's EventKind order).
    assert list(ENTERED_EVENTS) == [k for k in EventKind if k in entered]


def test_every_fact_sets_a_field_of_facts_and_has_its_parser() -> None:
    fields = {f.name for f in dataclasses.fields(Facts)}
    assert {spec.fact for spec in FACT_INPUTS} == fields
    parsed = {spec.id for spec in FACT_INPUTS if spec.kind is not Kind.YES_NO}
    assert set(FACT_PARSERS) == parsed


@pytest.mark.parametrize(
    ("input_id", "enum"),
    [("custody", Custody), ("oqtf-ground", OqtfGround), ("channel", Channel)],
)
def test_choices_are_the_values_of_the_domain(input_id: str, enum: type) -> None:
    spec = next(s for s in INPUTS if s.id == input_id)
    assert spec.choices == tuple(member.value for member in enum)


def _options(*path: str) -> dict[str, Any]:
    """The click parameters of a command (Typer's own vendored click), by name."""
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return {p.name: p for p in command.params}


@pytest.mark.parametrize("path", [("compute",), ("case", "add"), ("case", "set")])
def test_each_case_command_takes_one_option_per_input(path: tuple[str, ...]) -> None:
    options = _options(*path)
    for spec in INPUTS:
        option = options[spec.id.replace("-", "_")]
        assert spec.flag in option.opts
        assert option.help == spec.help.fr
        if spec.kind is Kind.YES_NO:
            assert option.secondary_opts == [f"--no-{spec.id}"]
        else:
            assert option.metavar == spec.metavar
            assert option.multiple is (spec.kind is Kind.DATES)


def test_case_unset_accepts_exactly_the_events() -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["case", "unset", "X", "territory"])
    assert result.exit_code == 2
    assert ", ".join(spec.id for spec in EVENT_INPUTS) in result.stderr


def test_every_input_is_a_csv_column() -> None:
    assert set(KNOWN) == {"ref", "assignee", *(spec.id for spec in INPUTS)}  # assignee: issue 17


def _readme_row(spec: Input) -> str:
    """The row of the README's option table for one input."""
    if spec.kind is Kind.YES_NO:
        option = f"{spec.flag} / --no-{spec.id}"
    else:
        option = f"{spec.flag} {spec.metavar}".replace("|", "\\|")
    meaning = f"`{spec.id}`: {spec.help.en}" if spec.is_event else spec.help.en
    return f"| `{option}` | {meaning} |"


def test_the_readme_lists_every_input_in_the_catalogue_order() -> None:
    text = README.read_text(encoding="utf-8")
    rows = [_readme_row(spec) for spec in INPUTS]
    missing = [row for row in rows if row not in text.splitlines()]
    assert missing == [], "README's option table differs from deadlines/inputs.py"
    positions = [text.index(row) for row in rows]
    assert positions == sorted(positions)


def test_a_yes_no_fact_kept_when_not_given_and_changed_when_given() -> None:
    old = Facts(territory="57", appeal_info=False)
    assert merge_facts(old, {}) == old
    assert merge_facts(old, {"appeal-info": True, "territory": "2a"}) == Facts(territory="2A")


def test_entered_by_id_builds_the_same_case_as_the_catalogue_says() -> None:
    case = build_case(
        {"application-filed": "05/10/2026", "ofii-request": ["16/11/2026", "20/11/2026"]}
    )
    kinds = [e.kind for e in case.events if not e.derived]
    assert kinds == [
        EventKind.APPLICATION_FILED,
        EventKind.OFII_REQUEST,
        EventKind.OFII_REQUEST,
    ]
    assert re.fullmatch(r"\d{2}[AB\d]?", case.facts.territory)
