"""The SQL statements of each operation, written by :mod:`nexo.migrate.sqlrender` as Prisma writes them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nexo.migrate import sqlrender as R

from .operations import (
    AddColumn,
    AddForeignKey,
    AddPrimaryKey,
    AlterColumn,
    AlterEnum,
    AlterTable,
    CreateEnum,
    CreateExtension,
    CreateIndex,
    CreateSchema,
    CreateTable,
    DropColumn,
    DropEnum,
    DropExtension,
    DropForeignKey,
    DropIndex,
    DropPrimaryKey,
    DropTable,
    Operation,
    RecreateColumn,
    RenameForeignKey,
    RenameIndex,
    RenamePrimaryKey,
)

__all__ = ["render_sql"]


def render_sql(op: Operation) -> tuple[str, ...]:
    """The statements of one step, without their ``;`` (:func:`~nexo.migrate.sqlrender.render_script` adds it)."""
    return tuple(_RENDERERS[type(op)](op))


def _alter_table(op: AlterTable) -> list[str]:
    table = op.previous
    before: list[str] = []
    clauses: list[str] = []
    after: list[str] = []
    for change in op.changes:
        if isinstance(change, DropPrimaryKey):
            clauses.append(R.render_drop_primary_key(change.primary_key.name))
        elif isinstance(change, RenamePrimaryKey):
            clauses.append(R.render_rename_primary_key(change.previous.name, change.next.name))
        elif isinstance(change, DropColumn):
            clauses.append(R.render_drop_column(change.column))
        elif isinstance(change, AddColumn):
            clauses.append(R.render_add_column(change.column))
        elif isinstance(change, RecreateColumn):
            clauses.append(R.render_drop_column(change.previous))
            clauses.append(R.render_add_column(change.next))
        elif isinstance(change, AlterColumn):
            R.render_alter_column(
                table,
                change.previous,
                change.next,
                change.actions,
                before,
                clauses,
                after,
                drop_sequence=change.drop_sequence,
            )
        elif isinstance(change, AddPrimaryKey):
            clauses.append(R.render_add_primary_key(change.primary_key.name, change.primary_key.columns))
    return R.render_alter_table(table, clauses, before, after)


def _alter_enum(op: AlterEnum) -> list[str]:
    if not op.removed:
        return R.render_alter_enum_add_values(op.previous, op.added)
    return R.render_alter_enum_recreate(
        op.previous,
        op.next,
        drop_defaults=op.drop_defaults,
        retype=op.retype,
        set_defaults=op.set_defaults,
        previous_schema=op.previous_schema,
        unqualified_drop=op.unqualified_drop,
    )


#: operation class → its statements
_RENDERERS: dict[type[Any], Callable[[Any], list[str]]] = {
    CreateSchema: lambda op: [R.render_create_schema(op.name)],
    CreateExtension: lambda op: [R.render_create_extension(op.extension)],
    DropExtension: lambda op: [R.render_drop_extension(op.extension)],
    CreateTable: lambda op: [R.render_create_table(op.table)],
    DropTable: lambda op: [R.render_drop_table(op.table)],
    AddForeignKey: lambda op: [R.render_add_foreign_key(op.foreign_key)],
    DropForeignKey: lambda op: [R.render_drop_foreign_key(op.foreign_key)],
    RenameForeignKey: lambda op: [R.render_rename_foreign_key(op.previous, op.next)],
    CreateIndex: lambda op: [R.render_create_index(op.index)],
    DropIndex: lambda op: [R.render_drop_index(op.index)],
    RenameIndex: lambda op: [R.render_rename_index(op.previous, op.next)],
    AlterTable: _alter_table,
    CreateEnum: lambda op: [R.render_create_enum(op.enum)],
    DropEnum: lambda op: [R.render_drop_enum(op.enum)],
    AlterEnum: _alter_enum,
}
