"""The Citus steps of ``db:migrate``: each migration that creates tables distributes them as configured."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from nexo.config import Config

from .detect import is_citus
from .layout import (
    REFERENCE,
    SEQUENTIAL,
    TablePlan,
    deferred_tables,
    distribute_script,
    distribution_order,
    distribution_statement,
    plan_schema,
    tables_to_distribute,
)

if TYPE_CHECKING:
    import psycopg


def migration_rewriter(conn: psycopg.Connection, config: Config) -> Callable[[str], str] | None:
    """The script rewriter for :func:`nexo.migrate.deploy` on a Citus database configured with
    ``[tool.nexo.citus]`` (``None`` elsewhere: single-server behaviour unchanged)."""
    plans = _plans(conn, config)
    if plans is None:
        return None
    return lambda script: distribute_script(script, plans)


def push_rewriter(conn: psycopg.Connection, config: Config) -> Callable[[str], str] | None:
    """The script rewriter for ``db:push`` (``None`` without Citus or ``[tool.nexo.citus]``, and while no table
    of the current schema is a Citus table yet).

    On a database already laid out, the tables a push creates are distributed before their foreign keys, as
    a migration's are (a foreign key from a plain table to a distributed one is refused). On a database with
    no Citus table yet (an empty one), the push creates plain tables, the SQL layer runs on them as on one
    server, and :func:`distribute_configured` then lays them out, as ``db:migrate`` does with the repo's CRM:
    a SQL layer whose history starts with a form Citus refuses on distributed tables (a ``(SELECT ...)``
    policy that a later file replaces) still applies (measured on Citus 13.2.2: run before it, the
    distribution makes the first file fail with ``unexpected non-SELECT command in SubLink``)."""
    rewrite = migration_rewriter(conn, config)
    if rewrite is None:
        return None
    laid_out = conn.execute(
        """SELECT EXISTS (SELECT 1 FROM pg_dist_partition d JOIN pg_class c ON c.oid = d.logicalrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema())"""
    ).fetchone()
    return rewrite if laid_out and laid_out[0] else None


def distribution_steps(conn: psycopg.Connection, config: Config) -> Callable[[str], list[str]] | None:
    """For ``db:migrate:dry``: the distribution statements a migration's script would get (``None`` without
    Citus or ``[tool.nexo.citus]``)."""
    plans = _plans(conn, config)
    if plans is None:
        return None
    return lambda script: (
        []
        if deferred_tables(script, plans)
        else [distribution_statement(p) for p in tables_to_distribute(script, plans)]
    )


def _plans(conn: psycopg.Connection, config: Config) -> dict[str, TablePlan] | None:
    if config.citus is None or not is_citus(conn):
        return None
    from nexo.psl import validate_path

    return plan_schema(validate_path(config.schema, config.prisma.version).raise_for_errors(), config.citus)


UNSAFE_TRIGGERS = "SET LOCAL citus.enable_unsafe_triggers = on"


def pending_distribution(conn: psycopg.Connection, config: Config) -> list[str] | None:
    """The statements that lay out the tables ``[tool.nexo.citus]`` distributes (or makes reference tables)
    but that are still plain local tables on this Citus database, in one transaction: an existing
    single-server database made a Citus coordinator, or tables of a migration that created them in a form
    Citus refuses (:func:`nexo.citus.deferred_tables`) and that later migrations made ready.

    The foreign keys that touch those tables are dropped first and added back last, with their names and
    definitions (``pg_get_constraintdef``), since Citus refuses a foreign key between a local and a
    distributed table; ``create_distributed_table``/``create_reference_table`` copy the rows to the shards,
    and ``truncate_local_data_after_distributing_table`` frees the coordinator's copy. ``[]`` when nothing
    is left to distribute, ``None`` without Citus or ``[tool.nexo.citus]``.
    """
    plans = _plans(conn, config)
    if plans is None:
        return None
    local = {
        str(name)
        for (name,) in conn.execute(
            """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
                  AND NOT EXISTS (SELECT 1 FROM pg_dist_partition d WHERE d.logicalrelid = c.oid)"""
        )
    }
    chosen = distribution_order([p for t, p in plans.items() if t in local and p.kind in (REFERENCE, "distributed")])
    if not chosen:
        return []
    names = [p.table for p in chosen]
    fks = conn.execute(
        """SELECT quote_ident(r.relname), quote_ident(c.conname), pg_get_constraintdef(c.oid)
             FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_class f ON f.oid = c.confrelid
             JOIN pg_namespace n ON n.oid = r.relnamespace
            WHERE c.contype = 'f' AND n.nspname = current_schema()
              AND (r.relname = ANY(%(t)s) OR f.relname = ANY(%(t)s))
            ORDER BY r.relname, c.conname""",
        {"t": names},
    ).fetchall()
    triggers = conn.execute(
        """SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT t.tgisinternal AND n.nspname = current_schema() AND c.relname = ANY(%s)""",
        (names,),
    ).fetchone()
    from nexo.db.ident import quote_ident
    from nexo.db.ident import quote_literal as lit

    out = [SEQUENTIAL]
    if triggers and triggers[0]:  # the SQL layer's triggers (the lint asks it to opt in to unsafe triggers)
        out.append(UNSAFE_TRIGGERS)
    out += [f"ALTER TABLE {t} DROP CONSTRAINT {c}" for t, c, _ in fks]
    out += [distribution_statement(p) for p in chosen]
    out += [f"SELECT truncate_local_data_after_distributing_table({lit(quote_ident(p.table))})" for p in chosen]
    out += [f"ALTER TABLE {t} ADD CONSTRAINT {c} {d}" for t, c, d in fks]
    return out


def distribute_existing(conn: psycopg.Connection, config: Config) -> list[str]:
    """Run :func:`pending_distribution`'s statements in one transaction (all or nothing); returns the tables
    laid out (``[]``: nothing to do, which makes a second run a no-op)."""
    return distribute_configured(conn, config) or []


def distribute_configured(
    conn: psycopg.Connection, config: Config, *, command: str = "db:migrate", applied: str = "the migrations and the"
) -> list[str] | None:
    """:func:`distribute_existing` for any command that ends with the configured layout (``db:migrate``,
    ``db:migrate:dev``, ``db:reset``, ``db:push``): ``None`` without Citus or ``[tool.nexo.citus]`` (nothing
    run, nothing to report), else the tables laid out. On a refusal the error names the statement, says that
    ``applied`` (what the command did before: "the migrations and the", "the schema changes and the") SQL
    layer stays applied, and suggests ``nexo <command>`` again."""
    import psycopg

    from nexo.errors import NexoError

    steps = pending_distribution(conn, config)
    if not steps:
        return steps
    current = steps[0]
    try:
        with conn.transaction():
            for st in steps:
                current = st
                conn.execute(st)  # built from catalog names, quoted
    except psycopg.Error as exc:
        raise NexoError(
            f"Citus refused to lay out the configured tables, so nothing was distributed ({applied} "
            f"SQL layer stay applied).\nStatement: {current}\nCitus: {str(exc).strip()}\n"
            f"Run nexo validate --citus for the schema.prisma and sql/ changes it needs, then nexo {command} again.",
            code="NEXO_CITUS_DISTRIBUTE",
        ) from exc
    return [st.split("'", 2)[1].strip('"') for st in steps if st.startswith("SELECT create_")]


def distribution_preview(conn: psycopg.Connection, config: Config, pending_scripts: list[str]) -> list[str]:
    """For ``db:migrate:dry``: what :func:`distribute_existing` would run after the pending migrations (their
    scripts in order) and the SQL layer: the statements for the tables already here, plus the distribution of
    the tables those migrations create in a form Citus refuses (their foreign keys are dropped and re-added
    around it too). ``[]`` without Citus or ``[tool.nexo.citus]``."""
    steps = pending_distribution(conn, config)
    if steps is None:
        return []
    plans = _plans(conn, config)
    assert plans is not None
    later = [p for script in pending_scripts for p in deferred_tables(script, plans)]
    if not later:
        return steps
    now = {st.split("'", 2)[1].strip('"') for st in steps if st.startswith("SELECT create_")}
    here = [p for p in plans.values() if p.table in now]
    chosen = distribution_order(here + [p for p in later if p.table not in now])
    return [SEQUENTIAL, "-- (their foreign keys are dropped before and added back after)"] + [
        distribution_statement(p) for p in chosen
    ]
