"""``nexo format``: rewrite a schema in Prisma's canonical layout, byte for byte as ``prisma format``.

Prisma's formatter (6.19) works in two steps, and so does :func:`format_sources`:

1. *Relation repair* (:mod:`nexo.psl.format_relations`, naming the fields it adds with
   :mod:`nexo.psl.inflection`) ("magic reformat"): when the schema's relations can be resolved, the pieces
   ``prisma format`` adds are inserted into the source text: a missing back-relation field
   (``posts Post[]``), a missing forward relation field with its ``@relation(fields, references)``,
   the scalar fields such a relation needs, a missing ``@relation`` attribute and missing
   ``fields:``/``references:`` arguments.
2. *Layout* (this module): the (repaired) text is parsed again and re-emitted as a sequence of tables. Inside a
   block every line is a row; names, types and attributes (or ``key``/``= value``) are columns
   padded to the widest entry of the group plus one space; a blank line ends a group, comment lines
   do not; block attributes (``@@…``) move to the end of the block after one blank line, sorted
   (``@@id``, ``@@unique``, ``@@index``, ``@@fulltext``, ``@@map``, ``@@ignore``, then the rest)
   and followed by the comment lines written directly above them; field attributes are sorted the
   same way (``@id @unique @default @updatedAt … @map @relation @ignore``, then ``@db.*`` and
   others); runs of blank lines collapse to one; top-level blocks are separated by one blank line;
   line endings become ``\\n``; comments keep their text (trailing spaces included); text after a
   block's ``{`` is dropped, as Prisma drops it.

A schema with syntax errors is not formatted: :class:`FormatError` carries the diagnostics.

The public API lives here: :func:`format_source`, :func:`format_sources`, :func:`format_path`,
:func:`schema_files`, :func:`render`, and (re-exported) :func:`camel_case`, :func:`to_plural`,
:data:`SCALAR_TYPES` and :class:`FormatError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from . import ast as A
from .diagnostics import Diagnostic
from .errors import FormatError, PslError
from .format_relations import SCALAR_TYPES, apply_insertions, relation_insertions
from .inflection import camel_case, to_plural
from .parser import parse
from .terms import WS_CHARS

__all__ = [
    "INDENT",
    "SCALAR_TYPES",
    "FormatError",
    "PslError",
    "camel_case",
    "format_path",
    "format_source",
    "format_sources",
    "render",
    "schema_files",
    "to_plural",
]

INDENT = "  "
# Prisma's attribute order, for field attributes (``@x``) and block attributes (``@@x``) alike.
_ATTRIBUTE_ORDER = ("id", "unique", "default", "updatedAt", "index", "fulltext", "map", "relation", "ignore")
_ATTRIBUTE_RANK = {name: i for i, name in enumerate(_ATTRIBUTE_ORDER)}
_LINE_END = re.compile(r"\r\n|\r|\n")


# =============================================================================== public API


def format_source(text: str, file: str = "schema.prisma", dialect: str = "6") -> str:
    """The canonical form of one schema file's text (raises :class:`FormatError` if it does not parse)."""
    return format_sources({file: text}, dialect)[file]


def format_sources(sources: dict[str, str], dialect: str = "6") -> dict[str, str]:
    """Format the files of one schema together (a multi-file schema); file name → formatted text.

    Relation repair sees every file: a missing back-relation field goes into the file that declares
    the model it belongs to.
    """
    trees = _parse_all(sources, dialect)
    insertions = relation_insertions(trees)
    out: dict[str, str] = {}
    for name, text in sources.items():
        bits = insertions.get(name)
        if bits:
            text = apply_insertions(text, bits)
            tree, diagnostics = parse(text, name, dialect)
            if diagnostics:  # cannot happen for well-formed insertions; refuse rather than guess
                raise FormatError(diagnostics, {name: text})
        else:
            tree = trees[name]
        out[name] = render(tree)
    return out


