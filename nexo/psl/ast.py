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

import bisect
import re
from dataclasses import dataclass, field
from typing import Union

_NEWLINE = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Where each line of a text starts, to turn character offsets into 1-based lines and columns."""

    __slots__ = ("starts",)

    def __init__(self, starts: list[int]) -> None:
        self.starts = starts

    @classmethod
    def of(cls, text: str) -> LineIndex:
        starts = [0]
        for m in _NEWLINE.finditer(text):
            starts.append(m.end())
        return cls(starts)

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column), both 1-based, of a character offset."""
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


class Span:
    """Where a node sits in its file: character offsets [start, end) plus 1-based line and column.

    Lines and columns are worked out when first asked for (from the file's :class:`LineIndex`), which
    keeps parsing cheap; a span can also be given them directly.
    """

    __slots__ = ("file", "start", "end", "_index", "_line", "_column", "_end_line", "_end_column")

    def __init__(
        self,
        file: str,
        start: int,
        end: int,
        line: int = 0,
        column: int = 0,
        end_line: int = 0,
        end_column: int = 0,
        index: LineIndex | None = None,
    ) -> None:
        self.file = file
        self.start = start
        self.end = end
        self._index = index
        self._line = line
        self._column = column
        self._end_line = end_line
        self._end_column = end_column

    def _resolve(self) -> None:
        if self._index is None:
            self._line = self._line or 1
            self._column = self._column or 1
            self._end_line = self._end_line or self._line
            self._end_column = self._end_column or self._column
            return
        self._line, self._column = self._index.position(self.start)
        self._end_line, self._end_column = self._index.position(self.end)

    @property
    def line(self) -> int:
        if not self._line:
            self._resolve()
        return self._line

    @property
    def column(self) -> int:
        if not self._column:
            self._resolve()
        return self._column

    @property
    def end_line(self) -> int:
        if not self._end_line:
            self._resolve()
        return self._end_line

    @property
    def end_column(self) -> int:
        if not self._end_column:
            self._resolve()
        return self._end_column

    def _key(self) -> tuple[str, int, int, int, int, int, int]:
        return (self.file, self.start, self.end, self.line, self.column, self.end_line, self.end_column)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Span):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.file, self.start, self.end))

    def __repr__(self) -> str:
        return (f"Span(file={self.file!r}, start={self.start}, end={self.end}, line={self.line}, "
                f"column={self.column}, end_line={self.end_line}, end_column={self.end_column})")


# --------------------------------------------------------------------------- comments, blank lines


@dataclass(slots=True)
class Comment:
    """A comment: ``kind`` is ``"line"`` for ``// …`` or ``"doc"`` for ``/// …``.

    ``text`` is the comment after its marker (``"// note"`` → ``" note"``); ``raw`` is the comment
    exactly as written, marker included, without the newline.
    """

    kind: str
    text: str
    raw: str
    span: Span


@dataclass(slots=True)
class EmptyLine:
    """One blank (or whitespace-only) line; consecutive blank lines are consecutive entries."""

    span: Span


@dataclass(slots=True)
class InvalidLine:
    """A line the parser could not read (a diagnostic was reported for it); ``text`` is verbatim."""

    text: str
    span: Span


# --------------------------------------------------------------------------- expressions


@dataclass(slots=True)
class StringValue:
    """A double-quoted string literal; ``value`` is unescaped, ``raw`` is as written (with quotes)."""

    value: str
    raw: str
    span: Span


@dataclass(slots=True)
class NumberValue:
    """A numeric literal (``-?digits(.digits)?``), kept as written in ``raw``."""

    raw: str
    span: Span

    @property
    def is_integer(self) -> bool:
        return "." not in self.raw


@dataclass(slots=True)
class ConstantValue:
    """A bare identifier or dotted path: ``true``, ``Cascade``, ``ADMIN``, ``pg_trgm``, ``db.Uuid``."""

    name: str
    span: Span


@dataclass(slots=True)
class FunctionCall:
    """A call ``name(args)``: ``now()``, ``env("X")``, ``dbgenerated("…")``, ``b(sort: Desc)``."""

    name: str
    arguments: list[Argument]
    span: Span
    #: where a trailing comma sits in the argument list (``f(a,)``), which Prisma rejects
    trailing_comma: Span | None = None


@dataclass(slots=True)
class ArrayValue:
    """An array ``[a, b, c]``."""

    items: list[Expression]
    span: Span


Expression = Union[StringValue, NumberValue, ConstantValue, FunctionCall, ArrayValue]


@dataclass(slots=True)
class Argument:
    """One argument of an attribute or call: positional (``name`` is None) or ``name: value``.

    ``value`` is None for an empty named argument (``map:``), which parses and is rejected later.
    """

    name: str | None
    value: Expression | None
    span: Span


# --------------------------------------------------------------------------- attributes, fields


@dataclass(slots=True)
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
    #: where a trailing comma sits in the argument list (``@map("x",)``), which Prisma rejects
    trailing_comma: Span | None = None
    _positional: tuple[int, list[Argument]] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def positional(self) -> list[Argument]:
        cached = self._positional
        if cached is None or cached[0] != len(self.arguments):
            cached = self._positional = (len(self.arguments), [a for a in self.arguments if a.name is None])
        return cached[1]

    def named(self, name: str) -> Argument | None:
        """The first argument called ``name`` (or None)."""
        for arg in self.arguments:
            if arg.name == name:
                return arg
        return None


@dataclass(slots=True)
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


@dataclass(slots=True)
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


@dataclass(slots=True)
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


@dataclass(slots=True)
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


@dataclass(slots=True)
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


@dataclass(slots=True)
class Model(_BlockBase):
    """A ``model``, ``view`` or ``type`` block (``keyword`` says which); ``body`` is in source order."""

    keyword: str = "model"
    body: list[ModelMember] = field(default_factory=list)
    _members: tuple[int, list[Field], list[Attribute]] | None = field(default=None, init=False, repr=False,
                                                                      compare=False)

    def _split(self) -> tuple[int, list[Field], list[Attribute]]:
        cached = self._members
        if cached is None or cached[0] != len(self.body):
            body = self.body
            cached = self._members = (len(body), [m for m in body if isinstance(m, Field)],
                                      [m for m in body if isinstance(m, Attribute)])
        return cached

    @property
    def fields(self) -> list[Field]:
        return self._split()[1]

    @property
    def attributes(self) -> list[Attribute]:
        return self._split()[2]


@dataclass(slots=True)
class Enum(_BlockBase):
    """An ``enum`` block; ``body`` holds values, ``@@`` attributes, comments and blank lines in order."""

    keyword: str = "enum"
    body: list[EnumMember] = field(default_factory=list)
    _members: tuple[int, list[EnumValue], list[Attribute]] | None = field(default=None, init=False, repr=False,
                                                                          compare=False)

    def _split(self) -> tuple[int, list[EnumValue], list[Attribute]]:
        cached = self._members
        if cached is None or cached[0] != len(self.body):
            body = self.body
            cached = self._members = (len(body), [m for m in body if isinstance(m, EnumValue)],
                                      [m for m in body if isinstance(m, Attribute)])
        return cached

    @property
    def values(self) -> list[EnumValue]:
        return self._split()[1]

    @property
    def attributes(self) -> list[Attribute]:
        return self._split()[2]


@dataclass(slots=True)
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


@dataclass(slots=True)
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
