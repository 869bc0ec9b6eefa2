"""Client metrics: Prisma Client Python's ``get_metrics()`` shapes, filled from counters the runtime keeps.

Prisma's query engine reports counters, gauges and histograms under fixed keys. nexo has no engine;
it reports the keys whose meaning it can measure, from its own numbers:

- ``prisma_client_queries_total`` (counter) and ``prisma_client_queries_duration_histogram_ms``:
  every operation of the client (a model action such as ``find_many``, a raw query, a batch's
  commit), timed from the call to its result, which may take several statements;
- ``prisma_datasource_queries_total`` (counter) and ``prisma_datasource_queries_duration_histogram_ms``:
  every SQL statement the client sends (model actions, nested writes, batched include levels,
  transactions' BEGIN/COMMIT, raw SQL), timed around its round trip;
- ``prisma_client_queries_active`` (gauge): statements in flight now;
- ``prisma_client_queries_wait_histogram_ms``: time spent waiting for a pool connection per call;
- ``prisma_client_queries_wait`` and ``prisma_pool_connections_open`` / ``_idle`` / ``_busy``
  (gauges), ``prisma_pool_connections_opened_total`` (counter): psycopg_pool's ``get_stats()``
  (``requests_waiting``, ``pool_size``, ``pool_available``, ``connections_num`` minus
  ``connections_errors``); ``prisma_pool_connections_closed_total`` (counter): the connections
  opened that are no longer in the pool (opened minus open).

Histogram buckets are Prisma's (milliseconds: 0, 1, 5, 10, 50, 100, 500, 1000, 5000, 50000); in
``json`` each bucket counts the observations that fell in it (as Prisma's JSON does), in
``prometheus`` the counts are cumulative with a ``+Inf`` bucket. The statistics belong to a client
(and the transaction clients it starts) and count from its construction.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Mapping
from typing import Any, Generic, NamedTuple, TypeVar

from pydantic import BaseModel

__all__ = ["HistogramBucket", "Metric", "MetricHistogram", "Metrics", "QueryStats", "collect", "to_prometheus"]

BUCKETS_MS: tuple[float, ...] = (0, 1, 5, 10, 50, 100, 500, 1000, 5000, 50000)

_T = TypeVar("_T")


class HistogramBucket(NamedTuple):
    max_value: float
    total_count: int


class MetricHistogram(BaseModel):
    sum: float
    count: int
    buckets: list[HistogramBucket]


class Metric(BaseModel, Generic[_T]):
    key: str
    value: _T
    labels: dict[str, str]
    description: str


class Metrics(BaseModel):
    counters: list[Metric[int]]
    gauges: list[Metric[float]]
    histograms: list[Metric[MetricHistogram]]


class Histogram:
    """Observations in Prisma's millisecond buckets (non-cumulative counts, sum, count)."""

    __slots__ = ("count", "counts", "sum")

    def __init__(self) -> None:
        self.counts = [0] * len(BUCKETS_MS)
        self.sum = 0.0
        self.count = 0

    def observe(self, ms: float) -> None:
        i = bisect.bisect_left(BUCKETS_MS, ms)
        if i < len(BUCKETS_MS):
            self.counts[i] += 1
        self.sum += ms
        self.count += 1

    def value(self) -> MetricHistogram:
        return MetricHistogram(
            sum=self.sum,
            count=self.count,
            buckets=[HistogramBucket(b, c) for b, c in zip(BUCKETS_MS, self.counts, strict=True)],
        )


class QueryStats:
    """What a client counts as it runs statements (shared with its transaction clients)."""

    __slots__ = ("_lock", "active", "durations", "operation_durations", "operations", "statements", "waits")

    def __init__(self) -> None:
        self.operations = 0
        self.operation_durations = Histogram()
        self.statements = 0
        self.active = 0
        self.durations = Histogram()
        self.waits = Histogram()
        self._lock = threading.Lock()  # the sync client may be used from several threads

    def started(self) -> None:
        with self._lock:
            self.active += 1

    def finished(self, seconds: float) -> None:
        with self._lock:
            self.active -= 1
            self.statements += 1
            self.durations.observe(seconds * 1000.0)

    def operation(self, seconds: float) -> None:
        """One client operation (a model action, a raw query, a batch) ended after ``seconds``."""
        with self._lock:
            self.operations += 1
            self.operation_durations.observe(seconds * 1000.0)

    def waited(self, seconds: float) -> None:
        with self._lock:
            self.waits.observe(seconds * 1000.0)


