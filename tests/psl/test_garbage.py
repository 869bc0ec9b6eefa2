"""Large garbage input: the schema reader returns diagnostics (never an exception) and reports them right.

A megabyte of random bytes, or of random printable lines, gives thousands of diagnostics in one file.
Their report is rendered from the file cut into lines once (``nexo.psl.diagnostics.TextLines``); this
checks it against the plain definition (the line of an offset is the number of ``\\n`` before it) on a
sample of the diagnostics. How long it takes is measured by ``bench/psl_garbage.py``, not here.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

import pytest

from nexo.psl import Diagnostic, render_diagnostic, render_diagnostics, validate_source
from nexo.psl.ast import Span


def _random_bytes(size: int, seed: int) -> str:
    return random.Random(seed).randbytes(size).decode("utf-8", errors="replace")


def _random_lines(size: int, seed: int) -> str:
    rnd = random.Random(seed)
    out: list[str] = []
    total = 0
    while total < size:
        line = "".join(rnd.choices(string.printable, k=rnd.randint(0, 120)))  # includes \r, \t, \x0b, \x0c
        out.append(line)
        total += len(line) + 1
    return "\n".join(out)


@pytest.mark.parametrize("make", [_random_bytes, _random_lines], ids=["random-bytes", "random-lines"])
def test_a_megabyte_of_garbage_gives_diagnostics(make: Callable[[int, int], str]) -> None:
    text = make(1_000_000, 16)
    result = validate_source(text, "garbage.prisma")
    assert result.schema is None and not result.ok
    diags = result.diagnostics
    assert len(diags) > 1000
    assert all(d.code == "P1012" and d.file == "garbage.prisma" for d in diags)
    assert all(0 <= d.span.start <= d.span.end <= len(text) for d in diags)
    report = result.render()
    assert report.endswith(f"Validation Error Count: {len(diags)}")
    assert report.count("\nerror: ") + report.startswith("error: ") == len(diags)
    lines = text.split("\n")
    for d in random.Random(1).sample(diags, 50):
        line = text.count("\n", 0, d.span.start)  # 0-based, by definition
        rows = render_diagnostic(d, text, prisma_style=True).split("\n")
        assert rows[1] == f"  -->  garbage.prisma:{line + 1}"
        assert rows[4] == f"{line + 1:>2} | " + lines[line].rstrip("\r")
        assert render_diagnostic(d, text) in report


def test_every_offset_is_reported_on_its_line() -> None:
    """Spans starting anywhere (on a newline, right after one, at the very end) in a text with ``\\r\\n``,
    ``\\r`` and empty lines: the report names the line holding the start and marks its column."""
    text = "model A {\r\n  id Int @id\n\n\r}\nenum\n  x\r\n"
    diags = [Diagnostic("m", Span("s.prisma", start, min(start + 3, len(text)))) for start in range(len(text) + 1)]
    report = render_diagnostics(diags, {"s.prisma": text})
    blocks = report.split("error: m\n")[1:]
    assert len(blocks) == len(diags)
    lines = text.split("\n")
    for d, block in zip(diags, blocks):
        start = d.span.start
        line = text.count("\n", 0, start)
        column = start - (text.rfind("\n", 0, start) + 1)
        rows = block.split("\n")
        assert rows[0] == f"  -->  s.prisma:{line + 1}:{d.span.column}"
        assert rows[3] == f"{line + 1:>2} | " + lines[line].rstrip("\r")
        assert rows[4].startswith("   | " + " " * column + "^")
