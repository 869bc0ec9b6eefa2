"""On the real cluster: Citus refuses Prisma's implicit many-to-many join table next to a distributed table (what
the ``citus-implicit-m2m`` finding says), and the explicit join model its fix gives is distributed co-located."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from nexo.citus import readiness
from nexo.config import load_config
from nexo.psl import validate_source
from nexo.schema import relational_model, render_create_script

from .projects import write_project
from .test_migrate import add_migration, layout, migrate
from .test_readiness import M2M_ROOT_SCHEMA, apply_m2m_fix

pytestmark = pytest.mark.citus


def test_citus_refuses_the_implicit_join_table_and_takes_the_fix(citus_db: str, tmp_path: Path) -> None:
    implicit = write_project(tmp_path / "implicit", M2M_ROOT_SCHEMA)
    script = render_create_script(relational_model(validate_source(M2M_ROOT_SCHEMA).raise_for_errors()))
    assert 'CREATE TABLE "_AccountToCurrency"' in script
    add_migration(implicit, "20260101000000_init", script)
    done = migrate(implicit, citus_db)
    assert done.returncode == 1
    out = done.stdout + done.stderr
    assert "_AccountToCurrency" in out and "foreign key" in out.lower(), out
    with psycopg.connect(citus_db, autocommit=True) as c:  # the failed migration left no table behind
        assert c.execute(
            "SELECT to_regclass('\"_AccountToCurrency\"') IS NULL, to_regclass('accounts') IS NULL"
        ).fetchone() == (True, True)
        c.execute("DROP TABLE IF EXISTS _prisma_migrations")

    (finding,) = readiness(load_config(implicit))
    fixed_schema = apply_m2m_fix(M2M_ROOT_SCHEMA, finding.fix)
    fixed = write_project(tmp_path / "fixed", fixed_schema)
    add_migration(
        fixed,
        "20260101000000_init",
        render_create_script(relational_model(validate_source(fixed_schema).raise_for_errors())),
    )
    done = migrate(fixed, citus_db)
    assert done.returncode == 0, done.stdout + done.stderr
    with psycopg.connect(citus_db, autocommit=True) as c:
        got = layout(c)
        assert got['"AccountToCurrency"'] == ("distributed", "account_id", got["accounts"][2])
        c.execute("INSERT INTO currencies VALUES ('EUR', 'Euro')")
        c.execute("INSERT INTO accounts (id, name) VALUES (gen_random_uuid(), 'a')")
        c.execute("INSERT INTO \"AccountToCurrency\" SELECT id, 'EUR' FROM accounts")
        assert c.execute('SELECT count(*) FROM "AccountToCurrency"').fetchone() == (1,)
