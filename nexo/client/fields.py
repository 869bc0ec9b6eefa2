"""Value wrappers of Prisma Client Python: ``Json`` and ``Base64``."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, WithJsonSchema
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

#: the JSON schema of a ``Json`` value, as Prisma Client Python's (pydantic's ``Json``: JSON text)
JSON_SCHEMA: dict[str, Any] = {"type": "string", "contentMediaType": "application/json", "contentSchema": {}}

#: the type of a ``Json`` field on a model: any decoded JSON value, described in JSON schema as JSON text
JsonValue = Annotated[Any, WithJsonSchema(JSON_SCHEMA)]


class Json:
    """A JSON value to store in a ``Json`` field (``Json(None)`` stores JSON null, bare ``None`` SQL NULL)."""

    __slots__ = ("data",)

    def __init__(self, data: Any) -> None:
        self.data = data

    @classmethod
    def keys(cls, **data: Any) -> Json:
        return cls(data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Json) and other.data == self.data

    def __hash__(self) -> int:
        return hash(json.dumps(self.data, sort_keys=True, default=str))

    def __repr__(self) -> str:
        return f"Json({self.data!r})"

    # pydantic v2 (``validate()`` of input TypedDicts): a Json stays as it is; JSON text (str or
    # bytes) is parsed, as Prisma Client Python's ``fields.Json`` does; any other value is wrapped.
    @classmethod
    def _validate(cls, value: Any) -> Json:
        if isinstance(value, Json):
            return value
        if isinstance(value, (str, bytes)):
            try:
                return cls(json.loads(value))
            except ValueError:
                raise ValueError("expected JSON text") from None
        return cls(value)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda v: v.data, when_used="json"),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return dict(JSON_SCHEMA)


class Base64:
    """Bytes carried as base64 text, as Prisma Client Python does."""

    __slots__ = ("_raw",)

    def __init__(self, raw: bytes) -> None:
        self._raw = raw  # the base64 text, as bytes

    @classmethod
    def encode(cls, value: bytes) -> Base64:
        return cls(base64.b64encode(value))

    @classmethod
    def fromb64(cls, value: str | bytes) -> Base64:
        return cls(value.encode() if isinstance(value, str) else value)

    def decode(self) -> bytes:
        return base64.b64decode(self._raw)

    def decode_str(self, encoding: str = "utf-8") -> str:
        return self.decode().decode(encoding)

    def __str__(self) -> str:
        return self._raw.decode()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Base64) and other._raw == self._raw

    def __hash__(self) -> int:
        return hash(self._raw)

    def __repr__(self) -> str:
        return f"Base64({self._raw!r})"

    # pydantic v2: a model field typed Base64 takes a Base64, or base64 text as str or bytes (kept
    # as given, as Prisma Client Python does: decoding is what checks it), and serialises to base64
    # text in JSON mode.
    @classmethod
    def _validate(cls, value: Any) -> Base64:
        if isinstance(value, Base64):
            return value
        if isinstance(value, (str, bytes)):
            return cls(value.encode() if isinstance(value, str) else value)
        raise ValueError(f"expected Base64, or base64 text as str or bytes, got {type(value).__name__}")

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate,
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="json"),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "byte"}
