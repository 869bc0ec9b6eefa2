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

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from psycopg.types.json import Jsonb

from nexo.client import codec
from nexo.client.errors import (
    DataError,
    FieldNotFoundError,
    InputError,
    MissingRequiredValueError,
    UnknownRelationalFieldError,
)
from nexo.client.fields import Base64, Json
from nexo.client.ids import GENERATORS
from nexo.client.meta import FieldMeta, ModelMeta, RelationMeta, SchemaMeta
from nexo.db.ident import quote_ident as qi

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
            sk = {}
            shape = []
            for k, x in v.items():
                if key == "_relevance" and k == "fields" and _names(x) is not None:
                    sk[k] = list(_names(x) or ())
                    shape.append((k, ("n", _names(x))))
                    continue
                s, sh = walk(x, k)
                sk[k] = s
                shape.append((k, sh))
            return sk, ("d", tuple(shape))
        if isinstance(v, (list, tuple)):
            if key in NAME_LIST_KEYS and all(isinstance(x, str) for x in v):
                t = tuple(v)
                return list(t), ("n", t)
            if key in STRUCT_LIST_KEYS or (v and all(isinstance(x, dict) for x in v)):
                items = [walk(x, None) for x in v]
                return [i[0] for i in items], ("l", tuple(i[1] for i in items))
        elif isinstance(v, str) and v in RAW_STRINGS:
            return v, v
        slot = Slot(start + len(values), isinstance(v, int) and v < 0)
        values.append(v)
        return slot, (type(v), slot.neg)

    sk, shape = walk(args, None)
    return sk, values, shape


_D, _L, _N, _E = object(), object(), object(), object()  # shape tokens: dict / list / name list / end


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
        add(_D)
        for k, x in v.items():
            add(k)
            if key == "_relevance" and k == "fields" and _names(x) is not None:
                add(_N)
                toks.extend(_names(x) or ())
                add(_E)
            elif x is None or x is True or x is False:
                add(x)
            elif isinstance(x, (dict, list, tuple)):
                _walk(x, k, toks, vals)
            elif isinstance(x, str) and x in RAW_STRINGS:
                add(x)
            else:
                vals.append(x)
                t = type(x)
                add((t, True) if t is int and x < 0 else t)
        add(_E)
    elif isinstance(v, (list, tuple)) and key in NAME_LIST_KEYS and all(isinstance(x, str) for x in v):
        add(_N)
        toks.extend(v)
        add(_E)
    elif isinstance(v, (list, tuple)) and (key in STRUCT_LIST_KEYS or (v and all(isinstance(x, dict) for x in v))):
        add(_L)
        for x in v:
            _walk(x, None, toks, vals)
        add(_E)
    elif isinstance(v, str) and v in RAW_STRINGS:
        add(v)
    else:
        vals.append(v)
        t = type(v)
        add((t, True) if t is int and v < 0 else t)


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
    r = _Ranked(text)
    r.specs = specs
    return r


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
    for i, e in specs:
        if i < 0:
            out.append(e)
        elif e is None:
            out.append(values[i])
        else:
            try:
                out.append(e(values[i]))
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

    def row(self, r: tuple[Any, ...]) -> dict[str, Any]:
        if self._fast:
            return dict(zip(self.keys, r, strict=True))
        return {k: (r[i] if d is None else d(r[i])) for i, k, d in self._pairs}


@dataclass
class Plan:
    """A compiled statement: SQL, parameter specs and how to read its rows."""

    sql: str
    specs: list[Spec]
    rows: RowPlan | None = None
    reverse: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    #: results in binary format (select lists built by :meth:`Compiler.select_exprs` only)
    binary: bool = False
    #: included relations loaded by their own queries once the rows are read (see :class:`RelationBatch`)
    batches: list[RelationBatch] = field(default_factory=list)


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
    batches: list[RelationBatch] = field(default_factory=list)


