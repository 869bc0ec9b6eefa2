"""The syntax tree of a Prisma schema file, with source positions on every node.

The tree is deliberately plain: dataclasses holding what the source says, in source order, with
nothing resolved. It keeps everything a formatter needs to re-emit the file: comments (free-standing
``//`` lines, ``///`` doc comments attached to the following block/field/value, trailing comments on
the line of a node), blank lines (as :class:`EmptyLine` entries in the order they appear, top level
and inside blocks) and lines that could not be parsed (:class:`InvalidLine`, kept verbatim).

Every node records where it sits as character offsets into its file's text, ``start``/``end`` (end
exclusive), plus the :class:`Source` it was read from. Its ``span`` (a :class:`Span`, with 1-based
``line``/``column``) and the spans of its parts (``name_span``, …) are made from those when asked
for: a large schema has hundreds of thousands of positions and only a diagnostic ever needs one as
an object.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Union

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

    __slots__ = ("_index", "_pos", "end", "file", "start")

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
        # (line, column, end line, end column) once known or when given
        self._pos = (line, column, end_line, end_column) if line else None

    def _position(self) -> tuple[int, int, int, int]:
        pos = self._pos
        if pos is not None and 0 not in pos:
            return pos
        if self._index is None:
            line, column, end_line, end_column = pos or (1, 1, 0, 0)
            column = column or 1
            pos = (line, column, end_line or line, end_column or column)
        else:
            pos = self._index.position(self.start) + self._index.position(self.end)
        self._pos = pos
        return pos

    @property
    def line(self) -> int:
        return self._position()[0]

    @property
    def column(self) -> int:
        return self._position()[1]

    @property
    def end_line(self) -> int:
        return self._position()[2]

    @property
    def end_column(self) -> int:
        return self._position()[3]

    def _key(self) -> tuple[str, int, int, int, int, int, int]:
        return (self.file, self.start, self.end, self.line, self.column, self.end_line, self.end_column)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Span):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.file, self.start, self.end))

    def __repr__(self) -> str:
        return (
            f"Span(file={self.file!r}, start={self.start}, end={self.end}, line={self.line}, "
            f"column={self.column}, end_line={self.end_line}, end_column={self.end_column})"
        )


class Source:
    """The file nodes were read from: its name and line index, from which their spans are made."""

    __slots__ = ("file", "index")

    def __init__(self, file: str, index: LineIndex) -> None:
        self.file = file
        self.index = index

    def span(self, start: int, end: int) -> Span:
        """The span of the text between two offsets of this file."""
        return Span(self.file, start, end, 0, 0, 0, 0, self.index)

    def __repr__(self) -> str:
        return f"Source({self.file!r})"


class _Located:
    """What every node has: offsets ``start``/``end`` into the text of ``src``, and the span they make.

    Each node class declares ``start``, ``end`` and ``src`` itself. Declaring them here as well would
    give them defaults in the compiled build (a dataclass takes an inherited class attribute for a
    default), hence the untyped access.
    """

    __slots__ = ()

    @property
    def span(self) -> Span:
        node: Any = self
        return Span(node.src.file, node.start, node.end, 0, 0, 0, 0, node.src.index)

    @property
    def file(self) -> str:
        """The name of the file the node comes from."""
        node: Any = self
        return node.src.file  # type: ignore[no-any-return]


_NO_COMMENTS: tuple[Comment, ...] = ()


# --------------------------------------------------------------------------- comments, blank lines


# The dataclasses built in bulk write out their __init__ (init=False): the compiled build runs a written
# one as C, a generated one as Python (see nexo/_compiled.py).
@dataclass(slots=True, init=False)
class Comment(_Located):
    """A comment: ``kind`` is ``"line"`` for ``// …`` or ``"doc"`` for ``/// …``.

    ``text`` is the comment after its marker (``"// note"`` → ``" note"``); ``raw`` is the comment
    exactly as written, marker included, without the newline.
    """

    kind: str
    text: str
    raw: str
    start: int
    end: int
    src: Source = field(repr=False, compare=False)

    def __init__(self, kind: str, text: str, raw: str, start: int, end: int, src: Source) -> None:
        self.kind = kind
        self.text = text
        self.raw = raw
        self.start = start
        self.end = end
        self.src = src


@dataclass(slots=True, init=False)
class EmptyLine(_Located):
    """One blank (or whitespace-only) line, newline included; consecutive blank lines are consecutive entries."""

    start: int
    end: int
    src: Source = field(repr=False, compare=False)

    def __init__(self, start: int, end: int, src: Source) -> None:
        self.start = start
        self.end = end
        self.src = src


@dataclass(slots=True, init=False)
class InvalidLine(_Located):
    """A line the parser could not read (a diagnostic was reported for it); ``text`` is verbatim."""

    text: str
    start: int
    end: int
    src: Source = field(repr=False, compare=False)

    def __init__(self, text: str, start: int, end: int, src: Source) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.src = src


# --------------------------------------------------------------------------- expressions


@dataclass(slots=True, init=False)
class StringValue(_Located):
    """A double-quoted string literal; ``value`` is unescaped, ``raw`` is as written (with quotes)."""

    value: str
    raw: str
    start: int
    end: int
    src: Source = field(repr=False, compare=False)

    def __init__(self, value: str, raw: str, start: int, end: int, src: Source) -> None:
        self.value = value
        self.raw = raw
        self.start = start
        self.end = end
        self.src = src


@dataclass(slots=True, init=False)
class NumberValue(_Located):
    """A numeric literal (``-?digits(.digits)?``), kept as written in ``raw``."""

    raw: str
    start: int
    end: int
    src: Source = field(repr=False, compare=False)

    def __init__(self, raw: str, start: int, end: int, src: Source) -> None:
        self.raw = raw
        self.start = start
        self.end = end
        self.src = src

    @property
    def is_integer(self) -> bool:
        return "." not in self.raw


@dataclass(slots=True, init=False)
class ConstantValue(_Located):
    """A bare identifier or dotted path: ``true``, ``Cascade``, ``ADMIN``, ``pg_trgm``, ``db.Uuid``."""

    name: str
    start: int
    end: int
    src: Source = field(repr=False, compare=False)

    def __init__(self, name: str, start: int, end: int, src: Source) -> None:
        self.name = name
        self.start = start
        self.end = end
        self.src = src


@dataclass(slots=True, init=False)
class FunctionCall(_Located):
    """A call ``name(args)``: ``now()``, ``env("X")``, ``dbgenerated("…")``, ``b(sort: Desc)``."""

    name: str
    arguments: Sequence[Argument]
    start: int
    end: int
    src: Source = field(repr=False, compare=False)
    #: where a trailing comma sits in the argument list (``f(a,)``), which Prisma rejects
    trailing_comma: Span | None = None

    def __init__(
        self,
        name: str,
        arguments: Sequence[Argument],
        start: int,
        end: int,
        src: Source,
        trailing_comma: Span | None = None,
    ) -> None:
        self.name = name
        self.arguments = arguments
        self.start = start
        self.end = end
        self.src = src
        self.trailing_comma = trailing_comma


@dataclass(slots=True, init=False)
class ArrayValue(_Located):
    """An array ``[a, b, c]``."""

    items: list[Expression]
    start: int
    end: int
    src: Source = field(repr=False, compare=False)

    def __init__(self, items: list[Expression], start: int, end: int, src: Source) -> None:
        self.items = items
        self.start = start
        self.end = end
        self.src = src


@dataclass(slots=True, init=False)
class ObjectValue(_Located):
    """An object literal ``{ key: value, … }`` (Prisma 7 only: the ``where`` of a partial index).

    ``entries`` holds ``(key, key_start, value)`` in the order written; Prisma 7 rejects a trailing comma,
    quoted keys and a key without a value as a syntax error.
    """

    entries: list[tuple[str, int, Expression]]
    start: int
    end: int
    src: Source = field(repr=False, compare=False)

    def __init__(self, entries: list[tuple[str, int, Expression]], start: int, end: int, src: Source) -> None:
        self.entries = entries
        self.start = start
        self.end = end
        self.src = src


Expression = Union[StringValue, NumberValue, ConstantValue, FunctionCall, ArrayValue, ObjectValue]


@dataclass(slots=True, init=False)
class Argument(_Located):
    """One argument of an attribute or call: positional (``name`` is None) or ``name: value``.

    ``value`` is None for an empty named argument (``map:``), which parses and is rejected later.
    """

    name: str | None
    value: Expression | None
    start: int
    end: int
    src: Source = field(repr=False, compare=False)

    def __init__(self, name: str | None, value: Expression | None, start: int, end: int, src: Source) -> None:
        self.name = name
        self.value = value
        self.start = start
        self.end = end
        self.src = src


# --------------------------------------------------------------------------- attributes, fields


@dataclass(slots=True, init=False)
class Attribute(_Located):
    """A field attribute ``@name(...)`` or a block attribute ``@@name(...)``.

    ``name`` is the path after the ``@``/``@@`` (``"id"``, ``"db.VarChar"``), written from offset
    ``name_start``; ``has_parens`` says whether an argument list was written (``@id`` vs ``@id()``).
    """

    name: str
    is_block: bool
    arguments: Sequence[Argument]
    has_parens: bool
    start: int
    end: int
    name_start: int
    src: Source = field(repr=False, compare=False)
    doc: Sequence[Comment] = _NO_COMMENTS
    trailing_comment: Comment | None = None
    #: where a trailing comma sits in the argument list (``@map("x",)``), which Prisma rejects
    trailing_comma: Span | None = None
    _positional: tuple[int, list[Argument]] | None = field(default=None, init=False, repr=False, compare=False)

    def __init__(
        self,
        name: str,
        is_block: bool,
        arguments: Sequence[Argument],
        has_parens: bool,
        start: int,
        end: int,
        name_start: int,
        src: Source,
        doc: Sequence[Comment] = _NO_COMMENTS,
        trailing_comment: Comment | None = None,
        trailing_comma: Span | None = None,
    ) -> None:
        self.name = name
        self.is_block = is_block
        self.arguments = arguments
        self.has_parens = has_parens
        self.start = start
        self.end = end
        self.name_start = name_start
        self.src = src
        self.doc = doc
        self.trailing_comment = trailing_comment
        self.trailing_comma = trailing_comma
        self._positional = None

    @property
    def name_span(self) -> Span:
        return self.src.span(self.name_start, self.name_start + len(self.name))

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


@dataclass(slots=True, init=False)
class FieldType(_Located):
    """The type written for a field.

    ``name`` is the type name (``"String"``, ``"User"``, ``"Unsupported"``), written between offsets
    ``name_start`` and ``name_end`` (``Unsupported("…")`` as a whole); ``unsupported`` holds the
    database type string of ``Unsupported("…")``. ``arity`` is ``"required"``, ``"optional"`` or
    ``"list"``. Legacy or invalid forms are kept as flags so the validator can report them:
    ``legacy_required`` (``Type!``), ``legacy_list`` (``[Type]``), ``optional_list`` (``Type[]?``).
    """

    name: str
    arity: str
    start: int
    end: int
    name_start: int
    name_end: int
    src: Source = field(repr=False, compare=False)
    unsupported: str | None = None
    legacy_required: bool = False
    legacy_list: bool = False
    optional_list: bool = False

    def __init__(
        self,
        name: str,
        arity: str,
        start: int,
        end: int,
        name_start: int,
        name_end: int,
        src: Source,
        unsupported: str | None = None,
        legacy_required: bool = False,
        legacy_list: bool = False,
        optional_list: bool = False,
    ) -> None:
        self.name = name
        self.arity = arity
        self.start = start
        self.end = end
        self.name_start = name_start
        self.name_end = name_end
        self.src = src
        self.unsupported = unsupported
        self.legacy_required = legacy_required
        self.legacy_list = legacy_list
        self.optional_list = optional_list

    @property
    def name_span(self) -> Span:
        return self.src.span(self.name_start, self.name_end)


@dataclass(slots=True, init=False)
class Field(_Located):
    """A field line of a model/view/type block: ``name [:] Type[modifier] @attr… // comment``."""

    name: str
    type: FieldType | None
    attributes: Sequence[Attribute]
    start: int
    end: int
    src: Source = field(repr=False, compare=False)
    doc: Sequence[Comment] = _NO_COMMENTS
    trailing_comment: Comment | None = None
    colon: bool = False

    def __init__(
        self,
        name: str,
        type: FieldType | None,
        attributes: Sequence[Attribute],
        start: int,
        end: int,
        src: Source,
        doc: Sequence[Comment] = _NO_COMMENTS,
        trailing_comment: Comment | None = None,
        colon: bool = False,
    ) -> None:
        self.name = name
        self.type = type
        self.attributes = attributes
        self.start = start
        self.end = end
        self.src = src
        self.doc = doc
        self.trailing_comment = trailing_comment
        self.colon = colon

    @property
    def name_span(self) -> Span:
        return self.src.span(self.start, self.start + len(self.name))

    @property
    def documentation(self) -> str | None:
        return _doc_text(self.doc)


