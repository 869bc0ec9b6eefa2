"""Selection and includes: the columns of a model (``select``), its included relations and ``_count``,
as JSON in the same statement or as :class:`~nexo.client.compiler.core.RelationBatch` queries."""

from __future__ import annotations

from typing import Any

from nexo.client import codec
from nexo.client.compiler.core import (
    RN,
    Decode,
    Nested,
    Ranked,
    RelationBatch,
    Slot,
    abs_value,
    order_specs,
    table,
)
from nexo.client.compiler.windows import WindowCompiler
from nexo.client.errors import FieldNotFoundError
from nexo.client.meta import FieldMeta, ModelMeta, RelationMeta

_BATCH_KEYS = frozenset({"Int", "BigInt", "String"})


_BATCH_TEXT = frozenset({"", "text", "varchar", "uuid"})


class Compiler(WindowCompiler):
    """One compilation: filters, ordering and windows, selection and includes, over one set of
    parameter specs and table aliases."""

    # ------------------------------------------------------------ selection
    def scalar_cols(self, model: ModelMeta, select: Any) -> list[FieldMeta]:
        if not select:
            return model.scalar_fields
        out = []
        for k, v in select.items():
            field = model.field(k)
            if field is None:
                raise FieldNotFoundError(
                    f"Field '{k}' does not exist on model {model.name} (select argument)", meta={"field": k}
                )
            if field.kind != "relation" and v:
                out.append(field)
        return out

    def relations_of(self, model: ModelMeta, include: Any, select: Any) -> list[tuple[RelationMeta | None, Any]]:
        """(relation, its include arguments) per included relation; ``None`` stands for ``_count``."""
        out: list[tuple[RelationMeta | None, Any]] = []
        for src in (include, select):
            if not src:
                continue
            if not isinstance(src, dict):
                raise TypeError(f"include must be a dict, got {type(src).__name__}")
            for k, v in src.items():
                if k == "_count":
                    out.append((None, v))
                    continue
                field = model.field(k)
                if src is select and field is not None and field.kind != "relation":
                    continue
                relation = self.rel(model, k)
                if v is False or v is None:
                    continue
                if v is not True and not isinstance(v, dict):
                    raise TypeError(f"Expected a bool or a dict for include '{k}', got {type(v).__name__}")
                out.append((relation, v))
        return out

    def select_exprs(
        self, model: ModelMeta, alias: str, include: Any, select: Any = None, *, as_json: bool = False
    ) -> tuple[list[tuple[str, str]], list[Decode | None]]:
        """[(key, expression)] and decoders for the columns and included relations of ``model``."""
        pairs: list[tuple[str, str]] = []
        decs: list[Decode | None] = []
        for field in self.scalar_cols(model, select):
            expr, dec = codec.select_column(field, self.meta, self.col(alias, field), as_json)
            pairs.append((field.name, expr))
            decs.append(dec)
        for relation, v in self.relations_of(model, include, select):
            if relation is None:
                expr, dec = self.count_json(model, alias, v)
                pairs.append(("_count", expr))
            else:
                expr, dec = self.rel_json(model, alias, relation, {} if v is True else v)
                pairs.append((relation.field, expr))
            decs.append(dec)
        return pairs, decs

    def count_json(self, model: ModelMeta, alias: str, v: Any) -> tuple[str, Decode | None]:
        sel = v.get("select") if isinstance(v, dict) else None
        names = (
            [k for k, x in sel.items() if x]
            if sel
            else [relation.field for relation in model.relations if relation.is_list]
        )
        parts = []
        for k in names:
            relation = self.rel(model, k)
            target = self.model(relation.target)
            child_alias = self.new_alias()
            extra, cond = self.join(model, alias, relation, target, child_alias)
            body = sel.get(k) if sel else True
            if isinstance(body, dict) and body.get("where"):
                cond += " AND " + self.where(target, child_alias, body["where"])
            parts.append(f"'{k}', (SELECT count(*) FROM {table(target)} AS {child_alias}{extra} WHERE {cond})")
        return f"json_build_object({', '.join(parts)})", None

    def json_object(
        self, model: ModelMeta, alias: str, include: Any, select: Any = None
    ) -> tuple[str, list[str], list[Decode | None]]:
        """A JSON array holding one row of ``model`` (positional: smaller to build, send and parse than
        an object), its keys and the decoders of its elements."""
        pairs, decs = self.select_exprs(model, alias, include, select, as_json=True)
        chunks = [pairs[i : i + 100] for i in range(0, len(pairs), 100)] or [[]]
        arrays = ["json_build_array(" + ", ".join(e for _, e in ch) + ")" for ch in chunks]
        expr = arrays[0] if len(arrays) == 1 else "(" + " || ".join(x + "::jsonb" for x in arrays) + ")::json"
        return expr, [k for k, _ in pairs], decs

    def rel_json(
        self, model: ModelMeta, parent_alias: str, relation: RelationMeta, args: dict[str, Any]
    ) -> tuple[str, Nested]:
        target = self.model(relation.target)
        child_alias = self.new_alias()
        extra, cond = self.join(model, parent_alias, relation, target, child_alias)
        obj, keys, decs = self.json_object(target, child_alias, args.get("include"), args.get("select"))
        if not relation.is_list:
            where = self.where(target, child_alias, args.get("where")) if args.get("where") else "TRUE"
            condition = cond if where == "TRUE" else f"{cond} AND {where}"
            return f"(SELECT {obj} FROM {table(target)} AS {child_alias}{extra} WHERE {condition} LIMIT 1)", Nested(
                keys, decs, False
            )
        sel = f"{obj} AS j"
        n0 = len(self.specs)
        inner, neg, order = self.list_query(target, child_alias, args, cond, extra, sel, order_key="order_by")
        if order:
            if isinstance(order, Ranked):  # a second occurrence of the ordering, ahead of the query's own
                self.specs[n0:n0] = order.specs
            inner = inner.replace(
                f"SELECT {sel} FROM", f"SELECT {sel}, row_number() OVER (ORDER BY {order}) AS o FROM", 1
            )
            agg = f"json_agg(s.j ORDER BY s.o{' DESC' if neg else ''})"
        else:
            agg = "json_agg(s.j)"
        return f"(SELECT COALESCE({agg}, '[]'::json) FROM ({inner}) AS s)", Nested(keys, decs, True)

    # ------------------------------------------------------------ batched includes
    def select_level(
        self, model: ModelMeta, alias: str, include: Any, select: Any, slot: int
    ) -> tuple[list[tuple[str, str]], list[Decode | None], list[RelationBatch]]:
        """:meth:`select_exprs` for rows read as columns, with every included relation that a
        :class:`RelationBatch` can load loaded that way (the others as JSON)."""
        pairs: list[tuple[str, str]] = []
        decs: list[Decode | None] = []
        batches: list[RelationBatch] = []
        for field in self.scalar_cols(model, select):
            expr, dec = codec.select_column(field, self.meta, self.col(alias, field), False)
            pairs.append((field.name, expr))
            decs.append(dec)
        for relation, v in self.relations_of(model, include, select):
            if relation is None:
                expr, dec = self.count_json(model, alias, v)
                pairs.append(("_count", expr))
                decs.append(dec)
                continue
            args = {} if v is True else v
            got = self.rel_batch(model, alias, relation, args, slot)
            if got is None:
                expr, nested = self.rel_json(model, alias, relation, args)
            else:
                expr, nested, batch = got
                batch.pos = len(pairs)
                batches.append(batch)
            pairs.append((relation.field, expr))
            decs.append(nested)
        return pairs, decs, batches

    def rel_batch(
        self, model: ModelMeta, parent_alias: str, relation: RelationMeta, args: dict[str, Any], slot: int
    ) -> tuple[str, Nested, RelationBatch] | None:
        """(parent's link key expression, decoder, batch) for relation ``relation``, or None when a batch
        cannot load it (see the module docstring)."""
        if relation.is_m2m or args.get("cursor") is not None or args.get("distinct"):
            return None
        parent_keys, child_keys = (
            (relation.fields, relation.references)
            if relation.owns_fk
            else (relation.back_references, relation.back_fields)
        )
        if len(parent_keys) != 1 or len(child_keys) != 1:
            return None
        target = self.model(relation.target)
        parent_field, child_field = self.sfield(model, parent_keys[0]), self.sfield(target, child_keys[0])
        if (
            parent_field.kind != "scalar"
            or parent_field.is_list
            or parent_field.type not in _BATCH_KEYS
            or child_field.type != parent_field.type
            or child_field.is_list
        ):
            return None
        kind = (parent_field.db_type or "").lower()
        if kind != (child_field.db_type or "").lower() or (parent_field.type == "String" and kind not in _BATCH_TEXT):
            # keys read back as the same Python values on both sides, and equal in Python exactly
            # when equal in SQL (not so for citext, inet and other non-text String columns)
            return None
        outer, self.specs = self.specs, []
        child_alias = self.new_alias()
        pairs, decs, batches = self.select_level(target, child_alias, args.get("include"), args.get("select"), slot)
        key_expr = codec.select_column(child_field, self.meta, self.col(child_alias, child_field), False)[0]
        sel_specs, self.specs = self.specs, []
        arr = self.param(Slot(slot), None, codec.pg_type(child_field, self.meta) + "[]")
        cond = f"{self.col(child_alias, child_field)} = ANY({arr})"
        if args.get("where"):
            where = self.where(target, child_alias, args["where"])
            if where != "TRUE":
                cond += f" AND {where}"
        cond_specs, self.specs = self.specs, []
        exprs = [e for _, e in pairs] + [key_expr]
        # ordering and windows apply to to-many relations (the JSON form ignores them on to-one)
        items = self.order_items(target, child_alias, args.get("order_by")) if relation.is_list else []
        take, skip = (args.get("take"), args.get("skip")) if relation.is_list else (None, None)
        frm = f"{table(target)} AS {child_alias} WHERE {cond}"
        if take is None and skip is None:
            sql = f"SELECT {', '.join(exprs)} FROM {frm}"
            if items:
                sql += f" ORDER BY {self.order_sql(items)}"
            specs = sel_specs + cond_specs + order_specs(items)
        else:
            if not items:
                items = [
                    (self.col(child_alias, self.sfield(target, k)), "ASC", None, self.sfield(target, k))
                    for k in target.id_fields
                ]
            neg = (isinstance(take, Slot) and take.neg) or (
                isinstance(take, int) and not isinstance(take, bool) and take < 0
            )
            cols = ", ".join(f"{e} AS c{i}" for i, e in enumerate(exprs))
            over = f"PARTITION BY {self.col(child_alias, child_field)} ORDER BY {self.order_sql(items, reverse=neg)}"
            inner = f"SELECT {cols}, row_number() OVER ({over}) AS {RN} FROM {frm}"
            bounds = []
            if skip is not None:
                bounds.append(f"s.{RN} > {self.param(skip, None, 'bigint')}")
            if take is not None:
                lo = f"{self.param(skip, None, 'bigint')} + " if skip is not None else ""  # parameters in text order
                bounds.append(f"s.{RN} <= {lo}{self.param(take, abs_value, 'bigint')}")
            outs = ", ".join(f"s.c{i}" for i in range(len(exprs)))
            sql = f"SELECT {outs} FROM ({inner}) AS s WHERE {' AND '.join(bounds)} ORDER BY s.{RN}{' DESC' if neg else ''}"
            specs = sel_specs + order_specs(items) + cond_specs + self.specs
        self.specs = outer
        batch = RelationBatch(
            pos=-1, many=relation.is_list, sql=sql, specs=specs, key=len(pairs), slot=slot, batches=batches
        )
        parent_key = codec.select_column(parent_field, self.meta, self.col(parent_alias, parent_field), False)[0]
        return parent_key, Nested([k for k, _ in pairs], decs, relation.is_list, tail=1), batch
