"""The operations behind the database commands, as plain functions over a :class:`Config`.

``migrate`` is ``nexo db:migrate``: one advisory lock around the whole run, the pending Prisma
migrations, then the pending SQL-layer files, then one report. The other functions are the
single-ledger commands (deploy, status, resolve, rollback) and the embedded server. This module is
also the only one that calls both the migration side and the client generator: ``migrate_dev``,
``push`` and ``reset`` end, like Prisma's ``migrate dev`` / ``db push`` / ``migrate reset``, by running
the schema's generators (:func:`run_generators`); ``reset`` then runs the project's seed command, as
Prisma's ``migrate reset`` does (:mod:`nexo.seed`; ``seed`` alone is ``nexo db:seed``). Like Prisma's
``migrate dev``, ``db push``, ``migrate reset`` and ``migrate deploy``, ``migrate_dev``, ``push``, ``reset``,
``migrate`` and ``deploy`` create the target database when the server does not have it
(:func:`creating_session`), and ``migrate_dev`` then runs the seed command too. A service can call
them at start-up without a subprocess::

    from nexo.config import load_config
    from nexo.orchestrate import migrate
    migrate(load_config())
"""

from __future__ import annotations

import getpass
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nexo import migrate as prisma
from nexo import sqllayer
from nexo.config import Config
from nexo.db import Target, advisory_lock, connect, connect_or_create, embedded, resolve_target
from nexo.errors import NexoError
from nexo.migrate.dev import AskName, DevResult
from nexo.migrate.diffcmd import Source as DiffSource
from nexo.migrate.drift import DriftReport
from nexo.migrate.push import PushResult
from nexo.migrate.reset import CleanResult, Confirm
from nexo.sqllayer.placeholders import with_placeholders

if TYPE_CHECKING:
    from typing import IO

    import psycopg

    from nexo.db.create import CreatedDatabase
    from nexo.generator import GenerateResult
    from nexo.seed import SeedResult

#: progress callback: (ledger, phase, index, total, label, seconds or None)
OnEvent = Callable[[str, str, int, int, str, float | None], None]
OnTarget = Callable[[str], None]


def embedded_up(config: Config) -> str:
    return embedded.start(config.data_dir)


def embedded_down(config: Config) -> bool:
    return embedded.stop(config.data_dir)


def target(config: Config) -> Target:
    return resolve_target(config)


def placeholders(config: Config) -> dict[str, str]:
    """The values SQL-layer files may use as ``${name}``."""
    return {
        "app_role": config.app_role,
        "tenant_setting": config.tenant_setting,
        "tenant_column": config.tenant_column,
    }


def sql_files(config: Config) -> list[sqllayer.SqlFile]:
    """The SQL layer's files, placeholders filled in (empty when there is no sql/ folder)."""
    if not config.sql_dir.is_dir():
        return []
    return with_placeholders(sqllayer.discover(config.sql_dir), placeholders(config))


def migrations(config: Config) -> list[prisma.MigrationDir]:
    """The Prisma migration folders, in Prisma's order; every script is read (P3015 when one is missing)."""
    found = prisma.list_migrations(config.migrations_dir)
    for m in found:
        m.read_script()
    return found


def applied_by() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment (containers)
        user = "?"
    return f"{user}@{socket.gethostname()}"


@contextmanager
def session(config: Config, on_target: OnTarget | None = None) -> Iterator[tuple[psycopg.Connection, Target]]:
    """A connection to the configured database (the embedded server when no URL is set)."""
    with creating_session(config, on_target, create=False) as (conn, tgt, _):
        yield conn, tgt


