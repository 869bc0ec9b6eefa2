"""The ``migration_history`` ledger of the SQL layer.

One row per attempt, failures included; nothing is ever deleted. A row is updated only while its
attempt runs: a file with ``-- nexo:no-transaction`` gets its row first, ``statements_done`` counts the
statements that completed (so a re-run after a kill continues after them), ``backend_pid`` names the
server process that ran it, and the outcome is written when it ends. ``kind`` is
``versioned`` (a versioned file applied), ``repeatable`` (a repeatable file applied),
``rollback`` (a versioned file undone by its ``.down.sql`` twin) or ``repair`` (the checksum of
an applied versioned file re-recorded after a reviewed edit; ``checksum`` holds the new value).

The table lives in the connection's current schema (``current_schema()``, resolved once per run,
so a file that changes ``search_path`` does not move the ledger). Reading never creates it.
On start, :func:`ensure_table` adds any column that a table created by an older nexo lacks.
"""

from __future__ import annotations

import getpass
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import nexo
from nexo.sqllayer.errors import HistoryTableError
from nexo.sqllayer.objects import from_json, to_json

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql

TABLE = "migration_history"

#: columns every reader needs; a table without them is not nexo's
CORE_COLUMNS = ("id", "version", "name", "kind", "script", "checksum", "success")

#: the other columns, with how to add each to a table created before it existed
OPTIONAL_COLUMNS: dict[str, str] = {
    "schema_version": "text",
    "applied_at": "timestamptz NOT NULL DEFAULT now()",
    "execution_ms": "integer NOT NULL DEFAULT 0",
    "error": "text",
    "applied_by": "text NOT NULL DEFAULT current_user",
    "nexo_version": "text",
    "transactional": "boolean NOT NULL DEFAULT true",
    "objects": "jsonb",
    "statements_done": "integer",
    "statements_checksum": "text",
    "backend_pid": "integer",
}

ALL_COLUMNS = CORE_COLUMNS + tuple(OPTIONAL_COLUMNS)

_CREATE = """
CREATE TABLE IF NOT EXISTS {table} (
    id             bigserial PRIMARY KEY,
    version        text,
    name           text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('versioned', 'repeatable', 'rollback', 'repair')),
    script         text NOT NULL,
    checksum       text NOT NULL,
    schema_version text,
    applied_at     timestamptz NOT NULL DEFAULT now(),
    execution_ms   integer NOT NULL DEFAULT 0,
    success        boolean NOT NULL,
    error          text,
    applied_by     text NOT NULL DEFAULT current_user,
    nexo_version   text,
    transactional  boolean NOT NULL DEFAULT true,
    objects        jsonb,
    statements_done integer,
    statements_checksum text,
    backend_pid    integer
)
"""


@dataclass(frozen=True)
class HistoryRow:
    """One row of ``migration_history``."""

    id: int
    version: str | None
    name: str
    kind: str
    script: str
    checksum: str
    schema_version: str | None
    applied_at: datetime | None
    execution_ms: int | None
    success: bool
    error: str | None
    applied_by: str | None
    nexo_version: str | None
    transactional: bool | None
    #: what the file created (``(kind, schema, table, name)``; empty before nexo recorded it)
    objects: tuple[tuple[str, str, str, str], ...] = ()
    #: statements of a no-transaction file that completed in this attempt (``None``: not tracked)
    statements_done: int | None = None
    #: sha-256 of the text of those statements: a re-run continues after them only if they are unchanged
    statements_checksum: str | None = None
    backend_pid: int | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: the table's columns, ``applied_at`` in ISO 8601."""
        return {
            "id": self.id,
            "version": self.version,
            "name": self.name,
            "kind": self.kind,
            "script": self.script,
            "checksum": self.checksum,
            "schema_version": self.schema_version,
            "applied_at": self.applied_at.isoformat() if self.applied_at else None,
            "execution_ms": self.execution_ms,
            "success": self.success,
            "error": self.error,
            "applied_by": self.applied_by,
            "nexo_version": self.nexo_version,
            "transactional": self.transactional,
            "objects": [list(o) for o in self.objects],
            "statements_done": self.statements_done,
            "statements_checksum": self.statements_checksum,
            "backend_pid": self.backend_pid,
        }


def current_schema(conn: psycopg.Connection) -> str:
    """The schema that holds (or will hold) the ledger."""
    row = conn.execute("SELECT current_schema()").fetchone()
    if row is None or row[0] is None:
        raise HistoryTableError(
            "No schema is selected (search_path names no existing schema), so nexo does not know where to keep "
            f"{TABLE}. Set search_path (e.g. ALTER ROLE ... SET search_path = public) and try again."
        )
    return str(row[0])


def table_ident(schema: str) -> sql.Composed:
    from psycopg import sql

    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(TABLE))


def existing_columns(conn: psycopg.Connection, schema: str) -> list[str] | None:
    """The ledger's column names, or ``None`` when the table does not exist (read-only)."""
    rows = conn.execute(
        """
        SELECT a.attname
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE n.nspname = %s AND c.relname = %s AND c.relkind IN ('r', 'p')
         ORDER BY a.attnum
        """,
        (schema, TABLE),
    ).fetchall()
    return [r[0] for r in rows] or None


def _check_core(schema: str, columns: list[str]) -> None:
    missing = [c for c in CORE_COLUMNS if c not in columns]
    if missing:
        raise HistoryTableError(
            f'A table "{schema}"."{TABLE}" exists but lacks the column(s) {", ".join(missing)} that nexo '
            "needs, so it probably belongs to another tool. Rename or move that table, or run nexo with "
            "another schema first in search_path."
        )


