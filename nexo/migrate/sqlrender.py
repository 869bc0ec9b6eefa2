"""SQL text of each migration step, exactly as Prisma Migrate renders it for PostgreSQL.

The statements of a step carry no trailing ``;`` — :func:`render_script` adds ``;\\n`` after each
one, a ``-- <StepName>`` header before each step and one blank line between steps
(``prisma-compat.md`` §2.2). Creation statements (CREATE TABLE / INDEX / TYPE / EXTENSION, ADD
FOREIGN KEY) are the ones of :mod:`nexo.schema.render`, shared with the from-empty script; this module
adds what only an incremental migration needs: drops, renames, ``ALTER TABLE`` clauses, the enum
recreation dance and sequences.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from nexo.schema.build import qualified, quote_ident, quote_literal
from nexo.schema.model import Column, Enum, Extension, ForeignKey, Index, Table
from nexo.schema.render import (
    render_add_foreign_key,
    render_column,
    render_create_enum,
    render_create_extension,
    render_create_index,
    render_create_table,
)

__all__ = [
    "EMPTY_MIGRATION",
    "ENUM_ADD_VALUES_NOTE",
    "render_add_column",
    "render_add_foreign_key",
    "render_add_primary_key",
    "render_alter_column",
    "render_alter_enum_add_values",
    "render_alter_enum_recreate",
    "render_alter_table",
    "render_create_enum",
    "render_create_extension",
    "render_create_index",
    "render_create_schema",
    "render_create_table",
    "render_drop_column",
    "render_drop_enum",
    "render_drop_extension",
    "render_drop_foreign_key",
    "render_drop_index",
    "render_drop_primary_key",
    "render_drop_table",
    "render_rename_foreign_key",
    "render_rename_index",
    "render_rename_primary_key",
    "render_script",
    "render_warnings_block",
    "sequence_name",
]

EMPTY_MIGRATION = "-- This is an empty migration."

#: The comment Prisma puts before the first of several ``ALTER TYPE … ADD VALUE`` statements.
ENUM_ADD_VALUES_NOTE = (
    "-- This migration adds more than one value to an enum.\n"
    "-- With PostgreSQL versions 11 and earlier, this is not possible\n"
    "-- in a single migration. This can be worked around by creating\n"
    "-- multiple migrations, each migration adding only one value to\n"
    "-- the enum.\n"
)


# ----------------------------------------------------------------------------- whole scripts
def render_script(steps: Iterable[tuple[str, Sequence[str]]]) -> str:
    """``-- Kind`` + ``stmt;`` lines per step, steps separated by one blank line; ends with ``;\\n``.

    Steps without statements are skipped, as Prisma does. No steps → ``-- This is an empty migration.``
    """
    parts = [f"-- {kind}\n" + "".join(f"{s};\n" for s in stmts) for kind, stmts in steps if stmts]
    if not parts:
        return EMPTY_MIGRATION
    return "\n".join(parts)


def render_warnings_block(messages: Sequence[str]) -> str:
    """The ``/* Warnings: … */`` block ``migrate dev`` writes at the top of a migration (empty when none)."""
    if not messages:
        return ""
    return "/*\n  Warnings:\n\n" + "".join(f"  - {m}\n" for m in messages) + "\n*/\n"


# ----------------------------------------------------------------------------- namespaces, extensions
def render_create_schema(name: str) -> str:
    return f"CREATE SCHEMA IF NOT EXISTS {quote_ident(name)}"


def render_drop_extension(x: Extension) -> str:
    return f"DROP EXTENSION {quote_ident(x.name)}"


# ----------------------------------------------------------------------------- enums
def render_drop_enum(e: Enum) -> str:
    return f"DROP TYPE {qualified(e.name, e.schema)}"


def render_alter_enum_add_values(e: Enum, values: Sequence[str]) -> list[str]:
    """One ``ALTER TYPE … ADD VALUE`` per new value; several get Prisma's PostgreSQL ≤ 11 note first."""
    name = qualified(e.name, e.schema)
    stmts = [f"ALTER TYPE {name} ADD VALUE {quote_literal(v)}" for v in values]
    if len(stmts) > 1:
        stmts[0] = f"{ENUM_ADD_VALUES_NOTE}\n\n{stmts[0]}"
    return stmts


def render_alter_enum_recreate(
    previous: Enum,
    nxt: Enum,
    *,
    drop_defaults: Sequence[tuple[Table, Column]],
    retype: Sequence[tuple[Table, Column]],
    set_defaults: Sequence[tuple[Table, Column]],
    previous_schema: str | None = None,
    unqualified_drop: bool = False,
) -> list[str]:
    """Prisma's removal of enum values: build ``E_new``, move every column over, swap names, drop the old type.

    ``drop_defaults``: (previous table, previous column) whose enum default must go first;
    ``retype``: (next table, next column) switched to the new type; ``set_defaults``: (previous table,
    next column) whose default is put back afterwards; ``previous_schema`` names the old type when it
    is dropped (Prisma qualifies it when the previous state was read from a database);
    ``unqualified_drop`` drops it without a schema whatever the enum's (Prisma, diffing a schema
    into a single-schema database, takes the name of the schema it drops from the schema file).
    """
    prev_schema = None if unqualified_drop else previous_schema if previous_schema is not None else previous.schema
    tmp = qualified(f"{nxt.name}_new", nxt.schema)
    stmts = ["BEGIN", f"CREATE TYPE {tmp} AS ENUM ({', '.join(quote_literal(v) for v in nxt.values)})"]
    for table, col in drop_defaults:
        stmts.append(
            f"ALTER TABLE {qualified(table.name, table.schema)} ALTER COLUMN {quote_ident(col.name)} DROP DEFAULT"
        )
    for table, col in retype:
        arr = "[]" if col.is_list else ""
        c = quote_ident(col.name)
        stmts.append(
            f"ALTER TABLE {qualified(table.name, table.schema)} ALTER COLUMN {c} TYPE {tmp}{arr} USING ({c}::text::{tmp}{arr})"
        )
    old = f"{previous.name}_old"
    stmts.append(f"ALTER TYPE {qualified(previous.name, previous.schema)} RENAME TO {quote_ident(old)}")
    stmts.append(f"ALTER TYPE {tmp} RENAME TO {quote_ident(nxt.name)}")
    stmts.append(f"DROP TYPE {qualified(old, prev_schema)}")
    for table, col in set_defaults:
        stmts.append(
            f"ALTER TABLE {qualified(table.name, table.schema)} ALTER COLUMN {quote_ident(col.name)} SET DEFAULT {col.default}"
        )
    stmts.append("COMMIT")
    return stmts


