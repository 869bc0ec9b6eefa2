"""The ``_prisma_migrations`` table, read and written exactly as Prisma Migrate does (prisma-compat §4.1-4.2).

Every function takes a psycopg 3 connection in autocommit mode and works on the table in the
connection's current schema (``current_schema()``), where Prisma creates it. Timestamps written by
nexo come from the client clock in UTC, like Prisma's (not the database default).
"""

from __future__ import annotations

import re
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


#: the ``logs`` of a row whose migration runs statement by statement, while it runs (Prisma only shows logs)
_PROGRESS = (
    "nexo: running statement by statement in server process {pid} (backend started {start}); "
    "{done} of {total} statement(s) committed"
)
_PROGRESS_RE = re.compile(
    r"^nexo: running statement by statement in server process (?P<pid>\d+) \(backend started (?P<start>[^)]+)\); "
    r"(?P<done>\d+) of (?P<total>\d+) statement\(s\) committed$"
)


@dataclass(frozen=True)
class Progress:
    """What a statement-by-statement migration's row says about its run."""

    pid: int
    backend_start: str
    done: int
    total: int


def backend_identity(conn: psycopg.Connection) -> tuple[int, str]:
    """This session's server process id and start time (together they name it; pids are reused)."""
    row = conn.execute("SELECT pid, backend_start::text FROM pg_stat_activity WHERE pid = pg_backend_pid()").fetchone()
    if row is None:  # not visible (should not happen for one's own session)
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()
        return (int(pid[0]) if pid else 0), "?"
    return int(row[0]), str(row[1])


def record_progress(conn: psycopg.Connection, row_id: str, identity: tuple[int, str], done: int, total: int) -> None:
    """Write into ``logs`` how far a statement-by-statement migration got and which server process runs it,
    so that a later run can tell a migration whose process was killed (see :func:`progress_of`)."""
    text = _PROGRESS.format(pid=identity[0], start=identity[1], done=done, total=total)
    conn.execute(f"UPDATE {_table(conn)} SET logs = %s WHERE id = %s", (text, row_id))


def progress_of(record: MigrationRecord) -> Progress | None:
    """The progress a row records (``None``: not a statement-by-statement run that stopped half-way)."""
    if record.finished_at is not None or record.rolled_back_at is not None or not record.logs:
        return None
    m = _PROGRESS_RE.match(record.logs)
    if m is None:
        return None
    return Progress(int(m["pid"]), m["start"], int(m["done"]), int(m["total"]))


def process_alive(conn: psycopg.Connection, progress: Progress) -> bool:
    """Whether the server process that ran the migration is still there (same pid and start time)."""
    row = conn.execute(
        "SELECT 1 FROM pg_stat_activity WHERE pid = %s AND backend_start::text = %s",
        (progress.pid, progress.backend_start),
    ).fetchone()
    return row is not None


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
