"""The shadow database: an empty database the migration history is replayed into (prisma-compat §4.8).

:func:`shadow_database` yields the URL of an empty database. By default it creates a uniquely named
database (``nexo_shadow_<uuid>``) on the server of the main database and **always** drops it again
(``DROP DATABASE … WITH (FORCE)``): on success, on error, on Ctrl-C and on SIGTERM (turned into
``KeyboardInterrupt`` for the duration, so the ``finally`` runs; signals are held back while the drop
itself runs). With an explicit shadow URL (``shadowDatabaseUrl`` / ``--shadow-database-url``) that
database is wiped first instead, and left in place.

A process that is killed outright (SIGKILL, OOM killer, a CI job timeout) cannot drop its shadow
database. So each run holds a session advisory lock keyed by its shadow database's name on a
connection to the main database for as long as the shadow database lives, taken *before* the
database is created. The next run drops every ``nexo_shadow_<uuid>`` database whose lock nobody
holds: its owner is gone (a killed client's sessions end, and their locks with them). A database that
cannot be dropped (another role owns it) is left and named in a warning.

:func:`replay` runs migration scripts into it with the deploy executor (:func:`nexo.migrate.execute.run_script`),
without a ``_prisma_migrations`` table; a script that fails raises P3006. :func:`schema_from_migrations`
does all of it and returns the introspected model.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

from nexo.db import connect, mask_text, mask_url, with_database
from nexo.errors import NexoError
from nexo.migrate.directory import MigrationDir
from nexo.migrate.errors import (
    MigrationFailed,
    ShadowDatabaseCreateFailed,
    ShadowDatabaseDropFailed,
    ShadowDatabaseIsMainDatabase,
    ShadowReplayFailed,
)
from nexo.migrate.execute import run_script

if TYPE_CHECKING:
    import psycopg

    from nexo.schema.model import Database

#: prefix of the temporary shadow databases nexo creates (the rest is a random uuid4 hex)
SHADOW_PREFIX = "nexo_shadow_"
_SHADOW_NAME = re.compile(r"nexo_shadow_[0-9a-f]{32}")
#: first key of the two-key advisory locks that mark a shadow database as in use ("nxsh")
SHADOW_LOCK_CLASS = 0x6E787368

log = logging.getLogger("nexo.migrate.shadow")


def shadow_lock_key(name: str) -> int:
    """The second advisory-lock key of shadow database ``name`` (31 bits of its uuid)."""
    return int(name[-8:], 16) & 0x7FFFFFFF


def _interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def interrupts_on_sigterm() -> Iterator[None]:
    """While the block runs, SIGTERM raises ``KeyboardInterrupt`` (like Ctrl-C), so cleanup code runs.

    psycopg cancels a running query on ``KeyboardInterrupt``. Outside the main thread signals cannot be
    handled; the block then runs unchanged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM back while the block runs; they are delivered when it ends."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _location(url: str) -> tuple[str, str, str]:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        d = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return (url, "", "")
    host = d.get("host") or d.get("hostaddr") or "localhost"
    return (str(host), str(d.get("port") or "5432"), str(d.get("dbname") or d.get("user") or ""))


def same_database(a: str, b: str) -> bool:
    """Whether two URLs name the same database (host, port and database name)."""
    return _location(a) == _location(b)


def drop_database(admin_url: str, name: str) -> None:
    """``DROP DATABASE IF EXISTS name WITH (FORCE)`` on the server of ``admin_url``."""

    with connect(admin_url, application_name="nexo shadow cleanup") as conn:
        _drop(conn, name)


def _drop(conn: psycopg.Connection, name: str) -> None:
    import psycopg
    from psycopg import sql

    try:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    except psycopg.errors.SyntaxError:  # PostgreSQL < 13: no FORCE
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def drop_orphaned_shadows(admin: psycopg.Connection) -> list[str]:
    """Drop the shadow databases whose run is gone (no session holds their lock); return their names.

    The database list is read before the locks: a run takes its lock before it creates its database,
    so a database that is listed and unlocked has no live owner.
    """
    import psycopg

    names = [
        r[0]
        for r in admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'nexo\\_shadow\\_%' ORDER BY datname"
        ).fetchall()
        if _SHADOW_NAME.fullmatch(r[0])
    ]
    if not names:
        return []
    held = {
        r[0]
        for r in admin.execute(
            "SELECT objid::int8 FROM pg_locks WHERE locktype = 'advisory' AND classid::int8 = %s AND objsubid = 2",
            (SHADOW_LOCK_CLASS,),
        ).fetchall()
    }
    dropped = []
    for name in names:
        if shadow_lock_key(name) in held:
            continue
        try:
            _drop(admin, name)
        except psycopg.Error as exc:  # another role's, or being dropped by another run right now
            log.warning(
                "A shadow database left by an earlier nexo run that was killed could not be dropped: %s (%s)",
                name,
                mask_text(str(exc).strip()),
            )
            continue
        log.warning("Dropped %s, a shadow database left by an earlier nexo run that was killed.", name)
        dropped.append(name)
    return dropped


