"""``db:migrate:diff --from-schema-datasource`` / ``--to-schema-datasource``: the database a schema's
datasource points to, introspected, as Prisma 6.19's sources of the same names.

Compared with the real Prisma CLI in two ways, because the oracle cannot run these two flags itself:
its offline set-up routes the schema engine through a driver adapter, and with an adapter configured
Prisma 6.19 refuses them ("Passing the --from-schema-datasource flag to the prisma migrate diff
command is not supported when defining an adapter"), while without one it needs the native schema
engine, which cannot be downloaded here.

* The diff itself: Prisma's schema engine introspects the database for a ``schemaDatasource`` target
  exactly as for a ``migrations`` target once the migrations are replayed into its (shadow) database.
  So nexo's ``--from-schema-datasource S`` on a database built by a SQL text must print what Prisma's
  ``--from-migrations M`` prints for a migrations folder holding that text (through the adapter
  copy patched to read PostgreSQL's ``name`` columns, see ``diffcases.py``), byte for byte.
* Reading the datasource (``env()``, ``.env`` files, ``directUrl``, the URL checks) happens in
  Prisma's CLI before any engine starts: run without a ``prisma.config.ts`` (so the CLI loads ``.env``
  files as a project without one does), its P1012 report must be nexo's, byte for byte once nexo's two
  additions (the column after the line number, the row of ``^``) are taken out.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from devproject import USERS, USERS_POSTS, execute, run

from nexo.config import env_files, env_value
from nexo.db.urls import prisma_url_to_libpq
from nexo.migrate.diffcmd import Source, migrate_diff
from nexo.migrate.differ import diff
from nexo.psl import PslError, validate_source
from nexo.psl.datasource import read_schema_datasource
from nexo.schema import relational_model

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diffcases import patched_adapter_folder
from oracle import OracleResult, PrismaOracle
from pgservers import fresh_database

VAR = "NEXO_T_DS_URL"  # names no test environment sets
DIRECT = "NEXO_T_DS_DIRECT"
PASSWORD = "s3cr3t-pw"


def schema_text(url: str = f'env("{VAR}")', *, direct: str | None = None, extra: str = "", body: str = "") -> str:
    """A schema whose datasource has ``url`` (and ``directUrl``) as written, then ``body``."""
    lines = ["datasource db {", '  provider  = "postgresql"', f"  url       = {url}"]
    if direct is not None:
        lines.append(f"  directUrl = {direct}")
    lines += [extra] if extra else []
    return "\n".join(lines) + "\n}\n" + body


USER_MODELS = USERS[USERS.index("model ") :]
POST_MODELS = USERS_POSTS[USERS_POSTS.index("model ") :]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def with_password(url: str, password: str = PASSWORD) -> str:
    """``url`` (``postgresql://user:@...``) with a password for its user (a wrong one: it never gets that far)."""
    return re.sub(r"^(postgresql://[^:/@]+):?@", rf"\1:{password}@", url)


# ------------------------------------------------------------------------------ .env and URLs
def test_env_value_reads_the_process_then_the_project_then_the_schema_env_file(tmp_path: Path):
    root = tmp_path / "proj"
    write(root / ".env", "A=root\nB=root\n")
    write(root / "prisma" / ".env", "A=beside\nB=beside\nC=beside\n")
    schema = write(root / "prisma" / "schema.prisma", "")
    assert env_files(root, schema) == [root / ".env", root / "prisma" / ".env"]
    assert env_files(root, root / "schema.prisma") == [root / ".env"]  # the same file counts once
    env = {"A": "process", "E": ""}
    assert env_value("A", root, schema=schema, environ=env) == "process"
    assert env_value("B", root, schema=schema, environ=env) == "root"
    assert env_value("C", root, schema=schema, environ=env) == "beside"
    assert env_value("E", root, schema=schema, environ=env) == ""  # set, though empty: dotenv never overrides it
    assert env_value("D", root, schema=schema, environ=env) is None
    assert env_value("C", root, environ=env) is None  # without the schema, only the project's file
    # a schema folder: the .env of the folder holding it (Prisma: dirname of the path given)
    folder = root / "prisma" / "schema"
    write(folder / "main.prisma", "")
    assert env_value("C", tmp_path, schema=folder, environ={}) == "beside"


def test_prisma_url_parameters_are_translated_for_libpq(tmp_path: Path):
    url = (
        "postgresql://u:pw@db.example:5433/app?schema=my%20app&connection_limit=5&pgbouncer=true&sslmode=require"
        "&sslcert=certs/client.pem&sslrootcert=/abs/root.pem&pool_timeout=3&application_name=x"
    )
    conninfo, schema = prisma_url_to_libpq(url, tmp_path)
    assert schema == "my app"
    assert conninfo == (
        "postgresql://u:pw@db.example:5433/app?sslmode=require&sslcert="
        + str(tmp_path / "certs/client.pem").replace("/", "%2F")
        + "&sslrootcert=%2Fabs%2Froot.pem&application_name=x"
    )
    plain = "postgresql://postgres:@/db?host=/tmp/sock"
    assert prisma_url_to_libpq(plain) == (plain, "public")  # nothing to change: the very same text
    assert prisma_url_to_libpq("host=/tmp dbname=x") == ("host=/tmp dbname=x", "public")


# ------------------------------------------------------------------------------ reading the datasource
def test_direct_url_is_what_prisma_connects_with_and_both_must_resolve(tmp_path: Path):
    path = write(tmp_path / "s.prisma", schema_text(direct=f'env("{DIRECT}")', body=USER_MODELS))
    both = {VAR: "postgresql://pooled/db", DIRECT: "postgres://direct/db"}
    ds = read_schema_datasource(path, both.get)
    assert (ds.url, ds.key, ds.file, ds.line, ds.config_dir) == (
        "postgres://direct/db",
        "directUrl",
        str(path),
        4,
        tmp_path,
    )
    only_url = read_schema_datasource(write(tmp_path / "u.prisma", schema_text(body=USER_MODELS)), both.get)
    assert (only_url.url, only_url.key, only_url.line) == ("postgresql://pooled/db", "url", 3)
    # directUrl is looked at first: with neither set, Prisma names only the directUrl variable
    with pytest.raises(PslError) as neither:
        read_schema_datasource(path, {}.get)
    assert [(d.message, d.line) for d in neither.value.diagnostics] == [
        (f"Environment variable not found: {DIRECT}.", 4)
    ]
    with pytest.raises(PslError) as no_url:
        read_schema_datasource(path, {DIRECT: "postgres://direct/db"}.get)
    assert [(d.message, d.line) for d in no_url.value.diagnostics] == [(f"Environment variable not found: {VAR}.", 3)]


def test_only_the_syntax_and_the_configuration_are_checked_as_prisma_does(tmp_path: Path):
    env = {VAR: "postgresql://x/db"}.get
    bad_type = write(tmp_path / "t.prisma", schema_text(body="model A {\n  id Nope @id\n}\n"))
    assert read_schema_datasource(bad_type, env).url == "postgresql://x/db"  # Prisma's getConfig never looks
    syntax = write(tmp_path / "y.prisma", schema_text(body="model A {\n  id Int @id\n  %%\n}\n"))
    with pytest.raises(PslError) as exc:
        read_schema_datasource(syntax, env)
    assert [(d.message, d.line) for d in exc.value.diagnostics] == [
        ("Error validating: This line is not a valid field or attribute definition.", 7)
    ]
    config = write(tmp_path / "c.prisma", schema_text(extra="  schemas = []", body=USER_MODELS))
    with pytest.raises(PslError, match="If provided, the schemas array can not be empty."):
        read_schema_datasource(config, env)
    with pytest.raises(PslError, match="There is no datasource in the schema"):
        read_schema_datasource(write(tmp_path / "n.prisma", USER_MODELS), env)
    with pytest.raises(PslError, match="does not exist"):
        read_schema_datasource(tmp_path / "missing.prisma", env)
    folder = tmp_path / "multi"
    write(folder / "a.prisma", USER_MODELS)
    write(folder / "b" / "ds.prisma", schema_text(extra='  schemas = ["public", "audit"]'))
    ds = read_schema_datasource(folder, env)
    assert (ds.schemas, ds.file, ds.config_dir) == (("public", "audit"), str(folder / "b" / "ds.prisma"), folder / "b")


# ------------------------------------------------------------------------------ the Prisma CLI's reading
def _cached(oracle: PrismaOracle, key: list[str], call: Callable[[], OracleResult]) -> OracleResult:
    """``call()``, or its result kept from an earlier run with the same ``key`` (everything the CLI's output
    depends on: arguments with no temporary paths in them, file texts, environment)."""
    return oracle.cached(
        "diff-datasource", "diff-datasource", (part.encode("utf-8") for part in key), call, keep=(0, 1, 2)
    )


def _prisma_without_config(oracle: PrismaOracle, args: list[str], cwd: Path, env: dict[str, str]) -> OracleResult:
    """The Prisma CLI run from ``cwd`` (no ``prisma.config.ts`` there, so it loads ``.env`` files) with
    ``env`` added to a clean environment; the engines are never reached by the cases that use it. Paths
    in ``args`` are relative to ``cwd``, so the output, and the cache key, hold no temporary folder."""
    files = sorted(f for f in cwd.rglob("*") if f.is_file())
    key = [
        *args,
        *(f"{k}={v}" for k, v in sorted(env.items())),
        *(f"{f.relative_to(cwd)}\0{f.read_text()}" for f in files),
    ]

    def call() -> OracleResult:
        base = {k: v for k, v in oracle.env().items() if k not in ("DATABASE_URL", VAR, DIRECT)}
        proc = subprocess.run(
            ["node", str(oracle.cli_path), *args],
            cwd=cwd,
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        return OracleResult(tuple(args), proc.returncode, proc.stdout, proc.stderr)

    return _cached(oracle, ["without-config", *key], call)


def _report(text: str) -> str:
    """The ``error:`` block of a P1012 report, as Prisma prints it: nexo's column and ``^`` row removed."""
    body = text[text.index("error: ") : text.index("Validation Error Count:")]
    body = re.sub(r"(?m)^(  -->  .*:\d+):\d+$", r"\1", body)
    body = re.sub(r"(?m)^   \| +\^+\n", "", body)
    return body.rstrip("\n")


ERROR_CASES = {
    # name: (schema text, environment, the message Prisma prints)
    "unset-url": (schema_text(body=USER_MODELS), {}, f"Environment variable not found: {VAR}."),
    "unset-direct-url": (
        schema_text(direct=f'env("{DIRECT}")', body=USER_MODELS),
        {VAR: "postgresql://x@h/db"},
        f"Environment variable not found: {DIRECT}.",
    ),
    "neither-set": (
        schema_text(direct=f'env("{DIRECT}")', body=USER_MODELS),
        {},
        f"Environment variable not found: {DIRECT}.",
    ),
    "empty-url": (
        schema_text(body=USER_MODELS),
        {VAR: ""},
        f"Error validating datasource `db`: You must provide a nonempty URL. The environment variable "
        f"`{VAR}` resolved to an empty string.",
    ),
    "empty-direct-url": (
        schema_text(direct=f'env("{DIRECT}")', body=USER_MODELS),
        {VAR: "postgresql://h/db", DIRECT: ""},
        f"Error validating datasource `db`: You must provide a nonempty direct URL. The environment "
        f"variable `{DIRECT}` resolved to an empty string.",
    ),
    "not-postgres": (
        schema_text(body=USER_MODELS),
        {VAR: f"mysql://root:{PASSWORD}@h/db"},
        "Error validating datasource `db`: the URL must start with the protocol `postgresql://` or `postgres://`.",
    ),
    "invalid-model-syntax": (
        schema_text(body="model A {\n  id Int @id\n  %%\n}\n"),
        {VAR: "postgresql://h/db"},
        "Error validating: This line is not a valid field or attribute definition.",
    ),
}


@pytest.mark.parametrize("side", ["from", "to"])
@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_datasource_errors_are_prismas(case: str, side: str, tmp_path: Path, prisma_oracle: PrismaOracle):
    text, env, message = ERROR_CASES[case]
    write(tmp_path / "prisma" / "schema.prisma", text)
    other = "--to-empty" if side == "from" else "--from-empty"
    args = ["migrate", "diff", f"--{side}-schema-datasource", "prisma/schema.prisma", other, "--script"]
    theirs = _prisma_without_config(prisma_oracle, args, tmp_path, env)
    ours = run(["db:migrate:diff", *args[2:]], tmp_path, env)
    assert theirs.returncode == 1 and theirs.stdout == "", theirs.output
    assert ours.returncode == 1 and ours.stdout == "", ours.stderr
    assert f"error: {message}\n" in theirs.stderr
    assert "P1012" in ours.stderr and "P1012" in theirs.stderr
    assert _report(ours.stderr) == _report(theirs.stderr)  # file, line, message and the lines shown
    assert PASSWORD not in ours.stderr + ours.stdout


@pytest.mark.parametrize("where", ["beside-the-schema", "project-root"])
def test_env_files_are_read_as_prisma_reads_them(where: str, tmp_path: Path, prisma_oracle: PrismaOracle):
    """A ``.env`` beside the schema, or at the project root (Prisma: beside the nearest package.json;
    nexo: beside the pyproject.toml with ``[tool.nexo]``), defines the variable. Its value is not a
    PostgreSQL URL here, so both stop at the same report before connecting, which shows they read it."""
    project = tmp_path / "proj"
    write(project / "package.json", '{"name": "p", "version": "1.0.0"}\n')
    write(
        project / "pyproject.toml",
        '[project]\nname = "p"\nversion = "0"\n\n[tool.nexo]\nschema = "prisma/schema.prisma"\n',
    )
    write(project / "prisma" / "schema.prisma", schema_text(body=USER_MODELS))
    write(
        (project / "prisma" if where == "beside-the-schema" else project) / ".env",
        f'{VAR}="mysql://u:{PASSWORD}@h/db"\n',
    )
    args = [
        "migrate",
        "diff",
        "--from-schema-datasource",
        "prisma/schema.prisma",
        "--to-schema-datamodel",
        "prisma/schema.prisma",
        "--script",
    ]
    theirs = _prisma_without_config(prisma_oracle, args, project, {})
    ours = run(["db:migrate:diff", *args[2:]], project)
    assert theirs.returncode == ours.returncode == 1, theirs.output + ours.stderr
    assert "the URL must start with the protocol `postgresql://`" in theirs.stderr
    assert _report(ours.stderr) == _report(theirs.stderr)
    assert ours.stdout == theirs.stdout == ""


# ------------------------------------------------------------------------------ live databases, through the CLI
def _applied(url: str, sql: str) -> None:
    if sql.strip():
        with psycopg.connect(url, autocommit=True) as c:
            c.execute(sql)  # type: ignore[arg-type]


def test_empty_database_to_schema_then_nothing_once_applied(tmp_path: Path, db_url: str):
    schema = write(tmp_path / "schema.prisma", schema_text(body=USER_MODELS))
    env = {VAR: db_url}
    args = ["db:migrate:diff", "--from-schema-datasource", str(schema), "--to-schema-datamodel", str(schema)]
    script = run([*args, "--script"], tmp_path, env)
    assert script.returncode == 0, script.stderr
    expected = diff(None, relational_model(validate_source(schema.read_text()).raise_for_errors())).script()
    assert script.stdout == expected + "\n" and 'CREATE TABLE "User"' in expected
    summary = run([*args, "--exit-code"], tmp_path, env)
    assert summary.returncode == 2
    assert summary.stdout == (
        "\n[+] Added tables\n  - User\n\n[*] Changed the `User` table\n  [+] Added unique index on columns (email)\n"
    )
    _applied(db_url, expected)
    same = run([*args, "--exit-code"], tmp_path, env)
    assert (same.returncode, same.stdout) == (0, "No difference detected.\n\n"), same.stderr
    empty = run([*args, "--exit-code", "--script"], tmp_path, env)
    assert (empty.returncode, empty.stdout) == (0, "-- This is an empty migration.\n\n")
    back = run(["db:migrate:diff", "--from-empty", "--to-schema-datasource", str(schema), "--script"], tmp_path, env)
    assert back.returncode == 0, back.stderr  # the database is the schema now, read as its "public" schema:
    qualified = expected.replace('CREATE TABLE "User"', 'CREATE TABLE "public"."User"').replace(
        'ON "User"("email")', 'ON "public"."User"("email" ASC)'
    )
    assert back.stdout == '-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n' + qualified + "\n"


def test_url_from_a_dotenv_file_and_no_password_in_any_output(tmp_path: Path, db_url: str):
    project = tmp_path / "proj"
    write(project / "pyproject.toml", '[project]\nname = "p"\nversion = "0"\n\n[tool.nexo]\n')
    schema = write(project / "prisma" / "schema.prisma", schema_text(body=USER_MODELS))
    execute(db_url, 'CREATE TABLE "User" (id integer PRIMARY KEY)')
    write(project / ".env", f"{VAR}={db_url}\n")
    args = [
        "db:migrate:diff",
        "--from-schema-datasource",
        "prisma/schema.prisma",
        "--to-schema-datamodel",
        "prisma/schema.prisma",
        "--script",
    ]
    r = run(args, project)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("-- AlterTable\n") and 'ADD COLUMN     "email" TEXT NOT NULL' in r.stdout
    assert r.stdout == run(args, project, {VAR: db_url}).stdout  # the same database as named in the environment
    # the process environment wins over the file: a database that does not exist, with a password
    missing = with_password(re.sub(r"/(nexo_t_\w+)", "/nexo_t_missing_db", db_url))
    bad = run(args, project, {VAR: missing})
    assert bad.returncode == 1 and bad.stdout == ""
    assert "Can't reach the database" in bad.stderr and "nexo_t_missing_db" in bad.stderr
    assert PASSWORD not in bad.stderr and "****" in bad.stderr
    # a literal URL in the schema, with a password, that is not PostgreSQL's: the report shows the line, masked
    write(schema, schema_text(url=f'"mysql://root:{PASSWORD}@h/db"', body=USER_MODELS))
    lit = run(args, project)
    assert lit.returncode == 1 and "the URL must start with the protocol" in lit.stderr
    assert PASSWORD not in lit.stderr and 'url       = "mysql://root:****@h/db"' in lit.stderr


def test_unset_variable_names_file_line_and_variable(tmp_path: Path):
    schema = write(tmp_path / "schema.prisma", schema_text(direct=f'env("{DIRECT}")', body=USER_MODELS))
    r = run(
        [
            "db:migrate:diff",
            "--from-schema-datamodel",
            str(schema),
            "--to-schema-datasource",
            str(schema),
            "--exit-code",
        ],
        tmp_path,
        {VAR: with_password("postgresql://postgres:@127.0.0.1:1/db")},
    )
    assert r.returncode == 1 and r.stdout == ""
    assert f"Environment variable not found: {DIRECT}." in r.stderr
    assert "-->  schema.prisma:4:15\n" in r.stderr and "P1012" in r.stderr  # relative: it lies under the cwd
    assert PASSWORD not in r.stderr
    assert not (tmp_path / ".nexo").exists()  # no embedded server either


def test_everything_is_read_before_a_connection_is_tried(tmp_path: Path):
    """An unreachable datasource on one side and a broken schema on the other: the schema is reported."""
    good = write(tmp_path / "good.prisma", schema_text(body=USER_MODELS))
    bad = write(tmp_path / "bad.prisma", schema_text(body=USER_MODELS.replace("String?", "Strng?")))
    env = {VAR: "postgresql://nobody@127.0.0.1:1/nowhere?connect_timeout=2"}
    r = run(
        ["db:migrate:diff", "--from-schema-datasource", str(good), "--to-schema-datamodel", str(bad)], tmp_path, env
    )
    assert r.returncode == 1 and 'Type "Strng" is neither a built-in type' in r.stderr
    assert "Can't reach" not in r.stderr
    missing = run(
        ["db:migrate:diff", "--from-schema-datasource", str(tmp_path / "nope.prisma"), "--to-empty"], tmp_path
    )
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    # a datasource error on the "to" side is found before the "from" database is connected to
    to = run(
        [
            "db:migrate:diff",
            "--from-schema-datasource",
            str(good),
            "--to-schema-datasource",
            str(write(tmp_path / "other.prisma", schema_text(url='env("NEXO_T_DS_UNSET")'))),
        ],
        tmp_path,
        env,
    )
    assert to.returncode == 1 and "Environment variable not found: NEXO_T_DS_UNSET." in to.stderr
    assert "Can't reach" not in to.stderr
    assert not (tmp_path / ".nexo").exists()


def test_source_count_errors_list_the_new_sources(tmp_path: Path):
    s = str(write(tmp_path / "s.prisma", schema_text(body=USER_MODELS)))
    two = run(["db:migrate:diff", "--from-schema-datasource", s, "--from-empty", "--to-empty"], tmp_path)
    assert two.returncode == 2 and "2 `--from-...` parameter(s) provided. 1 must be provided." in two.stderr
    assert "--from-schema-datasource" in two.stderr
    none = run(["db:migrate:diff", "--from-empty", "--exit-code"], tmp_path)
    assert none.returncode == 1 and "0 `--to-...` parameter(s) provided." in none.stderr
    assert "--to-schema-datasource" in none.stderr


def test_the_urls_schema_parameter_and_the_datasource_schemas(db_url: str, tmp_path: Path):
    execute(
        db_url,
        "CREATE SCHEMA app",
        'CREATE TABLE app."Item" (id integer PRIMARY KEY)',
        'CREATE TABLE public."Other" (id integer PRIMARY KEY)',
    )
    item = "model Item {\n  id Int @id\n}\n"
    single = write(tmp_path / "single.prisma", schema_text(body=item))
    app = run(
        [
            "db:migrate:diff",
            "--from-schema-datasource",
            str(single),
            "--to-schema-datamodel",
            str(single),
            "--exit-code",
        ],
        tmp_path,
        {VAR: db_url + "&schema=app"},
    )  # the fixture's URL has ?host=…
    assert (app.returncode, app.stdout) == (0, "No difference detected.\n\n"), app.stderr
    public = run(
        [
            "db:migrate:diff",
            "--from-schema-datasource",
            str(single),
            "--to-schema-datamodel",
            str(single),
            "--exit-code",
            "--script",
        ],
        tmp_path,
        {VAR: db_url},
    )  # no ?schema=: public, as for Prisma
    assert public.returncode == 2
    assert 'DROP TABLE "Other";' in public.stdout and 'CREATE TABLE "Item"' in public.stdout
    multi = write(
        tmp_path / "multi.prisma",
        schema_text(
            extra='  schemas   = ["app", "public"]',
            body='model Item {\n  id Int @id\n\n  @@schema("app")\n}\n\nmodel Other {\n  id Int @id\n\n  @@schema("public")\n}\n',
        ),
    )
    both = run(
        ["db:migrate:diff", "--from-schema-datasource", str(multi), "--to-schema-datamodel", str(multi), "--exit-code"],
        tmp_path,
        {VAR: db_url},
    )
    assert (both.returncode, both.stdout) == (0, "No difference detected.\n\n"), both.stderr
    # the datamodel side's schemas count too (Prisma unions them): a datasource without a list reads both
    union = run(
        [
            "db:migrate:diff",
            "--from-schema-datasource",
            str(single),
            "--to-schema-datamodel",
            str(multi),
            "--exit-code",
        ],
        tmp_path,
        {VAR: db_url},
    )
    assert (union.returncode, union.stdout) == (0, "No difference detected.\n\n"), union.stderr


def test_the_api_takes_an_env_lookup(db_url: str, tmp_path: Path):
    schema = write(tmp_path / "s.prisma", schema_text(body=USER_MODELS))
    seen = []

    def lookup(name: str, path: Path) -> str | None:
        seen.append((name, path))
        return db_url

    outcome = migrate_diff(
        Source("schema-datasource", str(schema)), Source("schema", str(schema)), server_url=None, env=lookup
    )
    assert seen == [(VAR, schema)]
    assert 'CREATE TABLE "User"' in outcome.script()
    assert Source("schema-datasource", str(schema)).describe() == f"schema-datasource {schema}"


def test_an_env_error_loads_no_database_driver(tmp_path: Path):
    from test_imports import LAST_REPORT, run_cli

    write(tmp_path / "s.prisma", schema_text(body=USER_MODELS))
    code, out, err, loaded = run_cli(
        ["db:migrate:diff", "--from-schema-datasource", "s.prisma", "--to-empty"], tmp_path
    )
    assert code == 1 and out == "" and f"Environment variable not found: {VAR}." in err
    assert loaded == [] and LAST_REPORT["database_side"] == []


# ------------------------------------------------------------------------------ the same pairs, with Prisma
@pytest.fixture(scope="module")
def adapter_shim(prisma_oracle: PrismaOracle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return patched_adapter_folder(prisma_oracle.cache_dir, tmp_path_factory.mktemp("ds-oracle") / "cli")


TABLES_SQL = """CREATE TYPE "Role" AS ENUM ('ADMIN', 'USER');
CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "role" "Role" NOT NULL DEFAULT 'USER',
    CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Old" ("id" INTEGER NOT NULL, "userId" INTEGER, CONSTRAINT "Old_pkey" PRIMARY KEY ("id"));
ALTER TABLE "Old" ADD CONSTRAINT "Old_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id");
CREATE INDEX "Old_userId_idx" ON "Old"("userId");
"""
MULTI_SQL = """CREATE SCHEMA "audit";
CREATE TABLE "audit"."Entry" ("id" INTEGER NOT NULL, "note" VARCHAR(20), CONSTRAINT "Entry_pkey" PRIMARY KEY ("id"));
CREATE TABLE "public"."User" ("id" INTEGER NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
"""
MULTI_MODELS = """model User {
  id    Int    @id
  email String @unique

  @@schema("public")
}

model Entry {
  id   Int     @id
  note String? @db.VarChar(40)

  @@schema("audit")
}
"""
# name: (the database's SQL, the schema's text)
LIVE_CASES = {
    "empty-database": ("", schema_text('env("DATABASE_URL")', body=POST_MODELS)),
    "some-tables": (TABLES_SQL, schema_text('env("DATABASE_URL")', body=POST_MODELS)),
    "in-sync": (None, schema_text('env("DATABASE_URL")', body=POST_MODELS)),  # None: the schema's own script
    "multi-schema": (
        MULTI_SQL,
        schema_text('env("DATABASE_URL")', extra='  schemas   = ["audit", "public"]', body=MULTI_MODELS),
    ),
}
LIVE_PARAMS = [  # (case, the side the database is on, --script, --exit-code)
    *((case, "from", True, False) for case in LIVE_CASES),
    *((case, "from", False, True) for case in LIVE_CASES),
    ("some-tables", "from", True, True),
    ("in-sync", "from", True, True),
    ("in-sync", "from", False, False),
    ("multi-schema", "to", True, True),
    ("multi-schema", "to", False, False),
    ("some-tables", "to", False, False),
    ("empty-database", "to", False, True),
    ("some-tables", "to", True, False),
    ("empty-database", "to", True, False),
    ("some-tables", "to", True, True),
    *(("in-sync", "to", script, exit_code) for script in (True, False) for exit_code in (True, False)),
]


def _live_pair(
    case: str,
    side: str,
    flags: list[str],
    tmp_path: Path,
    db_url: str,
    pg_server_url: str,
    shim: Path,
    oracle: PrismaOracle,
) -> tuple[subprocess.CompletedProcess, OracleResult]:
    """nexo's diff with the database (built by the case's SQL) on ``side``, and Prisma's, whose
    migrations folder holds that SQL; the other side is the case's schema."""
    sql, text = LIVE_CASES[case]
    schema = write(tmp_path / "schema.prisma", text)
    if sql is None:
        sql = diff(None, relational_model(validate_source(text).raise_for_errors())).script()
    _applied(db_url, sql)
    migrations = tmp_path / "migrations"
    write(migrations / "migration_lock.toml", 'provider = "postgresql"\n')
    if sql.strip():
        write(migrations / "20240101000000_before" / "migration.sql", sql)
    if side == "from":
        ours_args = ["--from-schema-datasource", str(schema), "--to-schema-datamodel", str(schema)]
        their_args = ["--from-migrations", str(migrations), "--to-schema-datamodel", str(schema)]
    else:
        ours_args = ["--from-schema-datamodel", str(schema), "--to-schema-datasource", str(schema)]
        their_args = ["--from-schema-datamodel", str(schema), "--to-migrations", str(migrations)]
    ours = run(["db:migrate:diff", *ours_args, *flags], tmp_path, {"DATABASE_URL": db_url})

    def call() -> OracleResult:
        with fresh_database(pg_server_url) as scratch:  # Prisma replays the migrations in its adapter's database
            cli = PrismaOracle(scratch, cache_dir=shim)
            cli._installed = True  # the patched copy is complete; never npm-install into it
            return cli.run("migrate", "diff", *their_args, *flags)

    key = ["live", side, *flags, sql, text]
    return ours, _cached(oracle, key, call)


@pytest.mark.parametrize(("case", "side", "script", "exit_code"), LIVE_PARAMS, ids=lambda v: str(v))
def test_same_text_and_exit_code_as_prisma(
    case: str,
    side: str,
    script: bool,
    exit_code: bool,
    tmp_path: Path,
    db_url: str,
    pg_server_url: str,
    adapter_shim: Path,
    prisma_oracle: PrismaOracle,
):
    flags = (["--script"] if script else []) + (["--exit-code"] if exit_code else [])
    ours, theirs = _live_pair(case, side, flags, tmp_path, db_url, pg_server_url, adapter_shim, prisma_oracle)
    assert theirs.returncode in (0, 2), theirs.output
    assert ours.returncode == theirs.returncode, ours.stderr
    assert ours.stdout == theirs.stdout
    if case == "in-sync" and side == "from":
        assert theirs.returncode == 0 and theirs.stdout in (
            "No difference detected.\n\n",
            "-- This is an empty migration.\n\n",
        )
    if case == "in-sync" and side == "to":
        # a single-schema database is read as its "public" schema, which the schema side lacks: a step
        # that creates it, which the summary shows as nothing (no "No difference detected."), a change
        # for --exit-code
        want = '-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n' if script else "\n"
        assert (theirs.returncode, theirs.stdout) == ((2, want) if exit_code else (0, want + "\n"))
    if side == "to" and script and case != "multi-schema":
        assert theirs.stdout.startswith('-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n')
