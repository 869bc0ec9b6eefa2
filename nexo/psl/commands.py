"""What the CLI's ``nexo validate`` calls (the CLI itself lives in ``nexo/cli.py``)."""

from __future__ import annotations

from pathlib import Path

from .validate import ValidationResult, validate_path


def validate_command(schema_path: str | Path) -> ValidationResult:
    """Validate the schema file or folder at ``schema_path``.

    The result's ``ok`` says whether it is valid; ``render()`` gives the diagnostics report to print
    (exit 1 when not ok). A missing path raises :class:`~nexo.psl.errors.PslError`.
    """
    return validate_path(schema_path)
