"""Prisma Client Python's exception classes, raised by the nexo client runtime.

Names, parents and attributes follow ``prisma.errors`` (0.15): ``DataError`` carries ``.code`` (a
Prisma P-code), ``.meta`` and ``.data``. Database errors are mapped from SQLSTATE in
:func:`map_db_error` (through nexo's one SQLSTATE table, :mod:`nexo.db.sqlstate`), naming the failing
field through the schema metadata; they keep ``.sqlstate`` and ``.diagnostics``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from nexo.db.sqlstate import Diagnostics, ErrorKind

if TYPE_CHECKING:
    import psycopg

    from nexo.client.meta import ModelMeta


class PrismaError(Exception):
    """Base of every client error."""

    code: str = "P0000"
    #: set on errors mapped from a database error (:func:`map_db_error`): its SQLSTATE and what the server said
    sqlstate: str | None = None
    diagnostics: Diagnostics | None = None

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class DataError(PrismaError):
    """An error about the data of a query (the engine's known request errors)."""

    code = "P2000"

    def __init__(self, message: str, *, code: str | None = None, meta: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.meta: dict[str, Any] = meta or {}
        self.data: dict[str, Any] = {
            "user_facing_error": {"message": message, "error_code": self.code, "meta": self.meta}
        }


class UniqueViolationError(DataError):
    code = "P2002"


class ForeignKeyViolationError(DataError):
    code = "P2003"


class MissingRequiredValueError(DataError):
    code = "P2012"


class FieldNotFoundError(DataError):
    code = "P2009"


class TableNotFoundError(DataError):
    code = "P2021"

    def __init__(self, message: str, *, table: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.table = table


class RawQueryError(DataError):
    code = "P2010"


class RecordNotFoundError(DataError):
    code = "P2025"


class InputError(DataError):
    code = "P2019"


class TransactionError(PrismaError):
    code = "P2028"


class TransactionExpiredError(TransactionError):
    pass


class TransactionNotStartedError(TransactionError):
    pass


class ClientNotConnectedError(PrismaError):
    def __init__(
        self,
        message: str = "Client is not connected to the query engine, you must call `connect()` before attempting to query data.",
    ) -> None:
        super().__init__(message)


class ClientAlreadyRegisteredError(PrismaError):
    pass


class ClientNotRegisteredError(PrismaError):
    pass


class UnsupportedDatabaseError(PrismaError):
    def __init__(self, database: str, context: str) -> None:
        super().__init__(f"{context} is not supported by {database}")
        self.database = database
        self.context = context


class BuilderError(PrismaError):
    pass


class InvalidModelError(BuilderError):
    pass


class UnknownModelError(BuilderError):
    def __init__(self, model: str) -> None:
        super().__init__(f"Model: {model!r} does not exist.")
        self.model = model


class UnknownRelationalFieldError(BuilderError):
    def __init__(self, model: str, field: str) -> None:
        super().__init__(f'Field: "{field}" either does not exist or is not a relational field on the {model} model')
        self.model = model
        self.field = field


class EngineError(PrismaError):
    pass


class AlreadyConnectedError(EngineError):
    pass


class NotConnectedError(EngineError):
    pass


class EngineConnectionError(EngineError):
    pass


class EngineRequestError(EngineError):
    pass


class HTTPClientClosedError(PrismaError):
    pass


class GeneratorError(PrismaError):
    """Kept for imports written for Prisma Client Python (nexo's generator raises its own errors)."""


class UnsupportedListTypeError(GeneratorError):
    pass


class PrismaWarning(Warning):
    pass


class UnsupportedSubclassWarning(PrismaWarning):
    pass


_KEY_RE = re.compile(r"Key \((?P<cols>[^)]*)\)")


def _fields_for(
    model: ModelMeta | None, constraint: str | None, detail: str | None, column: str | None = None
) -> list[str]:
    """The Prisma field names a failing constraint covers (metadata first, then the error detail)."""
    if model is None:
        return [column] if column else []
    if constraint and constraint in model.constraints:
        return list(model.constraints[constraint])
    cols: list[str] = []
    if column:
        cols = [column]
    elif detail:
        m = _KEY_RE.search(detail)
        if m:
            cols = [c.strip().strip('"') for c in m.group("cols").split(",")]
    if not cols and constraint:
        # Prisma's names: <table>_<col>_<col>_key / _fkey / _pkey
        if constraint.endswith("_pkey"):
            return list(model.id_fields)
        body = constraint[len(model.db_name) + 1 :] if constraint.startswith(model.db_name + "_") else constraint
        body = re.sub(r"_(key|fkey)$", "", body)
        split = _split_columns(body, {f.db_name: f.name for f in model.scalar_fields})
        return split if split else [body]
    out = []
    for c in cols:
        f = model.field_by_db(c)
        out.append(f.name if f else c)
    return out


def _split_columns(body: str, columns: dict[str, str]) -> list[str] | None:
    """``account_id_email`` as the field names of columns joined by ``_`` (longest names first)."""
    if body in columns:
        return [columns[body]]
    for col in sorted(columns, key=len, reverse=True):
        if body.startswith(col + "_"):
            rest = _split_columns(body[len(col) + 1 :], columns)
            if rest is not None:
                return [columns[col], *rest]
    return None


def map_db_error(exc: psycopg.Error, model: ModelMeta | None = None, *, raw: bool = False) -> PrismaError:
    """The Prisma Client Python error for a psycopg error, by its row of the SQLSTATE table
    (:mod:`nexo.db.sqlstate`). The error keeps ``.sqlstate`` and the server's ``.diagnostics``."""
    diagnostics = Diagnostics.of(exc)
    error = _mapped(diagnostics, model, raw=raw)
    error.sqlstate = diagnostics.sqlstate
    error.diagnostics = diagnostics
    return error


def _mapped(diagnostics: Diagnostics, model: ModelMeta | None, *, raw: bool) -> PrismaError:
    sqlstate = diagnostics.sqlstate or ""
    kind = diagnostics.kind
    constraint, detail = diagnostics.constraint_name, diagnostics.detail
    text = diagnostics.message_primary
    if kind in (ErrorKind.QUERY_CANCELED, ErrorKind.IN_FAILED_TRANSACTION):
        return TransactionExpiredError(f"Transaction failed: {text}")
    if raw:
        return RawQueryError(text, meta={"code": sqlstate, "message": text})
    if kind is ErrorKind.UNIQUE_VIOLATION:
        fields = _fields_for(model, constraint, detail)
        return UniqueViolationError(
            f"Unique constraint failed on the fields: ({', '.join('`' + f + '`' for f in fields)})",
            meta={"target": fields, "constraint": constraint},
        )
    if kind is ErrorKind.FOREIGN_KEY_VIOLATION:
        fields = _fields_for(model, constraint, detail)
        name = ", ".join(fields) or (constraint or "")
        return ForeignKeyViolationError(
            f"Foreign key constraint failed on the field: `{name}` ({constraint})",
            meta={"field_name": name, "target": fields, "constraint": constraint},
        )
    if kind is ErrorKind.NOT_NULL_VIOLATION:
        fields = _fields_for(model, None, None, diagnostics.column_name)
        return MissingRequiredValueError(
            f"A value is required but not set for the field: `{', '.join(fields)}`", meta={"target": fields}
        )
    if kind is ErrorKind.UNDEFINED_TABLE:
        return TableNotFoundError(
            f"The table does not exist in the current database: {text}", table=model.db_name if model else None
        )
    if kind is ErrorKind.UNDEFINED_COLUMN:
        return FieldNotFoundError(f"The column does not exist in the current database: {text}")
    if kind is ErrorKind.VALUE_TOO_LONG:
        return DataError(f"The provided value for the column is too long for the column's type: {text}", code="P2000")
    if kind is ErrorKind.CHECK_VIOLATION:
        return DataError(f"A check constraint failed on the database: {text}", code="P2004")
    if kind is ErrorKind.INSUFFICIENT_PRIVILEGE:
        return DataError(
            f"Permission denied by the database (privileges or row-level security): {text}",
            code="P2010",
            meta={"code": sqlstate},
        )
    if kind is ErrorKind.WRITE_CONFLICT:
        return DataError(f"Transaction failed due to a write conflict or a deadlock: {text}", code="P2034")
    if kind is ErrorKind.INVALID_VALUE:
        return InputError(f"Invalid value: {text}", meta={"code": sqlstate})
    if kind is ErrorKind.CONNECTION:
        return EngineConnectionError(text)
    return DataError(text, code="P2010" if not sqlstate else "P2000", meta={"code": sqlstate})
