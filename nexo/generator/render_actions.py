"""``actions.py`` of the generated package: one typed ``<Model>Actions`` class per model.

The same text serves both interfaces (:class:`~nexo.generator.emit.Flavour`): ``asyncio`` actions return
the runtime's coroutine, ``sync`` ones the result itself.
"""

from __future__ import annotations

from nexo.schema.client_view import SchemaView, VModel

from .emit import Flavour, annotated, header, module, names_list, q


def _sig(
    name: str,
    params: list[str],
    ret: str,
    f: Flavour,
    *,
    decorators: tuple[str, ...] = (),
    body: list[str] | None = None,
) -> list[str]:
    """A model action. asyncio: a plain ``def`` returning the runtime's coroutine (awaited by the
    caller as usual, one coroutine frame less per call); sync: the result itself."""
    if f.is_async:
        ret = f"Coroutine[Any, Any, {ret}]"
    head = f"    def {name}("
    one = head + ", ".join(["self", *params]) + f") -> {ret}:"
    out = [f"    {d}" for d in decorators]
    if len(one) <= 110:
        out.append(one)
    else:
        out.append(head)
        for p in ["self", *params]:
            if p.startswith("*") or ": " not in p:
                out.append(f"        {p},")
                continue
            name, _, ann = p.partition(": ")
            ann, eq, default = ann.partition(" = ")
            out += annotated(f"        {name}: ", ann, (f" = {default}" if eq else "") + ",")
        out.append(f"    ) -> {ret}:")
    out += body if body is not None else ["        ..."]
    return out


def _ret(cast_to: str | None, call: str, f: Flavour) -> list[str]:
    """``return self._impl.call(args)`` (asyncio: the coroutine) or ``return cast("T", ...)``
    (sync), wrapped like a formatter would."""
    expr = f"self._impl.{call}"
    if cast_to == "int" or f.is_async:  # the runtime returns int / a coroutine of Any
        cast_to = None
    one = f"        return cast({q(cast_to)}, {expr})" if cast_to else f"        return {expr}"
    if len(one) <= 110:
        return [one]
    name, _, rest = call.partition("(")
    args = [a.strip() for a in rest[:-1].split(",")]
    if cast_to is None:
        return [f"        return self._impl.{name}(", *[f"            {a}," for a in args], "        )"]
    return [
        "        return cast(",
        f"            {q(cast_to)},",
        f"            self._impl.{name}(",
        *[f"                {a}," for a in args],
        "            ),",
        "        )",
    ]


