"""Real CalDAV servers for the tests, from pip packages only: Radicale and xandikos.

Each runs as a subprocess on 127.0.0.1 and a free port, in its own temporary folder, and is
waited for until it answers. Radicale checks a password (htpasswd, plain), so a wrong one gets
401; xandikos has no authentication of its own. A test gets a new, empty calendar collection
(MKCALENDAR) on a server shared by the session, or a server of its own when it stops it.
"""

from __future__ import annotations

import base64
import http.client
import itertools
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

USER = "agent"
PASSWORD = "s3cret-pass"
START_WITHIN = 30.0  # seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """One server process: `kind` is "radicale" or "xandikos"."""

    kind: str
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    _names: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def user(self) -> str | None:
        return USER if self.kind == "radicale" else None

    @property
    def home(self) -> str:
        """Where its calendars are made."""
        return f"/{USER}/" if self.kind == "radicale" else "/user/calendars/"

    def command(self) -> list[str]:
        if self.kind == "radicale":
            return [sys.executable, "-m", "radicale", "--config", str(self._radicale_config())]
        return [
            sys.executable,
            "-m",
            "xandikos",
            "serve",
            "--defaults",
            "-d",
            str(self.folder / "data"),
            "--state-dir",
            str(self.folder / "state"),
            "-l",
            "127.0.0.1",
            "-p",
            str(self.port),
        ]

    def _radicale_config(self) -> Path:
        users = self.folder / "users"
        users.write_text(f"{USER}:{PASSWORD}\n")
        config = self.folder / "radicale.conf"
        config.write_text(
            "[server]\n"
            f"hosts = 127.0.0.1:{self.port}\n"
            "delay_on_error = 0\n"
            "[auth]\n"
            "type = htpasswd\n"
            f"htpasswd_filename = {users}\n"
            "htpasswd_encryption = plain\n"
            "delay = 0\n"
            "[rights]\n"
            "type = owner_only\n"
            "[storage]\n"
            f"filesystem_folder = {self.folder / 'collections'}\n"
            "[logging]\n"
            "level = warning\n"
        )
        return config

    def start(self) -> None:
        """Start it (again, on the same port and folder) and wait until it answers."""
        self.folder.mkdir(parents=True, exist_ok=True)
        log = (self.folder / "server.log").open("ab")
        self.process = subprocess.Popen(
            self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        log.close()
        deadline = time.monotonic() + START_WITHIN
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} ended: {(self.folder / 'server.log').read_text()}")
            try:
                status = self.request("OPTIONS", "/").status
            except OSError:
                time.sleep(0.05)
                continue
            if status < 500:
                return
        raise RuntimeError(f"{self.kind} did not answer within {START_WITHIN} s")

    def stop(self) -> None:
        """Kill it (SIGKILL: a server that dies, not one that says goodbye)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        sent = dict(headers or {})
        if self.user is not None:
            token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
            sent["Authorization"] = f"Basic {token}"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response

    def new_calendar(self) -> str:
        """A new empty calendar collection; its URL."""
        path = f"{self.home}cal-{next(self._names)}/"
        response = self.request("MKCALENDAR", path)
        assert response.status == 201, (self.kind, response.status)
        return self.base + path
