"""``enums.py``, ``models.py``, ``bases.py``, ``partials.py`` and ``metadata.py`` of the generated package."""

from __future__ import annotations

import pprint
from typing import Any

from nexo.schema.client_view import SchemaView, VModel

from . import pytypes
from .emit import docstring, header, module, names_list, q

MODEL_CONFIG = (
    "ConfigDict(\n"
    "        use_enum_values=True,\n"
    "        arbitrary_types_allowed=True,\n"
    "        populate_by_name=True,\n"
    "        protected_namespaces=(),\n"
    "        use_attribute_docstrings=True,\n"
    "    )"
)


def render_enums(view: SchemaView, source: str) -> str:
    prelude = [
        *header(source).splitlines(),
        '"""The schema\'s enums as ``str`` enums (members and values are the Prisma value names)."""',
        "",
        "from __future__ import annotations",
        "",
        "from enum import StrEnum",
        "",
        *names_list("__all__ = [", [e.name for e in view.enums]),
    ]
    blocks = [prelude]
    for e in view.enums:
        body = [f"class {e.name}(StrEnum):"]
        doc = docstring(e.doc, "    ")
        if doc:
            body += doc + [""]
        for name, _db in e.values:
            body.append(f"    {name} = {q(name)}")
            body += docstring(e.value_docs.get(name), "    ")
        blocks.append(body)
    return module(blocks)


def _model_body(m: VModel, fields: list[tuple[str, str, bool, str | None]]) -> list[str]:
    out = []
    for name, ann, default, doc in fields:
        out.append(f"    {name}: {ann}" + (" = None" if default else ""))
        out += docstring(doc, "    ")
    return out


def render_models(view: SchemaView, source: str) -> str:
    prelude = [
        *header(source).splitlines(),
        '"""The schema\'s models as pydantic v2 classes. Relation fields are None unless included."""',
        "",
        "from __future__ import annotations",
        "",
        "import datetime",
        "import decimal",
        "from typing import Any, List, Optional",
        "",
        "from . import bases, enums, fields",
        "",
        *names_list("__all__ = [", [m.name for m in view.models]),
    ]
    blocks = [prelude]
    for m in view.models:
        body = [f"class {m.name}(bases.Base{m.name}):"]
        body += docstring(m.doc or f"Represents a {m.name} record.", "    ")
        body += ["", "    __nexo_fast__ = True", ""]
        fields = []
        for f in m.fields:
            ann, default = pytypes.model_attr(f)
            fields.append((f.name, ann, default, f.doc))
        body += _model_body(m, fields)
        blocks.append(body)
    blocks.append([f"{m.name}.model_rebuild()" for m in view.models])
    return module(blocks)


