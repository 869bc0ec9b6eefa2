"""The Prisma Schema Language front end (PostgreSQL provider): parse, validate, format.

Stdlib only.

- :func:`parse` — text → syntax tree (:mod:`nexo.psl.ast`) plus syntax diagnostics.
- :func:`load` — a schema file or a folder of ``.prisma`` files (multi-file schema).
- :func:`validate_source` / :func:`validate_path` — a :class:`ValidationResult` holding the
  validated :class:`~nexo.psl.model.Schema` (or None) and every diagnostic.
- :class:`PslError` — raised by callers that need a valid schema; ``str()`` is the full report.

Modules: ``parser`` (grammar, positions), ``validate`` (a package: Prisma's two validation stages,
one module per concern), ``attrargs`` (attribute/argument bookkeeping shared by every attribute
check), ``jsoncheck`` (JSON default values), ``native`` (``@db.*`` types, operator classes), ``names``
(constraint names), ``format`` (``prisma format``'s layout and relation repair), ``diagnostics`` (P1012 reports),
``commands`` (what ``nexo validate`` and ``nexo format`` call), ``datasource`` (a schema's datasource
URL as Prisma's CLI resolves it for ``migrate diff --from/--to-schema-datasource``).
"""

from __future__ import annotations

from .diagnostics import Diagnostic, render_diagnostic, render_diagnostics
from .errors import PslError
from .model import Schema
from .parser import parse
from .validate import LoadedSchema, ValidationResult, load, validate_path, validate_source, validate_sources

__all__ = [
    "Diagnostic",
    "LoadedSchema",
    "PslError",
    "Schema",
    "ValidationResult",
    "load",
    "parse",
    "render_diagnostic",
    "render_diagnostics",
    "validate_path",
    "validate_source",
    "validate_sources",
]
