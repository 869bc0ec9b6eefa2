"""Fuzzing the schema front end: any input gives a model or diagnostics, never a Python exception.

Inputs are random text, soups of schema tokens, and mutations of the corpus schemas (a token deleted or
repeated, a piece of text inserted, lines swapped, the file cut short). For each one:

- validation returns either a schema or at least one diagnostic (P1012) whose span lies inside the
  text, and the report renders;
- a valid schema also yields its relational model;
- formatting either succeeds or refuses with a :class:`~nexo.psl.errors.PslError` (the diagnostics),
  and the formatted text of a valid schema is still valid and means the same;
- ``nexo format``/``nexo validate``'s functions behave the same way on files.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from corpus_util import INVALID, VALID, sources
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from nexo.psl import PslError, validate_sources
from nexo.psl.commands import format_command, validate_command
from nexo.psl.format import format_sources
from nexo.schema import relational_model

# NEXO_FUZZ_EXAMPLES=5000 pytest tests/psl/test_fuzz.py   runs a longer session
EXAMPLES = int(os.environ.get("NEXO_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[A-Za-z0-9_]+|\s+|.', re.S)
CORPUS_TEXTS = [text for case in VALID + INVALID for _name, text in sources(case)]

VOCABULARY = [
    "model",
    "enum",
    "view",
    "type",
    "datasource",
    "generator",
    "db",
    "User",
    "Post",
    "id",
    "email",
    "Int",
    "String",
    "Boolean",
    "DateTime",
    "Json",
    "Bytes",
    "Decimal",
    "BigInt",
    "Float",
    "Unsupported",
    "@id",
    "@@id",
    "@unique",
    "@@unique",
    "@@index",
    "@default",
    "@map",
    "@@map",
    "@relation",
    "@updatedAt",
    "@ignore",
    "@@ignore",
    "@db.VarChar",
    "@db.Uuid",
    "@@schema",
    "@@fulltext",
    "fields:",
    "references:",
    "onDelete:",
    "Cascade",
    "SetNull",
    "map:",
    "name:",
    "sort:",
    "Desc",
    "ops:",
    "type:",
    "Gin",
    "Brin",
    "autoincrement()",
    "now()",
    "uuid(7)",
    "cuid(2)",
    "nanoid()",
    'dbgenerated("x")',
    'env("DATABASE_URL")',
    "provider",
    "url",
    "=",
    '"postgresql"',
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "?",
    "[]",
    "!",
    ".",
    "//",
    "///",
    '"',
    "\\",
    "\\u",
    "42",
    "-1.5",
    "true",
    "[a, b]",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\u00a0",
    "é",
    "😀",
]


def check_validation(files: list[tuple[str, str]]) -> None:
    result = validate_sources(files)
    texts = dict(files)
    if result.schema is not None:
        assert result.diagnostics == []
        db = relational_model(result.schema)
        assert len(db.tables) >= 0
    else:
        assert result.diagnostics, "an invalid schema must say why"
    for d in result.diagnostics:
        assert d.code == "P1012"
        assert d.message
        assert d.file in texts
        assert 0 <= d.span.start <= d.span.end <= len(texts[d.file])
        assert d.line >= 1 and d.column >= 1
    report = result.render()
    assert report.endswith(f"Validation Error Count: {len(result.diagnostics)}")


def check_format(files: list[tuple[str, str]]) -> None:
    try:
        formatted = format_sources(dict(files))
    except PslError as exc:
        assert exc.diagnostics and exc.code == "P1012"
        str(exc)
        return
    assert set(formatted) == {name for name, _ in files}
    before = validate_sources(files)
    if before.ok:
        after = validate_sources(list(formatted.items()))
        assert after.ok, after.render()
        assert [m.name for m in after.schema.models] == [m.name for m in before.schema.models]  # type: ignore[union-attr]


def mutate(text: str, data: st.DataObject) -> str:
    tokens = _TOKEN.findall(text)
    if not tokens:
        return text
    kind = data.draw(st.sampled_from(["delete", "repeat", "insert", "truncate", "swap_lines", "replace"]))
    i = data.draw(st.integers(0, len(tokens) - 1))
    if kind == "delete":
        n = data.draw(st.integers(1, 3))
        del tokens[i : i + n]
    elif kind == "repeat":
        tokens.insert(i, tokens[i])
    elif kind == "insert":
        tokens.insert(i, data.draw(st.sampled_from(VOCABULARY)))
    elif kind == "replace":
        tokens[i] = data.draw(st.sampled_from(VOCABULARY))
    elif kind == "truncate":
        return text[: data.draw(st.integers(0, len(text)))]
    else:
        lines = text.split("\n")
        a = data.draw(st.integers(0, len(lines) - 1))
        b = data.draw(st.integers(0, len(lines) - 1))
        lines[a], lines[b] = lines[b], lines[a]
        return "\n".join(lines)
    return "".join(tokens)


@FUZZ
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_random_text(text: str) -> None:
    check_validation([("schema.prisma", text)])
    check_format([("schema.prisma", text)])


@FUZZ
@given(st.lists(st.sampled_from(VOCABULARY), max_size=80))
def test_token_soup(tokens: list[str]) -> None:
    text = "".join(tokens)
    check_validation([("schema.prisma", text)])
    check_format([("schema.prisma", text)])


@FUZZ
@given(st.data())
def test_mutated_corpus_schemas(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(CORPUS_TEXTS))
    for _ in range(data.draw(st.integers(1, 3))):
        text = mutate(text, data)
    check_validation([("schema.prisma", text)])
    check_format([("schema.prisma", text)])


@FUZZ
@given(st.data())
def test_mutated_multi_file_schemas(data: st.DataObject) -> None:
    files = [(f"part{i}.prisma", data.draw(st.sampled_from(CORPUS_TEXTS))) for i in range(data.draw(st.integers(2, 3)))]
    k = data.draw(st.integers(0, len(files) - 1))
    files[k] = (files[k][0], mutate(files[k][1], data))
    check_validation(files)
    check_format(files)


@FUZZ
@given(st.data())
def test_deeply_nested_and_long_input(data: st.DataObject) -> None:
    depth = data.draw(st.integers(1, 3000))
    opener = data.draw(st.sampled_from(["[", "f(", "(", "{"]))
    text = "model A {\n  id Int @id @default(" + opener * depth + "\n}\n"
    check_validation([("schema.prisma", text)])
    check_format([("schema.prisma", text)])
    long_line = "model B {\n  id Int @id" + ' @map("x")' * data.draw(st.integers(1, 500)) + "\n}\n"
    check_validation([("schema.prisma", long_line)])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_commands_on_files(tmp_path_factory, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    text = mutate(data.draw(st.sampled_from(CORPUS_TEXTS)), data)
    assume("\r" not in text)
    folder: Path = tmp_path_factory.mktemp("fuzz")
    path = folder / "schema.prisma"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    report = validate_command(path)
    assert report.ok == report.result.ok
    report.text()
    try:
        format_command(path, check=True)
        format_command(path)
    except PslError as exc:
        assert exc.diagnostics
        assert path.read_bytes() == text.encode("utf-8", "surrogatepass")  # refused: untouched


def _tree(text: str, fast: bool) -> tuple[object, list[object]]:
    from nexo.psl.parser import Parser

    p = Parser(text, "schema.prisma", fast=fast)
    tree = p.parse()
    return repr(tree.items), [(d.message, d.span) for d in p.diagnostics]


def test_fast_reader_builds_the_same_tree_on_the_corpus() -> None:
    """The parser's regular-expression shortcuts give exactly the general reader's tree and errors."""
    for text in CORPUS_TEXTS:
        assert _tree(text, True) == _tree(text, False)


@FUZZ
@given(st.data())
def test_fast_reader_builds_the_same_tree_on_mutations(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(CORPUS_TEXTS))
    for _ in range(data.draw(st.integers(1, 3))):
        text = mutate(text, data)
    assert _tree(text, True) == _tree(text, False)


# Attribute argument lists of every shape the fast reader handles or must hand over to the general one:
# nesting, blanks (Unicode ones too), names with and without values, escapes, trailing commas, stray brackets.
_BLANK = st.sampled_from(["", " ", "  ", "\t", "\u00a0"])
_SCALAR = st.sampled_from(
    [
        '"x"',
        '"a b"',
        '""',
        '"q\\"q"',
        '"\\u00e9"',
        '"bad\\q"',
        "12",
        "-1.5",
        "7.",
        "1abc",
        "-x",
        "Cascade",
        "db.Uuid",
        "a..b",
        "a.",
        "true",
        ")",
        "]",
        ",",
        ":",
        "(",
        "[",
    ]
)
_NAME = st.sampled_from(["map", "name", "fields", "sort", "ops", "a1", "x-y", "1"])


def _list_of(items: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``items`` joined by commas, with blanks around them and maybe a trailing comma."""
    return st.builds(
        lambda b1, parts, seps, trail, b2: b1 + "".join(p + s for p, s in zip(parts, seps))[:-1] + trail + b2,
        _BLANK,
        st.lists(items, max_size=4),
        st.lists(st.sampled_from([",", ", ", " ,", ",\t"]), min_size=4, max_size=4),
        st.sampled_from(["", ",", ", "]),
        _BLANK,
    )


