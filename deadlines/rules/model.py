"""The typed vocabulary of the rule catalogue: events, facts, readings, variants, rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from deadlines.periods import Method, Period
from deadlines.text import Text

__all__ = ["Text"]  # re-exported: the catalogue's vocabulary


class EventKind(StrEnum):
    """Events of spec/rules.md, with their spec ids."""

    APPLICATION_FILED = "application-filed"
    CERTIFICATE_AVAILABLE = "certificate-available"
    ASYLUM_REGISTERED = "asylum-registered"
    OFII_REQUEST = "ofii-request"
    COLLEGE_REQUEST = "college-request"
    CERTIFICATE_RECEIVED = "certificate-received"
    REFUSAL_NOTIFIED = "refusal-notified"
    OQTF_NOTIFIED = "oqtf-notified"  # a date and, when known, a local time
    PERMIT_EXPIRES = "permit-expires"
    IMPLICIT_REFUSAL_BORN = "implicit-refusal-born"  # derived, never entered
    # Wave 2 (rules.md "What happens after the first decision"): events that move a deadline.
    LEGAL_AID_REQUESTED = "legal-aid-requested"  # received by the bureau d'aide juridictionnelle
    LEGAL_AID_DECIDED = "legal-aid-decided"  # the BAJ decision notified to the person
    LAWYER_DESIGNATED = "lawyer-designated"  # the lawyer designated under legal aid
    RECOURS_RECEIVED = "recours-received"  # a recours gracieux or hiérarchique (may repeat)
    RECOURS_REJECTED = "recours-rejected"  # an express rejection notified (may repeat)
    RECOURS_REJECTION_BORN = "recours-rejection-born"  # derived: silence on a recours
    MOTIVES_REQUESTED = "motives-requested"  # CRPA L.232-4
    MOTIVES_COMMUNICATED = "motives-communicated"
    ITEMS_REQUESTED = "items-requested"  # CRPA L.114-5: missing documents asked in writing
    ITEMS_PROVIDED = "items-provided"
    HOUSE_ARREST_NOTIFIED = "house-arrest-notified"  # after the OQTF (CESEDA R.921-1)
    RETENTION_NOTIFIED = "retention-notified"  # after the OQTF (CESEDA R.921-1)
    JUDGMENT_NOTIFIED = "judgment-notified"  # the tribunal administratif's judgment


REPEATABLE_EVENTS = frozenset(
    {
        EventKind.OFII_REQUEST,
        EventKind.COLLEGE_REQUEST,
        EventKind.RECOURS_RECEIVED,
        EventKind.RECOURS_REJECTED,
    }
)
DERIVED_EVENTS = frozenset({EventKind.IMPLICIT_REFUSAL_BORN, EventKind.RECOURS_REJECTION_BORN})
# Events whose time of day matters (an hour-based period can run from them).
TIMED_EVENTS = frozenset(
    {EventKind.OQTF_NOTIFIED, EventKind.HOUSE_ARREST_NOTIFIED, EventKind.RETENTION_NOTIFIED}
)


class Who(StrEnum):
    APPLICANT = "applicant"
    ADMINISTRATION = "administration"
    COURT = "court"


class Status(StrEnum):
    SETTLED = "SETTLED"
    PREVAILING = "PREVAILING"
    DISPUTED = "DISPUTED"
    OPEN = "OPEN"


STATUS_ORDER = (Status.SETTLED, Status.PREVAILING, Status.DISPUTED, Status.OPEN)
_STATUS_RANK = {status: rank for rank, status in enumerate(STATUS_ORDER)}


def weakest(*statuses: Status) -> Status:
    """The least settled of the statuses (a deadline is as uncertain as its weakest part)."""
    return max(statuses, key=_STATUS_RANK.__getitem__)


class Channel(StrEnum):
    ANEF = "anef"
    COUNTER = "counter"


class Regime(StrEnum):
    """The OQTF litigation regime, chosen by the date the decision was taken (loi 2024-42 art. 86
    IV; décret 2024-799 art. 9: decisions taken from 15 July 2024)."""

    OLD = "old"  # CESEDA L.614-1 ff. (2021 numbering), CJA R.776-1 ff.
    NEW = "new"  # CESEDA livre IX: L.911-1, L.921-1, L.921-2


class Custody(StrEnum):
    """The person's situation when the OQTF was notified (rules.md facts)."""

    NONE = "none"
    HOUSE_ARREST = "house-arrest"  # assignation à résidence, CESEDA L.731-1
    DETENTION = "detention"  # in prison
    RETENTION = "retention"  # rétention administrative


