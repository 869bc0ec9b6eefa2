# GENERATED from tests/client/test_writes.py by nexo/client/_codegen.py: do not edit.
# Regenerate with: python tests/client/sync_twins.py
"""create / update / upsert / delete (single and many), nested writes, defaults, atomic operations."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from nexo.client.errors import (
    DataError,
    FieldNotFoundError,
    ForeignKeyViolationError,
    MissingRequiredValueError,
    RecordNotFoundError,
    UniqueViolationError,
)
from nexo.client.fields import Json


def test_create_defaults_and_return(db: Any) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    u = db.user.create({"email": "a@x.io"})
    assert u.id == 1 and u.role == "USER" and u.active is True and u.balance == Decimal("0")
    assert u.updatedAt >= before and u.createdAt >= before
    assert u.updatedAt.microsecond % 1000 == 0
    assert u.posts is None and u.profile is None
    prof = db.profile.create({"bio": "b", "user": {"connect": {"id": u.id}}})
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", prof.id)
    post = db.post.create({"title": "t"})
    assert re.fullmatch(r"c[0-9a-z]{24}", post.id)
    com = db.comment.create({"body": "x", "postId": post.id})
    assert len(com.id) == 21
    # naive datetimes are UTC; aware ones are converted
    d = db.user.create({"email": "b@x.io", "birthday": datetime(2000, 1, 2, 23, 30, tzinfo=UTC)})
    assert d.birthday == datetime(2000, 1, 2, tzinfo=UTC)


def test_create_nested_to_one_and_to_many(db: Any) -> None:
    db.category.create({"name": "py"})
    post = db.post.create(
        {
            "title": "Hi",
            "author": {"connect_or_create": {"where": {"email": "e@x.io"}, "create": {"email": "e@x.io", "name": "E"}}},
            "categories": {"connect": {"name": "py"}, "create": [{"name": "new"}]},
            "comments": {"create": {"body": "first"}},
        },
        include={"author": True, "categories": {"order_by": {"name": "asc"}}, "comments": True},
    )
    assert post.author.name == "E"
    assert [c.name for c in post.categories] == ["new", "py"]
    assert [c.body for c in post.comments] == ["first"]
    # connect_or_create finds the existing row the second time
    again = db.post.create(
        {
            "title": "Again",
            "author": {"connect_or_create": {"where": {"email": "e@x.io"}, "create": {"email": "e@x.io", "name": "X"}}},
        },
        include={"author": True},
    )
    assert again.author.id == post.author.id and db.user.count() == 1
    # nested create of the owning side, then connect by FK scalar
    p = db.profile.create({"bio": "x", "user": {"create": {"email": "u@x.io"}}}, include={"user": True})
    assert p.user.email == "u@x.io"
    # a failing nested connect raises and rolls the whole create back
    with pytest.raises(RecordNotFoundError):
        db.post.create({"title": "lost", "author": {"connect": {"id": 999}}})
    with pytest.raises(RecordNotFoundError):
        db.user.create({"email": "z@x.io", "posts": {"connect": [{"id": "missing"}]}})
    assert db.user.count(where={"email": "z@x.io"}) == 0
    assert db.post.count(where={"title": "lost"}) == 0


def test_create_required_checks(db: Any) -> None:
    with pytest.raises(MissingRequiredValueError, match="email"):
        db.user.create({"name": "x"})
    with pytest.raises(MissingRequiredValueError, match="email"):
        db.user.create({"email": None})
    with pytest.raises(MissingRequiredValueError, match="user"):
        db.profile.create({"bio": "x"})
    with pytest.raises(FieldNotFoundError):
        db.user.create({"email": "a@x.io", "nope": 1})


def test_create_many(db: Any) -> None:
    u = db.user
    n = u.create_many([{"email": "a@x.io"}, {"email": "b@x.io", "name": "B", "tags": ["t"]}])
    assert n == 2
    n = u.create_many([{"email": "a@x.io"}, {"email": "c@x.io"}], skip_duplicates=True)
    assert n == 1
    with pytest.raises(UniqueViolationError):
        u.create_many([{"email": "a@x.io"}])
    assert u.create_many([]) == 0
    b = u.find_unique({"email": "b@x.io"})
    assert b is not None and b.tags == ["t"] and b.updatedAt is not None
    with pytest.raises(DataError):
        u.create_many([{"email": "d@x.io", "posts": {"create": []}}])


def test_update_scalars_and_atomic(db: Any) -> None:
    u = db.user
    a = u.create({"email": "a@x.io", "score": 2.0, "big": 10, "balance": Decimal("1.50"), "tags": ["x"]})
    p = db.post.create({"title": "t", "views": 10})
    got = u.update(
        {"name": "N", "score": {"multiply": 3}, "big": {"increment": 5}, "tags": {"push": ["y"]}, "meta": Json([1])},
        {"id": a.id},
    )
    assert got.name == "N" and got.score == 6.0 and got.big == 15 and got.tags == ["x", "y"] and got.meta == [1]
    assert got.updatedAt >= a.updatedAt
    got = db.post.update(data={"views": {"decrement": 4}}, where={"id": p.id})
    assert got.views == 6
    got = db.post.update({"views": {"divide": 3}}, {"id": p.id})
    assert got.views == 2
    got = db.post.update({"views": {"set": 42}, "rating": None}, {"id": p.id})
    assert got.views == 42 and got.rating is None
    got = u.update({"balance": Decimal("2.25"), "tags": {"set": []}}, {"email": "a@x.io"})
    assert got.balance == Decimal("2.25") and got.tags == []
    assert u.update({"name": "x"}, {"id": 999}) is None
    with pytest.raises(DataError, match="exactly one"):
        db.post.update({"views": {"increment": 1, "decrement": 1}}, {"id": p.id})
    with pytest.raises(MissingRequiredValueError):
        u.update({"email": None}, {"id": a.id})
    with pytest.raises(UniqueViolationError) as err:
        u.create({"email": "a@x.io"})
    assert err.value.meta["target"] == ["email"]
    # FK scalars are accepted directly
    got = db.post.update({"authorId": a.id}, {"id": p.id}, include={"author": True})
    assert got.author.email == "a@x.io"


def test_update_nested_relations(db: Any) -> None:
    u = db.user
    a = u.create(
        {"email": "a@x.io", "posts": {"create": [{"id": "p1", "title": "one"}, {"id": "p2", "title": "two"}]}}
    )
    db.post.create({"id": "p3", "title": "three"})
    # set replaces all links
    got = u.update(
        {"posts": {"set": [{"id": "p3"}], "create": [{"id": "p4", "title": "four"}]}},
        {"id": a.id},
        include={"posts": {"order_by": {"id": "asc"}}},
    )
    assert [p.id for p in got.posts] == ["p3", "p4"]
    assert (db.post.find_unique({"id": "p1"})).authorId is None
    got = u.update(
        {"posts": {"connect": [{"id": "p1"}], "disconnect": [{"id": "p3"}]}},
        {"id": a.id},
        include={"posts": {"order_by": {"id": "asc"}}},
    )
    assert [p.id for p in got.posts] == ["p1", "p4"]
    got = u.update(
        {"posts": {"update": [{"where": {"id": "p1"}, "data": {"title": "ONE"}}], "delete": [{"id": "p4"}]}},
        {"id": a.id},
        include={"posts": True},
    )
    assert [(p.id, p.title) for p in got.posts] == [("p1", "ONE")]
    assert db.post.find_unique({"id": "p4"}) is None
    got = u.update(
        {"posts": {"update_many": [{"where": {}, "data": {"views": 7}}]}}, {"id": a.id}, include={"posts": True}
    )
    assert got.posts[0].views == 7
    # nested connect to a missing row: update returns None (Prisma quirk) and changes nothing
    assert u.update({"name": "changed", "posts": {"connect": [{"id": "missing"}]}}, {"id": a.id}) is None
    assert (u.find_unique({"id": a.id})).name is None
    # to-one, FK on this side: connect, disconnect, create
    post = db.post
    b = u.create({"email": "b@x.io"})
    got = post.update({"author": {"connect": {"email": "b@x.io"}}}, {"id": "p2"}, include={"author": True})
    assert got.author.id == b.id
    got = post.update({"author": {"disconnect": True}}, {"id": "p2"}, include={"author": True})
    assert got.author is None
    got = post.update({"author": {"create": {"email": "c@x.io"}}}, {"id": "p2"}, include={"author": True})
    assert got.author.email == "c@x.io"
    got = post.update({"author": {"update": {"name": "Cee"}}}, {"id": "p2"}, include={"author": True})
    assert got.author.name == "Cee"
    got = post.update({"author": {"delete": True}}, {"id": "p2"}, include={"author": True})
    assert got.author is None and u.find_unique({"email": "c@x.io"}) is None
    # to-one back relation: create, update, delete
    got = u.update({"profile": {"create": {"bio": "hey"}}}, {"id": b.id}, include={"profile": True})
    assert got.profile.bio == "hey"
    got = u.update({"profile": {"update": {"bio": "yo"}}}, {"id": b.id}, include={"profile": True})
    assert got.profile.bio == "yo"
    got = u.update({"profile": {"delete": True}}, {"id": b.id}, include={"profile": True})
    assert got.profile is None
    with pytest.raises(DataError):
        u.update({"profile": {"disconnect": True}}, {"id": b.id})  # Profile.userId is required


def test_update_many_to_many(db: Any) -> None:
    c = db.category
    for n in ("a", "b", "c"):
        c.create({"name": n})
    p = db.post.create({"title": "t", "categories": {"connect": [{"name": "a"}, {"name": "b"}]}})
    inc = {"categories": {"order_by": {"name": "asc"}}}
    got = db.post.update({"categories": {"set": [{"name": "c"}]}}, {"id": p.id}, include=inc)
    assert [x.name for x in got.categories] == ["c"]
    got = db.post.update(
        {
            "categories": {
                "connect": [{"name": "a"}],
                "connect_or_create": [{"where": {"name": "d"}, "create": {"name": "d"}}],
            }
        },
        {"id": p.id},
        include=inc,
    )
    assert [x.name for x in got.categories] == ["a", "c", "d"]
    got = db.post.update({"categories": {"disconnect": [{"name": "a"}]}}, {"id": p.id}, include=inc)
    assert [x.name for x in got.categories] == ["c", "d"]
    got = db.post.update({"categories": {"delete": [{"name": "d"}]}}, {"id": p.id}, include=inc)
    assert [x.name for x in got.categories] == ["c"] and c.count() == 3
    got = db.category.update(
        {"posts": {"create": [{"title": "via cat"}]}}, {"name": "b"}, include={"posts": True}
    )
    assert [x.title for x in got.posts] == ["via cat"]


def test_upsert(db: Any) -> None:
    u = db.user
    got = u.upsert(
        {"email": "a@x.io"}, {"create": {"email": "a@x.io", "score": 1.0}, "update": {"score": {"increment": 1}}}
    )
    assert got.score == 1.0
    got = u.upsert(
        where={"email": "a@x.io"},
        data={"create": {"email": "a@x.io"}, "update": {"score": {"increment": 1}}},
        include={"posts": True},
    )
    assert got.score == 2.0 and got.posts == []
    assert u.count() == 1
    with pytest.raises(DataError):
        u.upsert({"email": "a@x.io"}, {"create": {"email": "a@x.io"}})


def test_delete(db: Any) -> None:
    u = db.user
    a = u.create({"email": "a@x.io", "posts": {"create": [{"title": "t"}]}, "profile": {"create": {"bio": "b"}}})
    got = u.delete({"id": a.id}, include={"posts": True, "profile": True})
    assert got.email == "a@x.io" and got.profile.bio == "b" and len(got.posts) == 1
    assert u.delete({"id": a.id}) is None
    assert db.profile.count() == 0  # cascade
    assert (db.post.find_first()).authorId is None
    u.create_many([{"email": f"{i}@x.io", "active": i % 2 == 0} for i in range(5)])
    assert u.delete_many({"active": False}) == 2
    assert u.update_many({"name": "all"}, {}) == 3
    assert u.update_many(data={"score": {"increment": 1}}, where={"email": {"startswith": "0"}}) == 1
    assert u.count(where={"name": "all"}) == 3
    assert u.delete_many() == 3


def test_foreign_key_violation_names_field(db: Any) -> None:
    with pytest.raises(ForeignKeyViolationError, match="authorId") as err:
        db.post.create({"title": "x", "authorId": 12345})
    assert err.value.meta["target"] == ["authorId"]
    assert err.value.code == "P2003"


def test_compound_keys_write(db: Any) -> None:
    m = db.membership
    m.create({"orgId": 1, "userEmail": "a@x.io"})
    got = m.update(
        {"note": "n", "level": {"increment": 1}}, {"orgId_userEmail": {"orgId": 1, "userEmail": "a@x.io"}}
    )
    assert got.level == 2 and got.note == "n"
    with pytest.raises(UniqueViolationError) as err:
        m.create({"orgId": 1, "userEmail": "a@x.io"})
    assert err.value.meta["target"] == ["orgId", "userEmail"]
    m.create({"orgId": 2, "userEmail": "b@x.io", "level": 5})
    with pytest.raises(UniqueViolationError) as err:
        m.create({"orgId": 3, "userEmail": "b@x.io", "level": 5})
    assert err.value.meta["target"] == ["userEmail", "level"]
    assert (m.delete({"email_level": {"userEmail": "b@x.io", "level": 5}})).orgId == 2