@contextmanager
def creating_session(
    config: Config, on_target: OnTarget | None = None, *, create: bool = True
) -> Iterator[tuple[psycopg.Connection, Target, CreatedDatabase | None]]:
    """:func:`session`, creating the database first when the server does not have it, as Prisma 6.19 does
    before ``migrate dev``, ``db push``, ``migrate reset`` and ``migrate deploy`` (its ensureDatabaseExists;
    see :mod:`nexo.db.create`), and the schema a Prisma URL names with ``?schema=``. The third value is
    what was created (``None``: it was there). The embedded server makes its own database when it
    starts, so that path is a plain connection."""
    from nexo.db.create import create_url_schema

    tgt = resolve_target(config)
    if on_target:
        on_target(tgt.describe())
    if tgt.embedded or not create:
        conn, created = connect(tgt.url, application_name="nexo"), None
    else:
        conn, created = connect_or_create(tgt.url, application_name="nexo")
    if create:
        try:
            create_url_schema(conn, tgt.url)
        except BaseException:
            conn.close()
            raise
    try:
        yield conn, tgt, created
    finally:
        conn.close()


def _created_dict(created: CreatedDatabase | None) -> dict[str, object] | None:
    return None if created is None else created.to_dict()


# --- results ----------------------------------------------------------------------------------


@dataclass
class MigrateResult:
    """What one ``db:migrate`` (or ``db:migrate:deploy``) run did."""

    target: str
    lock_wait_s: float
    prisma: prisma.DeployResult
    #: the latest applied Prisma migration after the run
    prisma_latest: str | None
    sql: sqllayer.ApplyResult | None
    seconds: float = 0.0
    #: the database this run created because the server did not have it (Prisma's ensureDatabaseExists)
    created: CreatedDatabase | None = None

    @property
    def prisma_applied(self) -> list[str]:
        return self.prisma.applied_names

    @property
    def sql_applied(self) -> list[str]:
        return [s.step.label for s in self.sql.steps] if self.sql else []

    def to_dict(self) -> dict[str, object]:
        return {
            "database": self.target,
            "database_created": _created_dict(self.created),
            "lock_wait_s": round(self.lock_wait_s, 3),
            "seconds": round(self.seconds, 3),
            "prisma": {
                "applied": [
                    {
                        "name": a.name,
                        "ms": round(a.seconds * 1000),
                        "transactional": a.mode == "transaction",
                        "reason": a.reason,
                        "statements": a.statements,
                        "checksum": a.checksum,
                    }
                    for a in self.prisma.applied
                ],
                "latest": self.prisma_latest,
            },
            "sql": None
            if self.sql is None
            else {
                "applied": [
                    {
                        "version": s.step.version,
                        "name": s.step.name,
                        "kind": s.step.kind,
                        "ms": s.execution_ms,
                        "transactional": s.step.transactional,
                        "checksum": s.step.checksum,
                    }
                    for s in self.sql.steps
                ],
                "latest_version": self.sql.latest_version,
                "schema_version": self.sql.latest_schema_version,
            },
        }


@dataclass
class Plan:
    """What ``db:migrate`` would run, in order (a dry run)."""

    target: str
    prisma: prisma.DeployPlan
    sql: list[sqllayer.PlannedStep]
    sql_blocked: str | None = None

    @property
    def prisma_blocked(self) -> str | None:
        return "\n\n".join(str(b) for b in self.prisma.blockers) or None

    def to_dict(self) -> dict[str, object]:
        return {
            "database": self.target,
            "prisma": {
                "found": self.prisma.found,
                "table_exists": self.prisma.table_exists,
                "pending": [
                    {
                        "name": m.name,
                        "checksum": m.checksum,
                        "transactional": m.mode == "transaction",
                        "reason": m.reason,
                    }
                    for m in self.prisma.pending
                ],
                "blocked": self.prisma_blocked,
            },
            "sql": [
                {
                    "kind": s.kind,
                    "version": s.version,
                    "name": s.name,
                    "file": s.script,
                    "checksum": s.checksum,
                    "transactional": s.transactional,
                    "reason": s.reason,
                    "statements": s.statement_count,
                }
                for s in self.sql
            ],
            "sql_blocked": self.sql_blocked,
        }


