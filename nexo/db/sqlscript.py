"""SQL script text: split a script into statements with their line numbers, and spot the
statements that PostgreSQL refuses to run inside a transaction block.

This is nexo's one SQL scanner: the Prisma migration runner, ``db:push`` and the SQL layer all split
with :func:`split_statements`. It understands what can hide a semicolon: single-quoted strings (with
``''``), E'' strings (with backslash escapes), double-quoted identifiers (with ``""``), dollar-quoted
bodies (``$$`` and ``$tag$``, tags with non-ASCII letters too), ``--`` line comments and nested
``/* */`` block comments. With ``psql_rules`` it also keeps together what psql keeps together: a
semicolon inside parentheses (``CREATE RULE ... DO (a; b)``) or inside the SQL-standard body of a
routine (``CREATE FUNCTION ... BEGIN ATOMIC ...; ...; END``, PostgreSQL 14+) does not end the statement.

The scan is one pass over the text (regular expressions jump from one character that matters to the
next), so its time grows linearly with the script. It never executes anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: a dollar-quote delimiter: ``$$`` or ``$tag$`` (a tag is an identifier, letters beyond ASCII included)
DOLLAR_TAG = re.compile(r"\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$")

# the next character (or pair) that can change the scanner's state: without psql's rules, with them
# (parentheses), and inside a routine with them (bare words too, ``$`` continuing one as in PostgreSQL:
# BEGIN ATOMIC / CASE / END nest)
_NEXT = re.compile(r"[;'\"$]|--|/\*")
_NEXT_OR_PAREN = re.compile(r"[;'\"$()]|--|/\*")
_NEXT_OR_WORD = re.compile(r"[;'\"$()]|--|/\*|[A-Za-z_][A-Za-z0-9_$]*")
# the rest of a quoted text after its opening quote, closing quote included (possessive: never backtracks)
_REST_OF_STRING = re.compile(r"(?:[^']++|'')*+'")
_REST_OF_ESCAPE_STRING = re.compile(r"(?:[^'\\]++|\\.|'')*+'", re.S)
_REST_OF_IDENTIFIER = re.compile(r'(?:[^"]++|"")*+"')
_BLOCK_COMMENT_MARK = re.compile(r"/\*|\*/")
# white space and ``--`` comments (``/* */`` ones nest, so they are skipped by :func:`_skip_block_comment`)
_SPACE_AND_LINE_COMMENTS = re.compile(r"(?:\s++|--[^\n]*+\n?)*+")
_ROUTINE_HEAD = re.compile(r"CREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE)\b", re.I)


@dataclass(frozen=True)
class Statement:
    """One statement of a script: its text (without the closing ``;``) and where it starts."""

    text: str
    #: 1-based line of the statement's first significant character
    line: int
    #: 0-based character offset of that character in the script
    offset: int

    @property
    def first_line(self) -> str:
        return self.text.strip().splitlines()[0] if self.text.strip() else ""


def _skip_ws_and_comments(s: str, i: int) -> int:
    """The offset of the first character at or after ``i`` that is neither white space nor comment."""
    while True:
        i = _SPACE_AND_LINE_COMMENTS.match(s, i).end()  # type: ignore[union-attr]  # (...)* always matches
        if not s.startswith("/*", i):
            return i
        i = _skip_block_comment(s, i)


def _skip_block_comment(s: str, i: int) -> int:
    """The offset just after the ``/* */`` comment (nested ones inside) that starts at ``i``."""
    depth, i, n = 1, i + 2, len(s)
    while True:
        m = _BLOCK_COMMENT_MARK.search(s, i)
        if m is None:
            return n
        i = m.end()
        depth += 1 if m.group() == "/*" else -1
        if depth == 0:
            return i


def _after(pattern: re.Pattern[str], s: str, i: int) -> int:
    """The offset after the quoted text whose body starts at ``i``; the end of ``s`` when it is not closed."""
    m = pattern.match(s, i)
    return len(s) if m is None else m.end()


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


@dataclass
class _Nesting:
    """How deep the scan is inside parentheses and SQL-standard routine bodies (``psql_rules``)."""

    parens: int = 0
    atomic: int = 0
    #: the previous bare word of this piece was BEGIN (``BEGIN ATOMIC`` opens a body)
    after_begin: bool = False

    @property
    def open(self) -> bool:
        return self.parens > 0 or self.atomic > 0

    def word(self, word: str) -> None:
        begin = self.after_begin
        self.after_begin = word == "BEGIN"
        if (begin and word == "ATOMIC") or (word == "CASE" and self.atomic > 0):
            self.atomic += 1
        elif word == "END" and self.atomic > 0:
            self.atomic -= 1


def split_statements(script: str, *, psql_rules: bool = False) -> list[Statement]:
    """The statements of ``script`` in order; comments-only fragments are dropped.

    Without ``psql_rules`` every semicolon outside quotes and comments ends a statement (what the
    Prisma migration runner needs). With it, a semicolon inside parentheses or inside a
    ``BEGIN ATOMIC ... END`` body of ``CREATE FUNCTION`` / ``CREATE PROCEDURE`` does not: the pieces
    form one statement, from the first piece's start to the last non-empty piece's end.
    """
    out: list[Statement] = []
    n = len(script)
    find = script.find
    i = 0
    line, counted_to = 1, 0  # line numbers are counted incrementally: one pass over the text
    while True:
        start = _skip_ws_and_comments(script, i)
        if start >= n:
            break
        nesting = None
        search = _NEXT.search
        if psql_rules:
            nesting = _Nesting()
            search = (_NEXT_OR_WORD if _ROUTINE_HEAD.match(script, start) else _NEXT_OR_PAREN).search
        piece_start, end = start, start  # end: where the last non-empty piece ends
        i = start
        while True:
            m = search(script, i)
            if m is None:
                i = n
            else:
                i = m.start()
                c = script[i]
                if c == ";":
                    pass
                elif c == "'":
                    escapes = i > 0 and script[i - 1] in "eE" and (i < 2 or not _is_word_char(script[i - 2]))
                    i = _after(_REST_OF_ESCAPE_STRING if escapes else _REST_OF_STRING, script, i + 1)
                    continue
                elif c == '"':
                    i = _after(_REST_OF_IDENTIFIER, script, i + 1)
                    continue
                elif c == "$":
                    tag = DOLLAR_TAG.match(script, i) if i == 0 or not _is_word_char(script[i - 1]) else None
                    if tag is None:
                        i += 1
                    else:
                        close = find(tag.group(), tag.end())
                        i = n if close < 0 else close + len(tag.group())
                    continue
                elif c == "-":
                    j = find("\n", i)
                    i = n if j < 0 else j + 1
                    continue
                elif c == "/":
                    i = _skip_block_comment(script, i)
                    continue
                else:  # with psql's rules: a parenthesis, or a bare word of a routine
                    assert nesting is not None
                    if c == "(":
                        nesting.parens += 1
                        nesting.after_begin = False
                    elif c == ")":
                        nesting.parens = max(0, nesting.parens - 1)
                        nesting.after_begin = False
                    else:
                        nesting.word(m.group().upper())
                    i = m.end()
                    continue
            # a semicolon at ``i`` or the end of the script: a piece ends here
            if piece_start < i:
                end = piece_start + len(script[piece_start:i].rstrip())
            if nesting is None or i >= n or not nesting.open:
                break
            nesting.after_begin = False
            piece_start = _skip_ws_and_comments(script, i + 1)
            if piece_start >= n:
                break
            i = piece_start
        if end > start:
            line += script.count("\n", counted_to, start)
            counted_to = start
            out.append(Statement(text=script[start:end], line=line, offset=start))
        i += 1  # past the ';'
    return out


_NO_TX_PATTERNS = [
    (re.compile(r"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\b", re.I), "CREATE INDEX CONCURRENTLY"),
    (re.compile(r"^\s*DROP\s+INDEX\s+CONCURRENTLY\b", re.I), "DROP INDEX CONCURRENTLY"),
    (re.compile(r"^\s*REINDEX\b.*\bCONCURRENTLY\b", re.I | re.S), "REINDEX CONCURRENTLY"),
    (
        re.compile(r"^\s*ALTER\s+TABLE\b.*\bDETACH\s+PARTITION\b.*\bCONCURRENTLY\b", re.I | re.S),
        "DETACH PARTITION CONCURRENTLY",
    ),
    (re.compile(r"^\s*(CREATE|DROP)\s+DATABASE\b", re.I), "CREATE/DROP DATABASE"),
    (re.compile(r"^\s*(CREATE|DROP)\s+TABLESPACE\b", re.I), "CREATE/DROP TABLESPACE"),
    (re.compile(r"^\s*ALTER\s+SYSTEM\b", re.I), "ALTER SYSTEM"),
    (re.compile(r"^\s*VACUUM\b", re.I), "VACUUM"),
    (re.compile(r"^\s*CREATE\s+SUBSCRIPTION\b", re.I), "CREATE SUBSCRIPTION"),
    (re.compile(r"^\s*ALTER\s+DATABASE\b.*\bSET\s+TABLESPACE\b", re.I | re.S), "ALTER DATABASE SET TABLESPACE"),
]


def _strip_leading_comments(text: str) -> str:
    return text[_skip_ws_and_comments(text, 0) :]


#: all of :data:`_NO_TX_PATTERNS` in one pattern (one named group each, in the same order)
_NO_TX = re.compile("|".join(f"(?P<p{k}>{p.pattern})" for k, (p, _) in enumerate(_NO_TX_PATTERNS)), re.I | re.S)
_NO_TX_LABELS = {f"p{k}": label for k, (_, label) in enumerate(_NO_TX_PATTERNS)}


def non_transactional(stmt: Statement | str) -> str | None:
    """The reason ``stmt`` cannot run inside a transaction block, or ``None``."""
    text = _strip_leading_comments(stmt.text if isinstance(stmt, Statement) else stmt)
    m = _NO_TX.match(text)
    return None if m is None or m.lastgroup is None else _NO_TX_LABELS[m.lastgroup]


def is_transaction_control(stmt: Statement | str) -> bool:
    """``True`` for BEGIN / COMMIT / ROLLBACK / START TRANSACTION / END / ABORT statements."""
    text = _strip_leading_comments(stmt.text if isinstance(stmt, Statement) else stmt)
    return bool(
        re.match(
            r"^(BEGIN|COMMIT|END|ROLLBACK|START\s+TRANSACTION|ABORT)\s*(TRANSACTION|WORK)?\s*$", text.strip(), re.I
        )
    )


def line_of_offset(script: str, offset: int) -> int:
    """1-based line number of a 0-based character offset."""
    return script.count("\n", 0, max(0, min(offset, len(script)))) + 1
