"""Raw SQL inside a tenant session can switch the session's tenant; ``Prisma(tenant_guard=True)`` refuses it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from nexo.client.errors import DataError
from nexo.client.tenantguard import check_raw_sql

from .test_tenant import A, B, app_url  # noqa: F401  (app_url: the fixture)

SETTING = "app.current_account_id"


async def test_without_the_guard_raw_sql_can_switch_tenants(app_url: str, generated: SimpleNamespace) -> None:  # noqa: F811
    """The caveat the README documents: the session's own raw SQL changes what row-level security shows."""
    client = generated.crm.Prisma(datasource={"url": app_url}, use_dotenv=False)
    await client.connect()
    try:
        async with client.tenant(A) as t:
            await t.query_raw("SELECT set_config('app.current_account_id', $1, true)", B)
            assert {c.accountId for c in await t.client.find_many()} == {B}
    finally:
        await client.disconnect()


async def test_the_guard_refuses_raw_sql_touching_the_tenant(app_url: str, generated: SimpleNamespace) -> None:  # noqa: F811
    client = generated.crm.Prisma(datasource={"url": app_url}, use_dotenv=False, tenant_guard=True)
    await client.connect()
    try:
        async with client.tenant(A) as t:
            for sql in (
                "SELECT set_config('app.current_account_id', $1, true)",
                "select SET_CONFIG($2, $1, false)",
                "SET app.current_account_id = $1",
                "set local app.current_account_id to $1",
                "RESET app.current_account_id",
                "RESET ALL",
                "DISCARD ALL",
                "SET ROLE postgres",
            ):
                with pytest.raises(DataError, match="tenant_guard=True refuses it"):
                    await t.execute_raw(sql, B, SETTING)
            # other raw SQL goes through, and the session is still A's
            assert await t.query_first("SELECT current_setting('app.current_account_id') AS s") == {"s": A}
            assert {c.accountId for c in await t.client.find_many()} == {A}
            assert await t.execute_raw("UPDATE clients SET notes = 'x'") == 3
        # outside a tenant session the guard does not apply
        assert await client.query_first("SELECT set_config('app.x', 'y', false) AS v") == {"v": "y"}
    finally:
        await client.disconnect()


def test_check_raw_sql_leaves_other_settings_and_reads_alone() -> None:
    check_raw_sql("SELECT current_setting('app.current_account_id')", SETTING)
    check_raw_sql("SET statement_timeout = 1000", SETTING)
    check_raw_sql("SET app.current_account_id_extra = 1", SETTING)
    check_raw_sql("UPDATE t SET reset_at = now()", SETTING)
