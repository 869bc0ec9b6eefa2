"""Errors of the relational-model stage (``nexo.schema``)."""

from __future__ import annotations

from ..errors import NexoError


class SchemaModelError(NexoError):
    """Base of the errors raised while building or reading a relational model."""

    code = "NEXO_SCHEMA"


class IntrospectionError(SchemaModelError):
    """The live database schema could not be read (no current schema, bad ``schemas`` argument, catalog error)."""

    code = "NEXO_INTROSPECT"
