"""A target database the server does not have is created first, as Prisma 6.19's ``ensureDatabaseExists``
does before ``migrate dev``, ``db push``, ``migrate reset`` and ``migrate deploy``; ``migrate dev`` then
runs the seed command. Against the real test server: every database a test names is dropped after it.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from devproject import NEXO, USERS, config, execute, run, scalar, tables, write_project
from psycopg import sql
from test_seed import EXECUTED, RUNNING, SEED, SEED_SCRIPT, ran

from nexo import orchestrate
from nexo.db import CreatedDatabase, DatabaseCreateFailed, connect_or_create, with_database, with_user
from nexo.db.create import create_database, location

INIT = {
    "20240101000000_init": 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "name" TEXT, '
    'CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n'
}


def exists(server_url: str, name: str) -> bool:
    with psycopg.connect(server_url, autocommit=True) as c:
        return c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


@pytest.fixture
def missing(pg_server_url: str) -> Iterator[tuple[str, str]]:
    """(name, URL) of a database the server does not have; dropped after the test if something made it."""
    name = f"nexo_t_new_{uuid.uuid4().hex[:10]}"
    assert not exists(pg_server_url, name)
    try:
        yield name, with_database(pg_server_url, name)
    finally:
        execute(pg_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def line(name: str) -> str:
    """Prisma's line for the test server (a unix socket: no "at host:port", as Prisma for such a URL)."""
    return f"PostgreSQL database {name} created"


def seeded_project(root: Path, *, migrations: dict[str, str] | None = None) -> Path:
    write_project(root, USERS, migrations=INIT if migrations is None else migrations)
    (root / "seed.py").write_text(SEED_SCRIPT)
    with (root / "pyproject.toml").open("a") as f:
        f.write(f"seed = '{SEED}'\n")
    return root


# --- the function in nexo.db -------------------------------------------------------------------------


def test_connect_or_create(missing: tuple[str, str], pg_server_url: str):
    name, url = missing
    conn, created = connect_or_create(url)
    with conn:
        assert conn.execute("SELECT current_database()").fetchone() == (name,)
    assert created == CreatedDatabase(name, None) and created.message == line(name)
    assert created.to_dict() == {"name": name, "location": None, "message": line(name)}
    conn, again = connect_or_create(url)  # there now: nothing to create
    conn.close()
    assert again is None and create_database(url) is False


def test_a_name_that_needs_quoting(pg_server_url: str):
    name = f'Nexo "odd" {uuid.uuid4().hex[:6]}'
    try:
        url = with_database(pg_server_url, name)
        assert quote(name, safe="") in url  # a URL: %-encoded
        conn, created = connect_or_create(url)
        conn.close()
        assert created is not None and created.name == name and exists(pg_server_url, name)
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as c:
            c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_other_connection_failures_are_not_a_missing_database(pg_server_url: str, missing: tuple[str, str]):
    """A wrong role is a connection error as before: nothing is created."""
    name, url = missing
    from nexo.db import ConnectionFailed

    with pytest.raises(ConnectionFailed) as info:
        connect_or_create(with_user(url, f"nobody_{uuid.uuid4().hex[:6]}", "pw-s3cret"))
    assert "pw-s3cret" not in str(info.value) and not exists(pg_server_url, name)


def test_location_is_prismas_host_and_port():
    assert location("postgresql://u:pw@localhost:5432/app") == "localhost:5432"
    assert location("postgresql://u:pw@db.example.com/app?sslmode=require") == "db.example.com"
    assert location("postgres://u@[::1]:6543/app") == "[::1]:6543"
    assert location("postgresql://postgres:@/app?host=/tmp/sock") is None  # a socket: no "at ..."
    assert location("host=127.0.0.1 port=5433 dbname=app user=u") == "127.0.0.1:5433"
    assert location("host=/var/run/postgresql dbname=app") is None
    assert CreatedDatabase("app", "localhost:5432").message == "PostgreSQL database app created at localhost:5432"


