"""The one SQLSTATE → error table, and the diagnostics every mapped error keeps.

PostgreSQL reports a failure with a five-character SQLSTATE; psycopg raises one exception class per
SQLSTATE (``psycopg.errors.UniqueViolation`` is 23505) and one per class of them
(``psycopg.errors.DataException`` is 22000, the whole class 22). :data:`TABLE` names, by those
classes, the failures nexo reacts to; :func:`error_kind` finds the row of an error (its exact SQLSTATE
first, then its class), and :class:`Diagnostics` is what the server said about it (``diag``), kept on
the error nexo raises. The client (:mod:`nexo.client.errors`: Prisma's P-codes), the migration runners
(:mod:`nexo.migrate.execute`, :mod:`nexo.sqllayer.failures`) and database creation
(:mod:`nexo.db.create`) all read this table.

psycopg is imported on first use only: commands that never reach a database do not pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg


class ErrorKind(StrEnum):
    """What went wrong, as nexo tells the failures apart."""

    UNIQUE_VIOLATION = "unique_violation"
    FOREIGN_KEY_VIOLATION = "foreign_key_violation"
    NOT_NULL_VIOLATION = "not_null_violation"
    CHECK_VIOLATION = "check_violation"
    UNDEFINED_TABLE = "undefined_table"
    UNDEFINED_COLUMN = "undefined_column"
    VALUE_TOO_LONG = "value_too_long"
    INSUFFICIENT_PRIVILEGE = "insufficient_privilege"
    #: a serialization failure or a deadlock: the transaction may succeed when retried
    WRITE_CONFLICT = "write_conflict"
    #: the statement was cancelled (statement_timeout, pg_cancel_backend)
    QUERY_CANCELED = "query_canceled"
    #: a statement sent to a transaction that has already failed
    IN_FAILED_TRANSACTION = "in_failed_transaction"
    DUPLICATE_DATABASE = "duplicate_database"
    #: any other data exception (SQLSTATE class 22: bad input for a type, out of range, ...)
    INVALID_VALUE = "invalid_value"
    #: SQLSTATE class 08
    CONNECTION = "connection"


#: psycopg exception class (by name in ``psycopg.errors``) → what it means to nexo. Exact SQLSTATEs
#: first; the class-wide ones (SQLSTATE ``xx000``) apply to every code of their class not listed.
TABLE: tuple[tuple[str, ErrorKind], ...] = (
    ("UniqueViolation", ErrorKind.UNIQUE_VIOLATION),
    ("ForeignKeyViolation", ErrorKind.FOREIGN_KEY_VIOLATION),
    ("NotNullViolation", ErrorKind.NOT_NULL_VIOLATION),
    ("CheckViolation", ErrorKind.CHECK_VIOLATION),
    ("UndefinedTable", ErrorKind.UNDEFINED_TABLE),
    ("UndefinedColumn", ErrorKind.UNDEFINED_COLUMN),
    ("StringDataRightTruncation", ErrorKind.VALUE_TOO_LONG),
    ("InsufficientPrivilege", ErrorKind.INSUFFICIENT_PRIVILEGE),
    ("SerializationFailure", ErrorKind.WRITE_CONFLICT),
    ("DeadlockDetected", ErrorKind.WRITE_CONFLICT),
    ("QueryCanceled", ErrorKind.QUERY_CANCELED),
    ("InFailedSqlTransaction", ErrorKind.IN_FAILED_TRANSACTION),
    ("DuplicateDatabase", ErrorKind.DUPLICATE_DATABASE),
    ("DataException", ErrorKind.INVALID_VALUE),
    ("ConnectionException", ErrorKind.CONNECTION),
)


@cache
def _by_sqlstate() -> dict[str, ErrorKind]:
    """:data:`TABLE` keyed by SQLSTATE, read from psycopg's classes (each class knows its code)."""
    from psycopg import errors

    table: dict[str, ErrorKind] = {}
    for name, kind in TABLE:
        error_class: type[psycopg.Error] = getattr(errors, name)
        code = error_class.sqlstate
        assert code is not None and errors.lookup(code) is error_class, name
        table[code] = kind
    return table


def error_kind(error: BaseException | str | None) -> ErrorKind | None:
    """The row of :data:`TABLE` for a psycopg error (or a SQLSTATE): its own code, else its class's."""
    sqlstate = error if isinstance(error, str) or error is None else getattr(error, "sqlstate", None)
    if not sqlstate:
        return None
    table = _by_sqlstate()
    return table.get(sqlstate) or table.get(sqlstate[:2] + "000")


def error_class(sqlstate: str) -> type[psycopg.Error] | None:
    """psycopg's exception class for a SQLSTATE (``None`` for a code psycopg does not know)."""
    from psycopg import errors

    try:
        return errors.lookup(sqlstate)
    except KeyError:
        return None


@dataclass(frozen=True)
class Diagnostics:
    """What the server said about an error (psycopg's ``diag``), kept on the error nexo raises."""

    sqlstate: str | None
    kind: ErrorKind | None
    #: the primary message (``str(exc)`` when the server sent none, e.g. a client-side error)
    message_primary: str
    detail: str | None = None
    hint: str | None = None
    severity: str | None = None
    schema_name: str | None = None
    table_name: str | None = None
    column_name: str | None = None
    constraint_name: str | None = None
    #: 1-based character position of the error in the statement sent, when the server gave one
    position: int | None = None
    context: str | None = None

    @classmethod
    def of(cls, exc: BaseException) -> Diagnostics:
        """The diagnostics of a psycopg error (of any exception: then only its text)."""
        sqlstate = getattr(exc, "sqlstate", None) or None
        diag = getattr(exc, "diag", None)

        def field(name: str) -> str | None:
            value = getattr(diag, name, None) if diag is not None else None
            return value if isinstance(value, str) else None

        position = field("statement_position")
        return cls(
            sqlstate=sqlstate,
            kind=error_kind(sqlstate),
            message_primary=field("message_primary") or str(exc).strip(),
            detail=field("message_detail"),
            hint=field("message_hint"),
            severity=field("severity_nonlocalized") or field("severity"),
            schema_name=field("schema_name"),
            table_name=field("table_name"),
            column_name=field("column_name"),
            constraint_name=field("constraint_name"),
            position=int(position) if position is not None and position.isdigit() else None,
            context=field("context"),
        )
