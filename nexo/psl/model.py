"""The validated schema: what a ``schema.prisma`` means, with every name and reference resolved.

Produced by :mod:`nexo.psl.validate` only when the schema has no errors. Consumers (the relational
model in ``nexo.schema``, the client generator) read it; nothing here knows about SQL. Positions of
the source nodes are kept as ``span`` so later stages can still point at the schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from .ast import Span

SCALAR_TYPES = ("String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes")

REFERENTIAL_ACTIONS = ("Cascade", "Restrict", "NoAction", "SetNull", "SetDefault")


# The dataclasses built in bulk write out their __init__ (init=False): the compiled build runs a written
# one as C, a generated one as Python (see nexo/_compiled.py).
@dataclass(frozen=True)
class Env:
    """A config value read from the environment: ``env("NAME")``."""

    name: str


ConfigValue = Union[str, Env, list["ConfigValue"], None]


@dataclass(frozen=True)
class NativeType:
    """A ``@db.X(args)`` attribute: ``name`` without the datasource prefix, arguments as written."""

    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Literal:
    """A literal default value.

    ``kind``: ``"string"`` (``value`` is the unescaped text), ``"number"`` (``value`` is the text as
    written, e.g. ``"-5"`` or ``"1.5"``), ``"boolean"`` (``"true"``/``"false"``), ``"enum"`` (the
    enum value's name), ``"list"`` (``items`` holds the elements).
    """

    kind: str
    value: str = ""
    items: tuple[Literal, ...] = ()


@dataclass(frozen=True)
class DefaultValue:
    """A field's ``@default``.

    ``function`` is None for a literal (see ``literal``), else one of ``autoincrement``, ``now``,
    ``dbgenerated``, ``uuid``, ``cuid``, ``nanoid``, ``ulid``; ``args`` holds the function's
    arguments as written (``uuid(7)`` → ``("7",)``, ``dbgenerated("x")`` → ``("x",)``).
    """

    function: str | None = None
    args: tuple[str, ...] = ()
    literal: Literal | None = None
    map: str | None = None

    @property
    def is_db_generated_by_client(self) -> bool:
        """True for ``uuid()``, ``cuid()``, ``nanoid()``, ``ulid()``: values made by the client, not the database."""
        return self.function in ("uuid", "cuid", "nanoid", "ulid")


@dataclass(init=False)
class ScalarField:
    """A field stored in a column: a scalar, an enum, or ``Unsupported("…")``.

    ``kind`` is ``"scalar"``, ``"enum"`` or ``"unsupported"``; ``type`` the Prisma type name (the
    enum's name for enums, ``"Unsupported"`` with ``unsupported_type`` holding the SQL type).
    ``arity`` is ``"required"``, ``"optional"`` or ``"list"``.
    """

    name: str
    db_name: str
    type: str
    kind: str
    arity: str
    span: Span
    native_type: NativeType | None = None
    default: DefaultValue | None = None
    is_id: bool = False
    is_updated_at: bool = False
    is_ignored: bool = False
    unsupported_type: str | None = None
    documentation: str | None = None

    def __init__(
        self,
        name: str,
        db_name: str,
        type: str,
        kind: str,
        arity: str,
        span: Span,
        native_type: NativeType | None = None,
        default: DefaultValue | None = None,
        is_id: bool = False,
        is_updated_at: bool = False,
        is_ignored: bool = False,
        unsupported_type: str | None = None,
        documentation: str | None = None,
    ) -> None:
        self.name = name
        self.db_name = db_name
        self.type = type
        self.kind = kind
        self.arity = arity
        self.span = span
        self.native_type = native_type
        self.default = default
        self.is_id = is_id
        self.is_updated_at = is_updated_at
        self.is_ignored = is_ignored
        self.unsupported_type = unsupported_type
        self.documentation = documentation

    @property
    def is_required(self) -> bool:
        return self.arity == "required"

    @property
    def is_optional(self) -> bool:
        return self.arity == "optional"

    @property
    def is_list(self) -> bool:
        return self.arity == "list"

    @property
    def is_relation(self) -> bool:
        return False


@dataclass(init=False)
class RelationField:
    """A field pointing at another model. ``fields``/``references`` are set on the side holding the FK.

    ``relation`` is filled in by the validator with the :class:`Relation` the field belongs to.
    ``on_delete``/``on_update`` are as written (None when not given); the effective actions are on
    the relation.
    """

    name: str
    related_model: str
    arity: str
    span: Span
    relation_name: str | None = None
    fields: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    on_delete: str | None = None
    on_update: str | None = None
    map: str | None = None
    is_ignored: bool = False
    documentation: str | None = None
    relation: Relation | None = field(default=None, repr=False)

    def __init__(
        self,
        name: str,
        related_model: str,
        arity: str,
        span: Span,
        relation_name: str | None = None,
        fields: tuple[str, ...] = (),
        references: tuple[str, ...] = (),
        on_delete: str | None = None,
        on_update: str | None = None,
        map: str | None = None,
        is_ignored: bool = False,
        documentation: str | None = None,
        relation: Relation | None = None,
    ) -> None:
        self.name = name
        self.related_model = related_model
        self.arity = arity
        self.span = span
        self.relation_name = relation_name
        self.fields = fields
        self.references = references
        self.on_delete = on_delete
        self.on_update = on_update
        self.map = map
        self.is_ignored = is_ignored
        self.documentation = documentation
        self.relation = relation

    @property
    def is_required(self) -> bool:
        return self.arity == "required"

    @property
    def is_optional(self) -> bool:
        return self.arity == "optional"

    @property
    def is_list(self) -> bool:
        return self.arity == "list"

    @property
    def is_relation(self) -> bool:
        return True


Field = Union[ScalarField, RelationField]


@dataclass(frozen=True)
class IndexField:
    """One field of an id/unique/index: its (scalar) field name and options as written."""

    name: str
    sort: str | None = None
    length: int | None = None
    ops: str | None = None


@dataclass(init=False)
class PrimaryKey:
    """``@id`` (``source="field"``) or ``@@id`` (``"block"``); ``name`` is the client name, ``map`` the constraint name."""

    fields: tuple[IndexField, ...]
    source: str
    span: Span
    name: str | None = None
    map: str | None = None

    def __init__(
        self,
        fields: tuple[IndexField, ...],
        source: str,
        span: Span,
        name: str | None = None,
        map: str | None = None,
    ) -> None:
        self.fields = fields
        self.source = source
        self.span = span
        self.name = name
        self.map = map


@dataclass(init=False)
class Index:
    """A unique constraint (``kind="unique"``) or index (``"index"``).

    ``source`` is ``"field"`` for ``@unique`` and ``"block"`` for ``@@unique``/``@@index``; ``name``
    is the client name of a compound unique (``@@unique(name:)``), ``map`` the explicit database name
    (``map:``, or the legacy ``name:`` of ``@@index``); ``algorithm`` the ``type:`` of an index.
    """

    kind: str
    fields: tuple[IndexField, ...]
    source: str
    span: Span
    name: str | None = None
    map: str | None = None
    algorithm: str | None = None
    #: the predicate of a partial index (Prisma 7's ``where:``, ``partialIndexes`` preview feature) as SQL
    where: str | None = None

    def __init__(
        self,
        kind: str,
        fields: tuple[IndexField, ...],
        source: str,
        span: Span,
        name: str | None = None,
        map: str | None = None,
        algorithm: str | None = None,
        where: str | None = None,
    ) -> None:
        self.kind = kind
        self.fields = fields
        self.source = source
        self.span = span
        self.name = name
        self.map = map
        self.algorithm = algorithm
        self.where = where


@dataclass
class Model:
    """A ``model`` (or a ``view`` when ``is_view``); fields in declaration order."""

    name: str
    db_name: str
    fields: list[Field]
    span: Span
    primary_key: PrimaryKey | None = None
    indexes: list[Index] = field(default_factory=list)
    schema: str | None = None
    is_view: bool = False
    is_ignored: bool = False
    documentation: str | None = None

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    @property
    def scalar_fields(self) -> list[ScalarField]:
        return [f for f in self.fields if isinstance(f, ScalarField)]

    @property
    def relation_fields(self) -> list[RelationField]:
        return [f for f in self.fields if isinstance(f, RelationField)]

    @property
    def has_mapped_name(self) -> bool:
        return self.db_name != self.name


@dataclass(init=False)
class EnumValue:
    name: str
    db_name: str
    span: Span
    documentation: str | None = None

    def __init__(self, name: str, db_name: str, span: Span, documentation: str | None = None) -> None:
        self.name = name
        self.db_name = db_name
        self.span = span
        self.documentation = documentation


@dataclass
class Enum:
    name: str
    db_name: str
    values: list[EnumValue]
    span: Span
    schema: str | None = None
    documentation: str | None = None

    def value(self, name: str) -> EnumValue | None:
        for v in self.values:
            if v.name == name:
                return v
        return None


@dataclass(init=False)
class Relation:
    """A relation between two models, with both sides resolved.

    ``kind``: ``"1:1"``, ``"1:n"`` or ``"m:n"`` (implicit many-to-many). For 1:1 and 1:n the
    *referencing* side (``referencing_model``/``referencing_field``) holds ``fields`` and points at
    ``references`` on the referenced model; ``back_field`` is the field on the other side (None only
    for a relation validated without one, which Prisma rejects, so in practice always set).
    ``on_delete``/``on_update`` are the effective actions (explicit or Prisma's defaults).
    For m:n, ``model_a``/``field_a`` are the side whose model name sorts first (join column ``A``).
    ``name`` is the relation name: explicit, or Prisma's default ``"<A>To<B>"`` of the sorted model names.
    """

    name: str
    kind: str
    model_a: str
    field_a: str | None
    model_b: str
    field_b: str | None
    explicit_name: bool = False
    referencing_model: str | None = None
    referencing_field: str | None = None
    referenced_model: str | None = None
    back_field: str | None = None
    fields: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    on_delete: str | None = None
    on_update: str | None = None
    map: str | None = None

    def __init__(
        self,
        name: str,
        kind: str,
        model_a: str,
        field_a: str | None,
        model_b: str,
        field_b: str | None,
        explicit_name: bool = False,
        referencing_model: str | None = None,
        referencing_field: str | None = None,
        referenced_model: str | None = None,
        back_field: str | None = None,
        fields: tuple[str, ...] = (),
        references: tuple[str, ...] = (),
        on_delete: str | None = None,
        on_update: str | None = None,
        map: str | None = None,
    ) -> None:
        self.name = name
        self.kind = kind
        self.model_a = model_a
        self.field_a = field_a
        self.model_b = model_b
        self.field_b = field_b
        self.explicit_name = explicit_name
        self.referencing_model = referencing_model
        self.referencing_field = referencing_field
        self.referenced_model = referenced_model
        self.back_field = back_field
        self.fields = fields
        self.references = references
        self.on_delete = on_delete
        self.on_update = on_update
        self.map = map

    @property
    def is_many_to_many(self) -> bool:
        return self.kind == "m:n"

    @property
    def join_table(self) -> str | None:
        """The implicit join table's name for m:n (``_<name>``, cut to 63 characters)."""
        if self.kind != "m:n":
            return None
        return ("_" + self.name)[:63]


@dataclass(frozen=True)
class Extension:
    """A ``datasource.extensions`` entry: ``pg_trgm``, ``citext(schema: "public")``, ``postgis(version: "3.3")``."""

    name: str
    schema: str | None = None
    version: str | None = None
    map: str | None = None


@dataclass(init=False)
class Datasource:
    name: str
    provider: str
    span: Span
    url: ConfigValue = None
    direct_url: ConfigValue = None
    shadow_database_url: ConfigValue = None
    relation_mode: str = "foreignKeys"
    extensions: list[Extension] = field(default_factory=list)
    schemas: list[str] = field(default_factory=list)
    properties: dict[str, ConfigValue] = field(default_factory=dict)
    documentation: str | None = None

    def __init__(
        self,
        name: str,
        provider: str,
        span: Span,
        url: ConfigValue = None,
        direct_url: ConfigValue = None,
        shadow_database_url: ConfigValue = None,
        relation_mode: str = "foreignKeys",
        extensions: list[Extension] | None = None,
        schemas: list[str] | None = None,
        properties: dict[str, ConfigValue] | None = None,
        documentation: str | None = None,
    ) -> None:
        self.name = name
        self.provider = provider
        self.span = span
        self.url = url
        self.direct_url = direct_url
        self.shadow_database_url = shadow_database_url
        self.relation_mode = relation_mode
        self.extensions = list() if extensions is None else extensions
        self.schemas = list() if schemas is None else schemas
        self.properties = dict() if properties is None else properties
        self.documentation = documentation


@dataclass(init=False)
class Generator:
    """A generator block; ``config`` keeps every key and value as written (strings, lists, ``Env``)."""

    name: str
    span: Span
    provider: ConfigValue = None
    output: ConfigValue = None
    preview_features: list[str] = field(default_factory=list)
    binary_targets: list[ConfigValue] = field(default_factory=list)
    config: dict[str, ConfigValue] = field(default_factory=dict)
    documentation: str | None = None

    def __init__(
        self,
        name: str,
        span: Span,
        provider: ConfigValue = None,
        output: ConfigValue = None,
        preview_features: list[str] | None = None,
        binary_targets: list[ConfigValue] | None = None,
        config: dict[str, ConfigValue] | None = None,
        documentation: str | None = None,
    ) -> None:
        self.name = name
        self.span = span
        self.provider = provider
        self.output = output
        self.preview_features = list() if preview_features is None else preview_features
        self.binary_targets = list() if binary_targets is None else binary_targets
        self.config = dict() if config is None else config
        self.documentation = documentation


@dataclass(init=False)
class Schema:
    """A valid schema: datasource, generators, models (views included, flagged), enums and relations."""

    datasource: Datasource
    generators: list[Generator]
    models: list[Model]
    enums: list[Enum]
    relations: list[Relation]
    files: list[str] = field(default_factory=list)
    #: False when the schema has no datasource block (``datasource`` is then PostgreSQL's default)
    has_datasource: bool = True

    def __init__(
        self,
        datasource: Datasource,
        generators: list[Generator],
        models: list[Model],
        enums: list[Enum],
        relations: list[Relation],
        files: list[str] | None = None,
        has_datasource: bool = True,
    ) -> None:
        self.datasource = datasource
        self.generators = generators
        self.models = models
        self.enums = enums
        self.relations = relations
        self.files = list() if files is None else files
        self.has_datasource = has_datasource

    @property
    def preview_features(self) -> set[str]:
        out: set[str] = set()
        for g in self.generators:
            out.update(g.preview_features)
        return out

    def model(self, name: str) -> Model | None:
        for m in self.models:
            if m.name == name:
                return m
        return None

    def enum(self, name: str) -> Enum | None:
        for e in self.enums:
            if e.name == name:
                return e
        return None

    @property
    def tables(self) -> list[Model]:
        """Models that become tables (views excluded)."""
        return [m for m in self.models if not m.is_view]
