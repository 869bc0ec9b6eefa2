"""Turning Python values into query parameters and database values into Python values.

Encoders are chosen per field (type and native ``db_type``); decoders accept both what psycopg
returns for a column and what PostgreSQL writes into JSON (relations are loaded as JSON), and
return the Python types Prisma Client Python models hold: ``Decimal``, UTC-aware ``datetime``,
``bytes``, ``int`` for BigInt, enum value names.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Context, Decimal
from enum import Enum
from typing import Any

from psycopg.types.json import Jsonb

from nexo.client.fields import Base64, Json
from nexo.client.meta import FieldMeta, SchemaMeta
from nexo.db.ident import quote_ident

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any] | None

_PG_TYPES = {
    "String": "text",
    "Int": "integer",
    "BigInt": "bigint",
    "Float": "double precision",
    "Decimal": "numeric",
    "Boolean": "boolean",
    "DateTime": "timestamp",
    "Json": "jsonb",
    "Bytes": "bytea",
}
_NATIVE = {
    "uuid": "uuid",
    "timestamptz": "timestamptz",
    "timestamp": "timestamp",
    "date": "date",
    "time": "time",
    "timetz": "timetz",
    "numeric": "numeric",
    "json": "json",
    "jsonb": "jsonb",
    "citext": "citext",
    "inet": "inet",
    "real": "real",
    "smallint": "smallint",
    "integer": "integer",
    "bigint": "bigint",
    "xml": "xml",
}


def pg_type(f: FieldMeta, meta: SchemaMeta) -> str:
    """The SQL type used to cast a parameter for ``f`` (element type for lists)."""
    if f.kind == "enum":
        e = meta.enums.get(f.type)
        name = e.db_name if e else f.type
        return (quote_ident(e.schema) + "." if e and e.schema else "") + quote_ident(name)
    if f.db_type and f.db_type.lower() in _NATIVE:
        return _NATIVE[f.db_type.lower()]
    return _PG_TYPES.get(f.type, "text")


def _to_utc(v: datetime) -> datetime:
    if v.tzinfo is None:
        v = v.replace(tzinfo=UTC)
    else:
        v = v.astimezone(UTC)
    return v.replace(microsecond=(v.microsecond // 1000) * 1000)


def _enc_datetime(db_type: str | None) -> Encoder:
    kind = (db_type or "timestamp").lower()

    def enc(v: Any) -> Any:
        if v is None:
            return None
        if isinstance(v, str):
            v = datetime.fromisoformat(v.replace("Z", "+00:00"))
        if isinstance(v, datetime):
            u = _to_utc(v)
            if kind == "date":
                return u.date()
            if kind == "timestamptz":
                return u
            return u.replace(tzinfo=None)
        if isinstance(v, date):
            return v
        return v

    return enc


def _json_default(v: Any) -> Any:
    what = v if isinstance(v, type) else type(v)
    raise TypeError(f"Type {what} not serializable")


def json_dumps(v: Any) -> str:
    """JSON text of a ``Json`` value; a value JSON cannot hold raises ``TypeError: Type <...> not serializable``."""
    return json.dumps(v, default=_json_default)


def _enc_json(v: Any) -> Any:
    if isinstance(v, Json):
        v = v.data
    elif v is None:
        return None
    return Jsonb(v, dumps=json_dumps)


def _enc_json_element(v: Any) -> Any:
    """One element of a ``Json[]`` value (JSON null for None: a jsonb[] element is a JSON value)."""
    return Jsonb(v.data if isinstance(v, Json) else v, dumps=json_dumps)


def _enc_bytes(v: Any) -> Any:
    if isinstance(v, Base64):
        return v.decode()
    if isinstance(v, str):
        return base64.b64decode(v)
    return v


def _enc_decimal(v: Any) -> Any:
    if v is None or isinstance(v, Decimal):
        return v
    return Decimal(str(v))


def _enc_enum(values: dict[str, str]) -> Encoder:
    def enc(v: Any) -> Any:
        if v is None:
            return None
        key = v.value if isinstance(v, Enum) else v
        try:
            return values[key]
        except KeyError:
            if key in values.values():
                return key
            from nexo.client.errors import DataError

            raise DataError(f"Invalid enum value {key!r}; expected one of {sorted(values)}", code="P2007") from None

    return enc


def identity(v: Any) -> Any:
    return v


_identity = identity


def _enc_str(v: Any) -> Any:
    return str(v) if isinstance(v, uuid.UUID) else v


def scalar_encoder(f: FieldMeta, meta: SchemaMeta) -> Encoder:
    """Encoder for one element of ``f`` (not the list)."""
    if f.kind == "enum":
        e = meta.enums.get(f.type)
        return _enc_enum(e.values if e else {})
    t = f.type
    if t == "DateTime":
        return _enc_datetime(f.db_type)
    if t == "Json":
        return _enc_json
    if t == "Bytes":
        return _enc_bytes
    if t == "Decimal":
        return _enc_decimal
    if t == "String":
        return _enc_str
    return _identity


def field_encoder(f: FieldMeta, meta: SchemaMeta) -> Encoder:
    """Encoder for a whole value of ``f`` (lists element by element)."""
    one = scalar_encoder(f, meta)
    if not f.is_list:
        return one
    if f.type == "Json":
        return lambda v: None if v is None else [_enc_json_element(x) for x in v]
    if one is _identity:
        return lambda v: None if v is None else list(v)
    return lambda v: None if v is None else [one(x) for x in v]


def _enc_datetime_write(v: Any) -> Any:
    """A datetime written to a timestamp/timestamptz column: the connection runs in UTC, so
    PostgreSQL converts an aware value itself and a naive one already means UTC; only Prisma's
    millisecond precision is applied here."""
    if type(v) is datetime:
        us = v.microsecond % 1000
        return v.replace(microsecond=v.microsecond - us) if us else v
    return _enc_datetime(None)(v)


def write_encoder(f: FieldMeta, meta: SchemaMeta) -> Encoder:
    """Encoder for a value written by INSERT/UPDATE (a filter value goes through :func:`scalar_encoder`,
    which converts datetimes to the column's own type so indexes stay usable)."""
    if f.type == "DateTime" and not f.is_list and (f.db_type or "timestamp").lower() in ("timestamp", "timestamptz"):
        return _enc_datetime_write
    return field_encoder(f, meta)


def list_encoder(f: FieldMeta, meta: SchemaMeta) -> Encoder:
    """Encoder for a list of values for ``f`` (the argument of ``in``/``has_some``)."""
    one = scalar_encoder(f, meta)
    if f.type == "Json":
        return lambda v: [_enc_json_element(x) for x in v]
    return lambda v: [one(x) for x in v]


# ---------------------------------------------------------------- decoding


def _dec_datetime(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, str):
        if len(v) == 10:
            return datetime.fromisoformat(v).replace(tzinfo=UTC)
        v = datetime.fromisoformat(v)
    if isinstance(v, datetime):
        return v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day, tzinfo=UTC)
    return v


