"""The Typer app: every command, option and help text of `deadlines` (the source of truth).

The console script (cli.main) loads this module only for command lines its fast paths leave to
Typer; cli_fast_data.py is generated from the objects below (`python -m cli_generate`) and a
test regenerates it, so the fast paths cannot drift from them. The work is done in cli.py.
"""

from __future__ import annotations

from typing import Annotated

import typer

import cli
import cli_options as o
from deadlines import LAW_AS_OF


def _typer_app() -> typer.Typer:
    return typer.Typer(
        help=cli.HELP,
        add_completion=False,
        no_args_is_help=True,
        # No rich help (~190 ms) and never a traceback with local variables: case data is
        # health data.
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        pretty_exceptions_show_locals=False,
    )


app = _typer_app()


def _show_version(asked: bool) -> None:
    # Eager: `deadlines --version` alone is answered before click asks for a command.
    if asked:
        from deadlines import __version__

        typer.echo(f"deadlines {__version__} (droit au {LAW_AS_OF})")
        raise typer.Exit(0)


@app.callback()
def deadlines_app(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Affiche la version.", is_eager=True, callback=_show_version
        ),
    ] = False,
) -> None:
    """Échéances du titre de séjour pour soins (CESEDA L.425-9)."""


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
    # Looked up on the module at each call: the tests of the fast path record these arguments.
    status = cli.run_compute(
        filed=filed,
        certificate_available=certificate_available,
        asylum_registered=asylum_registered,
        ofii_request=ofii_request,
        college_request=college_request,
        certificate_received=certificate_received,
        refusal_notified=refusal_notified,
        oqtf_notified=oqtf_notified,
        oqtf_decided=oqtf_decided,
        departure_period=departure_period,
        custody=custody,
        oqtf_ground=oqtf_ground,
        appeal_info=appeal_info,
        permit_expires=permit_expires,
        channel=channel,
        territory=territory,
        as_of=as_of,
        lang=lang,
        output_format=output_format,
        explain=explain,
        check=check,
        ics=ics,
        ref=ref,
        remind=remind,
        info=info,
    )
    if status:
        raise typer.Exit(status)


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
