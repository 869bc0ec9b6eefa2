"""The error nexo raises for an invalid schema: P1012 with every diagnostic."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import NexoError
from .ast import Span
from .diagnostics import P1012, Diagnostic, render_diagnostics


class PslError(NexoError):
    """A schema failed to parse or validate. ``str()`` is the rendered report (like Prisma's P1012 output)."""

    code = P1012

    def __init__(self, diagnostics: Sequence[Diagnostic], texts: dict[str, str] | None = None) -> None:
        self.diagnostics = list(diagnostics)
        self.texts = dict(texts or {})
        self.whole_file = False
        first = self.diagnostics[0] if self.diagnostics else None
        super().__init__(
            self.report(),
            code=P1012,
            file=first.file if first else None,
            line=first.line if first else None,
        )

    @classmethod
    def simple(cls, message: str, file: str) -> PslError:
        """An error about a whole file or folder (not found, empty) rather than a place in it."""
        error = cls([Diagnostic(message, Span(file, 0, 0, 1, 1, 1, 1))], {file: ""})
        error.whole_file = True
        return error

    def report(self) -> str:
        if self.whole_file:
            return f"Error: {self.code}\n\n{self.diagnostics[0].message}"
        return "Prisma schema validation\nError code: P1012\n" + render_diagnostics(self.diagnostics, self.texts)

    def __str__(self) -> str:
        return self.report()


class FormatError(PslError):
    """A schema cannot be formatted: it does not parse, or (like ``prisma format``) the formatted
    schema does not validate. ``diagnostics`` say why; nothing was written."""

    def render(self) -> str:
        """The diagnostics alone (``error: …`` blocks and the count), without the P1012 header."""
        return render_diagnostics(self.diagnostics, self.texts)
