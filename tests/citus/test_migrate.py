"""``nexo db:migrate`` on the real cluster: a Prisma migration that creates tables distributes them as
``[tool.nexo.citus]`` says (after CREATE TABLE/INDEX, before the foreign keys), the ledger rows stay Prisma's,
a later migration (add column, add table) works on distributed tables, and the isolation probe passes as a
non-owner application role."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from nexo.psl import validate_source
from nexo.schema import relational_model, render_create_script

from .projects import READY_SCHEMA, READY_SQL, write_project

pytestmark = pytest.mark.citus

A = "00000000-0000-0000-0000-0000000000a1"
B = "00000000-0000-0000-0000-0000000000b2"

NOTES_RLS = """
ALTER TABLE "notes" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notes" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notes"
    USING ("account_id" = current_tenant()) WITH CHECK ("account_id" = current_tenant());
"""

SECOND = """-- AlterTable
ALTER TABLE "contacts" ADD COLUMN "phone" TEXT;

-- CreateTable
CREATE TABLE "tasks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "account_id" UUID NOT NULL,
    "title" TEXT NOT NULL,

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("account_id","id")
);

-- CreateIndex
CREATE INDEX "tasks_account_id_idx" ON "tasks"("account_id");

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
"""

TASK_MODEL = """
model Task {
  id        String  @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  accountId String  @map("account_id") @db.Uuid
  title     String
  account   Account @relation(fields: [accountId], references: [id], onDelete: Cascade, onUpdate: NoAction)

  @@id([accountId, id])
  @@index([accountId])
  @@map("tasks")
}
"""


def migrate(root: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nexo.cli", "db:migrate", "--database-url", url],
        cwd=root,
        capture_output=True,
        text=True,
    )


def add_migration(root: Path, name: str, script: str) -> str:
    folder = root / "prisma_migrations" / name
    folder.mkdir(parents=True)
    (folder / "migration.sql").write_text(script, encoding="utf-8")
    (root / "prisma_migrations" / "migration_lock.toml").write_text('provider = "postgresql"\n')
    return hashlib.sha256(script.encode()).hexdigest()


def layout(conn: psycopg.Connection) -> dict[str, tuple[str, str | None, int]]:
    return {
        str(t): (k, c if c != "<none>" else None, int(g))
        for t, k, c, g in conn.execute(
            "SELECT table_name::text, citus_table_type, distribution_column, colocation_id FROM citus_tables"
        )
    }


def probe(url: str, role: str, tables: dict[str, int]) -> tuple[int, int, int]:
    """As ``role``: per tenant and table, rows seen (must equal the count), rows of another tenant (0), and a
    write into another tenant refused. Returns (leaks, wrong counts, accepted cross-tenant writes)."""
    leaks = wrong = accepted = 0
    app = url.replace("//postgres@", f"//{role}@", 1)
    with psycopg.connect(app) as conn:
        for tenant, other in ((A, B), (B, A)):
            for table, per_tenant in tables.items():
                with conn.transaction():
                    conn.execute("SET LOCAL citus.propagate_set_commands = 'local'")
                    conn.execute(f"SET LOCAL app.current_account_id = '{tenant}'")
                    seen, foreign = conn.execute(
                        f'SELECT count(*), count(*) FILTER (WHERE account_id <> %s) FROM "{table}"', (tenant,)
                    ).fetchone()  # type: ignore[misc]
                    leaks += foreign
                    wrong += int(seen != per_tenant)
                try:
                    with conn.transaction():
                        conn.execute("SET LOCAL citus.propagate_set_commands = 'local'")
                        conn.execute(f"SET LOCAL app.current_account_id = '{tenant}'")
                        conn.execute(f'UPDATE "{table}" SET account_id = account_id WHERE account_id = %s', (other,))
                        n = conn.execute(
                            f'DELETE FROM "{table}" WHERE account_id = %s RETURNING 1', (other,)
                        ).fetchall()
                        accepted += len(n)
                        raise _Rollback
                except _Rollback:
                    pass
    return leaks, wrong, accepted


class _Rollback(Exception):
    pass


def test_migrate_from_empty_then_forward(citus_db: str, tmp_path: Path) -> None:
    root = write_project(tmp_path, sql=READY_SQL + NOTES_RLS)
    script = render_create_script(relational_model(validate_source(READY_SCHEMA).raise_for_errors()))
    checksum = add_migration(root, "20260101000000_init", script)
    dry = subprocess.run(
        [sys.executable, "-m", "nexo.cli", "db:migrate:dry", "--json", "--database-url", citus_db],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert json.loads(dry.stdout)["citus_steps"] == {
        "20260101000000_init": [
            "SELECT create_reference_table('\"currencies\"')",
            "SELECT create_distributed_table('\"accounts\"', 'id')",
            "SELECT create_distributed_table('\"contacts\"', 'account_id', colocate_with => '\"accounts\"')",
            "SELECT create_distributed_table('\"notes\"', 'account_id', colocate_with => '\"accounts\"')",
        ]
    }
    done = migrate(root, citus_db)
    assert done.returncode == 0, done.stdout + done.stderr

    with psycopg.connect(citus_db, autocommit=True) as c:
        got = layout(c)
        coloc = got["accounts"][2]
        assert got["accounts"] == ("distributed", "id", coloc)
        assert got["contacts"] == ("distributed", "account_id", coloc)
        assert got["notes"] == ("distributed", "account_id", coloc)
        assert got["currencies"][:2] == ("reference", None)
        fks = {
            r[0]
            for r in c.execute(
                "SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text NOT LIKE '%\\_1%'"
            )
        }
        assert {"contacts_account_id_fkey", "contacts_currency_code_fkey", "notes_account_id_contact_id_fkey"} <= fks
        rows = c.execute(
            "SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at, logs, applied_steps_count "
            "FROM _prisma_migrations"
        ).fetchall()
        assert rows == [("20260101000000_init", checksum, True, None, None, 1)]
        # the ledger tables stay local (on the coordinator)
        assert "_prisma_migrations" not in got and "migration_history" not in got

        role = f"nexo_citus_app_{uuid.uuid4().hex[:8]}"
        c.execute(f'CREATE ROLE "{role}" LOGIN')
        try:
            c.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
            c.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"')
            c.execute("INSERT INTO currencies VALUES ('EUR', 'Euro')")
            for acc, n in ((A, 3), (B, 3)):
                c.execute("INSERT INTO accounts (id, name) VALUES (%s, 'x')", (acc,))
                for i in range(n):
                    cid = c.execute(
                        "INSERT INTO contacts (account_id, email, currency_code) VALUES (%s, %s, 'EUR') RETURNING id",
                        (acc, f"{i}@x.io"),
                    ).fetchone()[0]  # type: ignore[index]
                    c.execute("INSERT INTO notes (account_id, contact_id, body) VALUES (%s, %s, 'n')", (acc, cid))
            assert probe(citus_db, role, {"contacts": 3, "notes": 3}) == (0, 0, 0)

            # forward: add a column and a tenant table
            (root / "schema.prisma").write_text(
                READY_SCHEMA.replace(
                    '  notes    Note[]\n\n  @@map("accounts")',
                    '  notes    Note[]\n  tasks    Task[]\n\n  @@map("accounts")',
                )
                + TASK_MODEL
            )
            add_migration(root, "20260102000000_tasks", SECOND)
            done = migrate(root, citus_db)
            assert done.returncode == 0, done.stdout + done.stderr
            got = layout(c)
            assert got["tasks"] == ("distributed", "account_id", coloc)
            assert c.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'contacts' AND column_name = 'phone'"
            ).fetchone() == (1,)
            assert [r[0] for r in c.execute("SELECT migration_name FROM _prisma_migrations ORDER BY started_at")] == [
                "20260101000000_init",
                "20260102000000_tasks",
            ]
        finally:
            c.execute(f'DROP OWNED BY "{role}"')
            c.execute(f'DROP ROLE "{role}"')


def test_single_server_migration_is_unchanged(fresh_db: str, tmp_path: Path) -> None:
    """The same project on a plain PostgreSQL: no Citus step, same ledger row."""
    root = write_project(tmp_path, sql=READY_SQL)
    script = render_create_script(relational_model(validate_source(READY_SCHEMA).raise_for_errors()))
    checksum = add_migration(root, "20260101000000_init", script)
    done = migrate(root, fresh_db)
    assert done.returncode == 0, done.stdout + done.stderr
    with psycopg.connect(fresh_db) as c:
        assert c.execute("SELECT migration_name, checksum FROM _prisma_migrations").fetchall() == [
            ("20260101000000_init", checksum)
        ]
