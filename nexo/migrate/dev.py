"""``migrate dev`` for a development database (prisma-compat §4.8).

:func:`migrate_dev` follows the Prisma CLI (``MigrateDev.ts``) and the engine's dev diagnostic
(``dev_diagnostic_cli.rs`` / ``diagnose_migration_history_cli.rs``):

1. Diagnose, using **one** shadow database: replay the migrations the database has applied (P3006
   when one does not apply cleanly), introspect, and compare with the development database (drift);
   then replay the rest of the history (P3006 again) and introspect once more. Failed migrations,
   migrations edited after they were applied, a history the directory does not have, or drift:
   explain (Prisma's texts) and stop with :class:`ResetRequired`, changing nothing.
2. Apply the pending migrations (deploy).
3. Diff the replayed history against the schema's model. Data loss is evaluated on the development
   database's rows: unexecutable items stop the command (unless ``create_only``); warnings need
   ``accept_data_loss`` or a yes from ``confirm`` (no ``confirm`` = no terminal: stop).
4. No change: write nothing (``create_only`` still writes an empty migration, as Prisma does).
   Otherwise write ``<timestamp>_<name>/migration.sql`` (with the warnings header) and the lock file,
   and, unless ``create_only``, apply it through deploy. Without a name, ``ask_name`` asks for one
   (Prisma's "Enter a name for the new migration:" on a terminal) only now that a migration is
   written; with no ``ask_name`` (no terminal) the name is empty and the folder just the timestamp,
   as Prisma names it in CI.

The caller holds the advisory lock on ``conn`` and runs the SQL layer afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from nexo.db import connect
from nexo.migrate import ledger
from nexo.migrate.checksum import checksum_matches
from nexo.migrate.dataloss import Evaluation, evaluate_plan
from nexo.migrate.deploy import DeployResult, StepCallback, deploy
from nexo.migrate.directory import (
    DEFAULT_PROVIDER,
    MigrationDir,
    check_lock_file,
    create_migration_dir,
    list_migrations,
    write_lock_file,
)
from nexo.migrate.drift import Owned, drift_message, without_owned, without_tables
from nexo.migrate.errors import DataLossNotAccepted, OperationCancelled, ResetRequired, UnexecutableChanges
from nexo.migrate.reset import Confirm
from nexo.migrate.shadow import replay, shadow_database
from nexo.schema.model import Database

if TYPE_CHECKING:
    import psycopg

EMPTY_MIGRATION = "-- This is an empty migration."

#: asks the user for the new migration's name; ``None`` when they cancel
AskName = Callable[[], "str | None"]


@dataclass
class Diagnosis:
    """What the dev diagnostic found (Prisma's ``DiagnoseMigrationHistoryOutput``)."""

    has_migrations_table: bool
    failed: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    #: migrations in the database but not in the directory
    db_only: list[str] = field(default_factory=list)
    #: migrations in the directory but not in the database
    unapplied: list[str] = field(default_factory=list)
    last_common: str | None = None
    drift_summary: str | None = None

    def reset_reason(self) -> str | None:
        """Prisma's reset reason (``check_for_reset_conditions``), or ``None`` when dev may proceed."""
        reasons = [f"The migration `{n}` failed." for n in self.failed]
        reasons += [f"The migration `{n}` was modified after it was applied." for n in self.edited]
        if self.drift_summary is not None:
            reasons.append(drift_message(self.drift_summary, has_migrations_table=self.has_migrations_table))
        if self.db_only and self.unapplied:
            details = ""
            if self.last_common is not None:
                details = (
                    f" Last common migration: `{self.last_common}`. Migrations applied to the database but absent "
                    f"from the migrations directory are: {', '.join(self.db_only)}"
                )
            reasons.append(
                f"The migrations recorded in the database diverge from the local migrations directory.{details}"
            )
        elif self.db_only:
            reasons.append(
                "The following migration(s) are applied to the database but missing from the local migrations "
                f"directory: {', '.join(self.db_only)}"
            )
        if not reasons:
            return None
        if len(reasons) == 1:
            return reasons[0]
        return "".join(f"- {r}\n" for r in reasons)


@dataclass
class DevResult:
    """What one ``migrate dev`` run did."""

    #: pending migrations of the directory applied before creating the new one
    applied_pending: DeployResult | None
    #: the migration written (``None``: no change)
    created: MigrationDir | None
    #: the written migration was applied (``False`` with ``create_only`` or when nothing was created)
    applied_new: DeployResult | None
    create_only: bool
    #: the script written (without the warnings header), ``None`` when nothing was written
    script: str | None
    #: static warnings / unexecutable items of the new migration (as in its header)
    warnings: list[str] = field(default_factory=list)
    unexecutable: list[str] = field(default_factory=list)
    #: what was shown for the data in the database
    evaluation: Evaluation = field(default_factory=Evaluation)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return self.created is not None or bool(self.applied_pending and self.applied_pending.applied)

    @property
    def pending_names(self) -> list[str]:
        return self.applied_pending.applied_names if self.applied_pending else []


def diagnose_history(
    conn: psycopg.Connection, migrations: Sequence[MigrationDir]
) -> tuple[Diagnosis, list[MigrationDir]]:
    """The ledger half of the diagnostic, and the migrations the database has applied (directory order)."""
    exists = ledger.table_exists(conn)
    records = ledger.list_records(conn) if exists else []
    diag = Diagnosis(has_migrations_table=exists)
    fs_names = [m.name for m in migrations]
    first_unapplied: int | None = None
    for index, m in enumerate(migrations):
        row = next((r for r in records if r.migration_name == m.name), None)
        if row is None:
            diag.unapplied.append(m.name)
            if first_unapplied is None:
                first_unapplied = index
        elif not checksum_matches(m.read_script(), row.checksum):
            diag.edited.append(m.name)
    fs_set = set(fs_names)
    for r in records:
        if r.failed:
            diag.failed.append(r.migration_name)
        if r.migration_name not in fs_set:
            diag.db_only.append(r.migration_name)
    if first_unapplied:
        diag.last_common = fs_names[first_unapplied - 1]
    finished = {r.migration_name for r in records if r.finished_at is not None and r.rolled_back_at is None}
    applied = [m for m in migrations if m.name in finished]
    return diag, applied


def _introspect(conn: psycopg.Connection, schemas: Sequence[str] | None, ignore: Iterable[str]) -> Database:
    from nexo.schema.introspect import introspect

    return without_tables(introspect(conn, schemas=list(schemas) if schemas else None, partial_indexes=True), ignore)


def history_models(
    conn: psycopg.Connection,
    main_url: str,
    migrations: Sequence[MigrationDir],
    *,
    shadow_url: str | None = None,
    schemas: Sequence[str] | None = None,
    ignore_tables: Iterable[str] = (),
    extensions: bool = False,
    owned: Collection[Owned] = (),
) -> tuple[Diagnosis, Database]:
    """Run the dev diagnostic; return it with the model of the whole history (replayed in a shadow DB).

    ``extensions``: compare extensions in the drift check (the schema has ``postgresqlExtensions``);
    both sides are introspected, so the differ cannot tell on its own."""
    from nexo.migrate.diff import diff

    ignore = list(ignore_tables)
    diag, applied = diagnose_history(conn, migrations)
    is_prefix = [m.name for m in migrations[: len(applied)]] == [m.name for m in applied]
    with shadow_database(main_url, shadow_url=shadow_url) as url:
        with connect(url, application_name="nexo shadow") as shadow:
            replay(shadow, applied)
            expected = _introspect(shadow, schemas, ignore)
            live = without_owned(_introspect(conn, schemas, ignore), expected, owned)  # the SQL layer's stay
            drift = diff(expected, live, before_is_live=True, extensions=extensions)
            if not drift.is_empty:
                diag.drift_summary = drift.summary()
            if is_prefix:
                replay(shadow, migrations[len(applied) :])
                full = _introspect(shadow, schemas, ignore) if len(applied) < len(migrations) else expected
    if not is_prefix:  # the applied set has holes: replay the whole history in order, in a fresh shadow
        with shadow_database(main_url, shadow_url=shadow_url) as url:
            with connect(url, application_name="nexo shadow") as shadow:
                replay(shadow, migrations)
                full = _introspect(shadow, schemas, ignore)
    return diag, full


def migration_file_text(script: str) -> str:
    """A diff script as a migration.sql holds it: ``;\\n`` at the end, no extra newline (§2.2)."""
    text = script
    while text.endswith("\n\n"):
        text = text[:-1]
    if text.rstrip("\n") == EMPTY_MIGRATION:
        return EMPTY_MIGRATION
    return text


def _free_folder_time(directory: Path, now: datetime, existing: Sequence[MigrationDir]) -> datetime:
    """``now``, or a later second when a folder of that second exists (two runs within one second)."""
    taken = {m.name.split("_", 1)[0] for m in existing}
    t = now
    while t.strftime("%Y%m%d%H%M%S") in taken:
        t += timedelta(seconds=1)
    return t


def migrate_dev(
    conn: psycopg.Connection,
    main_url: str,
    directory: str | Path,
    target: Database,
    *,
    name: str | None,
    location: str,
    create_only: bool = False,
    accept_data_loss: bool = False,
    confirm: Confirm | None = None,
    ask_name: AskName | None = None,
    shadow_url: str | None = None,
    schemas: Sequence[str] | None = None,
    ignore_tables: Iterable[str] = (),
    provider: str = DEFAULT_PROVIDER,
    now: datetime | None = None,
    on_step: StepCallback | None = None,
    owned: Collection[Owned] = (),
    rewrite: Callable[[str], str] | None = None,
) -> DevResult:
    """See the module docstring. ``location`` names the schema/server in the reset message; ``owned``: what
    the SQL layer created, which is not drift (see :func:`nexo.migrate.drift.without_owned`). ``rewrite``: how a
    migration's script runs on this database (Citus: the distribution steps, see :func:`nexo.migrate.deploy`);
    the migration file, its checksum and the shadow database's replay keep the file's text."""
    from nexo.migrate.diff import diff

    started = time.monotonic()
    directory = Path(directory)
    check_lock_file(directory, provider)
    migrations = list_migrations(directory)
    for m in migrations:
        m.read_script()  # P3015 before anything happens
    diag, history = history_models(
        conn,
        main_url,
        migrations,
        shadow_url=shadow_url,
        schemas=schemas,
        ignore_tables=ignore_tables,
        extensions=target.manages_extensions,
        owned=owned,
    )
    reason = diag.reset_reason()
    if reason is not None:
        raise ResetRequired(reason, location, drift_summary=diag.drift_summary)

    pending = deploy(
        conn, directory, provider=provider, on_step=on_step, rewrite=rewrite
    )  # also re-applies rolled-back ones

    plan = diff(history, without_tables(target, ignore_tables), before_is_live=True)
    warnings = list(plan.warnings)
    unexecutable = list(plan.unexecutable)
    evaluation = evaluate_plan(conn, plan)
    if evaluation.unexecutable and not create_only:
        raise UnexecutableChanges(evaluation.unexecutable_lines, "db:migrate:dev")
    if evaluation.warnings and not accept_data_loss:
        if confirm is None:
            raise DataLossNotAccepted(evaluation.warnings, "db:migrate:dev")
        listed = "\n".join(f"  • {w}" for w in evaluation.warnings)
        question = (
            "Are you sure you want to create this migration?"
            if create_only
            else "Are you sure you want to create and apply this migration?"
        )
        if not confirm(f"⚠️  Warnings for the current datasource:\n\n{listed}\n", question):
            raise OperationCancelled("Migration")

    result = DevResult(pending, None, None, create_only, None, warnings, unexecutable, evaluation)
    if plan.is_empty and not create_only:
        result.seconds = time.monotonic() - started
        return result
    if name is None:
        name = ask_name() if ask_name is not None else ""
        if name is None:
            raise OperationCancelled("Migration")
    script = migration_file_text(plan.script())
    text = migration_file_text(plan.script(with_warnings=True))
    when = _free_folder_time(directory, now or datetime.now(UTC), migrations)
    created = create_migration_dir(directory, name, text, when)
    write_lock_file(directory, provider)
    result.created = created
    result.script = script
    if not create_only:
        result.applied_new = deploy(conn, directory, provider=provider, on_step=on_step, rewrite=rewrite)
    result.seconds = time.monotonic() - started
    return result
