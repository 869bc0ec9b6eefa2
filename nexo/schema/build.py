"""Validated schema → relational model (:class:`~nexo.schema.model.Database`), the way Prisma Migrate derives it.

Follows ``prisma-compat.md`` §1.4–1.8 and §2.4–2.11: tables from models (views are never migrated),
columns in field order, PostgreSQL types, defaults rendered as Prisma renders them, keys and indexes in
Prisma's attribute-processing order, foreign keys with effective referential actions, enums, implicit
many-to-many join tables, and every constraint name Prisma would choose.
"""

from __future__ import annotations

import base64
import re

from nexo.db.pgfacts import SERIAL_OF_INTEGER

from ..psl import model as M
from ..psl.names import cut, fk_name, index_name, pk_name
from ..psl.native import DEFAULT_NATIVE, NATIVE_TYPES, opclass_sql
from ..psl.parser import paused_gc
from .model import Column, Database, Enum, Extension, ForeignKey, Index, IndexColumn, JoinTable, PrimaryKey, Table

ACTION_SQL = {
    "Cascade": "CASCADE",
    "Restrict": "RESTRICT",
    "NoAction": "NO ACTION",
    "SetNull": "SET NULL",
    "SetDefault": "SET DEFAULT",
}
_DT = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$")


def quote_ident(name: str) -> str:
    """A double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A single-quoted SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def qualified(name: str, schema: str | None) -> str:
    """``"schema"."name"`` or ``"name"``."""
    return (quote_ident(schema) + "." if schema else "") + quote_ident(name)


def relational_model(schema: M.Schema) -> Database:
    """The tables, enums, extensions and namespaces Prisma Migrate would create for ``schema``."""
    with paused_gc():
        return _Builder(schema).build()


class _Builder:
    def __init__(self, schema: M.Schema) -> None:
        self.schema = schema
        self.multi = bool(schema.datasource.schemas)
        self.fks = schema.datasource.relation_mode != "prisma"
        self.enums = {e.name: e for e in schema.enums}
        self.models = {m.name: m for m in schema.models}
        self._columns: dict[str, dict[str, str]] = {}
        self._types: dict[tuple[str, str, int], str] = {}

    def columns_of(self, m: M.Model) -> dict[str, str]:
        """Field name → column name for the scalar fields of ``m`` (worked out once per model)."""
        cols = self._columns.get(m.name)
        if cols is None:
            cols = self._columns[m.name] = {f.name: f.db_name for f in m.scalar_fields}
        return cols

    def ns(self, s: str | None) -> str | None:
        return s if self.multi else None

    def build(self) -> Database:
        enums = tuple(
            Enum(
                e.db_name,
                tuple(v.db_name for v in e.values),
                self.ns(e.schema),
                e.name,
                tuple(v.name for v in e.values),
            )
            for e in self.schema.enums
        )
        tables = [self.table(m) for m in self.schema.models if not m.is_view]
        tables.extend(self.join_tables())
        ds = self.schema.datasource
        exts = tuple(Extension(x.map or x.name, x.schema, x.version) for x in ds.extensions)
        return Database(
            tuple(tables),
            enums,
            exts,
            tuple(ds.schemas),
            ds.relation_mode,
            "postgresqlExtensions" in self.schema.preview_features,
            "partialIndexes" in self.schema.preview_features,
        )

    # ------------------------------------------------------------------ columns
    def base_type(self, f: M.ScalarField) -> str:
        kind = f.kind
        if kind == "unsupported":
            return f.unsupported_type or ""
        # the same few types come back for thousands of columns: each is rendered once
        key = (kind, f.type, id(f.native_type))  # the native type is alive while building: its id is its own
        found = self._types.get(key)
        if found is not None:
            return found
        if kind == "enum":
            e = self.enums[f.type]
            found = qualified(e.db_name, self.ns(e.schema))
        else:
            if f.native_type is not None:
                name, args = f.native_type.name, f.native_type.args
            else:
                name, args = DEFAULT_NATIVE[f.type]
            found = NATIVE_TYPES[name].render(args)
        self._types[key] = found
        return found

    def column(self, f: M.ScalarField) -> Column:
        typ = self.base_type(f)
        d = f.default
        auto = d is not None and d.function == "autoincrement"
        if auto and typ in SERIAL_OF_INTEGER:
            typ = SERIAL_OF_INTEGER[typ]
        kind = f.kind
        native = enum = None
        if kind == "scalar":
            nt = f.native_type
            native = nt.name if nt is not None else DEFAULT_NATIVE[f.type][0]
        elif kind == "enum":
            enum = self.enums[f.type].db_name
        arity = f.arity
        # positional: name, type, nullable, is_list, default, autoincrement, field, prisma_type,
        # native_type, enum, default_kind
        return Column(
            f.db_name,
            typ,
            arity != "required",
            arity == "list",
            None if d is None else self.default(f, typ),
            auto,
            f.name,
            f.type,
            native,
            enum,
            default_kind(d),
        )

    def default(self, f: M.ScalarField, typ: str) -> str | None:
        d = f.default
        if d is None:
            return None
        if d.function is not None:
            if d.function == "now":
                return "CURRENT_TIMESTAMP"
            if d.function == "dbgenerated":
                return d.args[0] if d.args else None
            return None
        lit = d.literal
        assert lit is not None
        if f.is_list:
            items = ", ".join(self.literal(f, i) for i in lit.items)
            return f"ARRAY[{items}]::{typ}[]"
        return self.literal(f, lit)

    def literal(self, f: M.ScalarField, lit: M.Literal) -> str:
        if f.kind == "enum":
            value = self.enums[f.type].value(lit.value)
            return quote_literal(value.db_name if value else lit.value)
        t = f.type
        if t in ("Int", "BigInt", "Float", "Decimal"):
            return lit.value
        if t == "Boolean":
            return lit.value
        if t == "Bytes":
            return "'\\x" + base64.b64decode(lit.value).hex() + "'"
        if t == "DateTime":
            return quote_literal(render_datetime(lit.value))
        return quote_literal(lit.value)

    # ------------------------------------------------------------------ tables
    def table(self, m: M.Model) -> Table:
        name = m.db_name
        schema = self.ns(m.schema)
        scalars = m.scalar_fields
        cols = self._columns.get(m.name)
        if cols is None:
            cols = self._columns[m.name] = {f.name: f.db_name for f in scalars}
        column = self.column
        columns = tuple([column(f) for f in scalars])
        pk = None
        if m.primary_key is not None:
            pk = PrimaryKey(
                m.primary_key.map or pk_name(name),
                tuple(cols[f.name] for f in m.primary_key.fields),
                explicit_name=m.primary_key.map is not None,
            )
        indexes = []
        for ix in m.indexes:
            names = [cols[f.name] for f in ix.fields]
            unique = ix.kind == "unique"
            iname = ix.map or index_name(name, names, unique)
            icols = tuple(IndexColumn(cols[f.name], f.sort, _opclass(f.ops)) for f in ix.fields)
            algo = ix.algorithm if ix.algorithm and ix.algorithm != "BTree" else None
            indexes.append(Index(iname, name, icols, unique, algo, ix.map is not None, schema, predicate=ix.where))
        fks = []
        if self.fks:
            for rf in m.relation_fields:
                r = rf.relation
                if r is None or r.kind == "m:n" or r.referencing_model != m.name or r.referencing_field != rf.name:
                    continue
                target = self.models[r.referenced_model or ""]
                tcols = self.columns_of(target)
                fcols = tuple(cols[x] for x in r.fields)
                # positional: name, table, columns, referenced table and columns, on delete, on update,
                # schema, referenced schema, relation, field, explicit name
                fks.append(
                    ForeignKey(
                        r.map or fk_name(name, fcols),
                        name,
                        fcols,
                        target.db_name,
                        tuple([tcols[x] for x in r.references]),
                        ACTION_SQL[r.on_delete or "Restrict"],
                        ACTION_SQL[r.on_update or "Cascade"],
                        schema,
                        self.ns(target.schema),
                        r.name,
                        rf.name,
                        r.map is not None,
                    )
                )
        return Table(name, columns, pk, tuple(indexes), tuple(fks), schema, m.name)

    # ------------------------------------------------------------------ join tables
    def join_tables(self) -> list[Table]:
        out = []
        seen: set[int] = set()
        for m in self.schema.models:
            for rf in m.relation_fields:
                r = rf.relation
                if r is None or r.kind != "m:n" or id(r) in seen:
                    continue
                # registered at the field of model A (the name sorting first); self: the field sorting first
                if m.name != r.model_a or rf.name != r.field_a:
                    continue
                seen.add(id(r))
                out.append(self.join_table(r))
        return out

    def pk_column(self, model: M.Model) -> Column:
        assert model.primary_key is not None
        fname = model.primary_key.fields[0].name
        f = model.field(fname)
        assert isinstance(f, M.ScalarField)
        return Column(
            name="",
            type=self.base_type(f),
            nullable=False,
            prisma_type=f.type,
            native_type=(f.native_type.name if f.native_type else DEFAULT_NATIVE.get(f.type, ("",))[0])
            if f.kind == "scalar"
            else None,
            enum=self.enums[f.type].db_name if f.kind == "enum" else None,
        )

    def join_table(self, r: M.Relation) -> Table:
        name = cut("_" + r.name, 63)
        ma, mb = self.models[r.model_a], self.models[r.model_b]
        schema = self.ns(ma.schema)
        ca, cb = self.pk_column(ma), self.pk_column(mb)
        columns = (
            Column("A", ca.type, False, prisma_type=ca.prisma_type, native_type=ca.native_type, enum=ca.enum),
            Column("B", cb.type, False, prisma_type=cb.prisma_type, native_type=cb.native_type, enum=cb.enum),
        )
        short = cut(name, 55)
        pk = PrimaryKey(f"{short}_AB_pkey", ("A", "B"))
        idx = Index(f"{short}_B_index", name, (IndexColumn("B"),), False, None, False, schema)
        fks: tuple[ForeignKey, ...] = ()
        if self.fks:
            fshort = cut(name, 56)
            fks = tuple(
                ForeignKey(
                    f"{fshort}_{col}_fkey",
                    name,
                    (col,),
                    tm.db_name,
                    (tm.field(tm.primary_key.fields[0].name).db_name,),  # type: ignore[union-attr]
                    "CASCADE",
                    "CASCADE",
                    schema,
                    self.ns(tm.schema),
                    r.name,
                    None,
                )
                for col, tm in (("A", ma), ("B", mb))
            )
        join = JoinTable(r.name, r.model_a, r.field_a or "", r.model_b, r.field_b or "")
        return Table(name, columns, pk, (idx,), fks, schema, None, join)


_KIND_OF_FUNCTION = {"now": "now", "dbgenerated": "dbgenerated", "autoincrement": "sequence"}


def default_kind(d: M.DefaultValue | None) -> str | None:
    """``Column.default_kind`` of a field default: literal, now, dbgenerated, sequence, or client
    (``uuid()``, ``cuid()``, ``nanoid()``, ``ulid()``: generated by the client, nothing in the database)."""
    if d is None:
        return None
    if d.function is None:
        return "literal"
    return _KIND_OF_FUNCTION.get(d.function, "client")


def _opclass(ops: str | None) -> str | None:
    if ops is None:
        return None
    if ops.startswith("raw:"):
        return ops[4:]
    return opclass_sql(ops)


def render_datetime(value: str) -> str:
    """An RFC 3339 default (``2024-01-02T03:04:05.678Z``) as Prisma writes it: ``2024-01-02 03:04:05.678 +00:00``."""
    m = _DT.match(value)
    if not m:
        return value
    date, time, frac, tz = m.groups()
    tz = "+00:00" if tz == "Z" else tz
    out = f"{date} {time}"
    if frac and int(frac):
        ns = int((frac + "000000000")[:9])
        if ns % 1_000_000 == 0:
            out += "." + f"{ns // 1_000_000:03d}"
        elif ns % 1000 == 0:
            out += "." + f"{ns // 1000:06d}"
        else:
            out += "." + f"{ns:09d}"
    return f"{out} {tz}"
