"""Placeholders in SQL-layer files: ``${name}`` replaced by a value from the project's config.

Like Flyway's placeholders: a file can name the application role or the tenant setting without
hard-coding them, e.g. ``GRANT SELECT ON "users" TO "${app_role}";``. The checksum is that of the
file as written, so changing a value in ``[tool.nexo]`` does not make applied files look edited.
A ``${name}`` with no value is an error naming the file and line (nothing runs).
"""

from __future__ import annotations

import re
from dataclasses import replace

from nexo.sqllayer.errors import DirectiveError
from nexo.sqllayer.files import SqlFile

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def substitute(text: str, values: dict[str, str], *, file: str = "", line_offset: int = 0) -> str:
    """``text`` with every ``${name}`` replaced; unknown names raise :class:`DirectiveError`."""

    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in values:
            line = text.count("\n", 0, m.start()) + 1 + line_offset
            known = ", ".join(f"${{{k}}}" for k in sorted(values)) or "none"
            raise DirectiveError(
                f"No value for placeholder ${{{name}}} in {file or 'the file'}. Known placeholders: {known}.",
                file=file or None,
                line=line,
            )
        return values[name]

    return _PLACEHOLDER.sub(repl, text)


def with_placeholders(files: list[SqlFile], values: dict[str, str]) -> list[SqlFile]:
    """The same files with their text (and their rollback twins' text) substituted."""
    return [_fill(f, values) for f in files]


def _fill(f: SqlFile, values: dict[str, str]) -> SqlFile:
    """``f`` with its text filled in, unless it opted out with ``-- nexo:no-placeholders``."""
    down = _fill(f.down, values) if f.down is not None else None
    text = substitute(f.text, values, file=str(f.path)) if f.placeholders else f.text
    return replace(f, text=text, down=down)
