"""`case history REF`: a case's change log in words (a table for people, JSON for scripts).

The log keeps keys and raw values (`event:ofii-request`, `2025-02-10`); this says them in the
user's language: what changed, before → after. Times are the caseworker's local time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TextIO

from caseload.team import Change
from deadlines.messages import NAMES, name
from deadlines.rules import rule_by_id
from rendering.grid import Column, boxed, fit
from rendering.words import hang, terminal_width

_STATUS = {
    "active": {"fr": "actif", "en": "active"},
    "archived": {"fr": "archivé", "en": "archived"},
}
_YES_NO = {"0": {"fr": "non", "en": "no"}, "1": {"fr": "oui", "en": "yes"}}
# The facts stored as 0/1 (caseload/store.py FACT_COLUMNS).
_YES_NO_FACTS = frozenset({"appeal_info", "departure_period", "judgment_appeal_info"})


def _subject(change: Change, lang: str) -> tuple[str, str | None]:
    """What the change is about, in words, and the field it names (JSON `field`)."""
    fr = lang == "fr"
    kind, _, field = change.what.partition(":")
    if change.what == "case:add":
        return ("dossier ajouté" if fr else "case added"), None
    if change.what == "case:remove":
        # The tombstone of an earlier case under this reference (its history went with it).
        return ("dossier supprimé" if fr else "case deleted"), None
    if kind == "event":
        key = f"event.{field}"
        label = name(key, lang) if key in NAMES else field
        return (f"date : {label}" if fr else f"date: {label}"), field
    if kind == "fact":
        fact = field.replace("_", "-")
        return (f"fait : {fact}" if fr else f"fact: {fact}"), fact
    if kind == "done":
        rule_id = field.split("/")[0]
        rule = rule_by_id(rule_id)
        title = rule.title.get(lang) if rule is not None else rule_id
        return (f"marquée faite : {title}" if fr else f"marked done: {title}"), rule_id
    if change.what == "status":
        return ("statut" if fr else "status"), None
    if change.what == "assignee":
        return ("suivi par" if fr else "assignee"), None
    return change.what, None  # a key a later version wrote: shown as it is


def _value(change: Change, value: str | None, lang: str) -> str:
    if value is None:
        if change.what == "assignee":
            return "personne" if lang == "fr" else "nobody"
        return "—"
    if change.what == "status":
        return _STATUS.get(value, {}).get(lang, value)
    kind, _, field = change.what.partition(":")
    if kind == "fact" and field in _YES_NO_FACTS and value in _YES_NO:
        return _YES_NO[value][lang]
    if kind in {"event", "done"} and lang == "fr":
        return _french_days(value)
    if change.what == "case:add":
        return _summary(value, lang)
    return value


def _summary(value: str, lang: str) -> str:
    """A new case as logged (`territory=75; application-filed=2025-01-15`) in words:
    « territoire 75 ; dépôt de la demande 15/01/2025 »."""
    parts = []
    for item in value.split("; "):
        key, _, raw = item.partition("=")
        if not raw:
            continue  # a case added without any date
        if key == "territory":
            parts.append(f"{'territoire' if lang == 'fr' else 'territory'} {raw}")
            continue
        label = name(f"event.{key}", lang) if f"event.{key}" in NAMES else key
        parts.append(f"{label} {_french_days(raw) if lang == 'fr' else raw}")
    return (" ; " if lang == "fr" else "; ").join(parts)


def _french_days(value: str) -> str:
    """ISO days as a French reader writes them (2025-02-10 -> 10/02/2025; a time kept)."""
    shown = []
    for part in value.split(", "):
        day, _, at = part.partition("T")
        try:
            parsed = date.fromisoformat(day)
        except ValueError:
            shown.append(part)
            continue
        shown.append(f"{parsed:%d/%m/%Y}" + (f" {at}" if at else ""))
    return ", ".join(shown)


def _when(change: Change) -> str:
    return change.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def describe(change: Change, lang: str) -> str:
    """The change in one phrase: « date : demande du médecin de l'OFII : — → 10/02/2025 »."""
    subject, _ = _subject(change, lang)
    if change.what in {"case:add", "case:remove"} and change.new is None:
        return subject
    before, after = _value(change, change.old, lang), _value(change, change.new, lang)
    if change.what == "case:add":
        return f"{subject}{' : ' if lang == 'fr' else ': '}{after}"
    return f"{subject}{' : ' if lang == 'fr' else ': '}{before} → {after}"


# 1: `changes[]`, oldest first: `at` (local time with its UTC offset), `who`, `what` (the log's
# key: `case:add`, `event:KIND`, `fact:COLUMN`, `done:RULE/TRIGGER/RANK`, `status`, `assignee`),
# `field` (the event, fact or rule it names, else null), `old` and `new` (as stored: ISO days,
# 0/1, null for none) and `text` (the change in words, in the chosen language).
# Schema 2 (issue 17, PostgreSQL): `db_role`, the database role the command connected as, which
# the server records itself (null on SQLite, and for lines copied from a SQLite caseload).
HISTORY_SCHEMA = 2


def history_to_dict(ref: str, changes: Sequence[Change], lang: str) -> dict[str, object]:
    """`case history REF --format json`."""
    return {
        "schema": HISTORY_SCHEMA,
        "ref": ref,
        "changes": [
            {
                "at": change.at.astimezone().isoformat(timespec="seconds"),
                "who": change.who,
                "db_role": change.role,
                "what": change.what,
                "field": _subject(change, lang)[1],
                "old": change.old,
                "new": change.new,
                "text": describe(change, lang),
            }
            for change in changes
        ],
    }


def _who(change: Change, fr: bool) -> str:
    """The caseworker, and the database role when it says something more (PostgreSQL)."""
    if change.role is None or change.role == change.who:
        return change.who
    return f"{change.who} [base : {change.role}]" if fr else f"{change.who} [db: {change.role}]"


def render_history(ref: str, changes: Sequence[Change], lang: str, out: TextIO) -> None:
    """The table: when, who, what changed (before → after); one block per change when the
    terminal is too narrow for it."""
    fr = lang == "fr"
    out.write(f"Historique du dossier « {ref} »\n" if fr else f"History of case '{ref}'\n")
    headers = ("Quand", "Qui", "Changement") if fr else ("When", "Who", "Change")
    columns = [Column(headers[0]), Column(headers[1]), Column(headers[2], floor=30)]
    cells = [(_when(c), _who(c, fr), describe(c, lang)) for c in changes]
    width = terminal_width(out)
    widths = fit(columns, cells, width)
    if widths is not None:
        lines = list(boxed(columns, ((row, "") for row in cells), widths, colour=False))
    else:
        lines = []
        for when, who, text in cells:
            lines.append(f"{when} — {who}")
            lines.extend(hang("   ", text, width))
    out.write("".join(f"{line}\n" for line in lines))
