"""The client generator: ``schema.prisma`` -> a Prisma Client Python–compatible package that runs on
nexo's psycopg 3 runtime (:mod:`nexo.client`).

- :func:`generate` — what ``nexo db:generate`` does (returns a :class:`GenerateResult`).
- :func:`watch` — generate again whenever the schema changes (``--watch``).
- :func:`render_package` — the package's files as text (pure; deterministic).

Its error is :class:`GenerateError` (``NEXO_GENERATE``); ``GeneratorError`` is the same class under its
former name, kept for imports written before (the generated clients' ``errors.GeneratorError`` is
Prisma Client Python's, :class:`nexo.client.errors.GeneratorError`, a different class).
"""

from __future__ import annotations

from nexo.schema.client_view import SchemaView, build_view

from .errors import GenerateError
from .generate import GeneratedClient, GenerateResult, generate, render_package, watch
from .options import ClientOptions, read_generators

#: the former name of :class:`GenerateError`
GeneratorError = GenerateError

__all__ = [
    "ClientOptions",
    "GenerateError",
    "GenerateResult",
    "GeneratedClient",
    "GeneratorError",
    "SchemaView",
    "build_view",
    "generate",
    "read_generators",
    "render_package",
    "watch",
]