def table(m: ModelMeta) -> str:
    return (qi(m.schema) + "." if m.schema else "") + qi(m.db_name)


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
    def alias(self) -> str:
        self.n += 1
        return f"t{self.n}"

    def p(self, v: Any, enc: Any = None, cast: str | None = None) -> str:
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

    def col(self, a: str, f: FieldMeta) -> str:
        return f"{a}.{qi(f.db_name)}"

    def sfield(self, m: ModelMeta, name: str) -> FieldMeta:
        f = m.field(name)
        if f is None or f.kind == "relation":
            raise FieldNotFoundError(f"Field '{name}' does not exist on model {m.name}", meta={"field": name})
        return f

    def rel(self, m: ModelMeta, name: str) -> RelationMeta:
        r = m.relation(name)
        if r is None:
            raise UnknownRelationalFieldError(m.name, name)
        return r

    # ------------------------------------------------------------ joins
    def join(self, m: ModelMeta, pa: str, r: RelationMeta, t: ModelMeta, ca: str) -> tuple[str, str]:
        """(extra FROM items, condition) linking child alias ``ca`` of ``t`` to parent ``pa`` of ``m``."""
        if r.is_m2m:
            j = ca + "j"
            jt = (qi(r.join_schema) + "." if r.join_schema else "") + qi(r.join_table or "")
            mid = self.sfield(m, m.id_fields[0])
            tid = self.sfield(t, t.id_fields[0])
            cond = f"{j}.{qi(r.join_self or 'A')} = {self.col(pa, mid)} AND {j}.{qi(r.join_other or 'B')} = {self.col(ca, tid)}"
            return f", {jt} AS {j}", cond
        if r.owns_fk:
            pairs = zip(r.references, r.fields, strict=True)
            return "", " AND ".join(
                f"{self.col(ca, self.sfield(t, tf))} = {self.col(pa, self.sfield(m, mf))}" for tf, mf in pairs
            )
        pairs = zip(r.back_fields, r.back_references, strict=True)
        return "", " AND ".join(
            f"{self.col(ca, self.sfield(t, tf))} = {self.col(pa, self.sfield(m, mf))}" for tf, mf in pairs
        )

    # ------------------------------------------------------------ where
    def where(self, m: ModelMeta, a: str, w: Any) -> str:
        if not w:
            return "TRUE"
        if not isinstance(w, dict):
            raise DataError(f"A where argument must be a dict, got {type(w).__name__}")
        parts: list[str] = []
        for k, v in w.items():
            if k == "AND":
                items = [self.where(m, a, x) for x in _as_list(v)]
                parts.append("(" + " AND ".join(items) + ")" if items else "TRUE")
            elif k == "OR":
                items = [self.where(m, a, x) for x in _as_list(v)]
                parts.append("(" + " OR ".join(items) + ")" if items else "FALSE")
            elif k == "NOT":
                items = [f"NOT ({self.where(m, a, x)})" for x in _as_list(v)]
                parts.append("(" + " AND ".join(items) + ")" if items else "TRUE")
            else:
                f = m.field(k)
                if f is None:
                    if k in m.unique_sets and isinstance(v, dict):
                        for sub in m.unique_sets[k]:
                            if sub not in v:
                                raise DataError(f"Compound key '{k}' needs a value for '{sub}'")
                            sf = self.sfield(m, sub)
                            parts.append(self.scalar_filter(sf, self.col(a, sf), v[sub]))
                        continue
                    raise FieldNotFoundError(
                        f"Field '{k}' does not exist on model {m.name} (where argument)", meta={"field": k}
                    )
                if f.kind == "relation":
                    parts.append(self.rel_filter(m, a, self.rel(m, k), v))
                else:
                    parts.append(self.scalar_filter(f, self.col(a, f), v))
        return " AND ".join(parts) if parts else "TRUE"

    def rel_filter(self, m: ModelMeta, a: str, r: RelationMeta, v: Any) -> str:
        t = self.model(r.target)
        ca = self.alias()
        extra, cond = self.join(m, a, r, t, ca)
        frm = f"{table(t)} AS {ca}{extra}"

        def exists(inner: str | None, negate: bool = False) -> str:
            c = cond if inner is None or inner == "TRUE" else f"{cond} AND {inner}"
            return f"{'NOT ' if negate else ''}EXISTS (SELECT 1 FROM {frm} WHERE {c})"

        def none_of(inner: str) -> str:
            """No related row matches ``inner``, written as Prisma's engine writes it: the parent's key
            ``NOT IN`` the keys of the related rows that match. PostgreSQL runs it as a hashed subplan
            over the parent's rows in their own order (``NOT EXISTS`` may become a right anti join,
            whose output order changes from run to run for a find_many without order)."""
            if r.is_m2m:
                j = ca + "j"
                tid = self.sfield(t, t.id_fields[0])
                mid = self.sfield(m, m.id_fields[0])
                sub = f"SELECT {j}.{qi(r.join_self or 'A')} FROM {frm} WHERE {j}.{qi(r.join_other or 'B')} = {self.col(ca, tid)}"
                parent = [self.col(a, mid)]
            else:
                pairs = list(zip(r.back_fields, r.back_references, strict=True))
                child = [self.col(ca, self.sfield(t, tf)) for tf, _ in pairs]
                parent = [self.col(a, self.sfield(m, mf)) for _, mf in pairs]
                sub = f"SELECT {', '.join(child)} FROM {frm} WHERE " + " AND ".join(f"{c} IS NOT NULL" for c in child)
            if inner != "TRUE":
                sub += f" AND {inner}"
            lhs = parent[0] if len(parent) == 1 else "(" + ", ".join(parent) + ")"
            return f"{lhs} NOT IN ({sub})"

        if v is None:
            return exists(None, negate=True)
        if not isinstance(v, dict):
            raise DataError(f"Invalid filter for relation '{r.field}'")
        keys = set(v)
        if r.is_list:
            if not keys <= {"some", "every", "none"}:
                raise DataError(f"A to-many relation filter on '{r.field}' takes some, every or none")
        elif not keys & {"is", "is_not"}:
            v = {"is": v}
        parts = []
        for op, body in v.items():
            if op == "is":
                parts.append(exists(None, True) if body is None else exists(self.where(t, ca, body)))
            elif op == "is_not":
                parts.append(exists(None) if body is None else exists(self.where(t, ca, body), True))
            elif op == "some":
                parts.append(exists(self.where(t, ca, body)))
            elif op == "none":
                parts.append(none_of(self.where(t, ca, body)))
            elif op == "every":
                inner = self.where(t, ca, body)
                parts.append("TRUE" if inner == "TRUE" else none_of(f"NOT COALESCE(({inner}), FALSE)"))
            else:
                raise DataError(f"Unknown relation filter '{op}' on '{r.field}'")
        return " AND ".join(parts) if parts else "TRUE"

    def scalar_filter(self, f: FieldMeta, col: str, v: Any, mode: str | None = None) -> str:
        if v is None:
            return f"{col} IS NULL"
        if not isinstance(v, dict):
            return self._eq(f, col, v, mode == "insensitive")
        mode = v.get("mode", mode)
        ins = mode == "insensitive"
        if f.is_list:
            return self._list_filter(f, col, v)
        if f.type == "Json":
            return self._json_filter(f, col, v)
        parts: list[str] = []
        enc = codec.scalar_encoder(f, self.meta)
        lenc = codec.list_encoder(f, self.meta)
        typ = codec.pg_type(f, self.meta)
        lhs = f"lower({col})" if ins else col
        if ins:
            enc = _lower_enc(enc)
            lenc = _lower_list(lenc)
        for op, x in v.items():
            if op == "mode":
                continue
            if op == "equals":
                parts.append(f"{col} IS NULL" if x is None else f"{lhs} = {self._val(f, x, enc, ins)}")
            elif op == "not":
                if x is None:
                    parts.append(f"{col} IS NOT NULL")
                elif isinstance(x, dict):
                    parts.append(f"NOT ({self.scalar_filter(f, col, x, mode)})")
                else:
                    parts.append(f"{lhs} <> {self._val(f, x, enc, ins)}")
            elif op in ("in", "not_in"):
                arr = self.p(x, lenc, f"{typ}[]")
                parts.append(f"{lhs} = ANY({arr})" if op == "in" else f"{lhs} <> ALL({arr})")
            elif op in ("lt", "lte", "gt", "gte"):
                sym = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}[op]
                parts.append(f"{lhs} {sym} {self._val(f, x, enc, ins)}")
            elif op in ("contains", "startswith", "endswith"):
                pre = "%" if op in ("contains", "endswith") else ""
                post = "%" if op in ("contains", "startswith") else ""
                like = "ILIKE" if ins else "LIKE"
                parts.append(f"{col}::text {like} {self.p(x, _like_enc(pre, post))}")
            elif op == "search" and f.type == "String":
                self._full_text("search", f.name)
                parts.append(f"{_text_search([col])} @@ to_tsquery({self.p(x)})")
            else:
                raise FieldNotFoundError(f"Unknown filter '{op}' for field '{f.name}'", meta={"field": op})
        return "(" + " AND ".join(parts) + ")" if len(parts) > 1 else (parts[0] if parts else "TRUE")

    def _full_text(self, what: str, field: str) -> None:
        if not self.meta.full_text_search:
            raise FieldNotFoundError(
                f"'{what}' (on '{field}') is PostgreSQL full-text search, a Prisma preview feature: add "
                f'previewFeatures = ["{FULL_TEXT_PREVIEW[0]}"] (or "{FULL_TEXT_PREVIEW[1]}", as Prisma 5 named it) '
                "to the generator block and generate the client again",
                meta={"field": what},
            )

    def _relevance(self, m: ModelMeta, a: str, d: Any) -> tuple[str, str, str | None, FieldMeta | None]:
        """``{'_relevance': {'fields': [...], 'search': q, 'sort': 'asc'|'desc'}}``: Prisma's
        ``ts_rank(to_tsvector(concat_ws(' ', fields)), to_tsquery(q))``."""
        self._full_text("_relevance", m.name)
        if (
            not isinstance(d, dict)
            or set(d) - {"fields", "search", "sort"}
            or not {"fields", "search", "sort"} <= set(d)
        ):
            raise DataError("'_relevance' takes exactly the keys 'fields', 'search' and 'sort'")
        names = _names(d["fields"])
        if not names:
            raise DataError("'_relevance.fields' must be a String field name or a non-empty list of them")
        cols = []
        for name in names:
            f = m.field(name)
            if f is None or f.kind != "scalar" or f.type != "String" or f.is_list:
                raise FieldNotFoundError(
                    f"'{name}' is not a String field of model {m.name} ('_relevance' fields)", meta={"field": name}
                )
            cols.append(self.col(a, f))
        q = d["search"]
        if q is None:
            raise DataError("'_relevance.search' must be a string")
        expr = _ranked(
            f"ts_rank({_text_search(cols)}, to_tsquery(%s))", [(q.i, None) if isinstance(q, Slot) else (-1, q)]
        )
        return expr, _dir(d["sort"]), None, None

    def _val(self, f: FieldMeta, x: Any, enc: Any, ins: bool) -> str:
        ph = self.p(x, enc)
        return f"lower({ph})" if ins else ph

    def _eq(self, f: FieldMeta, col: str, v: Any, ins: bool) -> str:
        if f.is_list:
            return f"{col} = {self.p(v, codec.field_encoder(f, self.meta), codec.pg_type(f, self.meta) + '[]')}"
        if f.type == "Json":
            return f"{col}::jsonb = {self.p(v, codec.field_encoder(f, self.meta), 'jsonb')}"
        enc = codec.scalar_encoder(f, self.meta)
        if ins:
            return f"lower({col}) = lower({self.p(v, enc)})"
        return f"{col} = {self.p(v, enc)}"

    def _list_filter(self, f: FieldMeta, col: str, v: dict[str, Any]) -> str:
        typ = codec.pg_type(f, self.meta) + "[]"
        one = codec.scalar_encoder(f, self.meta)
        lenc = codec.list_encoder(f, self.meta)
        parts = []
        for op, x in v.items():
            if op == "mode":
                continue
            if op == "has":
                parts.append(f"{self.p(x, one, codec.pg_type(f, self.meta))} = ANY({col})")
            elif op == "has_some":
                parts.append(f"{col} && {self.p(x, lenc, typ)}")
            elif op == "has_every":
                parts.append(f"{col} @> {self.p(x, lenc, typ)}")
            elif op == "is_empty":
                # a NULL list is neither empty nor not empty (as in Prisma)
                parts.append(f"cardinality({col}) = 0" if x else f"cardinality({col}) > 0")
            elif op == "equals":
                parts.append(f"{col} IS NULL" if x is None else f"{col} = {self.p(x, lenc, typ)}")
            else:
                raise FieldNotFoundError(f"Unknown list filter '{op}' for field '{f.name}'", meta={"field": op})
        return " AND ".join(parts) if parts else "TRUE"

    def _json_filter(self, f: FieldMeta, col: str, v: dict[str, Any]) -> str:
        path = v.get("path")
        parts = []
        for op, x in v.items():
            if op in ("path", "mode"):
                continue

            def tgt() -> str:
                return f"({col}::jsonb #> {self.p(path, list, 'text[]')})" if path is not None else f"{col}::jsonb"

            target = tgt()
            if op == "equals":
                parts.append(f"{target} IS NULL" if x is None else f"{target} = {self.p(x, codec._enc_json, 'jsonb')}")
            elif op == "not":
                parts.append(
                    f"{target} IS NOT NULL" if x is None else f"{target} <> {self.p(x, codec._enc_json, 'jsonb')}"
                )
            elif op in ("string_contains", "string_starts_with", "string_ends_with"):
                pre = "" if op == "string_starts_with" else "%"
                post = "" if op == "string_ends_with" else "%"
                parts.append(
                    f"jsonb_typeof({target}) = 'string' AND ({tgt()} #>> '{{}}') LIKE {self.p(x, _like_enc(pre, post))}"
                )
            elif op == "array_contains":
                parts.append(f"jsonb_typeof({target}) = 'array' AND {tgt()} @> {self.p(x, _json_array, 'jsonb')}")
            elif op in ("array_starts_with", "array_ends_with"):
                idx = "0" if op == "array_starts_with" else "-1"
                parts.append(
                    f"jsonb_typeof({target}) = 'array' AND ({tgt()} -> {idx}) = {self.p(x, codec._enc_json, 'jsonb')}"
                )
            elif op in ("lt", "lte", "gt", "gte"):
                sym = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}[op]
                parts.append(f"{target} {sym} {self.p(x, codec._enc_json, 'jsonb')}")
            else:
                raise FieldNotFoundError(f"Unknown Json filter '{op}' for field '{f.name}'", meta={"field": op})
        return " AND ".join(parts) if parts else "TRUE"

    # ------------------------------------------------------------ order
    def order_items(self, m: ModelMeta, a: str, order: Any) -> list[tuple[str, str, str | None, FieldMeta | None]]:
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
            ((k, d),) = item.items()
            if k == "_relevance":
                out.append(self._relevance(m, a, d))
                continue
            f = m.field(k)
            if f is None:
                raise FieldNotFoundError(
                    f"Field '{k}' does not exist on model {m.name} (argument orderBy.{k})", meta={"field": k}
                )
            if f.kind == "relation":
                r = self.rel(m, k)
                t = self.model(r.target)
                ca = self.alias()
                extra, cond = self.join(m, a, r, t, ca)
                if r.is_list:
                    if not isinstance(d, dict) or set(d) != {"_count"}:
                        raise DataError(f"A to-many relation '{k}' can only be ordered by {{'_count': 'asc'|'desc'}}")
                    out.append(
                        (
                            f"(SELECT count(*) FROM {table(t)} AS {ca}{extra} WHERE {cond})",
                            _dir(d["_count"]),
                            None,
                            None,
                        )
                    )
                else:
                    for expr, dd, nulls, _ in self.order_items(t, ca, d):
                        sub = f"(SELECT {expr} FROM {table(t)} AS {ca}{extra} WHERE {cond} LIMIT 1)"
                        if isinstance(expr, _Ranked):
                            sub = _ranked(sub, expr.specs)
                        out.append((sub, dd, nulls, None))
                continue
            if isinstance(d, dict):
                out.append((self.col(a, f), _dir(d.get("sort")), d.get("nulls"), f))
            else:
                out.append((self.col(a, f), _dir(d), None, f))
        return out

    @staticmethod
    def order_sql(items: list[tuple[str, str, str | None, FieldMeta | None]], reverse: bool = False) -> str:
        parts = []
        for expr, d, nulls, _ in items:
            if reverse:
                d = "DESC" if d == "ASC" else "ASC"
                nulls = {"first": "last", "last": "first"}.get(nulls or "")
            parts.append(f"{expr} {d}" + (f" NULLS {nulls.upper()}" if nulls else ""))
        return ", ".join(parts)

    # ------------------------------------------------------------ list queries
    def list_query(
        self, m: ModelMeta, a: str, args: dict[str, Any], base: str, extra: str, select_sql: str, *, order_key: str
    ) -> tuple[str, bool, str]:
        """SELECT text for a windowed list of ``m`` (where, order, cursor, take, skip, distinct).

        Returns (sql, reversed, order_sql-of-output) where ``reversed`` means a negative take."""
        outer, self.specs = self.specs, []
        where = self.where(m, a, args.get("where"))
        where_specs, self.specs = self.specs, outer
        cond = where if base == "TRUE" else (base if where == "TRUE" else f"{base} AND {where}")
        items = self.order_items(m, a, args.get(order_key))
        take, skip, cursor, distinct = args.get("take"), args.get("skip"), args.get("cursor"), args.get("distinct")
        if (take is not None or skip is not None or cursor is not None) and not items:
            items = [(self.col(a, self.sfield(m, k)), "ASC", None, self.sfield(m, k)) for k in m.id_fields]
        if cursor is not None:
            have = {id(it[3]) for it in items if it[3] is not None}
            for k in m.id_fields:
                f = self.sfield(m, k)
                if id(f) not in have:
                    items.append((self.col(a, f), "ASC", None, f))
        neg = (isinstance(take, Slot) and take.neg) or (
            isinstance(take, int) and not isinstance(take, bool) and take < 0
        )
        frm = f"{table(m)} AS {a}{extra}"
        cursor_specs: list[Spec] = []
        if distinct:
            cols = ", ".join(self.col(a, self.sfield(m, d)) for d in distinct)
            over = f"PARTITION BY {cols}" + (f" ORDER BY {self.order_sql(items)}" if items else "")
            frm = f"(SELECT {a}.*, row_number() OVER ({over}) AS {RN} FROM {frm} WHERE {cond}) AS {a}"
            cond = f"{a}.{RN} = 1"
        if cursor is not None:
            cx = self.alias()
            if any(it[3] is None for it in items):
                raise DataError("A cursor can only be combined with ordering on scalar fields")
            cols = ", ".join(f"{self.col(cx, it[3])} AS c{i}" for i, it in enumerate(items) if it[3] is not None)
            outer, self.specs = self.specs, []
            cw = self.where(m, cx, cursor)
            cursor_specs, self.specs = self.specs, outer
            frm += f" CROSS JOIN (SELECT {cols} FROM {table(m)} AS {cx} WHERE {cw} LIMIT 1) AS {cx}c"
            ors = []
            for i, (expr, d, _, _) in enumerate(items):
                eqs = [f"{items[j][0]} = {cx}c.c{j}" for j in range(i)]
                up = (d == "ASC") != neg
                eqs.append(f"{expr} {'>' if up else '<'} {cx}c.c{i}")
                ors.append("(" + " AND ".join(eqs) + ")")
            ors.append("(" + " AND ".join(f"{items[j][0]} = {cx}c.c{j}" for j in range(len(items))) + ")")
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
            sql += f" LIMIT {self.p(take, _abs)}"
        if skip is not None:
            sql += f" OFFSET {self.p(skip)}"
        return sql, neg, order

    # ------------------------------------------------------------ selection
    def scalar_cols(self, m: ModelMeta, select: Any) -> list[FieldMeta]:
        if not select:
            return m.scalar_fields
        out = []
        for k, v in select.items():
            f = m.field(k)
            if f is None:
                raise FieldNotFoundError(
                    f"Field '{k}' does not exist on model {m.name} (select argument)", meta={"field": k}
                )
            if f.kind != "relation" and v:
                out.append(f)
        return out

    def relations_of(self, m: ModelMeta, include: Any, select: Any) -> list[tuple[RelationMeta | None, Any]]:
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
                f = m.field(k)
                if src is select and f is not None and f.kind != "relation":
                    continue
                r = self.rel(m, k)
                if v is False or v is None:
                    continue
                if v is not True and not isinstance(v, dict):
                    raise TypeError(f"Expected a bool or a dict for include '{k}', got {type(v).__name__}")
                out.append((r, v))
        return out

    def select_exprs(
        self, m: ModelMeta, a: str, include: Any, select: Any = None, *, as_json: bool = False
    ) -> tuple[list[tuple[str, str]], list[Decode | None]]:
        """[(key, expression)] and decoders for the columns and included relations of ``m``."""
        pairs: list[tuple[str, str]] = []
        decs: list[Decode | None] = []
        for f in self.scalar_cols(m, select):
            expr, dec = codec.select_column(f, self.meta, self.col(a, f), as_json)
            pairs.append((f.name, expr))
            decs.append(dec)
        for r, v in self.relations_of(m, include, select):
            if r is None:
                expr, dec = self.count_json(m, a, v)
                pairs.append(("_count", expr))
            else:
                expr, dec = self.rel_json(m, a, r, {} if v is True else v)
                pairs.append((r.field, expr))
            decs.append(dec)
        return pairs, decs

    def count_json(self, m: ModelMeta, a: str, v: Any) -> tuple[str, Decode | None]:
        sel = v.get("select") if isinstance(v, dict) else None
        names = [k for k, x in sel.items() if x] if sel else [r.field for r in m.relations if r.is_list]
        parts = []
        for k in names:
            r = self.rel(m, k)
            t = self.model(r.target)
            ca = self.alias()
            extra, cond = self.join(m, a, r, t, ca)
            body = sel.get(k) if sel else True
            if isinstance(body, dict) and body.get("where"):
                cond += " AND " + self.where(t, ca, body["where"])
            parts.append(f"'{k}', (SELECT count(*) FROM {table(t)} AS {ca}{extra} WHERE {cond})")
        return f"json_build_object({', '.join(parts)})", None

    def json_object(
        self, m: ModelMeta, a: str, include: Any, select: Any = None
    ) -> tuple[str, list[str], list[Decode | None]]:
        """A JSON array holding one row of ``m`` (positional: smaller to build, send and parse than
        an object), its keys and the decoders of its elements."""
        pairs, decs = self.select_exprs(m, a, include, select, as_json=True)
        chunks = [pairs[i : i + 100] for i in range(0, len(pairs), 100)] or [[]]
        arrays = ["json_build_array(" + ", ".join(e for _, e in ch) + ")" for ch in chunks]
        expr = arrays[0] if len(arrays) == 1 else "(" + " || ".join(x + "::jsonb" for x in arrays) + ")::json"
        return expr, [k for k, _ in pairs], decs

    def rel_json(self, m: ModelMeta, pa: str, r: RelationMeta, args: dict[str, Any]) -> tuple[str, Nested]:
        t = self.model(r.target)
        ca = self.alias()
        extra, cond = self.join(m, pa, r, t, ca)
        obj, keys, decs = self.json_object(t, ca, args.get("include"), args.get("select"))
        if not r.is_list:
            where = self.where(t, ca, args.get("where")) if args.get("where") else "TRUE"
            c = cond if where == "TRUE" else f"{cond} AND {where}"
            return f"(SELECT {obj} FROM {table(t)} AS {ca}{extra} WHERE {c} LIMIT 1)", Nested(keys, decs, False)
        sel = f"{obj} AS j"
        n0 = len(self.specs)
        inner, neg, order = self.list_query(t, ca, args, cond, extra, sel, order_key="order_by")
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
        self, m: ModelMeta, a: str, include: Any, select: Any, slot: int
    ) -> tuple[list[tuple[str, str]], list[Decode | None], list[RelationBatch]]:
        """:meth:`select_exprs` for rows read as columns, with every included relation that a
        :class:`RelationBatch` can load loaded that way (the others as JSON)."""
        pairs: list[tuple[str, str]] = []
        decs: list[Decode | None] = []
        batches: list[RelationBatch] = []
        for f in self.scalar_cols(m, select):
            expr, dec = codec.select_column(f, self.meta, self.col(a, f), False)
            pairs.append((f.name, expr))
            decs.append(dec)
        for r, v in self.relations_of(m, include, select):
            if r is None:
                expr, dec = self.count_json(m, a, v)
                pairs.append(("_count", expr))
                decs.append(dec)
                continue
            args = {} if v is True else v
            got = self.rel_batch(m, a, r, args, slot)
            if got is None:
                expr, nested = self.rel_json(m, a, r, args)
            else:
                expr, nested, b = got
                b.pos = len(pairs)
                batches.append(b)
            pairs.append((r.field, expr))
            decs.append(nested)
        return pairs, decs, batches

    def rel_batch(
        self, m: ModelMeta, pa: str, r: RelationMeta, args: dict[str, Any], slot: int
    ) -> tuple[str, Nested, RelationBatch] | None:
        """(parent's link key expression, decoder, batch) for relation ``r``, or None when a batch
        cannot load it (see the module docstring)."""
        if r.is_m2m or args.get("cursor") is not None or args.get("distinct"):
            return None
        pf, cf = (r.fields, r.references) if r.owns_fk else (r.back_references, r.back_fields)
        if len(pf) != 1 or len(cf) != 1:
            return None
        t = self.model(r.target)
        fp, fc = self.sfield(m, pf[0]), self.sfield(t, cf[0])
        if fp.kind != "scalar" or fp.is_list or fp.type not in _BATCH_KEYS or fc.type != fp.type or fc.is_list:
            return None
        kind = (fp.db_type or "").lower()
        if kind != (fc.db_type or "").lower() or (fp.type == "String" and kind not in _BATCH_TEXT):
            # keys read back as the same Python values on both sides, and equal in Python exactly
            # when equal in SQL (not so for citext, inet and other non-text String columns)
            return None
        outer, self.specs = self.specs, []
        ca = self.alias()
        pairs, decs, batches = self.select_level(t, ca, args.get("include"), args.get("select"), slot)
        key_expr = codec.select_column(fc, self.meta, self.col(ca, fc), False)[0]
        sel_specs, self.specs = self.specs, []
        arr = self.p(Slot(slot), None, codec.pg_type(fc, self.meta) + "[]")
        cond = f"{self.col(ca, fc)} = ANY({arr})"
        if args.get("where"):
            where = self.where(t, ca, args["where"])
            if where != "TRUE":
                cond += f" AND {where}"
        cond_specs, self.specs = self.specs, []
        exprs = [e for _, e in pairs] + [key_expr]
        # ordering and windows apply to to-many relations (the JSON form ignores them on to-one)
        items = self.order_items(t, ca, args.get("order_by")) if r.is_list else []
        take, skip = (args.get("take"), args.get("skip")) if r.is_list else (None, None)
        frm = f"{table(t)} AS {ca} WHERE {cond}"
        if take is None and skip is None:
            sql = f"SELECT {', '.join(exprs)} FROM {frm}"
            if items:
                sql += f" ORDER BY {self.order_sql(items)}"
            specs = sel_specs + cond_specs + _order_specs(items)
        else:
            if not items:
                items = [(self.col(ca, self.sfield(t, k)), "ASC", None, self.sfield(t, k)) for k in t.id_fields]
            neg = (isinstance(take, Slot) and take.neg) or (
                isinstance(take, int) and not isinstance(take, bool) and take < 0
            )
            cols = ", ".join(f"{e} AS c{i}" for i, e in enumerate(exprs))
            over = f"PARTITION BY {self.col(ca, fc)} ORDER BY {self.order_sql(items, reverse=neg)}"
            inner = f"SELECT {cols}, row_number() OVER ({over}) AS {RN} FROM {frm}"
            bounds = []
            if skip is not None:
                bounds.append(f"s.{RN} > {self.p(skip, None, 'bigint')}")
            if take is not None:
                lo = f"{self.p(skip, None, 'bigint')} + " if skip is not None else ""  # parameters in text order
                bounds.append(f"s.{RN} <= {lo}{self.p(take, _abs, 'bigint')}")
            outs = ", ".join(f"s.c{i}" for i in range(len(exprs)))
            sql = f"SELECT {outs} FROM ({inner}) AS s WHERE {' AND '.join(bounds)} ORDER BY s.{RN}{' DESC' if neg else ''}"
            specs = sel_specs + _order_specs(items) + cond_specs + self.specs
        self.specs = outer
        b = RelationBatch(pos=-1, many=r.is_list, sql=sql, specs=specs, key=len(pairs), slot=slot, batches=batches)
        parent_key = codec.select_column(fp, self.meta, self.col(pa, fp), False)[0]
        return parent_key, Nested([k for k, _ in pairs], decs, r.is_list, tail=1), b


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
    meta: SchemaMeta, model: str, args: dict[str, Any], *, unique: bool = False, batch: int | None = None
) -> Plan:
    """find_unique / find_first / find_many, with includes: in one statement (JSON), or, with
    ``batch`` (the number of values of the call: the first free slot), with one :class:`RelationBatch` per
    included relation and level wherever a batch can load it (see the module docstring)."""
    c = Compiler(meta)
    m = c.model(model)
    a = "t0"
    if unique:
        check_unique(m, args.get("where"))
    batches: list[RelationBatch] = []
    if batch is None:
        pairs, decs = c.select_exprs(m, a, args.get("include"), args.get("select"))
    else:
        pairs, decs, batches = c.select_level(m, a, args.get("include"), args.get("select"), batch)
    sel = ", ".join(e for _, e in pairs)
    sql, neg, _ = c.list_query(m, a, args, "TRUE", "", sel, order_key="order")
    return Plan(sql, c.specs, RowPlan([k for k, _ in pairs], decs), reverse=neg, binary=True, batches=batches)


