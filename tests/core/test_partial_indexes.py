"""Prisma 7's partial indexes (``partialIndexes`` preview feature, issue 17) against the test server: a Prisma 7
project whose schema has ``where:`` on ``@unique``/``@@unique``/``@@index`` migrates to real partial indexes,
``db:migrate:status`` then reports no drift, a changed predicate recreates the index, and without the preview
feature a hand-written partial index is left alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from nexo.schema.predicate import canonical, same

NEXO = str(Path(sys.executable).parent / "nexo")
SCHEMA = """\
generator client {
  provider        = "prisma-client"
  output          = "../src/generated/prisma"
  previewFeatures = ["partialIndexes"]
}

generator py {
  provider = "prisma-client-py"
  output   = "../app_client"
}

datasource db {
  provider = "postgresql"
}

enum Status {
  ACTIVE
  GONE
}

model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique(map: "User_live_email_key", where: raw("\\"deletedAt\\" IS NULL"))
  handle    String
  isActive  Boolean  @map("is_active")
  status    Status
  score     Int?
  deletedAt DateTime?

  @@unique([handle], where: { isActive: true, status: "ACTIVE" })
  @@index([score], where: { score: { not: null } })
  @@index([handle, score], where: raw("score > 10 AND status <> 'GONE'"))
}
"""
CONFIG = """\
import { defineConfig, env } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: env("APP_DATABASE_URL") },
});
"""


def run(args: list[str], cwd: Path, url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "APP_DATABASE_URL")}
    env.update(APP_DATABASE_URL=url, COLUMNS="200")
    return subprocess.run([NEXO, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=240)


def project(root: Path, schema: str) -> Path:
    (root / "prisma").mkdir(parents=True)
    (root / "prisma" / "schema.prisma").write_text(schema)
    (root / "prisma.config.ts").write_text(CONFIG)
    return root


def partial_indexes(url: str) -> dict[str, str]:
    with psycopg.connect(url) as c:
        rows = c.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'User' AND indexdef LIKE '%WHERE%'"
        )
        return dict(rows.fetchall())


def test_partial_indexes_migrate_without_drift_and_a_changed_predicate_recreates(tmp_path: Path, db_url: str) -> None:
    root = project(tmp_path / "app", SCHEMA)
    v = run(["validate"], root, db_url)
    assert v.returncode == 0, v.stdout + v.stderr
    r = run(["db:migrate:dev", "--name", "init"], root, db_url)
    assert r.returncode == 0, r.stdout + r.stderr
    (sql_file,) = (root / "prisma" / "migrations").glob("*_init/migration.sql")
    sql = sql_file.read_text()
    assert 'CREATE UNIQUE INDEX "User_live_email_key" ON "User"("email") WHERE "deletedAt" IS NULL;' in sql
    assert (
        'CREATE UNIQUE INDEX "User_handle_key" ON "User"("handle") WHERE "is_active" = true AND "status" = \'ACTIVE\';'
        in sql
    )
    assert 'CREATE INDEX "User_score_idx" ON "User"("score") WHERE "score" IS NOT NULL;' in sql
    found = partial_indexes(db_url)
    assert set(found) == {"User_live_email_key", "User_handle_key", "User_score_idx", "User_handle_score_idx"}
    assert "WHERE (is_active = true)" not in found["User_handle_key"]  # both conditions are in the predicate
    assert "status = 'ACTIVE'::\"Status\"" in found["User_handle_key"]

    # PostgreSQL prints every predicate differently from the schema: still no drift, nothing to migrate
    s = run(["db:migrate:status"], root, db_url)
    assert s.returncode == 0, s.stdout + s.stderr
    assert "Drift: none, the database schema matches schema.prisma." in s.stdout, s.stdout
    d = run(
        ["db:migrate:diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--exit-code"],
        root,
        db_url,
    )
    assert d.returncode == 0, d.stdout + d.stderr

    # a changed predicate drops and recreates that index only
    (root / "prisma" / "schema.prisma").write_text(SCHEMA.replace("score > 10", "score > 20"))
    d = run(
        ["db:migrate:diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--script"], root, db_url
    )
    assert d.returncode == 0, d.stdout + d.stderr
    assert d.stdout == (
        '-- DropIndex\nDROP INDEX "User_handle_score_idx";\n\n'
        '-- CreateIndex\nCREATE INDEX "User_handle_score_idx" ON "User"("handle", "score") '
        "WHERE score > 20 AND status <> 'GONE';\n\n"
    ), d.stdout
    r = run(["db:migrate:dev", "--name", "narrower"], root, db_url)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "score > 20" in partial_indexes(db_url)["User_handle_score_idx"]
    d = run(
        ["db:migrate:diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--exit-code"],
        root,
        db_url,
    )
    assert d.returncode == 0, d.stdout + d.stderr

    # a predicate removed: the index becomes a plain one
    (root / "prisma" / "schema.prisma").write_text(
        SCHEMA.replace("score > 10", "score > 20").replace(", where: { score: { not: null } }", "")
    )
    d = run(
        ["db:migrate:diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--script"], root, db_url
    )
    assert d.stdout == (
        '-- DropIndex\nDROP INDEX "User_score_idx";\n\n-- CreateIndex\nCREATE INDEX "User_score_idx" ON "User"("score");\n\n'
    ), d.stdout


def test_without_the_preview_feature_a_hand_written_partial_index_is_left_alone(tmp_path: Path, db_url: str) -> None:
    plain = SCHEMA.replace('\n  previewFeatures = ["partialIndexes"]', "")
    plain = plain.replace('@unique(map: "User_live_email_key", where: raw("\\"deletedAt\\" IS NULL"))', "")
    plain = plain.split("  @@unique")[0] + "}\n"
    root = project(tmp_path / "app", plain)
    r = run(["db:migrate:dev", "--name", "init"], root, db_url)
    assert r.returncode == 0, r.stdout + r.stderr
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute('CREATE UNIQUE INDEX "by_hand" ON "User"("email") WHERE "deletedAt" IS NULL')
    d = run(
        ["db:migrate:diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--exit-code"],
        root,
        db_url,
    )
    assert d.returncode == 0, d.stdout + d.stderr
    s = run(["db:migrate:status"], root, db_url)
    assert s.returncode == 0, s.stdout + s.stderr
    assert "Drift: none, the database schema matches schema.prisma." in s.stdout, s.stdout


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ('"deletedAt" IS NULL', '("deletedAt" IS NULL)'),
        ('"is_active" = true AND "status" = \'ACTIVE\'', "((is_active = true) AND (status = 'ACTIVE'::\"Status\"))"),
        ("status != 'x'", "(status <> 'x'::text)"),
        ("name = 'It''s'", "((name)::text = 'It''s'::text)"),
        ("d > '2020-01-01'", "(d > '2020-01-01 00:00:00'::timestamp without time zone)"),
    ],
)
def test_predicate_spellings(written: str, printed: str) -> None:
    if "2020-01-01 00" in printed:  # PostgreSQL rewrites the literal itself: a different text, read as changed
        assert not same(written, printed)
    else:
        assert same(written, printed), (canonical(written), canonical(printed))
    assert not same(written, None) and same(None, None)
    assert not same("score > 10", "(score > 20)")
    assert not same("a = 'X'", "(a = 'x'::text)")  # string literals keep their case


def test_a_predicate_changed_by_hand_is_drift(tmp_path: Path, db_url: str) -> None:
    root = project(tmp_path / "app", SCHEMA)
    r = run(["db:migrate:dev", "--name", "init"], root, db_url)
    assert r.returncode == 0, r.stdout + r.stderr
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute('DROP INDEX "User_score_idx"')
        c.execute('CREATE INDEX "User_score_idx" ON "User"("score") WHERE "score" > 0')
    s = run(["db:migrate:status"], root, db_url)
    assert "Drift: none" not in s.stdout, s.stdout
    assert "User_score_idx" in s.stdout or "score" in s.stdout, s.stdout


def test_generated_client_keeps_partial_uniques_as_find_unique_selectors(tmp_path: Path, db_url: str) -> None:
    """Prisma 7.10.1's DMMF: a partial unique is no ``isUnique``/``uniqueFields`` of the datamodel, yet
    ``UserWhereUniqueInput`` still offers it (``email``, ``handle``) as a selector; the client does the same."""
    root = project(tmp_path / "app", SCHEMA)
    assert run(["db:migrate:dev", "--name", "init"], root, db_url).returncode == 0
    g = run(["db:generate"], root, db_url)
    assert g.returncode == 0, g.stdout + g.stderr
    script = (
        "import asyncio\nfrom app_client import Prisma\nfrom app_client import types\n\n"
        "async def main():\n    db = Prisma()\n    await db.connect()\n"
        "    await db.user.create(data={'email': 'a@x', 'handle': 'h', 'isActive': True, 'status': 'ACTIVE'})\n"
        "    u = await db.user.find_unique(where={'email': 'a@x'})\n"
        "    v = await db.user.find_unique(where={'handle': 'h'})\n"
        "    print(u.handle, v.email, sorted(t.__forward_arg__ for t in types.UserWhereUniqueInput.__args__))\n"
        "    await db.disconnect()\n\nasyncio.run(main())\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "APP_DATABASE_URL")}
    env.update(APP_DATABASE_URL=db_url, PYTHONPATH=f"{root}:{os.environ.get('PYTHONPATH', '')}")
    c = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True)
    assert c.returncode == 0, c.stderr
    assert c.stdout.startswith("h a@x "), c.stdout
    assert "_UserWhereUnique_email_Input" in c.stdout and "_UserWhereUnique_handle_Input" in c.stdout, c.stdout
    # like Prisma 7's DMMF: no field is unique (email's unique is partial; the only other unique is the id)
    meta = (root / "app_client" / "metadata.py").read_text()
    assert "'is_unique': True" not in meta
