"""The parser: Prisma schema text → :class:`~nexo.psl.ast.SchemaFile` plus syntax diagnostics.

The schema language is line-oriented (Prisma's grammar, ``datamodel.pest``): a block header
``keyword Name {`` ends its line, every field / enum value / ``@@attribute`` / ``key = value`` sits on
its own line, and a ``}`` at the start of a line closes the block. The parser therefore works line by
line and recovers at the line level: a line it cannot read becomes an :class:`~nexo.psl.ast.InvalidLine`
with a diagnostic, and parsing carries on with the next line, so one run reports every syntax error.
A block whose closing ``}`` never comes is not a block: its lines are read again at the top level
(each one then reported as an invalid line), which is what Prisma does.

Whitespace between tokens is spaces, tabs and the other Unicode space separators, as in Prisma's
grammar; it may appear between a type and its ``?``/``[]``, after ``@``, and before an argument list.
Text after a block's closing ``}`` on the same line is read as top-level content (another block may
even start there). Diagnostics point where Prisma points: an unreadable line is marked from its first
non-blank character through its newline.

This module reads the structure (lines, blocks, which kind of line each one is, recovery); the terms
inside a line (names, types, attributes, arguments, expressions, strings) are read by
:class:`nexo.psl.terms.TermReader`, which :class:`Parser` extends.
"""

from __future__ import annotations

import bisect
import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import accumulate
from typing import Any

from . import ast as A
from .diagnostics import Diagnostic
from .terms import BLANK, IDENT_RE, NUMBER_RE, WS_CHARS, Fail, TermReader

# The usual shape of a field line, ``name Type``, ``name Type?`` or ``name Type[]`` followed by a space,
# an attribute, a comment or the end of the line; anything else takes the general path.
_FIELD_HEAD = re.compile(r"(" + IDENT_RE + r")[ \t]+(" + IDENT_RE + r")(\?|\[\])?(?=[ \t@]|//|$)(?![ \t]*[?\[!])")
# A whole field line (blanks first) of the usual shape: ``name Type[?|[]]`` then attributes without arguments or with
# one simple argument (a plain string, a number, a name, a call without arguments), nothing else.
_SIMPLE_ARG = r'"[^"\\\x00-\x1f]*+"|' + NUMBER_RE + r"|[A-Za-z][A-Za-z0-9_\-]*+(?:\(\))?"
_SIMPLE_ATTR = re.compile(
    r"@(" + IDENT_RE + r"(?:\." + IDENT_RE + r")*+)"
    r'(?:\((?:"([^"\\\x00-\x1f]*+)"|(' + NUMBER_RE + r")|([A-Za-z][A-Za-z0-9_\-]*+)(\(\))?)\))?"
)
_SIMPLE_FIELD_LINE = re.compile(
    BLANK + r"*+(" + IDENT_RE + r")[ \t]++(" + IDENT_RE + r")(\?|\[\])?+"
    r"((?:[ \t]++@" + IDENT_RE + r"(?:\." + IDENT_RE + r")*+(?:\((?:" + _SIMPLE_ARG + r")\))?+)*+)[ \t]*+$"
)
# The keyword may be glued to the name (``modelA {`` is a model called ``A`` for Prisma's grammar too).
_HEADER = re.compile(
    BLANK + r"*(model|view|type|enum|datasource|generator)" + BLANK + "*(" + IDENT_RE + ")" + BLANK + r"*\{"
)
_ARBITRARY = re.compile(BLANK + "*(" + IDENT_RE + ")" + BLANK + r"*\{")
_TYPE_ALIAS = re.compile(BLANK + "*type" + BLANK + "*(" + IDENT_RE + ")" + BLANK + "*=" + BLANK + "*")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_KEYWORD_BLOCK = {
    "model": "model",
    "view": "model",
    "type": "model",
    "enum": "enum",
    "datasource": "config",
    "generator": "config",
}
MSG_TOP_INVALID = "Error validating: This line is invalid. It does not start with any known Prisma schema keyword."
MSG_MODEL_LINE = "Error validating: This line is not a valid field or attribute definition."
MSG_ENUM_LINE = "Error validating: This line is not an enum value definition."
MSG_ARBITRARY_BLOCK = (
    "Error validating: This block is invalid. It does not start with any known Prisma schema keyword. Valid "
    "keywords include 'model', 'enum', 'type', 'datasource' and 'generator'."
)
MSG_TYPE_ALIAS = (
    "Error validating: Invalid type definition. Please check the documentation in https://pris.ly/d/composite-types"
)


