"""The rule catalogue of spec/rules.md, wave 1: administrative phase, appeals, the OQTF.

Each rule is readable in one place: trigger, period, readings, basis, status, validity and the
research section (AP = spec/research/administrative-phase.md, CA = court-appeals.md).
"""

from __future__ import annotations

from datetime import date

from deadlines.instants import OPREA
from deadlines.periods import Method, Period
from deadlines.rules.model import (
    Channel,
    Condition,
    Custody,
    Distance,
    EventKind,
    Kind,
    OqtfGround,
    Reading,
    Regime,
    Rule,
    StartPolicy,
    Status,
    Text,
    Variant,
    Who,
)

ANALOGY_642 = "CPC art. 642 al. 2 (par analogie)"

# --- readings shared by several rules -------------------------------------------------------

# Administrative-phase deadlines on the applicant: franc and extension are DISPUTED (AP Q9.2);
# the strict date is the safe one, the CPC 642 analogy the fallback argument.
STRICT = Reading(
    "strict",
    Text("stricte : échéance, sans report", "strict: the normal end date, no extension"),
    Method.STRICT,
)
EXTENDED = Reading(
    "extended",
    Text(
        "report au premier jour ouvrable (art. 642 CPC par analogie)",
        "moved to the next working day (CPC art. 642 by analogy)",
    ),
    Method.EXTENDED,
    (ANALOGY_642,),
)
BIRTH = Reading(
    "birth",
    Text(
        "naissance au terme du délai, sans report (même un dimanche)",
        "born at the end of the period, never moved (even on a Sunday)",
    ),
    Method.BIRTH,
    ("CE 5 juin 2009 n° 312682",),
)
# Court deadlines: franc + CPC 642 (SETTLED for R.421-1); the two formulas differ only at
# month ends (spec §2.4; CA Q9.2).
FRANC = Reading(
    "franc",
    Text(
        "délai franc, formule du Conseil d'État (échéance + 1 jour, puis report)",
        "délai franc, Conseil d'État formula (normal end date + 1 day, then extension)",
    ),
    Method.FRANC,
    ("CE 5 oct. 2018 n° 409579", "CPC art. 642"),
)
FRANC_DOCTRINE = Reading(
    "franc-doctrine",
    Text(
        "délai franc, formule doctrinale (mois comptés du lendemain, puis report)",
        "délai franc, doctrine formula (months counted from the next day, then extension)",
    ),
    Method.FRANC_DOCTRINE,
    ("jurisconsulte (Icard)", "CPC art. 642"),
)
# Czabaj: « un an »; whether it is franc or extended is not settled (AP Q4.2): the safe reading
# is the same day number one year later with no extension.
CZABAJ_STRICT = Reading(
    "czabaj-strict",
    Text("un an, sans jour franc ni report", "one year, no franc day, no extension"),
    Method.STRICT,
    ("CE Ass. 13 juill. 2016 Czabaj n° 387763",),
)
CZABAJ_FRANC = Reading(
    "czabaj-franc",
    Text("un an, franc et reporté", "one year, franc and extended"),
    Method.FRANC,
    ("CE Ass. 13 juill. 2016 Czabaj n° 387763", "CPC art. 642"),
)

APPEAL_NOTES_WITH_INFO = (
    Text(
        "Le recours doit être enregistré au greffe avant minuit (Télérecours citoyens 24 h/24) ; "
        "une demande d'aide juridictionnelle ou un recours gracieux ou hiérarchique faits dans le "
        "délai l'interrompent (décret 2020-1717 art. 43 ; CRPA L.411-2) : donnez leurs dates.",
        "The appeal must be registered by the court before midnight (Télérecours citoyens, "
        "24/7); a legal-aid request or a recours gracieux or hiérarchique made within the "
        "deadline interrupts it (décret 2020-1717 art. 43; CRPA L.411-2): enter their dates.",
    ),
)
CZABAJ_NOTE = Text(
    "Voies et délais non indiqués : les 2 mois ne sont pas opposables (CJA R.421-5 ; CRPA "
    "L.112-6, L.112-12). Délai raisonnable d'un an (Czabaj) ; pour un refus implicite il ne court "
    "de sa naissance que si la personne a été informée, au dépôt, de la naissance d'une décision "
    "implicite (CE 18 mars 2019 n° 417270), sinon de la preuve qu'elle l'a connue.",
    "No voies et délais given: the 2 months cannot be held against the person (CJA R.421-5; "
    "CRPA L.112-6, L.112-12). Reasonable period of one year (Czabaj); for an implicit refusal it "
    "runs from the birth only if the person was told at filing how an implicit decision is born "
    "(CE 18 Mar 2019 n° 417270), otherwise from proof that they knew of it.",
)


def _appeal_variants(basis_with_info: tuple[str, ...], status: Status) -> tuple[Variant, ...]:
    """2 months franc when the voies et délais were given; otherwise Czabaj's one year."""
    return (
        Variant(
            when=Condition(appeal_info=True),
            period=Period(months=2),
            readings=(FRANC, FRANC_DOCTRINE),
            basis=basis_with_info,
            status=status,
            notes=APPEAL_NOTES_WITH_INFO,
            # CJA R.421-7: + 1 or 2 months for a person living overseas or abroad; never added
            # to Czabaj's year (rules.md "distance").
            distance=Distance.ADDED,
        ),
        Variant(
            when=Condition(appeal_info=False),
            period=Period(years=1),
            readings=(CZABAJ_STRICT, CZABAJ_FRANC),
            basis=("CJA R.421-5", "CE Ass. 13 juill. 2016 Czabaj n° 387763"),
            status=Status.DISPUTED,
            notes=(CZABAJ_NOTE,),
        ),
    )


