# GENERATED from tests/client/test_tx_raw.py by nexo/client/_codegen.py: do not edit.
# Regenerate with: python tests/client/sync_twins.py
"""Interactive transactions, batches, raw SQL and the error classes."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from nexo.client.engine_sync import convert_placeholders
from nexo.client.errors import (
    AlreadyConnectedError,
    ClientNotConnectedError,
    DataError,
    InputError,
    RawQueryError,
    RecordNotFoundError,
    TableNotFoundError,
    TransactionExpiredError,
    TransactionNotStartedError,
    UniqueViolationError,
)
from nexo.client.fields import Json


def test_tx_commit_and_isolation_from_outside(db: Any) -> None:
    with db.tx() as tx:
        assert tx.is_transaction() and not db.is_transaction()
        tx.user.create({"email": "a@x.io"})
        assert tx.user.count() == 1
        assert db.user.count() == 0
    assert db.user.count() == 1


def test_tx_rollback_on_exception(db: Any) -> None:
    with pytest.raises(ValueError, match="boom"):
        with db.tx() as tx:
            tx.user.create({"email": "a@x.io"})
            raise ValueError("boom")
    assert db.user.count() == 0
    # a database error inside the block also rolls back
    db.user.create({"email": "b@x.io"})
    with pytest.raises(UniqueViolationError):
        with db.tx() as tx:
            tx.user.create({"email": "c@x.io"})
            tx.user.create({"email": "b@x.io"})
    assert db.user.count() == 1


def test_tx_manual_control_and_closed(db: Any) -> None:
    mgr = db.tx()
    with pytest.raises(TransactionNotStartedError):
        mgr.commit()
    tx = mgr.start()
    tx.user.create({"email": "a@x.io"})
    mgr.rollback()
    assert db.user.count() == 0
    with pytest.raises(TransactionExpiredError, match="closed"):
        tx.user.count()
    mgr = db.tx()
    tx = mgr.start()
    tx.user.create({"email": "a@x.io"})
    mgr.commit()
    assert db.user.count() == 1
    with pytest.raises(TransactionExpiredError):
        tx.user.count()


def test_tx_timeout(db: Any) -> None:
    with pytest.raises(TransactionExpiredError):
        with db.tx(timeout=timedelta(milliseconds=200)) as tx:
            tx.user.create({"email": "a@x.io"})
            time.sleep(0.3)
            tx.user.count()
    assert db.user.count() == 0
    # a statement running past the timeout is cancelled by the server and the tx expires
    with pytest.raises(TransactionExpiredError):
        with db.tx(timeout=timedelta(milliseconds=300)) as tx:
            tx.query_raw("SELECT pg_sleep(2)")
    # commit after the deadline raises and rolls back
    with pytest.raises(TransactionExpiredError):
        with db.tx(timeout=timedelta(milliseconds=100)) as tx:
            tx.user.create({"email": "b@x.io"})
            time.sleep(0.2)
    assert db.user.count() == 0


def test_tx_isolation_level_and_nested_warning(db: Any) -> None:
    with db.tx(isolation_level="SERIALIZABLE") as tx:
        row = tx.query_first("SHOW transaction_isolation")
        assert row == {"transaction_isolation": "serializable"}
        with pytest.warns(UserWarning, match="already in a transaction"):
            inner = tx.tx()
        with inner as other:
            other.user.create({"email": "x@x.io"})
        assert tx.user.count() == 0  # independent transaction, not yet visible in this snapshot
    with pytest.raises(DataError):
        db.tx(isolation_level="sometimes")


def test_nested_write_inside_tx_uses_savepoint(db: Any) -> None:
    with db.tx() as tx:
        tx.user.create({"email": "keep@x.io"})
        with pytest.raises(RecordNotFoundError):
            tx.user.create({"email": "lost@x.io", "posts": {"connect": [{"id": "none"}]}})
        assert tx.user.count() == 1
    assert [u.email for u in db.user.find_many()] == ["keep@x.io"]


def test_batch(db: Any) -> None:
    with db.batch_() as b:
        b.user.create({"email": "a@x.io"})
        b.user.create_many([{"email": "b@x.io"}, {"email": "c@x.io"}])
        b.user.update({"name": "A"}, {"email": "a@x.io"})
        b.user.upsert({"email": "d@x.io"}, {"create": {"email": "d@x.io"}, "update": {}})
        b.user.update_many({"score": 2.0}, {})
        b.user.delete({"email": "c@x.io"})
        b.execute_raw('UPDATE "users" SET "big" = $1 WHERE "email" = $2', 7, "b@x.io")
    assert db.user.count() == 3
    assert (db.user.find_unique({"email": "a@x.io"})).name == "A"
    assert (db.user.find_unique({"email": "b@x.io"})).big == 7
    # atomic: one failure commits nothing
    b = db.batch_()
    b.user.create({"email": "e@x.io"})
    b.user.create({"email": "a@x.io"})
    with pytest.raises(UniqueViolationError):
        b.commit()
    assert db.user.count(where={"email": "e@x.io"}) == 0
    b.commit()  # the queue was emptied: nothing is sent twice
    b = db.batch_()
    b.user.delete({"email": "nobody@x.io"})
    with pytest.raises(RecordNotFoundError):
        b.commit()
    # not committed when the block raises
    with pytest.raises(ValueError):
        with db.batch_() as b:
            b.user.create({"email": "f@x.io"})
            raise ValueError
    assert db.user.count(where={"email": "f@x.io"}) == 0
    with db.tx() as tx:
        with tx.batch_() as b:
            b.user.create({"email": "g@x.io"})
        assert db.user.count(where={"email": "g@x.io"}) == 0
    assert db.user.count(where={"email": "g@x.io"}) == 1


def test_raw_queries(db: Any) -> None:
    db.user.create(
        {"email": "a@x.io", "balance": Decimal("1.50"), "meta": Json({"a": 1}), "avatar": b"hi", "tags": ["x"]}
    )
    rows = db.query_raw(
        'SELECT id, email, balance, meta, avatar, "createdAt", tags FROM users WHERE email = $1 AND id = $2 AND email = $1',
        "a@x.io",
        1,
    )
    assert len(rows) == 1
    r = rows[0]
    assert r["balance"] == 1.5 and r["meta"] == {"a": 1} and r["avatar"] == "aGk=" and r["tags"] == ["x"]
    assert isinstance(r["createdAt"], str) and r["createdAt"].endswith("+00:00")
    assert db.query_first("SELECT '50%' AS p, $1::int AS n -- $2 in a comment", 5) == {"p": "50%", "n": 5}
    assert db.query_first("SELECT 1 AS x WHERE false") is None
    assert db.execute_raw("UPDATE users SET name = $1", "N") == 1
    assert (db.user.query_first("SELECT * FROM users")).name == "N"

    class Row:
        def __init__(self, d: dict[str, object]) -> None:
            self.d = d

    got = db.query_raw("SELECT 1 AS one", model=Row)
    assert got[0].d == {"one": 1}
    with pytest.raises(RawQueryError):
        db.query_raw("SELECT * FROM nope")
    with pytest.raises(RawQueryError):
        db.execute_raw('INSERT INTO users (email, "updatedAt") VALUES ($1, now())', "a@x.io")
    with pytest.raises(DataError):
        db.query_raw("SELECT $3", 1)


def test_convert_placeholders() -> None:
    sql, params = convert_placeholders(
        "SELECT $2, '$1 %', \"a$1\", $$ $1 $$, $tag$ x $tag$ /* $1 */ FROM t WHERE a LIKE '%' || $1", ("a", "b")
    )
    assert sql == "SELECT %s, '$1 %%', \"a$1\", $$ $1 $$, $tag$ x $tag$ /* $1 */ FROM t WHERE a LIKE '%%' || %s"
    assert params == ["b", "a"]


def test_lifecycle_errors(feature_url: str, fc: Any) -> None:
    c = fc.Prisma(datasource={"url": feature_url}, use_dotenv=False)
    assert not c.is_connected()
    with pytest.raises(ClientNotConnectedError):
        c.user.count()
    with pytest.raises(ClientNotConnectedError):
        c.query_raw("SELECT 1")
    with c:
        assert c.is_connected()
        with pytest.raises(AlreadyConnectedError):
            c.connect()
        assert c.user.count() == 0
    assert not c.is_connected()
    c.disconnect()  # no-op when not connected


def test_database_errors_map_to_classes(db: Any, feature_url: str) -> None:
    with pytest.raises(InputError):
        db.user.find_many(where={"balance": {"gt": "not a number"}})
    with pytest.raises(InputError):
        db.post.find_many(where={"views": {"gt": "abc"}})
    db.execute_raw('ALTER TABLE "Category" RENAME TO "Gone"')
    with pytest.raises(TableNotFoundError):
        db.category.count()


def test_datasource_url_parameters(feature_url: str, fc: Any) -> None:
    sep = "&" if "?" in feature_url else "?"
    c = fc.Prisma(
        datasource={"url": feature_url + sep + "schema=nexo_alt&connection_limit=2&pool_timeout=5"}, use_dotenv=False
    )
    with c:
        assert c._pool is not None and c._pool.max_size == 2
        assert c.query_first("SHOW search_path") == {"search_path": "nexo_alt"}
