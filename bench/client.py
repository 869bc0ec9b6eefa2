"""Benchmark: the generated client vs hand-written SQL on raw psycopg vs SQLAlchemy 2.0's async ORM.

One database, one run. A small schema (``Author`` 1—n ``Book``) is generated into a temporary
package with ``nexo db:generate``'s own code, its tables are created from the same relational model
the migrations use, 2,000 authors with 10 books each are inserted, and then, per operation, each
contender runs the same work, one call at a time, the contenders' calls interleaved:

- ``find_unique``  one author by id
- ``find_many``    100 authors (ordered by id, from a moving offset)
- ``include``      10 authors with their 10 books each (110 rows)
- ``create``       one author, returned
- ``update``       one author's name, returned
- ``count``        all authors

The raw psycopg contender runs hand-written SQL on **the client's own pool** and returns tuples
(``include`` as two queries, the second ``WHERE author_id = ANY(...)``, grouped in Python). The
client returns pydantic models with UTC-aware datetimes (``include``: one batched query for the
books, see ``nexo/client/compiler/``). SQLAlchemy uses its async ORM (psycopg
driver, a new ``AsyncSession`` per operation, ``selectinload`` for the include). Goals (issue 5): within 1.3x of raw psycopg and faster than
SQLAlchemy on every operation. Rates are 1 / median call time over all rounds; the ratios of each
round are shown too, with the load average before and after each round (the machine may be busy
with other work: interleaving and medians keep that load off the comparison, the per-round spread
shows how much is left). For reference, ``include`` also runs with includes read as JSON in one
statement (the client's other strategy, used for a few parent rows). Exit status 1 when a goal
is missed.

    python bench/client.py [--n 400] [--rounds 5] [--database-url URL] [--profile OP]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import importlib
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql as psql
from psycopg.rows import dict_row
from sqlalchemy import ForeignKey, func, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, selectinload

from nexo.generator import generate
from nexo.psl import validate_source
from nexo.schema import relational_model, render_create_script

SCHEMA = """
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider             = "prisma-client-py"
  recursive_type_depth = 5
  output               = "./bench_client"
}

model Author {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  name      String
  score     Float    @default(0)
  active    Boolean  @default(true)
  createdAt DateTime @default(now()) @map("created_at")
  books     Book[]

  @@map("authors")
}

