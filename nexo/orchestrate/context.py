"""What every orchestrated command shares: the target and its sessions, the files it reads, the schema,
and the progress callbacks handed to the migration runners."""

from __future__ import annotations

import getpass
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from nexo import migrate as prisma
from nexo import sqllayer
from nexo.config import Config
from nexo.db import Target, connect, connect_or_create, embedded, resolve_target
from nexo.db.connection import project_data_dir
from nexo.orchestrate.results import OnEvent, OnTarget
from nexo.sqllayer.placeholders import with_placeholders

if TYPE_CHECKING:
    import psycopg

    from nexo.db.create import CreatedDatabase
    from nexo.psl import Schema
    from nexo.schema import Database


def embedded_up(config: Config) -> str:
    return embedded.start(project_data_dir(config))  # refused outside a project


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
    return with_placeholders(sqllayer.discover(config.sql_dir, root=config.root), placeholders(config))


def sql_owned(conn: psycopg.Connection) -> frozenset[tuple[str, str, str, str]]:
    """What the applied SQL-layer files created (``migration_history.objects``): not drift, never pushed
    away. Empty when the ledger cannot be read (it then cannot say what is the SQL layer's)."""
    import psycopg

    from nexo.errors import NexoError

    try:
        return sqllayer.owned(conn)
    except (NexoError, psycopg.Error):
        return frozenset()


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


def prisma_events(on_event: OnEvent | None) -> Callable[[prisma.DeployEvent], None] | None:
    """``on_event`` as the Prisma runner's step callback."""
    if on_event is None:
        return None

    def cb(ev: prisma.DeployEvent) -> None:
        on_event("prisma", ev.phase, ev.index, ev.total, ev.name, ev.seconds)

    return cb


def sql_events(on_event: OnEvent | None) -> Callable[[sqllayer.StepEvent], None] | None:
    """``on_event`` as the SQL-layer runner's step callback."""
    if on_event is None:
        return None

    def cb(ev: sqllayer.StepEvent) -> None:
        seconds = ev.result.execution_ms / 1000 if ev.result else None
        label = f"{ev.step.script}" if ev.step.kind != "rollback" else f"{ev.step.script} (rollback)"
        on_event("sql", ev.phase, ev.index, ev.total, label, seconds)

    return cb


#: tables the drift check leaves out: the SQL layer's ledger (Prisma's own table is known to the migrate
#: package; introspection leaves out both, see nexo.schema.introspect.LEDGER_TABLES)
DRIFT_IGNORED_TABLES = (sqllayer.HISTORY_TABLE,)


def load_schema(config: Config) -> Schema:
    """The validated schema.prisma; :class:`nexo.psl.PslError` (P1012, every diagnostic) when invalid."""
    from nexo.psl import validate_path

    return validate_path(config.schema, config.prisma.version).raise_for_errors()


def schema_model(config: Config) -> tuple[Database, tuple[str, ...]]:
    """The relational model of schema.prisma and the datasource's ``schemas`` (empty: single schema)."""
    from nexo.schema import relational_model

    schema = load_schema(config)
    return relational_model(schema), tuple(schema.datasource.schemas)


def project_env_value(config: Config, name: str) -> str | None:
    """``env("name")`` for the project's schema (:func:`nexo.config.env_value`); an empty value is unset."""
    from nexo.config import env_value

    return env_value(name, config.root, schema=config.schema) or None


def datasource_shadow_url(config: Config, schema: Schema | None = None) -> str | None:
    """``shadowDatabaseUrl`` of the datasource (``env("X")`` resolved), if schema.prisma sets one."""
    from nexo.config import shadow_database_url
    from nexo.psl.model import Env

    if config.prisma.version == "7":  # Prisma 7: prisma.config.ts's datasource.shadowDatabaseUrl
        return shadow_database_url(config)
    value = (schema or load_schema(config)).datasource.shadow_database_url
    if isinstance(value, Env):
        return project_env_value(config, value.name)
    return value if isinstance(value, str) and value else None


def introspection_schemas(namespaces: tuple[str, ...]) -> list[str] | None:
    return list(namespaces) if namespaces else None


def host_port(conn: psycopg.Connection) -> str:
    return f"{conn.info.host or 'localhost'}:{conn.info.port}"


def location_line(conn: psycopg.Connection, namespaces: tuple[str, ...]) -> str:
    """Prisma's ``We need to reset the "public" schema at "host:port"`` line."""
    where = host_port(conn)
    if namespaces:
        return f'We need to reset the following schemas: "{", ".join(namespaces)}" at "{where}"'
    schema = prisma.ledger.current_schema(conn)
    return f'We need to reset the "{schema}" schema at "{where}"'
