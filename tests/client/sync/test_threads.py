"""What the sync twins leave out because it is asyncio (see ``ASYNC_ONLY`` in ``tests/client/sync_twins.py``),
written for the sync runtime: threads instead of tasks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from nexo.client.errors import PrismaError, UniqueViolationError


def test_lean_reads_errors_and_threads(db: Any) -> None:
    """Errors of compiled statements map as on the async runtime, and threads sharing one
    transaction's connection take turns (the connection's lock)."""
    db.user.create({"email": "u@x.io"})
    for _ in range(6):
        with pytest.raises(UniqueViolationError):
            db.user.create({"email": "u@x.io"})
    for _ in range(6):  # prepared by now
        assert [u.email for u in db.user.find_many(where={"id": {"gt": 0}})] == ["u@x.io"]
    db.execute_raw('ALTER TABLE users RENAME COLUMN "name" TO "name2"')
    with pytest.raises(PrismaError, match="name"):
        db.user.find_many(where={"id": {"gt": 0}})
    db.execute_raw('ALTER TABLE users RENAME COLUMN "name2" TO "name"')
    assert [u.email for u in db.user.find_many(where={"id": {"gt": 0}})] == ["u@x.io"]
    with db.tx() as tx, ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda i: tx.user.find_many(where={"id": {"gt": i % 2 - 1}}), range(20)))
    assert [len(g) for g in got] == [1] * 20
    assert db.user.count() == 1
