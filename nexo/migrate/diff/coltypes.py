"""Column types as the differ sees them, and Prisma's classification of a type change.

A column's SQL type (``VARCHAR(20)``, ``"public"."Role"``, ``tsvector``) is read into a
:class:`ColType`: Prisma's native type with its arguments, or the enum it names, and the type family.
:func:`type_change` classifies a change the way Prisma's PostgreSQL differ flavour does
(``SafeCast``, ``RiskyCast``, ``NotCastable``): one rule per previous native type, in
:data:`_CASTS_FROM`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from nexo.db.pgfacts import NATIVE_OF_SQL
from nexo.schema.model import Column

__all__ = [
    "NOT_CASTABLE",
    "RISKY",
    "SAFE",
    "ColType",
    "Native",
    "arity",
    "col_type",
    "display_type",
    "type_change",
]

#: Prisma's column type family of each native type (``ColumnTypeFamily``)
_FAMILY = {
    "Text": "String",
    "VarChar": "String",
    "Char": "String",
    "Uuid": "Uuid",
    "Xml": "String",
    "Inet": "String",
    "Citext": "String",
    "Bit": "String",
    "VarBit": "String",
    "Boolean": "Boolean",
    "Integer": "Int",
    "SmallInt": "Int",
    "Oid": "Int",
    "BigInt": "BigInt",
    "DoublePrecision": "Float",
    "Real": "Float",
    "Decimal": "Decimal",
    "Money": "Decimal",
    "Timestamp": "DateTime",
    "Timestamptz": "DateTime",
    "Date": "DateTime",
    "Time": "DateTime",
    "Timetz": "DateTime",
    "Json": "Json",
    "JsonB": "Json",
    "ByteA": "Binary",
}
_TYPE_RE = re.compile(r"^([A-Z][A-Z ]*?)(?:\((\d+)(?:,(\d+))?\))?$")
_ENUM_TYPE_RE = re.compile(r'^(?:"((?:[^"]|"")*)"\.)?"((?:[^"]|"")*)"$')

Native = tuple[str, tuple[int, ...]]


@dataclass(frozen=True)
class ColType:
    native: Native | None  # ("VarChar", (20,)); None for enums and unsupported types
    enum: tuple[str | None, str] | None  # (schema, name) of an enum type
    family: str  # "String", "Int", … "Enum", "Unsupported"
    raw: str


_type_cache: dict[str, ColType] = {}


def col_type(c: Column) -> ColType:
    t = _type_cache.get(c.type)
    if t is None:
        t = _type_cache[c.type] = _parse_type(c.type)
    return t


def _parse_type(text: str) -> ColType:
    m = _TYPE_RE.match(text)
    if m and m.group(1) in NATIVE_OF_SQL:
        name = NATIVE_OF_SQL[m.group(1)]
        args = tuple(int(g) for g in m.group(2, 3) if g is not None)
        return ColType((name, args), None, _FAMILY[name], text)
    m = _ENUM_TYPE_RE.match(text)
    if m:
        schema = m.group(1).replace('""', '"') if m.group(1) is not None else None
        return ColType(None, (schema, m.group(2).replace('""', '"')), "Enum", text)
    return ColType(None, None, "Unsupported", text)


def arity(c: Column) -> str:
    return "List" if c.is_list else ("Nullable" if c.nullable else "Required")


def display_type(c: Column) -> str:
    """How Prisma names a column type in warnings: ``VarChar(20)``, ``BigInt``, ``Decimal(10,2)``."""
    t = col_type(c)
    if t.native is not None:
        name, args = t.native
        return name + (f"({','.join(str(a) for a in args)})" if args else "")
    if t.enum is not None:
        return f'Enum("{t.enum[1]}")'
    return f'Unsupported("{t.raw}")'


# ----------------------------------------------------------------------------- type changes
SAFE, RISKY, NOT_CASTABLE = "SafeCast", "RiskyCast", "NotCastable"


def type_change(prev: Column, nxt: Column) -> str | None:
    """Prisma's classification of a column type change (``postgres.rs`` differ flavour)."""
    pt, nt = col_type(prev), col_type(nxt)
    if pt.enum is not None or nt.enum is not None:
        if pt.enum is not None and nt.enum is not None and pt.enum == nt.enum:
            return None
        return NOT_CASTABLE
    list_to_scalar = prev.is_list and not nxt.is_list
    scalar_to_list = not prev.is_list and nxt.is_list
    nn = nt.native
    if list_to_scalar and nn is not None:
        if nn[0] == "Text" or (nn[0] == "VarChar" and not nn[1]):
            return SAFE
        if nn[0] in ("VarChar", "Char"):
            return RISKY
    if scalar_to_list or list_to_scalar:
        return NOT_CASTABLE
    pn = pt.native
    if pn is not None and nn is not None:
        return _native_change(pn, nn)
    if pn is None and nn is None:
        # Prisma compares the previous type with itself here: unsupported → unsupported never changes
        return None
    return RISKY


