"""The one SQLSTATE → error table (nexo/db/sqlstate.py), on errors a real PostgreSQL raises, and the
diagnostics each caller's error keeps: the client, the Prisma migration runner, the SQL layer."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from nexo.client.errors import (
    DataError,
    EngineConnectionError,
    ForeignKeyViolationError,
    InputError,
    MissingRequiredValueError,
    TransactionExpiredError,
    UniqueViolationError,
    map_db_error,
)
from nexo.db.sqlstate import TABLE, Diagnostics, ErrorKind, error_class, error_kind
from nexo.migrate.errors import MigrationFailed
from nexo.migrate.execute import run_script
from nexo.sqllayer import SqlFileFailed, apply, discover


def test_every_row_is_a_psycopg_class_and_each_kind_is_reachable():
    for name, kind in TABLE:
        cls = getattr(errors, name)
        assert error_kind(cls.sqlstate) is kind
        assert error_class(cls.sqlstate) is cls
    assert {kind for _, kind in TABLE} == set(ErrorKind)


def test_exact_codes_win_over_their_class_and_unknown_codes_map_to_nothing():
    assert error_kind("22001") is ErrorKind.VALUE_TOO_LONG
    assert error_kind("22P02") is ErrorKind.INVALID_VALUE  # invalid_text_representation: class 22
    assert error_kind("08006") is ErrorKind.CONNECTION
    assert error_kind("23505") is ErrorKind.UNIQUE_VIOLATION
    assert error_kind("XX000") is None
    assert error_kind(None) is None and error_kind("") is None
    assert error_class("ZZ999") is None


def fail(conn: psycopg.Connection, sql: str) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as info:
        conn.execute(sql)  # type: ignore[arg-type]
    return info.value


@pytest.fixture
def tables(conn: psycopg.Connection) -> psycopg.Connection:
    conn.execute(
        "CREATE TABLE parent (id int PRIMARY KEY);"
        "CREATE TABLE child (id int PRIMARY KEY, email text NOT NULL CONSTRAINT child_email_key UNIQUE,"
        " parent_id int CONSTRAINT child_parent_id_fkey REFERENCES parent(id), code varchar(2));"
        "INSERT INTO child VALUES (1, 'a@x.io', NULL, 'ab')"
    )
    return conn


def test_diagnostics_of_real_errors(tables: psycopg.Connection):
    unique = Diagnostics.of(fail(tables, "INSERT INTO child VALUES (2, 'a@x.io')"))
    assert (unique.sqlstate, unique.kind) == ("23505", ErrorKind.UNIQUE_VIOLATION)
    assert (unique.constraint_name, unique.table_name, unique.schema_name) == ("child_email_key", "child", "public")
    assert unique.message_primary.startswith("duplicate key value violates unique constraint")
    assert unique.detail == "Key (email)=(a@x.io) already exists."
    not_null = Diagnostics.of(fail(tables, "INSERT INTO child (id) VALUES (3)"))
    assert (not_null.kind, not_null.column_name, not_null.table_name) == (
        ErrorKind.NOT_NULL_VIOLATION,
        "email",
        "child",
    )
    fkey = Diagnostics.of(fail(tables, "INSERT INTO child VALUES (4, 'b@x.io', 99)"))
    assert (fkey.kind, fkey.constraint_name) == (ErrorKind.FOREIGN_KEY_VIOLATION, "child_parent_id_fkey")
    syntax = Diagnostics.of(fail(tables, "SELECT id FROM child WHERE nope = 1"))
    assert syntax.sqlstate == "42703" and syntax.kind is ErrorKind.UNDEFINED_COLUMN
    assert syntax.position == len("SELECT id FROM child WHERE ") + 1
    assert syntax.severity == "ERROR"
    bad_value = Diagnostics.of(fail(tables, "SELECT 'x'::int"))
    assert (bad_value.sqlstate, bad_value.kind) == ("22P02", ErrorKind.INVALID_VALUE)


def test_client_errors_keep_sqlstate_and_diagnostics(tables: psycopg.Connection):
    cases = [
        ("INSERT INTO child VALUES (2, 'a@x.io')", UniqueViolationError, "P2002"),
        ("INSERT INTO child VALUES (4, 'b@x.io', 99)", ForeignKeyViolationError, "P2003"),
        ("INSERT INTO child (id) VALUES (3)", MissingRequiredValueError, "P2012"),
        ("INSERT INTO child VALUES (5, 'c@x.io', NULL, 'abc')", DataError, "P2000"),
        ("SELECT 'x'::int", InputError, "P2019"),
    ]
    for sql, cls, code in cases:
        exc = fail(tables, sql)
        mapped = map_db_error(exc)
        assert type(mapped) is cls and mapped.code == code, sql
        assert mapped.sqlstate == exc.sqlstate and mapped.diagnostics is not None
        assert mapped.diagnostics.message_primary == exc.diag.message_primary
    unique = map_db_error(fail(tables, "INSERT INTO child VALUES (2, 'a@x.io')"))
    assert unique.diagnostics is not None and unique.diagnostics.constraint_name == "child_email_key"
    assert isinstance(unique, UniqueViolationError) and unique.meta["constraint"] == "child_email_key"
    # the same kinds, however they arrive: statement timeout, connection class, raw queries
    tables.execute("SET statement_timeout = '1ms'")
    assert isinstance(map_db_error(fail(tables, "SELECT pg_sleep(1)")), TransactionExpiredError)
    tables.execute("RESET statement_timeout")
    raw = map_db_error(fail(tables, "SELECT 'x'::int"), raw=True)
    assert raw.code == "P2010" and raw.sqlstate == "22P02"
    assert isinstance(map_db_error(errors.lookup("08006")("gone")), EngineConnectionError)


def test_the_migration_runner_keeps_the_diagnostics(tables: psycopg.Connection, tmp_path: Path):
    script = "CREATE TABLE t (x int);\nINSERT INTO child VALUES (2, 'a@x.io');\n"
    with pytest.raises(MigrationFailed) as info:
        run_script(tables, "20260101000000_x", script, tmp_path / "migration.sql")
    err = info.value
    assert err.database_error_code == "23505" == err.sqlstate
    assert err.diagnostics is not None and err.diagnostics.constraint_name == "child_email_key"
    assert "ERROR: duplicate key value violates unique constraint" in err.database_error


def test_the_sql_layer_keeps_the_diagnostics(tables: psycopg.Connection, tmp_path: Path):
    sql_dir = tmp_path / "sql"
    sql_dir.mkdir()
    (sql_dir / "1_dup.sql").write_text("INSERT INTO child VALUES (2, 'a@x.io');\n", "utf-8")
    with pytest.raises(SqlFileFailed) as info:
        apply(tables, discover(sql_dir))
    err = info.value
    assert err.sqlstate == "23505"
    assert err.diagnostics is not None and err.diagnostics.table_name == "child"
    assert err.detail == err.diagnostics.detail == "Key (email)=(a@x.io) already exists."
