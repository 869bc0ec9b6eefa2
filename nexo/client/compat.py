"""What Prisma Client Python 0.15 offers as ``prisma._compat`` and ``prisma.utils``.

User code and test harnesses written for Prisma Client Python import these helpers from the
generated package (``from prisma._compat import model_parse_json``, ``from prisma.utils import
get_or_create_event_loop``); the generated ``_compat.py`` and ``utils.py`` re-export them from here.
nexo requires pydantic 2, so the helpers are thin wrappers over pydantic 2's API.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import time
import typing
import warnings
from collections.abc import Callable, Coroutine, Iterator
from functools import cached_property as cached_property
from typing import Any, NoReturn, TypeVar, cast

import pydantic
from pydantic import BaseModel
from pydantic import ConfigDict as ConfigDict
from pydantic import GetCoreSchemaHandler as GetCoreSchemaHandler
from pydantic.fields import FieldInfo
from pydantic_core import CoreSchema as CoreSchema
from pydantic_core import core_schema as core_schema

_T = TypeVar("_T")
_ModelT = TypeVar("_ModelT", bound=BaseModel)

PYDANTIC_V2: bool = pydantic.VERSION.startswith("2.")
GenericModel = BaseModel
ENV_VAR_KEY = "$env"  # where Field(env=...) keeps the variable's name (json_schema_extra)
get_running_loop = asyncio.get_running_loop


# ---- pydantic models -------------------------------------------------------------------------


def model_fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    return model.model_fields


def model_field_type(field: FieldInfo) -> Any:
    return field.annotation


def is_field_required(field: FieldInfo) -> bool:
    return field.is_required()


def model_copy(model: _ModelT, deep: bool = False) -> _ModelT:
    return model.model_copy(deep=deep)


def model_json(model: BaseModel, *, indent: int | None = None, exclude: set[str] | None = None) -> str:
    return model.model_dump_json(indent=indent, exclude=exclude)


def model_dict(model: BaseModel, *, exclude: set[str] | None = None, exclude_unset: bool = False) -> dict[str, Any]:
    return model.model_dump(exclude=exclude, exclude_unset=exclude_unset)


def model_rebuild(model: type[BaseModel]) -> None:
    model.model_rebuild()


def model_parse(model: type[_ModelT], obj: Any) -> _ModelT:
    return model.model_validate(obj)


def model_parse_json(model: type[_ModelT], obj: str | bytes) -> _ModelT:
    return model.model_validate_json(obj)


def model_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def field_validator(
    field: str,
    /,
    *fields: str,
    pre: bool = False,
    check_fields: bool | None = None,
    always: bool | None = None,
    allow_reuse: bool | None = None,
) -> Callable[[_T], _T]:
    """pydantic's ``field_validator``, spelled the way pydantic 1's ``validator`` was (``pre=``)."""
    mode: Any = "before" if pre else "after"
    return cast("Callable[[_T], _T]", pydantic.field_validator(field, *fields, mode=mode, check_fields=check_fields))


def root_validator(*args: Any, pre: bool = False, skip_on_failure: bool = False, allow_reuse: bool = False) -> Any:
    """pydantic's ``model_validator``, spelled the way pydantic 1's ``root_validator`` was."""
    return pydantic.model_validator(mode="before" if pre else "after")


def Field(*, env: str | None = None, **extra: Any) -> Any:
    """``pydantic.Field`` that also records an environment variable (read by :class:`BaseSettings`)."""
    return pydantic.Field(**extra, json_schema_extra={ENV_VAR_KEY: env} if env else None)


class BaseSettings(BaseModel):
    """A model whose fields declared ``Field(env="NAME")`` default to that environment variable."""

    @pydantic.model_validator(mode="before")
    @classmethod
    def _from_environment(cls, values: Any) -> Any:
        if not isinstance(values, dict):
            return values
        for key, info in cls.model_fields.items():
            extra = info.json_schema_extra
            name = extra.get(ENV_VAR_KEY) if isinstance(extra, dict) else None
            if isinstance(name, str) and key not in values and name in os.environ:
                values[key] = os.environ[name]
        return values


BaseSettingsConfig = None
BaseConfig = None


# ---- typing helpers --------------------------------------------------------------------------

get_args = typing.get_args
get_origin = typing.get_origin
is_typeddict = typing.is_typeddict


def is_union(tp: Any) -> bool:
    import types

    return tp is typing.Union or tp is types.UnionType


def is_literal_type(tp: Any) -> bool:
    return typing.get_origin(tp) is typing.Literal


def removeprefix(string: str, prefix: str) -> str:
    return string.removeprefix(prefix)


def removesuffix(string: str, suffix: str) -> str:
    return string.removesuffix(suffix)


# ---- prisma.utils ----------------------------------------------------------------------------


def _env_bool(key: str) -> bool:
    return os.environ.get(key, "").lower() in {"1", "t", "true"}


DEBUG = _env_bool("PRISMA_PY_DEBUG")
DEBUG_GENERATOR = _env_bool("PRISMA_PY_DEBUG_GENERATOR")


def get_or_create_event_loop() -> asyncio.AbstractEventLoop:
    """The current thread's event loop; a new one (set as current) when there is none."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            return asyncio.get_event_loop()
        except RuntimeError:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            return loop


