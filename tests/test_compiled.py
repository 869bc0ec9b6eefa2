"""The compiled build (setup.py, nexo/_compiled.py): in use when current, bypassed when stale or
switched off, and giving the same results as the Python sources.

Each check runs in a fresh interpreter, because whether a module runs compiled is decided once, when
``nexo`` is first imported.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import nexo
from nexo import _compiled

PACKAGE = Path(nexo.__file__).resolve().parent
TESTS = Path(__file__).resolve().parent

PROBE = textwrap.dedent(
    """
    import importlib, json, sys
    import nexo._compiled as c
    mods = {m: importlib.import_module(m) for m in c.MODULES}
    print(json.dumps({"state": c.STATE, "compiled": {m: c.is_compiled(mod) for m, mod in mods.items()},
                      "files": {m: mod.__file__ for m, mod in mods.items()}}))
    """
)


def _probe(pythonpath: Path | None = None, pure: bool = False) -> dict:
    env = {k: v for k, v in os.environ.items() if k != _compiled.PURE_ENV}
    if pure:
        env[_compiled.PURE_ENV] = "1"
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    r = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True, cwd=pythonpath or TESTS
    )
    return json.loads(r.stdout)


def _built() -> bool:
    """Whether this install was compiled (a manifest that matches the sources on disk)."""
    try:
        manifest = json.loads((PACKAGE / _compiled.MANIFEST).read_text("utf-8"))["modules"]
    except FileNotFoundError:
        return False
    return all(manifest.get(m) == _compiled.source_digest(_compiled.source_path(m)) for m in _compiled.MODULES)


def test_state_matches_the_build() -> None:
    got = _probe()
    if _built():
        assert got["state"] == "compiled"
        assert all(got["compiled"].values()), got["files"]
    else:
        assert got["state"].startswith("pure Python (")
        assert not any(got["compiled"].values()), got["files"]
        assert all(f.endswith(".py") for f in got["files"].values())


def test_ci_builds_the_compiled_modules() -> None:
    """.ci/run sets NEXO_REQUIRE_COMPILED: there the build must have compiled (a C compiler is present)."""
    if not os.environ.get("NEXO_REQUIRE_COMPILED"):
        pytest.skip("NEXO_REQUIRE_COMPILED is not set (only .ci/run requires the compiled build)")
    assert _built(), f"the install did not compile nexo's modules: {_compiled.STATE}"


def test_the_switch_runs_the_sources() -> None:
    got = _probe(pure=True)
    assert got["state"] == f"pure Python ({_compiled.PURE_ENV} is set)"
    assert not any(got["compiled"].values())
    assert all(f.endswith(".py") for f in got["files"].values())


def test_an_edited_source_runs_from_source_everywhere(tmp_path: Path) -> None:
    """Edit one compiled module's source: all of them run from source (never stale machine code)."""
    if not _built():
        pytest.skip(f"this install is not compiled ({_compiled.STATE})")
    copy = tmp_path / "nexo"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert _probe(tmp_path)["state"] == "compiled"  # the copy as it is: its build matches
    parser = copy / "psl" / "parser.py"
    parser.write_text(parser.read_text("utf-8") + "\n# edited after the build\n", "utf-8")
    got = _probe(tmp_path)
    assert (
        got["state"] == "pure Python (nexo/psl/parser.py changed since it was compiled; run `pip install -e .` again)"
    )
    assert not any(got["compiled"].values())
    assert all(f.startswith(str(copy)) and f.endswith(".py") for f in got["files"].values())


def test_a_changed_module_list_means_sources(tmp_path: Path) -> None:
    """A module compiled by the last build but no longer listed (or listed but not built): sources."""
    if not _built():
        pytest.skip(f"this install is not compiled ({_compiled.STATE})")
    copy = tmp_path / "nexo"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    manifest = json.loads((copy / _compiled.MANIFEST).read_text("utf-8"))
    manifest["modules"]["nexo.migrate.differ"] = "0" * 8  # as if the build had compiled it too
    (copy / _compiled.MANIFEST).write_text(json.dumps(manifest), "utf-8")
    got = _probe(tmp_path)
    assert got["state"].startswith("pure Python (the list of compiled modules changed since the build")
    assert not any(got["compiled"].values())


def test_a_compiled_module_since_become_a_package_imports(tmp_path: Path) -> None:
    """The last build compiled ``nexo.psl.validate`` as one module; it is a package now: it imports from source."""
    if not _built():
        pytest.skip(f"this install is not compiled ({_compiled.STATE})")
    copy = tmp_path / "nexo"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    manifest = json.loads((copy / _compiled.MANIFEST).read_text("utf-8"))
    manifest["modules"]["nexo.psl.validate"] = "0" * 8  # as an older build wrote it
    (copy / _compiled.MANIFEST).write_text(json.dumps(manifest), "utf-8")
    got = _probe(tmp_path)
    assert got["state"].startswith("pure Python (the list of compiled modules changed since the build")
    assert got["files"]["nexo.psl.validate.run"] == str(copy / "psl" / "validate" / "run.py")


def test_a_missing_manifest_means_sources(tmp_path: Path) -> None:
    copy = tmp_path / "nexo"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", _compiled.MANIFEST))
    got = _probe(tmp_path)
    assert got["state"] == "pure Python (not compiled)"
    assert not any(got["compiled"].values())


SAME_RESULTS = textwrap.dedent(
    """
    import hashlib, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from nexo.psl import validate_path
    from nexo.psl.format import format_source
    from nexo.schema import relational_model
    import nexo._compiled as c
    from nexo.errors import NexoError
    from diffcases import all_cases, nexo_plan
    h = hashlib.sha256()
    corpus = sorted(Path(sys.argv[2]).rglob("*.prisma"))
    for p in corpus:
        r = validate_path(p)
        h.update(r.render().encode())
        if not r.diagnostics:
            h.update(repr(relational_model(r.raise_for_errors())).encode())
        try:
            h.update(format_source(p.read_text("utf-8"), p.name).encode())
        except NexoError as exc:  # an invalid schema is not formatted: its message then
            h.update(str(exc).encode())
    cases = all_cases()
    for case in cases:
        plan = nexo_plan(case)
        h.update((plan.script(with_warnings=True) + plan.summary()).encode())
    print(c.STATE, len(corpus), len(cases), h.hexdigest())
    """
)


def test_compiled_and_sources_give_the_same_results() -> None:
    """Every corpus schema (diagnostics, relational model, formatted text) and every diff case's script."""
    if not _built():
        pytest.skip(f"this install is not compiled ({_compiled.STATE}): there is one build only")
    args = [sys.executable, "-c", SAME_RESULTS, str(TESTS / "migrate"), str(TESTS / "psl" / "corpus")]
    env = {k: v for k, v in os.environ.items() if k != _compiled.PURE_ENV}
    compiled = subprocess.run(args, capture_output=True, text=True, env=env, check=True).stdout.split()
    pure = subprocess.run(
        args, capture_output=True, text=True, env={**env, _compiled.PURE_ENV: "1"}, check=True
    ).stdout.split()
    assert compiled[0] == "compiled" and pure[0] == "pure"
    assert int(compiled[-3]) > 100 and int(compiled[-2]) > 60  # the corpus and the diff cases were found
    assert compiled[-3:] == pure[-3:]
