"""The import contract of pyproject.toml ([tool.importlinter]: the pipeline order of DESIGN.md) holds for
the package, and breaks, naming the import, when a module imports from a later stage."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")  # installed with the test extra (import-linter)


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the ``nexo`` package under ``root``, with ``root``'s pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def copy_of_the_package(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "nexo", root / "nexo", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_package_keeps_the_import_contract():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
    assert "Pipeline order" in run.stdout


def test_an_import_against_the_pipeline_breaks_the_contract(tmp_path: Path):
    root = copy_of_the_package(tmp_path)
    # unchanged, the copy keeps the contract: what breaks it below is the one added import
    assert lint_imports(root).returncode == 0
    urls = root / "nexo" / "db" / "urls.py"
    urls.write_text(urls.read_text("utf-8") + "\nfrom nexo import migrate  # noqa: E402,F401\n", "utf-8")
    run = lint_imports(root)
    assert run.returncode != 0
    assert "Pipeline order" in run.stdout and "BROKEN" in run.stdout
    assert "nexo.db.urls -> nexo.migrate" in run.stdout


def test_the_client_may_not_import_the_schema_model(tmp_path: Path):
    root = copy_of_the_package(tmp_path)
    errors = root / "nexo" / "client" / "errors.py"
    errors.write_text(errors.read_text("utf-8") + "\nimport nexo.schema  # noqa: E402,F401\n", "utf-8")
    run = lint_imports(root)
    assert run.returncode != 0
    assert (
        "The client runtime imports only nexo.db, nexo.config/nexo.layout (where the URL is) and nexo.errors BROKEN"
        in " ".join(run.stdout.split())
    )
    assert "nexo.client.errors -> nexo.schema" in run.stdout


def test_the_studio_may_not_import_the_generator(tmp_path: Path):
    # the studio sits above the generator in the layers, so only the forbidden contract catches this
    root = copy_of_the_package(tmp_path)
    schema = root / "nexo" / "studio" / "schema.py"
    schema.write_text(schema.read_text("utf-8") + "\nimport nexo.generator.view  # noqa: E402,F401\n", "utf-8")
    run = lint_imports(root)
    assert run.returncode != 0
    out = " ".join(run.stdout.split())
    assert (
        "The studio imports only the client runtime, the schema stages (psl, schema) and nexo.db/config/errors BROKEN"
        in out
    )
    assert "Pipeline order" in out and "errors KEPT" in out
    assert "nexo.studio.schema -> nexo.generator.view" in run.stdout