_DECIMAL_CONTEXT = Context(prec=1000)  # normalising never rounds, whatever the caller's decimal context
_ONE = Decimal(1)


def _dec_decimal(v: Any) -> Any:
    """A Decimal as Prisma returns it: without the column's padding (``numeric(65,30)`` gives
    ``0.142857142857142900000000000000``, Prisma ``0.1428571428571429``), never in exponent form."""
    if v is None:
        return None
    if not isinstance(v, Decimal):
        v = Decimal(str(v))
    if not v.is_finite():
        return v
    n = v.normalize(_DECIMAL_CONTEXT)
    return n.quantize(_ONE, context=_DECIMAL_CONTEXT) if n.as_tuple().exponent > 0 else n


def _dec_bytes(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, str):
        if v.startswith("\\x"):
            return bytes.fromhex(v[2:])
        return base64.b64decode(v)
    return bytes(v)


def _dec_base64(v: Any) -> Any:
    b = _dec_bytes(v)
    return None if b is None else Base64.encode(b)


def _dec_float(v: Any) -> Any:
    return None if v is None else float(v)


def _dec_str(v: Any) -> Any:
    return str(v) if isinstance(v, uuid.UUID) else v


def _dec_enum(values: dict[str, str]) -> Decoder:
    rev = {db: name for name, db in values.items()}
    return lambda v: None if v is None else rev.get(v, v)


