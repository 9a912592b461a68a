"""Every user-facing sentence of the domain, in French and English, keyed.

Parameters that are dates are written out in full (« lundi 3 mars 2025 »); parameters named
`rule`, `holiday`, `other` and `zone` are looked up (rule title, holiday name, event name, zone).
"""

from __future__ import annotations

from datetime import date, datetime

from deadlines.dates import format_instant, format_long
from deadlines.errors import ParamValue
from deadlines.explain import Step
from deadlines.rules.model import Text

# Not `from typing import TYPE_CHECKING`: typing costs ~3.5 ms at every start-up; mypy reads any
# TYPE_CHECKING as true.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from deadlines.case import Event
    from deadlines.results import Message

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
        "--certificate-received, --refusal-notified, --oqtf-notified, --permit-expires).",
        "en": "No date given: give at least one event (--filed, --certificate-available, "
        "--asylum-registered, --ofii-request, --college-request, --certificate-received, "
        "--refusal-notified, --oqtf-notified, --permit-expires).",
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
        "fr": "{option} : {day} est antérieur {other} ({other_day}), ce qui est impossible. "
        "Vérifiez les deux dates.",
        "en": "{option}: {day} is before {other} ({other_day}), which is impossible. Check both "
        "dates.",
    },
    "time.format": {
        "fr": "{option} : « {value} » n'est pas une date et heure. Formes acceptées : "
        "2025-03-04T10:30, 04/03/2025 10:30 (ou 10h30), ou la date seule (JJ/MM/AAAA, "
        "AAAA-MM-JJ).",
        "en": "{option}: '{value}' is not a date and time. Accepted forms: 2025-03-04T10:30, "
        "04/03/2025 10:30 (or 10h30), or the date alone (DD/MM/YYYY, YYYY-MM-DD).",
    },
    "time.range": {
        "fr": "{option} : « {value} » : l'heure doit aller de 00:00 à 23:59.",
        "en": "{option}: '{value}': the time must be between 00:00 and 23:59.",
    },
    "time.not-allowed": {
        "fr": "{option} : cet événement se donne par sa date seule (JJ/MM/AAAA ou AAAA-MM-JJ).",
        "en": "{option}: this event takes a date only (DD/MM/YYYY or YYYY-MM-DD).",
    },
    "time.nonexistent": {
        "fr": "{option} : {time} n'existe pas le {day} ({zone} : passage à l'heure d'été). "
        "Vérifiez l'heure de notification.",
        "en": "{option}: {time} does not exist on {day} ({zone}: clocks go forward). Check the "
        "time of notification.",
    },
    "oqtf.fact-without-oqtf": {
        "fr": "{option} décrit une OQTF : donnez aussi --oqtf-notified (date et heure de "
        "notification).",
        "en": "{option} describes an OQTF: also give --oqtf-notified (date and time of "
        "notification).",
    },
    "oqtf.departure-period-missing": {
        "fr": "{option} : avec --oqtf-notified, indiquez si l'OQTF accorde un délai de départ "
        "volontaire : --departure-period ou --no-departure-period (le délai de recours en "
        "dépend).",
        "en": "{option}: with --oqtf-notified, say whether the OQTF grants a voluntary "
        "departure period: --departure-period or --no-departure-period (the appeal deadline "
        "depends on it).",
    },
    "oqtf.decided-after-notified": {
        "fr": "{option} : la décision ({day}) ne peut pas être postérieure à sa notification "
        "({other_day}). Vérifiez les deux dates.",
        "en": "{option}: the decision ({day}) cannot be later than its notification "
        "({other_day}). Check both dates.",
    },
    # Wave 2 (rules.md "New events"): an event that answers or follows another one needs it.
    "event.order-time": {
        "fr": "{option} : {day} à {time} est antérieur {other} (le même jour à {other_time}), "
        "ce qui est impossible. Vérifiez les deux heures.",
        "en": "{option}: {day} at {time} is before {other} (the same day at {other_time}), "
        "which is impossible. Check both times.",
    },
    "legal-aid.without-request": {
        "fr": "{option} : le dossier n'a pas de demande d'aide juridictionnelle ; donnez aussi "
        "--legal-aid-requested (date à laquelle la demande est parvenue au bureau d'aide "
        "juridictionnelle).",
        "en": "{option}: the case has no legal-aid request; also give --legal-aid-requested "
        "(the date the request reached the bureau d'aide juridictionnelle).",
    },
    "legal-aid.outcome-without-decision": {
        "fr": "{option} décrit la décision du bureau d'aide juridictionnelle : donnez aussi "
        "--legal-aid-decided (date de sa notification).",
        "en": "{option} describes the legal-aid bureau's decision: also give "
        "--legal-aid-decided (the date it was notified).",
    },
    "recours.rejected-without-recours": {
        "fr": "{option} : le dossier n'a pas de recours gracieux ou hiérarchique ; donnez aussi "
        "--recours-received (date de réception du recours par l'administration).",
        "en": "{option}: the case has no recours gracieux or hiérarchique; also give "
        "--recours-received (the date the administration received it).",
    },
    "recours.more-rejections": {
        "fr": "{option} : {rejections} rejets pour {recours} recours reçu(s) ; chaque rejet "
        "répond à un recours : donnez chaque recours (--recours-received) ou retirez le rejet "
        "en trop.",
        "en": "{option}: {rejections} rejections for {recours} recours received; each "
        "rejection answers a recours: give each recours (--recours-received) or remove the "
        "extra rejection.",
    },
    "motives.without-request": {
        "fr": "{option} : le dossier n'a pas de demande des motifs ; donnez aussi "
        "--motives-requested (date d'envoi de la demande).",
        "en": "{option}: the case has no request for the motives; also give "
        "--motives-requested (the date the request was sent).",
    },
    "items.without-request": {
        "fr": "{option} : le dossier n'a pas de demande de pièces de la préfecture ; donnez "
        "aussi --items-requested (date de sa demande).",
        "en": "{option}: the case has no request for documents from the préfecture; also give "
        "--items-requested (the date of its request).",
    },
    "oqtf.placement-without-oqtf": {
        "fr": "{option} : une assignation à résidence ou une rétention notifiée après l'OQTF "
        "suppose l'OQTF : donnez aussi --oqtf-notified (date et heure de notification).",
        "en": "{option}: a house arrest or rétention notified after the OQTF needs the OQTF: "
        "also give --oqtf-notified (date and time of notification).",
    },
    "judgment.fact-without-judgment": {
        "fr": "{option} décrit la notification du jugement : donnez aussi --judgment-notified "
        "(date de notification du jugement).",
        "en": "{option} describes the judgment's notification: also give --judgment-notified "
        "(the date the judgment was notified).",
    },
    "legal-aid-outcome.unknown": {
        "fr": "{option} : « {value} » n'est pas accepté. Valeurs acceptées : granted "
        "(admission), refused (rejet), provisional (admission provisoire), lapsed (caducité).",
        "en": "{option}: '{value}' is not accepted. Accepted values: granted, refused, "
        "provisional, lapsed.",
    },
    "residence.unknown": {
        "fr": "{option} : « {value} » n'est pas accepté. Valeurs acceptées : local (même côté "
        "que le tribunal), overseas (outre-mer), abroad (étranger).",
        "en": "{option}: '{value}' is not accepted. Accepted values: local (same side as the "
        "court), overseas, abroad.",
    },
    "custody.unknown": {
        "fr": "{option} : « {value} » n'est pas accepté. Valeurs acceptées : none (libre), "
        "house-arrest (assignation à résidence), detention (prison), retention (rétention "
        "administrative).",
        "en": "{option}: '{value}' is not accepted. Accepted values: none, house-arrest, "
        "detention, retention.",
    },
    "ground.unknown": {
        "fr": "{option} : « {value} » n'est pas accepté. Valeurs acceptées : 3 (refus de titre, "
        "L.611-1 3°), 4 (asile refusé, L.611-1 4°), other (autre fondement).",
        "en": "{option}: '{value}' is not accepted. Accepted values: 3 (refusal of permit, "
        "L.611-1 3°), 4 (asylum refused, L.611-1 4°), other.",
    },
    "ref.looks-like-a-name": {
        "fr": "{option} : « {value} » ressemble au nom d'une personne. La référence est écrite "
        "dans chaque agenda : prenez un pseudonyme ou un numéro de dossier (ou, si c'en est "
        "un, ajoutez --accept-unlikely).",
        "en": "{option}: '{value}' reads like a person's name. The reference is written into "
        "every calendar: use a pseudonym or a file number (or, if it is one, add "
        "--accept-unlikely).",
    },
    "input.notified-later": {
        "fr": "{option} : notifié le {day}, après la date de référence ({as_of}) : une "
        "notification ne peut pas être dans le futur. Vérifiez l'année, ou --as-of.",
        "en": "{option}: notified on {day}, after the reference date ({as_of}): a notification "
        "cannot lie ahead. Check the year, or --as-of.",
    },
    "input.date-ahead": {
        "fr": "{option} : le {value} est dans le futur ; faute de frappe sur l'année ? "
        "(--accept-unlikely si c'est exact)",
        "en": "{option}: {value} lies ahead; a mistyped year? (--accept-unlikely if it is right)",
    },
    "done.future": {
        "fr": "{option} : le {day} n'est pas encore arrivé (date de référence : {as_of}) ; une "
        "échéance est faite un jour passé ou aujourd'hui.",
        "en": "{option}: {day} has not come yet (reference date: {as_of}); a deadline is met on "
        "a past day or today.",
    },
    "ref.format": {
        "fr": "{option} : « {value} » : la référence du dossier tient sur une ligne, de 1 à {max} "
        "caractères (un pseudonyme, jamais un nom).",
        "en": "{option}: '{value}': the case reference is one line of 1 to {max} characters (a "
        "pseudonym, never a name).",
    },
    "remind.format": {
        "fr": "{option} : « {value} » n'est pas accepté. Formes acceptées : 7,2 (jours avant), "
        "24h,4h (heures avant un délai en heures), les deux mêlés (7,2,24h), ou none.",
        "en": "{option}: '{value}' is not accepted. Accepted forms: 7,2 (days before), 24h,4h "
        "(hours before an hour deadline), both mixed (7,2,24h), or none.",
    },
    "ics.stdout-and-json": {
        "fr": "{option} : --ics - écrit l'agenda sur la sortie standard ; elle ne peut pas "
        "contenir aussi le JSON. Écrivez l'agenda dans un fichier (--ics agenda.ics).",
        "en": "{option}: --ics - writes the calendar on standard output, which cannot hold the "
        "JSON too. Write the calendar to a file (--ics calendar.ics).",
    },
    "ics.option-without-ics": {
        "fr": "{option} ne sert qu'avec --ics FICHIER (export vers un agenda).",
        "en": "{option} only applies with --ics FILE (calendar export).",
    },
    "epoch.format": {
        "fr": "{option} : « {value} » n'est pas un nombre de secondes depuis 1970 "
        "(SOURCE_DATE_EPOCH, ex. 1700000000).",
        "en": "{option}: '{value}' is not a number of seconds since 1970 (SOURCE_DATE_EPOCH, "
        "e.g. 1700000000).",
    },
    "ics.ref-required": {
        "fr": "{option} est obligatoire avec --ics : la référence du dossier (un pseudonyme ou un "
        "numéro, jamais un nom) fait ses UID ; sans elle, deux dossiers auraient les mêmes et "
        "l'import de l'un remplacerait l'autre dans l'agenda. Rien n'a été écrit.",
        "en": "{option} is required with --ics: the case reference (a pseudonym or a file "
        "number, never a name) makes its UIDs; without it, two cases would share them and "
        "importing one would replace the other in the calendar. Nothing was written.",
    },
    "ics.write": {
        "fr": "{option} : impossible d'écrire « {value} » ({reason}). Rien n'a été écrit.",
        "en": "{option}: cannot write '{value}' ({reason}). Nothing was written.",
    },
    # --- caseload -------------------------------------------------------------------------
    "db.missing": {
        "fr": "{option} : aucune base de dossiers à « {value} ». Vérifiez le chemin ; seuls "
        "« deadlines case add » et « deadlines import » créent une base.",
        "en": "{option}: no caseload at '{value}'. Check the path; only 'deadlines case add' "
        "and 'deadlines import' create one.",
    },
    "db.damaged": {
        "fr": "{option} : la base « {value} » est endommagée ({reason}) ; rien n'y a été écrit. "
        "Restaurez votre dernière copie (faite par « deadlines backup »), ou récupérez ce qui "
        "peut l'être : sqlite3 « {value} » .recover > recuperation.sql",
        "en": "{option}: the caseload '{value}' is damaged ({reason}); nothing was written into "
        "it. Restore your last backup (made by 'deadlines backup'), or recover what can be: "
        "sqlite3 '{value}' .recover > recovered.sql",
    },
    "db.readonly": {
        "fr": "{option} : « {value} » est en lecture seule, et cette commande doit y écrire ; "
        "rien n'a été écrit.",
        "en": "{option}: '{value}' is read-only, and this command must write into it; nothing "
        "was written.",
    },
    "output.write": {
        "fr": "impossible d'écrire sur la sortie standard ({reason}) ; rien n'a été enregistré.",
        "en": "cannot write to standard output ({reason}); nothing was saved.",
    },
    "db.tightened": {
        "fr": "« {value} » était lisible par d'autres que vous : il l'est désormais par vous seul "
        "(0600).",
        "en": "'{value}' was readable by others: it is now readable by you only (0600).",
    },
    "days.format": {
        "fr": "{option} : « {value} » : un nombre de jours en chiffres (0 à 3660).",
        "en": "{option}: '{value}': a number of days in digits (0 to 3660).",
    },
    "ics.empty": {
        "fr": "{option} : indiquez le fichier .ics à écrire, ou « - » pour la sortie standard.",
        "en": "{option}: give the .ics file to write, or '-' for standard output.",
    },
    "db.empty": {
        "fr": "{option} : « {value} » est un fichier vide, pas une base de dossiers. Il n'a pas "
        "été modifié ; si la base a été perdue, restaurez votre dernière copie (deadlines "
        "backup).",
        "en": "{option}: '{value}' is an empty file, not a caseload. It was not modified; if the "
        "caseload was lost, restore your last backup (deadlines backup).",
    },
    "db.open": {
        "fr": "{option} : impossible d'ouvrir « {value} » ({reason}).",
        "en": "{option}: cannot open '{value}' ({reason}).",
    },
    "db.not-sqlite": {
        "fr": "{option} : « {value} » n'est pas une base de dossiers deadlines (SQLite). Elle n'a "
        "pas été modifiée.",
        "en": "{option}: '{value}' is not a deadlines caseload (SQLite). It was not modified.",
    },
    "db.newer": {
        "fr": "{option} : « {value} » vient d'une version plus récente de deadlines (schéma "
        "{version}, cette version connaît {latest}). Mettez l'outil à jour ; la base n'a pas "
        "été modifiée.",
        "en": "{option}: '{value}' comes from a newer version of deadlines (schema {version}, "
        "this version knows {latest}). Update the tool; the database was not modified.",
    },
    "db.url": {
        "fr": "{option} : « {value} » n'est pas une adresse PostgreSQL lisible ({reason}). "
        "Forme attendue : postgresql://utilisateur@serveur:5432/base",
        "en": "{option}: '{value}' is not a PostgreSQL address that can be read ({reason}). "
        "Expected: postgresql://user@host:5432/database",
    },
    "db.url-password": {
        "fr": "{option} : l'adresse « {value} » contient un mot de passe, qui resterait dans "
        "l'historique du terminal et la liste des processus. Retirez-le de l'adresse et "
        "mettez-le dans ~/.pgpass (ou PGPASSFILE, PGPASSWORD, un fichier de service) ; rien "
        "n'a été ouvert.",
        "en": "{option}: the address '{value}' contains a password, which would stay in the "
        "shell history and the process list. Take it out of the address and put it in "
        "~/.pgpass (or PGPASSFILE, PGPASSWORD, a service file); nothing was opened.",
    },
    "db.not-caseload": {
        "fr": "{option} : la base PostgreSQL « {value} » contient déjà d'autres tables qu'une "
        "base de dossiers deadlines ; rien n'y a été écrit. Donnez une base vide, créée pour "
        "deadlines.",
        "en": "{option}: the PostgreSQL database '{value}' already holds tables that are not "
        "a deadlines caseload; nothing was written into it. Give an empty database, made for "
        "deadlines.",
    },
    "db.lost": {
        "fr": "{option} : la connexion à « {value} » a été perdue ({reason}). Ce que la "
        "commande écrivait n'a peut-être pas été enregistré ; relancez-la : elle montre la base "
        "telle qu'elle est.",
        "en": "{option}: the connection to '{value}' was lost ({reason}). What the command was "
        "writing may not have been saved; run it again: it shows the caseload as it is.",
    },
    "db.schema-denied": {
        "fr": "{option} : les tables de « {value} » doivent être créées ou mises à jour (schéma "
        "{version} → {latest}), et le rôle connecté n'en a pas le droit. Le rôle propriétaire de "
        "la base doit lancer une première commande deadlines ; rien n'a été écrit.",
        "en": "{option}: the tables of '{value}' must be created or updated (schema {version} → "
        "{latest}), and the role connected may not do it. The role that owns the database must "
        "run one deadlines command first; nothing was written.",
    },
    "db.pg-missing": {
        "fr": "{option} : la base PostgreSQL « {value} » ne contient pas encore de dossiers. "
        "« deadlines case add », « deadlines import » ou « deadlines db copy » y créent les "
        "tables.",
        "en": "{option}: the PostgreSQL database '{value}' holds no caseload yet. 'deadlines "
        "case add', 'deadlines import' or 'deadlines db copy' create its tables.",
    },
    "case.unknown": {
        "fr": "Aucun dossier « {value} ». « deadlines case list --all » les affiche tous.",
        "en": "No case '{value}'. 'deadlines case list --all' shows them all.",
    },
    "case.changed-meanwhile": {
        "fr": "Le dossier « {value} » a été modifié entre-temps ({who}, {at}) : rien n'a été "
        "enregistré. Relancez la commande pour voir les échéances à jour.",
        "en": "Case '{value}' was changed meanwhile ({who}, {at}): nothing was saved. Run the "
        "command again to see the deadlines as they are now.",
    },
    "db.busy": {
        "fr": "{option} : la base est occupée par une autre commande (attendu {seconds} s) ; "
        "rien n'a été enregistré. Réessayez dans un instant.",
        "en": "{option}: the caseload is busy with another command (waited {seconds} s); "
        "nothing was saved. Try again in a moment.",
    },
    "case.exists": {
        "fr": "Le dossier « {value} » existe déjà : « deadlines case set {value} … » pour le "
        "modifier.",
        "en": "Case '{value}' already exists: 'deadlines case set {value} …' changes it.",
    },
    # --- teams (issue 17): assignees ------------------------------------------------------
    "assignee.empty": {
        "fr": "nom vide : indiquez qui suit le dossier (le nom de son DEADLINES_USER), ou "
        "--nobody pour ne le confier à personne.",
        "en": "empty name: say who follows the case (the name of their DEADLINES_USER), or "
        "--nobody to give it to nobody.",
    },
    "assignee.invalid": {
        "fr": "« {value} » n'est pas un nom : il contient un caractère de contrôle (retour à la "
        "ligne, tabulation).",
        "en": "'{value}' is not a name: it holds a control character (a newline, a tab).",
    },
    "assignee.too-long": {
        "fr": "nom trop long (« {value}… ») : {limit} caractères au plus.",
        "en": "name too long ('{value}…'): {limit} characters at most.",
    },
    "assignee.name-or-nobody": {
        "fr": "indiquez à qui confier le dossier (NOM) ou --nobody, l'un des deux.",
        "en": "say who takes the case (NAME) or --nobody, one of the two.",
    },
    "assignee.mine-and-name": {
        "fr": "--mine et --assignee s'excluent : --mine vaut --assignee {value} (DEADLINES_USER).",
        "en": "--mine and --assignee exclude each other: --mine means --assignee {value} "
        "(DEADLINES_USER).",
    },
    "event.not-in-case": {
        "fr": "Le dossier n'a pas d'événement « {value} » (à cette date).",
        "en": "The case has no '{value}' event (on that date).",
    },
    "event.unknown": {
        "fr": "« {value} » n'est pas un événement. Événements : {choices}.",
        "en": "'{value}' is not an event. Events: {choices}.",
    },
    "rule.unknown": {
        "fr": "« {value} » n'est pas une règle. Règles : {choices}.",
        "en": "'{value}' is not a rule. Rules: {choices}.",
    },
    "rule.not-in-case": {
        "fr": "Le dossier n'a pas d'échéance « {value} »{detail}. Échéances du dossier : "
        "{choices}.",
        "en": "The case has no '{value}' deadline{detail}. Its deadlines: {choices}.",
    },
    "rule.ambiguous": {
        "fr": "Le dossier a plusieurs échéances « {value} » : précisez --trigger-date ({choices}).",
        "en": "The case has several '{value}' deadlines: give --trigger-date ({choices}).",
    },
    "confirm.aborted": {
        "fr": "annulé à votre demande : rien n'a été enregistré.",
        "en": "cancelled at your request: nothing was saved.",
    },
    "import.errors": {
        "fr": "{option} : {count} erreur(s) ; rien n'a été importé.",
        "en": "{option}: {count} error(s); nothing was imported.",
    },
    "import.read": {
        "fr": "{option} : impossible de lire « {value} » ({reason}).",
        "en": "{option}: cannot read '{value}' ({reason}).",
    },
    "import.malformed": {
        "fr": "{option} : fichier CSV mal formé à la ligne {line} : un guillemet n'est pas "
        "fermé, ou du texte suit un guillemet fermant.",
        "en": "{option}: malformed CSV file at line {line}: a quote is not closed, or text "
        "follows a closing quote.",
    },
    "import.no-header": {
        "fr": "{option} : il faut une ligne d'en-tête (ref, territory, puis un événement par "
        "colonne).",
        "en": "{option}: a header row is required (ref, territory, then one event per column).",
    },
    "import.unknown-column": {
        "fr": "colonne inconnue « {value} ». Colonnes acceptées : {choices}.",
        "en": "unknown column '{value}'. Accepted columns: {choices}.",
    },
    "import.missing-column": {
        "fr": "colonne obligatoire « {value} » absente.",
        "en": "required column '{value}' is missing.",
    },
    "import.width": {
        "fr": "{count} cellules, pas autant que de colonnes dans l'en-tête.",
        "en": "{count} cells, not as many as the header has columns.",
    },
    "import.duplicate": {
        "fr": "{option} : « {value} » apparaît déjà ligne {line}.",
        "en": "{option}: '{value}' already appears on line {line}.",
    },
    "import.boolean": {
        "fr": "{option} : « {value} » : oui/non (ou 1/0) attendu.",
        "en": "{option}: '{value}': yes/no (or 1/0) expected.",
    },
    "import.not-found": {
        "fr": "{option} : « {value} » : fichier introuvable.",
        "en": "{option}: '{value}': no such file.",
    },
    "import.denied": {
        "fr": "{option} : « {value} » : lecture refusée (droits du fichier).",
        "en": "{option}: '{value}': permission denied.",
    },
    "import.not-regular": {
        "fr": "{option} : « {value} » n'est pas un fichier ordinaire ; donnez un fichier CSV, ou "
        "« - » pour lire l'entrée standard.",
        "en": "{option}: '{value}' is not a regular file; give a CSV file, or '-' to read "
        "standard input.",
    },
    "import.too-big": {
        "fr": "{option} : « {value} » fait plus de {limit} Mo, la taille maximale d'un fichier "
        "importé ; découpez-le.",
        "en": "{option}: '{value}' is larger than {limit} MB, the largest file import reads; "
        "split it.",
    },
    "import.too-big-stdin": {
        "fr": "{option} : l'entrée standard dépasse {limit} Mo, la taille maximale d'un fichier "
        "importé ; découpez-le.",
        "en": "{option}: standard input is larger than {limit} MB, the largest file import "
        "reads; split it.",
    },
    "import.utf16": {
        "fr": "{option} : « {value} » est en UTF-16 (« Texte Unicode » d'Excel) ; dans Excel, "
        "« Enregistrer sous » > « CSV UTF-8 (délimité par des virgules) ».",
        "en": "{option}: '{value}' is in UTF-16 (Excel's 'Unicode Text'); in Excel, 'Save As' > "
        "'CSV UTF-8 (Comma delimited)'.",
    },
    "import.workbook": {
        "fr": "{option} : « {value} » est un classeur Excel, pas un fichier CSV ; dans Excel, "
        "« Enregistrer sous » > « CSV UTF-8 (délimité par des virgules) ».",
        "en": "{option}: '{value}' is an Excel workbook, not a CSV file; in Excel, 'Save As' > "
        "'CSV UTF-8 (Comma delimited)'.",
    },
    "import.encoding": {
        "fr": "{option} : « {value} », ligne {line} : caractères illisibles, le fichier n'est ni "
        "en UTF-8 ni en Windows-1252 (ou il mélange les deux) ; dans Excel, « Enregistrer "
        "sous » > « CSV UTF-8 (délimité par des virgules) ».",
        "en": "{option}: '{value}', line {line}: unreadable characters, the file is neither "
        "UTF-8 nor Windows-1252 (or it mixes both); in Excel, 'Save As' > 'CSV UTF-8 (Comma "
        "delimited)'.",
    },
    "import.unknown-column-near": {
        "fr": "colonne inconnue « {value} » : vouliez-vous « {near} » ? Colonnes acceptées : "
        "{choices}.",
        "en": "unknown column '{value}': did you mean '{near}'? Accepted columns: {choices}.",
    },
    "import.repeated-column": {
        "fr": "« {value} » est la même colonne que « {first} » (colonne n° {number}) : une seule "
        "colonne par donnée.",
        "en": "'{value}' is the same column as '{first}' (column {number}): a single column "
        "per item.",
    },
    "import.empty-header": {
        "fr": "la colonne n° {number} n'a pas d'en-tête.",
        "en": "column {number} has no header.",
    },
    "import.extra-cell": {
        "fr": "« {value} » en colonne n° {number}, au-delà des colonnes de l'en-tête.",
        "en": "'{value}' in column {number}, beyond the header's columns.",
    },
    "import.territory-empty": {
        "fr": "département vide ; indiquez-le (75, 01, 2A, 971…) : il fixe les jours fériés et "
        "le fuseau horaire du dossier.",
        "en": "empty territory; give it (75, 01, 2A, 971…): it sets the case's holidays and "
        "time zone.",
    },
    "import.exists": {
        "fr": "Le dossier « {value} » existe déjà : « deadlines import --update » met à jour les "
        "dossiers existants.",
        "en": "Case '{value}' already exists: 'deadlines import --update' updates the cases "
        "already there.",
    },
    "import.updated": {
        "fr": "Dossier « {value} » mis à jour : {changes}",
        "en": "Case '{value}' updated: {changes}",
    },
    "import.done": {
        "fr": "{count} dossier(s) importé(s). Fichier lu en {encoding}.",
        "en": "{count} case(s) imported. File read as {encoding}.",
    },
    "import.done-update": {
        "fr": "{added} dossier(s) ajouté(s), {updated} mis à jour, {unchanged} inchangé(s). "
        "Fichier lu en {encoding}.",
        "en": "{added} case(s) added, {updated} updated, {unchanged} unchanged. File read as "
        "{encoding}.",
    },
    "export.output": {
        "fr": "{option} : indiquez le fichier à écrire (-o agenda.ics).",
        "en": "{option}: give the file to write (-o calendar.ics).",
    },
    "export.stdout-calendar": {
        "fr": "{option} : avec -o - (sortie standard), nommez l'agenda avec --calendar NOM : ce "
        "qui a été exporté est retenu par agenda, pour que chacun reçoive ses propres "
        "annulations. Rien n'a été écrit.",
        "en": "{option}: with -o - (standard output), name the calendar with --calendar NAME: "
        "what has been exported is remembered per calendar, so that each one gets its own "
        "cancellations. Nothing was written.",
    },
    "export.calendar-format": {
        "fr": "{option} : « {value} » : le nom de l'agenda tient sur une ligne, de 1 à {max} "
        "caractères.",
        "en": "{option}: '{value}': the calendar name is one line of 1 to {max} characters.",
    },
    # --- sync (CalDAV): {value} is the calendar's URL ---------------------------------------
    "sync.url": {
        "fr": "URL : « {value} » n'est pas l'adresse d'un agenda (http:// ou https://, avec un "
        "serveur).",
        "en": "URL: '{value}' is not a calendar address (http:// or https://, with a server).",
    },
    "sync.url-credentials": {
        "fr": "URL : « {value} » : pas d'identifiant ni de mot de passe dans l'adresse ; "
        "utilisez --user et --password-file ou DEADLINES_CALDAV_PASSWORD.",
        "en": "URL: '{value}': no user name or password in the address; use --user and "
        "--password-file or DEADLINES_CALDAV_PASSWORD.",
    },
    "sync.password-missing": {
        "fr": "{option} : le mot de passe de {value} se donne par --password-file FICHIER ou "
        "DEADLINES_CALDAV_PASSWORD, jamais sur la ligne de commande.",
        "en": "{option}: the password of {value} is given with --password-file FILE or "
        "DEADLINES_CALDAV_PASSWORD, never on the command line.",
    },
    "sync.user-missing": {
        "fr": "{option} : indiquez l'identifiant sur le serveur (--user NOM) avec le mot de passe.",
        "en": "{option}: give the user name on the server (--user NAME) with the password.",
    },
    "sync.password-file": {
        "fr": "{option} : impossible de lire « {value} » ({reason}).",
        "en": "{option}: cannot read '{value}' ({reason}).",
    },
    "sync.timeout-format": {
        "fr": "{option} : « {value} » : un nombre de secondes entre 1 et 600.",
        "en": "{option}: '{value}': a number of seconds from 1 to 600.",
    },
    "sync.refused": {
        "fr": "{value} : connexion refusée (serveur arrêté, ou mauvais port ?).",
        "en": "{value}: connection refused (server down, or wrong port?).",
    },
    "sync.timeout": {
        "fr": "{value} : le serveur n'a pas répondu à temps (--timeout).",
        "en": "{value}: the server did not answer in time (--timeout).",
    },
    "sync.unknown-host": {
        "fr": "{value} : serveur introuvable (nom inconnu ou réseau absent).",
        "en": "{value}: server not found (unknown name or no network).",
    },
    "sync.network": {
        "fr": "{value} : erreur réseau ({reason}).",
        "en": "{value}: network error ({reason}).",
    },
    "sync.dropped": {
        "fr": "{value} : le serveur a coupé la connexion sans répondre.",
        "en": "{value}: the server closed the connection without answering.",
    },
    "sync.bad-answer": {
        "fr": "{value} : réponse du serveur illisible ({reason}).",
        "en": "{value}: unreadable answer from the server ({reason}).",
    },
    "sync.tls": {
        "fr": "{value} : connexion TLS refusée ({reason}) ; le certificat du serveur est vérifié.",
        "en": "{value}: TLS connection refused ({reason}); the server's certificate is checked.",
    },
    "sync.unauthorized": {
        "fr": "{value} : identifiant ou mot de passe refusé (401).",
        "en": "{value}: user name or password refused (401).",
    },
    "sync.forbidden": {
        "fr": "{value} : accès refusé à cet agenda (403).",
        "en": "{value}: access to this calendar refused (403).",
    },
    "sync.redirect": {
        "fr": "{value} : le serveur renvoie vers {target} ; donnez l'adresse de l'agenda lui-même.",
        "en": "{value}: the server redirects to {target}; give the calendar's own address.",
    },
    "sync.not-found": {
        "fr": "{value} : pas d'agenda à cette adresse (404) ; créez-le d'abord sur le serveur.",
        "en": "{value}: no calendar at this address (404); create it on the server first.",
    },
    "sync.not-calendar": {
        "fr": "{value} : cette adresse n'est pas un agenda CalDAV.",
        "en": "{value}: this address is not a CalDAV calendar.",
    },
    "sync.status": {
        "fr": "{value} : le serveur a répondu {status}.",
        "en": "{value}: the server answered {status}.",
    },
    "sync.refused-resource": {
        "fr": "{value} : le serveur a refusé {ref} ({status}) : {summary}.",
        "en": "{value}: the server refused {ref} ({status}): {summary}.",
    },
    "backup.exists": {
        "fr": "{option} : « {value} » existe déjà ; choisissez un autre nom, ou --force pour le "
        "remplacer.",
        "en": "{option}: '{value}' already exists; choose another name, or --force to replace it.",
    },
    "backup.same-file": {
        "fr": "{option} : « {value} » est la base elle-même ; la copie doit aller ailleurs.",
        "en": "{option}: '{value}' is the caseload itself; the copy must go elsewhere.",
    },
    "backup.damaged": {
        "fr": "{option} : la copie n'est pas intacte ({reason}) : la base est sans doute "
        "endommagée ; « {value} » n'a pas été écrit.",
        "en": "{option}: the copy is not intact ({reason}): the caseload is likely damaged; "
        "'{value}' was not written.",
    },
    "backup.write": {
        "fr": "{option} : impossible d'écrire « {value} » ({reason}).",
        "en": "{option}: cannot write '{value}' ({reason}).",
    },
    # --- deadlines db copy (issue 17) ---------------------------------------------------
    "copy.same": {
        "fr": "{option} : « {value} » est la source elle-même ; la copie doit aller dans une "
        "autre base. Rien n'a été écrit.",
        "en": "{option}: '{value}' is the source itself; the copy must go to another store. "
        "Nothing was written.",
    },
    "copy.target-exists": {
        "fr": "{option} : « {value} » existe déjà. La copie ne va que dans un fichier qui "
        "n'existe pas encore, ou dans une base PostgreSQL vide : choisissez un autre nom. Rien "
        "n'a été écrit.",
        "en": "{option}: '{value}' already exists. A copy only goes into a file that does not "
        "exist yet, or into an empty PostgreSQL database: choose another name. Nothing was "
        "written.",
    },
    "copy.target-not-empty": {
        "fr": "{option} : « {value} » contient déjà des dossiers ({cases}) ou des données ; une "
        "copie n'est jamais mêlée à une autre base. Donnez une base PostgreSQL vide, créée pour "
        "la copie (createdb), ou un fichier qui n'existe pas encore. Rien n'a été écrit.",
        "en": "{option}: '{value}' already holds cases ({cases}) or other data; a copy is never "
        "merged into another caseload. Give an empty PostgreSQL database made for the copy "
        "(createdb), or a file that does not exist yet. Nothing was written.",
    },
    "copy.source-busy": {
        "fr": "{option} : « {value} » a été modifiée pendant la copie, trois fois de suite ; "
        "rien n'a été copié. Relancez la copie quand personne n'écrit dans cette base.",
        "en": "{option}: '{value}' was written to during the copy, three times in a row; "
        "nothing was copied. Run the copy again when nobody writes to that caseload.",
    },
    "copy.mismatch": {
        "fr": "{option} : les échéances du dossier « {ref} » ne sont pas les mêmes dans la copie "
        "« {value} » que dans la source : la copie a été retirée, la source n'a pas changé. "
        "C'est une anomalie de deadlines : signalez-la, sans données des dossiers.",
        "en": "{option}: the deadlines of case '{ref}' are not the same in the copy '{value}' as "
        "in the source: the copy was taken out again, the source is unchanged. This is a bug "
        "in deadlines: please report it, without any case data.",
    },
    "copy.mismatch-kept": {
        "fr": "{option} : les échéances du dossier « {ref} » ne sont pas les mêmes dans la copie "
        "« {value} » que dans la source, et la copie n'a pas pu être retirée ({reason}) : ne "
        "vous en servez pas, videz cette base (ou supprimez-la et recréez-la vide). La source "
        "n'a pas changé. C'est une anomalie de deadlines : signalez-la, sans données des "
        "dossiers.",
        "en": "{option}: the deadlines of case '{ref}' are not the same in the copy '{value}' as "
        "in the source, and the copy could not be taken out again ({reason}): do not use it; "
        "empty that database (or drop it and create it again, empty). The source is unchanged. "
        "This is a bug in deadlines: please report it, without any case data.",
    },
    "copy.write": {
        "fr": "{option} : impossible d'écrire « {value} » ({reason}) ; rien n'a été écrit.",
        "en": "{option}: cannot write '{value}' ({reason}); nothing was written.",
    },
    # --- counting steps -----------------------------------------------------------------
    "step.regime-decided": {
        "fr": "OQTF prise le {day} : {row}.",
        "en": "OQTF taken on {day}: {row}.",
    },
    "step.regime-notified": {
        "fr": "OQTF notifiée le {day}, donc prise avant le {since} : {row}.",
        "en": "OQTF notified on {day}, so taken before {since}: {row}.",
    },
    "step.regime-unknown": {
        "fr": "Date de la décision inconnue (--oqtf-decided) ; hypothèse : {row}.",
        "en": "Decision date unknown (--oqtf-decided); assuming: {row}.",
    },
    "step.add-days-counted": {
        "fr": "{days}, le jour de départ compté comme premier jour : {day}.",
        "en": "{days}, the start day counted as the first day: {day}.",
    },
    "step.start": {
        "fr": "Point de départ : {day} (ce jour ne compte pas).",
        "en": "Start: {day} (this day does not count).",
    },
    "step.day-after": {
        "fr": "Formule doctrinale : on compte à partir du lendemain, {after}.",
        "en": "Doctrine formula: counting from the next day, {after}.",
    },
    "step.add-months": {
        "fr": "+ {months}, au même jour du mois : {day}.",
        "en": "+ {months}, same day of the month: {day}.",
    },
    "step.subtract-months": {
        "fr": "− {months}, au même jour du mois : {day}.",
        "en": "− {months}, same day of the month: {day}.",
    },
    "step.clamp": {
        "fr": "+ {months} : ce mois n'a pas de jour {wanted}, le délai expire son dernier jour : "
        "{day}.",
        "en": "+ {months}: that month has no day {wanted}, so the period ends on its "
        "last day: {day}.",
    },
    "step.add-days": {
        "fr": "+ {days} (le jour de départ exclu) : {day}.",
        "en": "+ {days} (the start day excluded): {day}.",
    },
    "step.subtract-days": {
        "fr": "− {days} avant l'expiration : {day}.",
        "en": "− {days} before expiry: {day}.",
    },
    "step.franc-day": {
        "fr": "Délai franc : le dernier jour est le lendemain de l'échéance, {day}.",
        "en": "Délai franc (a 'clear' period): the last day is the day after the normal end "
        "date, {day}.",
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
        "fr": "+ {hours} de temps écoulé, d'heure à heure : {at}.",
        "en": "+ {hours} of elapsed time, hour to hour: {at}.",
    },
    "step.add-hours-wall-clock": {
        "fr": "+ {hours} à l'heure légale (même heure affichée) : {at}.",
        "en": "+ {hours} by the clock (same wall time): {at}.",
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
    "warning.oqtf-decided-unknown": {
        "fr": "Date à laquelle l'OQTF a été prise inconnue : les délais d'avant et d'après le "
        "{since} sont tous calculés. Indiquez --oqtf-decided (date de l'arrêté).",
        "en": "Date the OQTF was taken unknown: the deadlines before and after {since} are all "
        "computed. Give --oqtf-decided (date of the arrêté).",
    },
    # --- wave 2: events that move a deadline (deadlines/moves.py) ----------------------------
    "step.interrupted-legal-aid-requested": {
        "fr": "Interrompu par la demande d'aide juridictionnelle reçue par le BAJ le {day}.",
        "en": "Interrupted by the legal-aid request received by the legal-aid office on {day}.",
    },
    "step.interrupted-recours-received": {
        "fr": "Interrompu par le recours gracieux ou hiérarchique reçu le {day}.",
        "en": "Interrupted by the recours gracieux or hiérarchique received on {day}.",
    },
    "step.interrupted-recours-rejected": {
        "fr": "Le rejet exprès du recours, notifié le {day}, fait à nouveau courir le délai.",
        "en": "The express rejection of the recours, notified on {day}, starts the period again.",
    },
    "step.interrupted-motives-requested": {
        "fr": "Les motifs du refus implicite ont été demandés le {day}, dans le délai.",
        "en": "The motives of the implicit refusal were requested on {day}, within the deadline.",
    },
    "step.interrupted-house-arrest-notified": {
        "fr": "Assignation à résidence notifiée le {day} pendant le délai : il est interrompu.",
        "en": "House arrest notified on {day} while the deadline ran: it is interrupted.",
    },
    "step.interrupted-retention-notified": {
        "fr": "Placement en rétention notifié le {day} pendant le délai : il est interrompu.",
        "en": "Placement in rétention notified on {day} while the deadline ran: it is interrupted.",
    },
    "step.restart-legal-aid-granted": {
        "fr": "Admission à l'aide juridictionnelle notifiée le {decided} ; elle ne peut plus "
        "être contestée 15 jours après (art. 69) : un nouveau délai de même durée court du "
        "{day}.",
        "en": "Legal aid granted, notified on {decided}; it can no longer be contested 15 days "
        "later (art. 69): a new period of the same length runs from {day}.",
    },
    "step.restart-legal-aid-refused": {
        "fr": "Rejet de l'aide juridictionnelle notifié le {decided} ; il ne peut plus être "
        "contesté 15 jours après (art. 69) : un nouveau délai de même durée court du {day}.",
        "en": "Legal aid refused, notified on {decided}; it can no longer be contested 15 days "
        "later (art. 69): a new period of the same length runs from {day}.",
    },
    "step.restart-legal-aid-provisional": {
        "fr": "Admission provisoire notifiée le {decided} : un nouveau délai de même durée "
        "court du {day} (art. 43 1°).",
        "en": "Provisional admission notified on {decided}: a new period of the same length "
        "runs from {day} (art. 43 1°).",
    },
    "step.restart-legal-aid-lapsed": {
        "fr": "Caducité de la demande notifiée le {decided} : un nouveau délai de même durée "
        "court du {day} (art. 43 2°).",
        "en": "Lapse of the request notified on {decided}: a new period of the same length "
        "runs from {day} (art. 43 2°).",
    },
    "step.restart-legal-aid-lawyer": {
        "fr": "Admission notifiée le {decided}, avocat désigné plus tard, le {lawyer} : un "
        "nouveau délai de même durée court de la désignation (art. 43 4°).",
        "en": "Legal aid granted on {decided}, lawyer designated later, on {lawyer}: a new "
        "period of the same length runs from the designation (art. 43 4°).",
    },
    "step.restart-recours-implicit": {
        "fr": "Silence gardé 2 mois sur le recours reçu le {received} : rejet implicite le "
        "{day} (CRPA L.411-7) ; un nouveau délai de même durée court de ce rejet.",
        "en": "Silence kept for 2 months on the recours received on {received}: implicit "
        "rejection on {day} (CRPA L.411-7); a new period of the same length runs from it.",
    },
    "step.restart-recours-express": {
        "fr": "Recours reçu le {received} rejeté expressément, rejet notifié le {day} : un "
        "nouveau délai de même durée court de ce rejet.",
        "en": "Recours received on {received} expressly rejected, rejection notified on {day}: "
        "a new period of the same length runs from it.",
    },
    "step.restart-recours-express-late": {
        "fr": "Rejet exprès notifié le {day}, après le rejet implicite du {born}, alors que le "
        "délai courait : le délai court à nouveau de sa notification (CJA R.421-2 al. 2).",
        "en": "Express rejection notified on {day}, after the implicit rejection of {born}, "
        "while the deadline ran: the period runs again from its notification (CJA R.421-2 "
        "al. 2).",
    },
    "step.restart-new-7-days": {
        "fr": "Un nouveau délai de 7 jours court de l'information donnée avec l'assignation, le "
        "{day} (CESEDA R.921-1, L.921-1).",
        "en": "A new 7-day period runs from the information given with the house arrest, on "
        "{day} (CESEDA R.921-1, L.921-1).",
    },
    "step.restart-new-48-hours": {
        "fr": "Un nouveau délai de 48 heures court de l'information donnée avec le placement en "
        "rétention, le {day} (CESEDA R.921-1, L.921-2).",
        "en": "A new 48-hour period runs from the information given with the placement in "
        "rétention, on {day} (CESEDA R.921-1, L.921-2).",
    },
    "step.restart-motives": {
        "fr": "Motifs communiqués le {given} : le délai est prorogé de 2 mois à compter de "
        "cette communication (CRPA L.232-4).",
        "en": "Motives communicated on {given}: the deadline is extended to 2 months from that "
        "communication (CRPA L.232-4).",
    },
    "step.capped-motives": {
        "fr": "Jamais plus d'un an après la demande des motifs ({asked}) : limité au {cap}.",
        "en": "Never more than one year after the motives were requested ({asked}): held to {cap}.",
    },
    "step.items-suspension": {
        "fr": "Lecture « suspendu » : + {days} jours, de la demande de pièces ({asked}) à leur "
        "réception ({given}) (CRPA L.114-5).",
        "en": "“Suspended” reading: + {days} days, from the request for documents ({asked}) to "
        "their arrival ({given}) (CRPA L.114-5).",
    },
    "warning.legal-aid-suspended": {
        "fr": "Suspendu : aide juridictionnelle demandée le {day}, dans le délai. Un nouveau "
        "délai de même durée courra de la décision du BAJ + 15 jours (ou de la désignation de "
        "l'avocat si elle est plus tardive ; de la notification même pour une admission "
        "provisoire ou une caducité). Donnez --legal-aid-decided dès qu'elle est notifiée.",
        "en": "Suspended: legal aid requested on {day}, within the deadline. A new period of "
        "the same length will run from the legal-aid decision + 15 days (or from the lawyer's "
        "designation if later; from the notification itself for a provisional admission or a "
        "lapse). Enter --legal-aid-decided as soon as it is notified.",
    },
    "warning.legal-aid-no-effect": {
        "fr": "L'aide juridictionnelle demandée le {day} n'interrompt pas les délais de 15 "
        "jours, 7 jours ou 48 heures (CE avis 12 juill. 2017 n° 410186) : déposer le recours "
        "dans le délai et demander au tribunal un avocat commis d'office.",
        "en": "Legal aid requested on {day} does not interrupt a 15-day, 7-day or 48-hour "
        "deadline (CE avis 12 Jul 2017 n° 410186): file the appeal in time and ask the court "
        "for a court-appointed lawyer.",
    },
    "warning.legal-aid-czabaj": {
        "fr": "Aide juridictionnelle demandée le {day} : sans voies et délais notifiés, le délai "
        "est le délai raisonnable d'un an (Czabaj), et qu'une telle demande l'interrompe n'est "
        "pas établi. Date prudente : l'année sans interruption ; l'année comptée après la "
        "décision du BAJ n'est qu'une lecture.",
        "en": "Legal aid requested on {day}: with no voies et délais notified, the deadline is "
        "Czabaj's reasonable year, and that such a request interrupts it is not established. "
        "Safe date: the year without interruption; the year counted after the legal-aid "
        "decision is only a reading.",
    },
    "warning.legal-aid-lawyer-unknown": {
        "fr": "Date de désignation de l'avocat inconnue : le nouveau délai est compté du {day} "
        "(la date la plus tôt). Si l'avocat est désigné plus tard, il court de la désignation "
        "(--lawyer-designated).",
        "en": "Date the lawyer was designated unknown: the new period is counted from {day} "
        "(the earliest). If the lawyer is designated later, it runs from the designation "
        "(--lawyer-designated).",
    },
    "warning.moved-after-safe": {
        "fr": "{event} le {day} : après la date prudente mais avant la date soutenable. Deux "
        "lectures : délai inchangé (prudent) ou déplacé. Ne comptez pas sur le déplacement.",
        "en": "{event} on {day}: after the safe date but before the latest one. Two readings: "
        "deadline unchanged (safe) or moved. Do not rely on the move.",
    },
    "warning.event-too-late": {
        "fr": "{event} le {day} : après la dernière date possible du délai, sans effet sur lui "
        "(une aide juridictionnelle demandée trop tard ne fait pas revivre le délai : CAA "
        "Douai 24DA02362).",
        "en": "{event} on {day}: after the last possible date of the deadline, it has no effect "
        "on it (legal aid asked too late does not revive a deadline: CAA Douai 24DA02362).",
    },
    "warning.recours-second": {
        "fr": "Recours reçu le {day} : après le rejet du premier, ou hors du délai initial, il "
        "n'interrompt rien.",
        "en": "Recours received on {day}: after the first one was rejected, or outside the "
        "initial deadline, it interrupts nothing.",
    },
    "warning.recours-no-effect-oqtf": {
        "fr": "Un recours gracieux ou hiérarchique n'interrompt pas le délai de recours contre "
        "l'OQTF : seul compte le recours au tribunal.",
        "en": "A recours gracieux or hiérarchique does not interrupt the OQTF appeal deadline: "
        "only the court appeal counts.",
    },
    "warning.placement-time-missing": {
        "fr": "Heure du placement inconnue : les 48 heures sont comptées depuis {at}, l'heure "
        "la plus tôt possible. Indiquez l'heure (« JJ/MM/AAAA HH:MM »).",
        "en": "Time of the placement unknown: the 48 hours are counted from {at}, the earliest "
        'possible. Give the time ("YYYY-MM-DD HH:MM").',
    },
    "warning.motives-pending": {
        "fr": "Motifs demandés le {day} : le délai sera prorogé jusqu'à 2 mois après leur "
        "communication (CRPA L.232-4), au plus un an après la demande. En attendant, la date "
        "prudente reste celle-ci ; donnez --motives-communicated.",
        "en": "Motives requested on {day}: the deadline will be extended to 2 months after they "
        "are communicated (CRPA L.232-4), at most one year after the request. Until then the "
        "safe date stays this one; enter --motives-communicated.",
    },
    "warning.items-pending": {
        "fr": "Pièces demandées le {day}, pas encore fournies : si la demande suspend le délai "
        "(CRPA L.114-5), le refus implicite naîtra plus tard ; la date prudente reste celle-ci.",
        "en": "Documents requested on {day}, not provided yet: if the request suspends the "
        "period (CRPA L.114-5), the implicit refusal will be born later; the safe date stays "
        "this one.",
    },
    "warning.no-distance-oqtf": {
        "fr": "Les délais de distance (CJA R.421-7) ne s'ajoutent pas au délai de recours contre "
        "une OQTF.",
        "en": "The délais de distance (CJA R.421-7) are not added to the OQTF appeal deadline.",
    },
    "note.custody-switch-old-regime": {
        "fr": "Décision prise avant le 15 juillet 2024 : l'effet d'une assignation ou d'une "
        "rétention notifiée ensuite n'est pas calculé ; vérifier la notification du placement "
        "(48 heures, CESEDA L.614-8).",
        "en": "Decision taken before 15 July 2024: the effect of a house arrest or rétention "
        "notified later is not computed; check the notification of the placement (48 hours, "
        "CESEDA L.614-8).",
    },
    "note.distance-added": {
        "fr": "Délai augmenté de {months} (délais de distance, CJA R.421-7, R.811-5 : résidence "
        "{residence}).",
        "en": "Period increased by {months} (délais de distance, CJA R.421-7, R.811-5: "
        "residence {residence}).",
    },
    "note.distance-disputed": {
        "fr": "Délais de distance (+ {months}, CJA R.811-5) sur un appel d'un mois : contesté, "
        "la date prudente est sans eux.",
        "en": "Délais de distance (+ {months}, CJA R.811-5) on a one-month appeal: disputed, "
        "the safe date is without them.",
    },
    "note.no-recours-rejection": {
        "fr": "Rejet exprès notifié le {refusal}, avant le {born} : pas de rejet implicite.",
        "en": "Express rejection notified on {refusal}, before {born}: no implicit rejection.",
    },
    "warning.oqtf-time-missing": {
        "fr": "Heure de notification inconnue : le délai en heures est compté depuis {at}, "
        "l'heure la plus tôt possible. Indiquez l'heure (--oqtf-notified \"JJ/MM/AAAA HH:MM\").",
        "en": "Time of notification unknown: the hour deadline is counted from {at}, the "
        'earliest possible. Give the time (--oqtf-notified "YYYY-MM-DDTHH:MM").',
    },
    "warning.time-ambiguous": {
        "fr": "Cette heure de notification existe deux fois (retour à l'heure d'hiver) : la "
        "première est retenue, {at}.",
        "en": "This time of notification occurs twice (clocks go back): the earlier is used, {at}.",
    },
    "warning.june-2026": {
        "fr": "À VÉRIFIER : les décrets publiés au JO des 7 et 10 juin 2026 (pacte UE) ont modifié "
        "les délais de recours contre certaines décisions d'éloignement ; textes non vérifiés, "
        "délai à confirmer sur Légifrance.",
        "en": "TO BE CHECKED: the decrees published on 7 and 10 June 2026 (EU pact) changed appeal "
        "deadlines for some removal decisions; texts not verified, check this deadline on "
        "Légifrance.",
    },
    "warning.june-2026-asylum": {
        "fr": "OQTF liée à un refus d'asile (L.611-1 4°) : c'est le cas le plus probablement "
        "visé par les décrets de juin 2026. Tenir pour impératif le délai le plus court "
        "plausible (48 heures dès la notification) jusqu'à lecture des textes.",
        "en": "OQTF following an asylum refusal (L.611-1 4°): the case the June 2026 decrees "
        "most likely target. Treat the shortest plausible deadline (48 hours from "
        "notification) as binding until the texts are read.",
    },
    "warning.asylum-ground-new-regime": {
        "fr": "OQTF fondée sur L.611-1 4° (asile) prise après le 15 juillet 2024 : son régime "
        "n'a pas été vérifié dans les textes nouveaux ; faire confirmer le délai.",
        "en": "OQTF based on L.611-1 4° (asylum) taken after 15 July 2024: its regime was not "
        "verified in the new texts; have the deadline confirmed.",
    },
    "warning.oqtf-no-appeal-info": {
        "fr": "La notification n'indiquait pas les voies et délais de recours : le délai ne "
        "court peut-être pas (CJA R.421-5), mais respectez quand même cette date et consultez "
        "un avocat.",
        "en": "The notification did not state how and when to appeal: the deadline may not run "
        "(CJA R.421-5), but meet this date anyway and see a lawyer.",
    },
    "warning.oqtf-before-2021": {
        "fr": "Décision antérieure au {since} : les articles avaient alors d'autres numéros "
        "(CESEDA L.512-1 et suivants) ; délais non vérifiés pour cette période.",
        "en": "Decision before {since}: the articles were numbered differently then (CESEDA "
        "L.512-1 ff.); deadlines not verified for that period.",
    },
    "note.notified-with-oqtf": {
        "fr": "« {rule} » ne s'applique pas : le refus notifié le {day} avec l'OQTF se conteste "
        "dans le délai de l'OQTF, pas dans celui de 2 mois.",
        "en": "'{rule}' does not apply: the refusal notified on {day} together with the OQTF is "
        "challenged within the OQTF's deadline, not the 2-month one.",
    },
    "warning.oqtf-after-implicit": {
        "fr": "Un refus exprès a été notifié avec l'OQTF le {day} : c'est désormais le délai de "
        "l'OQTF qui compte (CJA R.421-2) ; voir le recours contre l'OQTF.",
        "en": "An express refusal was notified with the OQTF on {day}: the OQTF's deadline now "
        "applies (CJA R.421-2); see the appeal against the OQTF.",
    },
    "note.replaced": {
        "fr": "« {rule} » ne s'applique pas : {why}.",
        "en": "'{rule}' does not apply: {why}.",
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
    "event.oqtf-notified": {"fr": "OQTF notifiée", "en": "OQTF notified"},
    "event.permit-expires": {"fr": "expiration du titre", "en": "permit expiry"},
    "event.implicit-refusal-born": {
        "fr": "naissance du refus implicite",
        "en": "implicit refusal born",
    },
    # Wave 2 events (rules.md "New events"): how the renderers name them (« déplacé par : … »).
    "event.legal-aid-requested": {
        "fr": "demande d'aide juridictionnelle",
        "en": "legal-aid request",
    },
    "event.legal-aid-decided": {"fr": "décision du BAJ", "en": "legal-aid decision"},
    "event.lawyer-designated": {"fr": "désignation de l'avocat", "en": "lawyer designated"},
    "event.recours-received": {
        "fr": "recours gracieux ou hiérarchique reçu",
        "en": "recours gracieux or hiérarchique received",
    },
    "event.recours-rejected": {"fr": "rejet du recours", "en": "recours rejected"},
    "event.recours-rejection-born": {
        "fr": "rejet implicite du recours",
        "en": "recours implicitly rejected",
    },
    "event.motives-requested": {"fr": "demande des motifs", "en": "motives requested"},
    "event.motives-communicated": {
        "fr": "communication des motifs",
        "en": "motives communicated",
    },
    "event.items-requested": {"fr": "demande de pièces", "en": "missing documents requested"},
    "event.items-provided": {"fr": "pièces fournies", "en": "missing documents provided"},
    "event.house-arrest-notified": {
        "fr": "assignation à résidence notifiée",
        "en": "house arrest notified",
    },
    "event.retention-notified": {
        "fr": "placement en rétention notifié",
        "en": "placement in rétention notified",
    },
    "event.judgment-notified": {"fr": "jugement notifié", "en": "judgment notified"},
    "event-before.application-filed": {
        "fr": "au dépôt de la demande",
        "en": "the filing of the application",
    },
    "event-before.certificate-available": {
        "fr": "à la mise à disposition du certificat médical",
        "en": "the medical certificate being made available",
    },
    "event-before.asylum-registered": {
        "fr": "à l'enregistrement de la demande d'asile",
        "en": "the registration of the asylum claim",
    },
    "event-before.ofii-request": {
        "fr": "à la demande du médecin de l'OFII",
        "en": "the OFII doctor's request",
    },
    "event-before.college-request": {
        "fr": "à la demande du collège de médecins",
        "en": "the collège de médecins' request",
    },
    "event-before.certificate-received": {
        "fr": "à la réception du certificat par l'OFII",
        "en": "the OFII's receipt of the certificate",
    },
    "event-before.refusal-notified": {
        "fr": "à la notification du refus",
        "en": "the notification of the refusal",
    },
    "event-before.oqtf-notified": {
        "fr": "à la notification de l'OQTF",
        "en": "the notification of the OQTF",
    },
    "event-before.permit-expires": {
        "fr": "à l'expiration du titre",
        "en": "the permit's expiry",
    },
    "event-before.implicit-refusal-born": {
        "fr": "à la naissance du refus implicite",
        "en": "the implicit refusal's birth",
    },
    # Wave 2: the events another one cannot precede (event.order, deadlines/case.py).
    "event-before.legal-aid-requested": {
        "fr": "à la demande d'aide juridictionnelle",
        "en": "the legal-aid request",
    },
    "event-before.recours-received": {
        "fr": "à la réception du recours",
        "en": "the receipt of the recours",
    },
    "event-before.motives-requested": {
        "fr": "à la demande des motifs",
        "en": "the request for the motives",
    },
    "event-before.items-requested": {
        "fr": "à la demande de pièces",
        "en": "the request for documents",
    },
    # A fact the engine lacked, so that every possibility was computed: said on the row, before
    # the safe date (rendering; deadlines.report.UNKNOWN_FACTS).
    "unknown.oqtf-decided": {
        "fr": "régime inconnu : indiquez --oqtf-decided",
        "en": "regime unknown: give --oqtf-decided",
    },
    "unknown.channel": {
        "fr": "mode de dépôt inconnu : indiquez --channel",
        "en": "filing channel unknown: give --channel",
    },
    "state.upcoming": {"fr": "à venir", "en": "upcoming"},
    "state.due-today": {"fr": "aujourd'hui", "en": "due today"},
    "state.overdue": {"fr": "DÉPASSÉ", "en": "OVERDUE"},
    "state.passed": {"fr": "passée", "en": "passed"},
    "state.done": {"fr": "fait", "en": "done"},
    "state.not-yet-open": {"fr": "pas encore ouvert", "en": "not yet open"},
    "state.open": {"fr": "ouvert", "en": "open"},
    "state.suspended": {"fr": "suspendu", "en": "suspended"},
    "status.SETTLED": {"fr": "certain", "en": "settled"},
    "status.PREVAILING": {"fr": "généralement admis", "en": "generally accepted"},
    "status.DISPUTED": {"fr": "contesté", "en": "disputed"},
    "status.OPEN": {"fr": "à vérifier", "en": "to be checked"},
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


# A step's count with its unit, singular or plural: « 1 mois », "1 month", "15 days".
_DURATIONS = {
    "months": {"fr": ("mois", "mois"), "en": ("month", "months")},
    "days": {"fr": ("jour", "jours"), "en": ("day", "days")},
    "hours": {"fr": ("heure", "heures"), "en": ("hour", "hours")},
}


def _duration(param: str, count: int, lang: str) -> str:
    one, many = _DURATIONS[param][lang]
    return f"{count} {one if count == 1 else many}"


def _param(param: str, value: ParamValue, lang: str) -> str:
    if isinstance(value, Text):
        return value.get(lang)
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
        return name(f"event-before.{value}", lang)
    if param == "event":
        return name(f"event.{value}", lang).capitalize()
    if param in _DURATIONS and isinstance(value, int):
        return _duration(param, value, lang)
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


def short_day(event: Event) -> str:
    """« 17/03/2025 », or « 18/03/2025 10:00 » for an event entered with its time: an event's
    day as a row names it, beside the event's name."""
    return f"{event.at:%d/%m/%Y}" + (f" {event.time:%H:%M}" if event.time else "")


_MOVED_BY = {"fr": "déplacé par : {events}", "en": "moved by: {events}"}


def moved_by(events: tuple[Event, ...], suspended_by: Event | None, lang: str) -> str:
    """« déplacé par : demande d'aide juridictionnelle (17/03/2025) ; décision du BAJ
    (06/05/2025) »: the events that moved a deadline, in the order they applied, but the one
    that suspends it, which its date cell names already ("" if none is left). The table, the
    lists and the calendar events say it in the same words."""
    named = [
        f"{name(f'event.{e.kind.value}', lang)} ({short_day(e)})"
        for e in events
        if e != suspended_by
    ]
    if not named:
        return ""
    return _MOVED_BY[lang].format(events=(" ; " if lang == "fr" else "; ").join(named))


def render_note(note: Text | Message, lang: str) -> str:
    if isinstance(note, Text):
        return note.get(lang)
    return render(note.key, dict(note.params), lang)
