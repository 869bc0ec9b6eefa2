"""The executor's connection handling: pool checkout without the context manager, the cursor
each pool connection keeps, and what a connection looks like when it goes back to the pool."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
import pytest

from nexo.client.errors import EngineConnectionError, PrismaError

IDLE = psycopg.pq.TransactionStatus.IDLE


async def test_kept_cursor_holds_no_result(db: Any) -> None:
    await db.user.create({"email": "k@x.io"})
    for _ in range(3):
        assert [u.email for u in await db.user.find_many()] == ["k@x.io"]
    async with db._pool.connection() as conn:
        cur = conn.nexo_cursor
        assert cur is not None and cur.connection is conn
        assert cur.pgresult is None  # the result is dropped once read
    # the same cursor serves the next statements on that connection
    await db.user.count()
    async with db._pool.connection() as conn:
        assert conn.nexo_cursor is cur


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
