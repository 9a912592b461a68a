"""Times each row of issue 6's table against the bare interpreter, side by side, and writes JSON.

    python -m bench.run [--runs 15] [--heavy-runs 3] [--cases 10000] [--only startup|caseload]

Two groups, each timed in one run with its own baseline (`.venv/bin/python -c pass`, the
interpreter the tool runs on) so that ratios compare commands measured minutes apart at most:

* start-up: `deadlines --help`, `compute` with six events (JSON, then table), plus the
  `python3 -c pass` found on PATH, for information (here a pyenv shim: a bash script);
* caseload, on a generated 10,000-case database (cached in bench/.cache/): `agenda --days 30`,
  `export` of every case to one .ics (the first export, then an export with the state of a
  previous one in the database). These run on a copy whose memo of briefs one untimed agenda has
  written, as every command after the first finds it; `agenda` without the memo (the first
  command after an install or an engine upgrade) is timed too, for information.

Timing uses hyperfine (/usr/bin/hyperfine) when present, else a round-robin loop of
subprocesses timed with time.perf_counter. Peak memory (max RSS) is measured in one extra run of
each command, with /usr/bin/time -f %M when present, else the rusage of that child. That run
also checks the command succeeds and records what it produced. Results go to bench/results.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CACHE = BENCH / ".cache"
RESULTS = BENCH / "results.json"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
DEADLINES = ROOT / ".venv" / "bin" / "deadlines"
HYPERFINE = Path("/usr/bin/hyperfine")
GNU_TIME = Path("/usr/bin/time")

# The project's own modules, compiled to __pycache__ before timing (gitignored): an installed tool
# has its bytecode, but an editable install run with PYTHONDONTWRITEBYTECODE=1 (as on this
# workplace's machines) would compile them from source on every run instead (~15-45 ms).
PROJECT_SOURCES = (
    *("cli.py", "cli_app.py", "cli_fast.py", "cli_fast_data.py", "cli_agenda.py"),
    *("cli_export.py", "cli_options.py", "cli_caseload.py", "cli_progress.py"),
    *("deadlines", "rendering", "calendars", "caseload"),
)

AS_OF = "2026-01-15"  # fixed, so that the agenda and the export do not drift with the clock
SIX_EVENTS = (
    "--filed 05/10/2025 --certificate-available 07/10/2025 --ofii-request 16/11/2025 "
    "--certificate-received 20/11/2025 --oqtf-notified 2026-03-10T10:30 --oqtf-decided "
    "09/03/2026 --departure-period --permit-expires 31/03/2026 --territory 57 --as-of 23/03/2026"
)


@dataclass
class Row:
    """One command of the table."""

    key: str
    label: str
    argv: list[str]
    target_ratio: float | None = None  # × the venv baseline
    target_seconds: float | None = None
    target_rss_mb: float | None = None
    prepare: list[str] | None = None  # run before each timed run, untimed
    baseline: bool = False
    info_only: bool = False


@dataclass
class Result:
    key: str
    label: str
    command: str
    runs: int
    times: list[float]
    median: float
    mean: float
    stdev: float
    min: float
    max: float
    cpu: float | None = None  # user + system seconds per run (mean), steadier under load
    max_rss_kb: int | None = None
    produced: str = ""
    ratio_venv: float | None = None
    cpu_ratio_venv: float | None = None
    ratio_shim: float | None = None
    target: str = ""
    meets: bool | None = None


@dataclass
class Group:
    name: str
    rows: list[Row]
    runs: int
    warmup: int
    results: list[Result] = field(default_factory=list)
    tool: str = ""


# --- the caseload -----------------------------------------------------------------------------


def _generator_digest() -> str:
    return hashlib.sha256((BENCH / "generate.py").read_bytes()).hexdigest()[:10]


def cached_caseload(cases: int, seed: int) -> tuple[Path, dict[str, object]]:
    """The generated caseload for (cases, seed, generator source), made once and kept."""
    CACHE.mkdir(exist_ok=True)
    stem = f"cases-{cases}-seed{seed}-{_generator_digest()}"
    db, stats = CACHE / f"{stem}.db", CACHE / f"{stem}.json"
    if not (db.exists() and stats.exists()):
        for stale in (db, stats, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            stale.unlink(missing_ok=True)
        _say(f"generating {cases} cases into {db.relative_to(ROOT)} …")
        subprocess.run(
            [
                str(VENV_PYTHON),
                "-m",
                "bench.generate",
                str(cases),
                str(db),
                "--seed",
                str(seed),
                "--count-deadlines",
                AS_OF,
                "--stats",
                str(stats),
            ],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    loaded: dict[str, object] = json.loads(stats.read_text(encoding="utf-8"))
    return db, loaded


def copy_db(source: Path, target: Path, without_memo: bool = False) -> None:
    """A fresh copy of a caseload (and its WAL, if any), replacing whatever was at `target`;
    `without_memo`: with its memo of briefs emptied, as after an upgrade of the engine."""
    for suffix in ("", "-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))
    if without_memo:
        import sqlite3

        connection = sqlite3.connect(target)
        try:
            tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
            for table in ("computed_deadlines", "computed"):
                if table in tables:
                    connection.execute(f"DELETE FROM {table}")
            connection.commit()
        finally:
            connection.close()


# --- timing -----------------------------------------------------------------------------------


def _summary(row: Row, runs: list[float], command: str, cpu: float | None) -> Result:
    return Result(
        key=row.key,
        label=row.label,
        command=command,
        runs=len(runs),
        times=[round(t, 6) for t in runs],
        median=statistics.median(runs),
        mean=statistics.fmean(runs),
        stdev=statistics.stdev(runs) if len(runs) > 1 else 0.0,
        min=min(runs),
        max=max(runs),
        cpu=cpu,
    )


def time_with_hyperfine(group: Group, scratch: Path) -> list[Result]:
    export = scratch / f"hyperfine-{group.name}.json"
    command = [
        str(HYPERFINE),
        "-N",
        "--style",
        "basic",
        "--warmup",
        str(group.warmup),
        "--runs",
        str(group.runs),
        "--export-json",
        str(export),
    ]
    if any(row.prepare for row in group.rows):
        for row in group.rows:
            command += ["--prepare", shlex.join(row.prepare) if row.prepare else "true"]
    command += [shlex.join(row.argv) for row in group.rows]
    subprocess.run(command, cwd=scratch, check=True, stdout=sys.stderr)
    data = json.loads(export.read_text(encoding="utf-8"))
    return [
        _summary(
            row,
            [float(t) for t in result["times"]],
            result["command"],
            float(result["user"]) + float(result["system"]),
        )
        for row, result in zip(group.rows, data["results"], strict=True)
    ]


def time_with_loop(group: Group, scratch: Path) -> list[Result]:
    """Round-robin: run k of every command before run k+1 of any, so drift hits all alike."""
    times: dict[str, list[float]] = {row.key: [] for row in group.rows}
    cpus: dict[str, list[float]] = {row.key: [] for row in group.rows}
    for turn in range(group.warmup + group.runs):
        for row in group.rows:
            if row.prepare:
                subprocess.run(row.prepare, cwd=scratch, check=True)
            started = time.perf_counter()
            child = subprocess.Popen(
                row.argv, cwd=scratch, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            _, status, usage = os.wait4(child.pid, 0)
            elapsed = time.perf_counter() - started
            child.returncode = os.waitstatus_to_exitcode(status)
            if child.returncode != 0:
                raise subprocess.CalledProcessError(child.returncode, row.argv)
            if turn >= group.warmup:
                times[row.key].append(elapsed)
                cpus[row.key].append(usage.ru_utime + usage.ru_stime)
        _say(f"  {group.name}: run {turn + 1}/{group.warmup + group.runs}")
    return [
        _summary(row, times[row.key], shlex.join(row.argv), statistics.fmean(cpus[row.key]))
        for row in group.rows
    ]


def peak_memory(row: Row, scratch: Path) -> tuple[int, str]:
    """(max RSS in KiB, what the command printed, shortened) from one checked run."""
    if row.prepare:
        subprocess.run(row.prepare, cwd=scratch, check=True)
    if GNU_TIME.exists():
        report = scratch / "time.out"
        done = subprocess.run(
            [str(GNU_TIME), "-f", "%M", "-o", str(report), *row.argv],
            cwd=scratch,
            capture_output=True,
            check=True,
        )
        rss = int(report.read_text(encoding="utf-8").split()[-1])
        return rss, _produced(done.stdout, done.stderr)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(row.argv, cwd=scratch, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise subprocess.CalledProcessError(child.returncode, row.argv)
        out.seek(0)
        err.seek(0)
        # ru_maxrss is in KiB on Linux, of this child only (os.wait4, not RUSAGE_CHILDREN).
        return int(usage.ru_maxrss), _produced(out.read(), err.read())


def _produced(stdout: bytes, stderr: bytes) -> str:
    lines = stdout.decode("utf-8", "replace").splitlines()
    last_err = stderr.decode("utf-8", "replace").strip().splitlines()
    if last_err:
        return last_err[-1][:200]
    return f"{len(lines)} lines on stdout" if lines else ""


# --- the table --------------------------------------------------------------------------------


def startup_rows(shim: str | None) -> list[Row]:
    six = SIX_EVENTS.split()
    rows = [
        Row("baseline", ".venv/bin/python -c pass", [str(VENV_PYTHON), "-c", "pass"], baseline=True)
    ]
    if shim is not None:
        rows.append(Row("shim", "python3 -c pass (PATH)", [shim, "-c", "pass"], info_only=True))
    deadlines = str(DEADLINES)
    rows += [
        Row("help", "deadlines --help", [deadlines, "--help"], target_ratio=4),
        Row(
            "compute-json",
            "deadlines compute (6 events) --format json",
            [deadlines, "compute", *six, "--format", "json"],
            target_ratio=5,
        ),
        Row(
            "compute-table",
            "deadlines compute (6 events), table",
            [deadlines, "compute", *six],
            target_ratio=6,
        ),
    ]
    return rows


def compile_project(tree: Path) -> None:
    subprocess.run(
        [str(VENV_PYTHON), "-m", "compileall", "-q", *PROJECT_SOURCES],
        cwd=tree,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def caseload_rows(db: Path, scratch: Path, cases: int) -> list[Row]:
    """The caseload rows. The generated database has no memo of briefs (caseload/memo.py):
    `agenda-cold` times the first command after an install or an upgrade of the engine, which
    computes every case and writes the memo; the other rows run on a copy whose memo was written
    by one untimed agenda first (`prime_memo`), as every later command finds it."""
    deadlines, python = str(DEADLINES), str(VENV_PYTHON)
    work, exported, primed = scratch / "work.db", scratch / "exported.db", scratch / "memo.db"
    cold = scratch / "cold.db"
    copy = [python, str(BENCH / "run.py"), "--copy-db"]  # run from the scratch folder
    fresh = [*copy, str(primed), str(work)]
    again = [*copy, str(exported), str(work)]
    export = [deadlines, "export", "--db", str(work), "-o", "out.ics", "--as-of", AS_OF]
    agenda = [deadlines, "agenda", "--days", "30", "--as-of", AS_OF, "--db"]
    return [
        Row("baseline", ".venv/bin/python -c pass", [python, "-c", "pass"], baseline=True),
        Row(
            "agenda",
            f"deadlines agenda --days 30 ({cases:,} cases)",
            [*agenda, str(primed)],
            target_seconds=1,
        ),
        Row(
            "agenda-cold",
            f"deadlines agenda --days 30 ({cases:,} cases, no memo yet)",
            [*agenda, str(cold)],
            prepare=[*copy, str(db), str(cold), "--without-memo"],
            info_only=True,
        ),
        Row(
            "export",
            f"deadlines export -o out.ics ({cases:,} cases, first export)",
            export,
            target_seconds=3,
            target_rss_mb=250,
            prepare=fresh,
        ),
        Row(
            "export-again",
            f"deadlines export -o out.ics ({cases:,} cases, again)",
            export,
            target_seconds=3,
            target_rss_mb=250,
            prepare=again,
        ),
    ]


def prime_memo(db: Path, scratch: Path) -> None:
    """scratch/memo.db: a copy of the generated caseload whose memo one agenda has written."""
    primed = scratch / "memo.db"
    copy_db(db, primed, without_memo=True)
    agenda = [str(DEADLINES), "agenda", "--days", "30", "--as-of", AS_OF, "--db", str(primed)]
    subprocess.run(agenda, cwd=scratch, check=True, stdout=subprocess.DEVNULL)


def _judge(group: Group, shim_median: float | None) -> None:
    base = next(r for r, row in zip(group.results, group.rows, strict=True) if row.baseline)
    for result, row in zip(group.results, group.rows, strict=True):
        result.ratio_venv = result.median / base.median
        if result.cpu is not None and base.cpu:
            result.cpu_ratio_venv = result.cpu / base.cpu
        if shim_median:
            result.ratio_shim = result.median / shim_median
        verdicts: list[bool] = []
        targets: list[str] = []
        if row.target_ratio is not None:
            targets.append(f"≤ {row.target_ratio:g}× python")
            verdicts.append(result.ratio_venv <= row.target_ratio)
        if row.target_seconds is not None:
            targets.append(f"≤ {row.target_seconds:g} s")
            verdicts.append(result.median <= row.target_seconds)
        if row.target_rss_mb is not None:
            targets.append(f"≤ {row.target_rss_mb:g} MB RSS")
            if result.max_rss_kb is not None:
                verdicts.append(result.max_rss_kb * 1024 / 1e6 <= row.target_rss_mb)
        result.target = ", ".join(targets)
        result.meets = all(verdicts) if verdicts else None


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.2f} s"


def print_table(groups: list[Group]) -> None:
    header = (
        f"{'command':<66} {'median':>11} {'min':>11} {'max':>11} {'× venv py':>9} "
        f"{'× python3':>9} {'CPU ×':>7} {'RSS MB':>7}  target"
    )
    print(header)
    print("-" * len(header))
    for group in groups:
        print(f"[{group.name}: {group.tool}, {group.runs} runs, {group.warmup} warm-up]")
        for r in group.results:
            rss = f"{r.max_rss_kb * 1024 / 1e6:.0f}" if r.max_rss_kb is not None else "-"
            shim = f"{r.ratio_shim:.2f}" if r.ratio_shim is not None else "-"
            cpu = f"{r.cpu_ratio_venv:.2f}" if r.cpu_ratio_venv is not None else "-"
            verdict = {True: "OK", False: "MISSED", None: ""}[r.meets]
            line = (
                f"{r.label:<66} {_ms(r.median):>11} {_ms(r.min):>11} {_ms(r.max):>11} "
                f"{r.ratio_venv or 0:>9.2f} {shim:>9} {cpu:>7} {rss:>7}  {r.target} {verdict}"
            )
            print(line.rstrip())


# --- machine ----------------------------------------------------------------------------------


def machine() -> dict[str, object]:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    version = subprocess.run(
        [str(VENV_PYTHON), "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    packages: dict[str, str | None] = {}
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    for name in ("typer", "rich", "python-dateutil", "tzdata", "icalendar"):
        try:
            packages[name] = package_version(name)
        except PackageNotFoundError:
            packages[name] = None
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": version,
        "python_executable": str(VENV_PYTHON.resolve()),
        "packages": packages,
        "hyperfine": _hyperfine_version(),
        "git": _git(),
    }


def _memory_gib() -> float | None:
    meminfo = Path("/proc/meminfo")
    if not meminfo.exists():
        return None
    for line in meminfo.read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None


def _hyperfine_version() -> str | None:
    if not HYPERFINE.exists():
        return None
    done = subprocess.run(
        [str(HYPERFINE), "--version"], check=False, capture_output=True, text=True
    )
    return done.stdout.strip() or None


def _git() -> dict[str, object]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, check=False, capture_output=True, text=True)
        return done.stdout.strip()

    return {"head": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def snapshot(rev: str, target: Path) -> str:
    """The project's files at `rev` (git archive: no worktree, nothing changed in .git), run
    instead of the working tree through PYTHONPATH, which comes before the editable install's
    finder; the full commit hash."""
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{rev}^{{commit}}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    target.mkdir()
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return commit


# --- main -------------------------------------------------------------------------------------


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_group(group: Group, scratch: Path, use_hyperfine: bool) -> None:
    _say(f"== {group.name}: checking each command once (and its peak memory)")
    memory: dict[str, tuple[int, str]] = {}
    for row in group.rows:
        memory[row.key] = peak_memory(row, scratch)
        if row.key == "export":  # keep the state of a first export for the "again" row
            copy_db(scratch / "work.db", scratch / "exported.db")
    timer: Callable[[Group, Path], list[Result]]
    timer = time_with_hyperfine if use_hyperfine else time_with_loop
    group.tool = "hyperfine -N" if use_hyperfine else "perf_counter loop"
    _say(f"== {group.name}: timing with {group.tool}, {group.runs} runs")
    group.results = timer(group, scratch)
    for result in group.results:
        result.max_rss_kb, result.produced = memory[result.key]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="timed runs of start-up commands")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first (start-up)")
    parser.add_argument("--heavy-runs", type=int, default=3, help="timed runs, caseload rows")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--only", choices=("startup", "caseload"))
    parser.add_argument("--no-hyperfine", action="store_true", help="use the perf_counter loop")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--as-is", action="store_true", help="do not compile the project's bytecode first"
    )
    parser.add_argument(
        "--rev",
        help="time this git revision (a snapshot in a temporary folder), not the working tree, "
        "which others may change during a long run",
    )
    parser.add_argument("--copy-db", nargs=2, type=Path, metavar=("SRC", "DST"), help="internal")
    parser.add_argument("--without-memo", action="store_true", help="internal, with --copy-db")
    args = parser.parse_args(argv)
    if args.copy_db:
        source, target = args.copy_db
        copy_db(source, target, without_memo=args.without_memo)
        return 0
    if not DEADLINES.exists():
        parser.error(f"{DEADLINES} is missing: run `make install` first")
    use_hyperfine = HYPERFINE.exists() and not args.no_hyperfine
    shim = shutil.which("python3")
    info = machine()
    groups: list[Group] = []
    caseload_stats: dict[str, object] | None = None
    tree, commit = ROOT, None
    with tempfile.TemporaryDirectory(prefix="deadlines-bench-") as tmp:
        scratch = Path(tmp)
        if args.rev:
            tree = scratch / "tree"
            commit = snapshot(args.rev, tree)
            os.environ["PYTHONPATH"] = str(tree)  # inherited by every command timed
            _say(f"timing {args.rev} = {commit} from {tree}")
        if not args.as_is:
            compile_project(tree)
        if args.only in (None, "startup"):
            groups.append(Group("start-up", startup_rows(shim), args.runs, args.warmup))
        if args.only in (None, "caseload"):
            db, caseload_stats = cached_caseload(args.cases, args.seed)
            _say("== caseload: writing the memo of a copy (one untimed agenda)")
            prime_memo(db, scratch)
            groups.append(
                Group("caseload", caseload_rows(db, scratch, args.cases), args.heavy_runs, 0)
            )
        for group in groups:
            run_group(group, scratch, use_hyperfine)
    shim_median = None
    for group in groups:
        shim_median = next((r.median for r in group.results if r.key == "shim"), shim_median)
    for group in groups:
        _judge(group, shim_median)
    print_table(groups)
    document = {
        "machine": info,
        "as_of": AS_OF,
        "six_events": SIX_EVENTS,
        "python3_on_path": shim,
        "project_bytecode": "as found" if args.as_is else "compiled first (compileall)",
        "code": {"rev": args.rev, "commit": commit} if args.rev else "working tree",
        "pythondontwritebytecode": os.environ.get("PYTHONDONTWRITEBYTECODE"),
        "caseload": caseload_stats,
        "groups": [
            {
                "name": g.name,
                "tool": g.tool,
                "runs": g.runs,
                "warmup": g.warmup,
                "results": [asdict(r) for r in g.results],
            }
            for g in groups
        ],
    }
    args.output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
    _say(f"written: {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
