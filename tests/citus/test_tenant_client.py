"""Tenant sessions of the generated client on the real cluster, as a non-owner application role under forced
RLS: the tenant reaches the workers (SET LOCAL with citus.propagate_set_commands), so a tenant sees exactly
its rows and cannot write another's; with the single-server form (set_config) the workers see no tenant."""

from __future__ import annotations

import asyncio
import importlib
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest

from nexo.generator import generate

from .projects import READY_SCHEMA, write_project
from .test_cluster import build

pytestmark = pytest.mark.citus

A = "00000000-0000-0000-0000-0000000000a1"
B = "00000000-0000-0000-0000-0000000000b2"
GENERATOR = (
    'generator client {\n  provider = "prisma-client-py"\n  interface = "asyncio"\n  output = "./citus_client"\n}\n'
)


@pytest.fixture(scope="module")
def client_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = write_project(tmp_path_factory.mktemp("citus_gen"), GENERATOR + READY_SCHEMA)
    generate(root / "schema.prisma", project=root)
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("citus_client")
    finally:
        sys.path.remove(str(root))


@pytest.fixture
def app_url(citus_db: str, tmp_path: Path) -> Iterator[str]:
    """The ready project distributed on a fresh Citus database, seeded; a URL for a non-owner role."""
    root = write_project(tmp_path)
    assert build(citus_db, root) == []
    role = f"nexo_citus_app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(citus_db, autocommit=True) as c:
        c.execute(f'CREATE ROLE "{role}" LOGIN')  # Citus propagates roles and grants to the workers
        c.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
        c.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"')
        c.execute("INSERT INTO currencies (code, name) VALUES ('EUR', 'Euro')")
        for acc, n in ((A, 3), (B, 2)):
            c.execute("INSERT INTO accounts (id, name) VALUES (%s, %s)", (acc, acc[-2:]))
            for i in range(n):
                c.execute(
                    "INSERT INTO contacts (account_id, email, currency_code) VALUES (%s, %s, 'EUR')",
                    (acc, f"{i}@{acc[-2:]}.io"),
                )
        assert c.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", (role,)).fetchone() == (
            False,
            False,
        )
    try:
        yield citus_db.replace("//postgres@", f"//{role}@", 1)
    finally:
        with psycopg.connect(citus_db, autocommit=True) as c:
            c.execute(f'DROP OWNED BY "{role}"')
            c.execute(f'DROP ROLE "{role}"')


@pytest.fixture
async def app(app_url: str, client_module: ModuleType) -> AsyncIterator[Any]:
    client = client_module.Prisma(datasource={"url": app_url + "?connection_limit=8"}, use_dotenv=False)
    await client.connect()
    try:
        yield client
    finally:
        await client.disconnect()


async def test_tenant_sees_its_rows_on_the_workers(app: Any) -> None:
    who = await app.query_first("SELECT current_user AS u")
    assert who["u"].startswith("nexo_citus_app_")
    assert await app.contact.count() == 0  # outside a session: no tenant, no rows
    async with app.tenant(A) as t:
        rows = await t.contact.find_many()
        assert len(rows) == 3 and {r.accountId for r in rows} == {A}
        assert await t.contact.count() == 3
        made = await t.contact.create(data={"accountId": A, "email": "new@a1.io", "currencyCode": "EUR"})
        assert made.accountId == A
    assert app._citus is True
    async with app.tenant(B) as t:
        assert {r.email for r in await t.contact.find_many()} == {"0@b2.io", "1@b2.io"}


async def test_cross_tenant_insert_is_refused_on_the_worker(app: Any) -> None:
    with pytest.raises(Exception, match="row-level security"):
        async with app.tenant(A) as t:
            await t.contact.create(data={"accountId": B, "email": "evil@b2.io", "currencyCode": "EUR"})
    async with app.tenant(B) as t:
        assert await t.contact.count() == 2


async def test_set_config_does_not_reach_the_workers(app: Any) -> None:
    """The single-server form on Citus: the same session sees no row (why the Citus form exists)."""
    app._citus = False
    async with app.tenant(A) as t:
        assert await t.contact.find_many() == []


async def test_interleaved_tenant_tasks(app: Any) -> None:
    async def one(i: int) -> tuple[int, int]:
        acc, want = (A, 3) if i % 2 == 0 else (B, 2)
        async with app.tenant(acc) as t:
            rows = await t.contact.find_many()
            leaks = sum(1 for r in rows if r.accountId != acc)
            return leaks, int(len(rows) != want)

    results = await asyncio.gather(*(one(i) for i in range(40)))
    assert sum(r[0] for r in results) == 0  # no row of another tenant
    assert sum(r[1] for r in results) == 0  # no empty or short result
