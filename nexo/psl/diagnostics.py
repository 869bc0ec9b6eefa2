"""Diagnostics: what is wrong in a schema, where, and how it is shown to a person.

Every problem found while parsing or validating becomes a :class:`Diagnostic` (code ``P1012``, like
Prisma) carrying the file, the span of the offending text, and its line and column. They render the
way ``prisma validate`` prints them (``error: <message>``, ``  -->  file:line``, the lines around
the problem with a numbered gutter); nexo additionally marks the offending text with a row of ``^``
under the first line and gives the column (``prisma_style=True`` leaves those out and reproduces
Prisma's text exactly).
"""

from __future__ import annotations

import bisect
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


_BLANK = "   | "  # the gutter of a row without a line number


class TextLines:
    """A text cut at ``\\n`` once, so that each diagnostic finds its lines by bisection.

    Rendering thousands of diagnostics into one large file (garbage input) then stays linear: the
    text is split and its newlines located once per file, not once per diagnostic.
    """

    __slots__ = ("breaks", "lines", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        breaks: list[int] = []
        at = -1
        for line in self.lines[:-1]:
            at += len(line) + 1
            breaks.append(at)
        # the offset of every ``\n``, in order: the 0-based line of an offset is how many come before it
        self.breaks = breaks


def render_diagnostic(
    diag: Diagnostic, text: str, *, prisma_style: bool = False, lines: TextLines | None = None
) -> str:
    """One diagnostic as Prisma prints it, given the text of the file it points into.

    The previous line is shown for context, then every line the span touches; a span that ends just
    after a newline also shows the following line (as Prisma does). ``lines`` is ``text`` already
    cut (:class:`TextLines`), for callers that render many diagnostics of one file.
    """
    if lines is None or lines.text is not text:
        lines = TextLines(text)
    span = diag.span
    size = len(text)
    start = max(0, min(span.start, size))
    end = max(start, min(span.end, size))
    breaks = lines.breaks
    start_line = bisect.bisect_left(breaks, start)
    end_line = bisect.bisect_left(breaks, end, start_line)
    rows = lines.lines
    blank = _BLANK
    where = f"{span.file}:{start_line + 1}" if prisma_style else f"{span.file}:{start_line + 1}:{span.column}"
    out = [f"{diag.severity}: {diag.message}", f"  -->  {where}", blank]
    if start_line > 0:
        out.append(f"{start_line:>2} | " + rows[start_line - 1].rstrip("\r"))
    else:
        out.append(blank)
    for n in range(start_line, min(end_line, len(rows) - 1) + 1):
        line_text = rows[n].rstrip("\r")
        out.append(f"{n + 1:>2} | " + line_text)
        if n == start_line and not prisma_style:
            col = start - (breaks[start_line - 1] + 1 if start_line else 0)
            stop = end if end_line == start_line else start + len(line_text) - col
            width = max(1, min(stop, start + len(line_text) - col) - start)
            out.append(blank + " " * col + "^" * width)
    out.append(blank)
    return "\n".join(out)


def render_diagnostics(diagnostics: Sequence[Diagnostic], texts: dict[str, str], *, prisma_style: bool = False) -> str:
    """The full report for a list of diagnostics (``texts`` maps file name → its text).

    Ends with ``Validation Error Count: N`` like Prisma's CLI.
    """
    parts = []
    cut: dict[str, TextLines] = {}
    for d in diagnostics:
        lines = cut.get(d.file)
        if lines is None:
            lines = cut[d.file] = TextLines(texts.get(d.file, ""))
        parts.append(render_diagnostic(d, lines.text, prisma_style=prisma_style, lines=lines))
    parts.append(f"Validation Error Count: {len(diagnostics)}")
    return "\n".join(parts)
