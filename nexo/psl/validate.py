"""Validation: syntax trees → :class:`~nexo.psl.model.Schema`, or Prisma-style diagnostics.

The rules are Prisma's for the PostgreSQL provider (``prisma-compat.md`` §1), checked in phases
like Prisma's own validator: names, types, attributes, relations, then schema-wide checks (unique
criteria, index arguments, constraint names). Every error found in a phase is reported; a phase whose
problems would make later checks meaningless (duplicate or unknown names) stops the run there.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import ast as A
from . import model as M
from .diagnostics import Diagnostic, render_diagnostics
from .errors import PslError
from .native import DEFAULT_NATIVE, INDEX_ALGORITHMS, NATIVE_TYPES, OPERATOR_CLASSES
from .parser import parse

MAX_NAME = 63
KNOWN_PROVIDERS = ("postgresql", "postgres", "mysql", "sqlite", "sqlserver", "mongodb", "cockroachdb")
FIELD_ATTRIBUTES = ("id", "default", "unique", "relation", "map", "updatedAt", "ignore")
BLOCK_ATTRIBUTES = ("id", "unique", "index", "map", "ignore", "schema", "fulltext")
DEFAULT_FUNCTIONS = ("autoincrement", "now", "dbgenerated", "uuid", "cuid", "nanoid", "ulid")
KIND_NAMES = {"model": "model", "view": "view", "type": "composite type", "enum": "enum"}
KIND_TITLES = {"model": "Model", "view": "View", "type": "Composite Type", "enum": "Enum"}
_DEFAULT_TYPE_ERRORS = ("cannot be used on fields of type", "value, but found", "is not a valid value of the enum")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@dataclass
class LoadedSchema:
    """The files of a schema (one file, or every ``*.prisma`` under a folder, in Prisma's order)."""

    root: str
    files: list[tuple[str, str]]

    @property
    def texts(self) -> dict[str, str]:
        return dict(self.files)


@dataclass
class ValidationResult:
    """The outcome of validating a schema: the schema when valid, and every diagnostic found."""

    schema: M.Schema | None
    diagnostics: list[Diagnostic]
    texts: dict[str, str] = field(default_factory=dict)

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
        found = sorted(
            (f for f in p.rglob("*.prisma") if f.is_file()), key=lambda f: f.relative_to(p).as_posix()
        )
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
    trees = []
    diags: list[Diagnostic] = []
    for name, text in files:
        tree, d = parse(text, name)
        trees.append(tree)
        diags.extend(d)
    v = _Validator(trees, diags)
    try:
        schema = v.run()
    except _Stop:
        schema = None
    texts = {name: text for name, text in files}
    if v.diags:
        schema = None
    return ValidationResult(schema, v.diags, texts)


class _Stop(Exception):
    """Ends validation after a phase whose errors make later checks meaningless."""


def _expr_text(e: A.Expression | None) -> str:
    if e is None:
        return ""
    if isinstance(e, A.StringValue):
        return e.raw
    if isinstance(e, A.NumberValue):
        return e.raw
    if isinstance(e, A.ConstantValue):
        return e.name
    if isinstance(e, A.FunctionCall):
        return e.name + "(" + ", ".join(_arg_text(a) for a in e.arguments) + ")"
    return "[" + ", ".join(_expr_text(i) for i in e.items) + "]"


def _arg_text(a: A.Argument) -> str:
    return (f"{a.name}: " if a.name else "") + _expr_text(a.value)


@dataclass
class _FieldInfo:
    """Working data about one field while validating."""

    node: A.Field
    model: A.Model
    kind: str  # scalar | enum | unsupported | relation | composite
    type: str
    arity: str
    attrs: dict[str, A.Attribute]
    native: tuple[str, tuple[str, ...]] | None = None
    is_id: bool = False


class _Validator:
    def __init__(self, trees: list[A.SchemaFile], diags: list[Diagnostic]) -> None:
        self.trees = trees
        self.diags = diags
        self.blocks: list[A.Block] = [b for t in trees for b in t.blocks]
        self.models = [b for b in self.blocks if isinstance(b, A.Model)]
        self.enums = [b for b in self.blocks if isinstance(b, A.Enum)]
        self.datasources = [b for b in self.blocks if isinstance(b, A.ConfigBlock) and b.keyword == "datasource"]
        self.generators = [b for b in self.blocks if isinstance(b, A.ConfigBlock) and b.keyword == "generator"]
        self.model_by_name: dict[str, A.Model] = {}
        self.enum_by_name: dict[str, A.Enum] = {}
        self.fields: dict[str, dict[str, _FieldInfo]] = {}
        self.ds_name = "db"
        self.preview: set[str] = set()
        self.names_failed = False
        self.deferred: list[Diagnostic] = []

    def err(self, message: str, span: A.Span) -> None:
        self.diags.append(Diagnostic(message, span))

    # ================================================================== driver
    def run(self) -> M.Schema | None:
        generators = [self.generator(g) for g in self.generators]
        for g in generators:
            self.preview.update(g.preview_features)
        datasource = self.datasource()
        self.names()
        self.block_kinds()
        before = len(self.diags)
        self.types()
        if len(self.diags) > before:
            # Unknown types stop Prisma's validation after type resolution; only default values whose
            # type is wrong are still reported (they are checked while types are resolved).
            self.default_type_errors_only()
            return None
        self.field_attributes()
        self.block_attributes()
        if self.names_failed:
            return None
        relations = self.relations()
        if self.names_failed or len(self.diags) > before:
            return None
        self.diags.extend(self.deferred)
        self.schema_checks()
        if self.diags:
            return None
        return self.build(datasource, generators, relations)

    # ================================================================== config blocks
    def config_value(self, e: A.Expression | None) -> M.ConfigValue:
        if e is None:
            return None
        if isinstance(e, A.StringValue):
            return e.value
        if isinstance(e, A.FunctionCall) and e.name == "env" and e.arguments and isinstance(
            e.arguments[0].value, A.StringValue
        ):
            return M.Env(e.arguments[0].value.value)
        if isinstance(e, A.ArrayValue):
            return [self.config_value(i) for i in e.items]
        if isinstance(e, A.NumberValue):
            return e.raw
        if isinstance(e, A.ConstantValue):
            return e.name
        return _expr_text(e)

    def generator(self, g: A.ConfigBlock) -> M.Generator:
        cfg: dict[str, M.ConfigValue] = {}
        for p in g.properties:
            cfg[p.key] = self.config_value(p.value)
        gen = M.Generator(g.name, g.span, config=cfg, documentation=g.documentation)
        gen.provider = cfg.get("provider")
        gen.output = cfg.get("output")
        pf = cfg.get("previewFeatures")
        if isinstance(pf, list):
            gen.preview_features = [x for x in pf if isinstance(x, str)]
        bt = cfg.get("binaryTargets")
        if isinstance(bt, list):
            gen.binary_targets = bt
        if "provider" not in cfg:
            self.err(f'Argument "provider" is missing in generator block "{g.name}".', g.span)
        return gen

    def datasource(self) -> M.Datasource | None:
        if len(self.datasources) > 1:
            for d in self.datasources:
                self.err(
                    f"Error validating datasource `{d.name}`: You defined more than one datasource. This is not "
                    "allowed yet because support for multiple databases has not been implemented yet.",
                    d.span,
                )
            return None
        if not self.datasources:
            return None
        d = self.datasources[0]
        self.ds_name = d.name
        props = {p.key: p for p in d.properties}
        values = {k: self.config_value(p.value) for k, p in props.items()}
        ds = M.Datasource(d.name, "postgresql", d.span, properties=values, documentation=d.documentation)
        prov = props.get("provider")
        if prov is None:
            self.err(f'Argument "provider" is missing in data source block "{d.name}".', d.span)
        else:
            pv = values["provider"]
            if not isinstance(pv, str):
                self.err(f"Error validating datasource `{d.name}`: The `provider` argument must be a string literal.",
                         prov.span)
            elif pv not in KNOWN_PROVIDERS:
                self.err(f'Datasource provider not known: "{pv}".', prov.value.span if prov.value else prov.span)
            elif pv not in ("postgresql", "postgres"):
                self.err(f'The datasource provider "{pv}" is not supported by nexo: only "postgresql" is.',
                         prov.value.span if prov.value else prov.span)
            else:
                ds.provider = pv
        if "url" not in props:
            self.err(f'Argument "url" is missing in data source block "{d.name}".', d.span)
        for key in ("url", "directUrl", "shadowDatabaseUrl"):
            p = props.get(key)
            if p is None:
                continue
            val = values[key]
            if not isinstance(val, (str, M.Env)):
                self.err(
                    f"Error validating datasource `{d.name}`: The `{key}` argument must be a string literal or an "
                    "environment variable (`env(\"NAME\")`).", p.span)
        ds.url = values.get("url")
        ds.direct_url = values.get("directUrl")
        ds.shadow_database_url = values.get("shadowDatabaseUrl")
        rm = props.get("relationMode")
        if rm is not None:
            if values["relationMode"] in ("foreignKeys", "prisma"):
                ds.relation_mode = str(values["relationMode"])
            else:
                self.err(
                    f"Error validating datasource `{d.name}`: Invalid relation mode setting: "
                    f"\"{values['relationMode']}\". Supported values: \"foreignKeys\", \"prisma\"", rm.span)
        ext = props.get("extensions")
        if ext is not None:
            if "postgresqlExtensions" not in self.preview:
                self.err("The `extensions` property is only available with the `postgresqlExtensions` preview feature.",
                         ext.span)
            elif not isinstance(ext.value, A.ArrayValue):
                self.err("Expected an array of extensions.", ext.span)
            else:
                for item in ext.value.items:
                    e = self.extension(item)
                    if e is not None:
                        ds.extensions.append(e)
        sch = props.get("schemas")
        if sch is not None:
            sv = values["schemas"]
            if not isinstance(sv, list) or not all(isinstance(x, str) for x in sv):
                self.err("The `schemas` property must be an array of strings.", sch.span)
            else:
                seen: set[str] = set()
                for x in sv:
                    if x in seen:
                        self.err(f'Duplicated schema names are not allowed: "{x}"', sch.span)
                    seen.add(str(x))
                ds.schemas = [str(x) for x in sv]
        return ds

    def extension(self, item: A.Expression) -> M.Extension | None:
        if isinstance(item, A.ConstantValue):
            return M.Extension(item.name)
        if isinstance(item, A.FunctionCall):
            opts: dict[str, str] = {}
            for a in item.arguments:
                if a.name in ("schema", "version", "map") and isinstance(a.value, A.StringValue):
                    opts[a.name] = a.value.value
                else:
                    self.err(f"Invalid argument `{_arg_text(a)}` for the extension `{item.name}`: expected "
                             "`schema`, `version` or `map` with a string value.", a.span)
                    return None
            return M.Extension(item.name, opts.get("schema"), opts.get("version"), opts.get("map"))
        self.err(f"Invalid extension definition `{_expr_text(item)}`.", item.span)
        return None

    # ================================================================== names
    def names(self) -> None:
        seen: dict[str, A.Block] = {}
        stop = False
        for b in self.blocks:
            kind = b.keyword
            if isinstance(b, A.ConfigBlock):
                continue
            if b.name[:1].isdigit():
                self.err(f"Error validating: The name of a {KIND_TITLES[kind]} must not start with a number.",
                         b.name_span)
            other = seen.get(b.name)
            if other is not None:
                self.err(
                    f'The {KIND_NAMES[kind]} "{b.name}" cannot be defined because a {KIND_NAMES[other.keyword]} '
                    "with that name already exists.", b.name_span)
                stop = True
            else:
                seen[b.name] = b
            if isinstance(b, A.Model):
                names: set[str] = set()
                for f in b.fields:
                    if f.name in names:
                        self.err(f'Field "{f.name}" is already defined on {b.keyword} "{b.name}".', f.name_span)
                        stop = True
                    names.add(f.name)
                    if f.name[:1].isdigit():
                        self.err("Error validating: The name of a Field must not start with a number.", f.name_span)
            else:
                names = set()
                for v in b.values:
                    if v.name in names:
                        self.err(f'Value "{v.name}" is already defined on enum "{b.name}".', self.line_span(v.span))
                        stop = True
                    names.add(v.name)
                    if v.name[:1].isdigit():
                        self.err("Error validating: The name of a Enum Value must not start with a number.",
                                 v.name_span)
        cfg_seen: dict[tuple[str, str], A.ConfigBlock] = {}
        for b in self.blocks:
            if isinstance(b, A.ConfigBlock) and b.keyword == "generator":
                if ("generator", b.name) in cfg_seen:
                    self.err(f'The generator "{b.name}" cannot be defined because a generator with that name '
                             "already exists.", b.name_span)
                cfg_seen[("generator", b.name)] = b
        for m in self.models:
            self.model_by_name.setdefault(m.name, m)
        for e in self.enums:
            self.enum_by_name.setdefault(e.name, e)
        self.names_failed = stop
        self.names_failed = self.names_failed or bool(self.diags)

    def block_kinds(self) -> None:
        for m in self.models:
            if m.keyword == "type":
                self.err("Error validating: Composite types are not supported on Postgres.", m.span)
            elif m.keyword == "view" and "views" not in self.preview:
                self.err("Error validating: View definitions are only available with the `views` preview feature.",
                         m.span)

    # ================================================================== types
    def types(self) -> None:
        for m in self.models:
            infos: dict[str, _FieldInfo] = {}
            self.fields[m.name] = infos
            for f in m.fields:
                t = f.type
                assert t is not None
                if t.legacy_required:
                    self.err("Fields are required by default, `!` is no longer required.", t.span)
                if t.legacy_list:
                    self.err("To specify a list, please use `Type[]` instead of `[Type]`.", t.span)
                if t.optional_list:
                    self.err("Optional lists are not supported. Use either `Type[]` or `Type?`.", t.span)
                attrs: dict[str, A.Attribute] = {}
                for a in f.attributes:
                    attrs.setdefault(a.name, a)
                if t.name in M.SCALAR_TYPES:
                    kind = "scalar"
                elif t.name == "Unsupported" and t.unsupported is not None:
                    kind = "unsupported"
                elif t.name in self.enum_by_name:
                    kind = "enum"
                elif t.name in self.model_by_name:
                    kind = "composite" if self.model_by_name[t.name].keyword == "type" else "relation"
                else:
                    self.err(f'Type "{t.name}" is neither a built-in type, nor refers to another model, composite '
                             "type, or enum.", t.name_span)
                    continue
                infos[f.name] = _FieldInfo(f, m, kind, t.name, t.arity, attrs)

    # ================================================================== field attributes
    def field_attributes(self) -> None:
        for m in self.models:
            infos = self.fields[m.name]
            id_fields = []
            for f in m.fields:
                info = infos.get(f.name)
                if info is None:
                    continue
                seen: set[str] = set()
                for a in f.attributes:
                    base = a.name
                    if base in seen and not base.startswith(self.ds_name + "."):
                        self.err(f'Attribute "@{base}" can only be defined once.', a.span)
                    seen.add(base)
                    if base.startswith(self.ds_name + ".") and base.count(".") == 1:
                        self.deferred_call(lambda: self.native_type(info, a), keep=())
                    elif base not in FIELD_ATTRIBUTES:
                        self.err(f'Attribute not known: "@{base}".', a.span)
                at = info.attrs
                if info.kind == "relation":
                    for name in ("map", "default", "updatedAt", "id", "unique"):
                        if name in at:
                            self.err(f'Error parsing attribute "@{name}": The attribute `@{name}` cannot be used on '
                                     "relation fields.", at[name].span)
                    continue
                if "relation" in at:
                    self.err('Error parsing attribute "@relation": Invalid field type, not a relation.', at["relation"].span)
                if "map" in at:
                    self.string_arg(at["map"], "map")
                if "id" in at:
                    id_fields.append(f)
                    info.is_id = True
                    if info.arity == "optional":
                        self.err('Error parsing attribute "@id": Fields that are marked as id must be required.',
                                 at["id"].span)
                    elif info.arity == "list" and info.kind != "unsupported":
                        self.err('Error parsing attribute "@id": Fields that are marked as id must not be lists.',
                                 at["id"].span)
                    self.index_args(at["id"], "@id", single=True)
                if "unique" in at:
                    self.index_args(at["unique"], "@unique", single=True)
                if "updatedAt" in at:
                    if info.type != "DateTime":
                        self.err('Error parsing attribute "@updatedAt": Fields that are marked with @updatedAt must '
                                 "be of type DateTime.", at["updatedAt"].span)
                    elif info.arity == "list":
                        self.err('Error parsing attribute "@updatedAt": Fields that are marked with @updatedAt '
                                 "cannot be lists.", at["updatedAt"].span)
                if "default" in at:
                    self.deferred_call(lambda: self.default(info, at["default"]), keep=_DEFAULT_TYPE_ERRORS)
            if len(id_fields) > 1:
                self.err(f'Error validating model "{m.name}": At most one field must be marked as the id field with '
                         "the `@id` attribute.", m.span)
            elif id_fields and any(a.name == "id" for a in m.attributes):
                self.err(f'Error validating model "{m.name}": Each model must have at most one id criteria. You '
                         "can't have `@id` and `@@id` at the same time.", m.span)

    def deferred_call(self, fn, keep: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
        """Run a check; its errors are reported now when they match ``keep`` (Prisma finds them while
        resolving the schema), else deferred to the validation pass, which runs only on a resolved schema."""
        saved = self.diags
        self.diags = []
        try:
            fn()
        finally:
            produced, self.diags = self.diags, saved
        for d in produced:
            if any(k in d.message for k in keep):
                self.diags.append(d)
            else:
                self.deferred.append(d)

    def default_type_errors_only(self) -> None:
        kept = self.diags
        for m in self.models:
            for info in self.fields[m.name].values():
                a = info.attrs.get("default")
                if a is None or info.kind not in ("scalar", "enum"):
                    continue
                self.diags = []
                self.default(info, a)
                kept.extend(d for d in self.diags if any(k in d.message for k in _DEFAULT_TYPE_ERRORS))
        self.diags = kept

    def string_arg(self, a: A.Attribute, what: str) -> str | None:
        args = a.positional or ([a.named("name")] if a.named("name") else [])
        if len(a.arguments) != 1 or not args or not isinstance(args[0].value, A.StringValue):
            self.err(f'Error parsing attribute "@{a.name}": Expected a string value.' if a.arguments else
                     f'Error parsing attribute "@{a.name}": The argument `name` is required for `@{a.name}`.'
                     if False else f'Error parsing attribute "@{a.name}": Argument "name" is missing.', a.span)
            return None
        return args[0].value.value

    def native_type(self, info: _FieldInfo, a: A.Attribute) -> None:
        name = a.name.split(".", 1)[1]
        spec = NATIVE_TYPES.get(name)
        if spec is None:
            self.err(f"Native type {name} is not supported for postgresql connector.", a.span)
            return
        if info.kind != "scalar":
            self.err(f'Error parsing attribute "@{a.name}": Native types can only be used on scalar fields '
                     f"(`{info.node.name}` is of type `{info.type}`).", a.span)
            return
        if spec.scalar != info.type:
            self.err(f"Native type {name} is not compatible with declared field type {info.type}, expected field "
                     f"type {spec.scalar}.", a.span)
            return
        args = []
        for arg in a.arguments:
            if arg.name is not None or not isinstance(arg.value, A.NumberValue) or not arg.value.is_integer \
                    or arg.value.raw.startswith("-"):
                self.err(f'Error parsing attribute "@{a.name}": Expected a numeric value, but found '
                         f"`{_expr_text(arg.value)}`.", arg.span)
                return
            args.append(arg.value.raw)
        n = len(args)
        if spec.max_args == 0 and n:
            self.err(f"Native type {name} takes no arguments, but received {n}.", a.span)
            return
        if spec.exact_args and n not in (0, spec.max_args):
            self.err(f"Native type {name} takes {spec.max_args} optional arguments, but received {n}.", a.span)
            return
        if n > spec.max_args:
            self.err(f"Native type {name} takes {spec.max_args} optional arguments, but received {n}.", a.span)
            return
        if name in ("Timestamp", "Timestamptz", "Time", "Timetz") and args and int(args[0]) > 6:
            self.err(f"Argument M is out of range for native type `{name}({args[0]})`: M can range from 0 to 6.",
                     a.span)
            return
        if name == "Decimal" and args and (int(args[0]) > 1000 or int(args[0]) < 1 or int(args[1]) > int(args[0])):
            self.err(f"Argument M is out of range for native type `Decimal({args[0]},{args[1]})`: M can range from 1 "
                     "to 1000 and D must not be larger than M.", a.span)
            return
        info.native = (name, tuple(args))

    # ------------------------------------------------------------------ @default
    def default(self, info: _FieldInfo, a: A.Attribute) -> None:
        pre = 'Error parsing attribute "@default": '
        pos = a.positional
        for arg in a.arguments:
            if arg.name is not None and arg.name != "map":
                self.err(f'{pre}No such argument: "{arg.name}".', arg.span)
                return
        if len(pos) != 1 or pos[0].value is None:
            self.err(f"{pre}The `@default` attribute expects exactly one positional argument (the value).", a.span)
            return
        mp = a.named("map")
        if mp is not None:
            self.err(f"{pre}The `map` argument of `@default` is not supported by the PostgreSQL provider.", mp.span)
            return
        value = pos[0].value
        if isinstance(value, A.FunctionCall):
            self.default_function(info, a, value)
            return
        if info.kind == "unsupported":
            self.err(f'{pre}Only @default(dbgenerated("...")) can be used for Unsupported types.', a.span)
            return
        if info.arity == "list":
            if not isinstance(value, A.ArrayValue):
                self.err(f"{pre}The default value of a list field must be a list.", a.span)
                return
            for item in value.items:
                if not self.literal_ok(info, item, a):
                    return
            return
        if isinstance(value, A.ArrayValue):
            self.err(f"{pre}The default value of a non-list field cannot be a list.", a.span)
            return
        self.literal_ok(info, value, a)

    def literal_ok(self, info: _FieldInfo, value: A.Expression, a: A.Attribute) -> bool:
        pre = 'Error parsing attribute "@default": '
        t = info.type
        if info.kind == "enum":
            enum = self.enum_by_name[t]
            if not isinstance(value, A.ConstantValue):
                self.err(f"{pre}Expected an enum value, but found `{_expr_text(value)}`.", a.span)
                return False
            if value.name not in {v.name for v in enum.values}:
                self.err(f"{pre}The defined default value `{value.name}` is not a valid value of the enum specified "
                         "for the field.", a.span)
                return False
            return True
        ok = False
        if t == "String":
            ok = isinstance(value, A.StringValue)
        elif t in ("Int", "BigInt"):
            ok = isinstance(value, A.NumberValue) and value.is_integer
            if ok:
                n = int(value.raw)  # type: ignore[union-attr]
                limit = 2**31 if t == "Int" else 2**63
                if not -limit <= n < limit:
                    self.err(f"{pre}The value `{value.raw}` is out of range for the type {t}.", a.span)  # type: ignore[union-attr]
                    return False
        elif t == "Float":
            ok = isinstance(value, A.NumberValue)
        elif t == "Decimal":
            ok = isinstance(value, A.NumberValue) or (
                isinstance(value, A.StringValue) and re.fullmatch(r"-?\d+(\.\d+)?", value.value) is not None)
        elif t == "Boolean":
            ok = isinstance(value, A.ConstantValue) and value.name in ("true", "false")
        elif t == "DateTime":
            ok = isinstance(value, A.StringValue) and _parse_datetime(value.value) is not None
            if isinstance(value, A.StringValue) and not ok:
                self.err(f'{pre}Parse error: "{value.value}" is not a valid rfc3339 datetime string.', a.span)
                return False
        elif t == "Json":
            ok = isinstance(value, A.StringValue)
            if ok:
                try:
                    json.loads(value.value)  # type: ignore[union-attr]
                except ValueError:
                    self.err(f"{pre}Parse error: `{value.raw}` is not valid JSON.", a.span)  # type: ignore[union-attr]
                    return False
        elif t == "Bytes":
            ok = isinstance(value, A.StringValue)
            if ok:
                try:
                    base64.b64decode(value.value, validate=True)  # type: ignore[union-attr]
                except (binascii.Error, ValueError):
                    self.err(f"{pre}Parse error: `{value.raw}` is not a valid base64 string.", a.span)  # type: ignore[union-attr]
                    return False
        if not ok:
            self.err(f"{pre}Expected a {t} value, but found `{_expr_text(value)}`.", a.span)
        return ok

    def default_function(self, info: _FieldInfo, a: A.Attribute, call: A.FunctionCall) -> None:
        pre = 'Error parsing attribute "@default": '
        name = call.name
        if name not in DEFAULT_FUNCTIONS:
            self.err(f"Unknown function in @default(): `{name}` is not known. You can read about the available "
                     "functions here: https://pris.ly/d/attribute-functions", a.span)
            return
        if info.kind == "unsupported" and name != "dbgenerated":
            self.err(f'{pre}Only @default(dbgenerated("...")) can be used for Unsupported types.', a.span)
            return
        t = info.type
        allowed = {
            "autoincrement": ("Int", "BigInt"),
            "now": ("DateTime",),
            "uuid": ("String",),
            "cuid": ("String",),
            "nanoid": ("String",),
            "ulid": ("String",),
        }.get(name)
        if allowed is not None and (t not in allowed or info.kind == "enum"):
            self.err(f"{pre}The function `{name}()` cannot be used on fields of type `{t}`.", a.span)
            return
        if info.arity == "list" and name != "dbgenerated":
            self.err(f"{pre}The function `{name}()` cannot be used on list fields.", a.span)
            return
        args = call.arguments
        if name in ("autoincrement", "now", "ulid") and args:
            self.err(f"{pre}The function `{name}` takes no arguments.", a.span)
        elif name == "dbgenerated":
            if len(args) > 1 or (args and not (args[0].name is None and isinstance(args[0].value, A.StringValue))):
                self.err(f"{pre}`dbgenerated()` takes either no argument, or a single nonempty string argument.",
                         a.span)
            elif args and not args[0].value.value:  # type: ignore[union-attr]
                self.err(f"{pre}dbgenerated() takes either no argument, or a single nonempty string argument.", a.span)
        elif name in ("uuid", "cuid", "nanoid"):
            allowed_args = {"uuid": ("4", "7"), "cuid": ("1", "2")}.get(name)
            if len(args) > 1 or (args and not isinstance(args[0].value, A.NumberValue)):
                self.err(f"{pre}The function `{name}` takes at most one numeric argument.", a.span)
            elif args:
                raw = args[0].value.raw  # type: ignore[union-attr]
                if allowed_args is not None and raw not in allowed_args:
                    self.err(f"{pre}`{name}()` takes a single Int argument: {' or '.join(allowed_args)}.", a.span)
                elif name == "nanoid" and (not raw.isdigit() or not 2 <= int(raw) <= 255):
                    self.err(f"{pre}`nanoid()` takes a single Int argument between 2 and 255.", a.span)

    # ------------------------------------------------------------------ index arguments
    def index_args(self, a: A.Attribute, label: str, single: bool) -> None:
        """Common arguments of @id/@unique (single) and @@id/@@unique/@@index."""
        pre = f'Error parsing attribute "{label}": '
        allowed = {"map", "sort", "length", "clustered"} if single else {"fields", "name", "map", "type", "clustered"}
        if label == "@id":
            allowed = {"map", "sort", "length", "clustered"}
        for arg in a.arguments:
            if arg.name is None:
                if single or arg is not a.arguments[0]:
                    self.err(f"{pre}No such argument.", arg.span)
                continue
            if arg.name not in allowed:
                self.err(f'{pre}No such argument: "{arg.name}".', arg.span)
            elif arg.name == "length":
                self.err(f"{pre}The length argument is not supported in an index definition with the current "
                         "connector", a.span)
            elif arg.name == "clustered":
                self.err(f"{pre}Defining clustering is not supported in the current connector.", a.span)
            elif arg.name == "sort" and not (isinstance(arg.value, A.ConstantValue) and arg.value.name in ("Asc", "Desc")):
                self.err(f'{pre}Invalid sort order `{_expr_text(arg.value)}`: expected `Asc` or `Desc`.', arg.span)
            elif arg.name in ("map", "name") and not isinstance(arg.value, A.StringValue):
                self.err(f"{pre}Expected a string value, but found `{_expr_text(arg.value)}`.", arg.span)
            elif arg.name == "map" and isinstance(arg.value, A.StringValue) and not arg.value.value:
                self.err(f"{pre}The `map` argument cannot be an empty string.", arg.span)

    # ================================================================== block attributes
    def block_attributes(self) -> None:
        for m in self.models:
            seen: dict[str, A.Attribute] = {}
            for a in m.attributes:
                if a.name not in BLOCK_ATTRIBUTES:
                    self.err(f'Attribute not known: "@@{a.name}".', a.span)
                    continue
                if a.name in ("id", "map", "ignore", "schema") and a.name in seen:
                    self.err(f'Attribute "@@{a.name}" can only be defined once.', a.span)
                seen[a.name] = a
                if a.name == "fulltext":
                    self.err('Error parsing attribute "@@fulltext": Defining fulltext indexes is not supported with '
                             "the current connector.", a.span)
                elif a.name in ("id", "unique", "index"):
                    self.index_args(a, f"@@{a.name}", single=False)
                    self.index_fields(m, a)
                elif a.name == "map":
                    self.string_arg(a, "map")
                elif a.name == "schema":
                    self.string_arg(a, "schema")
                elif a.name == "ignore" and a.arguments:
                    self.err('Error parsing attribute "@@ignore": The attribute takes no arguments.', a.span)
        for e in self.enums:
            for a in e.attributes:
                if a.name not in ("map", "schema"):
                    self.err(f'Attribute not known: "@@{a.name}".', a.span)
                else:
                    self.string_arg(a, a.name)
            for v in e.values:
                for a in v.attributes:
                    if a.name != "map":
                        self.err(f'Attribute not known: "@{a.name}".', a.span)
                    else:
                        self.string_arg(a, "map")

    def index_fields(self, m: A.Model, a: A.Attribute) -> None:
        label = f"@@{a.name}"
        pre = f'Error parsing attribute "{label}": '
        arg = a.positional[0] if a.positional else a.named("fields")
        if arg is None:
            self.err(f'{pre}Argument "fields" is missing.', a.span)
            return
        if not isinstance(arg.value, A.ArrayValue):
            self.err(f"{pre}Expected a list of fields, but found `{_expr_text(arg.value)}`.", arg.span)
            return
        infos = self.fields[m.name]
        unknown, relational = [], []
        algorithm = a.named("type")
        algo = algorithm.value.name if algorithm and isinstance(algorithm.value, A.ConstantValue) else None
        if algorithm is not None:
            if a.name != "index":
                self.err(f'{pre}No such argument: "type".', algorithm.span)
            elif algo not in INDEX_ALGORITHMS:
                self.err(f"{pre}Unknown index type: {_expr_text(algorithm.value)}.", algorithm.span)
                algo = None
        for item in arg.value.items:
            if isinstance(item, A.ConstantValue):
                fname, fargs = item.name, []
            elif isinstance(item, A.FunctionCall):
                fname, fargs = item.name, item.arguments
            else:
                self.err(f"{pre}Expected a field name, but found `{_expr_text(item)}`.", item.span)
                continue
            info = infos.get(fname)
            if fname not in {f.name for f in m.fields}:
                unknown.append(fname)
                continue
            if info is not None and info.kind == "relation":
                relational.append(fname)
                continue
            for fa in fargs:
                if fa.name == "length":
                    self.err(f"{pre}The length argument is not supported in an index definition with the current "
                             "connector", a.span)
                elif fa.name == "sort":
                    if not (isinstance(fa.value, A.ConstantValue) and fa.value.name in ("Asc", "Desc")):
                        self.err(f"{pre}Invalid sort order `{_expr_text(fa.value)}`: expected `Asc` or `Desc`.",
                                 fa.span)
                elif fa.name == "ops":
                    if a.name != "index":
                        self.err(f"{pre}Operator classes can only be defined on `@@index`.", fa.span)
                    elif info is not None:
                        self.check_ops(info, fa, algo or "BTree", pre, a)
                else:
                    self.err(f"{pre}No such argument: \"{fa.name}\".", fa.span)
            if info is not None and algo and a.name == "index" and not any(fa.name == "ops" for fa in fargs):
                if not self.algo_supports(info, algo):
                    self.err(f"{pre}The {algo} index type does not support the type of the field `{fname}`.", a.span)
        what = {"index": "index", "unique": "unique index", "id": "multi field id declaration"}[a.name]
        if unknown:
            self.err(f'Error validating model "{m.name}": The {what} definition refers to the unknown fields: '
                     f"{', '.join(unknown)}.", a.span)
        if relational:
            self.err(f'Error validating model "{m.name}": The {what} definition refers to the relation fields: '
                     f"{', '.join(relational)}. Index definitions must reference only scalar fields.", a.span)
        if a.name == "id":
            for item in arg.value.items:
                n = item.name if isinstance(item, (A.ConstantValue, A.FunctionCall)) else None
                info = infos.get(n) if n else None
                if info is not None and info.kind != "relation" and info.arity == "optional":
                    self.err(f'Error validating model "{m.name}": The id definition refers to the optional field '
                             f"`{n}`. ID definitions must reference only required fields.", a.span)

    def effective_native(self, info: _FieldInfo) -> str | None:
        if info.native is not None:
            return info.native[0]
        if info.kind == "scalar":
            return DEFAULT_NATIVE[info.type][0]
        return None

    def algo_supports(self, info: _FieldInfo, algo: str) -> bool:
        native = self.effective_native(info)
        if algo in ("BTree", "Hash"):
            return True
        if info.kind == "unsupported":
            return True
        if algo == "Gin":
            return info.arity == "list" or native in ("JsonB", "Json")
        if info.arity == "list":
            return False
        if algo == "Gist":
            return native == "Inet"
        if algo == "SpGist":
            return native in ("Inet", "Text", "VarChar", "Char")
        if algo == "Brin":
            return native in {"Bit", "VarBit", "Char", "ByteA", "Text", "VarChar", "Date", "Real", "DoublePrecision",
                              "Inet", "SmallInt", "Integer", "BigInt", "Decimal", "Oid", "Timestamp",
                              "Timestamptz", "Time", "Timetz", "Uuid"}
        return True

    def check_ops(self, info: _FieldInfo, fa: A.Argument, algo: str, pre: str, a: A.Attribute) -> None:
        v = fa.value
        if isinstance(v, A.FunctionCall) and v.name == "raw":
            if len(v.arguments) != 1 or not isinstance(v.arguments[0].value, A.StringValue):
                self.err(f'{pre}`raw()` takes a single string argument (the operator class).', fa.span)
            return
        if not isinstance(v, A.ConstantValue) or v.name not in OPERATOR_CLASSES:
            self.err(f"{pre}Invalid operator class: {_expr_text(v)}.", fa.span)
            return
        algos, natives = OPERATOR_CLASSES[v.name]
        if algo not in algos:
            self.err(f"{pre}The given operator class `{v.name}` is not supported with the `{algo}` index type.",
                     fa.span)
            return
        name = info.node.name
        if "list" in natives:
            if info.arity != "list":
                self.err(f"{pre}The given operator class `{v.name}` expects the type of field `{name}` to be an array.",
                         a.span)
            return
        if info.arity == "list":
            self.err(f"{pre}The given operator class `{v.name}` does not support list field `{name}`.", a.span)
            return
        if self.effective_native(info) not in natives:
            self.err(f"{pre}The given operator class `{v.name}` expects the field `{name}` to define a valid native "
                     "type.", a.span)

    # ================================================================== relations
    def relations(self) -> list[M.Relation]:
        groups: dict[tuple[str, str, str], list[_FieldInfo]] = {}
        for m in self.models:
            for info in self.fields[m.name].values():
                if info.kind != "relation":
                    continue
                rel = info.attrs.get("relation")
                rname = self.relation_name(rel) if rel else ""
                key = (m.name, info.type, rname)
                groups.setdefault(key, []).append(info)
        done: set[tuple[str, str, str]] = set()
        relations: list[M.Relation] = []
        for m in self.models:
            for info in list(self.fields[m.name].values()):
                if info.kind != "relation":
                    continue
                rel = info.attrs.get("relation")
                rname = self.relation_name(rel) if rel else ""
                key = (m.name, info.type, rname)
                if key in done:
                    continue
                mine = groups.get(key, [])
                self_rel = m.name == info.type
                theirs = [] if self_rel else groups.get((info.type, m.name, rname), [])
                done.add(key)
                done.add((info.type, m.name, rname))
                if self_rel:
                    if len(mine) > 2:
                        self.err(f'Error validating model "{m.name}": Ambiguous self relation detected. The fields '
                                 f"{', '.join('`%s`' % i.node.name for i in mine)} in model `{m.name}` both refer to "
                                 f"`{m.name}`. If they are part of the same relation add the same relation name for "
                                 "them with `@relation(<name>)`.", mine[0].node.span)
                        continue
                    if len(mine) == 1:
                        one = mine[0]
                        if one.arity != "list" and self.has_fields(one):
                            self.missing_opposite(one)
                            continue
                        self.missing_opposite(one)
                        continue
                    r = self.pair(mine[0], mine[1], rname)
                else:
                    if len(mine) > 1 or len(theirs) > 1:
                        amb = mine if len(mine) > 1 else theirs
                        owner = amb[0].model.name
                        self.err(f'Error validating model "{owner}": Ambiguous relation detected. The fields '
                                 f"`{amb[0].node.name}` and `{amb[1].node.name}` in model `{owner}` both refer to "
                                 f"`{amb[0].type}`. Please provide different relation names for them by adding "
                                 "`@relation(<name>).", amb[0].node.span)
                        continue
                    if not theirs:
                        self.missing_opposite(info)
                        continue
                    r = self.pair(mine[0], theirs[0], rname)
                if r is not None:
                    relations.append(r)
        return relations

    def relation_name(self, a: A.Attribute) -> str:
        arg = a.positional[0] if a.positional else a.named("name")
        if arg is not None and isinstance(arg.value, A.StringValue):
            return arg.value.value
        return ""

    def has_fields(self, info: _FieldInfo) -> bool:
        rel = info.attrs.get("relation")
        return bool(rel and (rel.named("fields") or rel.named("references")))

    def missing_opposite(self, info: _FieldInfo) -> None:
        self.err(f"Error validating field `{info.node.name}` in model `{info.model.name}`: The relation field "
                 f"`{info.node.name}` on model `{info.model.name}` is missing an opposite relation field on the model "
                 f"`{info.type}`. Either run `prisma format` or add it manually.", self.line_span(info.node.span))

    def line_span(self, s: A.Span) -> A.Span:
        """``s`` widened to the end of its line (newline included), which is how Prisma marks whole fields."""
        for t in self.trees:
            if t.file == s.file:
                text = t.text
                end = text.find("\n", s.end)
                end = len(text) if end < 0 else end + 1
                return A.Span(s.file, s.start, end, s.line, s.column, s.line + 1, 1)
        return s

    def name_list(self, a: A.Attribute, key: str) -> list[str] | None:
        arg = a.named(key)
        if arg is None:
            return None
        if not isinstance(arg.value, A.ArrayValue):
            if isinstance(arg.value, A.ConstantValue):
                return [arg.value.name]
            self.err(f'Error parsing attribute "@relation": Expected a list of field names for `{key}`.', arg.span)
            return []
        out = []
        for i in arg.value.items:
            if isinstance(i, A.ConstantValue):
                out.append(i.name)
            else:
                self.err(f'Error parsing attribute "@relation": Expected a field name, but found `{_expr_text(i)}`.',
                         i.span)
        return out

    def relation_args(self, info: _FieldInfo) -> dict[str, object]:
        rel = info.attrs.get("relation")
        out: dict[str, object] = {"fields": None, "references": None, "onDelete": None, "onUpdate": None, "map": None}
        if rel is None:
            return out
        pre = 'Error parsing attribute "@relation": '
        for i, arg in enumerate(rel.arguments):
            if arg.name is None:
                if i != 0 or not isinstance(arg.value, A.StringValue):
                    self.err(f"{pre}The relation name must be a string, given as the first argument.", arg.span)
                continue
            if arg.name not in ("name", "fields", "references", "onDelete", "onUpdate", "map"):
                self.err(f'{pre}No such argument: "{arg.name}".', arg.span)
        out["fields"] = self.name_list(rel, "fields")
        out["references"] = self.name_list(rel, "references")
        for key in ("onDelete", "onUpdate"):
            arg = rel.named(key)
            if arg is None:
                continue
            if not isinstance(arg.value, A.ConstantValue) or arg.value.name not in M.REFERENTIAL_ACTIONS:
                self.err(f"{pre}Invalid referential action: `{_expr_text(arg.value)}`", arg.span if False else rel.span
                         if False else self.line_span(info.node.span))
                out[key] = "invalid"
            else:
                out[key] = arg.value.name
        mp = rel.named("map")
        if mp is not None:
            if isinstance(mp.value, A.StringValue):
                out["map"] = mp.value.value
            else:
                self.err(f"{pre}Expected a string value, but found `{_expr_text(mp.value)}`.", mp.span)
        return out

    def pair(self, x: _FieldInfo, y: _FieldInfo, rname: str) -> M.Relation | None:
        xa, ya = self.relation_args(x), self.relation_args(y)
        explicit = bool(rname)
        ma, mb = sorted([x.model.name, y.model.name])
        name = rname or f"{ma}To{mb}"
        pre = 'Error parsing attribute "@relation": '
        if x.arity == "list" and y.arity == "list":
            for f, args in ((x, xa), (y, ya)):
                if args["fields"] is not None or args["references"] is not None:
                    self.err(f'{pre}Implicit many-to-many relations must not have references argument. You probably '
                             "want to remove the `references` argument.", self.line_span(f.node.span))
                    return None
            ok = True
            for f in (x, y):
                target = self.model_by_name[f.type]
                if not self.single_id(target):
                    self.err(f"Error validating field `{f.node.name}` in model `{f.model.name}`: The relation field "
                             f"`{f.node.name}` on model `{f.model.name}` references `{f.type}` which does not have an "
                             "`@id` field. Models without `@id` cannot be part of a many to many relation. Use an "
                             "explicit intermediate Model to represent this relationship.",
                             self.line_span(f.node.span))
                    ok = False
            if not ok:
                return None
            if x.model.name == y.model.name:
                a_f, b_f = sorted([x, y], key=lambda i: i.node.name)
            else:
                a_f, b_f = (x, y) if x.model.name == ma else (y, x)
            return M.Relation(name, "m:n", a_f.model.name, a_f.node.name, b_f.model.name, b_f.node.name,
                              explicit_name=explicit, on_delete="Cascade", on_update="Cascade")
        # one side holds the foreign key
        if x.arity == "list" or y.arity == "list":
            fk, back = (y, x) if x.arity == "list" else (x, y)
            fka, backa = (ya, xa) if x.arity == "list" else (xa, ya)
            if backa["fields"] is not None or backa["references"] is not None:
                self.err(f"Error validating field `{back.node.name}` in model `{back.model.name}`: The relation field "
                         f"`{back.node.name}` on Model `{back.model.name}` must not specify the `fields` or "
                         "`references` argument in the @relation attribute. You must only specify it on the opposite "
                         f"field `{fk.node.name}` on model `{fk.model.name}`.", self.line_span(back.node.span))
                return None
            if fka["fields"] is None or fka["references"] is None:
                missing = "fields" if fka["fields"] is None else "references"
                self.err(f"Error validating field `{fk.node.name}` in model `{fk.model.name}`: The relation field "
                         f"`{fk.node.name}` on Model `{fk.model.name}` must specify the `{missing}` argument in the "
                         "@relation attribute. You can run `prisma format` to fix this automatically.",
                         self.line_span(fk.node.span))
                return None
            kind = "1:n"
        else:
            xs = xa["fields"] is not None or xa["references"] is not None
            ys = ya["fields"] is not None or ya["references"] is not None
            if xs and ys:
                self.err(f"Error validating field `{x.node.name}` in model `{x.model.name}`: The relation fields "
                         f"`{x.node.name}` on Model `{x.model.name}` and `{y.node.name}` on Model `{y.model.name}` "
                         "both provide the `references` argument in the @relation attribute. You have to provide it "
                         "only on one of the two fields.", self.line_span(x.node.span))
                return None
            if not xs and not ys:
                self.err(f"Error validating field `{x.node.name}` in model `{x.model.name}`: The relation fields "
                         f"`{x.node.name}` on Model `{x.model.name}` and `{y.node.name}` on Model `{y.model.name}` "
                         "do not provide the `fields` argument in the @relation attribute. You have to provide it on "
                         "one of the two fields.", self.line_span(x.node.span))
                return None
            fk, back = (x, y) if xs else (y, x)
            fka, backa = (xa, ya) if xs else (ya, xa)
            if fka["fields"] is None or fka["references"] is None:
                missing = "fields" if fka["fields"] is None else "references"
                self.err(f"Error validating field `{fk.node.name}` in model `{fk.model.name}`: The relation field "
                         f"`{fk.node.name}` on Model `{fk.model.name}` must specify the `{missing}` argument in the "
                         "@relation attribute. You can run `prisma format` to fix this automatically.",
                         self.line_span(fk.node.span))
                return None
            kind = "1:1"
        if backa["onDelete"] or backa["onUpdate"]:
            self.err(f"{pre}The relation field `{back.node.name}` on Model `{back.model.name}` must not specify "
                     "referential actions: set `onDelete`/`onUpdate` on the field that defines the relation "
                     f"(`{fk.node.name}` on model `{fk.model.name}`).", self.line_span(back.node.span))
            return None
        if backa["map"] is not None:
            self.err(f"{pre}The relation field `{back.node.name}` on Model `{back.model.name}` must not specify the "
                     "`map` argument: set it on the field that defines the relation.", self.line_span(back.node.span))
            return None
        fields: list[str] = fka["fields"]  # type: ignore[assignment]
        refs: list[str] = fka["references"]  # type: ignore[assignment]
        if "invalid" in (fka["onDelete"], fka["onUpdate"]):
            return None
        own = self.fields[fk.model.name]
        target = self.model_by_name[fk.type]
        tfields = self.fields[target.name]
        missing_f = [f for f in fields if f not in {n.name for n in fk.model.fields}]
        if missing_f:
            self.err("Error validating: The argument fields must refer only to existing fields. The following fields "
                     f"do not exist in this model: {', '.join(missing_f)}", self.line_span(fk.node.span))
            return None
        missing_r = [f for f in refs if f not in {n.name for n in target.fields}]
        if missing_r:
            self.err("Error validating: The argument `references` must refer only to existing fields in the related "
                     f"model `{target.name}`. The following fields do not exist in the related model: "
                     f"{', '.join(missing_r)}", self.line_span(fk.node.span))
            return None
        rel_f = [f for f in fields if own.get(f) is None or own[f].kind == "relation"]
        rel_r = [f for f in refs if tfields.get(f) is None or tfields[f].kind == "relation"]
        if rel_f or rel_r:
            self.err("Error validating: The arguments `fields` and `references` must refer only to scalar fields. "
                     f"These are relation fields: {', '.join(rel_f + rel_r)}", self.line_span(fk.node.span))
            return None
        if not fields or not refs:
            self.err(f"{pre}The `fields` and `references` arguments must not be empty.", self.line_span(fk.node.span))
            return None
        if len(fields) != len(refs):
            self.err("Error validating: You must specify the same number of fields in `fields` and `references`.",
                     self.line_span(fk.node.span))
            return None
        for f, r in zip(fields, refs):
            fi, ri = own[f], tfields[r]
            if fi.type != ri.type or (fi.native and ri.native and fi.native != ri.native):
                self.err(f"{pre}The type of the field `{f}` in the model `{fk.model.name}` is not matching the type "
                         f"of the referenced field `{r}` in model `{target.name}`.", self.line_span(fk.node.span))
                return None
        if not self.is_unique_criterion(target, refs):
            if len(refs) == 1:
                hint = f"Consider adding an `@unique` attribute to the field `{refs[0]}` in the model `{target.name}`."
            else:
                hint = (f"Consider adding an `@@unique([{', '.join(refs)}])` attribute to the model "
                        f"`{target.name}`.")
            self.err(f"{pre}The argument `references` must refer to a unique criterion in the related model. {hint}",
                     self.line_span(fk.node.span))
            return None
        optional_scalars = [f for f in fields if own[f].arity == "optional"]
        if fk.arity == "required" and optional_scalars:
            self.err(f"{pre}The relation field `{fk.node.name}` uses the scalar fields {', '.join(fields)}. At least "
                     "one of those fields is optional. Hence the relation field must be optional as well.",
                     self.line_span(fk.node.span))
            return None
        if kind == "1:1":
            if not self.is_unique_criterion(fk.model, fields):
                if len(fields) == 1:
                    self.err(f"{pre}A one-to-one relation must use unique fields on the defining side. Either add an "
                             f"`@unique` attribute to the field `{fields[0]}`, or change the relation to one-to-many.",
                             self.line_span(fk.node.span))
                else:
                    self.err(f"{pre}A one-to-one relation must use unique fields on the defining side. Either add an "
                             f"`@@unique([{', '.join(fields)}])` attribute to the model, or change the relation to "
                             "one-to-many.", self.line_span(fk.node.span))
                return None
            if back.arity == "required":
                self.err(f"{pre}The relation field `{back.node.name}` on Model `{back.model.name}` is required. This "
                         "is not valid because it's not possible to enforce this constraint on the database level. "
                         f"Please change the field type from `{back.type}` to `{back.type}?` to fix this.",
                         self.line_span(back.node.span))
                return None
        all_required = not optional_scalars
        on_delete = fka["onDelete"] or ("Restrict" if all_required else "SetNull")
        on_update = fka["onUpdate"] or "Cascade"
        if fka["onDelete"] == "SetNull" and all_required or fka["onUpdate"] == "SetNull" and all_required:
            which = "onDelete" if fka["onDelete"] == "SetNull" else "onUpdate"
            self.err(f"{pre}The `{which}` referential action of a relation must not be set to `SetNull` when a "
                     "referenced field is required.\nEither choose another referential action, or make the referenced "
                     "fields optional.", self.line_span(fk.node.span))
            return None
        return M.Relation(
            name, kind, ma,
            (x if x.model.name == ma else y).node.name if x.model.name != y.model.name else fk.node.name,
            mb,
            (y if x.model.name == ma else x).node.name if x.model.name != y.model.name else back.node.name,
            explicit_name=explicit, referencing_model=fk.model.name, referencing_field=fk.node.name,
            referenced_model=target.name, back_field=back.node.name, fields=tuple(fields), references=tuple(refs),
            on_delete=str(on_delete), on_update=str(on_update), map=fka["map"],  # type: ignore[arg-type]
        )

    def single_id(self, m: A.Model) -> bool:
        infos = self.fields[m.name]
        if any("id" in i.attrs for i in infos.values()):
            return True
        for a in m.attributes:
            if a.name == "id":
                names = self.attr_field_names(a)
                return len(names) == 1
        return False

    def attr_field_names(self, a: A.Attribute) -> list[str]:
        arg = a.positional[0] if a.positional else a.named("fields")
        if arg is None or not isinstance(arg.value, A.ArrayValue):
            return []
        out = []
        for i in arg.value.items:
            if isinstance(i, (A.ConstantValue, A.FunctionCall)):
                out.append(i.name)
        return out

    def criteria(self, m: A.Model) -> list[list[str]]:
        """Every unique criterion of a model (ids and uniques), as field-name lists."""
        out: list[list[str]] = []
        for info in self.fields[m.name].values():
            if "id" in info.attrs or "unique" in info.attrs:
                out.append([info.node.name])
        for a in m.attributes:
            if a.name in ("id", "unique"):
                out.append(self.attr_field_names(a))
        return out

    def is_unique_criterion(self, m: A.Model, names: list[str]) -> bool:
        want = sorted(names)
        return any(sorted(c) == want for c in self.criteria(m))

    # ================================================================== schema-wide checks
    def schema_checks(self) -> None:
        schemas_declared = None
        if len(self.datasources) == 1:
            p = self.datasources[0].get("schemas")
            if p is not None and isinstance(p.value, A.ArrayValue):
                schemas_declared = [i.value for i in p.value.items if isinstance(i, A.StringValue)]
        for block in [*self.models, *self.enums]:
            sa = next((a for a in block.attributes if a.name == "schema"), None)
            if sa is not None:
                val = sa.positional[0].value if sa.positional else None
                if schemas_declared is None or (isinstance(val, A.StringValue) and val.value not in schemas_declared):
                    self.err("This schema is not defined in the datasource. Read more on `@@schema` at "
                             "https://pris.ly/d/multi-schema", val.span if val is not None else sa.span)
            elif schemas_declared:
                what = "model" if isinstance(block, A.Model) else "enum"
                self.err(f"This {what} is missing an `@@schema` attribute.", block.name_span)
        for m in self.models:
            if m.keyword != "model" or any(a.name == "ignore" for a in m.attributes):
                continue
            infos = self.fields[m.name]
            crits = self.criteria(m)
            good = [c for c in crits if c and all(
                n in infos and infos[n].arity == "required" and infos[n].kind != "relation" for n in c)]
            if not good:
                msg = (f'Error validating model "{m.name}": Each model must have at least one unique criteria that has '
                       "only required fields. Either mark a single field with `@id`, `@unique` or add a multi field "
                       "criterion with `@@id([])` or `@@unique([])` to the model.")
                bad = [c for c in crits if c]
                if bad:
                    msg += (" The following unique criterias were not considered as they contain fields that are not "
                            "required:\n" + "\n".join("- " + ", ".join(c) for c in bad))
                self.err(msg, m.span)
        self.constraint_names()

    def db_name(self, block: A.Model | A.Enum) -> str:
        a = next((a for a in block.attributes if a.name == "map"), None)
        if a is not None and a.positional and isinstance(a.positional[0].value, A.StringValue):
            return a.positional[0].value.value
        return block.name

    def column_name(self, info: _FieldInfo) -> str:
        a = info.attrs.get("map")
        if a is not None and a.positional and isinstance(a.positional[0].value, A.StringValue):
            return a.positional[0].value.value
        return info.node.name

    def constraint_names(self) -> None:
        """Explicit ``map:`` names must fit in 63 bytes; every index/unique/PK name must be unique."""
        from .names import index_name, pk_name

        seen: dict[str, list[tuple[A.Attribute, str]]] = {}
        for m in self.models:
            if m.keyword != "model":
                continue
            table = self.db_name(m)
            infos = self.fields[m.name]
            entries: list[tuple[A.Attribute, str, str]] = []  # attr, label, name
            for info in infos.values():
                for kind in ("id", "unique"):
                    a = info.attrs.get(kind)
                    if a is None or info.kind == "relation":
                        continue
                    mp = a.named("map")
                    explicit = mp.value.value if mp is not None and isinstance(mp.value, A.StringValue) else None
                    name = explicit or (pk_name(table) if kind == "id" else
                                        index_name(table, [self.column_name(info)], True))
                    entries.append((a, f"@{kind}", name))
                    if explicit is not None:
                        self.check_len(m, explicit, f"@{kind}", a)
            for a in m.attributes:
                if a.name not in ("id", "unique", "index"):
                    continue
                mp = a.named("map")
                if a.name == "index" and mp is None:
                    mp = a.named("name")
                explicit = mp.value.value if mp is not None and isinstance(mp.value, A.StringValue) else None
                cols = [self.column_name(infos[n]) for n in self.attr_field_names(a) if n in infos]
                if explicit is not None:
                    self.check_len(m, explicit, f"@@{a.name}", a)
                    name = explicit
                elif a.name == "id":
                    name = pk_name(table)
                else:
                    name = index_name(table, cols, a.name == "unique")
                entries.append((a, f"@@{a.name}", name))
            for info in infos.values():
                rel = info.attrs.get("relation")
                if rel is not None and info.kind == "relation":
                    mp = rel.named("map")
                    if mp is not None and isinstance(mp.value, A.StringValue):
                        self.check_len(m, mp.value.value, "@relation", rel)
            for a, label, name in entries:
                if label in ("@id", "@@id"):
                    key = name
                else:
                    key = name
                seen.setdefault(key, []).append((a, label))
        for name, uses in seen.items():
            if len(uses) > 1:
                for a, label in uses:
                    self.err(f'Error parsing attribute "{label}": The given constraint name `{name}` has to be unique '
                             "in the following namespace: global for primary key, indexes and unique constraints. "
                             "Please provide a different name using the `map` argument.", a.span)

    def check_len(self, m: A.Model, name: str, label: str, a: A.Attribute) -> None:
        if len(name.encode()) > MAX_NAME:
            self.err(f"Error validating model \"{m.name}\": The constraint name '{name}' specified in the `map` "
                     f"argument for the `{label}` constraint is too long for your chosen provider. The maximum allowed "
                     "length is 63 bytes.", a.span)

    # ================================================================== build the model
    def build(self, ds: M.Datasource | None, gens: list[M.Generator], relations: list[M.Relation]) -> M.Schema:
        if ds is None:
            ds = M.Datasource("db", "postgresql", A.Span("", 0, 0, 1, 1, 1, 1))
        enums = []
        for e in self.enums:
            values = []
            for v in e.values:
                mp = next((a for a in v.attributes if a.name == "map"), None)
                db = mp.positional[0].value.value if mp is not None and mp.positional else v.name  # type: ignore[union-attr]
                values.append(M.EnumValue(v.name, db, v.span, v.documentation))
            enums.append(M.Enum(e.name, self.db_name(e), values, e.span, self.block_schema(e), e.documentation))
        rel_by_field: dict[tuple[str, str], M.Relation] = {}
        for r in relations:
            for mname, fname in ((r.model_a, r.field_a), (r.model_b, r.field_b)):
                if fname:
                    rel_by_field[(mname, fname)] = r
        models = []
        for m in self.models:
            if m.keyword == "type":
                continue
            infos = self.fields[m.name]
            fields: list[M.Field] = []
            pk = None
            indexes: list[M.Index] = []
            for f in m.fields:
                info = infos[f.name]
                ignored = "ignore" in info.attrs
                if info.kind == "relation":
                    ra = self.relation_args(info)
                    rel = info.attrs.get("relation")
                    rf = M.RelationField(
                        f.name, info.type, info.arity, f.span,
                        relation_name=self.relation_name(rel) or None if rel else None,
                        fields=tuple(ra["fields"] or ()), references=tuple(ra["references"] or ()),  # type: ignore[arg-type]
                        on_delete=ra["onDelete"], on_update=ra["onUpdate"], map=ra["map"],  # type: ignore[arg-type]
                        is_ignored=ignored, documentation=f.documentation,
                    )
                    rf.relation = rel_by_field.get((m.name, f.name))
                    fields.append(rf)
                    continue
                native = M.NativeType(*info.native) if info.native else None
                sf = M.ScalarField(
                    f.name, self.column_name(info), info.type, info.kind, info.arity, f.span,
                    native_type=native, default=self.default_value(info), is_id="id" in info.attrs,
                    is_updated_at="updatedAt" in info.attrs, is_ignored=ignored,
                    unsupported_type=f.type.unsupported if f.type else None, documentation=f.documentation,
                )
                fields.append(sf)
                if "id" in info.attrs:
                    a = info.attrs["id"]
                    pk = M.PrimaryKey((M.IndexField(f.name, self.str_named(a, "sort")),), "field", a.span,
                                      map=self.str_named(a, "map"))
            for f in m.fields:
                info = infos[f.name]
                if info.kind != "relation" and "unique" in info.attrs:
                    a = info.attrs["unique"]
                    indexes.append(M.Index("unique", (M.IndexField(f.name, self.str_named(a, "sort")),), "field",
                                           a.span, map=self.str_named(a, "map")))
            block_idx = [a for a in m.attributes if a.name == "index"]
            block_unq = [a for a in m.attributes if a.name == "unique"]
            for a in block_idx + block_unq:
                algo = a.named("type")
                mp = self.str_named(a, "map")
                name = self.str_named(a, "name")
                if a.name == "index" and mp is None:
                    mp, name = name, None
                indexes.append(M.Index("unique" if a.name == "unique" else "index", self.index_field_list(a),
                                       "block", a.span, name=name, map=mp,
                                       algorithm=algo.value.name if algo and isinstance(algo.value, A.ConstantValue)
                                       else None))
            for a in m.attributes:
                if a.name == "id":
                    pk = M.PrimaryKey(self.index_field_list(a), "block", a.span, name=self.str_named(a, "name"),
                                      map=self.str_named(a, "map"))
            models.append(M.Model(
                m.name, self.db_name(m), fields, m.span, primary_key=pk, indexes=indexes,
                schema=self.block_schema(m), is_view=m.keyword == "view",
                is_ignored=any(a.name == "ignore" for a in m.attributes), documentation=m.documentation,
            ))
        files = [t.file for t in self.trees]
        return M.Schema(ds, gens, models, enums, relations, files)

    def block_schema(self, b: A.Model | A.Enum) -> str | None:
        sa = next((a for a in b.attributes if a.name == "schema"), None)
        if sa is not None and sa.positional and isinstance(sa.positional[0].value, A.StringValue):
            return sa.positional[0].value.value
        return None

    def str_named(self, a: A.Attribute, key: str) -> str | None:
        arg = a.named(key)
        if arg is None:
            return None
        if isinstance(arg.value, (A.StringValue,)):
            return arg.value.value
        if isinstance(arg.value, A.ConstantValue):
            return arg.value.name
        return None

    def index_field_list(self, a: A.Attribute) -> tuple[M.IndexField, ...]:
        arg = a.positional[0] if a.positional else a.named("fields")
        out = []
        if arg is not None and isinstance(arg.value, A.ArrayValue):
            for i in arg.value.items:
                if isinstance(i, A.ConstantValue):
                    out.append(M.IndexField(i.name))
                elif isinstance(i, A.FunctionCall):
                    opts: dict[str, str | None] = {"sort": None, "ops": None}
                    for fa in i.arguments:
                        if fa.name == "sort" and isinstance(fa.value, A.ConstantValue):
                            opts["sort"] = fa.value.name
                        elif fa.name == "ops":
                            v = fa.value
                            if isinstance(v, A.FunctionCall) and v.arguments and isinstance(
                                    v.arguments[0].value, A.StringValue):
                                opts["ops"] = "raw:" + v.arguments[0].value.value
                            elif isinstance(v, A.ConstantValue):
                                opts["ops"] = v.name
                    out.append(M.IndexField(i.name, opts["sort"], None, opts["ops"]))
        return tuple(out)

    def default_value(self, info: _FieldInfo) -> M.DefaultValue | None:
        a = info.attrs.get("default")
        if a is None or not a.positional:
            return None
        v = a.positional[0].value
        if isinstance(v, A.FunctionCall):
            args = []
            for arg in v.arguments:
                if isinstance(arg.value, A.StringValue):
                    args.append(arg.value.value)
                else:
                    args.append(_expr_text(arg.value))
            return M.DefaultValue(function=v.name, args=tuple(args))
        if v is None:
            return None
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


def _parse_datetime(s: str) -> datetime | None:
    if not _RFC3339.match(s):
        return None
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
