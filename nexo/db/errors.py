"""Database-level errors (connection, lock), with Prisma's P-codes where it has one."""

from __future__ import annotations

from nexo.errors import NexoError


class DatabaseError(NexoError):
    code = "NEXO_DB"


class ConnectionFailed(DatabaseError):
    code = "P1001"


class LockTimeout(DatabaseError):
    code = "P1002"


class EmbeddedServerError(DatabaseError):
    code = "NEXO_EMBEDDED"


class DatabaseCreateFailed(DatabaseError):
    """The target database does not exist and could not be created (Prisma's P3000)."""

    code = "P3000"


class NoMaintenanceDatabase(DatabaseCreateFailed):
    """No maintenance database (``postgres``, ``template1``, ``defaultdb``) accepted the connection that
    would create the target database."""
