"""Partial-index predicates (Prisma 7's ``where:``): when two spellings are the same predicate.

A schema holds the predicate as written (``raw("status = 'active'")``, or the SQL nexo derives from
``{ active: true }``); PostgreSQL stores it parsed and prints it back its own way (``pg_get_expr``):
``(status = 'active'::text)``, ``("isActive" = true)``. :func:`canonical` folds what PostgreSQL's printing
changes without changing the meaning: parentheses, blanks, the case of words and identifiers outside
string literals, double quotes around identifiers, ``!=`` (printed ``<>``) and the casts it adds to
literals and columns (``::text``, ``::"Role"``, ``::character varying``). Rewrites beyond that
(``IN (…)`` printed as ``= ANY (ARRAY[…])``, ``BETWEEN`` expanded) are not folded: such a predicate reads
as changed, and the index is recreated, which is safe.
"""

from __future__ import annotations

import re

# a cast: ``::`` then a (possibly schema-qualified, quoted or multi-word) type name, a modifier, array brackets
_CAST = re.compile(
    r"""::\s*(?:"(?:[^"]|"")*"|[a-z_][a-z0-9_$]*)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[a-z_][a-z0-9_$]*))?"""
    r"""(?:\s+(?:varying|precision|without\s+time\s+zone|with\s+time\s+zone))?"""
    r"""(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?(?:\s*\[\s*\])*""",
    re.IGNORECASE,
)
_STRING = re.compile(r"[eE]?'(?:[^']|'')*'")


def canonical(predicate: str) -> str:
    """``predicate`` with PostgreSQL's printing differences folded (see the module documentation)."""
    out: list[str] = []
    pos = 0
    for m in _STRING.finditer(predicate):
        out.append(_fold(predicate[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_fold(predicate[pos:]))
    return "".join(out)


def _fold(code: str) -> str:
    code = _CAST.sub("", code)
    code = code.replace("!=", "<>").replace('"', "")
    return re.sub(r"[\s()]+", "", code).lower()


def same(a: str | None, b: str | None) -> bool:
    """True when both are absent, or both are the same predicate up to PostgreSQL's printing."""
    if a is None or b is None:
        return a is b
    return a == b or canonical(a) == canonical(b)
