"""Tenant sessions through the client, as a non-owner application role under RLS (CRM schema)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import psycopg
import pytest
from psycopg import sql

from nexo.client.engine import Client
from nexo.client.errors import DataError, PrismaError, TransactionError, UniqueViolationError
from nexo.db.urls import with_user

from .metas import CRM

TENANT_TABLES = ("users", "roles", "user_roles", "clients", "suppliers", "employees", "professionals")
POLICY = "(SELECT NULLIF(current_setting('app.current_account_id', true), '')::uuid)"
A = "00000000-0000-0000-0000-00000000000a"
B = "00000000-0000-0000-0000-00000000000b"


@pytest.fixture
def app_url(crm_url: str) -> Iterator[str]:
    """The CRM database with RLS on every tenant table, and a URL for a fresh application role."""
    role = f"nexo_app_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(crm_url, autocommit=True) as c:
        c.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'app-pw'").format(sql.Identifier(role)))
        c.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(sql.Identifier(role)))
        c.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(sql.Identifier(role)))
        for t in TENANT_TABLES:
            c.execute(f'ALTER TABLE "{t}" ENABLE ROW LEVEL SECURITY')
            c.execute(f'ALTER TABLE "{t}" FORCE ROW LEVEL SECURITY')
            c.execute(f'CREATE POLICY tenant_isolation ON "{t}" USING (account_id = {POLICY}) WITH CHECK (account_id = {POLICY})')
        c.execute('ALTER TABLE "accounts" ENABLE ROW LEVEL SECURITY')
        c.execute('ALTER TABLE "accounts" FORCE ROW LEVEL SECURITY')
        c.execute(f'CREATE POLICY tenant_isolation ON "accounts" USING (id = {POLICY})')
        for acc, slug in ((A, "a"), (B, "b")):
            c.execute("INSERT INTO accounts (id, name, slug) VALUES (%s, %s, %s)", (acc, slug.upper(), slug))
            for i in range(3):
                c.execute("INSERT INTO clients (account_id, name, email) VALUES (%s, %s, %s)", (acc, f"{slug}-client-{i}", f"{i}@{slug}.io"))
            c.execute("INSERT INTO users (account_id, email, status) VALUES (%s, %s, 'invited')", (acc, f"boss@{slug}.io"))
    try:
        yield with_user(crm_url, role, "app-pw")
    finally:
        with psycopg.connect(crm_url, autocommit=True) as c:
            c.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            c.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


@pytest.fixture
async def app(app_url: str) -> AsyncIterator[Client]:
    client = Client(CRM, app_url, max_size=6)
    await client.connect()
    try:
        yield client
    finally:
        await client.disconnect()


async def test_outside_a_session_no_tenant_rows(app: Client) -> None:
    assert await app.model("Client").count() == 0
    assert await app.model("Account").find_many() == []


async def test_inside_tenant_only_own_rows(app: Client) -> None:
    async with app.tenant(A) as t:
        first = await t.query_first("SELECT current_setting('app.current_account_id') AS s")
        assert first == {"s": A}
        clients = await t.model("Client").find_many(order={"name": "asc"})
        assert [c["name"] for c in clients] == ["a-client-0", "a-client-1", "a-client-2"]
        assert {c["accountId"] for c in clients} == {A}
        acc = await t.model("Account").find_many(include={"clients": True, "users": True})
        assert len(acc) == 1 and acc[0]["slug"] == "a" and len(acc[0]["clients"]) == 3
        assert acc[0]["users"][0]["status"] == "INVITED"
        # B's rows cannot be read, updated or deleted, even by key
        assert await t.model("Client").find_first(where={"accountId": B}) is None
        assert await t.model("Client").find_unique({"accountId_email": {"accountId": B, "email": "0@b.io"}}) is None
        assert await t.model("Client").update({"notes": "x"}, {"accountId_email": {"accountId": B, "email": "0@b.io"}}) is None
        assert await t.model("Client").update_many({"notes": "touched"}, {}) == 3
        assert await t.model("Client").delete({"accountId_email": {"accountId": B, "email": "1@b.io"}}) is None
        assert await t.model("Client").delete_many({"email": {"startswith": "2@"}}) == 1
    async with app.tenant(A) as t:
        assert await t.model("Client").count(where={"notes": "touched"}) == 2
    # writing a row for B is refused by the policy; the failed statement aborts the session
    with pytest.raises(TransactionError):
        async with app.tenant(A) as t:
            with pytest.raises(DataError, match="row-level security"):
                await t.model("Client").create({"name": "evil", "accountId": B})
    async with app.tenant(B) as t:
        rows = await t.model("Client").find_many()
        assert len(rows) == 3 and all(r["notes"] is None for r in rows)
        assert await t.model("Client").count(where={"name": "evil"}) == 0
        created = await t.model("Client").create({"name": "new", "accountId": B})
        assert created["accountId"] == B
        n = await t.model("Client").count()
        assert n == 4
        raw = await t.query_raw("SELECT count(*) AS n FROM clients")
        assert raw == [{"n": 4}]
    # the setting was transaction-local: nothing leaks back into the pool
    assert await app.query_first("SELECT current_setting('app.current_account_id', true) AS s") in ({"s": ""}, {"s": None})
    assert await app.model("Client").count() == 0


async def test_tenant_session_rolls_back_on_error(app: Client) -> None:
    with pytest.raises(RuntimeError):
        async with app.tenant(A) as t:
            await t.model("Client").create({"name": "temp", "accountId": A})
            raise RuntimeError("abort")
    async with app.tenant(A) as t:
        assert await t.model("Client").count(where={"name": "temp"}) == 0
    with pytest.raises(DataError):
        app.tenant("")


async def test_hundred_concurrent_tasks_two_tenants_one_pool(app: Client) -> None:
    seen: dict[str, set[str]] = {A: set(), B: set()}

    async def task(i: int) -> None:
        acc = A if i % 2 == 0 else B
        async with app.tenant(acc) as t:
            await t.model("Client").create({"name": f"task-{i}", "accountId": acc})
            await asyncio.sleep(0)
            rows = await t.model("Client").find_many(where={"name": {"startswith": "task-"}})
            for r in rows:
                seen[acc].add(r["accountId"])
                assert int(r["name"].split("-")[1]) % 2 == (0 if acc == A else 1)
            setting = await t.query_first("SELECT current_setting('app.current_account_id') AS s")
            assert setting == {"s": acc}
            assert await t.model("Client").count(where={"accountId": B if acc == A else A}) == 0

    await asyncio.gather(*(task(i) for i in range(100)))
    assert seen == {A: {A}, B: {B}}
    async with app.tenant(A) as t:
        assert await t.model("Client").count(where={"name": {"startswith": "task-"}}) == 50


async def test_unique_violation_names_fields_without_constraint_metadata(app: Client) -> None:
    with pytest.raises(TransactionError):
        async with app.tenant(A) as t:
            with pytest.raises(UniqueViolationError) as err:
                await t.model("Client").create({"name": "dup", "accountId": A, "email": "0@a.io"})
    assert err.value.meta["target"] == ["accountId", "email"]
    assert isinstance(err.value, PrismaError)
