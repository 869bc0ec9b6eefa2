"""``migrate resolve``: mark a migration rolled back or applied, with Prisma's rules (prisma-compat §4.5).

Both change only ``_prisma_migrations``, never the schema. Callers hold the advisory lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nexo.migrate import ledger
from nexo.migrate.checksum import script_checksum
from nexo.migrate.directory import DEFAULT_PROVIDER, check_lock_file, find_migration
from nexo.migrate.errors import (
    MigrateError,
    MigrationAlreadyApplied,
    MigrationNeverApplied,
    MigrationNotFailed,
    MigrationNotFound,
    MigrationsTableMissing,
)

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True)
class ResolveResult:
    """What a resolve call changed."""

    name: str
    #: ids of the failed rows that got ``rolled_back_at``
    rolled_back_ids: list[str]
    #: id of the row inserted by ``resolve --applied`` (``None`` for ``--rolled-back``)
    applied_id: str | None = None
    #: ``_prisma_migrations`` was created (``--applied`` on a database without it: baselining)
    table_created: bool = False

    @property
    def message(self) -> str:
        """Prisma's confirmation line."""
        state = "applied" if self.applied_id else "rolled back"
        return f"Migration {self.name} marked as {state}."


def resolve_rolled_back(conn: psycopg.Connection, name: str) -> ResolveResult:
    """Set ``rolled_back_at`` on every failed row of ``name``.

    P3011 when there is no row for it, P3012 when all its rows finished; repeating it on an already
    rolled-back migration changes nothing and succeeds. No migrations table: :class:`MigrationsTableMissing`.
    """
    if not ledger.table_exists(conn):
        raise MigrationsTableMissing(name)
    rows = [r for r in ledger.list_records(conn) if r.migration_name == name]
    if not rows:
        raise MigrationNeverApplied(name)
    if all(r.finished_at is not None for r in rows):
        raise MigrationNotFailed(name)
    ids = [r.id for r in rows if r.failed]
    now = ledger.utc_now()
    for row_id in ids:
        ledger.mark_rolled_back(conn, row_id, now=now)
    return ResolveResult(name, ids)


def resolve_applied(
    conn: psycopg.Connection, directory: str | Path, name: str, *, provider: str = DEFAULT_PROVIDER
) -> ResolveResult:
    """Record ``name`` as applied without running it (after a manual fix, or to baseline a database).

    P3019 when the lock file names another provider; P3017 when ``directory`` has no migration folder
    ``name`` (or it has no readable migration.sql); P3008 when a row of it already finished. Creates the
    migrations table when missing (no emptiness check), marks failed rows of ``name`` rolled back, then
    inserts a row with ``started_at = finished_at = now``, ``logs = ''`` and the script's checksum.
    """
    check_lock_file(directory, provider)
    migration = find_migration(directory, name)
    if migration is None:
        raise MigrationNotFound(name, Path(directory))
    try:
        script = migration.read_script()
    except MigrateError:
        raise MigrationNotFound(name, Path(directory)) from None
    created = False
    if ledger.table_exists(conn):
        rows = [r for r in ledger.list_records(conn) if r.migration_name == name]
    else:
        ledger.create_table(conn)
        created = True
        rows = []
    if any(r.finished_at is not None for r in rows):
        raise MigrationAlreadyApplied(name)
    ids = [r.id for r in rows if r.failed]
    now = ledger.utc_now()
    for row_id in ids:
        ledger.mark_rolled_back(conn, row_id, now=now)
    applied_id = ledger.mark_applied(conn, name, script_checksum(script), now=ledger.utc_now())
    return ResolveResult(name, ids, applied_id, created)
