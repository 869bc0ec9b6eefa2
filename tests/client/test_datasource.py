"""Prisma's datasource URL parameters as the client's pool and connections take them (nexo.client.datasource),
and the helper modules of Prisma Client Python that generated packages provide."""

from __future__ import annotations

import asyncio
import importlib
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import pytest
from pydantic import BaseModel

from nexo.client.codec import _dec_decimal
from nexo.client.datasource import NO_LIMIT_SECONDS, Datasource, connection_error, parse_datasource
from nexo.client.errors import EngineConnectionError


def test_prisma_parameters_map_to_pool_and_connection_settings() -> None:
    ds = parse_datasource(
        "postgresql://u:pw@db:5433/app?schema=crm&connection_limit=7&pool_timeout=3.5&connect_timeout=4"
        "&sslmode=require&pgbouncer=true&statement_cache_size=0&socket_timeout=9&application_name=x"
    )
    assert ds == Datasource(
        "postgresql://u:pw@db:5433/app?connect_timeout=4&sslmode=require&application_name=x",
        search_path="crm",
        max_size=7,
        pool_timeout=3.5,
        pgbouncer=True,
        statement_cache_size=0,
    )
    assert parse_datasource("postgresql://u@db/app?pool_timeout=0").pool_timeout == NO_LIMIT_SECONDS
    assert parse_datasource("postgresql://u@db/app?pgbouncer=false").pgbouncer is False
    assert parse_datasource("postgresql://u@db/app").pgbouncer is None
    assert parse_datasource("host=db dbname=app").conninfo == "host=db dbname=app"


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("connection_limit=abc", "`connection_limit` must be a positive integer"),
        ("connection_limit=0", "`connection_limit` must be a positive integer"),
        ("connection_limit=-2", "`connection_limit` must be a positive integer"),
        ("pool_timeout=soon", "`pool_timeout` must be a number of seconds"),
        ("connect_timeout=-1", "`connect_timeout` must be a number of seconds"),
        ("sslmode=always", "`sslmode` must be one of"),
        ("pgbouncer=maybe", "`pgbouncer` must be true or false"),
        ("statement_cache_size=x", "`statement_cache_size` must be a non-negative integer"),
    ],
)
def test_a_value_a_parameter_cannot_take_is_p1013(query: str, names: str) -> None:
    with pytest.raises(EngineConnectionError, match=names) as exc:
        parse_datasource("postgresql://u:secret@db/app?" + query)
    assert exc.value.code == "P1013"
    assert "secret" not in str(exc.value)


def test_connection_errors_get_prisma_codes() -> None:
    url = "postgresql://app:secret@db:5433/crm"
    auth = connection_error(url, Exception('FATAL:  password authentication failed for user "app"'))
    assert auth.code == "P1000" and "Authentication failed for user `app`" in str(auth) and "db:5433" in str(auth)
    missing = connection_error(url, Exception('FATAL:  database "crm" does not exist'))
    assert missing.code == "P1003" and "Database `crm` does not exist" in str(missing)
    down = connection_error(url, Exception("connection refused"))
    assert down.code == "P1001" and "secret" not in str(down)


def test_decimals_lose_the_columns_padding_only() -> None:
    assert str(_dec_decimal(Decimal("0.142857142857142900000000000000"))) == "0.1428571428571429"
    assert str(_dec_decimal(Decimal("10.000"))) == "10"
    assert str(_dec_decimal(Decimal("0E-30"))) == "0"
    assert str(_dec_decimal(Decimal("-2.50"))) == "-2.5"
    digits = "123456789012345678901234567890.123456789"
    assert str(_dec_decimal(Decimal(digits))) == digits  # never rounded to the caller's context


def test_generated_package_has_prisma_client_pythons_helper_modules(generated: SimpleNamespace) -> None:
    compat = importlib.import_module(generated.feature.__name__ + "._compat")
    utils = importlib.import_module(generated.feature.__name__ + ".utils")

    class M(BaseModel):
        a: int

    assert compat.model_parse_json(M, '{"a": 1}') == M(a=1)
    assert compat.model_json(M(a=2)) == '{"a":2}'
    assert compat.model_dict(M(a=3)) == {"a": 3}
    assert compat.PYDANTIC_V2 is True
    loop = utils.get_or_create_event_loop()
    assert isinstance(loop, asyncio.AbstractEventLoop)
    assert generated.feature.Prisma._active_provider == "postgresql"
    assert generated.sync.Prisma._active_provider == "postgresql"


def _with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    user = parts.username or "postgres"
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{host}"))


def test_generated_client_refuses_foreign_and_unencoded_urls_without_printing_the_password(
    generated: SimpleNamespace, db_url: str
) -> None:
    from nexo.client.errors import EngineConnectionError

    for url, words in (
        (_with_password(db_url, "S3cr3t@Leak"), "not percent-encoded"),
        ("mysql://root:S3cr3tLeak@localhost:3306/app", "nexo supports PostgreSQL only"),
    ):
        client = generated.crm_sync.Prisma(datasource={"url": url}, use_dotenv=False)
        with pytest.raises(EngineConnectionError, match=words) as exc:
            client.connect()
        assert exc.value.code == "P1013"
        assert "S3cr3t" not in str(exc.value) and "Leak" not in str(exc.value), str(exc.value)
        assert not client.is_connected()
    # what the message says to do works on the real server (trust authentication ignores the password)
    # (a test server with a password keeps it: only a trust-authenticated one can take any password)
    good = db_url if urlsplit(db_url).password else _with_password(db_url, "S3cr3t%40Leak")
    client = generated.crm_sync.Prisma(datasource={"url": good}, use_dotenv=False)
    client.connect()
    try:
        assert client.query_first("SELECT 1 AS one") == {"one": 1}
    finally:
        client.disconnect()
