"""``nexo db:generate``: options, layout, determinism, safety, metadata vs migrations, watch, CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest

from nexo.client.meta import SchemaMeta
from nexo.generator import GenerateResult, GeneratorError, generate, render_package, watch
from nexo.generator.emit import HEADER_MARK
from nexo.generator.options import read_generators
from nexo.generator.view import CLIENT_ATTRIBUTES, build_view
from nexo.psl import validate_path, validate_source

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

DS = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'
SMALL = (
    DS
    + """
generator client {
  provider = "prisma-client-py"
%s
}

model Item {
  id    Int    @id @default(autoincrement())
  name  String
}
"""
)


def write(folder: Path, text: str, name: str = "schema.prisma") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def package_bytes(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


# ------------------------------------------------------------------------------------------- options


def test_other_generators_are_ignored_with_a_note(tmp_path: Path) -> None:
    schema = write(tmp_path, SMALL % "" + '\ngenerator js {\n  provider = "prisma-client-js"\n}\n')
    result = generate(schema, project=tmp_path)
    assert [c.options.name for c in result.clients] == ["client"]
    assert any('"js"' in n and "ignored" in n for n in result.notes)
    assert "ignored" in result.render()


def test_no_python_generator_is_an_error(tmp_path: Path) -> None:
    schema = write(tmp_path, DS + 'generator js {\n  provider = "prisma-client-js"\n}\nmodel A {\n  id Int @id\n}\n')
    with pytest.raises(GeneratorError, match='provider "prisma-client-py"') as err:
        generate(schema, project=tmp_path)
    assert err.value.file == str(schema)
    assert not (tmp_path / "prisma").exists()


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ('nope = "x"', "unknown option"),
        ('interface = "threads"', "interface must be"),
        ("recursive_type_depth = 1", "at least 2"),
        ("recursive_type_depth = 0", "at least 2"),
        ("recursive_type_depth = -2", "at least 2"),
        ('recursive_type_depth = "deep"', "must be an integer"),
        ('http = "aiohttp"', "http option was removed"),
        ('engineType = "library"', 'only "binary"'),
        ('enable_experimental_decimal = "perhaps"', "true or false"),
        ('output = "./not-a-package"', "cannot be imported"),
    ],
)
def test_bad_options_name_the_generator_block(tmp_path: Path, option: str, message: str) -> None:
    schema = write(tmp_path, SMALL % f"  {option}")
    with pytest.raises(GeneratorError, match=message) as err:
        generate(schema, project=tmp_path)
    assert err.value.file == str(schema) and err.value.line == 6
    assert f"{schema}:6" in str(err.value)


def test_options_from_block_and_environment(tmp_path: Path) -> None:
    schema = validate_source(
        SMALL % '  recursive_type_depth = -1\n  partial_type_generator = "x.py"', str(tmp_path / "s.prisma")
    ).raise_for_errors()
    (opts,), _ = read_generators(
        schema, {"PRISMA_PY_CONFIG_INTERFACE": "sync", "PRISMA_PY_CONFIG_RECURSIVE_TYPE_DEPTH": "9"}
    )
    assert opts.interface == "sync"  # from the environment: the block does not set it
    assert opts.recursive_type_depth == -1  # the block wins over the environment
    assert opts.partial_type_generator == "x.py"
    assert opts.output == tmp_path / "prisma" and opts.package == "prisma"


def test_default_output_is_an_importable_prisma_package(tmp_path: Path) -> None:
    # schema at the project root: ./prisma/ next to it
    root = tmp_path / "app"
    schema = write(root, SMALL % "")
    generate(schema, project=root)
    assert (root / "prisma" / "__init__.py").read_text().startswith(HEADER_MARK)
    # the usual prisma/schema.prisma layout: the package is the schema's own folder
    other = tmp_path / "app2"
    schema2 = write(other / "prisma", SMALL % "")
    (other / "prisma" / "migrations").mkdir()
    result = generate(schema2, project=other)
    assert result.clients[0].options.output == (other / "prisma").resolve()
    assert (other / "prisma" / "schema.prisma").exists() and (other / "prisma" / "client.py").exists()
    # existing code works unchanged: `from prisma import Prisma` from the project folder
    code = (
        "from prisma import Prisma, Json, Base64, errors, models, types, enums, partials\n"
        "from prisma.models import Item\n"
        "db = Prisma(use_dotenv=False)\n"
        "assert type(db.item).__name__ == 'ItemActions' and Item.__prisma_model__ == 'Item'\n"
        "assert issubclass(errors.UniqueViolationError, errors.DataError)\n"
        "print('ok')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    proc = subprocess.run([sys.executable, "-c", code], cwd=other, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_shadowing_installed_prisma_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    (site / "prisma").mkdir(parents=True)
    (site / "prisma" / "__init__.py").write_text("# Prisma Client Python\n")
    monkeypatch.syspath_prepend(str(site))
    project = tmp_path / "proj"
    schema = write(project, SMALL % "")
    result = generate(schema, project=project)
    notes = "\n".join(result.clients[0].notes)
    assert "another `prisma` package is installed at" in notes and str(site / "prisma") in notes
    assert "pip uninstall prisma" in notes
    # nothing else installed under that name: no warning
    other = generate(write(tmp_path / "p2", SMALL % '  output = "./uniquely_named_client"'), project=tmp_path / "p2")
    assert not any("Warning" in n for n in other.clients[0].notes)


def test_output_folder_with_foreign_files_is_refused(tmp_path: Path) -> None:
    schema = write(tmp_path, SMALL % "")
    (tmp_path / "prisma").mkdir()
    mine = tmp_path / "prisma" / "client.py"
    mine.write_text("print('my own code')\n")
    with pytest.raises(GeneratorError, match="nexo did not generate: client.py"):
        generate(schema, project=tmp_path)
    assert mine.read_text() == "print('my own code')\n"
    assert sorted(p.name for p in (tmp_path / "prisma").iterdir()) == ["client.py"]


def test_names_python_cannot_use_are_errors(tmp_path: Path) -> None:
    bad_field = DS + 'generator c {\n  provider = "prisma-client-py"\n}\nmodel A {\n  id   Int @id\n  json String\n}\n'
    with pytest.raises(GeneratorError, match="A.json cannot be used") as err:
        generate(write(tmp_path / "f", bad_field), project=tmp_path / "f")
    assert err.value.line == 10
    clash = DS + 'generator c {\n  provider = "prisma-client-py"\n}\nmodel Tx {\n  id Int @id\n}\n'
    with pytest.raises(GeneratorError, match="db.tx.*clashes|'tx' of model Tx clashes"):
        generate(write(tmp_path / "g", clash), project=tmp_path / "g")
    renamed = (
        DS
        + 'generator c {\n  provider = "prisma-client-py"\n}\n/// @Python(instance_name: "txn")\nmodel Tx {\n  id Int @id\n}\n'
    )
    result = generate(write(tmp_path / "h", renamed), project=tmp_path / "h")
    assert "def txn(self)" in (result.clients[0].options.output / "client.py").read_text()


def test_client_attribute_list_covers_the_runtime() -> None:
    from nexo.client.engine import Client

    public = {n for n in dir(Client) if not n.startswith("_")} | {
        "meta",
        "datasource_url",
        "model_factory",
        "min_size",
        "max_size",
    }
    public |= {"connect_timeout", "tenant_setting", "log_queries"}
    assert public <= CLIENT_ATTRIBUTES | {"is_registered"}, sorted(public - CLIENT_ATTRIBUTES)


# ------------------------------------------------------------------------------------------- output


def test_generation_is_deterministic_and_location_free(tmp_path: Path) -> None:
    text = (HERE / "feature.prisma").read_text()
    a = write(tmp_path / "a", text)
    b = write(tmp_path / "elsewhere" / "b", text)
    generate(a, project=tmp_path / "a")
    generate(b, project=tmp_path / "elsewhere" / "b")
    first, second = package_bytes(tmp_path / "a" / "prisma"), package_bytes(tmp_path / "elsewhere" / "b" / "prisma")
    assert first == second and len(first) >= 15
    # generating again writes nothing new
    again = generate(a, project=tmp_path / "a")
    assert again.clients[0].written == [] and package_bytes(tmp_path / "a" / "prisma") == first
    for name, data in first.items():
        assert str(tmp_path).encode() not in data, name


def test_generated_code_is_formatted_typed_python(generated: SimpleNamespace) -> None:
    for pkg in ("feature_client", "feature_sync", "crm_client"):
        root = generated.root / f"{pkg}_schema" / pkg
        for path in sorted(root.rglob("*.py")):
            text = path.read_text()
            assert text.startswith(HEADER_MARK), path
            compile(text, str(path), "exec")
            lines = text.splitlines()
            assert all(line == line.rstrip() for line in lines), f"trailing whitespace in {path}"
            assert max(len(line) for line in lines) <= 130, path
            assert "\t" not in text and text.endswith("\n") and not text.endswith("\n\n")
        assert (root / "py.typed").exists()
    sync = (generated.root / "feature_sync_schema" / "feature_sync" / "actions.py").read_text()
    assert "async def" not in sync and "await " not in sync and "def find_many(" in sync
    asyncio_text = (generated.root / "feature_client_schema" / "feature_client" / "actions.py").read_text()
    assert "-> Coroutine[Any, Any, List[_PrismaModelT]]:" in asyncio_text and "await self" not in asyncio_text
    assert "async def connect" not in asyncio_text


def test_package_layout_and_names(generated: SimpleNamespace) -> None:
    fc = generated.feature
    assert {"Prisma", "Client", "Batch", "register", "get_client", "load_env", "Json", "Base64"} <= set(fc.__all__)
    assert fc.Client is fc.Prisma
    assert (
        issubclass(fc.enums.Role, str)
        and fc.enums.Role.ADMIN == "ADMIN"
        and [r.value for r in fc.enums.Role] == ["USER", "ADMIN", "EDITOR"]
    )
    from pydantic import BaseModel

    assert issubclass(fc.models.User, BaseModel) and issubclass(fc.models.User, fc.bases.BaseUser)
    assert (
        fc.models.User.model_fields["name"].is_required() is False
        and fc.models.User.model_fields["email"].is_required()
    )
    assert {"User", "Profile", "Post", "Category", "Comment", "Membership"} == fc.metadata.PRISMA_MODELS
    assert fc.metadata.RELATIONAL_FIELD_MAPPINGS["Post"] == {
        "author": "User",
        "categories": "Category",
        "comments": "Comment",
    }
    for name in (
        "UserCreateInput",
        "UserWhereInput",
        "UserWhereUniqueInput",
        "UserUpdateInput",
        "UserInclude",
        "StringFilter",
        "UserGroupByOutput",
        "UserWhereInputRecursive2",
    ):
        assert hasattr(fc.types, name), name
    assert not hasattr(fc.types, "UserWhereInputRecursive3")  # recursive_type_depth = 3
    from nexo.client import errors as runtime_errors
    from nexo.client.fields import Json

    assert fc.errors.UniqueViolationError is runtime_errors.UniqueViolationError and fc.Json is Json
    import importlib

    engine_errors = importlib.import_module("feature_client.engine.errors")
    assert engine_errors.AlreadyConnectedError is runtime_errors.AlreadyConnectedError
    crm = generated.crm
    assert [
        a
        for a in ("account", "user", "role", "userrole", "client", "supplier", "employee", "professional")
        if not hasattr(crm.Prisma, a)
    ] == []


def test_metadata_matches_the_migrations(crm_url: str, generated: SimpleNamespace) -> None:
    """Every table, column, join table and constraint the client uses exists in the database the
    repo's migrations create (CRM), and in the Prisma-made DDL of the feature schema."""
    for url, meta in ((crm_url, SchemaMeta.from_dict(generated.crm.metadata.META)),):
        with psycopg.connect(url) as c:
            cols = {
                (t, col)
                for t, col in c.execute(
                    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
                )
            }
            cons = {r[0] for r in c.execute("SELECT conname FROM pg_constraint")} | {
                r[0] for r in c.execute("SELECT indexname FROM pg_indexes")
            }
            enums = {
                (r[0], r[1])
                for r in c.execute("SELECT t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid")
            }
        for m in meta.models.values():
            for f in m.scalar_fields:
                assert (m.db_name, f.db_name) in cols, (m.name, f.name)
            for name in m.constraints:
                assert name in cons, (m.name, name)
            for r in m.relations:
                if r.join_table:
                    assert (r.join_table, "A") in cols and (r.join_table, "B") in cols
        for e in meta.enums.values():
            assert {(e.db_name, v) for v in e.values.values()} <= enums


