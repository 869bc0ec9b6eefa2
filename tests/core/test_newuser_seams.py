"""Seams a new user finds right after the merges (issues 11, 13, 17), each reproduced the way it was
found: through the console script, in a temporary project, against the test server.

- ``db:migrate:status`` names nexo's commands, not Prisma's (a nexo user may have no Prisma CLI);
- a database with pending or failed Prisma migrations is not reported as drifted from schema.prisma;
- after a failed migration the last line points at ``db:migrate:resolve``, not at ``db:migrate``
  (which refuses), and the JSON hints are the resolving commands, which run;
- an edited migration and an invalid schema make ``db:migrate:status`` not up to date, naming them
  (file and line for the schema), as ``db:version --check`` does;
- the matrix never crops a value on a narrow console (a CI log);
- the embedded server's ``.nexo/`` is git-ignored in a project that never ran ``nexo init``;
- (the generated client's refusal of a ``mysql://`` URL or an unencoded ``@`` is in
  ``tests/client/test_datasource.py``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

NEXO = str(Path(sys.executable).parent / "nexo")
SCHEMA = (
    'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\n'
    "model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n"
)
INIT_SQL = (
    '-- CreateTable\nCREATE TABLE "User" (\n    "id" SERIAL NOT NULL,\n    "email" TEXT NOT NULL,\n\n'
    '    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\n\n'
    '-- CreateIndex\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n'
)


def run(args: list[str], cwd: Path, db_url: str | None = None, columns: int = 200) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if db_url is not None:
        env["DATABASE_URL"] = db_url
    env["COLUMNS"] = str(columns)
    return subprocess.run([NEXO, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=240)


def prisma_project(root: Path) -> Path:
    """Prisma's default layout with one migration, no pyproject.toml."""
    m = root / "prisma" / "migrations" / "20240101000000_init"
    m.mkdir(parents=True)
    (root / "prisma" / "schema.prisma").write_text(SCHEMA)
    (m / "migration.sql").write_text(INIT_SQL)
    (root / "prisma" / "migrations" / "migration_lock.toml").write_text('provider = "postgresql"\n')
    return root


def add_migration(root: Path, name: str, sql: str) -> Path:
    d = root / "prisma" / "migrations" / name
    d.mkdir()
    (d / "migration.sql").write_text(sql)
    return d / "migration.sql"


def test_status_of_pending_migrations_names_nexo_commands_and_reports_no_drift(tmp_path: Path, db_url: str) -> None:
    root = prisma_project(tmp_path / "app")
    r = run(["db:migrate:status"], root, db_url)
    assert r.returncode == 1
    assert "20240101000000_init" in r.stdout
    assert "prisma migrate" not in r.stdout, r.stdout
    assert "run nexo db:migrate:dev." in r.stdout and "run nexo db:migrate." in r.stdout
    # the empty database differs from schema.prisma only because the migration is pending: not drift
    assert "Drift detected" not in r.stdout and "Removed tables" not in r.stdout
    assert "1 Prisma migration not applied yet" in r.stdout
    assert r.stdout.rstrip().endswith("Not up to date: 1 Prisma migration(s) pending: run nexo db:migrate.")
    data = json.loads(run(["db:migrate:status", "--json"], root, db_url).stdout)
    assert data["drift"]["checked"] is False and data["drift"]["error"] is None
    assert data["error"]["hints"] == ["nexo db:migrate"]
    check = json.loads(run(["db:version", "--check", "--json"], root, db_url).stdout)
    assert check["problems"] == ["1 Prisma migration(s) pending: 20240101000000_init"], check["problems"]
    # once applied, the same commands are green
    assert run(["db:migrate"], root, db_url).returncode == 0
    r = run(["db:migrate:status"], root, db_url)
    assert r.returncode == 0 and "Drift: none" in r.stdout, r.stdout
    assert run(["db:version", "--check"], root, db_url).returncode == 0


