"""SQL script text: split a script into statements with their line numbers, and spot the
statements that PostgreSQL refuses to run inside a transaction block.

The splitter understands what can hide a semicolon: single-quoted strings (with ``''``), E'' strings
(with backslash escapes), double-quoted identifiers, dollar-quoted bodies (``$$`` and ``$tag$``),
``--`` line comments and nested ``/* */`` block comments. It never executes anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$")


@dataclass(frozen=True)
class Statement:
    """One statement of a script: its text (without the closing ``;``) and where it starts."""

    text: str
    #: 1-based line of the statement's first significant character
    line: int
    #: 0-based character offset of that character in the script
    offset: int

    @property
    def first_line(self) -> str:
        return self.text.strip().splitlines()[0] if self.text.strip() else ""


def _skip_ws_and_comments(s: str, i: int) -> int:
    n = len(s)
    while i < n:
        c = s[i]
        if c.isspace():
            i += 1
        elif s.startswith("--", i):
            j = s.find("\n", i)
            i = n if j < 0 else j + 1
        elif s.startswith("/*", i):
            i = _skip_block_comment(s, i)
        else:
            break
    return i


def _skip_block_comment(s: str, i: int) -> int:
    depth, i, n = 0, i, len(s)
    while i < n:
        if s.startswith("/*", i):
            depth += 1
            i += 2
        elif s.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return n


def split_statements(script: str) -> list[Statement]:
    """The statements of ``script`` in order; comments-only fragments are dropped."""
    out: list[Statement] = []
    n = len(script)
    i = 0
    while True:
        start = _skip_ws_and_comments(script, i)
        if start >= n:
            break
        i = start
        while i < n:
            c = script[i]
            if c == ";":
                break
            if c == "'":
                escapes = (
                    i > 0 and script[i - 1] in "eE" and (i < 2 or not (script[i - 2].isalnum() or script[i - 2] == "_"))
                )
                i += 1
                while i < n:
                    if escapes and script[i] == "\\":
                        i += 2
                        continue
                    if script[i] == "'":
                        if i + 1 < n and script[i + 1] == "'":
                            i += 2
                            continue
                        break
                    i += 1
                i += 1
            elif c == '"':
                j = i + 1
                while j < n:
                    if script[j] == '"':
                        if j + 1 < n and script[j + 1] == '"':
                            j += 2
                            continue
                        break
                    j += 1
                i = j + 1
            elif c == "$" and (i == 0 or not (script[i - 1].isalnum() or script[i - 1] == "_")):
                m = _DOLLAR_TAG.match(script, i)
                if m:
                    tag = m.group(0)
                    end = script.find(tag, m.end())
                    i = n if end < 0 else end + len(tag)
                else:
                    i += 1
            elif script.startswith("--", i):
                j = script.find("\n", i)
                i = n if j < 0 else j + 1
            elif script.startswith("/*", i):
                i = _skip_block_comment(script, i)
            else:
                i += 1
        text = script[start:i].rstrip()
        if text:
            out.append(Statement(text=text, line=script.count("\n", 0, start) + 1, offset=start))
        i += 1  # past the ';'
    return out


_NO_TX_PATTERNS = [
    (re.compile(r"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\b", re.I), "CREATE INDEX CONCURRENTLY"),
    (re.compile(r"^\s*DROP\s+INDEX\s+CONCURRENTLY\b", re.I), "DROP INDEX CONCURRENTLY"),
    (re.compile(r"^\s*REINDEX\b.*\bCONCURRENTLY\b", re.I | re.S), "REINDEX CONCURRENTLY"),
    (
        re.compile(r"^\s*ALTER\s+TABLE\b.*\bDETACH\s+PARTITION\b.*\bCONCURRENTLY\b", re.I | re.S),
        "DETACH PARTITION CONCURRENTLY",
    ),
    (re.compile(r"^\s*(CREATE|DROP)\s+DATABASE\b", re.I), "CREATE/DROP DATABASE"),
    (re.compile(r"^\s*(CREATE|DROP)\s+TABLESPACE\b", re.I), "CREATE/DROP TABLESPACE"),
    (re.compile(r"^\s*ALTER\s+SYSTEM\b", re.I), "ALTER SYSTEM"),
    (re.compile(r"^\s*VACUUM\b", re.I), "VACUUM"),
    (re.compile(r"^\s*CREATE\s+SUBSCRIPTION\b", re.I), "CREATE SUBSCRIPTION"),
    (re.compile(r"^\s*ALTER\s+DATABASE\b.*\bSET\s+TABLESPACE\b", re.I | re.S), "ALTER DATABASE SET TABLESPACE"),
]


def _strip_leading_comments(text: str) -> str:
    return text[_skip_ws_and_comments(text, 0) :]


def non_transactional(stmt: Statement | str) -> str | None:
    """The reason ``stmt`` cannot run inside a transaction block, or ``None``."""
    text = _strip_leading_comments(stmt.text if isinstance(stmt, Statement) else stmt)
    for pattern, label in _NO_TX_PATTERNS:
        if pattern.search(text):
            return label
    return None


def is_transaction_control(stmt: Statement | str) -> bool:
    """``True`` for BEGIN / COMMIT / ROLLBACK / START TRANSACTION / END / ABORT statements."""
    text = _strip_leading_comments(stmt.text if isinstance(stmt, Statement) else stmt)
    return bool(
        re.match(
            r"^(BEGIN|COMMIT|END|ROLLBACK|START\s+TRANSACTION|ABORT)\s*(TRANSACTION|WORK)?\s*$", text.strip(), re.I
        )
    )


def line_of_offset(script: str, offset: int) -> int:
    """1-based line number of a 0-based character offset."""
    return script.count("\n", 0, max(0, min(offset, len(script)))) + 1
