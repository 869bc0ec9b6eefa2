"""The seed command: ``[tool.nexo] seed`` (or a Prisma ``package.json``), ``nexo db:seed [-- ARGS]``, and the
seed step that ends ``db:reset`` (``--skip-seed``), against a real database.

The seed script below is a small Python program: it records what it was given (arguments, working folder,
``DATABASE_URL``, a variable from ``.env``) in ``seed-ran.json`` beside itself, inserts users through
``DATABASE_URL``, and exits with ``$SEED_EXIT``. When ``DATABASE_URL`` is not the database the nexo
command targeted, the rows land elsewhere (or nowhere) and the tests see it.
"""

from __future__ import annotations

import io
import json
import sys
import uuid
from pathlib import Path

import pytest
from devproject import USERS, config, execute, run, scalar, tables, write_project

from nexo import orchestrate
from nexo.config import load_config
from nexo.db import with_database, with_user
from nexo.errors import ConfigError, SeedFailed
from nexo.seed import find_seed, prisma_split

INIT = {
    "20240101000000_init": 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "name" TEXT, '
    'CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n'
}

SEED_SCRIPT = """\
import json, os, sys, uuid
from pathlib import Path

import psycopg

args = sys.argv[1:]
Path(__file__).with_name("seed-ran.json").write_text(json.dumps({
    "argv": args, "cwd": os.getcwd(), "url": os.environ.get("DATABASE_URL"),
    "from_dotenv": os.environ.get("SEED_FROM_DOTENV"),
}))
count = int(args[args.index("--count") + 1]) if "--count" in args else 2
with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as c:
    for i in range(count):
        c.execute('INSERT INTO "User" (email) VALUES (%s)', (f"seed{i}-{uuid.uuid4().hex[:8]}@example.com",))
print(f"seeded {count} users", flush=True)
print("a line on stderr", file=sys.stderr, flush=True)
sys.exit(int(os.environ.get("SEED_EXIT", "0")))
"""

PYTHON = sys.executable
SEED = f'"{PYTHON}" seed.py'  # the shell runs it: quotes are fine
RUNNING = "Running seed command `"
EXECUTED = "\U0001f331  The seed command has been executed."
#: a URL no seed may use: DATABASE_URL of the process when the command targets another database
UNREACHABLE = "postgresql://nobody:hunter2@127.0.0.1:9/nowhere"


def seeded_project(root: Path, seed: str | None = SEED) -> Path:
    write_project(root, USERS, migrations=INIT)
    (root / "seed.py").write_text(SEED_SCRIPT)
    if seed is not None:
        with (root / "pyproject.toml").open("a") as f:
            f.write(f"seed = '{seed}'\n")
    return root


def ran(root: Path) -> dict:
    return json.loads((root / "seed-ran.json").read_text())


def users(url: str) -> int:
    return scalar(url, 'SELECT count(*) FROM "User"')


# --- configuration ---------------------------------------------------------------------------------


def test_seed_setting_is_read_and_checked(tmp_path: Path):
    root = seeded_project(tmp_path / "p")
    assert load_config(root, environ={}).seed == SEED
    assert load_config(write_project(tmp_path / "none", USERS), environ={}).seed is None
    for bad in ("seed = 3", "seed = ['python', 'seed.py']", "seed = '  '"):
        broken = write_project(tmp_path / f"bad{uuid.uuid4().hex[:6]}", USERS)
        with (broken / "pyproject.toml").open("a") as f:
            f.write(bad + "\n")
        with pytest.raises(ConfigError) as info:
            load_config(broken, environ={})
        text = str(info.value)
        assert "[tool.nexo] seed must be a non-empty command string" in text and "pyproject.toml" in text


def test_bad_seed_setting_on_the_command_line(tmp_path: Path, db_url: str):
    root = seeded_project(tmp_path / "p", seed=None)
    with (root / "pyproject.toml").open("a") as f:
        f.write("seed = true\n")
    for args in (["db:seed"], ["db:reset", "-f"]):
        r = run([*args, "--database-url", db_url], root)
        assert r.returncode == 1, r.stdout + r.stderr
        assert "[tool.nexo] seed must be a non-empty command string" in r.stderr
        assert "pyproject.toml" in r.stderr and "Traceback" not in r.stderr
    assert "User" not in tables(db_url)  # the reset never started


# --- db:seed ----------------------------------------------------------------------------------------


