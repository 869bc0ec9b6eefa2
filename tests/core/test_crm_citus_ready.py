"""The CRM's Citus-ready state on a single server (no Citus): the composite-key migration on a populated
database keeps every row, ``db:version --check`` passes, the policies use an inlined ``current_tenant()``
and the index, deleting a user unlinks its employee as ``onDelete: SetNull`` did, and the SQL file rolls back.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from nexo.config import load_config
from nexo.orchestrate import migrate, rollback

REPO = Path(__file__).resolve().parents[2]
TABLES = ["accounts", "users", "roles", "user_roles", "clients", "suppliers", "employees", "professionals"]
NEW_MIGRATION = "20260123190000_composite_tenant_keys"
NEW_SQL = "20260123_1900_citus_ready"


def counts(conn: psycopg.Connection) -> dict[str, int]:
    return {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in TABLES}  # type: ignore[index]


def seed(conn: psycopg.Connection, accounts: int = 3) -> list[uuid.UUID]:
    out = []
    for k in range(accounts):
        a = conn.execute(
            "INSERT INTO accounts (name, slug) VALUES (%s, %s) RETURNING id", (f"A{k}", f"a{k}")
        ).fetchone()[0]  # type: ignore[index]
        for i in range(3 + k):
            u = conn.execute(
                "INSERT INTO users (account_id, email) VALUES (%s, %s) RETURNING id", (a, f"u{i}@x.io")
            ).fetchone()[0]  # type: ignore[index]
            r = conn.execute(
                "INSERT INTO roles (account_id, name) VALUES (%s, %s) RETURNING id", (a, f"r{i}")
            ).fetchone()[0]  # type: ignore[index]
            conn.execute("INSERT INTO user_roles (user_id, role_id, account_id) VALUES (%s, %s, %s)", (u, r, a))
            conn.execute("INSERT INTO clients (account_id, name) VALUES (%s, 'c')", (a,))
            conn.execute("INSERT INTO suppliers (account_id, name) VALUES (%s, 's')", (a,))
            conn.execute(
                "INSERT INTO employees (account_id, user_id, first_name, last_name, email) VALUES (%s, %s, 'f', 'l', %s)",
                (a, u, f"e{i}@x.io"),
            )
            conn.execute("INSERT INTO professionals (account_id, name) VALUES (%s, 'p')", (a,))
        out.append(a)
    return out


@pytest.fixture
def populated(project: Path, db_url: str, tmp_path: Path) -> tuple[Path, str, list[uuid.UUID], dict[str, int]]:
    """A database migrated to the CRM's first state (first migration, first SQL file), with data in every
    table; then the repo's project (the new migration and SQL file pending)."""
    old = tmp_path / "old"
    shutil.copytree(project, old)
    shutil.rmtree(old / "prisma_migrations" / NEW_MIGRATION)
    for f in (old / "sql").glob(f"{NEW_SQL}*"):
        f.unlink()
    shutil.copy2(REPO / "tests" / "psl" / "corpus" / "valid" / "repo_schema.prisma", old / "schema.prisma")
    migrate(load_config(old, database_url=db_url))
    with psycopg.connect(db_url, autocommit=True) as c:
        accounts = seed(c)
        before = counts(c)
    return project, db_url, accounts, before


def test_the_composite_key_migration_keeps_every_row(populated) -> None:
    project, url, _, before = populated
    result = migrate(load_config(project, database_url=url))
    assert result.prisma_applied == [NEW_MIGRATION] and result.sql_applied
    assert result.citus_distributed == []  # no Citus here: nothing to distribute
    with psycopg.connect(url, autocommit=True) as c:
        assert counts(c) == before
        keys = dict(
            c.execute(
                "SELECT conrelid::regclass::text, (SELECT array_agg(attname ORDER BY k.i) FROM unnest(conkey) "
                "WITH ORDINALITY AS k(n, i) JOIN pg_attribute ON attrelid = conrelid AND attnum = k.n) "
                "FROM pg_constraint WHERE contype = 'p' AND connamespace = 'public'::regnamespace"
            ).fetchall()
        )
    assert keys["accounts"] == ["id"] and keys["user_roles"] == ["account_id", "user_id", "role_id"]
    assert all(keys[t] == ["account_id", "id"] for t in ("users", "roles", "clients", "employees"))
    done = subprocess.run(
        [sys.executable, "-m", "nexo.cli", "db:version", "--check", "--database-url", url],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Drift vs schema.prisma │ none" in done.stdout and "Check passed." in done.stderr


def _as_app(conn: psycopg.Connection, project: Path, tenant: uuid.UUID) -> None:
    conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(load_config(project).app_role)))
    conn.execute("SELECT set_config('app.current_account_id', %s, true)", (str(tenant),))


