"""Errors carry a message key and parameters, never a sentence, so French and English stay in step.

The CLI maps each class to an exit status; it never catches TypeError/ValueError broadly, so a bug
crashes loudly in tests instead of looking like bad input.
"""

from __future__ import annotations

from datetime import date

from deadlines.text import Text

# A message parameter: dates are written out, Text is taken in the output language.
ParamValue = str | int | date | Text


class DeadlinesError(Exception):
    """Base class. `key` names a message in `deadlines.messages`."""

    exit_code = 1

    def __init__(self, key: str, field: str | None = None, **params: ParamValue) -> None:
        super().__init__(key)
        self.key = key
        # The event or fact the error is about (spec id, e.g. "application-filed"); the CLI turns
        # it into the option the user typed.
        self.field = field
        self.params: dict[str, ParamValue] = params


class InputError(DeadlinesError, ValueError):
    """The user's input cannot be used as given. Exit status 2, nothing written."""

    exit_code = 2


class CoverageError(InputError):
    """A date falls outside the years for which the holiday data was verified (spec §5)."""
