"""Connections: resolve which database a command talks to, and open psycopg 3 connections."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from nexo.config import Config
from nexo.db import embedded
from nexo.db.errors import ConnectionFailed
from nexo.db.urls import mask_text, mask_url


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


def connect(url: str, *, autocommit: bool = True, application_name: str = "nexo", **kwargs) -> psycopg.Connection:
    """Open a connection; failures become :class:`ConnectionFailed` with the password masked."""
    try:
        return psycopg.connect(url, autocommit=autocommit, application_name=application_name, **kwargs)
    except psycopg.OperationalError as exc:
        raise ConnectionFailed(
            f"Can't reach the database at {mask_url(url)}:\n{mask_text(str(exc).strip())}"
        ) from None
