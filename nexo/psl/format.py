"""``nexo format``: rewrite a schema in Prisma's canonical layout, byte for byte as ``prisma format``.

Prisma's formatter (6.19) works in two steps, and so does this module:

1. *Relation repair* ("magic reformat"): when the schema's relations can be resolved, the pieces
   ``prisma format`` adds are inserted into the source text: a missing back-relation field
   (``posts Post[]``), a missing forward relation field with its ``@relation(fields, references)``,
   the scalar fields such a relation needs, a missing ``@relation`` attribute and missing
   ``fields:``/``references:`` arguments.
2. *Layout*: the (repaired) text is parsed again and re-emitted as a sequence of tables. Inside a
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
from .parser import WS_CHARS, parse

INDENT = "  "
SCALAR_TYPES = frozenset(("String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes"))
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
    insertions = _relation_insertions(trees)
    out: dict[str, str] = {}
    for name, text in sources.items():
        bits = insertions.get(name)
        if bits:
            text = _insert(text, bits)
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


# =============================================================================== relation repair


@dataclass
class _Insertion:
    """Text to insert at an offset of one file (Prisma's "missing bit")."""

    position: int
    content: str


@dataclass
class _ModelInfo:
    file: str
    model: A.Model
    source: str

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def ignored(self) -> bool:
        return any(a.name == "ignore" for a in self.model.attributes)

    def field(self, name: str) -> A.Field | None:
        for f in self.model.fields:
            if f.name == name:
                return f
        return None

    def unique_criteria(self) -> list[list[str]]:
        """Field-name lists that are unique, in Prisma's order: primary key, then @unique, then @@unique."""
        out: list[list[str]] = []
        for f in self.model.fields:
            if any(a.name == "id" for a in f.attributes):
                out.append([f.name])
        for a in self.model.attributes:
            if a.name == "id":
                names = _field_list(a)
                if names:
                    out.append(names)
        out = out[:1]
        for f in self.model.fields:
            if any(a.name == "unique" for a in f.attributes):
                out.append([f.name])
        for a in self.model.attributes:
            if a.name == "unique":
                names = _field_list(a)
                if names:
                    out.append(names)
        return out


def _field_list(attr: A.Attribute) -> list[str]:
    """The field names of ``@@id([...])`` / ``@@unique([...])`` (first positional or ``fields:``)."""
    arg = attr.named("fields") or (attr.positional[0] if attr.positional else None)
    if arg is None or not isinstance(arg.value, A.ArrayValue):
        return []
    names = []
    for item in arg.value.items:
        if isinstance(item, (A.ConstantValue, A.FunctionCall)):
            names.append(item.name)
        else:
            return []
    return names


@dataclass
class _RelField:
    info: _ModelInfo
    field: A.Field

    @property
    def target(self) -> str:
        assert self.field.type is not None
        return self.field.type.name

    @property
    def arity(self) -> str:
        assert self.field.type is not None
        return self.field.type.arity

    @property
    def relation(self) -> A.Attribute | None:
        for a in self.field.attributes:
            if a.name == "relation":
                return a
        return None

    @property
    def relation_name(self) -> str:
        rel = self.relation
        if rel is None:
            return ""
        arg = rel.named("name") or (rel.positional[0] if rel.positional else None)
        if arg is not None and isinstance(arg.value, A.StringValue):
            return arg.value.value
        return ""

    def list_arg(self, name: str) -> list[str] | None:
        rel = self.relation
        if rel is None:
            return None
        arg = rel.named(name)
        if arg is None or not isinstance(arg.value, A.ArrayValue):
            return None
        return [item.name for item in arg.value.items if isinstance(item, A.ConstantValue)]


@dataclass
class _Inline:
    """A one-to-one or one-to-many relation: the model holding the foreign key references the other."""

    referencing: _ModelInfo
    referenced: _ModelInfo
    forward: _RelField | None
    back: _RelField | None
    one_to_one: bool


def _relation_insertions(trees: dict[str, A.SchemaFile]) -> dict[str, list[_Insertion]]:
    """What ``prisma format`` would insert, per file (empty when relations cannot be resolved)."""
    models: dict[str, _ModelInfo] = {}
    enums: set[str] = set()
    native_prefix = "db."  # native types are written ``@<datasource name>.Type``
    for name, tree in trees.items():
        for block in tree.blocks:
            if isinstance(block, A.ConfigBlock) and block.keyword == "datasource":
                native_prefix = block.name + "."
            if isinstance(block, A.Model) and block.keyword in ("model", "view"):
                if block.name in models:
                    return {}
                models[block.name] = _ModelInfo(name, block, tree.text)
            elif isinstance(block, A.Enum):
                enums.add(block.name)
    relations = _inline_relations(models, enums)
    if relations is None:
        return {}
    bits: dict[str, list[_Insertion]] = {}

    def add(info: _ModelInfo, position: int, content: str) -> None:
        bits.setdefault(info.file, []).append(_Insertion(position, content))

    for rel in relations:
        _missing_relation_fields(rel, add)
        _missing_scalar_fields(rel, add, native_prefix)
    for rel in relations:
        fwd = rel.forward
        if fwd is not None and fwd.relation is None:
            assert fwd.field.type is not None
            content = f" @relation({_fields_argument(rel)}, {_references_argument(rel)})"
            add(fwd.info, _after_type(fwd.field.type.span.end, fwd.info.source), content)
    for rel in relations:
        fwd = rel.forward
        if fwd is None or fwd.relation is None:
            continue
        rel_attr = fwd.relation
        extra = []
        if fwd.list_arg("fields") is None:
            extra.append(_fields_argument(rel))
        if fwd.list_arg("references") is None:
            extra.append(_references_argument(rel))
        if not extra:
            continue
        joined = ", ".join(extra)
        if not rel_attr.arguments:
            if rel_attr.has_parens:
                add(fwd.info, rel_attr.span.end - 1, joined)
            else:
                add(fwd.info, rel_attr.span.end, f"({joined})")
        else:
            add(fwd.info, rel_attr.span.end - 1, f", {joined}")
    for file_bits in bits.values():
        file_bits.sort(key=lambda b: b.position)
    return bits


def _inline_relations(models: dict[str, _ModelInfo], enums: set[str]) -> list[_Inline] | None:
    """Pair the relation fields of all models the way Prisma does; None when that is ambiguous."""
    fields_by_model: dict[str, list[_RelField]] = {}
    for info in models.values():
        rfs = []
        for f in info.model.fields:
            if f.type is None:
                continue
            t = f.type.name
            if t in models:
                rfs.append(_RelField(info, f))
            elif t not in SCALAR_TYPES and t not in enums and t != "Unsupported":
                return None  # an unknown type: Prisma's relation analysis does not run
        fields_by_model[info.name] = rfs
    seen: set[int] = set()
    relations: list[_Inline] = []
    for info in models.values():
        for rf in fields_by_model[info.name]:
            if id(rf.field) in seen:
                continue
            seen.add(id(rf.field))
            candidates = [
                o
                for o in fields_by_model[rf.target]
                if o.target == info.name and o.relation_name == rf.relation_name and o.field is not rf.field
            ]
            if len(candidates) > 1:
                return None
            opposite = candidates[0] if candidates else None
            if opposite is not None:
                if id(opposite.field) in seen:
                    continue
                seen.add(id(opposite.field))
            target = models[rf.target]
            if opposite is None:
                if rf.arity == "list":
                    relations.append(_Inline(target, info, None, rf, one_to_one=False))
                else:
                    refs = rf.list_arg("fields")
                    unique = refs is not None and any(set(c) == set(refs) for c in info.unique_criteria())
                    relations.append(_Inline(info, target, rf, None, one_to_one=unique))
                continue
            if rf.arity == "list" and opposite.arity == "list":
                continue  # many-to-many: nothing to repair
            if rf.arity == "list":
                relations.append(_Inline(target, info, opposite, rf, one_to_one=False))
            elif opposite.arity == "list":
                relations.append(_Inline(info, target, rf, opposite, one_to_one=False))
            else:
                forward, back = _one_to_one_sides(rf, opposite)
                if forward is None or back is None:
                    continue
                relations.append(_Inline(forward.info, back.info, forward, back, one_to_one=True))
    return relations


def _one_to_one_sides(a: _RelField, b: _RelField) -> tuple[_RelField | None, _RelField | None]:
    """Which side of a one-to-one relation holds the foreign key (the one with ``fields:``)."""
    a_fields = a.list_arg("fields") is not None
    b_fields = b.list_arg("fields") is not None
    if a_fields and not b_fields:
        return a, b
    if b_fields and not a_fields:
        return b, a
    return None, None  # both or neither: Prisma reports it; nothing is inserted


def _missing_relation_fields(rel: _Inline, add) -> None:  # type: ignore[no-untyped-def]
    if rel.back is None:
        referencing = rel.referencing.name
        ignore = "@ignore" if rel.referencing.ignored else ""
        if rel.one_to_one:
            name, arity = camel_case(referencing), "?"
        else:
            name, arity = to_plural(camel_case(referencing)), "[]"
        add(rel.referenced, rel.referenced.model.span.end - 1, f"{name} {referencing}{arity} {ignore}\n")
    if rel.forward is None:
        referenced = rel.referenced.name
        arity = _render_arity(_forward_arity(rel))
        name = to_plural(camel_case(referenced)) if arity == "[]" else camel_case(referenced)
        add(
            rel.referencing,
            rel.referencing.model.span.end - 1,
            f"{name} {referenced}{arity} @relation({_fields_argument(rel)}, {_references_argument(rel)})\n",
        )


@dataclass
class _InferredScalar:
    name: str
    arity: str
    type_name: str
    blueprint: A.Field


def _infer_scalars(rel: _Inline) -> list[_InferredScalar]:
    criteria = rel.referenced.unique_criteria()
    if not criteria:
        return []
    out = []
    for field_name in criteria[0]:
        blueprint = rel.referenced.field(field_name)
        if blueprint is None or blueprint.type is None:
            continue
        name = _lower_first(rel.referenced.name) + _upper_first(field_name)
        existing = rel.referencing.field(name)
        if existing is not None and existing.type is not None:
            out.append(_InferredScalar(name, existing.type.arity, existing.type.name, blueprint))
        else:
            arity = rel.forward.arity if rel.forward is not None else "optional"
            out.append(_InferredScalar(name, arity, blueprint.type.name, blueprint))
    return out


def _missing_scalar_fields(rel: _Inline, add, native_prefix: str) -> None:  # type: ignore[no-untyped-def]
    """Add the scalar fields a relation's ``fields:`` will name, with the native type of the field they
    reference (``@db.SmallInt``, or ``@pg.SmallInt`` under ``datasource pg``), as Prisma copies it."""
    if rel.forward is not None and rel.forward.list_arg("fields") is not None:
        return
    for scalar in _infer_scalars(rel):
        if rel.referencing.field(scalar.name) is not None:
            continue
        if scalar.type_name not in SCALAR_TYPES:
            return
        native = ""
        for a in scalar.blueprint.attributes:
            if a.name.startswith(native_prefix):
                native = rel.referenced.source[a.span.start : a.span.end]
                break
        arity = _render_arity(scalar.arity)
        add(rel.referencing, rel.referencing.model.span.end - 1, f"{scalar.name} {scalar.type_name}{arity} {native}\n")


def _forward_arity(rel: _Inline) -> str:
    if rel.forward is not None:
        return rel.forward.arity
    if any(s.arity == "optional" for s in _infer_scalars(rel)):
        return "optional"
    return "required"


def _render_arity(arity: str) -> str:
    return {"required": "", "optional": "?", "list": "[]"}[arity]


def _fields_argument(rel: _Inline) -> str:
    return "fields: [" + ", ".join(s.name for s in _infer_scalars(rel)) + "]"


def _references_argument(rel: _Inline) -> str:
    if rel.forward is not None:
        refs = rel.forward.list_arg("references")
        if refs is not None:
            return "references: [" + ", ".join(refs) + "]"
    criteria = rel.referenced.unique_criteria()
    return "references: [" + ", ".join(criteria[0] if criteria else []) + "]"


def _after_type(type_end: int, source: str) -> int:
    pos = type_end
    while pos < len(source) and source[pos] in "[]?!":
        pos += 1
    return pos


def _insert(text: str, bits: Sequence[_Insertion]) -> str:
    out = []
    last = 0
    for bit in bits:
        out.append(text[last : bit.position])
        out.append(bit.content)
        last = bit.position
    out.append(text[last:])
    return "".join(out)


# ------------------------------------------------------------------------------- naming


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]


