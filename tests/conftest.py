"""Test fixtures: one PostgreSQL server per test run, a fresh database per test.

The server is ``NEXO_TEST_DATABASE_URL`` when set (a superuser URL; databases are created beside
the one it names), otherwise an embedded pgserver in a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from nexo.db.urls import with_database
from oracle_fixtures import prisma_oracle  # noqa: F401  (the real Prisma CLI, for every test module)

REPO = Path(__file__).resolve().parent.parent


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


def _drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def fresh_db(pg_server_url: str) -> Iterator[str]:
    """Factory-free form: the URL of a brand-new, empty database, dropped after the test."""
    name = f"nexo_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        yield with_database(pg_server_url, name)
    finally:
        _drop_database(pg_server_url, name)


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
