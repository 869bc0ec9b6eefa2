"""Why a ``Json`` default is not valid JSON, worded the way Prisma's JSON reader (serde_json) words it.

``json_error(text)`` returns None for valid JSON, else a message such as
``EOF while parsing an object at line 1 column 1`` or ``expected value at line 1 column 2``.
The position is the line and column of the character where reading stopped (for an unexpected end,
the last character of the text).
"""

from __future__ import annotations

_WS = " \t\n\r"
_MAX_DEPTH = 128


class _Error(Exception):
    def __init__(self, message: str, at: int) -> None:
        super().__init__(message)
        self.message = message
        self.at = at


class _Reader:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.depth = 0

    def fail(self, message: str, at: int | None = None) -> _Error:
        return _Error(message, self.i if at is None else at)

    def eof(self, what: str) -> _Error:
        return _Error(f"EOF while parsing {what}", len(self.s) - 1)

    def skip(self) -> None:
        s, i = self.s, self.i
        while i < len(s) and s[i] in _WS:
            i += 1
        self.i = i

    def value(self) -> None:
        self.skip()
        if self.i >= len(self.s):
            raise self.eof("a value")
        c = self.s[self.i]
        if c == "{":
            self.container("}", "an object", keyed=True)
        elif c == "[":
            self.container("]", "a list", keyed=False)
        elif c == '"':
            self.string()
        elif c == "-" or c.isdigit():
            self.number()
        else:
            for word in ("true", "false", "null"):
                if self.s.startswith(word, self.i):
                    self.i += len(word)
                    return
                if c == word[0]:
                    k = 0
                    while self.i + k < len(self.s) and k < len(word) and self.s[self.i + k] == word[k]:
                        k += 1
                    if self.i + k >= len(self.s):
                        raise self.eof("a value")
                    raise self.fail("expected ident", self.i + k)
            raise self.fail("expected value")

    def container(self, close: str, what: str, keyed: bool) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise self.fail("recursion limit exceeded")
        self.i += 1
        self.skip()
        if self.i >= len(self.s):
            raise self.eof(what)
        if self.s[self.i] == close:
            self.i += 1
            self.depth -= 1
            return
        while True:
            self.skip()
            if self.i >= len(self.s):
                raise self.eof(what)
            if keyed:
                if self.s[self.i] != '"':
                    raise self.fail("key must be a string")
                self.string()
                self.skip()
                if self.i >= len(self.s):
                    raise self.eof(what)
                if self.s[self.i] != ":":
                    raise self.fail("expected `:`")
                self.i += 1
            self.value()
            self.skip()
            if self.i >= len(self.s):
                raise self.eof(what)
            c = self.s[self.i]
            if c == ",":
                self.i += 1
                self.skip()
                if self.i < len(self.s) and self.s[self.i] == close:
                    raise self.fail("trailing comma")
                continue
            if c == close:
                self.i += 1
                self.depth -= 1
                return
            raise self.fail(f"expected `,` or `{close}`")

    def string(self) -> None:
        s = self.s
        i = self.i + 1
        while True:
            if i >= len(s):
                raise _Error("EOF while parsing a string", len(s) - 1)
            c = s[i]
            if c == '"':
                self.i = i + 1
                return
            if c < " ":
                raise _Error("control character (\\u0000-\\u001F) found while parsing a string", i)
            if c == "\\":
                if i + 1 >= len(s):
                    raise _Error("EOF while parsing a string", len(s) - 1)
                e = s[i + 1]
                if e == "u":
                    hexs = s[i + 2 : i + 6]
                    if len(hexs) < 4 and i + 2 + len(hexs) >= len(s):
                        raise _Error("EOF while parsing a string", len(s) - 1)
                    if len(hexs) < 4 or any(h not in "0123456789abcdefABCDEF" for h in hexs):
                        raise _Error("invalid escape", i + 2)
                    i += 6
                    continue
                if e not in '"\\/bfnrt':
                    raise _Error("invalid escape", i + 1)
                i += 2
                continue
            i += 1

    def number(self) -> None:
        s = self.s
        i = self.i
        if s[i] == "-":
            i += 1
        if i >= len(s):
            raise _Error("EOF while parsing a value", len(s) - 1)
        if not s[i].isdigit():
            raise _Error("invalid number", i)
        if s[i] == "0":
            i += 1
        else:
            while i < len(s) and s[i].isdigit():
                i += 1
        if i < len(s) and s[i] == ".":
            i += 1
            if i >= len(s):
                raise _Error("EOF while parsing a value", len(s) - 1)
            if not s[i].isdigit():
                raise _Error("invalid number", i)
            while i < len(s) and s[i].isdigit():
                i += 1
        if i < len(s) and s[i] in "eE":
            i += 1
            if i < len(s) and s[i] in "+-":
                i += 1
            if i >= len(s):
                raise _Error("EOF while parsing a value", len(s) - 1)
            if not s[i].isdigit():
                raise _Error("invalid number", i)
            while i < len(s) and s[i].isdigit():
                i += 1
        self.i = i


def _position(text: str, at: int) -> tuple[int, int]:
    if at < 0:
        return 1, 0
    before = text[: at + 1]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1)
    return line, column


def json_error(text: str) -> str | None:
    """None when ``text`` is valid JSON, else serde_json's description of the first problem."""
    r = _Reader(text)
    try:
        r.value()
        r.skip()
        if r.i < len(text):
            raise r.fail("trailing characters")
    except _Error as e:
        line, column = _position(text, min(e.at, len(text) - 1) if text else -1)
        return f"{e.message} at line {line} column {column}"
    return None
