"""Prisma's layouts are found without configuration, in Prisma's order, and ``[tool.nexo]`` still wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from nexo.config import find_project_root, load_config
from nexo.errors import ConfigError
from nexo.layout import read_prisma_config, resolve_layout
from nexo.psl import validate_path

DATASOURCE = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'
MODEL = "model User {\n  id Int @id\n}\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def test_prisma_default_layout(tmp_path: Path) -> None:
    write(tmp_path, {"prisma/schema.prisma": DATASOURCE + MODEL, "prisma/migrations/migration_lock.toml": ""})
    c = load_config(tmp_path, environ={})
    assert c.schema == tmp_path / "prisma" / "schema.prisma"
    assert c.migrations_dir == tmp_path / "prisma" / "migrations"
    assert c.layout is not None and c.layout.migrations_found and c.layout.schema_source == "default location"
    assert c.layout.lines()[:2] == [
        "Schema: prisma/schema.prisma (default location)",
        "Migrations: prisma/migrations/ (beside the schema)",
    ]
    assert c.files()["migrations_source"] == "beside the schema"


def test_root_schema_then_prisma_folder_order(tmp_path: Path) -> None:
    write(tmp_path, {"schema.prisma": DATASOURCE + MODEL})
    assert load_config(tmp_path, environ={}).schema == tmp_path / "schema.prisma"
    write(tmp_path, {"prisma/schema.prisma": DATASOURCE + MODEL})  # Prisma tries prisma/ first
    assert load_config(tmp_path, environ={}).schema == tmp_path / "prisma" / "schema.prisma"


def test_no_migrations_folder_lists_what_was_looked_for(tmp_path: Path) -> None:
    write(tmp_path, {"prisma/schema.prisma": DATASOURCE + MODEL})
    c = load_config(tmp_path, environ={})
    assert c.layout is not None and not c.layout.migrations_found
    assert c.layout.migrations_looked_for == ("prisma/migrations/", "prisma/prisma_migrations/", "prisma_migrations/")
    with pytest.raises(ConfigError) as exc:
        c.require_migrations()
    text = str(exc.value)
    assert "No migrations folder found" in text and "prisma/migrations/" in text and "up to date" not in text


CONFIG_TS = """\
import path from "node:path";
import { defineConfig, env } from "prisma/config";
import type { PrismaConfig } from "prisma";

// schema: "not/this.prisma", a comment with { braces }
export default defineConfig({
  schema: path.join("db", 'schema.prisma'),
  migrations: {
    path: 'db/migrations',
    seed: `tsx db/seed.ts`,
  },
  datasource: { url: env("DATABASE_URL"), shadowDatabaseUrl: process.env.SHADOW_URL },
  engine: "classic",
} satisfies PrismaConfig);
"""


def test_prisma_config_ts_literal_values(tmp_path: Path) -> None:
    write(tmp_path, {"prisma.config.ts": CONFIG_TS, "db/schema.prisma": DATASOURCE + MODEL, "db/migrations/x": ""})
    pc = read_prisma_config(tmp_path / "prisma.config.ts")
    assert (pc.schema, pc.migrations_path, pc.seed) == ("db/schema.prisma", "db/migrations", "tsx db/seed.ts")
    assert (pc.datasource_url, pc.shadow_database_url) == ('env("DATABASE_URL")', 'env("SHADOW_URL")')
    assert pc.unreadable == {}
    c = load_config(tmp_path, environ={})
    assert c.schema == tmp_path / "db" / "schema.prisma" and c.migrations_dir == tmp_path / "db" / "migrations"
    assert c.layout is not None and c.layout.schema_source == "prisma.config.ts schema"
    assert c.layout.migrations_source == "prisma.config.ts migrations.path"
    assert "Prisma config: prisma.config.ts (literal values read)" in c.layout.lines()


@pytest.mark.parametrize(
    "text",
    [
        'const config = { schema: "db/schema.prisma" };\nexport default config;\n',
        "const config: PrismaConfig = { schema: 'db/schema.prisma' } as const\nexport default defineConfig(config)\n",
        'module.exports = { schema: path.join(__dirname, "db", "schema.prisma") };\n',
        "export default {\n  schema: 'db/schema.prisma', // trailing comment\n}\n",
    ],
)
def test_prisma_config_other_spellings(tmp_path: Path, text: str) -> None:
    write(tmp_path, {"prisma.config.js": text, "db/schema.prisma": DATASOURCE + MODEL})
    assert load_config(tmp_path, environ={}).schema == tmp_path / "db" / "schema.prisma"


def test_prisma_config_expression_is_a_clear_error(tmp_path: Path) -> None:
    write(tmp_path, {"prisma.config.ts": "export default defineConfig({ schema: pick(process.argv) })\n"})
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path, environ={})
    text = str(exc.value)
    assert "prisma.config.ts" in text and "pick(process.argv)" in text and "without running Node" in text
    assert "[tool.nexo]" in text


def test_package_json_prisma_schema(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "package.json": '{"name": "app", "prisma": {"schema": "database/main.prisma", "seed": "node seed.js"}}',
            "database/main.prisma": DATASOURCE + MODEL,
            "database/migrations/.keep": "",
        },
    )
    c = load_config(tmp_path, environ={})
    assert c.schema == tmp_path / "database" / "main.prisma"
    assert c.migrations_dir == tmp_path / "database" / "migrations"
    assert c.layout is not None and c.layout.schema_source == 'package.json "prisma": {"schema"}'


def test_multi_file_schema_folder(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "prisma/schema/main.prisma": DATASOURCE,
            "prisma/schema/models/user.prisma": MODEL,
            "prisma/schema/models/post.prisma": "model Post {\n  id Int @id\n  userId Int\n}\n",
            "prisma/schema/migrations/migration_lock.toml": "",
        },
    )
    c = load_config(tmp_path, environ={})
    assert c.schema == tmp_path / "prisma" / "schema"
    assert c.migrations_dir == tmp_path / "prisma" / "schema" / "migrations"  # beside the datasource file
    schema = validate_path(c.schema).raise_for_errors()  # every .prisma file of the folder, as Prisma
    assert sorted(m.name for m in schema.models) == ["Post", "User"]


def test_tool_nexo_wins_then_schema_flag(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "prisma.config.ts": CONFIG_TS,
            "db/schema.prisma": DATASOURCE + MODEL,
            "other.prisma": DATASOURCE + MODEL,
            "mine.prisma": DATASOURCE + MODEL,
        },
    )
    flagged = load_config(tmp_path, environ={}, schema=tmp_path / "other.prisma")
    assert flagged.schema == tmp_path / "other.prisma"  # --schema before prisma.config.ts
    assert flagged.layout is not None and flagged.layout.schema_source == "--schema"
    write(tmp_path, {"pyproject.toml": '[tool.nexo]\nschema = "mine.prisma"\nmigrations = "m"\n'})
    c = load_config(tmp_path, environ={}, schema=tmp_path / "other.prisma")
    assert c.schema == tmp_path / "mine.prisma" and c.migrations_dir == tmp_path / "m"
    assert c.layout is not None and c.layout.schema_source == "[tool.nexo] schema"
    assert not c.tenant_column_declared


def test_project_root_of_a_prisma_project_from_a_subfolder(tmp_path: Path) -> None:
    write(tmp_path, {"prisma/schema.prisma": DATASOURCE + MODEL, "src/app/x.py": ""})
    assert find_project_root(tmp_path / "src" / "app") == tmp_path.resolve()
    assert resolve_layout(tmp_path).schema == tmp_path.resolve() / "prisma" / "schema.prisma"
