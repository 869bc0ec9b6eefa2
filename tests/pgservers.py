"""PostgreSQL servers for the tests: a fresh database on a server, and a server with contrib extensions.

The primary test server (``pg_server_url`` in ``conftest.py``) is usually the embedded pgserver,
which is built without PostgreSQL's contrib modules (it ships pgvector). Tests that need a contrib
extension (citext, pg_trgm, uuid-ossp, btree_gist …) use :class:`ContribServer`, which is, in order:

1. ``NEXO_TEST_CONTRIB_DATABASE_URL`` when set (a superuser URL; databases are created beside the
   one it names);
2. the primary test server, when it has every extension of :data:`CONTRIB_EXTENSIONS`;
3. a PostgreSQL installed on this system (``pg_config --bindir`` on PATH, else the highest
   ``/usr/lib/postgresql/*/bin``) whose share folder has those extensions: a throw-away cluster in
   a temporary folder, started on first use, listening on a unix socket in that folder and on
   127.0.0.1 (a free port), stopped and deleted by :meth:`ContribServer.close`. PostgreSQL refuses
   to run as root, so as root the cluster belongs to the unprivileged system user ``pgserver``, as
   the embedded pgserver does it;
4. none: :attr:`ContribServer.reason` says what is missing.
"""

from __future__ import annotations

import atexit
import os
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg import sql

from nexo.db.urls import mask_url, with_database

if TYPE_CHECKING:
    from nexo.schema import Database

ENV_URL = "NEXO_TEST_CONTRIB_DATABASE_URL"

# What "a server with contrib extensions" has: every contrib extension a test schema uses.
CONTRIB_EXTENSIONS = ("btree_gin", "btree_gist", "citext", "hstore", "pg_trgm", "pgcrypto", "uuid-ossp")

# Types that exist only once an extension is installed (the type as the model renders it → extension).
EXTENSION_TYPES = {"CITEXT": "citext", "vector": "vector", "geography": "postgis", "geometry": "postgis"}


def column_type_extensions(*models: Database | None) -> set[str]:
    """Extensions providing column types the models use (a ``@db.Citext`` field's ``CITEXT`` …)."""
    types = {c.type.split("(", 1)[0] for m in models if m is not None for t in m.tables for c in t.columns}
    return {EXTENSION_TYPES[name] for name in types if name in EXTENSION_TYPES}


SYSTEM_USER = "pgserver"  # the unprivileged user pgserver also runs PostgreSQL as, when started as root
_COMMAND_TIMEOUT = 120  # seconds: a guard against a hung initdb/pg_ctl, not a measurement


# ------------------------------------------------------------------------------ any server
@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """The URL of a brand-new, empty database on the server of ``admin_url``, dropped afterwards."""
    name = f"nexo_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        yield with_database(admin_url, name)
    finally:
        drop_database(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def available_extensions(conn_or_url: psycopg.Connection | str) -> set[str]:
    """The extensions the server could install (``pg_available_extensions``)."""
    query = "SELECT name FROM pg_available_extensions"
    if isinstance(conn_or_url, str):
        with psycopg.connect(conn_or_url, autocommit=True) as conn:
            return {r[0] for r in conn.execute(query).fetchall()}
    return {r[0] for r in conn_or_url.execute(query).fetchall()}


def conn_with_extensions(
    request: pytest.FixtureRequest, conn: psycopg.Connection, names: set[str]
) -> psycopg.Connection:
    """``conn`` when its server has every extension of ``names``; else a fresh database on the contrib
    server (fixture ``contrib_conn``) when there is one; else ``conn`` (see :func:`unavailable_reason`)."""
    if not names - available_extensions(conn):
        return conn
    if request.getfixturevalue("contrib_server").url() is None:
        return conn
    return request.getfixturevalue("contrib_conn")


def unavailable_reason(
    request: pytest.FixtureRequest, conn: psycopg.Connection, names: set[str], note: str = ""
) -> str | None:
    """None when ``conn``'s server has the extensions ``names``; otherwise the reason to skip: what is
    missing, and why no server of this run has it."""
    lacking = names - available_extensions(conn)
    if not lacking:
        return None
    contrib = request.getfixturevalue("contrib_server")
    where = contrib.reason or f"nor does the contrib server: {contrib.source}"
    return (
        f"needs the extension(s) {', '.join(sorted(lacking))}, which the test server does not provide ({where})"
        f"{'; ' + note if note else ''}"
    )


# ------------------------------------------------------------------- a system installation
class Unavailable(Exception):
    """No usable PostgreSQL installation; the message says what is missing."""


@dataclass(frozen=True)
class SystemPostgres:
    """A PostgreSQL installation: its programs and its share folder (extension control files)."""

    bindir: Path
    sharedir: Path
    version: str

    def missing_extensions(self, names: tuple[str, ...] = CONTRIB_EXTENSIONS) -> list[str]:
        return [n for n in names if not (self.sharedir / "extension" / f"{n}.control").is_file()]


def _pg_config(executable: str | Path, *options: str) -> list[str]:
    done = subprocess.run([str(executable), *options], capture_output=True, text=True, timeout=30, check=True)
    return done.stdout.splitlines()


def _candidate_bindirs() -> list[Path]:
    """``pg_config --bindir`` of the pg_config on PATH first, then /usr/lib/postgresql/*/bin, highest first."""
    out: list[Path] = []
    on_path = shutil.which("pg_config")
    if on_path:
        try:
            out.append(Path(_pg_config(on_path, "--bindir")[0]))
        except (OSError, subprocess.SubprocessError, IndexError):
            pass

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p.parent.name)) or (0,)

    out += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    return list(dict.fromkeys(out))


