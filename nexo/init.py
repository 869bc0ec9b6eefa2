"""``nexo init``: a new project in an empty folder, or ``[tool.nexo]`` for an existing Prisma project.

``init`` writes a project that works at once (``nexo db:migrate && nexo db:version --check``):
``pyproject.toml``'s ``[tool.nexo]``, a ``schema.prisma`` (PostgreSQL datasource, the
``prisma-client-py`` generator, one example tenant model), ``prisma_migrations/`` with the migration
that creates it, ``sql/`` with the row-level-security bootstrap generated from the configuration
(:mod:`nexo.scaffold`), ``.env.example`` and ``.gitignore`` entries. It never overwrites a file.

``init --from-prisma`` moves nothing: it finds the schema and migrations the way Prisma does
(:mod:`nexo.layout`), writes only a ``[tool.nexo]`` table pointing at them, and says what it found.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from nexo.config import DEFAULT_APP_ROLE, DEFAULT_TENANT_COLUMN, DEFAULT_TENANT_SETTING
from nexo.errors import ConfigError
from nexo.layout import Layout, looks_like_prisma_project, resolve_layout

SCHEMA_TEXT = """\
// Written by nexo init. This file is the source of truth: edit it, then
// `nexo db:migrate:dev --name <change>` writes and applies the migration.