def _expressions(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    arrays = _list_of(children).map(lambda inner: "[" + inner + "]")
    calls = st.builds(
        lambda name, blank, inner: name + blank + "(" + inner + ")",
        st.sampled_from(["now", "f", "dbgenerated", "x.y", "raw"]),
        _BLANK,
        _list_of(_arguments(children)),
    )
    return st.one_of(arrays, calls)


def _arguments(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    named = st.builds(lambda n, b1, b2, v: n + b1 + ":" + b2 + v, _NAME, _BLANK, _BLANK, st.one_of(values, st.just("")))
    return st.one_of(values, named)


_VALUES = st.recursive(_SCALAR, _expressions, max_leaves=10)
_ATTRIBUTE = st.builds(
    lambda at, blank1, name, blank2, args: at + blank1 + name + blank2 + "(" + args + ")",
    st.sampled_from(["@", "@@"]),
    st.sampled_from(["", "", " "]),
    st.sampled_from(["default", "relation", "db.Decimal", "index", "x"]),
    _BLANK,
    _list_of(_arguments(_VALUES)),
)


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "  f String ", "  g Int? "]), _ATTRIBUTE, st.sampled_from(["", " @id", " // c", " x"])
        ),
        min_size=1,
        max_size=6,
    )
)
def test_fast_reader_builds_the_same_tree_on_argument_lists(lines: list[tuple[str, str, str]]) -> None:
    """Argument lists read by the fast reader give the general reader's tree and errors, whatever they hold."""
    text = "model A {\n" + "\n".join(head + attr + tail for head, attr, tail in lines) + "\n}\n"
    assert _tree(text, True) == _tree(text, False)