@dataclass(slots=True, init=False)
class EnumValue(_Located):
    """A value line of an enum block: ``NAME @map("db") // comment``."""

    name: str
    attributes: Sequence[Attribute]
    start: int
    end: int
    src: Source = field(repr=False, compare=False)
    doc: Sequence[Comment] = _NO_COMMENTS
    trailing_comment: Comment | None = None

    def __init__(
        self,
        name: str,
        attributes: Sequence[Attribute],
        start: int,
        end: int,
        src: Source,
        doc: Sequence[Comment] = _NO_COMMENTS,
        trailing_comment: Comment | None = None,
    ) -> None:
        self.name = name
        self.attributes = attributes
        self.start = start
        self.end = end
        self.src = src
        self.doc = doc
        self.trailing_comment = trailing_comment

    @property
    def name_span(self) -> Span:
        return self.src.span(self.start, self.start + len(self.name))

    @property
    def documentation(self) -> str | None:
        return _doc_text(self.doc)


@dataclass(slots=True, init=False)
class ConfigProperty(_Located):
    """A ``key = value`` line of a datasource or generator block (``value`` None when missing)."""

    key: str
    value: Expression | None
    start: int
    end: int
    src: Source = field(repr=False, compare=False)
    doc: Sequence[Comment] = _NO_COMMENTS
    trailing_comment: Comment | None = None

    def __init__(
        self,
        key: str,
        value: Expression | None,
        start: int,
        end: int,
        src: Source,
        doc: Sequence[Comment] = _NO_COMMENTS,
        trailing_comment: Comment | None = None,
    ) -> None:
        self.key = key
        self.value = value
        self.start = start
        self.end = end
        self.src = src
        self.doc = doc
        self.trailing_comment = trailing_comment

    @property
    def key_span(self) -> Span:
        return self.src.span(self.start, self.start + len(self.key))


