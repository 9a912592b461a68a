"""`deadlines sync URL` against real CalDAV servers: Radicale and xandikos (servers.py).

Every sync's requests are counted (the `requests` fixture) and the calendar is read back with
the `caldav` library, each resource checked by icalendar and vobject (helpers.read_back). The
events are the file export's: the same UIDs as `deadlines export` writes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import caldav
import pytest
from icalendar import Calendar

from tests.caldav.helpers import AS_OF, Resource, of_case, read_back, state, sync
from tests.caldav.servers import PASSWORD, Server
from tests.caseload.helpers import ok
from tests.caseload.test_export_sync import add_three_cases

Requests = list[tuple[str, str, dict[str, str]]]


@pytest.fixture
def first(db: Path, server: Server, requests: Requests) -> str:
    """Three cases, synced once to a new calendar; its URL."""
    add_three_cases(db)
    url = server.new_calendar()
    sync(db, server, url, *AS_OF)
    return url


def _exported_uids(db: Path, tmp_path: Path) -> set[str]:
    target = tmp_path / "export.ics"
    ok(db, "export", "-o", target, *AS_OF)
    parsed = Calendar.from_ical(target.read_bytes())
    return {str(e["UID"]) for e in parsed.walk("VEVENT") if e.get("STATUS") != "CANCELLED"}


def test_first_sync_creates_every_event_as_its_own_resource(
    db: Path, server: Server, first: str, requests: Requests, tmp_path: Path
) -> None:
    on_server = read_back(server, first)
    assert set(on_server) == _exported_uids(db, tmp_path)  # the export's events, one each
    for ref in ("A1", "B2", "C3"):
        assert of_case(on_server, ref)
    # One PROPFIND (is the URL a calendar?) then one PUT per event, each If-None-Match: *.
    methods = [method for method, _, _ in requests]
    assert methods == ["PROPFIND"] + ["PUT"] * len(on_server)
    assert all(headers.get("If-None-Match") == "*" for _, _, headers in requests[1:])
    for uid, resource in on_server.items():
        assert resource.name == f"{uid}.ics"
        assert resource.sequence == 0
        # Only the VTIMEZONE its event uses: none for a day, its zone for an hour deadline.
        timed = b"DTSTART;TZID=" in resource.data
        assert resource.zones == (("Europe/Paris",) if timed else ())
    assert any(r.zones for r in on_server.values())  # C3's 48-hour deadline
    recorded = state(db, first)
    assert set(recorded) == set(on_server)
    assert all(etag for _, etag, _ in recorded.values())


def test_a_second_sync_with_nothing_changed_sends_nothing(
    db: Path, server: Server, first: str, requests: Requests
) -> None:
    requests.clear()
    result = sync(db, server, first, *AS_OF)
    assert requests == []
    assert "0 requêtes" in result.stderr


def test_a_changed_case_sends_only_its_resources(
    db: Path, server: Server, first: str, requests: Requests
) -> None:
    before = read_back(server, first)
    ok(db, "case", "set", "A1", "--filed", "16/01/2025", "--yes", *AS_OF)
    requests.clear()
    sync(db, server, first, *AS_OF)
    after = read_back(server, first)
    moved = {uid for uid in after if after[uid].start != before[uid].start}
    assert moved and moved <= of_case(before, "A1")
    # Only A1's resources that changed, each replaced with If-Match on the ETag it was given.
    assert len(requests) == len(moved)
    sent = {path.rsplit("/", 1)[1] for _, path, _ in requests}
    assert sent == {f"{uid}.ics" for uid in moved}
    assert all(m == "PUT" and "If-Match" in h for m, _, h in requests)
    for uid, resource in after.items():
        assert resource.sequence == (1 if uid in moved else 0), uid
    assert {uid for uid, (_, _, sequence) in state(db, first).items() if sequence} == moved


def test_done_and_archived_are_deleted(
    db: Path, server: Server, first: str, requests: Requests
) -> None:
    before = read_back(server, first)
    ok(db, "case", "archive", "B2")
    requests.clear()
    sync(db, server, first, *AS_OF)
    gone = of_case(before, "B2")
    assert [m for m, _, _ in requests] == ["DELETE"] * len(gone)
    assert all("If-Match" in headers for _, _, headers in requests)
    after = read_back(server, first)
    assert set(after) == set(before) - gone
    assert set(state(db, first)) == set(after)
    ok(db, "case", "done", "A1", "ofii-request-reply", *AS_OF)
    requests.clear()
    sync(db, server, first, *AS_OF)
    done = {u for u in of_case(after, "A1") if u.startswith("ofii-request-reply.")}
    assert len(done) == 3  # the deadline and its two reminders
    assert sorted(m for m, _, _ in requests) == ["DELETE"] * 3
    assert set(read_back(server, first)) == set(after) - done


def test_a_suspended_deadline_is_deleted_and_comes_back(
    db: Path, server: Server, requests: Requests
) -> None:
    """README "After the first decision": legal aid asked, the refusal's deadlines are suspended
    (no date): their resources are deleted, as the export cancels its events; the legal-aid
    decision brings them back under the same UIDs."""
    ok(db, "case", "add", "S-1", "--refusal-notified", "03/03/2025", "--as-of", "10/03/2025")
    url = server.new_calendar()
    sync(db, server, url, "--as-of", "10/03/2025")
    first = read_back(server, url)
    assert len(first) == 6
    ok(db, "case", "set", "S-1", "--legal-aid-requested", "17/03/2025", "--yes")
    sync(db, server, url, "--as-of", "20/03/2025")
    assert read_back(server, url) == {}
    assert state(db, url) == {}
    ok(db, "case", "set", "S-1", "--legal-aid-decided", "06/05/2025", "--yes")
    requests.clear()
    sync(db, server, url, "--as-of", "12/05/2025")
    back = read_back(server, url)
    assert set(back) == set(first)
    assert all(headers.get("If-None-Match") == "*" for _, _, headers in requests)


def _edit_on_server(server: Server, url: str, uid: str) -> None:
    """A person renames the event in their calendar app."""
    client = caldav.DAVClient(
        url=server.base + "/",
        username=server.user,
        password=PASSWORD if server.user is not None else None,
    )
    calendar = client.calendar(url=url)
    event = calendar.event_by_uid(uid)
    data = event.data.replace("SUMMARY:", "SUMMARY:(vu) ", 1)
    event.data = data
    event.save(increase_seqno=False)


def test_an_event_edited_on_the_server_is_kept_and_reported_then_forced(
    db: Path, server: Server, first: str, requests: Requests
) -> None:
    before = read_back(server, first)
    (uid,) = [
        u for u in of_case(before, "A1") if u.startswith("certificate.") and "remind" not in u
    ]
    _edit_on_server(server, first, uid)
    recorded = state(db, first)[uid]
    ok(db, "case", "set", "A1", "--filed", "16/01/2025", "--yes", *AS_OF)
    result = sync(db, server, first, *AS_OF, status=5)
    kept = [line for line in result.stderr.splitlines() if line.startswith("gardé : ")]
    assert len(kept) == 1, result.stderr
    assert "A1" in kept[0] and before[uid].summary in kept[0] and "--force" in kept[0]
    assert read_back(server, first)[uid].summary.startswith("(vu) ")  # not overwritten
    assert state(db, first)[uid] == recorded  # nothing recorded for it
    sync(db, server, first, *AS_OF, status=5)  # said again until settled
    requests.clear()
    sync(db, server, first, *AS_OF, "--force")
    assert requests[0][0] == "PROPFIND"
    assert [m for m, _, _ in requests[1:]] == ["PUT"]
    after = read_back(server, first)[uid]
    assert not after.summary.startswith("(vu) ")
    assert after.start != before[uid].start
    assert after.sequence == 1


def test_force_restores_an_edited_event_the_caseload_did_not_change(
    db: Path, server: Server, first: str, requests: Requests
) -> None:
    before = read_back(server, first)
    uid = sorted(of_case(before, "B2"))[0]
    _edit_on_server(server, first, uid)
    requests.clear()
    sync(db, server, first, *AS_OF)  # nothing changed here: nothing sent, the edit stays
    assert requests == []
    requests.clear()
    sync(db, server, first, *AS_OF, "--force")
    assert [m for m, _, _ in requests] == ["PROPFIND", "PUT"]
    assert read_back(server, first)[uid].summary == before[uid].summary


def test_dry_run_lists_and_sends_nothing(db: Path, server: Server, requests: Requests) -> None:
    add_three_cases(db)
    url = server.new_calendar()
    result = sync(db, server, url, *AS_OF, "--dry-run")
    assert requests == []
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Synchronisation à blanc vers ")
    created = [line for line in lines if line.startswith("créé ")]
    assert created and all("[" in line for line in created)
    assert read_back(server, url) == {}
    assert state(db, url) == {}
    sync(db, server, url, *AS_OF)
    ok(db, "case", "archive", "C3")
    requests.clear()
    result = sync(db, server, url, *AS_OF, "--dry-run")
    assert requests == []
    deleted = [line for line in result.stdout.splitlines() if line.startswith("supprimé ")]
    assert deleted and all("C3" in line for line in deleted)
    assert len(read_back(server, url)) == len(state(db, url))


def test_scope_mine_and_assignee(
    db: Path, server: Server, requests: Requests, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_three_cases(db)
    connection = sqlite3.connect(db)
    with connection:
        connection.execute("UPDATE cases SET assignee = 'alice' WHERE ref IN ('A1', 'C3')")
        connection.execute("UPDATE cases SET assignee = 'bob' WHERE ref = 'B2'")
    connection.close()
    mine = server.new_calendar()
    monkeypatch.setenv("DEADLINES_USER", "alice")
    sync(db, server, mine, *AS_OF, "--mine")
    assert _refs(read_back(server, mine)) == {"A1", "C3"}
    bobs = server.new_calendar()
    sync(db, server, bobs, *AS_OF, "--assignee", "bob")
    assert _refs(read_back(server, bobs)) == {"B2"}
    # A1 given to bob: gone from alice's calendar, into bob's.
    connection = sqlite3.connect(db)
    with connection:
        connection.execute("UPDATE cases SET assignee = 'bob' WHERE ref = 'A1'")
    connection.close()
    sync(db, server, mine, *AS_OF, "--mine")
    sync(db, server, bobs, *AS_OF, "--assignee", "bob")
    assert _refs(read_back(server, mine)) == {"C3"}
    assert _refs(read_back(server, bobs)) == {"A1", "B2"}


def _refs(resources: dict[str, Resource]) -> set[str]:
    return {r.summary.split("[", 1)[1].split("]", 1)[0] for r in resources.values()}


def test_nothing_but_the_reference_and_the_deadline_is_sent(
    db: Path, server: Server, requests: Requests, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README "Privacy": the resources carry the case reference and the deadline only; not the
    caseworker's name (the assignee), nor anything of the store."""
    add_three_cases(db)
    connection = sqlite3.connect(db)
    with connection:
        connection.execute("UPDATE cases SET assignee = 'Marie Dupont'")
    connection.close()
    url = server.new_calendar()
    sync(db, server, url, *AS_OF)
    for resource in read_back(server, url).values():
        assert b"Dupont" not in resource.data
        ref = resource.summary.split("[", 1)[1].split("]", 1)[0]
        assert ref in {"A1", "B2", "C3"}
        assert resource.summary.startswith(f"[{ref}] ") or resource.summary.startswith("Rappel")
        assert resource.uid.endswith("@deadlines.invalid")
        assert ref not in resource.uid  # the UID holds a digest of the reference, not itself
