"""Shadow databases left by a run that was killed outright are dropped by the next run, and only those.

A run holds a session advisory lock (``SHADOW_LOCK_CLASS``, a key from the database's name) on a
connection to the main database while its shadow database exists; ``drop_orphaned_shadows`` drops
the ``nexo_shadow_<uuid>`` databases whose lock nobody holds.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from devproject import NEXO, SLOW, USERS, shadow_databases, wait_for, write_project

from nexo.db import connect, with_user
from nexo.migrate.shadow import SHADOW_LOCK_CLASS, drop_orphaned_shadows, shadow_database, shadow_lock_key


def _execute(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        for s in statements:
            c.execute(s)


def _shadow_locks(server_url: str) -> list[int]:
    with psycopg.connect(server_url, autocommit=True) as c:
        return [
            r[0]
            for r in c.execute(
                "SELECT objid::int8 FROM pg_locks WHERE locktype = 'advisory' AND classid::int8 = %s",
                (SHADOW_LOCK_CLASS,),
            ).fetchall()
        ]


def _new_name() -> str:
    return f"nexo_shadow_{uuid.uuid4().hex}"


@contextmanager
def _live_shadow(server_url: str, name: str) -> Iterator[None]:
    """What a running nexo holds: the lock on a session of its own, then the database."""
    with psycopg.connect(server_url, autocommit=True) as owner:
        owner.execute("SELECT pg_advisory_lock(%s, %s)", (SHADOW_LOCK_CLASS, shadow_lock_key(name)))
        owner.execute(f'CREATE DATABASE "{name}"')
        try:
            yield
        finally:
            owner.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_killed_run_leaves_its_shadow_database_and_the_next_run_drops_it(
    tmp_path: Path, db_url: str, pg_server_url: str, caplog: pytest.LogCaptureFixture
):
    proj = write_project(tmp_path / "p", USERS, migrations={"20200101000000_slow": SLOW})
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CI")}
    env["DATABASE_URL"] = db_url
    proc = subprocess.Popen(
        [NEXO, "db:migrate:dev", "--name", "x"],
        cwd=proj,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: len(shadow_databases(pg_server_url)) == 1, "the run to create its shadow database")
        (left,) = shadow_databases(pg_server_url)
        assert shadow_lock_key(left) in _shadow_locks(pg_server_url)  # held while the run lives
        proc.send_signal(signal.SIGKILL)  # nothing in the process runs any more: no clean-up of its own
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # the killed client's sessions end on the server (their socket closed), and its lock with them
    wait_for(lambda: shadow_lock_key(left) not in _shadow_locks(pg_server_url), "the killed run's sessions to end")
    assert shadow_databases(pg_server_url) == [left]  # nobody dropped it

    caplog.set_level(logging.WARNING, logger="nexo.migrate.shadow")
    with shadow_database(db_url) as url:
        name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
        assert shadow_databases(pg_server_url) == [name]
        assert name != left
    assert shadow_databases(pg_server_url) == []
    assert f"Dropped {left}, a shadow database left by an earlier nexo run that was killed." in caplog.text


def test_the_shadow_database_of_a_run_in_progress_is_left_alone(db_url: str, pg_server_url: str):
    other = _new_name()
    with _live_shadow(pg_server_url, other):
        with shadow_database(db_url) as url:
            mine = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
            assert sorted(shadow_databases(pg_server_url)) == sorted([other, mine])
            # and this run's own database is held while it lives: another run leaves it too
            with connect(pg_server_url) as c:
                assert drop_orphaned_shadows(c) == []
        assert shadow_databases(pg_server_url) == [other]
    assert shadow_databases(pg_server_url) == []


def test_only_databases_named_like_nexo_shadow_databases_are_dropped(pg_server_url: str):
    orphan, look_alike = _new_name(), "nexo_shadow_keep_me"
    _execute(pg_server_url, f'CREATE DATABASE "{orphan}"', f'CREATE DATABASE "{look_alike}"')
    try:
        with connect(pg_server_url) as c:
            assert drop_orphaned_shadows(c) == [orphan]
            assert drop_orphaned_shadows(c) == []
        assert shadow_databases(pg_server_url) == [look_alike]
    finally:
        _execute(pg_server_url, f'DROP DATABASE IF EXISTS "{orphan}"', f'DROP DATABASE IF EXISTS "{look_alike}"')


def test_an_orphan_the_role_cannot_drop_is_named_and_the_run_goes_on(
    db_url: str, pg_server_url: str, caplog: pytest.LogCaptureFixture
):
    orphan = _new_name()  # created by the superuser: a role without rights on it cannot drop it
    role = f"nexo_t_shadow_{uuid.uuid4().hex[:8]}"
    _execute(
        db_url,
        f"CREATE ROLE {role} LOGIN CREATEDB",
        f'CREATE DATABASE "{orphan}"',
        f"GRANT CREATE, USAGE ON SCHEMA public TO {role}",
    )
    caplog.set_level(logging.WARNING, logger="nexo.migrate.shadow")
    try:
        with shadow_database(with_user(db_url, role)) as url:
            mine = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
            assert sorted(shadow_databases(pg_server_url)) == sorted([orphan, mine])
        assert shadow_databases(pg_server_url) == [orphan]
        assert f"could not be dropped: {orphan} (must be owner of database {orphan})" in caplog.text
    finally:
        _execute(
            db_url,
            f'DROP DATABASE IF EXISTS "{orphan}"',
            f"REVOKE ALL ON SCHEMA public FROM {role}",
            f"DROP ROLE {role}",
        )
