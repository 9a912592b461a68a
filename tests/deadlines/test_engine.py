"""The engine's own behaviour: derived events, suppression, replacement, unknown facts, state."""

from __future__ import annotations

from datetime import date

import pytest

from deadlines.case import Facts, make_case
from deadlines.engine import State, compute
from deadlines.errors import InputError
from deadlines.results import Message
from deadlines.rules.model import Channel
from deadlines.rules.model import EventKind as K


def _by_rule(result, rule_id):  # type: ignore[no-untyped-def]
    return [d for d in result.deadlines if d.rule.id == rule_id]


def test_implicit_refusal_is_derived_and_triggers_the_appeals() -> None:
    result = compute(make_case([(K.APPLICATION_FILED, date(2025, 1, 15))]), date(2025, 2, 1))
    (born,) = _by_rule(result, "implicit-refusal")
    assert born.due == date(2025, 5, 15)
    for rule_id in ("appeal-implicit-refusal", "administrative-appeal"):
        (appeal,) = _by_rule(result, rule_id)
        assert appeal.trigger.kind is K.IMPLICIT_REFUSAL_BORN
        assert appeal.trigger.at == date(2025, 5, 15)
        assert appeal.due == date(2025, 7, 16)


def test_express_refusal_before_birth_means_no_implicit_refusal() -> None:
    case = make_case(
        [(K.APPLICATION_FILED, date(2025, 1, 15)), (K.REFUSAL_NOTIFIED, date(2025, 4, 2))]
    )
    result = compute(case, date(2025, 4, 3))
    assert not _by_rule(result, "implicit-refusal")
    assert not _by_rule(result, "appeal-implicit-refusal")
    assert [d.trigger.kind for d in _by_rule(result, "administrative-appeal")] == [
        K.REFUSAL_NOTIFIED
    ]
    assert any(isinstance(n, Message) and n.key == "note.no-implicit-refusal" for n in result.notes)
    (appeal,) = _by_rule(result, "appeal-refusal")
    assert appeal.due == date(2025, 6, 3)  # 2 Jun + 1 day (franc)


def test_express_refusal_on_the_birth_day_also_prevents_it() -> None:
    case = make_case(
        [(K.APPLICATION_FILED, date(2025, 1, 15)), (K.REFUSAL_NOTIFIED, date(2025, 5, 15))]
    )
    assert not _by_rule(compute(case, date(2025, 5, 16)), "implicit-refusal")


def test_express_refusal_after_birth_warns_that_the_period_restarts() -> None:
    case = make_case(
        [(K.APPLICATION_FILED, date(2025, 1, 15)), (K.REFUSAL_NOTIFIED, date(2025, 6, 2))]
    )
    result = compute(case, date(2025, 6, 3))
    (appeal,) = _by_rule(result, "appeal-implicit-refusal")
    assert [w.key for w in appeal.warnings if isinstance(w, Message)] == [
        "warning.express-after-implicit"
    ]


def test_asylum_seeker_gets_three_months_instead_of_one() -> None:
    case = make_case(
        [(K.APPLICATION_FILED, date(2025, 2, 20)), (K.ASYLUM_REGISTERED, date(2025, 2, 8))]
    )
    result = compute(case, date(2025, 3, 1))
    assert not _by_rule(result, "certificate")
    (asylum,) = _by_rule(result, "certificate-asylum")
    assert (asylum.due, asylum.latest) == (date(2025, 5, 8), date(2025, 5, 9))
    assert any(isinstance(n, Message) and n.key == "note.replaced" for n in result.notes)


def test_certificate_received_marks_the_certificate_done() -> None:
    case = make_case(
        [(K.APPLICATION_FILED, date(2025, 1, 15)), (K.CERTIFICATE_RECEIVED, date(2025, 2, 20))]
    )
    result = compute(case, date(2025, 3, 1))
    (certificate,) = _by_rule(result, "certificate")
    assert certificate.state is State.DONE
    # received after the safe date (15 Feb): a warning keeps the postmark question visible
    assert [w.key for w in certificate.warnings if isinstance(w, Message)] == [
        "warning.done-after-safe"
    ]
    (opinion,) = _by_rule(result, "ofii-opinion")
    assert opinion.due == date(2025, 5, 20)


