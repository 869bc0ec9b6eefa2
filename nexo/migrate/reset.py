"""``db:reset``: empty the target schema(s), and the guards that decide whether a reset may run.

:func:`clean_schemas` drops every object in the given schemas, in one transaction: views, tables
(with their policies, triggers, grants and RLS flags), sequences, functions and procedures, types
and domains, collations and the extensions installed there (``_prisma_migrations`` and the SQL
layer's ``migration_history`` are tables like the others). The schemas themselves stay, with their
owner and privileges; roles are cluster-wide and are never touched. Anything still there afterwards
(an object of a kind nexo does not drop) rolls the whole transaction back and raises P3016, so a
reset never stops half way.

:func:`check_reset_allowed` is the policy: a database whose name contains ``prod`` needs an explicit
production flag; otherwise ``force`` or the embedded server skip the question; on a terminal the user
is asked; without one the reset is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nexo.migrate.errors import OperationCancelled, ResetIncomplete, ResetRefused

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql

#: the flag ``db:reset`` needs for a database whose name contains "prod"
PRODUCTION_FLAG = "--i-know-this-is-production"

#: (explanation, question) -> yes?
Confirm = Callable[[str, str], bool]

_NOT_EXTENSION_MEMBER = (
    "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = {catalog}::regclass AND d.objid = {oid}"
    " AND d.deptype = 'e')"
)


def _member_filter(catalog: str, oid: str) -> str:
    return _NOT_EXTENSION_MEMBER.format(catalog=f"'{catalog}'", oid=oid)


@dataclass
class CleanResult:
    """What :func:`clean_schemas` dropped, per kind (names as ``schema.name``)."""

    dropped: dict[str, list[str]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.dropped.values())

    def add(self, kind: str, name: str) -> None:
        self.dropped.setdefault(kind, []).append(name)


def _q(schema: str, name: str) -> sql.Composed:
    from psycopg import sql

    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(name))


def existing_schemas(conn: psycopg.Connection, schemas: Sequence[str]) -> list[str]:
    rows = conn.execute(
        "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname = ANY(%s)", (list(schemas),)
    ).fetchall()
    found = {r[0] for r in rows}
    return [s for s in dict.fromkeys(schemas) if s in found]


def leftovers(conn: psycopg.Connection, schema: str) -> list[str]:
    """Objects still in ``schema`` that a reset should have dropped (extension members excluded)."""
    rows = conn.execute(
        f"""
        SELECT 'relation ' || c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = %(s)s AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND {_member_filter("pg_class", "c.oid")}
        UNION ALL
        SELECT 'function ' || p.proname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = %(s)s AND {_member_filter("pg_proc", "p.oid")}
        UNION ALL
        SELECT 'type ' || t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname = %(s)s AND {_member_filter("pg_type", "t.oid")}
           AND (t.typtype IN ('e', 'd', 'r')
                OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c'))
        ORDER BY 1
        """,
        {"s": schema},
    ).fetchall()
    return [f"{schema}: {r[0]}" for r in rows]


def _drop_all(conn: psycopg.Connection, schema: str, result: CleanResult) -> None:
    from psycopg import sql

    s = {"s": schema}
    # relations: views first, then tables (CASCADE takes dependent views, policies, triggers, owned sequences)
    rels = conn.execute(
        f"""
        SELECT c.relname, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = %(s)s AND c.relkind IN ('v', 'm', 'r', 'p', 'f', 'S') AND NOT c.relispartition
           AND {_member_filter("pg_class", "c.oid")}
         ORDER BY CASE c.relkind WHEN 'v' THEN 0 WHEN 'm' THEN 1 WHEN 'f' THEN 2 WHEN 'p' THEN 3 WHEN 'r' THEN 4 ELSE 5 END,
                  c.relname
        """,
        s,
    ).fetchall()
    words = {
        "v": ("VIEW", "view"),
        "m": ("MATERIALIZED VIEW", "materialized view"),
        "f": ("FOREIGN TABLE", "table"),
        "p": ("TABLE", "table"),
        "r": ("TABLE", "table"),
        "S": ("SEQUENCE", "sequence"),
    }
    for name, kind in rels:
        keyword, label = words[kind]
        conn.execute(sql.SQL("DROP " + keyword + " IF EXISTS {} CASCADE").format(_q(schema, name)))
        result.add(label, f"{schema}.{name}")
    procs = conn.execute(
        f"""
        SELECT p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid), p.prokind
          FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = %(s)s AND {_member_filter("pg_proc", "p.oid")}
         ORDER BY p.proname, 2
        """,
        s,
    ).fetchall()
    for name, args, kind in procs:
        keyword = {"p": "PROCEDURE", "a": "AGGREGATE"}.get(kind, "FUNCTION")
        signature = "*" if kind == "a" and not args else args
        conn.execute(
            sql.Composed(
                [
                    sql.SQL(f"DROP {keyword} IF EXISTS "),
                    _q(schema, name),
                    sql.SQL("(" + signature + ") CASCADE"),
                ]
            )
        )
        result.add("function", f"{schema}.{name}({args})")
    types = conn.execute(
        f"""
        SELECT t.typname, t.typtype FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname = %(s)s AND {_member_filter("pg_type", "t.oid")}
           AND (t.typtype IN ('e', 'd', 'r')
                OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c'))
         ORDER BY t.typname
        """,
        s,
    ).fetchall()
    for name, kind in types:
        keyword = "DOMAIN" if kind == "d" else "TYPE"
        conn.execute(sql.SQL("DROP " + keyword + " IF EXISTS {} CASCADE").format(_q(schema, name)))
        result.add("type", f"{schema}.{name}")
    colls = conn.execute(
        f"""
        SELECT c.collname FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace
         WHERE n.nspname = %(s)s AND {_member_filter("pg_collation", "c.oid")} ORDER BY 1
        """,
        s,
    ).fetchall()
    for (name,) in colls:
        conn.execute(sql.SQL("DROP COLLATION IF EXISTS {} CASCADE").format(_q(schema, name)))
        result.add("collation", f"{schema}.{name}")
    exts = conn.execute(
        "SELECT e.extname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
        " WHERE n.nspname = %(s)s AND e.extname <> 'plpgsql' ORDER BY 1",
        s,
    ).fetchall()
    for (name,) in exts:
        conn.execute(sql.SQL("DROP EXTENSION IF EXISTS {} CASCADE").format(sql.Identifier(name)))
        result.add("extension", name)


def clean_schemas(conn: psycopg.Connection, schemas: Sequence[str]) -> CleanResult:
    """Drop every object in ``schemas`` (those that exist), in one transaction; P3016 if any survives."""
    import psycopg

    result = CleanResult()
    try:
        with conn.transaction():
            targets = existing_schemas(conn, schemas)
            for schema in targets:
                _drop_all(conn, schema, result)
            left = [item for schema in targets for item in leftovers(conn, schema)]
            if left:
                raise ResetIncomplete("objects left: " + ", ".join(left), left)
    except psycopg.Error as exc:
        raise ResetIncomplete(f"db error: {str(exc).strip()}") from exc
    return result


def is_production_name(database: str) -> bool:
    return "prod" in database.lower()


def check_reset_allowed(
    *,
    database: str,
    location: str,
    schemas: Sequence[str],
    embedded: bool,
    force: bool,
    production_ok: bool,
    confirm: Confirm | None,
    command: str = "db:reset",
) -> None:
    """Raise unless this reset may run (see the module docstring); may ask through ``confirm``.
    ``command`` names the command in the production refusal (``db:push --force-reset`` resets too)."""
    if is_production_name(database) and not production_ok:
        raise ResetRefused(
            f'The database "{database}" looks like a production database (its name contains "prod"). '
            f"nexo {command} refuses to drop it without {PRODUCTION_FLAG}.",
            detail=f"Pass {PRODUCTION_FLAG}"
            + (" (and --force when there is no terminal)" if command == "db:reset" else "")
            + " if you really mean to drop every table and all data in it.",
        )
    if force:
        return
    listed = ", ".join(f'"{s}"' for s in schemas)
    if confirm is None:
        if embedded:
            return
        raise ResetRefused(
            "Prisma Migrate has detected that the environment is non-interactive. It is recommended to run this "
            "command in an interactive environment.\n\nUse --force to run this command without user interaction.",
            detail=f'db:reset would drop everything in schema {listed} of database "{database}" at {location}.',
        )
    explanation = (
        f'Resetting schema {listed} of database "{database}" at {location}: every table and all data will be dropped.'
    )
    if not confirm(explanation, "Are you sure you want to reset your database? ⚠️ All data will be lost."):
        raise OperationCancelled("Reset")
