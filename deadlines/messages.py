"""Every user-facing sentence of the domain, in French and English, keyed.

Parameters that are dates are written out in full (« lundi 3 mars 2025 »); parameters named
`rule`, `holiday`, `other` and `zone` are looked up (rule title, holiday name, event name, zone).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from deadlines.dates import format_instant, format_long
from deadlines.errors import ParamValue
from deadlines.explain import Step
from deadlines.rules.model import Text

if TYPE_CHECKING:
    from deadlines.engine import Message

LANGS = ("fr", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # --- input errors -------------------------------------------------------------------
    "date.format": {
        "fr": "{option} : « {value} » n'est pas une date. Formes acceptées : JJ/MM/AAAA "
        "(04/03/2025) ou AAAA-MM-JJ (2025-03-04).",
        "en": "{option}: '{value}' is not a date. Accepted forms: DD/MM/YYYY (04/03/2025) "
        "or YYYY-MM-DD (2025-03-04).",
    },
    "date.two-digit-year": {
        "fr": "{option} : « {value} » : l'année doit avoir quatre chiffres. Formes acceptées : "
        "JJ/MM/AAAA (04/03/2025) ou AAAA-MM-JJ (2025-03-04).",
        "en": "{option}: '{value}': the year must have four digits. Accepted forms: "
        "DD/MM/YYYY (04/03/2025) or YYYY-MM-DD (2025-03-04).",
    },
    "date.month": {
        "fr": "{option} : « {value} » : il n'y a pas de mois {month}. Les dates s'écrivent "
        "jour/mois/année (JJ/MM/AAAA, 04/03/2025 = 4 mars) ou AAAA-MM-JJ.",
        "en": "{option}: '{value}': there is no month {month}. Dates are written day/month/year "
        "(DD/MM/YYYY, 04/03/2025 = 4 March) or YYYY-MM-DD.",
    },
    "date.day": {
        "fr": "{option} : « {value} » n'existe pas (le mois {month}/{year} n'a pas de jour "
        "{day}). Formes acceptées : JJ/MM/AAAA ou AAAA-MM-JJ.",
        "en": "{option}: '{value}' does not exist (month {month}/{year} has no day {day}). "
        "Accepted forms: DD/MM/YYYY or YYYY-MM-DD.",
    },
    "coverage.year": {
        "fr": "{option} : {day} est hors des années dont le calendrier des jours fériés est "
        "vérifié pour le territoire {territory} ({first}–{last}). Aucune date n'est devinée.",
        "en": "{option}: {day} is outside the years with verified holiday data for territory "
        "{territory} ({first}–{last}). No date is guessed.",
    },
    "territory.unknown": {
        "fr": "{option} : « {value} » n'est pas un territoire connu. Codes acceptés : "
        "départements 01 à 95, 2A, 2B, 971 à 978.",
        "en": "{option}: '{value}' is not a known territory. Accepted codes: departments 01 to "
        "95, 2A, 2B, 971 to 978.",
    },
    "territory.corsica": {
        "fr": "{option} : « 20 » n'est plus un code de département : 2A (Corse-du-Sud) ou 2B "
        "(Haute-Corse).",
        "en": "{option}: '20' is no longer a department code: use 2A (Corse-du-Sud) or 2B "
        "(Haute-Corse).",
    },
    "channel.unknown": {
        "fr": "{option} : « {value} » n'est pas un mode de dépôt. Valeurs acceptées : anef, "
        "counter (guichet).",
        "en": "{option}: '{value}' is not a filing channel. Accepted values: anef, counter.",
    },
    "case.no-event": {
        "fr": "Aucune date donnée : indiquez au moins un événement (--filed, "
        "--certificate-available, --asylum-registered, --ofii-request, --college-request, "
        "--certificate-received, --refusal-notified, --permit-expires).",
        "en": "No date given: give at least one event (--filed, --certificate-available, "
        "--asylum-registered, --ofii-request, --college-request, --certificate-received, "
        "--refusal-notified, --permit-expires).",
    },
    "option.choice": {
        "fr": "{option} : « {value} » n'est pas accepté. Valeurs acceptées : {choices}.",
        "en": "{option}: '{value}' is not accepted. Accepted values: {choices}.",
    },
    "event.derived": {
        "fr": "{option} : cet événement est calculé par l'outil, il ne se saisit pas.",
        "en": "{option}: this event is computed by the tool and cannot be entered.",
    },
    "event.repeated": {
        "fr": "{option} : cet événement ne peut être donné qu'une fois.",
        "en": "{option}: this event can be given only once.",
    },
    "event.order": {
        "fr": "{option} : {day} est antérieur à {other} ({other_day}), ce qui est impossible. "
        "Vérifiez les deux dates.",
        "en": "{option}: {day} is before {other} ({other_day}), which is impossible. Check both "
        "dates.",
    },
    # --- counting steps -----------------------------------------------------------------
    "step.start": {
        "fr": "Point de départ : {day} (ce jour ne compte pas).",
        "en": "Start: {day} (this day does not count).",
    },
    "step.day-after": {
        "fr": "Formule doctrinale : on compte à partir du lendemain, {after}.",
        "en": "Doctrine formula: counting from the next day, {after}.",
    },
    "step.add-months": {
        "fr": "+ {months} mois, même quantième : {day}.",
        "en": "+ {months} month(s), same day number: {day}.",
    },
    "step.subtract-months": {
        "fr": "− {months} mois, même quantième : {day}.",
        "en": "− {months} month(s), same day number: {day}.",
    },
    "step.clamp": {
        "fr": "+ {months} mois : pas de {wanted} dans ce mois, le délai expire le dernier jour "
        "du mois : {day}.",
        "en": "+ {months} month(s): that month has no day {wanted}, so the period ends on its "
        "last day: {day}.",
    },
    "step.add-days": {
        "fr": "+ {days} jours (le jour de départ exclu) : {day}.",
        "en": "+ {days} days (the start day excluded): {day}.",
    },
    "step.subtract-days": {
        "fr": "− {days} jours avant l'expiration : {day}.",
        "en": "− {days} days before expiry: {day}.",
    },
    "step.franc-day": {
        "fr": "Délai franc : le dernier jour est le lendemain de l'échéance, {day}.",
        "en": "Délai franc: the last day is the day after the échéance, {day}.",
    },
    "step.skip-weekend": {
        "fr": "{day} n'est pas un jour ouvrable : report au lendemain.",
        "en": "{day} is not a working day: moved to the next day.",
    },
    "step.skip-holiday": {
        "fr": "{day} est férié ({holiday}, {basis}) : report au lendemain.",
        "en": "{day} is a public holiday ({holiday}, {basis}): moved to the next day.",
    },
    "step.skip-disputed-holiday": {
        "fr": "{day} : {holiday}, jour férié ou chômé contesté ({basis}), compté ici comme "
        "férié : report au lendemain.",
        "en": "{day}: {holiday}, a disputed holiday ({basis}), counted here as a holiday: "
        "moved to the next day.",
    },
    "step.working-day": {
        "fr": "{day} est un jour ouvrable : pas de report.",
        "en": "{day} is a working day: no extension.",
    },
    "step.no-extension": {
        "fr": "{day} tombe un jour non ouvrable ({holiday}), mais cette lecture ne reporte pas.",
        "en": "{day} falls on a non-working day ({holiday}), but this reading does not extend.",
    },
    "step.birth": {
        "fr": "La décision naît à la fin de ce jour, même un samedi, dimanche ou jour férié : "
        "{day}.",
        "en": "The decision is born at the end of that day, even a Saturday, Sunday or holiday: "
        "{day}.",
    },
    "step.end-of-day": {
        "fr": "Le délai expire à 24 h 00 ({zone}) le {day}.",
        "en": "The period ends at midnight ({zone}) on {day}.",
    },
    "step.start-instant": {
        "fr": "Point de départ : notification le {at}.",
        "en": "Start: notified on {at}.",
    },
    "step.add-hours": {
        "fr": "+ {hours} heures de temps écoulé, d'heure à heure : {at}.",
        "en": "+ {hours} hours of elapsed time, hour to hour: {at}.",
    },
    "step.add-hours-wall-clock": {
        "fr": "+ {hours} heures à l'heure légale (même heure affichée) : {at}.",
        "en": "+ {hours} hours by the clock (same wall time): {at}.",
    },
    "step.dst-nonexistent": {
        "fr": "Cette heure n'existe pas (passage à l'heure d'été) : première minute valide, {at}.",
        "en": "That time does not exist (clocks go forward): first valid minute, {at}.",
    },
    "step.dst-ambiguous": {
        "fr": "Cette heure existe deux fois (retour à l'heure d'hiver) : la première, {at}.",
        "en": "That time occurs twice (clocks go back): the earlier one, {at}.",
    },
    "step.end-instant": {
        "fr": "Le délai expire à cet instant précis, sans jour franc ni report : {at}.",
        "en": "The period ends at that exact instant, never franc or extended: {at}.",
    },
    # --- engine notes and warnings ------------------------------------------------------
    "warning.channel-unknown": {
        "fr": "Mode de dépôt inconnu (--channel) : le titre « étranger malade » n'est sur l'ANEF "
        "de façon certaine que depuis le {since} ; les deux fenêtres sont affichées.",
        "en": "Filing channel unknown (--channel): the medical-grounds permit is certainly on "
        "ANEF only since {since}; both windows are shown.",
    },
    "warning.done-after-safe": {
        "fr": "Reçu le {day}, après la date prudente du {due} : garder la preuve de l'envoi "
        "(cachet de la poste).",
        "en": "Received on {day}, after the safe date of {due}: keep proof of sending (postmark).",
    },
    "warning.express-after-implicit": {
        "fr": "Un refus exprès a été notifié le {day} : le délai de recours repart de cette "
        "notification (CJA R.421-2) ; voir le recours contre le refus.",
        "en": "An express refusal was notified on {day}: the appeal period runs again from that "
        "notification (CJA R.421-2); see the appeal against the refusal.",
    },
    "note.replaced": {
        "fr": "« {rule} » ne s'applique pas : demandeur d'asile, c'est le délai de 3 mois qui "
        "s'applique (R.425-12 al. 4).",
        "en": "'{rule}' does not apply: for an asylum seeker the 3-month period applies "
        "(R.425-12 al. 4).",
    },
    "note.not-in-force": {
        "fr": "« {rule} » n'est pas calculé : l'événement du {day} est antérieur au {since}, "
        "date d'entrée en vigueur du texte modélisé.",
        "en": "'{rule}' is not computed: the event of {day} is before {since}, when the text "
        "modelled here came into force.",
    },
    "note.no-implicit-refusal": {
        "fr": "Pas de refus implicite : un refus exprès a été notifié le {refusal}, avant la "
        "naissance du refus implicite ({born}).",
        "en": "No implicit refusal: an express refusal was notified on {refusal}, before the "
        "implicit refusal would have been born ({born}).",
    },
}

NAMES: dict[str, dict[str, str]] = {
    "holiday.new-year": {"fr": "jour de l'an", "en": "New Year's Day"},
    "holiday.easter-monday": {"fr": "lundi de Pâques", "en": "Easter Monday"},
    "holiday.may-day": {"fr": "fête du Travail", "en": "Labour Day"},
    "holiday.victory-1945": {"fr": "Victoire 1945", "en": "Victory in Europe Day"},
    "holiday.ascension": {"fr": "Ascension", "en": "Ascension Day"},
    "holiday.whit-monday": {"fr": "lundi de Pentecôte", "en": "Whit Monday"},
    "holiday.bastille-day": {"fr": "fête nationale", "en": "Bastille Day"},
    "holiday.assumption": {"fr": "Assomption", "en": "Assumption"},
    "holiday.all-saints": {"fr": "Toussaint", "en": "All Saints' Day"},
    "holiday.armistice": {"fr": "Armistice 1918", "en": "Armistice Day"},
    "holiday.christmas": {"fr": "Noël", "en": "Christmas Day"},
    "holiday.st-stephen": {"fr": "Saint-Étienne (26 décembre)", "en": "St Stephen's Day"},
    "holiday.good-friday": {"fr": "Vendredi saint", "en": "Good Friday"},
    "holiday.abolition": {
        "fr": "abolition de l'esclavage",
        "en": "Abolition of Slavery Day",
    },
    "holiday.abolition-observed": {
        "fr": "abolition de l'esclavage (date observée)",
        "en": "Abolition of Slavery Day (observed date)",
    },
    "holiday.mi-careme": {"fr": "Mi-Carême", "en": "Mi-Carême"},
    "holiday.schoelcher": {"fr": "fête de Victor Schœlcher", "en": "Victor Schœlcher Day"},
    "holiday.saturday": {"fr": "samedi", "en": "Saturday"},
    "holiday.sunday": {"fr": "dimanche", "en": "Sunday"},
    "event.application-filed": {"fr": "dépôt de la demande", "en": "application filed"},
    "event.certificate-available": {
        "fr": "certificat médical mis à disposition",
        "en": "medical certificate made available",
    },
    "event.asylum-registered": {
        "fr": "enregistrement de la demande d'asile",
        "en": "asylum claim registered",
    },
    "event.ofii-request": {"fr": "demande du médecin de l'OFII", "en": "OFII doctor's request"},
    "event.college-request": {
        "fr": "demande du collège de médecins",
        "en": "collège de médecins' request",
    },
    "event.certificate-received": {
        "fr": "certificat reçu par l'OFII",
        "en": "certificate received by the OFII",
    },
    "event.refusal-notified": {"fr": "refus notifié", "en": "refusal notified"},
    "event.permit-expires": {"fr": "expiration du titre", "en": "permit expiry"},
    "event.implicit-refusal-born": {
        "fr": "naissance du refus implicite",
        "en": "implicit refusal born",
    },
    "state.upcoming": {"fr": "à venir", "en": "upcoming"},
    "state.due-today": {"fr": "aujourd'hui", "en": "due today"},
    "state.overdue": {"fr": "DÉPASSÉ", "en": "OVERDUE"},
    "state.passed": {"fr": "passée", "en": "passed"},
    "state.done": {"fr": "fait", "en": "done"},
    "state.not-yet-open": {"fr": "pas encore ouvert", "en": "not yet open"},
    "state.open": {"fr": "ouvert", "en": "open"},
    "status.SETTLED": {"fr": "certain", "en": "settled"},
    "status.PREVAILING": {"fr": "dominant", "en": "prevailing"},
    "status.DISPUTED": {"fr": "contesté", "en": "disputed"},
    "status.OPEN": {"fr": "incertain (à vérifier)", "en": "open (to be checked)"},
    "zone.Europe/Paris": {"fr": "heure de Paris", "en": "Paris time"},
    "zone.America/Guadeloupe": {"fr": "heure de la Guadeloupe", "en": "Guadeloupe time"},
    "zone.America/Martinique": {"fr": "heure de la Martinique", "en": "Martinique time"},
    "zone.America/Cayenne": {"fr": "heure de la Guyane", "en": "French Guiana time"},
    "zone.Indian/Reunion": {"fr": "heure de La Réunion", "en": "Réunion time"},
    "zone.America/Miquelon": {
        "fr": "heure de Saint-Pierre-et-Miquelon",
        "en": "Saint-Pierre-et-Miquelon time",
    },
    "zone.Indian/Mayotte": {"fr": "heure de Mayotte", "en": "Mayotte time"},
    "zone.America/St_Barthelemy": {
        "fr": "heure de Saint-Barthélemy",
        "en": "Saint-Barthélemy time",
    },
    "zone.America/Marigot": {"fr": "heure de Saint-Martin", "en": "Saint-Martin time"},
}


def name(key: str, lang: str) -> str:
    return NAMES[key][lang]


def _param(param: str, value: ParamValue, lang: str) -> str:
    if isinstance(value, datetime):
        offset = value.strftime("%z")
        return f"{format_instant(value, lang)} (UTC{offset[:3]}:{offset[3:]})"
    if isinstance(value, date):
        return format_long(value, lang)
    if param == "rule":
        from deadlines.rules import rule_by_id

        rule = rule_by_id(str(value))
        return rule.title.get(lang) if rule is not None else str(value)
    if param == "holiday":
        return name(f"holiday.{value}", lang)
    if param == "other":
        return name(f"event.{value}", lang)
    if param == "zone":
        return name(f"zone.{value}", lang)
    return str(value)


def render(key: str, params: dict[str, ParamValue], lang: str) -> str:
    template = MESSAGES[key][lang]
    values = {p: _param(p, v, lang) for p, v in params.items()}
    return template.format(**values)


def render_step(step: Step, lang: str) -> str:
    params = {"before": step.before, "after": step.after, **step.param_dict()}
    return render(step.message, params, lang)


def render_note(note: Text | Message, lang: str) -> str:
    if isinstance(note, Text):
        return note.get(lang)
    return render(note.key, dict(note.params), lang)
