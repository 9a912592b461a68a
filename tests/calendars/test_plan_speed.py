"""The planner's fast path (calendars/plan.py, "speed") says what the plain code says.

`plan_listed` keeps the lines that repeat across a caseload, one digest per case and builds its
events without the dataclass constructor: `_plan_before` below is the planner as it was written
before, kept as the oracle, and Hypothesis draws cases of every shape (test_fast's strategy).
The bulk writer's own pieces (escaping, folding, its caches) are checked against icalendar and
the plain forms here too, and so is what a caseload's export does instead: each brief planned once
(`Planner`, its sketches) for many cases, and written from its drawing (`Writer.case`), which must
give the bytes `Writer.events` gives for the same events, whatever the case's reference.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.fast import Writer, _folded_from, _uid_end, escape, fold, fold_bytes
from calendars.plan import (
    LABELS,
    REMINDER_LENGTH,
    TIMED_LENGTH,
    ExportOptions,
    PlannedEvent,
    Planner,
    Sketch,
    _clock,
    _description,
    _event,
    _is_exported,
    earlier,
    plan,
    plan_listed,
    stamp_from_day,
    uid,
    uid_tail,
)
from deadlines.engine import Computation, Listed
from deadlines.rules.model import Kind, Who
from tests.calendars.test_fast import TEXT, _case_and_options


def _plan_before(deadlines: tuple[Listed, ...], options: ExportOptions) -> tuple[PlannedEvent, ...]:
    """calendars.plan.plan_listed as it was before its speed-up."""
    events: list[PlannedEvent] = []
    labels = LABELS[options.lang]
    for deadline in deadlines:
        if not _is_exported(deadline, options):
            continue
        rule = deadline.rule
        title = f"[{options.ref}] {rule.title.get(options.lang)}"
        description = _description(deadline, options.lang)
        must_act = rule.who is Who.APPLICANT and rule.kind is Kind.DEADLINE
        due_at = deadline.due_at
        if due_at is not None:
            summary = f"{title} — {labels['before'].format(time=_clock(due_at, options.lang))}"
            start: date = earlier(due_at, TIMED_LENGTH)
            end: date = due_at
            alarms = tuple(timedelta(hours=h) for h in options.reminders.hours)
        else:
            summary = title
            start, end = deadline.due, deadline.due + timedelta(days=1)
            alarms = tuple(timedelta(days=d) for d in options.reminders.days)
        events.append(
            PlannedEvent(
                uid=uid(options.ref, deadline),
                summary=summary,
                description=description,
                start=start,
                end=end,
                transparent=not must_act,
                alarms=alarms if must_act else (),
                kind="deadline" if must_act else "info",
                rule=rule.id,
                categories=(labels["category"],) if must_act else (),
            )
        )
        if not must_act:
            continue
        sep = " : " if options.lang == "fr" else ": "
        # Reminders as events of their own: Google Calendar ignores VALARM in imported files
        # (shared/notes/anchors.md §4.2).
        if due_at is not None:
            for hours in options.reminders.hours:
                at = earlier(due_at, timedelta(hours=hours))
                events.append(
                    PlannedEvent(
                        uid=uid(options.ref, deadline, f"remind-{hours}h"),
                        summary=f"{labels['reminder_hours'].format(n=hours)}{sep}{summary}",
                        description=description,
                        start=at,
                        end=earlier(at, -REMINDER_LENGTH),
                        transparent=True,
                        alarms=(),
                        kind="reminder",
                        rule=rule.id,
                    )
                )
        else:
            for days in options.reminders.days:
                day = deadline.due - timedelta(days=days)
                events.append(
                    PlannedEvent(
                        uid=uid(options.ref, deadline, f"remind-{days}d"),
                        summary=f"{labels['reminder_days'].format(n=days)}{sep}{summary}",
                        description=description,
                        start=day,
                        end=day + timedelta(days=1),
                        transparent=True,
                        alarms=(),
                        kind="reminder",
                        rule=rule.id,
                    )
                )
    return tuple(events)


@settings(max_examples=150, deadline=None)
@given(_case_and_options())
def test_the_planner_says_what_it_said(drawn: tuple[object, ExportOptions]) -> None:
    computation, options = drawn
    assert isinstance(computation, Computation)
    listed = tuple(d.listed for d in computation.deadlines)
    assert plan_listed(listed, options) == _plan_before(listed, options)
    assert plan(computation, options) == _plan_before(listed, options)


def test_the_fast_constructor_makes_the_same_event() -> None:
    day = date(2026, 1, 15)
    values = {
        "uid": "u",
        "summary": "s",
        "description": "d",
        "start": day,
        "end": day + timedelta(days=1),
        "transparent": True,
        "alarms": (timedelta(days=7),),
        "kind": "reminder",
        "rule": "r",
        "categories": ("c",),
    }
    assert [f.name for f in fields(PlannedEvent)] == list(values)
    made = _event(**values)  # type: ignore[arg-type]
    plain = PlannedEvent(**values)  # type: ignore[arg-type]
    assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
    assert type(made) is PlannedEvent


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_escape_matches_icalendar(text: str) -> None:
    from icalendar import vText

    assert escape(text) == vText(text).to_ical().decode("utf-8")


@given(
    st.text(st.characters(blacklist_categories=("Cs",)) | st.sampled_from("\\^é🙂"), max_size=400)
)
def test_fold_bytes_is_fold(line: str) -> None:
    line = line.replace("\n", " ").replace("\r", " ")
    assert fold_bytes(line.encode()) == fold(line).encode()


def test_the_writer_never_takes_one_instant_for_another() -> None:
    """Aware datetimes of the same instant in two zones are equal to Python: the writer's
    caches must not give one the other's line."""
    paris = datetime(2026, 1, 15, 10, tzinfo=ZoneInfo("Europe/Paris"))
    utc = paris.astimezone(UTC)
    assert paris == utc
    writer = Writer(datetime(2026, 1, 1, tzinfo=UTC))

    def event(at: datetime) -> bytes:
        planned = PlannedEvent("u", "s", "d", at, at + timedelta(hours=1), True, (), "info", "r")
        return writer.event(planned)

    assert b"DTSTART;TZID=Europe/Paris:20260115T100000\r\n" in event(paris)
    assert b"DTSTART:20260115T090000Z\r\n" in event(utc)
    assert b"DTSTART;TZID=Europe/Paris:20260115T100000\r\n" in event(paris)
    day = date(2026, 1, 15)
    planned = PlannedEvent("u", "s", "d", day, day, True, (), "info", "r")
    assert b"DTSTART;VALUE=DATE:20260115\r\n" in writer.event(planned)


