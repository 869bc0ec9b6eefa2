# GENERATED from tests/client/test_reads.py by nexo/client/_codegen.py: do not edit.
# Regenerate with: python tests/client/sync_twins.py
"""find_*, count, group_by and the filter language against real PostgreSQL (feature schema)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from nexo.client.errors import DataError, FieldNotFoundError, RecordNotFoundError, UnknownRelationalFieldError
from nexo.client.fields import Base64, Json


@pytest.fixture
def seeded(db: Any) -> Any:
    u = db.user
    cat = db.category
    for name in ("python", "rust", "go"):
        cat.create({"name": name})
    u.create(
        {
            "email": "ann@x.io",
            "name": "Ann",
            "role": "ADMIN",
            "roles": ["ADMIN", "EDITOR"],
            "tags": ["a", "b"],
            "score": 1.5,
            "big": 2**40,
            "balance": Decimal("10.25"),
            "meta": Json({"city": "Oslo", "n": 3, "arr": [1, 2]}),
            "avatar": Base64.encode(b"\x00\x01ann"),
            "birthday": datetime(1990, 5, 17),
            "profile": {"create": {"bio": "likes 100% cotton_"}},
            "posts": {
                "create": [
                    {
                        "title": "Hello Prisma",
                        "published": True,
                        "views": 10,
                        "rating": 4.5,
                        "comments": {"create": [{"body": "c1", "likes": 3}, {"body": "c2", "likes": 1}]},
                        "categories": {"connect": [{"name": "python"}, {"name": "go"}]},
                    },
                    {"title": "second", "views": 5, "categories": {"connect": [{"name": "rust"}]}},
                ]
            },
        }
    )
    u.create(
        {
            "email": "bob@x.io",
            "name": "bob",
            "tags": [],
            "score": 3.0,
            "balance": Decimal("99.99"),
            "meta": Json({"city": "Rome", "n": 7}),
            "posts": {"create": [{"title": "bob post", "views": 50, "published": True}]},
        }
    )
    u.create({"email": "cy@x.io", "name": None, "active": False, "meta": Json(None)})
    return db


def emails(db: Any, **kw: object) -> list[str]:
    return [r.email for r in db.user.find_many(order={"email": "asc"}, **kw)]  # type: ignore[arg-type]


def test_scalar_types_round_trip(seeded: Any) -> None:
    ann = seeded.user.find_unique({"email": "ann@x.io"})
    assert ann is not None
    assert ann.big == 2**40 and isinstance(ann.big, int)
    assert ann.balance == Decimal("10.25")
    assert ann.score == 1.5
    assert ann.meta == {"city": "Oslo", "n": 3, "arr": [1, 2]}
    assert isinstance(ann.avatar, Base64) and ann.avatar.decode() == b"\x00\x01ann"
    assert ann.birthday == datetime(1990, 5, 17, tzinfo=UTC)
    assert ann.createdAt.tzinfo is not None and ann.createdAt.utcoffset().total_seconds() == 0
    assert ann.role == "ADMIN" and ann.roles == ["ADMIN", "EDITOR"]
    cy = seeded.user.find_unique({"email": "cy@x.io"})
    assert cy is not None and cy.tags == [] and cy.meta is None
    # the same values decoded from JSON (through an include)
    post = seeded.post.find_first(where={"title": "Hello Prisma"}, include={"author": True})
    assert post is not None
    author = post.author
    assert author.big == 2**40 and author.balance == Decimal("10.25") and author.avatar == ann.avatar
    assert author.birthday == datetime(1990, 5, 17, tzinfo=UTC) and author.createdAt == ann.createdAt
    assert author.roles == ["ADMIN", "EDITOR"] and author.meta == ann.meta
    assert isinstance(post.createdAt, datetime) and post.createdAt.tzinfo is not None
    # models are the generated pydantic classes and serialise the Prisma Client Python way
    assert type(ann).__name__ == "User" and type(author) is type(ann)
    dumped = ann.model_dump(mode="json")
    assert dumped["avatar"] == "AAFhbm4=" and dumped["balance"] == "10.25" and dumped["posts"] is None


def test_string_filters(seeded: Any) -> None:
    assert emails(seeded, where={"name": "Ann"}) == ["ann@x.io"]
    assert emails(seeded, where={"name": {"equals": "ann"}}) == []
    assert emails(seeded, where={"name": {"equals": "ann", "mode": "insensitive"}}) == ["ann@x.io"]
    assert emails(seeded, where={"name": {"contains": "o"}}) == ["bob@x.io"]
    assert emails(seeded, where={"name": {"startswith": "a", "mode": "insensitive"}}) == ["ann@x.io"]
    assert emails(seeded, where={"email": {"endswith": "@x.io"}}) == ["ann@x.io", "bob@x.io", "cy@x.io"]
    assert emails(seeded, where={"email": {"in": ["bob@x.io", "zz"]}}) == ["bob@x.io"]
    assert emails(seeded, where={"email": {"not_in": ["bob@x.io"]}}) == ["ann@x.io", "cy@x.io"]
    assert emails(seeded, where={"email": {"lt": "b"}}) == ["ann@x.io"]
    assert emails(seeded, where={"email": {"gte": "bob@x.io", "lte": "bob@x.io"}}) == ["bob@x.io"]
    assert emails(seeded, where={"name": {"not": "Ann"}}) == ["bob@x.io"]
    assert emails(seeded, where={"name": {"not": {"contains": "n"}}}) == ["bob@x.io"]
    assert emails(seeded, where={"name": {"in": ["ANN"], "mode": "insensitive"}}) == ["ann@x.io"]
    # LIKE wildcards in values are literal
    assert seeded.profile.count(where={"bio": {"contains": "100%"}}) == 1
    assert seeded.profile.count(where={"bio": {"contains": "0_"}}) == 0
    assert seeded.profile.count(where={"bio": {"endswith": "n_"}}) == 1


def test_none_semantics(seeded: Any) -> None:
    assert emails(seeded, where={"name": None}) == ["cy@x.io"]
    assert emails(seeded, where={"name": {"equals": None}}) == ["cy@x.io"]
    assert emails(seeded, where={"name": {"not": None}}) == ["ann@x.io", "bob@x.io"]
    assert emails(seeded, where={"NOT": [{"name": None}]}) == ["ann@x.io", "bob@x.io"]
    assert emails(seeded, where={"avatar": None}) == ["bob@x.io", "cy@x.io"]
    # top-level None arguments mean "not given"
    assert len(seeded.user.find_many(take=None, where=None, order=None)) == 3


def test_number_bool_date_decimal_bytes_filters(seeded: Any) -> None:
    assert emails(seeded, where={"score": {"gt": 1, "lt": 2}}) == ["ann@x.io"]
    assert emails(seeded, where={"big": {"gte": 2**40}}) == ["ann@x.io"]
    assert emails(seeded, where={"balance": {"gt": Decimal("50")}}) == ["bob@x.io"]
    assert emails(seeded, where={"balance": Decimal("10.25")}) == ["ann@x.io"]
    assert emails(seeded, where={"active": False}) == ["cy@x.io"]
    assert emails(seeded, where={"active": {"not": False}}) == ["ann@x.io", "bob@x.io"]
    assert emails(seeded, where={"birthday": {"lt": datetime(2000, 1, 1, tzinfo=UTC)}}) == ["ann@x.io"]
    assert emails(seeded, where={"createdAt": {"lte": datetime.now(UTC)}}) == ["ann@x.io", "bob@x.io", "cy@x.io"]
    assert emails(seeded, where={"avatar": Base64.encode(b"\x00\x01ann")}) == ["ann@x.io"]
    assert emails(seeded, where={"avatar": {"in": [Base64.encode(b"\x00\x01ann")]}}) == ["ann@x.io"]
    assert emails(seeded, where={"role": "ADMIN"}) == ["ann@x.io"]
    assert emails(seeded, where={"role": {"in": ["USER"]}}) == ["bob@x.io", "cy@x.io"]
    assert emails(seeded, where={"role": {"not": "USER"}}) == ["ann@x.io"]
    assert emails(seeded, where={"birthday": date(1990, 5, 17)}) == ["ann@x.io"]


def test_list_filters(seeded: Any) -> None:
    assert emails(seeded, where={"tags": {"has": "a"}}) == ["ann@x.io"]
    assert emails(seeded, where={"tags": {"has_some": ["b", "z"]}}) == ["ann@x.io"]
    assert emails(seeded, where={"tags": {"has_every": ["a", "b"]}}) == ["ann@x.io"]
    assert emails(seeded, where={"tags": {"has_every": ["a", "z"]}}) == []
    # a NULL list (cy) is neither empty nor not empty, as in Prisma
    assert emails(seeded, where={"tags": {"is_empty": True}}) == ["bob@x.io"]
    assert emails(seeded, where={"tags": {"is_empty": False}}) == ["ann@x.io"]
    assert emails(seeded, where={"tags": {"equals": ["a", "b"]}}) == ["ann@x.io"]
    assert emails(seeded, where={"tags": {"equals": None}}) == ["cy@x.io"]
    assert emails(seeded, where={"roles": {"has": "EDITOR"}}) == ["ann@x.io"]


def test_json_filters(seeded: Any) -> None:
    assert emails(seeded, where={"meta": {"equals": Json({"city": "Rome", "n": 7})}}) == ["bob@x.io"]
    assert emails(seeded, where={"meta": {"path": ["city"], "equals": Json("Oslo")}}) == ["ann@x.io"]
    assert emails(seeded, where={"meta": {"path": ["city"], "string_contains": "om"}}) == ["bob@x.io"]
    assert emails(seeded, where={"meta": {"path": ["city"], "string_starts_with": "Os"}}) == ["ann@x.io"]
    assert emails(seeded, where={"meta": {"path": ["n"], "gt": Json(5)}}) == ["bob@x.io"]
    assert emails(seeded, where={"meta": {"path": ["arr"], "array_contains": Json([2])}}) == ["ann@x.io"]
    assert emails(seeded, where={"meta": {"path": ["arr"], "array_starts_with": Json(1)}}) == ["ann@x.io"]
    assert emails(seeded, where={"meta": {"equals": Json(None)}}) == ["cy@x.io"]
    assert emails(seeded, where={"meta": {"not": Json({"city": "Rome", "n": 7})}}) == ["ann@x.io", "cy@x.io"]


def test_combinators(seeded: Any) -> None:
    assert emails(seeded, where={"OR": [{"name": "Ann"}, {"name": "bob"}]}) == ["ann@x.io", "bob@x.io"]
    assert emails(seeded, where={"AND": [{"active": True}, {"score": {"gt": 2}}]}) == ["bob@x.io"]
    assert emails(seeded, where={"NOT": [{"active": True}]}) == ["cy@x.io"]
    assert emails(seeded, where={"NOT": {"active": True}}) == ["cy@x.io"]
    assert emails(seeded, where={"OR": []}) == []
    assert len(emails(seeded, where={"AND": []})) == 3
    assert len(emails(seeded, where={"NOT": []})) == 3


def test_relation_filters(seeded: Any) -> None:
    post = seeded.post
    assert emails(seeded, where={"posts": {"some": {"published": True}}}) == ["ann@x.io", "bob@x.io"]
    assert emails(seeded, where={"posts": {"every": {"published": True}}}) == ["bob@x.io", "cy@x.io"]
    assert emails(seeded, where={"posts": {"none": {}}}) == ["cy@x.io"]
    assert emails(seeded, where={"profile": {"is": {"bio": {"contains": "cotton"}}}}) == ["ann@x.io"]
    assert emails(seeded, where={"profile": {"is_not": {"bio": {"contains": "cotton"}}}}) == [
        "bob@x.io",
        "cy@x.io",
    ]
    assert emails(seeded, where={"profile": {"is": None}}) == ["bob@x.io", "cy@x.io"]
    assert emails(seeded, where={"profile": {"is_not": None}}) == ["ann@x.io"]
    titles = [p.title for p in post.find_many(where={"author": {"is": {"name": "Ann"}}}, order={"title": "asc"})]
    assert titles == ["Hello Prisma", "second"]
    assert [p.title for p in post.find_many(where={"author": {"name": "bob"}})] == ["bob post"]
    # depth 3 relation filter, through an implicit m:n
    assert emails(seeded, where={"posts": {"some": {"categories": {"some": {"name": "rust"}}}}}) == ["ann@x.io"]
    cats = seeded.category.find_many(
        where={"posts": {"some": {"author": {"is": {"email": "ann@x.io"}}}}}, order={"name": "asc"}
    )
    assert [c.name for c in cats] == ["go", "python", "rust"]
    assert seeded.category.count(where={"posts": {"none": {}}}) == 0


def test_include_depth_three_with_args(seeded: Any) -> None:
    users = seeded.user.find_many(
        where={"email": {"in": ["ann@x.io", "cy@x.io"]}},
        order={"email": "asc"},
        include={
            "profile": True,
            "posts": {
                "where": {"views": {"gte": 1}},
                "order_by": {"views": "desc"},
                "include": {
                    "categories": {"order_by": [{"name": "asc"}], "include": {"posts": {"include": {"author": True}}}},
                    "comments": {"take": 1, "order_by": {"likes": "desc"}},
                },
            },
        },
    )
    ann, cy = users
    assert cy.posts == [] and cy.profile is None
    assert ann.profile.bio == "likes 100% cotton_"
    assert [p.title for p in ann.posts] == ["Hello Prisma", "second"]
    hello = ann.posts[0]
    assert [c.name for c in hello.categories] == ["go", "python"]
    assert [c.body for c in hello.comments] == ["c1"]
    assert hello.categories[0].posts[0].author.email == "ann@x.io"
    assert hello.categories[0].posts[0].author.posts is None
    assert type(hello.categories[0].posts[0].author).__name__ == "User"
    # relations not included are None; False skips
    u = seeded.user.find_first(where={"email": "ann@x.io"}, include={"posts": False})
    assert u is not None and u.posts is None and u.profile is None
    assert "posts" not in u.model_fields_set


def test_include_pagination_and_distinct(seeded: Any) -> None:
    p = seeded.post.find_unique(
        {"id": (seeded.post.find_first(where={"title": "Hello Prisma"})).id},
        include={"comments": {"take": -1, "order_by": {"likes": "desc"}}},
    )
    assert [c.body for c in p.comments] == ["c2"]
    u = seeded.user.find_unique(
        {"email": "ann@x.io"}, include={"posts": {"skip": 1, "order_by": {"title": "asc"}}}
    )
    assert [x.title for x in u.posts] == ["second"]
    u = seeded.user.find_unique(
        {"email": "ann@x.io"}, include={"posts": {"distinct": ["published"], "order_by": {"views": "asc"}}}
    )
    assert sorted(x.title for x in u.posts) == ["Hello Prisma", "second"]


def test_order_forms(seeded: Any) -> None:
    post = seeded.post
    assert [p.title for p in post.find_many(order={"views": "desc"})] == ["bob post", "Hello Prisma", "second"]
    assert [p.title for p in post.find_many(order=[{"published": "desc"}, {"views": "asc"}])] == [
        "Hello Prisma",
        "bob post",
        "second",
    ]
    # by a to-one relation field, and by a to-many relation count
    assert [p.title for p in post.find_many(order=[{"author": {"email": "desc"}}, {"title": "asc"}])] == [
        "bob post",
        "Hello Prisma",
        "second",
    ]
    users = seeded.user.find_many(order=[{"posts": {"_count": "desc"}}, {"email": "asc"}])
    assert [u.email for u in users] == ["ann@x.io", "bob@x.io", "cy@x.io"]
    nulls = seeded.user.find_many(order={"name": {"sort": "asc", "nulls": "first"}})
    assert nulls[0].email == "cy@x.io"
    with pytest.raises(DataError, match="exactly one field"):
        post.find_many(order={"views": "desc", "title": "asc"})
    with pytest.raises(FieldNotFoundError):
        post.find_many(order={"desc": None})


def test_pagination_cursor_distinct(db: Any) -> None:
    c = db.comment
    p = db.post.create(
        {"title": "p", "comments": {"create": [{"id": f"c{i}", "body": f"b{i % 3}", "likes": i} for i in range(10)]}}
    )
    assert p.id
    ids = lambda rows: [r.id for r in rows]  # noqa: E731
    assert ids(c.find_many(take=3, order={"likes": "asc"})) == ["c0", "c1", "c2"]
    assert ids(c.find_many(take=3, skip=2, order={"likes": "asc"})) == ["c2", "c3", "c4"]
    # implicit primary-key order with take
    assert ids(c.find_many(take=2)) == ["c0", "c1"]
    assert ids(c.find_many(cursor={"id": "c4"}, take=3, order={"likes": "asc"})) == ["c4", "c5", "c6"]
    assert ids(c.find_many(cursor={"id": "c4"}, take=2, skip=1, order={"likes": "asc"})) == ["c5", "c6"]
    assert ids(c.find_many(cursor={"id": "c4"}, take=-2, order={"likes": "asc"})) == ["c3", "c4"]
    assert ids(c.find_many(cursor={"id": "c4"}, take=2, order={"likes": "desc"})) == ["c4", "c3"]
    assert ids(c.find_many(cursor={"id": "missing"}, take=2)) == []
    assert ids(c.find_many(take=-3, order={"likes": "asc"})) == ["c7", "c8", "c9"]
    d = c.find_many(distinct=["body"], order={"likes": "desc"})
    assert [(r.body, r.likes) for r in d] == [("b0", 9), ("b2", 8), ("b1", 7)]
    first = c.find_first(where={"likes": {"gt": 4}}, order={"likes": "asc"}, skip=1)
    assert first is not None and first.id == "c6"
    assert c.count(take=4) == 4
    assert c.count(skip=8) == 2
    assert c.count(cursor={"id": "c7"}) == 3


def test_find_unique_and_raise_variants(seeded: Any) -> None:
    u = seeded.user
    assert u.find_unique({"email": "nobody@x.io"}) is None
    with pytest.raises(RecordNotFoundError):
        u.find_unique_or_raise({"email": "nobody@x.io"})
    with pytest.raises(RecordNotFoundError):
        u.find_first_or_raise(where={"name": "nobody"})
    assert (u.find_first_or_raise(where={"name": "bob"})).email == "bob@x.io"
    with pytest.raises(DataError, match="unique key"):
        u.find_unique({"name": "Ann"})
    with pytest.raises(FieldNotFoundError):
        u.find_many(where={"nope": 1})
    with pytest.raises(UnknownRelationalFieldError):
        u.find_many(include={"nope": True})
    with pytest.raises(TypeError):
        u.find_many(include={"posts": 1})
    m = seeded.membership
    m.create({"orgId": 1, "userEmail": "a@x.io", "level": 2})
    got = m.find_unique({"orgId_userEmail": {"orgId": 1, "userEmail": "a@x.io"}})
    assert got is not None and got.level == 2
    got = m.find_unique({"email_level": {"userEmail": "a@x.io", "level": 2}})
    assert got is not None and got.orgId == 1


def test_select_and_count_relation(seeded: Any) -> None:
    u = seeded.user.find_unique(
        {"email": "ann@x.io"}, select={"email": True, "posts": {"select": {"title": True}}}
    )
    assert u is not None and u.model_fields_set == {"email", "posts"} and u.id is None
    assert u.model_dump(exclude_unset=True) == {
        "email": "ann@x.io",
        "posts": [{"title": "Hello Prisma"}, {"title": "second"}],
    } or u.model_dump(exclude_unset=True) == {
        "email": "ann@x.io",
        "posts": [{"title": "second"}, {"title": "Hello Prisma"}],
    }
    assert sorted(p.title for p in u.posts) == ["Hello Prisma", "second"]
    assert u.posts[0].model_fields_set == {"title"}
    c = seeded.user.find_unique({"email": "ann@x.io"}, include={"_count": {"select": {"posts": True}}})
    assert c is not None and c._count == {"posts": 2}


def test_count_select(seeded: Any) -> None:
    u = seeded.user
    assert u.count() == 3
    assert u.count(where={"active": True}) == 2
    assert u.count(select={"_all": True, "name": True}) == {"_all": 3, "name": 2}
    assert u.count(select={}) == {"_all": 3}


def test_group_by(db: Any) -> None:
    u = db.user
    u.create_many(
        [
            {
                "email": f"u{i}@x.io",
                "name": ["oslo", "rome", "oslo", "paris"][i],
                "score": float(i),
                "balance": Decimal(i),
                "big": i,
            }
            for i in range(4)
        ]
    )
    rows = u.group_by(
        ["name"],
        count=True,
        sum={"score": True},
        avg={"score": True},
        min={"balance": True},
        max={"big": True},
        order={"name": "asc"},
    )
    assert rows[0] == {
        "name": "oslo",
        "_count": {"_all": 2},
        "_sum": {"score": 2.0},
        "_avg": {"score": 1.0},
        "_min": {"balance": Decimal("0.00")},
        "_max": {"big": 2},
    }
    assert [r["name"] for r in rows] == ["oslo", "paris", "rome"]
    having = u.group_by(
        ["name"], count={"name": True}, having={"score": {"_avg": {"gt": 1.5}}}, order={"name": "asc"}
    )
    assert having == [{"name": "paris", "_count": {"name": 1}}]
    h2 = u.group_by(["name"], having={"name": {"startswith": "r"}})
    assert h2 == [{"name": "rome"}]
    top = u.group_by(["name"], count=True, order=[{"_count": {"_all": "desc"}}, {"name": "asc"}], take=1)
    assert top == [{"name": "oslo", "_count": {"_all": 2}}]
    with pytest.raises(TypeError):
        u.group_by(["name"], take=1)
    with pytest.raises(DataError):
        u.group_by(["name"], order={"score": "asc"})
    assert u.group_by(["active"], where={"score": {"gt": 10}}) == []


def test_compiled_sql_is_cached_per_shape(seeded: Any) -> None:
    u = seeded.user
    seeded._cache.clear()
    u.find_many(where={"email": "ann@x.io"}, take=1)
    u.find_many(where={"email": "bob@x.io"}, take=2)
    assert len(seeded._cache) == 1
    plan = next(iter(seeded._cache.values()))
    assert "ann@x.io" not in plan.sql and "%s" in plan.sql
    u.find_many(where={"email": None}, take=2)
    assert len(seeded._cache) == 2
    got = u.find_many(where={"email": "bob@x.io"}, take=5)
    assert [r.email for r in got] == ["bob@x.io"]


def test_an_ordered_window_is_the_slice_of_the_whole_order(seeded: Any) -> None:
    # take + order: the window is cut first and the selection (casts, includes) computed over it; the
    # rows, their values and their order are those of the whole ordered list, sliced
    for i in range(4):
        seeded.post.create({"title": f"extra {i}", "views": 5 * (i % 2), "author": {"connect": {"id": 1}}})
    include: dict[str, Any] = {"author": True, "categories": True, "_count": True, "comments": {"take": 1}}
    order = [{"views": "desc"}, {"title": "asc"}]
    whole = [p.model_dump() for p in seeded.post.find_many(order=order, include=include)]
    assert len(whole) == 7
    for take, skip in ((1, None), (3, None), (3, 2), (10, 4), (2, 6)):
        got = seeded.post.find_many(order=order, take=take, skip=skip, include=include)
        start = skip or 0
        assert [p.model_dump() for p in got] == whole[start : start + take]
    got = seeded.post.find_many(order=order, take=-2, include=include)
    assert [p.model_dump() for p in got] == whole[-2:]
    third = whole[2]["id"]
    got = seeded.post.find_many(order=order, take=2, skip=1, cursor={"id": third}, include=include)
    assert [p.model_dump() for p in got] == whole[3:5]
    # the default order (the id) and a NULLS placement
    by_id = [u.model_dump() for u in seeded.user.find_many(order={"id": "asc"})]
    assert [u.model_dump() for u in seeded.user.find_many(take=2)] == by_id[:2]
    nulls = [{"name": {"sort": "asc", "nulls": "first"}}, {"id": "asc"}]
    whole_users = [u.model_dump() for u in seeded.user.find_many(order=nulls)]
    assert whole_users[0]["name"] is None
    assert [u.model_dump() for u in seeded.user.find_many(order=nulls, take=2)] == whole_users[:2]
    first = seeded.post.find_first(order=order, include=include)
    assert first is not None and first.model_dump() == whole[0]
