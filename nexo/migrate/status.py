"""``migrate status``: the migrations directory compared with ``_prisma_migrations`` (prisma-compat §4.6).

:func:`status` returns a :class:`MigrationStatus` with everything Prisma's history diagnosis computes
(migrations matched by name only, rolled-back rows included, no shadow database) plus what nexo adds:
the migrations edited after they were applied (which Prisma's docs promise but 6.19's status does not
print), and what ``deploy`` would apply (it re-applies rolled-back-only migrations, which status counts
as present). :func:`render_status` gives the text Prisma 6.19 prints; ``up_to_date`` and ``exit_code``
follow 6.19's rules, so an edited migration or a database ahead of the directory is still "up to date".

Note on 6.19: with no migrations table and at least one migration folder, the CLI reports the folders
as not yet applied (its "not managed by Prisma Migrate" text only appears when there are no folders
either); :func:`render_status` does the same, and ``managed`` tells the two cases apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nexo.migrate import ledger
from nexo.migrate.checksum import checksum_matches
from nexo.migrate.directory import DEFAULT_PROVIDER, check_lock_file, list_migrations
from nexo.migrate.errors import MigrateError
from nexo.migrate.naming import locale_sort_key

if TYPE_CHECKING:
    import psycopg

IN_SYNC = "in_sync"
DATABASE_IS_BEHIND = "database_is_behind"
DIRECTORY_IS_BEHIND = "migrations_directory_is_behind"
HISTORIES_DIVERGE = "histories_diverge"


@dataclass(frozen=True)
class MigrationStatus:
    """The state of the migration history."""

    #: the migration folders, in order
    local: list[str]
    #: ``_prisma_migrations`` exists (the database is managed by Prisma Migrate)
    table_exists: bool
    #: ``in_sync``, ``database_is_behind``, ``migrations_directory_is_behind`` or ``histories_diverge``
    history: str
    #: folders with no row at all (Prisma's "not yet applied")
    unapplied: list[str] = field(default_factory=list)
    #: rows whose migration has no folder, one entry per row (Prisma's "not found locally")
    db_only: list[str] = field(default_factory=list)
    #: with ``histories_diverge``: the folder before the first unapplied one (``None`` if it is the first)
    last_common: str | None = None
    #: failed rows (neither finished nor rolled back), one entry per row
    failed: list[str] = field(default_factory=list)
    #: applied migrations whose migration.sql no longer matches the stored checksum (nexo extra)
    edited: list[str] = field(default_factory=list)
    #: folders whose only rows are rolled back: status counts them present, deploy applies them again
    rolled_back_only: list[str] = field(default_factory=list)
    #: what ``deploy`` would apply, in order
    deploy_pending: list[str] = field(default_factory=list)
    #: names with a finished, not rolled-back row
    applied: list[str] = field(default_factory=list)
    #: the lock-file problem (P3019) if any; Prisma's status stops on it
    lock_error: MigrateError | None = None

    @property
    def managed(self) -> bool:
        return self.table_exists

    @property
    def up_to_date(self) -> bool:
        """Prisma 6.19's verdict ("Database schema is up to date!")."""
        if self.lock_error is not None or self.history in (DATABASE_IS_BEHIND, HISTORIES_DIVERGE):
            return False
        return self.table_exists and not self.failed

    @property
    def exit_code(self) -> int:
        return 0 if self.up_to_date else 1


@dataclass(frozen=True)
class MigrationSummary:
    """The few numbers a version matrix shows."""

    table_exists: bool
    #: the applied migration that comes last in directory order (the schema version), or ``None``
    latest_applied: str | None
    applied_count: int
    #: migrations deploy would apply
    pending_count: int
    failed_count: int
    edited_count: int
    local_count: int
    up_to_date: bool


def status(conn: psycopg.Connection, directory: str | Path, *, provider: str = DEFAULT_PROVIDER) -> MigrationStatus:
    """Compare ``directory`` with ``_prisma_migrations`` on ``conn``. Reads only."""
    lock_error: MigrateError | None = None
    try:
        check_lock_file(directory, provider)
    except MigrateError as exc:
        lock_error = exc
    migrations = list_migrations(directory)
    exists = ledger.table_exists(conn)
    records = ledger.list_records(conn) if exists else []
    local_names = [m.name for m in migrations]
    local_set = set(local_names)
    by_name: dict[str, list[ledger.MigrationRecord]] = {}
    for r in records:
        by_name.setdefault(r.migration_name, []).append(r)

    unapplied_idx = [i for i, name in enumerate(local_names) if name not in by_name]
    unapplied = [local_names[i] for i in unapplied_idx]
    db_only = [r.migration_name for r in records if r.migration_name not in local_set]
    if not unapplied and not db_only:
        history = IN_SYNC
    elif not db_only:
        history = DATABASE_IS_BEHIND
    elif not unapplied:
        history = DIRECTORY_IS_BEHIND
    else:
        history = HISTORIES_DIVERGE
    last_common = None
    if history == HISTORIES_DIVERGE and unapplied_idx[0] > 0:
        last_common = local_names[unapplied_idx[0] - 1]

    edited: list[str] = []
    for m in migrations:
        applied_rows = [r for r in by_name.get(m.name, []) if r.applied]
        if not applied_rows or not m.has_script:
            continue
        if not checksum_matches(m.read_script(), applied_rows[-1].checksum):
            edited.append(m.name)

    live = {r.migration_name for r in records if r.rolled_back_at is None}
    rolled_back_only = [n for n in local_names if n in by_name and n not in live]
    return MigrationStatus(
        local=local_names,
        table_exists=exists,
        history=history,
        unapplied=unapplied,
        db_only=db_only,
        last_common=last_common,
        failed=[r.migration_name for r in records if r.failed],
        edited=edited,
        rolled_back_only=rolled_back_only,
        deploy_pending=[n for n in local_names if n not in live],
        applied=[n for n in local_names if any(r.applied for r in by_name.get(n, []))]
        + sorted(
            {r.migration_name for r in records if r.applied and r.migration_name not in local_set}, key=locale_sort_key
        ),
        lock_error=lock_error,
    )


