"""Relational model A vs relational model B → Prisma Migrate's ordered steps, SQL script, warnings, summary.

This is the schema engine's ``sql_schema_differ`` for PostgreSQL, re-done on nexo's
:class:`~nexo.schema.model.Database` (``prisma-compat.md`` §2): objects are paired **by name** (tables
and enums by schema + name, columns by name, indexes and foreign keys by shape), never by the
provenance fields (``Table.model``, ``Column.field``, …), so ``before`` may equally come from a schema
or from a live database. Each step gets Prisma's kind and sort key (kind order of §2.2, then the
position of the objects in the previous/next model, which is how Prisma's internal ids sort).

As Alembic does, the work is done in three parts: :mod:`.compare` turns the two models into typed
operations (:mod:`.operations`: ``CreateTable``, ``AlterTable`` with its ``AddColumn``/``AlterColumn``
…, ``AlterEnum`` …), ordered; :mod:`.render` writes each operation's SQL (with
:mod:`nexo.migrate.sqlrender`) and :mod:`.summary` its warnings and lines of the human summary.
Column types and casts are in :mod:`.coltypes`, defaults in :mod:`.defaults`, column changes in
:mod:`.columns`.

``before``/``after`` ``None`` stand for Prisma's ``--from-empty`` / ``--to-empty``. Prisma 6.19.0
creates no implicit ``public`` schema for a single-schema target (only the ``datasource.schemas``
entries that hold a table or a new enum get a ``CREATE SCHEMA``), and names every dropped object with
its schema when diffing *to* empty (``DROP TABLE "public"."T"``). Diffing *to* a single-schema
database (``after_is_live``), it does create ``public`` and names the objects with it.

Defaults are compared by kind first (``Column.default_kind``: a ``dbgenerated("'x'")`` default is not
the literal ``"x"``, ``dbgenerated()`` matches any previous default), as Prisma's ``defaults_match``
does; a column whose kind is unknown (``None``, e.g. a model reduced by ``comparable()``) has its kind
inferred from the text. Extensions are diffed only when one side is a schema that enables the
``postgresqlExtensions`` preview feature (``Database.manages_extensions``), as Prisma ignores them
otherwise. A unique index that backs a hand-written ``UNIQUE`` constraint (``Index.constraint``) is
dropped with ``ALTER TABLE … DROP CONSTRAINT``: Prisma 6.19 writes ``DROP INDEX`` there, which
PostgreSQL refuses, so nexo deliberately differs.

Known limit: a column that stops autoincrementing in a live database drops the sequence PostgreSQL
names ``{table}_{column}_seq``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from nexo.migrate import sqlrender as R
from nexo.schema.model import Database

from .compare import compare
from .operations import STEP_KINDS, Operation
from .render import render_sql
from .summary import render_summary, render_warnings

__all__ = ["STEP_KINDS", "MigrationPlan", "Step", "diff"]


@dataclass(frozen=True)
class Step:
    """One migration step: Prisma's kind (``CreateTable``, ``AlterEnum`` …) and its SQL statements.

    ``table`` / ``schema`` name the table (or enum, for enum steps) the step concerns — the previous
    name for drops and alterations, the next one for creations; None for schema/extension steps.
    ``warnings`` / ``unexecutable`` are the plan's items this step raised (Prisma's "Step N" is the
    step's index in :attr:`MigrationPlan.steps`). ``key`` (Prisma's sort key within the kind) and
    ``operation`` (the typed operation the step was rendered from) are internal.
    """

    kind: str
    statements: tuple[str, ...]
    table: str | None = None
    schema: str | None = None
    key: tuple[Any, ...] = field(default=(), repr=False, compare=False)
    warnings: tuple[str, ...] = field(default=(), repr=False, compare=False)
    unexecutable: tuple[str, ...] = field(default=(), repr=False, compare=False)
    operation: Operation | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, key: tuple[Any, ...], op: Operation) -> Step:
        """The step of one operation: its SQL, warnings and target rendered."""
        warnings, unexecutable = render_warnings(op)
        table, schema = op.target
        return cls(op.kind, render_sql(op), table, schema, key, tuple(warnings), tuple(unexecutable), op)

    @property
    def sql(self) -> str:
        """The step as it appears in a script (header and statements)."""
        return R.render_script([(self.kind, self.statements)])


@dataclass
class MigrationPlan:
    """The ordered steps of a migration and what Prisma would warn about."""

    steps: list[Step]
    #: Prisma's destructive-change warnings, in step order (texts as written into migration.sql)
    warnings: list[str] = field(default_factory=list)
    #: steps that cannot run on a non-empty table (Prisma's "unexecutable" items), in step order
    unexecutable: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, steps: Sequence[Step]) -> MigrationPlan:
        return cls(list(steps), [w for s in steps for w in s.warnings], [u for s in steps for u in s.unexecutable])

    @property
    def is_empty(self) -> bool:
        return not self.steps

    @property
    def operations(self) -> list[Operation]:
        """The typed operations of the steps, in order."""
        return [s.operation for s in self.steps if s.operation is not None]

    def script(self, *, with_warnings: bool = False) -> str:
        """The ``prisma migrate diff --script`` text (stdout adds one more ``\\n``).

        ``with_warnings=True`` prepends the ``/* Warnings: … */`` block the way ``migrate dev``
        writes a ``migration.sql``.
        """
        body = R.render_script((s.kind, s.statements) for s in self.steps)
        if with_warnings and self.steps:
            return R.render_warnings_block([*self.warnings, *self.unexecutable]) + body
        return body

    def summary(self) -> str:
        """The human summary ``prisma migrate diff`` prints without ``--script`` (see :meth:`stdout`)."""
        return render_summary(self.operations)

    def stdout(self, *, script: bool = True) -> str:
        """Exactly what ``prisma migrate diff`` writes to stdout, with or without ``--script``.

        The CLI ends the text with a newline if it has none, then prints one more.
        """
        text = self.script() if script else self.summary()
        if not text.endswith("\n"):
            text += "\n"
        return text + "\n"


def diff(
    before: Database | None,
    after: Database | None,
    *,
    before_is_live: bool = False,
    after_is_live: bool = False,
    extensions: bool | None = None,
) -> MigrationPlan:
    """The migration from ``before`` to ``after``, as ``prisma migrate diff`` computes it.

    ``None`` is Prisma's empty source/target (``--from-empty`` / ``--to-empty``). Set
    ``before_is_live`` when ``before`` was introspected from a database (``migrate dev``'s shadow
    database, ``--from-url``, ``--from-migrations``): Prisma then names the old enum type it drops
    and the tables whose enum default it drops with their schema (``DROP TYPE "public"."Level_old"``)
    and drops the sequence a column stops using (``DROP SEQUENCE "T_n_seq"``).

    Set ``after_is_live`` when ``after`` was introspected from a database (``--to-url``,
    ``--to-migrations``, ``--to-schema-datasource``). Prisma then writes index columns with their
    sort order (``"c" ASC``) and, for a single-schema database, reads it as its ``public`` schema:
    the script begins with ``CREATE SCHEMA IF NOT EXISTS "public"`` (when either side has a table)
    and names the objects with it (``"public"."T"``), those of ``before`` too, except the two
    statements Prisma renders from the previous state alone (the old enum type it drops, the tables
    whose enum default it drops), which stay unqualified unless ``before`` is live as well.

    Extensions are compared only when ``extensions`` is True; by default (None) when either side
    was built from a schema with the ``postgresqlExtensions`` preview feature
    (``Database.manages_extensions``) — without it Prisma ignores extensions on both sides.
    """
    if extensions is None:
        extensions = any(db is not None and db.manages_extensions for db in (before, after))
    if not any(db is not None and db.manages_partial_indexes for db in (before, after)):
        # without Prisma 7's ``partialIndexes`` on either side, partial indexes are none of Migrate's business
        before, after = _without_partial_indexes(before), _without_partial_indexes(after)
    ops = compare(before, after, before_is_live=before_is_live, after_is_live=after_is_live, extensions=extensions)
    return MigrationPlan.of([Step.of(key, op) for key, op in ops])


def _without_partial_indexes(db: Database | None) -> Database | None:
    if db is None or not any(ix.predicate is not None for t in db.tables for ix in t.indexes):
        return db
    tables = tuple(replace(t, indexes=tuple(ix for ix in t.indexes if ix.predicate is None)) for t in db.tables)
    return replace(db, tables=tables)
