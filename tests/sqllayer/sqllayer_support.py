"""Helpers for the SQL-layer tests: catalog snapshots and small queries."""

from __future__ import annotations

import psycopg

# Everything a migration could create or change, per database.
_SNAPSHOT_QUERIES = {
    "pg_namespace": "SELECT nspname, nspowner::regrole::text FROM pg_namespace",
    "pg_class": (
        "SELECT n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity, c.relhasindex, "
        "c.relhastriggers, c.relowner::regrole::text, c.relacl::text FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace"
    ),
    "pg_attribute": (
        "SELECT c.relname, a.attname, a.atttypid::regtype::text, a.attnotnull FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND a.attnum > 0"
    ),
    "pg_proc": "SELECT p.oid::regprocedure::text, p.prosrc FROM pg_proc p",
    "pg_policy": "SELECT polrelid::regclass::text, polname, pg_get_expr(polqual, polrelid) FROM pg_policy",
    "pg_trigger": "SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger",
    "pg_index": "SELECT indexrelid::regclass::text, indisvalid FROM pg_index",
    "pg_constraint": "SELECT conname, conrelid::regclass::text, contype FROM pg_constraint",
    "pg_type": "SELECT typname, typnamespace::regnamespace::text FROM pg_type",
    "pg_extension": "SELECT extname FROM pg_extension",
    "pg_description": "SELECT objoid::text, classoid::regclass::text, description FROM pg_description",
    "pg_views": "SELECT schemaname, viewname, definition FROM pg_views",
    "pg_sequence": "SELECT seqrelid::regclass::text, seqstart FROM pg_sequence",
    "pg_default_acl": "SELECT defaclrole::regrole::text, defaclobjtype FROM pg_default_acl",
}


def catalog_snapshot(conn: psycopg.Connection) -> dict[str, list[tuple]]:
    """A comparable picture of the database's catalogs (sorted rows per catalog)."""
    return {
        name: sorted(tuple(str(v) for v in row) for row in conn.execute(q).fetchall())
        for name, q in _SNAPSHOT_QUERIES.items()
    }


def table_exists(conn: psycopg.Connection, name: str) -> bool:
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
    return bool(row and row[0])


def history_count(conn: psycopg.Connection) -> int:
    if not table_exists(conn, "migration_history"):
        return 0
    row = conn.execute("SELECT count(*) FROM migration_history").fetchone()
    return int(row[0]) if row else 0
