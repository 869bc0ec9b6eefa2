"""A migration killed half-way (issue 11, section 4): really SIGKILLed, on the real database.

A Prisma migration that must run statement by statement leaves what committed; the next
``db:migrate`` recognises that its process is gone and says which statements ran and how to resolve
it. An SQL-layer file marked ``-- nexo:no-transaction`` continues after its last completed statement.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

NEXO = str(Path(sys.executable).parent / "nexo")


def run(args: list[str], cwd: Path, db_url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DATABASE_URL": db_url, "COLUMNS": "200"})
    return subprocess.run([NEXO, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def kill_while_sleeping(args: list[str], cwd: Path, db_url: str) -> None:
    """Start ``nexo args``, wait until its session runs pg_sleep, SIGKILL it, then wait until the server
    process that ran the statement is gone too."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DATABASE_URL"] = db_url
    proc = subprocess.Popen([NEXO, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sleeping = (
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE '%%pg_sleep(%%' "
        "AND pid <> pg_backend_pid()"
    )
    try:
        with psycopg.connect(db_url, autocommit=True) as c:
            for _ in range(600):
                row = c.execute(sleeping).fetchone()
                if row:
                    break
                assert proc.poll() is None, proc.communicate()
                time.sleep(0.1)
            else:
                pytest.fail("nexo never reached the sleeping statement")
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            for _ in range(600):  # the server notices the dead client (client_connection_check_interval)
                if c.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (row[0],)).fetchone() is None:
                    break
                time.sleep(0.1)
            else:
                pytest.fail("the server process of the killed migration never ended")
    finally:
        if proc.poll() is None:
            proc.kill()


def test_killed_statement_by_statement_prisma_migration(project: Path, db_url: str):
    assert run(["db:migrate"], project, db_url).returncode == 0
    m = project / "prisma_migrations" / "20260124000000_concurrent_index"
    m.mkdir()
    (m / "migration.sql").write_text(
        'CREATE TABLE "audit" ("id" INTEGER NOT NULL, "at" TIMESTAMP(3));\n'
        'CREATE INDEX CONCURRENTLY "audit_at_idx" ON "audit"("at");\n'
        "SELECT pg_sleep(60);\n"
        'CREATE INDEX CONCURRENTLY "audit_id_idx" ON "audit"("id");\n'
    )
    kill_while_sleeping(["db:migrate"], project, db_url)
    with psycopg.connect(db_url) as c:
        row = c.execute(
            "SELECT finished_at, logs FROM _prisma_migrations WHERE migration_name = '20260124000000_concurrent_index'"
        ).fetchone()
        assert c.execute("SELECT to_regclass('audit_at_idx')").fetchone()[0] is not None  # committed: stays
        assert c.execute("SELECT to_regclass('audit_id_idx')").fetchone()[0] is None
    assert row[0] is None and "2 of 4 statement(s) committed" in row[1]

    again = run(["db:migrate"], project, db_url)
    assert again.returncode == 1
    text = again.stderr
    assert "P3009" in text and "was interrupted" in text and "is gone" in text
    assert 'ran      line 1: CREATE TABLE "audit"' in text
    assert 'ran      line 2: CREATE INDEX CONCURRENTLY "audit_at_idx"' in text
    assert "not run  line 3: SELECT pg_sleep(60)" in text
    assert 'not run  line 4: CREATE INDEX CONCURRENTLY "audit_id_idx"' in text
    assert '`nexo db:migrate:resolve --applied "20260124000000_concurrent_index"`' in text
    as_json = run(["db:migrate", "--json"], project, db_url)
    error = json.loads(as_json.stdout)["error"]
    assert error["code"] == "P3009"
    assert 'nexo db:migrate:resolve --applied "20260124000000_concurrent_index"' in error["hints"]

    # the way out it names works: finish by hand, resolve, migrate
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute('CREATE INDEX CONCURRENTLY "audit_id_idx" ON "audit"("id")')
    resolved = run(["db:migrate:resolve", "--applied", "20260124000000_concurrent_index"], project, db_url)
    assert resolved.returncode == 0, resolved.stderr
    assert run(["db:migrate"], project, db_url).returncode == 0


def test_no_transaction_sql_file_continues_after_the_last_completed_statement(project: Path, db_url: str):
    assert run(["db:migrate"], project, db_url).returncode == 0
    f = project / "sql" / "20260301_1000_concurrent.sql"
    f.write_text(
        "-- nexo:no-transaction\n"
        "CREATE TABLE steps (n int);\n"
        "INSERT INTO steps VALUES (1);\n"
        "SELECT pg_sleep(60);\n"
        "INSERT INTO steps VALUES (2);\n"
    )
    kill_while_sleeping(["db:migrate"], project, db_url)
    with psycopg.connect(db_url) as c:
        assert [r[0] for r in c.execute("SELECT n FROM steps")] == [1]
        row = c.execute(
            "SELECT success, statements_done, backend_pid FROM migration_history WHERE script = %s ORDER BY id",
            (f.name,),
        ).fetchall()
    assert len(row) == 1 and row[0][0] is False and row[0][1] == 2 and row[0][2] is not None
    # the sleeping statement is replaced (statements before it unchanged): the run continues with it
    f.write_text(f.read_text().replace("SELECT pg_sleep(60);", "SELECT 1;"))
    again = run(["db:migrate"], project, db_url)
    assert again.returncode == 0, again.stderr
    with psycopg.connect(db_url) as c:
        assert sorted(r[0] for r in c.execute("SELECT n FROM steps")) == [1, 2]  # 1 not inserted twice
        last = c.execute(
            "SELECT success, statements_done, objects FROM migration_history WHERE script = %s ORDER BY id DESC LIMIT 1",
            (f.name,),
        ).fetchone()
    assert last[:2] == (True, 4)
    # what the killed attempt created is still recorded as the file's (not drift)
    assert ["table", "public", "", "steps"] in last[2]


def test_no_transaction_sql_file_with_changed_earlier_statements_starts_over(project: Path, db_url: str):
    assert run(["db:migrate"], project, db_url).returncode == 0
    f = project / "sql" / "20260301_1000_concurrent.sql"
    f.write_text("-- nexo:no-transaction\nCREATE TABLE steps (n int);\nINSERT INTO nope VALUES (1);\n")
    assert run(["db:migrate"], project, db_url).returncode == 1
    f.write_text("-- nexo:no-transaction\nCREATE TABLE IF NOT EXISTS steps (n int, m int);\nSELECT 1;\n")
    assert run(["db:migrate"], project, db_url).returncode == 0
    with psycopg.connect(db_url) as c:  # the changed first statement ran again (a no-op here: IF NOT EXISTS)
        assert c.execute("SELECT statements_done FROM migration_history ORDER BY id DESC LIMIT 1").fetchone() == (2,)
