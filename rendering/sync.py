"""What `deadlines sync` says: the dry run's list, the resources kept, the closing summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from caseload.sync import Outcome, Plan, Step

_VERBS = {
    "fr": {"new": "créé", "changed": "modifié", "deleted": "supprimé"},
    "en": {"new": "create", "changed": "update", "deleted": "delete"},
}


def render_sync_dry_run(todo: Plan, lang: str, out: TextIO) -> None:
    """`sync --dry-run`: one line per resource that would be created, updated or deleted (its
    case and title), then the totals; nothing was sent or recorded."""
    fr = lang == "fr"
    out.write(
        f"Synchronisation à blanc vers {todo.url} : rien n'est envoyé ni enregistré.\n"
        if fr
        else f"Dry run for {todo.url}: nothing is sent or recorded.\n"
    )
    verbs = _VERBS[lang]
    width = max((len(v) for v in verbs.values()), default=0)
    for step in todo.steps:
        out.write(f"{verbs[step.what].ljust(width)}  {step.ref}  {step.summary}\n")
    out.write(totals(todo, None, lang) + "\n")


def totals(todo: Plan, outcome: Outcome | None, lang: str) -> str:
    """The counts: planned (a dry run) or done (a sync)."""
    counts = {what: todo.count(what) for what in _VERBS["en"]} if outcome is None else outcome.done
    if lang == "fr":
        text = (
            f"{todo.cases} dossiers ; créés {counts['new']}, modifiés {counts['changed']}, "
            f"supprimés {counts['deleted']}, inchangés {todo.unchanged}"
        )
        if outcome is not None and outcome.conflicts:
            text += f", gardés (modifiés dans l'agenda) {len(outcome.conflicts)}"
        return text
    text = (
        f"{todo.cases} cases; created {counts['new']}, updated {counts['changed']}, "
        f"deleted {counts['deleted']}, unchanged {todo.unchanged}"
    )
    if outcome is not None and outcome.conflicts:
        text += f", kept (edited in the calendar) {len(outcome.conflicts)}"
    return text


def conflict_line(step: Step, lang: str) -> str:
    """A resource edited (or deleted) in a calendar app since it was sent: kept, not
    overwritten."""
    if lang == "fr":
        return (
            f"gardé : {step.ref} : « {step.summary} » a été modifié ou supprimé dans l'agenda "
            "depuis l'envoi ; --force le remplace par la version des dossiers."
        )
    return (
        f"kept: {step.ref}: '{step.summary}' was edited or deleted in the calendar since it was "
        "sent; --force replaces it with the caseload's version."
    )


def skipped_line(ref: str, lang: str) -> str:
    if lang == "fr":
        return f"attention : {ref} ne peut pas être calculé ; ses événements restent tels quels."
    return f"warning: {ref} cannot be computed; its events are left as they are."


def done_line(todo: Plan, outcome: Outcome, requests: int, seconds: float, lang: str) -> str:
    """The closing line of a sync: where, the counts, the requests sent and the time taken."""
    if lang == "fr":
        taken = f"{seconds:.1f}".replace(".", ",")
        return (
            f"Agenda synchronisé : {todo.url} ({totals(todo, outcome, lang)} ; "
            f"{requests} requêtes, {taken} s)"
        )
    return (
        f"Calendar synced: {todo.url} ({totals(todo, outcome, lang)}; "
        f"{requests} requests, {seconds:.1f} s)"
    )
