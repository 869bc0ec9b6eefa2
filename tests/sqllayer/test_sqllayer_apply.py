"""apply(): transactions, ledger rows, refusals, failures and retries, repeatables (real PostgreSQL)."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from sqllayer_support import catalog_snapshot, history_count, table_exists

import nexo
from nexo.db import with_user
from nexo.sqllayer import (
    ChecksumMismatch,
    ConnectionStateError,
    HistoryTableError,
    OutOfOrderError,
    RepairError,
    SqlFileFailed,
    StepEvent,
    TransactionSafetyError,
    UnsupportedStatementError,
    apply,
    discover,
    history,
    plan,
    repair_checksum,
    status,
)

INITIAL = """-- Accounts and a tenant-scoped table
-- nexo:schema-version 1.0.0
CREATE TABLE accounts (id int PRIMARY KEY);
CREATE TABLE notes (id int PRIMARY KEY, account_id int NOT NULL REFERENCES accounts (id));
"""


def _rows(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute(
        "SELECT version, name, kind, script, success, schema_version, transactional FROM migration_history ORDER BY id"
    ).fetchall()


def test_apply_on_an_empty_database(conn, write, sql_dir: Path):
    write("20260123_1800_initial.sql", INITIAL)
    write("20260124_0900_policies.sql", "ALTER TABLE notes ENABLE ROW LEVEL SECURITY;\n")
    write("R__notes_view.sql", "CREATE OR REPLACE VIEW notes_v AS SELECT id FROM notes;\n")
    files = discover(sql_dir)
    events: list[StepEvent] = []
    result = apply(conn, files, on_step=events.append)

    assert result.table_created
    assert [s.step.script for s in result.steps] == [
        "20260123_1800_initial.sql",
        "20260124_0900_policies.sql",
        "R__notes_view.sql",
    ]
    assert [(e.phase, e.index, e.total) for e in events] == [
        ("start", 1, 3),
        ("done", 1, 3),
        ("start", 2, 3),
        ("done", 2, 3),
        ("start", 3, 3),
        ("done", 3, 3),
    ]
    assert table_exists(conn, "notes") and table_exists(conn, "notes_v")
    assert conn.execute("SELECT relrowsecurity FROM pg_class WHERE relname = 'notes'").fetchone() == (True,)
    assert _rows(conn) == [
        ("20260123_1800", "initial", "versioned", "20260123_1800_initial.sql", True, "1.0.0", True),
        ("20260124_0900", "policies", "versioned", "20260124_0900_policies.sql", True, None, True),
        (None, "notes_view", "repeatable", "R__notes_view.sql", True, None, True),
    ]
    rows = history(conn)
    assert [r.checksum for r in rows] == [f.checksum for f in files]
    assert all(r.nexo_version == nexo.__version__ for r in rows)
    current_user = conn.execute("SELECT current_user").fetchone()[0]
    assert all(r.applied_by and r.applied_by.startswith(current_user) for r in rows)
    assert all(r.execution_ms is not None and r.execution_ms >= 0 and r.error is None for r in rows)
    assert result.latest_version == "20260124_0900"
    assert result.latest_schema_version == "1.0.0"
    st = status(conn, files)
    assert st.up_to_date and st.table_exists


def test_second_apply_does_nothing(conn, write, sql_dir: Path):
    write("1_initial.sql", INITIAL)
    write("R__v.sql", "CREATE OR REPLACE VIEW v AS SELECT 1 AS one;")
    files = discover(sql_dir)
    apply(conn, files)
    before = catalog_snapshot(conn)
    again = apply(conn, discover(sql_dir))
    assert again.nothing_to_do and not again.table_created
    assert history_count(conn) == 2
    assert catalog_snapshot(conn) == before


def test_applied_by_can_be_given(conn, write, sql_dir: Path):
    write("1_a.sql", "SELECT 1;")
    apply(conn, discover(sql_dir), applied_by="deploy-bot")
    assert history(conn)[0].applied_by == "deploy-bot"


def test_changed_checksum_is_refused_and_nothing_runs(conn, write, sql_dir: Path):
    write("1_initial.sql", INITIAL)
    apply(conn, discover(sql_dir))
    applied_checksum = discover(sql_dir)[0].checksum
    write("1_initial.sql", INITIAL.replace("id int PRIMARY KEY);", "id bigint PRIMARY KEY);"))
    write("2_more.sql", "CREATE TABLE more (x int);")
    files = discover(sql_dir)
    before = catalog_snapshot(conn)
    with pytest.raises(ChecksumMismatch) as info:
        apply(conn, files)
    err = info.value
    assert err.code == "NEXO_SQL_CHECKSUM"
    assert err.file == str(sql_dir / "1_initial.sql")
    assert applied_checksum in err.message and files[0].checksum in err.message
    for advice in (
        "restore the file",
        "new versioned file",
        "R__<name>.sql",
        "nexo db:migrate:resolve --sql-checksum 1",
    ):
        assert advice in err.message
    assert catalog_snapshot(conn) == before
    assert history_count(conn) == 1
    with pytest.raises(ChecksumMismatch):
        plan(conn, files)
    st = status(conn, files)
    assert [(c.file.script, c.applied_checksum, c.current_checksum) for c in st.changed] == [
        ("1_initial.sql", applied_checksum, files[0].checksum)
    ]


def test_crlf_only_change_is_not_a_change(conn, write, sql_dir: Path):
    write("1_initial.sql", INITIAL)
    apply(conn, discover(sql_dir))
    write("1_initial.sql", INITIAL, crlf=True)
    files = discover(sql_dir)
    assert status(conn, files).changed == []
    assert apply(conn, files).nothing_to_do


FAILING = """-- creates a table, then fails
CREATE TABLE step_one (x int);
INSERT INTO step_one VALUES (1);

