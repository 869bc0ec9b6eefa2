"""``db:migrate:dev`` prints the schema's warnings (issue 12, cause 8).

Prisma 6.19's ``migrate dev`` validates the schema but prints no lint warning (its CLI prints the
"Prisma schema warning(s):" block only in ``validate`` and ``format``); nexo prints the block
``nexo validate`` prints (Prisma's wording, then nexo's own warnings), on stderr right after the database
line, and lists the same warnings under ``schema_warnings`` with ``--json``.
"""

from __future__ import annotations

import json
from pathlib import Path

from devproject import DATASOURCE, run, write_project

from nexo.psl import validate_source

SCHEMA = (
    DATASOURCE
    + "\nmodel Owner {\n  id   Int   @id\n  pets Pet[]\n}\n\n"
    + "model Pet {\n  id      Int    @id\n"
    + "  owner   Owner? @relation(fields: [ownerId], references: [id], onDelete: SetNull)\n"
    + "  ownerId Int\n}\n\n"
    + "model Doc {\n  id   Int  @id\n  body Json @db.Json\n}\n"
)


def test_migrate_dev_prints_the_schema_warnings(tmp_path: Path, db_url: str) -> None:
    expected = validate_source(SCHEMA).render_warnings()
    assert expected.startswith("Prisma schema warning:\n- The `onDelete` referential action of a relation")
    proj = write_project(tmp_path / "p", SCHEMA)
    r = run(["db:migrate:dev", "--name", "init"], proj, {"DATABASE_URL": db_url})
    assert r.returncode == 0, r.stderr
    assert expected.rstrip("\n") in r.stderr
    assert r.stderr.index("Database:") < r.stderr.index("Prisma schema warning:")
    assert "warning" not in r.stdout.lower()


def test_migrate_dev_json_lists_the_schema_warnings(tmp_path: Path, db_url: str) -> None:
    result = validate_source(SCHEMA)
    proj = write_project(tmp_path / "p", SCHEMA)
    r = run(["db:migrate:dev", "--name", "init", "--json"], proj, {"DATABASE_URL": db_url})
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert [w["message"] for w in data["schema_warnings"]] == [w.message for w in result.warnings]
    assert len(data["schema_warnings"]) == 1  # SetNull on a required field (a @db.Json column has no index)
    assert data["schema_warnings"][0]["severity"] == "warning"
    assert "Prisma schema warning" not in r.stderr


def test_migrate_dev_without_warnings_prints_no_block(tmp_path: Path, db_url: str) -> None:
    proj = write_project(tmp_path / "p", DATASOURCE + "\nmodel A {\n  id Int @id\n}\n")
    r = run(["db:migrate:dev", "--name", "init"], proj, {"DATABASE_URL": db_url})
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr.lower()
    assert json.loads(run(["db:migrate:dev", "--json"], proj, {"DATABASE_URL": db_url}).stdout)["schema_warnings"] == []
