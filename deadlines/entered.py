"""What a user entered about a case (strings, by input id) parsed strictly into a Case.

Pure: no I/O, no CLI library. Errors name the input (`field`, its id); the caller turns it into
its own vocabulary (the CLI option, a CSV column).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from deadlines.case import Case, Facts, make_case
from deadlines.dates import parse_date, parse_date_time
from deadlines.errors import InputError
from deadlines.inputs import EVENT_INPUTS, FACT_INPUTS, Entered, Kind
from deadlines.rules.model import (
    Channel,
    Custody,
    EventKind,
    LegalAidOutcome,
    OqtfGround,
    Residence,
)
from deadlines.territories import territory


def parse_channel(text: str) -> Channel:
    try:
        return Channel(text.strip().lower())
    except ValueError:
        raise InputError("channel.unknown", field="channel", value=text) from None


def parse_custody(text: str) -> Custody:
    try:
        return Custody(text.strip().lower())
    except ValueError:
        raise InputError("custody.unknown", field="custody", value=text) from None


def parse_ground(text: str) -> OqtfGround:
    cleaned = text.strip().lower().removesuffix("°")
    try:
        return OqtfGround(cleaned)
    except ValueError:
        raise InputError("ground.unknown", field="oqtf-ground", value=text) from None


def parse_legal_aid_outcome(text: str) -> LegalAidOutcome:
    try:
        return LegalAidOutcome(text.strip().lower())
    except ValueError:
        raise InputError(
            "legal-aid-outcome.unknown", field="legal-aid-outcome", value=text
        ) from None


def parse_residence(text: str) -> Residence:
    try:
        return Residence(text.strip().lower())
    except ValueError:
        raise InputError("residence.unknown", field="residence", value=text) from None


def _territory_code(text: str) -> str:
    return territory(text).code


def _decided(text: str) -> date:
    return parse_date(text, "oqtf-decided")


# A fact's text -> its value, for every fact of the catalogue but the yes-no ones.
FACT_PARSERS: dict[str, Callable[[str], object]] = {
    "oqtf-decided": _decided,
    "custody": parse_custody,
    "oqtf-ground": parse_ground,
    "channel": parse_channel,
    "legal-aid-outcome": parse_legal_aid_outcome,
    "residence": parse_residence,
    "territory": _territory_code,
}

# Facts that describe one event, refused when typed without it (even at their default value: a
# mistake, not something to ignore). The OQTF's facts go with `oqtf-notified`.
FACTS_OF_EVENT: dict[str, EventKind] = {
    "custody": EventKind.OQTF_NOTIFIED,
    "oqtf-ground": EventKind.OQTF_NOTIFIED,
    "legal-aid-outcome": EventKind.LEGAL_AID_DECIDED,
    "judgment-appeal-info": EventKind.JUDGMENT_NOTIFIED,
}
_WITHOUT_EVENT = {
    EventKind.OQTF_NOTIFIED: "oqtf.fact-without-oqtf",
    EventKind.LEGAL_AID_DECIDED: "legal-aid.outcome-without-decision",
    EventKind.JUDGMENT_NOTIFIED: "judgment.fact-without-judgment",
}


def check_facts_of_events(entered: Entered, kinds: set[EventKind]) -> None:
    """Refuse a fact typed without the event it describes (`kinds`: the events of the case,
    given or already stored)."""
    for fact, kind in FACTS_OF_EVENT.items():
        if entered.get(fact) is not None and kind not in kinds:
            raise InputError(_WITHOUT_EVENT[kind], field=fact)


# Events a user can enter, in the order of the procedure (derived events are never entered).
ENTERED_EVENTS: tuple[EventKind, ...] = tuple(EventKind(i.id) for i in EVENT_INPUTS)
_TIMED = frozenset(EventKind(i.id) for i in EVENT_INPUTS if i.kind is Kind.DATE_TIME)


def _texts(value: str | list[str] | bool | None) -> list[str]:
    if value is None or isinstance(value, bool):
        return []
    return [value] if isinstance(value, str) else list(value)


def _entered_event(kind: EventKind, text: str) -> date:
    if kind in _TIMED:
        day, at = parse_date_time(text, field=kind.value)
        return datetime.combine(day, at) if at is not None else day
    return parse_date(text, field=kind.value)


def parse_events(entered: Entered) -> list[tuple[EventKind, date]]:
    """Every entered event parsed strictly, in the order of the procedure."""
    return [
        (kind, _entered_event(kind, text))
        for kind in ENTERED_EVENTS
        for text in _texts(entered.get(kind.value))
        if text
    ]


def merge_facts(old: Facts, entered: Entered) -> Facts:
    """`old` with the facts the user gave (None or absent: keep); each value parsed strictly."""
    changes: dict[str, object] = {}
    for spec in FACT_INPUTS:
        value = entered.get(spec.id)
        if value is None or value == "":
            continue
        if spec.kind is Kind.YES_NO:
            changes[spec.fact] = bool(value)
        elif isinstance(value, str):
            changes[spec.fact] = FACT_PARSERS[spec.id](value)
    return replace(old, **changes)  # type: ignore[arg-type]  # fields checked by the catalogue


def build_case(entered: Entered, require_event: bool = True) -> Case:
    """Parse every value strictly and build the case; the first bad value raises InputError.

    A fact not given takes its default (Facts); a fact that describes an event (the OQTF's,
    the legal-aid decision's, the judgment's) given without that event is refused.
    """
    facts = merge_facts(Facts(territory=territory(Facts().territory).code), entered)
    # Values that describe an event (an OQTF, a legal-aid decision, a judgment), typed without
    # it: a mistake, not something to ignore.
    check_facts_of_events(entered, {k for k in ENTERED_EVENTS if entered.get(k.value)})
    pairs = parse_events(entered)
    if not pairs and require_event:
        raise InputError("case.no-event", field=None)
    return make_case(pairs, facts)
