"""The thin Typer layer: parse options, call the domain, render, map errors to exit codes.

Only typer is imported at start-up; the domain, rich and json are imported inside the command.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:  # imported for types only: the modules load inside the commands
    from calendars.plan import ExportOptions
    from deadlines.engine import Computation

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

app = typer.Typer(
    help=HELP,
    add_completion=False,
    no_args_is_help=True,
    # No rich help (~190 ms) and never a traceback with local variables: case data is health data.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
)

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
}

LANGS = ("fr", "en")
FORMATS = ("table", "json")


def fail(error: Exception, lang: str) -> NoReturn:
    """One clear line on stderr in the user's language, and the error's exit status."""
    from deadlines.errors import DeadlinesError
    from deadlines.messages import render

    assert isinstance(error, DeadlinesError)
    params = dict(error.params)
    params["option"] = OPTION_OF_FIELD.get(error.field or "", error.field or "deadlines")
    prefix = "erreur : " if lang == "fr" else "error: "
    typer.echo(prefix + render(error.key, params, lang), err=True)
    raise typer.Exit(error.exit_code)


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


def _given(value: str | None) -> list[str]:
    """A single-valued option as the list the domain takes for every event."""
    return [value] if value else []


DateOpt = Annotated[str | None, typer.Option(metavar="DATE")]


@app.command()
def compute(
    filed: DateOpt = None,
    certificate_available: DateOpt = None,
    asylum_registered: DateOpt = None,
    ofii_request: Annotated[
        list[str] | None,
        typer.Option(metavar="DATE", help="Demande du médecin de l'OFII (répétable)."),
    ] = None,
    college_request: Annotated[
        list[str] | None,
        typer.Option(metavar="DATE", help="Demande du collège de médecins (répétable)."),
    ] = None,
    certificate_received: DateOpt = None,
    refusal_notified: DateOpt = None,
    oqtf_notified: Annotated[
        str | None,
        typer.Option(
            metavar="DATE[ HH:MM]",
            help='OQTF notifiée : date et heure locale ("04/03/2025 10:30", '
            "2025-03-04T10:30) ; l'heure compte pour un délai de 48 heures.",
        ),
    ] = None,
    oqtf_decided: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            help="Date à laquelle l'OQTF a été prise (date de l'arrêté) : elle choisit le régime "
            "(avant / à compter du 15 juillet 2024).",
        ),
    ] = None,
    departure_period: Annotated[
        bool | None,
        typer.Option(
            "--departure-period/--no-departure-period",
            help="L'OQTF accorde un délai de départ volontaire (obligatoire avec --oqtf-notified).",
            show_default=False,
        ),
    ] = None,
    custody: Annotated[
        str | None,
        typer.Option(
            metavar="none|house-arrest|detention|retention",
            help="Situation à la notification de l'OQTF : libre, assignation à résidence, "
            "détention, rétention (défaut : none).",
        ),
    ] = None,
    oqtf_ground: Annotated[
        str | None,
        typer.Option(
            metavar="3|4|other",
            help="Fondement de l'OQTF (L.611-1) : 3 refus de titre, 4 asile refusé, other "
            "(défaut : 3 ; compte avant le 15 juillet 2024).",
        ),
    ] = None,
    appeal_info: Annotated[
        bool,
        typer.Option(
            "--appeal-info/--no-appeal-info",
            help="La notification ou l'accusé de réception indiquait les voies et délais de "
            "recours (par défaut : oui).",
        ),
    ] = True,
    permit_expires: DateOpt = None,
    channel: Annotated[
        str | None,
        typer.Option(
            metavar="anef|counter", help="Renouvellement déposé sur l'ANEF ou au guichet."
        ),
    ] = None,
    territory: Annotated[
        str | None,
        typer.Option(metavar="CODE", help="Département ou collectivité (75, 2A, 971…). Défaut 75."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            metavar="DATE[ HH:MM]",
            help="Date (et heure) de référence (défaut : maintenant, heure du territoire).",
        ),
    ] = None,
    lang: Annotated[str, typer.Option(metavar="fr|en", help="Langue de sortie.")] = "fr",
    output_format: Annotated[
        str, typer.Option("--format", metavar="table|json", help="Tableau ou JSON.")
    ] = "table",
    explain: Annotated[bool, typer.Option(help="Détail numéroté de chaque calcul.")] = False,
    check: Annotated[
        bool, typer.Option(help="Code de sortie 1 si une échéance à votre charge est dépassée.")
    ] = False,
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
    remind: Annotated[
        str | None,
        typer.Option(
            metavar="7,2|24h,4h|none",
            help="Rappels avant chaque échéance : jours (défaut 7,2), heures pour un délai en "
            "heures (défaut 24h,4h), ou none.",
        ),
    ] = None,
    info: Annotated[
        bool | None,
        typer.Option(
            "--info/--no-info",
            help="Inclure dans l'agenda les dates pour information (refus implicite, avis de "
            "l'OFII) ; défaut : oui.",
            show_default=False,
        ),
    ] = None,
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
            {
                "application-filed": _given(filed),
                "certificate-available": _given(certificate_available),
                "asylum-registered": _given(asylum_registered),
                "ofii-request": ofii_request or [],
                "college-request": college_request or [],
                "certificate-received": _given(certificate_received),
                "refusal-notified": _given(refusal_notified),
                "oqtf-notified": _given(oqtf_notified),
                "permit-expires": _given(permit_expires),
            },
            facts={
                "oqtf-decided": oqtf_decided,
                "custody": custody,
                "oqtf-ground": oqtf_ground,
            },
            departure_period=departure_period,
            territory=territory,
            appeal_info=appeal_info,
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
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from deadlines.dates import parse_date_time
    from deadlines.engine import State, compute
    from deadlines.errors import InputError
    from deadlines.holidays import check_covered
    from deadlines.inputs import build_case
    from deadlines.instants import localize
    from deadlines.rules.model import EventKind, Kind, Who

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
    where = case.where
    zone = ZoneInfo(where.time_zone)
    now: datetime | None = None
    if as_of is None:
        # "Now" is the time in the case's territory, not on the caseworker's machine.
        now = datetime.now(zone)
        reference = now.date()
    else:
        reference, at = parse_date_time(as_of, field="as-of")
        if at is not None:
            now = localize(datetime.combine(reference, at), zone)[0]
    try:
        check_covered(reference, where)
    except InputError as error:
        error.field = "as-of"
        raise
    computation = compute(case, reference, now)
    if ics is not None and export is not None:
        written = _write_calendar(computation, export, ics, lang)
        if ics == "-":
            return  # standard output holds the calendar, and only it
        typer.echo(written, err=True)
    if output_format == "json":
        import json

        from deadlines.report import computation_to_dict

        sys.stdout.write(
            json.dumps(computation_to_dict(computation, lang), ensure_ascii=False, indent=2) + "\n"
        )
    else:
        from rendering.table import render_table

        render_table(computation, lang, explain, sys.stdout)
    if check and any(
        d.state is State.OVERDUE and d.rule.who is Who.APPLICANT and d.rule.kind is Kind.DEADLINE
        for d in computation.deadlines
    ):
        raise typer.Exit(1)


def _write_calendar(computation: Computation, export: ExportOptions, target: str, lang: str) -> str:
    """Build the .ics (icalendar is imported only here) and write it; the line to tell the user."""
    import os
    from pathlib import Path

    from calendars.files import write_private_atomically
    from calendars.ics import to_ics
    from calendars.plan import plan, stamp_for
    from deadlines.errors import InputError

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
    try:
        write_private_atomically(path, data)
    except OSError as error:
        raise InputError(
            "ics.write", field="ics", value=target, reason=error.strerror or str(error)
        ) from None
    if lang == "fr":
        return f"Agenda écrit : {path} ({len(events)} événements, {len(data)} octets)"
    return f"Calendar written: {path} ({len(events)} events, {len(data)} bytes)"


def main() -> None:
    app()


if __name__ == "__main__":
    main()
