"""Every TEXT property of an exported calendar reads back as written, whatever the reference
holds (RFC 5545 §3.3.11; issue 15, item 10: `a\\N` was read back as a line break)."""

from __future__ import annotations

import pytest
import vobject
from icalendar import Calendar
from typer.testing import CliRunner

from cli import app

REFS = ["a\\N", "back\\slash", "semi;colon", "com,ma", "all\\;,\\n", "x\\\\y"]


def _calendar(ref: str) -> bytes:
    result = CliRunner().invoke(
        app,
        ["compute", "--filed", "05/10/2026", "--as-of", "23/11/2026", "--ics", "-", "--ref", ref],
        env={"SOURCE_DATE_EPOCH": "1767225600"},
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


@pytest.mark.parametrize("ref", REFS)
def test_icalendar_reads_the_reference_back_in_every_text(ref: str) -> None:
    calendar = Calendar.from_ical(_calendar(ref))
    events = [c for c in calendar.walk("VEVENT")]
    assert events
    for event in events:
        summary = str(event["SUMMARY"])
        assert f"[{ref}] " in summary, summary
        assert "\n" not in summary
        assert f"[{ref}]" in str(event["DESCRIPTION"]) or "[" not in str(event["DESCRIPTION"])


@pytest.mark.parametrize("ref", REFS)
def test_vobject_reads_the_reference_back(ref: str) -> None:
    calendar = vobject.readOne(_calendar(ref).decode("utf-8"))
    summaries = [event.summary.value for event in calendar.vevent_list]
    assert summaries
    assert all(f"[{ref}] " in s and "\n" not in s for s in summaries), summaries
