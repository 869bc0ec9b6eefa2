"""Benchmark: parse + validate + relational model of a generated 300-model schema, nexo vs ``prisma validate``.

Generates a realistic schema (relations of every kind, enums, indexes, ``@map``/``@@map``, native
types, defaults), then in the same run:

- times nexo's parse + validate + relational model (best of ``--repeat``), and
- times the real Prisma CLI 6.19 (``prisma validate --schema F``, best of ``--prisma-repeat``) on the
  same file, installed and run the way the compatibility tests do (``tests/oracle.py``),

and prints both and the ratio. Goals from issue 3: nexo at least 10x faster than the Prisma CLI and
under 0.3 s for 300 models. Exit status 1 when the CLI rejects the schema (the comparison would be
meaningless) or when nexo disagrees with it.

    python bench/psl.py [--models 300] [--repeat 7] [--prisma-repeat 3] [--keep schema.prisma] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # tests/oracle.py: the pinned Prisma CLI

from nexo import _compiled  # noqa: E402
from nexo.psl import validate_source  # noqa: E402
from nexo.psl.parser import parse  # noqa: E402
from nexo.schema import relational_model  # noqa: E402

ENUM_VALUES = ["ACTIVE", "INACTIVE", "PENDING", "ARCHIVED", "DELETED", "DRAFT", "REVIEW", "DONE"]


def generate(models: int, seed: int = 7) -> str:
    """A schema with ``models`` models: every model points at earlier ones, so relations are dense."""
    rnd = random.Random(seed)
    n_enums = max(1, models // 15)
    out = [
        "datasource db {",
        '  provider   = "postgresql"',
        '  url        = env("DATABASE_URL")',
        '  directUrl  = env("DATABASE_URL")',
        '  extensions = [pg_trgm, citext(schema: "public")]',
        "}",
        "",
        "generator client {",
        '  provider        = "prisma-client-js"',
        '  previewFeatures = ["postgresqlExtensions"]',
        "}",
        "",
    ]
    for e in range(n_enums):
        out.append(f"enum Status{e} {{")
        for v in ENUM_VALUES[: 3 + e % 5]:
            out.append(f'  {v} @map("{v.lower()}")' if e % 3 == 0 else f"  {v}")
        if e % 2 == 0:
            out += ["", f'  @@map("status_{e}")']
        out += ["}", ""]
    back: dict[int, list[str]] = {i: [] for i in range(models)}
    bodies: list[list[str]] = []
    for i in range(models):
        name = f"Entity{i}"
        uuid_pk = i % 2 == 0
        f = []
        if uuid_pk:
            f.append('  id          String    @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid')
        else:
            f.append("  id          Int       @id @default(autoincrement())")
        f.append('  createdAt   DateTime  @default(now()) @map("created_at") @db.Timestamptz(6)')
        f.append('  updatedAt   DateTime  @updatedAt @map("updated_at")')
        f.append("  name        String    @db.VarChar(255)")
        f.append(f'  slug        String    @unique(map: "entity{i}_slug_key")')
        f.append("  description String?   @db.Text")
        f.append(f"  status      Status{i % n_enums}   @default({ENUM_VALUES[0]})")
        f.append("  amount      Decimal   @default(0) @db.Decimal(12, 2)")
        f.append("  score       Float?")
        f.append("  counter     BigInt    @default(0)")
        f.append('  meta        Json      @default("{}")')
        f.append("  tags        String[]  @default([])")
        f.append("  active      Boolean   @default(true)")
        f.append("  ip          String?   @db.Inet")
        block = [
            "",
            "  @@index([createdAt(sort: Desc)])",
            "  @@index([meta(ops: JsonbPathOps)], type: Gin)",
            "  @@unique([name, status])",
        ]
        if i % 4 == 0:
            block.append(f'  @@map("entity_{i}")')
        # relations to earlier models
        targets = rnd.sample(range(i), k=min(i, 3)) if i else []
        for k, t in enumerate(targets):
            t_uuid = t % 2 == 0
            fk_type, fk_native = ("String", " @db.Uuid") if t_uuid else ("Int", "")
            col = f"entity{t}Id"
            rel = f"R{i}_{t}_{k}"
            if k == 0:  # required 1:n
                f.append(f'  {col}  {fk_type} @map("entity{t}_id"){fk_native}')
                f.append(
                    f'  parent{k}  Entity{t}  @relation("{rel}", fields: [{col}], references: [id], onDelete: Cascade)'
                )
                back[t].append(f'  children{i}_{k}  Entity{i}[]  @relation("{rel}")')
                block.insert(1, f'  @@index([{col}], map: "entity{i}_parent_idx")')
            elif k == 1:  # optional 1:n with actions
                f.append(f"  {col}  {fk_type}?{fk_native}")
                f.append(
                    f'  link{k}  Entity{t}?  @relation("{rel}", fields: [{col}], references: [id], onDelete: SetNull, onUpdate: Cascade)'
                )
                back[t].append(f'  links{i}_{k}  Entity{i}[]  @relation("{rel}")')
            else:  # implicit many-to-many
                f.append(f'  peers{k}  Entity{t}[]  @relation("{rel}")')
                back[t].append(f'  peersOf{i}_{k}  Entity{i}[]  @relation("{rel}")')
        if i > 0 and i % 10 == 0:  # 1:1 on a unique foreign key
            t = i - 1
            t_uuid = t % 2 == 0
            f.append(f"  ownerId  {'String' if t_uuid else 'Int'}?  @unique {'@db.Uuid' if t_uuid else ''}".rstrip())
            f.append(f'  owner  Entity{t}?  @relation("One{i}", fields: [ownerId], references: [id])')
            back[t].append(f'  owned{i}  Entity{i}?  @relation("One{i}")')
        if i % 7 == 0:  # self relation
            f.append(f"  parentId  {'String' if uuid_pk else 'Int'}? {'@db.Uuid' if uuid_pk else ''}".rstrip())
            f.append(f'  parent  {name}?  @relation("Tree{i}", fields: [parentId], references: [id])')
            f.append(f'  children  {name}[]  @relation("Tree{i}")')
        bodies.append(f + ["%BACK%"] + block)
    for i, body in enumerate(bodies):
        out.append(f"/// Entity number {i}")
        out.append(f"model Entity{i} {{")
        for line in body:
            if line == "%BACK%":
                out.extend(back[i])
            else:
                out.append(line)
        out += ["}", ""]
    return "\n".join(out)


def time_nexo(text: str, repeat: int) -> tuple[float, int, int]:
    """Best wall time of parse + validate + relational model; also the table and error counts."""
    best = float("inf")
    tables = errors = 0
    for _ in range(repeat):
        gc.collect()  # the previous run's objects go before the clock starts, not during the next run
        t0 = time.perf_counter()
        result = validate_source(text, "bench.prisma")
        if result.schema is not None:
            tables = len(relational_model(result.schema).tables)
        elapsed = time.perf_counter() - t0
        errors = len(result.diagnostics)
        del result
        best = min(best, elapsed)
    return best, tables, errors


def time_phases(text: str, repeat: int) -> tuple[float, float, float]:
    """Best times of parsing alone, parse + validate, and the relational model alone."""
    parse_s = validate_s = model_s = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        parse(text, "bench.prisma")
        t1 = time.perf_counter()
        result = validate_source(text, "bench.prisma")
        t2 = time.perf_counter()
        relational_model(result.raise_for_errors())
        t3 = time.perf_counter()
        del result
        parse_s, validate_s, model_s = min(parse_s, t1 - t0), min(validate_s, t2 - t1), min(model_s, t3 - t2)
    return parse_s, validate_s, model_s


def time_prisma(path: Path, repeat: int) -> tuple[float | None, str]:
    """Best wall time of ``prisma validate --schema path`` (None and the reason when the CLI cannot run)."""
    from oracle import OracleUnavailable, PrismaOracle

    oracle = PrismaOracle("postgresql://postgres@localhost/postgres")  # validate never connects
    try:
        oracle.ensure_installed()
    except OracleUnavailable as exc:
        return None, str(exc)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = oracle.validate(path)
        elapsed = time.perf_counter() - t0
        if r.returncode != 0:
            return None, "prisma validate rejected the generated schema:\n" + r.output
        best = min(best, elapsed)
    return best, ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=7, help="nexo runs (best is kept)")
    ap.add_argument("--prisma-repeat", type=int, default=3, help="prisma validate runs (best is kept)")
    ap.add_argument("--keep", type=Path, help="also write the generated schema here")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of one nexo run")
    args = ap.parse_args(argv)

    text = generate(args.models)
    if args.keep:
        args.keep.write_text(text)
    with tempfile.TemporaryDirectory(prefix="nexo-bench-psl-") as tmp:
        path = Path(tmp) / "schema.prisma"
        path.write_text(text)
        nexo_s, tables, errors = time_nexo(text, args.repeat)
        lines = text.count("\n")
        print(
            f"schema: {args.models} models, {lines} lines, {len(text) // 1024} KiB; relational model: {tables} tables"
        )
        if errors:
            print(f"nexo reported {errors} errors on the generated schema:")
            print(validate_source(text, "bench.prisma").render())
            return 1
        print(f"nexo   parse + validate + relational model: {nexo_s * 1000:8.1f} ms (best of {args.repeat})")
        p_s, v_s, m_s = time_phases(text, max(3, args.repeat // 2))
        print(
            f"       (phases, best of each: parse {p_s * 1000:.0f} ms, parse + validate {v_s * 1000:.0f} ms, "
            f"relational model {m_s * 1000:.0f} ms)"
        )
        prisma_s, why = time_prisma(path, args.prisma_repeat)
        if prisma_s is None:
            print(f"prisma validate: not measured ({why})")
            return 1 if "rejected" in why else 0
        print(f"prisma validate (CLI 6.19):               {prisma_s * 1000:8.1f} ms (best of {args.prisma_repeat})")
        ratio = prisma_s / nexo_s
        print(
            f"ratio: nexo is {ratio:.1f}x faster than the Prisma CLI "
            f"(goal >= 10x: {'met' if ratio >= 10 else 'MISSED'}; "
            f"goal < 0.3 s: {'met' if nexo_s < 0.3 else 'MISSED'})"
        )
    if hasattr(os, "getloadavg"):
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (both timings share it)")
    hint = " (NEXO_PURE_PYTHON=1 times the Python sources)" if _compiled.STATE == "compiled" else ""
    print(f"nexo build: {_compiled.STATE}{hint}")
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        r = validate_source(text, "bench.prisma")
        relational_model(r.raise_for_errors())
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
