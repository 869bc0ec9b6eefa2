"""A Prisma datasource URL as the client's pool and connections take it, and connection errors as Prisma words them.

Prisma's PostgreSQL connector reads some query parameters itself; libpq must not see them. This
module maps them (no I/O):

=========================  ===================================================================
``connection_limit``       the pool's maximum size (a positive integer)
``pool_timeout``           seconds a query waits for a free pool connection (``0``: no limit)
``connect_timeout``        seconds to wait for a new connection (libpq's own parameter; ``0``: no limit)
``socket_timeout``         accepted and ignored (psycopg has no per-read timeout)
``sslmode``                libpq's (``disable``, ``allow``, ``prefer``, ``require``, ``verify-ca``,
                           ``verify-full``)
``schema``                 the connections' ``search_path``
``pgbouncer``              ``true``: a pooler in transaction mode is in front of PostgreSQL: no
                           prepared statements (see :mod:`nexo.client.pooler`)
``statement_cache_size``   how many prepared statements a connection keeps (``0``: none)
=========================  ===================================================================

A parameter with a value it cannot take is an :class:`~nexo.client.errors.EngineConnectionError`
with Prisma's code P1013 ("The provided database string is invalid"), naming the parameter.
:func:`connection_error` turns what libpq says when it cannot connect into Prisma's P1000 (wrong
credentials), P1001 (server not reachable) or P1003 (no such database).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from nexo.client.errors import EngineConnectionError
from nexo.db.urls import mask_text, mask_url, url_problem

#: what ``pool_timeout=0`` (no limit) becomes: psycopg_pool takes a number of seconds
NO_LIMIT_SECONDS = 365 * 24 * 3600.0
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
#: Prisma's parameters that are dropped without effect here
_IGNORED = ("socket_timeout", "sslaccept", "sslidentity", "max_connection_lifetime", "max_idle_connection_lifetime")


@dataclass(frozen=True)
class Datasource:
    """What the client takes from a datasource URL."""

    conninfo: str
    """The URL without Prisma's own parameters: what libpq gets."""
    search_path: str | None = None
    max_size: int | None = None
    pool_timeout: float | None = None
    pgbouncer: bool | None = None
    """``True``/``False`` when the URL says ``pgbouncer=``; ``None`` when it does not."""
    statement_cache_size: int | None = None


def invalid(url: str, detail: str) -> EngineConnectionError:
    err = EngineConnectionError(f"P1013: The provided database string is invalid. {detail} (URL: {mask_url(url)})")
    err.code = "P1013"
    return err


def _int(url: str, key: str, value: str, *, minimum: int, what: str) -> int:
    if re.fullmatch(r"\+?\d+", value.strip()) is None or int(value) < minimum:
        raise invalid(url, f"`{key}` must be {what}, got {value!r}.")
    return int(value)


def _bool(url: str, key: str, value: str) -> bool:
    low = value.strip().lower()
    if low in ("true", "1", "yes", "on"):
        return True
    if low in ("false", "0", "no", "off", ""):
        return False
    raise invalid(url, f"`{key}` must be true or false, got {value!r}.")


def parse_datasource(url: str) -> Datasource:
    """The :class:`Datasource` of a Prisma URL (a keyword/value conninfo string is taken as it is).

    A URL of another database system, or one whose password holds an unencoded ``@``, is P1013 here,
    before libpq could print its password (in a parse error, or as the host name it cannot resolve)."""
    problem = url_problem(url)
    if problem is not None:
        err = EngineConnectionError(f"P1013: {problem}")
        err.code = "P1013"
        raise err
    if "://" not in url:
        return Datasource(url)
    parts = urlsplit(url)
    keep: list[tuple[str, str]] = []
    found: dict[str, object] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "schema":
            found["search_path"] = value or None
        elif key == "connection_limit":
            found["max_size"] = _int(url, key, value, minimum=1, what="a positive integer (the pool's size)")
        elif key == "pool_timeout":
            found["pool_timeout"] = _seconds(url, key, value) or NO_LIMIT_SECONDS
        elif key == "connect_timeout":
            _seconds(url, key, value)
            keep.append((key, str(int(float(value)))))  # libpq takes whole seconds
        elif key == "sslmode":
            if value not in SSLMODES:
                raise invalid(url, f"`sslmode` must be one of {', '.join(SSLMODES)}, got {value!r}.")
            keep.append((key, value))
        elif key == "pgbouncer":
            found["pgbouncer"] = _bool(url, key, value)
        elif key == "statement_cache_size":
            found["statement_cache_size"] = _int(url, key, value, minimum=0, what="a non-negative integer")
        elif key in _IGNORED:
            continue
        else:
            keep.append((key, value))
    conninfo = urlunsplit(parts._replace(query=urlencode(keep)))
    return Datasource(conninfo, **found)  # type: ignore[arg-type]


def _seconds(url: str, key: str, value: str) -> float:
    try:
        s = float(value)
    except ValueError:
        s = -1.0
    if s < 0 or s != s:
        raise invalid(url, f"`{key}` must be a number of seconds (0 for no limit), got {value!r}.")
    return s


_AUTH = re.compile(r"(password authentication failed|authentication failed|no password supplied)", re.IGNORECASE)
_NO_DB = re.compile(r'database "([^"]*)" does not exist', re.IGNORECASE)


def _where(url: str) -> tuple[str, str, str]:
    """(host:port, user, database) of a URL or conninfo string, for messages."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        d = conninfo_to_dict(parse_datasource(url).conninfo)
    except Exception:
        d = {}
    host = str(d.get("host") or "localhost")
    port = str(d.get("port") or "5432")
    if "://" in url and not d:
        p = urlsplit(url)
        host, port = p.hostname or host, str(p.port or port)
        return f"{host}:{port}", unquote(p.username or ""), unquote(p.path.lstrip("/"))
    return f"{host}:{port}", str(d.get("user") or ""), str(d.get("dbname") or "")


def connection_error(url: str, exc: BaseException) -> EngineConnectionError:
    """What libpq's failure to connect means, as Prisma's P1000/P1001/P1003 (the password never shown)."""
    text = mask_text(str(exc)).strip()
    where, user, dbname = _where(url)
    if _AUTH.search(text):
        code, msg = (
            "P1000",
            f"Authentication failed for user `{user}` against the database server at `{where}`: "
            f"the credentials are not valid ({text})",
        )
    elif _NO_DB.search(text):
        code, msg = "P1003", f"Database `{dbname}` does not exist on the database server at `{where}` ({text})"
    else:
        code, msg = "P1001", f"Can't reach the database server at `{where}` ({text})"
    err = EngineConnectionError(f"{code}: {msg}")
    err.code = code
    return err
