"""Prisma-format database URLs: ``prisma init`` writes ``DATABASE_URL="postgresql://...?schema=public"``.

The parameters only Prisma's engines read (``connection_limit``, ``pool_timeout``, ``pgbouncer``...) are
left out of the connection, and ``?schema=NAME`` is the schema nexo works in: the session's
``search_path``, created when missing by the commands that migrate (and in the shadow database).
"""

from __future__ import annotations

import psycopg
from devproject import USERS, USERS_POSTS, config, run, set_schema, write_project

from nexo import orchestrate
from nexo.db import connect, database_name, with_database


def _with(url: str, params: str) -> str:
    return url + ("&" if "?" in url else "?") + params


def _tables(url: str, schema: str) -> set[str]:
    with psycopg.connect(url, autocommit=True) as c:
        return {r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)).fetchall()}


def test_connect_takes_a_prisma_url(db_url: str):
    url = _with(db_url, "schema=public&connection_limit=5&pool_timeout=10&pgbouncer=true")
    with connect(url) as conn:
        assert conn.execute("SELECT current_schema()").fetchone() == ("public",)
    with connect(_with(db_url, "schema=Tenant%20Data")) as conn:  # a schema named as Prisma allows
        assert conn.execute("SHOW search_path").fetchone() == ('"Tenant Data"',)


def test_the_database_a_prisma_url_names():
    url = "postgresql://u:pw@db.example:5432/My%20App?schema=public&connection_limit=5"
    assert database_name(url) == "My App"
    assert database_name(with_database(url, 'odd "name"')) == 'odd "name"'


def test_the_prisma_init_url_migrates_like_any_other(tmp_path, db_url: str):
    proj = write_project(tmp_path / "p", USERS)
    url = _with(db_url, "schema=public&connection_limit=5")
    r = run(["db:migrate:dev", "--name", "init"], proj, {"DATABASE_URL": url})
    assert r.returncode == 0, r.stderr
    assert {"User", "_prisma_migrations"} <= _tables(db_url, "public")
    r = run(["db:migrate:status"], proj, {"DATABASE_URL": url})
    assert r.returncode == 0, r.stderr
    assert "Database schema is up to date" in r.stdout


def test_a_schema_named_in_the_url_holds_the_migrations_and_is_created(tmp_path, db_url: str):
    proj = write_project(tmp_path / "p", USERS)
    url = _with(db_url, "schema=app")
    cfg = config(proj, url)
    first = orchestrate.migrate_dev(cfg, name="init")
    assert first.dev.created is not None
    assert _tables(db_url, "app") >= {"User", "_prisma_migrations"} and "User" not in _tables(db_url, "public")
    set_schema(proj, USERS_POSTS)  # the shadow database replays the history into its own "app" schema
    second = orchestrate.migrate_dev(cfg, name="posts")
    assert second.dev.created is not None and "Post" in _tables(db_url, "app")
    assert orchestrate.drift(cfg).in_sync
    assert orchestrate.migrate_dev(cfg, name="again").dev.created is None
