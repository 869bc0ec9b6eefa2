"""The repo's own migrations are exactly what ``db:migrate:dev`` generates: the initial one from the CRM's
first ``schema.prisma`` (kept in the PSL corpus), the Citus-ready one from the current schema on top of it."""

from __future__ import annotations

import shutil
from pathlib import Path

from devproject import config, run, shadow_databases

from nexo import orchestrate

REPO = Path(__file__).resolve().parents[2]
INITIAL = "20260123175900_initial_multi_tenant_setup"
CITUS_READY = "20260123190000_composite_tenant_keys"
FIRST_SCHEMA = REPO / "tests" / "psl" / "corpus" / "valid" / "repo_schema.prisma"


def _project_without_migrations(project: Path) -> Path:
    """The project as it was before its first migration: no migrations, the first schema."""
    shutil.rmtree(project / "prisma_migrations")
    shutil.copy2(FIRST_SCHEMA, project / "schema.prisma")
    return project


def test_initial_migration_is_what_migrate_dev_generates(project: Path, db_url: str, pg_server_url: str):
    proj = _project_without_migrations(project)
    report = orchestrate.migrate_dev(config(proj, db_url), name="initial_multi_tenant_setup", create_only=True)
    created = report.dev.created
    assert created is not None and created.name.endswith("_initial_multi_tenant_setup")
    expected = (REPO / "prisma_migrations" / INITIAL / "migration.sql").read_bytes()
    assert created.script_path.read_bytes() == expected
    assert (proj / "prisma_migrations" / "migration_lock.toml").read_bytes() == (
        REPO / "prisma_migrations" / "migration_lock.toml"
    ).read_bytes()
    assert shadow_databases(pg_server_url) == []
    # then the current schema: the next migration is the repo's Citus-ready one, byte for byte
    shutil.copy2(REPO / "schema.prisma", proj / "schema.prisma")
    report = orchestrate.migrate_dev(config(proj, db_url), name="composite_tenant_keys", create_only=True)
    assert report.dev.created is not None and report.dev.created.name.endswith("_composite_tenant_keys")
    assert (
        report.dev.created.script_path.read_bytes()
        == (REPO / "prisma_migrations" / CITUS_READY / "migration.sql").read_bytes()
    )


def test_initial_migration_through_the_console_script(project: Path, db_url: str):
    proj = _project_without_migrations(project)
    r = run(["db:migrate:dev", "--name", "initial_multi_tenant_setup"], proj, {"DATABASE_URL": db_url})
    assert r.returncode == 0, r.stderr
    (folder,) = [p for p in (proj / "prisma_migrations").iterdir() if p.is_dir()]
    assert (folder / "migration.sql").read_bytes() == (
        REPO / "prisma_migrations" / INITIAL / "migration.sql"
    ).read_bytes()
    # applied, then the SQL layer on top of it
    assert "The following SQL-layer file(s) have been applied:" in r.stdout


def test_repo_history_matches_schema(project: Path, db_url: str):
    """With the repo's history in place, migrate dev finds nothing to add (history == schema.prisma)."""
    report = orchestrate.migrate_dev(config(project, db_url), name="should not exist")
    assert report.dev.created is None
    assert report.dev.pending_names == [INITIAL, CITUS_READY]
