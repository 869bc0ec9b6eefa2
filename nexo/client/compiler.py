"""Compiles Prisma Client Python calls into one parameterised SQL statement each.

Reads (find, count, group_by) are compiled from a *skeleton* of the arguments: every value is
replaced by a :class:`Slot`, so the SQL text depends only on the call's shape and is cached under
a key built from that shape (:func:`skeletonize`). The compiled :class:`Plan` carries, per
parameter, the slot it reads and the encoder to apply, so a cache hit only binds values.

Included relations are loaded one of two ways (measured in ``bench/client.py``):

- **JSON in the same statement**: correlated subqueries building one ``json_build_array`` per
  related row, aggregated with ``json_agg`` for to-many relations, to any depth. One round trip;
  the database builds and the client parses JSON. Used by ``find_unique``/``find_first`` and a
  ``find_many`` with a small ``take`` (a few parent rows: a second round trip would cost more than
  the JSON; see ``FEW_ROWS`` in the engine), by writes that return includes, and for relations a
  batch cannot express (many-to-many, composite keys, ``cursor``/``distinct`` inside an include,
  keys of other types than Int/BigInt/String/uuid).
- **One batched query per relation and level** (:class:`RelationBatch`, ``find_many``): the parent
  rows carry the link key where the relation goes; then ``SELECT ... FROM child WHERE fk = ANY(keys)``
  (``take``/``skip`` per parent through ``row_number() OVER (PARTITION BY fk ...)``), read in binary
  like the parents, and grouped per key by the executor. Several parent rows cost one query per
  relation instead of one subquery and one JSON document each. The queries run one after the other
  on one connection: outside a transaction each sees its own snapshot (a write committed in
  between can show in a later level); inside ``tx()``/``tenant()`` they share the transaction.

Identifiers are quoted with :func:`nexo.db.ident.quote_ident`; values are always parameters.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from psycopg.types.json import Jsonb

from nexo.client import codec
from nexo.client.errors import DataError, FieldNotFoundError, MissingRequiredValueError, UnknownRelationalFieldError
from nexo.client.fields import Base64, Json
from nexo.client.ids import GENERATORS
from nexo.client.meta import FieldMeta, ModelMeta, RelationMeta, SchemaMeta
from nexo.db.ident import quote_ident

RAW_STRINGS = frozenset({"asc", "desc", "insensitive", "default", "first", "last"})
STRUCT_LIST_KEYS = frozenset({"AND", "OR", "NOT", "order", "order_by"})
NAME_LIST_KEYS = frozenset({"distinct", "by"})
RN = '"__nexo_rn"'


class Slot:
    """Stands for one value of the arguments (index into the values list)."""

    __slots__ = ("i", "neg")

    def __init__(self, i: int, neg: bool = False) -> None:
        self.i = i
        self.neg = neg

    def __repr__(self) -> str:
        return f"Slot({self.i})"


def skeletonize(args: Any, start: int = 0) -> tuple[Any, list[Any], Any]:
    """(skeleton, values, shape key) of an argument tree (slots numbered from ``start``)."""
    values: list[Any] = []

    def walk(v: Any, key: str | None) -> tuple[Any, Any]:
        if v is None or v is True or v is False:
            return v, v
        if isinstance(v, dict):
            skeleton = {}
            shape = []
            for k, x in v.items():
                if key == "_relevance" and k == "fields" and _names(x) is not None:
                    skeleton[k] = list(_names(x) or ())
                    shape.append((k, ("n", _names(x))))
                    continue
                s, sub_shape = walk(x, k)
                skeleton[k] = s
                shape.append((k, sub_shape))
            return skeleton, ("d", tuple(shape))
        if isinstance(v, (list, tuple)):
            if key in NAME_LIST_KEYS and all(isinstance(x, str) for x in v):
                names = tuple(v)
                return list(names), ("n", names)
            if key in STRUCT_LIST_KEYS or (v and all(isinstance(x, dict) for x in v)):
                items = [walk(x, None) for x in v]
                return [i[0] for i in items], ("l", tuple(i[1] for i in items))
        elif isinstance(v, str) and v in RAW_STRINGS:
            return v, v
        slot = Slot(start + len(values), isinstance(v, int) and v < 0)
        values.append(v)
        return slot, (type(v), slot.neg)

    skeleton, shape = walk(args, None)
    return skeleton, values, shape


_DICT, _LIST, _NAMES, _END = object(), object(), object(), object()  # shape tokens: dict / list / name list / end


def shape_values(args: Any) -> tuple[Any, list[Any]]:
    """(shape key, values) of an argument tree, without building the skeleton: what every call
    computes to find its compiled plan. Walks the tree exactly like :func:`skeletonize`, so the
    values line up with the skeleton's slots. The key is one flat tuple of tokens (keys, value
    types, literal strings, and markers opening and closing dicts and lists): cheap to build and
    to hash, and as precise as the skeleton's shape."""
    toks: list[Any] = []
    vals: list[Any] = []
    _walk(args, None, toks, vals)
    return tuple(toks), vals


def _walk(v: Any, key: str | None, toks: list[Any], vals: list[Any]) -> None:
    add = toks.append
    if v is None or v is True or v is False:
        add(v)
    elif isinstance(v, dict):
        add(_DICT)
        for k, x in v.items():
            add(k)
            if key == "_relevance" and k == "fields" and _names(x) is not None:
                add(_NAMES)
                toks.extend(_names(x) or ())
                add(_END)
            elif x is None or x is True or x is False:
                add(x)
            elif isinstance(x, (dict, list, tuple)):
                _walk(x, k, toks, vals)
            elif isinstance(x, str) and x in RAW_STRINGS:
                add(x)
            else:
                vals.append(x)
                typ = type(x)
                add((typ, True) if typ is int and x < 0 else typ)
        add(_END)
    elif isinstance(v, (list, tuple)) and key in NAME_LIST_KEYS and all(isinstance(x, str) for x in v):
        add(_NAMES)
        toks.extend(v)
        add(_END)
    elif isinstance(v, (list, tuple)) and (key in STRUCT_LIST_KEYS or (v and all(isinstance(x, dict) for x in v))):
        add(_LIST)
        for x in v:
            _walk(x, None, toks, vals)
        add(_END)
    elif isinstance(v, str) and v in RAW_STRINGS:
        add(v)
    else:
        vals.append(v)
        typ = type(v)
        add((typ, True) if typ is int and v < 0 else typ)