_DESCRIPTIONS = {
    "prisma_client_queries_total": "Total number of operations (model actions, raw queries, batches) the client ran",
    "prisma_pool_connections_closed_total": "Total number of connections the pool closed",
    "prisma_client_queries_duration_histogram_ms": "Duration of the client's operations, in milliseconds",
    "prisma_datasource_queries_total": "Total number of SQL statements the client sent to the database",
    "prisma_pool_connections_opened_total": "Total number of connections the pool opened",
    "prisma_client_queries_active": "Number of SQL statements running now",
    "prisma_client_queries_wait": "Number of calls waiting for a pool connection now",
    "prisma_pool_connections_open": "Number of connections in the pool (busy and idle)",
    "prisma_pool_connections_idle": "Number of pool connections not in use",
    "prisma_pool_connections_busy": "Number of pool connections in use",
    "prisma_datasource_queries_duration_histogram_ms": "Duration of the SQL statements, in milliseconds",
    "prisma_client_queries_wait_histogram_ms": "Time calls waited for a pool connection, in milliseconds",
}


def collect(
    stats: QueryStats, pool_stats: Mapping[str, int] | None, global_labels: Mapping[str, str] | None = None
) -> Metrics:
    """The :class:`Metrics` of a client: its statistics and its pool's ``get_stats()`` (None when not connected)."""
    labels = {str(k): str(v) for k, v in (global_labels or {}).items()}
    ps = dict(pool_stats or {})
    size = ps.get("pool_size", 0)
    idle = ps.get("pool_available", 0)
    with stats._lock:
        opened = max(0, ps.get("connections_num", 0) - ps.get("connections_errors", 0))
        counters = {  # Prisma's order: by key
            "prisma_client_queries_total": stats.operations,
            "prisma_datasource_queries_total": stats.statements,
            "prisma_pool_connections_closed_total": max(0, opened - size),
            "prisma_pool_connections_opened_total": opened,
        }
        gauges = {
            "prisma_client_queries_active": float(stats.active),
            "prisma_client_queries_wait": float(ps.get("requests_waiting", 0)),
            "prisma_pool_connections_busy": float(max(0, size - idle)),
            "prisma_pool_connections_idle": float(idle),
            "prisma_pool_connections_open": float(size),
        }
        histograms = {
            "prisma_client_queries_duration_histogram_ms": stats.operation_durations.value(),
            "prisma_client_queries_wait_histogram_ms": stats.waits.value(),
            "prisma_datasource_queries_duration_histogram_ms": stats.durations.value(),
        }
    return Metrics(
        counters=[
            Metric[int](key=k, value=v, labels=dict(labels), description=_DESCRIPTIONS[k]) for k, v in counters.items()
        ],
        gauges=[
            Metric[float](key=k, value=v, labels=dict(labels), description=_DESCRIPTIONS[k]) for k, v in gauges.items()
        ],
        histograms=[
            Metric[MetricHistogram](key=k, value=v, labels=dict(labels), description=_DESCRIPTIONS[k])
            for k, v in histograms.items()
        ],
    )


def _labels(labels: Mapping[str, str], extra: tuple[str, str] | None = None) -> str:
    items = list(labels.items()) + ([extra] if extra else [])
    if not items:
        return ""
    esc = [(k, v.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')) for k, v in items]
    return "{" + ",".join(f'{k}="{v}"' for k, v in esc) + "}"


def _num(v: Any) -> str:
    return repr(float(v)) if isinstance(v, float) and not float(v).is_integer() else str(int(v))


def to_prometheus(m: Metrics) -> str:
    """The Prometheus text exposition format of ``m`` (histograms with cumulative ``le`` buckets)."""
    out: list[str] = []
    for kind, items in (("counter", m.counters), ("gauge", m.gauges)):
        for c in items:
            out += [
                f"# HELP {c.key} {c.description}",
                f"# TYPE {c.key} {kind}",
                f"{c.key}{_labels(c.labels)} {_num(c.value)}",
            ]
    for h in m.histograms:
        out += [f"# HELP {h.key} {h.description}", f"# TYPE {h.key} histogram"]
        total = 0
        for b in h.value.buckets:
            total += b.total_count
            out.append(f"{h.key}_bucket{_labels(h.labels, ('le', _num(b.max_value)))} {total}")
        out.append(f"{h.key}_bucket{_labels(h.labels, ('le', '+Inf'))} {h.value.count}")
        out.append(f"{h.key}_sum{_labels(h.labels)} {_num(h.value.sum)}")
        out.append(f"{h.key}_count{_labels(h.labels)} {h.value.count}")
    return "\n".join(out) + "\n"
