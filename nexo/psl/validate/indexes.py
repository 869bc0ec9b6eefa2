"""Primary keys and indexes: ``@@id``, ``@@index``, ``@@unique`` and ``@@fulltext`` as read in stage 1,
then unique criteria, primary keys and index capabilities of PostgreSQL (methods, operator classes)
in stage 2.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .. import ast as A
from ..attrargs import Args, mismatch
from ..native import INDEX_ALGORITHMS, OPERATOR_CLASSES
from .context import FieldInfo, IndexData, ModelData, fields_phrase
from .fields import Fields


class Indexes(Fields):
    """Block attributes that list fields (ids, indexes, uniques), and their PostgreSQL rules."""

    # ------------------------------------------------------------------ stage 1: @@id / @@index / @@unique / @@fulltext
    def resolve_index_fields(
        self, m: A.Model, a: Args, value: A.Expression, with_args: bool
    ) -> tuple[list[tuple[FieldInfo, str | None, int | None, A.Argument | None]], list[str], list[FieldInfo]] | None:
        """The fields an index-like attribute names: (resolved, unknown names, relation fields), or None when
        the list itself is malformed (already reported)."""
        coerce = self.coerce

        def item(e: A.Expression) -> tuple[str, Sequence[A.Argument]] | None:
            if isinstance(e, A.ConstantValue):
                return e.name, []
            if isinstance(e, A.FunctionCall) and with_args:
                return e.name, e.arguments
            if with_args:
                self.err(mismatch("constant literal", e), e.span)
                return None
            name = coerce.constant(e)
            return None if name is None else (name, [])

        items = coerce.array(value, item)
        if items is None:
            return None
        by_name = self.field_index(m)
        resolved: list[tuple[FieldInfo, str | None, int | None, A.Argument | None]] = []
        unknown: list[str] = []
        relational: list[FieldInfo] = []
        for name, fargs in items:
            sort, length, ops = self.index_field_args(fargs) if with_args else (None, None, None)
            info = by_name.get(name)
            if "." in name or info is None:
                unknown.append(name)
                continue
            if info.kind == "relation":
                relational.append(info)
                continue
            if any(r[0] is info for r in resolved):
                self.err(
                    f'Error validating model "{m.name}": The unique index definition refers to the field '
                    f"{name} multiple times.",
                    a.span,
                )
                return None
            resolved.append((info, sort, length, ops))
        return resolved, unknown, relational

    def index_field_args(self, fargs: Sequence[A.Argument]) -> tuple[str | None, int | None, A.Argument | None]:
        """``sort:``, ``length:`` and ``ops:`` of one field of an index (other arguments are ignored, as by Prisma)."""
        sort = length = ops = None
        for fa in fargs:
            if fa.value is None:
                continue
            if fa.name == "sort" and sort is None:
                c = self.coerce.constant(fa.value)
                if c in ("Asc", "Desc"):
                    sort = c
                elif c is not None:
                    self.err("Unexpected token. Expected one of: Asc, Desc", fa.span)
                sort = sort or ""
            elif fa.name == "length" and length is None:
                n = self.coerce.integer(fa.value)
                length = n if n is not None and n >= 0 else -1
            elif fa.name == "ops" and ops is None:
                ops = fa
                v = fa.value
                if isinstance(v, A.ConstantValue):
                    if v.name not in OPERATOR_CLASSES:
                        self.err(f"Unexpected token. Expected one of: Invalid operator class: {v.name}", v.span)
                elif isinstance(v, A.FunctionCall) and v.name == "raw":
                    if len(v.arguments) != 1:
                        self.err(
                            f"Unexpected token. Expected one of: Wrong number of arguments. Expected: 1, got: "
                            f"{len(v.arguments)}",
                            v.span,
                        )
                    elif not isinstance(v.arguments[0].value, A.StringValue):
                        self.err("Unexpected token. Expected one of: Invalid parameter type: expected string", v.span)
                elif isinstance(v, A.FunctionCall):
                    self.err(
                        f"Unexpected token. Expected one of: operator class (`{v.name}()` is not an operator "
                        'class; use `raw("…")`)',
                        v.span,
                    )
                else:
                    self.err("Unexpected token. Expected one of: operator class", fa.span)
        return (sort or None), (length if length is None or length >= 0 else None), ops

    def block_id(self, m: A.Model, a: Args, data: ModelData) -> None:
        fields = a.default("fields")
        if fields is None:
            return
        got = self.resolve_index_fields(m, a, fields, with_args=True)
        if got is None:
            return
        resolved, unknown, relational = got
        if unknown or relational:
            if unknown:
                self.err(
                    f'Error validating model "{m.name}": The multi field id declaration refers to the unknown '
                    f"{fields_phrase(unknown)}.",
                    fields.span,
                )
            if relational:
                self.err(
                    f'Error validating model "{m.name}": The id definition refers to the relation '
                    f"{fields_phrase([r.node.name for r in relational])}. ID definitions must reference only "
                    "scalar fields.",
                    a.span,
                )
            return
        optional = [r[0].node.name for r in resolved if r[0].arity != "required"]
        if optional and not data.ignored:
            self.err(
                f'Error validating model "{m.name}": The id definition refers to the optional '
                f"{fields_phrase(optional)}. ID definitions must reference only required fields.",
                a.span,
            )
        if data.pk_attr is not None:
            self.err(
                f'Error validating model "{m.name}": Each model must have at most one id criteria. You can\'t '
                "have `@id` and `@@id` at the same time.",
                m.span,
            )
        data.pk_map = self.map_argument(a)
        name = self.name_argument(a)
        if name is not None:
            self.client_name(m, a, name, "@@id")
        data.pk_name = name
        data.pk_clustered = self.coerce.boolean(a.optional("clustered"))
        data.pk_attr, data.pk_source = a.attr, None
        data.pk_fields = [(r[0], r[1], r[2]) for r in resolved]

    def block_index(self, m: A.Model, a: Args, data: ModelData, kind: str) -> None:
        index = IndexData(kind, a.attr, [])
        fields = a.default("fields")
        if fields is not None:
            got = self.resolve_index_fields(m, a, fields, with_args=True)
            if got is not None:
                resolved, unknown, relational = got
                prefix = "unique " if kind == "unique" else ""
                if unknown:
                    self.err(
                        f'Error validating model "{m.name}": The {prefix}index definition refers to the unknown '
                        f"fields: {', '.join(unknown)}.",
                        a.span,
                    )
                if relational:
                    under = [f for r in relational for f in (r.rel.fields if r.rel and r.rel.fields else [])]
                    hint = (
                        f" Did you mean `@@{'unique' if kind == 'unique' else 'index'}([{', '.join(under)}])`?"
                        if under
                        else ""
                    )
                    self.err(
                        f'Error validating model "{m.name}": The {prefix}index definition refers to the relation '
                        f"fields {', '.join(r.node.name for r in relational)}. Index definitions must reference "
                        f"only scalar fields.{hint}",
                        a.span,
                    )
                if not unknown and not relational:
                    index.fields = resolved
        if kind in ("index", "unique"):
            index.where = self.where_argument(m, a, f"@@{kind}")
        if kind == "index":
            name = self.name_argument(a)
            mp = self.map_argument(a)
            if name is not None and mp is not None:
                a.error(
                    "The `@@index` attribute accepts the `name` argument as an alias for the `map` argument for "
                    "legacy reasons. It does not accept both though. Please use the `map` argument to specify the "
                    "database name of the index."
                )
                mp = None
            elif name is not None:
                mp = name
            index.map = mp
            algo = self.coerce.constant(a.optional("type"))
            if algo is not None and algo not in INDEX_ALGORITHMS:
                a.error(f"Unknown index type: {algo}.")
                algo = None
            index.algorithm = algo
            index.clustered = self.coerce.boolean(a.optional("clustered"))
        elif kind == "unique":
            name = self.name_argument(a)
            index.map = self.map_argument(a)
            if name is not None:
                self.client_name(m, a, name, "@@unique")
            index.name = name
            index.clustered = self.coerce.boolean(a.optional("clustered"))
        else:
            index.map = self.map_argument(a)
        data.indexes.append(index)

    # ------------------------------------------------------------------ partial indexes (Prisma 7)
    def where_argument(self, m: A.Model, a: Args, label: str) -> str | None:
        """The ``where:`` of ``@unique``/``@@unique``/``@@index`` (Prisma 7, ``partialIndexes``) as SQL, or None.

        Under dialect 6 the argument stays unread (6.19 answers ``No such argument.``). A malformed ``where``
        is reported with 7's wording; a well-formed one without the preview feature is rejected at the argument.
        """
        if self.dialect != "7":
            return None
        arg = a.remaining.pop("where", None)
        if arg is None or arg.value is None:
            return None
        value = arg.value
        sql: str | None
        if isinstance(value, A.FunctionCall) and value.name == "raw":
            first = value.arguments[0].value if value.arguments else None
            if isinstance(first, A.StringValue):
                if first.value == "":
                    a.error("The `where` argument cannot contain an empty string.")
                    return None
                sql = first.value
            else:
                if first is not None:
                    self.err(mismatch("string", first), first.span)
                a.error(
                    "The `where` argument must be a raw() function with a string argument, e.g. "
                    "`where: raw(\"status = 'active'\")`."
                )
                return None
        elif isinstance(value, A.ObjectValue):
            if not value.entries:
                a.error("The `where` argument cannot be an empty object.")
                return None
            sql = self._where_object(m, a, value)
            if sql is None:
                return None
        else:
            if not isinstance(value, A.FunctionCall):
                self.err(mismatch("function", value), value.span)
            a.error(
                "The `where` argument must be either a raw() function call or an object literal, e.g. "
                "`where: raw(\"status = 'active'\")` or `where: { active: true }`."
            )
            return None
        if "partialIndexes" not in self.preview:
            self.err(
                f'Error parsing attribute "{label}": Partial indexes are a preview feature. Add "partialIndexes" '
                "to previewFeatures in your generator block.",
                arg.span,
            )
            return None
        return sql

    def _where_object(self, m: A.Model, a: Args, obj: A.ObjectValue) -> str | None:
        """The SQL of ``{ field: value, … }`` (conditions joined by ``AND``), or None after reporting."""
        invalid = "Expected true, false, null, a string, a number, or an object like { not: null }."
        by_name = self.field_index(m)
        parts: list[str] = []
        for key, _, value in obj.entries:
            info = by_name.get(key)
            if info is None:
                a.error(f"Field '{key}' does not exist in model '{m.name}'.")
                return None
            if info.kind == "relation":
                a.error(f"Field '{key}' is a relation field. Only scalar fields can be used in the where clause.")
                return None
            negate = False
            if isinstance(value, A.ObjectValue):
                if len(value.entries) != 1:
                    a.error(
                        "Nested object in where clause must have exactly one key. Use `{ not: null }` or "
                        '`{ not: "value" }`.'
                    )
                    return None
                inner_key, _, value = value.entries[0]
                if inner_key != "not":
                    a.error(f"Unknown key '{inner_key}' in nested where clause object. Only 'not' is supported.")
                    return None
                negate = True
            if isinstance(value, A.ConstantValue) and value.name not in ("true", "false", "null"):
                a.error(f"Invalid value '{value.name}' in where clause. {invalid}")
                return None
            if not isinstance(value, (A.ConstantValue, A.StringValue, A.NumberValue)):
                a.error(f"Invalid value in where clause. {invalid}")
                return None
            column = '"' + (info.mapped or info.node.name).replace('"', '""') + '"'
            if isinstance(value, A.ConstantValue) and value.name == "null":
                parts.append(f"{column} IS {'NOT ' if negate else ''}NULL")
                continue
            problem = self._where_type_mismatch(info, value)
            if problem is not None:
                a.error(problem)
                return None
            if isinstance(value, A.StringValue):
                literal = "'" + value.value.replace("'", "''") + "'"
            elif isinstance(value, A.NumberValue):
                literal = value.raw
            else:
                literal = value.name
            parts.append(f"{column} {'<>' if negate else '='} {literal}")
        return " AND ".join(parts)

    @staticmethod
    def _where_type_mismatch(info: FieldInfo, value: A.Expression) -> str | None:
        """Prisma 7's type check of one value of a ``where`` object against its field (null already accepted)."""
        got = (
            "a String"
            if isinstance(value, A.StringValue)
            else "a Number"
            if isinstance(value, A.NumberValue)
            else "Boolean"
        )
        if info.kind == "enum":
            if isinstance(value, A.StringValue):
                return None
            return f"Type mismatch: field '{info.node.name}' is an Enum and only accepts String values in the where clause."
        if info.kind != "scalar":
            what = "an unsupported type" if info.kind == "unsupported" else "a composite type"
            return (
                f"Field '{info.node.name}' is {what} and cannot be used in the object syntax of a where clause. "
                "Use raw() instead."
            )
        accepts = {
            "String": "a String",
            "DateTime": "a String",
            "Decimal": "a Number",
            "Int": "a Number",
            "BigInt": "a Number",
            "Float": "a Number",
            "Boolean": "Boolean",
        }
        if accepts.get(info.type) == got:
            return None
        return f"Type mismatch: field '{info.node.name}' is of type {info.type}, but the value is {got}."

    # ------------------------------------------------------------------ stage 2: unique criteria and primary keys
    def unique_criteria(self, m: A.Model, data: ModelData) -> None:
        if m.keyword != "model" or data.ignored:
            return
        crits = self.criteria(m)
        good = [c for c in crits if c and all(i.arity == "required" for i in c)]
        if good:
            return
        msg = (
            f'Error validating model "{m.name}": Each model must have at least one unique criteria that has only '
            "required fields. Either mark a single field with `@id`, `@unique` or add a multi field criterion with "
            "`@@id([])` or `@@unique([])` to the model."
        )
        bad = [c for c in crits if c]
        if bad:
            msg += (
                " The following unique criterias were not considered as they contain fields that are not "
                "required:\n" + "\n".join("- " + ", ".join(i.node.name for i in c) for c in bad)
            )
        self.err(msg, m.span)

    def primary_key_checks(self, m: A.Model, data: ModelData) -> None:
        if data.pk_attr is None:
            return
        pk_attr = data.pk_attr

        def fail(message: str) -> None:
            self.err(message, self.aspan(pk_attr))

        if m.keyword == "view":
            fail("Error validating: Views cannot have primary keys.")
        label = "@id" if data.pk_source is not None else "@@id"
        if data.pk_source is not None:
            if data.pk_length is not None:
                fail(
                    f'Error parsing attribute "{label}": The length argument is not supported in the primary key '
                    "with the current connector"
                )
            if data.pk_sort is not None:
                fail(
                    f'Error parsing attribute "{label}": The sort argument is not supported in the primary key '
                    "with the current connector"
                )
        else:
            if any(f[2] is not None for f in data.pk_fields):
                fail(
                    f'Error parsing attribute "{label}": The length argument is not supported in the primary key '
                    "with the current connector"
                )
            if any(f[1] is not None for f in data.pk_fields):
                fail(
                    f'Error parsing attribute "{label}": The sort argument is not supported in the primary key '
                    "with the current connector"
                )
            if data.pk_name is not None and any(i.node.name == data.pk_name for i in self.infos[id(m)]):
                self.err(
                    f'Error validating model "{m.name}": The field `{data.pk_name}` clashes with the `@@id` '
                    "attribute's name. Please resolve the conflict by providing a custom id name: "
                    '`@@id([...], name: "custom_name")`',
                    m.span,
                )
        if data.pk_clustered is not None:
            fail(f'Error parsing attribute "{label}": Defining clustering is not supported in the current connector.')

    # ------------------------------------------------------------------ stage 2: indexes (PostgreSQL capabilities)
    def index_checks(self, m: A.Model, data: ModelData, index: IndexData) -> None:
        a = index.attr

        def fail(message: str) -> None:
            self.err(message, self.aspan(a))

        label = ("@@" if index.source is None else "@") + ("unique" if index.kind == "unique" else index.kind)
        pre = f'Error parsing attribute "{label}": '
        if m.keyword == "view" and index.kind == "index":
            fail("Error validating: Views cannot have indexes.")
        if not index.fields and index.kind != "fulltext" and index.attr.arguments:
            fail(f"{pre}The list of fields in an index cannot be empty. Please specify at least one field.")
        if index.kind == "fulltext":
            fail(f"{pre}Defining fulltext indexes is not supported with the current connector.")
            return
        if index.kind == "unique" and len(index.fields) > 1:
            client = "_".join(f[0].node.name for f in index.fields)
            # (field names are unique by now: a name written twice stops validation in stage 1)
            clash = None if index.name is not None else self.field_index(m).get(client)
            if clash is not None and clash.kind != "relation":
                fail(
                    f'Error validating {m.keyword} "{m.name}": The field `{client}` clashes with the `{label}` '
                    f"name. Please resolve the conflict by providing a custom id name: `{label}([...], name: "
                    '"custom_name")`'
                )
        if index.name is not None and index.name in self.field_index(m):
            self.err(
                f'Error validating model "{m.name}": The custom name `{index.name}` specified for the `@@unique` '
                "attribute is already used as a name for a field. Please choose a different name.",
                m.span,
            )
        # which options the fields were given (one pass)
        has_sort = has_length = has_ops = False
        for _info, sort, length, ops in index.fields:
            if sort is not None:
                has_sort = True
            if length is not None:
                has_length = True
            if ops is not None:
                has_ops = True
        if has_length:
            fail(f"{pre}The length argument is not supported in an index definition with the current connector")
        if index.algorithm == "Hash" and has_sort:
            fail(f"{pre}Hash type does not support sort option.")
        if index.clustered is not None:
            fail(f"{pre}Defining clustering is not supported in the current connector.")
        if index.kind != "index" and has_ops:
            fail(f"{pre}Operator classes can only be defined to fields in an @@index attribute.")
        if index.algorithm == "SpGist" and len(index.fields) != 1:
            fail(f"{pre}SpGist does not support multi-column indices.")
        for info, _sort, _length, _ops in index.fields:
            if info.native is not None and info.native[0] == "Xml":
                what = "unique constraint" if index.kind == "unique" else "index"
                self.err(f"You cannot define an {what} on fields with native type `Xml` of Postgres.", self.fspan(info))
                break
        self.operator_classes(index, pre, fail)

    def operator_classes(self, index: IndexData, pre: str, fail: Callable[[str], None]) -> None:
        """Prisma's PostgreSQL rules for GiST, GIN, SP-GiST and BRIN fields and their operator classes."""
        algo = index.algorithm or "BTree"
        for info, _sort, _length, ops in index.fields:
            opclass = None
            if ops is not None:
                if isinstance(ops.value, A.FunctionCall):
                    continue  # raw("…"): taken as written
                if isinstance(ops.value, A.ConstantValue):
                    opclass = ops.value.name
            if opclass is not None and algo not in OPERATOR_CLASSES[opclass][0]:
                fail(f"{pre}The given operator class `{opclass}` is not supported with the `{algo}` index type.")
                continue
            native = info.native[0] if info.native_attr is not None and info.native is not None else None
            name = info.node.name
            t = info.type if info.kind == "scalar" else None
            problem = _opclass_problem(algo, native, opclass, t, info.arity == "list", info.kind == "unsupported")
            if problem is None:
                continue
            if problem == "unfit":
                if native is not None and opclass is not None:
                    fail(
                        f"{pre}The given operator class `{opclass}` does not support native type `{native}` of "
                        f"field `{name}`."
                    )
                elif native is not None:
                    fail(f"{pre}The {algo} index field type `{native}` has no default operator class.")
                elif opclass is not None:
                    fail(
                        f"{pre}The given operator class `{opclass}` expects the field `{name}` to define a valid "
                        "native type."
                    )
                elif not _algo_supports_type(algo, t, info.arity == "list", info.kind == "unsupported"):
                    fail(f"{pre}The {algo} index type does not support the type of the field `{name}`.")
            elif problem == "array":
                fail(f"{pre}The given operator class `ArrayOps` expects the type of field `{name}` to be an array.")
            else:
                fail(
                    f"{pre}The given operator class `{opclass}` points to the field `{name}` that is not of "
                    f"{problem} type."
                )


