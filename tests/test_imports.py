"""Commands that never touch a database do not import psycopg (it costs a noticeable start-up).

Each check runs in a fresh interpreter: the test process itself has psycopg loaded long ago.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Runs the CLI exactly as ``python -m nexo.cli ...`` does, then reports the exit code and whether
# any psycopg module was loaded, on a line of its own after everything the command printed.
RUN_CLI = """
import json, runpy, sys
sys.argv = ["nexo", *sys.argv[1:]]
code = 0
try:
    runpy.run_module("nexo.cli", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
loaded = sorted(m for m in sys.modules if m == "psycopg" or m.startswith("psycopg."))
# the database commands' modules (their import is most of a command's start-up)
database_side = sorted(m for m in ("nexo.orchestrate", "nexo.sqllayer", "nexo.migrate.dev") if m in sys.modules)
rich = "rich.console" in sys.modules
sys.stdout.flush()
sys.stderr.write("\\n@@IMPORTS@@" + json.dumps({"code": code, "psycopg": loaded, "database_side": database_side,
                                                 "rich": rich}) + "\\n")
"""

MODEL_A = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id Int @id
}
"""

MODEL_B = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id   Int    @id
  name String
}
"""


LAST_REPORT: dict = {}  # the whole report of the last run_cli


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["COLUMNS"] = "200"
    return env


def _python(code: str, cwd: Path) -> str:
    """The stdout of ``code`` run by a fresh interpreter (which must succeed)."""
    r = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


def run_cli(args: list[str], cwd: Path) -> tuple[int, str, str, list[str]]:
    """(exit code, stdout, stderr without the report, psycopg modules loaded) of ``nexo *args``."""
    r = subprocess.run(
        [sys.executable, "-c", RUN_CLI, *args], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=120
    )
    head, sep, tail = r.stderr.rpartition("\n@@IMPORTS@@")
    assert sep, f"no report from the child (exit {r.returncode}):\n{r.stderr}"
    report = json.loads(tail)
    LAST_REPORT.clear()
    LAST_REPORT.update(report)
    assert r.returncode == 0, r.stderr
    return report["code"], r.stdout, head, report["psycopg"]


def test_schema_to_schema_diff_script_does_not_import_psycopg(tmp_path: Path):
    (tmp_path / "a.prisma").write_text(MODEL_A)
    (tmp_path / "b.prisma").write_text(MODEL_B)
    code, out, err, loaded = run_cli(
        ["db:migrate:diff", "--from-schema-datamodel", "a.prisma", "--to-schema-datamodel", "b.prisma", "--script"],
        tmp_path,
    )
    assert code == 0, err
    assert out == '-- AlterTable\nALTER TABLE "User" ADD COLUMN     "name" TEXT NOT NULL;\n\n'
    assert loaded == []
    assert LAST_REPORT["database_side"] == []
    assert LAST_REPORT["rich"] is False  # plain text out: Rich's console is never made


def test_version_prints_without_rich_and_an_error_still_uses_it(tmp_path: Path):
    code, out, err, _loaded = run_cli(["--version"], tmp_path)
    assert code == 0, err
    assert out.startswith("nexo ") and LAST_REPORT["rich"] is False
    # a failing diff prints its error through the (lazily made) Rich console
    (tmp_path / "a.prisma").write_text(MODEL_A)
    code, out, err, _loaded = run_cli(
        ["db:migrate:diff", "--from-schema-datamodel", "a.prisma", "--to-schema-datamodel", "missing.prisma"], tmp_path
    )
    assert code == 1 and "missing.prisma" in err and out == ""
    assert LAST_REPORT["rich"] is True


def test_schema_to_schema_diff_summary_does_not_import_psycopg(tmp_path: Path):
    (tmp_path / "a.prisma").write_text(MODEL_A)
    (tmp_path / "b.prisma").write_text(MODEL_B)
    code, out, err, loaded = run_cli(
        ["db:migrate:diff", "--from-schema-datamodel", "a.prisma", "--to-schema-datamodel", "b.prisma", "--exit-code"],
        tmp_path,
    )
    assert code == 2, err  # --exit-code: 2 means "changes"
    assert "User" in out and "name" in out
    assert loaded == []


def test_validate_and_format_check_do_not_import_psycopg(tmp_path: Path):
    (tmp_path / "schema.prisma").write_text(MODEL_B)
    code, out, err, loaded = run_cli(["validate", "--schema", "schema.prisma"], tmp_path)
    assert code == 0, err
    assert "is valid" in out
    assert loaded == []

    code, out, err, loaded = run_cli(["format", "--check", "--schema", "schema.prisma"], tmp_path)
    assert code == 0, err
    assert "formatted correctly" in out
    assert loaded == []


def test_an_invalid_schema_diff_fails_without_psycopg(tmp_path: Path):
    (tmp_path / "a.prisma").write_text(MODEL_A)
    (tmp_path / "bad.prisma").write_text(MODEL_A.replace("Int @id", "Nope @id"))
    code, _out, err, loaded = run_cli(
        ["db:migrate:diff", "--from-schema-datamodel", "a.prisma", "--to-schema-datamodel", "bad.prisma", "--script"],
        tmp_path,
    )
    assert code == 1
    assert "P1012" in err and "Nope" in err
    assert loaded == []


def test_importing_the_database_packages_does_not_import_psycopg(tmp_path: Path):
    code = (
        "import sys\n"
        "import nexo.orchestrate, nexo.migrate, nexo.sqllayer, nexo.schema, nexo.matrix, nexo.rls\n"
        "import nexo.migrate.diffcmd, nexo.migrate.dev, nexo.migrate.deploy, nexo.migrate.status\n"
        "import nexo.migrate.shadow, nexo.migrate.reset, nexo.migrate.push, nexo.migrate.resolve\n"
        "import nexo.sqllayer.runner, nexo.sqllayer.script, nexo.schema.introspect, nexo.db.lock\n"
        "import nexo.db.connection, nexo.db.embedded\n"
        "print(sorted(m for m in sys.modules if m == 'psycopg' or m.startswith('psycopg.')))\n"
    )
    assert _python(code, tmp_path).strip() == "[]"


def test_the_probe_sees_psycopg_once_a_database_is_reached_for(tmp_path: Path):
    """The same probe reports psycopg once a command actually connects (here: to a closed port)."""
    code = (
        "import sys\n"
        "from nexo.db import ConnectionFailed, connect\n"
        "before = 'psycopg' in sys.modules\n"
        "try:\n"
        "    connect('postgresql://nexo:s3cret@127.0.0.1:1/nexo', connect_timeout=5)\n"
        "except ConnectionFailed as exc:\n"
        "    print('failed', 's3cret' in str(exc))\n"
        "print(before, 'psycopg' in sys.modules)\n"
    )
    assert _python(code, tmp_path).split() == ["failed", "False", "False", "True"]
