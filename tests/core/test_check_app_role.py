"""``db:version --check`` judges RLS as the application role of the config (issue 11, section 3).

Right after a clean migrate the check passes although the test connects as a superuser (information,
not failure); a missing GRANT, a command without a policy, or a sequence the role cannot use fail it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg

NEXO = str(Path(sys.executable).parent / "nexo")


def run(args: list[str], cwd: Path, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(env_extra or {})
    env["COLUMNS"] = "200"
    return subprocess.run([NEXO, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _check(project: Path, db_url: str) -> tuple[int, dict]:
    r = run(["db:version", "--check", "--json"], project, {"DATABASE_URL": db_url})
    return r.returncode, json.loads(r.stdout)


def test_clean_migrate_then_check_passes_as_superuser(project: Path, db_url: str):
    env = {"DATABASE_URL": db_url}
    assert run(["db:migrate"], project, env).returncode == 0
    code, data = _check(project, db_url)
    assert code == 0, data["problems"]
    assert any("superuser" in n for n in data["rls"]["connection_notes"])
    assert data["rls"]["role_problems"] == []
    clients = next(t for t in data["rls"]["tables"] if t["table"] == "clients")
    assert clients["app_privileges"] == ["SELECT", "INSERT", "UPDATE", "DELETE"]
    assert clients["app_policy_commands"] == ["SELECT", "INSERT", "UPDATE", "DELETE"]


def test_missing_grant_fails_the_check(project: Path, db_url: str):
    assert run(["db:migrate"], project, {"DATABASE_URL": db_url}).returncode == 0
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute('REVOKE ALL ON "clients" FROM "nexo_app"')
    code, data = _check(project, db_url)
    assert code == 1
    assert any(p.startswith("RLS: clients: application role nexo_app has no privilege") for p in data["problems"])
    # the text form says the same on stderr
    r = run(["db:version", "--check"], project, {"DATABASE_URL": db_url})
    assert r.returncode == 1 and "clients: application role nexo_app has no privilege" in r.stderr


def test_command_without_policy_fails_the_check(project: Path, db_url: str):
    assert run(["db:migrate"], project, {"DATABASE_URL": db_url}).returncode == 0
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute('DROP POLICY "tenant_isolation" ON "suppliers"')
        c.execute(
            'CREATE POLICY "read_only" ON "suppliers" FOR SELECT '
            "USING (account_id = NULLIF(current_setting('app.current_account_id', true), '')::uuid)"
        )
    code, data = _check(project, db_url)
    assert code == 1
    assert any(
        "suppliers: no policy for INSERT, UPDATE, DELETE applies to application role nexo_app" in p
        for p in data["problems"]
    ), data["problems"]
    # a policy for another role does not count for the application role
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute('DROP POLICY "read_only" ON "suppliers"')
        c.execute(
            'CREATE POLICY "for_postgres_only" ON "suppliers" TO CURRENT_USER '
            "USING (account_id = NULLIF(current_setting('app.current_account_id', true), '')::uuid)"
        )
    code, data = _check(project, db_url)
    assert code == 1
    assert any("suppliers: no policy for SELECT, INSERT, UPDATE, DELETE" in p for p in data["problems"])


def test_sequence_without_usage_fails_the_check(project: Path, db_url: str):
    assert run(["db:migrate"], project, {"DATABASE_URL": db_url}).returncode == 0
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("CREATE TABLE notes (id serial PRIMARY KEY, account_id uuid NOT NULL)")
        c.execute("CREATE INDEX ON notes (account_id)")
        c.execute("ALTER TABLE notes ENABLE ROW LEVEL SECURITY; ALTER TABLE notes FORCE ROW LEVEL SECURITY")
        c.execute(
            "CREATE POLICY p ON notes USING (account_id = NULLIF(current_setting('app.current_account_id', true), '')::uuid)"
        )
        c.execute('GRANT SELECT, INSERT, UPDATE, DELETE ON notes TO "nexo_app"')
    code, data = _check(project, db_url)
    assert code == 1
    assert any(
        "notes: application role nexo_app may INSERT but not use sequence(s) notes_id_seq" in p
        for p in data["problems"]
    ), data["problems"]
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute('GRANT USAGE ON SEQUENCE notes_id_seq TO "nexo_app"')
    code, data = _check(project, db_url)
    assert not any(p.startswith("RLS: notes") for p in data["problems"]), data["problems"]


def test_application_role_that_escapes_rls_fails(project: Path, db_url: str):
    assert run(["db:migrate"], project, {"DATABASE_URL": db_url}).returncode == 0
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute('ALTER ROLE "nexo_app" BYPASSRLS')
    try:
        code, data = _check(project, db_url)
        assert code == 1
        assert any("application role nexo_app has BYPASSRLS" in p for p in data["problems"])
    finally:
        with psycopg.connect(db_url, autocommit=True) as c:
            c.execute('ALTER ROLE "nexo_app" NOBYPASSRLS')


def test_embedded_server_migrate_then_check_passes(project: Path):
    """The README's two commands on the embedded server: ``nexo db:migrate && nexo db:version --check``."""
    try:
        first = run(["db:migrate"], project)
        assert first.returncode == 0, first.stderr
        check = run(["db:version", "--check"], project)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "Check passed" in check.stderr
    finally:
        assert run(["db:down"], project).returncode == 0
