"""Prisma's own diagnostics with their exact spans, from the schema WebAssembly module of the pinned CLI.

``prisma validate`` prints only the line of each error. The same ``prisma-schema`` WebAssembly module
the CLI runs also exports ``lint`` (used by Prisma's language server), which returns every error with
the byte span Prisma marks. ``prisma_lint.js`` loads that module from the oracle's cache folder; this
wrapper turns the byte spans into nexo's character offsets, so the compatibility tests can require
that nexo underlines exactly the text Prisma points at.

``lint`` runs the schema validation only: the CLI's extra configuration checks (``get-config``:
environment variables of ``url``/``directUrl``, an empty ``directUrl``) are not part of it.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from oracle import PrismaOracle

SCRIPT = Path(__file__).with_name("prisma_lint.js")


@dataclass(frozen=True, order=True)
class LintDiagnostic:
    """One diagnostic of Prisma's ``lint``: file, character offsets [start, end), message."""

    file: str
    start: int
    end: int
    message: str
    warning: bool = False


def wasm_path(oracle: PrismaOracle) -> Path:
    return oracle.cache_dir / "node_modules" / "prisma" / "build" / "prisma_schema_build_bg.wasm"


def _char_offset(text: str, byte_offset: int) -> int:
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "ignore"))


def lint_many(oracle: PrismaOracle, schemas: Sequence[Sequence[tuple[str, str]]]) -> list[list[LintDiagnostic]]:
    """Prisma's diagnostics for each schema, given as its files ``(name, text)`` in declaration order."""
    oracle.ensure_installed()
    payload = [files[0][1] if len(files) == 1 else [[name, text] for name, text in files] for files in schemas]
    proc = subprocess.run(
        ["node", str(SCRIPT), str(wasm_path(oracle))],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"prisma_lint.js failed (exit {proc.returncode}):\n{proc.stderr}")
    out: list[list[LintDiagnostic]] = []
    for files, found in zip(schemas, json.loads(proc.stdout)):
        texts = dict(files)
        single = files[0][0] if len(files) == 1 else None
        diags = []
        for d in found:
            name = single if single is not None else d["file_name"]
            text = texts[name]
            diags.append(
                LintDiagnostic(
                    name, _char_offset(text, d["start"]), _char_offset(text, d["end"]), d["text"], bool(d["is_warning"])
                )
            )
        out.append(sorted(diags))
    return out
