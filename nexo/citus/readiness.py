"""The readiness lint of a project: schema.prisma and the SQL layer against ``[tool.nexo.citus]``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from nexo.config import CitusConfig, Config

from .layout import Finding, lint_schema, lint_sql, plan_schema


def readiness(config: Config, schema: Path | None = None) -> list[Finding]:
    """Every finding for the project; the default ``[tool.nexo.citus]`` when the project has none.

    ``schema`` overrides the project's schema (``--schema``). Raises :class:`nexo.psl.PslError` when it is
    invalid. File names are relative to the project.
    """
    from nexo.psl import validate_path

    cfg = config.citus or CitusConfig(distribution_column=config.tenant_column)
    model = validate_path(schema or config.schema, config.prisma.version).raise_for_errors()
    files = sorted(Path(config.sql_dir).glob("*.sql")) if Path(config.sql_dir).is_dir() else []
    files = [f for f in files if not f.name.endswith(".down.sql")]
    found = lint_schema(model, cfg) + lint_sql(files, plan_schema(model, cfg), cfg, config.tenant_setting)
    return [replace(f, file=_relative(Path(f.file), config.root)) for f in found]


def _relative(path: Path, root: Path) -> str:
    """``path`` relative to the project root when it lies under it (findings name files as the user sees them)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