# BRIN: native type → operator classes it accepts (and it has a default class: None is accepted too).
_BRIN_NATIVE = {
    "Bit": ("BitMinMaxOps",),
    "VarBit": ("VarBitMinMaxOps",),
    "Char": ("BpcharBloomOps", "BpcharMinMaxOps"),
    "Date": ("DateBloomOps", "DateMinMaxOps", "DateMinMaxMultiOps"),
    "Real": ("Float4BloomOps", "Float4MinMaxOps", "Float4MinMaxMultiOps"),
    "DoublePrecision": ("Float8BloomOps", "Float8MinMaxOps", "Float8MinMaxMultiOps"),
    "Inet": ("InetInclusionOps", "InetBloomOps", "InetMinMaxOps", "InetMinMaxMultiOps"),
    "SmallInt": ("Int2BloomOps", "Int2MinMaxOps", "Int2MinMaxMultiOps"),
    "Integer": ("Int4BloomOps", "Int4MinMaxOps", "Int4MinMaxMultiOps"),
    "BigInt": ("Int8BloomOps", "Int8MinMaxOps", "Int8MinMaxMultiOps"),
    "Decimal": ("NumericBloomOps", "NumericMinMaxOps", "NumericMinMaxMultiOps"),
    "Oid": ("OidBloomOps", "OidMinMaxOps", "OidMinMaxMultiOps"),
    "ByteA": ("ByteaBloomOps", "ByteaMinMaxOps"),
    "Text": ("TextBloomOps", "TextMinMaxOps"),
    "VarChar": ("TextBloomOps", "TextMinMaxOps"),
    "Timestamp": ("TimestampBloomOps", "TimestampMinMaxOps", "TimestampMinMaxMultiOps"),
    "Timestamptz": ("TimestampTzBloomOps", "TimestampTzMinMaxOps", "TimestampTzMinMaxMultiOps"),
    "Time": ("TimeBloomOps", "TimeMinMaxOps", "TimeMinMaxMultiOps"),
    "Timetz": ("TimeTzBloomOps", "TimeTzMinMaxOps", "TimeTzMinMaxMultiOps"),
    "Uuid": ("UuidBloomOps", "UuidMinMaxOps", "UuidMinMaxMultiOps"),
}
# BRIN without a native type: the scalar type decides (operator class family → scalar type).
_BRIN_SCALAR = {
    "Float": ("Float8BloomOps", "Float8MinMaxOps", "Float8MinMaxMultiOps"),
    "Int": ("Int4BloomOps", "Int4MinMaxOps", "Int4MinMaxMultiOps"),
    "BigInt": ("Int8BloomOps", "Int8MinMaxOps", "Int8MinMaxMultiOps"),
    "Decimal": ("NumericBloomOps", "NumericMinMaxOps", "NumericMinMaxMultiOps"),
    "Bytes": ("ByteaBloomOps", "ByteaMinMaxOps"),
    "String": ("TextBloomOps", "TextMinMaxOps"),
    "DateTime": ("TimestampBloomOps", "TimestampMinMaxOps", "TimestampMinMaxMultiOps"),
}


