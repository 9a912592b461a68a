"""What cannot be true, and what is merely unlikely, in what a caseworker enters.

Impossible values are refused (InputError, exit status 2): a decision cannot have been notified
after the moment the case is looked at, and a deadline cannot have been met on a day still to
come. Unlikely values (a filing date months ahead: a year typed wrong; a reference that reads
like a person's name) are said, so that nothing odd is taken in silence; the command line's
--accept-unlikely says they are right.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from deadlines.errors import InputError
from deadlines.rules.model import EventKind

# Events that happened to the person: a decision notified or communicated to them, so never
# after "now". The other events (a request sent, a recours or documents received) lying ahead
# are only unlikely: said, as a filing date ahead is.
NOTIFIED = frozenset(
    {
        EventKind.REFUSAL_NOTIFIED,
        EventKind.OQTF_NOTIFIED,
        EventKind.LEGAL_AID_DECIDED,
        EventKind.RECOURS_REJECTED,
        EventKind.MOTIVES_COMMUNICATED,
        EventKind.HOUSE_ARREST_NOTIFIED,
        EventKind.RETENTION_NOTIFIED,
        EventKind.JUDGMENT_NOTIFIED,
    }
)
# Events whose date lies ahead by nature.
AHEAD = frozenset({EventKind.PERMIT_EXPIRES})


@dataclass(frozen=True)
class Unlikely:
    """A value that may be a typing mistake: a message key and its parameters."""

    key: str
    field: str
    value: date | str


def check_events(
    events: Iterable[tuple[EventKind, date]], as_of: date, now: datetime | None
) -> list[Unlikely]:
    """Refuse a notification after the reference moment; the entered dates that lie ahead."""
    unlikely: list[Unlikely] = []
    for kind, when in events:
        day = when.date() if isinstance(when, datetime) else when
        late = day > as_of
        if isinstance(when, datetime) and now is not None and day == as_of:
            late = when > now.replace(tzinfo=None)
        if kind in NOTIFIED and late:
            raise InputError("input.notified-later", field=kind.value, day=day, as_of=as_of)
        if kind not in AHEAD and day > as_of:
            unlikely.append(Unlikely("input.date-ahead", kind.value, day))
    return unlikely


def check_done_day(day: date, as_of: date) -> None:
    """A deadline is met on a day that has come."""
    if day > as_of:
        raise InputError("done.future", field="on", day=day, as_of=as_of)


# A civility, or two to four capitalised words of letters: « Mme Diallo », « Jean Dupont ».
_CIVILITY = re.compile(r"^(m|mr|mrs|ms|mme|mlle|melle|dr|monsieur|madame)\.?\s", re.IGNORECASE)
_NAME_WORD = r"[A-ZÀ-Ý][a-zà-ÿ]+(?:[-'][A-ZÀ-Ýa-zà-ÿ]+)*"
_FULL_NAME = re.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}$")


def looks_like_a_name(ref: str) -> bool:
    """A reference that reads like a person's name (it would be written into every calendar)."""
    text = ref.strip()
    return bool(_CIVILITY.match(text) or _FULL_NAME.match(text))


def check_ref(ref: str) -> list[Unlikely]:
    return [Unlikely("ref.looks-like-a-name", "ref", ref)] if looks_like_a_name(ref) else []
