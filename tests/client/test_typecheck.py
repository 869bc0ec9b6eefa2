"""``mypy --strict`` against the generated packages: correct usage passes, wrong calls fail.

The packages are the session's generated ones (``feature_client`` with recursive_type_depth = 3,
``feature_sync``, ``crm_client``) plus one generated here with recursive_type_depth = -1. mypy runs
once, on a folder of usage files; every line of ``wrong.py`` marked ``# E`` must be reported, and
nothing else anywhere.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from .conftest import HERE, generate_into

GOOD_ASYNC = """\
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Optional

from pathlib import Path

from feature_client import SCHEMA_PATH, Base64, Json, Metrics, Prisma, get_client, register, validate
from feature_client.client import PACKAGED_SCHEMA_PATH
from feature_client.bases import BaseUser
from feature_client.enums import Role
from feature_client.errors import RecordNotFoundError, UniqueViolationError
from feature_client.models import Post, User
from feature_client.types import PostWhereInput, UserCreateInput, UserGroupByOutput


class UserEmail(BaseUser):
    email: str


class LegacyEmail(BaseUser, warn_subclass=False):
    email: str


async def main() -> None:
    db = Prisma(auto_register=True, datasource={"url": "postgresql://localhost/x"})
    await db.connect()
    assert get_client() is db and db.is_connected()
    data: UserCreateInput = {
        "email": "a@x.io",
        "role": Role.ADMIN,
        "roles": [Role.EDITOR],
        "tags": ["a"],
        "balance": Decimal("1.50"),
        "big": 2**40,
        "meta": Json({"a": [1, 2]}),
        "avatar": Base64.encode(b"hi"),
        "birthday": datetime(1990, 1, 1),
        "profile": {"create": {"bio": "b"}},
        "posts": {"create": [{"title": "t"}], "connect": {"id": "p0"}},
    }
    user: User = await db.user.create(data, include={"posts": True, "profile": True})
    posts: Optional[list[Post]] = user.posts
    print(posts, user.createdAt.tzinfo, user.balance + 1, user.role, user.avatar)
    many = await db.user.find_many(
        take=10,
        skip=1,
        where={
            "OR": [{"email": {"contains": "x", "mode": "insensitive"}}, {"posts": {"some": {"published": True}}}],
            "NOT": [{"name": None}],
            "tags": {"has_some": ["a"]},
            "meta": {"path": ["a"], "array_contains": Json([1])},
            "profile": {"is": {"bio": {"startswith": "b"}}},
        },
        cursor={"id": 1},
        include={
            "posts": {
                "where": {"views": {"gt": 1}},
                "order_by": [{"views": "desc"}, {"title": "asc"}],
                "take": 3,
                "include": {"comments": {"include": {"post": {"include": {"author": True}}}}},
            },
            "_count": {"select": {"posts": True}},
        },
        order=[{"email": "asc"}, {"createdAt": {"sort": "desc", "nulls": "last"}}, {"posts": {"_count": "desc"}}],
        distinct=["email", "role"],
    )
    print([u.email for u in many], many[0]._count)
    found = await db.user.find_unique(where={"email": "a@x.io"})
    if found is not None:
        name: Optional[str] = found.name
        print(name)
    first: User = await db.user.find_first_or_raise(where={"AND": [{"active": True}, {"score": {"gte": 1.5}}]})
    post = await db.post.update(data={"views": {"increment": 1}, "author": {"disconnect": True}}, where={"id": "p1"})
    await db.user.update(
        data={"posts": {"set": [{"id": "p1"}], "create": [{"title": "n"}], "update": [{"where": {"id": "p1"}, "data": {"title": "x"}}]}},
        where={"id": first.id},
    )
    await db.membership.upsert(
        where={"orgId_userEmail": {"orgId": 1, "userEmail": "a@x.io"}},
        data={"create": {"orgId": 1, "userEmail": "a@x.io"}, "update": {"level": {"multiply": 2}}},
    )
    n: int = await db.post.count(where={"published": True})
    counted = await db.user.count(select={"_all": True, "name": True})
    total: int = counted.get("_all", 0) + n
    rows: list[UserGroupByOutput] = await db.user.group_by(
        ["role"], count=True, avg={"score": True}, sum={"big": True}, having={"score": {"_avg": {"gt": 1}}}, order={"role": "asc"}
    )
    for r in rows:
        print(r.get("role"), r.get("_avg", {}).get("score"), total)
    where: PostWhereInput = {"author": {"is": {"email": "a@x.io"}}, "categories": {"every": {"name": {"in": ["a"]}}}}
    async with db.tx(timeout=timedelta(seconds=2), isolation_level="SERIALIZABLE") as tx:
        await tx.post.delete_many(where=where)
        await User.prisma(tx).update_many(data={"score": {"multiply": 2}}, where={})
    async with db.tenant("acc") as t:
        print(await t.post.find_first(where={"author": {"is": {"email": "a@x.io"}}}, order={"author": {"email": "asc"}}))
    async with db.batch_() as b:
        b.user.create({"email": "b@x.io"})
        b.post.update(data={"title": "x"}, where={"id": "p1"})
    raw = await db.query_raw("SELECT * FROM users WHERE id = $1", 1, model=User)
    dicts = await db.query_raw("SELECT 1 AS n")
    print(raw[0].email, dicts[0]["n"], await db.execute_raw("SELECT 1"), post)
    emails: list[UserEmail] = await UserEmail.prisma().find_many(where={"email": {"endswith": "@x.io"}})
    ranked: list[Post] = await db.post.find_many(
        where={"title": {"search": "cat & dog"}},
        order=[{"_relevance": {"fields": ["title"], "search": "cat", "sort": "desc"}}, {"title": "asc"}],
    )
    metrics: Metrics = await db.get_metrics(global_labels={"app": "x"})
    prom: str = await db.get_metrics("prometheus")
    print(ranked, [c.value + 1 for c in metrics.counters], [h.value.count for h in metrics.histograms], prom)
    checked: UserCreateInput = validate(UserCreateInput, {"email": "v@x.io"})
    await db.user.create(checked)
    schema: Path = SCHEMA_PATH
    print(schema, PACKAGED_SCHEMA_PATH.exists(), await LegacyEmail.prisma().find_many())
    print([e.email for e in emails])
    try:
        await db.user.create({"email": "a@x.io"})
    except UniqueViolationError as e:
        print(e.meta)
    except RecordNotFoundError:
        pass
    await db.disconnect()


