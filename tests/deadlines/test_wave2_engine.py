"""What the wave-2 moves say besides their dates: the warnings and notes a caseworker reads, the
readings kept side by side, and the choices the spec leaves open (rules.md "Wave 2 rules")."""

from __future__ import annotations

from datetime import date, datetime

from deadlines.case import Facts, make_case
from deadlines.engine import Deadline, compute
from deadlines.explain import StepKind
from deadlines.results import Message
from deadlines.rules.model import EventKind as K
from deadlines.rules.model import LegalAidOutcome, Residence, Status

AS_OF = date(2026, 1, 1)
NEW_OQTF = Facts(departure_period=True, oqtf_decided=date(2025, 3, 3))


def _deadline(pairs: list[tuple[K, date]], rule: str, facts: Facts | None = None) -> Deadline:
    found = [d for d in compute(make_case(pairs, facts), AS_OF).deadlines if d.rule.id == rule]
    assert len(found) == 1, found
    return found[0]


def _keys(deadline: Deadline) -> set[str]:
    return {w.key for w in deadline.warnings if isinstance(w, Message)}


def test_legal_aid_on_czabajs_year_is_only_a_reading() -> None:
    # Refusal without voies et délais: one year (Czabaj); legal aid asked within it.
    pairs = [
        (K.REFUSAL_NOTIFIED, date(2025, 3, 3)),
        (K.LEGAL_AID_REQUESTED, date(2025, 6, 2)),
        (K.LEGAL_AID_DECIDED, date(2025, 7, 1)),
    ]
    appeal = _deadline(pairs, "appeal-refusal", Facts(appeal_info=False))
    assert appeal.due == date(2026, 3, 3)  # the year as it was: the safe date
    assert appeal.latest == date(2026, 7, 17)  # 1 Jul + 15 days = 16 Jul, + 1 year, franc
    assert appeal.status is Status.DISPUTED
    assert "warning.legal-aid-czabaj" in _keys(appeal)
    assert {r.id for r in appeal.evaluation.readings} >= {
        "czabaj-strict",
        "czabaj-strict+legal-aid",
    }


def test_legal_aid_never_moves_a_7_day_or_48_hour_deadline_and_says_so() -> None:
    for custody, rule_row in (("house-arrest", "new-7-days"), ("retention", "new-48-hours")):
        from deadlines.rules.model import Custody

        facts = Facts(
            departure_period=False, oqtf_decided=date(2025, 3, 3), custody=Custody(custody)
        )
        pairs = [
            (K.OQTF_NOTIFIED, datetime(2025, 3, 3, 10, 0)),
            (K.LEGAL_AID_REQUESTED, date(2025, 3, 4)),
        ]
        appeal = _deadline(pairs, "oqtf-appeal", facts)
        assert appeal.moved_by == ()
        assert {r.row for r in appeal.evaluation.readings} == {rule_row}
        assert "warning.legal-aid-no-effect" in _keys(appeal)


def test_granted_without_a_lawyer_counts_from_the_earliest_start_and_says_so() -> None:
    pairs = [
        (K.OQTF_NOTIFIED, date(2025, 3, 3)),
        (K.LEGAL_AID_REQUESTED, date(2025, 3, 17)),
        (K.LEGAL_AID_DECIDED, date(2025, 5, 6)),
    ]
    appeal = _deadline(pairs, "oqtf-appeal", NEW_OQTF)
    assert (appeal.due, appeal.latest) == (date(2025, 6, 21), date(2025, 6, 23))
    assert "warning.legal-aid-lawyer-unknown" in _keys(appeal)
    assert [e.kind for e in appeal.moved_by] == [K.LEGAL_AID_REQUESTED]


def test_a_suspended_deadline_says_what_will_restart_it() -> None:
    pairs = [(K.OQTF_NOTIFIED, date(2025, 3, 3)), (K.LEGAL_AID_REQUESTED, date(2025, 3, 17))]
    appeal = _deadline(pairs, "oqtf-appeal", NEW_OQTF)
    assert appeal.state.value == "suspended" and appeal.days_left is None
    assert appeal.suspended_by is not None and appeal.suspended_by.at == date(2025, 3, 17)
    assert "warning.legal-aid-suspended" in _keys(appeal)
    for pending in appeal.evaluation.pending:
        assert pending.steps[-1].kind is StepKind.INTERRUPTED
        assert pending.steps[-1].after == date(2025, 3, 17)


def test_refused_and_provisional_restart_as_art_43_says() -> None:
    base = [
        (K.REFUSAL_NOTIFIED, date(2025, 3, 3)),
        (K.LEGAL_AID_REQUESTED, date(2025, 3, 17)),
        (K.LEGAL_AID_DECIDED, date(2025, 5, 6)),
    ]
    refused = _deadline(base, "appeal-refusal", Facts(legal_aid_outcome=LegalAidOutcome.REFUSED))
    # 6 May + 15 days = Wed 21 May; + 2 months = Mon 21 Jul; franc Tue 22 Jul 2025.
    assert refused.due == date(2025, 7, 22)
    provisional = _deadline(
        base, "appeal-refusal", Facts(legal_aid_outcome=LegalAidOutcome.PROVISIONAL)
    )
    # From the notification itself: 6 May + 2 months = Sun 6 Jul; franc Mon 7 Jul 2025.
    assert provisional.due == date(2025, 7, 7)