def test_db_seed_runs_the_command_against_the_target(tmp_path: Path, db_url: str, capfd: pytest.CaptureFixture[str]):
    root = seeded_project(tmp_path / "p")
    (root / ".env").write_text("SEED_FROM_DOTENV=from-the-env-file\n")
    cfg = config(root, db_url)
    orchestrate.migrate(cfg)
    result = orchestrate.seed(cfg)
    assert result is not None and result.ok and result.returncode == 0
    assert users(db_url) == 2
    seen = ran(root)
    assert seen["url"] == db_url and Path(seen["cwd"]) == root.resolve() and seen["argv"] == []
    assert seen["from_dotenv"] == "from-the-env-file"  # Prisma loads .env into the seed's environment
    out, err = capfd.readouterr()
    assert out.index(f"{RUNNING}{SEED}` ...") < out.index("seeded 2 users") < out.index(EXECUTED)
    assert "a line on stderr" in err
    assert result.to_dict()["origin"] == "[tool.nexo] seed in pyproject.toml"


def test_cli_db_seed_passes_arguments_after_the_separator(tmp_path: Path, db_url: str):
    root = seeded_project(tmp_path / "p")
    assert run(["db:migrate", "--database-url", db_url], root).returncode == 0
    # DATABASE_URL of the process points elsewhere: the seed must get the --database-url target
    r = run(
        ["db:seed", "--database-url", db_url, "--", "--count", "3", "--tag", "a b", "$HOME"],
        root,
        {"DATABASE_URL": UNREACHABLE},
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert ran(root)["argv"] == ["--count", "3", "--tag", "a b", "$HOME"]  # each argument as given
    assert ran(root)["url"] == db_url and users(db_url) == 3
    assert f"{RUNNING}{SEED} --count 3 --tag 'a b' '$HOME'` ..." in r.stdout
    assert "seeded 3 users" in r.stdout and EXECUTED in r.stdout and "a line on stderr" in r.stderr
    assert "hunter2" not in r.stdout + r.stderr
    # without the separator an option is a usage error, as in Prisma
    assert run(["db:seed", "--database-url", db_url, "--count", "3"], root).returncode == 2


def test_cli_db_seed_failure(tmp_path: Path, db_url: str):
    # a password in the command never shows
    root = seeded_project(tmp_path / "p", seed=f"{SEED} --dsn {UNREACHABLE}")
    assert run(["db:migrate", "--database-url", db_url], root).returncode == 0
    r = run(["db:seed", "--database-url", db_url], root, {"SEED_EXIT": "3"})
    assert r.returncode == 1
    assert "An error occurred while running the seed command:" in r.stderr
    assert "Command failed with exit code 3" in r.stderr and "pyproject.toml" in r.stderr
    assert EXECUTED not in r.stdout and "Traceback" not in r.stderr
    assert "hunter2" not in r.stdout + r.stderr and "nobody:****@" in r.stdout
    assert users(db_url) == 2  # what the seed committed before failing is its own business


def test_seed_failure_api_and_missing_program(tmp_path: Path, db_url: str):
    root = seeded_project(tmp_path / "p", seed="nexo-no-such-program-here --x")
    with pytest.raises(SeedFailed) as info:
        orchestrate.seed(config(root, db_url))
    assert info.value.code == "NEXO_SEED_FAILED" and "Command failed with exit code 127" in str(info.value)
    killed = seeded_project(tmp_path / "k", seed="kill -TERM $$")
    with pytest.raises(SeedFailed) as info:
        orchestrate.seed(config(killed, db_url))
    assert "exit code 143" in str(info.value) or "SIGTERM" in str(info.value)


def test_no_seed_configured_prints_nothing(tmp_path: Path, db_url: str):
    root = seeded_project(tmp_path / "p", seed=None)
    assert orchestrate.seed(config(root, db_url)) is None
    r = run(["db:seed", "--database-url", db_url], root)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
    assert not (root / "seed-ran.json").exists()
    reset = run(["db:reset", "-f", "--database-url", db_url], root)
    assert reset.returncode == 0 and "seed" not in (reset.stdout + reset.stderr).lower()
    as_json = run(["db:reset", "-f", "--json", "--database-url", db_url], root)
    assert json.loads(as_json.stdout)["seed"] is None


# --- db:reset ---------------------------------------------------------------------------------------


def test_reset_runs_the_seed_last(tmp_path: Path, db_url: str, capfd: pytest.CaptureFixture[str]):
    root = seeded_project(tmp_path / "p")
    cfg = config(root, db_url)
    orchestrate.migrate(cfg)
    execute(db_url, """INSERT INTO "User" (email) VALUES ('old@example.com')""")
    seen_before: list[int] = []
    report = orchestrate.reset(cfg, force=True, before_seed=lambda r: seen_before.append(users(db_url)))
    assert seen_before == [0]  # the report comes after the reset and before the seed
    assert report.seed is not None and report.seed.ok and report.seed.error() is None
    assert users(db_url) == 2 and ran(root)["url"] == db_url
    assert scalar(db_url, """SELECT count(*) FROM "User" WHERE email = 'old@example.com'""") == 0
    assert report.to_dict()["seed"]["ok"] is True
    out, _ = capfd.readouterr()
    assert out.index(RUNNING) < out.index("seeded 2 users") < out.index(EXECUTED)


def test_cli_reset_seeds_and_reports_it_in_json(tmp_path: Path, db_url: str):
    root = seeded_project(tmp_path / "p")
    env = {"DATABASE_URL": db_url}
    assert run(["db:migrate"], root, env).returncode == 0
    text = run(["db:reset", "-f"], root, env)
    assert text.returncode == 0, text.stderr
    out = text.stdout
    assert (
        out.index("Database reset successful") < out.index(RUNNING) < out.index("seeded 2 users") < out.index(EXECUTED)
    )
    as_json = run(["db:reset", "-f", "--json"], root, env)
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)  # the seed's output went to stderr
    assert data["prisma"]["applied"] == ["20240101000000_init"]
    assert data["seed"]["ok"] is True and data["seed"]["exit_code"] == 0 and data["seed"]["command"] == SEED
    assert RUNNING in as_json.stderr and "seeded 2 users" in as_json.stderr
    assert users(db_url) == 2


