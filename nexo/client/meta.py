"""Schema metadata as the client runtime needs it.

The generator embeds one :class:`SchemaMeta` per schema (as a dict, via :meth:`SchemaMeta.to_dict`)
and the runtime compiles every call against it. Plain frozen dataclasses, JSON-serialisable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCALAR_TYPES = ("String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes")
DEFAULT_KINDS = ("autoincrement", "dbgenerated", "now", "uuid", "uuid7", "cuid", "cuid2", "nanoid", "ulid")


@dataclass(frozen=True)
class FieldMeta:
    """One scalar, enum or relation field of a model."""

    name: str
    db_name: str
    kind: str  # "scalar" | "enum" | "relation"
    type: str  # a scalar type name, an enum name, or the related model name
    db_type: str | None = None  # native type hint: 'uuid', 'timestamptz', 'timestamp', 'date', 'numeric', ...
    is_list: bool = False
    is_required: bool = True
    is_id: bool = False
    is_unique: bool = False
    #: None | 'autoincrement' | 'dbgenerated' | 'now' | 'uuid' | 'uuid7' | 'cuid' | 'cuid2' | 'nanoid' | 'ulid' | ('value', x)
    default: Any = None
    is_updated_at: bool = False
    #: arguments of a client-side default function: ``nanoid(10)`` -> (10,)
    default_args: tuple[Any, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        if isinstance(self.default, tuple):
            d["default"] = list(self.default)
        d["default_args"] = list(self.default_args)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FieldMeta:
        d = dict(d)
        if isinstance(d.get("default"), list):
            d["default"] = tuple(d["default"])
        d["default_args"] = tuple(d.get("default_args", ()))
        return cls(**d)


@dataclass(frozen=True)
class RelationMeta:
    """How a relation field links its model (the parent) to the target model.

    Exactly one form applies:
    - this side holds the foreign key: ``fields`` (local FK fields) reference ``references`` (target fields);
    - back relation: ``back_fields`` (FK fields on the target) reference ``back_references`` (fields here);
    - implicit many-to-many: ``join_table`` with columns ``join_self`` (this model's id) and ``join_other``.
    """

    field: str
    target: str
    is_list: bool = False
    is_required: bool = False
    name: str | None = None
    fields: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    back_fields: tuple[str, ...] = ()
    back_references: tuple[str, ...] = ()
    join_table: str | None = None
    join_schema: str | None = None
    join_self: str | None = None  # "A" or "B"
    join_other: str | None = None

    @property
    def owns_fk(self) -> bool:
        return bool(self.fields)

    @property
    def is_m2m(self) -> bool:
        return self.join_table is not None

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for k in ("fields", "references", "back_fields", "back_references"):
            d[k] = list(d[k])
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RelationMeta:
        d = dict(d)
        for k in ("fields", "references", "back_fields", "back_references"):
            d[k] = tuple(d.get(k, ()))
        return cls(**d)


@dataclass(frozen=True)
class EnumMeta:
    """An enum: Prisma value names mapped to their database values (``@map``)."""

    name: str
    db_name: str
    values: dict[str, str] = field(default_factory=dict)
    schema: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "db_name": self.db_name, "values": dict(self.values), "schema": self.schema}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EnumMeta:
        return cls(name=d["name"], db_name=d["db_name"], values=dict(d["values"]), schema=d.get("schema"))


@dataclass(frozen=True)
class ModelMeta:
    """A model: its table, fields, keys and relations."""

    name: str
    db_name: str
    fields: tuple[FieldMeta, ...]
    id_fields: tuple[str, ...]
    #: every unique key by its WhereUnique name: 'id', 'email', 'accountId_email', ...
    unique_sets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    relations: tuple[RelationMeta, ...] = ()
    schema: str | None = None
    #: constraint / index name -> the fields it covers (for naming the failing field in errors)
    constraints: dict[str, tuple[str, ...]] = field(default_factory=dict)

    # derived in __post_init__ (not part of the metadata's data)
    client_defaults: tuple[tuple[str, str, tuple[Any, ...]], ...] = field(init=False, repr=False, compare=False)
    updated_at: tuple[str, ...] = field(init=False, repr=False, compare=False)
    required_on_create: tuple[str, ...] = field(init=False, repr=False, compare=False)
    not_null: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})
        object.__setattr__(self, "_by_db", {f.db_name: f for f in self.fields if f.kind != "relation"})
        object.__setattr__(self, "_rels", {r.field: r for r in self.relations})
        scalars = [f for f in self.fields if f.kind != "relation"]
        #: fields a create fills in on the client (uuid(), cuid(), nanoid(), now(), @updatedAt)
        object.__setattr__(
            self,
            "client_defaults",
            tuple(
                (f.name, f.default if isinstance(f.default, str) else "now", f.default_args)
                for f in scalars
                if (isinstance(f.default, str) and f.default not in ("autoincrement", "dbgenerated")) or f.is_updated_at
            ),
        )
        object.__setattr__(self, "updated_at", tuple(f.name for f in scalars if f.is_updated_at))
        #: fields a create must be given (required, no default of any kind, not a list)
        object.__setattr__(
            self,
            "required_on_create",
            tuple(
                f.name for f in scalars if f.is_required and not f.is_list and f.default is None and not f.is_updated_at
            ),
        )
        object.__setattr__(self, "not_null", frozenset(f.name for f in scalars if f.is_required and not f.is_list))

    def field(self, name: str) -> FieldMeta | None:
        return self._by_name.get(name)  # type: ignore[attr-defined, no-any-return]

    def field_by_db(self, db_name: str) -> FieldMeta | None:
        return self._by_db.get(db_name)  # type: ignore[attr-defined, no-any-return]

    def relation(self, name: str) -> RelationMeta | None:
        return self._rels.get(name)  # type: ignore[attr-defined, no-any-return]

    @property
    def scalar_fields(self) -> list[FieldMeta]:
        return [f for f in self.fields if f.kind != "relation"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "db_name": self.db_name,
            "schema": self.schema,
            "fields": [f.to_dict() for f in self.fields],
            "id_fields": list(self.id_fields),
            "unique_sets": {k: list(v) for k, v in self.unique_sets.items()},
            "relations": [r.to_dict() for r in self.relations],
            "constraints": {k: list(v) for k, v in self.constraints.items()},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelMeta:
        return cls(
            name=d["name"],
            db_name=d["db_name"],
            schema=d.get("schema"),
            fields=tuple(FieldMeta.from_dict(f) for f in d["fields"]),
            id_fields=tuple(d["id_fields"]),
            unique_sets={k: tuple(v) for k, v in d.get("unique_sets", {}).items()},
            relations=tuple(RelationMeta.from_dict(r) for r in d.get("relations", [])),
            constraints={k: tuple(v) for k, v in d.get("constraints", {}).items()},
        )


@dataclass(frozen=True)
class SchemaMeta:
    """Everything the runtime knows about a schema.

    ``datasource_env`` / ``datasource_url``: where the connection URL comes from when the client is
    not given one (``url = env("DATABASE_URL")`` or a literal URL in the schema). ``base64_bytes``:
    decode ``Bytes`` values as :class:`~nexo.client.fields.Base64` (generated clients) instead of
    ``bytes``.
    """

    models: dict[str, ModelMeta]
    enums: dict[str, EnumMeta] = field(default_factory=dict)
    tenant_setting: str = "app.current_account_id"
    datasource_env: str | None = None
    datasource_url: str | None = None
    base64_bytes: bool = False
    #: the generator enables PostgreSQL full-text search (``search`` filters, ``_relevance`` ordering):
    #: ``previewFeatures`` holds ``fullTextSearchPostgres`` (Prisma 6+) or ``fullTextSearch`` (Prisma 5)
    full_text_search: bool = False

    def model(self, name: str) -> ModelMeta:
        try:
            return self.models[name]
        except KeyError:
            from nexo.client.errors import UnknownModelError

            raise UnknownModelError(name) from None

    def to_dict(self) -> dict[str, Any]:
        return {
            "models": {k: m.to_dict() for k, m in self.models.items()},
            "enums": {k: e.to_dict() for k, e in self.enums.items()},
            "tenant_setting": self.tenant_setting,
            "datasource_env": self.datasource_env,
            "datasource_url": self.datasource_url,
            "base64_bytes": self.base64_bytes,
            "full_text_search": self.full_text_search,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SchemaMeta:
        return cls(
            models={k: ModelMeta.from_dict(m) for k, m in d["models"].items()},
            enums={k: EnumMeta.from_dict(e) for k, e in d.get("enums", {}).items()},
            tenant_setting=d.get("tenant_setting", "app.current_account_id"),
            datasource_env=d.get("datasource_env"),
            datasource_url=d.get("datasource_url"),
            base64_bytes=bool(d.get("base64_bytes", False)),
            full_text_search=bool(d.get("full_text_search", False)),
        )
