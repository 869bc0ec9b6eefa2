"""The client's view of a schema now lives in :mod:`nexo.schema.client_view` (the studio reads it
too, and may not import the generator); this module keeps the old import path working."""

from __future__ import annotations

from nexo.schema.client_view import (
    CLIENT_ATTRIBUTES,
    NATIVE_DB_TYPES,
    RESERVED_FIELDS,
    SchemaView,
    VEnum,
    VField,
    VModel,
    build_view,
)

__all__ = [
    "CLIENT_ATTRIBUTES",
    "NATIVE_DB_TYPES",
    "RESERVED_FIELDS",
    "SchemaView",
    "VEnum",
    "VField",
    "VModel",
    "build_view",
]
