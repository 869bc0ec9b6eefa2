"""The ``_prisma_migrations`` table, read and written exactly as Prisma Migrate does (prisma-compat §4.1-4.2).

Every function takes a psycopg 3 connection in autocommit mode and works on the table in the
connection's current schema (``current_schema()``), where Prisma creates it. Timestamps written by
nexo come from the client clock in UTC, like Prisma's (not the database default).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from nexo.db.ident import quote_ident

if TYPE_CHECKING:
    import psycopg

TABLE = "_prisma_migrations"

#: Prisma's own DDL for the table, character for character (``flavour/postgres.rs``).
CREATE_TABLE_SQL = """\
CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
"""

#: Tables Prisma ignores when deciding whether a schema is empty (PostGIS's own tables).
IGNORED_TABLES = frozenset(
    {"spatial_ref_sys", "geometry_columns", "geography_columns", "raster_columns", "raster_overviews"}
)

_COLUMNS = "id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count"


@dataclass(frozen=True)
class MigrationRecord:
    """One row of ``_prisma_migrations`` (one attempt to apply a migration)."""

    id: str
    checksum: str
    finished_at: datetime | None
    migration_name: str
    logs: str | None
    rolled_back_at: datetime | None
    started_at: datetime
    applied_steps_count: int

    @property
    def failed(self) -> bool:
        """Failed: neither finished nor rolled back (this blocks deploy, P3009)."""
        return self.finished_at is None and self.rolled_back_at is None

    @property
    def applied(self) -> bool:
        """Finished and not rolled back."""
        return self.finished_at is not None and self.rolled_back_at is None


def utc_now() -> datetime:
    """The client clock in UTC, as Prisma writes its timestamps."""
    return datetime.now(UTC)


def format_started_at(value: datetime) -> str:
    """A timestamp the way Prisma's P3009 text shows it (chrono's default: ``2026-11-24 18:39:48.204 UTC``).

    Fractional seconds appear only when non-zero: 3 digits when they are whole milliseconds, else 6.
    """
    utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    text = utc.strftime("%Y-%m-%d %H:%M:%S")
    micro = utc.microsecond
    if micro:
        text += f".{micro // 1000:03d}" if micro % 1000 == 0 else f".{micro:06d}"
    return text + " UTC"


def current_schema(conn: psycopg.Connection) -> str:
    """The schema Prisma works in: the connection's ``current_schema()`` (``public`` when none)."""
    row = conn.execute("SELECT current_schema()").fetchone()
    return row[0] if row and row[0] else "public"


def _table(conn: psycopg.Connection) -> str:
    return f"{quote_ident(current_schema(conn))}.{quote_ident(TABLE)}"


def table_exists(conn: psycopg.Connection) -> bool:
    """Whether ``_prisma_migrations`` exists (as an ordinary table) in the current schema."""
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind = 'r' AND c.relname = %s AND n.nspname = current_schema())",
        (TABLE,),
    ).fetchone()
    return bool(row and row[0])


def user_tables(conn: psycopg.Connection) -> list[str]:
    """Ordinary tables of the current schema that make it "not empty" for Prisma (P3005)."""
    rows = conn.execute(
        "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.relname"
    ).fetchall()
    return [r[0] for r in rows if r[0] != TABLE and r[0] not in IGNORED_TABLES]


def create_table(conn: psycopg.Connection) -> None:
    """Create ``_prisma_migrations`` with Prisma's definition."""
    conn.execute(CREATE_TABLE_SQL)


def list_records(conn: psycopg.Connection) -> list[MigrationRecord]:
    """Every row, ordered by ``started_at`` as Prisma reads them; empty when the table is missing."""
    if not table_exists(conn):
        return []
    rows = conn.execute(f"SELECT {_COLUMNS} FROM {_table(conn)} ORDER BY started_at ASC").fetchall()
    return [MigrationRecord(*row) for row in rows]


def record_started(conn: psycopg.Connection, name: str, checksum: str, *, now: datetime | None = None) -> str:
    """Insert the attempt row before the script runs (logs NULL, applied_steps_count 0); returns its id."""
    row_id = str(uuid.uuid4())
    conn.execute(
        f"INSERT INTO {_table(conn)} (id, checksum, started_at, migration_name) VALUES (%s, %s, %s, %s)",
        (row_id, checksum, now or utc_now(), name),
    )
    return row_id


def record_successful_step(conn: psycopg.Connection, row_id: str) -> None:
    """After the script succeeded: ``applied_steps_count + 1`` (Prisma's first update)."""
    conn.execute(f"UPDATE {_table(conn)} SET applied_steps_count = applied_steps_count + 1 WHERE id = %s", (row_id,))


def record_finished(conn: psycopg.Connection, row_id: str, *, now: datetime | None = None) -> None:
    """After the script succeeded: ``finished_at`` (Prisma's second update)."""
    conn.execute(f"UPDATE {_table(conn)} SET finished_at = %s WHERE id = %s", (now or utc_now(), row_id))


def record_failed_step(conn: psycopg.Connection, row_id: str, logs: str) -> None:
    """After the script failed: the error text into ``logs`` (finished_at stays NULL)."""
    conn.execute(f"UPDATE {_table(conn)} SET logs = %s WHERE id = %s", (logs, row_id))


def mark_rolled_back(conn: psycopg.Connection, row_id: str, *, now: datetime | None = None) -> None:
    """Set ``rolled_back_at`` on one row (``resolve``)."""
    conn.execute(f"UPDATE {_table(conn)} SET rolled_back_at = %s WHERE id = %s", (now or utc_now(), row_id))


def mark_applied(conn: psycopg.Connection, name: str, checksum: str, *, now: datetime | None = None) -> str:
    """Insert a row for ``resolve --applied``: started_at = finished_at = now, logs '', count 0."""
    row_id = str(uuid.uuid4())
    ts = now or utc_now()
    conn.execute(
        f"INSERT INTO {_table(conn)} (id, checksum, logs, started_at, finished_at, migration_name)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        (row_id, checksum, "", ts, ts, name),
    )
    return row_id
