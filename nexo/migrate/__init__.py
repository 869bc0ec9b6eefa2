"""Prisma-format migrations: the migrations directory, ``_prisma_migrations``, deploy, status, resolve.

Every database function takes a psycopg 3 connection in autocommit mode; callers hold the migration
advisory lock (``nexo.db.advisory_lock``, Prisma's key 72707369) around the functions that write.
"""

from nexo.migrate.checksum import checksum_matches, decode_script, legacy_checksum, script_checksum
from nexo.migrate.deploy import AppliedMigration, DeployEvent, DeployPlan, DeployResult, PlannedMigration, deploy, plan
from nexo.migrate.directory import (
    LOCK_FILE,
    PROVIDER_NOT_FOUND,
    SCRIPT_FILE,
    MigrationDir,
    check_lock_file,
    create_migration_dir,
    find_migration,
    list_migrations,
    read_lock_provider,
    write_lock_file,
)
from nexo.migrate.errors import (
    FailedMigrationsFound,
    MigrateError,
    MigrationAlreadyApplied,
    MigrationFailed,
    MigrationFileMissing,
    MigrationNameTooLong,
    MigrationNeverApplied,
    MigrationNotFailed,
    MigrationNotFound,
    MigrationsTableMissing,
    ProviderMismatch,
    SchemaNotEmpty,
)
from nexo.migrate.execute import ExecutionReport, ScriptAnalysis, analyse_script, run_script
from nexo.migrate.ledger import MigrationRecord, list_records
from nexo.migrate.naming import locale_sort_key, migration_folder_name, slugify
from nexo.migrate.resolve import ResolveResult, resolve_applied, resolve_rolled_back
from nexo.migrate.status import MigrationStatus, MigrationSummary, render_status, status, summary

__all__ = [
    "LOCK_FILE",
    "PROVIDER_NOT_FOUND",
    "SCRIPT_FILE",
    "AppliedMigration",
    "DeployEvent",
    "DeployPlan",
    "DeployResult",
    "ExecutionReport",
    "FailedMigrationsFound",
    "MigrateError",
    "MigrationAlreadyApplied",
    "MigrationDir",
    "MigrationFailed",
    "MigrationFileMissing",
    "MigrationNameTooLong",
    "MigrationNeverApplied",
    "MigrationNotFailed",
    "MigrationNotFound",
    "MigrationRecord",
    "MigrationStatus",
    "MigrationSummary",
    "MigrationsTableMissing",
    "PlannedMigration",
    "ProviderMismatch",
    "ResolveResult",
    "SchemaNotEmpty",
    "ScriptAnalysis",
    "analyse_script",
    "check_lock_file",
    "checksum_matches",
    "create_migration_dir",
    "decode_script",
    "deploy",
    "find_migration",
    "legacy_checksum",
    "list_migrations",
    "list_records",
    "locale_sort_key",
    "migration_folder_name",
    "plan",
    "read_lock_provider",
    "render_status",
    "resolve_applied",
    "resolve_rolled_back",
    "run_script",
    "script_checksum",
    "slugify",
    "status",
    "summary",
    "write_lock_file",
]
