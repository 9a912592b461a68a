"""Export details found in review: UIDs across a disputed start, strict --remind, bad epoch."""

from __future__ import annotations

import re
from datetime import date

import pytest

from calendars.plan import ExportOptions, parse_reminders, plan
from deadlines.case import Facts, make_case
from deadlines.engine import compute
from deadlines.errors import InputError
from deadlines.rules.model import EventKind as K
from tests.cli.test_compute import run


def _uids(*events: tuple[K, date]) -> set[str]:
    computation = compute(make_case(list(events), Facts()), date(2025, 1, 20))
    return {e.uid for e in plan(computation, ExportOptions(ref="P-1"))}


def test_adding_the_certificate_availability_keeps_the_certificate_uid() -> None:
    # The certificate's start is disputed (filing or availability): adding the second start
    # after a first export must update the same calendar event, not add a duplicate.
    only_filed = _uids((K.APPLICATION_FILED, date(2025, 1, 15)))
    both = _uids(
        (K.APPLICATION_FILED, date(2025, 1, 15)), (K.CERTIFICATE_AVAILABLE, date(2025, 1, 17))
    )
    certificate = {u for u in only_filed if u.startswith("certificate.")}
    assert certificate and certificate <= both


@pytest.mark.parametrize("text", ["3dh", "7,", "h", "24hh", "-2", "7;2", "²"])
def test_bad_reminders_are_refused(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_reminders(text)
    assert caught.value.key == "remind.format"


def test_reminder_forms() -> None:
    assert parse_reminders("10, 3d, 48h, 2j").days == (10, 3, 2)
    assert parse_reminders("10, 3d, 48h, 2j").hours == (48,)


def test_a_bad_source_date_epoch_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    result = run("--filed", "15/01/2025", "--as-of", "2025-01-20", "--ref", "P-1", "--ics", "-")
    assert result.exit_code == 2
    assert re.search(r"SOURCE_DATE_EPOCH : « abc »", result.stderr)
    assert result.stdout == ""
