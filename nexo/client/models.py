"""Result rows as pydantic model instances: generated models, partial models and custom ``Base<M>`` classes.

A :class:`ModelShape` is computed once per model class. For the classes nexo generates (marked with
``__nexo_fast__ = True``) rows are decoded *straight into* instances: the row's values are already
the right Python types (the codecs did that), so validation is skipped and the instance's
``__dict__`` is filled directly, the way ``model_construct`` does it but without its per-call
bookkeeping (the values are stored as attributes of an instance of a plain subclass whose class
is then switched, see :attr:`ModelShape.build_class`). ``tests/client/test_fast_build.py`` checks
such instances against normal validation of the same data. Any other class (a hand-written
subclass of a generated ``Base<M>``) goes through ``model_validate``, so its own field types and
validators apply.

A class that declares only some of the model's scalar fields selects only those columns (at the
root and in included relations annotated with such a class), as Prisma Client Python does.

``_count`` (an include beyond Prisma Client Python) is kept as an extra attribute: ``user._count``.
"""

from __future__ import annotations

import inspect
import keyword
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

from nexo.client.errors import FieldNotFoundError, InvalidModelError, UnknownRelationalFieldError
from nexo.client.meta import ModelMeta, SchemaMeta

_new = object.__new__
_SET_FIELDS = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__
_SET_DICT = BaseModel.__dict__["__dict__"].__set__
COUNT_KEY = "_count"


def _model_class_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model class inside ``Optional[List[X]]``-like annotations, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return None
    for arg in typing.get_args(annotation):
        found = _model_class_in(arg)
        if found is not None:
            return found
    return None