Spec = tuple[int, Any]  # (slot index, encoder or None) or (-1, constant)


def _names(x: Any) -> tuple[str, ...] | None:
    """The field names of ``_relevance``'s ``fields`` (one name or a list), or None when it is not names."""
    if isinstance(x, str):
        return (x,)
    if isinstance(x, (list, tuple)) and all(isinstance(i, str) for i in x):
        return tuple(x)
    return None


class _Ranked(str):
    """An ORDER BY expression holding parameters (``_relevance``): ``specs`` are bound wherever the
    text is placed, once per occurrence, in text order."""

    specs: list[Spec]


def _ranked(text: str, specs: list[Spec]) -> _Ranked:
    ranked = _Ranked(text)
    ranked.specs = specs
    return ranked


def _order_specs(items: list[tuple[str, str, str | None, FieldMeta | None]]) -> list[Spec]:
    return [sp for it in items if isinstance(it[0], _Ranked) for sp in it[0].specs]


#: the generator's ``previewFeatures`` that enable ``search`` and ``_relevance`` on PostgreSQL:
#: ``fullTextSearch`` (Prisma 5, the CLI Prisma Client Python 0.15 uses) and ``fullTextSearchPostgres`` (Prisma 6+)
FULL_TEXT_PREVIEW = ("fullTextSearchPostgres", "fullTextSearch")


def _text_search(cols: list[str]) -> str:
    """The document Prisma's query engine searches on PostgreSQL: ``to_tsvector(concat_ws(' ', cols))``
    (the server's ``default_text_search_config``; ``concat_ws`` skips NULLs)."""
    return f"to_tsvector(concat_ws(' ', {', '.join(cols)}))"


def bind(specs: list[Spec], values: list[Any]) -> list[Any]:
    """The parameter list for ``values`` under a compiled plan's specs."""
    out = []
    for i, encoder in specs:
        if i < 0:
            out.append(encoder)
        elif encoder is None:
            out.append(values[i])
        else:
            try:
                out.append(encoder(values[i]))
            except (ValueError, TypeError, ArithmeticError, AttributeError) as exc:
                from nexo.client.errors import InputError

                raise InputError(f"Invalid value {values[i]!r}: {exc}") from None
    return out


Decode = Callable[[Any], Any]


@dataclass
class RowPlan:
    """How to turn one result row (a tuple) into a dict."""

    keys: list[str]
    decoders: list[Decode | None]

    def __post_init__(self) -> None:
        self._pairs = [(i, k, d) for i, (k, d) in enumerate(zip(self.keys, self.decoders, strict=True))]
        self._fast = all(d is None for d in self.decoders)
        #: row -> model instance functions, one per model shape (filled by the executor on first use)
        self.builders: dict[Any, Callable[[list[tuple[Any, ...]]], list[Any]]] = {}

    def row(self, row: tuple[Any, ...]) -> dict[str, Any]:
        if self._fast:
            return dict(zip(self.keys, row, strict=True))
        return {k: (row[i] if d is None else d(row[i])) for i, k, d in self._pairs}


@dataclass
class Plan:
    """A compiled statement: SQL, parameter specs and how to read its rows."""

    sql: str
    specs: list[Spec]
    rows: RowPlan | None = None
    reverse: bool = False
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)
    #: results in binary format (select lists built by :meth:`Compiler.select_exprs` only)
    binary: bool = False
    #: included relations loaded by their own queries once the rows are read (see :class:`RelationBatch`)
    batches: list[RelationBatch] = dataclasses.field(default_factory=list)


@dataclass
class RelationBatch:
    """An included relation loaded by its own query, for all parent rows at once.

    Until the executor attaches the related rows, the parent rows hold at :attr:`pos` the link key
    (the parent's side of the foreign key). :attr:`sql` selects the related rows whose link key is
    in the array bound to slot :attr:`slot` (appended after the call's own values), with the key
    itself as the last column (:attr:`key`). The executor replaces each parent's key with the list
    of its related rows (``many``) or the one related row (or ``None``); the relation's
    :class:`Nested` decoder in the parent's :class:`RowPlan` then reads them like JSON arrays."""

    pos: int
    many: bool
    sql: str
    specs: list[Spec]
    key: int
    slot: int
    batches: list[RelationBatch] = dataclasses.field(default_factory=list)


def table(model: ModelMeta) -> str:
    return (quote_ident(model.schema) + "." if model.schema else "") + quote_ident(model.db_name)


def _abs(v: Any) -> Any:
    return abs(v)


def _escape_like(v: str) -> str:
    return v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _as_list(v: Any) -> list[Any]:
    if isinstance(v, list):
        return v
    return [v]


