"""Discovery: names, numeric order, twins, directives, checksums (no database needed)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from nexo.db.sqlscript import Statement
from nexo.sqllayer import (
    DirectiveError,
    DuplicateVersionError,
    SqlFileNameError,
    TransactionSafetyError,
    checksum_bytes,
    discover,
    version_key,
)
from nexo.sqllayer.script import check_transaction_safety, statements, transaction_control


def test_versioned_files_are_ordered_by_numeric_version_and_repeatables_come_last(write, sql_dir: Path):
    for name in [
        "R__views.sql",
        "10_ten.sql",
        "2_two.sql",
        "1.5_one_and_a_half.sql",
        "R__functions.sql",
        "20260123_1800_initial_rls_setup.sql",
        "20260123_900_earlier_same_day.sql",
    ]:
        write(name, "SELECT 1;\n")
    write("README.md", "not sql")
    (sql_dir / "drafts").mkdir()
    files = discover(sql_dir)
    assert [f.script for f in files] == [
        "1.5_one_and_a_half.sql",
        "2_two.sql",
        "10_ten.sql",
        "20260123_900_earlier_same_day.sql",
        "20260123_1800_initial_rls_setup.sql",
        "R__functions.sql",
        "R__views.sql",
    ]
    rls = files[4]
    assert (rls.kind, rls.version, rls.name) == ("versioned", "20260123_1800", "initial_rls_setup")
    assert rls.description == "initial rls setup"
    assert [f.kind for f in files[-2:]] == ["repeatable", "repeatable"]
    assert files[-1].version is None and files[-1].name == "views"


def test_version_keys_compare_numerically_and_ignore_trailing_zeros():
    assert version_key("2") < version_key("10")
    assert version_key("1.0") == version_key("1") == version_key("1_0_0")
    assert version_key("20260123_1800") == (20260123, 1800)
    assert version_key("1.10") > version_key("1.9")


def test_name_starting_with_digits_after_the_version(write, sql_dir: Path):
    write("20260123_1800_2fa_tables.sql", "SELECT 1;")
    (f,) = discover(sql_dir)
    assert (f.version, f.name) == ("20260123_1800", "2fa_tables")


def test_rollback_twins_are_paired_and_not_listed(write, sql_dir: Path):
    write("1_create.sql", "CREATE TABLE t (x int);")
    down = write("1_create.down.sql", "-- nexo:no-transaction\nDROP TABLE t;")
    write("2_more.sql", "SELECT 1;")
    files = discover(sql_dir)
    assert [f.script for f in files] == ["1_create.sql", "2_more.sql"]
    assert files[0].down_path == down
    assert files[0].down is not None
    assert files[0].down.kind == "rollback"
    assert files[0].down.transactional is False
    assert files[0].down.checksum == checksum_bytes(down.read_bytes())
    assert files[1].down_path is None and files[1].down is None


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("create_tables.sql", "Expected one of"),
        ("V1__init.sql", "Flyway name; nexo's form is 1_init.sql"),
        ("20260101.sql", "needs a name after its version"),
        ("1_init.SQL", "lower-case '.sql'"),
        ("1_bad name.sql", "Expected one of"),
    ],
)
def test_unrecognised_sql_file_names_are_errors_naming_the_file_and_patterns(write, sql_dir: Path, name, hint):
    write("1_ok.sql", "SELECT 1;")
    write(name, "SELECT 1;")
    with pytest.raises(SqlFileNameError) as info:
        discover(sql_dir)
    err = info.value
    assert err.code == "NEXO_SQL_FILENAME"
    assert name in err.message and hint in err.message
    assert "R__<name>.sql" in err.message and "<version>_<name>.sql" in err.message
    assert err.file == str(sql_dir / name)


def test_orphan_twin_and_twin_of_repeatable_are_errors(write, sql_dir: Path):
    write("1_a.sql", "SELECT 1;")
    write("2_b.down.sql", "SELECT 1;")
    with pytest.raises(SqlFileNameError, match=r"2_b\.down\.sql has no versioned file 2_b\.sql"):
        discover(sql_dir)
    (sql_dir / "2_b.down.sql").unlink()
    write("R__v.down.sql", "SELECT 1;")
    with pytest.raises(SqlFileNameError, match="repeatable files have no rollback twins"):
        discover(sql_dir)


def test_duplicate_versions_name_both_files(write, sql_dir: Path):
    write("1_first.sql", "SELECT 1;")
    write("1.0_second.sql", "SELECT 2;")
    with pytest.raises(DuplicateVersionError) as info:
        discover(sql_dir)
    assert "1.0_second.sql" in info.value.message and "1_first.sql" in info.value.message
    assert info.value.code == "NEXO_SQL_DUPLICATE"


def test_directives_in_the_header(write, sql_dir: Path):
    write(
        "1_concurrent.sql",
        "-- Build the search index without locking writers\n--nexo:no-transaction\n"
        "-- nexo:schema-version 1.2.0\n\nCREATE INDEX CONCURRENTLY i ON t (x);\n",
    )
    write("2_plain.sql", "CREATE TABLE t2 (x int);\n-- a later comment\n")
    one, two = discover(sql_dir)
    assert one.transactional is False
    assert one.schema_version == "1.2.0"
    assert one.description == "Build the search index without locking writers"
    assert two.transactional is True and two.schema_version is None
    assert two.description == "plain"


@pytest.mark.parametrize(
    ("name", "text", "line", "message"),
    [
        ("1_a.sql", "-- nexo:no-transactions\nSELECT 1;", 1, "Unknown directive '-- nexo:no-transactions'"),
        ("1_a.sql", "SELECT 1;\n-- nexo:no-transaction\n", 2, "not among the file's leading comment lines"),
        ("1_a.sql", "-- nexo:schema-version one\nSELECT 1;", 1, "needs a semantic version like 1.2.0"),
        ("1_a.sql", "-- nexo:schema-version\nSELECT 1;", 1, "needs a semantic version"),
        ("1_a.sql", "-- nexo:no-transaction yes\nSELECT 1;", 1, "takes no value"),
        ("1_a.sql", "-- nexo:no-transaction\n-- nexo:no-transaction\nSELECT 1;", 2, "appears twice"),
        ("R__v.sql", "-- nexo:schema-version 1.0.0\nSELECT 1;", 1, "only allowed in versioned files"),
    ],
)
def test_bad_directives_are_errors_with_file_and_line(write, sql_dir: Path, name, text, line, message):
    write(name, text)
    with pytest.raises(DirectiveError) as info:
        discover(sql_dir)
    assert info.value.code == "NEXO_SQL_DIRECTIVE"
    assert message in info.value.message
    assert info.value.line == line
    assert info.value.file == str(sql_dir / name)


def test_schema_version_on_a_twin_is_refused(write, sql_dir: Path):
    write("1_a.sql", "-- nexo:schema-version 1.0.0\nSELECT 1;")
    write("1_a.down.sql", "-- nexo:schema-version 0.9.0\nSELECT 1;")
    with pytest.raises(DirectiveError, match="rollback file"):
        discover(sql_dir)


def test_schema_versions_must_not_go_backwards(write, sql_dir: Path):
    write("1_a.sql", "-- nexo:schema-version 1.1.0\nSELECT 1;")
    write("2_b.sql", "SELECT 1;")
    write("3_c.sql", "-- nexo:schema-version 1.0.9\nSELECT 1;")
    with pytest.raises(DirectiveError, match=r"declares schema version 1\.0\.9, lower than 1\.1\.0"):
        discover(sql_dir)


def test_checksum_is_sha256_of_lf_text_and_ignores_crlf_and_bom(write, sql_dir: Path):
    text = "CREATE TABLE t (x int);\nSELECT 1;\n"
    write("1_a.sql", text)
    (lf,) = discover(sql_dir)
    assert lf.checksum == hashlib.sha256(text.encode()).hexdigest()
    write("1_a.sql", text, crlf=True)
    (crlf,) = discover(sql_dir)
    assert crlf.checksum == lf.checksum
    assert "\r" not in crlf.text
    (sql_dir / "1_a.sql").write_bytes(b"\xef\xbb\xbf" + text.encode())
    (bom,) = discover(sql_dir)
    assert bom.checksum == lf.checksum and bom.text == text
    write("1_a.sql", text.replace("int", "bigint"))
    (changed,) = discover(sql_dir)
    assert changed.checksum != lf.checksum
    write("1_a.sql", text + " ")
    (space,) = discover(sql_dir)
    assert space.checksum != lf.checksum


def test_non_utf8_file_is_an_error(write, sql_dir: Path):
    (sql_dir / "1_a.sql").write_bytes(b"SELECT 1;\nSELECT '\xff';\n")
    with pytest.raises(DirectiveError, match="not valid UTF-8") as info:
        discover(sql_dir)
    assert info.value.line == 2


def test_missing_folder_is_an_empty_layer(tmp_path: Path):
    assert discover(tmp_path / "nope") == []


def test_statements_keep_sql_standard_function_bodies_whole():
    text = (
        "CREATE TABLE t (x int);\n"
        "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\n"
        "BEGIN ATOMIC\n"
        "  SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END;\n"
        "  SELECT 'end;' || a;\n"
        "END;\n"
        "SELECT 2;\n"
    )
    stmts = statements(text)
    assert [s.line for s in stmts] == [1, 2, 7]
    assert stmts[1].text.startswith("CREATE FUNCTION") and stmts[1].text.endswith("END")
    assert "SELECT 'end;' || a;" in stmts[1].text


def test_statements_keep_semicolons_inside_parentheses():
    text = (
        "CREATE TABLE log (x int);\n"
        "CREATE RULE r AS ON INSERT TO t DO ALSO (\n"
        "  INSERT INTO log VALUES (1);\n"
        "  INSERT INTO log VALUES (2)\n"
        ");\n"
        "SELECT ')';\n"
        "SELECT 3;\n"
    )
    stmts = statements(text)
    assert [s.line for s in stmts] == [1, 2, 6, 7]
    assert stmts[1].text.endswith(")") and "VALUES (1);" in stmts[1].text


def test_transaction_control_detection():
    def st(text: str) -> Statement:
        return Statement(text=text, line=1, offset=0)

    assert transaction_control(st("BEGIN")) == "BEGIN"
    assert transaction_control(st("begin isolation level serializable")) == "BEGIN"
    assert transaction_control(st("START TRANSACTION")) == "START TRANSACTION"
    assert transaction_control(st("COMMIT")) == "COMMIT"
    assert transaction_control(st("end")) == "END"
    assert transaction_control(st("ROLLBACK TO SAVEPOINT s")) is None
    assert transaction_control(st("SAVEPOINT s")) is None
    assert transaction_control(st("SELECT 'BEGIN'")) is None


def test_transaction_safety_check_names_line_and_statement(write, sql_dir: Path):
    write("1_a.sql", "CREATE TABLE t (x int);\n\nCREATE INDEX CONCURRENTLY t_x ON t (x);\n")
    write("2_b.sql", "-- nexo:no-transaction\nCREATE INDEX CONCURRENTLY t_x2 ON t (x);\n")
    one, two = discover(sql_dir)
    with pytest.raises(TransactionSafetyError) as info:
        check_transaction_safety(one)
    assert info.value.line == 3
    assert "CREATE INDEX CONCURRENTLY t_x ON t (x)" in info.value.message
    assert "-- nexo:no-transaction" in info.value.message
    check_transaction_safety(two)  # opted out: fine
