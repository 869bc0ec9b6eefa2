"""Relation repair for ``nexo format`` (Prisma's "magic reformat"), the first of its two steps.

When the schema's relations can be resolved, the pieces ``prisma format`` adds are inserted into the
source text: a missing back-relation field (``posts Post[]``), a missing forward relation field with
its ``@relation(fields, references)``, the scalar fields such a relation needs, a missing
``@relation`` attribute and missing ``fields:``/``references:`` arguments. :func:`relation_insertions`
says what goes where, per file; :func:`apply_insertions` puts it into one file's text. The layout
step (:mod:`nexo.psl.format`) then parses and re-emits the repaired text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import ast as A
from .inflection import camel_case, lower_first, to_plural, upper_first

SCALAR_TYPES = frozenset(("String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes"))


@dataclass
class Insertion:
    """Text to insert at an offset of one file (Prisma's "missing bit")."""

    position: int
    content: str


@dataclass
class _ModelInfo:
    file: str
    model: A.Model
    source: str

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def ignored(self) -> bool:
        return any(a.name == "ignore" for a in self.model.attributes)

    def field(self, name: str) -> A.Field | None:
        for f in self.model.fields:
            if f.name == name:
                return f
        return None

    def unique_criteria(self) -> list[list[str]]:
        """Field-name lists that are unique, in Prisma's order: primary key, then @unique, then @@unique."""
        out: list[list[str]] = []
        for f in self.model.fields:
            if any(a.name == "id" for a in f.attributes):
                out.append([f.name])
        for a in self.model.attributes:
            if a.name == "id":
                names = _field_list(a)
                if names:
                    out.append(names)
        out = out[:1]
        for f in self.model.fields:
            if any(a.name == "unique" for a in f.attributes):
                out.append([f.name])
        for a in self.model.attributes:
            if a.name == "unique":
                names = _field_list(a)
                if names:
                    out.append(names)
        return out


def _field_list(attr: A.Attribute) -> list[str]:
    """The field names of ``@@id([...])`` / ``@@unique([...])`` (first positional or ``fields:``)."""
    arg = attr.named("fields") or (attr.positional[0] if attr.positional else None)
    if arg is None or not isinstance(arg.value, A.ArrayValue):
        return []
    names = []
    for item in arg.value.items:
        if isinstance(item, (A.ConstantValue, A.FunctionCall)):
            names.append(item.name)
        else:
            return []
    return names


@dataclass
class _RelField:
    info: _ModelInfo
    field: A.Field

    @property
    def target(self) -> str:
        assert self.field.type is not None
        return self.field.type.name

    @property
    def arity(self) -> str:
        assert self.field.type is not None
        return self.field.type.arity

    @property
    def relation(self) -> A.Attribute | None:
        for a in self.field.attributes:
            if a.name == "relation":
                return a
        return None

    @property
    def relation_name(self) -> str:
        rel = self.relation
        if rel is None:
            return ""
        arg = rel.named("name") or (rel.positional[0] if rel.positional else None)
        if arg is not None and isinstance(arg.value, A.StringValue):
            return arg.value.value
        return ""

    def list_arg(self, name: str) -> list[str] | None:
        rel = self.relation
        if rel is None:
            return None
        arg = rel.named(name)
        if arg is None or not isinstance(arg.value, A.ArrayValue):
            return None
        return [item.name for item in arg.value.items if isinstance(item, A.ConstantValue)]


@dataclass
class _Inline:
    """A one-to-one or one-to-many relation: the model holding the foreign key references the other."""

    referencing: _ModelInfo
    referenced: _ModelInfo
    forward: _RelField | None
    back: _RelField | None
    one_to_one: bool


def relation_insertions(trees: dict[str, A.SchemaFile]) -> dict[str, list[Insertion]]:
    """What ``prisma format`` would insert, per file (empty when relations cannot be resolved)."""
    models: dict[str, _ModelInfo] = {}
    enums: set[str] = set()
    native_prefix = "db."  # native types are written ``@<datasource name>.Type``
    for name, tree in trees.items():
        for block in tree.blocks:
            if isinstance(block, A.ConfigBlock) and block.keyword == "datasource":
                native_prefix = block.name + "."
            if isinstance(block, A.Model) and block.keyword in ("model", "view"):
                if block.name in models:
                    return {}
                models[block.name] = _ModelInfo(name, block, tree.text)
            elif isinstance(block, A.Enum):
                enums.add(block.name)
    relations = _inline_relations(models, enums)
    if relations is None:
        return {}
    bits: dict[str, list[Insertion]] = {}

    def add(info: _ModelInfo, position: int, content: str) -> None:
        bits.setdefault(info.file, []).append(Insertion(position, content))

    for rel in relations:
        _missing_relation_fields(rel, add)
        _missing_scalar_fields(rel, add, native_prefix)
    for rel in relations:
        fwd = rel.forward
        if fwd is not None and fwd.relation is None:
            assert fwd.field.type is not None
            content = f" @relation({_fields_argument(rel)}, {_references_argument(rel)})"
            add(fwd.info, _after_type(fwd.field.type.span.end, fwd.info.source), content)
    for rel in relations:
        fwd = rel.forward
        if fwd is None or fwd.relation is None:
            continue
        rel_attr = fwd.relation
        extra = []
        if fwd.list_arg("fields") is None:
            extra.append(_fields_argument(rel))
        if fwd.list_arg("references") is None:
            extra.append(_references_argument(rel))
        if not extra:
            continue
        joined = ", ".join(extra)
        if not rel_attr.arguments:
            if rel_attr.has_parens:
                add(fwd.info, rel_attr.span.end - 1, joined)
            else:
                add(fwd.info, rel_attr.span.end, f"({joined})")
        else:
            add(fwd.info, rel_attr.span.end - 1, f", {joined}")
    for file_bits in bits.values():
        file_bits.sort(key=lambda b: b.position)
    return bits


def _inline_relations(models: dict[str, _ModelInfo], enums: set[str]) -> list[_Inline] | None:
    """Pair the relation fields of all models the way Prisma does; None when that is ambiguous."""
    fields_by_model: dict[str, list[_RelField]] = {}
    for info in models.values():
        rfs = []
        for f in info.model.fields:
            if f.type is None:
                continue
            t = f.type.name
            if t in models:
                rfs.append(_RelField(info, f))
            elif t not in SCALAR_TYPES and t not in enums and t != "Unsupported":
                return None  # an unknown type: Prisma's relation analysis does not run
        fields_by_model[info.name] = rfs
    seen: set[int] = set()
    relations: list[_Inline] = []
    for info in models.values():
        for rf in fields_by_model[info.name]:
            if id(rf.field) in seen:
                continue
            seen.add(id(rf.field))
            candidates = [
                o
                for o in fields_by_model[rf.target]
                if o.target == info.name and o.relation_name == rf.relation_name and o.field is not rf.field
            ]
            if len(candidates) > 1:
                return None
            opposite = candidates[0] if candidates else None
            if opposite is not None:
                if id(opposite.field) in seen:
                    continue
                seen.add(id(opposite.field))
            target = models[rf.target]
            if opposite is None:
                if rf.arity == "list":
                    relations.append(_Inline(target, info, None, rf, one_to_one=False))
                else:
                    refs = rf.list_arg("fields")
                    unique = refs is not None and any(set(c) == set(refs) for c in info.unique_criteria())
                    relations.append(_Inline(info, target, rf, None, one_to_one=unique))
                continue
            if rf.arity == "list" and opposite.arity == "list":
                continue  # many-to-many: nothing to repair
            if rf.arity == "list":
                relations.append(_Inline(target, info, opposite, rf, one_to_one=False))
            elif opposite.arity == "list":
                relations.append(_Inline(info, target, rf, opposite, one_to_one=False))
            else:
                forward, back = _one_to_one_sides(rf, opposite)
                if forward is None or back is None:
                    continue
                relations.append(_Inline(forward.info, back.info, forward, back, one_to_one=True))
    return relations


def _one_to_one_sides(a: _RelField, b: _RelField) -> tuple[_RelField | None, _RelField | None]:
    """Which side of a one-to-one relation holds the foreign key (the one with ``fields:``)."""
    a_fields = a.list_arg("fields") is not None
    b_fields = b.list_arg("fields") is not None
    if a_fields and not b_fields:
        return a, b
    if b_fields and not a_fields:
        return b, a
    return None, None  # both or neither: Prisma reports it; nothing is inserted


def _missing_relation_fields(rel: _Inline, add) -> None:  # type: ignore[no-untyped-def]
    if rel.back is None:
        referencing = rel.referencing.name
        ignore = "@ignore" if rel.referencing.ignored else ""
        if rel.one_to_one:
            name, arity = camel_case(referencing), "?"
        else:
            name, arity = to_plural(camel_case(referencing)), "[]"
        add(rel.referenced, rel.referenced.model.span.end - 1, f"{name} {referencing}{arity} {ignore}\n")
    if rel.forward is None:
        referenced = rel.referenced.name
        arity = _render_arity(_forward_arity(rel))
        name = to_plural(camel_case(referenced)) if arity == "[]" else camel_case(referenced)
        add(
            rel.referencing,
            rel.referencing.model.span.end - 1,
            f"{name} {referenced}{arity} @relation({_fields_argument(rel)}, {_references_argument(rel)})\n",
        )


@dataclass
class _InferredScalar:
    name: str
    arity: str
    type_name: str
    blueprint: A.Field


def _infer_scalars(rel: _Inline) -> list[_InferredScalar]:
    criteria = rel.referenced.unique_criteria()
    if not criteria:
        return []
    out = []
    for field_name in criteria[0]:
        blueprint = rel.referenced.field(field_name)
        if blueprint is None or blueprint.type is None:
            continue
        name = lower_first(rel.referenced.name) + upper_first(field_name)
        existing = rel.referencing.field(name)
        if existing is not None and existing.type is not None:
            out.append(_InferredScalar(name, existing.type.arity, existing.type.name, blueprint))
        else:
            arity = rel.forward.arity if rel.forward is not None else "optional"
            out.append(_InferredScalar(name, arity, blueprint.type.name, blueprint))
    return out


def _missing_scalar_fields(rel: _Inline, add, native_prefix: str) -> None:  # type: ignore[no-untyped-def]
    """Add the scalar fields a relation's ``fields:`` will name, with the native type of the field they
    reference (``@db.SmallInt``, or ``@pg.SmallInt`` under ``datasource pg``), as Prisma copies it."""
    if rel.forward is not None and rel.forward.list_arg("fields") is not None:
        return
    for scalar in _infer_scalars(rel):
        if rel.referencing.field(scalar.name) is not None:
            continue
        if scalar.type_name not in SCALAR_TYPES:
            return
        native = ""
        for a in scalar.blueprint.attributes:
            if a.name.startswith(native_prefix):
                native = rel.referenced.source[a.span.start : a.span.end]
                break
        arity = _render_arity(scalar.arity)
        add(rel.referencing, rel.referencing.model.span.end - 1, f"{scalar.name} {scalar.type_name}{arity} {native}\n")


def _forward_arity(rel: _Inline) -> str:
    if rel.forward is not None:
        return rel.forward.arity
    if any(s.arity == "optional" for s in _infer_scalars(rel)):
        return "optional"
    return "required"


def _render_arity(arity: str) -> str:
    return {"required": "", "optional": "?", "list": "[]"}[arity]


def _fields_argument(rel: _Inline) -> str:
    return "fields: [" + ", ".join(s.name for s in _infer_scalars(rel)) + "]"


def _references_argument(rel: _Inline) -> str:
    if rel.forward is not None:
        refs = rel.forward.list_arg("references")
        if refs is not None:
            return "references: [" + ", ".join(refs) + "]"
    criteria = rel.referenced.unique_criteria()
    return "references: [" + ", ".join(criteria[0] if criteria else []) + "]"


def _after_type(type_end: int, source: str) -> int:
    pos = type_end
    while pos < len(source) and source[pos] in "[]?!":
        pos += 1
    return pos


def apply_insertions(text: str, bits: Sequence[Insertion]) -> str:
    out = []
    last = 0
    for bit in bits:
        out.append(text[last : bit.position])
        out.append(bit.content)
        last = bit.position
    out.append(text[last:])
    return "".join(out)
