"""Ordering and windows: ``order`` (scalar fields, relations, ``_relevance``) and the list query around
it (``where``, ``cursor``, ``take``, ``skip``, ``distinct``)."""

from __future__ import annotations

from typing import Any

from nexo.client.compiler.core import (
    RN,
    Ranked,
    Slot,
    Spec,
    abs_value,
    as_list,
    field_names,
    order_specs,
    ranked,
    sort_direction,
    table,
    text_search,
)
from nexo.client.compiler.filters import FilterCompiler
from nexo.client.errors import DataError, FieldNotFoundError
from nexo.client.meta import FieldMeta, ModelMeta


class WindowCompiler(FilterCompiler):
    """Compiles ordering and windowed lists of rows."""

    def _relevance(self, model: ModelMeta, alias: str, spec: Any) -> tuple[str, str, str | None, FieldMeta | None]:
        """``{'_relevance': {'fields': [...], 'search': q, 'sort': 'asc'|'desc'}}``: Prisma's
        ``ts_rank(to_tsvector(concat_ws(' ', fields)), to_tsquery(q))``."""
        self._full_text("_relevance", model.name)
        if (
            not isinstance(spec, dict)
            or set(spec) - {"fields", "search", "sort"}
            or not {"fields", "search", "sort"} <= set(spec)
        ):
            raise DataError("'_relevance' takes exactly the keys 'fields', 'search' and 'sort'")
        names = field_names(spec["fields"])
        if not names:
            raise DataError("'_relevance.fields' must be a String field name or a non-empty list of them")
        cols = []
        for name in names:
            field = model.field(name)
            if field is None or field.kind != "scalar" or field.type != "String" or field.is_list:
                raise FieldNotFoundError(
                    f"'{name}' is not a String field of model {model.name} ('_relevance' fields)", meta={"field": name}
                )
            cols.append(self.col(alias, field))
        query = spec["search"]
        if query is None:
            raise DataError("'_relevance.search' must be a string")
        expr = ranked(
            f"ts_rank({text_search(cols)}, to_tsquery(%s))",
            [(query.i, None) if isinstance(query, Slot) else (-1, query)],
        )
        return expr, sort_direction(spec["sort"]), None, None

    # ------------------------------------------------------------ order
    def order_items(
        self, model: ModelMeta, alias: str, order: Any
    ) -> list[tuple[str, str, str | None, FieldMeta | None]]:
        """(expression, ASC|DESC, nulls, scalar field or None) per ordering key. An expression
        with parameters (``_relevance``) is a :class:`Ranked`: whoever places its text binds its
        specs there."""
        out: list[tuple[str, str, str | None, FieldMeta | None]] = []
        if not order:
            return out
        for item in as_list(order):
            if not isinstance(item, dict) or len(item) != 1:
                raise DataError(
                    "Expected exactly one field to be present in an order dict, "
                    f"got {list(item) if isinstance(item, dict) else item!r}; pass a list to sort on several fields"
                )
            ((k, spec),) = item.items()
            if k == "_relevance":
                out.append(self._relevance(model, alias, spec))
                continue
            field = model.field(k)
            if field is None:
                raise FieldNotFoundError(
                    f"Field '{k}' does not exist on model {model.name} (argument orderBy.{k})", meta={"field": k}
                )
            if field.kind == "relation":
                relation = self.rel(model, k)
                target = self.model(relation.target)
                child_alias = self.new_alias()
                extra, cond = self.join(model, alias, relation, target, child_alias)
                if relation.is_list:
                    if not isinstance(spec, dict) or set(spec) != {"_count"}:
                        raise DataError(f"A to-many relation '{k}' can only be ordered by {{'_count': 'asc'|'desc'}}")
                    out.append(
                        (
                            f"(SELECT count(*) FROM {table(target)} AS {child_alias}{extra} WHERE {cond})",
                            sort_direction(spec["_count"]),
                            None,
                            None,
                        )
                    )
                else:
                    for expr, dd, nulls, _ in self.order_items(target, child_alias, spec):
                        sub = f"(SELECT {expr} FROM {table(target)} AS {child_alias}{extra} WHERE {cond} LIMIT 1)"
                        if isinstance(expr, Ranked):
                            sub = ranked(sub, expr.specs)
                        out.append((sub, dd, nulls, None))
                continue
            if isinstance(spec, dict):
                out.append((self.col(alias, field), sort_direction(spec.get("sort")), spec.get("nulls"), field))
            else:
                out.append((self.col(alias, field), sort_direction(spec), None, field))
        return out

    @staticmethod
    def order_sql(items: list[tuple[str, str, str | None, FieldMeta | None]], reverse: bool = False) -> str:
        parts = []
        for expr, direction, nulls, _ in items:
            if reverse:
                direction = "DESC" if direction == "ASC" else "ASC"
                nulls = {"first": "last", "last": "first"}.get(nulls or "")
            parts.append(f"{expr} {direction}" + (f" NULLS {nulls.upper()}" if nulls else ""))
        return ", ".join(parts)

    # ------------------------------------------------------------ list queries
    def list_query(
        self,
        model: ModelMeta,
        alias: str,
        args: dict[str, Any],
        base: str,
        extra: str,
        select_sql: str,
        *,
        order_key: str,
    ) -> tuple[str, bool, str]:
        """SELECT text for a windowed list of ``model`` (where, order, cursor, take, skip, distinct).

        Returns (sql, reversed, order_sql-of-output) where ``reversed`` means a negative take."""
        outer, self.specs = self.specs, []
        where = self.where(model, alias, args.get("where"))
        where_specs, self.specs = self.specs, outer
        cond = where if base == "TRUE" else (base if where == "TRUE" else f"{base} AND {where}")
        items = self.order_items(model, alias, args.get(order_key))
        take, skip, cursor, distinct = args.get("take"), args.get("skip"), args.get("cursor"), args.get("distinct")
        if (take is not None or skip is not None or cursor is not None) and not items:
            items = [
                (self.col(alias, self.sfield(model, k)), "ASC", None, self.sfield(model, k)) for k in model.id_fields
            ]
        if cursor is not None:
            have = {id(it[3]) for it in items if it[3] is not None}
            for k in model.id_fields:
                field = self.sfield(model, k)
                if id(field) not in have:
                    items.append((self.col(alias, field), "ASC", None, field))
        neg = (isinstance(take, Slot) and take.neg) or (
            isinstance(take, int) and not isinstance(take, bool) and take < 0
        )
        frm = f"{table(model)} AS {alias}{extra}"
        cursor_specs: list[Spec] = []
        if distinct:
            cols = ", ".join(self.col(alias, self.sfield(model, name)) for name in distinct)
            over = f"PARTITION BY {cols}" + (f" ORDER BY {self.order_sql(items)}" if items else "")
            frm = f"(SELECT {alias}.*, row_number() OVER ({over}) AS {RN} FROM {frm} WHERE {cond}) AS {alias}"
            cond = f"{alias}.{RN} = 1"
        if cursor is not None:
            cursor_alias = self.new_alias()
            if any(it[3] is None for it in items):
                raise DataError("A cursor can only be combined with ordering on scalar fields")
            cols = ", ".join(
                f"{self.col(cursor_alias, it[3])} AS c{i}" for i, it in enumerate(items) if it[3] is not None
            )
            outer, self.specs = self.specs, []
            cursor_where = self.where(model, cursor_alias, cursor)
            cursor_specs, self.specs = self.specs, outer
            frm += f" CROSS JOIN (SELECT {cols} FROM {table(model)} AS {cursor_alias} WHERE {cursor_where} LIMIT 1) AS {cursor_alias}c"
            ors = []
            for i, (expr, direction, _, _) in enumerate(items):
                eqs = [f"{items[j][0]} = {cursor_alias}c.c{j}" for j in range(i)]
                up = (direction == "ASC") != neg
                eqs.append(f"{expr} {'>' if up else '<'} {cursor_alias}c.c{i}")
                ors.append("(" + " AND ".join(eqs) + ")")
            ors.append("(" + " AND ".join(f"{items[j][0]} = {cursor_alias}c.c{j}" for j in range(len(items))) + ")")
            cond = f"{cond} AND (" + " OR ".join(ors) + ")"
        ranked_specs = order_specs(items)  # parameters of ORDER BY expressions, bound at each occurrence
        if distinct:
            self.specs += ranked_specs + where_specs + cursor_specs
        else:
            self.specs += cursor_specs + where_specs
        order = self.order_sql(items, reverse=neg)
        self.specs += ranked_specs
        if ranked_specs:
            order = ranked(order, ranked_specs)
        sql = f"SELECT {select_sql} FROM {frm} WHERE {cond}"
        if order:
            sql += f" ORDER BY {order}"
        if take is not None:
            sql += f" LIMIT {self.param(take, abs_value)}"
        if skip is not None:
            sql += f" OFFSET {self.param(skip)}"
        return sql, neg, order
