"""Python type expressions for schema fields, per context (model attribute, input, filter, output)."""

from __future__ import annotations

from nexo.schema.client_view import VField

SCALARS = ("String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes")
NUMERIC = ("Int", "BigInt", "Float", "Decimal")
#: scalar types PostgreSQL has min()/max() for
ORDERED = ("String", "Int", "BigInt", "Float", "Decimal", "DateTime")

_MODEL = {
    "String": "str",
    "Int": "int",
    "BigInt": "int",
    "Float": "float",
    "Decimal": "decimal.Decimal",
    "Boolean": "bool",
    "DateTime": "datetime.datetime",
    "Json": "fields.JsonValue",
    "Bytes": "fields.Base64",
}
_INPUT = dict(_MODEL, Json="fields.Json")


def base(f: VField, *, model: bool = False) -> str:
    """The type of one value of ``f`` (the element type for lists)."""
    if f.kind == "enum":
        return f"enums.{f.type}"
    return (_MODEL if model else _INPUT)[f.type]


def filter_name(f: VField) -> str:
    """The shared filter type of a scalar or enum field: ``StringFilter``, ``RoleFilter``..."""
    return f"{f.type}Filter"


def list_filter_name(f: VField) -> str:
    return f"{f.type}ListFilter"


def list_update_name(f: VField) -> str:
    return f"{f.type}ListUpdate"


def atomic_name(f: VField) -> str | None:
    return f"Atomic{f.type}Input" if f.type in NUMERIC and f.kind == "scalar" else None


def model_attr(f: VField, target: str | None = None) -> tuple[str, bool]:
    """(annotation, has a ``= None`` default) of a model class attribute."""
    if f.is_relation:
        t = target or f.type
        return (f"Optional[List[{t}]]" if f.is_list else f"Optional[{t}]"), True
    t = base(f, model=True)
    if f.is_list:
        return f"List[{t}]", False
    if not f.is_required:
        return f"Optional[{t}]", True
    return t, False


def create_value(f: VField) -> str:
    t = base(f)
    if f.is_list:
        return f"List[{t}]"
    return f"Optional[{t}]" if not f.is_required else t


def update_value(f: VField) -> str:
    t = base(f)
    if f.is_list:
        return f"Union[List[{t}], {list_update_name(f)}]"
    atomic = atomic_name(f)
    v = f"Union[{t}, {atomic}]" if atomic else t
    return f"Optional[{v}]" if not f.is_required else v


def where_value(f: VField) -> str:
    if f.is_list:
        return list_filter_name(f)
    t = base(f)
    v = f"Union[{t}, {filter_name(f)}]"
    return f"Optional[{v}]" if not f.is_required else v


def having_value(f: VField) -> str:
    if f.is_list:
        return list_filter_name(f)
    t = base(f)
    v = f"Union[{t}, {f.type}WithAggregatesFilter]"
    return f"Optional[{v}]" if not f.is_required else v


def output_value(f: VField) -> str:
    t = base(f, model=True)
    return f"List[{t}]" if f.is_list else t
