# GENERATED from tests/client/test_executor.py by nexo/client/_codegen.py: do not edit.
# Regenerate with: python tests/client/sync_twins.py
"""The executor's connection handling: pool checkout without the context manager, the cursor
each pool connection keeps, and what a connection looks like when it goes back to the pool."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
import pytest

from nexo.client.errors import EngineConnectionError, PrismaError

from ..conftest import with_limit

IDLE = psycopg.pq.TransactionStatus.IDLE


def test_kept_cursor_holds_no_result(db: Any) -> None:
    db.user.create({"email": "k@x.io"})
    for _ in range(3):
        assert [u.email for u in db.user.find_many()] == ["k@x.io"]
        assert db.query_raw("SELECT email FROM users") == [{"email": "k@x.io"}]
    with db._pool.connection() as conn:
        cur = conn.nexo_cursor
        assert cur is not None and cur.connection is conn
        assert cur.pgresult is None  # the result is dropped once read
        # compiled reads keep their converted statement (and transformer) instead
        assert conn.nexo_statements and all(tx.pgresult is None for _, tx in conn.nexo_statements.values())
    # the same cursor serves the next raw statements on that connection
    db.execute_raw("SELECT 1")
    with db._pool.connection() as conn:
        assert conn.nexo_cursor is cur


def test_lean_reads_prepare_like_psycopg(feature_url: str, fc: Any) -> None:
    """Compiled reads share the connection's prepared-statement manager with psycopg's cursors:
    prepared after psycopg's threshold, still right after psycopg deallocates everything (a
    rollback, a DROP), and never prepared when preparing is off (``pgbouncer=true``)."""
    db = fc.Prisma(datasource={"url": with_limit(feature_url, 1)}, use_dotenv=False)
    db.connect()
    try:
        db.user.create_many([{"email": f"p{i}@x.io"} for i in range(3)])
        for i in range(8):
            got = db.user.find_many(where={"id": {"gt": i % 2}}, order={"id": "asc"})
            assert [u.email for u in got] == [f"p{j}@x.io" for j in range(i % 2, 3)]
        with db._pool.connection() as conn:
            assert conn._prepared._names  # prepared by now
            names = {n.decode() for n in conn._prepared._names.values()}
        with db._pool.connection() as conn:
            cur = conn.execute("SELECT name FROM pg_prepared_statements")
            assert names <= {r[0] for r in cur.fetchall()}
        # a failed transaction rolls back, after which psycopg deallocates every statement
        with pytest.raises(PrismaError):
            with db.tx() as tx:
                tx.user.find_many(where={"id": {"gt": 0}}, order={"id": "asc"})
                tx.execute_raw("SELECT 1/0")
        db.execute_raw("CREATE TABLE scratch (x int)")
        db.execute_raw("DROP TABLE scratch")
        for i in range(8):
            assert len(db.user.find_many(where={"id": {"gt": i % 2}}, order={"id": "asc"})) == 3 - i % 2
            assert (db.user.find_unique(where={"email": "p2@x.io"})).email == "p2@x.io"
    finally:
        db.disconnect()
    nop = fc.Prisma(datasource={"url": with_limit(feature_url, 1) + "&pgbouncer=true"}, use_dotenv=False)
    nop.connect()
    try:
        for _ in range(8):
            assert len(nop.user.find_many(order={"id": "asc"})) == 3
        with nop._pool.connection() as conn:
            cur = conn.execute("SELECT count(*) FROM pg_prepared_statements")
            assert (cur.fetchone()) == (0,)
    finally:
        nop.disconnect()


# left out of the sync twin (asyncio.gather: tasks taking turns on one connection)


def test_connection_goes_back_idle(db: Any, caplog: pytest.LogCaptureFixture) -> None:
    """A raw BEGIN outside a transaction is committed when the connection goes back, as leaving
    ``async with pool.connection()`` does (the pool would otherwise roll it back with a warning)."""
    with caplog.at_level(logging.WARNING):
        db.execute_raw("BEGIN")
        db.execute_raw("INSERT INTO users (email, \"updatedAt\") VALUES ('raw@x.io', now())")
        assert db.user.count(where={"email": "raw@x.io"}) == 1
    assert not [r for r in caplog.records if r.name.startswith("psycopg")]
    with db._pool.connection() as conn:
        assert conn.pgconn.transaction_status == IDLE
    # an error inside the statement: the connection still goes back usable
    with pytest.raises(PrismaError):
        db.execute_raw("SELECT 1/0")
    assert db.user.count() == 1


def test_closed_connection_is_reported(db: Any) -> None:
    conn = db._pool.getconn()
    try:
        conn.close()
        from nexo.client.engine_sync import _run

        with pytest.raises(EngineConnectionError, match="closed"):
            _run(conn, "SELECT 1", [], None, False)
    finally:
        db._pool.putconn(conn)
    assert db.user.count() == 0  # the pool replaced the closed connection