def test_skip_seed(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch):
    root = seeded_project(tmp_path / "p")
    env = {"DATABASE_URL": db_url}
    r = run(["db:reset", "-f", "--skip-seed"], root, env)
    assert r.returncode == 0 and RUNNING not in r.stdout and users(db_url) == 0
    r = run(["db:reset", "-f", "--json"], root, {**env, "PRISMA_MIGRATE_SKIP_SEED": "1"})  # Prisma's switch
    assert r.returncode == 0 and json.loads(r.stdout)["seed"] is None and users(db_url) == 0
    assert not (root / "seed-ran.json").exists()
    report = orchestrate.reset(config(root, db_url), force=True, skip_seed=True)
    assert report.seed is None and users(db_url) == 0


def test_failing_seed_after_reset_keeps_the_reset(tmp_path: Path, db_url: str):
    root = seeded_project(tmp_path / "p")
    env = {"DATABASE_URL": db_url, "SEED_EXIT": "4"}
    execute(db_url, "CREATE TABLE leftover (id int)")
    r = run(["db:reset", "-f"], root, env)
    assert r.returncode == 1
    assert "Database reset successful" in r.stdout and "seeded 2 users" in r.stdout and EXECUTED not in r.stdout
    assert "Command failed with exit code 4" in r.stderr
    assert (
        "The database was reset and 1 migration(s) applied, then 0 SQL-layer file(s), before the seed command "
        "failed; that work is kept"
        in r.stderr
        and "run nexo db:seed" in r.stderr
    )
    assert "leftover" not in tables(db_url) and "User" in tables(db_url)
    assert scalar(db_url, "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL") == 1
    as_json = run(["db:reset", "-f", "--json"], root, env)
    assert as_json.returncode == 1
    seed = json.loads(as_json.stdout)["seed"]
    assert seed["ok"] is False and seed["exit_code"] == 4 and "exit code 4" in seed["error"]


def test_failing_seed_api_returns_the_report(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch):
    """The API reports a failed seed instead of raising it: the reset's report stays available."""
    root = seeded_project(tmp_path / "p")
    monkeypatch.setenv("SEED_EXIT", "5")
    report = orchestrate.reset(config(root, db_url), force=True)
    assert report.prisma.applied_names == ["20240101000000_init"]
    assert report.seed is not None and not report.seed.ok and report.seed.returncode == 5
    error = report.seed.error()
    assert isinstance(error, SeedFailed) and "exit code 5" in str(error)
    assert "1 migration(s) applied, then 0 SQL-layer file(s), before the seed command failed" in str(error)
    skipped = orchestrate.reset(config(root, db_url), force=True, skip_sql=True).seed
    assert skipped is not None and "without the SQL layer (--skip-sql), before the seed" in str(skipped.error())


def test_a_bad_package_json_stops_the_reset_before_anything_is_dropped(tmp_path: Path, db_url: str):
    root = seeded_project(tmp_path / "p", seed=None)
    (root / "package.json").write_text('{"prisma": {"seed": 42}}')
    execute(db_url, "CREATE TABLE keep_me (id int)")
    with pytest.raises(ConfigError) as info:
        orchestrate.reset(config(root, db_url), force=True)
    assert "Provided seed command `42` from `package.json` must be of type string" in str(info.value)
    assert "keep_me" in tables(db_url)
    assert orchestrate.reset(config(root, db_url), force=True, skip_seed=True).seed is None  # not read when skipped


# --- Prisma's own place: package.json ----------------------------------------------------------------


