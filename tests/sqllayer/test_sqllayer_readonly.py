"""status() and plan() (the dry run) read and never write: every catalog stays as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqllayer_support import catalog_snapshot, history_count, table_exists

from nexo.sqllayer import SqlFileFailed, apply, discover, history, plan, plan_rollback, status

RLS = """-- nexo:schema-version 1.0.0
CREATE SCHEMA app;
CREATE TABLE app.accounts (id uuid PRIMARY KEY);
CREATE TABLE app.clients (id uuid PRIMARY KEY, account_id uuid NOT NULL REFERENCES app.accounts (id));
CREATE INDEX clients_account_id_idx ON app.clients (account_id);
ALTER TABLE app.clients ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.clients FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON app.clients
  USING (account_id = (SELECT NULLIF(current_setting('app.current_account_id', true), '')::uuid))
  WITH CHECK (account_id = (SELECT NULLIF(current_setting('app.current_account_id', true), '')::uuid));
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RETURN NEW;
END $$;
CREATE TRIGGER clients_touch BEFORE UPDATE ON app.clients FOR EACH ROW EXECUTE FUNCTION app.touch();
"""


def _layer(write) -> None:
    write("20260123_1800_initial_rls_setup.sql", RLS)
    write("20260123_1800_initial_rls_setup.down.sql", "DROP SCHEMA app CASCADE;\n")
    write("20260124_1000_notes.sql", "CREATE TABLE app.notes (id int);\n")
    write("20260124_1000_notes.down.sql", "DROP TABLE app.notes;\n")
    write("R__views.sql", "CREATE OR REPLACE VIEW app.client_ids AS SELECT id FROM app.clients;\n")


def test_status_and_plan_on_an_empty_database_create_nothing(conn, write, sql_dir: Path):
    _layer(write)
    files = discover(sql_dir)
    before = catalog_snapshot(conn)
    st = status(conn, files)
    steps = plan(conn, files)
    assert catalog_snapshot(conn) == before
    assert not table_exists(conn, "migration_history")
    assert history(conn) == []
    assert st.table_exists is False and st.applied == [] and st.latest_version is None
    assert [f.script for f in st.pending] == [f.script for f in files if f.kind == "versioned"]
    assert [f.script for f in st.repeatable_pending] == ["R__views.sql"]
    assert [(s.kind, s.script, s.checksum, s.reason) for s in steps] == [
        ("versioned", "20260123_1800_initial_rls_setup.sql", files[0].checksum, "pending"),
        ("versioned", "20260124_1000_notes.sql", files[1].checksum, "pending"),
        ("repeatable", "R__views.sql", files[2].checksum, "new"),
    ]
    assert steps[0].statement_count == 9 and steps[0].schema_version == "1.0.0"
    assert steps[0].transactional


def test_plan_lists_exactly_what_apply_then_runs(conn, write, sql_dir: Path):
    _layer(write)
    files = discover(sql_dir)
    steps = plan(conn, files)
    result = apply(conn, files)
    assert [(s.script, s.checksum) for s in steps] == [(r.step.script, r.step.checksum) for r in result.steps]
    assert [(r.script, r.checksum) for r in history(conn)] == [(s.script, s.checksum) for s in steps]


def test_dry_run_on_a_partly_migrated_database_changes_no_catalog(conn, write, sql_dir: Path):
    write("20260123_1800_initial_rls_setup.sql", RLS)
    apply(conn, discover(sql_dir))
    _layer(write)
    write("R__views.sql", "CREATE OR REPLACE VIEW app.client_ids AS SELECT id, account_id FROM app.clients;\n")
    files = discover(sql_dir)
    before = catalog_snapshot(conn)
    rows_before = [r.id for r in history(conn)]
    st = status(conn, files)
    steps = plan(conn, files)
    rollback_steps = plan_rollback(conn, files, steps=1)
    assert catalog_snapshot(conn) == before
    assert [r.id for r in history(conn)] == rows_before
    assert [s.script for s in steps] == ["20260124_1000_notes.sql", "R__views.sql"]
    assert [s.script for s in rollback_steps] == ["20260123_1800_initial_rls_setup.down.sql"]
    assert table_exists(conn, "app.clients") and not table_exists(conn, "app.notes")
    assert (st.latest_version, st.latest_schema_version) == ("20260123_1800", "1.0.0")
    assert [e.script for e in st.applied] == ["20260123_1800_initial_rls_setup.sql"]


def test_status_reports_failed_changed_and_counts_without_writing(conn, write, sql_dir: Path):
    write("1_a.sql", "CREATE TABLE a (x int);")
    write("2_b.sql", "CREATE TABLE b (x int REFERENCES nope);")
    with pytest.raises(SqlFileFailed):
        apply(conn, discover(sql_dir))
    write("1_a.sql", "CREATE TABLE a (x bigint);")
    files = discover(sql_dir)
    rows = history_count(conn)
    before = catalog_snapshot(conn)
    st = status(conn, files)
    assert catalog_snapshot(conn) == before and history_count(conn) == rows
    assert [c.file.script for c in st.changed] == ["1_a.sql"]
    assert [(f.script, f.kind) for f in st.failed] == [("2_b.sql", "versioned")]
    assert st.failed[0].error is not None and "42P01" in st.failed[0].error
    assert [f.script for f in st.pending] == ["2_b.sql"]
    assert not st.up_to_date


def test_results_serialise_to_json_with_stable_keys(conn, write, sql_dir: Path):
    _layer(write)
    files = discover(sql_dir)
    planned = [s.to_dict() for s in plan(conn, files)]
    result = apply(conn, files).to_dict()
    st = status(conn, files).to_dict()
    rows = [r.to_dict() for r in history(conn)]
    json.loads(json.dumps({"plan": planned, "result": result, "status": st, "history": rows}))
    assert set(planned[0]) == {
        "kind",
        "version",
        "name",
        "script",
        "path",
        "checksum",
        "transactional",
        "schema_version",
        "reason",
        "statement_count",
        "previous_checksum",
        "description",
        "warnings",
    }
    assert [s["script"] for s in result["steps"]] == [p["script"] for p in planned]
    assert {"execution_ms", "history_id", "notices"} <= set(result["steps"][0])
    assert set(st) == {
        "table_exists",
        "schema",
        "latest_version",
        "latest_schema_version",
        "up_to_date",
        "applied",
        "pending",
        "failed",
        "changed",
        "missing_on_disk",
        "out_of_order",
        "repeatable_pending",
        "repeatable_applied",
    }
    assert st["latest_schema_version"] == "1.0.0" and st["up_to_date"] is True
    assert st["applied"][0]["applied_at"] == rows[0]["applied_at"]
    assert set(rows[0]) == {
        "id",
        "version",
        "name",
        "kind",
        "script",
        "checksum",
        "schema_version",
        "applied_at",
        "execution_ms",
        "success",
        "error",
        "applied_by",
        "nexo_version",
        "transactional",
        "objects",
        "statements_done",
        "statements_checksum",
        "backend_pid",
    }
