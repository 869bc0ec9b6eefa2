"""PostgreSQL native types (``@db.*``) and index operator classes, as Prisma's PostgreSQL connector knows them."""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class NativeTypeSpec:
    """One ``@db.X``: the Prisma scalar it fits, how many arguments it takes (``max_args``, all optional
    unless ``exact_args``) and the SQL it renders (``sql`` with ``{args}`` where arguments go)."""

    name: str
    scalar: str
    max_args: int = 0
    exact_args: bool = False
    sql: str = ""

    def render(self, args: tuple[str, ...]) -> str:
        if args:
            return f"{self.sql}({','.join(args)})"
        return self.sql


_SPECS = [
    NativeTypeSpec("Text", "String", sql="TEXT"),
    NativeTypeSpec("VarChar", "String", 1, sql="VARCHAR"),
    NativeTypeSpec("Char", "String", 1, sql="CHAR"),
    NativeTypeSpec("Uuid", "String", sql="UUID"),
    NativeTypeSpec("Xml", "String", sql="XML"),
    NativeTypeSpec("Inet", "String", sql="INET"),
    NativeTypeSpec("Citext", "String", sql="CITEXT"),
    NativeTypeSpec("Bit", "String", 1, sql="BIT"),
    NativeTypeSpec("VarBit", "String", 1, sql="VARBIT"),
    NativeTypeSpec("Boolean", "Boolean", sql="BOOLEAN"),
    NativeTypeSpec("Integer", "Int", sql="INTEGER"),
    NativeTypeSpec("SmallInt", "Int", sql="SMALLINT"),
    NativeTypeSpec("Oid", "Int", sql="OID"),
    NativeTypeSpec("BigInt", "BigInt", sql="BIGINT"),
    NativeTypeSpec("DoublePrecision", "Float", sql="DOUBLE PRECISION"),
    NativeTypeSpec("Real", "Float", sql="REAL"),
    NativeTypeSpec("Decimal", "Decimal", 2, exact_args=True, sql="DECIMAL"),
    NativeTypeSpec("Money", "Decimal", sql="MONEY"),
    NativeTypeSpec("Timestamp", "DateTime", 1, sql="TIMESTAMP"),
    NativeTypeSpec("Timestamptz", "DateTime", 1, sql="TIMESTAMPTZ"),
    NativeTypeSpec("Date", "DateTime", sql="DATE"),
    NativeTypeSpec("Time", "DateTime", 1, sql="TIME"),
    NativeTypeSpec("Timetz", "DateTime", 1, sql="TIMETZ"),
    NativeTypeSpec("Json", "Json", sql="JSON"),
    NativeTypeSpec("JsonB", "Json", sql="JSONB"),
    NativeTypeSpec("ByteA", "Bytes", sql="BYTEA"),
]

NATIVE_TYPES: dict[str, NativeTypeSpec] = {s.name: s for s in _SPECS}

# The native type a scalar gets when no @db.* is written (and its SQL).
DEFAULT_NATIVE: dict[str, tuple[str, tuple[str, ...]]] = {
    "String": ("Text", ()),
    "Boolean": ("Boolean", ()),
    "Int": ("Integer", ()),
    "BigInt": ("BigInt", ()),
    "Float": ("DoublePrecision", ()),
    "Decimal": ("Decimal", ("65", "30")),
    "DateTime": ("Timestamp", ("3",)),
    "Json": ("JsonB", ()),
    "Bytes": ("ByteA", ()),
}

INDEX_ALGORITHMS = ("BTree", "Hash", "Gist", "Gin", "SpGist", "Brin")

# Operator class → (index algorithm, native types it accepts; "list" = any array column).
_BRIN_FAMILIES = {
    "Bit": ("Bit", ("MinMax",)),
    "VarBit": ("VarBit", ("MinMax",)),
    "Bpchar": ("Char", ("Bloom", "MinMax")),
    "Bytea": ("ByteA", ("Bloom", "MinMax")),
    "Text": ("Text", ("Bloom", "MinMax")),
    "Date": ("Date", ("Bloom", "MinMax", "MinMaxMulti")),
    "Float4": ("Real", ("Bloom", "MinMax", "MinMaxMulti")),
    "Float8": ("DoublePrecision", ("Bloom", "MinMax", "MinMaxMulti")),
    "Inet": ("Inet", ("Bloom", "MinMax", "MinMaxMulti", "Inclusion")),
    "Int2": ("SmallInt", ("Bloom", "MinMax", "MinMaxMulti")),
    "Int4": ("Integer", ("Bloom", "MinMax", "MinMaxMulti")),
    "Int8": ("BigInt", ("Bloom", "MinMax", "MinMaxMulti")),
    "Numeric": ("Decimal", ("Bloom", "MinMax", "MinMaxMulti")),
    "Oid": ("Oid", ("Bloom", "MinMax", "MinMaxMulti")),
    "Timestamp": ("Timestamp", ("Bloom", "MinMax", "MinMaxMulti")),
    "TimestampTz": ("Timestamptz", ("Bloom", "MinMax", "MinMaxMulti")),
    "Time": ("Time", ("Bloom", "MinMax", "MinMaxMulti")),
    "TimeTz": ("Timetz", ("Bloom", "MinMax", "MinMaxMulti")),
    "Uuid": ("Uuid", ("Bloom", "MinMax", "MinMaxMulti")),
}

OPERATOR_CLASSES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ArrayOps": (("Gin",), ("list",)),
    "JsonbOps": (("Gin",), ("JsonB",)),
    "JsonbPathOps": (("Gin",), ("JsonB",)),
    "InetOps": (("Gist", "SpGist"), ("Inet",)),
    "TextOps": (("SpGist",), ("Text", "VarChar", "Char")),
}
for _family, (_native, _kinds) in _BRIN_FAMILIES.items():
    for _kind in _kinds:
        _natives: tuple[str, ...] = (_native,)
        if _native == "Text":
            _natives = ("Text", "VarChar")
        OPERATOR_CLASSES[f"{_family}{_kind}Ops"] = (("Brin",), _natives)


@functools.cache
def opclass_sql(name: str) -> str:
    """``JsonbPathOps`` → ``jsonb_path_ops``; ``Int4MinMaxMultiOps`` → ``int4_minmax_multi_ops``."""
    out: list[str] = []
    i = 0
    tokens: list[str] = []
    special = ("MinMax", "TimestampTz", "TimeTz", "VarBit")
    while i < len(name):
        for sp in special:
            if name.startswith(sp, i):
                tokens.append(sp.lower())
                i += len(sp)
                break
        else:
            j = i + 1
            while j < len(name) and not name[j].isupper():
                j += 1
            tokens.append(name[i:j].lower())
            i = j
    out = tokens
    return "_".join(out)
