# GENERATED from tests/client/test_tenant.py by nexo/client/_codegen.py: do not edit.
# Regenerate with: python tests/client/sync_twins.py
"""Tenant sessions through the generated CRM client, as the application role ``nexo_app`` under the
repo's own row-level security (migrations and SQL layer applied with ``nexo.orchestrate.migrate``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest

from nexo import orchestrate
from nexo.client.errors import DataError, PrismaError, TransactionError, UniqueViolationError
from nexo.config import load_config
from nexo.db.urls import with_user

from ..conftest import with_limit

A = "00000000-0000-0000-0000-00000000000a"
B = "00000000-0000-0000-0000-00000000000b"
APP_PASSWORD = "app-pw-client-tests"


@pytest.fixture
def app_url(project: Path, fresh_db: str) -> str:
    """The repo's migrations and SQL layer on a fresh database; a URL for the ``nexo_app`` role."""
    result = orchestrate.migrate(load_config(project, database_url=fresh_db))
    assert result.sql is not None and result.sql_applied, "the SQL layer (RLS) must be applied"
    with psycopg.connect(fresh_db, autocommit=True) as c:
        c.execute(f"ALTER ROLE nexo_app LOGIN PASSWORD '{APP_PASSWORD}'")
        # seed as the superuser (RLS does not apply to it)
        for acc, slug in ((A, "a"), (B, "b")):
            c.execute("INSERT INTO accounts (id, name, slug) VALUES (%s, %s, %s)", (acc, slug.upper(), slug))
            for i in range(3):
                c.execute(
                    "INSERT INTO clients (account_id, name, email) VALUES (%s, %s, %s)",
                    (acc, f"{slug}-client-{i}", f"{i}@{slug}.io"),
                )
            c.execute(
                "INSERT INTO users (account_id, email, status) VALUES (%s, %s, 'invited')", (acc, f"boss@{slug}.io")
            )
        role = c.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'nexo_app'").fetchone()
        assert role == (False, False)
    return with_user(fresh_db, "nexo_app", APP_PASSWORD)


@pytest.fixture
def app(app_url: str, generated: SimpleNamespace) -> Iterator[Any]:
    client = generated.crm_sync.Prisma(datasource={"url": with_limit(app_url, 6)}, use_dotenv=False)
    client.connect()
    try:
        yield client
    finally:
        client.disconnect()


@pytest.fixture
def sync_app(app_url: str, generated: SimpleNamespace) -> Iterator[Any]:
    client = generated.crm_sync.Prisma(datasource={"url": with_limit(app_url, 2)}, use_dotenv=False)
    client.connect()
    try:
        yield client
    finally:
        client.disconnect()


def test_connected_as_the_application_role(app: Any) -> None:
    who = app.query_first(
        "SELECT current_user AS u, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS s"
    )
    assert who == {"u": "nexo_app", "s": False}


def test_outside_a_session_no_tenant_rows(app: Any) -> None:
    assert app.client.count() == 0
    assert app.account.find_many() == []
    assert app.user.find_first() is None