def _upper_first(s: str) -> str:
    return s[:1].upper() + s[1:]


def camel_case(name: str) -> str:
    """``name`` in camelCase the way Prisma names added relation fields (``UserProfile`` → ``userProfile``,
    ``user_account`` → ``userAccount``, ``HTTPRequest`` → ``httprequest``)."""
    stripped = name
    while stripped and not stripped[-1].isalnum():
        stripped = stripped[:-1]
    out: list[str] = []
    new_word = False
    found = False
    last = " "
    for ch in stripped:
        if not ch.isalnum():
            if found:
                new_word = True
            continue
        if ch.isnumeric():
            found = True
            new_word = True
            out.append(ch)
        elif new_word or (last.islower() and ch.isupper()):
            found = True
            new_word = False
            out.append(ch.upper())
        else:
            found = True
            last = ch
            out.append(ch.lower())
    return "".join(out)


_UNCOUNTABLE = frozenset(
    [
        "accommodation",
        "adulthood",
        "advertising",
        "advice",
        "aggression",
        "aid",
        "air",
        "aircraft",
        "alcohol",
        "anger",
        "applause",
        "arithmetic",
        "assistance",
        "athletics",
        "bacon",
        "baggage",
        "beef",
        "biology",
        "blood",
        "botany",
        "bread",
        "butter",
        "carbon",
        "cardboard",
        "cash",
        "chalk",
        "chaos",
        "chess",
        "crossroads",
        "countryside",
        "dancing",
        "deer",
        "dignity",
        "dirt",
        "dust",
        "economics",
        "education",
        "electricity",
        "engineering",
        "enjoyment",
        "envy",
        "equipment",
        "ethics",
        "evidence",
        "evolution",
        "fame",
        "fiction",
        "flour",
        "flu",
        "food",
        "fuel",
        "fun",
        "furniture",
        "gallows",
        "garbage",
        "garlic",
        "genetics",
        "gold",
        "golf",
        "gossip",
        "grammar",
        "gratitude",
        "grief",
        "guilt",
        "gymnastics",
        "happiness",
        "hardware",
        "harm",
        "hate",
        "hatred",
        "health",
        "heat",
        "help",
        "homework",
        "honesty",
        "honey",
        "hospitality",
        "housework",
        "humour",
        "hunger",
        "hydrogen",
        "ice",
        "importance",
        "inflation",
        "information",
        "innocence",
        "iron",
        "irony",
        "jam",
        "jewelry",
        "judo",
        "karate",
        "knowledge",
        "lack",
        "laughter",
        "lava",
        "leather",
        "leisure",
        "lightning",
        "linguine",
        "linguini",
        "linguistics",
        "literature",
        "litter",
        "livestock",
        "logic",
        "loneliness",
        "luck",
        "luggage",
        "macaroni",
        "machinery",
        "magic",
        "management",
        "mankind",
        "marble",
        "mathematics",
        "mayonnaise",
        "measles",
        "methane",
        "milk",
        "money",
        "mud",
        "music",
        "mumps",
        "nature",
        "news",
        "nitrogen",
        "nonsense",
        "nurture",
        "nutrition",
        "obedience",
        "obesity",
        "oxygen",
        "pasta",
        "patience",
        "physics",
        "poetry",
        "pollution",
        "poverty",
        "pride",
        "psychology",
        "publicity",
        "punctuation",
        "quartz",
        "racism",
        "relaxation",
        "reliability",
        "research",
        "respect",
        "revenge",
        "rice",
        "rubbish",
        "rum",
        "safety",
        "scenery",
        "seafood",
        "seaside",
        "series",
        "shame",
        "sheep",
        "shopping",
        "sleep",
        "smoke",
        "smoking",
        "snow",
        "soap",
        "software",
        "soil",
        "spaghetti",
        "species",
        "steam",
        "stuff",
        "stupidity",
        "sunshine",
        "symmetry",
        "tennis",
        "thirst",
        "thunder",
        "timber",
        "traffic",
        "transportation",
        "trust",
        "underwear",
        "unemployment",
        "unity",
        "validity",
        "veal",
        "vegetation",
        "vegetarianism",
        "vengeance",
        "violence",
        "vitality",
        "warmth",
        "wealth",
        "weather",
        "welfare",
        "wheat",
        "wildlife",
        "wisdom",
        "yoga",
        "zinc",
        "zoology",
    ]
)
_IRREGULAR = {
    "ox": "oxen",
    "man": "men",
    "woman": "women",
    "die": "dice",
    "yes": "yeses",
    "foot": "feet",
    "eave": "eaves",
    "goose": "geese",
    "tooth": "teeth",
    "quiz": "quizzes",
}
# (pattern, suffix): the first group of the first matching pattern, plus the suffix. Tried in this order.
_PLURAL_RULES = [
    (re.compile(pattern), suffix)
    for pattern, suffix in (
        (r"^(\w*eaux)$", ""),
        (r"^(\w*(child))(?:ren)?$", "ren"),
        (r"^(\w*(pe))(?:rson|ople)$", "ople"),
        (r"^(\w*(m|l))(?:ice|ouse)$", "ice"),
        (r"^(\w*(matr|cod|mur|sil|vert|ind|append))(?:ix|ex)$", "ices"),
        (r"^(\w*(x|ch|ss|sh|zz))$", "es"),
        (r"^(\w*(x|ch|ss|sh|zz)es)$", ""),
        (r"^(\w*([^ch][ieo][ln]))ey$", "ies"),
        (r"^(\w*([^aeiouy]|qu))y$", "ies"),
        (r"^(\w*(ar|l|ea|eo|oa|hoo))f$", "ves"),
        (r"^(\w*(kni|wi|li))fe$", "ves"),
        (r"^(\w*)sis$", "ses"),
        (
            r"^(\w*(apheli|hyperbat|periheli|asyndet|noumen|phenomen|criteri|organ|prolegomen|hedr|automat))"
            r"(?:a|on)$",
            "a",
        ),
        (
            r"^(\w*(agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|candelabr|errat|ov|symposi|curricul"
            r"|automat|quor))(?:a|um)$",
            "a",
        ),
        (r"^(\w*(her|at|gr))o$", "oes"),
        (r"^(\w*(seraph|cherub))(?:im)?$", "im"),
        (r"^(\w*(alumn|alg|vertebr))(?:a|ae)$", "ae"),
        (
            r"^(\w*(alumn|syllab|octop|vir|radi|nucle|fung|cact|stimul|termin|bacill|foc|uter|loc|strat))(?:us|i)$",
            "i",
        ),
        (r"^(\w*([^l]ias|[aeiou]las|[emjzr]as|[iu]am))$", ""),
        (r"^(\w*(e[mn]u))s?$", "s"),
        (r"^(\w*(alias|[^aou]us|tlas|gas|ris))$", "es"),
        (r"^(\w*(ax|test))is$", "es"),
        (r"^(\w*([^aeiou]ese))$", ""),
        (r"^(\w*)s$", "s"),
    )
]


def to_plural(word: str) -> str:
    """English plural the way Prisma names added list relation fields (``category`` → ``categories``)."""
    if word in _UNCOUNTABLE:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for pattern, suffix in _PLURAL_RULES:
        m = pattern.match(word)
        if m:
            return m.group(1) + suffix
    return word + "s"
