"""Connections, the embedded server, URL masking and the migration lock."""

from nexo.db.connection import Target, connect, resolve_target
from nexo.db.errors import ConnectionFailed, DatabaseError, EmbeddedServerError, LockTimeout
from nexo.db.lock import PRISMA_LOCK_KEY, advisory_lock
from nexo.db.urls import database_name, mask_text, mask_url, with_database, with_user

__all__ = [
    "PRISMA_LOCK_KEY",
    "ConnectionFailed",
    "DatabaseError",
    "EmbeddedServerError",
    "LockTimeout",
    "Target",
    "advisory_lock",
    "connect",
    "database_name",
    "mask_text",
    "mask_url",
    "resolve_target",
    "with_database",
    "with_user",
]
