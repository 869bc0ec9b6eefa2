"""``nexo db:migrate:dev`` on the real cluster: the shadow database (a temporary plain database on the
coordinator) replays the migration files, so the diff never sees Citus; the new migration file is a plain
Prisma migration, and applying it distributes the new tenant table co-located with the root (a deploy-time
step, like ``db:migrate``). Later dev migrations (add column, add index) reach every shard; the ledger rows
are Prisma's (the checksum of the file)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from .projects import READY_SCHEMA, write_project

pytestmark = pytest.mark.citus

TASK_MODEL = """
model Task {
  id        String  @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  accountId String  @map("account_id") @db.Uuid
  title     String
  account   Account @relation(fields: [accountId], references: [id], onDelete: Cascade, onUpdate: NoAction)

  @@id([accountId, id])
  @@map("tasks")
}
"""


def dev(root: Path, url: str, *name: str) -> subprocess.CompletedProcess[str]:
    args = ["--name", name[0]] if name else []
    done = subprocess.run(
        [sys.executable, "-m", "nexo.cli", "db:migrate:dev", *args, "--skip-generate", "--database-url", url],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def folder(root: Path, name: str) -> Path:
    (found,) = [p for p in (root / "prisma_migrations").iterdir() if p.name.endswith("_" + name)]
    return found


def layout(conn: psycopg.Connection) -> dict[str, tuple[str, int]]:
    return {
        str(t): (str(k), int(g))
        for t, k, g in conn.execute("SELECT table_name::text, citus_table_type, colocation_id FROM citus_tables")
    }


def ledger(conn: psycopg.Connection) -> list[tuple[str, str, int]]:
    return [
        (str(n), str(c), int(s))
        for n, c, s in conn.execute(
            "SELECT migration_name, checksum, applied_steps_count FROM _prisma_migrations "
            "WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name"
        )
    ]


def orphaned_shadows(conn: psycopg.Connection) -> list[str]:
    """The shadow databases on the server whose advisory lock nobody holds (their run is over). Read as names,
    locks, names again: a live run holds its lock from before it creates its shadow until after it drops it,
    so one there both times with no lock between is left over."""
    from nexo.migrate.shadow import SHADOW_LOCK_CLASS, shadow_lock_key

    def names() -> set[str]:
        return {str(n) for (n,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'nexo_shadow_%'")}

    before = names()
    held = {
        int(k)
        for (k,) in conn.execute(
            "SELECT objid::int8 FROM pg_locks WHERE locktype = 'advisory' AND classid::int8 = %s AND objsubid = 2",
            (SHADOW_LOCK_CLASS,),
        )
    }
    return sorted(n for n in before & names() if shadow_lock_key(n) not in held)


def expected_ledger(root: Path) -> list[tuple[str, str, int]]:
    return [
        (p.name, hashlib.sha256((p / "migration.sql").read_bytes()).hexdigest(), 1)
        for p in sorted((root / "prisma_migrations").iterdir())
        if p.is_dir()
    ]


def test_migrate_dev_adds_a_distributed_tenant_table(citus_db: str, tmp_path: Path) -> None:
    root = write_project(tmp_path)
    dev(root, citus_db, "init")
    with psycopg.connect(citus_db, autocommit=True) as c:
        first = layout(c)
        coloc = first["accounts"][1]
        assert first == {
            "accounts": ("distributed", coloc),
            "contacts": ("distributed", coloc),
            "notes": ("distributed", coloc),
            "currencies": ("reference", first["currencies"][1]),
        }
        assert ledger(c) == expected_ledger(root)

        # a new tenant model: the dev migration creates it, and applying it distributes it with the root
        schema = READY_SCHEMA.replace(
            '  notes    Note[]\n\n  @@map("accounts")', '  notes    Note[]\n  tasks    Task[]\n\n  @@map("accounts")'
        )
        (root / "schema.prisma").write_text(schema + TASK_MODEL, encoding="utf-8")
        dev(root, citus_db, "add_tasks")
        script = (folder(root, "add_tasks") / "migration.sql").read_text(encoding="utf-8")
        assert script.startswith('-- CreateTable\nCREATE TABLE "tasks" (')
        assert "citus" not in script.lower() and "distributed" not in script.lower()  # a plain Prisma migration
        assert 'FOREIGN KEY ("account_id") REFERENCES "accounts"("id")' in script
        assert layout(c)["tasks"] == ("distributed", coloc)
        assert ledger(c) == expected_ledger(root)
        assert c.execute(
            "SELECT count(*) FROM pg_constraint WHERE conname = 'tasks_account_id_fkey' AND contype = 'f'"
        ).fetchone() == (1,)
        # no shadow database is left behind on the coordinator: every one there belongs to a run still going
        # (other tests and worktrees share the cluster; a live run holds its shadow's lock until it is dropped)
        assert orphaned_shadows(c) == []

        # add a column and an index to the distributed table
        with_col = (
            schema
            + TASK_MODEL.replace("  title     String\n", "  title     String\n  done      Boolean @default(false)\n")
        ).replace(
            '  @@id([accountId, id])\n  @@map("tasks")',
            '  @@id([accountId, id])\n  @@index([accountId, title])\n  @@map("tasks")',
        )
        (root / "schema.prisma").write_text(with_col, encoding="utf-8")
        dev(root, citus_db, "done_flag")
        script = (folder(root, "done_flag") / "migration.sql").read_text(encoding="utf-8")
        assert 'ALTER TABLE "tasks" ADD COLUMN' in script and 'CREATE INDEX "tasks_account_id_title_idx"' in script
        assert "citus" not in script.lower()
        assert ledger(c) == expected_ledger(root)
        per_shard = c.execute(
            "SELECT result FROM run_command_on_shards('tasks', $$SELECT count(*) FROM pg_indexes "
            "WHERE tablename = '%s' AND indexdef LIKE '%%(account_id, title)%%'$$)"
        ).fetchall()
        assert len(per_shard) >= 2 and {r[0] for r in per_shard} == {"1"}  # the index on every shard
        columns = c.execute(
            "SELECT result FROM run_command_on_shards('tasks', $$SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = '%s' AND column_name = 'done'$$)"
        ).fetchall()
        assert {r[0] for r in columns} == {"1"}
        c.execute("INSERT INTO accounts (id, name) VALUES (gen_random_uuid(), 'a')")
        c.execute("INSERT INTO tasks (account_id, title) SELECT id, 't' FROM accounts")
        assert c.execute("SELECT count(*) FROM tasks WHERE NOT done").fetchone() == (1,)

        # in sync: a further dev run finds no change (the live cluster is not drift against the shadow replay)
        again = dev(root, citus_db)
        assert "Already in sync" in again.stdout, again.stdout
        assert len(ledger(c)) == 3