# References of every length up to parse_ref's 40 characters, with what escaping and folding
# care about: a case's "[REF] " may push a summary's first fold past it.
REFS = TEXT | st.text(st.sampled_from(list("é🙂^\\;,N ")), min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s.isprintable()
)


@settings(max_examples=150, deadline=None)
@given(_case_and_options(), st.lists(REFS, min_size=1, max_size=4), st.data())
def test_the_writer_writes_sketches_as_it_writes_their_events(
    drawn: tuple[object, ExportOptions], refs: list[str], data: st.DataObject
) -> None:
    """One planner and one writer for several cases with the same briefs (their caches are
    shared across references), against a writer given the events."""
    computation, options = drawn
    assert isinstance(computation, Computation)
    listed = tuple(d.listed for d in computation.deadlines)
    planner = Planner(options.lang, options.reminders, options.include_info)
    stamp = stamp_from_day(date(2026, 11, 23), None)
    writer, plain = Writer(stamp), Writer(stamp)
    for ref in [options.ref, *refs]:
        sketched = planner.sketches(listed)
        events = planner.events(ref, sketched)
        assert events == plan_listed(listed, replace(options, ref=ref))
        size = len(events)
        sequences = data.draw(st.lists(st.integers(0, 12), min_size=size, max_size=size))
        assert writer.case(ref, sketched, sequences) == plain.events(events, sequences)


def test_a_sketch_the_writer_cannot_draw_is_written_as_its_event() -> None:
    """A UID line longer than a line would be folded before the case's tail: the writer then
    writes the events themselves (the planner's UIDs are far shorter)."""
    day = date(2026, 1, 15)
    sketch = Sketch("r" * 80, "", "t", "d", day, day + timedelta(days=1), True, (), "info", "r", ())
    stamp = stamp_from_day(day, None)
    event = sketch.event("[A] ", uid_tail("A"))
    assert Writer(stamp).case("A", [(sketch,)], [3]) == Writer(stamp).events([event], [3])


def test_a_uids_tail_folds_as_the_whole_line() -> None:
    tail = uid_tail("A").encode()
    for at in range(75):
        assert _uid_end(at, tail) == _folded_from(at, tail)
        line = b"U" * at + tail
        assert b"U" * at + _uid_end(at, tail) == fold_bytes(line) + b"\r\n"
