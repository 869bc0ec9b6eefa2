"""Validation: syntax trees → :class:`~nexo.psl.model.Schema`, or Prisma-style diagnostics.

The rules are Prisma's for the PostgreSQL provider (``prisma-compat.md`` §1), checked in the two
stages Prisma's own validator has:

1. *Reading the schema*: configuration blocks, names, field types and every attribute with its
   arguments (see :mod:`nexo.psl.attrargs`). All problems found here are reported together, in one
   run, including alongside syntax errors.
2. *Checking what it means*, only when stage 1 found nothing: unique criteria, native types, default
   values, relations (pairing, ambiguity, referenced fields, arities, referential actions), index
   capabilities of PostgreSQL, constraint names, ``@@schema``, views and composite types.

Each diagnostic carries the span Prisma marks (an argument's value, an attribute, a field line, a
block), so a report underlines exactly the offending text.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import ast as A
from . import model as M
from .attrargs import Args, AttributeSet, Coerce, attribute_span, display, mismatch
from .diagnostics import Diagnostic, render_diagnostics
from .errors import PslError
from .jsoncheck import json_error
from .native import INDEX_ALGORITHMS, NATIVE_TYPES, OPERATOR_CLASSES
from .parser import parse, paused_gc

MAX_NAME = 63
KNOWN_PROVIDERS = ("postgresql", "postgres", "mysql", "sqlite", "sqlserver", "mongodb", "cockroachdb")
DEFAULT_FUNCTIONS = ("autoincrement", "now", "dbgenerated", "uuid", "cuid", "nanoid", "ulid", "auto")
KIND_NAMES = {"model": "model", "view": "view", "type": "composite type", "enum": "enum"}
KIND_TITLES = {"model": "Model", "view": "View", "type": "Composite Type", "enum": "Enum"}
# Preview features Prisma 6.19 still lists (anything else it knows is GA or retired and accepted silently).
ACTIVE_PREVIEW_FEATURES = (
    "fullTextSearchPostgres",
    "metrics",
    "nativeDistinct",
    "postgresqlExtensions",
    "relationJoins",
    "schemaEngineDriverAdapters",
    "shardKeys",
    "strictUndefinedChecks",
    "views",
)
# Names Prisma recognises as former preview features (now generally available, or removed): accepted.
RETIRED_PREVIEW_FEATURES = frozenset(
    (
        "aggregateApi",
        "atomicNumberOperations",
        "clientExtensions",
        "cockroachdb",
        "connectOrCreate",
        "createMany",
        "dataProxy",
        "deno",
        "distinct",
        "driverAdapters",
        "extendedIndexes",
        "extendedWhereUnique",
        "fieldReference",
        "filterJson",
        "filteredRelationCount",
        "fullTextIndex",
        "fullTextSearch",
        "groupBy",
        "improvedQueryRaw",
        "interactiveTransactions",
        "jsonProtocol",
        "microsoftSqlServer",
        "middlewares",
        "mongoDb",
        "multiSchema",
        "nApi",
        "namedConstraints",
        "napi",
        "nativeTypes",
        "omitApi",
        "orderByAggregateGroup",
        "orderByNulls",
        "orderByRelation",
        "prismaSchemaFolder",
        "queryCompiler",
        "reactNative",
        "referentialActions",
        "referentialIntegrity",
        "selectRelationCount",
        "tracing",
        "transactionApi",
        "typedSql",
        "uncheckedScalarInputs",
        "postgresqlExtensions",
        "views",
        "relationJoins",
        "nativeDistinct",
        "metrics",
        "fullTextSearchPostgres",
        "strictUndefinedChecks",
        "shardKeys",
        "schemaEngineDriverAdapters",
    )
)
_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_SCALARS = frozenset(M.SCALAR_TYPES)
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


# The dataclasses built in bulk write out their __init__ (init=False): the compiled build runs a written
# one as C, a generated one as Python (see nexo/_compiled.py).
@dataclass(init=False)
class LoadedSchema:
    """The files of a schema (one file, or every ``*.prisma`` under a folder, in Prisma's order)."""

    root: str
    files: list[tuple[str, str]]

    def __init__(self, root: str, files: list[tuple[str, str]]) -> None:
        self.root = root
        self.files = files

    @property
    def texts(self) -> dict[str, str]:
        return dict(self.files)


@dataclass(init=False)
class ValidationResult:
    """The outcome of validating a schema: the schema when valid, and every diagnostic found."""

    schema: M.Schema | None
    diagnostics: list[Diagnostic]
    texts: dict[str, str] = field(default_factory=dict)

    def __init__(
        self,
        schema: M.Schema | None,
        diagnostics: list[Diagnostic],
        texts: dict[str, str] | None = None,
    ) -> None:
        self.schema = schema
        self.diagnostics = diagnostics
        self.texts = dict() if texts is None else texts

    @property
    def ok(self) -> bool:
        return self.schema is not None and not self.diagnostics

    def render(self, *, prisma_style: bool = False) -> str:
        """The diagnostics as a report (``error: …`` blocks and a count)."""
        return render_diagnostics(self.diagnostics, self.texts, prisma_style=prisma_style)

    def raise_for_errors(self) -> M.Schema:
        """The schema, or :class:`PslError` carrying the diagnostics."""
        if self.schema is None or self.diagnostics:
            raise PslError(self.diagnostics, self.texts)
        return self.schema


def load(path: str | Path) -> LoadedSchema:
    """Read a schema file, or every ``.prisma`` file under a folder (sorted by relative path).

    Raises :class:`PslError` when the path does not exist or a folder holds no ``.prisma`` file.
    """
    p = Path(path)
    if p.is_dir():
        found = sorted((f for f in p.rglob("*.prisma") if f.is_file()), key=lambda f: f.relative_to(p).as_posix())
        if not found:
            raise PslError.simple(f"No .prisma files were found in the folder {p}.", str(p))
        return LoadedSchema(str(p), [(str(f), _read(f)) for f in found])
    if not p.is_file():
        raise PslError.simple(f"The schema file {p} does not exist.", str(p))
    return LoadedSchema(str(p), [(str(p), _read(p))])


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")


def validate_path(path: str | Path) -> ValidationResult:
    """Load and validate a schema file or folder."""
    loaded = load(path)
    return validate_sources(loaded.files)


def validate_source(text: str, file: str = "schema.prisma") -> ValidationResult:
    """Validate one schema given as text."""
    return validate_sources([(file, text)])


def validate_sources(files: list[tuple[str, str]]) -> ValidationResult:
    """Validate a schema made of several files ``(name, text)`` in declaration order."""
    with paused_gc():
        schema, diags = _validate_trees(files)
        # The syntax trees and the validator's working data are garbage now (and, having no reference
        # cycles, already freed), so the collector only ever sees the validated schema.
    return ValidationResult(None if diags else schema, diags, {name: text for name, text in files})


def _validate_trees(files: list[tuple[str, str]]) -> tuple[M.Schema | None, list[Diagnostic]]:
    trees = []
    diags: list[Diagnostic] = []
    for name, text in files:
        tree, d = parse(text, name)
        trees.append(tree)
        diags.extend(d)
    schema = _Validator(trees, diags).run()
    return schema, diags


_expr_text = display


def _fields_phrase(names: list[str]) -> str:
    """``field `a``` / ``fields `a`, `b``` (Prisma's wording for field lists in messages)."""
    quoted = ", ".join(f"`{n}`" for n in names)
    return ("field " if len(names) == 1 else "fields ") + quoted


@dataclass(slots=True, init=False)
class _FieldInfo:
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
    rel: _RelArgs | None = None
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
        rel: _RelArgs | None = None,
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


@dataclass(slots=True, init=False)
class _RelArgs:
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


_NO_RELATION_ARGS = _RelArgs()


@dataclass(slots=True, init=False)
class _IndexData:
    """An ``@unique``, ``@@unique``, ``@@index`` or ``@@fulltext`` as read (``fields``: info, sort, length, ops)."""

    kind: str  # unique | index | fulltext
    attr: A.Attribute
    fields: list[tuple[_FieldInfo, str | None, int | None, A.Argument | None]]
    source: _FieldInfo | None = None
    name: str | None = None
    map: str | None = None
    algorithm: str | None = None
    clustered: bool | None = None

    def __init__(
        self,
        kind: str,
        attr: A.Attribute,
        fields: list[tuple[_FieldInfo, str | None, int | None, A.Argument | None]],
        source: _FieldInfo | None = None,
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


@dataclass(slots=True, init=False)
class _Rel:
    """A relation as Prisma infers it: its kind and its forward (``fields`` side) and back fields.

    ``kind``: ``1:1``, ``1:n``, ``m:n`` or ``embedded`` (a many-to-many with ``fields``, MongoDB only).
    For ``m:n`` the two fields are the A side and the B side.
    """

    kind: str
    forward: _FieldInfo | None
    back: _FieldInfo | None

    def __init__(self, kind: str, forward: _FieldInfo | None, back: _FieldInfo | None) -> None:
        self.kind = kind
        self.forward = forward
        self.back = back


@dataclass(slots=True, init=False)
class _ModelData:
    """What the attributes of one model said (primary key, indexes, ignore)."""

    pk_attr: A.Attribute | None = None
    pk_source: _FieldInfo | None = None
    pk_fields: list[tuple[_FieldInfo, str | None, int | None]] = field(default_factory=list)
    pk_sort: str | None = None
    pk_length: int | None = None
    pk_clustered: bool | None = None
    pk_name: str | None = None
    pk_map: str | None = None
    ignored: bool = False
    indexes: list[_IndexData] = field(default_factory=list)
    mapped: str | None = None
    schema: tuple[str, A.Span] | None = None

    def __init__(
        self,
        pk_attr: A.Attribute | None = None,
        pk_source: _FieldInfo | None = None,
        pk_fields: list[tuple[_FieldInfo, str | None, int | None]] | None = None,
        pk_sort: str | None = None,
        pk_length: int | None = None,
        pk_clustered: bool | None = None,
        pk_name: str | None = None,
        pk_map: str | None = None,
        ignored: bool = False,
        indexes: list[_IndexData] | None = None,
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


def _reporter(diags: list[Diagnostic]) -> Callable[[str, A.Span], None]:
    """A function appending a diagnostic to ``diags``."""

    def err(message: str, span: A.Span) -> None:
        diags.append(Diagnostic(message, span))

    return err


class _Validator:
    def __init__(self, trees: list[A.SchemaFile], diags: list[Diagnostic]) -> None:
        self.trees = trees
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
        self.fields: dict[str, dict[str, _FieldInfo]] = {}
        self.infos: dict[int, list[_FieldInfo]] = {}
        self.mdata: dict[int, _ModelData] = {}
        self.ds_name = "db"
        self.preview: set[str] = set()
        # ``err`` reports into ``diags`` without holding the validator (no reference cycle: the
        # validator and the syntax trees it holds are freed as soon as validation ends)
        self.err = _reporter(diags)
        self.coerce = Coerce(self.err)
        self.unknown_defaults: list[tuple[_FieldInfo, A.FunctionCall]] = []
        self.extensions_prop: A.ConfigProperty | None = None
        self.infer_relations_cache: list[_Rel] = []
        self.field_indexes: dict[int, dict[str, _FieldInfo]] = {}
        self.sorted_criteria_cache: dict[int, list[list[str]]] = {}
        # equal immutable values of the model, made once (see native_type_value())
        self.native_types: dict[tuple[str, tuple[str, ...]], M.NativeType] = {}
        self.index_fields: dict[tuple[str, str | None, int | None, str | None], M.IndexField] = {}
        self.defaults: dict[tuple[bool, str], M.DefaultValue] = {}
        self.relation_mode = "foreignKeys"
        self.enum_value_names: dict[str, set[str]] = {}  # enum → its value names (for defaults)

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

    def fspan(self, info: _FieldInfo | A.Field) -> A.Span:
        node = info.node if isinstance(info, _FieldInfo) else info
        return self.line_span(node.span)

    def field_index(self, m: A.Model) -> dict[str, _FieldInfo]:
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

    # ================================================================== driver
    def run(self) -> M.Schema | None:
        generators = [g for g in (self.generator(g) for g in self.generators) if g is not None]
        for g in generators:
            self.preview.update(g.preview_features)
        datasource = self.datasource()
        self.extension_rules()
        self.names()
        self.types()
        self.attributes()
        if self.diags:
            return None
        relations = self.pipeline()
        if self.diags:
            return None
        return self.build(datasource, generators, relations)

    # ================================================================== config blocks
    def config_value(self, e: A.Expression | None) -> M.ConfigValue:
        if e is None:
            return None
        if isinstance(e, A.StringValue):
            return e.value
        if (
            isinstance(e, A.FunctionCall)
            and e.name == "env"
            and e.arguments
            and isinstance(e.arguments[0].value, A.StringValue)
        ):
            return M.Env(e.arguments[0].value.value)
        if isinstance(e, A.ArrayValue):
            return [self.config_value(i) for i in e.items]
        if isinstance(e, A.NumberValue):
            return e.raw
        if isinstance(e, A.ConstantValue):
            return e.name
        return _expr_text(e)

    def config_properties(self, b: A.ConfigBlock) -> dict[str, A.ConfigProperty] | None:
        """The block's properties by key (a repeated key: the last one wins, as in Prisma).

        A key without a value makes Prisma drop the whole block (after reporting the first such key):
        None then.
        """
        props: dict[str, A.ConfigProperty] = {}
        for p in b.properties:
            if p.value is None:
                self.err(f"Property {p.key} in {b.keyword} {b.name} needs to be assigned a value", b.span)
                return None
            props[p.key] = p
        return props

    def repeated_keys(self) -> None:
        """A key written twice in a datasource or generator (a names check in Prisma)."""
        for b in self.datasources + self.generators:
            where = f'source "{b.name}"' if b.keyword == "datasource" else f'generator "{b.name}"'
            seen: set[str] = set()
            for p in b.properties:
                if p.key in seen:
                    self.err(f'Key "{p.key}" is already defined in {where}.', p.key_span)
                seen.add(p.key)

    def env_string(self, v: A.Expression) -> str | M.Env | None:
        """A string, or ``env("NAME")``; anything else is reported (Prisma's ``StringFromEnvVar``)."""
        if isinstance(v, A.FunctionCall) and v.name == "env":
            args = [a for a in v.arguments if a.value is not None]
            if len(args) != 1:
                self.err("Exactly one string parameter must be passed to the env function.", v.span)
                return None
            if args[0].name is not None:
                self.err("The env function expects a singular, unnamed, string argument.", v.span)
                return None
            value = args[0].value
            if not isinstance(value, A.StringValue):
                assert value is not None
                self.err(mismatch("string", value), value.span)
                return None
            return M.Env(value.value)
        if isinstance(v, A.StringValue):
            return v.value
        self.err(mismatch("String", v), v.span)
        return None

    def generator(self, g: A.ConfigBlock) -> M.Generator | None:
        props = self.config_properties(g)
        if props is None:
            return None
        cfg: dict[str, M.ConfigValue] = {key: self.config_value(p.value) for key, p in props.items()}
        gen = M.Generator(g.name, g.span, config=cfg, documentation=g.documentation)
        engine = props.get("engineType")
        if engine is not None and engine.value is not None and not isinstance(engine.value, A.StringValue):
            self.err(mismatch("String", engine.value), engine.value.span)
        prov = props.get("provider")
        if prov is None:
            self.err(f'Argument "provider" is missing in generator block "{g.name}".', g.span)
            return None
        gen.provider = self.env_string(prov.value)  # type: ignore[arg-type]
        if gen.provider is None:
            return None
        out = props.get("output")
        if out is not None:
            gen.output = self.env_string(out.value)  # type: ignore[arg-type]
        bt = props.get("binaryTargets")
        if bt is not None:
            targets = self.coerce.array(bt.value, self.env_string)  # type: ignore[arg-type]
            gen.binary_targets = list(targets or [])
        pf = props.get("previewFeatures")
        if pf is not None:
            names = self.coerce.array(pf.value, self.coerce.string)  # type: ignore[arg-type]
            if names is not None:
                gen.preview_features = self.preview_features(names, pf.value)  # type: ignore[arg-type]
        return gen

    def preview_features(self, names: list[str], v: A.Expression) -> list[str]:
        for n in names:
            if n not in RETIRED_PREVIEW_FEATURES:
                self.err(
                    f'The preview feature "{n}" is not known. Expected one of: {", ".join(ACTIVE_PREVIEW_FEATURES)}',
                    v.span,
                )
        return [n for n in names if n in RETIRED_PREVIEW_FEATURES]

    def datasource(self) -> M.Datasource | None:
        self.repeated_keys()
        by_file: dict[str, list[M.Datasource]] = {}
        lifted: list[M.Datasource] = []
        for d in self.datasources:
            ds = self.lift_datasource(d)
            if ds is not None:
                by_file.setdefault(d.file, []).append(ds)
                lifted.append(ds)
        for file, found in by_file.items():
            if len(found) > 1:
                for d in self.datasources:
                    if d.file == file:
                        self.err(
                            f"Error validating datasource `{d.name}`: You defined more than one datasource. This "
                            "is not allowed yet because support for multiple databases has not been implemented "
                            "yet.",
                            d.span,
                        )
        if not lifted:
            return None
        # Prisma checks the number of datasources file by file: in a multi-file schema, datasources in
        # different files are accepted and the first one is used.
        ds = lifted[0]
        self.ds_name = ds.name
        self.relation_mode = ds.relation_mode
        return ds

    def lift_datasource(self, d: A.ConfigBlock) -> M.Datasource | None:
        """One datasource block, checked in the order Prisma checks it (some problems end the check)."""
        props = self.config_properties(d)
        if props is None:
            return None
        props = dict(props)
        values = {k: self.config_value(p.value) for k, p in props.items()}
        ds = M.Datasource(d.name, "postgresql", d.span, properties=values, documentation=d.documentation)
        prov = props.pop("provider", None)
        if prov is None:
            self.err(f'Argument "provider" is missing in data source block "{d.name}".', d.span)
            return None
        pv_expr = prov.value
        assert pv_expr is not None
        if isinstance(pv_expr, A.FunctionCall) and pv_expr.name == "env":
            self.err("A datasource must not use the env() function in the provider argument.", d.span)
            return None
        if not isinstance(pv_expr, A.StringValue):
            self.err(
                f"Error validating datasource `{d.name}`: The provider argument in a datasource must be a string "
                "literal",
                pv_expr.span,
            )
            return None
        pv = pv_expr.value
        if pv == "":
            self.err(
                f"Error validating datasource `{d.name}`: The provider argument in a datasource must not be empty",
                pv_expr.span,
            )
            return None
        if pv not in KNOWN_PROVIDERS:
            self.err(f'Datasource provider not known: "{pv}".', pv_expr.span)
            return None
        if pv not in ("postgresql", "postgres"):
            self.err(f'The datasource provider "{pv}" is not supported by nexo: only "postgresql" is.', pv_expr.span)
            return None
        ds.provider = pv
        rm = props.pop("relationMode", None)
        ri = props.pop("referentialIntegrity", None)
        if rm is not None and ri is not None:
            self.err(
                "The `referentialIntegrity` and `relationMode` attributes cannot be used together. Please use only "
                "`relationMode` instead.",
                ri.span,
            )
        elif rm is not None or ri is not None:
            setting = rm or ri
            assert setting is not None
            mode = self.coerce.string(setting.value)
            if mode in ("prisma", "foreignKeys"):
                ds.relation_mode = mode
            elif mode is not None:
                self.err(
                    f'Error validating datasource `relationMode`: Invalid relation mode setting: "{mode}". '
                    'Supported values: "prisma", "foreignKeys"',
                    d.span,
                )
        ext = props.pop("extensions", None)
        if ext is not None:
            ds.extensions = self.extensions(ext)
            self.extensions_prop = ext
        url = props.pop("url", None)
        if url is None:
            self.err(f'Argument "url" is missing in data source block "{d.name}".', d.span)
            return None
        ds.url = self.env_string(url.value)  # type: ignore[arg-type]
        if ds.url is None:
            return None
        shadow = props.pop("shadowDatabaseUrl", None)
        if shadow is not None:
            value = self.env_string(shadow.value)  # type: ignore[arg-type]
            ds.shadow_database_url = None if value == "" else value
        direct = props.pop("directUrl", None)
        if direct is not None:
            ds.direct_url = self.env_string(direct.value)  # type: ignore[arg-type]
            if ds.direct_url == "":
                # reported by the Prisma CLI's configuration check (``prisma validate``), not by its validator
                self.err(
                    f"Error validating datasource `{d.name}`: You must provide a nonempty direct URL", direct.value.span
                )  # type: ignore[union-attr]
        if ds.shadow_database_url is not None:
            if ds.direct_url is not None and ds.shadow_database_url == ds.direct_url:
                self.err(
                    f'shadowDatabaseUrl is the same as directUrl for datasource "{d.name}". Please specify a '
                    "different database as shadow database to avoid data loss.",
                    direct.value.span,
                )  # type: ignore[union-attr]
            if ds.shadow_database_url == ds.url:
                self.err(
                    f'shadowDatabaseUrl is the same as url for datasource "{d.name}". Please specify a different '
                    "database as shadow database to avoid data loss.",
                    url.value.span,
                )  # type: ignore[union-attr]
        pf = props.pop("previewFeatures", None)
        if pf is not None:
            self.err(
                "Preview features are only supported in the generator block. Please move this field to the "
                "generator block.",
                pf.span,
            )
        sch = props.pop("schemas", None)
        if sch is not None:
            assert sch.value is not None

            def with_span(e: A.Expression) -> tuple[str, A.Span] | None:
                value = self.coerce.string(e)
                return None if value is None else (value, e.span)

            items = self.coerce.array(sch.value, with_span)
            if items is not None:
                if not items:
                    self.err("If provided, the schemas array can not be empty.", sch.value.span)
                else:
                    ordered = sorted(items, key=lambda pair: pair[0])  # type: ignore[index]
                    for first, second in zip(ordered, ordered[1:]):
                        if first[0] == second[0]:  # type: ignore[index]
                            self.err("Duplicated schema names are not allowed", first[1])  # type: ignore[index]
                    names: list[str] = []
                    for name, _span in items:  # type: ignore[misc]
                        if name not in names:
                            names.append(name)
                    ds.schemas = names
        for key, p in props.items():
            self.err(f'Property not known: "{key}".', p.span)
        return ds

    def extension_rules(self) -> None:
        ext = self.extensions_prop
        if ext is None:
            return
        if "postgresqlExtensions" not in self.preview:
            self.err(
                "The `extensions` property is only available with the `postgresqlExtensions` preview feature.", ext.span
            )
            return
        items = ext.value.items if isinstance(ext.value, A.ArrayValue) else []
        for item in items:
            name = item.name if isinstance(item, (A.ConstantValue, A.FunctionCall)) else None
            if name is None:
                continue
            if name[:1].isdigit():
                self.err("Error validating: The name of an extension must not start with a number.", item.span)
            elif "-" in name:
                self.err("Error validating: The character `-` is not allowed in extension names.", item.span)

    def extensions(self, ext: A.ConfigProperty) -> list[M.Extension]:
        v = ext.value
        assert v is not None
        if not isinstance(v, A.ArrayValue):
            self.err(mismatch("array", v), v.span)
            return []
        out = []
        for item in v.items:
            e = self.extension(item)
            if e is not None:
                out.append(e)
        return out

    def extension(self, item: A.Expression) -> M.Extension | None:
        if isinstance(item, A.ConstantValue):
            return M.Extension(item.name)
        if isinstance(item, A.FunctionCall):
            opts: dict[str, str] = {}
            for a in item.arguments:
                if a.name in ("schema", "version", "map") and isinstance(a.value, A.StringValue):
                    opts[a.name] = a.value.value
                else:
                    self.err(
                        f"Invalid argument `{display(a.value)}` for the extension `{item.name}`: expected "
                        "`schema`, `version` or `map` with a string value.",
                        a.span,
                    )
                    return None
            return M.Extension(item.name, opts.get("schema"), opts.get("version"), opts.get("map"))
        self.err(f"Invalid extension definition `{_expr_text(item)}`.", item.span)
        return None

    # ================================================================== names
    def names(self) -> None:
        seen: dict[str, A.Block] = {}
        for b in self.blocks:
            kind = b.keyword
            if isinstance(b, A.ConfigBlock):
                continue
            if b.name[:1].isdigit():
                self.err(
                    f"Error validating: The name of a {KIND_TITLES[kind]} must not start with a number.", b.name_span
                )
            other = seen.get(b.name)
            if other is not None:
                self.err(
                    f'The {KIND_NAMES[kind]} "{b.name}" cannot be defined because a {KIND_NAMES[other.keyword]} '
                    "with that name already exists.",
                    b.name_span,
                )
            else:
                seen[b.name] = b
            if isinstance(b, A.Model):
                names: set[str] = set()
                for f in b.fields:
                    if f.name in names:
                        self.err(f'Field "{f.name}" is already defined on {b.keyword} "{b.name}".', f.name_span)
                    names.add(f.name)
                    if f.name[:1].isdigit():
                        self.err("Error validating: The name of a Field must not start with a number.", f.name_span)
            else:
                if not b.values:
                    self.err("Error validating: An enum must have at least one value.", b.span)
                names = set()
                for v in b.values:
                    if v.name in names:
                        self.err(f'Value "{v.name}" is already defined on enum "{b.name}".', self.line_span(v.span))
                    names.add(v.name)
                    if v.name[:1].isdigit():
                        self.err(
                            "Error validating: The name of a Enum Value must not start with a number.", v.name_span
                        )
        cfg_seen: set[tuple[str, str]] = set()
        for b in self.blocks:
            if isinstance(b, A.ConfigBlock):
                kind = "generator" if b.keyword == "generator" else "source"
                if (kind, b.name) in cfg_seen:
                    self.err(
                        f'The {kind} "{b.name}" cannot be defined because a {kind} with that name already exists.',
                        b.name_span,
                    )
                cfg_seen.add((kind, b.name))
        for m in self.models:
            self.model_by_name.setdefault(m.name, m)
        for e in self.enums:
            self.enum_by_name.setdefault(e.name, e)

    # ================================================================== types
    def types(self) -> None:
        for m in self.models:
            infos = self.fields.setdefault(m.name, {})
            first = self.model_by_name.get(m.name) is m
            listed: list[_FieldInfo] = []
            self.infos[id(m)] = listed
            self.mdata[id(m)] = _ModelData()
            for f in m.fields:
                t = f.type
                assert t is not None
                if t.legacy_required:
                    self.err("Fields are required by default, `!` is no longer required.", t.span)
                    continue
                if t.legacy_list:
                    self.err("To specify a list, please use `Type[]` instead of `[Type]`.", t.span)
                    continue
                if t.optional_list:
                    self.err("Optional lists are not supported. Use either `Type[]` or `Type?`.", t.span)
                    continue
                attrs: dict[str, A.Attribute] = {}
                for a in f.attributes:
                    attrs.setdefault(a.name, a)
                if t.name in _SCALARS:
                    kind = "scalar"
                elif t.name == "Unsupported" and t.unsupported is not None:
                    kind = "unsupported"
                elif t.name in self.enum_by_name:
                    kind = "enum"
                elif t.name in self.model_by_name:
                    kind = "composite" if self.model_by_name[t.name].keyword == "type" else "relation"
                else:
                    self.err(
                        f'Type "{t.name}" is neither a built-in type, nor refers to another model, composite '
                        "type, or enum.",
                        t.name_span,
                    )
                    continue
                info = _FieldInfo(f, m, kind, t.name, t.arity, attrs)
                listed.append(info)
                if first:
                    infos.setdefault(f.name, info)

    # ================================================================== attributes (stage 1)
    def attributes(self) -> None:
        for m in self.models:
            for info in self.infos[id(m)]:
                if info.kind == "relation":
                    self.relation_field_attributes(info)
        for m in self.models:
            if m.keyword == "type":
                for info in self.infos[id(m)]:
                    s = self.attrs_of(info.node.attributes, m.src.file, info.attrs)
                    if "map" in s.by_name and (a := s.single("map")) is not None:
                        self.coerce.string(a.default("name"))
                        a.finish()
                    if "default" in s.by_name and (a := s.single("default")) is not None:
                        a.discard()
                    s.datasource_scoped()
                    s.finish()
                continue
            self.model_attributes(m)
        for e in self.enums:
            self.enum_attributes(e)

    def model_attributes(self, m: A.Model) -> None:
        data = self.mdata[id(m)]
        mapped_columns: dict[str, _FieldInfo] = {}
        for info in self.infos[id(m)]:
            if info.kind != "relation":
                self.scalar_field_attributes(info, data, mapped_columns)
        s = self.attrs_of(m.attributes, m.file)
        if "ignore" in s.by_name and (a := s.single("ignore")) is not None:
            for info in self.infos[id(m)]:
                if info.kind != "relation" and info.ignored:
                    self.err(
                        'Error parsing attribute "@ignore": Fields on an already ignored Model do not need an '
                        "`@ignore` annotation.",
                        self.fspan(info),
                    )
            data.ignored = True
            a.finish()
        if "id" in s.by_name and (a := s.single("id")) is not None:
            self.block_id(m, a, data)
            a.finish()
        if "map" in s.by_name and (a := s.single("map")) is not None:
            data.mapped = self.coerce.string(a.default("name"))
            a.finish()
        if "schema" in s.by_name and (a := s.single("schema")) is not None:
            v = a.default("map")  # @@schema's argument is called ``map`` (``@@schema(map: "x")``)
            name = self.coerce.string(v)
            if name is not None and v is not None:
                data.schema = (name, v.span)
            a.finish()
        for a in s.repeated("index"):
            self.block_index(m, a, data, "index")
            a.finish()
        for a in s.repeated("unique"):
            self.block_index(m, a, data, "unique")
            a.finish()
        for a in s.repeated("fulltext"):
            self.block_index(m, a, data, "fulltext")
            a.finish()
        if not data.ignored and data.pk_source is not None and data.pk_source.arity != "required":
            assert data.pk_attr is not None
            self.err(
                'Error parsing attribute "@id": Fields that are marked as id must be required.',
                self.aspan(data.pk_attr),
            )
        s.finish()

    def scalar_field_attributes(self, info: _FieldInfo, data: _ModelData, mapped: dict[str, _FieldInfo]) -> None:
        if not info.node.attributes:
            return
        m = info.model
        s = self.attrs_of(info.node.attributes, m.src.file, info.attrs)
        if "map" in s.by_name and (a := s.single("map")) is not None:
            name = self.coerce.string(a.default("name"))
            if name is not None:
                info.mapped = name
                if name in mapped:  # another field maps to the same column
                    self.err(
                        f'Field "{info.node.name}" is already defined on {m.keyword} "{m.name}".', self.fspan(info)
                    )
                mapped.setdefault(name, info)
                other = self.field_index(m).get(name)
                if (
                    other is not None
                    and other is not info
                    and other.kind != "relation"
                    and other.mapped in (None, name)
                ):  # a field is called what this one maps to
                    self.err(
                        f'Field "{info.node.name}" is already defined on {m.keyword} "{m.name}".', self.fspan(info)
                    )
            a.finish()
        if "ignore" in s.by_name and (a := s.single("ignore")) is not None:
            if info.kind == "unsupported":
                a.error(
                    "Fields of type `Unsupported` cannot take an `@ignore` attribute. They are already treated as "
                    "ignored by the client due to their type."
                )
            else:
                info.ignored = True
            a.finish()
        if "relation" in s.by_name and (a := s.single("relation")) is not None:
            a.error("Invalid field type, not a relation.")
            a.finish()
        if "id" in s.by_name and (a := s.single("id")) is not None:
            if data.pk_attr is not None:
                self.err(
                    f'Error validating model "{m.name}": At most one field must be marked as the id field with '
                    "the `@id` attribute.",
                    m.span,
                )
            else:
                data.pk_map = self.map_argument(a)
                data.pk_length = self.coerce.integer(a.optional("length"))
                data.pk_sort = self.sort_argument(a)
                data.pk_clustered = self.coerce.boolean(a.optional("clustered"))
                data.pk_attr, data.pk_source = a.attr, info
                data.pk_fields = [(info, data.pk_sort, data.pk_length)]
                info.is_id = True
            a.finish()
        if "updatedAt" in s.by_name and (a := s.single("updatedAt")) is not None:
            if info.type != "DateTime" or info.kind != "scalar":
                a.error("Fields that are marked with @updatedAt must be of type DateTime.")
            if info.arity == "list":
                a.error("Fields that are marked with @updatedAt cannot be lists.")
            a.finish()
        if "default" in s.by_name and (a := s.single("default")) is not None:
            self.visit_default(info, a)
            a.finish()
        if info.kind == "scalar":
            native = s.datasource_scoped()
            if native is not None:
                info.native_attr = native
        if "unique" in s.by_name and (a := s.single("unique")) is not None:
            mp = self.map_argument(a)
            length = self.coerce.integer(a.optional("length"))
            sort = self.sort_argument(a)
            clustered = self.coerce.boolean(a.optional("clustered"))
            data.indexes.append(
                _IndexData("unique", a.attr, [(info, sort, length, None)], source=info, map=mp, clustered=clustered)
            )
            a.finish()
        s.finish()

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

    # ------------------------------------------------------------------ @@id / @@index / @@unique / @@fulltext
    def resolve_index_fields(
        self, m: A.Model, a: Args, value: A.Expression, with_args: bool
    ) -> tuple[list[tuple[_FieldInfo, str | None, int | None, A.Argument | None]], list[str], list[_FieldInfo]] | None:
        """The fields an index-like attribute names: (resolved, unknown names, relation fields), or None when
        the list itself is malformed (already reported)."""
        coerce = self.coerce

        def item(e: A.Expression) -> tuple[str, Sequence[A.Argument]] | None:
            if isinstance(e, A.ConstantValue):
                return e.name, []
            if isinstance(e, A.FunctionCall) and with_args:
                return e.name, e.arguments
            if with_args:
                self.err(mismatch("constant literal", e), e.span)
                return None
            name = coerce.constant(e)
            return None if name is None else (name, [])

        items = coerce.array(value, item)
        if items is None:
            return None
        by_name = self.field_index(m)
        resolved: list[tuple[_FieldInfo, str | None, int | None, A.Argument | None]] = []
        unknown: list[str] = []
        relational: list[_FieldInfo] = []
        for name, fargs in items:
            sort, length, ops = self.index_field_args(fargs) if with_args else (None, None, None)
            info = by_name.get(name)
            if "." in name or info is None:
                unknown.append(name)
                continue
            if info.kind == "relation":
                relational.append(info)
                continue
            if any(r[0] is info for r in resolved):
                self.err(
                    f'Error validating model "{m.name}": The unique index definition refers to the field '
                    f"{name} multiple times.",
                    a.span,
                )
                return None
            resolved.append((info, sort, length, ops))
        return resolved, unknown, relational

    def index_field_args(self, fargs: Sequence[A.Argument]) -> tuple[str | None, int | None, A.Argument | None]:
        """``sort:``, ``length:`` and ``ops:`` of one field of an index (other arguments are ignored, as by Prisma)."""
        sort = length = ops = None
        for fa in fargs:
            if fa.value is None:
                continue
            if fa.name == "sort" and sort is None:
                c = self.coerce.constant(fa.value)
                if c in ("Asc", "Desc"):
                    sort = c
                elif c is not None:
                    self.err("Unexpected token. Expected one of: Asc, Desc", fa.span)
                sort = sort or ""
            elif fa.name == "length" and length is None:
                n = self.coerce.integer(fa.value)
                length = n if n is not None and n >= 0 else -1
            elif fa.name == "ops" and ops is None:
                ops = fa
                v = fa.value
                if isinstance(v, A.ConstantValue):
                    if v.name not in OPERATOR_CLASSES:
                        self.err(f"Unexpected token. Expected one of: Invalid operator class: {v.name}", v.span)
                elif isinstance(v, A.FunctionCall) and v.name == "raw":
                    if len(v.arguments) != 1:
                        self.err(
                            f"Unexpected token. Expected one of: Wrong number of arguments. Expected: 1, got: "
                            f"{len(v.arguments)}",
                            v.span,
                        )
                    elif not isinstance(v.arguments[0].value, A.StringValue):
                        self.err("Unexpected token. Expected one of: Invalid parameter type: expected string", v.span)
                elif isinstance(v, A.FunctionCall):
                    self.err(
                        f"Unexpected token. Expected one of: operator class (`{v.name}()` is not an operator "
                        'class; use `raw("…")`)',
                        v.span,
                    )
                else:
                    self.err("Unexpected token. Expected one of: operator class", fa.span)
        return (sort or None), (length if length is None or length >= 0 else None), ops

    def block_id(self, m: A.Model, a: Args, data: _ModelData) -> None:
        fields = a.default("fields")
        if fields is None:
            return
        got = self.resolve_index_fields(m, a, fields, with_args=True)
        if got is None:
            return
        resolved, unknown, relational = got
        if unknown or relational:
            if unknown:
                self.err(
                    f'Error validating model "{m.name}": The multi field id declaration refers to the unknown '
                    f"{_fields_phrase(unknown)}.",
                    fields.span,
                )
            if relational:
                self.err(
                    f'Error validating model "{m.name}": The id definition refers to the relation '
                    f"{_fields_phrase([r.node.name for r in relational])}. ID definitions must reference only "
                    "scalar fields.",
                    a.span,
                )
            return
        optional = [r[0].node.name for r in resolved if r[0].arity != "required"]
        if optional and not data.ignored:
            self.err(
                f'Error validating model "{m.name}": The id definition refers to the optional '
                f"{_fields_phrase(optional)}. ID definitions must reference only required fields.",
                a.span,
            )
        if data.pk_attr is not None:
            self.err(
                f'Error validating model "{m.name}": Each model must have at most one id criteria. You can\'t '
                "have `@id` and `@@id` at the same time.",
                m.span,
            )
        data.pk_map = self.map_argument(a)
        name = self.name_argument(a)
        if name is not None:
            self.client_name(m, a, name, "@@id")
        data.pk_name = name
        data.pk_clustered = self.coerce.boolean(a.optional("clustered"))
        data.pk_attr, data.pk_source = a.attr, None
        data.pk_fields = [(r[0], r[1], r[2]) for r in resolved]

    def block_index(self, m: A.Model, a: Args, data: _ModelData, kind: str) -> None:
        index = _IndexData(kind, a.attr, [])
        fields = a.default("fields")
        if fields is not None:
            got = self.resolve_index_fields(m, a, fields, with_args=True)
            if got is not None:
                resolved, unknown, relational = got
                prefix = "unique " if kind == "unique" else ""
                if unknown:
                    self.err(
                        f'Error validating model "{m.name}": The {prefix}index definition refers to the unknown '
                        f"fields: {', '.join(unknown)}.",
                        a.span,
                    )
                if relational:
                    under = [f for r in relational for f in (r.rel.fields if r.rel and r.rel.fields else [])]
                    hint = (
                        f" Did you mean `@@{'unique' if kind == 'unique' else 'index'}([{', '.join(under)}])`?"
                        if under
                        else ""
                    )
                    self.err(
                        f'Error validating model "{m.name}": The {prefix}index definition refers to the relation '
                        f"fields {', '.join(r.node.name for r in relational)}. Index definitions must reference "
                        f"only scalar fields.{hint}",
                        a.span,
                    )
                if not unknown and not relational:
                    index.fields = resolved
        if kind == "index":
            name = self.name_argument(a)
            mp = self.map_argument(a)
            if name is not None and mp is not None:
                a.error(
                    "The `@@index` attribute accepts the `name` argument as an alias for the `map` argument for "
                    "legacy reasons. It does not accept both though. Please use the `map` argument to specify the "
                    "database name of the index."
                )
                mp = None
            elif name is not None:
                mp = name
            index.map = mp
            algo = self.coerce.constant(a.optional("type"))
            if algo is not None and algo not in INDEX_ALGORITHMS:
                a.error(f"Unknown index type: {algo}.")
                algo = None
            index.algorithm = algo
            index.clustered = self.coerce.boolean(a.optional("clustered"))
        elif kind == "unique":
            name = self.name_argument(a)
            index.map = self.map_argument(a)
            if name is not None:
                self.client_name(m, a, name, "@@unique")
            index.name = name
            index.clustered = self.coerce.boolean(a.optional("clustered"))
        else:
            index.map = self.map_argument(a)
        data.indexes.append(index)

    # ------------------------------------------------------------------ relation fields
    def relation_field_attributes(self, info: _FieldInfo) -> None:
        if not info.node.attributes:
            return
        m = info.model
        s = self.attrs_of(info.node.attributes, m.src.file, info.attrs)
        if "relation" in s.by_name and (a := s.single("relation")) is not None:
            self.visit_relation(info, a)
            a.finish()
        if "id" in s.by_name and (a := s.single("id")) is not None:
            a.error(
                f"The field `{info.node.name}` is a relation field and cannot be marked with `@id`. Only scalar "
                "fields can be declared as id."
            )
            a.discard()
        if "ignore" in s.by_name and (a := s.single("ignore")) is not None:
            info.ignored = True
            a.finish()
        if "default" in s.by_name and (a := s.single("default")) is not None:
            a.error("Cannot set a default value on a relation field.")
            a.discard()
        if "map" in s.by_name and (a := s.single("map")) is not None:
            a.error("The attribute `@map` cannot be used on relation fields.")
            a.default("name")
            a.discard()
        if "unique" in s.by_name and (a := s.single("unique")) is not None:
            under = list(info.rel.fields or []) if info.rel else []
            if len(under) == 1:
                hint = f" Did you mean to put it on `{under[0]}`?"
            elif under:
                hint = f" Did you mean to provide `@@unique([{', '.join(under)}])`?"
            else:
                hint = ""
            a.error(
                f"The field `{info.node.name}` is a relation field and cannot be marked with `unique`. Only scalar "
                f"fields can be made unique.{hint}"
            )
            a.discard()
        s.finish()

    def relation_field_names(
        self, m: A.Model, a: Args, value: A.Expression
    ) -> tuple[list[str], list[str], list[str]] | None:
        """``fields:``/``references:`` names resolved on ``m``: (scalar fields, unknown, relation fields)."""
        names = self.coerce.array(value, self.coerce.constant)
        if names is None:
            return None
        by_name = self.field_index(m)
        ok: list[str] = []
        unknown: list[str] = []
        relational: list[str] = []
        for n in names:
            info = by_name.get(n)
            if "." in n or info is None:
                unknown.append(n)
            elif info.kind == "relation":
                relational.append(n)
            elif n in ok:
                self.err(
                    f'Error validating model "{m.name}": The unique index definition refers to the field {n} '
                    "multiple times.",
                    a.span,
                )
                return None
            else:
                ok.append(n)
        return ok, unknown, relational

    def visit_relation(self, info: _FieldInfo, a: Args) -> None:
        rel = _RelArgs()
        info.rel = rel
        fields = a.optional("fields")
        if fields is not None:
            got = self.relation_field_names(info.model, a, fields)
            rel.fields = []
            if got is not None:
                ok, unknown, relational = got
                if unknown:
                    self.err(
                        "Error validating: The argument fields must refer only to existing fields. The following "
                        f"fields do not exist in this model: {', '.join(unknown)}",
                        fields.span,
                    )
                if relational:
                    self.err(
                        "Error validating: The argument fields must refer only to scalar fields. But it is "
                        f"referencing the following relation fields: {', '.join(relational)}",
                        fields.span,
                    )
                if not unknown and not relational:
                    rel.fields = ok
        refs = a.optional("references")
        if refs is not None:
            target = self.model_by_name[info.type]
            got = self.relation_field_names(target, a, refs)
            rel.references = []
            if got is not None:
                ok, unknown, relational = got
                if unknown:
                    self.err(
                        "Error validating: The argument `references` must refer only to existing fields in the "
                        f"related model `{target.name}`. The following fields do not exist in the related model: "
                        f"{', '.join(unknown)}",
                        a.span,
                    )
                if relational:
                    self.err(
                        "Error validating: The argument `references` must refer only to scalar fields in the "
                        f"related model `{target.name}`. But it is referencing the following relation fields: "
                        f"{', '.join(relational)}",
                        a.span,
                    )
                if not unknown and not relational:
                    rel.references = ok
        name_value = a.default("name", report=False)
        name = self.coerce.string(name_value) if name_value is not None else None
        if name == "":
            a.error("A relation cannot have an empty name.")
        elif name is not None:
            rel.name = name
        for key in ("onDelete", "onUpdate"):
            v = a.optional(key)
            if v is None:
                continue
            action = self.coerce.constant(v)
            if action is None:
                continue
            if action not in M.REFERENTIAL_ACTIONS:
                a.report(f'Error parsing attribute "@relation": Invalid referential action: `{action}`', v.span)
                continue
            if key == "onDelete":
                rel.on_delete, rel.on_delete_span = action, v.span
            else:
                rel.on_update, rel.on_update_span = action, v.span
        rel.map = self.map_argument(a)

    # ------------------------------------------------------------------ enums
    def enum_attributes(self, e: A.Enum) -> None:
        for v in e.values:
            s = self.attrs_of(v.attributes, e.file)
            if "map" in s.by_name and (a := s.single("map")) is not None:
                self.coerce.string(a.default("name"))
                a.finish()
            s.finish()
        s = self.attrs_of(e.attributes, e.file)
        if "map" in s.by_name and (a := s.single("map")) is not None:
            self.coerce.string(a.default("name"))
            a.finish()
        if "schema" in s.by_name and (a := s.single("schema")) is not None:
            self.coerce.string(a.default("map"))
            a.finish()
        s.finish()

    # ------------------------------------------------------------------ @default (stage 1: kinds and functions)
    def visit_default(self, info: _FieldInfo, a: Args) -> None:
        before = len(self.diags)
        self.default_kind(info, a)
        info.default_ok = len(self.diags) == before

    def default_kind(self, info: _FieldInfo, a: Args) -> None:
        """Prisma's first look at ``@default``: the value suits the field's kind (contents come later)."""
        value = a.default("value")
        if value is None:
            return
        map_expr = a.optional("map")
        info.default_value, info.default_map = value, map_expr is not None
        named = self.map_value(a, map_expr)
        if isinstance(value, A.FunctionCall) and value.name == "dbgenerated":
            args = value.arguments
            if len(args) > 1:
                a.error("`dbgenerated()` takes a single String argument")
            first = args[0].value if args else None
            if isinstance(first, A.StringValue) and not first.value:
                a.error("dbgenerated() takes either no argument, or a single nonempty string argument.")
            elif first is None or isinstance(first, A.StringValue):
                pass
            elif len(args) <= 1:
                a.error("`dbgenerated()` takes a single String argument")
            return
        if info.kind == "enum":
            if info.arity == "list":
                if not isinstance(value, A.ArrayValue):
                    a.error(f"Expected an enum value, but found `{display(value)}`.")
                    return
                for item in value.items:
                    if not self.enum_default(info, item, a):
                        return
            else:
                self.enum_default(info, value, a)
            return
        if info.kind == "unsupported":
            a.error('Only @default(dbgenerated("...")) can be used for Unsupported types.')
            return
        if info.kind != "scalar":
            return
        t = info.type
        if isinstance(value, A.FunctionCall):
            fn, args = value.name, value.arguments
            if fn == "autoincrement" and named is not None:
                a.error("Naming an autoincrement default value is not allowed.")
            elif fn == "autoincrement" and t in ("Int", "BigInt"):
                self.no_arguments(a, fn, args)
            elif fn in ("cuid", "uuid", "nanoid") and t == "String":
                self.id_function_args(a, fn, args)
            elif (fn == "ulid" and t == "String") or (fn == "now" and t == "DateTime"):
                self.no_arguments(a, fn, args)
            elif fn == "auto":
                if args:
                    a.error("`auto()` takes no arguments")
            elif fn not in DEFAULT_FUNCTIONS:
                self.unknown_defaults.append((info, value))
            else:
                a.error(f"The function `{fn}()` cannot be used on fields of type `{t}`.")
            return
        if info.arity == "list":
            if not isinstance(value, A.ArrayValue):
                a.error("The default value of a list field must be a list.")
                return
            for item in value.items:
                if not self.scalar_literal(t, item, a):
                    return
        else:
            if isinstance(value, A.ArrayValue):
                a.error("The default value of a non-list field cannot be a list.")
                return
            self.scalar_literal(t, value, a)

    def no_arguments(self, a: Args, fn: str, args: Sequence[A.Argument]) -> None:
        if args:
            a.error(f"The `{fn}` function does not take any argument. Consider changing this default to `{fn}()`.")

    def id_function_args(self, a: Args, fn: str, args: Sequence[A.Argument]) -> None:
        """``uuid(4|7)``, ``cuid(1|2)``, ``nanoid(n ≥ 2)``: at most one integer argument."""
        if len(args) > 1:
            a.error(f"`{fn}()` takes a single Int argument.")
            return
        if not args:
            return
        v = args[0].value
        if not isinstance(v, A.NumberValue):
            a.error(f"`{fn}()` takes a single Int argument.")
            return
        try:
            n = int(v.raw)
        except ValueError:
            n = -1
        if fn == "uuid" and n not in (4, 7):
            a.error("`uuid()` takes either no argument, or a single integer argument which is either 4 or 7.")
        elif fn == "cuid" and n not in (1, 2):
            a.error("`cuid()` takes either no argument, or a single integer argument which is either 1 or 2.")
        elif fn == "nanoid" and not 2 <= n <= 255:
            a.error("`nanoid()` takes either no argument, or a single integer argument between 2 and 255.")

    def enum_default(self, info: _FieldInfo, value: A.Expression, a: Args) -> bool:
        if not isinstance(value, A.ConstantValue):
            a.error(f"Expected an enum value, but found `{display(value)}`.")
            return False
        names = self.enum_value_names.get(info.type)
        if names is None:
            names = self.enum_value_names[info.type] = {v.name for v in self.enum_by_name[info.type].values}
        if value.name not in names:
            a.error(
                f"The defined default value `{value.name}` is not a valid value of the enum specified for the field."
            )
            return False
        return True

    def scalar_literal(self, t: str, value: A.Expression, a: Args) -> bool:
        ok = (
            (t in ("String", "Json", "Bytes", "DateTime") and isinstance(value, A.StringValue))
            or (t in ("Int", "BigInt", "Float", "Decimal") and isinstance(value, A.NumberValue))
            or (t == "Decimal" and isinstance(value, A.StringValue))
        )
        if ok:
            return True
        if t == "Boolean" and isinstance(value, A.ConstantValue):
            if value.name in ("true", "false"):
                return True
            self.err('Error parsing attribute "@default": A boolean literal must be `true` or `false`.', value.span)
            return False
        a.error(f"Expected a {t} value, but found `{display(value)}`.")
        return False

    # ================================================================== stage 2: what the schema means
    def pipeline(self) -> list[M.Relation]:
        self.block_kinds()
        for info, call in self.unknown_defaults:
            self.err(
                f"Unknown function in @default(): `{call.name}` is not known. You can read about the available "
                "functions here: https://pris.ly/d/attribute-functions",
                call.span,
            )
        for m in self.models:
            if m.keyword == "type":
                continue
            data = self.mdata[id(m)]
            self.unique_criteria(m, data)
            self.primary_key_checks(m, data)
            for info in self.infos[id(m)]:
                if info.kind == "relation":
                    continue
                if info.native_attr is not None:
                    self.native_type(info, info.native_attr)
                self.default_values(info)
            # relation fields by (target model, relation name), in field order
            alike: dict[tuple[str, str], list[_FieldInfo]] = {}
            for info in self.infos[id(m)]:
                if info.kind == "relation":
                    alike.setdefault((info.type, self.relation_name_of(info)), []).append(info)
            for info in self.infos[id(m)]:
                if info.kind != "relation":
                    continue
                if self.ambiguity(m, info, alike[(info.type, self.relation_name_of(info))]):
                    return []
                self.relation_field_checks(info)
            for index in data.indexes:
                self.index_checks(m, data, index)
        self.schema_checks()
        self.infer_relations_cache = self.infer_relations()
        relations = self.relations()
        self.constraint_names(relations)
        return relations

    def block_kinds(self) -> None:
        for m in self.models:
            if m.keyword == "type":
                self.err("Error validating: Composite types are not supported on Postgres.", m.span)
            elif m.keyword == "view" and "views" not in self.preview:
                self.err(
                    "Error validating: View definitions are only available with the `views` preview feature.", m.span
                )

    def unique_criteria(self, m: A.Model, data: _ModelData) -> None:
        if m.keyword != "model" or data.ignored:
            return
        crits = self.criteria(m)
        good = [c for c in crits if c and all(i.arity == "required" for i in c)]
        if good:
            return
        msg = (
            f'Error validating model "{m.name}": Each model must have at least one unique criteria that has only '
            "required fields. Either mark a single field with `@id`, `@unique` or add a multi field criterion with "
            "`@@id([])` or `@@unique([])` to the model."
        )
        bad = [c for c in crits if c]
        if bad:
            msg += (
                " The following unique criterias were not considered as they contain fields that are not "
                "required:\n" + "\n".join("- " + ", ".join(i.node.name for i in c) for c in bad)
            )
        self.err(msg, m.span)

    def primary_key_checks(self, m: A.Model, data: _ModelData) -> None:
        if data.pk_attr is None:
            return
        pk_attr = data.pk_attr

        def fail(message: str) -> None:
            self.err(message, self.aspan(pk_attr))

        if m.keyword == "view":
            fail("Error validating: Views cannot have primary keys.")
        label = "@id" if data.pk_source is not None else "@@id"
        if data.pk_source is not None:
            if data.pk_length is not None:
                fail(
                    f'Error parsing attribute "{label}": The length argument is not supported in the primary key '
                    "with the current connector"
                )
            if data.pk_sort is not None:
                fail(
                    f'Error parsing attribute "{label}": The sort argument is not supported in the primary key '
                    "with the current connector"
                )
        else:
            if any(f[2] is not None for f in data.pk_fields):
                fail(
                    f'Error parsing attribute "{label}": The length argument is not supported in the primary key '
                    "with the current connector"
                )
            if any(f[1] is not None for f in data.pk_fields):
                fail(
                    f'Error parsing attribute "{label}": The sort argument is not supported in the primary key '
                    "with the current connector"
                )
            if data.pk_name is not None and any(i.node.name == data.pk_name for i in self.infos[id(m)]):
                self.err(
                    f'Error validating model "{m.name}": The field `{data.pk_name}` clashes with the `@@id` '
                    "attribute's name. Please resolve the conflict by providing a custom id name: "
                    '`@@id([...], name: "custom_name")`',
                    m.span,
                )
        if data.pk_clustered is not None:
            fail(f'Error parsing attribute "{label}": Defining clustering is not supported in the current connector.')

    # ------------------------------------------------------------------ native types
    def native_type(self, info: _FieldInfo, attr: A.Attribute) -> None:
        problem = self.native_type_problem(info, attr)
        if problem is not None:
            self.err(problem, self.aspan(attr))

    def native_type_problem(self, info: _FieldInfo, attr: A.Attribute) -> str | None:
        """What is wrong with a field's ``@db.X(…)`` (None when nothing is: ``info.native`` is then set)."""
        prefix, _, name = attr.name.partition(".")
        if prefix != self.ds_name:
            return (
                f"The prefix {prefix} is invalid. It must be equal to the name of an existing datasource e.g. "
                f"{self.ds_name}. Did you mean to use {self.ds_name}.{name}?"
            )
        spec = NATIVE_TYPES.get(name)
        if spec is None:
            return f"Native type {name} is not supported for postgresql connector."
        if spec.scalar != info.type:
            return (
                f"Native type {name} is not compatible with declared field type {info.type}, expected field "
                f"type {spec.scalar}."
            )
        args: list[str] = []
        for arg in attr.arguments:
            v = arg.value
            if v is None:
                continue
            if not isinstance(v, A.NumberValue) or not v.is_integer:
                return (
                    f'Expected a numeric value, but failed while parsing "{display(v)}": invalid digit found in string.'
                )
            args.append(v.raw)
        n = len(args)
        if spec.max_args == 0 and n:
            return f'Function "{name}" takes 0 arguments, but received {n}.'
        if spec.exact_args and n not in (0, spec.max_args):
            return f"Native type {name} takes {spec.max_args} optional arguments, but received {n}."
        if n > spec.max_args:
            return f"Native type {name} takes {spec.max_args} optional arguments, but received {n}."
        if name in ("Timestamp", "Timestamptz", "Time", "Timetz") and args and int(args[0]) > 6:
            return f"Argument M is out of range for native type `{name}({args[0]})`: M can range from 0 to 6."
        if name == "Decimal" and args and (int(args[0]) > 1000 or int(args[0]) < 1 or int(args[1]) > int(args[0])):
            return (
                f"Argument M is out of range for native type `Decimal({args[0]},{args[1]})`: M can range from 1 "
                "to 1000 and D must not be larger than M."
            )
        info.native = (name, tuple(args))
        return None

    # ------------------------------------------------------------------ default values (stage 2: literal contents)
    def default_values(self, info: _FieldInfo) -> None:
        value = info.default_value
        if value is None or not info.default_ok:
            return
        if info.default_map:
            a = info.attrs["default"]
            self.err(
                'Error parsing attribute "@default": You defined a database name for the default value of a field '
                "on the model. This is not supported by the provider.",
                self.aspan(a),
            )
            return
        if isinstance(value, A.FunctionCall):
            if value.name == "auto":
                self.err(
                    'Error parsing attribute "@default": The current connector does not support the `auto()` function.',
                    value.span,
                )
            return
        if info.kind != "scalar":
            return
        items = value.items if isinstance(value, A.ArrayValue) else [value]
        for item in items:
            if not self.literal_contents(info.type, item):
                return

    def literal_contents(self, t: str, v: A.Expression) -> bool:
        pre = 'Error parsing attribute "@default": Parse error: '
        if t in ("Int", "BigInt") and isinstance(v, A.NumberValue):
            raw = v.raw
            if not v.is_integer:
                self.err(f'{pre}"{raw}" is not a valid integer. (invalid digit found in string)', v.span)
                return False
            n = int(raw)
            if n >= 2**63:
                self.err(f'{pre}"{raw}" is not a valid integer. (number too large to fit in target type)', v.span)
                return False
            if n < -(2**63):
                self.err(f'{pre}"{raw}" is not a valid integer. (number too small to fit in target type)', v.span)
                return False
        elif t == "Decimal" and isinstance(v, A.StringValue):
            if not _DECIMAL.match(v.value):
                self.err(
                    f'Error parsing attribute "default": Parse error: "{v.value}" is not a valid decimal. '
                    "(invalid digit found in string)",
                    v.span,
                )
                return False
        elif t == "Json" and isinstance(v, A.StringValue):
            problem = json_error(v.value)
            if problem is not None:
                self.err(f'{pre}"{v.value}" is not a valid JSON string. ({problem})', v.span)
                return False
        elif t == "Bytes" and isinstance(v, A.StringValue):
            try:
                base64.b64decode(v.value, validate=True)
            except (binascii.Error, ValueError):
                self.err(
                    f'{pre}"{v.value}" is not a valid base64 string. (Could not convert from `base64 encoded '
                    "bytes` to `PrismaValue::Bytes`)",
                    v.span,
                )
                return False
        elif t == "DateTime" and isinstance(v, A.StringValue):
            problem = _datetime_error(v.value)
            if problem is not None:
                self.err(f'{pre}"{v.value}" is not a valid rfc3339 datetime string. ({problem})', v.span)
                return False
        return True

    # ------------------------------------------------------------------ relations: per-field checks
    def ambiguity(self, m: A.Model, info: _FieldInfo, same: list[_FieldInfo]) -> bool:
        """Prisma stops all further checks at the first ambiguous relation field (model order).

        ``same``: the relation fields of ``m`` pointing at the same model with the same relation name.
        """
        rname = self.relation_name_of(info)
        if info.type == m.name:
            if len(same) <= 2:
                return False
            names = [i.node.name for i in same]
            listed = ", ".join(f"`{n}`" for n in names[:-1]) + f" and `{names[-1]}`"
            if rname:
                self.err(
                    f'Error validating model "{m.name}": Wrongly named self relation detected. The fields {listed} '
                    f"in model `{m.name}` have the same relation name. At most two relation fields can belong to "
                    "the same relation and therefore have the same name. Please assign a different relation name "
                    "to one of them.",
                    self.fspan(info),
                )
            else:
                self.err(
                    f'Error validating model "{m.name}": Unnamed self relation detected. The fields {listed} in '
                    f"model `{m.name}` have no relation name. Please provide a relation name for one of them by "
                    "adding `@relation(<name>).",
                    self.fspan(info),
                )
            return True
        if len(same) < 2:
            return False
        other = next(i for i in same if i is not info)
        self.err(
            f'Error validating model "{m.name}": Ambiguous relation detected. The fields `{info.node.name}` and '
            f"`{other.node.name}` in model `{m.name}` both refer to `{info.type}`. Please provide different "
            "relation names for them by adding `@relation(<name>).",
            self.fspan(info),
        )
        return True

    def relation_field_checks(self, info: _FieldInfo) -> None:
        target = self.model_by_name[info.type]
        if self.mdata[id(target)].ignored and not info.ignored and not self.mdata[id(info.model)].ignored:
            self.err(
                f'Error parsing attribute "@ignore": The relation field '
                f"`{info.node.name}` on Model `{info.model.name}` must specify the `@ignore` attribute, because "
                f"the model {info.type} it is pointing to is marked ignored.",
                self.fspan(info),
            )

    def relation_name_of(self, info: _FieldInfo) -> str:
        rel = info.rel
        return "" if rel is None else rel.name

    # ------------------------------------------------------------------ indexes (PostgreSQL capabilities)
    def index_checks(self, m: A.Model, data: _ModelData, index: _IndexData) -> None:
        a = index.attr

        def fail(message: str) -> None:
            self.err(message, self.aspan(a))

        label = ("@@" if index.source is None else "@") + ("unique" if index.kind == "unique" else index.kind)
        pre = f'Error parsing attribute "{label}": '
        if m.keyword == "view" and index.kind == "index":
            fail("Error validating: Views cannot have indexes.")
        if not index.fields and index.kind != "fulltext" and index.attr.arguments:
            fail(f"{pre}The list of fields in an index cannot be empty. Please specify at least one field.")
        if index.kind == "fulltext":
            fail(f"{pre}Defining fulltext indexes is not supported with the current connector.")
            return
        if index.kind == "unique" and len(index.fields) > 1:
            client = "_".join(f[0].node.name for f in index.fields)
            # (field names are unique by now: a name written twice stops validation in stage 1)
            clash = None if index.name is not None else self.field_index(m).get(client)
            if clash is not None and clash.kind != "relation":
                fail(
                    f'Error validating {m.keyword} "{m.name}": The field `{client}` clashes with the `{label}` '
                    f"name. Please resolve the conflict by providing a custom id name: `{label}([...], name: "
                    '"custom_name")`'
                )
        if index.name is not None and index.name in self.field_index(m):
            self.err(
                f'Error validating model "{m.name}": The custom name `{index.name}` specified for the `@@unique` '
                "attribute is already used as a name for a field. Please choose a different name.",
                m.span,
            )
        # which options the fields were given (one pass)
        has_sort = has_length = has_ops = False
        for _info, sort, length, ops in index.fields:
            if sort is not None:
                has_sort = True
            if length is not None:
                has_length = True
            if ops is not None:
                has_ops = True
        if has_length:
            fail(f"{pre}The length argument is not supported in an index definition with the current connector")
        if index.algorithm == "Hash" and has_sort:
            fail(f"{pre}Hash type does not support sort option.")
        if index.clustered is not None:
            fail(f"{pre}Defining clustering is not supported in the current connector.")
        if index.kind != "index" and has_ops:
            fail(f"{pre}Operator classes can only be defined to fields in an @@index attribute.")
        if index.algorithm == "SpGist" and len(index.fields) != 1:
            fail(f"{pre}SpGist does not support multi-column indices.")
        for info, _sort, _length, _ops in index.fields:
            if info.native is not None and info.native[0] == "Xml":
                what = "unique constraint" if index.kind == "unique" else "index"
                self.err(f"You cannot define an {what} on fields with native type `Xml` of Postgres.", self.fspan(info))
                break
        self.operator_classes(index, pre, fail)

    def operator_classes(self, index: _IndexData, pre: str, fail: Callable[[str], None]) -> None:
        """Prisma's PostgreSQL rules for GiST, GIN, SP-GiST and BRIN fields and their operator classes."""
        algo = index.algorithm or "BTree"
        for info, _sort, _length, ops in index.fields:
            opclass = None
            if ops is not None:
                if isinstance(ops.value, A.FunctionCall):
                    continue  # raw("…"): taken as written
                if isinstance(ops.value, A.ConstantValue):
                    opclass = ops.value.name
            if opclass is not None and algo not in OPERATOR_CLASSES[opclass][0]:
                fail(f"{pre}The given operator class `{opclass}` is not supported with the `{algo}` index type.")
                continue
            native = info.native[0] if info.native_attr is not None and info.native is not None else None
            name = info.node.name
            t = info.type if info.kind == "scalar" else None
            problem = _opclass_problem(algo, native, opclass, t, info.arity == "list", info.kind == "unsupported")
            if problem is None:
                continue
            if problem == "unfit":
                if native is not None and opclass is not None:
                    fail(
                        f"{pre}The given operator class `{opclass}` does not support native type `{native}` of "
                        f"field `{name}`."
                    )
                elif native is not None:
                    fail(f"{pre}The {algo} index field type `{native}` has no default operator class.")
                elif opclass is not None:
                    fail(
                        f"{pre}The given operator class `{opclass}` expects the field `{name}` to define a valid "
                        "native type."
                    )
                elif not _algo_supports_type(algo, t, info.arity == "list", info.kind == "unsupported"):
                    fail(f"{pre}The {algo} index type does not support the type of the field `{name}`.")
            elif problem == "array":
                fail(f"{pre}The given operator class `ArrayOps` expects the type of field `{name}` to be an array.")
            else:
                fail(
                    f"{pre}The given operator class `{opclass}` points to the field `{name}` that is not of "
                    f"{problem} type."
                )

    # ------------------------------------------------------------------ relations: pairing and rules
    def infer_relations(self) -> list[_Rel]:
        """Pair relation fields the way Prisma does (``parser-database/relations.rs``).

        Each field looks for its opposite: the first relation field of the other model that points
        back with the same relation name. The pair's arities decide the kind of relation and which
        side is the forward one (the side holding ``fields``/``references``).
        """
        rel_infos = {
            m.name: [i for i in self.infos[id(m)] if i.kind == "relation"]
            for m in self.models
            if self.model_by_name.get(m.name) is m
        }
        # (model, model pointed at, relation name) → those relation fields, in field order
        pointing: dict[tuple[str, str, str], list[_FieldInfo]] = {}
        for name, infos in rel_infos.items():
            for g in infos:
                pointing.setdefault((name, g.type, self.relation_name_of(g)), []).append(g)
        out: list[_Rel] = []
        for m in self.models:
            if self.model_by_name.get(m.name) is not m or m.keyword == "type":
                continue
            for f in rel_infos[m.name]:
                is_self = f.type == m.name
                name = self.relation_name_of(f)
                opp = next((g for g in pointing.get((f.type, m.name, name), ()) if not is_self or g is not f), None)
                f_fields = f.rel is not None and f.rel.fields is not None
                key_f = (m.name, f.node.name)
                if opp is not None:
                    key_o = (opp.model.name, opp.node.name)
                    o_fields = opp.rel is not None and opp.rel.fields is not None
                    if f.arity == "list" and opp.arity == "list":
                        if m.name > opp.model.name or (is_self and f.node.name > opp.node.name):
                            continue
                        out.append(_Rel("embedded" if f_fields or o_fields else "m:n", f, opp))
                    elif f.arity == "required" and opp.arity == "optional":
                        out.append(_Rel("1:1", f, opp))
                    elif f.arity == "required" and opp.arity == "required":
                        if key_f > key_o:
                            continue
                        out.append(_Rel("1:1", f, opp))
                    elif f.arity == "optional" and opp.arity == "required":
                        continue
                    elif f.arity == "optional" and opp.arity == "optional":
                        if f_fields:
                            out.append(_Rel("1:1", f, opp))
                        elif not o_fields:
                            if key_f > key_o:
                                continue
                            out.append(_Rel("1:1", f, opp))
                    elif f.arity == "list":
                        continue
                    else:
                        out.append(_Rel("1:n", f, opp))
                elif f.arity == "list":
                    out.append(_Rel("1:n", None, f))
                else:
                    fields = f.rel.fields if f.rel else None
                    data = self.mdata[id(m)]
                    unique = fields is not None and any(
                        i.kind == "unique" and [x[0].node.name for x in i.fields] == list(fields)  # type: ignore[call-overload]
                        for i in data.indexes
                    )
                    out.append(_Rel("1:1" if unique else "1:n", f, None))
        return out

    def relations(self) -> list[M.Relation]:
        """Prisma's relation rules (``validations/relations``), then the relations of the schema."""
        rels = self.infer_relations_cache
        for r in rels:
            if r.kind in ("1:1", "1:n"):
                self.inline_relation_checks(r)
            elif r.kind == "m:n":
                self.many_to_many_checks(r)
            else:
                msg = (
                    "Error validating: Embedded many-to-many relations are not supported on Postgres. Please use the "
                    "syntax defined in https://pris.ly/d/relational-database-many-to-many"
                )
                for f in (r.forward, r.back):
                    assert f is not None
                    self.err(msg, self.fspan(f))
        if self.diags:
            return []
        return [self.relation_model(r) for r in rels]

    def missing_opposite(self, info: _FieldInfo) -> None:
        container = "view" if info.model.keyword == "view" else "model"
        self.err(
            f"Error validating field `{info.node.name}` in {container} `{info.model.name}`: The relation field "
            f"`{info.node.name}` on {container} `{info.model.name}` is missing an opposite relation field on the "
            f"model `{info.type}`. Either run `prisma format` or add it manually.",
            self.fspan(info),
        )

    def relation_args(self, info: _FieldInfo | None) -> _RelArgs:
        if info is None or info.rel is None:
            return _NO_RELATION_ARGS
        return info.rel

    def inline_relation_checks(self, r: _Rel) -> None:
        fwd, back = r.forward, r.back
        fa, ba = self.relation_args(fwd), self.relation_args(back)
        pre = 'Error parsing attribute "@relation": '

        def empty(v: object) -> bool:
            return not v

        if fwd is not None and back is not None and self.relation_mode == "prisma":
            self.cycles(r)
        if fwd is not None:
            fields: list[str] = list(fa.fields or [])
            refs: list[str] = list(fa.references or [])
            target = self.model_by_name[fwd.type]
            if refs:
                if sorted(refs) not in self.sorted_criteria(target):
                    if len(refs) == 1:
                        hint = (
                            f"Consider adding an `@unique` attribute to the field `{refs[0]}` in the model "
                            f"`{target.name}`."
                        )
                    else:
                        hint = f"Consider adding an `@@unique([{', '.join(refs)}])` attribute to the model `{target.name}`."
                    self.err(
                        f"{pre}The argument `references` must refer to a unique criterion in the related model. {hint}",
                        self.fspan(fwd),
                    )
            if fa.fields is not None and fa.references is not None and len(fields) != len(refs):
                self.err(
                    "Error validating: You must specify the same number of fields in `fields` and `references`.",
                    self.aspan(fwd.attrs["relation"]),
                )
            own = self.fields[fwd.model.name]
            if fwd.arity == "required" and fields and any(own[f].arity != "required" for f in fields if f in own):
                self.err(
                    f"Error validating: The relation field `{fwd.node.name}` uses the scalar fields "
                    f"{', '.join(fields)}. At least one of those fields is optional. Hence the relation field must "
                    "be optional as well.",
                    self.fspan(fwd),
                )
            tfields = self.fields[target.name]
            for f, ref in zip(fields, refs):
                fi, ri = own.get(f), tfields.get(ref)
                if fi is None or ri is None:
                    continue
                if (
                    fi.type != ri.type
                    or fi.kind != ri.kind
                    or (fi.kind == "unsupported" and fi.node.type.unsupported != ri.node.type.unsupported)
                ):  # type: ignore[union-attr]
                    self.err(
                        f"{pre}The type of the field `{f}` in the model `{fwd.model.name}` is not matching the "
                        f"type of the referenced field `{ref}` in model `{target.name}`.",
                        self.fspan(fwd),
                    )
        if r.kind == "1:1":
            if back is None:
                assert fwd is not None
                self.missing_opposite(fwd)
                return
            assert fwd is not None
            for arg in ("fields", "references"):
                if empty(getattr(fa, arg)) and empty(getattr(ba, arg)):
                    for one, other in ((fwd, back), (back, fwd)):
                        self.err(
                            f"{pre}The relation fields `{one.node.name}` on Model `{one.model.name}` and "
                            f"`{other.node.name}` on Model `{other.model.name}` do not provide the `{arg}` argument "
                            "in the @relation attribute. You have to provide it on one of the two fields.",
                            self.fspan(one),
                        )
            for arg in ("references", "fields"):
                if not empty(getattr(fa, arg)) and not empty(getattr(ba, arg)):
                    msg = (
                        f"{pre}The relation fields `{fwd.node.name}` on Model `{fwd.model.name}` and "
                        f"`{back.node.name}` on Model `{back.model.name}` both provide the `{arg}` argument in the "
                        "@relation attribute. You have to provide it only on one of the two fields."
                    )
                    self.err(msg, self.fspan(fwd))
                    self.err(msg, self.fspan(back))
            f_actions = fa.on_delete is not None or fa.on_update is not None
            b_actions = ba.on_delete is not None or ba.on_update is not None
            if f_actions and b_actions:
                for one, other in ((back, fwd), (fwd, back)):
                    self.err(
                        f"{pre}The relation fields `{one.node.name}` on Model `{one.model.name}` and "
                        f"`{other.node.name}` on Model `{other.model.name}` both provide the `onDelete` or "
                        "`onUpdate` argument in the @relation attribute. You have to provide it only on one of the "
                        "two fields.",
                        self.fspan(one),
                    )
            elif b_actions:
                self.err(
                    f"{pre}The relation field `{back.node.name}` on Model `{back.model.name}` must not specify the "
                    "`onDelete` or `onUpdate` argument in the @relation attribute. You must only specify it on the "
                    f"opposite field `{fwd.node.name}` on model `{fwd.model.name}`.",
                    self.fspan(back),
                )
            fields = list(fa.fields or [])
            if fa.fields is not None:
                if sorted(fields) not in self.sorted_criteria(fwd.model):
                    if len(fields) == 1:
                        self.err(
                            f"{pre}A one-to-one relation must use unique fields on the defining side. Either add "
                            f"an `@unique` attribute to the field `{fields[0]}`, or change the relation to "
                            "one-to-many.",
                            self.fspan(fwd),
                        )
                    else:
                        self.err(
                            f"{pre}A one-to-one relation must use unique fields on the defining side. Either add "
                            f"an `@@unique([{', '.join(fields)}])` attribute to the model, or change the relation "
                            "to one-to-many.",
                            self.fspan(fwd),
                        )
            if not self.diags:
                if not empty(fa.fields) and not empty(ba.references):
                    msg = (
                        f"{pre}The relation field `{fwd.node.name}` on Model `{fwd.model.name}` provides the `fields` "
                        f"argument in the @relation attribute. And the related field `{back.node.name}` on Model "
                        f"`{back.model.name}` provides the `references` argument. You must provide both arguments on "
                        "the same side."
                    )
                    self.err(msg, self.fspan(fwd))
                    self.err(msg, self.fspan(back))
                if not empty(fa.references) and not empty(ba.fields):
                    self.err(
                        f"{pre}The relation field `{fwd.node.name}` on Model `{fwd.model.name}` provides the "
                        f"`references` argument in the @relation attribute. And the related field "
                        f"`{back.node.name}` on Model `{back.model.name}` provides the `fields` argument. You must "
                        "provide both arguments on the same side.",
                        self.fspan(fwd),
                    )
            if not self.diags and back.arity == "required":
                self.err(
                    f"{pre}The relation field `{back.node.name}` on Model `{back.model.name}` is required. This is "
                    "not valid because it's not possible to enforce this constraint on the database level. Please "
                    f"change the field type from `{fwd.model.name}` to `{fwd.model.name}?` to fix this.",
                    self.fspan(back),
                )
            if not self.diags and fwd.arity == "required" and (ba.fields is not None or ba.references is not None):
                self.err(
                    f"{pre}The relation field `{back.model.name}.{back.node.name}` defines the `fields` and/or "
                    "`references` argument. You must set them on the required side of the relation "
                    f"(`{fwd.model.name}.{fwd.node.name}`) in order for the constraints to be enforced. "
                    "Alternatively, you can change this field to be required and the opposite optional, or make "
                    "both sides of the relation optional.",
                    self.fspan(back),
                )
            return
        # one-to-many
        if fwd is None or back is None:
            self.missing_opposite(fwd or back)  # type: ignore[arg-type]
            return
        if empty(fa.fields):
            self.err(
                f"{pre}The relation field `{fwd.node.name}` on Model `{fwd.model.name}` must specify the `fields` "
                "argument in the @relation attribute. You can run `prisma format` to fix this automatically.",
                self.fspan(fwd),
            )
        if empty(fa.references):
            self.err(
                f"{pre}The relation field `{fwd.node.name}` on Model `{fwd.model.name}` must specify the "
                "`references` argument in the @relation attribute.",
                self.fspan(fwd),
            )
        if not empty(ba.fields) or not empty(ba.references):
            self.err(
                f"{pre}The relation field `{back.node.name}` on Model `{back.model.name}` must not specify the "
                "`fields` or `references` argument in the @relation attribute. You must only specify it on the "
                f"opposite field `{fwd.node.name}` on model `{fwd.model.name}`.",
                self.fspan(back),
            )
        if ba.on_delete is not None or ba.on_update is not None:
            self.err(
                f"{pre}The relation field `{back.node.name}` on Model `{back.model.name}` must not specify the "
                "`onDelete` or `onUpdate` argument in the @relation attribute. You must only specify it on the "
                f"opposite field `{fwd.node.name}` on model `{fwd.model.name}`, or in case of a many to many "
                "relation, in an explicit join table.",
                self.fspan(back),
            )

    def many_to_many_checks(self, r: _Rel) -> None:
        for f in (r.forward, r.back):
            assert f is not None
            target = self.model_by_name[f.type]
            if not self.single_id(target):
                container = "view" if target.keyword == "view" else "model"
                self.err(
                    f"Error validating field `{f.node.name}` in {container} `{f.model.name}`: The relation field "
                    f"`{f.node.name}` on {container} `{f.model.name}` references `{f.type}` which does not have an "
                    "`@id` field. Models without `@id` cannot be part of a many to many relation. Use an explicit "
                    "intermediate Model to represent this relationship.",
                    self.fspan(f),
                )
                continue
            refs = self.relation_args(f).references
            pk = [x[0].node.name for x in self.mdata[id(target)].pk_fields]
            if refs is not None and list(refs) != pk:
                self.err(
                    "Error validating: Implicit many-to-many relations must always reference the id field of the "
                    f"related model. Change the argument `references` to use the id field of the related model "
                    f"`{target.name}`. But it is referencing the following fields that are not the id: "
                    f"{', '.join(refs)}",
                    self.fspan(f),
                )
        for f in (r.forward, r.back):
            args = self.relation_args(f)
            for span in (args.on_delete_span, args.on_update_span):
                if span is not None:
                    self.err(
                        "Error validating: Referential actions on implicit many-to-many relations are not supported",
                        span,
                    )
        for f in (r.forward, r.back):
            if self.relation_args(f).references is not None:
                self.err(
                    'Error parsing attribute "@relation": Implicit many-to-many relation should not have '
                    "references argument defined. Either remove it, or change the relation to one-to-many.",
                    self.fspan(f),
                )  # type: ignore[arg-type]

    def effective_actions(self, fwd: _FieldInfo) -> tuple[str, str, bool, bool]:
        """(onDelete, onUpdate, onDelete written, onUpdate written) of a relation's forward side."""
        args = self.relation_args(fwd)
        own = self.fields[fwd.model.name]
        fields = list(args.fields or [])
        optional = any(own[f].arity == "optional" for f in fields if f in own)
        on_delete = args.on_delete or ("SetNull" if optional else "Restrict")
        on_update = args.on_update or "Cascade"
        return on_delete, on_update, args.on_delete is not None, args.on_update is not None

    def cycles(self, r: _Rel) -> None:
        """With ``relationMode = "prisma"``, cascading actions must not run in a cycle (Prisma's ``cycles``)."""
        triggers = {"Cascade", "SetNull", "SetDefault"}
        assert r.forward is not None
        start = r.forward
        parent = start.model.name
        visited: set[int] = set()
        stack: list[tuple[_FieldInfo, list[_FieldInfo]]] = [(start, [start])]
        while stack:
            fwd, path = stack.pop()
            visited.add(id(fwd))
            on_delete, on_update, _, _ = self.effective_actions(fwd)
            if on_delete not in triggers and on_update not in triggers:
                continue
            related = fwd.type
            if fwd.model.name == related:
                self.cycle_error(
                    start,
                    "A self-relation must have `onDelete` and `onUpdate` referential actions set to "
                    "`NoAction` in one of the @relation attributes.",
                )
                return
            if related == parent:
                trail = " → ".join(f"{p.model.name}.{p.node.name}" for p in path)
                self.cycle_error(
                    start,
                    "Reference causes a cycle. One of the @relation attributes in this cycle must "
                    "have `onDelete` and `onUpdate` referential actions set to `NoAction`. Cycle path: "
                    f"{trail}.",
                )
                return
            for nxt in self.complete_forward_fields(related):
                if id(nxt) not in visited:
                    stack.append((nxt, path + [nxt]))

    def complete_forward_fields(self, model: str) -> list[_FieldInfo]:
        out = []
        for r in self.infer_relations_cache:
            if (
                r.kind in ("1:1", "1:n")
                and r.forward is not None
                and r.back is not None
                and r.forward.model.name == model
            ):
                out.append(r.forward)
        return out

    def cycle_error(self, fwd: _FieldInfo, msg: str) -> None:
        on_delete, on_update, d_written, u_written = self.effective_actions(fwd)
        implicit = []
        if not d_written and on_delete in ("Cascade", "SetNull", "SetDefault"):
            implicit.append(f"`onDelete`: `{on_delete}`")
        if not u_written and on_update in ("Cascade", "SetNull", "SetDefault"):
            implicit.append(f"`onUpdate`: `{on_update}`")
        if len(implicit) == 2:
            msg += f" (Implicit default {implicit[0]}, and {implicit[1]})"
        elif implicit:
            msg += f" (Implicit default {implicit[0]})"
        self.err(f"Error validating: {msg} Read more at https://pris.ly/d/cyclic-referential-actions", self.fspan(fwd))

    def relation_model(self, r: _Rel) -> M.Relation:
        """The :class:`~nexo.psl.model.Relation` of a valid relation."""
        fwd, back = r.forward, r.back
        assert fwd is not None and back is not None
        rname = self.relation_name_of(fwd)
        ma, mb = sorted([fwd.model.name, back.model.name])
        name = rname or f"{ma}To{mb}"
        if r.kind == "m:n":
            if fwd.model.name == back.model.name:
                a_f, b_f = sorted([fwd, back], key=lambda i: i.node.name)
            else:
                a_f, b_f = (fwd, back) if fwd.model.name == ma else (back, fwd)
            return M.Relation(
                name,
                "m:n",
                a_f.model.name,
                a_f.node.name,
                b_f.model.name,
                b_f.node.name,
                explicit_name=bool(rname),
                on_delete="Cascade",
                on_update="Cascade",
            )
        fa = self.relation_args(fwd)
        on_delete, on_update, _, _ = self.effective_actions(fwd)
        if fwd.model.name != back.model.name:
            field_a = (fwd if fwd.model.name == ma else back).node.name
            field_b = (back if fwd.model.name == ma else fwd).node.name
        else:
            field_a, field_b = fwd.node.name, back.node.name
        return M.Relation(
            name,
            r.kind,
            ma,
            field_a,
            mb,
            field_b,
            explicit_name=bool(rname),
            referencing_model=fwd.model.name,
            referencing_field=fwd.node.name,
            referenced_model=fwd.type,
            back_field=back.node.name,
            fields=tuple(fa.fields or ()),
            references=tuple(fa.references or ()),
            on_delete=on_delete,
            on_update=on_update,
            map=fa.map,
        )

    def single_id(self, m: A.Model) -> bool:
        data = self.mdata[id(m)]
        return data.pk_attr is not None and len(data.pk_fields) == 1

    def criteria(self, m: A.Model) -> list[list[_FieldInfo]]:
        """Every unique criterion of a model (primary key first, then uniques), as field lists."""
        data = self.mdata[id(m)]
        out: list[list[_FieldInfo]] = []
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

    # ================================================================== schema-wide checks
    def schema_checks(self) -> None:
        schemas_declared = None
        if len(self.datasources) == 1:
            p = self.datasources[0].get("schemas")
            if p is not None and isinstance(p.value, A.ArrayValue):
                schemas_declared = [i.value for i in p.value.items if isinstance(i, A.StringValue)]
        blocks: list[A.Model | A.Enum] = [*self.models, *self.enums]
        for block in blocks:
            if isinstance(block, A.Model) and block.keyword == "type":
                continue
            sa = next((a for a in block.attributes if a.name == "schema"), None)
            if sa is not None:
                first = _first_argument(sa, "map")
                val = first.value if first is not None else None
                if schemas_declared is None or (isinstance(val, A.StringValue) and val.value not in schemas_declared):
                    self.err(
                        "This schema is not defined in the datasource. Read more on `@@schema` at "
                        "https://pris.ly/d/multi-schema",
                        val.span if val is not None else sa.span,
                    )
            elif schemas_declared:
                if isinstance(block, A.Model):
                    self.err(
                        f'Error validating {block.keyword} "{block.name}": This model is missing an `@@schema` '
                        "attribute.",
                        block.span,
                    )
                else:
                    self.err("This enum is missing an `@@schema` attribute.", block.span)

    def db_name(self, block: A.Model | A.Enum) -> str:
        a = next((a for a in block.attributes if a.name == "map"), None)
        first = _first_argument(a, "name") if a is not None else None
        if first is not None and isinstance(first.value, A.StringValue):
            return first.value.value
        return block.name

    def column_name(self, info: _FieldInfo) -> str:
        return info.mapped or info.node.name

    def constraint_names(self, relations: list[M.Relation]) -> None:
        """Constraint names must be unique where PostgreSQL needs them to be, and explicit ``map:`` names must fit.

        Prisma's PostgreSQL namespaces: primary keys and indexes share one namespace per database schema;
        a model's primary key, indexes and foreign keys share one namespace per model (indexes are
        only checked in the first, foreign keys only in the second). Client names (``name:`` of
        ``@@id``/``@@unique``) must be unique per model.
        """
        from .names import fk_name, index_name, pk_name

        glob: dict[tuple[str | None, str], int] = {}
        local: dict[tuple[int, str], int] = {}
        custom: dict[tuple[int, str], int] = {}
        pks: list[tuple[A.Model, _ModelData, str]] = []
        idxs: list[tuple[A.Model, _IndexData, str]] = []
        fks: list[tuple[A.Model, _FieldInfo, str]] = []
        tables = {m.name: self.db_name(m) for m in self.models}
        for m in self.models:
            if m.keyword == "type":
                continue
            data = self.mdata[id(m)]
            table = tables[m.name]
            schema = data.schema[0] if data.schema else None
            if data.pk_attr is not None:
                label = "@id" if data.pk_source is not None else "@@id"
                name = data.pk_map or pk_name(table)
                pks.append((m, data, name))
                glob[(schema, name)] = glob.get((schema, name), 0) + 1
                local[(id(m), name)] = local.get((id(m), name), 0) + 1
                if data.pk_map is not None:
                    self.check_len(m, data.pk_map, label, data.pk_attr)
                if data.pk_name is not None:
                    custom[(id(m), data.pk_name)] = custom.get((id(m), data.pk_name), 0) + 1
            for index in data.indexes:
                label = ("@" if index.source is not None else "@@") + index.kind
                cols = [self.column_name(f[0]) for f in index.fields]
                name = index.map or index_name(table, cols, index.kind == "unique")
                if index.map is not None:
                    self.check_len(m, index.map, label, index.attr)
                idxs.append((m, index, name))
                glob[(schema, name)] = glob.get((schema, name), 0) + 1
                local[(id(m), name)] = local.get((id(m), name), 0) + 1
                if index.name is not None:
                    custom[(id(m), index.name)] = custom.get((id(m), index.name), 0) + 1
        for r in self.infer_relations_cache:
            if r.kind not in ("1:1", "1:n") or r.forward is None:
                continue
            info = r.forward
            m = info.model
            args = self.relation_args(info)
            own = self.fields[m.name]
            cols = [self.column_name(own[f]) for f in (args.fields or []) if f in own]
            mp = args.map
            name = str(mp) if mp else fk_name(tables[m.name], cols)
            if mp:
                self.check_len(m, str(mp), "@relation", info.attrs["relation"])
            fks.append((m, info, name))
            local[(id(m), name)] = local.get((id(m), name), 0) + 1

        def violation(name: str, label: str, span: A.Span, where: str) -> None:
            self.err(
                f'Error parsing attribute "{label}": The given constraint name `{name}` has to be unique in the '
                f"following namespace: {where}. Please provide a different name using the `map` argument.",
                span,
            )

        glob_text = "global for primary key, indexes and unique constraints"
        for m, data, name in pks:
            schema = data.schema[0] if data.schema else None
            assert data.pk_attr is not None
            label = "@id" if data.pk_source is not None else "@@id"
            if glob[(schema, name)] > 1:
                violation(name, label, self.map_span(data.pk_attr), glob_text)
            if local[(id(m), name)] > 1:
                violation(
                    name,
                    label,
                    self.map_span(data.pk_attr),
                    f"on model `{m.name}` for primary key, indexes, unique constraints and foreign keys",
                )
            if data.pk_name is not None and custom[(id(m), data.pk_name)] > 1:
                self.err(
                    f'Error parsing attribute "{label}": The given custom name `{data.pk_name}` has to be unique on '
                    "the model. Please provide a different name for the `name` argument.",
                    self.arg_span(data.pk_attr, "name"),
                )
        for m, index, name in idxs:
            data = self.mdata[id(m)]
            schema = data.schema[0] if data.schema else None
            label = ("@" if index.source is not None else "@@") + index.kind
            if glob[(schema, name)] > 1:
                violation(name, label, self.map_span(index.attr), glob_text)
            if index.name is not None and custom[(id(m), index.name)] > 1:
                self.err(
                    f'Error parsing attribute "{label}": The given custom name `{index.name}` has to be unique on '
                    "the model. Please provide a different name for the `name` argument.",
                    self.arg_span(index.attr, "name"),
                )
        for m, info, name in fks:
            if local[(id(m), name)] > 1:
                rel = info.attrs["relation"]
                span = self.arg_span(rel, "map") if rel.named("map") else self.fspan(info)
                violation(
                    name,
                    "@relation",
                    span,
                    f"on model `{m.name}` for primary key, indexes, unique constraints and foreign keys",
                )

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

    def check_len(self, m: A.Model, name: str, label: str, a: A.Attribute) -> None:
        if len(name.encode()) > MAX_NAME:
            self.err(
                f"Error validating model \"{m.name}\": The constraint name '{name}' specified in the `map` "
                f"argument for the `{label}` constraint is too long for your chosen provider. The maximum allowed "
                "length is 63 bytes.",
                self.aspan(a),
            )

    # ================================================================== build the model
    def build(self, ds: M.Datasource | None, gens: list[M.Generator], relations: list[M.Relation]) -> M.Schema:
        has_datasource = ds is not None
        if ds is None:
            ds = M.Datasource("db", "postgresql", A.Span("", 0, 0, 1, 1, 1, 1))
        enums = []
        for e in self.enums:
            values = []
            for v in e.values:
                mp = next((a for a in v.attributes if a.name == "map"), None)
                first = _first_argument(mp, "name") if mp is not None else None
                db = first.value.value if first is not None and isinstance(first.value, A.StringValue) else v.name
                values.append(M.EnumValue(v.name, db, v.span, v.documentation))
            enums.append(M.Enum(e.name, self.db_name(e), values, e.span, self.block_schema(e), e.documentation))
        rel_by_field: dict[tuple[str, str], M.Relation] = {}
        for r in relations:
            for mname, fname in ((r.model_a, r.field_a), (r.model_b, r.field_b)):
                if fname:
                    rel_by_field[(mname, fname)] = r
        models = []
        Span, ScalarField, RelationField = A.Span, M.ScalarField, M.RelationField
        native_types = self.native_types
        for m in self.models:
            if m.keyword == "type":
                continue
            data = self.mdata[id(m)]
            fields: list[M.Field] = []
            pk = None
            file, line_index = m.src.file, m.src.index
            for info in self.infos[id(m)]:
                f = info.node
                # the field's span and documentation (what ``f.span`` and ``f.documentation`` give)
                span = Span(file, f.start, f.end, 0, 0, 0, 0, line_index)
                doc = A._doc_text(f.doc) if f.doc else None
                if info.kind == "relation":
                    ra = info.rel or _NO_RELATION_ARGS
                    rf = RelationField(
                        f.name,
                        info.type,
                        info.arity,
                        span,
                        ra.name or None,
                        tuple(ra.fields or ()),
                        tuple(ra.references or ()),  # name, fields, refs
                        ra.on_delete,
                        ra.on_update,
                        ra.map,
                        info.ignored,
                        doc,
                    )
                    rf.relation = rel_by_field.get((m.name, f.name))
                    fields.append(rf)
                    continue
                native = (
                    None if info.native is None else (native_types.get(info.native) or self.native_type_value(info))
                )
                ftype = f.type
                # positional arguments (a keyword call costs twice as much, with thousands of fields)
                fields.append(
                    ScalarField(
                        f.name,
                        info.mapped or f.name,
                        info.type,
                        info.kind,
                        info.arity,
                        span,
                        native,
                        None if info.default_value is None else self.default_value(info),  # native, default
                        info.is_id,
                        "updatedAt" in info.attrs,
                        info.ignored,  # is_id, is_updated_at, is_ignored
                        ftype.unsupported if ftype else None,
                        doc,  # unsupported_type, documentation
                    )
                )
            if data.pk_attr is not None:
                pk = M.PrimaryKey(
                    tuple(self.index_field(i.node.name, sort, length, None) for i, sort, length in data.pk_fields),
                    "field" if data.pk_source is not None else "block",
                    data.pk_attr.span,
                    name=data.pk_name,
                    map=data.pk_map,
                )
            indexes: list[M.Index] = []
            ordered = [i for i in data.indexes if i.source is not None]
            ordered += [i for i in data.indexes if i.source is None and i.kind == "index"]
            ordered += [i for i in data.indexes if i.source is None and i.kind == "unique"]
            for index in ordered:
                indexes.append(
                    M.Index(
                        index.kind,
                        tuple(
                            self.index_field(i.node.name, sort, length, self.ops_text(ops))
                            for i, sort, length, ops in index.fields
                        ),
                        "field" if index.source is not None else "block",
                        index.attr.span,
                        index.name,
                        index.map,
                        index.algorithm,  # name, map, algorithm
                    )
                )
            models.append(
                M.Model(
                    m.name,
                    self.db_name(m),
                    fields,
                    m.span,
                    primary_key=pk,
                    indexes=indexes,
                    schema=self.block_schema(m),
                    is_view=m.keyword == "view",
                    is_ignored=data.ignored,
                    documentation=m.documentation,
                )
            )
        files = [t.file for t in self.trees]
        return M.Schema(ds, gens, models, enums, relations, files, has_datasource)

    # Equal immutable values of the model are made once and shared: a large schema repeats the same few
    # native types, defaults and index fields thousands of times.
    def native_type_value(self, info: _FieldInfo) -> M.NativeType | None:
        if info.native is None:
            return None
        found = self.native_types.get(info.native)
        if found is None:
            found = self.native_types[info.native] = M.NativeType(*info.native)
        return found

    def index_field(self, name: str, sort: str | None, length: int | None, ops: str | None) -> M.IndexField:
        key = (name, sort, length, ops)
        found = self.index_fields.get(key)
        if found is None:
            found = self.index_fields[key] = M.IndexField(name, sort, length, ops)
        return found

    @staticmethod
    def ops_text(ops: A.Argument | None) -> str | None:
        if ops is None:
            return None
        v = ops.value
        if isinstance(v, A.FunctionCall) and v.arguments and isinstance(v.arguments[0].value, A.StringValue):
            return "raw:" + v.arguments[0].value.value
        if isinstance(v, A.ConstantValue):
            return v.name
        return None

    def block_schema(self, b: A.Model | A.Enum) -> str | None:
        sa = next((a for a in b.attributes if a.name == "schema"), None)
        first = _first_argument(sa, "map") if sa is not None else None
        if first is not None and isinstance(first.value, A.StringValue):
            return first.value.value
        return None

    def default_value(self, info: _FieldInfo) -> M.DefaultValue | None:
        """The field's default as the model says it (what a default means follows from its text and whether
        the field is an enum, so equal ones are shared)."""
        v = info.default_value
        if v is None:
            return None
        key = (info.kind == "enum", self.texts[v.src.file][v.start : v.end])
        found = self.defaults.get(key)
        if found is None:
            found = self.defaults[key] = self.make_default_value(info, v)
        return found

    def make_default_value(self, info: _FieldInfo, v: A.Expression) -> M.DefaultValue:
        if isinstance(v, A.FunctionCall):
            args = []
            for arg in v.arguments:
                if isinstance(arg.value, A.StringValue):
                    args.append(arg.value.value)
                else:
                    args.append(_expr_text(arg.value))
            return M.DefaultValue(function=v.name, args=tuple(args))
        return M.DefaultValue(literal=self.literal(info, v))

    def literal(self, info: _FieldInfo, v: A.Expression) -> M.Literal:
        if isinstance(v, A.ArrayValue):
            return M.Literal("list", items=tuple(self.literal(info, i) for i in v.items))
        if isinstance(v, A.StringValue):
            return M.Literal("string", v.value)
        if isinstance(v, A.NumberValue):
            return M.Literal("number", v.raw)
        if isinstance(v, A.ConstantValue):
            if info.kind == "enum":
                return M.Literal("enum", v.name)
            return M.Literal("boolean", v.name)
        return M.Literal("string", _expr_text(v))


def _datetime_error(s: str) -> str | None:
    """Why ``s`` is not an RFC 3339 date-time, in chrono's words (None when it is one)."""
    m = _RFC3339.match(s)
    if m is None:
        shape = "dddd-dd-ddTdd:dd:dd"
        for i, c in enumerate(s):
            want = shape[i] if i < len(shape) else None
            if want is None:
                break
            if (
                (want == "d" and not c.isdigit())
                or (want not in "dT" and c != want)
                or (want == "T" and c not in "Tt ")
            ):
                return "input contains invalid characters"
        if len(s) < len(shape):
            return "premature end of input"
        rest = s[len(shape) :]
        if rest and rest[0] == "." and not rest[1:2].isdigit():
            return "input contains invalid characters"
        if not rest or (rest.startswith(".") and not re.match(r"^\.\d+([Zz]|[+-]\d{2}:\d{2})", rest)):
            return "premature end of input"
        return "input contains invalid characters"
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59 and second <= 60):
        return "input is out of range"
    try:
        datetime(year, month, day)
    except ValueError:
        return "input is out of range"
    return None


# BRIN: native type → operator classes it accepts (and it has a default class: None is accepted too).
_BRIN_NATIVE = {
    "Bit": ("BitMinMaxOps",),
    "VarBit": ("VarBitMinMaxOps",),
    "Char": ("BpcharBloomOps", "BpcharMinMaxOps"),
    "Date": ("DateBloomOps", "DateMinMaxOps", "DateMinMaxMultiOps"),
    "Real": ("Float4BloomOps", "Float4MinMaxOps", "Float4MinMaxMultiOps"),
    "DoublePrecision": ("Float8BloomOps", "Float8MinMaxOps", "Float8MinMaxMultiOps"),
    "Inet": ("InetInclusionOps", "InetBloomOps", "InetMinMaxOps", "InetMinMaxMultiOps"),
    "SmallInt": ("Int2BloomOps", "Int2MinMaxOps", "Int2MinMaxMultiOps"),
    "Integer": ("Int4BloomOps", "Int4MinMaxOps", "Int4MinMaxMultiOps"),
    "BigInt": ("Int8BloomOps", "Int8MinMaxOps", "Int8MinMaxMultiOps"),
    "Decimal": ("NumericBloomOps", "NumericMinMaxOps", "NumericMinMaxMultiOps"),
    "Oid": ("OidBloomOps", "OidMinMaxOps", "OidMinMaxMultiOps"),
    "ByteA": ("ByteaBloomOps", "ByteaMinMaxOps"),
    "Text": ("TextBloomOps", "TextMinMaxOps"),
    "VarChar": ("TextBloomOps", "TextMinMaxOps"),
    "Timestamp": ("TimestampBloomOps", "TimestampMinMaxOps", "TimestampMinMaxMultiOps"),
    "Timestamptz": ("TimestampTzBloomOps", "TimestampTzMinMaxOps", "TimestampTzMinMaxMultiOps"),
    "Time": ("TimeBloomOps", "TimeMinMaxOps", "TimeMinMaxMultiOps"),
    "Timetz": ("TimeTzBloomOps", "TimeTzMinMaxOps", "TimeTzMinMaxMultiOps"),
    "Uuid": ("UuidBloomOps", "UuidMinMaxOps", "UuidMinMaxMultiOps"),
}
# BRIN without a native type: the scalar type decides (operator class family → scalar type).
_BRIN_SCALAR = {
    "Float": ("Float8BloomOps", "Float8MinMaxOps", "Float8MinMaxMultiOps"),
    "Int": ("Int4BloomOps", "Int4MinMaxOps", "Int4MinMaxMultiOps"),
    "BigInt": ("Int8BloomOps", "Int8MinMaxOps", "Int8MinMaxMultiOps"),
    "Decimal": ("NumericBloomOps", "NumericMinMaxOps", "NumericMinMaxMultiOps"),
    "Bytes": ("ByteaBloomOps", "ByteaMinMaxOps"),
    "String": ("TextBloomOps", "TextMinMaxOps"),
    "DateTime": ("TimestampBloomOps", "TimestampMinMaxOps", "TimestampMinMaxMultiOps"),
}


def _algo_supports_type(algo: str, t: str | None, is_list: bool, unsupported: bool) -> bool:
    if unsupported or algo in ("BTree", "Hash"):
        return True
    if algo in ("Gist", "SpGist"):
        return t == "String"
    if algo == "Gin":
        return t == "Json" or is_list
    return t in ("String", "Bytes", "DateTime", "Float", "Int", "BigInt", "Decimal")


def _opclass_problem(
    algo: str, native: str | None, opclass: str | None, t: str | None, is_list: bool, unsupported: bool
) -> str | None:
    """None when a field fits the index method; else "unfit", "array", or the scalar type it should have."""
    if algo == "Gist":
        return None if native == "Inet" and opclass == "InetOps" else "unfit"
    if algo == "Gin":
        if native is None and opclass is None and t == "Json":
            return None
        if opclass is None and is_list:
            return None
        if native == "JsonB" and opclass in ("JsonbOps", "JsonbPathOps", None):
            return None
        if native is None and opclass in ("JsonbOps", "JsonbPathOps"):
            return None if t == "Json" else "Json"
        if opclass == "ArrayOps":
            return None if is_list else "array"
        return "unfit"
    if algo == "SpGist":
        if native == "Inet" and opclass in ("InetOps", None):
            return None
        if native is None and opclass is None and t == "String":
            return None
        if native is None and opclass == "TextOps":
            return None if t == "String" else "String"
        if native in ("Text", "VarChar", "Char") and opclass in ("TextOps", None):
            return None
        return "unfit"
    if algo == "Brin":
        if native is not None and native in _BRIN_NATIVE and (opclass is None or opclass in _BRIN_NATIVE[native]):
            return None
        if native is None:
            if opclass is None and t in _BRIN_SCALAR:
                return None
            for scalar, classes in _BRIN_SCALAR.items():
                if opclass in classes:
                    return None if t == scalar else scalar
        return "unfit"
    return None


def _first_argument(attr: A.Attribute, name: str) -> A.Argument | None:
    """An attribute's first argument, given by position or by its name (``@@map("x")`` or ``@@map(name: "x")``)."""
    named = attr.named(name)
    if named is not None:
        return named
    return attr.positional[0] if attr.positional else None
