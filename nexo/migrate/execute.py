"""Running one migration script: atomically when PostgreSQL allows it, statement by statement otherwise.

Prisma sends a whole ``migration.sql`` as one simple query, so whether a failure leaves something
behind depends on its version and engine. nexo decides per script (:func:`analyse_script`):

* ``transaction`` (the normal case): one explicit transaction around the whole script; statements
  run one at a time inside it so a failure names its statement; on failure everything is rolled back.
* ``statements``: the script holds a statement PostgreSQL refuses inside a transaction block
  (``CREATE INDEX CONCURRENTLY``, ...) or its own ``BEGIN``/``COMMIT`` (Prisma's enum recreation).
  Statements run one by one in autocommit, the script's own ``BEGIN ... COMMIT`` blocks are honoured
  (a failure inside one rolls that block back), and a failure reports what stayed committed.

A script the statement splitter cannot cut safely (SQL-standard ``BEGIN ATOMIC`` function bodies) runs
as one query inside the transaction; the failing statement is then located from PostgreSQL's error
position when it gives one.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nexo.db.sqlscript import Statement, is_transaction_control, line_of_offset, non_transactional, split_statements
from nexo.migrate.errors import MigrationFailed, StatementInfo

if TYPE_CHECKING:
    import psycopg

_BEGIN_ATOMIC = re.compile(r"\bBEGIN\s+ATOMIC\b", re.I)


@dataclass(frozen=True)
class ScriptAnalysis:
    """How a script will run."""

    #: ``transaction`` or ``statements``
    mode: str
    #: why it runs statement by statement (``None`` in transaction mode)
    reason: str | None
    statements: list[Statement] = field(default_factory=list)
    #: run as one query (the splitter cannot cut it safely)
    whole: bool = False


@dataclass(frozen=True)
class ExecutionReport:
    """What running a script did."""

    mode: str
    reason: str | None
    statements: int
    seconds: float


def analyse_script(script: str) -> ScriptAnalysis:
    """Decide how ``script`` runs (see the module docstring)."""
    statements = split_statements(script)
    reasons: list[str] = []
    for stmt in statements:
        label = non_transactional(stmt)
        if label:
            reasons.append(f"{label} (line {stmt.line})")
    control = [s for s in statements if is_transaction_control(s)]
    if control:
        reasons.append(f"its own {_keyword(control[0])} (line {control[0].line})")
    if reasons:
        return ScriptAnalysis("statements", "; ".join(reasons), statements)
    whole = any(_BEGIN_ATOMIC.search(s.text) for s in statements)
    return ScriptAnalysis("transaction", None, statements, whole=whole)


def _keyword(stmt: Statement) -> str:
    words = stmt.text.split()
    first = words[0].upper() if words else ""
    return "BEGIN/COMMIT" if first in ("BEGIN", "START", "COMMIT", "END") else first


def _info(stmt: Statement) -> StatementInfo:
    return StatementInfo(stmt.line, stmt.text)


def _database_error(exc: psycopg.Error, query: str) -> tuple[str, str, int | None]:
    """(SQLSTATE, Prisma-style error text, 0-based offset of the error in ``query`` or None)."""
    diag = exc.diag
    code = exc.sqlstate or "none"
    severity = diag.severity_nonlocalized or diag.severity or "ERROR"
    primary = diag.message_primary or str(exc).strip()
    text = f"{severity}: {primary}"
    if diag.message_detail:
        text += f"\nDETAIL: {diag.message_detail}"
    if diag.message_hint:
        text += f"\nHINT: {diag.message_hint}"
    offset: int | None = None
    if diag.statement_position:
        try:
            offset = max(0, int(diag.statement_position) - 1)
        except ValueError:
            offset = None
    if offset is not None and offset > len(query):
        offset = None
    return code, text, offset


def _position_excerpt(script: str, offset: int) -> str:
    """Prisma's ``Position:`` block: up to 5 lines before the error line, numbered, then the error line."""
    lines = script.split("\n")
    line_no = line_of_offset(script, offset)
    start = max(1, line_no - 5)
    out = []
    for n in range(start, line_no + 1):
        text = lines[n - 1].rstrip("\r")
        out.append(f"{n:>3}{' ' if text else ''}{text}")
    return "\n\nPosition:\n" + "\n".join(out)


def _statement_at(statements: list[Statement], offset: int) -> Statement | None:
    found = None
    for stmt in statements:
        if stmt.offset <= offset:
            found = stmt
        else:
            break
    return found


Hook = Callable[[], None]


