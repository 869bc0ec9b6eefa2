"""The typed operations of a migration: what the comparison found, before anything is rendered.

Each step-level operation has Prisma's step kind (:data:`STEP_KINDS`, ``SqlMigrationStep``) and names
the table (or enum) it concerns (:attr:`Operation.target`). An :class:`AlterTable` holds its
table changes (:data:`TableChange`: columns and primary key) in the order Prisma writes the clauses.
The SQL (:func:`~nexo.migrate.diff.render.render_sql`), the warnings and the human summary
(:mod:`nexo.migrate.diff.summary`) are rendered from these objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from nexo.schema.model import Column, Enum, Extension, ForeignKey, Index, PrimaryKey, Table

from .columns import ColumnChanges

__all__ = [
    "STEP_KINDS",
    "AddColumn",
    "AddForeignKey",
    "AddPrimaryKey",
    "AlterColumn",
    "AlterEnum",
    "AlterTable",
    "CreateEnum",
    "CreateExtension",
    "CreateIndex",
    "CreateSchema",
    "CreateTable",
    "DropColumn",
    "DropEnum",
    "DropExtension",
    "DropForeignKey",
    "DropIndex",
    "DropPrimaryKey",
    "DropTable",
    "Operation",
    "RecreateColumn",
    "RenameForeignKey",
    "RenameIndex",
    "RenamePrimaryKey",
    "TableChange",
]

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


class Operation:
    """A migration step as data: Prisma's ``kind`` and the (name, schema) of the table or enum it concerns."""

    kind: ClassVar[str]

    @property
    def target(self) -> tuple[str | None, str | None]:
        """(name, schema) of the table or enum: the previous one for drops and alterations, the next one
        for creations; (None, None) for schema and extension steps."""
        return None, None


# ----------------------------------------------------------------------------- schemas, extensions
@dataclass(frozen=True)
class CreateSchema(Operation):
    kind: ClassVar[str] = "CreateSchema"
    name: str


@dataclass(frozen=True)
class CreateExtension(Operation):
    kind: ClassVar[str] = "CreateExtension"
    extension: Extension


@dataclass(frozen=True)
class DropExtension(Operation):
    kind: ClassVar[str] = "DropExtension"
    extension: Extension


# ----------------------------------------------------------------------------- tables
@dataclass(frozen=True)
class CreateTable(Operation):
    kind: ClassVar[str] = "CreateTable"
    table: Table

    @property
    def target(self) -> tuple[str | None, str | None]:
        return self.table.name, self.table.schema


@dataclass(frozen=True)
class DropTable(Operation):
    kind: ClassVar[str] = "DropTable"
    table: Table

    @property
    def target(self) -> tuple[str | None, str | None]:
        return self.table.name, self.table.schema


# ----------------------------------------------------------------------------- foreign keys
@dataclass(frozen=True)
class AddForeignKey(Operation):
    kind: ClassVar[str] = "AddForeignKey"
    foreign_key: ForeignKey

    @property
    def target(self) -> tuple[str | None, str | None]:
        return self.foreign_key.table, self.foreign_key.schema


@dataclass(frozen=True)
class DropForeignKey(Operation):
    kind: ClassVar[str] = "DropForeignKey"
    foreign_key: ForeignKey

    @property
    def target(self) -> tuple[str | None, str | None]:
        return self.foreign_key.table, self.foreign_key.schema


@dataclass(frozen=True)
class RenameForeignKey(Operation):
    kind: ClassVar[str] = "RenameForeignKey"
    previous: ForeignKey
    next: ForeignKey
    table: Table  # the next table

    @property
    def target(self) -> tuple[str | None, str | None]:
        return self.table.name, self.table.schema


# ----------------------------------------------------------------------------- indexes
@dataclass(frozen=True)
class CreateIndex(Operation):
    """A new index; ``on_new_table``: the table is created by the same migration; ``recreated``: the
    index comes back after PostgreSQL dropped it with a re-created column. Prisma warns only about a
    new unique index on an existing table."""

    kind: ClassVar[str] = "CreateIndex"
    index: Index
    table: Table  # the next table
    on_new_table: bool = False
    recreated: bool = False

    @property
    def target(self) -> tuple[str | None, str | None]:
        return self.table.name, self.table.schema


