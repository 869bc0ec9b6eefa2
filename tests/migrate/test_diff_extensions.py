"""Extensions count only with Prisma's ``postgresqlExtensions`` preview feature, in diffs and drift checks.

Introspection always lists the installed extensions (``plpgsql`` excepted); Prisma Migrate ignores
them unless the schema enables the preview feature (``Database.manages_extensions``). With it, a
schema's ``extensions`` are created when missing, never dropped. The extension used is ``vector``
(pgvector), which the embedded test server ships.
"""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diffcases import run_script

from nexo.migrate import drift
from nexo.migrate.differ import diff
from nexo.psl import validate_source
from nexo.schema import Database, introspect, relational_model

PLAIN = """
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Doc {
  id    Int    @id
  title String
}
"""
FEATURE = (
    """
generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["postgresqlExtensions"]
}
"""
    + PLAIN
)
LISTED = FEATURE.replace('url      = env("DATABASE_URL")', 'url      = env("DATABASE_URL")\n  extensions = [vector]')


def model(text: str) -> Database:
    return relational_model(validate_source(text).raise_for_errors())


@pytest.fixture
def with_vector(conn: psycopg.Connection) -> psycopg.Connection:
    """A database holding the schema's table and the ``vector`` extension, installed by hand."""
    have = {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions").fetchall()}
    if "vector" not in have:
        pytest.skip("this PostgreSQL server has no pgvector extension")
    run_script(conn, diff(None, model(PLAIN)).script())
    conn.execute("CREATE EXTENSION vector")
    return conn


def test_the_model_says_whether_the_schema_manages_extensions() -> None:
    assert model(PLAIN).manages_extensions is False
    assert model(FEATURE).manages_extensions is True and model(FEATURE).extensions == ()
    assert [x.name for x in model(LISTED).extensions] == ["vector"]


def test_installed_extension_without_the_preview_feature_is_no_difference(with_vector: psycopg.Connection) -> None:
    live = introspect(with_vector)
    assert [x.name for x in live.extensions] == ["vector"]  # introspection reports it ...
    assert live.manages_extensions is False
    schema = model(PLAIN)
    # ... and neither migrate dev / db push (database → schema) nor drift (schema → database) sees it
    assert diff(live, schema, before_is_live=True).is_empty
    assert diff(schema, live).is_empty
    report = drift.check(with_vector, schema)
    assert report.checked and report.in_sync, report.summary
    # two databases (--from-url --to-url: no schema, no preview feature) differ in nothing either
    assert diff(Database(live.tables, live.enums), live, before_is_live=True).is_empty


def test_with_the_preview_feature_extensions_are_compared(with_vector: psycopg.Connection) -> None:
    live = introspect(with_vector)
    # the schema lists it: in sync both ways (no version or schema written: any installed one matches)
    listed = model(LISTED)
    assert diff(live, listed, before_is_live=True).is_empty
    assert drift.check(with_vector, listed).in_sync
    # the schema does not list it: Prisma never drops an extension, so no migration; but the database
    # holds one the schema does not, and that is drift (the change from the schema to the database)
    feature = model(FEATURE)
    assert diff(live, feature, before_is_live=True).is_empty
    report = drift.check(with_vector, feature)
    assert report.drifted and report.differences == ["[+] Added extensions", "  - vector"]
    # a database without it gets it from a schema that lists it
    bare = Database(live.tables, live.enums)
    plan = diff(bare, listed, before_is_live=True)
    assert plan.script() == '-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "vector";\n'


def test_two_introspected_models_compare_extensions_only_when_told(with_vector: psycopg.Connection) -> None:
    """migrate dev's drift check compares two databases (shadow, development): the schema's setting decides."""
    live = introspect(with_vector)
    shadow = Database(live.tables, live.enums)  # the history never created the extension
    assert drift.compare(shadow, live, against="migrations", expected_is_live=True).in_sync
    report = drift.compare(shadow, live, against="migrations", expected_is_live=True, extensions=True)
    assert report.drifted
    assert report.differences == ["[+] Added extensions", "  - vector"]
    assert drift.compare(shadow, live, extensions=False).in_sync
    (ext,) = live.extensions
    assert diff(shadow, live, extensions=True).script() == (
        f'-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "vector" WITH SCHEMA "public" VERSION "{ext.version}";\n'
    )
