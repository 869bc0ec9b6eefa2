"""Running the partial type generator (``partial_type_generator``) the way Prisma Client Python does.

The script calls ``Model.create_partial(...)`` on the *generated* models, so it needs the package
first: nexo writes a scratch copy of it into a temporary folder, runs the script in a separate
Python process with that folder first on ``sys.path`` (so ``from prisma.models import User`` finds
the new models, never an installed ``prisma``), and reads back what was declared. The real output
is only written afterwards, so a failing script leaves it untouched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from .errors import GenerateError
from .writer import copy_tree

MARK = "@@NEXO_PARTIALS@@"
RUNNER = f"""
import importlib, os, runpy, sys
sys.path.insert(0, sys.argv[1])
importlib.import_module(sys.argv[2])
target = sys.argv[3]
if target.endswith(".py") or os.sep in target or "/" in target:
    runpy.run_path(target, run_name="__main__")
else:
    runpy.run_module(target, run_name="__main__", alter_sys=True)
from nexo.client.support import collected_partials
sys.stdout.write("\\n{MARK}" + collected_partials())
"""


def find_script(option: str | None, schema_dir: Path, cwd: Path) -> str | None:
    """The script path or module name to run, or None when there is none."""
    if option is None:
        for candidate in (cwd / "prisma" / "partial_types.py", schema_dir / "partial_types.py"):
            if candidate.is_file():
                return str(candidate.resolve())
        return None
    if option.endswith(".py") or "/" in option or os.sep in option:
        for base in (schema_dir, cwd):
            p = (base / option).resolve()
            if p.is_file():
                return str(p)
        raise GenerateError(
            f"partial_type_generator: the script {option!r} was not found (looked in {schema_dir} and {cwd})"
        )
    return option


def run_partial_generator(
    target: str, package: str, files: dict[str, str], cwd: Path, timeout: float = 120.0
) -> list[dict[str, Any]]:
    """The partial models the script declares (each: name, model, fields, required, optional, relations)."""
    with tempfile.TemporaryDirectory(prefix="nexo-partials-") as tmp:
        copy_tree(files, Path(tmp) / package)
        env = dict(os.environ, PRISMA_GENERATOR_INVOCATION="1", NEXO_GENERATOR_INVOCATION="1")
        try:
            proc = subprocess.run(
                [sys.executable, "-c", RUNNER, tmp, package, target],
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            raise GenerateError(f"The partial type generator {target} did not finish within {timeout:.0f} s") from None
    if proc.returncode != 0 or MARK not in proc.stdout:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise GenerateError(f"The partial type generator {target} failed (exit {proc.returncode}):\n{tail}")
    data = json.loads(proc.stdout.rsplit(MARK, 1)[1])
    assert isinstance(data, list)
    return data


def check_partials(
    partials: list[dict[str, Any]], models: set[str], relation_targets: dict[str, dict[str, str]]
) -> None:
    """Names are unique and not model names; related partials exist and belong to the right model."""
    by_name = {p["name"]: p for p in partials}
    for p in partials:
        if p["name"] in models:
            raise GenerateError(f"The partial {p['name']!r} has the name of a model")
        for field, other in p["relations"].items():
            target = by_name.get(other)
            if target is None:
                raise GenerateError(
                    f"{p['model']}.create_partial({p['name']!r}): relations names an unknown partial {other!r}"
                )
            want = relation_targets[p["model"]][field]
            if target["model"] != want:
                raise GenerateError(
                    f"{p['model']}.create_partial({p['name']!r}): {field} relates to {want}, but {other!r} is a partial of {target['model']}"
                )
