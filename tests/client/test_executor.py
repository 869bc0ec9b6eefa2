"""The executor's connection handling: pool checkout without the context manager, the cursor
each pool connection keeps, and what a connection looks like when it goes back to the pool."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
import pytest

from nexo.client.errors import EngineConnectionError, PrismaError

from .conftest import with_limit

IDLE = psycopg.pq.TransactionStatus.IDLE


async def test_kept_cursor_holds_no_result(db: Any) -> None:
    await db.user.create({"email": "k@x.io"})
    for _ in range(3):
        assert [u.email for u in await db.user.find_many()] == ["k@x.io"]
        assert await db.query_raw("SELECT email FROM users") == [{"email": "k@x.io"}]
    async with db._pool.connection() as conn:
        cur = conn.nexo_cursor
        assert cur is not None and cur.connection is conn
        assert cur.pgresult is None  # the result is dropped once read
        # compiled reads keep their converted statement (and transformer) instead
        assert conn.nexo_statements and all(tx.pgresult is None for _, tx in conn.nexo_statements.values())
    # the same cursor serves the next raw statements on that connection
    await db.execute_raw("SELECT 1")
    async with db._pool.connection() as conn:
        assert conn.nexo_cursor is cur


async def test_lean_reads_prepare_like_psycopg(feature_url: str, fc: Any) -> None:
    """Compiled reads share the connection's prepared-statement manager with psycopg's cursors:
    prepared after psycopg's threshold, still right after psycopg deallocates everything (a
    rollback, a DROP), and never prepared when preparing is off (``pgbouncer=true``)."""
    db = fc.Prisma(datasource={"url": with_limit(feature_url, 1)}, use_dotenv=False)
    await db.connect()
    try:
        await db.user.create_many([{"email": f"p{i}@x.io"} for i in range(3)])
        for i in range(8):
            got = await db.user.find_many(where={"id": {"gt": i % 2}}, order={"id": "asc"})
            assert [u.email for u in got] == [f"p{j}@x.io" for j in range(i % 2, 3)]
        async with db._pool.connection() as conn:
            assert conn._prepared._names  # prepared by now
            names = {n.decode() for n in conn._prepared._names.values()}
        async with db._pool.connection() as conn:
            cur = await conn.execute("SELECT name FROM pg_prepared_statements")
            assert names <= {r[0] for r in await cur.fetchall()}
        # a failed transaction rolls back, after which psycopg deallocates every statement
        with pytest.raises(PrismaError):
            async with db.tx() as tx:
                await tx.user.find_many(where={"id": {"gt": 0}}, order={"id": "asc"})
                await tx.execute_raw("SELECT 1/0")
        await db.execute_raw("CREATE TABLE scratch (x int)")
        await db.execute_raw("DROP TABLE scratch")
        for i in range(8):
            assert len(await db.user.find_many(where={"id": {"gt": i % 2}}, order={"id": "asc"})) == 3 - i % 2
            assert (await db.user.find_unique(where={"email": "p2@x.io"})).email == "p2@x.io"
    finally:
        await db.disconnect()
    nop = fc.Prisma(datasource={"url": with_limit(feature_url, 1) + "&pgbouncer=true"}, use_dotenv=False)
    await nop.connect()
    try:
        for _ in range(8):
            assert len(await nop.user.find_many(order={"id": "asc"})) == 3
        async with nop._pool.connection() as conn:
            cur = await conn.execute("SELECT count(*) FROM pg_prepared_statements")
            assert (await cur.fetchone()) == (0,)
    finally:
        await nop.disconnect()


async def test_lean_reads_errors_and_concurrency(db: Any) -> None:
    """Errors of compiled statements map as before (a unique violation on a write returning
    rows, a bad value on a read), and tasks sharing one transaction's connection take turns."""
    import asyncio

    from nexo.client.errors import UniqueViolationError

    await db.user.create({"email": "u@x.io"})
    for _ in range(6):
        with pytest.raises(UniqueViolationError):
            await db.user.create({"email": "u@x.io"})
    for _ in range(6):  # prepared by now
        assert [u.email for u in await db.user.find_many(where={"id": {"gt": 0}})] == ["u@x.io"]
    await db.execute_raw('ALTER TABLE users RENAME COLUMN "name" TO "name2"')
    with pytest.raises(PrismaError, match="name"):
        await db.user.find_many(where={"id": {"gt": 0}})
    await db.execute_raw('ALTER TABLE users RENAME COLUMN "name2" TO "name"')
    assert [u.email for u in await db.user.find_many(where={"id": {"gt": 0}})] == ["u@x.io"]
    async with db.tx() as tx:
        got = await asyncio.gather(*(tx.user.find_many(where={"id": {"gt": i % 2 - 1}}) for i in range(20)))
    assert [len(g) for g in got] == [1] * 20
    assert await db.user.count() == 1


async def test_connection_goes_back_idle(db: Any, caplog: pytest.LogCaptureFixture) -> None:
    """A raw BEGIN outside a transaction is committed when the connection goes back, as leaving
    ``async with pool.connection()`` does (the pool would otherwise roll it back with a warning)."""
    with caplog.at_level(logging.WARNING):
        await db.execute_raw("BEGIN")
        await db.execute_raw("INSERT INTO users (email, \"updatedAt\") VALUES ('raw@x.io', now())")
        assert await db.user.count(where={"email": "raw@x.io"}) == 1
    assert not [r for r in caplog.records if r.name.startswith("psycopg")]
    async with db._pool.connection() as conn:
        assert conn.pgconn.transaction_status == IDLE
    # an error inside the statement: the connection still goes back usable
    with pytest.raises(PrismaError):
        await db.execute_raw("SELECT 1/0")
    assert await db.user.count() == 1


async def test_closed_connection_is_reported(db: Any) -> None:
    conn = await db._pool.getconn()
    try:
        await conn.close()
        from nexo.client.engine import _run

        with pytest.raises(EngineConnectionError, match="closed"):
            await _run(conn, "SELECT 1", [], None, False)
    finally:
        await db._pool.putconn(conn)
    assert await db.user.count() == 0  # the pool replaced the closed connection
