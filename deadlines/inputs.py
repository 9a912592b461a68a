"""What a user can enter about a case, declared once.

`INPUTS` is the one catalogue of the events and facts a caseworker can enter: its id (the spec's
id, the CSV column), what kind of value it takes, its help in French and English and where the
spec defines it. The options of `compute`, `case add` and `case set`, the events `case unset`
accepts, the CSV columns and the README's option table all come from it (tests/deadlines/
test_inputs.py checks each, and the README). Adding an event: one entry here, its EventKind
(deadlines/rules/model.py) and its rules; a fact also needs its parser (deadlines/entered.py) and
its column in the store.

Light on purpose (no rule, no date arithmetic): the command line builds its options from it at
every start, `--help` included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from deadlines.text import Text


class Kind(StrEnum):
    """The kind of value an input takes."""

    DATE = "date"  # one date: 04/03/2025 or 2025-03-04
    DATE_TIME = "date-time"  # a date, with the local time when it matters (48-hour deadlines)
    DATES = "dates"  # a date that may be given several times (repeated requests)
    CHOICE = "choice"  # one word of `choices`
    YES_NO = "yes-no"  # yes or no (--x / --no-x)
    CODE = "code"  # a territory code


# What a user typed for each input, by id: the text of a date or choice, the texts of a
# repeatable date, True/False for yes-no; None (or absent) when not given.
Entered = Mapping[str, str | list[str] | bool | None]


@dataclass(frozen=True)
class Input:
    """One thing a caseworker can enter: an event of the spec (a date) or a fact of the case."""

    id: str  # the spec's id; the CSV column; the option is --{id} unless `option` says otherwise
    kind: Kind
    help: Text
    spec: str  # where ../shared/spec defines it
    option: str = ""  # the command-line option, when it is not --{id}
    choices: tuple[str, ...] = ()  # a choice's words (the values of its enum, tested)
    fact: str = ""  # the Facts field it sets; empty for an event
    # The French column headers a caseworker would type in a spreadsheet, accepted for `id` by
    # `deadlines import` (case, accents and spaces ignored).
    csv_aliases: tuple[str, ...] = ()

    @property
    def flag(self) -> str:
        """The command-line option (yes-no: the positive form)."""
        return self.option or f"--{self.id}"

    @property
    def metavar(self) -> str:
        if self.kind is Kind.DATE_TIME:
            return "DATE[ HH:MM]"
        if self.kind is Kind.CHOICE:
            return "|".join(self.choices)
        return "CODE" if self.kind is Kind.CODE else "DATE"

    @property
    def is_event(self) -> bool:
        return not self.fact


# In the order of the procedure, as `compute --help` lists them; `help.en` is the README's option
# table (tests/deadlines/test_inputs.py).
INPUTS: tuple[Input, ...] = (
    Input(
        "application-filed",
        Kind.DATE,
        Text(
            "Dépôt de la demande (ANEF ou guichet).",
            "the préfecture received the application (ANEF filing date or counter receipt)",
        ),
        "rules.md § Events",
        option="--filed",
        csv_aliases=("Date de dépôt", "Dépôt"),
    ),
    Input(
        "certificate-available",
        Kind.DATE,
        Text(
            "Certificat médical mis à disposition dans l'espace ANEF.",
            "the blank medical certificate was made available in the ANEF space",
        ),
        "rules.md § Events",
        csv_aliases=("Certificat disponible",),
    ),
    Input(
        "asylum-registered",
        Kind.DATE,
        Text(
            "Enregistrement de la demande d'asile.",
            "date on the attestation de demande d'asile (3-month rule replaces the 1-month one)",
        ),
        "rules.md § Events",
        csv_aliases=("Demande d'asile",),
    ),
    Input(
        "ofii-request",
        Kind.DATES,
        Text(
            "Demande du médecin de l'OFII (répétable).",
            "the OFII doctor asked for information or exams (repeatable)",
        ),
        "rules.md § Events",
        csv_aliases=("Demande OFII",),
    ),
    Input(
        "college-request",
        Kind.DATES,
        Text(
            "Demande du collège de médecins (répétable).",
            "the collège de médecins asked for information (repeatable)",
        ),
        "rules.md § Events",
        csv_aliases=("Demande du collège",),
    ),
    Input(
        "certificate-received",
        Kind.DATE,
        Text(
            "Certificat reçu par l'OFII (accusé).",
            "the OFII acknowledged receipt of the certificate (marks the certificate deadline "
            "done)",
        ),
        "rules.md § Events",
        csv_aliases=("Certificat reçu",),
    ),
    Input(
        "refusal-notified",
        Kind.DATE,
        Text(
            "Refus de titre notifié seul (notifié le même jour que l'OQTF, il suit le délai de "
            "l'OQTF).",
            "an express refusal of the titre, without OQTF, was notified (one notified the same "
            "day as the OQTF follows the OQTF's deadline)",
        ),
        "rules.md § Events",
        csv_aliases=("Refus notifié",),
    ),
    Input(
        "oqtf-notified",
        Kind.DATE_TIME,
        Text(
            'OQTF notifiée : date et heure locale ("04/03/2025 10:30", 2025-03-04T10:30) ; '
            "l'heure compte pour un délai de 48 heures.",
            'the OQTF was notified, with the local time (`"04/03/2025 10:30"`, `"04/03/2025 '
            '10h30"`, `2025-03-04T10:30`); the time matters for a 48-hour deadline',
        ),
        "rules.md § Events",
        csv_aliases=("OQTF notifiée",),
    ),
    Input(
        "oqtf-decided",
        Kind.DATE,
        Text(
            "Date à laquelle l'OQTF a été prise (date de l'arrêté) : elle choisit le régime "
            "(avant / à compter du 15 juillet 2024).",
            "the date the OQTF was taken (date of the arrêté): it picks the regime (before / "
            "from 15 July 2024)",
        ),
        "rules.md § Events (facts); § oqtf-appeal by regime",
        fact="oqtf_decided",
        csv_aliases=("OQTF prise le", "Date de l'arrêté"),
    ),
    Input(
        "departure-period",
        Kind.YES_NO,
        Text(
            "L'OQTF accorde un délai de départ volontaire (obligatoire avec --oqtf-notified).",
            "the OQTF grants a délai de départ volontaire; required with `--oqtf-notified`",
        ),
        "rules.md § Events (facts)",
        fact="departure_period",
        csv_aliases=("Délai de départ",),
    ),
    Input(
        "custody",
        Kind.CHOICE,
        Text(
            "Situation à la notification de l'OQTF : libre, assignation à résidence, détention, "
            "rétention (défaut : none).",
            "the person's situation when notified (default `none`)",
        ),
        "rules.md § Events (facts)",
        choices=("none", "house-arrest", "detention", "retention"),
        fact="custody",
        csv_aliases=("Situation",),
    ),
    Input(
        "oqtf-ground",
        Kind.CHOICE,
        Text(
            "Fondement de l'OQTF (L.611-1) : 3 refus de titre, 4 asile refusé, other (défaut : "
            "3 ; compte avant le 15 juillet 2024).",
            "the L.611-1 ground printed on the OQTF (default `3`, refusal of titre); matters "
            "before 15 July 2024",
        ),
        "rules.md § Events (facts)",
        choices=("3", "4", "other"),
        fact="ground",
        csv_aliases=("Fondement",),
    ),
    Input(
        "appeal-info",
        Kind.YES_NO,
        Text(
            "La notification ou l'accusé de réception indiquait les voies et délais de recours "
            "(par défaut : oui).",
            "the notification or acknowledgment stated the voies et délais de recours (default: "
            "yes); without them, the one-year Czabaj period applies",
        ),
        "rules.md § Events (facts); README §3",
        fact="appeal_info",
        csv_aliases=("Voies et délais",),
    ),
    Input(
        "permit-expires",
        Kind.DATE,
        Text(
            "Expiration du titre ou de l'APS.",
            "the current permit or APS expires (renewal window)",
        ),
        "rules.md § Events",
        csv_aliases=("Expiration du titre", "Fin du titre"),
    ),
    Input(
        "channel",
        Kind.CHOICE,
        Text(
            "Renouvellement déposé sur l'ANEF ou au guichet.",
            "renewal filed on ANEF or at a counter; when not given, ANEF is assumed if the "
            "window opens after 31 July 2024, otherwise both windows are shown with a warning",
        ),
        "rules.md § Events (facts); README §3",
        choices=("anef", "counter"),
        fact="channel",
        csv_aliases=("Canal",),
    ),
    # Wave 2 (rules.md "Wave 2 rules": new events, new facts): what happens after the first
    # decision, in the order of the procedure. Each help says which date to type (rules.md
    # "What meeting a deadline means").
    Input(
        "legal-aid-requested",
        Kind.DATE,
        Text(
            "Demande d'aide juridictionnelle : date à laquelle elle est parvenue au bureau "
            "d'aide juridictionnelle (dépôt ou réception du courrier).",
            "the legal-aid request reached the bureau d'aide juridictionnelle: the date it was "
            "filed there or received",
        ),
        "rules.md § Wave 2 rules, New events",
        csv_aliases=(
            "Demande AJ",
            "Date demande aide juridictionnelle",
            "Demande d'aide juridictionnelle",
        ),
    ),
    Input(
        "legal-aid-decided",
        Kind.DATE,
        Text(
            "Décision du bureau d'aide juridictionnelle : date de sa notification à la personne "
            "(lettre recommandée non retirée : jour de la première présentation).",
            "the BAJ decision (admission, rejection, provisional admission or lapse) was "
            "notified to the person: the date of notification (a registered letter not "
            "collected: the day of first presentation)",
        ),
        "rules.md § Wave 2 rules, New events",
        csv_aliases=("Décision BAJ", "Date décision BAJ", "Décision aide juridictionnelle"),
    ),
    Input(
        "lawyer-designated",
        Kind.DATE,
        Text(
            "Avocat désigné au titre de l'aide juridictionnelle : date de la désignation.",
            "the lawyer was designated under legal aid: the date of the designation",
        ),
        "rules.md § Wave 2 rules, New events",
        csv_aliases=("Avocat désigné", "Désignation avocat", "Date désignation avocat"),
    ),
    Input(
        "legal-aid-outcome",
        Kind.CHOICE,
        Text(
            "Décision du BAJ : granted (admission), refused (rejet), provisional (admission "
            "provisoire), lapsed (caducité) ; défaut : granted, avec --legal-aid-decided.",
            "what the BAJ decided: `granted` (admission), `refused`, `provisional` (admission "
            "provisoire), `lapsed` (caducité); default `granted`; with `--legal-aid-decided`",
        ),
        "rules.md § Wave 2 rules, New facts",
        choices=("granted", "refused", "provisional", "lapsed"),
        fact="legal_aid_outcome",
        csv_aliases=("Issue AJ", "Résultat AJ", "Issue aide juridictionnelle"),
    ),
    Input(
        "recours-received",
        Kind.DATES,
        Text(
            "Recours gracieux ou hiérarchique reçu par l'administration : date de réception "
            "(accusé de réception) ; répétable.",
            "a recours gracieux or hiérarchique was received by the administration: the date "
            "of receipt (acknowledgment); repeatable",
        ),
        "rules.md § Wave 2 rules, New events",
        csv_aliases=("Recours gracieux", "Recours reçu", "Recours hiérarchique"),
    ),
    Input(
        "recours-rejected",
        Kind.DATES,
        Text(
            "Rejet exprès d'un recours : date de sa notification (lettre recommandée non "
            "retirée : première présentation) ; répétable.",
            "an express rejection of a recours was notified: the date of notification (a "
            "registered letter not collected: the day of first presentation); repeatable",
        ),
        "rules.md § Wave 2 rules, New events",
        csv_aliases=("Rejet recours", "Rejet du recours", "Recours rejeté"),
    ),
    Input(
        "motives-requested",
        Kind.DATE,
        Text(
            "Demande des motifs du refus implicite (CRPA L.232-4) : date d'envoi (cachet de la "
            "poste) ou du dépôt en ligne.",
            "the person asked for the motives of the implicit refusal (CRPA L.232-4): the date "
            "it was sent (postmark) or filed online",
        ),
        "rules.md § Wave 2 rules, New events",
        csv_aliases=("Demande de motifs", "Motifs demandés"),
    ),
    Input(
        "motives-communicated",
        Kind.DATE,
        Text(
            "Motifs du refus implicite communiqués : date de leur réception par la personne.",
            "the motives were communicated: the date the person received them",
        ),
        "rules.md § Wave 2 rules, New events",
        csv_aliases=("Motifs communiqués", "Communication des motifs"),
    ),
    Input(
        "items-requested",
        Kind.DATE,
        Text(
            "Pièces manquantes demandées par écrit par la préfecture (CRPA L.114-5) : date de "
            "sa demande.",
            "the préfecture asked in writing for missing documents (CRPA L.114-5): the date of "
            "its request",
        ),
        "rules.md § Wave 2 rules, New events",
        csv_aliases=("Pièces demandées", "Demande de pièces"),
    ),
    Input(
        "items-provided",
        Kind.DATE,
        Text(
            "Pièces manquantes reçues par la préfecture : date de réception (dépôt ANEF, "
            "accusé de réception).",
            "the missing documents reached the préfecture: the date of receipt (ANEF upload, "
            "acknowledgment)",
        ),
        "rules.md § Wave 2 rules, New events",
        csv_aliases=("Pièces fournies", "Pièces reçues"),
    ),
    Input(
        "house-arrest-notified",
        Kind.DATE_TIME,
        Text(
            "Assignation à résidence notifiée après l'OQTF avec l'information de l'art. "
            'R.921-1 : date et heure locale de cette notification ("18/03/2025 10:00").',
            "an assignation à résidence (L.731-1) was notified after the OQTF, with the "
            "information of R.921-1: the date and local time of that notification "
            '(`"18/03/2025 10:00"`)',
        ),
        "rules.md § Wave 2 rules, New events",
        csv_aliases=("Assignation notifiée", "Assignation à résidence"),
    ),
    Input(
        "retention-notified",
        Kind.DATE_TIME,
        Text(
            "Placement en rétention notifié après l'OQTF avec l'information de l'art. R.921-1 : "
            "date et heure locale de cette notification ; l'heure compte (48 heures).",
            "a placement in rétention was notified after the OQTF, with the information of "
            "R.921-1: the date and local time of that notification; the time matters for the "
            "48-hour deadline",
        ),
        "rules.md § Wave 2 rules, New events",
        csv_aliases=("Rétention notifiée", "Placement en rétention"),
    ),
    Input(
        "judgment-notified",
        Kind.DATE,
        Text(
            "Jugement du tribunal administratif notifié : date de notification (lettre "
            "recommandée non retirée : jour de la première présentation).",
            "the tribunal administratif's judgment was notified: the date of notification (a "
            "registered letter not collected: the day of first presentation)",
        ),
        "rules.md § Wave 2 rules, New events",
        csv_aliases=(
            "Jugement notifié",
            "Notification du jugement",
            "Date de notification du jugement",
        ),
    ),
    Input(
        "judgment-appeal-info",
        Kind.YES_NO,
        Text(
            "La notification du jugement indiquait le délai d'appel (défaut : oui ; avec "
            "--judgment-notified).",
            "the judgment's notification stated the appeal deadline (default: yes); a 1-month "
            "deadline not stated becomes 2 months (CJA R.811-3)",
        ),
        "rules.md § Wave 2 rules, New facts",
        fact="judgment_appeal_info",
        csv_aliases=("Délai d'appel indiqué", "Voies d'appel"),
    ),
    Input(
        "residence",
        Kind.CHOICE,
        Text(
            "Résidence, pour les délais de distance : local (même côté que le tribunal), "
            "overseas (outre-mer), abroad (étranger) ; défaut : local.",
            "where the person lives, for the délais de distance: `local` (same side as the "
            "court), `overseas` (overseas before a metropolitan court, or outside the court's "
            "overseas collectivity), `abroad` (default `local`)",
        ),
        "rules.md § Wave 2 rules, New facts",
        choices=("local", "overseas", "abroad"),
        fact="residence",
        csv_aliases=("Résidence", "Lieu de résidence"),
    ),
    Input(
        "territory",
        Kind.CODE,
        Text(
            "Département ou collectivité (75, 2A, 971…). Défaut 75.",
            "department `01`–`95`, `2A`, `2B`, or `971`–`978` (default `75`): holidays and time "
            "zone of the place where the act is done",
        ),
        "rules.md § Events (facts); README §5",
        fact="territory",
        csv_aliases=("Département", "Territoire"),
    ),
)

EVENT_INPUTS = tuple(i for i in INPUTS if i.is_event)
FACT_INPUTS = tuple(i for i in INPUTS if not i.is_event)
