"""Creating the target database when the server does not have it, as Prisma does.

Prisma 6.19 runs ``ensureDatabaseExists`` before ``migrate dev``, ``db push``, ``migrate reset`` and
``migrate deploy``: when connecting fails because the database does not exist (P1003, SQLSTATE 3D000),
its schema engine connects to the same server's maintenance database (``postgres``, then ``template1``,
then ``defaultdb``, with the URL's credentials), runs ``CREATE DATABASE "<name>"`` and the CLI prints
``PostgreSQL database <name> created at <host>:<port>``. :func:`connect_or_create` is that step.

Differences from Prisma, on purpose: two processes creating the same database at once both succeed
(the loser's duplicate-database error means "it exists now", where Prisma's loser fails with P1009),
and a role without the CREATEDB privilege gets an error that says so.

libpq reports a failed connection as text only (no SQLSTATE), so "the database does not exist" is
recognised from the server's message and then confirmed in ``pg_database`` through the maintenance
connection before anything is created.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from nexo.db.connection import connect
from nexo.db.errors import ConnectionFailed, DatabaseCreateFailed, NoMaintenanceDatabase
from nexo.db.ident import quote_ident
from nexo.db.sqlstate import Diagnostics, ErrorKind, error_kind
from nexo.db.urls import database_name, mask_text, mask_url, url_schema, with_database

if TYPE_CHECKING:
    import psycopg

#: the databases tried, in order, for the connection that runs ``CREATE DATABASE`` (Prisma's list)
MAINTENANCE_DATABASES = ("postgres", "template1", "defaultdb")

#: "it exists now": duplicate_database, or unique_violation on pg_database when both inserts commit at once
_DUPLICATE = (ErrorKind.DUPLICATE_DATABASE, ErrorKind.UNIQUE_VIOLATION)


@dataclass(frozen=True)
class CreatedDatabase:
    """A database :func:`connect_or_create` created."""

    name: str
    #: where, as Prisma says it: ``host:port`` from the URL (``host`` without a port; ``None`` for a socket)
    location: str | None

    @property
    def message(self) -> str:
        """Prisma's line: ``PostgreSQL database nexo_dev created at localhost:5432``."""
        line = f"PostgreSQL database {self.name} created"
        return f"{line} at {self.location}" if self.location else line

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "location": self.location, "message": self.message}


def location(url: str) -> str | None:
    """Prisma's ``host:port`` of a URL: the host and port written in it (no port: the host alone; no host,
    as for a unix socket given by ``?host=``: ``None``, as Prisma). A keyword/value conninfo string: the
    same from its ``host`` and ``port``."""
    port: object
    if "://" in url:
        parts = urlsplit(url)
        host = parts.hostname
        try:
            port = parts.port
        except ValueError:
            port = None
    else:
        from psycopg.conninfo import conninfo_to_dict

        try:
            info = conninfo_to_dict(url)
        except Exception:
            return None
        host = str(info.get("host") or "") or None
        port = info.get("port")
    if not host or host.startswith("/"):  # a unix socket
        return None
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{port}" if port else host


def _looks_missing(message: str, name: str) -> str | None:
    """Whether a failed connection's message says "database does not exist" (3D000): ``"sure"`` for the
    server's English text, ``"maybe"`` for a server-side failure in another language that names the
    database (confirmed in ``pg_database`` before anything is created), else ``None``."""
    text = message.split("\n", 1)[-1]  # the server's words, not our "Can't reach ... <url>" line
    if f'database "{name}" does not exist' in text:
        return "sure"
    return "maybe" if "FATAL" in text and name in text else None


def connect_or_create(
    url: str, *, application_name: str = "nexo", **kwargs: Any
) -> tuple[psycopg.Connection, CreatedDatabase | None]:
    """Connect to ``url``; when its database does not exist, create it first (see the module docstring).

    Returns the connection and what was created (``None`` when the database was there, or when another
    process created it at the same moment). Raises :class:`ConnectionFailed` for any other connection
    failure and :class:`DatabaseCreateFailed` (P3000) when the database cannot be created (no CREATEDB
    privilege, no maintenance database to connect to); a password never appears in either.
    """
    try:
        return connect(url, application_name=application_name, **kwargs), None
    except ConnectionFailed as exc:
        name = database_name(url)
        how = _looks_missing(exc.message, name) if name else None
        if how is None:
            raise
        missing = exc
    try:
        created = create_database(url)
    except NoMaintenanceDatabase:
        if how == "maybe":  # only a guess, and the server would not even let us look: the first failure counts
            raise missing from None
        raise
    # the database exists now (made here, or by a concurrent process); if the first failure had another
    # cause after all, connecting fails again and says so
    conn = connect(url, application_name=application_name, **kwargs)
    return conn, (CreatedDatabase(name, location(url)) if created else None)