# R.425-12 was R.313-23 from 1 January 2017 (décret n° 2016-1456) until the recodification of
# 1 May 2021, with the same periods (AP Q1.1).
OFII_PROCEDURE_FROM = date(2017, 1, 1)
# The CJA entered into force on 1 January 2001.
CJA_FROM = date(2001, 1, 1)

POSTMARK = Text(
    "Par courrier, le cachet de la poste fait foi (CRPA L.112-1) : envoi recommandé avec accusé "
    "de réception conseillé.",
    "By post, the postmark counts (CRPA L.112-1): send it registered with acknowledgment.",
)

CERTIFICATE = Rule(
    id="certificate",
    title=Text(
        "Envoyer le certificat médical à l'OFII", "Send the medical certificate to the OFII"
    ),
    who=Who.APPLICANT,
    kind=Kind.DEADLINE,
    # R.425-12 al. 4 says « enregistrement de sa demande en préfecture »; service-public says « mise
    # à disposition » in the ANEF space. When both are known each is a start reading, and the
    # trigger reported is the availability (spec rules.md; open-points Q2).
    triggers=(EventKind.CERTIFICATE_AVAILABLE, EventKind.APPLICATION_FILED),
    start=StartPolicy.DISPUTED_START,
    variants=(
        Variant(
            when=Condition(),
            period=Period(months=1),
            readings=(STRICT, EXTENDED),
            basis=("CESEDA R.425-12 al. 4", "service-public F17164"),
            status=Status.DISPUTED,
        ),
    ),
    basis=("CESEDA R.425-12 al. 4", "service-public F17164"),
    status=Status.DISPUTED,
    research="AP Q1",
    valid_from=OFII_PROCEDURE_FROM,
    replaced_by=EventKind.ASYLUM_REGISTERED,
    replaced_why=Text(
        "demandeur d'asile, c'est le délai de 3 mois qui s'applique (R.425-12 al. 4)",
        "for an asylum seeker the 3-month period applies (R.425-12 al. 4)",
    ),
    done_by=EventKind.CERTIFICATE_RECEIVED,
    notes=(
        POSTMARK,
        Text(
            "Aucune sanction expresse en cas de retard, mais risque de classement ou de refus "
            "et pas d'attestation de prolongation d'instruction.",
            "No express sanction for lateness, but the file may be closed or refused and no "
            "extension certificate (API) issued.",
        ),
    ),
    extension_citation=ANALOGY_642,
)

CERTIFICATE_ASYLUM = Rule(
    id="certificate-asylum",
    title=Text(
        "Déposer la demande et envoyer le certificat médical (demandeur d'asile)",
        "File the application and send the medical certificate (asylum seeker)",
    ),
    who=Who.APPLICANT,
    kind=Kind.DEADLINE,
    # R.425-12 al. 4, 2nd sentence: when the application rests on L.431-2, the certificate is sent
    # within the period of that article (D.431-7: 3 months for L.425-9), from the registration of
    # the asylum claim (service-public, Comede, Forum réfugiés: PREVAILING).
    triggers=(EventKind.ASYLUM_REGISTERED,),
    start=StartPolicy.EACH,
    variants=(
        Variant(
            when=Condition(),
            period=Period(months=3),
            readings=(STRICT, EXTENDED),
            basis=("CESEDA L.431-2", "CESEDA D.431-7", "CESEDA R.425-12"),
            status=Status.PREVAILING,
        ),
    ),
    basis=("CESEDA L.431-2", "CESEDA D.431-7", "CESEDA R.425-12"),
    status=Status.PREVAILING,
    research="AP Q1",
    # D.431-7 applies to asylum claims registered from 1 March 2019 (Forum réfugiés).
    valid_from=date(2019, 3, 1),
    done_by=EventKind.CERTIFICATE_RECEIVED,
    notes=(
        POSTMARK,
        Text(
            "Passé ce délai, la demande de titre n'est plus recevable sauf circonstances "
            "nouvelles (L.431-2) ; le délai n'est pas opposable si la préfecture n'a pas donné "
            "l'information prévue par L.431-2.",
            "After this date a titre application is barred save new circumstances (L.431-2); "
            "it cannot be held against the person if the préfecture did not give the L.431-2 "
            "information.",
        ),
    ),
    extension_citation=ANALOGY_642,
)

FIFTEEN_DAY_NOTES = (
    Text(
        "Compté de la date de la demande (service-public) ; la réponse doit parvenir à l'OFII "
        "dans le délai : l'envoyer tôt. Compter de la réception de la demande est soutenable, "
        "non calculé ici.",
        "Counted from the date of the request (service-public); the answer must reach the "
        "OFII within the period: send it early. Counting from receipt of the request is "
        "arguable, not computed here.",
    ),
)

