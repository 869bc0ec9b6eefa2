"""Benchmark: where find_many's include strategy should switch (``FEW_ROWS`` in nexo/client/engine_base.py).

The client reads an include either as JSON built in the one statement, or in batches (one more
query per relation and level, ``WHERE fk = ANY(...)``). A second round trip costs a fixed amount;
building JSON costs per row. This script measures both strategies on the schema and data of
``bench/client.py`` (authors with 10 books each) for ``take`` = 1..20, calls of the two strategies
interleaved one by one, and prints, per ``take``, the rates and the ratio batched/JSON (> 1: the
batches are faster), plus the largest ``take`` up to which JSON still wins on the median of the
rounds (the value to give ``FEW_ROWS``).

    python bench/include_cutover.py [--max-take 20] [--n 300] [--rounds 3] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import client as bench

from nexo.client import engine_base


async def run(url: str, max_take: int, n: int, rounds: int) -> int:
    work = Path(tempfile.mkdtemp(prefix="nexo-bench-cutover-"))
    configured = engine_base.FEW_ROWS
    try:
        pkg = bench.build(url, work)
        db = pkg.Prisma(datasource={"url": url + ("&" if "?" in url else "?") + "connection_limit=4"}, use_dotenv=False)
        await db.connect()
        jdb = db._child(db._executor, None)  # the same pool; includes always as JSON in one statement
        jdb._cache, jdb._batch_includes, jdb._tx = {}, False, None
        configured = engine_base.FEW_ROWS
        engine_base.FEW_ROWS = 0  # ``db`` now always loads includes in batches
        takes = list(range(1, max_take + 1))

        def call(client: Any, take: int) -> Any:
            async def f(i: int) -> Any:
                return await client.author.find_many(
                    take=take,
                    where={"id": {"gt": i % (bench.AUTHORS - take)}},
                    order={"id": "asc"},
                    include={"books": True},
                )

            return f

        for take in takes:  # both strategies return the same models
            a, b = await call(db, take)(7), await call(jdb, take)(7)
            assert [x.model_dump() for x in a] == [x.model_dump() for x in b] and len(a) == take
        print(f"load average before: {bench.loadavg()}; {rounds} rounds, {n} calls per strategy and take, interleaved")
        ratios: dict[int, list[float]] = {t: [] for t in takes}
        rates: dict[int, tuple[list[float], list[float]]] = {t: ([], []) for t in takes}
        for r in range(rounds):
            for take in takes:
                tb, tj = await bench.interleaved([call(db, take), call(jdb, take)], n)
                rb, rj = bench.rate(tb), bench.rate(tj)
                rates[take][0].append(rb)
                rates[take][1].append(rj)
                ratios[take].append(rb / rj)
            print(f"  round {r + 1}: load average {bench.loadavg()}", flush=True)
        await db.disconnect()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"{'take':>5}{'batched ops/s':>15}{'JSON ops/s':>12}{'batched/JSON':>14}{'per round':>17}  faster")
    json_wins = 0
    for take in takes:
        med = statistics.median(ratios[take])
        rb, rj = statistics.median(rates[take][0]), statistics.median(rates[take][1])
        spread = f"{min(ratios[take]):.2f}-{max(ratios[take]):.2f}x"
        print(f"{take:>5}{rb:>15.0f}{rj:>12.0f}{med:>13.2f}x{spread:>17}  {'batched' if med > 1 else 'JSON'}")
        if med <= 1 and json_wins == take - 1:
            json_wins = take
    print(
        f"\nJSON is faster for every take up to {json_wins} (median ratio of the rounds); FEW_ROWS in use: {configured}"
    )
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max-take", type=int, default=20)
    ap.add_argument("--n", type=int, default=300, help="calls per strategy, take and round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--database-url", default=None, help="superuser URL of a server to create the bench database on")
    args = ap.parse_args()
    return bench.with_fresh_database(
        args.database_url, lambda url: asyncio.run(run(url, args.max_take, args.n, args.rounds))
    )


if __name__ == "__main__":
    sys.exit(main())
