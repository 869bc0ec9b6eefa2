"""Lexer and parser: Prisma schema text → :class:`~nexo.psl.ast.SchemaFile` plus syntax diagnostics.

The schema language is line-oriented (Prisma's grammar, ``datamodel.pest``): a block header
``keyword Name {`` ends its line, every field / enum value / ``@@attribute`` / ``key = value`` sits on
its own line, and ``}`` closes the block. The parser therefore works line by line and recovers at
the line level: a line it cannot read becomes an :class:`~nexo.psl.ast.InvalidLine` with a
diagnostic, and parsing carries on with the next line, so one run reports every syntax error.
A block whose closing ``}`` never comes is not a block: its lines are read again at the top level
(each one then reported as an invalid line), which is what Prisma does.
"""

from __future__ import annotations

import bisect
import re

from . import ast as A
from .diagnostics import Diagnostic

_IDENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_HEADER = re.compile(r"[ \t]*(model|view|type|enum|datasource|generator)[ \t]+([A-Za-z0-9][A-Za-z0-9_\-]*)[ \t]*\{")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_KEYWORD_BLOCK = {"model": "model", "view": "model", "type": "model", "enum": "enum",
                  "datasource": "config", "generator": "config"}

MSG_TOP_INVALID = "Error validating: This line is invalid. It does not start with any known Prisma schema keyword."
MSG_MODEL_LINE = "Error validating: This line is not a valid field or attribute definition."
MSG_ENUM_LINE = "Error validating: This line is not an enum value definition."


class _Fail(Exception):
    """Raised inside a line when it does not match the grammar."""


