"""The migration lock: one PostgreSQL session-level advisory lock.

nexo takes the same lock key as Prisma Migrate (72707369), so nexo and the Prisma CLI never migrate
the same database at once. The lock belongs to the connection: it is released when the connection
closes, also when the process is killed, so it is never left held.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from nexo.db.errors import LockTimeout

if TYPE_CHECKING:
    import psycopg

PRISMA_LOCK_KEY = 72707369


@contextmanager
def advisory_lock(
    conn: psycopg.Connection, *, key: int = PRISMA_LOCK_KEY, timeout: float = 10.0, poll: float = 0.05
) -> Iterator[float]:
    """Hold the advisory lock while the block runs; yields the seconds spent waiting.

    Waits up to ``timeout`` seconds (polling ``pg_try_advisory_lock`` so that no statement stays
    blocked on the server), then raises :class:`LockTimeout` (P1002, as Prisma).
    """
    import psycopg

    started = time.monotonic()
    while True:
        got = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
        if got and got[0]:
            break
        if time.monotonic() - started >= timeout:
            raise LockTimeout(
                f"Timed out trying to acquire a postgres advisory lock (SELECT pg_advisory_lock({key})). "
                f"Timeout: {int(timeout * 1000)}ms. Another migration is running against this database; "
                "wait for it to finish, or find it with: SELECT pid, application_name FROM pg_locks "
                f"JOIN pg_stat_activity USING (pid) WHERE locktype = 'advisory' AND objid = {key};"
            )
        time.sleep(poll)
    waited = time.monotonic() - started
    try:
        yield waited
    finally:
        if not conn.closed:
            try:
                if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                    conn.rollback()
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
            except psycopg.Error:
                pass  # the connection is gone: the server released the lock with it
