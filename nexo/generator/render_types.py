"""``types.py`` of the generated package: every input and output TypedDict (names as in Prisma
Client Python 0.15, plus the additive inputs nexo supports: ``select``, ``_count``, relation
ordering, Json path filters, nested update/upsert shapes)."""

from __future__ import annotations

from nexo.schema.client_view import SchemaView, VField, VModel

from . import pytypes
from .emit import header, literal, module, typed_dict, union
from .options import ClientOptions


def _filters(
    t: str, value: str, *, ordered: bool, string: bool = False, nullable_not: bool = True, search: bool = False
) -> list[tuple[str, str]]:
    items = [("equals", f"Optional[{value}]"), ("in", f"List[{value}]"), ("not_in", f"List[{value}]")]
    if ordered:
        items += [("lt", value), ("lte", value), ("gt", value), ("gte", value)]
    if string:
        items += [("contains", value), ("startswith", value), ("endswith", value), ("mode", "SortMode")]
        if search:  # full-text search: only with the preview feature, as in Prisma's schema
            items.append(("search", "str"))
    items.append(("not", f"Union[None, {value}, {t}Filter]" if nullable_not else f"Union[{value}, {t}Filter]"))
    return items


def _shared(view: SchemaView, opts: ClientOptions) -> list[list[str]]:
    blocks: list[list[str]] = [
        ['SortOrder = Literal["asc", "desc"]'],
        ['SortMode = Literal["default", "insensitive"]'],
        ['NullsOrder = Literal["first", "last"]'],
        ['MetricsFormat = Literal["json", "prometheus"]'],
        ["HttpConfig = Dict[str, Any]"],
        typed_dict("SortOrderInput", [("sort", "SortOrder"), ("nulls", "NullsOrder")], total=False),
        typed_dict("OrderByRelationAggregateInput", [("_count", "SortOrder")], total=False),
        typed_dict("_DatasourceOverrideOptional", [("name", "str"), ("env", "str")], total=False),
        typed_dict("DatasourceOverride", [("url", "str")], base="_DatasourceOverrideOptional"),
    ]
    values = {
        "String": "str",
        "Int": "int",
        "BigInt": "int",
        "Float": "float",
        "Decimal": "decimal.Decimal",
        "DateTime": "datetime.datetime",
    }
    for t, v in values.items():
        blocks.append(
            typed_dict(
                f"{t}Filter",
                _filters(t, v, ordered=True, string=t == "String", search=opts.full_text_search),
                total=False,
            )
        )
    blocks.append(
        typed_dict(
            "BooleanFilter", [("equals", "Optional[bool]"), ("not", "Union[None, bool, BooleanFilter]")], total=False
        )
    )
    blocks.append(typed_dict("BytesFilter", _filters("Bytes", "fields.Base64", ordered=False), total=False))
    json_items = [
        ("equals", "Optional[fields.Json]"),
        ("not", "Optional[fields.Json]"),
        ("path", "List[str]"),
        ("string_contains", "str"),
        ("string_starts_with", "str"),
        ("string_ends_with", "str"),
        ("array_contains", "fields.Json"),
        ("array_starts_with", "fields.Json"),
        ("array_ends_with", "fields.Json"),
        ("lt", "fields.Json"),
        ("lte", "fields.Json"),
        ("gt", "fields.Json"),
        ("gte", "fields.Json"),
    ]
    blocks.append(typed_dict("JsonFilter", json_items, total=False))
    for e in view.enums:
        blocks.append(typed_dict(f"{e.name}Filter", _filters(e.name, f"enums.{e.name}", ordered=False), total=False))
    # with aggregates (group_by having)
    agg_types = list(values) + ["Boolean", "Bytes", "Json"] + [e.name for e in view.enums]
    for t in agg_types:
        extra = [("_count", "IntFilter")]
        if t in pytypes.ORDERED or any(e.name == t for e in view.enums):
            extra += [("_min", f"{t}Filter"), ("_max", f"{t}Filter")]
        if t in pytypes.NUMERIC:
            extra += [("_avg", "FloatFilter"), ("_sum", f"{t}Filter")]
        blocks.append(typed_dict(f"{t}WithAggregatesFilter", extra, total=False, base=f"{t}Filter"))
    # atomic number updates
    for t, v in (("Int", "int"), ("BigInt", "int"), ("Float", "float"), ("Decimal", "decimal.Decimal")):
        ops = [(op, v) for op in ("set", "increment", "decrement", "multiply", "divide")]
        blocks.append(typed_dict(f"Atomic{t}Input", ops, total=False))
    # scalar lists
    list_types = {**values, "Boolean": "bool", "Json": "fields.Json", "Bytes": "fields.Base64"}
    list_types.update({e.name: f"enums.{e.name}" for e in view.enums})
    for t, v in list_types.items():
        blocks.append(
            typed_dict(
                f"{t}ListFilter",
                [
                    ("equals", f"Optional[List[{v}]]"),
                    ("has", v),
                    ("has_every", f"List[{v}]"),
                    ("has_some", f"List[{v}]"),
                    ("is_empty", "bool"),
                ],
                total=False,
            )
        )
        blocks.append(typed_dict(f"{t}ListUpdate", [("set", f"List[{v}]"), ("push", f"List[{v}]")], total=False))
    return blocks


