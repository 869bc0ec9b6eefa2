"""The syntax tree of a Prisma schema file, with source positions on every node.

The tree is deliberately plain: dataclasses holding what the source says, in source order, with
nothing resolved. It keeps everything a formatter needs to re-emit the file: comments (free-standing
``//`` lines, ``///`` doc comments attached to the following block/field/value, trailing comments on
the line of a node), blank lines (as :class:`EmptyLine` entries in the order they appear, top level
and inside blocks) and lines that could not be parsed (:class:`InvalidLine`, kept verbatim).

Positions are :class:`Span` objects: ``start``/``end`` are character offsets into the file's text
(end exclusive), ``line``/``column`` are 1-based and point at ``start``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Span:
    """Where a node sits in its file: character offsets [start, end) plus 1-based line and column."""

    file: str
    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int


# --------------------------------------------------------------------------- comments, blank lines


@dataclass
class Comment:
    """A comment: ``kind`` is ``"line"`` for ``// …`` or ``"doc"`` for ``/// …``.

    ``text`` is the comment after its marker (``"// note"`` → ``" note"``); ``raw`` is the comment
    exactly as written, marker included, without the newline.
    """

    kind: str
    text: str
    raw: str
    span: Span


@dataclass
class EmptyLine:
    """One blank (or whitespace-only) line; consecutive blank lines are consecutive entries."""

    span: Span


@dataclass
class InvalidLine:
    """A line the parser could not read (a diagnostic was reported for it); ``text`` is verbatim."""

    text: str
    span: Span


# --------------------------------------------------------------------------- expressions


@dataclass
class StringValue:
    """A double-quoted string literal; ``value`` is unescaped, ``raw`` is as written (with quotes)."""

    value: str
    raw: str
    span: Span


@dataclass
class NumberValue:
    """A numeric literal (``-?digits(.digits)?``), kept as written in ``raw``."""

    raw: str
    span: Span

    @property
    def is_integer(self) -> bool:
        return "." not in self.raw


@dataclass
class ConstantValue:
    """A bare identifier or dotted path: ``true``, ``Cascade``, ``ADMIN``, ``pg_trgm``, ``db.Uuid``."""

    name: str
    span: Span


@dataclass
class FunctionCall:
    """A call ``name(args)``: ``now()``, ``env("X")``, ``dbgenerated("…")``, ``b(sort: Desc)``."""

    name: str
    arguments: list[Argument]
    span: Span


@dataclass
class ArrayValue:
    """An array ``[a, b, c]``."""

    items: list[Expression]
    span: Span


Expression = Union[StringValue, NumberValue, ConstantValue, FunctionCall, ArrayValue]


@dataclass
class Argument:
    """One argument of an attribute or call: positional (``name`` is None) or ``name: value``.

    ``value`` is None for an empty named argument (``map:``), which parses and is rejected later.
    """

    name: str | None
    value: Expression | None
    span: Span


# --------------------------------------------------------------------------- attributes, fields


@dataclass
class Attribute:
    """A field attribute ``@name(...)`` or a block attribute ``@@name(...)``.

    ``name`` is the path after the ``@``/``@@`` (``"id"``, ``"db.VarChar"``); ``has_parens`` says
    whether an argument list was written (``@id`` vs ``@id()``).
    """

    name: str
    is_block: bool
    arguments: list[Argument]
    has_parens: bool
    span: Span
    name_span: Span
    doc: list[Comment] = field(default_factory=list)
    trailing_comment: Comment | None = None

    @property
    def positional(self) -> list[Argument]:
        return [a for a in self.arguments if a.name is None]

    def named(self, name: str) -> Argument | None:
        """The first argument called ``name`` (or None)."""
        for arg in self.arguments:
            if arg.name == name:
                return arg
        return None


@dataclass
class FieldType:
    """The type written for a field.

    ``name`` is the type name (``"String"``, ``"User"``, ``"Unsupported"``); ``unsupported`` holds the
    database type string of ``Unsupported("…")``. ``arity`` is ``"required"``, ``"optional"`` or
    ``"list"``. Legacy or invalid forms are kept as flags so the validator can report them:
    ``legacy_required`` (``Type!``), ``legacy_list`` (``[Type]``), ``optional_list`` (``Type[]?``).
    """

    name: str
    arity: str
    span: Span
    name_span: Span
    unsupported: str | None = None
    legacy_required: bool = False
    legacy_list: bool = False
    optional_list: bool = False


@dataclass
class Field:
    """A field line of a model/view/type block: ``name [:] Type[modifier] @attr… // comment``."""

    name: str
    type: FieldType | None
    attributes: list[Attribute]
    span: Span
    name_span: Span
    doc: list[Comment] = field(default_factory=list)
    trailing_comment: Comment | None = None
    colon: bool = False

    @property
    def documentation(self) -> str | None:
        return _doc_text(self.doc)


