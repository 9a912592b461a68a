"""The command line without its framework: `main()`, the work of `compute`, errors, exit codes.

Start-up time (issue 6): this module imports neither typer, click nor rich. `main()` first tries
the fast paths of cli_fast.py (the top-level help, the ordinary forms of `compute`), which use
data generated from the Typer app; every other command line goes to the Typer app (cli_app.py,
the source of truth for commands, options and help), loaded only then. The domain, rich and json
are imported inside the functions that use them.
"""

from __future__ import annotations

import sys

from deadlines import LAW_AS_OF

# Not `from typing import TYPE_CHECKING`: typing (and re with it) costs ~10 ms at every start;
# mypy reads any TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:  # imported for types only: the modules load inside the functions
    from collections.abc import Iterable
    from datetime import date, datetime
    from pathlib import Path
    from typing import NoReturn

    from calendars.plan import ExportOptions

    # The Typer objects, loaded on first use by __getattr__ below (`from cli import app`).
    from cli_app import app as app  # noqa: PLC0414
    from cli_app import compute as compute  # noqa: PLC0414
    from cli_app import compute_app as compute_app  # noqa: PLC0414
    from cli_app import deadlines_app as deadlines_app  # noqa: PLC0414
    from deadlines.engine import Computation
    from deadlines.territories import Territory

HELP = f"""Échéances du titre de séjour pour soins (CESEDA L.425-9).

Calcule chaque délai de la procédure à partir des dates clés d'un dossier, avec ses
lectures (date prudente, date soutenable), sa base légale et le détail du calcul.

Les dates sont calculées d'après le droit enregistré au {LAW_AS_OF}. Le droit change :
faites confirmer par un juriste toute échéance qui compte.

Dates : JJ/MM/AAAA (04/03/2025 = 4 mars 2025) ou AAAA-MM-JJ (2025-03-04) ; avec
l'heure pour une notification d'OQTF : "04/03/2025 10:30" ou 2025-03-04T10:30 (heure locale
du territoire).
Codes de sortie : 0 normal, 1 échéance dépassée (avec --check), 2 saisie invalide.
"""

# The option the user typed for each event or fact named in a domain error.
OPTION_OF_FIELD = {
    "application-filed": "--filed",
    "certificate-available": "--certificate-available",
    "asylum-registered": "--asylum-registered",
    "ofii-request": "--ofii-request",
    "college-request": "--college-request",
    "certificate-received": "--certificate-received",
    "refusal-notified": "--refusal-notified",
    "oqtf-notified": "--oqtf-notified",
    "oqtf-decided": "--oqtf-decided",
    "departure-period": "--departure-period/--no-departure-period",
    "custody": "--custody",
    "oqtf-ground": "--oqtf-ground",
    "permit-expires": "--permit-expires",
    "territory": "--territory",
    "channel": "--channel",
    "as-of": "--as-of",
    "lang": "--lang",
    "format": "--format",
    "ics": "--ics",
    "ref": "--ref",
    "remind": "--remind",
    "info": "--no-info",
    "db": "--db",
    "epoch": "SOURCE_DATE_EPOCH",
    "event": "EVENT",
    "rule": "RULE",
    "trigger-date": "--trigger-date",
    "date": "--date",
    "on": "--on",
    "yes": "--yes",
    "output": "--output",
    "import": "import",
    "backup": "backup",
}

LANGS = ("fr", "en")
FORMATS = ("table", "json")


