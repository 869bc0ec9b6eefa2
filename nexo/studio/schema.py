"""What the studio knows about the project's schema: the client's metadata (models, fields, keys,
relations) and, from the relational model, what a delete cascades to and which model is the tenant."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nexo.client.meta import FieldMeta, ModelMeta, RelationMeta, SchemaMeta
from nexo.config import Config


@dataclass(frozen=True)
class Inbound:
    """A relation pointing at a model: rows of ``model`` whose ``fields`` reference it, and what a delete does."""

    model: str
    relation: str  # the relation field on ``model`` (pointing back at the deleted model)
    fields: tuple[str, ...]
    on_delete: str  # SQL words: CASCADE, SET NULL, RESTRICT, NO ACTION, SET DEFAULT


@dataclass
class StudioSchema:
    meta: SchemaMeta
    views: frozenset[str] = frozenset()
    #: model name -> the relations of other models that reference it
    inbound: dict[str, list[Inbound]] = field(default_factory=dict)
    #: the model the tenant column references (``Account``), and its field holding the tenant id
    tenant_model: str | None = None
    tenant_key: str | None = None
    #: model name -> its field named like the tenant column (``accountId``)
    tenant_fields: dict[str, str] = field(default_factory=dict)

    @property
    def model_names(self) -> list[str]:
        return list(self.meta.models)

    def model(self, name: str) -> ModelMeta:
        return self.meta.model(name)

    def key_fields(self, model: ModelMeta) -> tuple[str, ...]:
        """The fields that identify a row: the id, else the first unique set, else every scalar."""
        if model.id_fields:
            return model.id_fields
        for fields in model.unique_sets.values():
            return fields
        return tuple(f.name for f in model.scalar_fields if not f.is_list and f.type not in ("Json", "Bytes"))

    def label_field(self, model: ModelMeta) -> str | None:
        for name in ("name", "slug", "title", "email"):
            f = model.field(name)
            if f is not None and f.kind != "relation":
                return name
        return None


def scalar(model: ModelMeta, name: str) -> FieldMeta | None:
    f = model.field(name)
    return f if f is not None and f.kind != "relation" else None


def relations(model: ModelMeta) -> list[RelationMeta]:
    return list(model.relations)


def load(config: Config) -> StudioSchema:
    """Validate ``schema.prisma`` and build the studio's view of it (raises the validator's errors)."""
    from nexo.psl import validate_path
    from nexo.schema import relational_model
    from nexo.schema.client_view import build_view

    validated = validate_path(Path(config.schema)).raise_for_errors()
    view = build_view(validated, config.tenant_setting)
    meta = SchemaMeta.from_dict(view.meta())
    db = relational_model(validated)
    by_table = {(t.schema, t.name): t.model for t in db.tables if t.model}
    inbound: dict[str, list[Inbound]] = {}
    for t in db.tables:
        if not t.model:
            continue
        child = meta.models.get(t.model)
        if child is None:
            continue
        for fk in t.foreign_keys:
            parent = by_table.get((fk.referenced_schema, fk.referenced_table))
            if parent is None:
                continue
            cols = tuple(f.name for c in fk.columns for f in child.scalar_fields if f.db_name == c)
            rel = next((r for r in child.relations if r.owns_fk and tuple(r.fields) == cols), None)
            if rel is None:
                continue
            inbound.setdefault(parent, []).append(Inbound(t.model, rel.field, cols, fk.on_delete.upper()))
    tenant_fields: dict[str, str] = {}
    tenant_model = tenant_key = None
    for m in meta.models.values():
        f = next((f for f in m.scalar_fields if f.db_name == config.tenant_column), None)
        if f is None:
            continue
        tenant_fields[m.name] = f.name
        rel = next((r for r in m.relations if r.owns_fk and r.fields == (f.name,)), None)
        if rel is not None and tenant_model is None:
            tenant_model, tenant_key = rel.target, rel.references[0]
    return StudioSchema(
        meta=meta,
        views=frozenset(m.name for m in view.models if m.is_view),
        inbound=inbound,
        tenant_model=tenant_model,
        tenant_key=tenant_key,
        tenant_fields=tenant_fields,
    )
