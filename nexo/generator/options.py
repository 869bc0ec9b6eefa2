"""The ``generator`` blocks nexo honours: provider ``prisma-client-py`` and its options.

Options (Prisma Client Python 0.15's, read the same way): ``interface`` (``asyncio`` | ``sync``),
``recursive_type_depth`` (-1 or >= 2, default 5), ``partial_type_generator`` (a script path or a
module name; default ``prisma/partial_types.py`` when it exists), ``enable_experimental_decimal``,
``engineType`` (only ``binary``), ``output`` (relative to the schema file), ``previewFeatures`` and
``binaryTargets`` (accepted, without effect). Unknown keys are errors. Each option can also come
from ``PRISMA_PY_CONFIG_<OPTION>`` when the block does not set it.

Default ``output``: a package named ``prisma`` so that ``from prisma import Prisma`` works from the
project folder: the schema's own folder when that folder is called ``prisma`` (the usual
``prisma/schema.prisma`` layout), ``prisma/`` for the multi-file ``prisma/schema/`` folder, else
``<schema folder>/prisma``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from nexo.psl import model as psl_model

from .errors import GenerateError

PROVIDERS = ("prisma-client-py", "python -m prisma", "prisma-client-py-nexo")
KNOWN_KEYS = (
    "provider",
    "output",
    "previewFeatures",
    "binaryTargets",
    "interface",
    "recursive_type_depth",
    "partial_type_generator",
    "enable_experimental_decimal",
    "engineType",
)
ENV_PREFIX = "PRISMA_PY_CONFIG_"
ENV_KEYS = {
    "interface": "INTERFACE",
    "recursive_type_depth": "RECURSIVE_TYPE_DEPTH",
    "partial_type_generator": "PARTIAL_TYPE_GENERATOR",
    "enable_experimental_decimal": "ENABLE_EXPERIMENTAL_DECIMAL",
    "engineType": "ENGINE_TYPE",
}
DEFAULT_DEPTH = 5


@dataclass(frozen=True)
class ClientOptions:
    """One ``prisma-client-py`` generator block, resolved."""

    name: str
    file: str
    line: int
    interface: str = "asyncio"
    recursive_type_depth: int = DEFAULT_DEPTH
    depth_given: bool = False
    partial_type_generator: str | None = None
    enable_experimental_decimal: bool = False
    output: Path = Path("prisma")
    output_given: bool = False
    preview_features: tuple[str, ...] = ()

    @property
    def full_text_search(self) -> bool:
        """PostgreSQL full-text search (``search``, ``_relevance``): Prisma's preview feature
        ``fullTextSearchPostgres`` (Prisma 6+), or ``fullTextSearch`` (Prisma 5, which Prisma Client
        Python 0.15 runs)."""
        return "fullTextSearchPostgres" in self.preview_features or "fullTextSearch" in self.preview_features

    @property
    def is_async(self) -> bool:
        return self.interface == "asyncio"

    @property
    def package(self) -> str:
        """The import name of the generated package (the output folder's name)."""
        return self.output.name

    def to_dict(self) -> dict[str, object]:
        return {
            "generator": self.name,
            "interface": self.interface,
            "recursive_type_depth": self.recursive_type_depth,
            "partial_type_generator": self.partial_type_generator,
            "enable_experimental_decimal": self.enable_experimental_decimal,
            "output": str(self.output),
            "package": self.package,
        }


def _where(g: psl_model.Generator) -> tuple[str, int]:
    return g.span.file, g.span.line


def _text(value: psl_model.ConfigValue, environ: Mapping[str, str]) -> str | None:
    if isinstance(value, psl_model.Env):
        return environ.get(value.name)
    if isinstance(value, str):
        return value
    return None


def _bool(value: str, key: str, g: psl_model.Generator) -> bool:
    v = value.strip().lower()
    if v in ("true", "1", "yes"):
        return True
    if v in ("false", "0", "no"):
        return False
    file, line = _where(g)
    raise GenerateError(f'generator "{g.name}": {key} must be true or false, got {value!r}', file=file, line=line)


def default_output(schema_file: Path) -> Path:
    folder = schema_file if schema_file.is_dir() else schema_file.parent
    folder = folder.resolve()
    if folder.name == "schema" and folder.parent.name == "prisma":
        # Prisma's multi-file layout (prisma/schema/*.prisma): the package is prisma/, so that
        # `from prisma import Prisma` works from the project folder as in the prisma/schema.prisma layout
        return folder.parent
    return folder if folder.name == "prisma" else folder / "prisma"


def read_generators(
    schema: psl_model.Schema, environ: Mapping[str, str] | None = None
) -> tuple[list[ClientOptions], list[str]]:
    """The ``prisma-client-py`` generator blocks of ``schema`` and notes about the blocks ignored."""
    env = dict(os.environ if environ is None else environ)
    clients: list[ClientOptions] = []
    notes: list[str] = []
    for g in schema.generators:
        file, line = _where(g)
        provider = _text(g.provider, env)
        if provider not in PROVIDERS:
            notes.append(f'generator "{g.name}" (provider "{provider}") is not a Python client generator: ignored')
            continue
        unknown = sorted(k for k in g.config if k not in KNOWN_KEYS)
        if "http" in unknown:
            raise GenerateError(
                f'generator "{g.name}": the http option was removed from Prisma Client Python; use interface = "asyncio" or "sync"',
                file=file,
                line=line,
            )
        if unknown:
            raise GenerateError(
                f'generator "{g.name}": unknown option(s) {", ".join(unknown)}; known: {", ".join(KNOWN_KEYS)}',
                file=file,
                line=line,
            )

        def opt(key: str, g: psl_model.Generator = g) -> str | None:
            if key in g.config:
                return _text(g.config[key], env)
            env_key = ENV_KEYS.get(key)
            return env.get(ENV_PREFIX + env_key) if env_key else None

        interface = opt("interface") or "asyncio"
        if interface not in ("asyncio", "sync"):
            raise GenerateError(
                f'generator "{g.name}": interface must be "asyncio" or "sync", got {interface!r}', file=file, line=line
            )
        raw_depth = opt("recursive_type_depth")
        depth = DEFAULT_DEPTH
        if raw_depth is not None:
            try:
                depth = int(raw_depth)
            except ValueError:
                raise GenerateError(
                    f'generator "{g.name}": recursive_type_depth must be an integer, got {raw_depth!r}',
                    file=file,
                    line=line,
                ) from None
            if depth != -1 and depth < 2:
                raise GenerateError(
                    f'generator "{g.name}": recursive_type_depth must be -1 (unlimited) or at least 2, got {depth}',
                    file=file,
                    line=line,
                )
        engine = opt("engineType")
        if engine is not None and engine != "binary":
            raise GenerateError(
                f'generator "{g.name}": engineType {engine!r} is not supported; only "binary" (or nothing)',
                file=file,
                line=line,
            )
        decimal = opt("enable_experimental_decimal")
        out_raw = _text(g.output, env) if g.output is not None else None
        base = Path(file).resolve().parent
        output = (base / out_raw).resolve() if out_raw else default_output(Path(file))
        if not output.name.isidentifier():
            raise GenerateError(
                f'generator "{g.name}": the output folder name {output.name!r} cannot be imported as a Python package',
                file=file,
                line=line,
            )
        clients.append(
            ClientOptions(
                name=g.name,
                file=file,
                line=line,
                interface=interface,
                recursive_type_depth=depth,
                depth_given=raw_depth is not None,
                partial_type_generator=opt("partial_type_generator"),
                enable_experimental_decimal=_bool(decimal, "enable_experimental_decimal", g)
                if decimal is not None
                else False,
                output=output,
                output_given=out_raw is not None,
                preview_features=tuple(g.preview_features),
            )
        )
    return clients, notes
