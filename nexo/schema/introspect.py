"""Introspection: a live PostgreSQL schema → the relational model that ``schema.prisma`` produces.

:func:`introspect` reads tables, columns, defaults, sequences, primary keys, indexes, foreign keys,
enums and extensions into the same :class:`~nexo.schema.model.Database` that
:func:`~nexo.schema.relational_model` derives from a validated schema, rendered the way ``build.py``
renders it (``TEXT``, ``VARCHAR(255)``, ``TIMESTAMP(3)``, ``DECIMAL(65,30)``, ``"Role"``, ``SERIAL``,
``DEFAULT 'abc'``, ``ARRAY[1, 2]::INTEGER[]`` …). :func:`comparable` then reduces two models to what
both can know, so a model built from the schema and an introspected one compare with ``==``.

What is read
    Ordinary and partitioned tables (not partitions, views, foreign tables, nor tables that belong to
    an extension) of the requested schemas, except the ledgers :data:`LEDGER_TABLES`; their columns
    in ``attnum`` order; column defaults; sequences owned by columns (``SERIAL`` and identity columns
    become autoincrement); primary keys; unique and plain indexes with method, sort order and
    non-default operator classes (unique *constraints* are unique indexes here, as in Prisma, flagged
    ``Index.constraint`` so that a migration drops them with ``ALTER TABLE … DROP CONSTRAINT``);
    foreign keys with their actions; enums with their values in order; installed extensions
    (``plpgsql`` excepted; whether they count is the schema's business, see
    ``Database.manages_extensions``). One catalog query per kind, whatever the number of tables.

What is never part of the model
    Policies, triggers, functions, roles, grants, RLS flags, comments, check constraints, views,
    statistics, ownership, storage parameters: the SQL layer owns them, Prisma ignores them. Things
    that are structure but that Prisma cannot express are kept out of the model and reported as
    warnings by :func:`introspect_with_warnings`: indexes on expressions, partial indexes, indexes
    with ``INCLUDE`` columns or an access method other than BTree/Hash/Gist/Gin/SpGist/Brin, exclusion
    constraints. Details that are lost but whose object stays in the model are warned about too
    (generated columns, identity columns, ``NULLS FIRST/LAST``, deferrable constraints, invalid
    indexes, non-owned sequences).

Structural and provenance fields
    *Structural* fields describe the database and are filled by both sides; :func:`comparable`
    keeps them. *Provenance* fields link the model back to ``schema.prisma`` or record how it was
    written; introspection cannot know them and :func:`comparable` clears them.

    ============== ============================================================ ==============================================
    class          structural (kept)                                            provenance (cleared by ``comparable``)
    ============== ============================================================ ==============================================
    Database       tables, enums, extensions (name), namespaces                 relation_mode, manages_extensions;
                                                                                table/enum/extension order
    Table          name, schema, columns (in order), primary_key, indexes, FKs   model, join (implicit m:n link)
    Column         name, type, nullable, is_list, default, autoincrement,       field, prisma_type, default_kind
                   native_type, enum
    PrimaryKey     name, columns                                                explicit_name
    Index          name, table, schema, unique, algorithm, columns               explicit_name, constraint (a unique
                                                                                constraint = its unique index);
                                                                                order of indexes in a table
    IndexColumn    name, sort (``Desc`` only), opclass (non-default only)        —
    ForeignKey     name, table, schema, columns, referenced_table,               relation, field, explicit_name; FK order
                   referenced_schema, referenced_columns, on_delete, on_update
    Enum           name, schema, values (in order)                               prisma_name, value_names; enum order
    Extension      name                                                         schema, version (left open by a schema
                                                                                that does not write them)
    ============== ============================================================ ==============================================

    Introspection fills what it can infer anyway: ``native_type``/``prisma_type`` from the SQL type,
    ``explicit_name`` where the name is not Prisma's default name, ``relation_mode="foreignKeys"``,
    and ``default_kind`` the way Prisma's schema describer reads a default: a constant of the
    column's type is ``literal``; ``now()``/``CURRENT_TIMESTAMP`` on a date/time column is ``now``;
    ``nextval`` of an owned sequence (or an identity) is ``sequence``; anything else is
    ``dbgenerated`` — including every other default of a date/time column and every default of a
    ``UUID`` column, which Prisma's describer does not parse as values. The kind is how the default
    was written, not what the database holds: ``comparable`` clears it (``@default("x")`` and
    ``@default(dbgenerated("'x'"))`` create the same column).

Equivalences :func:`comparable` also folds (same database, two spellings)
    A name longer than 63 bytes = its first 63 bytes (PostgreSQL cuts identifiers silently, and
    Prisma writes long model names uncut). ``IndexColumn.sort`` ``"Asc"`` = unwritten; an operator
    class that is its method's default (``jsonb_ops`` for GIN, ``int4_minmax_ops`` for BRIN …) =
    unwritten. ``CHAR`` = ``CHAR(1)``, ``BIT`` = ``BIT(1)``. Lists are always nullable (Prisma
    tracks list arity only). Defaults: ``now()`` = ``CURRENT_TIMESTAMP``; numbers by value (``1.50``
    = ``1.5``, ``'5'`` on an integer column = ``5``); JSON by value; DateTime literals by the value
    PostgreSQL stores for the column type (offset dropped for ``TIMESTAMP``, converted to UTC for
    ``TIMESTAMPTZ``, date or time part only for ``DATE``/``TIME``, rounded to the column
    precision). Other default expressions (``dbgenerated``) are compared as text ignoring ASCII
    case, as Prisma Migrate compares them; PostgreSQL stores them in its own spelling
    (``md5((random())::text)`` for ``md5(random()::text)``), so such a default differs here as it
    does for ``prisma migrate dev``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ..psl.names import MAX_IDENTIFIER, cut, fk_name, index_name, pk_name
from .build import qualified, quote_ident, quote_literal, render_datetime
from .errors import IntrospectionError
from .model import Column, Database, Enum, Extension, ForeignKey, Index, IndexColumn, PrimaryKey, Table
from .predicate import canonical

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "LEDGER_TABLES",
    "comparable",
    "differences",
    "introspect",
    "introspect_with_warnings",
    "same_structure",
]

#: Tables that hold migration ledgers, never part of the model (Prisma's and nexo's SQL layer's).
LEDGER_TABLES = ("_prisma_migrations", "migration_history")

# Session settings that fix how PostgreSQL prints default expressions (restored afterwards).
_SETTINGS = (
    ("DateStyle", "ISO, YMD"),
    ("TimeZone", "UTC"),
    ("IntervalStyle", "postgres"),
    ("extra_float_digits", "1"),
    ("standard_conforming_strings", "on"),
)

_ALGORITHMS = {"btree": None, "hash": "Hash", "gist": "Gist", "gin": "Gin", "spgist": "SpGist", "brin": "Brin"}
_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_SERIAL = {"SMALLINT": "SMALLSERIAL", "INTEGER": "SERIAL", "BIGINT": "BIGSERIAL"}

# pg_catalog type → (SQL as build.py renders it, Prisma native type, Prisma scalar)
_PLAIN_TYPES = {
    "text": ("TEXT", "Text", "String"),
    "uuid": ("UUID", "Uuid", "String"),
    "xml": ("XML", "Xml", "String"),
    "inet": ("INET", "Inet", "String"),
    "bool": ("BOOLEAN", "Boolean", "Boolean"),
    "int4": ("INTEGER", "Integer", "Int"),
    "int2": ("SMALLINT", "SmallInt", "Int"),
    "oid": ("OID", "Oid", "Int"),
    "int8": ("BIGINT", "BigInt", "BigInt"),
    "float8": ("DOUBLE PRECISION", "DoublePrecision", "Float"),
    "float4": ("REAL", "Real", "Float"),
    "money": ("MONEY", "Money", "Decimal"),
    "date": ("DATE", "Date", "DateTime"),
    "json": ("JSON", "Json", "Json"),
    "jsonb": ("JSONB", "JsonB", "Json"),
    "bytea": ("BYTEA", "ByteA", "Bytes"),
}
# types whose typmod is a length: (SQL, native, scalar, typmod offset)
_LENGTH_TYPES = {
    "varchar": ("VARCHAR", "VarChar", "String", 4),
    "bpchar": ("CHAR", "Char", "String", 4),
    "bit": ("BIT", "Bit", "String", 0),
    "varbit": ("VARBIT", "VarBit", "String", 0),
}
# types whose typmod is a fractional-second precision
_PRECISION_TYPES = {
    "timestamp": ("TIMESTAMP", "Timestamp"),
    "timestamptz": ("TIMESTAMPTZ", "Timestamptz"),
    "time": ("TIME", "Time"),
    "timetz": ("TIMETZ", "Timetz"),
}

# Default operator classes of PostgreSQL's built-in access methods (pg_opclass.opcdefault, PostgreSQL
# 12–17). Writing one of them (``ops: JsonbOps`` on a GIN index) builds the same index as writing
# nothing; introspection reports only non-default classes. tests/schema/test_introspect.py checks
# this table against the live catalog.
_DEFAULT_OPCLASSES_TEXT = {
    "btree": "array_ops bit_ops bool_ops bpchar_ops bytea_ops char_ops date_ops enum_ops float4_ops float8_ops "
    "inet_ops int2_ops int4_ops int8_ops interval_ops jsonb_ops macaddr8_ops macaddr_ops multirange_ops name_ops "
    "numeric_ops oid_ops oidvector_ops pg_lsn_ops range_ops record_ops text_ops tid_ops time_ops timestamp_ops "
    "timestamptz_ops timetz_ops tsquery_ops tsvector_ops uuid_ops varbit_ops xid8_ops money_ops",
    "hash": "aclitem_ops array_ops bool_ops bpchar_ops bytea_ops char_ops cid_ops date_ops enum_ops float4_ops "
    "float8_ops inet_ops int2_ops int4_ops int8_ops interval_ops jsonb_ops macaddr8_ops macaddr_ops multirange_ops "
    "name_ops numeric_ops oid_ops oidvector_ops pg_lsn_ops range_ops record_ops text_ops time_ops timestamp_ops "
    "timestamptz_ops timetz_ops tid_ops uuid_ops xid8_ops xid_ops",
    "gist": "box_ops circle_ops multirange_ops point_ops poly_ops range_ops tsquery_ops tsvector_ops",
    "spgist": "box_ops inet_ops poly_ops quad_point_ops range_ops text_ops",
    "gin": "array_ops jsonb_ops tsvector_ops",
    "brin": "bit_minmax_ops box_inclusion_ops bpchar_minmax_ops bytea_minmax_ops char_minmax_ops date_minmax_ops "
    "float4_minmax_ops float8_minmax_ops inet_inclusion_ops int2_minmax_ops int4_minmax_ops int8_minmax_ops "
    "interval_minmax_ops macaddr8_minmax_ops macaddr_minmax_ops name_minmax_ops numeric_minmax_ops oid_minmax_ops "
    "pg_lsn_minmax_ops range_inclusion_ops text_minmax_ops tid_minmax_ops time_minmax_ops timestamp_minmax_ops "
    "timestamptz_minmax_ops timetz_minmax_ops uuid_minmax_ops varbit_minmax_ops",
}
#: (Prisma algorithm or None for BTree, operator class) pairs that are the method's default class.
DEFAULT_OPCLASSES: frozenset[tuple[str | None, str]] = frozenset(
    (_ALGORITHMS[am], name) for am, names in _DEFAULT_OPCLASSES_TEXT.items() for name in names.split()
)


# --------------------------------------------------------------------------------------------- API
def introspect(
    conn: psycopg.Connection[Any], *, schemas: Sequence[str] | None = None, partial_indexes: bool = False
) -> Database:
    """The relational model of the live database behind ``conn``.

    ``schemas=None`` reads the connection's ``current_schema()`` only and returns a single-schema
    model (``namespaces == ()``, ``Table.schema``/``Enum.schema`` None). A list reads those schemas
    as a multi-schema model, like a schema with ``datasource.schemas``: ``namespaces`` holds the
    listed schemas that exist (in the given order) and every table, enum, index and foreign key
    carries its schema. Nothing is written; session settings changed for reading are restored.

    ``partial_indexes`` (a schema with Prisma 7's ``partialIndexes`` preview feature): partial indexes are
    in the model with their predicate as PostgreSQL prints it; otherwise they are left out (with a warning),
    as Prisma does without the feature, so a hand-written partial index is never dropped.
    """
    return introspect_with_warnings(conn, schemas=schemas, partial_indexes=partial_indexes)[0]


def introspect_with_warnings(
    conn: psycopg.Connection[Any], *, schemas: Sequence[str] | None = None, partial_indexes: bool = False
) -> tuple[Database, list[str]]:
    """:func:`introspect`, plus one message per object or detail Prisma cannot express (see module doc)."""
    import psycopg

    if schemas is not None:
        if isinstance(schemas, str) or not all(isinstance(s, str) and s for s in schemas):
            raise IntrospectionError(
                f"schemas must be a list of schema names, got {schemas!r}. Pass None for the connection's current schema."
            )
        if not schemas:
            raise IntrospectionError(
                "schemas is an empty list: name at least one schema, or pass None for the current schema."
            )
    try:
        with conn.transaction():
            return _Reader(conn, schemas, partial_indexes).read()
    except psycopg.Error as exc:
        raise IntrospectionError(f"Could not read the database schema: {str(exc).strip()}") from exc


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


# ------------------------------------------------------------------------------------- the queries
_COLUMNS_SQL = """
SELECT n.nspname, c.relname, a.attname, a.attnotnull, a.atttypmod, a.attidentity, a.attgenerated,
       t.typname, tn.nspname, t.typtype, et.typname, etn.nspname, et.typtype,
       format_type(COALESCE(et.oid, t.oid), a.atttypmod), pg_get_expr(d.adbin, d.adrelid)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A' AND t.typlen = -1
LEFT JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY(%(schemas)s)
  AND c.relname <> ALL(%(ledgers)s)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = 'pg_catalog.pg_class'::regclass
                  AND x.objid = c.oid AND x.deptype = 'e')