def run_script(
    conn: psycopg.Connection,
    migration_name: str,
    script: str,
    script_path: Path,
    analysis: ScriptAnalysis | None = None,
    *,
    before: Hook | None = None,
    after: Hook | None = None,
) -> ExecutionReport:
    """Run ``script`` on ``conn`` (autocommit); raise :class:`MigrationFailed` (P3018) when it fails.

    On return the script's effects are committed. On failure, in transaction mode nothing is left;
    in statement mode the error lists the statements that stayed committed.

    ``before`` and ``after`` (ledger writes) run inside the script's transaction in transaction mode,
    so the script and its ledger row commit together, or, when the process dies half-way, not at
    all. In statement mode they run on their own, before the first and after the last statement.
    """
    plan = analysis or analyse_script(script)
    started = time.perf_counter()
    if plan.mode == "transaction":
        _run_transaction(conn, migration_name, script, script_path, plan, before, after)
    else:
        if before:
            before()
        _run_statements(conn, migration_name, script, script_path, plan)
        if after:
            after()
    return ExecutionReport(plan.mode, plan.reason, len(plan.statements), time.perf_counter() - started)


def _run_transaction(
    conn: psycopg.Connection,
    name: str,
    script: str,
    path: Path,
    plan: ScriptAnalysis,
    before: Hook | None,
    after: Hook | None,
) -> None:
    import psycopg

    current: Statement | None = None
    in_script = False
    try:
        with conn.transaction():
            if before:
                before()
            in_script = True
            if plan.whole:
                conn.execute(script)
            else:
                for stmt in plan.statements:
                    current = stmt
                    conn.execute(stmt.text)
            in_script = False
            if after:
                after()
    except psycopg.Error as exc:
        if not in_script:
            raise  # a ledger write failed, not the script
        raise _failure(exc, name, script, path, plan, current, rolled_back=True) from exc


def _run_statements(conn: psycopg.Connection, name: str, script: str, path: Path, plan: ScriptAnalysis) -> None:
    import psycopg

    committed: list[Statement] = []
    block: list[Statement] | None = None  # statements of the script's own open BEGIN block
    for stmt in plan.statements:
        try:
            conn.execute(stmt.text)
        except psycopg.Error as exc:
            rolled_block: list[Statement] = []
            if not conn.closed and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                conn.execute("ROLLBACK")
                rolled_block = block or []
            raise _failure(
                exc, name, script, path, plan, stmt, rolled_back=False, committed=committed, rolled_block=rolled_block
            ) from exc
        if is_transaction_control(stmt):
            word = stmt.text.split()[0].upper()
            if word in ("BEGIN", "START"):
                block = [stmt]
            elif word in ("COMMIT", "END"):
                committed.extend((block or []) + [stmt])
                block = None
            else:  # ROLLBACK / ABORT: the block's statements are undone
                block = None
        elif block is not None:
            block.append(stmt)
        else:
            committed.append(stmt)
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        # The script opened a transaction and never closed it: do not commit half-intended work.
        conn.execute("ROLLBACK")
        opened = block[0] if block else None
        raise MigrationFailed(
            migration_name=name,
            database_error_code="none",
            database_error=f"The script opened a transaction (BEGIN on line {opened.line if opened else '?'}) and never committed it; nexo rolled it back.",
            script_path=path,
            statement=_info(opened) if opened else None,
            error_line=opened.line if opened else None,
            mode=plan.mode,
            mode_reason=plan.reason,
            rolled_back=False,
            committed=[_info(s) for s in committed],
            rolled_back_block=[_info(s) for s in (block or [])],
        )


def _failure(
    exc: psycopg.Error,
    name: str,
    script: str,
    path: Path,
    plan: ScriptAnalysis,
    stmt: Statement | None,
    *,
    rolled_back: bool,
    committed: list[Statement] | None = None,
    rolled_block: list[Statement] | None = None,
) -> MigrationFailed:
    sent = script if (plan.whole or stmt is None) else stmt.text
    code, text, offset = _database_error(exc, sent)
    script_offset: int | None = None
    if offset is not None:
        script_offset = offset if sent is script else stmt.offset + offset  # type: ignore[union-attr]
    if stmt is None and script_offset is not None:
        stmt = _statement_at(plan.statements, script_offset)
    if script_offset is not None:
        text += _position_excerpt(script, script_offset)
    error_line = line_of_offset(script, script_offset) if script_offset is not None else None
    return MigrationFailed(
        migration_name=name,
        database_error_code=code,
        database_error=text,
        script_path=path,
        statement=_info(stmt) if stmt else None,
        error_line=error_line,
        mode=plan.mode,
        mode_reason=plan.reason,
        rolled_back=rolled_back,
        committed=[_info(s) for s in committed or []],
        rolled_back_block=[_info(s) for s in rolled_block or []],
    )
