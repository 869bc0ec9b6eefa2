"""Errors of Prisma-format migrations, with Prisma Migrate's P-codes and message texts.

Each error's ``prisma_message`` is the text Prisma 6.19 prints for the same situation (see
``reference/prisma-compat.md`` §4-§5); ``message`` is that text, followed (after a blank line) by
nexo's extra detail where nexo knows more (which statement failed, what was rolled back, which
tables are in the way). ``str(error)`` is ``Error: Pxxxx`` + blank line + message, as Prisma prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nexo.errors import NexoError

if TYPE_CHECKING:
    from nexo.db.sqlstate import Diagnostics

RESOLVE_LINK = "https://pris.ly/d/migrate-resolve"
BASELINE_LINK = "https://pris.ly/d/migrate-baseline"


class MigrateError(NexoError):
    """Base of every Prisma-format migration error."""

    code = "NEXO_MIGRATE"

    def __init__(
        self,
        prisma_message: str,
        *,
        detail: str | None = None,
        file: str | Path | None = None,
        line: int | None = None,
    ) -> None:
        self.prisma_message = prisma_message
        self.detail = detail
        message = prisma_message if not detail else f"{prisma_message}\n\n{detail}"
        super().__init__(message, file=file, line=line)


class SchemaNotEmpty(MigrateError):
    """P3005: deploy on a database whose schema has tables but no ``_prisma_migrations``."""

    code = "P3005"

    def __init__(self, schema: str, tables: Sequence[str]) -> None:
        self.schema = schema
        self.tables = list(tables)
        shown = ", ".join(self.tables[:10]) + (f" (and {len(self.tables) - 10} more)" if len(self.tables) > 10 else "")
        super().__init__(
            "The database schema is not empty. Read more about how to baseline an existing production "
            f"database: {BASELINE_LINK}",
            detail=(
                f'Schema "{schema}" already has tables ({shown}) but no _prisma_migrations table. If they '
                "match a migration, mark it applied with `nexo db:migrate:resolve --applied NAME` (baselining); "
                "otherwise deploy to an empty database."
            ),
        )


@dataclass(frozen=True)
class FailedRow:
    """One failed ``_prisma_migrations`` row, as listed by P3009."""

    migration_name: str
    started_at_text: str
    #: for a statement-by-statement migration that stopped half-way: what happened (process gone or still
    #: running, which statements ran) and how to resolve it
    interruption: str | None = None


class FailedMigrationsFound(MigrateError):
    """P3009: the ledger has failed rows; nothing new is applied until they are resolved."""

    code = "P3009"

    def __init__(self, failed: Sequence[FailedRow]) -> None:
        self.failed = list(failed)
        lines = "\n".join(
            f"The `{row.migration_name}` migration started at {row.started_at_text} failed"
            + (f": {row.interruption}" if row.interruption else "")
            for row in self.failed
        )
        first = self.failed[0].migration_name if self.failed else "NAME"
        super().__init__(
            "migrate found failed migrations in the target database, new migrations will not be applied. "
            f"Read more about how to resolve migration issues in a production database: {RESOLVE_LINK}\n{lines}",
            detail=(
                "If the failed migration left nothing behind (or you undid it), fix its file and run "
                f'`nexo db:migrate:resolve --rolled-back "{first}"`; if you completed it by hand, run '
                f'`nexo db:migrate:resolve --applied "{first}"`. Then deploy again.'
            ),
        )


class MigrationNameTooLong(MigrateError):
    """P3010: a new migration's name is longer than 200 bytes."""

    code = "P3010"

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            "The name of the migration is too long. It must not be longer than 200 characters (bytes).",
            detail=f"The name `{name}` is {len(name.encode('utf-8'))} bytes long after slugging.",
        )


class MigrationAlreadyApplied(MigrateError):
    """P3008: ``resolve --applied`` for a migration that has a finished row."""

    code = "P3008"

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"The migration `{name}` is already recorded as applied in the database.")


class MigrationNeverApplied(MigrateError):
    """P3011: ``resolve --rolled-back`` for a migration with no row at all."""

    code = "P3011"

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"Migration `{name}` cannot be rolled back because it was never applied to the database. "
            'Hint: did you pass in the whole migration name? (example: "20201207184859_initial_migration")'
        )


class MigrationNotFailed(MigrateError):
    """P3012: ``resolve --rolled-back`` for a migration whose rows all finished."""

    code = "P3012"

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"Migration `{name}` cannot be rolled back because it is not in a failed state.")


