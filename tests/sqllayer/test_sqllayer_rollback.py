"""rollback(): .down.sql twins in reverse order, refusals that change nothing (real PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqllayer_support import catalog_snapshot, history_count, table_exists

from nexo.sqllayer import (
    MissingTwinError,
    RollbackTargetError,
    SqlFileFailed,
    TransactionSafetyError,
    apply,
    discover,
    history,
    plan_rollback,
    rollback,
    status,
)


@pytest.fixture
def three_versions(conn, write, sql_dir: Path):
    write("1_accounts.sql", "-- nexo:schema-version 1.0.0\nCREATE TABLE accounts (id int PRIMARY KEY);\n")
    write("1_accounts.down.sql", "DROP VIEW IF EXISTS account_ids;\nDROP TABLE accounts;\n")
    write(
        "2_notes.sql",
        "-- nexo:schema-version 1.1.0\nCREATE TABLE notes (id int, account_id int REFERENCES accounts);\n",
    )
    write("2_notes.down.sql", "DROP TABLE notes;\n")
    write("10_index.sql", "-- nexo:schema-version 1.2.0\nCREATE INDEX notes_account ON notes (account_id);\n")
    write("10_index.down.sql", "-- nexo:no-transaction\nDROP INDEX CONCURRENTLY notes_account;\n")
    write("R__view.sql", "CREATE OR REPLACE VIEW account_ids AS SELECT id FROM accounts;\n")
    apply(conn, discover(sql_dir))
    return sql_dir


def test_rollback_one_step_runs_the_twin_and_records_it(conn, three_versions: Path):
    files = discover(three_versions)
    result = rollback(conn, files)
    assert [(s.step.kind, s.step.version, s.step.script) for s in result.steps] == [
        ("rollback", "10", "10_index.down.sql")
    ]
    assert not table_exists(conn, "notes_account") and table_exists(conn, "notes")
    assert (result.latest_version, result.latest_schema_version) == ("2", "1.1.0")
    last = history(conn)[-1]
    assert (last.kind, last.version, last.name, last.script, last.success, last.transactional) == (
        "rollback",
        "10",
        "index",
        "10_index.down.sql",
        True,
        False,
    )
    assert last.checksum == files[2].down.checksum
    st = status(conn, files)
    assert [f.script for f in st.pending] == ["10_index.sql"]
    assert st.out_of_order == []
    # a rollback may have dropped what a repeatable built: it runs again after the versioned files
    assert [f.script for f in st.repeatable_pending] == ["R__view.sql"]
    again = apply(conn, files)
    assert [(s.step.script, s.step.reason) for s in again.steps] == [
        ("10_index.sql", "pending"),
        ("R__view.sql", "after_rollback"),
    ]
    assert table_exists(conn, "notes_account")
    assert status(conn, files).up_to_date


def test_rollback_to_zero_then_apply_rebuilds_everything(conn, three_versions: Path):
    files = discover(three_versions)
    rollback(conn, files, to="0")
    assert not table_exists(conn, "account_ids") and not table_exists(conn, "accounts")
    result = apply(conn, files)
    assert [s.step.script for s in result.steps] == ["1_accounts.sql", "2_notes.sql", "10_index.sql", "R__view.sql"]
    assert table_exists(conn, "account_ids")


def test_rollback_steps_runs_twins_in_reverse_version_order(conn, three_versions: Path):
    result = rollback(conn, discover(three_versions), steps=2)
    assert [s.step.script for s in result.steps] == ["10_index.down.sql", "2_notes.down.sql"]
    assert not table_exists(conn, "notes") and table_exists(conn, "accounts")
    assert result.latest_schema_version == "1.0.0"


def test_rollback_to_a_version_undoes_everything_after_it(conn, three_versions: Path):
    files = discover(three_versions)
    planned = plan_rollback(conn, files, to="1")
    assert [(p.script, p.checksum) for p in planned] == [
        ("10_index.down.sql", files[2].down.checksum),
        ("2_notes.down.sql", files[1].down.checksum),
    ]
    result = rollback(conn, files, to="1")
    assert [s.step.script for s in result.steps] == ["10_index.down.sql", "2_notes.down.sql"]
    assert result.latest_version == "1"
    assert rollback(conn, files, to="1").nothing_to_do
    result = rollback(conn, files, to="0")
    assert [s.step.script for s in result.steps] == ["1_accounts.down.sql"]
    assert result.latest_version is None and result.latest_schema_version is None


def test_rollback_is_refused_without_a_twin_and_changes_nothing(conn, three_versions: Path):
    (three_versions / "2_notes.down.sql").unlink()
    files = discover(three_versions)
    before = catalog_snapshot(conn)
    rows = history_count(conn)
    with pytest.raises(MissingTwinError) as info:
        rollback(conn, files, steps=2)
    err = info.value
    assert err.code == "NEXO_SQL_NO_TWIN"
    assert "2_notes.down.sql" in err.message and "Nothing was changed" in err.message
    assert err.file == str(three_versions / "2_notes.down.sql")
    # the twin that exists (10) did not run either
    assert catalog_snapshot(conn) == before
    assert history_count(conn) == rows


def test_rollback_of_a_version_whose_file_is_gone_needs_its_twin(conn, three_versions: Path):
    (three_versions / "10_index.sql").unlink()
    (three_versions / "10_index.down.sql").unlink()
    with pytest.raises(MissingTwinError, match=r"10_index\.down\.sql \(to undo version 10\)"):
        rollback(conn, discover(three_versions))


def test_rollback_arguments_are_checked(conn, three_versions: Path):
    files = discover(three_versions)
    before = catalog_snapshot(conn)
    with pytest.raises(RollbackTargetError, match="only 3 SQL-layer version"):
        rollback(conn, files, steps=4)
    with pytest.raises(RollbackTargetError, match="1 or more"):
        rollback(conn, files, steps=0)
    with pytest.raises(RollbackTargetError, match="not both"):
        rollback(conn, files, steps=1, to="1")
    with pytest.raises(RollbackTargetError, match="Version 7 is neither applied nor a file"):
        rollback(conn, files, to="7")
    with pytest.raises(RollbackTargetError, match="not a version"):
        rollback(conn, files, to="v1")
    assert catalog_snapshot(conn) == before


def test_twin_with_a_non_transactional_statement_is_refused_before_anything(conn, three_versions: Path, write):
    write("2_notes.down.sql", "DROP INDEX CONCURRENTLY IF EXISTS x;\nDROP TABLE notes;\n")
    before = catalog_snapshot(conn)
    with pytest.raises(TransactionSafetyError) as info:
        rollback(conn, discover(three_versions), steps=2)
    assert info.value.file == str(three_versions / "2_notes.down.sql") and info.value.line == 1
    assert catalog_snapshot(conn) == before


def test_failing_twin_is_rolled_back_recorded_and_the_version_stays_applied(conn, three_versions: Path, write):
    write("2_notes.down.sql", "DROP TABLE notes;\nDROP TABLE no_such_table;\n")
    files = discover(three_versions)
    with pytest.raises(SqlFileFailed) as info:
        rollback(conn, files, steps=2)
    err = info.value
    assert (err.kind, err.line, err.sqlstate, err.rolled_back) == ("rollback", 2, "42P01", True)
    assert "version is still applied" in err.message
    assert [s.step.script for s in err.result.steps] == ["10_index.down.sql"]
    assert table_exists(conn, "notes")  # the twin's DROP TABLE notes was rolled back
    last = history(conn)[-1]
    assert (last.kind, last.version, last.success) == ("rollback", "2", False)
    st = status(conn, files)
    assert [e.version for e in st.applied] == ["1", "2"]
    assert st.failed == []


def test_rollback_follows_the_order_versions_were_applied_in(conn, write, sql_dir: Path):
    write("1_a.sql", "CREATE TABLE a (x int);")
    write("3_c.sql", "CREATE TABLE c (x int);")
    write("3_c.down.sql", "DROP TABLE c;")
    apply(conn, discover(sql_dir))
    write("2_b.sql", "CREATE TABLE b (x int);")
    write("2_b.down.sql", "DROP TABLE b;")
    apply(conn, discover(sql_dir), out_of_order=True)
    files = discover(sql_dir)
    assert [p.script for p in plan_rollback(conn, files, steps=2)] == ["2_b.down.sql", "3_c.down.sql"]
    result = rollback(conn, files)
    assert [s.step.script for s in result.steps] == ["2_b.down.sql"]
    assert result.latest_version == "3"
    assert not table_exists(conn, "b") and table_exists(conn, "c")
