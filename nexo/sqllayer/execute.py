"""Running SQL-layer files: each in its own transaction with its ledger row, and :func:`apply`.

Each file runs in its own transaction, and its success row is written in that same transaction,
so a file and its ledger row commit together or not at all. A failed file is rolled back, then
its failure is recorded in a separate transaction, and :class:`SqlFileFailed` is raised. A file
marked ``-- nexo:no-transaction`` runs statement by statement in autocommit: not atomic; its row
counts the statements that completed, so that the next run resumes after them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nexo.db.sqlscript import Statement
from nexo.sqllayer import objects
from nexo.sqllayer.errors import HistoryTableError, SqlFileFailed
from nexo.sqllayer.failures import file_failed, history_error_text
from nexo.sqllayer.files import SqlFile
from nexo.sqllayer.history import (
    RowValues,
    current_schema,
    default_applied_by,
    ensure_table,
    insert_row,
    read_rows,
    table_ident,
    update_row,
)
from nexo.sqllayer.planning import check_connection, plan_from_status
from nexo.sqllayer.results import ApplyResult, OnStep, PlannedStep, RollbackResult, StepEvent, StepResult
from nexo.sqllayer.script import statements
from nexo.sqllayer.state import compute_status

if TYPE_CHECKING:
    import psycopg


def _elapsed_ms(t0: float) -> int:
    return round((time.monotonic() - t0) * 1000)


def _ensure_idle(conn: psycopg.Connection) -> None:
    from psycopg.pq import TransactionStatus

    if conn.info.transaction_status != TransactionStatus.IDLE:
        conn.rollback()


@dataclass(frozen=True)
class _Session:
    """Session settings every file starts from, restored after each file, so that a file's
    ``SET search_path`` or ``SET ROLE`` does not leak into the next file (which would make a
    file behave differently when run alone than when run after its predecessors), nor into
    the ledger writes or the caller's connection."""

    search_path: str
    role: str

    @classmethod
    def capture(cls, conn: psycopg.Connection) -> _Session:
        row = conn.execute("SELECT current_setting('search_path'), current_setting('role')").fetchone()
        assert row is not None
        return cls(search_path=str(row[0]), role=str(row[1]))

    def restore(self, conn: psycopg.Connection) -> None:
        conn.execute(
            "SELECT set_config('role', %s, false), set_config('search_path', %s, false)",
            (self.role, self.search_path),
        )