def test_concurrent_creators_both_succeed(missing: tuple[str, str], pg_server_url: str):
    """Both see the database missing and both run CREATE DATABASE: the loser's duplicate error means "it
    exists now". A lock on pg_database holds both CREATE DATABASE statements until both are waiting."""
    name, url = missing
    results: list[object] = []

    def create() -> None:
        try:
            results.append(create_database(url))
        except Exception as exc:
            results.append(exc)

    with psycopg.connect(pg_server_url, autocommit=True) as holder:
        holder.execute("BEGIN")
        holder.execute("LOCK TABLE pg_database IN EXCLUSIVE MODE")  # reads go on, CREATE DATABASE waits
        threads = [threading.Thread(target=create) for _ in range(2)]
        for t in threads:
            t.start()
        waiting = 0
        for _ in range(600):
            waiting = holder.execute(
                "SELECT count(*) FROM pg_locks WHERE relation = 'pg_database'::regclass AND NOT granted"
            ).fetchone()[0]
            if waiting == 2:
                break
            threading.Event().wait(0.05)
        assert waiting == 2, "both CREATE DATABASE statements should be waiting"
        holder.execute("COMMIT")
        for t in threads:
            t.join(60)
    assert sorted(results, key=str) == [False, True], results
    assert exists(pg_server_url, name)


def test_no_createdb_privilege(tmp_path: Path, pg_server_url: str, missing: tuple[str, str]):
    name, url = missing
    role = f"nexo_t_nocreate_{uuid.uuid4().hex[:8]}"
    execute(pg_server_url, f"CREATE ROLE {role} LOGIN PASSWORD 'pw-s3cret' NOCREATEDB")
    try:
        as_role = with_user(url, role, "pw-s3cret")
        with pytest.raises(DatabaseCreateFailed) as info:
            connect_or_create(as_role)
        text = str(info.value)
        assert info.value.code == "P3000"
        assert (
            f'Failed to create database "{name}": it does not exist' in text
            and f'role "{role}"' in text
            and "CREATEDB privilege" in text
        )
        assert "pw-s3cret" not in text and not exists(pg_server_url, name)
        # the console script: exit 1, the same message, nothing created, no password
        root = write_project(tmp_path / "p", USERS)
        r = run(["db:push", "--database-url", as_role], root)
        assert r.returncode == 1 and "CREATEDB privilege" in r.stderr and name in r.stderr
        assert "pw-s3cret" not in r.stdout + r.stderr and not exists(pg_server_url, name)
    finally:
        execute(pg_server_url, f"DROP ROLE IF EXISTS {role}")


# --- the commands --------------------------------------------------------------------------------


def test_push_creates_the_database(tmp_path: Path, missing: tuple[str, str], pg_server_url: str):
    name, url = missing
    root = write_project(tmp_path / "p", USERS)
    report = orchestrate.push(config(root, url))
    assert report.created == CreatedDatabase(name, None) and "User" in tables(url)
    assert report.to_dict()["database_created"]["message"] == line(name)
    again = orchestrate.push(config(root, url))
    assert again.created is None and again.to_dict()["database_created"] is None


def test_cli_push_creates_the_database(tmp_path: Path, missing: tuple[str, str]):
    name, url = missing
    root = write_project(tmp_path / "p", USERS)
    r = run(["db:push"], root, {"DATABASE_URL": url})
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(line(name) + "\n\n") and "now in sync" in r.stdout
    assert "User" in tables(url)
    r = run(["db:push", "--json"], root, {"DATABASE_URL": url})
    assert r.returncode == 0 and json.loads(r.stdout)["database_created"] is None and line(name) not in r.stdout


