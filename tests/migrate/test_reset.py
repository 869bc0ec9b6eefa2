"""``db:reset``: everything in the schema dropped, migrations and SQL layer re-applied; the guards."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest
from devproject import config, execute, run, scalar, tables

from nexo import orchestrate
from nexo.db import with_database, with_user
from nexo.migrate.errors import OperationCancelled, ResetIncomplete, ResetRefused
from nexo.migrate.reset import PRODUCTION_FLAG

ACCOUNT = "INSERT INTO accounts (name, slug) VALUES ('Acme', 'acme')"


def _manual_objects(url: str) -> None:
    execute(
        url,
        "CREATE TABLE manual_tbl (id int)",
        "CREATE VIEW manual_view AS SELECT id FROM accounts",
        "CREATE MATERIALIZED VIEW manual_mat AS SELECT 1 AS x",
        "CREATE SEQUENCE manual_seq",
        "CREATE TYPE manual_enum AS ENUM ('a')",
        "CREATE TYPE manual_comp AS (a int)",
        "CREATE DOMAIN manual_domain AS int CHECK (VALUE > 0)",
        "CREATE FUNCTION manual_fn(a int) RETURNS int LANGUAGE sql AS 'SELECT a'",
        "CREATE PROCEDURE manual_proc() LANGUAGE sql AS 'SELECT 1'",
        "CREATE AGGREGATE manual_sum(int) (sfunc = int4pl, stype = int)",
    )


def _user_objects(url: str) -> set[str]:
    with psycopg.connect(url, autocommit=True) as c:
        rels = c.execute(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
        ).fetchall()
        procs = c.execute(
            "SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'"
        ).fetchall()
        types = c.execute(
            "SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public'"
        ).fetchall()
    return {r[0] for r in rels + procs + types}


def test_force_reset_drops_everything_and_brings_back_migrations_and_sql_layer(project: Path, db_url: str):
    cfg = config(project, db_url)
    orchestrate.migrate(cfg)
    execute(db_url, ACCOUNT)
    _manual_objects(db_url)
    report = orchestrate.reset(cfg, force=True)
    assert report.schemas == ["public"]
    assert "public.manual_tbl" in report.cleaned.dropped["table"]
    assert report.prisma.applied_names == [
        "20260123175900_initial_multi_tenant_setup",
        "20260123190000_composite_tenant_keys",
    ]
    assert report.sql is not None and [s.step.version for s in report.sql.steps] == ["20260123_1800", "20260123_1900"]
    objects = _user_objects(db_url)
    assert not {o for o in objects if o.startswith("manual")}
    assert scalar(db_url, "SELECT count(*) FROM accounts") == 0
    assert scalar(db_url, "SELECT count(*) FROM _prisma_migrations") == 2
    assert scalar(db_url, "SELECT count(*) FROM migration_history") == 2
    # policies, forced RLS, trigger function and grants are back
    assert scalar(db_url, "SELECT count(*) FROM pg_policies") == 8
    assert scalar(db_url, "SELECT bool_and(relforcerowsecurity) FROM pg_class WHERE relname IN ('accounts', 'users')")
    assert scalar(db_url, "SELECT has_table_privilege('nexo_app', 'clients', 'SELECT')")
    # roles are cluster-wide and stay
    assert scalar(db_url, "SELECT count(*) FROM pg_roles WHERE rolname = 'nexo_app'") == 1


def test_skip_sql_reapplies_the_prisma_migrations_only(project: Path, db_url: str):
    cfg = config(project, db_url)
    orchestrate.migrate(cfg)
    report = orchestrate.reset(cfg, force=True, skip_sql=True)
    assert report.sql is None
    assert "accounts" in tables(db_url) and "migration_history" not in tables(db_url)
    assert scalar(db_url, "SELECT count(*) FROM pg_policies") == 0


def test_extension_in_the_schema_is_dropped(project: Path, db_url: str):
    if not scalar(db_url, "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'"):
        pytest.fail("the test server has no 'vector' extension to install")  # pgserver ships it
    cfg = config(project, db_url)
    orchestrate.migrate(cfg)
    execute(db_url, "CREATE EXTENSION vector", "CREATE TABLE emb (v vector(3))")
    report = orchestrate.reset(cfg, force=True)
    assert report.cleaned.dropped["extension"] == ["vector"]
    assert scalar(db_url, "SELECT count(*) FROM pg_extension WHERE extname = 'vector'") == 0


def test_without_force_and_without_terminal_it_refuses(project: Path, db_url: str):
    cfg = config(project, db_url)
    orchestrate.migrate(cfg)
    execute(db_url, ACCOUNT)
    with pytest.raises(ResetRefused) as info:
        orchestrate.reset(cfg, confirm=None)
    assert "non-interactive" in str(info.value) and "--force" in str(info.value)
    assert scalar(db_url, "SELECT count(*) FROM accounts") == 1


def test_terminal_confirmation(project: Path, db_url: str):
    cfg = config(project, db_url)
    orchestrate.migrate(cfg)
    execute(db_url, ACCOUNT)
    questions: list[str] = []

    def answer(yes: bool):
        def confirm(explanation: str, question: str) -> bool:
            questions.append(f"{explanation}\n{question}")
            return yes

        return confirm

    with pytest.raises(OperationCancelled):
        orchestrate.reset(cfg, confirm=answer(False))
    assert scalar(db_url, "SELECT count(*) FROM accounts") == 1
    orchestrate.reset(cfg, confirm=answer(True))
    assert scalar(db_url, "SELECT count(*) FROM accounts") == 0
    assert "All data will be lost" in questions[0] and '"public"' in questions[0]


def test_production_name_needs_the_extra_flag(project: Path, pg_server_url: str):
    name = f"nexo_t_prod_{uuid.uuid4().hex[:8]}"
    execute(pg_server_url, f"CREATE DATABASE {name}")
    url = with_database(pg_server_url, name)
    try:
        cfg = config(project, url)
        orchestrate.migrate(cfg)
        execute(url, ACCOUNT)
        with pytest.raises(ResetRefused) as info:
            orchestrate.reset(cfg, force=True)
        assert PRODUCTION_FLAG in str(info.value) and name in str(info.value)
        with pytest.raises(ResetRefused):  # the flag alone does not replace the confirmation
            orchestrate.reset(cfg, production_ok=True, confirm=None)
        assert scalar(url, "SELECT count(*) FROM accounts") == 1
        orchestrate.reset(cfg, force=True, production_ok=True)
        assert scalar(url, "SELECT count(*) FROM accounts") == 0
        r = run(["db:reset", "--force"], project, {"DATABASE_URL": url})
        assert r.returncode == 1 and PRODUCTION_FLAG in r.stderr
        ok = run(["db:reset", "--force", PRODUCTION_FLAG], project, {"DATABASE_URL": url})
        assert ok.returncode == 0, ok.stderr
    finally:
        execute(pg_server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_an_object_that_cannot_be_dropped_stops_the_reset_before_anything_is_lost(
    project: Path, db_url: str, pg_server_url: str
):
    role = f"nexo_t_resetter_{uuid.uuid4().hex[:8]}"
    execute(db_url, f"CREATE ROLE {role} LOGIN", f"GRANT CREATE, USAGE ON SCHEMA public TO {role}")
    try:
        as_role = with_user(db_url, role)
        execute(as_role, "CREATE TABLE mine (id int)")
        execute(db_url, "CREATE TABLE not_mine (id int)")
        with pytest.raises(ResetIncomplete) as info:
            orchestrate.reset(config(project, as_role), force=True)
        assert info.value.code == "P3016" and "must be owner of table not_mine" in str(info.value)
        assert "Nothing was dropped" in str(info.value)
        assert {"mine", "not_mine"} <= tables(db_url)
    finally:
        execute(
            db_url,
            "DROP TABLE IF EXISTS mine, not_mine",
            f"REVOKE ALL ON SCHEMA public FROM {role}",
            f"DROP ROLE {role}",
        )


def test_cli_reset(project: Path, db_url: str):
    env = {"DATABASE_URL": db_url}
    assert run(["db:migrate"], project, env).returncode == 0
    refused = run(["db:reset"], project, env)
    assert refused.returncode == 1 and "--force" in refused.stderr and "Traceback" not in refused.stderr
    ok = run(["db:reset", "--force", "--json"], project, env)
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert data["prisma"]["applied"] == [
        "20260123175900_initial_multi_tenant_setup",
        "20260123190000_composite_tenant_keys",
    ]
    assert data["sql"]["applied"] == ["20260123_1800", "20260123_1900"]
    text = run(["db:reset", "-f"], project, env)
    assert text.returncode == 0 and "Database reset successful" in text.stdout


def test_embedded_server_is_reset_without_force_or_terminal(project: Path):
    try:
        assert run(["db:migrate"], project).returncode == 0
        r = run(["db:reset"], project)
        assert r.returncode == 0, r.stderr
        assert "embedded PostgreSQL" in r.stderr and "Database reset successful" in r.stdout
    finally:
        assert run(["db:down"], project).returncode == 0
