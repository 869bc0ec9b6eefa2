"""The opt-in guard against raw SQL that changes the tenant inside a tenant session (no I/O).

A tenant session's first statement is ``set_config(<tenant setting>, <account>, true)``; row-level
security reads the setting. Raw SQL run through the session (``query_raw``, ``execute_raw``) can
call ``set_config`` or ``SET`` itself and switch the rest of the transaction to another tenant.
Models never do; raw SQL is the user's. With ``Prisma(tenant_guard=True)``, raw SQL inside a tenant
session is refused before it is sent when it can touch the setting:

* any ``set_config(...)`` call (its name may be a parameter, so every call is refused);
* ``SET``/``RESET`` of the tenant setting, ``RESET ALL``, ``DISCARD ALL``;
* ``SET ROLE`` / ``SET SESSION AUTHORIZATION`` (another role may bypass row-level security).

It reads the statement's text, so SQL built at run time inside the database (``EXECUTE`` of a
concatenated string in a function) is beyond it; row-level security policies remain the defence.
"""

from __future__ import annotations

import re

from nexo.client.errors import DataError

_SET_CONFIG = re.compile(r"\bset_config\s*\(", re.IGNORECASE)
_ANY_RESET = re.compile(r"\b(?:reset\s+all|discard\s+all)\b", re.IGNORECASE)
_ROLE = re.compile(r"\bset\s+(?:(?:session|local)\s+)?(?:role|session\s+authorization)\b", re.IGNORECASE)


def check_raw_sql(sql: str, setting: str) -> None:
    """Raise :class:`~nexo.client.errors.DataError` when ``sql`` can change ``setting`` (see the module)."""
    name = re.escape(setting)
    set_it = re.compile(rf"\b(?:set\s+(?:(?:session|local)\s+)?|reset\s+)\"?{name}\"?(?![\w.])", re.IGNORECASE)
    for pattern, what in (
        (_SET_CONFIG, "calls set_config()"),
        (set_it, f"sets or resets {setting}"),
        (_ANY_RESET, "resets every setting"),
        (_ROLE, "changes the role"),
    ):
        if pattern.search(sql):
            raise DataError(
                f"Raw SQL inside a tenant session {what}, which could switch the session to another tenant; "
                "tenant_guard=True refuses it. Run it outside the tenant session, or on a client without tenant_guard.",
                code="P2010",
            )
