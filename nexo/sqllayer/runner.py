"""Running the SQL layer: plan (dry run), apply, rollback, checksum repair, history.

Every function takes a psycopg 3 connection in autocommit mode and opens its own transactions.
None of them takes the migration lock: the caller holds :func:`nexo.db.advisory_lock` around
them. None of them prints; progress goes to the optional ``on_step`` callback.

Each file runs in its own transaction, and its success row is written in that same transaction,
so a file and its ledger row commit together or not at all. A failed file is rolled back, then
its failure is recorded in a separate transaction, and :class:`SqlFileFailed` is raised. A file
marked ``-- nexo:no-transaction`` runs statement by statement in autocommit: not atomic.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from nexo.db.sqlscript import Statement
from nexo.db.sqlstate import Diagnostics
from nexo.sqllayer import objects
from nexo.sqllayer.errors import (
    ChecksumMismatch,
    ConnectionStateError,
    HistoryTableError,
    MissingTwinError,
    OutOfOrderError,
    RepairError,
    RollbackTargetError,
    SqlFileFailed,
)
from nexo.sqllayer.files import SqlFile, version_key
from nexo.sqllayer.history import (
    HistoryRow,
    RowValues,
    current_schema,
    default_applied_by,
    ensure_table,
    insert_row,
    owned_objects,
    read_rows,
    table_ident,
    update_row,
)
from nexo.sqllayer.script import (
    check_supported,
    check_transaction_safety,
    excerpt,
    locate_error,
    source_line,
    statements,
)
from nexo.sqllayer.state import AppliedEntry, LayerStatus, compute_status

if TYPE_CHECKING:
    import psycopg

Reason = Literal["pending", "retry", "new", "changed", "after_rollback", "rollback"]


@dataclass(frozen=True)
class PlannedStep:
    """One file that would run, in order: exactly what a dry run shows."""

    #: ``versioned``, ``repeatable`` or ``rollback`` (a ``.down.sql`` twin)
    kind: str
    version: str | None
    name: str
    #: file name, as recorded in migration_history.script
    script: str
    path: Path
    checksum: str
    transactional: bool
    schema_version: str | None
    #: ``pending`` (never applied), ``retry`` (latest attempt failed), ``new``/``changed``/
    #: ``after_rollback`` (repeatables; the last is a re-run after a rollback), ``rollback``
    reason: Reason
    statement_count: int
    #: a changed repeatable's checksum at its last successful run
    previous_checksum: str | None = None
    description: str = ""
    file: SqlFile | None = field(default=None, repr=False, compare=False)

    @property
    def label(self) -> str:
        return self.version if self.version is not None else f"R__{self.name}"

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "version": self.version,
            "name": self.name,
            "script": self.script,
            "path": str(self.path),
            "checksum": self.checksum,
            "transactional": self.transactional,
            "schema_version": self.schema_version,
            "reason": self.reason,
            "statement_count": self.statement_count,
            "previous_checksum": self.previous_checksum,
            "description": self.description,
            "warnings": list(self.file.warnings) if self.file is not None else [],
        }


@dataclass(frozen=True)
class StepResult:
    """A file that ran successfully."""

    step: PlannedStep
    execution_ms: int
    history_id: int
    #: messages the file raised (RAISE NOTICE, ...)
    notices: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            **self.step.to_dict(),
            "execution_ms": self.execution_ms,
            "history_id": self.history_id,
            "notices": list(self.notices),
        }


@dataclass(frozen=True)
class StepEvent:
    """What ``on_step`` receives: ``start`` before a file runs, then ``done`` or ``failed``."""

    phase: Literal["start", "done", "failed"]
    #: 1-based position of the step among ``total``
    index: int
    total: int
    step: PlannedStep
    result: StepResult | None = None
    error: SqlFileFailed | None = None


OnStep = Callable[[StepEvent], None]


@dataclass
class ApplyResult:
    """What :func:`apply` did."""

    steps: list[StepResult] = field(default_factory=list)
    #: the ledger table was created by this run
    table_created: bool = False
    #: columns added to a ledger created by an older nexo
    columns_added: list[str] = field(default_factory=list)
    latest_version: str | None = None
    latest_schema_version: str | None = None
    #: applied versions whose file is no longer on disk (not an error; worth a warning)
    missing_on_disk: list[AppliedEntry] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return not self.steps

    @property
    def applied_count(self) -> int:
        return len(self.steps)

    def to_dict(self) -> dict[str, object]:
        return {
            "steps": [s.to_dict() for s in self.steps],
            "table_created": self.table_created,
            "columns_added": list(self.columns_added),
            "latest_version": self.latest_version,
            "latest_schema_version": self.latest_schema_version,
            "missing_on_disk": [e.to_dict() for e in self.missing_on_disk],
        }


@dataclass
class RollbackResult:
    """What :func:`rollback` did: the twins that ran, newest version first."""

    steps: list[StepResult] = field(default_factory=list)
    latest_version: str | None = None
    latest_schema_version: str | None = None

    @property
    def nothing_to_do(self) -> bool:
        return not self.steps

    def to_dict(self) -> dict[str, object]:
        return {
            "steps": [s.to_dict() for s in self.steps],
            "latest_version": self.latest_version,
            "latest_schema_version": self.latest_schema_version,
        }


@dataclass(frozen=True)
class RepairResult:
    """What :func:`repair_checksum` did."""

    version: str
    script: str
    old_checksum: str
    new_checksum: str
    #: False when the checksums already matched (nothing written)
    recorded: bool


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


def _plan_from_status(st: LayerStatus, *, out_of_order: bool) -> list[PlannedStep]:
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
    return _plan_from_status(status(conn, files), out_of_order=out_of_order)


# ---------------------------------------------------------------------------------------- apply


def _failure(
    f: SqlFile,
    stmt: Statement,
    exc: psycopg.Error,
    *,
    kind: str,
    transactional: bool,
    done: int,
    total: int,
    after: str,
) -> SqlFileFailed:
    diagnostics = Diagnostics.of(exc)
    loc = locate_error(f.text, stmt, exc)
    sqlstate = diagnostics.sqlstate
    pg_message = diagnostics.message_primary.strip()
    what = "Rollback twin" if kind == "rollback" else ("Repeatable SQL file" if kind == "repeatable" else "SQL file")
    parts = [f"{what} {f.script} failed at line {loc.line}" + (f" (SQLSTATE {sqlstate})" if sqlstate else "") + ":"]
    parts.append(f"  {pg_message}")
    if diagnostics.detail:
        parts.append(f"  DETAIL: {diagnostics.detail}")
    if diagnostics.hint:
        parts.append(f"  HINT: {diagnostics.hint}")
    src = source_line(f.text, loc.line)
    if src.strip():
        parts.append(f"  {loc.line:>5} | {src}")
    if loc.line != stmt.line:
        parts.append(f"  in the statement starting at line {stmt.line}: {excerpt(stmt.text)}")
    if transactional:
        parts.append(
            "The file ran in one transaction, which was rolled back: the database is as it was before this file."
        )
    else:
        parts.append(
            f"The file ran without a transaction (-- nexo:no-transaction), so it was NOT rolled back: "
            f"{done} of {total} statement(s) before the failing one stayed applied; the failing statement and the "
            f"{total - done - 1} after it did not run. The next run continues with the failing statement (the "
            "statements before it are not run again as long as they are unchanged)."
        )
        if "CONCURRENTLY" in stmt.text.upper():
            parts.append(
                "A failed CREATE INDEX CONCURRENTLY can leave an INVALID index behind; drop it "
                "(DROP INDEX CONCURRENTLY IF EXISTS ...) before retrying."
            )
    parts.append(after)
    failed = SqlFileFailed(
        "\n".join(parts),
        file=f.path,
        line=loc.line,
        sqlstate=sqlstate,
        pg_message=pg_message,
        statement=stmt.text,
        rolled_back=transactional,
        kind=kind,
        version=f.version,
        detail=diagnostics.detail,
        hint=diagnostics.hint,
    )
    failed.diagnostics = diagnostics
    return failed


def _history_error_text(err: SqlFileFailed) -> str:
    text = f"line {err.line}: " + (f"SQLSTATE {err.sqlstate}: " if err.sqlstate else "") + err.pg_message
    if err.detail:
        text += f"\nDETAIL: {err.detail}"
    if err.hint:
        text += f"\nHINT: {err.hint}"
    return text


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
            err = _failure(
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
                update_row(conn, schema, progress_row, success=False, error=_history_error_text(err), execution_ms=ms)
            else:
                insert_row(conn, schema, values, execution_ms=ms, success=False, error=_history_error_text(err))
    except psycopg.Error as exc:  # the connection may be gone (e.g. the backend was terminated)
        err.message += f"\n(The failure could not be recorded in migration_history: {str(exc).strip()})"
        err.args = (err.message,)


def _run_steps(
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
    steps = _plan_from_status(compute_status(files, rows, schema), out_of_order=out_of_order)
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
        _run_steps(conn, schema, steps, applied_by=who, on_step=on_step, done=result.steps, after=after)
    except SqlFileFailed as err:
        _fill_latest(conn, schema, files, result)
        err.result = result
        raise
    _fill_latest(conn, schema, files, result)
    return result


def _fill_latest(
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


# ------------------------------------------------------------------------------------- rollback


def plan_rollback(
    conn: psycopg.Connection, files: list[SqlFile], *, steps: int | None = None, to: str | None = None
) -> list[PlannedStep]:
    """The twins :func:`rollback` would run, newest first. Writes nothing.

    ``steps`` (default 1) undoes that many of the latest applied versions; ``to=VERSION`` undoes
    every applied version after VERSION (``to="0"``: all of them). Versions are undone in the
    reverse of the order they were applied in (the same as reverse version order, unless
    files were applied out of order). Raises
    :class:`RollbackTargetError` for arguments that describe no applied versions and
    :class:`MissingTwinError` (naming every missing twin) when a needed twin does not exist.
    """
    st = status(conn, files)
    applied = st.applied
    if steps is not None and to is not None:
        raise RollbackTargetError("Give either steps or a target version (to), not both.")
    if to is not None:
        try:
            to_key = version_key(to)
        except ValueError:
            raise RollbackTargetError(
                f"{to!r} is not a version (digits separated by '_' or '.', e.g. 20260123_1800)."
            ) from None
        known = {e.key for e in applied} | {f.key for f in files if f.kind == "versioned"}
        if to_key != (0,) and to_key not in known:
            listed = ", ".join(e.version or "" for e in applied) or "none"
            raise RollbackTargetError(
                f"Version {to} is neither applied nor a file in the sql folder, so there is nothing to roll back "
                f"to. Applied versions: {listed}. Use to='0' to roll back every version."
            )
        targets = [e for e in applied if e.key is not None and e.key > to_key]
        targets.sort(key=lambda e: e.history_id)
    else:
        n = 1 if steps is None else steps
        if n < 1:
            raise RollbackTargetError(f"steps must be 1 or more (got {n}).")
        if n > len(applied):
            raise RollbackTargetError(
                f"Asked to roll back {n} version(s), but only {len(applied)} SQL-layer version(s) are applied"
                + (f" ({', '.join(e.version or '' for e in applied)})." if applied else ".")
                + " Nothing was changed."
            )
        targets = sorted(applied, key=lambda e: e.history_id)[-n:]
    targets = list(reversed(targets))
    missing = [e for e in targets if e.file is None or e.file.down is None]
    if missing:
        names = []
        for e in missing:
            stem = (e.file.script if e.file else e.script)[: -len(".sql")]
            names.append(f"  {stem}.down.sql (to undo version {e.version})")
        first = missing[0]
        raise MissingTwinError(
            "Can't roll back: "
            + ("a needed rollback twin is missing" if len(missing) == 1 else "needed rollback twins are missing")
            + ":\n"
            + "\n".join(names)
            + "\nNothing was changed. Write the missing .down.sql file(s) next to their versioned file, "
            "or roll forward instead with a new versioned file.",
            file=(first.file.path.with_name(first.file.path.name[:-4] + ".down.sql") if first.file else first.script),
        )
    out = []
    for e in targets:
        assert e.file is not None and e.file.down is not None
        down = e.file.down
        stmts = statements(down.text)
        check_supported(down, stmts)
        check_transaction_safety(down, stmts)
        out.append(
            PlannedStep(
                kind="rollback",
                version=e.version,
                name=e.name,
                script=down.script,
                path=down.path,
                checksum=down.checksum,
                transactional=down.transactional,
                schema_version=None,
                reason="rollback",
                statement_count=len(stmts),
                description=e.file.description,
                file=down,
            )
        )
    return out


def rollback(
    conn: psycopg.Connection,
    files: list[SqlFile],
    *,
    steps: int | None = None,
    to: str | None = None,
    applied_by: str | None = None,
    on_step: OnStep | None = None,
) -> RollbackResult:
    """Run the ``.down.sql`` twins of the latest applied versions, newest first, each in its own
    transaction, recording ``rollback`` rows. Checks everything (arguments, every twin present,
    transaction safety) before changing anything. Repeatable files are not touched. Stops at the
    first failing twin with :class:`SqlFileFailed` (``result`` holds what ran before)."""
    check_connection(conn)
    planned = plan_rollback(conn, files, steps=steps, to=to)
    result = RollbackResult()
    schema = current_schema(conn)
    if not planned:
        _fill_latest(conn, schema, files, result)
        return result
    ensure_table(conn, schema)
    who = applied_by or default_applied_by(conn)

    def after(remaining: int) -> str:
        base = "The failure is recorded in migration_history; the version is still applied."
        if remaining:
            base += f" The {remaining} older version(s) after it were not rolled back."
        return base + " Fix the twin and run the rollback again."

    try:
        _run_steps(conn, schema, planned, applied_by=who, on_step=on_step, done=result.steps, after=after)
    except SqlFileFailed as err:
        _fill_latest(conn, schema, files, result)
        err.result = result
        raise
    _fill_latest(conn, schema, files, result)
    return result


# --------------------------------------------------------------------------------------- repair


def repair_checksum(
    conn: psycopg.Connection, files: list[SqlFile], version: str, *, applied_by: str | None = None
) -> RepairResult:
    """Re-record the checksum of applied ``version`` after a reviewed edit of its file.

    Appends a ``repair`` row carrying the file's current checksum (and schema version); the
    earlier rows stay as they were. Nothing is executed. Use it only when the database already
    matches the edited file (a comment or formatting change): the file is not run again.
    """
    check_connection(conn)
    try:
        key = version_key(version)
    except ValueError:
        raise RepairError(f"{version!r} is not a version (digits separated by '_' or '.').") from None
    st = status(conn, files)
    entry = next((e for e in st.applied if e.key == key), None)
    if entry is None:
        listed = ", ".join(e.version or "" for e in st.applied) or "none"
        raise RepairError(
            f"Version {version} is not applied, so there is no checksum to re-record (applied: {listed}). "
            "A pending file simply runs on the next migrate."
        )
    if entry.file is None:
        raise RepairError(
            f"Version {version} ({entry.script}) is applied but its file is not in the sql folder; restore the "
            "file before re-recording its checksum."
        )
    f = entry.file
    if f.checksum == entry.checksum:
        return RepairResult(
            version=f.version or version,
            script=f.script,
            old_checksum=entry.checksum,
            new_checksum=f.checksum,
            recorded=False,
        )
    schema = st.schema
    ensure_table(conn, schema)
    who = applied_by or default_applied_by(conn)
    values = RowValues(
        version=f.version,
        name=f.name,
        kind="repair",
        script=f.script,
        checksum=f.checksum,
        schema_version=f.schema_version,
        applied_by=who,
        transactional=f.transactional,
    )
    with conn.transaction():
        insert_row(conn, schema, values, execution_ms=0, success=True, error=None)
    return RepairResult(
        version=f.version or version,
        script=f.script,
        old_checksum=entry.checksum,
        new_checksum=f.checksum,
        recorded=True,
    )