class Compiler:
    """One compilation: collects parameter specs and hands out table aliases."""

    def __init__(self, meta: SchemaMeta) -> None:
        self.meta = meta
        self.specs: list[Spec] = []
        self.n = 0

    # ------------------------------------------------------------ basics
    def new_alias(self) -> str:
        self.n += 1
        return f"t{self.n}"

    def param(self, v: Any, enc: Any = None, cast: str | None = None) -> str:
        if enc is codec.identity:
            enc = None
        if isinstance(v, Slot):
            self.specs.append((v.i, enc))
        else:
            try:
                self.specs.append((-1, enc(v) if enc is not None else v))
            except (ValueError, TypeError, ArithmeticError, AttributeError) as exc:
                from nexo.client.errors import InputError

                raise InputError(f"Invalid value {v!r}: {exc}") from None
        return "%s" if cast is None else f"%s::{cast}"

    def model(self, name: str) -> ModelMeta:
        return self.meta.model(name)

    def col(self, alias: str, field: FieldMeta) -> str:
        return f"{alias}.{quote_ident(field.db_name)}"

    def sfield(self, model: ModelMeta, name: str) -> FieldMeta:
        field = model.field(name)
        if field is None or field.kind == "relation":
            raise FieldNotFoundError(f"Field '{name}' does not exist on model {model.name}", meta={"field": name})
        return field

    def rel(self, model: ModelMeta, name: str) -> RelationMeta:
        relation = model.relation(name)
        if relation is None:
            raise UnknownRelationalFieldError(model.name, name)
        return relation

    # ------------------------------------------------------------ joins
    def join(
        self, model: ModelMeta, parent_alias: str, relation: RelationMeta, target: ModelMeta, child_alias: str
    ) -> tuple[str, str]:
        """(extra FROM items, condition) linking child alias ``child_alias`` of ``target`` to ``parent_alias`` of ``model``."""
        if relation.is_m2m:
            join_alias = child_alias + "j"
            join_table = (quote_ident(relation.join_schema) + "." if relation.join_schema else "") + quote_ident(
                relation.join_table or ""
            )
            mid = self.sfield(model, model.id_fields[0])
            tid = self.sfield(target, target.id_fields[0])
            cond = f"{join_alias}.{quote_ident(relation.join_self or 'A')} = {self.col(parent_alias, mid)} AND {join_alias}.{quote_ident(relation.join_other or 'B')} = {self.col(child_alias, tid)}"
            return f", {join_table} AS {join_alias}", cond
        if relation.owns_fk:
            pairs = zip(relation.references, relation.fields, strict=True)
            return "", " AND ".join(
                f"{self.col(child_alias, self.sfield(target, tf))} = {self.col(parent_alias, self.sfield(model, mf))}"
                for tf, mf in pairs
            )
        pairs = zip(relation.back_fields, relation.back_references, strict=True)
        return "", " AND ".join(
            f"{self.col(child_alias, self.sfield(target, tf))} = {self.col(parent_alias, self.sfield(model, mf))}"
            for tf, mf in pairs
        )

    # ------------------------------------------------------------ where
    def where(self, model: ModelMeta, alias: str, where_arg: Any) -> str:
        if not where_arg:
            return "TRUE"
        if not isinstance(where_arg, dict):
            raise DataError(f"A where argument must be a dict, got {type(where_arg).__name__}")
        parts: list[str] = []
        for k, v in where_arg.items():
            if k == "AND":
                items = [self.where(model, alias, x) for x in _as_list(v)]
                parts.append("(" + " AND ".join(items) + ")" if items else "TRUE")
            elif k == "OR":
                items = [self.where(model, alias, x) for x in _as_list(v)]
                parts.append("(" + " OR ".join(items) + ")" if items else "FALSE")
            elif k == "NOT":
                items = [f"NOT ({self.where(model, alias, x)})" for x in _as_list(v)]
                parts.append("(" + " AND ".join(items) + ")" if items else "TRUE")
            else:
                field = model.field(k)
                if field is None:
                    if k in model.unique_sets and isinstance(v, dict):
                        for sub in model.unique_sets[k]:
                            if sub not in v:
                                raise DataError(f"Compound key '{k}' needs a value for '{sub}'")
                            sub_field = self.sfield(model, sub)
                            parts.append(self.scalar_filter(sub_field, self.col(alias, sub_field), v[sub]))
                        continue
                    raise FieldNotFoundError(
                        f"Field '{k}' does not exist on model {model.name} (where argument)", meta={"field": k}
                    )
                if field.kind == "relation":
                    parts.append(self.rel_filter(model, alias, self.rel(model, k), v))
                else:
                    parts.append(self.scalar_filter(field, self.col(alias, field), v))
        return " AND ".join(parts) if parts else "TRUE"

    def rel_filter(self, model: ModelMeta, alias: str, relation: RelationMeta, v: Any) -> str:
        target = self.model(relation.target)
        child_alias = self.new_alias()
        extra, cond = self.join(model, alias, relation, target, child_alias)
        frm = f"{table(target)} AS {child_alias}{extra}"

        def exists(inner: str | None, negate: bool = False) -> str:
            condition = cond if inner is None or inner == "TRUE" else f"{cond} AND {inner}"
            return f"{'NOT ' if negate else ''}EXISTS (SELECT 1 FROM {frm} WHERE {condition})"

        if v is None:
            return exists(None, negate=True)
        if not isinstance(v, dict):
            raise DataError(f"Invalid filter for relation '{relation.field}'")
        keys = set(v)
        if relation.is_list:
            if not keys <= {"some", "every", "none"}:
                raise DataError(f"A to-many relation filter on '{relation.field}' takes some, every or none")
        elif not keys & {"is", "is_not"}:
            v = {"is": v}
        parts = []
        for op, body in v.items():
            if op == "is":
                parts.append(exists(None, True) if body is None else exists(self.where(target, child_alias, body)))
            elif op == "is_not":
                parts.append(exists(None) if body is None else exists(self.where(target, child_alias, body), True))
            elif op == "some":
                parts.append(exists(self.where(target, child_alias, body)))
            elif op == "none":
                parts.append(exists(self.where(target, child_alias, body), True))
            elif op == "every":
                inner = self.where(target, child_alias, body)
                parts.append("TRUE" if inner == "TRUE" else exists(f"NOT COALESCE(({inner}), FALSE)", True))
            else:
                raise DataError(f"Unknown relation filter '{op}' on '{relation.field}'")
        return " AND ".join(parts) if parts else "TRUE"

    def scalar_filter(self, field: FieldMeta, col: str, v: Any, mode: str | None = None) -> str:
        if v is None:
            return f"{col} IS NULL"
        if not isinstance(v, dict):
            return self._eq(field, col, v, mode == "insensitive")
        mode = v.get("mode", mode)
        ins = mode == "insensitive"
        if field.is_list:
            return self._list_filter(field, col, v)
        if field.type == "Json":
            return self._json_filter(field, col, v)
        parts: list[str] = []
        enc = codec.scalar_encoder(field, self.meta)
        lenc = codec.list_encoder(field, self.meta)
        typ = codec.pg_type(field, self.meta)
        lhs = f"lower({col})" if ins else col
        if ins:
            enc = _lower_enc(enc)
            lenc = _lower_list(lenc)
        for op, x in v.items():
            if op == "mode":
                continue
            if op == "equals":
                parts.append(f"{col} IS NULL" if x is None else f"{lhs} = {self._val(field, x, enc, ins)}")
            elif op == "not":
                if x is None:
                    parts.append(f"{col} IS NOT NULL")
                elif isinstance(x, dict):
                    parts.append(f"NOT ({self.scalar_filter(field, col, x, mode)})")
                else:
                    parts.append(f"{lhs} <> {self._val(field, x, enc, ins)}")
            elif op in ("in", "not_in"):
                arr = self.param(x, lenc, f"{typ}[]")
                parts.append(f"{lhs} = ANY({arr})" if op == "in" else f"{lhs} <> ALL({arr})")
            elif op in ("lt", "lte", "gt", "gte"):
                sym = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}[op]
                parts.append(f"{lhs} {sym} {self._val(field, x, enc, ins)}")
            elif op in ("contains", "startswith", "endswith"):
                pre = "%" if op in ("contains", "endswith") else ""
                post = "%" if op in ("contains", "startswith") else ""
                like = "ILIKE" if ins else "LIKE"
                parts.append(f"{col}::text {like} {self.param(x, _like_enc(pre, post))}")
            elif op == "search" and field.type == "String":
                self._full_text("search", field.name)
                parts.append(f"{_text_search([col])} @@ to_tsquery({self.param(x)})")
            else:
                raise FieldNotFoundError(f"Unknown filter '{op}' for field '{field.name}'", meta={"field": op})
        return "(" + " AND ".join(parts) + ")" if len(parts) > 1 else (parts[0] if parts else "TRUE")

    def _full_text(self, what: str, field: str) -> None:
        if not self.meta.full_text_search:
            raise FieldNotFoundError(
                f"'{what}' (on '{field}') is PostgreSQL full-text search, a Prisma preview feature: add "
                f'previewFeatures = ["{FULL_TEXT_PREVIEW[0]}"] (or "{FULL_TEXT_PREVIEW[1]}", as Prisma 5 named it) '
                "to the generator block and generate the client again",
                meta={"field": what},
            )

    def _relevance(self, model: ModelMeta, alias: str, spec: Any) -> tuple[str, str, str | None, FieldMeta | None]:
        """``{'_relevance': {'fields': [...], 'search': q, 'sort': 'asc'|'desc'}}``: Prisma's
        ``ts_rank(to_tsvector(concat_ws(' ', fields)), to_tsquery(q))``."""
        self._full_text("_relevance", model.name)
        if (
            not isinstance(spec, dict)
            or set(spec) - {"fields", "search", "sort"}
            or not {"fields", "search", "sort"} <= set(spec)
        ):
            raise DataError("'_relevance' takes exactly the keys 'fields', 'search' and 'sort'")
        names = _names(spec["fields"])
        if not names:
            raise DataError("'_relevance.fields' must be a String field name or a non-empty list of them")
        cols = []
        for name in names:
            field = model.field(name)
            if field is None or field.kind != "scalar" or field.type != "String" or field.is_list:
                raise FieldNotFoundError(
                    f"'{name}' is not a String field of model {model.name} ('_relevance' fields)", meta={"field": name}
                )
            cols.append(self.col(alias, field))
        query = spec["search"]
        if query is None:
            raise DataError("'_relevance.search' must be a string")
        expr = _ranked(
            f"ts_rank({_text_search(cols)}, to_tsquery(%s))",
            [(query.i, None) if isinstance(query, Slot) else (-1, query)],
        )
        return expr, _dir(spec["sort"]), None, None

    def _val(self, field: FieldMeta, x: Any, enc: Any, ins: bool) -> str:
        placeholder = self.param(x, enc)
        return f"lower({placeholder})" if ins else placeholder

    def _eq(self, field: FieldMeta, col: str, v: Any, ins: bool) -> str:
        if field.is_list:
            return f"{col} = {self.param(v, codec.field_encoder(field, self.meta), codec.pg_type(field, self.meta) + '[]')}"
        if field.type == "Json":
            return f"{col}::jsonb = {self.param(v, codec.field_encoder(field, self.meta), 'jsonb')}"
        enc = codec.scalar_encoder(field, self.meta)
        if ins:
            return f"lower({col}) = lower({self.param(v, enc)})"
        return f"{col} = {self.param(v, enc)}"

    def _list_filter(self, field: FieldMeta, col: str, v: dict[str, Any]) -> str:
        typ = codec.pg_type(field, self.meta) + "[]"
        one = codec.scalar_encoder(field, self.meta)
        lenc = codec.list_encoder(field, self.meta)
        parts = []
        for op, x in v.items():
            if op == "mode":
                continue
            if op == "has":
                parts.append(f"{self.param(x, one, codec.pg_type(field, self.meta))} = ANY({col})")
            elif op == "has_some":
                parts.append(f"{col} && {self.param(x, lenc, typ)}")
            elif op == "has_every":
                parts.append(f"{col} @> {self.param(x, lenc, typ)}")
            elif op == "is_empty":
                parts.append(f"COALESCE(cardinality({col}), 0) = 0" if x else f"cardinality({col}) > 0")
            elif op == "equals":
                parts.append(f"{col} IS NULL" if x is None else f"{col} = {self.param(x, lenc, typ)}")
            else:
                raise FieldNotFoundError(f"Unknown list filter '{op}' for field '{field.name}'", meta={"field": op})
        return " AND ".join(parts) if parts else "TRUE"

    def _json_filter(self, field: FieldMeta, col: str, v: dict[str, Any]) -> str:
        path = v.get("path")
        parts = []
        for op, x in v.items():
            if op in ("path", "mode"):
                continue

            def tgt() -> str:
                return f"({col}::jsonb #> {self.param(path, list, 'text[]')})" if path is not None else f"{col}::jsonb"

            target = tgt()
            if op == "equals":
                parts.append(
                    f"{target} IS NULL" if x is None else f"{target} = {self.param(x, codec._enc_json, 'jsonb')}"
                )
            elif op == "not":
                parts.append(
                    f"{target} IS NOT NULL" if x is None else f"{target} <> {self.param(x, codec._enc_json, 'jsonb')}"
                )
            elif op in ("string_contains", "string_starts_with", "string_ends_with"):
                pre = "" if op == "string_starts_with" else "%"
                post = "" if op == "string_ends_with" else "%"
                parts.append(
                    f"jsonb_typeof({target}) = 'string' AND ({tgt()} #>> '{{}}') LIKE {self.param(x, _like_enc(pre, post))}"
                )
            elif op == "array_contains":
                parts.append(f"jsonb_typeof({target}) = 'array' AND {tgt()} @> {self.param(x, _json_array, 'jsonb')}")
            elif op in ("array_starts_with", "array_ends_with"):
                idx = "0" if op == "array_starts_with" else "-1"
                parts.append(
                    f"jsonb_typeof({target}) = 'array' AND ({tgt()} -> {idx}) = {self.param(x, codec._enc_json, 'jsonb')}"
                )
            elif op in ("lt", "lte", "gt", "gte"):
                sym = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}[op]
                parts.append(f"{target} {sym} {self.param(x, codec._enc_json, 'jsonb')}")
            else:
                raise FieldNotFoundError(f"Unknown Json filter '{op}' for field '{field.name}'", meta={"field": op})
        return " AND ".join(parts) if parts else "TRUE"

    # ------------------------------------------------------------ order
    def order_items(
        self, model: ModelMeta, alias: str, order: Any
    ) -> list[tuple[str, str, str | None, FieldMeta | None]]:
        """(expression, ASC|DESC, nulls, scalar field or None) per ordering key. An expression
        with parameters (``_relevance``) is a :class:`_Ranked`: whoever places its text binds its
        specs there."""
        out: list[tuple[str, str, str | None, FieldMeta | None]] = []
        if not order:
            return out
        for item in _as_list(order):
            if not isinstance(item, dict) or len(item) != 1:
                raise DataError(
                    "Expected exactly one field to be present in an order dict, "
                    f"got {list(item) if isinstance(item, dict) else item!r}; pass a list to sort on several fields"
                )
            ((k, spec),) = item.items()
            if k == "_relevance":
                out.append(self._relevance(model, alias, spec))
                continue
            field = model.field(k)
            if field is None:
                raise FieldNotFoundError(
                    f"Field '{k}' does not exist on model {model.name} (order argument)", meta={"field": k}
                )
            if field.kind == "relation":
                relation = self.rel(model, k)
                target = self.model(relation.target)
                child_alias = self.new_alias()
                extra, cond = self.join(model, alias, relation, target, child_alias)
                if relation.is_list:
                    if not isinstance(spec, dict) or set(spec) != {"_count"}:
                        raise DataError(f"A to-many relation '{k}' can only be ordered by {{'_count': 'asc'|'desc'}}")
                    out.append(
                        (
                            f"(SELECT count(*) FROM {table(target)} AS {child_alias}{extra} WHERE {cond})",
                            _dir(spec["_count"]),
                            None,
                            None,
                        )
                    )
                else:
                    for expr, dd, nulls, _ in self.order_items(target, child_alias, spec):
                        sub = f"(SELECT {expr} FROM {table(target)} AS {child_alias}{extra} WHERE {cond} LIMIT 1)"
                        if isinstance(expr, _Ranked):
                            sub = _ranked(sub, expr.specs)
                        out.append((sub, dd, nulls, None))
                continue
            if isinstance(spec, dict):
                out.append((self.col(alias, field), _dir(spec.get("sort")), spec.get("nulls"), field))
            else:
                out.append((self.col(alias, field), _dir(spec), None, field))
        return out

    @staticmethod
    def order_sql(items: list[tuple[str, str, str | None, FieldMeta | None]], reverse: bool = False) -> str:
        parts = []
        for expr, direction, nulls, _ in items:
            if reverse:
                direction = "DESC" if direction == "ASC" else "ASC"
                nulls = {"first": "last", "last": "first"}.get(nulls or "")
            parts.append(f"{expr} {direction}" + (f" NULLS {nulls.upper()}" if nulls else ""))
        return ", ".join(parts)

    # ------------------------------------------------------------ list queries
    def list_query(
        self,
        model: ModelMeta,
        alias: str,
        args: dict[str, Any],
        base: str,
        extra: str,
        select_sql: str,
        *,
        order_key: str,
    ) -> tuple[str, bool, str]:
        """SELECT text for a windowed list of ``model`` (where, order, cursor, take, skip, distinct).

        Returns (sql, reversed, order_sql-of-output) where ``reversed`` means a negative take."""
        outer, self.specs = self.specs, []
        where = self.where(model, alias, args.get("where"))
        where_specs, self.specs = self.specs, outer
        cond = where if base == "TRUE" else (base if where == "TRUE" else f"{base} AND {where}")
        items = self.order_items(model, alias, args.get(order_key))
        take, skip, cursor, distinct = args.get("take"), args.get("skip"), args.get("cursor"), args.get("distinct")
        if (take is not None or skip is not None or cursor is not None) and not items:
            items = [
                (self.col(alias, self.sfield(model, k)), "ASC", None, self.sfield(model, k)) for k in model.id_fields
            ]
        if cursor is not None:
            have = {id(it[3]) for it in items if it[3] is not None}
            for k in model.id_fields:
                field = self.sfield(model, k)
                if id(field) not in have:
                    items.append((self.col(alias, field), "ASC", None, field))
        neg = (isinstance(take, Slot) and take.neg) or (
            isinstance(take, int) and not isinstance(take, bool) and take < 0
        )
        frm = f"{table(model)} AS {alias}{extra}"
        cursor_specs: list[Spec] = []
        if distinct:
            cols = ", ".join(self.col(alias, self.sfield(model, name)) for name in distinct)
            over = f"PARTITION BY {cols}" + (f" ORDER BY {self.order_sql(items)}" if items else "")
            frm = f"(SELECT {alias}.*, row_number() OVER ({over}) AS {RN} FROM {frm} WHERE {cond}) AS {alias}"
            cond = f"{alias}.{RN} = 1"
        if cursor is not None:
            cursor_alias = self.new_alias()
            if any(it[3] is None for it in items):
                raise DataError("A cursor can only be combined with ordering on scalar fields")
            cols = ", ".join(
                f"{self.col(cursor_alias, it[3])} AS c{i}" for i, it in enumerate(items) if it[3] is not None
            )
            outer, self.specs = self.specs, []
            cursor_where = self.where(model, cursor_alias, cursor)
            cursor_specs, self.specs = self.specs, outer
            frm += f" CROSS JOIN (SELECT {cols} FROM {table(model)} AS {cursor_alias} WHERE {cursor_where} LIMIT 1) AS {cursor_alias}c"
            ors = []
            for i, (expr, direction, _, _) in enumerate(items):
                eqs = [f"{items[j][0]} = {cursor_alias}c.c{j}" for j in range(i)]
                up = (direction == "ASC") != neg
                eqs.append(f"{expr} {'>' if up else '<'} {cursor_alias}c.c{i}")
                ors.append("(" + " AND ".join(eqs) + ")")
            ors.append("(" + " AND ".join(f"{items[j][0]} = {cursor_alias}c.c{j}" for j in range(len(items))) + ")")
            cond = f"{cond} AND (" + " OR ".join(ors) + ")"
        ranked = _order_specs(items)  # parameters of ORDER BY expressions, bound at each occurrence
        if distinct:
            self.specs += ranked + where_specs + cursor_specs
        else:
            self.specs += cursor_specs + where_specs
        order = self.order_sql(items, reverse=neg)
        self.specs += ranked
        if ranked:
            order = _ranked(order, ranked)
        sql = f"SELECT {select_sql} FROM {frm} WHERE {cond}"
        if order:
            sql += f" ORDER BY {order}"
        if take is not None:
            sql += f" LIMIT {self.param(take, _abs)}"
        if skip is not None:
            sql += f" OFFSET {self.param(skip)}"
        return sql, neg, order

    # ------------------------------------------------------------ selection
    def scalar_cols(self, model: ModelMeta, select: Any) -> list[FieldMeta]:
        if not select:
            return model.scalar_fields
        out = []
        for k, v in select.items():
            field = model.field(k)
            if field is None:
                raise FieldNotFoundError(
                    f"Field '{k}' does not exist on model {model.name} (select argument)", meta={"field": k}
                )
            if field.kind != "relation" and v:
                out.append(field)
        return out

    def relations_of(self, model: ModelMeta, include: Any, select: Any) -> list[tuple[RelationMeta | None, Any]]:
        """(relation, its include arguments) per included relation; ``None`` stands for ``_count``."""
        out: list[tuple[RelationMeta | None, Any]] = []
        for src in (include, select):
            if not src:
                continue
            if not isinstance(src, dict):
                raise TypeError(f"include must be a dict, got {type(src).__name__}")
            for k, v in src.items():
                if k == "_count":
                    out.append((None, v))
                    continue
                field = model.field(k)
                if src is select and field is not None and field.kind != "relation":
                    continue
                relation = self.rel(model, k)
                if v is False or v is None:
                    continue
                if v is not True and not isinstance(v, dict):
                    raise TypeError(f"Expected a bool or a dict for include '{k}', got {type(v).__name__}")
                out.append((relation, v))
        return out

    def select_exprs(
        self, model: ModelMeta, alias: str, include: Any, select: Any = None, *, as_json: bool = False
    ) -> tuple[list[tuple[str, str]], list[Decode | None]]:
        """[(key, expression)] and decoders for the columns and included relations of ``model``."""
        pairs: list[tuple[str, str]] = []
        decs: list[Decode | None] = []
        for field in self.scalar_cols(model, select):
            expr, dec = codec.select_column(field, self.meta, self.col(alias, field), as_json)
            pairs.append((field.name, expr))
            decs.append(dec)
        for relation, v in self.relations_of(model, include, select):
            if relation is None:
                expr, dec = self.count_json(model, alias, v)
                pairs.append(("_count", expr))
            else:
                expr, dec = self.rel_json(model, alias, relation, {} if v is True else v)
                pairs.append((relation.field, expr))
            decs.append(dec)
        return pairs, decs

    def count_json(self, model: ModelMeta, alias: str, v: Any) -> tuple[str, Decode | None]:
        sel = v.get("select") if isinstance(v, dict) else None
        names = (
            [k for k, x in sel.items() if x]
            if sel
            else [relation.field for relation in model.relations if relation.is_list]
        )
        parts = []
        for k in names:
            relation = self.rel(model, k)
            target = self.model(relation.target)
            child_alias = self.new_alias()
            extra, cond = self.join(model, alias, relation, target, child_alias)
            body = sel.get(k) if sel else True
            if isinstance(body, dict) and body.get("where"):
                cond += " AND " + self.where(target, child_alias, body["where"])
            parts.append(f"'{k}', (SELECT count(*) FROM {table(target)} AS {child_alias}{extra} WHERE {cond})")
        return f"json_build_object({', '.join(parts)})", None

    def json_object(
        self, model: ModelMeta, alias: str, include: Any, select: Any = None
    ) -> tuple[str, list[str], list[Decode | None]]:
        """A JSON array holding one row of ``model`` (positional: smaller to build, send and parse than
        an object), its keys and the decoders of its elements."""
        pairs, decs = self.select_exprs(model, alias, include, select, as_json=True)
        chunks = [pairs[i : i + 100] for i in range(0, len(pairs), 100)] or [[]]
        arrays = ["json_build_array(" + ", ".join(e for _, e in ch) + ")" for ch in chunks]
        expr = arrays[0] if len(arrays) == 1 else "(" + " || ".join(x + "::jsonb" for x in arrays) + ")::json"
        return expr, [k for k, _ in pairs], decs

    def rel_json(
        self, model: ModelMeta, parent_alias: str, relation: RelationMeta, args: dict[str, Any]
    ) -> tuple[str, Nested]:
        target = self.model(relation.target)
        child_alias = self.new_alias()
        extra, cond = self.join(model, parent_alias, relation, target, child_alias)
        obj, keys, decs = self.json_object(target, child_alias, args.get("include"), args.get("select"))
        if not relation.is_list:
            where = self.where(target, child_alias, args.get("where")) if args.get("where") else "TRUE"
            condition = cond if where == "TRUE" else f"{cond} AND {where}"
            return f"(SELECT {obj} FROM {table(target)} AS {child_alias}{extra} WHERE {condition} LIMIT 1)", Nested(
                keys, decs, False
            )
        sel = f"{obj} AS j"
        n0 = len(self.specs)
        inner, neg, order = self.list_query(target, child_alias, args, cond, extra, sel, order_key="order_by")
        if order:
            if isinstance(order, _Ranked):  # a second occurrence of the ordering, ahead of the query's own
                self.specs[n0:n0] = order.specs
            inner = inner.replace(
                f"SELECT {sel} FROM", f"SELECT {sel}, row_number() OVER (ORDER BY {order}) AS o FROM", 1
            )
            agg = f"json_agg(s.j ORDER BY s.o{' DESC' if neg else ''})"
        else:
            agg = "json_agg(s.j)"
        return f"(SELECT COALESCE({agg}, '[]'::json) FROM ({inner}) AS s)", Nested(keys, decs, True)

    # ------------------------------------------------------------ batched includes
    def select_level(
        self, model: ModelMeta, alias: str, include: Any, select: Any, slot: int
    ) -> tuple[list[tuple[str, str]], list[Decode | None], list[RelationBatch]]:
        """:meth:`select_exprs` for rows read as columns, with every included relation that a
        :class:`RelationBatch` can load loaded that way (the others as JSON)."""
        pairs: list[tuple[str, str]] = []
        decs: list[Decode | None] = []
        batches: list[RelationBatch] = []
        for field in self.scalar_cols(model, select):
            expr, dec = codec.select_column(field, self.meta, self.col(alias, field), False)
            pairs.append((field.name, expr))
            decs.append(dec)
        for relation, v in self.relations_of(model, include, select):
            if relation is None:
                expr, dec = self.count_json(model, alias, v)
                pairs.append(("_count", expr))
                decs.append(dec)
                continue
            args = {} if v is True else v
            got = self.rel_batch(model, alias, relation, args, slot)
            if got is None:
                expr, nested = self.rel_json(model, alias, relation, args)
            else:
                expr, nested, batch = got
                batch.pos = len(pairs)
                batches.append(batch)
            pairs.append((relation.field, expr))
            decs.append(nested)
        return pairs, decs, batches

    def rel_batch(
        self, model: ModelMeta, parent_alias: str, relation: RelationMeta, args: dict[str, Any], slot: int
    ) -> tuple[str, Nested, RelationBatch] | None:
        """(parent's link key expression, decoder, batch) for relation ``relation``, or None when a batch
        cannot load it (see the module docstring)."""
        if relation.is_m2m or args.get("cursor") is not None or args.get("distinct"):
            return None
        parent_keys, child_keys = (
            (relation.fields, relation.references)
            if relation.owns_fk
            else (relation.back_references, relation.back_fields)
        )
        if len(parent_keys) != 1 or len(child_keys) != 1:
            return None
        target = self.model(relation.target)
        parent_field, child_field = self.sfield(model, parent_keys[0]), self.sfield(target, child_keys[0])
        if (
            parent_field.kind != "scalar"
            or parent_field.is_list
            or parent_field.type not in _BATCH_KEYS
            or child_field.type != parent_field.type
            or child_field.is_list
        ):
            return None
        kind = (parent_field.db_type or "").lower()
        if kind != (child_field.db_type or "").lower() or (parent_field.type == "String" and kind not in _BATCH_TEXT):
            # keys read back as the same Python values on both sides, and equal in Python exactly
            # when equal in SQL (not so for citext, inet and other non-text String columns)
            return None
        outer, self.specs = self.specs, []
        child_alias = self.new_alias()
        pairs, decs, batches = self.select_level(target, child_alias, args.get("include"), args.get("select"), slot)
        key_expr = codec.select_column(child_field, self.meta, self.col(child_alias, child_field), False)[0]
        sel_specs, self.specs = self.specs, []
        arr = self.param(Slot(slot), None, codec.pg_type(child_field, self.meta) + "[]")
        cond = f"{self.col(child_alias, child_field)} = ANY({arr})"
        if args.get("where"):
            where = self.where(target, child_alias, args["where"])
            if where != "TRUE":
                cond += f" AND {where}"
        cond_specs, self.specs = self.specs, []
        exprs = [e for _, e in pairs] + [key_expr]
        # ordering and windows apply to to-many relations (the JSON form ignores them on to-one)
        items = self.order_items(target, child_alias, args.get("order_by")) if relation.is_list else []
        take, skip = (args.get("take"), args.get("skip")) if relation.is_list else (None, None)
        frm = f"{table(target)} AS {child_alias} WHERE {cond}"
        if take is None and skip is None:
            sql = f"SELECT {', '.join(exprs)} FROM {frm}"
            if items:
                sql += f" ORDER BY {self.order_sql(items)}"
            specs = sel_specs + cond_specs + _order_specs(items)
        else:
            if not items:
                items = [
                    (self.col(child_alias, self.sfield(target, k)), "ASC", None, self.sfield(target, k))
                    for k in target.id_fields
                ]
            neg = (isinstance(take, Slot) and take.neg) or (
                isinstance(take, int) and not isinstance(take, bool) and take < 0
            )
            cols = ", ".join(f"{e} AS c{i}" for i, e in enumerate(exprs))
            over = f"PARTITION BY {self.col(child_alias, child_field)} ORDER BY {self.order_sql(items, reverse=neg)}"
            inner = f"SELECT {cols}, row_number() OVER ({over}) AS {RN} FROM {frm}"
            bounds = []
            if skip is not None:
                bounds.append(f"s.{RN} > {self.param(skip, None, 'bigint')}")
            if take is not None:
                lo = f"{self.param(skip, None, 'bigint')} + " if skip is not None else ""  # parameters in text order
                bounds.append(f"s.{RN} <= {lo}{self.param(take, _abs, 'bigint')}")
            outs = ", ".join(f"s.c{i}" for i in range(len(exprs)))
            sql = f"SELECT {outs} FROM ({inner}) AS s WHERE {' AND '.join(bounds)} ORDER BY s.{RN}{' DESC' if neg else ''}"
            specs = sel_specs + _order_specs(items) + cond_specs + self.specs
        self.specs = outer
        batch = RelationBatch(
            pos=-1, many=relation.is_list, sql=sql, specs=specs, key=len(pairs), slot=slot, batches=batches
        )
        parent_key = codec.select_column(parent_field, self.meta, self.col(parent_alias, parent_field), False)[0]
        return parent_key, Nested([k for k, _ in pairs], decs, relation.is_list, tail=1), batch


