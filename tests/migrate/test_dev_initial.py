"""The repo's own initial migration is exactly what ``db:migrate:dev`` generates from ``schema.prisma``."""

from __future__ import annotations

import shutil
from pathlib import Path

from devproject import config, run, shadow_databases

from nexo import orchestrate

REPO = Path(__file__).resolve().parents[2]
INITIAL = "20260123175900_initial_multi_tenant_setup"


def _project_without_migrations(project: Path) -> Path:
    shutil.rmtree(project / "prisma_migrations")
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
    assert report.dev.pending_names == [INITIAL]