@dataclass
class EnumValue:
    """A value line of an enum block: ``NAME @map("db") // comment``."""

    name: str
    attributes: list[Attribute]
    span: Span
    name_span: Span
    doc: list[Comment] = field(default_factory=list)
    trailing_comment: Comment | None = None

    @property
    def documentation(self) -> str | None:
        return _doc_text(self.doc)


@dataclass
class ConfigProperty:
    """A ``key = value`` line of a datasource or generator block (``value`` None when missing)."""

    key: str
    value: Expression | None
    span: Span
    key_span: Span
    doc: list[Comment] = field(default_factory=list)
    trailing_comment: Comment | None = None


# --------------------------------------------------------------------------- blocks

ModelMember = Union[Field, Attribute, Comment, EmptyLine, InvalidLine]
EnumMember = Union[EnumValue, Attribute, Comment, EmptyLine, InvalidLine]
ConfigMember = Union[ConfigProperty, Comment, EmptyLine, InvalidLine]


@dataclass
class _BlockBase:
    name: str
    span: Span
    name_span: Span
    doc: list[Comment]
    # Text after ``{`` on the header line (Prisma ignores it); usually a comment or empty.
    header_trailing: Comment | None
    close_span: Span | None

    @property
    def documentation(self) -> str | None:
        return _doc_text(self.doc)


@dataclass
class Model(_BlockBase):
    """A ``model``, ``view`` or ``type`` block (``keyword`` says which); ``body`` is in source order."""

    keyword: str = "model"
    body: list[ModelMember] = field(default_factory=list)

    @property
    def fields(self) -> list[Field]:
        return [m for m in self.body if isinstance(m, Field)]

    @property
    def attributes(self) -> list[Attribute]:
        return [m for m in self.body if isinstance(m, Attribute)]


@dataclass
class Enum(_BlockBase):
    """An ``enum`` block; ``body`` holds values, ``@@`` attributes, comments and blank lines in order."""

    keyword: str = "enum"
    body: list[EnumMember] = field(default_factory=list)

    @property
    def values(self) -> list[EnumValue]:
        return [m for m in self.body if isinstance(m, EnumValue)]

    @property
    def attributes(self) -> list[Attribute]:
        return [m for m in self.body if isinstance(m, Attribute)]


@dataclass
class ConfigBlock(_BlockBase):
    """A ``datasource`` or ``generator`` block (``keyword`` says which)."""

    keyword: str = "datasource"
    body: list[ConfigMember] = field(default_factory=list)

    @property
    def properties(self) -> list[ConfigProperty]:
        return [m for m in self.body if isinstance(m, ConfigProperty)]

    def get(self, key: str) -> ConfigProperty | None:
        """The first property called ``key`` (or None)."""
        for prop in self.properties:
            if prop.key == key:
                return prop
        return None


Block = Union[Model, Enum, ConfigBlock]
TopLevel = Union[Model, Enum, ConfigBlock, Comment, EmptyLine, InvalidLine]


@dataclass
class SchemaFile:
    """One parsed ``.prisma`` file: its name, its text and its top-level items in source order."""

    file: str
    text: str
    items: list[TopLevel] = field(default_factory=list)

    @property
    def blocks(self) -> list[Block]:
        return [i for i in self.items if isinstance(i, (Model, Enum, ConfigBlock))]

    @property
    def models(self) -> list[Model]:
        return [i for i in self.items if isinstance(i, Model)]

    @property
    def enums(self) -> list[Enum]:
        return [i for i in self.items if isinstance(i, Enum)]

    @property
    def config_blocks(self) -> list[ConfigBlock]:
        return [i for i in self.items if isinstance(i, ConfigBlock)]


def _doc_text(doc: list[Comment]) -> str | None:
    """Doc comments joined the way Prisma exposes them (one line each, one leading space removed)."""
    if not doc:
        return None
    lines = []
    for c in doc:
        t = c.text
        lines.append(t[1:] if t.startswith(" ") else t)
    return "\n".join(lines)