class MigrationFileMissing(MigrateError):
    """P3015: a migration directory without ``migration.sql``."""

    code = "P3015"

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path
        super().__init__(
            f"Could not find the migration file at {path.name}. Please delete the directory or restore the "
            "migration file.",
            detail=f"Migration `{name}` has no {path.name}.",
            file=path,
        )


class MigrationNotFound(MigrateError):
    """P3017: ``resolve --applied`` names a directory that does not exist (or has no readable script)."""

    code = "P3017"

    def __init__(self, name: str, directory: Path | None = None) -> None:
        self.name = name
        super().__init__(
            f"The migration {name} could not be found. Please make sure that the migration exists, and that you "
            'included the whole name of the directory. (example: "20201207184859_initial_migration")',
            detail=None if directory is None else f"Looked in {directory}.",
        )


class ProviderMismatch(MigrateError):
    """P3019: ``migration_lock.toml`` names another provider."""

    code = "P3019"

    def __init__(self, provider: str, expected_provider: str, lock_file: Path) -> None:
        self.provider = provider
        self.expected_provider = expected_provider
        super().__init__(
            f"The datasource provider `{provider}` specified in your schema does not match the one specified in "
            f"the migration_lock.toml, `{expected_provider}`. Please remove your current migration directory and "
            "start a new migration history with prisma migrate dev. Read more: "
            "https://pris.ly/d/migrate-provider-switch",
            detail=(
                f"With nexo: if the migrations in {lock_file.parent.name}/ were written for {provider}, set "
                f'provider = "{provider}" in migration_lock.toml; otherwise move the folder aside and write a new '
                "first migration with `nexo db:migrate:dev --name init`."
            ),
            file=lock_file,
        )


class MigrationsTableMissing(MigrateError):
    """``resolve --rolled-back`` on a database without ``_prisma_migrations`` (Prisma: an invariant error)."""

    code = "NEXO_MIGRATE_NO_TABLE"

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            "Invariant violation: called markMigrationRolledBack on a database without migrations table.",
            detail=f"The database has no _prisma_migrations table, so no migration (`{name}` included) was ever "
            "applied to it: there is nothing to mark rolled back.",
        )


@dataclass(frozen=True)
class StatementInfo:
    """A statement of a migration script, for reports: its first line number and text."""

    line: int
    text: str

    @property
    def summary(self) -> str:
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return first if len(first) <= 100 else first[:97] + "..."


class MigrationFailed(MigrateError):
    """P3018: a migration's script failed. Says which statement failed and what was rolled back.
    When PostgreSQL raised it: its SQLSTATE and diagnostics (:mod:`nexo.db.sqlstate`)."""

    code = "P3018"
    sqlstate: str | None = None
    diagnostics: Diagnostics | None = None

    def __init__(
        self,
        *,
        migration_name: str,
        database_error_code: str,
        database_error: str,
        script_path: Path,
        statement: StatementInfo | None,
        error_line: int | None,
        mode: str,
        mode_reason: str | None,
        rolled_back: bool,
        committed: Sequence[StatementInfo] = (),
        rolled_back_block: Sequence[StatementInfo] = (),
    ) -> None:
        self.migration_name = migration_name
        self.database_error_code = database_error_code
        self.database_error = database_error
        self.script_path = script_path
        self.statement = statement
        self.mode = mode
        self.mode_reason = mode_reason
        self.rolled_back = rolled_back
        self.committed = list(committed)
        self.rolled_back_block = list(rolled_back_block)
        prisma = (
            "A migration failed to apply. New migrations cannot be applied before the error is recovered from. "
            f"Read more about how to resolve migration issues in a production database: {RESOLVE_LINK}\n\n"
            f"Migration name: {migration_name}\n\n"
            f"Database error code: {database_error_code}\n\n"
            f"Database error:\n{database_error}"
        )
        line = error_line if error_line is not None else (statement.line if statement else None)
        parts: list[str] = []
        if statement is not None:
            parts.append(f"Failed statement (line {statement.line} of {script_path}):\n    {statement.summary}")
        if rolled_back:
            parts.append(
                "Rolled back: the migration ran in one transaction, so nothing of it is left in the database. "
                f'Fix the migration, then run `nexo db:migrate:resolve --rolled-back "{migration_name}"` and deploy '
                "again."
            )
        else:
            why = f" because it contains {mode_reason}" if mode_reason else ""
            if self.committed:
                listed = "\n".join(f"    line {s.line}: {s.summary}" for s in self.committed)
                text = (
                    f"Partially applied: the migration ran statement by statement{why}, so these statements "
                    f"stayed applied:\n{listed}"
                )
            else:
                text = f"Nothing applied: the migration ran statement by statement{why}, and it failed before any statement was committed."
            if self.rolled_back_block:
                text += (
                    f"\nThe failed statement's own BEGIN/COMMIT block (from line {self.rolled_back_block[0].line}) "
                    "was rolled back."
                )
            if self.committed:
                text += (
                    "\nUndo them by hand (then fix the file and run "
                    f'`nexo db:migrate:resolve --rolled-back "{migration_name}"`), or complete the migration by hand '
                    f'and run `nexo db:migrate:resolve --applied "{migration_name}"`.'
                )
            else:
                text += (
                    f'\nFix the migration, then run `nexo db:migrate:resolve --rolled-back "{migration_name}"` and '
                    "deploy again."
                )
            parts.append(text)
        super().__init__(prisma, detail="\n\n".join(parts), file=script_path, line=line)


