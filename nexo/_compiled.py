"""Which of nexo's modules run as compiled code, and when their Python source runs instead.

Reading and validating ``schema.prisma`` and deriving its relational model are pure CPU work over
many small objects, so ``setup.py`` compiles the modules in :data:`MODULES` with mypyc when nexo is
installed (about 1.5x faster on a 300-model schema; see ``bench/psl.py``). The migration differ is
not in the list: mypyc generated code for it that GCC flags as reading uninitialised variables, and
that crashed (see setup.py). Their dataclasses spell out ``__init__`` (``init=False``): mypyc compiles a written one, while the one
``dataclasses`` generates at run time stays interpreted and builds objects about 9x slower. Compiled or
not, it is the same source: the compiled build only runs it
as C. Without a C compiler the install falls back to plain Python, and everything works the same,
only slower.

The compiled modules are bypassed, so their ``.py`` files run instead, when

* ``NEXO_PURE_PYTHON=1`` is set (debugging, profiling, coverage), or
* a source file differs from the one that was compiled: an editable install whose sources were
  edited or checked out since the last ``pip install -e .``. Running the stale machine code would
  silently ignore the edit, so nexo runs all of them from source until they are compiled again.

The build writes :data:`MANIFEST` next to this file: the checksum of every source it compiled.
:func:`activate` (called by ``nexo/__init__.py``) compares it with the sources on disk; the
outcome is :data:`STATE`, shown by ``nexo --version`` and in the version matrix.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

#: the modules setup.py compiles (setup.py reads this tuple without importing nexo)
MODULES = (
    "nexo.psl.ast",
    "nexo.psl.attrargs",
    "nexo.psl.jsoncheck",
    "nexo.psl.model",
    "nexo.psl.names",
    "nexo.psl.native",
    "nexo.psl.parser",
    "nexo.psl.terms",
    "nexo.psl.validate.context",
    "nexo.psl.validate.config",
    "nexo.psl.validate.names",
    "nexo.psl.validate.fields",
    "nexo.psl.validate.indexes",
    "nexo.psl.validate.attributes",
    "nexo.psl.validate.relations",
    "nexo.psl.validate.onetoone",
    "nexo.psl.validate.onetomany",
    "nexo.psl.validate.manytomany",
    "nexo.psl.validate.constraints",
    "nexo.psl.validate.lowering",
    "nexo.psl.validate.run",
    "nexo.schema.build",
    "nexo.schema.render",
    "nexo.migrate.sqlrender",
)
#: written by the build next to this file: ``{"modules": {module: checksum of its source}}``
MANIFEST = "_compiled.json"
PURE_ENV = "NEXO_PURE_PYTHON"

_ROOT = Path(__file__).resolve().parent.parent  # the folder that holds the ``nexo`` package

#: "compiled", or "pure Python" followed by the reason in brackets; set by :func:`activate`
STATE = "pure Python"


def source_path(module: str) -> Path:
    return _ROOT.joinpath(*module.split(".")).with_suffix(".py")


def source_digest(path: Path) -> str:
    """A checksum of a source file (CRC-32: this tells edits apart, cheaply; it guards no secret)."""
    return f"{zlib.crc32(path.read_bytes()):08x}"


def is_compiled(module: ModuleType) -> bool:
    """Whether a loaded module is an extension module (compiled) rather than Python source."""
    return isinstance(getattr(module, "__loader__", None), importlib.machinery.ExtensionFileLoader)


class _SourceFinder:  # a meta path finder (importlib.abc is not imported: it costs ~15 ms at every start)
    """Loads the listed modules from their ``.py`` files, ahead of any compiled extension."""

    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = frozenset(modules)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.modules:
            return None
        source = source_path(fullname)
        if not source.is_file():  # compiled by an older build, since become a package (or removed): the usual import
            return None
        return importlib.util.spec_from_file_location(fullname, source)


def _built() -> dict[str, str]:
    """The manifest's ``{module: digest}``, empty when there is none (or it cannot be read)."""
    try:
        built = json.loads((Path(__file__).with_name(MANIFEST)).read_text("utf-8"))["modules"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return built if isinstance(built, dict) else {}


def _stale(built: dict[str, str]) -> str | None:
    """Why the compiled modules must not run (None when they are current)."""
    if not built:
        return "not compiled"
    if set(built) != set(MODULES):
        return "the list of compiled modules changed since the build; run `pip install -e .` again"
    for module in MODULES:
        if built[module] != source_digest(source_path(module)):
            rel = source_path(module).relative_to(_ROOT).as_posix()
            return f"{rel} changed since it was compiled; run `pip install -e .` again"
    return None


def activate() -> str:
    """Decide between the compiled modules and their sources; before any of them is imported."""
    global STATE
    built = _built()
    if os.environ.get(PURE_ENV, "").strip() not in ("", "0"):
        reason: str | None = f"{PURE_ENV} is set"
    else:
        reason = _stale(built)
    if reason is None:
        STATE = "compiled"
    else:
        STATE = f"pure Python ({reason})"
        # every module the build compiled, listed now or not, runs from its source
        if not any(isinstance(f, _SourceFinder) for f in sys.meta_path):
            sys.meta_path.insert(0, _SourceFinder([*MODULES, *(m for m in built if m.startswith("nexo."))]))
    return STATE
