"""``db:migrate:diff``: every source, --script / summary, --exit-code, -o, errors; compared with Prisma's CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from devproject import USERS, USERS_POSTS, USERS_WITHOUT_NAME, execute, run, shadow_databases

from nexo import orchestrate
from nexo.config import load_config
from nexo.migrate.diffcmd import Source
from nexo.migrate.differ import diff
from nexo.psl import validate_path
from nexo.schema import relational_model

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "schema.prisma"
MIGRATIONS = REPO / "prisma_migrations"


def _model(path: Path):
    return relational_model(validate_path(path).raise_for_errors())


@pytest.fixture
def schemas(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in {"users": USERS, "posts": USERS_POSTS, "noname": USERS_WITHOUT_NAME}.items():
        p = tmp_path / f"{name}.prisma"
        p.write_text(text)
        out[name] = p
    return out


def test_from_empty_script_is_the_differs_text(tmp_path: Path, db_url: str):
    r = run(["db:migrate:diff", "--from-empty", "--to-schema-datamodel", str(SCHEMA), "--script"], tmp_path)
    assert r.returncode == 0, r.stderr
    script = diff(None, _model(SCHEMA)).script()
    assert r.stdout == script + "\n"  # Prisma's CLI prints a blank line after the script
    # the repo's first migration is the from-empty script of its first schema (kept in the PSL corpus)
    initial = (MIGRATIONS / "20260123175900_initial_multi_tenant_setup" / "migration.sql").read_text()
    assert (
        diff(None, _model(REPO / "tests" / "psl" / "corpus" / "valid" / "repo_schema.prisma"))
        .script()
        .endswith(initial)
    )
    code = run(["db:migrate:diff", "--from-empty", "--to-schema", str(SCHEMA), "--script", "--exit-code"], tmp_path)
    assert code.returncode == 2 and code.stdout == script  # with --exit-code and a difference, without it


def test_identical_schemas_exit_0_and_say_no_difference(tmp_path: Path, schemas):
    r = run(
        [
            "db:migrate:diff",
            "--from-schema-datamodel",
            str(schemas["users"]),
            "--to-schema-datamodel",
            str(schemas["users"]),
            "--exit-code",
        ],
        tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout == "No difference detected.\n\n"
    s = run(
        [
            "db:migrate:diff",
            "--from-schema",
            str(schemas["users"]),
            "--to-schema",
            str(schemas["users"]),
            "--script",
            "--exit-code",
        ],
        tmp_path,
    )
    assert s.returncode == 0 and s.stdout == "-- This is an empty migration.\n\n"


def test_summary_and_script_between_two_schemas(tmp_path: Path, schemas):
    args = [
        "db:migrate:diff",
        "--from-schema-datamodel",
        str(schemas["users"]),
        "--to-schema-datamodel",
        str(schemas["posts"]),
    ]
    summary = run(args, tmp_path)
    assert summary.returncode == 0  # without --exit-code a non-empty diff is still success
    assert "[+] Added tables" in summary.stdout and "- Post" in summary.stdout
    script = run([*args, "--script", "--exit-code"], tmp_path)
    assert script.returncode == 2
    assert script.stdout == diff(_model(schemas["users"]), _model(schemas["posts"])).script()


def test_output_file_holds_the_migration_sql_form(tmp_path: Path, schemas):
    out = tmp_path / "out.sql"
    r = run(
        ["db:migrate:diff", "--from-empty", "--to-schema", str(schemas["users"]), "--script", "-o", str(out)], tmp_path
    )
    assert r.returncode == 0 and r.stdout == ""
    text = out.read_text()
    assert text.endswith(";\n") and not text.endswith(";\n\n")


def test_from_migrations_uses_a_temporary_shadow_database(project: Path, db_url: str, pg_server_url: str):
    env = {"DATABASE_URL": db_url}
    r = run(
        [
            "db:migrate:diff",
            "--from-migrations",
            "prisma_migrations",
            "--to-schema-datamodel",
            "schema.prisma",
            "--exit-code",
        ],
        project,
        env,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == "No difference detected.\n\n"
    assert shadow_databases(pg_server_url) == []
    empty = run(
        ["db:migrate:diff", "--from-migrations", "prisma_migrations", "--to-empty", "--script", "--exit-code"],
        project,
        env,
    )
    assert empty.returncode == 2
    assert "-- DropTable\nDROP TABLE " in empty.stdout and '"accounts";' in empty.stdout
    assert "CREATE SCHEMA" not in empty.stdout


def test_from_migrations_with_an_explicit_shadow_database(project: Path, db_url: str, pg_server_url: str, fresh_db):
    # fresh_db is the same database as db_url here; make a second one for the shadow
    from nexo.db import with_database

    execute(pg_server_url, "DROP DATABASE IF EXISTS nexo_t_diff_shadow", "CREATE DATABASE nexo_t_diff_shadow")
    shadow = with_database(pg_server_url, "nexo_t_diff_shadow")
    try:
        outcome = orchestrate.migrate_diff(
            load_config(project, database_url=db_url, environ={}),
            Source("migrations", str(project / "prisma_migrations")),
            Source("schema", str(project / "schema.prisma")),
            shadow_database_url=shadow,
        )
        assert outcome.is_empty
        assert shadow_databases(pg_server_url) == []
    finally:
        execute(pg_server_url, "DROP DATABASE IF EXISTS nexo_t_diff_shadow WITH (FORCE)")


def test_url_sources_introspect_the_database(project: Path, db_url: str):
    env = {"DATABASE_URL": db_url}
    assert run(["db:migrate"], project, env).returncode == 0
    same = run(
        ["db:migrate:diff", "--from-url", db_url, "--to-schema-datamodel", "schema.prisma", "--exit-code"], project
    )
    assert same.returncode == 0, same.stdout + same.stderr  # policies, triggers, functions, ledgers never count
    execute(db_url, "ALTER TABLE clients ADD COLUMN extra int")
    changed = run(
        ["db:migrate:diff", "--from-url", db_url, "--to-schema-datamodel", "schema.prisma", "--exit-code", "--script"],
        project,
    )
    assert changed.returncode == 2
    assert changed.stdout == '-- AlterTable\nALTER TABLE "clients" DROP COLUMN "extra";\n'
    back = run(["db:migrate:diff", "--from-schema-datamodel", "schema.prisma", "--to-url", db_url], project)
    assert back.returncode == 0 and "[*] Changed the `clients` table" in back.stdout and "extra" in back.stdout


def test_invalid_schema_prints_diagnostics_and_exits_1(tmp_path: Path):
    bad = tmp_path / "bad.prisma"
    bad.write_text(USERS.replace("String?", "Strng?"))
    r = run(["db:migrate:diff", "--from-empty", "--to-schema-datamodel", str(bad), "--script", "--exit-code"], tmp_path)
    assert r.returncode == 1
    assert "P1012" in r.stderr and 'Type "Strng" is neither a built-in type' in r.stderr and "bad.prisma:" in r.stderr
    assert r.stdout == ""


def test_source_count_errors(tmp_path: Path, schemas):
    none = run(["db:migrate:diff", "--to-empty"], tmp_path)
    assert none.returncode == 2 and "0 `--from-...` parameter(s) provided. 1 must be provided." in none.stderr
    two = run(
        ["db:migrate:diff", "--from-empty", "--from-schema", str(schemas["users"]), "--to-empty", "--exit-code"],
        tmp_path,
    )
    assert two.returncode == 1 and "2 `--from-...` parameter(s) provided." in two.stderr


def test_missing_paths_are_errors(tmp_path: Path):
    r = run(["db:migrate:diff", "--from-migrations", str(tmp_path / "nope"), "--to-empty"], tmp_path)
    assert r.returncode == 1 and "does not exist" in r.stderr
    s = run(["db:migrate:diff", "--from-empty", "--to-schema", str(tmp_path / "nope.prisma")], tmp_path)
    assert s.returncode == 1 and "does not exist" in s.stderr
    t = run(
        ["db:migrate:diff", "--from-migrations", str(tmp_path), "--to-schema", str(tmp_path / "nope.prisma")], tmp_path
    )
    assert t.returncode == 1 and "does not exist" in t.stderr
    # no database was needed to find that out: the embedded server was never started
    assert not (tmp_path / ".nexo").exists()


@pytest.mark.parametrize(
    ("src", "dst", "script"),
    [
        (None, "users", True),
        (None, "posts", False),
        ("noname", None, True),
        ("users", "posts", True),
        ("posts", "noname", True),
        ("users", "posts", False),
        ("posts", "users", False),
        ("users", "users", False),
        ("users", "users", True),
    ],
)
@pytest.mark.parametrize("exit_code", [True, False], ids=["exit-code", "plain"])
def test_same_output_and_exit_code_as_prisma(tmp_path: Path, schemas, prisma_oracle, src, dst, script, exit_code):
    """Byte for byte, trailing newlines included: Prisma prints one more blank line without ``--exit-code``."""
    flag = ["--exit-code"] if exit_code else []
    args = ["db:migrate:diff"]
    args += ["--from-empty"] if src is None else ["--from-schema-datamodel", str(schemas[src])]
    args += ["--to-empty"] if dst is None else ["--to-schema-datamodel", str(schemas[dst])]
    args += flag + (["--script"] if script else [])
    ours = run(args, tmp_path)
    theirs = prisma_oracle.migrate_diff(
        from_schema=None if src is None else schemas[src],
        to_schema=None if dst is None else schemas[dst],
        script=script,
        extra=flag,
    )
    assert ours.returncode == theirs.returncode, theirs.output
    assert ours.stdout == theirs.stdout


def test_to_migrations_and_from_schema(project: Path, db_url: str, pg_server_url: str):
    r = run(
        [
            "db:migrate:diff",
            "--from-schema-datamodel",
            "schema.prisma",
            "--to-migrations",
            "prisma_migrations",
            "--exit-code",
            "--script",
        ],
        project,
        {"DATABASE_URL": db_url},
    )
    # in sync, but the database is read as its "public" schema, which the schema side lacks: Prisma 6.19
    # prints the step creating it, a change for --exit-code (test_diff_datasource.py checks it with Prisma)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stdout == '-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n'
    assert shadow_databases(pg_server_url) == []


NO_DATASOURCE = """\
model User {
  id   Int  @id
  role Role
}

enum Role {
  A
  B
}
"""


@pytest.mark.parametrize("side", ["to", "from"])
def test_a_schema_without_datasource_is_refused_as_prisma_does(tmp_path: Path, prisma_oracle, side: str):
    """Prisma's schema engine diffs only a schema with a datasource block: exit 1, "There is no datasource in
    the schema." (nexo used to print a script, one that even used an enum type it never created)."""
    schema = tmp_path / "nods.prisma"
    schema.write_text(NO_DATASOURCE)
    pair = (
        ["--from-empty", "--to-schema-datamodel", str(schema)]
        if side == "to"
        else ["--from-schema-datamodel", str(schema), "--to-empty"]
    )
    ours = run(["db:migrate:diff", *pair, "--script"], tmp_path)
    theirs = prisma_oracle.migrate_diff(
        from_schema=schema if side == "from" else None, to_schema=schema if side == "to" else None
    )
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout) == (1, "")
    assert "There is no datasource in the schema." in theirs.stderr
    assert "There is no datasource in the schema." in ours.stderr
