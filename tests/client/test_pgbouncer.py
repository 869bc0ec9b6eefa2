"""The generated client behind PgBouncer in transaction mode (Debian's ``pgbouncer``, started here on a free port
in front of the test server), as the application role under the repo's row-level security.

Transaction pooling hands a client connection a different server connection from one transaction to the
next, which breaks prepared statements (see nexo/client/pooler.py). With the plain URL and with
``?pgbouncer=true``: 100 concurrent tasks x 10 tenant sessions, none may fail, none may see a row of the other
tenant, and each session's tenant setting is checked inside the session.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from .test_tenant import APP_PASSWORD, A, B, app_url  # noqa: F401  (app_url: the fixture)

PGBOUNCER = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)
pytestmark = pytest.mark.skipif(PGBOUNCER is None, reason="pgbouncer is not installed (Debian package pgbouncer)")

TASKS = 100
SESSIONS = 10


def _version() -> tuple[int, ...]:
    out = subprocess.run([str(PGBOUNCER), "--version"], capture_output=True, text=True, check=True).stdout
    return tuple(int(x) for x in out.split()[1].split(".")[:2])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Bouncer:
    """A PgBouncer process in transaction mode in front of the server of ``url`` (stopped by :meth:`stop`)."""

    def __init__(self, url: str, user: str, password: str, *, pool_size: int = 5) -> None:
        d = conninfo_to_dict(url)
        host = str(d.get("host") or "127.0.0.1")
        self.dbname = str(d["dbname"])
        self.folder = Path(tempfile.mkdtemp(prefix="nexo-pgbouncer-"))
        self.folder.chmod(0o755)
        self.port = _free_port()
        (self.folder / "users.txt").write_text(f'"{user}" "{password}"\n', encoding="utf-8")
        (self.folder / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host={host} port={d.get('port') or 5432}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "auth_type = md5\n"
            f"auth_file = {self.folder / 'users.txt'}\n"
            "pool_mode = transaction\n"
            "max_client_conn = 1000\n"
            f"default_pool_size = {pool_size}\n" + ("max_prepared_statements = 0\n" if _version() >= (1, 21) else ""),
            # from 1.21 on, PgBouncer can keep prepared statements; 0 keeps the behaviour under test
            encoding="utf-8",
        )
        for f in self.folder.iterdir():
            f.chmod(0o644)
        cmd = [str(PGBOUNCER), str(self.folder / "pgbouncer.ini")]
        if os.geteuid() == 0:  # pgbouncer refuses to run as root: run as the owner of the server's socket folder
            owner = pwd.getpwuid(os.stat(host).st_uid).pw_name if host.startswith("/") else "nobody"
            cmd[1:1] = ["-u", owner]
        self.log = open(self.folder / "pgbouncer.log", "wb")  # noqa: SIM115 (closed by stop)
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{self.dbname}"
        deadline = time.monotonic() + 20
        while True:
            try:
                with psycopg.connect(self.url, connect_timeout=2, prepare_threshold=None) as c:
                    c.execute("SELECT 1")
                break
            except psycopg.OperationalError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    said = self.output()
                    self.stop()
                    raise RuntimeError("pgbouncer did not start: " + said) from None
                time.sleep(0.1)

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return (self.folder / "pgbouncer.log").read_text(encoding="utf-8", errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def bouncer(app_url: str) -> Iterator[Bouncer]:  # noqa: F811
    b = Bouncer(app_url, "nexo_app", APP_PASSWORD)
    try:
        yield b
    finally:
        b.stop()


def _with(url: str, params: str) -> str:
    return url + ("&" if "?" in url else "?") + params if params else url


async def _tenant_storm(client: Any) -> dict[str, int]:
    """TASKS tasks, each SESSIONS tenant sessions (alternating tenants); what went wrong, counted."""
    out = {"sessions": 0, "failed": 0, "foreign_rows": 0, "setting_checked": 0, "setting_wrong": 0}
    errors: list[str] = []

    async def one(task: int) -> None:
        for i in range(SESSIONS):
            me, other = (A, B) if (task + i) % 2 == 0 else (B, A)
            try:
                async with client.tenant(me) as t:
                    got = await t.query_first("SELECT current_setting('app.current_account_id') AS s")
                    out["setting_checked"] += 1
                    if got != {"s": me}:
                        out["setting_wrong"] += 1
                    clients = await t.client.find_many(order={"name": "asc"})
                    accounts = await t.account.find_many(include={"clients": True})
                    n = await t.client.count()
                    mine = await t.client.find_first(where={"email": "0@a.io" if me == A else "0@b.io"})
                    theirs = await t.client.find_first(where={"accountId": other})
                    rows = [c.accountId for c in clients] + [a.id for a in accounts]
                    rows += [c.accountId for a in accounts for c in (a.clients or [])]
                    out["foreign_rows"] += sum(1 for r in rows if r != me) + (theirs is not None)
                    if n != 3 or len(clients) != 3 or mine is None or mine.accountId != me:
                        raise AssertionError(f"session of {me}: count {n}, {len(clients)} rows, {mine!r}")
                out["sessions"] += 1
            except Exception as exc:
                out["failed"] += 1
                errors.append(f"{type(exc).__name__}: {exc}")

    await asyncio.gather(*(one(t) for t in range(TASKS)))
    if errors:
        print("first errors:", *sorted(set(errors))[:5], sep="\n  ")
    return out


@pytest.mark.parametrize("params", ["", "pgbouncer=true"], ids=["plain-url", "pgbouncer-true"])
async def test_tenant_sessions_through_pgbouncer(bouncer: Bouncer, generated: SimpleNamespace, params: str) -> None:
    client = generated.crm.Prisma(
        datasource={"url": _with(bouncer.url, "&".join(p for p in (params, "connection_limit=20") if p))},
        use_dotenv=False,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await client.connect()
        try:
            who = await client.query_first("SELECT current_user AS u")
            assert who == {"u": "nexo_app"}
            # statements outside transactions too, many times (psycopg prepares from the 5th run on)
            for _ in range(3):
                await asyncio.gather(*(client.account.find_many() for _ in range(40)))
            result = await _tenant_storm(client)
            for _ in range(3):
                await asyncio.gather(*(client.client.count() for _ in range(40)))
        finally:
            await client.disconnect()
    assert result == {
        "sessions": TASKS * SESSIONS,
        "failed": 0,
        "foreign_rows": 0,
        "setting_checked": TASKS * SESSIONS,
        "setting_wrong": 0,
    }, bouncer.output()
    ours = [w for w in caught if "pgbouncer=true" in str(w.message)]
    print(f"pgbouncer {params or 'plain URL'}: {result}, warnings naming ?pgbouncer=true: {len(ours)}")
    assert len(ours) <= (0 if params else 1), [str(w.message) for w in ours]


async def test_lost_prepared_statement_switches_to_unprepared(app_url: str, generated: SimpleNamespace) -> None:  # noqa: F811
    """One server connection behind the pooler: statements the client prepared are dropped there by another
    client (DEALLOCATE ALL); the next run finds them missing, and the client warns once, turns unprepared and
    runs the statement again (outside a transaction, it had not run)."""
    b = Bouncer(app_url, "nexo_app", APP_PASSWORD, pool_size=1)
    client = generated.crm.Prisma(datasource={"url": _with(b.url, "connection_limit=1")}, use_dotenv=False)
    try:
        await client.connect()
        for _ in range(8):  # prepared from the 6th run on (psycopg's threshold is 5)
            assert await client.client.count() == 0
        with psycopg.connect(b.url, prepare_threshold=None, autocommit=True) as other:
            other.execute("DEALLOCATE ALL")
        with pytest.warns(RuntimeWarning, match=r"\?pgbouncer=true") as caught:
            assert await client.client.count() == 0
            async with client.tenant(A) as t:
                assert await t.client.count() == 3
            for _ in range(8):
                assert await client.client.count() == 0
        assert len([w for w in caught if "pgbouncer=true" in str(w.message)]) == 1
    finally:
        await client.disconnect()
        b.stop()


async def test_two_clients_never_run_each_others_statements(app_url: str, generated: SimpleNamespace) -> None:  # noqa: F811
    """Two clients, one server connection: each prepares its own statements there; names never collide."""
    b = Bouncer(app_url, "nexo_app", APP_PASSWORD, pool_size=1)
    one = generated.crm.Prisma(datasource={"url": _with(b.url, "connection_limit=1")}, use_dotenv=False)
    two = generated.crm.Prisma(datasource={"url": _with(b.url, "connection_limit=1")}, use_dotenv=False)
    try:
        await one.connect()
        await two.connect()
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no lost statement either: the names are the connection's own
            for _ in range(10):
                assert await one.client.count() == 0
                assert await two.account.find_many() == []
                assert await one.query_first("SELECT 1 AS one") == {"one": 1}
                assert await two.query_first("SELECT 'x' AS x, 2 AS two") == {"x": "x", "two": 2}
    finally:
        await one.disconnect()
        await two.disconnect()
        b.stop()


def test_wrong_password_is_p1000(bouncer: Bouncer, generated: SimpleNamespace) -> None:
    """A wrong password fails connect() at once with the server's words, as Prisma's P1000 (never the password)."""
    from nexo.client.errors import EngineConnectionError

    bad = bouncer.url.replace(f":{APP_PASSWORD}@", ":not-the-password@")
    client = generated.crm_sync.Prisma(datasource={"url": bad}, use_dotenv=False)
    with pytest.raises(EngineConnectionError, match="(?i)authentication failed for user `nexo_app`") as exc:
        client.connect()
    assert exc.value.code == "P1000"
    assert "not-the-password" not in str(exc.value)
    assert not client.is_connected()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("connection_limit=abc", "`connection_limit` must be a positive integer"),
        ("pool_timeout=soon", "`pool_timeout` must be a number of seconds"),
        ("sslmode=always", "`sslmode` must be one of"),
    ],
)
def test_bad_url_parameter_is_p1013(generated: SimpleNamespace, params: str, message: str) -> None:
    from nexo.client.errors import EngineConnectionError

    client = generated.crm_sync.Prisma(
        datasource={"url": "postgresql://u:secret@127.0.0.1:1/db?" + params}, use_dotenv=False
    )
    with pytest.raises(EngineConnectionError, match=message) as exc:
        client.connect()
    assert exc.value.code == "P1013"
    assert "secret" not in str(exc.value)
