"""Filters: the ``where`` argument (scalar, list, Json and relation filters) compiled to SQL conditions."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from nexo.client import codec
from nexo.client.compiler.core import (
    CompilerCore,
    as_list,
    table,
    text_search,
)
from nexo.client.errors import DataError, FieldNotFoundError
from nexo.client.fields import Json
from nexo.client.meta import FieldMeta, ModelMeta, RelationMeta
from nexo.db.ident import quote_ident


def _escape_like(v: str) -> str:
    return v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _lower_enc(enc: Any) -> Any:
    return lambda v: enc(v).lower() if isinstance(enc(v), str) else enc(v)


def _lower_list(enc: Any) -> Any:
    return lambda v: [x.lower() if isinstance(x, str) else x for x in enc(v)]


def _like_enc(pre: str, post: str) -> Any:
    return lambda v: pre + _escape_like(str(v)) + post


def _json_array(v: Any) -> Any:
    data = v.data if isinstance(v, Json) else v
    return Jsonb(data if isinstance(data, list) else [data])


class FilterCompiler(CompilerCore):
    """Compiles ``where`` arguments."""

    # ------------------------------------------------------------ where
    def where(self, model: ModelMeta, alias: str, where_arg: Any) -> str:
        if not where_arg:
            return "TRUE"
        if not isinstance(where_arg, dict):
            raise DataError(f"A where argument must be a dict, got {type(where_arg).__name__}")
        parts: list[str] = []
        for k, v in where_arg.items():
            if k == "AND":
                items = [self.where(model, alias, x) for x in as_list(v)]
                parts.append("(" + " AND ".join(items) + ")" if items else "TRUE")
            elif k == "OR":
                items = [self.where(model, alias, x) for x in as_list(v)]
                parts.append("(" + " OR ".join(items) + ")" if items else "FALSE")
            elif k == "NOT":
                items = [f"NOT ({self.where(model, alias, x)})" for x in as_list(v)]
                parts.append("(" + " AND ".join(items) + ")" if items else "TRUE")
            else:
                field = model.field(k)
                if field is None:
                    if k in model.unique_sets and isinstance(v, dict):
                        for sub in model.unique_sets[k]:
                            if sub not in v:
                                raise DataError(f"Compound key '{k}' needs a value for '{sub}'")
                            sub_field = self.sfield(model, sub)
                            parts.append(self.scalar_filter(sub_field, self.col(alias, sub_field), v[sub]))
                        continue
                    raise FieldNotFoundError(
                        f"Field '{k}' does not exist on model {model.name} (where argument)", meta={"field": k}
                    )
                if field.kind == "relation":
                    parts.append(self.rel_filter(model, alias, self.rel(model, k), v))
                else:
                    parts.append(self.scalar_filter(field, self.col(alias, field), v))
        return " AND ".join(parts) if parts else "TRUE"

    def rel_filter(self, model: ModelMeta, alias: str, relation: RelationMeta, v: Any) -> str:
        target = self.model(relation.target)
        child_alias = self.new_alias()
        extra, cond = self.join(model, alias, relation, target, child_alias)
        frm = f"{table(target)} AS {child_alias}{extra}"

        def exists(inner: str | None, negate: bool = False) -> str:
            condition = cond if inner is None or inner == "TRUE" else f"{cond} AND {inner}"
            return f"{'NOT ' if negate else ''}EXISTS (SELECT 1 FROM {frm} WHERE {condition})"

        def none_of(inner: str) -> str:
            """No related row matches ``inner``, written as Prisma's engine writes it: the parent's key
            ``NOT IN`` the keys of the related rows that match. PostgreSQL runs it as a hashed subplan
            over the parent's rows in their own order (``NOT EXISTS`` may become a right anti join,
            whose output order changes from run to run for a find_many without order)."""
            if relation.is_m2m:
                join_alias = child_alias + "j"
                tid = self.sfield(target, target.id_fields[0])
                mid = self.sfield(model, model.id_fields[0])
                sub = (
                    f"SELECT {join_alias}.{quote_ident(relation.join_self or 'A')} FROM {frm} WHERE "
                    f"{join_alias}.{quote_ident(relation.join_other or 'B')} = {self.col(child_alias, tid)}"
                )
                parent = [self.col(alias, mid)]
            else:
                pairs = list(zip(relation.back_fields, relation.back_references, strict=True))
                child = [self.col(child_alias, self.sfield(target, tf)) for tf, _ in pairs]
                parent = [self.col(alias, self.sfield(model, mf)) for _, mf in pairs]
                sub = f"SELECT {', '.join(child)} FROM {frm} WHERE " + " AND ".join(f"{c} IS NOT NULL" for c in child)
            if inner != "TRUE":
                sub += f" AND {inner}"
            lhs = parent[0] if len(parent) == 1 else "(" + ", ".join(parent) + ")"
            return f"{lhs} NOT IN ({sub})"

        if v is None:
            return exists(None, negate=True)
        if not isinstance(v, dict):
            raise DataError(f"Invalid filter for relation '{relation.field}'")
        keys = set(v)
        if relation.is_list:
            if not keys <= {"some", "every", "none"}:
                raise DataError(f"A to-many relation filter on '{relation.field}' takes some, every or none")
        elif not keys & {"is", "is_not"}:
            v = {"is": v}
        parts = []
        for op, body in v.items():
            if op == "is":
                parts.append(exists(None, True) if body is None else exists(self.where(target, child_alias, body)))
            elif op == "is_not":
                parts.append(exists(None) if body is None else exists(self.where(target, child_alias, body), True))
            elif op == "some":
                parts.append(exists(self.where(target, child_alias, body)))
            elif op == "none":
                parts.append(none_of(self.where(target, child_alias, body)))
            elif op == "every":
                inner = self.where(target, child_alias, body)
                parts.append("TRUE" if inner == "TRUE" else none_of(f"NOT COALESCE(({inner}), FALSE)"))
            else:
                raise DataError(f"Unknown relation filter '{op}' on '{relation.field}'")
        return " AND ".join(parts) if parts else "TRUE"

    def scalar_filter(self, field: FieldMeta, col: str, v: Any, mode: str | None = None) -> str:
        if v is None:
            return f"{col} IS NULL"
        if not isinstance(v, dict):
            return self._eq(field, col, v, mode == "insensitive")
        mode = v.get("mode", mode)
        ins = mode == "insensitive"
        if field.is_list:
            return self._list_filter(field, col, v)
        if field.type == "Json":
            return self._json_filter(field, col, v)
        parts: list[str] = []
        enc = codec.scalar_encoder(field, self.meta)
        lenc = codec.list_encoder(field, self.meta)
        typ = codec.pg_type(field, self.meta)
        lhs = f"lower({col})" if ins else col
        if ins:
            enc = _lower_enc(enc)
            lenc = _lower_list(lenc)
        for op, x in v.items():
            if op == "mode":
                continue
            if op == "equals":
                parts.append(f"{col} IS NULL" if x is None else f"{lhs} = {self._val(field, x, enc, ins)}")
            elif op == "not":
                if x is None:
                    parts.append(f"{col} IS NOT NULL")
                elif isinstance(x, dict):
                    parts.append(f"NOT ({self.scalar_filter(field, col, x, mode)})")
                else:
                    parts.append(f"{lhs} <> {self._val(field, x, enc, ins)}")
            elif op in ("in", "not_in"):
                arr = self.param(x, lenc, f"{typ}[]")
                parts.append(f"{lhs} = ANY({arr})" if op == "in" else f"{lhs} <> ALL({arr})")
            elif op in ("lt", "lte", "gt", "gte"):
                sym = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}[op]
                parts.append(f"{lhs} {sym} {self._val(field, x, enc, ins)}")
            elif op in ("contains", "startswith", "endswith"):
                pre = "%" if op in ("contains", "endswith") else ""
                post = "%" if op in ("contains", "startswith") else ""
                like = "ILIKE" if ins else "LIKE"
                parts.append(f"{col}::text {like} {self.param(x, _like_enc(pre, post))}")
            elif op == "search" and field.type == "String":
                self._full_text("search", field.name)
                parts.append(f"{text_search([col])} @@ to_tsquery({self.param(x)})")
            else:
                raise FieldNotFoundError(f"Unknown filter '{op}' for field '{field.name}'", meta={"field": op})
        return "(" + " AND ".join(parts) + ")" if len(parts) > 1 else (parts[0] if parts else "TRUE")

    def _val(self, field: FieldMeta, x: Any, enc: Any, ins: bool) -> str:
        placeholder = self.param(x, enc)
        return f"lower({placeholder})" if ins else placeholder

    def _eq(self, field: FieldMeta, col: str, v: Any, ins: bool) -> str:
        if field.is_list:
            return f"{col} = {self.param(v, codec.field_encoder(field, self.meta), codec.pg_type(field, self.meta) + '[]')}"
        if field.type == "Json":
            return f"{col}::jsonb = {self.param(v, codec.field_encoder(field, self.meta), 'jsonb')}"
        enc = codec.scalar_encoder(field, self.meta)
        if ins:
            return f"lower({col}) = lower({self.param(v, enc)})"
        return f"{col} = {self.param(v, enc)}"

    def _list_filter(self, field: FieldMeta, col: str, v: dict[str, Any]) -> str:
        typ = codec.pg_type(field, self.meta) + "[]"
        one = codec.scalar_encoder(field, self.meta)
        lenc = codec.list_encoder(field, self.meta)
        parts = []
        for op, x in v.items():
            if op == "mode":
                continue
            if op == "has":
                parts.append(f"{self.param(x, one, codec.pg_type(field, self.meta))} = ANY({col})")
            elif op == "has_some":
                parts.append(f"{col} && {self.param(x, lenc, typ)}")
            elif op == "has_every":
                parts.append(f"{col} @> {self.param(x, lenc, typ)}")
            elif op == "is_empty":
                # a NULL list is neither empty nor not empty (as in Prisma)
                parts.append(f"cardinality({col}) = 0" if x else f"cardinality({col}) > 0")
            elif op == "equals":
                parts.append(f"{col} IS NULL" if x is None else f"{col} = {self.param(x, lenc, typ)}")
            else:
                raise FieldNotFoundError(f"Unknown list filter '{op}' for field '{field.name}'", meta={"field": op})
        return " AND ".join(parts) if parts else "TRUE"

    def _json_filter(self, field: FieldMeta, col: str, v: dict[str, Any]) -> str:
        path = v.get("path")
        parts = []
        for op, x in v.items():
            if op in ("path", "mode"):
                continue

            def tgt() -> str:
                return f"({col}::jsonb #> {self.param(path, list, 'text[]')})" if path is not None else f"{col}::jsonb"

            target = tgt()
            if op == "equals":
                parts.append(
                    f"{target} IS NULL" if x is None else f"{target} = {self.param(x, codec._enc_json, 'jsonb')}"
                )
            elif op == "not":
                parts.append(
                    f"{target} IS NOT NULL" if x is None else f"{target} <> {self.param(x, codec._enc_json, 'jsonb')}"
                )
            elif op in ("string_contains", "string_starts_with", "string_ends_with"):
                pre = "" if op == "string_starts_with" else "%"
                post = "" if op == "string_ends_with" else "%"
                parts.append(
                    f"jsonb_typeof({target}) = 'string' AND ({tgt()} #>> '{{}}') LIKE {self.param(x, _like_enc(pre, post))}"
                )
            elif op == "array_contains":
                parts.append(f"jsonb_typeof({target}) = 'array' AND {tgt()} @> {self.param(x, _json_array, 'jsonb')}")
            elif op in ("array_starts_with", "array_ends_with"):
                idx = "0" if op == "array_starts_with" else "-1"
                parts.append(
                    f"jsonb_typeof({target}) = 'array' AND ({tgt()} -> {idx}) = {self.param(x, codec._enc_json, 'jsonb')}"
                )
            elif op in ("lt", "lte", "gt", "gte"):
                sym = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}[op]
                parts.append(f"{target} {sym} {self.param(x, codec._enc_json, 'jsonb')}")
            else:
                raise FieldNotFoundError(f"Unknown Json filter '{op}' for field '{field.name}'", meta={"field": op})
        return " AND ".join(parts) if parts else "TRUE"
