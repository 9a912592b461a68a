"""Working as a team (issue 17): who follows a case, its history, and no lost update on any write
path — each tested with two writers interleaved, in-process and through real processes that
wait at a confirmation while another caseworker writes."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from caseload import store
from caseload.team import history
from deadlines.engine import DeadlineKey
from deadlines.entered import build_case
from deadlines.rules.model import EventKind
from tests.caseload.helpers import SCRIPT, connected, dump, rows, subprocess_env

AS_OF = ("--as-of", "2025-04-01")


def _add(db: Path, ref: str = "T-1", assignee: str | None = None) -> None:
    with connected(db) as connection:
        case = build_case({"application-filed": "2025-01-15"})
        store.add(connection, ref, case, assignee=assignee)


def _as(monkeypatch: pytest.MonkeyPatch, who: str) -> None:
    monkeypatch.setenv("DEADLINES_USER", who)


# --- the store ---------------------------------------------------------------------------------


def test_an_assignee_is_stored_read_and_logged(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _as(monkeypatch, "alice")
    _add(db, assignee="alice")
    with connected(db) as connection:
        record = store.get(connection, "T-1")
        assert record.assignee == "alice"
        _as(monkeypatch, "bob")
        assert store.assign(connection, record, "bob") is True
        again = store.get(connection, "T-1")
        assert store.assign(connection, again, "bob") is False  # nothing to change: not logged
        store.assign(connection, store.get(connection, "T-1"), None)
        assert store.get(connection, "T-1").assignee is None
        log = [(c.who, c.what, c.old, c.new) for c in history(connection, "T-1")]
    assert log == [
        ("alice", "case:add", None, "territory=75; application-filed=2025-01-15"),
        ("alice", "assignee", None, "alice"),
        ("bob", "assignee", "alice", "bob"),
        ("bob", "assignee", "bob", None),
    ]


def test_every_kind_of_write_changes_the_version(db: Path) -> None:
    """The version covers what the revision does not (done marks, status, assignee)."""
    _add(db)
    with connected(db) as connection:
        seen = [store.get(connection, "T-1").version]
        store.update(connection, "T-1", lambda c: store.with_events(c, c.facts, []))  # no change
        assert store.get(connection, "T-1").version == seen[-1]
        key = DeadlineKey("certificate", "application-filed", 0)
        writes: list[Callable[[], object]] = [
            lambda: store.mark_done(
                connection, store.get(connection, "T-1"), key, date(2025, 2, 1)
            ),
            lambda: store.assign(connection, store.get(connection, "T-1"), "alice"),
            lambda: store.set_status(connection, store.get(connection, "T-1"), "archived"),
            lambda: store.update(
                connection,
                "T-1",
                lambda c: build_case({"application-filed": "2025-01-16"}),
            ),
        ]
        for write in writes:
            write()
            seen.append(store.get(connection, "T-1").version)
    assert len(set(seen)) == len(seen), seen


def _stale_writes(connection_path: Path) -> dict[str, Callable[[store.CaseRecord], object]]:
    """Each write path of a case, given the record as its command read it."""

    def set_(record: store.CaseRecord) -> object:
        with connected(connection_path) as connection:
            request = [(EventKind.OFII_REQUEST, date(2025, 2, 1))]
            return store.update(
                connection,
                record.ref,
                lambda case: store.with_events(case, case.facts, request),
                shown=record,
            )

    def with_connection(action: Callable[..., object]) -> Callable[[store.CaseRecord], object]:
        def run(record: store.CaseRecord) -> object:
            with connected(connection_path) as connection:
                return action(connection, record)

        return run

    key = DeadlineKey("certificate", "application-filed", 0)
    return {
        "set": set_,
        "done": with_connection(lambda c, r: store.mark_done(c, r, key, date(2025, 2, 1))),
        "assign": with_connection(lambda c, r: store.assign(c, r, "carol")),
        "archive": with_connection(lambda c, r: store.set_status(c, r, "archived")),
        "remove": with_connection(store.remove),
    }


@pytest.mark.parametrize("path", ["set", "done", "assign", "archive", "remove"])
@pytest.mark.parametrize("other", ["assign", "set", "done"])
def test_a_write_on_a_case_changed_since_it_was_read_is_refused_with_nothing_written(
    db: Path, monkeypatch: pytest.MonkeyPatch, path: str, other: str
) -> None:
    _add(db)
    with connected(db) as first:
        _as(monkeypatch, "alice")
        read = store.get(first, "T-1")  # alice's command reads the case…
        _as(monkeypatch, "bob")
        _stale_writes(db)[other](store.get(first, "T-1"))  # …bob writes it…
        before = dump(db)
        _as(monkeypatch, "alice")
        with pytest.raises(store.CaseChanged) as refused:  # …alice's write is refused
            _stale_writes(db)[path](read)
    assert refused.value.exit_code == 4
    assert refused.value.params["who"] == "bob"
    assert refused.value.params["value"] == "T-1"
    assert dump(db) == before


@pytest.mark.parametrize("path", ["set", "done", "assign", "archive"])
def test_a_write_on_the_case_as_it_is_goes_through(db: Path, path: str) -> None:
    _add(db)
    with connected(db) as connection:
        record = store.get(connection, "T-1")
    _stale_writes(db)[path](record)
    assert len(rows(db, "SELECT id FROM changes WHERE ref = 'T-1'")) == 2


def test_history_of_an_unknown_case_is_an_input_error(db: Path) -> None:
    _add(db)
    with connected(db) as connection, pytest.raises(store.InputError) as error:
        history(connection, "T-2")
    assert error.value.key == "case.unknown" and error.value.exit_code == 2


def test_removing_a_case_still_erases_its_history_assignee_included(db: Path) -> None:
    _add(db, assignee="alice")
    with connected(db) as connection:
        store.remove(connection, store.get(connection, "T-1"))
    assert rows(db, "SELECT ref, what, old, new FROM changes") == [
        ("T-1", "case:remove", None, None)
    ]


# --- real processes: one waits at its confirmation while another caseworker writes --------------


def _env(tmp_path: Path, who: str) -> dict[str, str]:
    return {**subprocess_env(tmp_path), "DEADLINES_USER": who, "DEADLINES_LANG": "fr"}


def _waiting(db: Path, tmp_path: Path, words: list[str], prompt: str) -> subprocess.Popen[str]:
    """`deadlines WORDS` as alice, stopped at its confirmation question (read on its stderr)."""
    process = subprocess.Popen(
        [str(SCRIPT), *words, "--db", str(db)],
        env=_env(tmp_path, "alice"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    said = ""
    while not said.endswith(prompt):
        char = process.stderr.read(1)
        assert char, (said, process.wait(timeout=30))
        said += char
    return process


def _bob(db: Path, tmp_path: Path, *words: str) -> None:
    done = subprocess.run(
        [str(SCRIPT), *words, "--db", str(db)],
        env=_env(tmp_path, "bob"),
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("words", "prompt"),
    [
        (["case", "set", "T-1", "--ofii-request", "01/02/2025", *AS_OF], "Enregistrer ? [o/N] "),
        (["case", "unset", "T-1", "permit-expires", *AS_OF], "Enregistrer ? [o/N] "),
        (["case", "done", "T-1", "certificate", "--on", "2025-02-03", *AS_OF], "[o/N] "),
        (["case", "remove", "T-1"], "[o/N] "),
    ],
    ids=["set", "unset", "done", "remove"],
)
def test_an_answer_given_after_another_caseworker_wrote_saves_nothing(
    db: Path, tmp_path: Path, words: list[str], prompt: str
) -> None:
    _add(db)
    _bob(db, tmp_path, "case", "set", "T-1", "--permit-expires", "31/12/2026", "--yes", *AS_OF)
    if words[1] == "done":  # marked once already: marking it again asks first
        _bob(db, tmp_path, "case", "done", "T-1", "certificate", "--on", "2025-02-01", *AS_OF)
    alice = _waiting(db, tmp_path, words, prompt)
    _bob(db, tmp_path, "case", "assign", "T-1", "bob")  # while alice reads her question
    before = dump(db)
    _, stderr = alice.communicate("o\n", timeout=60)
    assert alice.returncode == 4, stderr
    (line,) = [line for line in stderr.splitlines() if line.strip()]
    assert line.startswith("erreur : Le dossier « T-1 » a été modifié entre-temps (bob, ")
    assert "rien n'a été enregistré" in line
    assert dump(db) == before


def test_an_answer_given_on_the_case_as_it_still_is_is_saved(db: Path, tmp_path: Path) -> None:
    _add(db)
    alice = _waiting(
        db, tmp_path, ["case", "set", "T-1", "--ofii-request", "01/02/2025", *AS_OF], "[o/N] "
    )
    _bob(db, tmp_path, "case", "show", "T-1")  # reading is no change
    alice.communicate("o\n", timeout=60)
    assert alice.returncode == 0
    assert rows(db, "SELECT os_user, what FROM changes ORDER BY id")[-1] == (
        "alice",
        "event:ofii-request",
    )
