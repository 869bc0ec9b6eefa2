"""The isolation probe (tests/citus/probe.py) over a Citus-ready project, through its generated client, as the
application role under forced RLS: 100 interleaved tasks, every tenant table and client operation; 0 leaks, 0
wrong or empty results, 0 cross-tenant writes, every tenant statement single-shard."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest

from nexo.citus import readiness
from nexo.config import load_config
from nexo.psl import validate_source
from nexo.schema import relational_model, render_create_script

from .probe import drop_role, prepare, run_probe
from .projects import READY_SCHEMA, READY_SQL, write_project
from .test_migrate import add_migration

pytestmark = pytest.mark.citus

REPO = Path(__file__).resolve().parent.parent.parent

#: every tenant table of the small project under forced RLS (the root: a tenant sees its own account)
PROBE_SQL = (
    READY_SQL
    + """
ALTER TABLE "notes" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notes" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notes"
    USING ("account_id" = current_tenant()) WITH CHECK ("account_id" = current_tenant());

ALTER TABLE "accounts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "accounts" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "accounts" USING ("id" = current_tenant()) WITH CHECK ("id" = current_tenant());
"""
)


async def test_probe_over_the_small_project(citus_db: str, tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", sql=PROBE_SQL)
    add_migration(
        root,
        "20260101000000_init",
        render_create_script(relational_model(validate_source(READY_SCHEMA).raise_for_errors())),
    )
    project = prepare(root, citus_db, tenants=40, module_name=f"probe_small_{uuid.uuid4().hex[:6]}")
    try:
        report = await run_probe(project, tasks=100, rounds=2)
    finally:
        drop_role(project)
    print("\n" + report.summary())
    assert report.tables == ["contacts", "notes"]
    assert report.tasks == 100 and report.sessions == 200
    assert report.errors == []
    assert report.leaks == 0
    assert report.wrong == []
    assert report.cross_writes == 0
    assert report.multi_shard == []
    assert report.statements > 200 * 20 and report.single_shard == report.statements
    wanted = {
        "create",
        "create_many",
        "find_unique",
        "find_first",
        "find_many",
        "count",
        "group_by",
        "update",
        "update_many",
        "upsert",
        "delete",
        "delete_many",
        "find_many_include",
    }
    assert wanted <= set(report.operations)


async def test_probe_sees_leaks_and_fan_out_when_isolation_is_off(citus_db: str, tmp_path: Path) -> None:
    """Negative control: as the admin (RLS bypassed) with the client's tenant filter off, the same probe reports
    rows of other tenants, wrong results and multi-shard statements (so its zeros above mean something)."""
    root = write_project(tmp_path / "project", sql=PROBE_SQL)
    add_migration(
        root,
        "20260101000000_init",
        render_create_script(relational_model(validate_source(READY_SCHEMA).raise_for_errors())),
    )
    project = prepare(root, citus_db, tenants=4, module_name=f"probe_neg_{uuid.uuid4().hex[:6]}")

    def no_filter(client: Any) -> None:
        client._citus, client._routing = True, {}

    try:
        report = await run_probe(project, tasks=4, rounds=1, url=project.admin_url, before=no_filter)
    finally:
        drop_role(project)
    print("\n" + report.summary())
    assert report.leaks > 0 and report.wrong and report.multi_shard


def copy_repo_project(dest: Path) -> Path:
    """The repo's own CRM project (pyproject.toml, schema.prisma, migrations, SQL layer) in ``dest``."""
    dest.mkdir(parents=True)
    for name in ("pyproject.toml", "schema.prisma"):
        shutil.copy(REPO / name, dest / name)
    for name in ("prisma_migrations", "sql"):
        shutil.copytree(REPO / name, dest / name)
    return dest


async def test_probe_over_the_repo_crm(citus_db: str, tmp_path: Path) -> None:
    """The same probe over the repo's CRM: every CRM tenant table, distributed by db:migrate from its own
    migrations and SQL layer."""
    root = copy_repo_project(tmp_path / "crm")
    assert readiness(load_config(root)) == []
    project = prepare(root, citus_db, tenants=40, module_name=f"probe_crm_{uuid.uuid4().hex[:6]}")
    try:
        report = await run_probe(project, tasks=100, rounds=1)
    finally:
        drop_role(project)
    print("\n" + report.summary())
    assert set(report.tables) == {"users", "roles", "user_roles", "clients", "suppliers", "employees", "professionals"}
    assert report.tasks == 100 and report.sessions == 100
    assert report.errors == []
    assert report.leaks == 0
    assert report.wrong == []
    assert report.cross_writes == 0
    assert report.multi_shard == []
    assert report.statements > 100 * 50 and report.single_shard == report.statements