def _sharedir(bindir: Path) -> Path | None:
    candidates: list[Path] = []
    if (bindir / "pg_config").is_file():
        try:
            candidates.append(Path(_pg_config(bindir / "pg_config", "--sharedir")[0]))
        except (OSError, subprocess.SubprocessError, IndexError):
            pass
    major = bindir.parent.name
    candidates += [
        Path("/usr/share/postgresql") / major,
        bindir.parent / "share" / "postgresql",
        bindir.parent / "share",
    ]
    return next((c for c in candidates if (c / "extension" / "plpgsql.control").is_file()), None)


def find_system_postgres() -> SystemPostgres:
    """The first installation (see :func:`_candidate_bindirs`) with the server programs and the
    contrib extensions; :class:`Unavailable` naming what each candidate lacks otherwise."""
    problems: list[str] = []
    for bindir in _candidate_bindirs():
        absent = [p for p in ("initdb", "pg_ctl", "postgres") if not (bindir / p).is_file()]
        if absent:
            problems.append(f"{bindir} has no {', '.join(absent)}")
            continue
        sharedir = _sharedir(bindir)
        if sharedir is None:
            problems.append(f"no share folder (extension/plpgsql.control) found for {bindir}")
            continue
        try:
            version = _pg_config(bindir / "postgres", "--version")[0]
        except (OSError, subprocess.SubprocessError, IndexError) as exc:
            problems.append(f"{bindir / 'postgres'} --version failed: {exc}")
            continue
        pg = SystemPostgres(bindir, sharedir, version)
        missing = pg.missing_extensions()
        if missing:
            problems.append(
                f"{version} at {bindir} lacks the extension(s) {', '.join(missing)} "
                f"(no control file in {sharedir / 'extension'})"
            )
            continue
        return pg
    if not problems:
        problems.append("no pg_config on PATH and no /usr/lib/postgresql/*/bin")
    raise Unavailable("; ".join(problems))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TemporaryCluster:
    """A throw-away cluster of a :class:`SystemPostgres` in a temporary folder (see the module docstring)."""

    def __init__(self, pg: SystemPostgres) -> None:
        self.pg = pg
        self.folder: Path | None = None
        self.port: int | None = None
        self._user: str | None = None

    @property
    def data(self) -> Path:
        assert self.folder is not None
        return self.folder / "data"

    def _run(self, *args: str | Path) -> None:
        assert self.folder is not None
        # output to a file, not a pipe: the postmaster started by pg_ctl could keep a pipe open
        with tempfile.TemporaryFile("w+") as out:
            done = subprocess.run(
                [str(a) for a in args],
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                cwd=self.folder,
                user=self._user,
                timeout=_COMMAND_TIMEOUT,
                check=False,
            )
            if done.returncode != 0:
                out.seek(0)
                log = self.folder / "server.log"
                tail = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
                raise Unavailable(
                    f"{Path(str(args[0])).name} failed ({done.returncode}): {out.read().strip()}"
                    + (f"\nserver log:\n{tail}" if tail else "")
                )

    def start(self) -> str:
        """initdb and start; returns a superuser URL (unix socket) on the maintenance database."""
        self.folder = Path(tempfile.mkdtemp(prefix="nexo-test-pgc-"))
        atexit.register(self.stop)
        try:
            if os.geteuid() == 0:
                from pgserver.utils import ensure_user_exists  # creates the user with useradd when missing

                try:
                    entry = ensure_user_exists(SYSTEM_USER)
                except (OSError, subprocess.SubprocessError) as exc:
                    raise Unavailable(
                        f"running as root, and no system user {SYSTEM_USER!r} to run PostgreSQL as: {exc}"
                    ) from exc
                assert entry is not None
                os.chown(self.folder, entry.pw_uid, entry.pw_gid)
                self._user = SYSTEM_USER
            self._run(self.pg.bindir / "initdb", "-D", self.data, "--auth=trust", "--encoding=utf8", "-U", "postgres")
            self.port = _free_port()
            options = (
                f"-h 127.0.0.1 -p {self.port} -k {shlex.quote(str(self.folder))} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off"
            )
            self._run(
                self.pg.bindir / "pg_ctl",
                "-D",
                self.data,
                "-l",
                self.folder / "server.log",
                "-w",
                "-t",
                str(_COMMAND_TIMEOUT),
                "-o",
                options,
                "start",
            )
        except BaseException:
            self.stop()
            raise
        return f"postgresql://postgres@/postgres?host={self.folder}&port={self.port}"

    def stop(self) -> None:
        """Stop the server (when running) and delete the folder; safe to call twice."""
        if self.folder is None:
            return
        try:
            if (self.data / "postmaster.pid").is_file():
                try:
                    self._run(
                        self.pg.bindir / "pg_ctl",
                        "-D",
                        self.data,
                        "-m",
                        "fast",
                        "-w",
                        "-t",
                        str(_COMMAND_TIMEOUT),
                        "stop",
                    )
                except (Unavailable, subprocess.SubprocessError):
                    self._kill_postmaster()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
            atexit.unregister(self.stop)

    def _kill_postmaster(self) -> None:
        import signal

        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGQUIT)  # immediate shutdown; children exit with the postmaster
        except (OSError, ValueError, IndexError):
            pass


