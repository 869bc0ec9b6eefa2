"""Pool settings from a datasource URL, and timeouts given in any of the client's spellings (no I/O).

Read by the client's base (:class:`nexo.client.engine_base.ClientBase`) and by the transactions'
(:class:`nexo.client.txbase.TransactionManagerBase`); re-exported by :mod:`nexo.client.engine_base`.
"""

from __future__ import annotations

import warnings
from datetime import timedelta
from typing import Any

from nexo.client.datasource import parse_datasource
from nexo.client.support import user_stacklevel


def seconds(v: timedelta | float | int | None) -> float | None:
    if v is None:
        return None
    if isinstance(v, timedelta):
        return v.total_seconds()
    if isinstance(v, int):
        warnings.warn(
            "Passing an int as a timeout is deprecated; it is taken as milliseconds",
            DeprecationWarning,
            stacklevel=user_stacklevel(),
        )
        return v / 1000
    return float(v)


def pool_settings(url: str) -> tuple[str, dict[str, Any]]:
    """A psycopg conninfo from a Prisma datasource URL, and pool options from its parameters
    (see :mod:`nexo.client.datasource`): ``search_path``, ``max_size``, ``timeout``,
    ``prepare_threshold`` (None: no prepared statements), ``prepared_max``, ``pgbouncer``."""
    ds = parse_datasource(url)
    opts: dict[str, Any] = {}
    if ds.search_path is not None:
        opts["search_path"] = ds.search_path
    if ds.max_size is not None:
        opts["max_size"] = ds.max_size
    if ds.pool_timeout is not None:
        opts["timeout"] = ds.pool_timeout
    if ds.pgbouncer is not None:
        opts["pgbouncer"] = ds.pgbouncer
    if ds.pgbouncer or ds.statement_cache_size == 0:
        opts["prepare_threshold"] = None
    elif ds.statement_cache_size is not None:
        opts["prepared_max"] = ds.statement_cache_size
    return ds.conninfo, opts
