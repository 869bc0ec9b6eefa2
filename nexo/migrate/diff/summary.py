"""What a person reads about a migration, rendered from its operations: Prisma's warnings and summary.

:func:`render_warnings` gives the destructive-change warnings and the "unexecutable" items of one
operation (texts as Prisma writes them into ``migration.sql``); :func:`render_summary` the human
summary ``prisma migrate diff`` prints without ``--script`` (its sections in Prisma's ``DriftType``
order).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from nexo.schema.model import Column, Index

from .coltypes import RISKY, arity, display_type
from .columns import ARITY, AUTOINCREMENT, DEFAULT, TYPE, ColumnChanges
from .defaults import debug_default, has_db_default
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

__all__ = ["render_summary", "render_warnings"]


# =============================================================================== warnings
def render_warnings(op: Operation) -> tuple[list[str], list[str]]:
    """(warnings, unexecutable items) of one operation, in the order Prisma lists them."""
    warnings: list[str] = []
    unexecutable: list[str] = []
    if isinstance(op, DropTable):
        warnings.append(
            f"You are about to drop the `{op.table.name}` table. If the table is not empty, all the data it "
            "contains will be lost."
        )
    elif isinstance(op, CreateIndex):
        if op.index.unique and not op.on_new_table and not op.recreated:
            warnings.append(
                f"A unique constraint covering the columns `[{','.join(op.index.column_names)}]` on the table "
                f"`{op.table.name}` will be added. If there are existing duplicate values, this will fail."
            )
    elif isinstance(op, AlterEnum):
        if op.removed:
            warnings.append(
                f"The values [{','.join(op.removed)}] on the enum `{op.next.name}` will be removed. If these "
                "variants are still used in the database, this will fail."
            )
    elif isinstance(op, AlterTable):
        _alter_table_warnings(op, warnings, unexecutable)
    return warnings, unexecutable


def _alter_table_warnings(op: AlterTable, warnings: list[str], unexecutable: list[str]) -> None:
    tname = op.previous.name
    for change in op.changes:
        if isinstance(change, DropPrimaryKey):
            warnings.append(
                f"The primary key for the `{tname}` table will be changed. If it partially fails, the table "
                "could be left without primary key constraint."
            )
        elif isinstance(change, DropColumn):
            warnings.append(
                f"You are about to drop the column `{change.column.name}` on the `{tname}` table. All the data "
                "in the column will be lost."
            )
        elif isinstance(change, AddColumn):
            c = change.column
            if c.nullable or c.is_list or has_db_default(c):
                continue
            if c.default_kind == "client":
                unexecutable.append(
                    f"The required column `{c.name}` was added to the `{op.next.name}` table with a "
                    "prisma-level default value. This is not possible if the table is not empty. Please "
                    "add this column as optional, then populate it before making it required."
                )
            else:
                unexecutable.append(
                    f"Added the required column `{c.name}` to the `{op.next.name}` table without a "
                    "default value. This is not possible if the table is not empty."
                )
        elif isinstance(change, RecreateColumn):
            pc, nc = change.previous, change.next
            required_without_default = arity(nc) == "Required" and not has_db_default(nc)
            if ARITY in change.changes.changes and pc.nullable and not pc.is_list and required_without_default:
                unexecutable.append(
                    f"Added the required column `{pc.name}` to the `{tname}` table without a default "
                    "value. This is not possible if the table is not empty."
                )
            elif required_without_default:
                unexecutable.append(
                    f"Changed the type of `{pc.name}` on the `{tname}` table. No cast exists, the column "
                    "would be dropped and recreated, which cannot be done if there is data, since the "
                    "column is required."
                )
            else:
                warnings.append(
                    f"The `{pc.name}` column on the `{tname}` table would be dropped and recreated. "
                    "This will lead to data loss if there is data in the column."
                )
        elif isinstance(change, AlterColumn):
            pc, nc = change.previous, change.next
            if ARITY in change.changes.changes and arity(pc) == "Nullable" and arity(nc) == "Required":
                unexecutable.append(
                    f"Made the column `{pc.name}` on table `{tname}` required. This step will fail if there "
                    "are existing NULL values in that column."
                )
            if change.changes.type_change == RISKY:
                warnings.append(
                    f"You are about to alter the column `{pc.name}` on the `{tname}` table. The data in that "
                    f"column could be lost. The data in that column will be cast from `{display_type(pc)}` "
                    f"to `{display_type(nc)}`."
                )


# =============================================================================== summary
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
#: sections about one named object → their header
_NAMED_SECTION_HEADERS = {
    _CHANGED_ENUM: "\n[*] Changed the `{}` enum\n",
    _CHANGED_TABLE: "\n[*] Changed the `{}` table\n",
    _ALTERED_EXT: "\n[*] Changed the `{}` extension\n",
    _REDEFINED_TABLE: "\n[*] Redefined table `{}`\n",
}

#: (section, object name, lines) of one operation in the summary
_Drift = tuple[int, str, list[str]]


def _index_line(verb: str, ix: Index) -> str:
    unique = "unique " if ix.unique else ""
    return f"  [{'+' if verb == 'Added' else '-'}] {verb} {unique}index on columns ({', '.join(ix.column_names)})"


def _readable_changes(prev: Column, nxt: Column, ch: ColumnChanges) -> str:
    out = []
    for change in ch.changes:
        if change == ARITY:
            out.append(f"changed from {arity(prev)} to {arity(nxt)}")
        elif change == DEFAULT:
            out.append(f"default changed from `{debug_default(prev)}` to `{debug_default(nxt)}`")
        elif change == TYPE:
            out.append("type changed")
        elif change == AUTOINCREMENT:
            out.append(
                "column is no longer autoincrementing" if prev.autoincrement else "column became autoincrementing"
            )
    return ", ".join(out)


def _alter_table_lines(op: AlterTable) -> list[str]:
    lines: list[str] = []
    for change in op.changes:
        if isinstance(change, DropPrimaryKey):
            lines.append(f"  [-] Dropped the primary key on columns ({', '.join(change.primary_key.columns)})")
        elif isinstance(change, RenamePrimaryKey):
            lines.append(f"  [*] Renamed the primary key on columns ({', '.join(change.previous.columns)})")
        elif isinstance(change, DropColumn):
            lines.append(f"  [-] Removed column `{change.column.name}`")
        elif isinstance(change, AddColumn):
            lines.append(f"  [+] Added column `{change.column.name}`")
        elif isinstance(change, RecreateColumn):
            readable = _readable_changes(change.previous, change.next, change.changes)
            lines.append(f"  [*] Column `{change.next.name}` would be dropped and recreated ({readable})")
        elif isinstance(change, AlterColumn):
            readable = _readable_changes(change.previous, change.next, change.changes)
            lines.append(f"  [*] Altered column `{change.next.name}` ({readable})")
        elif isinstance(change, AddPrimaryKey):
            lines.append(f"  [+] Added primary key on columns ({', '.join(change.primary_key.columns)})\n)")
    return lines


def _alter_enum_lines(op: AlterEnum) -> list[str]:
    return [f"  [+] Added variant `{v}`" for v in op.added] + [f"  [-] Removed variant `{v}`" for v in op.removed]


def _foreign_key_line(verb: str, op: AddForeignKey | DropForeignKey) -> str:
    sign = "+" if verb == "Added" else "-"
    return f"  [{sign}] {verb} foreign key on columns ({', '.join(op.foreign_key.columns)})"


#: operation class → its place and lines in the summary (an operation missing here makes no line)
_DRIFT: dict[type[Any], Callable[[Any], _Drift]] = {
    CreateExtension: lambda op: (_CREATED_EXT, op.extension.name, [f"  - {op.extension.name}"]),
    DropExtension: lambda op: (_DROPPED_EXT, op.extension.name, []),
    CreateTable: lambda op: (_ADDED_TABLE, "", [f"  - {op.table.name}"]),
    DropTable: lambda op: (_REMOVED_TABLE, "", [f"  - {op.table.name}"]),
    AddForeignKey: lambda op: (_CHANGED_TABLE, op.foreign_key.table, [_foreign_key_line("Added", op)]),
    DropForeignKey: lambda op: (_CHANGED_TABLE, op.foreign_key.table, [_foreign_key_line("Removed", op)]),
    RenameForeignKey: lambda op: (
        _CHANGED_TABLE,
        op.table.name,
        [f'  [*] Renamed the foreign key "{op.previous.name}" to "{op.next.name}"'],
    ),
    CreateIndex: lambda op: (_CHANGED_TABLE, op.table.name, [_index_line("Added", op.index)]),
    DropIndex: lambda op: (_CHANGED_TABLE, op.table.name, [_index_line("Removed", op.index)]),
    RenameIndex: lambda op: (
        _CHANGED_TABLE,
        op.table.name,
        [f"  [*] Renamed index `{op.previous.name}` to `{op.next.name}`"],
    ),
    AlterTable: lambda op: (_CHANGED_TABLE, op.previous.name, _alter_table_lines(op)),
    CreateEnum: lambda op: (_ADDED_ENUM, "", [f"  - {op.enum.name}"]),
    DropEnum: lambda op: (_REMOVED_ENUM, "", [f"  - {op.enum.name}"]),
    AlterEnum: lambda op: (_CHANGED_ENUM, op.previous.name, _alter_enum_lines(op)),
}
assert CreateSchema not in _DRIFT  # a new schema makes no line


def render_summary(ops: Sequence[Operation]) -> str:
    """Prisma's human summary; the empty text for steps that make no line (the ``CREATE SCHEMA`` of a
    diff into a single-schema database already in sync), ``No difference detected.`` for no steps."""
    items = []
    for idx, op in enumerate(ops):
        drift = _DRIFT.get(type(op))
        if drift is not None:
            section, name, lines = drift(op)
            items.append((section, name, idx, lines))
    if not items:
        return "" if ops else "No difference detected."
    items.sort(key=lambda x: (x[0], x[1], x[2]))
    out: list[str] = []
    state: tuple[int, str] | None = None
    for section, name, _idx, lines in items:
        if state != (section, name):
            if section in _SECTION_HEADERS:
                out.append(_SECTION_HEADERS[section])
            elif section in _NAMED_SECTION_HEADERS:
                out.append(_NAMED_SECTION_HEADERS[section].format(name))
        state = (section, name)
        out.extend(line + "\n" for line in lines)
    return "".join(out)
