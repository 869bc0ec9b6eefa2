"""Column defaults as Prisma's differ sees them: their kind, whether two match, and how Prisma prints them.

:func:`classify_default` reads a column's default into Prisma's ``DefaultKind`` (a value of the column's
type, ``now()``, a ``dbgenerated`` expression, a sequence, or a list of values); :func:`defaults_match`
is Prisma's ``defaults_match`` (``sql_schema_differ/column.rs``) as a table of rules over the two kinds,
tried in Prisma's order (:data:`_MATCH_RULES`); :func:`debug_default` prints a default the way
Prisma's summary does (Rust's ``Debug`` of the ``DefaultKind``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from nexo.schema.model import Column

from .coltypes import col_type

__all__ = ["Default", "classify_default", "debug_default", "defaults_match", "has_db_default"]

_INT_RE = re.compile(r"^-?\d+$")
_NUM_RE = re.compile(r"^-?\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class Default:
    kind: str  # "now", "dbgenerated", "list", or a value kind: int bigint float bool string enum json bytes datetime
    value: object = None


def _unquote(text: str) -> str | None:
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        inner = text[1:-1]
        if "'" in inner.replace("''", ""):
            return None
        return inner.replace("''", "'")
    return None


#: the value kind of a quoted default, per column type family (any other family: "string")
_QUOTED_KIND = {"Enum": "enum", "Json": "json", "DateTime": "datetime"}


def _scalar_default(text: str, family: str) -> Default:
    if family in ("Int", "BigInt") and _INT_RE.match(text):
        return Default("bigint" if family == "BigInt" else "int", int(text))
    if family in ("Float", "Decimal") and _NUM_RE.match(text):
        return Default("float", Decimal(text))
    if family == "Boolean" and text in ("true", "false"):
        return Default("bool", text == "true")
    s = _unquote(text)
    if s is not None:
        if family == "Binary" and s.startswith("\\x"):
            try:
                return Default("bytes", bytes.fromhex(s[2:]))
            except ValueError:
                pass
        return Default(_QUOTED_KIND.get(family, "string"), s)
    return Default("dbgenerated", text)


def _split_array_items(body: str) -> list[str] | None:
    items: list[str] = []
    i, n = 0, len(body)
    if not body:
        return items
    while i < n:
        if body[i] == "'":
            j = i + 1
            while j < n:
                if body[j] == "'":
                    if j + 1 < n and body[j + 1] == "'":
                        j += 2
                        continue
                    break
                j += 1
            items.append(body[i : j + 1])
            i = j + 1
        else:
            j = body.find(",", i)
            j = n if j < 0 else j
            items.append(body[i:j].strip())
            i = j
        if i < n:
            if body.startswith(", ", i):
                i += 2
            else:
                return None
    return items


def classify_default(c: Column) -> Default | None:
    """Prisma's ``DefaultKind`` of a column's default (None: no default in the database)."""
    if c.autoincrement:
        # Prisma gives autoincrementing columns a sequence default (with an empty sequence name)
        return Default("sequence", "")
    kind = c.default_kind
    text = c.default
    if kind == "dbgenerated":
        return Default("dbgenerated", text)  # text None: dbgenerated() without argument
    if kind == "client" or text is None:
        return None  # a client-side (prisma-level) default is nothing in the database
    if kind == "now" or (kind is None and text == "CURRENT_TIMESTAMP"):
        return Default("now")
    family = col_type(c).family
    if c.is_list and text.startswith("ARRAY[") and "]::" in text:
        body = text[len("ARRAY[") : text.rindex("]::")]
        items = _split_array_items(body)
        if items is not None:
            return Default("list", tuple(_scalar_default(i, family) for i in items))
        return Default("dbgenerated", text)
    return _scalar_default(text, family)


def has_db_default(c: Column) -> bool:
    """Whether the column has a default to Prisma (``dbgenerated()`` without argument counts; a
    client-side ``uuid()`` does not)."""
    return classify_default(c) is not None


# ----------------------------------------------------------------------------- matching
def _json_equal(a: object, b: object) -> bool:
    try:
        return bool(json.loads(str(a)) == json.loads(str(b)))
    except ValueError:
        return True  # Prisma treats unparsable JSON defaults as equal


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _list_items_match(p: Default, n: Default) -> bool:
    prev, nxt = p.value, n.value
    assert isinstance(prev, tuple) and isinstance(nxt, tuple)
    if len(prev) != len(nxt):
        return False
    for a, b in zip(prev, nxt, strict=True):
        kinds = {a.kind, b.kind}
        if kinds == {"string", "json"}:
            if not _json_equal(a.value, b.value):
                return False
        elif "datetime" in kinds:
            continue
        elif a != b:
            return False
    return True


def _same_json(p: Default, n: Default) -> bool:
    return _json_equal(p.value, n.value)


def _same_value(p: Default, n: Default) -> bool:
    return p.value == n.value


def _same_default(p: Default, n: Default) -> bool:
    return p == n


def _same_expression(p: Default, n: Default) -> bool:
    """Two ``dbgenerated`` expressions: the same text, ASCII case ignored, as Prisma compares them."""
    return str(p.value).translate(_ASCII_LOWER) == str(n.value).translate(_ASCII_LOWER)


# The kinds the rules tell apart: a default's kind, "dbgenerated()" for ``dbgenerated()`` without an
# argument (it matches whatever the database has), and None for no default.
_VALUES = frozenset({"int", "bigint", "float", "bool", "string", "enum", "json", "bytes", "datetime", "list"})
_GENERATED = frozenset({"dbgenerated", "dbgenerated()"})
_SOME = _VALUES | _GENERATED | {"now", "sequence"}
_ANY = _SOME | {None}
_NOTHING = frozenset({None})
_KindSet = frozenset[str | None]
_Outcome = bool | Callable[[Default, Default], bool]


def _kinds(*kinds: str | None) -> _KindSet:
    return frozenset(kinds)


#: Prisma's ``defaults_match`` arms, in its order: (previous kinds, next kinds, outcome). The first
#: rule whose two sets hold the two kinds decides; none does: they match when the next is a sequence.
_MATCH_RULES: tuple[tuple[_KindSet, _KindSet, _Outcome], ...] = (
    (_kinds("list"), _kinds("list"), _list_items_match),
    (_kinds("json"), _kinds("json", "string"), _same_json),
    (_kinds("string"), _kinds("json"), _same_json),
    (_kinds("datetime"), _SOME, True),
    (_SOME, _kinds("datetime"), True),
    (_kinds("int"), _kinds("bigint"), _same_value),
    (_kinds("bigint"), _kinds("int"), _same_value),
    (_kinds("string", "enum"), _kinds("string", "enum"), _same_value),
    (_VALUES, _VALUES, _same_default),
    (_VALUES, _kinds("now", None), False),
    (_kinds("now"), _kinds("now"), True),
    (_kinds("now"), _VALUES | _NOTHING, False),
    (_GENERATED, _VALUES | _kinds("now", None), False),
    (_ANY, _kinds("dbgenerated()"), True),  # dbgenerated() without argument: whatever the database has
    (_kinds("sequence"), _NOTHING, True),  # sequences are dropped separately
    (_kinds("sequence"), _VALUES | _kinds("now"), False),
    (_NOTHING, _NOTHING, True),
    (_NOTHING, _VALUES | _kinds("now"), False),
    (_kinds("dbgenerated()"), _kinds("dbgenerated"), False),
    (_kinds("dbgenerated"), _kinds("dbgenerated"), _same_expression),
    (_ANY, _kinds("dbgenerated"), False),
)


def _rule_kind(d: Default | None) -> str | None:
    if d is None:
        return None
    if d.kind == "dbgenerated" and d.value is None:
        return "dbgenerated()"
    return d.kind


def defaults_match(prev: Column, nxt: Column, live: bool = False) -> bool:
    """Prisma's ``defaults_match`` (``sql_schema_differ/column.rs``): :data:`_MATCH_RULES` in order.

    ``live``: ``prev`` was read from a database, where Prisma sees a DateTime literal default as a
    database expression (``dbgenerated``), not as a DateTime value (introspection says so itself
    through ``default_kind``; this covers a previous model whose kinds are unknown).
    """
    p, n = classify_default(prev), classify_default(nxt)
    if live and p is not None and p.kind == "datetime" and prev.default_kind is None:
        p = Default("dbgenerated", prev.default)
    pk, nk = _rule_kind(p), _rule_kind(n)
    # Prisma's first arm: an expression against a list on a date/time column always matches
    if {p.kind if p else None, n.kind if n else None} == {"dbgenerated", "list"} and "DateTime" in (
        col_type(prev).family,
        col_type(nxt).family,
    ):
        return True
    for prev_kinds, next_kinds, outcome in _MATCH_RULES:
        if pk in prev_kinds and nk in next_kinds:
            if isinstance(outcome, bool):
                return outcome
            assert p is not None and n is not None
            return outcome(p, n)
    return nk == "sequence"


# ----------------------------------------------------------------------------- Prisma's Debug text
def debug_str(s: str) -> str:
    out = []
    for ch in s:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _debug_datetime(text: str) -> str:
    """``2024-01-02 03:04:05.678 +00:00`` (a rendered default) as chrono prints it: ``2024-01-02T03:04:05.678+00:00``."""
    parts = text.split(" ")
    if len(parts) == 3:
        return f"{parts[0]}T{parts[1]}{parts[2]}"
    return text


def _debug_bytes(value: object) -> str:
    assert isinstance(value, bytes)
    return "Bytes([" + ", ".join(str(b) for b in value) + "])"


def _debug_list(value: object) -> str:
    assert isinstance(value, tuple)
    return "List([" + ", ".join(_debug_value(i) for i in value) + "])"


#: value kind → how Rust's Debug prints a ``PrismaValue`` of that kind
_DEBUG_VALUE: dict[str, Callable[[object], str]] = {
    "int": lambda v: f"Int({v})",
    "bigint": lambda v: f"BigInt({v})",
    "float": lambda v: f'Float(BigDecimal("{v}"))',
    "bool": lambda v: f"Boolean({'true' if v else 'false'})",
    "string": lambda v: f"String({debug_str(str(v))})",
    "enum": lambda v: f"Enum({debug_str(str(v))})",
    "json": lambda v: f"Json({debug_str(str(v))})",
    "bytes": _debug_bytes,
    "datetime": lambda v: f"DateTime({_debug_datetime(str(v))})",
    "list": _debug_list,
}


def _debug_value(d: Default) -> str:
    show = _DEBUG_VALUE.get(d.kind)
    return show(d.value) if show is not None else str(d.value)


def debug_default(c: Column) -> str:
    d = classify_default(c)
    if d is None:
        return "None"
    if d.kind == "now":
        return "Some(Now)"
    if d.kind == "dbgenerated":
        if d.value is None:
            return "Some(DbGenerated(None))"
        return f"Some(DbGenerated(Some({debug_str(str(d.value))})))"
    if d.kind == "sequence":
        return f"Some(Sequence({debug_str(str(d.value))}))"
    return f"Some(Value({_debug_value(d)}))"
