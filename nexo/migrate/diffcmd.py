"""``migrate diff``: compare two schema sources, print SQL or a summary (Prisma's ``migrate diff``).

Sources (exactly one ``from`` and one ``to``): ``empty``; ``schema`` (a schema.prisma file or folder,
validated first: an invalid one raises P1012 with every diagnostic); ``schema-datasource`` (the live
database a schema's datasource points to: ``directUrl`` when set, else ``url``, ``env()`` resolved from
the process environment and the ``.env`` files, see :mod:`nexo.psl.datasource`; introspected);
``migrations`` (a migrations directory replayed into a shadow database, then introspected); ``url`` (a
live database, introspected). Database URLs are Prisma's: ``?schema=`` names the schema introspection
reads when no datasource lists ``schemas`` (``public`` by default). Every file and folder a source
names is read and checked, and every ``env()`` resolved, before a database is connected to. With
``exit_code``, Prisma's convention: 0 empty diff, 2 changes, 1 error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nexo.db import connect
from nexo.migrate.directory import check_lock_file, list_migrations
from nexo.migrate.errors import DiffSourceError
from nexo.migrate.shadow import schema_from_migrations
from nexo.schema.introspect import LEDGER_TABLES
from nexo.schema.model import Database

if TYPE_CHECKING:
    from nexo.config import Config
    from nexo.migrate.diff import MigrationPlan
    from nexo.psl.datasource import SchemaDatasource

KINDS = ("empty", "schema", "schema-datasource", "config-datasource", "migrations", "url")
#: the sources read from a live database (``before_is_live`` / ``after_is_live`` of the differ)
LIVE_KINDS = ("url", "schema-datasource", "migrations")

#: ``env(name, schema)``: the variable ``name`` for the schema at ``schema`` (None when unset)
EnvLookup = Callable[[str, Path], "str | None"]

#: Prisma's text for an empty summary
NO_DIFFERENCE = "No difference detected."


@dataclass(frozen=True)
class Source:
    """One side of a diff: ``kind`` in :data:`KINDS`; ``value`` the path or URL (``None`` for empty)."""

    kind: str
    value: str | None = None

    def describe(self) -> str:
        from nexo.db import mask_url

        if self.kind == "empty":
            return "empty"
        if self.kind == "url":
            return f"url {mask_url(self.value)}"
        return f"{self.kind} {self.value}"


def pick_source(side: str, candidates: Mapping[str, object]) -> Source:
    """The one source given for ``side`` (``from``/``to``) among ``{kind: value}``; error otherwise."""
    given = [(k, v) for k, v in candidates.items() if v not in (None, False, "")]
    if len(given) != 1:
        names = ", ".join(f"--{side}-{k}" for k in KINDS)
        raise DiffSourceError(
            f"{len(given)} `--{side}-...` parameter(s) provided. 1 must be provided.",
            detail=f"One of {names}.",
        )
    kind, value = given[0]
    return Source(kind, None if value is True else str(value))


def default_env(name: str, schema: Path) -> str | None:
    """``env()`` outside a project: the process environment, then the ``.env`` files of the current
    folder and beside the schema (:func:`nexo.config.env_value`)."""
    from nexo.config import env_value

    return env_value(name, Path.cwd(), schema=schema)


def load_schema_model(path: str | Path) -> tuple[Database, tuple[str, ...]]:
    """Validate a schema file/folder and build its model; also its datasource ``schemas``."""
    from nexo.layout import schema_has_url
    from nexo.psl import validate_path
    from nexo.schema import relational_model

    # a schema given by path (migrate diff --from/--to-schema-datamodel): Prisma 7's rules when it has no url
    schema = validate_path(path, "7" if schema_has_url(Path(path)) is False else "6").raise_for_errors()
    if not schema.has_datasource:  # Prisma's schema engine diffs only a schema that names its database
        raise DiffSourceError(
            "There is no datasource in the schema.", detail=f"The schema at {path} has no datasource block."
        )
    return relational_model(schema), tuple(schema.datasource.schemas)


@dataclass
class DiffOutcome:
    plan: MigrationPlan
    from_source: Source
    to_source: Source

    @property
    def is_empty(self) -> bool:
        return bool(self.plan.is_empty)

    def script(self) -> str:
        """Prisma's ``--script`` stdout text."""
        return self.plan.script()

    def summary(self) -> str:
        """The human summary (``No difference detected.`` when empty)."""
        text = self.plan.summary()
        return NO_DIFFERENCE if self.plan.is_empty and not text.strip() else text

    def stdout(self, script: bool, exit_code_flag: bool = False) -> str:
        """What the Prisma CLI (6.19) prints. Normally the text, a newline if it has none, then one
        more (a trailing blank line). With ``--exit-code`` and a difference (exit code 2) the CLI writes
        the text without the extra line: a text ending in a newline as it is (the empty summary of a
        diff whose only step creates the ``public`` schema is one newline)."""
        text = self.script() if script else self.summary()
        ended = text if text.endswith("\n") else text + "\n"
        if exit_code_flag and not self.is_empty:
            return ended
        return ended + "\n"

    def file_text(self, script: bool) -> str:
        """What ``--output FILE`` holds: the script as a migration.sql holds it, or the summary."""
        text = self.script() if script else self.summary()
        return text if script or text.endswith("\n") else text + "\n"

    def exit_code(self, exit_code_flag: bool) -> int:
        return 2 if exit_code_flag and not self.is_empty else 0


