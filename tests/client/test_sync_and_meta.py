"""The sync runtime (generated from the async one, committed, equal to the transformer's output),
the generated sync client end to end, the dict-level runtime API and the embedded metadata."""

from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from nexo.client import _codegen
from nexo.client.engine_sync import Client as SyncClient
from nexo.client.errors import RecordNotFoundError, TransactionExpiredError, UniqueViolationError, UnknownModelError
from nexo.client.meta import SchemaMeta


def test_committed_sync_module_equals_transformer_output() -> None:
    expected = _codegen.transform(_codegen.SOURCE.read_text(encoding="utf-8"))
    assert _codegen.TARGET.read_text(encoding="utf-8") == expected, "run: python -m nexo.client._codegen"


def test_transformer_rules() -> None:
    src = "async def f(pool: AsyncConnectionPool):\n    async with x() as y:  # async stays in comments\n        return await g('await')\n"
    out = _codegen.transform(src)
    assert out.endswith(
        "def f(pool: ConnectionPool):\n    with x() as y:  # async stays in comments\n        return g('await')\n"
    )
    assert "await" not in _codegen.transform("await  foo()")


def test_sync_client_end_to_end(sdb: Any) -> None:
    u = sdb.user
    a = u.create(
        {"email": "a@x.io", "posts": {"create": [{"title": "t1"}, {"title": "t2"}]}},
        include={"posts": {"order_by": {"title": "asc"}}},
    )
    assert [p.title for p in a.posts] == ["t1", "t2"] and type(a).__name__ == "User"
    assert u.count() == 1
    assert u.update({"name": "A"}, {"id": a.id}).name == "A"
    with pytest.raises(UniqueViolationError):
        u.create({"email": "a@x.io"})
    with sdb.tx() as tx:
        tx.user.create({"email": "b@x.io"})
        assert u.count() == 1
    assert u.count() == 2
    with pytest.raises(ValueError):
        with sdb.tx() as tx:
            tx.user.create({"email": "c@x.io"})
            raise ValueError
    assert u.count() == 2
    with pytest.raises(TransactionExpiredError):
        with sdb.tx(timeout=timedelta(milliseconds=200)) as tx:
            tx.query_raw("SELECT pg_sleep(1)")
    with sdb.batch_() as b:
        b.user.delete({"email": "b@x.io"})
    assert u.count() == 1
    with sdb.tenant("acc-1") as t:
        assert t.query_first("SELECT current_setting('app.current_account_id') AS s") == {"s": "acc-1"}
    assert sdb.execute_raw("UPDATE users SET score = $1", 2.5) == 1
    assert u.find_unique_or_raise({"email": "a@x.io"}).score == 2.5
    with pytest.raises(RecordNotFoundError):
        u.find_unique_or_raise({"email": "zz@x.io"})
    assert u.group_by(["active"], count=True) == [{"active": True, "_count": {"_all": 1}}]
    raw = sdb.query_raw("SELECT * FROM users", model=type(a))
    assert [(type(r).__name__, r.email, r.posts) for r in raw] == [("User", "a@x.io", None)]
    assert sdb.user.query_first("SELECT * FROM users WHERE email = $1", "zz") is None


def test_runtime_dict_api_and_model_factory(feature_url: str, generated: SimpleNamespace) -> None:
    """The runtime on its own (no generated classes): dict rows, or whatever a factory makes of them."""
    made: list[str] = []

    def factory(model: str, row: dict[str, object]) -> tuple[str, object]:
        made.append(model)
        return (model, row["email"] if model == "User" else row["id"])

    meta = generated.sync.metadata.META
    with SyncClient(meta, feature_url, model_factory=factory) as c:
        assert c.model("User").create({"email": "f@x.io"}) == ("User", "f@x.io")
        assert c.model("User").find_many() == [("User", "f@x.io")]
        assert c.model("User", factory=lambda r: r["id"]).find_first() == 1
    assert made == ["User", "User"]
    with SyncClient(meta, feature_url) as c:
        row = c.model("User").find_unique({"email": "f@x.io"}, include={"posts": True})
        assert isinstance(row, dict) and row["email"] == "f@x.io" and row["posts"] == []


def test_embedded_meta_round_trips_through_json(generated: SimpleNamespace) -> None:
    for pkg in (generated.feature, generated.crm):
        meta = SchemaMeta.from_dict(pkg.metadata.META)
        assert SchemaMeta.from_dict(json.loads(json.dumps(meta.to_dict()))) == meta
        assert meta.to_dict() == pkg.metadata.META
    feature = SchemaMeta.from_dict(generated.feature.metadata.META)
    assert feature.model("Membership").unique_sets["orgId_userEmail"] == ("orgId", "userEmail")
    with pytest.raises(UnknownModelError):
        feature.model("Nope")
    post = feature.model("Post")
    assert post.relation("categories") is not None and post.relation("categories").is_m2m  # type: ignore[union-attr]
    assert post.field_by_db("author_id").name == "authorId"  # type: ignore[union-attr]
