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

    @property
    def data_dir(self) -> Path:
        """Folder for local state (the embedded server's data), git-ignored."""
        return self.root / ".nexo"

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
        if (folder / "schema.prisma").is_file() or (folder / "prisma_migrations").is_dir():
            return folder
    return here


def _read_tool_table(root: Path) -> dict[str, object]:
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"pyproject.toml is not valid TOML: {exc}", file=pyproject) from exc
    table = data.get("tool", {}).get("nexo", {})
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


def load_config(
    root: Path | str | None = None,
    *,
    database_url: str | None = None,
    environ: dict[str, str] | None = None,
) -> Config:
    """Resolve the project's configuration.

    ``root`` defaults to the nearest project folder above the current directory. ``environ``
    defaults to ``os.environ``; the project's ``.env`` fills in what it does not define.
    """
    base = Path(root).resolve() if root is not None else find_project_root()
    env = dict(os.environ if environ is None else environ)
    dotenv = read_dotenv(base / ".env")

    table = _read_tool_table(base)
    known = {
        "schema",
        "migrations",
        "sql",
        "tenant_setting",
        "app_role",
        "tenant_column",
        "lock_timeout",
        "seed",
        "citus",
    }

    def path_of(key: str, default: str) -> Path:
        value = table.get(key, default)
        if not isinstance(value, str):
            raise ConfigError(f"[tool.nexo] {key} must be a string path", file=base / "pyproject.toml")
        p = Path(value)
        return p if p.is_absolute() else base / p

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

    url, source = None, "embedded"
    if database_url:
        url, source = database_url, "flag"
    elif env.get("DATABASE_URL"):
        url, source = env["DATABASE_URL"], "env"
    elif dotenv.get("DATABASE_URL"):
        url, source = dotenv["DATABASE_URL"], ".env"

    return Config(
        root=base,
        schema=path_of("schema", "schema.prisma"),
        migrations_dir=path_of("migrations", "prisma_migrations"),
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
