"""Where the time of a slow command goes, stage by stage, in one process (diagnosis, not timing).

    python -m bench.stages startup [--runs 15]
    python -m bench.stages agenda DB [--days 30] [--as-of 2026-01-15] [--profile]
    python -m bench.stages export DB [--as-of 2026-01-15] [--profile]

`startup` times each part of `deadlines compute` (the fast path's imports, the domain, output,
then what a command line left to Typer adds) in a fresh interpreter per run and prints medians.
`agenda` and `export` replay what the commands do (the same calls as cli_caseload.py) with a
timer and the memory (RSS now / peak) after each stage; `export` works on a copy of DB, in a
temporary folder. They follow the current code paths: when those change, change this file with
them (mypy checks it against them).
`--profile` adds the 25 functions with the most time of their own (cProfile, which slows Python
code about twofold).
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import io
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from bench.run import AS_OF, ROOT, SIX_EVENTS, VENV_PYTHON

T = TypeVar("T")


def _rss_mb() -> float:
    statm = Path("/proc/self/statm")
    if not statm.exists():
        return float("nan")
    pages = int(statm.read_text(encoding="ascii").split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux


class Stages:
    def __init__(self, profile: bool) -> None:
        self.started = time.perf_counter()
        self.profiler = cProfile.Profile() if profile else None

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        if self.profiler is not None:
            self.profiler.enable()
        try:
            yield
        finally:
            if self.profiler is not None:
                self.profiler.disable()
            took = time.perf_counter() - began
            print(
                f"{name:<44} {took:9.3f} s   RSS {_rss_mb():7.0f} MB   peak {_peak_mb():7.0f} MB",
                flush=True,
            )

    def run(self, name: str, work: Callable[[], T]) -> T:
        with self.stage(name):
            return work()

    def report(self) -> None:
        print(f"{'total':<44} {time.perf_counter() - self.started:9.3f} s")
        if self.profiler is not None:
            out = io.StringIO()
            pstats.Stats(self.profiler, stream=out).sort_stats("tottime").print_stats(25)
            print(out.getvalue())


# --- agenda ------------------------------------------------------------------------------------


def agenda_stages(db: Path, days: int, as_of: str, profile: bool) -> None:
    stages = Stages(profile)
    with stages.stage("import store, engine"):
        from caseload.agenda import agenda, agenda_to_dict, may_show
        from caseload.db import connect
        from caseload.memo import listings
        from cli_caseload import _reference
    with tempfile.TemporaryDirectory(prefix="deadlines-stages-") as folder:
        work = Path(folder) / "work.db"
        shutil.copyfile(db, work)
        connection = stages.run("connect (and migrate a copy)", lambda: connect(work, create=False))
        connection.execute("DELETE FROM computed")
        connection.commit()
        reference = _reference(as_of)
        latest_day = reference("Europe/Paris")[0] + timedelta(days=days + 1)
        wanted = may_show(latest_day)
        stages.run(
            "listings, memo cold (engine for every case, rows written)",
            lambda: listings(connection, reference, wanted=wanted),
        )
        found = stages.run(
            "listings, memo warm (rows read, wanted briefs decoded)",
            lambda: listings(connection, reference, wanted=wanted),
        )
        result = stages.run(f"agenda() ({len(found)} cases)", lambda: agenda(found, days))
        print(
            f"  -> {len(result.rows)} rows, {len(result.overdue)} overdue, "
            f"{len(result.skipped)} skip"
        )
        with stages.stage("JSON (agenda_to_dict + dumps)"):
            import json

            json.dumps(agenda_to_dict(result, "fr"), ensure_ascii=False, indent=2)
        with stages.stage("import rendering.caseload (rich)"):
            from rendering.caseload import render_agenda
        with stages.stage("table (render_agenda, rich)"):
            render_agenda(result, "fr", io.StringIO())
        connection.close()
    stages.report()


# --- export ------------------------------------------------------------------------------------


def export_stages(db: Path, as_of: str, profile: bool) -> None:
    """The steps of cli_export.run_export, twice on one copy of DB: the first export, then an
    export with its state saved (nothing changed). With a helper (caseload/export.py
    `_in_two`), the stages time the first process: the helper's work is in "write"."""
    import gc

    gc.disable()  # as cli_caseload._run does
    stages = Stages(profile)
    with tempfile.TemporaryDirectory(prefix="deadlines-stages-") as tmp:
        work = Path(tmp) / "work.db"
        shutil.copyfile(db, work)
        with stages.stage("import memo, export, plan, writer"):
            from calendars.files import write_private_atomically
            from calendars.plan import parse_reminders, stamp_from_day
            from caseload.db import connect
            from caseload.export import Export
            from caseload.memo import listings
            from cli_caseload import _reference
        connection = stages.run("connect (and migrate the copy)", lambda: connect(work))
        reference = _reference(as_of)
        stages.run(
            "listings, untimed in the bench (memo written if cold)",
            lambda: listings(connection, reference),
        )
        stamp = stamp_from_day(reference("Europe/Paris")[0], None)
        for run in ("first export", "again"):
            print(f"-- {run}")
            export = stages.run(
                "memo, saved state (Export.start; forks a helper)",
                lambda: Export.start(
                    connection, reference, None, "fr", parse_reminders(None), True, None, stamp
                ),
            )
            helper = export.helper
            helped = "" if helper is None else f", the last {helper.planned} by a helper"
            size = stages.run(
                f"plan, compare, write .ics ({export.planned} cases{helped}, streamed, fsync)",
                lambda: write_private_atomically(
                    Path(tmp) / "out.ics",
                    export.chunks("Échéances", stamp),  # noqa: B023
                ),
            )
            export.close()
            print(f"  -> {export.events} events, {size:,} bytes, {export.counts}")
            stages.run("save the state", export.save)
            state = connection.execute(
                "SELECT (SELECT coalesce(sum(length(events) + length(sequences) + "
                "length(cancelled) + length(zones) + length(ref)), 0) FROM exported), "
                "(SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) FROM exported_text), "
                "(SELECT count(*) FROM exported_text)"
            ).fetchone()
            print(f"  -> state: rows {state[0]:,} bytes, {state[2]:,} strings {state[1]:,} bytes")
        connection.close()
    stages.report()


