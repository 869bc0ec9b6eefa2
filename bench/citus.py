"""Benchmark: tenant sessions of the generated client on a Citus cluster vs one server (issue 14, item 6).

One run, one machine. The cluster is ``../shared/citus/cluster`` (a coordinator and two workers on
localhost); the single server is the same coordinator's PostgreSQL used as a plain server: a database
without the ``citus`` extension, plain local tables. Both get the same schema (``accounts`` 1—n
``contacts``, composite key ``(account_id, id)``), the same forced RLS policy through a STABLE
``current_tenant()`` function, the same seed (1,000 tenants, 5 contacts each) and the same non-owner
application role. On the cluster both tables are distributed by the tenant (co-located).

Workload: 100 concurrent tasks over 1,000 tenants, each call in its own tenant session
(``client.tenant(id)``): ``find_many`` (the tenant's contacts), ``create`` (one contact),
``update`` (``update_many`` of one contact by email). Every ``find_many`` checks its rows: a row of
another tenant is a leak, fewer rows than the tenant has is a wrong result. Contenders:

- ``single``   one server (local tables)
- ``citus``    the cluster, the client adds ``account_id = <tenant>`` to each tenant query (routing)
- ``no-route`` the cluster with the client's tenant filter switched off (RLS alone: every shard)

Then the single-shard fraction: a sample of tenant calls with the query log on, each statement
EXPLAINed as the application role in the tenant's session: a statement is single-shard when every
``Task Count`` in its plan is 1. Finally (``--rebalance``) a third worker is started and added, and
``citus_rebalance_start(shard_transfer_mode => 'block_writes')`` runs while the workload runs on the
cluster: failed calls and cross-tenant rows are counted.

    python bench/citus.py [--calls 10] [--tenants 1000] [--tasks 100] [--no-rebalance]

On a 2-core machine running every node, the cluster cannot be faster than one server: each routed
query pays a coordinator hop (plan, route, one worker round trip) on the same cores. The ratios show
that per-query overhead, and what routing saves against fan-out to every shard.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql as psql

from nexo.generator import generate
from nexo.psl import validate_source
from nexo.schema import relational_model, render_create_script

REPO = Path(__file__).resolve().parent.parent
CLUSTER = REPO.parent / "shared" / "citus" / "cluster"  # ../shared beside the repository, as the tests find it

SCHEMA = """generator client {
  provider = "prisma-client-py"
  interface = "asyncio"
  output = "./bench_citus_client"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Account {
  id       String    @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  name     String
  contacts Contact[]

  @@map("accounts")
}

model Contact {
  id        String  @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  accountId String  @map("account_id") @db.Uuid
  email     String
  score     Int     @default(0)
  account   Account @relation(fields: [accountId], references: [id], onDelete: Cascade, onUpdate: NoAction)

  @@id([accountId, id])
  @@index([accountId, email])
  @@map("contacts")
}
"""

RLS = """CREATE FUNCTION current_tenant() RETURNS uuid LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('app.current_account_id', true), '')::uuid $$;
ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON contacts USING (account_id = current_tenant()) WITH CHECK (account_id = current_tenant());
"""

EACH = 5
ROLE = "nexo_bench_citus_app"


def cluster(*args: str, workers: int = 2) -> str:
    env = {**os.environ, "PYTHON": sys.executable, "CITUS_WORKERS": str(workers)}
    done = subprocess.run([str(CLUSTER), *args], capture_output=True, text=True, env=env, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"cluster {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def with_db(url: str, name: str) -> str:
    base, _, query = url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (("?" + query) if query else "")


def as_role(url: str) -> str:
    return url.replace("//postgres@", f"//{ROLE}@", 1)


def setup(url: str, ddl: str, tenants: int, distribute: bool) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (ROLE,)).fetchone():
            c.execute(f'CREATE ROLE "{ROLE}" LOGIN')
        c.execute(ddl.split('ALTER TABLE "contacts" ADD CONSTRAINT')[0])
        if distribute:
            c.execute("SELECT create_distributed_table('accounts', 'id')")
            c.execute("SELECT create_distributed_table('contacts', 'account_id', colocate_with => 'accounts')")
        c.execute('ALTER TABLE "contacts" ADD CONSTRAINT' + ddl.split('ALTER TABLE "contacts" ADD CONSTRAINT')[1])
        for statement in RLS.split(";\n"):
            if statement.strip():
                c.execute(statement)
        c.execute(f'GRANT USAGE ON SCHEMA public TO "{ROLE}"')
        c.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{ROLE}"')
        c.execute(
            "INSERT INTO accounts (id, name) SELECT ('00000000-0000-0000-0000-' || lpad(to_hex(i), 12, '0'))::uuid,"
            " 'acc ' || i FROM generate_series(1, %s) i",
            (tenants,),
        )
        c.execute(
            "INSERT INTO contacts (account_id, email) SELECT a.id, j || '@' || a.name FROM accounts a,"
            " generate_series(1, %s) j",
            (EACH,),
        )
        c.execute("ANALYZE")


def tenant_ids(n: int) -> list[str]:
    return [f"00000000-0000-0000-0000-{i:012x}" for i in range(1, n + 1)]


class Tally:
    def __init__(self) -> None:
        self.calls = 0
        self.failed = 0
        self.leaks = 0
        self.wrong = 0
        self.errors: list[str] = []


async def workload(db: Any, ids: list[str], op: str, tasks: int, calls: int, tally: Tally) -> float:
    """``tasks`` concurrent tasks, ``calls`` calls each of ``op``; returns calls per second."""

    async def one(k: int) -> None:
        rnd = random.Random(k)
        for _ in range(calls):
            acc = rnd.choice(ids)
            try:
                async with db.tenant(acc) as t:
                    if op == "find_many":
                        rows = await t.contact.find_many()
                        tally.leaks += sum(1 for r in rows if r.accountId != acc)
                        tally.wrong += int(len(rows) < EACH)
                    elif op == "create":
                        await t.contact.create(data={"accountId": acc, "email": f"n{uuid.uuid4().hex[:8]}"})
                    else:
                        n = await t.contact.update_many(where={"email": {"startswith": "1@"}}, data={"score": k})
                        tally.wrong += int(n != 1)
                tally.calls += 1
            except Exception as exc:  # counted: the rebalance goal is 0 failed calls
                tally.failed += 1
                if len(tally.errors) < 3:
                    tally.errors.append(f"{type(exc).__name__}: {exc}")

    t0 = time.perf_counter()
    await asyncio.gather(*(one(k) for k in range(tasks)))
    return tasks * calls / (time.perf_counter() - t0)


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.statements: list[tuple[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not isinstance(record.args, tuple) or len(record.args) != 2:
            return
        stmt, params = record.args
        if not isinstance(stmt, str) or stmt.split(" ", 1)[0] in ("BEGIN", "SET", "COMMIT", "ROLLBACK"):
            return
        self.statements.append((stmt, params))


async def single_shard_fraction(pkg: Any, url: str, ids: list[str], routed: bool, sample: int) -> tuple[int, int]:
    """(single-shard statements, statements) over ``sample`` calls of each operation, by EXPLAIN."""
    db = pkg.Prisma(datasource={"url": url + "?connection_limit=2"}, use_dotenv=False, log_queries=True)
    await db.connect()
    single = total = 0
    handler = Captured()
    log = logging.getLogger("prisma")
    try:
        async with db.tenant(ids[0]) as t:  # the first session reads the distribution columns
            await t.contact.count()
        if not routed:
            db._routing = {}
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
        rnd = random.Random(7)
        for i in range(sample):
            acc = rnd.choice(ids)
            handler.statements.clear()
            async with db.tenant(acc) as t:
                await t.contact.find_many()
                await t.contact.count()
                await t.contact.create(data={"accountId": acc, "email": f"s{i}"})
                await t.contact.update_many(where={"email": f"s{i}"}, data={"score": 1})
                await t.contact.delete_many(where={"email": f"s{i}"})
            stmts = [s for s in handler.statements if "pg_dist_partition" not in s[0] and "pg_extension" not in s[0]]
            with psycopg.connect(url) as c:
                c.execute("SET LOCAL citus.propagate_set_commands = 'local'")
                c.execute(psql.SQL("SET LOCAL app.current_account_id = {}").format(psql.Literal(acc)))
                for stmt, params in stmts:
                    plan = [r[0] for r in c.execute("EXPLAIN " + stmt, params).fetchall()]
                    counts = [int(line.split(":")[1]) for line in plan if "Task Count:" in line]
                    total += 1
                    single += int(bool(counts) and all(n == 1 for n in counts))
                c.rollback()
    finally:
        log.removeHandler(handler)
        await db.disconnect()
    return single, total


async def rebalance_run(pkg: Any, admin: str, url: str, ids: list[str], tasks: int, calls: int) -> dict[str, Any]:
    """A third worker added, and the shards rebalanced onto it while the workload runs."""
    cluster("start", workers=3)
    name = admin.rsplit("/", 1)[1].split("?")[0]
    node3 = with_db(admin, name).replace(":57630/", ":57633/")
    with psycopg.connect(node3.replace("/" + name, "/postgres"), autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            c.execute(psql.SQL("CREATE DATABASE {}").format(psql.Identifier(name)))
    with psycopg.connect(node3, autocommit=True) as c:
        c.execute("CREATE EXTENSION IF NOT EXISTS citus")
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute("SELECT citus_add_node('127.0.0.1', 57633)")
        before = c.execute("SELECT nodeport, count(*) FROM pg_dist_shard_placement GROUP BY 1 ORDER BY 1").fetchall()
    db = pkg.Prisma(datasource={"url": url + "?connection_limit=20"}, use_dotenv=False)
    await db.connect()
    tally = Tally()
    done = asyncio.Event()

    async def load() -> None:
        while not done.is_set():
            for op in ("find_many", "update", "create"):
                await workload(db, ids, op, tasks, 1, tally)

    async def rebalance() -> str:
        def run() -> str:
            with psycopg.connect(admin, autocommit=True) as c:
                c.execute("SELECT citus_rebalance_start(shard_transfer_mode => 'block_writes')")
                while True:
                    state = c.execute("SELECT state FROM citus_rebalance_status()").fetchone()
                    if state is None or state[0] in ("finished", "failed", "cancelled"):
                        return state[0] if state else "none"
                    time.sleep(0.5)

        return await asyncio.to_thread(run)

    loader = asyncio.create_task(load())
    await asyncio.sleep(1.0)
    t0 = time.perf_counter()
    state = await rebalance()
    seconds = time.perf_counter() - t0
    await asyncio.sleep(1.0)
    done.set()
    await loader
    await db.disconnect()
    with psycopg.connect(admin, autocommit=True) as c:
        after = c.execute("SELECT nodeport, count(*) FROM pg_dist_shard_placement GROUP BY 1 ORDER BY 1").fetchall()
    return {"state": state, "seconds": seconds, "before": before, "after": after, "tally": tally}


def drop_node3(admin: str, name: str) -> None:
    """Drop the bench database on the third worker and stop that node (the shared cluster keeps two)."""
    try:
        url = with_db(admin, "postgres").replace(":57630/", ":57633/")
        with psycopg.connect(url, autocommit=True) as c:
            c.execute(psql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psql.Identifier(name)))
    except psycopg.Error:
        return
    root = os.getuid() == 0
    home = Path(os.environ.get("CITUS_HOME") or ("/var/tmp/nexo-citus" if root else Path.home() / ".cache/nexo-citus"))
    ctl = f"LD_LIBRARY_PATH={home}/pg16/lib {home}/pg16/bin/pg_ctl -D {home}/data/n57633 -w stop -m fast"
    cmd = ["su", "nobody", "-s", "/bin/sh", "-c", ctl] if root else ["sh", "-c", ctl]
    subprocess.run(cmd, capture_output=True, timeout=120)


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tenants", type=int, default=1000)
    ap.add_argument("--tasks", type=int, default=100)
    ap.add_argument("--calls", type=int, default=10, help="calls per task and operation")
    ap.add_argument("--sample", type=int, default=20, help="tenant sessions EXPLAINed (5 statements each)")
    ap.add_argument("--no-rebalance", action="store_true")
    opts = ap.parse_args()
    if not CLUSTER.is_file():
        print(f"no Citus cluster script at {CLUSTER}")
        return 1
    admin = cluster("start")
    suffix = uuid.uuid4().hex[:8]
    cname, pname = f"bench_citus_{suffix}", f"bench_plain_{suffix}"
    curl = cluster("createdb", cname)
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(psql.SQL("CREATE DATABASE {}").format(psql.Identifier(pname)))
    purl = with_db(admin, pname)
    work = Path(tempfile.mkdtemp(prefix="nexo_bench_citus_"))
    rc = 0
    try:
        (work / "schema.prisma").write_text(SCHEMA, encoding="utf-8")
        generate(work / "schema.prisma", project=work)
        sys.path.insert(0, str(work))
        pkg = importlib.import_module("bench_citus_client")
        ddl = render_create_script(relational_model(validate_source(SCHEMA).raise_for_errors()))
        setup(curl, ddl, opts.tenants, distribute=True)
        setup(purl, ddl, opts.tenants, distribute=False)
        ids = tenant_ids(opts.tenants)
        print(
            f"{opts.tenants} tenants x {EACH} contacts; {opts.tasks} concurrent tasks x {opts.calls} calls per "
            f"operation; one tenant session per call; pool of 20 connections; app role under forced RLS"
        )
        rates: dict[str, dict[str, float]] = {}
        tallies: dict[str, Tally] = {}
        for label, url, routed in (("single", purl, True), ("citus", curl, True), ("no-route", curl, False)):
            db = pkg.Prisma(datasource={"url": as_role(url) + "?connection_limit=20"}, use_dotenv=False)
            await db.connect()
            async with db.tenant(ids[0]) as t:  # warm-up: Citus detection and the distribution columns
                await t.contact.count()
            if not routed:
                db._routing = {}
            tally = tallies[label] = Tally()
            rates[label] = {}
            for op in ("find_many", "create", "update"):
                rates[label][op] = await workload(db, ids, op, opts.tasks, opts.calls, tally)
            await db.disconnect()
        print()
        print(
            f"{'operation':<10} {'single/s':>9} {'citus/s':>9} {'no-route/s':>11} {'citus/single':>13} {'citus/no-route':>15}"
        )
        for op in ("find_many", "create", "update"):
            s, r, n = rates["single"][op], rates["citus"][op], rates["no-route"][op]
            print(f"{op:<10} {s:>9.0f} {r:>9.0f} {n:>11.0f} {r / s:>13.2f} {r / n:>15.2f}")
        for label, t in tallies.items():
            print(
                f"{label:<9} calls {t.calls}, failed {t.failed}, cross-tenant rows {t.leaks}, wrong results {t.wrong}"
            )
            for e in t.errors:
                print("   ", e[:200])
            if t.failed or t.leaks or t.wrong:
                rc = 1
        print()
        one, total = await single_shard_fraction(pkg, as_role(curl), ids, True, opts.sample)
        one_n, total_n = await single_shard_fraction(pkg, as_role(curl), ids, False, opts.sample)
        print(f"single-shard tenant statements (EXPLAIN, {opts.sample} sessions x 5 calls):")
        print(f"  with the client's tenant filter: {one}/{total} = {one / total:.0%}")
        print(f"  RLS alone (filter off):          {one_n}/{total_n} = {one_n / total_n:.0%}")
        if one != total:
            rc = 1
        if not opts.no_rebalance:
            print()
            rb = await rebalance_run(pkg, with_db(admin, cname), as_role(curl), ids, opts.tasks, 1)
            t = rb["tally"]
            print(
                f"rebalance onto a third worker (block_writes) while {opts.tasks} tasks run: {rb['state']} in "
                f"{rb['seconds']:.1f} s; shards per node before {dict(rb['before'])}, after {dict(rb['after'])}"
            )
            print(f"  calls {t.calls}, failed {t.failed}, cross-tenant rows {t.leaks}, wrong results {t.wrong}")
            for e in t.errors:
                print("   ", e[:200])
            if t.failed or t.leaks or t.wrong or rb["state"] != "finished":
                rc = 1
    finally:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(psql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psql.Identifier(pname)))
        if not opts.no_rebalance:
            drop_node3(admin, cname)
        cluster("dropdb", cname)
    return rc


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