# --------------------------------------------------------------------------- the choice
class ContribServer:
    """The server with contrib extensions, chosen (and started, if it is the system one) on first use."""

    def __init__(self, primary_url: str) -> None:
        self._primary_url = primary_url
        self._resolved = False
        self._url: str | None = None
        self._cluster: TemporaryCluster | None = None
        self._lock = threading.Lock()  # the Prisma oracle's tools ask from two threads
        self._error: str | None = None
        self.reason = ""
        self.source = ""

    def url(self) -> str | None:
        """A superuser URL on a server with every extension of CONTRIB_EXTENSIONS; None when there is
        none (``reason`` says why). A ``NEXO_TEST_CONTRIB_DATABASE_URL`` without them is an error."""
        with self._lock:
            if not self._resolved:
                self._resolved = True
                self._resolve()
            if self._error is not None:
                raise RuntimeError(self._error)
            return self._url

    def _resolve(self) -> None:
        external = os.environ.get(ENV_URL)
        if external:
            missing = sorted(set(CONTRIB_EXTENSIONS) - available_extensions(external))
            if missing:
                self._error = f"{ENV_URL} ({mask_url(external)}) lacks the extension(s) {', '.join(missing)}"
                return
            self._url, self.source = external, f"the server of {ENV_URL}"
            return
        lacking = sorted(set(CONTRIB_EXTENSIONS) - available_extensions(self._primary_url))
        if not lacking:
            self._url, self.source = self._primary_url, "the test server itself"
            return
        try:
            pg = find_system_postgres()
            self._cluster = TemporaryCluster(pg)
            self._url = self._cluster.start()
        except Unavailable as exc:
            self._cluster = None
            self.reason = (
                f"no PostgreSQL server with the contrib extension(s) {', '.join(lacking)}: the test server "
                f"lacks them, {ENV_URL} is not set, and no usable system PostgreSQL ({exc})"
            )
            return
        self.source = f"{pg.version} at {pg.bindir} (temporary cluster)"

    def close(self) -> None:
        with self._lock:
            if self._cluster is not None:
                self._cluster.stop()
                self._cluster = None
