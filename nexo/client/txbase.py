"""Interactive transactions and tenant sessions without I/O: isolation levels, the statements that open a
transaction (the tenant setting on a single server and on Citus), its deadline and the check that it may
still run statements. The I/O halves are :class:`nexo.client.engine.TransactionManager` and the
executors of :mod:`nexo.client.executor` (and their generated sync twins); the names are re-exported by
:mod:`nexo.client.engine_base`.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from nexo.client.errors import DataError, TransactionExpiredError
from nexo.client.settings import seconds
from nexo.db.ident import quote_ident

ISOLATION_LEVELS = {
    "READ UNCOMMITTED": "READ UNCOMMITTED",
    "READ COMMITTED": "READ COMMITTED",
    "REPEATABLE READ": "REPEATABLE READ",
    "SERIALIZABLE": "SERIALIZABLE",
    "READUNCOMMITTED": "READ UNCOMMITTED",
    "READCOMMITTED": "READ COMMITTED",
    "REPEATABLEREAD": "REPEATABLE READ",
}


def parse_isolation_level(isolation_level: str | None) -> str | None:
    """The SQL spelling of an isolation level given in any of Prisma's spellings (None: the server's)."""
    if isolation_level is None:
        return None
    level = ISOLATION_LEVELS.get(isolation_level.upper().replace("_", " ").strip()) or ISOLATION_LEVELS.get(
        isolation_level.upper().replace("_", "").replace(" ", "")
    )
    if level is None:
        raise DataError(
            f"Unknown isolation level {isolation_level!r}; use one of {sorted(set(ISOLATION_LEVELS.values()))}"
        )
    return level


def tenant_id(account_id: Any) -> str:
    if account_id is None or str(account_id) == "":
        raise DataError("tenant() needs an account id")
    return str(account_id)


class TxState:
    """The state of a transaction's executor that tells whether it may still run statements."""

    closed: bool
    expired: bool
    deadline: float | None

    def check(self) -> None:
        if self.closed:
            if self.expired:
                raise TransactionExpiredError(
                    "Transaction already closed: the transaction timed out and was rolled back."
                )
            raise TransactionExpiredError(
                "Transaction already closed: a query cannot be executed on a closed transaction."
            )
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.expired = True
            raise TransactionExpiredError("Transaction already closed: the timeout for this transaction was exceeded.")


class TransactionManagerBase:
    """The settings of one interactive transaction (or tenant session) and its opening statements."""

    def __init__(
        self,
        client: Any,
        *,
        max_wait: timedelta | float,
        timeout: timedelta | float | None,
        isolation_level: str | None,
        tenant: str | None = None,
    ) -> None:
        self.client = client
        self.max_wait = seconds(max_wait) or 2.0
        self.timeout = seconds(timeout)
        self.isolation_level = parse_isolation_level(isolation_level)
        self.tenant = tenant

    def _opening(self) -> tuple[str, str | None, list[Any]]:
        """``BEGIN ...``, then the statement of the transaction-local settings (or None) and its parameters."""
        begin = "BEGIN" + (f" ISOLATION LEVEL {self.isolation_level}" if self.isolation_level else "")
        settings = []
        params: list[Any] = []
        if self.tenant is not None and not self.client._citus:
            # the tenant first: the transaction's first statement scopes it to the tenant
            settings.append("set_config(%s, %s, true)")
            params += [self.client.tenant_setting, self.tenant]
        if self.timeout is not None:
            settings.append("set_config('statement_timeout', %s, true)")
            params.append(str(max(int(self.timeout * 1000), 1)))
        return begin, ("SELECT " + ", ".join(settings)) if settings else None, params

    def _citus_settings(self) -> list[str]:
        """On Citus, the statements that set the tenant right after ``BEGIN`` (empty elsewhere).

        ``set_config(…, true)`` stays on the coordinator, so the workers' policies would see no tenant;
        ``SET LOCAL`` with ``citus.propagate_set_commands = 'local'`` reaches every worker the transaction
        uses. SET takes no parameters: the value is an escaped literal, the setting's parts quoted identifiers.
        """
        if self.tenant is None or not self.client._citus:
            return []
        if "\x00" in self.tenant:
            raise DataError("a tenant id cannot contain NUL")
        name = ".".join(quote_ident(part) for part in self.client.tenant_setting.split("."))
        value = "E'" + self.tenant.replace("\\", "\\\\").replace("'", "''") + "'"
        return ["SET LOCAL citus.propagate_set_commands = 'local'", f"SET LOCAL {name} = {value}"]

    def _deadline(self) -> float | None:
        return time.monotonic() + self.timeout if self.timeout is not None else None
