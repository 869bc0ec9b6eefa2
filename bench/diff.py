"""Benchmark: nexo's migration diff vs the real ``prisma migrate diff`` on a 200-model schema.

For a generated schema (200 models, enums, relations, indexes, an implicit many-to-many) and a set of
edits, each edit is diffed by

* nexo: read both files, parse, validate, build the relational models, diff, render the script
  (the whole of ``nexo db:migrate:diff --from-schema-datamodel A --to-schema-datamodel B --script``
  minus process start-up), median of several runs;
* nexo CLI: the same as a user runs it, ``nexo db:migrate:diff ... --script`` in its own process
  (Python start-up and imports included), median of three runs;
* Prisma: one ``prisma migrate diff --from-schema-datamodel A --to-schema-datamodel B --script`` run
  (the CLI's own process, as a user runs it), through the same Node set-up as the tests' oracle.

Two ratios print: Prisma's CLI against nexo's work in process (what a service calling the Python API
pays) and against nexo's CLI (process against process). Two more times show where a new process's
time goes: ``python -c pass`` (the interpreter's start-up) and the same diff through the Python API in
a new process (start-up, nexo's imports and the work, without the CLI framework).

Both run in this process, on the same files; the script prints both times, the ratio and whether the
two scripts are identical. Needs Node.js for the Prisma side (without it, only nexo's times print).

    python bench/diff.py [--models 200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the Prisma oracle helper

from nexo import _compiled  # noqa: E402
from nexo.migrate.differ import diff  # noqa: E402
from nexo.psl import validate_path  # noqa: E402
from nexo.schema import relational_model  # noqa: E402

HEADER = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'
TYPES = ["String", "Int", "BigInt", "Float", "Boolean", "DateTime", "Json", "Decimal"]


def generate(models: int, seed: int = 7) -> dict:
    """A schema description: enums, models with scalar fields, foreign keys to earlier models, indexes."""
    rnd = random.Random(seed)
    enums = [{"name": f"Kind{i}", "values": [f"V{j}" for j in range(rnd.randint(2, 6))]} for i in range(10)]
    spec = []
    for i in range(models):
        fields = []
        for j in range(rnd.randint(4, 10)):
            t = rnd.choice(TYPES + ["enum"])
            fields.append(
                {
                    "name": f"field{j}",
                    "type": rnd.choice(enums)["name"] if t == "enum" else t,
                    "optional": rnd.random() < 0.3,
                    "default": rnd.random() < 0.2,
                }
            )
        refs = rnd.sample(range(i), k=min(i, rnd.randint(0, 2)))
        idx = [f["name"] for f in fields if f["type"] in ("String", "Int", "BigInt")][:2]
        spec.append({"name": f"Model{i:03d}", "fields": fields, "refs": refs, "index": idx, "map": None})
    return {"enums": enums, "models": spec}


def render(s: dict) -> str:
    back: dict[int, list[tuple[int, int]]] = {}
    for i, m in enumerate(s["models"]):
        for k, r in enumerate(m["refs"]):
            back.setdefault(r, []).append((i, k))
    out = [HEADER]
    for e in s["enums"]:
        out.append(f"enum {e['name']} {{\n" + "".join(f"  {v}\n" for v in e["values"]) + "}\n")
    defaults = {
        "String": '"x"',
        "Int": "0",
        "BigInt": "0",
        "Float": "1.5",
        "Boolean": "false",
        "DateTime": "now()",
        "Json": '"{}"',
        "Decimal": "0",
    }
    enum_first = {e["name"]: e["values"][0] for e in s["enums"]}
    for i, m in enumerate(s["models"]):
        lines = [f"model {m['name']} {{", "  id        Int      @id @default(autoincrement())"]
        for f in m["fields"]:
            d = ""
            if f["default"]:
                d = f" @default({defaults.get(f['type'], enum_first.get(f['type'], '0'))})"
            lines.append(f"  {f['name']} {f['type']}{'?' if f['optional'] else ''}{d}")
        for k, r in enumerate(m["refs"]):
            target = s["models"][r]["name"]
            lines.append(f"  ref{k}Id Int")
            lines.append(f'  ref{k} {target} @relation("r{i}_{k}", fields: [ref{k}Id], references: [id])')
        for src, k in back.get(i, []):
            lines.append(f'  back{src}_{k} {s["models"][src]["name"]}[] @relation("r{src}_{k}")')
        if i == 0:
            lines.append("  tags      Model001[]")
        if i == 1:
            lines.append("  tagged    Model000[]")
        if m["index"]:
            lines.append(f"\n  @@index([{', '.join(m['index'])}])")
        if m["map"]:
            lines.append(f'  @@map("{m["map"]}")')
        lines.append("}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def edits(base: dict) -> list[tuple[str, Callable[[dict], None]]]:
    def add_columns(s: dict) -> None:
        for m in s["models"][::20]:
            m["fields"].append({"name": "added", "type": "String", "optional": True, "default": False})

    def change_types(s: dict) -> None:
        for m in s["models"][5::25]:
            for f in m["fields"]:
                if f["type"] == "Int":
                    f["type"] = "BigInt"

    def drop_model(s: dict) -> None:
        victim = len(s["models"]) - 1
        s["models"].pop()
        for m in s["models"]:
            m["refs"] = [r for r in m["refs"] if r != victim]

    def enums(s: dict) -> None:
        s["enums"][0]["values"].append("ADDED")
        s["enums"][1]["values"] = s["enums"][1]["values"][1:]

    def renames(s: dict) -> None:
        for m in s["models"][3::30]:
            m["map"] = m["name"].lower()

    def indexes(s: dict) -> None:
        for m in s["models"][::10]:
            m["index"] = m["index"][:1]

    return [
        ("add 10 columns", add_columns),
        ("change column types", change_types),
        ("drop a model", drop_model),
        ("enum add/remove values", enums),
        ("rename 7 tables (@@map)", renames),
        ("reshape 20 indexes", indexes),
    ]


def nexo_diff(a: Path, b: Path) -> str:
    def model(p: Path):
        result = validate_path(p)
        assert result.schema is not None, result.render()
        return relational_model(result.schema)

    return diff(model(a), model(b)).stdout()


def nexo_cli(a: Path, b: Path) -> str:
    cmd = [
        sys.executable,
        "-c",
        "from nexo.cli import main; main()",
        "db:migrate:diff",
        "--from-schema-datamodel",
        str(a),
        "--to-schema-datamodel",
        str(b),
        "--script",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 2):  # 2: --exit-code style "changes" is not used here, 0 expected
        raise SystemExit(f"nexo CLI failed: {done.stderr[-500:]}")
    return done.stdout


API_SCRIPT = """
import sys
from pathlib import Path
from nexo.migrate.differ import diff
from nexo.psl import validate_path
from nexo.schema import relational_model
def model(p):
    return relational_model(validate_path(Path(p)).schema)
