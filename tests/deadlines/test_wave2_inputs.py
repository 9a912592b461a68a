"""Wave 2 inputs (rules.md "Wave 2 rules": new events, new facts) in the domain: parsed strictly
from what a caseworker types, validated when the case is built, judged plausible or not.

The engine does not use them yet; these tests only say what is entered and what is refused."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from deadlines.case import Case, Event, Facts, make_case
from deadlines.entered import build_case, merge_facts, parse_events
from deadlines.errors import InputError
from deadlines.inputs import INPUTS, Kind
from deadlines.plausible import check_events
from deadlines.rules.model import EventKind, LegalAidOutcome, Residence

NEW_EVENTS = {
    "legal-aid-requested": Kind.DATE,
    "legal-aid-decided": Kind.DATE,
    "lawyer-designated": Kind.DATE,
    "recours-received": Kind.DATES,
    "recours-rejected": Kind.DATES,
    "motives-requested": Kind.DATE,
    "motives-communicated": Kind.DATE,
    "items-requested": Kind.DATE,
    "items-provided": Kind.DATE,
    "house-arrest-notified": Kind.DATE_TIME,
    "retention-notified": Kind.DATE_TIME,
    "judgment-notified": Kind.DATE,
}
NEW_FACTS = {
    "legal-aid-outcome": ("legal_aid_outcome", Kind.CHOICE),
    "judgment-appeal-info": ("judgment_appeal_info", Kind.YES_NO),
    "residence": ("residence", Kind.CHOICE),
}
SPECS = {spec.id: spec for spec in INPUTS}
OQTF = {"oqtf-notified": "03/03/2025 10:00", "departure-period": True}


def _error(entered: dict[str, object]) -> InputError:
    with pytest.raises(InputError) as caught:
        build_case(entered)  # type: ignore[arg-type]
    return caught.value


# --- the catalogue ---------------------------------------------------------------------------


@pytest.mark.parametrize(("input_id", "kind"), NEW_EVENTS.items())
def test_each_new_event_is_declared_with_its_kind_and_a_french_column(
    input_id: str, kind: Kind
) -> None:
    spec = SPECS[input_id]
    assert spec.kind is kind and spec.is_event
    assert spec.flag == f"--{input_id}"
    assert spec.csv_aliases
    assert spec.help.fr and spec.help.en
    assert "rules.md" in spec.spec


@pytest.mark.parametrize(("input_id", "declared"), NEW_FACTS.items())
def test_each_new_fact_sets_its_field(input_id: str, declared: tuple[str, Kind]) -> None:
    field, kind = declared
    spec = SPECS[input_id]
    assert (spec.fact, spec.kind) == (field, kind)


def test_the_choices_are_the_values_of_the_domain() -> None:
    assert SPECS["legal-aid-outcome"].choices == tuple(m.value for m in LegalAidOutcome)
    assert SPECS["residence"].choices == tuple(m.value for m in Residence)


def test_the_wave_2_inputs_follow_wave_1_in_the_order_of_the_procedure() -> None:
    ids = [spec.id for spec in INPUTS]
    wave2 = [
        "legal-aid-requested",
        "legal-aid-decided",
        "lawyer-designated",
        "legal-aid-outcome",
        "recours-received",
        "recours-rejected",
        "motives-requested",
        "motives-communicated",
        "items-requested",
        "items-provided",
        "house-arrest-notified",
        "retention-notified",
        "judgment-notified",
        "judgment-appeal-info",
        "residence",
    ]
    start = ids.index("legal-aid-requested")
    assert ids[start : start + len(wave2)] == wave2
    assert ids.index("permit-expires") < start < ids.index("territory")


def test_the_notified_helps_say_which_date_to_type() -> None:
    assert "parvenue au bureau d'aide juridictionnelle" in SPECS["legal-aid-requested"].help.fr
    for input_id in ("legal-aid-decided", "recours-rejected", "judgment-notified"):
        assert "première présentation" in SPECS[input_id].help.fr, input_id
        assert "first presentation" in SPECS[input_id].help.en, input_id
    for input_id in ("house-arrest-notified", "retention-notified"):
        assert "R.921-1" in SPECS[input_id].help.fr
        assert "date et heure" in SPECS[input_id].help.fr


# --- parsing ---------------------------------------------------------------------------------


def test_every_new_event_is_read_in_french_and_iso_forms() -> None:
    entered = {
        "refusal-notified": "03/03/2025",
        "legal-aid-requested": "10/03/2025",
        "legal-aid-decided": "2025-04-01",
        "lawyer-designated": "02/04/2025",
        "recours-received": ["2025-03-20", "12/03/2025"],
        "recours-rejected": ["15/04/2025"],
        "motives-requested": "2025-03-05",
        "motives-communicated": "20/03/2025",
        "items-requested": "2025-01-10",
        "items-provided": "25/01/2025",
        "judgment-notified": "2025-06-02",
    }
    pairs = parse_events(entered)
    assert (EventKind.LEGAL_AID_DECIDED, date(2025, 4, 1)) in pairs
    assert (EventKind.LAWYER_DESIGNATED, date(2025, 4, 2)) in pairs
    case = build_case(entered)
    recours = case.all(EventKind.RECOURS_RECEIVED)
    # Repeatable: numbered in date order whatever the order typed.
    assert [(e.at, e.rank) for e in recours] == [(date(2025, 3, 12), 0), (date(2025, 3, 20), 1)]
    assert {e.kind.value for e in case.events} == {*entered}


@pytest.mark.parametrize("kind", ["house-arrest-notified", "retention-notified"])
@pytest.mark.parametrize(
    ("typed", "at"),
    [
        ("18/03/2025 10:00", time(10, 0)),
        ("18/03/2025 10h30", time(10, 30)),
        ("2025-03-18T14:05", time(14, 5)),
        ("18/03/2025", None),
    ],
)
def test_house_arrest_and_retention_take_a_date_and_a_local_time(
    kind: str, typed: str, at: time | None
) -> None:
    case = build_case({**OQTF, kind: typed})
    event = case.first(EventKind(kind))
    assert event is not None
    assert (event.at, event.time) == (date(2025, 3, 18), at)


@pytest.mark.parametrize("kind", ["legal-aid-requested", "judgment-notified", "recours-received"])
def test_a_time_is_refused_on_a_date_only_event(kind: str) -> None:
    with pytest.raises(InputError) as caught:
        make_case([(EventKind(kind), datetime(2025, 3, 18, 10, 0))])
    assert caught.value.key == "time.not-allowed"
    assert caught.value.field == kind


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("31/02/2025", "date.day"),
        ("2025/03/04", "date.format"),
        ("04/13/2025", "date.month"),
        ("04/03/25", "date.two-digit-year"),
    ],
)
def test_a_bad_date_names_the_event(typed: str, key: str) -> None:
    error = _error({"legal-aid-requested": typed})
    assert (error.key, error.field) == (key, "legal-aid-requested")
    error = _error({"recours-received": ["12/03/2025", typed]})
    assert (error.key, error.field) == (key, "recours-received")


def test_a_bad_time_names_the_event() -> None:
    error = _error({**OQTF, "retention-notified": "18/03/2025 25:00"})
    assert error.field == "retention-notified"
    assert error.key.startswith("time.")


def test_the_new_facts_are_read_and_default_as_the_spec_says() -> None:
    facts = Facts()
    assert facts.legal_aid_outcome is LegalAidOutcome.GRANTED
    assert facts.residence is Residence.LOCAL
    assert facts.judgment_appeal_info is True
    merged = merge_facts(
        facts,
        {
            "legal-aid-outcome": " Provisional ",
            "residence": "ABROAD",
            "judgment-appeal-info": False,
        },
    )
    assert merged.legal_aid_outcome is LegalAidOutcome.PROVISIONAL
    assert merged.residence is Residence.ABROAD
    assert merged.judgment_appeal_info is False
    # Not given: kept.
    assert merge_facts(merged, {"residence": None, "legal-aid-outcome": ""}) == merged


@pytest.mark.parametrize(
    ("fact", "typed", "key"),
    [
        ("legal-aid-outcome", "admis", "legal-aid-outcome.unknown"),
        ("legal-aid-outcome", "", None),
        ("residence", "outre-mer", "residence.unknown"),
        ("residence", "metropole", "residence.unknown"),
    ],
)
def test_a_bad_fact_value_is_refused_naming_the_fact(
    fact: str, typed: str, key: str | None
) -> None:
    if key is None:  # empty: not given
        assert merge_facts(Facts(), {fact: typed}) == Facts()
        return
    with pytest.raises(InputError) as caught:
        merge_facts(Facts(), {fact: typed})
    assert (caught.value.key, caught.value.field) == (key, fact)
    assert caught.value.params["value"] == typed


# --- validation ------------------------------------------------------------------------------

REFUSED: dict[str, tuple[dict[str, object], str, str]] = {
    "decided-without-request": (
        {"legal-aid-decided": "01/04/2025"},
        "legal-aid.without-request",
        "legal-aid-decided",
    ),
    "decided-before-request": (
        {"legal-aid-requested": "10/03/2025", "legal-aid-decided": "09/03/2025"},
        "event.order",
        "legal-aid-decided",
    ),
    "lawyer-without-request": (
        {"lawyer-designated": "01/04/2025"},
        "legal-aid.without-request",
        "lawyer-designated",
    ),
    "lawyer-before-request": (
        {"legal-aid-requested": "10/03/2025", "lawyer-designated": "2025-03-01"},
        "event.order",
        "lawyer-designated",
    ),
    "outcome-without-decision": (
        {"legal-aid-requested": "10/03/2025", "legal-aid-outcome": "refused"},
        "legal-aid.outcome-without-decision",
        "legal-aid-outcome",
    ),
    "default-outcome-typed-without-decision": (
        {"application-filed": "10/03/2025", "legal-aid-outcome": "granted"},
        "legal-aid.outcome-without-decision",
        "legal-aid-outcome",
    ),
    "rejection-without-recours": (
        {"recours-rejected": ["01/04/2025"]},
        "recours.rejected-without-recours",
        "recours-rejected",
    ),
    "first-rejection-before-first-recours": (
        {"recours-received": ["12/03/2025"], "recours-rejected": ["11/03/2025"]},
        "event.order",
        "recours-rejected",
    ),
    "second-rejection-before-second-recours": (
        {
            "recours-received": ["12/03/2025", "20/03/2025"],
            "recours-rejected": ["15/03/2025", "18/03/2025"],
        },
        "event.order",
        "recours-rejected",
    ),
    "more-rejections-than-recours": (
        {"recours-received": ["12/03/2025"], "recours-rejected": ["15/03/2025", "18/03/2025"]},
        "recours.more-rejections",
        "recours-rejected",
    ),
    "motives-without-request": (
        {"motives-communicated": "01/04/2025"},
        "motives.without-request",
        "motives-communicated",
    ),
    "motives-before-request": (
        {"motives-requested": "01/04/2025", "motives-communicated": "31/03/2025"},
        "event.order",
        "motives-communicated",
    ),
    "items-without-request": (
        {"items-provided": "01/04/2025"},
        "items.without-request",
        "items-provided",
    ),
    "items-before-request": (
        {"items-requested": "01/04/2025", "items-provided": "2025-03-31"},
        "event.order",
        "items-provided",
    ),
    "house-arrest-without-oqtf": (
        {"house-arrest-notified": "18/03/2025 10:00"},
        "oqtf.placement-without-oqtf",
        "house-arrest-notified",
    ),
    "retention-without-oqtf": (
        {"retention-notified": "18/03/2025"},
        "oqtf.placement-without-oqtf",
        "retention-notified",
    ),
    "house-arrest-the-day-before": (
        {**OQTF, "house-arrest-notified": "02/03/2025 23:00"},
        "event.order",
        "house-arrest-notified",
    ),
    "retention-an-hour-before": (
        {**OQTF, "retention-notified": "03/03/2025 09:00"},
        "event.order-time",
        "retention-notified",
    ),
    "judgment-before-refusal": (
        {"refusal-notified": "03/03/2025", "judgment-notified": "02/03/2025"},
        "event.order",
        "judgment-notified",
    ),
    "judgment-before-the-first-decision": (
        # A refusal, then an OQTF: the judgment must follow the first of them.
        {"refusal-notified": "03/03/2025", **OQTF, "judgment-notified": "01/03/2025"},
        "event.order",
        "judgment-notified",
    ),
    "judgment-appeal-info-without-judgment": (
        {"refusal-notified": "03/03/2025", "judgment-appeal-info": False},
        "judgment.fact-without-judgment",
        "judgment-appeal-info",
    ),
}


@pytest.mark.parametrize(("entered", "key", "field"), REFUSED.values(), ids=REFUSED.keys())
def test_what_cannot_be_true_is_refused_naming_the_later_input(
    entered: dict[str, object], key: str, field: str
) -> None:
    error = _error(entered)
    assert (error.key, error.field) == (key, field)


def test_the_order_error_names_both_dates() -> None:
    error = _error({"legal-aid-requested": "10/03/2025", "legal-aid-decided": "09/03/2025"})
    assert error.params == {
        "day": date(2025, 3, 9),
        "other": "legal-aid-requested",
        "other_day": date(2025, 3, 10),
    }
    error = _error({**OQTF, "retention-notified": "03/03/2025 09:00"})
    assert error.params["time"] == "09:00"
    assert error.params["other_time"] == "10:00"


ACCEPTED: dict[str, dict[str, object]] = {
    "decided-the-day-of-the-request": {
        "legal-aid-requested": "10/03/2025",
        "legal-aid-decided": "10/03/2025",
        "legal-aid-outcome": "lapsed",
    },
    "lawyer-without-decision-yet": {
        "legal-aid-requested": "10/03/2025",
        "lawyer-designated": "12/03/2025",
    },
    "rejections-answering-recours-out-of-order": {
        # The hiérarchique (20/03) rejected before the gracieux (12/03): a pairing exists.
        "recours-received": ["12/03/2025", "20/03/2025"],
        "recours-rejected": ["25/03/2025", "10/04/2025"],
    },
    "recours-not-all-rejected": {
        "recours-received": ["12/03/2025", "20/03/2025"],
        "recours-rejected": ["13/03/2025"],
    },
    "retention-the-same-day-later": {**OQTF, "retention-notified": "03/03/2025 16:00"},
    "house-arrest-same-day-without-time": {**OQTF, "house-arrest-notified": "03/03/2025"},
    "judgment-after-the-refusal-before-the-oqtf": {
        "refusal-notified": "03/01/2025",
        **{"oqtf-notified": "03/09/2025 10:00", "departure-period": True},
        "judgment-notified": "02/06/2025",
    },
    "judgment-without-decision": {
        "application-filed": "15/01/2025",
        "judgment-notified": "02/12/2025",
        "judgment-appeal-info": False,
    },
    "residence-alone": {"application-filed": "15/01/2025", "residence": "overseas"},
}


@pytest.mark.parametrize("entered", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_what_can_be_true_is_accepted(entered: dict[str, object]) -> None:
    build_case(entered)  # type: ignore[arg-type]


def test_a_case_built_out_of_order_is_checked_the_same() -> None:
    """Case checks its repeated events in date order, however they were put in it."""
    events = (
        Event(EventKind.RECOURS_RECEIVED, date(2025, 3, 20), 1),
        Event(EventKind.RECOURS_RECEIVED, date(2025, 3, 12), 0),
        Event(EventKind.RECOURS_REJECTED, date(2025, 3, 15), 0),
        Event(EventKind.RECOURS_REJECTED, date(2025, 3, 18), 1),
    )
    with pytest.raises(InputError) as caught:
        Case(events)
    assert caught.value.params["other_day"] == date(2025, 3, 20)


# --- plausible -------------------------------------------------------------------------------

AS_OF = date(2025, 3, 10)
LATER = date(2025, 3, 11)


@pytest.mark.parametrize(
    "kind",
    [
        EventKind.LEGAL_AID_DECIDED,
        EventKind.RECOURS_REJECTED,
        EventKind.MOTIVES_COMMUNICATED,
        EventKind.HOUSE_ARREST_NOTIFIED,
        EventKind.RETENTION_NOTIFIED,
        EventKind.JUDGMENT_NOTIFIED,
    ],
)
def test_a_decision_notified_after_the_reference_day_is_refused(kind: EventKind) -> None:
    with pytest.raises(InputError) as caught:
        check_events([(kind, LATER)], AS_OF, None)
    assert (caught.value.key, caught.value.field) == ("input.notified-later", kind.value)
    assert check_events([(kind, AS_OF)], AS_OF, None) == []


def test_a_placement_notified_later_today_is_refused() -> None:
    now = datetime(2025, 3, 10, 9, 0)
    check_events([(EventKind.RETENTION_NOTIFIED, datetime(2025, 3, 10, 8, 59))], AS_OF, now)
    with pytest.raises(InputError):
        check_events([(EventKind.RETENTION_NOTIFIED, datetime(2025, 3, 10, 9, 1))], AS_OF, now)


@pytest.mark.parametrize(
    "kind",
    [
        EventKind.LEGAL_AID_REQUESTED,
        EventKind.LAWYER_DESIGNATED,
        EventKind.RECOURS_RECEIVED,
        EventKind.MOTIVES_REQUESTED,
        EventKind.ITEMS_REQUESTED,
        EventKind.ITEMS_PROVIDED,
    ],
)
def test_a_step_dated_ahead_is_only_unlikely(kind: EventKind) -> None:
    (unlikely,) = check_events([(kind, LATER)], AS_OF, None)
    assert (unlikely.key, unlikely.field) == ("input.date-ahead", kind.value)