@dataclass
class Status:
    target: str
    prisma: prisma.MigrationStatus
    sql: sqllayer.LayerStatus
    sql_files: int = 0
    #: the database against schema.prisma (``status(..., drift=True)``); ``None`` when not asked
    drift: DriftReport | None = None

    @property
    def up_to_date(self) -> bool:
        p = self.prisma
        in_sync = self.drift is None or not self.drift.drifted
        return bool(p.up_to_date and not p.deploy_pending and not p.edited and self.sql.up_to_date and in_sync)

    def prisma_text(self, directory_label: str) -> str:
        return prisma.render_status(self.prisma, directory_label=directory_label)

    def to_dict(self) -> dict[str, object]:
        s, p = self.sql, self.prisma
        return {
            "database": self.target,
            "up_to_date": self.up_to_date,
            "prisma": {
                "table_exists": p.table_exists,
                "local": list(p.local),
                "applied": list(p.applied),
                "pending": list(p.deploy_pending),
                "failed": list(p.failed),
                "edited": list(p.edited),
                "not_found_locally": list(p.db_only),
                "history": p.history,
                "up_to_date": p.up_to_date,
                "problem": str(p.lock_error) if p.lock_error else None,
            },
            "sql": {
                "table_exists": s.table_exists,
                "files": self.sql_files,
                "applied": [a.version for a in s.applied],
                "pending": [f.label for f in s.pending],
                "failed": [f.version or f.name for f in s.failed],
                "changed": [c.file.label for c in s.changed],
                "repeatable_pending": [f.label for f in s.repeatable_pending],
                "missing_on_disk": [a.version for a in s.missing_on_disk],
                "latest_version": s.latest_version,
                "schema_version": s.latest_schema_version,
            },
            **({"drift": self.drift.to_dict()} if self.drift is not None else {}),
        }


# --- operations -------------------------------------------------------------------------------


def _prisma_events(on_event: OnEvent | None):
    if on_event is None:
        return None

    def cb(ev: prisma.DeployEvent) -> None:
        on_event("prisma", ev.phase, ev.index, ev.total, ev.name, ev.seconds)

    return cb


def _sql_events(on_event: OnEvent | None):
    if on_event is None:
        return None

    def cb(ev: sqllayer.StepEvent) -> None:
        seconds = ev.result.execution_ms / 1000 if ev.result else None
        label = f"{ev.step.script}" if ev.step.kind != "rollback" else f"{ev.step.script} (rollback)"
        on_event("sql", ev.phase, ev.index, ev.total, label, seconds)

    return cb


def migrate(config: Config, *, on_event: OnEvent | None = None, on_target: OnTarget | None = None) -> MigrateResult:
    """``nexo db:migrate``: lock, pending Prisma migrations, then the SQL layer. A database the server does
    not have is created first, as ``prisma migrate deploy`` does (``result.created``)."""
    migrations(config)  # read and check every file before touching the database
    files = sql_files(config)
    started = time.monotonic()
    with creating_session(config, on_target) as (conn, tgt, created):
        with advisory_lock(conn, timeout=config.lock_timeout) as waited:
            deployed = prisma.deploy(conn, config.migrations_dir, on_step=_prisma_events(on_event))
            applied = sqllayer.apply(conn, files, applied_by=applied_by(), on_step=_sql_events(on_event))
            latest = prisma.summary(conn, config.migrations_dir).latest_applied
    return MigrateResult(tgt.masked, waited, deployed, latest, applied, time.monotonic() - started, created)


