"""``db:migrate:dev``, ``db:reset`` and ``db:push`` on the real cluster end with the layout ``db:migrate`` gives.

The repo's CRM is the hard case: its first migration creates tables Citus refuses (keys without
``account_id``), so they stay plain tables until the SQL layer has run, and only the last step (the configured
tables still local are laid out) distributes them. ``db:push`` on an empty database creates plain tables,
runs the SQL layer on them (the CRM's first SQL file has a ``(SELECT ...)`` policy that fails on a distributed
table) and then lays them out; on a database already laid out, a push that creates a table distributes it
before its foreign keys. ``--json`` carries ``citus_distributed`` as ``db:migrate --json`` does.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from .projects import READY_SCHEMA, write_project
from .test_crm import CRM_TABLES, TENANT_TABLES, assert_crm_on_citus, layout, seed
from .test_migrate_dev import TASK_MODEL

pytestmark = pytest.mark.citus
SKIP = {"db:migrate": [], **{c: ["--skip-generate"] for c in ("db:migrate:dev", "db:reset", "db:push")}}


def nexo(root: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "nexo.cli", *args, *SKIP[args[0]], "--database-url", url],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def prisma_ledger(url: str) -> list[tuple[str, str, int]]:
    with psycopg.connect(url) as c:
        return [
            (str(n), str(s), int(k))
            for n, s, k in c.execute(
                "SELECT migration_name, checksum, applied_steps_count FROM _prisma_migrations "
                "WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL AND logs IS NULL ORDER BY migration_name"
            )
        ]


def files_ledger(root: Path) -> list[tuple[str, str, int]]:
    """The rows Prisma writes for the folder: one per migration, the checksum of its file, 1 step."""
    return [
        (p.name, hashlib.sha256((p / "migration.sql").read_bytes()).hexdigest(), 1)
        for p in sorted((root / "prisma_migrations").iterdir())
        if p.is_dir()
    ]


def snapshot(url: str) -> tuple[object, ...]:
    """Everything a no-op run must leave as it was: the layout, both ledgers, the foreign keys."""
    with psycopg.connect(url) as c:
        sql = c.execute("SELECT * FROM migration_history ORDER BY 1").fetchall()
        prisma = (
            c.execute("SELECT * FROM _prisma_migrations ORDER BY migration_name").fetchall()
            if c.execute("SELECT to_regclass('_prisma_migrations')").fetchone() != (None,)
            else None  # db:push writes no Prisma ledger
        )
        fks = c.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' "
            "AND connamespace = 'public'::regnamespace ORDER BY 1"
        ).fetchall()
    return layout(url), sql, prisma, fks


def test_crm_migrate_dev_from_empty_ends_laid_out(citus_db: str, project: Path) -> None:
    assert layout(citus_db) == {}
    done = nexo(project, citus_db, "db:migrate:dev", "--json")
    report = json.loads(done.stdout)
    assert report["citus_distributed"] == CRM_TABLES
    assert report["applied_pending"] == [p[0] for p in files_ledger(project)]
    assert prisma_ledger(citus_db) == files_ledger(project)
    text = nexo(project, citus_db, "db:migrate:dev")  # a second run: in sync, nothing laid out, nothing changed
    before = snapshot(citus_db)
    again = nexo(project, citus_db, "db:migrate:dev", "--json")
    assert "Already in sync" in text.stdout and "Citus: distributed" not in text.stdout
    data = json.loads(again.stdout)
    assert (data["in_sync"], data["created"], data["applied_pending"], data["citus_distributed"]) == (
        True,
        None,
        [],
        [],
    )
    assert snapshot(citus_db) == before
    assert_crm_on_citus(project, citus_db, seed(citus_db))


def test_crm_reset_on_citus_ends_laid_out_with_prismas_ledger(citus_db: str, project: Path) -> None:
    nexo(project, citus_db, "db:migrate", "--json")
    seed(citus_db, accounts=1)
    done = nexo(project, citus_db, "db:reset", "--force", "--skip-seed")
    assert "Citus: distributed the local table(s)" in done.stdout
    with psycopg.connect(citus_db) as c:  # emptied, then re-created: no row of the seed left
        assert c.execute("SELECT count(*) FROM accounts").fetchone() == (0,)
    # a second reset, as JSON: the same layout again, the ledger rows Prisma's
    report = json.loads(nexo(project, citus_db, "db:reset", "--force", "--skip-seed", "--json").stdout)
    assert report["citus_distributed"] == CRM_TABLES
    assert report["prisma"]["applied"] == [p[0] for p in files_ledger(project)]
    assert prisma_ledger(citus_db) == files_ledger(project)
    assert_crm_on_citus(project, citus_db, seed(citus_db))


def test_push_lays_out_a_tenant_project_and_distributes_a_new_table(citus_db: str, tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    report = json.loads(nexo(root, citus_db, "db:push", "--json").stdout)
    assert report["citus_distributed"] == ["currencies", "accounts", "contacts", "notes"]
    got = layout(citus_db)
    coloc = got["accounts"][2]
    assert got == {
        "accounts": ("distributed", "id", coloc),
        "contacts": ("distributed", "account_id", coloc),
        "notes": ("distributed", "account_id", coloc),
        "currencies": ("reference", None, got["currencies"][2]),
    }
    with psycopg.connect(citus_db) as c:  # the foreign keys are back, the SQL layer's policy reached the table
        fks = {r[0] for r in c.execute("SELECT conname FROM pg_constraint WHERE contype = 'f'")}
        assert {"contacts_account_id_fkey", "notes_account_id_contact_id_fkey"} <= fks
        assert c.execute("SELECT count(*) FROM pg_policy WHERE polname = 'tenant_isolation'").fetchone() == (1,)

    before = snapshot(citus_db)
    again = nexo(root, citus_db, "db:push", "--json")
    data = json.loads(again.stdout)
    assert (data["changed"], data["citus_distributed"]) == (False, [])
    assert "already in sync" in nexo(root, citus_db, "db:push").stdout
    assert snapshot(citus_db) == before

    # a new tenant model: the push creates it distributed, co-located with the root, then its foreign key
    schema = READY_SCHEMA.replace(
        '  notes    Note[]\n\n  @@map("accounts")', '  notes    Note[]\n  tasks    Task[]\n\n  @@map("accounts")'
    )
    (root / "schema.prisma").write_text(schema + TASK_MODEL, encoding="utf-8")
    data = json.loads(nexo(root, citus_db, "db:push", "--json").stdout)
    assert data["changed"] and data["citus_distributed"] == []
    assert (
        "SELECT create_distributed_table('\"tasks\"', 'account_id', colocate_with => '\"accounts\"')"
        in (data["script"])
    )
    assert layout(citus_db)["tasks"] == ("distributed", "account_id", coloc)
    with psycopg.connect(citus_db) as c:
        assert c.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'tasks_account_id_fkey'").fetchone() == (
            1,
        )


def test_crm_push_on_an_empty_cluster_database_ends_laid_out(citus_db: str, project: Path) -> None:
    report = json.loads(nexo(project, citus_db, "db:push", "--json").stdout)
    assert report["citus_distributed"] == CRM_TABLES
    assert report["sql"]["applied"] and report["changed"]
    assert json.loads(nexo(project, citus_db, "db:push", "--json").stdout)["citus_distributed"] == []
    got = layout(citus_db)
    coloc = got["users"][2]
    assert got == {
        "accounts": ("reference", None, got["accounts"][2]),
        **{t: ("distributed", "account_id", coloc) for t in TENANT_TABLES},
    }
    version = subprocess.run(  # the migrations are not recorded (a push), so only the Citus part is checked
        [sys.executable, "-m", "nexo.cli", "db:version", "--json", "--database-url", citus_db],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert json.loads(version.stdout)["citus"]["findings"] == []


def test_push_of_a_layout_citus_refuses_keeps_the_tables_and_says_what_to_do(citus_db: str, tmp_path: Path) -> None:
    from .test_crm import REFUSED_SCHEMA

    root = write_project(tmp_path / "p", REFUSED_SCHEMA, "SELECT 1;\n")
    done = subprocess.run(
        [sys.executable, "-m", "nexo.cli", "db:push", "--skip-generate", "--json", "--database-url", citus_db],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    error = json.loads(done.stdout)["error"]
    assert error["code"] == "NEXO_CITUS_DISTRIBUTE"
    assert "create_distributed_table('\"contacts\"'" in error["message"]
    assert "the schema changes and the SQL layer stay applied" in error["message"]
    assert "nexo validate --citus" in error["message"] and "then nexo db:push again" in error["message"]
    assert layout(citus_db) == {}  # one transaction: accounts was not left distributed either
    with psycopg.connect(citus_db) as c:  # the pushed tables stay, with their foreign key
        assert c.execute(
            "SELECT count(*) FROM pg_constraint WHERE conname = 'contacts_account_id_fkey'"
        ).fetchone() == (1,)
