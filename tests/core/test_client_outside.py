"""The generated client outside this repo: ``Prisma()`` finds its URL as the CLI does, imports without
pgserver/Typer/Rich, and refuses a nexo runtime of another release."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import psycopg
import pytest

from nexo.client.urlresolve import resolve_url, running_embedded_url
from nexo.config import load_config
from nexo.generator import generate
from nexo.init import init
from nexo.orchestrate import migrate

REPO = Path(__file__).resolve().parents[2]
BLOCKER = """
import sys
BLOCKED = {"pgserver", "typer", "rich", "click"}

class _Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is blocked in this test", name=name)
        return None

sys.meta_path.insert(0, _Block())
"""


def python(code: str, cwd: Path, pythonpath: list[Path], env_extra: dict[str, str] | None = None):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONPATH")}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in [*pythonpath, REPO])
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def service(tmp_path: Path, db_url: str) -> Path:
    """A project made by ``nexo init``, migrated, its client generated, a row in ``notes``."""
    root = tmp_path / "svc"
    init(root)
    migrate(load_config(root, database_url=db_url, environ={}))
    generate(project=root, environ={})
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("INSERT INTO notes (id, account_id, title) VALUES (gen_random_uuid(), gen_random_uuid(), 'hello')")
    return root


def test_prisma_without_datasource_uses_the_project_env_and_needs_no_cli_packages(service: Path, db_url: str) -> None:
    (service / ".env").write_text(f"DATABASE_URL={db_url}\n")
    sub = service / "app" / "jobs"
    sub.mkdir(parents=True)  # run from a subfolder: the .env is the project's, not the current folder's
    code = (
        BLOCKER
        + """
import asyncio
from prisma import Prisma

async def main():
    db = Prisma()
    await db.connect()
    print("notes", await db.note.count())
    await db.disconnect()

asyncio.run(main())
print("loaded", sorted({m.split(".")[0] for m in sys.modules} & BLOCKED))
"""
    )
    r = python(code, sub, [service])
    assert r.returncode == 0, r.stderr
    assert "notes 1" in r.stdout and "loaded []" in r.stdout


def test_prisma_without_any_url_says_where_it_looked(service: Path) -> None:
    code = "import asyncio\nfrom prisma import Prisma\nasyncio.run(Prisma().connect())\n"
    r = python(code, service, [service])
    assert r.returncode == 1
    assert "DATABASE_URL, which is not set" in r.stderr
    assert str(service / ".env") in r.stderr and "nexo db:up" in r.stderr


def test_url_precedence(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.nexo]\n")
    (tmp_path / ".env").write_text("DATABASE_URL=postgresql://from-dotenv/db\n")
    (tmp_path / "deep").mkdir()
    url, tried = resolve_url("DATABASE_URL", start=tmp_path / "deep", environ={"DATABASE_URL": "postgresql://env/db"})
    assert url == "postgresql://env/db" and tried == ["the environment variable DATABASE_URL"]
    url, tried = resolve_url("DATABASE_URL", start=tmp_path / "deep", environ={})
    assert url == "postgresql://from-dotenv/db" and str(tmp_path / ".env") in tried
    url, _ = resolve_url("OTHER_URL", "postgresql://literal/db", start=tmp_path, environ={})
    assert url == "postgresql://literal/db"
    url, tried = resolve_url("OTHER_URL", start=tmp_path, environ={})
    assert url is None and tried[-1].startswith("the embedded PostgreSQL of")


def test_running_embedded_server_is_found_without_starting_one(tmp_path: Path) -> None:
    from nexo.db import embedded

    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.nexo]\n")
    assert running_embedded_url(root) is None  # never started: nothing, and nothing is started
    assert not (root / ".nexo").exists()
    embedded.start(root / ".nexo")
    try:
        url, _ = resolve_url("DATABASE_URL", start=root, environ={})
        assert url == running_embedded_url(root) and url is not None
        with psycopg.connect(url) as c:
            assert c.execute("SELECT current_database()").fetchone() == ("nexo",)
    finally:
        embedded.stop(root / ".nexo")
    # a stop that falls back to SIGTERM returns while the postmaster is still shutting down: wait for it
    for _ in range(300):
        if running_embedded_url(root) is None:
            break
        time.sleep(0.1)
    assert running_embedded_url(root) is None


def test_generated_client_refuses_another_runtime_release(service: Path) -> None:
    init_py = service / "prisma" / "__init__.py"
    text = init_py.read_text()
    import nexo

    assert f'_GENERATED_WITH = "{nexo.__version__}"' in text
    init_py.write_text(text.replace(f'_GENERATED_WITH = "{nexo.__version__}"', '_GENERATED_WITH = "9.9.0"'))
    r = python("import prisma", service, [service])
    assert r.returncode == 1
    assert "was generated by nexo 9.9.0" in r.stderr and f"installed nexo runtime is {nexo.__version__}" in r.stderr
    assert "nexo db:generate" in r.stderr and "pip install 'nexo==9.9.*'" in r.stderr


def test_console_script_without_the_cli_extra(tmp_path: Path) -> None:
    r = python(BLOCKER + "from nexo._entry import main\nmain()\n", tmp_path, [])
    assert r.returncode == 1
    assert "needs the 'cli' extra" in r.stderr and "pip install 'nexo[cli]'" in r.stderr
    assert "Traceback" not in r.stderr


def test_packaging_keeps_the_runtime_minimal() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    base = " ".join(project["dependencies"])
    for name in ("typer", "rich", "pgserver"):
        assert name not in base, name
    extras = project["optional-dependencies"]
    assert any(d.startswith("typer") for d in extras["cli"]) and any(d.startswith("rich") for d in extras["cli"])
    assert any(d.startswith("pgserver") for d in extras["embedded"])
    assert extras["all"] == ["nexo[cli,embedded]"] and "nexo[all]" in extras["test"]
    assert "pip install -e '.[all]' && nexo db:migrate" in (REPO / "README.md").read_text()
    assert project["scripts"]["nexo"] == "nexo._entry:main"