OFII_REQUEST_REPLY = Rule(
    id="ofii-request-reply",
    title=Text(
        "Répondre à la demande du médecin de l'OFII (informations, examens)",
        "Answer the OFII doctor's request (information, exams)",
    ),
    who=Who.APPLICANT,
    kind=Kind.DEADLINE,
    triggers=(EventKind.OFII_REQUEST,),
    start=StartPolicy.EACH,
    variants=(
        Variant(
            when=Condition(),
            period=Period(days=15),
            readings=(STRICT, EXTENDED),
            basis=("CESEDA R.425-12 al. 1",),
            status=Status.DISPUTED,
        ),
    ),
    basis=("CESEDA R.425-12 al. 1",),
    status=Status.DISPUTED,
    research="AP Q2",
    valid_from=OFII_PROCEDURE_FROM,
    notes=FIFTEEN_DAY_NOTES,
    extension_citation=ANALOGY_642,
)

COLLEGE_REQUEST_REPLY = Rule(
    id="college-request-reply",
    title=Text(
        "Répondre à la demande du collège de médecins de l'OFII",
        "Answer the OFII collège de médecins' request",
    ),
    who=Who.APPLICANT,
    kind=Kind.DEADLINE,
    triggers=(EventKind.COLLEGE_REQUEST,),
    start=StartPolicy.EACH,
    variants=(
        Variant(
            when=Condition(),
            period=Period(days=15),
            readings=(STRICT, EXTENDED),
            basis=("CESEDA R.425-12 al. 3",),
            status=Status.DISPUTED,
        ),
    ),
    basis=("CESEDA R.425-12 al. 3",),
    status=Status.DISPUTED,
    research="AP Q2",
    valid_from=OFII_PROCEDURE_FROM,
    notes=FIFTEEN_DAY_NOTES,
    extension_citation=ANALOGY_642,
)

OFII_OPINION = Rule(
    id="ofii-opinion",
    title=Text(
        "Avis du collège de médecins de l'OFII attendu (indicatif)",
        "OFII collège de médecins' opinion expected (indicative)",
    ),
    who=Who.ADMINISTRATION,
    kind=Kind.INFORMATION,
    triggers=(EventKind.CERTIFICATE_RECEIVED,),
    start=StartPolicy.EACH,
    variants=(
        Variant(
            when=Condition(),
            period=Period(months=3),
            readings=(BIRTH,),
            basis=("CESEDA R.425-13",),
            status=Status.PREVAILING,
        ),
    ),
    basis=("CESEDA R.425-13",),
    status=Status.PREVAILING,
    research="AP Q3",
    valid_from=OFII_PROCEDURE_FROM,
    notes=(
        Text(
            "Délai indicatif, sans sanction ; il ne suspend pas le délai de naissance du refus "
            "implicite.",
            "Indicative, no sanction; it does not suspend the implicit-refusal period.",
        ),
    ),
)

IMPLICIT_REFUSAL = Rule(
    id="implicit-refusal",
    title=Text(
        "Naissance du refus implicite (silence de la préfecture)",
        "Implicit refusal is born (the préfecture's silence)",
    ),
    who=Who.ADMINISTRATION,
    kind=Kind.INFORMATION,
    # L.114-3: the period runs from the receipt of the application (ANEF: online filing date,
    # TA Versailles 23 avr. 2025).
    triggers=(EventKind.APPLICATION_FILED,),
    start=StartPolicy.EACH,
    variants=(
        Variant(
            when=Condition(),
            period=Period(months=4),
            readings=(BIRTH,),
            basis=("CESEDA R*432-1", "CESEDA R.432-2", "CRPA L.114-3"),
            status=Status.PREVAILING,
        ),
    ),
    basis=("CESEDA R*432-1", "CESEDA R.432-2", "CRPA L.114-3"),
    status=Status.PREVAILING,
    research="AP Q4",
    # R*432-1 / R.432-2 as recodified on 1 May 2021.
    valid_from=date(2021, 5, 1),
    produces=EventKind.IMPLICIT_REFUSAL_BORN,
    notes=(
        Text(
            "Une demande écrite de pièces manquantes avec un délai suspend peut-être ce délai "
            "(CRPA L.114-5) : donnez --items-requested et --items-provided ; la naissance "
            "retardée est alors une lecture contestée, la date prudente reste la première.",
            "A written request for missing documents with a time limit may suspend this period "
            "(CRPA L.114-5): enter --items-requested and --items-provided; the later birth is "
            "then a disputed reading, the safe date stays the first.",
        ),
    ),
)

APPEAL_IMPLICIT_REFUSAL = Rule(
    id="appeal-implicit-refusal",
    title=Text(
        "Saisir le tribunal administratif contre le refus implicite",
        "Appeal the implicit refusal to the administrative court",
    ),
    who=Who.APPLICANT,
    kind=Kind.DEADLINE,
    triggers=(EventKind.IMPLICIT_REFUSAL_BORN,),
    start=StartPolicy.EACH,
    variants=_appeal_variants(("CJA R.421-2", "CRPA L.112-6", "CRPA L.112-12"), Status.PREVAILING),
    basis=(
        "CJA R.421-2",
        "CJA R.421-5",
        "CRPA L.112-6",
        "CRPA L.112-12",
        "CE 18 mars 2019 n° 417270",
    ),
    status=Status.PREVAILING,
    research="AP Q4, CA Q4",
    valid_from=CJA_FROM,
    # A judgment of the tribunal on the case proves the appeal was filed (issue 16).
    closed_by=EventKind.JUDGMENT_NOTIFIED,
)