def wipe_database(url: str) -> None:
    """Empty an external shadow database: every user schema dropped, ``public`` emptied."""
    from psycopg import sql

    from nexo.migrate.reset import clean_schemas

    with connect(url, application_name="nexo shadow reset") as conn:
        schemas = [
            r[0]
            for r in conn.execute(
                "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"
                " ORDER BY nspname"
            ).fetchall()
        ]
        with conn.transaction():
            for s in schemas:
                if s != "public":
                    conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(s)))
        clean_schemas(conn, ["public"] if "public" in schemas else [])


@contextmanager
def shadow_database(main_url: str, *, shadow_url: str | None = None) -> Iterator[str]:
    """The URL of an empty shadow database for the duration of the block (see the module docstring).

    Raises P3014 when the temporary database cannot be created, and refuses a ``shadow_url`` that names
    the main database.
    """
    import psycopg
    from psycopg import sql

    if shadow_url:
        if same_database(shadow_url, main_url):
            raise ShadowDatabaseIsMainDatabase(mask_url(shadow_url))
        wipe_database(shadow_url)
        _create_url_schema(shadow_url)
        yield shadow_url
        return
    name = f"{SHADOW_PREFIX}{uuid.uuid4().hex}"
    with interrupts_on_sigterm():
        # the owner's session: it holds the lock that marks the shadow database as in use until the
        # database is dropped (closing it releases the lock; a killed process's session ends too)
        with connect(main_url, application_name="nexo shadow owner") as owner:
            try:
                owner.execute("SELECT pg_advisory_lock(%s, %s)", (SHADOW_LOCK_CLASS, shadow_lock_key(name)))
                drop_orphaned_shadows(owner)
                try:
                    owner.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                except psycopg.Error as exc:
                    raise ShadowDatabaseCreateFailed(mask_text(str(exc).strip())) from None
            except KeyboardInterrupt as exc:  # interrupted while creating: it may exist
                _drop_quietly(main_url, name, exc)
                raise
            try:
                url = with_database(main_url, name)
                _create_url_schema(url)
                yield url
            except BaseException as exc:
                _drop_quietly(main_url, name, exc)  # never hides the error that is on its way out
                raise
            with _signals_held():
                try:
                    drop_database(main_url, name)
                except (psycopg.Error, NexoError) as exc:
                    raise ShadowDatabaseDropFailed(name, mask_text(str(exc).strip())) from None


def _create_url_schema(url: str) -> None:
    """The schema the main URL names with ``?schema=`` (not ``public``), in the new shadow database too."""
    from nexo.db.create import create_url_schema
    from nexo.db.urls import url_schema

    if url_schema(url) in (None, "public"):
        return
    with connect(url, application_name="nexo shadow") as conn:
        create_url_schema(conn, url)


def _drop_quietly(main_url: str, name: str, propagating: BaseException) -> None:
    """Drop while another error is on its way out: a failure to drop becomes a note on that error."""
    with _signals_held():
        try:
            drop_database(main_url, name)
        except Exception as exc:
            propagating.add_note(
                f"The temporary shadow database {name} could not be dropped ({mask_text(str(exc).strip())}); "
                f'drop it by hand: DROP DATABASE IF EXISTS "{name}" WITH (FORCE);'
            )


def replay(conn: psycopg.Connection, migrations: Sequence[MigrationDir]) -> None:
    """Run each migration's script on ``conn`` (autocommit), in order; P3006 when one fails."""
    for m in migrations:
        script = m.read_script()
        try:
            run_script(conn, m.name, script, m.script_path)
        except MigrationFailed as exc:
            raise ShadowReplayFailed(
                m.name, exc.database_error_code, exc.database_error, m.script_path, exc.line
            ) from None


def schema_from_migrations(
    main_url: str,
    migrations: Sequence[MigrationDir],
    *,
    shadow_url: str | None = None,
    schemas: Sequence[str] | None = None,
) -> Database:
    """Replay ``migrations`` into a shadow database and introspect it (the database is dropped after)."""
    from nexo.schema.introspect import introspect

    with shadow_database(main_url, shadow_url=shadow_url) as url:
        with connect(url, application_name="nexo shadow") as conn:
            replay(conn, migrations)
            return introspect(conn, schemas=list(schemas) if schemas else None, partial_indexes=True)