def _run_file(
    conn: psycopg.Connection,
    schema: str,
    step: PlannedStep,
    *,
    applied_by: str,
    session: _Session,
    after: str,
) -> StepResult:
    """Run one file (its ledger row included); raise :class:`SqlFileFailed` when it fails."""
    import psycopg
    from psycopg.pq import TransactionStatus

    f = step.file
    assert f is not None
    stmts = statements(f.text)
    notices: list[str] = []

    def on_notice(d: psycopg.errors.Diagnostic) -> None:
        notices.append(d.message_primary or "")

    values = RowValues(
        version=step.version,
        name=step.name,
        kind=step.kind,
        script=step.script,
        checksum=step.checksum,
        schema_version=step.schema_version,
        applied_by=applied_by,
        transactional=step.transactional,
    )
    conn.add_notice_handler(on_notice)
    t0 = time.monotonic()
    current: Statement | None = None
    done = 0
    progress_row: int | None = None
    try:
        try:
            if step.transactional:
                with conn.transaction():
                    before = objects.snapshot(conn)
                    for stmt in stmts:
                        current = stmt
                        conn.execute(stmt.text)
                        done += 1
                    current = None
                    session.restore(conn)
                    made = objects.created(before, objects.snapshot(conn))
                    ms = _elapsed_ms(t0)
                    row_id = insert_row(conn, schema, values, execution_ms=ms, success=True, error=None, objects=made)
            else:
                # a row first, then its progress after every statement: a re-run after a kill (or a failed
                # statement) continues after the last statement that completed
                done, earlier = _resume_point(conn, schema, step, stmts)
                before = objects.snapshot(conn)
                with conn.transaction():
                    progress_row = insert_row(
                        conn,
                        schema,
                        values,
                        execution_ms=0,
                        success=False,
                        error=_RUNNING,
                        statements_done=done,
                        statements_checksum=_prefix_checksum(stmts, done),
                    )
                for stmt in stmts[done:]:
                    current = stmt
                    conn.execute(stmt.text)
                    done += 1
                    if conn.info.transaction_status == TransactionStatus.IDLE:  # not inside the file's own BEGIN
                        so_far = sorted(set(earlier) | set(objects.created(before, objects.snapshot(conn))))
                        _record_progress(
                            conn, schema, progress_row, session, done, _prefix_checksum(stmts, done), so_far
                        )
                current = None
                ms = _elapsed_ms(t0)
                if conn.info.transaction_status != TransactionStatus.IDLE:
                    err = SqlFileFailed(
                        f"{step.script} opened a transaction (BEGIN) and did not end it; nexo rolled that "
                        "transaction back. Statements before it stayed applied. Add the missing COMMIT and run "
                        f"again.\n{after}",
                        file=f.path,
                        line=stmts[-1].line if stmts else None,
                        sqlstate=None,
                        pg_message="transaction left open at the end of the file",
                        rolled_back=False,
                        kind=step.kind,
                        version=step.version,
                    )
                    _record_failure(conn, schema, err, values, ms, session, progress_row)
                    raise err
                session.restore(conn)
                made = sorted(set(earlier) | set(objects.created(before, objects.snapshot(conn))))
                with conn.transaction():
                    update_row(
                        conn,
                        schema,
                        progress_row,
                        statements_done=done,
                        success=True,
                        error=None,
                        execution_ms=ms,
                        objects=made,
                    )
                row_id = progress_row
        except psycopg.Error as exc:
            if current is None:
                raise _ledger_write_failed(conn, step, exc) from exc
            ms = _elapsed_ms(t0)
            err = file_failed(
                f,
                current,
                exc,
                kind=step.kind,
                transactional=step.transactional,
                done=done,
                total=len(stmts),
                after=after,
            )
            _record_failure(conn, schema, err, values, ms, session, progress_row)
            raise err from exc
    finally:
        conn.remove_notice_handler(on_notice)
    return StepResult(step=step, execution_ms=ms, history_id=row_id, notices=notices)


#: the ``error`` of a no-transaction file's row while it runs (left as it is when the process is killed)
_RUNNING = (
    "running (interrupted if no nexo process is running it: the next run continues after statement statements_done)"
)


def _record_progress(
    conn: psycopg.Connection,
    schema: str,
    row_id: int,
    session: _Session,
    done: int,
    checksum: str,
    made: list[objects.Obj],
) -> None:
    """Count a completed statement in the file's row, as the migrating role (the file may have changed its
    role or search_path: they are put back for the write and restored for the next statement)."""
    now = _Session.capture(conn)
    if now != session:
        session.restore(conn)
    try:
        update_row(conn, schema, row_id, statements_done=done, statements_checksum=checksum, objects=made)
    finally:
        if now != session:
            now.restore(conn)


def _prefix_checksum(stmts: list[Statement], count: int) -> str:
    """sha-256 of the text of the first ``count`` statements."""
    import hashlib

    digest = hashlib.sha256()
    for stmt in stmts[:count]:
        digest.update(stmt.text.encode("utf-8") + b"\0")
    return digest.hexdigest()


def _resume_point(
    conn: psycopg.Connection, schema: str, step: PlannedStep, stmts: list[Statement]
) -> tuple[int, list[objects.Obj]]:
    """How many statements of a no-transaction file already completed: the ``statements_done`` of its last
    attempt when that attempt failed or was killed, provided those statements are still the file's first
    ones, unchanged (the failing statement may have been fixed since); else 0. With it, what those
    statements created (recorded as they completed)."""
    from psycopg import sql

    row = conn.execute(
        sql.SQL(
            "SELECT success, statements_done, statements_checksum, objects FROM {} WHERE script = %s AND kind = %s "
            "ORDER BY id DESC LIMIT 1"
        ).format(table_ident(schema)),
        (step.script, step.kind),
    ).fetchone()
    if row is None or row[0] or not row[1] or row[2] is None:
        return 0, []
    done = int(row[1])
    if done > len(stmts) or _prefix_checksum(stmts, done) != row[2]:
        return 0, []
    return done, objects.from_json(row[3])


