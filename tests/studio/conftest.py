"""Fixtures of the studio's tests: the repo's own project migrated (Prisma steps and the RLS layer)
into a fresh database, two tenants with a few rows each, and the studio app over it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

pytest.importorskip("starlette", reason="the studio extra is not installed: pip install 'nexo[studio]'")

from starlette.testclient import TestClient

from nexo import orchestrate
from nexo.config import load_config
from nexo.studio.app import create_app
from nexo.studio.data import Studio
from nexo.studio.schema import load

TOKEN = "test-token-0123456789"
PORT = 5555
BASE = f"http://127.0.0.1:{PORT}"
ACME = "11111111-1111-1111-1111-111111111111"
GLOBEX = "22222222-2222-2222-2222-222222222222"


@dataclass
class Seeded:
    url: str
    project: Path
    acme_users: list[str]
    globex_users: list[str]


SEED = f"""
INSERT INTO accounts (id, name, slug) VALUES ('{ACME}', 'Acme', 'acme'), ('{GLOBEX}', 'Globex', 'globex');
INSERT INTO users (id, account_id, email, name, status)
SELECT ('aaaaaaaa-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, '{ACME}', 'user' || i || '@acme.test',
       'Acme user ' || i, CASE WHEN i % 3 = 0 THEN 'invited'::user_status ELSE 'active'::user_status END
FROM generate_series(1, 120) AS i;
INSERT INTO users (id, account_id, email, name)
SELECT ('bbbbbbbb-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, '{GLOBEX}', 'user' || i || '@globex.test', 'Globex user ' || i
FROM generate_series(1, 5) AS i;
INSERT INTO roles (account_id, name) VALUES ('{ACME}', 'admin'), ('{GLOBEX}', 'admin');
INSERT INTO user_roles (user_id, role_id, account_id)
SELECT 'aaaaaaaa-0000-0000-0000-000000000001', id, '{ACME}' FROM roles WHERE account_id = '{ACME}';
INSERT INTO employees (account_id, user_id, first_name, last_name, email, hired_on, salary)
VALUES ('{ACME}', 'aaaaaaaa-0000-0000-0000-000000000001', 'Ada', 'Lovelace', 'ada@acme.test', '2024-02-01', 1234.50);
"""


@pytest.fixture
def seeded(project: Path, db_url: str) -> Seeded:
    cfg = load_config(project, database_url=db_url)
    orchestrate.migrate(cfg)
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute(SEED)
    return Seeded(
        db_url,
        project,
        [f"aaaaaaaa-0000-0000-0000-{i:012d}" for i in range(1, 121)],
        [f"bbbbbbbb-0000-0000-0000-{i:012d}" for i in range(1, 6)],
    )


def make_client(seeded: Seeded, *, tenant: str | None = None, read_only: bool = False) -> TestClient:
    cfg = load_config(seeded.project, database_url=seeded.url)
    studio = Studio(load(cfg), seeded.url, app_role=cfg.app_role, read_only=read_only, tenant=tenant)
    return TestClient(create_app(studio, TOKEN, PORT), base_url=BASE)


@pytest.fixture
def client(seeded: Seeded) -> Iterator[TestClient]:
    with make_client(seeded) as c:
        yield c
