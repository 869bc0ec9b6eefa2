"""Write actions: create (one and many), update (one and many), delete, the keys nested writes read,
and the rows of implicit many-to-many tables; plus the checks and client-side defaults of their data."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from nexo.client import codec
from nexo.client.compiler.core import (
    Plan,
    RowPlan,
    table,
)
from nexo.client.compiler.selection import Compiler
from nexo.client.errors import DataError, FieldNotFoundError, MissingRequiredValueError
from nexo.client.fields import Json
from nexo.client.ids import GENERATORS
from nexo.client.meta import FieldMeta, ModelMeta, RelationMeta, SchemaMeta
from nexo.db.ident import quote_ident

# ================================================================ writes


def _now() -> datetime:
    """Now, UTC, in milliseconds (Prisma's precision)."""
    return datetime.fromtimestamp(time.time_ns() // 1_000_000 / 1000, UTC)


def split_data(model: ModelMeta, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(scalar values, relation operations) of a create/update data dict."""
    if not isinstance(data, dict):
        raise DataError(f"data for {model.name} must be a dict")
    scalars: dict[str, Any] = {}
    rels: dict[str, Any] = {}
    for k, v in data.items():
        field = model.field(k)
        if field is None:
            raise FieldNotFoundError(
                f"Field '{k}' does not exist on model {model.name} (data argument)", meta={"field": k}
            )
        if field.kind == "relation":
            rels[k] = v
        else:
            scalars[k] = v
    return scalars, rels


def fill_create_defaults(model: ModelMeta, scalars: dict[str, Any]) -> None:
    """Client-side defaults Prisma's engine generates: uuid(), cuid(), nanoid(), now(), @updatedAt."""
    now = None
    for name, kind, args in model.client_defaults:
        if name in scalars:
            continue
        gen = GENERATORS.get(kind)
        if gen is not None:
            scalars[name] = gen(*args)
        else:
            if now is None:
                now = _now()
            scalars[name] = now


def check_required(model: ModelMeta, scalars: dict[str, Any], provided_fk: set[str]) -> None:
    for name in model.required_on_create:
        if name not in scalars and name not in provided_fk:
            raise MissingRequiredValueError(
                f"A value is required but not set for the field: `{name}` of {model.name}", meta={"target": [name]}
            )
    if None in scalars.values():
        for name, v in scalars.items():
            if v is None and name in model.not_null and name not in provided_fk:
                raise MissingRequiredValueError(
                    f"A value is required but not set for the field: `{name}` of {model.name}", meta={"target": [name]}
                )


def _value_sql(compiler: Compiler, field: FieldMeta, v: Any) -> str:
    if field.is_list:
        return compiler.param(v, codec.field_encoder(field, compiler.meta), codec.pg_type(field, compiler.meta) + "[]")
    if field.kind == "enum":
        return compiler.param(v, codec.field_encoder(field, compiler.meta), codec.pg_type(field, compiler.meta))
    return compiler.param(v, codec.write_encoder(field, compiler.meta))


def returning(compiler: Compiler, model: ModelMeta, include: Any, select: Any = None) -> tuple[str, RowPlan]:
    pairs, decs = compiler.select_exprs(model, "t0", include, select)
    return ", ".join(e for _, e in pairs), RowPlan([k for k, _ in pairs], decs)


def _wrap_cte(
    compiler: Compiler, model: ModelMeta, stmt: str, include: Any, select: Any, cte: bool = False
) -> tuple[str, RowPlan]:
    """A data-modifying statement returning rows of ``model`` (with includes via a CTE). ``cte``: the CTE form
    also without includes, so the column expressions (``::text`` of an enum: not IMMUTABLE) are outside the
    RETURNING clause, where Citus refuses them."""
    if include or select or cte:
        sel, rows = returning(compiler, model, include, select)
        return f"WITH w AS ({stmt} RETURNING *) SELECT {sel} FROM w AS t0", rows
    sel, rows = returning(compiler, model, None)
    return f"{stmt} RETURNING {sel}", rows


def compile_insert(
    meta: SchemaMeta,
    model_name: str,
    scalars: dict[str, Any],
    include: Any = None,
    select: Any = None,
    *,
    cte: bool = False,
) -> Plan:
    compiler = Compiler(meta)
    model = compiler.model(model_name)
    cols, vals = [], []
    for k, v in scalars.items():
        field = compiler.sfield(model, k)
        cols.append(quote_ident(field.db_name))
        vals.append(_value_sql(compiler, field, v))
    if cols:
        stmt = f"INSERT INTO {table(model)} AS t0 ({', '.join(cols)}) VALUES ({', '.join(vals)})"
    else:
        stmt = f"INSERT INTO {table(model)} AS t0 DEFAULT VALUES"
    sql, rows = _wrap_cte(compiler, model, stmt, include, select, cte)
    return Plan(sql, compiler.specs, rows, binary=True)


def compile_insert_many(meta: SchemaMeta, model_name: str, rows: list[dict[str, Any]], skip_duplicates: bool) -> Plan:
    compiler = Compiler(meta)
    model = compiler.model(model_name)
    names: list[str] = []
    for relation in rows:
        for k in relation:
            if k not in names:
                names.append(k)
    fields = [compiler.sfield(model, k) for k in names]
    tuples = []
    for relation in rows:
        vals = [
            _value_sql(compiler, field, relation[field.name]) if field.name in relation else "DEFAULT"
            for field in fields
        ]
        tuples.append("(" + ", ".join(vals) + ")")
    sql = f"INSERT INTO {table(model)} ({', '.join(quote_ident(field.db_name) for field in fields)}) VALUES {', '.join(tuples)}"
    if skip_duplicates:
        sql += " ON CONFLICT DO NOTHING"
    return Plan(sql, compiler.specs)


ATOMIC = {"increment": "+", "decrement": "-", "multiply": "*", "divide": "/"}


def set_clause(compiler: Compiler, model: ModelMeta, scalars: dict[str, Any]) -> str:
    parts = []
    for k, v in scalars.items():
        field = compiler.sfield(model, k)
        col = quote_ident(field.db_name)
        if v is None and field.is_required and not field.is_list:
            raise MissingRequiredValueError(
                f"A value is required but not set for the field: `{k}` of {model.name}", meta={"target": [k]}
            )
        if isinstance(v, dict) and not isinstance(v, Json) and (field.type != "Json" or field.is_list):
            if len(v) != 1:
                raise DataError(
                    f"Expected exactly one field to be present, got {len(v)} ({', '.join(map(str, v))}, "
                    f"in the update of '{k}')"
                )
            ((op, x),) = v.items()
            if op == "set":
                parts.append(f"{col} = {_value_sql(compiler, field, x)}")
            elif op in ATOMIC and field.type in ("Int", "BigInt", "Float", "Decimal") and not field.is_list:
                parts.append(
                    f"{col} = t0.{col} {ATOMIC[op]} {compiler.param(x, codec.field_encoder(field, compiler.meta))}"
                )
            elif op == "push" and field.is_list:
                lenc = codec.list_encoder(field, compiler.meta)
                enc = lambda v, lenc=lenc: lenc(v if isinstance(v, list) else [v])  # noqa: E731
                parts.append(
                    f"{col} = array_cat(t0.{col}, {compiler.param(x, enc, codec.pg_type(field, compiler.meta) + '[]')})"
                )
            else:
                raise DataError(f"Unknown update operation '{op}' for field '{k}'")
        else:
            parts.append(f"{col} = {_value_sql(compiler, field, v)}")
    return ", ".join(parts)


def compile_update(
    meta: SchemaMeta,
    model_name: str,
    scalars: dict[str, Any],
    where: Any,
    include: Any = None,
    select: Any = None,
    *,
    many: bool = False,
    cte: bool = False,
) -> Plan:
    compiler = Compiler(meta)
    model = compiler.model(model_name)
    if not scalars:
        if many:
            where_sql = compiler.where(model, "t0", where)
            return Plan(
                f"SELECT count(*) FROM {table(model)} AS t0 WHERE {where_sql}", compiler.specs, extra={"count": True}
            )
        sel, rows = returning(compiler, model, include, select)
        where_sql = compiler.where(model, "t0", where)
        return Plan(f"SELECT {sel} FROM {table(model)} AS t0 WHERE {where_sql}", compiler.specs, rows)
    sets = set_clause(compiler, model, scalars)
    where_sql = compiler.where(model, "t0", where)
    stmt = f"UPDATE {table(model)} AS t0 SET {sets} WHERE {where_sql}"
    if many:
        return Plan(stmt, compiler.specs)
    sql, rows = _wrap_cte(compiler, model, stmt, include, select, cte)
    return Plan(sql, compiler.specs, rows, binary=True)


def compile_delete(
    meta: SchemaMeta,
    model_name: str,
    where: Any,
    include: Any = None,
    select: Any = None,
    *,
    many: bool = False,
    cte: bool = False,
) -> Plan:
    compiler = Compiler(meta)
    model = compiler.model(model_name)
    stmt = f"DELETE FROM {table(model)} AS t0 WHERE {compiler.where(model, 't0', where)}"
    if many:
        return Plan(stmt, compiler.specs)
    sql, rows = _wrap_cte(compiler, model, stmt, include, select, cte)
    return Plan(sql, compiler.specs, rows, binary=True)


def compile_select_keys(
    meta: SchemaMeta, model_name: str, where: Any, fields: list[str], *, lock: bool = False
) -> Plan:
    """SELECT some scalar fields of the rows matching ``where`` (used by nested writes)."""
    compiler = Compiler(meta)
    model = compiler.model(model_name)
    fs = [compiler.sfield(model, field) for field in fields]
    sql = f"SELECT {', '.join(compiler.col('t0', field) for field in fs)} FROM {table(model)} AS t0 WHERE {compiler.where(model, 't0', where)}"
    if lock:
        sql += " FOR UPDATE"
    return Plan(
        sql, compiler.specs, RowPlan([field.name for field in fs], [codec.field_decoder(field, meta) for field in fs])
    )


def compile_link(
    meta: SchemaMeta, relation: RelationMeta, self_id: Any, other_id: Any, *, unlink: bool = False
) -> Plan:
    """Insert (or delete) one row of an implicit many-to-many join table."""
    join_table = (quote_ident(relation.join_schema) + "." if relation.join_schema else "") + quote_ident(
        relation.join_table or ""
    )
    alias, b = quote_ident(relation.join_self or "A"), quote_ident(relation.join_other or "B")
    if unlink:
        return Plan(f"DELETE FROM {join_table} WHERE {alias} = %s AND {b} = %s", [(-1, self_id), (-1, other_id)])
    return Plan(
        f"INSERT INTO {join_table} ({alias}, {b}) VALUES (%s, %s) ON CONFLICT DO NOTHING",
        [(-1, self_id), (-1, other_id)],
    )


def compile_unlink_all(meta: SchemaMeta, relation: RelationMeta, self_id: Any) -> Plan:
    join_table = (quote_ident(relation.join_schema) + "." if relation.join_schema else "") + quote_ident(
        relation.join_table or ""
    )
    return Plan(f"DELETE FROM {join_table} WHERE {quote_ident(relation.join_self or 'A')} = %s", [(-1, self_id)])


def _bool(v: Any) -> bool:
    return bool(v)