def _ledger_write_failed(conn: psycopg.Connection, step: PlannedStep, exc: psycopg.Error) -> HistoryTableError:
    import psycopg

    try:
        _ensure_idle(conn)
    except psycopg.Error:
        pass
    outcome = (
        "The file's changes were rolled back with it."
        if step.transactional
        else "The file ran without a transaction, so its changes stayed applied but are not recorded: the next "
        "run executes it again (keep it safe to re-run)."
    )
    return HistoryTableError(
        f"{step.script} ran, but nexo could not write its row to migration_history: {str(exc).strip()}\n{outcome}\n"
        "Check that the migrating role may insert into migration_history (it should own it).",
        file=step.path,
    )


def _record_failure(
    conn: psycopg.Connection,
    schema: str,
    err: SqlFileFailed,
    values: RowValues,
    ms: int,
    session: _Session,
    progress_row: int | None = None,
) -> None:
    """Write the failed attempt in its own transaction, after the file's was rolled back (a no-transaction
    file: complete its row, which already counts the statements that completed)."""
    import psycopg

    try:
        _ensure_idle(conn)
        session.restore(conn)
        with conn.transaction():
            if progress_row is not None:
                update_row(conn, schema, progress_row, success=False, error=history_error_text(err), execution_ms=ms)
            else:
                insert_row(conn, schema, values, execution_ms=ms, success=False, error=history_error_text(err))
    except psycopg.Error as exc:  # the connection may be gone (e.g. the backend was terminated)
        err.message += f"\n(The failure could not be recorded in migration_history: {str(exc).strip()})"
        err.args = (err.message,)


def run_steps(
    conn: psycopg.Connection,
    schema: str,
    steps: list[PlannedStep],
    *,
    applied_by: str,
    on_step: OnStep | None,
    done: list[StepResult],
    after: Callable[[int], str],
) -> None:
    total = len(steps)
    session = _Session.capture(conn)
    for i, step in enumerate(steps, start=1):
        if on_step:
            on_step(StepEvent("start", i, total, step))
        try:
            result = _run_file(conn, schema, step, applied_by=applied_by, session=session, after=after(total - i))
        except SqlFileFailed as err:
            if on_step:
                on_step(StepEvent("failed", i, total, step, error=err))
            raise
        done.append(result)
        if on_step:
            on_step(StepEvent("done", i, total, step, result=result))


def apply(
    conn: psycopg.Connection,
    files: list[SqlFile],
    *,
    applied_by: str | None = None,
    on_step: OnStep | None = None,
    out_of_order: bool = False,
) -> ApplyResult:
    """Apply pending versioned files in version order, then new or changed repeatables.

    Refuses before running anything (and before creating the ledger) when an applied file's
    checksum changed, when a pending file sorts before the latest applied version (unless
    ``out_of_order``), or when a transactional file holds a statement that cannot run in a
    transaction. Stops at the first failure and raises :class:`SqlFileFailed` (its ``result``
    holds the :class:`ApplyResult` of the files that ran before). A failed file is retried by
    the next call.
    """
    check_connection(conn)
    schema = current_schema(conn)
    rows = read_rows(conn, schema)
    steps = plan_from_status(compute_status(files, rows, schema), out_of_order=out_of_order)
    result = ApplyResult()
    if steps or rows is not None:
        result.table_created = rows is None
        result.columns_added = ensure_table(conn, schema)
    who = applied_by or default_applied_by(conn)

    def after(remaining: int) -> str:
        base = "The failure is recorded in migration_history."
        if remaining:
            base += f" The {remaining} file(s) after it did not run."
        return base + " Fix the file and run the migration again; it will be retried."

    try:
        run_steps(conn, schema, steps, applied_by=who, on_step=on_step, done=result.steps, after=after)
    except SqlFileFailed as err:
        fill_latest(conn, schema, files, result)
        err.result = result
        raise
    fill_latest(conn, schema, files, result)
    return result


def fill_latest(
    conn: psycopg.Connection, schema: str, files: list[SqlFile], result: ApplyResult | RollbackResult
) -> None:
    import psycopg

    try:
        _ensure_idle(conn)
        st = compute_status(files, read_rows(conn, schema), schema)
    except psycopg.Error:
        return
    result.latest_version = st.latest_version
    result.latest_schema_version = st.latest_schema_version
    if isinstance(result, ApplyResult):
        result.missing_on_disk = st.missing_on_disk
