"""What the commands share while they run: a domain error as one line on stderr in the user's
language, with its exit status (`reported`); a sentence in French or English (`say`); the
warnings about unlikely values (`say_unlikely`); the store a command works on (`open_store`, and
`creating` for the two commands that may create one); whose cases a list shows (`whose_cases`);
a file written for its owner only (`write_file`).

The command modules import it; it imports none of them, only cli_options. Everything heavier is
imported inside the function that needs it: a JSON `compute` loads no rich, sqlite3 or caseload.
No `from __future__ import annotations` (see cli.py): the names known to mypy only are quoted.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli_options import LANGS, OPTION_OF_FIELD
from deadlines.errors import DeadlinesError, InputError

if TYPE_CHECKING:
    from caseload.database import Database
    from deadlines.plausible import Unlikely


def report_error(error: DeadlinesError, lang: str) -> int:
    """One clear line on stderr in the user's language (after the rows of a CSV's errors);
    the error's exit status."""
    from caseload.csv_import import CsvErrors
    from deadlines.messages import render

    if isinstance(error, CsvErrors):
        for row in error.errors:
            params = {**dict(row.params), "option": row.column or ""}
            where = f"ligne {row.line}" if lang == "fr" else f"line {row.line}"
            if row.column:
                where += (
                    f", colonne « {row.column} »" if lang == "fr" else f", column '{row.column}'"
                )
            typer.echo(f"{where} : {render(row.key, params, lang)}", err=True)
    # A value typed by the user is echoed on one line: a control character (the newline of
    # `--ref $'a\nb'`) is shown escaped, never written out.
    params = {
        key: _one_line(value) if isinstance(value, str) else value
        for key, value in error.params.items()
    }
    params["option"] = OPTION_OF_FIELD.get(error.field or "", error.field or "deadlines")
    prefix = "erreur : " if lang == "fr" else "error: "
    typer.echo(prefix + render(error.key, params, lang), err=True)
    return error.exit_code


def _one_line(text: str) -> str:
    """A typed value as it can be shown: the bytes that were not UTF-8 (which Python keeps as
    lone surrogates) as \\xff, control characters escaped, never written out raw."""
    import unicodedata

    readable = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(repr(c)[1:-1] if unicodedata.category(c) == "Cc" else c for c in readable)


@contextmanager
def reported(lang: str) -> Iterator[None]:
    """A DeadlinesError raised inside is one line on stderr and the command's exit status.

    The language is checked first, for every command, before anything is read or written."""
    try:
        choice(lang, LANGS, "lang")
        yield
    except DeadlinesError as error:
        raise typer.Exit(report_error(error, lang if lang in LANGS else "fr")) from None


def choice(value: str, choices: tuple[str, ...], field: str) -> str:
    """`value` if it is one of `choices`; otherwise an error naming the option `field`."""
    if value not in choices:
        raise InputError("option.choice", field=field, value=value, choices=", ".join(choices))
    return value


def say(fr: str, en: str, lang: str, err: bool = True) -> None:
    typer.echo(fr if lang == "fr" else en, err=err)


def say_unlikely(found: "list[Unlikely]", accepted: bool, lang: str) -> None:
    """Each unlikely value on stderr, before anything is shown or saved; a reference that reads
    like a person's name is refused (it would be written into every calendar)."""
    from deadlines.errors import ParamValue
    from deadlines.messages import render

    for item in [] if accepted else found:
        if item.key == "ref.looks-like-a-name":
            raise InputError(item.key, field=item.field, value=item.value)
        params: dict[str, ParamValue] = {
            "option": OPTION_OF_FIELD.get(item.field, item.field),
            "value": item.value,
        }
        prefix = "attention : " if lang == "fr" else "warning: "
        typer.echo(prefix + render(item.key, params, lang), err=True)


def whose_cases(mine: bool, assignee: str | None) -> str | None:
    """Whose cases a list shows: `--mine` (the caseworker running it), `--assignee NAME`, or
    None for the whole team."""
    from caseload.store import os_user
    from caseload.team import parse_assignee

    if mine and assignee is not None:
        raise InputError("assignee.mine-and-name", field="assignee", value=os_user())
    if mine:
        return os_user()
    return None if assignee is None else parse_assignee(assignee)


def open_store(
    db: str | None, lang: str, writes: bool = False, create: bool = False
) -> "AbstractContextManager[Database]":
    """The caseload a command works on (caseload.db.opened), telling the user on the way what
    it had to put right (a store others could read)."""
    from caseload.db import opened
    from deadlines.messages import render

    def notice(key: str, value: str) -> None:
        prefix = "attention : " if lang == "fr" else "warning: "
        typer.echo(prefix + render(key, {"value": value}, lang), err=True)

    return opened(db, create=create, writes=writes, notify=notice)


def write_file(path: Path, data: bytes | Iterator[bytes], field: str) -> int:
    """Write a calendar atomically, readable by its owner only; a failure is one line, exit 2."""
    from calendars.files import write_private_atomically

    try:
        return write_private_atomically(path, data)
    except OSError as error:
        raise InputError(
            "ics.write", field=field, value=str(path), reason=error.strerror or str(error)
        ) from None


@contextmanager
def creating(db: str | None, lang: str) -> Iterator["Database"]:
    """The store of `case add` and `import`, the two commands that create one where nothing
    exists (every other command refuses a missing store: a mistyped path is not an empty
    caseload); says so when it does."""
    with open_store(db, lang, writes=True, create=True) as connection:
        if connection.created and connection.dialect == "sqlite":
            say(
                f"Base de dossiers créée : {connection.location} (lisible par vous seul).",
                f"Caseload created: {connection.location} (readable by you only).",
                lang,
            )
        elif connection.created:
            say(
                f"Tables de la base de dossiers créées dans {connection.location}.",
                f"Caseload tables created in {connection.location}.",
                lang,
            )
        yield connection
