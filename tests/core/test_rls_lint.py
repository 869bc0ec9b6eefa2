"""The RLS lint and role checks of the version matrix, on purpose-built flawed tables."""

from __future__ import annotations

import uuid

import psycopg

from nexo.rls import inspect_rls

SETUP = """
CREATE TABLE good (id int PRIMARY KEY, account_id uuid NOT NULL);
CREATE INDEX good_account_id_idx ON good (account_id);
ALTER TABLE good ENABLE ROW LEVEL SECURITY;
ALTER TABLE good FORCE ROW LEVEL SECURITY;
CREATE POLICY p ON good USING (account_id = (SELECT NULLIF(current_setting('app.current_account_id', true), '')::uuid));

CREATE TABLE no_rls (id int PRIMARY KEY, account_id uuid NOT NULL);
CREATE INDEX ON no_rls (account_id);

CREATE TABLE not_forced (id int PRIMARY KEY, account_id uuid NOT NULL);
CREATE INDEX ON not_forced (account_id, id);
ALTER TABLE not_forced ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON not_forced USING (account_id IS NOT NULL);

CREATE TABLE no_policy (id int PRIMARY KEY, account_id uuid NOT NULL);
CREATE INDEX ON no_policy (account_id);
ALTER TABLE no_policy ENABLE ROW LEVEL SECURITY;
ALTER TABLE no_policy FORCE ROW LEVEL SECURITY;

CREATE TABLE open_policy (id int PRIMARY KEY, account_id uuid NOT NULL);
CREATE INDEX ON open_policy (account_id);
ALTER TABLE open_policy ENABLE ROW LEVEL SECURITY;
ALTER TABLE open_policy FORCE ROW LEVEL SECURITY;
CREATE POLICY everyone ON open_policy USING (true);

CREATE TABLE no_index (id int PRIMARY KEY, account_id uuid NOT NULL, other int);
CREATE INDEX ON no_index (other, account_id);
ALTER TABLE no_index ENABLE ROW LEVEL SECURITY;
ALTER TABLE no_index FORCE ROW LEVEL SECURITY;
CREATE POLICY p ON no_index USING (account_id = (SELECT NULLIF(current_setting('app.current_account_id', true), '')::uuid));

CREATE TABLE not_a_tenant_table (id int PRIMARY KEY);
"""


def test_lint_finds_each_flaw_once(conn: psycopg.Connection):
    conn.execute(SETUP)
    report = inspect_rls(conn, app_role="nobody_" + uuid.uuid4().hex[:8])
    assert [t.table for t in report.tables] == ["good", "no_index", "no_policy", "no_rls", "not_forced", "open_policy"]
    assert report.tenant_tables == 6
    assert report.protected == 4  # good, no_index, no_policy, open_policy
    assert report.policy_count == 4
    lint = report.lint()
    assert not any(line.startswith("good:") for line in lint)
    assert any(line.startswith("no_rls: row-level security is not enabled") for line in lint)
    assert any(line.startswith("not_forced: row-level security is not forced") for line in lint)
    assert any(line.startswith("no_policy: no policy") for line in lint)
    assert any(line.startswith("open_policy: policy everyone is USING (true)") for line in lint)
    assert any(line.startswith("no_index: no index starts with account_id") for line in lint)
    assert not report.complete


def test_clean_schema_is_complete(conn: psycopg.Connection):
    conn.execute(SETUP.split("CREATE TABLE no_rls")[0])
    report = inspect_rls(conn, app_role="nobody")
    assert report.lint() == [] and report.complete


def test_role_warnings(conn: psycopg.Connection):
    conn.execute(SETUP.split("CREATE TABLE no_rls")[0])
    role = "nexo_lint_" + uuid.uuid4().hex[:8]
    conn.execute(f'CREATE ROLE "{role}" BYPASSRLS')
    try:
        report = inspect_rls(conn, app_role=role)
        warnings = report.role_warnings()
        assert any("superuser" in w and w.startswith("connected as") for w in warnings)  # tests connect as superuser
        assert any(f"application role {role} has BYPASSRLS" in w for w in warnings)
        missing = inspect_rls(conn, app_role="nexo_missing_role_" + uuid.uuid4().hex[:6])
        assert any("does not exist" in w for w in missing.role_warnings())
    finally:
        conn.execute(f'DROP ROLE "{role}"')


def test_owner_without_force_is_flagged(conn: psycopg.Connection):
    role = "nexo_owner_" + uuid.uuid4().hex[:8]
    conn.execute(f'CREATE ROLE "{role}"')
    try:
        conn.execute("CREATE TABLE owned (id int PRIMARY KEY, account_id uuid)")
        conn.execute("CREATE INDEX ON owned (account_id)")
        conn.execute("ALTER TABLE owned ENABLE ROW LEVEL SECURITY")
        conn.execute(f'ALTER TABLE owned OWNER TO "{role}"')
        report = inspect_rls(conn, app_role=role)
        assert any(f"application role {role} owns owned without FORCE" in w for w in report.role_warnings())
    finally:
        conn.execute("DROP TABLE owned")
        conn.execute(f'DROP ROLE "{role}"')