ORDER BY n.nspname, c.relname, a.attnum
"""

_SEQUENCES_SQL = """
SELECT tn.nspname, t.relname, a.attname, s.oid::regclass::text, d.deptype
FROM pg_catalog.pg_class s
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = s.oid
     AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
WHERE s.relkind = 'S' AND tn.nspname = ANY(%(schemas)s)
"""

# one row per index key column (set-based joins; a per-index subquery is ~8x slower on 1000 indexes)
_INDEXES_SQL = """
SELECT n.nspname, t.relname, i.relname, x.indisunique, x.indisprimary, am.amname, x.indnkeyatts, x.indnatts,
       x.indexprs IS NOT NULL, pg_catalog.pg_get_expr(x.indpred, x.indrelid), x.indisvalid, {nulls_not_distinct},
       con.contype, con.condeferrable, u.ord, a.attname, opc.opcname, opc.opcdefault, u.opt
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
JOIN pg_catalog.pg_am am ON am.oid = i.relam
LEFT JOIN pg_catalog.pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid
     AND con.contype IN ('p', 'u', 'x')
CROSS JOIN LATERAL unnest(x.indkey::int2[], x.indclass::oid[], x.indoption::int2[])
     WITH ORDINALITY AS u(attnum, opc, opt, ord)
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.attnum AND u.attnum > 0
LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = u.opc
WHERE t.relkind IN ('r', 'p') AND NOT t.relispartition AND n.nspname = ANY(%(schemas)s)
ORDER BY n.nspname, t.relname, i.relname, u.ord
"""

_CONSTRAINTS_SQL = """
SELECT n.nspname, t.relname, con.conname, con.contype, con.condeferrable, con.confmatchtype,
       con.confdeltype, con.confupdtype, rn.nspname, rt.relname,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS u(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = u.attnum ORDER BY u.ord),
       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS u(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = u.attnum ORDER BY u.ord)
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class t ON t.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_catalog.pg_class rt ON rt.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rt.relnamespace
WHERE con.contype IN ('p', 'f') AND con.conparentid = 0 AND n.nspname = ANY(%(schemas)s)
ORDER BY n.nspname, t.relname, con.conname
"""

_ENUMS_SQL = """
SELECT n.nspname, t.typname,
       COALESCE(array_agg(e.enumlabel ORDER BY e.enumsortorder) FILTER (WHERE e.enumlabel IS NOT NULL), '{}')
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid
WHERE t.typtype = 'e' AND n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = 'pg_catalog.pg_type'::regclass
                  AND x.objid = t.oid AND x.deptype = 'e')
