"""The Citus steps of ``db:migrate``: each migration that creates tables distributes them as configured."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from nexo.config import Config

from .detect import is_citus
from .layout import distribute_script, plan_schema

if TYPE_CHECKING:
    import psycopg


def migration_rewriter(conn: psycopg.Connection, config: Config) -> Callable[[str], str] | None:
    """The script rewriter for :func:`nexo.migrate.deploy` on a Citus database configured with
    ``[tool.nexo.citus]`` (``None`` elsewhere: single-server behaviour unchanged)."""
    if config.citus is None or not is_citus(conn):
        return None
    from nexo.psl import validate_path

    plans = plan_schema(validate_path(config.schema).raise_for_errors(), config.citus)
    return lambda script: distribute_script(script, plans)
