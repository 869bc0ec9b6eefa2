"""Connections: resolve which database a command talks to, and open psycopg 3 connections."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nexo.config import Config
from nexo.db import embedded
from nexo.db.errors import AuthenticationFailed, ConnectionFailed, DatabaseMissing, NotAProject, UnsupportedDatabase
from nexo.db.urls import database_name, mask_text, mask_url, prisma_url_to_libpq, url_problem, url_schema

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True)
class Target:
    """The database a command acts on."""

    url: str
    #: ``flag``, ``env``, ``.env`` or ``embedded``
    source: str

    @property
    def masked(self) -> str:
        return mask_url(self.url)

    @property
    def embedded(self) -> bool:
        return self.source == "embedded"

    def describe(self) -> str:
        origin = {
            "flag": "--database-url",
            "env": "DATABASE_URL",
            ".env": "DATABASE_URL from .env",
            "embedded": "embedded PostgreSQL",
        }.get(self.source, self.source)
        return f"{self.masked} ({origin})"


def resolve_target(config: Config) -> Target:
    """The configured URL, or the embedded server (started on demand)."""
    if config.database_url:
        check_postgres_url(config.database_url)
        return Target(config.database_url, config.database_url_source)
    return Target(embedded.start(project_data_dir(config)), "embedded")


def in_a_project(config: Config) -> bool:
    """Whether ``config.root`` is a project: it has the schema, the migrations or sql folder, a
    ``[tool.nexo]`` table, or the embedded server's data already."""
    if config.schema.exists() or config.migrations_dir.is_dir() or config.sql_dir.is_dir():
        return True
    if (config.data_dir / "pgdata").is_dir():
        return True
    pyproject = config.root / "pyproject.toml"
    try:
        return pyproject.is_file() and "nexo" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError):
        return False


def project_data_dir(config: Config) -> Path:
    """Where the embedded server keeps its data (``.nexo/`` of the project); outside any project the
    embedded server is refused rather than started in whatever folder the command runs in."""
    if not in_a_project(config):
        raise NotAProject(
            f"{config.root} is not a nexo project (no schema.prisma, no prisma_migrations/ or sql/, no [tool.nexo] "
            "in pyproject.toml), so nexo will not start an embedded PostgreSQL here. Run the command in your "
            "project folder or give it with --project DIR, create a project with `nexo init`, or name a server "
            "with DATABASE_URL / --database-url."
        )
    return config.data_dir


def check_postgres_url(url: str) -> None:
    """Refuse a URL of another database system with a message that says so (not a libpq parse error), and
    one whose password holds an unencoded @ (libpq would print the rest of the password as a host name)."""
    problem = url_problem(url)
    if problem is not None:
        raise UnsupportedDatabase(problem)


_AUTH_FAILURES = (
    "password authentication failed",
    "authentication failed",
    "no password supplied",
    "no pg_hba.conf entry",
    "pg_hba.conf rejects connection",
)


def connection_error(url: str, text: str) -> ConnectionFailed:
    """The error for a failed connection, with Prisma's code: P1000 (credentials refused), P1003 (no such
    database), P1001 (anything else: the server cannot be reached). libpq gives no SQLSTATE for these,
    so the server's (English) words decide; the password is masked."""
    where, said = mask_url(url), mask_text(text.strip())
    lowered = said.lower()
    name = database_name(url)
    if name and f'database "{name.lower()}" does not exist' in lowered:
        return DatabaseMissing(
            f"Can't reach the database at {where}: the server has no database {name!r} (P1003).\n{said}"
        )
    if any(marker in lowered for marker in _AUTH_FAILURES) or ("role " in lowered and "does not exist" in lowered):
        return AuthenticationFailed(
            f"Authentication failed against the database server at {where}: the credentials are not valid.\n{said}"
        )
    return ConnectionFailed(f"Can't reach the database at {where}:\n{said}")


#: how often the server checks, during a long statement, that nexo's process is still there
CLIENT_CHECK_INTERVAL = "1s"


def connect(url: str, *, autocommit: bool = True, application_name: str = "nexo", **kwargs: Any) -> psycopg.Connection:
    """Open a connection; failures become :class:`ConnectionFailed` with the password masked.

    On PostgreSQL 14 and later the session sets ``client_connection_check_interval``: without it a
    server backend only notices that a killed nexo process is gone when its current statement ends,
    and until then keeps the migration's transaction open and the advisory lock held.

    ``url`` may be a Prisma URL: the parameters only Prisma's engines read (``connection_limit``,
    ``pgbouncer``, ...) are left out, and ``?schema=NAME`` (``prisma init`` writes ``?schema=public``)
    becomes the session's ``search_path``, so migrations and the ledger live in that schema as with Prisma.
    """
    import psycopg
    from psycopg import sql

    check_postgres_url(url)
    schema = url_schema(url)
    conninfo = prisma_url_to_libpq(url)[0]
    try:
        conn = psycopg.connect(conninfo, autocommit=autocommit, application_name=application_name, **kwargs)
    except psycopg.OperationalError as exc:
        raise connection_error(url, str(exc)) from None
    except psycopg.ProgrammingError as exc:  # an unparsable URL or conninfo string
        raise ConnectionFailed(
            f"The database URL {mask_url(url)} is not valid:\n{mask_text(str(exc).strip())}"
        ) from None
    if conn.info.server_version >= 140000:
        conn.execute(f"SET client_connection_check_interval = '{CLIENT_CHECK_INTERVAL}'")
    if schema is not None:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
    if not autocommit:
        conn.commit()
    return conn