class OqtfGround(StrEnum):
    """The CESEDA L.611-1 ground printed on the OQTF; matters only in the old regime."""

    REFUSAL = "3"  # 3°: refusal or withdrawal of a titre de séjour
    ASYLUM = "4"  # 4°: asylum finally refused
    OTHER = "other"


class LegalAidOutcome(StrEnum):
    """What the bureau d'aide juridictionnelle decided (décret 2020-1717 art. 43)."""

    GRANTED = "granted"  # admission
    REFUSED = "refused"  # rejection
    PROVISIONAL = "provisional"  # admission provisoire
    LAPSED = "lapsed"  # caducité of the request


class Residence(StrEnum):
    """Where the person lives, for the délais de distance (CJA R.421-7, R.811-5)."""

    LOCAL = "local"  # same side as the court
    # Overseas before a metropolitan court, or outside the collectivity of an overseas court.
    OVERSEAS = "overseas"
    ABROAD = "abroad"


class StartPolicy(StrEnum):
    EACH = "each"  # one deadline per occurrence of each trigger event
    DISPUTED_START = "disputed-start"  # one deadline; each given trigger is a start reading


class Kind(StrEnum):
    DEADLINE = "deadline"  # something must be done by the date
    WINDOW_OPENS = "window-opens"  # the first day something may be done
    INFORMATION = "information"  # a date that happens (administration, court)


@dataclass(frozen=True)
class Condition:
    """Facts a variant needs; None means "whatever the value", a set means "one of these"."""

    appeal_info: bool | None = None
    channel: Channel | None = None
    regime: Regime | None = None
    departure_period: bool | None = None
    custody: frozenset[Custody] | None = None
    ground: frozenset[OqtfGround] | None = None
    # appeal-judgment: the judgment is on an OQTF (the case has `oqtf-notified`), and its
    # notification stated the appeal deadline (`judgment-appeal-info`).
    on_oqtf: bool | None = None
    judgment_appeal_info: bool | None = None


class Distance(StrEnum):
    """What the délais de distance (CJA R.421-7, R.811-5) do to a variant's period."""

    NONE = "none"  # never added (special deadlines: OQTF, Czabaj's year)
    ADDED = "added"  # added to the months: one period (2 + 1 = 3 months)
    READING = "reading"  # disputed: a reading with the extra months, one without (safe)


@dataclass(frozen=True)
class Reading:
    """One legally defensible way to count the rule (spec §3)."""

    id: str
    label: Text
    method: Method
    basis: tuple[str, ...] = ()


@dataclass(frozen=True)
class Variant:
    """The period, readings, basis and status that apply when `when` holds.

    A variant with an `id` is one row of a table of regimes (the OQTF appeal): its reading ids
    are prefixed with it (`new-1-month/franc`) and its `label` says in words which row applies.
    """

    when: Condition
    period: Period
    readings: tuple[Reading, ...]
    basis: tuple[str, ...]
    status: Status
    notes: tuple[Text, ...] = ()
    id: str = ""
    label: Text | None = None
    distance: Distance = Distance.NONE


@dataclass(frozen=True)
class Rule:
    """A deadline of the procedure as the spec states it: who acts, from what, how long, why."""

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
    replaced_by: EventKind | None = None  # not computed when this event is given…
    replaced_why: Text | None = None  # …for this reason (shown in a note)
    # Not computed for a trigger notified the same day as this event: the decisions were
    # notified together and follow that event's deadline (CA Q3).
    absorbed_by: EventKind | None = None
    produces: EventKind | None = None  # derived event born on the due date
    done_by: EventKind | None = None  # an event that shows the action was done
    # An event that shows, on or after the trigger, that the action was done at some point
    # without dating it: a judgment proves the appeal was filed (no "done late" check).
    closed_by: EventKind | None = None
    notes: tuple[Text, ...] = field(default=())
    # Citation of the extension step: CPC 642 itself for court deadlines, "by analogy" elsewhere.
    extension_citation: str = "CPC art. 642 al. 2"

    @property
    def must_act(self) -> bool:
        """A deadline the person must meet (not the administration's, not information or a
        window): what the agenda lists, `--check` watches and the calendar reminds of."""
        return self.who is Who.APPLICANT and self.kind is Kind.DEADLINE
