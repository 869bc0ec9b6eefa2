"""Data-loss evaluation against a live database, the way Prisma's ``evaluateDataLoss`` does it.

The differ's warnings and unexecutable items are static (they depend on the two models only); that is
what goes into a ``migration.sql`` header (prisma-compat §2.15). Before asking a person, Prisma looks
at the data: a column drop on an empty table loses nothing, a required column can be added to an empty
table. :func:`evaluate` keeps the items that matter for the rows actually in the database, worded with
the counts the way the Prisma CLI words them, and keeps every item it cannot place (conservative).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

    from nexo.migrate.diff import MigrationPlan

_TABLE = re.compile(r"(?:the `([^`]+)` table|on table `([^`]+)`|on the table `([^`]+)`|drop the `([^`]+)` table)")
_COLUMN = re.compile(r"(?:the column `([^`]+)`|column `([^`]+)`|type of `([^`]+)`)")


def item_text(item: object) -> str:
    """The message of a differ warning/unexecutable item (a string, or an object with ``message``)."""
    if isinstance(item, str):
        return item
    msg = getattr(item, "message", None)
    return str(msg if msg is not None else item)


def _first(m: re.Match[str] | None) -> str | None:
    if m is None:
        return None
    return next((g for g in m.groups() if g), None)


def _attr(item: object, name: str) -> str | None:
    value = getattr(item, name, None)
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Evaluation:
    """What to show a person before applying: warnings to confirm, items that cannot run on this data."""

    warnings: list[str] = field(default_factory=list)
    unexecutable: list[str] = field(default_factory=list)
    #: the migration step index of each unexecutable item, where the differ says it (Prisma's "Step N")
    unexecutable_steps: list[int | None] = field(default_factory=list)

    @property
    def unexecutable_lines(self) -> list[str]:
        return [f"Step {i} {t}" if i is not None else t for i, t in zip(self.unexecutable_steps, self.unexecutable)]


class _Counter:
    def __init__(self, conn: psycopg.Connection, schema: str | None) -> None:
        self.conn = conn
        self.schema = schema
        self.cache: dict[tuple[str, str | None], int | None] = {}

    def count(self, table: str, column: str | None = None, *, nulls: bool = False) -> int | None:
        import psycopg
        from psycopg import sql

        key = (table, f"{'null:' if nulls else ''}{column}" if column else None)
        if key in self.cache:
            return self.cache[key]
        target = sql.Identifier(self.schema, table) if self.schema else sql.Identifier(table)
        if column is None:
            q = sql.SQL("SELECT count(*) FROM {}").format(target)
        elif nulls:
            q = sql.SQL("SELECT count(*) FROM {} WHERE {} IS NULL").format(target, sql.Identifier(column))
        else:
            q = sql.SQL("SELECT count({}) FROM {}").format(sql.Identifier(column), target)
        try:
            if self.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                with self.conn.transaction():
                    row = self.conn.execute(q).fetchone()
            else:
                row = self.conn.execute(q).fetchone()
            value = int(row[0]) if row else None
        except psycopg.Error:
            value = None  # table or column not there (yet): cannot tell, keep the item
        self.cache[key] = value
        return value


def _place(item: object, text: str) -> tuple[str | None, str | None]:
    table = _attr(item, "table") or _first(_TABLE.search(text))
    column = _attr(item, "column") or _first(_COLUMN.search(text))
    return table, column


def _warning(text: str, item: object, counter: _Counter) -> str | None:
    """The warning as the CLI shows it for this data, ``None`` when the data makes it moot."""
    table, column = _place(item, text)
    if table is None or text.startswith("The values ["):
        return text  # enum value removals (and anything unplaced) are always shown
    if text.startswith("You are about to drop the column") and column:
        n = counter.count(table, column)
        if n is None:
            return text
        return (
            None
            if n == 0
            else (
                f"You are about to drop the column `{column}` on the `{table}` table, which still contains {n} non-null values."
            )
        )
    if text.startswith("You are about to drop the `"):
        n = counter.count(table)
        if n is None:
            return text
        return None if n == 0 else f"You are about to drop the `{table}` table, which is not empty ({n} rows)."
    if text.startswith("You are about to alter the column") and column:
        n = counter.count(table, column)
        if n is None:
            return text
        m = re.search(r"will be cast from (`[^`]+`) to (`[^`]+`)", text)
        cast = f" The data in that column will be cast from {m.group(1)} to {m.group(2)}." if m else ""
        return (
            None
            if n == 0
            else (
                f"You are about to alter the column `{column}` on the `{table}` table, which contains {n} non-null values.{cast}"
            )
        )
    n = counter.count(table)
    return text if n is None or n > 0 else None


def _unexecutable(text: str, item: object, counter: _Counter) -> str | None:
    table, column = _place(item, text)
    if table is None:
        return text
    if text.startswith("Made the column") and column:
        n = counter.count(table, column, nulls=True)
        if n is None:
            return text
        return (
            None
            if n == 0
            else (f"Made the column `{column}` on table `{table}` required, but there are {n} existing NULL values.")
        )
    n = counter.count(table)
    if n is None:
        return text
    if n == 0:
        return None
    if text.startswith("Changed the type of") and column:
        return (
            f"Changed the type of `{column}` on the `{table}` table. No cast exists, the column would be dropped and "
            "recreated, which cannot be done since the column is required and there is data in the table."
        )
    if text.startswith("Added the required column") and column:
        return (
            f"Added the required column `{column}` to the `{table}` table without a default value. There are {n} rows "
            "in this table, it is not possible to execute this step."
        )
    return text


@dataclass(frozen=True)
class Item:
    """A warning or unexecutable message with the table it concerns and its step's index."""

    message: str
    table: str | None = None
    schema: str | None = None
    step_index: int | None = None


