"""``actions.py``, ``client.py`` and the small re-exporting modules of the generated package.

The same text serves both interfaces: ``asyncio`` gets ``async def`` / ``await`` and the asyncio
runtime (``nexo.client.engine``), ``sync`` plain functions and ``nexo.client.engine_sync``.
"""

from __future__ import annotations

from collections.abc import Sequence

from nexo.schema.client_view import SchemaView, VModel

from .emit import annotated, header, module, names_list, q

ERRORS = (
    "PrismaError",
    "DataError",
    "UniqueViolationError",
    "ForeignKeyViolationError",
    "MissingRequiredValueError",
    "FieldNotFoundError",
    "TableNotFoundError",
    "RawQueryError",
    "RecordNotFoundError",
    "InputError",
    "TransactionError",
    "TransactionExpiredError",
    "TransactionNotStartedError",
    "ClientNotConnectedError",
    "ClientAlreadyRegisteredError",
    "ClientNotRegisteredError",
    "UnsupportedDatabaseError",
    "BuilderError",
    "InvalidModelError",
    "UnknownModelError",
    "UnknownRelationalFieldError",
    "HTTPClientClosedError",
    "GeneratorError",
    "UnsupportedListTypeError",
    "PrismaWarning",
    "UnsupportedSubclassWarning",
)
ENGINE_ERRORS = (
    "EngineError",
    "AlreadyConnectedError",
    "NotConnectedError",
    "EngineConnectionError",
    "EngineRequestError",
)
# what the generated ``_compat.py`` and ``utils.py`` re-export from nexo.client.compat (Prisma Client Python's names)
COMPAT_NAMES = (
    "BaseConfig",
    "BaseSettings",
    "BaseSettingsConfig",
    "ConfigDict",
    "CoreSchema",
    "ENV_VAR_KEY",
    "Field",
    "GenericModel",
    "GetCoreSchemaHandler",
    "PYDANTIC_V2",
    "cached_property",
    "core_schema",
    "field_validator",
    "get_args",
    "get_origin",
    "get_running_loop",
    "is_field_required",
    "is_literal_type",
    "is_typeddict",
    "is_union",
    "model_copy",
    "model_dict",
    "model_field_type",
    "model_fields",
    "model_json",
    "model_json_schema",
    "model_parse",
    "model_parse_json",
    "model_rebuild",
    "removeprefix",
    "removesuffix",
    "root_validator",
)
UTILS_NAMES = (
    "DEBUG",
    "DEBUG_GENERATOR",
    "assert_never",
    "async_run",
    "get_or_create_event_loop",
    "is_coroutine",
    "maybe_async_run",
    "module_exists",
    "monkeypatch",
    "setup_logging",
    "temp_env_update",
    "time_since",
)


class _Flavour:
    def __init__(self, is_async: bool) -> None:
        self.is_async = is_async
        self.a = "async " if is_async else ""
        self.w = "await " if is_async else ""
        self.engine = "nexo.client.engine" if is_async else "nexo.client.engine_sync"
        self.enter = "__aenter__" if is_async else "__enter__"
        self.exit = "__aexit__" if is_async else "__exit__"


