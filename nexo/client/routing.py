"""Citus tenant routing, without I/O: what keeps a tenant session's statements on the tenant's shard.

On Citus, row-level security alone does not prune shards (citus#7415): inside a tenant session the client
adds ``<distribution field> = <tenant>`` to the ``where`` of every distributed model it reads or writes
(also in included relations, at every level), runs writes with ``include``/``select`` as the write then a
read, and returns enum columns of single-row writes through a CTE. The distribution fields come from
:data:`CITUS_ROUTING`, read once per pool after :data:`CITUS_PROBE` found Citus. Raw SQL of tenant
sessions can be planned first and refused or warned about when it is not single-shard
(:mod:`nexo.client.citusraw`), or refused when it can change the tenant setting
(:mod:`nexo.client.tenantguard`).

:class:`ClientRouting` and :class:`ActionsRouting` are the bases of
:class:`nexo.client.engine_base.ClientBase` and :class:`nexo.client.engine_base.ModelActionsBase` that hold
this; the names are re-exported by :mod:`nexo.client.engine_base`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexo.client.citusraw import check_mode, check_routing
from nexo.client.meta import ModelMeta, SchemaMeta
from nexo.client.support import user_stacklevel
from nexo.client.tenantguard import check_raw_sql

if TYPE_CHECKING:
    from nexo.client.engine_base import ClientBase

#: asked once per pool, on its first tenant session: is this database a Citus coordinator?
CITUS_PROBE = "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')"


#: asked once per pool after :data:`CITUS_PROBE` found Citus: each hash-distributed table's distribution column
CITUS_ROUTING = (
    "SELECT n.nspname, c.relname, column_to_column_name(p.logicalrelid, p.partkey) FROM pg_dist_partition p "
    "JOIN pg_class c ON c.oid = p.logicalrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE p.partmethod = 'h'"
)


class ClientRouting:
    """The client's part of the tenant routing: the distribution fields and the checks of raw SQL."""

    # set by ClientBase.__init__
    meta: SchemaMeta
    tenant_setting: str
    tenant_guard: bool
    citus_raw_check: str | None
    _citus: bool | None
    _routing: dict[str, str] | None
    _tx: Any

    def _guard_raw(self, query: str) -> None:
        """With ``tenant_guard``: refuse raw SQL that can change the tenant inside a tenant session."""
        if self.tenant_guard and self._tx is not None and self._tx.tenant is not None:
            check_raw_sql(query, self.tenant_setting)

    def _raw_check_wanted(self) -> bool:
        """Whether raw SQL is planned first (see :mod:`nexo.client.citusraw`): opted in, in a tenant session on
        Citus."""
        mode = check_mode(self.citus_raw_check)
        return mode is not None and self._tx is not None and self._tx.tenant is not None and bool(self._citus)

    def _raw_routing(self, sql: str, plan: list[tuple[Any, ...]]) -> None:
        mode = self.citus_raw_check
        assert mode is not None
        columns: dict[str, int] = {}  # the distribution column most tables share (the root's key aside)
        for model, name in (self._routing or {}).items():
            f = self.meta.model(model).field(name)
            if f is not None and f.db_name:
                columns[f.db_name] = columns.get(f.db_name, 0) + 1
        column = max(sorted(columns), key=lambda c: columns[c]) if columns else "the distribution column"
        check_routing(mode, sql, [str(r[0]) for r in plan], column, stacklevel=user_stacklevel() + 1)

    def _set_routing(self, rows: list[tuple[Any, ...]]) -> None:
        """Keep, from the rows of :data:`CITUS_ROUTING` (schema, table, column), each model's distribution field."""
        by_table = {(str(r[0]), str(r[1])): str(r[2]) for r in rows if r[2] is not None}
        routing: dict[str, str] = {}
        for name, m in self.meta.models.items():
            column = by_table.get((m.schema or "public", m.db_name))
            if column is None:
                continue
            for f in m.scalar_fields:
                if f.db_name == column:
                    routing[name] = f.name
        self._routing = routing


class ActionsRouting:
    """The model actions' part of the tenant routing: the tenant filter and how writes run on Citus."""

    # set by ModelActionsBase.__init__
    _client: ClientBase
    _name: str
    _m: ModelMeta

    def _tenant_scope(self) -> tuple[dict[str, str], str] | None:
        """Inside a tenant session on Citus: the distribution fields and the tenant (else None)."""
        client = self._client
        tx = client._tx
        if tx is None or tx.tenant is None or not client._citus or not client._routing:
            return None
        return client._routing, tx.tenant

    def _scope_where(self, where: Any, model: str | None = None) -> Any:
        """``where`` plus ``<distribution field> = <tenant>`` on a distributed model inside a tenant session on
        Citus, so that the statement routes to the tenant's shard (RLS alone does not prune shards: citus#7415).
        Unchanged elsewhere, and where it already filters on that field."""
        scope = self._tenant_scope()
        if scope is None:
            return where
        field = scope[0].get(model or self._name)
        if field is None or (isinstance(where, dict) and field in where):
            return where
        if where is None:
            return {field: scope[1]}
        if not isinstance(where, dict):
            return where
        return {**where, field: scope[1]}

    def _scope_args(self, args: dict[str, Any]) -> dict[str, Any]:
        """Read arguments with the tenant filter (see :meth:`_scope_where`) on the model and on its included
        to-many relations (at every level)."""
        scope = self._tenant_scope()
        if scope is None:
            return args
        return self._scope_level(self._m, args, scope[0])

    def _scope_level(self, m: ModelMeta, args: dict[str, Any], routing: dict[str, str]) -> dict[str, Any]:
        out = dict(args)
        if m.name in routing:
            out["where"] = self._scope_where(args.get("where"), m.name)
        for key in ("include", "select"):
            nested = args.get(key)
            if isinstance(nested, dict):
                out[key] = {name: self._scope_nested(m, name, v, routing) for name, v in nested.items()}
        return out

    def _scope_nested(self, m: ModelMeta, name: str, v: Any, routing: dict[str, str]) -> Any:
        r = m.relation(name)
        if r is None or not v:
            return v
        target = self._client.meta.model(r.target)
        # to-one relations too: a correlated sub-select joined on the distribution column alone is planned on
        # every shard (measured: Task Count = shard count); the constant filter prunes it to one
        if target.name not in routing:
            return self._scope_level(target, v, routing) if isinstance(v, dict) else v
        return self._scope_level(target, v if isinstance(v, dict) else {}, routing)

    def _split_write(self, include: Any, select: Any) -> bool:
        """On Citus, a write with ``include``/``select`` runs as the write then a read by primary key: Citus
        refuses the single-statement form (``WITH w AS (INSERT … RETURNING *) SELECT …`` with correlated
        sub-selects: "correlated subqueries are not supported when the FROM clause contains a CTE or
        subquery"). Never on a single server (same SQL as before)."""
        return bool(include or select) and bool(self._client._citus)

    def _cte(self, m: ModelMeta) -> bool:
        """On Citus, a single-row write of a model with enum columns returns its row through a CTE: their
        ``::text`` is not IMMUTABLE, and Citus refuses that in RETURNING ("non-IMMUTABLE functions are not
        allowed in the RETURNING clause"). Never on a single server."""
        return bool(self._client._citus) and any(f.kind == "enum" for f in m.fields)
