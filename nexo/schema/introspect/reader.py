"""Reading the catalog: the rows of :mod:`.queries` → the relational model, with a warning per detail
Prisma cannot express (see the documentation of :mod:`nexo.schema.introspect`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nexo.db.pgfacts import ACCESS_METHODS, CATALOG_TYPES, LENGTH_TYPES, PRECISION_TYPES, SERIAL_OF_INTEGER

from ...psl.names import fk_name, index_name, pk_name
from ...psl.native import NATIVE_TYPES
from ..build import qualified, quote_ident
from ..errors import IntrospectionError
from ..model import Column, Database, Enum, Extension, ForeignKey, Index, IndexColumn, PrimaryKey, Table
from .defaults import NEXTVAL, category, read_default
from .queries import (
    COLUMNS_SQL,
    CONSTRAINTS_SQL,
    ENUMS_SQL,
    EXTENSIONS_SQL,
    INDEXES_SQL,
    LEDGER_TABLES,
    SEQUENCES_SQL,
    SETTINGS,
)

if TYPE_CHECKING:
    import psycopg

__all__ = ["Reader"]

#: ``pg_constraint.confdeltype`` / ``confupdtype`` → the referential action
_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


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


class Reader:
    def __init__(
        self, conn: psycopg.Connection[Any], schemas: Sequence[str] | None, partial_indexes: bool = False
    ) -> None:
        self.conn = conn
        self.partial_indexes = partial_indexes
        self.requested = list(dict.fromkeys(schemas)) if schemas is not None else None
        self.multi = schemas is not None
        self.warnings: list[str] = []

    def q(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, params).fetchall()

    # ------------------------------------------------------------------------------------ driver
    def read(self) -> tuple[Database, list[str]]:
        names = [n for n, _ in SETTINGS]
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
        self._set(dict(SETTINGS))
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
        for r in self.q(COLUMNS_SQL, params):
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
            (r[0], r[1], r[2]): (r[3], r[4]) for r in self.q(SEQUENCES_SQL, params)
        }
        enum_rows = self.q(ENUMS_SQL, params)
        enums = tuple(
            Enum(name, tuple(values), self.ns(schema))
            for schema, name, values in sorted(enum_rows, key=lambda r: (_name_key(r[0]), _name_key(r[1])))
        )
        pks: dict[tuple[str, str], PrimaryKey] = {}
        fks: dict[tuple[str, str], list[ForeignKey]] = {}
        for r in self.q(CONSTRAINTS_SQL, params):
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
        for r in self.q(INDEXES_SQL.format(nulls_not_distinct=self.nulls_not_distinct()), params):
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
        ext = tuple(Extension(n, s, v) for n, s, v in sorted(self.q(EXTENSIONS_SQL), key=lambda r: _name_key(r[0])))
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
                f"({SERIAL_OF_INTEGER.get(sql, sql)}), as Prisma does."
            )
        elif default is not None and not is_list:
            m = NEXTVAL.match(default)
            if m and sql in SERIAL_OF_INTEGER:
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
            sql = SERIAL_OF_INTEGER.get(sql, sql)
        db_default = None
        if not auto and default is not None:
            raw = default
            default, kind = read_default(default, sql, category(sql, native, enum), is_list)
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
            if typname in CATALOG_TYPES:
                sql, native = CATALOG_TYPES[typname]
                return sql, native, NATIVE_TYPES[native].scalar, None
            if typname in LENGTH_TYPES:
                sql, native, offset = LENGTH_TYPES[typname]
                scalar = NATIVE_TYPES[native].scalar
                if typmod < 0:
                    return ("BPCHAR" if typname == "bpchar" else sql), native, scalar, None
                return f"{sql}({typmod - offset})", native, scalar, None
            if typname in PRECISION_TYPES:
                sql, native = PRECISION_TYPES[typname]
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
        if am not in ACCESS_METHODS:
            self.warnings.append(
                f"{label} uses the access method {am}, which Prisma cannot express; left out of the model."
            )
            return None
        algorithm = ACCESS_METHODS[am]
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
