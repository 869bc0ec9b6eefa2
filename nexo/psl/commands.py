"""What the CLI's ``nexo validate`` and ``nexo format`` call (the CLI itself lives in ``nexo/cli.py``).

Both take a schema file or a folder of ``.prisma`` files (a multi-file schema). File names in
diagnostics are shown relative to the current folder when the schema lies under it, as Prisma shows
them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import FormatError
from .format import format_sources, schema_files
from .validate import ValidationResult, validate_sources


def display_name(path: Path) -> str:
    """``path`` relative to the current folder when it lies under it, else as given."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if rel.startswith("..") else rel


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")


@dataclass
class ValidateReport:
    """The outcome of ``nexo validate``: the schema's path, its files and the validation result."""

    schema_path: str
    files: list[str]
    result: ValidationResult

    @property
    def ok(self) -> bool:
        return self.result.ok

    def text(self) -> str:
        """What ``nexo validate`` prints: a one-line confirmation, or every diagnostic with the P1012 header."""
        if self.ok:
            return f"The schema at {self.schema_path} is valid."
        return "Prisma schema validation\nError code: P1012\n" + self.result.render()

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "schema": self.schema_path,
            "files": self.files,
            "valid": self.ok,
            "error_count": len(self.result.diagnostics),
            "diagnostics": [d.to_dict() for d in self.result.diagnostics],
        }
        if self.result.warnings:  # Prisma's warnings (severity "warning"), then nexo's own
            data["warnings"] = [d.to_dict() for d in self.result.warnings]
        return data


def validate_command(schema_path: str | Path, dialect: str = "6") -> ValidateReport:
    """Validate the schema file or folder at ``schema_path`` (``report.ok`` says whether it is valid).

    ``dialect`` is the Prisma version whose rules apply (``"6"`` or ``"7"``).
    A missing path (or a folder without ``.prisma`` files) raises :class:`~nexo.psl.errors.PslError`.
    """
    path = Path(schema_path)
    files = schema_files(path)
    sources = [(display_name(f), _read(f)) for f in files]
    result = validate_sources(sources, dialect)
    return ValidateReport(display_name(path), [name for name, _ in sources], result)


@dataclass
class FormatResult:
    """What ``nexo format`` did: the files it rewrote (or, with ``check``, would rewrite), and all it read."""

    changed_files: list[Path] = field(default_factory=list)
    checked_files: list[Path] = field(default_factory=list)
    check: bool = False
    #: the formatted schema's warnings, as ``nexo validate`` prints them (``ValidationResult.render_warnings``)
    warnings: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.changed_files)

    @property
    def failed(self) -> bool:
        """``--check`` found files that are not formatted (the command exits 1)."""
        return self.check and self.changed

    def messages(self) -> list[str]:
        """What ``nexo format`` prints: the files it formatted, or (``--check``) the files not formatted."""
        names = [display_name(f) for f in self.changed_files]
        if self.check:
            if names:
                return ["These files are not formatted (run `nexo format` to format them):"] + [f"  {n}" for n in names]
            return ["All files are formatted correctly."]
        return [f"Formatted {n}" for n in names] or ["Already formatted; nothing to change."]

    def to_dict(self) -> dict[str, object]:
        return {
            "check": self.check,
            "files": [display_name(f) for f in self.checked_files],
            "changed": [display_name(f) for f in self.changed_files],
        }


def format_command(schema_path: str | Path, check: bool = False, dialect: str = "6") -> FormatResult:
    """``nexo format [--check]``: rewrite the schema in Prisma's canonical layout, like ``prisma format``.

    As Prisma does, the schema is formatted (relation repair included) and the formatted text is then
    validated; when it is not valid, :class:`~nexo.psl.errors.FormatError` carries the diagnostics
    (those of the schema as written when it has any, else those of the formatted text) and nothing is
    written. With ``check`` nothing is written either: the result lists the files that would change.
    Files are compared and written as UTF-8 bytes, so CRLF line endings count as a change.
    """
    files = schema_files(Path(schema_path))
    names = {display_name(f): f for f in files}
    raw = {name: f.read_bytes() for name, f in names.items()}
    sources = {name: data.decode("utf-8", "replace") for name, data in raw.items()}
    formatted = format_sources(sources, dialect)
    checked = validate_sources(list(formatted.items()), dialect)
    if not checked.ok:
        original = validate_sources(list(sources.items()), dialect)
        if original.diagnostics:
            raise FormatError(original.diagnostics, sources)
        raise FormatError(checked.diagnostics, formatted)
    changed = [names[n] for n in names if formatted[n].encode("utf-8") != raw[n]]
    if not check:
        for f in changed:
            f.write_bytes(formatted[display_name(f)].encode("utf-8"))
    return FormatResult(changed_files=changed, checked_files=files, check=check, warnings=checked.render_warnings())
