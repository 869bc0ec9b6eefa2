"""Connections: resolve which database a command talks to, and open psycopg 3 connections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nexo.config import Config
from nexo.db import embedded
from nexo.db.errors import ConnectionFailed
from nexo.db.urls import mask_text, mask_url, prisma_url_to_libpq, url_schema

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
        return Target(config.database_url, config.database_url_source)
    return Target(embedded.start(config.data_dir), "embedded")


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

    schema = url_schema(url)
    conninfo = prisma_url_to_libpq(url)[0]
    try:
        conn = psycopg.connect(conninfo, autocommit=autocommit, application_name=application_name, **kwargs)
    except psycopg.OperationalError as exc:
        raise ConnectionFailed(f"Can't reach the database at {mask_url(url)}:\n{mask_text(str(exc).strip())}") from None
    if conn.info.server_version >= 140000:
        conn.execute(f"SET client_connection_check_interval = '{CLIENT_CHECK_INTERVAL}'")
    if schema is not None:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
    if not autocommit:
        conn.commit()
    return conn
