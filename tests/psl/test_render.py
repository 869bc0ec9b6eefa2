"""Diagnostics render like ``prisma validate`` prints them (golden outputs of the real CLI), and with
nexo's column + underline additions by default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nexo.psl import Diagnostic, render_diagnostic, validate_source
from nexo.psl.ast import Span

GOLDEN = Path(__file__).resolve().parent / "golden_render"
CASES = sorted(p.stem for p in GOLDEN.glob("*.prisma"))


def _blocks(report: str) -> tuple[list[str], str]:
    """The ``error:`` blocks of a report (paths reduced to file names) and its count line."""
    report = re.sub(r"  -->  \S*?([^/\s]+\.prisma):", r"  -->  \1:", report)
    body = report[report.index("error: ") :]
    count = re.search(r"Validation Error Count: \d+", body)
    assert count is not None
    parts = re.split(r"(?m)^(?=error: )", body[: count.start()])
    return sorted(p.rstrip("\n") for p in parts if p.strip()), count.group(0)


@pytest.mark.parametrize("name", CASES)
def test_prisma_style_report_matches_cli(name: str) -> None:
    text = (GOLDEN / f"{name}.prisma").read_text()
    expected = (GOLDEN / f"{name}.txt").read_text()
    result = validate_source(text, f"{name}.prisma")
    assert result.schema is None
    got = result.render(prisma_style=True)
    assert _blocks(got) == _blocks(expected)


def test_default_style_adds_column_and_underline() -> None:
    text = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel A {\n  id Int @id\n  x  Strng\n}\n'
    result = validate_source(text, "s.prisma")
    out = result.render()
    assert out == (
        'error: Type "Strng" is neither a built-in type, nor refers to another model, composite type, or enum.\n'
        "  -->  s.prisma:8:6\n"
        "   | \n"
        " 7 |   id Int @id\n"
        " 8 |   x  Strng\n"
        "   |      ^^^^^\n"
        "   | \n"
        "Validation Error Count: 1"
    )
    d = result.diagnostics[0]
    assert (d.line, d.column, d.span.end - d.span.start) == (8, 6, 5)
    assert d.to_dict()["code"] == "P1012"


def test_first_line_has_blank_context_row() -> None:
    text = "model A {\n  id Int @id\n}\n"
    d = Diagnostic("boom", Span("f.prisma", 0, 5, 1, 1, 1, 6))
    assert render_diagnostic(d, text, prisma_style=True) == (
        "error: boom\n  -->  f.prisma:1\n   | \n   | \n 1 | model A {\n   | "
    )
