"""Read actions: find (unique, first, many), count and group_by (with having), each one :class:`Plan`."""

from __future__ import annotations

from typing import Any

from nexo.client import codec
from nexo.client.compiler.core import (
    Decode,
    Plan,
    RelationBatch,
    RowPlan,
    as_list,
    sort_direction,
    table,
)
from nexo.client.compiler.selection import Compiler
from nexo.client.errors import DataError, InputError
from nexo.client.meta import FieldMeta, ModelMeta, SchemaMeta
from nexo.db.ident import quote_ident

# ================================================================ read actions


def compile_find(
    meta: SchemaMeta, model_name: str, args: dict[str, Any], *, unique: bool = False, batch: int | None = None
) -> Plan:
    """find_unique / find_first / find_many, with includes: in one statement (JSON), or, with
    ``batch`` (the number of values of the call: the first free slot), with one :class:`RelationBatch` per
    included relation and level wherever a batch can load it (see the module docstring)."""
    compiler = Compiler(meta)
    model = compiler.model(model_name)
    alias = "t0"
    if unique:
        check_unique(model, args.get("where"))
    batches: list[RelationBatch] = []
    if batch is None:
        pairs, decs = compiler.select_exprs(model, alias, args.get("include"), args.get("select"))
    else:
        pairs, decs, batches = compiler.select_level(model, alias, args.get("include"), args.get("select"), batch)
    sel = ", ".join(e for _, e in pairs)
    if _window_first(model, args):
        # ORDER BY + LIMIT: sort and cut the rows in an inner query, then cast and build the selection
        # (``id::text``, included relations) for the kept rows only, in the same order
        inner, neg, order = compiler.list_query(model, alias, args, "TRUE", "", f"{alias}.*", order_key="order")
        sql = f"SELECT {sel} FROM ({inner}) AS {alias} ORDER BY {order}"
    else:
        sql, neg, _ = compiler.list_query(model, alias, args, "TRUE", "", sel, order_key="order")
    return Plan(sql, compiler.specs, RowPlan([k for k, _ in pairs], decs), reverse=neg, binary=True, batches=batches)


def _window_first(model: ModelMeta, args: dict[str, Any]) -> bool:
    """Whether a find can select its window of rows first and compute its selection over that window
    only: it has a LIMIT (``take``), no ``distinct``, and orders on scalar columns of ``model`` only
    (the outer query repeats the ORDER BY over the inner one's columns; an ordering on a relation or
    ``_relevance`` is an expression that cannot be repeated there)."""
    if args.get("take") is None or args.get("distinct"):
        return False
    if not args.get("order") and not model.id_fields:
        return False  # no ORDER BY at all (no order, no id to default to): nothing to repeat outside
    for item in as_list(args.get("order") or []):
        if not isinstance(item, dict) or len(item) != 1:
            return False
        ((k, _),) = item.items()
        field = model.field(k)
        if field is None or field.kind == "relation":
            return False
    return True


def check_unique(model: ModelMeta, where: Any) -> None:
    if not isinstance(where, dict) or not where:
        raise DataError(
            f"find_unique on {model.name} needs a unique where, e.g. {{'{model.id_fields[0] if model.id_fields else 'id'}': ...}}"
        )
    for name, fields in model.unique_sets.items():
        if name in where or all(field in where for field in fields):
            return
    raise DataError(
        f"The where argument of {model.name} must name a unique key: one of {', '.join(sorted(model.unique_sets))}",
        meta={"unique_keys": sorted(model.unique_sets)},
    )


def compile_count(meta: SchemaMeta, model_name: str, args: dict[str, Any]) -> Plan:
    compiler = Compiler(meta)
    model = compiler.model(model_name)
    alias = "t0"
    select = args.get("select")
    keys = ["_all"]
    aggs = ["count(*)"]
    if select:
        keys = []
        aggs = []
        for k, v in select.items():
            if not v:
                continue
            if k == "_all":
                keys.append(k)
                aggs.append("count(*)")
            else:
                field = compiler.sfield(model, k)
                keys.append(k)
                aggs.append(f"count(s.{quote_ident(field.db_name)})")
    if select is not None and not keys:
        keys, aggs = ["_all"], ["count(*)"]
    windowed = any(args.get(k) is not None for k in ("take", "skip", "cursor"))
    if not windowed and select is None:
        where = compiler.where(model, alias, args.get("where"))
        return Plan(
            f"SELECT count(*) FROM {table(model)} AS {alias} WHERE {where}", compiler.specs, extra={"keys": None}
        )
    inner, _, _ = compiler.list_query(model, alias, args, "TRUE", "", f"{alias}.*", order_key="order")
    return Plan(
        f"SELECT {', '.join(aggs)} FROM ({inner}) AS s",
        compiler.specs,
        extra={"keys": keys if select is not None else None},
    )


AGGS = {"count": "_count", "avg": "_avg", "sum": "_sum", "min": "_min", "max": "_max"}


