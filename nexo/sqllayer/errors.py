"""Errors of the SQL layer (``sql/`` runner), each with a stable code.

Every error names the file (and line where one applies) and says what the user can do next.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from nexo.errors import NexoError

if TYPE_CHECKING:
    from nexo.db.sqlstate import Diagnostics


class SqlLayerError(NexoError):
    """Base class of every SQL-layer error."""

    code = "NEXO_SQL"


class SqlFileNameError(SqlLayerError):
    """A ``.sql`` file in ``sql/`` whose name matches none of the accepted patterns,
    or a rollback twin without its versioned file."""

    code = "NEXO_SQL_FILENAME"


class DuplicateVersionError(SqlLayerError):
    """Two versioned files with the same version."""

    code = "NEXO_SQL_DUPLICATE"


class DirectiveError(SqlLayerError):
    """A ``-- nexo:`` directive that is unknown, misplaced, repeated or has a bad value;
    also a file that is not valid UTF-8."""

    code = "NEXO_SQL_DIRECTIVE"


class TransactionSafetyError(SqlLayerError):
    """A transactional file holds a statement that cannot run inside a transaction block,
    or explicit transaction control (BEGIN/COMMIT/...)."""

    code = "NEXO_SQL_TX"


class ChecksumMismatch(SqlLayerError):
    """An already-applied versioned file was edited after it was applied."""

    code = "NEXO_SQL_CHECKSUM"


class OutOfOrderError(SqlLayerError):
    """A pending versioned file sorts before the latest applied version."""

    code = "NEXO_SQL_ORDER"


class MissingTwinError(SqlLayerError):
    """A rollback needs a ``.down.sql`` twin that does not exist."""

    code = "NEXO_SQL_NO_TWIN"


class RollbackTargetError(SqlLayerError):
    """``steps``/``to`` of a rollback do not describe applied versions."""

    code = "NEXO_SQL_ROLLBACK"


class RepairError(SqlLayerError):
    """``repair_checksum`` was asked for a version it cannot re-record."""

    code = "NEXO_SQL_REPAIR"


class HistoryTableError(SqlLayerError):
    """``migration_history`` exists but is not nexo's table (columns missing), or no schema
    is selected to hold it."""

    code = "NEXO_SQL_HISTORY"


class UnsupportedStatementError(SqlLayerError):
    """A statement the runner cannot send to the server: psql meta-commands (``\\set``,
    ``\\i``, ...) and ``COPY ... FROM STDIN`` with inline data."""

    code = "NEXO_SQL_UNSUPPORTED"


class ConnectionStateError(SqlLayerError):
    """The connection given to the SQL layer is not in autocommit mode, or is inside a transaction."""

    code = "NEXO_SQL_CONNECTION"


class SqlFileFailed(SqlLayerError):
    """PostgreSQL rejected a statement of a SQL-layer file.

    Carries the file, the line of the failing statement (or the exact line of the error
    position), PostgreSQL's SQLSTATE and message, and whether the file's changes were rolled back.
    ``result`` (set by ``apply``/``rollback``) holds the steps that completed before the failure.
    """

    code = "NEXO_SQL_FAILED"
    #: what PostgreSQL said about the failure (:mod:`nexo.db.sqlstate`), set by the runner
    diagnostics: Diagnostics | None = None

    def __init__(
        self,
        message: str,
        *,
        file: str | Path,
        line: int | None,
        sqlstate: str | None,
        pg_message: str,
        statement: str | None = None,
        rolled_back: bool = True,
        kind: str = "versioned",
        version: str | None = None,
        detail: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, file=file, line=line)
        self.sqlstate = sqlstate
        self.pg_message = pg_message
        self.statement = statement
        self.rolled_back = rolled_back
        self.kind = kind
        self.version = version
        self.detail = detail
        self.hint = hint
        self.result: object | None = None
