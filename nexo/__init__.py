"""nexo: one schema.prisma as the source of truth for a multi-tenant PostgreSQL database."""

from __future__ import annotations

from typing import Any

from nexo import _compiled

_compiled.activate()  # compiled modules, or their sources when stale or NEXO_PURE_PYTHON is set

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    # ``__version__`` is read from the installed distribution on first use (importlib.metadata is
    # slow to import; most commands never print the version)
    if name != "__version__":
        raise AttributeError(f"module 'nexo' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("nexo")
    except PackageNotFoundError:  # running from a source tree that is not installed
        value = "0.0.0+src"
    globals()["__version__"] = value
    return value