# ----------------------------------------------------------------------------- tables, keys, indexes
def render_drop_table(t: Table) -> str:
    return f"DROP TABLE {qualified(t.name, t.schema)}"


def render_drop_foreign_key(fk: ForeignKey) -> str:
    return f"ALTER TABLE {qualified(fk.table, fk.schema)} DROP CONSTRAINT {quote_ident(fk.name)}"


def render_rename_foreign_key(previous: ForeignKey, nxt: ForeignKey) -> str:
    return (
        f"ALTER TABLE {qualified(previous.table, previous.schema)} RENAME CONSTRAINT "
        f"{quote_ident(previous.name)} TO {quote_ident(nxt.name)}"
    )


def render_drop_index(ix: Index) -> str:
    """``DROP INDEX``, or ``ALTER TABLE … DROP CONSTRAINT`` for the index of a ``UNIQUE`` constraint
    (PostgreSQL refuses to drop that index on its own; Prisma 6.19 writes ``DROP INDEX`` anyway)."""
    if ix.constraint:
        return f"ALTER TABLE {qualified(ix.table, ix.schema)} DROP CONSTRAINT {quote_ident(ix.name)}"
    return f"DROP INDEX {qualified(ix.name, ix.schema)}"


def render_rename_index(previous: Index, nxt: Index) -> str:
    # PostgreSQL keeps the index in its schema: the new name must not be qualified.
    return f"ALTER INDEX {qualified(previous.name, previous.schema)} RENAME TO {quote_ident(nxt.name)}"


def render_drop_column(c: Column) -> str:
    return f"DROP COLUMN {quote_ident(c.name)}"


def render_add_column(c: Column) -> str:
    """``ADD COLUMN`` + the CREATE TABLE column line with its 4-space indent (hence five spaces)."""
    return f"ADD COLUMN     {render_column(c)}"


def render_add_primary_key(name: str | None, columns: Sequence[str]) -> str:
    named = f"CONSTRAINT {quote_ident(name)} " if name else ""
    return f"ADD {named}PRIMARY KEY ({', '.join(quote_ident(c) for c in columns)})"


def render_drop_primary_key(name: str) -> str:
    return f"DROP CONSTRAINT {quote_ident(name)}"


def render_rename_primary_key(previous: str, nxt: str) -> str:
    return f"RENAME CONSTRAINT {quote_ident(previous)} TO {quote_ident(nxt)}"


def sequence_name(table: Table, column: Column) -> str:
    """The sequence Prisma creates when a column becomes autoincrementing: lower-cased, unquoted."""
    prefix = quote_ident(table.schema) + "." if table.schema else ""
    return f"{prefix}{table.name}_{column.name}_seq".lower()


def render_alter_column(
    table: Table,
    previous: Column,
    nxt: Column,
    actions: Sequence[str],
    before: list[str],
    clauses: list[str],
    after: list[str],
    *,
    drop_sequence: str | None = None,
) -> None:
    """Append the clauses (and surrounding statements) of one altered column.

    ``actions`` are Prisma's expanded column changes, in order: ``set_default``, ``drop_default``,
    ``drop_not_null``, ``set_not_null``, ``add_sequence``, ``set_type``.
    """
    prefix = f"ALTER COLUMN {quote_ident(previous.name)}"
    for action in actions:
        if action == "set_default":
            clauses.append(f"{prefix} SET DEFAULT {nxt.default}")
        elif action == "drop_default":
            clauses.append(f"{prefix} DROP DEFAULT")
            if drop_sequence is not None:
                after.append(f"DROP SEQUENCE {quote_ident(drop_sequence)}")
        elif action == "drop_not_null":
            clauses.append(f"{prefix} DROP NOT NULL")
        elif action == "set_not_null":
            clauses.append(f"{prefix} SET NOT NULL")
        elif action == "set_type":
            clauses.append(f"{prefix} SET DATA TYPE {nxt.sql_type}")
        elif action == "add_sequence":
            seq = sequence_name(table, nxt)
            before.append(f"CREATE SEQUENCE {seq}")
            clauses.append(f"{prefix} SET DEFAULT nextval({quote_literal(seq)})")
            after.append(
                f"ALTER SEQUENCE {seq} OWNED BY {qualified(table.name, table.schema)}.{quote_ident(previous.name)}"
            )
        else:  # pragma: no cover - the differ only produces the actions above
            raise ValueError(f"unknown column action {action!r}")


def render_alter_table(
    table: Table, clauses: Sequence[str], before: Sequence[str] = (), after: Sequence[str] = ()
) -> list[str]:
    """One ``ALTER TABLE`` with every clause joined by ``,\\n``, between the statements it needs."""
    if not clauses:
        return []
    return [*before, f"ALTER TABLE {qualified(table.name, table.schema)} " + ",\n".join(clauses), *after]
