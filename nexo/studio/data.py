"""The studio's reads and writes, all through the client runtime: filters are the client's ``where``,
pages are keyset windows (``where`` after the last row's sort key, never OFFSET), writes are the
client's ``create``/``update``/``delete`` in one transaction.

With a tenant, every call runs in the client's tenant session (the tenant setting first) as the
application role (``SET LOCAL ROLE``), so row-level security applies exactly as it does for the app."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from nexo.client import Client
from nexo.client.errors import PrismaError
from nexo.client.meta import ModelMeta, RelationMeta
from nexo.db.ident import quote_ident

from .schema import StudioSchema
from .values import BadValue, parse, plain

OPERATORS = (
    "equals",
    "not",
    "gt",
    "gte",
    "lt",
    "lte",
    "contains",
    "startswith",
    "endswith",
    "in",
    "not_in",
    "isNull",
    "isNotNull",
)
#: operators of a filter on a relation field (the value is the key of a row of the related model):
#: to-many relations take ``some``/``none``/``every``, to-one relations ``is``/``is_not``
RELATION_OPERATORS = ("some", "none", "every", "is", "is_not")


@dataclass(frozen=True)
class Filter:
    field: str
    op: str
    value: str


@dataclass
class View:
    """What the table page shows: filters, sort, page start, columns."""

    filters: list[Filter] = field(default_factory=list)
    sort: str | None = None
    desc: bool = False
    after: list[Any] | None = None  # the sort key of the previous page's last row (plain values)
    columns: list[str] | None = None
    take: int = 50


class StudioInputError(ValueError):
    """A filter, sort or key the page cannot use (bad field, operator or value)."""


def where_of(model: ModelMeta, filters: list[Filter], schema: StudioSchema | None = None) -> dict[str, Any]:
    """The client's ``where`` for the page's filters: the AND of ``{field: {op: value}}``, and, given
    the ``schema``, ``{relation: {op: {key of the related row}}}`` for a filter on a relation field."""
    parts: list[dict[str, Any]] = []
    for flt in filters:
        f = model.field(flt.field)
        if f is not None and f.kind == "relation" and schema is not None:
            parts.append(relation_filter(schema, model, flt))
            continue
        if f is None or f.kind == "relation":
            raise StudioInputError(f"{model.name} has no field {flt.field!r}")
        if flt.op not in OPERATORS:
            raise StudioInputError(f"unknown operator {flt.op!r} (one of {', '.join(OPERATORS)})")
        try:
            if flt.op == "isNull":
                parts.append({f.name: None})
            elif flt.op == "isNotNull":
                parts.append({f.name: {"not": None}})
            elif flt.op in ("in", "not_in"):
                items = [parse(f, v.strip()) for v in flt.value.split(",") if v.strip()]
                parts.append({f.name: {flt.op: items}})
            elif f.is_list:
                parts.append({f.name: {"has" if flt.op == "contains" else "equals": parse(f, flt.value)}})
            else:
                parts.append({f.name: {flt.op: parse(f, flt.value)}})
        except BadValue as exc:
            raise StudioInputError(f"filter on {f.name}: {exc}") from None
    return {"AND": parts} if parts else {}


def relation_filter(schema: StudioSchema, model: ModelMeta, flt: Filter) -> dict[str, Any]:
    """``{relation: {op: where}}`` for a filter on a relation field of ``model``: rows related (``some``,
    ``is``), not related (``none``, ``is_not``) or related only (``every``) to the row of the target model
    whose key is the filter's value (the key's value, or a JSON object for a key of several fields)."""
    rel = next(r for r in model.relations if r.field == flt.field)
    ops = ("some", "none", "every") if rel.is_list else ("is", "is_not")
    if flt.op not in ops:
        raise StudioInputError(
            f"{model.name}.{rel.field} is a {'to-many' if rel.is_list else 'to-one'} relation: "
            f"filter it with {', '.join(ops)} (the value is the key of a {rel.target})"
        )
    target = schema.model(rel.target)
    names = schema.key_fields(target)
    raw = flt.value.strip()
    key: dict[str, Any]
    if len(names) == 1 and not raw.startswith("{"):
        key = {names[0]: raw}
    else:
        try:
            key = json.loads(raw)
        except ValueError:
            key = {}
        if not isinstance(key, dict) or set(key) != set(names):
            raise StudioInputError(
                f"filter on {rel.field}: the value is the key of a {rel.target}, a JSON object with " + ", ".join(names)
            )
    try:
        values = {n: parse(target.field(n), str(key[n])) for n in names}  # type: ignore[arg-type]
    except BadValue as exc:
        raise StudioInputError(f"filter on {rel.field}: {exc}") from None
    return {rel.field: {flt.op: values}}


def m2m_inverse(schema: StudioSchema, model: ModelMeta, rel: RelationMeta) -> RelationMeta | None:
    """The other side of an implicit many-to-many relation: the target's relation over the same join
    table, from the other column (so a self-relation finds its opposite field)."""
    if not rel.is_m2m:
        return None
    target = schema.model(rel.target)
    return next(
        (
            r
            for r in target.relations
            if r.is_m2m
            and r.target == model.name
            and (r.join_schema, r.join_table) == (rel.join_schema, rel.join_table)
            and r.join_self == rel.join_other
        ),
        None,
    )


def keyset_after(
    keys: list[tuple[str, bool]], values: list[Any], nullable: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """``where`` for rows after ``values`` in the order ``keys`` ((field, descending) each), NULLs
    last ascending and first descending, as PostgreSQL orders them: the OR over i of
    (keys before i equal, key i past its value). A NOT NULL key gets no ``IS NULL`` branch, so a
    page after a primary key is one index range (``id > $1``)."""
    ors: list[dict[str, Any]] = []
    for i, (name, desc) in enumerate(keys):
        eq: dict[str, Any] = {keys[j][0]: values[j] for j in range(i)}
        v = values[i]
        if v is None:
            if not desc:
                continue  # nothing sorts after NULL ascending but other NULLs, decided by later keys
            past: Any = {"not": None}
        else:
            past = {"lt" if desc else "gt": v}
        ors.append({"AND": [eq, {name: past}]} if eq else {name: past})
        if v is not None and not desc and name in nullable:
            ors.append({"AND": [eq, {name: None}]} if eq else {name: None})
    if len(ors) == 1:
        return ors[0]
    return {"OR": ors} if ors else {"AND": [{keys[0][0]: {"in": []}}]}


@dataclass
class Page:
    rows: list[dict[str, Any]]
    next_after: list[Any] | None
    order: list[tuple[str, bool]]


class Studio:
    """The database side of the studio: one client, the schema, the tenant rules."""

    def __init__(
        self,
        schema: StudioSchema,
        url: str,
        *,
        app_role: str,
        read_only: bool = False,
        tenant: str | None = None,
    ) -> None:
        self.schema = schema
        self.url = url
        self.app_role = app_role
        self.read_only = read_only
        #: ``--tenant``: the only tenant the page may show (the picker is locked to it)
        self.locked_tenant = tenant
        self.client = Client(schema.meta, url, min_size=1, max_size=4)

    async def start(self) -> None:
        await self.client.connect()

    async def stop(self) -> None:
        await self.client.disconnect()

    @asynccontextmanager
    async def session(self, tenant: str | None, *, write: bool = False) -> AsyncIterator[Client]:
        """The client to run one request's calls on: a tenant session as the application role, a
        transaction for writes, else the client itself (owner, RLS does not apply)."""
        if tenant is not None:
            async with self.client.tenant(tenant) as tx:
                try:
                    await tx.execute_raw(f"SET LOCAL ROLE {quote_ident(self.app_role)}")
                except PrismaError as exc:
                    raise StudioInputError(
                        f"cannot act as the application role {self.app_role!r} ({exc}): apply the SQL layer that "
                        "creates it (nexo db:migrate), or set app_role in [tool.nexo]"
                    ) from None
                yield tx
        elif write:
            async with self.client.tx(timeout=timedelta(seconds=30)) as tx:
                yield tx
        else:
            yield self.client

    # ------------------------------------------------------------------ reads
    async def counts(self, tenant: str | None) -> dict[str, int | str]:
        """Rows per model as the page's session sees them; a model the session cannot read (a view
        missing from the database, no privilege for the application role) says why instead."""
        out: dict[str, int | str] = {}
        if tenant is None:
            for name in self.schema.model_names:
                try:
                    out[name] = await self.client.model(name).count()
                except Exception as exc:
                    out[name] = _short(exc)
            return out
        for name in self.schema.model_names:  # one tenant session each: a refusal aborts only its own
            try:
                async with self.session(tenant) as c:
                    out[name] = await c.model(name).count()
            except Exception as exc:
                out[name] = _short(exc)
        return out

    def order(self, model: ModelMeta, view: View) -> list[tuple[str, bool]]:
        keys = list(self.schema.key_fields(model))
        order: list[tuple[str, bool]] = []
        if view.sort:
            f = model.field(view.sort)
            if f is None or f.kind == "relation" or f.is_list or f.type in ("Json",):
                raise StudioInputError(f"cannot sort {model.name} by {view.sort!r}")
            order.append((f.name, view.desc))
        for k in keys:
            if k != view.sort:
                order.append((k, view.desc))
        return order

    async def page(self, model: ModelMeta, view: View, tenant: str | None) -> Page:
        order = self.order(model, view)
        where = where_of(model, view.filters, self.schema)
        if view.after is not None:
            if len(view.after) != len(order):
                raise StudioInputError("the page cursor does not match the sort")
            try:
                values = [
                    None if v is None else parse(model.field(name), v if isinstance(v, str) else str(v))  # type: ignore[arg-type]
                    for (name, _), v in zip(order, view.after)
                ]
            except BadValue as exc:
                raise StudioInputError(f"bad page cursor: {exc}") from None
            nullable = frozenset(f.name for f in model.scalar_fields if not f.is_required)
            after = keyset_after(order, values, nullable)
            where = {"AND": [where, after]} if where else after
        async with self.session(tenant) as c:
            rows = await c.model(model.name).find_many(
                take=view.take + 1,
                where=where or None,
                order=[{name: "desc" if desc else "asc"} for name, desc in order],
            )
        more = len(rows) > view.take
        rows = rows[: view.take]
        next_after = [plain(rows[-1][name]) for name, _ in order] if more and rows else None
        return Page(rows, next_after, order)

    def key_where(self, model: ModelMeta, key: dict[str, Any]) -> dict[str, Any]:
        names = self.schema.key_fields(model)
        if set(key) != set(names):
            raise StudioInputError(f"a {model.name} is identified by {', '.join(names)}")
        try:
            values = {n: parse(model.field(n), str(key[n])) for n in names}  # type: ignore[arg-type]
        except BadValue as exc:
            raise StudioInputError(f"bad key: {exc}") from None
        if len(names) == 1:
            return values
        return {"AND": [{n: v} for n, v in values.items()]}

    async def record(self, model: ModelMeta, key: dict[str, Any], tenant: str | None) -> dict[str, Any] | None:
        async with self.session(tenant) as c:
            found: dict[str, Any] | None = await c.model(model.name).find_first(where=self.key_where(model, key))
            return found

    async def relation_counts(self, model: ModelMeta, row: dict[str, Any], tenant: str | None) -> dict[str, int]:
        """Rows on the other side of each to-many relation (as the page's session sees them)."""
        out: dict[str, int] = {}
        async with self.session(tenant) as c:
            for r in model.relations:
                if r.is_list and r.back_fields and not r.is_m2m:
                    where = {b: row[ref] for b, ref in zip(r.back_fields, r.back_references)}
                    out[r.field] = await c.model(r.target).count(where=where)
                elif (inverse := m2m_inverse(self.schema, model, r)) is not None:
                    key = {n: row[n] for n in self.schema.key_fields(model)}
                    out[r.field] = await c.model(r.target).count(where={inverse.field: {"some": key}})
        return out

    async def cascade(
        self, model: ModelMeta, key: dict[str, Any], tenant: str | None, depth: int = 3
    ) -> list[tuple[str, str, int, str]]:
        """What deleting the row does to others: (model, via relation, rows, action) per inbound
        relation, following CASCADE to ``depth`` levels (counted with the client's relation filters)."""
        out: list[tuple[str, str, int, str]] = []
        base = self.key_where(model, key)

        async def walk(target: str, where: dict[str, Any], level: int, c: Client) -> None:
            for inc in self.schema.inbound.get(target, []):
                child_where = {inc.relation: {"is": where}}
                n = await c.model(inc.model).count(where=child_where)
                if n:
                    out.append((inc.model, inc.relation, n, inc.on_delete))
                    if inc.on_delete == "CASCADE" and level < depth:
                        await walk(inc.model, child_where, level + 1, c)

        async with self.session(tenant) as c:
            await walk(model.name, base, 1, c)
        return out

    async def tenants(self, limit: int = 200) -> list[tuple[str, str]]:
        """(id, label) of the tenants for the picker (owner's view: the tenant model is RLS-protected)."""
        s = self.schema
        if s.tenant_model is None or s.tenant_key is None:
            return []
        m = s.model(s.tenant_model)
        label = s.label_field(m)
        rows = await self.client.model(m.name).find_many(take=limit, order=[{label or s.tenant_key: "asc"}])
        return [(str(r[s.tenant_key]), str(r[label]) if label else str(r[s.tenant_key])) for r in rows]

    # ------------------------------------------------------------------ writes
    async def create(self, model: ModelMeta, data: dict[str, Any], tenant: str | None) -> dict[str, Any]:
        async with self.session(tenant, write=True) as c:
            created: dict[str, Any] = await c.model(model.name).create(data=data)
            return created

    async def update(
        self, model: ModelMeta, key: dict[str, Any], data: dict[str, Any], tenant: str | None
    ) -> dict[str, Any] | None:
        async with self.session(tenant, write=True) as c:
            where = self.key_where(model, key)
            current = await c.model(model.name).find_first(where=where)
            if current is None:
                return None
            changed = {k: v for k, v in data.items() if plain(current.get(k)) != plain(v)}
            if not changed:
                return dict(current)
            updated: dict[str, Any] = await c.model(model.name).update(data=changed, where=unique_where(model, where))
            return updated

    async def delete(self, model: ModelMeta, key: dict[str, Any], tenant: str | None) -> bool:
        async with self.session(tenant, write=True) as c:
            n: int = await c.model(model.name).delete_many(where=self.key_where(model, key))
            return n > 0


def unique_where(model: ModelMeta, where: dict[str, Any]) -> dict[str, Any]:
    """A ``WhereUnique`` from a key ``where`` (compound ids go under their unique name)."""
    if "AND" not in where:
        return where
    values = {k: v for part in where["AND"] for k, v in part.items()}
    for name, fields in model.unique_sets.items():
        if set(fields) == set(values):
            return {name: values} if len(fields) > 1 else values
    return values


def _short(exc: Exception) -> str:
    from nexo.db.urls import mask_text

    return "error: " + mask_text((str(exc).strip().splitlines() or [type(exc).__name__])[0])
