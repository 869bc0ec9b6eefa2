"""Helpers for the schema-driven command tests (migrate dev, diff, push, reset, drift)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

from nexo.config import Config, load_config

NEXO = str(Path(sys.executable).parent / "nexo")

DATASOURCE = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
"""

USERS = (
    DATASOURCE
    + """
model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
  name  String?
}
"""
)

USERS_POSTS = (
    USERS
    + """
model Post {
  id    Int    @id @default(autoincrement())
  title String
}
"""
)

USERS_WITHOUT_NAME = (
    DATASOURCE
    + """
model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
}
"""
)

USERS_WITH_REQUIRED_AGE = (
    DATASOURCE
    + """
model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
  name  String?
  age   Int
}
"""
)

PYPROJECT = """[project]
name = "devproject"
version = "0"

[tool.nexo]
schema = "schema.prisma"
migrations = "prisma_migrations"
sql = "sql"
"""


def write_project(root: Path, schema: str, *, migrations: dict[str, str] | None = None) -> Path:
    """A minimal nexo project: pyproject, schema.prisma, an (empty) prisma_migrations/, no sql/."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "schema.prisma").write_text(schema)
    mdir = root / "prisma_migrations"
    mdir.mkdir(exist_ok=True)
    for name, text in (migrations or {}).items():
        (mdir / name).mkdir()
        (mdir / name / "migration.sql").write_text(text)
    return root


#: a small SQL layer for the test projects: RLS, a policy, a function and a trigger on "User"
USERS_SQL_LAYER = """ALTER TABLE "User" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "User" FORCE ROW LEVEL SECURITY;
CREATE POLICY user_self ON "User" USING (email = current_setting('app.email', true));
CREATE FUNCTION lower_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.email := lower(NEW.email);
    RETURN NEW;
END
$$;
CREATE TRIGGER user_lower_email BEFORE INSERT ON "User" FOR EACH ROW EXECUTE FUNCTION lower_email();
"""


def write_sql_layer(root: Path, text: str = USERS_SQL_LAYER, name: str = "20300101_0000_user_rls.sql") -> None:
    (root / "sql").mkdir(exist_ok=True)
    (root / "sql" / name).write_text(text)


def set_schema(root: Path, schema: str) -> None:
    (root / "schema.prisma").write_text(schema)


def config(root: Path, url: str) -> Config:
    return load_config(root, database_url=url, environ={})


def migration_names(root: Path) -> list[str]:
    mdir = root / "prisma_migrations"
    return sorted(p.name for p in mdir.iterdir() if p.is_dir()) if mdir.is_dir() else []


#: a migration that sits in the shadow database's replay long enough to interrupt or kill the run there
SLOW = "CREATE TABLE slow (id int);\nSELECT pg_sleep(120);\n"


def wait_for(predicate, what: str, limit: float = 60.0) -> None:
    """Poll ``predicate`` every 0.1 s until it holds; fail the test after ``limit`` seconds."""
    import time

    import pytest

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def shadow_databases(server_url: str) -> list[str]:
    """Databases whose name says they are nexo's temporary shadow databases."""
    with psycopg.connect(server_url, autocommit=True) as c:
        return [
            r[0] for r in c.execute("SELECT datname FROM pg_database WHERE datname LIKE 'nexo\\_shadow\\_%'").fetchall()
        ]


def columns(url: str, table: str) -> list[str]:
    with psycopg.connect(url, autocommit=True) as c:
        rows = c.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s"
            " ORDER BY ordinal_position",
            (table,),
        ).fetchall()
    return [r[0] for r in rows]


def tables(url: str) -> set[str]:
    with psycopg.connect(url, autocommit=True) as c:
        rows = c.execute(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND relkind IN ('r', 'p')"
        ).fetchall()
    return {r[0] for r in rows}


def execute(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        for s in statements:
            c.execute(s)  # type: ignore[arg-type]


def scalar(url: str, query: str):
    with psycopg.connect(url, autocommit=True) as c:
        row = c.execute(query).fetchone()  # type: ignore[arg-type]
    return row[0] if row else None


def run(
    args: list[str],
    cwd: Path,
    env_extra: dict[str, str] | None = None,
    timeout: int = 180,
    stdin: int | None = subprocess.DEVNULL,
) -> subprocess.CompletedProcess:
    """The console script, as a user runs it (no terminal: stdin is /dev/null)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CI")}
    env.update(env_extra or {})
    env["COLUMNS"] = "200"
    return subprocess.run([NEXO, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, stdin=stdin)