def async_run(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coro`` to completion on :func:`get_or_create_event_loop`'s loop."""
    return get_or_create_event_loop().run_until_complete(coro)


def is_coroutine(obj: Any) -> bool:
    return inspect.iscoroutinefunction(obj) or inspect.isgeneratorfunction(obj)


def maybe_async_run(func: Callable[..., Any], *args: Any, **kwargs: Any) -> object:
    if is_coroutine(func):
        return async_run(func(*args, **kwargs))
    return func(*args, **kwargs)


def time_since(start: float, precision: int = 4) -> str:
    return f"{round(time.monotonic() - start, precision)}s"


def setup_logging() -> None:
    if DEBUG:
        import logging

        logging.getLogger("prisma").setLevel(logging.DEBUG)


def module_exists(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


@contextlib.contextmanager
def temp_env_update(env: dict[str, str]) -> Iterator[None]:
    """Set the variables of ``env`` for the block, then restore the environment."""
    old = os.environ.copy()
    try:
        os.environ.update(env)
        yield
    finally:
        for key in env:
            os.environ.pop(key, None)
        os.environ.update(old)


@contextlib.contextmanager
def monkeypatch(obj: Any, attr: str, new: Callable[..., Any]) -> Iterator[None]:
    """Replace ``obj.attr`` for the block by ``new``, which receives the original as first argument."""
    old = getattr(obj, attr)

    def patched(*args: Any, **kwargs: Any) -> Any:
        return new(old, *args, **kwargs)

    setattr(obj, attr, patched)
    try:
        yield
    finally:
        setattr(obj, attr, old)


def assert_never(value: NoReturn) -> NoReturn:
    raise AssertionError(f"unhandled type: {type(value).__name__}")


__all__ = [
    "DEBUG",
    "DEBUG_GENERATOR",
    "ENV_VAR_KEY",
    "PYDANTIC_V2",
    "BaseConfig",
    "BaseSettings",
    "BaseSettingsConfig",
    "ConfigDict",
    "CoreSchema",
    "Field",
    "GenericModel",
    "GetCoreSchemaHandler",
    "assert_never",
    "async_run",
    "cached_property",
    "core_schema",
    "field_validator",
    "get_args",
    "get_or_create_event_loop",
    "get_origin",
    "get_running_loop",
    "is_coroutine",
    "is_field_required",
    "is_literal_type",
    "is_typeddict",
    "is_union",
    "maybe_async_run",
    "model_copy",
    "model_dict",
    "model_field_type",
    "model_fields",
    "model_json",
    "model_json_schema",
    "model_parse",
    "model_parse_json",
    "model_rebuild",
    "module_exists",
    "monkeypatch",
    "removeprefix",
    "removesuffix",
    "root_validator",
    "setup_logging",
    "temp_env_update",
    "time_since",
]