def _sig(
    name: str,
    params: list[str],
    ret: str,
    f: _Flavour,
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


def _ret(cast_to: str | None, call: str, f: _Flavour) -> list[str]:
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


def _actions_class(m: VModel, f: _Flavour) -> list[str]:
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
    f = _Flavour(is_async)
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


def _batch_actions(m: VModel) -> list[str]:
    n = m.name
    inc = f"Optional[types.{n}Include] = None"
    wu = f"types.{n}WhereUniqueInput"

    def meth(name: str, params: list[str], call: str) -> list[str]:
        one = f"    def {name}(self, {', '.join(params)}) -> None:"
        head = (
            [one]
            if len(one) <= 110
            else [f"    def {name}(", "        self,", *[f"        {p}," for p in params], "    ) -> None:"]
        )
        return head + [f"        self._impl.{call}"]

    out = [
        f"class {n}BatchActions:",
        f'    """{n} writes queued on a batch (sent in one transaction on commit)."""',
        "",
        '    __slots__ = ("_impl",)',
        "",
        "    def __init__(self, impl: _BatchActions) -> None:",
        "        self._impl = impl",
    ]
    for block in (
        meth("create", [f"data: types.{n}CreateInput", f"include: {inc}"], "create(data, include)"),
        meth(
            "create_many",
            [f"data: List[types.{n}CreateWithoutRelationsInput]", "*", "skip_duplicates: Optional[bool] = None"],
            "create_many(data, skip_duplicates=skip_duplicates)",
        ),
        meth(
            "update", [f"data: types.{n}UpdateInput", f"where: {wu}", f"include: {inc}"], "update(data, where, include)"
        ),
        meth(
            "upsert", [f"where: {wu}", f"data: types.{n}UpsertInput", f"include: {inc}"], "upsert(where, data, include)"
        ),
        meth("delete", [f"where: {wu}", f"include: {inc}"], "delete(where, include)"),
        meth(
            "update_many",
            [f"data: types.{n}UpdateManyMutationInput", f"where: types.{n}WhereInput"],
            "update_many(data, where)",
        ),
        meth("delete_many", [f"where: Optional[types.{n}WhereInput] = None"], "delete_many(where)"),
    ):
        out += [""] + block
    return out


def render_client(
    view: SchemaView, source: str, *, is_async: bool, schema_rel: str | None = None, packaged: bool = False
) -> str:
    f = _Flavour(is_async)
    a, w = f.a, f.w
    prelude = [
        *header(source).splitlines(),
        '"""The client: ``Prisma`` (alias ``Client``), transactions, tenant sessions, batches and the registry."""',
        "",
        "from __future__ import annotations",
        "",
        "import os",
        "import warnings",
        "from collections.abc import Callable",
        "from datetime import timedelta",
        "from pathlib import Path",
        "from functools import cached_property",
        "from typing import Any, Dict, List, Optional, Type, TypeVar, Union, cast, overload",
        "",
        "from pydantic import BaseModel",
        "",
        f"from {f.engine} import Batch as _Batch",
        f"from {f.engine} import BatchActions as _BatchActions",
        f"from {f.engine} import Client as _Client",
        f"from {f.engine} import TransactionManager as _TransactionManager",
        "from nexo.client.meta import SchemaMeta",
        "from nexo.client.models import ShapeRegistry",
        "from nexo.client.support import Registry",
        "from nexo.client.support import load_env as _load_env",
        "",
        "from . import actions, models, types",
        "from .metadata import META",
        "",
        "__all__ = [",
        '    "SCHEMA_PATH",',
        '    "Batch",',
        '    "Client",',
        '    "Prisma",',
        '    "TransactionManager",',
        '    "get_client",',
        '    "load_env",',
        '    "register",',
        *[f'    "{m.name}BatchActions",' for m in view.models],
        "]",
        "",
        "__nexo_runtime__ = True  # warnings skip this module's frames (nexo.client.support.user_stacklevel)",
        "",
        '_BaseModelT = TypeVar("_BaseModelT", bound=BaseModel)',
        "_META = SchemaMeta.from_dict(META)",
        "",
        "#: the schema this package was generated from (stored relative to the package)",
        (
            f"SCHEMA_PATH = Path(__file__).parent.joinpath({q(schema_rel)}).resolve()"
            if schema_rel is not None
            else f"SCHEMA_PATH = Path(__file__).parent.joinpath({q(source)})"
        ),
        "#: the copy of the schema inside the package (the schema itself when it lives in the package folder)",
        (
            'PACKAGED_SCHEMA_PATH = Path(__file__).parent.joinpath("schema.prisma")'
            if packaged
            else "PACKAGED_SCHEMA_PATH = SCHEMA_PATH"
        ),
    ]
    tx = [
        "class TransactionManager(_TransactionManager):",
        '    """An interactive transaction or tenant session; entering it gives a ``Prisma`` bound to it."""',
        "",
        f"    {a}def start(self) -> Prisma:",
        f'        return cast("Prisma", {w}super().start())',
        "",
        f"    {a}def {f.enter}(self) -> Prisma:",
        f"        return {w}self.start()",
    ]
    batch = [
        "class Batch(_Batch):",
        '    """Writes queued and sent together in one transaction: ``b.user.create(...)``, then commit."""',
        "",
        f"    {a}def {f.enter}(self) -> Batch:",
        "        return self",
    ]
    for m in view.models:
        batch += [
            "",
            "    @cached_property",
            f"    def {m.instance_name}(self) -> {m.name}BatchActions:",
            f"        return {m.name}BatchActions(self.model({q(m.name)}))",
        ]
    classes = [f"{q(m.name)}: models.{m.name}" for m in view.models]
    shapes = "ShapeRegistry(_META, lambda: {" + ", ".join(classes) + "})"
    if len(shapes) > 90:
        shapes = (
            "ShapeRegistry(\n        _META,\n        lambda: {\n"
            + "".join(f"            {c},\n" for c in classes)
            + "        },\n    )"
        )
    lazy = "(" + "".join(f"{q(m.instance_name)}, " for m in view.models).rstrip(" ") + ")" if view.models else "()"
    prisma = [
        "class Prisma(_Client):",
        '    """The database client: ``db = Prisma()``, ``'
        + w
        + "db.connect()``, ``"
        + w
        + 'db.user.find_many()``."""',
        "",
        f"    _shapes = {shapes}",
        f"    _LAZY = {lazy}",
        "    _TX_MANAGER = TransactionManager",
        "    _BATCH = Batch",
        '    _active_provider = "postgresql"',
        "",
        "    def __init__(",
        "        self,",
        "        *,",
        "        use_dotenv: bool = True,",
        "        log_queries: bool = False,",
        "        auto_register: bool = False,",
        "        datasource: Optional[types.DatasourceOverride] = None,",
        "        connect_timeout: Union[int, timedelta] = timedelta(seconds=10),",
        "        http: Optional[types.HttpConfig] = None,",
        "        tenant_guard: bool = False,",
        "    ) -> None:",
        "        if use_dotenv:",
        "            load_env()",
        "        if isinstance(connect_timeout, int):",
        "            warnings.warn(",
        '                "connect_timeout as an int (seconds) is deprecated; pass a timedelta", DeprecationWarning, stacklevel=2',
        "            )",
        "            connect_timeout = timedelta(seconds=connect_timeout)",
        "        url = None",
        "        if datasource is not None:",
        '            url = datasource.get("url") or (os.environ.get(datasource["env"]) if "env" in datasource else None)',
        "        super().__init__(",
        "            _META, url, connect_timeout=connect_timeout, log_queries=log_queries, tenant_guard=tenant_guard",
        "        )",
        "        if auto_register:",
        "            register(self)",
    ]
    for m in view.models:
        prisma += [
            "",
            "    @cached_property",
            f"    def {m.instance_name}(self) -> actions.{m.name}Actions[models.{m.name}]:",
            f"        return actions.{m.name}Actions(self, models.{m.name})",
        ]
    prisma += [
        "",
        "    def is_registered(self) -> bool:",
        "        return _REGISTRY.is_registered(self)",
        "",
        f"    {a}def {f.enter}(self) -> Prisma:",
        f"        {w}self.connect()",
        "        return self",
        "",
        "    def tx(",
        "        self,",
        "        *,",
        "        max_wait: Union[timedelta, float] = timedelta(seconds=2),",
        "        timeout: Union[timedelta, float, None] = timedelta(seconds=5),",
        "        isolation_level: Optional[str] = None,",
        "    ) -> TransactionManager:",
        '        """An interactive transaction: ``'
        + a
        + 'with db.tx() as tx:`` commits at the end, rolls back on error."""',
        "        return cast(TransactionManager, super().tx(max_wait=max_wait, timeout=timeout, isolation_level=isolation_level))",
        "",
        "    def tenant(",
        "        self,",
        "        account_id: Any,",
        "        *,",
        "        max_wait: Union[timedelta, float] = timedelta(seconds=10),",
        "        timeout: Union[timedelta, float, None] = None,",
        "        isolation_level: Optional[str] = None,",
        "    ) -> TransactionManager:",
        '        """A tenant session: one transaction whose first statement sets the tenant setting (row-level security)."""',
        "        return cast(",
        "            TransactionManager,",
        "            super().tenant(account_id, max_wait=max_wait, timeout=timeout, isolation_level=isolation_level),",
        "        )",
        "",
        "    def batch_(self) -> Batch:",
        "        return cast(Batch, super().batch_())",
        "",
        "    @overload  # type: ignore[override]",
        f"    {a}def query_raw(self, query: str, *args: Any) -> List[Dict[str, Any]]: ...",
        "",
        "    @overload",
        f"    {a}def query_raw(self, query: str, *args: Any, model: Type[_BaseModelT]) -> List[_BaseModelT]: ...",
        "",
        f"    {a}def query_raw(self, query: str, *args: Any, model: Optional[Type[BaseModel]] = None) -> Any:",
        f"        return {w}super().query_raw(query, *args, model=model)",
        "",
        "    @overload  # type: ignore[override]",
        f"    {a}def query_first(self, query: str, *args: Any) -> Optional[Dict[str, Any]]: ...",
        "",
        "    @overload",
        f"    {a}def query_first(self, query: str, *args: Any, model: Type[_BaseModelT]) -> Optional[_BaseModelT]: ...",
        "",
        f"    {a}def query_first(self, query: str, *args: Any, model: Optional[Type[BaseModel]] = None) -> Any:",
        f"        return {w}super().query_first(query, *args, model=model)",
    ]
    tail = [
        "Client = Prisma",
        "_REGISTRY: Registry[Prisma] = Registry(Prisma)",
    ]
    funcs = [
        "def register(client: Union[Prisma, Callable[[], Prisma]]) -> None:",
        '    """Register the client used by ``Model.prisma()`` (once per process)."""',
        "    _REGISTRY.register(client)",
    ]
    get = [
        "def get_client() -> Prisma:",
        '    """The registered client (raises ClientNotRegisteredError when there is none)."""',
        "    return _REGISTRY.get()",
    ]
    env = [
        "def load_env() -> None:",
        '    """Load ``.env`` and ``prisma/.env`` (variables already set are kept)."""',
        "    _load_env()",
    ]
    return module([prelude, tx, batch, *[_batch_actions(m) for m in view.models], prisma, tail, funcs, get, env])


def render_small(view: SchemaView, source: str, package_doc: str) -> dict[str, str]:
    h = header(source).splitlines()
    files: dict[str, str] = {}
    files["fields.py"] = module(
        [
            [
                *h,
                '"""``Json`` and ``Base64`` value wrappers."""',
                "",
                "from nexo.client.fields import Base64, Json, JsonValue",
                "",
                '__all__ = ["Base64", "Json", "JsonValue"]',
            ]
        ]
    )

    def reexport(names: Sequence[str]) -> list[str]:
        """``from nexo.client.errors import (...)`` and ``__all__`` for ``names``."""
        return [
            "from nexo.client.errors import (",
            *[f"    {e}," for e in names],
            ")",
            "",
            "__all__ = [",
            *[f"    {q(e)}," for e in names],
            "]",
        ]

    files["errors.py"] = module([[*h, '"""Prisma Client Python\'s exception classes."""', "", *reexport(ERRORS)]])
    for name, names, doc in (
        ("_compat.py", COMPAT_NAMES, "pydantic helpers of Prisma Client Python's ``prisma._compat``."),
        ("utils.py", UTILS_NAMES, "Helpers of Prisma Client Python's ``prisma.utils``."),
    ):
        files[name] = module(
            [
                [
                    *h,
                    f'"""{doc}"""',
                    "",
                    "from nexo.client.compat import (",
                    *[f"    {n} as {n}," for n in names],
                    ")",
                    "",
                    "__all__ = [",
                    *[f"    {q(n)}," for n in names],
                    "]",
                ]
            ]
        )
    files["engine/__init__.py"] = module(
        [
            [
                *h,
                '"""Engine errors (kept for imports written for Prisma Client Python)."""',
                "",
                "from . import errors",
                "",
                '__all__ = ["errors"]',
            ]
        ]
    )
    files["engine/errors.py"] = module([[*h, '"""Connection-level errors."""', "", *reexport(ENGINE_ERRORS)]])
    files["testing.py"] = module(
        [
            [
                *h,
                '"""Helpers for tests: swap or remove the registered client."""',
                "",
                "from __future__ import annotations",
                "",
                "from collections.abc import Iterator",
                "from contextlib import contextmanager",
                "from typing import Optional",
                "",
                "from .client import _REGISTRY, Prisma",
                "",
                '__all__ = ["reset_client", "unregister_client"]',
            ],
            [
                "@contextmanager",
                "def reset_client(new_client: Optional[Prisma] = None) -> Iterator[None]:",
                '    """Register ``new_client`` (or nothing) for the block, then restore the previous registration."""',
                "    old = _REGISTRY.replace(new_client)",
                "    try:",
                "        yield",
                "    finally:",
                "        _REGISTRY.replace(old)",
            ],
            [
                "def unregister_client() -> None:",
                '    """Forget the registered client."""',
                "    _REGISTRY.replace(None)",
            ],
        ]
    )
    exports = [
        "Base64",
        "Batch",
        "Client",
        "Json",
        "Metric",
        "MetricHistogram",
        "Metrics",
        "Prisma",
        "SCHEMA_PATH",
        "get_client",
        "load_env",
        "register",
        "validate",
    ]
    modules = ["actions", "bases", "enums", "errors", "fields", "metadata", "models", "partials", "types"]
    files["__init__.py"] = module(
        [
            [
                *h,
                f'"""{package_doc}"""',
                "",
                *_runtime_check(),
                "",
                *[f"from . import {mod} as {mod}" for mod in modules],
                "from nexo.client.metrics import Metric, MetricHistogram, Metrics",
                "from nexo.client.validator import validate",
                "",
                "from .client import SCHEMA_PATH, Batch, Client, Prisma, get_client, load_env, register",
                "from .fields import Base64, Json",
                "",
                f'__version__ = "{_version()}"',
                "__all__ = [",
                *[f"    {q(x)}," for x in sorted(exports + modules + ["__version__"])],
                "]",
            ]
        ]
    )
    files["py.typed"] = ""
    return files


def _version() -> str:
    from nexo import __version__

    return f"{__version__}+nexo"


def _runtime_check() -> list[str]:
    """Lines that refuse, on import, a nexo runtime of another release line (major.minor) than the one that
    generated the package, with the command that fixes it. A source tree's ``+src`` version is not judged."""
    from nexo import __version__

    return [
        "import nexo as _nexo",
        "",
        f'_GENERATED_WITH = "{__version__}"',
        "",
        "",
        "def _release(version: str) -> list[str]:",
        '    return version.split("+")[0].split(".")[:2]',
        "",
        "",
        'if _release(_nexo.__version__) != _release(_GENERATED_WITH) and "+src" not in _nexo.__version__ + _GENERATED_WITH:',
        "    raise ImportError(",
        '        f"{__name__} was generated by nexo {_GENERATED_WITH} (nexo db:generate), but the installed nexo runtime "',
        '        f"is {_nexo.__version__}. Regenerate the client with this runtime (nexo db:generate), or install the "',
        "        f\"runtime it was generated for: pip install 'nexo=={'.'.join(_release(_GENERATED_WITH))}.*'\"",
        "    )",
    ]
