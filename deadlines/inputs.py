"""From what the user typed (strings) to a validated Case. Pure: no I/O, no CLI library.

Errors name the event or fact (`field`); the caller turns it into its own vocabulary (the CLI
option, later a CSV column).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from deadlines.case import Case, Facts, make_case
from deadlines.dates import parse_date, parse_date_time
from deadlines.errors import InputError
from deadlines.rules.model import (
    DERIVED_EVENTS,
    TIMED_EVENTS,
    Channel,
    Custody,
    EventKind,
    OqtfGround,
)
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


def parse_custody(text: str | None) -> Custody:
    if text is None:
        return Custody.NONE
    try:
        return Custody(text.strip().lower())
    except ValueError:
        raise InputError("custody.unknown", field="custody", value=text) from None


def parse_ground(text: str | None) -> OqtfGround:
    if text is None:
        return OqtfGround.REFUSAL
    cleaned = text.strip().lower().removesuffix("°")
    try:
        return OqtfGround(cleaned)
    except ValueError:
        raise InputError("ground.unknown", field="oqtf-ground", value=text) from None


def _entered(kind: EventKind, text: str) -> date:
    if kind in TIMED_EVENTS:
        day, at = parse_date_time(text, field=kind.value)
        return datetime.combine(day, at) if at is not None else day
    return parse_date(text, field=kind.value)


def parse_events(events: Mapping[EventKind, Sequence[str]]) -> list[tuple[EventKind, date]]:
    """Every entered event parsed strictly, in the order of the procedure."""
    return [
        (kind, _entered(kind, text)) for kind in ENTERED_EVENTS for text in events.get(kind, ())
    ]


def build_case(
    events: Mapping[EventKind, Sequence[str]],
    territory_code: str | None = None,
    appeal_info: bool = True,
    channel: str | None = None,
    oqtf_decided: str | None = None,
    departure_period: bool | None = None,
    custody: str | None = None,
    oqtf_ground: str | None = None,
    require_event: bool = True,
) -> Case:
    """Parse every value strictly and build the case; the first bad value raises InputError.

    None means "not given": the OQTF facts given without an OQTF are refused by `Case`.
    """
    code = territory(territory_code or DEFAULT_TERRITORY).code
    facts = Facts(
        territory=code,
        appeal_info=appeal_info,
        channel=parse_channel(channel),
        oqtf_decided=parse_date(oqtf_decided, "oqtf-decided") if oqtf_decided else None,
        departure_period=departure_period,
        custody=parse_custody(custody),
        ground=parse_ground(oqtf_ground),
    )
    if not events.get(EventKind.OQTF_NOTIFIED):
        # Values that describe an OQTF, typed without one: a mistake, not something to ignore.
        for name, value in (("custody", custody), ("oqtf-ground", oqtf_ground)):
            if value is not None:
                raise InputError("oqtf.fact-without-oqtf", field=name)
    pairs = parse_events(events)
    if not pairs and require_event:
        raise InputError("case.no-event", field=None)
    return make_case(pairs, facts)


def merge_facts(
    old: Facts,
    territory_code: str | None = None,
    appeal_info: bool | None = None,
    channel: str | None = None,
    oqtf_decided: str | None = None,
    departure_period: bool | None = None,
    custody: str | None = None,
    oqtf_ground: str | None = None,
) -> Facts:
    """`old` with the facts the user gave (None: keep); each value parsed strictly."""
    return Facts(
        territory=territory(territory_code).code if territory_code else old.territory,
        appeal_info=old.appeal_info if appeal_info is None else appeal_info,
        channel=parse_channel(channel) if channel is not None else old.channel,
        oqtf_decided=(
            parse_date(oqtf_decided, "oqtf-decided") if oqtf_decided else old.oqtf_decided
        ),
        departure_period=old.departure_period if departure_period is None else departure_period,
        custody=parse_custody(custody) if custody is not None else old.custody,
        ground=parse_ground(oqtf_ground) if oqtf_ground is not None else old.ground,
    )
