"""The CLI end to end, through the installed console script, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

NEXO = str(Path(sys.executable).parent / "nexo")


def run(
    args: list[str], cwd: Path, env_extra: dict[str, str] | None = None, timeout: int = 180
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(env_extra or {})
    env["COLUMNS"] = "200"
    return subprocess.run([NEXO, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_help_lists_commands_with_one_line_each(tmp_path: Path):
    r = run(["--help"], tmp_path)
    assert r.returncode == 0
    for cmd in [
        "db:migrate",
        "db:migrate:dry",
        "db:migrate:deploy",
        "db:migrate:status",
        "db:migrate:resolve",
        "db:rollback",
        "db:version",
        "db:up",
        "db:down",
        "db:url",
    ]:
        assert cmd in r.stdout, cmd


def test_usage_error_exits_2(tmp_path: Path):
    assert run(["db:migrate", "--no-such-flag"], tmp_path).returncode == 2
    assert run(["db:migrate:resolve"], tmp_path).returncode == 2


def test_migrate_version_and_check_on_a_url(project: Path, db_url: str):
    env = {"DATABASE_URL": db_url}
    dry = run(["db:migrate:dry", "--json"], project, env)
    assert dry.returncode == 0, dry.stderr
    plan = json.loads(dry.stdout)
    assert [m["name"] for m in plan["prisma"]["pending"]] == [
        "20260123175900_initial_multi_tenant_setup",
        "20260123190000_composite_tenant_keys",
    ]

    first = run(["db:migrate"], project, env)
    assert first.returncode == 0, first.stderr
    assert "20260123175900_initial_multi_tenant_setup" in first.stdout
    assert "20260123_1800_initial_rls_setup.sql" in first.stdout
    assert "20260123190000_composite_tenant_keys" in first.stdout and "20260123_1900_citus_ready.sql" in first.stdout

    again = run(["db:migrate"], project, env)
    assert again.returncode == 0 and "No pending Prisma migrations" in again.stdout

    v = run(["db:version", "--json"], project, env)
    assert v.returncode == 0, v.stderr
    data = json.loads(v.stdout)
    assert data["schema_version"] == {
        "prisma": "20260123190000_composite_tenant_keys",
        "sql": "20260123_1900",
        "semantic": "1.1.0",
    }
    assert data["rls"]["tenant_tables"] == 7 and data["rls"]["protected_tables"] == 7
    assert data["rls"]["policy_count"] == 8
    assert data["rls"]["lint"] == []
    components = {s["component"] for s in data["software"]}
    assert {"PostgreSQL", "nexo", "Python", "psycopg", "libpq", "Prisma CLI"} <= components
    # the test connection is a superuser: RLS does not apply to it, which is information (the application
    # role nexo_app is judged instead, and it is complete right after a clean migrate)
    assert any("superuser" in w for w in data["rls"]["connection_notes"])
    assert data["rls"]["role_problems"] == []
    check = run(["db:version", "--check"], project, env)
    assert check.returncode == 0, check.stderr
    assert "superuser" in check.stdout

    md = run(["db:version", "--markdown"], project, env)
    assert md.returncode == 0 and "## Compatibility matrix" in md.stdout and "## Version history" in md.stdout

    table = run(["db:version"], project, env)
    assert table.returncode == 0 and "RLS" in table.stdout


def test_check_passes_for_the_application_role(project: Path, db_url: str):
    env = {"DATABASE_URL": db_url}
    assert run(["db:migrate"], project, env).returncode == 0
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("ALTER ROLE nexo_app LOGIN PASSWORD 'app-pw-for-tests'")
    # connected as the application role (non-superuser, non-owner, no BYPASSRLS) nothing is flagged
    from nexo.db.urls import with_user

    check = run(
        ["db:version", "--check", "--json"],
        project,
        {"DATABASE_URL": with_user(db_url, "nexo_app", "app-pw-for-tests")},
    )
    data = json.loads(check.stdout)
    assert data["problems"] == [], data["problems"]
    assert data["database"]["user"] == "nexo_app"
    assert check.returncode == 0
    assert "app-pw-for-tests" not in check.stdout + check.stderr


def test_role_without_ledger_access_gets_a_clear_error(project: Path, db_url: str):
    assert run(["db:migrate"], project, {"DATABASE_URL": db_url}).returncode == 0
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("DROP ROLE IF EXISTS nexo_reader_no_ledger")
        c.execute("CREATE ROLE nexo_reader_no_ledger LOGIN PASSWORD 'reader-secret'")
    from nexo.db.urls import with_user

    r = run(["db:version"], project, {"DATABASE_URL": with_user(db_url, "nexo_reader_no_ledger", "reader-secret")})
    assert r.returncode == 1
    assert "nexo_reader_no_ledger cannot read the migration ledgers" in r.stderr
    assert 'GRANT SELECT ON "_prisma_migrations"' in r.stderr
    assert "Traceback" not in r.stderr and "reader-secret" not in r.stdout + r.stderr


def test_check_fails_when_pending(project: Path, db_url: str):
    r = run(["db:version", "--check", "--json"], project, {"DATABASE_URL": db_url})
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert any("pending" in p for p in data["problems"])


def test_status_exit_codes(project: Path, db_url: str):
    env = {"DATABASE_URL": db_url}
    assert run(["db:migrate:status"], project, env).returncode == 1
    assert run(["db:migrate"], project, env).returncode == 0
    st = run(["db:migrate:status", "--json"], project, env)
    assert st.returncode == 0, st.stdout + st.stderr
    assert json.loads(st.stdout)["up_to_date"] is True


def test_failing_migration_exit_1_with_clear_message_and_no_password(project: Path, db_url: str, pg_server_url: str):
    bad = project / "prisma_migrations" / "20990101000000_bad"
    bad.mkdir()
    (bad / "migration.sql").write_text("CREATE TABLE t1 (x int);\nALTER TABLE nope ADD COLUMN y int;\n")
    r = run(["db:migrate"], project, {"DATABASE_URL": db_url})
    assert r.returncode == 1
    assert "P3018" in r.stderr and "20990101000000_bad" in r.stderr
    assert "Traceback" not in r.stderr
    with psycopg.connect(db_url) as c:
        assert c.execute("SELECT to_regclass('t1')").fetchone()[0] is None


def test_password_is_never_printed(project: Path, tmp_path: Path):
    url = "postgresql://someone:s3cr3t-pw@127.0.0.1:1/nodb?connect_timeout=2"
    r = run(["db:migrate"], project, {"DATABASE_URL": url})
    assert r.returncode == 1
    assert "s3cr3t-pw" not in r.stdout + r.stderr
    assert "****" in r.stderr


def test_embedded_server_path(project: Path):
    """No DATABASE_URL: the embedded server starts on demand in .nexo/pgdata and is named."""
    try:
        r = run(["db:migrate"], project)
        assert r.returncode == 0, r.stderr
        assert "embedded PostgreSQL" in r.stderr
        assert (project / ".nexo" / "pgdata").is_dir()
        v = run(["db:version", "--json"], project)
        assert v.returncode == 0, v.stderr
        assert json.loads(v.stdout)["database"]["source"] == "embedded"
        url = run(["db:url"], project)
        assert url.returncode == 0 and "/nexo" in url.stdout
    finally:
        down = run(["db:down"], project)
        assert down.returncode == 0


def _kill_while_sleeping(args: list[str], cwd: Path, db_url: str) -> None:
    """Start ``nexo args``, wait until its session runs pg_sleep, then SIGKILL the process."""
    import signal
    import time

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DATABASE_URL"] = db_url
    proc = subprocess.Popen([NEXO, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        with psycopg.connect(db_url, autocommit=True) as c:
            for _ in range(600):
                row = c.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE '%pg_sleep(%' "
                    "AND pid <> pg_backend_pid()"
                ).fetchone()
                if row and row[0]:
                    break
                assert proc.poll() is None, proc.communicate()
                time.sleep(0.1)
            else:
                pytest.fail("nexo never reached the sleeping statement")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()


def _tables(db_url: str) -> list[str]:
    with psycopg.connect(db_url) as c:
        return [r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]


def test_killed_during_a_prisma_migration_leaves_the_database_as_it_was(project: Path, db_url: str):
    slow = project / "prisma_migrations" / "20260124000000_slow"
    slow.mkdir()
    (slow / "migration.sql").write_text('CREATE TABLE "slow_t" ("id" INTEGER NOT NULL);\nSELECT pg_sleep(60);\n')
    _kill_while_sleeping(["db:migrate"], project, db_url)
    # the repo's migrations committed with their rows; the killed one left neither its table nor a "started" row
    assert "slow_t" not in _tables(db_url)
    with psycopg.connect(db_url) as c:
        rows = c.execute(
            "SELECT migration_name, finished_at IS NOT NULL FROM _prisma_migrations ORDER BY started_at"
        ).fetchall()
    assert rows == [
        ("20260123175900_initial_multi_tenant_setup", True),
        ("20260123190000_composite_tenant_keys", True),
    ]
    # the lock died with the process: a new run proceeds at once and is not blocked by a failed row
    (slow / "migration.sql").write_text('CREATE TABLE "slow_t" ("id" INTEGER NOT NULL);\n')
    again = run(["db:migrate"], project, {"DATABASE_URL": db_url})
    assert again.returncode == 0, again.stderr
    assert "20260124000000_slow" in again.stdout and "slow_t" in _tables(db_url)


def test_killed_during_the_first_migration_leaves_an_empty_database(project: Path, db_url: str):
    first = project / "prisma_migrations" / "20260123175900_initial_multi_tenant_setup" / "migration.sql"
    first.write_text(first.read_text() + "\nSELECT pg_sleep(60);\n")
    _kill_while_sleeping(["db:migrate"], project, db_url)
    assert _tables(db_url) == []  # not even _prisma_migrations


def test_killed_during_an_sql_layer_file_leaves_nothing_of_it(project: Path, db_url: str):
    (project / "sql" / "20260301_1000_slow.sql").write_text("CREATE TABLE slow_sql (x int);\nSELECT pg_sleep(60);\n")
    _kill_while_sleeping(["db:migrate"], project, db_url)
    assert "slow_sql" not in _tables(db_url)
    with psycopg.connect(db_url) as c:
        versions = [r[0] for r in c.execute("SELECT version FROM migration_history ORDER BY id")]
    assert versions == ["20260123_1800", "20260123_1900"]