register(lambda: Prisma())
"""

GOOD_SYNC = """\
from feature_sync import Prisma
from feature_sync.models import User


def main() -> None:
    with Prisma() as db:
        users: list[User] = db.user.find_many(where={"email": {"startswith": "a"}}, include={"posts": True})
        with db.tx() as tx:
            tx.user.create({"email": "s@x.io"})
        with db.tenant("acc") as t:
            print(t.user.count(), users)
        with db.batch_() as b:
            b.user.delete_many(where={"email": "s@x.io"})
        print(db.get_metrics().gauges, db.get_metrics("prometheus").splitlines())
"""

GOOD_CRM = """\
from crm_client import Prisma
from crm_client.enums import UserStatus


async def main(db: Prisma, account: str) -> None:
    async with db.tenant(account) as t:
        acc = await t.account.find_unique_or_raise(where={"id": account}, include={"clients": {"take": 5}})
        print(acc.clients, acc.slug)
        await t.user.create({"email": "e@x.io", "status": UserStatus.INVITED, "account": {"connect": {"id": account}}})
        await t.client.find_unique(where={"accountId_email": {"accountId": account, "email": "x"}})
        # composite primary keys (Citus-ready CRM): the compound key, or find_first by id in the tenant session
        c = await t.client.find_unique(where={"accountId_id": {"accountId": account, "id": "x"}})
        print(c.name if c else None, await t.client.find_first(where={"id": "x"}))
        await t.userrole.delete(where={"accountId_userId_roleId": {"accountId": account, "userId": "u", "roleId": "r"}})
        await t.employee.find_unique(where={"accountId_userId": {"accountId": account, "userId": "u"}})