generator client {
  provider  = "prisma-client-py"
  interface = "asyncio"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

// An example tenant table: it has the tenant column account_id (tenant_column in [tool.nexo]), so the
// row-level security of sql/ keeps each account to its own rows. Replace it with your own models, then
// run `nexo rls:scaffold` to protect the new tenant tables.
model Note {
  id        String   @id @default(uuid()) @db.Uuid
  accountId String   @map("account_id") @db.Uuid
  title     String
  createdAt DateTime @default(now()) @map("created_at")

  @@index([accountId])
  @@map("notes")
}
"""

ENV_EXAMPLE = """\
# Copy to .env and edit. Without DATABASE_URL, nexo uses its embedded PostgreSQL (data in .nexo/pgdata).
# DATABASE_URL=postgresql://user:password@localhost:5432/mydb
"""

GITIGNORE_ENTRIES = (".nexo/", ".env", "__pycache__/", "/prisma/")


def tool_table(
    *,
    schema: str,
    migrations: str,
    sql: str = "sql",
    tenant_column: str | None = DEFAULT_TENANT_COLUMN,
    note: str = "",
) -> str:
    """The ``[tool.nexo]`` table, as TOML text."""
    col = (
        f'tenant_column = "{tenant_column}"'
        if tenant_column
        else f'# tenant_column = "{DEFAULT_TENANT_COLUMN}"   # the column that makes a table a tenant table'
    )
    return (
        (f"# {note}\n" if note else "")
        + "[tool.nexo]\n"
        + f"schema = {_toml_str(schema)}\n"
        + f"migrations = {_toml_str(migrations)}\n"
        + f"sql = {_toml_str(sql)}\n"
        + f'tenant_setting = "{DEFAULT_TENANT_SETTING}"\n'
        + col
        + "\n"
        + f'app_role = "{DEFAULT_APP_ROLE}"\n'
        + "# lock_timeout = 10   # seconds to wait for another migration run\n"
        + '# seed = "python -m myapp.seed"   # the seed command: nexo db:seed, and the last step of db:reset\n'
    )


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class InitResult:
    root: Path
    written: list[Path] = field(default_factory=list)
    #: what was found (``--from-prisma``) or done, one line each
    found: list[str] = field(default_factory=list)
    layout: Layout | None = None

    def rel(self, p: Path) -> str:
        try:
            return p.relative_to(self.root).as_posix()
        except ValueError:
            return str(p)

    def lines(self) -> list[str]:
        out = list(self.found)
        if self.written:
            out.append("Wrote:")
            out += [f"  └─ {self.rel(p)}" for p in self.written]
        return out

    def to_dict(self) -> dict[str, object]:
        return {
            "root": str(self.root),
            "written": [self.rel(p) for p in self.written],
            "found": self.found,
            "layout": None if self.layout is None else self.layout.to_dict(),
        }


def _has_tool_nexo(pyproject: Path) -> bool:
    if not pyproject.is_file():
        return False
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"pyproject.toml is not valid TOML: {exc}", file=pyproject) from exc
    return "nexo" in data.get("tool", {})


def _append_table(pyproject: Path, table: str) -> None:
    if pyproject.is_file():
        text = pyproject.read_text(encoding="utf-8")
        sep = "" if not text else ("\n" if text.endswith("\n") else "\n\n")
        pyproject.write_text(text + sep + ("\n" if text else "") + table, encoding="utf-8")
    else:
        pyproject.write_text(table, encoding="utf-8")
    tomllib.loads(pyproject.read_text(encoding="utf-8"))  # never leave a file nexo cannot read


def _gitignore(root: Path, entries: tuple[str, ...] = GITIGNORE_ENTRIES) -> bool:
    path = root / ".gitignore"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    have = {line.strip() for line in text.splitlines()}
    missing = [e for e in entries if e not in have]
    if not missing:
        return False
    block = "# nexo: " + ", ".join(missing) + "\n" + "\n".join(missing) + "\n"
    path.write_text(text + ("\n" if text and not text.endswith("\n") else "") + block, encoding="utf-8")
    return True


def init(root: Path, *, now: datetime | None = None) -> InitResult:
    """Scaffold a new project in ``root`` (created if missing); refuses to touch an existing project."""
    from nexo.migrate import create_migration_dir, write_lock_file
    from nexo.migrate.dev import migration_file_text
    from nexo.migrate.diffcmd import Source, migrate_diff
    from nexo.psl import validate_source
    from nexo.scaffold import render, tenant_tables
    from nexo.schema import relational_model

    root = root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    if _has_tool_nexo(root / "pyproject.toml"):
        raise ConfigError(
            f"{root / 'pyproject.toml'} already has a [tool.nexo] table: this is a nexo project already.",
            file=root / "pyproject.toml",
        )
    if looks_like_prisma_project(root):
        raise ConfigError(
            f'{root} is a Prisma project already (prisma/, prisma.config.ts or package.json\'s "prisma"). '
            "Run nexo init --from-prisma to use its schema and migrations where they are."
        )
    taken = [n for n in ("schema.prisma", "prisma_migrations", "sql") if (root / n).exists()]
    if taken:
        raise ConfigError(
            f"{root} already has {', '.join(taken)}: nexo init never overwrites files. Use an empty folder, "
            "or nexo init --from-prisma for a Prisma project."
        )
    now = now or datetime.now(UTC)
    result = InitResult(root)

    schema = root / "schema.prisma"
    validated = validate_source(SCHEMA_TEXT, "schema.prisma").raise_for_errors()
    schema.write_text(SCHEMA_TEXT, encoding="utf-8")
    result.written.append(schema)

    mdir = root / "prisma_migrations"
    outcome = migrate_diff(Source("empty"), Source("schema", str(schema)), server_url=None)
    folder = create_migration_dir(mdir, "init", migration_file_text(outcome.script()), now)
    result.written.append(folder.path / "migration.sql")
    result.written.append(write_lock_file(mdir))

    tables = tenant_tables(relational_model(validated), DEFAULT_TENANT_COLUMN)
    up, down = render(
        tables,
        title="Row-level security bootstrap: the application role and the tenant tables",
        command="init",
        role_setup=True,
        schema_version="1.0.0",
    )
    sql = root / "sql"
    sql.mkdir()
    version = now.strftime("%Y%m%d_%H%M")
    for name, text in ((f"{version}_rls_bootstrap.sql", up), (f"{version}_rls_bootstrap.down.sql", down)):
        (sql / name).write_text(text, encoding="utf-8")
        result.written.append(sql / name)

    _append_table(root / "pyproject.toml", tool_table(schema="schema.prisma", migrations="prisma_migrations"))
    result.written.append(root / "pyproject.toml")
    if not (root / ".env.example").exists():
        (root / ".env.example").write_text(ENV_EXAMPLE, encoding="utf-8")
        result.written.append(root / ".env.example")
    if _gitignore(root):
        result.written.append(root / ".gitignore")
    result.found.append(f"New nexo project in {root}.")
    result.found.append("Next: nexo db:migrate && nexo db:version --check")
    return result


def _schema_columns(layout: Layout) -> set[str]:
    """Column names the schema's models map to (``@map`` applied), for the tenant-column guess."""
    from nexo.psl import validate_path
    from nexo.schema import relational_model

    try:
        db = relational_model(validate_path(layout.schema).raise_for_errors())
    except Exception:  # an invalid schema: init still writes the table; validate says what is wrong
        return set()
    return {c.name for t in db.tables for c in t.columns}


def init_from_prisma(root: Path) -> InitResult:
    """Write ``[tool.nexo]`` pointing at an existing Prisma project's schema and migrations (moves nothing)."""
    root = root.resolve()
    pyproject = root / "pyproject.toml"
    if _has_tool_nexo(pyproject):
        raise ConfigError(
            f"{pyproject} already has a [tool.nexo] table; edit it, or remove it and run nexo init --from-prisma again.",
            file=pyproject,
        )
    layout = resolve_layout(root)
    if not layout.schema_found:
        looked = ", ".join(layout.schema_looked_for) or layout.rel(layout.schema)
        raise ConfigError(
            f'No Prisma schema found in {root} (looked for prisma.config.ts, package.json\'s "prisma", {looked}). '
            "Run nexo init --from-prisma in the folder of your Prisma project, or nexo init for a new one."
        )
    result = InitResult(root, layout=layout)
    result.found.append(f"Schema: {layout.rel(layout.schema)} ({layout.schema_source})")
    if layout.migrations_found:
        from nexo.migrate import list_migrations

        count = len(list_migrations(layout.migrations))
        result.found.append(
            f"Migrations: {layout.rel(layout.migrations)}/ ({layout.migrations_source}, {count} migration(s))"
        )
    else:
        result.found.append(
            f"Migrations: none yet (looked for {', '.join(layout.migrations_looked_for)}); "
            f"nexo db:migrate:dev will create {layout.rel(layout.migrations)}/"
        )
    if layout.prisma_config is not None:
        pc = layout.prisma_config
        result.found.append(f"Prisma config: {layout.rel(pc.file)} (literal values read, Node not run)")
        if pc.datasource_url:
            result.found.append(f"  datasource.url: {pc.datasource_url}")
        if pc.seed:
            result.found.append(f"  migrations.seed: {pc.seed} (set seed in [tool.nexo] to use it with nexo)")
    if layout.package_json is not None:
        result.found.append(f'package.json: {layout.rel(layout.package_json)} ("prisma" settings)')
    columns = _schema_columns(layout)
    tenant_column = DEFAULT_TENANT_COLUMN if DEFAULT_TENANT_COLUMN in columns else None
    if tenant_column is None:
        result.found.append(
            f"No table has the column {DEFAULT_TENANT_COLUMN}: tenant_column is left commented out "
            "(set it to the column that names a row's tenant, then nexo rls:scaffold)."
        )
    sql_rel = "sql"
    table = tool_table(
        schema=layout.rel(layout.schema),
        migrations=layout.rel(layout.migrations),
        sql=sql_rel,
        tenant_column=tenant_column,
        note="written by nexo init --from-prisma: the files stay where Prisma has them",
    )
    _append_table(pyproject, table)
    result.written.append(pyproject)
    if _gitignore(root, (".nexo/",)):  # the embedded server's data; prisma/ holds the schema here
        result.written.append(root / ".gitignore")
    result.found.append("Next: nexo db:migrate:status (or nexo db:migrate && nexo db:version --check)")
    return result
