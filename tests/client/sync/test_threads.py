"""What the sync twins leave out because it is asyncio (see ``ASYNC_ONLY`` in ``tests/client/sync_twins.py``),
written for the sync runtime: threads instead of tasks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from nexo.client.errors import PrismaError, UniqueViolationError

from .test_tenant_sync import A, B, app, app_url  # noqa: F401 - the CRM schema as the application role (fixtures)


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


def test_concurrent_threads_two_tenants_one_pool(app: Any) -> None:  # noqa: F811
    """Tenant sessions of two tenants in many threads over one pool: each sees its own rows only."""
    seen: dict[str, set[str]] = {A: set(), B: set()}

    def task(i: int) -> None:
        acc = A if i % 2 == 0 else B
        other = B if acc == A else A
        with app.tenant(acc) as t:
            t.client.create({"name": f"task-{i}", "accountId": acc})
            for r in t.client.find_many(where={"name": {"startswith": "task-"}}):
                seen[acc].add(r.accountId)
                assert int(r.name.split("-")[1]) % 2 == (0 if acc == A else 1)
            assert t.query_first("SELECT current_setting('app.current_account_id') AS s") == {"s": acc}
            assert t.client.count(where={"accountId": other}) == 0
            assert t.client.update_many({"notes": f"by-{acc}"}, {"accountId": other}) == 0

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(task, range(40)))
    assert seen == {A: {A}, B: {B}}
    for acc in (A, B):
        with app.tenant(acc) as t:
            assert t.client.count(where={"name": {"startswith": "task-"}}) == 20
            assert t.client.count(where={"notes": {"startswith": "by-"}}) == 0
