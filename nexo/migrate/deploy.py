"""``migrate deploy`` in Prisma's format, and its dry run (prisma-compat §4.4).

:func:`deploy` applies every pending migration folder in order, keeping ``_prisma_migrations`` exactly
as Prisma does (row inserted before the script, ``applied_steps_count`` then ``finished_at`` after it,
``logs`` on failure). Unlike Prisma, each script runs in an explicit transaction, or statement by
statement when it cannot (see :mod:`nexo.migrate.execute`), and a failure says which statement failed
and what was rolled back. :func:`plan` reports what deploy would do and writes nothing.

Callers hold the migration advisory lock (``nexo.db.advisory_lock``) around these functions.
Refusals (P3019, P3005, P3009, P3015) are detected before anything is written.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nexo.migrate import ledger
from nexo.migrate.checksum import script_checksum
from nexo.migrate.directory import DEFAULT_PROVIDER, MigrationDir, check_lock_file, list_migrations
from nexo.migrate.errors import (
    FailedMigrationsFound,
    FailedRow,
    MigrateError,
    MigrationFailed,
    MigrationFileMissing,
    SchemaNotEmpty,
)
from nexo.migrate.execute import analyse_script, run_script

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True)
class DeployEvent:
    """What ``on_step`` receives: ``start`` before a migration runs, then ``done`` or ``failed``."""

    name: str
    phase: str
    #: 1-based position among the ``total`` migrations this run applies
    index: int
    total: int
    #: run time, on ``done`` and ``failed``
    seconds: float | None = None


StepCallback = Callable[[DeployEvent], None]


@dataclass(frozen=True)
class AppliedMigration:
    """One migration applied by :func:`deploy`."""

    name: str
    checksum: str
    #: ``transaction`` or ``statements`` (see :mod:`nexo.migrate.execute`)
    mode: str
    #: why it ran statement by statement
    reason: str | None
    statements: int
    seconds: float


@dataclass(frozen=True)
class DeployResult:
    """What :func:`deploy` did."""

    #: number of migration folders found
    found: int
    applied: list[AppliedMigration] = field(default_factory=list)
    #: ``_prisma_migrations`` was created by this run
    table_created: bool = False

    @property
    def applied_names(self) -> list[str]:
        return [m.name for m in self.applied]

    @property
    def statement_by_statement(self) -> list[AppliedMigration]:
        """The applied migrations that could not run in one transaction."""
        return [m for m in self.applied if m.mode != "transaction"]


@dataclass(frozen=True)
class PlannedMigration:
    """A migration :func:`deploy` would apply."""

    name: str
    path: Path
    #: checksum of the script as it would be stored; ``None`` when migration.sql is missing
    checksum: str | None
    mode: str | None
    reason: str | None


@dataclass(frozen=True)
class DeployPlan:
    """Dry run of :func:`deploy`: what would run, in order, and what would stop it."""

    found: int
    table_exists: bool
    pending: list[PlannedMigration]
    #: the errors deploy would raise (P3019, P3005, P3009, P3015), in the order it checks them
    blockers: list[MigrateError]

    @property
    def ok(self) -> bool:
        return not self.blockers

    @property
    def would_create_table(self) -> bool:
        return not self.table_exists and self.ok


def _pending(migrations: list[MigrationDir], records: list[ledger.MigrationRecord]) -> list[MigrationDir]:
    live = {r.migration_name for r in records if r.rolled_back_at is None}
    return [m for m in migrations if m.name not in live]


def _failed_rows(
    records: list[ledger.MigrationRecord],
    conn: psycopg.Connection | None = None,
    migrations: list[MigrationDir] | None = None,
) -> list[FailedRow]:
    """The failed rows; with ``conn``, a statement-by-statement migration whose server process is gone is
    described as interrupted: which statements committed and which did not run (from ``migrations``)."""
    out = []
    for r in records:
        if not r.failed:
            continue
        note = _interruption(conn, r, migrations or []) if conn is not None else None
        out.append(FailedRow(r.migration_name, ledger.format_started_at(r.started_at), note))
    return out


def _interruption(
    conn: psycopg.Connection, record: ledger.MigrationRecord, migrations: list[MigrationDir]
) -> str | None:
    progress = ledger.progress_of(record)
    if progress is None:
        return None
    if ledger.process_alive(conn, progress):
        return (
            f"it is still running statement by statement in server process {progress.pid} "
            f"({progress.done} of {progress.total} statement(s) committed so far); wait for it, or stop it with "
            f"SELECT pg_cancel_backend({progress.pid})"
        )
    lines = [
        f"it was interrupted: the process that ran it statement by statement (server process {progress.pid}) "
        f"is gone. {progress.done} of {progress.total} statement(s) ran and stayed committed"
    ]
    found = next((m for m in migrations if m.name == record.migration_name), None)
    statements = []
    if found is not None:
        try:
            statements = analyse_script(found.read_script()).statements
        except MigrateError:
            statements = []
    if statements and len(statements) == progress.total:
        ran, left = statements[: progress.done], statements[progress.done :]
        lines[0] += ":" if ran else "."
        lines += [f"    ran      line {s.line}: {_excerpt(s.text)}" for s in ran]
        if left:
            lines.append("  and these did not run (the first of them may have been cut off half-way):")
            lines += [f"    not run  line {s.line}: {_excerpt(s.text)}" for s in left]
    else:
        lines[0] += "."
    name = record.migration_name
    lines.append(
        f'  Run the statements that did not run by hand, then `nexo db:migrate:resolve --applied "{name}"`; '
        f'or undo the ones that ran, then `nexo db:migrate:resolve --rolled-back "{name}"` and migrate again.'
    )
    return "\n".join(lines)


def _excerpt(text: str, limit: int = 100) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 3] + "..."


def plan(conn: psycopg.Connection, directory: str | Path, *, provider: str = DEFAULT_PROVIDER) -> DeployPlan:
    """What :func:`deploy` would apply, with checksums, and the refusals it would raise. Writes nothing."""
    blockers: list[MigrateError] = []
    try:
        check_lock_file(directory, provider)
    except MigrateError as exc:
        blockers.append(exc)
    migrations = list_migrations(directory)
    exists = ledger.table_exists(conn)
    if not exists:
        tables = ledger.user_tables(conn)
        if tables:
            blockers.append(SchemaNotEmpty(ledger.current_schema(conn), tables))
    records = ledger.list_records(conn) if exists else []
    failed = _failed_rows(records, conn, migrations)
    if failed:
        blockers.append(FailedMigrationsFound(failed))
    pending: list[PlannedMigration] = []
    for m in _pending(migrations, records):
        try:
            script = m.read_script()
        except MigrationFileMissing as exc:
            blockers.append(exc)
            pending.append(PlannedMigration(m.name, m.path, None, None, None))
            continue
        analysis = analyse_script(script)
        pending.append(PlannedMigration(m.name, m.path, script_checksum(script), analysis.mode, analysis.reason))
    return DeployPlan(len(migrations), exists, pending, blockers)


def deploy(
    conn: psycopg.Connection,
    directory: str | Path,
    *,
    provider: str = DEFAULT_PROVIDER,
    on_step: StepCallback | None = None,
    rewrite: Callable[[str], str] | None = None,
) -> DeployResult:
    """Apply the pending migrations of ``directory`` to ``conn`` (autocommit), like ``prisma migrate deploy``.

    ``rewrite`` turns a migration's script into the one that runs (Citus: distribution steps inserted
    before its foreign keys); the ledger rows, checksum included, stay those of the file.

    Raises P3019 (lock file names another provider), P3005 (schema not empty and no migrations table),
    P3009 (failed rows), P3015 (a pending folder has no migration.sql) before writing anything, and
    P3018 (:class:`MigrationFailed`) when a script fails; the failed row then holds the error in
    ``logs`` and the migrations after it are not attempted.
    """
    check_lock_file(directory, provider)
    migrations = list_migrations(directory)
    exists = ledger.table_exists(conn)
    if not exists:
        tables = ledger.user_tables(conn)
        if tables:
            raise SchemaNotEmpty(ledger.current_schema(conn), tables)
    records = ledger.list_records(conn) if exists else []
    failed = _failed_rows(records, conn, migrations)
    if failed:
        raise FailedMigrationsFound(failed)
    todo = [(m, m.read_script()) for m in _pending(migrations, records)]
    result = DeployResult(found=len(migrations), table_created=not exists)
    if not exists and not todo:
        ledger.create_table(conn)  # like Prisma: deploy leaves the table even with nothing to apply
    for index, (migration, script) in enumerate(todo, 1):
        create = not exists and index == 1  # created with the first migration, so a kill leaves nothing
        result.applied.append(
            _apply_one(conn, migration, script, index, len(todo), on_step, create_table=create, rewrite=rewrite)
        )
    return result


def _apply_one(
    conn: psycopg.Connection,
    migration: MigrationDir,
    script: str,
    index: int,
    total: int,
    on_step: StepCallback | None,
    *,
    create_table: bool = False,
    rewrite: Callable[[str], str] | None = None,
) -> AppliedMigration:
    """Apply one migration with Prisma's ledger rows.

    The row Prisma inserts before the script and the two updates after it are written inside the
    script's transaction (transaction mode), so the final rows are Prisma's while a killed process
    leaves neither the script's changes nor a dangling "started" row. On failure the failed row
    (``logs`` set, ``finished_at`` NULL) is written afterwards, as Prisma leaves it. In statement
    mode the rows are written around the statements, as Prisma does.
    """
    import psycopg

    checksum = script_checksum(script)
    started = time.monotonic()
    if on_step:
        on_step(DeployEvent(migration.name, "start", index, total))
    row: list[str] = []
    if rewrite is not None:
        script = rewrite(script)
    analysis = analyse_script(script)
    total_statements = len(analysis.statements)
    identity: list[tuple[int, str]] = []

    def before() -> None:
        if create_table:
            ledger.create_table(conn)
        row.append(ledger.record_started(conn, migration.name, checksum))
        if analysis.mode == "statements":  # committed piecemeal: say who runs it and how far it got
            identity.append(ledger.backend_identity(conn))
            ledger.record_progress(conn, row[0], identity[0], 0, total_statements)

    def progress(done: int) -> None:
        ledger.record_progress(conn, row[0], identity[0], done, total_statements)

    def after() -> None:
        ledger.record_successful_step(conn, row[0])
        ledger.record_finished(conn, row[0])

    try:
        report = run_script(
            conn,
            migration.name,
            script,
            migration.script_path,
            analysis,
            before=before,
            after=after,
            progress=progress if analysis.mode == "statements" else None,
        )
    except MigrationFailed as exc:
        try:
            if create_table and not ledger.table_exists(conn):
                ledger.create_table(conn)
            row_id = row[0] if (row and not exc.rolled_back) else ledger.record_started(conn, migration.name, checksum)
            ledger.record_failed_step(conn, row_id, exc.message)
        except psycopg.Error:
            pass  # the connection is gone; nothing of this attempt was committed (transaction mode)
        if on_step:
            on_step(DeployEvent(migration.name, "failed", index, total, time.monotonic() - started))
        raise
    if on_step:
        on_step(DeployEvent(migration.name, "done", index, total, report.seconds))
    return AppliedMigration(migration.name, checksum, report.mode, report.reason, report.statements, report.seconds)