def check_unique(m: ModelMeta, where: Any) -> None:
    if not isinstance(where, dict) or not where:
        raise DataError(
            f"find_unique on {m.name} needs a unique where, e.g. {{'{m.id_fields[0] if m.id_fields else 'id'}': ...}}"
        )
    for name, fields in m.unique_sets.items():
        if name in where or all(f in where for f in fields):
            return
    raise DataError(
        f"The where argument of {m.name} must name a unique key: one of {', '.join(sorted(m.unique_sets))}",
        meta={"unique_keys": sorted(m.unique_sets)},
    )


def compile_count(meta: SchemaMeta, model: str, args: dict[str, Any]) -> Plan:
    c = Compiler(meta)
    m = c.model(model)
    a = "t0"
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
                f = c.sfield(m, k)
                keys.append(k)
                aggs.append(f"count(s.{qi(f.db_name)})")
    if select is not None and not keys:
        keys, aggs = ["_all"], ["count(*)"]
    windowed = any(args.get(k) is not None for k in ("take", "skip", "cursor"))
    if not windowed and select is None:
        where = c.where(m, a, args.get("where"))
        return Plan(f"SELECT count(*) FROM {table(m)} AS {a} WHERE {where}", c.specs, extra={"keys": None})
    inner, _, _ = c.list_query(m, a, args, "TRUE", "", f"{a}.*", order_key="order")
    return Plan(
        f"SELECT {', '.join(aggs)} FROM ({inner}) AS s", c.specs, extra={"keys": keys if select is not None else None}
    )


