"""Which shards a client statement runs on: the client's query log captured per task, then ``EXPLAIN`` of each
statement on the coordinator (a Citus plan shows ``Task Count: N`` per distributed scan; a single-shard router
statement has one task)."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg

#: what the probe is doing when the client logs a statement (e.g. the tenant and the operation)
current_tag: contextvars.ContextVar[str | None] = contextvars.ContextVar("citus_probe_tag", default=None)

_SESSION = ("BEGIN", "SET", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@dataclass
class Statement:
    tag: str | None
    sql: str
    params: Any


@dataclass
class StatementLog(logging.Handler):
    """The client's statements (``log_queries=True``) with the tag of the task that ran each; the session's own
    BEGIN/SET/COMMIT and the once-per-pool Citus probes are left out."""

    statements: list[Statement] = field(default_factory=list)

    def __post_init__(self) -> None:
        logging.Handler.__init__(self, logging.INFO)

    def __hash__(self) -> int:
        return id(self)

    def emit(self, record: logging.LogRecord) -> None:
        if not isinstance(record.args, tuple) or len(record.args) != 2:
            return
        sql, params = record.args
        if not isinstance(sql, str) or sql.split(" ", 1)[0] in _SESSION:
            return
        if "pg_extension" in sql or "pg_dist_partition" in sql:
            return
        self.statements.append(Statement(current_tag.get(), sql, params))


@contextmanager
def statement_log() -> Iterator[StatementLog]:
    log = logging.getLogger("prisma")
    handler = StatementLog()
    old = log.level
    log.setLevel(logging.INFO)
    log.addHandler(handler)
    try:
        yield handler
    finally:
        log.removeHandler(handler)
        log.setLevel(old)


def task_counts(admin_url: str, statements: list[Statement], errors: list[str] | None = None) -> list[list[int]]:
    """For each statement, the ``Task Count`` of each Citus scan in its plan (``[]``: no distributed scan).
    Shard pruning depends on the statement alone (RLS does not prune: citus#7415), so the admin role plans it.
    A statement Citus cannot plan gets ``[]`` and its error in ``errors``."""
    errors = [] if errors is None else errors
    out: list[list[int]] = []
    seen: dict[tuple[str, str], list[int]] = {}
    with psycopg.connect(admin_url, autocommit=True) as c:
        for st in statements:
            key = (st.sql, repr(st.params))
            counts = seen.get(key)
            if counts is None:
                try:
                    plan = [str(r[0]) for r in c.execute("EXPLAIN " + st.sql, st.params).fetchall()]
                except psycopg.Error as exc:  # Citus refuses to plan it: reported as such (not single-shard)
                    errors.append(f"{exc.sqlstate}: {exc} in {st.sql[:200]}")
                    plan = []
                counts = [int(line.split(":")[1]) for line in plan if "Task Count:" in line]
                seen[key] = counts
            out.append(counts)
    return out


def single_shard(counts: list[int]) -> bool:
    return bool(counts) and all(n == 1 for n in counts)
