"""Raw SQL inside a tenant session on the real cluster: RLS keeps it to the tenant's rows either way; the opt-in
``citus_raw_check`` plans each raw statement first and warns about (or refuses) one that runs on several shards."""

from __future__ import annotations

import warnings
from types import ModuleType

import psycopg
import pytest

from nexo.client.citusraw import CitusRoutingError, CitusRoutingWarning

from .test_tenant_client import A, B, app_url, client_module  # noqa: F401  (the fixtures are shared)
from .test_tenant_nested import admin

pytestmark = pytest.mark.citus

UNFILTERED = "SELECT email FROM contacts ORDER BY email"
FILTERED = "SELECT email FROM contacts WHERE account_id = $1::uuid ORDER BY email"


async def test_raw_sql_rule_and_opt_in_check(app_url: str, client_module: ModuleType) -> None:  # noqa: F811
    client = client_module.Prisma(datasource={"url": app_url}, use_dotenv=False)
    await client.connect()
    try:
        # default: no check; RLS on the workers keeps the result to the tenant's rows, filtered or not
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            async with client.tenant(A) as t:
                rows = await t.query_raw(UNFILTERED)
                assert [r["email"] for r in rows] == ["0@a1.io", "1@a1.io", "2@a1.io"]
                assert await t.query_raw(FILTERED, A) == rows

        client.citus_raw_check = "warn"
        async with client.tenant(B) as t:
            with pytest.warns(CitusRoutingWarning, match=r"runs on \d+ shards .*account_id = <tenant>") as got:
                rows = await t.query_raw(UNFILTERED)
            assert got[0].filename == __file__  # points at the caller
            assert [r["email"] for r in rows] == ["0@b2.io", "1@b2.io"]
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                assert await t.query_raw(FILTERED, B) == rows  # single-shard: no warning
                n = await t.execute_raw("UPDATE contacts SET email = email WHERE account_id = $1::uuid", B)
                assert n == 2
        with warnings.catch_warnings():  # outside a tenant session nothing is planned first
            warnings.simplefilter("error")
            await client.query_raw("SELECT 1 AS one")

        client.citus_raw_check = "error"
        with pytest.raises(CitusRoutingError, match="runs on"):
            async with client.tenant(A) as t:
                await t.execute_raw("UPDATE contacts SET email = 'x' || email")
        with psycopg.connect(admin(app_url)) as c:  # the refused statement did not run
            assert c.execute("SELECT count(*) FROM contacts WHERE email LIKE 'x%'").fetchone() == (0,)
        async with client.tenant(A) as t:
            assert await t.execute_raw("UPDATE contacts SET email = email WHERE account_id = $1::uuid", A) == 3

        client.citus_raw_check = "sometimes"
        with pytest.raises(ValueError, match="citus_raw_check must be"):
            async with client.tenant(A) as t:
                await t.query_raw(FILTERED, A)
    finally:
        await client.disconnect()