class ModelShape:
    """How rows of one schema model become instances of one class (see the module docstring)."""

    def __init__(self, registry: ShapeRegistry, model: ModelMeta, cls: type[BaseModel]) -> None:
        self.registry = registry
        self.model = model
        self.cls = cls
        fields = cls.model_fields
        for name in fields:
            if model.field(name) is None:
                raise FieldNotFoundError(
                    f"Field '{name}' not found in enclosing type '{model.name}' (declared by {cls.__name__})",
                    meta={"field": name},
                )
        self.fast = bool(cls.__dict__.get("__nexo_fast__", False))
        self.names = frozenset(fields)
        scalars = [f.name for f in model.scalar_fields]
        declared = [n for n in scalars if n in fields]
        #: the scalar selection when the class leaves some columns out (None: every column)
        self.select: dict[str, bool] | None = None if len(declared) == len(scalars) else {n: True for n in declared}
        self._rels: dict[str, tuple[ModelShape, bool]] | None = None
        self._raw_fixers: tuple[dict[str, str], list[str], dict[str, dict[str, str]]] | None = None
        self._obj_builders: dict[tuple[str, ...], Callable[[Any], Any]] = {}
        self._build_class: tuple[type | None] | None = None  # (the class,) once decided (see build_class)
        if self.fast and getattr(cls, "__private_attributes__", None):
            raise InvalidModelError(f"{cls.__name__} declares private attributes; generated model classes cannot")

    # ------------------------------------------------------------ relations
    @property
    def rels(self) -> dict[str, tuple[ModelShape, bool]]:
        """Relation field -> (shape of the class it is annotated with, is a list)."""
        if self._rels is None:
            out: dict[str, tuple[ModelShape, bool]] = {}
            for r in self.model.relations:
                info = self.cls.model_fields.get(r.field)
                if info is None:
                    continue
                target = _model_class_in(info.annotation) or self.registry.default_class(r.target)
                out[r.field] = (self.registry.shape(r.target, target), r.is_list)
            self._rels = out
        return self._rels

    def adapt_include(self, include: Any) -> Any:
        """``include`` with a ``select`` added for every included relation annotated with a partial class."""
        if not isinstance(include, dict):
            return include
        out: dict[str, Any] = {}
        for k, v in include.items():
            rel = self.rels.get(k)
            if rel is None or v is False or v is None:
                if rel is None and v is not False and v is not None and k != COUNT_KEY:
                    # the class cannot hold the relation: Prisma Client Python refuses before any query
                    raise UnknownRelationalFieldError(self.cls.__name__, k)
                out[k] = v
                continue
            sub = rel[0]
            args: dict[str, Any] = {} if v is True else dict(v)
            if "include" in args:
                args["include"] = sub.adapt_include(args["include"])
            if sub.select is not None and "select" not in args:
                args["select"] = sub.select
            out[k] = args if args else v
        return out

    # ------------------------------------------------------------ building
    def _slow(self, row: Mapping[str, Any]) -> Any:
        """A validated instance (classes nexo did not generate): nested relations built first."""
        d = {k: v for k, v in row.items() if k in self.names}
        for k, (sub, many) in self.rels.items():
            v = d.get(k)
            if v is not None:
                d[k] = [sub.build(x) for x in v] if many else sub.build(v)
        inst = self.cls.model_validate(d)
        if COUNT_KEY in row:
            _SET_EXTRA(inst, {COUNT_KEY: row[COUNT_KEY]})
        return inst

    def build(self, row: Mapping[str, Any]) -> Any:
        """An instance from a dict of decoded values (a written row, or an object of an included relation)."""
        if not self.fast:
            return self._slow(row)
        key = tuple(row)
        fn = self._obj_builders.get(key)
        if fn is None:
            fn = self._obj_builders[key] = self._compile(key, None, "dict")
        return fn(row)

    def row_builder(self, keys: list[str], decoders: list[Any]) -> Callable[[list[tuple[Any, ...]]], list[Any]]:
        """A function turning the result tuples of one compiled statement (columns ``keys``, values
        read through ``decoders``) into instances."""
        if not self.fast:
            pairs = list(enumerate(zip(keys, decoders, strict=True)))

            def slow(rows: list[tuple[Any, ...]]) -> list[Any]:
                return [self._slow({k: (r[i] if dec is None else dec(r[i])) for i, (k, dec) in pairs}) for r in rows]

            return slow
        return self._compile(tuple(keys), list(decoders), "rows")

    def _compile(
        self, keys: tuple[str, ...], decoders: list[Any] | None, mode: str, tail: int = 0
    ) -> Callable[[Any], Any]:
        """Generated code building instances of :attr:`cls` the way ``model_construct`` would, minus
        its per-call bookkeeping: the fields in field order, then the three other pydantic slots.

        The instance starts as one of :attr:`build_class` (see there), whose attribute stores go
        straight into the instance (a field) or slot, and then becomes an instance of :attr:`cls`
        (``__class__`` assignment). Where a field name does not allow that (``build_class`` is
        None), ``__dict__`` is set from one dict display in field order instead.

        ``mode``: ``"rows"`` (a list of result rows -> a list of instances: the rows of a statement,
        or the related rows of a to-many relation), ``"array"`` (the one related row of a to-one
        relation -> an instance) or ``"dict"`` (a dict of decoded values). ``tail``: values each row
        holds past ``keys`` (ignored)."""
        from nexo.client.compiler import Nested  # the compiler's decoder of included relations

        shadow = self.build_class
        ns: dict[str, Any] = {
            "new": _new,
            "cls": self.cls,
            "shadow": shadow,
            "set_dict": _SET_DICT,
            "set_fields": _SET_FIELDS,
            "set_extra": _SET_EXTRA,
            "set_private": _SET_PRIVATE,
            "proto": {k for k in keys if k in self.names},
        }
        index = {k: i for i, k in enumerate(keys)}

        def at(i: int, name: str) -> str:
            if mode == "dict":
                return f"r[{name!r}]"
            # result tuples are unpacked by the loop itself (cheaper than indexing each value)
            return f"v{i}" if mode == "rows" else f"r[{i}]"

        items: list[tuple[str, str]] = []
        for name in self.cls.model_fields:
            if name not in index:
                items.append((name, "None"))
                continue
            i = index[name]
            expr = at(i, name)
            dec = decoders[i] if decoders is not None else None
            rel = self.rels.get(name)
            if rel is not None and isinstance(dec, Nested):
                sub, many = rel
                if sub.fast:
                    ns[f"n{i}"] = sub._compile(
                        tuple(dec.keys), list(dec.decoders), "rows" if many else "array", dec.tail
                    )
                    expr = f"n{i}({expr})" if many else f"(None if (w{i} := {expr}) is None else n{i}(w{i}))"
                else:
                    ns[f"d{i}"] = dec
                    ns[f"s{i}"] = _relation_builder(sub, many)
                    expr = f"s{i}(d{i}({expr}))"
            else:
                if dec is not None:
                    ns[f"d{i}"] = dec
                    expr = f"d{i}({expr})"
                if rel is not None:
                    ns[f"s{i}"] = _relation_builder(*rel)
                    expr = f"s{i}({expr})"
            items.append((name, expr))
        if COUNT_KEY in index:
            extra = f"{{{COUNT_KEY!r}: {at(index[COUNT_KEY], COUNT_KEY)}}}"
        else:
            extra = "None"
        # in "rows" mode the loop reads these as locals (a local is cheaper than a global, per row)
        loc = "_" if mode == "rows" else ""
        fields_set = "copy_()" if loc else "proto.copy()"
        if shadow is not None:
            body = [f"i = new{loc}(shadow{loc})"]
            body += [f"i.{name} = {expr}" for name, expr in items]
            body += [
                f"i.__pydantic_fields_set__ = {fields_set}",
                f"i.__pydantic_extra__ = {extra}",
                "i.__pydantic_private__ = None",
                f"i.__class__ = cls{loc}",
            ]
        else:
            body = [
                f"i = new{loc}(cls{loc})",
                f"set_dict{loc}(i, {{" + ", ".join(f"{name!r}: {expr}" for name, expr in items) + "})",
                f"set_fields{loc}(i, {fields_set})",
                f"set_extra{loc}(i, {extra})",
                f"set_private{loc}(i, None)",
            ]
        if mode == "rows":
            names = "".join(f"v{i}, " for i in range(len(keys))) + "".join(f"_t{j}, " for j in range(tail))
            src = (
                "def build(rows):\n"
                "    new_, cls_, shadow_, set_dict_, set_fields_, copy_, set_extra_, set_private_ = "
                "new, cls, shadow, set_dict, set_fields, proto.copy, set_extra, set_private\n"
                f"    out = []\n    add = out.append\n    for ({names}) in rows:\n"
            )
            src += "".join(f"        {line}\n" for line in body) + "        add(i)\n    return out\n"
        else:
            src = "def build(r):\n" + "".join(f"    {line}\n" for line in body) + "    return i\n"
        exec(compile(src, f"<nexo row builder {self.cls.__name__}>", "exec"), ns)
        return ns["build"]  # type: ignore[no-any-return]

    @property
    def build_class(self) -> type | None:
        """A subclass of :attr:`cls` that instances are built as, then turned into :attr:`cls`.

        Its ``__setattr__`` and ``__delattr__`` are ``object``'s (both: with either one pydantic's,
        CPython would dispatch every store through Python), so attribute stores take CPython's own
        fast paths: no pydantic ``__setattr__`` and no dict display per row, the values go into the
        instance's own attribute storage, in field order, the order ``__dict__`` keeps (measured:
        about a third less time per row than setting ``__dict__`` from a dict display). Made with
        ``type.__new__``, so pydantic's metaclass does not process it (it is never a model of its
        own, only a way to fill an instance's slots). It adds no slots, so ``__class__`` assignment
        between the two is allowed. None when a field name is not a plain identifier or is taken
        by a data descriptor of the class (a property, a slot): such a store would not reach the
        instance."""
        if self._build_class is None:
            self._build_class = (self._make_build_class(),)
        return self._build_class[0]

    def _make_build_class(self) -> type | None:
        cls = self.cls
        names = list(cls.model_fields)
        if not all(n.isidentifier() and not keyword.iskeyword(n) and not n.startswith("__") for n in names):
            return None
        if any(hasattr(type(inspect.getattr_static(cls, n, None)), "__set__") for n in names):
            return None
        ns = {
            "__slots__": (),
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
            "__module__": cls.__module__,
            "__qualname__": f"{cls.__qualname__}.<nexo build class>",
        }
        try:
            return type.__new__(type(cls), f"_NexoBuild{cls.__name__}", (cls,), ns)
        except TypeError:  # a metaclass that will not have it: the dict display then
            return None

    def validate(self, row: Mapping[str, Any]) -> Any:
        """An instance from loosely typed values (raw query results): always validated.

        Columns may be named by field or by database column; a NULL scalar list becomes ``[]`` and
        enum values are given by their Prisma names, as model attributes hold them."""
        fixers = self._raw_fixers
        if fixers is None:
            fixers = self._raw_fixers = self._make_raw_fixers()
        renames, lists, enums = fixers
        d = {renames.get(k, k): v for k, v in row.items()}
        for k in lists:
            if k in d and d[k] is None:
                d[k] = []
        for k, rev in enums.items():
            v = d.get(k)
            if isinstance(v, str):
                d[k] = rev.get(v, v)
            elif isinstance(v, list):
                d[k] = [rev.get(x, x) for x in v]
        return self.cls.model_validate(d)

    def _make_raw_fixers(self) -> tuple[dict[str, str], list[str], dict[str, dict[str, str]]]:
        fields = self.cls.model_fields
        renames = {f.db_name: f.name for f in self.model.scalar_fields if f.db_name != f.name and f.name in fields}
        lists = [f.name for f in self.model.scalar_fields if f.is_list and f.name in fields]
        enums = {}
        for f in self.model.scalar_fields:
            if f.kind == "enum" and f.name in fields:
                e = self.registry.meta.enums.get(f.type)
                if e is not None:
                    enums[f.name] = {db: name for name, db in e.values.items()}
        return renames, lists, enums


