"""Default normalisation: a default as PostgreSQL prints it → as ``build.py`` writes it, and its kind.

PostgreSQL prints a literal default with its casts (``'a'::text``, ``'-5'::integer``, ``(2)::numeric``,
``ARRAY['x'::text]``, ``'{a,b}'::text[]``); :class:`Parser` reads those and the forms build.py writes
(``'a'``, ``ARRAY[1, 2]::INTEGER[]``), and :func:`read_default` gives the default as build.py would
write it with its ``Column.default_kind``, as Prisma's schema describer reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..build import quote_literal, render_datetime

__all__ = ["NEXTVAL", "Arr", "Lit", "Parser", "base_type", "category", "read_default"]

NEXTVAL = re.compile(r"^nextval\('((?:[^']|'')+)'::regclass\)$")
_NUMBER = re.compile(r"^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_NUMBER_TOKEN = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NUMERIC_TYPES = (
    "INTEGER",
    "BIGINT",
    "SMALLINT",
    "OID",
    "DOUBLE PRECISION",
    "REAL",
    "DECIMAL",
    "MONEY",
    "SERIAL",
    "BIGSERIAL",
    "SMALLSERIAL",
)
_DATETIME_TYPES = ("TIMESTAMP", "TIMESTAMPTZ", "DATE", "TIME", "TIMETZ")
_STRING_TYPES = (
    "TEXT",
    "VARCHAR",
    "CHAR",
    "BPCHAR",
    "UUID",
    "XML",
    "INET",
    "CITEXT",
    "BIT",
    "VARBIT",
    "JSON",
    "JSONB",
    "BYTEA",
)


def base_type(sql: str) -> str:
    return sql.split("(", 1)[0]


#: SQL type (without arguments) → how its defaults are written (JSON is text, but its own category)
_CATEGORY: dict[str, str] = {
    **dict.fromkeys(_STRING_TYPES, "string"),
    **dict.fromkeys(_NUMERIC_TYPES, "num"),
    "BOOLEAN": "bool",
    **dict.fromkeys(_DATETIME_TYPES, "datetime"),
    "JSON": "json",
    "JSONB": "json",
}


def category(sql: str, native: str | None, enum: str | None) -> str:
    """How a default of this column type is written: num, bool, datetime, json, string, or other (verbatim)."""
    if enum is not None:
        return "string"
    return _CATEGORY.get(base_type(sql), "other")


@dataclass(frozen=True)
class Lit:
    kind: str  # "str" | "num" | "bool"
    value: str


@dataclass(frozen=True)
class Arr:
    items: tuple[Lit, ...]


class Parser:
    """Reads the literal defaults PostgreSQL prints (``'a'::text``, ``'-5'::integer``, ``(2)::numeric``,
    ``ARRAY['x'::text]``, ``'{a,b}'::text[]``) and the ones build.py writes (``'a'``, ``ARRAY[1, 2]::INTEGER[]``)."""

    def __init__(self, s: str) -> None:
        self.s = s
        self.i = 0
        self.last_cast = ""

    def parse(self) -> Lit | Arr | None:
        try:
            value = self.expr()
            self.ws()
            return value if self.i == len(self.s) else None
        except ValueError:
            return None

    def ws(self) -> None:
        while self.i < len(self.s) and self.s[self.i] == " ":
            self.i += 1

    def eat(self, token: str) -> bool:
        if self.s.startswith(token, self.i):
            self.i += len(token)
            return True
        return False

    def expect(self, token: str) -> None:
        if not self.eat(token):
            raise ValueError(token)

    def expr(self) -> Lit | Arr:
        self.ws()
        if self.eat("ARRAY["):
            items: list[Lit] = []
            self.ws()
            if not self.eat("]"):
                while True:
                    items.append(self.scalar())
                    self.ws()
                    if self.eat(","):
                        continue
                    self.expect("]")
                    break
            self.casts()
            return Arr(tuple(items))
        lit = self.scalar()
        if lit.kind == "str" and self.last_cast.endswith("[]"):
            return Arr(tuple(_array_literal(lit.value)))
        return lit

    def scalar(self) -> Lit:
        self.ws()
        self.last_cast = ""
        if self.eat("("):
            inner = self.scalar()
            self.ws()
            self.expect(")")
            self.casts()
            return inner
        if self.s.startswith(("'", "B'"), self.i):
            self.eat("B")
            lit = Lit("str", self.string())
            self.casts()
            return lit
        m = _NUMBER_TOKEN.match(self.s, self.i)
        if m:
            self.i = m.end()
            self.casts()
            return Lit("num", m.group(0))
        for word in ("true", "false"):
            if self.s.startswith(word, self.i) and not self.s[self.i + len(word) : self.i + len(word) + 1].isalnum():
                self.i += len(word)
                self.casts()
                return Lit("bool", word)
        raise ValueError("not a literal")

    def string(self) -> str:
        self.expect("'")
        out = []
        while True:
            j = self.s.find("'", self.i)
            if j < 0:
                raise ValueError("unterminated string")
            out.append(self.s[self.i : j])
            self.i = j + 1
            if self.s.startswith("'", self.i):
                out.append("'")
                self.i += 1
                continue
            return "".join(out)

    def casts(self) -> None:
        while True:
            self.ws()
            if not self.eat("::"):
                return
            self.last_cast = self.type_()

    def type_(self) -> str:
        start, depth = self.i, 0
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch == '"':
                j = self.i + 1
                while True:
                    j = self.s.find('"', j)
                    if j < 0:
                        raise ValueError("unterminated identifier")
                    if self.s.startswith('""', j):
                        j += 2
                        continue
                    break
                self.i = j + 1
                continue
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            elif ch == "[":
                self.expect("[]")
                continue
            elif depth == 0 and ch in ",]:":
                break
            self.i += 1
        typ = self.s[start : self.i].strip()
        if not typ:
            raise ValueError("empty type")
        return typ


def _array_literal(text: str) -> list[Lit]:
    """The elements of a one-dimensional PostgreSQL array literal (``{a,"b c"}``) as strings."""
    if not (text.startswith("{") and text.endswith("}")):
        raise ValueError("not an array literal")
    body, items, i = text[1:-1], [], 0
    if not body:
        return []
    while i <= len(body):
        if i < len(body) and body[i] == '"':
            i += 1
            buf = []
            while i < len(body) and body[i] != '"':
                if body[i] == "\\":
                    i += 1
                buf.append(body[i])
                i += 1
            i += 1
            items.append(Lit("str", "".join(buf)))
        else:
            j = body.find(",", i)
            j = len(body) if j < 0 else j
            raw = body[i:j]
            if raw.upper() == "NULL" or "{" in raw:
                raise ValueError("NULL or nested element")
            items.append(Lit("str", raw))
            i = j
        if i < len(body) and body[i] != ",":
            raise ValueError("bad array literal")
        i += 1
    return items


_NOW = re.compile(r"(?:now\(\)|current_timestamp)(?:::[a-z ]+)?", re.IGNORECASE)


def read_default(expr: str, sql_type: str, category: str, is_list: bool) -> tuple[str, str]:
    """(the default as build.py writes it, its ``Column.default_kind``), from PostgreSQL's text.

    The kind follows Prisma's describer: a parsed constant is a literal, except on date/time columns
    (where only ``now()``/``CURRENT_TIMESTAMP`` is understood, as ``now``) and ``UUID`` columns (whose
    defaults are never parsed); whatever is not understood is ``dbgenerated``.
    """
    text, parsed = _render_default(expr, sql_type, category, is_list)
    if category == "datetime":
        return text, "now" if not is_list and _NOW.fullmatch(expr.strip()) else "dbgenerated"
    if not parsed or base_type(sql_type) == "UUID":
        return text, "dbgenerated"
    return text, "literal"


def _render_default(expr: str, sql_type: str, category: str, is_list: bool) -> tuple[str, bool]:
    """A default expression as PostgreSQL prints it → as build.py writes it (literals unwrapped from their
    casts, numbers bare, DateTime literals as ``'YYYY-MM-DD HH:MM:SS[.fff] +00:00'``, lists as
    ``ARRAY[…]::TYPE[]``); anything else (functions, ``dbgenerated`` expressions) verbatim. The flag
    says whether it was read as a literal of the column's type."""
    if category == "other":
        return expr, False
    parsed = Parser(expr).parse()
    if parsed is None or isinstance(parsed, Arr) != is_list:
        return expr, False
    try:
        if isinstance(parsed, Arr):
            items = ", ".join(_render_item(x, category, sql_type) for x in parsed.items)
            return f"ARRAY[{items}]::{sql_type}[]", True
        return _render_item(parsed, category, sql_type), True
    except ValueError:
        return expr, False


def _render_item(lit: Lit, category: str, sql_type: str) -> str:
    if category == "num":
        if _NUMBER.match(lit.value):
            return lit.value
        raise ValueError("not a number")
    if category == "bool":
        if lit.value in ("true", "false"):
            return lit.value
        raise ValueError("not a boolean")
    if lit.kind != "str":
        raise ValueError("not a string")
    if category == "datetime":
        return quote_literal(_pg_datetime(lit.value, base_type(sql_type)))
    return quote_literal(lit.value)


_PG_TS = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?(?:([+-]\d{2})(?::?(\d{2}))?(?::\d{2})?)?$")


def _pg_datetime(value: str, base: str) -> str:
    """PostgreSQL's ISO output of a timestamp[tz] → build.py's form; dates and times stay as printed."""
    if base not in ("TIMESTAMP", "TIMESTAMPTZ"):
        return value
    m = _PG_TS.match(value)
    if not m:
        return value
    date, time, frac, oh, om = m.groups()
    tz = "Z" if not oh or (int(oh) == 0 and int(om or 0) == 0) else f"{oh}:{om or '00'}"
    return render_datetime(f"{date}T{time}{frac or ''}{tz}")