INSERT INTO step_one
SELECT x FROM missing_table;
CREATE TABLE step_three (x int);
"""


def test_failure_is_rolled_back_recorded_and_later_files_do_not_run(conn, write, sql_dir: Path):
    write("1_ok.sql", "CREATE TABLE ok (x int);")
    write("2_failing.sql", FAILING)
    write("3_later.sql", "CREATE TABLE later (x int);")
    write("R__view.sql", "CREATE VIEW v AS SELECT 1 AS one;")
    files = discover(sql_dir)
    with pytest.raises(SqlFileFailed) as info:
        apply(conn, files)
    err = info.value
    assert err.code == "NEXO_SQL_FAILED"
    assert err.file == str(sql_dir / "2_failing.sql")
    assert err.line == 6  # PostgreSQL's position points at missing_table
    assert err.sqlstate == "42P01"
    assert err.pg_message == 'relation "missing_table" does not exist'
    assert err.rolled_back is True
    assert "rolled back" in err.message and "SELECT x FROM missing_table" in err.message
    assert "2 file(s) after it did not run" in err.message
    assert [s.step.script for s in err.result.steps] == ["1_ok.sql"]
    # the failed file's own changes are gone, later files never ran
    assert table_exists(conn, "ok")
    for name in ("step_one", "step_three", "later", "v"):
        assert not table_exists(conn, name)
    rows = history(conn)
    assert [(r.script, r.success) for r in rows] == [("1_ok.sql", True), ("2_failing.sql", False)]
    assert rows[1].error is not None and "42P01" in rows[1].error and "line 6" in rows[1].error
    st = status(conn, files)
    assert [f.script for f in st.failed] == ["2_failing.sql"]
    assert [f.script for f in st.pending] == ["2_failing.sql", "3_later.sql"]

    # fix the file: the next apply retries it
    write("2_failing.sql", FAILING.replace("missing_table", "step_one"))
    files = discover(sql_dir)
    steps = plan(conn, files)
    assert [(s.script, s.reason) for s in steps] == [
        ("2_failing.sql", "retry"),
        ("3_later.sql", "pending"),
        ("R__view.sql", "new"),
    ]
    result = apply(conn, files)
    assert [s.step.script for s in result.steps] == ["2_failing.sql", "3_later.sql", "R__view.sql"]
    assert conn.execute("SELECT count(*) FROM step_one").fetchone() == (2,)
    st = status(conn, files)
    assert st.failed == [] and st.up_to_date


def test_failure_without_a_position_points_at_the_statement(conn, write, sql_dir: Path):
    write("1_a.sql", "CREATE TABLE t (x int UNIQUE);\nINSERT INTO t VALUES (1);\n\nINSERT INTO t\n  VALUES (1);\n")
    with pytest.raises(SqlFileFailed) as info:
        apply(conn, discover(sql_dir))
    assert info.value.line == 4
    assert info.value.sqlstate == "23505"
    assert info.value.detail == "Key (x)=(1) already exists."
    assert not table_exists(conn, "t")


def test_failure_inside_a_do_block_points_at_the_line_in_the_block(conn, write, sql_dir: Path):
    write(
        "1_a.sql",
        "CREATE TABLE t (x int);\nDO $$\nBEGIN\n  INSERT INTO t VALUES (1);\n"
        "  RAISE EXCEPTION 'tenant % is not allowed', 7;\nEND\n$$;\n",
    )
    with pytest.raises(SqlFileFailed) as info:
        apply(conn, discover(sql_dir))
    assert info.value.line == 5
    assert info.value.sqlstate == "P0001"
    assert info.value.pg_message == "tenant 7 is not allowed"


def test_no_transaction_file_with_create_index_concurrently(conn, write, sql_dir: Path):
    write("1_table.sql", "CREATE TABLE t (x int);\nINSERT INTO t SELECT generate_series(1, 100);\n")
    write(
        "2_index.sql",
        "-- nexo:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_x ON t (x);\n"
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_x_u ON t (x);\n",
    )
    result = apply(conn, discover(sql_dir))
    assert [(s.step.script, s.step.transactional) for s in result.steps] == [
        ("1_table.sql", True),
        ("2_index.sql", False),
    ]
    assert conn.execute("SELECT count(*) FROM pg_index WHERE indrelid = 't'::regclass AND indisvalid").fetchone() == (
        2,
    )
    assert [r.transactional for r in history(conn)] == [True, False]


def test_no_transaction_failure_says_it_was_not_rolled_back(conn, write, sql_dir: Path):
    write("1_table.sql", "CREATE TABLE t (x int);")
    write(
        "2_index.sql",
        "-- nexo:no-transaction\nCREATE INDEX CONCURRENTLY t_x ON t (x);\nCREATE INDEX CONCURRENTLY t_y ON t (y);\n"
        "CREATE INDEX CONCURRENTLY t_x2 ON t (x);\n",
    )
    with pytest.raises(SqlFileFailed) as info:
        apply(conn, discover(sql_dir))
    err = info.value
    assert err.rolled_back is False and err.line == 3 and err.sqlstate == "42703"
    assert "NOT rolled back" in err.message and "1 of 3 statement(s)" in err.message
    # the first index stayed, the one after the failure never ran
    assert table_exists(conn, "t_x") and not table_exists(conn, "t_x2")
    assert [(r.script, r.success, r.transactional) for r in history(conn)] == [
        ("1_table.sql", True, True),
        ("2_index.sql", False, False),
    ]


def test_concurrently_in_a_transactional_file_is_refused_before_anything_runs(conn, write, sql_dir: Path):
    write("1_table.sql", "CREATE TABLE t (x int);")
    write("2_index.sql", "-- add an index\nCREATE TABLE u (y int);\nCREATE INDEX CONCURRENTLY t_x\n  ON t (x);\n")
    files = discover(sql_dir)
    before = catalog_snapshot(conn)
    for run in (apply, plan):
        with pytest.raises(TransactionSafetyError) as info:
            run(conn, files)
        err = info.value
        assert err.code == "NEXO_SQL_TX"
        assert err.file == str(sql_dir / "2_index.sql") and err.line == 3
        assert "CREATE INDEX CONCURRENTLY t_x" in err.message and "-- nexo:no-transaction" in err.message
    assert catalog_snapshot(conn) == before  # not even 1_table.sql or the ledger


def test_explicit_begin_commit_in_a_transactional_file_is_refused(conn, write, sql_dir: Path):
    write("1_a.sql", "BEGIN;\nCREATE TABLE t (x int);\nCOMMIT;\n")
    before = catalog_snapshot(conn)
    with pytest.raises(TransactionSafetyError, match="controls the transaction itself") as info:
        apply(conn, discover(sql_dir))
    assert info.value.line == 1
    assert catalog_snapshot(conn) == before


def test_no_transaction_file_may_group_statements_itself(conn, write, sql_dir: Path):
    write("1_a.sql", "-- nexo:no-transaction\nBEGIN;\nCREATE TABLE t (x int);\nCOMMIT;\nVACUUM t;\n")
    apply(conn, discover(sql_dir))
    assert table_exists(conn, "t")
    write("2_b.sql", "-- nexo:no-transaction\nBEGIN;\nCREATE TABLE u (x int);\n")
    with pytest.raises(SqlFileFailed, match="did not end it") as info:
        apply(conn, discover(sql_dir))
    assert info.value.rolled_back is False
    assert not table_exists(conn, "u")
    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert [r.success for r in history(conn)] == [True, False]


def test_repeatable_is_reapplied_only_when_it_changes(conn, write, sql_dir: Path):
    write("1_t.sql", "CREATE TABLE t (x int);")
    write("R__f.sql", "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;")
    apply(conn, discover(sql_dir))
    assert apply(conn, discover(sql_dir)).nothing_to_do
    write("R__f.sql", "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$;")
    files = discover(sql_dir)
    st = status(conn, files)
    assert st.changed == [] and [f.script for f in st.repeatable_pending] == ["R__f.sql"]
    steps = plan(conn, files)
    assert [(s.script, s.reason) for s in steps] == [("R__f.sql", "changed")]
    assert steps[0].previous_checksum == history(conn)[1].checksum
    result = apply(conn, files)
    assert [s.step.script for s in result.steps] == ["R__f.sql"]
    assert conn.execute("SELECT f()").fetchone() == (2,)
    assert [(r.kind, r.name) for r in history(conn)] == [
        ("versioned", "t"),
        ("repeatable", "f"),
        ("repeatable", "f"),
    ]


def test_failed_repeatable_is_recorded_and_retried(conn, write, sql_dir: Path):
    write("R__v.sql", "CREATE OR REPLACE VIEW v AS SELECT * FROM nothing_here;")
    files = discover(sql_dir)
    with pytest.raises(SqlFileFailed) as info:
        apply(conn, files)
    assert info.value.kind == "repeatable" and info.value.sqlstate == "42P01"
    st = status(conn, files)
    assert [(f.kind, f.script) for f in st.failed] == [("repeatable", "R__v.sql")]
    assert [f.script for f in st.repeatable_pending] == ["R__v.sql"]
    write("R__v.sql", "CREATE OR REPLACE VIEW v AS SELECT 1 AS one;")
    apply(conn, discover(sql_dir))
    st = status(conn, discover(sql_dir))
    assert st.failed == [] and st.up_to_date


def test_schema_version_is_recorded_and_latest_reported(conn, write, sql_dir: Path):
    write("1_a.sql", "-- nexo:schema-version 1.0.0\nSELECT 1;")
    write("2_b.sql", "SELECT 1;")
    apply(conn, discover(sql_dir))
    st = status(conn, discover(sql_dir))
    assert (st.latest_version, st.latest_schema_version) == ("2", "1.0.0")
    write("3_c.sql", "-- nexo:schema-version 1.1.0\nSELECT 1;")
    result = apply(conn, discover(sql_dir))
    assert result.latest_schema_version == "1.1.0"
    assert [r.schema_version for r in history(conn)] == ["1.0.0", None, "1.1.0"]
    assert [e.schema_version for e in status(conn, discover(sql_dir)).applied] == ["1.0.0", None, "1.1.0"]


def test_out_of_order_file_is_refused_unless_allowed(conn, write, sql_dir: Path):
    write("1_a.sql", "SELECT 1;")
    write("3_c.sql", "SELECT 1;")
    apply(conn, discover(sql_dir))
    write("2_b.sql", "CREATE TABLE b (x int);")
    files = discover(sql_dir)
    assert [f.script for f in status(conn, files).out_of_order] == ["2_b.sql"]
    with pytest.raises(OutOfOrderError) as info:
        apply(conn, files)
    assert "2_b.sql" in info.value.message and "version 3" in info.value.message
    assert not table_exists(conn, "b")
    result = apply(conn, files, out_of_order=True)
    assert [s.step.script for s in result.steps] == ["2_b.sql"]
    assert table_exists(conn, "b")


def test_applied_file_missing_on_disk_is_reported(conn, write, sql_dir: Path):
    write("1_a.sql", "SELECT 1;")
    write("2_b.sql", "SELECT 1;")
    apply(conn, discover(sql_dir))
    (sql_dir / "2_b.sql").unlink()
    write("3_c.sql", "SELECT 1;")
    files = discover(sql_dir)
    st = status(conn, files)
    assert [e.script for e in st.missing_on_disk] == ["2_b.sql"]
    result = apply(conn, files)
    assert [s.step.script for s in result.steps] == ["3_c.sql"]
    assert [e.script for e in result.missing_on_disk] == ["2_b.sql"]


def test_notices_are_returned(conn, write, sql_dir: Path):
    write("1_a.sql", "DO $$ BEGIN RAISE NOTICE 'backfilled % rows', 3; END $$;")
    result = apply(conn, discover(sql_dir))
    assert result.steps[0].notices == ["backfilled 3 rows"]


def test_sql_standard_function_body_applies(conn, write, sql_dir: Path):
    write(
        "1_f.sql",
        "CREATE FUNCTION sign_of(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n"
        "  SELECT CASE WHEN a > 0 THEN 1 WHEN a < 0 THEN -1 ELSE 0 END;\nEND;\nSELECT sign_of(-5);\n",
    )
    apply(conn, discover(sql_dir))
    assert conn.execute("SELECT sign_of(-5), sign_of(9)").fetchone() == (-1, 1)


def test_session_settings_of_a_file_do_not_leak_into_the_next_file_or_the_ledger(conn, write, sql_dir: Path):
    role = f"nexo_t_r_{uuid.uuid4().hex[:10]}"
    conn.execute(f"CREATE ROLE {role} NOLOGIN")
    try:
        search_path = conn.execute("SHOW search_path").fetchone()
        write("1_a.sql", "CREATE SCHEMA other;\nSET search_path = other;\nCREATE TABLE in_other (x int);\n")
        write("2_b.sql", "CREATE TABLE in_default (x int);\n")
        # after SET ROLE the ledger row could not be written as that role (no rights on it)
        write("3_c.sql", f"-- nexo:no-transaction\nSET ROLE {role};\nSELECT 1;\n")
        write("4_d.sql", f"SET ROLE {role};\nSELECT 1;\n")
        write("5_e.sql", "CREATE TABLE owned_by_me (x int);\n")
        apply(conn, discover(sql_dir))
        assert table_exists(conn, "other.in_other") and table_exists(conn, "public.in_default")
        assert not table_exists(conn, "other.migration_history")
        assert conn.execute("SHOW search_path").fetchone() == search_path
        assert conn.execute("SELECT current_user = session_user").fetchone() == (True,)
        owner = conn.execute("SELECT relowner::regrole::text FROM pg_class WHERE relname = 'owned_by_me'").fetchone()
        assert owner == conn.execute("SELECT session_user::text").fetchone()
        assert [r.script for r in history(conn)] == ["1_a.sql", "2_b.sql", "3_c.sql", "4_d.sql", "5_e.sql"]
    finally:
        conn.execute(f"DROP ROLE {role}")


def test_connection_must_be_autocommit_and_idle(db_url, write, sql_dir: Path):
    write("1_a.sql", "CREATE TABLE t (x int);")
    files = discover(sql_dir)
    with psycopg.connect(db_url) as c:
        with pytest.raises(ConnectionStateError, match="autocommit"):
            apply(c, files)
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("BEGIN")
        with pytest.raises(ConnectionStateError, match="inside a transaction"):
            apply(c, files)
        c.execute("ROLLBACK")
        assert not table_exists(c, "t")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("CREATE TABLE t (x int);\n\\set ON_ERROR_STOP on\nSELECT 1;\n", 2, "psql meta-command"),
        ("CREATE TABLE t (x int);\nCOPY t (x) FROM stdin;\n", 2, "COPY ... FROM STDIN"),
    ],
)
def test_psql_only_statements_are_refused_before_anything_runs(conn, write, sql_dir: Path, text, line, message):
    write("1_a.sql", text)
    with pytest.raises(UnsupportedStatementError, match=message) as info:
        apply(conn, discover(sql_dir))
    assert info.value.line == line and info.value.code == "NEXO_SQL_UNSUPPORTED"
    assert not table_exists(conn, "t") and not table_exists(conn, "migration_history")


def test_empty_and_comment_only_files_are_recorded(conn, write, sql_dir: Path):
    write("1_empty.sql", "")
    write("2_comments.sql", "-- nothing to do yet\n/* really */\n")
    result = apply(conn, discover(sql_dir))
    assert [(s.step.script, s.step.statement_count) for s in result.steps] == [
        ("1_empty.sql", 0),
        ("2_comments.sql", 0),
    ]
    assert status(conn, discover(sql_dir)).up_to_date


def test_renaming_a_version_to_an_equal_spelling_keeps_it_applied(conn, write, sql_dir: Path):
    write("1_a.sql", "CREATE TABLE t (x int);")
    apply(conn, discover(sql_dir))
    (sql_dir / "1_a.sql").rename(sql_dir / "1.0_a.sql")
    st = status(conn, discover(sql_dir))
    assert st.pending == [] and st.changed == [] and st.missing_on_disk == []
    assert apply(conn, discover(sql_dir)).nothing_to_do


def test_ledger_created_by_an_older_version_gains_missing_columns(conn, write, sql_dir: Path):
    conn.execute(
        "CREATE TABLE migration_history (id bigserial PRIMARY KEY, version text, name text NOT NULL, "
        "kind text NOT NULL, script text NOT NULL, checksum text NOT NULL, success boolean NOT NULL)"
    )
    write("1_a.sql", "SELECT 1;")
    write("2_b.sql", "-- nexo:schema-version 2.0.0\nSELECT 1;")
    files = discover(sql_dir)
    conn.execute(
        "INSERT INTO migration_history (version, name, kind, script, checksum, success) "
        "VALUES ('1', 'a', 'versioned', '1_a.sql', %s, true)",
        (files[0].checksum,),
    )
    st = status(conn, files)  # readable before the upgrade, without writing
    assert [e.version for e in st.applied] == ["1"] and st.applied[0].schema_version is None
    assert [f.script for f in st.pending] == ["2_b.sql"]
    assert len(conn.execute("SELECT * FROM migration_history").fetchone()) == 7
    result = apply(conn, files)
    assert [s.step.script for s in result.steps] == ["2_b.sql"]
    assert set(result.columns_added) == {
        "schema_version",
        "applied_at",
        "execution_ms",
        "error",
        "applied_by",
        "nexo_version",
        "transactional",
        "objects",
        "statements_done",
        "statements_checksum",
        "backend_pid",
    }
    assert history(conn)[-1].schema_version == "2.0.0"


def test_a_foreign_migration_history_table_is_refused(conn, write, sql_dir: Path):
    conn.execute("CREATE TABLE migration_history (id serial, migration text, applied timestamptz)")
    write("1_a.sql", "CREATE TABLE t (x int);")
    files = discover(sql_dir)
    for run in (status, apply):
        with pytest.raises(HistoryTableError, match="probably belongs to another tool"):
            run(conn, files)
    assert not table_exists(conn, "t")


def test_repair_checksum_after_a_reviewed_edit(conn, write, sql_dir: Path):
    write("1_a.sql", "CREATE TABLE t (x int);\n")
    apply(conn, discover(sql_dir))
    write("1_a.sql", "-- the accounts table\nCREATE TABLE t (x int);\n")
    files = discover(sql_dir)
    with pytest.raises(ChecksumMismatch):
        apply(conn, files)
    repaired = repair_checksum(conn, files, "1")
    assert repaired.recorded and repaired.new_checksum == files[0].checksum
    assert repaired.old_checksum != repaired.new_checksum
    assert status(conn, files).changed == []
    assert apply(conn, files).nothing_to_do
    assert [(r.kind, r.success) for r in history(conn)] == [("versioned", True), ("repair", True)]
    assert repair_checksum(conn, files, "1").recorded is False
    with pytest.raises(RepairError, match="not applied"):
        repair_checksum(conn, files, "7")


def test_a_ledger_the_role_cannot_write_is_reported_and_the_file_rolled_back(conn, db_url, write, sql_dir: Path):
    write("1_a.sql", "SELECT 1;")
    apply(conn, discover(sql_dir))  # the ledger now belongs to the superuser
    role = f"nexo_t_r_{uuid.uuid4().hex[:10]}"
    conn.execute(f"CREATE ROLE {role} LOGIN")
    try:
        conn.execute(f"GRANT CREATE, USAGE ON SCHEMA public TO {role}")
        conn.execute(f"GRANT SELECT ON migration_history TO {role}")
        write("2_b.sql", "CREATE TABLE b (x int);")
        with psycopg.connect(with_user(db_url, role), autocommit=True) as other:
            with pytest.raises(HistoryTableError, match="could not write its row") as info:
                apply(other, discover(sql_dir))
        assert "rolled back with it" in info.value.message
        assert not table_exists(conn, "b")
        assert [r.script for r in history(conn)] == ["1_a.sql"]
    finally:
        conn.execute(f"DROP OWNED BY {role}")
        conn.execute(f"DROP ROLE {role}")


def test_rule_with_several_actions_applies(conn, write, sql_dir: Path):
    write(
        "1_rule.sql",
        "CREATE TABLE t (x int);\nCREATE TABLE log (x int);\n"
        "CREATE RULE t_log AS ON INSERT TO t DO ALSO (\n  INSERT INTO log VALUES (NEW.x);\n"
        "  INSERT INTO log VALUES (NEW.x * 10)\n);\nINSERT INTO t VALUES (4);\n",
    )
    apply(conn, discover(sql_dir))
    assert conn.execute("SELECT array_agg(x ORDER BY x) FROM log").fetchone() == ([4, 40],)
