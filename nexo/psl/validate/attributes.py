"""The attribute pass of stage 1 (Prisma's ``parser-database`` ``attributes``): every attribute of
every model, composite type and enum, with its arguments (see :mod:`nexo.psl.attrargs`).

Scalar field attributes are read by :mod:`.fields`, index-like block attributes by :mod:`.indexes`;
this module walks the blocks in Prisma's order and reads ``@relation`` and the block attributes.
"""

from __future__ import annotations

from .. import ast as A
from .. import model as M
from ..attrargs import Args
from .context import FieldInfo, RelArgs
from .indexes import Indexes


class Attributes(Indexes):
    """Stage 1's walk over the attributes; ``@relation`` arguments."""

    # ------------------------------------------------------------------ the walk
    def attributes(self) -> None:
        for m in self.models:
            for info in self.infos[id(m)]:
                if info.kind == "relation":
                    self.relation_field_attributes(info)
        self.composite_type_misuse()
        for m in self.models:
            if m.keyword == "type":
                for info in self.infos[id(m)]:
                    s = self.attrs_of(info.node.attributes, m.src.file, info.attrs)
                    if "map" in s.by_name and (a := s.single("map")) is not None:
                        self.coerce.string(a.default("name"))
                        a.finish()
                    if "default" in s.by_name and (a := s.single("default")) is not None:
                        a.discard()
                    s.datasource_scoped()
                    s.finish()
                continue
            self.model_attributes(m)
        for e in self.enums:
            self.enum_attributes(e)

    def composite_type_misuse(self) -> None:
        """Attributes a composite type's field or block cannot have (Prisma reports these before any
        unknown attribute): ``@id``, ``@unique`` and ``@relation`` on a field, ``@@map`` on the block."""
        for m in self.models:
            if m.keyword != "type":
                continue
            for info in self.infos[id(m)]:
                for a in info.node.attributes:
                    if a.name in ("id", "unique", "relation"):
                        self.err(
                            f"Error validating: Defining `@{a.name}` attribute for a field in a composite type is "
                            "not allowed.",
                            self.fspan(info),
                        )
        for m in self.models:
            if m.keyword != "type":
                continue
            for a in m.attributes:
                if a.name == "map":
                    self.err(
                        "Error validating: The name of a composite type is not persisted in the database, therefore "
                        "it does not need a mapped database name.",
                        a.span,
                    )

    def model_attributes(self, m: A.Model) -> None:
        data = self.mdata[id(m)]
        mapped_columns: dict[str, FieldInfo] = {}
        for info in self.infos[id(m)]:
            if info.kind != "relation":
                self.scalar_field_attributes(info, data, mapped_columns)
        s = self.attrs_of(m.attributes, m.file)
        if "ignore" in s.by_name and (a := s.single("ignore")) is not None:
            for info in self.infos[id(m)]:
                if info.kind != "relation" and info.ignored:
                    self.err(
                        'Error parsing attribute "@ignore": Fields on an already ignored Model do not need an '
                        "`@ignore` annotation.",
                        self.fspan(info),
                    )
            data.ignored = True
            a.finish()
        if "id" in s.by_name and (a := s.single("id")) is not None:
            self.block_id(m, a, data)
            a.finish()
        if "map" in s.by_name and (a := s.single("map")) is not None:
            data.mapped = self.coerce.string(a.default("name"))
            a.finish()
        if "schema" in s.by_name and (a := s.single("schema")) is not None:
            v = a.default("map")  # @@schema's argument is called ``map`` (``@@schema(map: "x")``)
            name = self.coerce.string(v)
            if name is not None and v is not None:
                data.schema = (name, v.span)
            a.finish()
        for a in s.repeated("index"):
            self.block_index(m, a, data, "index")
            a.finish()
        for a in s.repeated("unique"):
            self.block_index(m, a, data, "unique")
            a.finish()
        for a in s.repeated("fulltext"):
            self.block_index(m, a, data, "fulltext")
            a.finish()
        if not data.ignored and data.pk_source is not None and data.pk_source.arity != "required":
            assert data.pk_attr is not None
            self.err(
                'Error parsing attribute "@id": Fields that are marked as id must be required.',
                self.aspan(data.pk_attr),
            )
        s.finish()

    def enum_attributes(self, e: A.Enum) -> None:
        for v in e.values:
            s = self.attrs_of(v.attributes, e.file)
            if "map" in s.by_name and (a := s.single("map")) is not None:
                self.coerce.string(a.default("name"))
                a.finish()
            s.finish()
        s = self.attrs_of(e.attributes, e.file)
        if "map" in s.by_name and (a := s.single("map")) is not None:
            self.coerce.string(a.default("name"))
            a.finish()
        if "schema" in s.by_name and (a := s.single("schema")) is not None:
            self.coerce.string(a.default("map"))
            a.finish()
        s.finish()

    # ------------------------------------------------------------------ relation fields
    def relation_field_attributes(self, info: FieldInfo) -> None:
        if not info.node.attributes:
            return
        m = info.model
        s = self.attrs_of(info.node.attributes, m.src.file, info.attrs)
        if "relation" in s.by_name and (a := s.single("relation")) is not None:
            self.visit_relation(info, a)
            a.finish()
        if "id" in s.by_name and (a := s.single("id")) is not None:
            a.error(
                f"The field `{info.node.name}` is a relation field and cannot be marked with `@id`. Only scalar "
                "fields can be declared as id."
            )
            a.discard()
        if "ignore" in s.by_name and (a := s.single("ignore")) is not None:
            info.ignored = True
            a.finish()
        if "default" in s.by_name and (a := s.single("default")) is not None:
            a.error("Cannot set a default value on a relation field.")
            a.discard()
        if "map" in s.by_name and (a := s.single("map")) is not None:
            a.error("The attribute `@map` cannot be used on relation fields.")
            a.default("name")
            a.discard()
        if "unique" in s.by_name and (a := s.single("unique")) is not None:
            under = list(info.rel.fields or []) if info.rel else []
            if len(under) == 1:
                hint = f" Did you mean to put it on `{under[0]}`?"
            elif under:
                hint = f" Did you mean to provide `@@unique([{', '.join(under)}])`?"
            else:
                hint = ""
            a.error(
                f"The field `{info.node.name}` is a relation field and cannot be marked with `unique`. Only scalar "
                f"fields can be made unique.{hint}"
            )
            a.discard()
        s.finish()

    def relation_field_names(
        self, m: A.Model, a: Args, value: A.Expression
    ) -> tuple[list[str], list[str], list[str]] | None:
        """``fields:``/``references:`` names resolved on ``m``: (scalar fields, unknown, relation fields)."""
        names = self.coerce.array(value, self.coerce.constant)
        if names is None:
            return None
        by_name = self.field_index(m)
        ok: list[str] = []
        unknown: list[str] = []
        relational: list[str] = []
        for n in names:
            info = by_name.get(n)
            if "." in n or info is None:
                unknown.append(n)
            elif info.kind == "relation":
                relational.append(n)
            elif n in ok:
                self.err(
                    f'Error validating model "{m.name}": The unique index definition refers to the field {n} '
                    "multiple times.",
                    a.span,
                )
                return None
            else:
                ok.append(n)
        return ok, unknown, relational

    def visit_relation(self, info: FieldInfo, a: Args) -> None:
        rel = RelArgs()
        info.rel = rel
        fields = a.optional("fields")
        if fields is not None:
            got = self.relation_field_names(info.model, a, fields)
            rel.fields = []
            if got is not None:
                ok, unknown, relational = got
                if unknown:
                    self.err(
                        "Error validating: The argument fields must refer only to existing fields. The following "
                        f"fields do not exist in this model: {', '.join(unknown)}",
                        fields.span,
                    )
                if relational:
                    self.err(
                        "Error validating: The argument fields must refer only to scalar fields. But it is "
                        f"referencing the following relation fields: {', '.join(relational)}",
                        fields.span,
                    )
                if not unknown and not relational:
                    rel.fields = ok
        refs = a.optional("references")
        if refs is not None:
            target = self.model_by_name[info.type]
            got = self.relation_field_names(target, a, refs)
            rel.references = []
            if got is not None:
                ok, unknown, relational = got
                if unknown:
                    self.err(
                        "Error validating: The argument `references` must refer only to existing fields in the "
                        f"related model `{target.name}`. The following fields do not exist in the related model: "
                        f"{', '.join(unknown)}",
                        a.span,
                    )
                if relational:
                    self.err(
                        "Error validating: The argument `references` must refer only to scalar fields in the "
                        f"related model `{target.name}`. But it is referencing the following relation fields: "
                        f"{', '.join(relational)}",
                        a.span,
                    )
                if not unknown and not relational:
                    rel.references = ok
        name_value = a.default("name", report=False)
        name = self.coerce.string(name_value) if name_value is not None else None
        if name == "":
            a.error("A relation cannot have an empty name.")
        elif name is not None:
            rel.name = name
        for key in ("onDelete", "onUpdate"):
            v = a.optional(key)
            if v is None:
                continue
            action = self.coerce.constant(v)
            if action is None:
                continue
            if action not in M.REFERENTIAL_ACTIONS:
                a.report(f'Error parsing attribute "@relation": Invalid referential action: `{action}`', v.span)
                continue
            if key == "onDelete":
                rel.on_delete, rel.on_delete_span = action, v.span
            else:
                rel.on_update, rel.on_update_span = action, v.span
        rel.map = self.map_argument(a)
