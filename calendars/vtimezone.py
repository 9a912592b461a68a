"""Fixed VTIMEZONE definitions (RFC 5545 §3.6.5) for the zones the project uses.

Why hand-written: icalendar's ``add_missing_timezones()`` writes each zone as long comma-separated
RDATE lists, and vobject 0.9.9 keeps only the first RDATE value of a list, so it reads summer
times one hour off (shared/notes/dependencies.md §5). The same zones written with yearly RRULEs
are read correctly by icalendar, vobject, khal and Radicale. These texts are therefore shipped
as constants, in RRULE form and without any RDATE, and are never generated at run time.

Scope: each definition matches the IANA database (tzdata 2026) for every instant of the
project's supported years, ``FIRST_YEAR`` to ``LAST_YEAR`` inclusive; tests/calendars checks this
against zoneinfo at every transition. Earlier history is only followed as far as it is cheap
to do so (each first DTSTART is a real onset), never relied upon.

Rules written here (tzdata names in brackets):

* Europe/Paris [EU]: CEST from the last Sunday of March 02:00 to the last Sunday of October
  03:00 local (01:00 UTC both), in force since 1996.
* America/Miquelon [Canada]: -02 from the first Sunday of April to the last Sunday of October
  (02:00 local) from 1987 to 2006; from 2007 on, from the second Sunday of March to the first
  Sunday of November. The old rules stop with UNTIL (UTC, as RFC 5545 §3.3.10 requires when
  DTSTART is local time) and the new ones start in separate components.
* No daylight saving since before 2000, so one STANDARD component each: Guadeloupe, Martinique,
  Saint-Barthélemy, Saint-Martin (AST, UTC-4; Martinique's one summer of 1980 ended on
  28 Sept. 1980), Guyane (UTC-3), La Réunion (UTC+4), Mayotte (EAT, UTC+3).

The module is pure stdlib and imports nothing from icalendar, so that ``deadlines`` commands
that do not export a calendar pay nothing for it.
"""

from __future__ import annotations

from types import MappingProxyType

FIRST_YEAR = 2000
LAST_YEAR = 2050

_PARIS = """\
BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:DAYLIGHT
DTSTART:19960331T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
END:DAYLIGHT
BEGIN:STANDARD
DTSTART:19961027T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
END:STANDARD
END:VTIMEZONE
"""

_MIQUELON = """\
BEGIN:VTIMEZONE
TZID:America/Miquelon
BEGIN:DAYLIGHT
DTSTART:19870405T020000
RRULE:FREQ=YEARLY;UNTIL=20060402T050000Z;BYMONTH=4;BYDAY=1SU
TZOFFSETFROM:-0300
TZOFFSETTO:-0200
TZNAME:-02
END:DAYLIGHT
BEGIN:STANDARD
DTSTART:19871025T020000
RRULE:FREQ=YEARLY;UNTIL=20061029T040000Z;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:-0200
TZOFFSETTO:-0300
TZNAME:-03
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:20070311T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
TZOFFSETFROM:-0300
TZOFFSETTO:-0200
TZNAME:-02
END:DAYLIGHT
BEGIN:STANDARD
DTSTART:20071104T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
TZOFFSETFROM:-0200
TZOFFSETTO:-0300
TZNAME:-03
END:STANDARD
END:VTIMEZONE
"""

_GUADELOUPE = """\
BEGIN:VTIMEZONE
TZID:America/Guadeloupe
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:-0400
TZOFFSETTO:-0400
TZNAME:AST
END:STANDARD
END:VTIMEZONE
"""

_MARTINIQUE = """\
BEGIN:VTIMEZONE
TZID:America/Martinique
BEGIN:STANDARD
DTSTART:19800928T000000
TZOFFSETFROM:-0300
TZOFFSETTO:-0400
TZNAME:AST
END:STANDARD
END:VTIMEZONE
"""

_CAYENNE = """\
BEGIN:VTIMEZONE
TZID:America/Cayenne
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:-0300
TZOFFSETTO:-0300
TZNAME:-03
END:STANDARD
END:VTIMEZONE
"""

_REUNION = """\
BEGIN:VTIMEZONE
TZID:Indian/Reunion
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:+0400
TZOFFSETTO:+0400
TZNAME:+04
END:STANDARD
END:VTIMEZONE
"""

_MAYOTTE = """\
BEGIN:VTIMEZONE
TZID:Indian/Mayotte
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:+0300
TZOFFSETTO:+0300
TZNAME:EAT
END:STANDARD
END:VTIMEZONE
"""

_ST_BARTHELEMY = """\
BEGIN:VTIMEZONE
TZID:America/St_Barthelemy
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:-0400
TZOFFSETTO:-0400
TZNAME:AST
END:STANDARD
END:VTIMEZONE
"""

_MARIGOT = """\
BEGIN:VTIMEZONE
TZID:America/Marigot
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:-0400
TZOFFSETTO:-0400
TZNAME:AST
END:STANDARD
END:VTIMEZONE
"""

_TEXTS: dict[str, str] = {
    "Europe/Paris": _PARIS,
    "America/Guadeloupe": _GUADELOUPE,
    "America/Martinique": _MARTINIQUE,
    "America/Cayenne": _CAYENNE,
    "Indian/Reunion": _REUNION,
    "America/Miquelon": _MIQUELON,
    "Indian/Mayotte": _MAYOTTE,
    "America/St_Barthelemy": _ST_BARTHELEMY,
    "America/Marigot": _MARIGOT,
}

_LINES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {zone: tuple(text.splitlines()) for zone, text in _TEXTS.items()}
)

ZONES: tuple[str, ...] = tuple(_LINES)
"""The IANA zones that have a definition here, métropole first."""


def vtimezone_lines(zone: str) -> tuple[str, ...]:
    """The VTIMEZONE of ``zone`` as unfolded content lines, without line terminators.

    Every line is plain ASCII and shorter than 75 octets, so it needs no folding. Raises
    ``KeyError`` naming the known zones for any other zone.
    """
    try:
        return _LINES[zone]
    except KeyError:
        raise KeyError(f"no VTIMEZONE for {zone!r}; known zones: {', '.join(ZONES)}") from None