def _actions_class(m: VModel, f: Flavour) -> list[str]:
    n = m.name
    T = "_PrismaModelT"
    where_u = f"types.{n}WhereUniqueInput"
    inc = f"Optional[types.{n}Include] = None"
    sel = f"select: Optional[types.{n}Select] = None"
    order = f"Optional[Union[types.{n}OrderByInput, List[types.{n}OrderByInput]]] = None"
    distinct = f"Optional[List[types.{n}ScalarFieldKeys]] = None"
    out = [
        f"class {n}Actions(Generic[{T}]):",
        f'    """The query actions of {n} (``db.{m.instance_name}``, ``{n}.prisma()``).',
        "",
        "    ``select=`` (beyond Prisma Client Python) returns instances whose unselected fields are None",
        '    and absent from ``model_fields_set``."""',
        "",
        '    __slots__ = ("_client", "_model", "_impl")',
        "",
        f"    def __init__(self, client: Prisma, model: Type[{T}]) -> None:",
        "        self._client = client",
        "        self._model = model",
        f"        self._impl = client.typed_model({q(n)}, model)",
        "",
    ]
    methods: list[list[str]] = []
    methods.append(
        _sig(
            "query_raw",
            ["query: str", "*args: Any"],
            f"List[{T}]",
            f,
            body=_ret(f"List[{T}]", "query_raw(query, *args)", f),
        )
    )
    methods.append(
        _sig(
            "query_first",
            ["query: str", "*args: Any"],
            f"Optional[{T}]",
            f,
            body=_ret(f"Optional[{T}]", "query_first(query, *args)", f),
        )
    )
    methods.append(
        _sig(
            "create",
            [f"data: types.{n}CreateInput", f"include: {inc}", "*", sel],
            T,
            f,
            body=_ret(T, "create(data, include, select=select)", f),
        )
    )
    methods.append(
        _sig(
            "create_many",
            [f"data: List[types.{n}CreateWithoutRelationsInput]", "*", "skip_duplicates: Optional[bool] = None"],
            "int",
            f,
            body=_ret("int", "create_many(data, skip_duplicates=skip_duplicates)", f),
        )
    )
    methods.append(
        _sig(
            "delete",
            [f"where: {where_u}", f"include: {inc}", "*", sel],
            f"Optional[{T}]",
            f,
            body=_ret(f"Optional[{T}]", "delete(where, include, select=select)", f),
        )
    )
    methods.append(
        _sig(
            "find_unique",
            [f"where: {where_u}", f"include: {inc}", "*", sel],
            f"Optional[{T}]",
            f,
            body=_ret(f"Optional[{T}]", "find_unique(where, include, select=select)", f),
        )
    )
    methods.append(
        _sig(
            "find_unique_or_raise",
            [f"where: {where_u}", f"include: {inc}", "*", sel],
            T,
            f,
            body=_ret(T, "find_unique_or_raise(where, include, select=select)", f),
        )
    )
    many_params = [
        "take: Optional[int] = None",
        "skip: Optional[int] = None",
        f"where: Optional[types.{n}WhereInput] = None",
        f"cursor: Optional[{where_u}] = None",
        f"include: {inc}",
        f"order: {order}",
        f"distinct: {distinct}",
        "*",
        sel,
    ]
    methods.append(
        _sig(
            "find_many",
            many_params,
            f"List[{T}]",
            f,
            body=_ret(f"List[{T}]", "find_many(take, skip, where, cursor, include, order, distinct, select=select)", f),
        )
    )
    first_params = many_params[1:]
    for name, ret in (("find_first", f"Optional[{T}]"), ("find_first_or_raise", T)):
        methods.append(
            _sig(
                name,
                first_params,
                ret,
                f,
                body=_ret(ret, f"{name}(skip, where, cursor, include, order, distinct, select=select)", f),
            )
        )
    methods.append(
        _sig(
            "update",
            [f"data: types.{n}UpdateInput", f"where: {where_u}", f"include: {inc}", "*", sel],
            f"Optional[{T}]",
            f,
            body=_ret(f"Optional[{T}]", "update(data, where, include, select=select)", f),
        )
    )
    methods.append(
        _sig(
            "upsert",
            [f"where: {where_u}", f"data: types.{n}UpsertInput", f"include: {inc}", "*", sel],
            T,
            f,
            body=_ret(T, "upsert(where, data, include, select=select)", f),
        )
    )
    methods.append(
        _sig(
            "update_many",
            [f"data: types.{n}UpdateManyMutationInput", f"where: types.{n}WhereInput"],
            "int",
            f,
            body=_ret("int", "update_many(data, where)", f),
        )
    )
    count_tail = [
        "take: Optional[int] = None",
        "skip: Optional[int] = None",
        f"where: Optional[types.{n}WhereInput] = None",
        f"cursor: Optional[{where_u}] = None",
    ]
    methods.append(_sig("count", ["select: None = None", *count_tail], "int", f, decorators=("@overload",)))
    methods.append(
        _sig(
            "count",
            [f"select: types.{n}CountAggregateInput", *count_tail],
            f"types.{n}CountAggregateOutput",
            f,
            decorators=("@overload",),
        )
    )
    methods.append(
        _sig(
            "count",
            [f"select: Optional[types.{n}CountAggregateInput] = None", *count_tail],
            f"Union[int, types.{n}CountAggregateOutput]",
            f,
            body=_ret(f"Union[int, types.{n}CountAggregateOutput]", "count(select, take, skip, where, cursor)", f),
        )
    )
    methods.append(
        _sig(
            "delete_many",
            [f"where: Optional[types.{n}WhereInput] = None"],
            "int",
            f,
            body=_ret("int", "delete_many(where)", f),
        )
    )
    methods.append(
        _sig(
            "group_by",
            [
                f"by: List[types.{n}ScalarFieldKeys]",
                "*",
                f"where: Optional[types.{n}WhereInput] = None",
                "take: Optional[int] = None",
                "skip: Optional[int] = None",
                f"avg: Optional[types.{n}AvgAggregateInput] = None",
                f"sum: Optional[types.{n}SumAggregateInput] = None",
                f"min: Optional[types.{n}MinAggregateInput] = None",
                f"max: Optional[types.{n}MaxAggregateInput] = None",
                f"having: Optional[types.{n}ScalarWhereWithAggregatesInput] = None",
                f"count: Optional[Union[bool, types.{n}CountAggregateInput]] = None",
                f"order: Optional[Union[types.{n}OrderByWithAggregateInput, List[types.{n}OrderByWithAggregateInput]]] = None",
            ],
            f"List[types.{n}GroupByOutput]",
            f,
            body=_ret(
                f"List[types.{n}GroupByOutput]",
                "group_by(by, where=where, take=take, skip=skip, avg=avg, sum=sum, min=min, max=max, having=having, count=count, order=order)",
                f,
            ),
        )
    )
    for i, meth in enumerate(methods):
        if i:
            out.append("")
        out += meth
    return out


def render_actions(view: SchemaView, source: str, *, is_async: bool) -> str:
    f = Flavour(is_async)
    prelude = [
        *header(source).splitlines(),
        '"""Typed query actions per model; each call runs through the nexo runtime (compiled, cached SQL)."""'
        if not is_async
        else '"""Typed query actions per model; each call runs through the nexo runtime (compiled, cached SQL).\n\n'
        "Actions are plain functions returning the runtime's coroutine: ``await db.user.find_many()`` as usual.\n"
        '"""',
        "",
        "from __future__ import annotations",
        "",
        *(["from collections.abc import Coroutine"] if is_async else []),
        "from typing import TYPE_CHECKING, Any, Generic, List, Optional, Type, TypeVar, Union"
        + ("" if is_async else ", cast")
        + ", overload",
        "",
        "from . import types",
        "from .bases import _PrismaModel",
        "",
        "if TYPE_CHECKING:",
        "    from .client import Prisma",
        "",
        *names_list("__all__ = [", [f"{m.name}Actions" for m in view.models]),
        "",
        '_PrismaModelT = TypeVar("_PrismaModelT", bound=_PrismaModel)',
    ]
    return module([prelude, *[_actions_class(m, f) for m in view.models]])