def test_status_after_a_failed_migration_points_at_resolve_and_the_hint_runs(tmp_path: Path, db_url: str) -> None:
    root = prisma_project(tmp_path / "app")
    add_migration(root, "20240102000000_bad", 'ALTER TABLE "User" ADD COLUMN "name" TEXT;\nSELECT nope;\n')
    r = run(["db:migrate"], root, db_url)
    assert r.returncode == 1 and "P3018" in r.stderr
    r = run(["db:migrate:status"], root, db_url)
    assert r.returncode == 1
    assert "prisma migrate" not in r.stdout, r.stdout
    assert 'nexo db:migrate:resolve --rolled-back "20240102000000_bad"' in r.stdout
    assert "run nexo db:migrate." not in r.stdout and "Drift detected" not in r.stdout
    last = r.stdout.rstrip().splitlines()[-1]
    assert last.startswith("Not up to date: Prisma migration 20240102000000_bad failed") and "resolve" in last
    data = json.loads(run(["db:migrate:status", "--json"], root, db_url).stdout)
    assert data["error"]["hints"] == ['nexo db:migrate:resolve --rolled-back "20240102000000_bad"']
    # the hint runs; after fixing the file, db:migrate applies it and everything is green
    resolved = run(["db:migrate:resolve", "--rolled-back", "20240102000000_bad"], root, db_url)
    assert resolved.returncode == 0, resolved.stdout + resolved.stderr
    (root / "prisma" / "migrations" / "20240102000000_bad" / "migration.sql").write_text(
        'ALTER TABLE "User" ADD COLUMN "name" TEXT;\n'
    )
    (root / "prisma" / "schema.prisma").write_text(
        SCHEMA.replace("String @unique\n", "String @unique\n  name String?\n")
    )
    assert run(["db:migrate"], root, db_url).returncode == 0
    assert run(["db:migrate:status"], root, db_url).returncode == 0


def test_status_names_an_edited_migration_and_an_invalid_schema(tmp_path: Path, db_url: str) -> None:
    root = prisma_project(tmp_path / "app")
    assert run(["db:migrate"], root, db_url).returncode == 0
    script = root / "prisma" / "migrations" / "20240101000000_init" / "migration.sql"
    script.write_text(INIT_SQL + "-- edited after it was applied\n")
    r = run(["db:migrate:status"], root, db_url)
    assert r.returncode == 1
    assert "edited after they were applied: 20240101000000_init" in r.stdout, r.stdout
    script.write_text(INIT_SQL)
    assert run(["db:migrate:status"], root, db_url).returncode == 0
    (root / "prisma" / "schema.prisma").write_text(SCHEMA.replace("email String", "email Strin"))
    r = run(["db:migrate:status"], root, db_url)
    assert r.returncode == 1, r.stdout
    assert "Everything is up to date" not in r.stdout
    where = f"{root.resolve() / 'prisma' / 'schema.prisma'}:8:9"
    assert f'drift could not be checked: schema.prisma is invalid: {where}: Type "Strin"' in r.stdout, r.stdout
    check = json.loads(run(["db:version", "--check", "--json"], root, db_url).stdout)
    assert any(p.startswith(f"drift not checked: schema.prisma is invalid: {where}") for p in check["problems"])


def test_the_matrix_never_crops_a_value_on_a_narrow_console(project: Path, db_url: str) -> None:
    assert run(["db:migrate"], project, db_url).returncode == 0
    name = max(p.name for p in (project / "prisma_migrations").iterdir() if p.is_dir())  # the latest, shown
    assert len(name) > 24  # longer than the Value column of an 80-column table
    r = run(["db:version"], project, db_url, columns=80)
    assert r.returncode == 0
    assert "…" not in r.stdout, r.stdout
    cells = [line.split("│")[2].strip() for line in r.stdout.splitlines() if line.count("│") == 5]
    assert name in "".join(cells[:3]), cells[:3]


def test_the_embedded_servers_folder_is_git_ignored_in_a_prisma_project(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = prisma_project(tmp_path / "app")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    try:
        up = run(["db:up"], root)
        assert up.returncode == 0, up.stdout + up.stderr
        assert "XDG_RUNTIME_DIR" not in up.stderr
        url = up.stdout.strip()
        with psycopg.connect(url) as c:
            assert c.execute("SELECT 1").fetchone() == (1,)
        st = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True)
        assert ".nexo" not in st.stdout and "prisma/" in st.stdout
    finally:
        down = run(["db:down"], root)
    assert down.returncode == 0 and "XDG_RUNTIME_DIR" not in down.stderr, down.stderr


