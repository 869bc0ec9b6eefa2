"""Top-level names and field types (Prisma's ``parser-database`` ``names`` then ``types``), and the
block-wide checks of stage 2 (which kinds of blocks PostgreSQL accepts, ``@@schema``).

Constraint names (``@@id(map:)``, index and foreign key names) are :mod:`.constraints`.
"""

from __future__ import annotations

from .. import ast as A
from .config import Config
from .context import KIND_NAMES, KIND_TITLES, SCALARS, FieldInfo, ModelData, first_argument


class Names(Config):
    """Names of blocks, fields and enum values; the type of every field; block kinds; ``@@schema``."""

    # ------------------------------------------------------------------ names
    def names(self) -> None:
        seen: dict[str, A.Block] = {}
        for b in self.blocks:
            kind = b.keyword
            if isinstance(b, A.ConfigBlock):
                continue
            if b.name[:1].isdigit():
                self.err(
                    f"Error validating: The name of a {KIND_TITLES[kind]} must not start with a number.", b.name_span
                )
            other = seen.get(b.name)
            if other is not None:
                self.err(
                    f'The {KIND_NAMES[kind]} "{b.name}" cannot be defined because a {KIND_NAMES[other.keyword]} '
                    "with that name already exists.",
                    b.name_span,
                )
            else:
                seen[b.name] = b
            if isinstance(b, A.Model):
                names: set[str] = set()
                for f in b.fields:
                    if f.name in names:
                        self.err(f'Field "{f.name}" is already defined on {b.keyword} "{b.name}".', f.name_span)
                    names.add(f.name)
                    if f.name[:1].isdigit() and b.keyword != "type":  # Prisma does not check composite fields
                        what = "Field" if b.keyword == "model" else "field"
                        self.err(f"Error validating: The name of a {what} must not start with a number.", f.name_span)
            else:
                if not b.values:
                    self.err("Error validating: An enum must have at least one value.", b.span)
                names = set()
                for v in b.values:
                    if v.name in names:
                        self.err(f'Value "{v.name}" is already defined on enum "{b.name}".', self.line_span(v.span))
                    names.add(v.name)
                    if v.name[:1].isdigit():
                        self.err(
                            "Error validating: The name of a Enum Value must not start with a number.", v.name_span
                        )
        cfg_seen: set[tuple[str, str]] = set()
        for b in self.blocks:
            if isinstance(b, A.ConfigBlock):
                kind = "generator" if b.keyword == "generator" else "source"
                if (kind, b.name) in cfg_seen:
                    self.err(
                        f'The {kind} "{b.name}" cannot be defined because a {kind} with that name already exists.',
                        b.name_span,
                    )
                cfg_seen.add((kind, b.name))
        for m in self.models:
            self.model_by_name.setdefault(m.name, m)
        for e in self.enums:
            self.enum_by_name.setdefault(e.name, e)

    # ------------------------------------------------------------------ types
    def types(self) -> None:
        for m in self.models:
            infos = self.fields.setdefault(m.name, {})
            first = self.model_by_name.get(m.name) is m
            listed: list[FieldInfo] = []
            self.infos[id(m)] = listed
            self.mdata[id(m)] = ModelData()
            for f in m.fields:
                t = f.type
                assert t is not None
                if t.legacy_required:
                    self.err("Fields are required by default, `!` is no longer required.", t.span)
                    continue
                if t.legacy_list:
                    self.err("To specify a list, please use `Type[]` instead of `[Type]`.", t.span)
                    continue
                if t.optional_list:
                    self.err("Optional lists are not supported. Use either `Type[]` or `Type?`.", t.span)
                    continue
                attrs: dict[str, A.Attribute] = {}
                for a in f.attributes:
                    attrs.setdefault(a.name, a)
                if t.name in SCALARS:
                    kind = "scalar"
                elif t.name == "Unsupported" and t.unsupported is not None:
                    kind = "unsupported"
                elif t.name in self.enum_by_name:
                    kind = "enum"
                elif t.name in self.model_by_name:
                    kind = "composite" if self.model_by_name[t.name].keyword == "type" else "relation"
                else:
                    self.err(
                        f'Type "{t.name}" is neither a built-in type, nor refers to another model, composite '
                        "type, or enum.",
                        t.name_span,
                    )
                    continue
                info = FieldInfo(f, m, kind, t.name, t.arity, attrs)
                listed.append(info)
                if first:
                    infos.setdefault(f.name, info)

    # ------------------------------------------------------------------ stage 2: block kinds and @@schema
    def block_kinds(self) -> None:
        for m in self.models:
            if m.keyword == "type":
                self.err("Error validating: Composite types are not supported on Postgres.", m.span)
            elif m.keyword == "view" and "views" not in self.preview:
                self.err(
                    "Error validating: View definitions are only available with the `views` preview feature.", m.span
                )

    def schema_checks(self) -> None:
        schemas_declared = None
        if len(self.datasources) == 1:
            p = self.datasources[0].get("schemas")
            if p is not None and isinstance(p.value, A.ArrayValue):
                schemas_declared = [i.value for i in p.value.items if isinstance(i, A.StringValue)]
        blocks: list[A.Model | A.Enum] = [*self.models, *self.enums]
        for block in blocks:
            if isinstance(block, A.Model) and block.keyword == "type":
                continue
            sa = next((a for a in block.attributes if a.name == "schema"), None)
            if sa is not None:
                first = first_argument(sa, "map")
                val = first.value if first is not None else None
                if schemas_declared is None or (isinstance(val, A.StringValue) and val.value not in schemas_declared):
                    self.err(
                        "This schema is not defined in the datasource. Read more on `@@schema` at "
                        "https://pris.ly/d/multi-schema",
                        val.span if val is not None else sa.span,
                    )
            elif schemas_declared:
                if isinstance(block, A.Model):
                    self.err(
                        f'Error validating {block.keyword} "{block.name}": This {block.keyword} is missing an '
                        "`@@schema` attribute.",
                        block.span,
                    )
                else:
                    self.err("This enum is missing an `@@schema` attribute.", block.span)
        # two enums with one database name in one schema (``@@map``): the second is refused
        seen: set[tuple[str | None, str]] = set()
        for e in self.enums:
            key = (self.block_schema(e), self.db_name(e))
            if key in seen:
                self.err("An enum with the same database name is already defined.", e.span)
            seen.add(key)