# Validation has fast paths too (``FAST_CHECK`` flags): the usual case handled in one pass. With and
# without them, every schema gets the same diagnostics (message and span, in order) and the same model.
def _validated(files: list[tuple[str, str]], fast: bool) -> tuple[object, list[object]]:
    from nexo.psl import attrargs

    saved = attrargs.FAST_CHECK
    attrargs.FAST_CHECK = fast
    try:
        result = validate_sources(files)
    finally:
        attrargs.FAST_CHECK = saved
    return result.schema, [(d.message, d.span) for d in result.diagnostics]


def test_fast_checks_give_the_same_result_on_the_corpus() -> None:
    for case in VALID + INVALID:
        files = sources(case)
        assert _validated(files, True) == _validated(files, False)


@FUZZ
@given(st.data())
def test_fast_checks_give_the_same_result_on_mutations(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(CORPUS_TEXTS))
    for _ in range(data.draw(st.integers(1, 3))):
        text = mutate(text, data)
    files = [("schema.prisma", text)]
    assert _validated(files, True) == _validated(files, False)


# Values that read (so that the lines parse and the checks get to see them): calls and arrays of every
# shape, named arguments without a value, trailing commas.
_READABLE = st.recursive(
    st.sampled_from(['"x"', '""', "12", "-1.5", "Cascade", "db.Uuid", "true", "id", "bId"]), _expressions, max_leaves=6
)
_FIELD_ATTRIBUTE = st.builds(
    lambda name, blank, args: "@" + name + blank + "(" + args + ")",
    st.sampled_from(["default", "relation", "unique", "id", "map", "db.VarChar", "x"]),
    _BLANK,
    _list_of(_arguments(_READABLE)),
)
_BLOCK_ATTRIBUTE = st.builds(
    lambda name, args: "@@" + name + "(" + args + ")",
    st.sampled_from(["index", "unique", "id", "map", "fulltext", "x"]),
    _list_of(_arguments(_READABLE)),
)


@FUZZ
@given(
    st.lists(_FIELD_ATTRIBUTE, max_size=3),
    st.lists(_FIELD_ATTRIBUTE, max_size=3),
    st.lists(_BLOCK_ATTRIBUTE, max_size=3),
)
@example(["@default(f(map:))"], [], [])
@example(["@default(f(a, b,))"], [], [])
@example(["@default(f([g(sort:)]))"], [], [])
@example([], ['@relation(name: "x", "y")', "@map(a, a)"], ["@@index([a(sort:), b], map:)"])
@example(['@unique(map: "x", map: "y")'], [], ['@@unique([id], name: "n",)'])
def test_fast_checks_give_the_same_result_on_argument_lists(
    on_id: list[str], on_ref: list[str], block: list[str]
) -> None:
    """Attributes with argument lists of every shape: the fast check hands what it does not handle to the full one."""
    text = (
        'datasource db {\n  provider = "postgresql"\n  url = env("U")\n}\n\n'
        "model A {\n  id Int @id " + " ".join(on_id) + "\n  bId Int\n  b B @relation(fields: [bId], "
        "references: [id]) " + " ".join(on_ref) + "\n" + "".join("  " + a + "\n" for a in block) + "}\n\n"
        "model B {\n  id Int @id\n  a A[]\n}\n"
    )
    files = [("schema.prisma", text)]
    assert _validated(files, True) == _validated(files, False)
