# GENERATED from nexo/client/engine.py by nexo/client/_codegen.py: do not edit.
# Regenerate with: python -m nexo.client._codegen
"""The synchronous client runtime (generated twin of engine.py): executor, actions, nested writes, transactions, batches, tenants.

This module is the ONE source of the runtime. ``nexo/client/engine_sync.py`` is generated from
it by ``nexo/client/_codegen.py`` (``async``/``await`` removed, async names mapped to their sync
twins); a test checks the committed file equals the transformer's output. Keep to constructs the
transformer understands: no ``asyncio`` calls, only names listed in ``_codegen.RENAMES``.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import time
import warnings
from collections.abc import Iterator, Callable
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, Literal, TypeVar, cast, overload

import psycopg
from psycopg.adapt import Transformer
from psycopg.types.string import TextLoader
from psycopg_pool import ConnectionPool

try:  # psycopg's own query conversion, prepared-statement bookkeeping and result generator
    from psycopg._preparing import Prepare as _Prepare
    from psycopg._preparing import PrepareManager as _PrepareManager
    from psycopg._queries import PostgresQuery as _PostgresQuery
    from psycopg.generators import execute as _pq_execute

    # private API: used only on the psycopg versions it was written and tested against
    _LEAN = tuple(int(p) for p in psycopg.__version__.split(".")[:2]) in ((3, 2), (3, 3)) and all(
        hasattr(_PrepareManager, a) for a in ("get", "maybe_add_to_cache", "validate", "maintain_gen")
    )
except ImportError:  # another psycopg layout: every statement goes through a cursor
    _LEAN = False

from nexo.client import codec
from nexo.client.compiler import (
    Plan,
    RelationBatch,
    RowPlan,
    Slot,
    _now,
    bind,
    check_required,
    check_unique,
    compile_count,
    compile_delete,
    compile_find,
    compile_group_by,
    compile_insert,
    compile_insert_many,
    compile_link,
    compile_select_keys,
    compile_unlink_all,
    compile_update,
    fill_create_defaults,
    shape_values,
    skeletonize,
    split_data,
)
from nexo.client.datasource import connection_error, parse_datasource
from nexo.client.errors import (
    AlreadyConnectedError,
    ClientNotConnectedError,
    DataError,
    EngineConnectionError,
    MissingRequiredValueError,
    PrismaError,
    RecordNotFoundError,
    TransactionError,
    TransactionExpiredError,
    TransactionNotStartedError,
    map_db_error,
)
from nexo.client.meta import ModelMeta, RelationMeta, SchemaMeta
from nexo.client.metrics import Metrics, QueryStats, collect, to_prometheus
from nexo.client.models import ModelShape, ShapeRegistry
from nexo.client.pooler import PreparePolicy
from nexo.client.support import user_stacklevel
from nexo.client.tenantguard import check_raw_sql
from nexo.db.urls import mask_text, mask_url

log = logging.getLogger("nexo.client")
query_log = logging.getLogger("prisma")

ISOLATION_LEVELS = {
    "READ UNCOMMITTED": "READ UNCOMMITTED",
    "READ COMMITTED": "READ COMMITTED",
    "REPEATABLE READ": "REPEATABLE READ",
    "SERIALIZABLE": "SERIALIZABLE",
    "READUNCOMMITTED": "READ UNCOMMITTED",
    "READCOMMITTED": "READ COMMITTED",
    "REPEATABLEREAD": "REPEATABLE READ",
}
_TUPLES_OK = psycopg.pq.ExecStatus.TUPLES_OK
_COMMAND_OK = psycopg.pq.ExecStatus.COMMAND_OK
_FATAL_ERROR = psycopg.pq.ExecStatus.FATAL_ERROR
_BINARY = psycopg.pq.Format.BINARY
#: statements kept converted per connection by :func:`_run_lean` (beyond this many, start afresh)
LEAN_STATEMENTS = 512
_IDLE = psycopg.pq.TransactionStatus.IDLE
_NO_NAMES: list[str] = []
#: up to this many parent rows (``take``), find_many loads includes as JSON in one statement
#: rather than in batches: measured by bench/include_cutover.py (take 1..20, 10 children per
#: parent, the two strategies interleaved): batched/JSON 0.90x at take 1, 0.94x at 2, 0.99x at 3
#: (even), 1.01-1.05x at 4-5, 1.27x at 10 and ~1.5x at 20, i.e. batches win from 4 parents on
FEW_ROWS = 3
_clock = time.perf_counter
NOT_FOUND = "An operation failed because it depends on one or more records that were required but not found."
Factory = Callable[[str, dict[str, Any]], Any]


def _seconds(v: timedelta | float | int | None) -> float | None:
    if v is None:
        return None
    if isinstance(v, timedelta):
        return v.total_seconds()
    if isinstance(v, int):
        warnings.warn(
            "Passing an int as a timeout is deprecated; it is taken as milliseconds",
            DeprecationWarning,
            stacklevel=user_stacklevel(),
        )
        return v / 1000
    return float(v)


def pool_settings(url: str) -> tuple[str, dict[str, Any]]:
    """A psycopg conninfo from a Prisma datasource URL, and pool options from its parameters
    (see :mod:`nexo.client.datasource`): ``search_path``, ``max_size``, ``timeout``,
    ``prepare_threshold`` (None: no prepared statements), ``prepared_max``, ``pgbouncer``."""
    ds = parse_datasource(url)
    opts: dict[str, Any] = {}
    if ds.search_path is not None:
        opts["search_path"] = ds.search_path
    if ds.max_size is not None:
        opts["max_size"] = ds.max_size
    if ds.pool_timeout is not None:
        opts["timeout"] = ds.pool_timeout
    if ds.pgbouncer is not None:
        opts["pgbouncer"] = ds.pgbouncer
    if ds.pgbouncer or ds.statement_cache_size == 0:
        opts["prepare_threshold"] = None
    elif ds.statement_cache_size is not None:
        opts["prepared_max"] = ds.statement_cache_size
    return ds.conninfo, opts


class _Connection(psycopg.Connection[Any]):
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
    def operation(self: Any, *args: Any, **kwargs: Any) -> Any:
        t0 = _clock()
        try:
            return method(self, *args, **kwargs)
        finally:
            getattr(self, "_client", self)._stats.operation(_clock() - t0)

    return cast(_F, operation)


def _configure(conn: psycopg.Connection[Any]) -> int:
    """Per-connection setup: uuid values come back as ``str`` (Prisma's String @db.Uuid), and the
    session runs in UTC, so timestamps are read as UTC-aware datetimes (Prisma stores UTC). Returns
    the server's process id (a pooler announces another one at login: see :mod:`nexo.client.pooler`)."""
    conn.adapters.register_loader("uuid", TextLoader)
    cur = conn.execute("SELECT pg_backend_pid(), set_config('TimeZone', 'UTC', false)", prepare=False)
    row = cur.fetchone()
    return int(row[0]) if row is not None else conn.info.backend_pid


# ====================================================================== executors


def _checkout(pool: ConnectionPool) -> Any:
    """A connection from the pool, its wait counted in the client's metrics. getconn/putconn rather
    than ``async with pool.connection()``: the same checkout and return, without the context
    managers' own per-call cost (see :func:`_release`)."""
    t0 = _clock()
    conn = pool.getconn()
    stats = getattr(conn, "nexo_stats", None)
    if stats is not None:
        stats.waited(_clock() - t0)
    return conn


class Executor:
    """Runs statements on the pool (autocommit, one round trip each)."""

    in_tx = False

    def __init__(self, pool: ConnectionPool | None, log_queries: bool = False) -> None:
        self.pool = pool
        self.log_queries = log_queries

    def _pool(self) -> ConnectionPool:
        if self.pool is None or self.pool.closed:
            raise ClientNotConnectedError()
        return self.pool

    def fetch(
        self, sql: str, params: list[Any], model: ModelMeta | None = None, *, raw: bool = False, binary: bool = False
    ) -> tuple[list[tuple[Any, ...]], list[str], int]:
        if self.log_queries:
            query_log.info("%s %r", sql, params)
        pool = self._pool()
        conn = _checkout(pool)
        try:
            out = _run(conn, sql, params, model, raw, binary)
        except BaseException:
            _release(pool, conn, False)
            raise
        _release(pool, conn, True)
        return out

    def fetch_batched(self, plan: Plan, params: list[Any], values: list[Any], model: ModelMeta) -> list[Any]:
        """The rows of a compiled read with batched includes (:class:`~nexo.client.compiler.RelationBatch`):
        its statement, then one statement per batched relation and level, on one connection."""
        pool = self._pool()
        conn = _checkout(pool)
        try:
            rows = _fetch_tree(conn, plan.sql, params, plan.batches, values, model, self.log_queries)
        except BaseException:
            _release(pool, conn, False)
            raise
        _release(pool, conn, True)
        return rows

    @contextmanager
    def atomic(self) -> Iterator[Executor]:
        """A transaction for the statements of one nested write or batch."""
        with self._pool().connection() as conn:
            ex = TxExecutor(conn, None, self.log_queries)
            _run(conn, "BEGIN", [], None, False)
            try:
                yield ex
            except BaseException:
                if not conn.closed:
                    conn.execute("ROLLBACK")
                raise
            else:
                _run(conn, "COMMIT", [], None, False)


def _release(pool: ConnectionPool, conn: psycopg.Connection[Any], ok: bool) -> None:
    """Give a connection back to the pool as leaving ``async with pool.connection()`` would: a
    transaction left open by the statement (only a raw ``BEGIN`` can do that on these autocommit
    connections) is committed, or rolled back after an error; then ``putconn``."""
    try:
        if not conn.closed and conn.pgconn.transaction_status != _IDLE:
            if ok:
                conn.commit()
            else:
                try:
                    conn.rollback()
                except Exception as exc:
                    log.warning("error ignored in rollback: %s", mask_text(str(exc)))
    finally:
        pool.putconn(conn)


def _run(
    conn: psycopg.Connection[Any],
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
        t0 = _clock()
    policy = getattr(conn, "nexo_policy", None)
    prepare = None
    if policy is not None and policy.active:  # behind a pooler: see nexo.client.pooler
        prepare = policy.prepare(conn.pgconn.transaction_status != _IDLE, sql)
    try:
        if (
            binary
            and _LEAN
            and isinstance(conn, _Connection)
            and conn.autocommit
            and conn._pipeline is None
            and not conn.closed
        ):
            return _run_lean(conn, sql, params, prepare)
        cur = getattr(conn, "nexo_cursor", None)
        if cur is None or conn.closed:
            cur = conn.cursor()  # on a closed connection: psycopg's own "connection is closed" error
            if isinstance(conn, _Connection):
                conn.nexo_cursor = cur
        cur.execute(sql, params or None, binary=binary, prepare=prepare)
        res = cur.pgresult
        if res is None or res.status != _TUPLES_OK:
            rows: list[tuple[Any, ...]] = []
            names = _NO_NAMES
        else:
            rows = cur.fetchall()
            # column names only for raw queries: building psycopg's description costs per call
            names = [d.name for d in cur.description] if raw and cur.description else _NO_NAMES
        count = cur.rowcount
        cur._reset()  # drop the result (the kept cursor would hold it until the next statement)
        return rows, names, count
    except psycopg.OperationalError as exc:
        if exc.sqlstate is None:
            raise EngineConnectionError(mask_text(str(exc))) from None
        if policy is not None and prepare is None and policy.lost_statement(exc) and _retry_safe(conn):
            return _run(conn, sql, params, model, raw, binary)
        raise map_db_error(exc, model, raw=raw) from None
    except psycopg.Error as exc:
        if policy is not None and prepare is None and policy.lost_statement(exc) and _retry_safe(conn):
            return _run(conn, sql, params, model, raw, binary)  # now unprepared: it did not run
        raise map_db_error(exc, model, raw=raw) from None
    finally:
        if stats is not None:
            stats.finished(_clock() - t0)


def _retry_safe(conn: psycopg.Connection[Any]) -> bool:
    """After a lost prepared statement: outside a transaction the statement did not run, so it may run again."""
    return not conn.closed and conn.pgconn.transaction_status == _IDLE


def _run_lean(
    conn: _Connection, sql: str, params: list[Any], prepare: bool | None = None
) -> tuple[list[tuple[Any, ...]], list[str], int]:
    """One compiled statement with binary results, the way ``cursor.execute`` + ``fetchall`` runs
    it, minus the cursor: psycopg's converted query (placeholders, dumpers) and transformer are
    kept per connection and statement, the statement is prepared through the connection's own
    prepared-statement manager (same threshold, names, eviction and invalidation as psycopg's
    cursors, which share it), results are read straight off the transformer. On a connection
    in autocommit mode outside pipeline mode (the client's own); errors are psycopg's, mapped by
    :func:`_run`."""
    with conn.lock:
        kept = conn.nexo_statements
        if kept is None:
            kept = conn.nexo_statements = {}
        got = kept.get(sql)
        if got is None:
            if len(kept) >= LEAN_STATEMENTS:
                kept.clear()
            tx = Transformer(conn)
            pgq = _PostgresQuery(tx)
            pgq.convert(sql, params or None)
            kept[sql] = (pgq, tx)
        else:
            pgq, tx = got
            if params:
                pgq.dump(params)
        pgconn = conn.pgconn
        manager = conn._prepared
        prep, name = manager.get(pgq, prepare)
        if prep is _Prepare.NO:
            pgconn.send_query_params(
                pgq.query, pgq.params, param_formats=pgq.formats, param_types=pgq.types, result_format=_BINARY
            )
        else:
            if prep is _Prepare.SHOULD:
                pgconn.send_prepare(name, pgq.query, param_types=pgq.types)
                for res in conn.wait(_pq_execute(pgconn)):
                    if res.status == _FATAL_ERROR:
                        raise psycopg.errors.error_from_result(res, encoding=tx.encoding)
            pgconn.send_query_prepared(name, pgq.params, param_formats=pgq.formats, result_format=_BINARY)
        key = manager.maybe_add_to_cache(pgq, prep, name)
        results = conn.wait(_pq_execute(pgconn))
        if key is not None:
            manager.validate(key, prep, name, results)
        if getattr(manager, "_to_flush", True):  # statements to deallocate (psycopg 3.3 keeps them there)
            conn.wait(manager.maintain_gen(conn))
        if not results:
            raise psycopg.InternalError("got no result from the query")
        for res in results:
            if res.status != _TUPLES_OK and res.status != _COMMAND_OK:
                raise psycopg.errors.error_from_result(res, encoding=tx.encoding)
        res = results[-1]
        if res.status != _TUPLES_OK:
            count = res.command_tuples
            return [], _NO_NAMES, -1 if count is None else count
        n = res.ntuples
        tx.set_pgresult(res)
        rows: list[tuple[Any, ...]] = tx.load_rows(0, n, tuple)
        tx.set_pgresult(None)  # the kept transformer does not hold on to the result
        return rows, _NO_NAMES, n


def _fetch_tree(
    conn: psycopg.Connection[Any],
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
    rows: list[Any] = (_run(conn, sql, params, model, False, True))[0]
    if not rows or not batches:
        return rows
    rows = [list(r) for r in rows]
    for b in batches:
        p = b.pos
        keys = list(dict.fromkeys(r[p] for r in rows if r[p] is not None))
        related: list[Any] = []
        if keys:
            args = list(values)
            args.append(keys)
            related = _fetch_tree(conn, b.sql, bind(b.specs, args), b.batches, values, model, logged)
        k = b.key
        if b.many:
            groups: dict[Any, list[Any]] = {}
            for c in related:
                g = groups.get(c[k])
                if g is None:
                    groups[c[k]] = [c]
                else:
                    g.append(c)
            for r in rows:
                r[p] = groups.get(r[p], ())
        else:
            one = {c[k]: c for c in related}
            for r in rows:
                r[p] = one.get(r[p])
    return rows


class TxExecutor(Executor):
    """Runs statements on one connection inside an open transaction (with an optional deadline)."""

    in_tx = True

    def __init__(self, conn: psycopg.Connection[Any], deadline: float | None, log_queries: bool = False) -> None:
        super().__init__(None, log_queries)
        self.conn = conn
        self.deadline = deadline
        self.closed = False
        self.expired = False
        self.savepoints = 0

    def check(self) -> None:
        if self.closed:
            if self.expired:
                raise TransactionExpiredError(
                    "Transaction already closed: the transaction timed out and was rolled back."
                )
            raise TransactionExpiredError(
                "Transaction already closed: a query cannot be executed on a closed transaction."
            )
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.expired = True
            raise TransactionExpiredError("Transaction already closed: the timeout for this transaction was exceeded.")

    def fetch(
        self, sql: str, params: list[Any], model: ModelMeta | None = None, *, raw: bool = False, binary: bool = False
    ) -> tuple[list[tuple[Any, ...]], list[str], int]:
        self.check()
        if self.log_queries:
            query_log.info("%s %r", sql, params)
        try:
            return _run(self.conn, sql, params, model, raw, binary)
        except TransactionExpiredError:
            self.expired = True
            raise

    def fetch_batched(self, plan: Plan, params: list[Any], values: list[Any], model: ModelMeta) -> list[Any]:
        self.check()
        try:
            return _fetch_tree(self.conn, plan.sql, params, plan.batches, values, model, self.log_queries)
        except TransactionExpiredError:
            self.expired = True
            raise

    @contextmanager
    def atomic(self) -> Iterator[Executor]:
        self.check()
        self.savepoints += 1
        name = f"nexo_sp{self.savepoints}"
        _run(self.conn, f"SAVEPOINT {name}", [], None, False)
        try:
            yield self
        except BaseException:
            if not self.conn.closed and not self.closed:
                self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            raise
        else:
            _run(self.conn, f"RELEASE SAVEPOINT {name}", [], None, False)


# ====================================================================== client


class Client:
    """A connected runtime for one schema: model actions, raw SQL, transactions, tenant sessions.

    ``Client(meta, url)``; ``await client.connect()``; ``client.model("User").find_many(...)``.
    ``model_factory(model_name, row_dict)`` (optional) turns result rows into model instances.

    Generated clients subclass it: they set :attr:`_shapes` (their model classes) and list in
    :attr:`_LAZY` the per-model attributes they cache on the instance, which a transaction's
    child client must not inherit."""

    _shapes: ShapeRegistry | None = None
    _LAZY: tuple[str, ...] = ()
    #: find_many loads includes in batches (False: as JSON in one statement, like find_unique;
    #: ``bench/client.py`` measures both). Set before the first call: plans are cached.
    _batch_includes = True
    #: the transaction manager and batch classes (generated clients use typed subclasses)
    _TX_MANAGER: type[TransactionManager] | None = None
    _BATCH: type[Batch] | None = None

    def __init__(
        self,
        meta: SchemaMeta | dict[str, Any],
        datasource_url: str | None = None,
        *,
        model_factory: Factory | None = None,
        min_size: int = 1,
        max_size: int = 10,
        connect_timeout: timedelta | float = timedelta(seconds=10),
        tenant_setting: str | None = None,
        log_queries: bool = False,
        tenant_guard: bool = False,
    ) -> None:
        self.meta = meta if isinstance(meta, SchemaMeta) else SchemaMeta.from_dict(meta)
        self.datasource_url = datasource_url
        self.model_factory = model_factory
        self.min_size = min_size
        self.max_size = max_size
        self.connect_timeout = _seconds(connect_timeout) or 10.0
        self.tenant_setting = tenant_setting or self.meta.tenant_setting
        #: refuse raw SQL that can change the tenant setting inside a tenant session (nexo.client.tenantguard)
        self.tenant_guard = tenant_guard
        self.log_queries = log_queries
        self._executor: Executor = Executor(None, log_queries)
        self._pool: ConnectionPool | None = None
        self._cache: dict[Any, Plan] = {}
        self._actions: dict[str, ModelActions] = {}
        self._tx: TransactionManager | None = None
        #: statements, durations and pool waits, for :meth:`get_metrics` (shared with transaction clients)
        self._stats = QueryStats()
        #: prepared statements or not, behind a pooler (see :mod:`nexo.client.pooler`)
        self._policy = PreparePolicy()
        self._prepared_max: int | None = None

    # ------------------------------------------------------------ lifecycle
    def _resolve_url(self) -> str:
        """The URL to connect to: the one given, else the schema's ``env("...")`` variable or literal URL."""
        if self.datasource_url:
            return self.datasource_url
        env = self.meta.datasource_env
        if env:
            url = os.environ.get(env)
            if url:
                return url
            raise ClientNotConnectedError(
                f"The datasource URL comes from the environment variable {env}, which is not set: set it "
                f"(in the environment or in .env), or pass Prisma(datasource={{'url': ...}})"
            )
        if self.meta.datasource_url:
            return self.meta.datasource_url
        raise ClientNotConnectedError("No datasource URL given: pass datasource_url or set DATABASE_URL")

    def connect(self, timeout: timedelta | float | None = None) -> None:
        if self._pool is not None and not self._pool.closed:
            raise AlreadyConnectedError("Already connected to the database")
        url = self._resolve_url()
        conninfo, opts = pool_settings(url)
        kwargs: dict[str, Any] = {"autocommit": True}
        if "search_path" in opts:
            kwargs["options"] = f"-c search_path={opts['search_path']}"
        if "prepare_threshold" in opts:
            kwargs["prepare_threshold"] = opts["prepare_threshold"]
        self._policy = PreparePolicy(opts.get("pgbouncer"), 0 if "prepare_threshold" in opts else None)
        self._prepared_max = opts.get("prepared_max")
        try:  # one connection first: a wrong password or database fails now, with what the server said
            probe = psycopg.Connection.connect(conninfo, **kwargs)
        except psycopg.OperationalError as exc:
            raise connection_error(url, exc) from None
        probe.close()
        pool: ConnectionPool = (
            ConnectionPool(  # of _Connection (the annotation keeps the pool type of the client)
                conninfo,
                min_size=min(self.min_size, opts.get("max_size", self.max_size)),
                max_size=opts.get("max_size", self.max_size),
                timeout=opts.get("timeout", 30.0),
                kwargs=kwargs,
                configure=self._configure_connection,
                connection_class=_Connection,
                open=False,
            )
        )
        try:
            pool.open(wait=True, timeout=_seconds(timeout) or self.connect_timeout)
        except Exception as exc:
            pool.close()
            raise EngineConnectionError(f"Can't reach the database at {mask_url(url)}: {mask_text(str(exc))}") from None
        self._pool = pool
        self._executor = Executor(pool, self.log_queries)

    def _configure_connection(self, conn: psycopg.Connection[Any]) -> None:
        pid = _configure(conn)
        if self._prepared_max is not None:
            conn._prepared.prepared_max = self._prepared_max
        policy = self._policy
        policy.connection_seen(conn, conn.info.backend_pid, pid)
        if isinstance(conn, _Connection):
            conn.nexo_stats = self._stats
            conn.nexo_policy = policy

    @overload
    def get_metrics(
        self, format: Literal["json"] = "json", *, global_labels: dict[str, str] | None = None
    ) -> Metrics: ...

    @overload
    def get_metrics(
        self, format: Literal["prometheus"], *, global_labels: dict[str, str] | None = None
    ) -> str: ...

    def get_metrics(self, format: str = "json", *, global_labels: dict[str, str] | None = None) -> Metrics | str:
        """Prisma Client Python's ``get_metrics()``: a :class:`~nexo.client.metrics.Metrics` (``format='json'``)
        or the Prometheus text (``'prometheus'``), from this client's own counters and its pool's
        statistics (see :mod:`nexo.client.metrics` for what each key measures)."""
        if format not in ("json", "prometheus"):
            raise ValueError(f"Unknown metrics format {format!r}: expected 'json' or 'prometheus'")
        pool = self._pool
        m = collect(self._stats, pool.get_stats() if pool is not None and not pool.closed else None, global_labels)
        return m if format == "json" else to_prometheus(m)

    def disconnect(self, timeout: timedelta | float | None = None) -> None:
        if self._pool is not None:
            self._pool.close(timeout=_seconds(timeout) or 5.0)
        self._pool = None
        self._executor = Executor(None, self.log_queries)

    def is_connected(self) -> bool:
        return self._pool is not None and not self._pool.closed

    def is_transaction(self) -> bool:
        return self._tx is not None

    def __enter__(self) -> Client:
        self.connect()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.is_connected():
            self.disconnect()

    def _child(self, executor: Executor, tx: TransactionManager) -> Client:
        c = object.__new__(type(self))
        c.__dict__.update(self.__dict__)
        for name in self._LAZY:
            c.__dict__.pop(name, None)
        c._executor = executor
        c._actions = {}
        c._tx = tx
        return c

    # ------------------------------------------------------------ access
    def model(self, name: str, factory: Callable[[dict[str, Any]], Any] | None = None) -> ModelActions:
        """The actions of one model (dict results, or ``factory(row)`` / the client's model_factory)."""
        if factory is None:
            got = self._actions.get(name)
            if got is None:
                self.meta.model(name)
                got = self._actions[name] = ModelActions(self, name)
            return got
        self.meta.model(name)
        return ModelActions(self, name, factory)

    def typed_model(self, name: str, cls: Any) -> ModelActions:
        """The actions of one model returning instances of the pydantic class ``cls`` (generated
        clients: ``db.user`` and ``User.prisma()``)."""
        if self._shapes is None:
            raise TypeError(f"{type(self).__name__} has no model classes; use model() for dict results")
        return ModelActions(self, name, shape=self._shapes.shape(name, cls))

    def tx(
        self,
        *,
        max_wait: timedelta | float = timedelta(seconds=2),
        timeout: timedelta | float | None = timedelta(seconds=5),
        isolation_level: str | None = None,
    ) -> TransactionManager:
        """An interactive transaction: ``async with client.tx() as tx: ...`` (commit, or rollback on error)."""
        if self._tx is not None:
            warnings.warn(
                "The current client is already in a transaction. This can lead to surprising behaviour.",
                UserWarning,
                stacklevel=user_stacklevel(),
            )
        return (self._TX_MANAGER or TransactionManager)(
            self, max_wait=max_wait, timeout=timeout, isolation_level=isolation_level
        )

    def tenant(
        self,
        account_id: Any,
        *,
        max_wait: timedelta | float = timedelta(seconds=10),
        timeout: timedelta | float | None = None,
        isolation_level: str | None = None,
    ) -> TransactionManager:
        """A tenant session: every call through it runs in one transaction whose first statement
        is ``SELECT set_config(<tenant_setting>, account_id, true)`` (transaction-local)."""
        if account_id is None or str(account_id) == "":
            raise DataError("tenant() needs an account id")
        return (self._TX_MANAGER or TransactionManager)(
            self, max_wait=max_wait, timeout=timeout, isolation_level=isolation_level, tenant=str(account_id)
        )

    def batch_(self) -> Batch:
        return (self._BATCH or Batch)(self)

    # ------------------------------------------------------------ raw SQL
    @counted
    def query_raw(self, query: str, *args: Any, model: Any = None) -> list[Any]:
        if self.tenant_guard and self._tx is not None and self._tx.tenant is not None:
            check_raw_sql(query, self.tenant_setting)
        sql, params = convert_placeholders(query, args)
        rows, names, _ = self._executor.fetch(sql, params, raw=True)
        out = [{n: codec.raw_value(v) for n, v in zip(names, r, strict=True)} for r in rows]
        if model is None:
            return out
        name = getattr(model, "__prisma_model__", None)
        if self._shapes is not None and isinstance(name, str) and name in self.meta.models:
            shape = self._shapes.shape(name, model)
            return [shape.validate(d) for d in out]
        return [_apply_model(model, d) for d in out]

    def query_first(self, query: str, *args: Any, model: Any = None) -> Any:
        rows = self.query_raw(query, *args, model=model)
        return rows[0] if rows else None

    @counted
    def execute_raw(self, query: str, *args: Any) -> int:
        if self.tenant_guard and self._tx is not None and self._tx.tenant is not None:
            check_raw_sql(query, self.tenant_setting)
        sql, params = convert_placeholders(query, args)
        _, _, count = self._executor.fetch(sql, params, raw=True)
        return max(count, 0)

    # ------------------------------------------------------------ internals
    def _plan(self, key: Any, make: Callable[[], Plan]) -> Plan:
        plan = self._cache.get(key)
        if plan is None:
            plan = make()
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[key] = plan
        return plan


def _apply_model(model: Any, d: dict[str, Any]) -> Any:
    validate = getattr(model, "model_validate", None)
    if validate is not None:
        return validate(d)
    return model(d)


_PLACEHOLDER = re.compile(
    r"""(?P<skip>'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|/\*.*?\*/|(?P<dq>\$[A-Za-z_]*\$).*?(?P=dq))|(?P<ph>\$(?P<n>\d+))|(?P<pct>%)""",
    re.S,
)


def convert_placeholders(query: str, args: tuple[Any, ...]) -> tuple[str, list[Any]]:
    """PostgreSQL ``$n`` placeholders as psycopg ``%s`` (args reordered, ``%`` escaped), leaving
    string literals, quoted identifiers, dollar-quoted bodies and comments untouched."""
    params: list[Any] = []

    def sub(m: re.Match[str]) -> str:
        if m.group("skip") is not None:
            return m.group("skip").replace("%", "%%")
        if m.group("pct") is not None:
            return "%%"
        n = int(m.group("n"))
        if n < 1 or n > len(args):
            raise DataError(f"Raw query placeholder ${n} has no argument ({len(args)} given)")
        params.append(codec.raw_param(args[n - 1]))
        return "%s"

    return _PLACEHOLDER.sub(sub, query), params


# ====================================================================== transactions


class TransactionManager:
    """Starts, commits and rolls back one interactive transaction (or tenant session)."""

    def __init__(
        self,
        client: Client,
        *,
        max_wait: timedelta | float,
        timeout: timedelta | float | None,
        isolation_level: str | None,
        tenant: str | None = None,
    ) -> None:
        self.client = client
        self.max_wait = _seconds(max_wait) or 2.0
        self.timeout = _seconds(timeout)
        level = None
        if isolation_level is not None:
            level = ISOLATION_LEVELS.get(isolation_level.upper().replace("_", " ").strip()) or ISOLATION_LEVELS.get(
                isolation_level.upper().replace("_", "").replace(" ", "")
            )
            if level is None:
                raise DataError(
                    f"Unknown isolation level {isolation_level!r}; use one of {sorted(set(ISOLATION_LEVELS.values()))}"
                )
        self.isolation_level = level
        self.tenant = tenant
        self._ex: TxExecutor | None = None
        self._conn: psycopg.Connection[Any] | None = None

    def start(self) -> Client:
        pool = self.client._executor._pool() if not isinstance(self.client._executor, TxExecutor) else self.client._pool
        if pool is None or pool.closed:
            raise ClientNotConnectedError()
        try:
            conn = pool.getconn(timeout=self.max_wait)
        except Exception as exc:
            raise TransactionExpiredError(
                f"Transaction could not start within max_wait ({self.max_wait}s): {exc}"
            ) from None
        self._conn = conn
        logged = self.client.log_queries
        try:
            begin = "BEGIN" + (f" ISOLATION LEVEL {self.isolation_level}" if self.isolation_level else "")
            if logged:
                query_log.info("%s %r", begin, [])
            _run(conn, begin, [], None, False)
            settings = []
            params: list[Any] = []
            if self.tenant is not None:
                # the tenant first: the transaction's first statement scopes it to the tenant
                settings.append("set_config(%s, %s, true)")
                params += [self.client.tenant_setting, self.tenant]
            if self.timeout is not None:
                settings.append("set_config('statement_timeout', %s, true)")
                params.append(str(max(int(self.timeout * 1000), 1)))
            if settings:
                stmt = "SELECT " + ", ".join(settings)
                if logged:
                    query_log.info("%s %r", stmt, params)
                _run(conn, stmt, params, None, False)
        except BaseException:
            pool.putconn(conn)
            self._conn = None
            raise
        deadline = time.monotonic() + self.timeout if self.timeout is not None else None
        self._ex = TxExecutor(conn, deadline, self.client.log_queries)
        return self.client._child(self._ex, self)

    def _release(self) -> None:
        pool = self.client._pool
        if self._conn is not None and pool is not None:
            pool.putconn(self._conn)
        self._conn = None

    def commit(self) -> None:
        ex = self._ex
        if ex is None:
            raise TransactionNotStartedError("Transaction has not been started: call start() first")
        try:
            ex.check()
        except TransactionExpiredError:
            self._finish("ROLLBACK")
            raise
        if self._conn is not None and self._conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
            self._finish("ROLLBACK")
            raise TransactionError(
                "The transaction was aborted by a failed statement inside it; everything in it was rolled back."
            )
        self._finish("COMMIT")

    def rollback(self) -> None:
        if self._ex is None:
            raise TransactionNotStartedError("Transaction has not been started: call start() first")
        self._finish("ROLLBACK")

    def _finish(self, stmt: str) -> None:
        ex = self._ex
        if ex is None or ex.closed:
            if stmt == "COMMIT":
                raise TransactionExpiredError("Transaction already closed: it was committed or rolled back before.")
            return
        ex.closed = True
        try:
            if self._conn is not None and not self._conn.closed:
                _run(self._conn, stmt, [], None, False)
        except PrismaError as exc:
            if stmt == "COMMIT":
                self._safe_rollback()
                self._release()
                raise TransactionExpiredError(f"Transaction could not commit: {exc}") from None
        finally:
            self._release()

    def _safe_rollback(self) -> None:
        try:
            if self._conn is not None and not self._conn.closed:
                self._conn.execute("ROLLBACK")
        except Exception:
            log.exception("rollback failed")

    def __enter__(self) -> Client:
        return self.start()

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.commit()
            return
        try:
            self._finish("ROLLBACK")
        except Exception:
            log.exception("rollback failed")


# ====================================================================== batch


class Batch:
    """Queued writes sent together in one transaction on ``commit()`` (results are discarded)."""

    def __init__(self, client: Client) -> None:
        # private names: generated subclasses add one attribute per model (a model may be called Client)
        self._client = client
        self._ops: list[tuple[str | None, str, tuple[Any, ...], dict[str, Any]]] = []

    def model(self, name: str) -> BatchActions:
        self._client.meta.model(name)
        return BatchActions(self, name)

    def execute_raw(self, query: str, *args: Any) -> None:
        self._ops.append((None, "execute_raw", (query, *args), {}))

    def commit(self) -> None:
        ops, self._ops = self._ops, []
        if not ops:
            return
        with self._client._executor.atomic() as ex:
            client = self._client._child(ex, self._client._tx)  # type: ignore[arg-type]
            for model, action, args, kwargs in ops:
                if model is None:
                    client.execute_raw(*args)
                    continue
                actions = ModelActions(client, model, raise_not_found=True)
                getattr(actions, action)(*args, **kwargs)

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.commit()


class BatchActions:
    """The write actions of one model, queued on a :class:`Batch`."""

    def __init__(self, batch: Batch, model: str) -> None:
        self._batch = batch
        self._model = model

    def _q(self, action: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._batch._ops.append((self._model, action, args, kwargs))

    def create(self, data: Any, include: Any = None) -> None:
        self._q("create", (data,), {"include": include})

    def create_many(self, data: Any, *, skip_duplicates: bool | None = None) -> None:
        self._q("create_many", (data,), {"skip_duplicates": skip_duplicates})

    def update(self, data: Any, where: Any, include: Any = None) -> None:
        self._q("update", (data, where), {"include": include})

    def upsert(self, where: Any, data: Any, include: Any = None) -> None:
        self._q("upsert", (where, data), {"include": include})

    def delete(self, where: Any, include: Any = None) -> None:
        self._q("delete", (where,), {"include": include})

    def update_many(self, data: Any, where: Any) -> None:
        self._q("update_many", (data, where), {})

    def delete_many(self, where: Any = None) -> None:
        self._q("delete_many", (where,), {})


# ====================================================================== actions


def _given(**kw: Any) -> dict[str, Any]:
    return {k: v for k, v in kw.items() if v is not None}


class ModelActions:
    """Prisma Client Python's actions for one model, on dicts (signatures as in client-api.md §3.1)."""

    def __init__(
        self,
        client: Client,
        model: str,
        factory: Callable[[dict[str, Any]], Any] | None = None,
        *,
        raise_not_found: bool = False,
        shape: ModelShape | None = None,
    ) -> None:
        self._client = client
        self._name = model
        self._m = client.meta.model(model)
        self._shape = shape
        mf = client.model_factory
        if shape is not None:
            self._factory: Callable[[dict[str, Any]], Any] | None = shape.build
        elif factory is not None:
            self._factory = factory
        elif mf is not None:
            self._factory = lambda row: mf(model, row)
        else:
            self._factory = None
        self._raise_not_found = raise_not_found

    # ------------------------------------------------------------ helpers
    def _out(self, row: dict[str, Any] | None) -> Any:
        if row is None or self._factory is None:
            return row
        return self._factory(row)

    def _shaped(self, args: dict[str, Any]) -> dict[str, Any]:
        """Arguments adapted to a partial model class: only its columns, also in included relations."""
        shape = self._shape
        if shape is None or "select" in args:
            return args
        if shape.select is not None:
            args["select"] = shape.select
        if "include" in args and (not shape.fast or shape.select is not None):
            args["include"] = shape.adapt_include(args["include"])
        return args

    def _read(
        self, kind: str, args: dict[str, Any], compile_fn: Callable[[SchemaMeta, str, Any], Plan]
    ) -> tuple[Plan, list[tuple[Any, ...]]]:
        shape, values = shape_values(args)
        key = (kind, self._name, shape)
        client = self._client
        plan = client._cache.get(key)
        if plan is None:
            plan = client._plan(key, lambda: compile_fn(client.meta, self._name, skeletonize(args)[0]))
        rows, _, _ = client._executor.fetch(plan.sql, bind(plan.specs, values), self._m, binary=plan.binary)
        return plan, rows

    def _find(self, args: dict[str, Any], unique: bool = False, first: bool = False) -> list[Any]:
        """The result rows: model instances for typed actions, else dicts (see :meth:`_out`).

        Includes of ``find_many`` load in batches, one query per relation and level; those of
        ``find_unique``/``find_first`` and of ``find_many`` with ``take`` of at most
        :data:`FEW_ROWS` (a few parent rows) as JSON in the one statement (see
        :mod:`nexo.client.compiler`; ``bench/client.py`` measures both)."""
        shape = self._shape
        if shape is not None and (shape.select is not None or not shape.fast):
            args = self._shaped(args)
        key_shape, values = shape_values(args)
        client = self._client
        take = args.get("take")
        if unique:
            kind = "find_unique"
        elif first or not client._batch_includes or (type(take) is int and -FEW_ROWS <= take <= FEW_ROWS):
            kind = "find_json"  # a few parent rows: a second round trip costs more than the JSON
        else:
            kind = "find"
        key = (kind, self._name, key_shape)
        plan = client._cache.get(key)
        if plan is None:
            batch = len(values) if kind == "find" else None
            plan = client._plan(
                key, lambda: compile_find(client.meta, self._name, skeletonize(args)[0], unique=unique, batch=batch)
            )
        if plan.batches:
            rows = client._executor.fetch_batched(plan, bind(plan.specs, values), values, self._m)
        else:
            rows, _, _ = client._executor.fetch(plan.sql, bind(plan.specs, values), self._m, binary=True)
        rp = plan.rows
        assert rp is not None
        if shape is not None:
            build = rp.builders.get(shape)
            if build is None:
                build = rp.builders[shape] = shape.row_builder(rp.keys, rp.decoders)
            out = build(rows)
        elif self._factory is not None:
            f = self._factory
            out = [f(rp.row(r)) for r in rows]
        else:
            out = [rp.row(r) for r in rows]
        if plan.reverse:
            out.reverse()
        return out

    def _exec(self, ex: Executor, plan: Plan) -> tuple[list[dict[str, Any]], int]:
        rows, _, count = ex.fetch(plan.sql, bind(plan.specs, []), self._m, binary=plan.binary)
        rp = plan.rows
        return ([rp.row(r) for r in rows] if rp is not None else []), count

    def _not_found(self, what: str) -> RecordNotFoundError:
        return RecordNotFoundError(f"{NOT_FOUND} {what}", meta={"cause": what, "modelName": self._name})

    # ------------------------------------------------------------ reads
    @counted
    def find_unique(self, where: Any, include: Any = None, *, select: Any = None) -> Any:
        args = {"where": where}
        if include is not None:
            args["include"] = include
        if select is not None:
            args["select"] = select
        rows = self._find(args, True)
        return rows[0] if rows else None

    @counted
    def find_unique_or_raise(self, where: Any, include: Any = None, *, select: Any = None) -> Any:
        rows = self._find(_given(where=where, include=include, select=select), unique=True)
        if not rows:
            raise self._not_found(f"Expected a record, found none ({self._name} where {where!r}).")
        return rows[0]

    @counted
    def find_first(
        self,
        skip: Any = None,
        where: Any = None,
        cursor: Any = None,
        include: Any = None,
        order: Any = None,
        distinct: Any = None,
        *,
        select: Any = None,
    ) -> Any:
        rows = self._find(
            _given(
                take=1,
                skip=skip,
                where=where,
                cursor=cursor,
                include=include,
                order=order,
                distinct=distinct,
                select=select,
            ),
            first=True,
        )
        return rows[0] if rows else None

    def find_first_or_raise(
        self,
        skip: Any = None,
        where: Any = None,
        cursor: Any = None,
        include: Any = None,
        order: Any = None,
        distinct: Any = None,
        *,
        select: Any = None,
    ) -> Any:
        got = self.find_first(skip, where, cursor, include, order, distinct, select=select)
        if got is None:
            raise self._not_found(f"Expected a record, found none ({self._name}).")
        return got

    @counted
    def find_many(
        self,
        take: Any = None,
        skip: Any = None,
        where: Any = None,
        cursor: Any = None,
        include: Any = None,
        order: Any = None,
        distinct: Any = None,
        *,
        select: Any = None,
    ) -> list[Any]:
        # the arguments given, built without _given(): this is the hottest entry point
        args: dict[str, Any] = {}
        if take is not None:
            args["take"] = take
        if skip is not None:
            args["skip"] = skip
        if where is not None:
            args["where"] = where
        if cursor is not None:
            args["cursor"] = cursor
        if include is not None:
            args["include"] = include
        if order is not None:
            args["order"] = order
        if distinct is not None:
            args["distinct"] = distinct
        if select is not None:
            args["select"] = select
        return self._find(args)

    @counted
    def count(
        self,
        select: Any = None,
        take: Any = None,
        skip: Any = None,
        where: Any = None,
        cursor: Any = None,
    ) -> Any:
        args = _given(take=take, skip=skip, where=where, cursor=cursor)
        if select is not None:
            args["select"] = {k: bool(v) for k, v in select.items()}
        plan, rows = self._read("count", args, compile_count)
        keys = plan.extra.get("keys")
        if keys is None:
            return int(rows[0][0])
        return {k: int(v) for k, v in zip(keys, rows[0], strict=True)}

    @counted
    def group_by(
        self,
        by: Any,
        *,
        where: Any = None,
        take: Any = None,
        skip: Any = None,
        avg: Any = None,
        sum: Any = None,
        min: Any = None,
        max: Any = None,
        having: Any = None,
        count: Any = None,
        order: Any = None,
    ) -> Any:
        args = _given(
            by=list(by),
            where=where,
            take=take,
            skip=skip,
            avg=avg,
            sum=sum,
            min=min,
            max=max,
            having=having,
            count=count,
            order=order,
        )
        plan, rows = self._read("group_by", args, compile_group_by)
        keys = plan.extra["keys"]
        decs = plan.extra["decs"]
        out = []
        for r in rows:
            d: dict[str, Any] = {}
            for (k, sub), dec, v in zip(keys, decs, r, strict=True):
                v = v if dec is None else dec(v)
                if sub is None:
                    d[k] = v
                else:
                    d.setdefault(k, {})[sub] = v
            out.append(d)
        return out

    # ------------------------------------------------------------ writes
    @counted
    def create(self, data: Any, include: Any = None, *, select: Any = None) -> Any:
        m = self._m
        scalars, rels = split_data(m, data)
        if not rels:
            fill_create_defaults(m, scalars)
            check_required(m, scalars, set())
            plan, rows = self._insert_rows(self._client._executor, m, scalars, include, select)
            return self._one(plan, rows[0])
        with self._client._executor.atomic() as ex:
            row = self._create_row(ex, m, data, include, select)
        return self._out(row)

    def _one(self, plan: Plan, r: tuple[Any, ...]) -> Any:
        """One result row of a write, straight into the output (model instance or dict)."""
        rp = plan.rows
        assert rp is not None
        shape = self._shape
        if shape is not None:
            build = rp.builders.get(shape)
            if build is None:
                build = rp.builders[shape] = shape.row_builder(rp.keys, rp.decoders)
            return build([r])[0]
        return self._out(rp.row(r))

    @counted
    def create_many(self, data: Any, *, skip_duplicates: bool | None = None) -> int:
        if not data:
            return 0
        rows = []
        for item in data:
            scalars, rels = split_data(self._m, item)
            if rels:
                raise DataError(
                    f"create_many does not take relation fields ({', '.join(rels)}); use their foreign keys"
                )
            fill_create_defaults(self._m, scalars)
            check_required(self._m, scalars, set())
            rows.append(scalars)
        plan = compile_insert_many(self._client.meta, self._name, rows, bool(skip_duplicates))
        _, _, count = self._client._executor.fetch(plan.sql, bind(plan.specs, []), self._m)
        return count

    @counted
    def update(self, data: Any, where: Any, include: Any = None, *, select: Any = None) -> Any:
        check_unique(self._m, where)
        try:
            scalars, rels = split_data(self._m, data)
            if not rels:
                self._touch(self._m, scalars)
                plan, rows = self._update_rows(self._client._executor, self._m, scalars, where, include, select)
                if not rows:
                    if self._raise_not_found:
                        raise self._not_found("Record to update not found.")
                    return None
                return self._one(plan, rows[0])
            else:
                with self._client._executor.atomic() as ex:
                    row = self._update_row(ex, self._m, data, where, include, select)
        except RecordNotFoundError:
            if self._raise_not_found:
                raise
            return None
        if row is None and self._raise_not_found:
            raise self._not_found("Record to update not found.")
        return self._out(row)

    @counted
    def update_many(self, data: Any, where: Any) -> int:
        scalars, rels = split_data(self._m, data)
        if rels:
            raise DataError(f"update_many does not take relation fields ({', '.join(rels)})")
        self._touch(self._m, scalars)
        plan = compile_update(self._client.meta, self._name, scalars, where, many=True)
        rows, _, count = self._client._executor.fetch(plan.sql, bind(plan.specs, []), self._m)
        if plan.extra.get("count"):
            return int(rows[0][0])
        return count

    @counted
    def upsert(self, where: Any, data: Any, include: Any = None, *, select: Any = None) -> Any:
        check_unique(self._m, where)
        if not isinstance(data, dict) or "create" not in data or "update" not in data:
            raise DataError("upsert data needs both 'create' and 'update'")
        with self._client._executor.atomic() as ex:
            found = self._keys(ex, self._m, where, lock=True)
            row: dict[str, Any] | None
            if found is None:
                row = self._create_row(ex, self._m, data["create"], include, select)
            else:
                row = self._update_row(ex, self._m, data["update"], where, include, select)
        return self._out(row)

    @counted
    def delete(self, where: Any, include: Any = None, *, select: Any = None) -> Any:
        check_unique(self._m, where)
        plan = compile_delete(self._client.meta, self._name, where, include, select)
        rows, _ = self._exec(self._client._executor, plan)
        if not rows:
            if self._raise_not_found:
                raise self._not_found("Record to delete does not exist.")
            return None
        return self._out(rows[0])

    @counted
    def delete_many(self, where: Any = None) -> int:
        plan = compile_delete(self._client.meta, self._name, where or {}, many=True)
        _, count = self._exec(self._client._executor, plan)
        return count

    def query_raw(self, query: str, *args: Any) -> list[Any]:
        rows = self._client.query_raw(query, *args)
        if self._shape is not None:
            return [self._shape.validate(r) for r in rows]
        return [self._out(r) for r in rows]

    def query_first(self, query: str, *args: Any) -> Any:
        rows = self.query_raw(query, *args)
        return rows[0] if rows else None

    # ------------------------------------------------------------ nested writes
    @staticmethod
    def _touch(m: ModelMeta, scalars: dict[str, Any]) -> None:
        for name in m.updated_at:
            if name not in scalars:
                scalars[name] = _now()

    def _keys(
        self, ex: Executor, m: ModelMeta, where: Any, fields: list[str] | None = None, *, lock: bool = False
    ) -> dict[str, Any] | None:
        names = fields or [f.name for f in m.scalar_fields]
        plan = compile_select_keys(self._client.meta, m.name, where, names, lock=lock)
        rows, _, _ = ex.fetch(plan.sql, bind(plan.specs, []), m)
        if not rows:
            return None
        assert plan.rows is not None
        return plan.rows.row(rows[0])

    def _pk_where(self, m: ModelMeta, row: dict[str, Any]) -> dict[str, Any]:
        return {k: row[k] for k in m.id_fields}

    def _reselect(
        self, ex: Executor, m: ModelMeta, row: dict[str, Any], include: Any, select: Any
    ) -> dict[str, Any]:
        if not include and not select:
            return row
        meta = self._client.meta
        args = _given(where=self._pk_where(m, row), include=include, select=select)
        plan = compile_find(meta, m.name, args)
        rows, _, _ = ex.fetch(plan.sql, bind(plan.specs, []), m, binary=plan.binary)
        assert plan.rows is not None
        return plan.rows.row(rows[0])

    def _create_row(
        self,
        ex: Executor,
        m: ModelMeta,
        data: dict[str, Any],
        include: Any,
        select: Any,
        fk: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        meta = self._client.meta
        scalars, rels = split_data(m, data)
        if fk:
            scalars.update(fk)
        provided: set[str] = set(fk or ())
        after: list[tuple[RelationMeta, Any]] = []
        for name, ops in rels.items():
            r = m.relation(name)
            assert r is not None
            if ops is None:
                raise MissingRequiredValueError(
                    f"A value is required but not set for the relation: `{name}` of {m.name}", meta={"target": [name]}
                )
            if r.owns_fk:
                target = self._to_one_target(ex, r, ops)
                for lf, rf in zip(r.fields, r.references, strict=True):
                    scalars[lf] = target[rf]
                provided.update(r.fields)
            else:
                after.append((r, ops))
        fill_create_defaults(m, scalars)
        check_required(m, scalars, provided)
        if not after:
            return self._insert(ex, m, scalars, include, select)
        plan = compile_insert(meta, m.name, scalars)
        rows, _ = self._exec(ex, plan)
        row = rows[0]
        for r, ops in after:
            self._nested(ex, m, row, r, ops, creating=True)
        return self._reselect(ex, m, row, include, select)

    def _extra(self, include: Any, select: Any, start: int) -> tuple[Any, list[Any], Any]:
        """Shape key, values and skeleton of the include/select arguments of a write."""
        if not include and not select:
            return None, [], {}
        args = _given(include=include, select=select)
        shape, values = shape_values(args)
        return shape, values, args

    def _insert(
        self, ex: Executor, m: ModelMeta, scalars: dict[str, Any], include: Any, select: Any
    ) -> dict[str, Any]:
        plan, rows = self._insert_rows(ex, m, scalars, include, select)
        assert plan.rows is not None
        return plan.rows.row(rows[0])

    def _insert_rows(
        self, ex: Executor, m: ModelMeta, scalars: dict[str, Any], include: Any, select: Any
    ) -> tuple[Plan, list[tuple[Any, ...]]]:
        """INSERT one row; the statement is compiled once per shape (columns, include, select)."""
        client = self._client
        keys = tuple(scalars)
        values = [scalars[k] for k in keys]
        shape, extra, args = self._extra(include, select, len(keys))
        key = ("insert", m.name, keys, shape)
        plan = client._cache.get(key)
        if plan is None:

            def make() -> Plan:
                skel = skeletonize(args, len(keys))[0] if args else {}
                slots = {k: Slot(i) for i, k in enumerate(keys)}
                return compile_insert(client.meta, m.name, slots, skel.get("include"), skel.get("select"))

            plan = client._plan(key, make)
        rows, _, _ = ex.fetch(plan.sql, bind(plan.specs, values + extra), m, binary=plan.binary)
        return plan, rows

    def _update(
        self, ex: Executor, m: ModelMeta, scalars: dict[str, Any], where: Any, include: Any, select: Any
    ) -> dict[str, Any] | None:
        plan, rows = self._update_rows(ex, m, scalars, where, include, select)
        if not rows:
            return None
        assert plan.rows is not None
        return plan.rows.row(rows[0])

    def _update_rows(
        self, ex: Executor, m: ModelMeta, scalars: dict[str, Any], where: Any, include: Any, select: Any
    ) -> tuple[Plan, list[tuple[Any, ...]]]:
        """UPDATE the row ``where`` names (scalar fields only); compiled once per shape."""
        client = self._client
        ops: list[tuple[str, str | None]] = []
        values: list[Any] = []
        for k, v in scalars.items():
            f = m.field(k)
            if f is None or f.kind == "relation":
                raise DataError(f"Field '{k}' cannot be updated on model {m.name}")
            if v is None and f.is_required and not f.is_list:
                raise MissingRequiredValueError(
                    f"A value is required but not set for the field: `{k}` of {m.name}", meta={"target": [k]}
                )
            if isinstance(v, dict) and (f.type != "Json" or f.is_list):
                if len(v) != 1:
                    raise DataError(
                        f"Expected exactly one field to be present, got {len(v)} ({', '.join(map(str, v))}, "
                        f"in the update of '{k}')"
                    )
                ((op, x),) = v.items()
                ops.append((k, op))
                values.append(x)
            else:
                ops.append((k, None))
                values.append(v)
        wshape, wvalues = shape_values(where)
        shape, extra, args = self._extra(include, select, len(values) + len(wvalues))
        key = ("update", m.name, tuple(ops), wshape, shape)
        plan = client._cache.get(key)
        if plan is None:
            n = len(values)

            def make() -> Plan:
                sets = {k: (Slot(i) if op is None else {op: Slot(i)}) for i, (k, op) in enumerate(ops)}
                wskel = skeletonize(where, n)[0]
                skel = skeletonize(args, n + len(wvalues))[0] if args else {}
                return compile_update(client.meta, m.name, sets, wskel, skel.get("include"), skel.get("select"))

            plan = client._plan(key, make)
        rows, _, _ = ex.fetch(plan.sql, bind(plan.specs, values + wvalues + extra), m, binary=plan.binary)
        return plan, rows

    def _to_one_target(self, ex: Executor, r: RelationMeta, ops: Any) -> dict[str, Any]:
        """The row a to-one relation (FK on this side) should point to after create/connect."""
        t = self._client.meta.model(r.target)
        if not isinstance(ops, dict) or len(ops) != 1:
            raise DataError(f"Expected exactly one of create, connect, connect_or_create for relation '{r.field}'")
        ((op, body),) = ops.items()
        if op == "create":
            return self._create_row(ex, t, body, None, None)
        if op == "connect":
            found = self._keys(ex, t, body, list(r.references))
            if found is None:
                raise RecordNotFoundError(
                    f"{NOT_FOUND} No '{t.name}' record was found for a nested connect on relation '{r.field}'.",
                    meta={"cause": "nested connect", "relation": r.field},
                )
            return found
        if op == "connect_or_create":
            found = self._keys(ex, t, body["where"], list(r.references))
            if found is not None:
                return found
            return self._create_row(ex, t, body["create"], None, None)
        raise DataError(f"Unknown nested write '{op}' for relation '{r.field}'")

    def _update_row(
        self, ex: Executor, m: ModelMeta, data: dict[str, Any], where: Any, include: Any, select: Any
    ) -> dict[str, Any] | None:
        meta = self._client.meta
        scalars, rels = split_data(m, data)
        self._touch(m, scalars)
        if not rels:
            return self._update(ex, m, scalars, where, include, select)
        current = self._keys(ex, m, where, lock=True)
        if current is None:
            raise self._not_found("Record to update not found.")
        later: list[tuple[RelationMeta, Any]] = []
        deletes: list[tuple[ModelMeta, dict[str, Any]]] = []
        for name, ops in rels.items():
            r = m.relation(name)
            assert r is not None
            if not r.owns_fk:
                later.append((r, ops))
                continue
            t = meta.model(r.target)
            for op, body in ops.items():
                if op in ("create", "connect", "connect_or_create"):
                    target = self._to_one_target(ex, r, {op: body})
                    for lf, rf in zip(r.fields, r.references, strict=True):
                        scalars[lf] = target[rf]
                elif op == "disconnect":
                    if body:
                        if r.is_required:
                            raise DataError(f"The required relation '{r.field}' cannot be disconnected", code="P2014")
                        for lf in r.fields:
                            scalars[lf] = None
                elif op == "delete":
                    if body:
                        if r.is_required:
                            raise DataError(
                                f"The required relation '{r.field}' cannot be deleted through {m.name}", code="P2014"
                            )
                        tw = {rf: current[lf] for lf, rf in zip(r.fields, r.references, strict=True)}
                        for lf in r.fields:
                            scalars[lf] = None
                        deletes.append((t, tw))
                elif op == "update":
                    tw = {rf: current[lf] for lf, rf in zip(r.fields, r.references, strict=True)}
                    if any(v is None for v in tw.values()):
                        raise self._not_found(f"No '{t.name}' record is linked through '{r.field}' to update.")
                    self._update_nested(ex, t, body, tw)
                else:
                    raise DataError(f"Unknown nested write '{op}' for relation '{r.field}'")
        pk = self._pk_where(m, current)
        if scalars:
            plan = compile_update(meta, m.name, scalars, pk)
            rows, _ = self._exec(ex, plan)
            current = rows[0]
            pk = self._pk_where(m, current)
        for t, tw in deletes:
            plan = compile_delete(meta, t.name, tw, many=True)
            self._exec(ex, plan)
        for r, ops in later:
            self._nested(ex, m, current, r, ops, creating=False)
        return self._reselect(ex, m, current, include, select)

    def _update_nested(self, ex: Executor, t: ModelMeta, data: dict[str, Any], where: dict[str, Any]) -> None:
        got = self._update_row(ex, t, data, where, None, None)
        if got is None:
            raise self._not_found(f"No '{t.name}' record was found for a nested update.")

    def _nested(
        self, ex: Executor, m: ModelMeta, row: dict[str, Any], r: RelationMeta, ops: Any, *, creating: bool
    ) -> None:
        """Writes on a relation whose foreign key is on the other side (or an implicit m:n table)."""
        meta = self._client.meta
        t = meta.model(r.target)
        if not isinstance(ops, dict):
            raise DataError(f"Relation '{r.field}' takes a dict of nested writes")
        if r.is_m2m:
            self_id = row[m.id_fields[0]]
            parent: dict[str, Any] = {}
        else:
            parent = {bf: row[br] for bf, br in zip(r.back_fields, r.back_references, strict=True)}
        tid = t.id_fields[0] if t.id_fields else None

        def items(v: Any) -> list[Any]:
            return v if isinstance(v, list) else [v]

        def link(where: Any) -> None:
            if r.is_m2m:
                found = self._keys(ex, t, where, [tid])  # type: ignore[list-item]
                if found is None:
                    raise self._not_found(
                        f"No '{t.name}' record was found for a nested connect on relation '{r.field}'."
                    )
                ex.fetch(*_sqlp(compile_link(meta, r, self_id, found[tid])), m)  # type: ignore[index]
                return
            plan = compile_update(meta, t.name, dict(parent), where, many=True)
            _, _, n = ex.fetch(plan.sql, bind(plan.specs, []), t)
            if n == 0:
                raise self._not_found(f"No '{t.name}' record was found for a nested connect on relation '{r.field}'.")

        def owned(where: Any) -> Any:
            return {"AND": [where, parent]} if parent else where

        for op, body in ops.items():
            if op == "create":
                for item in items(body):
                    if r.is_m2m:
                        child = self._create_row(ex, t, item, None, None)
                        ex.fetch(*_sqlp(compile_link(meta, r, self_id, child[tid])), m)  # type: ignore[index]
                    else:
                        self._create_row(ex, t, item, None, None, fk=dict(parent))
            elif op == "connect":
                for item in items(body):
                    link(item)
            elif op == "connect_or_create":
                for item in items(body):
                    found = self._keys(ex, t, item["where"], list(t.id_fields))
                    if found is not None:
                        link(item["where"])
                    elif r.is_m2m:
                        child = self._create_row(ex, t, item["create"], None, None)
                        ex.fetch(*_sqlp(compile_link(meta, r, self_id, child[tid])), m)  # type: ignore[index]
                    else:
                        self._create_row(ex, t, item["create"], None, None, fk=dict(parent))
            elif creating:
                raise DataError(f"Nested '{op}' is only available in update (relation '{r.field}')")
            elif op == "set":
                if r.is_m2m:
                    ex.fetch(*_sqlp(compile_unlink_all(meta, r, self_id)), m)
                else:
                    self._detach(ex, t, r, parent, {})
                for item in items(body):
                    link(item)
            elif op == "disconnect":
                if not r.is_list:
                    if body:
                        self._detach(ex, t, r, parent, {})
                    continue
                for item in items(body):
                    if r.is_m2m:
                        found = self._keys(ex, t, item, [tid])  # type: ignore[list-item]
                        if found is not None:
                            ex.fetch(*_sqlp(compile_link(meta, r, self_id, found[tid], unlink=True)), m)  # type: ignore[index]
                    else:
                        self._detach(ex, t, r, parent, item)
            elif op == "delete":
                targets = [{}] if not r.is_list and body is True else ([] if body is False else items(body))
                for item in targets:
                    where = (
                        owned(item)
                        if not r.is_m2m
                        else {"AND": [item, {_m2m_back(t, r, m): {"some": self._pk_where(m, row)}}]}
                    )
                    plan = compile_delete(meta, t.name, where, many=True)
                    _, n = self._exec(ex, plan)
                    if n == 0 and r.is_list:
                        raise self._not_found(
                            f"No '{t.name}' record was found for a nested delete on relation '{r.field}'."
                        )
            elif op == "delete_many":
                for item in items(body):
                    where = (
                        owned(item)
                        if not r.is_m2m
                        else {"AND": [item, {_m2m_back(t, r, m): {"some": self._pk_where(m, row)}}]}
                    )
                    self._exec(ex, compile_delete(meta, t.name, where, many=True))
            elif op == "update":
                for item in items(body):
                    if r.is_list:
                        where, data = item["where"], item["data"]
                    else:
                        where, data = {}, item
                    where = (
                        owned(where)
                        if not r.is_m2m
                        else {"AND": [where, {_m2m_back(t, r, m): {"some": self._pk_where(m, row)}}]}
                    )
                    found = self._keys(ex, t, where, list(t.id_fields))
                    if found is None:
                        raise self._not_found(
                            f"No '{t.name}' record was found for a nested update on relation '{r.field}'."
                        )
                    self._update_row(ex, t, data, found, None, None)
            elif op == "update_many":
                for item in items(body):
                    where = owned(item.get("where") or {})
                    scalars, _ = split_data(t, item["data"])
                    self._touch(t, scalars)
                    self._exec(ex, compile_update(meta, t.name, scalars, where, many=True))
            else:
                raise DataError(f"Unknown nested write '{op}' for relation '{r.field}'")

    def _detach(self, ex: Executor, t: ModelMeta, r: RelationMeta, parent: dict[str, Any], where: Any) -> None:
        """Set the foreign key of ``t`` rows that point at the parent to NULL."""
        for bf in r.back_fields:
            f = t.field(bf)
            if f is not None and f.is_required:
                raise DataError(
                    f"The change you are trying to make would violate the required relation between {t.name} and its parent "
                    f"(field '{bf}' cannot be NULL)",
                    code="P2014",
                )
        meta = self._client.meta
        w = {"AND": [where, parent]} if where else parent
        plan = compile_update(meta, t.name, {bf: None for bf in r.back_fields}, w, many=True)
        _, _, n = ex.fetch(plan.sql, bind(plan.specs, []), t)
        if where and n == 0:
            return


def _m2m_back(t: ModelMeta, r: RelationMeta, m: ModelMeta) -> str:
    """The relation field on ``t`` that is the other side of the m:n relation ``r``."""
    for other in t.relations:
        if other.is_m2m and other.join_table == r.join_table and other.join_self == r.join_other:
            return other.field
    raise DataError(f"No back relation for '{r.field}' on {t.name}")


def _sqlp(plan: Plan) -> tuple[str, list[Any]]:
    return plan.sql, bind(plan.specs, [])


__all__ = [
    "Batch",
    "BatchActions",
    "Client",
    "Executor",
    "ModelActions",
    "RowPlan",
    "TransactionManager",
    "TxExecutor",
    "convert_placeholders",
    "pool_settings",
]
