"""What the SQL layer creates is not drift (issue 11, section 3): an index, policy, trigger, function or
view made by a ``sql/`` file is recorded in ``migration_history.objects``; ``db:migrate:status`` and
``db:version --check`` do not report it, ``db:migrate:dev`` does not demand a reset for it, and
``db:push`` never drops it."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
from devproject import USERS, USERS_POSTS, execute, run, scalar, set_schema, write_project, write_sql_layer

SQL_OBJECTS = """
CREATE INDEX user_name_lower_idx ON "User" (lower(name));
CREATE INDEX user_email_name_idx ON "User" (email, name);
ALTER TABLE "User" ADD COLUMN search_text text;
CREATE VIEW user_emails AS SELECT id, email FROM "User";
CREATE FUNCTION user_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER user_touch BEFORE UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION user_touch();
CREATE TABLE sql_layer_audit (id bigserial PRIMARY KEY, note text);
"""


def _project(tmp_path: Path) -> Path:
    proj = write_project(tmp_path / "p", USERS)
    return proj


def _env(db_url: str) -> dict[str, str]:
    return {"DATABASE_URL": db_url}


def _index_exists(db_url: str, name: str) -> bool:
    return scalar(db_url, f"SELECT to_regclass('{name}') IS NOT NULL") is True


def test_objects_are_recorded_and_not_drift(tmp_path: Path, db_url: str):
    proj = _project(tmp_path)
    env = _env(db_url)
    dev = run(["db:migrate:dev", "--name", "init", "--skip-generate"], proj, env)
    assert dev.returncode == 0, dev.stderr
    write_sql_layer(proj, SQL_OBJECTS, "20300101_0000_extras.sql")
    assert run(["db:migrate"], proj, env).returncode == 0
    with psycopg.connect(db_url) as c:
        objects = c.execute("SELECT objects FROM migration_history WHERE script = '20300101_0000_extras.sql'")
        recorded = {tuple(o) for o in objects.fetchone()[0]}
    assert ("index", "public", "User", "user_name_lower_idx") in recorded
    assert ("column", "public", "User", "search_text") in recorded
    assert ("view", "public", "", "user_emails") in recorded
    assert ("trigger", "public", "User", "user_touch") in recorded
    assert ("table", "public", "", "sql_layer_audit") in recorded
    assert ("function", "public", "", "user_touch()") in recorded
    assert not any(o[3] == "User_pkey" for o in recorded)  # only what the file created

    status = run(["db:migrate:status", "--json"], proj, env)
    assert status.returncode == 0, status.stdout + status.stderr
    assert json.loads(status.stdout)["drift"]["in_sync"] is True
    version = run(["db:version", "--json"], proj, env)
    assert json.loads(version.stdout)["drift"]["in_sync"] is True

    # an object nobody recorded is still drift
    execute(db_url, 'CREATE INDEX manual_idx ON "User" (name)')
    status = run(["db:migrate:status", "--json"], proj, env)
    assert status.returncode == 1
    assert any(
        "manual_idx" in line or "Added index" in line for line in json.loads(status.stdout)["drift"]["differences"]
    )


def test_dev_does_not_demand_a_reset_for_sql_layer_objects(tmp_path: Path, db_url: str):
    proj = _project(tmp_path)
    env = _env(db_url)
    assert run(["db:migrate:dev", "--name", "init", "--skip-generate"], proj, env).returncode == 0
    write_sql_layer(proj, SQL_OBJECTS, "20300101_0000_extras.sql")
    assert run(["db:migrate"], proj, env).returncode == 0
    # a schema change: dev replays the history in a shadow database (without the SQL layer) and compares
    set_schema(proj, USERS_POSTS)
    dev = run(["db:migrate:dev", "--name", "posts", "--skip-generate"], proj, env)
    assert dev.returncode == 0, dev.stdout + dev.stderr
    assert "reset" not in (dev.stdout + dev.stderr).lower()
    assert _index_exists(db_url, "user_name_lower_idx") and _index_exists(db_url, "user_email_name_idx")
    again = run(["db:migrate:dev", "--skip-generate"], proj, env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "reset" not in (again.stdout + again.stderr).lower()


def test_push_never_drops_sql_layer_objects(tmp_path: Path, db_url: str):
    proj = _project(tmp_path)
    env = _env(db_url)
    write_sql_layer(proj, SQL_OBJECTS, "20300101_0000_extras.sql")
    first = run(["db:push", "--skip-generate"], proj, env)
    assert first.returncode == 0, first.stderr
    set_schema(proj, USERS_POSTS)
    second = run(["db:push", "--skip-generate", "--json"], proj, env)
    assert second.returncode == 0, second.stderr
    assert "user_name_lower_idx" not in second.stdout and "search_text" not in second.stdout
    assert _index_exists(db_url, "user_name_lower_idx") and _index_exists(db_url, "user_email_name_idx")
    assert scalar(db_url, "SELECT to_regclass('sql_layer_audit') IS NOT NULL") is True
    assert "search_text" in [
        r
        for r in (
            scalar(
                db_url,
                "SELECT string_agg(column_name, ',') FROM information_schema.columns WHERE table_name = 'User'",
            )
            or ""
        ).split(",")
    ]
    # and a third push has nothing to do
    third = run(["db:push", "--skip-generate", "--json"], proj, env)
    assert third.returncode == 0 and json.loads(third.stdout)["statements"] == 0, third.stdout


def test_the_schema_may_declare_what_the_sql_layer_made(tmp_path: Path, db_url: str):
    """An index both the SQL layer and schema.prisma declare is the schema's: dropping it is drift."""
    proj = _project(tmp_path)
    env = _env(db_url)
    assert run(["db:migrate:dev", "--name", "init", "--skip-generate"], proj, env).returncode == 0
    write_sql_layer(proj, 'CREATE INDEX "User_name_idx" ON "User" (name);\n', "20300101_0000_idx.sql")
    assert run(["db:migrate"], proj, env).returncode == 0
    set_schema(proj, USERS.replace("  name  String?\n", "  name  String?\n\n  @@index([name])\n"))
    status = run(["db:migrate:status", "--json"], proj, env)
    assert json.loads(status.stdout)["drift"]["in_sync"] is True, status.stdout
    execute(db_url, 'DROP INDEX "User_name_idx"')
    status = run(["db:migrate:status", "--json"], proj, env)
    assert status.returncode == 1 and json.loads(status.stdout)["drift"]["in_sync"] is False


def test_ledger_of_an_older_nexo_gains_the_objects_column(tmp_path: Path, db_url: str):
    proj = _project(tmp_path)
    env = _env(db_url)
    assert run(["db:migrate:dev", "--name", "init", "--skip-generate"], proj, env).returncode == 0
    execute(
        db_url,
        "CREATE TABLE migration_history (id bigserial PRIMARY KEY, version text, name text NOT NULL, "
        "kind text NOT NULL, script text NOT NULL, checksum text NOT NULL, success boolean NOT NULL)",
    )
    write_sql_layer(proj, 'CREATE INDEX user_name_lower_idx ON "User" (lower(name));\n', "20300101_0000_idx.sql")
    assert run(["db:migrate"], proj, env).returncode == 0
    assert scalar(db_url, "SELECT jsonb_array_length(objects) FROM migration_history") == 1
    status = run(["db:migrate:status", "--json"], proj, env)
    assert status.returncode == 0 and json.loads(status.stdout)["drift"]["in_sync"] is True
