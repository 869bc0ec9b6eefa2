"""Lexer and parser: Prisma schema text → :class:`~nexo.psl.ast.SchemaFile` plus syntax diagnostics.

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

# Whitespace inside a line: tab and every Unicode space separator (category Zs).
WS_CHARS = " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_W = "[" + WS_CHARS + "]"
# Possessive quantifiers (``*+``, ``++``): what an identifier, a run of blanks or a number matched is
# never given back, which changes no match here (what may follow is never one of their characters) and
# keeps failing attempts from backtracking through every shorter prefix.
# Identifiers: a letter or digit of any script, then letters, digits, ``_`` and ``-`` (Prisma 6.19 reads
# ``model Lööp`` and ``名前 String``; ``_x``, emoji and punctuation such as ``·`` are not identifiers).
_IDENT_RE = r"[^\W_][\w\-]*+"
_IDENT = re.compile(_IDENT_RE)
_NUMBER_RE = r"-?[0-9]++(?:\.[0-9]++)?"
_NUMBER = re.compile(_NUMBER_RE)
_WS = re.compile(_W + "*+")
# A path: identifiers joined by dots; Prisma's grammar also accepts empty segments (``a.``, ``a..b``).
_PATH_RE = _IDENT_RE + r"(?:\.(?:" + _IDENT_RE + r")?)*+"
_PATH = re.compile(_PATH_RE)
# The usual shape of a field line, ``name Type``, ``name Type?`` or ``name Type[]`` followed by a space,
# an attribute, a comment or the end of the line; anything else takes the general path.
_FIELD_HEAD = re.compile(r"(" + _IDENT_RE + r")[ \t]+(" + _IDENT_RE + r")(\?|\[\])?(?=[ \t@]|//|$)(?![ \t]*[?\[!])")
# A whole field line (blanks first) of the usual shape: ``name Type[?|[]]`` then attributes without arguments or with
# one simple argument (a plain string, a number, a name, a call without arguments), nothing else.
_SIMPLE_ARG = r'"[^"\\\x00-\x1f]*+"|' + _NUMBER_RE + r"|[A-Za-z][A-Za-z0-9_\-]*+(?:\(\))?"
_SIMPLE_ATTR = re.compile(
    r"@(" + _IDENT_RE + r"(?:\." + _IDENT_RE + r")*+)"
    r'(?:\((?:"([^"\\\x00-\x1f]*+)"|(' + _NUMBER_RE + r")|([A-Za-z][A-Za-z0-9_\-]*+)(\(\))?)\))?"
)
_SIMPLE_FIELD_LINE = re.compile(
    _W + r"*+(" + _IDENT_RE + r")[ \t]++(" + _IDENT_RE + r")(\?|\[\])?+"
    r"((?:[ \t]++@" + _IDENT_RE + r"(?:\." + _IDENT_RE + r")*+(?:\((?:" + _SIMPLE_ARG + r")\))?+)*+)[ \t]*+$"
)
_ARG_NAME = re.compile("(" + _IDENT_RE + ")" + _W + "*:" + _W + "*")
_PLAIN_STRING = re.compile(r'"([^"\\\x00-\x1f]*)"')
# One argument or array item of the usual kinds, for the fast reader of argument lists: blanks, an optional
# ``name:`` (1), then a string without escapes (2), a number (3) or a name (4) with the comma or closing
# bracket after it (5); or the name of a call and its ``(`` (6); or the ``[`` of an array (7).
_FAST_ARG = re.compile(
    _W + "*+(?:(" + _IDENT_RE + ")" + _W + "*+:" + _W + "*+)?"
    r'(?:(?:("[^"\\\x00-\x1f]*+")|(' + _NUMBER_RE + ")|(?![0-9])(" + _PATH_RE + "))" + _W + r"*+([,)\]])"
    "|(?![0-9])(" + _PATH_RE + ")" + _W + r"*+\(|(\[))"
)
# What follows a call or an array in a list: a comma or the closing bracket.
_FAST_SEP = re.compile(_W + r"*+([,)\]])")
# An attribute's head: ``@`` or ``@@``, its name (blanks may follow the ``@``) and, when an argument list
# follows (blanks may come before it), its ``(``.
_ATTR_HEAD = re.compile("(@@?)" + _W + "*+(" + _PATH_RE + ")(" + _W + r"*+\()?")
# Arrays and calls nested deeper than this are left to the general reader.
_FAST_DEPTH = 8
# The keyword may be glued to the name (``modelA {`` is a model called ``A`` for Prisma's grammar too).
_HEADER = re.compile(_W + r"*(model|view|type|enum|datasource|generator)" + _W + "*(" + _IDENT_RE + ")" + _W + r"*\{")
_ARBITRARY = re.compile(_W + "*(" + _IDENT_RE + ")" + _W + r"*\{")
_TYPE_ALIAS = re.compile(_W + "*type" + _W + "*(" + _IDENT_RE + ")" + _W + "*=" + _W + "*")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_KEYWORD_BLOCK = {
    "model": "model",
    "view": "model",
    "type": "model",
    "enum": "enum",
    "datasource": "config",
    "generator": "config",
}
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_HEX = frozenset("0123456789abcdefABCDEF")
# Deeper nesting of arrays and calls than this makes a line unreadable (real schemas nest two or three levels).
MAX_NESTING = 100

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
MSG_UNKNOWN_ESCAPE = "Unknown escape sequence. If the value is a windows-style path, `\\` must be escaped as `\\\\`."
MSG_BAD_UNICODE = "Invalid unicode escape sequence."


class _Fail(Exception):
    """Raised inside a line when it does not match the grammar."""


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


class Parser:
    """Parses one file; use :func:`parse`."""

    def __init__(self, text: str, file: str, fast: bool = True, objects: bool = False) -> None:
        self.text = text
        self.file = file
        # ``objects``: read object literals ``{ key: value }`` (Prisma 7's grammar; 6.19 has none)
        self.objects = objects
        # ``fast``: read the common line shapes with single regular expressions (same tree, less work);
        # the general reader handles everything, and the tests compare the two.
        self.fast = fast
        self.lines = _Lines(text)
        self.index = A.LineIndex(self.lines.starts)
        self.src = A.Source(file, self.index)
        self.diagnostics: list[Diagnostic] = []
        self.closing_lines = self._closing_lines()
        # cursor state used while reading one line
        self.pos = 0
        self.end = 0
        self.block_name = ""
        self.block_keyword = ""
        self.depth = 0
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
    def span(self, start: int, end: int) -> A.Span:
        return A.Span(self.file, start, end, 0, 0, 0, 0, self.index)

    def line_span(self, i: int, with_newline: bool = True) -> A.Span:
        lines = self.lines
        start = lines.starts[i]
        return self.span(start, lines.nexts[i] if with_newline else lines.ends[i])

    def error(self, message: str, span: A.Span) -> None:
        self.diagnostics.append(Diagnostic(message, span))

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
        except _Fail:
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
            except _Fail:
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
        raise _Fail

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
            raise _Fail
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

    # ------------------------------------------------------------------ tokens
    def peek(self) -> str:
        return self.text[self.pos] if self.pos < self.end else ""

    def ws(self) -> None:
        text, end = self.text, self.end
        pos = self.pos
        while pos < end and text[pos] in WS_CHARS:
            pos += 1
        self.pos = pos

    def ident(self) -> str:
        m = _IDENT.match(self.text, self.pos, self.end)
        if not m:
            raise _Fail
        self.pos = m.end()
        return m.group(0)

    def path(self) -> str:
        """``ident`` followed by ``.ident`` segments (a segment may be empty, as Prisma's grammar allows)."""
        m = _PATH.match(self.text, self.pos, self.end)
        if not m:
            raise _Fail
        self.pos = m.end()
        return m.group(0)

    def _base_type(self) -> tuple[str, int, str | None]:
        """``Unsupported("…")`` or a type name: (name, end of the name part, unsupported SQL type)."""
        text = self.text
        if text.startswith("Unsupported(", self.pos):
            self.pos += len("Unsupported(")
            self.ws()
            if self.peek() != '"':
                raise _Fail
            sql = self.string().value
            self.ws()
            if self.peek() != ")":
                raise _Fail
            self.pos += 1
            return "Unsupported", self.pos, sql
        name = self.ident()
        return name, self.pos, None

    def field_type(self) -> A.FieldType:
        start = self.pos
        text = self.text
        if self.peek() == "[":  # legacy list ``[Type]``
            self.pos += 1
            self.ws()
            ns = self.pos
            name, ne, unsupported = self._base_type()
            self.ws()
            if self.peek() != "]":
                raise _Fail
            self.pos += 1
            return A.FieldType(
                name, "list", start, self.pos, ns, ne, self.src, unsupported=unsupported, legacy_list=True
            )
        name, name_end, unsupported = self._base_type()
        arity = "required"
        legacy_required = optional_list = False
        self.ws()
        if text.startswith("[]", self.pos):
            self.pos += 2
            arity = "list"
            after_list = self.pos
            self.ws()
            if self.peek() == "?":
                self.pos += 1
                optional_list = True
            else:
                self.pos = after_list
        elif self.peek() == "?":
            self.pos += 1
            arity = "optional"
        elif self.peek() == "!":
            self.pos += 1
            legacy_required = True
        else:
            self.pos = name_end
        return A.FieldType(
            name,
            arity,
            start,
            self.pos,
            start,
            name_end,
            self.src,
            unsupported=unsupported,
            legacy_required=legacy_required,
            optional_list=optional_list,
        )

    def attribute(self) -> A.Attribute:
        text, end = self.text, self.end
        start = self.pos
        m = _ATTR_HEAD.match(text, start, end)
        if m is None:
            raise _Fail
        name, ns = m.group(2), m.start(2)
        is_block = m.end(1) - start == 2
        if m.group(3) is None:  # no argument list
            self.pos = m.end(2)
            return A.Attribute(name, is_block, (), False, start, self.pos, ns, self.src)
        self.pos = m.end() - 1  # at ``(``
        fast = self._fast_items(m.end(), ")", 0) if self.fast else None
        if fast is not None:
            args, self.pos = fast
            return A.Attribute(name, is_block, args, True, start, self.pos, ns, self.src)
        args, comma = self.arguments()
        attr = A.Attribute(name, is_block, args, True, start, self.pos, ns, self.src)
        if comma is not None:
            attr.trailing_comma = comma
        return attr

    def _fast_items(self, pos: int, closer: str, depth: int) -> tuple[list[Any], int] | None:
        """The arguments (``closer`` is ``)``) or array items (``]``) from just after the opening bracket, and
        where reading continues; None when the list holds anything unusual (escapes, ``name:`` without a
        value, a trailing comma, deep nesting, a syntax error), which the general reader then reads.

        Builds exactly the nodes the general reader builds, with one regular-expression match per argument
        (two for a call or an array).
        """
        text, end, src = self.text, self.end, self.src
        items: list[Any] = []
        if text.startswith(closer, pos):
            return items, pos + 1
        if depth > _FAST_DEPTH:
            return None
        while True:
            m = _FAST_ARG.match(text, pos, end)
            if m is None:
                if not items:  # blanks only: an empty list
                    pos = _WS.match(text, pos, end).end()  # type: ignore[union-attr]
                    if text.startswith(closer, pos):
                        return items, pos + 1
                return None
            name, string, number, constant, sep, call, array = m.groups()
            value: A.Expression
            if sep is not None:  # a string, a number or a name, then a comma or the closing bracket
                if string is not None:
                    vstart, vend = m.span(2)
                    value = A.StringValue(string[1:-1], string, vstart, vend, src)
                elif number is not None:
                    vstart, vend = m.span(3)
                    value = A.NumberValue(number, vstart, vend, src)
                else:
                    vstart, vend = m.span(4)
                    value = A.ConstantValue(constant, vstart, vend, src)
                pos = m.end()
            else:
                if call is not None:
                    vstart = m.start(6)
                    inner = self._fast_items(m.end(), ")", depth + 1)
                    if inner is None:
                        return None
                    value = A.FunctionCall(call, inner[0], vstart, inner[1], src)
                else:
                    vstart = m.start(7)
                    inner = self._fast_items(vstart + 1, "]", depth + 1)
                    if inner is None:
                        return None
                    value = A.ArrayValue(inner[0], vstart, inner[1], src)
                vend = inner[1]
                after = _FAST_SEP.match(text, vend, end)
                if after is None:
                    return None
                sep, pos = after.group(1), after.end()
            if closer == ")":
                items.append(A.Argument(name, value, vstart if name is None else m.start(1), vend, src))
            elif name is not None:  # ``[a: 1]``: not an array
                return None
            else:
                items.append(value)
            if sep == closer:
                return items, pos
            if sep != ",":
                return None

    def arguments(self) -> tuple[list[A.Argument], A.Span | None]:
        """``( arg, name: value, name:, … [,] )`` starting at ``(``: the arguments and a trailing comma's span."""
        text, end, file, index = self.text, self.end, self.file, self.index
        pos = _WS.match(text, self.pos + 1, end).end()  # type: ignore[union-attr]
        args: list[A.Argument] = []
        if pos < end and text[pos] == ")":
            self.pos = pos + 1
            return args, None
        comma_at = -1
        while True:
            c = text[pos] if pos < end else ""
            if c == ")" and args:  # trailing comma
                self.pos = pos + 1
                return args, A.Span(file, comma_at, comma_at + 1, 0, 0, 0, 0, index)
            start = pos
            name = None
            m = _ARG_NAME.match(text, pos, end)
            value: A.Expression | None
            if m is not None:
                name = m.group(1)
                pos = m.end()
                c = text[pos] if pos < end else ""
                if c == "," or c == ")":
                    value = None
                    arg_end = m.start(1) + len(name)
                    while arg_end < pos and text[arg_end] != ":":
                        arg_end += 1
                    pos = arg_end + 1
                else:
                    self.pos = pos
                    value = self.expression()
                    pos = self.pos
            else:
                self.pos = pos
                value = self.expression()
                pos = self.pos
            args.append(A.Argument(name, value, start, pos, self.src))
            pos = _WS.match(text, pos, end).end()  # type: ignore[union-attr]
            c = text[pos] if pos < end else ""
            if c == ",":
                comma_at = pos
                pos = _WS.match(text, pos + 1, end).end()  # type: ignore[union-attr]
                continue
            if c == ")":
                self.pos = pos + 1
                return args, None
            self.pos = pos
            raise _Fail

    def expression(self) -> A.Expression:
        if self.depth >= MAX_NESTING:
            raise _Fail
        self.depth += 1
        try:
            return self._expression()
        finally:
            self.depth -= 1

    def _expression(self) -> A.Expression:
        text, end = self.text, self.end
        start = self.pos
        c = text[start] if start < end else ""
        if c == '"':
            m = _PLAIN_STRING.match(text, start, end) if self.fast else None
            if m is not None:  # no escapes: the common case
                self.pos = m.end()
                return A.StringValue(m.group(1), m.group(0), start, self.pos, self.src)
            return self.string()
        if c == "[":
            self.pos += 1
            items: list[A.Expression] = []
            self.ws()
            if self.peek() == "]":
                self.pos += 1
                return A.ArrayValue(items, start, self.pos, self.src)
            while True:
                self.ws()
                items.append(self.expression())
                self.ws()
                c = self.peek()
                if c == ",":
                    self.pos += 1
                    continue
                if c == "]":
                    self.pos += 1
                    return A.ArrayValue(items, start, self.pos, self.src)
                raise _Fail
        if c == "{" and self.objects:
            return self._object()
        m = _NUMBER.match(text, start, end)
        if m is not None:
            self.pos = m.end()
            return A.NumberValue(m.group(0), start, self.pos, self.src)
        name = self.path()
        after = self.pos
        self.ws()
        if self.pos < end and text[self.pos] == "(":
            args, comma = self.arguments()
            call = A.FunctionCall(name, args, start, self.pos, self.src)
            if comma is not None:
                call.trailing_comma = comma
            return call
        self.pos = after
        return A.ConstantValue(name, start, self.pos, self.src)

    def _object(self) -> A.ObjectValue:
        """``{ key: value, … }`` at ``{`` (Prisma 7): identifier keys, no trailing comma."""
        start = self.pos
        self.pos += 1
        entries: list[tuple[str, int, A.Expression]] = []
        self.ws()
        if self.peek() == "}":
            self.pos += 1
            return A.ObjectValue(entries, start, self.pos, self.src)
        while True:
            self.ws()
            key_start = self.pos
            key = self.ident()
            self.ws()
            if self.peek() != ":":
                raise _Fail
            self.pos += 1
            self.ws()
            entries.append((key, key_start, self.expression()))
            self.ws()
            c = self.peek()
            if c == ",":
                self.pos += 1
                continue
            if c == "}":
                self.pos += 1
                return A.ObjectValue(entries, start, self.pos, self.src)
            raise _Fail

    def string(self) -> A.StringValue:
        """A string literal with escapes (JSON's rules); bad escapes are reported, the line still reads."""
        text, end = self.text, self.end
        start = self.pos
        i = start + 1
        out: list[str] = []
        while True:
            if i >= end:
                raise _Fail
            c = text[i]
            if c == '"':
                i += 1
                break
            if c < " ":  # a raw control character ends the grammar's string
                raise _Fail
            if c != "\\":
                out.append(c)
                i += 1
                continue
            if i + 1 >= end:
                raise _Fail
            e = text[i + 1]
            if e == "u":
                i = self._unicode_escape(i, end, out)
                continue
            mapped = _ESCAPES.get(e)
            if mapped is None:
                self.error(MSG_UNKNOWN_ESCAPE, self.span(i, i + 2))
            else:
                out.append(mapped)
            i += 2
        self.pos = i
        return A.StringValue("".join(out), text[start:i], start, i, self.src)

    def _codepoint(self, i: int, end: int) -> tuple[int, int | None]:
        """A ``\\uXXXX`` at ``i``: (characters consumed, value or None)."""
        text = self.text
        if end - i < 4 or not text.startswith("\\u", i):
            return 0, None
        value = 0
        for k in range(4):
            j = i + 2 + k
            if j >= end or text[j] not in _HEX:
                return 2 + k, None
            value = value * 16 + int(text[j], 16)
        return 6, value

    def _unicode_escape(self, i: int, end: int, out: list[str]) -> int:
        """Decode the ``\\u`` escape at ``i`` (with a surrogate pair); returns where reading continues."""
        consumed, first = self._codepoint(i, end)
        if first is None:
            self.error(MSG_BAD_UNICODE, self.span(i, min(end, i + max(consumed, 2))))
            return i + max(consumed, 2)
        if not 0xD800 <= first <= 0xDFFF:
            out.append(chr(first))
            return i + 6
        consumed2, second = self._codepoint(i + 6, end)
        if second is None:
            self.error(MSG_BAD_UNICODE, self.span(i, min(end, i + consumed)))
            return i + consumed
        if 0xD800 <= first <= 0xDBFF and 0xDC00 <= second <= 0xDFFF:
            out.append(chr(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)))
        else:
            self.error(MSG_BAD_UNICODE, self.span(i, min(end, i + consumed + consumed2)))
        return i + 12


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