def format_path(path: Path | str, check: bool = False, dialect: str = "6") -> list[Path]:
    """Format a schema file, or every ``.prisma`` file under a folder, in place.

    Returns the files whose text changes. With ``check`` nothing is written. Files are read and
    written as UTF-8 bytes, so CRLF input is detected as a change. Nothing is written when any
    file has syntax errors (:class:`FormatError`).
    """
    files = schema_files(Path(path))
    sources = {str(f): f.read_bytes().decode("utf-8") for f in files}
    formatted = format_sources(sources, dialect)
    changed = [f for f in files if formatted[str(f)] != sources[str(f)]]
    if not check:
        for f in changed:
            f.write_bytes(formatted[str(f)].encode("utf-8"))
    return changed


def schema_files(path: Path) -> list[Path]:
    """The schema's files: ``path`` itself, or every ``*.prisma`` under a folder in sorted relative-path order."""
    if path.is_dir():
        found = sorted((f for f in path.rglob("*.prisma") if f.is_file()), key=lambda p: p.relative_to(path).as_posix())
        if not found:
            raise PslError.simple(f"No .prisma files were found in the folder {path}.", str(path))
        return found
    if not path.is_file():
        raise PslError.simple(f"The schema file {path} does not exist.", str(path))
    return [path]


def _parse_all(sources: dict[str, str], dialect: str) -> dict[str, A.SchemaFile]:
    trees: dict[str, A.SchemaFile] = {}
    errors: list[Diagnostic] = []
    for name, text in sources.items():
        tree, diagnostics = parse(text, name, dialect)
        trees[name] = tree
        errors.extend(d for d in diagnostics if d.severity == "error")
    if errors:
        raise FormatError(errors, sources)
    return trees


# =============================================================================== layout engine


@dataclass
class _Row:
    """One output line of a table: aligned ``columns`` plus a ``suffix`` (a comment) that is not aligned."""

    columns: list[str] = field(default_factory=list)
    suffix: str = ""


class _Table:
    """Rows whose columns are padded to a common width when rendered (Prisma's ``TableFormat``)."""

    def __init__(self) -> None:
        self.rows: list[_Row] = []

    def new_row(self) -> _Row:
        row = _Row()
        self.rows.append(row)
        return row

    def render(self, out: _Writer) -> None:
        widths: list[int] = []
        for row in self.rows:
            while row.columns and row.columns[-1] == "":
                row.columns.pop()
            for i, col in enumerate(row.columns):
                w = _width(col)
                if i == len(widths):
                    widths.append(w)
                elif w > widths[i]:
                    widths[i] = w
        for row in self.rows:
            last = len(row.columns) - 1
            for i, col in enumerate(row.columns):
                out.write(col)
                if i != last:
                    out.write(" " * (widths[i] - _width(col) + 1))
            if row.suffix:
                if row.columns:
                    out.write(" ")
                out.write(row.suffix)
            out.end_line()
        self.rows = []


def _width(text: str) -> int:
    """Column width as Prisma measures it (UTF-8 bytes)."""
    return len(text) if text.isascii() else len(text.encode("utf-8"))


