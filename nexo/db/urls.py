"""Database URLs: masking passwords for output, and small helpers around libpq conninfo."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

_MASK = "****"
# scheme://user:password@host  (password is everything up to the last @ before the host part)
# (greedy up to the last @ before the path: a password with an unencoded @ is masked whole)
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)(?P<pw>[^\s/]+)(?P<at>@)")
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


#: URL schemes of PostgreSQL (libpq's and Prisma's)
POSTGRES_SCHEMES = frozenset(("postgresql", "postgres"))


def foreign_scheme(url: str) -> str | None:
    """The scheme of a URL that is not PostgreSQL's (``mysql``, ``sqlserver``, ``file``, ``prisma+postgres``),
    else ``None`` (a PostgreSQL URL, or a keyword/value conninfo string)."""
    m = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    if m is None or ("://" not in url and m[1].lower() != "file"):
        return None
    scheme = m[1].lower()
    return None if scheme in POSTGRES_SCHEMES else scheme


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a PostgreSQL URL nexo connects with, in words safe to print (the password
    masked), or ``None``: another database system's scheme, or an ``@`` in the user name or password that
    is not percent-encoded (libpq would split at the first one and show the rest of the password as the
    host name)."""
    scheme = foreign_scheme(url)
    if scheme is not None:
        return (
            f"The database URL {mask_url(url)} is a {scheme}:// URL: nexo supports PostgreSQL only "
            "(a postgresql:// or postgres:// URL)."
        )
    if "://" in url and url.split("://", 1)[1].split("/", 1)[0].count("@") > 1:
        return (
            f"The database URL {mask_url(url)} has an @ in its user name or password that is not "
            "percent-encoded: write every @ of the password as %40."
        )
    return None


def database_name(url: str) -> str:
    """The database name a URL or conninfo string points at ('' when unspecified)."""
    try:
        from psycopg.conninfo import conninfo_to_dict  # psycopg only where a conninfo string is parsed

        return str(conninfo_to_dict(prisma_url_to_libpq(url)[0]).get("dbname", "") or "")
    except Exception:  # an unparsable URL has no name we can trust
        return unquote(urlsplit(url).path.lstrip("/"))


def with_database(url: str, dbname: str) -> str:
    """The same server and credentials, another database (``dbname`` as it is named; a URL gets it
    percent-encoded, so any name works)."""
    if "://" in url:
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + quote(dbname, safe=""), parts.query, parts.fragment))
    from psycopg.conninfo import make_conninfo

    return make_conninfo(url, dbname=dbname)


def with_user(url: str, user: str, password: str | None = None) -> str:
    """The same server and database, connecting as another role."""
    params = {"user": user}
    if password is not None:
        params["password"] = password
    from psycopg.conninfo import make_conninfo

    return make_conninfo(url, **params)


#: query parameters of a Prisma PostgreSQL URL that libpq does not take (Prisma's engines read them)
PRISMA_ONLY_PARAMS = frozenset(
    (
        "schema",
        "connection_limit",
        "pool_timeout",
        "socket_timeout",
        "pgbouncer",
        "statement_cache_size",
        "sslidentity",
        "sslaccept",
        "max_connection_lifetime",
        "max_idle_connection_lifetime",
    )
)
#: parameters naming a file, which Prisma resolves against the schema's folder when relative
_PATH_PARAMS = ("sslcert", "sslrootcert")


def prisma_url_to_libpq(url: str, config_dir: Path | None = None) -> tuple[str, str]:
    """A Prisma PostgreSQL URL as libpq takes it, and the schema Prisma works in.

    Prisma-only parameters (:data:`PRISMA_ONLY_PARAMS`) are dropped; ``schema`` gives the schema
    (``public`` when absent, as for Prisma). With ``config_dir`` (the schema's folder), relative
    ``sslcert``/``sslrootcert`` paths become absolute there. A keyword/value conninfo string is
    returned as it is.
    """
    if "://" not in url:
        return url, "public"
    parts = urlsplit(url)
    schema = "public"
    given = parse_qsl(parts.query, keep_blank_values=True)
    keep = []
    for key, value in given:
        if key == "schema":
            schema = value or "public"
        elif key in PRISMA_ONLY_PARAMS:
            continue
        elif key in _PATH_PARAMS and config_dir is not None and value and not Path(value).is_absolute():
            keep.append((key, str(config_dir / value)))
        else:
            keep.append((key, value))
    if keep == given:
        return url, schema
    return urlunsplit(parts._replace(query=urlencode(keep))), schema


def url_schema(url: str) -> str | None:
    """The schema a Prisma URL names with ``?schema=`` (None when it names none, or for a conninfo string)."""
    if "://" not in url:
        return None
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key == "schema":
            return value or None
    return None