APPEAL_REFUSAL = Rule(
    id="appeal-refusal",
    title=Text(
        "Saisir le tribunal administratif contre le refus de titre",
        "Appeal the refusal of the permit to the administrative court",
    ),
    who=Who.APPLICANT,
    kind=Kind.DEADLINE,
    triggers=(EventKind.REFUSAL_NOTIFIED,),
    start=StartPolicy.EACH,
    variants=_appeal_variants(("CJA R.421-1", "CJA R.421-5"), Status.SETTLED),
    basis=("CJA R.421-1", "CJA R.421-5", "CE Ass. 13 juill. 2016 Czabaj n° 387763"),
    status=Status.SETTLED,
    research="CA Q4",
    valid_from=CJA_FROM,
    absorbed_by=EventKind.OQTF_NOTIFIED,
    # A judgment of the tribunal on the case proves the appeal was filed (issue 16).
    closed_by=EventKind.JUDGMENT_NOTIFIED,
)

ADMINISTRATIVE_APPEAL = Rule(
    id="administrative-appeal",
    title=Text(
        "Former un recours gracieux ou hiérarchique (dans le délai de recours)",
        "File a recours gracieux or hiérarchique (within the appeal deadline)",
    ),
    who=Who.APPLICANT,
    kind=Kind.DEADLINE,
    # CE 19 sept. 2014 n° 362568: the recours administratif must be made within the court
    # deadline, which is franc and extended: same dates as the matching appeal rule.
    triggers=(EventKind.REFUSAL_NOTIFIED, EventKind.IMPLICIT_REFUSAL_BORN),
    start=StartPolicy.EACH,
    variants=_appeal_variants(("CRPA L.411-2", "CE 19 sept. 2014 n° 362568"), Status.SETTLED),
    basis=("CRPA L.411-2", "CE 19 sept. 2014 n° 362568"),
    status=Status.SETTLED,
    research="AP Q5",
    valid_from=CJA_FROM,
    # rules.md: a recours gracieux does not extend an OQTF deadline (CJA R.776-5 I; service-public
    # F18362): never shown once an OQTF is in the case.
    replaced_by=EventKind.OQTF_NOTIFIED,
    done_by=EventKind.RECOURS_RECEIVED,  # done once a recours was received (rules.md)
    replaced_why=Text(
        "une OQTF a été notifiée, et un recours gracieux ou hiérarchique ne prolonge pas son "
        "délai : seul compte le recours au tribunal",
        "an OQTF was notified, and a recours gracieux or hiérarchique does not extend its "
        "deadline: only the court appeal counts",
    ),
    notes=(
        Text(
            "Facultatif. Il interrompt le délai de recours contentieux, qui repart pour 2 mois "
            "à son rejet (rejet implicite après 2 mois de silence, CRPA L.411-7) : donnez "
            "--recours-received. Ne prolonge jamais le délai d'une OQTF.",
            "Optional. It interrupts the court deadline, which starts again for 2 months when "
            "it is rejected (implicitly after 2 months of silence, CRPA L.411-7): enter "
            "--recours-received. It never extends an OQTF deadline.",
        ),
    ),
    # A judgment of the tribunal on the case proves the appeal was filed (issue 16).
    closed_by=EventKind.JUDGMENT_NOTIFIED,
)

RENEWAL_NOTES = (
    Text(
        "Dépôt tardif : pas d'attestation de prolongation d'instruction (R.431-15-1) et "
        "possible droit de visa de régularisation de 180 € (L.436-5).",
        "Late filing: no extension certificate (API, R.431-15-1) and a possible 180 € "
        "regularisation fee (L.436-5).",
    ),
)
ANEF_WINDOW = "CESEDA R.431-5 1° (téléservice ANEF, R.431-2)"
COUNTER_WINDOW = "CESEDA R.431-5 1° (hors téléservice)"

RENEWAL_OPENS = Rule(
    id="renewal-opens",
    title=Text(
        "Début de la période de dépôt du renouvellement",
        "Renewal filing window opens",
    ),
    who=Who.APPLICANT,
    kind=Kind.WINDOW_OPENS,
    triggers=(EventKind.PERMIT_EXPIRES,),
    start=StartPolicy.EACH,
    variants=(
        Variant(
            when=Condition(channel=Channel.ANEF),
            period=Period(days=120),
            readings=(
                Reading(
                    "anef",
                    Text("ANEF : 120e jour avant l'expiration", "ANEF: 120th day before expiry"),
                    Method.BACKWARD,
                    (ANEF_WINDOW,),
                ),
            ),
            basis=(ANEF_WINDOW,),
            status=Status.DISPUTED,
        ),
        Variant(
            when=Condition(channel=Channel.COUNTER),
            period=Period(months=2),
            readings=(
                Reading(
                    "counter",
                    Text("guichet : 2 mois avant l'expiration", "counter: 2 months before expiry"),
                    Method.BACKWARD,
                    (COUNTER_WINDOW,),
                ),
            ),
            basis=(COUNTER_WINDOW,),
            status=Status.PREVAILING,
        ),
    ),
    basis=("CESEDA R.431-5 1°",),
    # Is L.425-9 on the ANEF list, and since when? (open-points Q3)
    status=Status.DISPUTED,
    research="AP Q6",
    valid_from=date(2021, 5, 1),
)

