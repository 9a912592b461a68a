"""Structural checks of an .ics file (RFC 5545), independent of any iCalendar library.

``structural_problems(data)`` works on the raw bytes, so it sees what a parser would forgive:
line terminators, folding at 75 octets, UTF-8 split by a fold, unbalanced components, and the
properties the project requires (see shared/notes/anchors.md §4 and issue 4):

* every line ends with CRLF, the last one included; no bare LF or CR;
* no physical line longer than 75 octets (CRLF not counted); no fold inside a UTF-8 character;
* BEGIN/END balanced and properly nested, everything inside a VCALENDAR;
* VCALENDAR has VERSION:2.0 and PRODID; each VEVENT has UID, DTSTAMP and DTSTART; each VALARM
  has ACTION, TRIGGER and DESCRIPTION;
* every ``TZID=`` parameter names a VTIMEZONE of the same file, defined once.

``read_with_vobject(data)`` parses with vobject after emptying its process-wide TZID registry:
vobject 0.9.9 keeps the first VTIMEZONE it ever saw for a TZID and silently applies it to every
later file, so without the reset a test would not be reading the file's own VTIMEZONE.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

MAX_OCTETS = 75

REQUIRED: dict[str, tuple[str, ...]] = {
    "VCALENDAR": ("VERSION", "PRODID"),
    "VEVENT": ("UID", "DTSTAMP", "DTSTART"),
    "VALARM": ("ACTION", "TRIGGER", "DESCRIPTION"),
}

_NAME = re.compile(r"[A-Za-z0-9-]+")
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class ContentLine:
    """One unfolded content line: its first physical line number (1-based), name, params, value."""

    number: int
    name: str
    params: dict[str, list[str]]
    value: str


@dataclass
class _Open:
    name: str
    line: int
    props: dict[str, list[str]] = field(default_factory=dict)


def structural_problems(data: bytes) -> list[str]:
    """Every structural problem of ``data`` as a readable message; an empty list when fine."""
    if not data:
        return ["empty file"]
    problems = _line_ending_problems(data)
    physical = _LINE_BREAK.split(data)
    if physical and physical[-1] == b"":
        physical.pop()
    problems += _physical_line_problems(physical)
    lines, unfold_problems = _unfold(physical)
    problems += unfold_problems
    problems += _component_problems(lines)
    return problems


def _line_ending_problems(data: bytes) -> list[str]:
    problems: list[str] = []
    line = 1
    for match in _LINE_BREAK.finditer(data):
        if match.group() == b"\n":
            problems.append(f"line {line}: bare LF (lines must end with CRLF)")
        elif match.group() == b"\r":
            problems.append(f"line {line}: bare CR (lines must end with CRLF)")
        line += 1
    if not data.endswith(b"\r\n"):
        problems.append("last line is not terminated by CRLF")
    return problems


def _is_continuation_byte(octet: int) -> bool:
    return 0x80 <= octet <= 0xBF


def _physical_line_problems(physical: list[bytes]) -> list[str]:
    problems: list[str] = []
    for index, raw in enumerate(physical):
        number = index + 1
        if len(raw) > MAX_OCTETS:
            problems.append(f"line {number}: {len(raw)} octets, over the limit of {MAX_OCTETS}")
        is_fold = index > 0 and raw[:1] in {b" ", b"\t"}
        if is_fold and len(raw) > 1 and _is_continuation_byte(raw[1]):
            problems.append(f"line {number}: the fold splits a UTF-8 multi-byte character")
    return problems


def _unfold(physical: list[bytes]) -> tuple[list[tuple[int, bytes]], list[str]]:
    """Logical lines as (first physical line number, bytes), and folding problems."""
    logical: list[tuple[int, bytes]] = []
    problems: list[str] = []
    for index, raw in enumerate(physical):
        if raw[:1] in {b" ", b"\t"}:
            if not logical:
                problems.append(f"line {index + 1}: continuation line with nothing to continue")
                continue
            start, text = logical[-1]
            logical[-1] = (start, text + raw[1:])
        else:
            logical.append((index + 1, raw))
    return logical, problems


def _parse_params(text: str, pos: int) -> tuple[dict[str, list[str]], int] | None:
    """Parameters from ``text[pos]`` (a ';') up to the ':' before the value; None if malformed."""
    params: dict[str, list[str]] = {}
    while pos < len(text) and text[pos] == ";":
        name = _NAME.match(text, pos + 1)
        if name is None or name.end() >= len(text) or text[name.end()] != "=":
            return None
        pos = name.end()
        values: list[str] = []
        while pos < len(text) and text[pos] in "=,":
            pos += 1
            if pos < len(text) and text[pos] == '"':
                close = text.find('"', pos + 1)
                if close < 0:
                    return None
                values.append(text[pos + 1 : close])
                pos = close + 1
            else:
                end = pos
                while end < len(text) and text[end] not in ';:,"':
                    end += 1
                values.append(text[pos:end])
                pos = end
        params.setdefault(name.group().upper(), []).extend(values)
    if pos >= len(text) or text[pos] != ":":
        return None
    return params, pos + 1


def parse_content_lines(lines: list[tuple[int, bytes]]) -> Iterator[ContentLine | str]:
    """Each logical line as a ContentLine, or a problem message if it is not one."""
    for number, raw in lines:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            yield f"line {number}: invalid UTF-8 ({error.reason})"
            text = raw.decode("utf-8", errors="replace")
        name = _NAME.match(text)
        parsed = _parse_params(text, name.end()) if name else None
        if name is None or parsed is None:
            yield f"line {number}: not a content line: {text[:40]!r}"
            continue
        params, value_start = parsed
        yield ContentLine(number, name.group().upper(), params, text[value_start:])


def _component_problems(lines: list[tuple[int, bytes]]) -> list[str]:
    problems: list[str] = []
    stack: list[_Open] = []
    tzids_used: dict[str, int] = {}
    tzids_defined: dict[str, int] = {}
    for item in parse_content_lines(lines):
        if isinstance(item, str):
            problems.append(item)
            continue
        if item.name == "BEGIN":
            kind = item.value.strip().upper()
            if not stack and kind != "VCALENDAR":
                problems.append(f"line {item.number}: BEGIN:{kind} outside a VCALENDAR")
            stack.append(_Open(kind, item.number))
        elif item.name == "END":
            problems += _close(item, stack, tzids_defined)
        elif not stack:
            problems.append(f"line {item.number}: {item.name} outside any component")
        else:
            stack[-1].props.setdefault(item.name, []).append(item.value)
        for tzid in item.params.get("TZID", []):
            tzids_used.setdefault(tzid, item.number)
    for still_open in reversed(stack):
        problems.append(f"line {still_open.line}: BEGIN:{still_open.name} is never closed")
    for tzid, number in tzids_used.items():
        if tzid not in tzids_defined:
            problems.append(f"line {number}: TZID={tzid} has no VTIMEZONE in the file")
    return problems


def _close(item: ContentLine, stack: list[_Open], tzids_defined: dict[str, int]) -> list[str]:
    kind = item.value.strip().upper()
    if not stack or stack[-1].name != kind:
        opened = f"BEGIN:{stack[-1].name} (line {stack[-1].line})" if stack else "nothing"
        problems = [f"line {item.number}: END:{kind} does not close {opened}"]
        if any(component.name == kind for component in stack):
            while stack[-1].name != kind:
                dropped = stack.pop()
                problems.append(f"line {dropped.line}: BEGIN:{dropped.name} is never closed")
        else:
            return problems
    else:
        problems = []
    component = stack.pop()
    problems += [
        f"line {component.line}: {component.name} has no {prop}"
        for prop in REQUIRED.get(component.name, ())
        if prop not in component.props
    ]
    if component.name == "VCALENDAR" and component.props.get("VERSION", ["2.0"]) != ["2.0"]:
        problems.append(f"line {component.line}: VCALENDAR VERSION is not 2.0")
    if component.name == "VTIMEZONE":
        for tzid in component.props.get("TZID", []):
            if tzid in tzids_defined:
                problems.append(f"line {component.line}: second VTIMEZONE for TZID {tzid}")
            tzids_defined[tzid] = component.line
        if "TZID" not in component.props:
            problems.append(f"line {component.line}: VTIMEZONE has no TZID")
    return problems


def read_with_vobject(data: bytes) -> Any:
    """The calendar as vobject reads it when it has seen no other file before.

    vobject.icalendar keeps a module-level TZID → tzinfo map; a VTIMEZONE is registered only if
    its TZID is not there yet (``TimezoneComponent.registerTzinfo``), so the first definition
    read in the process wins. The map is emptied (UTC kept) before parsing.
    """
    import vobject
    import vobject.icalendar as vobject_icalendar

    registry = vars(vobject_icalendar)["__tzidMap"]
    registry.clear()
    vobject_icalendar.registerTzid("UTC", vobject_icalendar.utc)
    return vobject.readOne(data.decode("utf-8"))