def echo(text: str, err: bool = False) -> None:
    """`typer.echo(text, err=err)`, without importing typer for an ordinary stream.

    typer.echo (click's echo, vendored in typer) writes to an ordinary text stream as is, and
    flushes; it re-wraps a stream whose encoding is ASCII, strips ANSI codes when the stream is
    not a terminal and wraps the Windows console. Those cases (and any stream that is not an
    io.TextIOWrapper) still go through typer.echo itself.
    """
    import codecs
    import io

    stream = sys.stderr if err else sys.stdout
    if stream is None:  # no standard stream at all: click.echo writes nothing either
        return
    encoding = getattr(stream, "encoding", None)
    try:
        ascii_stream = encoding is None or codecs.lookup(encoding).name == "ascii"
    except LookupError:
        ascii_stream = False
    if (
        not sys.platform.startswith("win")
        and isinstance(stream, io.TextIOWrapper)
        and not ascii_stream
        and getattr(stream, "errors", None) is not None
        and "\x1b" not in text
    ):
        stream.write(text + "\n")
        stream.flush()
        return
    import typer

    typer.echo(text, err=err)


def report_error(error: Exception, lang: str) -> int:
    """One clear line on stderr in the user's language; the error's exit status."""
    from deadlines.errors import DeadlinesError
    from deadlines.messages import render

    assert isinstance(error, DeadlinesError)
    # A value typed by the user is echoed on one line: a control character (the newline of
    # `--ref $'a\nb'`) is shown escaped, never written out.
    params = {
        key: _one_line(value) if isinstance(value, str) else value
        for key, value in error.params.items()
    }
    params["option"] = OPTION_OF_FIELD.get(error.field or "", error.field or "deadlines")
    prefix = "erreur : " if lang == "fr" else "error: "
    echo(prefix + render(error.key, params, lang), err=True)
    return error.exit_code


def fail(error: Exception, lang: str) -> NoReturn:
    """report_error, then leave the Typer command with the error's exit status."""
    import typer

    raise typer.Exit(report_error(error, lang))


def _one_line(text: str) -> str:
    import unicodedata

    return "".join(repr(c)[1:-1] if unicodedata.category(c) == "Cc" else c for c in text)


def _choice(value: str, choices: tuple[str, ...], field: str) -> str:
    from deadlines.errors import InputError

    if value not in choices:
        raise InputError("option.choice", field=field, value=value, choices=", ".join(choices))
    return value


def run_compute(
    *,
    filed: str | None,
    certificate_available: str | None,
    asylum_registered: str | None,
    ofii_request: list[str] | None,
    college_request: list[str] | None,
    certificate_received: str | None,
    refusal_notified: str | None,
    oqtf_notified: str | None,
    oqtf_decided: str | None,
    departure_period: bool | None,
    custody: str | None,
    oqtf_ground: str | None,
    appeal_info: bool | None,
    permit_expires: str | None,
    channel: str | None,
    territory: str | None,
    as_of: str | None,
    lang: str,
    output_format: str,
    explain: bool,
    check: bool,
    ics: str | None,
    ref: str | None,
    remind: str | None,
    info: bool | None,
) -> int:
    """`deadlines compute`, given the values of its options as Typer passes them; exit status.

    Called by the Typer command (cli_app.compute) and by the fast path (cli_fast.py) alike.
    """
    from deadlines.errors import DeadlinesError

    user_lang = lang if lang in LANGS else "fr"
    try:
        _choice(lang, LANGS, "lang")
        _choice(output_format, FORMATS, "format")
        return _compute(
            raw_events(
                filed,
                certificate_available,
                asylum_registered,
                ofii_request,
                college_request,
                certificate_received,
                refusal_notified,
                oqtf_notified,
                permit_expires,
            ),
            facts={
                "oqtf-decided": oqtf_decided,
                "custody": custody,
                "oqtf-ground": oqtf_ground,
            },
            departure_period=departure_period,
            territory=territory,
            appeal_info=appeal_info is not False,
            channel=channel,
            as_of=as_of,
            lang=user_lang,
            output_format=output_format,
            explain=explain,
            check=check,
            export=_export_options(ics, ref, remind, info, user_lang),
            ics=ics,
        )
    except DeadlinesError as error:
        return report_error(error, user_lang)


def given(value: str | None) -> list[str]:
    """A single-valued option as the list the domain takes for every event."""
    return [value] if value else []


