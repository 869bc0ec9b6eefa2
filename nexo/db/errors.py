"""Database-level errors (connection, lock), with Prisma's P-codes where it has one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexo.errors import NexoError

if TYPE_CHECKING:
    from nexo.db.sqlstate import Diagnostics


class DatabaseError(NexoError):
    code = "NEXO_DB"


class ConnectionFailed(DatabaseError):
    code = "P1001"


class LockTimeout(DatabaseError):
    code = "P1002"


class EmbeddedServerError(DatabaseError):
    code = "NEXO_EMBEDDED"


class DatabaseCreateFailed(DatabaseError):
    """The target database does not exist and could not be created (Prisma's P3000). When the server
    refused the ``CREATE DATABASE``, its SQLSTATE and diagnostics (:mod:`nexo.db.sqlstate`)."""

    code = "P3000"
    sqlstate: str | None = None
    diagnostics: Diagnostics | None = None


class NoMaintenanceDatabase(DatabaseCreateFailed):
    """No maintenance database (``postgres``, ``template1``, ``defaultdb``) accepted the connection that
    would create the target database."""