sys.stdout.write(diff(model(sys.argv[1]), model(sys.argv[2])).stdout())
"""


def nexo_api_process(a: Path, b: Path) -> str:
    """The same diff through the Python API in a new process: start-up and imports, no CLI framework."""
    done = subprocess.run(
        [sys.executable, "-c", API_SCRIPT, str(a), str(b)], capture_output=True, text=True, check=True
    )
    return done.stdout


def python_start() -> str:
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return ""


def timed(fn: Callable[[], str], repeat: int) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    import copy

    base = generate(args.models)
    oracle = None
    with tempfile.TemporaryDirectory(prefix="nexo-bench-diff-") as tmp:
        folder = Path(tmp)
        try:
            import pgserver
            from oracle import OracleUnavailable, PrismaOracle

            srv = pgserver.get_server(folder / "pg", cleanup_mode="stop")
            oracle = PrismaOracle(srv.get_uri())
            oracle.ensure_installed()
        except (ImportError, OracleUnavailable) as exc:  # pragma: no cover - depends on the machine
            print(f"Prisma CLI unavailable ({exc}); timing nexo only")
            oracle = None
        a = folder / "base.prisma"
        a.write_text(render(base))
        print(f"schema: {args.models} models, {a.stat().st_size // 1024} KiB; nexo median of {args.repeat} runs")
        print(f"{'edit':28} {'nexo':>9} {'nexo CLI':>9} {'prisma':>9} {'ratio':>7} {'CLI ratio':>9}  same")
        ratios, cli_ratios, api_procs = [], [], []
        for label, edit in edits(base):
            changed = copy.deepcopy(base)
            edit(changed)
            b = folder / f"edit_{len(ratios)}.prisma"
            b.write_text(render(changed))
            t_nexo, out = timed(lambda: nexo_diff(a, b), args.repeat)  # noqa: B023 - called at once
            t_cli, cli_out = timed(lambda: nexo_cli(a, b), 3)  # noqa: B023 - called at once
            t_api_proc, api_out = timed(lambda: nexo_api_process(a, b), 3)  # noqa: B023 - called at once
            api_procs.append(t_api_proc)
            if cli_out != out or api_out != out:
                raise SystemExit(f"{label}: the CLI or a new process printed something else than the API")
            if oracle is None:
                print(f"{label:28} {t_nexo * 1000:7.0f}ms {t_cli * 1000:7.0f}ms")
                ratios.append(0.0)
                continue
            t0 = time.perf_counter()
            res = oracle.migrate_diff(from_schema=a, to_schema=b, script=True)
            t_prisma = time.perf_counter() - t0
            if not res.ok:
                print(f"{label:28} prisma failed: {res.output[:300]}")
                continue
            ratio, cli_ratio = t_prisma / t_nexo, t_prisma / t_cli
            ratios.append(ratio)
            cli_ratios.append(cli_ratio)
            print(
                f"{label:28} {t_nexo * 1000:7.0f}ms {t_cli * 1000:7.0f}ms {t_prisma * 1000:7.0f}ms {ratio:6.1f}x "
                f"{cli_ratio:8.1f}x  {res.stdout == out}"
            )
        if oracle is not None and ratios:
            print(
                f"geometric mean ratio, in process: {statistics.geometric_mean(ratios):.1f}x; "
                f"CLI process against CLI process: {statistics.geometric_mean(cli_ratios):.1f}x "
                "(goal >= 10x, nexo < 1 s per diff)"
            )
        # where a new process's time goes: Python's own start-up, and the same diff through the API in a
        # new process (start-up + nexo's imports + the work, without typer and rich)
        t_start, _ = timed(python_start, 5)
        print(
            f"a new process: `python -c pass` {t_start * 1000:.0f} ms; the API in a new process (no CLI "
            f"framework) {min(api_procs) * 1000:.0f}-{max(api_procs) * 1000:.0f} ms"
        )
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    hint = " (NEXO_PURE_PYTHON=1 times the Python sources)" if _compiled.STATE == "compiled" else ""
    print(f"nexo build: {_compiled.STATE}{hint}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