def deploy(config: Config, *, on_event: OnEvent | None = None, on_target: OnTarget | None = None) -> MigrateResult:
    """``nexo db:migrate:deploy``: the Prisma migrations only, like ``prisma migrate deploy`` (which also
    creates a missing database first: ``result.created``)."""
    migrations(config)
    started = time.monotonic()
    with creating_session(config, on_target) as (conn, tgt, created):
        with advisory_lock(conn, timeout=config.lock_timeout) as waited:
            deployed = prisma.deploy(conn, config.migrations_dir, on_step=_prisma_events(on_event))
            latest = prisma.summary(conn, config.migrations_dir).latest_applied
    return MigrateResult(tgt.masked, waited, deployed, latest, None, time.monotonic() - started, created)


def dry_run(config: Config, *, on_target: OnTarget | None = None) -> Plan:
    """What ``migrate`` would run, in order, with checksums. Writes nothing, takes no lock."""
    files = sql_files(config)
    with session(config, on_target) as (conn, tgt):
        prisma_plan = prisma.plan(conn, config.migrations_dir)
        blocked = None
        try:
            sql_plan = sqllayer.plan(conn, files)
        except sqllayer.SqlLayerError as exc:
            sql_plan, blocked = [], str(exc)
    return Plan(tgt.masked, prisma_plan, sql_plan, blocked)


def status(config: Config, *, on_target: OnTarget | None = None, drift: bool = False) -> Status:
    """Both ledgers against the files; with ``drift``, also the database against schema.prisma."""
    files = sql_files(config)
    with session(config, on_target) as (conn, tgt):
        st = Status(tgt.masked, prisma.status(conn, config.migrations_dir), sqllayer.status(conn, files), len(files))
        if drift:
            st.drift = drift_report(conn, config)
        return st


def resolve(
    config: Config, *, applied: str | None = None, rolled_back: str | None = None, on_target: OnTarget | None = None
) -> str:
    """``nexo db:migrate:resolve``: mark a Prisma migration applied or rolled back; returns the message."""
    with session(config, on_target) as (conn, _):
        with advisory_lock(conn, timeout=config.lock_timeout):
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
                conn, files, steps=steps, to=to, applied_by=applied_by(), on_step=_sql_events(on_event)
            )


# --- schema-driven commands: migrate dev, push, reset, diff, drift -------------------------------

#: tables the drift check leaves out: the SQL layer's ledger (Prisma's own table is known to the migrate
#: package; introspection leaves out both, see nexo.schema.introspect.LEDGER_TABLES)
DRIFT_IGNORED_TABLES = (sqllayer.HISTORY_TABLE,)


def load_schema(config: Config):  # -> nexo.psl.Schema
    """The validated schema.prisma; :class:`nexo.psl.PslError` (P1012, every diagnostic) when invalid."""
    from nexo.psl import validate_path

    return validate_path(config.schema).raise_for_errors()


def schema_model(config: Config):  # -> tuple[nexo.schema.Database, tuple[str, ...]]
    """The relational model of schema.prisma and the datasource's ``schemas`` (empty: single schema)."""
    from nexo.schema import relational_model

    schema = load_schema(config)
    return relational_model(schema), tuple(schema.datasource.schemas)


def _env_value(config: Config, name: str) -> str | None:
    """``env("name")`` for the project's schema (:func:`nexo.config.env_value`); an empty value is unset."""
    from nexo.config import env_value

    return env_value(name, config.root, schema=config.schema) or None


def datasource_shadow_url(config: Config, schema=None) -> str | None:
    """``shadowDatabaseUrl`` of the datasource (``env("X")`` resolved), if schema.prisma sets one."""
    from nexo.psl.model import Env

    value = (schema or load_schema(config)).datasource.shadow_database_url
    if isinstance(value, Env):
        return _env_value(config, value.name)
    return value if isinstance(value, str) and value else None


def _introspection_schemas(namespaces: tuple[str, ...]) -> list[str] | None:
    return list(namespaces) if namespaces else None


def _host_port(conn: psycopg.Connection) -> str:
    return f"{conn.info.host or 'localhost'}:{conn.info.port}"