class _Lines:
    """The text split into lines, with offsets, for line/column lookups."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] = [0]
        self.ends: list[int] = []  # end of content (before newline)
        self.nexts: list[int] = []  # start of the following line
        pos = 0
        for m in _NEWLINE.finditer(text):
            self.ends.append(m.start())
            self.nexts.append(m.end())
            self.starts.append(m.end())
            pos = m.end()
        self.ends.append(len(text))
        self.nexts.append(len(text))
        if pos == len(text) and len(self.starts) > 1:
            # text ends with a newline: no extra empty line after it
            self.starts.pop()
            self.ends.pop()
            self.nexts.pop()
        self.count = len(self.starts)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1


class Parser:
    """Parses one file; use :func:`parse`."""

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.lines = _Lines(text)
        self.diagnostics: list[Diagnostic] = []
        # cursor state used while reading one line
        self.pos = 0
        self.end = 0

    # ------------------------------------------------------------------ positions
    def span(self, start: int, end: int) -> A.Span:
        lines = self.lines
        li = lines.line_of(start)
        le = lines.line_of(end)
        return A.Span(self.file, start, end, li + 1, start - lines.starts[li] + 1, le + 1, end - lines.starts[le] + 1)

    def line_span(self, i: int, with_newline: bool = True) -> A.Span:
        lines = self.lines
        start = lines.starts[i]
        return self.span(start, lines.nexts[i] if with_newline else lines.ends[i])

    def error(self, message: str, span: A.Span) -> None:
        self.diagnostics.append(Diagnostic(message, span))

    # ------------------------------------------------------------------ top level
    def parse(self) -> A.SchemaFile:
        result = A.SchemaFile(self.file, self.text)
        lines = self.lines
        i = 0
        pending_doc: list[A.Comment] = []
        while i < lines.count:
            start, end = lines.starts[i], lines.ends[i]
            content = self.text[start:end]
            stripped = content.strip(" \t")
            if not stripped:
                result.items.extend(pending_doc)
                pending_doc = []
                result.items.append(A.EmptyLine(self.line_span(i)))
                i += 1
                continue
            if stripped.startswith("//"):
                comment = self._comment(start + content.index("/"), end)
                if comment.kind == "doc":
                    pending_doc.append(comment)
                else:
                    result.items.extend(pending_doc)
                    pending_doc = []
                    result.items.append(comment)
                i += 1
                continue
            m = _HEADER.match(self.text, start, end)
            if m:
                close = self._find_close(i + 1)
                if close is not None:
                    block = self._block(m, i, close, pending_doc)
                    pending_doc = []
                    result.items.append(block)
                    i = close + 1
                    continue
            result.items.extend(pending_doc)
            pending_doc = []
            self.error(MSG_TOP_INVALID, self.line_span(i))
            result.items.append(A.InvalidLine(content, self.line_span(i, with_newline=False)))
            i += 1
        result.items.extend(pending_doc)
        return result

    def _find_close(self, i: int) -> int | None:
        lines = self.lines
        text = self.text
        while i < lines.count:
            s = text[lines.starts[i] : lines.ends[i]].lstrip(" \t")
            if s.startswith("}"):
                return i
            i += 1
        return None

    def _comment(self, start: int, end: int) -> A.Comment:
        raw = self.text[start:end].rstrip(" \t")
        if raw.startswith("///"):
            return A.Comment("doc", raw[3:], raw, self.span(start, start + len(raw)))
        return A.Comment("line", raw[2:], raw, self.span(start, start + len(raw)))

    def _block(self, m: re.Match[str], first: int, close: int, doc: list[A.Comment]) -> A.Block:
        keyword, name = m.group(1), m.group(2)
        lines = self.lines
        header_end = lines.ends[first]
        rest = self.text[m.end() : header_end]
        header_trailing = None
        r = rest.lstrip(" \t")
        if r.startswith("//"):
            header_trailing = self._comment(header_end - len(r), header_end)
        close_start = lines.starts[close] + (len(self.text[lines.starts[close] : lines.ends[close]]) -
                                             len(self.text[lines.starts[close] : lines.ends[close]].lstrip(" \t")))
        span = self.span(lines.starts[first] + (m.start(1) - lines.starts[first]), close_start + 1)
        name_span = self.span(m.start(2), m.end(2))
        common = dict(name=name, span=span, name_span=name_span, doc=doc, header_trailing=header_trailing,
                      close_span=self.span(close_start, close_start + 1))
        kind = _KEYWORD_BLOCK[keyword]
        if kind == "model":
            model = A.Model(keyword=keyword, **common)  # type: ignore[arg-type]
            model.body = self._body(first + 1, close, self._model_line, MSG_MODEL_LINE)  # type: ignore[assignment]
            return model
        if kind == "enum":
            enum = A.Enum(keyword=keyword, **common)  # type: ignore[arg-type]
            enum.body = self._body(first + 1, close, self._enum_line, MSG_ENUM_LINE)  # type: ignore[assignment]
            return enum
        cfg = A.ConfigBlock(keyword=keyword, **common)  # type: ignore[arg-type]
        msg = f"Error validating: This line is not a valid definition within a {keyword}."
        cfg.body = self._body(first + 1, close, self._config_line, msg)  # type: ignore[assignment]
        return cfg

    def _body(self, first: int, close: int, read_line, invalid_msg: str) -> list:  # type: ignore[no-untyped-def]
        body: list = []
        pending_doc: list[A.Comment] = []
        lines = self.lines
        for i in range(first, close):
            start, end = lines.starts[i], lines.ends[i]
            content = self.text[start:end]
            stripped = content.strip(" \t")
            if not stripped:
                body.extend(pending_doc)
                pending_doc = []
                body.append(A.EmptyLine(self.line_span(i)))
                continue
            lead = start + len(content) - len(content.lstrip(" \t"))
            if stripped.startswith("//"):
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
                node = read_line(i)
            except _Fail:
                node = None
            if node is None:
                body.extend(pending_doc)
                pending_doc = []
                self.error(invalid_msg, self.line_span(i))
                body.append(A.InvalidLine(content, self.line_span(i, with_newline=False)))
                continue
            if isinstance(node, A.InvalidLine):
                body.extend(pending_doc)
                pending_doc = []
                body.append(node)
                continue
            node.doc = pending_doc
            pending_doc = []
            body.append(node)
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
        raise _Fail

    def _model_line(self, i: int):  # type: ignore[no-untyped-def]
        text = self.text
        start = self.pos
        if text.startswith("@@", self.pos):
            attr = self.attribute()
            attr.trailing_comment = self._finish_line()
            return attr
        name_start = self.pos
        name = self.ident()
        name_span = self.span(name_start, self.pos)
        self.ws()
        colon = False
        if self.peek() == ":":
            colon = True
            self.pos += 1
            self.ws()
        if self.pos >= self.end or text.startswith("//", self.pos):
            if colon:
                raise _Fail
            self._finish_line()
            msg = (f'Error validating model "{self._current_block_name(i)}": This field declaration is invalid. '
                   "It is either missing a name or a type.")
            self.error(msg, self.line_span(i))
            return A.InvalidLine(text[self.lines.starts[i] : self.lines.ends[i]], self.line_span(i, False))
        ftype = self.field_type()
        attrs = []
        while True:
            self.ws()
            if self.peek() == "@" and not text.startswith("@@", self.pos):
                attrs.append(self.attribute())
                continue
            break
        trailing = self._finish_line()
        content_end = trailing.span.start if trailing else self.end
        while content_end > start and text[content_end - 1] in " \t":
            content_end -= 1
        f = A.Field(name, ftype, attrs, self.span(start, content_end), name_span, colon=colon)
        f.trailing_comment = trailing
        return f

    def _current_block_name(self, i: int) -> str:
        j = i
        while j >= 0:
            m = _HEADER.match(self.text, self.lines.starts[j], self.lines.ends[j])
            if m:
                return m.group(2)
            j -= 1
        return ""

    def _enum_line(self, i: int):  # type: ignore[no-untyped-def]
        start = self.pos
        if self.text.startswith("@@", self.pos):
            attr = self.attribute()
            attr.trailing_comment = self._finish_line()
            return attr
        name = self.ident()
        name_span = self.span(start, self.pos)
        attrs = []
        while True:
            self.ws()
            if self.peek() == "@" and not self.text.startswith("@@", self.pos):
                attrs.append(self.attribute())
                continue
            break
        content_end = self.pos
        trailing = self._finish_line()
        v = A.EnumValue(name, attrs, self.span(start, content_end), name_span)
        v.trailing_comment = trailing
        return v

    def _config_line(self, i: int):  # type: ignore[no-untyped-def]
        start = self.pos
        key = self.ident()
        key_span = self.span(start, self.pos)
        self.ws()
        if self.peek() != "=":
            raise _Fail
        self.pos += 1
        self.ws()
        value = self.expression()
        content_end = self.pos
        trailing = self._finish_line()
        p = A.ConfigProperty(key, value, self.span(start, content_end), key_span)
        p.trailing_comment = trailing
        return p

    # ------------------------------------------------------------------ tokens
    def peek(self) -> str:
        return self.text[self.pos] if self.pos < self.end else ""

    def ws(self) -> None:
        text, end = self.text, self.end
        while self.pos < end and text[self.pos] in " \t":
            self.pos += 1

    def ident(self) -> str:
        m = _IDENT.match(self.text, self.pos, self.end)
        if not m:
            raise _Fail
        self.pos = m.end()
        return m.group(0)

    def path(self) -> str:
        name = self.ident()
        while self.peek() == "." :
            self.pos += 1
            name += "." + self.ident()
        return name

    def field_type(self) -> A.FieldType:
        start = self.pos
        if self.peek() == "[":
            self.pos += 1
            self.ws()
            ns = self.pos
            name = self.ident()
            ne = self.pos
            self.ws()
            if self.peek() != "]":
                raise _Fail
            self.pos += 1
            return A.FieldType(name, "list", self.span(start, self.pos), self.span(ns, ne), legacy_list=True)
        name = self.ident()
        name_end = self.pos
        unsupported = None
        if name == "Unsupported" and self.peek() == "(":
            self.pos += 1
            self.ws()
            if self.peek() != '"':
                raise _Fail
            unsupported = self.string().value
            self.ws()
            if self.peek() != ")":
                raise _Fail
            self.pos += 1
            name_end = self.pos
        arity = "required"
        legacy_required = optional_list = False
        c = self.peek()
        if c == "?":
            self.pos += 1
            arity = "optional"
        elif c == "!":
            self.pos += 1
            legacy_required = True
        elif c == "[":
            self.pos += 1
            if self.peek() != "]":
                raise _Fail
            self.pos += 1
            arity = "list"
            if self.peek() == "?":
                self.pos += 1
                optional_list = True
        nxt = self.peek()
        if nxt and nxt not in " \t@/":
            raise _Fail
        return A.FieldType(name, arity, self.span(start, self.pos), self.span(start, name_end), unsupported=unsupported,
                           legacy_required=legacy_required, optional_list=optional_list)

    def attribute(self) -> A.Attribute:
        start = self.pos
        is_block = self.text.startswith("@@", self.pos)
        self.pos += 2 if is_block else 1
        ns = self.pos
        name = self.path()
        name_span = self.span(ns, self.pos)
        args: list[A.Argument] = []
        has_parens = False
        if self.peek() == "(":
            has_parens = True
            args = self.arguments()
        return A.Attribute(name, is_block, args, has_parens, self.span(start, self.pos), name_span)

    def arguments(self) -> list[A.Argument]:
        """``( arg, name: value, … [,] )`` starting at ``(``."""
        self.pos += 1
        args: list[A.Argument] = []
        self.ws()
        if self.peek() == ")":
            self.pos += 1
            return args
        while True:
            self.ws()
            if self.peek() == ")" and args:  # trailing comma
                self.pos += 1
                return args
            start = self.pos
            name = None
            m = _IDENT.match(self.text, self.pos, self.end)
            if m:
                after = m.end()
                while after < self.end and self.text[after] in " \t":
                    after += 1
                if after < self.end and self.text[after] == ":":
                    name = m.group(0)
                    self.pos = after + 1
                    self.ws()
            value: A.Expression | None
            if name is not None and self.peek() in (",", ")"):
                value = None
            else:
                value = self.expression()
            args.append(A.Argument(name, value, self.span(start, self.pos)))
            self.ws()
            c = self.peek()
            if c == ",":
                self.pos += 1
                continue
            if c == ")":
                self.pos += 1
                return args
            raise _Fail

    def expression(self) -> A.Expression:
        c = self.peek()
        start = self.pos
        if c == '"':
            return self.string()
        if c == "[":
            self.pos += 1
            items: list[A.Expression] = []
            self.ws()
            if self.peek() == "]":
                self.pos += 1
                return A.ArrayValue(items, self.span(start, self.pos))
            while True:
                self.ws()
                if self.peek() == "]" and items:
                    self.pos += 1
                    return A.ArrayValue(items, self.span(start, self.pos))
                items.append(self.expression())
                self.ws()
                c = self.peek()
                if c == ",":
                    self.pos += 1
                    continue
                if c == "]":
                    self.pos += 1
                    return A.ArrayValue(items, self.span(start, self.pos))
                raise _Fail
        m = _NUMBER.match(self.text, self.pos, self.end)
        if m:
            self.pos = m.end()
            return A.NumberValue(m.group(0), self.span(start, self.pos))
        name = self.path()
        if self.peek() == "(":
            args = self.arguments()
            return A.FunctionCall(name, args, self.span(start, self.pos))
        return A.ConstantValue(name, self.span(start, self.pos))

    def string(self) -> A.StringValue:
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
            if c == "\\":
                if i + 1 >= end:
                    raise _Fail
                e = text[i + 1]
                if e == "u":
                    hexs = text[i + 2 : i + 6]
                    if len(hexs) != 4 or any(h not in "0123456789abcdefABCDEF" for h in hexs):
                        raise _Fail
                    out.append(chr(int(hexs, 16)))
                    i += 6
                    continue
                mapped = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}.get(e)
                if mapped is None:
                    raise _Fail
                out.append(mapped)
                i += 2
                continue
            out.append(c)
            i += 1
        self.pos = i
        return A.StringValue("".join(out), text[start:i], self.span(start, i))


def parse(text: str, file: str = "schema.prisma") -> tuple[A.SchemaFile, list[Diagnostic]]:
    """Parse one schema file: the syntax tree and the syntax errors found (empty when it parsed)."""
    p = Parser(text, file)
    tree = p.parse()
    return tree, p.diagnostics
