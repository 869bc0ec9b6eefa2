"""Instances built by the client's fast path (``nexo/client/models.py``: rows decoded straight into
``__dict__`` without validation) against the same data put through pydantic's normal validation.

Every scalar type of ``feature.prisma`` (Int, String, optional String, enum with ``@map``, enum
and String lists, Float, BigInt beyond 32 bits, Decimal, Boolean, Json, Bytes as Base64, a
``@db.Date``, a timestamp and a ``@db.Timestamptz``), with values and with NULLs, at the root and
in nested includes (to-many, to-one, many-to-many, ``_count``), for a few and for many rows,
through the batched and the JSON include paths and writes returning rows, built both ways the
fast path has (attribute stores on the model's build class, and the ``__dict__`` display used
where field names rule that out).
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

from nexo.client.models import ModelShape


def _scalar_types(x: BaseModel) -> dict[str, Any]:
    """Each set field's value type (and a datetime's UTC offset), nested models by their types."""
    out: dict[str, Any] = {}
    for name in x.model_fields_set:
        v = getattr(x, name)
        if isinstance(v, list):
            out[name] = [_scalar_types(i) if isinstance(i, BaseModel) else type(i) for i in v]
        elif isinstance(v, BaseModel):
            out[name] = _scalar_types(v)
        elif isinstance(v, dt.datetime):
            out[name] = (type(v), v.utcoffset())
        else:
            out[name] = type(v)
    return out


def _copy_extras(fast: Any, ref: Any) -> None:
    """``_count`` is kept as an extra attribute, which dumps leave out: give it to ``ref`` too."""
    if isinstance(fast, list):
        for f, r in zip(fast, ref, strict=True):
            _copy_extras(f, r)
    elif isinstance(fast, BaseModel):
        assert ref.__pydantic_extra__ is None
        if fast.__pydantic_extra__ is not None:
            assert set(fast.__pydantic_extra__) == {"_count"}
            object.__setattr__(ref, "__pydantic_extra__", dict(fast.__pydantic_extra__))
        for name in fast.model_fields_set:
            _copy_extras(getattr(fast, name), getattr(ref, name))


def _check_same(fast: BaseModel) -> None:
    """``fast`` behaves exactly like the instance normal validation makes of the same data."""
    cls = type(fast)
    ref = cls.model_validate_json(fast.model_dump_json(exclude_unset=True))
    ref_py = cls.model_validate(fast.model_dump(exclude_unset=True))
    _copy_extras(fast, ref)
    _copy_extras(fast, ref_py)
    for other in (ref, ref_py):
        assert fast == other and other == fast
        assert fast.model_dump() == other.model_dump()
        assert fast.model_dump(mode="json") == other.model_dump(mode="json")
        assert fast.model_dump_json() == other.model_dump_json()
        assert fast.model_dump(exclude_unset=True) == other.model_dump(exclude_unset=True)
        assert fast.model_fields_set == other.model_fields_set
        assert list(fast.__dict__) == list(other.__dict__)
        assert _scalar_types(fast) == _scalar_types(other)
    # (from JSON, pydantic gives datetimes its own UTC tzinfo object: equal, but another repr)
    assert repr(fast) == repr(ref_py)
    assert fast.__pydantic_private__ is None and ref.__pydantic_private__ is None
    # copies, pickling and model_copy keep everything
    for again in (copy.copy(fast), copy.deepcopy(fast), pickle.loads(pickle.dumps(fast)), fast.model_copy()):
        assert again == fast and again.model_dump_json() == fast.model_dump_json()
        assert again.model_fields_set == fast.model_fields_set
    # assignment touches this instance only (each instance has its own fields-set)
    changed = fast.model_copy(deep=True)
    first = next(iter(cls.model_fields))
    setattr(changed, first, getattr(fast, first))
    assert changed.model_fields_set == fast.model_fields_set | {first}


async def _seed(db: Any, fc: Any, n: int) -> None:
    cats = [await db.category.create({"name": f"c{i}"}) for i in range(2)]
    for i in range(n):
        full = i % 2 == 0
        data: dict[str, Any] = {
            "email": f"u{i}@x.io",
            "big": 2**40 + i,
            "balance": Decimal("12.34") + i,
            "score": i / 3,
        }
        if full:
            data.update(
                name=f"N{i}",
                role="ADMIN",
                roles=["ADMIN", "EDITOR"],
                tags=["a", "b"],
                meta=fc.Json({"k": [1, 2.5, None, {"z": "ü"}], "n": i}),
                avatar=fc.Base64.encode(bytes([i, 0, 255])),
                birthday=dt.datetime(1990, 1, i % 28 + 1, tzinfo=dt.UTC),
                active=False,
                profile={"create": {"bio": f"bio {i}"}},
                posts={
                    "create": [
                        {
                            "title": f"p{i}-{j}",
                            "rating": None if j else 4.5,
                            "views": j,
                            "categories": {"connect": [{"id": cats[j % 2].id}]},
                            "comments": {"create": [{"body": f"b{k}", "likes": k} for k in range(j)]},
                        }
                        for j in range(3)
                    ]
                },
            )
        await db.user.create(data)


INCLUDE = {
    "posts": {
        "include": {"comments": True, "categories": True, "author": True, "_count": True},
        "order_by": {"title": "asc"},
    },
    "profile": True,
    "_count": True,
}


@pytest.fixture(params=["build class", "dict display"])
def build_form(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, fc: Any) -> str:
    """Each fast-path form in turn (builders compiled afresh, and again after the test)."""

    def forget() -> None:
        for shape in fc.Prisma._shapes._shapes.values():
            shape._obj_builders.clear()

    forget()
    if request.param == "dict display":
        monkeypatch.setattr(ModelShape, "build_class", property(lambda self: None))
    request.addfinalizer(forget)
    return str(request.param)


@pytest.mark.parametrize("n", [3, 20])
async def test_fast_instances_equal_validated_ones(db: Any, fc: Any, n: int, build_form: str) -> None:
    await _seed(db, fc, n)
    plain = await db.user.find_many(order={"id": "asc"})
    assert len(plain) == n
    included = await db.user.find_many(order={"id": "asc"}, include=INCLUDE)
    few = await db.user.find_many(take=2, order={"id": "asc"}, include=INCLUDE)  # includes as JSON
    one = await db.user.find_unique(where={"email": "u0@x.io"}, include=INCLUDE)
    posts = await db.post.find_many(order={"title": "asc"}, include={"author": True, "categories": True})
    written = await db.user.update(where={"email": "u0@x.io"}, data={"name": "W"}, include={"posts": True})
    created = await db.user.create(
        {"email": "new@x.io", "meta": fc.Json([1, "x"]), "avatar": fc.Base64.encode(b"\x00")}
    )
    for x in [*plain, *included, *few, one, *posts, written, created]:
        _check_same(x)
    # the values are the types Prisma Client Python's models hold
    u = included[0]
    assert (
        isinstance(u.big, int) and u.big == 2**40 and isinstance(u.balance, Decimal) and u.balance == Decimal("12.34")
    )
    assert u.role == "ADMIN" and u.roles == ["ADMIN", "EDITOR"] and u.tags == ["a", "b"]
    assert (
        u.meta == {"k": [1, 2.5, None, {"z": "ü"}], "n": 0}
        and u.avatar is not None
        and u.avatar.decode() == bytes([0, 0, 255])
    )
    assert u.birthday == dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
    assert (
        u.createdAt.utcoffset() == dt.timedelta(0)
        and u.posts is not None
        and u.posts[0].createdAt.utcoffset() == dt.timedelta(0)
    )
    assert u._count == {"posts": 3} and u.posts[0]._count == {"categories": 1, "comments": 0}
    assert u.profile is not None and u.profile.bio == "bio 0"
    assert [p.title for p in u.posts] == ["p0-0", "p0-1", "p0-2"] and [len(p.comments or []) for p in u.posts] == [
        0,
        1,
        2,
    ]
    bare = included[1]
    assert (
        bare.name is None
        and bare.meta is None
        and bare.avatar is None
        and bare.roles == []
        and bare.posts == []
        and bare.profile is None
    )
    assert "posts" in bare.model_fields_set and "posts" not in plain[1].model_fields_set and plain[1].posts is None
    assert [x.model_dump() for x in few] == [x.model_dump() for x in included[:2]]
    assert one is not None and one.model_dump() == included[0].model_dump()
    # every instance has its own fields-set, also in the step-by-step form
    sets = [x.model_fields_set for x in plain]
    assert len({id(s) for s in sets}) == n
    plain[0].posts = []
    assert "posts" in plain[0].model_fields_set and "posts" not in plain[1].model_fields_set
    # the instances are of the model class itself, whichever way they were built
    assert {type(x) for x in [*plain, *included]} == {fc.models.User}
    assert {type(p) for x in included for p in x.posts or []} == {fc.models.Post}
    shape = fc.Prisma._shapes.shape("User", fc.models.User)
    assert (shape.build_class is None) == (build_form == "dict display")


def test_build_class_only_where_field_names_allow(fc: Any) -> None:
    from pydantic import BaseModel

    shape = fc.Prisma._shapes.shape("User", fc.models.User)
    built = shape.build_class
    assert built is not None and issubclass(built, fc.models.User) and built.__slots__ == ()
    assert built.__setattr__ is object.__setattr__ and "model_fields" not in built.__dict__
    assert fc.models.User.model_fields.keys() == built.model_fields.keys()
    # a field taken by a data descriptor of the class (or a keyword) cannot be stored as an attribute
    with pytest.warns(UserWarning):
        Clash = type("Clash", (BaseModel,), {"__annotations__": {"model_extra": "int"}, "__prisma_model__": "User"})
    odd = ModelShape.__new__(ModelShape)
    odd.cls, odd._build_class = Clash, None
    assert odd.build_class is None
    odd.cls, odd._build_class = fc.models.User, None
    assert odd.build_class is not None and odd.build_class is not built


def test_fast_instances_equal_validated_ones_sync(sdb: Any, generated: Any) -> None:
    sdb.user.create({"email": "s@x.io", "meta": generated.sync.Json({"a": 1}), "posts": {"create": [{"title": "t"}]}})
    for rows in (
        sdb.user.find_many(include={"posts": True}),
        sdb.user.find_many(),
        [sdb.post.find_first(include={"author": True})],
    ):
        for x in rows:
            _check_same(x)
