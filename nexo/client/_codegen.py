"""Generates the sync runtime (``engine_sync.py``) from the async one (``engine.py``).

A token-level transformation, so comments and layout survive: ``async def``/``async with``/
``async for`` lose ``async``, ``await`` disappears, and async names become their sync twins
(:data:`RENAMES`). Run ``python -m nexo.client._codegen`` after editing ``engine.py``; a test
checks the committed file equals :func:`transform` of the source.
"""

from __future__ import annotations

import io
import sys
import tokenize
from pathlib import Path

RENAMES = {
    "AsyncConnectionPool": "ConnectionPool",
    "AsyncConnection": "Connection",
    "AsyncIterator": "Iterator",
    "asynccontextmanager": "contextmanager",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
}
HERE = Path(__file__).resolve().parent
SOURCE = HERE / "engine.py"
TARGET = HERE / "engine_sync.py"
HEADER = (
    "# GENERATED from nexo/client/engine.py by nexo/client/_codegen.py: do not edit.\n"
    "# Regenerate with: python -m nexo.client._codegen\n"
)


def transform(source: str) -> str:
    """The sync twin of an async module's source text."""
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def pos(rc: tuple[int, int]) -> int:
        return offsets[rc[0] - 1] + rc[1]

    toks = list(tokenize.generate_tokens(io.StringIO(source).readline))
    edits: list[tuple[int, int, str]] = []
    for i, tok in enumerate(toks):
        if tok.type != tokenize.NAME:
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if (tok.string == "async" and nxt is not None and nxt.string in ("def", "with", "for")) or (
            tok.string == "await" and nxt is not None
        ):
            edits.append((pos(tok.start), pos(nxt.start), ""))
        elif tok.string in RENAMES:
            edits.append((pos(tok.start), pos(tok.end), RENAMES[tok.string]))
    out = source
    for start, end, text in sorted(edits, reverse=True):
        out = out[:start] + text + out[end:]
    out = out.replace(
        '"""The asyncio client runtime:', '"""The synchronous client runtime (generated twin of engine.py):', 1
    )
    return HEADER + out


def main() -> int:
    TARGET.write_text(transform(SOURCE.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
