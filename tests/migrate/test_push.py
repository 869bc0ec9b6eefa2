"""``db:push``: the database made to match schema.prisma without a migration file, then the SQL layer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from devproject import (
    USERS,
    USERS_POSTS,
    USERS_WITH_REQUIRED_AGE,
    USERS_WITHOUT_NAME,
    columns,
    config,
    execute,
    migration_names,
    run,
    scalar,
    set_schema,
    tables,
    write_project,
    write_sql_layer,
)

from nexo import orchestrate
from nexo.migrate.errors import DataLossNotAccepted, OperationCancelled, PushFailed, UnexecutableChanges


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    return write_project(tmp_path / "p", USERS)


def test_push_creates_the_schema_without_a_migration(proj: Path, db_url: str):
    report = orchestrate.push(config(proj, db_url))
    assert report.push.changed and report.push.statements == 2
    assert "User" in tables(db_url)
    assert "_prisma_migrations" not in tables(db_url)  # like Prisma: push never touches the ledger
    assert migration_names(proj) == []
    again = orchestrate.push(config(proj, db_url))
    assert not again.push.changed and again.push.script == ""


def test_push_applies_changes_and_then_the_sql_layer(proj: Path, db_url: str):
    write_sql_layer(proj)
    report = orchestrate.push(config(proj, db_url))
    assert report.sql is not None and [s.step.version for s in report.sql.steps] == ["20300101_0000"]
    assert scalar(db_url, "SELECT count(*) FROM pg_policies WHERE tablename = 'User'") == 1
    assert scalar(db_url, "SELECT count(*) FROM pg_trigger WHERE tgname = 'user_lower_email'") == 1
    # the SQL layer's policy, function, trigger, RLS flags and ledger are not differences for the next push
    again = orchestrate.push(config(proj, db_url))
    assert not again.push.changed and again.sql is not None and again.sql.steps == []


def test_push_of_a_new_model(proj: Path, db_url: str):
    orchestrate.push(config(proj, db_url))
    set_schema(proj, USERS_POSTS)
    report = orchestrate.push(config(proj, db_url))
    assert "[+] Added tables" in report.push.summary and "Post" in report.push.summary
    assert {"User", "Post"} <= tables(db_url)


def test_data_loss_needs_the_flag_without_terminal(proj: Path, db_url: str):
    orchestrate.push(config(proj, db_url))
    execute(db_url, "INSERT INTO \"User\" (email, name) VALUES ('a@x', 'A')")
    set_schema(proj, USERS_WITHOUT_NAME)
    with pytest.raises(DataLossNotAccepted) as info:
        orchestrate.push(config(proj, db_url))
    assert "which still contains 1 non-null values" in str(info.value)
    assert "--accept-data-loss" in str(info.value)
    assert "name" in columns(db_url, "User")
    with pytest.raises(OperationCancelled):
        orchestrate.push(config(proj, db_url), confirm=lambda e, q: False)
    assert "name" in columns(db_url, "User")
    orchestrate.push(config(proj, db_url), accept_data_loss=True)
    assert columns(db_url, "User") == ["id", "email"]


def test_unexecutable_change_is_refused(proj: Path, db_url: str):
    orchestrate.push(config(proj, db_url))
    execute(db_url, "INSERT INTO \"User\" (email) VALUES ('a@x')")
    set_schema(proj, USERS_WITH_REQUIRED_AGE)
    with pytest.raises(UnexecutableChanges) as info:
        orchestrate.push(config(proj, db_url), accept_data_loss=True)
    assert "There are 1 rows in this table, it is not possible to execute this step." in str(info.value)
    assert "age" not in columns(db_url, "User")


def test_failing_push_leaves_nothing_behind(proj: Path, db_url: str):
    """Several changes in one push, the last one fails on the data: the first ones are rolled back too."""
    orchestrate.push(config(proj, db_url))
    execute(db_url, "INSERT INTO \"User\" (email, name) VALUES ('a@x', 'same'), ('b@x', 'same')")
    set_schema(proj, USERS_POSTS.replace("name  String?", "name  String? @unique"))
    with pytest.raises(PushFailed) as info:
        orchestrate.push(config(proj, db_url), accept_data_loss=True)
    assert "could not create unique index" in str(info.value) and "Rolled back" in str(info.value)
    assert "Post" not in tables(db_url)


def test_cli_push(proj: Path, db_url: str):
    env = {"DATABASE_URL": db_url}
    first = run(["db:push"], proj, env)
    assert first.returncode == 0, first.stderr
    assert "Your database is now in sync with your Prisma schema." in first.stdout
    again = run(["db:push", "--json"], proj, env)
    assert again.returncode == 0 and json.loads(again.stdout)["changed"] is False
    execute(db_url, "INSERT INTO \"User\" (email, name) VALUES ('a@x', 'A')")
    set_schema(proj, USERS_WITHOUT_NAME)
    refused = run(["db:push"], proj, env)
    assert refused.returncode == 1 and "--accept-data-loss" in refused.stderr and "Traceback" not in refused.stderr
    accepted = run(["db:push", "--accept-data-loss"], proj, env)
    assert accepted.returncode == 0, accepted.stderr
    assert columns(db_url, "User") == ["id", "email"]


def test_push_of_the_repo_project_brings_its_rls_layer(project: Path, db_url: str):
    """The repo's own SQL layer runs after a push too, although push creates no _prisma_migrations."""
    from nexo.config import load_config

    report = orchestrate.push(load_config(project, database_url=db_url))
    assert report.push.changed and report.sql is not None
    assert [s.step.version for s in report.sql.steps] == ["20260123_1800", "20260123_1900"]
    assert "_prisma_migrations" not in tables(db_url)
    assert scalar(db_url, "SELECT count(*) FROM pg_policies WHERE policyname = 'tenant_isolation'") == 8
    assert scalar(db_url, "SELECT has_table_privilege('nexo_app', 'migration_history', 'SELECT')") is True
