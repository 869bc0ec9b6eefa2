"""Adopting nexo: Prisma layouts in reports, a missing migrations folder, projects without tenant tables,
``nexo init``, ``nexo init --from-prisma``, ``nexo rls:scaffold`` and ``db:migrate:dev``'s policy hint.
All through the console script, against the test server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import psycopg
import pytest

from nexo.db.urls import with_user

NEXO = str(Path(sys.executable).parent / "nexo")
DATASOURCE = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'
USER_MODEL = "model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n"
USER_SQL = (
    '-- CreateTable\nCREATE TABLE "User" (\n    "id" SERIAL NOT NULL,\n    "email" TEXT NOT NULL,\n\n'
    '    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\n\n'
    '-- CreateIndex\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n'
)


def run(args: list[str], cwd: Path, db_url: str | None = None, timeout: int = 240) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if db_url is not None:
        env["DATABASE_URL"] = db_url
    env["COLUMNS"] = "200"
    return subprocess.run([NEXO, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def prisma_project(root: Path, *, migrations: bool = True) -> Path:
    """A Prisma project in the default layout, no pyproject.toml."""
    (root / "prisma").mkdir(parents=True)
    (root / "prisma" / "schema.prisma").write_text(DATASOURCE + "\n" + USER_MODEL)
    if migrations:
        m = root / "prisma" / "migrations" / "20240101000000_init"
        m.mkdir(parents=True)
        (m / "migration.sql").write_text(USER_SQL)
        (root / "prisma" / "migrations" / "migration_lock.toml").write_text('provider = "postgresql"\n')
    (root / "package.json").write_text('{"name": "app", "devDependencies": {"prisma": "6.19.0"}}\n')
    return root


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as c:
        return {r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


# --- section 1: layouts ---------------------------------------------------------------------------


def test_prisma_default_layout_is_migrated_and_reports_say_which_files(tmp_path: Path, db_url: str) -> None:
    root = prisma_project(tmp_path / "app")
    r = run(["db:migrate"], root, db_url)
    assert r.returncode == 0, r.stderr
    assert "20240101000000_init" in r.stdout and "No pending Prisma migrations" not in r.stdout
    assert "Schema: prisma/schema.prisma (default location)" in r.stderr
    assert "Migrations: prisma/migrations/ (beside the schema)" in r.stderr
    assert "User" in tables(db_url)
    st = run(["db:migrate:status", "--json"], root, db_url)
    assert st.returncode == 0, st.stdout + st.stderr
    data = json.loads(st.stdout)
    assert data["up_to_date"] is True
    assert data["files"]["schema"] == str(root.resolve() / "prisma" / "schema.prisma")
    assert data["files"]["migrations_source"] == "beside the schema"
    v = run(["db:version", "--json"], root, db_url)
    assert json.loads(v.stdout)["files"]["migrations"] == str(root.resolve() / "prisma" / "migrations")


@pytest.mark.parametrize(
    "command", [["db:migrate:status"], ["db:migrate:deploy"], ["db:migrate"], ["db:version", "--check"]]
)
def test_missing_migrations_folder_fails_and_says_where_it_looked(
    tmp_path: Path, db_url: str, command: list[str]
) -> None:
    root = prisma_project(tmp_path / "app", migrations=False)
    r = run(command, root, db_url)
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout + r.stderr
    assert "No migrations folder found" in out and "prisma/migrations/" in out
    assert "up to date" not in out.lower().replace("not up to date", "")
    assert "No pending Prisma migrations" not in out


def test_version_json_says_migrations_missing(tmp_path: Path, db_url: str) -> None:
    root = prisma_project(tmp_path / "app", migrations=False)
    r = run(["db:version", "--json"], root, db_url)
    data = json.loads(r.stdout)
    assert data["migrations_missing"].startswith("No migrations folder found")
    assert data["ok"] is False and data["files"]["migrations_found"] is False


def test_no_tenant_tables_is_information_unless_declared(tmp_path: Path, db_url: str) -> None:
    root = prisma_project(tmp_path / "app")
    assert run(["db:migrate"], root, db_url).returncode == 0
    data = json.loads(run(["db:version", "--json"], root, db_url).stdout)
    assert data["rls"]["tenant_tables"] == 0
    assert not [p for p in data["problems"] if "tenant" in p], data["problems"]
    table = run(["db:version"], root, db_url)
    assert "no tenant tables" in table.stdout
    # a tenant column named in [tool.nexo] that no table has is a mistake --check reports
    (root / "pyproject.toml").write_text('[tool.nexo]\ntenant_column = "org_id"\n')
    declared = json.loads(run(["db:version", "--json"], root, db_url).stdout)
    assert any("tenant_column = 'org_id' is set in [tool.nexo] but no table" in p for p in declared["problems"])
    assert run(["db:version", "--check"], root, db_url).returncode == 1


# --- section 2: init --------------------------------------------------------------------------------


def test_init_then_the_readme_commands(tmp_path: Path, db_url: str) -> None:
    root = tmp_path / "fresh"
    root.mkdir()
    r = run(["init"], root)
    assert r.returncode == 0, r.stderr
    for name in ("pyproject.toml", "schema.prisma", ".env.example", ".gitignore"):
        assert (root / name).is_file(), name
    (migration,) = [p for p in (root / "prisma_migrations").iterdir() if p.is_dir()]
    assert migration.name.endswith("_init") and 'CREATE TABLE "notes"' in (migration / "migration.sql").read_text()
    assert (root / "prisma_migrations" / "migration_lock.toml").is_file()
    ups = sorted((root / "sql").glob("*_rls_bootstrap.sql"))
    downs = sorted((root / "sql").glob("*_rls_bootstrap.down.sql"))
    assert len(ups) == 1 and len(downs) == 1
    bootstrap = ups[0].read_text()
    assert 'ALTER TABLE "notes" FORCE ROW LEVEL SECURITY;' in bootstrap and "${tenant_setting}" in bootstrap
    table = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["nexo"]
    assert table["schema"] == "schema.prisma" and table["migrations"] == "prisma_migrations"
    assert table["tenant_column"] == "account_id" and table["app_role"] == "nexo_app"
    assert ".nexo/" in (root / ".gitignore").read_text().splitlines()
    assert "DATABASE_URL" in (root / ".env.example").read_text()
    assert run(["validate"], root).returncode == 0
    assert run(["format", "--check"], root).returncode == 0

    # the README's two commands
    migrate = run(["db:migrate"], root, db_url)
    assert migrate.returncode == 0, migrate.stderr
    assert "_rls_bootstrap.sql" in migrate.stdout
    check = run(["db:version", "--check"], root, db_url)
    assert check.returncode == 0, check.stdout + check.stderr

    # and row-level security works for the application role it created
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("ALTER ROLE nexo_app LOGIN PASSWORD 'init-app-pw'")
    a, b = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
    with psycopg.connect(with_user(db_url, "nexo_app", "init-app-pw")) as app:
        app.execute("SELECT set_config('app.current_account_id', %s, true)", (a,))
        app.execute("INSERT INTO notes (id, account_id, title) VALUES (gen_random_uuid(), %s, 'mine')", (a,))
        app.commit()
        app.execute("SELECT set_config('app.current_account_id', %s, true)", (b,))
        assert app.execute("SELECT count(*) FROM notes").fetchone() == (0,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # WITH CHECK: no writing another tenant's row
            app.execute("INSERT INTO notes (id, account_id, title) VALUES (gen_random_uuid(), %s, 'x')", (a,))
        app.rollback()
        app.execute("SELECT set_config('app.current_account_id', %s, true)", (a,))
        assert app.execute("SELECT title FROM notes").fetchall() == [("mine",)]


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "schema.prisma").write_text(DATASOURCE)
    r = run(["init"], tmp_path)
    assert r.returncode == 1 and "never overwrites" in r.stderr
    assert (tmp_path / "schema.prisma").read_text() == DATASOURCE
    prisma = prisma_project(tmp_path / "p")
    r = run(["init"], prisma)
    assert r.returncode == 1 and "nexo init --from-prisma" in r.stderr
    assert not (prisma / "pyproject.toml").exists()


def test_init_from_prisma_writes_only_tool_nexo(tmp_path: Path, db_url: str) -> None:
    root = prisma_project(tmp_path / "app")
    (root / "pyproject.toml").write_text('[project]\nname = "svc"\nversion = "1.0"\n')
    before = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    r = run(["init", "--from-prisma"], root)
    assert r.returncode == 0, r.stderr
    assert "Schema: prisma/schema.prisma (default location)" in r.stdout
    assert "Migrations: prisma/migrations/ (beside the schema, 1 migration(s))" in r.stdout
    assert "No table has the column account_id" in r.stdout
    after = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    assert sorted(set(after) - set(before)) == [".gitignore"]  # nothing moved, nothing else written
    data = tomllib.loads((root / "pyproject.toml").read_text())
    assert data["project"] == {"name": "svc", "version": "1.0"}
    assert data["tool"]["nexo"]["schema"] == "prisma/schema.prisma"
    assert data["tool"]["nexo"]["migrations"] == "prisma/migrations"
    assert "tenant_column" not in data["tool"]["nexo"]  # commented out: no table has it
    assert run(["db:migrate"], root, db_url).returncode == 0
    again = run(["init", "--from-prisma"], root)
    assert again.returncode == 1 and "already has a [tool.nexo] table" in again.stderr


def test_init_from_prisma_declares_the_tenant_column_it_finds(tmp_path: Path) -> None:
    root = prisma_project(tmp_path / "app")
    (root / "prisma" / "schema.prisma").write_text(
        DATASOURCE + 'model Doc {\n  id Int @id\n  accountId String @map("account_id")\n}\n'
    )
    r = run(["init", "--from-prisma", "--json"], root)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["written"] == ["pyproject.toml", ".gitignore"]
    assert tomllib.loads((root / "pyproject.toml").read_text())["tool"]["nexo"]["tenant_column"] == "account_id"


def test_init_from_prisma_without_a_schema(tmp_path: Path) -> None:
    r = run(["init", "--from-prisma"], tmp_path)
    assert r.returncode == 1 and "No Prisma schema found" in r.stderr and "prisma/schema.prisma" in r.stderr


# --- rls:scaffold and the dev hint -------------------------------------------------------------------

TASK_MODEL = """
model Task {
  id        Int    @id @default(autoincrement())
  accountId String @map("account_id") @db.Uuid
  title     String

  @@index([accountId])
  @@map("tasks")
}
"""


def test_scaffold_protects_a_new_tenant_table(tmp_path: Path, db_url: str) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    assert run(["init"], root).returncode == 0
    assert run(["db:migrate"], root, db_url).returncode == 0
    with (root / "schema.prisma").open("a") as f:
        f.write(TASK_MODEL)
    dev = run(["db:migrate:dev", "--name", "tasks", "--skip-generate"], root, db_url)
    assert dev.returncode == 0, dev.stderr
    assert "tenant table(s) without a row-level-security policy: tasks" in dev.stderr
    assert "nexo rls:scaffold" in dev.stderr

    sc = run(["rls:scaffold", "--name", "tasks_rls", "--json"], root, db_url)
    assert sc.returncode == 0, sc.stderr
    data = json.loads(sc.stdout)
    assert data["scaffolded"] == [{"table": "tasks", "lacked": ["grants", "enable", "force", "policy"]}]
    up, down = Path(data["file"]), Path(data["down_file"])
    assert up.name.endswith("_tasks_rls.sql") and down.name.endswith("_tasks_rls.down.sql")
    text = up.read_text()
    assert 'GRANT SELECT, INSERT, UPDATE, DELETE ON "tasks" TO "${app_role}";' in text
    assert "GRANT USAGE, SELECT ON SEQUENCE" in text  # the autoincrement id
    assert 'ALTER TABLE "tasks" ENABLE ROW LEVEL SECURITY;' in text
    assert 'ALTER TABLE "tasks" FORCE ROW LEVEL SECURITY;' in text
    assert "::uuid" in text and '"notes"' not in text  # notes is protected already
    assert run(["db:migrate"], root, db_url).returncode == 0

    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("ALTER ROLE nexo_app LOGIN PASSWORD 'scaffold-pw'")
    a, b = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
    with psycopg.connect(with_user(db_url, "nexo_app", "scaffold-pw")) as app:
        app.execute("SELECT set_config('app.current_account_id', %s, true)", (a,))
        app.execute("INSERT INTO tasks (account_id, title) VALUES (%s, 'a task')", (a,))  # sequence granted
        app.commit()
        app.execute("SELECT set_config('app.current_account_id', %s, true)", (b,))
        assert app.execute("SELECT count(*) FROM tasks").fetchone() == (0,)
        app.rollback()

    again = run(["rls:scaffold"], root, db_url)
    assert again.returncode == 0 and "nothing to scaffold" in again.stdout
    dev2 = run(["db:migrate:dev", "--name", "noop", "--skip-generate"], root, db_url)
    assert "without a row-level-security policy" not in dev2.stderr

    back = run(["db:rollback", "--steps", "1"], root, db_url)
    assert back.returncode == 0, back.stderr
    with psycopg.connect(db_url) as c:
        row = c.execute("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'tasks'").fetchone()
        assert row == (False, False)
        assert c.execute("SELECT count(*) FROM pg_policy WHERE polrelid = 'tasks'::regclass").fetchone() == (0,)


def test_scaffold_waits_for_pending_sql_files(tmp_path: Path, db_url: str) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    assert run(["init"], root).returncode == 0
    assert run(["db:migrate:deploy"], root, db_url).returncode == 0  # Prisma steps only: sql/ is pending
    r = run(["rls:scaffold"], root, db_url)
    assert r.returncode == 1 and "not applied yet" in r.stderr and "nexo db:migrate" in r.stderr
    assert len(list((root / "sql").glob("*.sql"))) == 2


def test_scaffold_without_tenant_tables(tmp_path: Path, db_url: str) -> None:
    root = prisma_project(tmp_path / "app")
    r = run(["rls:scaffold"], root, db_url)
    assert r.returncode == 0 and "No tenant tables" in r.stdout
    assert not (root / "sql").exists()