def _unique_inputs(m: VModel) -> list[list[str]]:
    blocks: list[list[str]] = []
    members = []
    for key, fields in m.unique_sets.items():
        member = f"_{m.name}WhereUnique_{key}_Input"
        members.append(member)
        if len(fields) == 1:
            f = m.field(fields[0])
            assert f is not None
            blocks.append(typed_dict(member, [(key, pytypes.base(f))]))
        else:
            inner = f"_{m.name}Compound{''.join(x[:1].upper() + x[1:] for x in key.split('_'))}KeyInner"
            items = []
            for name in fields:
                f = m.field(name)
                assert f is not None
                items.append((name, pytypes.base(f)))
            blocks.append(typed_dict(inner, items))
            blocks.append(typed_dict(member, [(key, inner)]))
    blocks.append(union(f"{m.name}WhereUniqueInput", members))
    return blocks


def _where(m: VModel, depth: int) -> list[list[str]]:
    def fields() -> list[tuple[str, str]]:
        items = []
        for f in m.fields:
            if f.is_relation:
                if f.is_list:
                    items.append((f.name, f"{f.type}ListRelationFilter"))
                else:
                    rf = f"{f.type}RelationFilter"
                    items.append((f.name, rf if f.is_required else f"Optional[{rf}]"))
            else:
                items.append((f.name, pytypes.where_value(f)))
        return items

    blocks = []
    if depth == -1:
        name = f"{m.name}WhereInput"
        combos = [(k, f"List[{name}]") for k in ("AND", "OR", "NOT")]
        return [typed_dict(name, fields() + combos, total=False)]
    for level in range(depth):
        name = f"{m.name}WhereInput" if level == 0 else f"{m.name}WhereInputRecursive{level}"
        items = fields()
        if level < depth - 1:
            nxt = f"{m.name}WhereInputRecursive{level + 1}"
            items += [(k, f"List[{nxt}]") for k in ("AND", "OR", "NOT")]
        blocks.append(typed_dict(name, items, total=False))
    return blocks