@dataclass(frozen=True)
class DropIndex(Operation):
    kind: ClassVar[str] = "DropIndex"
    index: Index
    table: Table  # the previous table

    @property
    def target(self) -> tuple[str | None, str | None]:
        return self.table.name, self.table.schema


@dataclass(frozen=True)
class RenameIndex(Operation):
    kind: ClassVar[str] = "RenameIndex"
    previous: Index
    next: Index
    table: Table  # the previous table

    @property
    def target(self) -> tuple[str | None, str | None]:
        return self.table.name, self.table.schema


# ----------------------------------------------------------------------------- altered tables
@dataclass(frozen=True)
class DropPrimaryKey:
    primary_key: PrimaryKey


@dataclass(frozen=True)
class RenamePrimaryKey:
    previous: PrimaryKey
    next: PrimaryKey


@dataclass(frozen=True)
class DropColumn:
    column: Column


@dataclass(frozen=True)
class AddColumn:
    column: Column


@dataclass(frozen=True)
class RecreateColumn:
    """A type change PostgreSQL cannot cast: the column is dropped and added again."""

    previous: Column
    next: Column
    changes: ColumnChanges


@dataclass(frozen=True)
class AlterColumn:
    """A column altered in place: its changes, Prisma's actions for them (see
    :func:`~nexo.migrate.diff.columns.column_actions`), and the sequence dropped with its default
    (None: no sequence to drop)."""

    previous: Column
    next: Column
    changes: ColumnChanges
    actions: tuple[str, ...]
    drop_sequence: str | None = None


@dataclass(frozen=True)
class AddPrimaryKey:
    primary_key: PrimaryKey


#: one change inside an :class:`AlterTable`
TableChange = DropPrimaryKey | RenamePrimaryKey | DropColumn | AddColumn | RecreateColumn | AlterColumn | AddPrimaryKey


@dataclass(frozen=True)
class AlterTable(Operation):
    """The changes to one table's columns and primary key, written as one ``ALTER TABLE``."""

    kind: ClassVar[str] = "AlterTable"
    previous: Table
    next: Table
    changes: tuple[TableChange, ...]

    @property
    def target(self) -> tuple[str | None, str | None]:
        return self.previous.name, self.previous.schema

    @property
    def adds_primary_key(self) -> bool:
        return any(isinstance(c, AddPrimaryKey) for c in self.changes)

    @property
    def removed_columns(self) -> set[str]:
        """The columns this step drops, for good or to add them again."""
        return {c.column.name for c in self.changes if isinstance(c, DropColumn)} | {
            c.previous.name for c in self.changes if isinstance(c, RecreateColumn)
        }


# ----------------------------------------------------------------------------- enums
@dataclass(frozen=True)
class CreateEnum(Operation):
    kind: ClassVar[str] = "CreateEnum"
    enum: Enum

    @property
    def target(self) -> tuple[str | None, str | None]:
        return self.enum.name, self.enum.schema


@dataclass(frozen=True)
class DropEnum(Operation):
    kind: ClassVar[str] = "DropEnum"
    enum: Enum

    @property
    def target(self) -> tuple[str | None, str | None]:
        return self.enum.name, self.enum.schema


@dataclass(frozen=True)
class AlterEnum(Operation):
    """Values added to an enum (``ALTER TYPE … ADD VALUE``), or removed: then the type is re-created and
    the columns that use it move over (see :func:`~nexo.migrate.sqlrender.render_alter_enum_recreate`
    for ``drop_defaults`` … ``unqualified_drop``)."""

    kind: ClassVar[str] = "AlterEnum"
    previous: Enum
    next: Enum
    added: tuple[str, ...]
    removed: tuple[str, ...]
    drop_defaults: tuple[tuple[Table, Column], ...] = ()
    retype: tuple[tuple[Table, Column], ...] = ()
    set_defaults: tuple[tuple[Table, Column], ...] = ()
    previous_schema: str | None = None
    unqualified_drop: bool = False

    @property
    def target(self) -> tuple[str | None, str | None]:
        return self.previous.name, self.previous.schema