# --------------------------------------------------------------------------- blocks

ModelMember = Union[Field, Attribute, Comment, EmptyLine, InvalidLine]
EnumMember = Union[EnumValue, Attribute, Comment, EmptyLine, InvalidLine]
ConfigMember = Union[ConfigProperty, Comment, EmptyLine, InvalidLine]


@dataclass(slots=True)
class _BlockBase(_Located):
    """What every block has: ``span`` runs from its keyword through its closing ``}`` (at ``close_start``)."""

    name: str
    start: int
    end: int
    name_start: int
    src: Source = field(repr=False, compare=False)
    doc: Sequence[Comment] = _NO_COMMENTS
    # Text after ``{`` on the header line (Prisma ignores it); usually a comment or empty.
    header_trailing: Comment | None = None
    close_start: int | None = None

    @property
    def name_span(self) -> Span:
        return self.src.span(self.name_start, self.name_start + len(self.name))

    @property
    def close_span(self) -> Span | None:
        return None if self.close_start is None else self.src.span(self.close_start, self.close_start + 1)

    @property
    def documentation(self) -> str | None:
        return _doc_text(self.doc)


@dataclass(slots=True)
class Model(_BlockBase):
    """A ``model``, ``view`` or ``type`` block (``keyword`` says which); ``body`` is in source order."""

    keyword: str = "model"
    body: list[ModelMember] = field(default_factory=list)
    _members: tuple[int, list[Field], list[Attribute]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def _split(self) -> tuple[int, list[Field], list[Attribute]]:
        cached = self._members
        if cached is None or cached[0] != len(self.body):
            body = self.body
            cached = self._members = (
                len(body),
                [m for m in body if isinstance(m, Field)],
                [m for m in body if isinstance(m, Attribute)],
            )
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
    _members: tuple[int, list[EnumValue], list[Attribute]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def _split(self) -> tuple[int, list[EnumValue], list[Attribute]]:
        cached = self._members
        if cached is None or cached[0] != len(self.body):
            body = self.body
            cached = self._members = (
                len(body),
                [m for m in body if isinstance(m, EnumValue)],
                [m for m in body if isinstance(m, Attribute)],
            )
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


@dataclass(slots=True, init=False)
class SchemaFile:
    """One parsed ``.prisma`` file: its name, its text and its top-level items in source order."""

    file: str
    text: str
    items: list[TopLevel] = field(default_factory=list)

    def __init__(self, file: str, text: str, items: list[TopLevel] | None = None) -> None:
        self.file = file
        self.text = text
        self.items = list() if items is None else items

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


def _doc_text(doc: Sequence[Comment]) -> str | None:
    """Doc comments joined the way Prisma exposes them (one line each, one leading space removed)."""
    if not doc:
        return None
    lines = []
    for c in doc:
        t = c.text
        lines.append(t[1:] if t.startswith(" ") else t)
    return "\n".join(lines)
