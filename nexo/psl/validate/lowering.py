"""Lowering a valid schema to :class:`~nexo.psl.model.Schema` (what the relational model and the
generator read). Equal immutable values (native types, defaults, index fields) are made once and shared.
"""

from __future__ import annotations

from .. import ast as A
from .. import model as M
from ..attrargs import display
from .constraints import ConstraintNames
from .context import NO_RELATION_ARGS, FieldInfo, first_argument


class Lowering(ConstraintNames):
    """The schema model of a schema without diagnostics."""

    def build(self, ds: M.Datasource | None, gens: list[M.Generator], relations: list[M.Relation]) -> M.Schema:
        has_datasource = ds is not None
        if ds is None:
            ds = M.Datasource("db", "postgresql", A.Span("", 0, 0, 1, 1, 1, 1))
        enums = []
        for e in self.enums:
            values = []
            for v in e.values:
                mp = next((a for a in v.attributes if a.name == "map"), None)
                first = first_argument(mp, "name") if mp is not None else None
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
                    ra = info.rel or NO_RELATION_ARGS
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
                        index.where,
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
    def native_type_value(self, info: FieldInfo) -> M.NativeType | None:
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

    def default_value(self, info: FieldInfo) -> M.DefaultValue | None:
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

    def make_default_value(self, info: FieldInfo, v: A.Expression) -> M.DefaultValue:
        if isinstance(v, A.FunctionCall):
            args = []
            for arg in v.arguments:
                if isinstance(arg.value, A.StringValue):
                    args.append(arg.value.value)
                else:
                    args.append(display(arg.value))
            return M.DefaultValue(function=v.name, args=tuple(args))
        return M.DefaultValue(literal=self.literal(info, v))

    def literal(self, info: FieldInfo, v: A.Expression) -> M.Literal:
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
        return M.Literal("string", display(v))