def compile_group_by(meta: SchemaMeta, model_name: str, args: dict[str, Any]) -> Plan:
    compiler = Compiler(meta)
    model = compiler.model(model_name)
    alias = "t0"
    by = args.get("by") or []
    if not by:
        raise DataError("group_by needs at least one field in 'by'")
    for window in ("take", "skip"):
        if args.get(window) is not None and not args.get("order"):
            raise TypeError(f"Missing argument: 'order' which is required when '{window}' is present")
    _check_group_by_args(by, args)
    cols: list[str] = []
    keys: list[tuple[str, str | None]] = []
    decs: list[Decode | None] = []
    by_fields = [compiler.sfield(model, b) for b in by]
    for field in by_fields:
        cols.append(compiler.col(alias, field) + ("::text[]" if field.kind == "enum" and field.is_list else ""))
        keys.append((field.name, None))
        decs.append(codec.field_decoder(field, meta))
    for arg, out in AGGS.items():
        spec = args.get(arg)
        if not spec:
            continue
        if spec is True:
            if arg != "count":
                raise DataError(f"group_by {arg}= takes a dict of fields")
            spec = {"_all": True}
        for k, v in spec.items():
            if not v:
                continue
            if k == "_all":
                cols.append("count(*)")
                keys.append((out, k))
                decs.append(None)
                continue
            field = compiler.sfield(model, k)
            fn = arg if arg != "count" else "count"
            expr = f"{fn}({compiler.col(alias, field)})"
            cols.append(expr + ("::float8" if arg == "avg" else ""))
            keys.append((out, k))
            decs.append(None if arg in ("count", "avg") else codec.field_decoder(field, meta))
    where = compiler.where(model, alias, args.get("where"))
    sql = f"SELECT {', '.join(cols)} FROM {table(model)} AS {alias} WHERE {where} GROUP BY {', '.join(compiler.col(alias, field) for field in by_fields)}"
    having = args.get("having")
    if having:
        sql += f" HAVING {_having(compiler, model, alias, having)}"
    order = args.get("order")
    if order:
        parts = []
        ordered: set[str] = set()
        last = "ASC"
        for item in as_list(order):
            if not isinstance(item, dict) or len(item) != 1:
                raise DataError("Expected exactly one field to be present in an order dict")
            ((k, spec),) = item.items()
            if k in ("_count", "_avg", "_sum", "_min", "_max"):
                ((agg_field, agg_direction),) = spec.items()
                fn = {"_count": "count", "_avg": "avg", "_sum": "sum", "_min": "min", "_max": "max"}[k]
                target = "*" if agg_field == "_all" else compiler.col(alias, compiler.sfield(model, agg_field))
                last = sort_direction(agg_direction)
                parts.append(f"{fn}({target}) {last}")
            else:
                field = compiler.sfield(model, k)
                last = sort_direction(spec)
                parts.append(f"{compiler.col(alias, field)} {last}")
                ordered.add(k)
        # ties: the other grouped fields, in the direction of the last order key, so rows with equal
        # ordered values come back in one order every time (a hash aggregate has none of its own)
        parts += [f"{compiler.col(alias, field)} {last}" for field in by_fields if field.name not in ordered]
        sql += " ORDER BY " + ", ".join(parts)
    if args.get("take") is not None:
        sql += f" LIMIT {compiler.param(args['take'])}"
    if args.get("skip") is not None:
        sql += f" OFFSET {compiler.param(args['skip'])}"
    return Plan(sql, compiler.specs, extra={"keys": keys, "decs": decs})


_AGG_KEYS = ("_avg", "_sum", "_min", "_max", "_count")


def _plain_having_fields(having: Any) -> list[str]:
    """The fields a ``having`` filters on directly (not through an aggregate), in order of appearance."""
    out: list[str] = []
    for k, v in having.items() if isinstance(having, dict) else ():
        if k in ("AND", "OR", "NOT"):
            for item in as_list(v):
                out += _plain_having_fields(item)
        elif not (isinstance(v, dict) and any(a in v for a in _AGG_KEYS)):
            out.append(k)
    return out


def _check_group_by_args(by: list[str], args: dict[str, Any]) -> None:
    """Prisma's input errors of group_by, raised before any SQL: ``order`` and plain ``having``
    filters may only name grouped fields."""
    missing = []
    for item in as_list(args.get("order") or []):
        if isinstance(item, dict):
            missing += [k for k in item if not k.startswith("_") and k not in by and k not in missing]
    if missing:
        raise InputError(
            "Every field used for orderBy must be included in the by-arguments of the query. "
            f"Missing fields: {', '.join(missing)}"
        )
    missing = [k for k in dict.fromkeys(_plain_having_fields(args.get("having"))) if k not in by]
    if missing:
        raise InputError(
            "Input error. Every field used in `having` filters must either be an aggregation filter or be "
            f"included in the selection of the query. Missing fields: {', '.join(missing)}"
        )


def _having(compiler: Compiler, model: ModelMeta, alias: str, having: dict[str, Any]) -> str:
    parts = []
    for k, v in having.items():
        if k in ("AND", "OR", "NOT"):
            items = [_having(compiler, model, alias, x) for x in as_list(v)]
            if k == "AND":
                parts.append("(" + " AND ".join(items) + ")" if items else "TRUE")
            elif k == "OR":
                parts.append("(" + " OR ".join(items) + ")" if items else "FALSE")
            else:
                parts.append("(" + " AND ".join(f"NOT ({i})" for i in items) + ")" if items else "TRUE")
            continue
        field = compiler.sfield(model, k)
        col = compiler.col(alias, field)
        if isinstance(v, dict) and any(x in v for x in ("_avg", "_sum", "_min", "_max", "_count")):
            for ak, filt in v.items():
                fn = ak.lstrip("_")
                if ak == "_avg":
                    expr, fm = f"avg({col})::float8", FieldMeta(field.name, field.db_name, "scalar", "Float")
                elif ak == "_count":
                    expr, fm = f"count({col})", FieldMeta(field.name, field.db_name, "scalar", "Int")
                elif ak in ("_sum", "_min", "_max"):
                    expr, fm = f"{fn}({col})", field
                else:
                    expr, fm = col, field
                    filt = {ak: filt}
                parts.append(compiler.scalar_filter(fm, expr, filt))
        else:
            parts.append(compiler.scalar_filter(field, col, v))
    return " AND ".join(parts) if parts else "TRUE"
