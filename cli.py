"""The thin Typer layer: parse options, call the domain, render, map errors to exit codes.

Only typer is imported at start-up; the domain, rich and json are imported inside the command.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:  # imported for types only: the modules load inside the commands
    from collections.abc import Iterable
    from datetime import date, datetime
    from pathlib import Path

    from calendars.plan import ExportOptions
    from deadlines.engine import Computation
    from deadlines.territories import Territory

import cli_options as o
from deadlines import LAW_AS_OF

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


def _typer_app() -> typer.Typer:
    return typer.Typer(
        help=HELP,
        add_completion=False,
        no_args_is_help=True,
        # No rich help (~190 ms) and never a traceback with local variables: case data is
        # health data.
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        pretty_exceptions_show_locals=False,
    )


app = _typer_app()

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


def fail(error: Exception, lang: str) -> NoReturn:
    """One clear line on stderr in the user's language, and the error's exit status."""
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
    typer.echo(prefix + render(error.key, params, lang), err=True)
    raise typer.Exit(error.exit_code)


def _one_line(text: str) -> str:
    import unicodedata

    return "".join(repr(c)[1:-1] if unicodedata.category(c) == "Cc" else c for c in text)


def _choice(value: str, choices: tuple[str, ...], field: str) -> str:
    from deadlines.errors import InputError

    if value not in choices:
        raise InputError("option.choice", field=field, value=value, choices=", ".join(choices))
    return value


@app.callback()
def deadlines_app(
    version: Annotated[bool, typer.Option("--version", help="Affiche la version.")] = False,
) -> None:
    """Échéances du titre de séjour pour soins (CESEDA L.425-9)."""
    if version:
        from deadlines import __version__

        typer.echo(f"deadlines {__version__} (droit au {LAW_AS_OF})")
        raise typer.Exit(0)


@app.command()
def compute(
    filed: o.Filed = None,
    certificate_available: o.CertificateAvailable = None,
    asylum_registered: o.AsylumRegistered = None,
    ofii_request: o.OfiiRequest = None,
    college_request: o.CollegeRequest = None,
    certificate_received: o.CertificateReceived = None,
    refusal_notified: o.RefusalNotified = None,
    oqtf_notified: o.OqtfNotified = None,
    oqtf_decided: o.OqtfDecided = None,
    departure_period: o.DeparturePeriod = None,
    custody: o.Custody = None,
    oqtf_ground: o.OqtfGround = None,
    appeal_info: o.AppealInfo = None,
    permit_expires: o.PermitExpires = None,
    channel: o.Channel = None,
    territory: o.Territory = None,
    as_of: o.AsOf = None,
    lang: o.Lang = "fr",
    output_format: o.Format = "table",
    explain: o.Explain = False,
    check: o.Check = False,
    ics: Annotated[
        str | None,
        typer.Option(
            metavar="FICHIER",
            help="Écrit les échéances dans un agenda .ics (Google, Outlook, Thunderbird, Apple, "
            "Nextcloud) ; « - » pour la sortie standard.",
        ),
    ] = None,
    ref: Annotated[
        str | None,
        typer.Option(
            metavar="REF",
            help="Référence du dossier écrite dans l'agenda (un pseudonyme, jamais un nom ; "
            "défaut : dossier).",
        ),
    ] = None,
    remind: o.Remind = None,
    info: o.Info = None,
) -> None:
    """Calcule toutes les échéances d'un dossier à partir de ses dates clés.

    --filed : dépôt de la demande (ANEF ou guichet). --certificate-available : certificat
    médical mis à disposition dans l'espace ANEF. --asylum-registered : enregistrement de la
    demande d'asile. --certificate-received : certificat reçu par l'OFII (accusé de
    réception). --refusal-notified : refus de titre notifié seul (un refus notifié le même
    jour que l'OQTF suit le délai de l'OQTF). --permit-expires : expiration du titre ou de
    l'APS.
    """
    from deadlines.errors import DeadlinesError

    user_lang = lang if lang in LANGS else "fr"
    try:
        _choice(lang, LANGS, "lang")
        _choice(output_format, FORMATS, "format")
        _compute(
            o.raw_events(
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
        fail(error, user_lang)


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
) -> None:
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
            typer.echo(written, err=True)
    if ics != "-":  # with --ics -, standard output holds the calendar and only it
        show_computation(computation, lang, output_format, explain)
    if check and has_overdue(computation):
        raise typer.Exit(1)


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
    from deadlines.rules.model import Kind, Who

    return any(
        d.state is State.OVERDUE and d.rule.who is Who.APPLICANT and d.rule.kind is Kind.DEADLINE
        for d in computation.deadlines
    )


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


def _register_caseload() -> None:
    from cli_caseload import register  # typer only: the store loads inside its commands

    register(app)


_register_caseload()


# Typer turns every registered command into click objects on each run (~90 ms for the caseload
# commands and their options). `compute`, the command run dozens of times a day, gets an app
# holding only itself; every other command line (and the help) gets the whole app.
compute_app = _typer_app()
compute_app.callback()(deadlines_app)
compute_app.command("compute")(compute)


def main() -> None:
    words = [word for word in sys.argv[1:] if not word.startswith("-")]
    if words[:1] == ["compute"]:
        compute_app(prog_name="deadlines")
    else:
        app()


if __name__ == "__main__":
    main()