"""

GOOD_DEEP = """\
from deep_client import Prisma


async def main(db: Prisma) -> None:
    await db.user.find_many(where={"AND": [{"OR": [{"NOT": [{"AND": [{"OR": [{"NOT": [{"email": "x"}]}]}]}]}]}]})
"""

WRONG = """\
from crm_client import Prisma as Crm
from feature_client import Prisma
from feature_sync import Prisma as SyncPrisma


def sync_main() -> None:
    s = SyncPrisma()
    s.post.find_many(where={"title": {"search": "x"}})  # E no fullTextSearchPostgres preview feature: no search


async def main() -> None:
    db = Prisma()
    await db.user.find_many(where={"nope": 1})  # E unknown field
    await db.user.create({"email": 5})  # E wrong type
    await db.user.create({"name": "x"})  # E required field missing
    await db.post.update(data={"views": {"increment": "1"}}, where={"id": "x"})  # E wrong atomic type
    await db.user.find_many(order={"nope": "asc"})  # E unknown order field
    await db.user.find_unique(where={"name": "x"})  # E not a unique key
    await db.user.find_many(include={"nope": True})  # E unknown relation
    u = await db.user.find_unique(where={"id": 1})
    print(u.email)  # E may be None
    n: int = (await db.user.find_first_or_raise()).name  # E Optional[str] is not int
    c: int = await db.user.count(select={"_all": True})  # E count with select is a dict
    await db.user.find_many(take="10")  # E wrong argument type
    await db.nope.find_many()  # E unknown model
    await db.post.find_many(order={"_relevance": {"fields": ["views"], "search": "x", "sort": "desc"}})  # E not a String field
    p: str = await db.get_metrics()  # E json metrics are a Metrics
    await Crm().client.find_unique(where={"id": "x"})  # E id alone is no longer a unique key of Client
"""


def test_mypy_strict_on_generated_packages(generated: SimpleNamespace, tmp_path: Path) -> None:
    deep_root = generate_into(
        tmp_path / "deep", HERE / "feature.prisma", "deep_client", "\n  recursive_type_depth = -1"
    )
    usage = tmp_path / "usage"
    usage.mkdir()
    files = {
        "good_async.py": GOOD_ASYNC,
        "good_sync.py": GOOD_SYNC,
        "good_crm.py": GOOD_CRM,
        "good_deep.py": GOOD_DEEP,
        "wrong.py": WRONG,
    }
    for name, text in files.items():
        (usage / name).write_text(text)
    (usage / "mypy.ini").write_text("[mypy]\nstrict = True\n\n[mypy-nexo.*]\nfollow_imports = silent\n")
    roots = (
        [str(HERE.parent.parent)]
        + [str(generated.root / f"{p}_schema") for p in ("feature_client", "feature_sync", "crm_client")]
        + [str(deep_root)]
    )
    env = dict(os.environ, MYPYPATH=os.pathsep.join(roots))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            "mypy.ini",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            "--no-error-summary",
            *files,
        ],
        cwd=usage,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    errors = [ln for ln in proc.stdout.splitlines() if ": error:" in ln]
    outside = [e for e in errors if not e.startswith("wrong.py:")]
    assert outside == [], "\n".join(outside) + proc.stderr
    reported = {int(m.group(1)) for e in errors if (m := re.match(r"wrong\.py:(\d+):", e))}
    marked = {i for i, line in enumerate(WRONG.splitlines(), 1) if "# E" in line}
    assert marked == reported, f"expected errors on lines {sorted(marked)}, got:\n" + "\n".join(errors)
    assert proc.returncode == 1
