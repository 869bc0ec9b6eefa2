"""What every stage of validation shares: the working data, the diagnostics, and the spans Prisma marks.

:class:`Context` holds the syntax trees, the lookups built while reading them (models and enums by
name, the :class:`FieldInfo` of every field, the :class:`ModelData` of every model) and the list the
diagnostics go to. Each stage of :mod:`nexo.psl.validate` is a class extending the one before it,
down to this one, so every check can use the helpers here: spans (``aspan``, ``fspan``, ``line_span``,
``arg_span``, ``map_span``), the common attribute arguments (``map:``, ``name:``, ``sort:``) and the
questions several stages ask about a model (its unique criteria, its database name).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .. import ast as A
from .. import model as M
from ..attrargs import Args, AttributeSet, Coerce, attribute_span
from ..diagnostics import Diagnostic

MAX_NAME = 63
DEFAULT_FUNCTIONS = ("autoincrement", "now", "dbgenerated", "uuid", "cuid", "nanoid", "ulid", "auto")
KIND_NAMES = {"model": "model", "view": "view", "type": "composite type", "enum": "enum"}
KIND_TITLES = {"model": "Model", "view": "view", "type": "Composite type", "enum": "Enum"}

SCALARS = frozenset(M.SCALAR_TYPES)


def fields_phrase(names: list[str]) -> str:
    """``field `a``` / ``fields `a`, `b``` (Prisma's wording for field lists in messages)."""
    quoted = ", ".join(f"`{n}`" for n in names)
    return ("field " if len(names) == 1 else "fields ") + quoted


# The dataclasses built in bulk write out their __init__ (init=False): the compiled build runs a written
# one as C, a generated one as Python (see nexo/_compiled.py).
@dataclass(slots=True, init=False)
class FieldInfo:
    """Working data about one field while validating."""

    node: A.Field
    model: A.Model
    kind: str  # scalar | enum | unsupported | relation | composite
    type: str
    arity: str
    attrs: dict[str, A.Attribute]
    native: tuple[str, tuple[str, ...]] | None = None
    native_attr: A.Attribute | None = None
    is_id: bool = False
    ignored: bool = False
    default_ok: bool = False
    mapped: str | None = None
    rel: RelArgs | None = None
    #: what ``@default`` says, read once in stage 1: its value, and whether a ``map:`` was written
    default_value: A.Expression | None = None
    default_map: bool = False

    def __init__(
        self,
        node: A.Field,
        model: A.Model,
        kind: str,
        type: str,
        arity: str,
        attrs: dict[str, A.Attribute],
        native: tuple[str, tuple[str, ...]] | None = None,
        native_attr: A.Attribute | None = None,
        is_id: bool = False,
        ignored: bool = False,
        default_ok: bool = False,
        mapped: str | None = None,
        rel: RelArgs | None = None,
        default_value: A.Expression | None = None,
        default_map: bool = False,
    ) -> None:
        self.node = node
        self.model = model
        self.kind = kind
        self.type = type
        self.arity = arity
        self.attrs = attrs
        self.native = native
        self.native_attr = native_attr
        self.is_id = is_id
        self.ignored = ignored
        self.default_ok = default_ok
        self.mapped = mapped
        self.rel = rel
        self.default_value = default_value
        self.default_map = default_map

    def unsupported_type(self) -> str | None:
        """The text of ``Unsupported("…")`` (None for other types)."""
        t = self.node.type
        assert t is not None  # a field without a type gets no FieldInfo (see Names.types)
        return t.unsupported


@dataclass(slots=True, init=False)
class RelArgs:
    """What a field's ``@relation`` says (``fields``/``references`` None when not written)."""

    fields: list[str] | None = None
    references: list[str] | None = None
    name: str = ""
    on_delete: str | None = None
    on_update: str | None = None
    on_delete_span: A.Span | None = None
    on_update_span: A.Span | None = None
    map: str | None = None

    def __init__(
        self,
        fields: list[str] | None = None,
        references: list[str] | None = None,
        name: str = "",
        on_delete: str | None = None,
        on_update: str | None = None,
        on_delete_span: A.Span | None = None,
        on_update_span: A.Span | None = None,
        map: str | None = None,
    ) -> None:
        self.fields = fields
        self.references = references
        self.name = name
        self.on_delete = on_delete
        self.on_update = on_update
        self.on_delete_span = on_delete_span
        self.on_update_span = on_update_span
        self.map = map


NO_RELATION_ARGS = RelArgs()


@dataclass(slots=True, init=False)
class IndexData:
    """An ``@unique``, ``@@unique``, ``@@index`` or ``@@fulltext`` as read (``fields``: info, sort, length, ops)."""

    kind: str  # unique | index | fulltext
    attr: A.Attribute
    fields: list[tuple[FieldInfo, str | None, int | None, A.Argument | None]]
    source: FieldInfo | None = None
    name: str | None = None
    map: str | None = None
    algorithm: str | None = None
    clustered: bool | None = None
    #: the predicate of a partial index (Prisma 7 ``where:``) as SQL
    where: str | None = None

    def __init__(
        self,
        kind: str,
        attr: A.Attribute,
        fields: list[tuple[FieldInfo, str | None, int | None, A.Argument | None]],
        source: FieldInfo | None = None,
        name: str | None = None,
        map: str | None = None,
        algorithm: str | None = None,
        clustered: bool | None = None,
    ) -> None:
        self.kind = kind
        self.attr = attr
        self.fields = fields
        self.source = source
        self.name = name
        self.map = map
        self.algorithm = algorithm
        self.clustered = clustered
        self.where = None


@dataclass(slots=True, init=False)
class Rel:
    """A relation as Prisma infers it: its kind and its forward (``fields`` side) and back fields.

    ``kind``: ``1:1``, ``1:n``, ``m:n`` or ``embedded`` (a many-to-many with ``fields``, MongoDB only).
    For ``m:n`` the two fields are the A side and the B side.
    """

    kind: str
    forward: FieldInfo | None
    back: FieldInfo | None

    def __init__(self, kind: str, forward: FieldInfo | None, back: FieldInfo | None) -> None:
        self.kind = kind
        self.forward = forward
        self.back = back


@dataclass(slots=True, init=False)
class ModelData:
    """What the attributes of one model said (primary key, indexes, ignore)."""

    pk_attr: A.Attribute | None = None
    pk_source: FieldInfo | None = None
    pk_fields: list[tuple[FieldInfo, str | None, int | None]] = field(default_factory=list)
    pk_sort: str | None = None
    pk_length: int | None = None
    pk_clustered: bool | None = None
    pk_name: str | None = None
    pk_map: str | None = None
    ignored: bool = False
    indexes: list[IndexData] = field(default_factory=list)
    mapped: str | None = None
    schema: tuple[str, A.Span] | None = None

    def __init__(
        self,
        pk_attr: A.Attribute | None = None,
        pk_source: FieldInfo | None = None,
        pk_fields: list[tuple[FieldInfo, str | None, int | None]] | None = None,
        pk_sort: str | None = None,
        pk_length: int | None = None,
        pk_clustered: bool | None = None,
        pk_name: str | None = None,
        pk_map: str | None = None,
        ignored: bool = False,
        indexes: list[IndexData] | None = None,
        mapped: str | None = None,
        schema: tuple[str, A.Span] | None = None,
    ) -> None:
        self.pk_attr = pk_attr
        self.pk_source = pk_source
        self.pk_fields = list() if pk_fields is None else pk_fields
        self.pk_sort = pk_sort
        self.pk_length = pk_length
        self.pk_clustered = pk_clustered
        self.pk_name = pk_name
        self.pk_map = pk_map
        self.ignored = ignored
        self.indexes = list() if indexes is None else indexes
        self.mapped = mapped
        self.schema = schema


def reporter(diags: list[Diagnostic]) -> Callable[[str, A.Span], None]:
    """A function appending a diagnostic to ``diags``."""

    def err(message: str, span: A.Span) -> None:
        diags.append(Diagnostic(message, span))

    return err


class Context:
    """The state shared by every stage: trees, lookups, diagnostics; spans and common helpers."""

    def __init__(self, trees: list[A.SchemaFile], diags: list[Diagnostic], dialect: str = "6") -> None:
        self.trees = trees
        #: the Prisma version whose rules apply: ``"6"`` (6.19) or ``"7"`` (7.x), see :mod:`nexo.psl.dialect`
        self.dialect = dialect
        self.texts = {t.file: t.text for t in trees}
        self.diags = diags
        self.blocks: list[A.Block] = [b for t in trees for b in t.blocks]
        self.models = [b for b in self.blocks if isinstance(b, A.Model)]
        self.enums = [b for b in self.blocks if isinstance(b, A.Enum)]
        self.datasources = [b for b in self.blocks if isinstance(b, A.ConfigBlock) and b.keyword == "datasource"]
        self.generators = [b for b in self.blocks if isinstance(b, A.ConfigBlock) and b.keyword == "generator"]
        self.model_by_name: dict[str, A.Model] = {}
        self.enum_by_name: dict[str, A.Enum] = {}
        # first model of a name → field name → info (first field of a name); per model object: all infos
        self.fields: dict[str, dict[str, FieldInfo]] = {}
        self.infos: dict[int, list[FieldInfo]] = {}
        self.mdata: dict[int, ModelData] = {}
        self.ds_name = "db"
        self.has_datasource = False
        self.preview: set[str] = set()
        # warnings (the schema stays valid), in Prisma CLI's wording, with the span they concern
        self.warnings: list[Diagnostic] = []
        self.nexo_warnings: list[Diagnostic] = []  # nexo's own (messages start with "nexo: ")
        # ``err`` reports into ``diags`` without holding the validator (no reference cycle: the
        # validator and the syntax trees it holds are freed as soon as validation ends)
        self.err = reporter(diags)
        self.coerce = Coerce(self.err)
        self.unknown_defaults: list[tuple[FieldInfo, A.FunctionCall]] = []
        self.extensions_prop: A.ConfigProperty | None = None
        self.infer_relations_cache: list[Rel] = []
        self.field_indexes: dict[int, dict[str, FieldInfo]] = {}
        self.sorted_criteria_cache: dict[int, list[list[str]]] = {}
        # equal immutable values of the model, made once (see native_type_value())
        self.native_types: dict[tuple[str, tuple[str, ...]], M.NativeType] = {}
        self.index_fields: dict[tuple[str, str | None, int | None, str | None], M.IndexField] = {}
        self.defaults: dict[tuple[bool, str], M.DefaultValue] = {}
        self.relation_mode = "foreignKeys"
        self.enum_value_names: dict[str, set[str]] = {}  # enum → its value names (for defaults)

    def warn(self, message: str, span: A.Span) -> None:
        self.warnings.append(Diagnostic(message, span, severity="warning"))

    # ------------------------------------------------------------------ spans as Prisma marks them
    def aspan(self, a: A.Attribute) -> A.Span:
        return attribute_span(a, self.texts.get(a.file, ""))

    def line_span(self, s: A.Span) -> A.Span:
        """``s`` widened to the end of its line (newline included), which is how Prisma marks whole fields."""
        text = self.texts.get(s.file)
        if text is None:
            return s
        end = text.find("\n", s.end)
        end = len(text) if end < 0 else end + 1
        return A.Span(s.file, s.start, end, 0, 0, 0, 0, getattr(s, "_index", None))

    def fspan(self, info: FieldInfo | A.Field) -> A.Span:
        node = info.node if isinstance(info, FieldInfo) else info
        return self.line_span(node.span)

    def arg_span(self, a: A.Attribute, name: str) -> A.Span:
        arg = a.named(name)
        return arg.span if arg is not None else self.aspan(a)

    def map_span(self, a: A.Attribute) -> A.Span:
        """Where Prisma points for a constraint name: the ``map:`` argument, else the attribute."""
        for arg in a.arguments:
            if arg.name == "map" and arg.value is not None:
                return arg.span
        if a.name == "index":
            for arg in a.arguments:
                if arg.name == "name" and arg.value is not None:
                    return arg.span
        return self.aspan(a)

    # ------------------------------------------------------------------ lookups
    def field_index(self, m: A.Model) -> dict[str, FieldInfo]:
        """The model's fields by name (the first of a name), built once."""
        index = self.field_indexes.get(id(m))
        if index is None:
            index = {}
            for i in self.infos.get(id(m), ()):
                index.setdefault(i.node.name, i)
            self.field_indexes[id(m)] = index
        return index

    def attrs_of(
        self, attrs: Sequence[A.Attribute], file: str, first: dict[str, A.Attribute] | None = None
    ) -> AttributeSet:
        return AttributeSet(attrs, self.texts.get(file, ""), self.err, first)

    # ------------------------------------------------------------------ arguments every attribute check reads
    def map_argument(self, a: Args) -> str | None:
        return self.map_value(a, a.optional("map"))

    def map_value(self, a: Args, value: A.Expression | None) -> str | None:
        """The ``map:`` argument's value ``value`` of ``a``, checked."""
        mp = self.coerce.string(value)
        if mp == "":
            a.error("The `map` argument cannot be an empty string.")
            return None
        return mp

    def name_argument(self, a: Args) -> str | None:
        name = self.coerce.string(a.optional("name"))
        if name == "":
            a.error("The `name` argument cannot be an empty string.")
            return None
        return name

    def sort_argument(self, a: Args) -> str | None:
        sort = self.coerce.constant(a.optional("sort"))
        if sort is not None and sort not in ("Asc", "Desc"):
            a.error(f"The `sort` argument can only be `Asc` or `Desc` you provided: {sort}.")
            return None
        return sort

    def client_name(self, m: A.Model, a: Args, name: str, label: str) -> None:
        if not all(c == "_" or (c.isascii() and c.isalnum()) for c in name):
            self.err(
                f'Error validating model "{m.name}": The `name` property within the `{label}` attribute only '
                "allows for the following characters: `_a-zA-Z0-9`.",
                a.span,
            )

    # ------------------------------------------------------------------ what several stages ask about models and relations
    def relation_name_of(self, info: FieldInfo) -> str:
        rel = info.rel
        return "" if rel is None else rel.name

    def relation_args(self, info: FieldInfo | None) -> RelArgs:
        if info is None or info.rel is None:
            return NO_RELATION_ARGS
        return info.rel

    def single_id(self, m: A.Model) -> bool:
        data = self.mdata[id(m)]
        return data.pk_attr is not None and len(data.pk_fields) == 1

    def criteria(self, m: A.Model) -> list[list[FieldInfo]]:
        """Every unique criterion of a model (primary key first, then uniques), as field lists."""
        data = self.mdata[id(m)]
        out: list[list[FieldInfo]] = []
        if data.pk_attr is not None:
            out.append([f[0] for f in data.pk_fields])
        for index in data.indexes:
            if index.kind == "unique":
                out.append([f[0] for f in index.fields])
        return out

    def sorted_criteria(self, m: A.Model) -> list[list[str]]:
        """The unique criteria of ``m`` as sorted field names (worked out once: keys are final after stage 1)."""
        found = self.sorted_criteria_cache.get(id(m))
        if found is None:
            found = self.sorted_criteria_cache[id(m)] = [sorted(i.node.name for i in c) for c in self.criteria(m)]
        return found

    def is_unique_criterion(self, m: A.Model, names: list[str]) -> bool:
        want = sorted(names)
        return any(sorted(i.node.name for i in c) == want for c in self.criteria(m))

    def db_name(self, block: A.Model | A.Enum) -> str:
        a = next((a for a in block.attributes if a.name == "map"), None)
        first = first_argument(a, "name") if a is not None else None
        if first is not None and isinstance(first.value, A.StringValue):
            return first.value.value
        return block.name

    def column_name(self, info: FieldInfo) -> str:
        return info.mapped or info.node.name

    def block_schema(self, b: A.Model | A.Enum) -> str | None:
        sa = next((a for a in b.attributes if a.name == "schema"), None)
        first = first_argument(sa, "map") if sa is not None else None
        if first is not None and isinstance(first.value, A.StringValue):
            return first.value.value
        return None


def first_argument(attr: A.Attribute, name: str) -> A.Argument | None:
    """An attribute's first argument, given by position or by its name (``@@map("x")`` or ``@@map(name: "x")``)."""
    named = attr.named(name)
    if named is not None:
        return named
    return attr.positional[0] if attr.positional else None
