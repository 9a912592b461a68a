"""What a user can enter about a case, declared once; and from the typed strings to a Case.

`INPUTS` is the one catalogue of the events and facts a caseworker can enter: its id (the spec's
id, the CSV column), what kind of value it takes, its help in French and English and where the
spec defines it. The options of `compute`, `case add` and `case set`, the events `case unset`
accepts, the CSV columns and the README's option table all come from it (tests/deadlines/
test_inputs.py keeps the README honest). Adding an event: one entry here, and its rules.

Pure: no I/O, no CLI library. Errors name the input (`field`, its id); the caller turns it into
its own vocabulary (the CLI option, a CSV column).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from deadlines.case import Case, Facts, make_case
from deadlines.dates import parse_date, parse_date_time
from deadlines.errors import InputError
from deadlines.rules.model import Channel, Custody, EventKind, OqtfGround
from deadlines.territories import territory
from deadlines.text import Text


class Kind(StrEnum):
    """The kind of value an input takes."""

    DATE = "date"  # one date: 04/03/2025 or 2025-03-04
    DATE_TIME = "date-time"  # a date, with the local time when it matters (48-hour deadlines)
    DATES = "dates"  # a date that may be given several times (repeated requests)
    CHOICE = "choice"  # one word of `choices`
    YES_NO = "yes-no"  # yes or no (--x / --no-x)
    CODE = "code"  # a territory code


# What a user typed for each input, by id: the text of a date or choice, the texts of a
# repeatable date, True/False for yes-no; None (or absent) when not given.
Entered = Mapping[str, str | list[str] | bool | None]


@dataclass(frozen=True)
class Input:
    """One thing a caseworker can enter: an event of the spec (a date) or a fact of the case."""

    id: str  # the spec's id; the CSV column; the option is --{id} unless `option` says otherwise
    kind: Kind
    help: Text
    spec: str  # where ../shared/spec defines it
    option: str = ""  # the command-line option, when it is not --{id}
    choices: tuple[str, ...] = ()
    fact: str = ""  # the Facts field it sets; empty for an event
    parse: Callable[[str], object] | None = None  # a fact's text -> its value (not yes-no)

    @property
    def flag(self) -> str:
        """The command-line option (yes-no: the positive form)."""
        return self.option or f"--{self.id}"

    @property
    def metavar(self) -> str:
        if self.kind is Kind.DATE_TIME:
            return "DATE[ HH:MM]"
        if self.kind is Kind.CHOICE:
            return "|".join(self.choices)
        return "CODE" if self.kind is Kind.CODE else "DATE"

    @property
    def event(self) -> EventKind | None:
        return None if self.fact else EventKind(self.id)


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


def _territory_code(text: str) -> str:
    return territory(text).code


def _decided(text: str) -> date:
    return parse_date(text, "oqtf-decided")


def _event(id_: str, kind: Kind, fr: str, en: str, spec: str, option: str = "") -> Input:
    return Input(id_, kind, Text(fr, en), spec, option)


# In the order of the procedure, as `compute --help` lists them.
INPUTS: tuple[Input, ...] = (
    _event(
        "application-filed",
        Kind.DATE,
        "Dépôt de la demande (ANEF ou guichet).",
        "The préfecture received the application (ANEF filing date or counter receipt).",
        "rules.md events",
        option="--filed",
    ),
    _event(
        "certificate-available",
        Kind.DATE,
        "Certificat médical mis à disposition dans l'espace ANEF.",
        "The blank medical certificate was made available in the ANEF space.",
        "rules.md events",
    ),
    _event(
        "asylum-registered",
        Kind.DATE,
        "Enregistrement de la demande d'asile.",
        "Date on the attestation de demande d'asile (3-month rule replaces the 1-month one).",
        "rules.md events",
    ),
    _event(
        "ofii-request",
        Kind.DATES,
        "Demande du médecin de l'OFII (répétable).",
        "The OFII doctor asked for information or exams (repeatable).",
        "rules.md events",
    ),
    _event(
        "college-request",
        Kind.DATES,
        "Demande du collège de médecins (répétable).",
        "The collège de médecins asked for information (repeatable).",
        "rules.md events",
    ),
    _event(
        "certificate-received",
        Kind.DATE,
        "Certificat reçu par l'OFII (accusé).",
        "The OFII acknowledged receipt of the certificate (marks the certificate deadline done).",
        "rules.md events",
    ),
    _event(
        "refusal-notified",
        Kind.DATE,
        "Refus de titre notifié seul (notifié le même jour que l'OQTF, il suit le délai de "
        "l'OQTF).",
        "An express refusal of the titre, without OQTF, was notified (one notified the same day "
        "as the OQTF follows the OQTF's deadline).",
        "rules.md events",
    ),
    _event(
        "oqtf-notified",
        Kind.DATE_TIME,
        'OQTF notifiée : date et heure locale ("04/03/2025 10:30", 2025-03-04T10:30) ; '
        "l'heure compte pour un délai de 48 heures.",
        'The OQTF was notified, with the local time ("04/03/2025 10:30", "04/03/2025 10h30", '
        "2025-03-04T10:30); the time matters for a 48-hour deadline.",
        "rules.md events",
    ),
    Input(
        "oqtf-decided",
        Kind.DATE,
        Text(
            "Date à laquelle l'OQTF a été prise (date de l'arrêté) : elle choisit le régime "
            "(avant / à compter du 15 juillet 2024).",
            "The date the OQTF was taken (date of the arrêté): it picks the regime (before / "
            "from 15 July 2024).",
        ),
        "rules.md facts, oqtf-appeal by regime",
        fact="oqtf_decided",
        parse=_decided,
    ),
    Input(
        "departure-period",
        Kind.YES_NO,
        Text(
            "L'OQTF accorde un délai de départ volontaire (obligatoire avec --oqtf-notified).",
            "The OQTF grants a délai de départ volontaire; required with --oqtf-notified.",
        ),
        "rules.md facts",
        fact="departure_period",
    ),
    Input(
        "custody",
        Kind.CHOICE,
        Text(
            "Situation à la notification de l'OQTF : libre, assignation à résidence, détention, "
            "rétention (défaut : none).",
            "The person's situation when the OQTF was notified (default none).",
        ),
        "rules.md facts",
        choices=tuple(c.value for c in Custody),
        fact="custody",
        parse=parse_custody,
    ),
    Input(
        "oqtf-ground",
        Kind.CHOICE,
        Text(
            "Fondement de l'OQTF (L.611-1) : 3 refus de titre, 4 asile refusé, other (défaut : 3 "
            "; compte avant le 15 juillet 2024).",
            "The L.611-1 ground printed on the OQTF (default 3, refusal of titre); matters "
            "before 15 July 2024.",
        ),
        "rules.md facts",
        choices=tuple(g.value for g in OqtfGround),
        fact="ground",
        parse=parse_ground,
    ),
    Input(
        "appeal-info",
        Kind.YES_NO,
        Text(
            "La notification ou l'accusé de réception indiquait les voies et délais de recours "
            "(par défaut : oui).",
            "The notification or acknowledgment stated the voies et délais de recours (default: "
            "yes); without them, the one-year Czabaj period applies.",
        ),
        "spec §3, rules.md facts",
        fact="appeal_info",
    ),
    _event(
        "permit-expires",
        Kind.DATE,
        "Expiration du titre ou de l'APS.",
        "The current permit or APS expires (renewal window).",
        "rules.md events",
    ),
    Input(
        "channel",
        Kind.CHOICE,
        Text(
            "Renouvellement déposé sur l'ANEF ou au guichet.",
            "Renewal filed on ANEF or at a counter; when not given, ANEF is assumed if the "
            "window opens after 31 July 2024, otherwise both windows are shown with a warning.",
        ),
        "spec §3",
        choices=tuple(c.value for c in Channel),
        fact="channel",
        parse=parse_channel,
    ),
    Input(
        "territory",
        Kind.CODE,
        Text(
            "Département ou collectivité (75, 2A, 971…). Défaut 75.",
            "Department 01–95, 2A, 2B, or 971–978 (default 75): holidays and time zone of the "
            "place where the act is done.",
        ),
        "spec §5",
        fact="territory",
        parse=_territory_code,
    ),
)

EVENT_INPUTS = tuple(i for i in INPUTS if i.event is not None)
FACT_INPUTS = tuple(i for i in INPUTS if i.event is None)
# The OQTF's own facts: typed without an OQTF they are a mistake, and they go with it.
OQTF_FACTS = ("oqtf-decided", "departure-period", "custody", "oqtf-ground")

# Events a user can enter, in the order of the procedure (derived events are never entered).
ENTERED_EVENTS: tuple[EventKind, ...] = tuple(
    k for k in EventKind if any(i.event is k for i in EVENT_INPUTS)
)
_INPUT_OF_KIND = {i.event: i for i in EVENT_INPUTS}


def _texts(value: str | list[str] | bool | None) -> list[str]:
    if value is None or isinstance(value, bool):
        return []
    return [value] if isinstance(value, str) else list(value)


def _entered_event(kind: EventKind, text: str) -> date:
    if _INPUT_OF_KIND[kind].kind is Kind.DATE_TIME:
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
        elif isinstance(value, str) and spec.parse is not None:
            changes[spec.fact] = spec.parse(value)
    return replace(old, **changes)  # type: ignore[arg-type]  # fields checked by the catalogue


def build_case(entered: Entered, require_event: bool = True) -> Case:
    """Parse every value strictly and build the case; the first bad value raises InputError.

    A fact not given takes its default (Facts); the OQTF facts given without an OQTF are
    refused.
    """
    facts = merge_facts(Facts(territory=territory(Facts().territory).code), entered)
    if not entered.get(EventKind.OQTF_NOTIFIED.value):
        # Values that describe an OQTF, typed without one: a mistake, not something to ignore.
        for fact in ("custody", "oqtf-ground"):
            if entered.get(fact) is not None:
                raise InputError("oqtf.fact-without-oqtf", field=fact)
    pairs = parse_events(entered)
    if not pairs and require_event:
        raise InputError("case.no-event", field=None)
    return make_case(pairs, facts)
