"""Raw SQL inside a tenant session on Citus: the client cannot add the tenant filter to a text it does not parse.

The rule (README, "Scaling out with Citus"): a raw statement on distributed tables filters on the distribution
column itself (``WHERE account_id = $1``) to run on one shard; without it, row-level security still keeps the
tenant's rows only (the workers see the tenant), but the statement runs on every shard.

The opt-in check, ``client.citus_raw_check = "warn"`` or ``"error"``: inside a tenant session on Citus, each
``query_raw``/``execute_raw`` statement is first planned with ``EXPLAIN`` (one more round trip, nothing
executed) and, when a distributed scan of its plan has more than one task, a :class:`CitusRoutingWarning` is
issued or a :class:`CitusRoutingError` raised (the statement then does not run). Off by default, and never on a
single server.
"""

from __future__ import annotations

import warnings

from nexo.client.errors import DataError

MODES = ("warn", "error")


class CitusRoutingWarning(UserWarning):
    """A raw statement in a tenant session runs on more than one shard."""


class CitusRoutingError(DataError):
    """A raw statement in a tenant session would run on more than one shard (``citus_raw_check = "error"``)."""


def check_mode(mode: object) -> str | None:
    if mode is None or mode in MODES:
        return mode
    raise ValueError(f"citus_raw_check must be None, 'warn' or 'error', not {mode!r}")


def task_counts(plan: list[str]) -> list[int]:
    """The ``Task Count`` of each Citus scan in an ``EXPLAIN`` output."""
    out = []
    for line in plan:
        head, _, value = line.strip().partition(":")
        if head == "Task Count" and value.strip().isdigit():
            out.append(int(value))
    return out


def check_routing(mode: str, sql: str, plan: list[str], tenant_column: str, stacklevel: int = 3) -> None:
    """Warn or raise when ``plan`` (``EXPLAIN`` of ``sql``) runs on more than one shard."""
    counts = task_counts(plan)
    if all(n <= 1 for n in counts):
        return
    text = " ".join(sql.split())
    message = (
        f"This raw statement runs on {max(counts)} shards inside a tenant session (Task Count {max(counts)}); "
        f"filter it on the distribution column ({tenant_column} = <tenant>) to run on one shard: {text[:200]}"
    )
    if mode == "error":
        raise CitusRoutingError(message, code="NEXO_CITUS_MULTI_SHARD")
    warnings.warn(message, CitusRoutingWarning, stacklevel=stacklevel)
