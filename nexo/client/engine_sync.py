# GENERATED from nexo/client/engine.py by nexo/client/_codegen.py: do not edit.
# Regenerate with: python -m nexo.client._codegen
"""The synchronous client runtime (generated twin of engine.py): the client, interactive transactions, batches, tenant sessions.

The runtime's I/O halves are written once, async, in this module, :mod:`nexo.client.executor` and
:mod:`nexo.client.actions`; ``nexo/client/_codegen.py`` generates their sync twins
(``engine_sync.py``, ``executor_sync.py``, ``actions_sync.py``: ``async``/``await`` removed, async
names mapped to their sync twins), and a test checks the committed files equal the transformer's
output. Keep to constructs the transformer understands: no ``asyncio`` calls, only names listed in
``_codegen.RENAMES``. Everything that needs no I/O lives once in :mod:`nexo.client.engine_base`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, Literal, overload

import psycopg
from psycopg_pool import ConnectionPool

from nexo.client.actions_sync import ModelActions
from nexo.client.batch import BatchActions, BatchBase
from nexo.client.compiler import RowPlan
from nexo.client.datasource import connection_error
from nexo.client.engine_base import FEW_ROWS, ClientBase, log, query_log
from nexo.client.errors import (
    AlreadyConnectedError,
    ClientNotConnectedError,
    EngineConnectionError,
    PrismaError,
    TransactionError,
    TransactionExpiredError,
    TransactionNotStartedError,
)
from nexo.client.executor_sync import Executor, TxExecutor, _configure, _Connection, _run, counted
from nexo.client.metrics import Metrics
from nexo.client.placeholders import convert_placeholders
from nexo.client.routing import CITUS_PROBE, CITUS_ROUTING
from nexo.client.settings import pool_settings, seconds
from nexo.client.txbase import TransactionManagerBase, tenant_id
from nexo.db.urls import mask_text, mask_url

# ====================================================================== client


class Client(ClientBase):
    """A connected runtime for one schema: model actions, raw SQL, transactions, tenant sessions.

    ``Client(meta, url)``; ``await client.connect()``; ``client.model("User").find_many(...)``.
    ``model_factory(model_name, row_dict)`` (optional) turns result rows into model instances.

    Generated clients subclass it: they set :attr:`_shapes` (their model classes) and list in
    :attr:`_LAZY` the per-model attributes they cache on the instance, which a transaction's
    child client must not inherit."""

    _EXECUTOR = Executor
    #: the transaction manager and batch classes (generated clients use typed subclasses)
    _TX_MANAGER: type[TransactionManager] | None = None
    _BATCH: type[Batch] | None = None
    _executor: Executor
    _pool: ConnectionPool | None
    _actions: dict[str, ModelActions]
    _tx: TransactionManager | None

    # ------------------------------------------------------------ lifecycle
    def connect(self, timeout: timedelta | float | None = None) -> None:
        if self._pool is not None and not self._pool.closed:
            raise AlreadyConnectedError("Already connected to the database")
        url = self._resolve_url()
        conninfo, settings = self._pool_args(url)
        try:  # one connection first: a wrong password or database fails now, with what the server said
            probe = psycopg.Connection.connect(conninfo, **settings["kwargs"])
        except psycopg.OperationalError as exc:
            raise connection_error(url, exc) from None
        probe.close()
        pool: ConnectionPool = (
            ConnectionPool(  # of _Connection (the annotation keeps the pool type of the client)
                conninfo,
                **settings,
                configure=self._configure_connection,
                connection_class=_Connection,
                open=False,
            )
        )
        try:
            pool.open(wait=True, timeout=seconds(timeout) or self.connect_timeout)
        except Exception as exc:
            pool.close()
            raise EngineConnectionError(f"Can't reach the database at {mask_url(url)}: {mask_text(str(exc))}") from None
        self._pool = pool
        self._executor = Executor(pool, self.log_queries)
        self._citus = None
        self._routing = None

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
        return self._metrics(format, global_labels)

    def disconnect(self, timeout: timedelta | float | None = None) -> None:
        if self._pool is not None:
            self._pool.close(timeout=seconds(timeout) or 5.0)
        self._pool = None
        self._executor = Executor(None, self.log_queries)

    def __enter__(self) -> Client:
        self.connect()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.is_connected():
            self.disconnect()

    def _child(self, executor: Executor, tx: TransactionManager) -> Client:
        child: Client = self._child_of(executor, tx)
        return child

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
        self._check_tx()
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
        is ``SELECT set_config(<tenant_setting>, account_id, true)`` (transaction-local).

        On Citus: ``SET LOCAL`` (reaches the workers), and queries on distributed models get
        ``<distribution column> = account_id`` (where, included to-many relations) so each routes to one shard."""
        return (self._TX_MANAGER or TransactionManager)(
            self, max_wait=max_wait, timeout=timeout, isolation_level=isolation_level, tenant=tenant_id(account_id)
        )

    def batch_(self) -> Batch:
        return (self._BATCH or Batch)(self)

    # ------------------------------------------------------------ raw SQL
    @counted
    def query_raw(self, query: str, *args: Any, model: Any = None) -> list[Any]:
        self._guard_raw(query)
        sql, params = convert_placeholders(query, args)
        if self._raw_check_wanted():
            self._check_raw(sql, params)
        rows, names, _ = self._executor.fetch(sql, params, raw=True)
        return self._raw_rows(rows, names, model)

    def query_first(self, query: str, *args: Any, model: Any = None) -> Any:
        rows = self.query_raw(query, *args, model=model)
        return rows[0] if rows else None

    @counted
    def execute_raw(self, query: str, *args: Any) -> int:
        self._guard_raw(query)
        sql, params = convert_placeholders(query, args)
        if self._raw_check_wanted():
            self._check_raw(sql, params)
        _, _, count = self._executor.fetch(sql, params, raw=True)
        return max(count, 0)

    def _check_raw(self, sql: str, params: list[Any]) -> None:
        """``EXPLAIN`` of a raw statement in a tenant session on Citus (nothing runs), then warn or refuse when
        it is not single-shard (:mod:`nexo.client.citusraw`)."""
        plan, _, _ = self._executor.fetch("EXPLAIN " + sql, params, raw=True)
        self._raw_routing(sql, plan)


# ====================================================================== transactions


class TransactionManager(TransactionManagerBase):
    """Starts, commits and rolls back one interactive transaction (or tenant session)."""

    client: Client
    _ex: TxExecutor | None = None
    _conn: psycopg.Connection[Any] | None = None

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
            if self.tenant is not None and self.client._citus is None:
                rows, _, _ = _run(conn, CITUS_PROBE, [], None, False)
                self.client._citus = bool(rows[0][0])
                if self.client._citus:
                    rows, _, _ = _run(conn, CITUS_ROUTING, [], None, False)
                    self.client._set_routing(rows)
            begin, settings, params = self._opening()
            if logged:
                query_log.info("%s %r", begin, [])
            _run(conn, begin, [], None, False)
            for statement in self._citus_settings():
                if logged:
                    query_log.info("%s %r", statement, [])
                _run(conn, statement, [], None, False)
            if settings is not None:
                if logged:
                    query_log.info("%s %r", settings, params)
                _run(conn, settings, params, None, False)
        except BaseException:
            pool.putconn(conn)
            self._conn = None
            raise
        self._ex = TxExecutor(conn, self._deadline(), self.client.log_queries)
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


class Batch(BatchBase):
    """Queued writes sent together in one transaction on ``commit()`` (results are discarded)."""

    _client: Client

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


__all__ = [
    "FEW_ROWS",
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
