"""Hour-based periods (spec §2.7) against court-appeals.md §11 and DST properties.

The engine does not use them yet (oqtf-appeal is issue 3); this tests the primitive.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deadlines.explain import is_consistent_chain
from deadlines.instants import HourReading, count_hours, localize
from deadlines.messages import render_step

PARIS = ZoneInfo("Europe/Paris")
ELAPSED, WALL = HourReading.ELAPSED, HourReading.WALL_CLOCK


def at(y: int, m: int, d: int, h: int, mi: int = 0, zone: ZoneInfo = PARIS) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=zone)


@pytest.mark.parametrize(
    ("source", "start", "elapsed", "wall"),
    [
        # A1 CE 10 févr. 2006 Oprea n° 273484: Fri 17 Sep 2004 16:00 → Sun 19 Sep 16:00
        ("A1 Oprea", at(2004, 9, 17, 16), at(2004, 9, 19, 16), at(2004, 9, 19, 16)),
        # A2 CAA Toulouse 19 janv. 2023 n° 21TL04825: Mon 23 Jan 10:15 → Wed 25 Jan 10:15
        ("A2 21TL04825", at(2023, 1, 23, 10, 15), at(2023, 1, 25, 10, 15), at(2023, 1, 25, 10, 15)),
        # C6 spring DST: Sat 30 Mar 2024 10:00 → safe Mon 1 Apr 10:00, elapsed 11:00
        ("C6 spring", at(2024, 3, 30, 10), at(2024, 4, 1, 11), at(2024, 4, 1, 10)),
        # C7 autumn DST: Fri 25 Oct 2024 18:00 → safe Sun 27 Oct 17:00, wall-clock 18:00
        ("C7 autumn", at(2024, 10, 25, 18), at(2024, 10, 27, 17), at(2024, 10, 27, 18)),
    ],
)
def test_research_examples(source: str, start: datetime, elapsed: datetime, wall: datetime) -> None:
    got_elapsed = count_hours(start, 48, ELAPSED, PARIS).due
    got_wall = count_hours(start, 48, WALL, PARIS).due
    assert (got_elapsed, got_elapsed.utcoffset()) == (elapsed, elapsed.utcoffset()), source
    assert (got_wall, got_wall.utcoffset()) == (wall, wall.utcoffset()), source
    assert min(got_elapsed, got_wall) == min(elapsed, wall)


def test_offsets_are_written_in_iso_form() -> None:
    due = count_hours(at(2024, 3, 30, 10), 48, WALL, PARIS).due
    assert due.isoformat() == "2024-04-01T10:00:00+02:00"


def test_nonexistent_wall_time_moves_to_the_first_valid_minute() -> None:
    # 31 Mar 2024 02:30 does not exist in Paris (02:00 → 03:00).
    instant, oddity = localize(datetime(2024, 3, 31, 2, 30), PARIS)
    assert oddity == "nonexistent"
    assert instant.isoformat() == "2024-03-31T03:00:00+02:00"
    counted = count_hours(at(2024, 3, 29, 2, 30), 48, WALL, PARIS)
    assert counted.due.isoformat() == "2024-03-31T03:00:00+02:00"
    assert [s.message for s in counted.steps].count("step.dst-nonexistent") == 1


def test_ambiguous_wall_time_takes_the_earlier_instant() -> None:
    instant, oddity = localize(datetime(2024, 10, 27, 2, 30), PARIS)
    assert oddity == "ambiguous"
    assert instant.isoformat() == "2024-10-27T02:30:00+02:00"


def test_overseas_zones_have_no_dst() -> None:
    cayenne = ZoneInfo("America/Cayenne")
    start = at(2024, 3, 30, 10, zone=cayenne)
    assert count_hours(start, 48, ELAPSED, cayenne).due == count_hours(start, 48, WALL, cayenne).due


def test_steps_render_with_time_and_offset() -> None:
    counted = count_hours(at(2024, 3, 30, 10), 48, ELAPSED, PARIS)
    text = render_step(counted.steps[1], "fr")
    assert text == (
        "+ 48 heures de temps écoulé, d'heure à heure : lundi 1er avril 2024 à 11 h 00 (UTC+02:00)."
    )


ZONES = st.sampled_from(
    [ZoneInfo(z) for z in ("Europe/Paris", "America/Miquelon", "Indian/Reunion", "America/Marigot")]
)
INSTANTS = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2049, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC)
)


@settings(max_examples=400, deadline=None)
@given(INSTANTS, ZONES, st.sampled_from([24, 48, 72]))
def test_elapsed_is_exact_and_wall_clock_keeps_the_local_time(
    start_utc: datetime, zone: ZoneInfo, hours: int
) -> None:
    start = start_utc.astimezone(zone)
    elapsed = count_hours(start, hours, ELAPSED, zone)
    wall = count_hours(start, hours, WALL, zone)
    # In UTC: Python subtracts two datetimes of the same zone by wall time, not real time.
    assert elapsed.due.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=hours)
    local_target = start.replace(tzinfo=None) + timedelta(hours=hours)
    if wall.due.replace(tzinfo=None) != local_target:
        # only a spring gap can move it, forward and by less than the gap
        assert timedelta(0) < wall.due.replace(tzinfo=None) - local_target <= timedelta(hours=2)
    assert abs(wall.due.astimezone(UTC) - elapsed.due.astimezone(UTC)) <= timedelta(hours=2)
    for counted in (elapsed, wall):
        assert is_consistent_chain(counted.steps, start, counted.due)
