# GENERATED from tests/client/test_batched_include.py by nexo/client/_codegen.py: do not edit.
# Regenerate with: python tests/client/sync_twins.py
"""Includes of find_many loaded by one batched query per relation and level (compiler.RelationBatch),
checked against the one-statement JSON form that find_unique / find_first use (feature schema)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from nexo.client.compiler import compile_find, shape_values, skeletonize
from nexo.client.engine_sync import FEW_ROWS
from nexo.client.meta import SchemaMeta

from .test_tenant_sync import A, app, app_url  # noqa: F401 - the CRM schema as the application role (fixtures)


@pytest.fixture
def blog(db: Any) -> Any:
    """Three users with posts and comments (several children per parent, so per-parent take/skip
    differs from a global LIMIT), a post without author, categories (m:n), one profile."""
    for name in ("python", "rust", "go"):
        db.category.create({"name": name})
    for u in range(3):
        posts = []
        for p in range(u + 2):
            posts.append(
                {
                    "title": f"u{u}-p{p}",
                    "views": (p * 7) % 5,
                    "published": p % 2 == 0,
                    "comments": {"create": [{"body": f"u{u}-p{p}-c{c}", "likes": (c * 3) % 4} for c in range(p + 1)]},
                    "categories": {"connect": [{"name": "python"}] if p % 2 else [{"name": "go"}, {"name": "rust"}]},
                }
            )
        data: dict[str, Any] = {"email": f"u{u}@x.io", "name": f"User {u}", "posts": {"create": posts}}
        if u == 1:
            data["profile"] = {"create": {"bio": "bio of u1"}}
        db.user.create(data)
    db.post.create({"title": "orphan", "views": 1})
    return db


def _plan(db: Any, model: str, args: dict[str, Any], *, batch: bool) -> Any:
    _, values = shape_values(args)
    return compile_find(db.meta, model, skeletonize(args)[0], batch=len(values) if batch else None)


def _json_twin(db: Any, model: str, rows: list[Any], include: Any) -> list[Any]:
    """The same rows read one by one through find_unique (includes as JSON in one statement)."""
    actions = getattr(db, model.lower())
    return [actions.find_unique(where={"id": r.id}, include=include) for r in rows]


INCLUDES = [
    {"posts": True},
    {"posts": {"order_by": {"title": "asc"}}},
    {"posts": {"where": {"published": True}, "order_by": {"title": "desc"}}},
    {"posts": {"take": 1, "order_by": {"title": "asc"}}},
    {"posts": {"take": 2, "skip": 1, "order_by": {"views": "desc"}}},
    {"posts": {"take": -2, "order_by": {"title": "asc"}}},
    {"posts": {"skip": 1, "order_by": {"title": "asc"}}},
    {"posts": {"take": 1}},
    {"profile": True},
    {"profile": True, "posts": {"order_by": {"title": "asc"}, "include": {"comments": {"order_by": {"body": "asc"}}}}},
    {
        "posts": {
            "order_by": {"title": "asc"},
            "include": {"comments": {"take": 1, "order_by": [{"likes": "desc"}, {"body": "asc"}]}},
        }
    },
    {"posts": {"order_by": {"title": "asc"}, "include": {"categories": {"order_by": {"name": "asc"}}, "_count": True}}},
    {"posts": {"order_by": {"title": "asc"}, "select": {"title": True, "views": True, "authorId": True}}},
    {"posts": {"order_by": {"title": "asc"}, "select": {"title": True}}},
    {"_count": True, "posts": {"order_by": {"title": "asc"}, "include": {"author": True}}},
]


@pytest.mark.parametrize("include", INCLUDES, ids=[str(i) for i in range(len(INCLUDES))])
def test_find_many_batched_equals_json(blog: Any, include: Any) -> None:
    users = blog.user.find_many(order={"email": "asc"}, include=include)
    assert len(users) == 3
    twins = _json_twin(blog, "User", users, include)
    assert [u.model_dump() for u in users] == [t.model_dump() for t in twins]
    assert [u.model_fields_set for u in users] == [t.model_fields_set for t in twins]
    assert [getattr(u, "_count", None) for u in users] == [getattr(t, "_count", None) for t in twins]


def test_take_and_skip_apply_per_parent(blog: Any) -> None:
    users = blog.user.find_many(
        order={"email": "asc"}, include={"posts": {"take": 2, "skip": 1, "order_by": {"title": "asc"}}}
    )
    assert [[p.title for p in u.posts] for u in users] == [["u0-p1"], ["u1-p1", "u1-p2"], ["u2-p1", "u2-p2"]]
    users = blog.user.find_many(
        order={"email": "asc"}, include={"posts": {"take": -1, "order_by": {"title": "asc"}}}
    )
    assert [[p.title for p in u.posts] for u in users] == [["u0-p1"], ["u1-p2"], ["u2-p3"]]
    # a skip past a smallint is bound as bigint
    users = blog.user.find_many(include={"posts": {"skip": 40000, "take": 40000}})
    assert all(u.posts == [] for u in users)


def test_to_one_relations(blog: Any) -> None:
    posts = blog.post.find_many(order={"title": "asc"}, include={"author": {"include": {"profile": True}}})
    by_title = {p.title: p for p in posts}
    assert by_title["orphan"].author is None
    assert by_title["u1-p0"].author.email == "u1@x.io" and by_title["u1-p0"].author.profile.bio == "bio of u1"
    assert by_title["u0-p0"].author.profile is None
    # posts sharing an author get an instance each, as with JSON
    assert by_title["u1-p0"].author == by_title["u1-p1"].author
    assert by_title["u1-p0"].author is not by_title["u1-p1"].author
    twins = _json_twin(blog, "Post", posts, {"author": {"include": {"profile": True}}})
    assert [p.model_dump() for p in posts] == [t.model_dump() for t in twins]
    # comments -> post -> author: a String key (cuid) then an Int key
    comments = blog.comment.find_many(order={"body": "asc"}, include={"post": {"include": {"author": True}}})
    assert {c.post.author.email for c in comments} == {"u0@x.io", "u1@x.io", "u2@x.io"}
    assert all(c.body.startswith(c.post.title) for c in comments)


# left out of the sync twin (makes coroutines, then runs them after clearing the plan cache; a sync call runs at once (the plans are engine_base's, the same for both runtimes))


def test_one_query_per_relation_and_level(blog: Any, caplog: pytest.LogCaptureFixture) -> None:
    db = blog.__class__(datasource={"url": blog.datasource_url}, use_dotenv=False, log_queries=True)
    db.connect()
    try:
        with caplog.at_level(logging.INFO, logger="prisma"):
            caplog.clear()
            users = db.user.find_many(include={"posts": {"include": {"comments": True}}, "profile": True})
            statements = [r.getMessage() for r in caplog.records if r.name == "prisma"]
        assert len(users) == 3 and len(statements) == 4  # users, posts, comments, profiles
        with caplog.at_level(logging.INFO, logger="prisma"):
            caplog.clear()
            # no parent rows, or no keys: no further statement
            assert db.user.find_many(where={"email": "nobody"}, include={"posts": True}) == []
            orphans = db.post.find_many(where={"authorId": None}, include={"author": True})
            statements = [r.getMessage() for r in caplog.records if r.name == "prisma"]
        assert [p.author for p in orphans] == [None] and len(statements) == 2
    finally:
        db.disconnect()


def test_dict_results_and_partial_models(blog: Any, fc: Any) -> None:
    include = {
        "posts": {"order_by": {"title": "asc"}, "include": {"comments": {"order_by": {"body": "asc"}}}},
        "profile": True,
    }
    rows = blog.model("User").find_many(order={"email": "asc"}, include=include)
    assert [[c["body"] for p in r["posts"] for c in p["comments"]] for r in rows][0] == [
        "u0-p0-c0",
        "u0-p1-c0",
        "u0-p1-c1",
    ]
    assert rows[1]["profile"]["bio"] == "bio of u1" and rows[0]["profile"] is None
    assert list(rows[0]) == list(blog.model("User").find_first(order={"email": "asc"}, include=include))

    class PostTitle(fc.bases.BasePost):
        title: str

    class UserPosts(fc.bases.BaseUser):
        email: str
        posts: list[PostTitle] | None = None

    got = UserPosts.prisma(blog).find_many(
        order={"email": "asc"}, include={"posts": {"order_by": {"title": "asc"}}}
    )
    assert [[p.title for p in u.posts] for u in got] == [
        ["u0-p0", "u0-p1"],
        ["u1-p0", "u1-p1", "u1-p2"],
        ["u2-p0", "u2-p1", "u2-p2", "u2-p3"],
    ]
    assert all(type(p) is PostTitle for u in got for p in u.posts)


def test_in_tenant_transaction_and_sync(blog: Any, sdb: Any) -> None:
    with blog.tx() as tx:
        tx.post.create({"title": "in-tx", "author": {"connect": {"email": "u0@x.io"}}})
        users = tx.user.find_many(where={"email": "u0@x.io"}, include={"posts": {"order_by": {"title": "asc"}}})
        assert [p.title for p in users[0].posts] == ["in-tx", "u0-p0", "u0-p1"]
    users = sdb.user.find_many(
        order={"email": "asc"},
        include={"posts": {"take": 1, "order_by": {"title": "desc"}, "include": {"comments": True}}},
    )
    assert [[p.title for p in u.posts] for u in users] == [["u0-p1"], ["u1-p2"], ["u2-p3"]]
    assert [len(u.posts[0].comments) for u in users] == [2, 3, 4]
    with blog.tenant("acct-1") as t:
        users = t.user.find_many(
            order={"email": "asc"}, include={"posts": {"skip": 3, "order_by": {"title": "asc"}}}
        )
        assert [[p.title for p in u.posts] for u in users] == [[], [], ["u2-p3"]]


def test_uuid_keys_under_rls_in_a_tenant_session(app: Any) -> None:  # noqa: F811
    """The repo's CRM schema as the application role: uuid keys (bound as uuid[]), and the batched
    queries run inside the tenant's transaction, so RLS scopes every level."""
    with app.tenant(A) as t:
        user = (t.user.find_many())[0]
        role = t.role.create({"name": "admin", "account": {"connect": {"id": A}}})
        t.userrole.create(
            {
                "user": {"connect": {"id": user.id}},
                "role": {"connect": {"id": role.id}},
                "account": {"connect": {"id": A}},
            }
        )
        include = {
            "users": {"include": {"roles": {"include": {"role": True}}}},
            "clients": {"take": 2, "order_by": {"name": "asc"}},
        }
        accounts = t.account.find_many(include=include)
        assert [a.id for a in accounts] == [A]
        assert [[ur.role.name for ur in u.roles] for u in accounts[0].users] == [["admin"]]
        assert [c.name for c in accounts[0].clients] == ["a-client-0", "a-client-1"]
        twin = t.account.find_unique(where={"id": A}, include=include)
        assert twin is not None and accounts[0].model_dump() == twin.model_dump()
        clients = t.client.find_many(include={"account": {"include": {"clients": True}}})
        assert len(clients) == 3 and {c.account.id for c in clients} == {A}
        assert all(len(c.account.clients) == 3 and {x.accountId for x in c.account.clients} == {A} for c in clients)
    # outside a tenant session RLS shows no tenant rows
    assert app.account.find_many(include={"clients": True}) == []


def test_root_select_with_relations(blog: Any) -> None:
    select = {"email": True, "posts": {"select": {"title": True}, "order_by": {"title": "asc"}}, "profile": True}
    users = blog.user.find_many(order={"email": "asc"}, select=select)
    twins = [blog.user.find_unique(where={"email": u.email}, select=select) for u in users]
    assert [u.model_dump() for u in users] == [t.model_dump() for t in twins]
    assert [[p.title for p in u.posts] for u in users][0] == ["u0-p0", "u0-p1"]
    rows = blog.model("User").find_many(order={"email": "asc"}, select=select)
    assert rows[1] == {
        "email": "u1@x.io",
        "posts": [{"title": "u1-p0"}, {"title": "u1-p1"}, {"title": "u1-p2"}],
        "profile": rows[1]["profile"],
    }
    assert rows[1]["profile"]["bio"] == "bio of u1"
