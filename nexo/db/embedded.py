"""The embedded PostgreSQL server (pgserver), with its data in ``<project>/.nexo/pgdata``.

The server keeps running after the command that started it exits (so the next command connects at
once); ``nexo db:down`` stops it. It listens on a Unix socket only, with trust authentication.
"""

from __future__ import annotations

import os
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nexo.db.errors import EmbeddedServerError
from nexo.db.urls import with_database

if TYPE_CHECKING:
    from pgserver.postgres_server import PostgresServer

EMBEDDED_DATABASE = "nexo"


@dataclass(frozen=True)
class EmbeddedStatus:
    running: bool
    pgdata: Path
    url: str | None
    pid: int | None


def pgdata_path(data_dir: Path) -> Path:
    return data_dir / "pgdata"


def _server(pgdata: Path) -> PostgresServer:
    # pgserver (through platformdirs) warns about XDG_RUNTIME_DIR on import and start: noise for users
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        try:
            import pgserver
        except ImportError as exc:  # installed without the embedded extra
            raise EmbeddedServerError(
                "the embedded PostgreSQL needs the 'embedded' extra (pgserver is not installed): "
                "pip install 'nexo[embedded]', or set DATABASE_URL to use your own server"
            ) from exc
    _make_data_dir(pgdata.parent)
    pgdata.mkdir(parents=True, exist_ok=True)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
            return pgserver.postgres_server.get_server(pgdata, cleanup_mode=None)
    except Exception as exc:
        log = pgdata / "log"
        tail = ""
        if log.is_file():
            tail = "\n" + "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise EmbeddedServerError(f"could not start the embedded PostgreSQL in {pgdata}: {exc}{tail}") from exc


#: what nexo writes into the data folder it creates: a cluster must never be committed by a `git add .`
DATA_DIR_GITIGNORE = "# Written by nexo: the embedded PostgreSQL's data, never to be committed.\n*\n"


def _make_data_dir(data_dir: Path) -> None:
    """Create the data folder (``.nexo/``) with a ``.gitignore`` that ignores all of it, as a virtual
    environment does: a project that never ran ``nexo init`` (a Prisma project) has no entry for it."""
    if data_dir.exists():
        return
    data_dir.mkdir(parents=True)
    (data_dir / ".gitignore").write_text(DATA_DIR_GITIGNORE, encoding="utf-8")


def start(data_dir: Path, database: str = EMBEDDED_DATABASE) -> str:
    """Start (or reuse) the embedded server and return a URL for ``database``, creating it if needed."""
    srv = _server(pgdata_path(data_dir))
    admin_url = srv.get_uri()
    ensure_database(admin_url, database)
    return with_database(admin_url, database)


def ensure_database(admin_url: str, database: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if not exists:
            from psycopg import sql

            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def _postmaster_pid(pgdata: Path) -> int | None:
    pidfile = pgdata / "postmaster.pid"
    if not pidfile.is_file():
        return None
    try:
        pid = int(pidfile.read_text().splitlines()[0])
        os.kill(pid, 0)
    except (ValueError, IndexError, ProcessLookupError, PermissionError, OSError):
        return None
    return pid


def status(data_dir: Path) -> EmbeddedStatus:
    pgdata = pgdata_path(data_dir)
    pid = _postmaster_pid(pgdata)
    url = None
    if pid is not None:
        url = with_database(_server(pgdata).get_uri(), EMBEDDED_DATABASE)
    return EmbeddedStatus(running=pid is not None, pgdata=pgdata, url=url, pid=pid)


def stop(data_dir: Path) -> bool:
    """Stop the embedded server; ``False`` when it was not running."""
    pgdata = pgdata_path(data_dir)
    if _postmaster_pid(pgdata) is None:
        return False
    with warnings.catch_warnings():  # importing pgserver warns about XDG_RUNTIME_DIR: noise for users
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]  # the binary pgserver started it with

    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user="pgserver" if os.geteuid() == 0 else None)
    except (subprocess.CalledProcessError, TypeError):
        pid = _postmaster_pid(pgdata)
        if pid is not None:
            os.kill(pid, 15)
    handles = pgdata / ".handle_pids.json"
    if handles.exists():
        handles.unlink()
    return True
