"""Diagnostics: what is wrong in a schema, where, and how it is shown to a person.

Every problem found while parsing or validating becomes a :class:`Diagnostic` (code ``P1012``, like
Prisma) carrying the file, the span of the offending text, and its line and column. They render the
way ``prisma validate`` prints them (``error: <message>``, ``  -->  file:line``, the lines around
the problem with a numbered gutter); nexo additionally marks the offending text with a row of ``^``
under the first line and gives the column (``prisma_style=True`` leaves those out and reproduces
Prisma's text exactly).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .ast import Span

P1012 = "P1012"


@dataclass(frozen=True)
class Diagnostic:
    """One error in a schema: ``message`` is the text after ``error: `` in Prisma's output."""

    message: str
    span: Span
    code: str = P1012
    severity: str = "error"

    @property
    def file(self) -> str:
        return self.span.file

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def to_dict(self) -> dict[str, object]:
        """A JSON-friendly form (for ``--json`` output)."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "start": self.span.start,
            "end": self.span.end,
        }


def _gutter(number: int | None) -> str:
    return "   | " if number is None else f"{number:>2} | "


def render_diagnostic(diag: Diagnostic, text: str, *, prisma_style: bool = False) -> str:
    """One diagnostic as Prisma prints it, given the text of the file it points into.

    The previous line is shown for context, then every line the span touches; a span that ends just
    after a newline also shows the following line (as Prisma does).
    """
    span = diag.span
    start = max(0, min(span.start, len(text)))
    end = max(start, min(span.end, len(text)))
    lines = text.split("\n")
    start_line = text.count("\n", 0, start)
    end_line = text.count("\n", 0, end)
    where = f"{span.file}:{start_line + 1}" if prisma_style else f"{span.file}:{start_line + 1}:{span.column}"
    out = [f"{diag.severity}: {diag.message}", f"  -->  {where}", _gutter(None)]
    if start_line > 0:
        out.append(_gutter(start_line) + lines[start_line - 1].rstrip("\r"))
    else:
        out.append(_gutter(None))
    for n in range(start_line, min(end_line, len(lines) - 1) + 1):
        line_text = lines[n].rstrip("\r")
        out.append(_gutter(n + 1) + line_text)
        if n == start_line and not prisma_style:
            col = start - (text.rfind("\n", 0, start) + 1)
            stop = end if end_line == start_line else start + len(line_text) - col
            width = max(1, min(stop, start + len(line_text) - col) - start)
            out.append(_gutter(None) + " " * col + "^" * width)
    out.append(_gutter(None))
    return "\n".join(out)


def render_diagnostics(diagnostics: Sequence[Diagnostic], texts: dict[str, str], *, prisma_style: bool = False) -> str:
    """The full report for a list of diagnostics (``texts`` maps file name → its text).

    Ends with ``Validation Error Count: N`` like Prisma's CLI.
    """
    parts = []
    for d in diagnostics:
        parts.append(render_diagnostic(d, texts.get(d.file, ""), prisma_style=prisma_style))
    parts.append(f"Validation Error Count: {len(diagnostics)}")
    return "\n".join(parts)
