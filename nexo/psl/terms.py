"""The terms a schema line is made of: names, field types, attributes, argument lists, expressions, strings.

:class:`TermReader` reads one term at a time from a cursor inside one line (``pos`` up to ``end``) and
raises :class:`Fail` when the text there does not match Prisma's grammar (``datamodel.pest``); bad
escapes in a string are reported as diagnostics, and the line still reads. The line-oriented parser
(:class:`nexo.psl.parser.Parser`, a :class:`TermReader`) decides what each line is, moves the cursor
and recovers from a :class:`Fail` at the line level.

With ``fast`` (the default) the usual argument lists and strings are read with single regular
expressions; they build the same nodes the general reader builds (the tests compare the two).
"""

from __future__ import annotations

import re
from typing import Any

from . import ast as A
from .diagnostics import Diagnostic

# Whitespace inside a line: tab and every Unicode space separator (category Zs).
WS_CHARS = " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# The same, as a regular-expression character class.
BLANK = "[" + WS_CHARS + "]"
# Possessive quantifiers (``*+``, ``++``): what an identifier, a run of blanks or a number matched is
# never given back, which changes no match here (what may follow is never one of their characters) and
# keeps failing attempts from backtracking through every shorter prefix.
# Identifiers: a letter or digit of any script, then letters, digits, ``_`` and ``-`` (Prisma 6.19 reads
# ``model Lööp`` and ``名前 String``; ``_x``, emoji and punctuation such as ``·`` are not identifiers).
IDENT_RE = r"[^\W_][\w\-]*+"
_IDENT = re.compile(IDENT_RE)
NUMBER_RE = r"-?[0-9]++(?:\.[0-9]++)?"
_NUMBER = re.compile(NUMBER_RE)
_WS = re.compile(BLANK + "*+")
# A path: identifiers joined by dots; Prisma's grammar also accepts empty segments (``a.``, ``a..b``).
_PATH_RE = IDENT_RE + r"(?:\.(?:" + IDENT_RE + r")?)*+"
_PATH = re.compile(_PATH_RE)
_ARG_NAME = re.compile("(" + IDENT_RE + ")" + BLANK + "*:" + BLANK + "*")
_PLAIN_STRING = re.compile(r'"([^"\\\x00-\x1f]*)"')
# One argument or array item of the usual kinds, for the fast reader of argument lists: blanks, an optional
# ``name:`` (1), then a string without escapes (2), a number (3) or a name (4) with the comma or closing
# bracket after it (5); or the name of a call and its ``(`` (6); or the ``[`` of an array (7).
_FAST_ARG = re.compile(
    BLANK + "*+(?:(" + IDENT_RE + ")" + BLANK + "*+:" + BLANK + "*+)?"
    r'(?:(?:("[^"\\\x00-\x1f]*+")|(' + NUMBER_RE + ")|(?![0-9])(" + _PATH_RE + "))" + BLANK + r"*+([,)\]])"
    "|(?![0-9])(" + _PATH_RE + ")" + BLANK + r"*+\(|(\[))"
)
# What follows a call or an array in a list: a comma or the closing bracket.
_FAST_SEP = re.compile(BLANK + r"*+([,)\]])")
# An attribute's head: ``@`` or ``@@``, its name (blanks may follow the ``@``) and, when an argument list
# follows (blanks may come before it), its ``(``.
_ATTR_HEAD = re.compile("(@@?)" + BLANK + "*+(" + _PATH_RE + ")(" + BLANK + r"*+\()?")
# Arrays and calls nested deeper than this are left to the general reader.
_FAST_DEPTH = 8
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_HEX = frozenset("0123456789abcdefABCDEF")
# Deeper nesting of arrays and calls than this makes a line unreadable (real schemas nest two or three levels).
MAX_NESTING = 100

MSG_UNKNOWN_ESCAPE = "Unknown escape sequence. If the value is a windows-style path, `\\` must be escaped as `\\\\`."
MSG_BAD_UNICODE = "Invalid unicode escape sequence."


class Fail(Exception):
    """Raised inside a line when it does not match the grammar."""


class TermReader:
    """A cursor over one file's text that reads the terms of a line; :class:`nexo.psl.parser.Parser` builds on it."""

    def __init__(self, text: str, file: str, index: A.LineIndex, fast: bool = True, objects: bool = False) -> None:
        self.text = text
        self.file = file
        # ``objects``: read object literals ``{ key: value }`` (Prisma 7's grammar; 6.19 has none)
        self.objects = objects
        # ``fast``: read the common line shapes with single regular expressions (same tree, less work);
        # the general reader handles everything, and the tests compare the two.
        self.fast = fast
        self.index = index
        self.src = A.Source(file, index)
        self.diagnostics: list[Diagnostic] = []
        # cursor state used while reading one line
        self.pos = 0
        self.end = 0
        self.depth = 0

    # ------------------------------------------------------------------ positions
    def span(self, start: int, end: int) -> A.Span:
        return A.Span(self.file, start, end, 0, 0, 0, 0, self.index)

    def error(self, message: str, span: A.Span) -> None:
        self.diagnostics.append(Diagnostic(message, span))

    # ------------------------------------------------------------------ terms
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
            raise Fail
        self.pos = m.end()
        return m.group(0)

    def path(self) -> str:
        """``ident`` followed by ``.ident`` segments (a segment may be empty, as Prisma's grammar allows)."""
        m = _PATH.match(self.text, self.pos, self.end)
        if not m:
            raise Fail
        self.pos = m.end()
        return m.group(0)

    def _base_type(self) -> tuple[str, int, str | None]:
        """``Unsupported("…")`` or a type name: (name, end of the name part, unsupported SQL type)."""
        text = self.text
        if text.startswith("Unsupported(", self.pos):
            self.pos += len("Unsupported(")
            self.ws()
            if self.peek() != '"':
                raise Fail
            sql = self.string().value
            self.ws()
            if self.peek() != ")":
                raise Fail
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
                raise Fail
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
            raise Fail
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
            raise Fail

    def expression(self) -> A.Expression:
        if self.depth >= MAX_NESTING:
            raise Fail
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
                raise Fail
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
                raise Fail
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
            raise Fail

    def string(self) -> A.StringValue:
        """A string literal with escapes (JSON's rules); bad escapes are reported, the line still reads."""
        text, end = self.text, self.end
        start = self.pos
        i = start + 1
        out: list[str] = []
        while True:
            if i >= end:
                raise Fail
            c = text[i]
            if c == '"':
                i += 1
                break
            if c < " ":  # a raw control character ends the grammar's string
                raise Fail
            if c != "\\":
                out.append(c)
                i += 1
                continue
            if i + 1 >= end:
                raise Fail
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
