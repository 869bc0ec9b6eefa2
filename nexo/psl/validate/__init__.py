"""Validation: syntax trees → :class:`~nexo.psl.model.Schema`, or Prisma-style diagnostics.

The rules are Prisma's for the PostgreSQL provider (``prisma-compat.md`` §1), checked in the two
stages Prisma's own validator has:

1. *Reading the schema* (Prisma's parser-database): configuration blocks, names, field types and
   every attribute with its arguments (see :mod:`nexo.psl.attrargs`). All problems found here are
   reported together, in one run, including alongside syntax errors.
2. *Checking what it means* (Prisma's validations), only when stage 1 found nothing: unique
   criteria, native types, default values, relations (pairing, ambiguity, referenced fields,
   arities, referential actions), index capabilities of PostgreSQL, constraint names,
   ``@@schema``, views and composite types.

Each diagnostic carries the span Prisma marks (an argument's value, an attribute, a field line, a
block), so a report underlines exactly the offending text.

One module per concern, in the order Prisma's validation runs:

- :mod:`.context` — the shared working data, the diagnostics list, spans and common helpers
- :mod:`.config` — datasource and generator blocks
- :mod:`.names` — names of blocks, fields and values; field types; block kinds and ``@@schema``
- :mod:`.attributes` — the attribute pass over models, composite types and enums; ``@relation``
- :mod:`.fields` — scalar field attributes, native types, default values
- :mod:`.indexes` — ``@@id``/``@@index``/``@@unique``/``@@fulltext``, unique criteria, PostgreSQL index rules
- :mod:`.relations` — pairing relation fields, shared relation checks, cycles;
  :mod:`.onetoone`, :mod:`.onetomany`, :mod:`.manytomany` — the rules of each kind
- :mod:`.constraints` — constraint names
- :mod:`.lowering` — the :class:`~nexo.psl.model.Schema` of a valid schema
- :mod:`.run` — the entry points and the driver (:class:`~.run.Validator`)

Each stage is a class extending the one its checks call into (``Context`` ← ``Config`` ← ``Names`` ←
``Fields`` ← ``Indexes`` ← ``Attributes`` ← ``Relations`` ← ``OneToOne`` ← ``OneToMany`` ←
``ManyToMany`` ← ``ConstraintNames`` ← ``Lowering`` ← ``Validator``): single inheritance over one
shared state, which mypyc compiles as it is. The public API is re-exported by :mod:`nexo.psl`.
"""

from __future__ import annotations

from .config import ACTIVE_PREVIEW_FEATURES, KNOWN_PROVIDERS, RETIRED_PREVIEW_FEATURES
from .context import DEFAULT_FUNCTIONS, KIND_NAMES, KIND_TITLES, MAX_NAME
from .run import DIALECTS, LoadedSchema, ValidationResult, load, validate_path, validate_source, validate_sources

__all__ = [
    "ACTIVE_PREVIEW_FEATURES",
    "DEFAULT_FUNCTIONS",
    "DIALECTS",
    "KIND_NAMES",
    "KIND_TITLES",
    "KNOWN_PROVIDERS",
    "MAX_NAME",
    "RETIRED_PREVIEW_FEATURES",
    "LoadedSchema",
    "ValidationResult",
    "load",
    "validate_path",
    "validate_source",
    "validate_sources",
]
