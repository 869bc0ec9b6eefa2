"""``validate(type, data)``: Prisma Client Python's check of untrusted data against a generated TypedDict.

The TypedDict (``types.UserCreateInput``, ``types.PostWhereInput``, ...) is turned into a pydantic
v2 validator once (cached per type) with extra keys forbidden at every level; the result is a plain
dict holding only the keys given, with values coerced as pydantic does (``1`` for a ``float`` field
becomes ``1.0``). Invalid data raises ``pydantic.ValidationError``; a type that is not a TypedDict
raises ``TypeError``.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ConfigDict, create_model
from typing_extensions import is_typeddict  # recognises typing and typing_extensions TypedDicts

__all__ = ["validate"]

T = TypeVar("T")

_CONFIG = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


@functools.cache
def _model(typ: Any) -> type[BaseModel]:
    # a model holding the TypedDict: its config (extra keys forbidden) applies to every nested
    # TypedDict, which has no config of its own (pydantic refuses a TypeAdapter config for one)
    return create_model(getattr(typ, "__name__", "Input"), __config__=_CONFIG, data=(typ, ...))


def validate(type: type[T], data: Any) -> T:
    """Validate untrusted ``data`` against the generated TypedDict ``type``; returns the validated dict.

    ``validated = validate(types.UserCreateInput, payload); await db.user.create(data=validated)``"""
    if not is_typeddict(type):
        raise TypeError(f"Only TypedDict types are supported, got: {type} instead.")
    return cast(T, _model(type).model_validate({"data": data}).data)  # type: ignore[attr-defined, arg-type]