def test_package_json_seed_runs_the_prisma_way(tmp_path: Path, db_url: str):
    assert " " not in PYTHON
    root = seeded_project(tmp_path / "p", seed=None)
    (root / "package.json").write_text(
        json.dumps({"name": "x", "prisma": {"seed": f"{PYTHON} seed.py --from 'pkg json'"}})
    )
    cfg = config(root, db_url)
    assert find_seed(cfg) is not None and not find_seed(cfg).shell
    orchestrate.migrate(cfg)
    r = run(["db:seed", "--database-url", db_url, "--", "--count", "1", "--tag", "a b"], root)
    assert r.returncode == 0, r.stdout + r.stderr
    # no shell, split on spaces, extra arguments joined with spaces: exactly what prisma db seed does
    assert ran(root)["argv"] == ["--from", "'pkg", "json'", "--count", "1", "--tag", "a", "b"]
    assert f"{RUNNING}{PYTHON} seed.py --from 'pkg json' --count 1 --tag a b` ..." in r.stdout
    # [tool.nexo] seed wins over package.json
    with (root / "pyproject.toml").open("a") as f:
        f.write(f"seed = '{SEED} --count 4'\n")
    assert find_seed(load_config(root, environ={})).shell
    (root / "package.json").write_text("{not json")
    assert run(["db:seed", "--database-url", db_url], root).returncode == 0 and ran(root)["argv"] == ["--count", "4"]


def test_package_json_problems(tmp_path: Path, db_url: str):
    root = seeded_project(tmp_path / "p", seed=None)
    pkg = root / "package.json"
    pkg.write_text(json.dumps({"name": "x", "prisma": {"schema": "schema.prisma"}}))
    assert find_seed(config(root, db_url)) is None
    pkg.write_text(json.dumps({"prisma": {"seed": ""}}))
    with pytest.raises(ConfigError, match="cannot be empty"):
        find_seed(config(root, db_url))
    pkg.write_text("{not json")
    r = run(["db:seed", "--database-url", db_url], root)
    assert r.returncode == 1 and "package.json" in r.stderr and "Traceback" not in r.stderr
    pkg.write_text(json.dumps({"prisma": {"seed": "nexo-no-such-program --x"}}))
    r = run(["db:seed", "--database-url", db_url], root)
    assert r.returncode == 1 and "nexo-no-such-program" in r.stderr and "Command failed" in r.stderr


def test_output_to_a_stream_without_a_file_descriptor(tmp_path: Path, db_url: str):
    """An in-memory stream (a test runner's, an embedding application's) still gets the seed's output as it comes."""
    root = seeded_project(tmp_path / "p")
    cfg = config(root, db_url)
    orchestrate.migrate(cfg)
    buffer = io.StringIO()
    result = orchestrate.seed(cfg, args=["--count", "1"], output=buffer)
    assert result is not None and result.ok and users(db_url) == 1
    text = buffer.getvalue()
    assert text.index(RUNNING) < text.index("seeded 1 users") < text.index(EXECUTED)


def test_prisma_split():
    assert prisma_split("  ts-node   prisma/seed.ts ") == ["ts-node", "prisma/seed.ts"]
    assert prisma_split('ts-node --compiler-options {"module":"CommonJS"} s.ts') == [
        "ts-node",
        "--compiler-options",
        '{"module":"CommonJS"}',
        "s.ts",
    ]
    assert prisma_split(r"node my\ dir/seed.js") == ["node", "my dir/seed.js"]


# --- the embedded server, end to end -----------------------------------------------------------------


def test_embedded_server_reset_and_seed(tmp_path: Path):
    root = seeded_project(tmp_path / "p")
    try:
        r = run(["db:reset"], root, {"DATABASE_URL": ""})
        assert r.returncode == 0, r.stdout + r.stderr
        assert "embedded PostgreSQL" in r.stderr and EXECUTED in r.stdout
        url = ran(root)["url"]
        assert url and users(url) == 2
        assert run(["db:seed", "--", "--count", "1"], root).returncode == 0
        assert ran(root)["url"] == url and users(url) == 3
    finally:
        assert run(["db:down"], root).returncode == 0


def test_seed_against_another_database_with_a_password(tmp_path: Path, pg_server_url: str):
    """--database-url with a password: the seed gets it whole, the output never shows it."""
    name = f"nexo_t_seed_{uuid.uuid4().hex[:8]}"
    role = f"nexo_t_seeder_{uuid.uuid4().hex[:8]}"
    execute(
        pg_server_url,
        f"CREATE ROLE {role} LOGIN PASSWORD 'pw-s3cret' SUPERUSER",
        f"CREATE DATABASE {name} OWNER {role}",
    )
    try:
        url = with_user(with_database(pg_server_url, name), role, "pw-s3cret")
        root = seeded_project(tmp_path / "p")
        r = run(["db:reset", "-f", "--database-url", url], root)
        assert r.returncode == 0, r.stdout + r.stderr
        assert ran(root)["url"] == url and users(url) == 2
        assert "pw-s3cret" not in r.stdout + r.stderr
    finally:
        execute(pg_server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"DROP ROLE IF EXISTS {role}")
