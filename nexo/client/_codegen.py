"""Generates the sync runtime from the async one: ``engine_sync.py`` from ``engine.py``, and so on
for every module in :data:`MODULES`.

A token-level transformation, so comments and layout survive: ``async def``/``async with``/
``async for`` lose ``async``, ``await`` disappears, async names become their sync twins
(:data:`RENAMES`), and imports of the async modules (``nexo.client.executor``) become imports of
their twins (``nexo.client.executor_sync``). The output is then checked: a name of the async world
left in it (``async``, ``await``, ``asyncio``, ``Async...``, ``__aenter__``, ...) is an error that
names the line (:class:`LeftoverAsyncError`), so a construct the transformer does not know cannot
slip into the sync runtime. Run ``python -m nexo.client._codegen`` after editing an async module;
a test checks each committed twin equals :func:`transform` of its source.

The same transformation writes the sync twins of the runtime's async tests (``tests/client/sync/``,
see ``tests/client/_sync_tests.py``).
"""

from __future__ import annotations

import io
import re
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
#: the async modules of the runtime (in ``nexo/client/``), each with a generated ``<name>_sync.py`` twin
MODULES = ("executor", "actions", "engine")
SOURCE = HERE / "engine.py"
TARGET = HERE / "engine_sync.py"
#: names that belong to the async world: none may be left in a sync twin
_ASYNC_NAMES = frozenset(
    {"async", "await", "asyncio", "__aenter__", "__aexit__", "__aiter__", "__anext__", "anext", "aiter"}
)
_ASYNC_NAME = re.compile(r"^_*(?:Async|async)")


class LeftoverAsyncError(ValueError):
    """The sync output still holds a name of the async world."""


def source_path(module: str) -> Path:
    return HERE / f"{module}.py"


def target_path(module: str) -> Path:
    return HERE / f"{module}_sync.py"


def header(source: str, regenerate: str = "python -m nexo.client._codegen") -> str:
    return f"# GENERATED from {source} by nexo/client/_codegen.py: do not edit.\n# Regenerate with: {regenerate}\n"


HEADER = header("nexo/client/engine.py")


def _is_async_name(name: str) -> bool:
    return name in _ASYNC_NAMES or bool(_ASYNC_NAME.match(name))


def check_sync(text: str, where: str = "<sync output>") -> None:
    """Raise :class:`LeftoverAsyncError` naming the first line of ``text`` that still uses a name
    of the async world (comments and strings are not looked at)."""
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.NAME and _is_async_name(tok.string):
            line = tok.line.rstrip("\n")
            raise LeftoverAsyncError(
                f"{where}:{tok.start[0]}: the sync output still uses {tok.string!r}, which the async→sync "
                f"transformer does not translate (add a rule to nexo/client/_codegen.py or write the code "
                f"without it): {line.strip()}"
            )


def transform(
    source: str,
    module: str = "engine",
    *,
    modules: dict[str, str] | None = None,
    origin: str | None = None,
    regenerate: str = "python -m nexo.client._codegen",
) -> str:
    """The sync twin of an async module's source text.

    ``modules`` maps dotted async module names to their sync twins (default: the runtime's
    :data:`MODULES`); ``origin`` is the source's path named in the header (default
    ``nexo/client/<module>.py``) and ``regenerate`` the command that writes the output again. Raises :class:`LeftoverAsyncError` when the result still holds
    a name of the async world."""
    if modules is None:
        modules = {f"nexo.client.{m}": f"nexo.client.{m}_sync" for m in MODULES}
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def pos(rc: tuple[int, int]) -> int:
        return offsets[rc[0] - 1] + rc[1]

    toks = list(tokenize.generate_tokens(io.StringIO(source).readline))
    edits: list[tuple[int, int, str]] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.type != tokenize.NAME:
            i += 1
            continue
        # a dotted name (``nexo.client.engine``) that is an async module: its sync twin
        if i == 0 or toks[i - 1].string != ".":
            j = i + 1
            dotted = tok.string
            end = -1
            while True:
                if dotted in modules:
                    end = j
                    found = dotted
                if not (j + 1 < len(toks) and toks[j].string == "." and toks[j + 1].type == tokenize.NAME):
                    break
                dotted += "." + toks[j + 1].string
                j += 2
            if end > 0:
                edits.append((pos(tok.start), pos(toks[end - 1].end), modules[found]))
                i = end
                continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if (tok.string == "async" and nxt is not None and nxt.string in ("def", "with", "for")) or (
            tok.string == "await" and nxt is not None
        ):
            edits.append((pos(tok.start), pos(nxt.start), ""))
        elif tok.string in RENAMES:
            edits.append((pos(tok.start), pos(tok.end), RENAMES[tok.string]))
        i += 1
    out = source
    for start, end, text in sorted(edits, reverse=True):
        out = out[:start] + text + out[end:]
    out = re.sub(
        r'\A"""The asyncio ([^:\n]*):',
        lambda m: f'"""The synchronous {m.group(1)} (generated twin of {module}.py):',
        out,
        count=1,
    )
    origin = origin or f"nexo/client/{module}.py"
    check_sync(out, origin.removesuffix(".py") + "_sync.py")
    return header(origin, regenerate) + out


def main() -> int:
    for module in MODULES:
        target = target_path(module)
        target.write_text(transform(source_path(module).read_text(encoding="utf-8"), module), encoding="utf-8")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
