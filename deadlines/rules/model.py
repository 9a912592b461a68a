"""The typed vocabulary of the rule catalogue: events, facts, readings, variants, rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from deadlines.periods import Method, Period


class EventKind(StrEnum):
    """Events of spec/rules.md, with their spec ids."""

    APPLICATION_FILED = "application-filed"
    CERTIFICATE_AVAILABLE = "certificate-available"
    ASYLUM_REGISTERED = "asylum-registered"
    OFII_REQUEST = "ofii-request"
    COLLEGE_REQUEST = "college-request"
    CERTIFICATE_RECEIVED = "certificate-received"
    REFUSAL_NOTIFIED = "refusal-notified"
    PERMIT_EXPIRES = "permit-expires"
    IMPLICIT_REFUSAL_BORN = "implicit-refusal-born"  # derived, never entered


REPEATABLE_EVENTS = frozenset({EventKind.OFII_REQUEST, EventKind.COLLEGE_REQUEST})
DERIVED_EVENTS = frozenset({EventKind.IMPLICIT_REFUSAL_BORN})


class Who(StrEnum):
    APPLICANT = "applicant"
    ADMINISTRATION = "administration"
    COURT = "court"


class Status(StrEnum):
    SETTLED = "SETTLED"
    PREVAILING = "PREVAILING"
    DISPUTED = "DISPUTED"
    OPEN = "OPEN"


class Channel(StrEnum):
    ANEF = "anef"
    COUNTER = "counter"


class StartPolicy(StrEnum):
    EACH = "each"  # one deadline per occurrence of each trigger event
    DISPUTED_START = "disputed-start"  # one deadline; each given trigger is a start reading


class Kind(StrEnum):
    DEADLINE = "deadline"  # something must be done by the date
    WINDOW_OPENS = "window-opens"  # the first day something may be done
    INFORMATION = "information"  # a date that happens (administration, court)


@dataclass(frozen=True)
class Text:
    fr: str
    en: str

    def get(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True)
class Condition:
    """Facts a variant needs; None means "whatever the value"."""

    appeal_info: bool | None = None
    channel: Channel | None = None


@dataclass(frozen=True)
class Reading:
    """One legally defensible way to count the rule (spec §3)."""

    id: str
    label: Text
    method: Method
    basis: tuple[str, ...] = ()


@dataclass(frozen=True)
class Variant:
    """The period, readings, basis and status that apply when `when` holds."""

    when: Condition
    period: Period
    readings: tuple[Reading, ...]
    basis: tuple[str, ...]
    status: Status
    notes: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    title: Text  # what to do (applicant) or what happens (administration)
    who: Who
    kind: Kind
    triggers: tuple[EventKind, ...]
    start: StartPolicy
    variants: tuple[Variant, ...]
    basis: tuple[str, ...]
    status: Status
    research: str  # section of spec/research behind the rule
    valid_from: date  # applies to triggers on or after this date
    valid_until: date | None = None
    replaced_by: EventKind | None = None  # not computed when this event is given
    produces: EventKind | None = None  # derived event born on the due date
    done_by: EventKind | None = None  # an event that shows the action was done
    notes: tuple[Text, ...] = field(default=())
    # Citation of the extension step: CPC 642 itself for court deadlines, "by analogy" elsewhere.
    extension_citation: str = "CPC art. 642 al. 2"
