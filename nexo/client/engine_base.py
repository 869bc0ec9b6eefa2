"""The client runtime's code that does no I/O, written once for the async and the sync runtime.

As in psycopg, each runtime class has a base here that holds its state and everything that needs
no round trip to the database: plan lookup and compilation, result shaping, raw rows. The I/O halves
subclass these bases; they are written async (:mod:`nexo.client.executor`, :mod:`nexo.client.actions`,
:mod:`nexo.client.engine`) and generated sync (the ``*_sync`` twins, by :mod:`nexo.client._codegen`).

The other code without I/O lives in one module per job, and its names are re-exported here:
pool settings from a datasource URL (:mod:`nexo.client.settings`), ``$n`` placeholder conversion
(:mod:`nexo.client.placeholders`), isolation levels and the statements that open a transaction
(:mod:`nexo.client.txbase`), queued batch operations (:mod:`nexo.client.batch`) and the Citus tenant
routing (:mod:`nexo.client.routing`).
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import psycopg

try:  # psycopg's own query conversion, prepared-statement bookkeeping and result generator
    from psycopg._preparing import Prepare as _Prepare
    from psycopg._preparing import PrepareManager as _PrepareManager
    from psycopg._queries import PostgresQuery as _PostgresQuery
    from psycopg.generators import execute as _pq_execute

    Prepare = _Prepare
    PostgresQuery = _PostgresQuery
    pq_execute = _pq_execute
    # private API: used only on the psycopg versions it was written and tested against
    LEAN = tuple(int(p) for p in psycopg.__version__.split(".")[:2]) in ((3, 2), (3, 3)) and all(
        hasattr(_PrepareManager, a) for a in ("get", "maybe_add_to_cache", "validate", "maintain_gen")
    )
except ImportError:  # another psycopg layout: every statement goes through a cursor
    LEAN = False

from nexo.client import codec
from nexo.client.batch import BatchActions as BatchActions
from nexo.client.batch import BatchBase as BatchBase
from nexo.client.batch import BatchOp as BatchOp
from nexo.client.compiler import (
    Plan,
    RelationBatch,
    Slot,
    _now,
    bind,
    check_required,
    compile_find,
    compile_insert,
    compile_insert_many,
    compile_select_keys,
    compile_update,
    fill_create_defaults,
    shape_values,
    skeletonize,
    split_data,
)
from nexo.client.errors import (
    ClientNotConnectedError,
    DataError,
    MissingRequiredValueError,
    RecordNotFoundError,
)
from nexo.client.meta import ModelMeta, RelationMeta, SchemaMeta
from nexo.client.metrics import Metrics, QueryStats, collect, to_prometheus
from nexo.client.models import ModelShape, ShapeRegistry
from nexo.client.placeholders import convert_placeholders as convert_placeholders
from nexo.client.pooler import PreparePolicy
from nexo.client.routing import CITUS_PROBE as CITUS_PROBE
from nexo.client.routing import CITUS_ROUTING as CITUS_ROUTING
from nexo.client.routing import ActionsRouting, ClientRouting
from nexo.client.settings import pool_settings as pool_settings
from nexo.client.settings import seconds as seconds
from nexo.client.support import user_stacklevel
from nexo.client.txbase import ISOLATION_LEVELS as ISOLATION_LEVELS
from nexo.client.txbase import TransactionManagerBase as TransactionManagerBase
from nexo.client.txbase import TxState as TxState
from nexo.client.txbase import parse_isolation_level as parse_isolation_level
from nexo.client.txbase import tenant_id as tenant_id

log = logging.getLogger("nexo.client")
query_log = logging.getLogger("prisma")

TUPLES_OK = psycopg.pq.ExecStatus.TUPLES_OK
COMMAND_OK = psycopg.pq.ExecStatus.COMMAND_OK
FATAL_ERROR = psycopg.pq.ExecStatus.FATAL_ERROR
BINARY = psycopg.pq.Format.BINARY
IDLE = psycopg.pq.TransactionStatus.IDLE
#: statements kept converted per connection by the executor's lean path (beyond this many, start afresh)
LEAN_STATEMENTS = 512
NO_NAMES: list[str] = []
#: up to this many parent rows (``take``), find_many loads includes as JSON in one statement
#: rather than in batches: measured by bench/include_cutover.py (take 1..20, 10 children per
#: parent, the two strategies interleaved): batched/JSON 0.90x at take 1, 0.94x at 2, 0.99x at 3
#: (even), 1.01-1.05x at 4-5, 1.27x at 10 and ~1.5x at 20, i.e. batches win from 4 parents on
FEW_ROWS = 3
clock = time.perf_counter
NOT_FOUND = "An operation failed because it depends on one or more records that were required but not found."
Factory = Callable[[str, dict[str, Any]], Any]


def attach_batch(rows: list[list[Any]], batch: RelationBatch, related: list[Any]) -> None:
    """Replace each parent row's link key (at ``batch.pos``) with its related rows (``many``) or row."""
    pos = batch.pos
    key = batch.key
    if batch.many:
        groups: dict[Any, list[Any]] = {}
        for child in related:
            group = groups.get(child[key])
            if group is None:
                groups[child[key]] = [child]
            else:
                group.append(child)
        for r in rows:
            r[pos] = groups.get(r[pos], ())
    else:
        one = {child[key]: child for child in related}
        for r in rows:
            r[pos] = one.get(r[pos])


