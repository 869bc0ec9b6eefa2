"""The real Prisma 7 CLI as a test oracle (issue 17).

Prisma 7 reads its connection URL from ``prisma.config.ts``; ``prisma validate`` and ``prisma format`` run
offline on the CLI's WebAssembly build when ``PRISMA_SCHEMA_ENGINE_BINARY`` and ``PRISMA_QUERY_ENGINE_LIBRARY``
point at an empty file, ``CHECKPOINT_DISABLE=1`` is set, and a ``prisma.config.ts`` (``schema`` and
``datasource: { url: env("DATABASE_URL") }``) lies beside the schema with ``node_modules`` resolving
``prisma/config``. The CLI is expected in ``~/.cache/nexo/prisma7/node_modules`` (``npm install prisma@7``
there, or ``$NEXO_PRISMA7_CACHE``); each call takes seconds, so results are kept in ``<cache>/results/``
under a hash of the CLI version and the input. ``prisma migrate diff`` needs 7's native schema engine and
cannot run here: 6.19 stays the oracle for migration SQL.

:func:`lint7` runs the ``lint`` export of the same CLI's schema WebAssembly module (one Node process for
many schemas) for Prisma 7's exact diagnostic spans.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

CONFIG_TS = """\
import { defineConfig, env } from "prisma/config";
export default defineConfig({ schema: "schema.prisma", datasource: { url: env("DATABASE_URL") } });
"""
LINT_SCRIPT = Path(__file__).resolve().parent / "psl" / "prisma_lint.js"


def cache_dir() -> Path:
    env = os.environ.get("NEXO_PRISMA7_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "nexo" / "prisma7"


def cli_version() -> str | None:
    pj = cache_dir() / "node_modules" / "prisma" / "package.json"
    try:
        return str(json.loads(pj.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def unavailable() -> str | None:
    """Why the Prisma 7 oracle cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    version = cli_version()
    if version is None or not version.startswith("7."):
        return f"no Prisma 7 CLI in {cache_dir()}/node_modules (npm install prisma@7 there)"
    return None


@dataclass(frozen=True)
class Result7:
    returncode: int
    output: str
    formatted: str | None


def _run(kind: str, text: str) -> Result7:
    root = cache_dir()
    key = hashlib.sha256(f"{kind}\0{cli_version()}\0{text}".encode()).hexdigest()
    cached = root / "results" / f"{kind}-{key}.json"
    if cached.is_file():
        data = json.loads(cached.read_text(encoding="utf-8"))
        return Result7(data["returncode"], data["output"], data["formatted"])
    with tempfile.TemporaryDirectory(prefix="nexo-prisma7-") as tmp:
        folder = Path(tmp)
        (folder / "node_modules").symlink_to(root / "node_modules")
        (folder / "prisma.config.ts").write_text(CONFIG_TS)
        (folder / "schema.prisma").write_bytes(text.encode("utf-8"))
        engine = folder / "empty-engine"
        engine.write_bytes(b"")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PRISMA_", "DATABASE_URL"))}
        env.update(
            PRISMA_SCHEMA_ENGINE_BINARY=str(engine),
            PRISMA_QUERY_ENGINE_LIBRARY=str(engine),
            CHECKPOINT_DISABLE="1",
            PRISMA_HIDE_UPDATE_MESSAGE="1",
            NO_COLOR="1",
            FORCE_COLOR="0",
            DATABASE_URL="postgresql://u@localhost/db",
        )
        proc = subprocess.run(
            [str(root / "node_modules" / ".bin" / "prisma"), kind],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        formatted = (folder / "schema.prisma").read_bytes().decode("utf-8") if kind == "format" else None
    result = Result7(proc.returncode, proc.stdout + proc.stderr, formatted)
    if proc.returncode in (0, 1):
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp_file = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp_file.write_text(json.dumps(result.__dict__), encoding="utf-8")
        tmp_file.replace(cached)
    return result


def format7(text: str) -> Result7:
    """``prisma format`` (7.x) on ``text``: exit code, output (diagnostics when invalid) and the file after."""
    return _run("format", text)


def validate7(text: str) -> Result7:
    """``prisma validate`` (7.x) on ``text``."""
    return _run("validate", text)


def many(fn, texts: list[str], workers: int = 2) -> list[Result7]:  # type: ignore[no-untyped-def]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, texts))


def lint7(schemas: list[list[tuple[str, str]]]) -> list[list[tuple[str, int, int, str, bool]]]:
    """Prisma 7's diagnostics ``(file, start, end, message, is_warning)`` (character offsets) per schema."""
    wasm = cache_dir() / "node_modules" / "prisma" / "build" / "prisma_schema_build_bg.wasm"
    payload = [files[0][1] if len(files) == 1 else [[n, t] for n, t in files] for files in schemas]
    proc = subprocess.run(
        ["node", str(LINT_SCRIPT), str(wasm)], input=json.dumps(payload), capture_output=True, text=True, timeout=600
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    out = []
    for files, found in zip(schemas, json.loads(proc.stdout)):
        texts = dict(files)
        single = files[0][0] if len(files) == 1 else None
        rows = []
        for d in found:
            name = single or d["file_name"]
            data = texts[name].encode("utf-8")
            start = len(data[: d["start"]].decode("utf-8", "ignore"))
            end = len(data[: d["end"]].decode("utf-8", "ignore"))
            rows.append((name, start, end, d["text"], bool(d["is_warning"])))
        out.append(rows)
    return out