class _Lines:
    """The text split into lines: where each starts, where its content ends, where the next one starts."""

    def __init__(self, text: str) -> None:
        n = len(text)
        if "\r" not in text:  # the usual case: only ``\n`` ends lines
            nexts = list(accumulate(len(line) + 1 for line in text.split("\n")))
            nexts[-1] = n
            ends = [k - 1 for k in nexts]
            ends[-1] = n
        else:
            ends, nexts = [], []
            for m in _NEWLINE.finditer(text):
                ends.append(m.start())
                nexts.append(m.end())
            ends.append(n)
            nexts.append(n)
        starts = [0]
        starts += nexts[:-1]
        if len(starts) > 1 and ends[-1] == starts[-1] == n:
            # text ends with a newline: no extra empty line after it
            starts.pop()
            ends.pop()
            nexts.pop()
        self.starts: list[int] = starts
        self.ends: list[int] = ends  # end of content (before newline)
        self.nexts: list[int] = nexts  # start of the following line
        self.count = len(starts)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1


def _lstrip_ws(s: str) -> str:
    return s.lstrip(WS_CHARS)


class Parser(TermReader):
    """Parses one file; use :func:`parse`."""

    def __init__(self, text: str, file: str, fast: bool = True, objects: bool = False) -> None:
        lines = _Lines(text)
        super().__init__(text, file, A.LineIndex(lines.starts), fast, objects)
        self.lines = lines
        self.closing_lines = self._closing_lines()
        # cursor state used while reading one line (beyond the term reader's)
        self.block_name = ""
        self.block_keyword = ""
        self.limit = len(text)  # a trailing block comment ends before this offset (the block's closing line)

    def _closing_lines(self) -> list[int]:
        """The lines whose first non-blank character is ``}`` (where a block may close), in order."""
        text, lines = self.text, self.lines
        found = []
        pos = text.find("}")
        while pos >= 0:
            i = lines.line_of(pos)
            if not text[lines.starts[i] : pos].strip(WS_CHARS):
                found.append(i)
            pos = text.find("}", pos + 1)
        return found

    # ------------------------------------------------------------------ positions
    def line_span(self, i: int, with_newline: bool = True) -> A.Span:
        lines = self.lines
        start = lines.starts[i]
        return self.span(start, lines.nexts[i] if with_newline else lines.ends[i])

    def _invalid(self, message: str, start: int, i: int) -> A.InvalidLine:
        """An unreadable line from ``start`` (its first non-blank character): diagnostic + node."""
        lines = self.lines
        text = self.text
        while start < lines.ends[i] and text[start] in WS_CHARS:
            start += 1
        self.error(message, self.span(start, lines.nexts[i]))
        return A.InvalidLine(text[start : lines.ends[i]], start, lines.ends[i], self.src)

    def _empty_line(self, i: int) -> A.EmptyLine:
        lines = self.lines
        return A.EmptyLine(lines.starts[i], lines.nexts[i], self.src)

    # ------------------------------------------------------------------ top level
    def parse(self) -> A.SchemaFile:
        result = A.SchemaFile(self.file, self.text)
        items = result.items
        text = self.text
        lines = self.lines
        i = 0
        start = 0
        pending_doc: list[A.Comment] = []
        mid_line = False  # True when continuing a line after a block's closing brace
        while i < lines.count:
            if not mid_line:
                start = lines.starts[i]
            end = lines.ends[i]
            content = text[start:end]
            stripped = content.strip(WS_CHARS)
            if not stripped:
                if not mid_line:
                    items.extend(pending_doc)
                    pending_doc = []
                    items.append(self._empty_line(i))
                i += 1
                mid_line = False
                continue
            lead = start + len(content) - len(_lstrip_ws(content))
            if stripped.startswith("/*"):
                block_comment = self._block_comment(lead)
                if block_comment is not None:
                    items.extend(pending_doc)
                    pending_doc = []
                    items.append(block_comment)
                    i, start, mid_line = self._after_offset(block_comment.end)
                    continue
            if stripped.startswith("//"):
                comment = self._comment(lead, end)
                if comment.kind == "doc" and not mid_line:
                    pending_doc.append(comment)
                else:
                    items.extend(pending_doc)
                    pending_doc = []
                    items.append(comment)
                i += 1
                mid_line = False
                continue
            m = _HEADER.match(text, start, end)
            if m:
                close = self._find_close(i + 1)
                if close is not None:
                    block = self._block(m, i, close, pending_doc)
                    pending_doc = []
                    items.append(block)
                    i, start, mid_line = self._after_close(block, close)
                    continue
            m = _TYPE_ALIAS.match(text, start, end)
            if m:
                alias_end = self._type_alias(m.end(), end)
                if alias_end is not None:
                    items.extend(pending_doc)
                    pending_doc = []
                    self.error(MSG_TYPE_ALIAS, self.span(lead, alias_end))
                    items.append(A.InvalidLine(text[lead:alias_end], lead, alias_end, self.src))
                    start, mid_line = alias_end, True
                    continue
            m = _ARBITRARY.match(text, start, end)
            if m and i + 1 < lines.count and lines.nexts[i] > end:
                brace = text.find("}", lines.nexts[i])
                if brace >= 0:
                    items.extend(pending_doc)
                    pending_doc = []
                    self.error(MSG_ARBITRARY_BLOCK, self.span(lead, brace + 1))
                    items.append(A.InvalidLine(text[lead : brace + 1], lead, brace + 1, self.src))
                    i = lines.line_of(brace)
                    start, mid_line = brace + 1, True
                    continue
            items.extend(pending_doc)
            pending_doc = []
            items.append(self._invalid(MSG_TOP_INVALID, start, i))
            i += 1
            mid_line = False
        items.extend(pending_doc)
        return result

    def _after_offset(self, offset: int) -> tuple[int, int, bool]:
        """Where reading resumes after something that ended at ``offset`` (a block comment): the rest of
        its line when text follows there, else the next line."""
        i = self.lines.line_of(offset)
        if self.text[offset : self.lines.ends[i]].strip(WS_CHARS):
            return i, offset, True
        return i + 1, 0, False

    def _block_comment(self, start: int, limit: int | None = None) -> A.Comment | None:
        """The ``/* … */`` comment at ``start`` (it may span lines, up to ``limit``); None when it is not
        closed there (the line is then unreadable, as in Prisma)."""
        close = self.text.find("*/", start + 2, limit)
        if close < 0:
            return None
        raw = self.text[start : close + 2]
        return A.Comment("block", raw[2:-2], raw, start, close + 2, self.src)

    def _after_close(self, block: A.Block, close: int) -> tuple[int, int, bool]:
        """Where top-level reading resumes after a block closed on line ``close``."""
        assert block.close_start is not None
        after = block.close_start + 1
        if self.text[after : self.lines.ends[close]].strip(WS_CHARS):
            return close, after, True
        return close + 1, 0, False

    def _type_alias(self, pos: int, end: int) -> int | None:
        """A legacy ``type X = Base @attr…`` line from its base type: where it ends (None if it is not one)."""
        self.pos, self.end = pos, end
        try:
            self._base_type()
            last = self.pos
            while True:
                self.ws()
                if self.peek() == "@" and not self.text.startswith("@@", self.pos):
                    self.attribute()
                    last = self.pos
                    continue
                break
        except Fail:
            return None
        return last

    def _find_close(self, i: int) -> int | None:
        """The first line from line ``i`` on that starts with ``}`` (None when there is none)."""
        closing = self.closing_lines
        k = bisect.bisect_left(closing, i)
        return closing[k] if k < len(closing) else None

    def _comment(self, start: int, end: int) -> A.Comment:
        raw = self.text[start:end].rstrip(" \t")
        if raw.startswith("///"):
            return A.Comment("doc", raw[3:], raw, start, start + len(raw), self.src)
        return A.Comment("line", raw[2:], raw, start, start + len(raw), self.src)

    def _block(self, m: re.Match[str], first: int, close: int, doc: list[A.Comment]) -> A.Block:
        keyword, name = m.group(1), m.group(2)
        lines = self.lines
        header_end = lines.ends[first]
        rest = self.text[m.end() : header_end]
        header_trailing = None
        r = _lstrip_ws(rest)
        if r.startswith("//"):
            header_trailing = self._comment(header_end - len(r), header_end)
        close_line = self.text[lines.starts[close] : lines.ends[close]]
        close_start = lines.starts[close] + len(close_line) - len(_lstrip_ws(close_line))
        kind = _KEYWORD_BLOCK[keyword]
        self.block_name, self.block_keyword = name, keyword
        block: A.Block
        if kind == "model":
            block = A.Model(
                name,
                m.start(1),
                close_start + 1,
                m.start(2),
                self.src,
                doc,
                header_trailing,
                close_start,
                keyword=keyword,
            )
            block.body = self._body(first + 1, close, self._model_line, MSG_MODEL_LINE, _SIMPLE_FIELD_LINE)
        elif kind == "enum":
            block = A.Enum(
                name,
                m.start(1),
                close_start + 1,
                m.start(2),
                self.src,
                doc,
                header_trailing,
                close_start,
                keyword=keyword,
            )
            block.body = self._body(first + 1, close, self._enum_line, MSG_ENUM_LINE)
        else:
            block = A.ConfigBlock(
                name,
                m.start(1),
                close_start + 1,
                m.start(2),
                self.src,
                doc,
                header_trailing,
                close_start,
                keyword=keyword,
            )
            msg = f"Error validating: This line is not a valid definition within a {keyword}."
            block.body = self._body(first + 1, close, self._config_line, msg)
        return block

    def _body(
        self,
        first: int,
        close: int,
        read_line: Callable[[int], Any],
        invalid_msg: str,
        simple: re.Pattern[str] | None = None,
    ) -> list[Any]:
        """The lines of a block between its header and its closing line, read with ``read_line``.

        ``simple`` (model blocks) matches a whole field line of the usual shape, which is then built at
        once by :meth:`_simple_field`; every other line takes the general path.
        """
        body: list[Any] = []
        pending_doc: list[A.Comment] = []
        lines = self.lines
        text = self.text
        if not self.fast:
            simple = None
        self.limit = lines.starts[close]
        i = first
        resume: int | None = None  # where the line continues after a block comment ended on it
        while i < close:
            start, end = lines.starts[i], lines.ends[i]
            if resume is not None:
                start, resume = resume, None
            line = i
            i += 1
            if simple is not None:
                m = simple.match(text, start, end)
                if m is not None:
                    simple_field = self._simple_field(m)
                    if pending_doc:
                        simple_field.doc = pending_doc
                        pending_doc = []
                    body.append(simple_field)
                    continue
            rest = text[start:end].lstrip(WS_CHARS)
            if not rest:  # a blank line
                body.extend(pending_doc)
                pending_doc = []
                body.append(self._empty_line(line))
                continue
            lead = end - len(rest)
            if rest.startswith("/*"):
                block_comment = self._block_comment(lead, lines.starts[close])
                if block_comment is not None:
                    body.extend(pending_doc)
                    pending_doc = []
                    body.append(block_comment)
                    i, at, mid = self._after_offset(block_comment.end)
                    resume = at if mid else None
                    continue
            if rest.startswith("//"):
                comment = self._comment(lead, end)
                if comment.kind == "doc":
                    pending_doc.append(comment)
                else:
                    body.extend(pending_doc)
                    pending_doc = []
                    body.append(comment)
                continue
            self.pos, self.end = lead, end
            try:
                node = read_line(line)
            except Fail:
                node = None
            if node is None:
                body.extend(pending_doc)
                pending_doc = []
                body.append(self._invalid(invalid_msg, lead, line))
                continue
            if isinstance(node, A.InvalidLine):
                body.extend(pending_doc)
                pending_doc = []
                body.append(node)
                continue
            if pending_doc:
                node.doc = pending_doc
                pending_doc = []
            body.append(node)
            trailing = getattr(node, "trailing_comment", None)
            if trailing is not None and trailing.end > end:  # a block comment over several lines
                i = lines.line_of(trailing.end) + 1
        self.limit = len(text)
        body.extend(pending_doc)
        return body

    # ------------------------------------------------------------------ line readers
    def _finish_line(self) -> A.Comment | None:
        """After a line's content: optional trailing comment, then end of line (else the line fails)."""
        self.ws()
        if self.pos >= self.end:
            return None
        if self.text.startswith("//", self.pos):
            return self._comment(self.pos, self.end)
        if self.text.startswith("/*", self.pos):
            # a trailing ``/* … */`` may run over the next lines (inside the block); nothing may follow it
            comment = self._block_comment(self.pos, self.limit)
            if comment is not None:
                line_end = self.lines.ends[self.lines.line_of(comment.end)]
                if not self.text[comment.end : line_end].strip(WS_CHARS):
                    return comment
        raise Fail

    def _block_attribute(self) -> A.Attribute:
        attr = self.attribute()
        attr.trailing_comment = self._finish_line()
        return attr

    def _model_line(self, i: int):  # type: ignore[no-untyped-def]
        text = self.text
        start = self.pos
        if text.startswith("@@", start):
            return self._block_attribute()
        m = _FIELD_HEAD.match(text, start, self.end) if self.fast else None
        if m is not None:
            mod = m.group(3)
            arity = "required" if mod is None else "optional" if mod == "?" else "list"
            type_start, type_end = m.start(2), m.end()
            ftype = A.FieldType(m.group(2), arity, type_start, type_end, type_start, m.end(2), self.src)
            self.pos = type_end
            return self._field_rest(start, m.group(1), ftype, False)
        name = self.ident()
        self.ws()
        colon = False
        if self.peek() == ":":
            colon = True
            self.error("Field declarations don't require a `:`.", self.span(self.pos, self.pos + 1))
            self.pos += 1
            self.ws()
        c = self.peek()
        if c == "" or c == "@" or text.startswith("//", self.pos):
            # no type: the attributes and comment must still read, then Prisma rejects the field
            while True:
                self.ws()
                if self.peek() == "@" and not text.startswith("@@", self.pos):
                    self.attribute()
                    continue
                break
            self._finish_line()
            what = "view" if self.block_keyword == "view" else "model"
            self.error(
                f'Error validating {what} "{self.block_name}": This field declaration is invalid. It is '
                "either missing a name or a type.",
                self.span(start, self.lines.nexts[i]),
            )
            return A.InvalidLine(text[start : self.lines.ends[i]], start, self.lines.ends[i], self.src)
        ftype = self.field_type()
        return self._field_rest(start, name, ftype, colon)

    def _simple_field(self, m: re.Match[str]) -> A.Field:
        """A field line matched by ``_SIMPLE_FIELD_LINE``, built without the general machinery (same nodes).

        Offsets come from the lengths of the groups: in this shape nothing may stand between a type
        name and its modifier, an ``@`` and the attribute's name, or the brackets and the argument.
        """
        src = self.src
        name, tname, mod, attrs_text = m.groups()
        start = m.start(1)
        type_start = m.start(2)
        type_name_end = type_start + len(tname)
        if mod is None:
            ftype = A.FieldType(tname, "required", type_start, type_name_end, type_start, type_name_end, src)
            content_end = type_name_end
        else:
            content_end = type_name_end + len(mod)
            ftype = A.FieldType(
                tname, "optional" if mod == "?" else "list", type_start, content_end, type_start, type_name_end, src
            )
        attrs = []
        if attrs_text:
            Attribute = A.Attribute
            Argument = A.Argument
            attrs_start = m.start(4)
            for am in _SIMPLE_ATTR.finditer(self.text, attrs_start, attrs_start + len(attrs_text)):
                a_start = am.start()
                aname, string, number, constant, call = am.groups()
                s = a_start + len(aname) + 2  # after ``@name(``
                if string is not None:
                    e = s + len(string) + 2  # with the quotes
                    value: A.Expression = A.StringValue(string, '"' + string + '"', s, e, src)
                elif number is not None:
                    e = s + len(number)
                    value = A.NumberValue(number, s, e, src)
                elif constant is None:  # no argument list
                    content_end = s - 1
                    attrs.append(Attribute(aname, False, (), False, a_start, content_end, a_start + 1, src))
                    continue
                elif call is not None:
                    e = s + len(constant) + 2
                    value = A.FunctionCall(constant, [], s, e, src)
                else:
                    e = s + len(constant)
                    value = A.ConstantValue(constant, s, e, src)
                content_end = e + 1
                attrs.append(
                    Attribute(
                        aname, False, [Argument(None, value, s, e, src)], True, a_start, content_end, a_start + 1, src
                    )
                )
        return A.Field(name, ftype, attrs, start, content_end, src)

    def _field_rest(self, start: int, name: str, ftype: A.FieldType, colon: bool) -> A.Field:
        """A field line after its type: attributes, then an optional trailing comment."""
        text, end = self.text, self.end
        attrs = []
        pos = self.pos
        while True:
            while pos < end and text[pos] in WS_CHARS:
                pos += 1
            if pos < end and text[pos] == "@" and not text.startswith("@@", pos):
                self.pos = pos
                attrs.append(self.attribute())
                pos = self.pos
                continue
            break
        self.pos = pos
        trailing = self._finish_line() if pos < end else None
        content_end = trailing.start if trailing else end
        while content_end > start and text[content_end - 1] in WS_CHARS:
            content_end -= 1
        f = A.Field(name, ftype, attrs, start, content_end, self.src, colon=colon)
        f.trailing_comment = trailing
        return f

    def _enum_line(self, i: int):  # type: ignore[no-untyped-def]
        start = self.pos
        if self.text.startswith("@@", start):
            return self._block_attribute()
        name = self.ident()
        attrs = []
        while True:
            self.ws()
            if self.peek() == "@" and not self.text.startswith("@@", self.pos):
                attrs.append(self.attribute())
                continue
            break
        content_end = self.pos
        while content_end > start and self.text[content_end - 1] in WS_CHARS:
            content_end -= 1
        trailing = self._finish_line()
        v = A.EnumValue(name, attrs, start, content_end, self.src)
        v.trailing_comment = trailing
        return v

    def _config_line(self, i: int):  # type: ignore[no-untyped-def]
        start = self.pos
        key = self.ident()
        self.ws()
        if self.peek() != "=":
            raise Fail
        self.pos += 1
        self.ws()
        value = None
        content_end = self.pos
        if self.pos < self.end and not self.text.startswith("//", self.pos):
            value = self.expression()
            content_end = self.pos
        else:
            content_end = self.pos
            while content_end > start and self.text[content_end - 1] in WS_CHARS:
                content_end -= 1
        trailing = self._finish_line()
        p = A.ConfigProperty(key, value, start, content_end, self.src)
        p.trailing_comment = trailing
        return p


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building a large tree of new objects.

    Building the tree of a big schema allocates hundreds of thousands of objects and none become
    garbage; the collector would otherwise rescan the growing heap many times over (a third of the
    time for a 300-model schema). It runs again, as before, afterwards.

    Re-enabled as it is, its next pass would still scan every one of those objects once (about 20 ms
    for 300 models), only to find them alive. So they are first moved, unscanned, to its oldest
    generation, as survivors are (``gc.freeze()`` then ``gc.unfreeze()``: two list splices); whatever
    else was young then moves too and is looked at in the next full collection. Skipped when the
    program has frozen objects itself (a pre-fork server): unfreezing would release those.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def parse(text: str, file: str = "schema.prisma", dialect: str = "6") -> tuple[A.SchemaFile, list[Diagnostic]]:
    """Parse one schema file: the syntax tree and the syntax errors found (empty when it parsed).

    ``dialect`` ``"7"`` also reads Prisma 7's object literals (``where: { active: true }``).
    """
    with paused_gc():
        p = Parser(text, file, objects=dialect == "7")
        tree = p.parse()
    return tree, p.diagnostics
