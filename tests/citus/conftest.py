"""A real Citus cluster (one coordinator, two workers on localhost) started by ``../shared/citus/cluster``.

The folder is found relative to the repo root; where it is absent (a user's clone) the tests skip and
say so. Each test gets its own database with Citus on every node and the workers registered.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent


def _cluster_script() -> Path:
    """``../shared/citus/cluster`` beside the repo root; in a git worktree, beside the main checkout's root."""
    roots = [REPO]
    dotgit = REPO / ".git"
    if dotgit.is_file():  # a worktree: "gitdir: <main>/.git/worktrees/<name>"
        text = dotgit.read_text(encoding="utf-8").strip()
        if text.startswith("gitdir:"):
            roots.append(Path(text.split(":", 1)[1].strip()).resolve().parents[2])
    for root in roots:
        script = root.parent / "shared" / "citus" / "cluster"
        if script.is_file():
            return script
    return REPO.parent / "shared" / "citus" / "cluster"


CLUSTER = _cluster_script()


def _cluster(*args: str) -> str:
    env = {**os.environ, "PYTHON": sys.executable}
    done = subprocess.run([str(CLUSTER), *args], capture_output=True, text=True, env=env, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"cluster {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


@pytest.fixture(scope="session")
def citus_cluster() -> str:
    """The coordinator's admin URL (the cluster is started once, and left running for the next run)."""
    if not CLUSTER.is_file():
        pytest.skip(f"no Citus cluster script at {CLUSTER} (../shared/citus is absent outside the team's machines)")
    # test runs in parallel (pytest -n, several worktrees) start it at once: one at a time, the others find it up
    with open(Path(tempfile.gettempdir()) / "nexo-citus-cluster.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _cluster("start")


@pytest.fixture
def citus_db(citus_cluster: str) -> Iterator[str]:
    """A fresh database that is a Citus cluster (extension on every node, workers added); dropped after."""
    name = f"nexo_c_{uuid.uuid4().hex[:10]}"
    url = _cluster("createdb", name)
    try:
        yield url
    finally:
        _cluster("dropdb", name)
