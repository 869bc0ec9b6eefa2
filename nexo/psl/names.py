"""Prisma's default constraint and index names for PostgreSQL (``constraint_names.rs``).

Names are built from database names (after ``@map``/``@@map``) and cut to fit PostgreSQL's 63-byte
identifier limit, by bytes, backing off to a UTF-8 character boundary.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_IDENTIFIER = 63


def cut(s: str, n: int) -> str:
    """``s`` truncated to at most ``n`` bytes without splitting a UTF-8 character."""
    b = s.encode()
    if len(b) <= n:
        return s
    while n > 0 and (b[n] & 0xC0) == 0x80:
        n -= 1
    return b[:n].decode()


def pk_name(table: str) -> str:
    """``{table}_pkey``."""
    return (cut(table, 58) if len(table.encode()) >= 58 else table) + "_pkey"


def index_name(table: str, columns: Sequence[str], unique: bool) -> str:
    """``{table}_{cols}_key`` for unique indexes, ``{table}_{cols}_idx`` for others."""
    base = f"{table}_{'_'.join(columns)}"
    return (cut(base, 59) if len(base.encode()) >= 59 else base) + ("_key" if unique else "_idx")


def fk_name(table: str, columns: Sequence[str]) -> str:
    """``{table}_{cols}_fkey`` (the referencing table and its columns)."""
    base = f"{table}_{'_'.join(columns)}"
    return (cut(base, 58) if len(base.encode()) >= 58 else base) + "_fkey"
