"""What each SQL-layer file created: a catalog snapshot before and after it runs.

An object is ``(kind, schema, table, name)``: ``table`` is the table an index, column, constraint,
trigger or policy belongs to (``""`` for the others). The difference of the two snapshots is stored
with the file's row in ``migration_history.objects``; :func:`owned_objects` is the union over the
applied files. Drift checks and ``db:push`` leave these objects alone (they are the SQL layer's, not
``schema.prisma``'s), unless the schema declares them too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

Obj = tuple[str, str, str, str]

_USER_NS = """n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp\\_%%'"""

_SNAPSHOT = f"""
SELECT CASE WHEN c.relkind IN ('r', 'p') THEN 'table' WHEN c.relkind IN ('v', 'm') THEN 'view'
            WHEN c.relkind = 'S' THEN 'sequence' ELSE 'index' END,
       n.nspname,
       CASE WHEN c.relkind IN ('i', 'I') THEN coalesce((SELECT t.relname FROM pg_index i JOIN pg_class t
                                                          ON t.oid = i.indrelid WHERE i.indexrelid = c.oid), '')
            ELSE '' END,
       c.relname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'i', 'I') AND {_USER_NS}
UNION ALL
SELECT 'column', n.nspname, c.relname, a.attname
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND {_USER_NS}
UNION ALL
SELECT 'constraint', n.nspname, coalesce(c.relname, ''), k.conname
  FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace LEFT JOIN pg_class c ON c.oid = k.conrelid
 WHERE {_USER_NS}
UNION ALL
SELECT 'function', n.nspname, '', p.oid::regprocedure::text
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE {_USER_NS}
UNION ALL
SELECT 'trigger', n.nspname, c.relname, t.tgname
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT t.tgisinternal AND {_USER_NS}
UNION ALL
SELECT 'policy', n.nspname, c.relname, p.polname
  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE {_USER_NS}
UNION ALL
SELECT 'enum', n.nspname, '', t.typname
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE t.typtype = 'e' AND {_USER_NS}
UNION ALL
SELECT 'extension', '', '', e.extname FROM pg_extension e
"""


def snapshot(conn: psycopg.Connection) -> frozenset[Obj]:
    """Every user object of the database, as ``(kind, schema, table, name)``."""
    return frozenset((str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in conn.execute(_SNAPSHOT).fetchall())


def created(before: frozenset[Obj], after: frozenset[Obj]) -> list[Obj]:
    """The objects of ``after`` that ``before`` lacks, sorted (what the file created)."""
    return sorted(after - before)


def to_json(objects: Iterable[Obj]) -> str:
    return json.dumps([list(o) for o in objects])


def from_json(value: object) -> list[Obj]:
    """The objects stored in ``migration_history.objects`` (a list of 4-element lists; ``None``: none)."""
    if value is None:
        return []
    data = json.loads(value) if isinstance(value, str) else value
    out: list[Obj] = []
    if isinstance(data, list):
        for item in data:
            if isinstance(item, list) and len(item) == 4:
                out.append((str(item[0]), str(item[1]), str(item[2]), str(item[3])))
    return out
