"""Compatibility with the real Prisma CLI 6.19 on every corpus schema:

- ``prisma validate`` and nexo take the same accept/reject decision;
- for rejected schemas they report the same (line, message) pairs, and the recorded ``.expected``
  reports still say what the CLI says;
- nexo marks exactly the text Prisma marks (the spans of Prisma's own diagnostics, from the schema
  WebAssembly module of the same CLI, see ``prisma_lint.py``);
- for accepted schemas, ``prisma format`` and ``nexo format`` produce the same text, byte for byte.

Skipped, with the reason, where Node.js is missing (see ``tests/oracle.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus_util import INVALID, VALID, case_id, read_expected, sources
from oracle import PrismaOracle
from oracle_fixtures import prisma_oracle  # noqa: F401  (fixture)
from prisma_lint import LintDiagnostic, lint_many

from nexo.psl import validate_sources
from nexo.psl.format import format_sources

CASES = VALID + INVALID
_ERROR = re.compile(r"(?ms)^error: (.*?)\n  -->  .*?:(\d+)\n")


def cli_diagnostics(output: str) -> list[tuple[int, str]]:
    """(line, message) pairs from a ``prisma validate`` report."""
    return sorted((int(m.group(2)), m.group(1)) for m in _ERROR.finditer(output))


def _id(case: Path) -> str:
    return f"{case.parent.name}/{case_id(case)}"


@pytest.fixture(scope="module")
def cli_results(prisma_oracle: PrismaOracle) -> dict[Path, tuple[int, str]]:  # noqa: F811
    results = prisma_oracle.validate_many(CASES)
    return {p: (r.returncode, r.output) for p, r in zip(CASES, results)}


@pytest.fixture(scope="module")
def lint_results(prisma_oracle: PrismaOracle) -> dict[Path, list[LintDiagnostic]]:  # noqa: F811
    found = lint_many(prisma_oracle, [sources(case) for case in CASES])
    return dict(zip(CASES, found))


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_same_decision_and_messages(case: Path, cli_results: dict[Path, tuple[int, str]]) -> None:
    code, output = cli_results[case]
    ours = validate_sources(sources(case))
    assert ours.ok == (code == 0), f"nexo ok={ours.ok}, prisma exit={code}\n{output}\n---\n{ours.render()}"
    if code != 0:
        assert "P1012" in output
        got = sorted((d.line, d.message) for d in ours.diagnostics)
        assert got == cli_diagnostics(output)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_same_spans_as_prisma(
    case: Path, lint_results: dict[Path, list[LintDiagnostic]], cli_results: dict[Path, tuple[int, str]]
) -> None:
    """Every error Prisma's validator reports has nexo's twin with the same file, span and message."""
    theirs = sorted((d.file, d.start, d.end, d.message) for d in lint_results[case] if not d.warning)
    ours = validate_sources(sources(case))
    mine = sorted((d.file, d.span.start, d.span.end, d.message) for d in ours.diagnostics)
    missing = [t for t in theirs if t not in mine]
    assert missing == [], f"nexo lacks {missing}\nnexo has {mine}"
    # what the WebAssembly validator does not report comes from the CLI's configuration checks
    cli = cli_diagnostics(cli_results[case][1])
    for d in ours.diagnostics:
        if (d.file, d.span.start, d.span.end, d.message) not in theirs:
            assert (d.line, d.message) in cli, d


def test_cli_agrees_with_recorded_expectations(cli_results: dict[Path, tuple[int, str]]) -> None:
    """The ``.expected`` reports describe what this CLI says (lines and messages)."""
    for case in INVALID:
        assert cli_diagnostics(cli_results[case][1]) == read_expected(case), case


@pytest.mark.parametrize("case", VALID, ids=_id)
def test_format_matches_prisma(case: Path, prisma_oracle: PrismaOracle) -> None:  # noqa: F811
    """``nexo format`` of every valid corpus schema is byte for byte ``prisma format``'s."""
    outcome = prisma_oracle.format_path(case)
    assert outcome.ok, outcome.result.output
    files = sources(case)
    ours = format_sources(dict(files))
    if case.is_dir():
        prefix = case.name + "/"
        assert {name[len(prefix) :]: text for name, text in ours.items()} == outcome.files
    else:
        assert ours[files[0][0]] == outcome.formatted