def scalar_decoder(f: FieldMeta, meta: SchemaMeta) -> Decoder:
    """Decoder for one element of ``f``; ``None`` means the value is already right."""
    if f.kind == "enum":
        e = meta.enums.get(f.type)
        vals = e.values if e else {}
        if all(k == v for k, v in vals.items()):
            return None
        return _dec_enum(vals)
    t = f.type
    if t == "DateTime":
        return _dec_datetime
    if t == "Decimal":
        return _dec_decimal
    if t == "Bytes":
        return _dec_base64 if meta.base64_bytes else _dec_bytes
    if t == "Float":
        return _dec_float
    if t == "String" and (f.db_type or "").lower() == "uuid":
        return _dec_str
    return None


def field_decoder(f: FieldMeta, meta: SchemaMeta) -> Decoder:
    """Decoder for a whole value of ``f``."""
    one = scalar_decoder(f, meta)
    if not f.is_list:
        return one
    if one is None:
        return lambda v: [] if v is None else v
    return lambda v: [] if v is None else [one(x) for x in v]


def _dec_iso_utc(v: Any) -> Any:
    """A timestamp rendered by PostgreSQL into JSON with its offset (the session runs in UTC)."""
    if v is None:
        return None
    d = datetime.fromisoformat(v)
    if d.tzinfo is None:  # a date, or a timestamp rendered without offset
        return _dec_datetime(d if len(v) > 10 else v)
    return d if not d.utcoffset() else d.astimezone(UTC)


def _dec_date_column(v: Any) -> Any:
    return None if v is None else datetime(v.year, v.month, v.day, tzinfo=UTC)


_PLAIN_TEXT = ("text", "varchar", "char")


def select_column(f: FieldMeta, meta: SchemaMeta, col: str, as_json: bool) -> tuple[str, Decoder]:
    """The SQL expression selecting ``f`` from column ``col`` and the decoder for what it returns.

    Work is pushed into the statement where PostgreSQL does it for free: ``timestamp`` values come
    back as ``timestamptz`` (the client's connections run with ``TimeZone=UTC``, so psycopg hands out
    UTC-aware datetimes with no Python decoder), NULL scalar lists as ``'{}'``, enum lists as
    ``text[]`` and, inside JSON, decimals as text (no float rounding). ``as_json``: the value is
    read back from a JSON document (included relations) rather than from a column."""
    kind = (f.db_type or "timestamp").lower()
    expr = col
    if f.kind == "enum" or (f.type == "String" and (f.db_type or "text").lower() not in _PLAIN_TEXT):
        # enums and String columns of other SQL types (uuid, citext, inet, ...) are read as text
        expr = f"{col}::text[]" if f.is_list else f"{col}::text"
    elif as_json and f.type == "Decimal":
        expr = f"{col}::text[]" if f.is_list else f"{col}::text"
    elif f.type == "DateTime" and kind == "timestamp" and not f.is_list:
        expr = f"({col} AT TIME ZONE 'UTC')"
    if f.is_list:
        expr = f"COALESCE({expr}, '{{}}')"
    if as_json:
        one = _dec_iso_utc if f.type == "DateTime" else scalar_decoder(f, meta)
    elif f.type == "DateTime":
        one = _dec_datetime if f.is_list else (_dec_date_column if kind == "date" else None)
    elif f.kind == "enum" or f.type in ("Bytes", "Decimal"):
        one = scalar_decoder(f, meta)
    else:
        one = None
    if one is None:
        return expr, None
    if f.is_list:
        return expr, lambda v, one=one: [one(x) for x in v]
    return expr, one


def raw_value(v: Any) -> Any:
    """Prisma Client Python's decoding of raw query values: ISO strings, floats, base64 text."""
    if isinstance(v, datetime):
        return (v if v.tzinfo else v.replace(tzinfo=UTC)).isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (bytes, memoryview)):
        return base64.b64encode(bytes(v)).decode()
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, list):
        return [raw_value(x) for x in v]
    return v


def raw_param(v: Any) -> Any:
    """A raw-query argument as psycopg should bind it."""
    if isinstance(v, Json):
        return Jsonb(v.data)
    if isinstance(v, Base64):
        return v.decode()
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, dict):
        return Jsonb(v)
    return v