def test_outside_a_project_the_files_lines_say_where_nexo_looked(tmp_path: Path) -> None:
    r = run(["db:migrate"], tmp_path)
    assert r.returncode == 1
    assert "(not found))" not in r.stderr
    assert "Schema: none found (looked for prisma/schema.prisma, prisma/schema, schema.prisma)" in r.stderr, r.stderr
    assert "nexo init" in r.stderr
    assert run(["init"], tmp_path).returncode == 0  # the command the message names
    r = run(["validate"], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def test_check_help_names_drift(tmp_path: Path) -> None:
    r = run(["db:version", "--help"], tmp_path)
    assert r.returncode == 0 and "drifted from the schema" in r.stdout


TASK = '\nmodel Task {\n  id        Int    @id @default(autoincrement())\n  accountId String @map("account_id") @db.Uuid\n  name      String\n%s\n  @@map("tasks")\n}\n'


def test_a_tenant_table_without_index_fails_the_check_with_a_fix_that_works(tmp_path: Path, db_url: str) -> None:
    """nexo init, a new tenant model, db:migrate:dev, rls:scaffold, db:migrate: the check names the missing
    index and how to add it; doing that makes it pass."""
    assert run(["init"], tmp_path).returncode == 0
    schema = tmp_path / "schema.prisma"
    base = schema.read_text()
    schema.write_text(base + TASK % "")
    for args in (["db:migrate:dev", "--name", "tasks", "--skip-generate"], ["rls:scaffold"], ["db:migrate"]):
        r = run(args, tmp_path, db_url)
        assert r.returncode == 0, r.stdout + r.stderr
    check = json.loads(run(["db:version", "--check", "--json"], tmp_path, db_url).stdout)
    problem = next(p for p in check["problems"] if "no index starts with account_id" in p)
    assert "@@index" in problem and "nexo db:migrate:dev" in problem
    schema.write_text(base + TASK % "\n  @@index([accountId])")
    r = run(["db:migrate:dev", "--name", "tasks_index", "--skip-generate"], tmp_path, db_url)
    assert r.returncode == 0, r.stdout + r.stderr
    r = run(["db:version", "--check"], tmp_path, db_url)
    assert r.returncode == 0, r.stdout + r.stderr


P7_SCHEMA = (
    'generator client {\n  provider = "prisma-client-py"\n}\n\n'
    'datasource db {\n  provider = "postgresql"\n}\n\n'
    "model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n"
)
P7_CONFIG = """\
import "dotenv/config";
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: %s },
});
"""
CLIENT_SCRIPT = """\
import asyncio
from prisma import Prisma

async def main():
    db = Prisma()
    await db.connect()
    await db.user.create(data={"email": "a@example.com"})
    print("users:", await db.user.count())
    await db.disconnect()

asyncio.run(main())
"""


@pytest.mark.parametrize("url_expression", ["process.env.DATABASE_URL!", 'process.env.DATABASE_URL ?? ""'])
def test_prisma7_project_url_from_process_env_reaches_cli_and_client(
    tmp_path: Path, db_url: str, url_expression: str
) -> None:
    """`process.env.DATABASE_URL!` (TypeScript's non-null assertion) names the variable; an expression nexo cannot
    read leaves DATABASE_URL, for the CLI and the generated client's Prisma() alike, with the URL in .env."""
    root = prisma_project(tmp_path / "app")
    (root / "prisma" / "schema.prisma").write_text(P7_SCHEMA)
    (root / "prisma.config.ts").write_text(P7_CONFIG % url_expression)
    (root / ".env").write_text(f'DATABASE_URL="{db_url}"\n')
    r = run(["db:migrate"], root)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "(DATABASE_URL from .env)" in r.stderr
    assert run(["db:version", "--check"], root).returncode == 0
    assert run(["db:generate"], root).returncode == 0
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    p = subprocess.run(
        [sys.executable, "-c", CLIENT_SCRIPT], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.strip() == "users: 1"
    with psycopg.connect(db_url) as c:
        assert c.execute('SELECT email FROM "User"').fetchall() == [("a@example.com",)]


def test_a_lock_file_of_another_provider_says_how_to_fix_it_with_nexo(tmp_path: Path, db_url: str) -> None:
    root = prisma_project(tmp_path / "app")
    lock = root / "prisma" / "migrations" / "migration_lock.toml"
    lock.write_text('provider = "mysql"\n')
    r = run(["db:migrate"], root, db_url)
    assert r.returncode == 1 and "P3019" in r.stderr
    assert 'set provider = "postgresql" in migration_lock.toml' in r.stderr, r.stderr
    st = run(["db:migrate:status"], root, db_url)
    last = st.stdout.rstrip().splitlines()[-1]
    assert st.returncode == 1 and last.startswith("Not up to date: the migrations folder cannot be used (P3019)")
    assert "run nexo db:migrate" not in st.stdout  # it would refuse: the lock file comes first
    lock.write_text('provider = "postgresql"\n')  # what the message says
    assert run(["db:migrate"], root, db_url).returncode == 0


def test_the_matrix_claims_nothing_about_the_app_role_without_tenant_tables(tmp_path: Path, db_url: str) -> None:
    root = prisma_project(tmp_path / "app")
    assert run(["db:migrate"], root, db_url).returncode == 0
    r = run(["db:version"], root, db_url)
    assert r.returncode == 0
    row = next(line for line in r.stdout.splitlines() if "Application role" in line)
    assert "no tenant tables to check" in row and "complete" not in row, row
    assert run(["db:version", "--check"], root, db_url).returncode == 0


def test_db_migrate_warns_about_an_applied_migration_edited_since(tmp_path: Path, db_url: str) -> None:
    """The edit is not run again (as Prisma), but db:migrate no longer reports success in silence while
    db:version --check fails on it."""
    root = prisma_project(tmp_path / "app")
    assert run(["db:migrate"], root, db_url).returncode == 0
    script = root / "prisma" / "migrations" / "20240101000000_init" / "migration.sql"
    script.write_text(INIT_SQL + '\nALTER TABLE "User" ADD COLUMN "x" INT;\n')
    for command in (["db:migrate"], ["db:migrate:deploy"]):
        r = run(command, root, db_url)
        assert r.returncode == 0
        assert "warning: 20240101000000_init/migration.sql was edited after it was applied" in r.stdout, r.stdout
        data = json.loads(run([*command, "--json"], root, db_url).stdout)
        assert data["prisma"]["edited"] == ["20240101000000_init"]
    with psycopg.connect(db_url) as c:  # not run again
        assert c.execute("SELECT count(*) FROM information_schema.columns WHERE column_name = 'x'").fetchone() == (0,)
    assert run(["db:version", "--check"], root, db_url).returncode == 1
    script.write_text(INIT_SQL)
    r = run(["db:migrate"], root, db_url)
    assert "warning" not in r.stdout and run(["db:version", "--check"], root, db_url).returncode == 0


def test_status_after_a_failed_sql_file_says_fix_and_rerun(tmp_path: Path, db_url: str) -> None:
    assert run(["init"], tmp_path).returncode == 0
    bad = tmp_path / "sql" / "20990201_0000_bad.sql"
    bad.write_text("CREATE TABLE qa_t (id int);\nSELECT * FROM nope_table;\n")
    r = run(["db:migrate"], tmp_path, db_url)
    assert r.returncode == 1 and "failed at line 2" in r.stderr
    with psycopg.connect(db_url) as c:  # the database is as it was before the file
        assert c.execute("SELECT to_regclass('qa_t')").fetchone() == (None,)
    st = run(["db:migrate:status"], tmp_path, db_url)
    last = st.stdout.rstrip().splitlines()[-1]
    assert st.returncode == 1
    assert last == (
        "Not up to date: SQL-layer file(s) failed: 20990201_0000_bad.sql (fix the file: nexo db:migrate runs it "
        "again, in a new transaction)."
    ), st.stdout
    bad.write_text("CREATE TABLE qa_t (id int);\n")
    assert run(["db:migrate"], tmp_path, db_url).returncode == 0
    assert run(["db:migrate:status"], tmp_path, db_url).returncode == 0


def test_multi_file_schema_folder_client_imports_from_the_project_folder(tmp_path: Path, db_url: str) -> None:
    """prisma/schema/*.prisma: the client package is prisma/ (not prisma/schema/prisma/, which left
    `from prisma import Prisma` failing from the project folder), with no schema copy at prisma/schema.prisma."""
    root = tmp_path / "app"
    folder = root / "prisma" / "schema"
    m = folder / "migrations" / "20240101000000_init"
    m.mkdir(parents=True)
    (m / "migration.sql").write_text(INIT_SQL)
    (folder / "migrations" / "migration_lock.toml").write_text('provider = "postgresql"\n')
    (folder / "main.prisma").write_text(
        'generator client {\n  provider = "prisma-client-py"\n}\n\n' + SCHEMA.split("model")[0]
    )
    (folder / "user.prisma").write_text("model" + SCHEMA.split("model", 1)[1])
    assert run(["db:migrate"], root, db_url).returncode == 0
    g = run(["db:generate"], root)
    assert g.returncode == 0, g.stdout + g.stderr
    assert (root / "prisma" / "client.py").is_file() and not (root / "prisma" / "schema.prisma").exists()
    assert "Schema: prisma/schema (default location)" in run(["db:migrate:status"], root, db_url).stderr
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DATABASE_URL"] = db_url
    p = subprocess.run(
        [sys.executable, "-c", CLIENT_SCRIPT], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.strip() == "users: 1"
