"""The statutory calendar (spec §5) against two independent oracles, every territory and year.

Oracles (test-only dependencies, never imported by the tool):
- `holidays` (vacanza): `country_holidays("FR", subdiv=..., years=..., language="fr")`;
- `jours_feries_france`: `JoursFeries.for_year(year, zone)`.

Each day of a year is classified on our side as *statutory* (some non-disputed Holiday falls on it),
*disputed* (only disputed Holidays fall on it) or *absent*, and on the oracle's side as listed or
not. Agreement is (statutory, listed). Anything else fails unless an entry of the oracle's
KNOWN-DIFFERENCES table names that territory, year and date with exactly that observed pair; and
every disputed Holiday of ours must be named by such an entry (with its key), whether or not the
oracle disagrees. An entry that never shows up, or shows up hidden by a statutory day falling on
the same date without being listed in COINCIDENCES, also fails: the table cannot go stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Literal

import holidays
import pytest
from dateutil.easter import easter
from jours_feries_france import JoursFeries  # type: ignore[import-untyped]

from deadlines.errors import CoverageError
from deadlines.holidays import HolidayCalendar, check_covered, holidays_in
from deadlines.territories import Region, all_territory_codes, territory

ALL_CODES = frozenset(all_territory_codes())
ALSACE_MOSELLE = frozenset({"57", "67", "68"})
COVERED = range(2000, 2051)  # spec §5: the verified years (977/978 from 2012, below)
SAINT_MARTIN_YEARS = range(2012, 2051)  # décret n° 2012-553 gave 977/978 their own day


def _subdiv(code: str) -> str | None:
    """The `holidays` subdivision for a territory code (metropolitan departments: none)."""
    overseas = {
        "971": "971",
        "972": "972",
        "973": "973",
        "974": "974",
        "975": "PM",
        "976": "976",
        "977": "BL",
        "978": "MF",
    }
    if code in overseas:
        return overseas[code]
    if code == "57":
        return "57"
    if code in {"67", "68"}:
        return "6AE"
    return None


# jours_feries_france has one zone per calendar, no department codes.
JFF_ZONE: dict[Region, str] = {
    Region.METROPOLE: "Métropole",
    Region.ALSACE_MOSELLE: "Alsace-Moselle",
    Region.GUADELOUPE: "Guadeloupe",
    Region.MARTINIQUE: "Martinique",
    Region.GUYANE: "Guyane",
    Region.REUNION: "La Réunion",
    Region.SAINT_PIERRE_ET_MIQUELON: "Saint-Pierre-et-Miquelon",
    Region.MAYOTTE: "Mayotte",
    Region.SAINT_BARTHELEMY: "Saint-Barthélémy",
    Region.SAINT_MARTIN: "Saint-Martin",
}


# --- date rules ----------------------------------------------------------------------------


def _good_friday(year: int) -> date:
    return easter(year) - timedelta(days=2)


def _mi_careme(year: int) -> date:
    return easter(year) - timedelta(days=24)


def _whit_monday(year: int) -> date:
    return easter(year) + timedelta(days=50)


def _fixed(month: int, day: int) -> Callable[[int], date]:
    return lambda year: date(year, month, day)


# --- the known-differences tables ----------------------------------------------------------

Presence = Literal["statutory", "disputed", "absent"]


@dataclass(frozen=True)
class KnownDifference:
    codes: frozenset[str]
    years: range
    rule: str  # the date rule, in words
    day: Callable[[int], date] = field(repr=False)
    key: str  # our Holiday key on that day ("" when our calendar has none)
    ours: Presence  # how our calendar has the day
    theirs: bool  # whether the oracle lists the day
    why: str  # the legal reason, with its source

    def applies(self, code: str, year: int) -> bool:
        return code in self.codes and year in self.years


WHY_CUSTOMARY = (
    "customary day some offices close on (« jour chômé », CPC 642), in neither L.3133-1 nor "
    "L.3422-2: disputed, counted only with all disputed holidays (spec §5; AP Q10.3)"
)
WHY_GOOD_FRIDAY_AM = (
    "L.3134-13: Good Friday is a holiday only in communes with a Protestant temple or mixed "
    "church (Rép. min. QE 3529): disputed for deadlines (spec §5; AP Q10.2)"
)
WHY_SAINT_MARTIN_27 = (
    "L.3422-2 3° says 27 May for Saint-Martin, but 28 May is observed since 2018: spec §3 lists "
    "both as disputed (AP Q10.3)"
)
WHY_SAINT_MARTIN_28 = (
    "28 May observed in Saint-Martin since 2018 (interministerial circulars), not the code's "
    "date: disputed (spec §3; AP Q10.3)"
)

# Guadeloupe, Martinique and Saint-Martin customary days, as our calendar has them (disputed);
# `theirs` is filled in per oracle.
_CUSTOMARY = (
    (frozenset({"971"}), COVERED, "Easter − 2 days (Good Friday)", _good_friday, "good-friday"),
    (frozenset({"971"}), COVERED, "Easter − 24 days (Mi-Carême)", _mi_careme, "mi-careme"),
    (frozenset({"971", "972"}), COVERED, "21 July (Schœlcher)", _fixed(7, 21), "schoelcher"),
    (frozenset({"978"}), SAINT_MARTIN_YEARS, "21 July (Schœlcher)", _fixed(7, 21), "schoelcher"),
)

# Both oracles list Good Friday in Alsace-Moselle as a holiday; ours marks it disputed.
GOOD_FRIDAY_ALSACE_MOSELLE = KnownDifference(
    ALSACE_MOSELLE,
    COVERED,
    "Easter − 2 days (Good Friday)",
    _good_friday,
    "good-friday",
    "disputed",
    True,
    WHY_GOOD_FRIDAY_AM,
)

HOLIDAYS_PACKAGE_DIFFERENCES: tuple[KnownDifference, ...] = (
    KnownDifference(
        ALL_CODES,
        range(2005, 2008),
        "Easter + 50 days (Whit Monday)",
        _whit_monday,
        "whit-monday",
        "statutory",
        False,
        "the package drops Whit Monday 2005–2007 (journée de solidarité, loi 2004-626); "
        "L.3133-1 keeps it a jour férié even where it is worked (spec §5; AP Q10.1)",
    ),
    GOOD_FRIDAY_ALSACE_MOSELLE,
    *(
        KnownDifference(codes, years, rule, day, key, "disputed", True, WHY_CUSTOMARY)
        for codes, years, rule, day, key in _CUSTOMARY
    ),
    KnownDifference(
        frozenset({"978"}),
        SAINT_MARTIN_YEARS,
        "27 May (abolition, L.3422-2)",
        _fixed(5, 27),
        "abolition",
        "disputed",
        False,
        WHY_SAINT_MARTIN_27 + "; the package has only 28 May",
    ),
    KnownDifference(
        frozenset({"978"}),
        range(2018, 2051),
        "28 May (abolition, observed)",
        _fixed(5, 28),
        "abolition-observed",
        "disputed",
        True,
        WHY_SAINT_MARTIN_28,
    ),
    KnownDifference(
        frozenset({"978"}),
        range(2012, 2018),
        "28 May (abolition, observed)",
        _fixed(5, 28),
        "",
        "absent",
        True,
        "the package puts 28 May from 2012, but décret n° 2012-553 and L.3422-2 set 27 May and "
        "28 May is observed only since 2018 (AP Q10.3): no 28 May before 2018",
    ),
)

JOURS_FERIES_DIFFERENCES: tuple[KnownDifference, ...] = (
    # Metropole: none (the package keeps Whit Monday in 2005–2007, as L.3133-1 does).
    GOOD_FRIDAY_ALSACE_MOSELLE,
    *(
        KnownDifference(codes, years, rule, day, key, "disputed", False, WHY_CUSTOMARY)
        for codes, years, rule, day, key in _CUSTOMARY
    ),
    KnownDifference(
        frozenset({"978"}),
        range(2012, 2018),
        "27 May (abolition, L.3422-2)",
        _fixed(5, 27),
        "abolition",
        "disputed",
        True,
        WHY_SAINT_MARTIN_27 + "; the package has 27 May until 2017",
    ),
    KnownDifference(
        frozenset({"978"}),
        range(2018, 2051),
        "27 May (abolition, L.3422-2)",
        _fixed(5, 27),
        "abolition",
        "disputed",
        False,
        WHY_SAINT_MARTIN_27 + "; the package switches to 28 May in 2018",
    ),
    KnownDifference(
        frozenset({"978"}),
        range(2018, 2051),
        "28 May (abolition, observed)",
        _fixed(5, 28),
        "abolition-observed",
        "disputed",
        True,
        WHY_SAINT_MARTIN_28,
    ),
)

# A known difference hidden because a statutory holiday of both calendars falls on the same day.
COINCIDENCES: dict[str, frozenset[tuple[str, date]]] = {
    "holidays": frozenset(
        {
            ("978", date(2049, 5, 27)),  # Ascension 2049 (Easter 18 Apr)
            ("978", date(2012, 5, 28)),  # Whit Monday 2012 (Easter 8 Apr)
        }
    ),
    "jours_feries_france": frozenset({("978", date(2049, 5, 27))}),  # Ascension 2049
}


# --- the oracles -----------------------------------------------------------------------------


@cache
def _package_days(subdiv: str | None, first: int, last: int) -> frozenset[date]:
    years = range(first, last + 1)
    return frozenset(holidays.country_holidays("FR", subdiv=subdiv, years=years, language="fr"))


def _package_year(code: str, year: int) -> frozenset[date]:
    where = territory(code)
    days = _package_days(_subdiv(code), where.first_year, where.last_year)
    return frozenset(d for d in days if d.year == year)


def _jff_year(code: str, year: int) -> frozenset[date]:
    return frozenset(JoursFeries.for_year(year, JFF_ZONE[territory(code).region]).values())


ORACLES: dict[str, tuple[Callable[[str, int], frozenset[date]], tuple[KnownDifference, ...]]] = {
    "holidays": (_package_year, HOLIDAYS_PACKAGE_DIFFERENCES),
    "jours_feries_france": (_jff_year, JOURS_FERIES_DIFFERENCES),
}


# --- the comparison --------------------------------------------------------------------------


@dataclass
class Sweep:
    pairs: set[tuple[str, int]] = field(default_factory=set)
    problems: dict[str, list[str]] = field(default_factory=dict)
    # (entry index, code) -> years where the entry showed up exactly as described
    seen: dict[tuple[int, str], set[int]] = field(default_factory=dict)
    hidden: set[tuple[str, date]] = field(default_factory=set)


def _compare_year(
    code: str,
    year: int,
    theirs: frozenset[date],
    table: tuple[KnownDifference, ...],
    sweep: Sweep,
) -> None:
    ours = holidays_in(territory(code), year)
    statutory = {h.day for h in ours if not h.disputed}
    disputed = {h.day for h in ours if h.disputed}
    problems = sweep.problems.setdefault(code, [])

    def presence(day: date) -> Presence:
        if day in statutory:
            return "statutory"
        return "disputed" if day in disputed else "absent"

    expected: dict[date, tuple[int, KnownDifference]] = {}
    for index, entry in enumerate(table):
        if entry.applies(code, year):
            day = entry.day(year)
            if day in expected:
                problems.append(f"{day}: two known differences on the same day")
            expected[day] = (index, entry)

    for day in sorted(statutory | disputed | theirs | expected.keys()):
        observed = (presence(day), day in theirs)
        if day not in expected:
            if observed != ("statutory", True):
                listed = "lists" if observed[1] else "does not list"
                problems.append(
                    f"{day}: ours {observed[0]}, the oracle {listed} it: not a known difference"
                )
            continue
        index, entry = expected[day]
        if observed == (entry.ours, entry.theirs):
            sweep.seen.setdefault((index, code), set()).add(year)
        elif (
            observed == ("statutory", True)
            and entry.ours != "statutory"
            and entry.key not in {h.key for h in ours if h.day == day and not h.disputed}
        ):
            # Another statutory holiday falls on the day: checked against COINCIDENCES.
            sweep.hidden.add((code, day))
        else:
            problems.append(
                f"{day} ({entry.rule}): observed {observed}, table says "
                f"{(entry.ours, entry.theirs)}"
            )
        if entry.key:
            wanted = (entry.key, entry.ours == "disputed")
            if wanted not in {(h.key, h.disputed) for h in ours if h.day == day}:
                problems.append(f"{day}: our calendar lacks {entry.key} (disputed={wanted[1]})")

    # Every disputed day of ours must be a listed dispute, even where the oracle agrees.
    for holiday in ours:
        if holiday.disputed:
            match = expected.get(holiday.day)
            if match is None or match[1].ours != "disputed" or match[1].key != holiday.key:
                problems.append(f"{holiday.day}: disputed {holiday.key} not in the table")


@cache
def _sweep(oracle: str) -> Sweep:
    oracle_year, table = ORACLES[oracle]
    sweep = Sweep()
    for code in sorted(ALL_CODES):
        where = territory(code)
        for year in range(where.first_year, where.last_year + 1):
            sweep.pairs.add((code, year))
            _compare_year(code, year, oracle_year(code, year), table, sweep)
    return sweep


def _report(problems: Iterable[str]) -> str:
    lines = list(problems)
    return "\n".join(lines[:40]) + (f"\n… {len(lines) - 40} more" if len(lines) > 40 else "")


# --- tests -----------------------------------------------------------------------------------


def test_the_subdivision_map_matches_our_regions() -> None:
    assert len(ALL_CODES) == 104  # 94 numbered departments (no 20), 2A, 2B, 8 overseas codes
    valid = set(holidays.country_holidays("FR").subdivisions)
    for code in ALL_CODES:
        subdiv = _subdiv(code)
        region = territory(code).region
        assert subdiv is None or subdiv in valid, code
        assert (subdiv is None) == (region is Region.METROPOLE), code
        assert (subdiv in {"57", "6AE"}) == (region is Region.ALSACE_MOSELLE), code


@pytest.mark.parametrize("oracle", sorted(ORACLES))
def test_every_supported_territory_and_year_is_compared(oracle: str) -> None:
    expected = {
        (code, year)
        for code in ALL_CODES
        for year in range(territory(code).first_year, territory(code).last_year + 1)
    }
    assert _sweep(oracle).pairs == expected
    assert len(expected) == 102 * 51 + 2 * 39  # 5280: 977 and 978 start in 2012


@pytest.mark.parametrize("code", sorted(ALL_CODES))
def test_calendar_matches_the_holidays_package(code: str) -> None:
    problems = _sweep("holidays").problems.get(code, [])
    assert not problems, f"territory {code}:\n{_report(problems)}"


@pytest.mark.parametrize("code", sorted(ALL_CODES))
def test_calendar_matches_jours_feries_france(code: str) -> None:
    problems = _sweep("jours_feries_france").problems.get(code, [])
    assert not problems, f"territory {code}:\n{_report(problems)}"


def test_national_calendar_is_exactly_jours_feries_france_metropole() -> None:
    # No known difference at all: both follow L.3133-1, Whit Monday 2005–2007 included.
    metropole = territory("75")
    for year in range(2000, 2051):
        ours = {h.day for h in holidays_in(metropole, year)}
        assert all(not h.disputed for h in holidays_in(metropole, year))
        assert ours == set(JoursFeries.for_year(year).values()), year


@pytest.mark.parametrize("oracle", sorted(ORACLES))
def test_every_known_difference_shows_up(oracle: str) -> None:
    """No stale entry: each one is observed, as described, for each of its territories."""
    _, table = ORACLES[oracle]
    seen = _sweep(oracle).seen
    missing = []
    for index, entry in enumerate(table):
        assert entry.codes <= ALL_CODES, entry.rule
        assert entry.why and entry.rule
        assert (entry.ours, entry.theirs) != ("statutory", True), "not a difference"
        assert (entry.ours, entry.theirs) != ("absent", False), "not a difference"
        for code in entry.codes:
            where = territory(code)
            coverage = range(where.first_year, where.last_year + 1)
            if set(entry.years) & set(coverage) and not seen.get((index, code)):
                missing.append(f"{entry.rule} in {code}")
    assert not missing, _report(missing)


@pytest.mark.parametrize("oracle", sorted(ORACLES))
def test_hidden_known_differences_are_the_listed_coincidences(oracle: str) -> None:
    hidden = _sweep(oracle).hidden
    assert hidden == COINCIDENCES[oracle]
    for code, day in hidden:
        # The base calendar must still see the statutory holiday under the disputed one.
        holiday = HolidayCalendar(territory(code)).holiday(day)
        assert holiday is not None and not holiday.disputed


def test_customary_days_are_in_our_calendar_but_disputed() -> None:
    for code, keys in {
        "971": {"good-friday", "mi-careme", "schoelcher"},
        "972": {"schoelcher"},
        "978": {"schoelcher", "abolition", "abolition-observed"},
        "57": {"good-friday"},
    }.items():
        found = {h.key: h for h in holidays_in(territory(code), 2025)}
        for key in keys:
            assert found[key].disputed, (code, key)
            assert HolidayCalendar(territory(code)).holiday(found[key].day) is None
            assert HolidayCalendar(territory(code), with_disputed=True).holiday(found[key].day)


# --- coverage and movable feasts ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "day"),
    [
        ("75", date(1999, 12, 31)),
        ("75", date(2051, 1, 1)),
        ("971", date(1999, 6, 1)),
        ("971", date(2051, 6, 1)),
        ("977", date(2011, 12, 31)),
        ("978", date(2011, 6, 1)),
        ("978", date(2051, 1, 1)),
    ],
)
def test_years_without_verified_data_are_refused(code: str, day: date) -> None:
    with pytest.raises(CoverageError):
        check_covered(day, territory(code))
    with pytest.raises(CoverageError):
        holidays_in(territory(code), day.year)


def test_the_edges_of_the_verified_years_are_accepted() -> None:
    for code in ALL_CODES:
        where = territory(code)
        check_covered(date(where.first_year, 1, 1), where)
        check_covered(date(where.last_year, 12, 31), where)
        assert where.last_year == 2050
        assert where.first_year == (2012 if code in {"977", "978"} else 2000)


# administrative-phase.md Q10.1
RESEARCH_EASTER = {
    2024: date(2024, 3, 31),
    2025: date(2025, 4, 20),
    2026: date(2026, 4, 5),
    2027: date(2027, 3, 28),
}


@pytest.mark.parametrize("year", sorted(RESEARCH_EASTER))
def test_easter_based_days_follow_the_research(year: int) -> None:
    sunday = RESEARCH_EASTER[year]
    assert JoursFeries.paques(year) == sunday  # the oracle's own Easter algorithm
    national = {h.key: h.day for h in holidays_in(territory("75"), year)}
    assert national["easter-monday"] == sunday + timedelta(days=1)
    assert national["ascension"] == sunday + timedelta(days=39)
    assert national["whit-monday"] == sunday + timedelta(days=50)
    for code in ("57", "67", "68", "971"):
        regional = {h.key: h for h in holidays_in(territory(code), year)}
        assert regional["good-friday"].day == sunday - timedelta(days=2)
        assert regional["good-friday"].disputed
    guadeloupe = {h.key: h.day for h in holidays_in(territory("971"), year)}
    assert guadeloupe["mi-careme"] == sunday - timedelta(days=24)


@pytest.mark.parametrize(
    ("year", "good_friday", "easter_monday", "ascension", "whit_monday"),
    [
        (2025, date(2025, 4, 18), date(2025, 4, 21), date(2025, 5, 29), date(2025, 6, 9)),
        (2026, date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)),
    ],
)
def test_movable_feasts_listed_in_the_research(
    year: int, good_friday: date, easter_monday: date, ascension: date, whit_monday: date
) -> None:
    moselle = {h.key: h.day for h in holidays_in(territory("57"), year)}
    assert moselle["good-friday"] == good_friday
    assert moselle["easter-monday"] == easter_monday
    assert moselle["ascension"] == ascension
    assert moselle["whit-monday"] == whit_monday
