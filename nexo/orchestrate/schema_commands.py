"""The schema-driven commands, which end with the generators step: ``db:migrate:dev``, ``db:push`` and
``db:reset`` (the latter two with the reset guards), each followed by the seed command where Prisma runs it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from nexo import migrate as prisma
from nexo import sqllayer
from nexo.citus import distribute_configured, migration_rewriter, push_rewriter
from nexo.config import Config
from nexo.db import Target, advisory_lock
from nexo.errors import NexoError
from nexo.migrate.dev import AskName
from nexo.migrate.reset import Confirm
from nexo.orchestrate.context import (
    DRIFT_IGNORED_TABLES,
    applied_by,
    creating_session,
    datasource_shadow_url,
    host_port,
    introspection_schemas,
    load_schema,
    location_line,
    migrations,
    prisma_events,
    schema_model,
    sql_events,
    sql_files,
    sql_owned,
)
from nexo.orchestrate.generators import generate_wanted, run_generators
from nexo.orchestrate.results import DevReport, ForceReset, OnEvent, OnTarget, PushReport, ResetReport

if TYPE_CHECKING:
    from datetime import datetime
    from typing import IO

    import psycopg


def migrate_dev(
    config: Config,
    *,
    name: str | None = None,
    create_only: bool = False,
    accept_data_loss: bool = False,
    confirm: Confirm | None = None,
    ask_name: AskName | None = None,
    shadow_database_url: str | None = None,
    skip_generate: bool = False,
    skip_seed: bool = False,
    seed_output: IO[str] | None = None,
    before_seed: Callable[[DevReport], None] | None = None,
    on_event: OnEvent | None = None,
    on_target: OnTarget | None = None,
    on_warnings: Callable[[str], None] | None = None,
    now: datetime | None = None,
) -> DevReport:
    """``nexo db:migrate:dev``: like ``prisma migrate dev`` (see :mod:`nexo.migrate.dev`), then the SQL layer,
    then the schema's generators (like Prisma: also when already in sync; not with ``create_only``).
    ``now`` is the new migration folder's timestamp (UTC; default: the current time).

    One advisory lock covers the diagnosis, the new migration and the SQL layer. ``confirm`` is
    asked before destructive changes; ``None`` (no terminal) stops instead unless ``accept_data_loss``.
    Without ``name``, ``ask_name`` is asked for one when a migration is written (no ``ask_name``: an
    unnamed migration, as Prisma writes without a terminal).

    When the server does not have the database, it is created first (``report.created_database``) and,
    as Prisma 6.19 does then, the project's seed command runs last (unless ``skip_seed``,
    ``PRISMA_MIGRATE_SKIP_SEED`` or ``create_only``), the way :func:`reset` runs it: ``before_seed`` gets
    the report first, the seed's output goes to ``seed_output``, and a failed seed is in ``report.seed``,
    not raised.
    """
    from nexo.migrate.dev import migrate_dev as dev
    from nexo.psl import validate_path
    from nexo.schema import relational_model

    checked = validate_path(config.schema, config.prisma.version)
    schema = checked.raise_for_errors()  # P1012 before anything else
    warnings = checked.render_warnings()
    model, namespaces = relational_model(schema), tuple(schema.datasource.schemas)
    shadow = shadow_database_url or datasource_shadow_url(config, schema)
    migrations(config)
    files = sql_files(config)
    started = time.monotonic()

    def target_then_warnings(description: str) -> None:
        # the schema's warnings follow the database line, in ``nexo validate``'s wording
        if on_target is not None:
            on_target(description)
        if warnings and on_warnings is not None:
            on_warnings(warnings)

    with creating_session(config, target_then_warnings) as (conn, tgt, created):
        with advisory_lock(conn, timeout=config.lock_timeout):
            result = dev(
                conn,
                tgt.url,
                config.migrations_dir,
                model,
                name=name,
                location=location_line(conn, namespaces),
                create_only=create_only,
                accept_data_loss=accept_data_loss,
                confirm=confirm,
                ask_name=ask_name,
                shadow_url=shadow,
                schemas=introspection_schemas(namespaces),
                ignore_tables=DRIFT_IGNORED_TABLES,
                now=now,
                on_step=prisma_events(on_event),
                owned=sql_owned(conn),
                rewrite=migration_rewriter(conn, config),
            )
            applied = None
            distributed = None
            if not create_only:
                applied = sqllayer.apply(conn, files, applied_by=applied_by(), on_step=sql_events(on_event))
                distributed = distribute_configured(conn, config, command="db:migrate:dev")
    seconds = time.monotonic() - started
    generated = None if create_only or not generate_wanted(config, skip_generate) else run_generators(config, schema)
    report = DevReport(tgt.masked, result, applied, str(config.migrations_dir), seconds, generated, created)
    report.citus_distributed = distributed
    report.schema_warnings = [w.to_dict() for w in checked.warnings]
    _seed_after_creation(
        config, report, tgt, skip_seed=skip_seed or create_only, output=seed_output, before=before_seed
    )
    return report


def _seed_after_creation(
    config: Config,
    report: DevReport,
    tgt: Target,
    *,
    skip_seed: bool,
    output: IO[str] | None,
    before: Callable[[DevReport], None] | None,
) -> None:
    """Prisma's last step of ``migrate dev``: the seed command, only when the run created the database."""
    from nexo.seed import find_seed, run_seed, seed_wanted

    command = None
    if report.created_database is not None and seed_wanted(config, skip_seed):
        try:
            command = find_seed(config)
        except NexoError as exc:  # a bad package.json: said after the report, the database work stays
            report.seed_error = exc
    if before is not None:
        before(report)
    if command is not None:
        applied = len(report.dev.pending_names) + (
            len(report.dev.applied_new.applied_names) if report.dev.applied_new else 0
        )
        files = len(report.sql.steps) if report.sql is not None else 0
        done = f"The database was created and {applied} migration(s) applied, then {files} SQL-layer file(s),"
        report.seed = run_seed(config, command, tgt.url, output=output, after=done)


