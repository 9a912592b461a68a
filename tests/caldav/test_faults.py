"""`deadlines sync` when things go wrong: one line naming the URL and what happened, an exit
status (2: the URL, credentials or certificate cannot be used; 6: the server failed or could
not be reached), nothing recorded that the server did not accept, and the next sync completes
the work."""

from __future__ import annotations

import http.server
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar as ICalendar
from typer.testing import Result

from calendars.dav import Answer, Calendar
from tests.caldav.helpers import AS_OF, read_back, state, sync
from tests.caldav.servers import Server
from tests.caseload.helpers import ok
from tests.caseload.test_export_sync import add_three_cases

Requests = list[tuple[str, str, dict[str, str]]]


def _one_line(result: Result, *fragments: str) -> str:
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("erreur : "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def test_a_wrong_password_is_401_and_nothing_is_recorded(
    db: Path, radicale: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_three_cases(db)
    url = radicale.new_calendar()
    monkeypatch.setenv("DEADLINES_CALDAV_PASSWORD", "wrong")
    result = sync(db, radicale, url, *AS_OF, status=2)
    _one_line(result, url, "401")
    assert state(db, url) == {}
    assert read_back(radicale, url) == {}


def test_the_password_never_comes_from_the_command_line(
    db: Path, radicale: Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    add_three_cases(db)
    url = radicale.new_calendar()
    monkeypatch.delenv("DEADLINES_CALDAV_PASSWORD")
    _one_line(sync(db, radicale, url, *AS_OF, status=2), "--password-file")
    with_password = url.replace("http://", "http://agent:secret@")
    line = _one_line(sync(db, radicale, with_password, *AS_OF, status=2), "--password-file")
    assert "secret" not in line
    secret = tmp_path / "password"
    secret.write_text("s3cret-pass\n")
    sync(db, radicale, url, *AS_OF, "--password-file", str(secret))
    assert read_back(radicale, url)


def test_a_url_that_is_not_a_calendar(db: Path, radicale: Server) -> None:
    add_three_cases(db)
    missing = f"{radicale.base}/agent/nowhere/"
    _one_line(sync(db, radicale, missing, *AS_OF, status=2), missing, "404")


def test_the_server_killed_midway_then_the_next_sync_completes(
    db: Path, own_radicale: Server, requests: Requests, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_three_cases(db)
    url = own_radicale.new_calendar()
    original = Calendar.request
    puts = [0]

    def dying(
        self: Calendar, method: str, href: str, body: bytes | None, headers: dict[str, str]
    ) -> Answer:
        if method == "PUT":
            puts[0] += 1
            if puts[0] == 6:
                own_radicale.stop()  # killed (SIGKILL) before the sixth PUT
        return original(self, method, href, body, headers)

    monkeypatch.setattr(Calendar, "request", dying)
    result = sync(db, own_radicale, url, *AS_OF, status=6)
    _one_line(result, url, "connexion refusée")
    monkeypatch.setattr(Calendar, "request", original)
    own_radicale.start()
    on_server = read_back(own_radicale, url)
    # The state is true: exactly what the server accepted, with its ETags.
    assert len(on_server) == 5
    assert set(state(db, url)) == set(on_server)
    second = sync(db, own_radicale, url, *AS_OF)
    assert "gardé" not in second.stderr  # no 412: nothing was recorded that was not there
    assert "créés 5" not in second.stderr
    complete = read_back(own_radicale, url)
    assert set(complete) == set(state(db, url))
    assert set(on_server) < set(complete)
    target = db.parent / "all.ics"
    ok(db, "export", "-o", target, *AS_OF)
    exported = {str(e["UID"]) for e in ICalendar.from_ical(target.read_bytes()).walk("VEVENT")}
    assert set(complete) == exported


def test_connection_refused(db: Path, radicale: Server) -> None:
    add_three_cases(db)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/agent/cal/"
    _one_line(sync(db, radicale, url, *AS_OF, status=6), url, "connexion refusée")


@pytest.fixture
def silent() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_a_server_that_does_not_answer_times_out(db: Path, radicale: Server, silent: int) -> None:
    add_three_cases(db)
    url = f"http://127.0.0.1:{silent}/agent/cal/"
    _one_line(sync(db, radicale, url, *AS_OF, "--timeout", "1", status=6), url, "à temps")


class _Failing(http.server.BaseHTTPRequestHandler):
    def _fail(self) -> None:
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PROPFIND = do_PUT = do_DELETE = _fail

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def failing() -> Iterator[int]:
    """A server answering 503 to everything."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_a_server_error_is_said(db: Path, radicale: Server, failing: int) -> None:
    add_three_cases(db)
    url = f"http://127.0.0.1:{failing}/agent/cal/"
    _one_line(sync(db, radicale, url, *AS_OF, status=6), url, "503")


def test_tls_is_verified(db: Path, radicale: Server) -> None:
    """https:// to a server that does not speak TLS: a TLS error, exit 2; and the client's
    default context checks the certificate and the host name."""
    add_three_cases(db)
    url = f"https://127.0.0.1:{radicale.port}/agent/cal/"
    _one_line(sync(db, radicale, url, *AS_OF, status=2), url, "TLS")
    context = Calendar(url)._context
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


def test_a_fault_mid_sync_in_english(
    db: Path, radicale: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_three_cases(db)
    url = radicale.new_calendar()
    monkeypatch.setenv("DEADLINES_CALDAV_PASSWORD", "wrong")
    result = sync(db, radicale, url, *AS_OF, "--lang", "en", status=2)
    assert result.stderr.startswith("error: ") and "password refused (401)" in result.stderr