def apply_model(model: Any, d: dict[str, Any]) -> Any:
    validate = getattr(model, "model_validate", None)
    if validate is not None:
        return validate(d)
    return model(d)


def given(**kw: Any) -> dict[str, Any]:
    return {k: v for k, v in kw.items() if v is not None}


def m2m_back(t: ModelMeta, r: RelationMeta, m: ModelMeta) -> str:
    """The relation field on ``t`` that is the other side of the m:n relation ``r``."""
    for other in t.relations:
        if other.is_m2m and other.join_table == r.join_table and other.join_self == r.join_other:
            return other.field
    raise DataError(f"No back relation for '{r.field}' on {t.name}")


def sql_params(plan: Plan) -> tuple[str, list[Any]]:
    return plan.sql, bind(plan.specs, [])


# ====================================================================== client


class ClientBase(ClientRouting):
    """The state of a client and what it does without the database (see :class:`nexo.client.engine.Client`)."""

    _shapes: ShapeRegistry | None = None
    _LAZY: tuple[str, ...] = ()
    #: find_many loads includes in batches (False: as JSON in one statement, like find_unique;
    #: ``bench/client.py`` measures both). Set before the first call: plans are cached.
    _batch_includes = True
    #: the I/O half's executor class (set by the subclass)
    _EXECUTOR: Callable[[Any, bool], Any]
    # the I/O halves' attributes (typed by the subclasses)
    _executor: Any
    _pool: Any
    _tx: Any
    _actions: dict[str, Any]

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
        self.connect_timeout = seconds(connect_timeout) or 10.0
        self.tenant_setting = tenant_setting or self.meta.tenant_setting
        #: refuse raw SQL that can change the tenant setting inside a tenant session (nexo.client.tenantguard)
        self.tenant_guard = tenant_guard
        #: on Citus, plan raw SQL of tenant sessions first and warn / refuse when it is not single-shard
        #: (``None``, ``"warn"``, ``"error"``; see :mod:`nexo.client.citusraw`)
        self.citus_raw_check: str | None = None
        self.log_queries = log_queries
        self._executor = self._EXECUTOR(None, log_queries)
        self._pool = None
        #: whether the database is a Citus coordinator: ``None`` until the first tenant session of a pool asks
        self._citus: bool | None = None
        #: on Citus, model name → its distribution column's field (read with :data:`CITUS_ROUTING` once per pool)
        self._routing: dict[str, str] | None = None
        self._cache: dict[Any, Plan] = {}
        self._actions = {}
        self._tx = None
        #: statements, durations and pool waits, for :meth:`get_metrics` (shared with transaction clients)
        self._stats = QueryStats()
        #: prepared statements or not, behind a pooler (see :mod:`nexo.client.pooler`)
        self._policy = PreparePolicy()
        self._prepared_max: int | None = None

    def _resolve_url(self) -> str:
        """The URL to connect to: the one given, else the schema's ``env("...")`` variable (environment, the
        project's ``.env`` files), its literal URL, or the project's running embedded server (:mod:`.urlresolve`)."""
        if self.datasource_url:
            return self.datasource_url
        from nexo.client.urlresolve import resolve_url  # as the CLI: environment, .env files, embedded server

        env = self.meta.datasource_env
        url, tried = resolve_url(env, self.meta.datasource_url)
        if url:
            return url
        if env:
            raise ClientNotConnectedError(
                f"The datasource URL comes from the environment variable {env}, which is not set (looked in: "
                f"{'; '.join(tried)}): set it (in the environment or in .env), start the embedded server "
                f"(nexo db:up), or pass Prisma(datasource={{'url': ...}})"
            )
        raise ClientNotConnectedError("No datasource URL given: pass datasource_url or set DATABASE_URL")

    def _pool_args(self, url: str) -> tuple[str, dict[str, Any]]:
        """The conninfo and the pool's size, timeout and connection arguments for ``url``."""
        conninfo, opts = pool_settings(url)
        kwargs: dict[str, Any] = {"autocommit": True}
        if "search_path" in opts:
            kwargs["options"] = f"-c search_path={opts['search_path']}"
        if "prepare_threshold" in opts:
            kwargs["prepare_threshold"] = opts["prepare_threshold"]
        self._policy = PreparePolicy(opts.get("pgbouncer"), 0 if "prepare_threshold" in opts else None)
        self._prepared_max = opts.get("prepared_max")
        return conninfo, {
            "min_size": min(self.min_size, opts.get("max_size", self.max_size)),
            "max_size": opts.get("max_size", self.max_size),
            "timeout": opts.get("timeout", 30.0),
            "kwargs": kwargs,
        }

    def _metrics(self, format: str, global_labels: dict[str, str] | None) -> Metrics | str:
        if format not in ("json", "prometheus"):
            raise ValueError(f"Unknown metrics format {format!r}: expected 'json' or 'prometheus'")
        pool = self._pool
        m = collect(self._stats, pool.get_stats() if pool is not None and not pool.closed else None, global_labels)
        return m if format == "json" else to_prometheus(m)

    def is_connected(self) -> bool:
        return self._pool is not None and not self._pool.closed

    def is_transaction(self) -> bool:
        return self._tx is not None

    def _child_of(self, executor: Any, tx: Any) -> Any:
        """A copy of this client whose statements run on ``executor`` (a transaction's)."""
        c = object.__new__(type(self))
        c.__dict__.update(self.__dict__)
        for name in self._LAZY:
            c.__dict__.pop(name, None)
        c._executor = executor
        c._actions = {}
        c._tx = tx
        return c

    def _check_tx(self) -> None:
        if self._tx is not None:
            warnings.warn(
                "The current client is already in a transaction. This can lead to surprising behaviour.",
                UserWarning,
                stacklevel=user_stacklevel(),
            )

    def _raw_rows(self, rows: list[tuple[Any, ...]], names: list[str], model: Any) -> list[Any]:
        """Rows of a raw query as dicts, or as ``model`` instances."""
        out = [{n: codec.raw_value(v) for n, v in zip(names, r, strict=True)} for r in rows]
        if model is None:
            return out
        name = getattr(model, "__prisma_model__", None)
        if self._shapes is not None and isinstance(name, str) and name in self.meta.models:
            shape = self._shapes.shape(name, model)
            return [shape.validate(d) for d in out]
        return [apply_model(model, d) for d in out]

    def _plan(self, key: Any, make: Callable[[], Plan]) -> Plan:
        plan = self._cache.get(key)
        if plan is None:
            plan = make()
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[key] = plan
        return plan


