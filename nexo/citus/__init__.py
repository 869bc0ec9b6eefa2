"""Citus: detection on a live database, the distribution plan from ``[tool.nexo.citus]``, and the readiness lint.

- :func:`inspect` — version, nodes and each table's kind, co-location and shard count (``db:version``).
- :func:`plan_schema` / :func:`lint_schema` / :func:`lint_sql` — what Citus would refuse, with the fix.
- :func:`readiness` — the whole lint for a project (``nexo validate --citus``).
- :func:`migration_rewriter` / :func:`distribute_existing` — ``db:migrate``: each migration distributes the
  tables it creates (when Citus accepts them as created), then the configured tables still local are
  distributed with their data (:func:`pending_distribution`, :func:`distribution_preview` for the dry run);
  ``db:migrate:dev``, ``db:reset`` and ``db:push`` end with the same layout (:func:`distribute_configured`).
"""

from __future__ import annotations

from .detect import CitusReport, TableLayout, citus_version, inspect, is_citus
from .layout import (
    DISTRIBUTED,
    LOCAL,
    REFERENCE,
    Finding,
    TablePlan,
    deferred_tables,
    distribute_script,
    distribution_order,
    distribution_statement,
    lint_schema,
    lint_sql,
    plan_schema,
    plan_table,
    split_foreign_keys,
    tables_to_distribute,
)
from .readiness import readiness
from .steps import (
    distribute_configured,
    distribute_existing,
    distribution_preview,
    distribution_steps,
    migration_rewriter,
    pending_distribution,
    push_rewriter,
)

__all__ = [
    "DISTRIBUTED",
    "LOCAL",
    "REFERENCE",
    "CitusReport",
    "Finding",
    "TableLayout",
    "TablePlan",
    "citus_version",
    "deferred_tables",
    "distribute_configured",
    "distribute_existing",
    "distribute_script",
    "distribution_order",
    "distribution_preview",
    "distribution_statement",
    "distribution_steps",
    "inspect",
    "is_citus",
    "lint_schema",
    "lint_sql",
    "migration_rewriter",
    "pending_distribution",
    "plan_schema",
    "plan_table",
    "push_rewriter",
    "readiness",
    "split_foreign_keys",
    "tables_to_distribute",
]
