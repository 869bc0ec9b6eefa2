"""Planning the SQL layer: its status against the ledger and the dry run of :func:`apply`.

Read-only: nothing here writes to the database. :func:`plan_from_status` refuses, before anything runs,
an applied file whose checksum changed and a pending file that sorts before the latest applied version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexo.db.sqlscript import Statement
from nexo.sqllayer import objects
from nexo.sqllayer.errors import ChecksumMismatch, ConnectionStateError, OutOfOrderError
from nexo.sqllayer.files import SqlFile
from nexo.sqllayer.history import HistoryRow, current_schema, owned_objects, read_rows
from nexo.sqllayer.results import PlannedStep, Reason
from nexo.sqllayer.script import check_supported, check_transaction_safety, statements
from nexo.sqllayer.state import LayerStatus, compute_status

if TYPE_CHECKING:
    import psycopg

# --------------------------------------------------------------------------------------- status


def status(conn: psycopg.Connection, files: list[SqlFile]) -> LayerStatus:
    """Compare the ledger with ``files``. Read-only: never creates the table, writes nothing."""
    schema = current_schema(conn)
    return compute_status(files, read_rows(conn, schema), schema)


def owned(conn: psycopg.Connection) -> frozenset[objects.Obj]:
    """What the applied SQL-layer files created (``migration_history.objects``); empty without a ledger."""
    rows = read_rows(conn, current_schema(conn))
    return owned_objects(rows or [])


def history(conn: psycopg.Connection) -> list[HistoryRow]:
    """Every ledger row in order (empty when there is no ledger). Read-only."""
    return read_rows(conn, current_schema(conn)) or []


# ----------------------------------------------------------------------------------------- plan


def check_connection(conn: psycopg.Connection) -> None:
    """Refuse a connection that is not in autocommit mode or is inside a transaction: files
    marked no-transaction could not run, and each file must get a transaction of its own."""
    from psycopg.pq import TransactionStatus

    if not conn.autocommit:
        raise ConnectionStateError(
            "The SQL layer needs a connection in autocommit mode (nexo.db.connect() opens one; with psycopg, "
            "connect(..., autocommit=True)). It opens one transaction per file itself."
        )
    if conn.info.transaction_status != TransactionStatus.IDLE:
        raise ConnectionStateError(
            "The connection is inside a transaction; commit or roll it back before running the SQL layer, "
            "which opens one transaction per file itself."
        )


def _checksum_error(st: LayerStatus) -> ChecksumMismatch:
    lines = []
    for c in st.changed:
        lines.append(
            f"  {c.file.script} (version {c.file.version})\n"
            f"    applied checksum: {c.applied_checksum}\n"
            f"    current checksum: {c.current_checksum}"
        )
    first = st.changed[0].file
    n = len(st.changed)
    return ChecksumMismatch(
        ("An applied SQL-layer file was" if n == 1 else f"{n} applied SQL-layer files were")
        + " changed after being applied:\n"
        + "\n".join(lines)
        + "\nNothing was run. An applied versioned file must stay as it was, or databases migrated before and "
        "after the edit would differ. To proceed, either:\n"
        f"  - restore the file as it was applied (e.g. `git checkout -- {first.path}`), or\n"
        "  - put the change in a new versioned file with a later version, or\n"
        "  - move logic that is meant to be edited in place (functions, views, policies) to a repeatable "
        "R__<name>.sql file, which is re-applied whenever it changes, or\n"
        "  - if the edit was reviewed and the database already matches it (comments, formatting), re-record the "
        f"checksum: nexo db:migrate:resolve --sql-checksum {first.version}",
        file=first.path,
    )


def _out_of_order_error(st: LayerStatus) -> OutOfOrderError:
    names = ", ".join(f.script for f in st.out_of_order)
    first = st.out_of_order[0]
    return OutOfOrderError(
        f"{names} {'is' if len(st.out_of_order) == 1 else 'are'} pending but sort"
        f"{'s' if len(st.out_of_order) == 1 else ''} before version {st.latest_version}, which is already "
        "applied (typical after merging branches). Nothing was run. Give the file a version after "
        f"{st.latest_version} (rename it), or, if it does not depend on the order, apply it from Python with "
        "nexo.sqllayer.apply(..., out_of_order=True).",
        file=first.path,
    )


def _step(f: SqlFile, kind: str, reason: Reason, stmts: list[Statement], previous: str | None = None) -> PlannedStep:
    return PlannedStep(
        kind=kind,
        version=f.version,
        name=f.name,
        script=f.script,
        path=f.path,
        checksum=f.checksum,
        transactional=f.transactional,
        schema_version=f.schema_version if kind == "versioned" else None,
        reason=reason,
        statement_count=len(stmts),
        previous_checksum=previous,
        description=f.description,
        file=f,
    )


def plan_from_status(st: LayerStatus, *, out_of_order: bool) -> list[PlannedStep]:
    if st.changed:
        raise _checksum_error(st)
    if st.out_of_order and not out_of_order:
        raise _out_of_order_error(st)
    failed = {(e.kind, e.script) for e in st.failed}
    previous = {e.name: e.checksum for e in st.repeatable_applied}
    steps: list[PlannedStep] = []
    for f in st.pending:
        stmts = statements(f.text)
        check_supported(f, stmts)
        check_transaction_safety(f, stmts)
        steps.append(_step(f, "versioned", "retry" if ("versioned", f.script) in failed else "pending", stmts))
    for f in st.repeatable_pending:
        stmts = statements(f.text)
        check_supported(f, stmts)
        check_transaction_safety(f, stmts)
        prev = previous.get(f.name)
        reason: Reason = "new" if prev is None else ("after_rollback" if prev == f.checksum else "changed")
        steps.append(_step(f, "repeatable", reason, stmts, prev))
    return steps


def plan(conn: psycopg.Connection, files: list[SqlFile], *, out_of_order: bool = False) -> list[PlannedStep]:
    """Exactly what :func:`apply` would run, in order, with checksums. Writes nothing.

    Raises what :func:`apply` would raise before running anything: :class:`ChecksumMismatch`,
    :class:`OutOfOrderError`, :class:`TransactionSafetyError`.
    """
    return plan_from_status(status(conn, files), out_of_order=out_of_order)