def test_an_event_after_the_safe_date_gives_both_readings() -> None:
    # 1-month OQTF notified Mon 3 Mar 2025: safe (non-franc) Thu 3 Apr, franc Fri 4 Apr.
    pairs = [
        (K.OQTF_NOTIFIED, date(2025, 3, 3)),
        (K.HOUSE_ARREST_NOTIFIED, datetime(2025, 4, 4, 9)),
    ]
    appeal = _deadline(pairs, "oqtf-appeal", NEW_OQTF)
    ids = {r.id for r in appeal.evaluation.readings}
    assert "new-1-month/non-franc" in ids and "new-7-days/non-franc" in ids
    assert appeal.due == date(2025, 4, 3)  # the deadline as it was stays the safe date
    assert appeal.latest == date(2025, 4, 14)  # Fri 4 Apr + 8 = Sat 12, extended to Mon 14
    assert appeal.status is Status.DISPUTED
    assert "warning.moved-after-safe" in _keys(appeal)


def test_an_event_after_the_latest_date_changes_nothing_and_says_so() -> None:
    pairs = [(K.OQTF_NOTIFIED, date(2025, 3, 3)), (K.RETENTION_NOTIFIED, datetime(2025, 4, 8, 9))]
    appeal = _deadline(pairs, "oqtf-appeal", NEW_OQTF)
    assert appeal.moved_by == () and appeal.due == date(2025, 4, 3)
    assert "warning.event-too-late" in _keys(appeal)


def test_the_old_regime_switch_is_not_computed_and_a_note_says_so() -> None:
    facts = Facts(departure_period=True, oqtf_decided=date(2024, 6, 3))
    pairs = [
        (K.OQTF_NOTIFIED, date(2024, 6, 10)),
        (K.HOUSE_ARREST_NOTIFIED, datetime(2024, 6, 20, 9)),
    ]
    appeal = _deadline(pairs, "oqtf-appeal", facts)
    assert appeal.moved_by == ()
    assert any(
        getattr(n, "key", "") == "note.custody-switch-old-regime" for n in appeal.evaluation.notes
    )


def test_a_recours_or_a_residence_abroad_never_moves_an_oqtf_deadline() -> None:
    pairs = [(K.OQTF_NOTIFIED, date(2025, 3, 3)), (K.RECOURS_RECEIVED, date(2025, 3, 10))]
    facts = Facts(departure_period=True, oqtf_decided=date(2025, 3, 3), residence=Residence.ABROAD)
    appeal = _deadline(pairs, "oqtf-appeal", facts)
    assert (appeal.due, appeal.latest) == (date(2025, 4, 3), date(2025, 4, 4))
    assert {"warning.recours-no-effect-oqtf", "warning.no-distance-oqtf"} <= _keys(appeal)


def test_an_express_rejection_answers_its_recours_no_implicit_one_is_born() -> None:
    pairs = [
        (K.REFUSAL_NOTIFIED, date(2025, 1, 10)),
        (K.RECOURS_RECEIVED, date(2025, 2, 10)),
        (K.RECOURS_REJECTED, date(2025, 3, 7)),
    ]
    result = compute(make_case(pairs), AS_OF)
    assert not [d for d in result.deadlines if d.rule.id == "recours-rejection"]
    assert any(getattr(n, "key", "") == "note.no-recours-rejection" for n in result.notes)
    appeal = next(d for d in result.deadlines if d.rule.id == "appeal-refusal")
    # 2 months franc from the express rejection, Fri 7 Mar: échéance Wed 7 May, Thu 8 May is a
    # holiday (8 mai), so Fri 9 May 2025.
    assert appeal.due == date(2025, 5, 9)


def test_the_administrative_appeal_is_done_once_a_recours_is_received() -> None:
    pairs = [(K.REFUSAL_NOTIFIED, date(2025, 1, 10)), (K.RECOURS_RECEIVED, date(2025, 2, 10))]
    recours = _deadline(pairs, "administrative-appeal")
    assert recours.state.value == "done"


def test_a_judgment_closes_the_first_instance_appeals_it_follows() -> None:
    """A judgment proves the appeal was filed: the first-instance appeal is done, not overdue,
    with no "done after the safe date" warning (it says nothing of when it was filed)."""
    pairs = [
        (K.OQTF_NOTIFIED, date(2025, 3, 3)),
        (K.REFUSAL_NOTIFIED, date(2025, 1, 6)),
        (K.JUDGMENT_NOTIFIED, date(2025, 6, 2)),
    ]
    result = compute(make_case(pairs, NEW_OQTF), AS_OF)
    states = {d.rule.id: d.state.value for d in result.deadlines}
    assert states["oqtf-appeal"] == states["appeal-refusal"] == "done"
    assert states["appeal-judgment"] == "overdue"  # on AS_OF, 2026: the appeal's own deadline
    oqtf = next(d for d in result.deadlines if d.rule.id == "oqtf-appeal")
    assert "warning.done-after-safe" not in _keys(oqtf)
