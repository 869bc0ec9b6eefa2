"""Errors of the relational-model stage (``nexo.schema``)."""

from __future__ import annotations

from ..errors import NexoError


class SchemaModelError(NexoError):
    """Base of the errors raised while building or reading a relational model."""

    code = "NEXO_SCHEMA"


class IntrospectionError(SchemaModelError):
    """The live database schema could not be read (no current schema, bad ``schemas`` argument, catalog error)."""

    code = "NEXO_INTROSPECT"


class GenerateError(NexoError):
    """The client cannot be generated: a bad generator option, a name Python cannot use, an output
    folder holding files nexo did not write, or a failing partial type generator. Names the file and
    line where known; nothing is written when it is raised before writing starts.

    Defined here (and re-exported by :mod:`nexo.generator.errors`) because the client metadata
    (:mod:`nexo.schema.client_view`), which the studio also reads, raises it."""

    code = "NEXO_GENERATE"