# --- shadow database, migrate dev, db push, db reset, migrate diff --------------------------------

SHADOW_LINK = "https://pris.ly/d/migrate-shadow"


class ShadowDatabaseCreateFailed(MigrateError):
    """P3014: the temporary shadow database could not be created (usually: no CREATEDB privilege)."""

    code = "P3014"

    def __init__(self, database_error: str) -> None:
        self.database_error = database_error
        super().__init__(
            "Prisma Migrate could not create the shadow database. Please make sure the database user has permission "
            f"to create databases. Read more about the shadow database (and workarounds) at {SHADOW_LINK}\n\n"
            f"Original error: \n{database_error}",
            detail="Grant the role CREATEDB, or set shadowDatabaseUrl in the datasource of schema.prisma (or pass "
            "--shadow-database-url) to an existing empty database nexo may wipe.",
        )


class ShadowDatabaseDropFailed(MigrateError):
    """The temporary shadow database could not be dropped after use."""

    code = "NEXO_SHADOW_DROP"

    def __init__(self, name: str, database_error: str) -> None:
        self.name = name
        super().__init__(
            f"The temporary shadow database {name} could not be dropped:\n{database_error}",
            detail=f'Drop it by hand: DROP DATABASE IF EXISTS "{name}" WITH (FORCE);',
        )


class ShadowDatabaseIsMainDatabase(MigrateError):
    """The configured shadow database is the development database itself (it would be wiped)."""

    code = "NEXO_SHADOW_IS_MAIN"

    def __init__(self, masked_url: str) -> None:
        super().__init__(
            "The shadow database you configured appears to be the same as the main database. Please specify another "
            "shadow database.",
            detail=f"Both point at {masked_url}. The shadow database is wiped on every use.",
        )


class ShadowReplayFailed(MigrateError):
    """P3006: a migration of the history does not apply cleanly to the (empty) shadow database."""

    code = "P3006"

    def __init__(
        self, migration_name: str, database_error_code: str, database_error: str, script_path: Path, line: int | None
    ) -> None:
        self.migration_name = migration_name
        self.database_error_code = database_error_code
        self.database_error = database_error
        super().__init__(
            f"Migration `{migration_name}` failed to apply cleanly to the shadow database. \nError:\n{database_error}",
            detail=(
                f"Database error code: {database_error_code}. The migrations are replayed, in order, into an empty "
                "temporary database; this one fails there, so the history cannot be rebuilt from the files. Fix "
                "the migration (or an earlier one it depends on)."
            ),
            file=script_path,
            line=line,
        )


class ResetRequired(MigrateError):
    """``migrate dev`` found drift, failed or edited migrations, or a diverging history: it explains and stops."""

    code = "NEXO_RESET_REQUIRED"

    def __init__(self, reason: str, location: str, *, drift_summary: str | None = None) -> None:
        self.reason = reason
        self.drift_summary = drift_summary
        super().__init__(
            f"{reason}\n{location}\n\n"
            "You may use nexo db:reset to drop the development database.\nAll data will be lost.",
            detail="Nothing was changed. db:reset re-applies every migration and then the SQL layer. To keep the "
            "data instead, turn the differences into a migration (nexo db:migrate:diff --from-migrations "
            "prisma_migrations --to-url ... --script) or undo them by hand.",
        )


