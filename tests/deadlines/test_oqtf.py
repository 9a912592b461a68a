"""The OQTF rules (rules.md "oqtf-appeal by regime", `voluntary-departure`): regime choice,
the notes and warnings the spec requires, bad input, and properties of the hour deadlines.

The worked examples of court-appeals.md are golden cases (tests/golden/oqtf.toml).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from deadlines.case import Facts, make_case
from deadlines.engine import REGIME_SWITCH, Computation, Deadline, State, compute
from deadlines.entered import build_case
from deadlines.errors import InputError
from deadlines.results import Message
from deadlines.rules.model import Custody, EventKind, OqtfGround, Status

K = EventKind


def _oqtf(
    notified: date,
    *,
    departure: bool = True,
    custody: Custody = Custody.NONE,
    decided: date | None = None,
    ground: OqtfGround = OqtfGround.REFUSAL,
    territory: str = "75",
    others: tuple[tuple[EventKind, date], ...] = (),
    appeal_info: bool = True,
) -> Computation:
    facts = Facts(
        territory=territory,
        appeal_info=appeal_info,
        oqtf_decided=decided,
        departure_period=departure,
        custody=custody,
        ground=ground,
    )
    return compute(make_case([(K.OQTF_NOTIFIED, notified), *others], facts), date(2026, 1, 1))


def _rule(result: Computation, rule_id: str) -> Deadline:
    (deadline,) = [d for d in result.deadlines if d.rule.id == rule_id]
    return deadline


def _keys(notes: tuple[object, ...]) -> set[str]:
    return {n.key for n in notes if isinstance(n, Message)}


# --- regime choice ------------------------------------------------------------------------------


def test_the_decision_date_picks_the_regime_not_the_notification() -> None:
    old = _rule(_oqtf(date(2024, 7, 19), decided=date(2024, 7, 10)), "oqtf-appeal")
    new = _rule(_oqtf(date(2024, 7, 19), decided=date(2024, 7, 16)), "oqtf-appeal")
    assert "CESEDA L.614-4" in old.evaluation.basis
    assert "CESEDA L.911-1" in new.evaluation.basis
    assert {r.id.split("/")[0] for r in old.evaluation.readings} == {"old-30-days"}
    assert {r.id.split("/")[0] for r in new.evaluation.readings} == {"new-1-month"}
    assert old.evaluation.safe.steps[0].message == "step.regime-decided"


def test_unknown_decision_date_after_the_switch_shows_both_regimes_with_a_warning() -> None:
    deadline = _rule(_oqtf(date(2024, 7, 19)), "oqtf-appeal")
    assert {r.id.split("/")[0] for r in deadline.evaluation.readings} == {
        "new-1-month",
        "old-30-days",
    }
    assert "warning.oqtf-decided-unknown" in _keys(deadline.warnings)
    assert deadline.evaluation.safe.steps[0].message == "step.regime-unknown"


def test_notified_before_the_switch_is_necessarily_the_old_regime() -> None:
    deadline = _rule(_oqtf(date(2024, 7, 12)), "oqtf-appeal")
    assert {r.id.split("/")[0] for r in deadline.evaluation.readings} == {"old-30-days"}
    assert "warning.oqtf-decided-unknown" not in _keys(deadline.warnings)
    assert deadline.evaluation.safe.steps[0].message == "step.regime-notified"


@pytest.mark.parametrize(
    ("custody", "departure", "ground", "rows"),
    [
        (Custody.NONE, True, OqtfGround.REFUSAL, {"old-30-days"}),
        (Custody.NONE, True, OqtfGround.OTHER, {"old-30-days"}),
        (Custody.NONE, True, OqtfGround.ASYLUM, {"old-15-days"}),
        (Custody.NONE, False, OqtfGround.REFUSAL, {"old-48-hours"}),
        (Custody.HOUSE_ARREST, True, OqtfGround.REFUSAL, {"old-48-hours"}),
        (Custody.RETENTION, False, OqtfGround.ASYLUM, {"old-48-hours"}),
        (Custody.DETENTION, True, OqtfGround.REFUSAL, {"old-30-days"}),
        (Custody.DETENTION, True, OqtfGround.ASYLUM, {"old-15-days"}),
        (Custody.DETENTION, False, OqtfGround.REFUSAL, {"old-48-hours"}),
    ],
)
def test_old_regime_rows(
    custody: Custody, departure: bool, ground: OqtfGround, rows: set[str]
) -> None:
    deadline = _rule(
        _oqtf(date(2024, 3, 5), departure=departure, custody=custody, ground=ground),
        "oqtf-appeal",
    )
    assert {r.id.split("/")[0] for r in deadline.evaluation.readings} == rows
    # L.614-15: detainees have the same deadlines, cited as such.
    assert ("CESEDA L.614-15" in deadline.evaluation.basis) == (custody is Custody.DETENTION)


@pytest.mark.parametrize(
    ("custody", "departure", "rows"),
    [
        (Custody.NONE, True, {"new-1-month"}),
        (Custody.NONE, False, {"new-1-month"}),  # no longer 48 hours (CA Q2.2)
        (Custody.HOUSE_ARREST, False, {"new-7-days"}),
        (Custody.DETENTION, True, {"new-7-days"}),
        (Custody.RETENTION, False, {"new-48-hours"}),
    ],
)
def test_new_regime_rows(custody: Custody, departure: bool, rows: set[str]) -> None:
    deadline = _rule(
        _oqtf(date(2025, 3, 3), departure=departure, custody=custody, decided=date(2025, 3, 1)),
        "oqtf-appeal",
    )
    assert {r.id.split("/")[0] for r in deadline.evaluation.readings} == rows


@settings(max_examples=150, deadline=None)
@given(
    st.dates(min_value=date(2024, 7, 15), max_value=date(2026, 5, 31)),
    st.integers(1, 200),
    st.sampled_from(list(Custody)),
    st.booleans(),
)
def test_moving_only_the_decision_date_across_the_switch_changes_the_basis(
    notified: date, days_before: int, custody: Custody, departure: bool
) -> None:
    decided_old = REGIME_SWITCH - timedelta(days=days_before)
    decided_new = max(REGIME_SWITCH, notified - timedelta(days=days_before))
    old = _rule(
        _oqtf(notified, departure=departure, custody=custody, decided=decided_old), "oqtf-appeal"
    )
    new = _rule(
        _oqtf(notified, departure=departure, custody=custody, decided=decided_new), "oqtf-appeal"
    )
    old_basis, new_basis = set(old.evaluation.basis), set(new.evaluation.basis)
    assert old_basis & {"CESEDA L.614-4", "CESEDA L.614-6", "CESEDA L.614-8"}
    assert not old_basis & {"CESEDA L.911-1", "CESEDA L.921-1", "CESEDA L.921-2"}
    assert new_basis & {"CESEDA L.911-1", "CESEDA L.921-1", "CESEDA L.921-2"}
    assert not new_basis & {"CESEDA L.614-4", "CESEDA L.614-5", "CESEDA L.614-6"}


# --- hour deadlines -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(2007, 1, 1), max_value=datetime(2049, 12, 1)).map(
        lambda d: d.replace(second=0, microsecond=0)
    ),
    st.sampled_from(["75", "971", "974", "975", "976", "57"]),
)
def test_a_48_hour_deadline_is_48_elapsed_hours_or_the_same_clock_time(
    notified: datetime, code: str
) -> None:
    facts = Facts(territory=code, departure_period=False, custody=Custody.RETENTION)
    try:
        case = make_case([(K.OQTF_NOTIFIED, notified)], facts)
    except InputError:
        assume(False)  # a local time in a spring DST gap is refused, never guessed
        raise
    deadline = _rule(compute(case, notified.date()), "oqtf-appeal")
    readings = {r.id.split("/")[1].split("+")[0]: r for r in deadline.evaluation.readings}
    elapsed, wall = readings["elapsed"].at, readings["wall-clock"].at
    assert elapsed is not None and wall is not None
    start = readings["elapsed"].steps[1].before  # after the regime step
    assert isinstance(start, datetime)
    assert elapsed.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=48)
    assert wall.date() == notified.date() + timedelta(days=2)
    assert wall.replace(tzinfo=None) >= notified + timedelta(days=2)  # gaps move forward only
    assert deadline.due_at is not None and deadline.latest_at is not None
    earlier, later = sorted((elapsed, wall), key=lambda at: at.astimezone(UTC))
    assert deadline.due_at == earlier and deadline.latest_at == later
    assert deadline.end <= deadline.evaluation.latest_reading.end
    # Never franc, never extended: no day-based step in the trace.
    assert all(
        s.kind in {"regime", "start", "add-hours", "dst", "end-instant"}
        for s in readings["elapsed"].steps + readings["wall-clock"].steps
    )
    if notified.date() >= date(2026, 6, 7):
        assert deadline.evaluation.status is Status.OPEN  # the June 2026 decrees (CA §0.3)
    else:
        # SETTLED, except across a DST change, where no authority decides (CA Q2.2).
        assert deadline.evaluation.status is (
            Status.DISPUTED if elapsed != wall else Status.SETTLED
        )


def test_an_hour_deadline_is_over_at_its_instant_not_at_midnight() -> None:
    # Notified Fri 14 Nov 2025 17:30 in rétention: over on Sun 16 Nov 2025 at 17:30 Paris time
    # (16:30 UTC in November).
    facts = Facts(departure_period=False, custody=Custody.RETENTION, oqtf_decided=date(2025, 11, 1))
    case = make_case([(K.OQTF_NOTIFIED, datetime(2025, 11, 14, 17, 30))], facts)
    sunday = date(2025, 11, 16)
    one_minute_before = datetime(2025, 11, 16, 16, 29, tzinfo=UTC)
    one_minute_after = datetime(2025, 11, 16, 16, 31, tzinfo=UTC)
    assert _rule(compute(case, sunday, one_minute_before), "oqtf-appeal").state is State.DUE_TODAY
    assert _rule(compute(case, sunday, one_minute_after), "oqtf-appeal").state is State.OVERDUE
    # Without a time of day, the day decides.
    assert _rule(compute(case, sunday), "oqtf-appeal").state is State.DUE_TODAY


def test_a_date_alone_counts_48_hours_from_midnight_with_a_warning() -> None:
    deadline = _rule(
        _oqtf(date(2025, 11, 14), departure=False, custody=Custody.RETENTION), "oqtf-appeal"
    )
    assert deadline.due_at is not None
    assert deadline.due_at.isoformat() == "2025-11-16T00:00:00+01:00"
    assert "warning.oqtf-time-missing" in _keys(deadline.warnings)


def test_an_ambiguous_time_takes_the_earlier_instant_with_a_warning() -> None:
    facts = Facts(departure_period=False, custody=Custody.RETENTION)
    case = make_case([(K.OQTF_NOTIFIED, datetime(2024, 10, 27, 2, 30))], facts)
    deadline = _rule(compute(case, date(2024, 10, 27)), "oqtf-appeal")
    assert deadline.due_at is not None
    assert deadline.due_at.isoformat() == "2024-10-29T01:30:00+01:00"  # 02:30 CEST + 48 h
    assert "warning.time-ambiguous" in _keys(deadline.warnings)


# --- notes and warnings of rules.md -------------------------------------------------------------


def test_a_refusal_notified_with_the_oqtf_follows_the_oqtf_deadline() -> None:
    day = date(2025, 11, 12)
    result = _oqtf(
        day,
        departure=False,
        decided=day,
        others=((K.APPLICATION_FILED, date(2025, 9, 1)), (K.REFUSAL_NOTIFIED, day)),
    )
    rules = {d.rule.id for d in result.deadlines}
    assert "oqtf-appeal" in rules
    assert not rules & {"appeal-refusal", "administrative-appeal"}
    assert "note.notified-with-oqtf" in _keys(result.notes)
    assert "note.replaced" in _keys(result.notes)  # no recours gracieux after an OQTF


def test_a_refusal_notified_before_the_oqtf_keeps_its_own_deadline() -> None:
    result = _oqtf(
        date(2025, 11, 12),
        decided=date(2025, 11, 10),
        others=((K.REFUSAL_NOTIFIED, date(2025, 10, 1)),),
    )
    rules = {d.rule.id for d in result.deadlines}
    assert {"oqtf-appeal", "appeal-refusal"} <= rules
    assert "administrative-appeal" not in rules  # rules.md: never for an OQTF case


def test_an_oqtf_on_a_refused_titre_before_the_silence_ran_out_means_no_implicit_refusal() -> None:
    result = _oqtf(
        date(2025, 3, 3),
        decided=date(2025, 3, 1),
        others=((K.APPLICATION_FILED, date(2025, 1, 6)),),
    )
    assert "implicit-refusal" not in {d.rule.id for d in result.deadlines}
    assert "note.no-implicit-refusal" in _keys(result.notes)


def test_june_2026_decrees_make_the_oqtf_appeal_open() -> None:
    before = _rule(_oqtf(date(2026, 6, 6), decided=date(2026, 6, 1)), "oqtf-appeal")
    after = _rule(_oqtf(date(2026, 6, 7), decided=date(2026, 6, 1)), "oqtf-appeal")
    assert "warning.june-2026" not in _keys(before.warnings)
    assert before.evaluation.status is Status.PREVAILING
    assert "warning.june-2026" in _keys(after.warnings)
    assert after.evaluation.status is Status.OPEN
    asylum = _rule(
        _oqtf(date(2026, 6, 8), decided=date(2026, 6, 1), ground=OqtfGround.ASYLUM),
        "oqtf-appeal",
    )
    assert {"warning.june-2026", "warning.june-2026-asylum"} <= _keys(asylum.warnings)
    departure = _rule(_oqtf(date(2026, 6, 8), decided=date(2026, 6, 1)), "voluntary-departure")
    assert "warning.june-2026" not in _keys(departure.warnings)  # not an appeal deadline


def test_no_appeal_info_warns_but_still_computes_the_deadline() -> None:
    deadline = _rule(
        _oqtf(date(2025, 3, 3), decided=date(2025, 3, 1), appeal_info=False), "oqtf-appeal"
    )
    assert "warning.oqtf-no-appeal-info" in _keys(deadline.warnings)
    assert deadline.due == date(2025, 4, 3)


def test_no_departure_period_means_no_departure_deadline() -> None:
    result = _oqtf(date(2025, 3, 3), departure=False)
    assert "voluntary-departure" not in {d.rule.id for d in result.deadlines}


def test_voluntary_departure_is_never_extended() -> None:
    # Sat 20 Jul 2024: day-counted Sun 18 Aug, day-excluded Mon 19 Aug (CA Q5.3, row 3).
    deadline = _rule(_oqtf(date(2024, 7, 20)), "voluntary-departure")
    assert deadline.due == date(2024, 8, 18)
    assert deadline.latest == date(2024, 8, 19)
    assert deadline.evaluation.status is Status.DISPUTED


def _ids(kwargs: dict[str, object]) -> dict[str, object]:
    """Facts named as Python names, by their input ids (deadlines.inputs.INPUTS)."""
    return {name.replace("_", "-"): value for name, value in kwargs.items()}


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "key", "field"),
    [
        ({"custody": "retention"}, "oqtf.fact-without-oqtf", "custody"),
        ({"oqtf_decided": "2025-03-01"}, "oqtf.fact-without-oqtf", "oqtf-decided"),
        ({"oqtf_ground": "4"}, "oqtf.fact-without-oqtf", "oqtf-ground"),
        ({"departure_period": True}, "oqtf.fact-without-oqtf", "departure-period"),
    ],
)
def test_oqtf_facts_without_an_oqtf_are_refused(
    kwargs: dict[str, object], key: str, field: str
) -> None:
    with pytest.raises(InputError) as caught:
        build_case({K.APPLICATION_FILED: ["2025-03-01"], **_ids(kwargs)})  # type: ignore[dict-item]
    assert (caught.value.key, caught.value.field) == (key, field)


@pytest.mark.parametrize(
    ("notified", "kwargs", "key", "field"),
    [
        ("2025-03-04T10:30", {}, "oqtf.departure-period-missing", "departure-period"),
        (
            "2025-03-04",
            {"departure_period": True, "oqtf_decided": "2025-03-05"},
            "oqtf.decided-after-notified",
            "oqtf-decided",
        ),
        ("2025-03-04T25:00", {"departure_period": True}, "time.range", "oqtf-notified"),
        ("2025-03-04 10:3", {"departure_period": True}, "time.format", "oqtf-notified"),
        ("2025-03-30T02:30", {"departure_period": True}, "time.nonexistent", "oqtf-notified"),
        ("2025-03-04", {"departure_period": True, "custody": "jail"}, "custody.unknown", "custody"),
        (
            "2025-03-04",
            {"departure_period": True, "oqtf_ground": "5"},
            "ground.unknown",
            "oqtf-ground",
        ),
    ],
)
def test_bad_oqtf_input(notified: str, kwargs: dict[str, object], key: str, field: str) -> None:
    with pytest.raises(InputError) as caught:
        build_case({K.OQTF_NOTIFIED: [notified], **_ids(kwargs)})  # type: ignore[dict-item]
    assert (caught.value.key, caught.value.field) == (key, field)


def test_a_time_on_a_date_only_event_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        build_case({K.REFUSAL_NOTIFIED: ["2025-03-04T10:30"]})
    assert caught.value.key == "date.format"
    assert time(10, 30)  # the time form is only for --oqtf-notified
