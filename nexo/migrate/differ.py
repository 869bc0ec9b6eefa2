"""Relational model A vs relational model B → Prisma Migrate's ordered steps, SQL script, warnings, summary.

This is the schema engine's ``sql_schema_differ`` for PostgreSQL, re-done on nexo's
:class:`~nexo.schema.model.Database` (``prisma-compat.md`` §2): objects are paired **by name** (tables
and enums by schema + name, columns by name, indexes and foreign keys by shape), never by the
provenance fields (``Table.model``, ``Column.field``, …), so ``before`` may equally come from a schema
or from a live database. Each step gets Prisma's kind and sort key (kind order of §2.2, then the
position of the objects in the previous/next model, which is how Prisma's internal ids sort), and its
SQL is rendered by :mod:`nexo.migrate.sqlrender`.

``before``/``after`` ``None`` stand for Prisma's ``--from-empty`` / ``--to-empty``. Prisma 6.19.0
creates no implicit ``public`` schema for a single-schema target (only the ``datasource.schemas``
entries that hold a table or a new enum get a ``CREATE SCHEMA``), and names every dropped object with
its schema when diffing *to* empty (``DROP TABLE "public"."T"``). Diffing *to* a single-schema
database (``after_is_live``), it does create ``public`` and names the objects with it.

Defaults are compared by kind first (``Column.default_kind``: a ``dbgenerated("'x'")`` default is not
the literal ``"x"``, ``dbgenerated()`` matches any previous default), as Prisma's ``defaults_match``
does; a column whose kind is unknown (``None``, e.g. a model reduced by ``comparable()``) has its kind
inferred from the text. Extensions are diffed only when one side is a schema that enables the
``postgresqlExtensions`` preview feature (``Database.manages_extensions``), as Prisma ignores them
otherwise. A unique index that backs a hand-written ``UNIQUE`` constraint (``Index.constraint``) is
dropped with ``ALTER TABLE … DROP CONSTRAINT``: Prisma 6.19 writes ``DROP INDEX`` there, which
PostgreSQL refuses, so nexo deliberately differs.

Known limit: a column that stops autoincrementing in a live database drops the sequence PostgreSQL
names ``{table}_{column}_seq``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from nexo.schema.introspect import DEFAULT_OPCLASSES
from nexo.schema.model import Column, Database, Enum, Extension, ForeignKey, Index, Table
from nexo.schema.predicate import same as same_predicate

from . import sqlrender as R

__all__ = ["STEP_KINDS", "MigrationPlan", "Step", "diff"]

#: Prisma's step kinds in their sort order (``SqlMigrationStep``).
STEP_KINDS = (
    "CreateSchema",
    "DropExtension",
    "CreateExtension",
    "AlterExtension",
    "AlterSequence",
    "DropView",
    "DropUserDefinedType",
    "CreateEnum",
    "AlterEnum",
    "DropForeignKey",
    "DropIndex",
    "AlterTable",
    "AlterPrimaryKey",
    "DropTable",
    "DropEnum",
    "CreateTable",
    "RedefineTables",
    "CreateIndex",
    "RenameForeignKey",
    "AddForeignKey",
    "RenameIndex",
    "RedefineIndex",
)
_KIND_RANK = {k: i for i, k in enumerate(STEP_KINDS)}

DEFAULT_NAMESPACE = "public"

# summary sections (Prisma's DriftType order)
(
    _ALTERED_EXT,
    _DROPPED_EXT,
    _CREATED_EXT,
    _ADDED_ENUM,
    _ADDED_TABLE,
    _REMOVED_ENUM,
    _REMOVED_TABLE,
    _REMOVED_UDT,
    _REMOVED_VIEW,
    _REDEFINED_TABLE,
    _CHANGED_ENUM,
    _CHANGED_TABLE,
) = range(12)


# =============================================================================== public API
@dataclass(frozen=True)
class Step:
    """One migration step: Prisma's kind (``CreateTable``, ``AlterEnum`` …) and its SQL statements.

    ``table`` / ``schema`` name the table (or enum, for enum steps) the step concerns — the previous
    name for drops and alterations, the next one for creations; None for schema/extension steps.
    ``warnings`` / ``unexecutable`` are the plan's items this step raised (Prisma's "Step N" is the
    step's index in :attr:`MigrationPlan.steps`). ``key`` (Prisma's sort key within the kind) and
    ``drift`` (its lines of the human summary) are internal.
    """

    kind: str
    statements: tuple[str, ...]
    table: str | None = None
    schema: str | None = None
    key: tuple = field(default=(), repr=False, compare=False)
    warnings: tuple[str, ...] = field(default=(), repr=False, compare=False)
    unexecutable: tuple[str, ...] = field(default=(), repr=False, compare=False)
    drift: tuple = field(default=(), repr=False, compare=False)

    @property
    def sql(self) -> str:
        """The step as it appears in a script (header and statements)."""
        return R.render_script([(self.kind, self.statements)])


@dataclass
class MigrationPlan:
    """The ordered steps of a migration and what Prisma would warn about."""

    steps: list[Step]
    #: Prisma's destructive-change warnings, in step order (texts as written into migration.sql)
    warnings: list[str] = field(default_factory=list)
    #: steps that cannot run on a non-empty table (Prisma's "unexecutable" items), in step order
    unexecutable: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.steps

    def script(self, *, with_warnings: bool = False) -> str:
        """The ``prisma migrate diff --script`` text (stdout adds one more ``\\n``).

        ``with_warnings=True`` prepends the ``/* Warnings: … */`` block the way ``migrate dev``
        writes a ``migration.sql``.
        """
        body = R.render_script((s.kind, s.statements) for s in self.steps)
        if with_warnings and self.steps:
            return R.render_warnings_block([*self.warnings, *self.unexecutable]) + body
        return body

    def summary(self) -> str:
        """The human summary ``prisma migrate diff`` prints without ``--script`` (see :meth:`stdout`)."""
        return _drift_summary(self.steps)

    def stdout(self, *, script: bool = True) -> str:
        """Exactly what ``prisma migrate diff`` writes to stdout, with or without ``--script``.

        The CLI ends the text with a newline if it has none, then prints one more.
        """
        text = self.script() if script else self.summary()
        if not text.endswith("\n"):
            text += "\n"
        return text + "\n"


def diff(
    before: Database | None,
    after: Database | None,
    *,
    before_is_live: bool = False,
    after_is_live: bool = False,
    extensions: bool | None = None,
) -> MigrationPlan:
    """The migration from ``before`` to ``after``, as ``prisma migrate diff`` computes it.

    ``None`` is Prisma's empty source/target (``--from-empty`` / ``--to-empty``). Set
    ``before_is_live`` when ``before`` was introspected from a database (``migrate dev``'s shadow
    database, ``--from-url``, ``--from-migrations``): Prisma then names the old enum type it drops
    and the tables whose enum default it drops with their schema (``DROP TYPE "public"."Level_old"``)
    and drops the sequence a column stops using (``DROP SEQUENCE "T_n_seq"``).

    Set ``after_is_live`` when ``after`` was introspected from a database (``--to-url``,
    ``--to-migrations``, ``--to-schema-datasource``). Prisma then writes index columns with their
    sort order (``"c" ASC``) and, for a single-schema database, reads it as its ``public`` schema:
    the script begins with ``CREATE SCHEMA IF NOT EXISTS "public"`` (when either side has a table)
    and names the objects with it (``"public"."T"``), those of ``before`` too, except the two
    statements Prisma renders from the previous state alone (the old enum type it drops, the tables
    whose enum default it drops), which stay unqualified unless ``before`` is live as well.

    Extensions are compared only when ``extensions`` is True; by default (None) when either side
    was built from a schema with the ``postgresqlExtensions`` preview feature
    (``Database.manages_extensions``) — without it Prisma ignores extensions on both sides.
    """
    if extensions is None:
        extensions = any(db is not None and db.manages_extensions for db in (before, after))
    if not any(db is not None and db.manages_partial_indexes for db in (before, after)):
        # without Prisma 7's ``partialIndexes`` on either side, partial indexes are none of Migrate's business
        before, after = _without_partial_indexes(before), _without_partial_indexes(after)
    return _Differ(before, after, before_is_live, extensions, after_is_live).run()


def _without_partial_indexes(db: Database | None) -> Database | None:
    if db is None or not any(ix.predicate is not None for t in db.tables for ix in t.indexes):
        return db
    tables = tuple(replace(t, indexes=tuple(ix for ix in t.indexes if ix.predicate is None)) for t in db.tables)
    return replace(db, tables=tables)


# =============================================================================== column analysis
_SQL_NATIVE = {
    "TEXT": "Text",
    "VARCHAR": "VarChar",
    "CHAR": "Char",
    "UUID": "Uuid",
    "XML": "Xml",
    "INET": "Inet",
    "CITEXT": "Citext",
    "BIT": "Bit",
    "VARBIT": "VarBit",
    "BOOLEAN": "Boolean",
    "INTEGER": "Integer",
    "SMALLINT": "SmallInt",
    "OID": "Oid",
    "BIGINT": "BigInt",
    "DOUBLE PRECISION": "DoublePrecision",
    "REAL": "Real",
    "DECIMAL": "Decimal",
    "MONEY": "Money",
    "TIMESTAMP": "Timestamp",
    "TIMESTAMPTZ": "Timestamptz",
    "DATE": "Date",
    "TIME": "Time",
    "TIMETZ": "Timetz",
    "JSON": "Json",
    "JSONB": "JsonB",
    "BYTEA": "ByteA",
    # autoincrement columns render as serials; the native type is the integer underneath
    "SERIAL": "Integer",
    "SMALLSERIAL": "SmallInt",
    "BIGSERIAL": "BigInt",
}
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
class _ColType:
    native: Native | None  # ("VarChar", (20,)); None for enums and unsupported types
    enum: tuple[str | None, str] | None  # (schema, name) of an enum type
    family: str  # "String", "Int", … "Enum", "Unsupported"
    raw: str


_type_cache: dict[str, _ColType] = {}


def _col_type(c: Column) -> _ColType:
    t = _type_cache.get(c.type)
    if t is None:
        t = _type_cache[c.type] = _parse_type(c.type)
    return t


def _parse_type(text: str) -> _ColType:
    m = _TYPE_RE.match(text)
    if m and m.group(1) in _SQL_NATIVE:
        name = _SQL_NATIVE[m.group(1)]
        args = tuple(int(g) for g in m.group(2, 3) if g is not None)
        return _ColType((name, args), None, _FAMILY[name], text)
    m = _ENUM_TYPE_RE.match(text)
    if m:
        schema = m.group(1).replace('""', '"') if m.group(1) is not None else None
        return _ColType(None, (schema, m.group(2).replace('""', '"')), "Enum", text)
    return _ColType(None, None, "Unsupported", text)


def _arity(c: Column) -> str:
    return "List" if c.is_list else ("Nullable" if c.nullable else "Required")


def _display_type(c: Column) -> str:
    """How Prisma names a column type in warnings: ``VarChar(20)``, ``BigInt``, ``Decimal(10,2)``."""
    t = _col_type(c)
    if t.native is not None:
        name, args = t.native
        return name + (f"({','.join(str(a) for a in args)})" if args else "")
    if t.enum is not None:
        return f'Enum("{t.enum[1]}")'
    return f'Unsupported("{t.raw}")'


# ----------------------------------------------------------------------------- type changes
SAFE, RISKY, NOT_CASTABLE = "SafeCast", "RiskyCast", "NotCastable"


def _type_change(prev: Column, nxt: Column) -> str | None:
    """Prisma's classification of a column type change (``postgres.rs`` differ flavour)."""
    pt, nt = _col_type(prev), _col_type(nxt)
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


