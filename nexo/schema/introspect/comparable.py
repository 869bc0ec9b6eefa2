"""Comparable forms: two models reduced to what both a schema and a live database can know.

:func:`comparable` clears the provenance fields and folds the equivalent spellings listed in the
documentation of :mod:`nexo.schema.introspect`, so a model built from ``schema.prisma`` and an
introspected one compare with ``==``; :func:`differences` says where two models differ.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from nexo.db.pgfacts import DEFAULT_OPCLASSES, ONE_LENGTH_TYPES

from ...psl.names import MAX_IDENTIFIER, cut
from ..build import qualified, quote_ident, quote_literal
from ..model import Column, Database, Enum, Extension, ForeignKey, Index, IndexColumn, PrimaryKey, Table
from ..predicate import canonical
from .defaults import Arr, Lit, Parser, base_type, category

__all__ = ["comparable", "differences", "same_structure"]


def comparable(db: Database) -> Database:
    """``db`` reduced to its structure: provenance cleared, equivalent spellings folded, a stable order.

    Two databases with the same structure give equal results, whether built from ``schema.prisma``
    or introspected (see the module documentation for exactly what is kept and folded).
    """
    tables = sorted((_comparable_table(t) for t in db.tables), key=lambda t: (t.schema or "", t.name))
    enums = sorted(
        (Enum(_n(e.name), tuple(e.values), _ns(e.schema)) for e in db.enums), key=lambda e: (e.schema or "", e.name)
    )
    extensions = sorted({Extension(x.name) for x in db.extensions}, key=lambda x: x.name)
    return Database(
        tuple(tables), tuple(enums), tuple(extensions), tuple(sorted(map(_n, db.namespaces))), "foreignKeys"
    )


def same_structure(a: Database, b: Database) -> bool:
    """True when ``a`` and ``b`` describe the same database structure."""
    return comparable(a) == comparable(b)


def differences(a: Database, b: Database) -> list[str]:
    """Readable lines saying where the structures of ``a`` and ``b`` differ (empty when they do not)."""
    ca, cb = comparable(a), comparable(b)
    out: list[str] = []
    if ca.namespaces != cb.namespaces:
        out.append(f"namespaces: {list(ca.namespaces)} != {list(cb.namespaces)}")
    ea, eb = {x.name for x in ca.extensions}, {x.name for x in cb.extensions}
    for name in sorted(ea ^ eb):
        out.append(f"extension {name}: only in {'first' if name in ea else 'second'}")
    _diff_named(out, "enum", {(e.schema, e.name): e for e in ca.enums}, {(e.schema, e.name): e for e in cb.enums})
    ta = {(t.schema, t.name): t for t in ca.tables}
    tb = {(t.schema, t.name): t for t in cb.tables}
    for key in sorted(ta.keys() | tb.keys(), key=lambda k: (k[0] or "", k[1])):
        label = f"table {qualified(key[1], key[0])}"
        if key not in tb or key not in ta:
            out.append(f"{label}: only in {'first' if key in ta else 'second'}")
            continue
        x, y = ta[key], tb[key]
        if x.columns != y.columns:
            cx, cy = {c.name: c for c in x.columns}, {c.name: c for c in y.columns}
            for name in [c.name for c in x.columns] + [c.name for c in y.columns if c.name not in cx]:
                if cx.get(name) != cy.get(name):
                    out.append(f"{label} column {quote_ident(name)}: {cx.get(name)} != {cy.get(name)}")
            if [c.name for c in x.columns] != [c.name for c in y.columns] and set(cx) == set(cy):
                out.append(f"{label}: column order {[c.name for c in x.columns]} != {[c.name for c in y.columns]}")
        if x.primary_key != y.primary_key:
            out.append(f"{label} primary key: {x.primary_key} != {y.primary_key}")
        _diff_named(out, f"{label} index", {i.name: i for i in x.indexes}, {i.name: i for i in y.indexes})
        _diff_named(
            out, f"{label} foreign key", {f.name: f for f in x.foreign_keys}, {f.name: f for f in y.foreign_keys}
        )
    return out


def _diff_named(out: list[str], label: str, a: dict[Any, Any], b: dict[Any, Any]) -> None:
    for key in sorted(a.keys() | b.keys(), key=str):
        if a.get(key) != b.get(key):
            out.append(f"{label} {key}: {a.get(key)} != {b.get(key)}")


def _n(name: str) -> str:
    """A name as PostgreSQL stores it: cut to 63 bytes (longer identifiers are silently truncated)."""
    return cut(name, MAX_IDENTIFIER)


def _ns(name: str | None) -> str | None:
    return None if name is None else _n(name)


_QUOTED = re.compile(r'"((?:[^"]|"")*)"')


def _comparable_table(t: Table) -> Table:
    pk = PrimaryKey(_n(t.primary_key.name), tuple(map(_n, t.primary_key.columns))) if t.primary_key else None
    indexes = sorted(
        (
            Index(
                _n(ix.name),
                _n(ix.table),
                tuple(_comparable_index_column(c, ix.algorithm) for c in ix.columns),
                ix.unique,
                ix.algorithm,
                False,
                _ns(ix.schema),
                predicate=None if ix.predicate is None else canonical(ix.predicate),
            )
            for ix in t.indexes
        ),
        key=lambda ix: ix.name,
    )
    fks = sorted(
        (
            ForeignKey(
                _n(f.name),
                _n(f.table),
                tuple(map(_n, f.columns)),
                _n(f.referenced_table),
                tuple(map(_n, f.referenced_columns)),
                f.on_delete,
                f.on_update,
                _ns(f.schema),
                _ns(f.referenced_schema),
            )
            for f in t.foreign_keys
        ),
        key=lambda f: f.name,
    )
    columns = tuple(_comparable_column(c) for c in t.columns)
    return Table(_n(t.name), columns, pk, tuple(indexes), tuple(fks), _ns(t.schema))


def _comparable_index_column(c: IndexColumn, algorithm: str | None) -> IndexColumn:
    opclass = c.opclass if c.opclass and (algorithm, c.opclass) not in DEFAULT_OPCLASSES else None
    return IndexColumn(_n(c.name), "Desc" if c.sort and c.sort.lower() == "desc" else None, opclass)


def _comparable_column(c: Column) -> Column:
    typ = ONE_LENGTH_TYPES.get(c.type, c.type)
    if c.enum is not None:  # "Role" / "auth"."Role": the names as stored
        typ = _QUOTED.sub(lambda m: quote_ident(_n(m.group(1).replace('""', '"'))), typ)
    return Column(
        name=_n(c.name),
        type=typ,
        nullable=True if c.is_list else c.nullable,
        is_list=c.is_list,
        default=_canonical_default(c.default, typ, category(typ, c.native_type, c.enum), c.is_list),
        autoincrement=c.autoincrement,
        native_type=c.native_type,
        enum=_ns(c.enum),
    )


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _canonical_default(expr: str | None, sql_type: str, category: str, is_list: bool) -> str | None:
    if expr is None:
        return None
    if expr.strip().lower() in ("now()", "current_timestamp"):
        return "CURRENT_TIMESTAMP"
    parsed = None if category == "other" else Parser(expr).parse()
    if parsed is None or isinstance(parsed, Arr) != is_list:
        return expr.translate(_ASCII_LOWER)  # an expression (dbgenerated): text, ASCII case ignored, as Prisma
    try:
        if isinstance(parsed, Arr):
            items = ", ".join(_canonical_item(x, category, sql_type) for x in parsed.items)
            return f"ARRAY[{items}]::{sql_type}[]"
        return _canonical_item(parsed, category, sql_type)
    except ValueError:
        return expr.translate(_ASCII_LOWER)


def _canonical_item(lit: Lit, category: str, sql_type: str) -> str:
    if category == "num":
        try:
            number = Decimal(lit.value)
        except InvalidOperation:
            raise ValueError("not a number") from None
        if base_type(sql_type) in ("DOUBLE PRECISION", "REAL"):
            number = Decimal(repr(float(number)))
        text = format(number.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if category == "bool":
        if lit.value.lower() in ("true", "t"):
            return "true"
        if lit.value.lower() in ("false", "f"):
            return "false"
        raise ValueError("not a boolean")
    if lit.kind != "str":
        raise ValueError("not a string")
    if category == "json":
        try:
            value = json.loads(lit.value)
        except ValueError:
            return quote_literal(lit.value)
        return quote_literal(json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
    if category == "datetime":
        canonical = _canonical_datetime(lit.value, sql_type)
        return quote_literal(canonical if canonical is not None else lit.value)
    return quote_literal(lit.value)


_ANY_DT = re.compile(
    r"^(?:(?P<date>\d{4}-\d{2}-\d{2})(?:[ T](?P<time>\d{2}:\d{2}(?::\d{2})?)(?P<frac>\.\d+)?)?"
    r"|(?P<tonly>\d{2}:\d{2}(?::\d{2})?)(?P<tfrac>\.\d+)?)"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?$"
)


def _canonical_datetime(value: str, sql_type: str) -> str | None:
    """The value PostgreSQL stores for a DateTime literal in a column of ``sql_type``, in one spelling."""
    m = _ANY_DT.match(value.strip())
    if not m:
        return None
    base = base_type(sql_type)
    p = re.search(r"\((\d+)\)", sql_type)
    precision = int(p.group(1)) if p else 6
    time = m.group("time") or m.group("tonly") or "00:00:00"
    if time.count(":") == 1:
        time += ":00"
    frac = m.group("frac") or m.group("tfrac") or ""
    micros = round(Decimal("0" + frac) * 1_000_000) if frac else 0
    tz = m.group("tz")
    offset = timedelta(0)
    if tz and tz != "Z":
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
    date = m.group("date") or "2000-01-01"
    stamp = datetime.fromisoformat(f"{date} {time}") + timedelta(microseconds=micros)
    if base == "DATE":
        return stamp.date().isoformat()
    if base == "TIMESTAMPTZ":
        stamp = (stamp - offset).replace(tzinfo=UTC)
    scale = 10 ** (6 - min(precision, 6))
    rounded = (stamp.microsecond + scale // 2) // scale * scale
    stamp = stamp.replace(microsecond=0) + timedelta(microseconds=rounded)
    if base in ("TIME", "TIMETZ"):
        text = stamp.time().isoformat()
        if base == "TIMETZ":
            minutes = int(offset.total_seconds() // 60)
            text += f" {'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        return text
    text = stamp.replace(tzinfo=None).isoformat(sep=" ")
    return text + (" +00:00" if base == "TIMESTAMPTZ" else "")