GROUP BY n.nspname, t.typname
"""

_EXTENSIONS_SQL = """
SELECT e.extname, n.nspname, e.extversion
FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
"""


def _name_key(name: str) -> bytes:
    return name.encode()


@dataclass
class _ColumnRow:
    name: str
    not_null: bool
    typmod: int
    identity: str
    generated: str
    typname: str
    typschema: str
    typtype: str
    elem: tuple[str, str, str] | None
    formatted: str
    default: str | None


class _Reader:
    def __init__(
        self, conn: psycopg.Connection[Any], schemas: Sequence[str] | None, partial_indexes: bool = False
    ) -> None:
        self.conn = conn
        self.partial_indexes = partial_indexes
        self.requested = list(dict.fromkeys(schemas)) if schemas is not None else None
        self.multi = schemas is not None
        self.warnings: list[str] = []

    def q(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, params).fetchall()  # type: ignore[arg-type]

    # ------------------------------------------------------------------------------------ driver
    def read(self) -> tuple[Database, list[str]]:
        names = [n for n, _ in _SETTINGS]
        row = self.q(
            "SELECT current_schema(), "
            + ", ".join(f"current_setting('{n}')" for n in names)
            + ", ARRAY(SELECT nspname::text FROM pg_catalog.pg_namespace WHERE nspname = ANY(%(s)s))",
            {"s": self.requested or []},
        )[0]
        current, old, existing = row[0], row[1:-1], set(row[-1])
        if self.requested is None:
            if current is None:
                raise IntrospectionError(
                    "The connection has no current schema (its search_path names no existing schema). "
                    "Set search_path, or pass schemas=[...]."
                )
            self.schemas = [current]
        else:
            self.schemas = [s for s in self.requested if s in existing]
        self.default_schema = current
        self._set(dict(_SETTINGS))
        db = self.build()
        # restore the caller's values (on failure the rolled-back (sub)transaction restores them)
        self._set(dict(zip(names, old)))
        return db, self.warnings

    def _set(self, values: dict[str, str]) -> None:
        keys = list(values)
        self.q(
            "SELECT " + ", ".join(f"set_config(%(k{i})s, %(v{i})s, true)" for i in range(len(keys))),
            {**{f"k{i}": k for i, k in enumerate(keys)}, **{f"v{i}": values[k] for i, k in enumerate(keys)}},
        )

    def ns(self, schema: str) -> str | None:
        return schema if self.multi else None

    def type_name(self, name: str, schema: str) -> str:
        """An enum type as build.py writes it: qualified in a multi-schema model or outside the current schema."""
        if self.multi or schema != self.default_schema:
            return qualified(name, schema)
        return quote_ident(name)

    def build(self) -> Database:
        params = {"schemas": self.schemas, "ledgers": list(LEDGER_TABLES)}
        tables: dict[tuple[str, str], list[_ColumnRow]] = {}
        for r in self.q(_COLUMNS_SQL, params):
            cols = tables.setdefault((r[0], r[1]), [])
            if r[2] is not None:
                cols.append(
                    _ColumnRow(
                        r[2],
                        r[3],
                        r[4],
                        r[5],
                        r[6],
                        r[7],
                        r[8],
                        r[9],
                        (r[10], r[11], r[12]) if r[10] is not None else None,
                        r[13],
                        r[14],
                    )
                )
        owned: dict[tuple[str, str, str], tuple[str, str]] = {
            (r[0], r[1], r[2]): (r[3], r[4]) for r in self.q(_SEQUENCES_SQL, params)
        }
        enum_rows = self.q(_ENUMS_SQL, params)
        enums = tuple(
            Enum(name, tuple(values), self.ns(schema))
            for schema, name, values in sorted(enum_rows, key=lambda r: (_name_key(r[0]), _name_key(r[1])))
        )
        pks: dict[tuple[str, str], PrimaryKey] = {}
        fks: dict[tuple[str, str], list[ForeignKey]] = {}
        for r in self.q(_CONSTRAINTS_SQL, params):
            key = (r[0], r[1])
            if key not in tables:
                continue
            if r[3] == "p":
                pks[key] = PrimaryKey(r[2], tuple(r[10]), explicit_name=r[2] != pk_name(r[1]))
                continue
            fk_cols: tuple[str, ...] = tuple(r[10])
            label = f"Foreign key {quote_ident(r[2])} on {qualified(r[1], r[0])}"
            if r[4]:
                self.warnings.append(
                    f"{label} is DEFERRABLE, which Prisma cannot express; the model keeps it as not deferrable."
                )
            if r[5] == "f":
                self.warnings.append(
                    f"{label} uses MATCH FULL, which Prisma cannot express; the model keeps it as MATCH SIMPLE."
                )
            fks.setdefault(key, []).append(
                ForeignKey(
                    name=r[2],
                    table=r[1],
                    columns=fk_cols,
                    referenced_table=r[9],
                    referenced_columns=tuple(r[11]),
                    on_delete=_ACTIONS[r[6]],
                    on_update=_ACTIONS[r[7]],
                    schema=self.ns(r[0]),
                    referenced_schema=r[8] if (self.multi or r[8] != r[0]) else None,
                    explicit_name=r[2] != fk_name(r[1], fk_cols),
                )
            )
        grouped: dict[tuple[str, str, str], list[tuple[Any, ...]]] = {}
        for r in self.q(_INDEXES_SQL.format(nulls_not_distinct=self.nulls_not_distinct()), params):
            if (r[0], r[1]) in tables:
                grouped.setdefault((r[0], r[1], r[2]), []).append(r)
        indexes: dict[tuple[str, str], list[Index]] = {}
        for (schema, table, _), rows in grouped.items():
            ix = self.index(rows)
            if ix is not None:
                indexes.setdefault((schema, table), []).append(ix)
        out = []
        for key in sorted(tables, key=lambda k: (_name_key(k[0]), _name_key(k[1]))):
            schema, name = key
            columns = tuple(self.column(schema, name, c, owned) for c in tables[key])
            out.append(
                Table(
                    name,
                    columns,
                    pks.get(key),
                    tuple(sorted(indexes.get(key, []), key=lambda i: _name_key(i.name))),
                    tuple(sorted(fks.get(key, []), key=lambda f: _name_key(f.name))),
                    self.ns(schema),
                )
            )
        ext = tuple(Extension(n, s, v) for n, s, v in sorted(self.q(_EXTENSIONS_SQL), key=lambda r: _name_key(r[0])))
        namespaces = tuple(self.schemas) if self.multi else ()
        return Database(tuple(out), enums, ext, namespaces, "foreignKeys")

    def nulls_not_distinct(self) -> str:
        return "x.indnullsnotdistinct" if self.conn.info.server_version >= 150000 else "false"

    # ------------------------------------------------------------------------------------ columns
    def column(
        self, schema: str, table: str, c: _ColumnRow, owned: dict[tuple[str, str, str], tuple[str, str]]
    ) -> Column:
        label = f"Column {quote_ident(c.name)} of {qualified(table, schema)}"
        is_list = c.elem is not None
        typname, typschema, typtype = c.elem if c.elem is not None else (c.typname, c.typschema, c.typtype)
        sql, native, scalar, enum = self.render_type(typname, typschema, typtype, c.typmod, c.formatted)
        default = c.default
        kind: str | None = None
        auto = False
        if c.generated:
            self.warnings.append(
                f"{label} is a generated column (GENERATED ALWAYS AS ({default}) STORED), which Prisma cannot "
                "express; the model keeps it as a plain column without default."
            )
            default = None
        elif c.identity:
            auto = True
            self.warnings.append(
                f"{label} is an identity column; the model treats it as autoincrement "
                f"({_SERIAL.get(sql, sql)}), as Prisma does."
            )
        elif default is not None and not is_list:
            m = _NEXTVAL.match(default)
            if m and sql in _SERIAL:
                auto = True
                seq = owned.get((schema, table, c.name))
                if seq is None or seq[1] != "a" or seq[0] != m.group(1).replace("''", "'"):
                    self.warnings.append(
                        f"{label} takes its default from sequence {m.group(1)}, which the column does not own; "
                        "the model treats it as autoincrement."
                    )
        if auto:
            default = None
            kind = "sequence"
            sql = _SERIAL.get(sql, sql)
        db_default = None
        if not auto and default is not None:
            raw = default
            default, kind = _read_default(default, sql, _category(sql, native, enum), is_list)
            db_default = raw if kind == "dbgenerated" and raw != default else None
        return Column(
            name=c.name,
            type=sql,
            nullable=not c.not_null,
            is_list=is_list,
            default=default,
            autoincrement=auto,
            prisma_type=scalar,
            native_type=native,
            enum=enum,
            default_kind=kind,
            db_default=db_default,
        )

    def render_type(
        self, typname: str, typschema: str, typtype: str, typmod: int, formatted: str
    ) -> tuple[str, str | None, str | None, str | None]:
        """(SQL type as build.py renders it, native type, Prisma scalar, enum name)."""
        if typtype == "e":
            return self.type_name(typname, typschema), None, typname, typname
        if typschema == "pg_catalog":
            if typname in _PLAIN_TYPES:
                return (*_PLAIN_TYPES[typname], None)
            if typname in _LENGTH_TYPES:
                sql, native, scalar, offset = _LENGTH_TYPES[typname]
                if typmod < 0:
                    return ("BPCHAR" if typname == "bpchar" else sql), native, scalar, None
                return f"{sql}({typmod - offset})", native, scalar, None
            if typname in _PRECISION_TYPES:
                sql, native = _PRECISION_TYPES[typname]
                return (f"{sql}({typmod})" if typmod >= 0 else sql), native, "DateTime", None
            if typname == "numeric":
                if typmod < 0:
                    return "DECIMAL", "Decimal", "Decimal", None
                precision = ((typmod - 4) >> 16) & 0xFFFF
                scale = (((typmod - 4) & 0x7FF) ^ 1024) - 1024
                return f"DECIMAL({precision},{scale})", "Decimal", "Decimal", None
        elif typname == "citext" and typtype == "b":
            return "CITEXT", "Citext", "String", None
        return formatted, None, "Unsupported", None

    # ------------------------------------------------------------------------------------ indexes
    def index(self, rows: list[tuple[Any, ...]]) -> Index | None:
        """One index from its rows (one per key column, in order)."""
        (schema, table, name, unique, primary, am, nkey, natts, on_expr, partial, valid, nnd, contype, deferrable) = (
            rows[0][:14]
        )
        cols = [r[15] for r in rows]
        opcs = [r[16] for r in rows]
        opcdefaults = [r[17] for r in rows]
        options = [r[18] for r in rows]
        if primary or contype == "p":
            return None
        label = f"Index {quote_ident(name)} on {qualified(table, schema)}"
        if contype == "x":
            self.warnings.append(
                f"{label} backs an exclusion constraint, which Prisma cannot express; left out of the model."
            )
            return None
        if on_expr or any(c is None for c in cols[:nkey]):
            self.warnings.append(f"{label} is on an expression, which Prisma cannot express; left out of the model.")
            return None
        if partial is not None and not self.partial_indexes:
            self.warnings.append(
                f"{label} is a partial index (WHERE …), which Prisma cannot express; left out of the model."
            )
            return None
        if natts > nkey:
            self.warnings.append(f"{label} has INCLUDE columns, which Prisma cannot express; left out of the model.")
            return None
        if am not in _ALGORITHMS:
            self.warnings.append(
                f"{label} uses the access method {am}, which Prisma cannot express; left out of the model."
            )
            return None
        algorithm = _ALGORITHMS[am]
        columns = []
        for i in range(nkey):
            opt = options[i] or 0
            desc = bool(opt & 1) if am == "btree" else False
            nulls_first = bool(opt & 2)
            if am == "btree" and nulls_first != desc:
                self.warnings.append(
                    f"{label} orders column {quote_ident(cols[i])} NULLS {'FIRST' if nulls_first else 'LAST'}, "
                    "which Prisma cannot express; the model keeps the default null order."
                )
            opclass = None if opcdefaults[i] or opcs[i] is None else opcs[i]
            columns.append(IndexColumn(cols[i], "Desc" if desc else None, opclass))
        if not valid:
            self.warnings.append(
                f"{label} is invalid (a failed CREATE INDEX CONCURRENTLY?); it is in the model but should be rebuilt."
            )
        if nnd:
            self.warnings.append(
                f"{label} is NULLS NOT DISTINCT, which Prisma cannot express; the model keeps a plain unique index."
            )
        if contype == "u" and deferrable:
            self.warnings.append(f"{label}: the unique constraint is DEFERRABLE, which Prisma cannot express.")
        names = [c.name for c in columns]
        return Index(
            name,
            table,
            tuple(columns),
            bool(unique),
            algorithm,
            name != index_name(table, names, bool(unique)),
            self.ns(schema),
            constraint=contype == "u",
            predicate=partial,
        )


# --------------------------------------------------------------------------------- default values
_NEXTVAL = re.compile(r"^nextval\('((?:[^']|'')+)'::regclass\)$")
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


def _base(sql: str) -> str:
    return sql.split("(", 1)[0]


def _category(sql: str, native: str | None, enum: str | None) -> str:
    """How a default of this column type is written: num, bool, datetime, json, string, or other (verbatim)."""
    if enum is not None:
        return "string"
    base = _base(sql)
    if base in _NUMERIC_TYPES:
        return "num"
    if base == "BOOLEAN":
        return "bool"
    if base in _DATETIME_TYPES:
        return "datetime"
    if base in ("JSON", "JSONB"):
        return "json"
    if base in _STRING_TYPES:
        return "string"
    return "other"


@dataclass(frozen=True)
class _Lit:
    kind: str  # "str" | "num" | "bool"
    value: str


@dataclass(frozen=True)
class _Arr:
    items: tuple[_Lit, ...]


class _Parser:
    """Reads the literal defaults PostgreSQL prints (``'a'::text``, ``'-5'::integer``, ``(2)::numeric``,
    ``ARRAY['x'::text]``, ``'{a,b}'::text[]``) and the ones build.py writes (``'a'``, ``ARRAY[1, 2]::INTEGER[]``)."""

    def __init__(self, s: str) -> None:
        self.s = s
        self.i = 0
        self.last_cast = ""

    def parse(self) -> _Lit | _Arr | None:
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

    def expr(self) -> _Lit | _Arr:
        self.ws()
        if self.eat("ARRAY["):
            items: list[_Lit] = []
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
            return _Arr(tuple(items))
        lit = self.scalar()
        if lit.kind == "str" and self.last_cast.endswith("[]"):
            return _Arr(tuple(_array_literal(lit.value)))
        return lit

    def scalar(self) -> _Lit:
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
            lit = _Lit("str", self.string())
            self.casts()
            return lit
        m = _NUMBER_TOKEN.match(self.s, self.i)
        if m:
            self.i = m.end()
            self.casts()
            return _Lit("num", m.group(0))
        for word in ("true", "false"):
            if self.s.startswith(word, self.i) and not self.s[self.i + len(word) : self.i + len(word) + 1].isalnum():
                self.i += len(word)
                self.casts()
                return _Lit("bool", word)
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


def _array_literal(text: str) -> list[_Lit]:
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
            items.append(_Lit("str", "".join(buf)))
        else:
            j = body.find(",", i)
            j = len(body) if j < 0 else j
            raw = body[i:j]
            if raw.upper() == "NULL" or "{" in raw:
                raise ValueError("NULL or nested element")
            items.append(_Lit("str", raw))
            i = j
        if i < len(body) and body[i] != ",":
            raise ValueError("bad array literal")
        i += 1
    return items


_NOW = re.compile(r"(?:now\(\)|current_timestamp)(?:::[a-z ]+)?", re.IGNORECASE)


def _read_default(expr: str, sql_type: str, category: str, is_list: bool) -> tuple[str, str]:
    """(the default as build.py writes it, its ``Column.default_kind``), from PostgreSQL's text.

    The kind follows Prisma's describer: a parsed constant is a literal, except on date/time columns
    (where only ``now()``/``CURRENT_TIMESTAMP`` is understood, as ``now``) and ``UUID`` columns (whose
    defaults are never parsed); whatever is not understood is ``dbgenerated``.
    """
    text, parsed = _render_default(expr, sql_type, category, is_list)
    if category == "datetime":
        return text, "now" if not is_list and _NOW.fullmatch(expr.strip()) else "dbgenerated"
    if not parsed or _base(sql_type) == "UUID":
        return text, "dbgenerated"
    return text, "literal"


def _render_default(expr: str, sql_type: str, category: str, is_list: bool) -> tuple[str, bool]:
    """A default expression as PostgreSQL prints it → as build.py writes it (literals unwrapped from their
    casts, numbers bare, DateTime literals as ``'YYYY-MM-DD HH:MM:SS[.fff] +00:00'``, lists as
    ``ARRAY[…]::TYPE[]``); anything else (functions, ``dbgenerated`` expressions) verbatim. The flag
    says whether it was read as a literal of the column's type."""
    if category == "other":
        return expr, False
    parsed = _Parser(expr).parse()
    if parsed is None or isinstance(parsed, _Arr) != is_list:
        return expr, False
    try:
        if isinstance(parsed, _Arr):
            items = ", ".join(_render_item(x, category, sql_type) for x in parsed.items)
            return f"ARRAY[{items}]::{sql_type}[]", True
        return _render_item(parsed, category, sql_type), True
    except ValueError:
        return expr, False