def test_first_statement_sets_the_tenant(
    app_url: str, generated: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    client = generated.crm_sync.Prisma(datasource={"url": app_url}, use_dotenv=False, log_queries=True)
    client.connect()
    try:
        with caplog.at_level(logging.INFO, logger="prisma"):
            with client.tenant(A) as t:
                t.client.count()
        statements = [r.getMessage() for r in caplog.records if r.name == "prisma"]
        assert statements[0].startswith("BEGIN")
        assert (
            statements[1].startswith("SELECT set_config(%s, %s, true)") and "'app.current_account_id'" in statements[1]
        )
        assert A in statements[1]
    finally:
        client.disconnect()


def test_inside_tenant_only_own_rows(app: Any) -> None:
    with app.tenant(A) as t:
        assert t.query_first("SELECT current_setting('app.current_account_id') AS s") == {"s": A}
        clients = t.client.find_many(order={"name": "asc"})
        assert [c.name for c in clients] == ["a-client-0", "a-client-1", "a-client-2"]
        assert {c.accountId for c in clients} == {A}
        acc = t.account.find_many(include={"clients": True, "users": True})
        assert len(acc) == 1 and acc[0].slug == "a" and len(acc[0].clients) == 3
        assert acc[0].users[0].status == "INVITED"
        assert t.client.group_by(["accountId"], count=True) == [{"accountId": A, "_count": {"_all": 3}}]
        # B's rows cannot be read, updated or deleted, even by key
        assert t.client.find_first(where={"accountId": B}) is None
        assert t.client.find_unique({"accountId_email": {"accountId": B, "email": "0@b.io"}}) is None
        assert t.client.update({"notes": "x"}, {"accountId_email": {"accountId": B, "email": "0@b.io"}}) is None
        assert t.client.update_many({"notes": "touched"}, {}) == 3
        assert t.client.delete({"accountId_email": {"accountId": B, "email": "1@b.io"}}) is None
        assert t.client.delete_many({"email": {"startswith": "2@"}}) == 1
        assert t.account.update({"name": "B!"}, {"id": B}) is None
        assert t.execute_raw("UPDATE clients SET phone = '1'") == 2
        # a nested write through the tenant's own account
        t.account.update({"clients": {"create": [{"name": "nested"}]}}, {"id": A})
    with app.tenant(A) as t:
        assert t.client.count(where={"notes": "touched"}) == 2
        assert t.client.count(where={"name": "nested"}) == 1
    # writing a row for B is refused by the policy; the failed statement aborts the session
    with pytest.raises(TransactionError):
        with app.tenant(A) as t:
            with pytest.raises(DataError, match="row-level security"):
                t.client.create({"name": "evil", "accountId": B})
    with app.tenant(B) as t:
        rows = t.client.find_many()
        assert len(rows) == 3 and all(r.notes is None and r.phone is None for r in rows)
        assert t.client.count(where={"name": {"in": ["evil", "nested"]}}) == 0
        assert (t.account.find_unique_or_raise({"id": B})).name == "B"
        created = t.client.create({"name": "new", "account": {"connect": {"id": B}}})
        assert created.accountId == B
        assert t.client.count() == 4
        assert t.query_raw("SELECT count(*) AS n FROM clients") == [{"n": 4}]
    # the setting was transaction-local: nothing leaks back into the pool
    assert app.query_first("SELECT current_setting('app.current_account_id', true) AS s") in (
        {"s": ""},
        {"s": None},
    )
    assert app.client.count() == 0


def test_readme_example_include_depth_three(app: Any) -> None:
    """The README's client example: a tenant session and an include three levels deep."""
    with app.tenant(A) as t:
        user = (t.user.find_many())[0]
        role = t.role.create({"name": "admin", "account": {"connect": {"id": A}}})
        t.userrole.create(
            {
                "user": {"connect": {"id": user.id}},
                "role": {"connect": {"id": role.id}},
                "account": {"connect": {"id": A}},
            }
        )
        clients = t.client.find_many(where={"name": {"contains": "A-CLIENT", "mode": "insensitive"}})
        account = t.account.find_unique(
            where={"id": A},
            include={"users": {"include": {"roles": {"include": {"role": True}}}}, "clients": {"take": 10}},
        )
    assert len(clients) == 3 and account is not None
    assert [[ur.role.name for ur in u.roles] for u in account.users] == [["admin"]]
    assert len(account.clients) == 3
    with app.tenant(B) as t:
        assert t.userrole.count() == 0 and t.role.find_first() is None
        with t.batch_() as b:  # a model named Client: b.client is its batch actions
            b.client.create({"name": "batched", "accountId": B})
        assert t.client.count(where={"name": "batched"}) == 1


def test_tenant_session_rolls_back_on_error(app: Any) -> None:
    with pytest.raises(RuntimeError):
        with app.tenant(A) as t:
            t.client.create({"name": "temp", "accountId": A})
            raise RuntimeError("abort")
    with app.tenant(A) as t:
        assert t.client.count(where={"name": "temp"}) == 0
    with pytest.raises(DataError):
        app.tenant("")


# left out of the sync twin (asyncio.gather of 100 tasks)


def test_unique_violation_names_fields(app: Any) -> None:
    with pytest.raises(TransactionError):
        with app.tenant(A) as t:
            with pytest.raises(UniqueViolationError) as err:
                t.client.create({"name": "dup", "accountId": A, "email": "0@a.io"})
    assert err.value.meta["target"] == ["accountId", "email"]
    assert "`accountId`, `email`" in str(err.value)
    assert isinstance(err.value, PrismaError)


# left out of the sync twin (a sync test already)


def test_find_by_id_with_the_composite_keys(app: Any) -> None:
    """The CRM's keys are (accountId, id): find_unique takes the compound key ``accountId_id``; inside a tenant
    session ``find_first(where={"id": ...})`` finds the row (RLS adds the tenant), another tenant's id finds none."""
    with app.tenant(A) as t:
        mine = t.client.find_first_or_raise(where={"name": "a-client-1"})
        got = t.client.find_unique(where={"accountId_id": {"accountId": A, "id": mine.id}})
        assert got is not None and got.id == mine.id
        assert (t.client.find_first_or_raise(where={"id": mine.id})).name == "a-client-1"
        user = t.user.create({"email": "new@a.io", "account": {"connect": {"id": A}}})
        role = t.role.create({"name": "admin", "account": {"connect": {"id": A}}})
        link = t.userrole.create(
            {
                "account": {"connect": {"id": A}},
                "user": {"connect": {"accountId_id": {"accountId": A, "id": user.id}}},
                "role": {"connect": {"accountId_id": {"accountId": A, "id": role.id}}},
            }
        )
        assert (link.accountId, link.userId, link.roleId) == (A, user.id, role.id)
        emp = t.employee.create(
            {
                "firstName": "F",
                "lastName": "L",
                "email": "f@a.io",
                "account": {"connect": {"id": A}},
                "user": {"connect": {"accountId_id": {"accountId": A, "id": user.id}}},
            }
        )
        found = t.employee.find_unique(
            where={"accountId_userId": {"accountId": A, "userId": user.id}}, include={"user": True}
        )
        assert found is not None and found.id == emp.id and found.user is not None and found.user.email == "new@a.io"
        # deleting the user unlinks the employee (onDelete: SetNull's behaviour, kept by the SQL layer)
        t.user.delete(where={"accountId_id": {"accountId": A, "id": user.id}})
        assert (t.employee.find_first_or_raise(where={"id": emp.id})).userId is None
    with app.tenant(B) as t:
        assert t.client.find_first(where={"id": mine.id}) is None
        assert t.client.find_unique(where={"accountId_id": {"accountId": A, "id": mine.id}}) is None
