from nexo.db.sqlscript import is_transaction_control, non_transactional, split_statements


def test_split_keeps_semicolons_inside_strings_comments_and_bodies():
    script = (
        "-- header; not a statement\n"
        "CREATE TABLE a (x text DEFAULT 'a;b');\n"
        "/* block ; /* nested ; */ still */\n"
        "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n"
        'SELECT "we;ird" FROM a;\n'
        "SELECT E'it\\'s;';\n"
        "DO $$ BEGIN PERFORM 1; END $$;\n"
        "  -- trailing comment only\n"
    )
    stmts = split_statements(script)
    assert [s.line for s in stmts] == [2, 4, 5, 6, 7]
    assert stmts[0].text == "CREATE TABLE a (x text DEFAULT 'a;b')"
    assert stmts[1].text.endswith("$body$ LANGUAGE sql")
    assert stmts[3].text == "SELECT E'it\\'s;'"
    assert stmts[4].text == "DO $$ BEGIN PERFORM 1; END $$"


def test_last_statement_without_semicolon_and_offsets():
    script = "SELECT 1;\n\nSELECT 2"
    stmts = split_statements(script)
    assert [(s.text, s.line, s.offset) for s in stmts] == [("SELECT 1", 1, 0), ("SELECT 2", 3, 11)]


def test_non_transactional_detection():
    assert non_transactional("CREATE INDEX CONCURRENTLY i ON t (x)") == "CREATE INDEX CONCURRENTLY"
    assert non_transactional("-- c\ncreate unique index concurrently i on t (x)") == "CREATE INDEX CONCURRENTLY"
    assert non_transactional("VACUUM ANALYZE t") == "VACUUM"
    assert non_transactional("CREATE INDEX i ON t (x)") is None
    assert non_transactional("SELECT 'VACUUM'") is None


def test_transaction_control():
    assert is_transaction_control("BEGIN")
    assert is_transaction_control("commit")
    assert not is_transaction_control("BEGIN ATOMIC SELECT 1; END")
    assert not is_transaction_control("SELECT 1")
