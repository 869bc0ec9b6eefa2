"""``nexo format``: golden cases produced by the real ``prisma format`` 6.19, idempotence, file handling,
relation repair, and a property test that formatting never changes what a schema says.

The golden files live in ``tests/psl/format_cases``: ``<name>.input.prisma`` is what a person wrote,
``<name>.expected.prisma`` is what ``prisma format`` made of it (``<name>.input/`` and
``<name>.expected/`` for a multi-file schema folder). ``test_format_oracle.py`` re-checks them
against the CLI; ``python tests/psl/test_format_oracle.py`` regenerates them.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nexo.psl import ast as A
from nexo.psl import parse
from nexo.psl.commands import FormatResult, format_command
from nexo.psl.errors import PslError
from nexo.psl.format import (
    FormatError,
    camel_case,
    format_path,
    format_source,
    format_sources,
    to_plural,
)

CASES = Path(__file__).parent / "format_cases"
REPO_SCHEMA = Path(__file__).resolve().parents[2] / "schema.prisma"
FILE_CASES = sorted(p.name[: -len(".input.prisma")] for p in CASES.glob("*.input.prisma"))
FOLDER_CASES = sorted(p.name[: -len(".input")] for p in CASES.glob("*.input") if p.is_dir())


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _folder(path: Path) -> dict[str, str]:
    return {f.relative_to(path).as_posix(): _read(f) for f in sorted(path.rglob("*.prisma"))}


# --------------------------------------------------------------------------- golden cases


def test_corpus_is_there() -> None:
    assert len(FILE_CASES) >= 30
    for name in FILE_CASES:
        assert (CASES / f"{name}.expected.prisma").is_file(), name


@pytest.mark.parametrize("name", FILE_CASES)
def test_golden_case(name: str) -> None:
    source = _read(CASES / f"{name}.input.prisma")
    expected = _read(CASES / f"{name}.expected.prisma")
    assert format_source(source) == expected


def _leading_blank_in_block(text: str) -> bool:
    """Prisma's one non-idempotent layout: a block that starts with block attributes followed by a
    blank line and fields keeps that blank line at its top (``{`` then an empty line); formatting the
    result again removes it. (A block holding only block attributes also starts with a blank line;
    that one is stable.)"""
    return _QUIRK.search(text) is not None


_QUIRK = re.compile(r"\{\n\n(?:  //[^\n]*\n)*+(?!  @@)")


@pytest.mark.parametrize("name", FILE_CASES)
def test_formatting_is_idempotent(name: str) -> None:
    once = format_source(_read(CASES / f"{name}.input.prisma"))
    twice = format_source(once)
    if _leading_blank_in_block(once):
        assert twice == _QUIRK.sub(lambda m: m.group(0).replace("{\n\n", "{\n"), once)
        assert format_source(twice) == twice
    else:
        assert twice == once


def test_the_non_idempotent_case_is_covered() -> None:
    assert _leading_blank_in_block(_read(CASES / "attributes_first_quirk.expected.prisma"))


@pytest.mark.parametrize("name", FOLDER_CASES)
def test_golden_folder_case(name: str, tmp_path: Path) -> None:
    work = tmp_path / "schema"
    shutil.copytree(CASES / f"{name}.input", work)
    expected = _folder(CASES / f"{name}.expected")
    changed = format_path(work)
    assert _folder(work) == expected
    assert {p.relative_to(work).as_posix() for p in changed} == {
        rel for rel, text in _folder(CASES / f"{name}.input").items() if expected[rel] != text
    }
    assert format_path(work, check=True) == []


def test_repo_schema_is_formatted() -> None:
    text = _read(REPO_SCHEMA)
    assert format_source(text) == text
    assert format_path(REPO_SCHEMA, check=True) == []


# --------------------------------------------------------------------------- specific behaviour

HEADER = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\n'


def test_alignment_groups_and_comments() -> None:
    src = HEADER + "model A {\n  id Int @id\n  // note\n  longName String?\n\n  x Int\n}\n"
    assert format_source(src) == HEADER + (
        "model A {\n  id       Int     @id\n  // note\n  longName String?\n\n  x Int\n}\n"
    )


def test_block_attributes_go_last_sorted_with_their_comments() -> None:
    src = HEADER + 'model A {\n  a Int\n  @@map("t")\n  // the key\n  @@id([a])\n  b Int\n}\n'
    assert format_source(src) == HEADER + (
        'model A {\n  a Int\n  b Int\n\n  // the key\n  @@id([a])\n  @@map("t")\n}\n'
    )


def test_field_attributes_are_sorted() -> None:
    src = HEADER + 'model A {\n  id String @db.Uuid @map("x") @default(uuid()) @id\n}\n'
    assert format_source(src) == HEADER + 'model A {\n  id String @id @default(uuid()) @map("x") @db.Uuid\n}\n'


def test_crlf_and_tabs_become_canonical() -> None:
    src = HEADER.replace("\n", "\r\n") + "model A {\r\n\tid\tInt\t@id\r\n}\r\n"
    assert format_source(src) == HEADER + "model A {\n  id Int @id\n}\n"


def test_syntax_error_refuses_with_diagnostics(tmp_path: Path) -> None:
    bad = HEADER + "model A {\n  id Int @id\n  this is not a field !!\n}\n"
    with pytest.raises(FormatError) as info:
        format_source(bad)
    assert info.value.code == "P1012"
    assert info.value.line == 8
    assert "not a valid field or attribute definition" in str(info.value)
    path = tmp_path / "schema.prisma"
    path.write_text(bad)
    with pytest.raises(FormatError):
        format_path(path)
    assert path.read_text() == bad  # untouched


def test_multi_file_refuses_when_any_file_is_broken(tmp_path: Path) -> None:
    (tmp_path / "a.prisma").write_text("model A {\nid Int @id\n}\n")
    (tmp_path / "b.prisma").write_text("model B {\n  id Int @id\n  ??\n}\n")
    with pytest.raises(FormatError) as info:
        format_path(tmp_path)
    assert info.value.file == str(tmp_path / "b.prisma")
    assert (tmp_path / "a.prisma").read_text() == "model A {\nid Int @id\n}\n"


def test_format_path_check_and_write(tmp_path: Path) -> None:
    path = tmp_path / "schema.prisma"
    messy = HEADER + "model A {\nid Int @id\n}\n"
    path.write_text(messy)
    assert format_path(path, check=True) == [path]
    assert path.read_text() == messy
    assert format_path(path) == [path]
    assert path.read_text() == HEADER + "model A {\n  id Int @id\n}\n"
    assert format_path(path) == []


def test_format_path_sees_crlf_as_a_change(tmp_path: Path) -> None:
    path = tmp_path / "schema.prisma"
    path.write_bytes((HEADER + "model A {\n  id Int @id\n}\n").replace("\n", "\r\n").encode())
    assert format_path(path, check=True) == [path]
    format_path(path)
    assert b"\r" not in path.read_bytes()


def test_format_command_result(tmp_path: Path) -> None:
    path = tmp_path / "schema.prisma"
    path.write_text(HEADER + "model A {\nid Int @id\n}\n")
    result = format_command(path, check=True)
    assert isinstance(result, FormatResult)
    assert result.changed and result.changed_files == [path]
    assert format_command(path, check=False).changed_files == [path]
    assert format_command(path, check=True).changed_files == []
    with pytest.raises(PslError, match="does not exist"):
        format_command(tmp_path / "missing.prisma", check=True)


def test_relation_repair_across_files() -> None:
    out = format_sources(
        {
            "a.prisma": HEADER + "model User {\n  id Int @id\n}\n",
            "b.prisma": "model Post {\n  id Int @id\n  authorId Int\n"
            "  author User @relation(fields: [authorId], references: [id])\n}\n",
        }
    )
    assert "  posts Post[]\n" in out["a.prisma"]
    assert "posts" not in out["b.prisma"]


def test_no_relation_repair_when_types_do_not_resolve() -> None:
    src = (
        HEADER
        + "model Post {\n  id Int @id\n  author User @relation(fields: [a], references: [id])\n  a Int\n  x Strng\n}\n"
    )
    assert "posts" not in format_source(src)


@pytest.mark.parametrize(
    ("name", "camel", "plural"),
    [
        ("Post", "post", "posts"),
        ("UserProfile", "userProfile", "userProfiles"),
        ("user_account", "userAccount", "userAccounts"),
        ("HTTPRequest", "httprequest", "httprequests"),
        ("Category", "category", "categories"),
        ("Person", "person", "people"),
        ("Mouse", "mouse", "mice"),
        ("Sheep", "sheep", "sheep"),
        ("Analysis", "analysis", "analyses"),
        ("Model2go", "model2Go", "model2Gos"),
    ],
)
def test_relation_field_naming(name: str, camel: str, plural: str) -> None:
    assert camel_case(name) == camel
    assert to_plural(camel) == plural


# --------------------------------------------------------------------------- property: meaning is kept

_KEYWORDS = {"model", "enum", "view", "type", "datasource", "generator"}
ident = st.from_regex(r"[a-z][a-zA-Z0-9_]{0,10}", fullmatch=True).filter(lambda s: s not in _KEYWORDS)
type_ident = st.from_regex(r"[A-Z][a-zA-Z0-9]{0,8}", fullmatch=True)
sp = st.sampled_from(["", " ", "  ", "\t"])
sp1 = st.sampled_from([" ", "  ", "\t", " \t "])
comment_text = st.text(alphabet="abc XYZ-#*!é☕ ", max_size=12)


@st.composite
def expression(draw: st.DrawFn, depth: int = 0) -> str:
    kinds = ["string", "number", "const", "call"] + (["array"] if depth < 2 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "string":
        return '"' + draw(st.text(alphabet="ab c,()[]:", max_size=6)) + '"'
    if kind == "number":
        return draw(st.sampled_from(["0", "12", "-3", "1.50"]))
    if kind == "const":
        return draw(st.sampled_from(["true", "Desc", "Cascade", "a", "b"]))
    if kind == "call":
        fn = draw(st.sampled_from(["now", "uuid", "autoincrement", "dbgenerated", "env"]))
        args = draw(st.lists(expression(depth + 1), max_size=1 if depth else 2))
        return f"{fn}({draw(sp)}" + f"{draw(sp)},{draw(sp)}".join(args) + f"{draw(sp)})"
    items = draw(st.lists(expression(depth + 1), max_size=3))
    return "[" + draw(sp) + f",{draw(sp)}".join(items) + draw(sp) + "]"


@st.composite
def arguments(draw: st.DrawFn) -> str:
    args = []
    for _ in range(draw(st.integers(0, 3))):
        value = draw(expression())
        if draw(st.booleans()):
            value = draw(st.sampled_from(["map", "name", "sort", "type"])) + draw(sp) + ":" + draw(sp) + value
        args.append(value)
    return "(" + draw(sp) + f"{draw(sp)},{draw(sp)}".join(args) + draw(sp) + ")"


@st.composite
def attribute(draw: st.DrawFn, block: bool) -> str:
    names = (
        ["map", "index", "unique", "id", "ignore", "schema", "fulltext"]
        if block
        else ["id", "unique", "default", "map", "updatedAt", "ignore", "db.VarChar", "db.Uuid", "relation"]
    )
    text = ("@@" if block else "@") + draw(st.sampled_from(names))
    if draw(st.booleans()):
        text += draw(arguments())
    return text


@st.composite
def trailing(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return ""
    return draw(sp) + draw(st.sampled_from(["//", "///"])) + draw(comment_text)


@st.composite
def model_line(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["field", "field", "field", "attr", "comment", "blank"]))
    indent = draw(st.sampled_from(["", "  ", "\t", "    "]))
    if kind == "blank":
        return draw(sp)
    if kind == "comment":
        return indent + draw(st.sampled_from(["//", "///"])) + draw(comment_text)
    if kind == "attr":
        return indent + draw(attribute(True)) + draw(trailing())
    ftype = draw(st.sampled_from(["Int", "String", "Boolean", "DateTime", "Json", "Decimal", "Role"]))
    ftype += draw(st.sampled_from(["", "?", "[]"]))
    attrs = draw(st.lists(attribute(False), max_size=3))
    line = indent + draw(ident) + draw(sp1) + ftype
    for a in attrs:
        line += draw(sp1) + a
    return line + draw(trailing())


@st.composite
def schema_text(draw: st.DrawFn) -> str:
    blocks = ['datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}']
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["model", "view", "enum", "generator", "comment"]))
        name = draw(type_ident)
        if kind == "comment":
            blocks.append(draw(st.sampled_from(["//", "///"])) + draw(comment_text))
            continue
        if kind in ("model", "view"):
            lines = draw(st.lists(model_line(), min_size=1, max_size=8))
        elif kind == "enum":
            value = st.builds(
                lambda n, a, t: n.upper() + a + t,
                ident,
                st.sampled_from(["", ' @map("v")', '\t@map( "x" )']),
                trailing(),
            )
            lines = draw(
                st.lists(
                    st.one_of(value, st.just(""), st.just("  // c"), st.just('@@map("e")')), min_size=1, max_size=6
                )
            )
        else:
            prop = st.builds(lambda k, s, v, t: k + s + "=" + s + v + t, ident, sp, expression(), trailing())
            lines = draw(st.lists(st.one_of(prop, st.just(""), st.just("// c")), min_size=1, max_size=5))
        doc = draw(st.sampled_from(["", "/// doc\n", "// note\n"]))
        blocks.append(doc + f"{kind}{draw(sp1)}{name}{draw(sp1)}{{\n" + "\n".join(lines) + "\n}")
    sep = draw(st.sampled_from(["\n", "\n\n", "\n\n\n", "\n  \n"]))
    text = sep.join(blocks) + draw(st.sampled_from(["", "\n", "\n\n"]))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text


_POSITION_FIELDS = {
    "span",
    "name_span",
    "key_span",
    "close_span",
    "header_trailing",
    "raw",
    "start",
    "end",
    "src",
    "name_start",
    "name_end",
    "key_start",
    "key_end",
    "close_start",
}


def _plain(value: object) -> object:
    """A node without positions (comment text without trailing blanks), as nested tuples."""
    if isinstance(value, A.Comment):
        return ("Comment", value.kind, value.text.rstrip())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,) + tuple(
            (f.name, _plain(getattr(value, f.name)))
            for f in dataclasses.fields(value)
            if f.name not in _POSITION_FIELDS and f.name != "body"
        )
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    return value


def _meaning(tree: A.SchemaFile) -> list[object]:
    """What a file says: blocks in order; per block its entries in order (a field's attributes as a
    sorted multiset), its block attributes and its comments as sorted multisets. Blank lines do not
    count, nor which entry a comment sits above: Prisma moves block attributes (with the comments
    right above them) to the end of the block, so a ``///`` line that preceded a moved attribute can
    end up above the next field."""
    out: list[object] = []
    for item in tree.items:
        if isinstance(item, A.EmptyLine):
            continue
        if not isinstance(item, (A.Model, A.Enum, A.ConfigBlock)):
            out.append(_plain(item))
            continue
        entries, attributes, comments = [], [], []
        for member in item.body:
            if isinstance(member, A.EmptyLine):
                continue
            comments.extend(_plain(c) for c in getattr(member, "doc", []))
            if isinstance(member, A.Comment):
                comments.append(_plain(member))
                continue
            plain = {k: v for k, v in _plain(member)[1:] if k != "doc"}  # type: ignore[misc, index]
            if isinstance(member, A.Field):
                plain["attributes"] = tuple(sorted(plain["attributes"], key=repr))  # type: ignore[arg-type]
            row = (type(member).__name__, tuple(sorted(plain.items())))
            (attributes if isinstance(member, A.Attribute) else entries).append(row)
        out.append(
            (
                item.keyword,
                item.name,
                _plain(item.doc),
                tuple(entries),
                tuple(sorted(attributes, key=repr)),
                tuple(sorted(comments, key=repr)),
            )
        )
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema_text())
def test_formatting_keeps_the_meaning(text: str) -> None:
    tree, diagnostics = parse(text)
    if diagnostics:  # the generator can produce lines that do not parse; those are refused
        with pytest.raises(FormatError):
            format_source(text)
        return
    formatted = format_source(text)
    again, diagnostics2 = parse(formatted)
    assert diagnostics2 == []
    assert _meaning(again) == _meaning(tree)
    twice = format_source(formatted)
    if _leading_blank_in_block(formatted):
        assert twice == _QUIRK.sub(lambda m: m.group(0).replace("{\n\n", "{\n"), formatted)
        assert format_source(twice) == twice
    else:
        assert twice == formatted
    assert "\r" not in formatted and formatted.endswith("\n") and not formatted.endswith("\n\n")
