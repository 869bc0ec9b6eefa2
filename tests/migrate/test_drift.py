"""Drift in the version matrix (``db:version``) and in ``db:migrate:status``: database vs schema.prisma."""

from __future__ import annotations

import json
from pathlib import Path

from devproject import config, execute, run, set_schema

from nexo import matrix, orchestrate


def _migrated(project: Path, db_url: str) -> None:
    assert run(["db:migrate"], project, {"DATABASE_URL": db_url}).returncode == 0


def test_migrated_database_has_no_drift_and_sql_layer_objects_do_not_count(project: Path, db_url: str):
    _migrated(project, db_url)
    m = matrix.collect(config(project, db_url))
    assert m.drift is not None and m.drift.checked and m.drift.in_sync
    assert not [p for p in m.problems() if "drift" in p]
    d = m.to_dict()["drift"]
    assert d == {
        "checked": True,
        "in_sync": True,
        "against": "schema.prisma",
        "differences": [],
        "summary": "",
        "reason": None,
        "error": None,
    }


def test_manual_change_is_drift_in_json_table_markdown_and_check(project: Path, db_url: str):
    _migrated(project, db_url)
    execute(db_url, "ALTER TABLE clients ADD COLUMN extra int", "CREATE TABLE manual_tbl (id int)")
    env = {"DATABASE_URL": db_url}
    v = run(["db:version", "--json"], project, env)
    assert v.returncode == 0, v.stderr
    drift = json.loads(v.stdout)["drift"]
    assert drift["checked"] is True and drift["in_sync"] is False
    assert drift["differences"] == [
        "[+] Added tables",
        "  - manual_tbl",
        "[*] Changed the `clients` table",
        "  [+] Added column `extra`",
    ]
    assert any("drift" in p for p in json.loads(v.stdout)["problems"])
    check = run(["db:version", "--check"], project, env)
    assert check.returncode == 1 and "does not match schema.prisma" in check.stderr and "manual_tbl" in check.stderr
    table = run(["db:version"], project, env)
    assert table.returncode == 0 and "Drift vs schema.prisma" in table.stdout and "manual_tbl" in table.stdout
    md = run(["db:version", "--markdown"], project, env)
    assert md.returncode == 0 and "| Drift vs schema.prisma |" in md.stdout and "manual_tbl" in md.stdout


def test_schema_change_without_migration_is_drift(project: Path, db_url: str):
    _migrated(project, db_url)
    text = (project / "schema.prisma").read_text()
    set_schema(project, text + "\nmodel Note {\n  id   Int    @id\n  body String\n}\n")
    report = orchestrate.drift(config(project, db_url))
    assert report.drifted
    # expected (schema.prisma) -> actual (database): the table the schema wants is missing from the database
    assert report.differences == ["[-] Removed tables", "  - Note"]


def test_status_reports_drift_and_exits_1(project: Path, db_url: str):
    _migrated(project, db_url)
    env = {"DATABASE_URL": db_url}
    ok = run(["db:migrate:status", "--json"], project, env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["drift"]["in_sync"] is True
    execute(db_url, "DROP INDEX users_account_id_idx")
    st = run(["db:migrate:status"], project, env)
    assert st.returncode == 1
    assert "Database schema is up to date!" in st.stdout  # Prisma's own verdict on the history
    assert "Drift detected: the database schema does not match schema.prisma." in st.stdout
    assert "users_account_id_idx" in st.stdout or "(account_id)" in st.stdout
    data = json.loads(run(["db:migrate:status", "--json"], project, env).stdout)
    assert data["up_to_date"] is False and data["drift"]["in_sync"] is False


def test_invalid_schema_is_a_check_problem_and_missing_schema_is_not(project: Path, db_url: str):
    _migrated(project, db_url)
    (project / "schema.prisma").write_text("model {\n")
    m = matrix.collect(config(project, db_url))
    assert m.drift is not None and not m.drift.checked and m.drift.error
    assert any(p.startswith("drift not checked: schema.prisma is invalid") for p in m.problems())
    (project / "schema.prisma").unlink()
    m = matrix.collect(config(project, db_url))
    assert m.drift is not None and not m.drift.checked and m.drift.error is None
    assert not [p for p in m.problems() if "drift" in p]


def test_drift_is_one_introspection(project: Path, db_url: str, monkeypatch):
    import sys

    introspect_module = sys.modules["nexo.schema.introspect"]
    calls: list[int] = []
    real = introspect_module.introspect

    def counting(conn, *, schemas=None, **options):
        calls.append(1)
        return real(conn, schemas=schemas, **options)

    monkeypatch.setattr(introspect_module, "introspect", counting)
    _migrated(project, db_url)
    matrix.collect(config(project, db_url))
    assert len(calls) == 1
