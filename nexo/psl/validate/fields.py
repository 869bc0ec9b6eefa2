"""Scalar fields: their attributes (``@map``, ``@ignore``, ``@id``, ``@updatedAt``, ``@default``,
``@db.*``, ``@unique``) in stage 1, then their native types and default values in stage 2.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from datetime import datetime

from .. import ast as A
from ..attrargs import Args, display
from ..jsoncheck import json_error
from ..native import NATIVE_TYPES
from .context import DEFAULT_FUNCTIONS, FieldInfo, IndexData, ModelData
from .names import Names

_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class Fields(Names):
    """Attributes of scalar fields; native types and default values."""

    # ------------------------------------------------------------------ stage 1: attributes of a scalar field
    def scalar_field_attributes(self, info: FieldInfo, data: ModelData, mapped: dict[str, FieldInfo]) -> None:
        if not info.node.attributes:
            return
        m = info.model
        s = self.attrs_of(info.node.attributes, m.src.file, info.attrs)
        if "map" in s.by_name and (a := s.single("map")) is not None:
            name = self.coerce.string(a.default("name"))
            if name is not None:
                info.mapped = name
                if name in mapped:  # another field maps to the same column
                    self.err(
                        f'Field "{info.node.name}" is already defined on {m.keyword} "{m.name}".', self.fspan(info)
                    )
                mapped.setdefault(name, info)
                other = self.field_index(m).get(name)
                if (
                    other is not None
                    and other is not info
                    and other.kind != "relation"
                    and other.mapped in (None, name)
                ):  # a field is called what this one maps to
                    self.err(
                        f'Field "{info.node.name}" is already defined on {m.keyword} "{m.name}".', self.fspan(info)
                    )
            a.finish()
        if "ignore" in s.by_name and (a := s.single("ignore")) is not None:
            if info.kind == "unsupported":
                a.error(
                    "Fields of type `Unsupported` cannot take an `@ignore` attribute. They are already treated as "
                    "ignored by the client due to their type."
                )
            else:
                info.ignored = True
            a.finish()
        if "relation" in s.by_name and (a := s.single("relation")) is not None:
            a.error("Invalid field type, not a relation.")
            a.finish()
        if "id" in s.by_name and (a := s.single("id")) is not None:
            if data.pk_attr is not None:
                self.err(
                    f'Error validating model "{m.name}": At most one field must be marked as the id field with '
                    "the `@id` attribute.",
                    m.span,
                )
            else:
                data.pk_map = self.map_argument(a)
                data.pk_length = self.coerce.integer(a.optional("length"))
                data.pk_sort = self.sort_argument(a)
                data.pk_clustered = self.coerce.boolean(a.optional("clustered"))
                data.pk_attr, data.pk_source = a.attr, info
                data.pk_fields = [(info, data.pk_sort, data.pk_length)]
                info.is_id = True
            a.finish()
        if "updatedAt" in s.by_name and (a := s.single("updatedAt")) is not None:
            if info.type != "DateTime" or info.kind != "scalar":
                a.error("Fields that are marked with @updatedAt must be of type DateTime.")
            if info.arity == "list":
                a.error("Fields that are marked with @updatedAt cannot be lists.")
            a.finish()
        if "default" in s.by_name and (a := s.single("default")) is not None:
            self.visit_default(info, a)
            a.finish()
        if info.kind == "scalar":
            native = s.datasource_scoped()
            if native is not None:
                info.native_attr = native
        if "unique" in s.by_name and (a := s.single("unique")) is not None:
            mp = self.map_argument(a)
            length = self.coerce.integer(a.optional("length"))
            sort = self.sort_argument(a)
            clustered = self.coerce.boolean(a.optional("clustered"))
            unique = IndexData("unique", a.attr, [(info, sort, length, None)], source=info, map=mp, clustered=clustered)
            unique.where = self.where_argument(info.model, a, "@unique")
            data.indexes.append(unique)
            a.finish()
        s.finish()

    def where_argument(self, m: A.Model, a: Args, label: str) -> str | None:
        """Overridden by :class:`~.indexes.Indexes` (partial indexes)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ @default (stage 1: kinds and functions)
    def visit_default(self, info: FieldInfo, a: Args) -> None:
        before = len(self.diags)
        self.default_kind(info, a)
        info.default_ok = len(self.diags) == before

    def default_kind(self, info: FieldInfo, a: Args) -> None:
        """Prisma's first look at ``@default``: the value suits the field's kind (contents come later)."""
        value = a.default("value")
        if value is None:
            return
        map_expr = a.optional("map")
        info.default_value, info.default_map = value, map_expr is not None
        named = self.map_value(a, map_expr)
        if isinstance(value, A.FunctionCall) and value.name == "dbgenerated":
            args = value.arguments
            if len(args) > 1:
                a.error("`dbgenerated()` takes a single String argument")
            first = args[0].value if args else None
            if isinstance(first, A.StringValue) and not first.value:
                a.error("dbgenerated() takes either no argument, or a single nonempty string argument.")
            elif first is None or isinstance(first, A.StringValue):
                pass
            elif len(args) <= 1:
                a.error("`dbgenerated()` takes a single String argument")
            return
        if info.kind == "enum":
            if info.arity == "list":
                if not isinstance(value, A.ArrayValue):
                    a.error(f"Expected an enum value, but found `{display(value)}`.")
                    return
                for item in value.items:
                    if not self.enum_default(info, item, a):
                        return
            else:
                self.enum_default(info, value, a)
            return
        if info.kind == "unsupported":
            a.error('Only @default(dbgenerated("...")) can be used for Unsupported types.')
            return
        if info.kind != "scalar":
            return
        t = info.type
        if isinstance(value, A.FunctionCall):
            fn, args = value.name, value.arguments
            if fn == "autoincrement" and named is not None:
                a.error("Naming an autoincrement default value is not allowed.")
            elif fn == "autoincrement" and t in ("Int", "BigInt"):
                self.no_arguments(a, fn, args)
            elif fn in ("cuid", "uuid", "nanoid") and t == "String":
                self.id_function_args(a, fn, args)
            elif (fn == "ulid" and t == "String") or (fn == "now" and t == "DateTime"):
                self.no_arguments(a, fn, args)
            elif fn == "auto":
                if args:
                    a.error("`auto()` takes no arguments")
            elif fn not in DEFAULT_FUNCTIONS:
                self.unknown_defaults.append((info, value))
            else:
                a.error(f"The function `{fn}()` cannot be used on fields of type `{t}`.")
            return
        if info.arity == "list":
            if not isinstance(value, A.ArrayValue):
                a.error("The default value of a list field must be a list.")
                return
            for item in value.items:
                if not self.scalar_literal(t, item, a):
                    return
        else:
            if isinstance(value, A.ArrayValue):
                a.error("The default value of a non-list field cannot be a list.")
                return
            self.scalar_literal(t, value, a)

    def no_arguments(self, a: Args, fn: str, args: Sequence[A.Argument]) -> None:
        if args:
            a.error(f"The `{fn}` function does not take any argument. Consider changing this default to `{fn}()`.")

    def id_function_args(self, a: Args, fn: str, args: Sequence[A.Argument]) -> None:
        """``uuid(4|7)``, ``cuid(1|2)``, ``nanoid(n ≥ 2)``: at most one integer argument."""
        if len(args) > 1:
            a.error(f"`{fn}()` takes a single Int argument.")
            return
        if not args:
            return
        v = args[0].value
        if not isinstance(v, A.NumberValue):
            a.error(f"`{fn}()` takes a single Int argument.")
            return
        try:
            n = int(v.raw)
        except ValueError:
            n = -1
        if fn == "uuid" and n not in (4, 7):
            a.error("`uuid()` takes either no argument, or a single integer argument which is either 4 or 7.")
        elif fn == "cuid" and n not in (1, 2):
            a.error("`cuid()` takes either no argument, or a single integer argument which is either 1 or 2.")
        elif fn == "nanoid" and not 2 <= n <= 255:
            a.error("`nanoid()` takes either no argument, or a single integer argument between 2 and 255.")

    def enum_default(self, info: FieldInfo, value: A.Expression, a: Args) -> bool:
        if not isinstance(value, A.ConstantValue):
            a.error(f"Expected an enum value, but found `{display(value)}`.")
            return False
        names = self.enum_value_names.get(info.type)
        if names is None:
            names = self.enum_value_names[info.type] = {v.name for v in self.enum_by_name[info.type].values}
        if value.name not in names:
            a.error(
                f"The defined default value `{value.name}` is not a valid value of the enum specified for the field."
            )
            return False
        return True

    def scalar_literal(self, t: str, value: A.Expression, a: Args) -> bool:
        ok = (
            (t in ("String", "Json", "Bytes", "DateTime") and isinstance(value, A.StringValue))
            or (t in ("Int", "BigInt", "Float", "Decimal") and isinstance(value, A.NumberValue))
            or (t == "Decimal" and isinstance(value, A.StringValue))
        )
        if ok:
            return True
        if t == "Boolean" and isinstance(value, A.ConstantValue):
            if value.name in ("true", "false"):
                return True
            self.err('Error parsing attribute "@default": A boolean literal must be `true` or `false`.', value.span)
            return False
        a.error(f"Expected a {t} value, but found `{display(value)}`.")
        return False

    # ------------------------------------------------------------------ stage 2: native types
    def native_type(self, info: FieldInfo, attr: A.Attribute) -> None:
        problem = self.native_type_problem(info, attr)
        if problem is not None:
            self.err(problem, self.aspan(attr))

    def native_type_problem(self, info: FieldInfo, attr: A.Attribute) -> str | None:
        """What is wrong with a field's ``@db.X(…)`` (None when nothing is: ``info.native`` is then set)."""
        prefix, _, name = attr.name.partition(".")
        if prefix != self.ds_name:
            return (
                f"The prefix {prefix} is invalid. It must be equal to the name of an existing datasource e.g. "
                f"{self.ds_name}. Did you mean to use {self.ds_name}.{name}?"
            )
        spec = NATIVE_TYPES.get(name)
        if spec is None:
            return f"Native type {name} is not supported for postgresql connector."
        if spec.scalar != info.type:
            return (
                f"Native type {name} is not compatible with declared field type {info.type}, expected field "
                f"type {spec.scalar}."
            )
        args: list[str] = []
        for arg in attr.arguments:
            v = arg.value
            if v is None:
                continue
            if not isinstance(v, A.NumberValue) or not v.is_integer:
                return (
                    f'Expected a numeric value, but failed while parsing "{display(v)}": invalid digit found in string.'
                )
            if v.raw.startswith("-"):
                return f"Expected a nonnegative integer, but found ({v.raw})."
            args.append(v.raw)
        n = len(args)
        if spec.max_args == 0 and n:
            return f'Function "{name}" takes 0 arguments, but received {n}.'
        if spec.exact_args and n not in (0, spec.max_args):
            return f"Native type {name} takes {spec.max_args} optional arguments, but received {n}."
        if n > spec.max_args:
            return f"Native type {name} takes {spec.max_args} optional arguments, but received {n}."
        if name in ("Timestamp", "Timestamptz", "Time", "Timetz") and args and int(args[0]) > 6:
            return f"Argument M is out of range for native type `{name}({args[0]})`: M can range from 0 to 6."
        if name == "Decimal" and args and (int(args[0]) > 1000 or int(args[0]) < 1 or int(args[1]) > int(args[0])):
            return (
                f"Argument M is out of range for native type `Decimal({args[0]},{args[1]})`: M can range from 1 "
                "to 1000 and D must not be larger than M."
            )
        info.native = (name, tuple(args))
        return None

    # ------------------------------------------------------------------ stage 2: default values (literal contents)
    def default_values(self, info: FieldInfo) -> None:
        value = info.default_value
        if value is None or not info.default_ok:
            return
        if info.default_map:
            a = info.attrs["default"]
            self.err(
                'Error parsing attribute "@default": You defined a database name for the default value of a field '
                "on the model. This is not supported by the provider.",
                self.aspan(a),
            )
            return
        if isinstance(value, A.FunctionCall):
            if value.name == "auto":
                self.err(
                    'Error parsing attribute "@default": The current connector does not support the `auto()` function.',
                    value.span,
                )
            return
        if info.kind != "scalar":
            return
        items = value.items if isinstance(value, A.ArrayValue) else [value]
        for item in items:
            if not self.literal_contents(info.type, item):
                return

    def literal_contents(self, t: str, v: A.Expression) -> bool:
        pre = 'Error parsing attribute "@default": Parse error: '
        if t in ("Int", "BigInt") and isinstance(v, A.NumberValue):
            raw = v.raw
            if not v.is_integer:
                self.err(f'{pre}"{raw}" is not a valid integer. (invalid digit found in string)', v.span)
                return False
            n = int(raw)
            if n >= 2**63:
                self.err(f'{pre}"{raw}" is not a valid integer. (number too large to fit in target type)', v.span)
                return False
            if n < -(2**63):
                self.err(f'{pre}"{raw}" is not a valid integer. (number too small to fit in target type)', v.span)
                return False
        elif t == "Decimal" and isinstance(v, A.StringValue):
            if not _DECIMAL.match(v.value):
                self.err(
                    f'Error parsing attribute "default": Parse error: "{v.value}" is not a valid decimal. '
                    "(invalid digit found in string)",
                    v.span,
                )
                return False
        elif t == "Json" and isinstance(v, A.StringValue):
            problem = json_error(v.value)
            if problem is not None:
                self.err(f'{pre}"{v.value}" is not a valid JSON string. ({problem})', v.span)
                return False
        elif t == "Bytes" and isinstance(v, A.StringValue):
            try:
                base64.b64decode(v.value, validate=True)
            except (binascii.Error, ValueError):
                self.err(
                    f'{pre}"{v.value}" is not a valid base64 string. (Could not convert from `base64 encoded '
                    "bytes` to `PrismaValue::Bytes`)",
                    v.span,
                )
                return False
        elif t == "DateTime" and isinstance(v, A.StringValue):
            problem = _datetime_error(v.value)
            if problem is not None:
                self.err(f'{pre}"{v.value}" is not a valid rfc3339 datetime string. ({problem})', v.span)
                return False
        return True


def _datetime_error(s: str) -> str | None:
    """Why ``s`` is not an RFC 3339 date-time, in chrono's words (None when it is one)."""
    m = _RFC3339.match(s)
    if m is None:
        shape = "dddd-dd-ddTdd:dd:dd"
        for i, c in enumerate(s):
            want = shape[i] if i < len(shape) else None
            if want is None:
                break
            if (
                (want == "d" and not c.isdigit())
                or (want not in "dT" and c != want)
                or (want == "T" and c not in "Tt ")
            ):
                return "input contains invalid characters"
        if len(s) < len(shape):
            return "premature end of input"
        rest = s[len(shape) :]
        if rest and rest[0] == "." and not rest[1:2].isdigit():
            return "input contains invalid characters"
        if not rest or (rest.startswith(".") and not re.match(r"^\.\d+([Zz]|[+-]\d{2}:\d{2})", rest)):
            return "premature end of input"
        return "input contains invalid characters"
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59 and second <= 60):
        return "input is out of range"
    try:
        datetime(year, month, day)
    except ValueError:
        return "input is out of range"
    return None
