"""Interrupts and terminals: the shadow database is dropped on Ctrl-C/SIGTERM; data loss is confirmed on a tty."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import psycopg
import pytest
from devproject import NEXO, SLOW, USERS, shadow_databases, tables, wait_for, write_project


def _sleeping_in_shadow(server_url: str) -> bool:
    with psycopg.connect(server_url, autocommit=True) as c:
        return bool(
            c.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname LIKE 'nexo\\_shadow\\_%' AND query LIKE '%pg_sleep%'"
                " AND state = 'active'"
            ).fetchone()
        )


def _signals_as_in_a_terminal() -> None:
    """In the child before exec: SIGINT and SIGTERM at their defaults, as a shell on a terminal starts a command.
    A run started in the background (``cmd &``, nohup, some CI runners) ignores SIGINT, the child inherits
    that, and Python then leaves Ctrl-C ignored: the test would measure how it was started."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupt_during_shadow_replay_drops_the_shadow_database(
    tmp_path: Path, db_url: str, pg_server_url: str, signum: int
):
    proj = write_project(tmp_path / "p", USERS, migrations={"20200101000000_slow": SLOW})
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CI")}
    env["DATABASE_URL"] = db_url
    proc = subprocess.Popen(
        [NEXO, "db:migrate:dev", "--name", "x"],
        cwd=proj,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_signals_as_in_a_terminal,
    )
    try:
        wait_for(lambda: _sleeping_in_shadow(pg_server_url), "the replay to reach pg_sleep in the shadow database")
        assert len(shadow_databases(pg_server_url)) == 1
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert "Traceback" not in err
    assert shadow_databases(pg_server_url) == []
    assert "slow" not in tables(db_url)


def _on_terminal(args: list[str], cwd: Path, db_url: str, answer: bytes) -> subprocess.CompletedProcess:
    """Run the console script with a pseudo-terminal as stdin and type ``answer`` into it."""
    import pty

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CI")}
    env["DATABASE_URL"] = db_url
    try:
        os.write(master, answer)
        proc = subprocess.run([NEXO, *args], cwd=cwd, env=env, stdin=slave, capture_output=True, text=True, timeout=180)
    finally:
        os.close(slave)
        os.close(master)
    return proc


@pytest.mark.parametrize(("answer", "applied"), [(b"y\n", True), (b"n\n", False)], ids=["yes", "no"])
def test_data_loss_is_confirmed_on_a_terminal(tmp_path: Path, db_url: str, answer: bytes, applied: bool):
    from devproject import USERS_WITHOUT_NAME, columns, execute, migration_names, run, set_schema

    proj = write_project(tmp_path / "p", USERS)
    assert run(["db:migrate:dev", "-n", "init"], proj, {"DATABASE_URL": db_url}).returncode == 0
    execute(db_url, "INSERT INTO \"User\" (email, name) VALUES ('a@x', 'A')")
    set_schema(proj, USERS_WITHOUT_NAME)
    r = _on_terminal(["db:migrate:dev", "-n", "drop"], proj, db_url, answer)
    assert "which still contains 1 non-null values" in r.stderr
    assert "Are you sure you want to create and apply this migration?" in r.stderr
    if applied:
        assert r.returncode == 0, r.stderr
        assert columns(db_url, "User") == ["id", "email"] and len(migration_names(proj)) == 2
    else:
        assert r.returncode == 1 and "Migration cancelled." in r.stderr
        assert "name" in columns(db_url, "User") and len(migration_names(proj)) == 1


def test_the_migration_name_is_asked_for_on_a_terminal(tmp_path: Path, db_url: str):
    from devproject import migration_names

    proj = write_project(tmp_path / "p", USERS)
    r = _on_terminal(["db:migrate:dev"], proj, db_url, b"first users\n")
    assert r.returncode == 0, r.stderr
    assert "Enter a name for the new migration" in r.stderr
    (name,) = migration_names(proj)
    assert name.endswith("_first_users") and len(name) == len("YYYYMMDDHHMMSS_first_users")
    assert "User" in tables(db_url)


def test_without_a_terminal_the_migration_is_unnamed(tmp_path: Path, db_url: str):
    from devproject import migration_names, run

    proj = write_project(tmp_path / "p", USERS)
    r = run(["db:migrate:dev"], proj, {"DATABASE_URL": db_url})
    assert r.returncode == 0, r.stderr
    assert "Enter a name" not in r.stderr + r.stdout
    (name,) = migration_names(proj)
    assert name.isdigit() and len(name) == 14
