"""Errors of the client generator (``nexo db:generate``).

:class:`GenerateError` lives in :mod:`nexo.schema.errors`, next to the client metadata builder
(:mod:`nexo.schema.client_view`) that raises it; it is the same class under both names."""

from __future__ import annotations

from nexo.schema.errors import GenerateError

__all__ = ["GenerateError"]
