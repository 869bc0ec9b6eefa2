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


def _tenant_statements(records: list[Any]) -> list[tuple[str, Any]]:
    """The client's statements logged by its query log, without the session's BEGIN/SET/COMMIT."""
    out = []
    for rec in records:
        if rec.name != "prisma" or not isinstance(rec.args, tuple) or len(rec.args) != 2:
            continue
        sql, params = rec.args
        if not isinstance(sql, str) or sql.split(" ", 1)[0] in ("BEGIN", "SET", "COMMIT", "ROLLBACK", "SAVEPOINT"):
            continue
        if sql.startswith("RELEASE") or "pg_extension" in sql or "pg_dist_partition" in sql:
            continue
        out.append((sql, params))
    return out


def _task_counts(app_url: str, tenant: str, statements: list[tuple[str, Any]]) -> list[tuple[str, list[int]]]:
    """EXPLAIN of each statement as the application role in the tenant's session: its Task Count lines."""
    out = []
    with psycopg.connect(app_url) as c:
        c.execute("SET LOCAL citus.propagate_set_commands = 'local'")
        c.execute(f"SET LOCAL app.current_account_id = '{tenant}'")
        for sql, params in statements:
            plan = "\n".join(r[0] for r in c.execute("EXPLAIN " + sql, params).fetchall())
            counts = [int(line.split(":")[1]) for line in plan.splitlines() if "Task Count:" in line]
            out.append((sql, counts))
        c.rollback()
    return out


async def test_tenant_queries_route_to_one_shard(
    app_url: str, client_module: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    """Every statement of a tenant session (reads, counts, aggregates, updates, deletes, nested includes) carries
    the tenant filter and is a single-shard router query: EXPLAIN shows one task for each."""
    with psycopg.connect(app_url.replace(app_url.split("//")[1].split("@")[0], "postgres", 1), autocommit=True) as c:
        for acc in (A, B):
            c.execute(
                "INSERT INTO notes (id, account_id, contact_id, body) "
                "SELECT gen_random_uuid(), account_id, id, 'n-' || email FROM contacts WHERE account_id = %s",
                (acc,),
            )
    client = client_module.Prisma(datasource={"url": app_url}, use_dotenv=False, log_queries=True)
    await client.connect()
    try:
        caplog.set_level("INFO", logger="prisma")
        async with client.tenant(A) as t:
            rows = await t.contact.find_many(include={"notes": True, "account": True, "currency": True})
            assert len(rows) == 3 and all(len(r.notes) == 1 for r in rows)
            first = await t.contact.find_first(where={"email": "0@a1.io"}, include={"notes": True})
            assert first is not None and first.notes[0].body == "n-0@a1.io"
            one = await t.contact.find_unique(where={"accountId_id": {"accountId": A, "id": first.id}})
            assert one is not None and one.email == "0@a1.io"
            assert await t.contact.count() == 3
            assert await t.note.count(where={"body": {"startswith": "n-"}}) == 3
            groups = await t.contact.group_by(by=["currencyCode"], count={"_all": True})
            assert groups == [{"currencyCode": "EUR", "_count": {"_all": 3}}]
            acc = await t.account.find_unique(where={"id": A}, include={"contacts": {"include": {"notes": True}}})
            assert acc is not None and len(acc.contacts) == 3
            upd = await t.contact.update(
                where={"accountId_id": {"accountId": A, "id": first.id}}, data={"email": "zero@a1.io"}
            )
            assert upd is not None and upd.email == "zero@a1.io"
            assert (
                await t.contact.update_many(where={"email": {"endswith": "@a1.io"}}, data={"currencyCode": "EUR"}) == 3
            )
            made = await t.contact.create(data={"accountId": A, "email": "tmp@a1.io", "currencyCode": "EUR"})
            assert await t.note.delete_many(where={"body": "nothing"}) == 0
            gone = await t.contact.delete(where={"accountId_id": {"accountId": A, "id": made.id}})
            assert gone is not None and gone.email == "tmp@a1.io"
        statements = _tenant_statements(caplog.records)
    finally:
        await client.disconnect()
    assert len(statements) >= 13
    counts = _task_counts(app_url, A, statements)
    routed = [sql for sql, c in counts if c and all(n == 1 for n in c)]
    assert len(routed) == len(counts), [(sql[:120], c) for sql, c in counts if not (c and all(n == 1 for n in c))]


async def test_hundred_interleaved_tasks_over_tenants(app_url: str, app: Any) -> None:
    """100 tasks over four tenants, each reading, counting and updating in its own session: 0 rows of another
    tenant, 0 empty or short results."""
    tenants = {A: 3, B: 2}
    admin = app_url.replace(app_url.split("//")[1].split("@")[0], "postgres", 1)
    with psycopg.connect(admin, autocommit=True) as c:
        for k in range(2):
            acc = str(uuid.uuid4())
            c.execute("INSERT INTO accounts (id, name) VALUES (%s, %s)", (acc, f"x{k}"))
            for i in range(k + 1):
                c.execute(
                    "INSERT INTO contacts (account_id, email, currency_code) VALUES (%s, %s, 'EUR')",
                    (acc, f"{i}@x{k}.io"),
                )
            tenants[acc] = k + 1
    order = list(tenants)

    async def one(i: int) -> tuple[int, int]:
        acc = order[i % len(order)]
        want = tenants[acc]
        async with app.tenant(acc) as t:
            rows = await t.contact.find_many(include={"notes": True})
            n = await t.contact.count()
            changed = await t.contact.update_many(where={}, data={"currencyCode": "EUR"})
            leaks = sum(1 for r in rows if r.accountId != acc)
            return leaks, int(len(rows) != want or n != want or changed != want)

    results = await asyncio.gather(*(one(i) for i in range(100)))
    assert sum(r[0] for r in results) == 0
    assert sum(r[1] for r in results) == 0