def push(
    config: Config,
    *,
    accept_data_loss: bool = False,
    force_reset: bool = False,
    production_ok: bool = False,
    confirm: Confirm | None = None,
    skip_generate: bool = False,
    on_event: OnEvent | None = None,
    on_target: OnTarget | None = None,
) -> PushReport:
    """``nexo db:push``: make the database match schema.prisma without a migration file, then the SQL
    layer, then the schema's generators.

    ``force_reset`` (Prisma's ``db push --force-reset``) first empties the target schema(s) exactly as
    ``db:reset`` does, without asking (as Prisma), but with ``db:reset``'s production-name guard
    (``production_ok``). The reset is its own transaction: if the push or the SQL layer then fails,
    the error says the data is already gone (:class:`nexo.migrate.errors.FailedAfterReset`).
    A database the server does not have is created first, as Prisma does (``report.created``).
    """
    import psycopg

    from nexo.migrate.errors import FailedAfterReset
    from nexo.migrate.push import push as do_push
    from nexo.migrate.reset import clean_schemas
    from nexo.schema import relational_model

    schema = load_schema(config)  # P1012 before anything else
    model, namespaces = relational_model(schema), tuple(schema.datasource.schemas)
    files = sql_files(config)
    started = time.monotonic()
    with creating_session(config, on_target) as (conn, tgt, created):
        reset: ForceReset | None = None
        if force_reset:
            database, schemas = _allowed_reset(
                config,
                conn,
                tgt,
                namespaces,
                force=True,
                production_ok=production_ok,
                confirm=None,
                command="db:push --force-reset",
            )
        with advisory_lock(conn, timeout=config.lock_timeout):
            if force_reset:
                reset = ForceReset(database, host_port(conn), schemas, clean_schemas(conn, schemas))
            try:
                result = do_push(
                    conn,
                    model,
                    accept_data_loss=accept_data_loss,
                    confirm=confirm,
                    schemas=introspection_schemas(namespaces),
                    ignore_tables=DRIFT_IGNORED_TABLES,
                    owned=sql_owned(conn),
                    rewrite=push_rewriter(conn, config),
                )
                applied = sqllayer.apply(conn, files, applied_by=applied_by(), on_step=sql_events(on_event))
                distributed = distribute_configured(
                    conn, config, command="db:push", applied="the schema changes and the"
                )
            except (NexoError, psycopg.Error) as exc:
                if reset is None:
                    raise
                raise FailedAfterReset(
                    exc, database=reset.database, schemas=reset.schemas, dropped=reset.cleaned.count
                ) from exc
    seconds = time.monotonic() - started
    generated = run_generators(config, schema) if generate_wanted(config, skip_generate) else None
    return PushReport(tgt.masked, result, applied, seconds, reset, generated, created, distributed)