RENEWAL_CLOSES = Rule(
    id="renewal-closes",
    title=Text(
        "Déposer la demande de renouvellement",
        "File the renewal application",
    ),
    who=Who.APPLICANT,
    kind=Kind.DEADLINE,
    triggers=(EventKind.PERMIT_EXPIRES,),
    start=StartPolicy.EACH,
    variants=(
        Variant(
            when=Condition(channel=Channel.ANEF),
            period=Period(days=60),
            readings=(
                Reading(
                    "anef",
                    Text("ANEF : 60e jour avant l'expiration", "ANEF: 60th day before expiry"),
                    Method.BACKWARD,
                    (ANEF_WINDOW, "CESEDA R.431-15-1"),
                ),
            ),
            basis=(ANEF_WINDOW, "CESEDA R.431-15-1", "CESEDA L.436-5"),
            status=Status.DISPUTED,
            notes=RENEWAL_NOTES,
        ),
        Variant(
            when=Condition(channel=Channel.COUNTER),
            # « dans le courant des deux mois précédant l'expiration »: up to the expiry day.
            period=Period(),
            readings=(
                Reading(
                    "counter",
                    Text(
                        "guichet : jusqu'au jour de l'expiration", "counter: up to the expiry day"
                    ),
                    Method.BACKWARD,
                    (COUNTER_WINDOW,),
                ),
            ),
            basis=(COUNTER_WINDOW, "CESEDA L.436-5"),
            status=Status.PREVAILING,
            notes=RENEWAL_NOTES,
        ),
    ),
    basis=("CESEDA R.431-5 1°", "CESEDA R.431-15-1", "CESEDA L.436-5"),
    status=Status.DISPUTED,
    research="AP Q6",
    valid_from=date(2021, 5, 1),
)

# --- the OQTF (CA Q1–Q3, Q5, Q9; rules.md "oqtf-appeal by regime") ----------------------------

NON_FRANC_MONTH = Reading(
    "non-franc",
    Text(
        "non franc : l'échéance, sans report (aucune décision du Conseil d'État sur ce délai)",
        "not franc: the normal end date, no extension (no Conseil d'État ruling on this deadline)",
    ),
    Method.STRICT,
)
NON_FRANC_7_DAYS = Reading(
    "non-franc",
    Text(
        "non franc : notification + 7 jours, sans report (CAA Lyon 19 déc. 2024 n° 24LY03013)",
        "not franc: notification + 7 days, no extension (CAA Lyon 19 Dec 2024 n° 24LY03013)",
    ),
    Method.STRICT,
    ("CAA Lyon 19 déc. 2024 n° 24LY03013",),
)
FRANC_7_DAYS = Reading(
    "franc",
    Text(
        "franc : notification + 8 jours, puis report (CAA Toulouse 3 juill. 2025 n° 24TL02643)",
        "franc: notification + 8 days, then extension (CAA Toulouse 3 Jul 2025 n° 24TL02643)",
    ),
    Method.FRANC,
    ("CAA Toulouse 3 juill. 2025 n° 24TL02643", "CPC art. 642"),
)
FRANC_DAYS = Reading(
    "franc",
    Text(
        "délai franc : échéance + 1 jour, puis report (CE avis Hoseini)",
        "délai franc: normal end date + 1 day, then extension (CE avis Hoseini)",
    ),
    Method.FRANC,
    ("CE avis 30 juill. 2021 Hoseini n° 452878", "CPC art. 642"),
)
NON_FRANC_DAYS = Reading(
    "non-franc",
    Text(
        "non franc : le 30e jour à minuit, sans report",
        "not franc: the 30th day at midnight, no extension",
    ),
    Method.STRICT,
)
ELAPSED = Reading(
    "elapsed",
    Text("48 heures de temps écoulé, d'heure à heure", "48 hours of elapsed time, hour to hour"),
    Method.HOURS_ELAPSED,
    (OPREA,),
)
WALL_CLOCK = Reading(
    "wall-clock",
    Text(
        "même heure légale deux jours plus tard (changement d'heure)",
        "same clock time two days later (daylight-saving change)",
    ),
    Method.HOURS_WALL_CLOCK,
    (OPREA,),
)

