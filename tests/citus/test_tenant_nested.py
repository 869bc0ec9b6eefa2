"""Nested writes and includes inside a tenant session on the real cluster, as the non-owner application role: each
statement the client sends carries the tenant filter where it applies and is a single-shard router statement
(``EXPLAIN``: one task), and the results are the tenant's own rows."""

from __future__ import annotations

from types import ModuleType

import psycopg
import pytest

from .routing import single_shard, statement_log, task_counts
from .test_tenant_client import A, B, app_url, client_module  # noqa: F401  (the fixtures are shared)

pytestmark = pytest.mark.citus


def admin(url: str) -> str:
    return url.replace(url.split("//")[1].split("@")[0], "postgres", 1)


async def test_nested_writes_route_to_one_shard(app_url: str, client_module: ModuleType) -> None:  # noqa: F811
    client = client_module.Prisma(datasource={"url": app_url}, use_dotenv=False, log_queries=True)
    await client.connect()
    try:
        with statement_log() as log:
            async with client.tenant(A) as t:
                # create with a nested connect (to-one: the root and a reference table) and nested creates
                made = await t.contact.create(
                    data={
                        "email": "nested@a1.io",
                        "account": {"connect": {"id": A}},
                        "currency": {"connect": {"code": "EUR"}},
                        "notes": {"create": [{"body": "first"}, {"body": "second"}]},
                    },
                    include={"notes": True, "account": True},
                )
                assert made.accountId == A and sorted(n.body for n in made.notes) == ["first", "second"]
                assert made.account.id == A
                key = {"accountId_id": {"accountId": A, "id": made.id}}
                # update with nested create / update / update_many / delete_many on the to-many relation
                note = made.notes[0]
                upd = await t.contact.update(
                    where=key,
                    data={
                        "email": "nested2@a1.io",
                        "notes": {
                            "create": [{"body": "third"}],
                            "update": [
                                {"where": {"accountId_id": {"accountId": A, "id": note.id}}, "data": {"body": "1st"}}
                            ],
                            "update_many": [{"where": {"body": "second"}, "data": {"body": "2nd"}}],
                            "delete_many": [{"body": "third"}],
                        },
                    },
                    include={"notes": {"order_by": {"body": "asc"}}},
                )
                assert upd is not None and [n.body for n in upd.notes] == ["1st", "2nd"]
                # the root updating its children (to-many through accountId)
                acc = await t.account.update(
                    where={"id": A},
                    data={
                        "name": "A!",
                        "contacts": {
                            "update_many": [{"where": {"email": "nested2@a1.io"}, "data": {"email": "n3@a1.io"}}]
                        },
                        "notes": {"delete_many": [{"body": "2nd"}]},
                    },
                    include={"contacts": {"include": {"notes": True}}},
                )
                assert acc is not None and acc.name == "A!" and len(acc.contacts) == 4
                assert {c.accountId for c in acc.contacts} == {A}
                # a note connected to an existing contact (composite relation)
                moved = await t.note.create(
                    data={
                        "body": "linked",
                        "account": {"connect": {"id": A}},
                        "contact": {"connect": {"accountId_id": {"accountId": A, "id": made.id}}},
                    }
                )
                assert moved.contactId == made.id
                # upsert (both branches), then delete with cascades to the notes
                up = await t.contact.upsert(
                    where={"accountId_email": {"accountId": A, "email": "up@a1.io"}},
                    data={
                        "create": {"accountId": A, "email": "up@a1.io", "currencyCode": "EUR"},
                        "update": {"currencyCode": "EUR"},
                    },
                    include={"notes": True},
                )
                assert up.email == "up@a1.io" and up.notes == []
                again = await t.contact.upsert(
                    where={"accountId_email": {"accountId": A, "email": "up@a1.io"}},
                    data={
                        "create": {"accountId": A, "email": "up@a1.io", "currencyCode": "EUR"},
                        "update": {"email": "up2@a1.io"},
                    },
                )
                assert again.id == up.id and again.email == "up2@a1.io"
                gone = await t.contact.delete(where=key, include={"notes": True})
                assert gone is not None and {n.body for n in gone.notes} == {"1st", "linked"}
                assert await t.note.count(where={"contactId": made.id}) == 0  # cascaded on the shard
                assert await t.contact.count() == 4
    finally:
        await client.disconnect()
    statements = log.statements
    assert len(statements) >= 20
    counts = task_counts(admin(app_url), statements)
    multi = [(s.sql[:200], c) for s, c in zip(statements, counts, strict=True) if not single_shard(c)]
    assert multi == []
    # the other tenant is untouched
    with psycopg.connect(admin(app_url)) as c:
        assert c.execute("SELECT count(*) FROM contacts WHERE account_id = %s", (B,)).fetchone() == (2,)
        assert c.execute("SELECT name FROM accounts WHERE id = %s", (B,)).fetchone() == ("b2",)
