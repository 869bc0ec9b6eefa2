"""The relational model: the PostgreSQL objects a validated schema stands for, named the Prisma way.

Small frozen dataclasses. Every table and column keeps a link back to the model/field it came from
(``Table.model``, ``Column.field``; ``None`` for implicit many-to-many join tables, which carry a
:class:`JoinTable` instead), so the migration differ and the client generator can go both ways.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """A column.

    ``type`` is the rendered SQL type without the array suffix (``TEXT``, ``VARCHAR(255)``,
    ``"Role"`` / ``"auth"."Role"`` for enums, ``SERIAL`` for autoincrement) and ``sql_type`` the full
    type as written in DDL (``TEXT[]`` for lists). ``nullable`` is False for required scalars only
    (lists are always nullable in Prisma's DDL). ``default`` is the rendered DEFAULT expression.
    """

    name: str
    type: str
    nullable: bool
    is_list: bool = False
    default: str | None = None
    autoincrement: bool = False
    field: str | None = None
    prisma_type: str | None = None
    native_type: str | None = None
    enum: str | None = None

    @property
    def sql_type(self) -> str:
        return self.type + ("[]" if self.is_list else "")

    @property
    def not_null(self) -> bool:
        return not self.nullable


@dataclass(frozen=True)
class PrimaryKey:
    name: str
    columns: tuple[str, ...]
    explicit_name: bool = False


@dataclass(frozen=True)
class IndexColumn:
    """An index column: ``sort`` is ``"Asc"``/``"Desc"`` when written, ``opclass`` the SQL operator class."""

    name: str
    sort: str | None = None
    opclass: str | None = None


@dataclass(frozen=True)
class Index:
    """A ``CREATE [UNIQUE] INDEX``; ``algorithm`` is Prisma's name (``Gin``…) or None for the default BTree."""

    name: str
    table: str
    columns: tuple[IndexColumn, ...]
    unique: bool
    algorithm: str | None = None
    explicit_name: bool = False
    schema: str | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key; actions are SQL words (``CASCADE``, ``SET NULL`` …)."""

    name: str
    table: str
    columns: tuple[str, ...]
    referenced_table: str
    referenced_columns: tuple[str, ...]
    on_delete: str
    on_update: str
    schema: str | None = None
    referenced_schema: str | None = None
    relation: str | None = None
    field: str | None = None
    explicit_name: bool = False


@dataclass(frozen=True)
class JoinTable:
    """What an implicit many-to-many join table stands for: column ``A`` → ``model_a``, ``B`` → ``model_b``."""

    relation: str
    model_a: str
    field_a: str
    model_b: str
    field_b: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: PrimaryKey | None
    indexes: tuple[Index, ...]
    foreign_keys: tuple[ForeignKey, ...]
    schema: str | None = None
    model: str | None = None
    join: JoinTable | None = None

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    def column_for_field(self, field: str) -> Column | None:
        for c in self.columns:
            if c.field == field:
                return c
        return None


@dataclass(frozen=True)
class Enum:
    """A PostgreSQL enum type: database name and values (``@map`` applied); ``prisma_name`` links back."""

    name: str
    values: tuple[str, ...]
    schema: str | None = None
    prisma_name: str | None = None
    value_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Extension:
    name: str
    schema: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class Database:
    """Everything the schema creates: tables (models in declaration order, then join tables), enums,
    extensions, the namespaces (``datasource.schemas``; empty for a single-schema database) and the
    relation mode (``"prisma"`` means no foreign keys were derived)."""

    tables: tuple[Table, ...]
    enums: tuple[Enum, ...]
    extensions: tuple[Extension, ...] = ()
    namespaces: tuple[str, ...] = ()
    relation_mode: str = "foreignKeys"

    def table(self, name: str, schema: str | None = None) -> Table | None:
        for t in self.tables:
            if t.name == name and (schema is None or t.schema == schema):
                return t
        return None

    def table_for_model(self, model: str) -> Table | None:
        for t in self.tables:
            if t.model == model:
                return t
        return None

    def enum(self, name: str) -> Enum | None:
        for e in self.enums:
            if e.name == name:
                return e
        return None