AGGS = {"count": "_count", "avg": "_avg", "sum": "_sum", "min": "_min", "max": "_max"}


def compile_group_by(meta: SchemaMeta, model: str, args: dict[str, Any]) -> Plan:
    c = Compiler(meta)
    m = c.model(model)
    a = "t0"
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
    by_fields = [c.sfield(m, b) for b in by]
    for f in by_fields:
        cols.append(c.col(a, f) + ("::text[]" if f.kind == "enum" and f.is_list else ""))
        keys.append((f.name, None))
        decs.append(codec.field_decoder(f, meta))
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
            f = c.sfield(m, k)
            fn = arg if arg != "count" else "count"
            expr = f"{fn}({c.col(a, f)})"
            cols.append(expr + ("::float8" if arg == "avg" else ""))
            keys.append((out, k))
            decs.append(None if arg in ("count", "avg") else codec.field_decoder(f, meta))
    where = c.where(m, a, args.get("where"))
    sql = f"SELECT {', '.join(cols)} FROM {table(m)} AS {a} WHERE {where} GROUP BY {', '.join(c.col(a, f) for f in by_fields)}"
    having = args.get("having")
    if having:
        sql += f" HAVING {_having(c, m, a, having)}"
    order = args.get("order")
    if order:
        parts = []
        ordered: set[str] = set()
        last = "ASC"
        for item in _as_list(order):
            if not isinstance(item, dict) or len(item) != 1:
                raise DataError("Expected exactly one field to be present in an order dict")
            ((k, d),) = item.items()
            if k in ("_count", "_avg", "_sum", "_min", "_max"):
                ((fk, fd),) = d.items()
                fn = {"_count": "count", "_avg": "avg", "_sum": "sum", "_min": "min", "_max": "max"}[k]
                target = "*" if fk == "_all" else c.col(a, c.sfield(m, fk))
                last = _dir(fd)
                parts.append(f"{fn}({target}) {last}")
            else:
                f = c.sfield(m, k)
                last = _dir(d)
                parts.append(f"{c.col(a, f)} {last}")
                ordered.add(k)
        # ties: the other grouped fields, in the direction of the last order key, so rows with equal
        # ordered values come back in one order every time (a hash aggregate has none of its own)
        parts += [f"{c.col(a, f)} {last}" for f in by_fields if f.name not in ordered]
        sql += " ORDER BY " + ", ".join(parts)
    if args.get("take") is not None:
        sql += f" LIMIT {c.p(args['take'])}"
    if args.get("skip") is not None:
        sql += f" OFFSET {c.p(args['skip'])}"
    return Plan(sql, c.specs, extra={"keys": keys, "decs": decs})