_BATCH_KEYS = frozenset({"Int", "BigInt", "String"})
_BATCH_TEXT = frozenset({"", "text", "varchar", "uuid"})


class Nested:
    """The decoder of an included relation, read back as JSON arrays (one per related row).

    Called, it gives dicts (the runtime's dict API); model builders read :attr:`keys` and
    :attr:`decoders` instead and compile code that goes from the arrays straight to instances."""

    __slots__ = ("decoders", "keys", "many", "tail")

    def __init__(self, keys: list[str], decoders: list[Decode | None], many: bool, tail: int = 0) -> None:
        self.keys = keys
        self.decoders = decoders
        self.many = many
        #: values past the keys in each related row (a batched row ends with its link key)
        self.tail = tail

    def _obj(self, a: list[Any]) -> dict[str, Any]:
        # a batched row (see RelationBatch) ends with its link key, past the keys: zip stops before it
        return {k: (x if d is None else d(x)) for k, d, x in zip(self.keys, self.decoders, a)}

    def __call__(self, v: Any) -> Any:
        if v is None:
            return [] if self.many else None
        if self.many:
            return [self._obj(x) for x in v]
        return self._obj(v)


def _dir(d: Any) -> str:
    if d in ("asc", "desc"):
        return "ASC" if d == "asc" else "DESC"
    raise DataError(f"Invalid sort order {d!r}; expected 'asc' or 'desc'")


