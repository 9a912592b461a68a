"""The caseload kept in calendars: `export` writes one .ics file, `sync` keeps a CalDAV calendar
equal to the active cases; each remembers, per calendar, what it sent (SEQUENCE, cancellations).
Registered on the app by cli.py.

The store and the calendar writer are imported inside the commands. No
`from __future__ import annotations` (see cli.py).
"""

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from cli_options import AsOf, Assignee, Db, Info, Lang, Mine, Remind
from cli_shared import open_store, reported, say, whose_cases, write_file
from deadlines.errors import InputError


def export(
    refs: Annotated[
        list[str] | None,
        typer.Argument(metavar="[REF]...", help="Dossiers (défaut : tous les actifs)."),
    ] = None,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="FICHIER.ics",
            help="Fichier agenda à écrire ; « - » pour la sortie standard (avec --calendar).",
        ),
    ] = "",
    calendar: Annotated[
        str | None,
        typer.Option(
            metavar="NOM",
            help="Nom de l'agenda dont l'état d'export est retenu (obligatoire avec -o -) ; "
            "défaut : le chemin du fichier.",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Montre ce qui changerait, dossier par dossier, sans rien écrire ni enregistrer.",
        ),
    ] = False,
    remind: Remind = None,
    info: Info = None,
    as_of: AsOf = None,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Un seul agenda .ics pour les dossiers choisis, qui reste en phase avec l'outil.

    Une échéance inchangée garde son UID et sa SEQUENCE ; une date qui bouge augmente la
    SEQUENCE ; une échéance qui ne s'applique plus est écrite une fois comme annulée. Ce qui a
    été exporté est retenu par agenda (le fichier, ou --calendar NOM) : chacun reçoit ses
    propres annulations, et un export de quelques dossiers ne change pas l'état de l'agenda
    de tous les dossiers.
    """
    import os

    from calendars.plan import parse_reminders, stamp_from_day
    from caseload import store
    from caseload.export import STDOUT, Export, calendar_of
    from deadlines.clock import PIVOT_ZONE, caseload_reference
    from rendering.progress import computing, progress_bar

    with reported(lang):
        if not output:
            raise InputError("export.output", field="output")
        chosen = calendar_of(output, calendar, refs or None)
        reminders = parse_reminders(remind)
        reference = caseload_reference(as_of)
        where = _export_target(output, calendar, lang)
        with open_store(db, lang, writes=True) as connection:
            for ref in refs or ():
                store.get(connection, ref)  # an unknown reference is an error, not an empty file
            with progress_bar(computing(lang)) as progress:
                job = Export.start(
                    connection,
                    reference,
                    refs or None,
                    lang,
                    reminders,
                    info is not False,
                    progress,
                    calendar=chosen,
                )
            stamp = stamp_from_day(reference(PIVOT_ZONE)[0], os.environ.get("SOURCE_DATE_EPOCH"))
            name = "Échéances" if lang == "fr" else "Deadlines"
            # Planned, compared and written a case at a time; the counts fill in meanwhile.
            with progress_bar("export") as report:
                step = None if report is None else lambda n: report(n, job.planned)
                chunks = job.chunks(name, stamp, step)
                if dry_run:
                    size = sum(map(len, chunks))  # compared and made, never written
                elif output == STDOUT:
                    size = _write_stdout(chunks)
                else:
                    size = write_file(Path(output), chunks, "output")
            if not dry_run:
                job.save()  # only once the file is written
        c = job.counts
        totals_fr = (
            f"{job.cases} dossiers, {job.events} événements ; nouveaux {c['new']}, modifiés "
            f"{c['moved']}, inchangés {c['unchanged']}, annulés {c['cancelled']}"
        )
        totals_en = (
            f"{job.cases} cases, {job.events} events; new {c['new']}, changed {c['moved']}, "
            f"unchanged {c['unchanged']}, cancelled {c['cancelled']}"
        )
        if dry_run:
            from rendering.caseload import render_dry_run

            totals = totals_fr if lang == "fr" else totals_en
            render_dry_run(job.changes, where, totals, lang, sys.stdout)
            return
        say(
            f"Agenda écrit : {where} ({totals_fr} ; {size} octets)",
            f"Calendar written: {where} ({totals_en}; {size} bytes)",
            lang,
        )


def _export_target(output: str, calendar: str | None, lang: str) -> str:
    """Where an export goes, as its messages name it."""
    fr = lang == "fr"
    where = ("sortie standard" if fr else "standard output") if output == "-" else output
    if calendar is not None:
        where += f" (agenda « {calendar.strip()} »)" if fr else f" (calendar '{calendar.strip()}')"
    return where


def _write_stdout(chunks: Iterator[bytes]) -> int:
    """The calendar on standard output (`export -o -`); a failure is one line, exit 2, and
    the state is not saved."""
    out = sys.stdout.buffer
    written = 0
    try:
        for chunk in chunks:
            out.write(chunk)
            written += len(chunk)
        out.flush()
    except OSError as error:
        raise InputError(
            "ics.write", field="output", value="-", reason=error.strerror or str(error)
        ) from None
    return written


def sync(
    url: Annotated[
        str, typer.Argument(metavar="URL", help="Adresse de l'agenda CalDAV (la collection).")
    ],
    user: Annotated[
        str | None, typer.Option(metavar="NOM", help="Identifiant sur le serveur CalDAV.")
    ] = None,
    password_file: Annotated[
        str | None,
        typer.Option(
            "--password-file",
            metavar="FICHIER",
            help="Fichier dont la première ligne est le mot de passe (sinon "
            "$DEADLINES_CALDAV_PASSWORD ; jamais sur la ligne de commande).",
        ),
    ] = None,
    mine: Mine = False,
    assignee: Assignee = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Liste ce qui serait créé, modifié, supprimé ; n'envoie rien."
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Remplace aussi les événements modifiés dans l'agenda par quelqu'un."
        ),
    ] = False,
    timeout: Annotated[
        str, typer.Option(metavar="SECONDES", help="Attente maximale de chaque réponse.")
    ] = "30",
    remind: Remind = None,
    info: Info = None,
    as_of: AsOf = None,
    lang: Lang = "fr",
    db: Db = None,
) -> None:
    """Tient un agenda CalDAV (Nextcloud, Radicale…) égal aux dossiers actifs.

    Une ressource par échéance et par rappel : les nouvelles sont créées, celles qui changent
    remplacées (SEQUENCE + 1), celles qui ne s'appliquent plus (faites, archivées) supprimées ;
    rien n'est envoyé pour le reste. Un événement modifié dans l'agenda n'est pas écrasé : il
    est signalé (code de sortie 5) ; --force le remplace. Seuls la référence du dossier et
    l'échéance sont envoyées.
    """
    import os
    from time import monotonic

    from calendars.dav import Calendar, calendar_url, is_loopback, password
    from calendars.plan import ExportOptions, parse_reminders, stamp_from_day
    from caseload import sync as syncing
    from deadlines.clock import PIVOT_ZONE, caseload_reference
    from rendering import sync as shown
    from rendering.progress import computing, progress_bar

    with reported(lang):
        whose = whose_cases(mine, assignee)
        target = calendar_url(url)
        secret = password(user, password_file, dict(os.environ))
        seconds = _timeout(timeout)
        options = ExportOptions("", lang, parse_reminders(remind), info is not False)
        reference = caseload_reference(as_of)
        if secret is not None and not target.startswith("https:") and not is_loopback(target):
            say(
                "attention : http:// sans TLS : le mot de passe et les échéances passent en "
                "clair sur le réseau.",
                "warning: http:// without TLS: the password and the deadlines cross the network "
                "in clear.",
                lang,
            )
        with (
            open_store(db, lang, writes=not dry_run) as connection,
            Calendar(target, user, secret, seconds) as calendar,
        ):
            refs = None if whose is None else syncing.assigned(connection, whose)
            # The URL is checked to be a calendar before the first sync sends anything to it;
            # --force reads the server's ETags (what was edited there) before comparing.
            if not dry_run and not syncing.is_known(connection, target):
                calendar.check_calendar()
            server = calendar.etags() if force else None
            with progress_bar(computing(lang)) as progress:
                todo = syncing.plan(
                    connection, target, calendar.href, reference, refs, options, progress, server
                )
            for ref in todo.skipped:
                typer.echo(shown.skipped_line(ref, lang), err=True)
            if dry_run:
                shown.render_sync_dry_run(todo, lang, sys.stdout)
                return
            stamp = stamp_from_day(reference(PIVOT_ZONE)[0], os.environ.get("SOURCE_DATE_EPOCH"))
            started = monotonic()
            with progress_bar("CalDAV") as report:
                outcome = syncing.run(connection, todo, calendar, stamp, report=report)
            for step in outcome.conflicts:
                typer.echo(shown.conflict_line(step, lang), err=True)
            typer.echo(
                shown.done_line(todo, outcome, calendar.requests, monotonic() - started, lang),
                err=True,
            )
        if outcome.conflicts:
            raise typer.Exit(syncing.EXIT_CONFLICTS)


def _timeout(text: str) -> float:
    """--timeout: seconds, 1 to 600 (ASCII digits and one decimal point)."""
    try:
        value = float(text) if text.replace(".", "", 1).isascii() else -1.0
    except ValueError:
        value = -1.0
    if not 1 <= value <= 600:
        raise InputError("sync.timeout-format", field="--timeout", value=text)
    return value
