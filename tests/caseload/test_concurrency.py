"""No lost update (issue 15, item 1): concurrent `case set` by real processes on one case keep
every change, and the change log says what the data is."""

from __future__ import annotations

import subprocess
from pathlib import Path

from caseload import store
from deadlines.entered import build_case
from tests.caseload.helpers import SCRIPT, connected, dump, rows, subprocess_env

WRITERS = 8


def _add_shared(db: Path) -> None:
    with connected(db) as connection:
        store.add(connection, "shared", build_case({"application-filed": "2025-01-15"}))


def _run_all(db: Path, tmp_path: Path, commands: list[list[str]]) -> list[subprocess.Popen[str]]:
    env = subprocess_env(tmp_path)
    processes = [
        subprocess.Popen(
            [str(SCRIPT), *words, "--yes", "--as-of", "2025-04-01", "--db", str(db)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for words in commands
    ]
    for process in processes:
        process.wait(timeout=120)
    return processes


def _logged_requests(db: Path) -> list[str]:
    logged = rows(db, "SELECT new FROM changes WHERE what = 'event:college-request' ORDER BY id")
    return [row[0] for row in logged]


def test_eight_processes_adding_requests_to_one_case_keep_all_eight(
    db: Path, tmp_path: Path
) -> None:
    _add_shared(db)
    days = [f"2025-03-0{n}" for n in range(1, WRITERS + 1)]
    commands = [["case", "set", "shared", "--college-request", day] for day in days]
    processes = _run_all(db, tmp_path, commands)
    for process in processes:
        assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    with connected(db) as connection:
        record = store.get(connection, "shared")
    kept = sorted(e.at.isoformat() for e in record.case.events if e.kind.value == "college-request")
    assert kept == days
    # The log's last value is the data: every change it lists is in the case.
    assert _logged_requests(db)[-1] == ", ".join(days)


def test_concurrent_changes_of_different_fields_are_all_kept(db: Path, tmp_path: Path) -> None:
    _add_shared(db)
    commands = [
        ["case", "set", "shared", "--certificate-available", "2025-01-20"],
        ["case", "set", "shared", "--ofii-request", "2025-02-10"],
        ["case", "set", "shared", "--permit-expires", "2026-03-31"],
        ["case", "set", "shared", "--territory", "93"],
    ]
    processes = _run_all(db, tmp_path, commands)
    assert [p.returncode for p in processes] == [0, 0, 0, 0]
    with connected(db) as connection:
        case = store.get(connection, "shared").case
    kinds = {e.kind.value for e in case.events}
    assert {"certificate-available", "ofii-request", "permit-expires"} <= kinds
    assert case.facts.territory == "93"


def test_an_answer_given_on_a_case_changed_meanwhile_saves_nothing(db: Path) -> None:
    _add_shared(db)
    with connected(db) as connection:
        shown = store.get(connection, "shared")
        store.update(connection, "shared", lambda case: store.with_events(case, case.facts, []))
        with connected(db) as other:
            # Another caseworker adds a request after the first one was shown the case.
            store.update(
                other,
                "shared",
                lambda case: build_case(
                    {"application-filed": "2025-01-15", "ofii-request": "2025-02-01"}
                ),
            )
        before = dump(db)
        try:
            store.update(connection, "shared", lambda case: case, shown=shown)
        except store.CaseChanged as error:
            assert error.exit_code == 4
            assert error.params["value"] == "shared"
        else:
            raise AssertionError("a stale answer was saved")
        assert dump(db) == before
        assert not connection.in_transaction
