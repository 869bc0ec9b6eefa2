"""Queued batch writes (no I/O): the I/O halves' ``Batch.commit()`` (:class:`nexo.client.engine.Batch` and
its sync twin) sends them together in one transaction. Re-exported by :mod:`nexo.client.engine_base`.
"""

from __future__ import annotations

from typing import Any, Protocol

#: one queued batch operation: (model or None for raw SQL, action, positional and keyword arguments)
BatchOp = tuple[str | None, str, tuple[Any, ...], dict[str, Any]]


class BatchBase:
    """Queued writes (sent together in one transaction by the I/O half's ``commit()``)."""

    def __init__(self, client: Any) -> None:
        # private names: generated subclasses add one attribute per model (a model may be called Client)
        self._client = client
        self._ops: list[BatchOp] = []

    def model(self, name: str) -> BatchActions:
        self._client.meta.model(name)
        return BatchActions(self, name)

    def execute_raw(self, query: str, *args: Any) -> None:
        self._ops.append((None, "execute_raw", (query, *args), {}))


class _Queue(Protocol):
    _ops: list[BatchOp]


class BatchActions:
    """The write actions of one model, queued on a batch."""

    def __init__(self, batch: _Queue, model: str) -> None:
        self._batch = batch
        self._model = model

    def _q(self, action: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._batch._ops.append((self._model, action, args, kwargs))

    def create(self, data: Any, include: Any = None) -> None:
        self._q("create", (data,), {"include": include})

    def create_many(self, data: Any, *, skip_duplicates: bool | None = None) -> None:
        self._q("create_many", (data,), {"skip_duplicates": skip_duplicates})

    def update(self, data: Any, where: Any, include: Any = None) -> None:
        self._q("update", (data, where), {"include": include})

    def upsert(self, where: Any, data: Any, include: Any = None) -> None:
        self._q("upsert", (where, data), {"include": include})

    def delete(self, where: Any, include: Any = None) -> None:
        self._q("delete", (where,), {"include": include})

    def update_many(self, data: Any, where: Any) -> None:
        self._q("update_many", (data, where), {})

    def delete_many(self, where: Any = None) -> None:
        self._q("delete_many", (where,), {})
