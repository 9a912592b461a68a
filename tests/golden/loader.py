"""Reads the golden cases of this folder (format: FORMAT.md)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


@dataclass(frozen=True)
class RuleCase:
    id: str
    source: str
    public: bool
    rule: str
    territory: str
    events: dict[str, list[date]]  # a datetime (naive, local) for a timed event
    facts: dict[str, Any]
    trigger: tuple[str, date] | None  # a datetime for a timed event
    trigger_index: int
    # An aware datetime for an hour deadline (its exact end); None only with expect_state
    # "suspended" (a suspended deadline has no date).
    expect_due: date | None
    expect_latest: date | None
    expect_readings: dict[str, date] = field(default_factory=dict)
    expect_warnings: tuple[str, ...] = ()
    # Wave 2 (FORMAT.md): the deadline's state, the events that moved it (None: not checked;
    # empty: nothing may have moved it) and its status.
    expect_state: str | None = None
    expect_moved_by: tuple[str, ...] | None = None
    expect_status: str | None = None


@dataclass(frozen=True)
class CountingCase:
    id: str
    source: str
    public: bool
    trigger: date
    years: int
    months: int
    days: int
    method: str
    territory: str
    expect: date


def _day(text: str) -> date:
    """An ISO date, or an ISO date-time (with an offset for expected instants)."""
    if "T" in text:
        return datetime.fromisoformat(text)
    return date.fromisoformat(text)


SUSPENDED = "suspended"


def _expectations(raw: dict[str, Any]) -> tuple[date | None, date | None]:
    """expect_due and expect_latest: both required, except for a suspended deadline (neither)."""
    where = f"rule_case {raw.get('id')!r}"
    if raw.get("expect_state") == SUSPENDED:
        if "expect_due" in raw or "expect_latest" in raw or "expect_readings" in raw:
            raise ValueError(f"{where}: a suspended deadline has no expect_due/latest/readings")
        return None, None
    if "expect_due" not in raw or "expect_latest" not in raw:
        raise ValueError(f"{where}: expect_due and expect_latest are required")
    return _day(raw["expect_due"]), _day(raw["expect_latest"])


def load() -> tuple[list[RuleCase], list[CountingCase]]:
    rule_cases: list[RuleCase] = []
    counting_cases: list[CountingCase] = []
    for path in sorted(HERE.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for raw in data.get("rule_case", []):
            events = {
                kind: [_day(v) for v in (value if isinstance(value, list) else [value])]
                for kind, value in raw.get("events", {}).items()
            }
            trigger = raw.get("trigger")
            expect_due, expect_latest = _expectations(raw)
            moved_by = raw.get("expect_moved_by")
            rule_cases.append(
                RuleCase(
                    id=raw["id"],
                    source=raw["source"],
                    public=raw.get("public", False),
                    rule=raw["rule"],
                    territory=raw.get("territory", "75"),
                    events=events,
                    facts=raw.get("facts", {}),
                    trigger=(trigger["event"], _day(trigger["at"])) if trigger else None,
                    trigger_index=raw.get("trigger_index", 0),
                    expect_due=expect_due,
                    expect_latest=expect_latest,
                    expect_readings={k: _day(v) for k, v in raw.get("expect_readings", {}).items()},
                    expect_warnings=tuple(raw.get("expect_warnings", ())),
                    expect_state=raw.get("expect_state"),
                    expect_moved_by=tuple(moved_by) if moved_by is not None else None,
                    expect_status=raw.get("expect_status"),
                )
            )
        for raw in data.get("counting_case", []):
            counting_cases.append(
                CountingCase(
                    id=raw["id"],
                    source=raw["source"],
                    public=raw.get("public", False),
                    trigger=_day(raw["trigger"]),
                    years=raw.get("years", 0),
                    months=raw.get("months", 0),
                    days=raw.get("days", 0),
                    method=raw["method"],
                    territory=raw.get("territory", "75"),
                    expect=_day(raw["expect"]),
                )
            )
    return rule_cases, counting_cases