def _allowed_reset(
    config: Config,
    conn: psycopg.Connection,
    tgt: Target,
    namespaces: tuple[str, ...] | None,
    *,
    force: bool,
    production_ok: bool,
    confirm: Confirm | None,
    command: str,
) -> tuple[str, list[str]]:
    """The database's name and the schemas a reset would empty, once the reset guards allow it
    (:func:`nexo.migrate.reset.check_reset_allowed`: a terminal's yes or ``force``, the production guard)."""
    from nexo.migrate.reset import check_reset_allowed

    database = conn.execute("SELECT current_database()").fetchone()[0]  # type: ignore[index]
    schemas = _reset_schemas(config, conn, namespaces)
    check_reset_allowed(
        database=database,
        location=tgt.masked,
        schemas=schemas,
        embedded=tgt.embedded,
        force=force,
        production_ok=production_ok,
        confirm=confirm,
        command=command,
    )
    return database, schemas


def _reset_schemas(config: Config, conn: psycopg.Connection, namespaces: tuple[str, ...] | None = None) -> list[str]:
    """The schemas a reset empties: the connection's current schema, plus the datasource's ``schemas``
    (read from schema.prisma unless given)."""
    found = [prisma.ledger.current_schema(conn)]
    if namespaces is not None:
        found += [n for n in namespaces if n not in found]
    elif config.schema.exists():
        try:
            _, namespaces = schema_model(config)
        except NexoError:
            namespaces = ()  # an invalid schema does not stop a reset; it re-applies the migrations only
        found += [n for n in namespaces if n not in found]
    return found


def reset(
    config: Config,
    *,
    force: bool = False,
    skip_sql: bool = False,
    production_ok: bool = False,
    confirm: Confirm | None = None,
    skip_generate: bool = False,
    skip_seed: bool = False,
    seed_output: IO[str] | None = None,
    before_seed: Callable[[ResetReport], None] | None = None,
    on_event: OnEvent | None = None,
    on_target: OnTarget | None = None,
) -> ResetReport:
    """``nexo db:reset``: drop everything in the target schema(s), re-apply every Prisma migration, then
    (unless ``skip_sql``) the SQL layer, then (unless ``skip_generate``) the schema's generators, then
    (unless ``skip_seed`` or ``PRISMA_MIGRATE_SKIP_SEED``) the project's seed command, in Prisma's order.
    Guarded: see :func:`nexo.migrate.reset.check_reset_allowed`.

    ``before_seed`` gets the report once the database work and the generators are done, before the seed
    command runs (also when none runs), so a caller can print it first. The seed's output goes to
    ``seed_output`` (default: stdout). A failed seed does not raise: ``report.seed`` says how it ended and
    ``report.seed.error()`` is the error to show; the reset's work stays. A database the server does not
    have is created first, as Prisma does (``report.created``)."""
    from nexo.migrate.reset import clean_schemas
    from nexo.seed import find_seed, run_seed, seed_wanted

    seed_command = find_seed(config) if seed_wanted(config, skip_seed) else None  # a bad package.json stops us here
    migrations(config)
    files = [] if skip_sql else sql_files(config)
    started = time.monotonic()
    with creating_session(config, on_target) as (conn, tgt, created):
        database, schemas = _allowed_reset(
            config, conn, tgt, None, force=force, production_ok=production_ok, confirm=confirm, command="db:reset"
        )
        with advisory_lock(conn, timeout=config.lock_timeout):
            cleaned = clean_schemas(conn, schemas)
            deployed = prisma.deploy(
                conn, config.migrations_dir, on_step=prisma_events(on_event), rewrite=migration_rewriter(conn, config)
            )
            applied = distributed = None
            if not skip_sql:  # with --skip-sql, as db:migrate:deploy: the migrations' own distribution steps only
                applied = sqllayer.apply(conn, files, applied_by=applied_by(), on_step=sql_events(on_event))
                distributed = distribute_configured(conn, config, command="db:migrate")
    seconds = time.monotonic() - started
    generated = run_generators(config) if generate_wanted(config, skip_generate) else None
    report = ResetReport(tgt.masked, database, schemas, cleaned, deployed, applied, seconds, generated, created=created)
    report.citus_distributed = distributed
    if before_seed is not None:
        before_seed(report)
    if seed_command is not None:
        done = f"The database was reset and {len(deployed.applied)} migration(s) applied, " + (
            "without the SQL layer (--skip-sql),"
            if applied is None
            else f"then {len(applied.steps)} SQL-layer file(s),"
        )
        report.seed = run_seed(config, seed_command, tgt.url, output=seed_output, after=done)
    return report