def _lower_enc(enc: Any) -> Any:
    return lambda v: enc(v).lower() if isinstance(enc(v), str) else enc(v)


def _lower_list(enc: Any) -> Any:
    return lambda v: [x.lower() if isinstance(x, str) else x for x in enc(v)]


def _like_enc(pre: str, post: str) -> Any:
    return lambda v: pre + _escape_like(str(v)) + post


def _json_array(v: Any) -> Any:
    data = v.data if isinstance(v, Json) else v
    return Jsonb(data if isinstance(data, list) else [data])


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
    sql, neg, _ = compiler.list_query(model, alias, args, "TRUE", "", sel, order_key="order")
    return Plan(sql, compiler.specs, RowPlan([k for k, _ in pairs], decs), reverse=neg, binary=True, batches=batches)


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
    if (args.get("take") is not None or args.get("skip") is not None) and not args.get("order"):
        raise TypeError("Missing argument: 'order' which is required when 'take' or 'skip' are present")
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
        for item in _as_list(order):
            if not isinstance(item, dict) or len(item) != 1:
                raise DataError("Expected exactly one field to be present in an order dict")
            ((k, spec),) = item.items()
            if k in ("_count", "_avg", "_sum", "_min", "_max"):
                ((agg_field, agg_direction),) = spec.items()
                fn = {"_count": "count", "_avg": "avg", "_sum": "sum", "_min": "min", "_max": "max"}[k]
                target = "*" if agg_field == "_all" else compiler.col(alias, compiler.sfield(model, agg_field))
                parts.append(f"{fn}({target}) {_dir(agg_direction)}")
            else:
                field = compiler.sfield(model, k)
                if k not in by:
                    raise DataError(f"Every field used for order must be included in the by argument; '{k}' is not")
                parts.append(f"{compiler.col(alias, field)} {_dir(spec)}")
        sql += " ORDER BY " + ", ".join(parts)
    if args.get("take") is not None:
        sql += f" LIMIT {compiler.param(args['take'])}"
    if args.get("skip") is not None:
        sql += f" OFFSET {compiler.param(args['skip'])}"
    return Plan(sql, compiler.specs, extra={"keys": keys, "decs": decs})


