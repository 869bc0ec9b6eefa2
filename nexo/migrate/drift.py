"""Drift: does the live database match an expected relational model?

``db:version`` and ``db:migrate:status`` compare the introspected database with the model of
``schema.prisma`` (one introspection per call; no shadow database). ``db:migrate:dev`` compares it with
the model of the replayed migration history. Either way the difference is reported the way Prisma
reports drift: the changes that would take the *expected* schema to the *actual* one, in the
differ's human summary.

Objects the SQL layer creates never count: policies, triggers, functions, grants and RLS flags are
not part of the relational model, and the tables, columns, indexes, foreign keys and enums a ``sql/``
file created (recorded in ``migration_history.objects``, passed in ``owned``) are removed from the
live side unless the expected model has them too (:func:`without_owned`), and the ledger tables (``_prisma_migrations`` and the SQL layer's
``migration_history``, passed in ``ignore_tables``) are removed from both sides. Installed extensions
count only when the schema enables Prisma's ``postgresqlExtensions`` preview feature
(``Database.manages_extensions``), as for Prisma.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from nexo.migrate.ledger import TABLE as PRISMA_TABLE
from nexo.schema.model import Database

if TYPE_CHECKING:
    import psycopg

#: the Prisma migrate intro of a drift message (``dev_diagnostic_cli.rs``)
DRIFT_INTRO = (
    "Drift detected: Your database schema is not in sync with your migration history.\n\n"
    "The following is a summary of the differences between the expected database schema given your migrations "
    "files, and the actual schema of the database.\n\n"
    "It should be understood as the set of changes to get from the expected schema to the actual schema.\n"
)
FIRST_TIME_NOTE = (
    "\nIf you are running this the first time on an existing database, please make sure to read this "
    "documentation page:\n"
    "https://www.prisma.io/docs/guides/database/developing-with-prisma-migrate/troubleshooting-development\n"
)


def without_tables(db: Database, names: Iterable[str]) -> Database:
    """``db`` without the tables called ``names`` (ledgers that are not part of any schema)."""
    drop = set(names) | {PRISMA_TABLE}
    kept = tuple(t for t in db.tables if t.name not in drop)
    return db if len(kept) == len(db.tables) else replace(db, tables=kept)


#: an object the SQL layer created: (kind, schema, table, name), see ``nexo.sqllayer.objects``
Owned = tuple[str, str, str, str]


def without_owned(live: Database, expected: Database, owned: Collection[Owned]) -> Database:
    """``live`` without what the SQL layer created (``owned``) and ``expected`` does not declare: those
    tables, columns, indexes, foreign keys and enums are the SQL layer's, so they are neither drift nor
    something ``db:push`` drops. Names are compared within their table (schemas where both sides say)."""
    if not owned:
        return live

    def keys(kind: str) -> set[tuple[str, str]]:
        return {(o[2], o[3]) for o in owned if o[0] == kind}

    tables, columns, indexes, constraints = keys("table"), keys("column"), keys("index"), keys("constraint")
    indexes |= constraints  # a UNIQUE constraint is an index in the model
    enums = {o[3] for o in owned if o[0] == "enum"}
    exp_tables = {t.name: t for t in expected.tables}
    kept_tables = []
    for t in live.tables:
        exp = exp_tables.get(t.name)
        if exp is None:
            if ("", t.name) in tables:
                continue
            kept_tables.append(t)
            continue
        exp_cols = {c.name for c in exp.columns}
        exp_idx = {i.name for i in exp.indexes}
        exp_fks = {f.name for f in exp.foreign_keys}
        cols = tuple(c for c in t.columns if c.name in exp_cols or (t.name, c.name) not in columns)
        idx = tuple(i for i in t.indexes if i.name in exp_idx or (t.name, i.name) not in indexes)
        fks = tuple(f for f in t.foreign_keys if f.name in exp_fks or (t.name, f.name) not in constraints)
        if (cols, idx, fks) != (t.columns, t.indexes, t.foreign_keys):
            t = replace(t, columns=cols, indexes=idx, foreign_keys=fks)
        kept_tables.append(t)
    exp_enums = {e.name for e in expected.enums}
    kept_enums = tuple(e for e in live.enums if e.name in exp_enums or e.name not in enums)
    return replace(live, tables=tuple(kept_tables), enums=kept_enums)


@dataclass(frozen=True)
class DriftReport:
    """The result of a drift check."""

    #: whether the comparison ran (``False``: no schema.prisma, or it is invalid; see ``reason``)
    checked: bool
    #: the database matches the expected model (``None`` when not checked)
    in_sync: bool | None = None
    #: what the expected model was: ``schema.prisma`` or ``migrations``
    against: str = "schema.prisma"
    #: the differ's human summary of expected → actual ('' when in sync)
    summary: str = ""
    #: the summary's non-empty lines
    differences: list[str] = field(default_factory=list)
    #: why it was not checked (no schema.prisma: not a problem)
    reason: str | None = None
    #: what stopped the check (an invalid schema.prisma, a database error): a problem for --check
    error: str | None = None

    @property
    def drifted(self) -> bool:
        return self.in_sync is False

    def to_dict(self) -> dict[str, object]:
        return {
            "checked": self.checked,
            "in_sync": self.in_sync,
            "against": self.against,
            "differences": list(self.differences),
            "summary": self.summary,
            "reason": self.reason,
            "error": self.error,
        }


def compare(
    expected: Database,
    actual: Database,
    *,
    against: str = "schema.prisma",
    ignore_tables: Iterable[str] = (),
    expected_is_live: bool = False,
    extensions: bool | None = None,
    owned: Collection[Owned] = (),
) -> DriftReport:
    """Diff ``expected`` → ``actual`` (ledger tables removed from both).

    Extensions are compared when ``extensions`` is True, or (None) when either model comes from a
    schema with the ``postgresqlExtensions`` preview feature; pass the schema's setting when both
    models were introspected (a shadow database against the live one).
    """
    from nexo.migrate.diff import diff

    ignore = list(ignore_tables)
    expected = without_tables(expected, ignore)
    plan = diff(
        expected,
        without_owned(without_tables(actual, ignore), expected, owned),
        before_is_live=expected_is_live,
        extensions=extensions,
    )
    if plan.is_empty:
        return DriftReport(True, True, against)
    summary = plan.summary().strip("\n")
    return DriftReport(True, False, against, summary, [line for line in summary.splitlines() if line.strip()])


def check(
    conn: psycopg.Connection,
    expected: Database,
    *,
    schemas: Sequence[str] | None = None,
    against: str = "schema.prisma",
    ignore_tables: Iterable[str] = (),
    extensions: bool | None = None,
    owned: Collection[Owned] = (),
) -> DriftReport:
    """Introspect ``conn`` once and compare it with ``expected`` (``extensions``: see :func:`compare`;
    ``owned``: what the SQL layer created, see :func:`without_owned`)."""
    from nexo.schema.introspect import introspect

    actual = introspect(conn, schemas=list(schemas) if schemas else None, partial_indexes=True)
    return compare(expected, actual, against=against, ignore_tables=ignore_tables, extensions=extensions, owned=owned)


def not_checked(reason: str | None = None, *, error: str | None = None) -> DriftReport:
    return DriftReport(False, None, reason=reason, error=error)


def drift_message(summary: str, *, has_migrations_table: bool) -> str:
    """Prisma's drift reason text for ``migrate dev``."""
    return DRIFT_INTRO + ("" if has_migrations_table else FIRST_TIME_NOTE) + "\n" + summary.strip("\n") + "\n"
