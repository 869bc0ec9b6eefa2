"""Errors for people and for automation (issue 11, section 4): one JSON object per failure with
``--json``, Prisma's connection codes, PostgreSQL only, passwords masked whole, help text, shell
completion, no embedded server outside a project, ``sql/`` oddities, ``db:migrate:dry`` exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from nexo.db.urls import mask_text
from nexo.sqllayer import SqlFileNameError, discover

NEXO = str(Path(sys.executable).parent / "nexo")


def run(args: list[str], cwd: Path, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(env_extra or {})
    env["COLUMNS"] = "200"
    return subprocess.run([NEXO, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def show_completion_from_bash(cwd: Path) -> subprocess.CompletedProcess:
    """``nexo --show-completion`` typed in bash: the shell is detected from the parent process, so the test
    does not depend on what started pytest (a detached or parallel run has no shell among its ancestors)."""
    import shlex
    import shutil

    bash = shutil.which("bash")
    assert bash is not None
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    command = f"{shlex.quote(NEXO)} --show-completion; exit $?"  # not exec: bash stays the parent
    return subprocess.run([bash, "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def one_json_error(r: subprocess.CompletedProcess) -> dict:
    """The single JSON object a failed ``--json`` command printed on stdout (and nothing else there)."""
    assert r.returncode != 0, r.stdout
    data = json.loads(r.stdout)  # one object: json.loads refuses trailing text
    assert isinstance(data, dict) and data["ok"] is False
    error = data["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["hints"], list)
    return error


# --- Prisma's connection codes, PostgreSQL only, masking ------------------------------------------


def _other_db(db_url: str, name: str) -> str:
    return re.sub(r"/(nexo_t_\w+)", f"/{name}", db_url)


def test_missing_database_is_p1003(project: Path, db_url: str):
    url = _other_db(db_url, "nexo_t_no_such_database")
    r = run(["db:migrate:status", "--json"], project, {"DATABASE_URL": url})
    error = one_json_error(r)
    assert error["code"] == "P1003" and "nexo_t_no_such_database" in error["message"]
    text = run(["db:migrate:status"], project, {"DATABASE_URL": url})
    assert text.returncode == 1 and "Error: P1003" in text.stderr


def test_refused_credentials_are_p1000(project: Path, db_url: str):
    from nexo.db.urls import with_user

    url = with_user(db_url, "nexo_no_such_role_p1000", "secret-p1000")
    r = run(["db:migrate:status", "--json"], project, {"DATABASE_URL": url})
    error = one_json_error(r)
    assert error["code"] == "P1000", error
    assert "secret-p1000" not in r.stdout + r.stderr


def test_unreachable_server_is_p1001(project: Path):
    url = "postgresql://someone:pw-p1001@127.0.0.1:1/nodb?connect_timeout=2"
    r = run(["db:version", "--json"], project, {"DATABASE_URL": url})
    error = one_json_error(r)
    assert error["code"] == "P1001" and "pw-p1001" not in r.stdout + r.stderr


@pytest.mark.parametrize(
    "url", ["mysql://root:pw@localhost:3306/app", "sqlserver://localhost:1433;database=app", "file:./dev.db"]
)
def test_other_database_systems_are_refused_plainly(project: Path, url: str):
    r = run(["db:migrate"], project, {"DATABASE_URL": url})
    assert r.returncode == 1
    assert "nexo supports PostgreSQL only" in r.stderr and "Traceback" not in r.stderr
    assert "invalid" not in r.stderr.lower() or "URI" not in r.stderr  # not libpq's parse error


def test_password_with_an_unencoded_at_is_masked_whole(project: Path):
    assert mask_text("postgresql://app:PW@PW@host:5432/db") == "postgresql://app:****@host:5432/db"
    assert mask_text("x postgresql://u:a@b@c@h/d?x=1@2 y") == "x postgresql://u:****@h/d?x=1@2 y"
    url = "postgresql://app:s3cr@t-pw@127.0.0.1:1/db?connect_timeout=2"
    for args in (["db:migrate"], ["db:migrate", "--json"], ["db:url"]):
        r = run(args, project, {"DATABASE_URL": url})
        assert "s3cr" not in r.stdout + r.stderr and "t-pw" not in r.stdout + r.stderr, args
    r = run(["db:migrate"], project, {"DATABASE_URL": url})
    assert r.returncode == 1 and "%40" in r.stderr


# --- --json: one object per failure ---------------------------------------------------------------


def test_json_usage_errors_are_one_object(project: Path):
    error = one_json_error(run(["db:version", "--json", "--no-such-flag"], project))
    assert error["code"] == "NEXO_USAGE" and "--no-such-flag" in error["message"]
    r = run(["db:rollback", "--steps", "1", "--to", "1", "--json"], project)
    assert r.returncode == 2 and one_json_error(r)["code"] == "NEXO_USAGE"


def test_json_failed_migration_is_one_object(project: Path, db_url: str):
    bad = project / "prisma_migrations" / "20990101000000_bad"
    bad.mkdir()
    (bad / "migration.sql").write_text("ALTER TABLE nope ADD COLUMN y int;\n")
    r = run(["db:migrate", "--json"], project, {"DATABASE_URL": db_url})
    error = one_json_error(r)
    assert error["code"] == "P3018" and "20990101000000_bad" in error["message"]
    # the failed migration now blocks: the hints are the commands that resolve it, and they parse
    r = run(["db:migrate", "--json"], project, {"DATABASE_URL": db_url})
    error = one_json_error(r)
    assert error["code"] == "P3009"
    assert any(h.startswith("nexo db:migrate:resolve --rolled-back") for h in error["hints"]), error["hints"]


def test_json_check_and_status_failures_carry_an_error(project: Path, db_url: str):
    r = run(["db:version", "--check", "--json"], project, {"DATABASE_URL": db_url})
    data = json.loads(r.stdout)
    assert r.returncode == 1 and data["error"]["code"] == "NEXO_CHECK_FAILED"
    assert data["error"]["hints"] == data["problems"]
    r = run(["db:migrate:status", "--json"], project, {"DATABASE_URL": db_url})
    data = json.loads(r.stdout)
    assert r.returncode == 1 and data["error"]["code"] == "NEXO_NOT_UP_TO_DATE"


# --- db:migrate:dry exit codes --------------------------------------------------------------------


def test_dry_exits_1_when_a_changed_sql_file_blocks(project: Path, db_url: str):
    env = {"DATABASE_URL": db_url}
    assert run(["db:migrate:dry"], project, env).returncode == 0
    assert run(["db:migrate"], project, env).returncode == 0
    sql = project / "sql" / "20260123_1800_initial_rls_setup.sql"
    sql.write_text(sql.read_text() + "\n-- edited after it was applied\n")
    r = run(["db:migrate:dry"], project, env)
    assert r.returncode == 1 and "BLOCKED" in r.stdout
    r = run(["db:migrate:dry", "--json"], project, env)
    data = json.loads(r.stdout)
    assert r.returncode == 1 and data["error"]["code"] == "NEXO_PLAN_BLOCKED" and data["sql_blocked"]
    # the way out the message names: re-record the checksum of the reviewed edit
    hint = "nexo db:migrate:resolve --sql-checksum 20260123_1800"
    assert hint in data["error"]["hints"]
    resolved = run(hint.split()[1:], project, env)
    assert resolved.returncode == 0 and "Recorded the new checksum" in resolved.stdout, resolved.stderr
    assert run(["db:migrate:dry"], project, env).returncode == 0
    assert run(["db:migrate:resolve", "--applied", "x", "--sql-checksum", "1"], project, env).returncode == 2


def test_dry_exits_1_when_a_failed_migration_blocks(project: Path, db_url: str):
    env = {"DATABASE_URL": db_url}
    bad = project / "prisma_migrations" / "20990101000000_bad"
    bad.mkdir()
    (bad / "migration.sql").write_text("ALTER TABLE nope ADD COLUMN y int;\n")
    assert run(["db:migrate"], project, env).returncode == 1
    r = run(["db:migrate:dry", "--json"], project, env)
    assert r.returncode == 1
    assert json.loads(r.stdout)["prisma"]["blocked"]


# --- help text and completion ---------------------------------------------------------------------


def test_help_shows_tool_nexo_literally_and_no_bool_metavar(tmp_path: Path):
    for command in ("db:version", "validate", "db:migrate:dev", "db:push"):
        r = run([command, "--help"], tmp_path)
        assert r.returncode == 0
        assert "<bool>" not in r.stdout, command
        assert "nearest one with [tool.nexo])" in " ".join(r.stdout.split()), command


def test_shell_completion(tmp_path: Path):
    r = run(["--help"], tmp_path)
    assert "--install-completion" in r.stdout and "--show-completion" in r.stdout
    shown = show_completion_from_bash(tmp_path)  # the shell is detected (bash here)
    assert shown.returncode == 0 and "complete -o default -F" in shown.stdout and "_NEXO_COMPLETE" in shown.stdout
    zsh = run([], tmp_path, {"_NEXO_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "nexo db:ver"})
    assert zsh.stdout.startswith("_arguments") and "version" in zsh.stdout and "migrate" not in zsh.stdout
    # what the installed script asks the program: the commands that start with the word typed
    env = {"_NEXO_COMPLETE": "complete_bash", "COMP_WORDS": "nexo db:migrate:d", "COMP_CWORD": "1"}
    done = run([], tmp_path, env)
    assert done.stdout.split() == ["db:migrate:dry", "db:migrate:deploy", "db:migrate:dev", "db:migrate:diff"]
    env = {"_NEXO_COMPLETE": "complete_bash", "COMP_WORDS": "nexo db:version --ch", "COMP_CWORD": "2"}
    assert run([], tmp_path, env).stdout.split() == ["--check"]


def test_bash_completion_of_colon_commands(tmp_path: Path):
    """Real bash splits ``db:migrate:d`` at the colons (COMP_WORDBREAKS); the installed script still completes it."""
    import shutil

    bash = shutil.which("bash")
    assert bash is not None
    script = tmp_path / "nexo.bash"
    script.write_text(show_completion_from_bash(tmp_path).stdout)
    probe = (
        f"source {script}\n"
        'for spec in "nexo|db|:|migrate|:|d" "nexo|db|:|version|--ch"; do\n'
        '  IFS="|" read -ra COMP_WORDS <<< "$spec"; COMP_CWORD=$((${#COMP_WORDS[@]}-1))\n'
        '  _nexo_completion nexo; echo "${COMPREPLY[*]}"\n'
        "done\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("_NEXO")}
    env["PATH"] = f"{Path(NEXO).parent}:{env.get('PATH', '')}"
    out = subprocess.run([bash, "-c", probe], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.stdout.splitlines() == ["dry deploy dev diff", "--check"], out.stdout + out.stderr


# --- outside any project ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [["db:migrate"], ["db:version", "--json"], ["db:migrate:status"], ["db:url"], ["db:up"]]
)
def test_no_embedded_server_outside_a_project(tmp_path: Path, args: list[str]):
    folder = tmp_path / "random"
    folder.mkdir()
    r = run(args, folder)
    assert r.returncode == 1
    text = r.stdout + r.stderr
    assert "not a nexo project" in text and "--project" in text and "nexo init" in text
    assert not (folder / ".nexo").exists()
    if "--json" in args:
        assert one_json_error(r)["code"] == "NEXO_NOT_A_PROJECT"


def test_project_option_points_at_the_project(project: Path, tmp_path: Path, db_url: str):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    r = run(["db:migrate:dry", "--project", str(project)], folder, {"DATABASE_URL": db_url})
    assert r.returncode == 0, r.stderr


# --- sql/ oddities ---------------------------------------------------------------------------------


def test_folder_named_like_a_sql_file(tmp_path: Path):
    sql = tmp_path / "sql"
    (sql / "20260101_0000_nested.sql").mkdir(parents=True)
    with pytest.raises(SqlFileNameError, match=r"20260101_0000_nested\.sql is a folder, not a file"):
        discover(sql)


def test_symlink_outside_the_project(tmp_path: Path):
    proj = tmp_path / "proj"
    sql = proj / "sql"
    sql.mkdir(parents=True)
    outside = tmp_path / "shared.sql"
    outside.write_text("SELECT 1;\n")
    (sql / "20260101_0000_linked.sql").symlink_to(outside)
    with pytest.raises(SqlFileNameError, match="symbolic link to .*outside the project"):
        discover(sql, root=proj)
    # a link inside the project is fine
    (sql / "20260101_0000_linked.sql").unlink()
    inside = proj / "common" / "shared.sql"
    inside.parent.mkdir()
    inside.write_text("SELECT 1;\n")
    (sql / "20260101_0000_linked.sql").symlink_to(inside)
    assert [f.script for f in discover(sql, root=proj)] == ["20260101_0000_linked.sql"]
    # a dangling link
    (sql / "20260101_0001_dangling.sql").symlink_to(proj / "gone.sql")
    with pytest.raises(SqlFileNameError, match="does not exist"):
        discover(sql, root=proj)


def test_empty_sql_file_warns(project: Path, db_url: str):
    (project / "sql" / "20260301_1000_empty.sql").write_text("-- nothing here yet\n\n")
    env = {"DATABASE_URL": db_url}
    dry = run(["db:migrate:dry"], project, env)
    assert dry.returncode == 0 and "warning: 20260301_1000_empty.sql is empty" in dry.stdout
    r = run(["db:migrate"], project, env)
    assert r.returncode == 0, r.stderr
    assert "warning: 20260301_1000_empty.sql is empty" in r.stdout
    with psycopg.connect(db_url) as c:
        assert c.execute("SELECT count(*) FROM migration_history WHERE version = '20260301_1000'").fetchone()[0] == 1


def test_sql_oddity_through_the_cli(project: Path, db_url: str):
    (project / "sql" / "20260301_1000_dir.sql").mkdir()
    r = run(["db:migrate", "--json"], project, {"DATABASE_URL": db_url})
    error = one_json_error(r)
    assert "is a folder, not a file" in error["message"] and error["file"].endswith("20260301_1000_dir.sql")


def test_json_validate_and_format_failures_carry_an_error(tmp_path: Path):
    (tmp_path / "schema.prisma").write_text(
        'datasource db {\n  provider = "postgresql"\n  url = "x"\n}\nmodel A {\n  id Int\n}\n'
    )
    r = run(["validate", "--schema", "schema.prisma", "--json"], tmp_path)
    data = json.loads(r.stdout)
    assert r.returncode == 1 and data["error"]["code"] == "P1012"
    (tmp_path / "ok.prisma").write_text('datasource db {\n provider = "postgresql"\n url = "x"\n}\n')
    r = run(["format", "--schema", "ok.prisma", "--check", "--json"], tmp_path)
    data = json.loads(r.stdout)
    assert r.returncode == 1 and data["error"]["code"] == "NEXO_FORMAT"
    assert "nexo format" in data["error"]["hints"]


def test_json_failed_seed_after_reset_carries_an_error(project: Path, db_url: str):
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("[tool.nexo]\n", '[tool.nexo]\nseed = "exit 3"\n', 1))
    r = run(["db:reset", "--force", "--skip-generate", "--json"], project, {"DATABASE_URL": db_url})
    data = json.loads(r.stdout)
    assert r.returncode == 1 and data["error"]["code"] == "NEXO_SEED_FAILED", data.get("error")
