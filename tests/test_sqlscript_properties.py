"""Properties of the one SQL scanner (nexo/db/sqlscript.py): what is split comes back as written, with
the right lines and offsets, whatever hides a semicolon; both callers (the Prisma runner's split and the
SQL layer's psql rules) share it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nexo.db.sqlscript import Statement, line_of_offset, split_statements
from nexo.sqllayer.script import statements

# pieces of statement text; those with ';' or newlines hide them from the scanner
ATOMS = st.sampled_from(
    [
        "x",
        "1",
        "t.col",
        "'a;b'",
        "'it''s; ok'",
        "E'it\\'s;'",
        "e'\\\\;'",
        '"we;ird"',
        '"a""b;"',
        "$$ SELECT 1; $$",
        "$body$ a; $b$ ; $body$",
        "$é$ ; $é$",
        "$_ü1$;$_ü1$",
        "/* ; */",
        "/* a /* nested ; */ still ; */",
        "-- trailing ; comment\n",
        "\n",
        "(1, 2)",
        "a$b",
    ]
)
# bodies that hold a ';' only psql's rules keep together
PSQL_ONLY = st.sampled_from(
    [
        "(NOTIFY a; NOTIFY b)",
        "((SELECT 1); SELECT 2)",
        "BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END",
    ]
)


def statement_texts(extra: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[str]:
    atoms = ATOMS if extra is None else st.one_of(ATOMS, extra)
    return st.lists(atoms, max_size=6).map(lambda parts: " ".join(["SELECT", *parts, "END"]))


SEPARATORS = st.sampled_from([";", ";\n", " ;\n\n", ";-- c ; d\n", "; /* x; /* y */ */\n", ";\n;\n"])


def build(texts: list[str], seps: list[str], lead: str) -> tuple[str, list[int]]:
    script, offsets = lead, []
    for text, sep in zip(texts, seps, strict=True):
        offsets.append(len(script))
        script += text + sep
    return script, offsets


def check(found: list[Statement], script: str, texts: list[str], offsets: list[int]) -> None:
    assert [s.text for s in found] == texts
    assert [s.offset for s in found] == offsets
    for s in found:
        assert s.line == script[: s.offset].count("\n") + 1 == line_of_offset(script, s.offset)
        assert script[s.offset :].startswith(s.text)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_statements_round_trip_with_lines_and_offsets(data: st.DataObject) -> None:
    texts = data.draw(st.lists(statement_texts(), min_size=1, max_size=8))
    seps = data.draw(st.lists(SEPARATORS, min_size=len(texts), max_size=len(texts)))
    lead = data.draw(st.sampled_from(["", "\n\n", "-- header; x\n", "/* a; /* b; */ */\n  "]))
    script, offsets = build(texts, seps, lead)
    check(split_statements(script), script, texts, offsets)
    # the SQL layer's split is the same scanner: without parentheses or routine bodies, the same result
    check(statements(script), script, texts, offsets)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_psql_rules_keep_parentheses_and_atomic_bodies_whole(data: st.DataObject) -> None:
    texts = [
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql " + t if "ATOMIC" in t else t
        for t in data.draw(st.lists(statement_texts(PSQL_ONLY), min_size=1, max_size=6))
    ]
    seps = data.draw(st.lists(SEPARATORS, min_size=len(texts), max_size=len(texts)))
    script, offsets = build(texts, seps, "")
    check(statements(script), script, texts, offsets)
    # without psql's rules, every statement with such a body is cut at its inner semicolons
    cut = sum(t.count("(NOTIFY a;") + t.count("(SELECT 1);") + 2 * t.count("ATOMIC") for t in texts)
    assert len(split_statements(script)) == len(texts) + cut


def test_unterminated_quotes_and_comments_run_to_the_end():
    for tail in ("'a; b", "E'a\\'; b", '"a; b', "$x$ a; b", "/* a /* b */ ; c"):
        script = f"SELECT 1;\nSELECT {tail}"
        found = split_statements(script)
        assert [(s.text, s.line) for s in found] == [("SELECT 1", 1), (f"SELECT {tail}", 2)]


def test_the_sql_layer_split_understands_nested_comments_and_unicode_dollar_tags():
    script = (
        "/* outer ( /* inner ; */ still ; */\n"
        "CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b);\n"
        "CREATE FUNCTION f() RETURNS text AS $ü$ SELECT ')'; $ü$ LANGUAGE sql;\n"
        "SELECT 1;\n"
    )
    found = statements(script)
    assert [(s.line, s.text.split()[0]) for s in found] == [(2, "CREATE"), (3, "CREATE"), (4, "SELECT")]
    assert found[1].text.endswith("$ü$ LANGUAGE sql")


def test_many_statements_keep_their_lines():
    script = "".join(f"INSERT INTO t VALUES ({k}, 'a;\nb');\n" for k in range(20_000))
    found = split_statements(script)
    assert len(found) == 20_000
    assert [s.line for s in found[:3]] == [1, 3, 5]
    assert found[-1].line == 2 * 20_000 - 1
    assert all(s.line == 2 * k + 1 for k, s in enumerate(found))