def _having(compiler: Compiler, model: ModelMeta, alias: str, having: dict[str, Any]) -> str:
    parts = []
    for k, v in having.items():
        if k in ("AND", "OR", "NOT"):
            items = [_having(compiler, model, alias, x) for x in _as_list(v)]
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


def _wrap_cte(compiler: Compiler, model: ModelMeta, stmt: str, include: Any, select: Any) -> tuple[str, RowPlan]:
    """A data-modifying statement returning rows of ``model`` (with includes via a CTE)."""
    if include or select:
        sel, rows = returning(compiler, model, include, select)
        return f"WITH w AS ({stmt} RETURNING *) SELECT {sel} FROM w AS t0", rows
    sel, rows = returning(compiler, model, None)
    return f"{stmt} RETURNING {sel}", rows


def compile_insert(
    meta: SchemaMeta, model_name: str, scalars: dict[str, Any], include: Any = None, select: Any = None
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
    sql, rows = _wrap_cte(compiler, model, stmt, include, select)
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
        if isinstance(v, dict) and not isinstance(v, Json) and field.type != "Json":
            if len(v) != 1:
                raise DataError(f"Expected exactly one field to be present in the update of '{k}', got {list(v)}")
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
    sql, rows = _wrap_cte(compiler, model, stmt, include, select)
    return Plan(sql, compiler.specs, rows, binary=True)


def compile_delete(
    meta: SchemaMeta, model_name: str, where: Any, include: Any = None, select: Any = None, *, many: bool = False
) -> Plan:
    compiler = Compiler(meta)
    model = compiler.model(model_name)
    stmt = f"DELETE FROM {table(model)} AS t0 WHERE {compiler.where(model, 't0', where)}"
    if many:
        return Plan(stmt, compiler.specs)
    sql, rows = _wrap_cte(compiler, model, stmt, include, select)
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


__all__ = [
    "Base64",
    "Compiler",
    "Plan",
    "RelationBatch",
    "RowPlan",
    "Slot",
    "bind",
    "compile_count",
    "compile_delete",
    "compile_find",
    "compile_group_by",
    "compile_insert",
    "compile_insert_many",
    "compile_update",
    "skeletonize",
]
