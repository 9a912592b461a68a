"""Which calendar events a computation becomes: pure data, no iCalendar library.

The plan is separate from the serialisation (`calendars.ics`) so that what goes into a calendar
(which deadlines, which reminders, the UIDs, the words) is testable on its own and shared by every
writer (one case now; the caseload's export later).

Privacy: an event carries the case reference the caseworker chose and nothing else about the
person — no name, diagnosis, nationality or free-text note (the Case holds none, and nothing here
reads more than the rule, its dates, basis, status and the engine's warnings).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from deadlines.engine import Brief, Computation, Listed, State
from deadlines.messages import name, render_note

DEFAULT_REF = "dossier"
DEFAULT_REMIND_DAYS = (7, 2)
DEFAULT_REMIND_HOURS = (24, 4)
# A timed event needs a duration to be visible in calendar grids: the last hour before the end.
TIMED_LENGTH = timedelta(hours=1)
REMINDER_LENGTH = timedelta(minutes=30)
UID_DOMAIN = "deadlines.invalid"  # RFC 6761: never resolves, so no host is named


@dataclass(frozen=True)
class Reminders:
    days: tuple[int, ...] = DEFAULT_REMIND_DAYS  # before a day deadline
    hours: tuple[int, ...] = DEFAULT_REMIND_HOURS  # before an hour deadline


@dataclass(frozen=True)
class ExportOptions:
    ref: str = DEFAULT_REF
    lang: str = "fr"
    reminders: Reminders = Reminders()
    include_info: bool = True


@dataclass(frozen=True)
class PlannedEvent:
    """One VEVENT. `start`/`end` are dates (all-day, end exclusive) or aware datetimes."""

    uid: str
    summary: str
    description: str
    start: date
    end: date
    transparent: bool  # informational: does not block time
    alarms: tuple[timedelta, ...]  # DISPLAY alarms before the END of a timed event / the day
    kind: str  # "deadline", "reminder" or "info"
    rule: str
    categories: tuple[str, ...] = ()


MAX_REF = 40


def parse_ref(text: str) -> str:
    """The case reference written into the calendar: short, one line, printable."""
    from deadlines.errors import InputError

    ref = text.strip()
    if not ref or len(ref) > MAX_REF or not ref.isprintable():
        raise InputError("ref.format", field="ref", value=text, max=MAX_REF)
    return ref


def parse_reminders(text: str | None) -> Reminders:
    """`7,2` (days before a day deadline), `24h,4h` (hours before an hour deadline), both mixed,
    or `none`. A kind not mentioned keeps its default."""
    from deadlines.errors import InputError

    if text is None:
        return Reminders()
    cleaned = text.strip().lower()
    if cleaned in {"none", "aucun", "0"}:
        return Reminders(days=(), hours=())
    days: list[int] = []
    hours: list[int] = []
    for raw in cleaned.split(","):
        # A number of days (`7`, `7d`, `7j`) or hours (`24h`); ASCII digits only ("²" is a
        # digit to str.isdigit but not to int).
        match = re.fullmatch(r"([0-9]+)\s*([dhj]?)", raw.strip())
        if match is None:
            raise InputError("remind.format", field="remind", value=text)
        number, unit_letter = int(match.group(1)), match.group(2)
        unit = hours if unit_letter == "h" else days
        if not 0 < number <= (720 if unit is hours else 365):
            raise InputError("remind.format", field="remind", value=text)
        unit.append(number)
    return Reminders(
        days=tuple(sorted(set(days), reverse=True)) if days else DEFAULT_REMIND_DAYS,
        hours=tuple(sorted(set(hours), reverse=True)) if hours else DEFAULT_REMIND_HOURS,
    )


def uid(ref: str, deadline: Listed, suffix: str = "") -> str:
    """Stable across corrections: from the reference, the rule, the trigger kind and rank only.

    Never from a date or a name, so re-importing after a corrected date updates the same event.
    The reference is hashed so that the UID stays a plain token whatever the reference holds.
    """
    key = deadline.key
    parts = [key.rule, key.trigger, str(key.rank)]
    if suffix:
        parts.append(suffix)
    return ".".join(parts) + uid_tail(ref)


@lru_cache(maxsize=8)  # the export asks for a case's tail a few times in a row
def uid_tail(ref: str) -> str:
    """How every UID of a case ends: a digest of its reference, then the UID domain."""
    return f".{hashlib.sha256(ref.encode('utf-8')).hexdigest()[:16]}@{UID_DOMAIN}"


LABELS = {
    "fr": {
        "safe": "Date prudente : {day}",
        "arguable": "Date soutenable (argument de repli seulement) : {day}",
        "basis": "Base légale : {basis} ({status})",
        "warning": "Attention : {text}",
        "computed": "Date calculée par l'outil deadlines d'après le droit enregistré au {law} : "
        "à vérifier ; faites confirmer par un juriste toute échéance qui compte.",
        "reminder_days": "Rappel J-{n}",
        "reminder_hours": "Rappel {n} h avant",
        "before": "avant {time}",
        "category": "Échéance",
    },
    "en": {
        "safe": "Safe date: {day}",
        "arguable": "Arguable date (fallback argument only): {day}",
        "basis": "Legal basis: {basis} ({status})",
        "warning": "Warning: {text}",
        "computed": "Date computed by the deadlines tool from the law as recorded on {law}: "
        "check it; have a lawyer confirm any deadline that matters.",
        "reminder_days": "Reminder D-{n}",
        "reminder_hours": "Reminder: {n} h before",
        "before": "before {time}",
        "category": "Deadline",
    },
}


def earlier(at: datetime, delta: timedelta) -> datetime:
    """`at` minus `delta` of real time, in `at`'s zone.

    Not `at - delta`: Python does that arithmetic on the wall clock, which is off by an hour
    when a daylight-saving change lies in between.
    """
    assert at.tzinfo is not None
    return (at.astimezone(UTC) - delta).astimezone(at.tzinfo)


def _clock(at: datetime, lang: str) -> str:
    return f"{at.hour} h {at.minute:02d}" if lang == "fr" else f"{at.hour:02d}:{at.minute:02d}"


def _when(day: date, at: datetime | None, lang: str) -> str:
    from deadlines.dates import format_instant, format_long

    if at is None:
        return format_long(day, lang)
    return f"{format_instant(at, lang)} ({name(f'zone.{at.tzinfo}', lang)})"


def _description(deadline: Listed, lang: str) -> str:
    from deadlines import LAW_AS_OF

    labels = LABELS[lang]
    lines = [labels["safe"].format(day=_when(deadline.due, deadline.due_at, lang))]
    if deadline.latest_end != deadline.end:
        lines.append(
            labels["arguable"].format(day=_when(deadline.latest, deadline.latest_at, lang))
        )
    lines.append(
        labels["basis"].format(
            basis=", ".join(deadline.basis),
            status=name(f"status.{deadline.status.value}", lang),
        )
    )
    lines.extend(labels["warning"].format(text=render_note(w, lang)) for w in deadline.warnings)
    lines.append(labels["computed"].format(law=LAW_AS_OF))
    return "\n".join(lines)


def _is_exported(deadline: Listed, options: ExportOptions) -> bool:
    if deadline.state is State.DONE:
        return False  # nothing left to do: no reminder (the caseload cancels it)
    if deadline.rule.must_act:
        return True
    return options.include_info


def plan(computation: Computation, options: ExportOptions) -> tuple[PlannedEvent, ...]:
    """The events of one case, in the order of its deadlines, reminders after their deadline."""
    return plan_listed(tuple(d.listed for d in computation.deadlines), options)


# --- speed -------------------------------------------------------------------------------------
# A caseload's export plans ~145,000 events (10,000 cases): what follows says exactly what
# `uid`, `_description` and the dataclass constructor say, with what repeats computed once
# (tests/calendars/test_export.py compares them on every shape of deadline).


@dataclass(frozen=True)
class _Wording:
    """What does not change from one deadline to the next, for one language and reminders."""

    labels: dict[str, str]
    category: tuple[str, ...]
    day_alarms: tuple[timedelta, ...]
    hour_alarms: tuple[timedelta, ...]
    # (uid suffix, how long before, summary prefix) of each reminder event
    day_reminders: tuple[tuple[str, timedelta, str], ...]
    hour_reminders: tuple[tuple[str, timedelta, str], ...]
    computed: str  # the description's last line


@lru_cache(maxsize=32)
def _wording(lang: str, reminders: Reminders) -> _Wording:
    from deadlines import LAW_AS_OF

    labels = LABELS[lang]
    sep = " : " if lang == "fr" else ": "
    return _Wording(
        labels,
        (labels["category"],),
        tuple(timedelta(days=d) for d in reminders.days),
        tuple(timedelta(hours=h) for h in reminders.hours),
        tuple(
            (f"remind-{d}d", timedelta(days=d), labels["reminder_days"].format(n=d) + sep)
            for d in reminders.days
        ),
        tuple(
            (f"remind-{h}h", timedelta(hours=h), labels["reminder_hours"].format(n=h) + sep)
            for h in reminders.hours
        ),
        labels["computed"].format(law=LAW_AS_OF),
    )


@lru_cache(maxsize=4096)
def _day_line(label: str, day: date, lang: str) -> str:
    from deadlines.dates import format_long

    return label.format(day=format_long(day, lang))


@lru_cache(maxsize=1024)
def _basis_line(label: str, basis: tuple[str, ...], status: str, lang: str) -> str:
    return label.format(basis=", ".join(basis), status=name(f"status.{status}", lang))


def _fast_description(brief: Brief, wording: _Wording, lang: str) -> str:
    """`_description`, with the lines that repeat across a caseload kept."""
    labels = wording.labels
    if brief.due_at is None:
        lines = [_day_line(labels["safe"], brief.due, lang)]
    else:
        lines = [labels["safe"].format(day=_when(brief.due, brief.due_at, lang))]
    if brief.latest_end != brief.end:
        if brief.latest_at is None:
            lines.append(_day_line(labels["arguable"], brief.latest, lang))
        else:
            lines.append(labels["arguable"].format(day=_when(brief.latest, brief.latest_at, lang)))
    lines.append(_basis_line(labels["basis"], brief.basis, brief.status.value, lang))
    for warning in brief.warnings:
        lines.append(labels["warning"].format(text=render_note(warning, lang)))
    lines.append(wording.computed)
    return "\n".join(lines)


_new = object.__new__
_set = object.__setattr__


def _event(
    uid: str,
    summary: str,
    description: str,
    start: date,
    end: date,
    transparent: bool,
    alarms: tuple[timedelta, ...],
    kind: str,
    rule: str,
    categories: tuple[str, ...],
) -> PlannedEvent:
    """`PlannedEvent(...)` in a third of the time: the frozen dataclass's __init__ sets its ten
    fields one by one through object.__setattr__; this sets its __dict__ at once (the same
    object: equal, same hash and repr; checked by tests/calendars/test_export.py)."""
    event = _new(PlannedEvent)
    _set(
        event,
        "__dict__",
        {
            "uid": uid,
            "summary": summary,
            "description": description,
            "start": start,
            "end": end,
            "transparent": transparent,
            "alarms": alarms,
            "kind": kind,
            "rule": rule,
            "categories": categories,
        },
    )
    return event


def plan_listed(deadlines: tuple[Listed, ...], options: ExportOptions) -> tuple[PlannedEvent, ...]:
    """`plan` from the deadlines as a list sees them (the caseload's export reads its memo)."""
    planner = Planner(options.lang, options.reminders, options.include_info)
    return planner.events(options.ref, planner.sketches(deadlines))


class Sketch:
    """One planned event without its case: `PlannedEvent` but for the case's reference.

    Its summary is `label + "[REF] " + rest` and its UID `uid + uid_tail(REF)`: everything else
    of a deadline's events depends on the deadline alone, so a caseload's export plans each brief
    once and many cases reuse it (the memo gives one object to the briefs that are alike).
    """

    __slots__ = (
        "alarms",
        "categories",
        "description",
        "end",
        "kind",
        "label",
        "rest",
        "rule",
        "start",
        "transparent",
        "uid",
    )

    def __init__(
        self,
        uid: str,
        label: str,
        rest: str,
        description: str,
        start: date,
        end: date,
        transparent: bool,
        alarms: tuple[timedelta, ...],
        kind: str,
        rule: str,
        categories: tuple[str, ...],
    ) -> None:
        self.uid = uid  # without the case's tail
        self.label = label  # before the case's "[REF] " ("" but for a reminder)
        self.rest = rest  # after it: the rule's title, and the hour of an hour deadline
        self.description = description
        self.start = start
        self.end = end
        self.transparent = transparent
        self.alarms = alarms
        self.kind = kind
        self.rule = rule
        self.categories = categories

    def event(self, prefix: str, tail: str) -> PlannedEvent:
        """The event of the case whose summary prefix is `prefix` ("[REF] ") and UIDs end with
        `tail` (`uid_tail`)."""
        return _event(
            self.uid + tail,
            self.label + prefix + self.rest,
            self.description,
            self.start,
            self.end,
            self.transparent,
            self.alarms,
            self.kind,
            self.rule,
            self.categories,
        )


# The events of one deadline: the deadline itself (or the information), then its reminders.
Sketched = tuple[Sketch, ...]
_KEPT_BRIEFS = 200_000  # briefs a Planner remembers (then it starts again)


class Planner:
    """`plan_listed` for many cases with the same options: each brief is planned once (its
    `Sketched`), then each case only adds its reference (`events`), or a writer that knows the
    sketches writes them for the case directly (calendars.fast.Writer.case)."""

    def __init__(self, lang: str, reminders: Reminders, include_info: bool) -> None:
        self.lang = lang
        self.wording = _wording(lang, reminders)
        self.include_info = include_info
        # id(brief): (brief, its sketches); the brief is kept so that its id is not reused.
        self._planned: dict[int, tuple[Brief, Sketched]] = {}
        self._rests: dict[str, str] = {}  # one string for the many summaries alike

    def sketches(self, deadlines: Iterable[Listed]) -> list[Sketched]:
        """The sketches of each deadline exported, in order."""
        found: list[Sketched] = []
        planned = self._planned
        include_info = self.include_info
        for deadline in deadlines:
            if deadline.state is State.DONE:
                continue  # nothing left to do: no reminder (the caseload cancels it)
            brief = deadline.brief
            if not include_info and not brief.rule.must_act:
                continue
            known = planned.get(id(brief))
            if known is None:
                if len(planned) >= _KEPT_BRIEFS:
                    planned.clear()
                known = planned[id(brief)] = (brief, self._sketch(brief))
            found.append(known[1])
        return found

    def events(self, ref: str, sketched: Iterable[Sketched]) -> tuple[PlannedEvent, ...]:
        """The events of case `ref` from its sketches."""
        tail = uid_tail(ref)
        prefix = f"[{ref}] "
        return tuple(sketch.event(prefix, tail) for group in sketched for sketch in group)

    def _sketch(self, brief: Brief) -> Sketched:
        lang = self.lang
        wording = self.wording
        rule = brief.rule
        key = brief.key
        base = f"{key.rule}.{key.trigger}.{key.rank}"
        description = _fast_description(brief, wording, lang)
        due_at = brief.due_at
        title = rule.title.get(lang)
        if due_at is not None:
            rest = f"{title} — {wording.labels['before'].format(time=_clock(due_at, lang))}"
            start: date = earlier(due_at, TIMED_LENGTH)
            end: date = due_at
            alarms = wording.hour_alarms
        else:
            rest = title
            due = brief.due
            start, end = due, due + _ONE_DAY
            alarms = wording.day_alarms
        rest = self._rests.setdefault(rest, rest)
        if not rule.must_act:
            return (Sketch(base, "", rest, description, start, end, True, (), "info", rule.id, ()),)
        sketches = [
            Sketch(
                base,
                "",
                rest,
                description,
                start,
                end,
                False,
                alarms,
                "deadline",
                rule.id,
                wording.category,
            )
        ]
        # Reminders as events of their own: Google Calendar ignores VALARM in imported files
        # (shared/notes/anchors.md §4.2).
        if due_at is not None:
            for suffix, before, label in wording.hour_reminders:
                at = earlier(due_at, before)
                sketches.append(
                    Sketch(
                        f"{base}.{suffix}",
                        label,
                        rest,
                        description,
                        at,
                        earlier(at, -REMINDER_LENGTH),
                        True,
                        (),
                        "reminder",
                        rule.id,
                        (),
                    )
                )
        else:
            for suffix, before, label in wording.day_reminders:
                day = brief.due - before
                sketches.append(
                    Sketch(
                        f"{base}.{suffix}",
                        label,
                        rest,
                        description,
                        day,
                        day + _ONE_DAY,
                        True,
                        (),
                        "reminder",
                        rule.id,
                        (),
                    )
                )
        return tuple(sketches)


_ONE_DAY = timedelta(days=1)


def zones_used(
    events: Iterable[PlannedEvent], cancelled: Iterable[PlannedEvent], zones: Iterable[str]
) -> list[str]:
    """Every zone a VTIMEZONE is written for: those asked for and those the events use."""
    return sorted(
        set(zones)
        | {str(e.start.tzinfo) for e in (*events, *cancelled) if isinstance(e.start, datetime)}
    )


def stamp_for(computation: Computation, source_date_epoch: str | None) -> datetime:
    """DTSTAMP: SOURCE_DATE_EPOCH when set (reproducible builds), else the as-of day, 00:00 UTC.

    Never the wall clock, so the same input gives the same bytes.
    """
    return stamp_from_day(computation.as_of, source_date_epoch)


def stamp_from_day(day: date, source_date_epoch: str | None) -> datetime:
    if source_date_epoch:
        from deadlines.errors import InputError

        if not source_date_epoch.strip().isascii() or not source_date_epoch.strip().isdigit():
            # reproducible-builds.org: a Unix time in seconds, nothing else.
            raise InputError("epoch.format", field="epoch", value=source_date_epoch)
        return datetime.fromtimestamp(int(source_date_epoch), UTC)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
