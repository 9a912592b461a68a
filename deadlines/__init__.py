"""The pure domain of `deadlines`: dates, calendars, rules, counting and explanations.

Nothing here does I/O or imports typer/rich. Heavy helpers (dateutil) are imported inside the
functions that need them so that `deadlines --help` stays fast.
"""

__version__ = "0.1.0"

# The day the legal content of this version was last checked against shared/spec.
LAW_AS_OF = "2026-11-23"