def _location(conn: psycopg.Connection, namespaces: tuple[str, ...]) -> str:
    """Prisma's ``We need to reset the "public" schema at "host:port"`` line."""
    where = _host_port(conn)
    if namespaces:
        return f'We need to reset the following schemas: "{", ".join(namespaces)}" at "{where}"'
    schema = prisma.ledger.current_schema(conn)
    return f'We need to reset the "{schema}" schema at "{where}"'


def drift_report(conn: psycopg.Connection, config: Config) -> DriftReport:
    """The database on ``conn`` against schema.prisma: one introspection, SQL-layer objects ignored."""
    import psycopg

    from nexo.errors import NexoError
    from nexo.migrate import drift

    if not config.schema.exists():
        return drift.not_checked(f"no schema file at {config.schema}")
    try:
        model, namespaces = schema_model(config)
    except NexoError as exc:
        return drift.not_checked(error=f"schema.prisma is invalid:\n{exc}")
    try:
        return drift.check(conn, model, schemas=_introspection_schemas(namespaces), ignore_tables=DRIFT_IGNORED_TABLES)
    except (NexoError, psycopg.Error) as exc:
        return drift.not_checked(error=f"the database schema could not be compared: {str(exc).strip()}")


def drift(config: Config, *, on_target: OnTarget | None = None) -> DriftReport:
    """Whether the configured database matches schema.prisma."""
    with session(config, on_target) as (conn, _):
        return drift_report(conn, config)


# --- the generators step that ends migrate dev, push and reset ----------------------------------

#: Prisma's environment switch that skips the generators of ``migrate dev``, ``db push`` and ``migrate reset``
SKIP_GENERATE_ENV = "PRISMA_MIGRATE_SKIP_GENERATE"


@dataclass
class GenerateStep:
    """What the generators step did after ``db:migrate:dev``, ``db:push`` or ``db:reset``.

    ``result`` is ``None`` when the schema has no generator nexo runs (nothing written; ``notes``
    names the blocks left alone) or when generation failed: ``error`` then holds the message, which
    the command prints after its report, so a failure never hides the database work already done.
    """

    result: GenerateResult | None = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    def to_dict(self) -> dict[str, object]:
        return {
            "clients": [c.to_dict() for c in self.result.clients] if self.result else [],
            "notes": list(self.notes),
            "elapsed_ms": round(self.result.elapsed_ms, 1) if self.result else None,
            "error": self.error,
        }


def generate_wanted(config: Config, skip_generate: bool) -> bool:
    """False with ``--skip-generate`` or Prisma's ``PRISMA_MIGRATE_SKIP_GENERATE`` (environment or .env)."""
    return not skip_generate and not _env_value(config, SKIP_GENERATE_ENV)


def run_generators(config: Config, schema=None) -> GenerateStep:  # schema: a validated nexo.psl.Schema
    """Prisma's "Running generate..." step: every ``prisma-client-py`` generator of the project's
    schema (``nexo db:generate``). No schema file or no generator block: nothing, silently. Blocks
    of other providers (``prisma-client-js`` ...) are left alone with a note each, as
    ``db:generate`` does. A failure (bad generator option, output holding foreign files, a write
    error, an invalid schema) is returned in ``error``, not raised."""
    from nexo.generator import generate, read_generators

    notes: list[str] = []
    try:
        if not config.schema.exists():
            return GenerateStep()
        validated = schema if schema is not None else load_schema(config)
        clients, notes = read_generators(validated)
        if not clients:
            return GenerateStep(notes=notes)
        result = generate(config.schema, project=config.root)
        return GenerateStep(result=result, notes=list(result.notes))
    except NexoError as exc:
        return GenerateStep(notes=notes, error=str(exc))
    except Exception as exc:  # a write error (OSError) or a bug: still reported after the database work
        return GenerateStep(notes=notes, error=f"Error: generating the client failed: {type(exc).__name__}: {exc}")


