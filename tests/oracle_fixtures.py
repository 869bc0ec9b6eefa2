"""pytest fixture for the Prisma CLI oracle (see ``tests/oracle.py``).

Import it into a conftest or test module with ``from oracle_fixtures import prisma_oracle``
(``tests/`` is on ``sys.path`` under pytest's default import mode, because ``tests/`` has no
``__init__.py``). The fixture is
session-scoped: the CLI is installed (or found in its cache) once per test run. Where Node.js is
missing, or the install fails, every test that asks for it is skipped with the reason.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

if str(Path(__file__).resolve().parent) not in sys.path:  # importable however pytest was started
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from oracle import OracleUnavailable, PrismaOracle


@pytest.fixture(scope="session")
def prisma_oracle(pg_server_url: str) -> PrismaOracle:
    """The real Prisma CLI 6.19.0, installed in its cache folder, pointed at the test server."""
    oracle = PrismaOracle(pg_server_url)
    try:
        oracle.ensure_installed()
    except OracleUnavailable as exc:
        pytest.skip(f"Prisma CLI oracle unavailable: {exc}")
    return oracle
