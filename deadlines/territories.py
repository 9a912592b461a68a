"""Territory codes (spec §5): which time zone and which holiday calendar a case uses.

Holidays are those of the place where the act must be done (the préfecture, the OFII office, the
court), given as the French department code or the collectivity code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache

from deadlines.errors import InputError


class Region(StrEnum):
    """The holiday calendars that differ from the national one."""

    METROPOLE = "metropole"
    ALSACE_MOSELLE = "alsace-moselle"
    GUADELOUPE = "guadeloupe"
    MARTINIQUE = "martinique"
    GUYANE = "guyane"
    REUNION = "reunion"
    SAINT_PIERRE_ET_MIQUELON = "saint-pierre-et-miquelon"
    MAYOTTE = "mayotte"
    SAINT_BARTHELEMY = "saint-barthelemy"
    SAINT_MARTIN = "saint-martin"


@dataclass(frozen=True)
class Territory:
    """A French territory: its code, the region that sets its holidays, its time zone, its years."""

    code: str
    region: Region
    time_zone: str
    # Years for which the holiday data is verified (inclusive). Saint-Barthélemy and Saint-Martin
    # got their own abolition day by décret n° 2012-553 (23 April 2012); before that the tool has
    # no verified calendar for them.
    first_year: int = 2000
    last_year: int = 2050


_OVERSEAS: dict[str, Territory] = {
    "971": Territory("971", Region.GUADELOUPE, "America/Guadeloupe"),
    "972": Territory("972", Region.MARTINIQUE, "America/Martinique"),
    "973": Territory("973", Region.GUYANE, "America/Cayenne"),
    "974": Territory("974", Region.REUNION, "Indian/Reunion"),
    "975": Territory("975", Region.SAINT_PIERRE_ET_MIQUELON, "America/Miquelon"),
    "976": Territory("976", Region.MAYOTTE, "Indian/Mayotte"),
    "977": Territory("977", Region.SAINT_BARTHELEMY, "America/St_Barthelemy", first_year=2012),
    "978": Territory("978", Region.SAINT_MARTIN, "America/Marigot", first_year=2012),
}

# Code du travail L.3134-13: Bas-Rhin, Haut-Rhin, Moselle.
_ALSACE_MOSELLE = frozenset({"57", "67", "68"})

DEFAULT_TERRITORY = "75"


@lru_cache(maxsize=512)
def territory(code: str) -> Territory:
    """The territory for a department or collectivity code; InputError for anything else.

    Memoised (a Territory is frozen): every case asks for its own, every rule of it again. An
    error is not memoised, so each bad code raises its own. Bounded, because a code is user
    input and may come spelt in many ways ("2a", " 75").
    """
    code = code.strip().upper()
    if code in _OVERSEAS:
        return _OVERSEAS[code]
    if code in {"2A", "2B"}:
        return Territory(code, Region.METROPOLE, "Europe/Paris")
    if len(code) == 2 and code.isdigit() and 1 <= int(code) <= 95 and code != "20":
        region = Region.ALSACE_MOSELLE if code in _ALSACE_MOSELLE else Region.METROPOLE
        return Territory(code, region, "Europe/Paris")
    if code == "20":
        raise InputError("territory.corsica", field="territory", value=code)
    raise InputError("territory.unknown", field="territory", value=code)


def all_territory_codes() -> tuple[str, ...]:
    metro = [f"{n:02d}" for n in range(1, 96) if n != 20]
    return (*metro, "2A", "2B", *_OVERSEAS)


@cache
def same_calendar(code: str) -> str:
    """The first code whose holidays, time zone and verified years are those of `code`.

    Counting depends on nothing else, so results computed for one such territory hold for all
    of them (the engine's caches are keyed by it: 96 metropolitan departments share one).
    """
    where = territory(code)
    key = (where.region, where.time_zone, where.first_year, where.last_year)
    for other in all_territory_codes():
        candidate = territory(other)
        if (
            candidate.region,
            candidate.time_zone,
            candidate.first_year,
            candidate.last_year,
        ) == key:
            return candidate.code
    return where.code
