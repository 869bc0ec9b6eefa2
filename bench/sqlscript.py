"""Benchmark: the SQL script scanner (``nexo/db/sqlscript.py``) on large ``sql/`` files.

Builds a SQL-layer file of N statements (a realistic mix: tables, inserts with quoted text and E''
strings, comments, dollar-quoted function bodies, a ``BEGIN ATOMIC`` routine, a rule with a semicolon
in parentheses; about 28 bytes per statement, so 180k statements is about 5 MB) and times, per size:

- ``split``       ``split_statements(text)``: the Prisma migration runner's split
- ``sqllayer``    the file as the SQL-layer runner prepares it: ``discover`` (read, checksum, directives),
                  placeholders, ``nexo.sqllayer.script.statements`` (psql's rules), then the checks made
                  before a file runs (``check_supported``, ``check_transaction_safety``)
- ``baseline``    ``text.split(";")`` on the same text: the floor any scanner is compared against

and prints each time with its ratio to the baseline of the same size, and how the time grows from
the smallest size (linear: the time ratio follows the size ratio). Goal (issue 16): 180k statements
in at most 3 s. Exit status 1 when the goal is missed.

    python bench/sqlscript.py [--sizes 20000,40000,80000,180000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from nexo.db.sqlscript import split_statements
from nexo.sqllayer import discover
from nexo.sqllayer.placeholders import with_placeholders
from nexo.sqllayer.script import check_supported, check_transaction_safety, statements

GOAL_SECONDS = 3.0
GOAL_SIZE = 180_000

# one block of 20 statements, repeated ({i} keeps them distinct): mostly short data statements, as in a
# large seed or data-fix file, plus one of each construct that can hide a semicolon
BLOCK = (
    "-- block {i}\n"
    "INSERT INTO t VALUES ({i});\n"
    "INSERT INTO t VALUES (1,'a;b');\n"
    "UPDATE t SET n = {i};\n"
    "DELETE FROM t WHERE n=1;\n"
    "SELECT E'it\\'s;' AS x;\n"
    "/* a ; /* b */ */ SELECT 2;\n"
    'SELECT "a;b" FROM t;\n'
    "INSERT INTO t VALUES (2);\n"
    "INSERT INTO t VALUES (3);\n"
    "INSERT INTO t VALUES (4);\n"
    "INSERT INTO t VALUES (5);\n"
    "INSERT INTO t VALUES (6);\n"
    "INSERT INTO t VALUES (7);\n"
    "INSERT INTO t VALUES (8);\n"
    "INSERT INTO t VALUES (9);\n"
    "INSERT INTO t VALUES (0);\n"
    "CREATE FUNCTION f{i}() RETURNS int AS $fn$ SELECT 1; $fn$ LANGUAGE sql;\n"
    "CREATE FUNCTION g{i}() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n"
    "CREATE RULE r{i} AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b);\n"
    "DROP TABLE t{i};\n"
)
PER_BLOCK = 20


def script(n: int) -> str:
    return "".join(BLOCK.format(i=i) for i in range(n // PER_BLOCK))


def timed(fn: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``fn`` (CPU time: less affected by other work on the machine)."""
    wall, cpu = [], []
    for _ in range(rounds):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(wall), statistics.median(cpu)


def sqllayer_path(sql_dir: Path) -> int:
    """What the runner does with a ``sql/`` folder before it runs a file: read, placeholders, split, checks."""
    (f,) = with_placeholders(discover(sql_dir), {"app_role": "app"})
    stmts = statements(f.text)
    check_supported(f, stmts)
    check_transaction_safety(f, stmts)
    return len(stmts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20000,40000,80000,180000")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("seconds are wall / CPU (median of rounds); x base: CPU time over the baseline's CPU time")
    head = f"{'statements':>10} {'MB':>6} {'baseline':>15} {'split':>13} {'x base':>7} {'sqllayer':>13} {'x base':>7}"
    print(head)
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="nexo-bench-sqlscript-"))
    try:
        for n in sizes:
            text = script(n)
            sql_dir = tmp / str(n)
            sql_dir.mkdir()
            (sql_dir / "20260101_0000_big.sql").write_text(text, "utf-8")
            # the same statements either way: BEGIN ATOMIC and the rule are cut at each ';' without psql's rules
            assert len(split_statements(text)) == n + n // PER_BLOCK * 3
            assert sqllayer_path(sql_dir) == n
            base = timed(partial(text.split, ";"), args.rounds)
            split = timed(partial(split_statements, text), args.rounds)
            layer = timed(partial(sqllayer_path, sql_dir), args.rounds)
            rows.append((n, split[1], layer[1]))
            mb = len(text.encode()) / 1e6
            print(
                f"{n:>10} {mb:>6.2f} {base[0]:>7.4f}/{base[1]:<7.4f} {split[0]:>6.3f}/{split[1]:<6.3f} "
                f"{split[1] / base[1]:>7.0f} {layer[0]:>6.3f}/{layer[1]:<6.3f} {layer[1] / base[1]:>7.0f}"
            )
    finally:
        shutil.rmtree(tmp)
    n0, split0, layer0 = rows[0]
    print("growth of CPU time against the smallest size (linear: time ratio = size ratio):")
    for n, split_cpu, layer_cpu in rows[1:]:
        print(f"  {n / n0:>5.1f}x statements: split {split_cpu / split0:>5.2f}x, sqllayer {layer_cpu / layer0:>5.2f}x")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    # judged on CPU time: on a machine busy with other work, wall-clock time measures the other work too
    worst = max((max(split_cpu, layer_cpu) for n, split_cpu, layer_cpu in rows if n >= GOAL_SIZE), default=None)
    if worst is not None:
        ok = worst <= GOAL_SECONDS
        print(f"goal: {GOAL_SIZE} statements in <= {GOAL_SECONDS} s CPU: {'met' if ok else 'MISSED'} ({worst:.2f} s)")
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