class _Writer:
    """Accumulates output lines, indenting the first write on each line."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.indent = 0
        self._at_line_start = True

    def write(self, text: str) -> None:
        if self._at_line_start:
            self.parts.append(INDENT * self.indent)
            self._at_line_start = False
        self.parts.append(text)

    def end_line(self) -> None:
        self.parts.append("\n")
        self._at_line_start = True

    def text(self) -> str:
        out = "".join(self.parts)
        return out if out.endswith("\n") else out + "\n"


# ------------------------------------------------------------------------------- tokens
# The formatter walks the file as Prisma's grammar sees it: blocks, runs of comment lines
# ("comment blocks"), runs of blank lines, and entries (fields, values, properties, attributes).


@dataclass
class _CommentRun:
    lines: list[str]
    first_line: int = 0  # the line (1-based) the run's first comment starts on


@dataclass
class _Blank:
    pass


_Token = Union[
    _CommentRun,
    _Blank,
    A.Field,
    A.EnumValue,
    A.ConfigProperty,
    A.Attribute,
    A.Model,
    A.Enum,
    A.ConfigBlock,
    A.InvalidLine,
]


def _comment_text(comment: A.Comment, source: str) -> str:
    """A comment line as Prisma re-emits it: from the ``//`` to the end of the line, trailing spaces kept
    (a trailing ``/* … */`` as written)."""
    if comment.kind == "block":
        return comment.raw
    m = _LINE_END.search(source, comment.span.start)
    end = m.start() if m else len(source)
    return source[comment.span.start : end]


def _tokens(members: Iterable[object], source: str, close_line_newline: bool = False) -> list[_Token]:
    """Members (in source order) → tokens, merging comment lines and blank lines into runs."""
    flat: list[object] = []
    for m in members:
        doc = getattr(m, "doc", None)
        if doc:
            flat.extend(doc)
        flat.append(m)
        if close_line_newline and isinstance(m, (A.Model, A.Enum, A.ConfigBlock)) and _block_ends_line(m, source):
            flat.append(_Blank())
    tokens: list[_Token] = []
    for item in flat:
        if isinstance(item, A.Comment):
            run = tokens[-1] if tokens and isinstance(tokens[-1], _CommentRun) else None
            if item.kind == "block":
                # Prisma strips the ``/*`` of a block comment only on the line its comment run starts on
                later = run is not None and item.span.line != run.first_line
                lines = _block_comment_lines(item, keep_opening=later)
            else:
                lines = [_comment_text(item, source)]
            if run is not None:
                run.lines.extend(lines)
            else:
                tokens.append(_CommentRun(lines, item.span.line))
        elif isinstance(item, (A.EmptyLine, _Blank)):
            if not (tokens and isinstance(tokens[-1], _Blank)):
                tokens.append(_Blank())
        else:
            tokens.append(item)  # type: ignore[arg-type]
    return tokens


def _block_comment_lines(comment: A.Comment, keep_opening: bool = False) -> list[str]:
    """A ``/* … */`` comment on lines of its own, as Prisma re-emits it: in the ``/** … */`` form, one
    `` * text`` line per non-blank line of its text (blanks and a leading ``*`` trimmed). With
    ``keep_opening`` (a block comment on a later line of a comment run) its ``/*`` stays in the text."""
    out = ["/**"]
    text = comment.raw[:-2] if keep_opening else comment.text
    for line in re.split(r"\r\n|\r|\n", text):
        line = line.strip(WS_CHARS)
        if line.startswith("*"):
            line = line[1:].strip(WS_CHARS)
        if line:
            out.append(" * " + line)
    out.append(" */")
    return out


def _block_ends_line(block: A.Block, source: str) -> bool:
    """True when the newline after a block's ``}`` exists (Prisma then sees an empty-lines token)."""
    close = block.close_span.end if block.close_span else block.span.end
    m = _LINE_END.search(source, close)
    return m is not None


# ------------------------------------------------------------------------------- rendering


def render(tree: A.SchemaFile) -> str:
    """The canonical text of a parsed file (no relation repair; see :func:`format_source`)."""
    out = _Writer()
    source = tree.text
    tokens = _tokens(tree.items, source, close_line_newline=True)
    i = 0
    if tokens and isinstance(tokens[0], _Blank):
        i = 1
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if isinstance(tok, (A.Model, A.Enum, A.ConfigBlock)):
            _render_block(tok, source, out)
        elif isinstance(tok, _CommentRun):
            table = _Table()
            _comment_rows(tok, table)
            table.render(out)
        elif isinstance(tok, _Blank):
            if i < len(tokens):  # blank lines at the end of the file are dropped
                out.end_line()
        elif isinstance(tok, A.InvalidLine):
            out.write(tok.text)
    return out.text()


def _comment_rows(run: _CommentRun, table: _Table) -> None:
    for line in run.lines:
        table.new_row().suffix = line


