"""The compiler's core: the call's skeleton and shape key, parameter specs and binding, the compiled
:class:`Plan`, and :class:`CompilerCore`, the state of one compilation (parameters, table aliases,
field lookup, joins). The compiler proper (:class:`~nexo.client.compiler.selection.Compiler`) adds
filters, ordering and windows, and selection on top of it, one module each.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nexo.client import codec
from nexo.client.errors import DataError, FieldNotFoundError, UnknownRelationalFieldError
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
                if key == "_relevance" and k == "fields" and field_names(x) is not None:
                    skeleton[k] = list(field_names(x) or ())
                    shape.append((k, ("n", field_names(x))))
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
            if key == "_relevance" and k == "fields" and field_names(x) is not None:
                add(_NAMES)
                toks.extend(field_names(x) or ())
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


def field_names(x: Any) -> tuple[str, ...] | None:
    """The field names of ``_relevance``'s ``fields`` (one name or a list), or None when it is not names."""
    if isinstance(x, str):
        return (x,)
    if isinstance(x, (list, tuple)) and all(isinstance(i, str) for i in x):
        return tuple(x)
    return None


class Ranked(str):
    """An ORDER BY expression holding parameters (``_relevance``): ``specs`` are bound wherever the
    text is placed, once per occurrence, in text order."""

    specs: list[Spec]


def ranked(text: str, specs: list[Spec]) -> Ranked:
    expr = Ranked(text)
    expr.specs = specs
    return expr


def order_specs(items: list[tuple[str, str, str | None, FieldMeta | None]]) -> list[Spec]:
    return [sp for it in items if isinstance(it[0], Ranked) for sp in it[0].specs]


#: the generator's ``previewFeatures`` that enable ``search`` and ``_relevance`` on PostgreSQL:
#: ``fullTextSearch`` (Prisma 5, the CLI Prisma Client Python 0.15 uses) and ``fullTextSearchPostgres`` (Prisma 6+)
FULL_TEXT_PREVIEW = ("fullTextSearchPostgres", "fullTextSearch")


def text_search(cols: list[str]) -> str:
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


def abs_value(v: Any) -> Any:
    return abs(v)


def as_list(v: Any) -> list[Any]:
    if isinstance(v, list):
        return v
    return [v]


def sort_direction(d: Any) -> str:
    if d in ("asc", "desc"):
        return "ASC" if d == "asc" else "DESC"
    raise DataError(f"Invalid sort order {d!r}; expected 'asc' or 'desc'")


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


class CompilerCore:
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

    def _full_text(self, what: str, field: str) -> None:
        if not self.meta.full_text_search:
            raise FieldNotFoundError(
                f"'{what}' (on '{field}') is PostgreSQL full-text search, a Prisma preview feature: add "
                f'previewFeatures = ["{FULL_TEXT_PREVIEW[0]}"] (or "{FULL_TEXT_PREVIEW[1]}", as Prisma 5 named it) '
                "to the generator block and generate the client again",
                meta={"field": what},
            )
