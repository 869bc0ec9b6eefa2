"""The repo's own migrations against the real Prisma CLI 6.19: the Citus-ready migration
(``20260123190000_composite_tenant_keys``, written by ``db:migrate:dev --create-only``: Prisma's warnings
comment, then the script) is exactly what ``prisma migrate diff --from-migrations <the migrations before it>
--to-schema-datamodel schema.prisma --script`` prints after that comment, nexo's own ``db:migrate:diff``
prints the same, and after all migrations both see no difference left."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from diffcases import patched_adapter_folder
from oracle import OracleResult, PrismaOracle
from psycopg import sql

from nexo.db.urls import with_database

REPO = Path(__file__).resolve().parents[2]
MIGRATIONS = REPO / "prisma_migrations"
CITUS_READY = "20260123190000_composite_tenant_keys"
EMPTY = "-- This is an empty migration.\n"


def _folder_until(dest: Path, last_excluded: str | None) -> Path:
    """A copy of the repo's migrations folder holding the migrations before ``last_excluded`` (all: None)."""
    dest.mkdir(parents=True)
    shutil.copy2(MIGRATIONS / "migration_lock.toml", dest)
    for m in sorted(p for p in MIGRATIONS.iterdir() if p.is_dir()):
        if last_excluded is not None and m.name >= last_excluded:
            break
        shutil.copytree(m, dest / m.name)
    return dest


def _prisma_diff(shim: Path, admin_url: str, migrations: Path) -> OracleResult:
    db = f"nexo_live_{uuid.uuid4().hex[:12]}"  # Prisma's shadow database (the adapter's URL)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(db)))
    try:
        oracle = PrismaOracle(with_database(admin_url, db), cache_dir=shim)
        oracle._installed = True  # the patched copy is complete
        return oracle.run(
            "migrate", "diff", "--from-migrations", str(migrations),
            "--to-schema-datamodel", str(REPO / "schema.prisma"), "--script",
        )  # fmt: skip
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))


def _nexo_diff(migrations: Path, url: str) -> str:
    done = subprocess.run(
        [
            sys.executable, "-m", "nexo.cli", "db:migrate:diff", "--from-migrations", str(migrations),
            "--to-schema-datamodel", str(REPO / "schema.prisma"), "--script", "--database-url", url,
        ],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def shim(prisma_oracle: PrismaOracle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return patched_adapter_folder(prisma_oracle.cache_dir, tmp_path_factory.mktemp("repo-cli") / "cli")


def test_the_citus_ready_migration_is_prismas_diff(
    shim: Path, pg_server_url: str, fresh_db: str, tmp_path: Path
) -> None:
    before = _folder_until(tmp_path / "before", CITUS_READY)
    text = (MIGRATIONS / CITUS_READY / "migration.sql").read_text(encoding="utf-8")
    assert text.startswith("/*\n  Warnings:\n\n  - The primary key for the `clients` table will be changed.")
    script = text.split("*/\n", 1)[1]
    prisma = _prisma_diff(shim, pg_server_url, before)
    assert prisma.returncode == 0, prisma.stderr
    assert prisma.stdout == script + "\n"  # the CLI prints a blank line after the script
    assert _nexo_diff(before, fresh_db) == script + "\n"


def test_after_all_migrations_nothing_is_left(shim: Path, pg_server_url: str, fresh_db: str, tmp_path: Path) -> None:
    every = _folder_until(tmp_path / "all", None)
    prisma = _prisma_diff(shim, pg_server_url, every)
    assert prisma.returncode == 0, prisma.stderr
    assert prisma.stdout.strip() == EMPTY.strip()
    assert _nexo_diff(every, fresh_db).strip() == EMPTY.strip()
