"""Says how ``import <package>`` will resolve once the client is generated, and warns when another
package of the same name (typically Prisma Client Python's own ``prisma``) is installed."""

from __future__ import annotations

import importlib.machinery
import os
import sys
from pathlib import Path


def _origin(spec: importlib.machinery.ModuleSpec | None) -> Path | None:
    if spec is None:
        return None
    if spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            return Path(loc).resolve()
    if spec.origin and spec.origin not in ("built-in", "frozen"):
        return Path(spec.origin).resolve().parent
    return None


def other_installed(package: str, output: Path) -> Path | None:
    """Where another importable ``package`` lives (outside the project folder), or None."""
    parent = output.parent.resolve()
    cwd = Path.cwd().resolve()
    entries = []
    for entry in sys.path:
        p = Path(entry or ".").resolve()
        if p in (parent, cwd):
            continue
        entries.append(str(p))
    found = _origin(importlib.machinery.PathFinder.find_spec(package, entries))
    if found is None:
        for finder in sys.meta_path:
            if finder is importlib.machinery.PathFinder or not hasattr(finder, "find_spec"):
                continue
            try:
                spec = finder.find_spec(package, None)
            except Exception:
                continue
            found = _origin(spec)
            if found is not None:
                break
    if found is None or found == output.resolve():
        return None
    return found


def import_notes(package: str, output: Path) -> list[str]:
    parent = output.parent.resolve()
    notes = []
    cwd = Path.cwd().resolve()
    where = "this folder" if parent == cwd else str(parent)
    notes.append(
        f"Import it with `from {package} import Prisma` from code run in {where} "
        f"(the folder that holds {output.name}/ must be on sys.path: it is when you run python or pytest from there"
        + ("" if parent == cwd else f", or set PYTHONPATH={parent}")
        + ")."
    )
    other = other_installed(package, output)
    if other is not None:
        notes.append(
            f"Warning: another `{package}` package is installed at {other}. Code run from {where} imports the "
            f"generated client (that folder comes first on sys.path); code started elsewhere (installed scripts, "
            f"other working folders, `python -P`) imports the installed one instead. Remove it "
            f"(pip uninstall {package}) or set another output in the generator block."
        )
    if os.environ.get("PYTHONSAFEPATH"):
        notes.append(
            "Warning: PYTHONSAFEPATH is set, so the current folder is not on sys.path; add the client's folder to PYTHONPATH."
        )
    return notes
