"""Compatibility with the real Prisma CLI 6.19: on every corpus schema, ``prisma validate`` and nexo take
the same accept/reject decision, and for rejected schemas report the same (line, message) pairs.

Skipped, with the reason, where Node.js is missing (see ``tests/oracle.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus_util import INVALID, VALID
from oracle import PrismaOracle
from oracle_fixtures import prisma_oracle  # noqa: F401  (fixture)

from nexo.psl import validate_path

CASES = VALID + INVALID
_ERROR = re.compile(r"(?ms)^error: (.*?)\n  -->  .*?:(\d+)\n")


def cli_diagnostics(output: str) -> list[tuple[int, str]]:
    """(line, message) pairs from a ``prisma validate`` report."""
    return sorted((int(m.group(2)), m.group(1)) for m in _ERROR.finditer(output))


@pytest.fixture(scope="module")
def cli_results(prisma_oracle: PrismaOracle) -> dict[Path, tuple[int, str]]:  # noqa: F811
    results = prisma_oracle.validate_many(CASES)
    return {p: (r.returncode, r.output) for p, r in zip(CASES, results)}


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem if p.suffix else p.name}")
def test_same_decision_and_messages(path: Path, cli_results: dict[Path, tuple[int, str]]) -> None:
    code, output = cli_results[path]
    ours = validate_path(path)
    assert ours.ok == (code == 0), f"nexo ok={ours.ok}, prisma exit={code}\n{output}\n---\n{ours.render()}"
    if code != 0:
        assert "P1012" in output
        got = sorted((d.line, d.message) for d in ours.diagnostics)
        assert got == cli_diagnostics(output)


def test_cli_agrees_with_recorded_expectations(cli_results: dict[Path, tuple[int, str]]) -> None:
    """The ``.expected`` files were recorded from this CLI; they still describe what it says."""
    from corpus_util import read_expected

    for path in INVALID:
        assert cli_diagnostics(cli_results[path][1]) == sorted(read_expected(path.with_suffix(".expected"))), path