def _native_change(prev: Native, nxt: Native) -> str | None:
    if prev == nxt:
        return None
    p, pa = prev
    n, na = nxt
    plen = pa[0] if pa else None
    nlen = na[0] if na else None
    next_is_char = n == "Char"

    def strlen(limit: int) -> str:
        """Number → VarChar/Char(len): risky below ``limit`` characters."""
        if nlen is not None and nlen < limit:
            return RISKY
        if nlen is None and next_is_char:
            return RISKY
        return SAFE

    if p == "Inet":
        return SAFE if n in ("Citext", "Text", "VarChar") else NOT_CASTABLE
    if p == "Money":
        return SAFE if n in ("Citext", "Text", "VarChar") else RISKY
    if p == "Citext":
        return SAFE if n in ("Text", "VarChar") else RISKY
    if p == "Oid":
        return SAFE if n in ("Text", "VarChar", "BigInt", "Integer") else NOT_CASTABLE
    if p in ("SmallInt", "Integer", "BigInt"):
        digits = {"SmallInt": 3, "Integer": 10, "BigInt": 19}[p]
        chars = {"SmallInt": 4, "Integer": 11, "BigInt": 20}[p]
        if n == "SmallInt":
            return RISKY  # (SmallInt → SmallInt is equal and handled above)
        if n == "Integer":
            return SAFE if p == "SmallInt" else RISKY
        if n == "BigInt":
            return SAFE
        if n == "Decimal":
            if na and na[0] - na[1] < digits:
                return RISKY
            return SAFE
        if n in ("Real", "DoublePrecision", "Text"):
            return SAFE
        if n in ("VarChar", "Char"):
            return strlen(chars)
        return NOT_CASTABLE
    if p == "Decimal":
        if n in ("SmallInt", "Integer", "BigInt"):
            limit = {"SmallInt": 2, "Integer": 9, "BigInt": 18}[n]
            if not pa:
                return RISKY
            if pa[1] > 0:
                return RISKY
            return RISKY if pa[0] > limit else SAFE
        if n == "Decimal":
            if pa and not na:
                return SAFE
            if not pa and na:
                return RISKY if (na[0] < 131072 or na[1] < 16383) else SAFE
            if pa and na and (pa[0] - pa[1] > na[0] - na[1] or pa[1] > na[1]):
                return RISKY
            return SAFE
        if n in ("Real", "DoublePrecision"):
            return RISKY
        if n in ("VarChar", "Char"):
            if nlen is not None and pa and pa[1] == 0 and pa[0] + 1 > nlen:
                return RISKY
            if nlen is not None and pa and pa[1] > 0 and pa[0] + 2 > nlen:
                return RISKY
            if nlen is not None and not pa and nlen < 131073:
                return RISKY
            if nlen is None and next_is_char:
                return RISKY
            return SAFE
        if n == "Text":
            return SAFE
        return NOT_CASTABLE
    if p in ("Real", "DoublePrecision"):
        if n in ("SmallInt", "Integer", "BigInt", "Decimal"):
            return RISKY
        if n == "Real":
            return SAFE if p == "Real" else RISKY
        if n == "DoublePrecision":
            return SAFE
        if n in ("VarChar", "Char"):
            return strlen(47 if p == "Real" else 317)
        if n == "Text":
            return SAFE
        return NOT_CASTABLE
    if p in ("VarChar", "Char"):
        if n == "Text":
            return SAFE
        if n in ("VarChar", "Char"):
            if p == "Char" and plen is None:
                return SAFE
            if plen is None and nlen is None and next_is_char:
                return RISKY
            if plen is None and nlen is not None:
                return RISKY
            if plen == 1 and nlen is None:
                return SAFE
            if plen is not None and nlen is None:
                return RISKY if next_is_char else SAFE
            if plen is not None and nlen is not None and plen > nlen:
                return RISKY
            return SAFE
        return NOT_CASTABLE
    if p == "Text":
        if n in ("Text", "Citext") or (n == "VarChar" and nlen is None):
            return SAFE
        if n in ("VarChar", "Char"):
            return RISKY
        return NOT_CASTABLE
    if p == "ByteA":
        if n == "Text" or (n == "VarChar" and nlen is None):
            return SAFE
        if n in ("VarChar", "Char") and nlen is not None and nlen > 2:
            return RISKY
        return NOT_CASTABLE
    if p in ("Timestamp", "Timestamptz", "Date", "Time", "Timetz"):
        if n == "Text" or (n == "VarChar" and nlen is None):
            return SAFE
        min_len = {"Timestamp": 22, "Timestamptz": 27, "Date": 27, "Time": 13, "Timetz": 18}[p]
        if n in ("Char", "VarChar") and nlen is not None and nlen > min_len:
            return SAFE
        if p == n and p != "Date":
            if not na or not pa or pa == na:
                return None
            return SAFE
        allowed = {
            "Timestamp": ("Timestamp", "Timestamptz", "Date", "Time", "Timetz"),
            "Timestamptz": ("Timestamp", "Timestamptz", "Date", "Time", "Timetz"),
            "Date": ("Timestamp", "Timestamptz"),
            "Time": ("Timetz",),
            "Timetz": ("Timetz", "Time"),
        }[p]
        return SAFE if n in allowed else NOT_CASTABLE
    if p == "Boolean":
        if n in ("Text", "VarChar"):
            return SAFE
        if n == "Char" and nlen is not None and nlen > 4:
            return SAFE
        if n == "Char" and nlen is not None and nlen > 3:
            return RISKY
        return NOT_CASTABLE
    if p == "Bit":
        if plen is None:
            return SAFE if n in ("Text", "VarChar", "Char", "VarBit") else NOT_CASTABLE
        if n == "Text" or (n in ("VarChar", "VarBit") and nlen is None):
            return SAFE
        if n in ("VarChar", "VarBit", "Char") and nlen is not None and nlen >= plen:
            return SAFE
        return NOT_CASTABLE
    if p == "VarBit":
        if plen is None:
            if n == "Text" or (n == "VarChar" and nlen is None):
                return SAFE
            return RISKY if n in ("VarChar", "Char", "Bit") else NOT_CASTABLE
        if n == "Text" or (n in ("VarChar", "VarBit") and nlen is None):
            return SAFE
        if n == "VarBit" and nlen is not None and nlen > plen:
            return SAFE
        if n in ("VarChar", "Char") and nlen is not None and nlen >= plen:
            return SAFE
        if n == "Bit" and (nlen is None or nlen <= plen):
            return RISKY
        return RISKY if n in ("Char", "VarChar") else NOT_CASTABLE
    if p == "Uuid":
        if n == "Text" or (n == "VarChar" and nlen is None):
            return SAFE
        if n in ("VarChar", "Char") and nlen is not None and nlen > 31:
            return SAFE
        return NOT_CASTABLE
    if p in ("Xml", "Json", "JsonB"):
        safe = {"Xml": ("Text",), "Json": ("Text", "JsonB"), "JsonB": ("Text", "Json")}[p]
        if n in safe or (n == "VarChar" and nlen is None):
            return SAFE
        return RISKY if n in ("VarChar", "Char") else NOT_CASTABLE
    return NOT_CASTABLE


