"""A from-empty CREATE script for a relational model, in Prisma Migrate's exact text (§2.2–2.11).

This is what ``prisma migrate diff --from-empty --to-schema-datamodel F --script`` prints (minus the
extra trailing newline of stdout), and what the first ``migration.sql`` of a project contains. Steps
in Prisma's order: CreateSchema (multi-schema only, schemas holding a table or an enum), CreateExtension, CreateEnum, CreateTable,
CreateIndex, AddForeignKey.
"""

from __future__ import annotations

from nexo.db.pgfacts import METHOD_SQL

from .build import qualified, quote_ident, quote_literal
from .model import Column, Database, Enum, Extension, ForeignKey, Index, Table


def render_column(c: Column) -> str:
    """``"name" TYPE[ NOT NULL][ DEFAULT x]`` (lists are never NOT NULL)."""
    out = f"{quote_ident(c.name)} {c.sql_type}"
    if not c.nullable and not c.is_list:
        out += " NOT NULL"
    if c.default is not None:
        out += f" DEFAULT {c.default}"
    return out


def render_create_table(t: Table) -> str:
    body = ",\n".join("    " + render_column(c) for c in t.columns)
    if t.primary_key is not None:
        cols = ",".join(quote_ident(c) for c in t.primary_key.columns)
        body += f",\n\n    CONSTRAINT {quote_ident(t.primary_key.name)} PRIMARY KEY ({cols})"
    return f"CREATE TABLE {qualified(t.name, t.schema)} (\n{body}\n)"


def render_create_index(ix: Index) -> str:
    parts = []
    for c in ix.columns:
        s = quote_ident(c.name)
        if c.opclass:
            s += " " + c.opclass
        if c.sort:
            s += " " + c.sort.upper()
        parts.append(s)
    cols = ", ".join(parts)
    unique = "UNIQUE " if ix.unique else ""
    table = qualified(ix.table, ix.schema)
    where = "" if ix.predicate is None else f" WHERE {ix.predicate}"
    if ix.algorithm:
        method = METHOD_SQL[ix.algorithm]
        return f"CREATE {unique}INDEX {quote_ident(ix.name)} ON {table} USING {method} ({cols}){where}"
    return f"CREATE {unique}INDEX {quote_ident(ix.name)} ON {table}({cols}){where}"


def render_add_foreign_key(fk: ForeignKey) -> str:
    cols = ", ".join(quote_ident(c) for c in fk.columns)
    refs = ", ".join(quote_ident(c) for c in fk.referenced_columns)
    return (
        f"ALTER TABLE {qualified(fk.table, fk.schema)} ADD CONSTRAINT {quote_ident(fk.name)} FOREIGN KEY ({cols}) "
        f"REFERENCES {qualified(fk.referenced_table, fk.referenced_schema)}({refs}) "
        f"ON DELETE {fk.on_delete} ON UPDATE {fk.on_update}"
    )


def render_create_enum(e: Enum) -> str:
    values = ", ".join(quote_literal(v) for v in e.values)
    return f"CREATE TYPE {qualified(e.name, e.schema)} AS ENUM ({values})"


def render_create_extension(x: Extension) -> str:
    out = f"CREATE EXTENSION IF NOT EXISTS {quote_ident(x.name)}"
    opts = []
    if x.schema:
        opts.append(f"SCHEMA {quote_ident(x.schema)}")
    if x.version:
        opts.append(f"VERSION {quote_ident(x.version)}")
    if opts:
        out += " WITH " + " ".join(opts)
    return out


def render_create_script(db: Database) -> str:
    """The whole script; ends with ``;\\n`` like a ``migration.sql`` (an empty model gives Prisma's empty-migration line)."""
    steps: list[tuple[str, str]] = []
    used = {t.schema for t in db.tables} | {e.schema for e in db.enums}
    for ns in sorted(db.namespaces):
        if ns in used:  # Prisma creates only the schemas that hold a table or an enum
            steps.append(("CreateSchema", f"CREATE SCHEMA IF NOT EXISTS {quote_ident(ns)}"))
    for x in sorted(db.extensions, key=lambda x: x.name):
        steps.append(("CreateExtension", render_create_extension(x)))
    for e in db.enums:
        steps.append(("CreateEnum", render_create_enum(e)))
    for t in db.tables:
        steps.append(("CreateTable", render_create_table(t)))
    for t in db.tables:
        for ix in t.indexes:
            steps.append(("CreateIndex", render_create_index(ix)))
    for t in db.tables:
        for fk in t.foreign_keys:
            steps.append(("AddForeignKey", render_add_foreign_key(fk)))
    if not steps:
        return "-- This is an empty migration."
    return "\n".join(f"-- {kind}\n{sql};\n" for kind, sql in steps)
