"""The asyncio executor: runs compiled statements on the pool's connections, or on a transaction's.

Written once, async: ``nexo/client/executor_sync.py`` is generated from it by
``nexo/client/_codegen.py`` (see :mod:`nexo.client.engine`). What needs no I/O lives in
:mod:`nexo.client.engine_base`.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar, cast

import psycopg
from psycopg.adapt import Transformer
from psycopg.types.string import TextLoader
from psycopg_pool import AsyncConnectionPool

from nexo.client.compiler import Plan, RelationBatch, bind
from nexo.client.engine_base import (
    BINARY,
    COMMAND_OK,
    FATAL_ERROR,
    IDLE,
    LEAN,
    LEAN_STATEMENTS,
    NO_NAMES,
    TUPLES_OK,
    attach_batch,
    clock,
    log,
    query_log,
)
from nexo.client.errors import ClientNotConnectedError, EngineConnectionError, TransactionExpiredError, map_db_error
from nexo.client.meta import ModelMeta
from nexo.client.metrics import QueryStats
from nexo.client.pooler import PreparePolicy
from nexo.client.txbase import TxState
from nexo.db.urls import mask_text

if LEAN:
    from nexo.client.engine_base import PostgresQuery, Prepare, pq_execute


class _Connection(psycopg.AsyncConnection[Any]):
    """The pool's connections: each keeps one cursor for the client's statements.

    A fresh psycopg cursor per statement (what ``conn.execute`` makes) costs more Python work than
    binding and reading a small result; a kept cursor also keeps its adapters and, when the same
    compiled statement runs again, psycopg's transformer. A connection is used by one caller at a
    time (it is checked out of the pool or owned by a transaction), so one cursor is enough."""

    nexo_cursor: Any = None
    #: the statistics of the client whose pool made this connection (see :mod:`nexo.client.metrics`)
    nexo_stats: QueryStats | None = None
    #: compiled statement -> (psycopg's converted query, its transformer), see :func:`_run_lean`
    nexo_statements: dict[str, tuple[Any, Any]] | None = None
    #: the client's choice about prepared statements (see :mod:`nexo.client.pooler`)
    nexo_policy: PreparePolicy | None = None


_F = TypeVar("_F", bound=Callable[..., Any])


def counted(method: _F) -> _F:
    """A client or model-actions method whose calls are client operations in the metrics
    (``prisma_client_queries_total`` and ``_duration_histogram_ms``), timed from call to result."""

    @functools.wraps(method)
    async def operation(self: Any, *args: Any, **kwargs: Any) -> Any:
        t0 = clock()
        try:
            return await method(self, *args, **kwargs)
        finally:
            getattr(self, "_client", self)._stats.operation(clock() - t0)

    return cast(_F, operation)


async def _configure(conn: psycopg.AsyncConnection[Any]) -> int:
    """Per-connection setup: uuid values come back as ``str`` (Prisma's String @db.Uuid), and the
    session runs in UTC, so timestamps are read as UTC-aware datetimes (Prisma stores UTC). Returns
    the server's process id (a pooler announces another one at login: see :mod:`nexo.client.pooler`)."""
    conn.adapters.register_loader("uuid", TextLoader)
    cur = await conn.execute("SELECT pg_backend_pid(), set_config('TimeZone', 'UTC', false)", prepare=False)
    row = await cur.fetchone()
    return int(row[0]) if row is not None else conn.info.backend_pid


async def _checkout(pool: AsyncConnectionPool) -> Any:
    """A connection from the pool, its wait counted in the client's metrics. getconn/putconn rather
    than ``async with pool.connection()``: the same checkout and return, without the context
    managers' own per-call cost (see :func:`_release`)."""
    t0 = clock()
    conn = await pool.getconn()
    stats = getattr(conn, "nexo_stats", None)
    if stats is not None:
        stats.waited(clock() - t0)
    return conn


class Executor:
    """Runs statements on the pool (autocommit, one round trip each)."""

    in_tx = False

    def __init__(self, pool: AsyncConnectionPool | None, log_queries: bool = False) -> None:
        self.pool = pool
        self.log_queries = log_queries

    def _pool(self) -> AsyncConnectionPool:
        if self.pool is None or self.pool.closed:
            raise ClientNotConnectedError()
        return self.pool

    async def fetch(
        self, sql: str, params: list[Any], model: ModelMeta | None = None, *, raw: bool = False, binary: bool = False
    ) -> tuple[list[tuple[Any, ...]], list[str], int]:
        if self.log_queries:
            query_log.info("%s %r", sql, params)
        pool = self._pool()
        conn = await _checkout(pool)
        try:
            out = await _run(conn, sql, params, model, raw, binary)
        except BaseException:
            await _release(pool, conn, False)
            raise
        await _release(pool, conn, True)
        return out

    async def fetch_batched(self, plan: Plan, params: list[Any], values: list[Any], model: ModelMeta) -> list[Any]:
        """The rows of a compiled read with batched includes (:class:`~nexo.client.compiler.RelationBatch`):
        its statement, then one statement per batched relation and level, on one connection."""
        pool = self._pool()
        conn = await _checkout(pool)
        try:
            rows = await _fetch_tree(conn, plan.sql, params, plan.batches, values, model, self.log_queries)
        except BaseException:
            await _release(pool, conn, False)
            raise
        await _release(pool, conn, True)
        return rows

    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[Executor]:
        """A transaction for the statements of one nested write or batch."""
        async with self._pool().connection() as conn:
            ex = TxExecutor(conn, None, self.log_queries)
            await _run(conn, "BEGIN", [], None, False)
            try:
                yield ex
            except BaseException:
                if not conn.closed:
                    await conn.execute("ROLLBACK")
                raise
            else:
                await _run(conn, "COMMIT", [], None, False)


async def _release(pool: AsyncConnectionPool, conn: psycopg.AsyncConnection[Any], ok: bool) -> None:
    """Give a connection back to the pool as leaving ``async with pool.connection()`` would: a
    transaction left open by the statement (only a raw ``BEGIN`` can do that on these autocommit
    connections) is committed, or rolled back after an error; then ``putconn``."""
    try:
        if not conn.closed and conn.pgconn.transaction_status != IDLE:
            if ok:
                await conn.commit()
            else:
                try:
                    await conn.rollback()
                except Exception as exc:
                    log.warning("error ignored in rollback: %s", mask_text(str(exc)))
    finally:
        await pool.putconn(conn)


async def _run(
    conn: psycopg.AsyncConnection[Any],
    sql: str,
    params: list[Any],
    model: ModelMeta | None,
    raw: bool,
    binary: bool = False,
) -> tuple[list[tuple[Any, ...]], list[str], int]:
    """Execute one statement; ``binary`` asks for results in binary format (compiled reads, whose
    select lists only hold types with binary loaders that give the same values as text)."""
    stats = getattr(conn, "nexo_stats", None)
    if stats is not None:
        stats.started()
        t0 = clock()
    policy = getattr(conn, "nexo_policy", None)
    prepare = None
    if policy is not None and policy.active:  # behind a pooler: see nexo.client.pooler
        prepare = policy.prepare(conn.pgconn.transaction_status != IDLE, sql)
    try:
        if (
            binary
            and LEAN
            and isinstance(conn, _Connection)
            and conn.autocommit
            and conn._pipeline is None
            and not conn.closed
        ):
            return await _run_lean(conn, sql, params, prepare)
        cur = getattr(conn, "nexo_cursor", None)
        if cur is None or conn.closed:
            cur = conn.cursor()  # on a closed connection: psycopg's own "connection is closed" error
            if isinstance(conn, _Connection):
                conn.nexo_cursor = cur
        await cur.execute(sql, params or None, binary=binary, prepare=prepare)
        res = cur.pgresult
        if res is None or res.status != TUPLES_OK:
            rows: list[tuple[Any, ...]] = []
            names = NO_NAMES
        else:
            rows = await cur.fetchall()
            # column names only for raw queries: building psycopg's description costs per call
            names = [d.name for d in cur.description] if raw and cur.description else NO_NAMES
        count = cur.rowcount
        cur._reset()  # drop the result (the kept cursor would hold it until the next statement)
        return rows, names, count
    except psycopg.OperationalError as exc:
        if exc.sqlstate is None:
            raise EngineConnectionError(mask_text(str(exc))) from None
        if policy is not None and prepare is None and policy.lost_statement(exc) and _retry_safe(conn):
            return await _run(conn, sql, params, model, raw, binary)
        raise map_db_error(exc, model, raw=raw) from None
    except psycopg.Error as exc:
        if policy is not None and prepare is None and policy.lost_statement(exc) and _retry_safe(conn):
            return await _run(conn, sql, params, model, raw, binary)  # now unprepared: it did not run
        raise map_db_error(exc, model, raw=raw) from None
    finally:
        if stats is not None:
            stats.finished(clock() - t0)


def _retry_safe(conn: psycopg.AsyncConnection[Any]) -> bool:
    """After a lost prepared statement: outside a transaction the statement did not run, so it may run again."""
    return not conn.closed and conn.pgconn.transaction_status == IDLE


async def _run_lean(
    conn: _Connection, sql: str, params: list[Any], prepare: bool | None = None
) -> tuple[list[tuple[Any, ...]], list[str], int]:
    """One compiled statement with binary results, the way ``cursor.execute`` + ``fetchall`` runs
    it, minus the cursor: psycopg's converted query (placeholders, dumpers) and transformer are
    kept per connection and statement, the statement is prepared through the connection's own
    prepared-statement manager (same threshold, names, eviction and invalidation as psycopg's
    cursors, which share it), results are read straight off the transformer. On a connection
    in autocommit mode outside pipeline mode (the client's own); errors are psycopg's, mapped by
    :func:`_run`."""
    async with conn.lock:
        kept = conn.nexo_statements
        if kept is None:
            kept = conn.nexo_statements = {}
        got = kept.get(sql)
        if got is None:
            if len(kept) >= LEAN_STATEMENTS:
                kept.clear()
            tx = Transformer(conn)
            pgq = PostgresQuery(tx)
            pgq.convert(sql, params or None)
            kept[sql] = (pgq, tx)
        else:
            pgq, tx = got
            if params:
                pgq.dump(params)
        pgconn = conn.pgconn
        manager = conn._prepared
        prep, name = manager.get(pgq, prepare)
        if prep is Prepare.NO:
            pgconn.send_query_params(
                pgq.query, pgq.params, param_formats=pgq.formats, param_types=pgq.types, result_format=BINARY
            )
        else:
            if prep is Prepare.SHOULD:
                pgconn.send_prepare(name, pgq.query, param_types=pgq.types)
                for res in await conn.wait(pq_execute(pgconn)):
                    if res.status == FATAL_ERROR:
                        raise psycopg.errors.error_from_result(res, encoding=tx.encoding)
            pgconn.send_query_prepared(name, pgq.params, param_formats=pgq.formats, result_format=BINARY)
        key = manager.maybe_add_to_cache(pgq, prep, name)
        results = await conn.wait(pq_execute(pgconn))
        if key is not None:
            manager.validate(key, prep, name, results)
        if getattr(manager, "_to_flush", True):  # statements to deallocate (psycopg 3.3 keeps them there)
            await conn.wait(manager.maintain_gen(conn))
        if not results:
            raise psycopg.InternalError("got no result from the query")
        for res in results:
            if res.status != TUPLES_OK and res.status != COMMAND_OK:
                raise psycopg.errors.error_from_result(res, encoding=tx.encoding)
        res = results[-1]
        if res.status != TUPLES_OK:
            count = res.command_tuples
            return [], NO_NAMES, -1 if count is None else count
        n = res.ntuples
        tx.set_pgresult(res)
        rows: list[tuple[Any, ...]] = tx.load_rows(0, n, tuple)
        tx.set_pgresult(None)  # the kept transformer does not hold on to the result
        return rows, NO_NAMES, n


async def _fetch_tree(
    conn: psycopg.AsyncConnection[Any],
    sql: str,
    params: list[Any],
    batches: list[RelationBatch],
    values: list[Any],
    model: ModelMeta,
    logged: bool,
) -> list[Any]:
    """Rows of one statement (binary results) with their batched relations attached, level by level."""
    if logged:
        query_log.info("%s %r", sql, params)
    rows: list[Any] = (await _run(conn, sql, params, model, False, True))[0]
    if not rows or not batches:
        return rows
    rows = [list(r) for r in rows]
    for batch in batches:
        pos = batch.pos
        keys = list(dict.fromkeys(r[pos] for r in rows if r[pos] is not None))
        related: list[Any] = []
        if keys:
            args = list(values)
            args.append(keys)
            related = await _fetch_tree(conn, batch.sql, bind(batch.specs, args), batch.batches, values, model, logged)
        attach_batch(rows, batch, related)
    return rows


class TxExecutor(Executor, TxState):
    """Runs statements on one connection inside an open transaction (with an optional deadline)."""

    in_tx = True

    def __init__(self, conn: psycopg.AsyncConnection[Any], deadline: float | None, log_queries: bool = False) -> None:
        super().__init__(None, log_queries)
        self.conn = conn
        self.deadline = deadline
        self.closed = False
        self.expired = False
        self.savepoints = 0

    async def fetch(
        self, sql: str, params: list[Any], model: ModelMeta | None = None, *, raw: bool = False, binary: bool = False
    ) -> tuple[list[tuple[Any, ...]], list[str], int]:
        self.check()
        if self.log_queries:
            query_log.info("%s %r", sql, params)
        try:
            return await _run(self.conn, sql, params, model, raw, binary)
        except TransactionExpiredError:
            self.expired = True
            raise

    async def fetch_batched(self, plan: Plan, params: list[Any], values: list[Any], model: ModelMeta) -> list[Any]:
        self.check()
        try:
            return await _fetch_tree(self.conn, plan.sql, params, plan.batches, values, model, self.log_queries)
        except TransactionExpiredError:
            self.expired = True
            raise

    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[Executor]:
        self.check()
        self.savepoints += 1
        name = f"nexo_sp{self.savepoints}"
        await _run(self.conn, f"SAVEPOINT {name}", [], None, False)
        try:
            yield self
        except BaseException:
            if not self.conn.closed and not self.closed:
                await self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            raise
        else:
            await _run(self.conn, f"RELEASE SAVEPOINT {name}", [], None, False)


__all__ = ["Executor", "TxExecutor"]
