"""A SQL-layer file as statements: splitting, transaction-safety checks, and mapping a
PostgreSQL error back to a line of the file.

Splitting is :func:`nexo.db.sqlscript.split_statements` with psql's rules: the semicolons inside
parentheses and inside SQL-standard function bodies (``CREATE FUNCTION ... BEGIN ATOMIC ...; ...; END``,
PostgreSQL 14+) do not end the statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nexo.db.sqlscript import DOLLAR_TAG, Statement, line_of_offset, non_transactional, split_statements
from nexo.sqllayer.errors import TransactionSafetyError, UnsupportedStatementError
from nexo.sqllayer.files import SqlFile

if TYPE_CHECKING:
    import psycopg

_TX_CONTROL = re.compile(r"^(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|PREPARE\s+TRANSACTION)\b", re.I)
_ROLLBACK_TO = re.compile(r"^ROLLBACK(\s+(WORK|TRANSACTION))?\s+TO\b", re.I)
_INLINE_LINE = re.compile(r"PL/pgSQL function inline_code_block line (\d+)")
#: where a DO block's body starts: its opening dollar quote or quote
_BODY_START = re.compile(DOLLAR_TAG.pattern + "|'")


def statements(text: str) -> list[Statement]:
    """The statements of a file's text, split as psql does (:func:`nexo.db.sqlscript.split_statements` with
    ``psql_rules``): a semicolon inside parentheses (``CREATE RULE ... DO (a; b)``) or inside a
    ``BEGIN ATOMIC ... END`` routine body does not end the statement."""
    return split_statements(text, psql_rules=True)


_COPY_STDIN = re.compile(r"^COPY\b.*\bFROM\s+STDIN\b", re.I | re.S)


def check_supported(f: SqlFile, stmts: list[Statement] | None = None) -> None:
    """Refuse what only psql understands: meta-commands and ``COPY ... FROM STDIN`` data."""
    for stmt in stmts if stmts is not None else statements(f.text):
        text = stmt.text.lstrip()
        if text.startswith("\\"):
            raise UnsupportedStatementError(
                f"{f.script} line {stmt.line}: `{excerpt(text)}` is a psql meta-command; nexo sends SQL to the "
                "server, which does not understand psql commands. Write it as SQL (e.g. SET instead of \\set, "
                "the included file's statements instead of \\i). Nothing was run.",
                file=f.path,
                line=stmt.line,
            )
        if _COPY_STDIN.match(text):
            raise UnsupportedStatementError(
                f"{f.script} line {stmt.line}: `{excerpt(text)}` reads inline data (COPY ... FROM STDIN), which "
                "only psql can feed. Use INSERT ... VALUES, or COPY from a file on the database server. "
                "Nothing was run.",
                file=f.path,
                line=stmt.line,
            )


def transaction_control(stmt: Statement) -> str | None:
    """The keyword if ``stmt`` opens or ends a transaction (``ROLLBACK TO`` a savepoint is fine)."""
    text = stmt.text.strip()
    m = _TX_CONTROL.match(text)
    if m is None or _ROLLBACK_TO.match(text):
        return None
    return " ".join(m.group(1).upper().split())


def excerpt(stmt_text: str, limit: int = 120) -> str:
    """The statement's first line, shortened for messages."""
    first = stmt_text.strip().splitlines()[0] if stmt_text.strip() else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def check_transaction_safety(f: SqlFile, stmts: list[Statement] | None = None) -> None:
    """Refuse a transactional file that holds a statement PostgreSQL cannot run in a transaction
    block, or its own BEGIN/COMMIT (nexo wraps each file in a transaction itself)."""
    if not f.transactional:
        return
    for stmt in stmts if stmts is not None else statements(f.text):
        reason = non_transactional(stmt)
        if reason is not None:
            raise TransactionSafetyError(
                f"{f.script} line {stmt.line}: `{excerpt(stmt.text)}` ({reason}) cannot run inside a "
                "transaction block, and nexo runs each SQL-layer file in one. Add the line\n"
                "  -- nexo:no-transaction\n"
                "at the top of the file (the file then runs statement by statement and is not atomic; keep "
                "such statements in a file of their own, written to be safe to re-run), or remove the statement. "
                "Nothing was run.",
                file=f.path,
                line=stmt.line,
            )
        keyword = transaction_control(stmt)
        if keyword is not None:
            raise TransactionSafetyError(
                f"{f.script} line {stmt.line}: `{excerpt(stmt.text)}` controls the transaction itself, but "
                f"nexo already runs each SQL-layer file in its own transaction. Remove the {keyword} statement "
                "(and its partner), or, if the file must manage transactions itself, add\n"
                "  -- nexo:no-transaction\n"
                "at the top of the file. Nothing was run.",
                file=f.path,
                line=stmt.line,
            )


@dataclass(frozen=True)
class ErrorLocation:
    """Where in a file PostgreSQL's error points."""

    line: int
    #: True when PostgreSQL gave a position (or a DO-block line) that points inside the statement
    exact: bool


def locate_error(text: str, stmt: Statement, exc: psycopg.Error) -> ErrorLocation:
    """Map an error raised by ``stmt`` to a line of the file.

    PostgreSQL's ``statement_position`` (1-based characters into the statement sent) gives the
    exact line. An error raised at run time inside a ``DO`` block carries its PL/pgSQL line in
    the context, counted from the start of the block body. Otherwise the statement's first line.
    """
    diag = exc.diag
    pos = diag.statement_position
    if pos and pos.isdigit() and int(pos) >= 1:
        return ErrorLocation(line_of_offset(text, stmt.offset + int(pos) - 1), True)
    context = diag.context or ""
    m = _INLINE_LINE.search(context)
    if m and re.match(r"^DO\b", stmt.text, re.I):
        body = _BODY_START.search(stmt.text)
        if body is not None:
            start_line = line_of_offset(text, stmt.offset + body.end())
            return ErrorLocation(start_line + int(m.group(1)) - 1, True)
    return ErrorLocation(stmt.line, False)


def source_line(text: str, line: int) -> str:
    """Line ``line`` (1-based) of ``text``, or an empty string."""
    lines = text.split("\n")
    return lines[line - 1] if 1 <= line <= len(lines) else ""