_AGG_KEYS = ("_avg", "_sum", "_min", "_max", "_count")


def _plain_having_fields(having: Any) -> list[str]:
    """The fields a ``having`` filters on directly (not through an aggregate), in order of appearance."""
    out: list[str] = []
    for k, v in having.items() if isinstance(having, dict) else ():
        if k in ("AND", "OR", "NOT"):
            for item in _as_list(v):
                out += _plain_having_fields(item)
        elif not (isinstance(v, dict) and any(x in v for x in _AGG_KEYS)):
            out.append(k)
    return out


def _check_group_by_args(by: list[str], args: dict[str, Any]) -> None:
    """Prisma's input errors of group_by, raised before any SQL: ``order`` and plain ``having``
    filters may only name grouped fields."""
    missing: list[str] = []
    for item in _as_list(args.get("order") or []):
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


def _having(c: Compiler, m: ModelMeta, a: str, h: dict[str, Any]) -> str:
    parts = []
    for k, v in h.items():
        if k in ("AND", "OR", "NOT"):
            items = [_having(c, m, a, x) for x in _as_list(v)]
            if k == "AND":
                parts.append("(" + " AND ".join(items) + ")" if items else "TRUE")
            elif k == "OR":
                parts.append("(" + " OR ".join(items) + ")" if items else "FALSE")
            else:
                parts.append("(" + " AND ".join(f"NOT ({i})" for i in items) + ")" if items else "TRUE")
            continue
        f = c.sfield(m, k)
        col = c.col(a, f)
        if isinstance(v, dict) and any(x in v for x in ("_avg", "_sum", "_min", "_max", "_count")):
            for ak, filt in v.items():
                fn = ak.lstrip("_")
                if ak == "_avg":
                    expr, fm = f"avg({col})::float8", FieldMeta(f.name, f.db_name, "scalar", "Float")
                elif ak == "_count":
                    expr, fm = f"count({col})", FieldMeta(f.name, f.db_name, "scalar", "Int")
                elif ak in ("_sum", "_min", "_max"):
                    expr, fm = f"{fn}({col})", f
                else:
                    expr, fm = col, f
                    filt = {ak: filt}
                parts.append(c.scalar_filter(fm, expr, filt))
        else:
            parts.append(c.scalar_filter(f, col, v))
    return " AND ".join(parts) if parts else "TRUE"