def _algo_supports_type(algo: str, t: str | None, is_list: bool, unsupported: bool) -> bool:
    if unsupported or algo in ("BTree", "Hash"):
        return True
    if algo in ("Gist", "SpGist"):
        return t == "String"
    if algo == "Gin":
        return t == "Json" or is_list
    return t in ("String", "Bytes", "DateTime", "Float", "Int", "BigInt", "Decimal")


def _opclass_problem(
    algo: str, native: str | None, opclass: str | None, t: str | None, is_list: bool, unsupported: bool
) -> str | None:
    """None when a field fits the index method; else "unfit", "array", or the scalar type it should have."""
    if algo == "Gist":
        return None if native == "Inet" and opclass == "InetOps" else "unfit"
    if algo == "Gin":
        if native is None and opclass is None and t == "Json":
            return None
        if opclass is None and is_list:
            return None
        if native == "JsonB" and opclass in ("JsonbOps", "JsonbPathOps", None):
            return None
        if native is None and opclass in ("JsonbOps", "JsonbPathOps"):
            return None if t == "Json" else "Json"
        if opclass == "ArrayOps":
            return None if is_list else "array"
        return "unfit"
    if algo == "SpGist":
        if native == "Inet" and opclass in ("InetOps", None):
            return None
        if native is None and opclass is None and t == "String":
            return None
        if native is None and opclass == "TextOps":
            return None if t == "String" else "String"
        if native in ("Text", "VarChar", "Char") and opclass in ("TextOps", None):
            return None
        return "unfit"
    if algo == "Brin":
        if native is not None and native in _BRIN_NATIVE and (opclass is None or opclass in _BRIN_NATIVE[native]):
            return None
        if native is None:
            if opclass is None and t in _BRIN_SCALAR:
                return None
            for scalar, classes in _BRIN_SCALAR.items():
                if opclass in classes:
                    return None if t == scalar else scalar
        return "unfit"
    return None
