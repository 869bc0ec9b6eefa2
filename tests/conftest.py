"""Test fixtures: one PostgreSQL server per test run, a fresh database per test.

The server is ``NEXO_TEST_DATABASE_URL`` when set (a superuser URL; databases are created beside
the one it names), otherwise an embedded pgserver in a temporary folder.

Tests that need PostgreSQL's contrib extensions (citext, pg_trgm, btree_gist …), which the embedded
server lacks, ask for ``contrib_db``/``contrib_conn``: a fresh database on the server that
``pgservers.ContribServer`` chooses (``NEXO_TEST_CONTRIB_DATABASE_URL``, the test server itself, or
a PostgreSQL installed on the system, started once on first use); skipped, with the reason, where
there is none.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from oracle_fixtures import prisma_oracle  # noqa: F401  (the real Prisma CLI, for every test module)
from pgservers import ContribServer, fresh_database

REPO = Path(__file__).resolve().parent.parent

#: tests that take long on their own (seconds each, or many of them), by node id prefix: left out of the
#: quick run ``pytest -m "not oracle and not slow"`` (measured with ``--durations``; see the README)
SLOW_TESTS: tuple[str, ...] = ()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark what needs the Prisma CLI as ``oracle`` (its fixture, or an ``*oracle*`` test module), and the
    known long tests as ``slow``."""
    for item in items:
        if "prisma_oracle" in getattr(item, "fixturenames", ()) or "oracle" in item.path.stem:
            item.add_marker(pytest.mark.oracle)
        if item.nodeid.startswith(SLOW_TESTS):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A superuser URL on the test server (its maintenance database)."""
    external = os.environ.get("NEXO_TEST_DATABASE_URL")
    if external:
        yield external
        return
    import pgserver

    tmp = Path(tempfile.mkdtemp(prefix="nexo-test-pg-"))
    tmp.chmod(0o755)
    srv = pgserver.get_server(tmp / "pgdata", cleanup_mode="delete")
    try:
        yield srv.get_uri()
    finally:
        srv.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def fresh_db(pg_server_url: str) -> Iterator[str]:
    """Factory-free form: the URL of a brand-new, empty database, dropped after the test."""
    with fresh_database(pg_server_url) as url:
        yield url


@pytest.fixture(scope="session")
def contrib_server(pg_server_url: str) -> Iterator[ContribServer]:
    """The server with contrib extensions; chosen, and started if need be, when first asked for a URL."""
    server = ContribServer(pg_server_url)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def contrib_pg_url(contrib_server: ContribServer) -> str:
    """A superuser URL on a server with PostgreSQL's contrib extensions (skips, saying what is missing)."""
    url = contrib_server.url()
    if url is None:
        pytest.skip(contrib_server.reason)
    return url


@pytest.fixture
def contrib_db(contrib_pg_url: str) -> Iterator[str]:
    """A brand-new, empty database on the contrib server, dropped after the test."""
    with fresh_database(contrib_pg_url) as url:
        yield url


@pytest.fixture
def contrib_conn(contrib_db: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(contrib_db, autocommit=True) as c:
        yield c


@pytest.fixture
def db_url(fresh_db: str) -> str:
    return fresh_db


@pytest.fixture
def conn(db_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(db_url, autocommit=True) as c:
        yield c


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repo's own project files (pyproject, schema, migrations, sql) in a temp folder."""
    dest = tmp_path / "proj"
    dest.mkdir()
    for name in ("pyproject.toml", "schema.prisma"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, dest / name)
    for folder in ("prisma_migrations", "sql"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, dest / folder)
    return dest