@dataclass(frozen=True)
class _Cast:
    """A native type change: the previous type and its arguments, the next ones, and their lengths."""

    p: str
    pa: tuple[int, ...]
    n: str
    na: tuple[int, ...]

    @property
    def plen(self) -> int | None:
        return self.pa[0] if self.pa else None

    @property
    def nlen(self) -> int | None:
        return self.na[0] if self.na else None

    def to_string_of(self, limit: int) -> str:
        """Number → VarChar/Char(len): risky below ``limit`` characters."""
        if self.nlen is not None and self.nlen < limit:
            return RISKY
        if self.nlen is None and self.n == "Char":
            return RISKY
        return SAFE

    def to_unbounded_text(self) -> bool:
        return self.n == "Text" or (self.n == "VarChar" and self.nlen is None)


def _native_change(prev: Native, nxt: Native) -> str | None:
    if prev == nxt:
        return None
    cast = _Cast(prev[0], prev[1], nxt[0], nxt[1])
    if cast.p in _SIMPLE_CASTS:
        safe_targets, otherwise = _SIMPLE_CASTS[cast.p]
        return SAFE if cast.n in safe_targets else otherwise
    rule = _CASTS_FROM.get(cast.p)
    return rule(cast) if rule is not None else NOT_CASTABLE


#: previous type → (the next types it casts to safely, the classification of any other)
_SIMPLE_CASTS: dict[str, tuple[tuple[str, ...], str]] = {
    "Inet": (("Citext", "Text", "VarChar"), NOT_CASTABLE),
    "Money": (("Citext", "Text", "VarChar"), RISKY),
    "Citext": (("Text", "VarChar"), RISKY),
    "Oid": (("Text", "VarChar", "BigInt", "Integer"), NOT_CASTABLE),
}
_INT_DIGITS = {"SmallInt": 3, "Integer": 10, "BigInt": 19}
_INT_CHARS = {"SmallInt": 4, "Integer": 11, "BigInt": 20}
_DECIMAL_TO_INT_DIGITS = {"SmallInt": 2, "Integer": 9, "BigInt": 18}
_DATETIME_MIN_CHARS = {"Timestamp": 22, "Timestamptz": 27, "Date": 27, "Time": 13, "Timetz": 18}
_DATETIME_CASTS = {
    "Timestamp": ("Timestamp", "Timestamptz", "Date", "Time", "Timetz"),
    "Timestamptz": ("Timestamp", "Timestamptz", "Date", "Time", "Timetz"),
    "Date": ("Timestamp", "Timestamptz"),
    "Time": ("Timetz",),
    "Timetz": ("Timetz", "Time"),
}
_DOCUMENT_SAFE = {"Xml": ("Text",), "Json": ("Text", "JsonB"), "JsonB": ("Text", "Json")}


def _from_integer(c: _Cast) -> str:
    if c.n == "SmallInt":
        return RISKY  # (SmallInt → SmallInt is equal and handled above)
    if c.n == "Integer":
        return SAFE if c.p == "SmallInt" else RISKY
    if c.n == "BigInt":
        return SAFE
    if c.n == "Decimal":
        return RISKY if c.na and c.na[0] - c.na[1] < _INT_DIGITS[c.p] else SAFE
    if c.n in ("Real", "DoublePrecision", "Text"):
        return SAFE
    if c.n in ("VarChar", "Char"):
        return c.to_string_of(_INT_CHARS[c.p])
    return NOT_CASTABLE


def _from_decimal(c: _Cast) -> str:
    pa, na, nlen = c.pa, c.na, c.nlen
    if c.n in _DECIMAL_TO_INT_DIGITS:
        if not pa or pa[1] > 0:
            return RISKY
        return RISKY if pa[0] > _DECIMAL_TO_INT_DIGITS[c.n] else SAFE
    if c.n == "Decimal":
        if pa and not na:
            return SAFE
        if not pa and na:
            return RISKY if (na[0] < 131072 or na[1] < 16383) else SAFE
        if pa and na and (pa[0] - pa[1] > na[0] - na[1] or pa[1] > na[1]):
            return RISKY
        return SAFE
    if c.n in ("Real", "DoublePrecision"):
        return RISKY
    if c.n in ("VarChar", "Char"):
        if nlen is not None and pa and pa[1] == 0 and pa[0] + 1 > nlen:
            return RISKY
        if nlen is not None and pa and pa[1] > 0 and pa[0] + 2 > nlen:
            return RISKY
        if nlen is not None and not pa and nlen < 131073:
            return RISKY
        if nlen is None and c.n == "Char":
            return RISKY
        return SAFE
    if c.n == "Text":
        return SAFE
    return NOT_CASTABLE


