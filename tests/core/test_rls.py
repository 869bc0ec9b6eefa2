"""Tenant isolation of the repo's own CRM database, tested as the application role.

The role is entered with SET ROLE from the superuser test connection: it is a non-superuser,
non-owner role without BYPASSRLS, so RLS applies to it exactly as to the application.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import errors, sql

from nexo.config import load_config
from nexo.orchestrate import migrate

TENANT_TABLES = ["users", "roles", "user_roles", "clients", "suppliers", "employees", "professionals"]
SETTING = "app.current_account_id"


def _seed(conn: psycopg.Connection, account: uuid.UUID, tag: str) -> dict[str, uuid.UUID]:
    """One row per tenant table for ``account``; returns the ids by table."""
    ids: dict[str, uuid.UUID] = {}
    conn.execute("INSERT INTO accounts (id, name, slug) VALUES (%s, %s, %s)", (account, f"Account {tag}", f"acc-{tag}"))
    ids["users"] = conn.execute(
        "INSERT INTO users (account_id, email) VALUES (%s, %s) RETURNING id", (account, f"u@{tag}.test")
    ).fetchone()[0]
    ids["roles"] = conn.execute(
        "INSERT INTO roles (account_id, name) VALUES (%s, 'admin') RETURNING id", (account,)
    ).fetchone()[0]
    conn.execute(
        "INSERT INTO user_roles (user_id, role_id, account_id) VALUES (%s, %s, %s)",
        (ids["users"], ids["roles"], account),
    )
    ids["user_roles"] = ids["users"]
    ids["clients"] = conn.execute(
        "INSERT INTO clients (account_id, name) VALUES (%s, 'c') RETURNING id", (account,)
    ).fetchone()[0]
    ids["suppliers"] = conn.execute(
        "INSERT INTO suppliers (account_id, name) VALUES (%s, 's') RETURNING id", (account,)
    ).fetchone()[0]
    ids["employees"] = conn.execute(
        "INSERT INTO employees (account_id, first_name, last_name, email) VALUES (%s, 'e', 'f', %s) RETURNING id",
        (account, f"e@{tag}.test"),
    ).fetchone()[0]
    ids["professionals"] = conn.execute(
        "INSERT INTO professionals (account_id, name) VALUES (%s, 'p') RETURNING id", (account,)
    ).fetchone()[0]
    return ids


def _key(table: str) -> str:
    return "user_id" if table == "user_roles" else "id"


@pytest.fixture
def crm(project: Path, db_url: str):
    """The CRM database migrated by nexo, two accounts with one row in every tenant table."""
    config = load_config(project, database_url=db_url)
    migrate(config)
    a, b = uuid.uuid4(), uuid.uuid4()
    with psycopg.connect(db_url, autocommit=True) as conn:
        ids_a, ids_b = _seed(conn, a, "a"), _seed(conn, b, "b")
    with psycopg.connect(db_url) as conn:
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(config.app_role)))
        conn.commit()
        yield conn, (a, ids_a), (b, ids_b)


def _as_tenant(conn: psycopg.Connection, account: uuid.UUID) -> None:
    conn.execute("SELECT set_config(%s, %s, true)", (SETTING, str(account)))


def test_app_role_is_not_privileged(crm):
    conn, _, _ = crm
    row = conn.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user").fetchone()
    assert row == (False, False)
    owned = conn.execute(
        "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
    ).fetchone()[0]
    assert owned == 0


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_tenant_sees_only_its_rows(crm, table):
    conn, (a, ids_a), (b, ids_b) = crm
    with conn.transaction():
        _as_tenant(conn, a)
        accounts = {r[0] for r in conn.execute(sql.SQL("SELECT account_id FROM {}").format(sql.Identifier(table)))}
        assert accounts == {a}
        found = conn.execute(
            sql.SQL("SELECT count(*) FROM {} WHERE {} = %s").format(sql.Identifier(table), sql.Identifier(_key(table))),
            (ids_b[table],),
        ).fetchone()[0]
        assert found == 0


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_tenant_cannot_update_or_delete_other_rows(crm, table):
    conn, (a, ids_a), (b, ids_b) = crm
    with conn.transaction():
        _as_tenant(conn, a)
        upd = conn.execute(
            sql.SQL("UPDATE {} SET account_id = account_id WHERE {} = %s").format(
                sql.Identifier(table), sql.Identifier(_key(table))
            ),
            (ids_b[table],),
        )
        assert upd.rowcount == 0
        dele = conn.execute(
            sql.SQL("DELETE FROM {} WHERE {} = %s").format(sql.Identifier(table), sql.Identifier(_key(table))),
            (ids_b[table],),
        )
        assert dele.rowcount == 0
        # the tenant's own row can be updated
        own = conn.execute(
            sql.SQL("UPDATE {} SET account_id = account_id WHERE {} = %s").format(
                sql.Identifier(table), sql.Identifier(_key(table))
            ),
            (ids_a[table],),
        )
        assert own.rowcount == 1
    with conn.transaction():
        _as_tenant(conn, b)
        assert (
            conn.execute(
                sql.SQL("SELECT count(*) FROM {} WHERE {} = %s").format(
                    sql.Identifier(table), sql.Identifier(_key(table))
                ),
                (ids_b[table],),
            ).fetchone()[0]
            == 1
        )


def test_insert_with_other_account_is_refused(crm):
    conn, (a, _), (b, _) = crm
    with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
        with conn.transaction():
            _as_tenant(conn, a)
            conn.execute("INSERT INTO clients (account_id, name) VALUES (%s, 'sneaky')", (b,))
    with conn.transaction():
        _as_tenant(conn, a)
        conn.execute("INSERT INTO clients (account_id, name) VALUES (%s, 'mine')", (a,))


def test_moving_a_row_to_another_tenant_is_refused(crm):
    conn, (a, ids_a), (b, _) = crm
    with pytest.raises(errors.InsufficientPrivilege):
        with conn.transaction():
            _as_tenant(conn, a)
            conn.execute("UPDATE clients SET account_id = %s WHERE id = %s", (b, ids_a["clients"]))


@pytest.mark.parametrize("table", TENANT_TABLES + ["accounts"])
def test_unset_or_empty_setting_gives_zero_rows(crm, table):
    conn, (a, _), _ = crm
    with conn.transaction():
        assert conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0] == 0
    # after a transaction-local set_config the setting reads '' on this connection: still zero rows
    with conn.transaction():
        _as_tenant(conn, a)
    assert conn.execute("SELECT current_setting(%s, true)", (SETTING,)).fetchone()[0] == ""
    with conn.transaction():
        assert conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0] == 0


def test_account_table_shows_only_the_tenant(crm):
    conn, (a, _), (b, _) = crm
    with conn.transaction():
        _as_tenant(conn, a)
        assert [r[0] for r in conn.execute("SELECT id FROM accounts")] == [a]
        assert conn.execute("UPDATE accounts SET name = 'x' WHERE id = %s", (b,)).rowcount == 0


def test_updated_at_trigger(crm, db_url):
    conn, (a, ids_a), _ = crm
    with conn.transaction():
        _as_tenant(conn, a)
        before = conn.execute("SELECT updated_at FROM clients WHERE id = %s", (ids_a["clients"],)).fetchone()[0]
    with conn.transaction():
        _as_tenant(conn, a)
        conn.execute("UPDATE clients SET name = 'renamed' WHERE id = %s", (ids_a["clients"],))
        after = conn.execute("SELECT updated_at FROM clients WHERE id = %s", (ids_a["clients"],)).fetchone()[0]
    assert after > before


def test_policies_read_the_setting_once_per_query(crm):
    """The policy calls current_tenant(), a STABLE SQL function that PostgreSQL inlines: the setting is
    read in the index condition (once per scan), with no per-row function call and no sub-plan."""
    conn, (a, _), _ = crm
    with conn.transaction():
        _as_tenant(conn, a)
        conn.execute("SET LOCAL enable_seqscan = off")
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN SELECT * FROM clients"))
    assert "Index Cond: (account_id = (NULLIF(current_setting('app.current_account_id'" in plan, plan
    assert "current_tenant" not in plan and "SubPlan" not in plan
