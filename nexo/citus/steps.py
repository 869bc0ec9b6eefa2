"""The Citus steps of ``db:migrate``: each migration that creates tables distributes them as configured."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from nexo.config import Config

from .detect import is_citus
from .layout import TablePlan, distribute_script, distribution_statement, plan_schema, tables_to_distribute

if TYPE_CHECKING:
    import psycopg


def migration_rewriter(conn: psycopg.Connection, config: Config) -> Callable[[str], str] | None:
    """The script rewriter for :func:`nexo.migrate.deploy` on a Citus database configured with
    ``[tool.nexo.citus]`` (``None`` elsewhere: single-server behaviour unchanged)."""
    plans = _plans(conn, config)
    if plans is None:
        return None
    return lambda script: distribute_script(script, plans)


def distribution_steps(conn: psycopg.Connection, config: Config) -> Callable[[str], list[str]] | None:
    """For ``db:migrate:dry``: the distribution statements a migration's script would get (``None`` without
    Citus or ``[tool.nexo.citus]``)."""
    plans = _plans(conn, config)
    if plans is None:
        return None
    return lambda script: [distribution_statement(p) for p in tables_to_distribute(script, plans)]


def _plans(conn: psycopg.Connection, config: Config) -> dict[str, TablePlan] | None:
    if config.citus is None or not is_citus(conn):
        return None
    from nexo.psl import validate_path

    return plan_schema(validate_path(config.schema, config.prisma.version).raise_for_errors(), config.citus)