def migrate_diff(
    from_source: Source,
    to_source: Source,
    *,
    server_url: str | Callable[[], str] | None,
    shadow_url: str | None = None,
    ignore_tables: Sequence[str] = (),
    env: EnvLookup | None = None,
) -> DiffOutcome:
    """Diff ``from_source`` → ``to_source``.

    ``server_url`` is the configured database (or a function that finds it, called only when needed,
    after the sources were read): a ``migrations`` source without ``shadow_url`` creates a temporary
    shadow database on its server (and drops it). Schema sources are validated first, and the URL of
    a ``schema-datasource`` source resolved (``env``, default :func:`default_env`), before any
    connection. As in Prisma, the ``schemas`` of every schema and schema-datasource side, together,
    decide what introspection reads.
    """
    from nexo.migrate.diff import diff

    models: dict[int, Database | None] = {}
    live: dict[int, tuple[str, Path | None]] = {}  # the side's URL and the folder relative paths start in
    namespaces: list[str] = []
    for i, src in enumerate((from_source, to_source)):
        ns: Sequence[str] = ()
        if src.kind == "schema":
            models[i], ns = load_schema_model(src.value or "")
        elif src.kind == "schema-datasource":
            ds = load_schema_datasource(src.value or "", env or default_env)
            live[i], ns = (ds.url, ds.config_dir), ds.schemas
        elif src.kind == "url":
            live[i] = (src.value or "", None)
        namespaces += [n for n in ns if n not in namespaces]
    for i, src in enumerate((from_source, to_source)):
        if i in models:
            continue
        if i in live:
            models[i] = introspect_url(*live[i], schemas=namespaces or None, ignore=ignore_tables)
            continue
        models[i] = _load(
            src, server_url=server_url, shadow_url=shadow_url, schemas=namespaces or None, ignore=ignore_tables
        )
    plan = diff(
        models[0], models[1], before_is_live=from_source.kind in LIVE_KINDS, after_is_live=to_source.kind in LIVE_KINDS
    )
    return DiffOutcome(plan, from_source, to_source)


def migrate_diff_for_project(
    config: Config, from_source: Source, to_source: Source, *, shadow_database_url: str | None = None
) -> DiffOutcome:
    """``nexo db:migrate:diff`` for a project: a ``migrations`` side without ``shadow_database_url``
    replays in a temporary shadow database on the server of the configured database; the ledger
    tables are never part of the comparison. A ``schema-datasource`` side's ``env()`` reads the process
    environment, then the project's ``.env``, then the one beside the schema. Imports only what
    diffing needs (the command reading two schema files starts in a fraction of the time the database
    commands take)."""
    from nexo.config import env_value

    def server() -> str:  # asked for only once both sides are known to be readable
        from nexo.db import resolve_target

        return resolve_target(config).url  # may start the embedded server

    def configured(source: Source) -> Source:  # Prisma 7's --from/--to-config-datasource: the project's database
        return Source("url", server()) if source.kind == "config-datasource" else source

    from_source, to_source = configured(from_source), configured(to_source)
    if not shadow_database_url and "migrations" in (from_source.kind, to_source.kind):
        from nexo.config import shadow_database_url as configured_shadow

        shadow_database_url = configured_shadow(config)  # Prisma 7: prisma.config.ts datasource.shadowDatabaseUrl
    needs_server = "migrations" in (from_source.kind, to_source.kind) and not shadow_database_url
    return migrate_diff(
        from_source,
        to_source,
        server_url=server if needs_server else None,
        shadow_url=shadow_database_url,
        ignore_tables=LEDGER_TABLES,
        env=lambda name, schema: env_value(name, config.root, schema=schema),
    )


def load_schema_datasource(path: str | Path, env: EnvLookup) -> SchemaDatasource:
    """The datasource of the schema at ``path`` with its URL resolved (P1012 when it cannot be)."""
    from nexo.psl.datasource import read_schema_datasource

    return read_schema_datasource(path, lambda name: env(name, Path(path)))


def introspect_url(
    url: str, config_dir: Path | None = None, *, schemas: Sequence[str] | None, ignore: Sequence[str] = ()
) -> Database:
    """The live database at the Prisma URL ``url``, introspected: the ``schemas`` listed, or else the
    URL's ``?schema=`` (``public`` when absent), as Prisma reads it."""
    from nexo.db.ident import quote_ident
    from nexo.db.urls import prisma_url_to_libpq
    from nexo.migrate.drift import without_tables
    from nexo.schema.introspect import introspect

    conninfo, schema = prisma_url_to_libpq(url, config_dir)
    with connect(conninfo, application_name="nexo diff") as conn:
        conn.execute(f"SET search_path TO {quote_ident(schema)}")
        return without_tables(
            introspect(conn, schemas=list(schemas) if schemas else None, partial_indexes=True), ignore
        )


def _load(
    src: Source,
    *,
    server_url: str | Callable[[], str] | None,
    shadow_url: str | None,
    schemas: Sequence[str] | None,
    ignore: Sequence[str],
) -> Database | None:
    from nexo.migrate.drift import without_tables

    if src.kind == "empty":
        return None  # Prisma's empty source: not even the "public" schema
    if src.kind == "migrations":
        directory = Path(src.value or "")
        if not directory.is_dir():
            raise DiffSourceError(f"The migrations directory {directory} does not exist.", detail=None)
        check_lock_file(directory)
        migrations = list_migrations(directory)
        for m in migrations:
            m.read_script()
        if not shadow_url and not server_url:
            raise DiffSourceError(
                "You must pass the --shadow-database-url if you want to diff a migrations directory.",
            )
        server = server_url() if callable(server_url) and not shadow_url else server_url
        db = schema_from_migrations(
            server if isinstance(server, str) else "", migrations, shadow_url=shadow_url, schemas=schemas
        )
        return without_tables(db, ignore)
    raise DiffSourceError(f"unknown diff source {src.kind!r}")