@dataclass
class DevReport:
    """What ``db:migrate:dev`` did: the Prisma part, then the SQL layer."""

    target: str
    dev: DevResult
    sql: sqllayer.ApplyResult | None
    directory: str
    seconds: float = 0.0
    #: the generators step; ``None`` when it did not run (``--create-only``, ``--skip-generate``)
    generate: GenerateStep | None = None
    #: the database this run created because the server did not have it (Prisma's ensureDatabaseExists)
    created_database: CreatedDatabase | None = None
    #: the seed command's run, which follows only when this run created the database (as Prisma);
    #: ``None`` when none ran (database existed, none configured, ``--skip-seed``, ``--create-only``)
    seed: SeedResult | None = None
    #: why the seed command could not even be found (a bad package.json): reported, the work kept
    seed_error: NexoError | None = None

    def to_dict(self) -> dict[str, object]:
        d = self.dev
        return {
            "database": self.target,
            "database_created": _created_dict(self.created_database),
            "seconds": round(self.seconds, 3),
            "applied_pending": d.pending_names,
            "created": d.created.name if d.created else None,
            "migration_file": str(d.created.script_path) if d.created else None,
            "applied": d.applied_new.applied_names if d.applied_new else [],
            "create_only": d.create_only,
            "in_sync": d.created is None and not d.create_only,
            "warnings": list(d.warnings),
            "unexecutable": list(d.unexecutable),
            "sql": None
            if self.sql is None
            else {
                "applied": [s.step.label for s in self.sql.steps],
                "latest_version": self.sql.latest_version,
            },
            "generate": None if self.generate is None else self.generate.to_dict(),
            "seed": None if self.seed is None else self.seed.to_dict(),
            **({"seed_error": str(self.seed_error)} if self.seed_error is not None else {}),
        }


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
    now=None,  # datetime | None: the migration folder's timestamp (UTC)
) -> DevReport:
    """``nexo db:migrate:dev``: like ``prisma migrate dev`` (see :mod:`nexo.migrate.dev`), then the SQL layer,
    then the schema's generators (like Prisma: also when already in sync; not with ``create_only``).

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
    from nexo.schema import relational_model

    schema = load_schema(config)  # P1012 before anything else
    model, namespaces = relational_model(schema), tuple(schema.datasource.schemas)
    shadow = shadow_database_url or datasource_shadow_url(config, schema)
    migrations(config)
    files = sql_files(config)
    started = time.monotonic()
    with creating_session(config, on_target) as (conn, tgt, created):
        with advisory_lock(conn, timeout=config.lock_timeout):
            result = dev(
                conn,
                tgt.url,
                config.migrations_dir,
                model,
                name=name,
                location=_location(conn, namespaces),
                create_only=create_only,
                accept_data_loss=accept_data_loss,
                confirm=confirm,
                ask_name=ask_name,
                shadow_url=shadow,
                schemas=_introspection_schemas(namespaces),
                ignore_tables=DRIFT_IGNORED_TABLES,
                now=now,
                on_step=_prisma_events(on_event),
            )
            applied = None
            if not create_only:
                applied = sqllayer.apply(conn, files, applied_by=applied_by(), on_step=_sql_events(on_event))
    seconds = time.monotonic() - started
    generated = None if create_only or not generate_wanted(config, skip_generate) else run_generators(config, schema)
    report = DevReport(tgt.masked, result, applied, str(config.migrations_dir), seconds, generated, created)
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


@dataclass
class ForceReset:
    """What ``db:push --force-reset`` emptied before pushing."""

    database: str
    #: ``host:port`` of the server (Prisma's ``at "..."``)
    location: str
    schemas: list[str]
    cleaned: CleanResult

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.database,
            "schemas": self.schemas,
            "dropped": {k: list(v) for k, v in self.cleaned.dropped.items()},
        }


@dataclass
class PushReport:
    target: str
    push: PushResult
    sql: sqllayer.ApplyResult | None
    seconds: float = 0.0
    #: set by ``force_reset``: the reset done before the push
    reset: ForceReset | None = None
    #: the generators step; ``None`` when it did not run (``--skip-generate``)
    generate: GenerateStep | None = None
    #: the database this run created because the server did not have it (Prisma's ensureDatabaseExists)
    created: CreatedDatabase | None = None

    def to_dict(self) -> dict[str, object]:
        p = self.push
        return {
            "database": self.target,
            "database_created": _created_dict(self.created),
            "seconds": round(self.seconds, 3),
            "reset": None if self.reset is None else self.reset.to_dict(),
            "changed": p.changed,
            "statements": p.statements,
            "summary": p.summary,
            "warnings": list(p.warnings),
            "script": p.script,
            "sql": None
            if self.sql is None
            else {
                "applied": [s.step.label for s in self.sql.steps],
                "latest_version": self.sql.latest_version,
            },
            "generate": None if self.generate is None else self.generate.to_dict(),
        }


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
                reset = ForceReset(database, _host_port(conn), schemas, clean_schemas(conn, schemas))
            try:
                result = do_push(
                    conn,
                    model,
                    accept_data_loss=accept_data_loss,
                    confirm=confirm,
                    schemas=_introspection_schemas(namespaces),
                    ignore_tables=DRIFT_IGNORED_TABLES,
                )
                applied = sqllayer.apply(conn, files, applied_by=applied_by(), on_step=_sql_events(on_event))
            except (NexoError, psycopg.Error) as exc:
                if reset is None:
                    raise
                raise FailedAfterReset(
                    exc, database=reset.database, schemas=reset.schemas, dropped=reset.cleaned.count
                ) from exc
    seconds = time.monotonic() - started
    generated = run_generators(config, schema) if generate_wanted(config, skip_generate) else None
    return PushReport(tgt.masked, result, applied, seconds, reset, generated, created)


@dataclass
class ResetReport:
    target: str
    database: str
    schemas: list[str]
    cleaned: CleanResult
    prisma: prisma.DeployResult
    sql: sqllayer.ApplyResult | None
    seconds: float = 0.0
    #: the generators step; ``None`` when it did not run (``--skip-generate``)
    generate: GenerateStep | None = None
    #: the seed command's run; ``None`` when none ran (none configured, ``--skip-seed``)
    seed: SeedResult | None = None
    #: the database this run created because the server did not have it (Prisma's ensureDatabaseExists)
    created: CreatedDatabase | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "database": self.target,
            "database_created": _created_dict(self.created),
            "name": self.database,
            "schemas": self.schemas,
            "dropped": {k: list(v) for k, v in self.cleaned.dropped.items()},
            "prisma": {"applied": self.prisma.applied_names},
            "sql": None
            if self.sql is None
            else {
                "applied": [s.step.label for s in self.sql.steps],
                "latest_version": self.sql.latest_version,
            },
            "seconds": round(self.seconds, 3),
            "generate": None if self.generate is None else self.generate.to_dict(),
            "seed": None if self.seed is None else self.seed.to_dict(),
        }


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
            deployed = prisma.deploy(conn, config.migrations_dir, on_step=_prisma_events(on_event))
            applied = None
            if not skip_sql:
                applied = sqllayer.apply(conn, files, applied_by=applied_by(), on_step=_sql_events(on_event))
    seconds = time.monotonic() - started
    generated = run_generators(config) if generate_wanted(config, skip_generate) else None
    report = ResetReport(tgt.masked, database, schemas, cleaned, deployed, applied, seconds, generated, created=created)
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
):  # -> nexo.migrate.diffcmd.DiffOutcome
    """``nexo db:migrate:diff``: compare two sources (read-only; a temporary shadow DB for migrations)."""
    from nexo.migrate.diffcmd import migrate_diff_for_project

    return migrate_diff_for_project(config, from_source, to_source, shadow_database_url=shadow_database_url)
