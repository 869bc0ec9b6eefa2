"""Facts about PostgreSQL that several stages need: one copy of each, read by introspection and the differ.

* Index access methods: :data:`ACCESS_METHODS` (``pg_am.amname`` → Prisma's index ``type``, None for
  BTree) and :data:`METHOD_SQL` (Prisma's index type → the ``USING`` keyword).
* Default operator classes: :data:`DEFAULT_OPCLASSES`, the (method, operator class) pairs that are
  their method's default class (``pg_opclass.opcdefault``), so writing one builds the same index as
  writing nothing.
* Built-in types: :data:`CATALOG_TYPES` (``pg_catalog`` type → the SQL nexo writes and Prisma's native
  type), the types whose typmod is a length or a fractional-second precision, the integer types
  behind ``SERIAL``, and :data:`NATIVE_OF_SQL` (SQL spelling → Prisma native type).

Only the standard library is used here: psycopg is not imported (tests/test_imports.py).

The schema reader (``nexo/psl``) may import the standard library only, so it keeps its own tables:
``nexo/psl/native.py`` (``_BRIN_FAMILIES``, ``OPERATOR_CLASSES``, ``INDEX_ALGORITHMS``) and the BRIN
tables of the validator (``_BRIN_NATIVE``, ``_BRIN_SCALAR`` in ``nexo/psl/validate.py``) hold what
operator classes Prisma accepts per native type.
"""

from __future__ import annotations

__all__ = [
    "ACCESS_METHODS",
    "CATALOG_TYPES",
    "DEFAULT_OPCLASSES",
    "DEFAULT_PRECISION_TYPES",
    "LENGTH_TYPES",
    "METHOD_SQL",
    "NATIVE_OF_SQL",
    "ONE_LENGTH_TYPES",
    "PRECISION_TYPES",
    "SERIAL_OF_INTEGER",
]

# --------------------------------------------------------------------------------------------- index methods
#: ``pg_am.amname`` of the access methods Prisma can write → Prisma's index ``type`` (None: BTree, unwritten)
ACCESS_METHODS: dict[str, str | None] = {
    "btree": None,
    "hash": "Hash",
    "gist": "Gist",
    "gin": "Gin",
    "spgist": "SpGist",
    "brin": "Brin",
}
#: Prisma's index ``type`` (other than BTree) → the method as ``CREATE INDEX … USING`` writes it
METHOD_SQL: dict[str, str] = {algorithm: am.upper() for am, algorithm in ACCESS_METHODS.items() if algorithm}

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
    (ACCESS_METHODS[am], name) for am, names in _DEFAULT_OPCLASSES_TEXT.items() for name in names.split()
)

# --------------------------------------------------------------------------------------------- types
#: ``pg_catalog`` type without a typmod → (SQL as nexo writes it, Prisma native type)
CATALOG_TYPES: dict[str, tuple[str, str]] = {
    "text": ("TEXT", "Text"),
    "uuid": ("UUID", "Uuid"),
    "xml": ("XML", "Xml"),
    "inet": ("INET", "Inet"),
    "bool": ("BOOLEAN", "Boolean"),
    "int4": ("INTEGER", "Integer"),
    "int2": ("SMALLINT", "SmallInt"),
    "oid": ("OID", "Oid"),
    "int8": ("BIGINT", "BigInt"),
    "float8": ("DOUBLE PRECISION", "DoublePrecision"),
    "float4": ("REAL", "Real"),
    "money": ("MONEY", "Money"),
    "date": ("DATE", "Date"),
    "json": ("JSON", "Json"),
    "jsonb": ("JSONB", "JsonB"),
    "bytea": ("BYTEA", "ByteA"),
}
#: ``pg_catalog`` types whose typmod is a length → (SQL, native type, typmod offset)
LENGTH_TYPES: dict[str, tuple[str, str, int]] = {
    "varchar": ("VARCHAR", "VarChar", 4),
    "bpchar": ("CHAR", "Char", 4),
    "bit": ("BIT", "Bit", 0),
    "varbit": ("VARBIT", "VarBit", 0),
}
#: ``pg_catalog`` types whose typmod is a fractional-second precision → (SQL, native type)
PRECISION_TYPES: dict[str, tuple[str, str]] = {
    "timestamp": ("TIMESTAMP", "Timestamp"),
    "timestamptz": ("TIMESTAMPTZ", "Timestamptz"),
    "time": ("TIME", "Time"),
    "timetz": ("TIMETZ", "Timetz"),
}
#: the date/time types written without a precision, which PostgreSQL then gives 6 digits
DEFAULT_PRECISION_TYPES: tuple[str, ...] = tuple(sql for sql, _native in PRECISION_TYPES.values())
#: types whose unwritten length is 1: ``CHAR`` is ``CHAR(1)``
ONE_LENGTH_TYPES: dict[str, str] = {"CHAR": "CHAR(1)", "BIT": "BIT(1)"}
#: integer type → the ``SERIAL`` type over it
SERIAL_OF_INTEGER: dict[str, str] = {"SMALLINT": "SMALLSERIAL", "INTEGER": "SERIAL", "BIGINT": "BIGSERIAL"}

#: SQL spelling of a type (without its arguments) → Prisma native type; a ``SERIAL`` is the integer under it
NATIVE_OF_SQL: dict[str, str] = {
    **{sql: native for sql, native in CATALOG_TYPES.values()},
    **{sql: native for sql, native, _offset in LENGTH_TYPES.values()},
    **{sql: native for sql, native in PRECISION_TYPES.values()},
    "DECIMAL": "Decimal",
    "CITEXT": "Citext",  # the citext extension's type
}
NATIVE_OF_SQL.update({serial: NATIVE_OF_SQL[integer] for integer, serial in SERIAL_OF_INTEGER.items()})