def _from_float(c: _Cast) -> str:
    if c.n in ("SmallInt", "Integer", "BigInt", "Decimal"):
        return RISKY
    if c.n == "Real":
        return SAFE if c.p == "Real" else RISKY
    if c.n in ("DoublePrecision", "Text"):
        return SAFE
    if c.n in ("VarChar", "Char"):
        return c.to_string_of(47 if c.p == "Real" else 317)
    return NOT_CASTABLE


def _from_string(c: _Cast) -> str:
    plen, nlen = c.plen, c.nlen
    if c.n == "Text":
        return SAFE
    if c.n not in ("VarChar", "Char"):
        return NOT_CASTABLE
    if c.p == "Char" and plen is None:
        return SAFE
    if plen is None and nlen is None and c.n == "Char":
        return RISKY
    if plen is None and nlen is not None:
        return RISKY
    if plen == 1 and nlen is None:
        return SAFE
    if plen is not None and nlen is None:
        return RISKY if c.n == "Char" else SAFE
    if plen is not None and nlen is not None and plen > nlen:
        return RISKY
    return SAFE


def _from_text(c: _Cast) -> str:
    if c.n in ("Text", "Citext") or (c.n == "VarChar" and c.nlen is None):
        return SAFE
    return RISKY if c.n in ("VarChar", "Char") else NOT_CASTABLE


def _from_bytea(c: _Cast) -> str:
    if c.to_unbounded_text():
        return SAFE
    if c.n in ("VarChar", "Char") and c.nlen is not None and c.nlen > 2:
        return RISKY
    return NOT_CASTABLE


def _from_datetime(c: _Cast) -> str | None:
    if c.to_unbounded_text():
        return SAFE
    if c.n in ("Char", "VarChar") and c.nlen is not None and c.nlen > _DATETIME_MIN_CHARS[c.p]:
        return SAFE
    if c.p == c.n and c.p != "Date":
        if not c.na or not c.pa or c.pa == c.na:
            return None
        return SAFE
    return SAFE if c.n in _DATETIME_CASTS[c.p] else NOT_CASTABLE


def _from_boolean(c: _Cast) -> str:
    if c.n in ("Text", "VarChar"):
        return SAFE
    if c.n == "Char" and c.nlen is not None and c.nlen > 4:
        return SAFE
    if c.n == "Char" and c.nlen is not None and c.nlen > 3:
        return RISKY
    return NOT_CASTABLE


def _from_bit(c: _Cast) -> str:
    plen, nlen = c.plen, c.nlen
    if plen is None:
        return SAFE if c.n in ("Text", "VarChar", "Char", "VarBit") else NOT_CASTABLE
    if c.n == "Text" or (c.n in ("VarChar", "VarBit") and nlen is None):
        return SAFE
    if c.n in ("VarChar", "VarBit", "Char") and nlen is not None and nlen >= plen:
        return SAFE
    return NOT_CASTABLE


def _from_varbit(c: _Cast) -> str:
    plen, nlen = c.plen, c.nlen
    if plen is None:
        if c.to_unbounded_text():
            return SAFE
        return RISKY if c.n in ("VarChar", "Char", "Bit") else NOT_CASTABLE
    if c.n == "Text" or (c.n in ("VarChar", "VarBit") and nlen is None):
        return SAFE
    if c.n == "VarBit" and nlen is not None and nlen > plen:
        return SAFE
    if c.n in ("VarChar", "Char") and nlen is not None and nlen >= plen:
        return SAFE
    if c.n == "Bit" and (nlen is None or nlen <= plen):
        return RISKY
    return RISKY if c.n in ("Char", "VarChar") else NOT_CASTABLE


def _from_uuid(c: _Cast) -> str:
    if c.to_unbounded_text():
        return SAFE
    if c.n in ("VarChar", "Char") and c.nlen is not None and c.nlen > 31:
        return SAFE
    return NOT_CASTABLE


def _from_document(c: _Cast) -> str:
    if c.n in _DOCUMENT_SAFE[c.p] or (c.n == "VarChar" and c.nlen is None):
        return SAFE
    return RISKY if c.n in ("VarChar", "Char") else NOT_CASTABLE


#: previous native type → the rule that classifies its change (a type without a rule casts to nothing)
_CASTS_FROM: dict[str, Callable[[_Cast], str | None]] = {
    **dict.fromkeys(("SmallInt", "Integer", "BigInt"), _from_integer),
    "Decimal": _from_decimal,
    **dict.fromkeys(("Real", "DoublePrecision"), _from_float),
    **dict.fromkeys(("VarChar", "Char"), _from_string),
    "Text": _from_text,
    "ByteA": _from_bytea,
    **dict.fromkeys(("Timestamp", "Timestamptz", "Date", "Time", "Timetz"), _from_datetime),
    "Boolean": _from_boolean,
    "Bit": _from_bit,
    "VarBit": _from_varbit,
    "Uuid": _from_uuid,
    **dict.fromkeys(("Xml", "Json", "JsonB"), _from_document),
}