def _relation_builder(sub: ModelShape, many: bool) -> Callable[[Any], Any]:
    build = sub.build
    if many:
        return lambda v: None if v is None else [build(x) for x in v]
    return lambda v: None if v is None else build(v)


class ShapeRegistry:
    """The shapes of one generated package: model name -> generated class, and every class seen."""

    def __init__(
        self, meta: SchemaMeta, classes: Mapping[str, type[BaseModel]] | Callable[[], Mapping[str, type[BaseModel]]]
    ) -> None:
        self.meta = meta
        self._classes = classes
        self._shapes: dict[tuple[str, type[BaseModel]], ModelShape] = {}

    def classes(self) -> Mapping[str, type[BaseModel]]:
        c = self._classes
        if callable(c):
            c = self._classes = c()
        return c

    def default_class(self, model: str) -> type[BaseModel]:
        return self.classes()[model]

    def shape(self, model: str, cls: type[BaseModel]) -> ModelShape:
        got = self._shapes.get((model, cls))
        if got is None:
            declared = getattr(cls, "__prisma_model__", model)
            if declared != model:
                raise InvalidModelError(f"{cls.__name__} is a model class of {declared}, not of {model}")
            got = self._shapes[(model, cls)] = ModelShape(self, self.meta.model(model), cls)
        return got
