"""Connections, the embedded server, URL masking and the migration lock.

The names that need psycopg (``connect``, ``connect_or_create``, ``resolve_target``, ``Target``, ``advisory_lock``,
``PRISMA_LOCK_KEY``) load on first use, so a command that never touches a database (``nexo
validate``, ``nexo format``, ``--help``) does not pay for importing the driver.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from nexo.db.errors import ConnectionFailed, DatabaseCreateFailed, DatabaseError, EmbeddedServerError, LockTimeout
from nexo.db.urls import database_name, mask_text, mask_url, with_database, with_user

if TYPE_CHECKING:
    from nexo.db.connection import Target, connect, resolve_target
    from nexo.db.create import CreatedDatabase, connect_or_create
    from nexo.db.lock import PRISMA_LOCK_KEY, advisory_lock

_LAZY = {
    "Target": "nexo.db.connection",
    "CreatedDatabase": "nexo.db.create",
    "connect_or_create": "nexo.db.create",
    "connect": "nexo.db.connection",
    "resolve_target": "nexo.db.connection",
    "PRISMA_LOCK_KEY": "nexo.db.lock",
    "advisory_lock": "nexo.db.lock",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nexo.db' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "PRISMA_LOCK_KEY",
    "ConnectionFailed",
    "CreatedDatabase",
    "DatabaseCreateFailed",
    "DatabaseError",
    "EmbeddedServerError",
    "LockTimeout",
    "Target",
    "advisory_lock",
    "connect",
    "connect_or_create",
    "database_name",
    "mask_text",
    "mask_url",
    "resolve_target",
    "with_database",
    "with_user",
]
