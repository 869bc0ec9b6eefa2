"""On the real cluster: ``db:version`` shows Citus, and what the readiness lint refuses Citus refuses
(and the ready form distributes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from nexo.citus import distribution_order, distribution_statement, plan_schema, readiness, split_foreign_keys
from nexo.config import load_config
from nexo.psl import validate_path
from nexo.schema import relational_model, render_create_script

from .projects import READY_SCHEMA, write_project

pytestmark = pytest.mark.citus


def build(url: str, root: Path) -> list[str]:
    """Create the project's tables the way a migration on Citus must: tables and indexes, distribution,
    then foreign keys; then the SQL layer. Returns the errors Citus raised (each step on its own)."""
    config = load_config(root)
    assert config.citus is not None
    schema = validate_path(config.schema).raise_for_errors()
    rest, fks = split_foreign_keys(render_create_script(relational_model(schema)))
    steps = rest + [
        distribution_statement(p) for p in distribution_order(list(plan_schema(schema, config.citus).values()))
    ]
    errors: list[str] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$")
        sql_layer = (root / "sql" / "20260101_0000_rls.sql").read_text()
        # the SQL layer's triggers exist before distribution (as after db:migrate on a single server)
        triggers = [s for s in sql_layer.split(";") if "CREATE TRIGGER" in s]
        for step in rest:
            conn.execute(step)
        for t in triggers:
            conn.execute(t)
        for step in steps[len(rest) :] + fks:
            try:
                conn.execute(step)
            except psycopg.Error as exc:
                errors.append(str(exc).replace("\n", " "))
        rest_of_layer = [s for s in sql_layer.split(";") if s.strip() and "CREATE TRIGGER" not in s]
        for s in rest_of_layer:
            try:
                conn.execute(s)
            except psycopg.Error as exc:
                errors.append(str(exc).replace("\n", " "))
    return errors


def test_ready_project_distributes_and_db_version_shows_it(citus_db: str, tmp_path: Path) -> None:
    root = write_project(tmp_path)
    assert readiness(load_config(root)) == []
    assert build(citus_db, root) == []
    done = subprocess.run(
        [sys.executable, "-m", "nexo.cli", "db:version", "--json", "--database-url", citus_db],
        cwd=root,
        capture_output=True,
        text=True,
    )
    data = json.loads(done.stdout)
    citus = data["citus"]
    assert citus["version"].startswith("13.2"), citus
    assert citus["workers"] == 2 and len(citus["nodes"]) == 3
    assert citus["configured"] is True and citus["findings"] == []
    tables = {t["table"]: t for t in citus["tables"]}
    assert tables["currencies"]["kind"] == "reference" and tables["currencies"]["shard_count"] is None
    assert tables["accounts"]["kind"] == "distributed" and tables["accounts"]["column"] == "id"
    for name in ("contacts", "notes"):
        assert tables[name]["kind"] == "distributed" and tables[name]["column"] == "account_id"
        assert tables[name]["colocation_id"] == tables["accounts"]["colocation_id"]
        assert tables[name]["shard_count"] == 8  # the cluster's citus.shard_count
    text = subprocess.run(
        [sys.executable, "-m", "nexo.cli", "db:version", "--database-url", citus_db],
        cwd=root,
        capture_output=True,
        text=True,
        env={"COLUMNS": "250", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert "Citus" in text.stdout and citus["version"] in text.stdout, text.stdout + text.stderr
    assert "contacts: distributed by account_id" in text.stdout


@pytest.mark.parametrize(
    ("old", "new", "code", "error"),
    [
        (
            '  @@id([accountId, id])\n  @@map("notes")',
            '  @@id([id])\n  @@map("notes")',
            "citus-primary-key",
            "cannot create constraint on",
        ),
        (
            "onDelete: Cascade, onUpdate: NoAction)\n  contact",
            "onDelete: Cascade)\n  contact",
            "citus-fk-action",
            "not supported in ON UPDATE operation when distribution key included",
        ),
        (
            "fields: [accountId, contactId], references: [accountId, id]",
            "fields: [contactId], references: [id]",
            "citus-foreign-key",
            "",
        ),
    ],
)
def test_what_the_lint_refuses_the_cluster_refuses(
    citus_db: str, tmp_path: Path, old: str, new: str, code: str, error: str
) -> None:
    schema = READY_SCHEMA.replace(old, new)
    assert schema != READY_SCHEMA
    if code == "citus-foreign-key":  # the referenced key must be unique on its own for a single-column FK
        schema = schema.replace(
            '  @@unique([accountId, email])\n  @@map("contacts")',
            '  @@unique([accountId, email])\n  @@unique([id])\n  @@map("contacts")',
        )
    root = write_project(tmp_path, schema)
    codes = {f.code for f in readiness(load_config(root))}
    assert code in codes
    errors = build(citus_db, root)
    assert errors, f"Citus accepted what the lint reports as {code}"
    assert any(error in e for e in errors), errors


def test_triggers_are_refused_and_reported(citus_db: str, tmp_path: Path) -> None:
    sql = 'CREATE TRIGGER "touch" BEFORE UPDATE ON "contacts" FOR EACH ROW EXECUTE FUNCTION "touch"();\n'
    root = write_project(tmp_path, sql=sql)
    assert [f.code for f in readiness(load_config(root))] == ["citus-trigger"]
    errors = build(citus_db, root)
    assert any("because it has triggers" in e for e in errors), errors


def test_sublink_policy_is_refused_and_reported(citus_db: str, tmp_path: Path) -> None:
    sql = (
        'ALTER TABLE "notes" ENABLE ROW LEVEL SECURITY;\n'
        'CREATE POLICY "p" ON "notes" USING ("account_id" = '
        "(SELECT NULLIF(current_setting('app.current_account_id', true), '')::uuid));\n"
    )
    root = write_project(tmp_path, sql=sql)
    assert [f.code for f in readiness(load_config(root))] == ["citus-policy-sublink"]
    errors = build(citus_db, root)
    assert any("unexpected non-SELECT command in SubLink" in e for e in errors), errors


def test_db_version_without_citus(fresh_db: str, tmp_path: Path) -> None:
    root = write_project(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "nexo.cli", "db:version", "--json", "--database-url", fresh_db],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert json.loads(done.stdout)["citus"] is None
