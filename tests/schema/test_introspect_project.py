"""The repo's own database after ``db:migrate`` (Prisma migration + SQL layer) introspects to exactly
the model of ``schema.prisma``: the SQL layer's policies, RLS flags, triggers, functions, role and
grants, and both ledgers, are not part of the model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

from nexo.config import load_config
from nexo.orchestrate import migrate
from nexo.psl import validate_path
from nexo.schema import comparable, differences, introspect_with_warnings, relational_model


def test_migrated_project_matches_its_schema(project: Path, db_url: str) -> None:
    config = load_config(project, database_url=db_url)
    result = migrate(config)
    assert result.prisma_applied and result.sql_applied
    built = relational_model(validate_path(project / "schema.prisma").raise_for_errors())
    with psycopg.connect(db_url, autocommit=True) as conn:
        # the SQL layer really did create what introspection must ignore
        counts: tuple[Any, ...] | None = conn.execute(
            """
            SELECT (SELECT count(*) FROM pg_policy),
                   (SELECT count(*) FROM pg_class WHERE relrowsecurity AND relnamespace = 'public'::regnamespace),
                   (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal),
                   (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace),
                   (SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = %s),
                   to_regclass('_prisma_migrations') IS NOT NULL AND to_regclass('migration_history') IS NOT NULL
        """,
            (config.app_role,),
        ).fetchone()
        assert counts is not None
        policies, rls_tables, triggers, functions, grants, ledgers = counts
        assert policies >= 8 and rls_tables >= 8 and triggers >= 1 and functions >= 1 and grants >= 1 and ledgers
        got, warnings = introspect_with_warnings(conn)
    assert warnings == []
    assert [t.name for t in got.tables] == sorted(t.name for t in built.tables)
    assert comparable(got) == comparable(built), "\n".join(differences(got, built))
