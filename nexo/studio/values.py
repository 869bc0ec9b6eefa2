"""Values between the page and the client: text typed in a form or a URL becomes the value the client
expects for a field's type (:func:`parse`), and a value read back becomes text or HTML (:func:`text`,
:func:`cell`)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any

from nexo.client.fields import Base64
from nexo.client.meta import FieldMeta


class BadValue(ValueError):
    """A text that is not a value of the field's type (the message says what was expected)."""


def _one(f: FieldMeta, raw: str) -> Any:
    t = f.type
    try:
        if f.kind == "enum" or t == "String":
            return raw
        if t in ("Int", "BigInt"):
            return int(raw)
        if t == "Float":
            return float(raw)
        if t == "Decimal":
            return Decimal(raw)
        if t == "Boolean":
            low = raw.strip().lower()
            if low in ("true", "1", "yes", "t"):
                return True
            if low in ("false", "0", "no", "f"):
                return False
            raise ValueError(raw)
        if t == "DateTime":
            s = raw.strip().replace(" ", "T", 1)
            if s.endswith("Z"):
                s = s[:-1] + "+00:00"
            d = datetime.fromisoformat(s)
            return d if d.tzinfo else d.replace(tzinfo=UTC)
        if t == "Json":
            return json.loads(raw)
        if t == "Bytes":
            return Base64.fromb64(base64.b64encode(base64.b64decode(raw, validate=True)))
    except (ValueError, InvalidOperation, json.JSONDecodeError) as exc:
        raise BadValue(f"not a valid {t}: {raw!r}") from exc
    return raw


def parse(f: FieldMeta, raw: str) -> Any:
    """The value of ``f`` written as ``raw`` (a list is a JSON array, or one item per line)."""
    if f.is_list:
        s = raw.strip()
        if not s:
            return []
        if s.startswith("["):
            try:
                items = json.loads(s)
            except json.JSONDecodeError as exc:
                raise BadValue(f"not a JSON array: {exc}") from exc
            return [_one(f, i if isinstance(i, str) else json.dumps(i)) for i in items]
        return [_one(f, line) for line in s.splitlines() if line.strip()]
    return _one(f, raw)


def _utc(d: datetime | date) -> str:
    if isinstance(d, datetime):
        if d.tzinfo is None:
            d = d.replace(tzinfo=UTC)
        return d.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return d.isoformat()


def plain(value: Any) -> Any:
    """A JSON-able form of a value read from the client (for URLs, exports and JSON)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return _utc(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Base64):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return str(value)


def text(f: FieldMeta, value: Any) -> str:
    """The text a form shows for ``value`` (what :func:`parse` reads back)."""
    if value is None:
        return ""
    if f.is_list:
        return json.dumps(plain(value), ensure_ascii=False)
    if f.type == "Json":
        return json.dumps(plain(value), indent=2, ensure_ascii=False)
    p = plain(value)
    return p if isinstance(p, str) else json.dumps(p)


def cell(f: FieldMeta, value: Any, *, full: bool = False) -> str:
    """HTML for a value in a table cell (``full``: the record page, Json pretty-printed)."""
    if value is None:
        return '<span class="null">NULL</span>'
    if f.is_list:
        items = ", ".join(escape(str(plain(v))) for v in value)
        return f'<span class="list">[{items}]</span>'
    if f.kind == "enum":
        return f'<span class="enum">{escape(str(value))}</span>'
    if f.type == "DateTime":
        utc = _utc(value)
        return f'<time datetime="{escape(utc)}" class="dt">{escape(utc)}</time>'
    if f.type == "Json":
        if full:
            return f'<pre class="json">{escape(json.dumps(plain(value), indent=2, ensure_ascii=False))}</pre>'
        s = json.dumps(plain(value), ensure_ascii=False)
        return f'<code class="json" title="{escape(s)}">{escape(s[:80] + ("…" if len(s) > 80 else ""))}</code>'
    if f.type == "Bytes":
        s = str(plain(value))
        return f'<code class="bytes" title="base64">{escape(s if full else s[:60])}</code>'
    if f.type == "Boolean":
        return f'<span class="bool">{"true" if value else "false"}</span>'
    s = str(plain(value))
    if not full and len(s) > 120:
        return f'<span title="{escape(s)}">{escape(s[:120])}…</span>'
    return escape(s)
