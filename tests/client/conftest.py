"""Fixtures for the client runtime tests: databases built from real DDL, connected clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest

from nexo.client.engine import Client
from nexo.client.engine_sync import Client as SyncClient

from .metas import CRM, FEATURE

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def _apply(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        c.execute(sql)


@pytest.fixture
def feature_url(fresh_db: str) -> str:
    _apply(fresh_db, (HERE / "feature.sql").read_text())
    return fresh_db


@pytest.fixture
def crm_url(fresh_db: str) -> str:
    for f in sorted((REPO / "prisma_migrations").glob("*/migration.sql")):
        _apply(fresh_db, f.read_text())
    return fresh_db


@pytest.fixture
async def db(feature_url: str) -> AsyncIterator[Client]:
    client = Client(FEATURE, feature_url, max_size=4)
    await client.connect()
    try:
        yield client
    finally:
        await client.disconnect()


@pytest.fixture
def sdb(feature_url: str) -> Iterator[SyncClient]:
    client = SyncClient(FEATURE, feature_url, max_size=2)
    client.connect()
    try:
        yield client
    finally:
        client.disconnect()


@pytest.fixture
def crm() -> object:
    return CRM
