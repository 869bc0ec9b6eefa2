"""Database-level errors (connection, lock), with Prisma's P-codes where it has one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexo.errors import NexoError

if TYPE_CHECKING:
    from nexo.db.sqlstate import Diagnostics


class DatabaseError(NexoError):
    code = "NEXO_DB"


class ConnectionFailed(DatabaseError):
    """The server could not be reached (Prisma's P1001), and the base of the more precise failures below."""

    code = "P1001"


class AuthenticationFailed(ConnectionFailed):
    """The server refused the credentials (Prisma's P1000)."""

    code = "P1000"


class DatabaseMissing(ConnectionFailed):
    """The server answered, but has no database of that name (Prisma's P1003)."""

    code = "P1003"


class UnsupportedDatabase(DatabaseError):
    """The URL names another database system (``mysql://``, ``sqlserver://``, ...): nexo is for PostgreSQL.
    Prisma's P1013 is "the provided database string is invalid"."""

    code = "P1013"


class NotAProject(DatabaseError):
    """A database command that would start the embedded server, run outside any project."""

    code = "NEXO_NOT_A_PROJECT"


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
