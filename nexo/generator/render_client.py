"""``client.py`` of the generated package: ``Prisma`` (alias ``Client``), transactions, batches and the registry.

The same text serves both interfaces (:class:`~nexo.generator.emit.Flavour`): ``asyncio`` gets ``async def`` /
``await`` and the asyncio runtime (``nexo.client.engine``), ``sync`` plain functions and ``nexo.client.engine_sync``.

``actions.py`` is rendered by :mod:`nexo.generator.render_actions`, the small re-exporting modules by
:mod:`nexo.generator.render_small`; both are re-exported here under their former import path.
"""

from __future__ import annotations

from nexo.schema.client_view import SchemaView, VModel

from .emit import Flavour, header, module, q
from .render_actions import render_actions
from .render_small import COMPAT_NAMES, ENGINE_ERRORS, ERRORS, UTILS_NAMES, render_small

__all__ = [
    "COMPAT_NAMES",
    "ENGINE_ERRORS",
    "ERRORS",
    "UTILS_NAMES",
    "render_actions",
    "render_client",
    "render_small",
]


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
    f = Flavour(is_async)
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
