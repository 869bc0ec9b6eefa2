"""Prisma 7 projects (issue 17): a schema without ``url``, the connection URL and the migrations folder in
``prisma.config.ts``, read without Node. Dialect detection, the URL's precedence, and a project in Prisma 7's
default layout that migrates, reports its matrix and generates its client with no nexo-specific configuration,
all through the console script against the test server."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from nexo.config import load_config
from nexo.layout import detect_dialect
from nexo.psl import validate_source

NEXO = str(Path(sys.executable).parent / "nexo")
SCHEMA7 = (
    'generator client {\n  provider = "prisma-client"\n  output   = "../src/generated/prisma"\n}\n\n'
    'generator py {\n  provider = "prisma-client-py"\n  output   = "../app_client"\n}\n\n'
    'datasource db {\n  provider = "postgresql"\n}\n\n'
    "model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n"
)
CONFIG7 = """\
import "dotenv/config";
import { defineConfig, env } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: {
    path: "prisma/migrations",
    seed: "python seed.py",
  },
  datasource: {
    url: env("APP_DATABASE_URL"),
  },
});
"""
USER_SQL = (
    '-- CreateTable\nCREATE TABLE "User" (\n    "id" SERIAL NOT NULL,\n    "email" TEXT NOT NULL,\n\n'
    '    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\n\n'
    '-- CreateIndex\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n'
)


def run(args: list[str], cwd: Path, env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "APP_DATABASE_URL")}
    env.update(env_extra, COLUMNS="200")
    return subprocess.run([NEXO, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=240)


def prisma7_project(root: Path, package_prisma: str = "7.3.0") -> Path:
    """A Prisma 7 project in the default layout: no pyproject.toml, nothing nexo-specific."""
    (root / "prisma" / "migrations" / "20250101000000_init").mkdir(parents=True)
    (root / "prisma" / "schema.prisma").write_text(SCHEMA7)
    (root / "prisma" / "migrations" / "20250101000000_init" / "migration.sql").write_text(USER_SQL)
    (root / "prisma" / "migrations" / "migration_lock.toml").write_text('provider = "postgresql"\n')
    (root / "prisma.config.ts").write_text(CONFIG7)
    (root / "package.json").write_text(json.dumps({"name": "app", "devDependencies": {"prisma": package_prisma}}))
    return root


def test_prisma7_project_migrates_reports_and_generates(tmp_path: Path, db_url: str) -> None:
    root = prisma7_project(tmp_path / "app")
    env = {"APP_DATABASE_URL": db_url}
    assert run(["validate"], root, env).returncode == 0
    r = run(["db:migrate"], root, env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "20250101000000_init" in r.stdout
    assert "Migrations: prisma/migrations/ (prisma.config.ts migrations.path)" in r.stderr
    with psycopg.connect(db_url) as c:
        rows = c.execute(
            "SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at, logs, applied_steps_count "
            "FROM _prisma_migrations"
        ).fetchall()
        assert "User" in {t for (t,) in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    # the row Prisma writes: sha256 of migration.sql, finished, no logs, one step
    assert rows == [("20250101000000_init", hashlib.sha256(USER_SQL.encode()).hexdigest(), True, None, None, 1)]

    v = run(["db:version", "--json"], root, env)
    data = json.loads(v.stdout)
    assert data["database"]["source"] == "env"
    software = {row["component"]: row for row in data["software"]}
    assert software["Prisma dialect"]["found"] == "Prisma 7 (7.x)"
    assert software["Prisma dialect"]["note"] == "prisma.config.ts declares a datasource"
    assert software["Prisma CLI (package.json)"]["found"] == "7.3.0"
    assert data["prisma_migrations"]["latest"] == "20250101000000_init"

    # Prisma 7's migrate diff sources: the config's database against the schema without url
    d = run(
        ["db:migrate:diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--exit-code"], root, env
    )
    assert d.returncode == 0, d.stdout + d.stderr
    (root / "prisma" / "schema.prisma").write_text(
        SCHEMA7.replace("email String @unique", "email String @unique\n  name String?")
    )
    d = run(
        ["db:migrate:diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--script"], root, env
    )
    assert d.returncode == 0 and d.stdout == '-- AlterTable\nALTER TABLE "User" ADD COLUMN     "name" TEXT;\n\n', (
        d.stdout + d.stderr
    )
    (root / "prisma" / "schema.prisma").write_text(SCHEMA7)

    g = run(["db:generate"], root, env)
    assert g.returncode == 0, g.stdout + g.stderr
    assert (root / "app_client" / "__init__.py").is_file()
    assert not (root / "src").exists()  # the TypeScript generator is Prisma's, not nexo's
    # the generated client finds the URL as the CLI does: prisma.config.ts names APP_DATABASE_URL
    script = (
        "import asyncio\nfrom app_client import Prisma\n\nasync def main():\n    db = Prisma()\n"
        "    await db.connect()\n    await db.user.create(data={'email': 'a@example.com'})\n"
        "    print(await db.user.count())\n    await db.disconnect()\n\nasyncio.run(main())\n"
    )
    client_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "APP_DATABASE_URL")}
    client_env.update(APP_DATABASE_URL=db_url, PYTHONPATH=f"{root}:{os.environ.get('PYTHONPATH', '')}")
    c = subprocess.run([sys.executable, "-c", script], cwd=root, env=client_env, capture_output=True, text=True)
    assert (c.returncode, c.stdout) == (0, "1\n"), c.stderr


def test_prisma7_url_from_dotenv_and_precedence(tmp_path: Path, db_url: str) -> None:
    root = prisma7_project(tmp_path / "app")
    (root / ".env").write_text(f"APP_DATABASE_URL={db_url}\n")
    config = load_config(root, environ={})
    assert (config.database_url, config.database_url_source) == (db_url, ".env")
    from nexo.seed import find_seed

    seed = find_seed(config)  # migrations.seed
    assert seed is not None and (seed.command, seed.origin) == ("python seed.py", "migrations.seed in prisma.config.ts")
    assert load_config(root, environ={"APP_DATABASE_URL": "postgresql://e@h/d"}).database_url == "postgresql://e@h/d"
    flag = load_config(root, database_url="postgresql://f@h/d", environ={"APP_DATABASE_URL": "postgresql://e@h/d"})
    assert (flag.database_url, flag.database_url_source) == ("postgresql://f@h/d", "flag")
    # DATABASE_URL is not what a Prisma 7 config names here
    (root / ".env").unlink()
    assert load_config(root, environ={"DATABASE_URL": db_url}).database_url_source == "embedded"
    r = run(["db:migrate:status"], root, {"APP_DATABASE_URL": db_url})
    assert r.returncode == 1 and "20250101000000_init" in r.stdout + r.stderr  # pending: the URL was used


def test_literal_config_url_comes_after_the_environment(tmp_path: Path) -> None:
    root = prisma7_project(tmp_path / "app")
    (root / "prisma.config.ts").write_text(
        'import { defineConfig } from "prisma/config";\n'
        'export default defineConfig({ schema: "prisma/schema.prisma", '
        'datasource: { url: "postgresql://lit@h/d", shadowDatabaseUrl: env("SHADOW_URL") } });\n'
    )
    config = load_config(root, environ={})
    assert (config.database_url, config.database_url_source) == ("postgresql://lit@h/d", "prisma.config.ts")
    from nexo.config import shadow_database_url

    assert shadow_database_url(config, {"SHADOW_URL": "postgresql://s@h/d"}) == "postgresql://s@h/d"
    assert load_config(root, environ={"DATABASE_URL": "postgresql://e@h/d"}).database_url == "postgresql://e@h/d"


@pytest.mark.parametrize(
    ("files", "tool", "expected"),
    [
        ({"schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n'}, None, "6"),
        ({"schema.prisma": 'datasource db {\n  provider = "postgresql"\n}\n'}, None, "7"),
        ({"schema.prisma": 'datasource db {\n  provider = "postgresql"\n  // url = env("X")\n}\n'}, None, "7"),
        (
            {
                "schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
                "package.json": '{"dependencies": {"prisma": "^7.1.0"}}',
            },
            None,
            "7",
        ),
        (
            {
                "schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
                "package.json": '{"devDependencies": {"prisma": "~6.19.0"}}',
            },
            None,
            "6",
        ),
        (
            {
                "schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
                "prisma.config.ts": 'export default { datasource: { url: env("DATABASE_URL") } }',
            },
            None,
            "7",
        ),
        (
            {
                "schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
                "prisma.config.ts": 'export default { schema: "schema.prisma" }',
            },
            None,
            "6",
        ),
        ({"schema.prisma": 'datasource db {\n  provider = "postgresql"\n}\n'}, "6", "6"),
        ({"schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = "x"\n}\n'}, "7", "7"),
    ],
)
def test_dialect_detection(tmp_path: Path, files: dict[str, str], tool: str | None, expected: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert detect_dialect(tmp_path, tmp_path / "schema.prisma", tool).version == expected


def test_tool_nexo_prisma_overrides_and_is_checked(tmp_path: Path) -> None:
    (tmp_path / "schema.prisma").write_text('datasource db {\n  provider = "postgresql"\n}\n')
    (tmp_path / "pyproject.toml").write_text('[tool.nexo]\nprisma = "6"\n')
    config = load_config(tmp_path, environ={})
    assert (config.prisma.version, config.prisma.source) == ("6", "[tool.nexo] prisma")
    r = run(["validate"], tmp_path, {})
    assert r.returncode == 1 and 'Argument "url" is missing in data source block "db".' in r.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.nexo]\nprisma = "8"\n')
    r = run(["validate"], tmp_path, {})
    assert r.returncode == 1 and '[tool.nexo] prisma = \'8\': expected "6" or "7"' in r.stdout + r.stderr


def test_dialects_disagree_on_url() -> None:
    with_url = 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n'
    without = 'datasource db {\n  provider = "postgresql"\n}\n'
    assert validate_source(with_url, dialect="6").ok and not validate_source(without, dialect="6").ok
    assert validate_source(without, dialect="7").ok
    bad = validate_source(with_url, dialect="7")
    assert [(d.line, d.span.start, d.span.end) for d in bad.diagnostics] == [(3, 44, 69)]
    with pytest.raises(ValueError, match="unknown Prisma dialect"):
        validate_source(without, dialect="5")


REFERENCE = Path(__file__).resolve().parents[1] / "migrate" / "reference" / "prisma7_differences.json"


@pytest.mark.parametrize("entry", json.loads(REFERENCE.read_text())["cli"], ids=lambda e: e["prisma7"][:40])
def test_prisma7_cli_changes_have_a_nexo_command_that_parses(entry: dict[str, object]) -> None:
    """Each documented Prisma 7 CLI change names the nexo command line that covers it; that line parses."""
    import typer.main

    from nexo.cli import app

    group = typer.main.get_command(app)
    args = list(entry["nexo"])  # type: ignore[call-overload]
    command = group.get_command(group.context_class(group), args[0])  # type: ignore[attr-defined]
    assert command is not None, args[0]
    command.make_context(args[0], args[1:])