# ====================================================================== actions


class ModelActionsBase(ActionsRouting):
    """One model's actions without the database: plans (compiled once per call shape), arguments
    and results (see :class:`nexo.client.actions.ModelActions`)."""

    def __init__(
        self,
        client: ClientBase,
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

    def _not_found(self, what: str) -> RecordNotFoundError:
        return RecordNotFoundError(f"{NOT_FOUND} {what}", meta={"cause": what, "modelName": self._name})

    # ------------------------------------------------------------ reads
    def _read_plan(
        self, kind: str, args: dict[str, Any], compile_fn: Callable[[SchemaMeta, str, Any], Plan]
    ) -> tuple[Plan, list[Any]]:
        """The plan of a count/group_by call and its parameters."""
        args = self._scope_args(args)
        shape, values = shape_values(args)
        key = (kind, self._name, shape)
        client = self._client
        plan = client._cache.get(key)
        if plan is None:
            plan = client._plan(key, lambda: compile_fn(client.meta, self._name, skeletonize(args)[0]))
        return plan, bind(plan.specs, values)

    def _find_plan(self, args: dict[str, Any], unique: bool, first: bool) -> tuple[Plan, list[Any], list[Any]]:
        """The plan of a find call, its parameters and the call's values.

        Includes of ``find_many`` load in batches, one query per relation and level; those of
        ``find_unique``/``find_first`` and of ``find_many`` with ``take`` of at most
        :data:`FEW_ROWS` (a few parent rows) as JSON in the one statement (see
        :mod:`nexo.client.compiler`; ``bench/client.py`` measures both)."""
        shape = self._shape
        if shape is not None and (shape.select is not None or not shape.fast):
            args = self._shaped(args)
        args = self._scope_args(args)
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
        return plan, bind(plan.specs, values), values

    def _found(self, plan: Plan, rows: list[Any]) -> list[Any]:
        """The result of a find: model instances for typed actions, else dicts (see :meth:`_out`)."""
        rp = plan.rows
        assert rp is not None
        shape = self._shape
        if shape is not None:
            build = rp.builders.get(shape)
            if build is None:
                build = rp.builders[shape] = shape.row_builder(rp.keys, rp.decoders)
            out = build(rows)
        elif self._factory is not None:
            factory = self._factory
            out = [factory(rp.row(r)) for r in rows]
        else:
            out = [rp.row(r) for r in rows]
        if plan.reverse:
            out.reverse()
        return out

    @staticmethod
    def _counted(plan: Plan, rows: list[tuple[Any, ...]]) -> Any:
        keys = plan.extra.get("keys")
        if keys is None:
            return int(rows[0][0])
        return {k: int(v) for k, v in zip(keys, rows[0], strict=True)}

    @staticmethod
    def _grouped(plan: Plan, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
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
    def _insert_many_plan(self, data: Any, skip_duplicates: bool | None) -> Plan:
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
        return compile_insert_many(self._client.meta, self._name, rows, bool(skip_duplicates))

    def _update_many_plan(self, data: Any, where: Any) -> Plan:
        where = self._scope_where(where)
        scalars, rels = split_data(self._m, data)
        if rels:
            raise DataError(f"update_many does not take relation fields ({', '.join(rels)})")
        self._touch(self._m, scalars)
        return compile_update(self._client.meta, self._name, scalars, where, many=True)

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

    @staticmethod
    def _touch(m: ModelMeta, scalars: dict[str, Any]) -> None:
        for name in m.updated_at:
            if name not in scalars:
                scalars[name] = _now()

    def _pk_where(self, m: ModelMeta, row: dict[str, Any]) -> dict[str, Any]:
        return {k: row[k] for k in m.id_fields}

    def _extra(self, include: Any, select: Any, start: int) -> tuple[Any, list[Any], Any]:
        """Shape key, values and skeleton of the include/select arguments of a write."""
        if not include and not select:
            return None, [], {}
        args = given(include=include, select=select)
        shape, values = shape_values(args)
        return shape, values, args

    def _keys_plan(self, m: ModelMeta, where: Any, fields: list[str] | None, lock: bool) -> Plan:
        names = fields or [f.name for f in m.scalar_fields]
        return compile_select_keys(self._client.meta, m.name, where, names, lock=lock)

    def _reselect_plan(self, m: ModelMeta, row: dict[str, Any], include: Any, select: Any) -> Plan:
        args = given(where=self._pk_where(m, row), include=include, select=select)
        scope = self._tenant_scope()
        if scope is not None:  # Citus: the included to-many relations carry the tenant filter too
            args = self._scope_level(m, args, scope[0])
        return compile_find(self._client.meta, m.name, args)

    def _insert_plan(self, m: ModelMeta, scalars: dict[str, Any], include: Any, select: Any) -> tuple[Plan, list[Any]]:
        """INSERT one row (plan and parameters); the statement is compiled once per shape (columns, include, select)."""
        client = self._client
        keys = tuple(scalars)
        values = [scalars[k] for k in keys]
        shape, extra, args = self._extra(include, select, len(keys))
        cte = self._cte(m)
        key = ("insert", m.name, keys, shape, "cte") if cte else ("insert", m.name, keys, shape)
        plan = client._cache.get(key)
        if plan is None:

            def make() -> Plan:
                skel = skeletonize(args, len(keys))[0] if args else {}
                slots = {k: Slot(i) for i, k in enumerate(keys)}
                return compile_insert(client.meta, m.name, slots, skel.get("include"), skel.get("select"), cte=cte)

            plan = client._plan(key, make)
        return plan, bind(plan.specs, values + extra)

    def _update_plan(
        self, m: ModelMeta, scalars: dict[str, Any], where: Any, include: Any, select: Any
    ) -> tuple[Plan, list[Any]]:
        """UPDATE the row ``where`` names (scalar fields only; plan and parameters); compiled once per shape."""
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
        cte = self._cte(m)
        key = ("update", m.name, tuple(ops), wshape, shape) + (("cte",) if cte else ())
        plan = client._cache.get(key)
        if plan is None:
            n = len(values)

            def make() -> Plan:
                sets = {k: (Slot(i) if op is None else {op: Slot(i)}) for i, (k, op) in enumerate(ops)}
                wskel = skeletonize(where, n)[0]
                skel = skeletonize(args, n + len(wvalues))[0] if args else {}
                return compile_update(
                    client.meta, m.name, sets, wskel, skel.get("include"), skel.get("select"), cte=cte
                )

            plan = client._plan(key, make)
        return plan, bind(plan.specs, values + wvalues + extra)