def test_renewal_window_states() -> None:
    case = make_case([(K.PERMIT_EXPIRES, date(2025, 6, 30))], Facts(channel=Channel.ANEF))
    before = compute(case, date(2025, 3, 1))
    (opens,) = _by_rule(before, "renewal-opens")
    assert (opens.due, opens.state) == (date(2025, 3, 2), State.NOT_YET_OPEN)
    during = compute(case, date(2025, 3, 2))
    assert _by_rule(during, "renewal-opens")[0].state is State.OPEN
    (closes,) = _by_rule(during, "renewal-closes")
    assert closes.due == date(2025, 5, 1)
    late = compute(case, date(2025, 5, 2))
    assert _by_rule(late, "renewal-closes")[0].state is State.OVERDUE


def test_unknown_channel_before_anef_is_certain_shows_both_windows() -> None:
    # E − 120 days = 2 Dec 2023, before 31 Jul 2024 (open-points Q3): both channels are readings.
    case = make_case([(K.PERMIT_EXPIRES, date(2024, 3, 31))])
    result = compute(case, date(2023, 11, 1))
    (closes,) = _by_rule(result, "renewal-closes")
    readings = {r.id: r.due for r in closes.evaluation.readings}
    assert readings == {"anef": date(2024, 1, 31), "counter": date(2024, 3, 31)}
    assert closes.due == date(2024, 1, 31)
    assert any(
        isinstance(n, Message) and n.key == "warning.channel-unknown" for n in closes.warnings
    )


def test_unknown_channel_after_anef_is_certain_defaults_to_anef() -> None:
    result = compute(make_case([(K.PERMIT_EXPIRES, date(2026, 3, 31))]), date(2025, 11, 1))
    (closes,) = _by_rule(result, "renewal-closes")
    assert [r.id for r in closes.evaluation.readings] == ["anef"]


def test_counter_channel_window() -> None:
    case = make_case([(K.PERMIT_EXPIRES, date(2025, 9, 15))], Facts(channel=Channel.COUNTER))
    result = compute(case, date(2025, 7, 1))
    assert _by_rule(result, "renewal-opens")[0].due == date(2025, 7, 15)
    assert _by_rule(result, "renewal-closes")[0].due == date(2025, 9, 15)


def test_without_appeal_info_the_reasonable_year_applies() -> None:
    case = make_case([(K.REFUSAL_NOTIFIED, date(2024, 3, 15))], Facts(appeal_info=False))
    (appeal,) = _by_rule(compute(case, date(2024, 4, 1)), "appeal-refusal")
    assert (appeal.due, appeal.latest) == (date(2025, 3, 15), date(2025, 3, 17))
    assert appeal.evaluation.status.value == "DISPUTED"


def test_rule_not_in_force_is_not_computed_but_said() -> None:
    # R*432-1 / R.432-2 are modelled from 1 May 2021 only.
    result = compute(make_case([(K.APPLICATION_FILED, date(2020, 3, 2))]), date(2020, 3, 3))
    assert not _by_rule(result, "implicit-refusal")
    assert any(isinstance(n, Message) and n.key == "note.not-in-force" for n in result.notes)


def test_days_left_and_due_today() -> None:
    case = make_case([(K.OFII_REQUEST, date(2025, 3, 3))])
    (reply,) = compute(case, date(2025, 3, 18)).deadlines
    assert (reply.days_left, reply.state) == (0, State.DUE_TODAY)


@pytest.mark.parametrize(
    ("later", "earlier"),
    [
        (K.CERTIFICATE_AVAILABLE, K.APPLICATION_FILED),
        (K.CERTIFICATE_RECEIVED, K.APPLICATION_FILED),
        (K.REFUSAL_NOTIFIED, K.APPLICATION_FILED),
    ],
)
def test_impossible_chronology_is_refused(later: K, earlier: K) -> None:
    with pytest.raises(InputError) as caught:
        make_case([(earlier, date(2025, 3, 10)), (later, date(2025, 3, 9))])
    assert caught.value.field == later.value


def test_derived_events_cannot_be_entered() -> None:
    with pytest.raises(InputError):
        make_case([(K.IMPLICIT_REFUSAL_BORN, date(2025, 3, 10))])


def test_single_events_cannot_repeat() -> None:
    with pytest.raises(InputError):
        make_case(
            [(K.APPLICATION_FILED, date(2025, 3, 10)), (K.APPLICATION_FILED, date(2025, 3, 11))]
        )
