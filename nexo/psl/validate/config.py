"""Datasource and generator blocks: Prisma's configuration checks (``psl-core``'s ``configuration``).

Run first: the datasource's name is the prefix of native types (``@db.X``), its relation mode and
the generators' preview features decide later checks.
"""

from __future__ import annotations

from .. import ast as A
from .. import model as M
from ..attrargs import display, mismatch
from .context import Context

KNOWN_PROVIDERS = ("postgresql", "postgres", "mysql", "sqlite", "sqlserver", "mongodb", "cockroachdb")

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

# Preview features Prisma 7 lists (7.10.1: ``metrics`` is gone, ``typedSql`` and ``partialIndexes`` are listed).
ACTIVE_PREVIEW_FEATURES_7 = (
    "fullTextSearchPostgres",
    "nativeDistinct",
    "partialIndexes",
    "postgresqlExtensions",
    "relationJoins",
    "schemaEngineDriverAdapters",
    "shardKeys",
    "strictUndefinedChecks",
    "typedSql",
    "views",
)

# Former preview features Prisma 6.19's CLI warns about ("Preview feature "x" is deprecated. ..."), from
# running it on every name; ``fullTextSearch`` and ``metrics`` have their own wording.
DEPRECATED_PREVIEW_FEATURES = frozenset(
    [
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
        "referentialActions",
        "referentialIntegrity",
        "selectRelationCount",
        "tracing",
        "transactionApi",
        "uncheckedScalarInputs",
    ]
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
#: what Prisma 7 accepts: 6.19's names without ``metrics`` (removed), with ``partialIndexes``
RETIRED_PREVIEW_FEATURES_7 = (RETIRED_PREVIEW_FEATURES - {"metrics"}) | {"partialIndexes"}

#: Prisma 7's wording for a connection URL left in the schema (``url`` has its own, longer text)
_MOVED_URL = (
    "The datasource property `url` is no longer supported in schema files. Move connection URLs for Migrate to "
    "`prisma.config.ts` and pass either `adapter` for a direct database connection or `accelerateUrl` for "
    "Accelerate to the `PrismaClient` constructor. See https://pris.ly/d/config-datasource and "
    "https://pris.ly/d/prisma7-client-config"
)
_MOVED = (
    "The datasource property `{key}` is no longer supported in schema files. Move connection URLs to "
    "`prisma.config.ts`. See https://pris.ly/d/config-datasource"
)


class Config(Context):
    """Stage 1, first: the ``datasource`` and ``generator`` blocks."""

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
        return display(e)

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
        gen.provider = self.env_string(_value(prov))
        if gen.provider is None:
            return None
        out = props.get("output")
        if out is not None:
            gen.output = self.env_string(_value(out))
        bt = props.get("binaryTargets")
        if bt is not None:
            targets: list[str | M.Env] | None = self.coerce.array(_value(bt), self.env_string)
            gen.binary_targets = list(targets or [])
        pf = props.get("previewFeatures")
        if pf is not None:
            names = self.coerce.array(_value(pf), self.coerce.string)
            if names is not None:
                gen.preview_features = self.preview_features(names, _value(pf))
        return gen

    def preview_features(self, names: list[str], v: A.Expression) -> list[str]:
        known, active = (
            (RETIRED_PREVIEW_FEATURES_7, ACTIVE_PREVIEW_FEATURES_7)
            if self.dialect == "7"
            else (RETIRED_PREVIEW_FEATURES, ACTIVE_PREVIEW_FEATURES)
        )
        if "fullTextSearchPostgres" in names:
            self.fts_postgres_span = v.span  # known only with a PostgreSQL datasource (see provider_features)
        for n in names:
            if n not in known:
                self.err(f'The preview feature "{n}" is not known. Expected one of: {", ".join(active)}', v.span)
            elif n == "fullTextSearch":
                self.warn(
                    'On `provider = "postgresql"`, preview feature "fullTextSearch" has been renamed to '
                    '"fullTextSearchPostgres". Learn more at https://pris.ly/d/fts-postgres.',
                    v.span,
                )
            elif n == "metrics":
                self.warn(
                    'Preview feature "metrics" is deprecated. It will be removed in a future version of Prisma.', v.span
                )
            elif n in DEPRECATED_PREVIEW_FEATURES:
                self.warn(
                    f'Preview feature "{n}" is deprecated. The functionality can be used without specifying it as a '
                    "preview feature.",
                    v.span,
                )
        return [n for n in names if n in known]

    def provider_features(self, datasource: M.Datasource | None) -> None:
        """``fullTextSearchPostgres`` is a PostgreSQL feature: without a readable datasource Prisma does not
        know it (``url`` missing, for instance, makes it "not known" too)."""
        span = getattr(self, "fts_postgres_span", None)
        if datasource is None and span is not None:
            known = ", ".join(
                n
                for n in (ACTIVE_PREVIEW_FEATURES_7 if self.dialect == "7" else ACTIVE_PREVIEW_FEATURES)
                if n != "fullTextSearchPostgres"
            )
            self.err(f'The preview feature "fullTextSearchPostgres" is not known. Expected one of: {known}', span)

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
        self.has_datasource = True
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
        if self.dialect == "7":
            # Prisma 7: connection URLs live in prisma.config.ts; each one left here is an error on the whole
            # property (whatever its value), reported in this order, and the rest of the block is still checked
            for key in ("url", "shadowDatabaseUrl", "directUrl"):
                moved = props.pop(key, None)
                if moved is not None:
                    self.err(_MOVED_URL if key == "url" else _MOVED.format(key=key), moved.span)
            self.datasource_rest(d, ds, props)
            return ds
        url = props.pop("url", None)
        if url is None:
            self.err(f'Argument "url" is missing in data source block "{d.name}".', d.span)
            return None
        ds.url = self.env_string(_value(url))
        if ds.url is None:
            return None
        shadow = props.pop("shadowDatabaseUrl", None)
        if shadow is not None:
            value = self.env_string(_value(shadow))
            ds.shadow_database_url = None if value == "" else value
        direct = props.pop("directUrl", None)
        if direct is not None:
            ds.direct_url = self.env_string(_value(direct))
            if ds.direct_url == "":
                # reported by the Prisma CLI's configuration check (``prisma validate``), not by its validator
                self.err(
                    f"Error validating datasource `{d.name}`: You must provide a nonempty direct URL",
                    _value(direct).span,
                )
        if ds.shadow_database_url is not None:
            if direct is not None and ds.direct_url is not None and ds.shadow_database_url == ds.direct_url:
                self.err(
                    f'shadowDatabaseUrl is the same as directUrl for datasource "{d.name}". Please specify a '
                    "different database as shadow database to avoid data loss.",
                    _value(direct).span,
                )
            if ds.shadow_database_url == ds.url:
                self.err(
                    f'shadowDatabaseUrl is the same as url for datasource "{d.name}". Please specify a different '
                    "database as shadow database to avoid data loss.",
                    _value(url).span,
                )
        self.datasource_rest(d, ds, props)
        return ds

    def datasource_rest(self, d: A.ConfigBlock, ds: M.Datasource, props: dict[str, A.ConfigProperty]) -> None:
        """The properties after the connection URLs: ``previewFeatures`` (misplaced), ``schemas``, unknown keys."""
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
                    ordered = sorted(items, key=lambda pair: pair[0])
                    for first, second in zip(ordered, ordered[1:]):
                        if first[0] == second[0]:
                            self.err("Duplicated schema names are not allowed", first[1])
                    names: list[str] = []
                    for name, _span in items:
                        if name not in names:
                            names.append(name)
                    ds.schemas = names
        for key, p in props.items():
            self.err(f'Property not known: "{key}".', p.span)

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
        self.err(f"Invalid extension definition `{display(item)}`.", item.span)
        return None


def _value(p: A.ConfigProperty) -> A.Expression:
    """A property's value (every property has one here: a block with a key and no value is dropped,
    see :meth:`Config.config_properties`)."""
    assert p.value is not None
    return p.value