def ensure_table(conn: psycopg.Connection, schema: str) -> list[str]:
    """Create the ledger if missing, add columns an older version lacks; returns the columns added."""
    from psycopg import sql

    with conn.transaction():
        columns = existing_columns(conn, schema)
        if columns is None:
            conn.execute(sql.SQL(_CREATE).format(table=table_ident(schema)))
            conn.execute(
                sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (version)").format(
                    sql.Identifier(f"{TABLE}_version_idx"), table_ident(schema)
                )
            )
            return []
        _check_core(schema, columns)
        added: list[str] = []
        for name, definition in OPTIONAL_COLUMNS.items():
            if name not in columns:
                conn.execute(
                    sql.SQL("ALTER TABLE {} ADD COLUMN {} " + definition).format(
                        table_ident(schema), sql.Identifier(name)
                    )
                )
                added.append(name)
        return added


def read_rows(conn: psycopg.Connection, schema: str) -> list[HistoryRow] | None:
    """Every row in id order, or ``None`` when there is no ledger. Writes nothing."""
    from psycopg import sql

    columns = existing_columns(conn, schema)
    if columns is None:
        return None
    _check_core(schema, columns)
    select = sql.SQL(", ").join(sql.Identifier(c) if c in columns else sql.SQL("NULL") for c in ALL_COLUMNS)
    cur = conn.execute(sql.SQL("SELECT {} FROM {} ORDER BY id").format(select, table_ident(schema)))
    out = []
    for r in cur.fetchall():
        values = dict(zip(ALL_COLUMNS, r))
        out.append(
            HistoryRow(
                id=int(values["id"]),
                version=values["version"],
                name=values["name"],
                kind=values["kind"],
                script=values["script"],
                checksum=values["checksum"],
                schema_version=values["schema_version"],
                applied_at=values["applied_at"],
                execution_ms=values["execution_ms"],
                success=bool(values["success"]),
                error=values["error"],
                applied_by=values["applied_by"],
                nexo_version=values["nexo_version"],
                transactional=values["transactional"],
                objects=tuple(from_json(values["objects"])),
                statements_done=values["statements_done"],
                statements_checksum=values["statements_checksum"],
                backend_pid=values["backend_pid"],
            )
        )
    return out


@dataclass(frozen=True)
class RowValues:
    """What identifies one attempt in the ledger (the outcome is given to :func:`insert_row`)."""

    version: str | None
    name: str
    kind: str
    script: str
    checksum: str
    schema_version: str | None
    applied_by: str
    transactional: bool


def insert_row(
    conn: psycopg.Connection,
    schema: str,
    values: RowValues,
    *,
    execution_ms: int,
    success: bool,
    error: str | None,
    objects: Iterable[tuple[str, str, str, str]] | None = None,
    statements_done: int | None = None,
    statements_checksum: str | None = None,
) -> int:
    """Append one row (inside whatever transaction is open); returns its id."""
    from psycopg import sql

    row = conn.execute(
        sql.SQL(
            "INSERT INTO {} (version, name, kind, script, checksum, schema_version, execution_ms, success, "
            "error, applied_by, nexo_version, transactional, objects, statements_done, statements_checksum, backend_pid) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, pg_backend_pid()) RETURNING id"
        ).format(table_ident(schema)),
        (
            values.version,
            values.name,
            values.kind,
            values.script,
            values.checksum,
            values.schema_version,
            execution_ms,
            success,
            error,
            values.applied_by,
            nexo.__version__,
            values.transactional,
            to_json(objects) if objects is not None else None,
            statements_done,
            statements_checksum,
        ),
    ).fetchone()
    assert row is not None
    return int(row[0])


def update_row(
    conn: psycopg.Connection,
    schema: str,
    row_id: int,
    *,
    statements_done: int | None = None,
    statements_checksum: str | None = None,
    success: bool | None = None,
    error: str | None = None,
    execution_ms: int | None = None,
    objects: Iterable[tuple[str, str, str, str]] | None = None,
) -> None:
    """Record the progress or the outcome of the attempt ``row_id`` (a no-transaction file's row)."""
    from psycopg import sql

    sets: list[sql.Composable] = []
    params: list[object] = []
    for column, value in (
        ("statements_done", statements_done),
        ("statements_checksum", statements_checksum),
        ("success", success),
        ("execution_ms", execution_ms),
    ):
        if value is not None:
            sets.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
            params.append(value)
    if success is not None:
        sets.append(sql.SQL("error = %s"))
        params.append(error)
    if objects is not None:
        sets.append(sql.SQL("objects = %s::jsonb"))
        params.append(to_json(objects))
    if not sets:
        return
    conn.execute(
        sql.SQL("UPDATE {} SET {} WHERE id = %s").format(table_ident(schema), sql.SQL(", ").join(sets)),
        [*params, row_id],
    )


def owned_objects(rows: Iterable[HistoryRow]) -> frozenset[tuple[str, str, str, str]]:
    """What the applied SQL-layer files created (union over the successful versioned and repeatable rows)."""
    return frozenset(o for r in rows if r.success and r.kind in ("versioned", "repeatable") for o in r.objects)


def default_applied_by(conn: psycopg.Connection) -> str:
    """``current_user`` on the server, plus the OS user and host that ran nexo."""
    row = conn.execute("SELECT current_user").fetchone()
    db_user = str(row[0]) if row else "?"
    try:
        os_user = getpass.getuser()
    except (OSError, KeyError):
        os_user = "?"
    host = socket.gethostname() or "?"
    return f"{db_user} ({os_user}@{host})"
