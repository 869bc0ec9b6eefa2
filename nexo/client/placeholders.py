"""Raw SQL's PostgreSQL ``$n`` placeholders as psycopg's ``%s`` (no I/O; re-exported by
:mod:`nexo.client.engine_base`)."""

from __future__ import annotations

import re
from typing import Any

from nexo.client import codec
from nexo.client.errors import DataError

_PLACEHOLDER = re.compile(
    r"""(?P<skip>'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|/\*.*?\*/|(?P<dq>\$[A-Za-z_]*\$).*?(?P=dq))|(?P<ph>\$(?P<n>\d+))|(?P<pct>%)""",
    re.S,
)


def convert_placeholders(query: str, args: tuple[Any, ...]) -> tuple[str, list[Any]]:
    """PostgreSQL ``$n`` placeholders as psycopg ``%s`` (args reordered, ``%`` escaped), leaving
    string literals, quoted identifiers, dollar-quoted bodies and comments untouched."""
    params: list[Any] = []

    def sub(m: re.Match[str]) -> str:
        if m.group("skip") is not None:
            return m.group("skip").replace("%", "%%")
        if m.group("pct") is not None:
            return "%%"
        n = int(m.group("n"))
        if n < 1 or n > len(args):
            raise DataError(f"Raw query placeholder ${n} has no argument ({len(args)} given)")
        params.append(codec.raw_param(args[n - 1]))
        return "%s"

    return _PLACEHOLDER.sub(sub, query), params