# ----------------------------------------------------------------------------- defaults
_INT_RE = re.compile(r"^-?\d+$")
_NUM_RE = re.compile(r"^-?\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class _Default:
    kind: str  # "now", "dbgenerated", "list", or a value kind: int bigint float bool string enum json bytes datetime
    value: object = None


def _unquote(text: str) -> str | None:
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        inner = text[1:-1]
        if "'" in inner.replace("''", ""):
            return None
        return inner.replace("''", "'")
    return None


def _scalar_default(text: str, family: str) -> _Default:
    if family in ("Int", "BigInt") and _INT_RE.match(text):
        return _Default("bigint" if family == "BigInt" else "int", int(text))
    if family in ("Float", "Decimal") and _NUM_RE.match(text):
        return _Default("float", Decimal(text))
    if family == "Boolean" and text in ("true", "false"):
        return _Default("bool", text == "true")
    s = _unquote(text)
    if s is not None:
        if family == "Binary" and s.startswith("\\x"):
            try:
                return _Default("bytes", bytes.fromhex(s[2:]))
            except ValueError:
                pass
        kind = {"Enum": "enum", "Json": "json", "DateTime": "datetime"}.get(family, "string")
        return _Default(kind, s)
    return _Default("dbgenerated", text)


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


def _classify_default(c: Column) -> _Default | None:
    """Prisma's ``DefaultKind`` of a column's default (None: no default in the database)."""
    if c.autoincrement:
        # Prisma gives autoincrementing columns a sequence default (with an empty sequence name)
        return _Default("sequence", "")
    kind = c.default_kind
    text = c.default
    if kind == "dbgenerated":
        return _Default("dbgenerated", text)  # text None: dbgenerated() without argument
    if kind == "client" or text is None:
        return None  # a client-side (prisma-level) default is nothing in the database
    if kind == "now" or (kind is None and text == "CURRENT_TIMESTAMP"):
        return _Default("now")
    family = _col_type(c).family
    if c.is_list and text.startswith("ARRAY[") and "]::" in text:
        body = text[len("ARRAY[") : text.rindex("]::")]
        items = _split_array_items(body)
        if items is not None:
            return _Default("list", tuple(_scalar_default(i, family) for i in items))
        return _Default("dbgenerated", text)
    return _scalar_default(text, family)


def _json_equal(a: object, b: object) -> bool:
    try:
        return json.loads(str(a)) == json.loads(str(b))
    except ValueError:
        return True  # Prisma treats unparsable JSON defaults as equal


_VALUE_KINDS = {"int", "bigint", "float", "bool", "string", "enum", "json", "bytes", "datetime", "list"}


def _list_items_match(prev: tuple[_Default, ...], nxt: tuple[_Default, ...]) -> bool:
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


def _has_db_default(c: Column) -> bool:
    """Whether the column has a default to Prisma (``dbgenerated()`` without argument counts; a
    client-side ``uuid()`` does not)."""
    return _classify_default(c) is not None


def _defaults_match(prev: Column, nxt: Column, live: bool = False) -> bool:
    """Prisma's ``defaults_match`` (``sql_schema_differ/column.rs``), arm by arm.

    ``live``: ``prev`` was read from a database, where Prisma sees a DateTime literal default as a
    database expression (``dbgenerated``), not as a DateTime value (introspection says so itself
    through ``default_kind``; this covers a previous model whose kinds are unknown).
    """
    p, n = _classify_default(prev), _classify_default(nxt)
    if live and p is not None and p.kind == "datetime" and prev.default_kind is None:
        p = _Default("dbgenerated", prev.default)
    pk = p.kind if p else None
    nk = n.kind if n else None
    fam_p, fam_n = _col_type(prev).family, _col_type(nxt).family
    if {pk, nk} == {"dbgenerated", "list"} and "DateTime" in (fam_p, fam_n):
        return True
    if pk == nk == "list":
        assert p is not None and n is not None
        return _list_items_match(p.value, n.value)  # type: ignore[arg-type]
    if (pk, nk) in (("json", "json"), ("string", "json"), ("json", "string")):
        assert p is not None and n is not None
        return _json_equal(p.value, n.value)
    if (pk == "datetime" and n is not None) or (nk == "datetime" and p is not None):
        return True
    if {pk, nk} == {"int", "bigint"}:
        assert p is not None and n is not None
        return p.value == n.value
    if pk in ("string", "enum") and nk in ("string", "enum"):
        assert p is not None and n is not None
        return p.value == n.value
    if pk in _VALUE_KINDS and nk in _VALUE_KINDS:
        return p == n
    if pk in _VALUE_KINDS and nk in ("now", None):
        return False
    if (pk == "now" and nk in ("now", None)) or (pk == "now" and nk in _VALUE_KINDS):
        return nk == "now"
    if pk == "dbgenerated" and (nk in _VALUE_KINDS or nk in ("now", None)):
        return False
    if nk == "dbgenerated" and n is not None and n.value is None:
        return True  # dbgenerated() without argument: whatever the database has
    if pk == "sequence" and nk is None:
        return True  # sequences are dropped separately
    if pk == "sequence" and (nk in _VALUE_KINDS or nk == "now"):
        return False
    if pk is None and nk is None:
        return True
    if pk is None and (nk in _VALUE_KINDS or nk == "now"):
        return False
    if pk == "dbgenerated" and nk == "dbgenerated":
        assert p is not None and n is not None
        if p.value is None:
            return False
        return str(p.value).translate(_ASCII_LOWER) == str(n.value).translate(_ASCII_LOWER)
    if nk == "dbgenerated":
        return False
    return nk == "sequence"


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _debug_str(s: str) -> str:
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


def _debug_value(d: _Default) -> str:
    if d.kind == "int":
        return f"Int({d.value})"
    if d.kind == "bigint":
        return f"BigInt({d.value})"
    if d.kind == "float":
        return f'Float(BigDecimal("{d.value}"))'
    if d.kind == "bool":
        return f"Boolean({'true' if d.value else 'false'})"
    if d.kind == "string":
        return f"String({_debug_str(str(d.value))})"
    if d.kind == "enum":
        return f"Enum({_debug_str(str(d.value))})"
    if d.kind == "json":
        return f"Json({_debug_str(str(d.value))})"
    if d.kind == "bytes":
        assert isinstance(d.value, bytes)
        return "Bytes([" + ", ".join(str(b) for b in d.value) + "])"
    if d.kind == "datetime":
        return f"DateTime({_debug_datetime(str(d.value))})"
    if d.kind == "list":
        assert isinstance(d.value, tuple)
        return "List([" + ", ".join(_debug_value(i) for i in d.value) + "])"
    return str(d.value)


def _debug_datetime(text: str) -> str:
    """``2024-01-02 03:04:05.678 +00:00`` (a rendered default) as chrono prints it: ``2024-01-02T03:04:05.678+00:00``."""
    parts = text.split(" ")
    if len(parts) == 3:
        return f"{parts[0]}T{parts[1]}{parts[2]}"
    return text


def _debug_default(c: Column) -> str:
    d = _classify_default(c)
    if d is None:
        return "None"
    if d.kind == "now":
        return "Some(Now)"
    if d.kind == "dbgenerated":
        if d.value is None:
            return "Some(DbGenerated(None))"
        return f"Some(DbGenerated(Some({_debug_str(str(d.value))})))"
    if d.kind == "sequence":
        return f"Some(Sequence({_debug_str(str(d.value))}))"
    return f"Some(Value({_debug_value(d)}))"


# ----------------------------------------------------------------------------- column changes
_ARITY, _DEFAULT, _TYPE, _AUTOINC = "arity", "default", "type", "autoincrement"
_CHANGE_ORDER = (_ARITY, _DEFAULT, _TYPE, _AUTOINC)


@dataclass(frozen=True)
class _ColumnChanges:
    changes: tuple[str, ...]
    type_change: str | None

    def __bool__(self) -> bool:
        return bool(self.changes)


_NO_CHANGES = _ColumnChanges((), None)


def _column_changes(prev: Column, nxt: Column, live: bool = False) -> _ColumnChanges:
    if (
        prev.type == nxt.type
        and prev.default == nxt.default
        and prev.nullable == nxt.nullable
        and prev.is_list == nxt.is_list
        and prev.autoincrement == nxt.autoincrement
        and prev.default_kind == nxt.default_kind
    ):
        return _NO_CHANGES  # the common case: nothing about the column changed
    tc = _type_change(prev, nxt)
    found = set()
    if _arity(prev) != _arity(nxt):
        found.add(_ARITY)
    if tc is not None:
        found.add(_TYPE)
    if not _defaults_match(prev, nxt, live):
        found.add(_DEFAULT)
    if prev.autoincrement != nxt.autoincrement:
        found.add(_AUTOINC)
    return _ColumnChanges(tuple(c for c in _CHANGE_ORDER if c in found), tc)


def _expand_alter_column(prev: Column, nxt: Column, ch: _ColumnChanges) -> list[str]:
    actions: list[str] = []
    set_type = False
    for change in ch.changes:
        if change == _DEFAULT:
            actions.append("set_default" if nxt.default is not None else "drop_default")
        elif change == _ARITY:
            pa, na = _arity(prev), _arity(nxt)
            if (pa, na) == ("Required", "Nullable"):
                actions.append("drop_not_null")
            elif (pa, na) == ("Nullable", "Required"):
                actions.append("set_not_null")
            elif pa == "List" and na == "Nullable":
                set_type = True
                actions.append("drop_not_null")
            elif pa == "List" and na == "Required":
                set_type = True
                actions.append("set_not_null")
            elif na == "List":
                set_type = True
        elif change == _TYPE:
            set_type = True
        elif change == _AUTOINC:
            actions.append("drop_default" if prev.autoincrement else "add_sequence")
    if set_type:
        actions.append("set_type")
    return actions


# =============================================================================== the differ
def _with_default_schema(db: Database, *, columns: bool = False) -> Database:
    """``db`` with every unqualified table, key, index and enum placed in ``public``; with ``columns``
    the columns' enum types too (``"public"."E"``, and the cast of a list default, ``::"public"."E"[]``)."""
    if db.namespaces:
        return db

    def column(c: Column) -> Column:
        enum = _col_type(c).enum
        if enum is None or enum[0] is not None:
            return c
        qualified_type = f"{R.quote_ident(DEFAULT_NAMESPACE)}.{c.type}"
        default = c.default
        if default is not None and c.is_list and default.endswith("::" + c.sql_type):
            default = default[: len(default) - len(c.sql_type)] + qualified_type + "[]"
        return replace(c, type=qualified_type, default=default)

    def fk(f: ForeignKey) -> ForeignKey:
        return replace(
            f, schema=f.schema or DEFAULT_NAMESPACE, referenced_schema=f.referenced_schema or DEFAULT_NAMESPACE
        )

    tables = tuple(
        replace(
            t,
            schema=t.schema or DEFAULT_NAMESPACE,
            indexes=tuple(replace(i, schema=i.schema or DEFAULT_NAMESPACE) for i in t.indexes),
            foreign_keys=tuple(fk(f) for f in t.foreign_keys),
            columns=tuple(column(c) for c in t.columns) if columns else t.columns,
        )
        for t in db.tables
    )
    enums = tuple(replace(e, schema=e.schema or DEFAULT_NAMESPACE) for e in db.enums)
    return replace(db, tables=tables, enums=enums)


@dataclass
class _Side:
    """One side of the diff with Prisma-like ids (positions) for every object."""

    db: Database
    tables: dict[tuple[str | None, str], int]
    enums: dict[tuple[str | None, str], int]

    @classmethod
    def of(cls, db: Database | None) -> _Side:
        db = db or Database((), ())
        return cls(
            db,
            {(t.schema, t.name): i for i, t in enumerate(db.tables)},
            {(e.schema, e.name): i for i, e in enumerate(db.enums)},
        )


@dataclass
class _TablePair:
    prev: Table
    next: Table
    prev_id: int
    next_id: int
    columns: dict[str, tuple[int | None, int | None]]  # name → (prev pos, next pos)
    changes: dict[str, _ColumnChanges]

    def column_pairs(self) -> list[tuple[Column, Column, _ColumnChanges]]:
        """Columns present on both sides, sorted by name (Prisma's BTreeMap)."""
        out = []
        for name in sorted(self.columns):
            p, n = self.columns[name]
            if p is not None and n is not None:
                out.append((self.prev.columns[p], self.next.columns[n], self.changes[name]))
        return out

    def dropped_columns(self) -> list[Column]:
        return [self.prev.columns[p] for name, (p, n) in sorted(self.columns.items()) if n is None and p is not None]

    def added_columns(self) -> list[Column]:
        return [self.next.columns[n] for name, (p, n) in sorted(self.columns.items()) if p is None and n is not None]


_DEFAULT_PRECISION_TYPES = ("TIMESTAMP", "TIMESTAMPTZ", "TIME", "TIMETZ")


def _as_prisma_reads_column(c: Column) -> Column:
    if c.type in _DEFAULT_PRECISION_TYPES:
        c = replace(c, type=c.type + "(6)")
    if c.db_default is not None:
        c = replace(c, default=c.db_default)
    return c


def _as_prisma_reads(db: Database) -> Database:
    """A live database the way Prisma's describer gives it to the differ of a ``--to-…`` database
    source: the sort order of every index column written (``Asc`` where unwritten), a date/time type
    without precision at PostgreSQL's 6 (``TIMESTAMPTZ(6)``), a ``dbgenerated`` default in
    PostgreSQL's own text (``Column.db_default``), and no extensions (described only for a schema
    with the ``postgresqlExtensions`` preview feature)."""
    tables = []
    for t in db.tables:
        indexes = tuple(
            replace(ix, columns=tuple(c if c.sort else replace(c, sort="Asc") for c in ix.columns)) for ix in t.indexes
        )
        columns = tuple(_as_prisma_reads_column(c) for c in t.columns)
        tables.append(replace(t, indexes=indexes, columns=columns))
    return replace(db, tables=tuple(tables), extensions=())


class _Differ:
    def __init__(
        self,
        before: Database | None,
        after: Database | None,
        before_is_live: bool,
        extensions: bool,
        after_is_live: bool = False,
    ) -> None:
        #: objects without a schema were put in "public" for a live single-schema ``after``
        self.implicit_public = False
        if after is None and before is not None:
            # with nothing to diff against, Prisma names the dropped objects with their schema
            before = _with_default_schema(before)
        elif after is not None and after_is_live:
            if not after.namespaces and not (before is not None and before.namespaces):
                # Prisma reads a single-schema database as its "public" schema, and the objects of
                # both sides get that schema's name when rendered
                self.implicit_public = True
                after = replace(_with_default_schema(after, columns=True), namespaces=(DEFAULT_NAMESPACE,))
                before = _with_default_schema(before, columns=True) if before is not None else None
            after = _as_prisma_reads(after)
        self.prev = _Side.of(before)
        self.next = _Side.of(after)
        self.live = before_is_live
        self.after_live = after_is_live
        self.extensions = extensions
        self.steps: list[Step] = []
        self.pairs: list[_TablePair] = []
        self.created_tables: list[tuple[int, Table]] = []
        self.dropped_tables: list[tuple[int, Table]] = []
        self.alter_info: dict[int, tuple[_TablePair, bool]] = {}
        # global index / fk ids: (table position, position in table)
        self._build_pairs()

    # ------------------------------------------------------------------ pairing
    def _build_pairs(self) -> None:
        prev_db, next_db = self.prev.db, self.next.db
        for i, t in enumerate(prev_db.tables):
            j = self.next.tables.get((t.schema, t.name))
            if j is None:
                self.dropped_tables.append((i, t))
                continue
            nt = next_db.tables[j]
            cols: dict[str, tuple[int | None, int | None]] = {}
            for ci, c in enumerate(t.columns):
                cols[c.name] = (ci, None)
            for ci, c in enumerate(nt.columns):
                p = cols.get(c.name)
                cols[c.name] = (p[0] if p else None, ci)
            changes = {
                name: _column_changes(t.columns[p], nt.columns[n], self.live)
                for name, (p, n) in cols.items()
                if p is not None and n is not None
            }
            self.pairs.append(_TablePair(t, nt, i, j, cols, changes))
        for j, t in enumerate(next_db.tables):
            if (t.schema, t.name) not in self.prev.tables:
                self.created_tables.append((j, t))

    # ------------------------------------------------------------------ step helpers
    def add(
        self,
        kind: str,
        key: tuple,
        statements: Sequence[str],
        *,
        table: str | None = None,
        schema: str | None = None,
        warnings: Sequence[str] = (),
        unexecutable: Sequence[str] = (),
        drift: tuple = (),
    ) -> None:
        self.steps.append(
            Step(kind, tuple(statements), table, schema, key, tuple(warnings), tuple(unexecutable), drift)
        )

    # ------------------------------------------------------------------ run
    def run(self) -> MigrationPlan:
        self.push_extension_steps()
        self.push_created_schema_steps()
        self.push_created_table_steps()
        self.push_dropped_table_steps()
        self.push_dropped_index_steps()
        self.push_created_index_steps()
        self.push_altered_table_steps()
        self.push_enum_steps()
        steps = sorted(self.steps, key=lambda s: (_KIND_RANK[s.kind], s.key))
        steps = self.apply_partial_order_permutations(steps)
        warnings = [w for s in steps for w in s.warnings]
        unexecutable = [u for s in steps for u in s.unexecutable]
        return MigrationPlan(steps, warnings, unexecutable)

    # ------------------------------------------------------------------ namespaces & extensions
    def push_created_schema_steps(self) -> None:
        """``CREATE SCHEMA`` for each new ``datasource.schemas`` entry that holds a table or a new enum.

        (Prisma 6.19.0 never creates the implicit ``public`` schema of a single-schema datamodel.)
        """
        prev_ns = set(self.prev.db.namespaces)
        if self.live:
            prev_ns.add(DEFAULT_NAMESPACE)  # a database always has its "public" schema
        table_ns = {t.schema for t in self.prev.db.tables} | {t.schema for t in self.next.db.tables}
        created_enum_ns = {e.schema for e in self.next.db.enums if (e.schema, e.name) not in self.prev.enums}
        for ns in sorted(set(self.next.db.namespaces) - prev_ns):
            if ns in table_ns or ns in created_enum_ns:
                self.add("CreateSchema", (ns,), [R.render_create_schema(ns)])

    def push_extension_steps(self) -> None:
        if not self.extensions:
            return  # without the postgresqlExtensions preview feature Prisma ignores extensions
        prev_x = sorted(self.prev.db.extensions, key=lambda x: x.name)
        next_x = sorted(self.next.db.extensions, key=lambda x: x.name)
        prev_by = {x.name: (i, x) for i, x in enumerate(prev_x)}
        for j, x in enumerate(next_x):
            found = prev_by.get(x.name)
            if found is None:
                self.add(
                    "CreateExtension",
                    (j,),
                    [R.render_create_extension(x)],
                    drift=(_CREATED_EXT, x.name, [f"  - {x.name}"]),
                )
                continue
            i, p = found
            if _extensions_match(p, x):
                continue
            # extensions described by a schema are never "relocatable": drop and re-create
            self.add("DropExtension", (i,), [R.render_drop_extension(p)], drift=(_DROPPED_EXT, p.name, []))
            self.add(
                "CreateExtension", (j,), [R.render_create_extension(x)], drift=(_CREATED_EXT, x.name, [f"  - {x.name}"])
            )

    # ------------------------------------------------------------------ tables
    def push_created_table_steps(self) -> None:
        for j, t in self.created_tables:
            self.add(
                "CreateTable",
                (j,),
                [R.render_create_table(t)],
                table=t.name,
                schema=t.schema,
                drift=(_ADDED_TABLE, "", [f"  - {t.name}"]),
            )
            for k, fk in enumerate(t.foreign_keys):
                self.add_foreign_key(j, k, fk)
            for k, ix in enumerate(t.indexes):
                self.add(
                    "CreateIndex",
                    ((0,), j, (j, k), False),
                    [R.render_create_index(ix)],
                    table=t.name,
                    schema=t.schema,
                    drift=(_CHANGED_TABLE, t.name, [_index_line("Added", ix)]),
                )

    def add_foreign_key(self, table_id: int, k: int, fk: ForeignKey) -> None:
        cols = ", ".join(fk.columns)
        self.add(
            "AddForeignKey",
            ((table_id, k),),
            [R.render_add_foreign_key(fk)],
            table=fk.table,
            schema=fk.schema,
            drift=(_CHANGED_TABLE, fk.table, [f"  [+] Added foreign key on columns ({cols})"]),
        )

    def drop_foreign_key(self, table_id: int, k: int, fk: ForeignKey) -> None:
        cols = ", ".join(fk.columns)
        self.add(
            "DropForeignKey",
            ((table_id, k),),
            [R.render_drop_foreign_key(fk)],
            table=fk.table,
            schema=fk.schema,
            drift=(_CHANGED_TABLE, fk.table, [f"  [-] Removed foreign key on columns ({cols})"]),
        )

    def push_dropped_table_steps(self) -> None:
        for i, t in self.dropped_tables:
            self.add(
                "DropTable",
                (i,),
                [R.render_drop_table(t)],
                table=t.name,
                schema=t.schema,
                warnings=[
                    f"You are about to drop the `{t.name}` table. If the table is not empty, all the data it "
                    "contains will be lost."
                ],
                drift=(_REMOVED_TABLE, "", [f"  - {t.name}"]),
            )
            for k, fk in enumerate(t.foreign_keys):
                self.drop_foreign_key(i, k, fk)

    # ------------------------------------------------------------------ indexes
    def push_dropped_index_steps(self) -> None:
        for pair in self.pairs:
            for k, ix in enumerate(pair.prev.indexes):
                if not any(_indexes_match(ix, other) for other in pair.next.indexes):
                    self.add(
                        "DropIndex",
                        ((pair.prev_id, k),),
                        [R.render_drop_index(ix)],
                        table=pair.prev.name,
                        schema=pair.prev.schema,
                        drift=(_CHANGED_TABLE, pair.prev.name, [_index_line("Removed", ix)]),
                    )

    def push_created_index_steps(self) -> None:
        for pair in self.pairs:
            for k, ix in enumerate(pair.next.indexes):
                if any(_indexes_match(other, ix) for other in pair.prev.indexes):
                    continue
                warn = []
                if ix.unique:
                    warn.append(
                        f"A unique constraint covering the columns `[{','.join(ix.column_names)}]` on the table "
                        f"`{pair.next.name}` will be added. If there are existing duplicate values, this will fail."
                    )
                self.add(
                    "CreateIndex",
                    ((1, pair.prev_id), pair.next_id, (pair.next_id, k), False),
                    [R.render_create_index(ix)],
                    table=pair.next.name,
                    schema=pair.next.schema,
                    warnings=warn,
                    drift=(_CHANGED_TABLE, pair.next.name, [_index_line("Added", ix)]),
                )
            # PostgreSQL drops the indexes of a dropped column: re-create those over re-created columns
            recreated = {c.name for p, c, ch in pair.column_pairs() if ch.type_change == NOT_CASTABLE}
            if not recreated:
                continue
            for p_ix, n_ix in self.index_pairs(pair):
                if any(c in recreated for c in n_ix.column_names):
                    k = pair.next.indexes.index(n_ix)
                    self.add(
                        "CreateIndex",
                        ((1, pair.prev_id), pair.next_id, (pair.next_id, k), True),
                        [R.render_create_index(n_ix)],
                        table=pair.next.name,
                        schema=pair.next.schema,
                        drift=(_CHANGED_TABLE, pair.next.name, [_index_line("Added", n_ix)]),
                    )

    @staticmethod
    def index_pairs(pair: _TablePair) -> list[tuple[Index, Index]]:
        out = []
        for ix in pair.prev.indexes:
            twins = sum(
                1 for other in pair.prev.indexes if other.column_names == ix.column_names and other.unique == ix.unique
            )
            if twins != 1:
                continue
            for n_ix in pair.next.indexes:
                if _indexes_match(ix, n_ix):
                    out.append((ix, n_ix))
                    break
        return out

    # ------------------------------------------------------------------ altered tables
    def fks_match(self, pair: _TablePair, p: ForeignKey, n: ForeignKey) -> bool:
        if p.referenced_table != n.referenced_table:
            return False
        if len(p.referenced_columns) != len(n.referenced_columns) or len(p.columns) != len(n.columns):
            return False
        for pc, nc in zip(p.columns, n.columns, strict=True):
            if pc != nc:
                return False
            ch = pair.changes.get(pc)
            if ch is not None and ch.type_change is not None:
                return False
        if tuple(p.referenced_columns) != tuple(n.referenced_columns):
            return False
        return p.on_delete == n.on_delete and p.on_update == n.on_update

    def push_altered_table_steps(self) -> None:
        for pair in self.pairs:
            prev_t, next_t = pair.prev, pair.next
            for k, fk in enumerate(next_t.foreign_keys):
                if not any(self.fks_match(pair, p, fk) for p in prev_t.foreign_keys):
                    self.add_foreign_key(pair.next_id, k, fk)
            for k, fk in enumerate(prev_t.foreign_keys):
                if not any(self.fks_match(pair, fk, n) for n in next_t.foreign_keys):
                    self.drop_foreign_key(pair.prev_id, k, fk)
            seen: set[int] = set()
            for i, pfk in enumerate(prev_t.foreign_keys):
                for j, nfk in enumerate(next_t.foreign_keys):
                    if j in seen or not self.fks_match(pair, pfk, nfk):
                        continue
                    seen.add(j)
                    if pfk.name != nfk.name and not (_is_join_fk(prev_t) and _is_join_fk(next_t)):
                        self.add(
                            "RenameForeignKey",
                            ((pair.prev_id, i), (pair.next_id, j)),
                            [R.render_rename_foreign_key(pfk, nfk)],
                            table=next_t.name,
                            schema=next_t.schema,
                            drift=(
                                _CHANGED_TABLE,
                                next_t.name,
                                [f'  [*] Renamed the foreign key "{pfk.name}" to "{nfk.name}"'],
                            ),
                        )
                    break
            for p_ix, n_ix in self.index_pairs(pair):
                if p_ix.name != n_ix.name:
                    i, j = prev_t.indexes.index(p_ix), next_t.indexes.index(n_ix)
                    self.add(
                        "RenameIndex",
                        ((pair.prev_id, i), (pair.next_id, j)),
                        [R.render_rename_index(p_ix, n_ix)],
                        table=prev_t.name,
                        schema=prev_t.schema,
                        drift=(_CHANGED_TABLE, prev_t.name, [f"  [*] Renamed index `{p_ix.name}` to `{n_ix.name}`"]),
                    )
            self.push_alter_table(pair)

    def push_alter_table(self, pair: _TablePair) -> None:
        prev_t, next_t = pair.prev, pair.next
        before: list[str] = []
        clauses: list[str] = []
        after: list[str] = []
        warnings: list[str] = []
        unexec: list[str] = []
        drift: list[str] = []
        tname = prev_t.name

        ppk, npk = prev_t.primary_key, next_t.primary_key
        pk_changed = False
        if ppk is not None and npk is not None:
            pk_changed = tuple(ppk.columns) != tuple(npk.columns) or any(
                (ch := pair.changes.get(c)) is not None and ch.type_change is not None for c in ppk.columns
            )
        pk_cols_prev = ", ".join(ppk.columns) if ppk else ""
        if (ppk is not None and npk is None) or pk_changed:
            assert ppk is not None
            clauses.append(f"DROP CONSTRAINT {R.quote_ident(ppk.name)}")
            warnings.append(
                f"The primary key for the `{tname}` table will be changed. If it partially fails, the table "
                "could be left without primary key constraint."
            )
            drift.append(f"  [-] Dropped the primary key on columns ({pk_cols_prev})")
        if ppk is not None and npk is not None and ppk.name != npk.name:
            clauses.append(f"RENAME CONSTRAINT {R.quote_ident(ppk.name)} TO {R.quote_ident(npk.name)}")
            drift.append(f"  [*] Renamed the primary key on columns ({pk_cols_prev})")
        for c in pair.dropped_columns():
            clauses.append(R.render_drop_column(c))
            warnings.append(
                f"You are about to drop the column `{c.name}` on the `{tname}` table. All the data in the "
                "column will be lost."
            )
            drift.append(f"  [-] Removed column `{c.name}`")
        for c in pair.added_columns():
            clauses.append(R.render_add_column(c))
            if not c.nullable and not c.is_list and not _has_db_default(c):
                if c.default_kind == "client":
                    unexec.append(
                        f"The required column `{c.name}` was added to the `{next_t.name}` table with a "
                        "prisma-level default value. This is not possible if the table is not empty. Please "
                        "add this column as optional, then populate it before making it required."
                    )
                else:
                    unexec.append(
                        f"Added the required column `{c.name}` to the `{next_t.name}` table without a "
                        "default value. This is not possible if the table is not empty."
                    )
            drift.append(f"  [+] Added column `{c.name}`")
        altered = []
        for name, (p, n) in pair.columns.items():
            if p is not None and n is not None and pair.changes[name]:
                altered.append((p, n, name))
        altered.sort()
        for p, n, name in altered:
            pc, nc = prev_t.columns[p], next_t.columns[n]
            ch = pair.changes[name]
            readable = _readable_changes(pc, nc, ch)
            if ch.type_change == NOT_CASTABLE:
                clauses.append(R.render_drop_column(pc))
                clauses.append(R.render_add_column(nc))
                arity_changed = _ARITY in ch.changes
                if (
                    arity_changed
                    and pc.nullable
                    and not pc.is_list
                    and _arity(nc) == "Required"
                    and not _has_db_default(nc)
                ):
                    unexec.append(
                        f"Added the required column `{pc.name}` to the `{tname}` table without a default "
                        "value. This is not possible if the table is not empty."
                    )
                elif _arity(nc) == "Required" and not _has_db_default(nc):
                    unexec.append(
                        f"Changed the type of `{pc.name}` on the `{tname}` table. No cast exists, the column "
                        "would be dropped and recreated, which cannot be done if there is data, since the "
                        "column is required."
                    )
                else:
                    warnings.append(
                        f"The `{pc.name}` column on the `{tname}` table would be dropped and recreated. "
                        "This will lead to data loss if there is data in the column."
                    )
                drift.append(f"  [*] Column `{nc.name}` would be dropped and recreated ({readable})")
                continue
            actions = _expand_alter_column(pc, nc, ch)
            drop_seq = None
            if pc.autoincrement and "drop_default" in actions:
                drop_seq = self.sequence_to_drop(prev_t, pc, next_t, nc)
            R.render_alter_column(prev_t, pc, nc, actions, before, clauses, after, drop_sequence=drop_seq)
            if _ARITY in ch.changes and _arity(pc) == "Nullable" and _arity(nc) == "Required":
                unexec.append(
                    f"Made the column `{pc.name}` on table `{tname}` required. This step will fail if there "
                    "are existing NULL values in that column."
                )
            if ch.type_change == RISKY:
                warnings.append(
                    f"You are about to alter the column `{pc.name}` on the `{tname}` table. The data in that "
                    f"column could be lost. The data in that column will be cast from `{_display_type(pc)}` "
                    f"to `{_display_type(nc)}`."
                )
            drift.append(f"  [*] Altered column `{nc.name}` ({readable})")
        if (ppk is None and npk is not None) or pk_changed:
            assert npk is not None
            clauses.append(R.render_add_primary_key(npk.name, npk.columns))
            drift.append(f"  [+] Added primary key on columns ({', '.join(npk.columns)})\n)")
        if not clauses:
            return
        self.add(
            "AlterTable",
            (pair.prev_id, pair.next_id),
            R.render_alter_table(prev_t, clauses, before, after),
            table=tname,
            schema=prev_t.schema,
            warnings=warnings,
            unexecutable=unexec,
            drift=(_CHANGED_TABLE, tname, drift),
        )
        # remembered for the DropIndex / AddPrimaryKey reordering
        self.alter_info[id(self.steps[-1])] = (pair, (ppk is None and npk is not None) or pk_changed)

    def sequence_to_drop(self, prev_t: Table, pc: Column, next_t: Table, nc: Column) -> str | None:
        """The sequence Prisma drops with the default of a column that stops autoincrementing.

        A schema gives every autoincrementing column the same unnamed sequence, so Prisma drops
        ``""`` unless another autoincrementing column remains in the next schema; a live database
        names the column's own sequence (PostgreSQL's ``{table}_{column}_seq``).
        """
        if self.live:
            return f"{prev_t.name}_{pc.name}_seq"
        if self.after_live:
            return ""  # a database names every sequence: none is the schema's unnamed one
        for t in self.next.db.tables:
            for c in t.columns:
                if c.autoincrement and not (t is next_t and c is nc):
                    return None
        return ""

    # ------------------------------------------------------------------ enums
    def push_enum_steps(self) -> None:
        prev_db, next_db = self.prev.db, self.next.db
        live_schema = DEFAULT_NAMESPACE if self.live else None
        for i, pe in enumerate(prev_db.enums):
            j = self.next.enums.get((pe.schema, pe.name))
            if j is None:
                continue
            ne = next_db.enums[j]
            created = [v for v in ne.values if v not in pe.values]
            dropped = [v for v in pe.values if v not in ne.values]
            if not created and not dropped:
                continue
            # a live previous state names only the old type it drops, and the tables whose default it drops
            prev_schema = pe.schema if pe.schema is not None else live_schema
            drift_lines = [f"  [+] Added variant `{v}`" for v in created] + [
                f"  [-] Removed variant `{v}`" for v in dropped
            ]
            if not dropped:
                stmts = R.render_alter_enum_add_values(pe, created)
                self.add(
                    "AlterEnum",
                    ((i, j),),
                    stmts,
                    table=pe.name,
                    schema=pe.schema,
                    drift=(_CHANGED_ENUM, pe.name, drift_lines),
                )
                continue
            drop_defaults, set_defaults = self.enum_default_usages(pe, ne)
            if self.live:
                drop_defaults = [(t if t.schema else replace(t, schema=DEFAULT_NAMESPACE), c) for t, c in drop_defaults]
            elif self.implicit_public:
                drop_defaults = [(replace(t, schema=None), c) for t, c in drop_defaults]
            retype = [(t, c) for t in next_db.tables for c in t.columns if _col_type(c).enum == (ne.schema, ne.name)]
            stmts = R.render_alter_enum_recreate(
                pe,
                ne,
                drop_defaults=drop_defaults,
                retype=retype,
                set_defaults=set_defaults,
                previous_schema=prev_schema,
                unqualified_drop=self.implicit_public and not self.live,
            )
            warn = [
                f"The values [{','.join(dropped)}] on the enum `{ne.name}` will be removed. If these variants are "
                "still used in the database, this will fail."
            ]
            self.add(
                "AlterEnum",
                ((i, j),),
                stmts,
                table=pe.name,
                schema=pe.schema,
                warnings=warn,
                drift=(_CHANGED_ENUM, pe.name, drift_lines),
            )
        for j, ne in enumerate(next_db.enums):
            if (ne.schema, ne.name) not in self.prev.enums:
                self.add(
                    "CreateEnum",
                    (j,),
                    [R.render_create_enum(ne)],
                    table=ne.name,
                    schema=ne.schema,
                    drift=(_ADDED_ENUM, "", [f"  - {ne.name}"]),
                )
        for i, pe in enumerate(prev_db.enums):
            if (pe.schema, pe.name) not in self.next.enums:
                self.add(
                    "DropEnum",
                    (i,),
                    [R.render_drop_enum(pe)],
                    table=pe.name,
                    schema=pe.schema,
                    drift=(_REMOVED_ENUM, "", [f"  - {pe.name}"]),
                )

    def enum_default_usages(self, pe: Enum, ne: Enum) -> tuple[list[tuple[Table, Column]], list[tuple[Table, Column]]]:
        """Columns whose enum default must be dropped before the swap, and those whose default comes back."""

        def uses(c: Column, e: Enum) -> bool:
            t = _col_type(c)
            return t.enum is not None and t.enum[1] == e.name and c.default is not None

        drop: list[tuple[Table, Column]] = []
        put_back: list[tuple[Table, Column]] = []
        for _, t in self.dropped_tables:
            drop.extend((t, c) for c in t.columns if uses(c, pe))
        for pair in self.pairs:
            drop.extend((pair.prev, c) for c in pair.dropped_columns() if uses(c, pe))
            for pc, nc, _ch in pair.column_pairs():
                if uses(pc, pe):
                    drop.append((pair.prev, pc))
                    if uses(nc, ne):
                        put_back.append((pair.prev, nc))
        return drop, put_back

    # ------------------------------------------------------------------ ordering fix-up
    def apply_partial_order_permutations(self, steps: list[Step]) -> list[Step]:
        """Move the DropIndex of a unique index on a PK-less table after the AlterTable adding that PK."""
        prev_tables = self.prev.db.tables
        i = 0
        while i < len(steps):
            step = steps[i]
            i += 1
            if step.kind != "DropIndex":
                continue
            tid, k = step.key[0]
            table = prev_tables[tid]
            ix = table.indexes[k]
            if not ix.unique or table.primary_key is not None:
                continue
            for j in range(i, len(steps)):
                other = steps[j]
                info = self.alter_info.get(id(other))
                if other.kind != "AlterTable" or info is None or info[0].prev_id != tid or not info[1]:
                    continue
                pair: _TablePair = info[0]
                gone = {c.name for c in pair.dropped_columns()} | {
                    name for name, ch in pair.changes.items() if ch.type_change == NOT_CASTABLE
                }
                if any(c in gone for c in ix.column_names):
                    continue
                npk = pair.next.primary_key
                if npk is None or tuple(npk.columns) != ix.column_names:
                    continue
                steps.insert(j, steps.pop(i - 1))
                i -= 1
                break
        return steps


# =============================================================================== helpers
def _extensions_match(p: Extension, n: Extension) -> bool:
    versions = p.version == n.version or not p.version or not n.version
    schemas = p.schema == n.schema or not p.schema or not n.schema
    return p.name == n.name and versions and schemas


def _indexes_match(a: Index, b: Index) -> bool:
    """Same columns (names, sort order), same kind, method and operator classes: only the name may differ."""
    if len(a.columns) != len(b.columns) or a.unique != b.unique:
        return False
    if (a.algorithm or "BTree") != (b.algorithm or "BTree"):
        return False
    if not same_predicate(a.predicate, b.predicate):  # a changed predicate recreates the index
        return False
    algorithm = a.algorithm if a.algorithm != "BTree" else None
    for x, y in zip(a.columns, b.columns, strict=True):
        if x.name != y.name or (x.sort or "Asc").lower() != (y.sort or "Asc").lower():
            return False
        if x.opclass != y.opclass and not (
            # an unwritten operator class is the method's default one
            (x.opclass is None and (algorithm, y.opclass) in DEFAULT_OPCLASSES)
            or (y.opclass is None and (algorithm, x.opclass) in DEFAULT_OPCLASSES)
        ):
            return False
    return True


def _is_join_fk(t: Table) -> bool:
    return len(t.columns) == 2 and t.column("A") is not None and t.column("B") is not None


def _index_line(verb: str, ix: Index) -> str:
    unique = "unique " if ix.unique else ""
    return f"  [{'+' if verb == 'Added' else '-'}] {verb} {unique}index on columns ({', '.join(ix.column_names)})"


def _readable_changes(prev: Column, nxt: Column, ch: _ColumnChanges) -> str:
    out = []
    for change in ch.changes:
        if change == _ARITY:
            out.append(f"changed from {_arity(prev)} to {_arity(nxt)}")
        elif change == _DEFAULT:
            out.append(f"default changed from `{_debug_default(prev)}` to `{_debug_default(nxt)}`")
        elif change == _TYPE:
            out.append("type changed")
        elif change == _AUTOINC:
            out.append(
                "column is no longer autoincrementing" if prev.autoincrement else "column became autoincrementing"
            )
    return ", ".join(out)


_SECTION_HEADERS = {
    _ADDED_ENUM: "\n[+] Added enums\n",
    _ADDED_TABLE: "\n[+] Added tables\n",
    _REMOVED_ENUM: "\n[-] Removed enums\n",
    _REMOVED_TABLE: "\n[-] Removed tables\n",
    _REMOVED_UDT: "\n[-] Removed UDTs\n",
    _REMOVED_VIEW: "\n[-] Removed views\n",
    _CREATED_EXT: "\n[+] Added extensions\n",
    _DROPPED_EXT: "\n[-] Removed extensions\n`",
}


def _drift_summary(steps: Iterable[Step]) -> str:
    """Prisma's human summary; the empty text for steps that make no line (the ``CREATE SCHEMA`` of a
    diff into a single-schema database already in sync), ``No difference detected.`` for no steps."""
    steps = list(steps)
    items = []
    for idx, s in enumerate(steps):
        if not s.drift:
            continue
        dtype, name, lines = s.drift
        items.append((dtype, name, idx, lines))
    if not items:
        return "" if steps else "No difference detected."
    items.sort(key=lambda x: (x[0], x[1], x[2]))
    out: list[str] = []
    state: tuple[int, str] | None = None
    for dtype, name, _idx, lines in items:
        if state != (dtype, name):
            if dtype in _SECTION_HEADERS:
                out.append(_SECTION_HEADERS[dtype])
            elif dtype == _CHANGED_ENUM:
                out.append(f"\n[*] Changed the `{name}` enum\n")
            elif dtype == _CHANGED_TABLE:
                out.append(f"\n[*] Changed the `{name}` table\n")
            elif dtype == _ALTERED_EXT:
                out.append(f"\n[*] Changed the `{name}` extension\n")
            elif dtype == _REDEFINED_TABLE:
                out.append(f"\n[*] Redefined table `{name}`\n")
        state = (dtype, name)
        out.extend(line + "\n" for line in lines)
    return "".join(out)