def raw_events(
    filed: str | None,
    certificate_available: str | None,
    asylum_registered: str | None,
    ofii_request: list[str] | None,
    college_request: list[str] | None,
    certificate_received: str | None,
    refusal_notified: str | None,
    oqtf_notified: str | None,
    permit_expires: str | None,
) -> dict[str, list[str]]:
    """Event id → the texts typed for it."""
    return {
        "application-filed": given(filed),
        "certificate-available": given(certificate_available),
        "asylum-registered": given(asylum_registered),
        "ofii-request": ofii_request or [],
        "college-request": college_request or [],
        "certificate-received": given(certificate_received),
        "refusal-notified": given(refusal_notified),
        "oqtf-notified": given(oqtf_notified),
        "permit-expires": given(permit_expires),
    }


def _export_options(
    ics: str | None, ref: str | None, remind: str | None, info: bool | None, lang: str
) -> ExportOptions | None:
    """The calendar options, checked before anything is computed or written."""
    from deadlines.errors import InputError

    if ics is None:
        for field, value in (("ref", ref), ("remind", remind), ("info", info)):
            if value is not None:
                raise InputError("ics.option-without-ics", field=field)
        return None
    from calendars.plan import DEFAULT_REF, ExportOptions, parse_ref, parse_reminders

    return ExportOptions(
        ref=parse_ref(ref) if ref is not None else DEFAULT_REF,
        lang=lang,
        reminders=parse_reminders(remind),
        include_info=info is not False,
    )


def _compute(
    raw_events: dict[str, list[str]],
    facts: dict[str, str | None],
    departure_period: bool | None,
    territory: str | None,
    appeal_info: bool,
    channel: str | None,
    as_of: str | None,
    lang: str,
    output_format: str,
    explain: bool,
    check: bool,
    export: ExportOptions | None = None,
    ics: str | None = None,
) -> int:
    """Compute, write the calendar if asked, show the result; the exit status (1: --check)."""
    from deadlines.engine import compute
    from deadlines.inputs import build_case
    from deadlines.rules.model import EventKind

    case = build_case(
        {EventKind(kind): texts for kind, texts in raw_events.items()},
        territory_code=territory,
        appeal_info=appeal_info,
        channel=channel,
        oqtf_decided=facts["oqtf-decided"],
        departure_period=departure_period,
        custody=facts["custody"],
        oqtf_ground=facts["oqtf-ground"],
    )
    reference, now = case_reference(as_of, case.where)
    computation = compute(case, reference, now)
    if ics is not None and export is not None:
        written = _write_calendar(computation, export, ics, lang)
        if ics != "-":
            echo(written, err=True)
    if ics != "-":  # with --ics -, standard output holds the calendar and only it
        show_computation(computation, lang, output_format, explain)
    return 1 if check and has_overdue(computation) else 0


def write_calendar_file(path: Path, data: bytes | Iterable[bytes], field: str) -> int:
    """Write an export atomically, readable by its owner only; a failure is one line, exit 2."""
    from calendars.files import write_private_atomically
    from deadlines.errors import InputError

    try:
        return write_private_atomically(path, data)
    except OSError as error:
        raise InputError(
            "ics.write", field=field, value=str(path), reason=error.strerror or str(error)
        ) from None


def case_reference(as_of: str | None, where: Territory) -> tuple[date, datetime | None]:
    """`reference_time` for a case, refused when outside its territory's verified years."""
    from deadlines.errors import InputError
    from deadlines.holidays import check_covered

    reference, now = reference_time(as_of, where.time_zone)
    try:
        check_covered(reference, where)
    except InputError as error:
        error.field = "as-of"
        raise
    return reference, now


