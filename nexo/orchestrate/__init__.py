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

from nexo.orchestrate.commands import (
    deploy,
    drift,
    drift_report,
    dry_run,
    migrate,
    migrate_diff,
    resolve,
    rollback,
    seed,
    status,
)
from nexo.orchestrate.context import (
    DRIFT_IGNORED_TABLES,
    applied_by,
    creating_session,
    datasource_shadow_url,
    embedded_down,
    embedded_up,
    load_schema,
    migrations,
    placeholders,
    schema_model,
    session,
    sql_files,
    target,
)
from nexo.orchestrate.generators import SKIP_GENERATE_ENV, generate_wanted, run_generators
from nexo.orchestrate.results import (
    DevReport,
    ForceReset,
    GenerateStep,
    MigrateResult,
    OnEvent,
    OnTarget,
    Plan,
    PushReport,
    ResetReport,
    Status,
)
from nexo.orchestrate.schema_commands import migrate_dev, push, reset

__all__ = [
    "DRIFT_IGNORED_TABLES",
    "SKIP_GENERATE_ENV",
    "DevReport",
    "ForceReset",
    "GenerateStep",
    "MigrateResult",
    "OnEvent",
    "OnTarget",
    "Plan",
    "PushReport",
    "ResetReport",
    "Status",
    "applied_by",
    "creating_session",
    "datasource_shadow_url",
    "deploy",
    "drift",
    "drift_report",
    "dry_run",
    "embedded_down",
    "embedded_up",
    "generate_wanted",
    "load_schema",
    "migrate",
    "migrate_dev",
    "migrate_diff",
    "migrations",
    "placeholders",
    "push",
    "reset",
    "resolve",
    "rollback",
    "run_generators",
    "schema_model",
    "seed",
    "session",
    "sql_files",
    "status",
    "target",
]
