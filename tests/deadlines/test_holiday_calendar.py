"""The statutory calendar (spec §5) against the `holidays` package, every territory and year.

`holidays` is a test oracle only. Each known difference is listed with its legal reason; anything
else is a failure.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays as oracle
import pytest
from dateutil.easter import easter

from deadlines.errors import CoverageError
from deadlines.holidays import HolidayCalendar, check_covered, holidays_in
from deadlines.territories import Region, all_territory_codes, territory

SUBDIV = {
    Region.METROPOLE: None,
    Region.SAINT_PIERRE_ET_MIQUELON: "PM",
    Region.ALSACE_MOSELLE: "57",  # the package has 57 and 6AE (67+68) with the same days
    Region.GUADELOUPE: "971",
    Region.MARTINIQUE: "972",
    Region.GUYANE: "973",
    Region.REUNION: "974",
    Region.MAYOTTE: "976",
    Region.SAINT_BARTHELEMY: "BL",
    Region.SAINT_MARTIN: "MF",
}


def _explained(region: Region, day: date) -> str | None:
    """Why a day may be in one calendar and not the other, or None if it may not."""
    year = day.year
    good_friday = easter(year) - timedelta(days=2)
    if day == easter(year) + timedelta(days=50) and year in {2005, 2006, 2007}:
        return (
            "Whit Monday 2005–2007: the package drops it (journée de solidarité); L.3133-1 keeps it"
        )
    if region is Region.GUADELOUPE and day in {
        good_friday,
        easter(year) - timedelta(days=24),
        date(year, 7, 21),
    }:
        return "Guadeloupe customary days (Good Friday, Mi-Carême, 21 July): disputed, spec §5"
    if region in {Region.MARTINIQUE, Region.SAINT_MARTIN} and day == date(year, 7, 21):
        return "21 July (Schœlcher): customary, not in L.3133-1 or L.3422-2: disputed, spec §5"
    if region is Region.ALSACE_MOSELLE and day == good_friday:
        return "Good Friday in Alsace-Moselle: only communes with a temple (L.3134-13): disputed"
    if region is Region.SAINT_MARTIN and day in {date(year, 5, 27), date(year, 5, 28)}:
        return "Saint-Martin: 27 May in L.3422-2, 28 May observed: both disputed, spec §3"
    return None


REGIONS = {territory(code).region: territory(code) for code in all_territory_codes()}


@pytest.mark.parametrize("region", list(REGIONS), ids=lambda r: r.value)
def test_calendar_matches_the_oracle_except_explained_days(region: Region) -> None:
    where = REGIONS[region]
    years = range(where.first_year, where.last_year + 1)
    theirs = set(oracle.country_holidays("FR", subdiv=SUBDIV[region], years=years))
    for year in years:
        ours = holidays_in(where, year)
        statutory = {h.day for h in ours if not h.disputed}
        disputed = {h.day for h in ours if h.disputed}
        their_year = {d for d in theirs if d.year == year}
        for day in statutory ^ their_year:
            if day in disputed:
                continue
            assert _explained(region, day), (region, day, day in statutory)
        for day in disputed:
            assert _explained(region, day), (region, day)
        # A disputed day can coincide with a statutory one (Ascension 2049 is 27 May): the base
        # calendar must then still count it as a holiday.
        base = HolidayCalendar(where)
        for day in statutory & disputed:
            holiday = base.holiday(day)
            assert holiday is not None and not holiday.disputed


def test_every_territory_code_has_a_calendar_and_zone() -> None:
    codes = all_territory_codes()
    assert len(codes) == 94 + 2 + 8
    for code in codes:
        where = territory(code)
        assert holidays_in(where, 2025)
        assert where.time_zone


def test_movable_feasts_of_the_research() -> None:
    # administrative-phase.md Q10.1
    assert [easter(y) for y in (2024, 2025, 2026, 2027)] == [
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2027, 3, 28),
    ]
    national = {h.key: h.day for h in holidays_in(territory("75"), 2025)}
    assert national["easter-monday"] == date(2025, 4, 21)
    assert national["ascension"] == date(2025, 5, 29)
    assert national["whit-monday"] == date(2025, 6, 9)
    moselle = {h.key: h for h in holidays_in(territory("57"), 2026)}
    assert moselle["good-friday"].day == date(2026, 4, 3)
    assert moselle["good-friday"].disputed
    assert not moselle["st-stephen"].disputed


@pytest.mark.parametrize(
    ("code", "day"),
    [
        ("75", date(1999, 12, 31)),
        ("75", date(2051, 1, 1)),
        ("977", date(2011, 6, 1)),
        ("978", date(2011, 6, 1)),
    ],
)
def test_years_without_verified_data_are_errors(code: str, day: date) -> None:
    with pytest.raises(CoverageError):
        check_covered(day, territory(code))