# ================================================================ writes


def _now() -> datetime:
    """Now, UTC, in milliseconds (Prisma's precision)."""
    return datetime.fromtimestamp(time.time_ns() // 1_000_000 / 1000, UTC)


def split_data(m: ModelMeta, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(scalar values, relation operations) of a create/update data dict."""
    if not isinstance(data, dict):
        raise DataError(f"data for {m.name} must be a dict")
    scalars: dict[str, Any] = {}
    rels: dict[str, Any] = {}
    for k, v in data.items():
        f = m.field(k)
        if f is None:
            raise FieldNotFoundError(f"Field '{k}' does not exist on model {m.name} (data argument)", meta={"field": k})
        if f.kind == "relation":
            rels[k] = v
        else:
            scalars[k] = v
    return scalars, rels


def fill_create_defaults(m: ModelMeta, scalars: dict[str, Any]) -> None:
    """Client-side defaults Prisma's engine generates: uuid(), cuid(), nanoid(), now(), @updatedAt."""
    now = None
    for name, kind, args in m.client_defaults:
        if name in scalars:
            continue
        gen = GENERATORS.get(kind)
        if gen is not None:
            scalars[name] = gen(*args)
        else:
            if now is None:
                now = _now()
            scalars[name] = now


def check_required(m: ModelMeta, scalars: dict[str, Any], provided_fk: set[str]) -> None:
    for name in m.required_on_create:
        if name not in scalars and name not in provided_fk:
            raise MissingRequiredValueError(
                f"A value is required but not set for the field: `{name}` of {m.name}", meta={"target": [name]}
            )
    if None in scalars.values():
        for name, v in scalars.items():
            if v is None and name in m.not_null and name not in provided_fk:
                raise MissingRequiredValueError(
                    f"A value is required but not set for the field: `{name}` of {m.name}", meta={"target": [name]}
                )


def _value_sql(c: Compiler, f: FieldMeta, v: Any) -> str:
    if f.is_list:
        return c.p(v, codec.field_encoder(f, c.meta), codec.pg_type(f, c.meta) + "[]")
    if f.kind == "enum":
        return c.p(v, codec.field_encoder(f, c.meta), codec.pg_type(f, c.meta))
    return c.p(v, codec.write_encoder(f, c.meta))


def returning(c: Compiler, m: ModelMeta, include: Any, select: Any = None) -> tuple[str, RowPlan]:
    pairs, decs = c.select_exprs(m, "t0", include, select)
    return ", ".join(e for _, e in pairs), RowPlan([k for k, _ in pairs], decs)


def _wrap_cte(c: Compiler, m: ModelMeta, stmt: str, include: Any, select: Any) -> tuple[str, RowPlan]:
    """A data-modifying statement returning rows of ``m`` (with includes via a CTE)."""
    if include or select:
        sel, rows = returning(c, m, include, select)
        return f"WITH w AS ({stmt} RETURNING *) SELECT {sel} FROM w AS t0", rows
    sel, rows = returning(c, m, None)
    return f"{stmt} RETURNING {sel}", rows


def compile_insert(
    meta: SchemaMeta, model: str, scalars: dict[str, Any], include: Any = None, select: Any = None
) -> Plan:
    c = Compiler(meta)
    m = c.model(model)
    cols, vals = [], []
    for k, v in scalars.items():
        f = c.sfield(m, k)
        cols.append(qi(f.db_name))
        vals.append(_value_sql(c, f, v))
    if cols:
        stmt = f"INSERT INTO {table(m)} AS t0 ({', '.join(cols)}) VALUES ({', '.join(vals)})"
    else:
        stmt = f"INSERT INTO {table(m)} AS t0 DEFAULT VALUES"
    sql, rows = _wrap_cte(c, m, stmt, include, select)
    return Plan(sql, c.specs, rows, binary=True)


def compile_insert_many(meta: SchemaMeta, model: str, rows: list[dict[str, Any]], skip_duplicates: bool) -> Plan:
    c = Compiler(meta)
    m = c.model(model)
    names: list[str] = []
    for r in rows:
        for k in r:
            if k not in names:
                names.append(k)
    fields = [c.sfield(m, k) for k in names]
    tuples = []
    for r in rows:
        vals = [_value_sql(c, f, r[f.name]) if f.name in r else "DEFAULT" for f in fields]
        tuples.append("(" + ", ".join(vals) + ")")
    sql = f"INSERT INTO {table(m)} ({', '.join(qi(f.db_name) for f in fields)}) VALUES {', '.join(tuples)}"
    if skip_duplicates:
        sql += " ON CONFLICT DO NOTHING"
    return Plan(sql, c.specs)


ATOMIC = {"increment": "+", "decrement": "-", "multiply": "*", "divide": "/"}


def set_clause(c: Compiler, m: ModelMeta, scalars: dict[str, Any]) -> str:
    parts = []
    for k, v in scalars.items():
        f = c.sfield(m, k)
        col = qi(f.db_name)
        if v is None and f.is_required and not f.is_list:
            raise MissingRequiredValueError(
                f"A value is required but not set for the field: `{k}` of {m.name}", meta={"target": [k]}
            )
        if isinstance(v, dict) and not isinstance(v, Json) and (f.type != "Json" or f.is_list):
            if len(v) != 1:
                raise DataError(
                    f"Expected exactly one field to be present, got {len(v)} ({', '.join(map(str, v))}, "
                    f"in the update of '{k}')"
                )
            ((op, x),) = v.items()
            if op == "set":
                parts.append(f"{col} = {_value_sql(c, f, x)}")
            elif op in ATOMIC and f.type in ("Int", "BigInt", "Float", "Decimal") and not f.is_list:
                parts.append(f"{col} = t0.{col} {ATOMIC[op]} {c.p(x, codec.field_encoder(f, c.meta))}")
            elif op == "push" and f.is_list:
                lenc = codec.list_encoder(f, c.meta)
                enc = lambda v, lenc=lenc: lenc(v if isinstance(v, list) else [v])  # noqa: E731
                parts.append(f"{col} = array_cat(t0.{col}, {c.p(x, enc, codec.pg_type(f, c.meta) + '[]')})")
            else:
                raise DataError(f"Unknown update operation '{op}' for field '{k}'")
        else:
            parts.append(f"{col} = {_value_sql(c, f, v)}")
    return ", ".join(parts)


def compile_update(
    meta: SchemaMeta,
    model: str,
    scalars: dict[str, Any],
    where: Any,
    include: Any = None,
    select: Any = None,
    *,
    many: bool = False,
) -> Plan:
    c = Compiler(meta)
    m = c.model(model)
    if not scalars:
        if many:
            w = c.where(m, "t0", where)
            return Plan(f"SELECT count(*) FROM {table(m)} AS t0 WHERE {w}", c.specs, extra={"count": True})
        sel, rows = returning(c, m, include, select)
        w = c.where(m, "t0", where)
        return Plan(f"SELECT {sel} FROM {table(m)} AS t0 WHERE {w}", c.specs, rows)
    sets = set_clause(c, m, scalars)
    w = c.where(m, "t0", where)
    stmt = f"UPDATE {table(m)} AS t0 SET {sets} WHERE {w}"
    if many:
        return Plan(stmt, c.specs)
    sql, rows = _wrap_cte(c, m, stmt, include, select)
    return Plan(sql, c.specs, rows, binary=True)


def compile_delete(
    meta: SchemaMeta, model: str, where: Any, include: Any = None, select: Any = None, *, many: bool = False
) -> Plan:
    c = Compiler(meta)
    m = c.model(model)
    stmt = f"DELETE FROM {table(m)} AS t0 WHERE {c.where(m, 't0', where)}"
    if many:
        return Plan(stmt, c.specs)
    sql, rows = _wrap_cte(c, m, stmt, include, select)
    return Plan(sql, c.specs, rows, binary=True)


def compile_select_keys(meta: SchemaMeta, model: str, where: Any, fields: list[str], *, lock: bool = False) -> Plan:
    """SELECT some scalar fields of the rows matching ``where`` (used by nested writes)."""
    c = Compiler(meta)
    m = c.model(model)
    fs = [c.sfield(m, f) for f in fields]
    sql = f"SELECT {', '.join(c.col('t0', f) for f in fs)} FROM {table(m)} AS t0 WHERE {c.where(m, 't0', where)}"
    if lock:
        sql += " FOR UPDATE"
    return Plan(sql, c.specs, RowPlan([f.name for f in fs], [codec.field_decoder(f, meta) for f in fs]))


def compile_link(meta: SchemaMeta, r: RelationMeta, self_id: Any, other_id: Any, *, unlink: bool = False) -> Plan:
    """Insert (or delete) one row of an implicit many-to-many join table."""
    jt = (qi(r.join_schema) + "." if r.join_schema else "") + qi(r.join_table or "")
    a, b = qi(r.join_self or "A"), qi(r.join_other or "B")
    if unlink:
        return Plan(f"DELETE FROM {jt} WHERE {a} = %s AND {b} = %s", [(-1, self_id), (-1, other_id)])
    return Plan(f"INSERT INTO {jt} ({a}, {b}) VALUES (%s, %s) ON CONFLICT DO NOTHING", [(-1, self_id), (-1, other_id)])


def compile_unlink_all(meta: SchemaMeta, r: RelationMeta, self_id: Any) -> Plan:
    jt = (qi(r.join_schema) + "." if r.join_schema else "") + qi(r.join_table or "")
    return Plan(f"DELETE FROM {jt} WHERE {qi(r.join_self or 'A')} = %s", [(-1, self_id)])


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
