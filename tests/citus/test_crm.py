"""The repo's own CRM on the real cluster: migrated from empty, and an existing single-server database
(migrated to the CRM's first state, with data) taken forward and then made a Citus coordinator.

Either way ``nexo db:migrate`` ends with accounts a reference table and every tenant table distributed by
account_id (co-located), the rows kept, the ledgers untouched by the distribution, a second run a no-op,
``db:version`` showing 0 readiness findings, and RLS as the application role showing each tenant its rows.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from .conftest import _cluster

pytestmark = pytest.mark.citus

REPO = Path(__file__).resolve().parents[2]
TENANT_TABLES = ["users", "roles", "user_roles", "clients", "suppliers", "employees", "professionals"]
CRM_TABLES = ["accounts", *TENANT_TABLES]
FIRST_MIGRATION = "20260123175900_initial_multi_tenant_setup"
FIRST_SQL = "20260123_1800_initial_rls_setup"


def nexo(root: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nexo.cli", *args, "--database-url", url], cwd=root, capture_output=True, text=True
    )


def old_project(project: Path, dest: Path) -> Path:
    """The CRM as it was before it became Citus-ready: first migration, first SQL file, old schema."""
    dest.mkdir()
    shutil.copy2(project / "pyproject.toml", dest / "pyproject.toml")
    shutil.copy2(REPO / "tests" / "psl" / "corpus" / "valid" / "repo_schema.prisma", dest / "schema.prisma")
    (dest / "prisma_migrations").mkdir()
    shutil.copy2(project / "prisma_migrations" / "migration_lock.toml", dest / "prisma_migrations")
    shutil.copytree(project / "prisma_migrations" / FIRST_MIGRATION, dest / "prisma_migrations" / FIRST_MIGRATION)
    (dest / "sql").mkdir()
    for f in (project / "sql").glob(f"{FIRST_SQL}*"):
        shutil.copy2(f, dest / "sql" / f.name)
    return dest


def seed(url: str, accounts: int = 3, per: int = 4) -> dict[str, dict[str, int]]:
    """Rows in every CRM table for ``accounts`` tenants (employees linked to users); returns the rows per
    tenant and table."""
    out: dict[str, dict[str, int]] = {}
    with psycopg.connect(url, autocommit=True) as c:
        for k in range(accounts):
            a = str(
                c.execute(
                    "INSERT INTO accounts (name, slug) VALUES (%s, %s) RETURNING id", (f"A{k}", f"a{k}")
                ).fetchone()[0]
            )  # type: ignore[index]
            for i in range(per + k):
                u = c.execute(
                    "INSERT INTO users (account_id, email) VALUES (%s, %s) RETURNING id", (a, f"u{i}@x.io")
                ).fetchone()[0]  # type: ignore[index]
                r = c.execute(
                    "INSERT INTO roles (account_id, name) VALUES (%s, %s) RETURNING id", (a, f"r{i}")
                ).fetchone()[0]  # type: ignore[index]
                c.execute("INSERT INTO user_roles (user_id, role_id, account_id) VALUES (%s, %s, %s)", (u, r, a))
                c.execute("INSERT INTO clients (account_id, name, email) VALUES (%s, 'c', %s)", (a, f"c{i}@x.io"))
                c.execute("INSERT INTO suppliers (account_id, name, tax_id) VALUES (%s, 's', %s)", (a, f"t{i}"))
                c.execute(
                    "INSERT INTO employees (account_id, user_id, first_name, last_name, email) "
                    "VALUES (%s, %s, 'f', 'l', %s)",
                    (a, u, f"e{i}@x.io"),
                )
                c.execute("INSERT INTO professionals (account_id, name) VALUES (%s, 'p')", (a,))
            out[a] = {t: per + k for t in TENANT_TABLES}
    return out


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as c:
        return {t: int(c.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in CRM_TABLES}  # type: ignore[index]


def ledgers(url: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as c:
        prisma = c.execute(
            "SELECT id, migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY 2"
        ).fetchall()
        sql = c.execute("SELECT * FROM migration_history ORDER BY 1").fetchall()
    return [*prisma, *sql]


def layout(url: str) -> dict[str, tuple[str, str | None, int]]:
    with psycopg.connect(url) as c:
        return {
            str(t): (str(k), None if col == "<none>" else str(col), int(g))
            for t, k, col, g in c.execute(
                "SELECT table_name::text, citus_table_type, distribution_column, colocation_id FROM citus_tables"
            )
        }


def assert_crm_on_citus(root: Path, url: str, expected: dict[str, dict[str, int]]) -> None:
    got = layout(url)
    assert got["accounts"][:2] == ("reference", None)
    coloc = got["users"][2]
    assert {t: got[t] for t in TENANT_TABLES} == {t: ("distributed", "account_id", coloc) for t in TENANT_TABLES}
    version = nexo(root, url, "db:version", "--json")
    data = json.loads(version.stdout)
    assert data["citus"]["findings"] == [] and data["citus"]["configured"] is True
    kinds = {t["table"]: t["kind"] for t in data["citus"]["tables"]}
    assert {t: kinds[t] for t in CRM_TABLES} == {"accounts": "reference", **{t: "distributed" for t in TENANT_TABLES}}
    check = nexo(root, url, "db:version", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    # RLS as the application role: each tenant sees exactly its rows, and its own account only
    parts = urlsplit(url)
    app = urlunsplit(parts._replace(netloc=f"nexo_app@{parts.hostname}:{parts.port}"))
    with psycopg.connect(app) as c:
        for tenant, rows in expected.items():
            with c.transaction():
                c.execute("SET LOCAL citus.propagate_set_commands = 'local'")
                c.execute(f"SET LOCAL app.current_account_id = '{tenant}'")
                seen = {t: int(c.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in TENANT_TABLES}  # type: ignore[index]
                foreign = sum(
                    int(c.execute(f'SELECT count(*) FROM "{t}" WHERE account_id <> %s', (tenant,)).fetchone()[0])  # type: ignore[index]
                    for t in TENANT_TABLES
                )
                accounts = c.execute("SELECT id::text FROM accounts").fetchall()
            assert (seen, foreign, accounts) == (rows, 0, [(tenant,)])


def test_crm_from_empty_on_the_cluster(citus_db: str, project: Path) -> None:
    dry = nexo(project, citus_db, "db:migrate:dry", "--json")
    assert dry.returncode == 0, dry.stderr
    plan = json.loads(dry.stdout)
    # the first migration creates tables Citus refuses (keys without account_id): nothing distributed there
    assert plan["citus_steps"] == {}
    assert [s for s in plan["citus_distribute"] if s.startswith("SELECT create_")] == [
        "SELECT create_reference_table('\"accounts\"')",
        "SELECT create_distributed_table('\"users\"', 'account_id')",
        *[
            f"SELECT create_distributed_table('\"{t}\"', 'account_id', colocate_with => '\"users\"')"
            for t in TENANT_TABLES[1:]
        ],
    ]
    done = nexo(project, citus_db, "db:migrate", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["citus_distributed"] == CRM_TABLES
    before = ledgers(citus_db)
    again = nexo(project, citus_db, "db:migrate", "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["citus_distributed"] == []
    assert ledgers(citus_db) == before
    expected = seed(citus_db)
    assert_crm_on_citus(project, citus_db, expected)


@pytest.fixture
def plain_db(citus_db: str) -> Iterator[tuple[str, list[int]]]:
    """A database on every node with Citus on the workers only: on the coordinator it is a plain
    PostgreSQL database (no extension) until the test makes it a Citus coordinator. Yields its URL and the
    workers' ports (read from ``citus_db``, a database of the same cluster)."""
    with psycopg.connect(citus_db) as c:
        ports = [int(p) for (p,) in c.execute("SELECT nodeport FROM pg_dist_node WHERE groupid <> 0 ORDER BY 1")]
    parts = urlsplit(citus_db)
    name = f"nexo_c_{uuid.uuid4().hex[:10]}"
    for port in [parts.port, *ports]:
        admin = urlunsplit(parts._replace(netloc=f"postgres@{parts.hostname}:{port}", path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        if port != parts.port:
            with psycopg.connect(urlunsplit(urlsplit(admin)._replace(path=f"/{name}")), autocommit=True) as c:
                c.execute("CREATE EXTENSION citus")
    try:
        yield urlunsplit(parts._replace(path=f"/{name}")), ports
    finally:
        _cluster("dropdb", name)


def test_existing_single_server_database_goes_to_citus_with_its_data(
    plain_db: tuple[str, list[int]], project: Path, tmp_path: Path
) -> None:
    url, ports = plain_db
    old = old_project(project, tmp_path / "old")
    done = nexo(old, url, "db:migrate")
    assert done.returncode == 0, done.stdout + done.stderr
    expected = seed(url)
    with psycopg.connect(url, autocommit=True) as c:  # a user without an employee, one employee without a user
        a = next(iter(expected))
        c.execute("UPDATE employees SET user_id = NULL WHERE account_id = %s AND email = 'e0@x.io'", (a,))
    before = counts(url)
    # forward on the single server: the composite keys and the SQL layer's second file, rows kept
    done = nexo(project, url, "db:migrate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert counts(url) == before
    assert nexo(project, url, "db:version", "--check").returncode == 0

    # the server becomes a Citus coordinator
    host = urlsplit(url).hostname
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE EXTENSION citus")
        c.execute("SELECT citus_set_coordinator_host(%s, %s)", (host, urlsplit(url).port))
        for port in ports:
            c.execute("SELECT citus_add_node(%s, %s)", (host, port))
    assert layout(url) == {}  # nothing distributed yet
    ledger_before = ledgers(url)

    dry = json.loads(nexo(project, url, "db:migrate:dry", "--json").stdout)
    steps = dry["citus_distribute"]
    assert steps[0] == "SET LOCAL citus.multi_shard_modify_mode TO 'sequential'"
    assert "SET LOCAL citus.enable_unsafe_triggers = on" in steps
    drops = [s for s in steps if " DROP CONSTRAINT " in s]
    adds = [s for s in steps if " ADD CONSTRAINT " in s]
    assert len(drops) == len(adds) == 10  # every foreign key of the CRM
    creates = [i for i, s in enumerate(steps) if s.startswith("SELECT create_")]
    assert max(steps.index(d) for d in drops) < min(creates) and max(creates) < min(steps.index(a) for a in adds)
    assert nexo(project, url, "db:migrate:dry").stdout.count("create_distributed_table") == 7

    done = nexo(project, url, "db:migrate", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["citus_distributed"] == CRM_TABLES
    assert counts(url) == before
    assert ledgers(url) == ledger_before
    again = nexo(project, url, "db:migrate", "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["citus_distributed"] == []
    assert json.loads(nexo(project, url, "db:migrate:dry", "--json").stdout)["citus_distribute"] == []
    with psycopg.connect(url) as c:  # the foreign keys are back, with their names
        fks = {
            r[0]
            for r in c.execute(
                "SELECT conname FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace "
                "AND conrelid::regclass::text IN ('users', 'roles', 'user_roles', 'clients', 'suppliers', "
                "'employees', 'professionals')"
            )
        }
    assert len(fks) == 10 and "employees_account_id_user_id_fkey" in fks
    assert_crm_on_citus(project, url, expected)

    # deleting a user (as the tenant) unlinks its employee on the cluster too (the SQL layer's trigger)
    parts = urlsplit(url)
    app = urlunsplit(parts._replace(netloc=f"nexo_app@{parts.hostname}:{parts.port}"))
    with psycopg.connect(app) as c, c.transaction():
        c.execute("SET LOCAL citus.propagate_set_commands = 'local'")
        c.execute(f"SET LOCAL app.current_account_id = '{a}'")
        user = c.execute(
            "SELECT user_id FROM employees WHERE account_id = %s AND user_id IS NOT NULL LIMIT 1", (a,)
        ).fetchone()[0]  # type: ignore[index]
        c.execute("DELETE FROM users WHERE account_id = %s AND id = %s", (a, user))
        assert c.execute(
            "SELECT count(*) FROM employees WHERE account_id = %s AND user_id = %s", (a, user)
        ).fetchone() == (0,)
        assert c.execute("SELECT count(*) FROM employees WHERE account_id = %s", (a,)).fetchone() == (
            expected[a]["employees"],
        )


REFUSED_SCHEMA = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Account {
  id       String    @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  contacts Contact[]

  @@map("accounts")
}

model Contact {
  id        String  @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  accountId String  @map("account_id") @db.Uuid
  account   Account @relation(fields: [accountId], references: [id], onDelete: Cascade, onUpdate: NoAction)

  @@map("contacts")
}
"""


def test_a_layout_citus_refuses_fails_naming_the_statement_and_distributes_nothing(
    citus_db: str, tmp_path: Path
) -> None:
    from nexo.psl import validate_source
    from nexo.schema import relational_model, render_create_script

    from .projects import write_project

    root = write_project(tmp_path, REFUSED_SCHEMA, "SELECT 1;\n")
    folder = root / "prisma_migrations" / "20260101000000_init"
    folder.mkdir(parents=True)
    (folder / "migration.sql").write_text(
        render_create_script(relational_model(validate_source(REFUSED_SCHEMA).raise_for_errors()))
    )
    (root / "prisma_migrations" / "migration_lock.toml").write_text('provider = "postgresql"\n')
    plan = json.loads(nexo(root, citus_db, "db:migrate:dry", "--json").stdout)
    assert plan["citus_steps"] == {}  # contacts' key lacks account_id: the migration runs unchanged
    assert (
        "SELECT create_distributed_table('\"contacts\"', 'account_id', colocate_with => '\"accounts\"')"
        in (plan["citus_distribute"])
    )
    done = nexo(root, citus_db, "db:migrate", "--json")
    assert done.returncode == 1
    error = json.loads(done.stdout)["error"]
    assert error["code"] == "NEXO_CITUS_DISTRIBUTE"
    assert "create_distributed_table('\"contacts\"'" in error["message"]
    assert "nexo validate --citus" in error["message"]
    assert layout(citus_db) == {}  # one transaction: accounts was not left distributed either
    with psycopg.connect(citus_db) as c:
        assert c.execute("SELECT migration_name FROM _prisma_migrations").fetchall() == [("20260101000000_init",)]
        fks = c.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'contacts_account_id_fkey'").fetchone()
        assert fks == (1,)  # the dropped foreign key is back
