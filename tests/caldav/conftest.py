"""Fixtures of the CalDAV sync tests: real servers (Radicale, xandikos), a new calendar per
test, a private caseload, and the requests `deadlines sync` sends, counted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.caldav.servers import PASSWORD, Server


@pytest.fixture(autouse=True)
def _private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test reaches the user's own caseload; the password comes from the environment."""
    monkeypatch.setenv("DEADLINES_DB", str(tmp_path / "env-default" / "cases.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("DEADLINES_CALDAV_PASSWORD", PASSWORD)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    yield


def _started(kind: str, folder: Path) -> Iterator[Server]:
    server = Server(kind, folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from _started("radicale", tmp_path_factory.mktemp("radicale"))


@pytest.fixture(scope="session")
def xandikos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from _started("xandikos", tmp_path_factory.mktemp("xandikos"))


@pytest.fixture(params=["radicale", "xandikos"])
def server(request: pytest.FixtureRequest) -> Server:
    """Each sync test runs against both servers."""
    found: Server = request.getfixturevalue(request.param)
    return found


@pytest.fixture
def own_radicale(tmp_path: Path) -> Iterator[Server]:
    """A Radicale of the test's own, which it may kill."""
    yield from _started("radicale", tmp_path / "own-radicale")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "cases.db"


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, dict[str, str]]]:
    """Every request `deadlines sync` sends: (method, path, headers), in order."""
    from calendars.dav import Answer, Calendar

    sent: list[tuple[str, str, dict[str, str]]] = []
    original = Calendar.request

    def counted(
        self: Calendar, method: str, href: str, body: bytes | None, headers: dict[str, str]
    ) -> Answer:
        sent.append((method, href, dict(headers)))
        return original(self, method, href, body, headers)

    monkeypatch.setattr(Calendar, "request", counted)
    return sent