def test_feature_metadata_matches_prisma_ddl(feature_url: str, generated: SimpleNamespace) -> None:
    meta = SchemaMeta.from_dict(generated.feature.metadata.META)
    with psycopg.connect(feature_url) as c:
        cols = {
            (t, col)
            for t, col in c.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
            )
        }
        cons = {r[0] for r in c.execute("SELECT conname FROM pg_constraint")} | {
            r[0] for r in c.execute("SELECT indexname FROM pg_indexes")
        }
    post = meta.model("Post")
    assert post.relation("categories").join_table == "_CategoryToPost" and post.relation("categories").join_self == "B"  # type: ignore[union-attr]
    assert meta.model("Category").relation("posts").join_self == "A"  # type: ignore[union-attr]
    for m in meta.models.values():
        assert all((m.db_name, f.db_name) in cols for f in m.scalar_fields), m.name
        assert set(m.constraints) <= cons, m.name
    assert meta.model("User").field("updatedAt").is_updated_at  # type: ignore[union-attr]
    assert meta.model("Comment").field("id").default == "nanoid"  # type: ignore[union-attr]
    assert meta.model("Membership").unique_sets == {
        "orgId_userEmail": ("orgId", "userEmail"),
        "email_level": ("userEmail", "level"),
    }


def test_tenant_setting_comes_from_the_nexo_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.nexo]\ntenant_setting = "app.tenant_id"\n')
    schema = write(tmp_path, SMALL % '  output = "./tenant_client"')
    generate(schema, project=tmp_path)
    text = (tmp_path / "tenant_client" / "metadata.py").read_text()
    assert "'tenant_setting': 'app.tenant_id'" in text


