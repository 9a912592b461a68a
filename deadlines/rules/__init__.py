"""The rule catalogue as typed data, validated when first loaded."""

from __future__ import annotations

from functools import cache

from deadlines.rules.model import DERIVED_EVENTS, Rule


class CatalogueError(Exception):
    """The catalogue itself is inconsistent: a programming error, never user input."""


def validate(rules: tuple[Rule, ...]) -> None:
    """Check what the types cannot: unique ids, readings, order of derived events, validity."""
    seen: set[str] = set()
    produced_so_far: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise CatalogueError(f"duplicate rule id {rule.id}")
        seen.add(rule.id)
        if not rule.basis or not rule.variants or not rule.triggers:
            raise CatalogueError(f"{rule.id}: basis, variants and triggers are required")
        if rule.valid_until is not None and rule.valid_until < rule.valid_from:
            raise CatalogueError(f"{rule.id}: valid_until before valid_from")
        reading_ids: set[str] = set()
        for variant in rule.variants:
            if not variant.readings or not variant.basis:
                raise CatalogueError(f"{rule.id}: a variant needs readings and a basis")
            for reading in variant.readings:
                # Readings of different variants can be shown side by side when a fact is
                # unknown (spec §3), so their ids must differ across variants too — unless the
                # variants can never apply together (they differ on a known fact).
                key = f"{variant.when}:{reading.id}"
                if key in reading_ids:
                    raise CatalogueError(f"{rule.id}: duplicate reading {reading.id}")
                reading_ids.add(key)
        for trigger in rule.triggers:
            if trigger in DERIVED_EVENTS and trigger.value not in produced_so_far:
                raise CatalogueError(f"{rule.id}: triggered by {trigger} before it is produced")
        if rule.produces is not None:
            produced_so_far.add(rule.produces.value)


@cache
def all_rules() -> tuple[Rule, ...]:
    from deadlines.rules.catalogue import CATALOGUE

    validate(CATALOGUE)
    return CATALOGUE


@cache
def _by_id() -> dict[str, Rule]:
    return {rule.id: rule for rule in all_rules()}


def rule_by_id(rule_id: str) -> Rule | None:
    return _by_id().get(rule_id)