def _model_types(view: SchemaView, m: VModel, opts: ClientOptions) -> list[list[str]]:
    n = m.name
    scalars = m.scalars
    blocks: list[list[str]] = []

    # ---------------------------------------------------------------- create
    def create_items(with_relations: bool) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        required, optional = [], []
        for f in m.fields:
            if f.is_relation:
                if with_relations:
                    nested = (
                        f"{f.type}CreateManyNestedWithoutRelationsInput"
                        if f.is_list
                        else f"{f.type}CreateNestedWithoutRelationsInput"
                    )
                    optional.append((f.name, nested))
                continue
            item = (f.name, pytypes.create_value(f))
            if f.is_required and not f.is_list and not f.has_default and not f.is_fk:
                required.append(item)
            else:
                optional.append(item)
        return required, optional

    req, opt = create_items(True)
    blocks.append(
        typed_dict(f"{n}OptionalCreateInput", opt, total=False, doc=f"Optional arguments to the {n} create method.")
    )
    blocks.append(
        typed_dict(
            f"{n}CreateInput", req, base=f"{n}OptionalCreateInput", doc=f"Required arguments to the {n} create method."
        )
    )
    req, opt = create_items(False)
    blocks.append(typed_dict(f"{n}OptionalCreateWithoutRelationsInput", opt, total=False))
    blocks.append(typed_dict(f"{n}CreateWithoutRelationsInput", req, base=f"{n}OptionalCreateWithoutRelationsInput"))
    blocks.append(
        typed_dict(
            f"{n}ConnectOrCreateWithoutRelationsInput",
            [("where", f"{n}WhereUniqueInput"), ("create", f"{n}CreateWithoutRelationsInput")],
        )
    )
    nested = [
        ("create", f"{n}CreateWithoutRelationsInput"),
        ("connect", f"{n}WhereUniqueInput"),
        ("connect_or_create", f"{n}ConnectOrCreateWithoutRelationsInput"),
    ]
    blocks.append(typed_dict(f"{n}CreateNestedWithoutRelationsInput", nested, total=False))
    blocks.append(
        typed_dict(
            f"{n}CreateManyNestedWithoutRelationsInput",
            [(k, f"Union[{t}, List[{t}]]") for k, t in nested],
            total=False,
        )
    )

    # ---------------------------------------------------------------- update
    upd = []
    for f in m.fields:
        if f.is_relation:
            kind = "UpdateManyWithoutRelationsInput" if f.is_list else "UpdateOneWithoutRelationsInput"
            upd.append((f.name, f"{f.type}{kind}"))
        else:
            upd.append((f.name, pytypes.update_value(f)))
    blocks.append(typed_dict(f"{n}UpdateInput", upd, total=False, doc=f"Arguments to the {n} update method."))
    mutation = [(f.name, pytypes.update_value(f)) for f in scalars if not f.is_fk]
    blocks.append(
        typed_dict(
            f"{n}UpdateManyMutationInput", mutation, total=False, doc=f"Arguments to the {n} update_many method."
        )
    )
    blocks.append(
        typed_dict(
            f"{n}UpdateWithWhereUniqueWithoutRelationsInput",
            [("where", f"{n}WhereUniqueInput"), ("data", f"{n}UpdateManyMutationInput")],
        )
    )
    blocks.append(
        typed_dict(
            f"{n}UpdateManyWithWhereWithoutRelationsInput",
            [("where", f"{n}WhereInput"), ("data", f"{n}UpdateManyMutationInput")],
        )
    )
    one = nested + [("disconnect", "bool"), ("delete", "bool"), ("update", f"{n}UpdateManyMutationInput")]
    blocks.append(typed_dict(f"{n}UpdateOneWithoutRelationsInput", one, total=False))
    many = [
        ("create", f"List[{n}CreateWithoutRelationsInput]"),
        ("connect", f"List[{n}WhereUniqueInput]"),
        ("connect_or_create", f"List[{n}ConnectOrCreateWithoutRelationsInput]"),
        ("set", f"List[{n}WhereUniqueInput]"),
        ("disconnect", f"List[{n}WhereUniqueInput]"),
        ("delete", f"List[{n}WhereUniqueInput]"),
        ("update", f"List[{n}UpdateWithWhereUniqueWithoutRelationsInput]"),
        ("update_many", f"List[{n}UpdateManyWithWhereWithoutRelationsInput]"),
        ("delete_many", f"List[{n}WhereInput]"),
    ]
    blocks.append(typed_dict(f"{n}UpdateManyWithoutRelationsInput", many, total=False))
    blocks.append(typed_dict(f"{n}UpsertInput", [("create", f"{n}CreateInput"), ("update", f"{n}UpdateInput")]))

    # ---------------------------------------------------------------- where, order
    blocks += _unique_inputs(m)
    blocks += _where(m, opts.recursive_type_depth)
    blocks.append(
        typed_dict(
            f"{n}RelationFilter",
            [("is", f"Optional[{n}WhereInput]"), ("is_not", f"Optional[{n}WhereInput]")],
            total=False,
        )
    )
    blocks.append(
        typed_dict(
            f"{n}ListRelationFilter",
            [("some", f"{n}WhereInput"), ("every", f"{n}WhereInput"), ("none", f"{n}WhereInput")],
            total=False,
        )
    )
    having = [(k, f"List[{n}ScalarWhereWithAggregatesInput]") for k in ("AND", "OR", "NOT")]
    having += [(f.name, pytypes.having_value(f)) for f in scalars]
    blocks.append(typed_dict(f"{n}ScalarWhereWithAggregatesInput", having, total=False))
    order_members = []
    for f in m.fields:
        member = f"_{n}_{f.name}_OrderByInput"
        if f.is_relation:
            value = "OrderByRelationAggregateInput" if f.is_list else f"{f.type}OrderByInput"
        else:
            value = "Union[SortOrder, SortOrderInput]"
        blocks.append(typed_dict(member, [(f.name, value)]))
        order_members.append(member)
    texts = [f.name for f in scalars if f.type == "String" and not f.is_list]
    if opts.full_text_search and texts:
        # Prisma's <M>OrderByRelevanceInput: rank by full-text relevance (ts_rank) on String fields
        blocks.append(literal(f"{n}OrderByRelevanceFieldEnum", texts))
        blocks.append(
            typed_dict(
                f"{n}OrderByRelevanceInput",
                [
                    ("fields", f"Union[{n}OrderByRelevanceFieldEnum, List[{n}OrderByRelevanceFieldEnum]]"),
                    ("sort", "SortOrder"),
                    ("search", "str"),
                ],
            )
        )
        blocks.append(typed_dict(f"_{n}_RelevanceOrderByInput", [("_relevance", f"{n}OrderByRelevanceInput")]))
        order_members.append(f"_{n}_RelevanceOrderByInput")
    blocks.append(union(f"{n}OrderByInput", order_members))
    blocks.append(
        typed_dict(
            f"_{n}OrderByAggregateInput",
            [(k, "Dict[str, SortOrder]") for k in ("_count", "_avg", "_sum", "_min", "_max")],
            total=False,
        )
    )
    blocks.append(
        union(
            f"{n}OrderByWithAggregateInput",
            [f"_{n}_{f.name}_OrderByInput" for f in scalars] + [f"_{n}OrderByAggregateInput"],
        )
    )

    # ---------------------------------------------------------------- include / select
    to_many = [f for f in m.relations if f.is_list]

    def rel_args(f: VField) -> str:
        return f"FindMany{f.type}Args" if f.is_list else f"{f.type}Args"

    inc = [(f.name, f"Union[bool, {rel_args(f)}]") for f in m.relations]
    if to_many:
        inc.append(("_count", f"Union[bool, {n}CountArgs]"))
    blocks.append(typed_dict(f"{n}Include", inc, total=False))
    sel = [(f.name, "bool") for f in scalars] + inc
    blocks.append(typed_dict(f"{n}Select", sel, total=False))
    if to_many:
        blocks.append(
            typed_dict(
                f"{n}CountSelect", [(f.name, f"Union[bool, FindMany{f.type}Args]") for f in to_many], total=False
            )
        )
        blocks.append(typed_dict(f"{n}CountArgs", [("select", f"{n}CountSelect")], total=False))
    blocks.append(typed_dict(f"{n}Args", [("include", f"{n}Include"), ("select", f"{n}Select")], total=False))
    blocks.append(
        typed_dict(
            f"FindMany{n}Args",
            [
                ("take", "int"),
                ("skip", "int"),
                ("order_by", f"Union[{n}OrderByInput, List[{n}OrderByInput]]"),
                ("where", f"{n}WhereInput"),
                ("cursor", f"{n}WhereUniqueInput"),
                ("distinct", f"List[{n}ScalarFieldKeys]"),
                ("include", f"{n}Include"),
                ("select", f"{n}Select"),
            ],
            total=False,
        )
    )

    # ---------------------------------------------------------------- aggregates
    numeric = [f for f in scalars if f.type in pytypes.NUMERIC and f.kind == "scalar" and not f.is_list]
    ordered = [f for f in scalars if (f.type in pytypes.ORDERED or f.kind == "enum") and not f.is_list]
    blocks.append(
        typed_dict(f"{n}CountAggregateInput", [("_all", "bool")] + [(f.name, "bool") for f in scalars], total=False)
    )
    blocks.append(
        typed_dict(f"{n}CountAggregateOutput", [("_all", "int")] + [(f.name, "int") for f in scalars], total=False)
    )
    for agg, fs, out in (
        ("Sum", numeric, None),
        ("Avg", numeric, "float"),
        ("Min", ordered, None),
        ("Max", ordered, None),
    ):
        blocks.append(typed_dict(f"{n}{agg}AggregateInput", [(f.name, "bool") for f in fs], total=False))
        blocks.append(
            typed_dict(f"{n}{agg}AggregateOutput", [(f.name, out or pytypes.output_value(f)) for f in fs], total=False)
        )
    blocks.append(
        typed_dict(
            f"{n}GroupByOutput",
            [
                (
                    f.name,
                    pytypes.output_value(f) if f.is_required or f.is_list else f"Optional[{pytypes.output_value(f)}]",
                )
                for f in scalars
            ]
            + [
                ("_sum", f"{n}SumAggregateOutput"),
                ("_avg", f"{n}AvgAggregateOutput"),
                ("_min", f"{n}MinAggregateOutput"),
                ("_max", f"{n}MaxAggregateOutput"),
                ("_count", f"{n}CountAggregateOutput"),
            ],
            total=False,
        )
    )

    # ---------------------------------------------------------------- keys
    blocks.append(literal(f"{n}Keys", [f.name for f in m.fields]))
    blocks.append(literal(f"{n}ScalarFieldKeys", [f.name for f in scalars]))
    blocks.append(literal(f"{n}RelationalFieldKeys", [f.name for f in m.relations]))
    return blocks


def render_types(view: SchemaView, opts: ClientOptions, source: str) -> str:
    prelude = [
        *header(source).splitlines(),
        '"""Input and output types of the client (TypedDicts), named as in Prisma Client Python."""',
        "",
        "from __future__ import annotations",
        "",
        "import datetime",
        "import decimal",
        "from typing import Any, Dict, List, Literal, NoReturn, Optional, TypeAlias, Union",
        "",
        "from typing_extensions import TypedDict  # pydantic (validate()) needs this one before Python 3.12",
        "",
        "from . import enums, fields",
    ]
    blocks = [prelude, *_shared(view, opts)]
    for m in view.models:
        blocks.append([f"# {'-' * 30} {m.name} {'-' * max(1, 60 - len(m.name))}"])
        blocks += _model_types(view, m, opts)
    return module(blocks)
