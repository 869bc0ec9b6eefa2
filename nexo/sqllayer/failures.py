"""The error of a file that failed: where (file, line, statement), what PostgreSQL said, and what was left
applied; and the shorter text of it that goes into the ``migration_history`` row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexo.db.sqlscript import Statement
from nexo.db.sqlstate import Diagnostics
from nexo.sqllayer.errors import SqlFileFailed
from nexo.sqllayer.files import SqlFile
from nexo.sqllayer.script import excerpt, locate_error, source_line

if TYPE_CHECKING:
    import psycopg


def file_failed(
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


def history_error_text(err: SqlFileFailed) -> str:
    text = f"line {err.line}: " + (f"SQLSTATE {err.sqlstate}: " if err.sqlstate else "") + err.pg_message
    if err.detail:
        text += f"\nDETAIL: {err.detail}"
    if err.hint:
        text += f"\nHINT: {err.hint}"
    return text