def reference_time(as_of: str | None, time_zone: str) -> tuple[date, datetime | None]:
    """The reference day and, when known, instant: now in the territory, or `--as-of`."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from deadlines.dates import parse_date_time
    from deadlines.instants import localize

    zone = ZoneInfo(time_zone)
    if as_of is None:
        # "Now" is the time in the case's territory, not on the caseworker's machine.
        now = datetime.now(zone)
        return now.date(), now
    reference, at = parse_date_time(as_of, field="as-of")
    if at is None:
        return reference, None
    return reference, localize(datetime.combine(reference, at), zone)[0]


def show_computation(
    computation: Computation, lang: str, output_format: str, explain: bool
) -> None:
    if output_format == "json":
        import json

        from deadlines.report import computation_to_dict

        sys.stdout.write(
            json.dumps(computation_to_dict(computation, lang), ensure_ascii=False, indent=2) + "\n"
        )
    else:
        from rendering.table import render_table

        render_table(computation, lang, explain, sys.stdout)


def has_overdue(computation: Computation) -> bool:
    """A deadline the person must meet is past (the `--check` exit status 1)."""
    from deadlines.engine import State

    return any(d.state is State.OVERDUE and d.rule.must_act for d in computation.deadlines)


def _write_calendar(computation: Computation, export: ExportOptions, target: str, lang: str) -> str:
    """Build the .ics (icalendar is imported only here) and write it; the line to tell the user."""
    import os
    from pathlib import Path

    from calendars.ics import to_ics
    from calendars.plan import plan, stamp_for

    events = plan(computation, export)
    name = ("Échéances " if lang == "fr" else "Deadlines ") + export.ref
    data = to_ics(
        events,
        name,
        stamp_for(computation, os.environ.get("SOURCE_DATE_EPOCH")),
        zones=(computation.case.where.time_zone,),
    )
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return ""
    path = Path(target)
    write_calendar_file(path, data, "ics")
    if lang == "fr":
        return f"Agenda écrit : {path} ({len(events)} événements, {len(data)} octets)"
    return f"Calendar written: {path} ({len(events)} events, {len(data)} bytes)"


def main() -> None:
    """The console script: a fast path when one applies (it exits), else the Typer app."""
    import gc

    from cli_fast import run_fast

    # A command is one short run: the cyclic collector would only rescan the objects the imports
    # made (15 passes, 3 % of `compute`). Caseload commands already run without it (_run).
    gc.disable()
    load_inspect_on_first_use()
    run_fast(sys.argv[1:])
    typer_main()


def load_inspect_on_first_use() -> None:
    """Put off importing `inspect` until something reads from it (issue 6, start-up).

    `dataclasses` imports `inspect`, and with it ast, dis, tokenize and linecache: about 8 ms,
    a tenth of `compute --format json`. It only uses it to write a docstring for a dataclass
    that has none, and every dataclass of the domain has one (tests/cli/test_startup.py checks
    both, and test_compute.py that `compute` never loads it). Typer, click and rich do use
    `inspect`: the first attribute any of them reads imports the real module, which then stands
    in for this one everywhere.
    importlib.util.LazyLoader does the same but costs more to import than it saves here.
    """
    if "inspect" in sys.modules:
        return
    import types

    class Deferred(types.ModuleType):
        def __getattr__(self, name: str) -> object:
            if sys.modules.get("inspect") is self:
                del sys.modules["inspect"]
            import inspect

            self.__dict__.update(inspect.__dict__)
            self.__class__ = types.ModuleType  # type: ignore[assignment]  # as LazyLoader does
            return getattr(inspect, name)

    sys.modules["inspect"] = Deferred("inspect")


def typer_main() -> None:
    """The Typer app, for every command line the fast paths leave to it."""
    from cli_app import app, compute_app

    # `compute` gets an app holding only itself (see cli_app.compute_app).
    words = [word for word in sys.argv[1:] if not word.startswith("-")]
    if words[:1] == ["compute"]:
        compute_app(prog_name="deadlines")
    else:
        app()


_TYPER_OBJECTS = frozenset({"app", "compute", "compute_app", "deadlines_app"})

if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        """`cli.app` and the other Typer objects, from cli_app.py (which imports typer)."""
        if name in _TYPER_OBJECTS:
            import cli_app

            return getattr(cli_app, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    main()
