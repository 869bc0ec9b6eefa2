"""Constraint names: primary key, index, unique and foreign key names must be unique in PostgreSQL's
namespaces, and an explicit ``map:`` must fit in 63 bytes (Prisma's ``validations/constraint_namespace``).

The default names come from :mod:`nexo.psl.names`.
"""

from __future__ import annotations

from .. import ast as A
from .. import model as M
from .context import MAX_NAME, FieldInfo, IndexData, ModelData
from .manytomany import ManyToMany


class ConstraintNames(ManyToMany):
    """Stage 2, last: constraint names."""

    def constraint_names(self, relations: list[M.Relation]) -> None:
        """Constraint names must be unique where PostgreSQL needs them to be, and explicit ``map:`` names must fit.

        Prisma's PostgreSQL namespaces: primary keys and indexes share one namespace per database schema;
        a model's primary key, indexes and foreign keys share one namespace per model (indexes are
        only checked in the first, foreign keys only in the second). Client names (``name:`` of
        ``@@id``/``@@unique``) must be unique per model.
        """
        from ..names import fk_name, index_name, pk_name

        glob: dict[tuple[str | None, str], int] = {}
        local: dict[tuple[int, str], int] = {}
        custom: dict[tuple[int, str], int] = {}
        pks: list[tuple[A.Model, ModelData, str]] = []
        idxs: list[tuple[A.Model, IndexData, str]] = []
        fks: list[tuple[A.Model, FieldInfo, str]] = []
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

    def check_len(self, m: A.Model, name: str, label: str, a: A.Attribute) -> None:
        if len(name.encode()) > MAX_NAME:
            self.err(
                f"Error validating model \"{m.name}\": The constraint name '{name}' specified in the `map` "
                f"argument for the `{label}` constraint is too long for your chosen provider. The maximum allowed "
                "length is 63 bytes.",
                self.aspan(a),
            )