OQTF_FILING = Text(
    "Le recours doit être enregistré au greffe du tribunal avant l'expiration (Télérecours "
    "citoyens 24 h/24) ; un recours gracieux ou hiérarchique ne prolonge pas ce délai. Les "
    "décisions notifiées avec l'OQTF (refus de titre, délai de départ, pays de renvoi, "
    "interdiction de retour) suivent ce même délai.",
    "The appeal must be registered by the court before the deadline (Télérecours citoyens, "
    "24/7); a recours gracieux or hiérarchique does not extend it. Decisions notified with the "
    "OQTF (refusal of the permit, departure period, country of return, return ban) follow this "
    "same deadline.",
)
LEGAL_AID_INTERRUPTS = Text(
    "Une demande d'aide juridictionnelle faite dans le délai l'interrompt (décret 2020-1717 "
    "art. 43) : donnez --legal-aid-requested, puis la décision du BAJ.",
    "A legal-aid request made within the deadline interrupts it (décret 2020-1717 art. 43): "
    "enter --legal-aid-requested, then the legal-aid decision.",
)
NO_INTERRUPTION = Text(
    "Ni l'aide juridictionnelle ni un recours administratif n'interrompent ce délai.",
    "Neither legal aid nor an administrative appeal interrupts this deadline.",
)
CUSTODY_SWITCH = Text(
    "Si une assignation à résidence ou un placement en rétention est notifié pendant ce délai, "
    "un nouveau délai de 7 jours ou de 48 heures court de cette information (CESEDA R.921-1) : "
    "donnez --house-arrest-notified ou --retention-notified.",
    "If house arrest or rétention is notified while this deadline runs, a new 7-day or 48-hour "
    "deadline runs from that information (CESEDA R.921-1): enter --house-arrest-notified or "
    "--retention-notified.",
)
FORTY_EIGHT_HOURS = Text(
    "Ni franc ni reporté, même un dimanche ou un jour férié (CE Oprea). En rétention ou en "
    "prison, déposer au greffe du centre ou de l'établissement, heure à l'appui. Un avis disant "
    "« deux jours » au lieu de « 48 heures » ne fait pas courir le délai (CAA Toulouse 19 janv. "
    "2023 n° 21TL04825).",
    "Never franc, never extended, even on a Sunday or holiday (CE Oprea). In rétention or "
    "prison, file with the centre's or prison's registry, with the time recorded. A notice "
    "saying « deux jours » instead of « 48 heures » does not start the deadline (CAA Toulouse "
    "19 Jan 2023 n° 21TL04825).",
)
POSTAL_48_HOURS = Text(
    "Une OQTF sans délai notifiée par la poste (et non par voie administrative) ne fait pas "
    "courir les 48 heures (CE 17 juin 2020 n° 425111).",
    "An OQTF without a departure period notified by post (not handed over by the "
    "administration) does not start the 48 hours (CE 17 Jun 2020 n° 425111).",
)
ILLNESS_PROTECTION = Text(
    "Argument de fond : l'étranger dont l'état de santé exige des soins qu'il ne pourrait "
    "effectivement recevoir dans le pays de renvoi est protégé contre l'OQTF (CESEDA L.611-3 9°).",
    "Substance: a foreigner whose health needs care they could not effectively receive in the "
    "country of return is protected against an OQTF (CESEDA L.611-3 9°).",
)

FREE = frozenset({Custody.NONE})
DETENTION_BASIS = "CESEDA L.614-15"


def _old_rows(custody: frozenset[Custody], extra_basis: tuple[str, ...]) -> tuple[Variant, ...]:
    """The old-regime rows for people free or detained (L.614-15: same deadlines)."""
    detained = extra_basis != ()
    who = (
        Text(" (personne détenue : mêmes délais)", " (detainee: same deadlines)")
        if detained
        else Text("", "")
    )
    return (
        Variant(
            id="old-30-days",
            label=Text(
                "décision prise jusqu'au 14 juillet 2024, avec délai de départ volontaire, "
                f"fondement 3° (ou autre que 1°, 2°, 4°) de L.611-1 : 30 jours{who.fr}",
                "decision taken up to 14 July 2024, with a departure period, ground 3° (or other "
                f"than 1°, 2°, 4°) of L.611-1: 30 days{who.en}",
            ),
            when=Condition(
                regime=Regime.OLD,
                departure_period=True,
                custody=custody,
                ground=frozenset({OqtfGround.REFUSAL, OqtfGround.OTHER}),
            ),
            period=Period(days=30),
            readings=(FRANC_DAYS, NON_FRANC_DAYS),
            basis=("CESEDA L.614-4", "CJA R.776-2 I", *extra_basis),
            status=Status.PREVAILING,
            notes=(LEGAL_AID_INTERRUPTS,),
        ),
        Variant(
            id="old-15-days",
            label=Text(
                "décision prise jusqu'au 14 juillet 2024, avec délai de départ volontaire, "
                f"fondement 4° de L.611-1 (asile) : 15 jours francs{who.fr}",
                "decision taken up to 14 July 2024, with a departure period, ground 4° of "
                f"L.611-1 (asylum): 15 days franc{who.en}",
            ),
            when=Condition(
                regime=Regime.OLD,
                departure_period=True,
                custody=custody,
                ground=frozenset({OqtfGround.ASYLUM}),
            ),
            period=Period(days=15),
            readings=(FRANC_DAYS,),
            basis=(
                "CESEDA L.614-5",
                "CJA R.776-2 I al. 2",
                "CE avis 30 juill. 2021 Hoseini n° 452878",
                *extra_basis,
            ),
            status=Status.SETTLED,
            notes=(NO_INTERRUPTION,),
        ),
        Variant(
            id="old-48-hours",
            label=Text(
                "décision prise jusqu'au 14 juillet 2024, sans délai de départ volontaire : "
                f"48 heures{who.fr}",
                f"decision taken up to 14 July 2024, without a departure period: 48 hours{who.en}",
            ),
            when=Condition(regime=Regime.OLD, departure_period=False, custody=custody),
            period=Period(hours=48),
            readings=(ELAPSED, WALL_CLOCK),
            basis=("CESEDA L.614-6", "CJA R.776-2 II", *extra_basis),
            status=Status.SETTLED,
            notes=(FORTY_EIGHT_HOURS, POSTAL_48_HOURS, NO_INTERRUPTION),
        ),
    )