model Book {
  id        Int      @id @default(autoincrement())
  title     String
  pages     Int
  authorId  Int      @map("author_id")
  author    Author   @relation(fields: [authorId], references: [id])
  createdAt DateTime @default(now()) @map("created_at")

  @@index([authorId])
  @@map("books")
}
"""
AUTHORS = 2000
BOOKS_EACH = 10
A_COLS = "id, email, name, score, active, created_at"
B_COLS = "id, title, pages, author_id, created_at"


# ------------------------------------------------------------------------------------------- setup


def server_url(explicit: str | None) -> tuple[str, Callable[[], None]]:
    """A superuser URL: the given one, ``DATABASE_URL``, or an embedded pgserver (stopped at the end)."""
    url = explicit or os.environ.get("NEXO_BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url, lambda: None
    import pgserver

    tmp = Path(tempfile.mkdtemp(prefix="nexo-bench-pg-"))
    tmp.chmod(0o755)
    srv = pgserver.get_server(tmp / "pgdata", cleanup_mode="delete")

    def stop() -> None:
        srv.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)

    return srv.get_uri(), stop


def fresh_database(admin: str) -> tuple[str, Callable[[], None]]:
    from nexo.db.urls import with_database

    name = f"nexo_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(psql.SQL("CREATE DATABASE {}").format(psql.Identifier(name)))

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(psql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psql.Identifier(name)))

    return with_database(admin, name), drop


def build(url: str, work: Path) -> Any:
    """Generate the client package, create the tables, seed them; return the imported package."""
    (work / "schema.prisma").write_text(SCHEMA, encoding="utf-8")
    t0 = time.perf_counter()
    generate(work / "schema.prisma", project=work)
    print(f"generated the client in {(time.perf_counter() - t0) * 1000:.0f} ms")
    sys.path.insert(0, str(work))
    pkg = importlib.import_module("bench_client")
    schema = validate_source(SCHEMA).raise_for_errors()
    ddl = render_create_script(relational_model(schema))
    with psycopg.connect(url, autocommit=True) as c:
        c.execute(ddl)
        now = datetime.now(UTC).replace(tzinfo=None)
        with c.cursor() as cur:
            cur.executemany(
                "INSERT INTO authors (email, name, score, created_at) VALUES (%s, %s, %s, %s)",
                [(f"a{i}@x.io", f"Author {i}", i / 10, now) for i in range(AUTHORS)],
            )
            cur.executemany(
                "INSERT INTO books (title, pages, author_id, created_at) VALUES (%s, %s, %s, %s)",
                [(f"Book {a}-{j}", 100 + j, a + 1, now) for a in range(AUTHORS) for j in range(BOOKS_EACH)],
            )
        c.execute("ANALYZE")
    return pkg


# ------------------------------------------------------------------------------------------- contenders


class Nexo:
    name = "nexo client"

    def __init__(self, db: Any) -> None:
        self.db = db
        self.created = 0

    async def find_unique(self, i: int) -> Any:
        return await self.db.author.find_unique(where={"id": i % AUTHORS + 1})

    async def find_many(self, i: int) -> Any:
        return await self.db.author.find_many(take=100, where={"id": {"gt": i % 1900}}, order={"id": "asc"})

    async def include(self, i: int) -> Any:
        return await self.db.author.find_many(
            take=10, where={"id": {"gt": i % 1990}}, order={"id": "asc"}, include={"books": True}
        )

    async def create(self, i: int) -> Any:
        self.created += 1
        return await self.db.author.create({"email": f"nexo-{uuid.uuid4().hex}@x.io", "name": "new"})

    async def update(self, i: int) -> Any:
        return await self.db.author.update(data={"name": f"n{i}"}, where={"id": i % AUTHORS + 1})

    async def count(self, i: int) -> Any:
        return await self.db.author.count()


class Raw:
    name = "raw psycopg"

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    async def find_unique(self, i: int) -> Any:
        async with self.pool.connection() as c:
            cur = await c.execute(f"SELECT {A_COLS} FROM authors WHERE id = %s", (i % AUTHORS + 1,))
            return await cur.fetchone()

    async def find_many(self, i: int) -> Any:
        async with self.pool.connection() as c:
            cur = await c.execute(f"SELECT {A_COLS} FROM authors WHERE id > %s ORDER BY id LIMIT %s", (i % 1900, 100))
            return await cur.fetchall()

    async def include(self, i: int) -> Any:
        async with self.pool.connection() as c:
            cur = await c.execute(f"SELECT {A_COLS} FROM authors WHERE id > %s ORDER BY id LIMIT %s", (i % 1990, 10))
            authors = await cur.fetchall()
            cur = await c.execute(
                f"SELECT {B_COLS} FROM books WHERE author_id = ANY(%s) ORDER BY id", ([a[0] for a in authors],)
            )
            books: dict[int, list[Any]] = {}
            for b in await cur.fetchall():
                books.setdefault(b[3], []).append(b)
            return [(a, books.get(a[0], [])) for a in authors]

    async def create(self, i: int) -> Any:
        async with self.pool.connection() as c:
            cur = await c.execute(
                f"INSERT INTO authors (email, name, created_at) VALUES (%s, %s, %s) RETURNING {A_COLS}",
                (f"raw-{uuid.uuid4().hex}@x.io", "new", datetime.now(UTC).replace(tzinfo=None)),
            )
            return await cur.fetchone()

    async def update(self, i: int) -> Any:
        async with self.pool.connection() as c:
            cur = await c.execute(
                f"UPDATE authors SET name = %s WHERE id = %s RETURNING {A_COLS}", (f"r{i}", i % AUTHORS + 1)
            )
            return await cur.fetchone()

    async def count(self, i: int) -> Any:
        async with self.pool.connection() as c:
            cur = await c.execute("SELECT count(*) FROM authors")
            row = await cur.fetchone()
            return row[0] if row else 0


class RawDict:
    """For reference (no goal): the same hand-written SQL with rows as dicts (``dict_row``)."""

    name = "raw psycopg, dict rows"

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    async def _rows(self, sql: str, params: tuple[Any, ...], one: bool = False) -> Any:
        async with self.pool.connection() as c:
            cur = c.cursor(row_factory=dict_row)
            await cur.execute(sql, params)
            return await (cur.fetchone() if one else cur.fetchall())

    async def find_unique(self, i: int) -> Any:
        return await self._rows(f"SELECT {A_COLS} FROM authors WHERE id = %s", (i % AUTHORS + 1,), True)

    async def find_many(self, i: int) -> Any:
        return await self._rows(f"SELECT {A_COLS} FROM authors WHERE id > %s ORDER BY id LIMIT %s", (i % 1900, 100))

    async def include(self, i: int) -> Any:
        async with self.pool.connection() as c:
            cur = c.cursor(row_factory=dict_row)
            await cur.execute(f"SELECT {A_COLS} FROM authors WHERE id > %s ORDER BY id LIMIT %s", (i % 1990, 10))
            authors = await cur.fetchall()
            await cur.execute(
                f"SELECT {B_COLS} FROM books WHERE author_id = ANY(%s) ORDER BY id", ([a["id"] for a in authors],)
            )
            books: dict[int, list[Any]] = {}
            for b in await cur.fetchall():
                books.setdefault(b["author_id"], []).append(b)
            for a in authors:
                a["books"] = books.get(a["id"], [])
            return authors

    async def create(self, i: int) -> Any:
        return await self._rows(
            f"INSERT INTO authors (email, name, created_at) VALUES (%s, %s, %s) RETURNING {A_COLS}",
            (f"rawd-{uuid.uuid4().hex}@x.io", "new", datetime.now(UTC).replace(tzinfo=None)),
            True,
        )

    async def update(self, i: int) -> Any:
        return await self._rows(
            f"UPDATE authors SET name = %s WHERE id = %s RETURNING {A_COLS}", (f"d{i}", i % AUTHORS + 1), True
        )

    async def count(self, i: int) -> Any:
        row = await self._rows("SELECT count(*) AS n FROM authors", (), True)
        return row["n"] if row else 0


class Base(DeclarativeBase):
    pass


class SAAuthor(Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str]
    name: Mapped[str]
    score: Mapped[float]
    active: Mapped[bool]
    created_at: Mapped[datetime]
    books: Mapped[list[SABook]] = relationship(back_populates="author")


class SABook(Base):
    __tablename__ = "books"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    pages: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    created_at: Mapped[datetime]
    author: Mapped[SAAuthor] = relationship(back_populates="books")


class Alchemy:
    name = "SQLAlchemy ORM"

    def __init__(self, url: str) -> None:
        self.Author, self.select, self.func, self.selectinload = SAAuthor, select, func, selectinload
        sa_url = "postgresql+psycopg://" + url.split("://", 1)[1]
        self.engine = create_async_engine(sa_url, pool_size=4)
        self.Session = async_sessionmaker(self.engine, expire_on_commit=False)

    async def find_unique(self, i: int) -> Any:
        async with self.Session() as s:
            return await s.get(self.Author, i % AUTHORS + 1)

    async def find_many(self, i: int) -> Any:
        A = self.Author
        async with self.Session() as s:
            return (await s.scalars(self.select(A).where(A.id > i % 1900).order_by(A.id).limit(100))).all()

    async def include(self, i: int) -> Any:
        A = self.Author
        async with self.Session() as s:
            q = self.select(A).where(A.id > i % 1990).order_by(A.id).limit(10).options(self.selectinload(A.books))
            return (await s.scalars(q)).all()

    async def create(self, i: int) -> Any:
        async with self.Session() as s:
            a = self.Author(
                email=f"sa-{uuid.uuid4().hex}@x.io",
                name="new",
                score=0.0,
                active=True,
                created_at=datetime.now(UTC).replace(tzinfo=None),
            )
            s.add(a)
            await s.commit()
            return a

    async def update(self, i: int) -> Any:
        async with self.Session() as s:
            a = await s.get(self.Author, i % AUTHORS + 1)
            assert a is not None
            a.name = f"s{i}"
            await s.commit()
            return a

    async def count(self, i: int) -> Any:
        A = self.Author
        async with self.Session() as s:
            return await s.scalar(self.select(self.func.count()).select_from(A))


# ------------------------------------------------------------------------------------------- timing

OPS = ("find_unique", "find_many", "include", "create", "update", "count")
N_PER_OP = {"find_unique": 1.0, "find_many": 0.25, "include": 0.25, "create": 0.5, "update": 0.5, "count": 1.0}
GOAL_RAW, GOAL_SA = 1.3, 1.0


async def interleaved(fns: list[Callable[[int], Awaitable[Any]]], n: int) -> list[list[float]]:
    """Per-call seconds for each contender. Calls alternate (a, b, c, b, c, a, ...) so that load from
    anything else on the machine falls on every contender alike."""
    for fn in fns:  # warm: compiled SQL cached, statements prepared on the pool's connections
        for i in range(10):
            await fn(i)
    times: list[list[float]] = [[] for _ in fns]
    order = list(range(len(fns)))
    clock = time.perf_counter
    for i in range(n):
        order = order[1:] + order[:1]
        for k in order:
            t0 = clock()
            await fns[k](i)
            times[k].append(clock() - t0)
    return times


def rate(samples: list[float]) -> float:
    """Operations per second from the median call time (robust against bursts of other load)."""
    return 1.0 / statistics.median(samples)


def loadavg() -> str:
    try:
        return "/".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


async def run(url: str, n: int, rounds: int, profile: str | None) -> int:
    work = Path(tempfile.mkdtemp(prefix="nexo-bench-client-"))
    try:
        pkg = build(url, work)
        db = pkg.Prisma(datasource={"url": url + ("&" if "?" in url else "?") + "connection_limit=4"}, use_dotenv=False)
        await db.connect()
        # the same client with includes read as JSON in one statement (for reference: the
        # measurement behind find_many's choice of batched includes)
        jdb = db._child(db._executor, None)
        jdb._cache, jdb._batch_includes, jdb._tx = {}, False, None
        nexo, raw, alchemy, rawdict, json_inc = Nexo(db), Raw(db._pool), Alchemy(url), RawDict(db._pool), Nexo(jdb)
        json_inc.name = "nexo, JSON include"
        # sanity: all see the same data
        a, b, c = await nexo.include(0), await raw.include(0), await json_inc.include(0)
        assert [x.id for x in a] == [x[0][0] for x in b] and [len(x.books) for x in a] == [len(x[1]) for x in b] == [
            BOOKS_EACH
        ] * 10
        assert [x.model_dump() for x in a] == [x.model_dump() for x in c]
        if profile:
            prof = cProfile.Profile()
            fn = getattr(nexo, profile)
            prof.enable()
            for i in range(n):
                await fn(i)
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(30)
        print(f"load average (1/5/15 min) before: {loadavg()}; {rounds} rounds, contenders interleaved call by call")
        samples: dict[tuple[str, str], list[float]] = {}
        per_round: dict[tuple[str, str], list[float]] = {}
        loads = [loadavg()]
        for r in range(rounds):
            for op in OPS:
                contenders = [nexo, raw, alchemy, rawdict] + ([json_inc] if op == "include" else [])
                count = max(20, int(n * N_PER_OP[op]))
                got = await interleaved([getattr(c, op) for c in contenders], count)
                for c, t in zip(contenders, got, strict=True):
                    samples.setdefault((op, c.name), []).extend(t)
                    per_round.setdefault((op, c.name), []).append(rate(t))
            loads.append(loadavg())
            print(f"  round {r + 1}: load average {loads[-1]}", flush=True)
        best = {k: rate(v) for k, v in samples.items()}
        await alchemy.engine.dispose()
        await db.disconnect()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(
        f"{'operation':<13}{'nexo ops/s':>12}{'raw ops/s':>11}{'SQLAlchemy':>12}{'raw/nexo':>10}{'per round':>17}{'nexo/SA':>9}  goal  {'dict rows':>10}{'dict/nexo':>10}"
    )
    failed = 0
    for op in OPS:
        nx, rw, sa = best[(op, "nexo client")], best[(op, "raw psycopg")], best[(op, "SQLAlchemy ORM")]
        dr = best[(op, "raw psycopg, dict rows")]
        slower = rw / nx
        faster = nx / sa
        rounds_ratio = [
            x / y for x, y in zip(per_round[(op, "raw psycopg")], per_round[(op, "nexo client")], strict=True)
        ]
        spread = f"{min(rounds_ratio):.2f}-{max(rounds_ratio):.2f}x"
        ok = slower <= GOAL_RAW and faster > GOAL_SA
        failed += not ok
        print(
            f"{op:<13}{nx:>12.0f}{rw:>11.0f}{sa:>12.0f}{slower:>9.2f}x{spread:>17}{faster:>8.2f}x  {'ok  ' if ok else 'MISS'}"
            f"  {dr:>10.0f}{dr / nx:>9.2f}x"
        )
    js = best[("include", "nexo, JSON include")]
    print(
        f"\ninclude as JSON in one statement (reference): {js:.0f} ops/s, raw/JSON {best[('include', 'raw psycopg')] / js:.2f}x"
        f" (batched: {best[('include', 'nexo client')]:.0f} ops/s)"
    )
    print(f"load average (1/5/15 min) before and after each round: {', '.join(loads)}")
    print("\nraw/nexo: how many times faster hand-written SQL on raw psycopg (tuple rows) was (goal <= 1.30), over all")
    print("rounds (median call time), and the lowest and highest of the rounds taken one by one;")
    print("nexo/SA: how many times faster the client was than SQLAlchemy's async ORM (goal > 1.00);")
    print("dict rows / dict/nexo: the same raw SQL returning dicts, for reference (no goal).")
    return 1 if failed else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=400, help="operations per contender and round (scaled per operation)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--database-url", default=None, help="superuser URL of a server to create the bench database on")
    ap.add_argument("--profile", choices=OPS, default=None, help="print a cProfile of the client for one operation")
    args = ap.parse_args()
    return with_fresh_database(args.database_url, lambda url: asyncio.run(run(url, args.n, args.rounds, args.profile)))


def with_fresh_database(database_url: str | None, fn: Callable[[str], int]) -> int:
    """``fn(url)`` on a fresh bench database (on the given server, else an embedded one), dropped afterwards."""
    admin, stop = server_url(database_url)
    try:
        url, drop = fresh_database(admin)
        try:
            return fn(url)
        finally:
            drop()
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
