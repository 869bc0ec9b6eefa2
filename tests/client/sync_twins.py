"""Writes the sync runtime's tests from the async ones: ``tests/client/sync/test_<name>_sync.py``
from ``tests/client/test_<name>.py``, with the transformation that makes the sync runtime
(:func:`nexo.client._codegen.transform`: ``async``/``await`` removed, async names and imports of
the async runtime mapped to their sync twins), so both runtimes get the same coverage.

Run ``python tests/client/sync_twins.py`` after editing one of :data:`SOURCES`; a test
(``tests/client/test_codegen.py``) checks the committed twins are current. A test that only makes
sense on asyncio (tasks sharing a connection through ``asyncio.gather``) is left out of the twin,
listed with the reason in :data:`ASYNC_ONLY`; the transformer refuses any other async construct.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TARGET_DIR = HERE / "sync"
#: the async test modules that exercise the runtime (executor, transactions, raw SQL, reads, writes,
#: batched includes, tenant sessions)
SOURCES = ("test_executor", "test_tx_raw", "test_reads", "test_writes", "test_tenant", "test_batched_include")
#: tests left out of the sync twins: (module, test) -> why
ASYNC_ONLY = {
    ("test_executor", "test_lean_reads_errors_and_concurrency"): "asyncio.gather: tasks taking turns on one connection",
    ("test_tenant", "test_hundred_concurrent_tasks_two_tenants_one_pool"): "asyncio.gather of 100 tasks",
    ("test_tenant", "test_sync_tenant_session"): "a sync test already",
    ("test_batched_include", "test_plan_shape_and_fallbacks"): (
        "makes coroutines, then runs them after clearing the plan cache; a sync call runs at once "
        "(the plans are engine_base's, the same for both runtimes)"
    ),
}
#: the async generated packages the tests name, and their sync twins (``generated`` fixture of conftest.py)
PACKAGES = {"generated.crm": "generated.crm_sync"}
REGENERATE = "python tests/client/sync_twins.py"


def source_path(name: str) -> Path:
    return HERE / f"{name}.py"


def target_path(name: str) -> Path:
    return TARGET_DIR / f"{name}_sync.py"


def _names(text: str) -> list[str]:
    """The names used in Python source text (not the words of its comments and strings)."""
    return [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.NAME]


def render(name: str) -> str:
    """The sync twin of the async test module ``name``."""
    # import here: the module also runs as a script, before nexo is importable from the tree
    from nexo.client import _codegen

    source = source_path(name).read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    drop: list[tuple[int, int, str]] = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef) and (name, node.name) in ASYNC_ONLY:
            start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
            end = node.end_lineno or node.lineno
            while end < len(lines) and not lines[end].strip():  # and the blank lines after it
                end += 1
            drop.append((start, end, ASYNC_ONLY[(name, node.name)]))
    for start, end, reason in reversed(drop):
        lines[start:end] = [f"# left out of the sync twin ({reason})\n\n\n"]
    text = "".join(lines)
    if _names(text).count("asyncio") == 1:  # only the tests left out used it: drop its import
        text = re.sub(r"^import asyncio\n", "", text, count=1, flags=re.M)
    for package, twin in PACKAGES.items():
        text = re.sub(rf"\b{re.escape(package)}\b(?!_)", twin, text)
    # one package further down; a module that has a twin: its twin, beside it
    text = re.sub(
        r"^from \.(\w+)",
        lambda m: f"from .{m.group(1)}_sync" if m.group(1) in SOURCES else f"from ..{m.group(1)}",
        text,
        flags=re.M,
    )
    return _codegen.transform(text, name, origin=f"tests/client/{name}.py", regenerate=REGENERATE)


def main() -> int:
    TARGET_DIR.mkdir(exist_ok=True)
    for name in SOURCES:
        target = target_path(name)
        target.write_text(render(name), encoding="utf-8")
        print(f"wrote {target.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
