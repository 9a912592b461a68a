"""From what the user typed (strings) to a validated Case. Pure: no I/O, no CLI library.

Errors name the event or fact (`field`); the caller turns it into its own vocabulary (the CLI
option, later a CSV column).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from deadlines.case import Case, Facts, make_case
from deadlines.dates import parse_date
from deadlines.errors import InputError
from deadlines.rules.model import DERIVED_EVENTS, Channel, EventKind
from deadlines.territories import DEFAULT_TERRITORY, territory

# Events a user can enter, in the order of the procedure.
ENTERED_EVENTS: tuple[EventKind, ...] = tuple(k for k in EventKind if k not in DERIVED_EVENTS)


def parse_channel(text: str | None) -> Channel | None:
    if text is None:
        return None
    try:
        return Channel(text.strip().lower())
    except ValueError:
        raise InputError("channel.unknown", field="channel", value=text) from None


def build_case(
    events: Mapping[EventKind, Sequence[str]],
    territory_code: str | None = None,
    appeal_info: bool = True,
    channel: str | None = None,
) -> Case:
    """Parse every date strictly and build the case; the first bad value raises InputError."""
    code = territory(territory_code or DEFAULT_TERRITORY).code
    facts = Facts(territory=code, appeal_info=appeal_info, channel=parse_channel(channel))
    pairs = []
    for kind in ENTERED_EVENTS:
        for text in events.get(kind, ()):
            pairs.append((kind, parse_date(text, field=kind.value)))
    if not pairs:
        raise InputError("case.no-event", field=None)
    return make_case(pairs, facts)
