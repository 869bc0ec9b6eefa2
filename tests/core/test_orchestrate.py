"""db:migrate end to end through the Python API: both ledgers, one lock, dry run, concurrency."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import psycopg
import pytest

from nexo.config import load_config
from nexo.db import LockTimeout, advisory_lock
from nexo.errors import NexoError
from nexo.orchestrate import dry_run, migrate, rollback, status

MIGRATION = "20260123175900_initial_multi_tenant_setup"
SQL_VERSION = "20260123_1800"
#: the repo's migrations and SQL-layer files, in order (the second of each makes the CRM Citus-ready)
MIGRATIONS = [MIGRATION, "20260123190000_composite_tenant_keys"]
SQL_VERSIONS = [SQL_VERSION, "20260123_1900"]


def _catalog(url: str) -> list[tuple]:
    """Everything a migration could change, as comparable rows."""
    with psycopg.connect(url) as c:
        rows = []
        rows += c.execute(
            "SELECT 'class', relname, relkind::text, relrowsecurity::text FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog','information_schema','pg_toast') ORDER BY 2, 3"
        ).fetchall()
        rows += c.execute(
            "SELECT 'policy', polname, polrelid::regclass::text, '' FROM pg_policy ORDER BY 2, 3"
        ).fetchall()
        rows += c.execute(
            "SELECT 'trigger', tgname, tgrelid::regclass::text, '' FROM pg_trigger WHERE NOT tgisinternal ORDER BY 2, 3"
        ).fetchall()
        rows += c.execute(
            "SELECT 'proc', proname, pronamespace::regnamespace::text, '' FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 2"
        ).fetchall()
        rows += c.execute(
            "SELECT 'type', typname, '', '' FROM pg_type WHERE typnamespace = 'public'::regnamespace ORDER BY 2"
        ).fetchall()
        return rows


def test_migrate_applies_both_ledgers_then_nothing(project: Path, db_url: str):
    config = load_config(project, database_url=db_url)
    first = migrate(config)
    assert first.prisma_applied == MIGRATIONS
    assert first.sql_applied == SQL_VERSIONS
    assert first.sql.latest_schema_version == "1.1.0"
    with psycopg.connect(db_url) as c:
        rows = c.execute(
            "SELECT migration_name, finished_at IS NOT NULL, applied_steps_count, logs FROM _prisma_migrations "
            "ORDER BY migration_name"
        ).fetchall()
        assert rows == [(m, True, 1, None) for m in MIGRATIONS]
        hist = c.execute(
            "SELECT version, kind, success, schema_version FROM migration_history ORDER BY version"
        ).fetchall()
        assert hist == [(SQL_VERSIONS[0], "versioned", True, "1.0.0"), (SQL_VERSIONS[1], "versioned", True, "1.1.0")]
    second = migrate(config)
    assert second.prisma_applied == [] and second.sql_applied == []
    st = status(config)
    assert st.up_to_date


def test_dry_run_lists_everything_and_changes_nothing(project: Path, db_url: str):
    config = load_config(project, database_url=db_url)
    before = _catalog(db_url)
    plan = dry_run(config)
    assert [m.name for m in plan.prisma.pending] == MIGRATIONS
    assert [s.version for s in plan.sql] == SQL_VERSIONS
    assert all(len(s.checksum) == 64 for s in plan.sql)
    assert _catalog(db_url) == before
    migrate(config)
    again = dry_run(config)
    assert again.prisma.pending == [] and again.sql == []


def test_failed_sql_file_stops_and_is_reported_with_file_and_line(project: Path, db_url: str):
    (project / "sql" / "20260201_0900_broken.sql").write_text("CREATE TABLE ok_tbl (x int);\nSELECT 1/0;\n")
    config = load_config(project, database_url=db_url)
    with pytest.raises(NexoError) as info:
        migrate(config)
    text = str(info.value)
    assert "20260201_0900_broken.sql" in text
    assert info.value.line == 2
    assert "division by zero" in text
    with psycopg.connect(db_url) as c:
        assert c.execute("SELECT to_regclass('ok_tbl')").fetchone()[0] is None
        assert c.execute("SELECT success FROM migration_history WHERE version = '20260201_0900'").fetchone() == (False,)


def test_lock_held_elsewhere_times_out_then_succeeds(project: Path, db_url: str):
    config = load_config(project, database_url=db_url)
    config = type(config)(**{**config.__dict__, "lock_timeout": 0.5})
    with psycopg.connect(db_url, autocommit=True) as holder:
        with advisory_lock(holder):
            with pytest.raises(LockTimeout) as info:
                migrate(config)
            assert info.value.code == "P1002"
    assert migrate(config).prisma_applied == MIGRATIONS


def test_lock_released_when_holder_dies(project: Path, db_url: str):
    """A killed process's connection closes, and the server releases its lock."""
    holder = psycopg.connect(db_url, autocommit=True)
    holder.execute("SELECT pg_advisory_lock(72707369)")
    pid = holder.info.backend_pid
    with psycopg.connect(db_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    config = load_config(project, database_url=db_url)
    assert migrate(config).prisma_applied == MIGRATIONS
    holder.close()


def _run_migrate(root: str, url: str, queue) -> None:  # in a child process
    try:
        r = migrate(load_config(root, database_url=url))
        queue.put((r.prisma_applied, r.sql_applied))
    except Exception as exc:  # report, don't hang the parent
        queue.put(("error", repr(exc)))


def test_two_concurrent_runs_apply_everything_exactly_once(project: Path, db_url: str):
    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_run_migrate, args=(str(project), db_url, q)) for _ in range(2)]
    for p in procs:
        p.start()
    results = [q.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert all(r[0] != "error" for r in results), results
    applied = sorted(results, key=lambda r: len(r[0]))
    assert applied[0] == ([], []) and applied[1] == (MIGRATIONS, SQL_VERSIONS)
    with psycopg.connect(db_url) as c:
        assert c.execute("SELECT count(*) FROM _prisma_migrations").fetchone()[0] == 2
        assert c.execute("SELECT count(*) FROM migration_history").fetchone()[0] == 2


def test_rollback_runs_the_twin_and_migrate_reapplies(project: Path, db_url: str):
    config = load_config(project, database_url=db_url)
    migrate(config)
    result = rollback(config, steps=1)  # the newest file: back to the sub-select policies
    assert [s.step.version for s in result.steps] == [SQL_VERSIONS[1]]
    with psycopg.connect(db_url) as c:
        assert c.execute("SELECT count(*) FROM pg_policies WHERE qual LIKE '%SELECT%'").fetchone()[0] == 8
    result = rollback(config, steps=1)
    assert [s.step.version for s in result.steps] == [SQL_VERSION]
    with psycopg.connect(db_url) as c:
        assert c.execute("SELECT count(*) FROM pg_policy").fetchone()[0] == 0
        assert c.execute("SELECT relrowsecurity FROM pg_class WHERE relname = 'clients'").fetchone() == (False,)
    again = migrate(config)
    assert again.sql_applied == SQL_VERSIONS
    with psycopg.connect(db_url) as c:
        assert c.execute("SELECT count(*) FROM pg_policy").fetchone()[0] == 8


def test_rollback_refused_without_twin_changes_nothing(project: Path, db_url: str):
    (project / "sql" / "20260301_1000_extra.sql").write_text("CREATE TABLE extra (x int);\n")
    config = load_config(project, database_url=db_url)
    migrate(config)
    before = _catalog(db_url)
    with pytest.raises(NexoError, match="20260301_1000"):
        rollback(config, steps=2)
    assert _catalog(db_url) == before


def test_placeholders_follow_the_config(project: Path, db_url: str, pg_server_url: str):
    pyproject = project / "pyproject.toml"
    role = "nexo_app_ph_test"
    pyproject.write_text(pyproject.read_text().replace('app_role = "nexo_app"', f'app_role = "{role}"'))
    config = load_config(project, database_url=db_url)
    assert config.app_role == role
    migrate(config)
    with psycopg.connect(db_url) as c:
        assert c.execute("SELECT has_table_privilege(%s, 'clients', 'SELECT')", (role,)).fetchone() == (True,)


def test_unknown_placeholder_is_an_error_naming_file_and_line(project: Path, db_url: str):
    (project / "sql" / "20260301_1000_ph.sql").write_text('SELECT 1;\nGRANT SELECT ON clients TO "${nobody}";\n')
    config = load_config(project, database_url=db_url)
    with pytest.raises(NexoError) as info:
        migrate(config)
    assert info.value.line == 2 and "20260301_1000_ph.sql" in str(info.value.file)
    with psycopg.connect(db_url) as c:  # refused before connecting: nothing ran
        assert c.execute("SELECT to_regclass('_prisma_migrations')").fetchone()[0] is None