def render_bases(view: SchemaView, source: str, *, is_async: bool) -> str:
    prelude = [
        *header(source).splitlines(),
        '"""Base classes of the models: ``Base<Model>`` carries ``prisma()``; subclass it for your own',
        'field selections (a class declaring fewer fields selects fewer columns)."""',
        "",
        "from __future__ import annotations",
        "",
        "import warnings",
        "from collections.abc import Iterable, Mapping",
        "from typing import TYPE_CHECKING, Any, ClassVar, Dict, Optional, Tuple, Type, TypeVar",
        "",
        "from pydantic import BaseModel, ConfigDict, model_validator",
        "",
        "from nexo.client import support as _support",
        "",
        "from . import metadata",
        "",
        "if TYPE_CHECKING:",
        "    from . import actions",
        "    from .client import Prisma",
        "",
        *names_list("__all__ = [", [f"Base{m.name}" for m in view.models]),
    ]
    base = [
        "class _PrismaModel(BaseModel):",
        f"    model_config = {MODEL_CONFIG}",
        "",
        "    __prisma_model__: ClassVar[str]",
        "    __nexo_fast__: ClassVar[bool] = False",
        "    __nexo_lists__: ClassVar[Tuple[str, ...]] = ()",
        "",
        "    if TYPE_CHECKING:",
        "        # set only when `_count` is included (kept as an extra attribute, not a field)",
        "        _count: Dict[str, int]",
        "",
        "    def __init_subclass__(cls, *, warn_subclass: Optional[bool] = None, **kwargs: Any) -> None:",
        '        """Accepts Prisma Client Python\'s deprecated ``warn_subclass`` class argument (with its DeprecationWarning)."""',
        "        if warn_subclass is not None:",
        "            warnings.warn(",
        '                "The `warn_subclass` argument is deprecated as it is no longer necessary and will be removed in the next release",',
        "                DeprecationWarning,",
        "                stacklevel=3,",
        "            )",
        "        super().__init_subclass__(**kwargs)",
        "",
        '    @model_validator(mode="before")',
        "    @classmethod",
        "    def _null_lists(cls, data: Any) -> Any:",
        '        """A NULL scalar list is an empty list (as in Prisma Client Python)."""',
        "        if isinstance(data, dict) and any(data.get(k, ()) is None for k in cls.__nexo_lists__):",
        "            data = {k: ([] if v is None and k in cls.__nexo_lists__ else v) for k, v in data.items()}",
        "        return data",
        "",
        "    @classmethod",
        "    def create_partial(",
        "        cls,",
        "        name: str,",
        "        include: Optional[Iterable[str]] = None,",
        "        exclude: Optional[Iterable[str]] = None,",
        "        required: Optional[Iterable[str]] = None,",
        "        optional: Optional[Iterable[str]] = None,",
        "        relations: Optional[Mapping[str, str]] = None,",
        "        exclude_relational_fields: bool = False,",
        "    ) -> None:",
        '        """Declare a partial model (only inside the partial type generator that `nexo db:generate` runs)."""',
        "        _support.create_partial(",
        "            cls,",
        "            name,",
        "            relational_fields=metadata.RELATIONAL_FIELD_MAPPINGS.get(cls.__prisma_model__, {}),",
        "            include=include,",
        "            exclude=exclude,",
        "            required=required,",
        "            optional=optional,",
        "            relations=relations,",
        "            exclude_relational_fields=exclude_relational_fields,",
        "        )",
    ]
    blocks = [prelude, base]
    for m in view.models:
        tv = f"_Base{m.name}T"
        blocks.append([f'{tv} = TypeVar("{tv}", bound="Base{m.name}")'])
        blocks.append(
            [
                f"class Base{m.name}(_PrismaModel):",
                f"    __prisma_model__: ClassVar[str] = {q(m.name)}",
                f"    __nexo_lists__: ClassVar[Tuple[str, ...]] = {_tuple([f.name for f in m.scalars if f.is_list])}",
                "",
                "    @classmethod",
                f"    def prisma(cls: Type[{tv}], client: Optional[Prisma] = None) -> actions.{m.name}Actions[{tv}]:",
                f'        """The query actions of {m.name}, returning instances of this class (``get_client()`` unless given)."""',
                "        from . import actions",
                "        from .client import get_client",
                "",
                f"        return actions.{m.name}Actions(client if client is not None else get_client(), cls)",
            ]
        )
    return module(blocks)


def render_partials(view: SchemaView, source: str, partials: list[dict[str, Any]]) -> str:
    names = [p["name"] for p in partials]
    prelude = [
        *header(source).splitlines(),
        '"""Partial models declared by the partial type generator (``Model.create_partial``)."""',
        "",
        "from __future__ import annotations",
        "",
        "import datetime",
        "import decimal",
        "from typing import Any, List, Optional",
        "",
        "from . import bases, enums, fields, models",
        "",
        *names_list("__all__ = [", names),
    ]
    blocks = [prelude]
    for p in partials:
        m = view.model(p["model"])
        body = [f"class {p['name']}(bases.Base{m.name}):", "    __nexo_fast__ = True", ""]
        fields = []
        for name in p["fields"]:
            f = m.field(name)
            assert f is not None
            if f.is_relation:
                target = p["relations"].get(name) or f"models.{f.type}"
                ann, default = pytypes.model_attr(f, target)
            elif name in p["required"]:
                ann, default = (
                    (f"List[{pytypes.base(f, model=True)}]" if f.is_list else pytypes.base(f, model=True)),
                    False,
                )
            elif name in p["optional"]:
                inner = f"List[{pytypes.base(f, model=True)}]" if f.is_list else pytypes.base(f, model=True)
                ann, default = f"Optional[{inner}]", True
            else:
                ann, default = pytypes.model_attr(f)
            fields.append((name, ann, default, f.doc))
        body += _model_body(m, fields)
        blocks.append(body)
    if partials:
        blocks.append([f"{n}.model_rebuild()" for n in names])
    return module(blocks)


def render_metadata(view: SchemaView, source: str) -> str:
    meta = view.meta()
    rels = {m.name: {f.name: f.type for f in m.relations} for m in view.models}
    prelude = [
        *header(source).splitlines(),
        '"""The schema as the nexo runtime compiles queries against it (tables, columns, keys, relations)."""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any, Dict, Set",
    ]
    return module(
        [
            prelude,
            ["META: Dict[str, Any] = " + _literal(meta)],
            [
                "PRISMA_MODELS: Set[str] = "
                + ("{" + ", ".join(q(m.name) for m in view.models) + "}" if view.models else "set()")
            ],
            ["RELATIONAL_FIELD_MAPPINGS: Dict[str, Dict[str, str]] = " + _literal(rels)],
        ]
    )


def _tuple(names: list[str]) -> str:
    if not names:
        return "()"
    return "(" + ", ".join(q(n) for n in names) + ("," if len(names) == 1 else "") + ")"


def _literal(value: Any) -> str:
    return pprint.pformat(value, indent=4, width=110, sort_dicts=False)
