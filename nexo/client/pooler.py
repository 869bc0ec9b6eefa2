"""Prepared statements behind a connection pooler (PgBouncer in transaction mode), decided without I/O.

psycopg prepares a statement on a connection after it ran a few times and names it ``_pg3_<n>``,
counting per connection. Behind PgBouncer in transaction mode, a client connection is served by a
different server connection from one transaction (or autocommit statement) to the next, so:

* a statement prepared on one server is missing on the next: ``prepared statement "_pg3_5" does
  not exist`` (SQLSTATE 26000); preparing it again where another client already has that name
  gives ``already exists`` (42P05);
* worse, two client connections both call their first prepared statement ``_pg3_0``: a client can
  run *another client's statement* under that name, and get rows of another statement's shape.

The client never lets that happen:

1. ``?pgbouncer=true`` (or ``statement_cache_size=0``) in the URL: no prepared statement at all.
2. Every connection compares the backend process id its server announced at login with
   ``pg_backend_pid()``: a pooler announces its own. Behind one (:attr:`PreparePolicy.pooled`),
   statement names carry a token unique to the client connection (:class:`PooledPrepareManager`),
   so a name can only ever mean the statement that connection prepared; statements inside a
   transaction (and its ``BEGIN``) run unprepared, so a transaction never fails for a missing
   statement; and the connection never deallocates on the server (it may be another one).
3. The first "prepared statement ... does not exist" (a pooler that cannot keep prepared
   statements: PgBouncer before 1.21, or without ``max_prepared_statements``) switches the client
   to unprepared statements for good, with one warning naming ``?pgbouncer=true``. The failed
   statement is run again only when that is safe: outside a transaction, where the error means it
   did not run. PgBouncer >= 1.21 with ``max_prepared_statements`` keeps prepared statements, so
   outside transactions they stay on there.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import psycopg

from nexo.client.support import user_stacklevel

try:
    from psycopg._preparing import Prepare, PrepareManager

    # private API, as nexo.client.engine's lean path: only the layouts it was written against
    _CAN_RENAME = tuple(int(p) for p in psycopg.__version__.split(".")[:2]) in ((3, 2), (3, 3)) and all(
        hasattr(PrepareManager, a) for a in ("get", "_rotate", "clear", "maybe_add_to_cache")
    )
except (ImportError, AttributeError):  # another psycopg layout
    _CAN_RENAME = False

#: the warning issued once per client when the pooler turns out to drop prepared statements
WARNING = (
    "nexo: the database connection goes through a pooler that does not keep prepared statements "
    "(PgBouncer in transaction mode?): {error}. This client now runs every statement unprepared. "
    "Add ?pgbouncer=true to the database URL to start that way (and silence this warning)."
)
#: SQLSTATEs of a prepared statement the server connection does not have, or has under another client's name
LOST_STATEMENT = frozenset(("26000", "42P05"))
#: the most prepared statements a pooled connection remembers (never deallocated on the server, see above)
POOLED_PREPARED_MAX = 1000


class PreparePolicy:
    """One client's choice about prepared statements, shared by its connections."""

    __slots__ = ("active", "explicit", "pooled", "unprepared", "warned")

    def __init__(self, pgbouncer: bool | None = None, statement_cache_size: int | None = None) -> None:
        #: the URL says whether a transaction-mode pooler is there (``pgbouncer=true|false``)
        self.explicit = pgbouncer is not None
        #: no statement of this client is prepared
        self.unprepared = pgbouncer is True or statement_cache_size == 0
        #: a pooler was seen between the client and PostgreSQL
        self.pooled = False
        #: the per-statement check is needed (behind a pooler, or switched to unprepared)
        self.active = False
        self.warned = False

    @property
    def prepare_threshold_off(self) -> bool:
        """True when the connections should be created with ``prepare_threshold=None``."""
        return self.unprepared

    def connection_seen(self, conn: Any, announced_pid: int, server_pid: int) -> None:
        """A new connection logged in: ``announced_pid`` from the login, ``server_pid`` from ``pg_backend_pid()``."""
        if announced_pid == server_pid or self.unprepared or self.explicit:
            return
        self.pooled = self.active = True
        if _CAN_RENAME:
            old = conn._prepared
            manager = PooledPrepareManager()
            manager.prepare_threshold = old.prepare_threshold
            conn._prepared = manager
        else:  # names cannot be made unique: never prepare behind this pooler
            self.unprepared = True
            conn.prepare_threshold = None

    def prepare(self, in_transaction: bool, sql: str) -> bool | None:
        """``prepare=`` for psycopg: False (unprepared) or None (psycopg's own choice). Called when :attr:`active`."""
        if self.unprepared or in_transaction or sql == "BEGIN" or sql.startswith("BEGIN "):
            return False
        return None

    def lost_statement(self, exc: psycopg.Error) -> bool:
        """True when ``exc`` says a prepared statement is missing (or taken): the client turns
        unprepared, with one warning. The caller runs the statement again when it was outside a transaction."""
        if exc.sqlstate not in LOST_STATEMENT and not (exc.sqlstate == "08P01" and "bind message supplies" in str(exc)):
            return False
        self.unprepared = self.active = True
        if not self.warned:
            self.warned = True
            warnings.warn(WARNING.format(error=str(exc).strip()), RuntimeWarning, stacklevel=user_stacklevel())
        return True


if _CAN_RENAME:

    class PooledPrepareManager(PrepareManager):
        """psycopg's prepared-statement bookkeeping with names unique to the connection, and no
        deallocation on the server: behind a pooler, the server it would reach may be another one."""

        prepared_max = POOLED_PREPARED_MAX

        def __init__(self) -> None:
            super().__init__()
            self._token = os.urandom(5).hex().encode()

        def get(self, query: Any, prepare: bool | None = None) -> tuple[Prepare, bytes]:
            how, name = super().get(query, prepare)
            if how is Prepare.SHOULD:
                name = b"_nx_" + self._token + name[4:]  # _pg3_<n> -> _nx_<token>_<n>
            return how, name

        def _rotate(self) -> None:
            if len(self._counts) > self.prepared_max:
                self._counts.popitem(last=False)
            if len(self._names) > self.prepared_max:
                self._names.popitem(last=False)

        def clear(self) -> bool:
            self._counts.clear()
            self._names.clear()
            return False
