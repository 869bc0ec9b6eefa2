"""The operations behind the database commands, as plain functions over a :class:`Config`.

``migrate`` is ``nexo db:migrate``: one advisory lock around the whole run, the pending Prisma
migrations, then the pending SQL-layer files, then one report. The other functions are the
single-ledger commands (deploy, status, resolve, rollback) and the embedded server. A service can
call them at start-up without a subprocess::

    from nexo.config import load_config
    from nexo.orchestrate import migrate
    migrate(load_config())
"""

from __future__ import annotations

import getpass
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg

from nexo import migrate as prisma
from nexo import sqllayer
from nexo.config import Config
from nexo.db import Target, advisory_lock, connect, embedded, resolve_target
from nexo.sqllayer.placeholders import with_placeholders

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
    tgt = resolve_target(config)
    if on_target:
        on_target(tgt.describe())
    conn = connect(tgt.url, application_name="nexo")
    try:
        yield conn, tgt
    finally:
        conn.close()


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

    @property
    def prisma_applied(self) -> list[str]:
        return self.prisma.applied_names

    @property
    def sql_applied(self) -> list[str]:
        return [s.step.label for s in self.sql.steps] if self.sql else []

    def to_dict(self) -> dict[str, object]:
        return {
            "database": self.target,
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
    prisma: prisma.Plan
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

    @property
    def up_to_date(self) -> bool:
        p = self.prisma
        return bool(p.up_to_date and not p.deploy_pending and not p.edited and self.sql.up_to_date)

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
    """``nexo db:migrate``: lock, pending Prisma migrations, then the SQL layer."""
    migrations(config)  # read and check every file before touching the database
    files = sql_files(config)
    started = time.monotonic()
    with session(config, on_target) as (conn, tgt):
        with advisory_lock(conn, timeout=config.lock_timeout) as waited:
            deployed = prisma.deploy(conn, config.migrations_dir, on_step=_prisma_events(on_event))
            applied = sqllayer.apply(conn, files, applied_by=applied_by(), on_step=_sql_events(on_event))
            latest = prisma.summary(conn, config.migrations_dir).latest_applied
    return MigrateResult(tgt.masked, waited, deployed, latest, applied, time.monotonic() - started)


def deploy(config: Config, *, on_event: OnEvent | None = None, on_target: OnTarget | None = None) -> MigrateResult:
    """``nexo db:migrate:deploy``: the Prisma migrations only, like ``prisma migrate deploy``."""
    migrations(config)
    started = time.monotonic()
    with session(config, on_target) as (conn, tgt):
        with advisory_lock(conn, timeout=config.lock_timeout) as waited:
            deployed = prisma.deploy(conn, config.migrations_dir, on_step=_prisma_events(on_event))
            latest = prisma.summary(conn, config.migrations_dir).latest_applied
    return MigrateResult(tgt.masked, waited, deployed, latest, None, time.monotonic() - started)


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


def status(config: Config, *, on_target: OnTarget | None = None) -> Status:
    files = sql_files(config)
    with session(config, on_target) as (conn, tgt):
        return Status(tgt.masked, prisma.status(conn, config.migrations_dir), sqllayer.status(conn, files), len(files))


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
            return sqllayer.rollback(conn, files, steps=steps, to=to, applied_by=applied_by(), on_step=_sql_events(on_event))
