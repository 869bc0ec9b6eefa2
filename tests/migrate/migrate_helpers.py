"""Plain helpers for the migration tests (imported by the test modules)."""

from __future__ import annotations

import psycopg


def catalog_snapshot(conn: psycopg.Connection) -> dict[str, list[tuple]]:
    """The user objects of the database (relations, types, constraints, functions), for before/after checks."""
    q = {
        "relations": "SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1, 2",
        "types": "SELECT n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
        " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1, 2",
        "constraints": "SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
        " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
        "functions": "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
        "schemas": "SELECT nspname FROM pg_namespace ORDER BY 1",
    }
    return {k: conn.execute(v).fetchall() for k, v in q.items()}


def rows(conn: psycopg.Connection) -> list[dict]:
    """``_prisma_migrations`` rows as dicts, in Prisma's order."""
    cur = conn.execute("SELECT * FROM _prisma_migrations ORDER BY started_at")
    names = [d.name for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def tables(conn: psycopg.Connection) -> set[str]:
    return {
        r[0]
        for r in conn.execute(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND relkind IN ('r', 'p')"
        ).fetchall()
    }