def _render_block(block: A.Block, source: str, out: _Writer) -> None:
    out.write(f"{block.keyword} {block.name} {{")
    out.end_line()
    out.indent += 1
    tokens = _tokens(block.body, source)
    pos = 0

    def peek() -> _Token | None:
        return tokens[pos] if pos < len(tokens) else None

    def eat_blank() -> bool:
        nonlocal pos
        if pos < len(tokens) and isinstance(tokens[pos], _Blank):
            pos += 1
            return True
        return False

    table = _Table()
    attributes: list[tuple[_CommentRun | None, A.Attribute]] = []
    pending_comment: _CommentRun | None = None
    eat_blank()  # blank lines at the start of a block go
    while True:
        ate_blank = eat_blank()
        if ate_blank:
            nxt = peek()
            if nxt is not None and not isinstance(nxt, (A.Attribute, _CommentRun)):
                table.render(out)  # a blank line ends an alignment group
                table.new_row()
        cur = peek()
        if cur is None:
            table.render(out)
            if attributes:
                table.new_row()  # one blank line before the block attributes
            attributes.sort(key=lambda pair: _attribute_rank(pair[1]))
            for comment, attr in attributes:
                if comment is not None:
                    _comment_rows(comment, table)
                row = table.new_row()
                row.columns.append("@@" + attr.name + _arguments(attr))
                if attr.trailing_comment is not None:
                    row.suffix += _comment_text(attr.trailing_comment, source)
            table.render(out)
            out.indent -= 1
            out.write("}")
            out.end_line()
            return
        pos += 1
        if isinstance(cur, _CommentRun):
            if isinstance(peek(), A.Attribute):
                pending_comment = cur  # comments right above a block attribute move with it
            else:
                if ate_blank:
                    table.render(out)
                    table.new_row()
                _comment_rows(cur, table)
        elif isinstance(cur, A.Field):
            _field_row(cur, source, table)
        elif isinstance(cur, A.EnumValue):
            row = table.new_row()
            row.columns.append(cur.name)
            if cur.attributes:
                row.columns.append("".join("@" + a.name + _arguments(a) for a in cur.attributes))
            if cur.trailing_comment is not None:
                row.suffix += _comment_text(cur.trailing_comment, source)
        elif isinstance(cur, A.ConfigProperty):
            row = table.new_row()
            row.columns.append(cur.key)
            if cur.value is not None:
                row.columns.append("= " + _expression(cur.value))
            if cur.trailing_comment is not None:
                row.suffix += _comment_text(cur.trailing_comment, source)
        elif isinstance(cur, A.Attribute):
            attributes.append((pending_comment, cur))
            pending_comment = None
        elif isinstance(cur, A.InvalidLine):
            table.rows.append(_Row([], cur.text.strip()))


def _attribute_rank(attr: A.Attribute) -> int:
    return _ATTRIBUTE_RANK.get(attr.name, len(_ATTRIBUTE_ORDER))


def _field_row(f: A.Field, source: str, table: _Table) -> None:
    row = table.new_row()
    row.columns.append(f.name)
    row.columns.append(_field_type(f.type, source) if f.type is not None else "")
    attrs = sorted(f.attributes, key=_attribute_rank)
    row.columns.append(" ".join("@" + a.name + _arguments(a) for a in attrs))
    if f.trailing_comment is not None:
        row.suffix += _comment_text(f.trailing_comment, source)


def _field_type(t: A.FieldType, source: str) -> str:
    base = source[t.name_span.start : t.name_span.end] if t.unsupported is not None else t.name
    if t.optional_list:
        return base + "[]?"
    if t.arity == "list":
        return base + "[]"
    if t.arity == "optional":
        return base + "?"
    return base


def _arguments(attr: A.Attribute) -> str:
    if not attr.has_parens:
        return ""
    return _argument_list(attr.arguments)


def _argument_list(args: Sequence[A.Argument]) -> str:
    parts = []
    for arg in args:
        if arg.name is None:
            parts.append(_expression(arg.value) if arg.value is not None else "")
        elif arg.value is None:
            parts.append(arg.name + ": ")
        else:
            parts.append(arg.name + ": " + _expression(arg.value))
    return "(" + ", ".join(parts) + ")"


def _expression(e: A.Expression) -> str:
    if isinstance(e, A.StringValue):
        return e.raw
    if isinstance(e, A.NumberValue):
        return e.raw
    if isinstance(e, A.ConstantValue):
        return e.name
    if isinstance(e, A.FunctionCall):
        return e.name + _argument_list(e.arguments)
    if isinstance(e, A.ObjectValue):
        return "{ " + ", ".join(f"{k}: {_expression(v)}" for k, _, v in e.entries) + " }" if e.entries else "{}"
    return "[" + ", ".join(_expression(item) for item in e.items) + "]"