OQTF_APPEAL = Rule(
    id="oqtf-appeal",
    title=Text(
        "Saisir le tribunal administratif contre l'OQTF (et les décisions notifiées avec elle)",
        "Appeal the OQTF (and the decisions notified with it) to the administrative court",
    ),
    who=Who.APPLICANT,
    kind=Kind.DEADLINE,
    triggers=(EventKind.OQTF_NOTIFIED,),
    start=StartPolicy.EACH,
    # The regime is chosen by the date the OQTF was taken (loi 2024-42 art. 86 IV; décret
    # 2024-799 art. 9), then the row by departure period, custody and ground (CA §0.4).
    variants=(
        Variant(
            id="new-1-month",
            label=Text(
                "décision prise à compter du 15 juillet 2024, sans assignation à résidence, "
                "détention ni rétention (avec ou sans délai de départ) : 1 mois",
                "decision taken from 15 July 2024, no house arrest, detention or rétention (with "
                "or without a departure period): 1 month",
            ),
            when=Condition(regime=Regime.NEW, custody=FREE),
            period=Period(months=1),
            readings=(FRANC, FRANC_DOCTRINE, NON_FRANC_MONTH),
            basis=("CESEDA L.614-1", "CESEDA L.911-1"),
            status=Status.PREVAILING,
            notes=(LEGAL_AID_INTERRUPTS, CUSTODY_SWITCH),
        ),
        Variant(
            id="new-7-days",
            label=Text(
                "décision prise à compter du 15 juillet 2024, personne assignée à résidence "
                "(L.731-1) ou détenue : 7 jours",
                "decision taken from 15 July 2024, person under house arrest (L.731-1) or "
                "detained: 7 days",
            ),
            when=Condition(
                regime=Regime.NEW, custody=frozenset({Custody.HOUSE_ARREST, Custody.DETENTION})
            ),
            period=Period(days=7),
            readings=(NON_FRANC_7_DAYS, FRANC_7_DAYS),
            basis=("CESEDA L.921-1",),
            status=Status.DISPUTED,
            notes=(NO_INTERRUPTION, CUSTODY_SWITCH),
        ),
        Variant(
            id="new-48-hours",
            label=Text(
                "décision prise à compter du 15 juillet 2024, personne placée en rétention : "
                "48 heures",
                "decision taken from 15 July 2024, person in rétention: 48 hours",
            ),
            when=Condition(regime=Regime.NEW, custody=frozenset({Custody.RETENTION})),
            period=Period(hours=48),
            readings=(ELAPSED, WALL_CLOCK),
            basis=("CESEDA L.921-2",),
            status=Status.SETTLED,
            notes=(FORTY_EIGHT_HOURS, NO_INTERRUPTION),
        ),
        *_old_rows(FREE, ()),
        *_old_rows(frozenset({Custody.DETENTION}), (DETENTION_BASIS,)),
        Variant(
            id="old-48-hours",
            label=Text(
                "décision prise jusqu'au 14 juillet 2024, personne assignée à résidence ou "
                "placée en rétention : 48 heures",
                "decision taken up to 14 July 2024, person under house arrest or in rétention: "
                "48 hours",
            ),
            when=Condition(
                regime=Regime.OLD, custody=frozenset({Custody.HOUSE_ARREST, Custody.RETENTION})
            ),
            period=Period(hours=48),
            readings=(ELAPSED, WALL_CLOCK),
            basis=("CESEDA L.614-8", "CJA R.776-4"),
            status=Status.SETTLED,
            notes=(FORTY_EIGHT_HOURS, NO_INTERRUPTION),
        ),
    ),
    basis=("CESEDA L.614-1", "CESEDA L.911-1", "CESEDA L.921-1", "CESEDA L.921-2"),
    status=Status.PREVAILING,
    research="CA Q1–Q3, Q9",
    # The OQTF exists since 1 January 2007 (loi n° 2006-911; décret n° 2006-1708).
    valid_from=date(2007, 1, 1),
    extension_citation="CPC art. 642 al. 2",
    notes=(OQTF_FILING, ILLNESS_PROTECTION),
    # A judgment of the tribunal on the case proves the appeal was filed (issue 16).
    closed_by=EventKind.JUDGMENT_NOTIFIED,
)

VOLUNTARY_DEPARTURE = Rule(
    id="voluntary-departure",
    title=Text(
        "Fin du délai de départ volontaire accordé par l'OQTF",
        "End of the voluntary departure period granted by the OQTF",
    ),
    who=Who.APPLICANT,
    kind=Kind.DEADLINE,
    triggers=(EventKind.OQTF_NOTIFIED,),
    start=StartPolicy.EACH,
    variants=(
        Variant(
            when=Condition(departure_period=True),
            period=Period(days=30),
            # No decision on the count (CA Q5.2): both readings, never extended (leaving is
            # possible on any day).
            readings=(
                Reading(
                    "day-counted",
                    Text(
                        "le jour de la notification compte : 29 jours après, sans report",
                        "the notification day counts: 29 days after, no extension",
                    ),
                    Method.DAY_COUNTED,
                    ("Cass. civ. 1re, avis 7 janv. 2025 n° 24-70.008 (par analogie)",),
                ),
                Reading(
                    "day-excluded",
                    Text(
                        "le jour de la notification ne compte pas : 30 jours après, sans report",
                        "the notification day does not count: 30 days after, no extension",
                    ),
                    Method.STRICT,
                    ("CPC art. 641 (par analogie)",),
                ),
            ),
            basis=("CESEDA L.612-1",),
            status=Status.DISPUTED,
        ),
    ),
    basis=("CESEDA L.612-1",),
    status=Status.DISPUTED,
    research="CA Q5",
    valid_from=date(2007, 1, 1),
    notes=(
        Text(
            "30 jours sauf délai plus long écrit sur l'OQTF ou prolongation notifiée par écrit "
            "(L.612-1) : vérifier la décision. Un recours formé dans le délai empêche "
            "l'exécution de l'OQTF avant le jugement (service-public F18362).",
            "30 days unless the OQTF sets a longer period or a written extension was notified "
            "(L.612-1): check the decision. An appeal filed in time prevents removal before the "
            "judgment (service-public F18362).",
        ),
        Text(
            "Resté au-delà de ce délai, la personne s'expose à une interdiction de retour "
            "(L.612-7).",
            "Staying beyond this period exposes the person to a return ban (L.612-7).",
        ),
    ),
)