def _render_item(lit: _Lit, category: str, sql_type: str) -> str:
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
        return quote_literal(_pg_datetime(lit.value, _base(sql_type)))
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


# ------------------------------------------------------------------------------------- comparable
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


_ONE_LENGTH = {"CHAR": "CHAR(1)", "BIT": "BIT(1)"}


def _comparable_column(c: Column) -> Column:
    typ = _ONE_LENGTH.get(c.type, c.type)
    if c.enum is not None:  # "Role" / "auth"."Role": the names as stored
        typ = _QUOTED.sub(lambda m: quote_ident(_n(m.group(1).replace('""', '"'))), typ)
    return Column(
        name=_n(c.name),
        type=typ,
        nullable=True if c.is_list else c.nullable,
        is_list=c.is_list,
        default=_canonical_default(c.default, typ, _category(typ, c.native_type, c.enum), c.is_list),
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
    parsed = None if category == "other" else _Parser(expr).parse()
    if parsed is None or isinstance(parsed, _Arr) != is_list:
        return expr.translate(_ASCII_LOWER)  # an expression (dbgenerated): text, ASCII case ignored, as Prisma
    try:
        if isinstance(parsed, _Arr):
            items = ", ".join(_canonical_item(x, category, sql_type) for x in parsed.items)
            return f"ARRAY[{items}]::{sql_type}[]"
        return _canonical_item(parsed, category, sql_type)
    except ValueError:
        return expr.translate(_ASCII_LOWER)


def _canonical_item(lit: _Lit, category: str, sql_type: str) -> str:
    if category == "num":
        try:
            number = Decimal(lit.value)
        except InvalidOperation:
            raise ValueError("not a number") from None
        if _base(sql_type) in ("DOUBLE PRECISION", "REAL"):
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
    base = _base(sql_type)
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