def plan_items(plan: MigrationPlan) -> tuple[list[Item], list[Item]]:
    """The plan's warnings and unexecutable items, placed on their steps (table, step index)."""
    warnings: list[Item] = []
    unexecutable: list[Item] = []
    for index, step in enumerate(plan.steps):
        warnings += [Item(m, step.table, step.schema, index) for m in step.warnings]
        unexecutable += [Item(m, step.table, step.schema, index) for m in step.unexecutable]
    if [i.message for i in warnings] != list(plan.warnings):
        warnings = [Item(m) for m in plan.warnings]
    if [i.message for i in unexecutable] != list(plan.unexecutable):
        unexecutable = [Item(m) for m in plan.unexecutable]
    return warnings, unexecutable


def evaluate_plan(conn: psycopg.Connection, plan: MigrationPlan) -> Evaluation:
    """:func:`evaluate` for a differ plan."""
    warnings, unexecutable = plan_items(plan)
    return evaluate(conn, warnings, unexecutable)


def evaluate(
    conn: psycopg.Connection, warnings: Iterable[object], unexecutable: Iterable[object], *, schema: str | None = None
) -> Evaluation:
    """Keep (and word with counts) the items that matter for the data on ``conn``."""
    counters: dict[str | None, _Counter] = {}

    def counter_for(item: object) -> _Counter:
        key = _attr(item, "schema") or schema
        if key not in counters:
            counters[key] = _Counter(conn, key)
        return counters[key]

    shown_w = [w for w in (_warning(item_text(i), i, counter_for(i)) for i in warnings) if w]
    shown_u: list[str] = []
    steps: list[int | None] = []
    for i in unexecutable:
        u = _unexecutable(item_text(i), i, counter_for(i))
        if u:
            shown_u.append(u)
            idx = getattr(i, "step_index", getattr(i, "step", None))
            steps.append(idx if isinstance(idx, int) else None)
    return Evaluation(shown_w, shown_u, steps)
