"""The database URL of a generated client created without one (``Prisma()``), found as the CLI finds it.

In order: the datasource's variable (``DATABASE_URL``; for a Prisma 7 schema without ``url``, the one
``datasource.url`` of the project's ``prisma.config.ts`` names) in the process environment; the ``.env`` of the
project (the nearest folder above the current one with ``[tool.nexo]``, a schema or a Prisma layout),
then the one beside the schema; the URL written in the schema; the project's embedded PostgreSQL when
it is running (``nexo db:up``, or any database command, started it). The embedded server is only read
from its ``postmaster.pid``: this never starts a server and never imports pgserver, Typer or Rich, so a
service that only imports the generated client needs none of them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

#: the database the embedded server's commands use (``nexo.db.embedded.EMBEDDED_DATABASE``)
EMBEDDED_DATABASE = "nexo"
EMBEDDED_USER = "postgres"


def running_embedded_url(root: Path) -> str | None:
    """The URL of the project's embedded server when it is running (read from ``postmaster.pid``)."""
    pgdata = root / ".nexo" / "pgdata"
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        pid, port, socket_dir = int(lines[0]), int(lines[3]), lines[4].strip()
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return None
    host = socket_dir or str(pgdata)
    return f"postgresql://{EMBEDDED_USER}:@/{EMBEDDED_DATABASE}?host={host}&port={port}"


def project_root(start: Path | None = None) -> Path:
    from nexo.config import find_project_root

    return find_project_root(start)


def resolve_url(
    env_name: str | None,
    literal: str | None = None,
    *,
    start: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[str | None, list[str]]:
    """``(url, tried)``: the URL (``None`` when there is none) and every place looked at, in order."""
    from nexo.config import env_files, read_dotenv

    env = os.environ if environ is None else environ
    tried: list[str] = []
    root = project_root(start)
    if not env_name and not literal:  # a Prisma 7 schema (no url): prisma.config.ts's datasource.url
        env_name, literal = config_datasource(root)
    if not env_name and not literal:  # none there either (or one nexo cannot read): DATABASE_URL, as the CLI
        env_name = "DATABASE_URL"
    if env_name:
        tried.append(f"the environment variable {env_name}")
        if env.get(env_name):
            return env[env_name], tried
        schema = _schema_of(root)
        for path in env_files(root, schema):
            tried.append(str(path))
            value = read_dotenv(path).get(env_name)
            if value:
                return value, tried
    if literal:
        return literal, tried
    tried.append(f"the embedded PostgreSQL of {root} (running?)")
    return running_embedded_url(root), tried


def config_datasource(root: Path) -> tuple[str | None, str | None]:
    """``(variable, literal)`` of the ``datasource.url`` in the project's prisma.config.ts (read as text)."""
    import re

    from nexo.errors import ConfigError
    from nexo.layout import find_prisma_config, read_prisma_config

    found = find_prisma_config(root)
    if found is None:
        return None, None
    try:
        url = read_prisma_config(found).datasource_url
    except ConfigError:
        return None, None
    if url is None:
        return None, None
    m = re.fullmatch(r'env\("([^"]+)"\)', url)
    return (m.group(1), None) if m else (None, url)


def _schema_of(root: Path) -> Path | None:
    try:
        from nexo.config import load_config

        return load_config(root).schema
    except Exception:  # a project nexo cannot read: the project's own .env still counts
        return None
