"""Which calendar events a computation becomes: pure data, no iCalendar library.

The plan is separate from the serialisation (`calendars.ics`) so that what goes into a calendar
(which deadlines, which reminders, the UIDs, the words) is testable on its own and shared by
`compute --ics` (one case) and the caseload's export (caseload/export.py).

Privacy: an event carries the case reference the caseworker chose and nothing else about the
person — no name, diagnosis, nationality or free-text note (the Case holds none, and nothing here
reads more than the rule, its dates, basis, status and the engine's warnings).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from deadlines import LAW_AS_OF
from deadlines.clock import PIVOT_ZONE
from deadlines.dates import format_instant, format_long
from deadlines.engine import Computation, Listed, State
from deadlines.messages import moved_by, name, render_note

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
    """What a case's events are made with. `ref` has no default: it is the case's identity in
    every UID, and two cases written under one default reference would share their UIDs (an
    import of the second replaces the first, issue 14)."""

    ref: str
    lang: str = "fr"
    reminders: Reminders = Reminders()
    include_info: bool = True
    # The zone the calendar is read in: a timed deadline of another zone names its own zone in
    # its title (« avant 10 h 30 (heure de La Réunion) »), since the app shows the event at the
    # reader's hour. Paris: the caseworkers' own clock, as for a caseload's --as-of.
    calendar_zone: str = PIVOT_ZONE


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
        "before_zone": "avant {time} ({zone})",
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
        "before_zone": "before {time} ({zone})",
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


def _before(at: datetime, calendar_zone: str, lang: str) -> str:
    """« avant 17 h 30 », with the deadline's zone when it is not the calendar's."""
    zone = str(at.tzinfo)
    if zone == calendar_zone:
        return LABELS[lang]["before"].format(time=_clock(at, lang))
    return LABELS[lang]["before_zone"].format(
        time=_clock(at, lang), zone=name(f"zone.{zone}", lang)
    )


def _when(day: date, at: datetime | None, lang: str) -> str:
    if at is None:
        return format_long(day, lang)
    return f"{format_instant(at, lang)} ({name(f'zone.{at.tzinfo}', lang)})"


def _description(deadline: Listed, lang: str) -> str:
    due = deadline.due
    assert due is not None  # a suspended deadline is never exported (plan_listed)
    labels = LABELS[lang]
    lines = [labels["safe"].format(day=_when(due, deadline.due_at, lang))]
    latest = deadline.latest
    if latest is not None and deadline.latest_end != deadline.end:
        lines.append(labels["arguable"].format(day=_when(latest, deadline.latest_at, lang)))
    lines.append(
        labels["basis"].format(
            basis=", ".join(deadline.basis),
            status=name(f"status.{deadline.status.value}", lang),
        )
    )
    # Why the date is not the one first counted (legal aid, a recours, a placement…): the
    # calendar is where the caseworker sees it move.
    if moved := moved_by(deadline.moved_by, deadline.suspended_by, lang):
        lines.append(moved[0].upper() + moved[1:])
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


def plan_listed(deadlines: tuple[Listed, ...], options: ExportOptions) -> tuple[PlannedEvent, ...]:
    """`plan` from the deadlines as a list sees them (the caseload's export reads its memo)."""
    lang = options.lang
    labels = LABELS[lang]
    sep = " : " if lang == "fr" else ": "
    day_alarms = tuple(timedelta(days=d) for d in options.reminders.days)
    hour_alarms = tuple(timedelta(hours=h) for h in options.reminders.hours)
    events: list[PlannedEvent] = []
    for deadline in deadlines:
        due = deadline.due
        # A suspended deadline has no date to show: no event (the caseload's export cancels the
        # one it wrote before, under the same UID, as for a deadline that no longer applies).
        if due is None or not _is_exported(deadline, options):
            continue
        rule = deadline.rule
        title = f"[{options.ref}] {rule.title.get(lang)}"
        description = _description(deadline, lang)
        due_at = deadline.due_at
        if due_at is not None:
            summary = f"{title} — {_before(due_at, options.calendar_zone, lang)}"
            start: date = earlier(due_at, TIMED_LENGTH)
            end: date = due_at
            alarms = hour_alarms
        else:
            summary = title
            start, end = due, due + _ONE_DAY
            alarms = day_alarms
        must_act = rule.must_act
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
        # Reminders as events of their own: Google Calendar ignores VALARM in imported files
        # (shared/notes/anchors.md §4.2).
        reminders: list[tuple[str, str, date, date]] = []  # uid suffix, label, start, end
        if due_at is not None:
            for hours in options.reminders.hours:
                at = earlier(due_at, timedelta(hours=hours))
                label = labels["reminder_hours"].format(n=hours)
                reminders.append((f"remind-{hours}h", label, at, earlier(at, -REMINDER_LENGTH)))
        else:
            for days in options.reminders.days:
                day = due - timedelta(days=days)
                label = labels["reminder_days"].format(n=days)
                reminders.append((f"remind-{days}d", label, day, day + _ONE_DAY))
        for suffix, label, first, last in reminders:
            events.append(
                PlannedEvent(
                    uid=uid(options.ref, deadline, suffix),
                    summary=f"{label}{sep}{summary}",
                    description=description,
                    start=first,
                    end=last,
                    transparent=True,
                    alarms=(),
                    kind="reminder",
                    rule=rule.id,
                )
            )
    return tuple(events)


_ONE_DAY = timedelta(days=1)


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
