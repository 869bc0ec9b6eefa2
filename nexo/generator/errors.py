"""Errors of the client generator (``nexo db:generate``)."""

from __future__ import annotations

from nexo.errors import NexoError


class GenerateError(NexoError):
    """The client cannot be generated: a bad generator option, a name Python cannot use, an output
    folder holding files nexo did not write, or a failing partial type generator. Names the file and
    line where known; nothing is written when it is raised before writing starts."""

    code = "NEXO_GENERATE"
