"""A large export's helper process (caseload/export.py `_in_two`) changes nothing it writes.

The helper does the last cases in a forked process and the first process takes its events and
results over; below `_SPLIT_FROM` cases one process does it all. Here the same exports run both
ways on copies of one generated caseload (the threshold lowered so that it splits): the same
file, the same messages and the same database, byte for byte, export after export (first, again,
cases changed with their memo fresh or stale, a subset, without information events), and also
when the helper fails or wrote with another DTSTAMP (its cases are then done by the first one).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

import caseload.export as export_module
from bench.generate import generate
from caseload.db import connect
from caseload.memo import listings
from cli_agenda import caseload_reference
from cli_export import run_export

CASES = 120
AS_OF = "2026-01-15"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("split") / "cases.db"
    generate(CASES, path)
    return path


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())
    return target


def _fresh_memo(db: Path) -> None:
    connection = connect(db)
    try:
        listings(connection, caseload_reference(AS_OF))
    finally:
        connection.close()


def _change(db: Path) -> None:
    """Dates moved, a case archived, one removed, a deadline done, two cases to another zone."""
    connection = sqlite3.connect(db)
    try:
        connection.executescript(
            """
            PRAGMA foreign_keys = ON;
            UPDATE events SET day = date(day, '+3 days') WHERE case_id % 17 = 0;
            UPDATE cases SET status = 'archived' WHERE id % 29 = 0;
            DELETE FROM cases WHERE id % 31 = 0;
            UPDATE cases SET territory = '974' WHERE id IN (3, 101) AND territory <> '974';
            INSERT OR IGNORE INTO done (case_id, rule, trigger_kind, trigger_rank, on_day)
              SELECT case_id, rule, key_trigger, key_rank, '2026-01-10' FROM computed_deadlines
              WHERE case_id % 13 = 0 AND position = 0;
            """
        )
    finally:
        connection.close()


def _state(db: Path) -> tuple[bytes, list[str]]:
    connection = sqlite3.connect(db)
    try:
        dump = [line for line in connection.iterdump() if "exported" in line]
    finally:
        connection.close()
    return db.read_bytes(), dump


Run = Callable[..., tuple[int, bytes, str, tuple[bytes, list[str]]]]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    forks: list[int] = []
    fork = os.fork

    def counted() -> int:
        pid = fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)

    def export(
        db: Path, *refs: str, split: bool, info: bool | None = None
    ) -> tuple[int, bytes, str, tuple[bytes, list[str]]]:
        monkeypatch.setattr(export_module, "_SPLIT_FROM", 10 if split else 10**9)
        forks.clear()
        monkeypatch.chdir(db.parent)  # the message names the file as given
        target = db.with_name("out.ics")
        status = run_export(
            refs=list(refs) or None,
            output="out.ics",
            remind=None,
            info=info,
            as_of=AS_OF,
            lang="fr",
            db=str(db),
        )
        said = capsys.readouterr().err
        return len(forks), bytes([status]) + target.read_bytes(), said, _state(db)

    return export


def _both(run: Run, one: Path, two: Path, *refs: str, info: bool | None = None) -> int:
    """The same export on both copies, with and without a helper: the forks it made."""
    forks, *split = run(one, *refs, split=True, info=info)
    none, *single = run(two, *refs, split=False, info=info)
    assert none == 0
    assert split == single
    return forks


@pytest.mark.skipif(not hasattr(os, "memfd_create"), reason="the helper needs Linux")
def test_a_helper_changes_nothing_written(generated: Path, tmp_path: Path, run: Run) -> None:
    one = _copy(generated, tmp_path / "one" / "cases.db")
    two = _copy(generated, tmp_path / "two" / "cases.db")
    for db in (one, two):
        _fresh_memo(db)
    assert _both(run, one, two) == 1  # every event new: the helper's strings renumbered
    assert _both(run, one, two) == 1  # every event unchanged
    for db in (one, two):
        _change(db)
    assert _both(run, one, two) == 0  # stale memos: one process computes and writes them
    for db in (one, two):
        _change(db)
        _fresh_memo(db)
    _both(run, one, two)  # with its memo fresh (a helper unless a zone must be known first)
    assert _both(run, one, two, info=False) == 1  # information events cancelled
    assert _both(run, one, two, "bench-00007", "bench-00100") == 0  # a subset: one process


def test_without_a_memo_one_process_does_it_all(generated: Path, tmp_path: Path, run: Run) -> None:
    one = _copy(generated, tmp_path / "one" / "cases.db")
    two = _copy(generated, tmp_path / "two" / "cases.db")
    assert _both(run, one, two) == 0  # the memo computed and written as ever


@pytest.mark.skipif(not hasattr(os, "memfd_create"), reason="the helper needs Linux")
def test_the_cases_of_a_helper_that_fails_are_done_anyway(
    generated: Path, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = _copy(generated, tmp_path / "one" / "cases.db")
    two = _copy(generated, tmp_path / "two" / "cases.db")
    _fresh_memo(one)
    _fresh_memo(two)

    def fails(self: object, stamp: datetime, out: int) -> None:
        raise RuntimeError("the helper fails")

    with monkeypatch.context() as patched:
        patched.setattr(export_module.Export, "_in_helper", fails)
        assert _both(run, one, two) == 1
    assert _both(run, one, two) == 1

    def hangs(self: object, stamp: datetime, out: int) -> None:
        time.sleep(120)  # stopped by the first process after _HELPER_WAIT

    with monkeypatch.context() as patched:
        patched.setattr(export_module.Export, "_in_helper", hangs)
        patched.setattr(export_module, "_HELPER_WAIT", 0.5)
        started = time.monotonic()
        assert _both(run, one, two) == 1
        assert time.monotonic() - started < 60
    # Another DTSTAMP than the one the helper was given (the day changed meanwhile): its work is
    # not used.
    helper_start = export_module._Helper.start

    def start_with_another_stamp(part: object, listings: object, stamp: datetime) -> object:
        return helper_start(part, listings, stamp.replace(year=2000))  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(export_module._Helper, "start", start_with_another_stamp)
        _change(one)
        _change(two)
        _fresh_memo(one)
        _fresh_memo(two)
        assert _both(run, one, two) == 1
