"""What the generator needs to know about a schema, in one place: models, fields, enums, keys and
relations as the client sees them, with database names taken from the relational model
(:func:`nexo.schema.relational_model`), so tables, columns, join tables and constraint names are
the ones the migrations create.

:meth:`SchemaView.meta` is the metadata the runtime compiles against (the format of
``nexo.client.meta.SchemaMeta.to_dict``), embedded in the generated package.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Any

from nexo.psl import model as psl_model
from nexo.schema import Database, relational_model

from .errors import GenerateError

# Native types (@db.X) the runtime treats specially, by their runtime name.
NATIVE_DB_TYPES = {
    "Uuid": "uuid",
    "Timestamptz": "timestamptz",
    "Timestamp": "timestamp",
    "Date": "date",
    "Time": "time",
    "Timetz": "timetz",
    "Decimal": "numeric",
    "Json": "json",
    "JsonB": "jsonb",
    "Citext": "citext",
    "Inet": "inet",
    "Real": "real",
    "SmallInt": "smallint",
    "Integer": "integer",
    "BigInt": "bigint",
    "Xml": "xml",
}
#: attribute names of the generated client that a model's instance name must not take
CLIENT_ATTRIBUTES = frozenset(
    {
        "batch_",
        "connect",
        "connect_timeout",
        "datasource_url",
        "disconnect",
        "execute_raw",
        "get_metrics",
        "is_connected",
        "is_registered",
        "is_transaction",
        "log_queries",
        "max_size",
        "meta",
        "min_size",
        "model",
        "model_factory",
        "query_first",
        "query_raw",
        "tenant",
        "tenant_setting",
        "tx",
        "typed_model",
    }
)
#: names a field cannot take (they are pydantic's, or mean something else in a where dict)
RESERVED_FIELDS = frozenset({"AND", "OR", "NOT", "prisma", "model_config", "model_fields", "model_computed_fields"})
_INSTANCE_NAME = re.compile(r"@Python\(\s*instance_name\s*:\s*\"([^\"]+)\"\s*\)")


def _pydantic_attributes() -> frozenset[str]:
    from pydantic import BaseModel

    return frozenset(n for n in dir(BaseModel) if not n.startswith("__"))


@dataclass
class VField:
    """A field of a model as the client sees it."""

    name: str
    kind: str  # scalar | enum | relation
    type: str  # scalar type, enum name, or related model
    is_list: bool
    is_required: bool
    db_name: str = ""
    db_type: str | None = None
    default: Any = None
    default_args: tuple[Any, ...] = ()
    is_id: bool = False
    is_unique: bool = False
    is_updated_at: bool = False
    is_fk: bool = False
    doc: str | None = None
    relation: dict[str, Any] | None = None

    @property
    def is_relation(self) -> bool:
        return self.kind == "relation"

    @property
    def is_optional(self) -> bool:
        return not self.is_required and not self.is_list

    @property
    def has_default(self) -> bool:
        return self.default is not None or self.is_updated_at

    def meta(self) -> dict[str, Any]:
        default = list(self.default) if isinstance(self.default, tuple) else self.default
        return {
            "name": self.name,
            "db_name": self.db_name if not self.is_relation else self.name,
            "kind": self.kind,
            "type": self.type,
            "db_type": self.db_type,
            "is_list": self.is_list,
            "is_required": self.is_required,
            "is_id": self.is_id,
            "is_unique": self.is_unique,
            "default": default,
            "is_updated_at": self.is_updated_at,
            "default_args": list(self.default_args),
        }


@dataclass
class VModel:
    name: str
    db_name: str
    schema: str | None
    instance_name: str
    fields: list[VField]
    id_fields: list[str]
    unique_sets: dict[str, list[str]]
    constraints: dict[str, list[str]]
    doc: str | None = None
    is_view: bool = False

    @property
    def scalars(self) -> list[VField]:
        return [f for f in self.fields if not f.is_relation]

    @property
    def relations(self) -> list[VField]:
        return [f for f in self.fields if f.is_relation]

    def field(self, name: str) -> VField | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def meta(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "db_name": self.db_name,
            "schema": self.schema,
            "fields": [f.meta() for f in self.fields],
            "id_fields": list(self.id_fields),
            "unique_sets": {k: list(v) for k, v in self.unique_sets.items()},
            "relations": [f.relation for f in self.relations if f.relation is not None],
            "constraints": {k: list(v) for k, v in self.constraints.items()},
        }


@dataclass
class VEnum:
    name: str
    db_name: str
    schema: str | None
    values: list[tuple[str, str]]
    doc: str | None = None
    value_docs: dict[str, str] = field(default_factory=dict)

    def meta(self) -> dict[str, Any]:
        return {"name": self.name, "db_name": self.db_name, "values": dict(self.values), "schema": self.schema}


@dataclass
class SchemaView:
    models: list[VModel]
    enums: list[VEnum]
    datasource_env: str | None
    datasource_url: str | None
    tenant_setting: str
    #: PostgreSQL full-text search enabled by the generator's previewFeatures (set per client)
    full_text_search: bool = False

    def model(self, name: str) -> VModel:
        for m in self.models:
            if m.name == name:
                return m
        raise KeyError(name)

    def meta(self) -> dict[str, Any]:
        return {
            "models": {m.name: m.meta() for m in self.models},
            "enums": {e.name: e.meta() for e in self.enums},
            "tenant_setting": self.tenant_setting,
            "datasource_env": self.datasource_env,
            "datasource_url": self.datasource_url,
            "base64_bytes": True,
            "full_text_search": self.full_text_search,
        }

    @property
    def uses_decimal(self) -> bool:
        return any(f.type == "Decimal" for m in self.models for f in m.scalars)


def _err(message: str, span: Any) -> GenerateError:
    return GenerateError(message, file=span.file, line=span.line)


def _default(f: psl_model.ScalarField) -> tuple[Any, tuple[Any, ...]]:
    d = f.default
    if d is None:
        return None, ()
    fn = d.function
    if fn is None:
        lit = d.literal
        if lit is None:
            return None, ()
        if lit.kind == "list":
            return ("value", [i.value for i in lit.items]), ()
        return ("value", lit.value), ()
    if fn == "uuid":
        return ("uuid7" if d.args and d.args[0] == "7" else "uuid"), ()
    if fn == "cuid":
        return ("cuid2" if d.args and d.args[0] == "2" else "cuid"), ()
    if fn == "nanoid":
        return "nanoid", ((int(d.args[0]),) if d.args else ())
    if fn in ("autoincrement", "now", "dbgenerated", "ulid"):
        return fn, ()
    return "dbgenerated", ()


def build_view(schema: psl_model.Schema, tenant_setting: str) -> SchemaView:
    """The client's view of a validated schema (raises :class:`GenerateError` on names Python cannot use)."""
    db: Database = relational_model(schema)
    pyd = _pydantic_attributes()
    enums = []
    for e in schema.enums:
        enums.append(
            VEnum(
                e.name,
                e.db_name,
                e.schema if schema.datasource.schemas else None,
                [(v.name, v.db_name) for v in e.values],
                e.documentation,
                {v.name: v.documentation for v in e.values if v.documentation},
            )
        )
        for v in e.values:
            if keyword.iskeyword(v.name) or not v.name.isidentifier():
                raise _err(f"Enum value {e.name}.{v.name} cannot be used as a Python name", v.span)
    models: list[VModel] = []
    seen_instances: dict[str, str] = {}
    kept = [m for m in schema.models if not m.is_ignored]
    kept_names = {m.name for m in kept}
    for m in kept:
        if keyword.iskeyword(m.name) or keyword.iskeyword(m.name.lower()):
            raise _err(
                f"Model name {m.name!r} (or its lower-case form) is a Python keyword; rename it or @@map it", m.span
            )
        instance = m.name.lower()
        if m.documentation:
            found = _INSTANCE_NAME.search(m.documentation)
            if found:
                instance = found.group(1)
        if not instance.isidentifier() or keyword.iskeyword(instance):
            raise _err(f"The client attribute {instance!r} of model {m.name} is not a Python name", m.span)
        if instance in CLIENT_ATTRIBUTES or instance.startswith("_"):
            raise _err(
                f"The client attribute {instance!r} of model {m.name} clashes with the client's own attribute; "
                f'set another with /// @Python(instance_name: "...")',
                m.span,
            )
        if instance in seen_instances:
            raise _err(f"Models {seen_instances[instance]} and {m.name} would both be db.{instance}", m.span)
        seen_instances[instance] = m.name
        table = db.table_for_model(m.name)
        fk_fields: set[str] = set()
        for rf in m.relation_fields:
            r = rf.relation
            if r is not None and r.kind != "m:n" and r.referencing_model == m.name and r.referencing_field == rf.name:
                fk_fields.update(r.fields)
        # a partial unique (Prisma 7's ``where:``) does not make its field unique in Prisma 7's DMMF (``isUnique``
        # false, not in ``uniqueFields``), but stays a selector of ``WhereUniqueInput`` (``unique_sets`` below)
        single_unique = {
            ix.fields[0].name for ix in m.indexes if ix.kind == "unique" and len(ix.fields) == 1 and ix.where is None
        }
        fields: list[VField] = []
        for f in m.fields:
            if f.is_ignored:
                continue
            if keyword.iskeyword(f.name) or f.name in RESERVED_FIELDS or f.name in pyd:
                raise _err(
                    f"Field {m.name}.{f.name} cannot be used: the name is a Python keyword or taken by the model class "
                    "(pydantic); rename the field and keep the column with @map",
                    f.span,
                )
            if isinstance(f, psl_model.ScalarField):
                if f.kind == "unsupported":
                    continue
                native = f.native_type.name if f.native_type else None
                default, args = _default(f)
                fields.append(
                    VField(
                        name=f.name,
                        kind=f.kind,
                        type=f.type,
                        is_list=f.is_list,
                        is_required=f.is_required,
                        db_name=f.db_name,
                        db_type=NATIVE_DB_TYPES.get(native or "") if f.kind == "scalar" else None,
                        default=default,
                        default_args=args,
                        is_id=m.primary_key is not None and any(x.name == f.name for x in m.primary_key.fields),
                        is_unique=f.name in single_unique,
                        is_updated_at=f.is_updated_at,
                        is_fk=f.name in fk_fields,
                        doc=f.documentation,
                    )
                )
                continue
            r = f.relation
            if r is None or f.related_model not in kept_names:
                continue
            rel: dict[str, Any] = {
                "field": f.name,
                "target": f.related_model,
                "is_list": f.is_list,
                "is_required": f.is_required,
                "name": r.name,
                "fields": [],
                "references": [],
                "back_fields": [],
                "back_references": [],
                "join_table": None,
                "join_schema": None,
                "join_self": None,
                "join_other": None,
            }
            if r.kind == "m:n":
                jt = next((t for t in db.tables if t.join is not None and t.join.relation == r.name), None)
                if jt is None:
                    raise _err(f"No join table was derived for the many-to-many relation {r.name}", f.span)
                assert jt.join is not None
                is_a = jt.join.model_a == m.name and jt.join.field_a == f.name
                rel.update(
                    join_table=jt.name,
                    join_schema=jt.schema,
                    join_self="A" if is_a else "B",
                    join_other="B" if is_a else "A",
                )
            elif r.referencing_model == m.name and r.referencing_field == f.name:
                rel.update(fields=list(r.fields), references=list(r.references))
            else:
                rel.update(back_fields=list(r.fields), back_references=list(r.references))
            fields.append(
                VField(f.name, "relation", f.related_model, f.is_list, f.is_required, doc=f.documentation, relation=rel)
            )
        names = {f.name: f for f in fields}
        id_fields: list[str] = [x.name for x in m.primary_key.fields] if m.primary_key is not None else []
        unique_sets: dict[str, list[str]] = {}
        if id_fields:
            key = (
                id_fields[0]
                if len(id_fields) == 1
                else (m.primary_key.name if m.primary_key and m.primary_key.name else "_".join(id_fields))
            )
            unique_sets[key] = id_fields
        for ix in m.indexes:
            if ix.kind != "unique":
                continue
            ns = [x.name for x in ix.fields]
            key = ns[0] if len(ns) == 1 else (ix.name or "_".join(ns))
            unique_sets.setdefault(key, ns)
        for key in unique_sets:
            if key in names and len(unique_sets[key]) > 1:
                raise _err(
                    f"The compound key name {key!r} of {m.name} is also a field name; give the key another name:",
                    m.span,
                )
        constraints: dict[str, list[str]] = {}
        if table is not None:
            by_col = {c.name: c.field or c.name for c in table.columns}
            if table.primary_key is not None:
                constraints[table.primary_key.name] = [by_col.get(c, c) for c in table.primary_key.columns]
            for tix in table.indexes:
                if tix.unique:
                    constraints[tix.name] = [by_col.get(c, c) for c in tix.column_names]
            for fk in table.foreign_keys:
                constraints[fk.name] = [by_col.get(c, c) for c in fk.columns]
        models.append(
            VModel(
                name=m.name,
                db_name=m.db_name,
                schema=(table.schema if table is not None else (m.schema if schema.datasource.schemas else None)),
                instance_name=instance,
                fields=fields,
                id_fields=id_fields,
                unique_sets=unique_sets,
                constraints=constraints,
                doc=_clean_doc(m.documentation),
                is_view=m.is_view,
            )
        )
    url = schema.datasource.url
    env = url.name if isinstance(url, psl_model.Env) else None
    literal = url if isinstance(url, str) else None
    return SchemaView(models, enums, env, literal, tenant_setting)


def _clean_doc(doc: str | None) -> str | None:
    if not doc:
        return None
    cleaned = _INSTANCE_NAME.sub("", doc).strip()
    return cleaned or None
