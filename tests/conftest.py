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

#: tests that take long, by node id prefix (a whole module ends with ``::``): left out of the quick run
#: ``pytest -m "not oracle and not slow"``. Measured with ``pytest -m "not oracle" --durations=0``: each
#: test here ran 3 s or more (CLI subprocesses, mypy, several databases, a 200-model schema), on a
#: busy 2-core machine; a module is listed whole when most of its tests are such tests.
SLOW_TESTS: tuple[str, ...] = (
    "tests/citus/test_crm.py::test_crm_from_empty_on_the_cluster",
    "tests/citus/test_crm.py::test_existing_single_server_database_goes_to_citus_with_its_data",
    "tests/citus/test_migrate_dev.py::test_migrate_dev_adds_a_distributed_tenant_table",
    "tests/citus/test_probe.py::test_probe_over_the_repo_crm",
    "tests/citus/test_probe.py::test_probe_over_the_small_project",
    "tests/citus/test_schema_commands.py::",
    "tests/client/test_generator.py::test_cli_generate",
    "tests/client/test_generator.py::test_partial_type_generator",
    "tests/client/test_typecheck.py::test_mypy_strict_on_generated_packages",
    "tests/core/test_cli.py::test_check_passes_for_the_application_role",
    "tests/core/test_cli.py::test_embedded_server_path",
    "tests/core/test_cli.py::test_killed_during_a_prisma_migration_leaves_the_database_as_it_was",
    "tests/core/test_cli.py::test_migrate_version_and_check_on_a_url",
    "tests/core/test_cli.py::test_role_without_ledger_access_gets_a_clear_error",
    "tests/core/test_cli.py::test_status_exit_codes",
    "tests/migrate/test_create_database.py::test_cli_push_creates_the_database",
    "tests/migrate/test_create_database.py::test_migrate_and_deploy_create_the_database",
    "tests/migrate/test_create_database.py::test_migrate_dev_api_and_json",
    "tests/migrate/test_create_database.py::test_migrate_dev_bad_package_json_is_reported_after_the_work",
    "tests/migrate/test_create_database.py::test_migrate_dev_creates_then_seeds",
    "tests/migrate/test_create_database.py::test_migrate_dev_failing_seed_keeps_the_work",
    "tests/migrate/test_create_database.py::test_migrate_dev_skip_seed",
    "tests/migrate/test_create_database.py::test_read_only_commands_do_not_create",
    "tests/migrate/test_create_database.py::test_two_concurrent_pushes_on_a_missing_database",
    "tests/migrate/test_dev.py::test_cli_data_loss_refused_without_terminal_and_accepted_with_flag",
    "tests/migrate/test_dev.py::test_cli_drift_exits_1",
    "tests/migrate/test_dev.py::test_cli_new_migration_then_already_in_sync",
    "tests/migrate/test_dev.py::test_destructive_change_on_empty_table_needs_no_confirmation",
    "tests/migrate/test_dev.py::test_failed_new_migration_resolved_as_rolled_back_is_applied_by_the_next_run",
    "tests/migrate/test_dev.py::test_shadow_database_dropped_when_the_new_migration_fails_on_the_dev_database",
    "tests/migrate/test_dev.py::test_sql_layer_runs_after_the_new_migration",
    "tests/migrate/test_dev.py::test_unexecutable_step_is_refused_unless_create_only",
    "tests/migrate/test_dev.py::test_without_a_name_the_name_is_asked_for_only_when_a_migration_is_written",
    "tests/migrate/test_dev_initial.py::test_initial_migration_through_the_console_script",
    "tests/migrate/test_dev_interactive.py::",
    "tests/migrate/test_diff_cases.py::test_round_trip[03_from_empty_scalars]",
    "tests/migrate/test_diff_datasource.py::test_empty_database_to_schema_then_nothing_once_applied",
    "tests/migrate/test_diff_datasource.py::test_everything_is_read_before_a_connection_is_tried",
    "tests/migrate/test_diff_datasource.py::test_source_count_errors_list_the_new_sources",
    "tests/migrate/test_diff_datasource.py::test_the_urls_schema_parameter_and_the_datasource_schemas",
    "tests/migrate/test_diff_datasource.py::test_url_from_a_dotenv_file_and_no_password_in_any_output",
    "tests/migrate/test_diffcmd.py::test_from_migrations_uses_a_temporary_shadow_database",
    "tests/migrate/test_diffcmd.py::test_missing_paths_are_errors",
    "tests/migrate/test_diffcmd.py::test_source_count_errors",
    "tests/migrate/test_diffcmd.py::test_summary_and_script_between_two_schemas",
    "tests/migrate/test_diffcmd.py::test_url_sources_introspect_the_database",
    "tests/migrate/test_drift.py::",
    "tests/migrate/test_generate_after.py::",
    "tests/migrate/test_prisma_urls.py::",
    "tests/migrate/test_push.py::test_cli_push",
    "tests/migrate/test_reset.py::test_cli_reset",
    "tests/migrate/test_reset.py::test_embedded_server_is_reset_without_force_or_terminal",
    "tests/migrate/test_reset.py::test_production_name_needs_the_extra_flag",
    "tests/migrate/test_seed.py::",
    "tests/migrate/test_shadow_orphans.py::",
    "tests/psl/test_cli.py::test_format_adds_a_missing_back_relation_then_the_schema_validates",
    "tests/psl/test_cli.py::test_format_check_then_write",
    "tests/psl/test_cli.py::test_format_golden_case_byte_for_byte",
    "tests/psl/test_cli.py::test_usage_errors_exit_2",
    "tests/psl/test_cli.py::test_validate_missing_schema",
    "tests/psl/test_cli.py::test_validate_uses_the_configured_schema_folder",
    "tests/psl/test_format.py::test_formatting_keeps_the_meaning",
    "tests/psl/test_fuzz.py::test_fast_reader_builds_the_same_tree_on_argument_lists",
    "tests/schema/test_introspect.py::test_generated_200_model_schema_round_trips_with_a_fixed_number_of_queries",
    "tests/schema/test_introspect.py::test_round_trip[corpus/extensions[needs-extension:citext,pg_trgm,postgis,uuid-ossp]]",
    "tests/schema/test_introspect.py::test_round_trip[examples/03_indexes[needs-extension:citext,pg_trgm,postgis]]",
    "tests/test_typing.py::test_mypy_on_the_package",
)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """As root, the embedded servers of the tests run as the system user ``pgserver``, which must reach the
    test's folder. pytest's own ``/tmp/pytest-of-root`` is reset to mode 0700 whenever another pytest run
    starts on the machine, which then locks those servers out mid-run: the run's temporary folders go into a
    folder of its own instead (readable by others, deleted at the end). ``--basetemp`` still wins, and
    pytest-xdist's workers inherit the folder from the main process."""
    if os.geteuid() != 0 or config.option.basetemp or hasattr(config, "workerinput"):
        return
    base = Path(tempfile.mkdtemp(prefix="nexo-pytest-"))
    base.chmod(0o755)
    config.option.basetemp = str(base / "t")
    config.add_cleanup(lambda: shutil.rmtree(base, ignore_errors=True))


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
        uri = srv.get_uri()
        _throwaway_durability(uri)
        yield uri
    finally:
        srv.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


def _throwaway_durability(admin_url: str) -> None:
    """A test server's data is thrown away after the run, so it need not survive a crash: no fsync, no
    synchronous commit, no full-page writes (the system server of ``pgservers`` starts the same way).
    Dropping a database then costs about 10 ms instead of about 90 ms; every test creates and drops one."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(f"ALTER SYSTEM SET {setting} = off")
        conn.execute("SELECT pg_reload_conf()")


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