def _maintenance_connection(url: str, name: str) -> psycopg.Connection:
    """A connection to the first maintenance database of the server that accepts ours (same credentials)."""
    reasons = []
    for candidate in MAINTENANCE_DATABASES:
        if candidate == name:
            continue
        try:
            return connect(with_database(url, candidate), application_name="nexo create database")
        except ConnectionFailed as exc:
            reasons.append(f"{candidate}: {exc.message.splitlines()[-1].strip()}")
    raise NoMaintenanceDatabase(
        f'Failed to create database "{name}": it does not exist, and nexo could not connect to a default database '
        f"({', '.join(MAINTENANCE_DATABASES)}) with the same credentials to create it.\n"
        f"Database: {mask_url(url)}\n" + "\n".join(f"  {r}" for r in reasons)
    )


def create_database(url: str) -> bool:
    """``CREATE DATABASE`` for the database ``url`` names, through a maintenance database of its server
    (``CREATE DATABASE`` needs a connection to another database), with ``url``'s credentials.

    True when this call created it; False when it existed already, also when a concurrent process created
    it first: its duplicate-database error (42P04, or 23505 when both inserted at once) means "it exists
    now". Raises :class:`DatabaseCreateFailed` otherwise (no CREATEDB privilege: says so).
    """
    import psycopg

    name = database_name(url)
    if not name:
        raise DatabaseCreateFailed(f"Failed to create database: {mask_url(url)} names no database.")
    with _maintenance_connection(url, name) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            return False
        try:
            admin.execute(f"CREATE DATABASE {quote_ident(name)}")
        except psycopg.Error as exc:
            if error_kind(exc) in _DUPLICATE:
                return False  # created by another process meanwhile: it exists now, which is all we need
            raise _creation_error(admin, url, name, exc) from None
    return True


def _creation_error(admin: psycopg.Connection, url: str, name: str, exc: psycopg.Error) -> DatabaseCreateFailed:
    error = _creation_error_message(admin, url, name, exc)
    error.sqlstate = exc.sqlstate
    error.diagnostics = Diagnostics.of(exc)
    return error


def _creation_error_message(admin: psycopg.Connection, url: str, name: str, exc: psycopg.Error) -> DatabaseCreateFailed:
    where = mask_url(url)
    detail = mask_text(str(exc).strip())
    if error_kind(exc) is ErrorKind.INSUFFICIENT_PRIVILEGE:
        role = admin.info.user or "?"
        return DatabaseCreateFailed(
            f'Failed to create database "{name}": it does not exist, and the role "{role}" may not create it: '
            "it lacks the CREATEDB privilege.\n"
            f"Create the database as a role that may (CREATE DATABASE {quote_ident(name)};), or give this one the "
            f"privilege (ALTER ROLE {quote_ident(role)} CREATEDB;), then run the command again.\n"
            f"Database: {where}\n"
            f"Database error: {detail}"
        )
    return DatabaseCreateFailed(
        f'Failed to create database "{name}": it does not exist and could not be created'
        + (f" (SQLSTATE {exc.sqlstate})" if exc.sqlstate else "")
        + f".\nDatabase: {where}\nDatabase error: {detail}"
    )


def create_url_schema(conn: psycopg.Connection, url: str) -> str | None:
    """``CREATE SCHEMA IF NOT EXISTS`` for the schema a Prisma URL names with ``?schema=`` (other than
    ``public``), as Prisma's engine does before it migrates; the schema's name, or None when there was
    nothing to create."""
    from psycopg import sql

    schema = url_schema(url)
    if schema is None or schema == "public":
        return None
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    return schema
