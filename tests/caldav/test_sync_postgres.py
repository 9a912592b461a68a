"""`deadlines sync` from a team's caseload on PostgreSQL (issue 17): the sync state is kept in
the shared database, so a second sync sends only what changed whoever synced before, and an
edit made in a calendar app is kept and reported as from a SQLite store (test_sync.py runs every
scenario on SQLite against Radicale and xandikos; here the same path on PostgreSQL, Radicale)."""

from __future__ import annotations

import caldav

from tests.caldav.helpers import AS_OF, of_case, read_back, state, sync
from tests.caldav.servers import PASSWORD, Server
from tests.caseload.helpers import ok
from tests.caseload.test_export_sync import add_three_cases

Requests = list[tuple[str, str, dict[str, str]]]


def test_a_team_caseload_on_postgresql_syncs_incrementally(
    postgres_database: str, radicale: Server, requests: Requests
) -> None:
    db = postgres_database
    add_three_cases(db)
    url = radicale.new_calendar()
    sync(db, radicale, url, *AS_OF)
    first = read_back(radicale, url)
    assert set(state(db, url)) == set(first)
    assert [m for m, _, _ in requests] == ["PROPFIND"] + ["PUT"] * len(first)

    requests.clear()
    sync(db, radicale, url, *AS_OF)
    assert requests == []  # nothing changed: nothing sent

    ok(db, "case", "set", "A1", "--filed", "16/01/2025", "--yes", *AS_OF)
    requests.clear()
    sync(db, radicale, url, *AS_OF)
    after = read_back(radicale, url)
    moved = {uid for uid in after if after[uid].start != first[uid].start}
    assert moved and moved <= of_case(first, "A1")
    assert len(requests) == len(moved) and all("If-Match" in h for _, _, h in requests)

    # A person renames one of B2's events in their calendar app; the caseload then archives B2.
    (edited, *_) = sorted(of_case(after, "B2"))
    client = caldav.DAVClient(url=radicale.base + "/", username=radicale.user, password=PASSWORD)
    event = client.calendar(url=url).event_by_uid(edited)
    event.data = event.data.replace("SUMMARY:", "SUMMARY:(vu) ", 1)
    event.save(increase_seqno=False)
    ok(db, "case", "archive", "B2")
    result = sync(db, radicale, url, *AS_OF, status=5)
    assert "gardé : " in result.stderr and "B2" in result.stderr
    assert set(read_back(radicale, url)) == set(after) - of_case(after, "B2") | {edited}
    assert edited in state(db, url)  # not recorded as deleted: it was not
    sync(db, radicale, url, *AS_OF, "--force")
    assert set(read_back(radicale, url)) == set(after) - of_case(after, "B2")
    assert set(state(db, url)) == set(read_back(radicale, url))
