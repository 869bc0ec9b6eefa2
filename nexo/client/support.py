"""What generated packages share beyond the engine: the client registry, ``.env`` loading, and
the recorder behind ``Model.create_partial`` (run by ``nexo db:generate`` for partial types)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar

from dotenv import load_dotenv

from nexo.client.errors import ClientAlreadyRegisteredError, ClientNotRegisteredError, PrismaError

C = TypeVar("C")


def user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning issued by the caller point at user code: the first
    frame outside nexo's client runtime (``nexo.client.*``) and the generated packages' modules that
    declare ``__nexo_runtime__``."""
    frame = sys._getframe(2)  # the caller of the function that warns
    level = 2
    while frame.f_back is not None and (
        str(frame.f_globals.get("__name__", "")).startswith("nexo.client.") or frame.f_globals.get("__nexo_runtime__")
    ):
        frame = frame.f_back
        level += 1
    return level


#: set by ``nexo db:generate`` while it runs a partial type generator script
GENERATOR_ENV = "PRISMA_GENERATOR_INVOCATION"


class Registry(Generic[C]):
    """The one client (or client factory) that ``Model.prisma()`` uses: ``register`` / ``get_client``."""

    def __init__(self, client_type: type[C]) -> None:
        self._type = client_type
        self._value: C | Callable[[], C] | None = None

    def register(self, client: C | Callable[[], C]) -> None:
        if self._value is not None:
            raise ClientAlreadyRegisteredError("A client has already been registered.")
        if not isinstance(client, self._type) and not callable(client):
            raise TypeError(
                f"Expected a {self._type.__name__} instance or a function returning one, got {type(client).__name__}"
            )
        self._value = client

    def get(self) -> C:
        value = self._value
        if value is None:
            raise ClientNotRegisteredError(
                "No client instance registered: pass Prisma(auto_register=True), call register(client), "
                "or give the client explicitly: Model.prisma(client)."
            )
        if isinstance(value, self._type):
            return value
        assert callable(value)
        got = value()
        if not isinstance(got, self._type):
            raise TypeError(f"The registered client factory returned {type(got).__name__}, not a {self._type.__name__}")
        return got

    def is_registered(self, client: object) -> bool:
        value = self._value
        if value is None:
            return False
        if isinstance(value, self._type):
            return value is client
        return False

    def replace(self, value: C | Callable[[], C] | None) -> C | Callable[[], C] | None:
        """Set the registered value (None unregisters) and return the previous one (``prisma.testing``)."""
        old, self._value = self._value, value
        return old


def load_env(paths: Iterable[str | Path] = (".env", "prisma/.env")) -> None:
    """Load ``.env`` files with python-dotenv; variables already set are kept (Prisma Client Python's order)."""
    for p in paths:
        if Path(p).is_file():
            load_dotenv(p, override=False)


# ---------------------------------------------------------------- partial types

_PARTIALS: list[dict[str, Any]] = []


class PartialError(PrismaError):
    """A ``create_partial`` call that cannot be honoured (names the model, the partial and the cause)."""


def create_partial(
    cls: Any,
    name: str,
    *,
    relational_fields: Mapping[str, str],
    include: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
    required: Iterable[str] | None = None,
    optional: Iterable[str] | None = None,
    relations: Mapping[str, str] | None = None,
    exclude_relational_fields: bool = False,
) -> None:
    """Record a partial model of ``cls`` (only while ``nexo db:generate`` runs the partial type generator)."""
    if not os.environ.get(GENERATOR_ENV):
        raise RuntimeError("create_partial() can only be called while generating the client (nexo db:generate)")
    model = cls.__prisma_model__
    where = f"{model}.create_partial({name!r})"
    if not isinstance(name, str) or not name.isidentifier():
        raise PartialError(f"{where}: the partial's name must be a Python identifier")
    if any(p["name"] == name for p in _PARTIALS):
        raise PartialError(f"{where}: a partial model named {name!r} was already created")
    if include is not None and exclude is not None:
        raise PartialError(f"{where}: give include or exclude, not both")
    if relations and exclude_relational_fields:
        raise PartialError(f"{where}: relations cannot be combined with exclude_relational_fields")
    fields = list(cls.model_fields)
    known = set(fields)

    def check(names: Iterable[str] | None, arg: str) -> set[str]:
        out = set(names or ())
        unknown = sorted(out - known)
        if unknown:
            raise PartialError(f"{where}: {arg} names fields that {model} does not have: {', '.join(unknown)}")
        return out

    inc, exc, req, opt = (
        check(include, "include"),
        check(exclude, "exclude"),
        check(required, "required"),
        check(optional, "optional"),
    )
    both = sorted(req & opt)
    if both:
        raise PartialError(f"{where}: fields cannot be both required and optional: {', '.join(both)}")
    rels = dict(relations or {})
    check(rels, "relations")
    for f in rels:
        if f not in relational_fields:
            raise PartialError(f"{where}: relations names {f!r}, which is not a relation field of {model}")
    if include is not None:
        chosen = [f for f in fields if f in inc]
    else:
        chosen = [f for f in fields if f not in exc]
    if exclude_relational_fields:
        chosen = [f for f in chosen if f not in relational_fields]
    missing = sorted((req | opt | set(rels)) - set(chosen))
    if missing:
        raise PartialError(
            f"{where}: fields left out of the partial cannot be made required, optional or related: {', '.join(missing)}"
        )
    _PARTIALS.append(
        {
            "name": name,
            "model": model,
            "fields": chosen,
            "required": sorted(req),
            "optional": sorted(opt),
            "relations": {k: rels[k] for k in sorted(rels)},
        }
    )


def collected_partials() -> str:
    """The partials recorded so far, as JSON (read by the generator)."""
    return json.dumps(_PARTIALS)
