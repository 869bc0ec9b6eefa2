"""Quoting SQL identifiers: the one helper every module uses."""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """``name`` as a double-quoted PostgreSQL identifier (embedded quotes doubled)."""
    if "\x00" in name:
        raise ValueError("identifiers cannot contain NUL")
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """``value`` as a single-quoted SQL string literal (only for rendering DDL text, never for queries)."""
    return "'" + value.replace("'", "''") + "'"
