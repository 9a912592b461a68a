"""Meta-tests: every rule is cited, has a status and golden cases; every message is bilingual."""

from __future__ import annotations

import re
import string

import pytest

from deadlines.messages import MESSAGES, NAMES
from deadlines.rules import all_rules
from deadlines.rules.model import Rule, Status
from tests.golden.loader import load

RULE_CASES, _ = load()


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_every_rule_is_cited_dated_and_has_a_status(rule: Rule) -> None:
    assert rule.basis and all(rule.basis)
    assert isinstance(rule.status, Status)
    assert rule.research
    for variant in rule.variants:
        assert variant.basis
        assert isinstance(variant.status, Status)
        for reading in variant.readings:
            assert reading.label.fr and reading.label.en


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_every_rule_has_golden_cases(rule: Rule) -> None:
    cases = [c for c in RULE_CASES if c.rule == rule.id]
    assert len(cases) >= 3, f"{rule.id} has {len(cases)} golden case(s)"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_every_reading_of_every_rule_is_exercised(rule: Rule) -> None:
    seen = {
        reading_id.split("@")[0].split("+")[0]
        for case in RULE_CASES
        if case.rule == rule.id
        for reading_id in case.expect_readings
    }
    # A row of a regime table prefixes its readings with its id (engine: `new-1-month/franc`).
    expected = {
        f"{v.id}/{reading.id}" if v.id else reading.id
        for v in rule.variants
        for reading in v.readings
    }
    assert expected <= seen, expected - seen


def _placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_exists_in_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = MESSAGES[key]
    assert set(entry) == {"fr", "en"}
    assert _placeholders(entry["fr"]) == _placeholders(entry["en"])


def test_every_name_is_bilingual() -> None:
    for key, entry in NAMES.items():
        assert set(entry) == {"fr", "en"}, key
        assert entry["fr"] and entry["en"], key


def test_every_message_key_used_in_the_code_exists() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sources = [*root.joinpath("deadlines").rglob("*.py"), *root.glob("cli*.py")]
    used = set()
    for path in sources:
        used |= set(
            re.findall(
                r'"((?:date|step|warning|note|coverage|territory|event|channel|'
                r'case|option)\.[a-z-]+)"',
                path.read_text(encoding="utf-8"),
            )
        )
    missing = {k for k in used if k not in MESSAGES and k not in NAMES}
    assert not missing
