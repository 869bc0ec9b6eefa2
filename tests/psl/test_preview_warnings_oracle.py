"""Prisma's schema warnings for former preview features (issue 17): every name Prisma 6.19 and 7.10.1 accept in
``previewFeatures``, through each version's ``lint`` (its schema WebAssembly module): nexo warns with the same
message on the same span (deprecated, renamed ``fullTextSearch``, silent ``reactNative``); and the CLIs print them
under "Prisma schema warning(s):" exactly as ``nexo validate`` does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import oracle7
import prisma_lint
from oracle import PrismaOracle
from oracle_fixtures import prisma_oracle  # noqa: F401

from nexo.psl import validate_sources
from nexo.psl.validate.config import (
    ACTIVE_PREVIEW_FEATURES,
    ACTIVE_PREVIEW_FEATURES_7,
    RETIRED_PREVIEW_FEATURES,
    RETIRED_PREVIEW_FEATURES_7,
)

pytestmark = [pytest.mark.oracle]
NEXO = str(Path(sys.executable).parent / "nexo")
HEAD = 'generator client {\n  provider = "prisma-client-js"\n  previewFeatures = [%s]\n}\n\n'
DS6 = 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n\nmodel A {\n  id Int @id\n}\n'
DS7 = 'datasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id\n}\n'
NAMES6 = sorted(RETIRED_PREVIEW_FEATURES | set(ACTIVE_PREVIEW_FEATURES))
NAMES7 = sorted(RETIRED_PREVIEW_FEATURES_7 | set(ACTIVE_PREVIEW_FEATURES_7))


def schema(names: list[str], dialect: str) -> str:
    return HEAD % ", ".join(f'"{n}"' for n in names) + (DS7 if dialect == "7" else DS6)


def ours(text: str, dialect: str) -> list[tuple[int, int, str]]:
    result = validate_sources([("schema.prisma", text)], dialect)
    assert result.ok
    return [(w.span.start, w.span.end, w.message) for w in result.warnings]


def test_prisma7_warnings() -> None:
    why = oracle7.unavailable()
    if why:
        pytest.skip(why)
    texts = [schema([n], "7") for n in NAMES7] + [schema(NAMES7, "7")]
    for text, found in zip(texts, oracle7.lint7([[("schema.prisma", t)] for t in texts])):
        theirs = [(s, e, m) for _, s, e, m, warning in found if warning]
        assert [d for d in found if not d[4]] == []
        assert ours(text, "7") == theirs, text


def test_prisma6_warnings(prisma_oracle: PrismaOracle) -> None:  # noqa: F811
    texts = [schema([n], "6") for n in NAMES6] + [schema(NAMES6, "6")]
    for text, found in zip(texts, prisma_lint.lint_many(prisma_oracle, [[("schema.prisma", t)] for t in texts])):
        theirs = [(d.start, d.end, d.message) for d in found if d.warning]
        # 6.19's lint names the fullTextSearch rename first, its CLI prints the list's order (as nexo does;
        # tests/psl/test_warnings.py compares the printed text): the same warnings, in either order
        assert sorted(ours(text, "6")) == sorted(theirs), text


@pytest.mark.parametrize("names", [["driverAdapters"], ["driverAdapters", "fullTextSearch", "reactNative"]])
def test_cli_prints_warnings_like_prisma7(names: list[str], tmp_path: Path) -> None:
    why = oracle7.unavailable()
    if why:
        pytest.skip(why)
    text = schema(names, "7")
    r = oracle7.validate7(text)
    assert r.returncode == 0
    block = r.output[r.output.index("Prisma schema warning") :]
    (tmp_path / "schema.prisma").write_text(text)
    (tmp_path / "pyproject.toml").write_text('[tool.nexo]\nprisma = "7"\n')
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    mine = subprocess.run([NEXO, "validate"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert mine.returncode == 0, mine.stderr
    assert mine.stderr == block