class DataLossNotAccepted(MigrateError):
    """Destructive changes with no terminal to confirm them and no ``--accept-data-loss``."""

    code = "NEXO_DATA_LOSS"

    def __init__(self, warnings: list[str], command: str) -> None:
        self.warnings = list(warnings)
        listed = "\n".join(f"  • {w}" for w in self.warnings)
        if command == "db:push":
            head = (
                "Use the --accept-data-loss flag to ignore the data loss warnings like nexo db:push --accept-data-loss"
            )
        else:
            head = (
                "Prisma Migrate has detected that the environment is non-interactive, which is not supported.\n\n"
                "`nexo db:migrate:dev` needs a confirmation for these changes; pass --accept-data-loss to give it "
                "without a terminal. To apply existing migrations in deployments, use nexo db:migrate:deploy."
            )
        super().__init__(
            f"⚠️  Warnings for the current datasource:\n\n{listed}\n\n{head}",
            detail="Nothing was written and nothing was applied.",
        )


class UnexecutableChanges(MigrateError):
    """Steps that cannot run on the data in the database (Prisma refuses them too)."""

    code = "NEXO_UNEXECUTABLE"

    def __init__(self, items: list[str], command: str) -> None:
        self.items = list(items)
        if command == "db:push":
            listed = "\n".join(f"  • {m}" for m in self.items)
            tail = (
                "You may use the --force-reset flag to drop the database before push like nexo db:push "
                "--force-reset\nAll data will be lost."
            )
        else:
            listed = "\n".join(f"  • {m}" for m in self.items)
            tail = (
                "You can use nexo db:migrate:dev --create-only to create the migration file, and manually modify it "
                "to address the underlying issue(s).\nThen run nexo db:migrate:dev to apply it and verify it works."
            )
        super().__init__(
            f"⚠️ We found changes that cannot be executed:\n\n{listed}\n\n{tail}",
            detail="Nothing was written and nothing was applied.",
        )


class OperationCancelled(MigrateError):
    """The user answered no to a confirmation."""

    code = "NEXO_CANCELLED"

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} cancelled.", detail="Nothing was changed.")


class ResetRefused(MigrateError):
    """``db:reset`` without the confirmation it needs (no terminal and no --force, or a production name)."""

    code = "NEXO_RESET_REFUSED"

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message, detail=detail)


class ResetIncomplete(MigrateError):
    """P3016: the schema could not be emptied (an object could not be dropped, or survived the drops)."""

    code = "P3016"

    def __init__(self, original_error: str, leftovers: list[str] | None = None) -> None:
        self.original_error = original_error
        self.leftovers = list(leftovers or [])
        super().__init__(
            "The fallback method for database resets failed, meaning Migrate could not clean up the database "
            f"entirely. Original error: \n{original_error}",
            detail="Nothing was dropped: the reset runs in one transaction, which was rolled back. Objects owned by "
            "another role must be dropped by that role (or a superuser).",
        )


class DiffSourceError(MigrateError):
    """``db:migrate:diff`` was given the wrong number of --from-*/--to-* sources, or an unusable one."""

    code = "NEXO_DIFF_SOURCE"

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message, detail=detail)


class FailedAfterReset(MigrateError):
    """``db:push --force-reset``: the schemas were emptied (committed), then the push or the SQL layer
    failed. Carries the original error's code and text, and says that the data is already gone."""

    def __init__(self, original: Exception, *, database: str, schemas: Sequence[str], dropped: int) -> None:
        self.original = original
        listed = ", ".join(f'"{s}"' for s in schemas)
        text = getattr(original, "message", None) or str(original).strip()
        super().__init__(
            text,
            detail=f'The database was reset first (--force-reset): schema {listed} of database "{database}" was '
            f"emptied ({dropped} object(s) dropped), so its data is gone. Fix the cause, then run nexo db:push again.",
        )
        self.code = getattr(original, "code", None) or "NEXO_PUSH_FAILED"


class PushFailed(MigrateError):
    """``db:push``: the change script failed; it ran in one transaction, so nothing of it is left."""

    code = "NEXO_PUSH_FAILED"

    def __init__(self, database_error_code: str, database_error: str, statement: str | None) -> None:
        self.database_error_code = database_error_code
        self.database_error = database_error
        super().__init__(
            f"The schema could not be pushed to the database.\n\nDatabase error code: {database_error_code}\n\n"
            f"Database error:\n{database_error}",
            detail=(f"Failed statement:\n    {statement}\n\n" if statement else "")
            + "Rolled back: the push ran in one transaction, so nothing of it is left in the database.",
        )
