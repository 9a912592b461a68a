"""Typer options shared by `compute` and the caseload commands (one definition each).

Only typer is imported here; values stay strings until the domain parses them.
"""

from __future__ import annotations

from typing import Annotated

import typer

# Re-exported for the caseload commands: they live in cli.py, which the fast path of `compute`
# imports without typer.
from cli import given as given  # noqa: PLC0414
from cli import raw_events as raw_events  # noqa: PLC0414

DateOpt = Annotated[str | None, typer.Option(metavar="DATE")]
Filed = Annotated[
    str | None,
    typer.Option("--filed", metavar="DATE", help="Dépôt de la demande (ANEF ou guichet)."),
]
CertificateAvailable = Annotated[
    str | None,
    typer.Option(metavar="DATE", help="Certificat médical mis à disposition dans l'espace ANEF."),
]
AsylumRegistered = Annotated[
    str | None, typer.Option(metavar="DATE", help="Enregistrement de la demande d'asile.")
]
OfiiRequest = Annotated[
    list[str] | None,
    typer.Option(metavar="DATE", help="Demande du médecin de l'OFII (répétable)."),
]
CollegeRequest = Annotated[
    list[str] | None,
    typer.Option(metavar="DATE", help="Demande du collège de médecins (répétable)."),
]
CertificateReceived = Annotated[
    str | None, typer.Option(metavar="DATE", help="Certificat reçu par l'OFII (accusé).")
]
RefusalNotified = Annotated[
    str | None,
    typer.Option(
        metavar="DATE",
        help="Refus de titre notifié seul (notifié le même jour que l'OQTF, il suit le délai "
        "de l'OQTF).",
    ),
]
OqtfNotified = Annotated[
    str | None,
    typer.Option(
        metavar="DATE[ HH:MM]",
        help='OQTF notifiée : date et heure locale ("04/03/2025 10:30", 2025-03-04T10:30) ; '
        "l'heure compte pour un délai de 48 heures.",
    ),
]
PermitExpires = Annotated[
    str | None, typer.Option(metavar="DATE", help="Expiration du titre ou de l'APS.")
]
OqtfDecided = Annotated[
    str | None,
    typer.Option(
        metavar="DATE",
        help="Date à laquelle l'OQTF a été prise (date de l'arrêté) : elle choisit le régime "
        "(avant / à compter du 15 juillet 2024).",
    ),
]
DeparturePeriod = Annotated[
    bool | None,
    typer.Option(
        "--departure-period/--no-departure-period",
        help="L'OQTF accorde un délai de départ volontaire (obligatoire avec --oqtf-notified).",
        show_default=False,
    ),
]
Custody = Annotated[
    str | None,
    typer.Option(
        metavar="none|house-arrest|detention|retention",
        help="Situation à la notification de l'OQTF : libre, assignation à résidence, "
        "détention, rétention (défaut : none).",
    ),
]
OqtfGround = Annotated[
    str | None,
    typer.Option(
        metavar="3|4|other",
        help="Fondement de l'OQTF (L.611-1) : 3 refus de titre, 4 asile refusé, other (défaut : "
        "3 ; compte avant le 15 juillet 2024).",
    ),
]
AppealInfo = Annotated[
    bool | None,
    typer.Option(
        "--appeal-info/--no-appeal-info",
        help="La notification ou l'accusé de réception indiquait les voies et délais de recours "
        "(par défaut : oui).",
        show_default=False,
    ),
]
Channel = Annotated[
    str | None,
    typer.Option(metavar="anef|counter", help="Renouvellement déposé sur l'ANEF ou au guichet."),
]
Territory = Annotated[
    str | None,
    typer.Option(metavar="CODE", help="Département ou collectivité (75, 2A, 971…). Défaut 75."),
]
AsOf = Annotated[
    str | None,
    typer.Option(
        metavar="DATE[ HH:MM]",
        help="Date (et heure) de référence (défaut : maintenant, heure du territoire).",
    ),
]
Lang = Annotated[str, typer.Option(metavar="fr|en", help="Langue de sortie.")]
Format = Annotated[str, typer.Option("--format", metavar="table|json", help="Tableau ou JSON.")]
Explain = Annotated[bool, typer.Option(help="Détail numéroté de chaque calcul.")]
Check = Annotated[
    bool, typer.Option(help="Code de sortie 1 si une échéance à votre charge est dépassée.")
]
Db = Annotated[
    str | None,
    typer.Option(
        metavar="CHEMIN",
        help="Base de dossiers (défaut : $DEADLINES_DB, sinon ~/.local/share/deadlines/cases.db).",
    ),
]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Ne pas demander de confirmation.")]
Remind = Annotated[
    str | None,
    typer.Option(
        metavar="7,2|24h,4h|none",
        help="Rappels avant chaque échéance : jours (défaut 7,2), heures pour un délai en heures "
        "(défaut 24h,4h), ou none.",
    ),
]
Info = Annotated[
    bool | None,
    typer.Option(
        "--info/--no-info",
        help="Inclure dans l'agenda les dates pour information (refus implicite, avis de "
        "l'OFII) ; défaut : oui.",
        show_default=False,
    ),
]
