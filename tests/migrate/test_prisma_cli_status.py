"""The real ``prisma migrate status`` (6.19, offline through the driver-adapter path) on databases that
nexo migrated: its verdict and text must be what :func:`nexo.migrate.render_status` says.

Skipped, with the reason, only where Node.js is missing (see tests/oracle_fixtures.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from status_cases import CASES, build

from nexo.migrate import render_status, status

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from oracle import PrismaOracle
from oracle_fixtures import prisma_oracle  # noqa: F401

SCHEMA = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'


def _cli_text(stdout: str, stderr: str) -> str:
    """The CLI's status report without its preamble (schema/config/adapter notices)."""
    for marker in (" found in prisma/migrations\n", "No migration found in prisma/migrations\n"):
        i = stdout.find(marker)
        if i >= 0:
            start = stdout.rfind("\n", 0, i) + 1
            body = stdout[start:]
            break
    else:
        pytest.fail(f"unexpected prisma output:\n{stdout}\n{stderr}")
    skip = "Prisma config detected, skipping environment variable loading.\n"
    err = stderr[stderr.index(skip) + len(skip) :] if skip in stderr else stderr
    err = "".join(line for line in err.splitlines(keepends=True) if not line.startswith("npm warn"))
    return body + err


@pytest.mark.parametrize("case", sorted(CASES))
def test_prisma_status_agrees_with_nexo(case, conn, db_url, tmp_path, prisma_oracle):  # noqa: F811
    d = build(case, conn, tmp_path)
    schema = d.parent / "schema.prisma"
    schema.write_text(SCHEMA)
    ours = status(conn, d)
    cli = PrismaOracle(db_url, cache_dir=prisma_oracle.cache_dir).run("migrate", "status", "--schema", str(schema))
    assert cli.returncode == ours.exit_code, cli.output
    assert _cli_text(cli.stdout, cli.stderr) == render_status(ours)


def test_prisma_resolve_applied_rows_are_read_by_nexo(conn, db_url, tmp_path, prisma_oracle):  # noqa: F811
    """The other way round: rows Prisma's own ``migrate resolve --applied`` writes are what nexo writes,
    and nexo's deploy and status carry on from them."""
    import hashlib

    from migrate_helpers import rows
    from status_cases import BAD, N1, N2, N3, A, C, _write

    from nexo.migrate import MigrationFailed, deploy

    d = tmp_path / "prisma" / "migrations"
    _write(d, {N1: A, N2: BAD, N3: C})
    (d.parent / "schema.prisma").write_text(SCHEMA)
    with pytest.raises(MigrationFailed):
        deploy(conn, d)
    failed_id = rows(conn)[1]["id"]
    cli = PrismaOracle(db_url, cache_dir=prisma_oracle.cache_dir).run(
        "migrate", "resolve", "--applied", N2, "--schema", str(d.parent / "schema.prisma")
    )
    assert cli.returncode == 0, cli.output
    assert f"Migration {N2} marked as applied." in cli.stdout
    by_id = {r["id"]: r for r in rows(conn)}
    assert by_id[failed_id]["rolled_back_at"] is not None
    (new,) = [r for r in by_id.values() if r["migration_name"] == N2 and r["id"] != failed_id]
    assert new["logs"] == "" and new["applied_steps_count"] == 0 and new["rolled_back_at"] is None
    assert new["started_at"] == new["finished_at"]
    assert new["checksum"] == hashlib.sha256(BAD.encode()).hexdigest()
    assert deploy(conn, d).applied_names == [N3]
    st = status(conn, d)
    assert st.up_to_date and st.failed == [] and st.deploy_pending == []
    cli = PrismaOracle(db_url, cache_dir=prisma_oracle.cache_dir).run(
        "migrate", "status", "--schema", str(d.parent / "schema.prisma")
    )
    assert cli.returncode == 0 and "Database schema is up to date!" in cli.stdout


def test_repo_migrations_deployed_by_nexo_are_up_to_date_for_prisma(conn, db_url, tmp_path, project, prisma_oracle):  # noqa: F811
    import shutil

    from nexo.migrate import deploy

    d = tmp_path / "prisma" / "migrations"
    shutil.copytree(project / "prisma_migrations", d)
    (d.parent / "schema.prisma").write_text(SCHEMA)
    assert deploy(conn, d).applied
    cli = PrismaOracle(db_url, cache_dir=prisma_oracle.cache_dir).run(
        "migrate", "status", "--schema", str(d.parent / "schema.prisma")
    )
    assert cli.returncode == 0, cli.output
    assert _cli_text(cli.stdout, cli.stderr) == render_status(status(conn, d))
    assert "Database schema is up to date!" in cli.stdout