def summary(conn: psycopg.Connection, directory: str | Path, *, provider: str = DEFAULT_PROVIDER) -> MigrationSummary:
    """The matrix numbers for ``directory`` on ``conn``. Reads only."""
    st = status(conn, directory, provider=provider)
    latest = max(st.applied, key=locale_sort_key) if st.applied else None
    return MigrationSummary(
        table_exists=st.table_exists,
        latest_applied=latest,
        applied_count=len(st.applied),
        pending_count=len(st.deploy_pending),
        failed_count=len(st.failed),
        edited_count=len(st.edited),
        local_count=len(st.local),
        up_to_date=st.up_to_date,
    )


def _s(items: list[str]) -> str:
    return "s" if len(items) > 1 else ""


#: Prisma's command hints in the status text, and the nexo commands that do the same (``commands="nexo"``)
NEXO_COMMANDS = (
    ("run prisma migrate dev.", "run nexo db:migrate:dev."),
    ("run prisma migrate deploy.", "run nexo db:migrate."),
    ("\nprisma migrate resolve ", "\nnexo db:migrate:resolve "),  # then --rolled-back / --applied "NAME"
)


def render_status(st: MigrationStatus, *, directory_label: str = "prisma/migrations", commands: str = "prisma") -> str:
    """The text ``prisma migrate status`` (6.19) prints for ``st``, stdout and stderr in order.

    ``commands="nexo"``: the same text with nexo's commands where Prisma names its own (what ``nexo
    db:migrate:status`` prints: a nexo user may have no Prisma CLI at all)."""
    text = _render_status(st, directory_label)
    if commands == "nexo":
        for prisma_words, nexo_words in NEXO_COMMANDS:
            text = text.replace(prisma_words, nexo_words)
    return text


def _render_status(st: MigrationStatus, directory_label: str) -> str:
    if st.lock_error is not None:
        return str(st.lock_error) + "\n"
    n = len(st.local)
    out = (
        f"{n} migration{'s' if n > 1 else ''} found in {directory_label}\n"
        if n
        else f"No migration found in {directory_label}\n"
    )
    if st.history == DATABASE_IS_BEHIND:
        return out + (
            f"Following migration{_s(st.unapplied)} have not yet been applied:\n" + "\n".join(st.unapplied) + "\n\n"
            "To apply migrations in development run prisma migrate dev.\n"
            "To apply migrations in production run prisma migrate deploy.\n"
        )
    if st.history == HISTORIES_DIVERGE:
        return out + (
            "Your local migration history and the migrations table from your database are different:\n\n"
            f"The last common migration is: {st.last_common if st.last_common is not None else 'null'}\n\n"
            f"The migration{_s(st.unapplied)} have not yet been applied:\n" + "\n".join(st.unapplied) + "\n\n"
            f"The migration{_s(st.db_only)} from the database are not found locally in {directory_label}:\n"
            + "\n".join(st.db_only)
            + "\n"
        )
    if st.table_exists:
        if st.failed:
            first = st.failed[0]
            return out + (
                f"Following migration{_s(st.failed)} have failed:\n" + "\n".join(st.failed) + "\n\n"
                "During development if the failed migration(s) have not been deployed to a production database "
                "you can then fix the migration(s) and run prisma migrate dev.\n\n"
                "The failed migration(s) can be marked as rolled back or applied:\n      \n"
                "- If you rolled back the migration(s) manually:\n"
                f'prisma migrate resolve --rolled-back "{first}"\n\n'
                "- If you fixed the database manually (hotfix):\n"
                f'prisma migrate resolve --applied "{first}"\n\n'
                "Read more about how to resolve migration issues in a production database:\n"
                "https://pris.ly/d/migrate-resolve\n"
            )
        return out + "\nDatabase schema is up to date!\n"
    # No table: with folders the diagnosis above already said "not yet applied"; here there are none.
    return out + (
        "The current database is not managed by Prisma Migrate.\n        \n"
        "Read more about how to baseline an existing production database:\n"
        "https://pris.ly/d/migrate-baseline\n"
    )