def test_render_package_is_pure() -> None:
    schema = validate_path(REPO / "schema.prisma").raise_for_errors()
    (opts,), _ = read_generators(schema, {})
    view = build_view(schema, "app.current_account_id")
    assert render_package(view, opts, "schema.prisma") == render_package(
        build_view(schema, "app.current_account_id"), opts, "schema.prisma"
    )


def test_generation_speed_is_measured(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Not a timing assertion: the measured time is reported (``elapsed_ms``) and printed by the CLI."""
    schema = write(tmp_path, (REPO / "schema.prisma").read_text())
    result = generate(schema, project=tmp_path)
    assert result.elapsed_ms > 0 and "ms" in result.render()
    print(f"CRM schema generated in {result.elapsed_ms:.0f} ms")


# ------------------------------------------------------------------------------------------- partials


PARTIAL_SCHEMA = (
    DS
    + """
generator client {
  provider               = "prisma-client-py"
  output                 = "./partial_client"
  partial_type_generator = "partial_types.py"
}

model User {
  id       Int     @id @default(autoincrement())
  email    String  @unique
  password String
  name     String?
  posts    Post[]
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  body     String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])
}
"""
)


def test_partial_type_generator(tmp_path: Path) -> None:
    write(tmp_path, PARTIAL_SCHEMA)
    (tmp_path / "partial_types.py").write_text(
        "from partial_client.models import Post, User\n"
        "User.create_partial('UserPublic', exclude={'password'}, relations={'posts': 'PostTitle'})\n"
        "User.create_partial('UserName', include={'name'}, required={'name'})\n"
        "Post.create_partial('PostTitle', include={'id', 'title'})\n"
    )
    result = generate(tmp_path / "schema.prisma", project=tmp_path)
    assert result.clients[0].partials == ["UserPublic", "UserName", "PostTitle"]
    text = (tmp_path / "partial_client" / "partials.py").read_text()
    assert "class UserPublic(bases.BaseUser):" in text and "password" not in text.split("class UserName")[0]
    assert "posts: Optional[List[PostTitle]] = None" in text
    assert "    name: str\n" in text  # required by the partial
    # a failing script leaves the output as it was
    before = package_bytes(tmp_path / "partial_client")
    (tmp_path / "partial_types.py").write_text(
        "from partial_client.models import User\nUser.create_partial('Bad', include={'nope'})\n"
    )
    with pytest.raises(GeneratorError, match="does not have: nope"):
        generate(tmp_path / "schema.prisma", project=tmp_path)
    assert package_bytes(tmp_path / "partial_client") == before
    (tmp_path / "partial_types.py").write_text("raise SystemExit(3)\n")
    with pytest.raises(GeneratorError, match="exit 3"):
        generate(tmp_path / "schema.prisma", project=tmp_path)


def test_create_partial_only_during_generation(generated: SimpleNamespace) -> None:
    with pytest.raises(RuntimeError, match="only be called while generating"):
        generated.feature.models.User.create_partial("Nope", include={"email"})


# ------------------------------------------------------------------------------------------- watch and CLI


def replace_atomically(path: Path, text: str) -> None:
    """An editor-like save: the watcher never sees a half-written file (write_text truncates first,
    and a poll between the truncate and the write would read an empty schema)."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def test_watch_regenerates_on_change(tmp_path: Path) -> None:
    schema = write(tmp_path, SMALL % '  output = "./watched_client"')
    results: list[GenerateResult | Exception] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=watch,
        kwargs={"schema": schema, "project": tmp_path, "on_result": results.append, "stop": stop, "interval": 0.05},
    )
    thread.start()
    models = tmp_path / "watched_client" / "models.py"

    def wait_for(cond: Any, what: str) -> None:
        deadline = time.monotonic() + 60
        while not cond():
            assert time.monotonic() < deadline, f"the watcher did not {what}"
            time.sleep(0.05)

    try:
        wait_for(lambda: len(results) >= 1, "generate at start")
        assert isinstance(results[0], GenerateResult) and "name: str" in models.read_text()
        replace_atomically(
            schema, (SMALL % '  output = "./watched_client"').replace("name  String", "name  String\n  price Float?")
        )
        wait_for(lambda: len(results) >= 2, "regenerate after a change")
        assert "price: Optional[float] = None" in models.read_text()
        replace_atomically(schema, "model Broken {")
        wait_for(lambda: len(results) >= 3, "report a broken schema")
        assert isinstance(results[2], Exception) and "price" in models.read_text()
        replace_atomically(schema, SMALL % '  output = "./watched_client"')
        wait_for(lambda: len(results) >= 4, "recover after the schema is fixed")
        assert isinstance(results[3], GenerateResult) and "price" not in models.read_text()
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nexo.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_cli_generate(tmp_path: Path) -> None:
    import json

    schema = write(tmp_path, SMALL % '  output = "./cli_client"')
    ok = _cli(["db:generate", "--schema", str(schema), "--project", str(tmp_path), "--json"], tmp_path)
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert data["clients"][0]["package"] == "cli_client" and "client.py" in data["clients"][0]["written"]
    text = _cli(["db:generate", "--schema", str(schema), "--project", str(tmp_path)], tmp_path)
    assert text.returncode == 0 and "cli_client" in text.stdout and "ms" in text.stdout
    bad = write(tmp_path / "bad", SMALL % '  interface = "threads"')
    failed = _cli(["db:generate", "--schema", str(bad), "--project", str(tmp_path / "bad")], tmp_path)
    assert failed.returncode == 1 and "interface must be" in failed.stderr and f"{bad}:6" in failed.stderr
    usage = _cli(["db:generate", "--bogus"], tmp_path)
    assert usage.returncode == 2


def test_cli_watch_regenerates(tmp_path: Path) -> None:
    schema = write(tmp_path, SMALL % '  output = "./cli_watch"')
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nexo.cli",
            "db:generate",
            "--watch",
            "--schema",
            str(schema),
            "--project",
            str(tmp_path),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    models = tmp_path / "cli_watch" / "models.py"
    try:
        deadline = time.monotonic() + 60
        while not (models.exists() and "name: str" in models.read_text()):
            assert time.monotonic() < deadline and proc.poll() is None, "the watcher did not generate"
            time.sleep(0.1)
        time.sleep(0.5)  # the watcher now holds the schema's fingerprint
        schema.write_text((SMALL % '  output = "./cli_watch"').replace("name  String", "name  String\n  sku   String?"))
        while "sku: Optional[str] = None" not in models.read_text():
            assert time.monotonic() < deadline and proc.poll() is None, "the watcher did not regenerate"
            time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(10)