def test_policies_use_current_tenant_inlined_with_the_index(populated) -> None:
    project, url, accounts, _ = populated
    migrate(load_config(project, database_url=url))
    with psycopg.connect(url, autocommit=True) as c:
        policies = c.execute("SELECT tablename, qual, with_check FROM pg_policies ORDER BY 1").fetchall()
        assert [p[0] for p in policies] == sorted(TABLES)
        for table, qual, check in policies:
            assert "current_tenant()" in qual and "current_tenant()" in check and "SELECT" not in qual, table
        volatility = c.execute(
            "SELECT p.provolatile, l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.proname = 'current_tenant'"
        )
        assert volatility.fetchall() == [("s", "sql")]
        with c.transaction():
            _as_app(c, project, accounts[0])
            c.execute("SET LOCAL enable_seqscan = off")
            plan = "\n".join(r[0] for r in c.execute("EXPLAIN SELECT * FROM clients WHERE name = 'c'"))
            # inlined: the setting is read in the index condition, no function call, no sub-plan
            assert "Index Cond: (account_id = (NULLIF(current_setting('app.current_account_id'" in plan, plan
            assert "current_tenant" not in plan and "SubPlan" not in plan and "InitPlan" not in plan
            assert c.execute("SELECT count(*) FROM clients").fetchone() == (3,)
        with c.transaction():
            _as_app(c, project, accounts[2])
            assert c.execute("SELECT count(*) FROM users").fetchone() == (5,)
            assert c.execute("SELECT count(*) FROM accounts").fetchone() == (1,)
            with pytest.raises(psycopg.errors.InsufficientPrivilege), c.transaction():  # WITH CHECK
                c.execute("INSERT INTO clients (account_id, name) VALUES (%s, 'x')", (accounts[0],))
        with c.transaction():  # no tenant set: no row
            c.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(load_config(project).app_role)))
            assert c.execute("SELECT count(*) FROM users").fetchone() == (0,)


def test_deleting_a_user_unlinks_its_employee(populated) -> None:
    project, url, accounts, before = populated
    migrate(load_config(project, database_url=url))
    a = accounts[1]
    with psycopg.connect(url, autocommit=True) as c:
        with c.transaction():
            _as_app(c, project, a)
            user = c.execute("SELECT user_id FROM employees WHERE email = 'e0@x.io'").fetchone()[0]  # type: ignore[index]
            c.execute("DELETE FROM users WHERE account_id = %s AND id = %s", (a, user))
            assert c.execute("SELECT user_id FROM employees WHERE email = 'e0@x.io'").fetchone() == (None,)
        assert c.execute("SELECT count(*) FROM employees").fetchone() == (before["employees"],)
        assert c.execute("SELECT count(*) FROM user_roles").fetchone() == (before["user_roles"] - 1,)  # cascade
        # deleting an account still removes everything of it (cascades through the composite keys)
        c.execute("DELETE FROM accounts WHERE id = %s", (a,))
        assert c.execute("SELECT count(*) FROM employees WHERE account_id = %s", (a,)).fetchone() == (0,)


def test_the_citus_setting_is_a_harmless_custom_variable_here(db_url: str) -> None:
    with psycopg.connect(db_url) as c:
        assert c.execute("SELECT count(*) FROM pg_extension WHERE extname = 'citus'").fetchone() == (0,)
        c.execute("SET LOCAL citus.enable_unsafe_triggers = on")
        assert c.execute("SELECT current_setting('citus.enable_unsafe_triggers')").fetchone() == ("on",)


def test_the_sql_file_rolls_back_to_the_sub_select_policies(populated) -> None:
    project, url, accounts, _ = populated
    config = load_config(project, database_url=url)
    migrate(config)
    rollback(config)
    with psycopg.connect(url, autocommit=True) as c:
        quals = [q for (q,) in c.execute("SELECT qual FROM pg_policies")]
        assert len(quals) == 8 and all("SELECT" in q and "current_tenant" not in q for q in quals)
        assert c.execute("SELECT count(*) FROM pg_proc WHERE proname = 'current_tenant'").fetchone() == (0,)
        assert c.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'unlink_employee'").fetchone() == (0,)
        with c.transaction():
            _as_app(c, project, accounts[0])
            assert c.execute("SELECT count(*) FROM users").fetchone() == (3,)
    migrate(config)  # and forward again
    with psycopg.connect(url, autocommit=True) as c:
        assert all("current_tenant()" in q for (q,) in c.execute("SELECT qual FROM pg_policies"))
