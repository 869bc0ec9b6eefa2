"""Database URLs: masking passwords for output, and small helpers around libpq conninfo."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit


_MASK = "****"
# scheme://user:password@host  (password is everything up to the last @ before the host part)
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)(?P<pw>[^@\s]+)(?P<at>@)")
# password=secret in a keyword/value conninfo, or ?password=secret in a URL query
_KV_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'|[^\s&]+)", re.IGNORECASE)


def mask_url(url: str | None) -> str:
    """The URL with any password replaced by ``****``; safe to print."""
    if not url:
        return ""
    return mask_text(url)


def mask_text(text: str) -> str:
    """Replace every password that appears in URLs or conninfo strings inside ``text``."""
    text = _URL_PASSWORD.sub(lambda m: m["head"] + _MASK + m["at"], text)
    return _KV_PASSWORD.sub(lambda m: m["head"] + _MASK, text)


def database_name(url: str) -> str:
    """The database name a URL or conninfo string points at ('' when unspecified)."""
    try:
        from psycopg.conninfo import conninfo_to_dict  # psycopg only where a conninfo string is parsed

        return str(conninfo_to_dict(url).get("dbname", "") or "")
    except Exception:  # an unparsable URL has no name we can trust
        return urlsplit(url).path.lstrip("/")


def with_database(url: str, dbname: str) -> str:
    """The same server and credentials, another database."""
    if "://" in url:
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))
    from psycopg.conninfo import make_conninfo

    return make_conninfo(url, dbname=dbname)


def with_user(url: str, user: str, password: str | None = None) -> str:
    """The same server and database, connecting as another role."""
    params = {"user": user}
    if password is not None:
        params["password"] = password
    from psycopg.conninfo import make_conninfo

    return make_conninfo(url, **params)