# --- start-up ----------------------------------------------------------------------------------

_PROBE = """
import contextlib, io, sys, time
clock = time.process_time  # CPU time: steadier than wall time on a shared machine
out = {}
def part(name, began):
    out[name] = (clock() - began) * 1000
six = sys.argv[1:]
t = clock(); import cli, cli_fast, cli_fast_data; part("import cli, cli_fast (no typer)", t)
t = clock(); kwargs = cli_fast.parse_compute([*six, "--format", "json"])
part("fast path: parse compute's argv", t)
t = clock(); import enum, re, dataclasses; part("stdlib for the domain: enum, re, dataclasses", t)
t = clock(); import deadlines.engine, deadlines.inputs; part("import domain (engine, inputs)", t)
t = clock(); import json, deadlines.report; part("import json, report (typing)", t)
from datetime import date
from deadlines.engine import compute
from deadlines.inputs import build_case
from deadlines.rules.model import EventKind
t = clock()
events = cli.raw_events("05/10/2025", "07/10/2025", None, ["16/11/2025"], None, "20/11/2025",
                        None, "2026-03-10T10:30", "31/03/2026")
case = build_case({EventKind(k): v for k, v in events.items()}, territory_code="57",
                  oqtf_decided="09/03/2026", departure_period=True)
part("build_case", t)
t = clock(); result = compute(case, date(2026, 3, 23)); part("compute (first call)", t)
t = clock(); compute(case, date(2026, 3, 23)); part("compute (again)", t)
t = clock(); json.dumps(deadlines.report.computation_to_dict(result, "fr"), ensure_ascii=False)
part("JSON document", t)
t = clock(); import rendering.table; part("import rendering.table (rich)", t)
t = clock(); rendering.table.render_table(result, "fr", False, io.StringIO())
part("render_table (first)", t)
t = clock(); rendering.table.render_table(result, "fr", False, io.StringIO())
part("render_table (again)", t)
for name, argv in (("--help", ["--help"]), ("compute --format json", ["compute", *six,
                   "--format", "json"])):
    sys.argv = ["deadlines", *argv]
    t = clock()
    # A text stream as a real stdout is (typer.echo would handle a StringIO).
    with contextlib.redirect_stdout(io.TextIOWrapper(io.BytesIO(), encoding="utf-8")):
        try:
            cli.main()  # the console script's entry point: the fast paths
        except SystemExit:
            pass
    part(f"cli.main(), everything imported: {name}", t)
assert "typer" not in sys.modules, "a fast path imported typer"
# What a command line left to Typer pays on top (`compute --help`, the caseload commands).
t = clock(); import typer; part("Typer path: import typer", t)
t = clock(); import cli_app; part("Typer path: import cli_app (all commands declared)", t)
from typer.main import get_command
t = clock(); get_command(cli_app.compute_app); part("Typer path: click tree of compute", t)
t = clock(); get_command(cli_app.app); part("Typer path: click tree of every command", t)
print(repr(out))
"""


def startup_stages(runs: int) -> None:
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        done = subprocess.run(
            [str(VENV_PYTHON), "-c", _PROBE, *SIX_EVENTS.split()],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        parts = ast.literal_eval(done.stdout.strip().splitlines()[-1])
        for name, value in parts.items():
            samples.setdefault(str(name), []).append(float(value))
    print(f"CPU time, medians of {runs} fresh interpreters (ms):")
    for name, values in samples.items():
        print(f"{statistics.median(values):9.2f}  {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    startup = sub.add_parser("startup")
    startup.add_argument("--runs", type=int, default=15)
    for name in ("agenda", "export"):
        command = sub.add_parser(name)
        command.add_argument("db", type=Path)
        command.add_argument("--as-of", default=AS_OF)
        command.add_argument("--profile", action="store_true")
        if name == "agenda":
            command.add_argument("--days", type=int, default=30)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.what == "startup":
        startup_stages(args.runs)
    elif args.what == "agenda":
        agenda_stages(args.db, args.days, args.as_of, args.profile)
    else:
        export_stages(args.db, args.as_of, args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
