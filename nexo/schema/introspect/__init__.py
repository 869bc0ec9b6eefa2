"""Introspection: a live PostgreSQL schema → the relational model that ``schema.prisma`` produces.

:func:`introspect` reads tables, columns, defaults, sequences, primary keys, indexes, foreign keys,
enums and extensions into the same :class:`~nexo.schema.model.Database` that
:func:`~nexo.schema.relational_model` derives from a validated schema, rendered the way ``build.py``
renders it (``TEXT``, ``VARCHAR(255)``, ``TIMESTAMP(3)``, ``DECIMAL(65,30)``, ``"Role"``, ``SERIAL``,
``DEFAULT 'abc'``, ``ARRAY[1, 2]::INTEGER[]`` …). :func:`comparable` then reduces two models to what
both can know, so a model built from the schema and an introspected one compare with ``==``.

What is read
    Ordinary and partitioned tables (not partitions, views, foreign tables, nor tables that belong to
    an extension) of the requested schemas, except the ledgers :data:`LEDGER_TABLES`; their columns
    in ``attnum`` order; column defaults; sequences owned by columns (``SERIAL`` and identity columns
    become autoincrement); primary keys; unique and plain indexes with method, sort order and
    non-default operator classes (unique *constraints* are unique indexes here, as in Prisma, flagged
    ``Index.constraint`` so that a migration drops them with ``ALTER TABLE … DROP CONSTRAINT``);
    foreign keys with their actions; enums with their values in order; installed extensions
    (``plpgsql`` excepted; whether they count is the schema's business, see
    ``Database.manages_extensions``). One catalog query per kind, whatever the number of tables.

What is never part of the model
    Policies, triggers, functions, roles, grants, RLS flags, comments, check constraints, views,
    statistics, ownership, storage parameters: the SQL layer owns them, Prisma ignores them. Things
    that are structure but that Prisma cannot express are kept out of the model and reported as
    warnings by :func:`introspect_with_warnings`: indexes on expressions, partial indexes, indexes
    with ``INCLUDE`` columns or an access method other than BTree/Hash/Gist/Gin/SpGist/Brin, exclusion
    constraints. Details that are lost but whose object stays in the model are warned about too
    (generated columns, identity columns, ``NULLS FIRST/LAST``, deferrable constraints, invalid
    indexes, non-owned sequences).

Structural and provenance fields
    *Structural* fields describe the database and are filled by both sides; :func:`comparable`
    keeps them. *Provenance* fields link the model back to ``schema.prisma`` or record how it was
    written; introspection cannot know them and :func:`comparable` clears them.

    ============== ============================================================ ==============================================
    class          structural (kept)                                            provenance (cleared by ``comparable``)
    ============== ============================================================ ==============================================
    Database       tables, enums, extensions (name), namespaces                 relation_mode, manages_extensions;
                                                                                table/enum/extension order
    Table          name, schema, columns (in order), primary_key, indexes, FKs   model, join (implicit m:n link)
    Column         name, type, nullable, is_list, default, autoincrement,       field, prisma_type, default_kind
                   native_type, enum
    PrimaryKey     name, columns                                                explicit_name
    Index          name, table, schema, unique, algorithm, columns               explicit_name, constraint (a unique
                                                                                constraint = its unique index);
                                                                                order of indexes in a table
    IndexColumn    name, sort (``Desc`` only), opclass (non-default only)        —
    ForeignKey     name, table, schema, columns, referenced_table,               relation, field, explicit_name; FK order
                   referenced_schema, referenced_columns, on_delete, on_update
    Enum           name, schema, values (in order)                               prisma_name, value_names; enum order
    Extension      name                                                         schema, version (left open by a schema
                                                                                that does not write them)
    ============== ============================================================ ==============================================

    Introspection fills what it can infer anyway: ``native_type``/``prisma_type`` from the SQL type,
    ``explicit_name`` where the name is not Prisma's default name, ``relation_mode="foreignKeys"``,
    and ``default_kind`` the way Prisma's schema describer reads a default: a constant of the
    column's type is ``literal``; ``now()``/``CURRENT_TIMESTAMP`` on a date/time column is ``now``;
    ``nextval`` of an owned sequence (or an identity) is ``sequence``; anything else is
    ``dbgenerated`` — including every other default of a date/time column and every default of a
    ``UUID`` column, which Prisma's describer does not parse as values. The kind is how the default
    was written, not what the database holds: ``comparable`` clears it (``@default("x")`` and
    ``@default(dbgenerated("'x'"))`` create the same column).

Equivalences :func:`comparable` also folds (same database, two spellings)
    A name longer than 63 bytes = its first 63 bytes (PostgreSQL cuts identifiers silently, and
    Prisma writes long model names uncut). ``IndexColumn.sort`` ``"Asc"`` = unwritten; an operator
    class that is its method's default (``jsonb_ops`` for GIN, ``int4_minmax_ops`` for BRIN …) =
    unwritten. ``CHAR`` = ``CHAR(1)``, ``BIT`` = ``BIT(1)``. Lists are always nullable (Prisma
    tracks list arity only). Defaults: ``now()`` = ``CURRENT_TIMESTAMP``; numbers by value (``1.50``
    = ``1.5``, ``'5'`` on an integer column = ``5``); JSON by value; DateTime literals by the value
    PostgreSQL stores for the column type (offset dropped for ``TIMESTAMP``, converted to UTC for
    ``TIMESTAMPTZ``, date or time part only for ``DATE``/``TIME``, rounded to the column
    precision). Other default expressions (``dbgenerated``) are compared as text ignoring ASCII
    case, as Prisma Migrate compares them; PostgreSQL stores them in its own spelling
    (``md5((random())::text)`` for ``md5(random()::text)``), so such a default differs here as it
    does for ``prisma migrate dev``.

Modules
    :mod:`.queries` (the catalog queries), :mod:`.reader` (rows → model, warnings), :mod:`.defaults`
    (default normalisation), :mod:`.comparable` (comparable forms, differences). PostgreSQL's own facts
    (access methods, default operator classes, built-in types) are in :mod:`nexo.db.pgfacts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from nexo.db.pgfacts import DEFAULT_OPCLASSES

from ..errors import IntrospectionError
from ..model import Database
from .comparable import comparable, differences, same_structure
from .queries import LEDGER_TABLES
from .reader import Reader

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "DEFAULT_OPCLASSES",
    "LEDGER_TABLES",
    "comparable",
    "differences",
    "introspect",
    "introspect_with_warnings",
    "same_structure",
]


def introspect(
    conn: psycopg.Connection[Any], *, schemas: Sequence[str] | None = None, partial_indexes: bool = False
) -> Database:
    """The relational model of the live database behind ``conn``.

    ``schemas=None`` reads the connection's ``current_schema()`` only and returns a single-schema
    model (``namespaces == ()``, ``Table.schema``/``Enum.schema`` None). A list reads those schemas
    as a multi-schema model, like a schema with ``datasource.schemas``: ``namespaces`` holds the
    listed schemas that exist (in the given order) and every table, enum, index and foreign key
    carries its schema. Nothing is written; session settings changed for reading are restored.

    ``partial_indexes`` (a schema with Prisma 7's ``partialIndexes`` preview feature): partial indexes are
    in the model with their predicate as PostgreSQL prints it; otherwise they are left out (with a warning),
    as Prisma does without the feature, so a hand-written partial index is never dropped.
    """
    return introspect_with_warnings(conn, schemas=schemas, partial_indexes=partial_indexes)[0]


def introspect_with_warnings(
    conn: psycopg.Connection[Any], *, schemas: Sequence[str] | None = None, partial_indexes: bool = False
) -> tuple[Database, list[str]]:
    """:func:`introspect`, plus one message per object or detail Prisma cannot express (see module doc)."""
    import psycopg

    if schemas is not None:
        if isinstance(schemas, str) or not all(isinstance(s, str) and s for s in schemas):
            raise IntrospectionError(
                f"schemas must be a list of schema names, got {schemas!r}. Pass None for the connection's current schema."
            )
        if not schemas:
            raise IntrospectionError(
                "schemas is an empty list: name at least one schema, or pass None for the current schema."
            )
    try:
        with conn.transaction():
            return Reader(conn, schemas, partial_indexes).read()
    except psycopg.Error as exc:
        raise IntrospectionError(f"Could not read the database schema: {str(exc).strip()}") from exc
