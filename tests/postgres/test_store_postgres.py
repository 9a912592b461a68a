"""The caseload on PostgreSQL, where it differs from SQLite (issue 17): the schema is the same
as SQLite's, table by table; what the tool refuses to open, untouched; the writer lock, its
timeout and a writer killed while holding it; the role recorded in the change log.

Everything a caseworker does runs on both engines in tests/caseload (the `db` fixture)."""

from __future__ import annotations

import ast
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from caseload import schema, schema_pg, store
from caseload.db import connect
from caseload.postgres import shown, tls_options
from deadlines.entered import build_case
from deadlines.errors import InputError
from deadlines.rules.model import EventKind
from tests.caseload.helpers import ROOT, SCRIPT, subprocess_env
from tests.postgres_server import PostgresServer

CASELOAD = ROOT / "caseload"


def _run(db: str, *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args, "--db", db],
        env=subprocess_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _tables(url: str) -> list[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
    return [row[0] for row in rows]


def _case() -> object:
    return build_case({EventKind.APPLICATION_FILED: ["15/01/2025"]}, require_event=False)


# --- one schema ------------------------------------------------------------------------------

_SQLITE_TYPES = {"INTEGER": {"bigint", "smallint"}, "TEXT": {"text"}, "BLOB": {"bytea"}}


def test_the_postgresql_schema_has_every_table_and_column_of_the_sqlite_one(
    tmp_path: Path, postgres_database: str
) -> None:
    """Column by column: same names in the same order, same NOT NULL, matching types. A
    migration added to caseload/schema.py without its twin in schema_pg fails here."""
    connect(tmp_path / "cases.db").close()
    connect(postgres_database).close()
    lite = sqlite3.connect(tmp_path / "cases.db")
    tables = [
        name
        for (name,) in lite.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    assert sorted([*tables, schema_pg.VERSION_TABLE]) == _tables(postgres_database)
    with psycopg.connect(postgres_database) as pg:
        for table in tables:
            sqlite_columns = [
                (name, kind, bool(notnull or primary))
                for _, name, kind, notnull, _, primary in lite.execute(
                    f"PRAGMA table_info({table})"
                )
            ]
            pg_columns = pg.execute(
                "SELECT column_name, data_type, is_nullable = 'NO' FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
                (table,),
            ).fetchall()
            assert [c[0] for c in pg_columns] == [c[0] for c in sqlite_columns], table
            for (name, kind, notnull), (_, pg_type, pg_notnull) in zip(
                sqlite_columns, pg_columns, strict=True
            ):
                assert pg_type in _SQLITE_TYPES[kind], (table, name, pg_type)
                assert pg_notnull == notnull, (table, name)
    lite.close()
    assert schema_pg.BASELINE + len(schema_pg.MIGRATIONS) == schema.LATEST


def test_references_sort_by_bytes_whatever_the_database_locale(postgres_database: str) -> None:
    """SQLite sorts text by bytes; a database made with a French locale would sort 'a-2'
    before 'B-1'. The columns the tool sorts and compares are COLLATE "C"."""
    connect(postgres_database).close()
    with psycopg.connect(postgres_database) as pg:
        collations = dict(
            pg.execute(
                "SELECT table_name || '.' || column_name, collation_name "
                "FROM information_schema.columns WHERE table_schema = 'public' "
                "AND column_name IN ('ref', 'uid', 'assignee')"
            ).fetchall()
        )
    assert collations and set(collations.values()) == {"C"}, collations


def _sql_strings() -> list[tuple[str, str]]:
    found = []
    for path in sorted(CASELOAD.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if any(word in text for word in ("SELECT ", "INSERT ", "UPDATE ", "DELETE ")):
                    found.append((path.name, text))
    return found


def test_no_placeholder_or_percent_sign_hides_in_an_sql_literal() -> None:
    """caseload.postgres turns `?` into psycopg's `%s` and doubles `%`: a `?` inside a quoted
    literal would become a parameter, so none may be there."""
    strings = _sql_strings()
    assert len(strings) > 40
    for name, text in strings:
        literals = text.split("'")[1::2]
        assert not any("?" in literal for literal in literals), (name, text)


# --- what is refused, untouched --------------------------------------------------------------


def test_a_read_command_on_an_empty_database_creates_nothing(
    postgres_database: str, tmp_path: Path
) -> None:
    result = _run(postgres_database, "agenda", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "ne contient pas encore de dossiers" in result.stderr
    assert _tables(postgres_database) == []


def test_a_database_holding_other_tables_is_never_written_into(
    postgres_database: str, tmp_path: Path
) -> None:
    with psycopg.connect(postgres_database) as pg:
        pg.execute("CREATE TABLE invoices (id integer)")
    result = _run(postgres_database, "case", "add", "A-1", "--territory", "75", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "d'autres tables" in result.stderr
    assert _tables(postgres_database) == ["invoices"]


def test_a_database_from_a_newer_version_is_refused(postgres_database: str, tmp_path: Path) -> None:
    connect(postgres_database).close()
    with psycopg.connect(postgres_database) as pg:
        pg.execute(f"UPDATE {schema_pg.VERSION_TABLE} SET version = version + 1")
    result = _run(postgres_database, "case", "list", "--lang", "en", tmp_path=tmp_path)
    assert result.returncode == 2
    assert f"schema {schema.LATEST + 1}, this version knows {schema.LATEST}" in result.stderr


def test_a_password_in_the_url_is_refused_and_never_shown(tmp_path: Path) -> None:
    for url in (
        "postgresql://deadlines:s3cret@127.0.0.1:1/deadlines",
        "postgresql://deadlines@127.0.0.1:1/deadlines?password=s3cret",
    ):
        result = _run(url, "agenda", "--lang", "en", tmp_path=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "contains a password" in result.stderr
        assert "s3cret" not in result.stderr + result.stdout
        assert "s3cret" not in shown(url)


def test_an_address_libpq_cannot_read_is_one_line_naming_the_form(tmp_path: Path) -> None:
    result = _run("postgresql://a@h/d?nosuchoption=1", "agenda", tmp_path=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert '(invalid URI query parameter: "nosuchoption")' in line
    assert line.endswith("Forme attendue : postgresql://utilisateur@serveur:5432/base")


def test_a_server_that_does_not_answer_is_one_line(tmp_path: Path) -> None:
    result = _run("postgresql://deadlines@127.0.0.1:1/deadlines", "agenda", tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("erreur : --db : impossible d'ouvrir « postgresql://")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.fixture
def roles(postgres_database: str, tmp_path: Path) -> Iterator[Roles]:
    """Login roles made by the superuser for one test, with their passwords in a PGPASSFILE of
    their own; dropped afterwards (roles belong to the whole server, not to the database)."""
    made = Roles(postgres_database, tmp_path)
    try:
        yield made
    finally:
        made.drop()


class Roles:
    def __init__(self, url: str, tmp_path: Path) -> None:
        self.url = url
        self.admin = url.replace("deadlines@", "postgres@", 1)
        self.passfile = tmp_path / "pgpass"
        self.passfile.write_text(Path(os.environ["PGPASSFILE"]).read_text())
        self.passfile.chmod(0o600)
        self.tmp_path = tmp_path
        self.names: list[str] = []

    def make(self, name: str, *sql: str) -> str:
        """A role `name` (its SQL run by the superuser: LOGIN, IN ROLE…); its URL."""
        with psycopg.connect(self.admin, autocommit=True) as pg:
            for statement in sql:
                pg.execute(statement)
        self.names.insert(0, name)
        with self.passfile.open("a") as passwords:
            passwords.write(f"*:*:*:{name}:{name}-password\n")
        return self.url.replace("deadlines@", f"{name}@", 1)

    def run(self, url: str, *args: str, user: str = "someone") -> subprocess.CompletedProcess[str]:
        env = {
            **subprocess_env(self.tmp_path),
            "PGPASSFILE": str(self.passfile),
            "DEADLINES_USER": user,
        }
        return subprocess.run(
            [str(SCRIPT), *args, "--db", url],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def drop(self) -> None:
        with psycopg.connect(self.admin, autocommit=True) as pg:
            for name in self.names:
                pg.execute(f"DROP OWNED BY {name}")  # its grants, in this database
                pg.execute(f"DROP ROLE {name}")


def test_the_team_set_up_of_the_readme_works(roles: Roles) -> None:
    """README "A shared store on PostgreSQL": the owner makes the tables and grants them to a
    team role; a caseworker's own login role then does everything a caseworker does, and the
    change log names that role."""
    owner = roles.url  # the per-test database is owned by the role `deadlines`
    assert roles.run(owner, "case", "add", "P-1", "--territory", "93").returncode == 0
    roles.make("team_t", "CREATE ROLE team_t NOLOGIN")
    amina = roles.make(
        "amina_t", "CREATE ROLE amina_t LOGIN PASSWORD 'amina_t-password' IN ROLE team_t"
    )
    with psycopg.connect(owner, autocommit=True) as pg:  # the README's two grants, as the owner
        pg.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO team_t")
        pg.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO team_t")
    for args in (
        ("case", "add", "P-2", "--territory", "75", "--refusal-notified", "03/11/2026"),
        ("case", "set", "P-1", "--filed", "05/10/2026", "--yes"),
        ("case", "assign", "P-1", "amina"),
        ("agenda", "--mine"),
        ("case", "list"),
        ("export", "-o", str(roles.tmp_path / "team.ics")),
        ("case", "remove", "P-2", "--yes"),
    ):
        result = roles.run(amina, *args, user="amina")
        assert result.returncode == 0, (args, result.stderr)
    history = json.loads(roles.run(amina, "case", "history", "P-1", "--format", "json").stdout)
    assert [(c["who"], c["db_role"]) for c in history["changes"]][-2:] == [
        ("amina", "amina_t"),
        ("amina", "amina_t"),
    ]


def test_a_role_that_may_only_read_gets_db_readonly(postgres_database: str, roles: Roles) -> None:
    """A caseworker given SELECT only (a supervisor) reads the lists; a write is refused with
    db.readonly, exit 2, nothing written."""
    store.add(connect(postgres_database), "A-1", _case())
    reader = roles.make("reader_t", "CREATE ROLE reader_t LOGIN PASSWORD 'reader_t-password'")
    with psycopg.connect(postgres_database, autocommit=True) as pg:
        pg.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader_t")
    listing = roles.run(reader, "case", "list")
    assert listing.returncode == 0, listing.stderr
    assert "A-1" in listing.stdout
    adding = roles.run(reader, "case", "add", "B-1", "--territory", "75")
    assert adding.returncode == 2
    assert "lecture seule" in adding.stderr
    assert [r.ref for r in store.load(connect(postgres_database))] == ["A-1"]


# --- the writer lock -------------------------------------------------------------------------


def test_a_writer_that_cannot_get_the_lock_in_time_is_told_the_caseload_is_busy(
    postgres_database: str,
) -> None:
    holder = connect(postgres_database)
    waiter = connect(postgres_database)
    try:
        waiter.execute("SET lock_timeout = '300ms'")  # the tool waits 10 s (LOCK_TIMEOUT)
        with holder.write():
            started = time.monotonic()
            with pytest.raises(InputError) as refused:
                store.add(waiter, "B-1", _case())
            assert time.monotonic() - started >= 0.3
        assert refused.value.key == "db.busy"
        assert not waiter.in_transaction
        store.add(waiter, "B-1", _case())  # the lock is free again: the same connection writes
    finally:
        holder.close()
        waiter.close()


HOLDER = textwrap.dedent(
    """
    import sys, time
    from caseload import store
    from caseload.db import connect
    from deadlines.entered import build_case
    from deadlines.rules.model import EventKind

    connection = connect(sys.argv[1])
    case = build_case({EventKind.APPLICATION_FILED: ["15/01/2025"]}, require_event=False)
    with connection.write():
        store.insert(connection, "HALF-1", case, "test")
        print("holding", flush=True)
        time.sleep(600)
    """
)


def test_a_writer_killed_while_holding_the_lock_leaves_nothing_half_written(
    postgres_database: str, tmp_path: Path
) -> None:
    """kill -9 of a command in the middle of its write transaction: the server rolls it back
    and frees the writer lock when the connection drops; the next command writes at once."""
    connect(postgres_database).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, postgres_database],
        env=subprocess_env(tmp_path),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
    finally:
        if holder.poll() is None:
            holder.kill()
    started = time.monotonic()
    result = _run(
        postgres_database, "case", "add", "NEXT-1", "--territory", "75", tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 8  # not the 10 s lock timeout: the lock was freed
    assert [r.ref for r in store.load(connect(postgres_database))] == ["NEXT-1"]


# --- who did it ------------------------------------------------------------------------------


def test_the_change_log_records_the_connected_role_beside_the_caseworker(
    postgres_database: str, tmp_path: Path
) -> None:
    env = {**subprocess_env(tmp_path), "DEADLINES_USER": "Awa (bénévole)"}
    added = subprocess.run(
        [str(SCRIPT), "case", "add", "A-1", "--territory", "75", "--db", postgres_database],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    with psycopg.connect(postgres_database) as pg:
        assert pg.execute("SELECT os_user, db_role FROM changes").fetchall() == [
            ("Awa (bénévole)", "deadlines")
        ]
        with pytest.raises(psycopg.errors.IntegrityError, match="append-only"):
            pg.execute("UPDATE changes SET os_user = 'someone else'")
    shown_history = subprocess.run(
        [str(SCRIPT), "case", "history", "A-1", "--db", postgres_database, "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert [(c["who"], c["db_role"]) for c in json.loads(shown_history.stdout)["changes"]] == [
        ("Awa (bénévole)", "deadlines")
    ]
    table = _run(postgres_database, "case", "history", "A-1", tmp_path=tmp_path).stdout
    assert "Awa (bénévole) [base : deadlines]" in " ".join(table.split())


# --- where the address comes from ------------------------------------------------------------


def test_deadlines_db_and_a_libpq_service_file_name_the_store(
    postgres_database: str, postgres_server: PostgresServer, tmp_path: Path
) -> None:
    """DEADLINES_DB may hold the URL, as it holds a path; a service file (PGSERVICEFILE, then
    `?service=NAME`) may hold host, port, database and user, and PGPASSFILE the password."""
    services = tmp_path / "pg_service.conf"
    services.write_text(
        "[caseload]\n"
        f"host={postgres_server.host}\nport={postgres_server.port}\n"
        f"dbname={postgres_database.rsplit('/', 1)[1]}\nuser=deadlines\n"
    )
    env = {
        **subprocess_env(tmp_path),
        "DEADLINES_DB": "postgresql://?service=caseload",
        "PGSERVICEFILE": str(services),
    }
    for args in (["case", "add", "S-1", "--territory", "75"], ["case", "list"]):
        result = subprocess.run(
            [str(SCRIPT), *args], env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
    assert "S-1" in result.stdout
    assert [r.ref for r in store.load(connect(postgres_database))] == ["S-1"]
    missing = subprocess.run(
        [str(SCRIPT), "agenda"],
        env={**env, "DEADLINES_DB": postgres_database.rsplit("/", 1)[0] + "/nowhere"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2
    assert "DEADLINES_DB" in missing.stderr and "nowhere" in missing.stderr


RUN_AND_LIST_MODULES = textwrap.dedent(
    """
    import sys
    import cli

    sys.argv = ["deadlines", *sys.argv[1:]]
    try:
        cli.main()
    except SystemExit as exit:
        assert not exit.code, exit.code
    print("psycopg" in sys.modules, file=sys.stderr)
    """
)


def test_a_caseworker_on_sqlite_never_loads_psycopg(postgres_database: str, tmp_path: Path) -> None:
    """psycopg costs ~130 ms to import: only a postgresql:// store pays it."""

    def loaded(db: str | Path, *args: str) -> bool:
        result = subprocess.run(
            [sys.executable, "-c", RUN_AND_LIST_MODULES, *args, "--db", str(db)],
            env=subprocess_env(tmp_path),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stderr.strip().splitlines()[-1] == "True"

    sqlite = tmp_path / "data" / "cases.db"
    for db in (sqlite, postgres_database):
        add = ("case", "add", "A-1", "--territory", "75", "--filed", "05/10/2026")
        assert loaded(db, *add) == (db == postgres_database)
        assert loaded(db, "agenda") == (db == postgres_database)


def test_only_the_owner_role_makes_or_migrates_the_tables(
    roles: Roles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A caseworker's role may use the tables, not make them (PostgreSQL 15+: no CREATE on the
    public schema but for the database's owner) nor change them after an update of the tool:
    one line says who must run the first command, nothing is written; the owner's command then
    migrates and the caseworker goes on."""
    roles.make("team_t", "CREATE ROLE team_t NOLOGIN")
    amina = roles.make(
        "amina_t", "CREATE ROLE amina_t LOGIN PASSWORD 'amina_t-password' IN ROLE team_t"
    )
    refused = roles.run(amina, "case", "add", "P-1", "--territory", "93")
    assert refused.returncode == 2
    assert f"(schéma 0 → {schema.LATEST})" in refused.stderr
    assert "Le rôle propriétaire" in refused.stderr
    assert _tables(roles.url) == []

    owner = roles.url
    assert roles.run(owner, "case", "add", "P-1", "--territory", "93").returncode == 0
    with psycopg.connect(owner, autocommit=True) as pg:
        pg.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO team_t")
        pg.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO team_t")
    # The tool is updated: its schema has one more version.
    later = schema.LATEST + 1
    monkeypatch.setattr("caseload.postgres.LATEST", later)
    monkeypatch.setattr(
        schema_pg, "MIGRATIONS", {schema.LATEST: "ALTER TABLE cases ADD COLUMN later text;"}
    )
    monkeypatch.setenv("PGPASSFILE", str(roles.passfile))
    with pytest.raises(InputError) as denied:
        connect(amina)
    assert denied.value.key == "db.schema-denied"
    assert (denied.value.params["version"], denied.value.params["latest"]) == (
        schema.LATEST,
        later,
    )
    connect(owner).close()  # the owner's first command migrates
    with psycopg.connect(owner) as pg:
        assert pg.execute(f"SELECT version FROM {schema_pg.VERSION_TABLE}").fetchall() == [(later,)]
    connection = connect(amina)
    assert [r.ref for r in store.load(connection)] == ["P-1"]
    connection.close()


# --- TLS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "env", "added"),
    [
        ("postgresql://amina@db.asso.example/deadlines", {}, "verify-full+system"),
        ("postgresql://amina@10.0.0.5:5433/deadlines", {}, "verify-full+system"),
        ("postgresql://amina@db.asso.example/d?sslrootcert=/etc/asso-ca.pem", {}, "verify-full"),
        ("postgresql://amina@db.asso.example/d", {"PGSSLROOTCERT": "/ca.pem"}, "verify-full"),
        ("postgresql://amina@db.asso.example/d?sslmode=require", {}, ""),
        ("postgresql://amina@db.asso.example/d", {"PGSSLMODE": "disable"}, ""),
        ("postgresql://?service=caseload", {}, ""),
        ("postgresql://amina@localhost/deadlines", {}, ""),
        ("postgresql://amina@127.0.0.1:5432/deadlines", {}, ""),
        ("postgresql://amina@%2Fvar%2Frun%2Fpostgresql/deadlines", {}, ""),
        ("postgresql:///deadlines", {}, ""),
        ("postgresql:///deadlines", {"PGHOST": "db.asso.example"}, "verify-full+system"),
        ("postgresql://amina@localhost,db.asso.example/deadlines", {}, "verify-full+system"),
    ],
)
def test_a_server_elsewhere_is_reached_over_verified_tls_only(
    url: str, env: dict[str, str], added: str
) -> None:
    """libpq's default would send health data in plain text when the server offers no TLS, and
    never checks whose certificate it is: the tool asks for verify-full unless the address says
    how to connect or the server is on this machine."""
    options = psycopg.conninfo.conninfo_to_dict(url)
    extra = tls_options(options, env)
    expected = {
        "": {},
        "verify-full": {"sslmode": "verify-full"},
        "verify-full+system": {"sslmode": "verify-full", "sslrootcert": "system"},
    }[added]
    assert extra == expected


def test_a_server_named_by_a_network_name_without_tls_is_refused(
    postgres_database: str,
    postgres_server: PostgresServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The test server speaks no TLS: reached under a network name (hostaddr: the same
    loopback), the tool refuses to talk to it in plain text; the user may say so explicitly."""
    name = postgres_database.rsplit("/", 1)[1]
    elsewhere = (
        f"postgresql://deadlines@db.asso.example:{postgres_server.port}/{name}"
        f"?hostaddr={postgres_server.host}"
    )
    # ~/.pgpass matches on the host name: the test's password file, for any host.
    passfile = tmp_path / "pgpass"
    passfile.write_text(
        "".join(
            "*:" + line.split(":", 1)[1]
            for line in postgres_server.passfile.read_text().splitlines(keepends=True)
        )
    )
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    refused = _run(elsewhere, "case", "add", "A-1", "--territory", "75", tmp_path=tmp_path)
    assert refused.returncode == 2
    assert "SSL" in refused.stderr and "Traceback" not in refused.stderr
    assert _tables(postgres_database) == []
    plain = _run(
        elsewhere + "&sslmode=disable",
        "case",
        "add",
        "A-1",
        "--territory",
        "75",
        tmp_path=tmp_path,
    )
    assert plain.returncode == 0, plain.stderr


# --- a connection lost in the middle of a command ---------------------------------------------


def test_a_connection_cut_while_the_caseworker_answers_is_one_line_and_saves_nothing(
    postgres_database: str, tmp_path: Path
) -> None:
    """The server restarts, a network drops, an administrator ends the session while `case set`
    waits for « Enregistrer ? »: the answer gets one line naming the store and the cause, exit
    2, no traceback, and nothing is written; the next command works."""
    added = _run(
        postgres_database, "case", "add", "T-1", "--filed", "15/01/2025", tmp_path=tmp_path
    )
    assert added.returncode == 0, added.stderr
    process = subprocess.Popen(
        [
            str(SCRIPT),
            "case",
            "set",
            "T-1",
            "--ofii-request",
            "01/02/2025",
            "--as-of",
            "2025-04-01",
            "--db",
            postgres_database,
        ],
        env=subprocess_env(tmp_path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    said = ""
    while not said.endswith("Enregistrer ? [o/N] "):
        char = process.stderr.read(1)
        assert char, (said, process.wait(timeout=30))
        said += char
    admin = postgres_database.replace("deadlines@", "postgres@", 1)
    with psycopg.connect(admin, autocommit=True) as pg:
        (ended,) = pg.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = 'deadlines' AND datname = current_database()"
        ).fetchone()
    assert ended == 1
    _, stderr = process.communicate("o\n", timeout=60)
    assert process.returncode == 2, stderr
    (line,) = [line for line in stderr.splitlines() if line.strip()]
    assert line.startswith(f"erreur : --db : la connexion à « {postgres_database} » a été perdue (")
    assert line.endswith("relancez-la : elle montre la base telle qu'elle est.")
    assert "Traceback" not in stderr
    with psycopg.connect(postgres_database) as pg:
        assert pg.execute("SELECT count(*) FROM events WHERE kind = 'ofii-request'").fetchone() == (
            0,
        )
    again = _run(postgres_database, "case", "show", "T-1", tmp_path=tmp_path)
    assert again.returncode == 0, again.stderr
