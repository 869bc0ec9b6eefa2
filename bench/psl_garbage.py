"""Benchmark: the schema reader on garbage stays linear (issue 16: ≤ 1 s per MB, any input).

Generates inputs of 250 KB, 500 KB, 1 MB and 2 MB of three kinds:

- ``bytes``: random bytes decoded as UTF-8 with ``errors="replace"`` (what ``nexo validate`` reads
  from a file that is not a schema),
- ``lines``: random lines of printable ASCII,
- ``words``: lines made of schema words (``model``, ``@id``, ``@relation(...)``, braces, types), which
  get further into the parser and the validator than noise does,

then, in the same run, times for each

- nexo: :func:`nexo.psl.validate_source` plus the rendered report (what ``nexo validate`` prints),
- the baseline: splitting the same text into lines and tokens with one regular expression (a linear
  pass that does nothing else),

and prints seconds, seconds per MB, the ratio nexo / baseline, and how the time per MB grows from the
smallest to the largest input (1.0 is perfectly linear; a quadratic reader doubles it at each size).

    python bench/psl_garbage.py [--repeat 3] [--sizes 250000,500000,1000000,2000000] [--kinds bytes,lines,words]
"""

from __future__ import annotations

import argparse
import random
import re
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nexo import _compiled  # noqa: E402
from nexo.psl import validate_source  # noqa: E402

_TOKENS = re.compile(r"\w+|[^\w\s]")
_WORDS = (
    "model", "enum", "type", "view", "datasource", "generator", "{", "}", "{", "}", "id", "name", "User", "Post",
    "Int", "String", "DateTime", "Json", "?", "[]", "@id", "@unique", "@default(autoincrement())", "@default(now())",
    "@map(\"x\")", "@db.VarChar(20)", "@relation(fields: [a], references: [id])", "@@index([a, b])", "@@id([a])",
    "=", "env(\"URL\")", "\"text\"", "//", "///", "(", ")", "[", "]", ",",
)  # fmt: skip


def garbage(kind: str, size: int, seed: int) -> tuple[str, int]:
    """The text, and the size in bytes of the file it would be read from."""
    rnd = random.Random(seed)
    if kind == "bytes":
        return rnd.randbytes(size).decode("utf-8", errors="replace"), size
    out: list[str] = []
    total = 0
    while total < size:
        if kind == "lines":
            line = "".join(rnd.choices(string.printable[:-5], k=rnd.randint(0, 100)))
        else:
            line = " ".join(rnd.choices(_WORDS, k=rnd.randint(1, 8)))
            line = ("  " if rnd.random() < 0.7 else "") + line
        out.append(line)
        total += len(line) + 1
    text = "\n".join(out)
    return text, len(text.encode("utf-8"))


def best(fn: Callable[[str], object], text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(text)
        times.append(time.perf_counter() - start)
    return min(times)


def nexo_report(text: str) -> int:
    result = validate_source(text, "garbage.prisma")
    result.render()
    return len(result.diagnostics)


def baseline(text: str) -> int:
    return len(text.split("\n")) + len(_TOKENS.findall(text))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", default="250000,500000,1000000,2000000")
    ap.add_argument("--kinds", default="bytes,lines,words")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"nexo.psl: {_compiled.STATE}; best of {args.repeat}")
    print(f"{'input':>6} {'size':>9} {'diags':>7} {'nexo s':>8} {'s/MB':>6} {'base s':>8} {'nexo/base':>9}")
    worst = 0.0
    for kind in args.kinds.split(","):
        per_mb: list[float] = []
        for size in sizes:
            text, file_size = garbage(kind, size, seed=size)
            mb = file_size / 1e6
            diags = nexo_report(text)
            t_nexo = best(nexo_report, text, args.repeat)
            t_base = best(baseline, text, args.repeat)
            per_mb.append(t_nexo / mb)
            worst = max(worst, t_nexo / mb)
            print(
                f"{kind:>6} {mb:8.2f}M {diags:7d} {t_nexo:8.3f} {t_nexo / mb:6.2f} {t_base:8.3f} {t_nexo / t_base:9.1f}"
            )
        print(f"{kind:>6} growth of s/MB from {sizes[0]} to {sizes[-1]} bytes: {per_mb[-1] / per_mb[0]:.2f}x")
    print(f"worst: {worst:.2f} s/MB (goal ≤ 1 s/MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
