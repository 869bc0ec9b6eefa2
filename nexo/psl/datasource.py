"""A schema's datasource as Prisma's CLI reads it for ``migrate diff --from/--to-schema-datasource``.

For such a source Prisma reads only what connecting needs (its ``getConfig``): the syntax of every file
and the configuration blocks. A model with an unknown type does not stop it; a syntax error anywhere
does. The URL it connects to is the datasource's ``directUrl`` when set, else its ``url`` (the schema
engine's ``load_direct_url``); both must resolve, ``directUrl`` is looked at first, and only the
first problem is reported. ``env("X")`` is looked up by the caller's function (the process
environment and the ``.env`` files, see :func:`nexo.config.env_value`). Each problem is a P1012
diagnostic at the property's value, worded as Prisma 6.19 words it::

    Environment variable not found: X.
    Error validating datasource `db`: You must provide a nonempty URL. The environment variable `X` resolved to an empty string.
    Error validating datasource `db`: You must provide a nonempty direct URL. The environment variable `X` resolved to an empty string.
    Error validating datasource `db`: the URL must start with the protocol `postgresql://` or `postgres://`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import ast as A
from . import model as M
from .diagnostics import Diagnostic
from .errors import PslError
from .parser import parse
from .validate import load, validate_sources

#: ``lookup(name)``: the value of the environment variable ``name``, or None when it is not set
Lookup = Callable[[str], "str | None"]

_SCHEMES = ("postgresql://", "postgres://")
_NOT_NEWLINE = re.compile(r"[^\n]")


@dataclass(frozen=True)
class SchemaDatasource:
    """The datasource of a schema, resolved: the URL to connect to and what introspection reads."""

    #: the URL Prisma's schema engine connects with (``directUrl`` when set, else ``url``)
    url: str
    #: which property it came from: ``"directUrl"`` or ``"url"``
    key: str
    #: the datasource's ``schemas`` list (empty when it has none)
    schemas: tuple[str, ...]
    #: the folder of the file declaring the datasource, absolute (Prisma resolves relative ``sslcert`` there)
    config_dir: Path
    #: the file declaring the datasource (as reports name it) and the line of the property the URL came from
    file: str
    line: int


def read_schema_datasource(path: str | Path, lookup: Lookup) -> SchemaDatasource:
    """The datasource of the schema file or folder at ``path``, with its URL resolved through ``lookup``.

    Raises :class:`PslError` (P1012) when a file is missing or does not parse, a configuration block
    is invalid, the schema has no datasource, or the URL cannot be resolved (see the module doc). File
    names in reports are relative to the current folder when the schema lies under it, as Prisma's.
    """
    from .commands import display_name

    files = [(display_name(Path(name)), text) for name, text in load(path).files]
    texts = dict(files)
    trees = []
    syntax: list[Diagnostic] = []
    for name, text in files:
        tree, diagnostics = parse(text, name)
        trees.append(tree)
        syntax += diagnostics
    if syntax:
        raise PslError(syntax, texts)
    result = validate_sources([(tree.file, _config_blocks_only(tree)) for tree in trees])
    if not result.ok or result.schema is None:
        raise PslError(result.diagnostics, texts)  # spans are those of the original files
    ds = result.schema.datasource
    block = next((b for t in trees for b in t.config_blocks if b.keyword == "datasource"), None)
    if ds is None or block is None:
        raise PslError.simple(f"There is no datasource in the schema at {path}.", str(path))

    def resolve(key: str, value: M.ConfigValue, what: str) -> tuple[str, A.Span]:
        prop = block.get(key)
        assert prop is not None and prop.value is not None  # the validator read the value from there
        span = prop.value.span
        if not isinstance(value, M.Env):
            return str(value or ""), span
        found = lookup(value.name)
        if found is None:
            raise PslError([Diagnostic(f"Environment variable not found: {value.name}.", span)], texts)
        if not found.strip():
            raise PslError(
                [
                    Diagnostic(
                        f"Error validating datasource `{ds.name}`: You must provide a nonempty {what}. "
                        f"The environment variable `{value.name}` resolved to an empty string.",
                        span,
                    )
                ],
                texts,
            )
        return found, span

    direct = None if ds.direct_url is None else resolve("directUrl", ds.direct_url, "direct URL")
    url, url_span = resolve("url", ds.url, "URL")
    if not url.startswith(_SCHEMES):
        raise PslError(
            [
                Diagnostic(
                    f"Error validating datasource `{ds.name}`: the URL must start with the protocol `postgresql://` or "
                    "`postgres://`.",
                    url_span,
                )
            ],
            texts,
        )
    key, (value, span) = ("url", (url, url_span)) if direct is None else ("directUrl", direct)
    return SchemaDatasource(value, key, tuple(ds.schemas), Path(block.file).resolve().parent, block.file, span.line)


def _config_blocks_only(tree: A.SchemaFile) -> str:
    """The file's text with every model, view, composite type and enum blanked out (line breaks kept,
    so every position stays where it was): what is left is what Prisma's ``getConfig`` checks."""
    text = tree.text
    pieces = []
    at = 0
    for block in tree.blocks:
        if isinstance(block, A.ConfigBlock):
            continue
        pieces.append(text[at : block.start])
        pieces.append(_NOT_NEWLINE.sub(" ", text[block.start : block.end]))
        at = block.end
    pieces.append(text[at:])
    return "".join(pieces)
