"""Benchmark: ``nexo db:studio``'s table page on a 1,000,000-row table vs raw psycopg.

One database, one run: the repo's own project is migrated (Prisma steps and the RLS layer), one
account gets 1,000,000 users, and then, interleaved round by round:

- ``first page``  GET /m/User (the whole request through the studio's ASGI app: guard, client
  compile and run, HTML) vs the raw ``SELECT * FROM users ORDER BY id LIMIT 51`` on psycopg;
- ``next page``   the page after a cursor in the middle of the table (keyset on the primary key
                  (account_id, id): ``WHERE (account_id, id) > …``);
- ``filtered``    a filter on the tenant column (``accountId equals …``), sorted by id;
- ``as tenant``   the first page in the tenant's session as the application role (RLS applies);
- ``sort email``  sorted by a column without an index of its own (both sides sort the whole table).

Times are medians of per-request server time, measured in-process (no network). Goal (issue 15):
the studio's first page of a 1M-row table in at most 150 ms. Exit status 1 when missed.

    python bench/studio.py [--rows 1000000] [--rounds 15] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from client import with_fresh_database

REPO = Path(__file__).resolve().parent.parent
ACCOUNT = "11111111-1111-1111-1111-111111111111"
GOAL_MS = 150.0


def setup(url: str, rows: int, tmp: Path) -> Path:
    import psycopg

    from nexo import orchestrate
    from nexo.config import load_config

    proj = tmp / "proj"
    proj.mkdir(parents=True)
    for name in ("pyproject.toml", "schema.prisma"):
        shutil.copy2(REPO / name, proj / name)
    for folder in ("prisma_migrations", "sql"):
        shutil.copytree(REPO / folder, proj / folder)
    orchestrate.migrate(load_config(proj, database_url=url))
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("INSERT INTO accounts (id, name, slug) VALUES (%s, 'Acme', 'acme')", (ACCOUNT,))
        c.execute(
            "INSERT INTO users (account_id, email, name) SELECT %s, 'user' || i || '@acme.test', 'User ' || i "
            "FROM generate_series(1, %s) AS i",
            (ACCOUNT, rows),
        )
        c.execute("VACUUM ANALYZE users")
    return proj


async def run(url: str, proj: Path, rounds: int) -> int:
    import httpx
    import psycopg

    from nexo.config import load_config
    from nexo.studio.app import create_app
    from nexo.studio.data import Studio
    from nexo.studio.schema import load

    cfg = load_config(proj, database_url=url)
    studio = Studio(load(cfg), url, app_role=cfg.app_role)
    token, port = "bench", 5555
    app = create_app(studio, token, port, manage_client=False)
    await studio.start()
    raw = await psycopg.AsyncConnection.connect(url, autocommit=True)
    count = (await (await raw.execute("SELECT count(*) FROM users")).fetchone() or [0])[0]
    mid_row = await (
        await raw.execute("SELECT account_id, id FROM users ORDER BY account_id, id OFFSET %s LIMIT 1", (count // 2,))
    ).fetchone()
    assert mid_row is not None
    mid_account, mid = mid_row
    transport = httpx.ASGITransport(app=app)
    cases = {
        "first page": ({"token": token}, "SELECT * FROM users ORDER BY account_id, id LIMIT 51", ()),
        "next page": (
            {"token": token, "after": json.dumps([str(mid_account), str(mid)])},
            "SELECT * FROM users WHERE (account_id, id) > (%s, %s) ORDER BY account_id, id LIMIT 51",
            (mid_account, mid),
        ),
        "filtered": (
            [("token", token), ("ff", "accountId"), ("fo", "equals"), ("fv", ACCOUNT)],
            "SELECT * FROM users WHERE account_id = %s ORDER BY account_id, id LIMIT 51",
            (ACCOUNT,),
        ),
        "as tenant": ({"token": token, "tenant": ACCOUNT}, "SELECT * FROM users ORDER BY account_id, id LIMIT 51", ()),
        "sort email": (
            {"token": token, "sort": "email"},
            "SELECT * FROM users ORDER BY email, account_id, id LIMIT 51",
            (),
        ),
    }
    times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in cases}
    async with httpx.AsyncClient(transport=transport, base_url=f"http://127.0.0.1:{port}") as http:
        for rnd in range(rounds + 2):  # two warm-up rounds
            for name, (params, sql, args) in cases.items():
                t0 = time.perf_counter()
                r = await http.get("/m/User", params=params)
                t1 = time.perf_counter()
                assert r.status_code == 200 and r.text.count('<td data-field="id">') == 50, (
                    name,
                    r.status_code,
                    r.text[-1500:],
                )
                t2 = time.perf_counter()
                await (await raw.execute(sql, args)).fetchall()
                t3 = time.perf_counter()
                if rnd >= 2:
                    times[name][0].append((t1 - t0) * 1000)
                    times[name][1].append((t3 - t2) * 1000)
    await raw.close()
    await studio.stop()
    print(f"{'case':<12} {'studio ms':>10} {'raw SQL ms':>11} {'ratio':>7}")
    for name, (studio_ms, raw_ms) in times.items():
        s, q = statistics.median(studio_ms), statistics.median(raw_ms)
        print(f"{name:<12} {s:>10.1f} {q:>11.2f} {s / q:>6.1f}x")
    first = statistics.median(times["first page"][0])
    ok = first <= GOAL_MS
    print(
        f"goal: first page of a 1M-row table <= {GOAL_MS:.0f} ms server time: {first:.1f} ms, {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--database-url")
    args = p.parse_args()
    import tempfile

    def body(url: str) -> int:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            proj = setup(url, args.rows, Path(tmp))
            print(f"setup: {args.rows:,} users in {time.perf_counter() - t0:.0f} s")
            return asyncio.run(run(url, proj, args.rounds))

    return with_fresh_database(args.database_url, body)


if __name__ == "__main__":
    sys.exit(main())
