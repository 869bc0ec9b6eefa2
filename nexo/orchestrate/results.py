"""The result objects of the orchestrated commands, and the callback types they are reported through.

Each command of :mod:`nexo.orchestrate` returns one of these; :mod:`nexo.report` renders them and every
``--json`` output is their ``to_dict()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nexo import migrate as prisma
from nexo import sqllayer
from nexo.errors import NexoError
from nexo.migrate.dev import DevResult
from nexo.migrate.drift import DriftReport
from nexo.migrate.push import PushResult
from nexo.migrate.reset import CleanResult

if TYPE_CHECKING:
    from nexo.db.create import CreatedDatabase
    from nexo.generator import GenerateResult
    from nexo.seed import SeedResult

#: progress callback: (ledger, phase, index, total, label, seconds or None)
OnEvent = Callable[[str, str, int, int, str, float | None], None]
OnTarget = Callable[[str], None]


def _created_dict(created: CreatedDatabase | None) -> dict[str, object] | None:
    return None if created is None else created.to_dict()


def _citus_dict(distributed: list[str] | None) -> dict[str, object]:
    """``{"citus_distributed": [...]}`` on Citus with ``[tool.nexo.citus]`` (as ``db:migrate --json``), else
    nothing: a single server's output is unchanged."""
    return {} if distributed is None else {"citus_distributed": list(distributed)}


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
    #: applied migrations whose migration.sql changed since (not run again, as Prisma; ``--check`` fails on them)
    prisma_edited: list[str] = field(default_factory=list)
    #: on Citus with ``[tool.nexo.citus]``: local tables this run distributed (or made reference tables), in order
    citus_distributed: list[str] = field(default_factory=list)

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
                "edited": list(self.prisma_edited),
            },
            "citus_distributed": list(self.citus_distributed),
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
    #: on Citus with ``[tool.nexo.citus]``: the distribution statements each pending migration gets
    citus_steps: dict[str, list[str]] = field(default_factory=dict)
    #: on Citus: the statements that lay out configured tables still local after the migrations and the SQL
    #: layer (an existing database made a Citus coordinator, or tables created in a form Citus refuses)
    citus_distribute: list[str] = field(default_factory=list)

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
            "citus_steps": self.citus_steps,
            "citus_distribute": self.citus_distribute,
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
        in_sync = self.drift is None or (not self.drift.drifted and not self.drift.error)
        return bool(p.up_to_date and not p.deploy_pending and not p.edited and self.sql.up_to_date and in_sync)

    def not_up_to_date(self) -> list[tuple[str, str | None]]:
        """Why the database is not up to date, each with the command that fixes it (``None``: no single
        command does; the text says what to do). Empty when up to date."""
        p, s, d = self.prisma, self.sql, self.drift
        out: list[tuple[str, str | None]] = []
        if p.lock_error is not None:
            reason = p.lock_error.message.splitlines()[0]
            out.append((f"the migrations folder cannot be used ({p.lock_error.code}): {reason}", None))
        if p.failed:
            first = p.failed[0]
            out.append(
                (
                    f"Prisma migration {first} failed: nothing else is applied until it is resolved "
                    f'(`nexo db:migrate:resolve --rolled-back "{first}"` after fixing it, or --applied)',
                    f'nexo db:migrate:resolve --rolled-back "{first}"',
                )
            )
        if p.edited:
            out.append(
                (
                    f"Prisma migration(s) edited after they were applied: {', '.join(p.edited)} (restore the "
                    "file as it was applied, and put the change in a new migration with nexo db:migrate:dev)",
                    None,
                )
            )
        if p.history == "histories_diverge":
            out.append((f"applied migration(s) missing from the folder: {', '.join(p.db_only)}", None))
        pending: list[str] = []
        if p.deploy_pending and not p.failed and p.lock_error is None:  # deploy would refuse: that comes first
            pending.append(f"{len(p.deploy_pending)} Prisma migration(s)")
        failed_sql = {f.script for f in s.failed}
        sql_pending = [f for f in [*s.pending, *s.repeatable_pending] if f.script not in failed_sql]
        if sql_pending:
            pending.append(f"{len(sql_pending)} SQL-layer file(s)")
        if pending:
            out.append((f"{' and '.join(pending)} pending: run nexo db:migrate", "nexo db:migrate"))
        if s.failed:
            out.append(
                (
                    f"SQL-layer file(s) failed: {', '.join(sorted(failed_sql))} (fix the file: nexo db:migrate runs it "
                    "again, in a new transaction)",
                    "nexo db:migrate",
                )
            )
        if s.changed:
            out.append(
                (
                    f"SQL-layer file(s) changed after they were applied: {', '.join(c.file.script for c in s.changed)} "
                    "(nexo db:migrate:dry says how to proceed)",
                    "nexo db:migrate:dry",
                )
            )
        if d is not None and d.drifted:
            out.append(
                (
                    "schema.prisma and the database differ (nexo db:migrate:dev creates the migration)",
                    "nexo db:migrate:dev",
                )
            )
        elif d is not None and d.error:
            out.append((f"drift could not be checked: {d.error.splitlines()[0]}", None))
        if not out and not self.up_to_date:
            out.append(("not up to date (see above)", None))
        return out

    def prisma_text(self, directory_label: str) -> str:
        return prisma.render_status(self.prisma, directory_label=directory_label, commands="nexo")

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
    #: the schema's warnings (``nexo validate``'s, as dictionaries): Prisma's, then nexo's own
    schema_warnings: list[dict[str, object]] = field(default_factory=list)
    #: on Citus with ``[tool.nexo.citus]``: the configured tables still local after the SQL layer that this run
    #: laid out, as ``db:migrate`` does (``[]``: none left); ``None`` elsewhere (and not in ``--json``)
    citus_distributed: list[str] | None = None

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
            "schema_warnings": self.schema_warnings,
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
            **_citus_dict(self.citus_distributed),
        }


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
    #: on Citus with ``[tool.nexo.citus]``: the configured tables still local after the SQL layer that this run
    #: laid out, as ``db:migrate`` does (``[]``: none left); ``None`` elsewhere (and not in ``--json``)
    citus_distributed: list[str] | None = None

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
            **_citus_dict(self.citus_distributed),
        }


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
    #: on Citus with ``[tool.nexo.citus]``: the configured tables still local after the SQL layer that this run
    #: laid out, as ``db:migrate`` does (``[]``: none left); ``None`` elsewhere (and not in ``--json``)
    citus_distributed: list[str] | None = None

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
            **_citus_dict(self.citus_distributed),
        }