def test_two_concurrent_pushes_on_a_missing_database(tmp_path: Path, missing: tuple[str, str]):
    name, url = missing
    root = write_project(tmp_path / "p", USERS)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CI")}
    env.update({"DATABASE_URL": url, "COLUMNS": "200"})
    procs = [
        subprocess.Popen(
            [NEXO, "db:push", "--json"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in outs]
    created = [json.loads(o)["database_created"] for o, _ in outs]
    assert sum(c is not None for c in created) == 1  # one of them made it; the other found it or lost the race
    assert "User" in tables(url)


def test_migrate_dev_creates_then_seeds(tmp_path: Path, missing: tuple[str, str]):
    """Prisma 6.19: migrate dev runs the seed after the migrations and generators when it created the
    database, and only then."""
    name, url = missing
    root = seeded_project(tmp_path / "p")
    r = run(["db:migrate:dev"], root, {"DATABASE_URL": url})
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    assert out.startswith(line(name) + "\n")
    assert out.index(line(name)) < out.index("20240101000000_init") < out.index(RUNNING) < out.index(EXECUTED)
    assert scalar(url, 'SELECT count(*) FROM "User"') == 2 and ran(root)["url"] == url
    r = run(["db:migrate:dev"], root, {"DATABASE_URL": url})  # the database exists: no seed
    assert r.returncode == 0 and RUNNING not in r.stdout and line(name) not in r.stdout
    assert scalar(url, 'SELECT count(*) FROM "User"') == 2


def test_migrate_dev_api_and_json(tmp_path: Path, missing: tuple[str, str]):
    name, url = missing
    root = seeded_project(tmp_path / "p")
    r = run(["db:migrate:dev", "--json"], root, {"DATABASE_URL": url})
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)  # the seed's output went to stderr
    assert data["database_created"] == {"name": name, "location": None, "message": line(name)}
    assert data["seed"]["ok"] is True and RUNNING in r.stderr
    assert data["applied_pending"] == ["20240101000000_init"]


def test_migrate_dev_skip_seed(tmp_path: Path, missing: tuple[str, str], pg_server_url: str):
    name, url = missing
    root = seeded_project(tmp_path / "p")
    r = run(["db:migrate:dev", "--skip-seed"], root, {"DATABASE_URL": url})
    assert r.returncode == 0, r.stderr
    assert line(name) in r.stdout and RUNNING not in r.stdout and scalar(url, 'SELECT count(*) FROM "User"') == 0
    execute(pg_server_url, f'DROP DATABASE "{name}" WITH (FORCE)')
    r = run(["db:migrate:dev"], root, {"DATABASE_URL": url, "PRISMA_MIGRATE_SKIP_SEED": "1"})  # Prisma's switch
    assert r.returncode == 0 and line(name) in r.stdout and RUNNING not in r.stdout
    execute(pg_server_url, f'DROP DATABASE "{name}" WITH (FORCE)')
    report = orchestrate.migrate_dev(config(root, url), create_only=True)  # Prisma returns before seeding
    assert report.created_database is not None and report.seed is None and not (root / "seed-ran.json").exists()


def test_migrate_dev_failing_seed_keeps_the_work(tmp_path: Path, missing: tuple[str, str]):
    name, url = missing
    root = seeded_project(tmp_path / "p")
    r = run(["db:migrate:dev"], root, {"DATABASE_URL": url, "SEED_EXIT": "3"})
    assert r.returncode == 1
    assert line(name) in r.stdout and "Command failed with exit code 3" in r.stderr
    assert "The database was created and 1 migration(s) applied, then 0 SQL-layer file(s), before the seed" in r.stderr
    assert scalar(url, "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL") == 1


def test_migrate_dev_bad_package_json_is_reported_after_the_work(tmp_path: Path, missing: tuple[str, str]):
    name, url = missing
    root = write_project(tmp_path / "p", USERS, migrations=INIT)
    (root / "package.json").write_text('{"prisma": {"seed": 42}}')
    r = run(["db:migrate:dev"], root, {"DATABASE_URL": url})
    assert r.returncode == 1 and line(name) in r.stdout and "must be of type string" in r.stderr
    assert "User" in tables(url)


def test_reset_creates_the_database(tmp_path: Path, missing: tuple[str, str]):
    name, url = missing
    root = write_project(tmp_path / "p", USERS, migrations=INIT)
    r = run(["db:reset", "-f"], root, {"DATABASE_URL": url})
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(line(name) + "\n\n") and "Database reset successful" in r.stdout
    assert "User" in tables(url)
    report = orchestrate.reset(config(root, url), force=True)
    assert report.created is None and report.to_dict()["database_created"] is None


def test_migrate_and_deploy_create_the_database(tmp_path: Path, missing: tuple[str, str], pg_server_url: str):
    """Prisma's migrate deploy creates a missing database too, so db:migrate:deploy and db:migrate do."""
    name, url = missing
    root = write_project(tmp_path / "p", USERS, migrations=INIT)
    r = run(["db:migrate:deploy"], root, {"DATABASE_URL": url})
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(line(name) + "\n\n") and "User" in tables(url)
    execute(pg_server_url, f'DROP DATABASE "{name}" WITH (FORCE)')
    r = run(["db:migrate", "--json"], root, {"DATABASE_URL": url})
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["database_created"]["name"] == name and "User" in tables(url)
    result = orchestrate.migrate(config(root, url))
    assert result.created is None


def test_read_only_commands_do_not_create(tmp_path: Path, missing: tuple[str, str], pg_server_url: str):
    """Like Prisma's migrate status / resolve: no database is created by looking."""
    name, url = missing
    root = write_project(tmp_path / "p", USERS, migrations=INIT)
    for args in (["db:migrate:status"], ["db:migrate", "--dry-run"], ["db:version"]):
        r = run(args, root, {"DATABASE_URL": url})
        assert r.returncode == 1 and "does not exist" in r.stderr, (args, r.stderr)
    assert not exists(pg_server_url, name)