RECOURS_REJECTION = Rule(
    id="recours-rejection",
    title=Text(
        "Rejet implicite du recours gracieux ou hiérarchique (silence de l'administration)",
        "Implicit rejection of the recours gracieux or hiérarchique (the administration's silence)",
    ),
    who=Who.ADMINISTRATION,
    kind=Kind.INFORMATION,
    # CRPA L.411-7 and L.231-4 2°: silence kept for 2 months on a recours is a rejection; the
    # period runs from its receipt (L.114-3) and the birth is never moved (AP Q5.2).
    triggers=(EventKind.RECOURS_RECEIVED,),
    start=StartPolicy.EACH,
    variants=(
        Variant(
            when=Condition(),
            period=Period(months=2),
            readings=(BIRTH,),
            basis=("CRPA L.411-7", "CRPA L.231-4 2°", "CRPA L.114-3"),
            status=Status.SETTLED,
        ),
    ),
    basis=("CRPA L.411-7", "CRPA L.231-4 2°", "CRPA L.114-3"),
    status=Status.SETTLED,
    research="AP Q5",
    valid_from=CJA_FROM,
    produces=EventKind.RECOURS_REJECTION_BORN,
    notes=(
        Text(
            "Le délai de recours au tribunal repart pour 2 mois de ce rejet (ou du rejet exprès "
            "notifié avant) : il figure sur la ligne du recours au tribunal.",
            "The court deadline starts again for 2 months from this rejection (or from an "
            "express rejection notified before it): see the court appeal's line.",
        ),
    ),
)

APPEAL_JUDGMENT_NOTES = (
    Text(
        "Appel devant la cour administrative d'appel : la requête doit être enregistrée au "
        "greffe de la cour avant minuit (Télérecours citoyens 24 h/24), par un avocat. Une "
        "demande d'aide juridictionnelle faite dans le délai l'interrompt (décret 2020-1717 "
        "art. 43).",
        "Appeal to the cour administrative d'appel: it must be registered by the court before "
        "midnight (Télérecours citoyens, 24/7), through a lawyer. A legal-aid request made "
        "within the deadline interrupts it (décret 2020-1717 art. 43).",
    ),
)

APPEAL_JUDGMENT = Rule(
    id="appeal-judgment",
    title=Text(
        "Faire appel du jugement du tribunal administratif",
        "Appeal the administrative court's judgment",
    ),
    who=Who.APPLICANT,
    kind=Kind.DEADLINE,
    triggers=(EventKind.JUDGMENT_NOTIFIED,),
    start=StartPolicy.EACH,
    variants=(
        # A judgment on an OQTF: 1 month (old CJA R.776-9; new procedure per CA Q7, PREVAILING);
        # the délais de distance may or may not be added (R.811-5; CA Q10.2: DISPUTED).
        Variant(
            when=Condition(on_oqtf=True, judgment_appeal_info=True),
            period=Period(months=1),
            readings=(FRANC, FRANC_DOCTRINE),
            basis=("CJA R.776-9 (ancien)", "CJA R.811-2"),
            status=Status.PREVAILING,
            notes=APPEAL_JUDGMENT_NOTES,
            distance=Distance.READING,
        ),
        # R.811-3: a notification that does not state a deadline shorter than 2 months gives 2.
        Variant(
            when=Condition(on_oqtf=True, judgment_appeal_info=False),
            period=Period(months=2),
            readings=(FRANC, FRANC_DOCTRINE),
            basis=("CJA R.811-3",),
            status=Status.SETTLED,
            notes=APPEAL_JUDGMENT_NOTES,
            distance=Distance.ADDED,
        ),
        Variant(
            when=Condition(on_oqtf=False),
            period=Period(months=2),
            readings=(FRANC, FRANC_DOCTRINE),
            basis=("CJA R.811-2",),
            status=Status.SETTLED,
            notes=APPEAL_JUDGMENT_NOTES,
            distance=Distance.ADDED,
        ),
    ),
    basis=("CJA R.811-2", "CJA R.811-3", "CJA R.811-5", "CJA R.776-9 (ancien)"),
    status=Status.SETTLED,
    research="CA Q7, Q8, Q10",
    valid_from=CJA_FROM,
)

# Evaluation order matters: a rule that produces an event comes before the rules it triggers.
CATALOGUE: tuple[Rule, ...] = (
    CERTIFICATE,
    CERTIFICATE_ASYLUM,
    OFII_REQUEST_REPLY,
    COLLEGE_REQUEST_REPLY,
    OFII_OPINION,
    IMPLICIT_REFUSAL,
    APPEAL_IMPLICIT_REFUSAL,
    APPEAL_REFUSAL,
    ADMINISTRATIVE_APPEAL,
    RECOURS_REJECTION,
    OQTF_APPEAL,
    VOLUNTARY_DEPARTURE,
    APPEAL_JUDGMENT,
    RENEWAL_OPENS,
    RENEWAL_CLOSES,
)
