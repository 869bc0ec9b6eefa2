"""Build hook: compile nexo's CPU-bound modules with mypyc; plain Python when that is not possible.

Everything else about the package is in pyproject.toml. The modules to compile are listed once, in
``nexo/_compiled.py`` (read here as text, so building never imports nexo). The compiled build also
writes ``nexo/_compiled.json``: the checksum (CRC-32) of each source it compiled, so that nexo can tell at
run time whether the machine code still matches the ``.py`` files (see nexo/_compiled.py).

``NEXO_PURE_PYTHON=1 pip install .`` skips compiling. Without a C compiler (or without mypy at build
time) the build warns and installs pure Python; nexo then works the same, only slower.
"""

from __future__ import annotations

import ast
import json
import os
import sys
import sysconfig
import zlib
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
GROUP = "nexo._compiled_lib"  # the shared library mypyc builds lives inside the package


def compiled_modules() -> tuple[str, ...]:
    tree = ast.parse((HERE / "nexo" / "_compiled.py").read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "MODULES" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    raise RuntimeError("nexo/_compiled.py has no MODULES tuple")


def source(module: str) -> Path:
    return HERE.joinpath(*module.split(".")).with_suffix(".py")


def warn(message: str) -> None:
    print(f"nexo build: {message}; installing pure Python (slower, same behaviour)", file=sys.stderr)


class BuildExt(build_ext):
    """build_ext that records what it compiled, and falls back to pure Python when it cannot."""

    def run(self) -> None:
        # an editable install copies the extensions into the source tree: first drop what an earlier
        # build put there (the list of modules may have changed since)
        in_tree = self.inplace or getattr(self, "editable_mode", False)
        if in_tree:
            for old in (HERE / "nexo").rglob(f"*{sysconfig.get_config_var('EXT_SUFFIX')}"):
                old.unlink()
            (HERE / "nexo" / "_compiled.json").unlink(missing_ok=True)
        try:
            super().run()
        except Exception as exc:  # no compiler, missing headers, ...: the pure-Python package still works
            warn(f"compiling failed ({exc})")
            return
        if not self.extensions:
            return
        manifest = {"modules": COMPILED_FROM}
        for root in {Path(self.build_lib), HERE} if in_tree else {Path(self.build_lib)}:
            if (root / "nexo").is_dir():
                (root / "nexo" / "_compiled.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")

    def build_extension(self, ext):
        try:
            return super().build_extension(ext)
        except Exception as exc:
            raise RuntimeError(f"{ext.name}: {exc}") from exc


MODULES = compiled_modules()
BUILDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "develop", "install"}
COMPILED_FROM: dict[str, str] = {}  # module: CRC-32 of the source handed to mypyc (as nexo/_compiled.py computes it)


def extensions() -> list:
    if os.environ.get("NEXO_PURE_PYTHON", "").strip() not in ("", "0"):
        return []
    if set(sys.argv[1:]) & {"egg_info", "dist_info"} and not set(sys.argv[1:]) & BUILDS:
        return []  # pip only asks for the metadata: no need for mypyc's type check (~15 s)
    # what mypyc reads now is what gets compiled; hashed before, in case a file changes meanwhile
    COMPILED_FROM.update({m: f"{zlib.crc32(source(m).read_bytes()):08x}" for m in MODULES})
    try:
        from mypyc.build import mypycify

        # mypyc compiles with -Werror: GCC's "may be used uninitialized" has caught mypyc generating code
        # that crashes (a tuple of optional strings tested with ``in``), so the warning stays an error
        # and such a build falls back to pure Python
        # the type check is the project's own ([tool.mypy] in pyproject.toml: strict); the build
        # environment has mypy but not nexo's dependencies (psycopg, ...): their types are not needed
        # by the compiled modules
        paths = [str(source(m).relative_to(HERE)) for m in MODULES]
        # without those dependencies their names are Any, so the strict checks about Any (returning it,
        # subclassing it) and ignores that only matter with their stubs are relaxed here; CI's `mypy` keeps them
        options = [
            "--config-file",
            str(HERE / "pyproject.toml"),
            "--ignore-missing-imports",
            "--no-warn-return-any",
            "--no-warn-unused-ignores",
            "--allow-subclassing-any",
            "--allow-untyped-decorators",
        ]
        extensions = mypycify([*options, *paths], group_name=GROUP, opt_level="3")
    except (Exception, SystemExit) as exc:  # mypy missing, or its type check failed
        warn(f"mypyc could not prepare the modules ({exc!r})")
        return []
    return extensions


setup(ext_modules=extensions(), cmdclass={"build_ext": BuildExt})
