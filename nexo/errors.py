"""The root of nexo's error classes.

Every subpackage defines its own errors in one module, all derived from :class:`NexoError`.
An error carries a stable ``code`` (Prisma's P-code where Prisma has one), a message a person can
act on, and where known the file and line it concerns. The CLI prints ``str(error)`` and exits 1.
"""

from __future__ import annotations

from pathlib import Path


class NexoError(Exception):
    """A user-facing failure: bad input, a failed migration, a failed check."""

    code: str = "NEXO"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        file: str | Path | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.file = str(file) if file is not None else None
        self.line = line

    @property
    def location(self) -> str | None:
        if self.file is None:
            return None
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def __str__(self) -> str:
        head = f"Error: {self.code}" if self.code else "Error"
        where = f"\n  --> {self.location}" if self.location else ""
        return f"{head}\n\n{self.message}{where}"


class ConfigError(NexoError):
    code = "NEXO_CONFIG"


class SeedFailed(NexoError):
    """The project's seed command (``nexo db:seed``, or the seed step of ``db:reset``) failed: a non-zero
    exit, a signal, or a program that could not be started. Prisma has no P-code for it."""

    code = "NEXO_SEED_FAILED"
