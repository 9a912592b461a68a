"""Tables that fit the terminal without cutting a date: column widths, and the boxed lines of the
caseload lists.

One mechanism for every list (`agenda`, `case list`), short or long: rich lays a table out cell
by cell (~0.5 ms a row, seconds for thousands), so the lists are drawn here, as plain lines in
rich's box style. The compute table is drawn by rich, with the widths `fit` chooses.

`fit` gives each column at least its longest unbreakable unit (a `protect`ed date is one unit)
and at most its longest line, shrinking the widest columns first; when even the units do not
fit, it says so and the caller chooses a narrower layout (fewer columns, or one block per row).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rendering.words import wrap


@dataclass(frozen=True)
class Column:
    header: str
    right: bool = False  # right-aligned (numbers)
    # A column that wraps is given at least this width, when its content is wider: a title
    # three words a line is harder to read than a table one layout narrower.
    floor: int = 0


def _measure(text: str, seen: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """(longest unit, longest line) of a protected cell."""
    found = seen.get(text)
    if found is None:
        units = max((len(word) for word in text.replace("\n", " ").split(" ")), default=0)
        lines = max(len(line) for line in text.split("\n"))
        found = seen[text] = (units, lines)
    return found


def boxed_overhead(columns: int) -> int:
    """Borders and padding of a boxed table: "│ " before each column, " │" after the last."""
    return 3 * columns + 1


def fit(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """The content width of each column of a boxed table at most `width` wide, or None when the
    longest unit of some column cannot fit."""
    seen: dict[str, tuple[int, int]] = {}
    least = []
    most = []
    for index, column in enumerate(columns):
        # Thousands of rows share a few hundred distinct cells: each is measured once.
        measured = [_measure(text, seen) for text in {row[index] for row in rows}]
        units, lines = _measure(column.header, seen)
        most_here = max([lines, *(m[1] for m in measured)])
        least_here = max([units, *(m[0] for m in measured)])
        least.append(max(least_here, min(column.floor, most_here)))
        most.append(most_here)
    room = width - boxed_overhead(len(columns))
    if sum(least) > room:
        return None
    widths = list(most)
    excess = sum(widths) - room
    while excess > 0:
        widest = max(
            (i for i in range(len(widths)) if widths[i] > least[i]), key=lambda i: widths[i]
        )
        widths[widest] -= 1
        excess -= 1
    return widths


# SGR sequences of the styles the lists use (rich's names).
STYLES = {
    "": "",
    "bold red": "\x1b[1;31m",
    "bold yellow": "\x1b[1;33m",
    "dim": "\x1b[2m",
}
RESET = "\x1b[0m"


def centred(title: str, width: int) -> list[str]:
    return [line.center(width).rstrip() for line in wrap(title, width)]


def boxed(
    columns: Sequence[Column],
    rows: Iterable[tuple[Sequence[str], str]],
    widths: Sequence[int],
    colour: bool,
) -> Iterator[str]:
    """The lines of a table in rich's "heavy head" box: header, then each (cells, style) row."""
    # Each column's cells, wrapped and padded once: thousands of rows share a few hundred days,
    # titles and states.
    padded: list[dict[object, list[str]]] = [{} for _ in columns]
    blanks = [" " * w for w in widths]

    def cell(index: int, text: str, style: str) -> list[str]:
        w = widths[index]
        lines = wrap(text, w)
        if columns[index].right:
            lines = [line.rjust(w) for line in lines]
        else:
            lines = [line.ljust(w) for line in lines]
        if colour and style:
            lines = [f"{STYLES[style]}{line}{RESET}" for line in lines]
        padded[index][(text, style) if style else text] = lines
        return lines

    def joined(cells: Sequence[str], style: str, sep: str, offset: int = 0) -> list[str]:
        """The lines of cells beside each other (from column `offset`), without the borders."""
        wrapped = []
        height = 1
        for index, text in enumerate(cells, start=offset):
            lines = padded[index].get((text, style) if style else text)
            if lines is None:
                lines = cell(index, text, style)
            height = max(height, len(lines))
            wrapped.append(lines)
        joiner = f" {sep} "
        if height == 1:
            return [joiner.join([lines[0] for lines in wrapped])]
        return [
            joiner.join(
                [
                    lines[n] if n < len(lines) else blanks[i]
                    for i, lines in enumerate(wrapped, start=offset)
                ]
            )
            for n in range(height)
        ]

    yield "┏" + "┳".join("━" * (w + 2) for w in widths) + "┓"
    yield from (f"┃ {line} ┃" for line in joined([c.header for c in columns], "", "┃"))
    yield "┡" + "╇".join("━" * (w + 2) for w in widths) + "┩"
    # A row is its first cell (the case, most often one line) beside the others, which many
    # rows share whole (the same deadline on the same day): those are laid out once.
    others: dict[tuple[tuple[str, ...], str], list[str]] = {}
    blank = " │ ".join(blanks[1:])
    for cells, style in rows:
        key = (tuple(cells[1:]), style)
        rest = others.get(key)
        if rest is None:
            rest = others[key] = joined(cells[1:], style, "│", offset=1)
        first = padded[0].get((cells[0], style) if style else cells[0]) or cell(0, cells[0], style)
        if len(first) == 1 and len(rest) == 1:
            yield f"│ {first[0]} │ {rest[0]} │"
            continue
        for n in range(max(len(first), len(rest))):
            head = first[n] if n < len(first) else blanks[0]
            yield f"│ {head} │ {rest[n] if n < len(rest) else blank} │"
    yield "└" + "┴".join("─" * (w + 2) for w in widths) + "┘"
