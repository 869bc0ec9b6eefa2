"""The generated client's own surface: lifecycle, datasource, registry and ``Model.prisma()``, custom
and partial model classes (they select only their fields), every error class, write-plan caching."""

from __future__ import annotations

import logging
import warnings
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest

from nexo.client import errors as E
from nexo.client.ids import new_cuid, new_cuid2, new_nanoid, new_ulid, new_uuid4, new_uuid7

from .conftest import with_limit

# ------------------------------------------------------------------------------------------- lifecycle


async def test_datasource_from_env_and_dotenv(
    feature_url: str, fc: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    db = fc.Prisma(use_dotenv=False)
    with pytest.raises(E.ClientNotConnectedError, match="DATABASE_URL"):
        await db.connect()
    (tmp_path / ".env").write_text(f"DATABASE_URL={feature_url}\n")
    db = fc.Prisma()  # use_dotenv=True loads ./.env
    async with db:
        assert db.is_connected() and await db.user.count() == 0
    assert not db.is_connected()
    monkeypatch.setenv("OTHER_URL", feature_url)
    async with fc.Prisma(datasource={"env": "OTHER_URL"}, use_dotenv=False) as other:
        assert await other.query_first("SELECT 1 AS one") == {"one": 1}


async def test_connect_errors_and_deprecations(fc: Any, pg_server_url: str) -> None:
    from nexo.db.urls import with_user

    bad = with_user(pg_server_url, "nobody_here", "s3cret-pw")
    db = fc.Prisma(datasource={"url": bad}, use_dotenv=False, connect_timeout=timedelta(seconds=2))
    with pytest.raises(E.EngineConnectionError) as err:
        await db.connect()
    assert "s3cret-pw" not in str(err.value) and not db.is_connected()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fc.Prisma(use_dotenv=False, connect_timeout=5)
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
    with pytest.raises(E.ClientNotConnectedError):
        await db.user.find_many()


async def test_registry_and_model_prisma(db: Any, fc: Any) -> None:
    import importlib

    fc.testing = importlib.import_module("feature_client.testing")
    User = fc.models.User
    with fc.testing.reset_client():
        with pytest.raises(E.ClientNotRegisteredError):
            fc.get_client()
        with pytest.raises(E.ClientNotRegisteredError):
            User.prisma()
        fc.register(db)
        assert fc.get_client() is db and db.is_registered()
        with pytest.raises(E.ClientAlreadyRegisteredError):
            fc.register(db)
        created = await User.prisma().create({"email": "m@x.io"})
        assert isinstance(created, User) and (await User.prisma().find_unique({"email": "m@x.io"})).id == created.id
        async with db.tx() as tx:
            await User.prisma(tx).update({"name": "in tx"}, {"id": created.id})
        assert (await db.user.find_unique_or_raise({"id": created.id})).name == "in tx"
        fc.testing.unregister_client()
        fc.register(lambda: db)  # a factory
        assert fc.get_client() is db
        fc.testing.unregister_client()
        with pytest.raises(TypeError):
            fc.register(42)
    with fc.testing.reset_client():
        auto = fc.Prisma(auto_register=True, use_dotenv=False)
        assert fc.get_client() is auto and auto.is_registered() and not db.is_registered()


async def test_custom_and_partial_classes_select_only_their_fields(
    feature_url: str, fc: Any, caplog: pytest.LogCaptureFixture
) -> None:
    class UserEmail(fc.bases.BaseUser):
        email: str
        name: str | None = None

    class PostTitle(fc.bases.BasePost):
        title: str
        author: UserEmail | None = None

    db = fc.Prisma(datasource={"url": feature_url}, use_dotenv=False, log_queries=True)
    await db.connect()
    try:
        await db.user.create({"email": "p@x.io", "name": "P", "posts": {"create": [{"title": "t1"}, {"title": "t2"}]}})
        with caplog.at_level(logging.INFO, logger="prisma"):
            rows = await UserEmail.prisma(db).find_many(order={"email": "asc"})
        assert [(type(r), r.email, r.name) for r in rows] == [(UserEmail, "p@x.io", "P")]
        sql = caplog.records[-1].getMessage()
        assert '"email"' in sql and '"balance"' not in sql and '"createdAt"' not in sql
        posts = await PostTitle.prisma(db).find_many(include={"author": True}, order={"title": "asc"})
        assert [p.title for p in posts] == ["t1", "t2"] and all(type(p.author) is UserEmail for p in posts)
        assert posts[0].author.email == "p@x.io"  # type: ignore[union-attr]

        # a field that is not in the schema is an error; a class of another model too
        class Broken(fc.bases.BaseUser):
            nickname: str

        with pytest.raises(E.FieldNotFoundError, match="nickname"):
            await Broken.prisma(db).find_many()
        with pytest.raises(E.InvalidModelError):
            fc.actions.UserActions(db, PostTitle)
        raw = await UserEmail.prisma(db).query_first("SELECT email, name FROM users")
        assert type(raw) is UserEmail and raw.email == "p@x.io"
    finally:
        await db.disconnect()


async def test_partial_models_from_the_generator(feature_url: str, tmp_path: Path) -> None:
    import importlib
    import sys

    from nexo.generator import generate

    folder = tmp_path / "partials_client_schema"
    folder.mkdir()
    text = (Path(__file__).parent / "feature.prisma").read_text()
    (folder / "schema.prisma").write_text(
        text.replace(
            "generator client {",
            'generator client {\n  output = "./partials_client"\n  partial_type_generator = "partial_types.py"',
        )
    )
    (folder / "partial_types.py").write_text(
        "from partials_client.models import Post, User\n"
        "User.create_partial('UserCard', include={'id', 'email', 'posts'}, relations={'posts': 'PostCard'})\n"
        "Post.create_partial('PostCard', include={'id', 'title'})\n"
    )
    result = generate(folder / "schema.prisma", project=folder)
    assert result.clients[0].partials == ["UserCard", "PostCard"]
    sys.path.insert(0, str(folder))
    try:
        pkg = importlib.import_module("partials_client")
        db = pkg.Prisma(datasource={"url": feature_url}, use_dotenv=False)
        async with db:
            await db.user.create({"email": "c@x.io", "posts": {"create": [{"title": "hello"}]}})
            cards = await pkg.partials.UserCard.prisma(db).find_many(include={"posts": True})
        card = cards[0]
        assert type(card).__name__ == "UserCard" and set(type(card).model_fields) == {"id", "email", "posts"}
        assert [type(p).__name__ for p in card.posts] == ["PostCard"] and card.posts[0].title == "hello"
        assert card.posts[0].model_fields_set == {"id", "title"}
    finally:
        sys.path.remove(str(folder))


# ------------------------------------------------------------------------------------------- errors


async def test_every_error_class_from_the_database(db: Any) -> None:
    # NOT NULL enforced by the database itself (not by the schema) names the field
    await db.execute_raw("ALTER TABLE users ALTER COLUMN name SET NOT NULL")
    with pytest.raises(E.MissingRequiredValueError) as nn:
        await db.user.create({"email": "nn@x.io"})
    assert nn.value.meta["target"] == ["name"]
    await db.execute_raw("ALTER TABLE users ALTER COLUMN name DROP NOT NULL")
    await db.user.create({"email": "e@x.io"})
    with pytest.raises(E.UniqueViolationError) as uv:
        await db.user.create({"email": "e@x.io"})
    assert uv.value.code == "P2002" and uv.value.meta["target"] == ["email"] and "`email`" in str(uv.value)
    with pytest.raises(E.ForeignKeyViolationError) as fk:
        await db.comment.create({"body": "x", "postId": "nope"})
    assert fk.value.code == "P2003" and fk.value.meta["target"] == ["postId"] and "postId" in str(fk.value)
    with pytest.raises(E.MissingRequiredValueError) as mr:
        await db.comment.create({"body": "x"})
    assert mr.value.code == "P2012" and "postId" in str(mr.value)
    with pytest.raises(E.RecordNotFoundError) as nf:
        await db.user.find_unique_or_raise({"id": 999})
    assert nf.value.code == "P2025"
    with pytest.raises(E.InputError):
        await db.post.find_many(where={"views": {"gt": "many"}})
    with pytest.raises(E.RawQueryError) as raw:
        await db.query_raw("SELECT nope FROM users")
    assert raw.value.code == "P2010" and "nope" in str(raw.value)
    # a constraint the schema does not know about: a DataError with Prisma's code
    await db.execute_raw('ALTER TABLE "Post" ADD CONSTRAINT views_not_negative CHECK (views >= 0)')
    with pytest.raises(E.DataError) as check:
        await db.post.create({"title": "x", "views": -1})
    assert check.value.code == "P2004" and type(check.value) is E.DataError
    await db.execute_raw('ALTER TABLE "Comment" DROP COLUMN likes')
    with pytest.raises(E.FieldNotFoundError):
        await db.comment.find_many()
    await db.execute_raw('ALTER TABLE "Category" RENAME TO "Gone"')
    with pytest.raises(E.TableNotFoundError) as tnf:
        await db.category.count()
    assert tnf.value.code == "P2021" and tnf.value.table == "Category"


async def test_client_side_error_classes(db: Any, fc: Any) -> None:
    with pytest.raises(E.UnknownRelationalFieldError):
        await db.user.find_many(include={"nope": True})
    with pytest.raises(E.UnknownModelError):
        db.model("Nope")
    with pytest.raises(E.AlreadyConnectedError):
        await db.connect()
    mgr = db.tx()
    with pytest.raises(E.TransactionNotStartedError):
        await mgr.rollback()
    with pytest.raises(E.TransactionExpiredError):
        async with db.tx(timeout=timedelta(milliseconds=100)) as tx:
            await tx.query_raw("SELECT pg_sleep(0.5)")
    assert issubclass(E.TransactionExpiredError, E.TransactionError) and issubclass(E.BuilderError, E.PrismaError)
    assert issubclass(E.AlreadyConnectedError, E.EngineError)
    for name in (
        "UnsupportedDatabaseError",
        "HTTPClientClosedError",
        "GeneratorError",
        "UnsupportedListTypeError",
        "PrismaWarning",
    ):
        assert hasattr(fc.errors, name)


async def test_tx_max_wait_when_the_pool_is_exhausted(feature_url: str, fc: Any) -> None:
    db = fc.Prisma(datasource={"url": with_limit(feature_url, 1)}, use_dotenv=False)
    async with db:
        async with db.tx():
            with pytest.raises(E.TransactionError, match="max_wait"):
                async with db.tx(max_wait=timedelta(milliseconds=200)):
                    pass


# ------------------------------------------------------------------------------------------- caching, ids


async def test_write_plans_are_cached_per_shape_and_bind_new_values(db: Any) -> None:
    db._cache.clear()
    a = await db.user.create({"email": "a@x.io", "score": 1.0})
    b = await db.user.create({"email": "b@x.io", "score": 2.5})
    inserts = [k for k in db._cache if k[0] == "insert"]
    assert len(inserts) == 1 and (a.email, a.score, b.email, b.score) == ("a@x.io", 1.0, "b@x.io", 2.5)
    await db.user.update({"score": {"increment": 1}}, {"id": a.id})
    await db.user.update({"score": {"increment": 5}}, {"id": b.id})
    await db.user.update({"score": {"multiply": 2}}, {"id": b.id})
    await db.user.update({"score": 0.5, "name": None}, {"email": "a@x.io"})
    updates = [k for k in db._cache if k[0] == "update"]
    assert len(updates) == 3
    got = {u.email: (u.score, u.name) for u in await db.user.find_many()}
    assert got == {"a@x.io": (0.5, None), "b@x.io": (15.0, None)}
    with pytest.raises(E.DataError, match="exactly one"):
        await db.user.update({"score": {"increment": 1, "decrement": 1}}, {"id": a.id})


def test_client_side_id_generators() -> None:
    import re
    import uuid

    assert uuid.UUID(new_uuid4()).version == 4 and uuid.UUID(new_uuid7()).version == 7
    assert re.fullmatch(r"c[0-9a-z]{24}", new_cuid()) and new_cuid() != new_cuid()
    assert re.fullmatch(r"[a-z][0-9a-z]{23}", new_cuid2())
    assert len(new_nanoid()) == 21 and len(new_nanoid(10)) == 10
    ulids = [new_ulid() for _ in range(3)]
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", u) for u in ulids)


async def test_nested_count_and_select_in_includes(db: Any) -> None:
    await db.user.create(
        {
            "email": "n@x.io",
            "posts": {"create": [{"title": "a", "comments": {"create": [{"body": "1"}, {"body": "2"}]}}]},
        }
    )
    u = await db.user.find_unique_or_raise(
        {"email": "n@x.io"}, include={"posts": {"include": {"_count": True}}, "_count": True}
    )
    assert u._count == {"posts": 1} and u.posts[0]._count == {"categories": 0, "comments": 2}
    assert "_count" not in u.model_dump()


async def test_models_work_as_fastapi_style_responses(db: Any, fc: Any) -> None:
    from pydantic import TypeAdapter

    u = await db.user.create(
        {"email": "r@x.io", "avatar": fc.Base64.encode(b"\x01"), "meta": fc.Json({"k": [1]})}, include={"posts": True}
    )
    data = TypeAdapter(list[fc.models.User]).dump_python([u], mode="json")
    assert (
        data[0]["email"] == "r@x.io"
        and data[0]["avatar"] == "AQ=="
        and data[0]["meta"] == {"k": [1]}
        and data[0]["posts"] == []
    )
    assert data[0]["createdAt"].endswith("Z") or data[0]["createdAt"].endswith("+00:00")
    again = fc.models.User.model_validate_json(u.model_dump_json())
    assert again.email == u.email and again.avatar == u.avatar and again.createdAt == u.createdAt
    schema = fc.models.User.model_json_schema()
    assert schema["$defs"]["User"]["properties"]["avatar"]["anyOf"][0] == {"type": "string", "format": "byte"}


def test_generated_package_under_the_default_name_in_a_subprocess(tmp_path: Path, feature_url: str) -> None:
    """`from prisma import Prisma` in a fresh interpreter, run from the project folder."""
    import os
    import subprocess
    import sys

    from nexo.generator import generate

    (tmp_path / "schema.prisma").write_text((Path(__file__).parent / "feature.prisma").read_text())
    generate(tmp_path / "schema.prisma", project=tmp_path)
    code = (
        "import asyncio\n"
        "from prisma import Prisma\n"
        "async def main():\n"
        "    async with Prisma() as db:\n"
        "        u = await db.user.create({'email': 'sub@x.io'})\n"
        "        print(type(u).__module__, u.email, await db.user.count())\n"
        "asyncio.run(main())\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env["DATABASE_URL"] = feature_url
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["prisma.models", "sub@x.io", "1"]
    with psycopg.connect(feature_url) as c:
        assert c.execute("SELECT count(*) FROM users").fetchone() == (1,)


def test_sync_registry(generated: SimpleNamespace) -> None:
    import importlib

    sync = generated.sync
    testing = importlib.import_module("feature_sync.testing")
    with testing.reset_client(sync.Prisma(use_dotenv=False)):
        assert isinstance(sync.get_client(), sync.Prisma)
