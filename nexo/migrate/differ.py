"""The migration differ's public API, kept at its former place: see :mod:`nexo.migrate.diff`."""

from __future__ import annotations

from nexo.migrate.diff import STEP_KINDS, MigrationPlan, Step, diff

__all__ = ["STEP_KINDS", "MigrationPlan", "Step", "diff"]
