"""The relational model: the PostgreSQL tables, types, keys and indexes a validated schema stands for.

- :func:`relational_model` — :class:`~nexo.psl.model.Schema` → :class:`Database` (Prisma's naming).
- :func:`render_create_script` — the from-empty migration script, byte-identical to Prisma's.
"""

from __future__ import annotations

from .build import relational_model, render_datetime
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
    "JoinTable",
    "PrimaryKey",
    "Table",
    "relational_model",
    "render_create_script",
    "render_datetime",
]
