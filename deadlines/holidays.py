"""The statutory holiday calendar of spec §5, with the disputed days marked.

Why not the `holidays` package: it lists customary days the law does not (Mi-Carême, 21 July) and
costs ~300 ms at start-up (shared/notes/dependencies.md §3). It is used as a test oracle instead.

Sources (spec/research/administrative-phase.md Q10):
- national days: Code du travail L.3133-1 (Whit Monday stays a holiday even where it is worked as
  the « journée de solidarité », so 2005–2007 included);
- Alsace-Moselle: 26 December (SETTLED) and Good Friday (DISPUTED: only in communes with a
  Protestant temple or mixed church, L.3134-13; Rép. min. QE 3529);
- abolition of slavery: Code du travail L.3422-2 (loi n° 2016-1088), décret n° 83-1003 and
  n° 2012-553; Saint-Martin 27 May in the code, 28 May observed since 2018: both DISPUTED
  (spec §3);
- customary days some offices close on, « jour chômé » in CPC 642 (DISPUTED): Guadeloupe Good
  Friday, Mi-Carême, 21 July; Martinique and Saint-Martin 21 July.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, lru_cache

from deadlines.errors import CoverageError
from deadlines.territories import Region, Territory


@dataclass(frozen=True)
class Holiday:
    """A public holiday of a territory: its day, its message key, and whether it is disputed."""

    day: date
    key: str  # message key suffix, e.g. "easter-monday" -> "holiday.easter-monday"
    disputed: bool
    basis: str


def _easter(year: int) -> date:
    from dateutil.easter import easter  # imported here: only counting needs it

    return easter(year)


def _national(year: int) -> list[Holiday]:
    basis = "Code du travail L.3133-1"
    easter = _easter(year)
    return [
        Holiday(date(year, 1, 1), "new-year", False, basis),
        Holiday(easter + timedelta(days=1), "easter-monday", False, basis),
        Holiday(date(year, 5, 1), "may-day", False, basis),
        Holiday(date(year, 5, 8), "victory-1945", False, basis),
        Holiday(easter + timedelta(days=39), "ascension", False, basis),
        Holiday(easter + timedelta(days=50), "whit-monday", False, basis),
        Holiday(date(year, 7, 14), "bastille-day", False, basis),
        Holiday(date(year, 8, 15), "assumption", False, basis),
        Holiday(date(year, 11, 1), "all-saints", False, basis),
        Holiday(date(year, 11, 11), "armistice", False, basis),
        Holiday(date(year, 12, 25), "christmas", False, basis),
    ]


_ABOLITION = "Code du travail L.3422-2; décret n° 83-1003"
_CUSTOMARY = "CPC art. 642 « jour chômé » (usage local, contesté)"


def _regional(region: Region, year: int) -> list[Holiday]:
    easter = _easter(year)
    good_friday = easter - timedelta(days=2)
    match region:
        case Region.ALSACE_MOSELLE:
            return [
                Holiday(date(year, 12, 26), "st-stephen", False, "Code du travail L.3134-13"),
                Holiday(good_friday, "good-friday", True, "Code du travail L.3134-13 (contesté)"),
            ]
        case Region.GUADELOUPE:
            return [
                Holiday(date(year, 5, 27), "abolition", False, _ABOLITION),
                Holiday(good_friday, "good-friday", True, _CUSTOMARY),
                Holiday(easter - timedelta(days=24), "mi-careme", True, _CUSTOMARY),
                Holiday(date(year, 7, 21), "schoelcher", True, _CUSTOMARY),
            ]
        case Region.MARTINIQUE:
            return [
                Holiday(date(year, 5, 22), "abolition", False, _ABOLITION),
                Holiday(date(year, 7, 21), "schoelcher", True, _CUSTOMARY),
            ]
        case Region.GUYANE:
            return [Holiday(date(year, 6, 10), "abolition", False, _ABOLITION)]
        case Region.REUNION:
            return [Holiday(date(year, 12, 20), "abolition", False, _ABOLITION)]
        case Region.MAYOTTE:
            # Mayotte's customary days (Miradji, Idi-el-Fitri…) are usages, not holidays (spec §5).
            return [Holiday(date(year, 4, 27), "abolition", False, _ABOLITION)]
        case Region.SAINT_BARTHELEMY:
            return [Holiday(date(year, 10, 9), "abolition", False, "Code du travail L.3422-2")]
        case Region.SAINT_MARTIN:
            days = [
                # spec §3 lists both 27 and 28 May in Saint-Martin as disputed: the code says 27,
                # the préfecture has observed 28 since 2018 (research Q10.3).
                Holiday(
                    date(year, 5, 27), "abolition", True, "Code du travail L.3422-2 (contesté)"
                ),
                Holiday(date(year, 7, 21), "schoelcher", True, _CUSTOMARY),
            ]
            if year >= 2018:
                days.append(
                    Holiday(
                        date(year, 5, 28),
                        "abolition-observed",
                        True,
                        "circulaires interministérielles (28 mai observé, contesté)",
                    )
                )
            return days
        case Region.METROPOLE | Region.SAINT_PIERRE_ET_MIQUELON:
            return []


def check_covered(day: date, where: Territory) -> None:
    """Refuse a date whose year has no verified holiday data for this territory (spec §5)."""
    if not where.first_year <= day.year <= where.last_year:
        raise CoverageError(
            "coverage.year",
            field="territory",
            day=day,
            territory=where.code,
            first=where.first_year,
            last=where.last_year,
        )


@lru_cache(maxsize=512)
def holidays_in(where: Territory, year: int) -> tuple[Holiday, ...]:
    """Every holiday of the year in this territory, statutory and disputed, sorted by day."""
    check_covered(date(year, 1, 1), where)
    days = _national(year) + _regional(where.region, year)
    return tuple(sorted(days, key=lambda h: (h.day, h.disputed)))


@dataclass(frozen=True)
class HolidayCalendar:
    """A territory's calendar, with or without the disputed days (spec §3, disputed holidays)."""

    territory: Territory
    with_disputed: bool = False

    def holiday(self, day: date) -> Holiday | None:
        by_day = self._by_year.get(day.year)
        if by_day is None:
            by_day = self._by_year[day.year] = self._days_of(day.year)
        return by_day.get(day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday(day) is None

    def _days_of(self, year: int) -> dict[date, Holiday]:
        days: dict[date, Holiday] = {}
        for h in holidays_in(self.territory, year):  # raises for a year without verified data
            if self.with_disputed or not h.disputed:
                # Sorted by (day, disputed): on a day with two holidays (Ascension on 1 May,
                # 2008), the statutory one, else the first listed, names the day.
                days.setdefault(h.day, h)
        return days

    @cached_property
    def _by_year(self) -> dict[int, dict[date, Holiday]]:
        """This calendar's holidays by day, for each year looked at so far: a memo, not a field
        (equality, hashing and repr ignore it). Counting asks about a few days per count."""
        return {}


def has_disputed_days(where: Territory) -> bool:
    return where.region in {
        Region.ALSACE_MOSELLE,
        Region.GUADELOUPE,
        Region.MARTINIQUE,
        Region.SAINT_MARTIN,
    }
