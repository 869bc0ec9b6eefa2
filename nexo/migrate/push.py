"""``db push``: make the database match a model without writing a migration (development only).

:func:`push` introspects the database, diffs it against the target model, evaluates data loss on the
rows present (unexecutable items stop it; warnings need ``accept_data_loss`` or a yes from
``confirm``; no ``confirm`` means no terminal: stop), then runs the whole change script in **one**
transaction: the script's own ``BEGIN``/``COMMIT`` (Prisma's enum recreation) are dropped so nothing
is left half-applied. ``_prisma_migrations`` is not touched, as with Prisma. The caller holds the
advisory lock and runs the SQL layer afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nexo.db.sqlscript import is_transaction_control, non_transactional, split_statements
from nexo.migrate.dataloss import Evaluation, evaluate_plan
from nexo.migrate.drift import Owned, without_owned, without_tables
from nexo.migrate.errors import DataLossNotAccepted, OperationCancelled, PushFailed, UnexecutableChanges
from nexo.migrate.execute import _database_error
from nexo.migrate.reset import Confirm
from nexo.schema.model import Database

if TYPE_CHECKING:
    import psycopg


@dataclass
class PushResult:
    #: the script that ran ('' when the database was already in sync)
    script: str
    statements: int
    #: the differ's summary of what changed
    summary: str
    warnings: list[str] = field(default_factory=list)
    evaluation: Evaluation = field(default_factory=Evaluation)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return self.statements > 0


def run_in_one_transaction(conn: psycopg.Connection, script: str) -> int:
    """Run ``script``'s statements in one transaction (its own BEGIN/COMMIT dropped); return the count."""
    import psycopg

    statements = [s for s in split_statements(script) if not is_transaction_control(s)]
    for s in statements:
        label = non_transactional(s)
        if label:  # the differ never writes these; a script that has one cannot be pushed atomically
            raise PushFailed("none", f"{label} (line {s.line}) cannot run inside a transaction.", s.first_line)
    current = None
    try:
        with conn.transaction():
            for s in statements:
                current = s
                conn.execute(s.text)
    except psycopg.Error as exc:
        code, text, _ = _database_error(exc, current.text if current else script)
        raise PushFailed(code, text, current.first_line if current else None) from exc
    return len(statements)


def push(
    conn: psycopg.Connection,
    target: Database,
    *,
    accept_data_loss: bool = False,
    confirm: Confirm | None = None,
    schemas: Sequence[str] | None = None,
    ignore_tables: Iterable[str] = (),
    owned: Collection[Owned] = (),
    rewrite: Callable[[str], str] | None = None,
) -> PushResult:
    """Make the database on ``conn`` match ``target`` (see the module docstring). What the SQL layer created
    (``owned``) and ``target`` does not declare is left alone, never dropped. ``rewrite`` turns the change
    script into the one that runs (Citus: the new tables distributed before their foreign keys, as
    :func:`nexo.migrate.deploy` does for a migration); ``result.script`` is the script that ran."""
    from nexo.migrate.diff import diff
    from nexo.schema.introspect import introspect

    started = time.monotonic()
    ignore = list(ignore_tables)
    target = without_tables(target, ignore)
    live = without_owned(
        without_tables(introspect(conn, schemas=list(schemas) if schemas else None, partial_indexes=True), ignore),
        target,
        owned,
    )
    plan = diff(live, target, before_is_live=True)
    if plan.is_empty:
        return PushResult("", 0, "", seconds=time.monotonic() - started)
    evaluation = evaluate_plan(conn, plan)
    if evaluation.unexecutable:
        raise UnexecutableChanges(evaluation.unexecutable, "db:push")
    if evaluation.warnings and not accept_data_loss:
        if confirm is None:
            raise DataLossNotAccepted(evaluation.warnings, "db:push")
        listed = "\n\n".join(f"  • {w}" for w in evaluation.warnings)
        if not confirm(
            f"⚠️  There might be data loss when applying the changes:\n\n{listed}\n",
            "Do you want to ignore the warning(s)?",
        ):
            raise OperationCancelled("Push")
    script = plan.script()
    if rewrite is not None:
        script = rewrite(script)
    count = run_in_one_transaction(conn, script)
    return PushResult(
        script,
        count,
        plan.summary().strip("\n"),
        list(plan.warnings),
        evaluation,
        time.monotonic() - started,
    )
