"""Calendars with wave-2 deadlines: a suspended deadline has no date, so no event (an event
exported before is cancelled at the next export, as for a deadline that no longer applies, and
comes back under its UID when the decision gives it a date); a moved deadline keeps its key, so
its event is updated (same UID, SEQUENCE + 1)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from calendars.plan import ExportOptions, plan_listed, uid
from deadlines.case import Event, make_case
from deadlines.engine import Brief, briefs, listed
from deadlines.rules.model import EventKind
from tests.caseload.helpers import ok, subprocess_env
from tests.caseload.test_export_sync import COUNTS, Export, _parse

PARIS = "Europe/Paris"
REQUESTED = Event(EventKind.LEGAL_AID_REQUESTED, date(2025, 3, 17))
SCRIPT = Path(sys.executable).with_name("deadlines")  # the installed console script


@pytest.fixture(autouse=True)
def _private_default_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As tests/caseload/conftest.py: no command can reach the user's own database."""
    monkeypatch.setenv("DEADLINES_DB", str(tmp_path / "env-default" / "cases.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "cases.db"


def _refusal() -> tuple[Brief, ...]:
    return briefs(make_case([(EventKind.REFUSAL_NOTIFIED, date(2025, 3, 3))]))


def _suspend(brief: Brief) -> Brief:
    """`brief` as the engine gives it once legal aid was asked on 17 Mar 2025, no decision yet."""
    trigger = brief.trigger
    case = make_case([(trigger.kind, trigger.at), (REQUESTED.kind, REQUESTED.at)])
    (found,) = [b for b in briefs(case) if b.key == brief.key]
    assert found.due is None and found.suspended_by == REQUESTED
    return found


# --- the plan ----------------------------------------------------------------------------------


def test_a_suspended_deadline_gets_no_event_nor_reminder() -> None:
    appeal, other = _refusal()
    as_of = date(2025, 3, 20)
    options = ExportOptions("S-1")
    planned = plan_listed(listed((_suspend(appeal), other), PARIS, as_of), options)
    assert planned and {e.rule for e in planned} == {other.rule.id}
    assert not any(e.uid.startswith(f"{appeal.rule.id}.") for e in planned)
    assert plan_listed(listed((_suspend(appeal),), PARIS, as_of), options) == ()


def test_a_moved_deadline_keeps_its_uid() -> None:
    appeal, _ = _refusal()
    moved = replace(appeal, due=date(2025, 6, 23), moved_by=(REQUESTED,))
    (before,), (after,) = (listed((b,), PARIS, date(2025, 3, 20)) for b in (appeal, moved))
    assert uid("S-1", before) == uid("S-1", after)
    assert before.key == after.key


def test_a_moved_deadlines_event_says_what_moved_it() -> None:
    """The calendar is where a caseworker sees a date move: its description names the event
    that moved it, in the table's words (deadlines.messages.moved_by); an unmoved deadline's
    says nothing of the kind."""
    decided = Event(EventKind.LEGAL_AID_DECIDED, date(2025, 5, 6))
    case = make_case(
        [
            (EventKind.REFUSAL_NOTIFIED, date(2025, 3, 3)),
            (REQUESTED.kind, REQUESTED.at),
            (decided.kind, decided.at),
        ]
    )
    as_of = date(2025, 5, 10)
    for lang, words in (
        ("fr", "Déplacé par : demande d'aide juridictionnelle (17/03/2025)"),
        ("en", "Moved by: legal-aid request (17/03/2025)"),
    ):
        options = ExportOptions("S-1", lang=lang)
        planned = plan_listed(listed(briefs(case), PARIS, as_of), options)
        (appeal,) = [e for e in planned if e.rule == "appeal-refusal" and e.kind == "deadline"]
        assert words in appeal.description.splitlines()
        unmoved = plan_listed(listed(_refusal(), PARIS, as_of), options)
        assert unmoved and not any(words[:8] in e.description for e in unmoved)


# --- the caseload's export ---------------------------------------------------------------------


def export(db: Path, target: Path, as_of: str) -> Export:
    result = ok(db, "export", "-o", target, "--calendar", "main", "--as-of", as_of)
    match = COUNTS.search(result.stderr)
    assert match is not None, result.stderr
    counts = dict(
        zip(("new", "moved", "unchanged", "cancelled"), map(int, match.groups()), strict=True)
    )
    data = target.read_bytes()
    return Export(data, counts, _parse(data))


def _of_rule(events: dict[str, object], rule: str) -> set[str]:
    return {u for u in events if u.startswith(f"{rule}.")}


def test_suspension_cancels_the_event_and_the_decision_brings_it_back(
    db: Path, tmp_path: Path
) -> None:
    ok(db, "case", "add", "S-1", "--refusal-notified", "03/03/2025", "--as-of", "10/03/2025")
    first = export(db, tmp_path / "1.ics", "10/03/2025")
    appeal = _of_rule(first.current, "appeal-refusal")
    assert len(appeal) == 3  # the deadline and its two reminders
    assert first.counts["new"] == len(first.events)

    ok(db, "case", "set", "S-1", "--legal-aid-requested", "17/03/2025", "--yes")
    second = export(db, tmp_path / "2.ics", "20/03/2025")
    # Both deadlines of the refusal are suspended: every event cancelled, under its UID.
    assert second.current == {}
    assert set(second.cancelled) == set(first.events)
    assert {e.sequence for e in second.cancelled.values()} == {1}
    assert second.counts == {"new": 0, "moved": 0, "unchanged": 0, "cancelled": 6}

    third = export(db, tmp_path / "3.ics", "21/03/2025")
    assert third.events == {}  # cancelled once, not again
    assert third.counts["cancelled"] == 0

    ok(db, "case", "set", "S-1", "--legal-aid-decided", "06/05/2025", "--yes")
    fourth = export(db, tmp_path / "4.ics", "12/05/2025")
    assert set(fourth.current) == set(first.events)  # the same UIDs, back
    assert {e.sequence for e in fourth.current.values()} == {2}
    assert fourth.counts == {"new": 0, "moved": 6, "unchanged": 0, "cancelled": 0}
    (deadline,) = [fourth.current[u] for u in appeal if ".remind-" not in u]
    (before,) = [first.current[u] for u in appeal if ".remind-" not in u]
    assert deadline.start > before.start


def test_a_moved_deadline_updates_its_event(db: Path, tmp_path: Path) -> None:
    """rules.md: an OQTF with a departure period notified Mon 3 Mar 2025 (1 month); house arrest
    notified Tue 18 Mar 2025 10:00: safe date Tue 25 Mar 2025."""
    ok(
        db,
        "case",
        "add",
        "H-1",
        "--oqtf-notified",
        "03/03/2025",
        "--departure-period",
        "--oqtf-decided",
        "01/03/2025",
        "--as-of",
        "10/03/2025",
    )
    first = export(db, tmp_path / "1.ics", "10/03/2025")
    ok(db, "case", "set", "H-1", "--house-arrest-notified", "18/03/2025 10:00", "--yes")
    second = export(db, tmp_path / "2.ics", "18/03/2025")
    appeal = {u for u in _of_rule(first.current, "oqtf-appeal") if ".remind-" not in u}
    (key,) = appeal
    assert key in second.current and not second.cancelled.keys() & appeal
    moved = second.current[key]
    assert (moved.sequence, moved.start) == (1, date(2025, 3, 25))
    assert first.current[key].start != moved.start
    unchanged = _of_rule(first.current, "voluntary-departure")
    assert {second.current[u].sequence for u in unchanged} == {0}


# --- compute --ics -----------------------------------------------------------------------------


def test_compute_ics_leaves_a_suspended_deadline_out(tmp_path: Path) -> None:
    words = [
        "compute",
        "--oqtf-notified",
        "03/03/2025",
        "--departure-period",
        "--oqtf-decided",
        "01/03/2025",
        "--legal-aid-requested",
        "17/03/2025",
        "--as-of",
        "20/03/2025",
        "--ics",
        "-",
        "--ref",
        "S-1",
    ]
    result = subprocess.run(
        [str(SCRIPT), *words],
        env={**subprocess_env(tmp_path), "SOURCE_DATE_EPOCH": "1767225600"},
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    events = _parse(result.stdout)
    assert events and not _of_rule(dict(events), "oqtf-appeal")
    assert _of_rule(dict(events), "voluntary-departure")


def test_khal_follows_the_suspension_and_the_new_date_in_one_calendar(
    db: Path, tmp_path: Path
) -> None:
    """The issue's caseload check, read by a real client: khal imports each export into the
    same calendar. Suspended: the appeal's event is cancelled (khal keeps it, flagged); the BAJ
    decision brings it back under its UID at its new date, shown once, not cancelled."""
    from tests.calendars.khal_harness import _run, import_and_list, write_config
    from tests.caseload.test_export_sync import _khal_start

    khal_dir = tmp_path / "khal"
    window = (date(2025, 1, 1), date(2026, 12, 31))
    ok(db, "case", "add", "S-1", "--refusal-notified", "03/03/2025", "--as-of", "10/03/2025")
    first = export(db, tmp_path / "1.ics", "10/03/2025")
    import_and_list(tmp_path / "1.ics", khal_dir, *window)
    ok(db, "case", "set", "S-1", "--legal-aid-requested", "17/03/2025", "--yes")
    export(db, tmp_path / "2.ics", "20/03/2025")
    import_and_list(tmp_path / "2.ics", khal_dir, *window)
    ok(db, "case", "set", "S-1", "--legal-aid-decided", "06/05/2025", "--yes")
    last = export(db, tmp_path / "3.ics", "12/05/2025")
    listed = import_and_list(tmp_path / "3.ics", khal_dir, *window)
    # Every UID once: the same events as the first export, at their new dates.
    assert len(listed) == len(first.events)
    assert sorted((r.start, r.title) for r in listed) == sorted(
        (_khal_start(e), e.summary) for e in last.current.values()
    )
    flagged = _run(
        [
            "-c",
            str(write_config(khal_dir)),
            "list",
            "--format",
            "{cancelled}|{title}",
            "--day-format",
            "",
            window[0].isoformat(),
            window[1].isoformat(),
        ],
        khal_dir,
    ).stdout.splitlines()
    assert flagged and not [line for line in flagged if line.startswith("CANCELLED")]
    # New 2 months franc from the decision + 15 days, Wed 21 May 2025: échéance Mon 21 Jul,
    # last day Tue 22 Jul 2025.
    appeal = [r for r in listed if "tribunal" in r.title and "Rappel" not in r.title]
    assert [r.start for r in appeal] == ["2025-07-22"]
