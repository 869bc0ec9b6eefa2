"""The commands over the two ledgers and the server: ``db:migrate``, ``db:migrate:deploy``, ``db:migrate:dry``,
``db:migrate:status``, ``db:migrate:resolve``, ``db:rollback``, drift, ``db:seed`` and ``db:migrate:diff``."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from nexo import migrate as prisma
from nexo import sqllayer
from nexo.citus import distribute_existing, distribution_preview, distribution_steps, migration_rewriter
from nexo.config import Config
from nexo.db import advisory_lock, resolve_target
from nexo.migrate.diffcmd import Source as DiffSource
from nexo.migrate.drift import DriftReport
from nexo.orchestrate.context import (
    DRIFT_IGNORED_TABLES,
    applied_by,
    creating_session,
    introspection_schemas,
    migrations,
    prisma_events,
    schema_model,
    session,
    sql_events,
    sql_files,
    sql_owned,
)
from nexo.orchestrate.results import MigrateResult, OnEvent, OnTarget, Plan, Status

if TYPE_CHECKING:
    from typing import IO

    import psycopg

    from nexo.migrate.diffcmd import DiffOutcome
    from nexo.seed import SeedResult


def migrate(config: Config, *, on_event: OnEvent | None = None, on_target: OnTarget | None = None) -> MigrateResult:
    """``nexo db:migrate``: lock, pending Prisma migrations, then the SQL layer. A database the server does
    not have is created first, as ``prisma migrate deploy`` does (``result.created``)."""
    config.require_migrations()  # a folder that is not there is an error, never "nothing pending"
    migrations(config)  # read and check every file before touching the database
    files = sql_files(config)
    started = time.monotonic()
    with creating_session(config, on_target) as (conn, tgt, created):
        with advisory_lock(conn, timeout=config.lock_timeout) as waited:
            deployed = prisma.deploy(
                conn, config.migrations_dir, on_step=prisma_events(on_event), rewrite=migration_rewriter(conn, config)
            )
            applied = sqllayer.apply(conn, files, applied_by=applied_by(), on_step=sql_events(on_event))
            distributed = distribute_existing(conn, config)
            after = prisma.status(conn, config.migrations_dir)
    return MigrateResult(
        tgt.masked,
        waited,
        deployed,
        _latest(after),
        applied,
        time.monotonic() - started,
        created,
        after.edited,
        distributed,
    )


def deploy(config: Config, *, on_event: OnEvent | None = None, on_target: OnTarget | None = None) -> MigrateResult:
    """``nexo db:migrate:deploy``: the Prisma migrations only, like ``prisma migrate deploy`` (which also
    creates a missing database first: ``result.created``)."""
    config.require_migrations()
    migrations(config)
    started = time.monotonic()
    with creating_session(config, on_target) as (conn, tgt, created):
        with advisory_lock(conn, timeout=config.lock_timeout) as waited:
            deployed = prisma.deploy(
                conn, config.migrations_dir, on_step=prisma_events(on_event), rewrite=migration_rewriter(conn, config)
            )
            after = prisma.status(conn, config.migrations_dir)
    return MigrateResult(
        tgt.masked, waited, deployed, _latest(after), None, time.monotonic() - started, created, after.edited
    )


def _latest(st: prisma.MigrationStatus) -> str | None:
    """The applied migration that comes last in directory order (what ``summary().latest_applied`` says)."""
    return max(st.applied, key=prisma.locale_sort_key) if st.applied else None


def dry_run(config: Config, *, on_target: OnTarget | None = None) -> Plan:
    """What ``migrate`` would run, in order, with checksums. Writes nothing, takes no lock."""
    config.require_migrations()
    files = sql_files(config)
    with session(config, on_target) as (conn, tgt):
        prisma_plan = prisma.plan(conn, config.migrations_dir)
        blocked = None
        try:
            sql_plan = sqllayer.plan(conn, files)
        except sqllayer.SqlLayerError as exc:
            sql_plan, blocked = [], str(exc)
        citus_steps: dict[str, list[str]] = {}
        steps_of = distribution_steps(conn, config)
        if steps_of is not None:
            for m in prisma_plan.pending:
                script = m.path / "migration.sql"
                steps = steps_of(script.read_text(encoding="utf-8")) if script.is_file() else []
                if steps:
                    citus_steps[m.name] = steps
        scripts = [(m.path / "migration.sql") for m in prisma_plan.pending]
        distribute = distribution_preview(conn, config, [p.read_text(encoding="utf-8") for p in scripts if p.is_file()])
    return Plan(tgt.masked, prisma_plan, sql_plan, blocked, citus_steps, distribute)


def status(config: Config, *, on_target: OnTarget | None = None, drift: bool = False) -> Status:
    """Both ledgers against the files; with ``drift``, also the database against schema.prisma."""
    config.require_migrations()
    files = sql_files(config)
    with session(config, on_target) as (conn, tgt):
        st = Status(tgt.masked, prisma.status(conn, config.migrations_dir), sqllayer.status(conn, files), len(files))
        if drift:
            st.drift = drift_report(conn, config, migrations=st.prisma)
        return st


def resolve(
    config: Config,
    *,
    applied: str | None = None,
    rolled_back: str | None = None,
    sql_checksum: str | None = None,
    on_target: OnTarget | None = None,
) -> str:
    """``nexo db:migrate:resolve``: mark a Prisma migration applied or rolled back, or re-record the checksum
    of an applied SQL-layer file after a reviewed edit (``sql_checksum``: its version); returns the message."""
    files = sql_files(config) if sql_checksum is not None else []
    with session(config, on_target) as (conn, _):
        with advisory_lock(conn, timeout=config.lock_timeout):
            if sql_checksum is not None:
                repaired = sqllayer.repair_checksum(conn, files, sql_checksum, applied_by=applied_by())
                if not repaired.recorded:
                    return f"{repaired.script} already has checksum {repaired.new_checksum} recorded; nothing to do."
                return (
                    f"Recorded the new checksum of {repaired.script} ({repaired.old_checksum[:12]}... -> "
                    f"{repaired.new_checksum[:12]}...); the file was not run again."
                )
            if applied:
                return prisma.resolve_applied(conn, config.migrations_dir, applied).message
            assert rolled_back is not None
            return prisma.resolve_rolled_back(conn, rolled_back).message


def rollback(
    config: Config,
    *,
    steps: int | None = None,
    to: str | None = None,
    on_event: OnEvent | None = None,
    on_target: OnTarget | None = None,
) -> sqllayer.RollbackResult:
    """``nexo db:rollback``: run SQL-layer rollback twins newest first (default: one step)."""
    files = sql_files(config)
    if steps is None and to is None:
        steps = 1
    with session(config, on_target) as (conn, _):
        with advisory_lock(conn, timeout=config.lock_timeout):
            return sqllayer.rollback(
                conn, files, steps=steps, to=to, applied_by=applied_by(), on_step=sql_events(on_event)
            )


def drift_report(
    conn: psycopg.Connection, config: Config, *, migrations: prisma.MigrationStatus | None = None
) -> DriftReport:
    """The database on ``conn`` against schema.prisma: one introspection, SQL-layer objects ignored.

    With ``migrations`` (the Prisma status of the same database): while a migration is pending or failed,
    the database cannot match schema.prisma yet, so drift is not checked (a reason, not an error: the
    pending or failed migration is the problem to report)."""
    import psycopg

    from nexo.errors import NexoError
    from nexo.migrate import drift

    if migrations is not None and migrations.failed:
        return drift.not_checked(
            f"Prisma migration {migrations.failed[0]} failed: drift is checked once it is resolved"
        )
    if migrations is not None and migrations.deploy_pending:
        n = len(migrations.deploy_pending)
        return drift.not_checked(
            f"{n} Prisma migration{'s' if n > 1 else ''} not applied yet; drift is checked once "
            f"{'they are' if n > 1 else 'it is'}"
        )
    if not config.schema.exists():
        return drift.not_checked(f"no schema file at {config.schema}")
    try:
        model, namespaces = schema_model(config)
    except NexoError as exc:
        return drift.not_checked(error=f"{_first_schema_error(config, exc)}\n{exc}")
    try:
        return drift.check(
            conn,
            model,
            schemas=introspection_schemas(namespaces),
            ignore_tables=DRIFT_IGNORED_TABLES,
            owned=sql_owned(conn),
        )
    except (NexoError, psycopg.Error) as exc:
        return drift.not_checked(error=f"the database schema could not be compared: {str(exc).strip()}")


def _first_schema_error(config: Config, exc: BaseException) -> str:
    """One line for an invalid schema: the file, line and column of its first error, and the error
    (``nexo validate`` shows them all)."""
    import re

    text = str(exc)
    error = re.search(r"^error: (.+)$", text, re.MULTILINE)
    where = re.search(r"^\s*-->\s+(\S+)$", text, re.MULTILINE)
    if error is None:
        return f"{config.schema.name} is invalid (nexo validate shows why)"
    location = f"{where[1]}: " if where else ""
    return f"{config.schema.name} is invalid: {location}{error[1]} (nexo validate shows every error)"


def drift(config: Config, *, on_target: OnTarget | None = None) -> DriftReport:
    """Whether the configured database matches schema.prisma."""
    with session(config, on_target) as (conn, _):
        return drift_report(conn, config)


def seed(
    config: Config,
    *,
    args: Sequence[str] = (),
    output: IO[str] | None = None,
    on_target: OnTarget | None = None,
) -> SeedResult | None:
    """``nexo db:seed``: run the project's seed command (:mod:`nexo.seed`) with ``DATABASE_URL`` set to the
    configured database (the embedded server is started if that is the one), ``args`` appended. ``None``,
    silently, when no seed command is configured (as Prisma). Raises :class:`nexo.errors.SeedFailed` when
    the command fails."""
    from nexo.seed import find_seed, run_seed

    command = find_seed(config)
    if command is None:
        return None
    tgt = resolve_target(config)
    if on_target:
        on_target(tgt.describe())
    result = run_seed(config, command, tgt.url, args=args, output=output)
    failed = result.error()
    if failed is not None:
        raise failed
    return result


def migrate_diff(
    config: Config,
    from_source: DiffSource,
    to_source: DiffSource,
    *,
    shadow_database_url: str | None = None,
) -> DiffOutcome:
    """``nexo db:migrate:diff``: compare two sources (read-only; a temporary shadow DB for migrations)."""
    from nexo.migrate.diffcmd import migrate_diff_for_project

    return migrate_diff_for_project(config, from_source, to_source, shadow_database_url=shadow_database_url)
