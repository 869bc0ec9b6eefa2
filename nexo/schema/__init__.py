"""The relational model: the PostgreSQL tables, types, keys and indexes a validated schema stands for.

- :func:`relational_model` — :class:`~nexo.psl.model.Schema` → :class:`Database` (Prisma's naming).
- :func:`render_create_script` — the from-empty migration script, byte-identical to Prisma's.
- :func:`introspect` / :func:`introspect_with_warnings` — a live PostgreSQL schema → :class:`Database`;
  :func:`comparable` / :func:`same_structure` / :func:`differences` compare a built and an introspected model.
"""

from __future__ import annotations

from .build import relational_model, render_datetime
from .errors import IntrospectionError, SchemaModelError
from .introspect import comparable, differences, introspect, introspect_with_warnings, same_structure
from .model import Column, Database, Enum, Extension, ForeignKey, Index, IndexColumn, JoinTable, PrimaryKey, Table
from .render import render_create_script

__all__ = [
    "Column",
    "Database",
    "Enum",
    "Extension",
    "ForeignKey",
    "Index",
    "IndexColumn",
    "IntrospectionError",
    "JoinTable",
    "PrimaryKey",
    "SchemaModelError",
    "Table",
    "comparable",
    "differences",
    "introspect",
    "introspect_with_warnings",
    "relational_model",
    "render_create_script",
    "render_datetime",
    "same_structure",
]
