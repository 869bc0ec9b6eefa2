"""Where things are: project paths, settings from ``[tool.nexo]``, ``.env`` and the database URL.

Precedence for the database URL: the ``--database-url`` flag, then ``DATABASE_URL`` (process
environment, then the project's ``.env``), then the embedded PostgreSQL server. :func:`env_value`
resolves any other variable a schema names with ``env("NAME")`` the way Prisma's CLI does.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from dotenv import dotenv_values

from nexo.errors import ConfigError
from nexo.layout import (
    Layout,
    PrismaConfigFile,
    PrismaDialect,
    detect_dialect,
    find_prisma_config,
    looks_like_prisma_project,
    read_prisma_config,
    resolve_layout,
)

DEFAULT_TENANT_SETTING = "app.current_account_id"
DEFAULT_APP_ROLE = "nexo_app"
DEFAULT_TENANT_COLUMN = "account_id"
_SETTING_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_.]*$")
_ROLE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


@dataclass(frozen=True)
class CitusConfig:
    """``[tool.nexo.citus]``: how the tables are laid out on a Citus cluster.

    ``distribution_column`` (default: the tenant column) distributes every table that has it, co-located
    with ``root_table`` distributed by ``root_key`` (``root = "accounts.id"``); ``reference`` tables are
    copied to every node; ``local`` tables stay on the coordinator.
    """

    distribution_column: str = DEFAULT_TENANT_COLUMN
    root_table: str = "accounts"
    root_key: str = "id"
    reference: tuple[str, ...] = ()
    local: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """Everything a command needs to know about the project, resolved once."""

    root: Path
    schema: Path
    migrations_dir: Path
    sql_dir: Path
    tenant_setting: str = DEFAULT_TENANT_SETTING
    app_role: str = DEFAULT_APP_ROLE
    #: the column that names a row's tenant; tables with it are tenant tables
    tenant_column: str = DEFAULT_TENANT_COLUMN
    #: the URL given by flag or environment; ``None`` means "use the embedded server"
    database_url: str | None = None
    #: where ``database_url`` came from: ``flag``, ``env``, ``.env`` or ``embedded``
    database_url_source: str = "embedded"
    #: seconds to wait for the migration lock before giving up
    lock_timeout: float = 10.0
    #: the seed command (``seed`` in ``[tool.nexo]``), run through the shell by ``db:seed`` and ``db:reset``
    seed: str | None = None
    #: ``[tool.nexo.citus]``; ``None`` when the project does not configure Citus
    citus: CitusConfig | None = None
    #: extra settings from ``[tool.nexo]`` kept for later stages
    extra: dict[str, object] = field(default_factory=dict)
    #: where the schema and migrations were found, and what was looked for (:mod:`nexo.layout`)
    layout: Layout | None = None
    #: the Prisma version whose rules the project follows (:func:`nexo.layout.detect_dialect`)
    prisma: PrismaDialect = field(default_factory=lambda: PrismaDialect("6", "default"))
    #: ``tenant_column`` is set in ``[tool.nexo]`` (then a schema without such a table fails ``--check``)
    tenant_column_declared: bool = False
    #: pyproject.toml has a ``[tool.nexo]`` table
    tool_table: bool = False

    @property
    def data_dir(self) -> Path:
        """Folder for local state (the embedded server's data), git-ignored."""
        return self.root / ".nexo"

    def files(self) -> dict[str, object]:
        """Which schema and migrations folder this configuration uses, and where each came from (``--json``)."""
        return (
            self.layout.to_dict()
            if self.layout is not None
            else {"schema": str(self.schema), "migrations": str(self.migrations_dir)}
        )

    def looks_like_project(self) -> bool:
        """A schema, an sql/ folder or a ``[tool.nexo]`` table: something nexo can work on."""
        found = self.layout.schema_found if self.layout is not None else self.schema.exists()
        return found or self.sql_dir.is_dir() or self.tool_table

    def require_migrations(self) -> None:
        """Raise :class:`ConfigError` naming every place looked at when the migrations folder does not exist."""
        if self.migrations_dir.is_dir():
            return
        if self.database_url is None and not self.looks_like_project():
            return  # no project here at all: the embedded server's own refusal says so, better than this
        if self.layout is not None:
            raise ConfigError(self.layout.missing_migrations_message())
        raise ConfigError(f"No migrations folder found: {self.migrations_dir} does not exist.")

    def with_database_url(self, url: str | None, source: str = "flag") -> Config:
        if not url:
            return self
        return replace(self, database_url=url, database_url_source=source)


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` holding a pyproject.toml with ``[tool.nexo]``,
    else one holding ``schema.prisma`` or ``prisma_migrations/``, else ``start`` itself."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                data = {}
            if "nexo" in data.get("tool", {}):
                return folder
    for folder in (here, *here.parents):
        if (
            (folder / "schema.prisma").is_file()
            or (folder / "prisma_migrations").is_dir()
            or looks_like_prisma_project(folder)
        ):
            return folder
    return here


def _has_tool_table(root: Path) -> bool:
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return False
    return "nexo" in data.get("tool", {})


def _read_tool_table(root: Path) -> dict[str, object]:
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"pyproject.toml is not valid TOML: {exc}", file=pyproject) from exc
    if "nexo" not in data.get("tool", {}):
        return {}
    table = data["tool"]["nexo"]
    if not isinstance(table, dict):
        raise ConfigError("[tool.nexo] must be a table", file=pyproject)
    return table


def read_dotenv(path: Path) -> dict[str, str]:
    """The variables a ``.env`` file defines (python-dotenv's parsing); empty when there is no such file."""
    if not path.is_file():
        return {}
    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def env_files(root: Path, schema: Path | None = None) -> list[Path]:
    """The ``.env`` files Prisma's CLI reads, in the order they count: the project's (``root``), then the
    one beside the schema (``schema``'s folder; for a schema folder, the folder holding it), if another."""
    files = [root / ".env"]
    if schema is not None:
        beside = Path(os.path.abspath(schema)).parent / ".env"
        if beside.resolve() != files[0].resolve():
            files.append(beside)
    return files


def env_value(
    name: str, root: Path, *, schema: Path | None = None, environ: Mapping[str, str] | None = None
) -> str | None:
    """``env("name")`` as Prisma's CLI resolves it: the process environment (``environ``; a variable set
    there wins even when empty, as dotenv never overrides one), then the :func:`env_files` in order.
    ``None`` when no one defines it."""
    env = os.environ if environ is None else environ
    if name in env:
        return env[name]
    for path in env_files(root, schema):
        values = read_dotenv(path)
        if name in values:
            return values[name]
    return None


_ENV_CALL = re.compile(r'^env\("([^"]+)"\)$')


def _prisma_config(root: Path) -> PrismaConfigFile | None:
    """The project's prisma.config.ts when [tool.nexo] set every path (the layout did not read it then)."""
    found = find_prisma_config(root)
    if found is None:
        return None
    try:
        return read_prisma_config(found)
    except ConfigError:
        return None


def shadow_database_url(config: Config, environ: Mapping[str, str] | None = None) -> str | None:
    """Prisma 7's ``datasource.shadowDatabaseUrl`` from prisma.config.ts, resolved (environment, then .env)."""
    pconf = (config.layout.prisma_config if config.layout is not None else None) or _prisma_config(config.root)
    if pconf is None or pconf.shadow_database_url is None:
        return None
    m = _ENV_CALL.match(pconf.shadow_database_url)
    if m is None:
        return pconf.shadow_database_url
    return env_value(m.group(1), config.root, environ=environ) or None


def load_config(
    root: Path | str | None = None,
    *,
    database_url: str | None = None,
    environ: dict[str, str] | None = None,
    schema: Path | str | None = None,
) -> Config:
    """Resolve the project's configuration.

    ``root`` defaults to the nearest project folder above the current directory. ``environ``
    defaults to ``os.environ``; the project's ``.env`` fills in what it does not define. ``schema`` is a
    command's ``--schema``: it counts after ``[tool.nexo]``, before Prisma's own places (:mod:`nexo.layout`).
    """
    base = Path(root).resolve() if root is not None else find_project_root()
    env = dict(os.environ if environ is None else environ)
    dotenv = read_dotenv(base / ".env")

    table = _read_tool_table(base)
    in_project = bool(table) or _has_tool_table(base)
    known = {
        "schema",
        "migrations",
        "sql",
        "tenant_setting",
        "app_role",
        "tenant_column",
        "lock_timeout",
        "seed",
        "prisma",
        "citus",
    }

    def path_of(key: str, default: str) -> Path:
        value = table.get(key, default)
        if not isinstance(value, str):
            raise ConfigError(f"[tool.nexo] {key} must be a string path", file=base / "pyproject.toml")
        p = Path(value)
        return p if p.is_absolute() else base / p

    for key in ("schema", "migrations"):
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f"[tool.nexo] {key} must be a string path", file=base / "pyproject.toml")
    layout = resolve_layout(
        base,
        tool_schema=table.get("schema"),  # type: ignore[arg-type]
        tool_migrations=table.get("migrations"),  # type: ignore[arg-type]
        schema_flag=schema,
    )

    tenant_setting = str(table.get("tenant_setting", DEFAULT_TENANT_SETTING))
    if not _SETTING_RE.match(tenant_setting):
        raise ConfigError(
            f"[tool.nexo] tenant_setting {tenant_setting!r} must be a custom setting name with a dot, "
            "like 'app.current_account_id'",
            file=base / "pyproject.toml",
        )
    app_role = str(table.get("app_role", DEFAULT_APP_ROLE))
    if not _ROLE_RE.match(app_role):
        raise ConfigError(
            f"[tool.nexo] app_role {app_role!r} must be a plain role name (letters, digits, _)",
            file=base / "pyproject.toml",
        )
    tenant_column = str(table.get("tenant_column", DEFAULT_TENANT_COLUMN))
    if not _ROLE_RE.match(tenant_column):
        raise ConfigError(
            f"[tool.nexo] tenant_column {tenant_column!r} must be a plain column name (letters, digits, _)",
            file=base / "pyproject.toml",
        )
    lock_timeout = table.get("lock_timeout", 10.0)
    if not isinstance(lock_timeout, (int, float)) or lock_timeout <= 0:
        raise ConfigError("[tool.nexo] lock_timeout must be a positive number of seconds", file=base / "pyproject.toml")
    seed = table.get("seed")
    if seed is not None and (not isinstance(seed, str) or not seed.strip()):
        raise ConfigError(
            f'[tool.nexo] seed must be a non-empty command string, like seed = "python -m myapp.seed" (found {seed!r})',
            file=base / "pyproject.toml",
        )

    citus = _citus_config(table.get("citus"), tenant_column, base / "pyproject.toml")

    prisma = detect_dialect(base, layout.schema, table.get("prisma"))
    # Prisma 7: the URL is prisma.config.ts's datasource.url (env("NAME") names the variable; a literal is used
    # when no variable is set); Prisma 6 and projects without one: DATABASE_URL
    variable, literal = "DATABASE_URL", None
    pconf = layout.prisma_config or _prisma_config(base)
    if pconf is not None and pconf.datasource_url is not None:
        m = _ENV_CALL.match(pconf.datasource_url)
        variable, literal = (m.group(1), None) if m else ("DATABASE_URL", pconf.datasource_url)
    url, source = None, "embedded"
    if database_url:
        url, source = database_url, "flag"
    elif env.get(variable):
        url, source = env[variable], "env"
    elif dotenv.get(variable):
        url, source = dotenv[variable], ".env"
    elif literal:
        url, source = literal, pconf.file.name if pconf is not None else "prisma.config.ts"

    return Config(
        root=base,
        schema=layout.schema,
        migrations_dir=layout.migrations,
        sql_dir=path_of("sql", "sql"),
        tenant_setting=tenant_setting,
        app_role=app_role,
        tenant_column=tenant_column,
        database_url=url,
        database_url_source=source,
        lock_timeout=float(lock_timeout),
        seed=seed,
        citus=citus,
        extra={k: v for k, v in table.items() if k not in known},
        layout=layout,
        prisma=prisma,
        tenant_column_declared="tenant_column" in table,
        tool_table=in_project,
    )


def _citus_config(value: object, tenant_column: str, file: Path) -> CitusConfig | None:
    """Parse ``[tool.nexo.citus]`` (``None`` when absent)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ConfigError("[tool.nexo.citus] must be a table", file=file)
    unknown = sorted(set(value) - {"distribution_column", "root", "reference", "local"})
    if unknown:
        raise ConfigError(
            f"[tool.nexo.citus] has unknown key(s) {', '.join(unknown)} "
            "(known: distribution_column, root, reference, local)",
            file=file,
        )
    column = value.get("distribution_column", tenant_column)
    if not isinstance(column, str) or not _ROLE_RE.match(column):
        raise ConfigError(f"[tool.nexo.citus] distribution_column {column!r} must be a plain column name", file=file)
    root = value.get("root", "accounts.id")
    if not isinstance(root, str) or root.count(".") != 1 or not all(_ROLE_RE.match(p) for p in root.split(".")):
        raise ConfigError(f'[tool.nexo.citus] root {root!r} must be "table.column", like "accounts.id"', file=file)
    root_table, root_key = root.split(".")

    def names(key: str) -> tuple[str, ...]:
        items = value.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, str) and _ROLE_RE.match(i) for i in items):
            raise ConfigError(f"[tool.nexo.citus] {key} must be a list of table names", file=file)
        return tuple(items)

    reference, local = names("reference"), names("local")
    both = sorted(set(reference) & set(local))
    if both:
        raise ConfigError(f"[tool.nexo.citus] table(s) {', '.join(both)} are both reference and local", file=file)
    return CitusConfig(column, root_table, root_key, reference, local)
