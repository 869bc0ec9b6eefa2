"""The generators step that ends ``db:migrate:dev``, ``db:push`` and ``db:reset`` (like Prisma's
``migrate dev`` / ``db push`` / ``migrate reset``), ``--skip-generate``, and ``db:push --force-reset``.

Generated clients are imported in a fresh interpreter (the package name is the same across tests).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from devproject import (
    DATASOURCE,
    USERS,
    USERS_POSTS,
    USERS_WITH_REQUIRED_AGE,
    columns,
    config,
    execute,
    migration_names,
    run,
    scalar,
    set_schema,
    tables,
    write_project,
    write_sql_layer,
)
from migrate_helpers import rows
from rich.console import Console

from nexo import orchestrate, report
from nexo.db import with_database
from nexo.migrate.errors import FailedAfterReset, ResetRefused, UnexecutableChanges
from nexo.migrate.reset import PRODUCTION_FLAG

PY_GENERATOR = """generator client {
  provider = "prisma-client-py"
  output   = "./appclient"
  recursive_type_depth = 5
}
"""
JS_GENERATOR = """generator js {
  provider = "prisma-client-js"
}
"""
JS_NOTE = 'generator "js" (provider "prisma-client-js") is not a Python client generator: ignored'


def with_generator(schema: str, generator: str = PY_GENERATOR) -> str:
    return generator + schema


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    return write_project(tmp_path / "p", with_generator(USERS))


def delegates(root: Path, package: str = "appclient") -> list[str]:
    """The model delegates of the generated client, as ``from <package> import Prisma`` sees them."""
    code = (
        f"from {package} import Prisma\n"
        f"from {package}.metadata import PRISMA_MODELS\n"
        "db = Prisma(use_dotenv=False)\n"
        "names = sorted(m.lower() for m in PRISMA_MODELS)\n"
        "assert all(type(getattr(db, n)).__name__.endswith('Actions') for n in names)\n"
        "print(' '.join(names))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def package_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def printed(fn, rep) -> str:
    buf = io.StringIO()
    fn(rep, Console(file=buf, width=200, highlight=False, soft_wrap=True))
    return buf.getvalue()


# --- db:migrate:dev ---------------------------------------------------------------------------


def test_dev_generates_the_client_and_it_follows_the_new_model(proj: Path, db_url: str):
    cfg = config(proj, db_url)
    first = orchestrate.migrate_dev(cfg, name="init")
    step = first.generate
    assert step is not None and step.error is None and step.result is not None
    (client,) = step.result.clients
    assert client.options.output == (proj / "appclient").resolve() and "client.py" in client.written
    assert delegates(proj) == ["user"]
    text = printed(report.print_dev, first)
    assert "Running generate... (Use --skip-generate to skip the generators)" in text
    assert "✔ Generated client client (asyncio, package `appclient`) to " in text

    set_schema(proj, with_generator(USERS_POSTS))
    second = orchestrate.migrate_dev(cfg, name="posts")
    assert second.dev.created is not None and second.generate is not None and second.generate.result is not None
    assert delegates(proj) == ["post", "user"]
    assert second.to_dict()["generate"]["clients"][0]["package"] == "appclient"

    # already in sync: nothing to write, and Prisma still runs the generators
    third = orchestrate.migrate_dev(cfg, name="nothing")
    assert third.dev.created is None and third.generate is not None and third.generate.result is not None
    assert third.generate.result.clients[0].written == []


def test_create_only_does_not_generate(proj: Path, db_url: str):
    """Prisma returns right after writing a --create-only migration: no generators."""
    rep = orchestrate.migrate_dev(config(proj, db_url), name="init", create_only=True)
    assert rep.dev.created is not None and rep.generate is None
    assert rep.to_dict()["generate"] is None
    assert not (proj / "appclient").exists()
    assert "generate" not in printed(report.print_dev, rep)


def test_skip_generate_leaves_the_client_untouched(proj: Path, db_url: str, monkeypatch: pytest.MonkeyPatch):
    cfg = config(proj, db_url)
    orchestrate.migrate_dev(cfg, name="init")
    before = package_bytes(proj / "appclient")
    set_schema(proj, with_generator(USERS_POSTS))
    rep = orchestrate.migrate_dev(cfg, name="posts", skip_generate=True)
    assert rep.dev.created is not None and "Post" in tables(db_url)
    assert rep.generate is None and "generate" not in printed(report.print_dev, rep)
    assert package_bytes(proj / "appclient") == before and delegates(proj) == ["user"]
    # Prisma's environment switch does the same, for push and reset too
    monkeypatch.setenv("PRISMA_MIGRATE_SKIP_GENERATE", "1")
    assert orchestrate.push(cfg).generate is None
    assert orchestrate.reset(cfg, force=True).generate is None
    monkeypatch.delenv("PRISMA_MIGRATE_SKIP_GENERATE")
    assert orchestrate.push(cfg, skip_generate=True).generate is None
    assert orchestrate.reset(cfg, force=True, skip_generate=True).generate is None
    assert package_bytes(proj / "appclient") == before
    assert orchestrate.reset(cfg, force=True).generate is not None
    assert delegates(proj) == ["post", "user"]


def test_no_generator_block_means_no_generation_and_no_output(tmp_path: Path, db_url: str):
    proj = write_project(tmp_path / "plain", USERS)
    rep = orchestrate.migrate_dev(config(proj, db_url), name="init")
    step = rep.generate
    assert step is not None and step.result is None and step.notes == [] and step.error is None
    assert "generat" not in printed(report.print_dev, rep).lower()
    assert not (proj / "prisma").exists() and not (proj / "appclient").exists()
    r = run(["db:push"], proj, {"DATABASE_URL": db_url})
    assert r.returncode == 0, r.stderr
    assert "generat" not in (r.stdout + r.stderr).lower()


def test_other_providers_are_left_alone_with_a_note(tmp_path: Path, db_url: str):
    proj = write_project(tmp_path / "js", with_generator(USERS, JS_GENERATOR))
    rep = orchestrate.migrate_dev(config(proj, db_url), name="init")
    assert rep.generate is not None and rep.generate.result is None and rep.generate.error is None
    assert rep.generate.notes == [JS_NOTE]
    text = printed(report.print_dev, rep)
    assert f"note: {JS_NOTE}" in text and "Running generate" not in text
    # next to a Python client: the client is generated, the other block gets the note
    set_schema(proj, with_generator(USERS, PY_GENERATOR + JS_GENERATOR))
    r = run(["db:migrate:dev", "-n", "same"], proj, {"DATABASE_URL": db_url})
    assert r.returncode == 0, r.stderr
    assert "✔ Generated client client" in r.stdout and f"note: {JS_NOTE}" in r.stdout
    assert delegates(proj) == ["user"]


def test_generation_failure_after_a_successful_migration(proj: Path, db_url: str):
    """The output folder holds a file nexo did not write: the migration is applied and recorded,
    the report says so, then the generation error, exit 1."""
    (proj / "appclient").mkdir()
    (proj / "appclient" / "client.py").write_text("# somebody's own code\n")
    rep = orchestrate.migrate_dev(config(proj, db_url), name="init")
    assert rep.dev.applied_new is not None and "User" in tables(db_url)
    assert rep.generate is not None and rep.generate.failed
    assert "already holds files nexo did not generate: client.py" in (rep.generate.error or "")

    set_schema(proj, with_generator(USERS_POSTS))
    env = {"DATABASE_URL": db_url}
    r = run(["db:migrate:dev", "-n", "posts"], proj, env)
    assert r.returncode == 1
    assert "The following migration(s) have been created and applied from new schema changes:" in r.stdout
    assert "Running generate..." in r.stdout
    assert "already holds files nexo did not generate: client.py" in r.stderr
    assert "only the client generation failed" in r.stderr and "Traceback" not in r.stderr
    names = [row["migration_name"] for row in rows(psycopg.connect(db_url, autocommit=True))]
    assert len(names) == 2 and names[1].endswith("_posts") and migration_names(proj) == names
    assert "Post" in tables(db_url)
    assert (proj / "appclient" / "client.py").read_text() == "# somebody's own code\n"
    # --json: the report (with the error) on stdout, exit 1 as well
    j = run(["db:push", "--json"], proj, env)
    assert j.returncode == 1
    data = json.loads(j.stdout)
    assert data["changed"] is False and "did not generate" in data["generate"]["error"]
    # the flag skips the failing step
    assert run(["db:push", "--skip-generate"], proj, env).returncode == 0


# --- db:push and db:reset -----------------------------------------------------------------------


def test_push_and_reset_generate(proj: Path, db_url: str):
    cfg = config(proj, db_url)
    pushed = orchestrate.push(cfg)
    assert pushed.generate is not None and pushed.generate.result is not None
    assert delegates(proj) == ["user"]
    assert "✔ Generated client client" in printed(report.print_push, pushed)
    set_schema(proj, with_generator(USERS_POSTS))
    orchestrate.push(cfg)
    assert delegates(proj) == ["post", "user"]
    # reset re-applies the (empty) migration history; the client follows the schema
    set_schema(proj, with_generator(USERS))
    reset = orchestrate.reset(cfg, force=True)
    assert reset.generate is not None and reset.generate.result is not None
    assert reset.to_dict()["generate"]["error"] is None
    assert "✔ Generated client client" in printed(report.print_reset, reset)
    assert delegates(proj) == ["user"]


# --- db:push --force-reset ----------------------------------------------------------------------


def test_force_reset_drops_the_data_then_pushes_and_runs_the_sql_layer(proj: Path, db_url: str):
    cfg = config(proj, db_url)
    orchestrate.migrate_dev(cfg, name="init")
    write_sql_layer(proj)
    orchestrate.migrate(cfg)
    execute(db_url, "INSERT INTO \"User\" (email) VALUES ('a@x')", "CREATE TABLE manual_tbl (id int)")
    set_schema(proj, with_generator(USERS_WITH_REQUIRED_AGE))
    with pytest.raises(UnexecutableChanges) as info:  # a plain push cannot add the column to a filled table
        orchestrate.push(cfg, accept_data_loss=True)
    assert "nexo db:push --force-reset" in str(info.value)

    rep = orchestrate.push(cfg, force_reset=True)
    assert rep.reset is not None and rep.reset.schemas == ["public"]
    assert {"public.User", "public.manual_tbl", "public._prisma_migrations"} <= set(rep.reset.cleaned.dropped["table"])
    assert scalar(db_url, 'SELECT count(*) FROM "User"') == 0
    assert columns(db_url, "User") == ["id", "email", "name", "age"]
    assert "manual_tbl" not in tables(db_url) and "_prisma_migrations" not in tables(db_url)
    # the SQL layer runs as after a normal push: ledger recreated, policy and trigger back
    assert rep.sql is not None and [s.step.version for s in rep.sql.steps] == ["20300101_0000"]
    assert scalar(db_url, "SELECT count(*) FROM pg_policies WHERE tablename = 'User'") == 1
    assert rep.generate is not None and rep.generate.result is not None
    text = printed(report.print_push, rep)
    assert 'The PostgreSQL database "' in text and 'schema "public" at "' in text
    assert "was successfully reset (--force-reset:" in text and "all data lost" in text
    assert "Your database is now in sync with your Prisma schema." in text
    data = rep.to_dict()["reset"]
    assert data["schemas"] == ["public"] and "public.manual_tbl" in data["dropped"]["table"]
    assert orchestrate.push(cfg).reset is None  # only with the flag


def test_force_reset_failure_after_the_reset_says_the_data_is_gone(proj: Path, db_url: str):
    cfg = config(proj, db_url)
    orchestrate.push(cfg)
    execute(db_url, "INSERT INTO \"User\" (email) VALUES ('a@x')")
    write_sql_layer(proj, "SELECT no_such_function();\n", name="20300101_0000_broken.sql")
    with pytest.raises(FailedAfterReset) as info:
        orchestrate.push(cfg, force_reset=True)
    text = str(info.value)
    assert "no_such_function" in text
    assert 'The database was reset first (--force-reset): schema "public" of database "' in text
    assert "its data is gone" in text
    assert scalar(db_url, 'SELECT count(*) FROM "User"') == 0


def test_force_reset_production_guard(proj: Path, pg_server_url: str):
    name = f"nexo_t_prod_{uuid.uuid4().hex[:8]}"
    execute(pg_server_url, f"CREATE DATABASE {name}")
    url = with_database(pg_server_url, name)
    try:
        cfg = config(proj, url)
        orchestrate.push(cfg, skip_generate=True)
        execute(url, "INSERT INTO \"User\" (email) VALUES ('a@x')")
        with pytest.raises(ResetRefused) as info:
            orchestrate.push(cfg, force_reset=True)
        assert f"nexo db:push --force-reset refuses to drop it without {PRODUCTION_FLAG}" in str(info.value)
        assert scalar(url, 'SELECT count(*) FROM "User"') == 1
        env = {"DATABASE_URL": url}
        refused = run(["db:push", "--force-reset"], proj, env)
        assert refused.returncode == 1 and PRODUCTION_FLAG in refused.stderr and "Traceback" not in refused.stderr
        assert scalar(url, 'SELECT count(*) FROM "User"') == 1
        ok = run(["db:push", "--force-reset", PRODUCTION_FLAG], proj, env)
        assert ok.returncode == 0, ok.stderr
        assert "was successfully reset" in ok.stdout
        assert scalar(url, 'SELECT count(*) FROM "User"') == 0
    finally:
        execute(pg_server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# --- the console script -------------------------------------------------------------------------


def test_cli_dev_push_reset_generate_and_force_reset(proj: Path, db_url: str):
    env = {"DATABASE_URL": db_url}
    dev = run(["db:migrate:dev", "-n", "init"], proj, env)
    assert dev.returncode == 0, dev.stderr
    assert "Your database is now in sync with your schema." in dev.stdout
    assert "Running generate... (Use --skip-generate to skip the generators)" in dev.stdout
    assert "✔ Generated client client (asyncio, package `appclient`) to ./appclient in " in dev.stdout
    assert delegates(proj) == ["user"]

    set_schema(proj, with_generator(USERS_POSTS))
    skipped = run(["db:push", "--skip-generate"], proj, env)
    assert skipped.returncode == 0, skipped.stderr
    assert "Running generate" not in skipped.stdout and delegates(proj) == ["user"]

    execute(db_url, "INSERT INTO \"Post\" (title) VALUES ('kept?')")
    forced = run(["db:push", "--force-reset", "--json"], proj, env)  # no terminal, no prompt: like Prisma
    assert forced.returncode == 0, forced.stderr
    data = json.loads(forced.stdout)
    assert data["reset"]["schemas"] == ["public"] and "public.Post" in data["reset"]["dropped"]["table"]
    assert data["changed"] is True and data["generate"]["clients"][0]["package"] == "appclient"
    assert scalar(db_url, 'SELECT count(*) FROM "Post"') == 0
    assert delegates(proj) == ["post", "user"]

    reset = run(["db:reset", "--force", "--skip-generate"], proj, env)
    assert reset.returncode == 0, reset.stderr
    assert "Database reset successful" in reset.stdout and "Running generate" not in reset.stdout
    again = run(["db:reset", "--force", "--json"], proj, env)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["generate"]["clients"][0]["generator"] == "client"


def test_force_reset_help_and_schema_without_models(tmp_path: Path, db_url: str):
    """--force-reset on a schema without models empties the database and reports it (no "already in sync")."""
    proj = write_project(tmp_path / "empty", DATASOURCE)
    execute(db_url, "CREATE TABLE manual_tbl (id int)")
    r = run(["db:push", "--force-reset"], proj, {"DATABASE_URL": db_url})
    assert r.returncode == 0, r.stderr
    assert "was successfully reset" in r.stdout and "already in sync" not in r.stdout
    assert "manual_tbl" not in tables(db_url)
    h = run(["db:push", "--help"], proj)
    assert "--force-reset" in h.stdout and "--skip-generate" in h.stdout and PRODUCTION_FLAG in h.stdout
